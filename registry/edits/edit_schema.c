/* edit_schema.c — the schema functions of the rule language: schema_code_valid(item),
 * schema_required(item) and ss2018_consistent() (docs/edits.md "Schema edits").
 *
 * The tumor's EOD schema is selected with SEER's EOD algorithm (crtk/staging.h) from its items,
 * as `crtk stage` does; the code lists are the tables that validate the schema's inputs.  Only
 * diagnoses of 2018 and later are judged; a tumor without exactly one schema passes (other edits
 * report the site, histology or discriminator at fault).  surgery_code_valid(item) checks
 * rxSummSurgPrimSite (to 2022) and rxSummSurgPrimSite2023 (2023+) against the site table of the
 * diagnosis year's coding manual (crtk/surgery.h).
 */
#include "edit_expr.h"
#include "crtk/staging.h"
#include "crtk/surgery.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const crtk_record *rec;
    int tumor;
} tumor_ref;

/* crtk_stage_item_fn over a tumor of a record */
static const char *tumor_item(const char *naaccr_id, void *user)
{
    const tumor_ref *t = user;
    return crtk_record_tumor_item(t->rec, t->tumor, naaccr_id);
}

/* SEER's EOD algorithm, loaded once (NULL when it cannot be) */
static const crtk_staging *eod_algorithm(void)
{
    static const crtk_staging *eod;
    static gsize once;
    if (g_once_init_enter(&once)) {
        eod = crtk_staging_get("eod", NULL);
        g_once_init_leave(&once, 1);
    }
    return eod;
}

/* The edits object's staging reader (made on first use), or NULL when the context has none. */
static crtk_stage_record_reader *reader(edit_ctx *c, const crtk_staging *alg)
{
    if (!c->stage_reader)
        return NULL;
    if (!*c->stage_reader)
        *c->stage_reader = crtk_stage_record_reader_new(alg);
    return *c->stage_reader;
}

/* The EOD algorithm and the tumor's schema index; FALSE when the edit does not apply. */
static gboolean tumor_schema(edit_ctx *c, const crtk_staging **alg, int *si)
{
    if (c->tumor < 0 || c->tumor >= c->rec->n_tumors)
        return FALSE;
    tumor_ref t = {c->rec, c->tumor};
    const char *dx = tumor_item("dateOfDiagnosis", &t);
    char year[5] = "";
    if (dx)
        g_strlcpy(year, dx, sizeof year);
    if (strlen(year) < 4 || !g_ascii_isdigit(year[0]) || atoi(year) < 2018 || atoi(year) > 9998)
        return FALSE;
    *alg = eod_algorithm();
    if (!*alg)
        return FALSE;
    if (c->schema_of != c->tumor + 1) {
        crtk_stage_record_reader *rr = reader(c, *alg);
        c->schema_index = rr ? crtk_stage_record_schema(rr, c->rec, c->tumor) : crtk_staging_schema_of_items(*alg, tumor_item, &t);
        c->schema_of = c->tumor + 1;
    }
    *si = c->schema_index;
    return *si >= 0;
}

static void say_schema(edit_ctx *c, const crtk_staging *alg, int si)
{
    if (c->detail)
        g_string_append_printf(c->detail, "schema %s (%s)", crtk_staging_schema_id(alg, (guint)si),
                               crtk_staging_schema_name(alg, (guint)si));
}

static gboolean blank_str(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ')
            return FALSE;
    return TRUE;
}

static int dx_year(const tumor_ref *t)
{
    const char *dx = tumor_item("dateOfDiagnosis", (void *)t);
    char year[5] = "";
    if (dx)
        g_strlcpy(year, dx, sizeof year);
    return strlen(year) == 4 && g_ascii_isdigit(year[0]) ? atoi(year) : 0;
}

static gboolean surgery_valid(const node *item, const char *v, edit_ctx *c)
{
    tumor_ref t = {c->rec, c->tumor};
    int year = dx_year(&t);
    gboolean four = item->name && !strcmp(item->name, "rxSummSurgPrimSite2023");
    if (!year || (four ? year < 2023 : year >= 2023))
        return TRUE; /* the other item is the one coded that year (the required-item edits say so) */
    const char *site = tumor_item("primarySite", &t), *hist = tumor_item("histologicTypeIcdO3", &t);
    const crtk_surgery_code *codes = NULL;
    int n = 0;
    const char *title = crtk_surgery_table(site, hist, year, &codes, &n);
    if (!title)
        return TRUE;
    char *tv = g_strstrip(g_strdup(v));
    gboolean ok = FALSE;
    for (int i = 0; i < n && !ok; i++)
        ok = !strcmp(codes[i].code, tv);
    g_free(tv);
    if (!ok && c->detail)
        g_string_append_printf(c->detail, "the %s table of the %d coding manual (site %s)", title,
                               crtk_surgery_manual_year(year), site);
    return ok;
}

/* The form of an AJCC TNM category item (NAACCR 1001-1024, 1031-1034, 1061-1064): blank or 88 (not
 * applicable), else an optional c/p/yc/yp/rc/rp/a prefix, the item's letter, and a category that
 * starts with X, 0-4, is, a, mi or (for M) 0/1 (cM0(i+), pM1c...).  Whether the category exists for
 * the site is the AJCC's (not public); this refuses what cannot be a category at all. */
