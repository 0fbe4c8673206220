/* parasol-store-treatment.c — store queries and writes for the treatment workflows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SQL the enrolment and administration rules need (core/parasol-administration.c and
 * friends), kept apart from the generic setters in parasol-store-patients.c and
 * parasol-store-records.c.
 */

#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "parasol-lab-entry.h"
#include "parasol-store-private.h"

/* The day of @patient_id's first dose (a dose above 0), or NULL when none was given. */
static char *
first_dose_date (ParasolStore  *self,
                 gint64         patient_id,
                 GError       **error,
                 gboolean      *ok)
{
  sqlite3_stmt *stmt;
  char *date = NULL;
  int rc;

  *ok = FALSE;
  stmt = store_prepare (self, "SELECT min(given_on) FROM administration "
                              "WHERE patient_id = ?1 AND dose > 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      date = store_column_strdup (stmt, 0);
      *ok = TRUE;
    }
  else
    store_set_error (self, error, rc, _("reading the patient's doses"));
  sqlite3_reset (stmt);
  return date;
}

gboolean
store_arm_change_allowed (ParasolStore  *self,
                          gint64         patient_id,
                          const char    *old_arm,
                          const char    *new_arm,
                          GError       **error)
{
  g_autofree char *first = NULL;
  gboolean ok;

  if (self->arm_correction || old_arm == NULL || g_strcmp0 (old_arm, new_arm) == 0)
    return TRUE;
  first = first_dose_date (self, patient_id, error, &ok);
  if (!ok)
    return FALSE;
  if (first == NULL)
    return TRUE;
  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
               _("The patient has been treated on arm “%s” since %s; the arm cannot change after "
                 "the first dose. If “%s” was recorded by mistake, record a correction of the arm "
                 "with its reason"),
               old_arm, first, old_arm);
  return FALSE;
}

gboolean
store_platinum_change_allowed (ParasolStore  *self,
                               gint64         patient_id,
                               const char    *old_platinum,
                               const char    *new_platinum,
                               GError       **error)
{
  g_autofree char *first = NULL;
  gboolean ok;

  if (old_platinum == NULL || g_strcmp0 (old_platinum, new_platinum) == 0)
    return TRUE;
  first = first_dose_date (self, patient_id, error, &ok);
  if (!ok)
    return FALSE;
  if (first == NULL)
    return TRUE;
  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
               _("The patient has been treated with %s since %s; the platinum cannot change after "
                 "the first dose"),
               old_platinum, first);
  return FALSE;
}

gint64
parasol_store_correct_arm (ParasolStore *self,
                           gint64        patient_id,
                           const char   *arm,
                           const char   *protocol_version,
                           const char   *reason,
                           GError      **error)
{
  g_autofree char *audit_reason = NULL;
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("Give a reason for the correction of the arm: what was wrong, and who "
                     "decided the correction."));
      return 0;
    }
  /* Translators: the audit trail's reason for an arm correction */
  audit_reason = g_strdup_printf (_("Correction: %s"), reason);
  self->arm_correction = TRUE;
  id = parasol_store_record_assignment (self, patient_id, NULL, arm, protocol_version,
                                        audit_reason, error);
  self->arm_correction = FALSE;
  return id;
}

gboolean
store_check_past_date (const GDate  *date,
                       const char   *what,
                       GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (date == NULL || !g_date_valid (date))
    return TRUE;
  /* The one rule (parasol-lab-entry.c), reported in the store's domain. */
  if (parasol_check_past_date (date, NULL, what, &local_error))
    return TRUE;
  g_set_error_literal (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                       local_error->message);
  return FALSE;
}
