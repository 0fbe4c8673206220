/* test-administration.c — core/parasol-administration: doses given, skipped, cycles delayed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each rule at its boundary.  The patient is screened 40 days ago and starts 38 days ago, so
 * that cycle 2 (day 1 seventeen days ago) lies in the past too: doses are dated when given.
 */

#include "config.h"

#include "parasol-administration.h"
#include "parasol-dosing.h"
#include "parasol-enrolment.h"
#include "parasol-patient-dosing.h"
#include "workflow-fixture.h"

static gint64
enrolled_patient (WorkflowFixture *f,
                  const char      *number,
                  const char      *arm,
                  int              screened_days_ago,
                  int              c1d1_days_ago)
{
  gint64 id = wf_eligible_patient (f, number, screened_days_ago, arm);
  GDate c1d1 = wf_days_from_today (-c1d1_days_ago);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolEnrolment) e = parasol_enrolment_enrol (f->store, f->protocol, id, &c1d1,
                                                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  return id;
}

/* The calculated dose of @drug in @cycle, as parasol-cli dose computes it */
static double
calculated (WorkflowFixture *f,
            gint64           id,
            const char      *drug,
            const GDate     *day1,
            int              cycle)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (f->protocol);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, &error);
  g_autoptr(ParasolDoseSet) set = NULL;
  ParasolPatientDosing pd;
  const ParasolDose *dose;

  g_assert_true (parasol_patient_dosing_init (&pd, facts, regimen, day1, NULL, &error));
  set = parasol_dosing_compute (regimen, facts->arm, facts->ici, cycle, &pd.input, &error);
  g_assert_no_error (error);
  dose = parasol_dose_set_find (set, drug);
  g_assert_nonnull (dose);
  return dose->dose;
}

static ParasolGivenDose *
give (WorkflowFixture *f,
      gint64           id,
      const char      *drug,
      int              days_ago,
      double           dose,
      const char      *reason,
      GError         **error)
{
  ParasolDoseEntry entry;

  parasol_dose_entry_init (&entry);
  entry.drug = drug;
  entry.date = wf_days_from_today (-days_ago);
  entry.dose = dose;
  entry.reason = reason;
  return parasol_administration_give (f->store, f->protocol, id, &entry, error);
}

/* Regression (issue 8): doses were recorded for a patient without a confirmed arm */
static void
test_not_ready (WorkflowFixture *f,
                gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 no_c1d1 = wf_eligible_patient (f, "S-A00", 10, "control");
  gint64 no_arm = enrolled_patient (f, "S-A01", NULL, 10, 8);
  ParasolGivenDose *g;

  g = give (f, no_c1d1, "tislelizumab", 8, 200, NULL, &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_READY);
  g_assert_nonnull (strstr (error->message, "enrol"));
  g_clear_error (&error);

  g = give (f, no_arm, "tislelizumab", 8, 200, NULL, &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_READY);
  g_assert_nonnull (strstr (error->message, "confirm the arm"));
  g_clear_error (&error);

  /* A dose dated tomorrow */
  {
    gint64 ready = enrolled_patient (f, "S-A02", "control", 10, 8);
    g = give (f, ready, "tislelizumab", -1, 200, NULL, &error);
    g_assert_null (g);
    g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE);
    g_clear_error (&error);
    g = give (f, ready, "tislelizumab", 8, 200, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g->cycle_started);
    g_assert_false (g->flagged);
    parasol_given_dose_free (g);
  }
}

/* Regression (issue 8): the same drug twice on one day, and a drug on a day its regimen does not
 * give it, were recorded without a word. */
