/* cmd_stage.c — `crtk stage`: SEER staging (EOD, TNM, CS, Pediatric) of cases.
 *
 *   crtk stage --algorithm eod|tnm|cs|pediatric --keys FILE|- [--context ctx_year_current=2026] [--lookup]
 *       one case per line in the engine's key notation (site=C504;hist=8500;year_dx=2021; `k=` a
 *       supplied blank, `k=<null>` a supplied null, a key not written is absent); writes CSV
 *       result,schema_id,candidates,outputs,errors,path,error_messages (README §8.5 notation), or
 *       with --lookup count,ids (schema selection only).
 *   crtk stage FILE|STORE [--where SQL] [--algorithm ...] [--format text|json|csv] [--save]
 *       stages every tumor of a NAACCR file or a store (see cmd_stage_tumors.c).
 * --algorithm-dir DIR loads a newer algorithm (SEER's zip or its unpacked JSON) instead of the built-in one.
 */
#include "commands.h"
#include "crtk/staging.h"
#include "crtk/json.h"
#include "crtk/csv.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int crtk_stage_tumors(const char *path, const char *where, const crtk_staging *alg, const char *format, gboolean save,
                      const char *user, char **contexts);

typedef struct err_line {
    char *code;
    const char *message;
} err_line;

static int cmp_err(const void *a, const void *b)
{
    const err_line *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    return c ? c : g_strcmp0(x->message, y->message);
}

static void write_result(GString *o, const crtk_staging *alg, crtk_stage_run *run, crtk_stage_result res)
{
    crtk_csv_append_field(o, crtk_stage_result_name(res), TRUE);
    int s = crtk_stage_run_schema(run);
    crtk_csv_append_field(o, s >= 0 ? crtk_staging_schema_id(alg, (guint)s) : "", FALSE);
    GString *f = g_string_new(NULL);
    if (res != CRTK_STAGE_FAILED_MISSING_SITE_OR_HISTOLOGY)
        for (guint i = 0; i < crtk_stage_run_candidate_count(run); i++) {
            if (i)
                g_string_append_c(f, '|');
            g_string_append(f, crtk_staging_schema_id(alg, (guint)crtk_stage_run_candidate(run, i)));
        }
    crtk_csv_append_field(o, f->str, FALSE);
    g_string_truncate(f, 0);
    for (guint i = 0; i < crtk_stage_run_output_count(run); i++) {
        const char *v;
        const char *k = crtk_stage_run_output(run, i, &v);
        if (i)
            g_string_append_c(f, ';');
        g_string_append_printf(f, "%s=%s", k, v ? v : "<null>");
    }
    crtk_csv_append_field(o, f->str, FALSE);
    guint ne = crtk_stage_run_error_count(run);
    err_line *errs = g_new0(err_line, ne + 1);
    for (guint i = 0; i < ne; i++) {
        const crtk_stage_error *e = crtk_stage_run_error(run, i);
        errs[i].code = g_strdup_printf("%s:%s:%s:%s", crtk_stage_error_type_name(e->type), e->key ? e->key : "",
                                       e->table ? e->table : "", e->columns ? e->columns : "");
        errs[i].message = e->message;
    }
    qsort(errs, ne, sizeof *errs, cmp_err);
    g_string_truncate(f, 0);
    for (guint i = 0; i < ne; i++) {
        if (i)
            g_string_append_c(f, '|');
        g_string_append(f, errs[i].code);
    }
    crtk_csv_append_field(o, f->str, FALSE);
    g_string_truncate(f, 0);
    for (guint i = 0; i < crtk_stage_run_path_count(run); i++) {
        if (i)
            g_string_append_c(f, '|');
        g_string_append(f, crtk_stage_run_path(run, i));
    }
    crtk_csv_append_field(o, f->str, FALSE);
    g_string_truncate(f, 0);
    for (guint i = 0; i < ne; i++) {
        if (i)
            g_string_append(f, " | ");
        g_string_append(f, errs[i].message ? errs[i].message : "");
        g_free(errs[i].code);
    }
    crtk_csv_append_field(o, f->str, FALSE);
    g_string_append_c(o, '\n');
    g_free(errs);
    g_string_free(f, TRUE);
}

/* --repeat N: the engine's speed on the cases of KEYS held in memory (no output, no parsing of text
 * per run beyond setting the keys): prints cases per second for selection or staging on stderr. */
