#!/bin/bash
# bench-digests.sh — what row digests and the version-2 audit chain cost: import, re-import (all matched),
# export, case set and audit --verify with two crtk builds in the same run, as ratios (after / before).
# The target (issue 10) is at most 10% slower for import, export and edits.
#
# Usage: bench/bench-digests.sh BEFORE_CRTK AFTER_CRTK [PATIENTS] [RUNS]
#   BEFORE_CRTK: a crtk built before row digests (e.g. git worktree of main, built); AFTER_CRTK: this one.
# Each step is timed RUNS times (default 3) alternating the builds; the best CPU time of each is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:?BEFORE_CRTK}
AFTER=${2:?AFTER_CRTK}
PATIENTS=${3:-20000}
RUNS=${4:-3}
GEN=${GEN:-build/crtk-generate}
DATA=bench/data
mkdir -p "$DATA"
IN=$DATA/v25-incidence-$PATIENTS.xml
[ -s "$IN" ] || "$GEN" --seed 2026 --patients "$PATIENTS" --naaccr-version 25 --record-type I -o "$IN" --quiet
# CPU seconds (user + system) of the command: on a shared machine wall time measures the neighbours
secs() { /usr/bin/time -o "$DATA/digests-time" -f "%U %S" "$@" >/dev/null 2>&1 || true; awk '{ print $1 + $2 }' "$DATA/digests-time"; }
declare -A best
keep() { local k=$1 v=$2; if [ -z "${best[$k]:-}" ] || [ "$(echo "$v < ${best[$k]}" | bc)" = 1 ]; then best[$k]=$v; fi; }
for run in $(seq "$RUNS"); do
    for which in before after; do
        C=$BEFORE; [ "$which" = after ] && C=$AFTER
        DB=$DATA/digests-$which.db
        rm -f "$DB" "$DB"-wal "$DB"-shm "$DB".checkpoints
        "$C" init "$DB" --naaccr-version 25 >/dev/null
        sync
        keep "$which import" "$(secs "$C" import "$DB" "$IN")"
        keep "$which re-import (all matched)" "$(secs "$C" import "$DB" "$IN")"
        keep "$which export" "$(secs "$C" export "$DB" -o "$DATA/digests-export.xml")"
        keep "$which case set x20" "$(secs bash -c "for i in \$(seq 1 20); do $C case set $DB 0000000\$((i % 9 + 1)) nameLast=BENCH\$i; done")"
        keep "$which audit --verify" "$(secs "$C" audit "$DB" --verify)"
        rm -f "$DATA/digests-export.xml" "$DB" "$DB"-wal "$DB"-shm
    done
done
tumors=$(grep -c '<Tumor>' "$IN")
echo "bench-digests: $PATIENTS patients, $tumors tumors, best of $RUNS runs"
for step in "import" "re-import (all matched)" "export" "case set x20" "audit --verify"; do
    b=${best["before $step"]} a=${best["after $step"]}
    awk -v s="$step" -v b="$b" -v a="$a" 'BEGIN { printf "%-26s before %7.2f s  after %7.2f s CPU  ratio %.3f\n", s, b, a, a / b }'
done
