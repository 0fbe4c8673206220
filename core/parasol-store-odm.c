/* parasol-store-odm.c — the store queries and writes behind CDISC ODM export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads stream row by row (one prepared statement, one callback per row), so that an export's
 * memory does not grow with the trial.  Writes go through store_insert_record() and
 * parasol_store_set_patient_field(), which append the audit rows in the caller's transaction.
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "parasol-store.h"
#include "parasol-store-odm.h"
#include "parasol-store-private.h"

#define T PARASOL_ODM_KIND_TEXT
#define I PARASOL_ODM_KIND_INT
#define R PARASOL_ODM_KIND_REAL
#define D PARASOL_ODM_KIND_DATE
#define DT PARASOL_ODM_KIND_DATETIME
#define B PARASOL_ODM_KIND_BOOL

/* The only identifiers ever spliced into SQL text here. */
static const ParasolOdmColumn patient_columns[] = {
  { "screening_number", T, TRUE }, { "subject_number", T }, { "initials", T }, { "sex", T },
  { "birth_date", D }, { "site", T }, { "status", T, TRUE }, { "arm", T }, { "ici", T },
  { "screening_date", D }, { "c1d1", D }, { "ecog", I }, { "liver_metastases", B },
  { "liver_infiltration", B }, { "height_cm", R }, { "weight_kg", R }, { "dose_weight_kg", R },
  { "childbearing_potential", B }, { "last_transfusion", D }, { "platinum", T },
};
static const ParasolOdmColumn lab_columns[] = {
  { "lab", T, TRUE }, { "value", R, TRUE }, { "unit", T, TRUE }, { "value_entered", R },
  { "unit_entered", T }, { "uln", R }, { "sample_date", D, TRUE },
};
static const ParasolOdmColumn attestation_columns[] = {
  { "criterion", T, TRUE }, { "met", B, TRUE }, { "note", T }, { "source", T },
  { "attested_on", D },
};
static const ParasolOdmColumn evaluation_columns[] = {
  { "context", T, TRUE }, { "protocol_version", T, TRUE }, { "evaluated_on", D, TRUE },
  { "verdict", T, TRUE }, { "lapses_on", D }, { "criteria", T },
};
static const ParasolOdmColumn biomarker_columns[] = {
  { "marker", T, TRUE }, { "method", T, TRUE }, { "value", R }, { "weak", R }, { "moderate", R },
  { "strong", R }, { "pending", B, TRUE }, { "sample_date", D },
};
static const ParasolOdmColumn assignment_columns[] = {
  { "proposed", T }, { "arm", T, TRUE }, { "protocol_version", T }, { "reason", T },
  { "decided_at", DT, TRUE },
};
static const ParasolOdmColumn cycle_columns[] = {
  { "number", I, TRUE }, { "start_date", D, TRUE }, { "status", T, TRUE }, { "reason", T },
};
static const ParasolOdmColumn administration_columns[] = {
  { "cycle", I, TRUE }, { "drug", T, TRUE }, { "given_on", D, TRUE }, { "dose", R },
  { "unit", T }, { "given_by", T }, { "reason", T }, { "flagged", B, TRUE },
};
static const ParasolOdmColumn response_columns[] = {
  { "assessed_on", D, TRUE }, { "response", T, TRUE },
};
static const ParasolOdmColumn event_columns[] = {
  { "kind", T, TRUE }, { "occurred_on", D, TRUE }, { "reason", T },
};
static const ParasolOdmColumn weight_columns[] = {
  { "weight_kg", R, TRUE }, { "measured_on", D, TRUE },
};

#undef T
#undef I
#undef R
#undef D
#undef DT
#undef B

