/* parasol-outcomes.c — recording responses, progression, discontinuation, death and follow-up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-outcomes"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "parasol-lab-entry.h"
#include "parasol-outcomes.h"

G_DEFINE_QUARK (parasol-outcomes-error-quark, parasol_outcomes_error)

const char *const parasol_outcomes_responses[] = { "CR", "PR", "SD", "PD", "NE", NULL };

const char *
parasol_outcomes_response_to_label (const char *response)
{
  if (g_strcmp0 (response, "CR") == 0)
    /* Translators: RECIST 1.1 overall response */
    return _("Complete response");
  if (g_strcmp0 (response, "PR") == 0)
    /* Translators: RECIST 1.1 overall response */
    return _("Partial response");
  if (g_strcmp0 (response, "SD") == 0)
    /* Translators: RECIST 1.1 overall response */
    return _("Stable disease");
  if (g_strcmp0 (response, "PD") == 0)
    /* Translators: RECIST 1.1 overall response */
    return _("Progressive disease");
  if (g_strcmp0 (response, "NE") == 0)
    /* Translators: RECIST 1.1 overall response */
    return _("Not evaluable");
  return NULL;
}

void
parasol_outcome_free (ParasolOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->key);
  g_free (outcome->what);
  g_free (outcome->reason);
  g_free (outcome->status);
  g_free (outcome->correction_reason);
  g_free (outcome);
}

static const char *
patient_key (const ParasolPatientFacts *facts)
{
  return facts->subject_number != NULL ? facts->subject_number : facts->screening_number;
}

static const ParasolEvent *
find_event (const ParasolPatientFacts *facts,
            const char                *kind)
{
  for (guint i = 0; facts->events != NULL && i < facts->events->len; i++)
    {
      const ParasolEvent *e = g_ptr_array_index (facts->events, i);

      if (g_strcmp0 (e->kind, kind) == 0 && g_date_valid (&e->date))
        return e;
    }
  return NULL;
}

/* Treated: C1D1 set, on or off treatment (the swimmer plot's rule), and a dose recorded as
 * given (a skipped dose, 0, does not count). */
static gboolean
is_treated (const ParasolPatientFacts *facts)
{
  if (!g_date_valid (&facts->c1d1) ||
      (g_strcmp0 (facts->status, "on_treatment") != 0 &&
       g_strcmp0 (facts->status, "off_treatment") != 0))
    return FALSE;
  for (guint i = 0; facts->administrations != NULL && i < facts->administrations->len; i++)
    {
      const ParasolAdministration *a = g_ptr_array_index (facts->administrations, i);

      if (a->dose > 0)
        return TRUE;
    }
  return FALSE;
}

static const char *
status_label (const char *status)
{
  ParasolPatientStatus s;

  return parasol_patient_status_from_string (status, &s) ? parasol_patient_status_to_label (s)
                                                          : status;
}

/* What every outcome needs: an enrolled patient, a date that has happened, on or after C1D1
 * (@treated_only) or the screening date, and not after a recorded death. */
