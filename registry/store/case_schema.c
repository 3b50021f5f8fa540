/* case_schema.c — the staging-schema block of `crtk case show`: the tumor's EOD schema (id and
 * name) and the meaning, for that schema, of each SSDI, grade, EOD and Summary Stage value it holds
 * and the meaning of the surgery code in the site table of its coding-manual year (see case_view.h).
 * Kept apart from case_view.c, which lays out the items by section. */
#include "case_view.h"
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

void crtk_case_view_schema(GString *out, const crtk_record *r, int tumor)
{
    if (tumor < 0 || tumor >= r->n_tumors)
        return;
    tumor_ref t = {r, tumor};
    const char *dx = tumor_item("dateOfDiagnosis", &t);
    char ys[5] = "";
    if (dx)
        g_strlcpy(ys, dx, sizeof ys);
    int year = strlen(ys) == 4 && g_ascii_isdigit(ys[0]) ? atoi(ys) : 0;
    static const char *const surg[] = {"rxSummSurgPrimSite", "rxSummSurgPrimSite2023"};
    for (int i = 0; i < 2; i++) {
        const char *v = tumor_item(surg[i], &t), *site = tumor_item("primarySite", &t);
        if (!v || !*v || !year || (i ? year < 2023 : year >= 2023))
            continue;
        const char *title = crtk_surgery_table(site, tumor_item("histologicTypeIcdO3", &t), year, NULL, NULL);
        if (!title)
            continue;
        char *tv = g_strstrip(g_strdup(v));
        const char *m = crtk_surgery_meaning(site, tumor_item("histologicTypeIcdO3", &t), year, tv);
        g_string_append_printf(out, "  Surgery table %s (%d coding manual)\n    %-32s %-10s  %s\n", title,
                               crtk_surgery_manual_year(year), surg[i], tv, m ? m : "(not a code of this table)");
        g_free(tv);
    }
    if (year < 2018)
        return; /* EOD schemas are for 2018+ diagnoses */
    const crtk_staging *alg = crtk_staging_get("eod", NULL);
    int si = alg ? crtk_staging_schema_of_items(alg, tumor_item, &t) : -1;
    if (si < 0) {
        g_string_append(out, "  Staging schema\n    (no single EOD schema for this site, histology and discriminators)\n");
        return;
    }
    g_string_append_printf(out, "  Staging schema %s (%s), EOD %s\n", crtk_staging_schema_id(alg, (guint)si),
                           crtk_staging_schema_name(alg, (guint)si), crtk_staging_version(alg));
    for (guint i = 0; i < crtk_staging_schema_input_count(alg, si); i++) {
        const char *key = crtk_staging_schema_input_key(alg, si, i), *id = NULL;
        crtk_staging_input_info(alg, si, key, NULL, NULL, &id);
        if (!id || !strcmp(id, "primarySite") || !strcmp(id, "histologicTypeIcdO3") ||
            !strcmp(id, "dateOfDiagnosis") || !strcmp(id, "behaviorCodeIcdO3"))
            continue;
        const char *v = tumor_item(id, &t);
        if (!v || !*v)
            continue;
        char *tv = g_strstrip(g_strdup(v));
        const char *m = crtk_staging_input_meaning(alg, si, key, tv);
        char *first = m ? g_strndup(m, strcspn(m, "\n")) : NULL;
        g_string_append_printf(out, "    %-32s %-10s  %s\n", id, tv,
                               first ? first : "(not a code of this schema)");
        g_free(first);
        g_free(tv);
    }
}
