/* cmd_dictionary.c — `crtk dictionary [--naaccr-version V] [ITEM]`: list the items, or show one. */
#include "commands.h"
#include "crtk/dictionary.h"
#include "crtk/json.h"

#include <string.h>

static void show_json(const crtk_item *it)
{
    char rts[8];
    GString *s = g_string_new("{");
    crtk_json_field_int(s, "naaccrNum", it->number, TRUE);
    crtk_json_field_str(s, "naaccrId", it->id, FALSE);
    crtk_json_field_str(s, "naaccrName", it->name, FALSE);
    crtk_json_field_str(s, "parentXmlElement", crtk_level_name(it->level), FALSE);
    crtk_json_field_int(s, "length", it->length, FALSE);
    crtk_json_field_str(s, "dataType", crtk_data_type_name(it->type), FALSE);
    crtk_json_field_str(s, "padding", crtk_padding_name(it->padding), FALSE);
    crtk_json_field_str(s, "recordTypes", crtk_record_types_format(it->record_types, rts), FALSE);
    if (it->start_column)
        crtk_json_field_int(s, "startColumn", it->start_column, FALSE);
    crtk_json_field_str(s, "source", it->source_uri, FALSE);
    g_string_append_c(s, '}');
    puts(s->str);
    g_string_free(s, TRUE);
}

int cmd_dictionary(int argc, char **argv)
{
    char *version = NULL, *format = NULL, *level = NULL;
    char **user_dicts = NULL;
    GOptionEntry entries[] = {
        {"naaccr-version", 0, 0, G_OPTION_ARG_STRING, &version, "NAACCR version (default 26)", "V"},
        {"user-dictionary", 'u', 0, G_OPTION_ARG_FILENAME_ARRAY, &user_dicts, "add a user dictionary (repeatable)", "FILE"},
        {"level", 0, 0, G_OPTION_ARG_STRING, &level, "list only NaaccrData, Patient or Tumor items", "LEVEL"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default) or json (JSON Lines)", "FMT"},
        {NULL}};
    GOptionContext *ctx = g_option_context_new("[ITEM] - list NAACCR items, or show one by naaccrId or number");
    g_option_context_add_main_entries(ctx, entries, NULL);
    int rc = EXIT_OK;
    crtk_dictionary *d = NULL;
    GPtrArray *dicts = NULL;
    if (!crtk_cli_parse(ctx, &argc, &argv, &rc))
        goto out;
    int v = version ? crtk_naaccr_version_parse(version) : CRTK_NAACCR_CURRENT_VERSION;
    if (!v) {
        crtk_cli_error("dictionary: unknown NAACCR version %s (known: %s)", version, crtk_cli_known_versions());
        rc = EXIT_USAGE;
        goto out;
    }
    GError *error = NULL;
    d = crtk_dictionary_new(v, &error);
    dicts = crtk_cli_load_user_dictionaries(user_dicts);
    if (!dicts) {
        rc = EXIT_USAGE;
        goto out;
    }
    for (guint i = 0; i < dicts->len; i++)
        if (!crtk_dictionary_add_user(d, g_ptr_array_index(dicts, i), &error)) {
            crtk_cli_error("%s", error->message);
            g_error_free(error);
            rc = EXIT_USAGE;
            goto out;
        }
    gboolean json = format && !strcmp(format, "json");
    if (argc >= 2) {
        const crtk_item *it = crtk_dictionary_lookup(d, argv[1]);
        if (!it) {
            GPtrArray *sug = crtk_dictionary_suggest(d, argv[1], 5);
            GString *s = g_string_new(NULL);
            for (guint i = 0; i < sug->len; i++)
                g_string_append_printf(s, "%s%s", i ? ", " : "", (char *)g_ptr_array_index(sug, i));
            crtk_cli_error("dictionary: NAACCR %d has no item %s%s%s", v, argv[1], sug->len ? "; did you mean " : "",
                           s->str);
            g_string_free(s, TRUE);
            g_ptr_array_free(sug, TRUE);
            rc = EXIT_DATA;
            goto out;
        }
        if (json) {
            show_json(it);
        } else {
            char rts[8];
            printf("naaccrId:         %s\n", it->id);
            printf("item number:      %d\n", it->number);
            printf("name:             %s\n", it->name);
            printf("level:            %s\n", crtk_level_name(it->level));
            printf("length:           %d\n", it->length);
            printf("data type:        %s\n", crtk_data_type_name(it->type));
            printf("padding:          %s\n", crtk_padding_name(it->padding));
            printf("record types:     %s\n", crtk_record_types_format(it->record_types, rts));
            if (it->start_column)
                printf("columns:          %d-%d\n", it->start_column, it->start_column + it->length - 1);
            printf("defined by:       %s\n", it->source_uri);
        }
        goto out;
    }
    crtk_level want = CRTK_LEVEL_ROOT;
    gboolean filter = FALSE;
    if (level) {
        filter = TRUE;
        if (!strcmp(level, "NaaccrData"))
            want = CRTK_LEVEL_ROOT;
        else if (!strcmp(level, "Patient"))
            want = CRTK_LEVEL_PATIENT;
        else if (!strcmp(level, "Tumor"))
            want = CRTK_LEVEL_TUMOR;
        else {
            crtk_cli_error("dictionary: --level must be NaaccrData, Patient or Tumor");
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (!json)
        printf("%-6s %-32s %-10s %6s %-8s %-7s %s\n", "number", "naaccrId", "level", "length", "type", "records",
               "name");
    for (int i = 0; i < crtk_dictionary_count(d); i++) {
        const crtk_item *it = crtk_dictionary_item(d, i);
        if (filter && it->level != want)
            continue;
        if (json) {
            show_json(it);
        } else {
            char rts[8];
            printf("%-6d %-32s %-10s %6d %-8s %-7s %s\n", it->number, it->id, crtk_level_name(it->level), it->length,
                   crtk_data_type_name(it->type), crtk_record_types_format(it->record_types, rts), it->name);
        }
    }
out:
    if (dicts)
        g_ptr_array_free(dicts, TRUE);
    if (d)
        crtk_dictionary_unref(d);
    g_strfreev(user_dicts);
    g_free(version), g_free(format), g_free(level);
    g_option_context_free(ctx);
    return rc;
}