static void
test_days (WorkflowFixture *f,
           gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A10", "anlotinib", 40, 38);
  ParasolGivenDose *g;

  /* Anlotinib 12 mg days 1–14: day 1 starts cycle 1 */
  g = give (f, id, "anlotinib", 38, 12, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g->cycle_started);
  g_assert_cmpint (g->cycle_day, ==, 1);
  parasol_given_dose_free (g);

  /* the same day again: refused, whatever the reason */
  g = give (f, id, "anlotinib", 38, 12, "second capsule", &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* day 14: the last treatment day */
  g = give (f, id, "anlotinib", 38 - 13, 12, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g->cycle_day, ==, 14);
  g_assert_false (g->flagged);
  parasol_given_dose_free (g);

  /* day 15: not a treatment day — refused, then flagged with a reason */
  g = give (f, id, "anlotinib", 38 - 14, 12, NULL, &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED);
  g_assert_nonnull (strstr (error->message, "day 15"));
  g_clear_error (&error);
  g = give (f, id, "anlotinib", 38 - 14, 12, "patient took a missed capsule", &error);
  g_assert_no_error (error);
  g_assert_true (g->flagged);
  g_assert_cmpuint (g->flags->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (g->flags, 0), "not a treatment day"));
  parasol_given_dose_free (g);

  /* the flag and its cause are in the stored record */
  {
    g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, &error);
    guint flagged = 0;

    for (guint i = 0; i < facts->administrations->len; i++)
      {
        const ParasolAdministration *a = g_ptr_array_index (facts->administrations, i);
        if (a->flagged)
          {
            flagged++;
            g_assert_nonnull (strstr (a->reason, "not a treatment day"));
          }
      }
    g_assert_cmpuint (flagged, ==, 1);
  }
}

/* Issue 8: a patient enrolled on cisplatin is given cisplatin (75 mg/m² on day 1), never
 * carboplatin; the platinum cannot change after the first dose. */
static void
test_cisplatin (WorkflowFixture *f,
                gconstpointer    data)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (f->protocol);
  g_autoptr(GError) error = NULL;
  gint64 id = wf_eligible_patient (f, "S-A90", 10, "control");
  GDate c1d1 = wf_days_from_today (-8);
  ParasolEnrolmentOptions options = { .platinum = "cisplatin" };
  g_autoptr(ParasolEnrolment) e = parasol_enrolment_enrol (f->store, f->protocol, id, &c1d1,
                                                           &options, NULL, &error);
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolDoseSet) set = NULL;
  g_autoptr(ParasolSchedule) schedule = NULL;
  ParasolPatientDosing pd;
  ParasolGivenDose *g;
  double dose;

  g_assert_no_error (error);
  g_assert_cmpstr (e->platinum, ==, "cisplatin");

  /* The doses and the calendar: cisplatin on day 1, BSA-based; no carboplatin */
  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_true (parasol_patient_dosing_init (&pd, facts, regimen, &c1d1, NULL, &error));
  set = parasol_dosing_compute (regimen, facts->arm, facts->ici, 1, &pd.input, &error);
  g_assert_no_error (error);
  g_assert_null (parasol_dose_set_find (set, "carboplatin"));
  g_assert_nonnull (parasol_dose_set_find (set, "cisplatin"));
  dose = parasol_dose_set_find (set, "cisplatin")->dose;
  g_assert_cmpfloat (dose, ==, round (75 * set->bsa_m2));
  schedule = parasol_schedule_build (regimen, facts->arm, facts->ici, &facts->c1d1, facts, NULL,
                                     NULL, &error);
  g_assert_no_error (error);
  {
    const ParasolScheduleCycle *c = parasol_schedule_get_cycle (schedule, 1);
    gboolean cis = FALSE, carbo = FALSE;

    for (guint i = 0; i < c->doses->len; i++)
      {
        const ParasolScheduledDose *sd = g_ptr_array_index (c->doses, i);
        cis |= g_strcmp0 (sd->drug, "cisplatin") == 0 && sd->cycle_day == 1;
        carbo |= g_strcmp0 (sd->drug, "carboplatin") == 0;
      }
    g_assert_true (cis);
    g_assert_false (carbo);
  }

  /* carboplatin is not this patient's drug */
  g = give (f, id, "carboplatin", 8, 500, "wrong bag", &error);
  g_assert_null (g);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g = give (f, id, "cisplatin", 8, dose, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g->flagged);
  parasol_given_dose_free (g);

  /* after the first dose the platinum is fixed */
  g_assert_false (parasol_store_set_patient_platinum (f->store, id, "carboplatin", "switch", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "cannot change after the first dose"));
  g_clear_error (&error);
  g_assert_true (parasol_store_set_patient_platinum (f->store, id, "cisplatin", "same", &error));
  g_assert_no_error (error);
}

