# lib.sh — shared helpers for the CLI tests (source it: `. "$(dirname "$0")/lib.sh" tNN`).
#
# Gives: $TMP (a private directory removed at exit), counters, and
#   run ARGS...            run crtk; stdout in $TMP/out, stderr in $TMP/err, exit status in $rc
#   ok / fail MSG          count a check
#   expect_rc N MSG, expect_out RE MSG, expect_err RE MSG, expect_lines N MSG, expect_empty out|err MSG
#   skip MSG               exit 77 (skipped), printing why; under CI=true a skip is a failure
#   need_shared            skip (or fail under CI=true) when the reference data ../shared is absent
#   skip_part MSG          a part of the test cannot run: say so and go on; finish then exits 77
#                          (skipped) when every check passed; under CI=true it is a failure
#   have_shared            true when ../shared is there (use with skip_part for optional parts)
#   need_program NAME WHAT skip (or fail under CI=true) when the program NAME is not installed
#   have_program NAME WHAT true when NAME is installed, else skip_part (the part WHAT is skipped)
#   expect_eq GOT WANT MSG compare two strings
#   expect_no_out RE MSG   stdout must not match RE
#   have_reference PATH    true when the reference file or folder PATH (in ../shared) is there,
#                          else skip_part
#   sql DB QUERY           print the rows of an SQLite query (python3's sqlite3), fields joined by |
#   finish                 print the count and exit 0, or 1 when any check failed, or 77 when a
#                          part was skipped
set -uo pipefail
: "${CRTK:?set CRTK to the crtk binary}"
CRTK_TEST_NAME=${1:-$(basename "$0" .sh)}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crtk-$CRTK_TEST_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0 checks=0 skipped_parts=0

ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
run() { "$CRTK" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else fail "$2: exit $rc, expected $1"; cat "$TMP/out" "$TMP/err"; fi; }
expect_out() { if grep -qE -- "$1" "$TMP/out"; then ok; else fail "$2: stdout lacks /$1/"; cat "$TMP/out"; fi; }
expect_err() { if grep -qE -- "$1" "$TMP/err"; then ok; else fail "$2: stderr lacks /$1/"; cat "$TMP/err"; fi; }
expect_no_out() { if ! grep -qE -- "$1" "$TMP/out"; then ok; else fail "$2: stdout has /$1/"; cat "$TMP/out"; fi; }
expect_lines() { n=$(wc -l <"$TMP/out"); if [ "$n" -eq "$1" ]; then ok; else fail "$2: $n lines, expected $1"; cat "$TMP/out"; fi; }
expect_eq() { if [ "$1" = "$2" ]; then ok; else fail "$3: got '$1', expected '$2'"; fi; }
expect_empty() { if [ ! -s "$TMP/$1" ]; then ok; else fail "$2: $1 is not empty"; cat "$TMP/$1"; fi; }
skip() {
    if [ "${CI:-}" = true ]; then echo "FAIL (CI=true, cannot skip): $*"; exit 1; fi
    echo "SKIPPED: $*"; exit 77
}
skip_part() {
    if [ "${CI:-}" = true ]; then fail "CI=true, cannot skip: $*"; return; fi
    echo "SKIPPED part: $*"
    skipped_parts=$((skipped_parts + 1))
}
have_shared() { [ -n "${CRTK_SHARED:-}" ] && [ -d "$CRTK_SHARED" ]; }
need_shared() {
    have_shared || skip "reference data ../shared is absent (${CRTK_SHARED:-unset})"
}
need_program() { command -v "$1" >/dev/null || skip "$1 is not installed (needed for $2; tools/dev/install-deps.sh installs it)"; }
have_program() {
    command -v "$1" >/dev/null && return 0
    skip_part "$1 is not installed (needed for $2; tools/dev/install-deps.sh installs it)"
    return 1
}
have_reference() {
    [ -e "$1" ] && return 0
    if have_shared; then skip_part "reference file $1 is absent from ../shared"
    else skip_part "reference data ../shared is absent (${CRTK_SHARED:-unset}): $1"; fi
    return 1
}
sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join("" if v is None else str(v) for v in r) for r in c.execute(sys.argv[2]))); c.commit()' "$@"; }
finish() {
    echo "$CRTK_TEST_NAME: $checks checks, $fails failed, $skipped_parts part(s) skipped"
    [ "$fails" -eq 0 ] || exit 1
    if [ "$skipped_parts" -gt 0 ]; then echo "SKIPPED: $skipped_parts part(s) could not run (see above)"; exit 77; fi
    exit 0
}
