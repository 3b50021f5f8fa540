/* generated_edits.c — edits made from tables: one "required item" edit per row of
 * schemas/edit-tables/required-items.tsv (R-<item>) and the date checks of every row of
 * schemas/edit-tables/date-items.tsv (D1-, D2-, D3-<item>).  The result is the text of an ordinary
 * edit file, compiled like the hand-written ones (docs/edits.md). */
#include "generated_edits.h"
#include "schemas.h"
#include "problem.h"
#include "crtk/staging.h"

#include <stdlib.h>
#include <string.h>

/* Text of a TSV line's fields (tabs inside a field are impossible in the tables). */
static char **split_line(const char *line, size_t len)
{
    char *l = g_strndup(line, len);
    if (len && l[len - 1] == '\r')
        l[len - 1] = 0;
    char **f = g_strsplit(l, "\t", -1);
    g_free(l);
    for (char **p = f; *p; p++)
        g_strstrip(*p);
    return f;
}

/* "Date of Diagnosis [390]" for the first item of spec (a|b) the dictionary has, else the id. */
static char *label_of(const crtk_dictionary *d, const char *spec)
{
    char **alts = g_strsplit(spec, "|", -1);
    char *out = NULL;
    for (char **a = alts; *a && !out; a++) {
        const crtk_item *it = d ? crtk_dictionary_find(d, *a) : NULL;
        if (it)
            out = g_strdup_printf("%s [%d]", it->name, it->number);
    }
    if (!out)
        out = g_strdup(alts[0]);
    g_strfreev(alts);
    return out;
}

/* The Class of Case condition of a classes column: NULL for all; FALSE on a bad value. */
static gboolean class_condition(const char *classes, char **cond, char **words)
{
    *cond = NULL;
    *words = NULL;
    if (!strcmp(classes, "all")) {
        *words = g_strdup("every case");
        return TRUE;
    }
    if (!strcmp(classes, "analytic")) {
        *cond = g_strdup("(empty(classOfCase) or classOfCase in ('00', '10'..'22'))");
        *words = g_strdup("analytic cases (Class of Case 00, 10-22)");
        return TRUE;
    }
    char **codes = g_strsplit(classes, ",", -1);
    GString *c = g_string_new("(empty(classOfCase) or classOfCase in (");
    for (char **p = codes; *p; p++) {
        g_strstrip(*p);
        if (strlen(*p) != 2 || !g_ascii_isdigit((*p)[0]) || !g_ascii_isdigit((*p)[1])) {
            g_strfreev(codes);
            g_string_free(c, TRUE);
            return FALSE;
        }
        g_string_append_printf(c, "%s'%s'", p == codes ? "" : ", ", *p);
    }
    g_string_append(c, "))");
    *cond = g_string_free(c, FALSE);
    *words = g_strdup_printf("Class of Case %s", classes);
    g_strfreev(codes);
    return TRUE;
}

/* The condition of one range FROM-TO, FROM-, -TO or - (NULL for any); FALSE on a bad value. */
static gboolean one_range(const char *years, char **cond, char **words)
{
    *cond = NULL;
    *words = NULL;
    const char *dash = strchr(years, '-');
    if (!dash)
        return FALSE;
    int from = 0, to = 0;
    if (dash > years) {
        char *e;
        from = (int)strtol(years, &e, 10);
        if (e != dash || from < 1900 || from > 2100)
            return FALSE;
    }
    if (dash[1]) {
        char *e;
        to = (int)strtol(dash + 1, &e, 10);
        if (*e || to < 1900 || to > 2100)
            return FALSE;
    }
    if (!from && !to)
        return TRUE;
    const char *y = "year(dateOfDiagnosis)";
    if (from && to) {
        *cond = g_strdup_printf("(%s >= %d and %s <= %d)", y, from, y, to);
        *words = g_strdup_printf("%d-%d", from, to);
    } else if (from) {
        *cond = g_strdup_printf("(empty(dateOfDiagnosis) or not (%s < %d))", y, from);
        *words = g_strdup_printf("%d or later", from);
    } else {
        *cond = g_strdup_printf("(%s <= %d)", y, to);
        *words = g_strdup_printf("%d or earlier", to);
    }
    return TRUE;
}

