#!/bin/bash
# t40-followup.sh — the annual follow-up from the command line, as a follow-up clerk works:
# settings, the due list (text, CSV, JSON Lines, Excel, grouped), posting contacts one by one and
# from a CSV of returned letters (all or nothing), letters (PDF + CSV) and the follow-up rates.
# Today is fixed with CRTK_TODAY=20260315.  Environment (set by ctest): CRTK (the binary).
# Needs python3 (JSON, sqlite3, zipfile); the PDF text is checked when pdftotext is installed.
. "$(dirname "$0")/lib.sh" t40

need_program python3 "reading JSON, SQLite and ZIP output"
export CRTK_TODAY=20260315

# Eight patients, as of 2026-03-15 (reference date 2010-01-01):
#   1 current (11 months)   2 due (12)   3 due (15)   4 lost (16)   5 dead   6 non-analytic (class 38)
#   7 due (13), two tumors (2012 breast, 2023 prostate)   8 lost (17), in situ only
HEAD='<?xml version="1.0"?>
<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml" recordType="A" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">'
patient() { # id last first dlc vital
    printf '<Patient><Item naaccrId="patientIdNumber">%s</Item><Item naaccrId="nameLast">%s</Item><Item naaccrId="nameFirst">%s</Item>' "$1" "$2" "$3"
    printf '<Item naaccrId="dateOfBirth">19500101</Item><Item naaccrId="dateOfLastContact">%s</Item><Item naaccrId="vitalStatus">%s</Item>' "$4" "$5"
    printf '<Item naaccrId="addrCurrentNoStreet">%s Elm St</Item><Item naaccrId="addrCurrentCity">Lakeside</Item><Item naaccrId="addrCurrentState">MI</Item><Item naaccrId="addrCurrentPostalCode">49116</Item>\n' "${1: -1}"
}
tumor() { # record class site hist beh dx npi
    printf '  <Tumor><Item naaccrId="tumorRecordNumber">%s</Item><Item naaccrId="classOfCase">%s</Item><Item naaccrId="primarySite">%s</Item><Item naaccrId="histologicTypeIcdO3">%s</Item><Item naaccrId="behaviorCodeIcdO3">%s</Item><Item naaccrId="dateOfDiagnosis">%s</Item><Item naaccrId="npiPhysicianFollowUp">%s</Item><Item naaccrId="nextFollowUpSource">1</Item></Tumor>\n' "$@"
}
{
    echo "$HEAD"
    patient 00000001 ONE ANNA 20250415 1; tumor 01 14 C504 8500 3 20220601 1111111111; echo '</Patient>'
    patient 00000002 TWO BEN 20250315 1; tumor 01 14 C509 8500 3 20220601 1111111111; echo '</Patient>'
    patient 00000003 THREE CARA 20241215 1; tumor 01 14 C509 8500 3 20220601 1111111111; echo '</Patient>'
    patient 00000004 FOUR DAN 20241115 1; tumor 01 14 C509 8500 3 20150601 2222222222; echo '</Patient>'
    patient 00000005 FIVE EVE 20240110 0; tumor 01 14 C509 8500 3 20220601 1111111111; echo '</Patient>'
    patient 00000006 SIX FAY 20200101 1; tumor 01 38 C349 8140 3 20220601 1111111111; echo '</Patient>'
    patient 00000007 SEVEN GUS 20250120 1; tumor 01 14 C504 8500 3 20120501 1111111111
    tumor 02 20 C619 8140 3 20230201 1111111111; echo '</Patient>'
    patient 00000008 EIGHT HAL 20241001 1; tumor 01 14 C504 8500 2 20230301 1111111111; echo '</Patient>'
    echo '</NaaccrData>'
} >"$TMP/cases.xml"
DB=$TMP/reg.db

run init "$DB" --registry-name "Lakeside Cancer Registry" --registry-phone 5555550100 --reference-date 20100101 --user clerk
expect_rc 0 "init"
run import "$DB" "$TMP/cases.xml" --user clerk
expect_rc 0 "import"

