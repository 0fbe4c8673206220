/* test-lab-entry.c — core/parasol-lab-entry: units, plausible ranges, ULNs, sample dates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "workflow-fixture.h"

static ParasolLabResult *
check (WorkflowFixture *f,
       const char      *lab,
       double           value,
       const char      *unit,
       double           uln,
       const char      *uln_unit,
       int              days_ago,
       GError         **error)
{
  ParasolLabEntry entry;

  parasol_lab_entry_init (&entry);
  entry.lab = lab;
  entry.value = value;
  entry.unit = unit;
  entry.uln = uln;
  entry.uln_unit = uln_unit;
  entry.date = wf_days_from_today (-days_ago);
  return parasol_lab_entry_check (f->protocol, &entry, NULL, error);
}

/* Regression (issue 8): bilirubin 3.0 mg/dL with "ULN 21" (µmol/L, typed without its unit) was
 * taken as 21 mg/dL, a ratio of 0.14 × ULN, and the patient was eligible. */
static void
test_uln_unit (WorkflowFixture *f,
               gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolLabResult) r = NULL;

  r = check (f, "tbil", 3.0, "mg/dL", 21, NULL, 1, &error);
  g_assert_null (r);
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_ULN);
  g_assert_nonnull (strstr (error->message, "--uln-unit"));
  g_clear_error (&error);

  /* The same ULN with its own unit: 3.0 mg/dL = 51.3 µmol/L = 2.44 × ULN */
  r = check (f, "tbil", 3.0, "mg/dL", 21, "umol/L", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r->value, 51.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->uln, 21, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->value / r->uln, 51.3 / 21, 1e-9);
  g_clear_pointer (&r, parasol_lab_result_free);

  /* A ULN in the value's unit that is plausible there: 1.2 mg/dL */
  r = check (f, "tbil", 3.0, "mg/dL", 1.2, NULL, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (r->uln, 1.2 * 17.1, 1e-9);
  g_clear_pointer (&r, parasol_lab_result_free);

  /* The boundary of the protocol's ULN range for bilirubin (5–60 µmol/L) */
  r = check (f, "tbil", 12, "umol/L", 60, NULL, 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&r, parasol_lab_result_free);
  r = check (f, "tbil", 12, "umol/L", 60.5, NULL, 1, &error);
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_ULN);
  g_clear_error (&error);
  r = check (f, "tbil", 12, "umol/L", 4.9, NULL, 1, &error);
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_ULN);
  g_clear_error (&error);

  /* A ULN unit the lab does not know */
  r = check (f, "tbil", 12, "umol/L", 21, "furlongs", 1, &error);
  g_assert_null (r);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Creatinine "ULN 1.2" with a value in µmol/L: refused, not a ratio of 58 */
  r = check (f, "creatinine", 70, "umol/L", 1.2, NULL, 1, &error);
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_ULN);
  g_clear_error (&error);
}

/* Dates of what has happened: not after today, not before 1900 */
static void
test_sample_date (WorkflowFixture *f,
                  gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  ParasolLabResult *r;
  GDate d;

  r = check (f, "anc", 2.0, "10^9/L", NAN, NULL, 0, &error);    /* today */
  g_assert_no_error (error);
  parasol_lab_result_free (r);
  r = check (f, "anc", 2.0, "10^9/L", NAN, NULL, -1, &error);   /* tomorrow */
  g_assert_null (r);
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE);
  g_assert_nonnull (strstr (error->message, "after today"));
  g_clear_error (&error);

  g_date_clear (&d, 1);
  g_date_set_dmy (&d, 31, 12, 1899);
  g_assert_false (parasol_check_past_date (&d, NULL, "birth", &error));
  g_assert_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE);
  g_clear_error (&error);
  g_date_set_dmy (&d, 1, 1, 1900);
  g_assert_true (parasol_check_past_date (&d, NULL, "birth", &error));
  g_assert_no_error (error);
}

/* parasol_lab_entry_add writes the checked result, and nothing when refused */
static void
test_add (WorkflowFixture *f,
          gconstpointer    data)
{
  gint64 id = test_add_patient (f->store, "S-L01");
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolLabResult) stored = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  ParasolLabEntry entry;

  parasol_lab_entry_init (&entry);
  entry.lab = "NEUT#";                 /* by laboratory code */
  entry.value = 2100;
  entry.unit = "/mm3";
  entry.date = wf_days_from_today (-2);
  g_assert_cmpint (parasol_lab_entry_add (f->store, f->protocol, id, &entry, NULL, &stored, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->lab, ==, "anc");
  g_assert_cmpfloat_with_epsilon (stored->value, 2.1, 1e-12);

  entry.value = 2.1e9;                 /* implausible */
  g_assert_cmpint (parasol_lab_entry_add (f->store, f->protocol, id, &entry, NULL, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE);
  g_clear_error (&error);

  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facts->labs->len, ==, 1);
}

/* Regression (issue 8): a biomarker report, an attestation, a response or an event dated ahead
 * was stored.  The store refuses them, whoever writes. */
static void
test_store_past_dates (WorkflowFixture *f,
                       gconstpointer    data)
{
  gint64 id = test_add_patient (f->store, "S-L02");
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolBiomarkerResult) m = parasol_biomarker_result_new ();
  g_autoptr(ParasolAttestation) a = parasol_attestation_new ();
  g_autoptr(ParasolEvent) e = parasol_event_new ();

  m->marker = g_strdup ("dll3");
  m->method = PARASOL_MARKER_METHOD_PERCENT;
  m->value = 60;
  m->date = wf_days_from_today (1);
  g_assert_cmpint (parasol_store_add_biomarker (f->store, id, m, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "after today"));
  g_clear_error (&error);
  m->date = wf_days_from_today (0);
  g_assert_cmpint (parasol_store_add_biomarker (f->store, id, m, NULL, &error), >, 0);
  g_assert_no_error (error);

  a->criterion = g_strdup ("inc-01");
  a->met = TRUE;
  a->date = wf_days_from_today (30);
  g_assert_cmpint (parasol_store_set_attestation (f->store, id, a, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* a birth */
  {
    GDate tomorrow = wf_days_from_today (1);
    g_autofree char *iso = wf_iso (&tomorrow);

    g_assert_false (parasol_store_set_patient_field (f->store, id, "birth_date", iso, 0, "typo",
                                                     &error));
    g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }

  e->kind = g_strdup ("death");
  g_date_set_dmy (&e->date, 31, 12, 1899);
  g_assert_cmpint (parasol_store_add_event (f->store, id, e, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/lab-entry/uln-unit", WorkflowFixture, NULL, wf_set_up, test_uln_unit, wf_tear_down);
  g_test_add ("/lab-entry/sample-date", WorkflowFixture, NULL, wf_set_up, test_sample_date, wf_tear_down);
  g_test_add ("/lab-entry/store-past-dates", WorkflowFixture, NULL, wf_set_up, test_store_past_dates, wf_tear_down);
  g_test_add ("/lab-entry/add", WorkflowFixture, NULL, wf_set_up, test_add, wf_tear_down);
  return g_test_run ();
}
