/* parasol-store-evaluation.c — reading back a kept eligibility evaluation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parasol_store_record_evaluation() keeps an evaluation with the protocol version it used (at
 * enrolment, for one); the patient page shows that one for an enrolled patient, not today's.
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "parasol-store.h"
#include "parasol-store-private.h"

void
parasol_kept_evaluation_free (ParasolKeptEvaluation *evaluation)
{
  if (evaluation == NULL)
    return;
  g_free (evaluation->context);
  g_free (evaluation->protocol_version);
  g_free (evaluation->verdict);
  g_free (evaluation->criteria_json);
  g_free (evaluation);
}

static void
column_date (sqlite3_stmt *stmt,
             int           col,
             GDate        *date)
{
  g_autofree char *text = store_column_strdup (stmt, col);

  g_date_clear (date, 1);
  if (text != NULL && !parasol_date_parse_iso (text, date))
    g_date_clear (date, 1);
}

ParasolKeptEvaluation *
parasol_store_get_kept_evaluation (ParasolStore  *self,
                                   gint64         patient_id,
                                   const char    *context,
                                   GError       **error)
{
  g_autoptr(ParasolKeptEvaluation) kept = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);
  g_return_val_if_fail (context != NULL, NULL);

  stmt = store_prepare (self,
                        "SELECT id, context, protocol_version, evaluated_on, verdict, lapses_on, "
                        "criteria FROM evaluation WHERE patient_id = ?1 AND context = ?2 "
                        "ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  sqlite3_bind_text (stmt, 2, context, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      kept = g_new0 (ParasolKeptEvaluation, 1);
      kept->id = sqlite3_column_int64 (stmt, 0);
      kept->context = store_column_strdup (stmt, 1);
      kept->protocol_version = store_column_strdup (stmt, 2);
      column_date (stmt, 3, &kept->evaluated_on);
      kept->verdict = store_column_strdup (stmt, 4);
      column_date (stmt, 5, &kept->lapses_on);
      kept->criteria_json = store_column_strdup (stmt, 6);
    }
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("No evaluation was kept for this patient at %s."), context);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      store_set_error (self, error, rc, _("reading the kept evaluation"));
      return NULL;
    }
  return g_steal_pointer (&kept);
}
