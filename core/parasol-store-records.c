/* parasol-store-records.c — a patient's records: labs, biomarkers, attestations, treatment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
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

/* --- Patient records ------------------------------------------------------------------------ */

static gboolean
require_date (const GDate *date,
              const char  *what,
              GError     **error)
{
  if (date != NULL && g_date_valid (date))
    return TRUE;
  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
               _("The %s needs a date (YYYY-MM-DD)."), what);
  return FALSE;
}

gint64
parasol_store_add_lab (ParasolStore           *self,
                       gint64                  patient_id,
                       const ParasolLabResult *lab,
                       const char             *reason,
                       GError                **error)
{
  g_autofree char *date = parasol_date_to_iso (&lab->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("lab", lab->lab),
    REAL_COL ("value", lab->value),
    TEXT_COL ("unit", lab->unit),
    REAL_COL ("value_entered", lab->value_entered),
    TEXT_COL ("unit_entered", lab->unit_entered),
    REAL_COL ("uln", lab->uln),
    TEXT_COL ("sample_date", date),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (lab->lab == NULL || lab->unit == NULL || !isfinite (lab->value))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A lab result needs a test, a value and a unit."));
      return 0;
    }
  if (isfinite (lab->uln) && lab->uln <= 0)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The upper limit of normal for %s must be above zero."), lab->lab);
      return 0;
    }
  if (!require_date (&lab->date, _("lab result"), error) ||
      !store_check_past_date (&lab->date, _("lab result"), error))
    return 0;

  return store_insert_record (self, "lab", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
}

