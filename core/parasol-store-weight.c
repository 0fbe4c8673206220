/* parasol-store-weight.c — a patient's weights, each with the day it was measured
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The weight table (schema 6) keeps every measurement; patient.weight_kg stays the newest one,
 * so that everything reading the patient row (the list, eligibility, ODM) reads what it did.
 * A cycle's doses use the weight measured on or before its day 1 (parasol-patient-dosing.c), so
 * a new weight does not rewrite the doses of cycles already begun.
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "parasol-store.h"
#include "parasol-store-private.h"

/* The local day of the UTC time @at ("2026-03-08T08:00:00.000000Z"); cleared when unreadable. */
static void
local_day_of (const char *at,
              GDate      *date)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_date_clear (date, 1);
  if (at == NULL)
    return;
  utc = g_date_time_new_from_iso8601 (at, NULL);
  if (utc == NULL)
    return;
  local = g_date_time_to_local (utc);
  if (local == NULL)
    return;
  g_date_set_dmy (date, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
}

/* The local day the patient's undated weight_kg was last saved: its last audit row, else the
 * patient's insertion.  Cleared when unknown; FALSE on a read error. */
static gboolean
legacy_weight_date (ParasolStore *self,
                    gint64        patient_id,
                    GDate        *date,
                    GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_date_clear (date, 1);
  stmt = store_prepare (self, "SELECT at FROM audit WHERE tbl = 'patient' AND record = ?1"
                              " AND (field = 'weight_kg' OR field IS NULL)"
                              " ORDER BY field IS NULL, seq DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    local_day_of ((const char *) sqlite3_column_text (stmt, 0), date);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the audit trail"));
      return FALSE;
    }
  return TRUE;
}

/* The newest dated weight of the patient: its id and date (0 and cleared when none). */
static gboolean
newest_weight (ParasolStore *self,
               gint64        patient_id,
               gint64       *id,
               GDate        *date,
               GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *id = 0;
  g_date_clear (date, 1);
  stmt = store_prepare (self, "SELECT id, measured_on FROM weight WHERE patient_id = ?1"
                              " ORDER BY measured_on DESC, id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *id = sqlite3_column_int64 (stmt, 0);
      store_column_date (stmt, 1, date);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the weights"));
      return FALSE;
    }
  return TRUE;
}

/* The id of the patient's weight measured on @iso (0: none), -1 on error. */
static gint64
weight_on (ParasolStore *self,
           gint64        patient_id,
           const char   *iso,
           GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  stmt = store_prepare (self, "SELECT id FROM weight WHERE patient_id = ?1 AND measured_on = ?2",
                        error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  sqlite3_bind_text (stmt, 2, iso, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the weights"));
      return -1;
    }
  return id;
}

/* The patient's row: its weight_kg (NAN when none) and version.  FALSE (NOT_FOUND) without it. */
static gboolean
read_patient_weight (ParasolStore *self,
                     gint64        patient_id,
                     double       *weight_kg,
                     gint64       *version,
                     GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = store_prepare (self, "SELECT weight_kg, version FROM patient WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *weight_kg = store_column_double_or_nan (stmt, 0);
      *version = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                 _("There is no patient with id %" PRId64 "."), patient_id);
  else if (rc != SQLITE_ROW)
    store_set_error (self, error, rc, _("reading the patient"));
  return rc == SQLITE_ROW;
}

static gint64
insert_weight (ParasolStore *self,
               gint64        patient_id,
               double        weight_kg,
               const char   *iso,
               const char   *reason,
               GError      **error)
{
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    REAL_COL ("weight_kg", weight_kg),
    TEXT_COL ("measured_on", iso),
  };

  return store_insert_record (self, "weight", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
}

gboolean
parasol_store_check_weight (double        weight_kg,
                            const GDate  *measured_on,
                            GError      **error)
{
  g_autofree char *text = NULL;
  g_autofree char *normalised = NULL;

  if (measured_on == NULL || !g_date_valid (measured_on))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A weight needs the day it was measured (YYYY-MM-DD)."));
      return FALSE;
    }
  if (!store_check_past_date (measured_on, _("weight measurement"), error))
    return FALSE;
  if (!isfinite (weight_kg))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A weight needs a number of kilograms."));
      return FALSE;
    }
  /* The same plausible range as the patient's weight_kg */
  text = store_format_double (weight_kg);
  return store_normalise_patient_field ("weight_kg", text, &normalised, error);
}

