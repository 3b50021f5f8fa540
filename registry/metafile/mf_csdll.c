/* mf_csdll.c — the Collaborative Stage DLL calls of NAACCR metafiles (EXTERNALDLL("cstage.dll" or
 * "cstage0205.dll", "CStage_...", ...)) answered by crtk's own CS algorithm (registry/staging).
 *
 * The calls answered are those NAACCR edits use, as the reference (imsweb/validation's
 * MetafileContextFunctions) answers them:
 *   CStage_get_version(ver)                      ver = the algorithm version without dots ("020550")
 *   CStage_get_number_of_schemas()               the number of CS schemas
 *   CStage_get_schema_number(site, hist, ssf25)  the schema number selected by primary site,
 *                                                histology and the discriminator (SSF25); -1 when
 *                                                site or histology is blank or no single schema fits
 *   CStage_get_schema_name(number, name)         name = the schema's name ("" when no such number)
 *   CStage_code_is_valid(number, table, field, code)  1 when CODE is a valid code of CS input TABLE
 *                                                (the DLL's table numbers: 1 size, 2 extension, 3 extension
 *                                                eval, 4 nodes, 5 nodes eval, 6 nodes positive, 7 nodes
 *                                                examined, 8 mets, 9 mets eval, 10-34 SSF1-SSF25) of schema
 *                                                NUMBER, else 0; FIELD (always 1 in the DLL) is not used
 * Any other method cannot be answered: mf_compile.c lists edits calling one as skipped.
 */
#include "mf_private.h"
#include "crtk/staging.h"

#include <stdlib.h>
#include <string.h>

static const char *const cs_methods[] = {"CStage_get_version", "CStage_get_number_of_schemas", "CStage_get_schema_number",
                                         "CStage_get_schema_name", "CStage_code_is_valid", NULL};

gboolean mf_cs_dll_method_known(const char *method)
{
    for (int i = 0; cs_methods[i]; i++)
        if (!g_ascii_strcasecmp(method, cs_methods[i]))
            return TRUE;
    return FALSE;
}

/* An argument as the DLL sees it: blanks around it removed (fixed-width fields are padded). */
static char *arg_trimmed(int n, const char *const *args, int i)
{
    return g_strstrip(g_strdup(i < n && args[i] ? args[i] : ""));
}

static int arg_int(int n, const char *const *args, int i)
{
    char *s = arg_trimmed(n, args, i);
    char *end = NULL;
    long v = strtol(s, &end, 10);
    gboolean good = *s && end && !*end;
    g_free(s);
    return good ? (int)v : G_MININT;
}

/* The schema index of CS schema number NUM, or -1. */
static int schema_of_number(const crtk_staging *cs, int num)
{
    if (num <= 0)
        return -1;
    for (guint i = 0; i < crtk_staging_schema_count(cs); i++)
        if (crtk_staging_schema_num(cs, i) == num)
            return (int)i;
    return -1;
}

static const char *const table_keys[] = {"size",  "extension", "extension_eval", "nodes", "nodes_eval",
                                         "nodes_pos", "nodes_exam", "mets", "mets_eval"};

int crtk_metafile_cs_dll(const char *dll, const char *method, int n_args, const char *const *args, GString *out,
                         gboolean *ok, void *user)
{
    if (g_ascii_strcasecmp(dll, "cstage.dll") && g_ascii_strcasecmp(dll, "cstage0205.dll")) {
        *ok = FALSE;
        return 0;
    }
    const crtk_staging *cs = user ? user : crtk_staging_get("cs", NULL);
    if (!cs) {
        *ok = FALSE;
        return 0;
    }
    if (!g_ascii_strcasecmp(method, "CStage_get_version")) {
        char *v = g_strdup(crtk_staging_version(cs));
        char *w = v;
        for (const char *p = v; *p; p++)
            if (*p != '.')
                *w++ = *p;
        *w = 0;
        g_string_assign(out, v);
        g_free(v);
        return 0;
    }
    if (!g_ascii_strcasecmp(method, "CStage_get_number_of_schemas"))
        return (int)crtk_staging_schema_count(cs);
    if (!g_ascii_strcasecmp(method, "CStage_get_schema_number")) {
        char *site = arg_trimmed(n_args, args, 0), *hist = arg_trimmed(n_args, args, 1), *ssf25 = arg_trimmed(n_args, args, 2);
        int num = -1;
        if (*site && *hist) {
            crtk_stage_run *r = crtk_stage_run_new(cs);
            crtk_stage_run_set(r, "site", site);
            crtk_stage_run_set(r, "hist", hist);
            if (*ssf25)
                crtk_stage_run_set(r, "ssf25", ssf25);
            if (crtk_stage_run_lookup(r) == 1) {
                int s = crtk_staging_schema_num(cs, (guint)crtk_stage_run_candidate(r, 0));
                num = s > 0 ? s : -1;
            }
            crtk_stage_run_free(r);
        }
        g_free(site);
        g_free(hist);
        g_free(ssf25);
        return num;
    }
    if (!g_ascii_strcasecmp(method, "CStage_get_schema_name")) {
        int si = schema_of_number(cs, arg_int(n_args, args, 0));
        const char *name = si >= 0 ? crtk_staging_schema_name(cs, (guint)si) : NULL;
        g_string_assign(out, name ? name : ""); /* "" clears the target */
        return 0;
    }
    if (!g_ascii_strcasecmp(method, "CStage_code_is_valid")) {
        int si = schema_of_number(cs, arg_int(n_args, args, 0));
        int table = arg_int(n_args, args, 1);
        char key[8];
        const char *k = NULL;
        if (table >= 1 && table <= (int)G_N_ELEMENTS(table_keys))
            k = table_keys[table - 1];
        else if (table >= 10 && table <= 34) {
            g_snprintf(key, sizeof key, "ssf%d", table - 9);
            k = key;
        }
        if (si < 0 || !k)
            return 0;
        char *code = arg_trimmed(n_args, args, 3);
        gboolean valid = crtk_staging_code_valid(cs, crtk_staging_schema_id(cs, (guint)si), k, code, 0);
        g_free(code);
        return valid ? 1 : 0;
    }
    *ok = FALSE;
    return 0;
}
