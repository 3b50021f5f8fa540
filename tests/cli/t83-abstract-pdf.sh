#!/bin/bash
# t83-abstract-pdf.sh — the printable abstract from the command line: `crtk case show DB P[/T] --pdf
# -o FILE` writes an owner-only PDF whose text (pdftotext) names the patient, gives site and
# histology with their meanings and the items under their NAACCR names, says CONFIDENTIAL and
# "page n of N" on every page, masks the SSN unless --full-ssn; usage errors.
. "$(dirname "$0")/lib.sh" t83

: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
need_program pdftotext "reading the PDF back"
need_program pdfinfo "counting the PDF's pages"
DB="$TMP/reg.db"
run init "$DB" --facility 0000123456 --registry-name "Test Registry"
expect_rc 0 "init"
run import "$DB" "$CRTK_SOURCE/sample-data/sample-registry.xml"
expect_rc 0 "import"
IFS='|' read -r LAST FIRST SSN SITE HIST <<<"$(sql "$DB" "SELECT p.nameLast, p.nameFirst, p.socialSecurityNumber,
    t.primarySite, t.histologicTypeIcdO3 FROM patient p JOIN tumor t ON t.patient_id = p.id
    WHERE p.patientIdNumber = '00000001' ORDER BY t.id LIMIT 1")"
expect_eq "$SITE/$HIST" "C211/8070" "the sample's first tumor (anal canal, squamous cell carcinoma)"

run case show "$DB" 00000001/1 --pdf -o "$TMP/a.pdf"
expect_rc 0 "case show --pdf"
expect_eq "$(stat -c %a "$TMP/a.pdf")" 600 "the PDF is owner-only"
expect_eq "$(sql "$DB" "SELECT action || ' ' || patient_key FROM crtk_access ORDER BY id DESC LIMIT 1")" \
    "print 00000001" "the print is recorded as an access to the patient"
pdftotext -layout "$TMP/a.pdf" "$TMP/a.txt"
PAGES=$(pdfinfo "$TMP/a.pdf" | sed -n 's/^Pages: *//p')
FLAT=$(tr -s ' \n' ' ' <"$TMP/a.txt")
has() { case "$FLAT" in *"$1"*) ok ;; *) fail "$2: no '$1' in the PDF's text" ;; esac; }
has "Test Registry — cancer abstract" "the registry's name"
has "Patient $LAST, $FIRST" "the patient's name"
has "Primary site: C211 — Anal canal" "site and its meaning"
has "Histology: 8070 — Squamous cell carcinoma, NOS" "histology and its meaning"
has "Primary Site [400]" "items under their NAACCR names and numbers"
has "Date of Diagnosis [390] 10/31/2019" "dates as MM/DD/YYYY"
has "***-**-${SSN:5:4}" "SSN masked"
case "$FLAT" in *"$SSN"*) fail "full SSN in the PDF" ;; *) ok ;; esac
expect_eq "$(grep -c CONFIDENTIAL "$TMP/a.txt")" "$PAGES" "CONFIDENTIAL on every page"
grep -q "page $PAGES of $PAGES" "$TMP/a.txt" && ok || fail "last page says page $PAGES of $PAGES"
[ "$PAGES" -ge 2 ] && [ "$PAGES" -le 20 ] && ok || fail "page count sensible: $PAGES"

run case show "$DB" 00000001 --pdf -o "$TMP/all.pdf" --full-ssn
expect_rc 0 "all tumors, full SSN"
pdftotext -layout "$TMP/all.pdf" "$TMP/all.txt"
grep -q "$SSN" "$TMP/all.txt" && ok || fail "--full-ssn shows the SSN"
N=$(sql "$DB" "SELECT count(*) FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE p.patientIdNumber = '00000001'")
expect_eq "$(grep -c '^Tumor [0-9]*$' "$TMP/all.txt")" "$N" "one part per tumor"

PRINTS=$(sql "$DB" "SELECT count(*) FROM crtk_access")
run case show "$DB" 00000001 --pdf
expect_rc 2 "--pdf without -o"
expect_eq "$(sql "$DB" "SELECT count(*) FROM crtk_access")" "$PRINTS" "a refused print is not recorded"
run case show "$DB" 00000001/9 --pdf -o "$TMP/x.pdf"
expect_rc 1 "a tumor that does not exist"
[ -e "$TMP/x.pdf" ] && fail "file written for a missing tumor" || ok
finish
