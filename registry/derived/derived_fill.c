/* derived_fill.c — filling a record's derived NAACCR items (Age at Diagnosis, survival months,
 * flags and dates, Vital Status Recode) before it is written: see crtk_derived_fill_record in
 * derived.h. */
#include "derived.h"

int crtk_derived_fill_record(crtk_record *r, const crtk_survival_options *opt)
{
    int count = crtk_survival_apply(r, opt);
    const crtk_item *age = crtk_dictionary_find(r->dict, "ageAtDiagnosis");
    if (!age)
        return count;
    const char *dob = crtk_element_get_id(&r->patient, r->dict, "dateOfBirth");
    for (int t = 0; t < r->n_tumors; t++) {
        if (crtk_element_has(&r->tumors[t], age->index))
            continue;
        const char *dx = crtk_element_get_id(&r->tumors[t], r->dict, "dateOfDiagnosis");
        char v[8];
        g_snprintf(v, sizeof v, "%03d", crtk_age_at_diagnosis(dob, dx));
        crtk_element_set_str(&r->tumors[t], age->index, v);
        count++;
    }
    return count;
}
