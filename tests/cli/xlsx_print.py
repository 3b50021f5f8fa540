#!/usr/bin/env python3
"""xlsx_print.py — what a workbook will look like on paper, read from the file itself (the OOXML
of each sheet), for the CLI tests: one line per sheet

    SHEET orientation=landscape fit=1x0 titles=$4:$4 footer=registry|as-of|page-n-of-m

and, with --cell SHEET!REF, the cell's value and kind ("s" text, "n" number, "d" a number in a
date format), e.g.  Follow-up list!D5 d 45748.

Usage: xlsx_print.py FILE.xlsx [--cell 'SHEET!A1' ...]
"""
import re
import sys
import zipfile


def main():
    path = sys.argv[1]
    cells = [a for i, a in enumerate(sys.argv[2:]) if i > 0 and sys.argv[2:][i - 1] == "--cell"]
    z = zipfile.ZipFile(path)
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    target = dict(re.findall(r'<Relationship Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    target.update({k: v for v, k in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
    titles = {int(i): r for i, r in re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)">[^!]*!([^<]+)<', wb)}
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        sst = z.read("xl/sharedStrings.xml").decode()
        strings = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r"<si>(.*?)</si>", sst, re.S)]
    styles = z.read("xl/styles.xml").decode()
    fmts = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    xf_fmt = [int(m) for m in re.findall(r'<xf numFmtId="(\d+)"', xfs)]

    def is_date(style):
        f = xf_fmt[style] if style < len(xf_fmt) else 0
        code = fmts.get(str(f), "")
        return 14 <= f <= 22 or ("y" in code and "d" in code)

    sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="([^"]+)"', wb)
    for i, (name, rid) in enumerate(sheets):
        xml = z.read("xl/" + target[rid].lstrip("/").replace("xl/", "")).decode()
        ps = re.search(r"<pageSetup([^>]*)/>", xml)
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', ps.group(1))) if ps else {}
        fit = "fitToPage" in xml
        foot = re.search(r"<oddFooter>([^<]*)</oddFooter>", xml)
        parts = []
        if foot:
            f = foot.group(1).replace("&amp;", "&")
            left = re.search(r"&L(?:&\d+)?([^&]*)", f)
            parts.append(left.group(1) if left else "")
            parts.append("as-of" if "As of" in f else "")
            parts.append("page-n-of-m" if "&P of &N" in f else "")
        print("%s orientation=%s fit=%s titles=%s footer=%s" % (
            name, attrs.get("orientation", "portrait"),
            ("%sx%s" % (attrs.get("fitToWidth", "1"), attrs.get("fitToHeight", "1"))) if fit else "none",
            titles.get(i, "none"), "|".join(parts) if parts else "none"))
        for want in cells:
            sheet, ref = want.rsplit("!", 1)
            if sheet != name:
                continue
            m = re.search(r'<c r="%s"([^>]*?)(?:/>|>(.*?)</c>)' % ref, xml, re.S)
            if not m:
                print("%s!%s empty" % (name, ref))
                continue
            a, body = m.group(1), m.group(2) or ""
            v = re.search(r"<v>(.*?)</v>", body)
            style = int(re.search(r's="(\d+)"', a).group(1)) if 's="' in a else 0
            if 't="inlineStr"' in a:
                print("%s!%s s %s" % (name, ref, re.sub(r"<[^>]+>", "", body)))
            elif 't="s"' in a:
                print("%s!%s s %s" % (name, ref, strings[int(v.group(1))]))
            elif v:
                print("%s!%s %s %s" % (name, ref, "d" if is_date(style) else "n", v.group(1)))
            else:
                print("%s!%s empty" % (name, ref))


if __name__ == "__main__":
    main()
