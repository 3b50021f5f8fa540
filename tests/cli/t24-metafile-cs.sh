#!/bin/bash
# t24-metafile-cs.sh — the Collaborative Stage DLL calls of metafiles (EXTERNALDLL("cstage.dll", ...))
# answered by crtk's CS algorithm: schema number and name, version, number of schemas, code validity,
# an edit failing on an invalid CS code, and other methods listed as skipped.
# Expected answers come from ../shared: the CS schema identification sample (site/histology/SSF25 ->
# schema id), the schemas of SEER's CS 02.05.50 zip (schema id -> number and name), the CS valid-input
# list (schema|input|code) and the reference's EXTERNALDLL vectors.  Exit 77 = skipped.
set -uo pipefail
: "${CRTK:?set CRTK to the crtk binary}"
SHARED=${CRTK_SHARED:-${CRTK_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}/../shared}
ST=$SHARED/staging
if [ ! -f "$ST/tests/cs-schema-identification-sample.csv.gz" ] || [ ! -f "$ST/algorithms/cs-02.05.50.zip" ]; then
    [ "${CI:-}" = true ] && { echo "FAIL: $ST absent"; exit 1; }
    echo "skip: $ST absent"; exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crtk-t23.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }

# One eval program with every call; python writes it and the expected var=value lines.
python3 - "$ST" "$TMP" <<'PY' || { echo "FAIL: building the cases"; exit 1; }
import csv, gzip, io, json, random, sys, zipfile
st, tmp = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(st + "/algorithms/cs-02.05.50.zip")
schemas = {}
for n in z.namelist():
    if n.startswith("schemas/") and n.endswith(".json"):
        d = json.loads(z.read(n))
        schemas[d["id"]] = d
by_name = {d["name"]: d for d in schemas.values()}
rnd = random.Random(2026)
decl, body, want = [], [], []
# schema selection: site, histology, SSF25 -> number (-1 when no single schema), then its name
rows = list(csv.DictReader(io.TextIOWrapper(gzip.open(st + "/tests/cs-schema-identification-sample.csv.gz"), encoding="utf-8")))
for i, r in enumerate(rnd.sample(rows, 60)):
    d = schemas.get(r["expected_schema_id"])
    num = d["schema_num"] if d else -1
    decl.append("int s%d; char n%d[41];" % (i, i))
    body.append('s%d = EXTERNALDLL("cstage.dll", "CStage_get_schema_number", "%s", "%s", "%s");' % (i, r["site"], r["hist"], r["ssf25"]))
    body.append('EXTERNALDLL("cstage.dll", "CStage_get_schema_name", s%d, n%d);' % (i, i))
    want += ["s%d=%d" % (i, num), "n%d=%s" % (i, d["name"] if d else "")]
# code validity: codes of the valid-input list, and codes absent from it, by the DLL's table numbers
TABLES = ["size", "extension", "extension_eval", "nodes", "nodes_eval", "nodes_pos", "nodes_exam", "mets", "mets_eval"] + ["ssf%d" % k for k in range(1, 26)]
valid = {}
for line in io.TextIOWrapper(gzip.open(st + "/tests/cs-valid-inputs.020550.txt.gz"), encoding="utf-8"):
    name, field, code = line.rstrip("\n").split("|")
    valid.setdefault((name, field), set()).add(code)
keys = sorted(k for k in valid if k[0] in by_name)
for i, (name, field) in enumerate(rnd.sample(keys, 60)):
    codes = valid[(name, field)]
    num = by_name[name]["schema_num"]
    table = TABLES.index(field) + 1
    good = rnd.choice(sorted(codes))
    width = len(good)
    bad = next(c for c in ("%0*d" % (width, rnd.randrange(10 ** width)) for _ in range(1000)) if c not in codes)
    decl.append("int v%d, x%d;" % (i, i))
    body.append('v%d = EXTERNALDLL("cstage0205.dll", "CStage_code_is_valid", %d, %d, 1, "%s");' % (i, num, table, good))
    body.append('x%d = EXTERNALDLL("cstage0205.dll", "CStage_code_is_valid", %d, %d, 1, "%s");' % (i, num, table, bad))
    want += ["v%d=1" % i, "x%d=0" % i]