/* The year condition of a years column: ranges (see one_range) separated by commas, any of which may
 * hold.  An unknown year counts as in a range open at its end (the current rules). */
static gboolean year_condition(const char *years, char **cond, char **words)
{
    *cond = NULL;
    *words = NULL;
    char **ranges = g_strsplit(years, ",", -1);
    GString *c = g_string_new(NULL), *w = g_string_new("diagnosed ");
    gboolean ok = TRUE, any = FALSE;
    for (char **r = ranges; *r && ok; r++) {
        char *rc, *rw;
        ok = one_range(g_strstrip(*r), &rc, &rw);
        if (ok && !rc)
            any = TRUE;
        if (ok && rc) {
            g_string_append_printf(c, "%s%s", c->len ? " or " : "", rc);
            g_string_append_printf(w, "%s%s", w->len > 10 ? " or " : "", rw);
        }
        if (ok) {
            g_free(rc);
            g_free(rw);
        }
    }
    g_strfreev(ranges);
    if (ok && !any && c->len) {
        *cond = g_strdup_printf("(%s)", c->str);
        *words = g_strdup(w->str);
    }
    g_string_free(c, TRUE);
    g_string_free(w, TRUE);
    return ok;
}

static const char *agency_of(const char *source)
{
    if (strstr(source, "CoC R") || strstr(source, "CoC STORE"))
        return "CoC";
    if (strstr(source, "NPCR"))
        return "NPCR";
    return "SEER";
}

/* Iterates the data lines of an embedded table, checking its header. */
typedef gboolean (*row_fn)(GString *out, const crtk_dictionary *d, char **f, int nf, const char *where, GError **error);

static gboolean each_row(const char *file, const char *header, GString *out, const crtk_dictionary *d, row_fn fn,
                         GError **error)
{
    size_t len = 0;
    const char *text = crtk_schema_text(file, &len);
    if (!text) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_IO, "schemas/%s is not built into crtk", file);
        return FALSE;
    }
    const char *p = text, *end = text + len;
    long line_no = 0;
    gboolean header_seen = FALSE;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line_no++;
        const char *line = p;
        size_t ll = (size_t)(le - p);
        p = nl ? nl + 1 : end;
        if (!ll || line[0] == '#')
            continue;
        char **f = split_line(line, ll);
        int nf = (int)g_strv_length(f);
        char *where = g_strdup_printf("schemas/%s:%ld", file, line_no);
        gboolean ok = TRUE;
        if (!header_seen) {
            char *h = g_strjoinv("\t", f);
            if (strcmp(h, header)) {
                g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: the header must be \"%s\"", where, header);
                ok = FALSE;
            }
            g_free(h);
            header_seen = TRUE;
        } else {
            ok = fn(out, d, f, nf, where, error);
        }
        g_free(where);
        g_strfreev(f);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

static gboolean required_row(GString *out, const crtk_dictionary *d, char **f, int nf, const char *where,
                             GError **error)
{
    if (nf < 6 || !*f[0]) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: expected item, classes, years, types, sets, source", where);
        return FALSE;
    }
    char *ccond, *cwords, *ycond, *ywords;
    if (!class_condition(f[1], &ccond, &cwords)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: classes must be all, analytic or codes like 10,20", where);
        return FALSE;
    }
    if (!year_condition(f[2], &ycond, &ywords)) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: years must be FROM-TO, FROM-, -TO or -", where);
        g_free(ccond), g_free(cwords);
        return FALSE;
    }
    const char *item = f[0];
    char *label = label_of(d, item);
    char *first = g_strndup(item, strcspn(item, "|"));
    GString *rule = g_string_new(NULL);
    if (ccond || ycond) {
        g_string_append(rule, "if ");
        if (ccond)
            g_string_append(rule, ccond);
        if (ccond && ycond)
            g_string_append(rule, " and ");
        if (ycond)
            g_string_append(rule, ycond);
        g_string_append_printf(rule, " then present(%s)", item);
    } else {
        g_string_append_printf(rule, "present(%s)", item);
    }
    /* the items: the required one, then (optional) those the condition reads, so that the edit runs
     * on a tumor where the required item is blank */
    GString *items = g_string_new(item);
    if (ccond && strcmp(first, "classOfCase"))
        g_string_append(items, ",classOfCase?");
    if (ycond && strcmp(first, "dateOfDiagnosis"))
        g_string_append(items, ",dateOfDiagnosis?");
    GString *why = g_string_new(cwords);
    if (ywords)
        g_string_append_printf(why, " %s", ywords);
    g_string_append_printf(out, "R-%s\tRequired: %s\t%s\t\t%s\t%s\t\t%s is blank: it is required for %s (%s).\t%s\n", first,
                           label, agency_of(f[5]), f[4], items->str, label, why->str, f[5], rule->str);
    g_string_free(rule, TRUE);
    g_string_free(items, TRUE);
    g_string_free(why, TRUE);
    g_free(label), g_free(first), g_free(ccond), g_free(cwords), g_free(ycond), g_free(ywords);
    return TRUE;
}