gint64
parasol_store_add_biomarker (ParasolStore                 *self,
                             gint64                        patient_id,
                             const ParasolBiomarkerResult *marker,
                             const char                   *reason,
                             GError                      **error)
{
  static const char *const methods[] = { "percent", "hscore", "amplified" };
  g_autofree char *date = parasol_date_to_iso (&marker->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("marker", marker->marker),
    TEXT_COL ("method", methods[marker->method]),
    REAL_COL ("value", marker->value),
    REAL_COL ("weak", marker->intensity[0]),
    REAL_COL ("moderate", marker->intensity[1]),
    REAL_COL ("strong", marker->intensity[2]),
    INT_COL ("pending", marker->pending ? 1 : 0),
    TEXT_COL ("sample_date", date),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (marker->marker == NULL || (guint) marker->method >= G_N_ELEMENTS (methods) ||
      (!marker->pending && !isfinite (marker->value)))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A biomarker result needs a marker and a value (or must be pending)."));
      return 0;
    }
  if (!store_check_past_date (&marker->date, _("biomarker sample"), error))
    return 0;
  return store_insert_record (self, "biomarker", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
}

/* Reads the id (and, for the message, one column) of the row of @table with @patient_id and
 * @key_column = @key: 0 if there is none. */
static gint64
find_record (ParasolStore *self,
             const char   *sql,
             gint64        patient_id,
             const char   *text_key,
             gint64        int_key,
             char        **detail,
             GError      **error)
{
  sqlite3_stmt *stmt = store_prepare (self, sql, error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  if (text_key != NULL)
    sqlite3_bind_text (stmt, 2, text_key, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 2, int_key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      *detail = store_column_strdup (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the record"));
      return -1;
    }
  return id;
}

gint64
parasol_store_set_attestation (ParasolStore             *self,
                               gint64                    patient_id,
                               const ParasolAttestation *attestation,
                               const char               *reason,
                               GError                  **error)
{
  g_autofree char *date = parasol_date_to_iso (&attestation->date);
  g_autofree char *old_met = NULL;
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (attestation->criterion == NULL || *attestation->criterion == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An attestation needs a criterion."));
      return 0;
    }
  if (!store_check_past_date (&attestation->date, _("attestation"), error))
    return 0;
  if (!store_write_begin (self, error))
    return 0;

  id = find_record (self, "SELECT id, met FROM attestation WHERE patient_id = ?1 AND criterion = ?2",
                    patient_id, attestation->criterion, 0, &old_met, error);
  if (id < 0)
    goto fail;

  if (id == 0)
    {
      const Col cols[] = {
        INT_COL ("patient_id", patient_id),
        TEXT_COL ("criterion", attestation->criterion),
        INT_COL ("met", attestation->met ? 1 : 0),
        TEXT_COL ("note", attestation->note),
        TEXT_COL ("source", attestation->source),
        TEXT_COL ("attested_on", date),
      };

      id = store_insert_record (self, "attestation", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
      if (id == 0)
        goto fail;
    }
  else
    {
      /* Re-attesting on a later date renews the attestation (no reason needed); any other
       * change to what was attested needs one. */
      Col cols[] = {
        INT_COL ("met", attestation->met ? 1 : 0),
        TEXT_COL ("note", attestation->note),
        TEXT_COL ("source", attestation->source),
        TEXT_COL ("attested_on", date),
      };
      g_autofree char *message = NULL;

      cols[0].labels = store_met_labels;
      cols[3].renews = TRUE;
      message = g_strdup_printf (_("Criterion %s was already attested (%s); changing it needs a "
                                   "reason."), attestation->criterion,
                                 g_strcmp0 (old_met, "1") == 0 ? "met" : "not_met");
      if (!store_update_record (self, "attestation", id, patient_id, cols, G_N_ELEMENTS (cols), 0,
                                reason, message, NULL, error))
        goto fail;
    }

  if (!store_write_commit (self, error))
    return 0;
  return id;

fail:
  store_write_rollback (self);
  return 0;
}

gint64
parasol_store_set_cycle (ParasolStore             *self,
                         gint64                    patient_id,
                         const ParasolCycleRecord *cycle,
                         const char               *reason,
                         GError                  **error)
{
  static const char *const statuses[] = { "delayed", "started", "skipped", NULL };
  g_autofree char *date = parasol_date_to_iso (&cycle->start);
  g_autofree char *old_date = NULL;
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (cycle->number < 1 || !g_strv_contains (statuses, cycle->status ? cycle->status : ""))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A cycle needs a number from 1 and a status (delayed, started or skipped)."));
      return 0;
    }
  if (!require_date (&cycle->start, _("cycle"), error))
    return 0;

  if (!store_write_begin (self, error))
    return 0;

  id = find_record (self, "SELECT id, start_date FROM cycle WHERE patient_id = ?1 AND number = ?2",
                    patient_id, NULL, cycle->number, &old_date, error);
  if (id < 0)
    goto fail;

  if (id == 0)
    {
      const Col cols[] = {
        INT_COL ("patient_id", patient_id),
        INT_COL ("number", cycle->number),
        TEXT_COL ("start_date", date),
        TEXT_COL ("status", cycle->status),
        TEXT_COL ("reason", cycle->reason),
      };

      id = store_insert_record (self, "cycle", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
      if (id == 0)
        goto fail;
    }
  else
    {
      const Col cols[] = {
        TEXT_COL ("start_date", date),
        TEXT_COL ("status", cycle->status),
        TEXT_COL ("reason", cycle->reason),
      };
      g_autofree char *message = g_strdup_printf (_("Cycle %d is already recorded (day 1 %s); "
                                                    "changing it needs a reason."),
                                                  cycle->number, old_date);

      if (!store_update_record (self, "cycle", id, patient_id, cols, G_N_ELEMENTS (cols), 0,
                                reason, message, NULL, error))
        goto fail;
    }

  if (!store_write_commit (self, error))
    return 0;
  return id;

fail:
  store_write_rollback (self);
  return 0;
}

gint64
parasol_store_add_administration (ParasolStore                *self,
                                  gint64                       patient_id,
                                  const ParasolAdministration *admin,
                                  GError                     **error)
{
  g_autofree char *date = parasol_date_to_iso (&admin->date);
  const char *given_by = admin->given_by != NULL ? admin->given_by : self->actor;
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    INT_COL ("cycle", admin->cycle),
    TEXT_COL ("drug", admin->drug),
    TEXT_COL ("given_on", date),
    REAL_COL ("dose", admin->dose),
    TEXT_COL ("unit", admin->unit),
    TEXT_COL ("given_by", given_by),
    TEXT_COL ("reason", admin->reason),
    INT_COL ("flagged", admin->flagged ? 1 : 0),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (admin->drug == NULL || admin->cycle < 1 || (isfinite (admin->dose) && admin->dose < 0))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An administration needs a drug, a cycle and a dose that is not negative."));
      return 0;
    }
  if (admin->flagged && (admin->reason == NULL || *admin->reason == '\0'))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("This dose of %s is flagged (outside the tolerance of the calculated "
                     "dose); recording it needs a reason."), admin->drug);
      return 0;
    }
  if (!require_date (&admin->date, _("administration"), error) ||
      !store_check_past_date (&admin->date, _("administration"), error))
    return 0;

  return store_insert_record (self, "administration", patient_id, cols, G_N_ELEMENTS (cols),
                        admin->reason, error);
}

gint64
parasol_store_add_response (ParasolStore          *self,
                            gint64                 patient_id,
                            const ParasolResponse *response,
                            GError               **error)
{
  return parasol_store_add_response_with_note (self, patient_id, response, NULL, error);
}

gint64
parasol_store_add_response_with_note (ParasolStore          *self,
                                      gint64                 patient_id,
                                      const ParasolResponse *response,
                                      const char            *note,
                                      GError               **error)
{
  static const char *const responses[] = { "CR", "PR", "SD", "PD", "NE", NULL };
  g_autofree char *date = parasol_date_to_iso (&response->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("assessed_on", date),
    TEXT_COL ("response", response->response),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (response->response == NULL || !g_strv_contains (responses, response->response))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not a RECIST 1.1 response; use CR, PR, SD, PD or NE."),
                   response->response ? response->response : "");
      return 0;
    }
  if (!require_date (&response->date, _("response assessment"), error) ||
      !store_check_past_date (&response->date, _("response assessment"), error))
    return 0;

  return store_insert_record (self, "response", patient_id, cols, G_N_ELEMENTS (cols),
                              note != NULL && *note != '\0' ? note : NULL, error);
}

