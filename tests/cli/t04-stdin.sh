#!/bin/bash
# t04-stdin.sh — "-" reads standard input wherever crtk reads a NAACCR file: validate, convert,
# edits and import, with XML, gzip-compressed XML, flat and CSV bytes on a pipe (the format is
# found from a buffered look at the stream, which cannot be reopened).  The answers are those of
# the same commands run on the file itself.
# Environment (set by ctest): CRTK, CRTK_SOURCE.  Exit 77 = skipped.
. "$(dirname "$0")/lib.sh" t04
: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"

SAMPLE=$CRTK_SOURCE/sample-data/sample-registry.xml
cp "$SAMPLE" "$TMP/cases.xml"
gzip -c "$TMP/cases.xml" >"$TMP/cases.xml.gz"
run convert "$TMP/cases.xml" "$TMP/cases.csv"
expect_rc 0 "XML -> CSV"
run convert "$TMP/cases.xml" "$TMP/cases.txt" --naaccr-version 180
expect_rc 0 "XML -> flat 18"

# validate: the same verdict and counts as on the file, the file named "-"
for f in cases.xml cases.xml.gz cases.csv cases.txt; do
    run validate "$TMP/$f"
    want_rc=$rc
    want=$(sed -n 's/^.*: \(valid\|INVALID\): /\1: /p' "$TMP/out")
    "$CRTK" validate - <"$TMP/$f" >"$TMP/out" 2>"$TMP/err"; rc=$?
    expect_rc "$want_rc" "validate - <$f"
    got=$(sed -n 's/^-: \(valid\|INVALID\): /\1: /p' "$TMP/out")
    expect_eq "$got" "$want" "validate - <$f: the same summary as the file"
    # through a pipe (not seekable), as `cat cases.xml | crtk validate -`
    cat "$TMP/$f" | "$CRTK" validate - >"$TMP/out" 2>"$TMP/err"; rc=$?
    expect_rc "$want_rc" "cat $f | validate -"
    got=$(sed -n 's/^-: \(valid\|INVALID\): /\1: /p' "$TMP/out")
    expect_eq "$got" "$want" "cat $f | validate -: the same summary"
done
expect_eq "$(printf '%s' "$want" | cut -c1-6)" "INVALI" "flat 18 has the figoStage problems of the sample (a check that can fail)"
grep -q "^(standard input):[0-9]*:[0-9]*: " "$TMP/out" && ok || fail "problems on standard input are named (standard input):line:column"

# convert: a pipe of gzip bytes to XML gives the same values as converting the file
gzip -c "$TMP/cases.xml" | "$CRTK" convert - "$TMP/from-stdin.xml" >"$TMP/out" 2>"$TMP/err"; rc=$?
expect_rc 0 "convert - from gzip bytes"
run convert "$TMP/cases.xml.gz" "$TMP/from-file.xml"
expect_rc 0 "convert the .gz file"
same() { cmp -s <(grep -v timeGenerated "$1") <(grep -v timeGenerated "$2"); } # all but the time written
if same "$TMP/from-stdin.xml" "$TMP/from-file.xml"; then ok; else fail "convert - and convert FILE differ"; fi
cat "$TMP/cases.csv" | "$CRTK" convert - "$TMP/csv-back.xml" --naaccr-version 260 >"$TMP/out" 2>"$TMP/err"; rc=$?
expect_rc 0 "convert - from CSV"
"$CRTK" convert "$TMP/cases.csv" "$TMP/csv-file.xml" --naaccr-version 260 >/dev/null 2>&1
if same "$TMP/csv-back.xml" "$TMP/csv-file.xml"; then ok; else fail "CSV: convert - and convert FILE differ"; fi

# edits: the same failures
run edits --set hospital --format json "$TMP/cases.xml"
grep -v '"file"' "$TMP/out" >"$TMP/edits-file"
cat "$TMP/cases.xml" | "$CRTK" edits --set hospital --format json - >"$TMP/out" 2>"$TMP/err"
grep -v '"file"' "$TMP/out" >"$TMP/edits-stdin"
[ -s "$TMP/edits-file" ] && cmp -s "$TMP/edits-file" "$TMP/edits-stdin" && ok || fail "edits - and edits FILE differ"

# import: the same patients and tumors
run init "$TMP/reg.db" --user tester
expect_rc 0 "init"
gzip -c "$TMP/cases.xml" | "$CRTK" import "$TMP/reg.db" - --user tester >"$TMP/out" 2>"$TMP/err"; rc=$?
expect_rc 0 "import - from gzip bytes"
expect_out "^-: 160 patients, 192 tumors read; added 160 patients, 192 tumors" "import - counts"
run validate "$TMP/cases.xml"
expect_out "160 patients, 192 tumors" "the sample has 160 patients, 192 tumors"

# an empty standard input is an error, not a success
"$CRTK" validate - </dev/null >"$TMP/out" 2>"$TMP/err"; rc=$?
expect_rc 1 "validate - with empty input"
expect_out "^\(standard input\):1:1: .*empty" "empty input named"

finish
