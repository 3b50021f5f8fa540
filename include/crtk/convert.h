/* convert.h — moving records from one NAACCR dictionary (version) to another.
 *
 * Items are kept by naaccrId.  An item whose naaccrId the target lacks is
 * looked for by item number (NAACCR renamed some ids, e.g. in version 18), and
 * by the known replacements (version 26 replaced sex #220 with
 * sexAssignedAtBirth #225).  Items that changed level move: a Patient item
 * that became a Tumor item is copied to every tumor; a Tumor item that became
 * a Patient item takes the first tumor's value (differences are reported).
 * Values of items whose type changed from date to dateTime (or back) are
 * rewritten (YYYYMMDD <-> YYYY-MM-DD).  Items the target does not have, or
 * that the target record type leaves out (type I drops confidential items),
 * are dropped and counted; crtk_converter_report() lists them.
 */
#ifndef CRTK_CONVERT_H
#define CRTK_CONVERT_H

#include "export.h"

#include "record.h"
#include "problem.h"

typedef struct crtk_converter crtk_converter;

CRTK_API crtk_converter *crtk_converter_new(crtk_dictionary *from, crtk_dictionary *to, unsigned target_record_type);
CRTK_API void crtk_converter_free(crtk_converter *c);
/* TRUE when the conversion is the identity (same dictionary, record type keeps all items). */
CRTK_API gboolean crtk_converter_is_identity(const crtk_converter *c);
/* Converts src (of `from`) into dst (a record of `to`, cleared first). */
CRTK_API void crtk_converter_record(crtk_converter *c, const crtk_record *src, crtk_record *dst);
/* Converts NaaccrData items and attributes into a new header of `to`. */
CRTK_API crtk_header *crtk_converter_header(crtk_converter *c, const crtk_header *src);
/* Reports, as warnings, every item dropped, moved, renamed or changed, with counts. */
CRTK_API void crtk_converter_report(const crtk_converter *c, const char *file, crtk_problem_fn fn, void *user);
/* The dictionary converted to. */
CRTK_API crtk_dictionary *crtk_converter_target(const crtk_converter *c);
/* The target item index a source item's values go to, or -1 when they are dropped. */
CRTK_API int crtk_converter_target_of(const crtk_converter *c, int source_index);
/* Total values dropped. */
CRTK_API long crtk_converter_dropped(const crtk_converter *c);

#endif
