/* store_search.c — finding patients for the workspace's patient index (see store_search.h).
 *
 * Names are matched by prefix, case- and accent-insensitively, through expression indexes
 * built only from SQLite's own functions (lower() and replace()), so the store stays writable
 * by any SQLite client.  Identifiers (patient id, medical record number, accession number,
 * SSN, SSN's last four, birth date) are matched exactly through their own indexes.
 */
#include "store_private.h"
#include "store_search.h"

#include <string.h>

/* Accented Latin letters folded to their base letter before lower(). */
/* Accented Latin letters folded to their base letter before lower(): the commonest 28, as SQLite's
   parser takes about that many nested calls in one expression. */
static const char *const folds[][2] = {{"É", "E"}, {"é", "e"}, {"È", "E"}, {"è", "e"}, {"Ê", "E"}, {"ê", "e"}, {"Á", "A"}, {"á", "a"}, {"À", "A"}, {"à", "a"}, {"Â", "A"}, {"â", "a"}, {"Ä", "A"}, {"ä", "a"}, {"Í", "I"}, {"í", "i"}, {"Ó", "O"}, {"ó", "o"}, {"Ö", "O"}, {"ö", "o"}, {"Ú", "U"}, {"ú", "u"}, {"Ü", "U"}, {"ü", "u"}, {"Ñ", "N"}, {"ñ", "n"}, {"Ç", "C"}, {"ç", "c"}};

char *crtk_store_fold_sql(const char *column)
{
    GString *e = g_string_new("lower(");
    for (unsigned i = 0; i < G_N_ELEMENTS(folds); i++)
        g_string_append(e, "replace(");
    g_string_append_printf(e, "\"%s\"", column);
    for (unsigned i = 0; i < G_N_ELEMENTS(folds); i++)
        g_string_append_printf(e, ", '%s', '%s')", folds[i][0], folds[i][1]);
    g_string_append(e, ")");
    return g_string_free(e, FALSE);
}

