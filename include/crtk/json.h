/* json.h — tiny helpers to write JSON text (crtk writes JSON Lines for --format json) and CSV fields. */
#ifndef CRTK_JSON_H
#define CRTK_JSON_H

#include "export.h"
#include <glib.h>

/* Appends s as a JSON string literal (with quotes), escaping as RFC 8259 requires. */
CRTK_API void crtk_json_append_string(GString *out, const char *s, gssize len);
/* Appends ,"name":"value" (no comma when first). */
CRTK_API void crtk_json_field_str(GString *out, const char *name, const char *value, gboolean first);
CRTK_API void crtk_json_field_int(GString *out, const char *name, long long value, gboolean first);
/* Appends v as one CSV field (RFC 4180: quoted when it holds a comma, quote or line break),
 * after a comma unless first.  NULL is an empty field. */
CRTK_API void crtk_csv_append_field(GString *out, const char *v, gboolean first);
#endif
