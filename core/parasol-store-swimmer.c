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

static char *
col_text (sqlite3_stmt *stmt,
          int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static void
col_date (sqlite3_stmt *stmt,
          int           col,
          GDate        *date)
{
  parasol_date_parse_iso ((const char *) sqlite3_column_text (stmt, col), date);
}

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

static gboolean
merge_rows (ParasolStore  *self,
            GPtrArray     *facts,
            const char    *sql,
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
      ParasolPatientFacts *f = find_facts (facts, &cursor, sqlite3_column_int64 (stmt, 0));

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
add_cycle (ParasolPatientFacts *f,
           sqlite3_stmt        *stmt)
{
  ParasolCycleRecord *c = parasol_cycle_record_new ();

  c->id = sqlite3_column_int64 (stmt, 1);
  c->number = sqlite3_column_int (stmt, 2);
  col_date (stmt, 3, &c->start);
  c->status = col_text (stmt, 4);
  c->reason = col_text (stmt, 5);
  g_ptr_array_add (f->cycles, c);
}

static void
add_response (ParasolPatientFacts *f,
              sqlite3_stmt        *stmt)
{
  ParasolResponse *r = parasol_response_new ();

  r->id = sqlite3_column_int64 (stmt, 1);
  col_date (stmt, 2, &r->date);
  r->response = col_text (stmt, 3);
  g_ptr_array_add (f->responses, r);
}

static void
add_event (ParasolPatientFacts *f,
           sqlite3_stmt        *stmt)
{
  ParasolEvent *e = parasol_event_new ();

  e->id = sqlite3_column_int64 (stmt, 1);
  e->kind = col_text (stmt, 2);
  col_date (stmt, 3, &e->date);
  e->reason = col_text (stmt, 4);
  g_ptr_array_add (f->events, e);
}

static void
add_last_dose (ParasolPatientFacts *f,
               sqlite3_stmt        *stmt)
{
  ParasolAdministration *a = parasol_administration_new ();

  col_date (stmt, 1, &a->date);
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
      f->screening_number = col_text (stmt, 2);
      f->subject_number = col_text (stmt, 3);
      f->initials = col_text (stmt, 4);
      f->site = col_text (stmt, 5);
      f->status = col_text (stmt, 6);
      f->arm = col_text (stmt, 7);
      f->ici = col_text (stmt, 8);
      col_date (stmt, 9, &f->c1d1);
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

  if (!merge_rows (self, facts,
                   "SELECT c.patient_id, c.id, c.number, c.start_date, c.status, c.reason"
                   " FROM cycle c JOIN patient p ON p.id = c.patient_id WHERE " TREATED
                   " ORDER BY c.patient_id, c.number", add_cycle, error) ||
      !merge_rows (self, facts,
                   "SELECT r.patient_id, r.id, r.assessed_on, r.response"
                   " FROM response r JOIN patient p ON p.id = r.patient_id WHERE " TREATED
                   " AND r.withdrawn = 0 ORDER BY r.patient_id, r.assessed_on, r.id", add_response, error) ||
      !merge_rows (self, facts,
                   "SELECT e.patient_id, e.id, e.kind, e.occurred_on, e.reason"
                   " FROM event e JOIN patient p ON p.id = e.patient_id WHERE " TREATED
                   " AND e.withdrawn = 0 ORDER BY e.patient_id, e.occurred_on, e.id", add_event, error) ||
      !merge_rows (self, facts,
                   "SELECT a.patient_id, MAX (a.given_on)"
                   " FROM administration a JOIN patient p ON p.id = a.patient_id WHERE " TREATED
                   " GROUP BY a.patient_id ORDER BY a.patient_id", add_last_dose, error))
    return NULL;

  return g_steal_pointer (&facts);
}
