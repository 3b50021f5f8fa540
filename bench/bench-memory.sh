#!/bin/bash
# bench-memory.sh — peak memory (max RSS) of the commands that read a whole store or file, at two or
# more sizes: `crtk report site-table`, `report quality`, `report survival`, `followup due`, `submit`
# and `crtk edits` on the generated XML file.  Each must stay under 64 MiB whatever the size (crtk
# issue 14); the sizes show whether memory grows with the store.
#
# Usage: bench/bench-memory.sh [BUILD_DIR] [SMALL] [LARGE] [MORE...]   (patients; default 10000 100000)
# Data in bench/data/ (not committed).  Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SIZES="${2:-10000} ${3:-100000} ${*:4}"
CRTK=$BUILD/crtk
GEN=$BUILD/crtk-generate
DATA=bench/data
mkdir -p "$DATA"
TIMES=$(mktemp)
OUT=$(mktemp -d)
trap 'rm -rf "$TIMES" "$OUT"' EXIT
peak() { # peak LABEL COMMAND...: max RSS in MiB and wall seconds
    local label=$1
    shift
    /usr/bin/time -o "$TIMES" -f "%e %M" "$@" >/dev/null 2>&1 || true
    read -r secs kb < <(tail -1 "$TIMES")
    awk -v l="$label" -v s="$secs" -v k="$kb" 'BEGIN { printf "%-44s peak %7.1f MiB %8.2f s\n", l, k / 1024, s }'
}
for n in $SIZES; do
    IN=$DATA/v26-abstract-$n.xml
    [ -s "$IN" ] || "$GEN" --seed 2026 --patients "$n" --naaccr-version 26 --record-type A -o "$IN" --quiet
    DB=$DATA/memory-$n.db
    if [ ! -s "$DB" ]; then
        "$CRTK" init "$DB" >/dev/null
        "$CRTK" import "$DB" "$IN" >/dev/null 2>&1
    fi
    echo "== $n patients ($(grep -c '<Tumor>' "$IN") tumors)"
    peak "report site-table" "$CRTK" report site-table "$DB" -o "$OUT/site.xlsx"
    peak "report quality" "$CRTK" report quality "$DB" -o "$OUT/quality.xlsx"
    peak "report survival" "$CRTK" report survival "$DB" -o "$OUT/survival.xlsx"
    peak "followup due" "$CRTK" followup due "$DB" --as-of 20260701 -o "$OUT/due.csv"
    peak "followup due, every status, workbook" "$CRTK" followup due "$DB" --as-of 20260701 --status all \
        --group-by physician -o "$OUT/due.xlsx"
    # submit records the transmission: run it on a copy so the store stays as generated
    cp "$DB" "$OUT/submit.db"
    peak "submit (every tumor)" "$CRTK" submit "$OUT/submit.db" -o "$OUT/submit.xml" --force
    rm -f "$OUT"/submit.*
    peak "edits (the XML file, set hospital)" "$CRTK" edits "$IN" --set hospital
done