char *crtk_fold_text(const char *text)
{
    GString *out = g_string_new(NULL);
    for (const char *p = text; *p;) {
        gboolean done = FALSE;
        for (unsigned i = 0; i < G_N_ELEMENTS(folds) && !done; i++) {
            size_t n = strlen(folds[i][0]);
            if (!strncmp(p, folds[i][0], n)) {
                g_string_append(out, folds[i][1]);
                p += n;
                done = TRUE;
            }
        }
        if (!done) {
            g_string_append_c(out, *p);
            p++;
        }
    }
    for (char *c = out->str; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return g_string_free(out, FALSE);
}

static gboolean has(crtk_store *s, const char *id)
{
    return crtk_dictionary_find(s->dict, id) != NULL;
}

gboolean crtk_store_ensure_search_indexes(crtk_store *s, GError **error)
{
    GString *sql = g_string_new(NULL);
    if (has(s, "nameLast")) {
        char *f = crtk_store_fold_sql("nameLast");
        g_string_append_printf(sql, "CREATE INDEX IF NOT EXISTS patient_name_fold ON patient(%s);\n", f);
        g_free(f);
    }
    if (has(s, "socialSecurityNumber"))
        g_string_append(sql, "CREATE INDEX IF NOT EXISTS patient_ssn ON patient(\"socialSecurityNumber\");\n"
                             "CREATE INDEX IF NOT EXISTS patient_ssn4 ON patient(substr(\"socialSecurityNumber\", 6, 4));\n");
    if (has(s, "dateOfBirth"))
        g_string_append(sql, "CREATE INDEX IF NOT EXISTS patient_dob ON patient(\"dateOfBirth\");\n");
    if (has(s, "medicalRecordNumber"))
        g_string_append(sql, "CREATE INDEX IF NOT EXISTS tumor_mrn ON tumor(\"medicalRecordNumber\");\n");
    if (has(s, "accessionNumberHosp"))
        g_string_append(sql, "CREATE INDEX IF NOT EXISTS tumor_accession ON tumor(\"accessionNumberHosp\");\n");
    gboolean ok = crtk_store_exec(s, sql->str, error);
    g_string_free(sql, TRUE);
    return ok;
}

/* Adds the ids the statement yields (and finalizes it); FALSE with ERROR when a read failed. */
static gboolean add_ids(crtk_store *s, sqlite3_stmt *st, GArray *ids, int limit, GError **error)
{
    int rc = SQLITE_DONE;
    while ((int)ids->len < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(st, 0);
        gboolean seen = FALSE;
        for (guint i = 0; i < ids->len && !seen; i++)
            seen = g_array_index(ids, gint64, i) == id;
        if (!seen)
            g_array_append_val(ids, id);
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    gboolean failed = crtk_store_step_failed(s, rc, error, "cannot search the patients");
    sqlite3_finalize(st);
    return !failed;
}

static gboolean by_value(crtk_store *s, const char *sql, const char *value, GArray *ids, int limit, GError **error)
{
    sqlite3_stmt *st;
    if (!crtk_store_prepare(s, sql, &st, error))
        return FALSE;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    return add_ids(s, st, ids, limit, error);
}

GArray *crtk_store_search_patients(crtk_store *s, const crtk_patient_query *q, int limit, GError **error)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    gboolean ok = TRUE;
    if (q->name_last && *q->name_last && has(s, "nameLast")) {
        char *f = crtk_store_fold_sql("nameLast");
        char *ff = has(s, "nameFirst") ? crtk_store_fold_sql("nameFirst") : NULL;
        char *sql = g_strdup_printf("SELECT id FROM patient WHERE %s >= ?1 AND %s < ?2%s%s%s ORDER BY %s LIMIT ?3", f, f,
                                    ff && q->name_first ? " AND " : "", ff && q->name_first ? ff : "",
                                    ff && q->name_first ? " LIKE ?4 ESCAPE '\\'" : "", f);
        sqlite3_stmt *st;
        ok = crtk_store_prepare(s, sql, &st, error);
        if (ok) {
            char *lo = crtk_fold_text(q->name_last);
            char *hi = g_strconcat(lo, "\xef\xbf\xbf", NULL);
            sqlite3_bind_text(st, 1, lo, -1, g_free);
            sqlite3_bind_text(st, 2, hi, -1, g_free);
            sqlite3_bind_int(st, 3, limit);
            if (ff && q->name_first) {
                char *first = crtk_fold_text(q->name_first);
                GString *like = g_string_new(NULL);
                for (const char *c = first; *c; c++) {
                    if (*c == '%' || *c == '_' || *c == '\\')
                        g_string_append_c(like, '\\');
                    g_string_append_c(like, *c);
                }
                g_string_append_c(like, '%');
                g_free(first);
                sqlite3_bind_text(st, 4, g_string_free(like, FALSE), -1, g_free);
            }
            ok = add_ids(s, st, ids, limit, error);
        }
        g_free(sql);
        g_free(f);
        g_free(ff);
    }
    if (ok && q->code && *q->code) {
        if (has(s, "patientIdNumber"))
            ok = by_value(s, "SELECT id FROM patient WHERE \"patientIdNumber\" = ?1 LIMIT ?2", q->code, ids, limit, error);
        if (ok && has(s, "medicalRecordNumber"))
            ok = by_value(s, "SELECT DISTINCT patient_id FROM tumor WHERE \"medicalRecordNumber\" = ?1 LIMIT ?2", q->code,
                          ids, limit, error);
        if (ok && has(s, "accessionNumberHosp"))
            ok = by_value(s, "SELECT DISTINCT patient_id FROM tumor WHERE \"accessionNumberHosp\" = ?1 LIMIT ?2", q->code,
                          ids, limit, error);
    }
    if (ok && q->ssn && has(s, "socialSecurityNumber"))
        ok = by_value(s, "SELECT id FROM patient WHERE \"socialSecurityNumber\" = ?1 LIMIT ?2", q->ssn, ids, limit, error);
    if (ok && q->ssn_last4 && has(s, "socialSecurityNumber"))
        ok = by_value(s, "SELECT id FROM patient WHERE substr(\"socialSecurityNumber\", 6, 4) = ?1 LIMIT ?2", q->ssn_last4,
                      ids, limit, error);
    if (ok && q->birth_date && has(s, "dateOfBirth"))
        ok = by_value(s, "SELECT id FROM patient WHERE \"dateOfBirth\" = ?1 LIMIT ?2", q->birth_date, ids, limit, error);
    if (!ok) {
        g_array_free(ids, TRUE);
        return NULL;
    }
    return ids;
}

/* "col" when the store has item ID, else '' (a column of the result either way) */
static void append_column(GString *sql, crtk_store *s, const char *table, const char *id)
{
    if (has(s, id))
        g_string_append_printf(sql, "%s.\"%s\"", table, id);
    else
        g_string_append(sql, "''");
}

gboolean crtk_store_patient_summaries(crtk_store *s, const GArray *ids, crtk_patient_summary_fn fn, void *data,
                                      GError **error)
{
    static const char *const patient_items[] = {"patientIdNumber", "nameLast", "nameFirst", "dateOfBirth",
                                                "socialSecurityNumber"};
    GString *sql = g_string_new("SELECT ");
    for (unsigned i = 0; i < G_N_ELEMENTS(patient_items); i++) {
        append_column(sql, s, "p", patient_items[i]);
        g_string_append(sql, ", ");
    }
    g_string_append(sql, "(SELECT ");
    append_column(sql, s, "t", "medicalRecordNumber");
    g_string_append(sql, " FROM tumor t WHERE t.patient_id = p.id ORDER BY t.id LIMIT 1), (SELECT ");
    append_column(sql, s, "t", "accessionNumberHosp");
    g_string_append(sql, " FROM tumor t WHERE t.patient_id = p.id ORDER BY t.id LIMIT 1), "
                         "(SELECT count(*) FROM tumor t WHERE t.patient_id = p.id) FROM patient p WHERE p.id = ?1");
    sqlite3_stmt *st = NULL;
    gboolean ok = crtk_store_prepare(s, sql->str, &st, error);
    g_string_free(sql, TRUE);
    for (guint i = 0; ok && i < ids->len; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, g_array_index(ids, gint64, i));
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *c[7];
            for (int k = 0; k < 7; k++) {
                c[k] = (const char *)sqlite3_column_text(st, k);
                if (!c[k])
                    c[k] = "";
            }
            crtk_patient_summary ps = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], sqlite3_column_int(st, 7)};
            fn(&ps, data);
        } else if (crtk_store_step_failed(s, rc, error, "cannot read the patients found"))
            ok = FALSE;
    }
    sqlite3_finalize(st);
    return ok;
}

