#!/bin/bash
# test.sh — build crtk and run every test twice: a normal build, then one with
# AddressSanitizer and UndefinedBehaviorSanitizer.  Warnings are errors.
#
# Build directories: build/ and build-asan/ (override with CRTK_BUILD_DIR and
# CRTK_ASAN_BUILD_DIR).  Tests that need the reference data in ../shared (CTest label
# needs-reference-data) report themselves skipped when it is absent; with CI=true a missing
# ../shared (or a skipped test) is a failure.  Exits non-zero when any build or test fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

SHARED=${CRTK_SHARED_DIR:-../shared}
if [ "${CI:-}" = true ] && [ ! -d "$SHARED" ]; then
    echo "test.sh: CI=true but the reference data $SHARED is absent: the tests labelled" >&2
    echo "needs-reference-data cannot check crtk against it.  Put the reference material there" >&2
    echo "(or set CRTK_SHARED_DIR to where it is)." >&2
    exit 1
fi
SHARED_ARG=()
[ -n "${CRTK_SHARED_DIR:-}" ] && SHARED_ARG=(-DCRTK_SHARED_DIR="$CRTK_SHARED_DIR")

BUILD=${CRTK_BUILD_DIR:-build}
ASAN_BUILD=${CRTK_ASAN_BUILD_DIR:-build-asan}
JOBS=$(nproc 2>/dev/null || echo 2)
# Leak checking is on: crtk frees what it allocates, and GLib's one-time
# allocations are still reachable at exit, which LeakSanitizer does not report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Font libraries (PDF letters) keep caches for the life of the process: tests/lsan.supp.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}

run() { # run NAME BUILD_DIR CMAKE_ARGS...
    local name=$1 dir=$2
    shift 2
    echo "== $name: configure and build in $dir"
    cmake -S . -B "$dir" -DCRTK_WERROR=ON "${SHARED_ARG[@]}" "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS"
    echo "== $name: tests"
    (cd "$dir" && ctest --output-on-failure -j "$JOBS")
}

run "normal build" "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The sanitizer build is also the shared-library build (libcrtk.so, libcrtk-reports.so), so both
# ways of building the libraries are built and tested.
run "sanitizer build (ASan+UBSan, shared libraries)" "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRTK_SANITIZE=ON -DBUILD_SHARED_LIBS=ON
echo "== all tests passed in both builds"
