/* test-schedule.c — the cycle calendar, delays, windows, start checks and iCalendar export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "parasol-dosing.h"
#include "parasol-ics.h"
#include "parasol-schedule.h"
#include "dosing-fixture.h"

static void
assert_date (const GDate *date,
             const char  *expected)
{
  char buf[16];

  g_assert_cmpstr (parasol_date_format (date, buf, sizeof buf), ==, expected);
}

static const ParasolScheduledDose *
find_dose (const ParasolScheduleCycle *cycle,
           const char                 *drug,
           int                         day)
{
  for (guint i = 0; i < cycle->doses->len; i++)
    {
      const ParasolScheduledDose *dose = g_ptr_array_index (cycle->doses, i);

      if (g_strcmp0 (dose->drug, drug) == 0 && dose->cycle_day == day)
        return dose;
    }
  return NULL;
}

static void
add_cycle (ParasolPatientFacts *facts,
           int                  number,
           GDate                start,
           const char          *status,
           const char          *reason)
{
  ParasolCycleRecord *rec = parasol_cycle_record_new ();

  rec->number = number;
  rec->start = start;
  rec->status = g_strdup (status);
  rec->reason = g_strdup (reason);
  g_ptr_array_add (facts->cycles, rec);
}

static void
add_admin (ParasolPatientFacts *facts,
           int                  cycle,
           const char          *drug,
           GDate                date,
           double               dose,
           gboolean             flagged,
           const char          *reason)
{
  ParasolAdministration *admin = parasol_administration_new ();

  admin->cycle = cycle;
  admin->drug = g_strdup (drug);
  admin->date = date;
  admin->dose = dose;
  admin->unit = g_strdup ("mg");
  admin->flagged = flagged;
  admin->reason = g_strdup (reason);
  g_ptr_array_add (facts->administrations, admin);
}

static void
add_lab (ParasolPatientFacts *facts,
         const char          *lab,
         double               value,
         GDate                date)
{
  ParasolLabResult *result = parasol_lab_result_new ();

  result->lab = g_strdup (lab);
  result->value = value;
  result->unit = g_strdup ("10^9/L");
  result->date = date;
  g_ptr_array_add (facts->labs, result);
}

static void
test_year_end (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolSchedule) s = NULL;
  GDate c1d1 = fixture_date (2025, 12, 15);
  const ParasolScheduleCycle *c;

  s = parasol_schedule_build (r, "control", NULL, &c1d1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  c = parasol_schedule_get_cycle (s, 1);
  assert_date (&c->start, "2025-12-15");
  assert_date (&c->end, "2026-01-04");
  assert_date (&find_dose (c, "etoposide", 3)->date, "2025-12-17");
  assert_date (&c->labs_from, "2025-12-12");
  assert_date (&c->window_start, "2025-12-12");
  assert_date (&c->window_end, "2025-12-18");
  c = parasol_schedule_get_cycle (s, 2);
  assert_date (&c->start, "2026-01-05");
  c = parasol_schedule_get_cycle (s, 3);
  assert_date (&c->start, "2026-01-26");
  c = parasol_schedule_get_cycle (s, 4);
  assert_date (&c->start, "2026-02-16");
  g_assert_cmpint (c->phase, ==, PARASOL_PHASE_INDUCTION);
  g_assert_nonnull (find_dose (c, "carboplatin", 1));
  c = parasol_schedule_get_cycle (s, 5);
  assert_date (&c->start, "2026-03-09");
  g_assert_cmpint (c->phase, ==, PARASOL_PHASE_MAINTENANCE);
  g_assert_cmpint (c->length_days, ==, 21);
  g_assert_null (find_dose (c, "carboplatin", 1));
  g_assert_nonnull (find_dose (c, "atezolizumab", 1));

  /* default horizon: cycles starting within 365 days of C1D1: day 0, 21, ..., 357 -> 18 cycles */
  g_assert_cmpuint (s->cycles->len, ==, 18);
  c = parasol_schedule_get_cycle (s, 18);
  assert_date (&c->start, "2026-12-07");

  /* imaging every 42 days from C1D1, not moved */
  {
    const ParasolScheduleVisit *first_imaging = NULL;

    for (guint i = 0; i < s->visits->len && first_imaging == NULL; i++)
      {
        const ParasolScheduleVisit *v = g_ptr_array_index (s->visits, i);
        if (v->kind == PARASOL_VISIT_IMAGING)
          first_imaging = v;
      }
    g_assert_nonnull (first_imaging);
    assert_date (&first_imaging->date, "2026-01-26");
    assert_date (&first_imaging->window_start, "2026-01-19");
    assert_date (&first_imaging->window_end, "2026-02-02");
    /* Its name numbers the assessment, and reads as no day of a cycle ("Imaging (RECIST 1.1) 1"
     * did, in the month view). */
    g_assert_cmpint (first_imaging->number, ==, 1);
    g_assert_cmpstr (first_imaging->summary, ==, "Imaging (RECIST 1.1) no. 1");
  }
}

