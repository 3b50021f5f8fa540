#!/bin/bash
# t50-submit.sh — `crtk submit` as a registrar would run it each month: the first submission,
# the file checked by `crtk validate` and by the NAACCR XML schema (xmllint, when present), the
# QA summary beside it, nothing new right away, a change sent the next time, a refusal above
# the error rate (exit 1, no file, store unchanged) and --force, --history, usage errors.
# Environment (set by ctest): CRTK, CRTK_SOURCE, CRTK_SHARED.  Needs python3 (sqlite3, zipfile).
. "$(dirname "$0")/lib.sh" t50

: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
need_program python3 "reading JSON, SQLite and ZIP output"
XSD="${CRTK_SHARED:-}/naaccr/spec/xsd/naaccr_data_1.8.xsd"

export CRTK_TODAY=20270115
DB="$TMP/reg.db"
run init "$DB" --registry-name "Test Registry" --facility 0000123456 --user tester
expect_rc 0 "init"
run import "$DB" "$CRTK_SOURCE/sample-data/sample-registry.xml" --user tester
expect_rc 0 "import"
TUMORS=$(sql "$DB" "SELECT count(*) FROM tumor")

# first submission (the sample has a few tumors failing edits: allow them)
run submit "$DB" -o "$TMP/2027-01.xml.gz" --max-error-rate 5 --user tester
expect_rc 0 "first submission"
expect_err "transmission 1: 160 patients, $TUMORS tumors" "summary line"
[ -s "$TMP/2027-01.xml.gz" ] && ok || fail "data file written"
[ -s "$TMP/2027-01.xml.gz.qa.txt" ] && ok || fail "QA text written"
[ -s "$TMP/2027-01.xml.gz.qa.xlsx" ] && ok || fail "QA workbook written"
run validate "$TMP/2027-01.xml.gz"
expect_rc 0 "submission file is valid"
expect_out "0 errors" "validate: no error"
if have_program xmllint "the check against the NAACCR XML schema" && have_reference "$XSD"; then
    gunzip -c "$TMP/2027-01.xml.gz" >"$TMP/plain.xml"
    if xmllint --noout --schema "$XSD" "$TMP/plain.xml" 2>"$TMP/xsd.err"; then ok; else fail "schema"; tail -3 "$TMP/xsd.err"; fi
fi
expect_eq "$(sql "$DB" "SELECT count(*) FROM tumor WHERE dateCaseReportExported = '20270115'")" "$TUMORS" "2110 stamped"
expect_eq "$(sql "$DB" "SELECT count(*) FROM audit WHERE item = 'dateCaseReportExported' AND user = 'tester'")" "$TUMORS" "2110 audited"
SUM=$(sha256sum "$TMP/2027-01.xml.gz" | cut -d' ' -f1)
expect_eq "$(sql "$DB" "SELECT sha256 FROM crtk_transmission WHERE id = 1")" "$SUM" "checksum recorded"
expect_eq "$(sql "$DB" "SELECT file || '|' || tumors || '|' || record_type || '|' || edit_set FROM crtk_transmission")" \
    "2027-01.xml.gz|$TUMORS|A|state-submission" "transmission row"
# the QA text: counts by year add up, measures present
grep -q "Death-certificate-only cases" "$TMP/2027-01.xml.gz.qa.txt" && ok || fail "QA: DCO measure"
grep -q "By reporting facility" "$TMP/2027-01.xml.gz.qa.txt" && ok || fail "QA: by facility"
grep -qE "^Date exported +2027-01-15$" "$TMP/2027-01.xml.gz.qa.txt" && ok || fail "QA: the export date written as a date"
grep -qE "^Reporting facility +0000123456$" "$TMP/2027-01.xml.gz.qa.txt" && ok || fail "QA: the reporting facility"
grep -qE "^NAACCR version +26 \(record version 260\)$" "$TMP/2027-01.xml.gz.qa.txt" && ok || fail "QA: the NAACCR version as people name it"
YSUM=$(awk '/^By year of diagnosis/{f=1;next} f&&/^  Total/{print $NF; exit}' "$TMP/2027-01.xml.gz.qa.txt")
expect_eq "$YSUM" "$TUMORS" "QA: years add up"
# the QA workbook opens as a zip with its sheets
python3 - "$TMP/2027-01.xml.gz.qa.xlsx" <<'PY' && ok || fail "QA workbook readable"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert "xl/workbook.xml" in names and "xl/worksheets/sheet1.xml" in names
wb = z.read("xl/workbook.xml").decode()
for s in ("Summary", "By year", "Edits"):
    assert s in wb, s
