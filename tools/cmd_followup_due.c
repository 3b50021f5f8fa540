/* cmd_followup_due.c — `crtk followup due`: the follow-up work list.
 *
 * Asks registry/followup.h to classify every patient (excluded, dead, current, due or lost), keeps
 * the statuses asked for, groups and orders the rows (by next follow-up source or physician, then
 * the oldest last contact first) and prints them as text, CSV, JSON Lines or Excel.
 */
#include "cmd_followup.h"
#include "crtk/codes.h"
#include "crtk/json.h"
#include "crtk/csv.h"

#include <stdlib.h>
#include <string.h>

enum { T_NUMBER, T_SITE, T_HIST, T_BEH, T_DX, T_CLASS, T_REASON, T_N };

typedef struct {
    char *group, *pid, *name, *dlc, *next, *physician, *mrn, *accession, *phone;
    crtk_followup_status status;
    crtk_followup_reason reason;
    int last_contact, months, due_date, lost_after, age;
    gint64 row;
    GPtrArray *tumors; /* char*[T_N] (GStrv) */
} due_row;

typedef struct {
    gboolean want[CRTK_FU_N_STATUS];
    int group_by; /* 0 none, 1 next-source, 2 physician */
    GPtrArray *rows;
    long counts[CRTK_FU_N_STATUS];
} due_ctx;

static void due_row_free(due_row *r)
{
    g_free(r->group), g_free(r->pid), g_free(r->name), g_free(r->dlc), g_free(r->next), g_free(r->physician);
    g_free(r->mrn), g_free(r->accession), g_free(r->phone);
    g_ptr_array_free(r->tumors, TRUE);
    g_free(r);
}

static char *pretty_coded(const char *v)
{
    return crtk_followup_date_text(v, "");
}

static char *dup0(const char *v)
{
    return g_strdup(v ? v : "");
}

static char *next_source_label(const char *code)
{
    if (!code)
        return g_strdup("(next follow-up source not coded)");
    const char *l = crtk_code_label("nextFollowUpSource", code);
    return g_strdup_printf("%s %s", code, l ? l : "");
}

static int due_one(crtk_followup_patient *p, void *user)
{
    due_ctx *c = user;
    c->counts[p->status]++;
    if (!c->want[p->status])
        return CRTK_CONTINUE;
    due_row *r = g_new0(due_row, 1);
    r->pid = dup0(p->item[CRTK_FU_PATIENT_ID_NUMBER]);
    const char *la = p->item[CRTK_FU_NAME_LAST], *f = p->item[CRTK_FU_NAME_FIRST], *m = p->item[CRTK_FU_NAME_MIDDLE];
    r->name = la || f ? g_strdup_printf("%s, %s%s%s", la ? la : "", f ? f : "", m ? " " : "", m ? m : "")
                      : g_strdup("");
    r->dlc = dup0(p->item[CRTK_FU_DATE_OF_LAST_CONTACT]);
    r->status = p->status;
    r->reason = p->reason;
    r->last_contact = p->last_contact;
    r->months = p->months_since_contact;
    r->due_date = p->due_date;
    r->lost_after = p->lost_after;
    r->age = p->age;
    r->row = p->patient_id;
    r->next = dup0(crtk_followup_next_source(p));
    r->physician = dup0(crtk_followup_physician(p));
    r->phone = dup0(p->item[CRTK_FU_TELEPHONE]);
    const crtk_followup_tumor *pt = p->principal >= 0 ? &p->tumors[p->principal] : NULL;
    r->mrn = dup0(pt ? pt->item[CRTK_FU_MEDICAL_RECORD_NUMBER] : NULL);
    r->accession = dup0(pt ? pt->item[CRTK_FU_ACCESSION_NUMBER] : NULL);
    if (c->group_by == 1)
        r->group = next_source_label(crtk_followup_next_source(p));
    else if (c->group_by == 2)
        r->group = *r->physician ? g_strdup_printf("%s %s", strlen(r->physician) == 10 ? "NPI" : "physician",
                                                    r->physician)
                                 : g_strdup("(no follow-up physician)");
    r->tumors = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    for (int i = 0; i < p->n_tumors; i++) {
        const crtk_followup_tumor *t = &p->tumors[i];
        char **v = g_new0(char *, T_N + 1);
        v[T_NUMBER] = dup0(t->item[CRTK_FU_TUMOR_RECORD_NUMBER]);
        v[T_SITE] = dup0(t->item[CRTK_FU_PRIMARY_SITE]);
        v[T_HIST] = dup0(t->item[CRTK_FU_HISTOLOGY]);
        v[T_BEH] = dup0(t->item[CRTK_FU_BEHAVIOR]);
        v[T_DX] = dup0(t->item[CRTK_FU_DATE_OF_DIAGNOSIS]);
        v[T_CLASS] = dup0(t->item[CRTK_FU_CLASS_OF_CASE]);
        v[T_REASON] = g_strdup(crtk_followup_reason_code(t->reason));
        g_ptr_array_add(r->tumors, v);
    }
    g_ptr_array_add(c->rows, r);
    return CRTK_CONTINUE;
}

