/* convert_file.h — converting a NAACCR file into another, streaming, with no store: XML, flat and
 * CSV, one version (and record type) to another.
 *
 * The input is read record by record (memory stays flat), each patient converted with a
 * crtk_converter (convert.h) and written with a crtk_writer (naaccr_write.h).  The input's
 * problems go to the caller's problem function as they are found; when the conversion drops,
 * renames or moves items, a summary of them follows after the output is complete (when asked).
 * A failure removes the partial output: a file is either written whole or not at all.
 */
#ifndef CRTK_CONVERT_FILE_H
#define CRTK_CONVERT_FILE_H

#include "export.h"

#include "naaccr_read.h"
#include "naaccr_write.h"
#include "problem.h"

typedef struct crtk_convert_options {
    crtk_format from;              /* input format; CRTK_FORMAT_UNKNOWN: from the name, else the content */
    int target_version;            /* NAACCR version to write (260 for 26); 0: the input's */
    unsigned target_record_type;   /* 'A', 'M', 'C' or 'I'; 0: the input's */
    crtk_read_options read;        /* reading: namespace, unknown items, grouping, user dictionaries (also
                                    * added to the target dictionary when the version changes) */
    crtk_write_options write;      /* writing; write.format CRTK_FORMAT_UNKNOWN: from the output name, else XML;
                                    * write.record_type is set from target_record_type */
    gboolean report_changes;       /* after writing, report (as warnings, through the problem function) every
                                    * item dropped, moved, renamed or changed, with counts */
} crtk_convert_options;

/* Defaults: formats from the names, the input's version and record type, read and write defaults,
 * changes reported. */
CRTK_API void crtk_convert_options_init(crtk_convert_options *o);

/* What a conversion did. */
typedef struct crtk_convert_result {
    crtk_read_stats input;         /* the input's patients, tumors, errors and warnings */
    long patients, tumors;         /* written */
    long removed_controls;         /* control characters left out of values (XML 1.0 cannot hold them) */
    int version;                   /* NAACCR version written (0 when no header was read) */
    unsigned record_type;          /* record type written */
    crtk_format format;            /* format written */
} crtk_convert_result;

/* Converts the file in_path into out_path.  problem (may be NULL) receives the input's problems
 * with their places, and the conversion summary when options->report_changes.  result (may be
 * NULL) is filled in every case.
 * Returns 0 when the output is written (the input may still have had errors: see
 * result->input.errors); -1 when reading stopped at a fatal problem of the input (nothing written;
 * error says so, CRTK_ERROR_DATA); 1 when the conversion could not be done (the target dictionary
 * cannot be loaded, the output cannot be opened or written; nothing written; error says why). */
CRTK_API int crtk_convert_file(const char *in_path, const char *out_path, const crtk_convert_options *options,
                               crtk_problem_fn problem, void *user, crtk_convert_result *result, GError **error);

#endif