static gboolean
check_common (const ParasolPatientFacts *facts,
              const GDate               *date,
              const char                *what,
              gboolean                   treated_only,
              GError                   **error)
{
  const char *key = patient_key (facts);
  const ParasolEvent *death;
  char a[PARASOL_DATE_BUF_SIZE], b[PARASOL_DATE_BUF_SIZE];

  if (g_strcmp0 (facts->status, "screening") == 0 ||
      g_strcmp0 (facts->status, "screen_failed") == 0)
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_ENROLLED,
                   /* Translators: "S-0003 is not enrolled (Screening): outcomes are ..." */
                   _("%s is not enrolled (%s): outcomes are recorded from enrolment on"), key,
                   status_label (facts->status));
      return FALSE;
    }
  if (treated_only && !is_treated (facts))
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_TREATED,
                   /* Translators: "S-0003 has not been treated yet: a response assessment needs
                    * a first dose; record the doses given first" */
                   _("%s has not been treated yet: a %s needs a first dose; record the doses "
                     "given first"), key, what);
      return FALSE;
    }
  if (!parasol_check_past_date (date, NULL, what, error))
    return FALSE;

  if (g_date_valid (&facts->c1d1) && g_date_compare (date, &facts->c1d1) < 0 &&
      (treated_only || is_treated (facts)))
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE,
                   /* Translators: "The response assessment date 2026-01-02 is before cycle 1
                    * day 1 (2026-02-01) of S-0003; check the date" */
                   _("The %s date %s is before cycle 1 day 1 (%s) of %s; check the date"), what,
                   parasol_date_format (date, a, sizeof a),
                   parasol_date_format (&facts->c1d1, b, sizeof b), key);
      return FALSE;
    }
  if (g_date_valid (&facts->screening_date) && g_date_compare (date, &facts->screening_date) < 0)
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE,
                   _("The %s date %s is before the screening date (%s) of %s; check the date"),
                   what, parasol_date_format (date, a, sizeof a),
                   parasol_date_format (&facts->screening_date, b, sizeof b), key);
      return FALSE;
    }

  death = find_event (facts, "death");
  if (death != NULL && g_date_compare (date, &death->date) > 0)
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_AFTER_DEATH,
                   /* Translators: "S-0003 died on 2026-05-01: nothing is recorded after that
                    * date; check the date of the response assessment (2026-06-01)" */
                   _("%s died on %s: nothing is recorded after that date; check the date of the "
                     "%s (%s)"), key, parasol_date_format (&death->date, a, sizeof a), what,
                   parasol_date_format (date, b, sizeof b));
      return FALSE;
    }
  return TRUE;
}

static ParasolOutcome *
outcome_new (const ParasolPatientFacts *facts,
             gint64                     id,
             const char                *what,
             const GDate               *date,
             const char                *reason)
{
  ParasolOutcome *o = g_new0 (ParasolOutcome, 1);

  o->id = id;
  o->key = g_strdup (patient_key (facts));
  o->what = g_strdup (what);
  o->date = *date;
  o->reason = g_strdup (reason);
  o->status = g_strdup (facts->status);
  return o;
}

static gboolean check_response (const ParasolPatientFacts *facts,
                                const char                *response,
                                const GDate               *date,
                                GError                   **error);

static ParasolOutcome *
record_response_locked (ParasolStore *store,
                        gint64        patient_id,
                        const char   *response,
                        const GDate  *date,
                        const char   *note,
                        GError      **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolResponse) r = NULL;
  gint64 id;

  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;
  if (!check_response (facts, response, date, error))
    return NULL;

  r = parasol_response_new ();
  r->date = *date;
  r->response = g_strdup (response);
  id = parasol_store_add_response_with_note (store, patient_id, r, note, error);
  if (id == 0)
    return NULL;
  return outcome_new (facts, id, response, date, note != NULL && *note != '\0' ? note : NULL);
}

/* The rules of a response assessment, against the patient's live records. */
static gboolean
check_response (const ParasolPatientFacts *facts,
                const char                *response,
                const GDate               *date,
                GError                   **error)
{
  const char *what = _("response assessment");
  char a[PARASOL_DATE_BUF_SIZE];

  if (response == NULL || !g_strv_contains (parasol_outcomes_responses, response))
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID,
                   _("“%s” is not a RECIST 1.1 response; use CR, PR, SD, PD or NE"),
                   response != NULL ? response : "");
      return FALSE;
    }
  if (!check_common (facts, date, what, TRUE, error))
    return FALSE;

  for (guint i = 0; i < facts->responses->len; i++)
    {
      const ParasolResponse *old = g_ptr_array_index (facts->responses, i);

      if (g_date_valid (&old->date) && g_date_compare (&old->date, date) == 0)
        {
          g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE,
                       /* Translators: "S-0003 already has a response assessed on 2026-03-01
                        * (PR): one overall response per assessment date" */
                       _("%s already has a response assessed on %s (%s): one overall response "
                         "per assessment date"), patient_key (facts),
                       parasol_date_format (date, a, sizeof a), old->response);
          return FALSE;
        }
    }
  return TRUE;
}