/* Issue 8: cycle 1 starts on cisplatin only while its CrCl holds, as at enrolment: a creatinine
 * that drops the CrCl below 60 mL/min after enrolment refuses the first dose and a move of C1D1 */
static void
test_cisplatin_first_dose (WorkflowFixture *f,
                           gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = wf_eligible_patient (f, "S-A91", 10, "control");
  GDate c1d1 = wf_days_from_today (-8);
  GDate later = wf_days_from_today (-7);
  GDate today = wf_days_from_today (0);
  ParasolEnrolmentOptions options = { .platinum = "cisplatin" };
  g_autoptr(ParasolEnrolment) e = parasol_enrolment_enrol (f->store, f->protocol, id, &c1d1,
                                                           &options, NULL, &error);
  ParasolGivenDose *g;
  ParasolDelay *d;

  g_assert_no_error (error);
  /* creatinine 90 µmol/L (ULN 90: the inclusion criterion still holds) → CrCl 51.4 mL/min */
  wf_lab (f, id, "creatinine", 90, "umol/L", 90, &later);
  g = give (f, id, "etoposide", 7, 160, "started late", &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE);
  g_assert_nonnull (strstr (error->message, "Cisplatin"));
  g_assert_nonnull (strstr (error->message, "< 60 mL/min"));
  g_clear_error (&error);
  d = parasol_administration_delay (f->store, f->protocol, id, 1, &today, "bed shortage", &error);
  g_assert_null (d);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE);
  g_assert_nonnull (strstr (error->message, "< 60 mL/min"));
  g_clear_error (&error);
}

/* A first dose of a cycle while the start-of-cycle check fails (no labs within 3 days of day 1),
 * and a cycle 1 that starts once the screening labs have lapsed */
static void
test_start_checks (WorkflowFixture *f,
                   gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A20", "control", 40, 38);
  GDate c1 = wf_days_from_today (-38);
  GDate c2 = wf_days_from_today (-17);
  double tis = calculated (f, id, "tislelizumab", &c1, 1);
  ParasolGivenDose *g;

  g = give (f, id, "tislelizumab", 38, tis, NULL, &error);
  g_assert_no_error (error);
  parasol_given_dose_free (g);

  /* cycle 2 day 1 without fresh labs: refused, then flagged with a reason */
  g = give (f, id, "tislelizumab", 17, tis, NULL, &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED);
  g_assert_nonnull (strstr (error->message, "start-of-cycle"));
  g_clear_error (&error);

  /* with labs drawn the day before day 1: accepted unflagged */
  {
    GDate drawn = wf_days_from_today (-18);
    wf_lab (f, id, "anc", 2.0, "10^9/L", NAN, &drawn);
    wf_lab (f, id, "plt", 150, "10^9/L", NAN, &drawn);
  }
  g = give (f, id, "tislelizumab", 17, tis, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g->cycle_started);
  g_assert_cmpint (g->cycle, ==, 2);
  g_assert_false (g->flagged);
  parasol_given_dose_free (g);
  (void) c2;
}

/* Regression (issue 8): C1D1 moved past the labs' validity, and the first dose recorded
 * unflagged */
static void
test_cycle1_eligibility (WorkflowFixture *f,
                         gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A30", "control", 40, 30);   /* labs valid to 26 days ago */
  GDate lapsed = wf_days_from_today (-25);
  GDate valid = wf_days_from_today (-26);
  ParasolDelay *d;
  ParasolGivenDose *g;

  d = parasol_administration_delay (f->store, f->protocol, id, 1, &lapsed, "bed shortage", &error);
  g_assert_null (d);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE);
  g_clear_error (&error);

  /* the first dose within the window of C1D1 but after the labs lapsed */
  g = give (f, id, "tislelizumab", 27, 200, "late", &error);
  g_assert_no_error (error);    /* 27 days ago: labs still valid */
  parasol_given_dose_free (g);
  (void) valid;
}

static void
test_first_dose_lapsed (WorkflowFixture *f,
                        gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A31", "control", 40, 27);   /* labs valid to 26 days ago */
  ParasolGivenDose *g;

  g = give (f, id, "tislelizumab", 25, 200, "late start", &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE);
  g_clear_error (&error);
  g = give (f, id, "tislelizumab", 26, 200, NULL, &error);
  g_assert_no_error (error);
  parasol_given_dose_free (g);
}

