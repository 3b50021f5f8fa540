#!/usr/bin/env python3
"""Developer script: restate the NAACCR XML dictionaries in crtk's own format.

Reads the official base and default user dictionaries (NAACCR dictionary XML,
as published in the imsweb/naaccr-xml project and mirrored in ../shared) and
writes one tab-separated file per dictionary into schemas/naaccr/.  crtk embeds
those TSV files into its binary at build time (see registry/dictionary.c), so
the tool needs no outside file at run time.

Usage: tools/dev/gen-schemas.py SHARED_NAACCR_DIR OUT_DIR
"""
import sys, os, xml.etree.ElementTree as ET

NS = '{http://naaccr.org/naaccrxml}'
COLS = ['naaccrNum', 'naaccrId', 'naaccrName', 'parentXmlElement', 'length',
        'dataType', 'padding', 'trim', 'recordTypes', 'startColumn',
        'allowUnlimitedText']


def convert(src, dst, kind):
    root = ET.parse(src).getroot()
    items = root.find(NS + 'ItemDefs')
    with open(dst, 'w', encoding='utf-8', newline='\n') as out:
        out.write('# crtk dictionary: %s\n' % kind)
        for a in ('dictionaryUri', 'naaccrVersion', 'specificationVersion',
                  'dateLastModified', 'description'):
            if root.get(a) is not None:
                out.write('# %s: %s\n' % (a, root.get(a)))
        out.write('\t'.join(COLS) + '\n')
        rows = []
        for it in items.findall(NS + 'ItemDef'):
            row = []
            for c in COLS:
                v = it.get(c, '')
                if c == 'dataType' and not v:
                    v = 'text'
                if c == 'recordTypes' and not v:
                    v = 'A,M,C,I'
                if c == 'allowUnlimitedText':
                    v = 'true' if v == 'true' else ''
                row.append(v.replace('\t', ' '))
            rows.append(row)
        for r in rows:
            out.write('\t'.join(r) + '\n')
    grouped = root.find(NS + 'GroupedItemDefs')
    if grouped is not None:
        gdst = dst.replace('dictionary-', 'grouped-items-')
        with open(gdst, 'w', encoding='utf-8', newline='\n') as out:
            out.write('# crtk grouped items (documentation only; not loaded): %s\n' % kind)
            out.write('naaccrNum\tnaaccrId\tnaaccrName\tstartColumn\tlength\trecordTypes\tcontains\n')
            for g in grouped.findall(NS + 'GroupedItemDef'):
                out.write('\t'.join(g.get(c, '') for c in (
                    'naaccrNum', 'naaccrId', 'naaccrName', 'startColumn',
                    'length', 'recordTypes', 'contains')) + '\n')


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for v in ('140', '150', '160', '180', '210', '220', '230', '240', '250', '260'):
        convert(os.path.join(src, 'dictionaries/base/naaccr-dictionary-%s.xml' % v),
                os.path.join(out, 'dictionary-%s.tsv' % v), 'NAACCR %s base' % v)
        u = os.path.join(src, 'dictionaries/default-user/user-defined-naaccr-dictionary-%s.xml' % v)
        if os.path.exists(u):
            convert(u, os.path.join(out, 'user-dictionary-%s.tsv' % v),
                    'NAACCR %s default user' % v)


if __name__ == '__main__':
    main()