# settings: shown with their defaults, changed with an audit entry, checked together
run followup settings "$DB"
expect_rc 0 "settings"
expect_out "followupDueMonths +12$" "due window"
expect_out "referenceDate +20100101" "reference date"
run init "$TMP/addr.db" --registry-name "Lakeside Cancer Registry" --registry-address "2 Lake Rd / Lakeside, MI 49116"
expect_rc 0 "init --registry-address"
expect_eq "$(sql "$TMP/addr.db" "SELECT value FROM crtk_setting WHERE key = 'registryAddress'")" "2 Lake Rd / Lakeside, MI 49116" "init keeps the registry's address for letters"
run followup settings "$DB" "registryAddress=2 Lake Rd / Lakeside, MI 49116" --user clerk
expect_rc 0 "settings: set the address"
expect_out "registryAddress +2 Lake Rd" "address shown"
run followup settings "$DB" followupDueMonths=18
expect_rc 2 "settings: due window longer than the lost window"
expect_eq "$(sql "$DB" "SELECT value FROM crtk_setting WHERE key = 'followupDueMonths'")" 12 "rejected setting not kept"
run followup settings "$DB" nonsense=1
expect_rc 2 "settings: unknown key"

# the due list (default: due only)
run followup due "$DB"
expect_rc 0 "due"
expect_out "^00000002 +TWO, BEN +2025-03-15 +12 +due" "12 months: due"
expect_out "^00000003 .* 15 +due" "15 months: due"
expect_out "^00000007 .* 13 +due .*C504 2012-05-01.*C619 2023-02-01" "several tumors on one row"
expect_no_out "^0000000[14568] " "only the due patients"
expect_out "3 patients listed.  All patients: excluded 1, dead 1, current 1, due 3, lost 2" "summary"

# JSON Lines: every patient once with its status
run followup due "$DB" --status all --format json
expect_rc 0 "due --format json"
got=$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join("%s:%s:%s" % (r["patientIdNumber"][-1], r["status"], r["monthsSinceContact"]) for r in sorted(rows, key=lambda r: r["patientIdNumber"])))
print(rows[0]["tumors"][0]["primarySite"] if rows else "")
print(sorted(r.get("reason") or "" for r in rows)[-1])
' "$TMP/out" 2>&1)
expect_eq "$(echo "$got" | sed -n 1p)" "1:current:11 2:due:12 3:due:15 4:lost:16 5:dead:26 6:excluded:74 7:due:13 8:lost:17" "statuses in JSON"
expect_eq "$(echo "$got" | sed -n 3p)" "non-analytic" "reason in JSON"

# CSV of the lost list, grouped by physician
run followup due "$DB" --status lost --group-by physician --format csv
expect_rc 0 "due --format csv"
expect_out "^group,patientIdNumber,name,status,reason,dateOfLastContact,monthsSinceContact" "CSV header"
expect_out "^NPI 2222222222,00000004,\"FOUR, DAN\",lost,,20241115,16,20251115,20260215" "CSV row"
expect_eq "$(grep -c '^NPI' "$TMP/out")" 2 "two lost rows"

run followup due "$DB" --status due,lost --group-by next-source
expect_out "== 1 Physician letter: 5 patients ==" "grouped by next follow-up source"

run followup due "$DB" --as-of 2026-04-15 --format json
expect_out '"patientIdNumber":"00000001","status":"due"' "a month later patient 1 is due"

run followup due "$DB" --status all -o "$TMP/list.xlsx"
expect_rc 0 "due xlsx"
expect_eq "$(python3 -c 'import zipfile,sys; print("xl/worksheets/sheet1.xml" in zipfile.ZipFile(sys.argv[1]).namelist())' "$TMP/list.xlsx")" True "xlsx is a workbook"
# on paper: landscape, fit to the page width, the header row on every page, footer with the date
# and page N of M; friendly headers; ids as text, last contact as a date, meanings beside codes
got=$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/list.xlsx" --cell 'Follow-up list!A4' --cell 'Follow-up list!D4' \
      --cell 'Follow-up list!F4' --cell 'Follow-up list!J4' --cell 'Follow-up list!A5' --cell 'Follow-up list!D5' --cell 'Follow-up list!F5')