static const struct {
  const char             *name;
  const ParasolOdmColumn *columns;
  guint                   n_columns;
} tables[PARASOL_ODM_N_TABLES] = {
  [PARASOL_ODM_TABLE_PATIENT] = { "patient", patient_columns, G_N_ELEMENTS (patient_columns) },
  [PARASOL_ODM_TABLE_LAB] = { "lab", lab_columns, G_N_ELEMENTS (lab_columns) },
  [PARASOL_ODM_TABLE_ATTESTATION] = { "attestation", attestation_columns, G_N_ELEMENTS (attestation_columns) },
  [PARASOL_ODM_TABLE_EVALUATION] = { "evaluation", evaluation_columns, G_N_ELEMENTS (evaluation_columns) },
  [PARASOL_ODM_TABLE_BIOMARKER] = { "biomarker", biomarker_columns, G_N_ELEMENTS (biomarker_columns) },
  [PARASOL_ODM_TABLE_ASSIGNMENT] = { "assignment", assignment_columns, G_N_ELEMENTS (assignment_columns) },
  [PARASOL_ODM_TABLE_CYCLE] = { "cycle", cycle_columns, G_N_ELEMENTS (cycle_columns) },
  [PARASOL_ODM_TABLE_ADMINISTRATION] = { "administration", administration_columns, G_N_ELEMENTS (administration_columns) },
  [PARASOL_ODM_TABLE_RESPONSE] = { "response", response_columns, G_N_ELEMENTS (response_columns) },
  [PARASOL_ODM_TABLE_EVENT] = { "event", event_columns, G_N_ELEMENTS (event_columns) },
  [PARASOL_ODM_TABLE_WEIGHT] = { "weight", weight_columns, G_N_ELEMENTS (weight_columns) },
};

const char *
parasol_store_odm_table_name (ParasolOdmTable table)
{
  g_return_val_if_fail ((guint) table < PARASOL_ODM_N_TABLES, NULL);
  return tables[table].name;
}

const ParasolOdmColumn *
parasol_store_odm_columns (ParasolOdmTable table,
                           guint          *n_columns)
{
  g_return_val_if_fail ((guint) table < PARASOL_ODM_N_TABLES, NULL);
  *n_columns = tables[table].n_columns;
  return tables[table].columns;
}

/* The shortest of %.15g and %.17g that reads back to the same double. */
static void
format_real (double value,
             char  *buf,
             gsize  len)
{
  g_ascii_formatd (buf, len, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, len, "%.17g", value);
}

/* Fills @values (n_columns + 1 pointers) from the current row; REALs go into @bufs. */
static void
row_values (sqlite3_stmt           *stmt,
            const ParasolOdmColumn *columns,
            guint                   n_columns,
            const char            **values,
            char                  (*bufs)[G_ASCII_DTOSTR_BUF_SIZE])
{
  for (guint i = 0; i < n_columns; i++)
    {
      if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
        values[i] = NULL;
      else if (columns[i].kind == PARASOL_ODM_KIND_REAL)
        {
          format_real (sqlite3_column_double (stmt, i), bufs[i], G_ASCII_DTOSTR_BUF_SIZE);
          values[i] = bufs[i];
        }
      else
        values[i] = (const char *) sqlite3_column_text (stmt, i);
    }
  values[n_columns] = NULL;
}

