#!/usr/bin/env python3
"""gen-staging.py — converts SEER's staging algorithm zips into crtk's embedded bundles.

Usage: tools/dev/gen-staging.py [SHARED_STAGING_DIR] [OUT_DIR]
  (defaults: ../shared/staging and schemas/staging)

For every algorithms/*.zip writes OUT_DIR/<algorithm>-<version>.json.gz: one JSON document
{"algorithm","version","tables":[...],"schemas":[...]} holding what the engine uses (ids, column
definitions, rows, inputs, outputs, mappings, NAACCR ids, defaults, flags, schema discriminators) and
none of the text (notes, glossary definitions): of the glossary only the terms are kept, as "glossary"
(left out when the zip has no glossary entry).  DESCRIPTION cells are kept only in the tables that validate a schema input
(EOD, TNM, Pediatric: the meanings `crtk codes ITEM --schema S` and `crtk case show` print); elsewhere
they are blanked.  The output is deterministic (sorted, gzip mtime 0) so a
re-run on the same zip changes nothing.  Run it when SEER publishes a new version, and commit.
"""
import gzip, io, json, os, sys, zipfile

SCHEMA_KEYS = ["id", "algorithm", "version", "name", "schema_num", "schema_selection_table",
               "schema_discriminators", "on_invalid_input", "initial_context", "inputs", "outputs", "mappings"]
INPUT_KEYS = ["key", "name", "naaccr_item", "naaccr_xml_id", "table", "used_for_staging", "default",
              "default_table", "metadata"]
OUTPUT_KEYS = ["key", "name", "naaccr_item", "naaccr_xml_id", "table", "default"]
TABLE_KEYS = ["id", "name", "definition", "rows"]


def pick(d, keys):
    return {k: d[k] for k in keys if k in d}


def strip_schema(s):
    out = pick(s, SCHEMA_KEYS)
    if "inputs" in out:
        out["inputs"] = [pick(i, INPUT_KEYS) for i in s["inputs"]]
    if "outputs" in out:
        out["outputs"] = [pick(o, OUTPUT_KEYS) for o in s["outputs"]]
    if "mappings" in out:
        ms = []
        for m in s["mappings"]:
            m2 = pick(m, ["id", "name", "initial_context", "inclusion_tables", "exclusion_tables", "tables"])
            for k in ("inclusion_tables", "exclusion_tables", "tables"):
                if k in m2:
                    m2[k] = [pick(p, ["id", "input_mapping", "output_mapping"]) for p in m2[k]]
            ms.append(m2)
        out["mappings"] = ms
    return out


def strip_table(t, keep_desc=False):
    out = pick(t, TABLE_KEYS)
    out["definition"] = [pick(c, ["key", "type"]) for c in t.get("definition", [])]
    # DESCRIPTION columns carry text only: blank them to save space (kept for the column count)
    desc = [i for i, c in enumerate(t.get("definition", [])) if c.get("type") == "DESCRIPTION"]
    if desc and "rows" in out and not keep_desc:
        out["rows"] = [[None if i in desc else v for i, v in enumerate(r)] for r in t["rows"]]
    return out


def convert(zpath, out_dir):
    z = zipfile.ZipFile(zpath)
    schemas, tables = [], []
    alg = ver = None
    input_tables = set()
    glossary = set()
    for name in sorted(z.namelist()):
        if name.startswith("schemas/") and name.endswith(".json"):
            d = json.loads(z.read(name))
            if d["algorithm"] != "cs":
                input_tables.update(i["table"] for i in d.get("inputs", []) if i.get("table"))
    for name in sorted(z.namelist()):
        if not name.endswith(".json"):
            continue
        if name.startswith("schemas/") or name.startswith("tables/"):
            d = json.loads(z.read(name))
            alg, ver = d["algorithm"], d["version"]
            (schemas if name.startswith("schemas/") else tables).append(
                strip_schema(d) if name.startswith("schemas/") else strip_table(d, d["id"] in input_tables))
        elif name.startswith("glossary/"):
            term = json.loads(z.read(name)).get("name")
            if term:
                glossary.add(term)
    bundle = {"algorithm": alg, "version": ver, "tables": tables, "schemas": schemas}
    if glossary:
        bundle["glossary"] = sorted(glossary)
    text = json.dumps(bundle, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0, filename="") as g:
        g.write(text)
    path = os.path.join(out_dir, "%s-%s.json.gz" % (alg, ver))
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    print("%s: %d schemas, %d tables, %d bytes (%d uncompressed)" % (path, len(schemas), len(tables),
                                                                      len(buf.getvalue()), len(text)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "shared", "staging")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "schemas", "staging")
    os.makedirs(out, exist_ok=True)
    alg_dir = os.path.join(src, "algorithms")
    for n in sorted(os.listdir(alg_dir)):
        if n.endswith(".zip"):
            convert(os.path.join(alg_dir, n), out)


if __name__ == "__main__":
    main()
