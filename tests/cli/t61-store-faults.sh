#!/bin/bash
# t61-store-faults.sh — a store in trouble is never taken for a good one.
# A damaged tumor page (bytes overwritten by hand, found with SQLite's dbstat) makes export and submit
# fail with SQLite's own message and leave no file; `audit --verify` says the store is DAMAGED
# (PRAGMA quick_check). Opening tells apart a file that is not SQLite, an SQLite file that is not a
# store, and a store being written by another process (with who waits for how long). A store from a
# newer crtk is read but never written. The audit trail: entries removed with their head settings are
# BROKEN, and after entries are removed crtk refuses to append (which would bury the evidence);
# 200 `audit --verify` runs beside a writer give no false alarm.
# Environment (set by ctest): CRTK, CRTK_SOURCE.  Needs python3 (its sqlite3 module plays the forger).
set -uo pipefail

: "${CRTK:?set CRTK to the crtk binary}"
: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crtk-t61.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
run() { "$CRTK" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else fail "$2: exit $rc, expected $1"; cat "$TMP/out" "$TMP/err"; fi; }
expect_out() { if grep -qE -- "$1" "$TMP/out"; then ok; else fail "$2: stdout lacks /$1/"; cat "$TMP/out"; fi; }
expect_err() { if grep -qE -- "$1" "$TMP/err"; then ok; else fail "$2: stderr lacks /$1/"; cat "$TMP/err"; fi; }
py() { python3 -c "$@"; }
cd "$TMP" || exit 2

run init reg.db && run import reg.db "$CRTK_SOURCE/sample-data/sample-registry.xml"
expect_rc 0 "import the sample"

# ---- a damaged tumor page ----
cp reg.db dmg.db
py '
import sqlite3, sys
c = sqlite3.connect("dmg.db")
ps = c.execute("PRAGMA page_size").fetchone()[0]
try:
    pages = [r[0] for r in c.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno", ("tumor", "leaf"))]
except sqlite3.OperationalError:
    sys.exit(77)
c.close()
p = pages[len(pages) // 2]
with open("dmg.db", "r+b") as f:
    f.seek((p - 1) * ps)
    f.write(b"\xff" * 16)
'
case $? in
77) echo "skipped: this sqlite3 module has no dbstat" ;;
0)
    run export dmg.db -o d.xml
    expect_rc 2 "export of a damaged store"
    expect_err "damaged.*SQLite: database disk image is malformed" "export of a damaged store"
    if [ ! -e d.xml ] && [ -z "$(ls -A | grep '^\.d\.xml')" ]; then ok; else fail "export of a damaged store left a file"; fi
    run submit dmg.db -o s.xml
    expect_rc 2 "submit of a damaged store"
    if [ ! -e s.xml ]; then ok; else fail "submit of a damaged store left a file"; fi
    run audit dmg.db --verify
    expect_rc 1 "audit --verify of a damaged store"
    expect_out "store DAMAGED" "audit --verify of a damaged store"
    run audit reg.db --verify
    expect_rc 0 "audit --verify of a sound store"
    expect_out "store healthy" "audit --verify of a sound store"
    ;;
*) fail "could not damage the copy" ;;
esac

# ---- what is wrong with the file, in words ----
echo "just text" >notdb.db
run export notdb.db -o x.xml
expect_rc 2 "export of a text file"
expect_err "not a crtk registry store \(not an SQLite database" "export of a text file"
py 'import sqlite3; sqlite3.connect("other.db").execute("CREATE TABLE a(b)")'
run export other.db -o x.xml
expect_rc 2 "export of another SQLite database"
expect_err "not a crtk registry store \(an SQLite database without crtk's tables\)" "export of another SQLite database"

