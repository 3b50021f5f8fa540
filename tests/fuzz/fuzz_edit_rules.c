/* fuzz_edit_rules.c — libFuzzer target: the edit rule language (registry/edits/edit_parse.c).
 * Any bytes are compiled as a rule against NAACCR 26; a rule that compiles is evaluated on a
 * record with a patient and two tumors (some items set, the rest blank), at tumor and patient
 * level, so that the parser, the type checks and the evaluator all meet what they never saw. */
#include "edit_expr.h"
#include "dictionary.h"
#include "record.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static crtk_dictionary *dict;
static crtk_record *rec;

static void setup(void)
{
    dict = crtk_dictionary_new(260, NULL);
    rec = crtk_record_new(dict);
    crtk_element_set_id(&rec->patient, dict, "patientIdNumber", "00000001");
    crtk_element_set_id(&rec->patient, dict, "dateOfBirth", "19600315");
    crtk_element_set_id(&rec->patient, dict, "sexAssignedAtBirth", "2");
    for (int t = 0; t < 2; t++) {
        crtk_element *e = crtk_record_add_tumor(rec);
        crtk_element_set_id(e, dict, "primarySite", t ? "C509" : "C180");
        crtk_element_set_id(e, dict, "histologicTypeIcdO3", "8140");
        crtk_element_set_id(e, dict, "behaviorCodeIcdO3", "3");
        crtk_element_set_id(e, dict, "dateOfDiagnosis", t ? "2023" : "20220704");
        crtk_element_set_id(e, dict, "sequenceNumberCentral", t ? "02" : "01");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dict)
        setup();
    if (size > 4096)
        return 0;
    char *text = g_strndup((const char *)data, size); /* the language is text: stop at a NUL */
    for (int level = 0; level < 2; level++) {
        edit_env env;
        edit_env_init(&env, dict);
        env.patient_level = level == 1;
        GError *err = NULL;
        edit_expr *x = edit_expr_compile(text, &env, &err);
        if (x && env.missing->len == 0) {
            edit_state *st = edit_state_new();
            GString *detail = g_string_new(NULL);
            edit_ctx c = {.rec = rec, .patient_id = "00000001", .tumor = level ? -1 : 0, .other = -1,
                          .today_y = 2024, .today_m = 6, .today_d = 15, .state = st, .detail = detail};
            (void)edit_expr_eval(x, &c);
            g_string_free(detail, TRUE);
            edit_state_free(st);
        }
        if (err)
            g_error_free(err);
        edit_expr_free(x);
        edit_env_clear(&env);
    }
    g_free(text);
    return 0;
}
