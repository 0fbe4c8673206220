/* test-store-trust.c — data a sponsor can trust: the audited update, identities, the schema
 * check, the reconciled, keyed and anchored audit trail, the file and its folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every attack of issue 12 is a test here; each fails on the store before that issue.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-helpers.h"
#include "parasol-eligibility.h"
#include "parasol-protocol.h"
#include "parasol-store-private.h"
#include "parasol-store.h"

static char *
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    result = g_strdup (msg ? msg : "error");
  sqlite3_free (msg);
  sqlite3_close (db);
  return result;
}

#define raw_ok(path, sql) \
  G_STMT_START { \
    g_autofree char *__err = raw_exec ((path), (sql)); \
    g_assert_null (__err); \
  } G_STMT_END

static GPtrArray *
audit_rows (ParasolStore *store,
            const char   *table,
            gint64        record)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = parasol_store_audit_list (store, table, record, 0, &error);

  g_assert_no_error (error);
  return rows;
}

/* --- The audited update ------------------------------------------------------------------- */

static ParasolAttestation *
attestation (const char *criterion,
             gboolean    met,
             int         y,
             int         m,
             int         d)
{
  ParasolAttestation *a = parasol_attestation_new ();

  a->criterion = g_strdup (criterion);
  a->met = met;
  g_date_set_dmy (&a->date, d, m, y);
  return a;
}

static ParasolCriterionStatus
imaging_status (ParasolProtocol *protocol,
                ParasolStore    *store,
                gint64           id,
                const GDate     *on)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (store, id, &error);
  ParasolEligibility *e;
  ParasolCriterionStatus status;

  g_assert_no_error (error);
  e = parasol_eligibility_evaluate (protocol, facts, on);
  status = parasol_eligibility_find (e, "inc-01")->status;
  parasol_eligibility_free (e);
  return status;
}

/* Issue 9: re-attesting an imaging criterion with only a newer date used to change nothing,
 * so the criterion stayed expired.  The date is now compared and audited like every field. */
