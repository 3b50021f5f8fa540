/* staging_sql.h — registers crtk_stage() and crtk_schema_id() on an SQLite connection (staging_sql.c). */
#ifndef CRTK_STAGING_SQL_H
#define CRTK_STAGING_SQL_H
#include <glib.h>
#include <sqlite3.h>
gboolean crtk_staging_register_sqlite(sqlite3 *db, GError **error);
#endif
