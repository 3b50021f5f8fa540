/* store_query.c — reading a store in bulk: read-only SQL for reports and `crtk sql` (an
 * authorizer refuses anything that writes), counting and iterating the patients a --where
 * condition selects.  Iteration streams patients and their tumors with two ordered cursors, so
 * exporting a million tumors needs no more memory than one patient.
 */
#include "store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* The functions a query may call: crtk's derived-variable functions (crtk_*) and SQLite's ordinary
 * scalar, aggregate, window, date, math and JSON functions.  Not load_extension, fts3_tokenizer
 * (which hands out a library pointer), sqlite_compileoption_* or anything else added later. */
static gboolean sql_function_allowed(const char *name)
{
    static const char *const allowed[] = {
        "abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "instr",
        "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length",
        "printf", "quote", "random", "replace", "round", "rtrim", "sign", "soundex", "substr", "substring",
        "trim", "typeof", "unhex", "unicode", "unlikely", "upper", "zeroblob", "randomblob",
        "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff",
        "avg", "count", "group_concat", "string_agg", "sum", "total",
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
        "first_value", "last_value", "nth_value",
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh",
        "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians",
        "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
        "json", "json_array", "json_array_length", "json_extract", "json_insert", "json_object", "json_patch",
        "json_quote", "json_remove", "json_replace", "json_set", "json_type", "json_valid",
        "json_group_array", "json_group_object", "json_each", "json_tree", NULL};
    if (!name)
        return FALSE;
    if (!g_ascii_strncasecmp(name, "crtk_", 5))
        return TRUE;
    for (int i = 0; allowed[i]; i++)
        if (!g_ascii_strcasecmp(name, allowed[i]))
            return TRUE;
    return FALSE;
}

static int read_only_authorizer(void *user, int action, const char *a, const char *b, const char *c, const char *d)
{
    (void)user, (void)a, (void)b, (void)c, (void)d;
    /* SQLite itself touches sqlite_master when it sets up a table-valued pragma. */
    if (action == SQLITE_UPDATE && a && !strcmp(a, "sqlite_master"))
        return SQLITE_OK;
    switch (action) {
    case SQLITE_PRAGMA: {
        /* Pragmas that only describe the store. */
        static const char *const with_arg[] = {"table_info", "table_xinfo", "index_list", "index_info",
                                               "foreign_key_list", NULL};
        static const char *const no_arg[] = {"journal_mode", "user_version", "page_count", "page_size",
                                             "database_list", NULL};
        for (int i = 0; with_arg[i]; i++)
            if (a && !g_ascii_strcasecmp(a, with_arg[i]))
                return SQLITE_OK;
        for (int i = 0; no_arg[i]; i++)
            if (a && !b && !g_ascii_strcasecmp(a, no_arg[i]))
                return SQLITE_OK;
        return SQLITE_DENY;
    }
    case SQLITE_FUNCTION:
        return sql_function_allowed(b) ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    default:
        return SQLITE_DENY;
    }
}

static gboolean prepare_read_only(crtk_store *s, const char *sql, sqlite3_stmt **st, GError **error)
{
    const char *tail = NULL;
    sqlite3_set_authorizer(s->db, read_only_authorizer, NULL);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, &tail);
    sqlite3_set_authorizer(s->db, NULL, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "SQL: %s (only reading is allowed, with crtk's functions and SQLite's ordinary ones)",
                    sqlite3_errmsg(s->db));
        return FALSE;
    }
    while (tail && g_ascii_isspace(*tail))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(*st);
        *st = NULL;
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: only one statement is allowed (found \"%s\")", tail);
        return FALSE;
    }
    if (!sqlite3_stmt_readonly(*st)) {
        sqlite3_finalize(*st);
        *st = NULL;
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: the statement would change the store");
        return FALSE;
    }
    return TRUE;
}

typedef struct {
    gint64 deadline;
    gboolean *timed_out;
} query_clock;

