/* cmd_followup.h — private to `crtk followup`: the helpers its subcommands share.
 *
 * The dispatcher (cmd_followup in cmd_followup.c) runs one of cmd_followup_due, _post, _rate or
 * _letters, each in its own tools/cmd_followup_NAME.c (settings is cmd_settings, `crtk settings`);
 * the helpers here (errors, dates for people, output formats and files, --status lists) are in
 * cmd_followup.c.
 */
#ifndef CRTK_CMD_FOLLOWUP_H
#define CRTK_CMD_FOLLOWUP_H

#include "commands.h"
#include "crtk/followup.h"

#include <stdio.h>

/* The subcommands: argv[0] is the subcommand's name. */
int cmd_followup_due(int argc, char **argv);
int cmd_followup_post(int argc, char **argv);
int cmd_followup_rate(int argc, char **argv);
int cmd_followup_letters(int argc, char **argv);

/* Reports e (and frees it); the exit code: EXIT_DATA for a data error, else EXIT_USAGE. */
int fu_error_exit(GError *e);
/* A date YYYYMMDD as "YYYY-MM-DD" (0: ""); free with g_free. */
char *fu_pretty(int d);
/* The output format from --format, else from the file name, checked against allowed ("text, json or
 * xlsx"): NULL, reported, when it is none of them, or is xlsx without -o. */
const char *fu_output_format(const char *cmd, const char *format, const char *output, const char *allowed);
/* output for writing (NULL or "-": standard output); NULL, reported, when it cannot be opened. */
FILE *fu_open_output(const char *output);
/* Closes (or flushes) what fu_open_output gave; FALSE, reported, on a write error. */
gboolean fu_close_output(FILE *f, const char *output);
/* Closes what fu_open_output gave after a failure: a file is removed (nothing half-written is
 * left); standard output is flushed. */
void fu_abandon_output(FILE *f);
/* Parses a --status list ("due,lost", "all") into want; FALSE, reported, on an unknown status. */
gboolean fu_parse_statuses(const char *list, gboolean want[CRTK_FU_N_STATUS]);

#endif