static void
test_month_end_and_leap_year (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolSchedule) s = NULL;
  GDate c1d1 = fixture_date (2025, 1, 30);
  const ParasolScheduleCycle *c;

  s = parasol_schedule_build (r, "anlotinib", NULL, &c1d1, NULL, NULL, NULL, NULL);
  c = parasol_schedule_get_cycle (s, 1);
  assert_date (&find_dose (c, "etoposide", 1)->date, "2025-01-30");
  assert_date (&find_dose (c, "etoposide", 2)->date, "2025-01-31");
  assert_date (&find_dose (c, "etoposide", 3)->date, "2025-02-01");
  assert_date (&find_dose (c, "anlotinib", 14)->date, "2025-02-12");
  assert_date (&parasol_schedule_get_cycle (s, 2)->start, "2025-02-20");
  assert_date (&parasol_schedule_get_cycle (s, 3)->start, "2025-03-13");
  g_clear_pointer (&s, parasol_schedule_free);

  c1d1 = fixture_date (2028, 2, 8);
  s = parasol_schedule_build (r, "control", NULL, &c1d1, NULL, NULL, NULL, NULL);
  assert_date (&parasol_schedule_get_cycle (s, 2)->start, "2028-02-29");
  assert_date (&parasol_schedule_get_cycle (s, 3)->start, "2028-03-21");
}

static void
test_maintenance_length (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolSchedule) s = NULL;
  ParasolScheduleOptions options;
  GDate c1d1 = fixture_date (2025, 12, 15);
  const ParasolScheduleCycle *c;

  parasol_schedule_options_init (&options);
  options.max_maintenance_cycles = 3;

  s = parasol_schedule_build (r, "xpo1", "durvalumab", &c1d1, NULL, NULL, &options, NULL);
  g_assert_cmpuint (s->cycles->len, ==, 7);
  g_assert_cmpint (s->maintenance_cycle_days, ==, 28);
  g_assert_cmpint (parasol_schedule_get_cycle (s, 4)->length_days, ==, 21);
  c = parasol_schedule_get_cycle (s, 5);
  assert_date (&c->start, "2026-03-09");
  g_assert_cmpint (c->length_days, ==, 28);
  assert_date (&c->end, "2026-04-05");
  g_assert_nonnull (find_dose (c, "durvalumab", 1));
  assert_date (&find_dose (c, "selinexor", 17)->date, "2026-03-25");
  assert_date (&parasol_schedule_get_cycle (s, 6)->start, "2026-04-06");
  assert_date (&parasol_schedule_get_cycle (s, 7)->start, "2026-05-04");
}

static void
test_every_n_cycles (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolSchedule) s = NULL;
  GDate c1d1 = fixture_date (2025, 6, 2);

  s = parasol_schedule_build (r, "dll3", NULL, &c1d1, NULL, NULL, NULL, NULL);
  g_assert_nonnull (find_dose (parasol_schedule_get_cycle (s, 1), "dll3_car_nk", 1));
  g_assert_null (find_dose (parasol_schedule_get_cycle (s, 2), "dll3_car_nk", 1));
  g_assert_nonnull (find_dose (parasol_schedule_get_cycle (s, 3), "dll3_car_nk", 1));
  g_assert_null (find_dose (parasol_schedule_get_cycle (s, 5), "dll3_car_nk", 1));
}