gboolean crtk_store_persons_by(crtk_store *s, const char *by, const char *value, int limit, crtk_store_person_fn fn,
                               void *data, GError **error)
{
    static const char *const need[] = {"nameLast", "nameFirst", "dateOfBirth", "socialSecurityNumber", "patientIdNumber"};
    for (unsigned i = 0; i < G_N_ELEMENTS(need); i++)
        if (!has(s, need[i]))
            return TRUE;
    const char *where = !strcmp(by, "ssn")   ? "\"socialSecurityNumber\" = ?1"
                        : !strcmp(by, "dob") ? "\"dateOfBirth\" = ?1"
                                             : "id IN (SELECT patient_id FROM tumor WHERE \"medicalRecordNumber\" = ?1)";
    if (!strcmp(by, "mrn") && !has(s, "medicalRecordNumber"))
        return TRUE;
    char *sql = g_strdup_printf("SELECT id, \"patientIdNumber\", \"nameLast\", \"nameFirst\", \"dateOfBirth\", "
                                "\"socialSecurityNumber\" FROM patient WHERE %s LIMIT ?2", where);
    sqlite3_stmt *st;
    gboolean ok = crtk_store_prepare(s, sql, &st, error);
    g_free(sql);
    if (!ok)
        return FALSE;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c[5];
        for (int i = 0; i < 5; i++) {
            c[i] = (const char *)sqlite3_column_text(st, i + 1);
            if (!c[i])
                c[i] = "";
        }
        if (fn(sqlite3_column_int64(st, 0), c[0], c[1], c[2], c[3], c[4], data)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    /* A failed read is not "no such patient" (a duplicate check would pass). */
    gboolean failed = crtk_store_step_failed(s, rc, error, "cannot search the patients");
    sqlite3_finalize(st);
    return !failed;
}

char *crtk_store_next_patient_key(crtk_store *s)
{
    gint64 max = 0;
    sqlite3_stmt *st;
    if (has(s, "patientIdNumber") &&
        sqlite3_prepare_v2(s->db, "SELECT max(CAST(\"patientIdNumber\" AS INTEGER)) FROM patient", -1, &st, NULL) ==
            SQLITE_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            max = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        /* A failed read would hand out a number in use: writes refuse to go on after it. */
        crtk_store_note_read_error(s, rc, "cannot read the patient numbers");
    }
    return g_strdup_printf("%08" G_GINT64_FORMAT, max + 1);
}