expect_eq "$(echo "$got" | sed -n 1p | sed 's/footer=[^|]*|/footer=/')" "Follow-up list orientation=landscape fit=1x0 titles=\$4:\$4 footer=as-of|page-n-of-m" "due list prints landscape, fit to width, header repeated"
expect_eq "$(echo "$got" | sed -n 2,5p | cut -d' ' -f4- | tr '\n' '|')" "Patient ID|Last contact|Next follow-up source|Tumors|" "due list headers for people"
echo "$got" | sed -n 6p | grep -Eq "A5 s [0-9]{8}$" && ok || fail "patient id as text: $(echo "$got" | sed -n 6p)"
echo "$got" | sed -n 7p | grep -Eq "D5 (d [0-9]+|s [0-9]{4}(-[0-9]{2})?)$" && ok || fail "last contact a date (or the known part): $(echo "$got" | sed -n 7p)"
echo "$got" | sed -n 8p | grep -Eq "F5 s [0-9] — .+" && ok || fail "next source with its meaning: $(echo "$got" | sed -n 8p)"
if have_program soffice "printing the due list with LibreOffice" && have_program pdftotext "reading the printed due list"; then
    (cd "$TMP" && timeout 300 soffice --headless -env:UserInstallation=file://$TMP/lo --convert-to pdf --outdir "$TMP/pdf" list.xlsx >/dev/null 2>&1)
    page1=$(pdftotext -f 1 -l 1 -layout "$TMP/pdf/list.pdf" - 2>/dev/null)
    for h in "Patient ID" "Next follow-up" "Physician" "Tumors" "Page 1 of"; do
        echo "$page1" | grep -q "$h" && ok || fail "printed due list: '$h' not on page 1"
    done
fi

run followup due "$DB" --status sometimes
expect_rc 2 "bad --status"
run followup due
expect_rc 2 "no DB"
run followup nothing "$DB"
expect_rc 2 "unknown subcommand"

# the rates: cohort 1 (2010-2025): A 7 (1 2 3 4 5 7 8), B 1, C 6, D 4 (1 2 3 7), E 2 (4 8)
#            cohort 2 (2021-2025): A 6 (without 4), B 1, C 5, D 4, E 1
run followup rate "$DB"
expect_rc 0 "rate"
expect_out "A  Eligible analytic patients +7 +100.0%" "line A"
expect_out "E  Lost to follow-up \(C - D\) +2 +28.6%" "line E"
expect_out "Follow-up rate \(B \+ D\) / A: 71.4%, target 80%: FAIL" "cohort 1 fails"
expect_out "Follow-up rate \(B \+ D\) / A: 83.3%, target 90%: FAIL" "cohort 2 fails"
expect_out "^Note: A patient is counted once in each cohort" "the cohort-year note"
expect_eq "$(sed -n '/^Note:/,$p' "$TMP/out" | tr '\n' ' ' | tr -s ' ' | grep -c 'first diagnosis inside that cohort: .* rounded half up to one decimal')" 1 "the note whole"
expect_eq "$(sed -n '/^Note:/,$p' "$TMP/out" | awk 'length($0) > 96' | wc -l)" 0 "the note in lines of 96 characters at most"
run followup rate "$DB" --format json
expect_rc 0 "rate json"
got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if "note" in r:
        print("note", "first diagnosis inside that cohort" in r["note"], r["note"].count("half up"))
    elif r["year"] is None:
        print(r["cohort"], r["A"], r["B"], r["C"], r["D"], r["E"], r["target"], r["pass"])
        print("rate", r["cohort"], r["rate"])
    elif r["A"]:
        print(r["cohort"], r["year"], r["A"], r["D"], r["E"])
' "$TMP/out" 2>&1)
expect_eq "$(echo "$got" | grep -E '^reference [0-9]+( [0-9]+){4} 80')" "reference 7 1 6 4 2 80 False" "cohort 1 in JSON"
expect_eq "$(echo "$got" | grep -E '^five-year [0-9]+( [0-9]+){4} 90')" "five-year 6 1 5 4 1 90 False" "cohort 2 in JSON"
expect_eq "$(echo "$got" | grep '^reference 2012')" "reference 2012 1 1 0" "patient 7 counted in 2012"
expect_eq "$(echo "$got" | grep '^rate' | tr '\n' ' ')" "rate reference 71.4 rate five-year 83.3 " "JSON rates rounded to one decimal as the text shows them"
expect_eq "$(echo "$got" | grep '^note')" "note True 1" "the cohort-year note and the rounding rule in JSON"
expect_eq "$(echo "$got" | grep '^five-year 2023')" "five-year 2023 2 1 1" "patients 7 and 8 in 2023"
run followup rate "$DB" --format xlsx -o "$TMP/rate.xlsx"
expect_rc 0 "rate xlsx"
[ -s "$TMP/rate.xlsx" ] && ok || fail "rate.xlsx written"
expect_eq "$(python3 "$CRTK_SOURCE/tests/cli/xlsx_print.py" "$TMP/rate.xlsx" | sed 's/footer=[^|]*|/footer=/')" \
    "Follow-up rates orientation=portrait fit=1x1 titles=none footer=as-of|page-n-of-m" "the rate sheet prints on one page"
if have_program soffice "printing the rate sheet with LibreOffice" && have_program pdfinfo "counting its pages"; then
    (cd "$TMP" && timeout 300 soffice --headless -env:UserInstallation=file://$TMP/lo --convert-to pdf --outdir "$TMP/pdf" rate.xlsx >/dev/null 2>&1)
    expect_eq "$(pdfinfo "$TMP/pdf/rate.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')" 1 "the printed rate sheet is one page"
fi

# letters for the due list: to physicians (one letter for NPI 1111111111), to patients
# no physician directory yet: no letter addressed to a bare code, the physician is listed instead
run followup letters "$DB" -o "$TMP/phys.pdf"
expect_rc 0 "letters to physicians without a directory"
expect_err "1 physician could not be addressed" "the unaddressed physicians are counted"
expect_err "physician 1111111111: 3 patients" "and listed with their patients"
expect_err "0 letters to physicians, naming 0 of the 3 patients listed" "no letter to a bare code"
# the directory in the store (crtk physician), one transaction: a bad row refuses the file
printf 'id,name,address1,city,state,postalCode\n1111111111,"Anna Nguyen, MD",9 Clinic Rd,Lakeside,MI,49116\n,No Code,1 A St,Lakeside,MI,49116\n' >"$TMP/phys.csv.in"
run physician import "$DB" "$TMP/phys.csv.in" --user clerk
expect_rc 1 "a directory with a row without a code"
expect_err "phys.csv.in:3: no code" "the bad row is named by line"
expect_eq "$(sql "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'crtk_physician'")$(sql "$DB" "SELECT count(*) FROM audit WHERE item LIKE 'physician:%'")" "00" "nothing imported, nothing audited"
sed -i '3d' "$TMP/phys.csv.in"
run physician import "$DB" "$TMP/phys.csv.in" --user clerk
expect_rc 0 "physician import"
expect_out "1 physician added" "one physician added"
expect_eq "$(sql "$DB" "SELECT count(*) FROM audit WHERE item LIKE 'physician:1111111111:%' AND user = 'clerk'")" 5 "the import is audited, field by field"
run physician set "$DB" 2222222222 "name=Brian Patel, DO" "address=1 Main St" city=Lakeside state=MI postalCode=49117 --user clerk
expect_rc 0 "physician set"
run physician list "$DB"
expect_out "^1111111111 +Anna Nguyen, MD +9 Clinic Rd, Lakeside, MI, 49116" "physician list"
expect_out "^2222222222 +Brian Patel, DO" "the physician set is listed"
run physician list "$DB" --format json
expect_rc 0 "physician list --format json"
expect_out '^\{"id":"2222222222","name":"Brian Patel, DO","address1":"1 Main St","city":"Lakeside","state":"MI","postalCode":"49117"\}$' "one JSON object a physician"
run physician list "$DB" --format csv
expect_out '^id,name,address1,address2,city,state,postalCode$' "CSV with the columns import reads"
expect_out '^2222222222,"Brian Patel, DO",1 Main St,,Lakeside,MI,49117$' "a physician as a CSV row"
cp "$TMP/out" "$TMP/phys-back.csv"
run physician import "$DB" "$TMP/phys-back.csv"
expect_rc 0 "the CSV list imports back"
expect_out "0 physicians added, 0 changed" "and changes nothing"
run physician list "$DB" --format xml
expect_rc 2 "an unknown list format"
run followup due "$DB"
expect_out "^00000002 .* Anna Nguyen, MD " "the due list shows the physician's name"
# the physician's name does not push the tumors out of their column
col=$(awk '/^PATIENT / {print index($0, "TUMORS"); exit}' "$TMP/out")
expect_eq "$(awk -v c="$col" '/^00000002 / {print substr($0, c - 1, 2); exit}' "$TMP/out")" " C" "TUMORS in line under its header"
run followup due "$DB" --format json
expect_out '"physician":"1111111111","physicianName":"Anna Nguyen, MD"' "and JSON both code and name"
run physician set "$DB" 3333333333 city=Lakeside
expect_rc 1 "a new physician needs a name"
run physician set "$DB" 2222222222 speciality=x
expect_rc 2 "an unknown field"
run physician lsit "$DB"
expect_rc 2 "unknown physician subcommand"
expect_err "did you mean list" "did-you-mean"
run followup letters "$DB" -o "$TMP/phys.pdf"
expect_rc 0 "letters to physicians"
expect_err "1 letter to physician, naming 3 of the 3 patients listed" "one physician letter"
if grep -q "could not be addressed" "$TMP/err"; then fail "the physician is in the directory now"; else ok; fi
[ -s "$TMP/phys.pdf" ] && [ -s "$TMP/phys.csv" ] && ok || fail "PDF and CSV written"
run followup letters "$DB" -o "$TMP/phys.pdf"
expect_rc 0 "letters again: the CSV of the earlier letters is replaced"
if grep -q "warning: the store has no" "$TMP/err"; then fail "a registry with name, phone and address is not warned"; else ok; fi
# a file of another kind beside the PDF (the physician directory dir.csv) is never replaced
printf 'id,name\n1111111111,Anna Nguyen\n' >"$TMP/dir.csv"
run followup letters "$DB" -o "$TMP/dir.pdf"
expect_rc 2 "letters refuse to replace a CSV that is not theirs"
expect_err "dir.csv exists and is not the mail-merge CSV" "names the file and why"
expect_eq "$(head -1 "$TMP/dir.csv")" "id,name" "dir.csv kept"
[ ! -e "$TMP/dir.pdf" ] && ok || fail "no PDF written either"
run followup letters "$DB" --to patient --status due,lost -o "$TMP/patients.pdf"
expect_rc 0 "letters to patients"
expect_err "5 letters to patients, naming 5 of the 5 patients listed" "five patient letters"
expect_eq "$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(len(r), r[0]["recipient"], r[0]["cityStateZip"], sorted(x["variant"] for x in r)[0])' "$TMP/patients.csv")" \
    "5 Ben Two Lakeside, MI 49116 in-situ-or-benign" "mail-merge CSV"
if grep -qi cancer "$TMP/patients.csv"; then fail "the word cancer in patient letters (CSV)"; else ok; fi
if have_program pdftotext "reading the PDF letters back"; then
    pdftotext "$TMP/patients.pdf" "$TMP/patients.txt"
    text=$(tr -s ' \n' '  ' <"$TMP/patients.txt")
    for want in "Lakeside Registry" "Telephone (555) 555-0100" "2 Lake Rd" "Dear Ben Two:" "Reply form" "March 15, 2026" "found early"; do
        case "$text" in *"$want"*) ok ;; *) fail "patient letters lack '$want'" ;; esac
    done
    if grep -qi cancer "$TMP/patients.txt"; then fail "the word cancer in patient letters (PDF)"; else ok; fi
    pdftotext "$TMP/phys.pdf" "$TMP/phys.txt"
    text=$(tr -s ' \n' '  ' <"$TMP/phys.txt")
    for want in "Lakeside Cancer Registry" "Dear Dr. Nguyen:" "9 Clinic Rd" "Ben Two" "Cara Three" "Gus Seven" "Breast" "Prostate gland" "Invasive carcinoma" "Evidence of disease"; do
        case "$text" in *"$want"*) ok ;; *) fail "physician letter lacks '$want'" ;; esac
    done
    for never in "Physician code" "NPI 1111111111" "C619" "C504"; do
        case "$text" in *"$never"*) fail "physician letter shows '$never'" ;; *) ok ;; esac
    done
    # the letter's body on its first page (the reply form on the next): two pages for one letter
    pdftotext -f 1 -l 1 "$TMP/phys.pdf" "$TMP/page1.txt"
    page1=$(tr -s ' \n' '  ' <"$TMP/page1.txt")
    case "$page1" in *"Dear Dr. Nguyen:"*"Please complete"*"Sincerely"*) ok ;; *) fail "the letter body (to the signature) is not on one page" ;; esac
    pdftotext -f 2 -l 2 "$TMP/phys.pdf" "$TMP/page2.txt"
    case "$(tr -s ' \n' '  ' <"$TMP/page2.txt")" in "Reply form"*) ok ;; *) fail "page 2 is not the reply form" ;; esac
    expect_eq "$(grep -c 'Dear Dr' "$TMP/phys.txt")" 1 "one letter"
