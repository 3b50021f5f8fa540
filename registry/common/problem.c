/* problem.c — names, text and JSON for crtk_problem (see problem.h). */
#include "problem.h"

#include <string.h>
#include "json.h"

G_DEFINE_QUARK(crtk-error-quark, crtk_error)

static const char *const code_names[CRTK_PROBLEM_COUNT] = {
    [CRTK_PROBLEM_IO] = "io",
    [CRTK_PROBLEM_SYNTAX] = "syntax",
    [CRTK_PROBLEM_NAMESPACE] = "namespace",
    [CRTK_PROBLEM_STRUCTURE] = "structure",
    [CRTK_PROBLEM_ROOT_ATTRIBUTE] = "root-attribute",
    [CRTK_PROBLEM_DICTIONARY] = "dictionary",
    [CRTK_PROBLEM_UNKNOWN_ITEM] = "unknown-item",
    [CRTK_PROBLEM_WRONG_NUMBER] = "wrong-item-number",
    [CRTK_PROBLEM_WRONG_LEVEL] = "wrong-level",
    [CRTK_PROBLEM_RECORD_TYPE] = "not-in-record-type",
    [CRTK_PROBLEM_DUPLICATE_ITEM] = "duplicate-item",
    [CRTK_PROBLEM_TOO_LONG] = "value-too-long",
    [CRTK_PROBLEM_BAD_VALUE] = "invalid-value",
    [CRTK_PROBLEM_LINE_LENGTH] = "line-length",
    [CRTK_PROBLEM_INCONSISTENT] = "inconsistent-patient-item",
    [CRTK_PROBLEM_CONVERSION] = "conversion",
    [CRTK_PROBLEM_POSSIBLE_DUPLICATE] = "possible-duplicate",
};

const char *crtk_problem_code_name(crtk_problem_code code)
{
    return (unsigned)code < CRTK_PROBLEM_COUNT ? code_names[code] : "unknown";
}

const char *crtk_severity_name(crtk_severity severity)
{
    switch (severity) {
    case CRTK_SEVERITY_WARNING: return "warning";
    case CRTK_SEVERITY_ERROR: return "error";
    default: return "fatal";
    }
}

char *crtk_problem_format(const crtk_problem *p)
{
    GString *s = g_string_new(NULL);
    if (p->file) {
        g_string_append(s, p->file);
        if (p->line > 0) {
            g_string_append_printf(s, ":%ld", p->line);
            if (p->column > 0)
                g_string_append_printf(s, ":%ld", p->column);
        }
        g_string_append(s, ": ");
    }
    if (p->severity == CRTK_SEVERITY_WARNING)
        g_string_append(s, "warning: ");
    if (p->patient > 0) {
        g_string_append_printf(s, "patient %ld", p->patient);
        if (p->patient_id && *p->patient_id)
            g_string_append_printf(s, " (%s)", p->patient_id);
        if (p->tumor > 0)
            g_string_append_printf(s, ", tumor %d", p->tumor);
        g_string_append(s, ": ");
    }
    if (p->item)
        g_string_append_printf(s, "item %s: ", p->item);
    g_string_append(s, p->message ? p->message : "problem");
    return g_string_free(s, FALSE);
}

char *crtk_problem_to_json(const crtk_problem *p)
{
    GString *s = g_string_new("{");
    crtk_json_field_str(s, "severity", crtk_severity_name(p->severity), TRUE);
    crtk_json_field_str(s, "code", crtk_problem_code_name(p->code), FALSE);
    if (p->file) crtk_json_field_str(s, "file", p->file, FALSE);
    if (p->line > 0) crtk_json_field_int(s, "line", p->line, FALSE);
    if (p->column > 0) crtk_json_field_int(s, "column", p->column, FALSE);
    if (p->patient > 0) crtk_json_field_int(s, "patient", p->patient, FALSE);
    if (p->patient_id) crtk_json_field_str(s, "patientIdNumber", p->patient_id, FALSE);
    if (p->tumor > 0) crtk_json_field_int(s, "tumor", p->tumor, FALSE);
    if (p->item) crtk_json_field_str(s, "item", p->item, FALSE);
    crtk_json_field_str(s, "message", p->message ? p->message : "", FALSE);
    g_string_append_c(s, '}');
    return g_string_free(s, FALSE);
}

char *crtk_cut_for_message(const char *value)
{
    size_t len = value ? strlen(value) : 0;
    if (len <= 80)
        return g_strdup_printf("\"%s\"", value ? value : "");
    const char *end = value;
    for (int i = 0; i < 60 && *end; i++)
        end = g_utf8_find_next_char(end, NULL) ? g_utf8_find_next_char(end, NULL) : end + 1;
    /* thousands separated by commas, as people read sizes */
    char digits[32], grouped[48];
    g_snprintf(digits, sizeof digits, "%zu", len);
    size_t n = strlen(digits), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            grouped[k++] = ',';
        grouped[k++] = digits[i];
    }
    grouped[k] = 0;
    return g_strdup_printf("\"%.*s…\" (%s bytes)", (int)(end - value), value, grouped);
}
