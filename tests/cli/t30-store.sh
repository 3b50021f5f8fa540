#!/bin/bash
# t30-store.sh — the registry store from the command line, as a registrar would use it:
# crtk init, import (twice, a failing file, a killed import), export with --where,
# case show/set/edit/delete, audit (and tampering), backup and upgrade.
# Environment (set by ctest): CRTK (the binary).  Needs python3 (its sqlite3 module) to look inside.
. "$(dirname "$0")/lib.sh" t30
# case edit keeps refused text in $XDG_RUNTIME_DIR/crtk-edits: a private runtime directory of the test's own
mkdir -m 700 "$TMP/rt"
export XDG_RUNTIME_DIR=$TMP/rt

need_program python3 "reading JSON, SQLite and ZIP output"

HEAD='<?xml version="1.0"?>
<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml" recordType="A" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">'
cat >"$TMP/cases.xml" <<XML
$HEAD
<Patient><Item naaccrId="patientIdNumber">00000001</Item><Item naaccrId="sexAssignedAtBirth">2</Item>
  <Tumor><Item naaccrId="tumorRecordNumber">01</Item><Item naaccrId="primarySite">C504</Item><Item naaccrId="dateOfDiagnosis">20210315</Item><Item naaccrId="behaviorCodeIcdO3">3</Item></Tumor></Patient>
<Patient><Item naaccrId="patientIdNumber">00000002</Item><Item naaccrId="sexAssignedAtBirth">1</Item>
  <Tumor><Item naaccrId="tumorRecordNumber">01</Item><Item naaccrId="primarySite">C619</Item></Tumor>
  <Tumor><Item naaccrId="tumorRecordNumber">02</Item><Item naaccrId="primarySite">C180</Item></Tumor></Patient>
</NaaccrData>
XML
cat >"$TMP/bad.xml" <<XML
$HEAD
<Patient><Item naaccrId="patientIdNumber">00000003</Item>
  <Tumor><Item naaccrId="primarySite">C509</Item></Tumor></Patient>
<Patient><Item naaccrId="patientIdNumber">00000004</Item>
  <Tumor><Item naaccrId="primarySit">C509</Item></Tumor></Patient>
</NaaccrData>
XML
DB=$TMP/reg.db

# init: a new file readable by its owner only, in WAL mode
run init "$DB" --registry-name "Test Registry" --user alice
expect_rc 0 "init"
expect_eq "$(stat -c %a "$DB")" 600 "store file mode"
expect_eq "$(sql "$DB" 'PRAGMA journal_mode')" wal "journal mode"
run init "$DB"
expect_rc 2 "init over an existing file"

# import twice: same counts
run import "$DB" "$TMP/cases.xml" --user alice
expect_rc 0 "import"
expect_out "added 2 patients, 3 tumors" "import counts"
run import "$DB" "$TMP/cases.xml" --user alice
expect_rc 0 "import again"
expect_eq "$(sql "$DB" 'SELECT (SELECT count(*) FROM patient) || "/" || (SELECT count(*) FROM tumor)')" "2/3" "counts after two imports"

# a file with an error: refused, with its place, and the store is unchanged
run import "$DB" "$TMP/bad.xml"
expect_rc 1 "import of a bad file"
expect_err "bad.xml:6:[0-9]+: .*primarySit" "the error names file, line, column and item"
expect_err "not imported" "the file is refused"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM patient')" 2 "failed import leaves the store as it was"

# a flat file (NAACCR 18) goes into the NAACCR 26 store, converted on the way
if [ -x "${CRTK_GENERATE:-}" ]; then
    "$CRTK_GENERATE" --seed 9 --patients 20 --naaccr-version 18 --record-type I --format flat -o "$TMP/f18.txt" --quiet
    "$CRTK" init "$TMP/flat.db" >/dev/null
    run import "$TMP/flat.db" "$TMP/f18.txt"
    expect_rc 0 "import of a flat 18 file into a 26 store"
    expect_eq "$(sql "$TMP/flat.db" 'SELECT count(*) FROM patient WHERE sexAssignedAtBirth IS NOT NULL')" 20 "flat 18 sex mapped to sexAssignedAtBirth"
fi
run case set "$DB" 00000001 "nameLast=SM
ITH"
expect_rc 1 "a line break in a short item is refused"

