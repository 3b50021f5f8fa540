#!/bin/bash
# t53-print.sh — every workbook prints cleanly: each one crtk writes (the seven reports, age,
# trends, followup and survival with small counts suppressed; followup due and rate --format xlsx; the edits workbook; the export and sql listings)
# is printed to PDF by LibreOffice, and the PDF is read back (pdftotext, pdfinfo) as a registrar
# would read the paper: long site-group names and the due list's status words whole (not cut off
# by the next cell), a footer on every page with the registry name, the date and "Page N of M",
# the header row repeated on later pages, the orientation and the number of pages.
# The store is the sample data plus four patients: a benign brain tumor ("Brain, CNS Other and
# Intracranial Gland (Benign and Borderline)", the longest SEER Site Recode 2023 name), a
# myelodysplastic syndrome, a non-analytic case and an in-situ skin carcinoma (both excluded from
# follow-up).  Today is fixed with CRTK_TODAY=20260315.
# Environment (set by ctest): CRTK, CRTK_SOURCE.  Needs python3, LibreOffice (soffice) and
# poppler-utils (pdftotext, pdfinfo); tools/dev/install-deps.sh installs them.
. "$(dirname "$0")/lib.sh" t53

: "${CRTK_SOURCE:?set CRTK_SOURCE to the source tree}"
need_program python3 "reading the PDF text"
need_program soffice "printing the workbooks to PDF (LibreOffice)"
need_program pdftotext "reading the printed text"
need_program pdfinfo "counting the printed pages"
export CRTK_TODAY=20260315
REG="Lakeside Cancer Registry"
DATE="As of 2026-03-15"
cd "$TMP" || exit 2

item() { printf '<Item naaccrId="%s">%s</Item>' "$1" "$2"; }
patient() { # id last first sex dlc; then tumor lines
    printf '<Patient>%s%s%s%s%s%s%s\n' "$(item patientIdNumber "$1")" "$(item nameLast "$2")" "$(item nameFirst "$3")" \
        "$(item sexAssignedAtBirth "$4")" "$(item dateOfBirth 19500101)" "$(item dateOfLastContact "$5")" "$(item vitalStatus 1)"
}
tumor() { # class site hist beh dx stage mrn accession
    printf '  <Tumor>%s%s%s%s%s%s%s%s%s</Tumor></Patient>\n' "$(item tumorRecordNumber 01)" "$(item classOfCase "$1")" \
        "$(item primarySite "$2")" "$(item histologicTypeIcdO3 "$3")" "$(item behaviorCodeIcdO3 "$4")" \
        "$(item dateOfDiagnosis "$5")" "$(item summaryStage2018 "$6")" "$(item medicalRecordNumber "$7")" \
        "$(item accessionNumberHosp "$8")"
}
{
    echo '<?xml version="1.0"?>'
    echo '<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml" recordType="A" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">'
    patient 00009001 LONGNAME BRAIN 2 20250101; tumor 14 C719 9530 0 20230301 8 MR9001 202300901
    patient 00009002 MYELO PAT 1 20250201; tumor 14 C421 9950 3 20230401 7 MR9002 202300902
    patient 00009003 OUTSIDE OLGA 2 20200101; tumor 38 C349 8140 3 20220601 9 MR9003 202200903
    patient 00009004 SKINNER SAM 1 20200101; tumor 14 C445 8070 2 20220601 0 MR9004 202200904
    echo '</NaaccrData>'
} >extra.xml
run init reg.db --registry-name "$REG" --reference-date 20150101
expect_rc 0 "init"
run import reg.db "$CRTK_SOURCE/sample-data/sample-registry.xml" extra.xml
expect_rc 0 "import the sample data and the four patients"

# ---- the workbooks --------------------------------------------------------------------------------
for r in site-table stage quality; do
    run report "$r" reg.db -o "$r.xlsx" --as-of 20260315 --top 40
    expect_rc 0 "report $r"
done
for r in age trends followup survival; do # the other reports, suppressed as a committee gets them
    run report "$r" reg.db -o "r-$r.xlsx" --as-of 20260315 --suppress-below 5
    expect_rc 0 "report $r"
done
run followup due reg.db --status due,excluded --format xlsx -o due.xlsx
expect_rc 0 "followup due --format xlsx"
run followup rate reg.db --format xlsx -o rate.xlsx
expect_rc 0 "followup rate --format xlsx"
run edits reg.db --format xlsx -o edits.xlsx
expect_rc 1 "edits --format xlsx (the sample data fails some edits)"
# edits on a NAACCR file: no registry name to give, the footer names the file
run edits "$CRTK_SOURCE/sample-data/sample-registry.xml" --format xlsx -o xml-edits.xlsx
expect_rc 1 "edits of a NAACCR file --format xlsx"
run export reg.db -o listing.xlsx --columns patientIdNumber,nameLast,primarySite,dateOfDiagnosis --meanings
expect_rc 0 "export a listing"
run sql reg.db "SELECT patientIdNumber, nameLast, nameFirst FROM patient ORDER BY patientIdNumber" --format xlsx -o sql.xlsx
expect_rc 0 "sql --format xlsx"
BOOKS="site-table stage quality r-age r-trends r-followup r-survival due rate edits xml-edits listing sql"

