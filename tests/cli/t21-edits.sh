#!/bin/bash
# t21-edits.sh — `crtk edits` run as a user would: failures in text, JSON Lines and CSV, the summary,
# -o, edit sets, a state's --edits-dir, exit codes.  Uses files it writes itself, records of
# crtk-generate when it was built, and the samples in $CRTK_SHARED when they are there.
# Environment (set by ctest): CRTK, CRTK_SHARED, CRTK_GENERATE.  Exit 77 = skipped.
. "$(dirname "$0")/lib.sh" t21


expect_file() { if grep -qE -- "$2" "$1"; then ok; else fail "$3: $1 lacks /$2/"; cat "$1"; fi; }

ROOT='<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml" recordType="A" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">'
patient() { # ID SITE LATERALITY
    cat <<XML
  <Patient>
    <Item naaccrId="patientIdNumber">$1</Item>
    <Item naaccrId="sexAssignedAtBirth">2</Item>
    <Item naaccrId="race1">01</Item><Item naaccrId="race2">88</Item><Item naaccrId="race3">88</Item>
    <Item naaccrId="race4">88</Item><Item naaccrId="race5">88</Item>
    <Item naaccrId="spanishHispanicOrigin">0</Item>
    <Item naaccrId="dateOfBirth">19600515</Item>
    <Item naaccrId="vitalStatus">1</Item>
    <Item naaccrId="dateOfLastContact">20230601</Item>
    <Item naaccrId="causeOfDeath">0000</Item>
    <Item naaccrId="icdRevisionNumber">0</Item>
    <Item naaccrId="nameLast">DOE</Item><Item naaccrId="nameFirst">JANE</Item><Item naaccrId="autopsy">0</Item>
    <Tumor>
      <Item naaccrId="primarySite">$2</Item>
      <Item naaccrId="laterality">$3</Item>
      <Item naaccrId="histologicTypeIcdO3">8500</Item>
      <Item naaccrId="behaviorCodeIcdO3">3</Item>
      <Item naaccrId="dateOfDiagnosis">20220310</Item>
      <Item naaccrId="ageAtDiagnosis">061</Item>
      <Item naaccrId="sequenceNumberCentral">00</Item>
      <Item naaccrId="typeOfReportingSource">1</Item>
      <Item naaccrId="diagnosticConfirmation">1</Item>
      <Item naaccrId="addrAtDxState">MD</Item>
      <Item naaccrId="countyAtDx">005</Item>
      <Item naaccrId="addrAtDxPostalCode">21201</Item>
      <Item naaccrId="classOfCase">10</Item><Item naaccrId="accessionNumberHosp">202200001</Item>
      <Item naaccrId="sequenceNumberHospital">00</Item><Item naaccrId="reportingFacility">0012345678</Item>
      <Item naaccrId="dateOf1stContact">20220305</Item><Item naaccrId="medicalRecordNumber">MR000001</Item>
      <Item naaccrId="primaryPayerAtDx">02</Item><Item naaccrId="cancerStatus">1</Item>
      <Item naaccrId="gradeClinical">2</Item><Item naaccrId="gradePathological">2</Item>
      <Item naaccrId="summaryStage2018">1</Item><Item naaccrId="eodPrimaryTumor">100</Item>
      <Item naaccrId="eodRegionalNodes">000</Item><Item naaccrId="eodMets">00</Item><Item naaccrId="ajccTnmClinT">cT1</Item>
      <Item naaccrId="ajccTnmClinN">cN0</Item><Item naaccrId="ajccTnmClinM">cM0</Item>
      <Item naaccrId="ajccTnmClinStageGroup">1A</Item><Item naaccrId="rxSummSurgPrimSite">22</Item>
      <Item naaccrId="rxSummScopeRegLnSur">2</Item><Item naaccrId="rxSummSurgOthRegDis">0</Item>
      <Item naaccrId="reasonForNoSurgery">0</Item><Item naaccrId="phase1RadiationTreatmentModality">02</Item>
      <Item naaccrId="reasonForNoRadiation">0</Item><Item naaccrId="rxSummChemo">00</Item>
      <Item naaccrId="rxSummHormone">01</Item><Item naaccrId="rxSummBrm">00</Item>
      <Item naaccrId="rxSummTransplntEndocr">00</Item><Item naaccrId="rxSummOther">0</Item>
      <Item naaccrId="rxSummSystemicSurSeq">0</Item><Item naaccrId="rxSummSurgRadSeq">3</Item>
    </Tumor>
  </Patient>
XML
}
{ echo "$ROOT"; patient 00000001 C504 1; echo "</NaaccrData>"; } >"$TMP/good.xml"
{ echo "$ROOT"; patient 00000001 C504 1; patient 00000002 C270 1; patient 00000003 C504 0; echo "</NaaccrData>"; } >"$TMP/bad.xml"

# --- exit 0: every edit passes; the summary on stdout
run edits --today 20240615 "$TMP/good.xml"
expect_rc 0 "good file"
expect_out "^Edits \(set all, [0-9]+ edits\): 1 patient, 1 tumor; 1 tumor \(100.0%\) pass every edit; 0 failures$" "good summary"