/* The latest date of any outcome already recorded, for a death that would come before it. */
static const GDate *
latest_outcome (const ParasolPatientFacts *facts,
                const char               **what)
{
  const GDate *latest = NULL;

  for (guint i = 0; i < facts->responses->len; i++)
    {
      const ParasolResponse *r = g_ptr_array_index (facts->responses, i);

      if (g_date_valid (&r->date) && (latest == NULL || g_date_compare (&r->date, latest) > 0))
        {
          latest = &r->date;
          *what = _("response assessment");
        }
    }
  for (guint i = 0; i < facts->events->len; i++)
    {
      const ParasolEvent *e = g_ptr_array_index (facts->events, i);
      ParasolEventKind kind;

      if (g_date_valid (&e->date) && (latest == NULL || g_date_compare (&e->date, latest) > 0) &&
          parasol_event_kind_from_string (e->kind, &kind))
        {
          latest = &e->date;
          *what = parasol_event_kind_to_label (kind);
        }
    }
  return latest;
}

static gboolean check_event (const ParasolPatientFacts *facts,
                             ParasolEventKind           kind,
                             const GDate               *date,
                             const char                *reason,
                             gboolean                  *stops,
                             GError                   **error);

static ParasolOutcome *
record_event_locked (ParasolStore     *store,
                     gint64            patient_id,
                     ParasolEventKind  kind,
                     const GDate      *date,
                     const char       *reason,
                     GError          **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEvent) e = NULL;
  g_autoptr(ParasolOutcome) o = NULL;
  const char *kind_id = parasol_event_kind_to_string (kind);
  gboolean stops = FALSE;
  char a[PARASOL_DATE_BUF_SIZE];

  if (kind_id == NULL)
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID,
                   _("Not an event kind; use progression, discontinuation, death or last known "
                     "alive"));
      return NULL;
    }
  if (reason != NULL && *reason == '\0')
    reason = NULL;

  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;
  if (!check_event (facts, kind, date, reason, &stops, error))
    return NULL;

  e = parasol_event_new ();
  e->kind = g_strdup (kind_id);
  e->date = *date;
  e->reason = g_strdup (reason);
  o = outcome_new (facts, 0, kind_id, date, reason);
  o->id = parasol_store_add_event (store, patient_id, e, error);
  if (o->id == 0)
    return NULL;

  if (stops)
    {
      g_autofree char *why = NULL;

      parasol_date_format (date, a, sizeof a);
      why = kind == PARASOL_EVENT_KIND_DEATH
            /* Translators: the reason of the status change: "Died on 2026-05-01" */
            ? g_strdup_printf (_("Died on %s"), a)
            /* Translators: the reason of the status change: "Discontinued on 2026-05-01:
             * febrile neutropenia" */
            : g_strdup_printf (_("Discontinued on %s: %s"), a, reason);
      if (!parasol_store_set_patient_status (store, patient_id, "off_treatment", why, error))
        return NULL;
      g_free (o->status);
      o->status = g_strdup ("off_treatment");
      o->status_changed = TRUE;
    }
  return g_steal_pointer (&o);
}

/* The rules of an event of @kind, against the patient's live records; *@stops says whether
 * recording it moves the patient off treatment. */
