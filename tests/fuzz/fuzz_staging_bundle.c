/* fuzz_staging_bundle.c — libFuzzer target: the staging algorithm loader (crtk's bundle, SEER JSON
 * shape) on any bytes; an algorithm that loads is asked for a lookup, a staging run and what its schemas
 * read and write (the introspection walks follow JUMPs, so cycles and long chains are theirs to survive). */
#include "crtk/staging.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    crtk_staging *alg = crtk_staging_load_bundle(data, size, &error);
    if (!alg) {
        if (!error)
            __builtin_trap(); /* a refusal always says why */
        g_error_free(error);
        return 0;
    }
    crtk_stage_run *run = crtk_stage_run_new(alg);
    static const char *cases[] = {"site=C000;hist=8000;year_dx=2020", "site=C509;hist=8500;year_dx=;behavior=<null>", ""};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        crtk_stage_run_reset(run);
        if (!crtk_stage_run_set_keys(run, cases[i], strlen(cases[i]), NULL))
            __builtin_trap();
        crtk_stage_run_lookup(run);
        crtk_stage_run_stage(run);
        for (guint e = 0; e < crtk_stage_run_error_count(run); e++)
            if (!crtk_stage_run_error(run, e)->message)
                __builtin_trap();
    }
    crtk_stage_run_free(run);
    static const char *context[] = {"site", "C000", "hist", "8000", "year_dx", NULL, NULL, NULL};
    for (guint i = 0; i < crtk_staging_schema_count(alg); i++) {
        const char *id = crtk_staging_schema_id(alg, i);
        GPtrArray *sets[] = {crtk_staging_schema_inputs(alg, id, NULL), crtk_staging_schema_inputs(alg, id, context),
                             crtk_staging_schema_outputs(alg, id, context), crtk_staging_involved_tables(alg, id),
                             crtk_staging_schema_discriminators(alg, id)};
        for (size_t s = 0; s < sizeof sets / sizeof *sets; s++) {
            if (!sets[s])
                __builtin_trap(); /* the schema exists */
            g_ptr_array_unref(sets[s]);
        }
    }
    g_ptr_array_unref(crtk_staging_involved_schemas(alg, "primary_site"));
    g_ptr_array_unref(crtk_staging_all_discriminators(alg));
    GArray *ranges = crtk_staging_table_cell_ranges(alg, "primary_site", 0, "site");
    if (ranges)
        g_array_unref(ranges);
    crtk_staging_free(alg);
    return 0;
}
