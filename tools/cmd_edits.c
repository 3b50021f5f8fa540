/* cmd_edits.c — `crtk edits FILE...`: run an edit set over NAACCR files (without a store).
 *
 * Each failure names the file, the patient (ordinal and patientIdNumber), the tumor (ordinal; 0
 * for a patient-level edit), the edit, the items involved and a message (text, JSON Lines or
 * CSV).  Then a summary: failures per edit and the share of tumors that pass every edit.
 * Exit 0 when every edit passes, 1 when any fails, 2 on usage or read errors.
 */
#include "commands.h"
#include "crtk/excel_common.h"
#include "crtk/output.h"
#include "crtk/store_edits.h"
#include "crtk/edits_xlsx.h"
#include "crtk/edits.h"
#include "crtk/json.h"
#include "crtk/csv.h"
#include "crtk/naaccr_read.h"
#include "crtk/metafile_store.h"
#include "cmd_edits_metafile.h"

#include <errno.h>
#include <string.h>

typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_XLSX } out_format;

typedef struct {
    out_format format;
    FILE *out;
    const char *file;
    const char *set;
    const char *dir;
    int today_y, today_m, today_d;
    GHashTable *by_dict;    /* crtk_dictionary* -> crtk_edits* */
    GPtrArray *all;         /* crtk_edits* in load order */
    GError *error;
    long shown, max;
    long problems;
    GString *line;
    crtk_edits_xlsx *xlsx;  /* --format xlsx */
    gboolean show_unchecked;    /* --list --unchecked */
    gboolean every_edit;    /* --all-edits: the summary lists every edit, passing ones too */
    mf_edits_run *mf;       /* --metafile */
} edits_run;

static int on_failure(const crtk_edit_failure *f, void *user)
{
    edits_run *r = user;
    if (r->xlsx) {
        crtk_edits_xlsx_add(r->xlsx, r->file, f);
        return CRTK_CONTINUE;
    }
    if (r->max > 0 && r->shown >= r->max)
        return CRTK_CONTINUE;
    r->shown++;
    GString *s = r->line;
    g_string_truncate(s, 0);
    if (r->format == OUT_JSON) {
        g_string_append_c(s, '{');
        crtk_json_field_str(s, "file", r->file, TRUE);
        crtk_json_field_int(s, "patient", f->patient, FALSE);
        crtk_json_field_str(s, "patientIdNumber", f->patient_id, FALSE);
        crtk_json_field_int(s, "tumor", f->tumor, FALSE);
        crtk_json_field_str(s, "edit", f->edit_id, FALSE);
        crtk_json_field_str(s, "name", f->edit_name, FALSE);
        g_string_append(s, ",\"items\":[");
        for (int i = 0; i < f->n_items; i++) {
            if (i)
                g_string_append_c(s, ',');
            crtk_json_append_string(s, f->items[i], -1);
        }
        g_string_append_c(s, ']');
        crtk_json_field_str(s, "message", f->message, FALSE);
        if (f->override_item)
            crtk_json_field_str(s, "override", f->override_item, FALSE);
        g_string_append_c(s, '}');
    } else if (r->format == OUT_CSV) {
        char num[32];
        crtk_csv_append_for_people(s, r->file, TRUE);
        g_snprintf(num, sizeof num, "%ld", f->patient);
        crtk_csv_append_for_people(s, num, FALSE);
        crtk_csv_append_for_people(s, f->patient_id, FALSE);
        g_snprintf(num, sizeof num, "%d", f->tumor);
        crtk_csv_append_for_people(s, num, FALSE);
        crtk_csv_append_for_people(s, f->edit_id, FALSE);
        crtk_csv_append_for_people(s, f->edit_name, FALSE);
        char *items = g_strjoinv(" ", (char **)f->items);
        crtk_csv_append_for_people(s, items, FALSE);
        g_free(items);
        crtk_csv_append_for_people(s, f->message, FALSE);
        crtk_csv_append_for_people(s, f->override_item ? f->override_item : "", FALSE);
    } else {
        g_string_append_printf(s, "%s: patient %ld (%s), ", r->file, f->patient, *f->patient_id ? f->patient_id : "no id");
        if (f->tumor)
            g_string_append_printf(s, "tumor %d", f->tumor);
        else
            g_string_append(s, "patient edit");
        g_string_append_printf(s, ": %s %s [", f->edit_id, f->edit_name);
        for (int i = 0; i < f->n_items; i++)
            g_string_append_printf(s, "%s%s", i ? " " : "", f->items[i]);
        g_string_append_printf(s, "]: %s", f->message);
    }
    g_string_append_c(s, '\n');
    fputs(s->str, r->out);
    return CRTK_CONTINUE;
}