gboolean
parasol_store_odm_foreach_row (ParasolStore      *self,
                               ParasolOdmTable    table,
                               gint64             patient_id,
                               int                cycle,
                               ParasolOdmRowFunc  func,
                               gpointer           user_data,
                               GError           **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  const ParasolOdmColumn *columns;
  guint n_columns;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  g_return_val_if_fail ((guint) table < PARASOL_ODM_N_TABLES, FALSE);

  columns = parasol_store_odm_columns (table, &n_columns);
  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", columns[i].name);
  g_string_append_printf (sql, " FROM %s WHERE ", tables[table].name);
  if (table == PARASOL_ODM_TABLE_PATIENT)
    g_string_append (sql, "id = ?1");
  else
    {
      g_string_append (sql, "patient_id = ?1");
      if (table == PARASOL_ODM_TABLE_CYCLE)
        g_string_append (sql, " AND (?2 = 0 OR number = ?2)");
      else if (table == PARASOL_ODM_TABLE_ADMINISTRATION)
        g_string_append (sql, " AND (?2 = 0 OR cycle = ?2)");
      else if (table == PARASOL_ODM_TABLE_RESPONSE || table == PARASOL_ODM_TABLE_EVENT)
        /* withdrawn as entered in error: not live data (the audit trail keeps them) */
        g_string_append (sql, " AND withdrawn = 0");
      g_string_append (sql, " ORDER BY ");
      for (guint i = 0; i < n_columns; i++)
        g_string_append_printf (sql, "%s%u", i > 0 ? ", " : "", i + 1);
    }

  stmt = store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  if (table == PARASOL_ODM_TABLE_CYCLE || table == PARASOL_ODM_TABLE_ADMINISTRATION)
    sqlite3_bind_int (stmt, 2, cycle);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *values[G_N_ELEMENTS (patient_columns) + 1];
      char bufs[G_N_ELEMENTS (patient_columns)][G_ASCII_DTOSTR_BUF_SIZE];

      row_values (stmt, columns, n_columns, values, bufs);
      if (!func (values, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the trial for export"));
      return FALSE;
    }
  return TRUE;
}

void
parasol_store_odm_read_begin (ParasolStore *self)
{
  g_return_if_fail (PARASOL_IS_STORE (self));

  if (self->depth == 0 && sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL);
}

void
parasol_store_odm_read_end (ParasolStore *self)
{
  g_return_if_fail (PARASOL_IS_STORE (self));

  if (self->depth == 0 && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
}

GArray *
parasol_store_odm_cycle_numbers (ParasolStore  *self,
                                 gint64         patient_id,
                                 GError       **error)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (int));
  sqlite3_stmt *stmt;
  int rc;

  stmt = store_prepare (self,
                        "SELECT number FROM cycle WHERE patient_id = ?1"
                        " UNION SELECT cycle FROM administration WHERE patient_id = ?1"
                        " ORDER BY 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int n = sqlite3_column_int (stmt, 0);
      g_array_append_val (numbers, n);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the trial for export"));
      return NULL;
    }
  return g_steal_pointer (&numbers);
}