PY
got=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/2027-01.xml.gz.qa.xlsx" --cell 'Summary!A2')
expect_out_of() { echo "$1" | grep -qE -- "$2" && ok || fail "$3: $1"; }
expect_out_of "$got" "made by crtk submit" "the QA workbook names the command that made it"
if echo "$got" | grep -q "crtk report quality"; then fail "the QA workbook claims crtk report quality made it"; else ok; fi

# right away: nothing new
run submit "$DB" -o "$TMP/again.xml" --user tester
expect_rc 0 "second run"
expect_out "nothing new" "nothing new to send"
[ ! -e "$TMP/again.xml" ] && ok || fail "no file when nothing is new"

# a change the same day is sent next time, and only that patient
run case set "$DB" 00000002 race1=02 --user tester
expect_rc 0 "case set"
run submit "$DB" -o "$TMP/change.xml" --user tester
expect_rc 0 "change sent"
expect_err "transmission 2: 1 patient," "one patient sent"

# refusal: every tumor failing an edit is too many at 0 %
export CRTK_TODAY=20270201
run submit "$DB" -o "$TMP/all.xml" --since all --max-error-rate 0 --user tester
expect_rc 1 "refused"
expect_err "REFUSED: .* fail at least one edit" "reason given"
[ ! -e "$TMP/all.xml" ] && ok || fail "refused file removed"
[ -s "$TMP/all.xml.qa.txt" ] && ok || fail "QA text of a refused submission"
grep -q "REFUSED" "$TMP/all.xml.qa.txt" && ok || fail "QA text says refused"
expect_eq "$(sql "$DB" "SELECT count(*) FROM crtk_transmission")" 2 "nothing recorded when refused"
expect_eq "$(sql "$DB" "SELECT count(*) FROM tumor WHERE dateCaseReportExported = '20270201'")" 0 "store unchanged when refused"
run submit "$DB" -o "$TMP/all.xml" --since all --max-error-rate 0 --force --naaccr-version 25 --record-type I --user tester
expect_rc 0 "forced"
expect_err "sent with --force" "forced noted"
run validate "$TMP/all.xml"
expect_rc 0 "v25 I file valid"
grep -q 'naaccr-dictionary-250.xml' "$TMP/all.xml" && grep -q 'recordType="I"' "$TMP/all.xml" && ok || fail "v25 record type I"

# history
run submit "$DB" --history
expect_rc 0 "history"
expect_out "2027-01.xml.gz" "history lists the first file"
run submit "$DB" --history --format json
expect_eq "$(grep -c '"sha256"' "$TMP/out")" 3 "history JSON lines"
expect_out '"recordType":"I"' "history JSON record type"

# a store made without --facility: the QA summary says how to name it, and crtk settings does
FDB=$TMP/nofac.db
run init "$FDB"
run import "$FDB" "$CRTK_SOURCE/sample-data/sample-registry.xml"
run submit "$FDB" -o "$TMP/nofac.xml" --max-error-rate 50
grep -qE "^Reporting facility +\(not set: crtk settings DB reportingFacility=ID\)$" "$TMP/nofac.xml.qa.txt" && ok \
    || fail "QA: an unset facility says how to set it"
