/* json.c — JSON string escaping, JSON and CSV field writers (see json.h). */
#include "json.h"

#include <string.h>

void crtk_json_append_string(GString *out, const char *s, gssize len)
{
    if (len < 0)
        len = (gssize)strlen(s);
    g_string_append_c(out, '"');
    for (gssize i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        default:
            if (c < 0x20)
                g_string_append_printf(out, "\\u%04x", c);
            else
                g_string_append_c(out, (char)c);
        }
    }
    g_string_append_c(out, '"');
}

void crtk_json_field_str(GString *out, const char *name, const char *value, gboolean first)
{
    if (!first)
        g_string_append_c(out, ',');
    crtk_json_append_string(out, name, -1);
    g_string_append_c(out, ':');
    crtk_json_append_string(out, value, -1);
}

void crtk_json_field_int(GString *out, const char *name, long long value, gboolean first)
{
    if (!first)
        g_string_append_c(out, ',');
    crtk_json_append_string(out, name, -1);
    g_string_append_printf(out, ":%lld", value);
}