/* Regression (issue 8): `delay --cycle 2 --to` the day after C1D1 was accepted, and a later
 * cycle with its own date kept it, so the arm drug's days overlapped. */
static void
test_delay (WorkflowFixture *f,
            gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A40", "control", 10, 8);
  GDate c1d1 = wf_days_from_today (-8);
  GDate next_day = wf_days_from_today (-7);
  GDate earliest = wf_days_from_today (-8 + 21 - 3);
  GDate c3_own = wf_days_from_today (-8 + 42 + 5);
  GDate c2_late = wf_days_from_today (-8 + 21 + 7);
  g_autoptr(ParasolPatientFacts) facts = NULL;
  ParasolDelay *d;

  d = parasol_administration_delay (f->store, f->protocol, id, 2, &next_day, "typo", &error);
  g_assert_null (d);
  g_assert_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_ORDER);
  g_clear_error (&error);
  g_date_subtract_days (&earliest, 1);
  d = parasol_administration_delay (f->store, f->protocol, id, 2, &earliest, "early", &error);
  g_assert_null (d);
  g_clear_error (&error);
  g_date_add_days (&earliest, 1);

  /* cycle 3 gets its own date, then cycle 2 moves a week: cycle 3 moves a week too */
  d = parasol_administration_delay (f->store, f->protocol, id, 3, &c3_own, "holiday", &error);
  g_assert_no_error (error);
  parasol_delay_free (d);
  d = parasol_administration_delay (f->store, f->protocol, id, 2, &c2_late, "PLT 82", &error);
  g_assert_no_error (error);
  g_assert_cmpint (d->delay_days, ==, 7);
  g_assert_cmpuint (d->moved->len, ==, 1);
  g_assert_cmpint (g_array_index (d->moved, int, 0), ==, 3);
  {
    const ParasolScheduleCycle *c3 = parasol_schedule_get_cycle (d->schedule, 3);
    GDate expected = c3_own;

    g_date_add_days (&expected, 7);
    g_assert_cmpint (g_date_compare (&c3->start, &expected), ==, 0);
  }
  parasol_delay_free (d);

  /* no reason: refused */
  d = parasol_administration_delay (f->store, f->protocol, id, 2, &c2_late, "", &error);
  g_assert_null (d);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED);
  g_clear_error (&error);

  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_cmpint (g_date_compare (&facts->c1d1, &c1d1), ==, 0);
}

static void
test_skip (WorkflowFixture *f,
           gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A50", "anlotinib", 10, 8);
  GDate day3 = wf_days_from_today (-6);
  ParasolGivenDose *g;

  g = give (f, id, "anlotinib", 8, 12, NULL, &error);
  g_assert_no_error (error);
  parasol_given_dose_free (g);
  g = parasol_administration_skip (f->store, f->protocol, id, "anlotinib", &day3, 0, NULL, &error);
  g_assert_null (g);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g = parasol_administration_skip (f->store, f->protocol, id, "anlotinib", &day3, 0, "vomiting", &error);
  g_assert_no_error (error);
  g_assert_true (g->skipped);
  g_assert_cmpint (g->cycle_day, ==, 3);
  parasol_given_dose_free (g);
}

/* Regression (issue 8): the arm could change after the first dose.  A mistake is corrected with
 * a documented correction that the audit trail shows. */
