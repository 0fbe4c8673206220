/* test-outcomes.c — core/parasol-outcomes: responses, progression, discontinuation, death,
 * last known alive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each rule at its boundary, on a real database.  The patient is screened 40 days ago, starts
 * (C1D1, first dose) 38 days ago.
 */

#include "config.h"

#include "parasol-administration.h"
#include "parasol-enrolment.h"
#include "parasol-outcomes.h"
#include "workflow-fixture.h"

static gint64
enrolled_patient (WorkflowFixture *f,
                  const char      *number,
                  gboolean         treated)
{
  gint64 id = wf_eligible_patient (f, number, 40, "control");
  GDate c1d1 = wf_days_from_today (-38);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolEnrolment) e = parasol_enrolment_enrol (f->store, f->protocol, id, &c1d1,
                                                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  if (treated)
    {
      g_autoptr(ParasolGivenDose) g = NULL;
      ParasolDoseEntry entry;

      parasol_dose_entry_init (&entry);
      entry.drug = "tislelizumab";
      entry.date = c1d1;
      entry.dose = 200;
      g = parasol_administration_give (f->store, f->protocol, id, &entry, &error);
      g_assert_no_error (error);
      g_assert_nonnull (g);
    }
  return id;
}

static ParasolOutcome *
response (WorkflowFixture *f,
          gint64           id,
          const char      *what,
          int              days_ago,
          GError         **error)
{
  GDate d = wf_days_from_today (-days_ago);

  return parasol_outcomes_record_response (f->store, id, what, &d, NULL, error);
}

static ParasolOutcome *
event (WorkflowFixture  *f,
       gint64            id,
       ParasolEventKind  kind,
       int               days_ago,
       const char       *reason,
       GError          **error)
{
  GDate d = wf_days_from_today (-days_ago);

  return parasol_outcomes_record_event (f->store, id, kind, &d, reason, error);
}

static char *
status_of (WorkflowFixture *f,
           gint64           id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, &error);

  g_assert_no_error (error);
  return g_strdup (facts->status);
}

static guint
n_records (WorkflowFixture *f,
           gint64           id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, &error);

  g_assert_no_error (error);
  return facts->responses->len + facts->events->len;
}

/* A response needs a treated patient; a patient in screening gets nothing. */
static void
test_not_treated (WorkflowFixture *f,
                  gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 screening = wf_eligible_patient (f, "S-O01", 40, "control");
  gint64 enrolled = enrolled_patient (f, "S-O02", FALSE);
  ParasolOutcome *o;

  o = response (f, screening, "PR", 1, &error);
  g_assert_null (o);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_ENROLLED);
  g_assert_nonnull (strstr (error->message, "S-O01"));
  g_clear_error (&error);

  o = event (f, screening, PARASOL_EVENT_KIND_DEATH, 1, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_ENROLLED);
  g_clear_error (&error);

  o = response (f, enrolled, "PR", 1, &error);
  g_assert_null (o);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_TREATED);
  g_assert_nonnull (strstr (error->message, "first dose"));
  g_clear_error (&error);

  o = event (f, enrolled, PARASOL_EVENT_KIND_PROGRESSION, 1, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_TREATED);
  g_clear_error (&error);
  g_assert_cmpuint (n_records (f, screening) + n_records (f, enrolled), ==, 0);

  /* A patient enrolled but never dosed may still stop: off treatment */
  o = event (f, enrolled, PARASOL_EVENT_KIND_DISCONTINUATION, 1, "Withdrew consent", &error);
  g_assert_no_error (error);
  g_assert_true (o->status_changed);
  g_assert_cmpstr (o->status, ==, "off_treatment");
  parasol_outcome_free (o);
}

