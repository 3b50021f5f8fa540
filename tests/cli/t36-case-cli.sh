#!/bin/bash
# t36-case-cli.sh — `crtk case` as people type it (crtk issue 14): values in common forms (dates
# 2026-03-10 and 03/10/2026, sites C50.4, histology 8500/3, item numbers), patient numbers without
# their leading zeros, unknown subcommands named before any store is opened, --help per subcommand,
# --format json messages, and exit status 1 when a change is saved with failing edits.
# Environment (set by ctest): CRTK.  Needs python3 (sqlite3) to look inside the store.
. "$(dirname "$0")/lib.sh" t36

need_program python3 "reading SQLite and JSON output"
SAMPLE=$(dirname "$0")/../../sample-data/sample-registry.xml
DB=$TMP/reg.db
"$CRTK" init "$DB" >/dev/null 2>&1 && "$CRTK" import "$DB" "$SAMPLE" >/dev/null 2>&1 || { fail "store from the sample"; finish; }
tumor1() { sql "$DB" "SELECT $1 FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE p.patientIdNumber = '00000160' ORDER BY t.id LIMIT 1"; }

# patient numbers without their leading zeros
run case show "$DB" 160
expect_rc 0 "case show 160"
expect_out "^Patient 00000160 " "160 finds patient 00000160"
# labels a registrar knows: NAACCR name, item number, naaccrId; treatment items under Treatment
expect_out "^    Primary Site +400 primarySite +C" "items labelled by NAACCR name and number"
awk '/^  [A-Z]/ {sec=$0} /rxSummChemo|rxHospSurgPrimSite|phase1TotalDose/ {print sec}' "$TMP/out" | sort -u >"$TMP/rxsec"
expect_eq "$(cat "$TMP/rxsec")" "  Treatment" "treatment items (rxSumm*, rxHosp*, radiation phases) under Treatment"
# within a section, NAACCR item-number order (Race 1 [160] before Date of Birth [240] before Birthplace [252])
grep -o -E " (race1|dateOfBirth|birthplaceState) " "$TMP/out" | tr -d ' ' | tr '\n' ' ' >"$TMP/order"
expect_eq "$(cat "$TMP/order")" "race1 dateOfBirth birthplaceState " "items of a section in NAACCR item-number order"
# a county code read with the state of its address (the sample patient lives in MD)
state=$(sql "$DB" "SELECT addrCurrentState FROM patient WHERE patientIdNumber = '00000160'")
county=$(sql "$DB" "SELECT countyCurrent FROM patient WHERE patientIdNumber = '00000160'")
LOOKUP=${CRTK_SHARED:-/nonexistent}/codes/naaccr-lookups/countyCurrent.csv
if [ "$state" = MD ] && have_reference "$LOOKUP"; then # the county's name, as in the NAACCR lookup of Maryland
    name=$(awk -F, -v c="$county" '$1 == c {print $2}' "$LOOKUP" | tr -d '\r')
    grep -E "^    County--Current +1840 countyCurrent +$county " "$TMP/out" | tr a-z A-Z | sed "s/'//g; s/ COUNTY,/,/" >"$TMP/cline"
    if grep -q " $name, MD\$" "$TMP/cline"; then ok; else fail "county $county of MD shown as '$name, MD': $(cat "$TMP/cline")"; fi
else
    expect_out "^    County--Current +1840 countyCurrent +[0-9]{3} +.*, $state\$" "county with the state of its address ($state)"
fi
run case set "$DB" 160 countyCurrent=999
run case show "$DB" 160
expect_out "countyCurrent +999 +county unknown" "county 999: unknown"
run case set "$DB" 160 countyCurrent=998
run case show "$DB" 160
expect_out "countyCurrent +998 +residence outside the reporting state" "county 998: outside the state"
# a municipio of Puerto Rico, named with its accent (UTF-8)
run case set "$DB" 160 addrCurrentState=PR countyCurrent=097
run case show "$DB" 160
expect_out "^    County--Current +1840 countyCurrent +097 +Mayagüez Municipio, PR\$" "PR 097: Mayagüez Municipio"
run case set "$DB" 160 addrCurrentState="$state" countyCurrent="$county"
run case show "$DB" 99160
expect_rc 1 "no such patient"
# Collaborative Stage and the derived stage items (2800-3099, 3400-3499, 3600-3710) are stage items
run case set "$DB" 160/1 csExtension=100 csVersionDerived=020550 derivedSs2000=1 derivedAjcc7StageGrp=100 derivedSeerCmbStgGrp=1 seerSiteSpecificFact1=1
expect_rc 0 "set Collaborative Stage and derived stage items"
run case show "$DB" 160
awk '/^  [A-Z]/ {sec=$0} / (csExtension|csVersionDerived|derivedSs2000|derivedAjcc7StageGrp|derivedSeerCmbStgGrp|seerSiteSpecificFact1) / {print sec}' "$TMP/out" >"$TMP/cssec"
expect_eq "$(sort -u "$TMP/cssec" | tr '\n' '|')" "  Stage and prognostic factors|" "Collaborative Stage items under Stage, not Other"
expect_eq "$(wc -l <"$TMP/cssec")" 6 "all six stage items shown"
run case set "$DB" 160/1 ruralurbanContinuum2013=01 derivedSummaryGrade2018=3 histologyIcdO1=8500
run case show "$DB" 160
expect_eq "$(awk '/^  [A-Z]/ {sec=$0} / ruralurbanContinuum2013 / {print sec; exit}' "$TMP/out")" "  Demographics" "RuralUrban Continuum under Demographics"
expect_eq "$(awk '/^  [A-Z]/ {sec=$0} / derivedSummaryGrade2018 / {print sec; exit}' "$TMP/out")" "  Stage and prognostic factors" "Derived Summary Grade 2018 under Stage"
expect_eq "$(awk '/^  [A-Z]/ {sec=$0} / histologyIcdO1 / {print sec; exit}' "$TMP/out")" "  Diagnosis" "ICD-O-1 histology under Diagnosis"
# a histology's meaning read with the tumor's behavior (ICD-O-3: 8500/2 is intraductal, noninfiltrating)
run case set "$DB" 160/1 histologicTypeIcdO3=8500 behaviorCodeIcdO3=2
run case show "$DB" 160
expect_out "histologicTypeIcdO3 +8500 +Intraductal carcinoma, noninfiltrating, NOS" "8500 with behavior 2: the in situ term"
expect_no_out "histologicTypeIcdO3 +8500 +Invasive" "not the invasive term"
run case set "$DB" 160/1 behaviorCodeIcdO3=3
run case show "$DB" 160
expect_out "histologicTypeIcdO3 +8500 +Invasive carcinoma of no special type" "8500 with behavior 3: the invasive term"

