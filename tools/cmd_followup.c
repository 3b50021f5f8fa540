/* cmd_followup.c — `crtk followup due|post|rate|letters|settings`: the annual follow-up.
 *
 * Thin over registry/followup.h (the rules, the scan, the rates, posting) and reports/letters.h
 * (the letters): parses options, asks the library, prints text, CSV, JSON Lines or Excel.
 */
#include "commands.h"
#include "codes.h"
#include "followup.h"
#include "json.h"
#include "letters.h"
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef CRTK_HAVE_XLSXWRITER
#include <xlsxwriter.h>
#endif

static int usage(FILE *f)
{
    fputs("usage: crtk followup COMMAND DB [OPTIONS]\n\n"
          "The annual follow-up of a hospital registry (Commission on Cancer rules).\n\n"
          "Commands:\n"
          "  due DB       the work list: patients due (12-15 months since last contact), lost, ...\n"
          "  post DB P    record a contact (or a death) for patient P and all its tumors; --from-csv for many\n"
          "  letters DB   letters to physicians, patients or contacts for the due list (PDF + CSV)\n"
          "  rate DB      the follow-up rates: both CoC cohorts, lines A-E, target, pass/fail, per year\n"
          "  settings DB  show or change the follow-up settings (windows, reference date, registry name)\n\n"
          "'crtk followup COMMAND --help' describes each command.\n",
          f);
    return EXIT_USAGE;
}

static int error_exit(GError *e)
{
    int rc = e && e->domain == CRTK_ERROR && e->code == CRTK_ERROR_DATA ? EXIT_DATA : EXIT_USAGE;
    crtk_cli_error("%s", e ? e->message : "failed");
    if (e)
        g_error_free(e);
    return rc;
}

static char *pretty(int d)
{
    return d ? g_strdup_printf("%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100) : g_strdup("");
}

static char *pretty_coded(const char *v)
{
    return crtk_followup_date_text(v, "");
}

/* Output format from --format, else from the file name. */
static const char *pick_format(const char *format, const char *output)
{
    if (format)
        return format;
    if (output && (g_str_has_suffix(output, ".csv")))
        return "csv";
    if (output && g_str_has_suffix(output, ".xlsx"))
        return "xlsx";
    if (output && (g_str_has_suffix(output, ".json") || g_str_has_suffix(output, ".jsonl")))
        return "json";
    return "text";
}

/* The output format (see pick_format), checked against allowed ("text, json or xlsx"): NULL, reported,
 * when it is none of them, or is xlsx without -o. */
static const char *output_format(const char *cmd, const char *format, const char *output, const char *allowed)
{
    const char *fmt = pick_format(format, output);
    gboolean known = FALSE;
    gchar **names = g_strsplit_set(allowed, ", ", -1);
    for (gchar **n = names; *n && !known; n++)
        known = **n && strcmp(*n, "or") && !strcmp(*n, fmt);
    g_strfreev(names);
    if (!known) {
        crtk_cli_error("%s: --format %s: expected %s", cmd, fmt, allowed);
        return NULL;
    }
    if (!strcmp(fmt, "xlsx") && !output) {
        crtk_cli_error("%s: xlsx needs -o FILE.xlsx", cmd);
        return NULL;
    }
    return fmt;
}

static FILE *open_output(const char *output)
{
    if (!output || !strcmp(output, "-"))
        return stdout;
    FILE *f = fopen(output, "w");
    if (!f)
        crtk_cli_error("%s: cannot write: %s", output, g_strerror(errno));
    return f;
}

static gboolean close_output(FILE *f, const char *output)
{
    if (f == stdout)
        return fflush(f) == 0;
    gboolean ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        crtk_cli_error("%s: cannot write", output);
    return ok;
}

/* ---- due ------------------------------------------------------------------------------------------ */

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
    char *asof = pretty(r->as_of);
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

static char *plain(int d)
{
    return d ? g_strdup_printf("%08d", d) : g_strdup("");
}

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
    v[i++] = nice ? pretty(x->due_date) : plain(x->due_date);
    v[i++] = nice ? pretty(x->lost_after) : plain(x->lost_after);
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
        crtk_followup_csv_field(s, due_columns[i], i == first_col);
    g_string_append(s, "\r\n");
    for (guint k = 0; k < c->rows->len; k++) {
        char **v = due_values(c->rows->pdata[k], FALSE);
        for (int i = first_col; due_columns[i]; i++)
            crtk_followup_csv_field(s, v[i], i == first_col);
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
        char *d = plain(x->due_date), *l = plain(x->lost_after);
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
static gboolean xlsx_close(lxw_workbook *wb, const char *output)
{
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        crtk_cli_error("%s: cannot write: %s", output, lxw_strerror(e));
        return FALSE;
    }
    return TRUE;
}

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
    char *asof = pretty(r->as_of);
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
    return xlsx_close(wb, output);
}
#endif