fi
# sixteen patients of one physician: the letter still fits its page, the list goes on attached pages
{
    echo "$HEAD"
    for i in $(seq 11 26); do
        patient 000000$i "LONGLIST$i" "PAT" 20250101 1; tumor 01 14 C509 8500 3 20220601 1111111111; echo '</Patient>'
    done
    echo '</NaaccrData>'
} >"$TMP/many.xml"
"$CRTK" init "$TMP/many.db" --registry-name "Lakeside Cancer Registry" --registry-phone 5555550100 --reference-date 20100101 >/dev/null 2>&1
"$CRTK" import "$TMP/many.db" "$TMP/many.xml" >/dev/null 2>&1
"$CRTK" physician import "$TMP/many.db" "$TMP/phys.csv.in" >/dev/null 2>&1
run followup letters "$TMP/many.db" -o "$TMP/many.pdf"
expect_rc 0 "a letter naming sixteen patients"
expect_err "1 letter to physician, naming 16 of the 16 patients listed" "one letter, every patient"
expect_err "warning: the store has no registryAddress \(the reply form's return address\)" "a registry without an address is warned: the reply form has nowhere to go"
if have_program pdftotext "reading the PDF letters back"; then
    pdftotext -f 1 -l 1 "$TMP/many.pdf" "$TMP/m1.txt"
    page1=$(tr -s ' \n' '  ' <"$TMP/m1.txt")
    case "$page1" in *"Dear Dr. Nguyen:"*"attached"*"Sincerely"*) ok ;; *) fail "the long letter's body (to the signature) is not on its first page: $page1" ;; esac
    case "$page1" in *"Pat Longlist11"*) fail "the list is on the letter's page although it does not fit there" ;; *) ok ;; esac
    pdftotext -f 2 -l 2 "$TMP/many.pdf" "$TMP/m2.txt"
    case "$(tr -s ' \n' '  ' <"$TMP/m2.txt")" in "Patients under your care: annual follow-up (16)"*) ok ;; *) fail "page 2 is not the attached list" ;; esac
    pdftotext "$TMP/many.pdf" "$TMP/many.txt"
    text=$(tr -s ' \n' '  ' <"$TMP/many.txt")
    for i in $(seq 11 26); do
        case "$text" in *"Pat Longlist$i (registry number 000000$i)"*"Reply form"*) ok ;; *) fail "patient $i not on the attached list" ;; esac
    done
    expect_eq "$(echo "$text" | grep -o 'Patient: Pat Longlist[0-9]*, born' | sort -u | wc -l)" 16 "a reply-form part for each patient"