# ---- printed by LibreOffice, in a profile of its own (runs in parallel do not share one) ----------
mkdir -p pdf
# shellcheck disable=SC2086
timeout 600 soffice --headless "-env:UserInstallation=file://$TMP/lo" --convert-to pdf --outdir pdf \
    $(for b in $BOOKS; do echo "$b.xlsx"; done) >lo.log 2>&1
for b in $BOOKS; do
    if [ -s "pdf/$b.pdf" ]; then ok; else fail "LibreOffice prints $b.xlsx"; cat lo.log; fi
done

pages() { pdfinfo "pdf/$1.pdf" 2>/dev/null | sed -n 's/^Pages: *//p'; }
# orientation of page N: landscape or portrait
orientation() {
    pdfinfo -f "$2" -l "$2" "pdf/$1.pdf" 2>/dev/null | awk '/^Page +[0-9]+ size:/ { print ($4 > $6) ? "landscape" : "portrait" }'
}
# page N's text, as laid out
page_text() { pdftotext -layout -f "$2" -l "$2" "pdf/$1.pdf" - 2>/dev/null; }
# page_has BOOK N RE: page N's text has a line matching RE (the text is read whole first: grep -q
# leaving a pipe early would fail the pipeline under pipefail)
page_has() { local t; t=$(page_text "$1" "$2"); grep -Eq -- "$3" <<<"$t"; }

