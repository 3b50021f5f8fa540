/* mf_smf.c — reading an EDITS50 metafile (.smf, a SQLite database), read-only.
 *
 * Opens the file with SQLITE_OPEN_READONLY (and query_only on), reads the edits, fields,
 * messages, agencies, edit sets and the list of lookup tables into memory, and loads a lookup
 * table's rows on first use with one prepared statement on the metafile's own table; indexes
 * (sorted keys: the named columns' values concatenated, right-trimmed) are built once per
 * column list and cached.  Nothing is ever written.  Missing optional tables or columns read as
 * empty; a file without EE_Edits is refused.
 */
#include "mf_private.h"
#include "date.h"

#include <stdlib.h>
#include <string.h>

#define MF_ERROR g_quark_from_static_string("crtk-metafile")

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return g_strdup(t ? (const char *)t : "");
}

/* Index of a column by name in a statement (case-insensitive), -1 when absent. */
static int col_index(sqlite3_stmt *st, const char *name)
{
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++)
        if (g_ascii_strcasecmp(sqlite3_column_name(st, i), name) == 0)
            return i;
    return -1;
}

static char *cget(sqlite3_stmt *st, const char *name)
{
    int i = col_index(st, name);
    return i < 0 ? g_strdup("") : col_text(st, i);
}
static int iget(sqlite3_stmt *st, const char *name)
{
    int i = col_index(st, name);
    return i < 0 ? 0 : sqlite3_column_int(st, i);
}

/* SQLite's message for the first failed read of a metafile being opened (with *read_rc). */
static __thread char read_msg[256];

/* Whether the metafile has table NAME; a failed read is kept in *READ_RC (never "no such table"). */
static gboolean table_exists(sqlite3 *db, const char *name, int *read_rc)
{
    sqlite3_stmt *st;
    gboolean ok = FALSE;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND upper(name)=upper(?)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        ok = rc == SQLITE_ROW;
        if (rc != SQLITE_ROW && rc != SQLITE_DONE && *read_rc == SQLITE_OK) {
            *read_rc = rc;
            g_strlcpy(read_msg, sqlite3_errmsg(db), sizeof read_msg);
        }
        sqlite3_finalize(st);
    }
    return ok;
}

/* Prepares "SELECT * FROM name" when the table exists (NULL otherwise). */
static sqlite3_stmt *select_all(sqlite3 *db, const char *name, int *read_rc)
{
    if (!table_exists(db, name, read_rc))
        return NULL;
    char *q = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    sqlite3_free(q);
    return st;
}

static char *normalise_logic(const char *text)
{
    GString *g = g_string_new(NULL);
    for (const char *p = text; *p; p++) {
        if (*p == '\t') g_string_append(g, "    ");
        else if (*p == '\r' && p[1] == '\n') continue;
        else g_string_append_c(g, *p);
    }
    /* strip leading/trailing blank lines and space */
    char *s = g_string_free(g, FALSE);
    g_strstrip(s);
    return s;
}

static void edit_free(mf_edit *e)
{
    g_free((char *)e->info.tag);
    g_free((char *)e->info.name);
    g_free((char *)e->info.agency);
    g_free((char *)e->info.description);
    g_free((char *)e->info.logic);
    g_free((char *)e->info.message);
    g_free((char *)e->info.last_modified);
    g_ptr_array_free(e->field_names, TRUE);
    g_array_free(e->field_numbers, TRUE);
    g_array_free(e->field_pkeys, TRUE);
    g_ptr_array_free(e->tables, TRUE);
    g_array_free(e->message_pkeys, TRUE);
    g_free(e->sets);
    g_free(e);
}

static void field_free(mf_field *f) { g_free(f->name); g_free(f); }

static void table_free(mf_table *t)
{
    g_free(t->name);
    for (int i = 0; i < t->n_cols; i++) g_free(t->cols[i]);
    g_free(t->cols);
    g_free(t->col_size);
    if (t->cells)
        for (size_t i = 0; i < (size_t)t->n_rows * (size_t)t->n_cols; i++) g_free(t->cells[i]);
    g_free(t->cells);
    if (t->indexes) g_hash_table_destroy(t->indexes);
    g_free(t->load_error);
    g_free(t);
}

