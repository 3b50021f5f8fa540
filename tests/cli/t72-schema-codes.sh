#!/bin/bash
# t72-schema-codes.sh — schema-aware coding (issue 11): `crtk codes ITEM --schema S` lists the codes of
# the schema's input table, checked against SEER's JSON in ../shared/staging (read here by python);
# the schema edits SCH01-SCH03 refuse codes the table lacks (ER summary, Grade Clinical Q, Summary
# Stage 2018 = 6) on `crtk case set` and `crtk edits`; `crtk case show` prints the schema and meanings.
. "$(dirname "$0")/lib.sh" t72
need_shared
ZIP="$CRTK_SHARED/staging/algorithms/eod_public-3.3.zip"
[ -f "$ZIP" ] || skip "no $ZIP"

# The reference: the breast schema's input tables, straight from SEER's zip.
python3 - "$ZIP" "$TMP" <<'PY' || fail "reading the reference zip"
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); out = sys.argv[2]
s = json.loads(z.read("schemas/breast.json"))
for naaccr in ("estrogenReceptorSummary", "gradeClinical", "summaryStage2018"):
    inp = [i for i in s["inputs"] if i.get("naaccr_xml_id") == naaccr][0]
    t = json.loads(z.read("tables/%s.json" % inp["table"]))
    ci = [c["type"] for c in t["definition"]].index("INPUT")
    di = [c["type"] for c in t["definition"]].index("DESCRIPTION")
    rows = t["rows"]
    with open("%s/%s.ref" % (out, naaccr), "w") as f:
        f.write("%d\n%s\n%s\n%s\n" % (len(rows), rows[0][ci], rows[-1][ci], rows[1][di].split("\n")[0].replace("**", "")))  # shown without Markdown's bold markers
    codes = {r[ci] for r in rows}
    with open("%s/%s.codes" % (out, naaccr), "w") as f:
        f.write("\n".join(sorted(codes)) + "\n")
PY

# --- crtk codes ITEM --schema: the rows of the JSON table, with their meanings
for item in estrogenReceptorSummary gradeClinical summaryStage2018; do
    { read -r n; read -r first; read -r last; read -r meaning2; } <"$TMP/$item.ref"
    run codes "$item" --schema breast --format json
    expect_rc 0 "codes $item --schema breast"
    expect_eq "$(wc -l <"$TMP/out")" "$n" "$item: number of codes"
    expect_eq "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["code"])' "$TMP/out")" "$first" "$item: first code"
    expect_eq "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["code"])' "$TMP/out")" "$last" "$item: last code"
    expect_eq "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[1])["label"].split("\n")[0])' "$TMP/out")" "$meaning2" "$item: meaning of the second code"
done
# SEER's Markdown: "**In situ, intraepithelial, noninvasive**" reads without its asterisks
run codes summaryStage2018 --schema anus
expect_out "^0 +In situ, intraepithelial, noninvasive *$" "a code's heading without Markdown"
expect_no_out '\*\*' "no Markdown bold markers"
run codes estrogenReceptorSummary --schema BREAST
expect_rc 0 "the display name, any case"
expect_out "^# estrogenReceptorSummary for schema breast \(Breast\)" "heading names the schema"
run codes estrogenReceptorSummary --schema nosuchschema
expect_rc 2 "unknown schema"
expect_err "no schema \"nosuchschema\"" "unknown schema named"
run codes estrogenReceptorSummary --schema lung
expect_rc 1 "an item the schema does not use"
expect_err "schema lung \(Lung.*\) has no input estrogenReceptorSummary" "input missing named"

# --- a valid and an invalid ER code, per the reference table
valid_er=$(grep -m1 -E '^[0-9]$' "$TMP/estrogenReceptorSummary.codes")
invalid_er=$(for c in 0 1 2 3 4 5 6 7 8 9; do grep -qx "$c" "$TMP/estrogenReceptorSummary.codes" || { echo "$c"; break; }; done)
grep -qx Q "$TMP/gradeClinical.codes" && fail "reference: Q is a breast clinical grade?"
grep -qx 6 "$TMP/summaryStage2018.codes" && fail "reference: 6 is a breast SS2018 code?"
[ -n "$valid_er" ] && [ -n "$invalid_er" ] || fail "reference codes ($valid_er/$invalid_er)"

run init "$TMP/r.db"
run case new "$TMP/r.db" patientIdNumber=00000072 sexAssignedAtBirth=2 dateOfBirth=19600515 primarySite=C504 \
    histologicTypeIcdO3=8500 behaviorCodeIcdO3=3 dateOfDiagnosis=20210310 "estrogenReceptorSummary=$valid_er"