static void
test_delay_shifts_later_cycles (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autoptr(ParasolSchedule) s = NULL;
  GDate c1d1 = fixture_date (2025, 12, 15);
  const ParasolScheduleCycle *c;

  /* cycle 1 started a day late (within the window), cycle 2 delayed a week for neutropenia */
  add_cycle (facts, 1, fixture_date (2025, 12, 16), "started", NULL);
  add_cycle (facts, 2, fixture_date (2026, 1, 13), "delayed", "ANC 0.9");

  s = parasol_schedule_build (r, "control", NULL, &c1d1, facts, NULL, NULL, NULL);
  c = parasol_schedule_get_cycle (s, 1);
  g_assert_cmpint (c->status, ==, PARASOL_CYCLE_STARTED);
  g_assert_false (c->deviation);
  g_assert_cmpint (c->delay_days, ==, 1);

  c = parasol_schedule_get_cycle (s, 2);
  /* planned from the actual day 1 of cycle 1 */
  assert_date (&c->planned_start, "2026-01-06");
  assert_date (&c->start, "2026-01-13");
  g_assert_cmpint (c->status, ==, PARASOL_CYCLE_DELAYED);
  g_assert_cmpint (c->delay_days, ==, 7);
  g_assert_true (c->deviation);
  g_assert_cmpstr (c->reason, ==, "ANC 0.9");
  assert_date (&find_dose (c, "etoposide", 3)->date, "2026-01-15");

  /* later cycles anchored on the rescheduled day 1 */
  assert_date (&parasol_schedule_get_cycle (s, 3)->planned_start, "2026-02-03");
  assert_date (&parasol_schedule_get_cycle (s, 3)->start, "2026-02-03");
  g_assert_false (parasol_schedule_get_cycle (s, 3)->deviation);
  assert_date (&parasol_schedule_get_cycle (s, 4)->start, "2026-02-24");
  g_assert_false (s->discontinuation_proposed);
  g_assert_cmpuint (s->warnings->len, ==, 1);   /* the deviation */

  /* which cycle does a date belong to? */
  {
    GDate d = fixture_date (2026, 1, 9);
    g_assert_cmpint (parasol_schedule_cycle_for_date (s, &d)->number, ==, 1);
    d = fixture_date (2026, 1, 10);   /* rescheduled day 1 - 3 */
    g_assert_cmpint (parasol_schedule_cycle_for_date (s, &d)->number, ==, 2);
    d = fixture_date (2026, 1, 31);   /* window start of cycle 3 */
    g_assert_cmpint (parasol_schedule_cycle_for_date (s, &d)->number, ==, 3);
    d = fixture_date (2025, 12, 1);
    g_assert_null (parasol_schedule_cycle_for_date (s, &d));
  }
}

