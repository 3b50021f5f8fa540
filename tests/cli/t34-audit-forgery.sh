#!/bin/bash
# t34-audit-forgery.sh — nothing forged passes `crtk audit --verify` (issue 10; docs/store.md, threat model).
# A store is written by every kind of crtk write (import, case new/add-tumor/set/edit/delete, follow-up,
# submission, staging --save, NAACCR upgrade) and verifies intact; then each forgery, made with python3's
# sqlite3 module as an attacker with the sqlite3 shell would, is BROKEN with exit 1 and a message naming
# what is wrong: (a) a value changed (also with the row's digest recomputed); a row deleted; a row added;
# (b) the trail truncated with its head settings deleted (also the whole trail); (c) a truncation, or a
# forged value, followed by an ordinary crtk write, which refuses to write; (d) an entry changed and the
# whole chain rehashed by the documented rule (docs/store.md), which `--verify` alone cannot see and
# `--verify --against` a checkpoint does, also with a keyed (HMAC) checkpoint file.  A store made by
# crtk before row digests (tests/data/store-schema1.db.gz) verifies by the old rule, is brought forward
# by a write, and verifies by the new one.
# Environment (set by ctest): CRTK, CRTK_SOURCE.  Needs python3 (its sqlite3 module plays the forger).
. "$(dirname "$0")/lib.sh" t34
: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
need_program python3 "the forger (python3's sqlite3 module)"
cd "$TMP" || exit 2
export EDITOR=true
sqls() { python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$@"; }

verify_intact() { # verify_intact DB MSG
    run audit "$1" --verify
    expect_rc 0 "$2"
    expect_out "audit trail intact: [0-9]+ entries, [0-9]+ rows match their digests" "$2 (rows covered)"
}
verify_broken() { # verify_broken DB REGEX MSG [ARGS...]
    local db=$1 re=$2 msg=$3
    shift 3
    run audit "$db" --verify "$@"
    expect_rc 1 "$msg"
    expect_out "audit trail BROKEN: .*$re" "$msg (names what is wrong)"
}

# ---- every kind of crtk write, then no false alarm ----
run init reg.db --naaccr-version 25 && run import reg.db "$CRTK_SOURCE/sample-data/sample-registry.xml"
expect_rc 0 "import the sample"
run import reg.db "$CRTK_SOURCE/sample-data/sample-registry.xml"
expect_rc 0 "import it again (all matched)"
run case new reg.db patientIdNumber=90000001 nameLast=NEWCASE dateOfBirth=19600101 sex=2 primarySite=C509
expect_rc 0 "case new"
run case add-tumor reg.db 90000001 primarySite=C180
expect_rc 0 "case add-tumor"
run case set reg.db 00000001 nameLast=CHANGED
expect_rc 0 "case set"
EDITOR="sed -i s/C180/C181/" run case edit reg.db 90000001/2
expect_rc 0 "case edit"
run case delete reg.db 90000001/1 --yes
expect_rc 0 "case delete a tumor"
run case delete reg.db 00000005 --yes
expect_rc 0 "case delete a patient"
run followup post reg.db 00000002 --date 2026-03-10 --vital-status 1 --force
expect_rc 0 "followup post"
run stage reg.db --save -u t34
expect_rc 0 "stage --save"
run submit reg.db -o sub.xml --force
[ -s sub.xml ] && ok || { fail "submit wrote nothing"; cat "$TMP/err"; }
# the QA summary carries the chain's head after the submission (an anchor outside the store)
grep -q "^Audit chain head *$(sql reg.db "SELECT value FROM crtk_setting WHERE key = 'auditHead'") (entry $(sql reg.db "SELECT value FROM crtk_setting WHERE key = 'auditCount'"))" sub.xml.qa.txt \
    && ok || { fail "QA summary lacks the chain head"; grep -i audit sub.xml.qa.txt; }
verify_intact reg.db "after every kind of write"
cp reg.db pre26.db
run upgrade reg.db --naaccr-version 26
expect_rc 0 "NAACCR upgrade"
verify_intact reg.db "after the NAACCR upgrade"
n_patients=$(sql reg.db "SELECT count(*) FROM patient")
n_tumors=$(sql reg.db "SELECT count(*) FROM tumor")
expect_out "$((n_patients + n_tumors)) rows match" "every row was checked"
# the digest column is written by every write: none is missing
expect_eq "$(sql reg.db "SELECT (SELECT count(*) FROM patient WHERE crtk_digest IS NULL) + (SELECT count(*) FROM tumor WHERE crtk_digest IS NULL)")" 0 "every row has its digest"

# ---- (a) a value changed outside crtk ----
cp reg.db a.db
sql a.db "UPDATE patient SET nameLast = 'FORGED' WHERE patientIdNumber = '00000002'" >/dev/null
verify_broken a.db "patient row [0-9]+ \(patientIdNumber 00000002\): its values do not match its digest" "(a) value changed"
# ... and with the row's digest recomputed by the documented rule: the trail still says otherwise
cat >rowdigest.py <<'EOF'
import sqlite3, sys, hashlib
def f(v):
    if v is None: return b"\xff" * 8
    if not isinstance(v, bytes): v = str(v).encode()
    return len(v).to_bytes(8, "big") + v
def leb(n):
    out = b""
    while n >= 0x80: out += bytes([(n & 0x7f) | 0x80]); n >>= 7
    return out + bytes([n])
def row_digest(c, table, rowid):
    cur = c.execute(f"SELECT * FROM {table} WHERE id = ?", (rowid,))
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone()))
    cols = sorted((n for n in names if n not in ("id", "patient_id", "crtk_digest")), key=lambda s: s.encode())
    sig = hashlib.blake2b(b"".join(f(n) for n in cols), digest_size=32).hexdigest()
    data = f("crtk-row/2") + f(table) + (f(row["patient_id"]) if table == "tumor" else b"") + f(sig)
    for k, n in enumerate(cols):
        if row[n] is not None:
            v = str(row[n]).encode()
            data += k.to_bytes(2, "big") + leb(len(v)) + v
    return hashlib.blake2b(data, digest_size=32).hexdigest()
