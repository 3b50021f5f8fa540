/* json.h — tiny helpers to write JSON text (crtk writes JSON Lines for --format json) (CSV: csv.h). */
#ifndef CRTK_JSON_H
#define CRTK_JSON_H

#include "export.h"
#include <glib.h>

/* Appends s as a JSON string literal (with quotes), escaping as RFC 8259 requires. */
CRTK_API void crtk_json_append_string(GString *out, const char *s, gssize len);
/* Appends ,"name":"value" (no comma when first). */
CRTK_API void crtk_json_field_str(GString *out, const char *name, const char *value, gboolean first);
CRTK_API void crtk_json_field_int(GString *out, const char *name, long long value, gboolean first);
#endif