static gboolean parse_statuses(const char *list, gboolean want[CRTK_FU_N_STATUS])
{
    memset(want, 0, sizeof(gboolean) * CRTK_FU_N_STATUS);
    char **w = g_strsplit_set(list, ",+ ", -1);
    gboolean ok = TRUE;
    for (char **p = w; *p; p++) {
        if (!**p)
            continue;
        if (!g_ascii_strcasecmp(*p, "all")) {
            for (int i = 0; i < CRTK_FU_N_STATUS; i++)
                want[i] = TRUE;
            continue;
        }
        int s = crtk_followup_status_parse(*p);
        if (s < 0) {
            crtk_cli_error("followup: --status %s: expected due, lost, current, dead, excluded or all", *p);
            ok = FALSE;
        } else {
            want[s] = TRUE;
        }
    }
    g_strfreev(w);
    return ok;
}

static int do_due(int argc, char **argv)
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
    if (!parse_statuses(status ? status : "due", c.want)) {
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
    const char *fmt = output_format("followup due", format, output, "text, csv, json or xlsx");
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
        rc = error_exit(error);
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
    FILE *f = open_output(output);
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
    if (!close_output(f, output))
        rc = EXIT_USAGE;
out:
    crtk_store_close(s);
    g_ptr_array_free(c.rows, TRUE);
    g_free(as_of), g_free(status), g_free(group_by), g_free(format), g_free(output);
    g_option_context_free(ctx);
    return rc;
}

/* ---- post ----------------------------------------------------------------------------------------- */

