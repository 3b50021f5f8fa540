#!/bin/bash
# t62-duplicates.sh — the duplicate check before a patient is added (crtk/duplicates.h):
# crtk case new refuses a likely match and lists it (same SSN; same name and birth date; similar
# name with the same birth date), --allow-duplicate adds anyway; crtk import warns.
set -euo pipefail
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB=$WORK/r.db
"$CRTK" init "$DB" >/dev/null
"$CRTK" import "$DB" "$CRTK_SOURCE/sample-data/sample-registry.xml" >/dev/null
# a sample patient with a real SSN (the hand-made expectations below are about this person)
IFS='|' read -r KEY LAST FIRST DOB SSN < <(python3 - "$DB" <<'PY'
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(
    "SELECT patientIdNumber, nameLast, nameFirst, dateOfBirth, socialSecurityNumber FROM patient "
    "WHERE length(socialSecurityNumber) = 9 AND socialSecurityNumber NOT IN ('999999999', '000000000') "
    "AND length(dateOfBirth) = 8 ORDER BY id LIMIT 1").fetchone()
print("|".join(r))
PY
)
fail() { echo "FAIL: $*"; exit 1; }
expect_dup() { # expect_dup REASON ITEM=VALUE...
    local reason=$1; shift
    local rc=0
    "$CRTK" case new "$DB" "$@" 2>"$WORK/err" >/dev/null || rc=$?
    [ "$rc" -eq 1 ] || fail "case new $* exit $rc, expected 1 (refused)"
    grep -q "possible duplicate: patient $KEY .*: $reason" "$WORK/err" || { cat "$WORK/err"; fail "no '$reason' for $*"; }
}
expect_dup "same SSN" nameLast=ZZTOP nameFirst=Q socialSecurityNumber="$SSN"
expect_dup "same name and birth date" nameLast="$LAST" nameFirst="$FIRST" dateOfBirth="$DOB"
lower=$(echo "$LAST" | tr 'A-Z' 'a-z')
expect_dup "same name and birth date" nameLast="$lower" nameFirst="$FIRST" dateOfBirth="$DOB"
# one letter changed in the last name, same first initial and birth date
similar="${LAST:0:${#LAST}-1}X"
expect_dup "similar name, same birth date" nameLast="$similar" nameFirst="${FIRST:0:1}" dateOfBirth="$DOB"
# not a match: other name, same birth date
"$CRTK" case new "$DB" nameLast=QQQQQQ nameFirst=Z dateOfBirth="$DOB" >/dev/null 2>"$WORK/err" || fail "a stranger was refused"
grep -q "possible duplicate" "$WORK/err" && fail "a stranger was called a duplicate"
# --allow-duplicate adds, still listing the match
"$CRTK" case new "$DB" nameLast="$LAST" nameFirst="$FIRST" dateOfBirth="$DOB" --allow-duplicate >"$WORK/out" 2>"$WORK/err"
grep -q "added" "$WORK/out" || fail "--allow-duplicate did not add"
grep -q "possible duplicate: patient $KEY" "$WORK/err" || fail "--allow-duplicate did not list the match"
# import: a new patient id with the same SSN is added, with a warning naming the match
printf 'recordType,patientIdNumber,nameLast,nameFirst,socialSecurityNumber\nA,99999999,NEWNAME,X,%s\n' "$SSN" >"$WORK/dup.csv"
"$CRTK" import "$DB" "$WORK/dup.csv" --naaccr-version 26 >"$WORK/out" 2>"$WORK/err" || true
grep -q "possible duplicate of patient $KEY .*same SSN" "$WORK/err" || { cat "$WORK/out" "$WORK/err"; fail "import gave no duplicate warning"; }
python3 -c "import sqlite3,sys; sys.exit(0 if sqlite3.connect('$DB').execute(\"SELECT count(*) FROM patient WHERE patientIdNumber='99999999'\").fetchone()[0]==1 else 1)" \
    || fail "import did not add the patient"
echo "t62: all checks passed"
