/* cli_common.c — option parsing and messages shared by the crtk subcommands (see commands.h). */
#include "commands.h"
#include "crtk/dictionary.h"
#include "crtk/store.h"
#include "crtk/users.h"

#include <stdarg.h>
#include <string.h>

gboolean crtk_cli_parse(GOptionContext *ctx, int *argc, char ***argv, int *exit_code)
{
    GError *error = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        crtk_cli_error("%s (see --help)", error->message);
        g_error_free(error);
        *exit_code = EXIT_USAGE;
        return FALSE;
    }
    return TRUE;
}

void crtk_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("crtk: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int print_problem(const crtk_problem *p, void *user)
{
    (void)user;
    char *s = crtk_problem_format(p);
    fprintf(stderr, "crtk: %s\n", s);
    g_free(s);
    return CRTK_CONTINUE;
}

GPtrArray *crtk_cli_load_user_dictionaries(char **paths)
{
    GPtrArray *dicts = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_user_dictionary_free);
    for (char **p = paths; p && *p; p++) {
        GError *error = NULL;
        crtk_user_dictionary *ud = crtk_user_dictionary_load(*p, print_problem, NULL, &error);
        if (!ud) {
            crtk_cli_error("%s", error->message);
            g_error_free(error);
            g_ptr_array_free(dicts, TRUE);
            return NULL;
        }
        g_ptr_array_add(dicts, ud);
    }
    return dicts;
}

struct crtk_store *crtk_cli_open_store(const char *path, gboolean read_only, const char *user, const char *command)
{
    GError *error = NULL;
    crtk_store *s = crtk_store_open(path, read_only, &error);
    if (!s) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        return NULL;
    }
    /* Once a store has named users, --user must name an active one (crtk/users.h). */
    if (!(read_only && !user) && !crtk_user_set_actor(s, user, command, &error)) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        crtk_store_close(s);
        return NULL;
    }
    return s;
}

int crtk_cli_print_problem(const void *problem, void *user)
{
    return print_problem(problem, user);
}
