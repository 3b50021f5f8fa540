/* case_edits.c — edits run at once on a case being abstracted (see case_edits.h). */
#include "case_edits.h"
#if __has_include("edits.h")
#include "edits.h"
#define CRTK_HAVE_EDITS 1
#endif

int crtk_case_run_edits(crtk_store *s, gint64 patient_id, const char *const *items, int n_items, FILE *out)
{
#ifdef CRTK_HAVE_EDITS
    (void)s, (void)patient_id, (void)items, (void)n_items, (void)out;
    return 0;
#else
    (void)s, (void)patient_id, (void)items, (void)n_items, (void)out;
    return 0;
#endif
}
