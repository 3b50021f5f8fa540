#!/bin/bash
# t03-convert.sh — `crtk convert` as a user runs it: exact round trips (flat 18 -> XML -> flat 18
# gives the same bytes; XML -> XML keeps every value), version conversion (25 -> 26 maps sex),
# record type I dropping confidential items, refusal of flat output after version 18, .gz, CSV.
# Environment (set by ctest): CRTK, CRTK_GENERATE (the sample generator).
. "$(dirname "$0")/lib.sh" t03
GEN=${CRTK_GENERATE:-}
[ -x "$GEN" ] || skip "crtk-generate is not built (sample-data/generate.c)"
# items FILE: the sorted "level id=value" lines of an XML file, to compare values
items() { sed -n 's/.*<Item naaccrId="\([^"]*\)">\(.*\)<\/Item>.*/\1=\2/p' "$1" | sort; }

# flat 18 -> XML -> flat 18: the same bytes
"$GEN" --seed 7 --patients 300 --naaccr-version 18 --record-type A --format flat -o "$TMP/a.txt" --quiet
run convert "$TMP/a.txt" "$TMP/a.xml"
expect_rc 0 "flat 18 -> XML"
run validate "$TMP/a.xml"
expect_rc 0 "converted XML is valid"
run convert "$TMP/a.xml" "$TMP/b.txt"
expect_rc 0 "XML -> flat 18"
if cmp -s "$TMP/a.txt" "$TMP/b.txt"; then ok; else fail "flat 18 -> XML -> flat 18 changed bytes"; cmp "$TMP/a.txt" "$TMP/b.txt" | head -3; fi

# XML -> XML keeps every item value, also through .gz and CSV
"$GEN" --seed 8 --patients 300 --naaccr-version 25 --record-type A -o "$TMP/c.xml" --quiet
run convert "$TMP/c.xml" "$TMP/d.xml.gz"
expect_rc 0 "XML -> XML.gz"
gzip -dc "$TMP/d.xml.gz" >"$TMP/d.xml"
if diff <(items "$TMP/c.xml") <(items "$TMP/d.xml") >/dev/null; then ok; else fail "XML -> XML.gz changed values"; fi
run convert "$TMP/c.xml" "$TMP/c.csv"
expect_rc 0 "XML -> CSV"
run convert "$TMP/c.csv" "$TMP/e.xml" --naaccr-version 25
expect_rc 0 "CSV -> XML"
if diff <(items "$TMP/c.xml" | grep -v -e '^recordType=' -e '^naaccrRecordVersion=') \
        <(items "$TMP/e.xml" | grep -v -e '^recordType=' -e '^naaccrRecordVersion=') >/dev/null; then ok; else fail "XML -> CSV -> XML changed values"; fi

# 25 -> 26: sex becomes sexAssignedAtBirth and the change is reported
run convert "$TMP/c.xml" "$TMP/f.xml" --naaccr-version 26
expect_rc 0 "25 -> 26"
expect_err "sex replaced as sexAssignedAtBirth" "the replacement is reported"
if grep -q 'naaccrId="sex"' "$TMP/f.xml"; then fail "26 still has sex"; else ok; fi
if grep -q 'naaccrId="sexAssignedAtBirth"' "$TMP/f.xml"; then ok; else fail "26 lacks sexAssignedAtBirth"; fi
run validate "$TMP/f.xml"
expect_rc 0 "converted 26 file is valid"

# record type I leaves out confidential items
run convert "$TMP/c.xml" "$TMP/g.xml" --record-type I
expect_rc 0 "A -> I"
if grep -q 'naaccrId="nameLast"' "$TMP/g.xml"; then fail "record type I kept nameLast"; else ok; fi
expect_err "nameLast is not part of record type I" "dropped items are listed"

# flat output after version 18 is refused with the reason; nothing is written
run convert "$TMP/c.xml" "$TMP/h.txt"
expect_rc 2 "flat 25 refused"
expect_err "no fixed-width \\(flat\\) layout" "the refusal explains"
[ ! -e "$TMP/h.txt" ] && ok || fail "refused conversion left a file"

# a file that is not well-formed: nothing written, exit 1, the place named
printf '<?xml version="1.0"?>\n<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" recordType="I" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">\n<Patient>\n</NaaccrData>\n' >"$TMP/bad.xml"
run convert "$TMP/bad.xml" "$TMP/bad-out.xml"
expect_rc 1 "malformed input"
expect_err "bad.xml:4:1: .*does not match" "file:line:column of the problem"
[ ! -e "$TMP/bad-out.xml" ] && ok || fail "partial output left behind"

finish
