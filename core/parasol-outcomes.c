/* parasol-outcomes.c — recording responses, progression, discontinuation, death and follow-up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-outcomes"

#include "config.h"

#include <glib/gi18n-lib.h>

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
  const char *what = _("response assessment");
  char a[PARASOL_DATE_BUF_SIZE];
  gint64 id;

  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;

  if (response == NULL || !g_strv_contains (parasol_outcomes_responses, response))
    {
      g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID,
                   _("“%s” is not a RECIST 1.1 response; use CR, PR, SD, PD or NE"),
                   response != NULL ? response : "");
      return NULL;
    }
  if (!check_common (facts, date, what, TRUE, error))
    return NULL;

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
          return NULL;
        }
    }

  r = parasol_response_new ();
  r->date = *date;
  r->response = g_strdup (response);
  id = parasol_store_add_response_with_note (store, patient_id, r, note, error);
  if (id == 0)
    return NULL;
  return outcome_new (facts, id, response, date, note != NULL && *note != '\0' ? note : NULL);
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
  const char *key;
  const char *what;
  const ParasolEvent *previous;
  gboolean stops = FALSE;
  char a[PARASOL_DATE_BUF_SIZE], b[PARASOL_DATE_BUF_SIZE];

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
  key = patient_key (facts);

  switch (kind)
    {
    case PARASOL_EVENT_KIND_PROGRESSION:
      /* Translators: used in messages: "the progression date ..." */
      what = _("progression");
      if (!check_common (facts, date, what, TRUE, error))
        return NULL;
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
          return NULL;
        }
      if (!check_common (facts, date, what, TRUE, error))
        return NULL;
      break;

    case PARASOL_EVENT_KIND_DISCONTINUATION:
      /* Translators: used in messages: "the discontinuation date ..." */
      what = _("discontinuation");
      if (reason == NULL)
        {
          g_set_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED,
                       _("A discontinuation needs its reason (adverse event, progression, "
                         "withdrawal of consent, …)"));
          return NULL;
        }
      if (!check_common (facts, date, what, FALSE, error))
        return NULL;
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
          return NULL;
        }
      stops = TRUE;
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
          return NULL;
        }
      if (!check_common (facts, date, what, FALSE, error))
        return NULL;
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
            return NULL;
          }
      }
      stops = g_strcmp0 (facts->status, "off_treatment") != 0;
      break;

    default:
      g_assert_not_reached ();
    }

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