static gboolean
check_event (const ParasolPatientFacts *facts,
             ParasolEventKind           kind,
             const GDate               *date,
             const char                *reason,
             gboolean                  *stops,
             GError                   **error)
{
  const char *key = patient_key (facts);
  const char *what;
  const ParasolEvent *previous;
  char a[PARASOL_DATE_BUF_SIZE], b[PARASOL_DATE_BUF_SIZE];

  *stops = FALSE;
  if (reason != NULL && *reason == '\0')
    reason = NULL;

  switch (kind)
    {
    case PARASOL_EVENT_KIND_PROGRESSION:
      /* Translators: used in messages: "the progression date ..." */
      what = _("progression");
      if (!check_common (facts, date, what, TRUE, error))
        return FALSE;
      break;

    case PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE:
      /* Translators: used in messages: "the last-known-alive date ..." */
      what = _("last-known-alive");
      previous = find_event (facts, "death");
      if (previous != NULL)
        {
          g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_AFTER_DEATH,
                       _("%s died on %s: a last-known-alive date is no longer recorded"), key,
                       parasol_date_format (&previous->date, a, sizeof a));
          return FALSE;
        }
      if (!check_common (facts, date, what, TRUE, error))
        return FALSE;
      break;

    case PARASOL_EVENT_KIND_DISCONTINUATION:
      /* Translators: used in messages: "the discontinuation date ..." */
      what = _("discontinuation");
      if (reason == NULL)
        {
          g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED,
                       _("A discontinuation needs its reason (adverse event, progression, "
                         "withdrawal of consent, …)"));
          return FALSE;
        }
      if (!check_common (facts, date, what, FALSE, error))
        return FALSE;
      previous = find_event (facts, "discontinuation");
      if (previous != NULL || g_strcmp0 (facts->status, "off_treatment") == 0)
        {
          if (previous != NULL)
            g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE,
                         _("%s was already discontinued on %s"), key,
                         parasol_date_format (&previous->date, a, sizeof a));
          else
            g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE,
                         _("%s is already off treatment"), key);
          return FALSE;
        }
      *stops = TRUE;
      break;

    case PARASOL_EVENT_KIND_DEATH:
      /* Translators: used in messages: "the death date ..." */
      what = _("death");
      previous = find_event (facts, "death");
      if (previous != NULL)
        {
          g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE,
                       _("%s's death is already recorded, on %s"), key,
                       parasol_date_format (&previous->date, a, sizeof a));
          return FALSE;
        }
      if (!check_common (facts, date, what, FALSE, error))
        return FALSE;
      {
        const char *later_what = NULL;
        const GDate *latest = latest_outcome (facts, &later_what);

        if (latest != NULL && g_date_compare (date, latest) < 0)
          {
            g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE,
                         /* Translators: "The death date 2026-03-01 is before the Last known
                          * alive recorded on 2026-04-01 for S-0003; check both dates" */
                         _("The death date %s is before the %s recorded on %s for %s; check "
                           "both dates"), parasol_date_format (date, a, sizeof a), later_what,
                         parasol_date_format (latest, b, sizeof b), key);
            return FALSE;
          }
      }
      *stops = g_strcmp0 (facts->status, "off_treatment") != 0;
      break;

    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

ParasolOutcome *
parasol_outcomes_record_response (ParasolStore  *store,
                                  gint64         patient_id,
                                  const char    *response,
                                  const GDate   *date,
                                  const char    *note,
                                  GError       **error)
{
  ParasolOutcome *o;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (date != NULL, NULL);

  if (!parasol_store_begin (store, error))
    return NULL;
  o = record_response_locked (store, patient_id, response, date, note, error);
  if (o == NULL || !parasol_store_commit (store, error))
    {
      parasol_store_rollback (store);
      g_clear_pointer (&o, parasol_outcome_free);
      return NULL;
    }
  return o;
}

ParasolOutcome *
parasol_outcomes_record_event (ParasolStore     *store,
                               gint64            patient_id,
                               ParasolEventKind  kind,
                               const GDate      *date,
                               const char       *reason,
                               GError          **error)
{
  ParasolOutcome *o;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (date != NULL, NULL);

  if (!parasol_store_begin (store, error))
    return NULL;
  o = record_event_locked (store, patient_id, kind, date, reason, error);
  if (o == NULL || !parasol_store_commit (store, error))
    {
      parasol_store_rollback (store);
      g_clear_pointer (&o, parasol_outcome_free);
      return NULL;
    }
  return o;
}

/* Corrections.  A correction re-runs the rules of adding against the patient's other live
 * records (the record corrected set aside), then the status follows from what stays:
 *   - a live death or discontinuation keeps (or puts) the patient off treatment;
 *   - without one, a patient off treatment goes back on treatment when cycle 1 day 1 is set and
 *     a dose was given, else back to enrolled.  The status changes only through this workflow,
 *     so an off-treatment status without a death or discontinuation is always one these
 *     records made. */