fi
# a patient with two tumors: the physician's reply form asks the disease status of each
{
    echo "$HEAD"
    patient 00000031 TWOTUMORS EVA 20250101 1
    tumor 01 14 C509 8500 3 20200601 1111111111; tumor 02 14 C619 8140 3 20230301 1111111111; echo '</Patient>'
    echo '</NaaccrData>'
} >"$TMP/two.xml"
"$CRTK" init "$TMP/two.db" --registry-name "Lakeside Cancer Registry" --reference-date 20100101 >/dev/null 2>&1
"$CRTK" import "$TMP/two.db" "$TMP/two.xml" >/dev/null 2>&1
"$CRTK" physician import "$TMP/two.db" "$TMP/phys.csv.in" >/dev/null 2>&1
run followup letters "$TMP/two.db" -o "$TMP/two.pdf"
expect_rc 0 "a letter about a patient with two tumors"
python3 - "$TMP/two.csv" <<'PY' && ok || fail "the reply form has a disease status for each of the two tumors"
import csv, sys
row = next(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
form = row["replyForm"]
assert "Tumor 1: Breast, NOS: Invasive carcinoma of no special type, diagnosed 2020-06-01" in form, form  # 8500/3, ICD-O-3.2
assert "Tumor 2: Prostate gland: Adenocarcinoma, NOS, diagnosed 2023-03-01" in form, form
assert form.count("[ ] Evidence of this tumor") == 2, form
assert "Evidence of disease" not in form, form
PY
# a registry with no telephone: no letter asks the reader to call, and none prints a placeholder
cp "$DB" "$TMP/nophone.db"
sql "$TMP/nophone.db" "DELETE FROM crtk_setting WHERE key = 'registryPhone'" >/dev/null
for to in patient physician contact; do
    run followup letters "$TMP/nophone.db" --to $to --status due,lost -o "$TMP/np-$to.pdf"
    expect_err "warning: the store has no registryPhone" "letters to $to without a phone: warned"
    grep -q ": 0 letters" "$TMP/err" && continue # (no contact on the list has an address)
    if [ -s "$TMP/np-$to.pdf" ] && have_program pdftotext "reading the PDF letters back"; then
        pdftotext "$TMP/np-$to.pdf" "$TMP/np.txt"
        text=$(tr -s ' \n' '  ' <"$TMP/np.txt")
        for never in "telephone number above" "call us" "Telephone (" "Telephone ."; do
            case "$text" in *"$never"*) fail "letters to $to without a phone say '$never'" ;; *) ok ;; esac
        done
        case "$text" in *"Reply form"*) ok ;; *) fail "letters to $to without a phone: no reply form" ;; esac
    fi
