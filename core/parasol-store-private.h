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

  /* Trust (parasol-store-trust.c) */
  char       *real_path;    /* the database file with symlinks resolved */
  guint8      key[32];      /* the site key, when have_key */
  gboolean    have_key;
  char       *key_id;       /* its public id (HMAC of a constant) */
  char       *chain_key_id; /* the id the chain's key marker names */
  char       *damage_file;
  gint64      keyed_from;   /* first keyed audit row (0: not keyed, or not known yet) */
  gint64      anchor_seq;   /* the last anchor written or read */
  gboolean    appended;     /* the current transaction appended audit rows */
  gboolean    acknowledging;
  gboolean    keyed_in_tx;  /* the key marker was appended in this transaction */
  char       *damage;       /* unacknowledged damage: writes are refused */
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
  /* COL_INT: the audit trail's words for 0, 1, ... (NULL: the number itself) */
  const char *const *labels;
  /* store_update_record: a later value (ISO date) renews the record and needs no reason */
  gboolean    renews;
} Col;

#define TEXT_COL(n, v) { (n), COL_TEXT, (v), NAN, 0, FALSE, NULL, FALSE }
#define REAL_COL(n, v) { (n), COL_REAL, NULL, (v), 0, FALSE, NULL, FALSE }
#define INT_COL(n, v)  { (n), COL_INT, NULL, NAN, (v), FALSE, NULL, FALSE }

/* The audit trail's words for attestation.met (0, 1). */
extern const char *const store_met_labels[];

void store_set_error (ParasolStore *self,
                      GError      **error,
                      int           rc,
                      const char   *doing);

/* A read-only connection of a worker thread's own (the store's stays with the main thread),
 * with the store's busy timeout: an SQLite result code, *db NULL unless SQLITE_OK. */
int store_open_reader (const char  *path,
                       sqlite3    **db);
/* The records a course or a swimmer lane is drawn from, read the same way for one patient
 * (parasol_store_load_patient) and for all (parasol_store_foreach_course_facts,
 * parasol_store_load_treated): the columns to select, then a row into the facts (a withdrawn
 * response or event into the withdrawn ones). */
#define CYCLE_COLUMNS          "id, number, start_date, status, reason"
#define ADMINISTRATION_COLUMNS "id, cycle, drug, given_on, dose, unit, given_by, reason, flagged"
#define RESPONSE_COLUMNS       "id, assessed_on, response, version, withdrawn"
#define EVENT_COLUMNS          "id, kind, occurred_on, reason, version, withdrawn"
void store_add_cycle_row          (ParasolPatientFacts *facts,
                                   sqlite3_stmt        *stmt);
void store_add_administration_row (ParasolPatientFacts *facts,
                                   sqlite3_stmt        *stmt);
void store_add_response_row       (ParasolPatientFacts *facts,
                                   sqlite3_stmt        *stmt);
void store_add_event_row          (ParasolPatientFacts *facts,
                                   sqlite3_stmt        *stmt);
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

/* The one audited UPDATE: reads @cols of row @id of @table, compares each with its new value,
 * requires @reason when a saved (non-NULL) value changes (@reason_message, if given, is the
 * error then), checks @expected_version (0: skip), UPDATEs, appends one audit row per changed
 * field and queues ::changed, all in one (nested) transaction.  *@changed says whether anything
 * changed. */
gboolean store_update_record (ParasolStore *self,
                              const char   *table,
                              gint64        id,
                              gint64        patient_id,
                              const Col    *cols,
                              guint         n_cols,
                              gint64        expected_version,
                              const char   *reason,
                              const char   *reason_message,
                              gboolean     *changed,
                              GError      **error);

/* The text form of a column value, as the audit trail records it (NULL for NULL). */
char *store_column_audit_text (sqlite3_stmt      *stmt,
                               int                col,
                               const char *const *labels);
char *store_col_audit_text (const Col *col);

/* parasol-store-patients.c: checks @value (text) as patient field @field_name would take it
 * (range, unit) and returns it normalised in *@normalised. */
