#!/bin/bash
# t39-json-messages.sh — messages a program can read (crtk issue 14): import, convert and export take
# --messages json (their --format names a data format), report NAME and audit --verify take
# --format json; every line they print is then one JSON object with "level" and "message", the
# summary carries its counts, a problem keeps its place (file, line, column), and the data still
# goes where it went.  A --messages or --format value that is neither text nor json is refused.
# Environment (set by ctest): CRTK.  Needs python3 (json, sqlite3).
. "$(dirname "$0")/lib.sh" t39

need_program python3 "reading JSON and SQLite"
SAMPLE=$(dirname "$0")/../../sample-data/sample-registry.xml
cd "$TMP" || exit 2
# every line of FILE is a JSON object with level and message; prints the value of KEY in line N
json_field() { # FILE N KEY
    python3 - "$@" <<'PY'
import json, sys
path, n, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = [l for l in open(path, encoding="utf-8").read().split("\n") if l]
for l in lines:
    o = json.loads(l)
    if not isinstance(o, dict) or "level" not in o or "message" not in o:
        sys.exit("not a message object: " + l)
print(json.dumps(json.loads(lines[n - 1]).get(key)) if 0 < n <= len(lines) else "NO LINE %d" % n)
PY
}
expect_json() { # FILE N KEY WANT MSG
    local got
    got=$(json_field "$1" "$2" "$3" 2>&1)
    expect_eq "$got" "$4" "$5"
}

run init reg.db
run import reg.db "$SAMPLE" --messages json
expect_rc 0 "import --messages json"
expect_empty err "import --messages json: nothing on stderr"
expect_json "$TMP/out" 1 level '"info"' "import summary is an info line"
expect_json "$TMP/out" 1 patientsAdded 160 "import summary counts the patients added"
expect_json "$TMP/out" 1 tumorsRead 192 "import summary counts the tumors read"
printf '<?xml version="1.0"?>\n<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-260.xml" recordType="A" specificationVersion="1.8" xmlns="http://naaccr.org/naaccrxml">\n<Patient><Item naaccrId="patientIdNumber">00000009</Item>\n<Tumor><Item naaccrId="primarySiteX">C50</Item></Tumor></Patient></NaaccrData>\n' >bad.xml
run import reg.db bad.xml --messages json
expect_rc 1 "import of a file with an unknown item"
expect_json "$TMP/out" 1 level '"error"' "the problem is an error line"
expect_json "$TMP/out" 1 item '"primarySiteX"' "the problem names the item"
expect_json "$TMP/out" 1 line 4 "the problem names the line"
expect_json "$TMP/out" 2 level '"error"' "then the file is reported not imported"
run import reg.db "$SAMPLE" --messages yaml
expect_rc 2 "import --messages yaml is refused"

run convert "$SAMPLE" out.csv --messages json
expect_rc 0 "convert --messages json"
expect_json "$TMP/out" 1 patients 160 "convert summary: patients"
expect_json "$TMP/out" 1 format '"csv"' "convert summary: format"
run convert "$SAMPLE" - --messages json
expect_rc 0 "convert to standard output with --messages json"
if head -c 100 "$TMP/out" | grep -q '<?xml'; then ok; else fail "the XML still goes to standard output"; fi
expect_json "$TMP/err" 1 tumors 192 "with OUT -, the messages go to standard error"

run export reg.db -o out.xml --messages json
expect_rc 0 "export --messages json"
expect_json "$TMP/out" 1 tumors 192 "export summary: tumors"
run export reg.db -o out.xlsx --columns primarySite --messages json
expect_json "$TMP/out" 1 columns 1 "export listing summary: columns"
run export reg.db -o out.xml --where "no_such_column = 1" --messages json
expect_rc 2 "export with a bad --where"
expect_json "$TMP/out" 1 level '"error"' "the error is a JSON line"

run report site-table reg.db -o site.xlsx --format json
expect_rc 0 "report --format json"
expect_json "$TMP/out" 1 report '"site-table"' "report summary names the report"
run report site-table reg.db -o none.xlsx --years 1990 --format json
expect_rc 1 "report with no tumor"
expect_json "$TMP/out" 1 level '"error"' "no tumor matches: an error line"
run report site-table reg.db -o site.xlsx --format csv
expect_rc 2 "report --format csv is refused"

run audit reg.db --verify --format json
expect_rc 0 "audit --verify --format json"
expect_json "$TMP/out" 1 check '"storeHealth"' "first verdict: the store's health"
expect_json "$TMP/out" 2 ok true "second verdict: the trail is intact"
expect_json "$TMP/out" 2 entries "$(sql reg.db 'SELECT count(*) FROM audit')" "the entries counted are the trail's"
sql reg.db "UPDATE tumor SET primarySite = 'C61' WHERE id = (SELECT min(id) FROM tumor)" >/dev/null
run audit reg.db --verify --format json
expect_rc 1 "a value changed outside crtk"
expect_json "$TMP/out" 2 ok false "the trail is reported broken"
expect_json "$TMP/out" 2 level '"error"' "a broken trail is an error line"
finish
