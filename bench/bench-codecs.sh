#!/bin/bash
# bench-codecs.sh — speed and memory of crtk validate and crtk convert on a generated
# NAACCR 25 incidence XML file of 100,000 patients (about 119,000 tumors, 1.1 GB),
# the size of the reference measurement in issue 2.  Also times xmllint --stream
# (well-formedness only) and cat on the same file for comparison.
#
# Usage: bench/bench-codecs.sh [BUILD_DIR] [PATIENTS]
# The data is generated once into bench/data/ (not committed).  Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PATIENTS=${2:-100000}
CRTK=$BUILD/crtk
GEN=$BUILD/crtk-generate
DATA=bench/data
mkdir -p "$DATA"
IN=$DATA/v25-incidence-$PATIENTS.xml
if [ ! -s "$IN" ]; then
    echo "generating $IN ..."
    "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 25 --record-type I -o "$IN" --quiet
fi
SMALL=$DATA/v25-incidence-10000.xml
[ -s "$SMALL" ] || "$GEN" --seed 2026 --patients 10000 --naaccr-version 25 --record-type I -o "$SMALL" --quiet
size=$(stat -c %s "$IN")
echo "input: $IN ($((size / 1048576)) MiB)"

TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
measure() { # measure LABEL COMMAND...: best wall time of 2 runs, its peak memory, throughput over the input
    local label=$1
    shift
    local best="" bestkb=0
    for _ in 1 2; do
        rm -f "$DATA"/out* && sync # each run starts with the disk quiet and no output left
        /usr/bin/time -o "$TIMES" -f "%e %M" "$@" >/dev/null 2>&1 || true
        read -r secs kb < <(tail -1 "$TIMES")
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs bestkb=$kb; fi
    done
    awk -v l="$label" -v s="$best" -v k="$bestkb" -v b="$size" \
        'BEGIN { printf "%-42s %7.2f s %8.1f MiB %8.0f MB/s\n", l, s, k / 1024, (s > 0 ? b / 1e6 / s : 0) }'
}
cat "$IN" >/dev/null # warm the page cache
measure "cat" cat "$IN"
command -v xmllint >/dev/null && measure "xmllint --stream --noout" xmllint --stream --noout "$IN"
measure "crtk validate" "$CRTK" validate "$IN"
measure "crtk convert XML -> XML" "$CRTK" convert "$IN" "$DATA/out.xml"
measure "crtk convert XML 25 -> XML 26" "$CRTK" convert "$IN" "$DATA/out26.xml" --naaccr-version 26 -q
measure "crtk convert XML 25 -> flat 18" "$CRTK" convert "$IN" "$DATA/out18.txt" --naaccr-version 18 -q
measure "crtk convert XML -> CSV" "$CRTK" convert "$IN" "$DATA/out.csv" -q
measure "crtk convert XML -> XML.gz" "$CRTK" convert "$IN" "$DATA/out.xml.gz" -q
rm -f "$DATA"/out*
"$CRTK" convert "$IN" "$DATA/in.xml.gz" -q 2>/dev/null
measure "crtk validate XML.gz" "$CRTK" validate "$DATA/in.xml.gz"
rm -f "$DATA/in.xml.gz"
/usr/bin/time -o "$TIMES" -f "%M" "$CRTK" validate "$SMALL" >/dev/null 2>&1 || true
echo "peak memory of crtk validate on 10,000 patients: $(( $(cat "$TIMES") / 1024 )) MiB (the same program on a 10x smaller file)"
rm -f "$DATA"/out*