static int due_cmp(gconstpointer a, gconstpointer b)
{
    const due_row *x = *(due_row *const *)a, *y = *(due_row *const *)b;
    int k = g_strcmp0(x->group, y->group);
    if (k)
        return k;
    if (x->last_contact != y->last_contact)
        return x->last_contact < y->last_contact ? -1 : 1;
    k = strcmp(x->pid, y->pid);
    return k ? k : (x->row < y->row ? -1 : x->row > y->row);
}

static char *status_word(const due_row *r)
{
    if (r->status == CRTK_FU_EXCLUDED)
        return g_strdup_printf("excluded:%s", crtk_followup_reason_code(r->reason));
    return g_strdup(crtk_followup_status_name(r->status));
}

/* "C504 2021-03-01; C619 2023 (not followed: benign)" */
static char *tumors_text(const due_row *r)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < r->tumors->len; i++) {
        char **t = r->tumors->pdata[i];
        char *dx = pretty_coded(t[T_DX]);
        g_string_append_printf(s, "%s%s%s%s", s->len ? "; " : "", *t[T_SITE] ? t[T_SITE] : "site?", *dx ? " " : "",
                               dx);
        if (*t[T_HIST])
            g_string_append_printf(s, " %s/%s", t[T_HIST], t[T_BEH]);
        if (*t[T_REASON])
            g_string_append_printf(s, " (not followed: %s)", t[T_REASON]);
        g_free(dx);
    }
    return g_string_free(s, FALSE);
}

static void due_text(FILE *f, const due_ctx *c, const crtk_followup_rules *r, const char *db)
{
    char *asof = fu_pretty(r->as_of);
    fprintf(f, "Follow-up list of %s as of %s: due %d to %d months after the last contact, lost after %d\n", db,
            asof, r->due_months, r->lost_months, r->lost_months);
    g_free(asof);
    for (guint i = 0; i < c->rows->len; i++) {
        const due_row *x = c->rows->pdata[i];
        const due_row *prev = i ? c->rows->pdata[i - 1] : NULL;
        if (!prev || (x->group && strcmp(prev->group, x->group))) {
            if (x->group) {
                long n = 0;
                for (guint k = i; k < c->rows->len && !strcmp(((due_row *)c->rows->pdata[k])->group, x->group); k++)
                    n++;
                fprintf(f, "\n== %s (%ld patient%s) ==\n", x->group, n, n == 1 ? "" : "s");
            } else {
                fputc('\n', f);
            }
            fprintf(f, "%-10s %-26s %-12s %6s  %-24s %-4s %-10s %s\n", "PATIENT", "NAME", "LAST CONTACT", "MONTHS",
                    "STATUS", "NEXT", "PHYSICIAN", "TUMORS");
        }
        char *dlc = pretty_coded(x->dlc), *st = status_word(x), *tu = tumors_text(x);
        char months[16] = "?";
        if (x->months >= 0 || x->last_contact)
            g_snprintf(months, sizeof months, "%d", x->months);
        char name[27 * 4];
        g_utf8_strncpy(name, g_utf8_validate(x->name, -1, NULL) ? x->name : "?", 26);
        fprintf(f, "%-10s %-26s %-12s %6s  %-24s %-4s %-10s %s\n", x->pid, name, *dlc ? dlc : "(none)", months, st,
                x->next, x->physician, tu);
        g_free(dlc), g_free(st), g_free(tu);
    }
    long shown = (long)c->rows->len;
    fprintf(f, "\n%ld patient%s listed.  All patients: ", shown, shown == 1 ? "" : "s");
    for (int s = 0; s < CRTK_FU_N_STATUS; s++)
        fprintf(f, "%s%s %ld", s ? ", " : "", crtk_followup_status_name(s), c->counts[s]);
    fputc('\n', f);
}