# --- exit 1: each failure names file, patient, tumor, edit, items, message; then the summary
run edits --today 20240615 "$TMP/bad.xml"
expect_rc 1 "bad file"
expect_out "bad.xml: patient 2 \(00000002\), tumor 1: S01 Primary Site \(valid code\) \[primarySite\]: Primary Site \"C270\" is not an ICD-O-3 topography code" "S01 failure line"
expect_out "bad.xml: patient 3 \(00000003\), tumor 1: I07 .*\[primarySite laterality dateOfDiagnosis\]: Laterality 0 does not fit Primary Site C504" "I07 failure line"
expect_no_out "patient 1 \(" "the good patient has no failure"
expect_out "^Edits \(set all, [0-9]+ edits\): 3 patients, 3 tumors; 1 tumor \(33.3%\) pass every edit; [0-9]+ failures$" "bad summary"
expect_out "^  S01 +1  Primary Site \(valid code\)$" "failures per edit"

# --- JSON Lines: patientIdNumber, tumor, edit, items (array) and message
run edits --today 20240615 --format json "$TMP/bad.xml"
expect_rc 1 "json"
expect_out '^\{"file":"[^"]*bad.xml","patient":2,"patientIdNumber":"00000002","tumor":1,"edit":"S01","name":"Primary Site \(valid code\)","items":\["primarySite"\],"message":"Primary Site \\"C270\\" is not' "json failure"
expect_out '"edit":"I07",.*"items":\["primarySite","laterality","dateOfDiagnosis"\]' "json items array"
expect_out '^\{"summary":"edit","edit":"S01","name":"Primary Site \(valid code\)","failures":1\}$' "json per-edit summary"
expect_out '^\{"summary":"total","set":"all","files":1,"patients":3,"tumors":3,"tumorsPassing":1,"passingPercent":33.3,' "json total"
if have_program python3 "the JSON/SQLite checks"; then
    if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out"; then ok; else fail "json lines parse"; fi
fi

# --- CSV with a header; the summary goes to stderr
run edits --today 20240615 --format csv "$TMP/bad.xml"
expect_rc 1 "csv"
expect_out "^file,patient,patientIdNumber,tumor,edit,name,items,message,override$" "csv header"
expect_out '^[^,]*bad.xml,2,00000002,1,S01,Primary Site \(valid code\),primarySite,"Primary Site ""C270"" is not' "csv row"
expect_err "^Edits \(set all" "csv summary on stderr"

# --- -o: failures to the file, the summary to stdout
run edits --today 20240615 -o "$TMP/failures.txt" "$TMP/bad.xml"
expect_rc 1 "-o"
expect_file "$TMP/failures.txt" "S01 Primary Site" "-o file has the failures"
expect_out "^Edits \(set all" "-o: summary on stdout"
expect_no_out "S01 Primary Site \(valid code\) \[" "-o: no failure lines on stdout"

# --- edit sets
run edits --set hospital --today 20240615 "$TMP/bad.xml"
expect_out "^Edits \(set hospital," "hospital set"
run edits --set nosuchset "$TMP/good.xml"
expect_rc 2 "unknown set"
expect_err "unknown edit set \"nosuchset\" \(known: all, hospital, state-submission\)" "unknown set message"
run edits --naaccr-version 17 "$TMP/good.xml"
expect_rc 2 "unknown NAACCR version"
expect_err "unknown NAACCR version 17 \(known: 14, 15, 16, 18, 21, 22, 23, 24, 25, 26\)" "the known versions listed"
run edits --list --set state-submission
expect_rc 0 "--list"
expect_out "^P02 +tumor +Sequence Number--Central across tumors" "--list shows P02"
expect_out "^S05 +patient +Sex" "--list shows the level"
run edits --list --set hospital
expect_no_out "^S13 " "S13 is not a hospital edit"

# --- a state's own edits
mkdir "$TMP/state"
printf 'id\tname\tagency\tlevel\tsets\titems\toverride\tmessage\trule\n' >"$TMP/state/md.tsv"
printf 'MD01\tMaryland county\tMD\t\tmd\tcountyAtDx\t\tCounty {countyAtDx} is not wanted here\tcountyAtDx != %s\n' "'005'" >>"$TMP/state/md.tsv"
run edits --edits-dir "$TMP/state" --set md "$TMP/good.xml"
expect_rc 1 "state edit fails"
expect_out "tumor 1: MD01 Maryland county \[countyAtDx\]: County 005 is not wanted here" "state edit message"
expect_out "^Edits \(set md, 1 edits\)" "only the md set"
printf 'MD02\tBroken\tMD\t\tmd\t\t\tx\tcountyAtDx = = 1\n' >>"$TMP/state/md.tsv"
run edits --edits-dir "$TMP/state" "$TMP/good.xml"
expect_rc 2 "broken state edit"
expect_err "md.tsv:3: edit MD02: rule column" "broken rule names file, line and column"

