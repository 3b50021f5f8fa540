#!/bin/bash
# t35-store-fault-injection.sh — nothing is lost when SQLite fails in the middle of a write.
# The test-only LD_PRELOAD library tests/fault_shim.c (built beside the tests, never part of crtk)
# makes the Nth sqlite3_step of the crtk process fail with SQLITE_IOERR, or the COMMIT fail.  For
# import, follow-up posting (one patient and --from-csv), submission and case delete, N runs over
# every step the command makes (1, 2, ... until a run makes fewer than N steps and so succeeds),
# then the COMMIT is failed.  Every failed run must exit 2 with SQLite's message (the shim's
# "disk I/O error (injected fault)") and leave the store identical by `sqlite3 DB .dump` (and
# submission must leave no file); the run without a fault must succeed and change the store.
# Then every step of `crtk edits DB --metafile M.smf` fails in turn: exit 2, never a partial verdict;
# and every step of `crtk edits FILE` (P01's temporary database): exit 2, never a summary.
# Environment (set by ctest): CRTK, CRTK_SOURCE, CRTK_BUILD_DIR.
. "$(dirname "$0")/lib.sh" t35
# About 2,000 crtk runs; CRTK_FAULT_OPS="submit delete" runs only those operations (default: all).
# Registered in the normal build only (tests/CMakeLists.txt): the shim cannot be preloaded under ASan.
: "${CRTK_SOURCE:?}" "${CRTK_BUILD_DIR:?}"
SHIM=$CRTK_BUILD_DIR/tests/libcrtk_fault_shim.so
[ "${CRTK_SANITIZE:-}" != ON ] || skip "sanitizer build: the LD_PRELOAD fault shim cannot go before the sanitizer runtime"
[ -f "$SHIM" ] || skip "no $SHIM (built by tests/CMakeLists.txt unless CRTK_SANITIZE)"
need_program sqlite3 "comparing stores with sqlite3 .dump"
need_program python3 "cutting the sample"
cd "$TMP" || exit 2

# base store: sample patients 4..20; the import adds patients 1..3
python3 - "$CRTK_SOURCE/sample-data/sample-registry.xml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="iso-8859-1").read()
pats = list(re.finditer(r"<Patient>.*?</Patient>\s*", text, re.S))
head, tail = text[:pats[0].start()], text[pats[-1].end():]
def write(name, chosen):
    open(name, "w", encoding="iso-8859-1").write(head + "".join(p.group(0) for p in chosen) + tail)
write("base.xml", pats[3:20])
write("new.xml", pats[:3])
PY
run init base.db && run import base.db base.xml
expect_rc 0 "the base store"
sqlite3 base.db .dump >base.dump
cat >returned.csv <<'CSV'
patientIdNumber,date,vitalStatus,cancerStatus,source,causeOfDeath
00000007,2026-03-05,1,1,3,
00000008,2026-03-06,0,,07,C509
CSV