static void index_free(mf_index *ix)
{
    for (int i = 0; i < ix->n; i++) g_free(ix->keys[i]);
    g_free(ix->keys);
    g_free(ix->rows);
    g_free(ix);
}

const char *mf_message_by_number(const crtk_metafile *mf, const mf_edit *e, int number)
{
    if (e)
        for (guint i = 0; i < e->message_pkeys->len; i++) {
            int pk = g_array_index(e->message_pkeys, int, i);
            gpointer num = g_hash_table_lookup(mf->message_number_pkey, GINT_TO_POINTER(pk));
            if (num && GPOINTER_TO_INT(num) == number)
                return g_hash_table_lookup(mf->messages, GINT_TO_POINTER(pk));
        }
    return g_hash_table_lookup(mf->message_by_number, GINT_TO_POINTER(number));
}

static crtk_metafile *mf_alloc(const char *path)
{
    crtk_metafile *mf = g_new0(crtk_metafile, 1);
    mf->path = g_strdup(path);
    mf->base = g_path_get_basename(path);
    mf->step_limit = 1000000;
    mf->dll_fn = crtk_metafile_cs_dll; /* CS DLL calls answered by crtk's CS algorithm */
    mf->control = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    mf->edits = g_ptr_array_new_with_free_func((GDestroyNotify)edit_free);
    mf->edit_by_tag = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    mf->sets = g_ptr_array_new_with_free_func(g_free);
    mf->set_strings = g_ptr_array_new_with_free_func(g_free);
    mf->set_members = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_array_unref);
    mf->set_pkeys = g_array_new(FALSE, FALSE, sizeof(int));
    mf->fields = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)field_free);
    mf->field_by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    mf->messages = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    mf->message_by_number = g_hash_table_new(g_direct_hash, g_direct_equal);
    mf->message_number_pkey = g_hash_table_new(g_direct_hash, g_direct_equal);
    mf->agencies = g_ptr_array_new_with_free_func(g_free);
    mf->table_list = g_ptr_array_new_with_free_func(g_free);
    mf->tables = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)table_free);
    crtk_date today = crtk_date_today();   /* CRTK_TODAY when set, else the local date */
    crtk_metafile_set_today(mf, today.year, today.month, today.day);
    return mf;
}

crtk_metafile *crtk_metafile_new_empty(void)
{
    crtk_metafile *mf = mf_alloc("(none)");
    g_ptr_array_add(mf->agencies, NULL);
    g_ptr_array_add(mf->table_list, NULL);
    return mf;
}

/* Steps Q: TRUE on a row; at the end or on a failed read FALSE, the first failure kept in *READ_RC. */
static gboolean next_row(sqlite3_stmt *q, int *read_rc)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        return TRUE;
    if (rc != SQLITE_DONE && *read_rc == SQLITE_OK) {
        *read_rc = rc;
        g_strlcpy(read_msg, sqlite3_errmsg(sqlite3_db_handle(q)), sizeof read_msg);
    }
    return FALSE;
}

