/* fuzz_stage_keys.c — libFuzzer target: the key notation reader of `crtk stage --keys`
 * (crtk_stage_run_set_keys) on any bytes, each line staged with the embedded EOD algorithm. */
#include "crtk/staging.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const crtk_staging *alg;
    static crtk_stage_run *run;
    if (!alg) {
        alg = crtk_staging_get("eod", NULL);
        if (!alg)
            __builtin_trap();
        run = crtk_stage_run_new(alg);
        crtk_stage_run_set_context(run, "ctx_year_current", "2026");
    }
    const char *p = (const char *)data, *end = p + size;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        GError *error = NULL;
        crtk_stage_run_reset(run);
        if (crtk_stage_run_set_keys(run, p, len, &error)) {
            crtk_stage_run_stage(run);
            for (guint i = 0; i < crtk_stage_run_output_count(run); i++) {
                const char *v;
                const char *k = crtk_stage_run_output(run, i, &v);
                if (!k || (v && strlen(v) > size + 64))
                    __builtin_trap();
            }
        } else if (!error)
            __builtin_trap();
        g_clear_error(&error);
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}
