#!/usr/bin/env python3
"""replay-oracle.py — replays SEER staging oracle samples through `crtk stage --keys` and compares exactly.

Usage: replay-oracle.py CRTK KIND FILE [--every N]
  KIND: oracle (eod/tnm/pediatric-oracle-sample.csv.gz, README §8.5), cs-integration (§8.1),
        cs-schema-id (§8.2).
Prints the pass rate per algorithm and per schema, the first differences, and exits 1 when any row
differs.  --every N replays one row in N (for the sanitizer build).
"""
import collections, csv, gzip, io, subprocess, sys

CS_INPUTS = ("site,hist,year_dx,cs_input_version_original,behavior,grade,age_dx,lvi,size,extension,extension_eval,"
             "nodes,nodes_eval,nodes_pos,nodes_exam,mets,mets_eval").split(",") + ["ssf%d" % i for i in range(1, 26)]


def run(crtk, alg, lines, extra):
    p = subprocess.run([crtk, "stage", "--algorithm", alg, "--keys", "-"] + extra,
                       input="\n".join(lines) + "\n", capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("crtk failed (%d): %s" % (p.returncode, p.stderr))
    return list(csv.DictReader(io.StringIO(p.stdout)))


def main():
    crtk, kind, path = sys.argv[1:4]
    every = int(sys.argv[sys.argv.index("--every") + 1]) if "--every" in sys.argv else 1
    rows = list(csv.DictReader(io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")))
    rows = rows[::every]
    per = collections.defaultdict(lambda: [0, 0])
    diffs = []
    msg_diff = 0
    if kind == "oracle":
        by_ctx = collections.defaultdict(list)
        for r in rows:
            by_ctx[(r["algorithm"], r["ctx_year_current"])].append(r)
        for (alg, year), rs in by_ctx.items():
            out = run(crtk, {"eod_public": "eod"}.get(alg, alg), [r["inputs"] for r in rs],
                      ["--context", "ctx_year_current=" + year])
            for r, o in zip(rs, out):
                key = r["target_schema"]
                per[key][1] += 1
                bad = [c for c in ("result", "schema_id", "candidates", "outputs", "errors", "path") if r[c] != o[c]]
                if not bad:
                    per[key][0] += 1
                    if r["error_messages"] != o["error_messages"]:
                        msg_diff += 1
                        if msg_diff <= 3:
                            print("message differs case %s: %r vs %r" % (r["case_id"], r["error_messages"],
                                                                          o["error_messages"]))
                elif len(diffs) < 10:
                    diffs.append("case %s (%s): %s" % (r["case_id"], r["inputs"],
                                                      "; ".join("%s: want %r got %r" % (c, r[c], o[c]) for c in bad)))
    elif kind == "cs-integration":
        lines = []
        for r in rows:
            vals = {k: r[k] for k in CS_INPUTS}
            if vals["year_dx"] in ("2019", "2020"):
                vals["year_dx"] = "2049"
            lines.append(";".join("%s=%s" % (k, vals[k]) for k in sorted(vals)))
        out = run(crtk, "cs", lines, [])
        outkeys = [c for c in rows[0].keys() if c not in CS_INPUTS and c not in ("schema_file", "row_index")]
        for r, o in zip(rows, out):
            got = dict(kv.split("=", 1) for kv in o["outputs"].split(";")) if o["outputs"] else {}
            key = r["schema_file"]
            per[key][1] += 1
            bad = [k for k in outkeys if r[k].strip() != (got.get(k) or "").replace("<null>", "")]
            if not bad:
                per[key][0] += 1
            elif len(diffs) < 10:
                diffs.append("%s row %s: %s (%s)" % (key, r["row_index"], ", ".join(
                    "%s want %r got %r" % (k, r[k].strip(), got.get(k)) for k in bad[:5]), o["result"]))
    elif kind == "cs-schema-id":
        lines = ["site=%s;hist=%s;ssf25=%s" % (r["site"].strip(), r["hist"].strip(), r["ssf25"].strip()) for r in rows]
        p = subprocess.run([crtk, "stage", "--algorithm", "cs", "--keys", "-", "--lookup"], input="\n".join(lines) + "\n",
                           capture_output=True, text=True)
        out = list(csv.DictReader(io.StringIO(p.stdout)))
        for r, o in zip(rows, out):
            got = o["ids"] if o["count"] == "1" else ""
            per["all"][1] += 1
            if got == r["expected_schema_id"]:
                per["all"][0] += 1
            elif len(diffs) < 10:
                diffs.append("row %s %s/%s/%s: want %r got %r" % (r["row_index"], r["site"], r["hist"], r["ssf25"],
                                                                 r["expected_schema_id"], o["ids"]))
    ok = sum(v[0] for v in per.values())
    n = sum(v[1] for v in per.values())
    print("%s %s: %d/%d rows match (%.3f%%), %d schemas; error messages differ in %d matching rows" % (
        kind, path.split("/")[-1], ok, n, 100.0 * ok / max(n, 1), len(per), msg_diff))
    for k, (a, b) in sorted(per.items()):
        if a != b:
            print("  %s: %d/%d" % (k, a, b))
    for d in diffs:
        print("  DIFF " + d)
    sys.exit(0 if ok == n else 1)


if __name__ == "__main__":
    main()
