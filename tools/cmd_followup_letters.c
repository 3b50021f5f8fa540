/* cmd_followup_letters.c — `crtk followup letters`: follow-up letters for the due list.
 *
 * Scans the patients of the statuses asked for, hands each to reports/letters.h (one letter per
 * physician, patient or contact) and writes the PDF and, beside it, the same letters as CSV for
 * mail merge; reports the patients that got no letter.
 */
#ifndef CRTK_LIGHT /* crtk leaves letters (PDF) to crtk-full */
#include "cmd_followup.h"
#include "crtk/letters.h"
#include "crtk/store.h"

#include <string.h>

typedef struct {
    gboolean want[CRTK_FU_N_STATUS];
    crtk_letters *letters;
    long patients, skipped;
    GString *skipped_list;
} letters_ctx;

static int letters_one(crtk_followup_patient *p, void *user)
{
    letters_ctx *c = user;
    if (!c->want[p->status])
        return CRTK_CONTINUE;
    const char *why;
    if (crtk_letters_add(c->letters, p, &why)) {
        c->patients++;
    } else {
        c->skipped++;
        if (c->skipped <= 20)
            g_string_append_printf(c->skipped_list, "crtk: patient %s: no letter: %s\n",
                                   p->item[CRTK_FU_PATIENT_ID_NUMBER] ? p->item[CRTK_FU_PATIENT_ID_NUMBER] : "?", why);
    }
    return CRTK_CONTINUE;
}

/* The letters' CSV goes beside the PDF (FILE.pdf -> FILE.csv).  It may replace a CSV of earlier
 * letters (its first line is the letters' header), never another file: a physician directory
 * named phys.csv beside phys.pdf is not lost. */
static gboolean csv_is_ours_to_replace(const char *csv)
{
    FILE *f = fopen(csv, "rb");
    if (!f)
        return TRUE; /* nothing there (or nothing readable: writing it reports the problem) */
    char head[32] = {0};
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = 0;
    return g_str_has_prefix(head, "letter,to,variant,");
}

