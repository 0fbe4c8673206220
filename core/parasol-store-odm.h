/* parasol-store-odm.h — the store queries and writes behind CDISC ODM export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For core/parasol-odm.c only.  Records are exchanged as arrays of text values, one per column
 * of parasol_store_odm_columns() (NULL for SQL NULL; numbers in C-locale text that reads back
 * to the same double; dates YYYY-MM-DD).  Table and column names are the store's own: nothing
 * here splices a caller's string into SQL.
 */
#pragma once

#include "parasol-store.h"

G_BEGIN_DECLS

typedef enum {
  PARASOL_ODM_TABLE_PATIENT,
  PARASOL_ODM_TABLE_LAB,
  PARASOL_ODM_TABLE_ATTESTATION,
  PARASOL_ODM_TABLE_EVALUATION,
  PARASOL_ODM_TABLE_BIOMARKER,
  PARASOL_ODM_TABLE_ASSIGNMENT,
  PARASOL_ODM_TABLE_CYCLE,
  PARASOL_ODM_TABLE_ADMINISTRATION,
  PARASOL_ODM_TABLE_RESPONSE,
  PARASOL_ODM_TABLE_EVENT,
  PARASOL_ODM_TABLE_WEIGHT,
  PARASOL_ODM_N_TABLES
} ParasolOdmTable;

typedef enum {
  PARASOL_ODM_KIND_TEXT,
  PARASOL_ODM_KIND_INT,
  PARASOL_ODM_KIND_REAL,
  PARASOL_ODM_KIND_DATE,
  PARASOL_ODM_KIND_DATETIME,
  PARASOL_ODM_KIND_BOOL,      /* 0 / 1 */
} ParasolOdmKind;

typedef struct {
  const char     *name;       /* column */
  ParasolOdmKind  kind;
  gboolean        required;   /* NOT NULL in the schema */
} ParasolOdmColumn;

const char             *parasol_store_odm_table_name (ParasolOdmTable  table);
/* The exported columns of @table (never id, patient_id or version), in a fixed order. */
const ParasolOdmColumn *parasol_store_odm_columns    (ParasolOdmTable  table,
                                                      guint           *n_columns);

/* Called with one row's values (valid during the call); return FALSE to stop. */
typedef gboolean (*ParasolOdmRowFunc) (const char *const *values,
                                       gpointer           user_data);

/* @patient_id's rows of @table, ordered by every column (so the order depends on the data
 * only, not on row ids); for the cycle and administration tables, @cycle > 0 keeps that cycle
 * only.  For PARASOL_ODM_TABLE_PATIENT, the patient's own row. */
gboolean  parasol_store_odm_foreach_row      (ParasolStore      *self,
                                              ParasolOdmTable    table,
                                              gint64             patient_id,
                                              int                cycle,
                                              ParasolOdmRowFunc  func,
                                              gpointer           user_data,
                                              GError           **error);
/* A read transaction around an export, so that every query sees the same snapshot (WAL: writers
 * are not blocked).  Does nothing inside a caller's transaction. */
void      parasol_store_odm_read_begin       (ParasolStore  *self);
void      parasol_store_odm_read_end         (ParasolStore  *self);

/* The cycle numbers that have a cycle record or an administration, ascending. */
GArray   *parasol_store_odm_cycle_numbers    (ParasolStore  *self,
                                              gint64         patient_id,
                                              GError       **error);

typedef struct {
  gint64      seq;
  const char *at;
  const char *who;
  const char *who_name;
  const char *table_name;
  gint64      record;
  const char *field;
  const char *old_value;
  const char *new_value;
  const char *reason;
  const char *prev_hash;
  const char *hash;
  const char *site;           /* the site of the patient the row belongs to, or NULL */
} ParasolOdmAuditRow;

typedef gboolean (*ParasolOdmAuditFunc) (const ParasolOdmAuditRow *row,
                                         gpointer                  user_data);

/* Audit rows oldest first: all of them (@patient_id 0) or those of one patient's records. */
gboolean  parasol_store_odm_foreach_audit    (ParasolStore        *self,
                                              gint64               patient_id,
                                              ParasolOdmAuditFunc  func,
                                              gpointer             user_data,
                                              GError             **error);
/* Distinct (who, who_name) of the audit trail, and distinct patient sites; each callback gets
 * two values for users (account, display name) and one for sites. */
gboolean  parasol_store_odm_foreach_user     (ParasolStore      *self,
                                              ParasolOdmRowFunc  func,
                                              gpointer           user_data,
                                              GError           **error);
gboolean  parasol_store_odm_foreach_site     (ParasolStore      *self,
                                              ParasolOdmRowFunc  func,
                                              gpointer           user_data,
                                              GError           **error);
/* The chain head: the last seq and its hash (0 and the genesis hash when empty). */
gboolean  parasol_store_odm_audit_head       (ParasolStore  *self,
                                              gint64        *seq,
                                              char         **hash,
                                              GError       **error);

/* TRUE (and the row id in @id) when @patient_id already has a row of @table with exactly
 * these values. */
gboolean  parasol_store_odm_row_exists       (ParasolStore       *self,
                                              ParasolOdmTable     table,
                                              gint64              patient_id,
                                              const char *const  *values,
                                              gint64             *id,
                                              GError            **error);
/* Inserts a row of the evaluation, assignment, administration, response or event table with
 * its audit row carrying @reason ("imported from FILE (FileOID)"), in the caller's
 * transaction.  The values must have been checked (the schema's CHECK constraints back that
 * up).  Returns the new id or 0. */
gint64    parasol_store_odm_insert           (ParasolStore       *self,
                                              ParasolOdmTable     table,
                                              gint64              patient_id,
                                              const char *const  *values,
                                              const char         *reason,
                                              GError            **error);
/* A new patient with only its screening number, audited with @reason; the caller sets the other
 * fields with parasol_store_set_patient_field() and the same reason. */
gint64    parasol_store_odm_add_patient      (ParasolStore  *self,
                                              const char    *screening_number,
                                              const char    *reason,
                                              GError       **error);

/* Sets a patient field from an imported file, with the import's @reason.  Status and arm,
 * which parasol_store_set_patient_field() refuses, are the outcome of workflows that ran where
 * the file was written: they are restored as they are (the caller has checked the arm against
 * the protocol's code list), not re-derived. */
gboolean parasol_store_odm_restore_patient_field (ParasolStore *store,
                                                  gint64        patient_id,
                                                  const char   *field,
                                                  const char   *value,
                                                  const char   *reason,
                                                  GError      **error);

G_END_DECLS