done
run followup letters "$DB" --to nobody -o "$TMP/x.pdf"
expect_rc 2 "letters --to nobody"

# posting a contact: dates, vital status, cancer status, source, audit
run followup post "$DB" 00000002 --date 2026-03-10 --vital-status 1 --cancer-status 1 --source 2 --user clerk
expect_rc 0 "post"
expect_out "patient 00000002: contact \(alive\) on 2026-03-10 posted" "post message"
expect_eq "$(sql "$DB" "SELECT p.dateOfLastContact, t.cancerStatus, t.dateOfLastCancerStatus, t.followUpSource, t.dateCaseLastChanged FROM patient p JOIN tumor t ON t.patient_id = p.id WHERE p.patientIdNumber = '00000002'")" \
    "20260310|1|20260310|2|20260315" "posted values"
expect_eq "$(sql "$DB" "SELECT user || ' ' || command FROM audit WHERE item = 'dateOfLastContact' ORDER BY id DESC LIMIT 1")" "clerk followup post" "audited"
run followup due "$DB" --format json
expect_no_out '"00000002"' "posted patient leaves the due list"

run followup post "$DB" 00000003 --date 2026-03-16 --vital-status 1
expect_rc 1 "a date in the future"
expect_err "in the future" "future message"
run followup post "$DB" 00000003 --date 2024-12-01 --vital-status 1
expect_rc 1 "an older date"
expect_err "older than the date of last contact recorded, 2024-12-15" "older message"
expect_eq "$(sql "$DB" "SELECT dateOfLastContact FROM patient WHERE patientIdNumber = '00000003'")" 20241215 "refused posts change nothing"
run followup post "$DB" 00000003 --date 2024-12-01 --vital-status 1 --force
expect_rc 0 "an older date with --force"
run followup post "$DB" 00000007 --date 20260301 --vital-status 1 --cancer-status 01=1 --cancer-status 02=2
expect_rc 0 "cancer status per tumor"
expect_eq "$(sql "$DB" "SELECT group_concat(cancerStatus, ',') FROM (SELECT t.cancerStatus FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE p.patientIdNumber = '00000007' ORDER BY t.tumorRecordNumber)")" "1,2" "per-tumor statuses"
run followup post "$DB" 00000007 --date 20260301 --vital-status 1 --cancer-status 09=1
expect_rc 2 "no such tumor"
expect_err "no tumor 09 \(tumors: 01 \(C504\), 02 \(C619\)\)" "tumors listed"
run followup post "$DB" 00000099 --date 20260301 --vital-status 1
expect_rc 1 "unknown patient"
run followup post "$DB" 00000004 --date 20260301
expect_rc 2 "vital status missing"