static void
test_window_edges (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  GDate c1d1 = fixture_date (2025, 3, 3);
  struct { int offset; gboolean deviation; } cases[] = {
    { -4, TRUE }, { -3, FALSE }, { 0, FALSE }, { 3, FALSE }, { 4, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
      g_autoptr(ParasolSchedule) s = NULL;
      GDate start = fixture_date (2025, 3, 24);   /* planned cycle 2 */
      const ParasolScheduleCycle *c;

      if (cases[i].offset > 0)
        g_date_add_days (&start, cases[i].offset);
      else
        g_date_subtract_days (&start, -cases[i].offset);
      add_cycle (facts, 2, start, "started", cases[i].deviation ? "patient request" : NULL);

      s = parasol_schedule_build (r, "control", NULL, &c1d1, facts, NULL, NULL, NULL);
      c = parasol_schedule_get_cycle (s, 2);
      g_assert_cmpint (c->delay_days, ==, cases[i].offset);
      g_assert_cmpint (c->deviation, ==, cases[i].deviation);
      if (cases[i].deviation)
        {
          g_assert_cmpuint (s->warnings->len, ==, 1);
          g_assert_nonnull (strstr (g_ptr_array_index (s->warnings, 0), "patient request"));
        }
    }
}

static void
test_discontinuation (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  GDate c1d1 = fixture_date (2025, 3, 3);
  int delays[] = { 42, 43 };

  for (guint i = 0; i < G_N_ELEMENTS (delays); i++)
    {
      g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
      g_autoptr(ParasolSchedule) s = NULL;
      GDate start = fixture_date (2025, 3, 24);

      g_date_add_days (&start, delays[i]);
      add_cycle (facts, 2, start, "delayed", "thrombocytopenia");
      s = parasol_schedule_build (r, "control", NULL, &c1d1, facts, NULL, NULL, NULL);
      g_assert_cmpint (s->discontinuation_proposed, ==, delays[i] > 42);
      if (s->discontinuation_proposed)
        g_assert_nonnull (strstr (s->discontinuation_reason, "43 days"));
    }
}

static void
test_administrations (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autoptr(ParasolSchedule) s = NULL;
  g_autoptr(GHashTable) planned = g_hash_table_new (g_str_hash, g_str_equal);
  GDate c1d1 = fixture_date (2025, 3, 3);
  double etoposide = 180, carboplatin = 550;
  const ParasolScheduleCycle *c;

  g_hash_table_insert (planned, (gpointer) "etoposide", &etoposide);
  g_hash_table_insert (planned, (gpointer) "carboplatin", &carboplatin);

  add_cycle (facts, 1, c1d1, "started", NULL);
  add_admin (facts, 1, "etoposide", fixture_date (2025, 3, 3), 180, FALSE, NULL);
  add_admin (facts, 1, "carboplatin", fixture_date (2025, 3, 3), 450, TRUE, "CrCl fell");
  add_admin (facts, 1, "etoposide", fixture_date (2025, 3, 5), 170, FALSE, NULL);   /* day 2 given on day 3 */
  add_admin (facts, 1, "etoposide", fixture_date (2025, 3, 6), 0, FALSE, "vomiting");
  add_cycle (facts, 3, fixture_date (2025, 4, 14), "skipped", "infection");

  s = parasol_schedule_build (r, "control", NULL, &c1d1, facts, planned, NULL, NULL);
  c = parasol_schedule_get_cycle (s, 1);
  g_assert_cmpint (find_dose (c, "etoposide", 1)->status, ==, PARASOL_DOSE_STATUS_GIVEN);
  g_assert_cmpint (find_dose (c, "carboplatin", 1)->status, ==, PARASOL_DOSE_STATUS_REDUCED);
  g_assert_true (find_dose (c, "carboplatin", 1)->flagged);
  g_assert_cmpstr (find_dose (c, "carboplatin", 1)->reason, ==, "CrCl fell");
  /* 2025-03-05 matches day 3 by date; 2025-03-06 (skipped) goes to day 2 in order */
  g_assert_cmpint (find_dose (c, "etoposide", 3)->status, ==, PARASOL_DOSE_STATUS_GIVEN);
  g_assert_cmpfloat (find_dose (c, "etoposide", 3)->given_dose, ==, 170);
  g_assert_cmpint (find_dose (c, "etoposide", 2)->status, ==, PARASOL_DOSE_STATUS_SKIPPED);
  g_assert_cmpstr (find_dose (c, "etoposide", 2)->reason, ==, "vomiting");
  g_assert_cmpint (find_dose (c, "atezolizumab", 1)->status, ==, PARASOL_DOSE_STATUS_PLANNED);

  c = parasol_schedule_get_cycle (s, 3);
  g_assert_cmpint (c->status, ==, PARASOL_CYCLE_SKIPPED);
  g_assert_cmpint (find_dose (c, "etoposide", 1)->status, ==, PARASOL_DOSE_STATUS_SKIPPED);
  assert_date (&parasol_schedule_get_cycle (s, 4)->start, "2025-05-05");
}

static void
test_order_and_invalid (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolSchedule) s = NULL;
  g_autoptr(GError) error = NULL;
  GDate c1d1 = fixture_date (2025, 3, 3);
  GDate d;

  s = parasol_schedule_build (r, "control", NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID);
  g_clear_error (&error);

  s = parasol_schedule_build (r, "zzz", NULL, &c1d1, NULL, NULL, NULL, &error);
  g_assert_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_UNKNOWN_ARM);
  g_clear_error (&error);

  s = parasol_schedule_build (r, "control", NULL, &c1d1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  d = fixture_date (2025, 3, 3);   /* the day cycle 1 starts */
  g_assert_false (parasol_schedule_check_order (s, 2, &d, &error));
  g_assert_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_ORDER);
  g_assert_nonnull (strstr (error->message, "2025-03-03"));
  g_clear_error (&error);
  /* Regression (issue 8): cycle 2 the day after C1D1 was accepted.  The earliest day 1 is the
   * previous day 1 + its length (21) - the visit window (3): 2025-03-21. */
  d = fixture_date (2025, 3, 4);
  g_assert_false (parasol_schedule_check_order (s, 2, &d, &error));
  g_assert_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_ORDER);
  g_assert_nonnull (strstr (error->message, "2025-03-21"));
  g_clear_error (&error);
  d = fixture_date (2025, 3, 20);
  g_assert_false (parasol_schedule_check_order (s, 2, &d, &error));
  g_clear_error (&error);
  d = fixture_date (2025, 3, 21);
  g_assert_true (parasol_schedule_check_order (s, 2, &d, &error));
  g_assert_no_error (error);
  d = fixture_date (2025, 3, 1);
  g_assert_false (parasol_schedule_check_order (s, 1, &d, &error));
  g_clear_error (&error);
}