static int past_deadline(void *user)
{
    query_clock *c = user;
    if (g_get_monotonic_time() > c->deadline) {
        *c->timed_out = TRUE;
        return 1;
    }
    return 0;
}

void crtk_store_set_query_time_limit(crtk_store *s, int seconds)
{
    s->query_seconds = seconds;
}

int crtk_store_query_time_limit(const crtk_store *s)
{
    return s->query_seconds;
}

/* crtk_store_select with either callback (one of fn, typed_fn). */
static gboolean select_rows(crtk_store *s, const char *sql, const char *const *params, int n_params,
                            crtk_store_row_fn fn, crtk_store_typed_row_fn typed_fn, void *user, GError **error)
{
    sqlite3_stmt *st;
    if (!prepare_read_only(s, sql, &st, error))
        return FALSE;
    for (int i = 0; i < n_params; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    int n = sqlite3_column_count(st);
    const char **vals = g_new0(const char *, n + 1);
    const char **names = g_new0(const char *, n + 1);
    gboolean *numbers = g_new0(gboolean, n + 1);
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    int rc;
    gboolean ok = TRUE;
    /* Limits: no value above SQLITE_LIMIT_LENGTH, no query running past the time limit. */
    int old_length = sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, CRTK_SQL_MAX_LENGTH);
    gboolean timed_out = FALSE;
    query_clock qc = {g_get_monotonic_time() + (gint64)s->query_seconds * G_USEC_PER_SEC, &timed_out};
    if (s->query_seconds > 0)
        sqlite3_progress_handler(s->db, 10000, past_deadline, &qc);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++) {
            int type = sqlite3_column_type(st, i); /* before the text conversion */
            numbers[i] = type == SQLITE_INTEGER || type == SQLITE_FLOAT;
            vals[i] = (const char *)sqlite3_column_text(st, i);
        }
        if ((fn ? fn(n, vals, names, user) : typed_fn(n, vals, numbers, names, user)) == CRTK_ABORT)
            break;
    }
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, old_length);
    if (timed_out) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "SQL: stopped by the time limit after %d s (--time-limit SECONDS to allow more)", s->query_seconds);
        ok = FALSE;
    } else if (rc == SQLITE_TOOBIG) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                    "SQL: a value would exceed the size limit of %d bytes (SQLITE_LIMIT_LENGTH)", CRTK_SQL_MAX_LENGTH);
        ok = FALSE;
    } else if (crtk_store_step_failed(s, rc, error, "cannot read")) {
        ok = FALSE;
    }
    g_free(vals);
    g_free(names);
    g_free(numbers);
    sqlite3_finalize(st);
    return ok;
}

gboolean crtk_store_select(crtk_store *s, const char *sql, const char *const *params, int n_params,
                           crtk_store_row_fn fn, void *user, GError **error)
{
    return select_rows(s, sql, params, n_params, fn, NULL, user, error);
}

gboolean crtk_store_select_typed(crtk_store *s, const char *sql, const char *const *params, int n_params,
                                 crtk_store_typed_row_fn fn, void *user, GError **error)
{
    return select_rows(s, sql, params, n_params, NULL, fn, user, error);
}

gboolean crtk_store_count(crtk_store *s, const char *where, gint64 *patients, gint64 *tumors, GError **error)
{
    char *sql = g_strdup_printf("SELECT count(DISTINCT t.patient_id), count(*) FROM tumor t JOIN patient p ON p.id = "
                                "t.patient_id WHERE (%s)", where && *where ? where : "1");
    sqlite3_stmt *st;
    gboolean ok = prepare_read_only(s, sql, &st, error);
    g_free(sql);
    if (!ok)
        return FALSE;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *patients = sqlite3_column_int64(st, 0);
        *tumors = sqlite3_column_int64(st, 1);
    } else {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE, "SQL: %s", sqlite3_errmsg(s->db));
        ok = FALSE;
    }
    sqlite3_finalize(st);
    if (ok && (!where || !*where)) {
        /* Patients without tumors count too when nothing is selected. */
        if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM patient", -1, &st, NULL) == SQLITE_OK) {
            int rc = sqlite3_step(st);
            if (rc == SQLITE_ROW)
                *patients = sqlite3_column_int64(st, 0);
            else
                ok = !crtk_store_step_failed(s, rc, error, "cannot count the patients");
            sqlite3_finalize(st);
        }
    }
    return ok;
}