gint64
parasol_store_add_event (ParasolStore       *self,
                         gint64              patient_id,
                         const ParasolEvent *event,
                         GError            **error)
{
  static const char *const kinds[] = { "death", "discontinuation", "progression",
                                       "last_known_alive", NULL };
  g_autofree char *date = parasol_date_to_iso (&event->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("kind", event->kind),
    TEXT_COL ("occurred_on", date),
    TEXT_COL ("reason", event->reason),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (event->kind == NULL || !g_strv_contains (kinds, event->kind))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not an event kind; use death, discontinuation, progression or "
                     "last_known_alive."),
                   event->kind ? event->kind : "");
      return 0;
    }
  if (g_strcmp0 (event->kind, "discontinuation") == 0 &&
      (event->reason == NULL || *event->reason == '\0'))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("A discontinuation needs a reason."));
      return 0;
    }
  if (!require_date (&event->date, _("event"), error) ||
      !store_check_past_date (&event->date, _("event"), error))
    return 0;

  return store_insert_record (self, "event", patient_id, cols, G_N_ELEMENTS (cols), event->reason, error);
}

/* A correction of a response or event row (its values, or withdrawn as entered in error):
 * the audited update, with @reason required; the workflow (parasol-outcomes.c) checks the
 * rules first. */
gboolean
parasol_store_correct_response (ParasolStore          *self,
                                gint64                 patient_id,
                                const ParasolResponse *response,
                                gboolean               withdrawn,
                                const char            *reason,
                                GError               **error)
{
  static const char *const responses[] = { "CR", "PR", "SD", "PD", "NE", NULL };
  g_autofree char *date = parasol_date_to_iso (&response->date);
  const Col cols[] = {
    TEXT_COL ("assessed_on", date),
    TEXT_COL ("response", response->response),
    INT_COL ("withdrawn", withdrawn ? 1 : 0),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (response->response == NULL || !g_strv_contains (responses, response->response))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not a RECIST 1.1 response; use CR, PR, SD, PD or NE."),
                   response->response ? response->response : "");
      return FALSE;
    }
  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("Give a reason for the correction."));
      return FALSE;
    }
  if (!require_date (&response->date, _("response assessment"), error) ||
      !store_check_past_date (&response->date, _("response assessment"), error))
    return FALSE;

  return store_update_record (self, "response", response->id, patient_id, cols,
                              G_N_ELEMENTS (cols), response->version, reason, NULL, NULL, error);
}