gboolean
parasol_store_odm_foreach_audit (ParasolStore        *self,
                                 gint64               patient_id,
                                 ParasolOdmAuditFunc  func,
                                 gpointer             user_data,
                                 GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = store_prepare (self,
    "SELECT x.seq, x.at, x.who, x.who_name, x.tbl, x.record, x.field, x.old_value, x.new_value,"
    " x.reason, x.prev_hash, x.hash, (SELECT site FROM patient WHERE id = x.pid)"
    " FROM (SELECT a.*, CASE a.tbl"
    "   WHEN 'patient' THEN a.record"
    "   WHEN 'lab' THEN (SELECT patient_id FROM lab WHERE id = a.record)"
    "   WHEN 'attestation' THEN (SELECT patient_id FROM attestation WHERE id = a.record)"
    "   WHEN 'evaluation' THEN (SELECT patient_id FROM evaluation WHERE id = a.record)"
    "   WHEN 'biomarker' THEN (SELECT patient_id FROM biomarker WHERE id = a.record)"
    "   WHEN 'assignment' THEN (SELECT patient_id FROM assignment WHERE id = a.record)"
    "   WHEN 'cycle' THEN (SELECT patient_id FROM cycle WHERE id = a.record)"
    "   WHEN 'administration' THEN (SELECT patient_id FROM administration WHERE id = a.record)"
    "   WHEN 'response' THEN (SELECT patient_id FROM response WHERE id = a.record)"
    "   WHEN 'event' THEN (SELECT patient_id FROM event WHERE id = a.record)"
    "   END AS pid FROM audit a) x"
    " WHERE ?1 = 0 OR x.pid = ?1 ORDER BY x.seq", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolOdmAuditRow row = {
        sqlite3_column_int64 (stmt, 0),
        (const char *) sqlite3_column_text (stmt, 1),
        (const char *) sqlite3_column_text (stmt, 2),
        (const char *) sqlite3_column_text (stmt, 3),
        (const char *) sqlite3_column_text (stmt, 4),
        sqlite3_column_int64 (stmt, 5),
        (const char *) sqlite3_column_text (stmt, 6),
        (const char *) sqlite3_column_text (stmt, 7),
        (const char *) sqlite3_column_text (stmt, 8),
        (const char *) sqlite3_column_text (stmt, 9),
        (const char *) sqlite3_column_text (stmt, 10),
        (const char *) sqlite3_column_text (stmt, 11),
        (const char *) sqlite3_column_text (stmt, 12),
      };

      if (!func (&row, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the audit trail"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
foreach_text_rows (ParasolStore      *self,
                   const char        *sql,
                   guint              n_columns,
                   ParasolOdmRowFunc  func,
                   gpointer           user_data,
                   GError           **error)
{
  sqlite3_stmt *stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *values[3] = { NULL, NULL, NULL };

      for (guint i = 0; i < n_columns && i < 2; i++)
        values[i] = (const char *) sqlite3_column_text (stmt, i);
      if (!func (values, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the trial for export"));
      return FALSE;
    }
  return TRUE;
}

gboolean
parasol_store_odm_foreach_user (ParasolStore      *self,
                                ParasolOdmRowFunc  func,
                                gpointer           user_data,
                                GError           **error)
{
  return foreach_text_rows (self,
                            "SELECT who, MAX (who_name) FROM audit GROUP BY who ORDER BY who",
                            2, func, user_data, error);
}

gboolean
parasol_store_odm_foreach_site (ParasolStore      *self,
                                ParasolOdmRowFunc  func,
                                gpointer           user_data,
                                GError           **error)
{
  return foreach_text_rows (self,
                            "SELECT DISTINCT site FROM patient WHERE site IS NOT NULL ORDER BY 1",
                            1, func, user_data, error);
}

gboolean
parasol_store_odm_audit_head (ParasolStore  *self,
                              gint64        *seq,
                              char         **hash,
                              GError       **error)
{
  sqlite3_stmt *stmt = store_prepare (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      *hash = store_column_strdup (stmt, 1);
    }
  else
    {
      *seq = 0;
      *hash = g_strdup (GENESIS_HASH);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_clear_pointer (hash, g_free);
      store_set_error (self, error, rc, _("reading the audit trail"));
      return FALSE;
    }
  return TRUE;
}

static void
bind_value (sqlite3_stmt           *stmt,
            int                     index,
            const ParasolOdmColumn *column,
            const char             *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, index);
  else if (column->kind == PARASOL_ODM_KIND_REAL)
    sqlite3_bind_double (stmt, index, g_ascii_strtod (value, NULL));
  else if (column->kind == PARASOL_ODM_KIND_INT || column->kind == PARASOL_ODM_KIND_BOOL)
    sqlite3_bind_int64 (stmt, index, g_ascii_strtoll (value, NULL, 10));
  else
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

gboolean
parasol_store_odm_row_exists (ParasolStore       *self,
                              ParasolOdmTable     table,
                              gint64              patient_id,
                              const char *const  *values,
                              gint64             *id,
                              GError            **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id FROM ");
  const ParasolOdmColumn *columns;
  guint n_columns;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (table != PARASOL_ODM_TABLE_PATIENT, FALSE);

  *id = 0;
  columns = parasol_store_odm_columns (table, &n_columns);
  g_string_append_printf (sql, "%s WHERE patient_id = ?1", tables[table].name);
  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (sql, " AND %s IS ?%u", columns[i].name, i + 2);
  g_string_append (sql, " LIMIT 1");

  stmt = store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  for (guint i = 0; i < n_columns; i++)
    bind_value (stmt, i + 2, &columns[i], values[i]);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the trial"));
      return FALSE;
    }
  return *id != 0;
}

gint64
parasol_store_odm_insert (ParasolStore       *self,
                          ParasolOdmTable     table,
                          gint64              patient_id,
                          const char *const  *values,
                          const char         *reason,
                          GError            **error)
{
  Col cols[G_N_ELEMENTS (patient_columns) + 1];
  const ParasolOdmColumn *columns;
  guint n_columns;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);
  g_return_val_if_fail (table == PARASOL_ODM_TABLE_EVALUATION ||
                        table == PARASOL_ODM_TABLE_ASSIGNMENT ||
                        table == PARASOL_ODM_TABLE_ADMINISTRATION ||
                        table == PARASOL_ODM_TABLE_RESPONSE ||
                        table == PARASOL_ODM_TABLE_EVENT ||
                        table == PARASOL_ODM_TABLE_WEIGHT, 0);

  columns = parasol_store_odm_columns (table, &n_columns);
  cols[0] = (Col) INT_COL ("patient_id", patient_id);
  for (guint i = 0; i < n_columns; i++)
    {
      const char *v = values[i];
      Col *c = &cols[i + 1];

      switch (columns[i].kind)
        {
        case PARASOL_ODM_KIND_REAL:
          *c = (Col) REAL_COL (columns[i].name, v != NULL ? g_ascii_strtod (v, NULL) : NAN);
          break;
        case PARASOL_ODM_KIND_INT:
        case PARASOL_ODM_KIND_BOOL:
          *c = (Col) INT_COL (columns[i].name, v != NULL ? g_ascii_strtoll (v, NULL, 10) : 0);
          c->is_null = v == NULL;
          break;
        default:
          *c = (Col) TEXT_COL (columns[i].name, v);
          break;
        }
      if (columns[i].required && v == NULL)
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                       _("A %s record needs a value for %s."), tables[table].name,
                       columns[i].name);
          return 0;
        }
    }
  return store_insert_record (self, tables[table].name, patient_id, cols, n_columns + 1, reason,
                              error);
}

gint64
parasol_store_odm_add_patient (ParasolStore  *self,
                               const char    *screening_number,
                               const char    *reason,
                               GError       **error)
{
  const Col cols[] = { TEXT_COL ("screening_number", screening_number) };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (screening_number == NULL || *screening_number == '\0' ||
      g_ascii_isspace (*screening_number) ||
      g_ascii_isspace (screening_number[strlen (screening_number) - 1]) ||
      strlen (screening_number) > 64)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not a valid screening number."),
                   screening_number != NULL ? screening_number : "");
      return 0;
    }
  if (parasol_store_find_patient (self, screening_number, NULL) != 0)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("A patient with screening number %s already exists."), screening_number);
      return 0;
    }
  return store_insert_record (self, "patient", 0, cols, G_N_ELEMENTS (cols), reason, error);
}

gboolean
parasol_store_odm_restore_patient_field (ParasolStore *store,
                                         gint64        patient_id,
                                         const char   *field,
                                         const char   *value,
                                         const char   *reason,
                                         GError      **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (store), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  if (g_str_equal (field, "status"))
    return parasol_store_set_patient_status (store, patient_id, value, reason, error);
  if (g_str_equal (field, "arm"))
    return store_set_patient_arm (store, patient_id, value, reason, error);
  if (g_str_equal (field, "platinum"))
    return parasol_store_set_patient_platinum (store, patient_id, value, reason, error);
  /* The file holds the patient's weight as such, without the day it was measured: restored as
   * it was exported, not as a measurement taken on the day of the import */
  if (g_str_equal (field, "weight_kg"))
    return store_set_patient_weight_kg (store, patient_id, value, 0, reason, error);
  return parasol_store_set_patient_field (store, patient_id, field, value, 0, reason, error);
}