/* Dates: not after today, not before 1900, not before C1D1. */
static void
test_dates (WorkflowFixture *f,
            gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-O10", TRUE);
  GDate d;
  ParasolOutcome *o;

  o = response (f, id, "SD", -1, &error);                  /* tomorrow */
  g_assert_null (o);
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE);
  g_assert_nonnull (strstr (error->message, "after today"));
  g_clear_error (&error);

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 31, G_DATE_DECEMBER, 1899);
  o = parasol_outcomes_record_response (f->store, id, "SD", &d, NULL, &error);
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE);
  g_clear_error (&error);

  o = response (f, id, "SD", 39, &error);                  /* the day before C1D1 */
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE);
  g_assert_nonnull (strstr (error->message, "cycle 1 day 1"));
  g_clear_error (&error);
  o = event (f, id, PARASOL_EVENT_KIND_PROGRESSION, 39, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE);
  g_clear_error (&error);
  g_assert_cmpuint (n_records (f, id), ==, 0);

  o = response (f, id, "SD", 38, &error);                  /* C1D1 itself */
  g_assert_no_error (error);
  g_assert_cmpstr (o->what, ==, "SD");
  g_assert_cmpstr (o->status, ==, "on_treatment");
  g_assert_false (o->status_changed);
  parasol_outcome_free (o);
  o = response (f, id, "PR", 0, &error);                   /* today */
  g_assert_no_error (error);
  parasol_outcome_free (o);

  /* One overall response per assessment date */
  o = response (f, id, "PD", 0, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE);
  g_clear_error (&error);

  o = response (f, id, "XR", 1, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "CR, PR, SD, PD or NE"));
  g_clear_error (&error);
  g_assert_cmpuint (n_records (f, id), ==, 2);
}

/* A discontinuation needs its reason, moves the patient off treatment with the date in the
 * status change's audit row, and happens once. */