static gboolean ajcc_format(const char *name, const char *v)
{
    static GRegex *re[3];
    static gsize once;
    if (g_once_init_enter(&once)) {
        re[0] = g_regex_new("^(c|p|yc|yp|rc|rp|a)?T(X|is|a|[0-4])[A-Za-z0-9()+-]{0,8}$", G_REGEX_OPTIMIZE, 0, NULL);
        re[1] = g_regex_new("^(c|p|yc|yp|rc|rp)?N(X|[0-4])[A-Za-z0-9()+-]{0,8}$", G_REGEX_OPTIMIZE, 0, NULL);
        re[2] = g_regex_new("^(c|p|yc|yp|rc|rp)?M(X|[01])[A-Za-z0-9()+-]{0,8}$", G_REGEX_OPTIMIZE, 0, NULL);
        g_once_init_leave(&once, 1);
    }
    size_t n = strlen(name);
    char letter = n ? name[n - 1] : 0;
    int i = letter == 'T' ? 0 : letter == 'N' ? 1 : letter == 'M' ? 2 : -1;
    if (i < 0 || !strcmp(v, "88"))
        return TRUE;
    return g_regex_match(re[i], v, 0, NULL);
}

gboolean edit_schema_call(int fn, const node *item, edit_ctx *c)
{
    const crtk_staging *alg = NULL;
    int si = -1;
    const char *v = NULL;
    if (item) {
        if (item->index < 0 || c->tumor < 0 || c->tumor >= c->rec->n_tumors)
            return TRUE;
        const crtk_element *e = item->patient ? &c->rec->patient : &c->rec->tumors[c->tumor];
        v = crtk_element_get(e, item->index, NULL);
    }
    if ((fn == F_SCHEMA_CODE_VALID || fn == F_SURGERY_CODE_VALID) && blank_str(v))
        return TRUE;
    if (fn == F_SURGERY_CODE_VALID)
        return surgery_valid(item, v, c);
    if (fn == F_AJCC_TNM_FORMAT) {
        if (blank_str(v))
            return TRUE;
        char *tv = g_strstrip(g_strdup(v));
        gboolean ok = ajcc_format(item->name ? item->name : "", tv);
        g_free(tv);
        return ok;
    }
    if (!tumor_schema(c, &alg, &si))
        return TRUE;
    const char *sid = crtk_staging_schema_id(alg, (guint)si);
    if (fn == F_SCHEMA_CODE_VALID || fn == F_SCHEMA_REQUIRED) {
        const char *key = crtk_staging_schema_input(alg, si, item->name);
        if (!key)
            return TRUE; /* the schema does not use the item */
        gboolean ok;
        if (fn == F_SCHEMA_CODE_VALID) {
            char *trimmed = g_strstrip(g_strdup(v));
            ok = crtk_staging_code_valid(alg, sid, key, trimmed, c->today_y); /* {{ctx_year_current}}: --today's */
            g_free(trimmed);
        } else {
            gboolean used = FALSE;
            crtk_staging_input_info(alg, si, key, &used, NULL, NULL);
            ok = !used || !blank_str(v);
        }
        if (!ok) {
            say_schema(c, alg, si);
            if (fn == F_SCHEMA_CODE_VALID && c->detail) /* where to find the valid codes */
                g_string_append_printf(c->detail, ": crtk codes %s --schema %s lists them", item->name, sid);
        }
        return ok;
    }
    /* ss2018_consistent(): coded Summary Stage 2018 against the one the EOD algorithm derives */
    tumor_ref t = {c->rec, c->tumor};
    const char *coded = tumor_item("summaryStage2018", &t);
    if (blank_str(coded))
        return TRUE;
    /* judged only when every input the schema uses for staging is coded (else the engine would use
     * defaults, and SCH02 speaks for the blank one) */
    for (guint i = 0; i < crtk_staging_schema_input_count(alg, si); i++) {
        const char *key = crtk_staging_schema_input_key(alg, si, i), *id = NULL;
        gboolean used = FALSE;
        crtk_staging_input_info(alg, si, key, &used, NULL, &id);
        if (used && id && blank_str(tumor_item(id, &t)))
            return TRUE;
    }
    crtk_stage_record_reader *rr = reader(c, alg);
    crtk_stage_run *run = rr ? crtk_stage_record_run(rr) : crtk_stage_run_new(alg);
    crtk_stage_result res = rr ? crtk_stage_record_stage(rr, c->rec, c->tumor) : crtk_stage_run_stage_items(run, tumor_item, &t);
    gboolean ok = TRUE;
    const char *derived = NULL;
    if (res == CRTK_STAGE_STAGED && crtk_stage_run_get_output(run, "ss2018_derived", &derived) && derived && *derived) {
        char *a = g_strstrip(g_strdup(coded));
        ok = !strcmp(a, derived);
        if (!ok && c->detail) {
            say_schema(c, alg, si);
            g_string_append_printf(c->detail, ", derived %s", derived);
        }
        g_free(a);
    }
    if (!rr)
        crtk_stage_run_free(run);
    return ok;
}