# whole BOOK TEXT...: each text is printed whole somewhere in the PDF: its words in order, on one
# line or wrapped in its cell (each next line starting at the cell's left edge; anywhere near it
# with CENTRED=1, for centred headers), never cut off by the next cell (LibreOffice leaves out
# what a cell clips: a clipped name ends mid-word).  "NAME => TEXT": TEXT starts on the line of
# NAME (in the row of that patient).  ROW=1: the text is a row's label, followed
# on its line by the row's counts (so a chart's axis label does not count)
whole() {
    local book=$1
    shift
    pdftotext -bbox "pdf/$book.pdf" "$book.bbox.html" 2>/dev/null
    python3 - "$book.bbox.html" "$@" <<'PY'
import html, os, re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
pages = []
for p in re.findall(r"<page[^>]*>(.*?)</page>", doc, re.S):
    pages.append([(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in
                  re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', p)])

def follows(words, prev, left, rest, first_col):
    """rest (the text still to find) starts with a word after prev: on its line after a space, or
    first on the next line at the cell's left edge, after a space or a hyphen of the text (a word
    broken in the middle is not whole).  A next line that begins a new row (a word in the sheet's
    first column, left of the cell) means the text ran out of its row: not whole either."""
    x0, y0, x1, y1, t = prev
    h = y1 - y0
    if not rest:  # with ROW=1 the text is a row's label: its counts follow on its (last) line
        return not row or any(abs(v[1] - y0) < h / 3 and v[0] > x1 and re.match(r"^[0-9][0-9.,%]*$", v[4])
                              for v in words)
    for w in words:
        same_line = abs(w[1] - y0) < h / 3 and 0 <= w[0] - x1 < 1.5 * h
        next_line = h / 2 < w[1] - y0 < 1.9 * h and abs(w[0] - left) < tol * h
        if same_line or (next_line and not t.endswith("-")):
            if not rest.startswith(" "):
                continue
            text = rest[1:]
        elif next_line:
            text = rest
        else:
            continue
        if next_line and not centred and any(abs(v[1] - w[1]) < h / 3 and v[0] < left - h and abs(v[0] - first_col) < h
                                             for v in words):
            continue
        if text.startswith(w[4]) and follows(words, w, left, text[len(w[4]):], first_col):
            return True
    return False

centred, row = bool(os.environ.get("CENTRED")), bool(os.environ.get("ROW"))
tol = 8 if centred else 0.5  # a centred cell's lines start anywhere near it
bad = 0
def on_line_of(words, w, anchor):
    """True without an anchor, else when the anchor's first word is on w's line, left of it."""
    if not anchor:
        return True
    h = w[3] - w[1]
    return any(anchor.startswith(v[4]) and v[4] and abs(v[1] - w[1]) < h / 3 and v[0] < w[0] for v in words)

for needle in sys.argv[2:]:
    anchor, _, text = needle.rpartition(" => ")  # "ROW'S NAME => TEXT": TEXT is in that row
    found = any(w[4] and text.startswith(w[4]) and on_line_of(words, w, anchor) and
                follows(words, w, w[0], text[len(w[4]):], min(v[0] for v in words))
                for words in pages for w in words)
    if not found:
        print("not printed whole: %r" % needle)
        bad += 1
sys.exit(1 if bad else 0)
PY
}

# footer BOOK [NAME]: every page's footer has the registry (or NAME), the date and "Page i of N",
# N the pages of the PDF
footer() {
    local book=$1 name=${2:-$REG} n i bad=0
    n=$(pages "$book")
    [ -n "$n" ] || { fail "$book: no pages"; return; }
    for i in $(seq 1 "$n"); do
        page_has "$book" "$i" "^ *$name +$DATE +Page $i of $n *$" || {
            bad=1
            fail "$book page $i of $n: footer lacks '$name', '$DATE' or 'Page $i of $n': $(page_text "$book" "$i" | grep -E 'Page|As of' | tail -1)"
        }
    done
    [ "$bad" -eq 0 ] && ok
}

LONG="Brain, CNS Other and Intracranial Gland (Benign and Borderline)"
MYELO="Myeloproliferative Neoplasms and Myelodysplastic Syndromes"

# ---- the reports: names whole, footers, one page a sheet -------------------------------------------
ROW=1 whole site-table "$LONG" "$MYELO" && ok || fail "site-table: a site group's name is cut off"
expect_eq "$(pages site-table)" 2 "site-table: the table on one page, the top sites on another"
expect_eq "$(orientation site-table 1) $(orientation site-table 2)" "landscape portrait" "site-table: the wide table landscape, the top sites portrait"
footer site-table
page_has site-table 2 "Chart data" && fail "site-table: the hidden chart data prints" || ok

ROW=1 whole stage "$LONG" "$MYELO" && ok || fail "stage: a site group's name is cut off"
CENTRED=1 whole stage "Benign/borderline or N/A" "% Benign/borderline or N/A" "% Unknown/unstaged" && ok || fail "stage: a wrapped header is cut off"
expect_eq "$(pages stage)" 2 "stage: the 40 groups on one page, the chart on the next (not cut across two)"
footer stage

ROW=1 whole quality "$LONG" "$MYELO" && ok || fail "quality: a name of 'By site group' is cut off"
expect_eq "$(pages quality)" 6 "quality: each of its six sheets on one page"
footer quality

# ---- the due list: the status whole, landscape, the header on every page ----------------------------
whole due "OUTSIDE, OLGA => excluded: non-analytic class of case" \
    "SKINNER, SAM => excluded: in-situ or localized basal/squamous cell skin carcinoma only" && ok || fail "due list: a status is cut off"
expect_eq "$(orientation due 1)" landscape "due list: landscape"
footer due
n=$(pages due)
if [ "${n:-0}" -gt 1 ]; then
    page_has due "$n" "Patient ID" && ok || fail "due list: the header row is not repeated on page $n"
fi

# ---- the rate sheet: labels and numbers on one portrait page ----------------------------------------
expect_eq "$(pages rate)" 1 "rate sheet: one page"
expect_eq "$(orientation rate 1)" portrait "rate sheet: portrait"
whole rate "Current (alive, contact within 15 months)" "Follow-up rate (B + D) / A" && ok || fail "rate sheet: a label is cut off"
page_has rate 1 "Eligible analytic patients +[0-9]+ +[0-9.]+%" && ok || fail "rate sheet: line A and its numbers are not on the page"
footer rate

# ---- the edits workbook: who and which chart, the registry in the footer -----------------------------
expect_eq "$(orientation edits 1)" landscape "edits: the failures landscape"
page_has edits 1 "Medical record" && ok || fail "edits: the chart columns are not printed"
footer edits
n=$(pages edits)
expect_eq "$(orientation edits "$n")" portrait "edits: the summary (last page) portrait"
if [ "${n:-0}" -gt 2 ]; then
    page_has edits 2 "Edit name" && ok || fail "edits: the header row is not repeated on page 2"
fi

footer xml-edits sample-registry.xml

# ---- the other reports: the footer on every page ------------------------------------------------
for b in r-age r-trends r-followup r-survival; do
    footer "$b"
done

# ---- the listings: text cells, the header on every page, the footer ---------------------------------
# The listing's footer names the registry (crtk export and crtk sql pass crtk_print_source_name).
for b in listing sql; do
    footer "$b"
done
n=$(pages listing)
if [ "${n:-0}" -gt 1 ]; then
    page_has listing "$n" "Primary Site" && ok || fail "listing: the header row is not repeated on page $n"
fi
whole listing "00009001" "Connective, subcutaneous and other soft tissues of thorax" && ok || fail "listing: an id or a meaning is cut off"

finish