static gboolean date_row(GString *out, const crtk_dictionary *d, char **f, int nf, const char *where, GError **error)
{
    if (nf < 2 || !*f[0] || (strcmp(f[1], "yes") && strcmp(f[1], "no"))) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "%s: expected item, after_dx (yes or no), flag", where);
        return FALSE;
    }
    const char *it = f[0];
    const char *flag = nf > 2 && *f[2] ? f[2] : NULL;
    char *label = label_of(d, it);
    const char *sets = "hospital,state-submission";
    /* D1: a real calendar date, not in the future */
    g_string_append_printf(out,
                           "D1-%s\t%s: real date, not in the future\tNAACCR\t\t%s\t%s\t\t"
                           "%s \"{%s}\" is not a real calendar date (CCYYMMDD; month and day may be left out) or it is "
                           "after today.\tempty(%s) or (valid(%s) and not_future(%s))\n",
                           it, label, sets, it, label, it, it, it, it);
    /* D2: not before birth, and (treatment and follow-up) not before diagnosis */
    if (strcmp(it, "dateOfBirth")) {
        gboolean after_dx = !strcmp(f[1], "yes");
        char *dx_rule = after_dx ? g_strdup_printf(" and not date_before(%s, dateOfDiagnosis)", it) : g_strdup("");
        g_string_append_printf(out,
                               "D2-%s\t%s: not before %s\tNAACCR\t\t%s\t%s\t\t"
                               "%s {%s} is before %s.\tempty(%s) or (not date_before(%s, dateOfBirth)%s)\n",
                               it, label, after_dx ? "birth or diagnosis" : "birth", sets, it, label, it,
                               after_dx ? "the Date of Birth {dateOfBirth} or the Date of Diagnosis {dateOfDiagnosis}"
                                        : "the Date of Birth {dateOfBirth}",
                               it, it, dx_rule);
        g_free(dx_rule);
    }
    /* D3: the date flag says why a date is blank, and only then */
    if (flag) {
        g_string_append_printf(out,
                               "D3-%s\t%s: date flag\tNAACCR\t\t%s\t%s,%s\t\t"
                               "%s is \"{%s}\" and its flag is \"{%s}\": a blank date needs a flag saying why "
                               "(10, 11, 12, 15), a date needs none.\t(empty(%s) and %s in ('10', '11', '12', '15')) or "
                               "(present(%s) and empty(%s))\n",
                               it, label, sets, it, flag, label, it, flag, it, flag, it, flag);
    }
    g_free(label);
    return TRUE;
}

static gboolean collect_key(gpointer key, gpointer value, gpointer list)
{
    (void)value;
    g_ptr_array_add(list, key);
    return FALSE;
}

/* The items of EOD schemas (SSDIs, grades, EOD, Summary Stage 2018, ...) that are not the site,
 * histology, behavior, date or demographic items schema selection reads (core edits check those);
 * used_only: those some schema uses for staging.  A comma-separated optional-item list. */