crtk_metafile *crtk_metafile_open(const char *path, GError **error)
{
    sqlite3 *db = NULL;
    char *uri = g_strdup(path);
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        g_set_error(error, MF_ERROR, 1, "%s: cannot open as a metafile: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        g_free(uri);
        return NULL;
    }
    g_free(uri);
    sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
    sqlite3_extended_result_codes(db, 1);
    /* a hostile file must not make crtk run long: bound SQLite's own work too */
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 10 * 1000 * 1000);
    int read_rc = SQLITE_OK; /* the first failed read: the metafile is refused, never half loaded */
    sqlite3_stmt *st = select_all(db, "EE_Edits", &read_rc);
    if (!st) {
        g_set_error(error, MF_ERROR, 1, "%s: not an EDITS metafile (no readable EE_Edits table%s%s)", path,
                    sqlite3_errcode(db) != SQLITE_OK ? ": " : "", sqlite3_errcode(db) != SQLITE_OK ? sqlite3_errmsg(db) : "");
        sqlite3_close(db);
        return NULL;
    }
    crtk_metafile *mf = mf_alloc(path);
    mf->db = db;
    GHashTable *agency = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    sqlite3_stmt *q;
    if ((q = select_all(db, "EE_Control", &read_rc))) {
        while (next_row(q, &read_rc))
            g_hash_table_replace(mf->control, cget(q, "ItemName"), cget(q, "ItemValue"));
        sqlite3_finalize(q);
    }
    if ((q = select_all(db, "EE_Agencies", &read_rc))) {
        while (next_row(q, &read_rc)) {
            char *code = cget(q, "AdminCode"), *org = cget(q, "OrgName");
            g_ptr_array_add(mf->agencies, g_strdup_printf("%s\t%s", code, org));
            g_hash_table_replace(agency, GINT_TO_POINTER(iget(q, "PKey")), code);
            g_free(org);
        }
        sqlite3_finalize(q);
    }
    g_ptr_array_add(mf->agencies, NULL);
    if ((q = select_all(db, "EE_Messages", &read_rc))) {
        while (next_row(q, &read_rc)) {
            int pk = iget(q, "PKey"), num = iget(q, "MessageNumber");
            /* A repeated PKey (a table without its primary key) keeps the first row: the number
             * index below holds pointers to the texts kept here. */
            if (g_hash_table_contains(mf->messages, GINT_TO_POINTER(pk)))
                continue;
            char *m = cget(q, "Message");
            g_hash_table_insert(mf->messages, GINT_TO_POINTER(pk), m);
            g_hash_table_replace(mf->message_number_pkey, GINT_TO_POINTER(pk), GINT_TO_POINTER(num));
            if (!g_hash_table_contains(mf->message_by_number, GINT_TO_POINTER(num)))
                g_hash_table_insert(mf->message_by_number, GINT_TO_POINTER(num), m);
        }
        sqlite3_finalize(q);
    }
    if ((q = select_all(db, "EE_Fields", &read_rc))) {
        while (next_row(q, &read_rc)) {
            mf_field *f = g_new0(mf_field, 1);
            f->pkey = iget(q, "PKey");
            f->number = iget(q, "FieldNumber");
            f->name = cget(q, "FieldName");
            f->length = iget(q, "FieldLength");
            char *dt = cget(q, "DataType");
            f->is_date = g_ascii_strcasecmp(dt, "D1") == 0;
            g_free(dt);
            g_hash_table_replace(mf->fields, GINT_TO_POINTER(f->pkey), f);
            char *up = g_ascii_strup(f->name, -1);
            if (!g_hash_table_contains(mf->field_by_name, up))
                g_hash_table_insert(mf->field_by_name, up, f);
            else
                g_free(up);
        }
        sqlite3_finalize(q);
    }
    if ((q = select_all(db, "EE_LookupTables", &read_rc))) {
        while (next_row(q, &read_rc)) {
            char *name = cget(q, "TableName"), *com = cget(q, "Comments");
            char *up = g_ascii_strup(name, -1);
            g_ptr_array_add(mf->table_list, g_strdup_printf("%s\t%d\t%s", up, iget(q, "RecCount"), com));
            if (!g_hash_table_contains(mf->tables, up)) {
                mf_table *t = g_new0(mf_table, 1);
                t->name = g_strdup(up);
                g_hash_table_insert(mf->tables, g_strdup(up), t);
            }
            g_free(up);
            g_free(name);
            g_free(com);
        }
        sqlite3_finalize(q);
    }
    g_ptr_array_add(mf->table_list, NULL);
    GHashTable *edit_by_pk = g_hash_table_new(g_direct_hash, g_direct_equal);
    while (next_row(st, &read_rc)) {
        mf_edit *e = g_new0(mf_edit, 1);
        e->pkey = iget(st, "PKey");
        e->info.tag = cget(st, "EditTag");
        e->info.name = cget(st, "EditName");
        const char *ag = g_hash_table_lookup(agency, GINT_TO_POINTER(iget(st, "AgencyPKey")));
        e->info.agency = g_strdup(ag ? ag : "");
        e->info.description = cget(st, "Description");
        char *raw = cget(st, "EditLogic");
        e->info.logic = normalise_logic(raw);
        g_free(raw);
        e->message_pkey = iget(st, "MessagePKey");
        const char *m = g_hash_table_lookup(mf->messages, GINT_TO_POINTER(e->message_pkey));
        e->info.message = g_strdup(m && strcmp(m, "This edit has no default error message") != 0 ? m : "");
        e->info.last_modified = cget(st, "LastModDate");
        e->field_names = g_ptr_array_new_with_free_func(g_free);
        e->field_numbers = g_array_new(FALSE, FALSE, sizeof(int));
        e->field_pkeys = g_array_new(FALSE, FALSE, sizeof(int));
        e->tables = g_ptr_array_new_with_free_func(g_free);
        e->message_pkeys = g_array_new(FALSE, FALSE, sizeof(int));
        g_ptr_array_add(mf->edits, e);
        char *up = g_ascii_strup(e->info.tag, -1);
        if (!g_hash_table_contains(mf->edit_by_tag, up))
            g_hash_table_insert(mf->edit_by_tag, up, e);
        else
            g_free(up);
        g_hash_table_replace(edit_by_pk, GINT_TO_POINTER(e->pkey), e);
    }
    sqlite3_finalize(st);
    /* fields of each edit, in FieldOrder */
    if (table_exists(db, "EE_EditFieldsPivot", &read_rc) &&
        sqlite3_prepare_v2(db, "SELECT EditPKey, FieldPKey FROM EE_EditFieldsPivot ORDER BY EditPKey, FieldOrder", -1, &q, NULL) == SQLITE_OK) {
        while (next_row(q, &read_rc)) {
            mf_edit *e = g_hash_table_lookup(edit_by_pk, GINT_TO_POINTER(sqlite3_column_int(q, 0)));
            mf_field *f = g_hash_table_lookup(mf->fields, GINT_TO_POINTER(sqlite3_column_int(q, 1)));
            if (!e || !f)
                continue;
            g_ptr_array_add(e->field_names, g_strdup(f->name));
            g_array_append_val(e->field_numbers, f->number);
            g_array_append_val(e->field_pkeys, f->pkey);
        }
        sqlite3_finalize(q);
    }
    if (table_exists(db, "EE_EditMessagesPivot", &read_rc) &&
        sqlite3_prepare_v2(db, "SELECT EditPKey, MessagePKey FROM EE_EditMessagesPivot", -1, &q, NULL) == SQLITE_OK) {
        while (next_row(q, &read_rc)) {
            mf_edit *e = g_hash_table_lookup(edit_by_pk, GINT_TO_POINTER(sqlite3_column_int(q, 0)));
            int pk = sqlite3_column_int(q, 1);
            if (e)
                g_array_append_val(e->message_pkeys, pk);
        }
        sqlite3_finalize(q);
    }
    if (table_exists(db, "EE_EditTablesPivot", &read_rc) &&
        sqlite3_prepare_v2(db, "SELECT p.EditPKey, t.TableName FROM EE_EditTablesPivot p JOIN EE_LookupTables t ON t.PKey = p.LookupTablePKey", -1, &q, NULL) == SQLITE_OK) {
        while (next_row(q, &read_rc)) {
            mf_edit *e = g_hash_table_lookup(edit_by_pk, GINT_TO_POINTER(sqlite3_column_int(q, 0)));
            if (e)
                g_ptr_array_add(e->tables, g_ascii_strup((const char *)(sqlite3_column_text(q, 1) ? sqlite3_column_text(q, 1) : (const unsigned char *)""), -1));
        }
        sqlite3_finalize(q);
    }
    /* edit sets */
    GHashTable *set_tags = g_hash_table_new(g_direct_hash, g_direct_equal);
    if ((q = select_all(db, "EE_EditSets", &read_rc))) {
        while (next_row(q, &read_rc)) {
            crtk_mf_set_info *si = g_new0(crtk_mf_set_info, 1);
            char *tag = cget(q, "EditSetTag"), *name = cget(q, "EditSetName"), *desc = cget(q, "Description");
            const char *ag = g_hash_table_lookup(agency, GINT_TO_POINTER(iget(q, "AgencyPKey")));
            char *agc = g_strdup(ag ? ag : "");
            g_ptr_array_add(mf->set_strings, tag);
            g_ptr_array_add(mf->set_strings, name);
            g_ptr_array_add(mf->set_strings, desc);
            g_ptr_array_add(mf->set_strings, agc);
            si->tag = tag;
            si->name = name;
            si->description = desc;
            si->agency = agc;
            int pk = iget(q, "PKey");
            g_array_append_val(mf->set_pkeys, pk);
            g_ptr_array_add(mf->sets, si);
            g_hash_table_replace(mf->set_members, GINT_TO_POINTER(pk), g_array_new(FALSE, FALSE, sizeof(int)));
            g_hash_table_replace(set_tags, GINT_TO_POINTER(pk), tag);
        }
        sqlite3_finalize(q);
    }
    GHashTable *edit_sets = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, NULL);
    if (table_exists(db, "EE_EditSetEditsPivot", &read_rc) &&
        sqlite3_prepare_v2(db, "SELECT EditSetPKey, EditPKey FROM EE_EditSetEditsPivot", -1, &q, NULL) == SQLITE_OK) {
        while (next_row(q, &read_rc)) {
            int sp = sqlite3_column_int(q, 0), ep = sqlite3_column_int(q, 1);
            GArray *mem = g_hash_table_lookup(mf->set_members, GINT_TO_POINTER(sp));
            mf_edit *e = g_hash_table_lookup(edit_by_pk, GINT_TO_POINTER(ep));
            if (!mem || !e)
                continue;
            g_array_append_val(mem, ep);
            const char *tag = g_hash_table_lookup(set_tags, GINT_TO_POINTER(sp));
            if (!e->sets)
                e->sets = g_strdup(tag);
            else {
                char *s = g_strconcat(e->sets, ",", tag, NULL);
                g_free(e->sets);
                e->sets = s;
            }
        }
        sqlite3_finalize(q);
    }
    for (guint i = 0; i < mf->sets->len; i++) {
        crtk_mf_set_info *si = mf->sets->pdata[i];
        GArray *mem = g_hash_table_lookup(mf->set_members, GINT_TO_POINTER(g_array_index(mf->set_pkeys, int, i)));
        si->n_edits = mem ? (int)mem->len : 0;
    }
    for (guint i = 0; i < mf->edits->len; i++) {
        mf_edit *e = mf->edits->pdata[i];
        if (!e->sets)
            e->sets = g_strdup("");
        e->info.sets = e->sets;
        g_ptr_array_add(e->field_names, NULL);
        e->info.fields = (const char *const *)e->field_names->pdata;
        e->info.field_numbers = (const int *)e->field_numbers->data;
        g_ptr_array_add(e->tables, NULL);
        e->info.tables = (const char *const *)e->tables->pdata;
    }
    g_hash_table_destroy(edit_sets);
    g_hash_table_destroy(set_tags);
    g_hash_table_destroy(edit_by_pk);
    g_hash_table_destroy(agency);
    if (read_rc != SQLITE_OK) {
        g_set_error(error, MF_ERROR, 1, "%s: cannot read the metafile: %s", path, read_msg);
        crtk_metafile_free(mf);
        return NULL;
    }
    return mf;
}

