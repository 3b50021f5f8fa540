/* naaccr_read.h — reading NAACCR data files: XML, legacy flat (fixed-width) and CSV.
 *
 * All readers stream: they hand one patient (with its tumors) at a time to the
 * caller's handlers and reuse the record, so memory does not grow with the
 * file.  Problems go to the problem handler with their place; a reader goes on
 * after an error in the data and stops only at a fatal one (the file cannot be
 * parsed any further) or when a handler answers CRTK_ABORT.
 */
#ifndef CRTK_NAACCR_READ_H
#define CRTK_NAACCR_READ_H

#include "export.h"

#include "dictionary.h"
#include "io.h"
#include "problem.h"
#include "record.h"

typedef enum { CRTK_FORMAT_UNKNOWN, CRTK_FORMAT_XML, CRTK_FORMAT_FLAT, CRTK_FORMAT_CSV } crtk_format;

typedef struct crtk_read_options {
    gboolean relaxed_namespace;   /* accept a missing NAACCR namespace and unbound prefixes (XML) */
    gboolean ignore_unknown;      /* unknown items and missing user dictionaries are warnings; such items are dropped */
    gboolean skip_extensions;     /* do not keep extension elements (XML) */
    GPtrArray *user_dictionaries; /* crtk_user_dictionary*, borrowed; the ones the file may name */
    int version;                  /* flat/CSV: NAACCR version when the file does not say (0 = detect or 260) */
    unsigned record_type;         /* flat/CSV: record type when the file does not say (0 = detect or I) */
    gboolean no_grouping;         /* flat/CSV: every line is its own patient */
    gboolean check_values;        /* check lengths and data types (on by default via crtk_read_options_init) */
} crtk_read_options;

CRTK_API void crtk_read_options_init(crtk_read_options *o);

typedef struct crtk_read_handlers {
    /* Called once, after the NaaccrData attributes and items, before the first patient. */
    int (*header)(const crtk_header *header, void *user);
    /* Called for every patient; the record is reused after the call returns. */
    int (*patient)(crtk_record *record, void *user);
    int (*problem)(const crtk_problem *problem, void *user);
} crtk_read_handlers;

typedef struct crtk_read_stats {
    long patients, tumors;
    long errors, warnings;   /* problems by severity (fatal counts as error) */
    gboolean fatal;
    gboolean aborted;
    long long bytes;         /* bytes of (decompressed) input read */
} crtk_read_stats;

/* Result of a read: 0 read to the end (problems may have been reported),
 * 1 stopped by a handler, -1 stopped by a fatal problem (reported). */
CRTK_API int crtk_naaccr_xml_read(crtk_in *in, const char *name, const crtk_read_options *options,
                         const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats);
CRTK_API int crtk_naaccr_flat_read(crtk_in *in, const char *name, const crtk_read_options *options,
                          const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats);
CRTK_API int crtk_naaccr_csv_read(crtk_in *in, const char *name, const crtk_read_options *options,
                         const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats);

/* Opens path ("-" = standard input, plain or gzip), finds its format (from the name, else from a
 * buffered look at its first bytes: the stream is opened once, never reopened) and reads it.
 * Problems name the file as given, or "(standard input)". */
CRTK_API int crtk_naaccr_read_file(const char *path, crtk_format format, const crtk_read_options *options,
                          const crtk_read_handlers *handlers, void *user, crtk_read_stats *stats);

/* Format from a file name: .xml/.xml.gz -> XML, .csv(.gz) -> CSV, .txt/.dat/.fwf/.flat(.gz) -> flat. */
CRTK_API crtk_format crtk_format_from_name(const char *path);
CRTK_API crtk_format crtk_format_parse(const char *name); /* "xml", "flat", "csv" */
/* Format from the first bytes of a (decompressed) file: '<' after an optional UTF-8 byte order
 * mark and white space is XML; a first line with a comma and the word patientIdNumber is CSV
 * (a header of naaccrIds); anything else is flat; nothing at all is CRTK_FORMAT_UNKNOWN (then
 * read as XML, which reports an empty input).  head need not be NUL-terminated. */
CRTK_API crtk_format crtk_format_detect(const char *head, size_t len);
CRTK_API const char *crtk_format_name(crtk_format format);

#endif
