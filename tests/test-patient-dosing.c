/* test-patient-dosing.c — a patient's dosing input and calendar with doses (core glue shared
 * by parasol-cli and the patient page)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "parasol-patient-dosing.h"
#include "parasol-store.h"
#include "dosing-fixture.h"

#define EPS 1e-6

typedef ParasolCycleRecord TestCycleRecord;
typedef ParasolAdministration TestAdministration;
typedef ParasolLabResult TestLabResult;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCycleRecord, parasol_cycle_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestAdministration, parasol_administration_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestLabResult, parasol_lab_result_free)

/* A 60-year-old man, 170 cm, 70 kg, creatinine 80 µmol/L drawn on 2025-12-10, on the control
 * arm from C1D1 2025-12-15. */
static ParasolPatientFacts *
make_facts (void)
{
  ParasolPatientFacts *f = parasol_patient_facts_new ();
  ParasolLabResult *crea = parasol_lab_result_new ();

  f->screening_number = g_strdup ("S-0100");
  f->subject_number = g_strdup ("BT-0100");
  f->sex = PARASOL_SEX_MALE;
  f->birth_date = fixture_date (1965, 6, 1);
  f->screening_date = fixture_date (2025, 12, 1);
  f->c1d1 = fixture_date (2025, 12, 15);
  f->arm = g_strdup ("control");
  f->ici = g_strdup ("atezolizumab");
  f->height_cm = 170;
  f->weight_kg = 70;
  f->dose_weight_kg = 70;

  crea->lab = g_strdup ("creatinine");
  crea->value = 80;
  crea->unit = g_strdup ("umol/L");
  crea->uln = NAN;
  crea->date = fixture_date (2025, 12, 10);
  g_ptr_array_add (f->labs, crea);

  return f;
}

static void
test_input_from_facts (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) f = make_facts ();
  g_autoptr(GError) error = NULL;
  GDate on = fixture_date (2025, 12, 15);
  GDate wd = fixture_date (2025, 12, 12);
  ParasolPatientDosing pd;

  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &on, &wd, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (pd.input.height_cm, 170, EPS);
  g_assert_cmpfloat_with_epsilon (pd.input.weight_kg, 70, EPS);
  g_assert_cmpint (pd.input.age_years, ==, 60);
  g_assert_cmpint (pd.input.sex, ==, PARASOL_SEX_MALE);
  g_assert_cmpfloat_with_epsilon (pd.input.creatinine_umol_l, 80, EPS);
  g_assert_cmpint (g_date_compare (&pd.input.creatinine_date, &f->c1d1), <, 0);
  g_assert_cmpint (g_date_compare (&pd.input.weight_date, &wd), ==, 0);
  g_assert_false (pd.recalculate);
  g_assert_null (parasol_patient_dosing_weight_warning (&pd, r));

  /* The birthday on the date counts */
  on = fixture_date (2026, 6, 1);
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_cmpint (pd.input.age_years, ==, 61);
  g_assert_false (g_date_valid (&pd.input.weight_date));
}

static void
test_input_weight_change (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) f = make_facts ();
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  GDate on = fixture_date (2025, 12, 15);
  ParasolPatientDosing pd;

  /* 9 % lighter: doses stay on the dose weight */
  f->weight_kg = 63.7;
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_false (pd.recalculate);
  g_assert_cmpfloat_with_epsilon (pd.input.weight_kg, 70, EPS);

  /* 10 % lighter: recalculated on the current weight, with a warning saying so */
  f->weight_kg = 63;
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_true (pd.recalculate);
  g_assert_cmpfloat_with_epsilon (pd.input.weight_kg, 63, EPS);
  g_assert_cmpfloat_with_epsilon (pd.weight_change, 0.10, 1e-9);
  warning = parasol_patient_dosing_weight_warning (&pd, r);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "63.0 kg"));
  g_assert_nonnull (strstr (warning, "70.0 kg"));

  /* No dose weight yet: the current weight */
  f->dose_weight_kg = NAN;
  f->weight_kg = 80;
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_cmpfloat_with_epsilon (pd.input.weight_kg, 80, EPS);

  /* Only a dose weight: that one */
  f->dose_weight_kg = 75;
  f->weight_kg = NAN;
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_cmpfloat_with_epsilon (pd.input.weight_kg, 75, EPS);
  g_assert_no_error (error);
}

