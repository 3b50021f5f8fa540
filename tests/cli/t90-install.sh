#!/bin/bash
# t90-install.sh — the library as a user of it sees it: `cmake --install` into a prefix gives the
# headers, libcrtk, libcrtk-reports and crtk.pc; the programs of examples/ build against the
# installed files alone (pkg-config) and give the answers an independent count gives; a shared
# libcrtk exports crtk_* symbols only.  The sanitizer build skips this (its objects need the
# sanitizer runtime, which pkg-config does not name).
# Environment (set by ctest): CRTK, CRTK_SOURCE, CRTK_BUILD_DIR, CRTK_SANITIZE, CRTK_SHARED_LIBS.
. "$(dirname "$0")/lib.sh" t90
: "${CRTK_BUILD_DIR:?}" "${CRTK_SOURCE:?}"
# A shared libcrtk exports crtk_* only (checked in whichever build is shared).
if [ "${CRTK_SHARED_LIBS:-OFF}" = ON ]; then
    for lib in "$CRTK_BUILD_DIR/libcrtk.so" "$CRTK_BUILD_DIR/libcrtk-reports.so"; do
        other=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^crtk_')
        [ -z "$other" ] && ok || fail "$lib exports symbols without crtk_: $other"
        n=$(nm -D --defined-only "$lib" | wc -l); [ "$n" -gt 50 ] && ok || fail "$lib exports only $n symbols"
    done
fi
if [ "${CRTK_SANITIZE:-OFF}" = ON ]; then echo "SKIPPED: examples in the sanitizer build (they run in the normal build); $checks checks, $fails failed"; [ "$fails" -eq 0 ] && exit 77; exit 1; fi
command -v pkg-config >/dev/null || skip "pkg-config is not installed"

PREFIX=$TMP/prefix
if cmake --install "$CRTK_BUILD_DIR" --prefix "$PREFIX" >"$TMP/install.log" 2>&1; then ok; else fail "cmake --install"; cat "$TMP/install.log"; fi
LIBDIR=$(ls -d "$PREFIX"/lib* | head -1)
for f in include/crtk/crtk.h include/crtk/store.h include/crtk/version.h include/crtk/crtk-reports.h bin/crtk; do
    [ -e "$PREFIX/$f" ] && ok || fail "installed $f"
done
[ -x "$PREFIX/libexec/crtk/crtk-full" ] && ok || fail "installed libexec/crtk/crtk-full"
# The installed crtk runs the web server and PDF output in crtk-full, and loads neither itself.
out=$("$PREFIX/bin/crtk" serve --help 2>&1) && [[ "$out" == *"--listen"* ]] && ok || fail "installed crtk serve --help: $out"
out=$("$PREFIX/bin/crtk" followup letters --help 2>&1) && [[ "$out" == *"--to"* ]] && ok || fail "installed crtk followup letters --help: $out"
if command -v readelf >/dev/null; then
    needed=$(readelf -d "$PREFIX/bin/crtk" | grep NEEDED)
    [[ "$needed" != *soup* && "$needed" != *pango* && "$needed" != *cairo* ]] && ok || fail "crtk loads the web or PDF libraries: $needed"
fi
[ -e "$LIBDIR/pkgconfig/crtk.pc" ] && ok || fail "installed crtk.pc"
[ -e "$LIBDIR/pkgconfig/crtk-reports.pc" ] && ok || fail "installed crtk-reports.pc"
ls "$LIBDIR"/libcrtk.* >/dev/null 2>&1 && ok || fail "installed libcrtk"
ls "$LIBDIR"/libcrtk-reports.* >/dev/null 2>&1 && ok || fail "installed libcrtk-reports"
# Nothing private is installed.
for f in store_private.h edit_expr.h xml_scan.h line_reader.h schemas.h; do
    [ ! -e "$PREFIX/include/crtk/$f" ] && ok || fail "private header $f installed"
done

export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
STATIC=--static
[ "${CRTK_SHARED_LIBS:-OFF}" = ON ] && STATIC=
if [ "$(pkg-config --modversion crtk)" = "$("$CRTK" --version | awk '{print $2}')" ]; then ok; else fail "crtk.pc version differs from crtk --version"; fi
for ex in count_tumors import_file run_edits; do
    # shellcheck disable=SC2046
    # the example's own code must be warning-free; the link may run the static library's link-time
    # optimisation, whose diagnostics are the library's (its own build checks them)
    if cc -Wall -Wextra -Werror -c -o "$TMP/$ex.o" "$CRTK_SOURCE/examples/$ex.c" $(pkg-config --cflags crtk) 2>"$TMP/cc.log" &&
        cc -o "$TMP/$ex" "$TMP/$ex.o" $(pkg-config $STATIC --libs crtk) -Wl,-rpath,"$LIBDIR" 2>>"$TMP/cc.log"; then
        ok
    else
        fail "example $ex does not build from the installed files"; cat "$TMP/cc.log"
    fi
done

SAMPLE=$CRTK_SOURCE/sample-data/sample-registry.xml
patients=$(grep -c '<Patient>' "$SAMPLE"); tumors=$(grep -c '<Tumor>' "$SAMPLE")
out=$("$TMP/count_tumors" "$SAMPLE")
[ "$out" = "$patients patients, $tumors tumors" ] && ok || fail "count_tumors: '$out', grep counts $patients/$tumors"
gzip -c "$SAMPLE" >"$TMP/s.xml.gz"
out=$("$TMP/count_tumors" "$TMP/s.xml.gz")
[ "$out" = "$patients patients, $tumors tumors" ] && ok || fail "count_tumors on .gz: '$out'"
"$CRTK" convert "$SAMPLE" "$TMP/s.csv" >/dev/null 2>&1
out=$("$TMP/count_tumors" "$TMP/s.csv")
csv_rows=$(($(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1]))))' "$TMP/s.csv") - 1))
[ "$out" = "$patients patients, $tumors tumors" ] && [ "$csv_rows" -eq "$tumors" ] && ok || fail "count_tumors on CSV: '$out' ($csv_rows rows)"

out=$("$TMP/import_file" "$TMP/reg.db" "$SAMPLE" 2>"$TMP/err")
[ "$out" = "imported $patients patients, $tumors tumors" ] && ok || fail "import_file: '$out'"
rows=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*) from patient").fetchone()[0], c.execute("select count(*) from tumor").fetchone()[0])' "$TMP/reg.db")
[ "$rows" = "$patients $tumors" ] && ok || fail "import_file store rows: $rows"
[ "$(stat -c %a "$TMP/reg.db")" = 600 ] && ok || fail "store made by the example is not owner-only"

"$TMP/run_edits" "$SAMPLE" hospital >"$TMP/edits.out"; erc=$?
run edits "$SAMPLE" --set hospital --format json
n_cli=$(grep -v '"summary"' "$TMP/out" | grep -c '"edit"')
n_ex=$(($(wc -l <"$TMP/edits.out") - 1))
[ "$n_cli" -eq "$n_ex" ] && ok || fail "run_edits: $n_ex failures, crtk edits: $n_cli"
tail -1 "$TMP/edits.out" | grep -qE "^$tumors tumors, $n_ex failures$" && ok || fail "run_edits summary: $(tail -1 "$TMP/edits.out")"
{ [ "$n_ex" -gt 0 ] && [ $erc -eq 1 ]; } || { [ "$n_ex" -eq 0 ] && [ $erc -eq 0 ]; } && ok || fail "run_edits exit $erc"

finish