static void
test_start_check (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autofree char *message = NULL;
  GDate day1 = fixture_date (2025, 3, 24);

  g_assert_cmpint (parasol_schedule_check_start (r, facts, &day1, &message), ==, PARASOL_START_NEED_LABS);
  g_assert_nonnull (strstr (message, "no ANC result"));
  g_clear_pointer (&message, g_free);

  /* too old: 4 days before day 1 */
  add_lab (facts, "anc", 2.0, fixture_date (2025, 3, 20));
  add_lab (facts, "plt", 150, fixture_date (2025, 3, 20));
  g_assert_cmpint (parasol_schedule_check_start (r, facts, &day1, &message), ==, PARASOL_START_NEED_LABS);
  g_assert_nonnull (strstr (message, "too old"));
  g_clear_pointer (&message, g_free);

  /* 3 days before: recent enough; PLT 82 */
  add_lab (facts, "anc", 2.0, fixture_date (2025, 3, 21));
  add_lab (facts, "plt", 82, fixture_date (2025, 3, 21));
  g_assert_cmpint (parasol_schedule_check_start (r, facts, &day1, &message), ==, PARASOL_START_DELAY);
  g_assert_cmpstr (message, ==, "delay: PLT 82 × 10^9/L < 100 × 10^9/L");
  g_clear_pointer (&message, g_free);

  /* results after day 1 do not count for it */
  add_lab (facts, "plt", 120, fixture_date (2025, 3, 25));
  g_assert_cmpint (parasol_schedule_check_start (r, facts, &day1, &message), ==, PARASOL_START_DELAY);
  g_clear_pointer (&message, g_free);

  /* PLT exactly 100 and ANC exactly 1.5 pass */
  add_lab (facts, "plt", 100, fixture_date (2025, 3, 24));
  add_lab (facts, "anc", 1.5, fixture_date (2025, 3, 24));
  g_assert_cmpint (parasol_schedule_check_start (r, facts, &day1, &message), ==, PARASOL_START_OK);
  g_clear_pointer (&message, g_free);

  add_lab (facts, "anc", 1.49, fixture_date (2025, 3, 24));
  /* same date: the later row (higher id) wins */
  ((ParasolLabResult *) g_ptr_array_index (facts->labs, facts->labs->len - 1))->id = 100;
  g_assert_cmpint (parasol_schedule_check_start (r, facts, &day1, &message), ==, PARASOL_START_DELAY);
  g_assert_cmpstr (message, ==, "delay: ANC 1.49 × 10^9/L < 1.5 × 10^9/L");
}

static int
cmp_strings (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The UIDs of a calendar's events, sorted; asserts that none repeats */
static GPtrArray *
ics_uids (const char *ics)
{
  g_auto(GStrv) lines = g_strsplit (ics, "\r\n", -1);
  GPtrArray *uids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "UID:"))
      g_ptr_array_add (uids, g_strdup (lines[i]));
  g_ptr_array_sort (uids, (GCompareFunc) cmp_strings);
  for (guint i = 1; i < uids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (uids, i - 1), !=, g_ptr_array_index (uids, i));
  return uids;
}

/* Regression (issue 8): administration events carried their date in the UID, so a delay made
 * new events and a calendar that re-imported the file showed every dose twice. */