static void
test_reattestation (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  ParasolAttestation *a;
  const ParasolAuditEntry *last;
  gint64 id, att;
  GDate on;
  int window;

  protocol = parasol_protocol_new_default (&error);
  g_assert_no_error (error);
  window = parasol_protocol_get_window_days (protocol, PARASOL_WINDOW_IMAGING);
  g_assert_cmpint (window, >, 0);
  id = test_add_patient (store, "S-0100");

  a = attestation ("inc-01", TRUE, 2026, 9, 1);
  att = parasol_store_set_attestation (store, id, a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (att, >, 0);

  /* On the last day of the window the attestation holds; the day after it has lapsed. */
  g_date_set_dmy (&on, 1, 9, 2026);
  g_date_add_days (&on, window);
  g_assert_cmpint (imaging_status (protocol, store, id, &on), ==, PARASOL_STATUS_MET);
  g_date_add_days (&on, 1);
  g_assert_cmpint (imaging_status (protocol, store, id, &on), !=, PARASOL_STATUS_MET);

  /* Re-attested on that day, with nothing else changed: met again, and audited. */
  g_date_set_dmy (&a->date, g_date_get_day (&on), g_date_get_month (&on), g_date_get_year (&on));
  g_assert_cmpint (parasol_store_set_attestation (store, id, a, NULL, &error), ==, att);
  g_assert_no_error (error);
  g_assert_cmpint (imaging_status (protocol, store, id, &on), ==, PARASOL_STATUS_MET);

  rows = audit_rows (store, "attestation", att);
  g_assert_cmpuint (rows->len, ==, 2);
  last = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (last->field, ==, "attested_on");
  g_assert_cmpstr (last->old_value, ==, "2026-09-01");
  g_assert_cmpstr (last->new_value, ==, "2026-09-30");

  /* Moving the date back is a correction: it needs a reason. */
  g_date_set_dmy (&a->date, 15, 8, 2026);
  g_assert_cmpint (parasol_store_set_attestation (store, id, a, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);

  /* A changed verdict with a new date: both fields audited, with the reason. */
  a->met = FALSE;
  g_assert_cmpint (parasol_store_set_attestation (store, id, a, "Scan re-read", &error), ==, att);
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = audit_rows (store, "attestation", att);
  g_assert_cmpuint (rows->len, ==, 4);
  last = g_ptr_array_index (rows, 2);
  g_assert_cmpstr (last->field, ==, "met");
  g_assert_cmpstr (last->old_value, ==, "met");
  g_assert_cmpstr (last->new_value, ==, "not_met");
  last = g_ptr_array_index (rows, 3);
  g_assert_cmpstr (last->field, ==, "attested_on");
  g_assert_cmpstr (last->reason, ==, "Scan re-read");

  /* The same again changes nothing and writes nothing. */
  g_assert_cmpint (parasol_store_set_attestation (store, id, a, NULL, &error), ==, att);
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = audit_rows (store, "attestation", att);
  g_assert_cmpuint (rows->len, ==, 4);
  parasol_attestation_free (a);
}

typedef struct {
  guint patient;
  guint lab;
  guint all;
} SignalCount;

static void
count_cb (ParasolStore *store,
          const char   *table,
          gint64        record,
          gint64        patient,
          int           kind,
          guint        *count)
{
  (*count)++;
}

static void
test_detailed_signal (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(ParasolLabResult) lab = parasol_lab_result_new ();
  g_autoptr(GError) error = NULL;
  SignalCount n = { 0 };
  gint64 id;

  g_signal_connect (store, "changed::patient", G_CALLBACK (count_cb), &n.patient);
  g_signal_connect (store, "changed::lab", G_CALLBACK (count_cb), &n.lab);
  g_signal_connect (store, "changed", G_CALLBACK (count_cb), &n.all);

  id = test_add_patient (store, "S-0001");
  g_assert_cmpuint (n.patient, ==, 1);
  g_assert_cmpuint (n.lab, ==, 0);
  g_assert_cmpuint (n.all, ==, 1);

  lab->lab = g_strdup ("anc");
  lab->value = 2.5;
  lab->unit = g_strdup ("10^9/L");
  g_date_set_dmy (&lab->date, 1, 10, 2026);
  g_assert_cmpint (parasol_store_add_lab (store, id, lab, NULL, &error), >, 0);
  g_assert_no_error (error);
  /* The lab, and its patient as modified. */
  g_assert_cmpuint (n.lab, ==, 1);
  g_assert_cmpuint (n.patient, ==, 2);
  g_assert_cmpuint (n.all, ==, 3);

  g_assert_true (parasol_store_set_patient_field (store, id, "ecog", "1", 0, NULL, &error));
  g_assert_cmpuint (n.lab, ==, 1);
  g_assert_cmpuint (n.patient, ==, 3);
}

/* --- Identities ---------------------------------------------------------------------------- */

static gint64
add_patient_error (ParasolStore *store,
                   const char   *screening,
                   const char   *subject,
                   const char   *initials,
                   GError      **error)
{
  g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();

  p->screening_number = g_strdup (screening);
  p->subject_number = g_strdup (subject);
  p->initials = g_strdup (initials);
  p->sex = PARASOL_SEX_MALE;
  return parasol_store_add_patient (store, p, error);
}

static void
test_identities (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = {
    "S-00\u200b36",     /* zero-width space: looks exactly like S-0036 */
    "S-\u202e6300",     /* right-to-left override */
    "S-00\t36", "S-0036\n", "S-00\u200d36", "S-00\u206636", "S-00\ufeff36", "S-00\u00a036",
    "S-00\u202836", "S-00\x01" "36", "1234", "٣٤",
  };
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  gint64 a, b;

  a = test_add_patient (store, "S-0036");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_cmpint (add_patient_error (store, bad[i], NULL, NULL, &error), ==, 0);
      g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (parasol_store_set_patient_field (store, a, "subject_number", bad[i], 0,
                                                       NULL, &error));
      g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_cmpint (add_patient_error (store, "S-0037", NULL, "A\u200bB", &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (parasol_store_set_patient_field (store, a, "site", "Tianjin\u202e", 0, NULL, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_count_patients (store), ==, 1);

  /* NFC: "é" typed decomposed is stored composed, and found either way. */
  b = add_patient_error (store, "S-E\u0301", NULL, "E\u0301L", &error);
  g_assert_no_error (error);
  facts = parasol_store_load_patient (store, b, &error);
  g_assert_cmpstr (facts->screening_number, ==, "S-\u00c9");
  g_assert_cmpstr (facts->initials, ==, "\u00c9L");
  g_assert_cmpint (parasol_store_find_patient (store, "S-E\u0301", NULL), ==, b);
  g_assert_cmpint (parasol_store_find_patient (store, "S-\u00c9", NULL), ==, b);

  /* A subject number may not be another patient's screening number, nor the reverse. */
  g_assert_false (parasol_store_set_patient_field (store, b, "subject_number", "S-0036", 0, NULL, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (parasol_store_set_patient_field (store, a, "subject_number", "BT-001", 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (add_patient_error (store, "BT-001", NULL, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (add_patient_error (store, "S-0050", "S-0036", NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_find_patient (store, "BT-001", NULL), ==, a);
}

/* A screening number that looks like a row id never hides the patient with that id: such
 * numbers are refused, and a number always wins over an id. */
static void
test_find_order (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *id_text = NULL;
  gint64 a, b;

  a = test_add_patient (store, "S-0001");
  b = test_add_patient (store, "S-0002");
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, a);
  g_assert_cmpint (add_patient_error (store, id_text, NULL, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (parasol_store_set_patient_field (store, b, "screening_number", id_text, 0,
                                                   "typo", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (parasol_store_find_patient (store, id_text, NULL), ==, a);

  /* A database from before the rule: the number wins over the id, the id finds the rest. */
  g_clear_object (&store);
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE patient SET subject_number = '%" G_GINT64_FORMAT
                                            "' WHERE id = %" G_GINT64_FORMAT, a, b);
    raw_ok (f->db, sql);
  }
  store = test_open_store (f->db, FALSE);
  g_assert_cmpint (parasol_store_find_patient (store, id_text, NULL), ==, b);
}

static void
test_status_arm_workflow_only (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  gint64 id = test_add_patient (store, "S-0001");

  g_assert_false (parasol_store_set_patient_field (store, id, "status", "on_treatment", 0, "x", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "parasol-cli enrol"));
  g_clear_error (&error);
  g_assert_false (parasol_store_set_patient_field (store, id, "arm", "no-such-arm", 0, "x", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "parasol-cli assign"));
  g_clear_error (&error);

  /* The workflow calls still write them. */
  g_assert_cmpint (parasol_store_record_assignment (store, id, "dll3", "dll3", "1.0", "DLL3 high",
                                                    &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (parasol_store_set_patient_status (store, id, "enrolled", "Enrolled", &error));
  g_assert_no_error (error);
  facts = parasol_store_load_patient (store, id, &error);
  g_assert_cmpstr (facts->status, ==, "enrolled");
  g_assert_cmpstr (facts->arm, ==, "dll3");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("PARASOL_BUSY_TIMEOUT_MS", "200", TRUE);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/update/reattestation", test_reattestation);
  ADD ("/store/changed/detailed", test_detailed_signal);
  ADD ("/store/identity/printable", test_identities);
  ADD ("/store/identity/find-order", test_find_order);
  ADD ("/store/identity/status-arm", test_status_arm_workflow_only);
#undef ADD

  return g_test_run ();
}
