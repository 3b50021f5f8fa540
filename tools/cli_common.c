/* cli_common.c — option parsing and messages shared by the crtk subcommands (see commands.h). */
#include "commands.h"
#include "crtk/dictionary.h"
#include "crtk/store.h"
#include "crtk/users.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static int main_argc;
static char **main_argv;

void crtk_cli_set_main_args(int argc, char **argv)
{
    main_argc = argc;
    main_argv = argv;
}

int crtk_cli_run_full(void)
{
    char *self = g_file_read_link("/proc/self/exe", NULL);
    char *dir = self ? g_path_get_dirname(self) : g_strdup(".");
    char *beside = g_build_filename(dir, "crtk-full", NULL);
    char *installed = g_build_filename(dir, "..", "libexec", "crtk", "crtk-full", NULL);
    const char *full = g_file_test(beside, G_FILE_TEST_IS_EXECUTABLE) ? beside : installed;
    char **args = g_new0(char *, (gsize)main_argc + 1);
    args[0] = (char *)full;
    for (int i = 1; i < main_argc; i++)
        args[i] = main_argv[i];
    fflush(stdout);
    fflush(stderr);
    execv(full, args);
    int e = errno;
    crtk_cli_error("%s needs crtk-full (the build of crtk with the web server and PDF output), which "
                   "cannot be run from %s or %s: %s",
                   main_argc > 1 ? main_argv[1] : "this command", beside, installed, g_strerror(e));
    g_free(args);
    g_free(beside);
    g_free(installed);
    g_free(dir);
    g_free(self);
    return EXIT_USAGE;
}

gboolean crtk_cli_parse(GOptionContext *ctx, int *argc, char ***argv, int *exit_code)
{
    GError *error = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        if (g_error_matches(error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION) &&
            strstr(error->message, "--format")) {
            /* scripts ask every command for JSON: say where it is */
            char *help = g_option_context_get_help(ctx, TRUE, NULL);
            gboolean has_messages = help && strstr(help, "--messages") != NULL;
            g_free(help);
            crtk_cli_error("%s: %s", error->message,
                           has_messages ? "use --messages json for the messages as JSON Lines (see --help)"
                                        : "this command has no JSON output; its exit status (0 done, 1 data "
                                          "problems, 2 usage or system error) tells a script how it went");
            g_error_free(error);
            *exit_code = EXIT_USAGE;
            return FALSE;
        }
        crtk_cli_error("%s (see --help)", error->message);
        g_error_free(error);
        *exit_code = EXIT_USAGE;
        return FALSE;
    }
    return TRUE;
}

int crtk_cli_exit_for(const GError *error, int otherwise)
{
    return error && error->domain == CRTK_ERROR && error->code == CRTK_ERROR_IO ? EXIT_USAGE : otherwise;
}

/* Edit distance (insertions, deletions, substitutions, and swaps of neighbours), capped at 9. */
static int distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 40 || m > 40)
        return 9;
    int d[41][41];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = g_ascii_tolower(a[i - 1]) != g_ascii_tolower(b[j - 1]);
            int v = MIN(MIN(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                v = MIN(v, d[i - 2][j - 2] + 1);
            d[i][j] = v;
        }
    return MIN(d[n][m], 9);
}

char *crtk_cli_did_you_mean(const char *word, const char *const *candidates)
{
    GString *s = g_string_new(NULL);
    int best = 3;
    size_t wl = strlen(word);
    for (const char *const *c = candidates; *c; c++) {
        /* a prefix ("site" for "site-table") or a close spelling ("improt" for "import") */
        int dist = wl >= 3 && !g_ascii_strncasecmp(*c, word, wl) ? 1 : distance(word, *c);
        if (dist < best) {
            best = dist;
            g_string_truncate(s, 0);
        }
        if (dist == best && dist < 3)
            g_string_append_printf(s, "%s%s", s->len ? " or " : "; did you mean ", *c);
    }
    return g_string_free(s, FALSE);
}

const char *crtk_cli_known_versions(void)
{
    static char text[128];
    if (!text[0]) {
        GString *s = g_string_new(NULL);
        for (const int *v = crtk_naaccr_versions(); *v; v++)
            g_string_append_printf(s, "%s%d", s->len ? ", " : "", *v / 10);
        g_strlcpy(text, s->str, sizeof text);
        g_string_free(s, TRUE);
    }
    return text;
}

const char *crtk_cli_format_of_name(const char *path)
{
    static const struct {
        const char *ext, *format;
    } names[] = {{".xlsx", "xlsx"}, {".csv", "csv"},   {".json", "json"}, {".jsonl", "json"}, {".ndjson", "json"},
                 {".xml", "xml"},   {".pdf", "pdf"},   {".txt", "text"},  {".text", "text"},  {".dat", "flat"},
                 {".fwf", "flat"},  {".xls", "xls"},   {".ods", "ods"},   {".xlsm", "xlsm"},  {".html", "html"},
                 {".doc", "doc"},   {".docx", "docx"}, {".db", "db"},     {".sqlite", "db"}};
    if (!path)
        return NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && !g_ascii_strcasecmp(base + n - 3, ".gz"))
        n -= 3;
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        size_t e = strlen(names[i].ext);
        if (n > e && !g_ascii_strncasecmp(base + n - e, names[i].ext, e))
            return names[i].format;
    }
    return NULL;
}

gboolean crtk_cli_output_name_fits(const char *cmd, const char *path, const char *format)
{
    if (!path || !strcmp(path, "-"))
        return TRUE;
    const char *named = crtk_cli_format_of_name(path);
    if (!named || !strcmp(named, format) || (!strcmp(format, "flat") && !strcmp(named, "text")))
        return TRUE;
    const char *ext = !strcmp(format, "text") ? "txt" : format;
    crtk_cli_error("%s: %s: the name says %s but the output is %s; name it .%s (or choose the format that "
                   "fits the name)",
                   cmd, path, named, format, ext);
    return FALSE;
}

GPtrArray *crtk_cli_load_user_dictionaries(char **paths)
{
    GPtrArray *dicts = g_ptr_array_new_with_free_func((GDestroyNotify)crtk_user_dictionary_free);
    for (char **p = paths; p && *p; p++) {
        GError *error = NULL;
        crtk_user_dictionary *ud = crtk_user_dictionary_load(*p, (crtk_problem_fn)crtk_cli_print_problem, NULL, &error);
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
