#!/bin/bash
# run.sh DURATION [TARGET...] — build the libFuzzer targets with clang, seed them, and run each for
# DURATION seconds; print executions and results.  Targets: xml_reader dictionary flat_reader csv_reader
# edit_rules metafile_logic metafile_smf web_form staging_bundle stage_keys followup_csv case_form (default: all).  Seed corpora are made at run time from ../shared's NAACCR samples and dictionaries
# (and sample-data/ when there), in the build directory; nothing is added to the source tree.
#
#   CRTK_FUZZ_BUILD     build directory (default build-fuzz)
#   CRTK_FUZZ_PARALLEL  run the targets at the same time (default 1 = one after the other)
#   CRTK_SHARED         reference data (default ../shared beside the source)
#   CRTK_FUZZ_ALLOW_NUL set to let read values hold NUL bytes (by default a value with a NUL inside
#                       stops the fuzzer: crtk_element_get promises a NUL-terminated value)
# Exit status: 0 when no target found a problem, 1 when one did (its input is in BUILD/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD

DURATION=${1:?usage: tests/fuzz/run.sh DURATION [TARGET...]}
shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(xml_reader dictionary flat_reader csv_reader edit_rules metafile_logic metafile_smf web_form staging_bundle stage_keys followup_csv case_form)
B=${CRTK_FUZZ_BUILD:-build-fuzz}
SHARED=${CRTK_SHARED:-$SRC/../shared}
N=$(ls "$SHARED"/naaccr >/dev/null 2>&1 && echo "$SHARED/naaccr" || echo "")
command -v clang >/dev/null || { echo "run.sh: clang is needed (sudo tools/dev/install-deps.sh --fuzz)" >&2; exit 2; }