static int do_post(int argc, char **argv)
{
    char *date = NULL, *vital = NULL, *source = NULL, *cod = NULL, *user = NULL, *csv = NULL;
    char **cancer = NULL;
    gboolean force = FALSE;
    GOptionEntry entries[] = {
        {"date", 0, 0, G_OPTION_ARG_STRING, &date, "date of the contact, or of death (YYYYMMDD or YYYY-MM-DD)", "D"},
        {"vital-status", 0, 0, G_OPTION_ARG_STRING, &vital, "1 alive, 0 dead", "0|1"},
        {"cancer-status", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cancer,
         "1 no evidence, 2 evidence, 9 unknown: for every tumor, or for one as TUMOR=CODE (tumor record number, "
         "primary site or #row); repeatable", "[TUMOR=]CODE"},
        {"source", 0, 0, G_OPTION_ARG_STRING, &source,
         "follow-up source: 1 digit = Follow-Up Source (1790) of the tumors, 2 digits = Follow-up Source Central "
         "(1791)", "CODE"},
        {"cause-of-death", 0, 0, G_OPTION_ARG_STRING, &cod, "cause of death (1910), with --vital-status 0", "CODE"},
        {"from-csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
         "post every line of a CSV file (columns patientIdNumber,date,vitalStatus[,cancerStatus,source,causeOfDeath]), "
         "all or nothing", "FILE"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force,
         "accept a date older than the one recorded or before a diagnosis, or a change to a recorded death", NULL},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail; default: login name)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB PATIENT --date D --vital-status 0|1 - record a follow-up contact");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Sets Date of Last Contact (1750) and Vital Status (1760) of the patient, Cancer Status (1770) and\n"
        "Date of Last Cancer Status (1772) of the tumors given a status, and the source; Date Case Last\n"
        "Changed is set and every change is in the audit trail.  A date after today is always refused; a date\n"
        "older than the one recorded only with --force.\n\n"
        "Examples:\n"
        "  crtk followup post reg.db 00000123 --date 2026-03-02 --vital-status 1 --cancer-status 1 --source 2\n"
        "  crtk followup post reg.db 00000123 --date 20260302 --vital-status 1 --cancer-status 01=1 --cancer-status 02=2\n"
        "  crtk followup post reg.db --from-csv returned-letters.csv --user jdoe");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (csv ? argc != 2 : argc != 3) {
        crtk_cli_error("followup post: give DB PATIENT --date D --vital-status 0|1, or DB --from-csv FILE (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (csv && (date || vital || cancer || source || cod)) {
        crtk_cli_error("followup post: --from-csv takes the contacts from the file; leave out --date, --vital-status, ...");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!csv && (!date || !vital)) {
        crtk_cli_error("followup post: --date and --vital-status are required");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], FALSE, user, csv ? "followup post --from-csv" : "followup post");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(s, NULL, &rules, &error)) {
        rc = error_exit(error);
        goto out;
    }
    if (csv) {
        int posted = 0;
        if (!crtk_followup_post_csv(s, &rules, csv, force, &posted, &error)) {
            rc = error_exit(error);
            goto out;
        }
        printf("%s: %d contact%s posted\n", csv, posted, posted == 1 ? "" : "s");
        goto out;
    }
    crtk_followup_contact c = {
        .date = date,
        .vital_status = vital,
        .cancer_status = (const char *const *)cancer,
        .n_cancer_status = cancer ? (int)g_strv_length(cancer) : 0,
        .source = source,
        .cause_of_death = cod,
        .force = force,
    };
    if (!crtk_followup_post(s, &rules, argv[2], &c, &error)) {
        rc = error_exit(error);
        goto out;
    }
    int d = crtk_followup_parse_full_date(date);
    char *pd = pretty(d);
    printf("patient %s: %s on %s posted\n", argv[2], vital[0] == '0' ? "death" : "contact (alive)", pd);
    g_free(pd);
out:
    crtk_store_close(s);
    g_free(date), g_free(vital), g_free(source), g_free(cod), g_free(user), g_free(csv);
    g_strfreev(cancer);
    g_option_context_free(ctx);
    return rc;
}

/* ---- rate ------------------------------------------------------------------------------------------ */

/* The words of worksheet line i (A..E); the current line names the lost window. */
static char *line_words(int i, int lost_months)
{
    switch (i) {
    case 0: return g_strdup("Eligible analytic patients");
    case 1: return g_strdup("Dead (or 100 years old or older)");
    case 2: return g_strdup("Living (A - B)");
    case 3: return g_strdup_printf("Current (alive, contact within %d months)", lost_months);
    default: return g_strdup("Lost to follow-up (C - D)");
    }
}

static long line_value(const crtk_followup_rate_line *l, int i)
{
    switch (i) {
    case 0: return l->a;
    case 1: return l->b;
    case 2: return l->c;
    case 3: return l->d;
    default: return l->e;
    }
}

static double pct(long v, long a)
{
    return a ? 100.0 * (double)v / (double)a : 0.0;
}