# values as typed, with an item number
run case set "$DB" 160/1 400=C50.4 dateOfDiagnosis=03/10/2019 histologicTypeIcdO3=8500/3
expect_rc 0 "case set with typed forms"
expect_eq "$(tumor1 "primarySite || ' ' || dateOfDiagnosis || ' ' || histologicTypeIcdO3 || ' ' || behaviorCodeIcdO3")" \
    "C504 20190310 8500 3" "400=C50.4, 03/10/2019 and 8500/3 stored as coded values"
run case set "$DB" 160/1 dateOfDiagnosis=2019-07-16
expect_rc 0 "ISO date"
expect_eq "$(tumor1 dateOfDiagnosis)" 20190716 "2019-07-16 stored as 20190716"
run case set "$DB" 160/1 dateOfDiagnosis=2019-02-30
expect_rc 1 "an impossible date"
expect_err "dateOfDiagnosis: .*28 days" "the date's problem is named"
run case set "$DB" 160/1 primarySite=C5.04
expect_rc 1 "a malformed site"
expect_err "write C504 or C50.4" "the expected site form is named"
run case set "$DB" 160/1 histologicTypeIcdO3=85/3
expect_rc 1 "a malformed histology"
expect_err "8500/3" "the expected histology form is named"
run case set "$DB" 160/1 99999=1
expect_rc 1 "an unknown item number"
expect_err "no item number 99999" "the number is named"
if grep -q "did you mean" "$TMP/err"; then fail "a number gets no spelling suggestion"; else ok; fi

# subcommands: unknown ones named without opening the store; --help anywhere
run case shwo "$TMP/absent.db" 1
expect_rc 2 "unknown subcommand"
expect_err "unknown subcommand shwo; did you mean show" "did-you-mean"
if grep -q "registry store" "$TMP/err"; then fail "the store was opened for an unknown subcommand"; else ok; fi
run case edit --help
expect_rc 0 "case edit --help"
expect_out "crtk case edit" "help printed"

# --format json: JSON Lines messages; failing edits saved, listed, exit 1
run case set "$DB" 160/1 primarySite=C619 --format json
expect_rc 1 "a change that leaves failing edits"
expect_eq "$(tumor1 primarySite)" C619 "the change is saved all the same"
if python3 -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert rows[0]["level"]=="info" and "1 item set" in rows[0]["message"]
assert any(r["level"]=="failure" and r.get("edit")=="I06" and r.get("tumor")==1 for r in rows)' "$TMP/out"; then ok
else fail "JSON Lines messages with the failing edit I06 (site C619 with sex 2)"; cat "$TMP/out"; fi
run case set "$DB" 160/1 primarySite=C504
expect_rc 0 "back to a clean case"
run case set "$DB" 160/1 primarySite=C619
expect_rc 1 "text: failing edits exit 1"
expect_out "I06" "the failure is listed"
run case set "$DB" 160/1 primarySite=C504 --format xml
expect_rc 2 "an unknown --format is refused"

# submit: --format json without --history is refused, not ignored
run submit "$DB" -o "$TMP/s.xml" --format json
expect_rc 2 "submit --format json"
expect_err "history only" "submit says where --format json applies"
# every view of a patient is recorded (who, which patient, when); a printed abstract as "print"
views() { sql "$DB" "SELECT count(*) FROM crtk_access WHERE patient_key = '00000160' AND action = '$1'"; }
last_user() { sql "$DB" "SELECT user FROM crtk_access ORDER BY id DESC LIMIT 1"; }
before=$(views view)
run case show "$DB" 160
expect_rc 0 "case show"
expect_eq "$(views view)" "$((before + 1))" "case show records a view of 00000160"
expect_eq "$(last_user)" "$(id -un)" "under the OS login while the store has no users"
run case show "$DB" 160 --format json
expect_eq "$(views view)" "$((before + 2))" "case show --format json records a view too"
# once the store has users, a view needs --user naming one, and is recorded under that name
echo "admin-pass-1" | "$CRTK" user add "$DB" ada --role admin >/dev/null 2>&1 || fail "user add"
run case show "$DB" 160
expect_rc 2 "case show without --user once the store has users"
expect_eq "$(views view)" "$((before + 2))" "nothing shown, nothing recorded"
run case show "$DB" 160 --user ada
expect_rc 0 "case show --user ada"
expect_out "^Patient 00000160 " "shown"
expect_eq "$(views view)" "$((before + 3))" "the view recorded"
expect_eq "$(last_user)" "ada" "under the named user"

finish
