/* crtk.h — libcrtk, the Cancer Registry ToolKit library: everything in one include.
 *
 *     #include <crtk/crtk.h>      cc prog.c $(pkg-config --cflags --libs crtk)
 *
 * Modules (one header each): dictionary.h (NAACCR items and versions), record.h (a patient with
 * its tumors), naaccr_read.h / naaccr_write.h (NAACCR XML, flat and CSV, streaming), convert.h
 * (version and record-type conversion), date.h (NAACCR dates with their precision), csv.h (RFC 4180),
 * store.h (the SQLite registry store), case_view.h / case_edits.h (abstracting), codes.h (code
 * tables), edits.h / store_edits.h (edit engine), derived.h (derived variables and recodes),
 * followup.h (the annual follow-up), store_submission.h (the submission workflow), problem.h (how
 * problems in data are reported), io.h (buffered, gzip-aware input).  The reports library
 * (crtk-reports.h, pkg-config crtk-reports) adds Excel workbooks, PDF letters and submission
 * documents.
 *
 * ERROR CONVENTION (every function of every module follows it)
 *  - A call that can fail takes a GError **error as its last argument (may be NULL).  It returns
 *    FALSE, NULL or -1 on failure and then sets *error (domain CRTK_ERROR unless a module says
 *    otherwise) with a message meant for people, naming the file, line, column, patient, tumor or
 *    item where they are known.  It never prints.
 *  - Problems IN THE DATA (a bad code, a value too long, a malformed line) are not call failures:
 *    readers and checks deliver each one to a crtk_problem_fn callback (problem.h) with its place,
 *    and go on.  A call fails only when it cannot continue (unreadable file, full disk, corrupt
 *    store).
 *  - Returned pointers: "newly allocated" means the caller frees it with the named *_free function
 *    (or g_free / g_ptr_array_unref for plain GLib types); otherwise the pointer is owned by the
 *    object it came from and lives as long as that object (or is a static string).
 *  - NULL is accepted wherever a function says "may be NULL"; *_free(NULL) does nothing.
 *  - Functions are not thread-safe on the same object; distinct objects may be used from distinct
 *    threads.  Code tables and recodes load once, on first use, and are then read-only.
 */
#ifndef CRTK_CRTK_H
#define CRTK_CRTK_H

#include "export.h"
#include "version.h"
#include "problem.h"
#include "io.h"
#include "date.h"
#include "csv.h"
#include "dictionary.h"
#include "record.h"
#include "naaccr_read.h"
#include "naaccr_write.h"
#include "convert.h"
#include "convert_file.h"
#include "codes.h"
#include "derived.h"
#include "edits.h"
#include "store.h"
#include "store_edits.h"
#include "store_submission.h"
#include "case_view.h"
#include "case_edits.h"
#include "case_entry.h"
#include "followup.h"
#include "metafile.h"
#include "metafile_store.h"
#include "staging.h"

#endif