# export with a read-only --where
run export "$DB" -o "$TMP/breast.xml" --where "primarySite LIKE 'C50%'"
expect_rc 0 "export --where"
expect_err "1 patient, 1 tumor written" "export counts"
run validate "$TMP/breast.xml"
expect_rc 0 "exported file is valid"
run export "$DB" -o "$TMP/derived.xml" --derived --study-cutoff 2025
expect_rc 0 "export --derived"
grep -q '<Item naaccrId="survMosPresumedAlive">[0-9]\{4\}</Item>' "$TMP/derived.xml" && ok || fail "export --derived lacks survival months"
run validate "$TMP/derived.xml"
expect_rc 0 "derived export is valid"
run export "$DB" -o "$TMP/x.xml" --where "1); DELETE FROM patient; SELECT (1"
expect_rc 2 "--where cannot change the store"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM patient')" 2 "--where changed nothing"

# case show / set / edit / delete
run case show "$DB" 00000001
expect_rc 0 "case show"
expect_out "primarySite +C504" "case show lists the site"
expect_out "Diagnosis" "case show groups items in sections"
CRTK_TODAY=20261001 run case set "$DB" 00000001 primarySite=C508 --user bob
expect_rc 0 "case set"
expect_eq "$(sql "$DB" "SELECT primarySite || ' ' || dateCaseLastChanged FROM tumor WHERE patient_id = 1")" "C508 20261001" "case set changes the value and Date Case Last Changed"
run case set "$DB" 00000001 primarySit=C508
expect_rc 2 "case set of an unknown item"
expect_err "did you mean primarySite" "unknown item suggests the nearest"
run case set "$DB" 00000002 primarySite=C500
expect_rc 2 "a tumor item on a patient with two tumors needs PATIENT/N"
run case set "$DB" 00000002/2 behaviorCodeIcdO3=33
expect_rc 1 "case set of a value too long"
EDITOR="sed -i s/C508/C509/" run case edit "$DB" 00000001/1
expect_rc 0 "case edit"
expect_eq "$(sql "$DB" "SELECT primarySite FROM tumor WHERE patient_id = 1")" "C509" "case edit applies the change"
EDITOR="sed -i s/C509/C5099X/" run case edit "$DB" 00000001/1
expect_rc 1 "case edit with an invalid value"
expect_err "kept in" "the user's text is kept"
expect_eq "$(sql "$DB" "SELECT primarySite FROM tumor WHERE patient_id = 1")" "C509" "an invalid edit changes nothing"
# the text is edited and kept in a private directory (never /tmp/crtk-edit-*.txt), 0600 in 0700
kept=$(sed -n 's/.*your text is kept in //p' "$TMP/err" | tail -1)
case $kept in "$TMP/rt/crtk-edits/"*) ok ;; *) fail "kept text in $kept, expected $TMP/rt/crtk-edits/" ;; esac
expect_eq "$(stat -c %a "$kept" 2>&1)" 600 "kept text mode"
expect_eq "$(stat -c %a "$TMP/rt/crtk-edits" 2>&1)" 700 "edit directory mode"
if grep -q C5099X "$kept"; then ok; else fail "the kept text is the user's"; fi
rm -f "$kept"
EDITOR="sh -c 'echo \"\$0\" >\"$TMP/edited\"; sed -i s/C509/C508/ \"\$0\"'" run case edit "$DB" 00000001/1
expect_rc 0 "case edit (editor told its file)"
edited=$(cat "$TMP/edited")
case $edited in "$TMP/rt/crtk-edits/"*) ok ;; *) fail "edited $edited, expected a file in $TMP/rt/crtk-edits/" ;; esac
if [ ! -e "$edited" ] && [ -z "$(ls -A "$TMP/rt/crtk-edits")" ]; then ok; else fail "an applied edit left its file"; fi
# without a runtime directory: DB.edits beside the store; stdin not a terminal, so no question asked
(unset XDG_RUNTIME_DIR; EDITOR="sed -i s/C508/C5099X/" run case edit "$DB" 00000001/1 </dev/null; echo "$rc" >"$TMP/rc")
rc=$(cat "$TMP/rc")
expect_rc 1 "case edit refused without XDG_RUNTIME_DIR"
expect_err "your text is kept in $DB.edits/edit-" "kept beside the store"
expect_no_out "again" "no question when stdin is not a terminal"
if ! grep -q "again?" "$TMP/err"; then ok; else fail "asked to edit again without a terminal"; fi
expect_eq "$(stat -c %a "$DB.edits")" 700 "DB.edits mode"
kept=$(sed -n 's/.*your text is kept in //p' "$TMP/err" | tail -1)
expect_eq "$(stat -c %a "$kept" 2>&1)" 600 "kept text mode beside the store"
rm -rf "$DB.edits"
expect_eq "$(sql "$DB" "SELECT primarySite FROM tumor WHERE patient_id = 1")" "C508" "the refused edit changed nothing"
run case delete "$DB" 00000002/2
expect_rc 2 "delete needs --yes"
run case delete "$DB" 00000002/2 --yes
expect_rc 0 "delete a tumor"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM tumor')" 2 "tumor deleted"

