#!/bin/bash
# bench-store.sh — speed and memory of the registry store: import and export of the formats
# issue's generated NAACCR 25 incidence file (100,000 patients, about 119,000 tumors), then on a
# store of NAACCR 26 abstracts: import, export, edits, derived variables, follow-up, reports,
# a submission, and
# `crtk case show` / `crtk case set` on a store grown to a million tumors.
#
# Usage: bench/bench-store.sh [BUILD_DIR] [PATIENTS]
# Data in bench/data/ (not committed).  Needs GNU time (/usr/bin/time) and python3 (sqlite3 module).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PATIENTS=${2:-100000}
CRTK=$BUILD/crtk
GEN=$BUILD/crtk-generate
DATA=bench/data
mkdir -p "$DATA"
IN=$DATA/v26-abstract-$PATIENTS.xml
[ -s "$IN" ] || "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 26 --record-type A -o "$IN" --quiet
# Import and export as issue 3 states them: the formats issue's data (NAACCR 25 incidence XML).
IN25=$DATA/v25-incidence-$PATIENTS.xml
[ -s "$IN25" ] || "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 25 --record-type I -o "$IN25" --quiet
DB25=$DATA/bench25.db
rm -f "$DB25" "$DB25"-wal "$DB25"-shm
"$CRTK" init "$DB25" --naaccr-version 25 >/dev/null
tumors=$(grep -c '<Tumor>' "$IN25")
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
timed() { # timed LABEL COMMAND...: wall seconds, tumors per second, peak memory
    local label=$1
    shift
    sync # start with the disk quiet: an earlier step's writes are not this one's
    /usr/bin/time -o "$TIMES" -f "%e %M" "$@" >/dev/null 2>&1 || true
    read -r secs kb < <(tail -1 "$TIMES")
    awk -v l="$label" -v s="$secs" -v k="$kb" -v n="$tumors" \
        'BEGIN { printf "%-44s %7.2f s %9.0f tumors/s  peak %6.1f MiB\n", l, s, (s > 0 ? n / s : 0), k / 1024 }'
}
timed "v25 incidence: import $tumors tumors" "$CRTK" import "$DB25" "$IN25"
timed "v25 incidence: export $tumors tumors" "$CRTK" export "$DB25" -o "$DATA/export.xml" --record-type I
rm -f "$DATA/export.xml" "$DB25" "$DB25"-wal "$DB25"-shm

# Everything else on a store of NAACCR 26 abstracts (record type A, with names and text).
DB=$DATA/bench.db
rm -f "$DB" "$DB"-wal "$DB"-shm
"$CRTK" init "$DB" >/dev/null
tumors=$(grep -c '<Tumor>' "$IN")
timed "import $tumors tumors (a new store)" "$CRTK" import "$DB" "$IN"
timed "import the same file again (all matched)" "$CRTK" import "$DB" "$IN"
timed "export $tumors tumors" "$CRTK" export "$DB" -o "$DATA/export.xml"
rm -f "$DATA/export.xml"
timed "export $tumors tumors, record type I" "$CRTK" export "$DB" -o "$DATA/export.xml" --record-type I
timed "edits (hospital set) over the store" "$CRTK" edits "$DB" --set hospital --max-failures 0
timed "derived variables over the store" "$CRTK" sql "$DB" "SELECT crtk_seer_site_recode(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3, dateOfDiagnosis) AS site, crtk_iccc(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3) AS iccc, crtk_aya(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3) AS aya, crtk_age_group(crtk_age_at_dx(dateOfBirth, dateOfDiagnosis)) AS age, count(*) FROM tumor JOIN patient ON patient.id = tumor.patient_id GROUP BY 1, 2, 3, 4"
timed "followup due" "$CRTK" followup due "$DB" --as-of 20260701
timed "followup rate" "$CRTK" followup rate "$DB" --as-of 20260701
for r in site-table stage trends age followup quality survival; do
    timed "report $r" "$CRTK" report "$r" "$DB" -o "$DATA/report.xlsx"
done
rm -f "$DATA/report.xlsx"
# A monthly submission: everything once, then 10,000 tumors changed since (their Date Case Last Changed moved on).
"$CRTK" submit "$DB" -o "$DATA/first.xml" --force >/dev/null 2>&1 || true
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE tumor SET dateCaseLastChanged = \"29991231\" WHERE id IN (SELECT id FROM tumor ORDER BY id LIMIT 10000)"); c.commit()' "$DB"
tumors=10000
timed "submit 10,000 changed tumors" "$CRTK" submit "$DB" -o "$DATA/second.xml" --force
grep -c '<Tumor>' "$DATA/second.xml" | sed 's/^/  tumors in the submission file: /'
rm -f "$DATA"/first.xml* "$DATA"/second.xml*
rm -f "$DATA/export.xml"
# Grow the store to a million tumors by copying rows under new patient ids (inside SQLite).
python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
cols_p = [r[1] for r in db.execute("PRAGMA table_info(patient)") if r[1] != "id"]
cols_t = [r[1] for r in db.execute("PRAGMA table_info(tumor)") if r[1] not in ("id", "patient_id")]
n_t = db.execute("SELECT count(*) FROM tumor").fetchone()[0]
k = 1
while db.execute("SELECT count(*) FROM tumor").fetchone()[0] < 1000000:
    off = db.execute("SELECT max(id) FROM patient").fetchone()[0]
    pc = ",".join('"%s"' % c for c in cols_p if c != "patientIdNumber")
    tc = ",".join('"%s"' % c for c in cols_t)
    db.execute('INSERT INTO patient(id, "patientIdNumber", %s) SELECT id + ?, printf("%%08d", id + ?), %s FROM patient WHERE id <= ?' % (pc, pc), (off, off, n_t))
    db.execute('INSERT INTO tumor(patient_id, %s) SELECT patient_id + ?, %s FROM tumor WHERE patient_id <= ?' % (tc, tc), (off, n_t))
    db.commit()
print("store grown to", db.execute("SELECT count(*) FROM tumor").fetchone()[0], "tumors")
PY
last=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT patientIdNumber FROM patient ORDER BY id DESC LIMIT 1").fetchone()[0])' "$DB")
best() { # best of 5 runs, in ms
    local b=999999
    for _ in 1 2 3 4 5; do
        local s e
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1
        e=$(date +%s%N)
        local ms=$(( (e - s) / 1000000 ))
        [ "$ms" -lt "$b" ] && b=$ms
    done
    echo "$b"
}
echo "case show (1M tumors): $(best "$CRTK" case show "$DB" "$last") ms"
echo "case set  (1M tumors): $(best "$CRTK" case set "$DB" "$last" primarySite=C509) ms"
