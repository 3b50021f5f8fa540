#!/bin/bash
# demo.sh — build crtk and walk through a registrar's year on the synthetic sample registry:
# check the file, load it into a new store, run the edits, look at a case, make the follow-up
# work list and letters, send a state submission with its QA summary, and make Excel reports.
#
# No real person's data: sample-data/ holds generated cases only.  Everything the demo makes
# goes to demo-output/ (created readable by its owner only), which is recreated each run.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${CRTK_BUILD_DIR:-build}
cmake -S . -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
CRTK=$BUILD/crtk
OUT=demo-output
rm -rf "$OUT"
mkdir -m 700 "$OUT"
DB=$OUT/registry.db
SAMPLE=sample-data/sample-registry.xml
# The sample's follow-up dates end in mid 2026: look at follow-up as of then.
AS_OF=20260701

# step [-k] ARGS...: show and run `crtk ARGS`; -k: exit 1 (the data has problems) is expected
step() {
    local keep=0
    [ "$1" = -k ] && { keep=1; shift; }
    echo
    echo "\$ crtk $*"
    local rc=0
    "$CRTK" "$@" || rc=$?
    if [ "$rc" -ne 0 ] && ! { [ "$keep" -eq 1 ] && [ "$rc" -eq 1 ]; }; then
        echo "demo: crtk $1 failed (exit $rc)" >&2
        exit 1
    fi
}
# has COMMAND: the command is implemented in this build
has() { "$CRTK" "$1" --help >/dev/null 2>&1; }

step validate "$SAMPLE"
step init "$DB" --registry-name "Demo Hospital Cancer Registry" --registry-phone "555-0100" \
    --facility 0000001234 --reference-date 20150101
step import "$DB" "$SAMPLE"
step -k edits "$DB" --set hospital --max-failures 5
first=$( ("$CRTK" edits "$DB" --format json --max-failures 1 2>/dev/null || true) | sed -n 's/.*"patientIdNumber":"\([0-9]*\)".*/\1/p' | head -1)
step case show "$DB" "${first:-00000001}"
if has followup; then
    step followup due "$DB" --as-of "$AS_OF" --status due
    step followup due "$DB" --as-of "$AS_OF" --status all --format xlsx -o "$OUT/followup-worklist.xlsx"
    step followup letters "$DB" --as-of "$AS_OF" --to patient -o "$OUT/letters.pdf"
    step followup rate "$DB" --as-of "$AS_OF"
fi
if has submit; then
    step -k submit "$DB" -o "$OUT/submission.xml" --force
    step submit "$DB" --history
fi
if has report; then
    for r in site-table stage trends age followup quality survival; do
        step report "$r" "$DB" -o "$OUT/report-$r.xlsx"
    done
fi
step audit "$DB" --verify
if has serve; then
    # The registrar's workspace: a user (the password comes from standard input), then the command
    # that opens it.  The demo does not leave a server running; start it yourself.
    DEMO_PASSWORD=demo-registrar-1
    echo
    echo "\$ echo $DEMO_PASSWORD | crtk user add $DB registrar --role abstractor"
    echo "$DEMO_PASSWORD" | "$CRTK" user add "$DB" registrar --role abstractor
    echo
    echo "Open the workspace (find patient $first, abstract a tumor, post a follow-up contact):"
    echo "    $CRTK serve $DB          # then open http://127.0.0.1:8080/ in a browser"
    echo "    user: registrar   password: $DEMO_PASSWORD   (Ctrl-C stops the server)"
fi
echo
echo "demo: done; the store and the files it made are in $OUT/"
ls -l "$OUT"
