#!/bin/bash
# t05-consistency.sh — the command line as a new user meets it (issue 14's list): did-you-mean for
# commands and reports, the known versions named, outputs whose name and format disagree refused
# (nothing written), an empty report selection refused with exit 1, no "100% pass" after a read
# failure, a path said once in "cannot open".
# Environment (set by ctest): CRTK, CRTK_SOURCE.  Exit 77 = skipped.
. "$(dirname "$0")/lib.sh" t05
: "${CRTK_SOURCE:?}"
DB=$TMP/reg.db
"$CRTK" init "$DB" >/dev/null 2>&1 && "$CRTK" import "$DB" "$CRTK_SOURCE/sample-data/sample-registry.xml" >/dev/null 2>&1 && ok || fail "store"

run improt "$DB"
expect_rc 2 "misspelt command"
expect_err "unknown command 'improt'; did you mean import" "did you mean import"
run reprot
expect_err "did you mean report" "did you mean report"
run report site "$DB" -o "$TMP/s.xlsx"
expect_rc 2 "unknown report"
expect_err "no report named site; did you mean site-table" "did you mean site-table"
run init "$TMP/new.db" --naaccr-version 17
expect_rc 2 "unknown version"
expect_err "known: 14, 15, 16, 18, 21, 22, 23, 24, 25, 26" "known versions listed"
[ ! -e "$TMP/new.db" ] && ok || fail "no store made for an unknown version"

# outputs named for another format: refused before anything is written
run report site-table "$DB" -o "$TMP/sites.pdf"
expect_rc 2 "report to .pdf"
expect_err "a report is an Excel workbook: name the output FILE.xlsx" "report extension"
[ ! -e "$TMP/sites.pdf" ] && ok || fail "report wrote x.pdf"
run export "$DB" -o "$TMP/breast.xlsx"
expect_rc 2 "export to .xlsx is a listing: it names its columns"
expect_err "a listing names its columns: --columns ITEM" "export .xlsx without --columns"
[ ! -e "$TMP/breast.xlsx" ] && ok || fail "export wrote breast.xlsx without columns"
run export "$DB" -o "$TMP/breast.pdf"
expect_rc 2 "export to .pdf"
expect_err "name the output .xml, .xml.gz, .csv or .txt" "export extension"
[ ! -e "$TMP/breast.pdf" ] && ok || fail "export wrote breast.pdf"
run export "$DB" -o "$TMP/cases.csv" --format xml
expect_rc 2 "named csv, format xml"
expect_err "is named as csv but --format is xml" "name and format disagree"
[ ! -e "$TMP/cases.csv" ] && ok || fail "export wrote cases.csv"
run export "$DB" -o "$TMP/cases.csv"
expect_rc 0 "export to .csv"
head -1 "$TMP/cases.csv" | grep -q "patientIdNumber" && ok || fail "the .csv is CSV"

# a report over no tumors: said, exit 1, nothing written
run report site-table "$DB" -o "$TMP/none.xlsx" --years 1990-1991
expect_rc 1 "empty selection"
expect_err "no tumor matches the selection \\(diagnosed 1990-1991\\): nothing written" "empty selection said"
[ ! -e "$TMP/none.xlsx" ] && ok || fail "empty workbook written"

# the report options of issue 14 reach the library: trends leaves out the current year unless asked
run report trends "$DB" -o "$TMP/t1.xlsx" --as-of 20260601
expect_rc 0 "trends"
run report trends "$DB" -o "$TMP/t2.xlsx" --as-of 20260601 --current-year
expect_rc 0 "trends --current-year"
(cd "$TMP" && mkdir -p x1 x2 && unzip -qo t1.xlsx -d x1 && unzip -qo t2.xlsx -d x2)
if grep -q "is left out" "$TMP"/x1/xl/sharedStrings.xml; then ok; else fail "trends says the current year is left out"; fi
if grep -q "is left out" "$TMP"/x2/xl/sharedStrings.xml; then fail "--current-year still leaves it out"; else ok; fi

# a file that cannot be read: no share of passing tumors, and the path said once
run edits "$CRTK_SOURCE/README.md"
expect_rc 2 "edits on a text file"
if grep -q "100.0%" "$TMP/out"; then fail "edits claims 100% pass after a read failure"; else ok; fi
expect_out "no tumor was checked" "nothing checked said"
run validate "$TMP/nonexistent.xml"
expect_rc 2 "missing file"
line=$(grep "cannot open" "$TMP/out" "$TMP/err" | head -1)
[ "$(grep -o "nonexistent.xml" <<<"$line" | wc -l)" -eq 1 ] && ok || fail "path said twice: $line"
finish
