/* due_order.h — the order of the follow-up due list kept out of memory (private to
 * libcrtk-reports): sort keys of the listed patients in a private temporary SQLite database,
 * read back ordered by group, oldest last contact, rank in patientIdNumber order, then row.
 *
 * Use: due_order_add every listed patient, due_order_rank them, due_order_finish, then
 * due_order_each and due_order_group_count as often as needed.  Every failure names its step in a
 * GError (CRTK_ERROR_IO) with SQLite's message (a full disk under the temporary file).
 */
#ifndef CRTK_DUE_ORDER_H
#define CRTK_DUE_ORDER_H

#include "crtk/problem.h"

#include <glib.h>

typedef struct due_order due_order;

due_order *due_order_new(GError **error);
void due_order_free(due_order *o);
/* A listed patient: its row id, its group label ("" ungrouped; a next follow-up source or a
 * physician, never patient data) and its date of last contact as YYYYMMDD (0 unknown). */
gboolean due_order_add(due_order *o, gint64 row, const char *group, int last_contact, GError **error);
/* The patient's place in patientIdNumber order (a patient never added is ignored). */
gboolean due_order_rank(due_order *o, gint64 row, gint64 rank, GError **error);
/* Sorts what was added; afterwards nothing more can be added. */
gboolean due_order_finish(due_order *o, GError **error);

/* Called for each patient in order; FALSE (with error set) stops the walk. */
typedef gboolean (*due_order_fn)(gint64 row, const char *group, void *user, GError **error);
gboolean due_order_each(due_order *o, due_order_fn fn, void *user, GError **error);
/* Patients added under group; -1 with error on failure. */
long due_order_group_count(due_order *o, const char *group, GError **error);

#endif
