#!/bin/bash
# t51-report.sh — `crtk report` as a registrar would run it for the cancer committee: every report
# on generated data, each workbook read back (python3 zipfile) with totals compared against plain
# SQL counts, opened by LibreOffice (converted to PDF) when it is installed, --list, the
# selection options, suppression, and usage errors.
# Environment (set by ctest): CRTK, CRTK_SOURCE, CRTK_GENERATE.  Needs python3.
. "$(dirname "$0")/lib.sh" t51

: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
need_program python3 "reading JSON, SQLite and ZIP output"
# cell SHEET_INDEX LABEL COLUMN: the value in COLUMN of the first row whose column A is LABEL
cell() {
    python3 - "$@" <<'PY'
import re, sys, zipfile
path, sheet, label, col = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
z = zipfile.ZipFile(path)
strings = []
if "xl/sharedStrings.xml" in z.namelist():
    sst = z.read("xl/sharedStrings.xml").decode()
    for si in re.findall(r"<si>(.*?)</si>", sst, re.S):
        t = "".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S))
        strings.append(t.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&"))
xml = z.read("xl/worksheets/sheet%d.xml" % sheet).decode()
cells = {}
for m in re.finditer(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S):
    c, r, attrs, body = m.group(1), int(m.group(2)), m.group(3), m.group(4) or ""
    v = re.search(r"<v>(.*?)</v>", body)
    if not v:
        continue
    val = strings[int(v.group(1))] if 't="s"' in attrs else v.group(1)
    cells[(c, r)] = val
rows = sorted(r for (c, r), v in cells.items() if c == "A" and v == label)
print(cells.get((col, rows[0]), "") if rows else "NOROW")
PY
}

DB="$TMP/reg.db"
DATA="$CRTK_SOURCE/sample-data/sample-registry.xml"
if [ -n "${CRTK_GENERATE:-}" ] && [ -x "$CRTK_GENERATE" ]; then
    "$CRTK_GENERATE" --seed 3 --patients 2000 --naaccr-version 26 --quiet -o "$TMP/gen.xml" && DATA="$TMP/gen.xml"
fi
run init "$DB" --registry-name "Test Registry" --reference-date 20150101
expect_rc 0 "init"
run import "$DB" "$DATA"
expect_rc 0 "import"
TUMORS=$(sql "$DB" "SELECT count(*) FROM tumor")

run report --list
expect_rc 0 "--list"
for r in site-table stage trends age followup quality survival; do expect_out "^$r " "--list names $r"; done
run report --list --format json
expect_eq "$(grep -c '"description"' "$TMP/out")" 7 "--list json"

for r in site-table stage trends age followup quality survival; do
    run report "$r" "$DB" -o "$TMP/$r.xlsx" --as-of 20260630
    expect_rc 0 "report $r"
    python3 -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; assert "xl/worksheets/sheet1.xml" in z.namelist()' "$TMP/$r.xlsx" \
        && ok || fail "$r.xlsx is a readable workbook"
done

