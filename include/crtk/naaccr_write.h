/* naaccr_write.h — writing NAACCR data files: XML, legacy flat (fixed-width) and CSV.
 *
 * The writer API reads as steps: open (with the dictionary, the file header
 * and options), write each patient record, close.  Records must use the
 * writer's dictionary (convert them first with convert.h when versions differ).
 * Output files are created readable by their owner only; a name ending in
 * ".gz" is compressed.  A writer that fails is abandoned and its file removed.
 */
#ifndef CRTK_NAACCR_WRITE_H
#define CRTK_NAACCR_WRITE_H

#include "export.h"

#include "naaccr_read.h"

typedef struct crtk_write_options {
    crtk_format format;            /* XML, FLAT or CSV */
    unsigned record_type;          /* A, M, C or I; 0 = the header's */
    const char *specification_version; /* XML: specificationVersion written; NULL = "1.8" (any NAACCR version) */
    gboolean write_item_numbers;   /* XML: naaccrNum on every Item */
    gboolean drop_extensions;      /* XML: do not write kept extension elements */
    gboolean zero_padding;         /* apply leftZero padding to all-digit values (flat always does) */
    const char *csv_columns;       /* CSV: comma list of naaccrIds; NULL = every item of the record type */
} crtk_write_options;

CRTK_API void crtk_write_options_init(crtk_write_options *o);

typedef struct crtk_writer crtk_writer;

/* header may be NULL (a fresh header of the dictionary and record type is used). */
CRTK_API crtk_writer *crtk_writer_open(const char *path, crtk_dictionary *dict, const crtk_header *header,
                              const crtk_write_options *options, GError **error);
/* The same over an already open output (taken over by the writer). */
CRTK_API crtk_writer *crtk_writer_open_out(crtk_out *out, crtk_dictionary *dict, const crtk_header *header,
                                  const crtk_write_options *options, GError **error);
CRTK_API gboolean crtk_writer_write(crtk_writer *w, const crtk_record *record, GError **error);
CRTK_API gboolean crtk_writer_close(crtk_writer *w, GError **error);
CRTK_API void crtk_writer_abandon(crtk_writer *w);

/* Format-specific back ends, used by crtk_writer_open_out. */
typedef struct crtk_writer_ops {
    gboolean (*begin)(crtk_writer *w, GError **error);
    gboolean (*record)(crtk_writer *w, const crtk_record *record, GError **error);
    gboolean (*end)(crtk_writer *w, GError **error);
    void (*free)(crtk_writer *w);
} crtk_writer_ops;

struct crtk_writer {
    const crtk_writer_ops *ops;
    crtk_out *out;
    crtk_dictionary *dict;
    crtk_header *header;       /* owned copy */
    crtk_write_options options;
    unsigned record_type;
    long patients, tumors;
    long removed_controls;     /* control characters left out (XML 1.0 cannot hold them) */
    void *state;               /* the back end's */
};

CRTK_API extern const crtk_writer_ops crtk_xml_writer_ops;
CRTK_API extern const crtk_writer_ops crtk_flat_writer_ops;
CRTK_API extern const crtk_writer_ops crtk_csv_writer_ops;

/* Copies a header (its attributes and root items) for another use. */
CRTK_API crtk_header *crtk_header_copy(const crtk_header *h);

#endif