static gboolean
stops_treatment (const ParasolEvent *e)
{
  return g_strcmp0 (e->kind, "death") == 0 || g_strcmp0 (e->kind, "discontinuation") == 0;
}

static gboolean
any_stopping_event (const ParasolPatientFacts *facts)
{
  for (guint i = 0; i < facts->events->len; i++)
    if (stops_treatment (g_ptr_array_index (facts->events, i)))
      return TRUE;
  return FALSE;
}

/* The status the patient would have without any death or discontinuation. */
static const char *
status_without_stop (const ParasolPatientFacts *facts)
{
  if (g_date_valid (&facts->c1d1))
    for (guint i = 0; facts->administrations != NULL && i < facts->administrations->len; i++)
      {
        const ParasolAdministration *a = g_ptr_array_index (facts->administrations, i);

        if (a->dose > 0)
          return "on_treatment";
      }
  return "enrolled";
}

static ParasolPatientFacts *
load_without (ParasolStore *store,
              gint64        patient_id,
              gboolean      is_event,
              gint64        record_id,
              gpointer     *record_out,
              GError      **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  GPtrArray *live, *withdrawn;

  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;
  live = is_event ? facts->events : facts->responses;
  withdrawn = is_event ? facts->withdrawn_events : facts->withdrawn_responses;
  for (guint i = 0; i < live->len; i++)
    {
      /* ParasolResponse and ParasolEvent both start with their id */
      if (*(gint64 *) g_ptr_array_index (live, i) == record_id)
        {
          *record_out = g_ptr_array_steal_index (live, i);
          /* set aside: its rules are checked as when it was added, before any death or
           * discontinuation recorded after it moved the patient off treatment (the dates
           * are checked against those records, and settle_status() sets the status) */
          if (is_event && stops_treatment (*record_out) &&
              g_strcmp0 (facts->status, "off_treatment") == 0)
            {
              g_free (facts->status);
              facts->status = g_strdup (status_without_stop (facts));
            }
          return g_steal_pointer (&facts);
        }
    }
  for (guint i = 0; i < withdrawn->len; i++)
    if (*(gint64 *) g_ptr_array_index (withdrawn, i) == record_id)
      {
        g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_WITHDRAWN,
                     is_event
                     /* Translators: "Event 12 of S-0003 was withdrawn as entered in error; record
                      * it again instead" */
                     ? _("Event %" PRId64 " of %s was withdrawn as entered in error; "
                         "record it again instead")
                     : _("Response assessment %" PRId64 " of %s was withdrawn as "
                         "entered in error; record it again instead"),
                     record_id, patient_key (facts));
        return NULL;
      }
  g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_FOUND,
               is_event
               /* Translators: "S-0003 has no event 12; see the events in the patient's record" */
               ? _("%s has no event %" PRId64 "; see the events in the patient's record")
               : _("%s has no response assessment %" PRId64 "; see the responses in the "
                   "patient's record"),
               patient_key (facts), record_id);
  return NULL;
}

static gboolean
require_reason (const char *reason,
                GError    **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));

  if (*stripped == '\0')
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED,
                   _("Give a reason for the correction."));
      return FALSE;
    }
  return TRUE;
}

/* After a correction: the status that follows from the live records (above). */
static gboolean
settle_status (ParasolStore   *store,
               gint64          patient_id,
               ParasolOutcome *o,
               const char     *why,
               GError        **error)
{
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (store, patient_id, error);
  const char *want;

  if (facts == NULL)
    return FALSE;
  if (any_stopping_event (facts))
    want = g_strcmp0 (facts->status, "enrolled") == 0 ||
           g_strcmp0 (facts->status, "on_treatment") == 0 ? "off_treatment" : facts->status;
  else if (g_strcmp0 (facts->status, "off_treatment") == 0)
    want = status_without_stop (facts);
  else
    want = facts->status;

  if (g_strcmp0 (want, facts->status) != 0)
    {
      if (!parasol_store_set_patient_status (store, patient_id, want, why, error))
        return FALSE;
      o->status_changed = TRUE;
    }
  g_free (o->status);
  o->status = g_strdup (want);
  return TRUE;
}

