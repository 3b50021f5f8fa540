#!/bin/bash
# t01-validate.sh — `crtk validate` run as a user would: exit codes, text and JSON Lines output,
# what goes to stdout and what to stderr.  Uses files it writes itself, and the NAACCR samples in
# $CRTK_SHARED when they are there (xmllint, when installed, must agree on well-formedness).
# Environment (set by ctest): CRTK (the binary), CRTK_SHARED, CRTK_SOURCE.  Exit 77 = skipped.
. "$(dirname "$0")/lib.sh" t01

SHARED=${CRTK_SHARED:-}/naaccr/samples


ROOT='<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" recordType="I" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">'
cat >"$TMP/valid.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
$ROOT
  <Patient>
    <Item naaccrId="patientIdNumber">00000001</Item>
    <Tumor><Item naaccrId="primarySite">C509</Item></Tumor>
  </Patient>
</NaaccrData>
XML
cat >"$TMP/invalid.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
$ROOT
  <Patient>
    <Item naaccrId="patientIdNumber">000000012</Item>
    <Tumor>
      <Item naaccrId="primarySit">C509</Item>
    </Tumor>
  </Patient>
</NaaccrData>
XML
printf '%s\n<Patient>\n<Item naaccrId="patientIdNumber">1</Itm>\n' "$ROOT" >"$TMP/broken.xml"
gzip -c "$TMP/valid.xml" >"$TMP/valid.xml.gz"

# --- exit 0: valid; the summary line on stdout, nothing on stderr
run validate "$TMP/valid.xml"
expect_rc 0 "valid file"
expect_out "valid.xml: valid: 1 patient, 1 tumor, 0 errors, 0 warnings$" "valid summary"
expect_empty err "valid file"
run validate "$TMP/valid.xml.gz"
expect_rc 0 "gzip-compressed valid file"
expect_out "valid: 1 patient, 1 tumor" "gzip summary"

# --- exit 1: problems with their places, FILE:LINE:COLUMN, on stdout
run validate "$TMP/invalid.xml"
expect_rc 1 "invalid file"
expect_out "invalid.xml:4:5: patient 1 \(000000012\): item patientIdNumber: value \"000000012\" is 9 characters" "too long, with place"
expect_out "invalid.xml:6:7: patient 1 \(000000012\), tumor 1: item primarySit: unknown item: .*did you mean primarySite" "unknown item with suggestion"
expect_out "invalid.xml: INVALID: 1 patient, 1 tumor, 2 errors, 0 warnings$" "invalid summary"
expect_empty err "invalid file"
run validate "$TMP/broken.xml"
expect_rc 1 "not well-formed"
expect_out "broken.xml:3:35: not well-formed XML: end tag </Itm> does not match <Item>" "syntax error place"
expect_out "reading stopped at a fatal error" "fatal noted in summary"
# Several files: each has its summary; one invalid file makes the exit 1.
run validate "$TMP/valid.xml" "$TMP/invalid.xml"
expect_rc 1 "valid + invalid"
[ "$(grep -c ': valid: \|: INVALID: ' "$TMP/out")" -eq 2 ] && ok || fail "two summaries expected"
# --max-problems prints at most N problems but counts them all.
run validate --max-problems 1 "$TMP/invalid.xml"
expect_rc 1 "max-problems"
[ "$(grep -c 'invalid.xml:[0-9]' "$TMP/out")" -eq 1 ] && ok || fail "--max-problems 1 printed more than one problem"
expect_out "2 errors" "max-problems still counts all"
# A file that cannot be opened: a problem that names it, non-zero exit.
run validate "$TMP/no-such-file.xml"
[ "$rc" -ne 0 ] && ok || fail "missing file: exit 0"
expect_out "no-such-file.xml: cannot open" "missing file named"

# --- exit 2: usage errors, on stderr as "crtk: ...", nothing on stdout
run validate
expect_rc 2 "no file"
expect_err "^crtk: validate: name at least one FILE" "no file message"
expect_empty out "no file"
run validate --format xml "$TMP/valid.xml"
expect_rc 2 "bad --format"
expect_err "^crtk: validate: --format must be text or json" "bad format message"
expect_empty out "bad --format"
run validate --no-such-option "$TMP/valid.xml"
expect_rc 2 "unknown option"
expect_err "^crtk: " "unknown option message"
run validate --naaccr-version 17 "$TMP/valid.xml"
expect_rc 2 "unknown version"
run validate --help
expect_rc 0 "--help"
expect_out "relaxed" "--help lists --relaxed"

