#!/bin/bash
# t52-submit-held.sh — `crtk submit` leaves out the abstracts the workspace (crtk serve) holds back:
# status recorded as incomplete or on hold; says how many; --include-incomplete sends them; a
# complete abstract, and a tumor with no recorded status (imported), are sent.
# Environment (set by ctest): CRTK, CRTK_SOURCE.  Needs python3 (sqlite3).
. "$(dirname "$0")/lib.sh" t52

: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
need_program python3 "writing the workspace's statuses, reading SQLite"
export CRTK_TODAY=20270115
DB="$TMP/reg.db"
run init "$DB" --facility 0000123456
expect_rc 0 "init"
run import "$DB" "$CRTK_SOURCE/sample-data/sample-registry.xml"
expect_rc 0 "import"
echo "admin-pass-1" | "$CRTK" user add "$DB" ada --role admin >/dev/null   # makes the workspace's tables
TUMORS=$(sql "$DB" "SELECT count(*) FROM tumor")
# three patients with one tumor each: one incomplete, one on hold, one complete (as crtk serve records them)
read -r P1 P2 P3 <<<"$(sql "$DB" "SELECT group_concat(k, ' ') FROM (SELECT p.patientIdNumber k FROM patient p JOIN tumor t
    ON t.patient_id = p.id GROUP BY p.id HAVING count(*) = 1 ORDER BY p.id LIMIT 3)")"
python3 - "$DB" "$P1" "$P2" "$P3" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for key, status in zip(sys.argv[2:], ["incomplete", "on hold", "complete"]):
    db.execute("INSERT INTO crtk_abstract(tumor_id, status) SELECT t.id, ? FROM tumor t JOIN patient p "
               "ON p.id = t.patient_id WHERE p.patientIdNumber = ?", (status, key))
db.commit()
PY

run submit "$DB" -o "$TMP/1.xml" --set none --user ada
expect_rc 0 "submission without the held abstracts"
expect_err "2 tumors left out: abstract incomplete or on hold" "says how many were left out"
expect_err "transmission 1: [0-9]+ patients?, $((TUMORS - 2)) tumors" "all tumors but the two held are sent"
for k in "$P1" "$P2"; do
    if grep -q ">$k<" "$TMP/1.xml"; then fail "held patient $k was sent"; else ok; fi
done
grep -q ">$P3<" "$TMP/1.xml" && ok || fail "the complete abstract ($P3) is sent"

# the held ones wait; asked for, they are sent (and only they: the rest went already)
run submit "$DB" -o "$TMP/2.xml" --set none --user ada
expect_rc 0 "second submission"
expect_err "2 tumors left out" "still left out"
expect_out "nothing new to send" "nothing else to send"
[ -e "$TMP/2.xml" ] && fail "a file written with nothing to send" || ok
run submit "$DB" -o "$TMP/3.xml" --set none --include-incomplete --user ada
expect_rc 0 "--include-incomplete"
expect_err "transmission 2: 2 patients, 2 tumors" "the two held tumors are sent"
if grep -q "left out" "$TMP/err"; then fail "left-out message with --include-incomplete"; else ok; fi
for k in "$P1" "$P2"; do grep -q ">$k<" "$TMP/3.xml" && ok || fail "held patient $k sent when asked"; done
finish
