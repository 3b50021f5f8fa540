#!/bin/bash
# bench-stage-store.sh — `crtk stage STORE` over generated stores of two sizes: tumors/s, wall and CPU
# time, peak memory.  The reference measured in the same run is a plain SQLite scan of the same
# store (sqlite3 reading every tumor joined to its patient), so the ratio says how far staging is
# from the cost of just reading the rows.  On a shared machine CPU time is the fair figure.
#
# Usage: bench/bench-stage-store.sh [BUILD_DIR] [SMALL] [LARGE]   (patients; default 10000 100000)
# Data in bench/data/ (not committed).  Needs GNU time (/usr/bin/time) and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SMALL=${2:-10000}
LARGE=${3:-100000}
CRTK=$BUILD/crtk
GEN=$BUILD/crtk-generate
DATA=bench/data
mkdir -p "$DATA"
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
for n in "$SMALL" "$LARGE"; do
    DB=$DATA/stage-$n.db
    if [ ! -s "$DB" ]; then
        IN=$DATA/v25-incidence-$n.xml
        [ -s "$IN" ] || "$GEN" --seed 2026 --patients "$n" --naaccr-version 25 --record-type I -o "$IN" --quiet
        rm -f "$DB" "$DB"-wal "$DB"-shm
        "$CRTK" init "$DB" --naaccr-version 25 >/dev/null
        "$CRTK" import "$DB" "$IN" >/dev/null
    fi
    tumors=$(sqlite3 "$DB" 'select count(*) from tumor')
    run() { # run LABEL COMMAND...: wall, CPU (user+sys), tumors/s by CPU, peak memory
        local label=$1
        shift
        /usr/bin/time -o "$TIMES" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || true
        read -r wall usr sys kb < <(tail -1 "$TIMES")
        awk -v l="$label" -v w="$wall" -v u="$usr" -v s="$sys" -v k="$kb" -v n="$tumors" \
            'BEGIN { c = u + s; printf "%-40s %6.2f s wall %6.2f s CPU %9.0f tumors/s CPU  peak %6.1f MiB\n", l, w, c, (c > 0 ? n / c : 0), k / 1024 }'
    }
    echo "== $n patients, $tumors tumors"
    run "reference: sqlite3 scan of every tumor" sqlite3 "$DB" \
        "select count(*), max(t.primarySite || t.histologicTypeIcdO3 || t.dateOfDiagnosis) from tumor t join patient p on p.id = t.patient_id"
    run "crtk stage (every algorithm by year)" "$CRTK" stage "$DB" --format csv
    run "crtk stage --algorithm eod" "$CRTK" stage "$DB" --algorithm eod --format csv
done