void crtk_metafile_free(crtk_metafile *mf)
{
    if (!mf)
        return;
    g_hash_table_destroy(mf->tables);
    g_ptr_array_free(mf->edits, TRUE);
    g_hash_table_destroy(mf->edit_by_tag);
    g_ptr_array_free(mf->sets, TRUE);
    g_ptr_array_free(mf->set_strings, TRUE);
    g_hash_table_destroy(mf->set_members);
    g_array_free(mf->set_pkeys, TRUE);
    g_hash_table_destroy(mf->field_by_name);
    g_hash_table_destroy(mf->fields);
    g_hash_table_destroy(mf->message_by_number);
    g_hash_table_destroy(mf->message_number_pkey);
    g_hash_table_destroy(mf->messages);
    g_hash_table_destroy(mf->control);
    g_ptr_array_free(mf->agencies, TRUE);
    g_ptr_array_free(mf->table_list, TRUE);
    if (mf->db)
        sqlite3_close(mf->db);
    g_free(mf->path);
    g_free(mf->base);
    g_free(mf);
}

/* ---- lookup tables ------------------------------------------------------------------ */

static int declared_size(const char *type)
{
    const char *p = type ? strchr(type, '(') : NULL;
    return p ? atoi(p + 1) : 0;
}

int mf_table_col(const mf_table *t, const char *col)
{
    for (int i = 0; i < t->n_cols; i++)
        if (g_ascii_strcasecmp(t->cols[i], col) == 0)
            return i;
    return -1;
}

