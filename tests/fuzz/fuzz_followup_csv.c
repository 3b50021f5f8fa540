/* fuzz_followup_csv.c — libFuzzer target: the follow-up posting CSV (crtk_followup_post_csv) on any
 * bytes, against a small store.  The first byte chooses force (bit 0); the rest is the file.  A
 * posting that succeeds is real (the store changes), as with `crtk followup post --from-csv`; a
 * refusal must say why. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "crtk/followup.h"
#include "fuzz_store_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    crtk_store *s = fuzz_store();
    static char *path;
    static crtk_followup_rules rules;
    if (!path) {
        path = g_build_filename(fuzz_store_dir, "returned.csv", NULL);
        crtk_followup_rules_init(&rules, 20260315);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
        abort();
    int posted = -1;
    GError *e = NULL;
    if (crtk_followup_post_csv(s, &rules, path, data[0] & 1, &posted, &e)) {
        if (posted < 0)
            __builtin_trap();
    } else if (!e || !e->message || !*e->message || posted != 0) {
        __builtin_trap(); /* all or nothing, and a refusal says why */
    }
    g_clear_error(&e);
    return 0;
}