static void free_case(gpointer p)
{
    char **kv = p;
    for (int k = 0; kv[k]; k += 2) {
        if (GPOINTER_TO_SIZE(kv[k]) > (gsize)G_MAXINT32)
            g_free(kv[k]);
        g_free(kv[k + 1]);
    }
    g_free(kv);
}

static int time_keys(const crtk_staging *alg, FILE *in, crtk_stage_run *run, gboolean lookup, int repeat)
{
    GPtrArray *cases = g_ptr_array_new_with_free_func(free_case);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        GPtrArray *kv = g_ptr_array_new();
        char **pairs = g_strsplit(line, ";", -1);
        for (char **p = pairs; *p; p++) {
            char *eq = strchr(*p, '=');
            if (!eq)
                continue;
            char *k = g_strndup(*p, (gsize)(eq - *p));
            /* keys resolved once, as a bulk caller does (unknown keys take the copying path) */
            g_ptr_array_add(kv, crtk_staging_key_id(alg, k) >= 0 ? GINT_TO_POINTER(crtk_staging_key_id(alg, k) + 1)
                                                                  : (gpointer)k);
            if (crtk_staging_key_id(alg, k) >= 0)
                g_free(k);
            g_ptr_array_add(kv, g_strdup(eq + 1));
        }
        g_strfreev(pairs);
        g_ptr_array_add(kv, NULL);
        g_ptr_array_add(cases, g_ptr_array_free(kv, FALSE));
    }
    free(line);
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    gint64 t0 = g_get_monotonic_time();
    guint64 staged = 0, total = 0;
    for (int r = 0; r < repeat; r++)
        for (guint i = 0; i < cases->len; i++) {
            char **kv = cases->pdata[i];
            crtk_stage_run_reset(run);
            for (int k = 0; kv[k]; k += 2) {
                if (GPOINTER_TO_SIZE(kv[k]) <= (gsize)G_MAXINT32)
                    crtk_stage_run_set_id(run, GPOINTER_TO_INT(kv[k]) - 1, kv[k + 1]);
                else
                    crtk_stage_run_set(run, kv[k], kv[k + 1]);
            }
            if (lookup)
                staged += crtk_stage_run_lookup(run) == 1;
            else
                staged += crtk_stage_run_stage(run) == CRTK_STAGE_STAGED;
            total++;
        }
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    fprintf(stderr,
            "%s %s: %" G_GUINT64_FORMAT " cases in %.3f s wall, %.3f s CPU = %.0f cases/s wall, %.0f cases/s CPU (%"
            G_GUINT64_FORMAT " %s)\n",
            crtk_staging_algorithm(alg), lookup ? "selection" : "staging", total, secs, cpu,
            total / (secs > 0 ? secs : 1e-9), total / (cpu > 0 ? cpu : 1e-9), staged,
            lookup ? "with exactly one schema" : "STAGED");
    g_ptr_array_free(cases, TRUE);
    return EXIT_OK;
}