int cmd_followup_letters(int argc, char **argv)
{
    char *as_of = NULL, *to = NULL, *status = NULL, *output = NULL, *physicians = NULL;
    GOptionEntry entries[] = {
        {"as-of", 0, 0, G_OPTION_ARG_STRING, &as_of, "the date of the list and of the letters (default today)", "YYYYMMDD"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &to, "physician (default), patient or contact", "WHO"},
        {"status", 0, 0, G_OPTION_ARG_STRING, &status, "which patients: due (default), lost, or both (due,lost)", "S"},
        {"physicians", 0, 0, G_OPTION_ARG_FILENAME, &physicians,
         "CSV of physicians' names and addresses (columns id,name,address1,address2,city,state,postalCode; id = NPI "
         "or physician code)", "FILE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "the PDF to write; FILE.csv is written beside it", "FILE.pdf"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB -o FILE.pdf - follow-up letters for the due list");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "One letter per recipient, each with a reply form: to the follow-up physician (NPI--Physician--\n"
        "Follow-Up, all that physician's patients in one letter), to the patient (current address), or to\n"
        "the patient's follow-up contact.  Letters to patients and contacts are in plain language and never\n"
        "name the disease; patients whose followed tumors are all in situ or benign get their own wording.\n"
        "The sender is the registry's name and telephone (settings registryName, registryPhone,\n"
        "registryAddress; registryLetterName and registryLetterAddress for patients and contacts).\n"
        "The CSV beside the PDF holds the same letters, one row each, for mail merge.\n"
        "Physicians' names and addresses come from the store's directory (crtk physician import|set) and\n"
        "--physicians; a physician in neither gets no letter and is listed.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    letters_ctx c = {0};
    char *name = NULL, *phone = NULL, *address = NULL, *lname = NULL, *laddress = NULL, *csv = NULL;
    c.skipped_list = g_string_new(NULL);
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2 || !output) {
        crtk_cli_error("followup letters: give DB and -o FILE.pdf (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    if (!crtk_cli_output_name_fits("followup letters", output, "pdf")) {
        rc = EXIT_USAGE;
        goto out;
    }
    int who = to ? crtk_letter_to_parse(to) : CRTK_LETTER_PHYSICIAN;
    if (who < 0) {
        crtk_cli_error("followup letters: --to %s: expected physician, patient or contact", to);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!fu_parse_statuses(status ? status : "due", c.want)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (c.want[CRTK_FU_DEAD] || c.want[CRTK_FU_EXCLUDED]) {
        crtk_cli_error("followup letters: letters go to living patients that are followed: --status due, lost or current");
        rc = EXIT_USAGE;
        goto out;
    }
    s = crtk_cli_open_store(argv[1], TRUE, NULL, "followup letters");
    if (!s) {
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    crtk_followup_rules rules;
    if (g_str_has_suffix(output, ".pdf") || g_str_has_suffix(output, ".PDF"))
        csv = g_strdup_printf("%.*s.csv", (int)strlen(output) - 4, output);
    else
        csv = g_strconcat(output, ".csv", NULL);
    if (!csv_is_ours_to_replace(csv)) {
        crtk_cli_error("followup letters: %s exists and is not the mail-merge CSV of earlier letters: the letters "
                       "write their CSV beside %s, so move that file or name the PDF otherwise",
                       csv, output);
        rc = EXIT_USAGE;
        goto out;
    }
    if (!crtk_followup_rules_from_store(s, as_of, &rules, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    name = crtk_store_get_setting(s, "registryName");
    phone = crtk_store_get_setting(s, "registryPhone");
    address = crtk_store_get_setting(s, "registryAddress");
    lname = crtk_store_get_setting(s, "registryLetterName");
    laddress = crtk_store_get_setting(s, "registryLetterAddress");
    if (!name || !phone || !address) { /* the letters go out without them: the reader cannot reply */
        GString *missing = g_string_new(NULL);
        const char *keys[] = {!name ? "registryName" : NULL, !phone ? "registryPhone" : NULL,
                              !address ? "registryAddress (the reply form's return address)" : NULL};
        for (int k = 0; k < 3; k++)
            if (keys[k])
                g_string_append_printf(missing, "%s%s", missing->len ? " and no " : "", keys[k]);
        fprintf(stderr, "crtk: warning: the store has no %s; set it with crtk followup settings\n", missing->str);
        g_string_free(missing, TRUE);
    }
    crtk_letter_registry reg = {name, phone, address, lname, laddress, rules.as_of};
    c.letters = crtk_letters_new(who, &reg);
    if (physicians && !crtk_letters_load_physicians(c.letters, physicians, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    GPtrArray *directory = crtk_store_physicians(s, &error); /* crtk physician import|set */
    if (!directory) {
        rc = fu_error_exit(error);
        goto out;
    }
    crtk_letters_use_directory(c.letters, directory);
    g_ptr_array_free(directory, TRUE);
    if (!crtk_followup_scan(s, &rules, CRTK_FU_SCAN_LIST, letters_one, &c, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    if (!crtk_letters_write_pdf(c.letters, output, &error) || !crtk_letters_write_csv(c.letters, csv, &error)) {
        rc = fu_error_exit(error);
        goto out;
    }
    fputs(c.skipped_list->str, stderr);
    if (c.skipped > 20)
        fprintf(stderr, "crtk: ... and %ld more patients without a letter\n", c.skipped - 20);
    guint n = crtk_letters_count(c.letters) - crtk_letters_unaddressed(c.letters), in_letters = 0;
    for (guint i = 0; i < crtk_letters_count(c.letters); i++) { /* the patients the printed letters name */
        const crtk_letter *letter = crtk_letters_get(c.letters, i);
        if (!letter->unaddressed)
            in_letters += letter->patients->len;
    }
    fprintf(stderr, "crtk: %s: %u letter%s to %s%s, naming %u of the %ld patient%s listed; %s: the same letters for "
                    "mail merge\n", output, n, n == 1 ? "" : "s", crtk_letter_to_name(who), n == 1 ? "" : "s",
            in_letters, c.patients, c.patients == 1 ? "" : "s", csv);
    if (c.skipped)
        fprintf(stderr, "crtk: %ld patient%s on the list got no letter (see above)\n", c.skipped,
                c.skipped == 1 ? "" : "s");
    if (crtk_letters_unaddressed(c.letters)) {
        /* no letter without a name and address: the physicians to add to the directory */
        fprintf(stderr, "crtk: %u physician%s could not be addressed (not in the directory: crtk physician import "
                        "or set, or --physicians); no letter printed for:\n",
                crtk_letters_unaddressed(c.letters), crtk_letters_unaddressed(c.letters) == 1 ? "" : "s");
        for (guint i = 0; i < crtk_letters_count(c.letters); i++) {
            const crtk_letter *x = crtk_letters_get(c.letters, i);
            if (x->unaddressed)
                fprintf(stderr, "crtk:   physician %s: %u patient%s\n", x->key, x->patients->len,
                        x->patients->len == 1 ? "" : "s");
        }
    }
out:
    crtk_letters_free(c.letters);
    crtk_store_close(s);
    g_string_free(c.skipped_list, TRUE);
    g_free(name), g_free(phone), g_free(address), g_free(lname), g_free(laddress), g_free(csv);
    g_free(as_of), g_free(to), g_free(status), g_free(output), g_free(physicians);
    g_option_context_free(ctx);
    return rc;
}
#endif