# the edits over the store (and over the patients that --where selects, with all their tumors)
run edits "$DB" --format json
expect_rc 1 "edits find failures in the store"
expect_out '"patientIdNumber":"0000000[12]","tumor":[0-9]+,"edit":"[A-Z0-9-]+","name":.*"items":\[' "edit failures as JSON Lines"
run edits "$DB" --format xlsx -o "$TMP/edits.xlsx"
expect_rc 1 "edits as a workbook"
if have_program unzip "looking inside the workbook"; then
    unzip -p "$TMP/edits.xlsx" xl/workbook.xml | grep -q 'name="Failures"' && ok || fail "workbook lacks the Failures sheet"
    unzip -p "$TMP/edits.xlsx" xl/worksheets/sheet1.xml | grep -q '00000001\|00000002' && ok || fail "workbook lacks the failing patients"
fi
# what pulls the chart (name, medical record number, accession) beside the patient, and the page
# setup; on a copy whose patients have names and whose tumors have medical record numbers
cp "$DB" "$TMP/chart.db"
for p in 00000001 00000002; do
    run case set "$TMP/chart.db" "$p" nameLast="LAST$p" nameFirst=ANN --user alice
    n=$(sql "$TMP/chart.db" "SELECT count(*) FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE patientIdNumber = '$p'")
    for t in $(seq 1 "$n"); do run case set "$TMP/chart.db" "$p/$t" medicalRecordNumber="M$p-$t" --user alice; done
done
run edits "$TMP/chart.db" --format xlsx -o "$TMP/edits.xlsx"
expect_rc 1 "edits as a workbook (names and record numbers)"
got=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/edits.xlsx" --cell 'Failures!C3' --cell 'Failures!D3' \
      --cell 'Failures!E3' --cell 'Failures!F3' --cell 'Failures!C4' --cell 'Failures!D4' --cell 'Failures!E4')
expect_eq "$(echo "$got" | grep '^Failures orientation')" "Failures orientation=landscape fit=1x0 titles=\$3:\$3 footer=Test Registry|as-of|page-n-of-m" "failures print landscape, fit to width, header repeated, the registry and the date in the footer"
expect_eq "$(echo "$got" | grep '^Summary orientation' | cut -d' ' -f1-4)" "Summary orientation=portrait fit=1x0 titles=\$5:\$5" "summary prints portrait"
expect_eq "$(echo "$got" | grep 'Failures![CDEF]3' | cut -d' ' -f3- | tr '\n' '|')" "Patient ID|Name|Medical record no.|Accession no.|" "chart columns"
pid=$(echo "$got" | grep 'Failures!C4' | cut -d' ' -f3)
expect_eq "$(echo "$got" | grep 'Failures!D4' | cut -d' ' -f3-)" "LAST$pid, ANN" "the failing patient's name"
tumor=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/edits.xlsx" --cell 'Failures!G4' | grep 'Failures!G4' | cut -d' ' -f3)
expect_eq "$(echo "$got" | grep 'Failures!E4' | cut -d' ' -f2-)" "s M$pid-${tumor:-1}" "the failing tumor's medical record number (the first tumor's for a patient edit)"
# a listing a person opens: the chosen columns as text cells (leading zeros kept), meanings beside codes
site=$(sql "$DB" "SELECT primarySite FROM tumor WHERE primarySite IS NOT NULL ORDER BY id LIMIT 1")
run export "$DB" -o "$TMP/list.xlsx" --columns patientIdNumber,400,sequenceNumberCentral --meanings --where "primarySite = '$site'"
expect_rc 0 "export a listing"
got=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/list.xlsx" --cell 'Listing!A3' --cell 'Listing!B3' --cell 'Listing!C3' \
      --cell 'Listing!A4' --cell 'Listing!B4' --cell 'Listing!C4' --cell 'Listing!E4')
