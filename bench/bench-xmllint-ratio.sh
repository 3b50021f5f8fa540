#!/bin/bash
# bench-xmllint-ratio.sh — crtk's codec CPU times as ratios of `xmllint --stream --noout` on the
# XML counterpart of the same data, measured in the same run (issue 14: the Java library took
# 2.3x xmllint to read XML, 4.77x for XML->XML, 3.58x for v18 XML->flat, 3.08x for flat->XML and
# 1.01x to read the flat file; the target is a tenth of each).
#
# Usage: bench/bench-xmllint-ratio.sh [BUILD_DIR] [PATIENTS] [RUNS]
# Data is generated once into bench/data/ (not committed).  Runs are interleaved (every command
# once per round), CPU time = user+sys from GNU time; best and median over RUNS rounds (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PATIENTS=${2:-20000}
RUNS=${3:-3}
CRTK=$BUILD/crtk
GEN=$BUILD/crtk-generate
DATA=bench/data
mkdir -p "$DATA"
X25=$DATA/ratio-v25-$PATIENTS.xml
X18=$DATA/ratio-v18-$PATIENTS.xml
F18=$DATA/ratio-v18-$PATIENTS.txt
[ -s "$X25" ] || "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 25 --record-type I -o "$X25" --quiet
[ -s "$X18" ] || "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 180 --record-type I -o "$X18" --quiet
[ -s "$F18" ] || "$CRTK" convert "$X18" "$F18" -q
cat "$X25" "$X18" "$F18" >/dev/null # warm the page cache

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# name | target ratio (Java ratio / 10) | xmllint baseline | command
labels=(xmllint25 xmllint18 xml_read xml_xml xml_flat flat_xml flat_read)
argv() { # argv LABEL: the command of LABEL into the array A
    case $1 in
    xmllint25) A=(xmllint --stream --noout "$X25") ;;
    xmllint18) A=(xmllint --stream --noout "$X18") ;;
    xml_read) A=("$CRTK" validate "$X25") ;;
    xml_xml) A=("$CRTK" convert "$X25" "$TMP/out.xml" -q) ;;
    xml_flat) A=("$CRTK" convert "$X18" "$TMP/out.txt" -q) ;;
    flat_xml) A=("$CRTK" convert "$F18" "$TMP/out.xml" -q) ;;
    flat_read) A=("$CRTK" validate "$F18") ;;
    esac
}
for ((r = 1; r <= RUNS; r++)); do
    for l in "${labels[@]}"; do
        rm -f "$TMP"/out.*
        argv "$l"
        /usr/bin/time -o "$TMP/t" -f "%U %S" "${A[@]}" >/dev/null 2>"$TMP/err" || true
        tail -1 "$TMP/t" | awk '{ printf "%.3f\n", $1 + $2 }' >>"$TMP/$l"
    done
done
stat() { sort -n "$TMP/$1" | awk -v w="$2" '{ v[NR] = $1 } END { print (w == "best" ? v[1] : v[int((NR + 1) / 2)]) }'; }
echo "$PATIENTS patients, $RUNS interleaved rounds, CPU seconds (user+sys); ratio = crtk / xmllint --stream on the XML"
printf "%-26s %9s %9s %9s %9s %8s %s\n" task best median xmllint ratio target ""
row() { # row LABEL NAME BASELINE TARGET
    local b m x ratio
    b=$(stat "$2" best) m=$(stat "$2" median) x=$(stat "$3" best)
    ratio=$(awk -v a="$b" -v x="$x" 'BEGIN { printf "%.3f", (x > 0 ? a / x : 0) }')
    printf "%-26s %9s %9s %9s %9s %8s %s\n" "$1" "$b" "$m" "$x" "$ratio" "$4" \
        "$(awk -v r="$ratio" -v t="$4" 'BEGIN { print (r <= t ? "ok" : "MISSES") }')"
}
printf "%-26s %9s %9s\n" "xmllint v25 XML" "$(stat xmllint25 best)" "$(stat xmllint25 median)"
printf "%-26s %9s %9s\n" "xmllint v18 XML" "$(stat xmllint18 best)" "$(stat xmllint18 median)"
row "XML read (validate v25)" xml_read xmllint25 0.230
row "XML -> XML (v25)" xml_xml xmllint25 0.477
row "v18 XML -> flat" xml_flat xmllint18 0.358
row "flat -> XML (v18)" flat_xml xmllint18 0.308
row "flat read (validate)" flat_read xmllint18 0.101
