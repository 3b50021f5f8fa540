/* derived_sql.c — the derived variables as deterministic SQLite functions (see derived.h).
 *
 * Arguments are taken as text (SQLite converts integers such as 8140 or
 * 20230115); SQL NULL is a missing value.  Recodes return their code as text,
 * the unknown code when not classifiable; ages are integers (999 unknown).
 */
#include "derived.h"
#include "problem.h"

#include <sqlite3.h>
#include <string.h>

static const char *arg_text(sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return NULL;
    return (const char *)sqlite3_value_text(v);
}

/* An age given as integer, real or text ("065"); -1 when missing or not a number. */
static int arg_age(sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: {
        sqlite3_int64 a = sqlite3_value_int64(v);
        return a < 0 || a > 100000 ? -1 : (int)a;
    }
    case SQLITE_FLOAT: {
        double a = sqlite3_value_double(v);
        return a < 0 || a > 100000 ? -1 : (int)a;
    }
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_value_text(v);
        while (*s == ' ')
            s++;
        int a = 0, k = 0;
        for (; *s >= '0' && *s <= '9' && k < 6; s++, k++)
            a = a * 10 + (*s - '0');
        while (*s == ' ')
            s++;
        return k == 0 || *s ? -1 : a;
    }
    default:
        return -1;
    }
}

static void fn_age_at_dx(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sqlite3_result_int(ctx, crtk_age_at_diagnosis(arg_text(argv[0]), arg_text(argv[1])));
}

static void fn_age_group(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int age = arg_age(argv[0]);
    const char *code = sqlite3_user_data(ctx) ? crtk_age_group_18(age) : crtk_age_group_19(age);
    sqlite3_result_text(ctx, code, -1, SQLITE_STATIC);
}

static void fn_std_pop(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    long p = crtk_us2000_std_pop(arg_text(argv[0]));
    if (p < 0)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int64(ctx, p);
}

/* Fixed recodes: which table, which arguments the function takes. */
typedef struct {
    const char *sql_name;
    crtk_recode_id id;
    int nargs;     /* 2: site, hist; 3: + beh; 4: + dxdate */
    bool extended;
    bool major;    /* ICCC major category of the recode */
} fixed_recode;

static const fixed_recode fixed[] = {
    {"crtk_seer_site_recode", CRTK_RECODE_SEER_2023, 4, false, false},
    {"crtk_seer_site_recode_expanded", CRTK_RECODE_SEER_2023_EXPANDED, 4, false, false},
    {"crtk_seer_site_recode_2008", CRTK_RECODE_SEER_WHO2008, 2, false, false},
    {"crtk_iccc", CRTK_RECODE_ICCC_IARC2017, 3, false, false},
    {"crtk_iccc_extended", CRTK_RECODE_ICCC_IARC2017, 3, true, false},
    {"crtk_iccc_major", CRTK_RECODE_ICCC_IARC2017, 3, false, true},
    {"crtk_aya", CRTK_RECODE_AYA_2020, 3, false, false},
    {"crtk_aya_2008", CRTK_RECODE_AYA_WHO2008, 3, false, false},
    {"crtk_lymphoid_recode", CRTK_RECODE_LYMPHOID_2021, 2, false, false},
    {"crtk_brain_cns_recode", CRTK_RECODE_BRAIN_CNS_2020, 3, false, false},
};

static void fn_fixed(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const fixed_recode *f = sqlite3_user_data(ctx);
    crtk_tumor_codes c;
    crtk_tumor_codes_parse(&c, arg_text(argv[0]), arg_text(argv[1]), argc > 2 ? arg_text(argv[2]) : NULL,
                           argc > 3 ? arg_text(argv[3]) : NULL);
    const char *code = crtk_recode(f->id, &c, f->extended);
    if (f->major)
        code = crtk_iccc_major(code);
    sqlite3_result_text(ctx, code, -1, SQLITE_STATIC);
}

static int arg_recode(sqlite3_context *ctx, sqlite3_value *v)
{
    const char *name = arg_text(v);
    int id = crtk_recode_find(name);
    if (id < 0) {
        char *msg = sqlite3_mprintf("crtk_recode: unknown recode '%s'", name ? name : "NULL");
        sqlite3_result_error(ctx, msg, -1);
        sqlite3_free(msg);
    }
    return id;
}

/* crtk_recode(name, site, hist, beh, dxdate[, extended]) */
static void fn_recode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int id = arg_recode(ctx, argv[0]);
    if (id < 0)
        return;
    bool ext = argc > 5 && sqlite3_value_type(argv[5]) != SQLITE_NULL && sqlite3_value_int(argv[5]) != 0;
    const char *code = crtk_recode_values((crtk_recode_id)id, arg_text(argv[1]), arg_text(argv[2]),
                                          arg_text(argv[3]), arg_text(argv[4]), ext);
    sqlite3_result_text(ctx, code, -1, SQLITE_STATIC);
}

/* crtk_recode_label(name, code[, extended]) */
static void fn_recode_label(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int id = arg_recode(ctx, argv[0]);
    if (id < 0)
        return;
    bool ext = argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL && sqlite3_value_int(argv[2]) != 0;
    const char *label = crtk_recode_label((crtk_recode_id)id, arg_text(argv[1]), ext);
    if (label)
        sqlite3_result_text(ctx, label, -1, SQLITE_STATIC);
    else
        sqlite3_result_null(ctx);
}

static gboolean add(sqlite3 *db, const char *name, int nargs, void *data,
                    void (*fn)(sqlite3_context *, int, sqlite3_value **), GError **error)
{
    int rc = sqlite3_create_function_v2(db, name, nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                        data, fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, CRTK_ERROR, CRTK_ERROR_DATA, "cannot register SQL function %s: %s", name,
                    sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}

gboolean crtk_derived_register_sqlite(sqlite3 *db, GError **error)
{
    /* Tables load on first use (every store connection registers these functions, and
       `crtk case show` must stay fast); tests load them all to catch a broken table. */
    static int is18 = 1;
    if (!add(db, "crtk_age_at_dx", 2, NULL, fn_age_at_dx, error) ||
        !add(db, "crtk_age_group", 1, NULL, fn_age_group, error) ||
        !add(db, "crtk_age_group_18", 1, &is18, fn_age_group, error) ||
        !add(db, "crtk_us2000_std_pop", 1, NULL, fn_std_pop, error) ||
        !add(db, "crtk_recode", 5, NULL, fn_recode, error) ||
        !add(db, "crtk_recode", 6, NULL, fn_recode, error) ||
        !add(db, "crtk_recode_label", 2, NULL, fn_recode_label, error) ||
        !add(db, "crtk_recode_label", 3, NULL, fn_recode_label, error))
        return FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++) {
        if (!add(db, fixed[i].sql_name, fixed[i].nargs, (void *)&fixed[i], fn_fixed, error))
            return FALSE;
    }
    return TRUE;
}
