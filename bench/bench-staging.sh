#!/bin/bash
# bench-staging.sh — speed of crtk's staging engine: schema selections/s and full stagings/s.
#
# Cases: the EOD, TNM and Pediatric oracle samples and the CS integration sample of
# ../shared/staging/tests (inputs only).  `crtk stage --keys FILE --repeat N` holds the cases in
# memory and times the engine alone (keys resolved once, as a bulk caller does); the end-to-end
# `crtk stage --keys` (parse, stage, write CSV) is timed over the same cases in the same run as the
# reference point.  Both wall and CPU time are printed: on a shared machine CPU time is the fair one.
#
# Usage: bench/bench-staging.sh [BUILD_DIR] [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
REPEAT=${2:-20}
CRTK=$BUILD/crtk
ST=${CRTK_SHARED:-../shared}/staging/tests
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

python3 - "$ST" "$TMP" <<'PY'
import csv, gzip, io, sys
st, out = sys.argv[1], sys.argv[2]
LOOKUP = {"site", "hist", "year_dx", "behavior", "discriminator_1", "discriminator_2", "sex_at_birth", "age_dx", "ssf25"}
for alg in ("eod", "tnm", "pediatric"):
    rows = list(csv.DictReader(io.TextIOWrapper(gzip.open("%s/%s-oracle-sample.csv.gz" % (st, alg)), encoding="utf-8", newline="")))
    with open("%s/%s.keys" % (out, alg), "w") as f, open("%s/%s-lookup.keys" % (out, alg), "w") as g:
        for r in rows:
            f.write(r["inputs"] + "\n")
            g.write(";".join(kv for kv in r["inputs"].split(";") if kv.split("=")[0] in LOOKUP) + "\n")
CS = ("site,hist,year_dx,cs_input_version_original,behavior,grade,age_dx,lvi,size,extension,extension_eval,nodes,"
      "nodes_eval,nodes_pos,nodes_exam,mets,mets_eval").split(",") + ["ssf%d" % i for i in range(1, 26)]
rows = csv.DictReader(io.TextIOWrapper(gzip.open(st + "/cs-integration-sample.csv.gz"), encoding="utf-8", newline=""))
with open(out + "/cs.keys", "w") as f, open(out + "/cs-lookup.keys", "w") as g:
    for i, r in enumerate(rows):
        if i % 4:
            continue
        f.write(";".join("%s=%s" % (k, r[k]) for k in CS) + "\n")
        g.write("site=%s;hist=%s;ssf25=%s\n" % (r["site"], r["hist"], r["ssf25"]))
PY

for alg in eod tnm pediatric cs; do
    n=$(wc -l <"$TMP/$alg.keys")
    echo "== $alg: $n cases x $REPEAT"
    "$CRTK" stage -a $alg --keys "$TMP/$alg-lookup.keys" --lookup --repeat "$REPEAT" --context ctx_year_current=2026
    "$CRTK" stage -a $alg --keys "$TMP/$alg.keys" --lookup --repeat "$REPEAT" --context ctx_year_current=2026 2>&1 | sed 's/selection/selection (all inputs set)/'
    "$CRTK" stage -a $alg --keys "$TMP/$alg.keys" --repeat "$REPEAT" --context ctx_year_current=2026
    /usr/bin/time -f "$alg end-to-end crtk stage --keys (load algorithm, parse, stage, write CSV): %e s wall, %U s user, %M KiB peak" \
        "$CRTK" stage -a $alg --keys "$TMP/$alg.keys" --context ctx_year_current=2026 >/dev/null
done
