/* parasol-store-private.h — store internals shared with tests and sibling core modules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-store.h"

G_BEGIN_DECLS

/* The SQL taking a database from schema @from_version to @from_version + 1. */
const char        *parasol_store_migration_sql          (int from_version);
guint32            parasol_store_application_id         (void);
gboolean           parasol_store_is_network_filesystem  (gint64 statfs_magic);
const char *const *parasol_store_patient_field_names    (void);
/* Strict YYYY-MM-DD; clears @date and returns FALSE otherwise. */
gboolean           parasol_store_parse_date             (const char *str,
                                                         GDate      *date);
char              *parasol_store_audit_hash             (const char *prev_hash,
                                                         gint64      seq,
                                                         const char *at,
                                                         const char *who,
                                                         const char *who_name,
                                                         const char *table_name,
                                                         gint64      record,
                                                         const char *field,
                                                         const char *old_value,
                                                         const char *new_value,
                                                         const char *reason);

/* For sibling store files (parasol-store-swimmer.c): the connection's cached statement for
 * @sql, reset, and the store's GError for an SQLite result code. */
struct sqlite3_stmt *parasol_store_prepare_cached      (ParasolStore  *self,
                                                         const char    *sql,
                                                         GError       **error);
void               parasol_store_set_error_from_sqlite  (ParasolStore  *self,
                                                         GError       **error,
                                                         int            rc,
                                                         const char    *doing);

/* The swimmer plot's read (parasol-store-swimmer.c): every treated patient (on or off
 * treatment, with a C1D1) as ParasolPatientFacts holding the summary fields, cycles,
 * responses and events, and in administrations only the last dose (drug and date). */
GPtrArray         *parasol_store_load_treated           (ParasolStore  *self,
                                                         GError       **error);

G_END_DECLS