static void
test_arm_locked (WorkflowFixture *f,
                 gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A60", "control", 10, 8);
  const char *version = parasol_protocol_get_version (f->protocol);
  g_autoptr(GPtrArray) audit = NULL;
  ParasolGivenDose *g;
  gboolean seen = FALSE;

  /* before the first dose the investigator may still change it */
  g_assert_cmpint (parasol_store_record_assignment (f->store, id, "control", "anlotinib", version,
                                                    "VIM re-read", &error), >, 0);
  g_assert_no_error (error);
  g = give (f, id, "anlotinib", 8, 12, NULL, &error);
  g_assert_no_error (error);
  parasol_given_dose_free (g);

  g_assert_cmpint (parasol_store_record_assignment (f->store, id, "control", "control", version,
                                                    "changed mind", &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "record a correction of the arm"));
  g_clear_error (&error);
  g_assert_false (parasol_store_set_patient_field (f->store, id, "arm", "control", 0, "x", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (parasol_administration_correct_arm (f->store, f->protocol, id, "control", NULL,
                                                       &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (parasol_administration_correct_arm (f->store, f->protocol, id, "nope", "x",
                                                       &error), ==, 0);
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (parasol_administration_correct_arm (f->store, f->protocol, id, "control",
                                                       "entered on the wrong patient", &error), >, 0);
  g_assert_no_error (error);

  audit = parasol_store_audit_list (f->store, "patient", id, 0, &error);
  for (guint i = 0; i < audit->len; i++)
    {
      const ParasolAuditEntry *a = g_ptr_array_index (audit, i);
      if (g_strcmp0 (a->field, "arm") == 0 && g_strcmp0 (a->new_value, "control") == 0 &&
          g_strcmp0 (a->reason, "Correction: entered on the wrong patient") == 0)
        seen = TRUE;
    }
  g_assert_true (seen);
}

/* Regression (issue 8): `dose ID --arm X` for a patient confirmed on Y, and --bsa-cap 0.1 */
static void
test_dose_request (WorkflowFixture *f,
                   gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  gint64 id = enrolled_patient (f, "S-A70", "anlotinib", 10, 8);
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, &error);

  g_assert_true (parasol_administration_check_dose_request (f->protocol, facts, "anlotinib", NULL, 1, 0,
                                                            NAN, &error));
  g_assert_false (parasol_administration_check_dose_request (f->protocol, facts, "xpo1", NULL, 1, 0,
                                                             NAN, &error));
  g_assert_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (parasol_administration_check_dose_request (f->protocol, facts, NULL, "durvalumab", 1,
                                                             0, NAN, &error));
  g_clear_error (&error);
  /* a what-if without a patient may name any arm */
  g_assert_true (parasol_administration_check_dose_request (f->protocol, NULL, "xpo1", "durvalumab", 1,
                                                            0, NAN, &error));
  /* the BSA cap at its bounds */
  g_assert_true (parasol_administration_check_dose_request (f->protocol, NULL, NULL, NULL, 1, 0, 1.0, &error));
  g_assert_true (parasol_administration_check_dose_request (f->protocol, NULL, NULL, NULL, 1, 0, 3.0, &error));
  g_assert_false (parasol_administration_check_dose_request (f->protocol, NULL, NULL, NULL, 1, 0, 0.99, &error));
  g_clear_error (&error);
  g_assert_false (parasol_administration_check_dose_request (f->protocol, NULL, NULL, NULL, 1, 0, 30, &error));
  g_clear_error (&error);
  /* ... from the protocol's <plausible> table: a site's narrower bsa-cap row is what counts */
  {
    const char *source = parasol_protocol_get_source (f->protocol);
    g_auto(GStrv) parts = g_strsplit (source, "<range quantity=\"bsa-cap\" min=\"1.0\" max=\"3.0\"", 2);
    g_autofree char *xml = NULL;
    g_autoptr(ParasolProtocol) narrow = NULL;

    g_assert_cmpuint (g_strv_length (parts), ==, 2);
    xml = g_strjoin ("<range quantity=\"bsa-cap\" min=\"1.5\" max=\"2.2\"", parts[0], parts[1], NULL);
    narrow = parasol_protocol_new_from_data (xml, strlen (xml), "narrow-bsa.xml", &error);
    g_assert_no_error (error);
    g_assert_true (parasol_administration_check_dose_request (narrow, NULL, NULL, NULL, 1, 0, 1.5, &error));
    g_assert_true (parasol_administration_check_dose_request (narrow, NULL, NULL, NULL, 1, 0, 2.2, &error));
    g_assert_false (parasol_administration_check_dose_request (narrow, NULL, NULL, NULL, 1, 0, 2.21, &error));
    g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE);
    g_assert_nonnull (strstr (error->message, "1.5–2.2"));
    g_clear_error (&error);
    g_assert_false (parasol_administration_check_dose_request (narrow, NULL, NULL, NULL, 1, 0, 1.49, &error));
    g_clear_error (&error);
  }
  /* dose levels 0..2 (etoposide 1, 0.75, 0.5), cycles 1..999 */
  g_assert_true (parasol_administration_check_dose_request (f->protocol, NULL, NULL, NULL, 999, 2, NAN, &error));
  g_assert_false (parasol_administration_check_dose_request (f->protocol, NULL, NULL, NULL, 1, 3, NAN, &error));
  g_clear_error (&error);
  g_assert_false (parasol_administration_check_dose_request (f->protocol, NULL, NULL, NULL, 1000, 0, NAN, &error));
  g_clear_error (&error);
}

/* Issue 8: a creatinine older than the protocol's window for the cycle gives a warning */
static void
test_stale_creatinine (WorkflowFixture *f,
                       gconstpointer    data)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (f->protocol);
  g_autoptr(GError) error = NULL;
  gint64 id = wf_eligible_patient (f, "S-A80", 30, "control");   /* labs 30 days ago */
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, &error);
  ParasolPatientDosing pd;
  GDate on;
  char *w;

  /* cycle 1: the 14-day laboratory window; day 14 is still fine, day 15 is not */
  on = wf_days_from_today (-30 + 14);
  g_assert_true (parasol_patient_dosing_init (&pd, facts, regimen, &on, NULL, &error));
  g_assert_null (parasol_administration_creatinine_warning (f->protocol, &pd, 1));
  on = wf_days_from_today (-30 + 15);
  g_assert_true (parasol_patient_dosing_init (&pd, facts, regimen, &on, NULL, &error));
  w = parasol_administration_creatinine_warning (f->protocol, &pd, 1);
  g_assert_nonnull (w);
  g_assert_nonnull (strstr (w, "15 days old"));
  g_free (w);

  /* later cycles: the start-of-cycle labs window (3 days) */
  on = wf_days_from_today (-30 + 3);
  g_assert_true (parasol_patient_dosing_init (&pd, facts, regimen, &on, NULL, &error));
  g_assert_null (parasol_administration_creatinine_warning (f->protocol, &pd, 2));
  on = wf_days_from_today (-30 + 4);
  g_assert_true (parasol_patient_dosing_init (&pd, facts, regimen, &on, NULL, &error));
  w = parasol_administration_creatinine_warning (f->protocol, &pd, 2);
  g_assert_nonnull (w);
  g_free (w);
}

