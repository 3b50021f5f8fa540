/* metafile_store.h — a registry store's state metafile (.smf): recorded in the store's settings
 * (path, SHA-256, edit set) and used by `crtk edits DB` and while abstracting (`crtk case set`). */
#ifndef CRTK_METAFILE_STORE_H
#define CRTK_METAFILE_STORE_H

#include <stdio.h>
#include "export.h"
#include "metafile.h"
#include "store.h"

#define CRTK_SETTING_METAFILE_PATH "metafilePath"
#define CRTK_SETTING_METAFILE_SHA256 "metafileSha256"
#define CRTK_SETTING_METAFILE_SET "metafileSet"

/* Checks that path is a readable metafile (and set one of its edit sets, when given) and records
 * its absolute path, SHA-256 and set in the store's settings.  FALSE with error otherwise. */
CRTK_API gboolean crtk_metafile_use(crtk_store *s, const char *path, const char *set, GError **error);

/* Opens the store's recorded metafile; *set (may be NULL) gets the recorded edit set (NULL = all;
 * free it).  NULL without error when none is recorded; NULL with error when the file is missing
 * or its SHA-256 no longer matches. */
CRTK_API crtk_metafile *crtk_metafile_open_for_store(crtk_store *s, char **set, GError **error);

/* While abstracting: runs the recorded metafile's edits that read any of items (naaccrIds) on
 * every tumor of record and prints the failures to out.  Returns the number of failures (0 when
 * the store has no metafile).  "Today" comes from CRTK_TODAY when set. */
CRTK_API int crtk_metafile_case_run(crtk_store *s, const crtk_record *record, const char *const *items,
                                    int n_items, FILE *out);

#endif
