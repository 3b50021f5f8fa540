# serve_fixture.sh — sourced by the serve tests: a store with the sample registry, one user per role,
# and `start_server DB [OPTIONS]` which starts crtk serve on a free port and sets URL and SERVER_PID.
# The server is stopped (by its pid) when the test exits.
set -euo pipefail
: "${CRTK:?CRTK must name the crtk binary}"
: "${CRTK_SOURCE:?CRTK_SOURCE must name the source tree}"
WORK=$(mktemp -d)
SERVER_PIDS=()
cleanup() {
    local rc=$?
    for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    # a server that hit a sanitizer report (ASan/UBSan/LSan builds) or a GLib critical fails the test
    if grep -l -E "Sanitizer|runtime error|CRITICAL" "$WORK"/serve.* 2>/dev/null; then
        cat "$WORK"/serve.*
        rc=1
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
DB=$WORK/registry.db
"$CRTK" init "$DB" --facility 0000001234 >/dev/null
"$CRTK" import "$DB" "$CRTK_SOURCE/sample-data/sample-registry.xml" >/dev/null
echo "admin-pass-1" | "$CRTK" user add "$DB" ada --role admin >/dev/null
echo "abstract-pass-1" | "$CRTK" user add "$DB" abby --role abstractor --user ada >/dev/null
echo "followup-pass-1" | "$CRTK" user add "$DB" fred --role followup --user ada >/dev/null
echo "manager-pass-1" | "$CRTK" user add "$DB" meg --role manager --user ada >/dev/null

start_server() { # start_server DB [OPTIONS...]
    local out=$WORK/serve.$RANDOM
    : >"$out"   # made here: the background job's redirection may come after the first sed below
    "$CRTK" serve "$@" --listen 127.0.0.1:0 >"$out" 2>&1 &
    SERVER_PID=$!
    SERVER_PIDS+=("$SERVER_PID")
    for _ in $(seq 50); do
        URL=$(sed -n 's/^crtk serve: \(http[^ ]*\).*/\1/p' "$out")
        [ -n "$URL" ] && return 0
        sleep 0.1
    done
    echo "crtk serve did not start:"; cat "$out"; return 1
}