/* Issue 8: the store itself refuses an administration dated after today, whoever writes (the
 * workflow checks too); today is the last day accepted. */
static void
test_store_future (WorkflowFixture *f,
                   gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolAdministration) a = parasol_administration_new ();
  g_autoptr(ParasolPatientFacts) facts = NULL;
  gint64 id = enrolled_patient (f, "S-A90", "control", 10, 8);

  a->cycle = 1;
  a->drug = g_strdup ("etoposide");
  a->dose = 180;
  a->unit = g_strdup ("mg");
  a->date = wf_days_from_today (1);
  g_assert_cmpint (parasol_store_add_administration (f->store, id, a, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "after today"));
  g_clear_error (&error);
  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_cmpuint (facts->administrations->len, ==, 0);
  g_clear_pointer (&facts, parasol_patient_facts_free);

  a->date = wf_days_from_today (0);
  g_assert_cmpint (parasol_store_add_administration (f->store, id, a, &error), >, 0);
  g_assert_no_error (error);
  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_cmpuint (facts->administrations->len, ==, 1);
}

/* The planned etoposide of each cycle, as the patient page and parasol-cli schedule show it */
static void
plan_doses (WorkflowFixture *f,
            gint64           id,
            double           doses[4],
            GDate            starts[4])
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (f->protocol);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, &error);
  g_autoptr(ParasolPatientPlan) plan = NULL;
  GDate wd = parasol_patient_weight_date (f->store, id);

  g_assert_no_error (error);
  plan = parasol_patient_plan_build (regimen, facts, &wd, NULL, &error);
  g_assert_no_error (error);
  for (int c = 1; c <= 4; c++)
    {
      const ParasolDoseSet *set = parasol_patient_plan_get_doses (plan, c);
      const ParasolDose *eto;

      g_assert_nonnull (set);
      eto = parasol_dose_set_find (set, "etoposide");
      g_assert_nonnull (eto);
      doses[c - 1] = eto->dose;
      starts[c - 1] = parasol_schedule_get_cycle (plan->schedule, c)->start;
    }
}