static const char *const due_columns[] = {"group", "patientIdNumber", "name", "status", "reason",
                                          "dateOfLastContact", "monthsSinceContact", "dueDate", "lostAfter",
                                          "nextFollowUpSource", "physician", "medicalRecordNumber",
                                          "accessionNumberHosp", "telephone", "age", "tumors", NULL};


/* The values of a row, as text, in due_columns order (newly allocated); dates as YYYYMMDD like
 * NAACCR's, or YYYY-MM-DD for people (nice). */
static char **due_values(const due_row *x, gboolean nice)
{
    char **v = g_new0(char *, G_N_ELEMENTS(due_columns));
    int i = 0;
    v[i++] = dup0(x->group);
    v[i++] = dup0(x->pid);
    v[i++] = dup0(x->name);
    v[i++] = g_strdup(crtk_followup_status_name(x->status));
    v[i++] = g_strdup(x->status == CRTK_FU_EXCLUDED ? crtk_followup_reason_code(x->reason) : "");
    v[i++] = nice ? pretty_coded(x->dlc) : dup0(x->dlc);
    v[i++] = x->last_contact ? g_strdup_printf("%d", x->months) : g_strdup("");
    v[i++] = nice ? fu_pretty(x->due_date) : fu_plain(x->due_date);
    v[i++] = nice ? fu_pretty(x->lost_after) : fu_plain(x->lost_after);
    v[i++] = dup0(x->next);
    v[i++] = dup0(x->physician);
    v[i++] = dup0(x->mrn);
    v[i++] = dup0(x->accession);
    v[i++] = dup0(x->phone);
    v[i++] = x->age >= 0 ? g_strdup_printf("%d", x->age) : g_strdup("");
    v[i++] = tumors_text(x);
    return v;
}

static void due_csv(FILE *f, const due_ctx *c)
{
    GString *s = g_string_new(NULL);
    int first_col = c->group_by ? 0 : 1;
    for (int i = first_col; due_columns[i]; i++)
        crtk_csv_append_for_people(s, due_columns[i], i == first_col);
    g_string_append(s, "\r\n");
    for (guint k = 0; k < c->rows->len; k++) {
        char **v = due_values(c->rows->pdata[k], FALSE);
        for (int i = first_col; due_columns[i]; i++)
            crtk_csv_append_for_people(s, v[i], i == first_col);
        g_string_append(s, "\r\n");
        g_strfreev(v);
        if (s->len > 1 << 16) {
            fwrite(s->str, 1, s->len, f);
            g_string_truncate(s, 0);
        }
    }
    fwrite(s->str, 1, s->len, f);
    g_string_free(s, TRUE);
}

static void json_opt(GString *s, const char *name, const char *v)
{
    if (v && *v)
        crtk_json_field_str(s, name, v, FALSE);
    else
        g_string_append_printf(s, ",\"%s\":null", name);
}