mf_table *mf_table_get(crtk_metafile *mf, const char *name, GError **error)
{
    mf_table *t = g_hash_table_lookup(mf->tables, name);
    if (!t) {
        g_set_error(error, MF_ERROR, 1, "no lookup table %s in the metafile", name);
        return NULL;
    }
    if (t->loaded && t->load_error) {
        g_set_error(error, MF_ERROR, 1, "%s", t->load_error);
        return NULL;
    }
    if (t->loaded)
        return t;
    t->loaded = TRUE;
    t->indexes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)index_free);
    int read_rc = SQLITE_OK;
    sqlite3_stmt *st = select_all(mf->db, t->name, &read_rc);
    if (!st) {
        t->load_error = g_strdup_printf("lookup table %s is listed but cannot be read: %s", t->name, sqlite3_errmsg(mf->db));
        g_set_error(error, MF_ERROR, 1, "%s", t->load_error);
        return NULL;
    }
    int nc = sqlite3_column_count(st);
    t->n_cols = nc > 1 ? nc - 1 : 0;
    t->cols = g_new0(char *, t->n_cols + 1);
    t->col_size = g_new0(int, t->n_cols + 1);
    for (int i = 0; i < t->n_cols; i++) {
        t->cols[i] = g_ascii_strup(sqlite3_column_name(st, i + 1), -1);
        t->col_size[i] = declared_size(sqlite3_column_decltype(st, i + 1));
        if (t->col_size[i] <= 1) t->col_size[i] = 0;
    }
    GPtrArray *cells = g_ptr_array_new();
    int rc;
    long budget = 50 * 1000 * 1000;  /* bytes of cells a metafile may make crtk hold */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < t->n_cols; i++) {
            char *c = col_text(st, i + 1);
            budget -= (long)strlen(c) + 16;
            g_ptr_array_add(cells, c);
        }
        t->n_rows++;
        if (budget < 0)
            break;
    }
    /* a failed read is not the end of the table: the table stays empty and the error says why */
    gboolean read_failed = budget >= 0 && rc != SQLITE_DONE;
    if (read_failed) {
        t->load_error = g_strdup_printf("lookup table %s cannot be read: %s", t->name, sqlite3_errmsg(mf->db));
        g_ptr_array_set_free_func(cells, g_free);
        g_ptr_array_set_size(cells, 0);
        t->n_rows = 0;
    }
    sqlite3_finalize(st);
    /* the longest value of a column of undeclared size */
    for (int i = 0; i < t->n_cols; i++)
        if (t->col_size[i] == 0)
            for (int rr = 0; rr < t->n_rows; rr++) {
                int l = (int)strlen(cells->pdata[(size_t)rr * (size_t)t->n_cols + (size_t)i]);
                if (l > t->col_size[i]) t->col_size[i] = l;
            }
    t->cells = (char **)g_ptr_array_free(cells, FALSE);
    if (budget < 0 && !t->load_error)
        t->load_error = g_strdup_printf("lookup table %s is too large (over 50 MB of values)", t->name);
    if (t->load_error) { /* never a table with rows missing */
        g_set_error(error, MF_ERROR, 1, "%s", t->load_error);
        return NULL;
    }
    return t;
}