gint64
parasol_store_add_weight (ParasolStore *self,
                          gint64        patient_id,
                          double        weight_kg,
                          const GDate  *measured_on,
                          gint64        expected_version,
                          const char   *reason,
                          GError      **error)
{
  g_autofree char *iso = NULL;
  g_autofree char *text = NULL;
  g_autofree char *normalised = NULL;
  g_autofree char *mirror_reason = NULL;
  double saved_kg = NAN;
  gint64 version = 0, id, newest_id;
  GDate newest;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!parasol_store_check_weight (weight_kg, measured_on, error))
    return 0;
  text = store_format_double (weight_kg);
  if (!store_normalise_patient_field ("weight_kg", text, &normalised, error))
    return 0;
  weight_kg = g_ascii_strtod (normalised, NULL);
  iso = parasol_date_to_iso (measured_on);
  if (reason != NULL && *reason == '\0')
    reason = NULL;

  if (!store_write_begin (self, error))
    return 0;

  if (!read_patient_weight (self, patient_id, &saved_kg, &version, error))
    goto fail;
  if (expected_version != 0 && expected_version != version)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CONFLICT,
                   _("This patient was changed elsewhere (by another window or computer) since "
                     "you opened it. Reload to see the current values; your change was not "
                     "saved."));
      goto fail;
    }

  if (!newest_weight (self, patient_id, &newest_id, &newest, error))
    goto fail;

  /* A weight saved before dates were kept becomes the first dated one, on the day it was saved */
  if (newest_id == 0 && !isnan (saved_kg))
    {
      GDate saved_on;
      g_autofree char *saved_iso = NULL;

      if (!legacy_weight_date (self, patient_id, &saved_on, error))
        goto fail;
      saved_iso = parasol_date_to_iso (&saved_on);
      if (saved_iso != NULL &&
          insert_weight (self, patient_id, saved_kg, saved_iso,
                         _("weight saved before measurement dates were kept, dated the day it "
                           "was saved"), error) == 0)
        goto fail;
    }

  id = weight_on (self, patient_id, iso, error);
  if (id < 0)
    goto fail;
  if (id == 0)
    {
      id = insert_weight (self, patient_id, weight_kg, iso, reason, error);
      if (id == 0)
        goto fail;
    }
  else
    {
      /* A second weight for a day already measured corrects it */
      const Col cols[] = { REAL_COL ("weight_kg", weight_kg) };

      if (!store_update_record (self, "weight", id, patient_id, cols, G_N_ELEMENTS (cols), 0,
                                reason, NULL, NULL, error))
        goto fail;
    }

  /* patient.weight_kg follows the newest measurement */
  if (!newest_weight (self, patient_id, &newest_id, &newest, error))
    goto fail;
  if (newest_id == id)
    {
      if (reason == NULL)
        /* Translators: the audit reason of the patient's weight following a new measurement */
        mirror_reason = g_strdup_printf (_("weight measured on %s"), iso);
      if (!store_set_patient_weight_kg (self, patient_id, normalised, 0,
                                        reason != NULL ? reason : mirror_reason, error))
        goto fail;
    }

  if (!store_write_commit (self, error))
    return 0;
  return id;

fail:
  store_write_rollback (self);
  return 0;
}

gboolean
parasol_store_get_weight_date (ParasolStore *self,
                               gint64        patient_id,
                               GDate        *date,
                               GError      **error)
{
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  g_return_val_if_fail (date != NULL, FALSE);

  if (!newest_weight (self, patient_id, &id, date, error))
    return FALSE;
  if (id != 0)
    return TRUE;
  return legacy_weight_date (self, patient_id, date, error);
}
