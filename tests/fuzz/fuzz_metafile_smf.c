/* fuzz_metafile_smf.c — libFuzzer target: a hostile metafile.  The bytes are written to a file and
 * opened as a .smf; every edit is compiled and run (step limit) on a record, every lookup table
 * loaded.  Nothing may crash, leak, run unbounded, or write to the file. */
#include "fuzz_common.h"
#include "crtk/metafile.h"

#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static crtk_dictionary *dict;
static crtk_record *rec;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dict) {
        dict = crtk_dictionary_new(250, NULL);
        rec = crtk_record_new(dict);
        crtk_element *t = crtk_record_add_tumor(rec);
        crtk_element_set_id(t, dict, "primarySite", "C509");
        crtk_element_set_id(t, dict, "dateOfDiagnosis", "20240615");
    }
    char path[] = "/tmp/crtk-fuzz-smf-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        __builtin_trap();
    if (write(fd, data, size) != (ssize_t)size)
        __builtin_trap();
    close(fd);
    GError *error = NULL;
    crtk_metafile *mf = crtk_metafile_open(path, &error);
    if (!mf) {
        if (!error)
            __builtin_trap();
        g_error_free(error);
    } else {
        crtk_metafile_set_step_limit(mf, 20000);
        for (int i = 0; i < crtk_metafile_edit_count(mf); i++)
            fuzz_touch(crtk_metafile_edit(mf, i)->logic);
        crtk_mf_runner *r = crtk_mf_runner_new(mf, NULL, NULL, dict, &error);
        if (r) {
            crtk_mf_runner_run(r, rec, NULL, 0, NULL, NULL);
            crtk_mf_runner_free(r);
        }
        g_clear_error(&error);
        crtk_metafile_free(mf);
    }
    /* read-only: the bytes are unchanged */
    gchar *back = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &back, &len, NULL) || len != size || (size && memcmp(back, data, size) != 0))
        __builtin_trap();
    g_free(back);
    unlink(path);
    return 0;
}