# totals against plain SQL
expect_eq "$(cell "$TMP/site-table.xlsx" 1 "All sites" B)" "$TUMORS" "site-table: all sites"
expect_eq "$(cell "$TMP/site-table.xlsx" 1 "All sites" F)" "$(sql "$DB" "SELECT count(*) FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE p.sexAssignedAtBirth = '1'")" "site-table: males"
expect_eq "$(cell "$TMP/site-table.xlsx" 1 "All sites" D)" "$(sql "$DB" "SELECT count(*) FROM tumor WHERE classOfCase IN ('00','10','11','12','13','14','20','21','22')")" "site-table: analytic"
expect_eq "$(cell "$TMP/site-table.xlsx" 1 "Breast" B)" "$(sql "$DB" "SELECT count(*) FROM tumor WHERE primarySite LIKE 'C50%' AND NOT (histologicTypeIcdO3 BETWEEN '9050' AND '9055' OR histologicTypeIcdO3 = '9140' OR histologicTypeIcdO3 BETWEEN '9590' AND '9993') AND behaviorCodeIcdO3 IN ('2','3')")" "site-table: breast"
expect_eq "$(cell "$TMP/stage.xlsx" 1 "All sites" F)" "$(sql "$DB" "SELECT count(*) FROM tumor WHERE classOfCase IN ('00','10','11','12','13','14','20','21','22') AND coalesce(summaryStage2018, derivedSummaryStage2018, seerSummaryStage2000, derivedSs2000) = '7'")" "stage: distant (analytic cases, the default)"
Y=$(sql "$DB" "SELECT substr(dateOfDiagnosis,1,4) FROM tumor GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
expect_eq "$(cell "$TMP/trends.xlsx" 1 "$Y" B)" "$(sql "$DB" "SELECT count(*) FROM tumor WHERE substr(dateOfDiagnosis,1,4) = '$Y'")" "trends: year $Y"
expect_eq "$(cell "$TMP/age.xlsx" 1 "All ages" B)" "$TUMORS" "age: all"
expect_eq "$(cell "$TMP/age.xlsx" 1 "85+ years" B)" "$(sql "$DB" "SELECT count(*) FROM tumor WHERE CAST(ageAtDiagnosis AS INTEGER) BETWEEN 85 AND 120")" "age: 85+"
expect_eq "$(cell "$TMP/quality.xlsx" 1 "Death-certificate-only cases" B)" "$(sql "$DB" "SELECT count(*) FROM tumor WHERE typeOfReportingSource = '7'")" "quality: DCO"
expect_eq "$(cell "$TMP/quality.xlsx" 1 "Race missing or unknown" B)" "$(sql "$DB" "SELECT count(*) FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE p.race1 IS NULL OR p.race1 = '99'")" "quality: race"
expect_eq "$(cell "$TMP/survival.xlsx" 1 "All sites" C | grep -c .)" 1 "survival: all sites row"
# the follow-up rates by year start at the first year with an eligible patient (the sample's first
# analytic diagnoses are years after the default reference date, 2005), and the heading says which
SDB=$TMP/sample.db
run init "$SDB"
run import "$SDB" "$CRTK_SOURCE/sample-data/sample-registry.xml"
run report followup "$SDB" -o "$TMP/fs.xlsx" --as-of 20260630
expect_rc 0 "followup report of the sample"
FY=$(sql "$SDB" "SELECT min(substr(dateOfDiagnosis,1,4)) FROM tumor WHERE classOfCase IN ('00','10','11','12','13','14','20','21','22')")
[ "$FY" -gt 2005 ] && ok || fail "the sample's first analytic year ($FY) is after 2005 (the case to check)"
HY=$(unzip -p "$TMP/fs.xlsx" xl/sharedStrings.xml | grep -o "no eligible patient diagnosed before [0-9]*" | grep -o "[0-9]*$")
[ -n "$HY" ] && [ "$HY" -ge "$FY" ] && ok || fail "followup: the heading says which years are left out ('$HY', first analytic year $FY)"
expect_eq "$(cell "$TMP/fs.xlsx" 1 "2005" B)" "NOROW" "followup: no empty row for 2005"
expect_eq "$(cell "$TMP/fs.xlsx" 1 "$((HY - 1))" B)" "NOROW" "followup: no row before the first eligible year"
expect_eq "$(cell "$TMP/fs.xlsx" 1 "$HY" B | grep -c '^[1-9]')" 1 "followup: the first year's row, with its patients"
unzip -p "$TMP/fs.xlsx" xl/sharedStrings.xml | grep -q "Selection: the patients of the follow-up cohorts" && ok \
    || fail "followup: the selection line names its cohorts, not 'all tumors'"

# the quality report's tables by year, site, facility and class: a lone hidden count in a column
# would be its total minus the others (the generated data has one facility with 23 tumors: at 30,
# a count hidden alone unless another is hidden with it)
run report quality "$DB" -o "$TMP/q30.xlsx" --suppress-below 30 --set none
expect_rc 0 "quality report with suppression"
python3 - "$TMP/q30.xlsx" <<'PY' && ok || fail "quality: no hidden count can be worked out from a total"
import re, sys, zipfile
# every group sheet of a quality workbook: in the Patients and Tumors columns (rows and the Total
# row, which is their sum for tumors) no hidden cell is alone: one hidden cell of a sum is its total
# minus the shown cells
z = zipfile.ZipFile(sys.argv[1])
sst = []
if "xl/sharedStrings.xml" in z.namelist():
    sst = [re.sub(r"<[^>]+>", "", x) for x in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
bad = []
hidden_total = 0
for k, name in enumerate(names):
    if not name.startswith("By "):
        continue
    xml = z.read("xl/worksheets/sheet%d.xml" % (k + 1)).decode()
    cells = {}
    for c, r, attrs, body in re.findall(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S):
        v = re.search(r"<v>(.*?)</v>", body or "")
        t = re.search(r"<t[^>]*>(.*?)</t>", body or "")
        cells[(c, int(r))] = sst[int(v.group(1))] if v and 't="s"' in attrs else (v.group(1) if v else (t.group(1) if t else ""))
    head = min(r for (c, r), v in cells.items() if c == "B" and v == "Patients")
    total = min(r for (c, r), v in cells.items() if c == "A" and v == "Total")
    for col in "BC":
        vals = [cells.get((col, r), "") for r in range(head + 1, total + 1)]
        hidden = sum(1 for v in vals if not re.fullmatch(r"[0-9]+", v))
        hidden_total += hidden
        if col == "C" or "counted in each" not in " ".join(cells.values()):
            if hidden == 1:
                bad.append((name, col, vals))
assert hidden_total > 0, "nothing hidden: the case to check is missing"
if bad:
    sys.exit("a hidden count can be worked out: %s" % bad)
PY

# selection and suppression
run report site-table "$DB" -o "$TMP/sel.xlsx" --years 2020-2022 --where "t.behaviorCodeIcdO3 = '3'" --suppress-below 16
expect_rc 0 "selection"
expect_eq "$(cell "$TMP/sel.xlsx" 1 "All sites" B)" "$(sql "$DB" "SELECT count(*) FROM tumor WHERE substr(dateOfDiagnosis,1,4) BETWEEN '2020' AND '2022' AND behaviorCodeIcdO3 = '3'")" "selection total"
python3 - "$TMP/sel.xlsx" <<'PY' && ok || fail "suppressed cells show <16 and no count 1-15 is left"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sst = z.read("xl/sharedStrings.xml").decode()
strings = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r"<si>(.*?)</si>", sst, re.S)]
xml = z.read("xl/worksheets/sheet1.xml").decode()
hidden = 0
for m in re.finditer(r'<c r="([A-Z]+)(\d+)"([^>]*?)>(.*?)</c>', xml, re.S):
    col, row, attrs, body = m.groups()
    v = re.search(r"<v>(.*?)</v>", body)
    if not v or int(row) < 8 or col in ("A", "C"):
        continue
    if 't="s"' in attrs:
        hidden += strings[int(v.group(1))] == "&lt;16"
    else:
        n = float(v.group(1))
        assert n == 0 or n >= 16, (col, row, n)
