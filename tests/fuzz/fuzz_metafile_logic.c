/* fuzz_metafile_logic.c — libFuzzer target: the GenEDITS language (an edit's logic) on any bytes.
 * The text is compiled and, when it compiles, run with a small step limit against a metafile with
 * a lookup table and a record with values; nothing may crash, leak, or run unbounded. */
#include "fuzz_common.h"
#include "crtk/metafile.h"

#include <sqlite3.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static crtk_metafile *mf;
static crtk_dictionary *dict;
static crtk_record *rec;

static void setup(void)
{
    char path[] = "/tmp/crtk-fuzz-logic-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        __builtin_trap();
    close(fd);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, EditTag, EditName, EditLogic);"
                 "CREATE TABLE EE_LookupTables (PKey INTEGER PRIMARY KEY, TableName, RecCount);"
                 "INSERT INTO EE_LookupTables VALUES (1, 'T', 2);"
                 "CREATE TABLE T ([PKey] INTEGER PRIMARY KEY, [A] CHAR(4), [B] VARCHAR(10));"
                 "INSERT INTO T (A, B) VALUES ('C100', 'x'), ('C200', 'y');",
                 NULL, NULL, NULL);
    sqlite3_close(db);
    mf = crtk_metafile_open(path, NULL);
    unlink(path);
    if (!mf)
        __builtin_trap();
    crtk_metafile_set_today(mf, 2026, 12, 4);
    crtk_metafile_set_step_limit(mf, 20000);
    dict = crtk_dictionary_new(250, NULL);
    rec = crtk_record_new(dict);
    crtk_element *t = crtk_record_add_tumor(rec);
    crtk_element_set_id(&rec->patient, dict, "dateOfBirth", "19560204");
    crtk_element_set_id(t, dict, "primarySite", "C509");
    crtk_element_set_id(t, dict, "dateOfDiagnosis", "202406  ");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!mf)
        setup();
    char *text = g_strndup((const char *)data, size); /* the logic is text: it ends at a NUL */
    GString *out = g_string_new(NULL);
    GError *error = NULL;
    int rc = crtk_metafile_eval(mf, dict, rec, NULL, 0, text, out, &error);
    if (rc != 0 && !error)
        __builtin_trap(); /* a refusal always says why */
    if (rc == 0 && !g_str_has_suffix(out->str, "return=PASS\n") && !g_str_has_suffix(out->str, "return=FAIL\n"))
        __builtin_trap(); /* a run ends with its verdict */
    g_clear_error(&error);
    g_string_free(out, TRUE);
    g_free(text);
    return 0;
}
