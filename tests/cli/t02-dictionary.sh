#!/bin/bash
# t02-dictionary.sh — `crtk dictionary` run as a user would: show one item, list items, versions,
# user dictionaries, and the errors (unknown item with a suggestion, unknown version).
# Environment (set by ctest): CRTK (the binary), CRTK_SHARED.  Exit 77 = skipped.
. "$(dirname "$0")/lib.sh" t02

SHARED=${CRTK_SHARED:-}/naaccr


# --- one item, by naaccrId or number (default: the current version, 26)
run dictionary primarySite
expect_rc 0 "primarySite"
expect_out "^naaccrId: +primarySite$" "id"
expect_out "^item number: +400$" "number"
expect_out "^level: +Tumor$" "level Tumor"
expect_out "^length: +4$" "length 4"
expect_out "^data type: +text$" "data type"
expect_out "^record types: +A,M,C,I$" "record types"
expect_out "^defined by: +http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml$" "source"
if grep -q "^columns:" "$TMP/out"; then fail "v26 has no flat columns"; else ok; fi
expect_empty err "primarySite"
run dictionary 400
expect_rc 0 "by number"
expect_out "^naaccrId: +primarySite$" "400 is primarySite"
run dictionary patientIdNumber
expect_out "^level: +Patient$" "patientIdNumber level"
expect_out "^padding: +leftZero$" "patientIdNumber padding"

# --- version 18 has flat columns
run dictionary --naaccr-version 18 primarySite
expect_rc 0 "v18 primarySite"
expect_out "^columns: +554-557$" "v18 columns"
expect_out "naaccr-dictionary-180.xml" "v18 source"
run dictionary --naaccr-version 18 patientIdNumber
expect_out "^columns: +42-49$" "v18 patientIdNumber columns"
run dictionary --naaccr-version 180 npcrSpecificField
expect_out "^columns: +1647-1721$" "default user dictionary item"
expect_out "user-defined-naaccr-dictionary-180.xml" "default user dictionary source"
run dictionary --naaccr-version 25 sex
expect_rc 0 "v25 has sex"
run dictionary --naaccr-version 26 sex
expect_rc 1 "v26 has no sex (#220); it has sexAssignedAtBirth (#225)"
run dictionary --naaccr-version 26 225
expect_out "^naaccrId: +sexAssignedAtBirth$" "v26 item 225"

# --- unknown item: exit 1, a suggestion on stderr, nothing on stdout
run dictionary primarySit
expect_rc 1 "unknown item"
expect_err "^crtk: dictionary: NAACCR 260 has no item primarySit; did you mean primarySite" "suggestion"
expect_empty out "unknown item"
run dictionary 99999
expect_rc 1 "unknown number"
expect_err "has no item 99999" "unknown number message"

# --- usage errors: exit 2
run dictionary --naaccr-version 17 primarySite
expect_rc 2 "unknown version"
expect_err "^crtk: dictionary: unknown NAACCR version 17" "unknown version message"
expect_empty out "unknown version"
run dictionary --level Tumour
expect_rc 2 "bad level"

# --- listing: a header line, then one line per item
run dictionary --naaccr-version 25
expect_rc 0 "list v25"
expect_lines 781 "v25: 780 items and a header"
expect_out "^number +naaccrId +level +length +type +records +name$" "list header"
expect_out "^400 +primarySite +Tumor +4 +text +A,M,C,I +Primary Site$" "list line"
run dictionary --naaccr-version 14
expect_lines 549 "v14: 527 base + 21 default user items and a header"
run dictionary --naaccr-version 25 --level NaaccrData --format json
expect_lines 5 "five NaaccrData items"
run dictionary --naaccr-version 25 --level Patient --format json
expect_lines 49 "49 Patient items in v25"

# --- JSON
run dictionary --format json primarySite
expect_rc 0 "json"
expect_out '^\{"naaccrNum":400,"naaccrId":"primarySite","naaccrName":"Primary Site","parentXmlElement":"Tumor","length":4,"dataType":"text","padding":"none","recordTypes":"A,M,C,I","source":"http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml"\}$' "json object"
run dictionary --format json --naaccr-version 18 primarySite
expect_out '"startColumn":554' "json start column"
if have_program python3 "the JSON/SQLite checks"; then
    run dictionary --format json
    if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out"; then ok; else fail "JSON Lines do not parse"; fi
fi

# --- user dictionaries
if have_reference "$SHARED/samples/user-dictionary/path-text-dictionary.xml"; then
    run dictionary -u "$SHARED/samples/user-dictionary/path-text-dictionary.xml" 10000
    expect_rc 0 "user dictionary item by number"
    expect_out "^defined by: +https://my.org/naaccrxml/path-text-dictionary.xml$" "user item source"
    run dictionary -u "$SHARED/samples/user-dictionary/path-text-dictionary.xml" --naaccr-version 25
    expect_lines 792 "v25 with 11 user items"
fi
printf '<NaaccrDictionary dictionaryUri="urn:x" xmlns="http://naaccr.org/naaccrxml"><ItemDefs>\n<ItemDef naaccrId="x" naaccrNum="9500" parentXmlElement="Tumor" length="1"/>\n</ItemDefs></NaaccrDictionary>\n' >"$TMP/bad.xml"
run dictionary -u "$TMP/bad.xml" primarySite
expect_rc 2 "bad user dictionary"
expect_err "bad.xml:2:1: item x: naaccrId must start with a lower-case letter" "bad dictionary problem with its place"
expect_err "not a usable NAACCR dictionary" "bad dictionary verdict"

finish