static int run_keys(const crtk_staging *alg, const char *keys, char **contexts, gboolean lookup, int repeat)
{
    FILE *in = strcmp(keys, "-") ? fopen(keys, "r") : stdin;
    if (!in) {
        crtk_cli_error("%s: %s", keys, g_strerror(errno));
        return EXIT_USAGE;
    }
    crtk_stage_run *run = crtk_stage_run_new(alg);
    for (char **c = contexts; c && *c; c++) {
        char *eq = strchr(*c, '=');
        if (!eq) {
            crtk_cli_error("--context %s: expected key=value", *c);
            crtk_stage_run_free(run);
            return EXIT_USAGE;
        }
        char *k = g_strndup(*c, (gsize)(eq - *c));
        crtk_stage_run_set_context(run, k, eq + 1);
        g_free(k);
    }
    if (repeat > 0) {
        int r = time_keys(alg, in, run, lookup, repeat);
        crtk_stage_run_free(run);
        if (in != stdin)
            fclose(in);
        return r;
    }
    GString *o = g_string_new(lookup ? "count,ids\n" : "result,schema_id,candidates,outputs,errors,path,error_messages\n");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = EXIT_OK;
    while ((n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        crtk_stage_run_reset(run);
        GError *why = NULL;
        if (!crtk_stage_run_set_keys(run, line, (gsize)n, &why)) {
            crtk_cli_error("%s:%ld: %s", keys, lineno, why->message);
            g_error_free(why);
            rc = EXIT_USAGE;
            break;
        }
        if (lookup) {
            guint c = crtk_stage_run_lookup(run);
            g_string_append_printf(o, "%u,", c);
            GString *ids = g_string_new(NULL);
            for (guint i = 0; i < c; i++) {
                if (i)
                    g_string_append_c(ids, '|');
                g_string_append(ids, crtk_staging_schema_id(alg, (guint)crtk_stage_run_candidate(run, i)));
            }
            crtk_csv_append_field(o, ids->str, TRUE);
            g_string_append_c(o, '\n');
            g_string_free(ids, TRUE);
        } else
            write_result(o, alg, run, crtk_stage_run_stage(run));
        if (o->len > (1 << 16)) {
            fwrite(o->str, 1, o->len, stdout);
            g_string_truncate(o, 0);
        }
    }
    fwrite(o->str, 1, o->len, stdout);
    fflush(stdout);
    g_string_free(o, TRUE);
    free(line);
    crtk_stage_run_free(run);
    if (in != stdin)
        fclose(in);
    return rc;
}

int cmd_stage(int argc, char **argv)
{
    char *algorithm = NULL, *algorithm_dir = NULL, *keys = NULL, *where = NULL, *format = NULL, *user = NULL;
    char **contexts = NULL;
    gboolean lookup = FALSE, save = FALSE;
    int repeat = 0;
    GOptionEntry entries[] = {
        {"algorithm", 'a', 0, G_OPTION_ARG_STRING, &algorithm, "eod, tnm, cs or pediatric (default: by year of diagnosis)", "NAME"},
        {"algorithm-dir", 0, 0, G_OPTION_ARG_FILENAME, &algorithm_dir, "load the algorithm from a SEER zip or unpacked JSON directory", "DIR"},
        {"keys", 'k', 0, G_OPTION_ARG_FILENAME, &keys, "cases in the engine's key notation, one per line (- = stdin)", "FILE"},
        {"context", 0, 0, G_OPTION_ARG_STRING_ARRAY, &contexts, "context value, e.g. ctx_year_current=2026 (repeatable)", "K=V"},
        {"lookup", 0, 0, G_OPTION_ARG_NONE, &lookup, "with --keys: schema selection only (count,ids)", NULL},
        {"repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "with --keys: time the engine over the cases N times (bench/)", "N"},
        {"where", 'w', 0, G_OPTION_ARG_STRING, &where, "store: only tumors matching this SQL condition", "SQL"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "text, json or csv (default text)", "FORMAT"},
        {"save", 0, 0, G_OPTION_ARG_NONE, &save, "store: write the derived items back (audited)", NULL},
        {"user", 'u', 0, G_OPTION_ARG_STRING, &user, "who saves (for the audit trail)", "NAME"},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    GOptionContext *ctx = g_option_context_new("[FILE|STORE] — SEER staging: schema, derived stage and grade, input problems");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int exit_code = EXIT_OK;
    if (!crtk_cli_parse(ctx, &argc, &argv, &exit_code)) {
        g_option_context_free(ctx);
        return exit_code;
    }
    g_option_context_free(ctx);
    int rc = EXIT_USAGE;
    crtk_staging *owned = NULL;
    const crtk_staging *alg = NULL;
    GError *err = NULL;
    if (algorithm_dir) {
        alg = owned = crtk_staging_load(algorithm_dir, &err);
        if (!alg) {
            crtk_cli_error("%s", err->message);
            g_error_free(err);
            goto out;
        }
    } else if (algorithm) {
        alg = crtk_staging_get(algorithm, &err);
        if (!alg) {
            crtk_cli_error("%s", err->message);
            g_error_free(err);
            goto out;
        }
    }
    if (keys) {
        if (argc > 1) {
            crtk_cli_error("--keys takes no FILE argument");
            goto out;
        }
        if (!alg) {
            crtk_cli_error("--keys needs --algorithm or --algorithm-dir");
            goto out;
        }
        rc = run_keys(alg, keys, contexts, lookup, repeat);
    } else {
        if (argc != 2) {
            crtk_cli_error("usage: crtk stage FILE|STORE [--where SQL] [--algorithm NAME] [--format text|json|csv] [--save]"
                           " or crtk stage --algorithm NAME --keys FILE|-");
            goto out;
        }
        if (format && strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv")) {
            crtk_cli_error("--format must be text, json or csv");
            goto out;
        }
        rc = crtk_stage_tumors(argv[1], where, alg, format ? format : "text", save, user, contexts);
    }
out:
    crtk_staging_free(owned);
    g_free(algorithm);
    g_free(algorithm_dir);
    g_free(keys);
    g_free(where);
    g_free(format);
    g_free(user);
    g_strfreev(contexts);
    return rc;
}