static char *schema_items(gboolean used_only)
{
    static const char *const skip[] = {"primarySite", "histologicTypeIcdO3", "behaviorCodeIcdO3", "dateOfDiagnosis",
                                       "typeOfReportingSource", "sexAssignedAtBirth", "sex", "ageAtDiagnosis", NULL};
    const crtk_staging *alg = crtk_staging_get("eod", NULL);
    if (!alg)
        return NULL;
    GTree *ids = g_tree_new((GCompareFunc)strcmp);
    for (guint si = 0; si < crtk_staging_schema_count(alg); si++)
        for (guint i = 0; i < crtk_staging_schema_input_count(alg, (int)si); i++) {
            const char *key = crtk_staging_schema_input_key(alg, (int)si, i), *id = NULL;
            gboolean used = FALSE;
            crtk_staging_input_info(alg, (int)si, key, &used, NULL, &id);
            if (!id || (used_only && !used) || g_strv_contains(skip, id))
                continue;
            g_tree_insert(ids, (gpointer)id, (gpointer)id);
        }
    GString *out = g_string_new(NULL);
    GPtrArray *list = g_ptr_array_new();
    g_tree_foreach(ids, collect_key, list);
    for (guint i = 0; i < list->len; i++)
        g_string_append_printf(out, "%s%s?", out->len ? "," : "", (const char *)list->pdata[i]);
    g_ptr_array_free(list, TRUE);
    g_tree_destroy(ids);
    return g_string_free(out, FALSE);
}

/* The schema edits (2018+ diagnoses, EOD schema of the tumor; docs/edits.md "Schema edits"). */
static void schema_rows(GString *out)
{
    /* hospital only for now: the synthetic sample registry (sample-data/) is not yet coded by schema, and
     * the state-submission tests submit it; docs/edits.md says so */
    const char *sets = "hospital";
    char *all = schema_items(FALSE), *used = schema_items(TRUE);
    if (!all || !used) {
        g_free(all);
        g_free(used);
        return;
    }
    g_string_append_printf(out,
                           "SCH01\tValid code for the schema\tSEER\ttumor\t%s\t%s\t\t"
                           "{$item} \"{$value}\" is not a code of {$detail}."
                           "\tschema_code_valid($item)\n", sets, all);
    g_string_append_printf(out,
                           "SCH02\tRequired for staging by the schema\tSEER\ttumor\t%s\t%s\t\t"
                           "{$item} is blank: {$detail} needs it to derive the stage (analytic cases).\t"
                           "not (empty(classOfCase) or classOfCase in ('00', '10'..'22')) or schema_required($item)\n",
                           sets, used);
    g_string_append_printf(out,
                           "SCH03\tSummary Stage 2018 agrees with the derived one\tSEER\ttumor\t%s\t"
                           "summaryStage2018\t\tSummary Stage 2018 \"{summaryStage2018}\" differs from the stage "
                           "derived by the EOD algorithm for {$detail}.\tss2018_consistent()\n", sets);
    g_string_append_printf(out,
                           "SCH04\tSurgery code of the site table\tSEER\ttumor\t%s\t"
                           "rxSummSurgPrimSite?,rxSummSurgPrimSite2023?\t\t{$item} \"{$value}\" is not a code of {$detail} "
                           "(crtk codes {$item} --site ... --year ...).\tsurgery_code_valid($item)\n", sets);
    g_string_append_printf(out,
                           "SCH05\tAJCC TNM category form\tCoC\ttumor\t%s\t"
                           "ajccTnmClinT?,ajccTnmClinN?,ajccTnmClinM?,ajccTnmPathT?,ajccTnmPathN?,ajccTnmPathM?,"
                           "ajccTnmPostTherapyT?,ajccTnmPostTherapyN?,ajccTnmPostTherapyM?,ajccTnmPostTherapyClinT?,"
                           "ajccTnmPostTherapyClinN?,ajccTnmPostTherapyClinM?\t\t{$item} \"{$value}\" is not an AJCC "
                           "category (c/p/yc/yp prefix, the letter, then X, 0-4, is...; 88 when not applicable)."
                           "\tajcc_tnm_format($item)\n", sets);
    g_free(all);
    g_free(used);
}

char *crtk_generated_edits_tsv(const crtk_dictionary *dict, GError **error)
{
    GString *out = g_string_new("id\tname\tagency\tlevel\tsets\titems\toverride\tmessage\trule\n");
    if (!each_row("edit-tables/required-items.tsv", "item\tclasses\tyears\ttypes\tsets\tsource", out, dict,
                  required_row, error) ||
        !each_row("edit-tables/date-items.tsv", "item\tafter_dx\tflag", out, dict, date_row, error)) {
        g_string_free(out, TRUE);
        return NULL;
    }
    schema_rows(out);
    return g_string_free(out, FALSE);
}