static void rate_text(FILE *f, const crtk_followup_rate *rate, const char *db)
{
    const crtk_followup_rules *r = &rate->rules;
    char *asof = pretty(r->as_of);
    fprintf(f, "Follow-up rates of %s as of %s (Commission on Cancer; counting %s once each)\n", db, asof,
            rate->per_tumor ? "tumors" : "patients");
    g_free(asof);
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        char *from = pretty(c->from), *to = pretty(c->to);
        fprintf(f, "\n%s: diagnosed %s to %s, target %.0f%%\n", c->title, from, to, c->target);
        g_free(from), g_free(to);
        for (int i = 0; i < 5; i++) {
            char *w = line_words(i, r->lost_months);
            long v = line_value(&c->total, i);
            fprintf(f, "  %c  %-44s %8ld  %6.1f%%\n", 'A' + i, w, v, pct(v, c->total.a));
            g_free(w);
        }
        gboolean pass = crtk_followup_rate_pass(c, &c->total);
        fprintf(f, "  Follow-up rate (B + D) / A: %.1f%%, target %.0f%%: %s\n", crtk_followup_rate_percent(&c->total),
                c->target, !c->total.a ? "PASS (no eligible patients)" : pass ? "PASS" : "FAIL");
        fprintf(f, "  Checks: A - B = C %s; D + E = C %s; B + D + E = A %s\n",
                c->total.a - c->total.b == c->total.c ? "ok" : "WRONG",
                c->total.d + c->total.e == c->total.c ? "ok" : "WRONG",
                c->total.b + c->total.d + c->total.e == c->total.a ? "ok" : "WRONG");
        if (c->years->len) {
            fprintf(f, "\n  %-6s %8s %8s %8s %8s %8s %8s\n", "Year", "A", "B", "C", "D", "E", "Rate");
            int empty = 0;
            for (guint y = 0; y < c->years->len; y++) {
                const crtk_followup_rate_line *l = &g_array_index(c->years, crtk_followup_rate_line, y);
                if (!l->a) {
                    empty++;
                    continue;
                }
                fprintf(f, "  %-6d %8ld %8ld %8ld %8ld %8ld %7.1f%%\n", l->year, l->a, l->b, l->c, l->d, l->e,
                        crtk_followup_rate_percent(l));
            }
            if (empty)
                fprintf(f, "  (%d year%s without eligible patients not shown)\n", empty, empty == 1 ? "" : "s");
        }
    }
}

static void rate_json_line(GString *s, const crtk_followup_cohort *c, const crtk_followup_rate_line *l, gboolean total)
{
    g_string_append_c(s, '{');
    crtk_json_field_str(s, "cohort", c->name, TRUE);
    if (total) {
        g_string_append(s, ",\"year\":null");
        char *from = plain(c->from), *to = plain(c->to);
        crtk_json_field_str(s, "from", from, FALSE);
        crtk_json_field_str(s, "to", to, FALSE);
        g_free(from), g_free(to);
        g_string_append_printf(s, ",\"target\":%.0f", c->target);
    } else {
        crtk_json_field_int(s, "year", l->year, FALSE);
    }
    crtk_json_field_int(s, "A", l->a, FALSE);
    crtk_json_field_int(s, "B", l->b, FALSE);
    crtk_json_field_int(s, "C", l->c, FALSE);
    crtk_json_field_int(s, "D", l->d, FALSE);
    crtk_json_field_int(s, "E", l->e, FALSE);
    if (l->a)
        g_string_append_printf(s, ",\"rate\":%.2f", crtk_followup_rate_percent(l));
    else
        g_string_append(s, ",\"rate\":null");
    if (total)
        g_string_append_printf(s, ",\"pass\":%s", crtk_followup_rate_pass(c, l) ? "true" : "false");
    g_string_append(s, "}\n");
}

static void rate_json(FILE *f, const crtk_followup_rate *rate)
{
    GString *s = g_string_new(NULL);
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        rate_json_line(s, c, &c->total, TRUE);
        for (guint y = 0; y < c->years->len; y++)
            rate_json_line(s, c, &g_array_index(c->years, crtk_followup_rate_line, y), FALSE);
    }
    fputs(s->str, f);
    g_string_free(s, TRUE);
}

