#!/usr/bin/env python3
"""Developer script: restate the SEER ICD-O-3 Site/Histology Validation List in crtk's format.

Reads the SEER list (CSV conversion of sitetype.icdo3.d20220429.xlsx: one row
per site group and histology/behavior) and the list of valid ICD-O-3
topography codes, and writes schemas/codes/site-histology.tsv with one line
per histology/behavior code: the primary sites where that combination is
valid, as comma-separated codes and inclusive ranges.  A range runs over
valid topography codes only (C760-C768 does not make C766 valid).

The two forms say the same thing: a site/histology/behavior combination is
on the SEER list exactly when the site falls in the line's sites.

Usage: sample-data/derive-site-histology.py SITETYPE_CSV PRIMARY_SITE_CSV OUT_TSV
  e.g. ../shared/codes/site-histology/sitetype.icdo3.d20220429.csv
       ../shared/codes/icdo3/primarySite.csv  schemas/codes/site-histology.tsv
"""
import csv
import sys
from collections import Counter, OrderedDict


def main():
    src, topo_csv, dst = sys.argv[1:4]
    topo = [row[0] for row in csv.reader(open(topo_csv, encoding='utf-8')) if row]
    index = {c: i for i, c in enumerate(topo)}

    def expand(ranges):
        out = []
        for part in ranges.split(','):
            part = part.strip()
            if '-' in part:
                lo, hi = part.split('-')
                out += [c for c in topo if lo <= c <= hi]
            elif part:
                if part not in index:
                    raise SystemExit('unknown topography code %s' % part)
                out.append(part)
        return out

    sites = OrderedDict()
    labels = {}
    for row in csv.DictReader(open(src, encoding='utf-8')):
        hb = row['Histology/Behavior'].strip()
        sites.setdefault(hb, set()).update(expand(row['Site recode']))
        labels.setdefault(hb, Counter())[row['Histology/Behavior Description'].strip()] += 1

    def compress(codes):
        idx = sorted(index[c] for c in codes)
        runs, start, prev = [], None, None
        for i in idx:
            if start is None:
                start = prev = i
            elif i == prev + 1:
                prev = i
            else:
                runs.append((start, prev))
                start = prev = i
        runs.append((start, prev))
        return ','.join(topo[a] if a == b else '%s-%s' % (topo[a], topo[b]) for a, b in runs)

    with open(dst, 'w', encoding='utf-8', newline='\n') as out:
        out.write('# crtk code table: valid ICD-O-3 primary site / histology / behavior combinations\n')
        out.write('# source: SEER ICD-O-3 Site/Histology Validation List of 2022-04-29 (sitetype.icdo3.d20220429),\n')
        out.write('#   a US government (NCI SEER) publication; ICD-O-3 codes and terms are WHO/IARC classifications.\n')
        out.write('# derived by sample-data/derive-site-histology.py: one line per histology/behavior;\n')
        out.write('#   sites = comma-separated topography codes and inclusive ranges over valid ICD-O-3\n')
        out.write('#   topography codes where the combination is on the list; label = the list\'s term\n')
        out.write('#   (terms that differ between site groups are joined with " / ").\n')
        out.write('sites\thistology\tbehavior\tlabel\n')
        for hb in sorted(sites):
            hist, beh = hb.split('/')
            names = [n for n, _ in labels[hb].most_common()]
            out.write('%s\t%s\t%s\t%s\n' % (compress(sites[hb]), hist, beh, ' / '.join(names)))


if __name__ == '__main__':
    main()