/* A registry store is an SQLite file: it starts with "SQLite format 3". */
static gboolean is_store(const char *path)
{
    char head[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return FALSE;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
}

static crtk_edits *edits_for(edits_run *r, crtk_dictionary *dict)
{
    crtk_edits *e = g_hash_table_lookup(r->by_dict, dict);
    if (e || r->error)
        return e;
    e = crtk_edits_load(r->set, r->dir, dict, &r->error);
    if (!e)
        return NULL;
    if (r->today_y)
        crtk_edits_set_today(e, r->today_y, r->today_m, r->today_d);
    g_hash_table_insert(r->by_dict, dict, e);
    g_ptr_array_add(r->all, e);
    return e;
}

static int on_patient(crtk_record *rec, void *user)
{
    edits_run *r = user;
    if (r->mf)
        return mf_edits_run_record(r->mf, rec) ? CRTK_CONTINUE : CRTK_ABORT;
    crtk_edits *e = edits_for(r, rec->dict);
    if (!e)
        return CRTK_ABORT;
    if (crtk_edits_run_record(e, rec, on_failure, r) == -2) {
        r->error = g_error_copy(crtk_edits_error(e));
        return CRTK_ABORT;
    }
    return CRTK_CONTINUE;
}

static int on_problem(const crtk_problem *p, void *user)
{
    edits_run *r = user;
    if (p->severity == CRTK_SEVERITY_WARNING)
        return CRTK_CONTINUE;
    if (r->problems++ < 5 || p->severity == CRTK_SEVERITY_FATAL) {
        char *s = crtk_problem_format(p);
        fprintf(stderr, "crtk: %s\n", s);
        g_free(s);
    }
    return CRTK_CONTINUE;
}

typedef struct {
    const char *id, *name;
    long failures, evaluated;
} edit_total;

static void summary(edits_run *r, FILE *out, long files)
{
    crtk_edits_stats t = {0};
    GArray *totals = g_array_new(FALSE, TRUE, sizeof(edit_total));
    GHashTable *at = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < r->all->len; i++) {
        crtk_edits *e = r->all->pdata[i];
        crtk_edits_stats s = crtk_edits_stats_get(e);
        t.patients += s.patients, t.tumors += s.tumors, t.tumors_passing += s.tumors_passing, t.failures += s.failures;
        for (int k = 0; k < crtk_edits_count(e); k++) {
            const crtk_edit_info *info = crtk_edits_get(e, k);
            gpointer idx;
            if (!g_hash_table_lookup_extended(at, info->id, NULL, &idx)) {
                edit_total et = {info->id, info->name, 0, 0};
                idx = GINT_TO_POINTER(totals->len);
                g_array_append_val(totals, et);
                g_hash_table_insert(at, (gpointer)info->id, idx);
            }
            edit_total *et = &g_array_index(totals, edit_total, GPOINTER_TO_INT(idx));
            et->failures += info->failures;
            et->evaluated += info->evaluated;
        }
    }
    double share = t.tumors ? 100.0 * (double)t.tumors_passing / (double)t.tumors : 100.0;
    /* items no edit checks, for the (first) dictionary the edits ran with: said, never silently passed */
    int unchecked = 0, free_text = 0;
    if (r->all->len) {
        GPtrArray *u = crtk_edits_unchecked(r->all->pdata[0], &free_text);
        unchecked = (int)u->len;
        g_ptr_array_free(u, TRUE);
    }
    if (r->format == OUT_JSON && out == r->out) {
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < totals->len; i++) {
            edit_total *et = &g_array_index(totals, edit_total, i);
            if (!et->failures && !r->every_edit)
                continue;
            g_string_assign(s, "{");
            crtk_json_field_str(s, "summary", "edit", TRUE);
            crtk_json_field_str(s, "edit", et->id, FALSE);
            crtk_json_field_str(s, "name", et->name, FALSE);
            crtk_json_field_int(s, "failures", et->failures, FALSE);
            g_string_append_c(s, '}');
            fprintf(out, "%s\n", s->str);
        }
        g_string_assign(s, "{");
        crtk_json_field_str(s, "summary", "total", TRUE);
        crtk_json_field_str(s, "set", r->set ? r->set : "all", FALSE);
        crtk_json_field_int(s, "files", files, FALSE);
        crtk_json_field_int(s, "patients", t.patients, FALSE);
        crtk_json_field_int(s, "tumors", t.tumors, FALSE);
        crtk_json_field_int(s, "tumorsPassing", t.tumors_passing, FALSE);
        if (t.tumors)
            g_string_append_printf(s, ",\"passingPercent\":%.1f", share);
        else
            g_string_append(s, ",\"passingPercent\":null");
        crtk_json_field_int(s, "failures", t.failures, FALSE);
        crtk_json_field_int(s, "edits", totals->len, FALSE);
        crtk_json_field_int(s, "itemsUnchecked", unchecked, FALSE);
        crtk_json_field_int(s, "itemsUncheckedFreeText", free_text, FALSE);
        g_string_append_c(s, '}');
        fprintf(out, "%s\n", s->str);
        g_string_free(s, TRUE);
    } else {
        if (t.tumors == 0)
            /* nothing read (an unreadable file, an empty selection): no share of passing tumors to claim */
            fprintf(out, "Edits (set %s, %u edits): no tumor was checked\n", r->set ? r->set : "all", totals->len);
        else
            fprintf(out, "Edits (set %s, %u edits): %ld patient%s, %ld tumor%s; %ld tumor%s (%.1f%%) pass every edit; %ld failure%s\n",
                    r->set ? r->set : "all", totals->len, t.patients, t.patients == 1 ? "" : "s", t.tumors,
                    t.tumors == 1 ? "" : "s", t.tumors_passing, t.tumors_passing == 1 ? "" : "s", share, t.failures,
                    t.failures == 1 ? "" : "s");
        int id_width = 28; /* the counts in one column under the longest edit id listed */
        for (guint i = 0; i < totals->len; i++) {
            edit_total *et = &g_array_index(totals, edit_total, i);
            if (et->failures || r->every_edit)
                id_width = MAX(id_width, (int)strlen(et->id));
        }
        for (guint i = 0; i < totals->len; i++) {
            edit_total *et = &g_array_index(totals, edit_total, i);
            if (et->failures || r->every_edit)
                fprintf(out, "  %-*s %8ld  %s\n", id_width, et->id, et->failures, et->name);
        }
        if (r->all->len)
            fprintf(out, "%d items unchecked (%d of them free text): no edit of this set reads them; crtk edits "
                         "--unchecked lists them\n", unchecked, free_text);
    }
    g_hash_table_destroy(at);
    g_array_free(totals, TRUE);
}