open(tmp + "/prog.txt", "w").write("\n".join(decl + body) + "\nreturn PASS;\n")
open(tmp + "/want.txt", "w").write("\n".join(want) + "\n")
# the edit below: the schema of a C571/8000 tumor and a valid and an absent extension code
d = schemas["adnexa_uterine_other"]
ext = sorted(valid[(d["name"], "extension")])
absent = next("%03d" % k for k in range(1000) if "%03d" % k not in ext)
open(tmp + "/codes.txt", "w").write("%s %s\n" % (ext[0], absent))
PY
"$CRTK" metafile eval --today 20261204 "$(cat "$TMP/prog.txt")" >"$TMP/out" 2>"$TMP/err" || { fail "eval of the CS calls: $(head -3 "$TMP/err")"; }
missing=$(grep -vxF -f "$TMP/out" "$TMP/want.txt" | head -5)
if [ -z "$missing" ]; then ok; else fail "CS DLL answers differ from the reference: $missing"; fi
checks=$((checks + $(wc -l <"$TMP/want.txt") - 1))

# the reference's vectors: schema 150 is Lymphoma, 160 and -1 have no name; version and schema count
"$CRTK" metafile eval 'char a[31], b[31], c[31], v[7]; int n;
STRCPY(b, "x"); EXTERNALDLL("cstage.dll", "CStage_get_schema_name", 150, a); EXTERNALDLL("cstage.dll", "CStage_get_schema_name", 160, b);
EXTERNALDLL("cstage.dll", "CStage_get_schema_name", -1, c); EXTERNALDLL("cstage.dll", "CStage_get_version", v);
n = EXTERNALDLL("cstage.dll", "CStage_get_number_of_schemas");' >"$TMP/out" 2>&1
nschemas=$(unzip -l "$ST/algorithms/cs-02.05.50.zip" | grep -c ' schemas/.*\.json$')
for want in "a=Lymphoma" "b=" "c=" "v=020550" "n=$nschemas"; do
    if grep -qxF "$want" "$TMP/out"; then ok; else fail "vector $want: $(cat "$TMP/out")"; fi
done

# an edit over records: fails on an extension code the CS schema does not have; other methods skipped
read -r good bad <"$TMP/codes.txt"
SMF=$TMP/cs.smf
python3 - "$SMF" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE EE_Control (PKey INTEGER PRIMARY KEY, Name, Value);
INSERT INTO EE_Control (Name, Value) VALUES ('MetafileVersion', 'T23-1'), ('StructureVersion', '5.0');
CREATE TABLE EE_Agencies (PKey INTEGER PRIMARY KEY, AgencyCode, AgencyName, LastModDate);
INSERT INTO EE_Agencies VALUES (1, 'T', 'Test', '');
CREATE TABLE EE_Messages (PKey INTEGER PRIMARY KEY, AgencyPKey, MessageNumber, Message, LastModDate);
INSERT INTO EE_Messages VALUES (1, 1, 7001, '%F3 (%V3) is not valid for the CS schema', '');
CREATE TABLE EE_Fields (PKey INTEGER PRIMARY KEY, AgencyPKey, FieldNumber, FieldName, LocalName, FieldLength, DataType, LastModDate, Comments);
INSERT INTO EE_Fields VALUES (1, 1, 400, 'Primary Site', '', 4, 'A', '', ''), (2, 1, 522, 'Histologic Type ICD-O-3', '', 4, 'A', '', ''),
  (3, 1, 2810, 'CS Extension', '', 3, 'A', '', ''), (4, 1, 2879, 'CS Site-Specific Factor25', '', 3, 'A', '', '');
