/* run_edits.c — example: run crtk's built-in edits (an edit set) on every tumor of a NAACCR file
 * and print each failure, with the installed libcrtk alone.
 *
 *   cc run_edits.c $(pkg-config --cflags --libs crtk) -o run_edits
 *   ./run_edits cases.xml [SET]       ->  one line per failure, then "N tumors, M failures"
 *
 * The edits are compiled for the dictionary of the file (its NAACCR version and user
 * dictionaries), which the reader knows once the first patient has been read. */
#include <stdio.h>
#include <crtk/crtk.h>

typedef struct run {
    const char *set;
    crtk_edits *edits;
    GError *error;
} run;

static int on_failure(const crtk_edit_failure *f, void *user)
{
    (void)user;
    printf("patient %s tumor %d: %s %s\n", f->patient_id, f->tumor, f->edit_id, f->message);
    return CRTK_CONTINUE;
}

static int on_patient(crtk_record *record, void *user)
{
    run *r = user;
    if (!r->edits) {
        r->edits = crtk_edits_load(r->set, NULL, record->dict, &r->error);
        if (!r->edits)
            return CRTK_ABORT;
    }
    if (crtk_edits_run_record(r->edits, record, on_failure, NULL) == -2) { /* P01 could not keep its state */
        r->error = g_error_copy(crtk_edits_error(r->edits));
        return CRTK_ABORT;
    }
    return CRTK_CONTINUE;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s FILE [EDIT-SET]\n", argv[0]);
        return 2;
    }
    run r = {.set = argc == 3 ? argv[2] : "all"};
    crtk_read_options options;
    crtk_read_options_init(&options);
    crtk_read_handlers handlers = {.patient = on_patient};
    crtk_read_stats stats = {0};
    int rc = crtk_naaccr_read_file(argv[1], CRTK_FORMAT_UNKNOWN, &options, &handlers, &r, &stats);
    if (r.error) {
        fprintf(stderr, "%s\n", r.error->message);
        g_error_free(r.error);
        return 2;
    }
    crtk_edits_stats es = r.edits ? crtk_edits_stats_get(r.edits) : (crtk_edits_stats){0};
    printf("%ld tumors, %ld failures\n", es.tumors, es.failures);
    crtk_edits_free(r.edits);
    return rc < 0 ? 2 : (es.failures > 0 ? 1 : 0);
}