expect_eq "$(echo "$got" | grep -c 'titles=\$3:\$3 footer=Test Registry|as-of|page-n-of-m')" 1 "the listing prints with its header on every page"
expect_eq "$(echo "$got" | grep 'Listing![ABC]3' | cut -d' ' -f3- | tr '\n' '|')" "Patient ID Number [20]|Primary Site [400]|Primary Site: meaning|" "listing headers: names and item numbers"
echo "$got" | grep -Eq "Listing!A4 s 0000000[0-9]$" && ok || fail "patient id as text with its zeros: $got"
expect_eq "$(echo "$got" | grep 'Listing!B4' | cut -d' ' -f3-)" "$site" "the site as coded"
expect_eq "$(echo "$got" | grep 'Listing!C4' | cut -d' ' -f3-)" "$("$CRTK" codes primarySite "$site" | head -1 | sed 's/^[^ ]* *//')" "the site's meaning beside it"
echo "$got" | grep -Eq "Listing!E4 (s [0-9]{2}|empty)$" && ok || fail "sequence number as two-digit text: $got"
run export "$DB" -o "$TMP/nocols.xlsx"
expect_rc 2 "a listing needs --columns"
expect_err "names its columns" "says which option"
[ ! -e "$TMP/nocols.xlsx" ] && ok || fail "nothing written without --columns"
run export "$DB" -o "$TMP/list.xml" --columns patientIdNumber
expect_rc 2 "--columns is for a listing (.xlsx)"
run export "$DB" -o "$TMP/bad.xlsx" --columns patientIdNumbr
expect_rc 2 "an unknown column"
expect_err "did you mean patientIdNumber" "suggests the item"
expect_err "NAACCR [0-9]+ has no item patientIdNumbr;" "names the unknown column in plain words"
run sql "$DB" "SELECT p.patientIdNumber, t.primarySite FROM tumor t JOIN patient p ON p.id = t.patient_id ORDER BY t.id" --format xlsx -o "$TMP/q.xlsx"
expect_rc 0 "sql as a workbook"
got=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/q.xlsx" --cell 'Listing!A3' --cell 'Listing!A4')
expect_eq "$(echo "$got" | grep 'Listing!A' | cut -d' ' -f3- | tr '\n' '|')" "patientIdNumber|$(sql "$DB" "SELECT p.patientIdNumber FROM tumor t JOIN patient p ON p.id = t.patient_id ORDER BY t.id LIMIT 1")|" "sql workbook: column names, ids as text"
run sql "$DB" "SELECT 1 AS one" -o "$TMP/q2.xlsx"
expect_rc 0 "-o q2.xlsx without --format: the name picks a workbook (README)"
expect_eq "$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/q2.xlsx" --cell 'Listing!A3' | grep 'Listing!A3' | cut -d' ' -f3-)" "one" "the workbook's header"
# numbers SQL computes are number cells (they add up in a spreadsheet); item values stay text
run sql "$DB" "SELECT primarySite, count(*) AS n, avg(length(primarySite)) AS a FROM tumor GROUP BY primarySite ORDER BY primarySite LIMIT 1" -o "$TMP/q3.xlsx"
got=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/q3.xlsx" --cell 'Listing!A4' --cell 'Listing!B4' --cell 'Listing!C4')
echo "$got" | grep -Eq "Listing!A4 s C[0-9]{3}$" && ok || fail "the site stays a text cell: $got"
echo "$got" | grep -Eq "Listing!B4 n [0-9]+" && ok || fail "count(*) is a number cell: $got"
echo "$got" | grep -Eq "Listing!C4 n 4" && ok || fail "avg() is a number cell: $got"
run sql "$DB" "SELECT 1" -o "$TMP/q2.csv"
expect_rc 2 "-o q2.csv: sql writes only a workbook to a file"
[ ! -e "$TMP/q2.csv" ] && ok || fail "nothing written to q2.csv"
# county meanings are read with the state of the same address: Alexandria city is a county of VA, 033 of MD
run case set "$DB" 00000001 addrAtDxState=MD countyAtDx=033 addrCurrentState=VA countyCurrent=510
expect_rc 0 "set the addresses"
run export "$DB" -o "$TMP/county.xlsx" --columns patientIdNumber,countyAtDx,countyCurrent --meanings --where "patientIdNumber = '00000001'"
expect_rc 0 "export counties with meanings"
got=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/county.xlsx" --cell 'Listing!C4' --cell 'Listing!E4')
expect_eq "$(echo "$got" | grep 'Listing!C4' | cut -d' ' -f3-)" "Prince George's County, MD" "County at DX named in its state"
expect_eq "$(echo "$got" | grep 'Listing!E4' | cut -d' ' -f3-)" "Alexandria city, VA" "County--Current named in the current address's state"