static void due_json(FILE *f, const due_ctx *c)
{
    GString *s = g_string_new(NULL);
    for (guint k = 0; k < c->rows->len; k++) {
        const due_row *x = c->rows->pdata[k];
        g_string_append_c(s, '{');
        crtk_json_field_str(s, "patientIdNumber", x->pid, TRUE);
        crtk_json_field_str(s, "status", crtk_followup_status_name(x->status), FALSE);
        json_opt(s, "reason", x->status == CRTK_FU_EXCLUDED ? crtk_followup_reason_code(x->reason) : NULL);
        if (x->status == CRTK_FU_EXCLUDED)
            crtk_json_field_str(s, "reasonText", crtk_followup_reason_text(x->reason), FALSE);
        json_opt(s, "name", x->name);
        json_opt(s, "dateOfLastContact", x->dlc);
        if (x->last_contact)
            crtk_json_field_int(s, "monthsSinceContact", x->months, FALSE);
        else
            g_string_append(s, ",\"monthsSinceContact\":null");
        char *d = fu_plain(x->due_date), *l = fu_plain(x->lost_after);
        json_opt(s, "dueDate", d);
        json_opt(s, "lostAfter", l);
        g_free(d), g_free(l);
        json_opt(s, "nextFollowUpSource", x->next);
        json_opt(s, "physician", x->physician);
        json_opt(s, "medicalRecordNumber", x->mrn);
        json_opt(s, "accessionNumberHosp", x->accession);
        json_opt(s, "telephone", x->phone);
        if (x->age >= 0)
            crtk_json_field_int(s, "age", x->age, FALSE);
        if (x->group)
            crtk_json_field_str(s, "group", x->group, FALSE);
        crtk_json_field_int(s, "patientRow", x->row, FALSE);
        g_string_append(s, ",\"tumors\":[");
        for (guint i = 0; i < x->tumors->len; i++) {
            char **t = x->tumors->pdata[i];
            g_string_append_printf(s, "%s{", i ? "," : "");
            static const char *const names[T_N] = {"tumorRecordNumber", "primarySite", "histologicTypeIcdO3",
                                                   "behaviorCodeIcdO3", "dateOfDiagnosis", "classOfCase", "notFollowed"};
            gboolean first = TRUE;
            for (int j = 0; j < T_N; j++) {
                if (!*t[j])
                    continue;
                crtk_json_field_str(s, names[j], t[j], first);
                first = FALSE;
            }
            g_string_append_c(s, '}');
        }
        g_string_append(s, "]}\n");
        if (s->len > 1 << 16) {
            fwrite(s->str, 1, s->len, f);
            g_string_truncate(s, 0);
        }
    }
    fwrite(s->str, 1, s->len, f);
    g_string_free(s, TRUE);
}

