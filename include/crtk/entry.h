/* entry.h — what a registrar types, made into what the store keeps: dates typed as
 * MM/DD/YYYY or YYYY-MM-DD become NAACCR dates (YYYYMMDD, or YYYY / YYYYMM when partial), and a
 * search box's text becomes a patient query (name prefix, identifier, SSN, birth date).
 * Used by the web workspace and the command line alike. */
#ifndef CRTK_ENTRY_H
#define CRTK_ENTRY_H
#include <glib.h>
#include "crtk/export.h"
#include "store_search.h"

/* Normalises a typed date: "03/07/2024", "3/7/2024", "2024-03-07", "20240307" -> "20240307";
 * "03/2024", "2024-03" -> "202403"; "2024" -> "2024"; blank -> "".  NULL with a message for
 * anything else (a month or day out of range, a 31st of a 30-day month, 29 February of a common
 * year).  Newly allocated. */
CRTK_API char *crtk_entry_date(const char *text, GError **error);

/* Reads a search box: "smith", "smith, jo", "smith jo" (last name prefix, first name prefix);
 * "1234" (SSN's last four, and any identifier); "123-45-6789" (SSN); a date in any form
 * crtk_entry_date takes (birth date, and the text as identifier); anything else with a digit
 * (patient id, medical record number, accession number).  The query's strings point into
 * *storage (free with g_strfreev).  FALSE for an empty search. */
CRTK_API gboolean crtk_entry_patient_query(const char *text, crtk_patient_query *q, char ***storage);
#endif