#ifdef CRTK_HAVE_XLSXWRITER
static gboolean rate_xlsx(const crtk_followup_rate *rate, const char *output, const char *db)
{
    lxw_workbook *wb = workbook_new(output);
    if (!wb) {
        crtk_cli_error("%s: cannot write", output);
        return FALSE;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Follow-up rates");
    lxw_format *bold = workbook_add_format(wb), *pc = workbook_add_format(wb), *title = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(pc, "0.0%");
    format_set_bold(title);
    format_set_font_size(title, 14);
    const crtk_followup_rules *r = &rate->rules;
    char *asof = pretty(r->as_of);
    char *t = g_strdup_printf("Follow-up rates of %s as of %s (counting %s)", db, asof,
                              rate->per_tumor ? "tumors" : "patients");
    worksheet_write_string(ws, 0, 0, t, title);
    g_free(t), g_free(asof);
    lxw_row_t row = 2;
    for (int k = 0; k < 2; k++) {
        const crtk_followup_cohort *c = &rate->cohort[k];
        char *from = pretty(c->from), *to = pretty(c->to);
        char *h = g_strdup_printf("%s: diagnosed %s to %s, target %.0f%%", c->title, from, to, c->target);
        worksheet_write_string(ws, row++, 0, h, bold);
        g_free(h), g_free(from), g_free(to);
        worksheet_write_string(ws, row, 0, "Line", bold);
        worksheet_write_string(ws, row, 1, "Meaning", bold);
        worksheet_write_string(ws, row, 2, "Number", bold);
        worksheet_write_string(ws, row++, 3, "Percent", bold);
        for (int i = 0; i < 5; i++) {
            char letter[2] = {(char)('A' + i), 0};
            char *w = line_words(i, r->lost_months);
            long v = line_value(&c->total, i);
            worksheet_write_string(ws, row, 0, letter, NULL);
            worksheet_write_string(ws, row, 1, w, NULL);
            worksheet_write_number(ws, row, 2, (double)v, NULL);
            worksheet_write_number(ws, row++, 3, c->total.a ? (double)v / (double)c->total.a : 0, pc);
            g_free(w);
        }
        worksheet_write_string(ws, row, 1, "Follow-up rate (B + D) / A", bold);
        worksheet_write_number(ws, row++, 3, crtk_followup_rate_percent(&c->total) / 100.0, pc);
        worksheet_write_string(ws, row, 1, "Target", NULL);
        worksheet_write_number(ws, row++, 3, c->target / 100.0, pc);
        worksheet_write_string(ws, row, 1, "Result", NULL);
        worksheet_write_string(ws, row++, 3, crtk_followup_rate_pass(c, &c->total) ? "PASS" : "FAIL", bold);
        row++;
        static const char *const heads[] = {"Year of diagnosis", "A", "B", "C", "D", "E", "Rate"};
        for (int i = 0; i < 7; i++)
            worksheet_write_string(ws, row, (lxw_col_t)i, heads[i], bold);
        row++;
        for (guint y = 0; y < c->years->len; y++, row++) {
            const crtk_followup_rate_line *l = &g_array_index(c->years, crtk_followup_rate_line, y);
            worksheet_write_number(ws, row, 0, l->year, NULL);
            for (int i = 0; i < 5; i++)
                worksheet_write_number(ws, row, (lxw_col_t)(i + 1), (double)line_value(l, i), NULL);
            if (l->a)
                worksheet_write_number(ws, row, 6, crtk_followup_rate_percent(l) / 100.0, pc);
        }
        row += 2;
    }
    worksheet_set_column(ws, 0, 0, 18, NULL);
    worksheet_set_column(ws, 1, 1, 44, NULL);
    worksheet_set_column(ws, 2, 6, 10, NULL);
    return xlsx_close(wb, output);
}
#endif

static int do_rate(int argc, char **argv)
{
    char *as_of = NULL, *format = NULL, *output = NULL;
    gboolean per_tumor = FALSE;
    int through = 0;
    GOptionEntry entries[] = {
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "the date the rates are for (default today)", "YYYYMMDD"},
        {"through-year", 0, 0, G_OPTION_ARG_INT, &through,
         "last year of diagnosis counted (default: the year before the as-of date)", "Y"},
        {"per-tumor", 0, 0, G_OPTION_ARG_NONE, &per_tumor, "count tumors instead of patients", NULL},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), json (JSON Lines) or xlsx", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "file to write (default: standard output)", "FILE"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB - the follow-up rates (CoC worksheet)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Two cohorts: patients diagnosed since the reference date (target 80%) and in the last five years\n"
        "(90%), both up to the end of the year before the as-of date.  A: eligible analytic patients;\n"
        "B: dead (or 100 years old or older); C = A - B living; D: current (contact within 15 months);\n"
        "E = C - D lost.  Rate = (B + D) / A.  A patient counts once, in the year of the first diagnosis.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    crtk_followup_rate rate = {0};
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2) {
        crtk_cli_error("followup rate: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    const char *fmt = output_format("followup rate", format, output, "text, json or xlsx");
    if (!fmt) {
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "followup rate");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(s, as_of, &rules, &error)) {
        rc = error_exit(error);
        goto out;
    }
    if (through) {
        if (through < 1900 || through > rules.as_of / 10000) {
            crtk_cli_error("followup rate: --through-year %d: expected a year up to the as-of year", through);
            rc = EXIT_USAGE;
            goto out;
        }
        rules.last_dx_year = through;
    }
    crtk_followup_rate_init(&rate, &rules, per_tumor);
    if (!crtk_followup_rate_compute(s, &rate, &error)) {
        rc = error_exit(error);
        goto out;
    }
    if (!strcmp(fmt, "xlsx")) {
#ifdef CRTK_HAVE_XLSXWRITER
        if (!rate_xlsx(&rate, output, argv[1]))
            rc = EXIT_USAGE;
#else
        crtk_cli_error("followup rate: this crtk was built without libxlsxwriter");
        rc = EXIT_USAGE;
#endif
        goto out;
    }
    FILE *f = open_output(output);
    if (!f) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(fmt, "json"))
        rate_json(f, &rate);
    else
        rate_text(f, &rate, argv[1]);
    if (!close_output(f, output))
        rc = EXIT_USAGE;
