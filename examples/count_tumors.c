/* count_tumors.c — example: count the patients and tumors of a NAACCR file of any format
 * (XML, .xml.gz, flat or CSV), streaming, with the installed libcrtk alone.
 *
 *   cc count_tumors.c $(pkg-config --cflags --libs crtk) -o count_tumors
 *   ./count_tumors cases.xml.gz        ->  "3 patients, 4 tumors"
 *
 * Problems in the data are printed to stderr with their place; the exit status is 1 when the
 * file could not be read to the end. */
#include <stdio.h>
#include <crtk/crtk.h>

static int on_patient(crtk_record *record, void *user)
{
    (void)record;
    (void)user;
    return CRTK_CONTINUE; /* the reader counts patients and tumors in its stats */
}

static int on_problem(const crtk_problem *problem, void *user)
{
    (void)user;
    char *text = crtk_problem_format(problem);
    fprintf(stderr, "%s\n", text);
    g_free(text);
    return CRTK_CONTINUE;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    crtk_read_options options;
    crtk_read_options_init(&options);
    crtk_read_handlers handlers = {.patient = on_patient, .problem = on_problem};
    crtk_read_stats stats = {0};
    int rc = crtk_naaccr_read_file(argv[1], CRTK_FORMAT_UNKNOWN, &options, &handlers, NULL, &stats);
    printf("%ld patients, %ld tumors\n", stats.patients, stats.tumors);
    return rc < 0 ? 1 : 0;
}
