/* parasol-store-swimmer.c — the swimmer plot's read: every treated patient in five queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parasol_store_load_patient() costs eight queries per patient; the swimmer plot needs only the
 * summary fields, cycles, responses, events and the last dose of every treated patient, so it
 * reads each table once, ordered by patient, and merges.
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "parasol-store.h"
#include "parasol-store-private.h"

#define TREATED "p.c1d1 IS NOT NULL AND p.status IN ('on_treatment', 'off_treatment')"

/* The facts of @patient_id: rows come ordered by patient id, like @facts. */
static ParasolPatientFacts *
find_facts (GPtrArray *facts,
            guint     *cursor,
            gint64     patient_id)
{
  while (*cursor < facts->len)
    {
      ParasolPatientFacts *f = g_ptr_array_index (facts, *cursor);

      if (f->id == patient_id)
        return f;
      if (f->id > patient_id)
        return NULL;
      (*cursor)++;
    }
  return NULL;
}

typedef void (*RowFunc) (ParasolPatientFacts *facts,
                         sqlite3_stmt        *stmt);

/* @sql selects the patient's id in column @patient_column. */
static gboolean
merge_rows (ParasolStore  *self,
            GPtrArray     *facts,
            const char    *sql,
            int            patient_column,
            RowFunc        func,
            GError       **error)
{
  sqlite3_stmt *stmt = store_prepare (self, sql, error);
  guint cursor = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolPatientFacts *f = find_facts (facts, &cursor,
                                           sqlite3_column_int64 (stmt, patient_column));

      if (f != NULL)
        func (f, stmt);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the treated patients"));
      return FALSE;
    }
  return TRUE;
}

static void
add_last_dose (ParasolPatientFacts *f,
               sqlite3_stmt        *stmt)
{
  ParasolAdministration *a = parasol_administration_new ();

  store_column_date (stmt, 1, &a->date);
  g_ptr_array_add (f->administrations, a);
}

GPtrArray *
parasol_store_load_treated (ParasolStore  *self,
                            GError       **error)
{
  g_autoptr(GPtrArray) facts = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_patient_facts_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);

  stmt = store_prepare (self,
                                       "SELECT p.id, p.version, p.screening_number,"
                                       " p.subject_number, p.initials, p.site, p.status, p.arm,"
                                       " p.ici, p.c1d1 FROM patient p WHERE " TREATED
                                       " ORDER BY p.id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolPatientFacts *f = parasol_patient_facts_new ();

      f->id = sqlite3_column_int64 (stmt, 0);
      f->version = sqlite3_column_int64 (stmt, 1);
      f->screening_number = store_column_strdup (stmt, 2);
      f->subject_number = store_column_strdup (stmt, 3);
      f->initials = store_column_strdup (stmt, 4);
      f->site = store_column_strdup (stmt, 5);
      f->status = store_column_strdup (stmt, 6);
      f->arm = store_column_strdup (stmt, 7);
      f->ici = store_column_strdup (stmt, 8);
      store_column_date (stmt, 9, &f->c1d1);
      g_ptr_array_add (facts, f);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the treated patients"));
      return NULL;
    }
  if (facts->len == 0)
    return g_steal_pointer (&facts);

  /* The records' columns as parasol_store_load_patient() reads them, then the patient's id. */
  if (!merge_rows (self, facts,
                   "SELECT " CYCLE_COLUMNS ", patient_id FROM cycle"
                   " WHERE patient_id IN (SELECT p.id FROM patient p WHERE " TREATED ")"
                   " ORDER BY patient_id, number", 5, store_add_cycle_row, error) ||
      !merge_rows (self, facts,
                   "SELECT " RESPONSE_COLUMNS ", patient_id FROM response"
                   " WHERE withdrawn = 0 AND patient_id IN (SELECT p.id FROM patient p WHERE "
                   TREATED ") ORDER BY patient_id, assessed_on, id", 5, store_add_response_row,
                   error) ||
      !merge_rows (self, facts,
                   "SELECT " EVENT_COLUMNS ", patient_id FROM event"
                   " WHERE withdrawn = 0 AND patient_id IN (SELECT p.id FROM patient p WHERE "
                   TREATED ") ORDER BY patient_id, occurred_on, id", 6, store_add_event_row,
                   error) ||
      !merge_rows (self, facts,
                   "SELECT a.patient_id, MAX (a.given_on)"
                   " FROM administration a JOIN patient p ON p.id = a.patient_id WHERE " TREATED
                   " GROUP BY a.patient_id ORDER BY a.patient_id", 0, add_last_dose, error))
    return NULL;

  return g_steal_pointer (&facts);
}