c = sqlite3.connect(sys.argv[1])
table, rowid = sys.argv[2], int(sys.argv[3])
print(row_digest(c, table, rowid))
if len(sys.argv) > 4:
    c.execute(f"UPDATE {table} SET crtk_digest = ? WHERE id = ?", (row_digest(c, table, rowid), rowid)); c.commit()
EOF
pid2=$(sql reg.db "SELECT id FROM patient WHERE patientIdNumber = '00000002'")
# the documented rule gives the digest crtk stored
expect_eq "$(python3 rowdigest.py reg.db patient "$pid2")" "$(sql reg.db "SELECT crtk_digest FROM patient WHERE id = $pid2")" "row digest by the documented rule"
python3 rowdigest.py a.db patient "$pid2" save >/dev/null
verify_broken a.db "patient row $pid2 \(patientIdNumber 00000002\): its values are not those the audit trail recorded \(entry [0-9]+\)" "(a) value and digest forged"
# a crtk write to the forged row refuses: it would absorb the forgery
run case set a.db 00000002 nameFirst=ANY
expect_rc 1 "(a) a write to a forged row"
expect_err "patient row $pid2 \(patientIdNumber 00000002\) was changed outside crtk.*nothing was written" "(a) refusal names the row"
verify_broken a.db "patient row $pid2" "(a) still detected after the refused write"
# a NAACCR upgrade (which gives every row a new digest) refuses too
cp pre26.db a25.db
sql a25.db "UPDATE patient SET nameLast = 'FORGED' WHERE id = $pid2" >/dev/null
run upgrade a25.db --naaccr-version 26
expect_rc 2 "(a) upgrade of a forged store (exit 2, as every failed upgrade)"
expect_err "patient row $pid2 .*changed outside crtk" "(a) upgrade refusal names the row"

