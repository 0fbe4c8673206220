/* test-enrolment.c — core/parasol-enrolment: who may be enrolled, and what is written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parasol-demo.h"
#include "parasol-enrolment.h"
#include "workflow-fixture.h"

static gint64
audit_rows (WorkflowFixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 n = 0, bad = 0;

  g_assert_true (parasol_store_audit_verify (f->store, &n, &bad, &error));
  g_assert_no_error (error);
  return n;
}

static void
test_enrol (WorkflowFixture *f,
            gconstpointer    data)
{
  gint64 id = wf_eligible_patient (f, "S-E01", 10, NULL);
  GDate c1d1 = wf_days_from_today (-8);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolEnrolment) e = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;

  e = parasol_enrolment_enrol (f->store, f->protocol, id, &c1d1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->subject_number, ==, "BT-0001");
  g_assert_cmpstr (e->status, ==, "on_treatment");    /* C1D1 in the past */
  g_assert_cmpstr (e->ici, ==, "tislelizumab");
  g_assert_cmpfloat (e->dose_weight_kg, ==, 60);
  g_assert_true (e->flags & PARASOL_ENROLMENT_FLAG_NO_ARM);
  g_assert_false (e->flags & PARASOL_ENROLMENT_FLAG_NO_WEIGHT);
  g_assert_cmpint (e->eligibility->verdict, ==, PARASOL_VERDICT_ELIGIBLE);

  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (facts->subject_number, ==, "BT-0001");
  g_assert_cmpint (g_date_compare (&facts->c1d1, &c1d1), ==, 0);
  g_assert_cmpfloat (facts->dose_weight_kg, ==, 60);

  /* Twice: refused, nothing written */
  {
    gint64 before = audit_rows (f);
    g_autoptr(ParasolEnrolment) again = parasol_enrolment_enrol (f->store, f->protocol, id, &c1d1,
                                                                 NULL, NULL, &error);
    g_assert_null (again);
    g_assert_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_ALREADY_ENROLLED);
    g_assert_nonnull (strstr (error->message, "delay"));
    g_assert_cmpint (audit_rows (f), ==, before);
  }
}

static void
test_refused (WorkflowFixture *f,
              gconstpointer    data)
{
  gint64 id = wf_eligible_patient (f, "S-E02", 20, "control");
  GDate before_screening = wf_days_from_today (-21);
  GDate lapsed = wf_days_from_today (-20 + 15);   /* labs are valid 14 days */
  GDate last_valid = wf_days_from_today (-20 + 14);
  ParasolEnrolmentOptions options = { .ici = "nivolumab" };
  g_autoptr(GError) error = NULL;
  ParasolEnrolment *e;
  gint64 rows = audit_rows (f);

  e = parasol_enrolment_enrol (f->store, f->protocol, id, &before_screening, NULL, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_DATE);
  g_clear_error (&error);

  e = parasol_enrolment_enrol (f->store, f->protocol, id, &lapsed, NULL, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_NOT_ELIGIBLE);
  g_assert_nonnull (strstr (error->message, "not eligible"));
  g_clear_error (&error);

  e = parasol_enrolment_enrol (f->store, f->protocol, id, &last_valid, &options, NULL, &error);
  g_assert_null (e);
  g_assert_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_UNKNOWN_DRUG);
  g_assert_nonnull (strstr (error->message, "durvalumab"));
  g_clear_error (&error);
  g_assert_cmpint (audit_rows (f), ==, rows);

  /* The last day the labs are valid: accepted, arm confirmed so no flag */
  options.ici = "durvalumab";
  e = parasol_enrolment_enrol (f->store, f->protocol, id, &last_valid, &options, "C1D1 agreed", &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  g_assert_cmpint (e->flags, ==, PARASOL_ENROLMENT_FLAG_NONE);
  g_assert_cmpstr (e->arm, ==, "control");
  parasol_enrolment_free (e);
}

static void
collect_id (const ParasolPatientRow *row,
            gpointer                 user_data)
{
  g_array_append_val ((GArray *) user_data, row->id);
}

/* Regression (issue 8): 4 of the demo's first 33 enrolled patients were not eligible on their
 * C1D1 by the engine (screening labs older than the protocol's 14 days that day). */
static void
test_demo_obeys_rules (WorkflowFixture *f,
                       gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint enrolled = 0;

  g_assert_true (parasol_demo_populate (f->store, f->protocol, 400, 1, &error));
  g_assert_no_error (error);
  g_assert_true (parasol_store_foreach_patient (f->store, 0, collect_id, ids, &error));
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store,
                                                                         g_array_index (ids, gint64, i),
                                                                         &error);
      g_autoptr(ParasolEligibility) el = NULL;

      g_assert_no_error (error);
      if (!g_date_valid (&facts->c1d1))
        continue;
      enrolled++;
      el = parasol_eligibility_evaluate (f->protocol, facts, &facts->c1d1);
      if (el->verdict != PARASOL_VERDICT_ELIGIBLE)
        {
          g_autofree char *why = parasol_enrolment_describe_failures (el);
          g_error ("demo patient %s is not eligible on its C1D1: %s", facts->screening_number, why);
        }
    }
  g_assert_cmpuint (enrolled, >, 250);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/enrolment/enrol", WorkflowFixture, NULL, wf_set_up, test_enrol, wf_tear_down);
  g_test_add ("/enrolment/demo-obeys-rules", WorkflowFixture, NULL, wf_set_up, test_demo_obeys_rules, wf_tear_down);
  g_test_add ("/enrolment/refused", WorkflowFixture, NULL, wf_set_up, test_refused, wf_tear_down);
  return g_test_run ();
}