CREATE TABLE EE_EditSets (PKey INTEGER PRIMARY KEY, AgencyPKey, EditSetTag, EditSetName, LastModDate, Description);
INSERT INTO EE_EditSets VALUES (1, 1, 'S1', 'CS', '', '');
CREATE TABLE EE_LookupTables (PKey INTEGER PRIMARY KEY, AgencyPKey, TableName, RecCount, LastModDate, Comments);
CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, AgencyPKey, EditTag, EditName, MessagePKey, LastModDate, Description, EditLogic, AdminNotes);
INSERT INTO EE_Edits VALUES (1, 1, 'C1', 'CS Extension, Schema (CS)', 1, '', '',
  'int schema;' || char(10) ||
  'schema = EXTERNALDLL("cstage0205.dll", "CStage_get_schema_number", #S"Primary Site", #S"Histologic Type ICD-O-3", #S"CS Site-Specific Factor25");' || char(10) ||
  'if (schema < 0) return PASS;' || char(10) ||
  'if (EXTERNALDLL("cstage0205.dll", "CStage_code_is_valid", schema, 2, 1, #S"CS Extension") == 0) return FAIL;' || char(10) ||
  'return PASS;', '');
INSERT INTO EE_Edits VALUES (2, 1, 'C2', 'Calculates (CS)', 1, '', '', 'return EXTERNALDLL("cstage.dll", "CStage_calculate", 1);', '');
CREATE TABLE EE_EditFieldsPivot (EditPKey, FieldPKey, FieldOrder);
INSERT INTO EE_EditFieldsPivot VALUES (1, 1, 1), (1, 2, 2), (1, 3, 3), (1, 4, 4), (2, 1, 1);
CREATE TABLE EE_EditMessagesPivot (EditPKey, MessagePKey);
INSERT INTO EE_EditMessagesPivot VALUES (1, 1), (2, 1);
CREATE TABLE EE_EditTablesPivot (EditPKey, LookupTablePKey);
CREATE TABLE EE_EditSetEditsPivot (EditSetPKey, EditPKey);
INSERT INTO EE_EditSetEditsPivot VALUES (1, 1), (1, 2);
""")
db.commit()
PY
cat >"$TMP/in.xml" <<XML
<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" recordType="A" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">
  <Patient><Item naaccrId="patientIdNumber">00000001</Item>
    <Tumor><Item naaccrId="primarySite">C571</Item><Item naaccrId="histologicTypeIcdO3">8000</Item><Item naaccrId="csExtension">$good</Item><Item naaccrId="csSiteSpecificFactor25">988</Item></Tumor>
    <Tumor><Item naaccrId="primarySite">C571</Item><Item naaccrId="histologicTypeIcdO3">8000</Item><Item naaccrId="csExtension">$bad</Item><Item naaccrId="csSiteSpecificFactor25">988</Item></Tumor>
  </Patient>
</NaaccrData>
XML
"$CRTK" edits "$TMP/in.xml" --metafile "$SMF" --today 20261204 >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc -eq 1 ]; then ok; else fail "edits: exit $rc, expected 1 (a failure)"; cat "$TMP/out" "$TMP/err"; fi
if grep -q "tumor 2: C1 .*CS Extension ($bad) is not valid" "$TMP/out"; then ok; else fail "C1 fails on extension $bad: $(cat "$TMP/out")"; fi
if grep -q "tumor 1: C1" "$TMP/out"; then fail "C1 passes extension $good"; else ok; fi
if grep -q 'skipped C2: calls EXTERNALDLL("cstage.dll", "CStage_calculate"), which crtk does not answer' "$TMP/err"; then ok; else fail "C2 listed as skipped: $(cat "$TMP/err")"; fi
if grep -q "skipped C1" "$TMP/err"; then fail "C1 (CS DLL) was skipped"; else ok; fi

echo "t24-metafile-cs: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