static void
test_discontinuation (WorkflowFixture *f,
                      gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autofree char *status = NULL;
  g_autofree char *date = NULL;
  GDate d = wf_days_from_today (-5);
  gint64 id = enrolled_patient (f, "S-O20", TRUE);
  ParasolOutcome *o;
  gboolean found = FALSE;

  o = event (f, id, PARASOL_EVENT_KIND_DISCONTINUATION, 5, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  o = event (f, id, PARASOL_EVENT_KIND_DISCONTINUATION, 5, "", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  status = status_of (f, id);
  g_assert_cmpstr (status, ==, "on_treatment");
  g_clear_pointer (&status, g_free);

  o = event (f, id, PARASOL_EVENT_KIND_DISCONTINUATION, 5, "Febrile neutropenia", &error);
  g_assert_no_error (error);
  g_assert_true (o->status_changed);
  g_assert_cmpstr (o->reason, ==, "Febrile neutropenia");
  parasol_outcome_free (o);
  status = status_of (f, id);
  g_assert_cmpstr (status, ==, "off_treatment");

  audit = parasol_store_audit_list_patient (f->store, id, 0, &error);
  g_assert_no_error (error);
  date = parasol_date_to_iso (&d);
  for (guint i = 0; i < audit->len; i++)
    {
      const ParasolAuditEntry *e = g_ptr_array_index (audit, i);

      if (g_strcmp0 (e->field, "status") == 0 && g_strcmp0 (e->new_value, "off_treatment") == 0)
        {
          g_assert_cmpstr (e->old_value, ==, "on_treatment");
          g_assert_nonnull (strstr (e->reason, date));
          g_assert_nonnull (strstr (e->reason, "Febrile neutropenia"));
          found = TRUE;
        }
    }
  g_assert_true (found);

  o = event (f, id, PARASOL_EVENT_KIND_DISCONTINUATION, 2, "Again", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Follow-up goes on after the end of treatment */
  o = response (f, id, "PD", 1, &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);
  o = event (f, id, PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (o->status_changed);
  parasol_outcome_free (o);
}

/* Death: off treatment; nothing after its date; once; never before what is recorded. */
static void
test_death (WorkflowFixture *f,
            gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  gint64 id = enrolled_patient (f, "S-O30", TRUE);
  ParasolOutcome *o;

  o = event (f, id, PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE, 10, "Phone call", &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);

  /* before the last-known-alive date: refused */
  o = event (f, id, PARASOL_EVENT_KIND_DEATH, 11, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE);
  g_assert_nonnull (strstr (error->message, "check both dates"));
  g_clear_error (&error);

  o = event (f, id, PARASOL_EVENT_KIND_DEATH, 10, NULL, &error);   /* the same day: fine */
  g_assert_no_error (error);
  g_assert_true (o->status_changed);
  parasol_outcome_free (o);
  status = status_of (f, id);
  g_assert_cmpstr (status, ==, "off_treatment");

  o = event (f, id, PARASOL_EVENT_KIND_DEATH, 9, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE);
  g_clear_error (&error);

  o = response (f, id, "PD", 9, &error);                   /* the day after death */
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_AFTER_DEATH);
  g_assert_nonnull (strstr (error->message, "died on"));
  g_clear_error (&error);
  o = event (f, id, PARASOL_EVENT_KIND_PROGRESSION, 9, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_AFTER_DEATH);
  g_clear_error (&error);
  o = event (f, id, PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE, 10, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_AFTER_DEATH);
  g_clear_error (&error);

  /* an assessment made before the death, entered late: fine */
  o = response (f, id, "PD", 12, &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);
  g_assert_cmpuint (n_records (f, id), ==, 3);
}

/* What the store wrote: rows with audit rows (the note as reason), a verifying trail, and the
 * patient's history listing them all. */
static void
test_audit (WorkflowFixture *f,
            gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(ParasolAuditReport) report = NULL;
  gint64 id = enrolled_patient (f, "S-O40", TRUE);
  gint64 other = enrolled_patient (f, "S-O41", TRUE);
  GDate d = wf_days_from_today (-3);
  ParasolOutcome *o;
  gboolean response_row = FALSE, event_row = FALSE;

  o = parasol_outcomes_record_response (f->store, id, "PR", &d, "CT 30 % smaller", &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);
  o = event (f, id, PARASOL_EVENT_KIND_PROGRESSION, 1, "New liver lesion", &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);
  o = response (f, other, "SD", 1, &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);

  audit = parasol_store_audit_list_patient (f->store, id, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      const ParasolAuditEntry *e = g_ptr_array_index (audit, i);

      if (i > 0)
        g_assert_cmpint (e->seq, >, ((ParasolAuditEntry *) g_ptr_array_index (audit, i - 1))->seq);
      if (g_strcmp0 (e->table_name, "response") == 0)
        {
          /* one response row: S-O41's is not in this history */
          g_assert_false (response_row);
          g_assert_cmpstr (e->reason, ==, "CT 30 % smaller");
          response_row = TRUE;
        }
      if (g_strcmp0 (e->table_name, "event") == 0)
        {
          g_assert_cmpstr (e->reason, ==, "New liver lesion");
          event_row = TRUE;
        }
      g_assert_true (g_strcmp0 (e->table_name, "patient") != 0 || e->record == id);
    }
  g_assert_true (response_row && event_row);

  /* the other patient's response is not in this history, and a limit keeps the newest */
  g_clear_pointer (&audit, g_ptr_array_unref);
  audit = parasol_store_audit_list_patient (f->store, id, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 2);
  g_assert_cmpstr (((ParasolAuditEntry *) g_ptr_array_index (audit, 1))->table_name, ==, "event");

  report = parasol_store_audit_check (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (report->valid);
}

/* Corrections re-run the rules of adding, at their boundaries, against the other live
 * records; they need a reason and change something. */
static void
test_correct_response (WorkflowFixture *f,
                       gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolOutcome) first = NULL;
  g_autoptr(ParasolOutcome) second = NULL;
  g_autoptr(ParasolOutcome) death = NULL;
  gint64 id = enrolled_patient (f, "S-O50", TRUE);
  gint64 other = enrolled_patient (f, "S-O51", TRUE);
  GDate d;
  ParasolOutcome *o;

  first = response (f, id, "SD", 20, &error);
  g_assert_no_error (error);
  second = response (f, id, "PR", 10, &error);
  g_assert_no_error (error);

  /* no reason, a blank reason */
  d = wf_days_from_today (-19);
  o = parasol_outcomes_correct_response (f->store, id, first->id, &d, NULL, NULL, &error);
  g_assert_null (o);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED);
  g_assert_cmpstr (error->message, ==, "Give a reason for the correction.");
  g_clear_error (&error);
  o = parasol_outcomes_correct_response (f->store, id, first->id, &d, NULL, "  ", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED);
  g_clear_error (&error);

  /* nothing changes */
  o = parasol_outcomes_correct_response (f->store, id, first->id, NULL, "SD", "Typo", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  /* not a RECIST response */
  o = parasol_outcomes_correct_response (f->store, id, first->id, NULL, "MR", "Typo", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_INVALID);
  g_clear_error (&error);
  /* another patient's response */
  o = parasol_outcomes_correct_response (f->store, other, first->id, NULL, "PR", "Typo", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* onto the date of the other assessment: one overall response per date */
  d = wf_days_from_today (-10);
  o = parasol_outcomes_correct_response (f->store, id, first->id, &d, NULL, "Wrong date", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE);
  g_clear_error (&error);
  /* before C1D1 (38 days ago), after today */
  d = wf_days_from_today (-39);
  o = parasol_outcomes_correct_response (f->store, id, first->id, &d, NULL, "Wrong date", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE);
  g_clear_error (&error);
  d = wf_days_from_today (1);
  o = parasol_outcomes_correct_response (f->store, id, first->id, &d, NULL, "Wrong date", &error);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* on C1D1 itself, and its own date again (set aside, not a duplicate of itself) */
  d = wf_days_from_today (-38);
  o = parasol_outcomes_correct_response (f->store, id, first->id, &d, "PR", "Read the wrong scan",
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpstr (o->what, ==, "PR");
  g_assert_cmpstr (o->correction_reason, ==, "Read the wrong scan");
  g_assert_false (o->withdrawn);
  g_assert_false (o->status_changed);
  parasol_outcome_free (o);
  o = parasol_outcomes_correct_response (f->store, id, first->id, NULL, "SD", "Second reader",
                                         &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);

  /* after a death: refused */
  death = event (f, id, PARASOL_EVENT_KIND_DEATH, 5, NULL, &error);
  g_assert_no_error (error);
  d = wf_days_from_today (-4);
  o = parasol_outcomes_correct_response (f->store, id, second->id, &d, NULL, "Wrong date", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_AFTER_DEATH);
  g_clear_error (&error);

  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facts->responses->len, ==, 2);
  g_assert_cmpstr (((ParasolResponse *) g_ptr_array_index (facts->responses, 0))->response, ==, "SD");
  g_assert_cmpint (((ParasolResponse *) g_ptr_array_index (facts->responses, 0))->version, ==, 3);
  g_assert_cmpint (g_date_days_between (&((ParasolResponse *) g_ptr_array_index (facts->responses, 0))->date,
                                        &facts->c1d1), ==, 0);
}

/* Withdrawn: kept, marked, no longer counted; a withdrawn record cannot be corrected again, and
 * its date is free for a new record. */
static void
test_withdraw_response (WorkflowFixture *f,
                        gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolOutcome) first = NULL;
  gint64 id = enrolled_patient (f, "S-O52", TRUE);
  ParasolOutcome *o;

  first = response (f, id, "PD", 7, &error);
  g_assert_no_error (error);
  o = parasol_outcomes_withdraw_response (f->store, id, first->id, NULL, &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  o = parasol_outcomes_withdraw_response (f->store, id, first->id, "Entered for the wrong patient",
                                          &error);
  g_assert_no_error (error);
  g_assert_true (o->withdrawn);
  parasol_outcome_free (o);

  o = parasol_outcomes_withdraw_response (f->store, id, first->id, "Again", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_WITHDRAWN);
  g_clear_error (&error);
  o = parasol_outcomes_correct_response (f->store, id, first->id, NULL, "SD", "Again", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_WITHDRAWN);
  g_clear_error (&error);

  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facts->responses->len, ==, 0);
  g_assert_cmpuint (facts->withdrawn_responses->len, ==, 1);

  o = response (f, id, "SD", 7, &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);
}

/* The status follows the live events: withdrawing the discontinuation puts the patient back
 * on treatment, unless a death keeps them off; an enrolled, untreated patient goes back to
 * enrolled. */
static void
test_withdraw_status (WorkflowFixture *f,
                      gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autoptr(ParasolOutcome) disc = NULL;
  g_autoptr(ParasolOutcome) death = NULL;
  g_autoptr(ParasolOutcome) disc2 = NULL;
  g_autoptr(ParasolOutcome) death2 = NULL;
  gint64 id = enrolled_patient (f, "S-O53", TRUE);
  gint64 both = enrolled_patient (f, "S-O54", TRUE);
  gint64 untreated = enrolled_patient (f, "S-O55", FALSE);
  GDate d;
  ParasolEventKind kind;
  ParasolOutcome *o;

  disc = event (f, id, PARASOL_EVENT_KIND_DISCONTINUATION, 5, "Toxicity", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (disc->status, ==, "off_treatment");
  o = parasol_outcomes_withdraw_event (f->store, id, disc->id, "Entered for the wrong patient",
                                       &error);
  g_assert_no_error (error);
  g_assert_true (o->status_changed);
  g_assert_cmpstr (o->status, ==, "on_treatment");
  parasol_outcome_free (o);
  status = status_of (f, id);
  g_assert_cmpstr (status, ==, "on_treatment");
  g_clear_pointer (&status, g_free);
  /* and a new discontinuation is accepted again */
  o = event (f, id, PARASOL_EVENT_KIND_DISCONTINUATION, 4, "Toxicity", &error);
  g_assert_no_error (error);
  g_assert_true (o->status_changed);
  /* correcting its date keeps the patient off treatment: no status change */
  d = wf_days_from_today (-3);
  {
    g_autoptr(ParasolOutcome) c = parasol_outcomes_correct_event (f->store, id, o->id, NULL, &d,
                                                                  NULL, "Date from the letter",
                                                                  &error);
    g_assert_no_error (error);
    g_assert_false (c->status_changed);
    g_assert_cmpstr (c->status, ==, "off_treatment");
  }
  /* correcting its kind to progression puts the patient back on treatment */
  kind = PARASOL_EVENT_KIND_PROGRESSION;
  {
    g_autoptr(ParasolOutcome) c = parasol_outcomes_correct_event (f->store, id, o->id, &kind,
                                                                  NULL, NULL, "Was progression",
                                                                  &error);
    g_assert_no_error (error);
    g_assert_true (c->status_changed);
    g_assert_cmpstr (c->status, ==, "on_treatment");
  }
  /* and back to a discontinuation moves them off again */
  kind = PARASOL_EVENT_KIND_DISCONTINUATION;
  {
    g_autoptr(ParasolOutcome) c = parasol_outcomes_correct_event (f->store, id, o->id, &kind,
                                                                  NULL, NULL, "It was", &error);
    g_assert_no_error (error);
    g_assert_true (c->status_changed);
    g_assert_cmpstr (c->status, ==, "off_treatment");
  }
  parasol_outcome_free (o);

  /* a discontinuation and a death: withdrawing either keeps the patient off treatment */
  disc2 = event (f, both, PARASOL_EVENT_KIND_DISCONTINUATION, 6, "Progression", &error);
  g_assert_no_error (error);
  death2 = event (f, both, PARASOL_EVENT_KIND_DEATH, 2, NULL, &error);
  g_assert_no_error (error);
  o = parasol_outcomes_withdraw_event (f->store, both, disc2->id, "Duplicate entry", &error);
  g_assert_no_error (error);
  g_assert_false (o->status_changed);
  g_assert_cmpstr (o->status, ==, "off_treatment");
  parasol_outcome_free (o);
  /* the last one withdrawn: back on treatment */
  o = parasol_outcomes_withdraw_event (f->store, both, death2->id, "Wrong patient", &error);
  g_assert_no_error (error);
  g_assert_true (o->status_changed);
  g_assert_cmpstr (o->status, ==, "on_treatment");
  parasol_outcome_free (o);

  /* enrolled, never dosed, died: withdrawn, back to enrolled */
  death = event (f, untreated, PARASOL_EVENT_KIND_DEATH, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (death->status, ==, "off_treatment");
  o = parasol_outcomes_withdraw_event (f->store, untreated, death->id, "Wrong patient", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (o->status, ==, "enrolled");
  parasol_outcome_free (o);
  status = status_of (f, untreated);
  g_assert_cmpstr (status, ==, "enrolled");
}

/* Event corrections at the rules' boundaries: a death corrected to before a later outcome, a
 * discontinuation without its reason, progression before C1D1, a second death by kind. */
static void
test_correct_event (WorkflowFixture *f,
                    gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolOutcome) r = NULL;
  g_autoptr(ParasolOutcome) progression = NULL;
  g_autoptr(ParasolOutcome) disc = NULL;
  g_autoptr(ParasolOutcome) death = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  gint64 id = enrolled_patient (f, "S-O56", TRUE);
  ParasolEventKind kind;
  GDate d;
  ParasolOutcome *o;
  gboolean seen = FALSE;

  r = response (f, id, "PD", 10, &error);
  g_assert_no_error (error);
  progression = event (f, id, PARASOL_EVENT_KIND_PROGRESSION, 10, NULL, &error);
  g_assert_no_error (error);
  disc = event (f, id, PARASOL_EVENT_KIND_DISCONTINUATION, 8, "Progression", &error);
  g_assert_no_error (error);
  death = event (f, id, PARASOL_EVENT_KIND_DEATH, 3, "Disease", &error);
  g_assert_no_error (error);

  /* the death moved before the discontinuation (8 days ago): refused; on it: accepted */
  d = wf_days_from_today (-9);
  o = parasol_outcomes_correct_event (f->store, id, death->id, NULL, &d, NULL, "Date", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE);
  g_clear_error (&error);
  d = wf_days_from_today (-8);
  o = parasol_outcomes_correct_event (f->store, id, death->id, NULL, &d, NULL, "Date", &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);

  /* the discontinuation's reason cleared: refused */
  o = parasol_outcomes_correct_event (f->store, id, disc->id, NULL, NULL, "", "Reason", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  /* the progression after the death: refused; before C1D1: refused */
  d = wf_days_from_today (-7);
  o = parasol_outcomes_correct_event (f->store, id, progression->id, NULL, &d, NULL, "Date", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_AFTER_DEATH);
  g_clear_error (&error);
  d = wf_days_from_today (-39);
  o = parasol_outcomes_correct_event (f->store, id, progression->id, NULL, &d, NULL, "Date", &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DATE);
  g_clear_error (&error);
  /* the progression made a second death */
  kind = PARASOL_EVENT_KIND_DEATH;
  o = parasol_outcomes_correct_event (f->store, id, progression->id, &kind, NULL, NULL, "Kind",
                                      &error);
  g_assert_error (error, PARASOL_OUTCOMES_ERROR, PARASOL_OUTCOMES_ERROR_DUPLICATE);
  g_clear_error (&error);
  /* the discontinuation's reason corrected */
  o = parasol_outcomes_correct_event (f->store, id, disc->id, NULL, NULL, "Unacceptable toxicity",
                                      "Reason read wrongly", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (o->reason, ==, "Unacceptable toxicity");
  parasol_outcome_free (o);

  /* the audit trail holds old and new values with the reason */
  audit = parasol_store_audit_list_patient (f->store, id, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      const ParasolAuditEntry *e = g_ptr_array_index (audit, i);

      if (g_strcmp0 (e->table_name, "event") == 0 && g_strcmp0 (e->field, "reason") == 0)
        {
          g_assert_cmpstr (e->old_value, ==, "Progression");
          g_assert_cmpstr (e->new_value, ==, "Unacceptable toxicity");
          g_assert_cmpstr (e->reason, ==, "Reason read wrongly");
          seen = TRUE;
        }
    }
  g_assert_true (seen);

  /* the withdrawn marker is audited too, and the trail still reconciles */
  o = parasol_outcomes_withdraw_response (f->store, id, r->id, "Duplicate", &error);
  g_assert_no_error (error);
  parasol_outcome_free (o);
  g_clear_pointer (&audit, g_ptr_array_unref);
  audit = parasol_store_audit_list_patient (f->store, id, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((ParasolAuditEntry *) g_ptr_array_index (audit, 0))->field, ==, "withdrawn");
  g_assert_cmpstr (((ParasolAuditEntry *) g_ptr_array_index (audit, 0))->old_value, ==, "0");
  g_assert_cmpstr (((ParasolAuditEntry *) g_ptr_array_index (audit, 0))->new_value, ==, "1");
  {
    g_autoptr(ParasolAuditReport) report = parasol_store_audit_check (f->store, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (report->valid);
  }
}

static void
test_labels (void)
{
  for (guint i = 0; parasol_outcomes_responses[i] != NULL; i++)
    g_assert_nonnull (parasol_outcomes_response_to_label (parasol_outcomes_responses[i]));
  g_assert_null (parasol_outcomes_response_to_label ("XR"));
  g_assert_cmpstr (parasol_event_kind_to_string (PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE), ==,
                   "last_known_alive");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/outcomes/not-treated", WorkflowFixture, NULL, wf_set_up, test_not_treated, wf_tear_down);
  g_test_add ("/outcomes/dates", WorkflowFixture, NULL, wf_set_up, test_dates, wf_tear_down);
  g_test_add ("/outcomes/discontinuation", WorkflowFixture, NULL, wf_set_up, test_discontinuation, wf_tear_down);
  g_test_add ("/outcomes/death", WorkflowFixture, NULL, wf_set_up, test_death, wf_tear_down);
  g_test_add ("/outcomes/audit", WorkflowFixture, NULL, wf_set_up, test_audit, wf_tear_down);
  g_test_add ("/outcomes/correct-response", WorkflowFixture, NULL, wf_set_up, test_correct_response, wf_tear_down);
  g_test_add ("/outcomes/withdraw-response", WorkflowFixture, NULL, wf_set_up, test_withdraw_response, wf_tear_down);
  g_test_add ("/outcomes/withdraw-status", WorkflowFixture, NULL, wf_set_up, test_withdraw_status, wf_tear_down);
  g_test_add ("/outcomes/correct-event", WorkflowFixture, NULL, wf_set_up, test_correct_event, wf_tear_down);
  g_test_add_func ("/outcomes/labels", test_labels);
  return g_test_run ();
}
