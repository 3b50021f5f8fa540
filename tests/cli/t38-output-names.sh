#!/bin/bash
# t38-output-names.sh — an output whose file name says another format is refused (crtk issue 14):
# every command that writes a file checks the name against what it writes (convert, followup due,
# rate and letters, case show --pdf, edits, export, report, submit, sql), exits 2 naming the file,
# writes nothing and records nothing; a name that says a format the command can write picks it
# (edits -o x.csv writes CSV).  Also: a mistyped subcommand gets a did-you-mean before any store is
# opened (followup, user, metafile), and report --help states the exit status as it is.
# Environment (set by ctest): CRTK.  Needs python3 (sqlite3) to look inside the store.
. "$(dirname "$0")/lib.sh" t38

need_program python3 "reading SQLite"
SAMPLE=$(dirname "$0")/../../sample-data/sample-registry.xml
DB=$TMP/reg.db
"$CRTK" init "$DB" >/dev/null 2>&1 && "$CRTK" import "$DB" "$SAMPLE" >/dev/null 2>&1 || { fail "store from the sample"; finish; }
cd "$TMP" || exit 2
audit_before=$(sql "$DB" "SELECT (SELECT count(*) FROM audit) || '/' || (SELECT count(*) FROM crtk_access)")

# refused: exit 2, the message names the file and both formats, no file left
refused() { # NAME FILE WHAT -- ARGS...
    local file=$1 what=$2
    shift 2
    run "$@"
    expect_rc 2 "$what"
    expect_err "$file: (the name says|convert writes NAACCR|a submission is|a listing is|a report is)" "$what: says why, naming $file"
    if [ -e "$file" ]; then fail "$what: $file was written"; rm -f "$file"; else ok; fi
}
refused y.xlsx "convert to .xlsx" convert "$SAMPLE" y.xlsx
refused y.pdf "convert to .pdf" convert "$SAMPLE" y.pdf
refused y.csv "convert --to xml into .csv" convert "$SAMPLE" y.csv --to xml
refused y.xml "convert --to csv into .xml" convert "$SAMPLE" y.xml --to csv
refused y.xml.gz "convert --to csv into .xml.gz" convert "$SAMPLE" y.xml.gz --to csv
refused x.pdf "followup due -o x.pdf (text)" followup due "$DB" -o x.pdf
refused x.xlsx "followup due --format csv -o x.xlsx" followup due "$DB" --format csv -o x.xlsx
refused x.json "followup due --format text -o x.json" followup due "$DB" --format text -o x.json
refused x.csv "followup rate --format xlsx -o x.csv" followup rate "$DB" --format xlsx -o x.csv
refused x.xlsx "followup letters -o x.xlsx" followup letters "$DB" -o x.xlsx
refused x.xlsx "case show --pdf -o x.xlsx" case show "$DB" 160 --pdf -o x.xlsx
refused x.json "edits --format csv -o x.json" edits "$SAMPLE" --format csv -o x.json
refused x.xlsx "edits --format text -o x.xlsx" edits "$SAMPLE" --format text -o x.xlsx
refused x.xlsx "export -o x.xlsx without --columns" export "$DB" -o x.xlsx --format xml
refused x.pdf "report -o x.pdf" report site-table "$DB" -o x.pdf
refused x.xlsx "submit -o x.xlsx" submit "$DB" -o x.xlsx
expect_eq "$(sql "$DB" "SELECT (SELECT count(*) FROM audit) || '/' || (SELECT count(*) FROM crtk_access)")" \
    "$audit_before" "refused outputs record nothing (audit and access log unchanged)"

# the name picks the format where --format is left out
run edits "$SAMPLE" -o failures.csv
expect_rc 1 "edits -o failures.csv (the sample has failing edits)"
expect_eq "$(head -1 failures.csv)" "file,patient,patientIdNumber,tumor,edit,name,items,message,override" \
    "edits -o failures.csv writes CSV"
run followup due "$DB" -o due.csv --as-of 2026-06-30
expect_rc 0 "followup due -o due.csv"
if head -1 due.csv | grep -q ','; then ok; else fail "followup due -o due.csv writes CSV"; fi
# a name with no extension crtk knows is accepted as it is
run convert "$SAMPLE" plain.out
expect_rc 0 "convert to a name with no known extension (XML by default)"
if head -c 200 plain.out | grep -q '<?xml'; then ok; else fail "plain.out holds XML"; fi

# did-you-mean for subcommands, before the store is touched (the store named does not exist)
for typo in "followup dew:due" "user lst:list" "user disabel:disable" "metafile descibe:describe"; do
    cmd=${typo%%:*} want=${typo##*:}
    # shellcheck disable=SC2086
    run $cmd "$TMP/no-such.db" x
    expect_rc 2 "crtk $cmd"
    expect_err "did you mean $want" "crtk $cmd suggests $want"
    if grep -q "no-such.db" "$TMP/err"; then fail "crtk $cmd opened the store before naming the subcommand"; else ok; fi
done
[ ! -e "$TMP/no-such.db" ] && ok || fail "a mistyped subcommand created a store"
run report --help
expect_out "1 no tumor matches the selection" "report --help: exit 1 when nothing matches"

# --format json asked of a command without it: point to --messages json where there is one
run import "$DB" "$SAMPLE" --format json
expect_rc 2 "import has no --format"
expect_err "Unknown option --format: use --messages json" "import points to --messages json"
run init "$TMP/fmt.db" --format json
expect_rc 2 "init has no --format"
expect_err "Unknown option --format: this command has no JSON output; its exit status" "init says what a script reads"
[ ! -e "$TMP/fmt.db" ] && ok || fail "init --format json created a store"
finish
