#!/bin/bash
# t60-stage.sh — `crtk stage --keys` replays SEER's reference results exactly (../shared/staging/tests):
# the EOD, TNM and Pediatric oracle samples, the CS integration sample, the CS schema identification
# sample; --algorithm-dir loads SEER's zip and its unpacked JSON with the same answers; bad key lines
# are reported with their line.  In the sanitizer build the larger files are sampled (one row in N).
# Environment (set by ctest): CRTK, CRTK_SHARED, CRTK_SOURCE.  Exit 77 = skipped (../shared absent).
set -uo pipefail

: "${CRTK:?set CRTK to the crtk binary}"
ST="${CRTK_SHARED:-}/staging"
if [ ! -f "$ST/tests/eod-oracle-sample.csv.gz" ]; then
    if [ "${CI:-}" = "true" ]; then echo "FAIL: $ST missing (CI=true)"; exit 1; fi
    echo "skip: $ST absent"; exit 77
fi
REPLAY="$CRTK_SOURCE/tests/staging/replay-oracle.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crtk-t60.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }

# sanitizer build: sample
if grep -qa __asan_report_load "$CRTK"; then small=5 big=50; else small=1 big=1; fi

for a in eod tnm pediatric; do
    if python3 "$REPLAY" "$CRTK" oracle "$ST/tests/$a-oracle-sample.csv.gz" --every $small; then ok; else fail "$a oracle"; fi
done
if python3 "$REPLAY" "$CRTK" cs-schema-id "$ST/tests/cs-schema-identification-sample.csv.gz" --every $small; then ok; else fail "cs schema id"; fi
if python3 "$REPLAY" "$CRTK" cs-integration "$ST/tests/cs-integration-sample.csv.gz" --every $big; then ok; else fail "cs integration"; fi

# --- a newer version from a directory: SEER's zip, a directory holding it, and the unpacked JSON
case1='site=C504;hist=8500;year_dx=2021;behavior=3;eod_primary_tumor=100;eod_regional_nodes=000;eod_mets=00;grade_clin=1;grade_path=1'
mkdir -p "$TMP/zipdir" "$TMP/unpacked"
cp "$ST/algorithms/eod_public-3.3.zip" "$TMP/zipdir/"
(cd "$TMP/unpacked" && unzip -q "$ST/algorithms/eod_public-3.3.zip")
echo "$case1" | "$CRTK" stage -a eod --keys - --context ctx_year_current=2026 >"$TMP/builtin.csv"
for src in "$ST/algorithms/eod_public-3.3.zip" "$TMP/zipdir" "$TMP/unpacked"; do
    echo "$case1" | "$CRTK" stage --algorithm-dir "$src" --keys - --context ctx_year_current=2026 >"$TMP/dir.csv" 2>"$TMP/err"
    if cmp -s "$TMP/builtin.csv" "$TMP/dir.csv"; then ok; else fail "--algorithm-dir $src differs"; cat "$TMP/err" "$TMP/dir.csv"; fi
done
# hand-checked: breast, localized (EOD primary tumor 100, no nodes, no mets) → Summary Stage 2018 = 1, schema id 00480
if grep -q '^STAGED,breast,breast,.*naaccr_schema_id=00480;ss2018_derived=1' "$TMP/builtin.csv"; then ok; else fail "breast localized"; cat "$TMP/builtin.csv"; fi
# an odd file is refused with its name
echo '{"not":"staging"}' >"$TMP/unpacked/tables/zz_bad.json"
if "$CRTK" stage --algorithm-dir "$TMP/unpacked" --keys /dev/null 2>"$TMP/err"; then fail "bad table accepted"
elif grep -q 'zz_bad.json' "$TMP/err"; then ok; else fail "bad table: no file name"; cat "$TMP/err"; fi

# --- bad input lines name their line; unknown algorithm is a usage error
printf 'site=C504;hist=8500\nsite\n' >"$TMP/bad.keys"
"$CRTK" stage -a eod --keys "$TMP/bad.keys" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q 'bad.keys:2:' "$TMP/err"; then ok; else fail "bad key line: rc $rc"; cat "$TMP/err"; fi
"$CRTK" stage -a nope --keys /dev/null 2>"$TMP/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "unknown staging algorithm" "$TMP/err"; then ok; else fail "unknown algorithm: rc $rc"; fi

# --- lookup notation: C111/8200 alone → 4 EOD schemas; with discriminator_1=1, year_dx=2022 → nasopharynx (README §5)
printf 'site=C111;hist=8200\nsite=C111;hist=8200;discriminator_1=1;year_dx=2022\n' | "$CRTK" stage -a eod --keys - --lookup >"$TMP/l.csv"
if sed -n 2p "$TMP/l.csv" | grep -q '^4,' && sed -n 3p "$TMP/l.csv" | grep -q '^1,nasopharynx$'; then ok; else fail "lookup"; cat "$TMP/l.csv"; fi

echo "t60-stage: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