echo "== building fuzz targets in $B"
CC=clang cmake -S . -B "$B" -DCRTK_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$B" -j "$(nproc 2>/dev/null || echo 2)" --target "${TARGETS[@]/#/fuzz_}" >/dev/null

# ---- seeds ----------------------------------------------------------------------------------
seed() { # seed TARGET NAME [OPTION-BYTE]: stdin becomes a seed (with the options byte in front)
    local dir=$B/corpus-$1
    mkdir -p "$dir"
    # Seeds are cut at 16 KiB: small inputs run faster, and the fuzz build's 64-byte scanner
    # buffer makes them cross its end as often as large files do.
    if [ -n "${3:-}" ]; then { printf "\\x$3"; head -c 16384; } >"$dir/$2"; else head -c 16384 >"$dir/$2"; fi
    cat >/dev/null # read the rest, so that whatever writes into this pipe never dies of SIGPIPE
}
for t in "${TARGETS[@]}"; do
    mkdir -p "$B/corpus-$t" "$B/artifacts"
    case $t in
    xml_reader)
        if [ -n "$N" ]; then
            for f in "$N"/samples/validity/*/*.xml "$N"/samples/xml/*.xml "$N"/samples/user-dictionary/*.XML; do
                seed xml_reader "$(basename "$f")-00" 00 <"$f"
                seed xml_reader "$(basename "$f")-11" 11 <"$f"   # relaxed, user dictionary offered
            done
            for f in "$N"/samples/generated/*.gz; do
                # head stops reading early: gzip then dies of SIGPIPE, which pipefail would turn
                # into a silent exit of the whole script (no seeds, no fuzzing) — so it may.
                { gzip -dc "$f" || true; } | head -c 20000 | seed xml_reader "$(basename "$f" .gz)-00" 00
                seed xml_reader "$(basename "$f")-gz" 00 <"$f"
            done
        fi
        seed xml_reader synthetic-00 00 <<'XML'
<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE NaaccrData>
<NaaccrData baseDictionaryUri="http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml" userDictionaryUri="urn:fuzz"
 recordType="A" specificationVersion="1.8" timeGenerated="2024-01-01T00:00:00Z" xmlns="http://naaccr.org/naaccrxml" xmlns:x="urn:x">
 <Item naaccrId="registryId">0000012345</Item><Item naaccrId="fuzzRoot">12</Item>
 <x:ext a="&lt;&#x41;">t<![CDATA[c]]></x:ext>
 <Patient><Item naaccrId="patientIdNumber" naaccrNum="20">00000001</Item><Item naaccrId="fuzzDate">20240101</Item>
  <Item naaccrId="nameLast">M&#252;ller &amp; Caf&#xE9;</Item>
  <Tumor><Item naaccrId="primarySite">C509</Item><Item naaccrId="fuzzText">ab
cd</Item><Item naaccrId="textRemarks">a&#13;b</Item></Tumor>
 </Patient>
</NaaccrData>
XML
        ;;
    dictionary)
        if [ -n "$N" ]; then
            for f in "$N"/dictionaries/default-user/*.xml "$N"/samples/user-dictionary/*.xml "$N"/dictionaries/base/naaccr-dictionary-250.xml; do
                seed dictionary "$(basename "$f")" <"$f"
            done
            if command -v unzip >/dev/null; then
                tmp=$(mktemp -d)
                unzip -q -o "$N"/dictionaries/registry-user-dictionaries/*.zip -d "$tmp"
                i=0
                find "$tmp" -name '*.xml' -print0 | while IFS= read -r -d '' f; do
                    i=$((i + 1)); seed dictionary "state-$i.xml" <"$f"
                done
                rm -rf "$tmp"
            fi
        fi
        ;;
    flat_reader)
        [ -n "$N" ] && for f in "$N"/samples/flat/*.txt; do
            seed flat_reader "$(basename "$f")-00" 00 <"$f"
            seed flat_reader "$(basename "$f")-20" 20 <"$f"
        done
        for f in "$SRC"/sample-data/*.txt "$SRC"/sample-data/*.dat; do
            [ -f "$f" ] && head -c 30000 "$f" | seed flat_reader "$(basename "$f")-00" 00
        done
        ;;
    edit_rules)
        # every rule of crtk's own edits, and the examples of docs/edits.md
        n=0
        while IFS= read -r r; do
            n=$((n + 1))
            printf '%s' "$r" | seed edit_rules "core-$n"
        done < <(grep -v '^#' "$SRC/schemas/edits/core.tsv" | tail -n +2 | cut -f9)
        printf "%s" "primarySite in ('C500'..'C509') and not (dateOfDiagnosis < dateOfBirth)" | seed edit_rules s1
        printf "%s" "any_other(primarySite = other.primarySite) or length(nameLast) > 3" | seed edit_rules s2
        ;;
    web_form)  # crtk serve's form and query parsing, search box and typed dates
        printf 'username=abby&password=p%%40ss+word&csrf_token=%s' "$(printf '0%.0s' {1..64})" | seed web_form login
        printf 'q=m%%C3%%BCller%%2C+jo' | seed web_form search-name
        printf 'q=123-45-6789&x=03%%2F07%%2F2024' | seed web_form search-ssn
        printf 'dateOfDiagnosis=2024-02-29&primarySite=C504&nameLast=O%%27Brien&textRemarks=a%%0Ab' | seed web_form abstract
        ;;
    csv_reader)
        printf 'patientIdNumber,primarySite,dateOfDiagnosis,nameLast\n00000001,C509,20240115,"Smith, ""Jr"""\n00000001,C180,2024,\n' |
            seed csv_reader synthetic-00 00
        printf 'patientIdNumber;primarySite\r\n1;C50\r\n' | seed csv_reader synthetic-e0 e0
        for f in "$SRC"/sample-data/*.csv; do
            [ -f "$f" ] && head -c 30000 "$f" | seed csv_reader "$(basename "$f")-00" 00
        done
        ;;
    metafile_logic)
        EX=$SHARED/edits-metafile/example/crtk-example.smf
        if [ -f "$EX" ] && command -v sqlite3 >/dev/null; then
            for tag in $(sqlite3 "$EX" 'SELECT EditTag FROM EE_Edits'); do
                sqlite3 "$EX" "SELECT EditLogic FROM EE_Edits WHERE EditTag='$tag'" | seed metafile_logic "$tag"
            done
        fi
        printf 'int r; char s[8]; tablevar B;\nr = LOOKUP("C100", "T.A") AND INLIST("12", "10-15", "dd");\nSTRCPY(s, TRIM(#S"Primary Site", BOTH));\nwhile (r < 3) r = r + 1;\nf();\nfunction f() { SAVE_TEXT("x"); }\nreturn DATECMP_IOP(#S"Date of Diagnosis", DT_TODAY, DT_MIN);\n' |
            seed metafile_logic synthetic
        ;;
    metafile_smf)
        EX=$SHARED/edits-metafile/example/crtk-example.smf
        [ -f "$EX" ] && cp "$EX" "$B/corpus-metafile_smf/example.smf"   # whole: a cut database is only a header
        ;;
    staging_bundle)
        # a small hand-made algorithm, and the head of the embedded pediatric bundle (cut: invalid JSON)
        cat >"$B/corpus-staging_bundle/mini.json" <<'JSON'
{"algorithm":"x","version":"1","tables":[{"id":"primary_site","definition":[{"key":"site","type":"INPUT"}],"rows":[["C000"]]},
{"id":"histology","definition":[{"key":"hist","type":"INPUT"}],"rows":[["8000-8005"]]},
{"id":"sel","definition":[{"key":"site","type":"INPUT"},{"key":"hist","type":"INPUT"},{"key":"r","type":"ENDPOINT"}],"rows":[["C000","8000-8003","MATCH"]]},
{"id":"years","definition":[{"key":"year_dx","type":"INPUT"}],"rows":[["2018-{{ctx_year_current}},9999, "]]},
{"id":"calc","definition":[{"key":"hist","type":"INPUT"},{"key":"out","type":"ENDPOINT"}],"rows":[["8000","VALUE:zero"],["8001-8002","VALUE:{{hist}}"],["8003","JUMP:calc"],["*","ERROR:bad"]]}],
"schemas":[{"id":"s","schema_selection_table":"sel","inputs":[{"key":"site"},{"key":"hist"},{"key":"year_dx","table":"years","default":"2020"}],
"outputs":[{"key":"out","default":"{{ctx_alg_version}}"}],"mappings":[{"id":"m","initial_context":[{"key":"t"}],"inclusion_tables":[{"id":"sel"}],"tables":[{"id":"calc","input_mapping":[{"from":"hist","to":"h2"}],"output_mapping":[{"from":"out","to":"out"}]}]}]}]}
JSON
        { gzip -dc "$SRC"/schemas/staging/pediatric-*.json.gz || true; } | head -c 16384 >"$B/corpus-staging_bundle/pediatric-head.json"
        cp "$SRC"/schemas/staging/pediatric-*.json.gz "$B/corpus-staging_bundle/" || true
        ;;
    stage_keys)
        printf 'site=C504;hist=8500;year_dx=2021;behavior=3;eod_primary_tumor=100
site=C111;hist=8200;discriminator_1=<null>
=x;;a
' \
            >"$B/corpus-stage_keys/lines"
        ;;
    followup_csv)  # follow-up posting CSV (first byte: bit 0 = --force), against a small store
        printf '\000patientIdNumber,date,vitalStatus,cancerStatus,source,causeOfDeath\n00000001,2026-03-05,1,1,3,\n' \
            >"$B/corpus-followup_csv/one"
        printf '\001patientIdNumber,date,vitalStatus,causeOfDeath\n00000001,20250306,0,C509\n"00000001",2024-01,1,\n00000002,x,9,\n' \
            >"$B/corpus-followup_csv/force"
        ;;
    case_form)  # the `case edit` form as read back from $EDITOR
        printf '# crtk case edit: change values, remove a line to clear its item\npatientIdNumber: 00000001\nsex: 1  # Male\ndateOfBirth: 19500101\n' \
            >"$B/corpus-case_form/patient"
        printf 'primarySite: C508  # comment\nhistologicTypeIcdO3: 8500\nbehaviorCodeIcdO3:\n: x\nnoSuchItem: 1\n' \
            >"$B/corpus-case_form/tumor"
        ;;
    *) echo "run.sh: unknown target $t" >&2; exit 2 ;;
    esac
done

# Tokens of the formats, to help the fuzzer past the keywords.
cat >"$B/naaccr-xml.dict" <<'DICT'
"<NaaccrData"
"</NaaccrData>"
"<Patient>"
"</Patient>"
"<Tumor>"
"</Tumor>"
"<Item naaccrId=\""
"</Item>"
" naaccrNum=\""
" xmlns=\"http://naaccr.org/naaccrxml\""
" baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\""
" baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-180.xml\""
" userDictionaryUri=\"urn:fuzz\""
" recordType=\"I\""
" specificationVersion=\"1.8\""
" timeGenerated=\""
"<NaaccrDictionary"
"<ItemDefs>"
"<ItemDef"
" parentXmlElement=\"Tumor\""
" length=\""
" dataType=\""
" padding=\""
" recordTypes=\""
" startColumn=\""
" dictionaryUri=\""
" naaccrVersion=\""
"<![CDATA["
"]]>"
"<!--"
"-->"
"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
"&amp;"
"&#x"
"xmlns:"
"\xef\xbb\xbf"
"patientIdNumber"
"primarySite"
"dateOfDiagnosis"
DICT

# ---- run ------------------------------------------------------------------------------------------
run_target() {
    local t=$1 log=$B/fuzz-$1.log
    local dict=()
    local max=16384
    case $t in xml_reader | dictionary) dict=(-dict="$B/naaccr-xml.dict") ;; metafile_smf) max=131072 ;; esac
    "$B/tests/fuzz/fuzz_$t" "$B/corpus-$t" "${dict[@]}" -max_total_time="$DURATION" -max_len=$max -timeout=20 \
        -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$B/artifacts/$t-" >"$log" 2>&1
}
failed=0
pids=()
for t in "${TARGETS[@]}"; do
    echo "== fuzz_$t for ${DURATION}s (log: $B/fuzz-$t.log)"
    if [ "${CRTK_FUZZ_PARALLEL:-1}" -gt 1 ]; then run_target "$t" & pids+=($!); else run_target "$t" || true; fi
done
for p in "${pids[@]}"; do wait "$p" || true; done
for t in "${TARGETS[@]}"; do
    log=$B/fuzz-$t.log
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
    cov=$( (grep -oE 'cov: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
    corpus=$(find "$B/corpus-$t" -type f | wc -l)
    if grep -qE '^==[0-9]+==ERROR|runtime error:|deadly signal|Test unit written to' "$log"; then
        failed=1
        echo "fuzz_$t: FOUND A PROBLEM after ${execs:-?} executions:"
        { grep -E 'ERROR:|runtime error:|SUMMARY|Test unit written to' "$log" || true; } | head -8 | sed 's/^/    /'
    else
        echo "fuzz_$t: ${execs:-0} executions in ${DURATION}s, coverage ${cov:-?} edges, corpus $corpus inputs: no problem found"
    fi
done
exit $failed