gboolean crtk_store_foreach(crtk_store *s, const char *where, crtk_store_patient_fn fn, void *user, GError **error)
{
    gboolean all = !where || !*where;
    char *psql, *tsql;
    /* Only the columns of items that have values somewhere: a row has ~800 columns, most empty. */
    char *pcols = crtk_store_read_columns(s, FALSE, NULL), *tcols = crtk_store_read_columns(s, TRUE, "t");
    if (all) {
        psql = g_strdup_printf("SELECT %s FROM patient ORDER BY id", pcols);
        tsql = g_strdup_printf("SELECT %s FROM tumor t ORDER BY t.patient_id, t.id", tcols);
    } else {
        psql = g_strdup_printf("SELECT %s FROM patient WHERE id IN (SELECT t.patient_id FROM tumor t JOIN patient p ON "
                               "p.id = t.patient_id WHERE (%s)) ORDER BY id", pcols, where);
        tsql = g_strdup_printf("SELECT %s FROM tumor t JOIN patient p ON p.id = t.patient_id WHERE (%s) "
                               "ORDER BY t.patient_id, t.id", tcols, where);
    }
    g_free(pcols);
    g_free(tcols);
    sqlite3_stmt *ps = NULL, *ts = NULL;
    gboolean ok = prepare_read_only(s, psql, &ps, error) && prepare_read_only(s, tsql, &ts, error);
    g_free(psql);
    g_free(tsql);
    if (!ok) {
        sqlite3_finalize(ps);
        return FALSE;
    }
    int *pmap = crtk_store_column_map(s, ps), *tmap = crtk_store_column_map(s, ts);
    int tpid_col = -1;
    for (int i = 0; i < sqlite3_column_count(ts); i++)
        if (!strcmp(sqlite3_column_name(ts, i), "patient_id"))
            tpid_col = i;
    crtk_stored_patient *p = crtk_stored_patient_new(s);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int trc = sqlite3_step(ts);
    int prc;
    long ordinal = 0;
    while ((prc = sqlite3_step(ps)) == SQLITE_ROW) {
        gint64 pid = sqlite3_column_int64(ps, 0);
        crtk_record_clear(p->record);
        g_array_set_size(ids, 0);
        p->patient_id = pid;
        crtk_store_row_to_element_map(ps, pmap, &p->record->patient);
        while (trc == SQLITE_ROW && sqlite3_column_int64(ts, tpid_col) < pid)
            trc = sqlite3_step(ts);
        while (trc == SQLITE_ROW && sqlite3_column_int64(ts, tpid_col) == pid) {
            gint64 tid = sqlite3_column_int64(ts, 0);
            g_array_append_val(ids, tid);
            crtk_store_row_to_element_map(ts, tmap, crtk_record_add_tumor(p->record));
            trc = sqlite3_step(ts);
        }
        if (trc != SQLITE_ROW && trc != SQLITE_DONE)
            break; /* a tumor could not be read: never hand on a patient without it */
        g_free(p->tumor_ids);
        p->tumor_ids = g_memdup2(ids->data, sizeof(gint64) * (ids->len ? ids->len : 1));
        p->record->ordinal = ++ordinal;
        if (fn(p, user) == CRTK_ABORT)
            break;
    }
    /* Both cursors are checked: a damaged page is an error, never the end of the data. */
    if (crtk_store_step_failed(s, trc, error, "cannot read the tumors") ||
        crtk_store_step_failed(s, prc, error, "cannot read the patients"))
        ok = FALSE;
    g_array_free(ids, TRUE);
    crtk_stored_patient_free(p);
    g_free(pmap);
    g_free(tmap);
    sqlite3_finalize(ps);
    sqlite3_finalize(ts);
    return ok;
}