static void
add_weight (ParasolPatientFacts *f,
            gint64               id,
            double               kg,
            GDate                measured_on)
{
  ParasolWeight *w = parasol_weight_new ();

  w->id = id;
  w->weight_kg = kg;
  w->date = measured_on;
  g_ptr_array_add (f->weights, w);
}

static double
planned_etoposide (const ParasolPatientPlan *plan,
                   int                       cycle)
{
  const ParasolDoseSet *set = parasol_patient_plan_get_doses (plan, cycle);
  const ParasolDose *eto;

  g_assert_nonnull (set);
  eto = parasol_dose_set_find (set, "etoposide");
  g_assert_nonnull (eto);
  return eto->dose;
}

/* Regression (issue 8): a new weight rewrote the planned doses of cycles already begun.  A cycle
 * uses the weight measured on or before its day 1 (2026-01-05 for cycle 2). */
static void
test_weight_on_day1 (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) f = make_facts ();
  g_autoptr(ParasolPatientPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  GDate c2 = fixture_date (2026, 1, 5);
  ParasolPatientDosing pd;

  /* 70 kg at screening; 84 kg (+20 %, past the threshold) the day after cycle 2's day 1 */
  add_weight (f, 1, 70, fixture_date (2025, 12, 1));
  add_weight (f, 2, 84, fixture_date (2026, 1, 6));
  f->weight_kg = 84;

  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &c2, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (pd.current_weight_kg, 70, EPS);
  g_assert_false (pd.recalculate);
  g_assert_cmpfloat_with_epsilon (pd.input.weight_kg, 70, EPS);
  g_assert_cmpint (g_date_get_day (&pd.input.weight_date), ==, 1);
  g_assert_false (pd.weight_after_on);

  plan = parasol_patient_plan_build (r, f, NULL, NULL, &error);
  g_assert_no_error (error);
  /* BSA sqrt (170 x 70 / 3600) -> 180 mg; with 84 kg sqrt (170 x 84 / 3600) -> 199.2 -> 200 mg */
  g_assert_cmpfloat_with_epsilon (planned_etoposide (plan, 1), 180, EPS);
  g_assert_cmpfloat_with_epsilon (planned_etoposide (plan, 2), 180, EPS);
  g_assert_cmpfloat_with_epsilon (planned_etoposide (plan, 3), 200, EPS);
  g_assert_cmpuint (plan->warnings->len, ==, 0);
  g_clear_pointer (&plan, parasol_patient_plan_free);

  /* Measured on cycle 2's day 1 itself: cycle 2 uses it, cycle 1 keeps its dose */
  g_date_set_dmy (&((ParasolWeight *) g_ptr_array_index (f->weights, 1))->date, 5, 1, 2026);
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &c2, NULL, &error));
  g_assert_cmpfloat_with_epsilon (pd.current_weight_kg, 84, EPS);
  g_assert_true (pd.recalculate);
  g_assert_cmpint (g_date_compare (&pd.input.weight_date, &c2), ==, 0);
  plan = parasol_patient_plan_build (r, f, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (planned_etoposide (plan, 1), 180, EPS);
  g_assert_cmpfloat_with_epsilon (planned_etoposide (plan, 2), 200, EPS);
  g_clear_pointer (&plan, parasol_patient_plan_free);

  /* Two weights on one day: the one stored last */
  add_weight (f, 3, 70, fixture_date (2026, 1, 5));
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &c2, NULL, &error));
  g_assert_cmpfloat_with_epsilon (pd.current_weight_kg, 70, EPS);
  g_ptr_array_set_size (f->weights, 2);

  /* No weight measured by cycle 1's day 1: the first one, and the plan says so */
  g_ptr_array_remove_index (f->weights, 0);
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &f->c1d1, NULL, &error));
  g_assert_true (pd.weight_after_on);
  g_assert_cmpfloat_with_epsilon (pd.current_weight_kg, 84, EPS);
  plan = parasol_patient_plan_build (r, f, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (plan->warnings, 0), "Cycle 1"));
  g_assert_nonnull (strstr (g_ptr_array_index (plan->warnings, 0), "2026-01-05"));
}