assert hidden > 0
PY

# LibreOffice opens them (when installed)
if have_program soffice "opening the workbooks in LibreOffice"; then
    (cd "$TMP" && timeout 300 soffice --headless -env:UserInstallation=file://$TMP/lo --convert-to pdf --outdir "$TMP/pdf" \
        site-table.xlsx stage.xlsx trends.xlsx age.xlsx followup.xlsx quality.xlsx survival.xlsx >/dev/null 2>&1)
    for r in site-table stage trends age followup quality survival; do
        [ -s "$TMP/pdf/$r.pdf" ] && ok || fail "LibreOffice converts $r.xlsx"
    done
fi

# usage errors
run report followup "$DB" -o "$TMP/fy.xlsx" --years 2020
expect_rc 2 "the follow-up report's cohorts are fixed: --years is refused, not shown as a selection"
expect_err "cohorts.*--where and --years do not apply" "says why"
[ ! -e "$TMP/fy.xlsx" ] && ok || fail "nothing written"
run report followup "$DB" -o "$TMP/fy.xlsx" --where "primarySite = 'C509'"
expect_rc 2 "--where refused for the follow-up report"
# usage errors
run report nosuch "$DB" -o "$TMP/x.xlsx"
expect_rc 2 "unknown report"
expect_err "no report named nosuch" "unknown report message"
run report age "$DB" -o "$TMP/x.xlsx" --years 2022-2020
expect_rc 2 "bad years"
run report age "$DB" -o "$TMP/x.xlsx" --where "1); DELETE FROM tumor; SELECT (1"
expect_rc 2 "writing SQL refused"
expect_eq "$(sql "$DB" "SELECT count(*) FROM tumor")" "$TUMORS" "store unchanged"
[ ! -e "$TMP/x.xlsx" ] && ok || fail "no workbook after an error"
run report age "$DB"
expect_rc 2 "missing -o"

finish
