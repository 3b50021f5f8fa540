/* cli_messages.c — the messages of a crtk command: text lines ("crtk: ...") on standard error, or,
 * when the command was asked for --messages json, JSON Lines a program can read (see commands.h). */
#include "commands.h"
#include "crtk/json.h"
#include "crtk/problem.h"

#include <stdarg.h>
#include <string.h>

static FILE *json_to; /* NULL: text messages */

void crtk_cli_messages_json(FILE *stream)
{
    json_to = stream;
}

gboolean crtk_cli_messages_are_json(void)
{
    return json_to != NULL;
}

gboolean crtk_cli_messages_parse(const char *cmd, const char *value, gboolean *json)
{
    *json = value && !strcmp(value, "json");
    if (!value || *json || !strcmp(value, "text"))
        return TRUE;
    crtk_cli_error("%s: --messages must be text or json, not %s", cmd, value);
    return FALSE;
}

/* One JSON object a line: {"level":LEVEL,"message":TEXT FIELDS}. */
static void json_line(const char *level, const char *text, const GString *fields)
{
    GString *o = g_string_new("{");
    crtk_json_field_str(o, "level", level, TRUE);
    crtk_json_field_str(o, "message", text, FALSE);
    if (fields)
        g_string_append_len(o, fields->str, (gssize)fields->len);
    g_string_append(o, "}\n");
    fputs(o->str, json_to);
    fflush(json_to);
    g_string_free(o, TRUE);
}

void crtk_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (json_to)
        json_line("error", text, NULL);
    else
        fprintf(stderr, "crtk: %s\n", text);
    g_free(text);
}

void crtk_cli_message(const char *level, gboolean to_stdout, const GString *fields, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gboolean warning = !strcmp(level, "warning");
    if (json_to)
        json_line(level, text, fields);
    else if (to_stdout)
        printf("%s%s\n", warning ? "warning: " : "", text);
    else
        fprintf(stderr, "crtk: %s%s\n", warning ? "warning: " : "", text);
    g_free(text);
}

int crtk_cli_print_problem(const void *problem, void *user)
{
    (void)user;
    const crtk_problem *p = problem;
    if (json_to) {
        /* {"level":..., then the problem's own members (crtk/problem.h) */
        char *j = crtk_problem_to_json(p);
        GString *o = g_string_new("{");
        crtk_json_field_str(o, "level", crtk_severity_name(p->severity), TRUE);
        fprintf(json_to, "%s,%s\n", o->str, j + 1);
        fflush(json_to);
        g_string_free(o, TRUE);
        g_free(j);
    } else {
        char *s = crtk_problem_format(p);
        fprintf(stderr, "crtk: %s\n", s);
        g_free(s);
    }
    return CRTK_CONTINUE;
}
