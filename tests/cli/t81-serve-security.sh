#!/bin/bash
# t81-serve-security.sh — crtk serve's security, checked with plain HTTP requests (no browser):
# no page without a session, CSRF-less POSTs refused, roles enforced by the server, headers,
# no open redirect, lockout after five wrong passwords, refusal to listen beyond loopback
# without TLS, refusal to start without users.
set -euo pipefail
source "$CRTK_SOURCE/tests/web/serve_fixture.sh"

# no users: refuses, and says how to make one
"$CRTK" init "$WORK/empty.db" >/dev/null
if "$CRTK" serve "$WORK/empty.db" --listen 127.0.0.1:0 2>"$WORK/err"; then echo "FAIL: served a store without users"; exit 1; fi
grep -q "crtk user add" "$WORK/err" || { echo "FAIL: no hint to create a user"; cat "$WORK/err"; exit 1; }
# beyond loopback without TLS: refused
if "$CRTK" serve "$DB" --listen 0.0.0.0:0 2>"$WORK/err"; then echo "FAIL: plain HTTP beyond loopback"; exit 1; fi
grep -q -- "--tls-cert" "$WORK/err" || { echo "FAIL: no TLS hint"; cat "$WORK/err"; exit 1; }
# --user must name an active user once there are users
if "$CRTK" case set "$DB" 00000001 nameMiddle=X 2>/dev/null; then echo "FAIL: write without --user"; exit 1; fi
if "$CRTK" case set "$DB" 00000001 nameMiddle=X --user nobody 2>/dev/null; then echo "FAIL: write as unknown user"; exit 1; fi
"$CRTK" case set "$DB" 00000001 nameMiddle=X --user abby >/dev/null
"$CRTK" audit "$DB" >"$WORK/audit"   # to a file: grep -q would close the pipe early (SIGPIPE under pipefail)
grep -q "abby .*case set (os " "$WORK/audit" || { echo "FAIL: audit lacks user and OS login"; exit 1; }
# only an admin manages users
if echo "whatever-pass" | "$CRTK" user add "$DB" eve --role admin --user abby 2>/dev/null; then echo "FAIL: abstractor added a user"; exit 1; fi
echo "whatever-pass" | "$CRTK" user passwd "$DB" abby --user abby >/dev/null   # own password: allowed
echo "abstract-pass-1" | "$CRTK" user passwd "$DB" abby --user ada >/dev/null

start_server "$DB"
python3 "$CRTK_SOURCE/tests/web/security_test.py" "$URL" "$DB"
echo "t61: all checks passed"