static const mf_index *sort_ix;
static int cmp_entries(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    int c = strcmp(sort_ix->keys[x], sort_ix->keys[y]);
    if (c)
        return c;
    return sort_ix->rows[x] - sort_ix->rows[y];
}

mf_index *mf_table_index(mf_table *t, const char *cols, GError **error)
{
    mf_index *ix = g_hash_table_lookup(t->indexes, cols);
    if (ix)
        return ix;
    char **names = g_strsplit(cols, ",", -1);
    int nn = (int)g_strv_length(names);
    int *ci = g_new(int, nn + 1);
    for (int i = 0; i < nn; i++) {
        g_strstrip(names[i]);
        ci[i] = mf_table_col(t, names[i]);
        if (ci[i] < 0) {
            g_set_error(error, MF_ERROR, 1, "table %s has no column %s", t->name, names[i]);
            g_strfreev(names);
            g_free(ci);
            return NULL;
        }
    }
    mf_index tmp = {0};
    tmp.n = t->n_rows;
    tmp.keys = g_new(char *, t->n_rows + 1);
    tmp.rows = g_new(int, t->n_rows + 1);
    for (int r = 0; r < t->n_rows; r++) {
        GString *k = g_string_new(NULL);
        for (int i = 0; i < nn; i++)
            g_string_append(k, t->cells[(size_t)r * (size_t)t->n_cols + (size_t)ci[i]]);
        while (k->len && (unsigned char)k->str[k->len - 1] <= ' ')
            g_string_truncate(k, k->len - 1);
        tmp.keys[r] = g_string_free(k, FALSE);
        tmp.rows[r] = r;
    }
    int *order = g_new(int, t->n_rows + 1);
    for (int r = 0; r < t->n_rows; r++) order[r] = r;
    sort_ix = &tmp;
    qsort(order, (size_t)t->n_rows, sizeof(int), cmp_entries);
    sort_ix = NULL;
    ix = g_new0(mf_index, 1);
    ix->n = t->n_rows;
    ix->keys = g_new(char *, t->n_rows + 1);
    ix->rows = g_new(int, t->n_rows + 1);
    for (int r = 0; r < t->n_rows; r++) {
        ix->keys[r] = tmp.keys[order[r]];
        ix->rows[r] = tmp.rows[order[r]];
    }
    g_free(tmp.keys);
    g_free(tmp.rows);
    g_free(order);
    g_free(ci);
    g_strfreev(names);
    g_hash_table_insert(t->indexes, g_strdup(cols), ix);
    return ix;
}