# ---- a row deleted, a row added outside crtk ----
cp reg.db del.db
tid=$(sql reg.db "SELECT max(id) FROM tumor")
sql del.db "DELETE FROM tumor WHERE id = $tid" >/dev/null
verify_broken del.db "tumor row $tid \(patientIdNumber [0-9]+\) is missing: entry [0-9]+ recorded it and no entry deleted it" "row deleted"
cp reg.db add.db
sql add.db "INSERT INTO patient(patientIdNumber, nameLast) VALUES ('66666666', 'GHOST')" >/dev/null
verify_broken add.db "patient row [0-9]+ \(patientIdNumber 66666666\) is not in the audit trail" "row added"

# ---- (b) the trail truncated, its head settings deleted ----
cp reg.db b.db
last=$(sql b.db "SELECT max(id) FROM audit")
sqls b.db "DELETE FROM audit WHERE id > $((last - 5)); DELETE FROM crtk_setting WHERE key IN ('auditHead', 'auditCount')" >/dev/null
verify_broken b.db "head of the chain \(settings auditHead and auditCount\) was removed" "(b) truncated, head removed"
cp reg.db b2.db
sqls b2.db "DELETE FROM audit; DELETE FROM crtk_setting WHERE key IN ('auditHead', 'auditCount')" >/dev/null
verify_broken b2.db "the audit trail is empty" "(b) whole trail removed"
# truncated and the head settings rewritten to the new end: the rows still tell
cp reg.db b3.db
sqls b3.db "DELETE FROM audit WHERE id > (SELECT max(id) FROM audit WHERE item = 'naaccrVersion');
           UPDATE crtk_setting SET value = (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) WHERE key = 'auditHead';
           UPDATE crtk_setting SET value = (SELECT count(*) FROM audit) WHERE key = 'auditCount'" >/dev/null
verify_broken b3.db "(not in the audit trail|not those the audit trail recorded)" "(b) truncated, head rewritten"

# ---- (c) a truncation followed by an ordinary crtk write ----
for f in b b2 b3; do
    cp $f.db c.db
    run case set c.db 00000001 nameFirst=AFTER
    expect_rc 1 "(c) write after truncation ($f)"
    expect_err "(changed outside crtk|audit trail)" "(c) refusal says why ($f)"
    run audit c.db --verify
    expect_rc 1 "(c) evidence kept ($f)"
done

# ---- (d) an entry changed and the chain rehashed by the documented rule, behind a checkpoint ----
cp reg.db d.db
run audit d.db --checkpoint
expect_rc 0 "checkpoint"
expect_out "checkpoint appended to d.db.checkpoints" "checkpoint names its file"
expect_eq "$(stat -c %a d.db.checkpoints)" 600 "checkpoint file owner-only"
head -c 32 /dev/urandom >key && chmod 600 key
run audit d.db --checkpoint keyed.checkpoints --key key
expect_rc 0 "keyed checkpoint"
run case set d.db 00000003 nameFirst=AFTERCHECKPOINT
run audit d.db --checkpoint
expect_lines 1 "second checkpoint"
expect_eq "$(wc -l <d.db.checkpoints)" 2 "checkpoints are appended"
run audit d.db --verify --against d.db.checkpoints
expect_rc 0 "intact against its checkpoints"
expect_out "2 checkpoints matched" "both checkpoints matched"
run audit d.db --verify --against keyed.checkpoints --key key
expect_rc 0 "intact against the keyed checkpoint"
cat >rehash.py <<'EOF'
# Rewrites entry N's new_value and recomputes every hash from N on by docs/store.md's rule (version 2).
import sqlite3, sys, hashlib
def f(v):
    if v is None: return b"\xff" * 8
    if not isinstance(v, bytes): v = str(v).encode()
    return len(v).to_bytes(8, "big") + v
c = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
c.execute("UPDATE audit SET new_value = ? WHERE id = ?", (sys.argv[3], n))
prev = c.execute("SELECT hash FROM audit WHERE id = ?", (n - 1,)).fetchone()[0]
for r in c.execute("SELECT id, at, user, command, patient_id, tumor_id, patient_key, item, old_value, new_value, row_digest "
                   "FROM audit WHERE id >= ? ORDER BY id", (n,)).fetchall():
    h = hashlib.blake2b(f("crtk-audit/2") + f(prev) + b"".join(f(v) for v in r), digest_size=32).hexdigest()
    c.execute("UPDATE audit SET hash = ? WHERE id = ?", (h, r[0])); prev = h
c.execute("UPDATE crtk_setting SET value = ? WHERE key = 'auditHead'", (prev,))
c.commit()
EOF
entry=$(sql d.db "SELECT id FROM audit WHERE item = 'nameLast' AND new_value = 'CHANGED'")
python3 rehash.py d.db "$entry" INNOCENT
# the rule in docs/store.md is the one crtk follows: without an anchor the rewrite is not seen
run audit d.db --verify
expect_rc 0 "(d) a full rehash passes --verify alone (the documented limit)"
verify_broken d.db "entry [0-9]+ is not the one checkpointed at .*d.db.checkpoints line 1\).*rewritten at or before" \
    "(d) full rehash against the checkpoint" --against d.db.checkpoints
verify_broken d.db "entry [0-9]+ is not the one checkpointed at .*keyed.checkpoints line 1" \
    "(d) full rehash against the keyed checkpoint" --against keyed.checkpoints --key key
# a checkpoint file rewritten to match: the key tells
new_head=$(sql d.db "SELECT hash FROM audit WHERE id = $(cut -d' ' -f3 keyed.checkpoints)")
sed "s/ [0-9a-f]\{64\} / $new_head /" keyed.checkpoints >k2 && cat k2 >keyed.checkpoints
verify_broken d.db "keyed.checkpoints line 1 .*HMAC does not match" "(d) keyed checkpoint file rewritten" \
    --against keyed.checkpoints --key key
# a checkpoint refuses a broken trail
run audit a.db --checkpoint
expect_rc 1 "checkpoint of a broken trail"
[ ! -e a.db.checkpoints ] && ok || fail "a broken trail was checkpointed"

# ---- a store made before row digests ----
gunzip -c "$CRTK_SOURCE/tests/data/store-schema1.db.gz" >old.db && chmod 600 old.db
expect_eq "$(sql old.db "SELECT value FROM crtk_setting WHERE key = 'schemaVersion'")" 1 "the fixture is schema 1"
run audit old.db --verify
expect_rc 0 "old store verifies by the old rule"
expect_out "audit trail intact: 188 entries$" "old store: every old entry checked"
expect_out "rows not checked: the store predates row digests" "old store: says rows are not covered"
cp old.db oldbad.db
sql oldbad.db "UPDATE audit SET new_value = 'X' WHERE id = 100" >/dev/null
run audit oldbad.db --verify
expect_rc 1 "old store: a changed old entry is found by the old rule"
expect_out "entry 100 was changed" "old store: names the entry"
run case set old.db 00000001 nameFirst=FORWARD
expect_rc 0 "a write brings the old store forward"
expect_err "adding row digests" "the upgrade is announced"
expect_eq "$(sql old.db "SELECT value FROM crtk_setting WHERE key = 'schemaVersion'")" 2 "schema 2 now"
expect_eq "$(sql old.db "SELECT id FROM audit WHERE item = 'auditChain'")" 189 "the new chain starts after the old entries"
verify_intact old.db "old store after the upgrade (old part by the old rule, new part by the new)"
sql old.db "UPDATE tumor SET primarySite = 'C999' WHERE id = 1" >/dev/null
verify_broken old.db "tumor row 1 \(patientIdNumber 00000001\): its values do not match its digest" "upgraded store: value forgery found"
cp reg.db mark.db
sql mark.db "UPDATE audit SET item = 'x' WHERE item = 'auditChain'" >/dev/null
verify_broken mark.db "entry 1 was changed" "the chain marker cannot be removed"
finish
