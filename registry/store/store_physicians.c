/* store_physicians.c — the physician directory's table and SQL (see crtk/physicians.h): list,
 * look up, set fields of one physician, and import a CSV in one audited transaction. */
#include "store_private.h"
#include "physicians.h"
#include "csv.h"

#include <string.h>

enum { F_NAME, F_A1, F_A2, F_CITY, F_STATE, F_POSTAL, N_FIELDS };
static const char *const columns[N_FIELDS] = {"name", "address1", "address2", "city", "state", "postalCode"};
/* Other names people give the fields (and the CSV columns of `letters --physicians`). */
static const char *const aliases[N_FIELDS][3] = {{NULL}, {"address", "street", NULL}, {NULL}, {NULL}, {NULL},
                                                 {"zip", "postal", NULL}};

static int field_of(const char *name)
{
    for (int i = 0; i < N_FIELDS; i++) {
        if (!g_ascii_strcasecmp(name, columns[i]))
            return i;
        for (int k = 0; aliases[i][k]; k++)
            if (!g_ascii_strcasecmp(name, aliases[i][k]))
                return i;
    }
    return -1;
}

void crtk_physician_free(crtk_physician *p)
{
    if (!p)
        return;
    g_free(p->code), g_free(p->name), g_free(p->address1), g_free(p->address2);
    g_free(p->city), g_free(p->state), g_free(p->postal_code);
    g_free(p);
}

static gboolean has_table(crtk_store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'crtk_physician'", -1,
                           &st, NULL) != SQLITE_OK)
        return FALSE;
    int rc = sqlite3_step(st);
    gboolean yes = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read the store's tables");
    return yes;
}

static gboolean ensure_table(crtk_store *s, GError **error)
{
    return crtk_store_exec(s,
                           "CREATE TABLE IF NOT EXISTS crtk_physician (\n"
                           "  code TEXT PRIMARY KEY, name TEXT NOT NULL, address1 TEXT, address2 TEXT,\n"
                           "  city TEXT, state TEXT, postalCode TEXT);\n",
                           error);
}

static char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t && *t ? g_strdup((const char *)t) : NULL;
}

static crtk_physician *row_physician(sqlite3_stmt *st)
{
    crtk_physician *p = g_new0(crtk_physician, 1);
    p->code = col(st, 0);
    p->name = col(st, 1);
    p->address1 = col(st, 2);
    p->address2 = col(st, 3);
    p->city = col(st, 4);
    p->state = col(st, 5);
    p->postal_code = col(st, 6);
    return p;
}

#define SELECT "SELECT code, name, address1, address2, city, state, postalCode FROM crtk_physician"

GPtrArray *crtk_store_physicians(crtk_store *s, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_physician_free);
    if (!has_table(s))
        return out;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, SELECT " ORDER BY code", -1, &st, NULL) != SQLITE_OK) {
        crtk_store_set_sqlite_error(s, error, "reading the physician directory");
        g_ptr_array_free(out, TRUE);
        return NULL;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(out, row_physician(st));
    if (crtk_store_step_failed(s, rc, error, "reading the physician directory")) {
        g_ptr_array_free(out, TRUE);
        out = NULL;
    }
    sqlite3_finalize(st);
    return out;
}

crtk_physician *crtk_store_physician_get(crtk_store *s, const char *code)
{
    if (!code || !has_table(s))
        return NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, SELECT " WHERE code = ?", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    crtk_physician *p = rc == SQLITE_ROW ? row_physician(st) : NULL;
    sqlite3_finalize(st);
    crtk_store_note_read_error(s, rc, "cannot read the physician directory");
    return p;
}

static const char *field_value(const crtk_physician *p, int f)
{
    switch (f) {
    case F_NAME: return p->name;
    case F_A1: return p->address1;
    case F_A2: return p->address2;
    case F_CITY: return p->city;
    case F_STATE: return p->state;
    default: return p->postal_code;
    }
}

/* Writes one physician (inside a transaction): vals[f] NULL leaves field f, "" clears it.  Audits
 * each change; *was_new says whether the code was new. */
static gboolean put(crtk_store *s, const char *code, const char *const vals[N_FIELDS], gboolean *was_new,
                    GError **error)
{
    crtk_physician *old = crtk_store_physician_get(s, code);
    *was_new = old == NULL;
    const char *now[N_FIELDS];
    gboolean ok = TRUE, changed = FALSE;
    for (int f = 0; f < N_FIELDS; f++) {
        const char *o = old ? field_value(old, f) : NULL;
        now[f] = vals[f] ? (*vals[f] ? vals[f] : NULL) : o;
        if (g_strcmp0(o, now[f]) != 0) {
            changed = TRUE;
            char *item = g_strdup_printf("physician:%s:%s", code, columns[f]);
            ok = ok && crtk_store_audit(s, 0, 0, NULL, item, o, now[f], error);
            g_free(item);
        }
    }
    if (ok && !now[F_NAME]) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "physician %s: a name is needed", code);
        ok = FALSE;
    }
    if (ok && changed) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db,
                               "INSERT OR REPLACE INTO crtk_physician (code, name, address1, address2, city, state, "
                               "postalCode) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               -1, &st, NULL) != SQLITE_OK) {
            crtk_store_set_sqlite_error(s, error, "writing the physician directory");
            ok = FALSE;
        } else {
            sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
            for (int f = 0; f < N_FIELDS; f++)
                sqlite3_bind_text(st, f + 2, now[f], -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE) {
                crtk_store_set_sqlite_error(s, error, "writing the physician directory");
                ok = FALSE;
            }
            sqlite3_finalize(st);
        }
    }
    if (!changed)
        *was_new = FALSE;
    crtk_physician_free(old);
    return ok;
}

