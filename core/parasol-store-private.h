/* parasol-store-private.h — store internals shared with tests and sibling core modules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

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

/* --- Internals shared by the core/parasol-store*.c files ----------------------------------
 *
 * The store is one GObject implemented across several files: parasol-store.c (opening,
 * transactions, generic record insertion, backup, trial), parasol-store-schema.c (migrations),
 * parasol-store-audit.c (the hash chain, verify, list), parasol-store-patients.c and
 * parasol-store-records.c.  Nothing outside core/parasol-store*.c may use what follows.
 */

/* 'PRSL': marks a SQLite file as a Parasol database (PRAGMA application_id). */
#define PARASOL_APPLICATION_ID 0x5052534c
#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct _ParasolStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  GHashTable *statements;   /* SQL text -> sqlite3_stmt* */
  char       *actor;
  char       *actor_name;

  guint       depth;        /* transaction nesting */
  char       *last_hash;    /* chain head, valid while depth > 0 */
  gint64      next_seq;     /* next audit seq, valid while depth > 0 */
  char       *tx_time;      /* UTC time of the current transaction, for its audit rows */
  gboolean    doomed;       /* a write inside the transaction failed: it can only roll back */
  GArray     *pending;      /* PendingChange, emitted after the outermost commit */
  gint64      data_version;
  gboolean    read_only;
  gboolean    arm_correction; /* parasol_store_correct_arm() is writing: the arm may change */
};

typedef enum {
  COL_TEXT,
  COL_REAL,
  COL_INT,
} ColType;

typedef struct {
  const char *name;
  ColType     type;
  const char *text;   /* COL_TEXT: NULL = NULL */
  double      real;   /* COL_REAL: NAN = NULL */
  gint64      integer;
  gboolean    is_null;/* COL_INT */
} Col;

#define TEXT_COL(n, v) { (n), COL_TEXT, (v), NAN, 0, FALSE }
#define REAL_COL(n, v) { (n), COL_REAL, NULL, (v), 0, FALSE }
#define INT_COL(n, v)  { (n), COL_INT, NULL, NAN, (v), FALSE }

void store_set_error (ParasolStore *self,
                      GError      **error,
                      int           rc,
                      const char   *doing);

sqlite3_stmt *store_prepare (ParasolStore *self,
                             const char   *sql,
                             GError      **error);

gboolean store_exec (ParasolStore *self,
                     const char   *sql,
                     const char   *doing,
                     GError      **error);

void store_bind_text_or_null (sqlite3_stmt *stmt,
                              int           index,
                              const char   *value);

void store_bind_double_or_null (sqlite3_stmt *stmt,
                                int           index,
                                double        value);

void store_column_date (sqlite3_stmt *stmt,
                        int           col,
                        GDate        *date);

double store_column_double_or_nan (sqlite3_stmt *stmt,
                                   int           col);

char *store_column_strdup (sqlite3_stmt *stmt,
                           int           col);

char *store_format_double (double value);

char *store_utc_now_iso (void);

gboolean store_read_chain_head (ParasolStore *self,
                                GError      **error);

gboolean store_write_begin (ParasolStore *self,
                            GError      **error);

void store_write_rollback (ParasolStore *self);

void store_write_leave_unchanged (ParasolStore *self);

gboolean store_write_commit (ParasolStore *self,
                             GError      **error);

void store_queue_change (ParasolStore      *self,
                         const char        *table,
                         gint64             record,
                         gint64             patient,
                         ParasolStoreChange kind);

gboolean store_audit_append (ParasolStore *self,
                             const char   *table_name,
                             gint64        record,
                             const char   *field,
                             const char   *old_value,
                             const char   *new_value,
                             const char   *reason,
                             GError      **error);

gint64 store_insert_record (ParasolStore *self,
                            const char   *table,
                            gint64        patient_id,
                            const Col    *cols,
                            guint         n_cols,
                            const char   *reason,
                            GError      **error);

gboolean store_query_int (ParasolStore *self,
                          const char   *sql,
                          gint64       *value,
                          GError      **error);

gboolean store_migrate (ParasolStore *self,
                        GError      **error);

/* parasol-store-treatment.c: may @patient_id's arm change from @old_arm to @new_arm?  Not after
 * the first dose, except through parasol_store_correct_arm(). */
gboolean store_arm_change_allowed (ParasolStore  *self,
                                   gint64         patient_id,
                                   const char    *old_arm,
                                   const char    *new_arm,
                                   GError       **error);
/* parasol-store-treatment.c: a date of something that has happened (a sample, a report, an
 * attestation, a dose, an outcome) is not after today nor before 1900.  An invalid date passes
 * (whether one is required is the caller's check). */
gboolean store_check_past_date    (const GDate   *date,
                                   const char    *what,
                                   GError       **error);

G_END_DECLS
