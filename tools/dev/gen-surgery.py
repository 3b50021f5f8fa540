#!/usr/bin/env python3
"""gen-surgery.py — converts the site-specific surgery tables (STORE/SEER coding manual appendix, as XML
from imsweb/algorithms in ../shared/codes/surgery) into crtk's embedded form.

Usage: tools/dev/gen-surgery.py [SHARED_SURGERY_DIR] [OUT_DIR]
  (defaults: ../shared/codes/surgery and schemas/codes/surgery)

For every site-specific-surgery-tables-YEAR.xml writes OUT_DIR/surgery-YEAR.tsv: one line per code
(rows without a code — headings, notes, breaks — are left out) with the columns
  table (title), sites (ICD-O-3 topography list, ranges with '-'), hist_incl, hist_excl (histology
  lists, blank = none), code, level (the manual's indentation), description (HTML tags removed,
  whitespace collapsed).
The output is deterministic; run it when a new manual year is published, and commit.
"""
import html, os, re, sys
import xml.etree.ElementTree as ET


def clean(text):
    t = re.sub(r"<br\s*/?>", " ", text or "")
    t = re.sub(r"<[^>]+>", "", t)
    t = html.unescape(t)
    return re.sub(r"\s+", " ", t).strip()


def convert(path, out_dir):
    root = ET.parse(path).getroot()
    year = root.get("version")
    lines = ["# site-specific surgery codes of the %s (%s): made by tools/dev/gen-surgery.py from %s; do not edit"
             % (root.get("version-name"), year, os.path.basename(path)),
             "table\tsites\thist_incl\thist_excl\tcode\tlevel\tdescription"]
    for t in root.findall("surgery-table"):
        title = t.get("title")
        sites = (t.findtext("site-inclusion") or "").strip()
        hin = (t.findtext("hist-inclusion") or "").strip()
        hex_ = (t.findtext("hist-exclusion") or "").strip()
        for r in t.findall("row"):
            code = (r.findtext("code") or "").strip()
            if not code:
                continue
            desc = clean(r.findtext("description"))
            for f in (title, sites, hin, hex_, code, desc):
                assert "\t" not in f and "\n" not in f, (path, title, code)
            lines.append("\t".join([title, sites, hin, hex_, code, r.get("level", "0"), desc]))
    out = os.path.join(out_dir, "surgery-%s.tsv" % year)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("%s: %d codes" % (out, len(lines) - 2))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "shared", "codes", "surgery")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "schemas", "codes", "surgery")
    os.makedirs(out, exist_ok=True)
    for n in sorted(os.listdir(src)):
        m = re.match(r"site-specific-surgery-tables-(\d{4})\.xml$", n)
        if m:
            convert(os.path.join(src, n), out)


if __name__ == "__main__":
    main()