gboolean
parasol_store_correct_event (ParasolStore       *self,
                             gint64              patient_id,
                             const ParasolEvent *event,
                             gboolean            withdrawn,
                             const char         *reason,
                             GError            **error)
{
  static const char *const kinds[] = { "death", "discontinuation", "progression",
                                       "last_known_alive", NULL };
  g_autofree char *date = parasol_date_to_iso (&event->date);
  const Col cols[] = {
    TEXT_COL ("kind", event->kind),
    TEXT_COL ("occurred_on", date),
    TEXT_COL ("reason", event->reason),
    INT_COL ("withdrawn", withdrawn ? 1 : 0),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (event->kind == NULL || !g_strv_contains (kinds, event->kind))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not an event kind; use death, discontinuation, progression or "
                     "last_known_alive."),
                   event->kind ? event->kind : "");
      return FALSE;
    }
  if (g_strcmp0 (event->kind, "discontinuation") == 0 &&
      (event->reason == NULL || *event->reason == '\0'))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("A discontinuation needs a reason."));
      return FALSE;
    }
  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("Give a reason for the correction."));
      return FALSE;
    }
  if (!require_date (&event->date, _("event"), error) ||
      !store_check_past_date (&event->date, _("event"), error))
    return FALSE;

  return store_update_record (self, "event", event->id, patient_id, cols, G_N_ELEMENTS (cols),
                              event->version, reason, NULL, NULL, error);
}

gint64
parasol_store_record_assignment (ParasolStore *self,
                                 gint64        patient_id,
                                 const char   *proposed,
                                 const char   *arm,
                                 const char   *protocol_version,
                                 const char   *reason,
                                 GError      **error)
{
  g_autofree char *now = store_utc_now_iso ();
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("proposed", proposed),
    TEXT_COL ("arm", arm),
    TEXT_COL ("protocol_version", protocol_version),
    TEXT_COL ("reason", reason),
    TEXT_COL ("decided_at", now),
  };
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (arm == NULL || *arm == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An assignment needs an arm."));
      return 0;
    }
  if (!store_write_begin (self, error))
    return 0;
  id = store_insert_record (self, "assignment", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
  if (id == 0 ||
      !store_set_patient_arm (self, patient_id, arm,
                              reason != NULL && *reason ? reason : _("arm assigned"), error))
    {
      store_write_rollback (self);
      return 0;
    }
  if (!store_write_commit (self, error))
    return 0;
  return id;
}

gint64
parasol_store_record_evaluation (ParasolStore *self,
                                 gint64        patient_id,
                                 const char   *context,
                                 const char   *protocol_version,
                                 const GDate  *evaluated_on,
                                 const char   *verdict,
                                 const GDate  *lapses_on,
                                 const char   *criteria_json,
                                 GError      **error)
{
  static const char *const verdicts[] = { "eligible", "not_eligible", "incomplete", NULL };
  g_autofree char *on = parasol_date_to_iso (evaluated_on);
  g_autofree char *lapses = parasol_date_to_iso (lapses_on);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("context", context),
    TEXT_COL ("protocol_version", protocol_version),
    TEXT_COL ("evaluated_on", on),
    TEXT_COL ("verdict", verdict),
    TEXT_COL ("lapses_on", lapses),
    TEXT_COL ("criteria", criteria_json),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (context == NULL || protocol_version == NULL || verdict == NULL ||
      !g_strv_contains (verdicts, verdict))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An evaluation needs its context, the protocol version it used and a "
                     "verdict (eligible, not_eligible or incomplete)."));
      return 0;
    }
  if (!require_date (evaluated_on, _("evaluation"), error))
    return 0;

  return store_insert_record (self, "evaluation", patient_id, cols, G_N_ELEMENTS (cols), NULL, error);
}