static ParasolOutcome *
correct_response_locked (ParasolStore *store,
                         gint64        patient_id,
                         gint64        response_id,
                         const GDate  *date,
                         const char   *response,
                         gboolean      withdraw,
                         const char   *reason,
                         GError      **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolResponse) r = NULL;
  ParasolOutcome *o;

  if (!require_reason (reason, error))
    return NULL;
  facts = load_without (store, patient_id, FALSE, response_id, (gpointer *) &r, error);
  if (facts == NULL)
    return NULL;

  if (!withdraw)
    {
      if ((date == NULL || g_date_compare (date, &r->date) == 0) &&
          (response == NULL || g_strcmp0 (response, r->response) == 0))
        {
          g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID,
                       _("The correction changes nothing: give a new date or response"));
          return NULL;
        }
      if (date != NULL)
        r->date = *date;
      if (response != NULL)
        {
          g_free (r->response);
          r->response = g_strdup (response);
        }
      if (!check_response (facts, r->response, &r->date, error))
        return NULL;
    }

  if (!parasol_store_correct_response (store, patient_id, r, withdraw, reason, error))
    return NULL;
  o = outcome_new (facts, r->id, r->response, &r->date, NULL);
  o->withdrawn = withdraw;
  o->correction_reason = g_strdup (reason);
  return o;
}

static ParasolOutcome *
correct_event_locked (ParasolStore           *store,
                      gint64                  patient_id,
                      gint64                  event_id,
                      const ParasolEventKind *kind,
                      const GDate            *date,
                      const char             *detail,
                      gboolean                withdraw,
                      const char             *reason,
                      GError                **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEvent) e = NULL;
  g_autoptr(ParasolOutcome) o = NULL;
  g_autofree char *old_kind = NULL;
  g_autofree char *why = NULL;
  ParasolEventKind new_kind;
  char a[PARASOL_DATE_BUF_SIZE];
  gboolean stops;

  if (!require_reason (reason, error))
    return NULL;
  if (kind != NULL && parasol_event_kind_to_string (*kind) == NULL)
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID,
                   _("Not an event kind; use progression, discontinuation, death or last known "
                     "alive"));
      return NULL;
    }
  facts = load_without (store, patient_id, TRUE, event_id, (gpointer *) &e, error);
  if (facts == NULL)
    return NULL;
  old_kind = g_strdup (e->kind);
  parasol_date_format (&e->date, a, sizeof a);

  if (!withdraw)
    {
      if ((kind == NULL || g_strcmp0 (parasol_event_kind_to_string (*kind), e->kind) == 0) &&
          (date == NULL || g_date_compare (date, &e->date) == 0) &&
          (detail == NULL || g_strcmp0 (detail, e->reason != NULL ? e->reason : "") == 0))
        {
          g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID,
                       _("The correction changes nothing: give a new date, kind or detail"));
          return NULL;
        }
      if (kind != NULL)
        {
          g_free (e->kind);
          e->kind = g_strdup (parasol_event_kind_to_string (*kind));
        }
      if (date != NULL)
        e->date = *date;
      if (detail != NULL)
        {
          g_free (e->reason);
          e->reason = *detail != '\0' ? g_strdup (detail) : NULL;
        }
      if (!parasol_event_kind_from_string (e->kind, &new_kind) ||
          !check_event (facts, new_kind, &e->date, e->reason, &stops, error))
        return NULL;
    }

  if (!parasol_store_correct_event (store, patient_id, e, withdraw, reason, error))
    return NULL;

  o = outcome_new (facts, e->id, e->kind, &e->date, e->reason);
  o->withdrawn = withdraw;
  o->correction_reason = g_strdup (reason);
  {
    ParasolEventKind k = PARASOL_EVENT_KIND_PROGRESSION;
    const char *label;

    parasol_event_kind_from_string (old_kind, &k);
    label = parasol_event_kind_to_label (k);
    if (!withdraw && g_strcmp0 (e->kind, "discontinuation") == 0)
      {
        char b[PARASOL_DATE_BUF_SIZE];

        why = g_strdup_printf (_("Discontinued on %s: %s"),
                               parasol_date_format (&e->date, b, sizeof b), e->reason);
      }
    else if (!withdraw && g_strcmp0 (e->kind, "death") == 0)
      {
        char b[PARASOL_DATE_BUF_SIZE];

        why = g_strdup_printf (_("Died on %s"), parasol_date_format (&e->date, b, sizeof b));
      }
    else
      why = withdraw
            /* Translators: the reason of a status change: "Discontinuation of 2026-05-01
             * withdrawn: entered for the wrong patient" */
            ? g_strdup_printf (_("%s of %s withdrawn: %s"), label, a, reason)
            /* Translators: the reason of a status change: "Discontinuation of 2026-05-01
             * corrected: was progression" */
            : g_strdup_printf (_("%s of %s corrected: %s"), label, a, reason);
  }
  if (!settle_status (store, patient_id, o, why, error))
    return NULL;
  return g_steal_pointer (&o);
}

