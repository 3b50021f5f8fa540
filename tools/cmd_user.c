/* cmd_user.c — `crtk user add|list|passwd|disable|enable DB ...`: the store's named users
 * (thin: the rules are in registry/users/, see include/crtk/users.h). */
#include "commands.h"
#include "crtk/users.h"
#include "crtk/json.h"
#include "crtk/store.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr,
            "usage: crtk user add DB NAME --role abstractor|followup|manager|admin [--user ADMIN]\n"
            "       crtk user list DB [--format json]\n"
            "       crtk user passwd DB NAME [--user ADMIN]\n"
            "       crtk user disable|enable DB NAME [--user ADMIN]\n\n"
            "Passwords are read from standard input (asked twice when it is a terminal) and kept as\n"
            "Argon2id hashes.  Once a store has users, only an admin (--user) manages them; a user may\n"
            "change their own password.  Roles: abstractor (abstracts), followup (follow-up items and\n"
            "contacts only), manager (also submissions, reports, full SSNs), admin (also users).\n");
    return EXIT_USAGE;
}

/* One line from the terminal with echo off, or from standard input. */
static char *read_line(const char *prompt, gboolean tty)
{
    struct termios old, quiet;
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char buf[1024];
    char *line = fgets(buf, sizeof buf, stdin) ? g_strdup(buf) : NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (line)
        line[strcspn(line, "\r\n")] = 0;
    memset(buf, 0, sizeof buf);
    return line;
}

static char *read_password(void)
{
    gboolean tty = isatty(STDIN_FILENO);
    char *p1 = read_line("New password: ", tty);
    if (!p1 || !*p1) {
        crtk_cli_error("no password on standard input");
        g_free(p1);
        return NULL;
    }
    if (tty) {
        char *p2 = read_line("Again: ", tty);
        gboolean same = p2 && !strcmp(p1, p2);
        g_free(p2);
        if (!same) {
            crtk_cli_error("the two passwords differ; nothing was changed");
            g_free(p1);
            return NULL;
        }
    }
    return p1;
}

static int list(crtk_store *s, gboolean json)
{
    GError *error = NULL;
    GPtrArray *users = crtk_user_list(s, &error);
    if (!users) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        return EXIT_USAGE;
    }
    if (!json && users->len == 0)
        printf("no users yet: crtk user add %s NAME --role admin\n", crtk_store_path(s));
    for (guint i = 0; i < users->len; i++) {
        crtk_user_info *u = users->pdata[i];
        const char *state = !u->active ? "disabled" : u->locked ? "locked" : "active";
        if (json) {
            GString *o = g_string_new("{");
            crtk_json_field_str(o, "name", u->name, TRUE);
            crtk_json_field_str(o, "role", crtk_role_name(u->role), FALSE);
            crtk_json_field_str(o, "state", state, FALSE);
            crtk_json_field_str(o, "created", u->created_at, FALSE);
            g_string_append(o, "}");
            puts(o->str);
            g_string_free(o, TRUE);
        } else {
            printf("%-20s %-10s %-8s %s\n", u->name, crtk_role_name(u->role), state, u->created_at);
        }
    }
    g_ptr_array_free(users, TRUE);
    return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return argc < 2 ? usage() : (usage(), EXIT_OK);
    const char *sub = argv[1], *role = NULL, *user = NULL, *format = NULL;
    static const char *const subs[] = {"add", "list", "passwd", "disable", "enable", NULL};
    gboolean known = FALSE;
    for (const char *const *k = subs; *k; k++)
        known = known || !strcmp(sub, *k);
    if (!known) { /* named before any store is opened */
        char *hint = crtk_cli_did_you_mean(sub, subs);
        crtk_cli_error("user: unknown subcommand %s%s (add, list, passwd, disable, enable)", sub, hint);
        g_free(hint);
        return EXIT_USAGE;
    }
    GPtrArray *args = g_ptr_array_new();
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--role") && i + 1 < argc)
            role = argv[++i];
        else if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] == '-') {
            crtk_cli_error("user: unknown option %s", argv[i]);
            g_ptr_array_free(args, TRUE);
            return usage();
        } else
            g_ptr_array_add(args, argv[i]);
    }
    char **a = (char **)args->pdata;
    int n = (int)args->len, rc = EXIT_OK;
    crtk_store *s = NULL;
    gboolean is_list = !strcmp(sub, "list");
    if (n != (is_list ? 1 : 2)) {
        rc = usage();
        goto out;
    }
    char *cmdname = g_strconcat("user ", sub, NULL);
    s = crtk_cli_open_store(a[0], is_list, user, cmdname);
    g_free(cmdname);
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (is_list) {
        rc = list(s, format && !strcmp(format, "json"));
        goto out;
    }
    const char *name = a[1];
    /* Once there are users, only an admin manages them (and anyone their own password). */
    if (crtk_users_exist(s) && crtk_user_role(s, user) != CRTK_ROLE_ADMIN &&
        !(!strcmp(sub, "passwd") && user && !strcmp(user, name))) {
        crtk_cli_error("user %s: only an admin manages users (--user ADMIN)", sub);
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    gboolean ok = FALSE;
    if (!strcmp(sub, "add") || !strcmp(sub, "passwd")) {
        gboolean add = !strcmp(sub, "add");
        crtk_role r = crtk_role_parse(role);
        if (add && r == CRTK_ROLE_NONE) {
            crtk_cli_error("user add: --role abstractor, followup, manager or admin");
            rc = EXIT_USAGE;
            goto out;
        }
        char *pw = read_password();
        if (!pw) {
            rc = EXIT_USAGE;
            goto out;
        }
        ok = add ? crtk_user_add(s, name, r, pw, &error) : crtk_user_set_password(s, name, pw, &error);
        memset(pw, 0, strlen(pw));
        g_free(pw);
        if (ok)
            { if (add) printf("user %s added (%s)\n", name, crtk_role_name(r)); else printf("password of %s changed\n", name); }
    } else if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
        ok = crtk_user_set_active(s, name, !strcmp(sub, "enable"), &error);
        if (ok)
            printf("user %s %sd\n", name, sub);
    } else {
        crtk_cli_error("user: unknown subcommand %s", sub);
        rc = usage();
        goto out;
    }
    if (!ok) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
    }
out:
    crtk_store_close(s);
    g_ptr_array_free(args, TRUE);
    return rc;
}
