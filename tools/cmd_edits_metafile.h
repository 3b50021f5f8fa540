/* cmd_edits_metafile.h — the metafile half of `crtk edits` (see cmd_edits_metafile.c). */
#ifndef CRTK_CMD_EDITS_METAFILE_H
#define CRTK_CMD_EDITS_METAFILE_H
#include <stdio.h>
#include "crtk/metafile.h"
#include "crtk/edits.h"

typedef struct mf_edits_run mf_edits_run;
struct crtk_store;
mf_edits_run *mf_edits_run_new(crtk_metafile *mf, const char *set, const char *edits_csv, crtk_edit_fn on_failure, void *user);
void mf_edits_run_free(mf_edits_run *m);
/* FALSE (see mf_edits_run_error) when the edits cannot be set up (unknown set or edit). */
gboolean mf_edits_run_record(mf_edits_run *m, const crtk_record *rec);
gboolean mf_edits_run_store(mf_edits_run *m, struct crtk_store *s, const char *where, GError **error);
const GError *mf_edits_run_error(const mf_edits_run *m);
long mf_edits_run_failures(const mf_edits_run *m);
/* The per-edit counts and the totals; every: list the edits that passed too (--all-edits). */
void mf_edits_run_summary(const mf_edits_run *m, FILE *out, gboolean json, gboolean every, long files);
struct crtk_edits_xlsx;
/* The summary sheet of --format xlsx from the run's per-edit counts; writes the file. */
gboolean mf_edits_run_xlsx_close(const mf_edits_run *m, struct crtk_edits_xlsx *x, GError **error);
/* The edit set that runs ("all" for every edit). */
const char *mf_edits_run_set_tag(const mf_edits_run *m);
int mf_edits_list(crtk_metafile *mf, const char *set, FILE *out, gboolean json);
/* From cmd_metafile.c: --today/--as-of/CRTK_TODAY; describe one edit. */
gboolean crtk_cli_metafile_today(crtk_metafile *mf, const char *today);
void crtk_cli_metafile_describe(crtk_metafile *mf, const crtk_mf_edit_info *e, FILE *out);
#endif
