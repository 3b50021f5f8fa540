/* commands.h — the subcommands of the crtk command and the helpers they share.
 *
 * Each subcommand lives in tools/cmd_NAME.c and is thin: it parses options,
 * calls the library, prints.  Exit codes: 0 success, 1 the data has problems,
 * 2 usage or system error.
 */
#ifndef CRTK_COMMANDS_H
#define CRTK_COMMANDS_H

#include <glib.h>
#include <stdio.h>

#include "crtk/version.h"
enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2 };

typedef struct crtk_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} crtk_command;

int cmd_validate(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_dictionary(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_sql(int argc, char **argv);
int cmd_codes(int argc, char **argv);
/* `crtk codes ITEM` for a schema, a site table or a stored tumor (cmd_codes_schema.c). */
typedef struct crtk_cli_codes_context {
    const char *schema, *algorithm, *site, *histology;
    int year;
    const char *store, *tumor;
} crtk_cli_codes_context;
int crtk_cli_codes_in_context(const char *item, const crtk_cli_codes_context *c, gboolean json);
int cmd_edits(int argc, char **argv);
int cmd_followup(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_metafile(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_stage(int argc, char **argv);
int cmd_physician(int argc, char **argv);
int cmd_settings(int argc, char **argv);

/* The command line as main() got it (crtk_cli_run_full() hands it on). */
void crtk_cli_set_main_args(int argc, char **argv);
/* Runs the whole command line again in crtk-full, the build of crtk with the web server and PDF
 * output (`crtk` itself leaves out the HTTP and font libraries, which take most of a command's start
 * time).  crtk-full is looked for beside this program (a build tree), then in
 * ../libexec/crtk/ (an installed tree).  Returns only when it cannot be run (EXIT_USAGE, said why);
 * in crtk-full itself it is never called. */
int crtk_cli_run_full(void);
/* Parses options with GOption; prints the error and returns FALSE on bad usage.
 * When --help is asked, prints help and sets *exit_now (returns FALSE). */
gboolean crtk_cli_parse(GOptionContext *ctx, int *argc, char ***argv, int *exit_code);
/* Prints "crtk: message" to stderr (with JSON messages on: {"level":"error","message":...}). */
void crtk_cli_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Messages as JSON Lines (tools/cli_messages.c): after this, crtk_cli_error, crtk_cli_print_problem
 * and crtk_cli_message write one JSON object a line to STREAM (NULL: back to text).  Commands take it
 * from --messages json, or --format json where --format names no data format. */
void crtk_cli_messages_json(FILE *stream);
/* TRUE when JSON messages are on. */
gboolean crtk_cli_messages_are_json(void);
/* Checks a --messages value ("text" or "json"; NULL is text): FALSE, reported, for anything else. */
gboolean crtk_cli_messages_parse(const char *cmd, const char *value, gboolean *json);
/* A message at LEVEL ("info" for a command's summary, "warning"): as text, "crtk: TEXT" on stderr
 * ("crtk: warning: TEXT" for a warning), or TEXT alone on stdout when TO_STDOUT; as JSON,
 * {"level":LEVEL,"message":TEXT FIELDS} where FIELDS (may be NULL) holds more members, each
 * starting with a comma (crtk_json_field_* with first FALSE). */
void crtk_cli_message(const char *level, gboolean to_stdout, const GString *fields, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
/* The exit code for a failure with ERROR: 2 (EXIT_USAGE) when the store or a file could not be read
 * or written (CRTK_ERROR_IO: an I/O error, corruption, a full disk), else OTHERWISE (the
 * command's code for refused data, usually EXIT_DATA). */
int crtk_cli_exit_for(const GError *error, int otherwise);
/* Loads --user-dictionary files; prints problems; returns NULL on failure. */
GPtrArray *crtk_cli_load_user_dictionaries(char **paths);

/* Opens a store (prints the error); sets the actor for the audit trail. */
struct crtk_store;
struct crtk_store *crtk_cli_open_store(const char *path, gboolean read_only, const char *user, const char *command);
/* "; did you mean X" (or "; did you mean X or Y") for a word that is close to candidates
 * (NULL-terminated), "" when none is: for unknown commands, report names, subcommands.  Newly
 * allocated. */
char *crtk_cli_did_you_mean(const char *word, const char *const *candidates);
/* The NAACCR versions crtk knows, for messages: "14, 15, 16, 18, 21, 22, 23, 24, 25, 26" (static). */
const char *crtk_cli_known_versions(void);
/* The format an output file's name says (".xlsx" "xlsx", ".csv" "csv", ".json"/".jsonl" "json",
 * ".xml" "xml", ".pdf" "pdf", ".txt" "text", ".dat"/".fwf" "flat", ".xls"/".ods" themselves; a
 * trailing ".gz" is looked through), NULL when the name has no extension crtk knows (static). */
const char *crtk_cli_format_of_name(const char *path);
/* Refuses (prints why, returns FALSE) an output file whose name says another format than FORMAT
 * (one of the names above; "flat" also takes ".txt").  A name with no known extension, "-" and NULL
 * are accepted.  CMD prefixes the message. */
gboolean crtk_cli_output_name_fits(const char *cmd, const char *path, const char *format);
/* Prints a problem as "crtk: FILE:LINE:COL: ..." on stderr (a crtk_problem_fn). */
int crtk_cli_print_problem(const void *problem, void *user);

#endif
