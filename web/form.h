/* form.h — application/x-www-form-urlencoded parsing (query strings and POST bodies).
 * Outside data: tests/fuzz/fuzz_web_form.c attacks it. */
#ifndef CRTK_WEB_FORM_H
#define CRTK_WEB_FORM_H
#include <glib.h>

/* Parses "a=1&b=x+y%21" into a table name -> value (both newly allocated; the first value of a
 * repeated name is kept).  NULL when the text is not valid form data: a bad %-escape, a name or
 * value that is not UTF-8 after decoding, a NUL byte, more than max_fields fields. */
GHashTable *crtk_web_form_parse(const char *data, gsize len, guint max_fields);
/* Names in the order they came (for forms whose order matters); newly allocated, NULL-terminated. */
char **crtk_web_form_names(const char *data, gsize len);
#endif