/* Regression (issue 8): changing today's weight rewrote the planned doses of cycle 1, whose day
 * 1 was past.  Cycles begun keep the doses they were planned with; a cycle uses the weight
 * measured on or before its day 1. */
static void
test_past_cycles_keep_doses (WorkflowFixture *f,
                             gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  /* C1D1 38 days ago, cycle 2 seventeen days ago, cycle 3 four days ahead */
  gint64 id = enrolled_patient (f, "S-A91", "control", 40, 38);
  double before[4], after[4];
  GDate starts[4], today = wf_days_from_today (0);

  plan_doses (f, id, before, starts);
  g_assert_cmpint (g_date_compare (&starts[1], &today), <, 0);
  g_assert_cmpint (g_date_compare (&starts[2], &today), >, 0);
  g_assert_cmpfloat (before[0], ==, before[2]);

  /* 60 kg at screening; 75 kg today (+25 %: past the protocol's threshold) */
  g_assert_cmpint (parasol_store_add_weight (f->store, id, 75, &today, 0, NULL, &error), >, 0);
  g_assert_no_error (error);
  plan_doses (f, id, after, starts);
  g_assert_cmpfloat (after[0], ==, before[0]);
  g_assert_cmpfloat (after[1], ==, before[1]);
  g_assert_cmpfloat (after[2], >, before[2]);
  g_assert_cmpfloat (after[3], ==, after[2]);

  /* Measured on cycle 2's day 1: cycle 2 uses it; cycle 1 still keeps its dose */
  g_assert_cmpint (parasol_store_add_weight (f->store, id, 75, &starts[1], 0, NULL, &error), >, 0);
  g_assert_no_error (error);
  plan_doses (f, id, after, starts);
  g_assert_cmpfloat (after[0], ==, before[0]);
  g_assert_cmpfloat (after[1], >, before[1]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/administration/not-ready", WorkflowFixture, NULL, wf_set_up, test_not_ready, wf_tear_down);
  g_test_add ("/administration/days", WorkflowFixture, NULL, wf_set_up, test_days, wf_tear_down);
  g_test_add ("/administration/cisplatin", WorkflowFixture, NULL, wf_set_up, test_cisplatin,
              wf_tear_down);
  g_test_add ("/administration/cisplatin-first-dose", WorkflowFixture, NULL, wf_set_up,
              test_cisplatin_first_dose, wf_tear_down);
  g_test_add ("/administration/start-checks", WorkflowFixture, NULL, wf_set_up, test_start_checks, wf_tear_down);
  g_test_add ("/administration/cycle1-eligibility", WorkflowFixture, NULL, wf_set_up, test_cycle1_eligibility, wf_tear_down);
  g_test_add ("/administration/first-dose-lapsed", WorkflowFixture, NULL, wf_set_up, test_first_dose_lapsed, wf_tear_down);
  g_test_add ("/administration/delay", WorkflowFixture, NULL, wf_set_up, test_delay, wf_tear_down);
  g_test_add ("/administration/arm-locked", WorkflowFixture, NULL, wf_set_up, test_arm_locked, wf_tear_down);
  g_test_add ("/administration/dose-request", WorkflowFixture, NULL, wf_set_up, test_dose_request, wf_tear_down);
  g_test_add ("/administration/stale-creatinine", WorkflowFixture, NULL, wf_set_up, test_stale_creatinine, wf_tear_down);
  g_test_add ("/administration/skip", WorkflowFixture, NULL, wf_set_up, test_skip, wf_tear_down);
  g_test_add ("/administration/store-future", WorkflowFixture, NULL, wf_set_up, test_store_future, wf_tear_down);
  g_test_add ("/administration/past-cycles-keep-doses", WorkflowFixture, NULL, wf_set_up, test_past_cycles_keep_doses, wf_tear_down);
  return g_test_run ();
}
