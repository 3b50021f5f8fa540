/* fuzz_staging_bundle.c — libFuzzer target: the staging algorithm loader (crtk's bundle, SEER JSON
 * shape) on any bytes; an algorithm that loads is asked for a lookup and a staging run. */
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
    crtk_staging_free(alg);
    return 0;
}