# --- a registry store (tests/cli/t30-store.sh checks more); usage errors
"$CRTK" init "$TMP/registry.db" >/dev/null && "$CRTK" import "$TMP/registry.db" "$TMP/good.xml" >/dev/null && ok || fail "store for the edits"
run edits "$TMP/registry.db"
expect_rc 0 "the good case passes in a store as in its file"
expect_out "^Edits \(set all, [0-9]+ edits\): 1 patients?, 1 tumors?.* 0 failures" "edits on a store print the summary"
run edits "$TMP/good.xml" --where "primarySite = 'C509'"
expect_rc 2 "--where needs a store"
run edits
expect_rc 2 "no file"
run edits --format xml "$TMP/good.xml"
expect_rc 2 "bad format"
run edits --today 2024 "$TMP/good.xml"
expect_rc 2 "bad --today"
run edits "$TMP/missing.xml"
expect_rc 2 "missing file"

# --- generated records, when crtk-generate was built
if [ -x "${CRTK_GENERATE:-}" ] || { skip_part "crtk-generate is not built: generated records not checked"; false; }; then
    "$CRTK_GENERATE" --seed 3 --patients 200 --naaccr-version 26 -q -o "$TMP/gen.xml"
    run edits --set hospital "$TMP/gen.xml"
    if [ "$rc" -le 1 ]; then ok; else fail "generated file: exit $rc"; cat "$TMP/err"; fi
    expect_out "^Edits \(set hospital, [0-9]+ edits\): 200 patients" "generated summary"
    "$CRTK_GENERATE" --seed 3 --patients 50 --naaccr-version 18 --format flat -q -o "$TMP/gen.txt"
    run edits "$TMP/gen.txt"
    if [ "$rc" -le 1 ]; then ok; else fail "generated flat file: exit $rc"; cat "$TMP/err"; fi
    expect_out "50 patients" "flat summary"
fi

# --- the reference samples, when ../shared is there
SAMPLE=${CRTK_SHARED:-}/codes/samples/synthetic-data_naaccr-xml-22-abstract_5-tumors.xml
if have_reference "$SAMPLE"; then
    run edits --format json "$SAMPLE"
    expect_rc 1 "shared sample has failures"
    expect_out '"summary":"total",.*"patients":3,"tumors":5' "shared sample summary"
fi

# --- items no edit reads are said, never silently passed
run edits --today 20240615 "$TMP/good.xml" --set hospital
expect_out "^[0-9]+ items unchecked \([0-9]+ of them free text\): no edit of this set reads them" "unchecked count in the summary"
run edits --list --unchecked --set hospital
expect_out "^unchecked  textRemarks " "free text listed as unchecked"
if grep -q "^unchecked  primarySite " "$TMP/out"; then fail "primarySite is checked"; else ok; fi
# --- the abstracting case of issue 12: a new case with the required items blank fails, naming them
sed -e '/classOfCase/d' -e '/sequenceNumberHospital/d' -e 's#<Item naaccrId="summaryStage2018">1</Item>##' \
    -e 's#<Item naaccrId="gradeClinical">2</Item>##' "$TMP/good.xml" >"$TMP/blank.xml"
run edits --today 20240615 --set hospital --format json "$TMP/blank.xml"
for e in R-classOfCase R-accessionNumberHosp R-reportingFacility R-summaryStage2018 R-gradeClinical R-sequenceNumberHospital; do
    expect_out "\"edit\":\"$e\"" "blank abstract fails $e"
done
expect_out '"edit":"R-classOfCase".*"items":\["classOfCase"' "the failure names its item first"

# --all-edits in text: the failure counts in one column, however long an edit's id
run edits --today 20240615 --all-edits "$TMP/bad.xml"
awk '/^  [A-Za-z][^ ]* +[0-9]+  / { match($0, /^  [^ ]+ +[0-9]+/); print RLENGTH }' "$TMP/out" | sort -u >"$TMP/ends"
expect_eq "$(wc -l <"$TMP/ends")" 1 "one column of counts"
[ "$(grep -cE '^  [A-Za-z][^ ]{28,} ' "$TMP/out")" -gt 0 ] && ok || fail "some edit id is longer than 28 characters (the case to check)"
run edits --today 20240615 --all-edits -o "$TMP/all.xlsx" "$TMP/bad.xml"
python3 - "$TMP/all.xlsx" <<'PY' && ok || fail "the Summary sheet's Edit column holds the longest edit id"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
# strings are inline (the workbook is written row by row) or shared
sst = []
if "xl/sharedStrings.xml" in z.namelist():
    sst = [re.sub(r"<[^>]+>", "", x) for x in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
sheet = z.read("xl/worksheets/sheet2.xml").decode()  # Summary, after Failures
width = float(re.search(r'<col min="1" max="1" width="([0-9.]+)"', sheet).group(1))
ids = [sst[int(v)] for r, v in re.findall(r'<c r="A(\d+)"[^>]*t="s"[^>]*><v>(\d+)</v>', sheet) if int(r) >= 6]
ids += [v for r, v in re.findall(r'<c r="A(\d+)"[^>]*t="inlineStr"[^>]*><is><t[^>]*>([^<]*)</t>', sheet) if int(r) >= 6]
longest = max(len(i) for i in ids if i != "Total")
assert longest > 14, longest
assert width >= longest, (width, longest)
PY

finish
