/* cmd_followup_post.c — `crtk followup post`: record a follow-up contact (or a death).
 *
 * Parses the contact from the options (or takes many from --from-csv) and hands it to
 * crtk_followup_post / crtk_followup_post_csv, which check the values, write the audit trail and
 * keep it all one transaction.
 */
#include "cmd_followup.h"
#include "crtk/date.h"

int cmd_followup_post(int argc, char **argv)
{
    char *date = NULL, *vital = NULL, *source = NULL, *cod = NULL, *user = NULL, *csv = NULL;
    char **cancer = NULL;
    gboolean force = FALSE;
    GOptionEntry entries[] = {
        {"date", 0, 0, G_OPTION_ARG_STRING, &date, "date of the contact, or of death (YYYYMMDD or YYYY-MM-DD)", "D"},
        {"vital-status", 0, 0, G_OPTION_ARG_STRING, &vital, "1 alive, 0 dead", "0|1"},
        {"cancer-status", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cancer,
         "1 no evidence, 2 evidence, 9 unknown: for every tumor, or for one as TUMOR=CODE (tumor record number, "
         "primary site or #row); repeatable", "[TUMOR=]CODE"},
        {"source", 0, 0, G_OPTION_ARG_STRING, &source,
         "follow-up source: 1 digit = Follow-Up Source (1790) of the tumors, 2 digits = Follow-up Source Central "
         "(1791)", "CODE"},
        {"cause-of-death", 0, 0, G_OPTION_ARG_STRING, &cod, "cause of death (1910), with --vital-status 0", "CODE"},
        {"from-csv", 0, 0, G_OPTION_ARG_FILENAME, &csv,
         "post every line of a CSV file (columns patientIdNumber,date,vitalStatus[,cancerStatus,source,causeOfDeath]), "
         "all or nothing", "FILE"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force,
         "accept a date older than the one recorded or before a diagnosis, or a change to a recorded death", NULL},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail; default: login name)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB PATIENT --date D --vital-status 0|1 - record a follow-up contact");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Sets Date of Last Contact (1750) and Vital Status (1760) of the patient, Cancer Status (1770) and\n"
        "Date of Last Cancer Status (1772) of the tumors given a status, and the source; Date Case Last\n"
        "Changed is set and every change is in the audit trail.  A date after today is always refused; a date\n"
        "older than the one recorded only with --force.\n\n"
        "Examples:\n"
        "  crtk followup post reg.db 00000123 --date 2026-03-02 --vital-status 1 --cancer-status 1 --source 2\n"
        "  crtk followup post reg.db 00000123 --date 20260302 --vital-status 1 --cancer-status 01=1 --cancer-status 02=2\n"
        "  crtk followup post reg.db --from-csv returned-letters.csv --user jdoe");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (csv ? argc != 2 : argc != 3) {
        crtk_cli_error("followup post: give DB PATIENT --date D --vital-status 0|1, or DB --from-csv FILE (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (csv && (date || vital || cancer || source || cod)) {
        crtk_cli_error("followup post: --from-csv takes the contacts from the file; leave out --date, --vital-status, ...");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!csv && (!date || !vital)) {
        crtk_cli_error("followup post: --date and --vital-status are required");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], FALSE, user, csv ? "followup post --from-csv" : "followup post");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (!crtk_followup_rules_from_store(s, NULL, &rules, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    if (csv) {
        int posted = 0;
        if (!crtk_followup_post_csv(s, &rules, csv, force, &posted, &error)) {
            rc = fu_error_exit(error);
            goto out;
        }
        printf("%s: %d contact%s posted\n", csv, posted, posted == 1 ? "" : "s");
        goto out;
    }
    crtk_followup_contact c = {
        .date = date,
        .vital_status = vital,
        .cancer_status = (const char *const *)cancer,
        .n_cancer_status = cancer ? (int)g_strv_length(cancer) : 0,
        .source = source,
        .cause_of_death = cod,
        .force = force,
    };
    if (!crtk_followup_post(s, &rules, argv[2], &c, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    crtk_date posted;
    crtk_date_parse_input(date, &posted, NULL); /* crtk_followup_post accepted it */
    char *pd = fu_pretty(crtk_date_to_ymd(posted));
    printf("patient %s: %s on %s posted\n", argv[2], vital[0] == '0' ? "death" : "contact (alive)", pd);
    g_free(pd);
out:
    crtk_store_close(s);
    g_free(date), g_free(vital), g_free(source), g_free(cod), g_free(user), g_free(csv);
    g_strfreev(cancer);
    g_option_context_free(ctx);
    return rc;
}