expect_rc 1 "case new (saved; exit 1 because required items are still blank)"
expect_no_out "SCH01" "a valid ER code passes"
run case set "$TMP/r.db" 00000072/1 "estrogenReceptorSummary=$invalid_er"
expect_out "SCH01 .*estrogenReceptorSummary \"$invalid_er\" is not a code of schema breast \(Breast\): crtk codes estrogenReceptorSummary --schema breast lists them" "invalid ER reported at once, with where to find the codes"
run case set "$TMP/r.db" 00000072/1 gradeClinical=Q
expect_out "SCH01 .*gradeClinical \"Q\" is not a code of schema breast" "grade clinical Q refused"
# (SCH03 judges only when the EOD inputs are coded: 100/000/00 derives Summary Stage 1)
run case set "$TMP/r.db" 00000072/1 summaryStage2018=6 eodPrimaryTumor=100 eodRegionalNodes=000 eodMets=00 gradePathological=9
expect_out "SCH01 .*summaryStage2018 \"6\" is not a code of schema breast" "SS2018 6 refused"
expect_out "SCH03 .*Summary Stage 2018 \"6\" differs" "SS2018 6 inconsistent with the derived stage"
run case set "$TMP/r.db" 00000072/1 "estrogenReceptorSummary=$valid_er" gradeClinical=9 summaryStage2018= eodPrimaryTumor= eodRegionalNodes= eodMets= gradePathological=
expect_no_out "SCH01" "valid codes again pass"

# --- AJCC TNM categories: "banana" is not one; a T category of the AJCC's form is
run case set "$TMP/r.db" 00000072/1 ajccTnmClinT=banana
expect_out "SCH05 .*ajccTnmClinT \"banana\" is not an AJCC category" "AJCC T banana refused"
run case set "$TMP/r.db" 00000072/1 ajccTnmClinT=cT1c
expect_no_out "SCH05" "AJCC T cT1c accepted"

# --- case show: the schema and the meaning of each value in it
run case show "$TMP/r.db" 00000072
expect_out "Staging schema breast \(Breast\), EOD 3\.3" "case show names the schema"
mean=$(python3 - "$ZIP" "$valid_er" <<'PY'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
t = json.loads(z.read("tables/er_summary_44166.json"))
print([r[1] for r in t["rows"] if r[0] == sys.argv[2]][0].split("\n")[0])
PY
)
if grep -qF "estrogenReceptorSummary          $valid_er           $mean" "$TMP/out"; then ok; else fail "ER meaning '$mean' in case show"; cat "$TMP/out"; fi

# --- crtk edits on a file: the same edits (hospital set), required-for-staging items named
run export "$TMP/r.db" -o "$TMP/x.xml"
run case set "$TMP/r.db" 00000072/1 gradeClinical=Q
run export "$TMP/r.db" -o "$TMP/y.xml"
run edits "$TMP/y.xml" --set hospital
expect_out "SCH01 Valid code for the schema \[gradeClinical\]" "crtk edits: grade Q"
expect_out "SCH02 .*eodPrimaryTumor is blank: schema breast \(Breast\) needs it" "required for staging: EOD primary tumor"
# a diagnosis before 2018 is not judged by EOD schemas
run case set "$TMP/r.db" 00000072/1 dateOfDiagnosis=20150310
run export "$TMP/r.db" -o "$TMP/z.xml"
run edits "$TMP/z.xml" --set hospital
expect_no_out "SCH0" "2015 diagnosis: no schema edits"
# --- site-specific surgery (2023+: 4-character codes), against the manual's XML
SURG="$CRTK_SHARED/codes/surgery/site-specific-surgery-tables-2023.xml"
if have_reference "$SURG"; then
    python3 - "$SURG" >"$TMP/surg.ref" <<'PY'
import re, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
t = [t for t in root.findall("surgery-table") if t.get("title") == "Breast"][0]
rows = [r for r in t.findall("row") if (r.findtext("code") or "").strip()]
def clean(s): return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s or "")).strip()
r = rows[len(rows) // 2]
print(len(rows)); print(rows[0].findtext("code").strip()); print(rows[-1].findtext("code").strip())
print(r.findtext("code").strip()); print(clean(r.findtext("description")))
PY
    { read -r n; read -r first; read -r last; read -r code; read -r meaning; } <"$TMP/surg.ref"
    run codes rxSummSurgPrimSite2023 --site C504 --year 2023 --format json
    expect_rc 0 "surgery codes of breast 2023"
    expect_eq "$(wc -l <"$TMP/out")" "$n" "surgery: number of breast codes"
    expect_eq "$(head -1 "$TMP/out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')" "$first" "surgery: first"
    expect_eq "$(tail -1 "$TMP/out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')" "$last" "surgery: last"
    run case set "$TMP/r.db" 00000072/1 dateOfDiagnosis=20230310 rxSummSurgPrimSite2023=ZZZZ
    expect_out "SCH04 .*rxSummSurgPrimSite2023 \"ZZZZ\" is not a code of the Breast table of the 2023 coding manual" "surgery ZZZZ refused"
    run case set "$TMP/r.db" 00000072/1 "rxSummSurgPrimSite2023=$code"
    expect_no_out "SCH04" "a breast 2023 code from the XML accepted"
    run case show "$TMP/r.db" 00000072
    expect_out "rxSummSurgPrimSite2023 +$code +$(printf '%s' "$meaning" | sed 's/[][\\.*^$()+?{}|]/\\&/g')" "case show: the surgery meaning from the XML"
    run codes rxSummSurgPrimSite2023 --store "$TMP/r.db" --tumor 00000072/1
    expect_out "^# the tumor's value: \"$code\" \(a code of this table\)" "codes --tumor: the tumor's surgery value"
    run case set "$TMP/r.db" 00000072/1 dateOfDiagnosis=20150310 rxSummSurgPrimSite2023=
fi

# items read by the schema edits are no longer unchecked
run edits --list --unchecked --set hospital
expect_no_out "unchecked +estrogenReceptorSummary" "ER summary checked"
finish
