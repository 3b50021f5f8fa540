# lib.sh — shared helpers for the CLI tests (source it: `. "$(dirname "$0")/lib.sh" tNN`).
#
# Gives: $TMP (a private directory removed at exit), counters, and
#   run ARGS...            run crtk; stdout in $TMP/out, stderr in $TMP/err, exit status in $rc
#   ok / fail MSG          count a check
#   expect_rc N MSG, expect_out RE MSG, expect_err RE MSG, expect_lines N MSG, expect_empty out|err MSG
#   skip MSG               exit 77 (skipped), printing why; under CI=true a skip is a failure
#   need_shared            skip (or fail under CI=true) when the reference data ../shared is absent
#   finish                 print the count and exit 0, or 1 when any check failed
set -uo pipefail
: "${CRTK:?set CRTK to the crtk binary}"
CRTK_TEST_NAME=${1:-$(basename "$0" .sh)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crtk-$CRTK_TEST_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0 checks=0

ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
run() { "$CRTK" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else fail "$2: exit $rc, expected $1"; cat "$TMP/out" "$TMP/err"; fi; }
expect_out() { if grep -qE -- "$1" "$TMP/out"; then ok; else fail "$2: stdout lacks /$1/"; cat "$TMP/out"; fi; }
expect_err() { if grep -qE -- "$1" "$TMP/err"; then ok; else fail "$2: stderr lacks /$1/"; cat "$TMP/err"; fi; }
expect_lines() { n=$(wc -l <"$TMP/out"); if [ "$n" -eq "$1" ]; then ok; else fail "$2: $n lines, expected $1"; fi; }
expect_empty() { if [ ! -s "$TMP/$1" ]; then ok; else fail "$2: $1 is not empty"; cat "$TMP/$1"; fi; }
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true, cannot skip): $*"; exit 1; fi
    echo "SKIPPED: $*"; exit 77
}
need_shared() {
    [ -n "${CRTK_SHARED:-}" ] && [ -d "$CRTK_SHARED" ] || skip "reference data ../shared is absent (${CRTK_SHARED:-unset})"
}
finish() {
    echo "$CRTK_TEST_NAME: $checks checks, $fails failed"
    [ "$fails" -eq 0 ]
    exit $?
}
