/* schemas.h — the data files of schemas/ that crtk carries inside its binary.
 *
 * The build embeds every file of schemas/ (see tools/dev/embed.c); the library
 * reads them by their path below schemas/, for example "naaccr/dictionary-250.tsv".
 */
#ifndef CRTK_SCHEMAS_H
#define CRTK_SCHEMAS_H
#include <stddef.h>

typedef struct crtk_embedded_file {
    const char *name;
    const char *data; /* NUL-terminated */
    size_t len;
} crtk_embedded_file;

/* The file's text, or NULL when there is no such file. */
const char *crtk_schema_text(const char *name, size_t *len);
/* All embedded files, terminated by an entry whose name is NULL. */
const crtk_embedded_file *crtk_schema_files(void);

#endif