static void
test_ics_uids_stable (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolSchedule) before = NULL;
  g_autoptr(ParasolSchedule) after = NULL;
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autoptr(ParasolCycleRecord) rec = parasol_cycle_record_new ();
  g_autoptr(GDateTime) stamp = g_date_time_new_utc (2025, 12, 1, 9, 30, 0);
  g_autofree char *ics_before = NULL, *ics_after = NULL;
  g_autoptr(GPtrArray) uids_before = NULL;
  g_autoptr(GPtrArray) uids_after = NULL;
  ParasolScheduleOptions options;
  GDate c1d1 = fixture_date (2025, 12, 15);

  parasol_schedule_options_init (&options);
  options.max_maintenance_cycles = 2;
  before = parasol_schedule_build (r, "anlotinib", NULL, &c1d1, facts, NULL, &options, NULL);
  rec->number = 2;
  rec->start = fixture_date (2026, 1, 12);   /* planned 2026-01-05: a week late */
  rec->status = g_strdup ("delayed");
  rec->reason = g_strdup ("PLT 82");
  g_ptr_array_add (facts->cycles, g_steal_pointer (&rec));
  after = parasol_schedule_build (r, "anlotinib", NULL, &c1d1, facts, NULL, &options, NULL);

  ics_before = parasol_ics_from_schedule (before, "BTN-001", stamp);
  ics_after = parasol_ics_from_schedule (after, "BTN-001", stamp);
  g_assert_cmpstr (ics_before, !=, ics_after);   /* the events moved */
  uids_before = ics_uids (ics_before);
  uids_after = ics_uids (ics_after);
  g_assert_cmpuint (uids_before->len, >, 20);
  /* Every event keeps its UID (the calendar runs a week longer, so it may gain an event) */
  g_assert_cmpuint (uids_after->len, >=, uids_before->len);
  for (guint i = 0; i < uids_before->len; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (uids_after, g_ptr_array_index (uids_before, i),
                                                     g_str_equal, NULL));
  g_assert_nonnull (strstr (ics_after, "UID:BTN-001-c2-administration-d2@parasol\r\n"));
}

static void
test_ics (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolSchedule) s = NULL;
  g_autoptr(GDateTime) stamp = g_date_time_new_utc (2025, 12, 1, 9, 30, 0);
  g_autofree char *ics = NULL;
  g_autofree char *escaped = NULL;
  g_auto(GStrv) lines = NULL;
  GDate c1d1 = fixture_date (2025, 12, 15);
  int begins = 0, ends = 0;

  escaped = parasol_ics_escape_text ("a,b;c\\d\ne");
  g_assert_cmpstr (escaped, ==, "a\\,b\\;c\\\\d\\ne");

  s = parasol_schedule_build (r, "anlotinib", NULL, &c1d1, NULL, NULL, NULL, NULL);
  ics = parasol_ics_from_schedule (s, "BTN-001", stamp);

  g_assert_true (g_str_has_prefix (ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  g_assert_true (g_str_has_suffix (ics, "END:VCALENDAR\r\n"));
  g_assert_true (g_utf8_validate (ics, -1, NULL));
  g_assert_nonnull (strstr (ics, "DTSTAMP:20251201T093000Z\r\n"));
  g_assert_nonnull (strstr (ics, "DTSTART;VALUE=DATE:20260105\r\n"));
  g_assert_nonnull (strstr (ics, "DTEND;VALUE=DATE:20260106\r\n"));
  g_assert_nonnull (strstr (ics, "UID:BTN-001-c2-cycle_start@parasol\r\n"));

  /* every line ends in CRLF, and no bare LF */
  for (const char *p = ics; *p; p++)
    if (*p == '\n')
      g_assert_true (p > ics && p[-1] == '\r');

  lines = g_strsplit (ics, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      g_assert_cmpuint (strlen (line), <=, 75);
      g_assert_true (g_utf8_validate (line, -1, NULL));   /* folding never splits a character */
      if (g_str_equal (line, "BEGIN:VEVENT"))
        begins++;
      if (g_str_equal (line, "END:VEVENT"))
        ends++;
    }
  g_assert_cmpint (begins, ==, (int) s->visits->len);
  g_assert_cmpint (begins, ==, ends);

  /* folding: a long line of 3-byte characters comes back intact after unfolding */
  {
    g_autoptr(GString) out = g_string_new (NULL);
    g_autoptr(GString) long_line = g_string_new ("DESCRIPTION:");
    g_autoptr(GString) unfolded = NULL;
    char *p;

    for (int i = 0; i < 60; i++)
      g_string_append (long_line, "周期");
    parasol_ics_append_line (out, long_line->str);
    g_assert_true (g_str_has_suffix (out->str, "\r\n"));
    unfolded = g_string_new (out->str);
    while ((p = strstr (unfolded->str, "\r\n ")) != NULL)
      g_string_erase (unfolded, p - unfolded->str, 3);
    g_string_truncate (unfolded, unfolded->len - 2);
    g_assert_cmpstr (unfolded->str, ==, long_line->str);

    g_strfreev (lines);
    lines = g_strsplit (out->str, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (lines), >, 2);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_assert_cmpuint (strlen (lines[i]), <=, 75);
        g_assert_true (g_utf8_validate (lines[i], -1, NULL));
        if (i > 0 && lines[i][0] != '\0')
          g_assert_cmpint (lines[i][0], ==, ' ');
      }
  }
}