#ifdef CRTK_HAVE_XLSXWRITER
static gboolean due_xlsx(const due_ctx *c, const crtk_followup_rules *r, const char *output)
{
    lxw_workbook *wb = workbook_new(output);
    if (!wb) {
        crtk_cli_error("%s: cannot write", output);
        return FALSE;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Follow-up list");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    char *asof = fu_pretty(r->as_of);
    char *title = g_strdup_printf("Follow-up list as of %s (due %d-%d months after the last contact)", asof,
                                  r->due_months, r->lost_months);
    worksheet_write_string(ws, 0, 0, title, bold);
    g_free(title), g_free(asof);
    int first_col = c->group_by ? 0 : 1;
    for (int i = first_col; due_columns[i]; i++)
        worksheet_write_string(ws, 2, (lxw_col_t)(i - first_col), due_columns[i], bold);
    for (guint k = 0; k < c->rows->len; k++) {
        const due_row *x = c->rows->pdata[k];
        char **v = due_values(x, TRUE);
        for (int i = first_col; due_columns[i]; i++) {
            lxw_row_t row = (lxw_row_t)(k + 3);
            lxw_col_t col = (lxw_col_t)(i - first_col);
            if ((!strcmp(due_columns[i], "monthsSinceContact") || !strcmp(due_columns[i], "age")) && *v[i])
                worksheet_write_number(ws, row, col, atof(v[i]), NULL);
            else if (*v[i])
                worksheet_write_string(ws, row, col, v[i], NULL);
        }
        g_strfreev(v);
    }
    int ncols = 0;
    while (due_columns[first_col + ncols])
        ncols++;
    worksheet_freeze_panes(ws, 3, 0);
    worksheet_autofilter(ws, 2, 0, (lxw_row_t)(c->rows->len + 2), (lxw_col_t)(ncols - 1));
    worksheet_set_column(ws, 0, (lxw_col_t)(ncols - 2), 14, NULL);
    worksheet_set_column(ws, (lxw_col_t)(ncols - 1), (lxw_col_t)(ncols - 1), 60, NULL);
    return fu_xlsx_close(wb, output);
}
#endif

int cmd_followup_due(int argc, char **argv)
{
    char *as_of = NULL, *status = NULL, *group_by = NULL, *format = NULL, *output = NULL;
    GOptionEntry entries[] = {
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "the date the list is for (default today)", "YYYYMMDD"},
        {"status", 0, 0, G_OPTION_ARG_STRING, &status,
         "due (default), lost, current, dead, excluded or all; several with commas (due,lost)", "S"},
        {"group-by", 0, 0, G_OPTION_ARG_STRING, &group_by, "next-source, physician or none (default)", "G"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), csv, json (JSON Lines) or xlsx", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "file to write (default: standard output)", "FILE"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB - the follow-up work list");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Every patient with tumors is exactly one of: excluded (not followed, with the reason), dead,\n"
        "current (under 12 months since the last contact), due (12 to 15 months), lost (over 15 months).\n"
        "The windows and the reference date are store settings (crtk followup settings).\n"
        "Rows are ordered by group, then by the date of last contact, oldest first.\n\n"
        "Example: crtk followup due reg.db --status due,lost --group-by physician -o worklist.xlsx");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    due_ctx c = {0};
    c.rows = g_ptr_array_new_with_free_func((GDestroyNotify)due_row_free);
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2) {
        crtk_cli_error("followup due: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!fu_parse_statuses(status ? status : "due", c.want)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!group_by || !strcmp(group_by, "none"))
        c.group_by = 0;
    else if (!strcmp(group_by, "next-source"))
        c.group_by = 1;
    else if (!strcmp(group_by, "physician"))
        c.group_by = 2;
    else {
        crtk_cli_error("followup due: --group-by %s: expected next-source, physician or none", group_by);
        rc = EXIT_USAGE;
        goto out;
    }
    const char *fmt = fu_output_format("followup due", format, output, "text, csv, json or xlsx");
    if (!fmt) {
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "followup due");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(s, as_of, &rules, &error) ||
        !crtk_followup_scan(s, &rules, CRTK_FU_SCAN_LIST, due_one, &c, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    g_ptr_array_sort(c.rows, due_cmp);
    if (!strcmp(fmt, "xlsx")) {
#ifdef CRTK_HAVE_XLSXWRITER
        if (!due_xlsx(&c, &rules, output))
            rc = EXIT_USAGE;
#else
        crtk_cli_error("followup due: this crtk was built without libxlsxwriter");
        rc = EXIT_USAGE;
#endif
        goto out;
    }
    FILE *f = fu_open_output(output);
    if (!f) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(fmt, "csv"))
        due_csv(f, &c);
    else if (!strcmp(fmt, "json"))
        due_json(f, &c);
    else
        due_text(f, &c, &rules, argv[1]);
    if (!fu_close_output(f, output))
        rc = EXIT_USAGE;
out:
    crtk_store_close(s);
    g_ptr_array_free(c.rows, TRUE);
    g_free(as_of), g_free(status), g_free(group_by), g_free(format), g_free(output);
    g_option_context_free(ctx);
    return rc;
}
