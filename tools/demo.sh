#!/bin/bash
# demo.sh — build crtk and show what it does on the synthetic sample registry.
#
# No real person's data: sample-data/ holds generated cases only.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${CRTK_BUILD_DIR:-build}
cmake -S . -B "$BUILD" >/dev/null
cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
CRTK=$BUILD/crtk

step() { echo; echo "\$ crtk $*"; "$CRTK" "$@"; }

if [ -f sample-data/sample-registry.xml ]; then
    step validate sample-data/sample-registry.xml
else
    echo "(sample-data/sample-registry.xml is not there yet; skipping validate)"
fi
step dictionary primarySite
