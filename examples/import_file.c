/* import_file.c — example: create a registry store and import one NAACCR file into it, in one
 * transaction (a file with errors leaves the store as it was), with the installed libcrtk alone.
 *
 *   cc import_file.c $(pkg-config --cflags --libs crtk) -o import_file
 *   ./import_file registry.db cases.xml    ->  "imported 3 patients, 4 tumors"
 */
#include <stdio.h>
#include <crtk/crtk.h>

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
    if (argc != 3) {
        fprintf(stderr, "usage: %s NEW-STORE.db FILE\n", argv[0]);
        return 2;
    }
    GError *error = NULL;
    crtk_store *store = crtk_store_create(argv[1], 260, NULL, &error);
    if (!store) {
        fprintf(stderr, "%s\n", error->message);
        g_error_free(error);
        return 2;
    }
    crtk_store_set_actor(store, "example", "import_file");
    crtk_import_options options = {.on_conflict = CRTK_CONFLICT_UPDATE};
    crtk_read_options_init(&options.read);
    crtk_import_stats stats = {0};
    gboolean ok = crtk_store_import(store, argv[2], &options, on_problem, NULL, &stats, &error);
    if (ok)
        printf("imported %ld patients, %ld tumors\n", stats.patients_added, stats.tumors_added);
    else
        fprintf(stderr, "not imported: %s\n", error ? error->message : "the file has errors");
    g_clear_error(&error);
    crtk_store_close(store);
    return ok ? 0 : 1;
}