run edits "$DB" --where "patientIdNumber = 'nobody'"
expect_rc 0 "no case selected, no failure"
run edits "$DB" --where "1); DROP TABLE tumor; SELECT (1"
expect_rc 2 "edits --where is read-only"

# plain SQL with the derived variables as functions; only reading
run sql "$DB" "SELECT crtk_seer_site_recode(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3, dateOfDiagnosis) AS site, count(*) AS n FROM tumor GROUP BY site ORDER BY site" --format json
expect_rc 0 "crtk sql"
expect_out '^\{"site":"[0-9]+","n":"[0-9]+"\}$' "rows as JSON Lines"
run sql "$DB" "DELETE FROM tumor"
expect_rc 2 "crtk sql refuses to change the store"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM tumor')" 2 "nothing deleted"

# the audit trail: who, what, old and new; tampering is detected
run audit "$DB" --patient 00000001 --format json
expect_rc 0 "audit list"
expect_out '"user":"bob".*"item":"primarySite","old":"C504","new":"C508"' "audit records who, item, old and new value"
run audit "$DB" --verify
expect_rc 0 "audit verify"
run backup "$DB" "$TMP/copy.db"
expect_rc 0 "backup"
expect_eq "$(stat -c %a "$TMP/copy.db")" 600 "backup file mode"
run audit "$TMP/copy.db" --verify
expect_rc 0 "backup's audit trail"
sql "$TMP/copy.db" "UPDATE audit SET new_value = 'C999' WHERE item = 'primarySite'" >/dev/null
run audit "$TMP/copy.db" --verify
expect_rc 1 "tampering detected"
expect_out "BROKEN" "verify says so"

# a killed import leaves a sound store with all or nothing of the file
{
    echo "$HEAD"
    awk 'BEGIN { for (i = 1; i <= 40000; i++) printf "<Patient><Item naaccrId=\"patientIdNumber\">%08d</Item><Tumor><Item naaccrId=\"primarySite\">C509</Item><Item naaccrId=\"dateOfDiagnosis\">20200101</Item></Tumor></Patient>\n", i + 100 }'
    echo "</NaaccrData>"
} >"$TMP/big.xml"
"$CRTK" init "$TMP/kill.db" >/dev/null
"$CRTK" import "$TMP/kill.db" "$TMP/big.xml" >/dev/null 2>&1 &
pid=$!
sleep 0.4
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
expect_eq "$(sql "$TMP/kill.db" 'PRAGMA integrity_check')" ok "integrity after a killed import"
n=$(sql "$TMP/kill.db" 'SELECT count(*) FROM patient')
if [ "$n" = 0 ] || [ "$n" = 40000 ]; then ok; else fail "killed import left $n patients (all or nothing expected)"; fi

# upgrade 25 -> 26: sex becomes sexAssignedAtBirth, recorded in the audit trail
cat >"$TMP/v25.xml" <<XML
<?xml version="1.0"?>
<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" recordType="I" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">
<Patient><Item naaccrId="patientIdNumber">00000001</Item><Item naaccrId="sex">2</Item><Tumor><Item naaccrId="primarySite">C509</Item></Tumor></Patient>
</NaaccrData>
XML
"$CRTK" init "$TMP/v25.db" --naaccr-version 25 >/dev/null
"$CRTK" import "$TMP/v25.db" "$TMP/v25.xml" >/dev/null
run upgrade "$TMP/v25.db" --naaccr-version 26
expect_rc 0 "upgrade"
expect_eq "$(sql "$TMP/v25.db" 'SELECT sexAssignedAtBirth FROM patient')" 2 "sex mapped to sexAssignedAtBirth"
expect_eq "$(sql "$TMP/v25.db" "SELECT count(*) FROM audit WHERE command = 'upgrade' AND item = 'naaccrVersion'")" 1 "upgrade audited"

finish