# returned letters from a CSV: all or nothing, errors name the line
cat >"$TMP/returned.csv" <<'CSV'
patientIdNumber,date,vitalStatus,cancerStatus,source,causeOfDeath
00000004,2026-03-05,1,1,3,
00000008,2026-03-06,0,,07,C509
00000001,2027-01-01,1,,,
CSV
before=$(sql "$DB" "SELECT count(*) FROM audit")
run followup post "$DB" --from-csv "$TMP/returned.csv" --user clerk
expect_rc 1 "CSV with a bad line"
expect_err "returned.csv:4: .*future.*nothing was posted" "CSV error names the line"
expect_eq "$(sql "$DB" "SELECT count(*) FROM audit")" "$before" "nothing posted"
expect_eq "$(sql "$DB" "SELECT dateOfLastContact FROM patient WHERE patientIdNumber = '00000004'")" 20241115 "line 2 rolled back"
sed -i '$d' "$TMP/returned.csv"
run followup post "$DB" --from-csv "$TMP/returned.csv" --user clerk
expect_rc 0 "CSV posted"
expect_out "2 contacts posted" "CSV count"
expect_eq "$(sql "$DB" "SELECT vitalStatus || '|' || causeOfDeath || '|' || followUpSourceCentral FROM patient WHERE patientIdNumber = '00000008'")" "0|C509|07" "death from the CSV"
run followup post "$DB" --from-csv "$TMP/returned.csv" --date 20260301
expect_rc 2 "--from-csv with --date"

# after the posts: 4 and 8 are no longer lost
run followup rate "$DB" --format json
expect_out '"cohort":"reference","year":null,.*"A":7,"B":2,"C":5,"D":4,"E":1' "rates after posting"

run audit "$DB" --verify
expect_rc 0 "audit trail intact"

# the physician list in text: the addresses in one column, however long the names (in characters)
PDB=$TMP/phys.db
run init "$PDB"
run physician set "$PDB" 3333333333 "name=Zoë Ng" "address=2 Elm St" city=Lakeside state=MI --user clerk
run physician set "$PDB" 4444444444 "name=Bartholomew Fitzgerald-Smythe, MD" "address=7 Oak Ave" city=Lakeside state=MI --user clerk
run physician list "$PDB"
expect_eq "$(python3 -c 'import re, sys; print(sorted({re.search(r"\d", l[12:]).start() for l in open(sys.argv[1], encoding="utf-8")}))' "$TMP/out")" "[36]" \
    "the addresses start in one column"

finish
