#!/bin/bash
# t10-generate.sh — the synthetic sample generator (sample-data/generate.c): valid output for its
# dictionary, deterministic from its seed, realistic proportions, no confidential items in
# record type I, the item that replaced sex in 26, and the committed sample registry.
. "$(dirname "$0")/lib.sh" t10
GEN=${CRTK_GENERATE:-}
SRC=${CRTK_SOURCE:-.}
[ -x "$GEN" ] || skip "crtk-generate is not built (sample-data/generate.c)"
export SOURCE_DATE_EPOCH=1700000000

"$GEN" --check --seed 3 --patients 200 --naaccr-version 25 --record-type I -o "$TMP/a.xml" --quiet && ok || fail "generate --check"
"$CRTK" validate "$TMP/a.xml" | grep -q "valid: 200 patients" && ok || fail "generated file is not valid"
"$GEN" --seed 3 --patients 200 --naaccr-version 25 --record-type I -o "$TMP/b.xml" --quiet
cmp -s "$TMP/a.xml" "$TMP/b.xml" && ok || fail "same seed, different file"
"$GEN" --seed 4 --patients 200 --naaccr-version 25 --record-type I -o "$TMP/c.xml" --quiet
cmp -s "$TMP/a.xml" "$TMP/c.xml" && fail "different seeds, same file" || ok
"$GEN" --seed 5 --patients 2000 --naaccr-version 26 --record-type A -o "$TMP/d.xml" --quiet
t=$(grep -c '<Tumor>' "$TMP/d.xml")
[ "$t" -ge 2200 ] && [ "$t" -le 2600 ] && ok || fail "tumors per patient out of range: $t for 2000"
grep -q 'naaccrId="sexAssignedAtBirth"' "$TMP/d.xml" && ok || fail "26 lacks sexAssignedAtBirth"
grep -q 'naaccrId="sex"' "$TMP/d.xml" && fail "26 has sex" || ok
grep -q 'naaccrId="nameLast"' "$TMP/d.xml" && ok || fail "record type A lacks names"
grep -q 'naaccrId="nameLast"' "$TMP/a.xml" && fail "record type I has names" || ok
bad=$(sed -n 's/.*naaccrId="dateOfLastContact">\([0-9]*\)<.*/\1/p' "$TMP/d.xml" | awk '$1 > 20260630' | wc -l)
[ "$bad" -eq 0 ] && ok || fail "$bad dates of last contact in the future"
"$GEN" --seed 1 --patients 10 --naaccr-version 25 -o "$TMP/x.txt" --format flat --quiet 2>/dev/null && fail "flat 25 accepted" || ok
[ -e "$TMP/x.txt" ] && fail "refused generation left a file" || ok
if [ -f "$SRC/sample-data/sample-registry.xml" ]; then
    "$CRTK" validate "$SRC/sample-data/sample-registry.xml" | grep -q ": valid:" && ok || fail "committed sample is not valid"
fi
finish