# another process holds the write lock: crtk says who waited, for how long, and how to wait longer
rm -f locked
py '
import sqlite3, time, os
c = sqlite3.connect("reg.db", isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
time.sleep(5)
c.execute("ROLLBACK")
' &
for _ in $(seq 100); do [ -e locked ] && break; sleep 0.1; done
CRTK_BUSY_TIMEOUT=0.3 "$CRTK" case set reg.db 00000001 nameLast=BUSY >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_rc 2 "case set while another process writes"
expect_err "another process is writing the store; crtk case set \(user [^)]*\) waited 0.3 s.*CRTK_BUSY_TIMEOUT" \
    "case set while another process writes"
wait

# ---- a store made by a newer crtk ----
cp reg.db newer.db
py 'import sqlite3; c = sqlite3.connect("newer.db"); c.execute("UPDATE crtk_setting SET value = ? WHERE key = ?", ("99", "schemaVersion")); c.commit()'
before=$(sha256sum newer.db | cut -d' ' -f1)
run import newer.db "$CRTK_SOURCE/sample-data/sample-registry.xml"
expect_rc 2 "import into a newer store"
expect_err "made by a newer crtk \(store schema 99" "import into a newer store"
run case set newer.db 00000001 nameLast=NEWER
expect_rc 2 "case set in a newer store"
if [ "$(sha256sum newer.db | cut -d' ' -f1)" = "$before" ]; then ok; else fail "a newer store was written"; fi
run export newer.db -o newer.xml
expect_rc 0 "export of a newer store (read-only)"
expect_err "opened read-only" "export of a newer store"

# ---- upgrade never drops a value silently ----
cp reg.db down.db
before=$(sha256sum down.db | cut -d' ' -f1)
run upgrade down.db --naaccr-version 21
expect_rc 2 "a downgrade that would drop values"
expect_err "DOWNGRADE \(NAACCR 260 -> 210\)" "a downgrade is announced"
expect_err "NAACCR 210 has no item for [0-9]+ values.*--drop-values" "a downgrade that would drop values"
if [ "$(sha256sum down.db | cut -d' ' -f1)" = "$before" ]; then ok; else fail "a refused upgrade changed the store"; fi
ndrop=$(sed -nE 's/.*has no item for ([0-9]+) values.*/\1/p' "$TMP/err")
run upgrade down.db --naaccr-version 21 --drop-values
expect_rc 0 "upgrade --drop-values"
expect_err "backup down\.db\.before-naaccr-210-" "upgrade --drop-values makes a backup"
bak=$(ls down.db.before-naaccr-210-*.bak 2>/dev/null | head -1)
if [ -n "$bak" ] && [ "$(py "import sqlite3; print(sqlite3.connect('$bak').execute(\"SELECT value FROM crtk_setting WHERE key='naaccrVersion'\").fetchone()[0])")" = 260 ]; then ok; else fail "no backup of the NAACCR 26 store"; fi
audited=$(py 'import sqlite3; print(sqlite3.connect("down.db").execute("SELECT count(*) FROM audit WHERE command = ? AND new_value IS NULL AND patient_id IS NOT NULL", ("upgrade",)).fetchone()[0])')
if [ -n "$ndrop" ] && [ "$audited" = "$ndrop" ]; then ok; else fail "dropped values audited: $audited, refused count said $ndrop"; fi

# ---- the audit trail ----
cp reg.db forged.db
py '
import sqlite3
c = sqlite3.connect("forged.db")
n = c.execute("SELECT max(id) FROM audit").fetchone()[0]
c.execute("DELETE FROM audit WHERE id > ?", (n - 3,))
c.execute("DELETE FROM crtk_setting WHERE key IN (?, ?)", ("auditHead", "auditCount"))
c.commit()'
run audit forged.db --verify
expect_rc 1 "trail truncated with its head settings removed"
expect_out "BROKEN" "trail truncated with its head settings removed"

cp reg.db trunc.db
py '
import sqlite3
c = sqlite3.connect("trunc.db")
n = c.execute("SELECT max(id) FROM audit").fetchone()[0]
c.execute("DELETE FROM audit WHERE id > ?", (n - 3,))
c.commit()'
before=$(sha256sum trunc.db | cut -d' ' -f1)
run case set trunc.db 00000001 nameLast=COVER
expect_rc 1 "a write after the trail was truncated"
expect_err "audit trail was changed outside crtk" "a write after the trail was truncated"
if [ "$(sha256sum trunc.db | cut -d' ' -f1)" = "$before" ]; then ok; else fail "a write was appended to a truncated trail"; fi
run audit trunc.db --verify
expect_rc 1 "truncated trail after the refused write"
expect_out "BROKEN" "truncated trail after the refused write"

# 200 verifications beside a writer: never a false alarm
cp reg.db busy.db
(for i in $(seq 60); do "$CRTK" case set busy.db 00000002 "nameFirst=W$i" >/dev/null 2>&1; done; touch writer-done) &
alarms=0 runs=0
for _ in $(seq 200); do
    "$CRTK" audit busy.db --verify >"$TMP/v" 2>&1
    r=$?
    runs=$((runs + 1))
    if [ "$r" -ne 0 ]; then alarms=$((alarms + 1)); [ "$alarms" -eq 1 ] && cat "$TMP/v"; fi
done
wait
if [ "$alarms" -eq 0 ]; then ok; else fail "$alarms of $runs audit --verify runs beside a writer raised an alarm"; fi
run audit busy.db --verify
expect_rc 0 "the written store verifies afterwards"

echo "t61-store-faults: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
