#!/bin/bash
# bench-metafile.sh — speed and memory of a state metafile run natively: the example metafile of
# ../shared/edits-metafile (18 edits, 3 lookup tables) over a store of generated NAACCR 25
# abstracts (crtk-generate), and over the same data as a file.  Memory is measured at two sizes
# to show it does not grow with the store.  Target: >= 20,000 tumors/s.
#
# Usage: bench/bench-metafile.sh [BUILD_DIR] [PATIENTS]      (default build, 100000)
# Data in bench/data/ (not committed).  Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PATIENTS=${2:-100000}
CRTK=$BUILD/crtk
GEN=$BUILD/crtk-generate
SMF=${CRTK_SHARED:-../shared}/edits-metafile/example/crtk-example.smf
[ -f "$SMF" ] || { echo "bench-metafile: $SMF not found (set CRTK_SHARED)" >&2; exit 2; }
DATA=bench/data
mkdir -p "$DATA"
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
timed() { # timed LABEL TUMORS COMMAND...
    local label=$1 n=$2
    shift 2
    sync
    /usr/bin/time -o "$TIMES" -f "%e %M %U %S" "$@" >/dev/null 2>&1 || true
    read -r secs kb us ss < <(tail -1 "$TIMES")
    awk -v l="$label" -v s="$secs" -v k="$kb" -v n="$n" -v c="$us" -v y="$ss" \
        'BEGIN { cpu = c + y; printf "%-50s %6.2f s %7.0f tumors/s (%7.0f per CPU-s)  peak %6.1f MiB\n", l, s, (s > 0 ? n / s : 0), (cpu > 0 ? n / cpu : 0), k / 1024 }'
}
for p in $((PATIENTS / 10)) "$PATIENTS"; do
    IN=$DATA/v25-abstract-$p.xml
    [ -s "$IN" ] || "$GEN" --seed 2026 --patients "$p" --naaccr-version 25 --record-type A -o "$IN" --quiet
    tumors=$(grep -c '<Tumor>' "$IN")
    DB=$DATA/bench-metafile-$p.db
    if [ ! -s "$DB" ]; then
        rm -f "$DB" "$DB"-wal "$DB"-shm
        "$CRTK" init "$DB" --naaccr-version 25 >/dev/null
        "$CRTK" import "$DB" "$IN" --force >/dev/null 2>&1
    fi
    timed "metafile (18 edits) over a store, $p patients" "$tumors" "$CRTK" edits "$DB" --metafile "$SMF" --today 20261204 --format csv -o /dev/null
    timed "crtk's own edits (all) over the store, $p patients" "$tumors" "$CRTK" edits "$DB" --today 20261204 --format csv -o /dev/null
    timed "metafile (18 edits) over a file, $p patients" "$tumors" "$CRTK" edits "$IN" --metafile "$SMF" --today 20261204 --format csv -o /dev/null
done
