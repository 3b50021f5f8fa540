#!/bin/bash
# t62-input.sh — what a registrar (or an attacker) types is refused before it reaches the store.
# `case set` refuses invalid UTF-8, C1 controls, impossible calendar dates (20230231) and says so with
# the value cut short ("…" (120,000 bytes)); a user name with a newline (a forged line in `crtk audit`)
# is refused; in each case the store is byte-identical. The SQL sandbox refuses functions outside its
# list (fts3_tokenizer, load_extension), stops a value over SQLITE_LIMIT_LENGTH and a runaway
# recursive query at --time-limit, naming the limit.
# Environment (set by ctest): CRTK, CRTK_SOURCE.
set -uo pipefail

: "${CRTK:?set CRTK to the crtk binary}"
: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crtk-t62.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
run() { "$CRTK" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else fail "$2: exit $rc, expected $1"; cat "$TMP/out" "$TMP/err"; fi; }
expect_err() { if grep -qE -- "$1" "$TMP/err"; then ok; else fail "$2: stderr lacks /$1/"; cat "$TMP/err"; fi; }
cd "$TMP" || exit 2
run init reg.db && run import reg.db "$CRTK_SOURCE/sample-data/sample-registry.xml"
expect_rc 0 "import the sample"
sum=$(sha256sum reg.db | cut -d' ' -f1)
same() { if [ "$(sha256sum reg.db | cut -d' ' -f1)" = "$sum" ]; then ok; else fail "$1: the store changed"; fi; }

run case set reg.db 00000001 dateOfLastContact=20230231
expect_rc 1 "20230231"
expect_err "not a calendar date" "20230231"
same "20230231"
run case set reg.db 00000001 dateOfLastContact=20240229
expect_rc 0 "20240229 (a leap day)"
sum=$(sha256sum reg.db | cut -d' ' -f1)

run case set reg.db 00000001 "nameLast=$(printf 'AB\xc2\x85C')"
expect_rc 1 "a C1 control (U+0085)"
expect_err "control character \(U\+0085\)" "a C1 control"
run case set reg.db 00000001 "nameLast=$(printf 'AB\xff\xfe')"
expect_rc 1 "invalid UTF-8"
expect_err "not valid UTF-8 text \(byte 3\)" "invalid UTF-8"
run case set reg.db 00000001 "primarySite=$(printf 'C1\t8')"
expect_rc 1 "a tab in a code"
same "refused values"

long=$(head -c 120000 /dev/zero | tr '\0' 2)
run case set reg.db 00000001 "dateOfLastContact=$long"
expect_rc 1 "a 120,000-byte value"
expect_err '"2{60}…" \(120,000 bytes\)' "a 120,000-byte value is cut in the message"
if [ "$(wc -c <"$TMP/err")" -lt 1000 ]; then ok; else fail "the message echoes the long value ($(wc -c <"$TMP/err") bytes)"; fi

run case set reg.db 00000001 nameLast=FORGED --user "$(printf 'alice\n2026-01-01T00:00:00Z bob')"
expect_rc 2 "a user name with a newline"
expect_err "user name .* holds a control character" "a user name with a newline"
same "a user name with a newline"

# ---- the SQL sandbox ----
run sql reg.db "SELECT fts3_tokenizer('simple')"
expect_rc 2 "fts3_tokenizer"
expect_err "not authorized to use function: fts3_tokenizer" "fts3_tokenizer"
run sql reg.db "SELECT load_extension('x')"
expect_rc 2 "load_extension"
run sql reg.db "SELECT length(zeroblob(100000000))"
expect_rc 2 "a 100 MB value"
expect_err "size limit .*SQLITE_LIMIT_LENGTH" "a 100 MB value"
start=$(date +%s)
run sql reg.db --time-limit 1 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
expect_rc 2 "a runaway recursive query"
expect_err "stopped by the time limit after 1 s" "a runaway recursive query"
if [ $(($(date +%s) - start)) -lt 20 ]; then ok; else fail "the time limit did not stop the query in time"; fi
run sql reg.db "SELECT count(*), upper('a'), round(2.5), crtk_age_group(20), json_array(1) FROM tumor"
expect_rc 0 "ordinary and crtk functions"
if grep -q '^192,A,3.0,05,\[1\]' "$TMP/out"; then ok; else fail "ordinary query output"; cat "$TMP/out"; fi

echo "t62-input: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