/* The one date offset every layer uses: across month, year and leap day, both ways, and never
 * out of GDate's range. */
static void
test_date_plus_days (void)
{
  GDate d, r;
  char buf[PARASOL_DATE_BUF_SIZE];

  g_assert_true (parasol_date_parse_iso ("2024-02-28", &d));
  r = parasol_date_plus_days (&d, 1);
  g_assert_cmpstr (parasol_date_format (&r, buf, sizeof buf), ==, "2024-02-29");
  r = parasol_date_plus_days (&d, 2);
  g_assert_cmpstr (parasol_date_format (&r, buf, sizeof buf), ==, "2024-03-01");
  r = parasol_date_plus_days (&d, 0);
  g_assert_cmpstr (parasol_date_format (&r, buf, sizeof buf), ==, "2024-02-28");
  r = parasol_date_plus_days (&d, -59);
  g_assert_cmpstr (parasol_date_format (&r, buf, sizeof buf), ==, "2023-12-31");
  r = parasol_date_plus_days (&d, 366);
  g_assert_cmpstr (parasol_date_format (&r, buf, sizeof buf), ==, "2025-02-28");

  /* Before 0001-01-01 or from an invalid date: an invalid date, no critical */
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 1, 1, 1);
  r = parasol_date_plus_days (&d, -1);
  g_assert_false (g_date_valid (&r));
  r = parasol_date_plus_days (&d, G_MAXINT);
  g_assert_false (g_date_valid (&r));
  g_date_clear (&d, 1);
  r = parasol_date_plus_days (&d, 3);
  g_assert_false (g_date_valid (&r));
  r = parasol_date_plus_days (NULL, 3);
  g_assert_false (g_date_valid (&r));
}

/* Regression (issue 8): with durvalumab (q4w in maintenance) anlotinib's days 1-14 q21d moved to
 * a 28-day cycle without a word.  The calendar says so; without the mismatch it says nothing. */
static void
test_maintenance_combine (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolSchedule) durva = NULL;
  g_autoptr(ParasolSchedule) atezo = NULL;
  GDate c1d1 = fixture_date (2025, 3, 3);
  gboolean said = FALSE;

  durva = parasol_schedule_build (r, "anlotinib", "durvalumab", &c1d1, NULL, NULL, NULL, NULL);
  g_assert_cmpint (durva->maintenance_cycle_days, ==, 28);
  for (guint i = 0; i < durva->warnings->len; i++)
    {
      const char *w = g_ptr_array_index (durva->warnings, i);
      if (strstr (w, "anlotinib") != NULL && strstr (w, "every 21 days") != NULL &&
          strstr (w, "28-day cycle") != NULL)
        said = TRUE;
      g_assert_null (strstr (w, "durvalumab, given"));
    }
  g_assert_true (said);

  atezo = parasol_schedule_build (r, "anlotinib", "atezolizumab", &c1d1, NULL, NULL, NULL, NULL);
  g_assert_cmpint (atezo->maintenance_cycle_days, ==, 21);
  for (guint i = 0; i < atezo->warnings->len; i++)
    g_assert_null (strstr (g_ptr_array_index (atezo->warnings, i), "Maintenance cycles last"));
}

/* Issue 11: a delay within the protocol's rules is "Delayed", not a deviation; a past dose never
 * recorded is "Not recorded"; nothing is to be given after the end of treatment. */
