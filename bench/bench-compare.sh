#!/bin/bash
# bench-compare.sh — issue 9's rule: "run bench/ before and after; no command slower by more
# than 5% in CPU time, or in the median of interleaved runs".
#
# Runs each command with two crtk builds, interleaved (before/after, then after/before, ...),
# RUNS times each, on the same generated inputs, and prints median CPU (user+sys), median wall,
# the after/before ratios and the median peak RSS.  Commands as in bench/bench-codecs.sh and
# bench/bench-store.sh, on a mid-size data set.
#
# Usage: bench-compare.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR [PATIENTS] [RUNS] [SCRATCH]
#   e.g. git -C /work/main worktree add /work/bench-before b584815
#        git -C /work/main worktree add /work/bench-after main
#        (cd each && cmake -S . -B build -DCRTK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build -j2)
#        bench-compare.sh /work/bench-before/build /work/bench-after/build 25000 5 /tmp/bc
# Raw per-run lines go to SCRATCH/raw.tsv (command side run user sys wall rss_kb); the table to stdout.
# Env: ONLY="regex" runs only the commands whose label matches.
# Needs GNU time (/usr/bin/time) and python3.
set -euo pipefail
BEFORE=$(realpath "$1")
AFTER=$(realpath "$2")
PATIENTS=${3:-25000}
RUNS=${4:-5}
S=${5:-/tmp/bc}
ONLY=${ONLY:-.}
mkdir -p "$S"
cd "$S"
GEN=$BEFORE/crtk-generate # the generator is the same in both (same seed -> same file)
V25=$S/v25-incidence-$PATIENTS.xml
V26=$S/v26-abstract-$PATIENTS.xml
[ -s "$V25" ] || "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 25 --record-type I -o "$V25" --quiet
[ -s "$V26" ] || "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 26 --record-type A -o "$V26" --quiet
SQL="SELECT crtk_seer_site_recode(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3, dateOfDiagnosis) AS site, crtk_iccc(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3) AS iccc, crtk_aya(primarySite, histologicTypeIcdO3, behaviorCodeIcdO3) AS aya, crtk_age_group(crtk_age_at_dx(dateOfBirth, dateOfDiagnosis)) AS age, count(*) FROM tumor JOIN patient ON patient.id = tumor.patient_id GROUP BY 1, 2, 3, 4"

# Each side gets its own store of the v26 abstracts, made by its own crtk (the store layer
# changed between the two); the store commands below run against it.
for side in before after; do
    dir=$BEFORE
    [ $side = after ] && dir=$AFTER
    if [ ! -s "$S/store-$side.db" ]; then
        rm -f "$S/store-$side.db"*
        "$dir/crtk" init "$S/store-$side.db" >/dev/null
        "$dir/crtk" import "$S/store-$side.db" "$V26" >/dev/null
    fi
done

RAW=$S/raw.tsv
: >"$RAW"
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT

# cmd_for SIDE LABEL: prints the shell command for LABEL with crtk of SIDE ($C), store ($DB), output ($O).
cmd_for() {
    local label=$1
    case $label in
    "validate XML") echo '$C validate $V25' ;;
    "convert XML->XML") echo '$C convert $V25 $O.xml -q' ;;
    "convert XML->CSV") echo '$C convert $V25 $O.csv -q' ;;
    "convert XML 25->26") echo '$C convert $V25 $O26.xml --naaccr-version 26 -q' ;;
    "convert XML 25->flat 18") echo '$C convert $V25 $O18.txt --naaccr-version 18 -q' ;;
    "init+import (new store)") echo '$C init $O.db >/dev/null && $C import $O.db $V26' ;;
    "export XML") echo '$C export $DB -o $O.xml' ;;
    "edits --set hospital") echo '$C edits $DB --set hospital --max-failures 0 --today 20260701' ;;
    "report site-table") echo '$C report site-table $DB -o $O.xlsx' ;;
    "report age") echo '$C report age $DB -o $O.xlsx' ;;
    "report survival") echo '$C report survival $DB -o $O.xlsx' ;;
    "report quality") echo '$C report quality $DB -o $O.xlsx' ;;
    "followup due") echo '$C followup due $DB --as-of 20260701' ;;
    "followup rate") echo '$C followup rate $DB --as-of 20260701' ;;
    "submit (copy of store)") echo '$C submit $O.copy.db -o $O.sub.xml --force' ;;
    "sql derived functions") echo '$C sql $DB "$SQL"' ;;
    esac
}
LABELS=("validate XML" "convert XML->XML" "convert XML->CSV" "convert XML 25->26" "convert XML 25->flat 18"
    "init+import (new store)" "export XML" "edits --set hospital" "report site-table" "report age"
    "report survival" "report quality" "followup due" "followup rate" "submit (copy of store)"
    "sql derived functions")

run_one() { # run_one LABEL SIDE RUN
    local label=$1 side=$2 run=$3 dir=$BEFORE
    [ "$side" = after ] && dir=$AFTER
    local C=$dir/crtk DB=$S/store-$side.db O=$S/out-$side
    rm -f "$O"* 2>/dev/null || true
    if [ "$label" = "submit (copy of store)" ]; then cp "$DB" "$O.copy.db"; fi
    sync
    local cmd
    cmd=$(cmd_for "$label")
    C=$C DB=$DB O=$O V25=$V25 V26=$V26 SQL=$SQL /usr/bin/time -o "$TIMES" -f "%U %S %e %M" \
        bash -c "$cmd" >/dev/null 2>&1 || true
    read -r u s e m < <(tail -1 "$TIMES")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$side" "$run" "$u" "$s" "$e" "$m" >>"$RAW"
    rm -f "$O"* 2>/dev/null || true
}
export -f cmd_for

cat "$V25" "$V26" >/dev/null # warm the page cache
for label in "${LABELS[@]}"; do
    [[ $label =~ $ONLY ]] || continue
    for ((i = 1; i <= RUNS; i++)); do
        if ((i % 2)); then order="before after"; else order="after before"; fi
        for side in $order; do run_one "$label" "$side" "$i"; done
    done
    echo "done: $label" >&2
done

python3 - "$RAW" <<'PY'
import sys, statistics as st
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
order, d = [], {}
for lab, side, run, u, s, e, m in rows:
    if lab not in order: order.append(lab)
    d.setdefault((lab, side), []).append((float(u) + float(s), float(e), int(m)))
print("| command | CPU before s | CPU after s | CPU ratio | wall before s | wall after s | wall ratio | RSS before MiB | RSS after MiB | flag |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for lab in order:
    b, a = d[(lab, "before")], d[(lab, "after")]
    cb, ca = st.median(x[0] for x in b), st.median(x[0] for x in a)
    wb, wa = st.median(x[1] for x in b), st.median(x[1] for x in a)
    rb, ra = st.median(x[2] for x in b) / 1024, st.median(x[2] for x in a) / 1024
    cr = ca / cb if cb else float("nan")
    wr = wa / wb if wb else float("nan")
    flag = []
    if cr > 1.05: flag.append("CPU >5%")
    if wr > 1.05: flag.append("wall >5%")
    print(f"| {lab} | {cb:.2f} | {ca:.2f} | {cr:.3f} | {wb:.2f} | {wa:.2f} | {wr:.3f} | {rb:.1f} | {ra:.1f} | {', '.join(flag)} |")
PY
