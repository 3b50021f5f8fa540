/* cmd_init.c — `crtk init DB`: create a registry store. */
#include "commands.h"
#include "crtk/store.h"

int cmd_init(int argc, char **argv)
{
    char *address = NULL;
    char *version = NULL, *name = NULL, *phone = NULL, *registry_id = NULL, *facility = NULL, *refdate = NULL;
    char *user = NULL;
    char **user_dicts = NULL;
    GOptionEntry entries[] = {
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "NAACCR version of the store (default 26)", "V"},
        {"user-dictionary", 'u', 0, G_OPTION_ARG_FILENAME_ARRAY, &user_dicts, "user dictionary whose items become columns (repeatable)", "FILE"},
        {"registry-name", 0, 0, G_OPTION_ARG_STRING, &name, "the registry's name (letters, reports)", "NAME"},
        {"registry-phone", 0, 0, G_OPTION_ARG_STRING, &phone, "the registry's telephone (letters)", "PHONE"},
        {"registry-address", 0, 0, G_OPTION_ARG_STRING, &address,
         "the registry's mailing address, lines separated by \" / \" (letters; later: crtk followup settings)",
         "ADDRESS"},
        {"registry-id", 0, 0, G_OPTION_ARG_STRING, &registry_id, "registry identifier (item 40)", "ID"},
        {"facility", 0, 0, G_OPTION_ARG_STRING, &facility, "reporting facility identifier (item 540)", "ID"},
        {"reference-date", 0, 0, G_OPTION_ARG_STRING, &refdate, "reference date YYYYMMDD (first cases followed)", "DATE"},
        {"user", 0, 0, G_OPTION_ARG_STRING, &user, "who is working (audit trail; default: login name)", "NAME"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("DB - create a registry store (one SQLite file)");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "Tables patient and tumor get one column per NAACCR item, named by naaccrId.\n"
        "The file is readable and writable by its owner only.");
    int rc = EXIT_OK;
    crtk_store *s = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    if (argc != 2) {
        crtk_cli_error("init: name the store file DB (see --help)");
        rc = EXIT_USAGE;
        goto out;
    }
    int v = version ? crtk_naaccr_version_parse(version) : CRTK_NAACCR_CURRENT_VERSION;
    if (!v) {
        crtk_cli_error("init: unknown NAACCR version %s (known: %s)", version, crtk_cli_known_versions());
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    s = crtk_store_create(argv[1], v, user_dicts, &error);
    if (!s) {
        crtk_cli_error("%s", error->message);
        g_error_free(error);
        rc = EXIT_USAGE;
        goto out;
    }
    crtk_store_set_actor(s, user, "init");
    const char *keys[] = {"registryName", "registryPhone", "registryId", "reportingFacility", "referenceDate",
                          "registryAddress"};
    const char *vals[] = {name, phone, registry_id, facility, refdate, address};
    for (int i = 0; i < 6; i++)
        if (vals[i] && !crtk_store_set_setting(s, keys[i], vals[i], &error)) {
            crtk_cli_error("%s", error->message);
            g_clear_error(&error);
            rc = EXIT_USAGE;
        }
    printf("%s: new registry store, NAACCR %d, %d items\n", argv[1], v, crtk_dictionary_count(crtk_store_dictionary(s)));
out:
    crtk_store_close(s);
    g_strfreev(user_dicts);
    g_free(address);
    g_free(version), g_free(name), g_free(phone), g_free(registry_id), g_free(facility), g_free(refdate), g_free(user);
    g_option_context_free(ctx);
    return rc;
}