static void
test_input_missing (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) f = make_facts ();
  g_autoptr(GError) error = NULL;
  GDate on = fixture_date (2025, 12, 15);
  ParasolPatientDosing pd;

  f->height_cm = NAN;
  g_assert_false (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "BT-0100"));
  g_assert_nonnull (strstr (error->message, "height"));
  g_clear_error (&error);

  f->height_cm = 170;
  f->weight_kg = NAN;
  f->dose_weight_kg = NAN;
  g_assert_false (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "weight"));
  g_clear_error (&error);

  /* No creatinine is not an error here: Calvert says so when it needs one */
  f->weight_kg = 70;
  g_ptr_array_set_size (f->labs, 0);
  g_assert_true (parasol_patient_dosing_init (&pd, f, r, &on, NULL, &error));
  g_assert_true (isnan (pd.input.creatinine_umol_l));
  g_assert_false (g_date_valid (&pd.input.creatinine_date));
}

static void
add_started_cycle (ParasolPatientFacts *f,
                   int                  number,
                   GDate                start,
                   double               etoposide_mg)
{
  ParasolCycleRecord *rec = parasol_cycle_record_new ();
  ParasolAdministration *admin = parasol_administration_new ();

  rec->number = number;
  rec->start = start;
  rec->status = g_strdup ("started");
  g_ptr_array_add (f->cycles, rec);

  admin->cycle = number;
  admin->drug = g_strdup ("etoposide");
  admin->date = start;
  admin->dose = etoposide_mg;
  admin->unit = g_strdup ("mg");
  admin->given_by = g_strdup ("test");
  if (etoposide_mg < 150)
    admin->reason = g_strdup ("neutropenia");
  g_ptr_array_add (f->administrations, admin);
}

static void
test_plan (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) f = make_facts ();
  g_autoptr(ParasolPatientPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  ParasolScheduleOptions options;
  const ParasolScheduleCycle *next;
  const ParasolScheduleCycle *c2;
  const ParasolDoseSet *set;
  const ParasolDose *eto;

  /* BSA sqrt (170 x 70 / 3600) = 1.818 m2 -> etoposide 181.8 mg -> 180 mg */
  add_started_cycle (f, 1, fixture_date (2025, 12, 15), 180);
  add_started_cycle (f, 2, fixture_date (2026, 1, 5), 120);

  parasol_schedule_options_init (&options);
  options.max_maintenance_cycles = 2;
  plan = parasol_patient_plan_build (r, f, NULL, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  g_assert_cmpuint (plan->schedule->cycles->len, ==, 6);
  g_assert_cmpuint (plan->dose_sets->len, ==, plan->schedule->cycles->len);
  g_assert_cmpuint (plan->warnings->len, ==, 0);

  set = parasol_patient_plan_get_doses (plan, 1);
  g_assert_nonnull (set);
  g_assert_cmpint (set->cycle, ==, 1);
  eto = parasol_dose_set_find (set, "etoposide");
  g_assert_nonnull (eto);
  g_assert_cmpfloat_with_epsilon (eto->dose, 180, EPS);
  g_assert_cmpfloat_with_epsilon (eto->dose_unrounded, 181.8119, 1e-3);
  g_assert_cmpfloat_with_epsilon (*(double *) g_hash_table_lookup (plan->planned, "etoposide"),
                                  180, EPS);
  g_assert_null (parasol_patient_plan_get_doses (plan, 0));
  g_assert_null (parasol_patient_plan_get_doses (plan, 7));

  /* Knowing the planned dose, 120 mg in cycle 2 is a reduction */
  c2 = parasol_schedule_get_cycle (plan->schedule, 2);
  g_assert_nonnull (c2);
  for (guint i = 0; i < c2->doses->len; i++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c2->doses, i);

      if (g_strcmp0 (d->drug, "etoposide") == 0 && d->cycle_day == 1)
        g_assert_cmpint (d->status, ==, PARASOL_DOSE_STATUS_REDUCED);
    }

  next = parasol_patient_plan_next_cycle (plan);
  g_assert_nonnull (next);
  g_assert_cmpint (next->number, ==, 3);
  g_clear_pointer (&plan, parasol_patient_plan_free);

  /* A cycle recorded as delayed whose dose was then given has happened: the next one is after it */
  {
    ParasolCycleRecord *rec = parasol_cycle_record_new ();
    ParasolAdministration *admin = parasol_administration_new ();

    rec->number = 3;
    rec->start = fixture_date (2026, 2, 2);
    rec->status = g_strdup ("delayed");
    rec->reason = g_strdup ("neutropenia");
    g_ptr_array_add (f->cycles, rec);
    admin->cycle = 3;
    admin->drug = g_strdup ("etoposide");
    admin->date = rec->start;
    admin->dose = 180;
    admin->unit = g_strdup ("mg");
    g_ptr_array_add (f->administrations, admin);
  }
  plan = parasol_patient_plan_build (r, f, NULL, &options, &error);
  g_assert_no_error (error);
  next = parasol_patient_plan_next_cycle (plan);
  g_assert_nonnull (next);
  g_assert_cmpint (next->number, ==, 4);
}