static gboolean code_ok(const char *code)
{
    return code && *code && !strpbrk(code, " \t\r\n");
}

gboolean crtk_store_physician_set(crtk_store *s, const char *code, const char *const *fields,
                                  const char *const *values, int n, GError **error)
{
    if (!code_ok(code)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "physician code \"%s\": a code without blanks is needed",
                    code ? code : "");
        return FALSE;
    }
    const char *vals[N_FIELDS] = {NULL};
    for (int i = 0; i < n; i++) {
        int f = field_of(fields[i]);
        if (f < 0) {
            g_set_error(error, CRTK_ERROR, CRTK_ERROR_USAGE,
                        "physician: no field %s (fields: name, address, address2, city, state, postalCode)", fields[i]);
            return FALSE;
        }
        vals[f] = values[i];
    }
    gboolean was_new;
    if (!crtk_store_begin(s, error))
        return FALSE;
    gboolean ok = ensure_table(s, error) && put(s, code, vals, &was_new, error) && crtk_store_commit(s, error);
    if (!ok)
        crtk_store_rollback(s);
    return ok;
}

gboolean crtk_store_physicians_import(crtk_store *s, const char *path, int *added, int *changed, GError **error)
{
    GArray *lines = NULL;
    GPtrArray *rows = crtk_csv_read_all(path, &lines, error);
    if (!rows)
        return FALSE;
    int code_col = -1, fcol[N_FIELDS];
    for (int i = 0; i < N_FIELDS; i++)
        fcol[i] = -1;
    GString *problems = g_string_new(NULL);
    if (!rows->len)
        g_string_append_printf(problems, "%s: empty file", path);
    for (int i = 0; rows->len && ((char **)rows->pdata[0])[i]; i++) {
        const char *h = ((char **)rows->pdata[0])[i];
        int f = field_of(h);
        if (f >= 0)
            fcol[f] = i;
        else if (!g_ascii_strcasecmp(h, "id") || !g_ascii_strcasecmp(h, "npi") || !g_ascii_strcasecmp(h, "code") ||
                 !g_ascii_strcasecmp(h, "physician"))
            code_col = i;
        else
            g_string_append_printf(problems, "%s%s:1: unknown column \"%s\" (columns: id, name, address1, address2, "
                                   "city, state, postalCode)", problems->len ? "\n" : "", path, h);
    }
    if (rows->len && !problems->len && (code_col < 0 || fcol[F_NAME] < 0))
        g_string_append_printf(problems, "%s:1: the header needs the columns id and name", path);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    gboolean header_ok = problems->len == 0;
    for (guint r = 1; header_ok && r < rows->len; r++) {
        /* every row checked before anything is written */
        char **row = rows->pdata[r];
        int n = (int)g_strv_length(row), line = g_array_index(lines, int, r);
        const char *code = code_col < n ? row[code_col] : "";
        const char *name = fcol[F_NAME] < n ? row[fcol[F_NAME]] : "";
        const char *why = !*code ? "no code (id)" : !code_ok(code) ? "a code with blanks"
                        : !*name ? "no name" : g_hash_table_contains(seen, code) ? "the code is given twice" : NULL;
        if (why)
            g_string_append_printf(problems, "%s%s:%d: %s", problems->len ? "\n" : "", path, line, why);
        else
            g_hash_table_add(seen, (gpointer)code);
    }
    gboolean ok = problems->len == 0;
    if (!ok) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s\nnothing was imported", problems->str);
    } else {
        int a = 0, c = 0;
        ok = crtk_store_begin(s, error) && ensure_table(s, error);
        for (guint r = 1; ok && r < rows->len; r++) {
            char **row = rows->pdata[r];
            int n = (int)g_strv_length(row);
            const char *vals[N_FIELDS];
            for (int f = 0; f < N_FIELDS; f++)
                vals[f] = fcol[f] >= 0 && fcol[f] < n ? row[fcol[f]] : NULL;
            crtk_physician *before = crtk_store_physician_get(s, row[code_col]);
            gboolean was_new;
            ok = put(s, row[code_col], vals, &was_new, error);
            if (was_new)
                a++;
            else if (before) {
                crtk_physician *after = crtk_store_physician_get(s, row[code_col]);
                for (int f = 0; after && f < N_FIELDS; f++)
                    if (g_strcmp0(field_value(before, f), field_value(after, f))) {
                        c++;
                        break;
                    }
                crtk_physician_free(after);
            }
            crtk_physician_free(before);
        }
        ok = ok && crtk_store_commit(s, error);
        if (!ok)
            crtk_store_rollback(s);
        if (added)
            *added = ok ? a : 0;
        if (changed)
            *changed = ok ? c : 0;
    }
    g_hash_table_destroy(seen);
    g_string_free(problems, TRUE);
    g_array_free(lines, TRUE);
    g_ptr_array_free(rows, TRUE);
    return ok;
}
