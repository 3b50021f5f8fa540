/* fuzz_store_fixture.h — for the fuzz targets that need a store (followup_csv, case_form): one small
 * store, made once per fuzzing process in a private temporary directory, with patient 00000001 and
 * one tumor. */
#ifndef CRTK_FUZZ_STORE_FIXTURE_H
#define CRTK_FUZZ_STORE_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "crtk/case_entry.h"
#include "crtk/store.h"

static char *fuzz_store_dir;
static crtk_store *fuzz_store_made;

static void fuzz_store_remove(void) /* at exit: nothing is left behind */
{
    crtk_store_close(fuzz_store_made);
    GDir *d = g_dir_open(fuzz_store_dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d))) {
        char *p = g_build_filename(fuzz_store_dir, n, NULL);
        g_unlink(p);
        g_free(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(fuzz_store_dir);
}

static void fuzz_store_fail(GError *e) /* the fixture itself failed: say why, then stop */
{
    fprintf(stderr, "fuzz store fixture: %s\n", e ? e->message : "failed");
    abort();
}

static crtk_store *fuzz_store(void)
{
    static crtk_store *s;
    if (s)
        return s;
    GError *e = NULL;
    fuzz_store_dir = g_dir_make_tmp("crtk-fuzz-XXXXXX", &e);
    if (!fuzz_store_dir)
        fuzz_store_fail(e);
    char *db = g_build_filename(fuzz_store_dir, "f.db", NULL);
    s = crtk_store_create(db, 260, NULL, &e);
    g_free(db);
    if (!s)
        fuzz_store_fail(e);
    crtk_store_set_actor(s, "fuzz", "fuzz");
    const char *items[] = {"patientIdNumber", "sexAssignedAtBirth", "dateOfBirth", "primarySite", "dateOfDiagnosis",
                           "histologicTypeIcdO3", "behaviorCodeIcdO3"};
    const char *values[] = {"00000001", "2", "19500101", "C509", "20200115", "8500", "3"};
    crtk_case_created out;
    if (!crtk_case_create(s, 0, items, values, 7, &out, &e))
        fuzz_store_fail(e);
    g_free(out.patient_id_number);
    fuzz_store_made = s;
    atexit(fuzz_store_remove);
    return s;
}
#endif