total_runs=0
# faulted NAME ARGS...: run the crtk command ARGS on a copy of base.db at every failure point
faulted() {
    local name=$1 n=1 steps injected
    shift
    while :; do
        cp base.db w.db && rm -f w.db-journal w.db-wal w.db-shm out.xml*
        CRTK_FAULT_STEP=$n CRTK_FAULT_REPORT=rep LD_PRELOAD=$SHIM "$CRTK" "$@" >"$TMP/out" 2>"$TMP/err"
        rc=$?
        total_runs=$((total_runs + 1))
        read -r steps injected <rep
        if [ "$injected" = 0 ]; then
            expect_rc 0 "$name without a fault"
            if sqlite3 w.db .dump | cmp -s - base.dump; then fail "$name without a fault changed nothing"; else ok; fi
            break
        fi
        check_failed "$name, step $n of the run ($(sed -n 2p rep | cut -c1-100))"
        n=$((n + 1))
    done
    echo "$name: $steps steps, each failed in turn ($((n - 1)) failing runs)"
    cp base.db w.db && rm -f w.db-journal w.db-wal w.db-shm out.xml*
    CRTK_FAULT_COMMIT=1 CRTK_FAULT_REPORT=rep LD_PRELOAD=$SHIM "$CRTK" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    total_runs=$((total_runs + 1))
    read -r steps injected <rep
    expect_eq "$injected" 1 "$name commits"
    check_failed "$name, COMMIT"
}
check_failed() {
    # After a submission is recorded (its COMMIT done) only the QA summary can fail: exit 1, the
    # submission file kept, no workbook (a text summary only when it was written whole, before the
    # workbook failed), the transmission in the store.
    if [ "$rc" -eq 1 ] && grep -q "only the QA summary failed" "$TMP/err"; then
        ok
        if grep -q "injected fault" "$TMP/err"; then ok; else fail "$1: stderr lacks SQLite's message"; cat "$TMP/err"; fi
        if [ -s out.xml ] && [ ! -e out.xml.qa.xlsx ]; then ok; else fail "$1: after the commit: $(ls out.xml* 2>/dev/null)"; fi
        if [ ! -e out.xml.qa.txt ] || grep -q "Audit chain head" out.xml.qa.txt; then ok; else fail "$1: a partial QA text"; fi
        if [ "$(sqlite3 w.db 'SELECT count(*) FROM crtk_transmission')" = 1 ]; then ok; else fail "$1: the transmission is not recorded"; fi
        return
    fi
    if [ "$rc" -eq 2 ]; then ok; else fail "$1: exit $rc, expected 2"; cat "$TMP/out" "$TMP/err"; fi
    if grep -q "injected fault" "$TMP/err"; then ok; else fail "$1: stderr lacks SQLite's message"; cat "$TMP/err"; fi
    if sqlite3 w.db .dump | cmp -s - base.dump; then ok; else fail "$1: the store changed"; fi
    if [ -z "$(ls out.xml* 2>/dev/null)" ]; then ok; else fail "$1: left $(ls out.xml*)"; fi
}

ops=${CRTK_FAULT_OPS:-import post csv submit delete}
for op in $ops; do
    case $op in
    import) faulted "import" import w.db new.xml ;;
    post) faulted "followup post" followup post w.db 00000005 --date 2026-03-10 --vital-status 1 --cancer-status 1 --source 2 ;;
    csv) faulted "followup post --from-csv" followup post w.db --from-csv returned.csv ;;
    submit) faulted "submit" submit w.db -o out.xml ;;
    delete) faulted "case delete" case delete w.db 00000006 --yes ;;
    esac
done
# ---- a read-only command on the state's metafile: a failed read of the metafile (its edits, sets,
# lookup tables) or of the store is an error, never a verdict with edits or rows missing ----
if [ -z "${CRTK_FAULT_OPS:-}" ] || [[ " $CRTK_FAULT_OPS " == *" metafile "* ]]; then
    python3 - m.smf <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE EE_Control (ItemName, ItemValue);