static void
test_plan_without_doses (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) f = make_facts ();
  g_autoptr(ParasolPatientPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  /* No height: the calendar still, without doses, and a warning that says why */
  f->height_cm = NAN;
  plan = parasol_patient_plan_build (r, f, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  g_assert_cmpuint (plan->schedule->cycles->len, >, 4);
  g_assert_null (parasol_patient_plan_get_doses (plan, 1));
  g_assert_cmpuint (plan->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (plan->warnings, 0), "height"));
  g_clear_pointer (&plan, parasol_patient_plan_free);

  /* No C1D1: no calendar */
  g_date_clear (&f->c1d1, 1);
  plan = parasol_patient_plan_build (r, f, NULL, NULL, &error);
  g_assert_null (plan);
  g_assert_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID);
}

static void
test_weight_date (void)
{
  g_autofree char *dir = g_dir_make_tmp ("parasol-patient-dosing-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "trial.db", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  GDate date, today, measured;
  gint64 id;

  store = parasol_store_open (path, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);

  p->screening_number = g_strdup ("S-0001");
  p->sex = PARASOL_SEX_FEMALE;
  g_date_set_dmy (&p->birth_date, 12, 3, 1960);
  id = parasol_store_add_patient (store, p, &error);
  g_assert_no_error (error);

  /* Issue 9: the date shown is the site's local day, not the UTC day of the audit row.  A
   * weight saved without a date was measured today (local). */
  g_assert_true (parasol_store_set_patient_field (store, id, "weight_kg", "64.5", 0, NULL, &error));
  g_assert_no_error (error);
  parasol_date_set_today (&today);
  date = parasol_patient_weight_date (store, id);
  g_assert_true (g_date_valid (&date));
  g_assert_cmpint (g_date_compare (&date, &today), ==, 0);

  /* A weight measured on a given day: that day, whenever it was typed */
  measured = today;
  g_date_subtract_days (&measured, 3);
  g_assert_cmpint (parasol_store_add_weight (store, id, 66, &measured, 0, NULL, &error), >, 0);
  g_assert_no_error (error);
  date = parasol_patient_weight_date (store, id);
  /* ... but the newest measurement is still today's */
  g_assert_cmpint (g_date_compare (&date, &today), ==, 0);
  facts = parasol_store_load_patient (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facts->weights->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (facts->weight_kg, 64.5, EPS);
  g_assert_cmpfloat_with_epsilon (parasol_patient_facts_weight_on (facts, &measured)->weight_kg, 66, EPS);

  /* An unknown patient: no date, no crash */
  date = parasol_patient_weight_date (store, id + 1000);
  g_assert_false (g_date_valid (&date));

  g_clear_object (&store);
  for (const char *const *suffix = (const char *const[]) { "", "-wal", "-shm", "-journal", NULL };
       *suffix != NULL; suffix++)
    {
      g_autofree char *file = g_strconcat (path, *suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

/* The store's weights (schema 7): dated, refused ahead of today, a second weight on one day is
 * a correction with a reason, patient.weight_kg follows the newest, a weight saved before
 * measurement dates were kept is carried over, and the audit trail reconciles. */
static void
test_store_weights (void)
{
  g_autofree char *dir = g_dir_make_tmp ("parasol-patient-dosing-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "trial.db", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GDate today, yesterday, tomorrow, old;
  gint64 id, wid;

  store = parasol_store_open (path, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  parasol_date_set_today (&today);
  yesterday = today;
  g_date_subtract_days (&yesterday, 1);
  tomorrow = today;
  g_date_add_days (&tomorrow, 1);
  g_date_clear (&old, 1);
  g_date_set_dmy (&old, 31, 12, 1899);

  /* Saved with the patient, without a date (as before schema 7) */
  p->screening_number = g_strdup ("S-0002");
  p->sex = PARASOL_SEX_MALE;
  g_date_set_dmy (&p->birth_date, 12, 3, 1960);
  p->weight_kg = 64.5;
  id = parasol_store_add_patient (store, p, &error);
  g_assert_no_error (error);

  /* Ahead of today, before 1900, implausible, undated: refused, nothing written */
  g_assert_cmpint (parasol_store_add_weight (store, id, 70, &tomorrow, 0, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "after today"));
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_add_weight (store, id, 70, &old, 0, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_add_weight (store, id, 700, &today, 0, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_add_weight (store, id, 70, NULL, 0, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_add_weight (store, id + 100, 70, &today, 0, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  facts = parasol_store_load_patient (store, id, &error);
  g_assert_cmpuint (facts->weights->len, ==, 0);
  g_clear_pointer (&facts, parasol_patient_facts_free);

  /* Yesterday's weight: the undated one is carried over as measured today (the day it was
   * saved), so it stays the newest and patient.weight_kg keeps it */
  wid = parasol_store_add_weight (store, id, 70, &yesterday, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wid, >, 0);
  facts = parasol_store_load_patient (store, id, &error);
  g_assert_cmpuint (facts->weights->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (((ParasolWeight *) g_ptr_array_index (facts->weights, 0))->weight_kg, 70, EPS);
  g_assert_cmpint (g_date_compare (&((ParasolWeight *) g_ptr_array_index (facts->weights, 1))->date, &today), ==, 0);
  g_assert_cmpfloat_with_epsilon (facts->weight_kg, 64.5, EPS);
  g_clear_pointer (&facts, parasol_patient_facts_free);

  /* Another weight for today corrects today's: that needs a reason */
  g_assert_cmpint (parasol_store_add_weight (store, id, 65, &today, 0, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_false (parasol_store_set_patient_field (store, id, "weight_kg", "65", 0, NULL, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_add_weight (store, id, 65, &today, 0, "scale re-zeroed", &error), >, 0);
  g_assert_no_error (error);
  /* the same again changes nothing */
  g_assert_cmpint (parasol_store_add_weight (store, id, 65, &today, 0, NULL, &error), >, 0);
  g_assert_no_error (error);
  /* a stale version is refused */
  g_assert_cmpint (parasol_store_add_weight (store, id, 66, &yesterday, 1, "typo", &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  facts = parasol_store_load_patient (store, id, &error);
  g_assert_cmpuint (facts->weights->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (facts->weight_kg, 65, EPS);
  g_clear_pointer (&facts, parasol_patient_facts_free);

  /* Every row of the weight table and patient.weight_kg reconcile with the trail */
  report = parasol_store_audit_check (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_null (report->message);
  g_assert_true (report->valid);
  g_assert_cmpint (report->n_mismatches, ==, 0);

  g_clear_object (&store);
  for (const char *const *suffix = (const char *const[]) { "", "-wal", "-shm", "-journal", NULL };
       *suffix != NULL; suffix++)
    {
      g_autofree char *file = g_strconcat (path, *suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/patient-dosing/input-from-facts", test_input_from_facts);
  g_test_add_func ("/patient-dosing/input-weight-change", test_input_weight_change);
  g_test_add_func ("/patient-dosing/input-missing", test_input_missing);
  g_test_add_func ("/patient-dosing/plan", test_plan);
  g_test_add_func ("/patient-dosing/plan-without-doses", test_plan_without_doses);
  g_test_add_func ("/patient-dosing/weight-date", test_weight_date);
  g_test_add_func ("/patient-dosing/weight-on-day1", test_weight_on_day1);
  g_test_add_func ("/patient-dosing/store-weights", test_store_weights);

  return g_test_run ();
}
