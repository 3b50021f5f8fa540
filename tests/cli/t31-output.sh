#!/bin/bash
# t31-output.sh — no output can destroy the store, and no failed write leaves a partial file.
# Runs every command that writes a file the way a careless user would: -o naming the store, a
# symbolic link or hard link to it, its -wal; then with write failures injected into the output
# module (CRTK_TEST_OUTPUT_FAIL, see include/crtk/output.h) and, where the machine allows mount, on
# a real 256 KiB tmpfs; checks that the store is byte-identical and the directory holds no partial
# output or temporary file; standard output on /dev/full; submit when only the QA summary fails.
# Environment (set by ctest): CRTK, CRTK_SOURCE.
set -uo pipefail

: "${CRTK:?set CRTK to the crtk binary}"
: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crtk-t60.XXXXXX")
MNT=""
cleanup() { [ -n "$MNT" ] && umount "$MNT" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }
run() { "$CRTK" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else fail "$2: exit $rc, expected $1"; cat "$TMP/out" "$TMP/err"; fi; }
expect_err() { if grep -qE -- "$1" "$TMP/err"; then ok; else fail "$2: stderr lacks /$1/"; cat "$TMP/err"; fi; }
SAMPLE="$CRTK_SOURCE/sample-data/sample-registry.xml"

W="$TMP/w"
mkdir "$W"
cd "$W" || exit 2
run init reg.db && run import reg.db "$SAMPLE"
expect_rc 0 "import the sample"
sum_before=$(sha256sum reg.db | cut -d' ' -f1)
store_same() {
    if [ "$(sha256sum reg.db | cut -d' ' -f1)" = "$sum_before" ]; then ok; else fail "$1: the store changed"; fi
}
# Only the store (and SQLite's own -wal/-shm) may be in the directory.
dir_clean() {
    local extra
    extra=$(ls -A | grep -vE '^reg\.db(-wal|-shm)?$|^link|^hard' || true)
    if [ -z "$extra" ]; then ok; else fail "$1: left behind: $extra"; fi
}

# ---- the store is never an output ----
ln -s reg.db link.xml
ln -s reg.db link.xlsx
ln -s reg.db-wal link-wal.xml
ln reg.db hard.xml
for cmd in "report site-table reg.db -o reg.db" "report site-table reg.db -o link.xlsx" \
           "export reg.db -o reg.db" "export reg.db -o link.xml" "export reg.db -o hard.xml" \
           "export reg.db -o reg.db-wal" "export reg.db -o link-wal.xml" "export reg.db -o reg.db-shm" \
           "submit reg.db -o link.xml" "followup due reg.db -o reg.db" "followup due reg.db --format xlsx -o reg.db" \
           "followup rate reg.db --format xlsx -o reg.db" "followup letters reg.db -o reg.db" \
           "edits reg.db -o reg.db" "edits reg.db --format xlsx -o link.xlsx" \
           "convert $SAMPLE reg.db" "convert $SAMPLE link.xml"; do
    # shellcheck disable=SC2086
    run $cmd
    expect_rc 2 "$cmd"
    expect_err "refusing to write an output over|name the output|the name says db" "$cmd" # (newer commands refuse the name first)
    store_same "$cmd"
done
rm -f link-wal.xml
dir_clean "refused outputs"

# ---- write failures leave nothing behind (injected into the output module) ----
writers=("export reg.db -o e.xml" "export reg.db -o e.xml.gz" "convert $SAMPLE c.xml"
         "followup letters reg.db -o l.pdf" "edits reg.db -o ed.csv" "edits reg.db --format xlsx -o ed.xlsx"
         "followup due reg.db -o d.csv" "followup due reg.db --format xlsx -o d.xlsx"
         "followup rate reg.db --format xlsx -o r.xlsx" "report site-table reg.db -o s.xlsx"
         "submit reg.db -o sub.xml")
for mode in write:1000 sync rename; do
    for cmd in "${writers[@]}"; do
        # shellcheck disable=SC2086
        CRTK_TEST_OUTPUT_FAIL=$mode "$CRTK" $cmd >"$TMP/out" 2>"$TMP/err"
        rc=$?
        expect_rc 2 "$cmd with $mode failing"
        expect_err "cannot (write|put the file in place)" "$cmd with $mode failing"
        dir_clean "$cmd with $mode failing"
        store_same "$cmd with $mode failing"
    done
done

# An old output survives a failed rewrite unchanged.
run export reg.db -o keep.xml
expect_rc 0 "export keep.xml"
keep=$(sha256sum keep.xml | cut -d' ' -f1)
chmod 644 keep.xml
CRTK_TEST_OUTPUT_FAIL=write:5000 "$CRTK" export reg.db -o keep.xml >/dev/null 2>&1
if [ "$(sha256sum keep.xml | cut -d' ' -f1)" = "$keep" ]; then ok; else fail "a failed export changed the old file"; fi
run export reg.db -o keep.xml
if [ "$(stat -c %a keep.xml)" = 600 ]; then ok; else fail "an overwritten 0644 file is $(stat -c %a keep.xml), not 600"; fi
rm -f keep.xml

# ---- standard output ----
if [ -w /dev/full ]; then
    "$CRTK" sql reg.db "SELECT count(*) FROM tumor" >/dev/full 2>"$TMP/err"
    rc=$?
    expect_rc 2 "crtk sql > /dev/full"
    expect_err "standard output: cannot write" "crtk sql > /dev/full"
    "$CRTK" export reg.db -o - >/dev/full 2>"$TMP/err"
    rc=$?
    expect_rc 2 "crtk export -o - > /dev/full"
else
    echo "skipped: no /dev/full"
fi

# ---- submit: the file is recorded; only the QA summary fails ----
mkdir sub.xml.qa.txt # the QA summary cannot be written over a directory
run submit reg.db -o sub.xml
expect_rc 1 "submit with an unwritable QA summary"
expect_err "sent and recorded \(transmission [0-9]+\); only the QA summary failed" "submit QA failure"
if [ -s sub.xml ]; then ok; else fail "the submission file is missing"; fi
run submit reg.db --history
if grep -q sub.xml "$TMP/out"; then ok; else fail "the transmission was not recorded"; cat "$TMP/out"; fi
rmdir sub.xml.qa.txt
rm -f sub.xml*

# ---- a real full disk (a small tmpfs), where the machine allows mount ----
if [ "$(id -u)" = 0 ] && mkdir "$TMP/mnt" && mount -t tmpfs -o size=256k tmpfs "$TMP/mnt" 2>/dev/null; then
    MNT="$TMP/mnt"
    dd if=/dev/zero of="$MNT/filler" bs=1k count=248 status=none 2>/dev/null # leave a few KiB free
    for cmd in "export $W/reg.db -o $MNT/full.xml" "report site-table $W/reg.db -o $MNT/full.xlsx" \
               "convert $SAMPLE $MNT/full.xml"; do
        # shellcheck disable=SC2086
        run $cmd
        expect_rc 2 "$cmd on a full tmpfs"
        expect_err "No space left on device|cannot write" "$cmd on a full tmpfs"
        left=$(ls -A "$MNT" | grep -v '^filler$')
        if [ -z "$left" ]; then ok; else fail "$cmd on a full tmpfs left: $left"; fi
    done
else
    echo "skipped: the real full-disk test needs root and mount (tmpfs)"
fi

echo "t31-output: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
