#!/bin/bash
# t23-metafile-store.sh — a store's state metafile (`crtk metafile use`) outside `crtk edits`:
# `crtk submit` runs it (its recorded edit set) and refuses above --max-error-rate on its failures,
# the QA summary (text and xlsx) names the metafile, its version (EE_Control) and the set; a
# metafile changed since it was recorded is refused; `crtk serve` shows its failures on the abstract
# form after a save and in the live check; `crtk edits --metafile --format xlsx` fills the Summary
# sheet.  Uses the example metafile of $CRTK_SHARED/edits-metafile (its expected.csv gives the
# verdicts the counts are checked against).
. "$(dirname "$0")/lib.sh" t23
need_shared
REF=$CRTK_SHARED/edits-metafile/example
[ -f "$REF/crtk-example.smf" ] || skip "reference metafile $REF/crtk-example.smf is absent"
SRC=${CRTK_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
export CRTK_TODAY=20261204
cp "$REF/crtk-example.smf" "$TMP/state.smf"
DB=$TMP/r.db
run init "$DB" --naaccr-version 25; expect_rc 0 "init"
run import "$DB" "$REF/input.xml" --force; expect_rc 0 "import the example input"

summary_of() { # the Summary sheet of an xlsx as "EDIT=FAILURES ..." and its note
    rm -rf "$TMP/xa" && mkdir -p "$TMP/xa" && (cd "$TMP/xa" && unzip -q -o "$1") || { echo "no zip"; return; }
    python3 - "$(grep -l "Edits summary" "$TMP"/xa/xl/worksheets/sheet*.xml | head -1)" <<'EOF2'
import re, sys
xml = open(sys.argv[1]).read()
got = {}
for row in re.findall(r"<row [^>]*>(.*?)</row>", xml):
    cells = re.findall(r'<c r="([A-Z]+)\d+"[^>]*>(?:<is><t[^>]*>(.*?)</t></is>|<v>(.*?)</v>)</c>', row)
    d = {c: (t or v) for c, t, v in cells}
    if re.fullmatch(r"X\d{4}", d.get("A", "")):
        got[d["A"]] = int(float(d["D"]))
print(" ".join("%s=%d" % kv for kv in sorted(got.items())))
m = re.search(r"(Every edit[^<]*|Failing and over-ridden[^<]*)", xml)
print(m.group(1) if m else "no note")
EOF2
}
expected_failures() { # failures per edit in expected.csv (one FAIL row per failure) of the records starting with $1
    python3 - "$REF/expected.csv" "$1" <<'EOF2'
import csv, sys
want = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["record_id"].startswith(sys.argv[2]):
        want[r["edit_tag"]] = want.get(r["edit_tag"], 0) + r["result"].upper().startswith("FAIL")
print(" ".join("%s=%d" % kv for kv in sorted(want.items()) if kv[1]))
EOF2
}

# ---- xlsx: the Summary sheet of a metafile run (counts from expected.csv) ------------------------
run edits "$REF/input.xml" --metafile "$TMP/state.smf" --format xlsx -o "$TMP/x.xlsx"
expect_rc 1 "edits --metafile to xlsx (failures found)"
mkdir -p "$TMP/xl" && (cd "$TMP/xl" && unzip -q -o ../x.xlsx) || fail "the xlsx unzips"
sheet=$(grep -l "Edits summary" "$TMP"/xl/xl/worksheets/sheet*.xml | head -1)
if [ -n "$sheet" ]; then ok; else fail "the workbook has a Summary sheet"; sheet=/dev/null; fi
want_all=$(expected_failures "")
summary_of "$TMP/x.xlsx" >"$TMP/sum"
[ -n "$want_all" ] && [ "$(head -1 "$TMP/sum")" = "$want_all" ] && ok \
    || { fail "Summary sheet per-edit failures = expected.csv"; echo "want $want_all"; cat "$TMP/sum"; }
grep -q "state.smf version CRTK-EXAMPLE-1, edit set all" "$sheet" && ok || fail "Summary sheet names the metafile and version"
grep -q "Tumors checked" "$sheet" && ok || fail "Summary sheet has the tumor counts"
grep -q "Failing and over-ridden edits only" "$sheet" && ok || fail "Summary sheet says it lists the failing edits only"

# ---- --all-edits: every edit that ran, those that passed with 0 --------------------------------------
# patient 00000010 of the example: by expected.csv its tumor 2 fails X0002 alone and tumor 1 passes
want_p10=$(python3 -c "
import csv
rows=[r for r in csv.DictReader(open('$REF/expected.csv')) if r['record_id'].startswith('00000010-')]
want={}
for r in rows: want[r['edit_tag']]=want.get(r['edit_tag'],0)+r['result'].upper().startswith('FAIL')
print(' '.join('%s=%d'%kv for kv in sorted(want.items())))")
run edits "$DB" --metafile "$TMP/state.smf" --where "patientIdNumber = '00000010'" --format xlsx -o "$TMP/p10.xlsx" --all-edits
expect_rc 1 "edits --all-edits on a store to xlsx (X0002 fails)"
summary_of "$TMP/p10.xlsx" >"$TMP/sum"
[ "$(head -1 "$TMP/sum")" = "$want_p10" ] && ok || { fail "--all-edits: the Summary lists all 18 edits, the passing ones with 0"; echo "want $want_p10"; cat "$TMP/sum"; }
grep -q "^Every edit that ran (18)" "$TMP/sum" && ok || fail "--all-edits: the sheet says it lists every edit"
run edits "$DB" --metafile "$TMP/state.smf" --where "patientIdNumber = '00000010'" --format xlsx -o "$TMP/p10f.xlsx"
summary_of "$TMP/p10f.xlsx" >"$TMP/sum"
[ "$(head -1 "$TMP/sum")" = "X0002=1" ] && ok || { fail "without --all-edits the Summary lists the failing edit only"; cat "$TMP/sum"; }
grep -q "^Failing and over-ridden edits only (1 of the 18 that ran" "$TMP/sum" && ok || fail "the sheet says it lists the failing edits only"
# text and JSON summaries: a passing edit is listed with 0 only when asked
run edits "$DB" --metafile "$TMP/state.smf" --where "patientIdNumber = '00000010'"
expect_out "^  X0002 +1 " "text summary lists the failing edit"
expect_no_out "^  X0001 +0 " "text summary leaves the passing edits out unasked"
run edits "$DB" --metafile "$TMP/state.smf" --where "patientIdNumber = '00000010'" --all-edits
expect_out "^  X0001 +0 " "--all-edits: text summary lists passing edit X0001 with 0"
[ "$(grep -cE '^  X[0-9]{4} ' "$TMP/out")" = 18 ] && ok || fail "--all-edits: text summary lists 18 edits"
run edits "$DB" --metafile "$TMP/state.smf" --where "patientIdNumber = '00000010'" --all-edits --format json
expect_out '"edit":"X0001",.*"failures":0' "--all-edits: JSON summary lists X0001 with 0"
# crtk's own edits take it too
run edits "$DB" --where "patientIdNumber = '00000010'" --all-edits
n_all=$(grep -cE '^  [A-Za-z0-9_.-]+ +[0-9]+  ' "$TMP/out")
run edits "$DB" --where "patientIdNumber = '00000010'"
n_fail=$(grep -cE '^  [A-Za-z0-9_.-]+ +[0-9]+  ' "$TMP/out")
[ "$n_all" -gt "$n_fail" ] && [ "$n_all" -gt 50 ] && ok || fail "crtk edits --all-edits lists every edit ($n_all lines) not only the failing ($n_fail)"

# ---- submit: the recorded metafile runs, above the rate it refuses ---------------------------------
run metafile use "$DB" "$TMP/state.smf" --set E1; expect_rc 0 "metafile use --set E1"
# --set none: crtk's own edits off, so every failure counted comes from the metafile
run submit "$DB" -o "$TMP/s1.xml" --set none --max-error-rate 5 --show-failures 0
expect_rc 1 "submit refuses on the metafile's failures above --max-error-rate"
expect_err "REFUSED: .* fail at least one edit of metafile state.smf version CRTK-EXAMPLE-1 set E1" "the refusal names the metafile"
[ ! -e "$TMP/s1.xml" ] && ok || fail "a refused submission leaves no file"
QA=$TMP/s1.xml.qa.txt
grep -qE "^State metafile +state.smf$" "$QA" && ok || fail "QA summary names the metafile"; 
grep -qE "^Metafile version +CRTK-EXAMPLE-1$" "$QA" && ok || fail "QA summary names the metafile's version"
grep -qE "^Metafile edit set +E1 " "$QA" && ok || fail "QA summary names the edit set"
grep -qE "^Metafile SHA-256 +$(sha256sum "$TMP/state.smf" | cut -c1-64)$" "$QA" && ok || fail "QA summary gives the metafile's SHA-256"
grep -qE "^  X0009 +[1-9][0-9]* +Name--Last" "$QA" && ok || fail "QA summary counts the metafile edit X0009"
grep -qE "^  [0-9]+ +1 +X0009 " "$QA" && ok || fail "QA summary lists a failing case of X0009"
if [ -f "$TMP/s1.xml.qa.xlsx" ]; then
    rm -rf "$TMP/qx" && mkdir "$TMP/qx" && (cd "$TMP/qx" && unzip -q -o ../s1.xml.qa.xlsx)
    cat "$TMP"/qx/xl/worksheets/*.xml "$TMP"/qx/xl/sharedStrings.xml 2>/dev/null >"$TMP/qx.all"
    grep -q "CRTK-EXAMPLE-1" "$TMP/qx.all" && grep -q "state.smf" "$TMP/qx.all" && ok \
        || fail "QA workbook names the metafile and version"
fi
# within the rate: sent, and the transmission names the metafile
run submit "$DB" -o "$TMP/s2.xml" --set none --max-error-rate 100
expect_rc 0 "submit within the rate"
run submit "$DB" --history --format json
expect_out '"editSet":"metafile state.smf version CRTK-EXAMPLE-1 set E1"' "the transmission records the metafile run"

# ---- a metafile changed since `metafile use`: refused, clearly -------------------------------------
printf 'x' >>"$TMP/state.smf"
run submit "$DB" -o "$TMP/s3.xml" --since all
expect_rc 2 "submit refuses a metafile whose SHA-256 changed"
expect_err "changed since it was recorded .*crtk metafile use" "the refusal says why and what to do"
[ ! -e "$TMP/s3.xml" ] && ok || fail "no file written after the SHA-256 refusal"
cp "$REF/crtk-example.smf" "$TMP/state.smf"

# ---- crtk serve: a save shows the metafile's failures; the live check lists them -------------------
if have_program python3 "serve checks"; then
    echo "abstract-pass-1" | "$CRTK" user add "$DB" abby --role abstractor >/dev/null 2>&1 \
        || echo "abstract-pass-1" | "$CRTK" user add "$DB" abby --role admin >/dev/null
    "$CRTK" serve "$DB" --listen 127.0.0.1:0 >"$TMP/serve.out" 2>&1 &
    SERVER_PID=$!
    URL=
    for _ in $(seq 50); do
        URL=$(sed -n 's/^crtk serve: \(http[^ ]*\).*/\1/p' "$TMP/serve.out")
        [ -n "$URL" ] && break
        sleep 0.1
    done
    if [ -z "$URL" ]; then fail "crtk serve starts"; cat "$TMP/serve.out"; fi
    PATIENT=$(sql "$DB" "SELECT patientIdNumber FROM patient ORDER BY id LIMIT 1")
    python3 - "$URL" "$PATIENT" "$TMP/state.smf" >"$TMP/web" 2>&1 <<'EOF'
import http.client, re, sys, urllib.parse
URL = urllib.parse.urlsplit(sys.argv[1]); PAT = sys.argv[2]; SMF = sys.argv[3]
def req(method, path, body=None, cookie=None):
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=30)
    h = {}
    if cookie: h["Cookie"] = cookie
    if body is not None:
        body = urllib.parse.urlencode(body); h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse(); data = r.read().decode("utf-8", "replace"); c.close()
    return r, data
def cookies(r):
    return {v.split("=", 1)[0]: v.split("=", 1)[1].split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie"}
r, page = req("GET", "/login")
tok = re.search(r'name=csrf_token value="([0-9a-f]+)"', page).group(1)
r, _ = req("POST", "/login", {"username": "abby", "password": "abstract-pass-1", "csrf_token": tok},
           cookie="crtk_login=" + cookies(r)["crtk_login"])
cookie = "crtk_session=" + cookies(r)["crtk_session"]
_, page = req("GET", "/patients", cookie=cookie)
csrf = re.search(r'name=csrf_token value="([0-9a-f]+)"', page).group(1)
fails = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: fails.append(what)
form = f"/patients/{PAT}/tumors/1"
# a last name of one letter fails the metafile's X0009 (STRLEN < 2) and no crtk edit reads it so
r, _ = req("POST", form, {"nameLast": "Q", "csrf_token": csrf}, cookie=cookie)
check(r.status in (200, 303), f"save answered {r.status}")
_, page = req("GET", form, cookie=cookie)
check(re.search(r'data-edit-id="?X0009', page) is not None, "the form lists the metafile edit X0009 after the save")
check("Name--Last (Q) is not valid" in page or "(state edit)" in page, "the metafile's message is shown")
r, js = req("POST", form + "/check", {"nameLast": "QQ", "csrf_token": csrf}, cookie=cookie)
check('"id":"X0009"' not in js, "live check: a valid last name clears X0009")
r, js = req("POST", form + "/check", {"nameLast": "q", "csrf_token": csrf}, cookie=cookie)
check('"id":"X0009"' in js, "live check: X0009 fails as the registrar types")
# the metafile changed behind the registry's back: not run, and the form says why
open(SMF, "ab").write(b"x")
_, page = req("GET", form, cookie=cookie)
check("changed since it was recorded" in page, "a changed metafile is refused on the form")
check(re.search(r'data-edit-id="?X0009', page) is None, "and its edits do not run")
sys.exit(1 if fails else 0)
EOF
    if [ $? -eq 0 ]; then ok; else fail "serve: metafile edits on the abstract form"; cat "$TMP/web"; fi
    kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
    if grep -qE "Sanitizer|runtime error|CRITICAL" "$TMP/serve.out"; then fail "serve log clean"; cat "$TMP/serve.out"; else ok; fi
fi
finish