out:
    crtk_followup_rate_clear(&rate);
    crtk_store_close(s);
    g_free(as_of), g_free(format), g_free(output);
    g_option_context_free(ctx);
    return rc;
}

/* ---- letters ---------------------------------------------------------------------------------------- */

typedef struct {
    gboolean want[CRTK_FU_N_STATUS];
    crtk_letters *letters;
    long patients, skipped;
    GString *skipped_list;
} letters_ctx;

static int letters_one(crtk_followup_patient *p, void *user)
{
    letters_ctx *c = user;
    if (!c->want[p->status])
        return CRTK_CONTINUE;
    const char *why;
    if (crtk_letters_add(c->letters, p, &why)) {
        c->patients++;
    } else {
        c->skipped++;
        if (c->skipped <= 20)
            g_string_append_printf(c->skipped_list, "crtk: patient %s: no letter: %s\n",
                                   p->item[CRTK_FU_PATIENT_ID_NUMBER] ? p->item[CRTK_FU_PATIENT_ID_NUMBER] : "?", why);
    }
    return CRTK_CONTINUE;
}

static int do_letters(int argc, char **argv)
{
    char *as_of = NULL, *to = NULL, *status = NULL, *output = NULL, *physicians = NULL;
    GOptionEntry entries[] = {
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "the date of the list and of the letters (default today)", "YYYYMMDD"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &to, "physician (default), patient or contact", "WHO"},
        {"status", 0, 0, G_OPTION_ARG_STRING, &status, "which patients: due (default), lost, or both (due,lost)", "S"},
        {"physicians", 0, 0, G_OPTION_ARG_FILENAME, &physicians,
         "CSV of physicians' names and addresses (columns id,name,address1,address2,city,state,postalCode; id = NPI "
         "or physician code)", "FILE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "the PDF to write; FILE.csv is written beside it", "FILE.pdf"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB -o FILE.pdf - follow-up letters for the due list");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "One letter per recipient, each with a reply form: to the follow-up physician (NPI--Physician--\n"
        "Follow-Up, all that physician's patients in one letter), to the patient (current address), or to\n"
        "the patient's follow-up contact.  Letters to patients and contacts are in plain language and never\n"
        "name the disease; patients whose followed tumors are all in situ or benign get their own wording.\n"
        "The sender is the registry's name and telephone (settings registryName, registryPhone,\n"
        "registryAddress; registryLetterName and registryLetterAddress for patients and contacts).\n"
        "The CSV beside the PDF holds the same letters, one row each, for mail merge.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    letters_ctx c = {0};
    char *name = NULL, *phone = NULL, *address = NULL, *lname = NULL, *laddress = NULL, *csv = NULL;
    c.skipped_list = g_string_new(NULL);
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2 || !output) {
        crtk_cli_error("followup letters: give DB and -o FILE.pdf (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    int who = to ? crtk_letter_to_parse(to) : CRTK_LETTER_PHYSICIAN;
    if (who < 0) {
        crtk_cli_error("followup letters: --to %s: expected physician, patient or contact", to);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!parse_statuses(status ? status : "due", c.want)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (c.want[CRTK_FU_DEAD] || c.want[CRTK_FU_EXCLUDED]) {
        crtk_cli_error("followup letters: letters go to living patients that are followed: --status due, lost or current");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "followup letters");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(s, as_of, &rules, &error)) {
        rc = error_exit(error);
        goto out;
    }
    name = crtk_store_get_setting(s, "registryName");
    phone = crtk_store_get_setting(s, "registryPhone");
    address = crtk_store_get_setting(s, "registryAddress");
    lname = crtk_store_get_setting(s, "registryLetterName");
    laddress = crtk_store_get_setting(s, "registryLetterAddress");
    if (!name || !phone)
        fprintf(stderr, "crtk: warning: the store has no %s%s%s; set it with crtk followup settings\n",
                !name ? "registryName" : "", !name && !phone ? " and no " : "", !phone ? "registryPhone" : "");
    crtk_letter_registry reg = {name, phone, address, lname, laddress, rules.as_of};
    c.letters = crtk_letters_new(who, &reg);
    if (physicians && !crtk_letters_load_physicians(c.letters, physicians, &error)) {
        rc = error_exit(error);
        goto out;
    }
    if (!crtk_followup_scan(s, &rules, CRTK_FU_SCAN_LIST, letters_one, &c, &error)) {
        rc = error_exit(error);
        goto out;
    }
    if (g_str_has_suffix(output, ".pdf") || g_str_has_suffix(output, ".PDF"))
        csv = g_strdup_printf("%.*s.csv", (int)strlen(output) - 4, output);
    else
        csv = g_strconcat(output, ".csv", NULL);
    if (!crtk_letters_write_pdf(c.letters, output, &error) || !crtk_letters_write_csv(c.letters, csv, &error)) {
        rc = error_exit(error);
        goto out;
    }
    fputs(c.skipped_list->str, stderr);
    if (c.skipped > 20)
        fprintf(stderr, "crtk: ... and %ld more patients without a letter\n", c.skipped - 20);
    guint n = crtk_letters_count(c.letters);
    fprintf(stderr, "crtk: %s: %u letter%s to %s%s for %ld patient%s; %s: the same letters for mail merge\n", output, n,
            n == 1 ? "" : "s", crtk_letter_to_name(who), n == 1 ? "" : "s", c.patients, c.patients == 1 ? "" : "s",
            csv);
    if (c.skipped)
        fprintf(stderr, "crtk: %ld patient%s on the list got no letter (see above)\n", c.skipped,
                c.skipped == 1 ? "" : "s");
    if (crtk_letters_unaddressed(c.letters))
        fprintf(stderr, "crtk: %u physician%s not in a --physicians file: addressed by NPI only\n",
                crtk_letters_unaddressed(c.letters), crtk_letters_unaddressed(c.letters) == 1 ? "" : "s");
out:
    crtk_letters_free(c.letters);
    crtk_store_close(s);
    g_string_free(c.skipped_list, TRUE);
    g_free(name), g_free(phone), g_free(address), g_free(lname), g_free(laddress), g_free(csv);
    g_free(as_of), g_free(to), g_free(status), g_free(output), g_free(physicians);
    g_option_context_free(ctx);
    return rc;
}

/* ---- settings --------------------------------------------------------------------------------------- */

static const char *const setting_keys[] = {"registryName", "registryPhone", "registryAddress", "registryLetterName",
                                           "registryLetterAddress", "referenceDate", "followupDueMonths",
                                           "followupLostMonths", "followupRequiredSince", "followupHomeCountries",
                                           NULL};

static int do_settings(int argc, char **argv)
{
    char *user = NULL;
    GOptionEntry entries[] = {
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail; default: login name)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB [KEY=VALUE]... - show or change the follow-up settings");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Keys: registryName, registryPhone, registryAddress (lines separated by \" / \"), registryLetterName and\n"
        "registryLetterAddress (used in letters to patients and contacts; default: the registry's name and\n"
        "address without the word \"cancer\"), referenceDate (YYYYMMDD), followupDueMonths (12),\n"
        "followupLostMonths (15), followupRequiredSince (20050101: first diagnosis date followed by the\n"
        "CoC rate), followupHomeCountries (\"USA ASM GUM MNP PRI UMI VIR\": other countries are foreign).\n"
        "KEY= (empty) removes a setting.  Changes are in the audit trail.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc < 2) {
        crtk_cli_error("followup settings: name the store DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], argc == 2, user, "followup settings");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    if (argc > 2) {
        if (!crtk_store_begin(s, &error)) {
            rc = error_exit(error);
            goto out;
        }
        for (int i = 2; i < argc && rc == EXIT_OK; i++) {
            char *eq = strchr(argv[i], '=');
            gboolean known = FALSE;
            if (eq)
                for (int k = 0; setting_keys[k]; k++)
                    if ((size_t)(eq - argv[i]) == strlen(setting_keys[k]) &&
                        !strncmp(argv[i], setting_keys[k], eq - argv[i]))
                        known = TRUE;
            if (!known) {
                crtk_cli_error("followup settings: %s: expected KEY=VALUE with a key of --help", argv[i]);
                rc = EXIT_USAGE;
                break;
            }
            *eq = 0;
            if (!crtk_store_set_setting(s, argv[i], eq + 1, &error))
                rc = error_exit(error);
        }
        /* The new values must make sense together before they are kept. */
        crtk_followup_rules rules;
        if (rc == EXIT_OK && !crtk_followup_rules_from_store(s, NULL, &rules, &error))
            rc = error_exit(error);
        if (rc == EXIT_OK && !crtk_store_commit(s, &error))
            rc = error_exit(error);
        if (rc != EXIT_OK) {
            crtk_store_rollback(s);
            goto out;
        }
    }
    crtk_followup_rules rules;
    crtk_followup_rules_init(&rules, 0);
    for (int k = 0; setting_keys[k]; k++) {
        char *v = crtk_store_get_setting(s, setting_keys[k]);
        const char *def = NULL;
        char buf[64];
        if (!strcmp(setting_keys[k], "followupDueMonths"))
            def = "12";
        else if (!strcmp(setting_keys[k], "followupLostMonths"))
            def = "15";
        else if (!strcmp(setting_keys[k], "followupRequiredSince"))
            g_snprintf(buf, sizeof buf, "%d", rules.required_since), def = buf;
        else if (!strcmp(setting_keys[k], "followupHomeCountries"))
            def = rules.home_countries;
        printf("%-22s %s%s%s\n", setting_keys[k], v ? v : def ? def : "(not set)", !v && def ? " (default)" : "", "");
        g_free(v);
    }
out:
    crtk_store_close(s);
    g_free(user);
    g_option_context_free(ctx);
    return rc;
}

int cmd_followup(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        int rc = usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? rc : EXIT_OK;
    }
    const char *sub = argv[1];
    char *prg = g_strconcat("crtk followup ", sub, NULL);
    g_set_prgname(prg);
    g_free(prg);
    int rc;
    if (!strcmp(sub, "due"))
        rc = do_due(argc - 1, argv + 1);
    else if (!strcmp(sub, "post"))
        rc = do_post(argc - 1, argv + 1);
    else if (!strcmp(sub, "rate") || !strcmp(sub, "rates"))
        rc = do_rate(argc - 1, argv + 1);
    else if (!strcmp(sub, "letters"))
        rc = do_letters(argc - 1, argv + 1);
    else if (!strcmp(sub, "settings"))
        rc = do_settings(argc - 1, argv + 1);
    else {
        crtk_cli_error("followup: unknown command '%s' (due, post, letters, rate, settings)", sub);
        rc = EXIT_USAGE;
    }
    return rc;
}
