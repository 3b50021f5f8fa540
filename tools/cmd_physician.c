/* cmd_physician.c — `crtk physician import|list|set`: the physician directory of a store
 * (crtk/physicians.h), whose names and addresses follow-up letters and the due list use. */
#include "commands.h"
#include "crtk/csv.h"
#include "crtk/json.h"
#include "crtk/physicians.h"
#include "crtk/store.h"

#include <string.h>

static int usage(FILE *f, int rc)
{
    fprintf(f, "usage: crtk physician import DB FILE.csv   (columns id, name, address1, address2, city, state, postalCode)\n"
               "       crtk physician list DB [--format text|csv|json]   (csv: the columns import reads)\n"
               "       crtk physician set DB CODE name=... [address=...] [address2=...] [city=...] [state=...] "
               "[postalCode=...]\n"
               "CODE is what the physician items hold: an NPI in npiPhysicianFollowUp and the other NPI items, the\n"
               "registry's physician code in physicianFollowUp.  Every change is one transaction and audited.\n"
               "Options: --user NAME.  Exit status: 0 done, 1 bad rows or values (named by line), 2 usage.\n");
    return rc;
}

static void print_error(GError *error)
{
    gchar **lines = g_strsplit(error->message, "\n", -1);
    for (gchar **l = lines; *l; l++)
        crtk_cli_error("%s", *l);
    g_strfreev(lines);
}

static int error_exit(GError *error)
{
    int rc = error->domain == CRTK_ERROR && error->code == CRTK_ERROR_DATA ? EXIT_DATA : EXIT_USAGE;
    print_error(error);
    g_error_free(error);
    return rc;
}

/* The directory as text (one line a physician), CSV with the columns `physician import` reads
 * (so a list can be edited and imported back) or JSON Lines. */
static void list_physicians(GPtrArray *all, const char *format)
{
    static const char *const columns[] = {"id", "name", "address1", "address2", "city", "state", "postalCode"};
    GString *line = g_string_new(NULL);
    glong name_width = 4; /* the text list's name column: as wide as the longest name, at most 40 */
    for (guint i = 0; i < all->len; i++) {
        const crtk_physician *p = all->pdata[i];
        glong n = p->name && g_utf8_validate(p->name, -1, NULL) ? g_utf8_strlen(p->name, -1) : 0;
        name_width = MIN(MAX(name_width, n), 40);
    }
    if (!strcmp(format, "csv")) {
        for (int k = 0; k < 7; k++)
            crtk_csv_append_field(line, columns[k], k == 0);
        puts(line->str);
    }
    for (guint i = 0; i < all->len; i++) {
        const crtk_physician *p = all->pdata[i];
        const char *v[] = {p->code, p->name, p->address1, p->address2, p->city, p->state, p->postal_code};
        g_string_truncate(line, 0);
        if (!strcmp(format, "csv")) {
            for (int k = 0; k < 7; k++)
                crtk_csv_append_field(line, v[k], k == 0);
        } else if (!strcmp(format, "json")) {
            g_string_append_c(line, '{');
            for (int k = 0; k < 7; k++)
                if (v[k])
                    crtk_json_field_str(line, columns[k], v[k], k == 0);
            g_string_append_c(line, '}');
        } else {
            const char *name = p->name && g_utf8_validate(p->name, -1, NULL) ? p->name : "";
            g_string_append_printf(line, "%-12s %s", p->code, name);
            gboolean first = TRUE;
            for (int k = 2; k < 7; k++)
                if (v[k] && *v[k]) {
                    if (first) /* pad the name to its column (in characters, not bytes) */
                        for (glong pad = name_width - g_utf8_strlen(name, -1) + 2; pad > 0; pad--)
                            g_string_append_c(line, ' ');
                    g_string_append_printf(line, "%s%s", first ? "" : ", ", v[k]);
                    first = FALSE;
                }
        }
        puts(line->str);
    }
    if (!all->len && !strcmp(format, "text"))
        printf("(no physicians: crtk physician import DB FILE.csv)\n");
    g_string_free(line, TRUE);
}

int cmd_physician(int argc, char **argv)
{
    static const char *const subs[] = {"import", "list", "set", NULL};
    if (argc < 2)
        return usage(stderr, EXIT_USAGE);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout, EXIT_OK);
    const char *sub = argv[1];
    if (!g_strv_contains(subs, sub)) {
        char *hint = crtk_cli_did_you_mean(sub, subs);
        crtk_cli_error("physician: unknown subcommand %s%s%s", sub, hint, *hint ? "?" : "");
        g_free(hint);
        return usage(stderr, EXIT_USAGE);
    }
    const char *user = NULL, *format = "text";
    GPtrArray *args = g_ptr_array_new();
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (!strcmp(sub, "list") && (!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) && i + 1 < argc)
            format = argv[++i];
        else if (!strcmp(sub, "list") && g_str_has_prefix(argv[i], "--format="))
            format = argv[i] + 9;
        else
            g_ptr_array_add(args, argv[i]);
    }
    int n = (int)args->len, rc = EXIT_OK;
    char **a = (char **)args->pdata;
    crtk_store *s = NULL;
    GError *error = NULL;
    if (n < 1 || (!strcmp(sub, "import") && n != 2) || (!strcmp(sub, "list") && n != 1) ||
        (!strcmp(sub, "set") && n < 3)) {
        rc = usage(stderr, EXIT_USAGE);
        goto out;
    }
    if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json")) {
        crtk_cli_error("physician list: --format must be text, csv or json, not %s", format);
        rc = EXIT_USAGE;
        goto out;
    }
    char *cmdname = g_strconcat("physician ", sub, NULL);
    s = crtk_cli_open_store(a[0], !strcmp(sub, "list"), user, cmdname);
    g_free(cmdname);
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!strcmp(sub, "import")) {
        int added = 0, changed = 0;
        if (!crtk_store_physicians_import(s, a[1], &added, &changed, &error))
            rc = error_exit(error);
        else
            printf("%s: %d physician%s added, %d changed\n", a[1], added, added == 1 ? "" : "s", changed);
    } else if (!strcmp(sub, "list")) {
        GPtrArray *all = crtk_store_physicians(s, &error);
        if (!all) {
            rc = error_exit(error);
            goto out;
        }
        list_physicians(all, format);
        g_ptr_array_free(all, TRUE);
    } else {
        GPtrArray *fields = g_ptr_array_new_with_free_func(g_free), *values = g_ptr_array_new();
        for (int i = 2; i < n; i++) {
            char *eq = strchr(a[i], '=');
            if (!eq || eq == a[i]) {
                crtk_cli_error("physician set: expected FIELD=VALUE, found \"%s\"", a[i]);
                rc = EXIT_USAGE;
                break;
            }
            g_ptr_array_add(fields, g_strndup(a[i], (gsize)(eq - a[i])));
            g_ptr_array_add(values, eq + 1);
        }
        if (rc == EXIT_OK) {
            if (!crtk_store_physician_set(s, a[1], (const char *const *)fields->pdata,
                                          (const char *const *)values->pdata, (int)fields->len, &error))
                rc = error_exit(error);
            else
                printf("physician %s set\n", a[1]);
        }
        g_ptr_array_free(fields, TRUE);
        g_ptr_array_free(values, TRUE);
    }
out:
    crtk_store_close(s);
    g_ptr_array_free(args, TRUE);
    return rc;
}