run settings "$FDB" reportingFacility=12345678901 --user tester
expect_rc 2 "a facility longer than item 540 is refused"
expect_err "reportingFacility=12345678901: Reporting Facility \(item 540\) is at most 10 characters" "says why"
run settings "$FDB" reportingFacility=0000654321 followupDueMonths=20 --user tester
expect_rc 2 "a follow-up window that makes no sense refuses the whole change"
expect_eq "$(sql "$FDB" "SELECT count(*) FROM crtk_setting WHERE key = 'reportingFacility'")" 0 "nothing kept of a refused change"
run settings "$FDB" reportingFacility=0000654321 registryId=0000000042 --user tester
expect_rc 0 "crtk settings"
expect_out "^reportingFacility +0000654321$" "the new facility shown"
expect_eq "$(sql "$FDB" "SELECT count(*) FROM audit WHERE item IN ('setting:reportingFacility', 'setting:registryId') AND user = 'tester'")" 2 "both changes audited"
run submit "$FDB" -o "$TMP/fac.xml" --since all --max-error-rate 50
grep -qE "^Reporting facility +0000654321$" "$TMP/fac.xml.qa.txt" && ok || fail "QA: the facility set by crtk settings"
grep -qE "^Registry ID +0000000042$" "$TMP/fac.xml.qa.txt" && ok || fail "QA: the registry id set by crtk settings"

# usage errors
run submit "$DB" -o "$TMP/x.txt"
expect_rc 2 "not XML"
run submit "$DB" -o "$TMP/x.xml" --since yesterday
expect_rc 2 "bad --since"
run submit "$DB" -o "$TMP/x.xml" --max-error-rate 200
expect_rc 2 "bad rate"
run submit "$DB" -o "$TMP/x.xml" --set nosuchset --since all
expect_rc 2 "unknown edit set"
# the tumors sent are listed in a temporary file until they are stamped: when it cannot be made,
# the submission stops before writing anything (no file, nothing recorded, the store unchanged)
N_TX=$(sql "$DB" "SELECT count(*) FROM crtk_transmission")
N_AUDIT=$(sql "$DB" "SELECT count(*) FROM audit")
TMPDIR="$TMP/no-such-directory" run submit "$DB" -o "$TMP/notmp.xml" --since all --force --user tester
expect_rc 2 "no temporary directory"
expect_err "cannot keep the list of tumors" "says why"
[ ! -e "$TMP/notmp.xml" ] && ok || fail "no file without the list of tumors"
expect_eq "$(sql "$DB" "SELECT count(*) FROM crtk_transmission")" "$N_TX" "nothing recorded without the list"
expect_eq "$(sql "$DB" "SELECT count(*) FROM audit")" "$N_AUDIT" "no change without the list"
run audit "$DB" --verify
expect_rc 0 "audit trail intact"

# a submission of more than 4,096 tumors: the changed rows get their digests in batches during the
# transaction (memory does not grow with the submission); the trail still verifies row by row
if [ -x "${CRTK_GENERATE:-}" ]; then
    "$CRTK_GENERATE" --seed 7 --patients 4000 --naaccr-version 25 --record-type A -o "$TMP/big.xml" --quiet
    run init "$TMP/big.db" --naaccr-version 25
    run import "$TMP/big.db" "$TMP/big.xml"
    expect_rc 0 "import 4,000 patients"
    n=$(sql "$TMP/big.db" "SELECT count(*) FROM tumor")
    [ "$n" -gt 4096 ] && ok || fail "the generated store has $n tumors, not more than 4,096"
    run submit "$TMP/big.db" -o "$TMP/big-out.xml" --force
    expect_rc 0 "submit every tumor of the big store"
    expect_eq "$(sql "$TMP/big.db" "SELECT count(*) FROM tumor WHERE dateCaseReportExported IS NOT NULL")" "$n" "every tumor marked exported"
    run audit "$TMP/big.db" --verify
    expect_rc 0 "audit trail of the big store intact"
else
    skip_part "a submission of more than 4,096 tumors (crtk-generate is not built)"
fi

finish
