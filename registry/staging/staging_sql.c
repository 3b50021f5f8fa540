/* staging_sql.c — staging as SQLite functions on store connections (registered by the store):
 *
 *   crtk_stage(algorithm, output, keys)   the value of OUTPUT (an algorithm key such as ss2018_derived,
 *                                         or its NAACCR id such as derivedSummaryStage2018) after staging
 *                                         the case KEYS written in key notation ('site=C504;hist=8500;...');
 *                                         NULL when not staged or no such output
 *   crtk_schema_id(algorithm, keys)       the schema selected for KEYS (site, hist, discriminators), NULL
 *                                         unless exactly one
 * Example: SELECT crtk_stage('eod','derivedSummaryStage2018','site='||primarySite||';hist='||
 *          histologicTypeIcdO3||';year_dx='||substr(dateOfDiagnosis,1,4)||...) FROM tumor;
 * Algorithms load on first use; one run object per algorithm and connection is reused.
 */
#include "staging_private.h"

#include <sqlite3.h>
#include <string.h>

typedef struct sql_state {
    crtk_stage_run *runs[8];
} sql_state;

static void state_free(void *p)
{
    sql_state *s = p;
    for (int i = 0; i < 8; i++)
        crtk_stage_run_free(s->runs[i]);
    g_free(s);
}

static crtk_stage_run *state_run(sqlite3_context *ctx, sqlite3_value *alg_arg)
{
    sql_state *s = sqlite3_user_data(ctx);
    const char *name = (const char *)sqlite3_value_text(alg_arg);
    GError *err = NULL;
    const crtk_staging *alg = name ? crtk_staging_get(name, &err) : NULL;
    if (!alg) {
        sqlite3_result_error(ctx, err ? err->message : "crtk_stage: algorithm is NULL", -1);
        g_clear_error(&err);
        return NULL;
    }
    for (int i = 0; i < 8; i++) {
        if (!s->runs[i])
            s->runs[i] = crtk_stage_run_new(alg);
        if (crtk_stage_run_algorithm(s->runs[i]) == alg)
            return s->runs[i];
    }
    return NULL;
}

static gboolean set_keys(sqlite3_context *ctx, crtk_stage_run *run, sqlite3_value *v)
{
    crtk_stage_run_reset(run);
    const char *keys = (const char *)sqlite3_value_text(v);
    GError *err = NULL;
    if (keys && !crtk_stage_run_set_keys(run, keys, strlen(keys), &err)) {
        char *m = sqlite3_mprintf("crtk_stage: keys %s", err->message);
        sqlite3_result_error(ctx, m, -1);
        sqlite3_free(m);
        g_error_free(err);
        return FALSE;
    }
    return TRUE;
}

static void fn_stage(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    crtk_stage_run *run = state_run(ctx, argv[0]);
    const char *want = (const char *)sqlite3_value_text(argv[1]);
    if (!run || !want || !set_keys(ctx, run, argv[2]))
        return;
    if (crtk_stage_run_stage(run) != CRTK_STAGE_STAGED) {
        sqlite3_result_null(ctx);
        return;
    }
    const crtk_staging *alg = crtk_stage_run_algorithm(run);
    for (guint i = 0; i < crtk_stage_run_output_count(run); i++) {
        const char *v, *k = crtk_stage_run_output(run, i, &v);
        const char *id = crtk_staging_key_naaccr_id(alg, k);
        if (!strcmp(k, want) || (id && !strcmp(id, want))) {
            if (v)
                sqlite3_result_text(ctx, v, -1, SQLITE_TRANSIENT);
            else
                sqlite3_result_null(ctx);
            return;
        }
    }
    sqlite3_result_null(ctx);
}

static void fn_schema_id(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    crtk_stage_run *run = state_run(ctx, argv[0]);
    if (!run || !set_keys(ctx, run, argv[1]))
        return;
    if (crtk_stage_run_lookup(run) == 1)
        sqlite3_result_text(ctx, crtk_staging_schema_id(crtk_stage_run_algorithm(run), (guint)crtk_stage_run_candidate(run, 0)),
                            -1, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

gboolean crtk_staging_register_sqlite(sqlite3 *db, GError **error)
{
    sql_state *s = g_new0(sql_state, 1);
    int rc = sqlite3_create_function_v2(db, "crtk_stage", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, s, fn_stage, NULL,
                                        NULL, state_free);
    if (rc == SQLITE_OK) {
        sql_state *s2 = g_new0(sql_state, 1);
        rc = sqlite3_create_function_v2(db, "crtk_schema_id", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, s2, fn_schema_id,
                                        NULL, NULL, state_free);
    }
    if (rc != SQLITE_OK) {
        g_set_error(error, g_quark_from_static_string("crtk-staging"), 1, "registering staging SQL functions: %s",
                    sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}