static int list_edits(edits_run *r, const char *version)
{
    int v = version ? crtk_naaccr_version_parse(version) : CRTK_NAACCR_CURRENT_VERSION;
    if (!v) {
        crtk_cli_error("edits: unknown NAACCR version %s (known: %s)", version, crtk_cli_known_versions());
        return EXIT_USAGE;
    }
    GError *err = NULL;
    crtk_dictionary *d = crtk_dictionary_new(v, &err);
    if (!d) {
        crtk_cli_error("edits: %s", err->message);
        g_error_free(err);
        return EXIT_USAGE;
    }
    crtk_edits *e = crtk_edits_load(r->set, r->dir, d, &err);
    if (!e) {
        crtk_cli_error("edits: %s", err->message);
        g_error_free(err);
        crtk_dictionary_unref(d);
        return EXIT_USAGE;
    }
    for (int i = 0; i < crtk_edits_count(e); i++) {
        const crtk_edit_info *info = crtk_edits_get(e, i);
        if (r->format == OUT_JSON) {
            GString *s = g_string_new("{");
            crtk_json_field_str(s, "edit", info->id, TRUE);
            crtk_json_field_str(s, "name", info->name, FALSE);
            crtk_json_field_str(s, "agency", info->agency, FALSE);
            crtk_json_field_str(s, "level", info->level == CRTK_EDIT_PATIENT ? "patient" : "tumor", FALSE);
            crtk_json_field_str(s, "sets", info->sets, FALSE);
            crtk_json_field_str(s, "items", info->items, FALSE);
            if (info->override_item)
                crtk_json_field_str(s, "override", info->override_item, FALSE);
            crtk_json_field_str(s, "rule", info->rule, FALSE);
            crtk_json_field_str(s, "source", info->source, FALSE);
            g_string_append_c(s, '}');
            fprintf(r->out, "%s\n", s->str);
            g_string_free(s, TRUE);
        } else {
            fprintf(r->out, "%-28s %-7s %s\n", info->id, info->level == CRTK_EDIT_PATIENT ? "patient" : "tumor",
                    info->name);
        }
    }
    if (r->show_unchecked) {
        int ft = 0;
        GPtrArray *u = crtk_edits_unchecked(e, &ft);
        for (guint k = 0; k < u->len; k++) {
            const crtk_item *it = u->pdata[k];
            fprintf(r->out, "unchecked  %-32s [%d] %s (%s, %d)\n", it->id, it->number, it->name,
                    crtk_data_type_name(it->type), it->length);
        }
        fprintf(r->out, "%u items unchecked (%d of them free text)\n", u->len, ft);
        g_ptr_array_free(u, TRUE);
    }
    const GPtrArray *sk = crtk_edits_skipped(e);
    if (sk->len && r->format != OUT_JSON)
        fprintf(r->out, "skipped for NAACCR %d: %u edit%s (items not in the dictionary)\n", v, sk->len,
                sk->len == 1 ? "" : "s");
    crtk_edits_free(e);
    crtk_dictionary_unref(d);
    return EXIT_OK;
}