static ParasolOutcome *
in_transaction (ParasolStore *store,
                ParasolOutcome *(*run) (ParasolStore *, gpointer, GError **),
                gpointer      data,
                GError      **error)
{
  ParasolOutcome *o;

  if (!parasol_store_begin (store, error))
    return NULL;
  o = run (store, data, error);
  if (o == NULL || !parasol_store_commit (store, error))
    {
      parasol_store_rollback (store);
      g_clear_pointer (&o, parasol_outcome_free);
      return NULL;
    }
  return o;
}

typedef struct {
  gint64                  patient_id;
  gint64                  id;
  const ParasolEventKind *kind;
  const GDate            *date;
  const char             *value;
  gboolean                withdraw;
  const char             *reason;
} Correction;

static ParasolOutcome *
run_response (ParasolStore *store,
              gpointer      data,
              GError      **error)
{
  Correction *c = data;

  return correct_response_locked (store, c->patient_id, c->id, c->date, c->value, c->withdraw,
                                  c->reason, error);
}

static ParasolOutcome *
run_event (ParasolStore *store,
           gpointer      data,
           GError      **error)
{
  Correction *c = data;

  return correct_event_locked (store, c->patient_id, c->id, c->kind, c->date, c->value,
                               c->withdraw, c->reason, error);
}

ParasolOutcome *
parasol_outcomes_correct_response (ParasolStore  *store,
                                   gint64         patient_id,
                                   gint64         response_id,
                                   const GDate   *date,
                                   const char    *response,
                                   const char    *reason,
                                   GError       **error)
{
  Correction c = { patient_id, response_id, NULL, date, response, FALSE, reason };

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  return in_transaction (store, run_response, &c, error);
}

ParasolOutcome *
parasol_outcomes_withdraw_response (ParasolStore  *store,
                                    gint64         patient_id,
                                    gint64         response_id,
                                    const char    *reason,
                                    GError       **error)
{
  Correction c = { patient_id, response_id, NULL, NULL, NULL, TRUE, reason };

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  return in_transaction (store, run_response, &c, error);
}

ParasolOutcome *
parasol_outcomes_correct_event (ParasolStore           *store,
                                gint64                  patient_id,
                                gint64                  event_id,
                                const ParasolEventKind *kind,
                                const GDate            *date,
                                const char             *detail,
                                const char             *reason,
                                GError                **error)
{
  Correction c = { patient_id, event_id, kind, date, detail, FALSE, reason };

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  return in_transaction (store, run_event, &c, error);
}

ParasolOutcome *
parasol_outcomes_withdraw_event (ParasolStore  *store,
                                 gint64         patient_id,
                                 gint64         event_id,
                                 const char    *reason,
                                 GError       **error)
{
  Correction c = { patient_id, event_id, NULL, NULL, NULL, TRUE, reason };

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  return in_transaction (store, run_event, &c, error);
}