static void
test_timing_and_dose_state (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autoptr(ParasolSchedule) s = NULL;
  GDate c1d1 = fixture_date (2025, 3, 3);
  GDate today = fixture_date (2025, 4, 20);
  GDate end;
  const ParasolScheduleCycle *c;
  const ParasolScheduledDose *d;
  ParasolEvent *death;

  add_cycle (facts, 1, fixture_date (2025, 3, 3), "started", NULL);
  /* cycle 2 planned 2025-03-24: delayed a week with a reason, within max-delay-days */
  add_cycle (facts, 2, fixture_date (2025, 3, 31), "started", "ANC 0.9");
  /* cycle 3 planned 2025-04-21: started 5 days early, with a reason: outside the rules */
  add_cycle (facts, 3, fixture_date (2025, 4, 16), "started", "patient travel");
  add_admin (facts, 1, "etoposide", fixture_date (2025, 3, 3), 200, FALSE, NULL);

  s = parasol_schedule_build (r, "control", NULL, &c1d1, facts, NULL, NULL, NULL);
  c = parasol_schedule_get_cycle (s, 1);
  g_assert_cmpint (parasol_schedule_cycle_timing (r, c), ==, PARASOL_CYCLE_TIMING_ON_TIME);
  c = parasol_schedule_get_cycle (s, 2);
  g_assert_true (c->deviation);   /* outside the window, as the CLI's JSON says */
  g_assert_cmpint (parasol_schedule_cycle_timing (r, c), ==, PARASOL_CYCLE_TIMING_DELAYED);
  g_assert_nonnull (strstr (g_ptr_array_index (s->warnings, 0), "Delayed"));
  c = parasol_schedule_get_cycle (s, 3);
  g_assert_cmpint (parasol_schedule_cycle_timing (r, c), ==, PARASOL_CYCLE_TIMING_DEVIATION);

  /* Late without a reason, or beyond max-delay-days: a deviation */
  {
    ParasolScheduleCycle copy = *parasol_schedule_get_cycle (s, 2);

    copy.reason = NULL;
    g_assert_cmpint (parasol_schedule_cycle_timing (r, &copy), ==, PARASOL_CYCLE_TIMING_DEVIATION);
    copy.reason = (char *) "ANC 0.9";
    copy.delay_days = r->max_delay_days + 1;
    g_assert_cmpint (parasol_schedule_cycle_timing (r, &copy), ==, PARASOL_CYCLE_TIMING_DEVIATION);
  }

  /* Doses: given, not recorded (past), to give (today or later) */
  c = parasol_schedule_get_cycle (s, 1);
  d = find_dose (c, "etoposide", 1);
  g_assert_cmpint (parasol_schedule_dose_state (d, &today, NULL), ==, PARASOL_DOSE_STATE_RECORDED);
  d = find_dose (c, "etoposide", 2);
  g_assert_cmpint (d->status, ==, PARASOL_DOSE_STATUS_PLANNED);
  g_assert_cmpint (parasol_schedule_dose_state (d, &today, NULL), ==, PARASOL_DOSE_STATE_NOT_RECORDED);
  c = parasol_schedule_get_cycle (s, 4);
  d = find_dose (c, "etoposide", 1);
  g_assert_cmpint (parasol_schedule_dose_state (d, &today, NULL), ==, PARASOL_DOSE_STATE_TO_GIVE);

  /* After a death nothing is to be given */
  g_assert_false (parasol_schedule_treatment_ended (facts, &end));
  g_assert_false (g_date_valid (&end));
  death = parasol_event_new ();
  death->kind = g_strdup ("death");
  death->date = fixture_date (2025, 4, 18);
  g_ptr_array_add (facts->events, death);
  g_assert_true (parasol_schedule_treatment_ended (facts, &end));
  assert_date (&end, "2025-04-18");
  g_assert_cmpint (parasol_schedule_dose_state (d, &today, &end), ==, PARASOL_DOSE_STATE_ENDED);

  /* Off treatment without an event: ended, no date */
  g_ptr_array_set_size (facts->events, 0);
  facts->status = g_strdup ("off_treatment");
  g_assert_true (parasol_schedule_treatment_ended (facts, &end));
  g_assert_false (g_date_valid (&end));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schedule/date-plus-days", test_date_plus_days);
  g_test_add_func ("/schedule/year-end", test_year_end);
  g_test_add_func ("/schedule/month-end-leap-year", test_month_end_and_leap_year);
  g_test_add_func ("/schedule/maintenance-length", test_maintenance_length);
  g_test_add_func ("/schedule/every-n-cycles", test_every_n_cycles);
  g_test_add_func ("/schedule/delay", test_delay_shifts_later_cycles);
  g_test_add_func ("/schedule/window-edges", test_window_edges);
  g_test_add_func ("/schedule/discontinuation", test_discontinuation);
  g_test_add_func ("/schedule/administrations", test_administrations);
  g_test_add_func ("/schedule/order", test_order_and_invalid);
  g_test_add_func ("/schedule/start-check", test_start_check);
  g_test_add_func ("/schedule/ics", test_ics);
  g_test_add_func ("/schedule/ics-uids-stable", test_ics_uids_stable);
  g_test_add_func ("/schedule/maintenance-combine", test_maintenance_combine);
  g_test_add_func ("/schedule/timing-and-dose-state", test_timing_and_dose_state);

  return g_test_run ();
}