INSERT INTO EE_Control VALUES ('MFContentVersion', 'T35-1');
CREATE TABLE EE_Agencies (PKey INTEGER PRIMARY KEY, AdminCode, OrgName, LastModDate, Comments);
INSERT INTO EE_Agencies VALUES (1, 'T35', 'test', '', '');
CREATE TABLE EE_Messages (PKey INTEGER PRIMARY KEY, AgencyPKey, MessageNumber, Message, LastModDate);
INSERT INTO EE_Messages VALUES (1, 1, 7001, '%F1 (%V1) is not in SITES', '');
CREATE TABLE EE_Fields (PKey INTEGER PRIMARY KEY, AgencyPKey, FieldNumber, FieldName, LocalName, FieldLength, DataType, LastModDate, Comments);
INSERT INTO EE_Fields VALUES (1, 1, 400, 'Primary Site', '', 4, 'A', '', '');
CREATE TABLE EE_EditSets (PKey INTEGER PRIMARY KEY, AgencyPKey, EditSetTag, EditSetName, LastModDate, Description);
INSERT INTO EE_EditSets VALUES (1, 1, 'S1', 'Set', '', '');
CREATE TABLE EE_LookupTables (PKey INTEGER PRIMARY KEY, AgencyPKey, TableName, RecCount, LastModDate, Comments);
INSERT INTO EE_LookupTables VALUES (1, 1, 'SITES', 3, '', '');
CREATE TABLE SITES ([PKey] INTEGER PRIMARY KEY, [S] CHAR(4));
INSERT INTO SITES (S) VALUES ('C500'), ('C504'), ('C509');
CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, AgencyPKey, EditTag, EditName, MessagePKey, LastModDate, Description, EditLogic, AdminNotes);
INSERT INTO EE_Edits VALUES (1, 1, 'M1', 'Site in SITES (T35)', 1, '', '', 'if (LOOKUP(#S"Primary Site", "SITES.S")) return PASS; return FAIL;', '');
CREATE TABLE EE_EditFieldsPivot (EditPKey, FieldPKey, FieldOrder);
INSERT INTO EE_EditFieldsPivot VALUES (1, 1, 1);
CREATE TABLE EE_EditMessagesPivot (EditPKey, MessagePKey);
CREATE TABLE EE_EditTablesPivot (EditPKey, LookupTablePKey);
INSERT INTO EE_EditTablesPivot VALUES (1, 1);
CREATE TABLE EE_EditSetEditsPivot (EditSetPKey, EditPKey);
INSERT INTO EE_EditSetEditsPivot VALUES (1, 1);
""")
db.commit()
PY
    "$CRTK" edits base.db --metafile m.smf --set S1 >"$TMP/mf-ref" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -le 1 ] && grep -q "M1" "$TMP/mf-ref"; then ok; else fail "metafile edits without a fault (exit $rc)"; cat "$TMP/err"; fi
    n=1
    while :; do
        CRTK_FAULT_STEP=$n CRTK_FAULT_REPORT=rep LD_PRELOAD=$SHIM "$CRTK" edits base.db --metafile m.smf --set S1 >"$TMP/out" 2>"$TMP/err"
        rc=$?
        total_runs=$((total_runs + 1))
        read -r steps injected <rep
        [ "$injected" = 0 ] && break
        what="edits --metafile, step $n ($(sed -n 2p rep | cut -c1-80))"
        if [ "$rc" -eq 2 ]; then ok; else fail "$what: exit $rc, expected 2"; head -3 "$TMP/out" "$TMP/err"; fi
        if grep -q "injected fault" "$TMP/err"; then ok; else fail "$what: stderr lacks SQLite's message"; cat "$TMP/err"; fi
        n=$((n + 1))
    done
    echo "edits --metafile: $((n - 1)) steps, each failed in turn"
fi
# ---- edits on a file: P01 keeps the patients it has seen in a private temporary database; a failed
# step of it is an error (exit 2, SQLite's message, no summary), never a file that passes P01 ----
if [ -z "${CRTK_FAULT_OPS:-}" ] || [[ " $CRTK_FAULT_OPS " == *" file-edits "* ]]; then
    # the first patient of base.xml again at the end, born a year later: P01 fails once
    python3 - base.xml twice.xml <<'PY'
import re, sys
text = open(sys.argv[1], encoding="iso-8859-1").read()
pats = list(re.finditer(r"<Patient>.*?</Patient>\s*", text, re.S))
again = re.sub(r'(<Item naaccrId="dateOfBirth">)(\d{4})', lambda m: m.group(1) + str(int(m.group(2)) + 1), pats[0].group(0))
assert again != pats[0].group(0), "no dateOfBirth in the first patient"
end = pats[-1].end()
open(sys.argv[2], "w", encoding="iso-8859-1").write(text[:end] + again + text[end:])
PY
    "$CRTK" edits twice.xml --set hospital >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q "^  P01 " "$TMP/out"; then ok; else fail "file edits without a fault: exit $rc, P01 expected"; cat "$TMP/out" "$TMP/err" | tail -5; fi
    n=1
    while :; do
        CRTK_FAULT_STEP=$n CRTK_FAULT_REPORT=rep LD_PRELOAD=$SHIM "$CRTK" edits twice.xml --set hospital >"$TMP/out" 2>"$TMP/err"
        rc=$?
        total_runs=$((total_runs + 1))
        read -r steps injected <rep
        [ "$injected" = 0 ] && break
        what="edits on a file, step $n ($(sed -n 2p rep | cut -c1-80))"
        if [ "$rc" -eq 2 ]; then ok; else fail "$what: exit $rc, expected 2"; tail -3 "$TMP/out" "$TMP/err"; fi
        if grep -q "injected fault" "$TMP/err"; then ok; else fail "$what: stderr lacks SQLite's message"; cat "$TMP/err"; fi
        if grep -q "pass every edit" "$TMP/out"; then fail "$what: a summary after the failure"; else ok; fi
        n=$((n + 1))
    done
    if [ "$n" -gt 2 ]; then ok; else fail "edits on a file made $((n - 1)) SQLite steps: P01 kept nothing in its database?"; fi
    echo "edits on a file: $((n - 1)) steps, each failed in turn"
fi
echo "$total_runs faulted runs"
finish