# --- JSON Lines: one object per problem (severity, code, line, column, message ...), then a summary
run validate --format json "$TMP/invalid.xml" "$TMP/valid.xml"
expect_rc 1 "json"
expect_empty err "json"
expect_out '^\{"severity":"error","code":"value-too-long","file":"[^"]*invalid.xml","line":4,"column":5,"patient":1,"patientIdNumber":"000000012","item":"patientIdNumber","message":"value \\"000000012\\" is 9 characters.*"\}$' "json problem object"
expect_out '^\{"severity":"error","code":"unknown-item",.*"line":6,"column":7,.*"tumor":1,"item":"primarySit","message":".*did you mean primarySite' "json unknown item"
expect_out '^\{"summary":"[^"]*invalid.xml","verdict":"invalid","patients":1,"tumors":1,"errors":2,"warnings":0\}$' "json summary (invalid)"
expect_out '^\{"summary":"[^"]*valid.xml","verdict":"valid","patients":1,"tumors":1,"errors":0,"warnings":0\}$' "json summary (valid)"
if have_program python3 "the JSON/SQLite checks"; then
    if python3 - "$TMP/out" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == 4, lines
for l in lines:
    o = json.loads(l)
    if "summary" in o:
        assert set(o) == {"summary", "verdict", "patients", "tumors", "errors", "warnings"}, o
    else:
        for k in ("severity", "code", "line", "column", "message", "file"):
            assert k in o, (k, o)
        assert o["severity"] in ("warning", "error", "fatal"), o
PY
    then ok; else fail "JSON Lines do not parse as expected"; fi
fi

# --- the NAACCR validity suite, when the reference data is there
if have_reference "$SHARED/validity"; then
    for f in "$SHARED"/validity/valid/*.xml; do
        run validate "$f"; expect_rc 0 "$(basename "$f")"
    done
    for f in "$SHARED"/validity/invalid/*.xml "$SHARED"/validity/invalid_library_only/*.xml; do
        run validate "$f"; expect_rc 1 "$(basename "$f")"
    done
    for f in "$SHARED"/validity/invalid_relaxed/*.xml; do
        run validate "$f"; expect_rc 1 "$(basename "$f") strict"
        run validate --relaxed "$f"; expect_rc 0 "$(basename "$f") relaxed"
        expect_out "warning: " "$(basename "$f") relaxed warns"
    done
    # The file that names a user dictionary crtk was not given: valid, with a warning.
    run validate "$SHARED/validity/valid/valid_standard-file-2.xml"
    expect_rc 0 "names userDictionaryUri=whatever"
    expect_out "warning: the file names user dictionary whatever" "missing user dictionary warning"
    # JSON problems without a place leave line out; every line still parses.
    run validate --format json "$SHARED/validity/valid/valid_standard-file-2.xml"
    expect_out '^\{"severity":"warning","code":"dictionary",' "warning in JSON"
    # A user dictionary given on the command line.
    run validate "$SHARED/user-dictionary/HL7_AS_NAACCR_XML_V18_ABS.XML"
    expect_rc 1 "without its user dictionary"
    expect_out "which crtk was not given \(use --user-dictionary FILE\)" "hint to use --user-dictionary"
    run validate -u "$SHARED/user-dictionary/path-text-dictionary.xml" "$SHARED/user-dictionary/HL7_AS_NAACCR_XML_V18_ABS.XML"
    expect_rc 0 "with its user dictionary"
    run validate -u "$TMP/valid.xml" "$TMP/valid.xml"
    expect_rc 2 "a data file given as user dictionary"
    expect_err "not a usable NAACCR dictionary" "bad user dictionary message"
    run validate "$SHARED/generated/naaccr-xml-sample-v240-incidence-10.xml.gz"
    expect_rc 0 "generated v240 .gz"
    expect_out "valid: 9 patients, 10 tumors" "generated v240 counts"
    # xmllint and crtk agree on which files are not well-formed XML.
    if have_program xmllint "the cross-check with xmllint"; then
        for f in "$SHARED"/validity/*/*.xml "$SHARED"/xml/*.xml; do
            xmllint --noout "$f" >/dev/null 2>&1; x=$?
            "$CRTK" validate --format json "$f" >"$TMP/lint" 2>/dev/null
            grep -q '"code":"syntax"' "$TMP/lint"; c=$?
            if { [ $x -ne 0 ] && [ $c -eq 0 ]; } || { [ $x -eq 0 ] && [ $c -ne 0 ]; }; then ok
            else fail "xmllint and crtk disagree on well-formedness of $f"; fi
        done
    fi
fi

finish