int cmd_edits(int argc, char **argv)
{
    char *set = NULL, *dir = NULL, *format = NULL, *output = NULL, *from = NULL, *version = NULL;
    char *record_type = NULL, *today = NULL, *where = NULL, *metafile = NULL, *only = NULL, *describe = NULL, *as_of = NULL;
    crtk_metafile *mf = NULL;
    char **user_dicts = NULL;
    gboolean list = FALSE, no_grouping = FALSE, show_skipped = FALSE, show_unchecked = FALSE, every_edit = FALSE;
    gint max = 0;
    GOptionEntry entries[] = {
        {"set", 's', 0, G_OPTION_ARG_STRING, &set, "edit set: hospital, state-submission, a set of --edits-dir, or all (default)", "NAME"},
        {"edits-dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir, "also load every *.tsv edit file of DIR (state edits)", "DIR"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "output: text (default), json (JSON Lines) or csv", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "write the failures to FILE (the summary goes to standard output)", "FILE"},
        {"list", 'l', 0, G_OPTION_ARG_NONE, &list, "list the edits of the set instead of running them", NULL},
        {"unchecked", 0, 0, G_OPTION_ARG_NONE, &show_unchecked, "list the items no edit of the set checks (with --list, or after a run)", NULL},
        {"skipped", 0, 0, G_OPTION_ARG_NONE, &show_skipped, "also list the edits skipped because the file's dictionary lacks their items", NULL},
        {"all-edits", 0, 0, G_OPTION_ARG_NONE, &every_edit, "the summary lists every edit that ran, those that passed too (default: the failing ones)", NULL},
        {"max-failures", 0, 0, G_OPTION_ARG_INT, &max, "print at most N failures (all are counted)", "N"},
        {"today", 0, 0, G_OPTION_ARG_STRING, &today, "date for the not-in-the-future checks and DT_TODAY (CCYYMMDD; env CRTK_TODAY; default today)", "DATE"},
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "alias of --today", "DATE"},
        {"metafile", 'm', 0, G_OPTION_ARG_FILENAME, &metafile, "run the edits of an EDITS metafile (.smf, the state's edits) instead of crtk's", "F.smf"},
        {"edits", 0, 0, G_OPTION_ARG_STRING, &only, "with --metafile: only these edits (EditTags, comma-separated)", "ID,..."},
        {"describe", 0, 0, G_OPTION_ARG_STRING, &describe, "with --metafile: print an edit's description, fields and logic", "ID"},
        {"user-dictionary", 'u', 0, G_OPTION_ARG_FILENAME_ARRAY, &user_dicts, "NAACCR user dictionary XML (repeatable)", "FILE"},
        {"from", 0, 0, G_OPTION_ARG_STRING, &from, "input format: xml, flat or csv (default: from the name or content)", "FMT"},
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "version of a CSV file; with --list, the dictionary to list for", "V"},
        {"record-type", 0, 0, G_OPTION_ARG_STRING, &record_type, "record type of a CSV file: A, M, C or I", "T"},
        {"no-grouping", 0, 0, G_OPTION_ARG_NONE, &no_grouping, "flat/CSV: each line is its own patient", NULL},
        {"where", 0, 0, G_OPTION_ARG_STRING, &where, "a store: only tumors matching this SQL condition (read-only)", "SQL"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB|FILE... - run the edits on a registry store or on NAACCR files");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Runs the edits of a set (crtk's core edits and one valid-code edit per coded item, plus the\n"
        "edits of --edits-dir) on every tumor of the files.  Each failure names the patient, the tumor,\n"
        "the edit, its items and a message; then a summary gives the failures per edit and the share\n"
        "of tumors that pass every edit.  Edits whose items the file's NAACCR version lacks are skipped.\n"
        "The rule language is described in docs/edits.md.\n"
        "Exit status: 0 every edit passes, 1 some edit fails, 2 usage or read error.");
    int rc = EXIT_OK;
    edits_run r = {0};
    r.line = g_string_new(NULL);
    r.by_dict = g_hash_table_new(g_direct_hash, g_direct_equal);
    r.all = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_edits_free);
    r.out = stdout;
    crtk_output *out_file = NULL; /* -o FILE, written whole or not at all (crtk/output.h) */
    GPtrArray *dicts = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    r.set = set;
    r.dir = dir;
    r.max = max;
    r.every_edit = every_edit;
    /* without --format, a -o FILE named .csv, .json or .xlsx says the format */
    const char *named = crtk_cli_format_of_name(output);
    if (!format && named && (!strcmp(named, "csv") || !strcmp(named, "json") || !strcmp(named, "xlsx")))
        format = g_strdup(named);
    if (!format || !strcmp(format, "text"))
        r.format = OUT_TEXT;
    else if (!strcmp(format, "json"))
        r.format = OUT_JSON;
    else if (!strcmp(format, "csv"))
        r.format = OUT_CSV;
    else if (!strcmp(format, "xlsx"))
        r.format = OUT_XLSX;
    else {
        crtk_cli_error("edits: --format must be text, json, csv or xlsx");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!crtk_cli_output_name_fits("edits", output, format ? format : "text")) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!today && as_of)
        today = g_strdup(as_of);
    if (!today && g_getenv("CRTK_TODAY"))
        today = g_strdup(g_getenv("CRTK_TODAY"));
    if (metafile) {
        GError *error = NULL;
        mf = crtk_metafile_open(metafile, &error);
        if (!mf) {
            crtk_cli_error("edits: %s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
            goto out;
        }
        if (!crtk_cli_metafile_today(mf, today)) {
            rc = EXIT_USAGE;
            goto out;
        }
        if (describe) {
            const crtk_mf_edit_info *e = crtk_metafile_find_edit(mf, describe);
            if (!e) {
                crtk_cli_error("edits: %s has no edit %s", crtk_metafile_name(mf), describe);
                rc = EXIT_USAGE;
            } else
                crtk_cli_metafile_describe(mf, e, stdout);
            goto out;
        }
        if (list) {
            rc = mf_edits_list(mf, set, stdout, r.format == OUT_JSON);
            goto out;
        }
        r.mf = mf_edits_run_new(mf, set, only, on_failure, &r);
    } else if (only || describe) {
        crtk_cli_error("edits: --edits and --describe go with --metafile");
        rc = EXIT_USAGE;
        goto out;
    }
    if (today) {
        if (strlen(today) != 8 || sscanf(today, "%4d%2d%2d", &r.today_y, &r.today_m, &r.today_d) != 3 ||
            r.today_m < 1 || r.today_m > 12 || r.today_d < 1 || r.today_d > 31) {
            crtk_cli_error("edits: --today must be a date CCYYMMDD");
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (r.format == OUT_XLSX && !list) {
        GError *error = NULL;
        if (!output || !g_str_has_suffix(output, ".xlsx")) {
            crtk_cli_error("edits: --format xlsx needs -o FILE.xlsx");
            rc = EXIT_USAGE;
            goto out;
        }
        r.xlsx = crtk_edits_xlsx_open(output, "Edit failures", &error);
        if (r.xlsx)
            crtk_edits_xlsx_list_every_edit(r.xlsx, every_edit);
        if (!r.xlsx) {
            crtk_cli_error("edits: %s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
            goto out;
        }
    } else if (output && !list) {
        GError *error = NULL;
        out_file = crtk_output_begin(output, &error);
        r.out = out_file ? crtk_output_stream(out_file, &error) : NULL;
        if (!r.out) {
            crtk_cli_error("edits: %s", error->message);
            g_error_free(error);
            r.out = stdout;
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (list) {
        r.show_unchecked = show_unchecked;
        rc = list_edits(&r, version);
        goto out;
    }
    if (argc < 2) {
        crtk_cli_error("edits: name at least one FILE (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_read_options o;
    crtk_read_options_init(&o);
    o.skip_extensions = TRUE;
    o.check_values = FALSE;
    o.no_grouping = no_grouping;
    if (version && !(o.version = crtk_naaccr_version_parse(version))) {
        crtk_cli_error("edits: unknown NAACCR version %s (known: %s)", version, crtk_cli_known_versions());
        rc = EXIT_USAGE;
        goto out;
    }
    if (record_type && !(o.record_type = crtk_record_type_parse(record_type))) {
        crtk_cli_error("edits: --record-type must be A, M, C or I");
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_format f = crtk_format_parse(from);
    if (from && f == CRTK_FORMAT_UNKNOWN) {
        crtk_cli_error("edits: --from must be xml, flat or csv");
        rc = EXIT_USAGE;
        goto out;
    }
    dicts = crtk_cli_load_user_dictionaries(user_dicts);
    if (!dicts) {
        rc = EXIT_USAGE;
        goto out;
    }
    o.user_dictionaries = dicts;
    if (r.format == OUT_CSV)
        fputs("file,patient,patientIdNumber,tumor,edit,name,items,message,override\n", r.out);
    crtk_read_handlers h = {.patient = on_patient, .problem = on_problem};
    long files = 0;
    for (int i = 1; i < argc; i++) {
        crtk_read_stats st;
        r.file = argv[i];
        r.problems = 0;
        files++;
        if (is_store(argv[i])) {
            /* A registry store: the edits run over its cases (those of --where). */
            crtk_store *s = crtk_cli_open_store(argv[i], TRUE, NULL, "edits");
            if (!s) {
                rc = EXIT_USAGE;
                goto out;
            }
            if (r.xlsx && argc == 2) { /* the footer names the registry, even when nothing fails */
                char *source = crtk_print_source_name(s, argv[i]);
                crtk_edits_xlsx_set_source(r.xlsx, source);
                g_free(source);
            }
            GError *error = NULL;
            if (!metafile && !r.mf && !list) {
                /* the store's recorded state metafile (crtk metafile use) */
                char *mset = NULL;
                mf = crtk_metafile_open_for_store(s, &mset, &error);
                if (error) {
                    crtk_cli_error("edits: %s", error->message);
                    g_clear_error(&error);
                    crtk_store_close(s);
                    rc = EXIT_USAGE;
                    goto out;
                }
                if (mf) {
                    if (!crtk_cli_metafile_today(mf, today)) {
                        g_free(mset);
                        crtk_store_close(s);
                        rc = EXIT_USAGE;
                        goto out;
                    }
                    if (!set && mset)
                        set = g_strdup(mset);
                    r.mf = mf_edits_run_new(mf, set, only, on_failure, &r);
                }
                g_free(mset);
            }
            crtk_edits *e = r.mf ? NULL : edits_for(&r, crtk_store_dictionary(s));
            if (r.mf && !mf_edits_run_store(r.mf, s, where, &error)) {
                crtk_cli_error("edits: %s", mf_edits_run_error(r.mf) ? mf_edits_run_error(r.mf)->message : error->message);
                g_clear_error(&error);
                rc = EXIT_USAGE;
            }
            if (e && !crtk_store_run_edits(s, e, where, on_failure, &r, &error)) {
                crtk_cli_error("edits: %s", error->message);
                g_error_free(error);
                rc = EXIT_USAGE;
            }
            crtk_store_close(s);
            if (r.error) {
                crtk_cli_error("edits: %s", r.error->message);
                rc = EXIT_USAGE;
            }
            if (rc != EXIT_OK)
                goto out;
            continue;
        }
        if (where) {
            crtk_cli_error("edits: --where applies to a registry store, not to %s", argv[i]);
            rc = EXIT_USAGE;
            goto out;
        }
        int res = crtk_naaccr_read_file(argv[i], f, &o, &h, &r, &st);
        if (r.mf && mf_edits_run_error(r.mf)) {
            crtk_cli_error("edits: %s", mf_edits_run_error(r.mf)->message);
            rc = EXIT_USAGE;
            goto out;
        }
        if (r.error) {
            crtk_cli_error("edits: %s", r.error->message);
            rc = EXIT_USAGE;
            goto out;
        }
        if (r.problems > 5)
            fprintf(stderr, "crtk: %s: %ld reading problems in all (see crtk validate)\n", argv[i], r.problems);
        if (res < 0) {
            crtk_cli_error("edits: %s could not be read to the end", argv[i]);
            rc = EXIT_USAGE;
        }
    }
    if (show_unchecked && r.all->len) {
        int ft = 0;
        GPtrArray *u = crtk_edits_unchecked(r.all->pdata[0], &ft);
        for (guint k = 0; k < u->len; k++) {
            const crtk_item *it = u->pdata[k];
            fprintf(stderr, "crtk: unchecked: %s [%d] %s (%s, %d)\n", it->id, it->number, it->name,
                    crtk_data_type_name(it->type), it->length);
        }
        g_ptr_array_free(u, TRUE);
    }
    if (show_skipped) {
        for (guint i = 0; i < r.all->len; i++) {
            crtk_edits *e = r.all->pdata[i];
            const GPtrArray *sk = crtk_edits_skipped(e);
            for (guint k = 0; k < sk->len; k++)
                fprintf(stderr, "crtk: NAACCR %d: skipped %s\n", crtk_dictionary_version(crtk_edits_dictionary(e)),
                        (const char *)sk->pdata[k]);
        }
    }
    if (r.xlsx) {
        GError *error = NULL;
        gboolean ok = r.mf ? mf_edits_run_xlsx_close(r.mf, r.xlsx, &error) : crtk_edits_xlsx_close(r.xlsx, r.all, &error);
        r.xlsx = NULL;
        if (!ok) {
            crtk_cli_error("edits: %s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
        }
    }
    FILE *sum = r.out;
    if (r.out != stdout)
        sum = stdout;
    else if (r.format == OUT_CSV)
        sum = stderr;
    if (r.mf) {
        mf_edits_run_summary(r.mf, sum, r.format == OUT_JSON && sum == r.out, every_edit, files);
        if (rc == EXIT_OK && mf_edits_run_failures(r.mf))
            rc = EXIT_DATA;
    } else
        summary(&r, sum, files);
    if (rc == EXIT_OK) {
        for (guint i = 0; i < r.all->len; i++)
            if (crtk_edits_stats_get(r.all->pdata[i]).failures)
                rc = EXIT_DATA;
    }
out:
    if (r.xlsx)
        crtk_edits_xlsx_abandon(r.xlsx);
    if (r.out && r.out != stdout) {
        if (rc == EXIT_USAGE) {
            fclose(r.out);
            crtk_output_abort(out_file);
        } else {
            GError *error = NULL;
            if (!crtk_output_fclose(out_file, r.out, &error)) {
                crtk_cli_error("edits: %s", error->message);
                g_error_free(error);
                rc = EXIT_USAGE;
            }
        }
    } else {
        crtk_output_abort(out_file);
    }
    if (dicts)
        g_ptr_array_free(dicts, TRUE);
    mf_edits_run_free(r.mf);
    crtk_metafile_free(mf);
    g_free(metafile), g_free(only), g_free(describe), g_free(as_of);
    g_ptr_array_free(r.all, TRUE);
    g_hash_table_destroy(r.by_dict);
    g_string_free(r.line, TRUE);
    if (r.error)
        g_error_free(r.error);
    g_strfreev(user_dicts);
    g_free(set), g_free(dir), g_free(format), g_free(output), g_free(from), g_free(version), g_free(record_type),
        g_free(today), g_free(where);
    g_option_context_free(ctx);
    return rc;
}