gboolean store_normalise_patient_field (const char  *field_name,
                                        const char  *value,
                                        char       **normalised,
                                        GError     **error);
/* parasol-store-patients.c: the audited write of patient.weight_kg itself (the newest weight),
 * for parasol_store_add_weight(). */
gboolean store_set_patient_weight_kg (ParasolStore *self,
                                      gint64        patient_id,
                                      const char   *value,
                                      gint64        expected_version,
                                      const char   *reason,
                                      GError      **error);

/* parasol_store_record_assignment's write of the arm (the generic setter refuses it). */
gboolean store_set_patient_arm (ParasolStore *self,
                                gint64        patient_id,
                                const char   *arm,
                                const char   *reason,
                                GError      **error);

gboolean store_query_int (ParasolStore *self,
                          const char   *sql,
                          gint64       *value,
                          GError      **error);

gboolean store_migrate (ParasolStore *self,
                        GError      **error);

/* The swimmer plot's read (parasol-store-swimmer.c): every treated patient (on or off
 * treatment, with a C1D1) as ParasolPatientFacts holding the summary fields, cycles,
 * responses and events, and in administrations only the last dose (drug and date). */
GPtrArray         *parasol_store_load_treated           (ParasolStore  *self,
                                                         GError       **error);
/* --- parasol-store-trust.c -------------------------------------------------------------- */

/* The schema of @version as the migrations make it: (type, name, tbl_name, sql) rows. */
gboolean store_check_schema (ParasolStore *self,
                             GError      **error);
/* Loads the site key (if there is one) and checks the anchor and the chain head: damage is
 * remembered in self->damage and stops writes. */
void store_trust_open (ParasolStore *self);
/* Before the first write of a transaction (write lock held, chain head read): refuses writes
 * after unacknowledged damage or without the chain's key, and keys an unkeyed chain. */
gboolean store_trust_begin (ParasolStore *self,
                            GError      **error);
/* After COMMIT: records the chain head outside the database. */
void store_trust_committed (ParasolStore *self,
                            gint64        seq,
                            const char   *hash);
/* The audit link of a row: HMAC-SHA256 under @key (when non-NULL) or SHA-256. */
char *store_audit_link (const guint8 *key,
                        gint64        seq,
                        const char   *prev_hash,
                        const char   *at,
                        const char   *who,
                        const char   *who_name,
                        const char   *table_name,
                        gint64        record,
                        const char   *field,
                        const char   *old_value,
                        const char   *new_value,
                        const char   *reason);
/* What the background check needs, copied for a worker thread. */
typedef struct _StoreCheckInfo StoreCheckInfo;
StoreCheckInfo *store_check_info_new (ParasolStore *self);
void store_check_info_free (StoreCheckInfo *info);
/* The whole audit check on connection @db. */
ParasolAuditReport *store_audit_check_db (sqlite3              *db,
                                          const StoreCheckInfo *info,
                                          GCancellable         *cancellable,
                                          GError              **error);
/* Remembers (or forgets, when acknowledged) the damage @report found. */
void store_trust_record_damage (ParasolStore             *self,
                                const ParasolAuditReport *report);
void store_record_damage_for (const StoreCheckInfo     *info,
                              const ParasolAuditReport *report);
/* Removes leftover .partial-* backups beside @path (older than a minute). */
void store_clean_partials (const char *path);
/* Forgets the anchor and the damage recorded for the database at @path (a new file made
 * there). */
void store_forget_anchor (const char *path);
/* Records @seq/@hash as the anchor of the database at @path. */
void store_write_anchor (const char *path,
                         gint64      seq,
                         const char *hash,
                         gint64      keyed_from);
/* parasol-store-treatment.c: may @patient_id's arm change from @old_arm to @new_arm?  Not after
 * the first dose, except through parasol_store_correct_arm(). */
gboolean store_platinum_change_allowed (ParasolStore  *self,
                                        gint64         patient_id,
                                        const char    *old_platinum,
                                        const char    *new_platinum,
                                        GError       **error);
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