/* ---- accessors ------------------------------------------------------------------------ */
const char *crtk_metafile_path(const crtk_metafile *mf) { return mf->path; }
const char *crtk_metafile_name(const crtk_metafile *mf) { return mf->base; }
const char *crtk_metafile_control(const crtk_metafile *mf, const char *item)
{
    const char *v = g_hash_table_lookup(mf->control, item);
    return v ? v : "";
}
int crtk_metafile_edit_count(const crtk_metafile *mf) { return (int)mf->edits->len; }
const crtk_mf_edit_info *crtk_metafile_edit(const crtk_metafile *mf, int i)
{
    return i >= 0 && i < (int)mf->edits->len ? &((mf_edit *)mf->edits->pdata[i])->info : NULL;
}
const crtk_mf_edit_info *crtk_metafile_find_edit(const crtk_metafile *mf, const char *tag)
{
    char *up = g_ascii_strup(tag, -1);
    mf_edit *e = g_hash_table_lookup(mf->edit_by_tag, up);
    g_free(up);
    return e ? &e->info : NULL;
}
int crtk_metafile_set_count(const crtk_metafile *mf) { return (int)mf->sets->len; }
const crtk_mf_set_info *crtk_metafile_set(const crtk_metafile *mf, int i)
{
    return i >= 0 && i < (int)mf->sets->len ? mf->sets->pdata[i] : NULL;
}
const crtk_mf_set_info *crtk_metafile_find_set(const crtk_metafile *mf, const char *tag_or_name)
{
    for (guint i = 0; i < mf->sets->len; i++) {
        const crtk_mf_set_info *s = mf->sets->pdata[i];
        if (g_ascii_strcasecmp(s->tag, tag_or_name) == 0 || g_ascii_strcasecmp(s->name, tag_or_name) == 0)
            return s;
    }
    return NULL;
}
const char *const *crtk_metafile_agencies(const crtk_metafile *mf) { return (const char *const *)mf->agencies->pdata; }
const char *const *crtk_metafile_tables(const crtk_metafile *mf) { return (const char *const *)mf->table_list->pdata; }

void crtk_metafile_set_today(crtk_metafile *mf, int year, int month, int day)
{
    mf->today_y = year;
    mf->today_m = month;
    mf->today_d = day;
    g_snprintf(mf->today, sizeof mf->today, "%04d%02d%02d", year % 10000, month % 100, day % 100);
}

gboolean crtk_metafile_parse_today(const char *text, int *year, int *month, int *day)
{
    if (!text || strlen(text) != 8)
        return FALSE;
    for (int i = 0; i < 8; i++)
        if (text[i] < '0' || text[i] > '9')
            return FALSE;
    int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int m = (text[4] - '0') * 10 + (text[5] - '0');
    int d = (text[6] - '0') * 10 + (text[7] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return FALSE;
    *year = y;
    *month = m;
    *day = d;
    return TRUE;
}

void crtk_metafile_set_step_limit(crtk_metafile *mf, long steps) { mf->step_limit = steps > 0 ? steps : 1000000; }

void crtk_metafile_set_dll_handler(crtk_metafile *mf, crtk_mf_dll_fn fn, void *user)
{
    mf->dll_fn = fn;
    mf->dll_user = user;
}
