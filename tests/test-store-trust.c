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
#include <sys/wait.h>
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
  g_assert_nonnull (strstr (error->message, "enrolment enrols"));
  g_clear_error (&error);
  g_assert_false (parasol_store_set_patient_field (store, id, "arm", "no-such-arm", 0, "x", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "arm decision"));
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


/* --- The schema ---------------------------------------------------------------------------- */

static const char audit_no_update_sql[] =
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only: rows cannot be changed'); END;";
static const char audit_no_delete_sql[] =
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only: rows cannot be deleted'); END;";

static gint64
add_lab (ParasolStore *store,
         gint64        id,
         double        value)
{
  g_autoptr(ParasolLabResult) lab = parasol_lab_result_new ();
  g_autoptr(GError) error = NULL;
  gint64 lab_id;

  lab->lab = g_strdup ("anc");
  lab->value = value;
  lab->unit = g_strdup ("10^9/L");
  g_date_set_dmy (&lab->date, 1, 10, 2026);
  lab_id = parasol_store_add_lab (store, id, lab, NULL, &error);
  g_assert_no_error (error);
  return lab_id;
}

static void
assert_open_refused (const char *path,
                     const char *names)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);

  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT);
  if (strstr (error->message, names) == NULL)
    g_error ("expected “%s” in: %s", names, error->message);
  g_assert_nonnull (strstr (error->message, "backup"));
  g_clear_error (&error);
  store = parasol_store_open (path, PARASOL_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT);
}

/* Issue 12: an AFTER INSERT ON lab trigger stored ANC 25 while the audit row said 2.5. */
static void
test_schema_trigger (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  gint64 id = test_add_patient (store, "S-0001");

  add_lab (store, id, 2.5);
  g_clear_object (&store);
  raw_ok (f->db, "CREATE TRIGGER lab_x AFTER INSERT ON lab"
                 " BEGIN UPDATE lab SET value = value * 10 WHERE id = new.id; END;");
  assert_open_refused (f->db, "lab_x");
}

/* The schema built ahead in a thread (the window's start-up) checks as the one built on open:
 * a clean file opens, a changed one is refused. */
static void
test_schema_prepared (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = NULL;

  parasol_store_prepare ();
  parasol_store_prepare ();
  store = test_open_store (f->db, TRUE);
  test_add_patient (store, "S-0001");
  g_clear_object (&store);
  store = test_open_store (f->db, FALSE);
  g_clear_object (&store);
  raw_ok (f->db, "CREATE INDEX patient_x ON patient (site)");
  assert_open_refused (f->db, "patient_x");
}

/* Issue 12: a view named patient hid a patient. */
static void
test_schema_view (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);

  test_add_patient (store, "S-0001");
  test_add_patient (store, "S-0002");
  g_clear_object (&store);
  raw_ok (f->db, "PRAGMA foreign_keys = OFF; ALTER TABLE patient RENAME TO patient_all;"
                 "CREATE VIEW patient AS SELECT * FROM patient_all WHERE screening_number != 'S-0002';");
  assert_open_refused (f->db, "patient");
}

/* Issue 12: the append-only triggers were dropped. */
static void
test_schema_dropped_triggers (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);

  test_add_patient (store, "S-0001");
  g_clear_object (&store);
  raw_ok (f->db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
  assert_open_refused (f->db, "audit_no_delete");
  /* An index added quietly is refused too. */
  raw_ok (f->db, audit_no_update_sql);
  raw_ok (f->db, audit_no_delete_sql);
  store = test_open_store (f->db, FALSE);
  g_clear_object (&store);
  raw_ok (f->db, "CREATE INDEX patient_x ON patient (initials);");
  assert_open_refused (f->db, "patient_x");
}

/* --- Reconciling ---------------------------------------------------------------------------- */

static ParasolAuditReport *
check (ParasolStore *store)
{
  g_autoptr(GError) error = NULL;
  ParasolAuditReport *report = parasol_store_audit_check (store, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static const ParasolAuditMismatch *
find_mismatch (const ParasolAuditReport *report,
               const char               *table,
               const char               *field)
{
  for (guint i = 0; i < report->mismatches->len; i++)
    {
      const ParasolAuditMismatch *m = g_ptr_array_index (report->mismatches, i);

      if (g_strcmp0 (m->table_name, table) == 0 && g_strcmp0 (m->field, field) == 0)
        return m;
    }
  return NULL;
}

/* Issue 12: a row changed directly in the file, or with no audit row, is named. */
static void
test_reconcile (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(ParasolAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  const ParasolAuditMismatch *m;
  gint64 id = test_add_patient (store, "S-0001");
  gint64 lab;
  ParasolAttestation *a = attestation ("inc-01", TRUE, 2026, 9, 1);

  /* Every character JSON escapes, in the whole-record snapshot, reads back as written. */
  a->note = g_strdup ("line 1\n\"quoted\" back\\slash\ttab\r\x01\x7f 中文");
  lab = add_lab (store, id, 2.5);
  g_assert_true (parasol_store_set_patient_field (store, id, "ecog", "1", 0, NULL, &error));
  g_assert_true (parasol_store_set_patient_field (store, id, "ecog", "0", 0, "typo", &error));
  g_assert_cmpint (parasol_store_set_attestation (store, id, a, NULL, &error), >, 0);
  a->met = FALSE;
  g_assert_cmpint (parasol_store_set_attestation (store, id, a, "re-read", &error), >, 0);
  parasol_attestation_free (a);
  g_assert_no_error (error);

  report = check (store);
  g_assert_true (report->valid);
  g_assert_cmpint (report->n_mismatches, ==, 0);
  g_assert_cmpint (report->n_records, ==, 3);  /* patient, lab, attestation */
  g_clear_pointer (&report, parasol_audit_report_free);
  g_clear_object (&store);

  /* ANC 25 instead of 2.5, ECOG back to 1 and a patient with no audit row, by hand. */
  sql = g_strdup_printf ("UPDATE lab SET value = 25 WHERE id = %" G_GINT64_FORMAT ";"
                         "UPDATE patient SET ecog = 1 WHERE id = %" G_GINT64_FORMAT ";"
                         "INSERT INTO patient (screening_number) VALUES ('S-0666');"
                         "UPDATE attestation SET met = 1;", lab, id);
  raw_ok (f->db, sql);
  store = test_open_store (f->db, FALSE);
  report = check (store);
  g_assert_false (report->valid);
  g_assert_cmpint (report->first_bad, ==, 0);
  g_assert_cmpint (report->n_mismatches, ==, 4);
  m = find_mismatch (report, "lab", "value");
  g_assert_nonnull (m);
  g_assert_cmpint (m->record, ==, lab);
  g_assert_cmpstr (m->stored, ==, "25");
  g_assert_cmpstr (m->audited, ==, "2.5");
  m = find_mismatch (report, "patient", "ecog");
  g_assert_cmpstr (m->stored, ==, "1");
  g_assert_cmpstr (m->audited, ==, "0");
  m = find_mismatch (report, "attestation", "met");
  g_assert_cmpstr (m->stored, ==, "1");
  g_assert_cmpstr (m->audited, ==, "0");
  m = find_mismatch (report, "patient", NULL);
  g_assert_nonnull (m);
  g_assert_cmpint (m->record, ==, id + 1);
  g_assert_nonnull (report->message);

  /* ... and writing stops until a person has seen it. */
  g_assert_nonnull (parasol_store_get_damage (store));
  g_assert_cmpint (add_patient_error (store, "S-0002", NULL, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT);
  g_assert_nonnull (strstr (error->message, "acknowledge"));
  g_clear_error (&error);
}

/* --- The chain: keyed, anchored, stopping writes ----------------------------------------- */

static char *
key_file (Fixture *f)
{
  return g_build_filename (f->dir, "site.key", NULL);
}

/* Someone with the file but not the key rewrites row @k and re-hashes every later row with
 * plain SHA-256, putting the trigger back: what the old verify called "intact". */
static void
rehash_from (const char *path,
             gint64      k)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *prev = NULL;
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER audit_no_update", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT seq, at, who, who_name, tbl, record, field,"
                                           " old_value, new_value, reason, prev_hash FROM audit"
                                           " WHERE seq >= ?1 ORDER BY seq", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, k);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
#define T(i) ((const char *) sqlite3_column_text (stmt, (i)))
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      g_autofree char *new_value = g_strdup (T (8));
      char *hash;

      if (seq == k && new_value != NULL)
        {
          g_free (new_value);
          new_value = g_strdup (g_strcmp0 (T (6), "initials") == 0 ? "XYZ" : "{}");
        }
      if (prev == NULL)
        prev = g_strdup (T (10));
      hash = parasol_store_audit_hash (prev, seq, T (1), T (2), T (3), T (4),
                                       sqlite3_column_int64 (stmt, 5), T (6), T (7), new_value,
                                       T (9));
      g_ptr_array_add (updates, sqlite3_mprintf ("UPDATE audit SET new_value = %Q, prev_hash = '%q',"
                                                 " hash = '%q' WHERE seq = %lld;",
                                                 new_value, prev, hash, (long long) seq));
      g_free (prev);
      prev = hash;
#undef T
    }
  sqlite3_finalize (stmt);
  for (guint i = 0; i < updates->len; i++)
    {
      g_assert_cmpint (sqlite3_exec (db, g_ptr_array_index (updates, i), NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_free (g_ptr_array_index (updates, i));
      updates->pdata[i] = NULL;
    }
  g_assert_cmpint (sqlite3_exec (db, audit_no_update_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_rehashed_without_key (Fixture *f, gconstpointer data)
{
  g_autofree char *key = key_file (f);
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_setenv ("PARASOL_KEY_FILE", key, TRUE);
  store = test_open_store (f->db, TRUE);
  id = test_add_patient (store, "S-0001");
  test_add_patient (store, "S-0002");
  g_assert_true (parasol_store_set_patient_field (store, id, "initials", "ABD", 0, "typo", &error));
  g_assert_true (g_file_test (key, G_FILE_TEST_EXISTS));
  {
    struct stat st;
    g_assert_cmpint (g_stat (key, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  report = check (store);
  g_assert_true (report->valid);
  g_assert_cmpint (report->keyed_from, ==, 1);
  g_assert_cmpint (report->key_state, ==, PARASOL_AUDIT_KEY_OK);
  g_clear_pointer (&report, parasol_audit_report_free);
  g_clear_object (&store);

  /* The patient row changed and its audit rows re-hashed with SHA-256 from row 4 on. */
  raw_ok (f->db, "UPDATE patient SET initials = 'XYZ' WHERE screening_number = 'S-0001'");
  rehash_from (f->db, 4);
  store = test_open_store (f->db, FALSE);
  /* Found on open already: the head row's link is not keyed. */
  g_assert_nonnull (parasol_store_get_damage (store));
  report = check (store);
  g_assert_false (report->valid);
  g_assert_cmpint (report->first_bad, ==, 4);
  g_clear_pointer (&report, parasol_audit_report_free);
  g_clear_object (&store);

  /* Without the key, only the structure verifies, and verify says the key is missing. */
  g_unsetenv ("PARASOL_KEY_FILE");
  g_setenv ("PARASOL_KEY_FILE", "/nonexistent/site.key", TRUE);
  g_assert_true (g_file_test (f->db, G_FILE_TEST_EXISTS));
  {
    g_autofree char *sql = g_strdup_printf ("VACUUM INTO '%s'", copy);
    g_autofree char *err = NULL;
    g_setenv ("PARASOL_KEY_FILE", key, TRUE);
    err = raw_exec (f->db, sql);
    g_assert_null (err);
    g_setenv ("PARASOL_KEY_FILE", "/nonexistent/site.key", TRUE);
  }
  store = test_open_store (copy, FALSE);
  report = check (store);
  g_assert_cmpint (report->key_state, ==, PARASOL_AUDIT_KEY_MISSING);
  g_assert_true (report->valid);  /* the structure is whole: only the key can tell */
  g_assert_cmpint (add_patient_error (store, "S-0003", NULL, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT);
  g_assert_nonnull (strstr (error->message, "site key"));
  g_clear_error (&error);
  g_setenv ("PARASOL_KEY_FILE", key, TRUE);
}

/* Old databases: rows from before keying keep their SHA-256 links. */
static void
test_keyed_after_unkeyed (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolAuditReport) report = NULL;
  g_autofree char *key = key_file (f);

  /* An unkeyed database, as every database was before keys (no key, no marker: a raw
   * database where the store would have keyed it is made by removing the marker). */
  g_setenv ("PARASOL_KEY_FILE", key, TRUE);
  store = test_open_store (f->db, TRUE);
  test_add_patient (store, "S-0001");
  g_clear_object (&store);
  g_unlink (key);
  raw_ok (f->db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
                 "DELETE FROM audit; UPDATE patient SET version = 1;");
  raw_ok (f->db, audit_no_update_sql);
  raw_ok (f->db, audit_no_delete_sql);
  {
    /* Re-create the patient's insert row as the store before keys wrote it. */
    g_autofree char *hash = parasol_store_audit_hash (GENESIS_HASH, 1, "2026-01-01T00:00:00.000000Z",
                                                      "old", NULL, "patient", 1, NULL, NULL,
                                                      "{\"screening_number\": \"S-0001\", \"subject_number\": null, \"initials\": \"ABC\", \"sex\": \"female\", \"birth_date\": \"1960-03-12\", \"site\": null, \"status\": \"screening\", \"arm\": null, \"screening_date\": \"2026-10-01\", \"ecog\": null, \"height_cm\": null, \"weight_kg\": null, \"liver_metastases\": null, \"liver_infiltration\": null, \"ici\": null, \"c1d1\": null, \"dose_weight_kg\": null}",
                                                      NULL);
    g_autofree char *sql = g_strdup_printf ("INSERT INTO audit VALUES (1, '2026-01-01T00:00:00.000000Z',"
                                            " 'old', NULL, 'patient', 1, NULL, NULL, '{\"screening_number\": \"S-0001\", \"subject_number\": null, \"initials\": \"ABC\", \"sex\": \"female\", \"birth_date\": \"1960-03-12\", \"site\": null, \"status\": \"screening\", \"arm\": null, \"screening_date\": \"2026-10-01\", \"ecog\": null, \"height_cm\": null, \"weight_kg\": null, \"liver_metastases\": null, \"liver_infiltration\": null, \"ici\": null, \"c1d1\": null, \"dose_weight_kg\": null}',"
                                            " NULL, '%s', '%s')", GENESIS_HASH, hash);
    raw_ok (f->db, sql);
  }
  /* The anchor of the first life of this file no longer applies. */
  {
    g_autofree char *real = realpath (f->db, NULL);
    g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, real, -1);
    g_autofree char *name = g_strdup_printf ("%.32s.anchor", digest);
    g_autofree char *anchor = g_build_filename (g_get_user_state_dir (), "parasol", "anchors", name, NULL);
    g_unlink (anchor);
  }

  store = test_open_store (f->db, FALSE);
  report = check (store);
  g_assert_true (report->valid);
  g_assert_cmpint (report->key_state, ==, PARASOL_AUDIT_KEY_NONE);
  g_clear_pointer (&report, parasol_audit_report_free);

  test_add_patient (store, "S-0002");
  g_assert_true (g_file_test (key, G_FILE_TEST_EXISTS));
  report = check (store);
  g_assert_true (report->valid);
  g_assert_cmpint (report->keyed_from, ==, 2);
  g_assert_cmpint (report->key_state, ==, PARASOL_AUDIT_KEY_OK);
  g_assert_cmpint (report->n_rows, ==, 3);
}

static void
truncate_tail (Fixture *f,
               int      n)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(ParasolAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 id = test_add_patient (store, "S-0001");
  gint64 rows;

  for (int i = 0; i < 60; i++)
    add_lab (store, id, 1.0 + i);
  report = check (store);
  g_assert_true (report->valid);
  rows = report->n_rows;
  g_assert_cmpint (report->anchor_seq, ==, rows);
  g_clear_pointer (&report, parasol_audit_report_free);
  g_clear_object (&store);

  /* The last @n audit rows go, and their labs with them, so the data still reconcile; the
   * triggers are put back. */
  sql = g_strdup_printf ("DROP TRIGGER audit_no_delete;"
                         "DELETE FROM lab WHERE id IN (SELECT record FROM audit WHERE tbl = 'lab'"
                         " AND seq > %" G_GINT64_FORMAT ");"
                         "DELETE FROM audit WHERE seq > %" G_GINT64_FORMAT ";%s",
                         rows - n, rows - n, audit_no_delete_sql);
  raw_ok (f->db, sql);

  store = test_open_store (f->db, FALSE);
  g_assert_nonnull (parasol_store_get_damage (store));
  report = check (store);
  g_assert_false (report->valid);
  g_assert_true (report->truncated);
  g_assert_cmpint (report->n_mismatches, ==, 0);
  g_assert_cmpint (report->n_rows, ==, rows - n);
  g_assert_nonnull (strstr (report->message, "cut short"));

  /* Writes stop until a person acknowledges, which is audited. */
  g_assert_cmpint (add_patient_error (store, "S-0002", NULL, NULL, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT);
  g_clear_error (&error);
  g_assert_false (parasol_store_audit_acknowledge (store, NULL, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_true (parasol_store_audit_acknowledge (store, "Checked with the paper CRFs", &error));
  g_assert_no_error (error);
  g_assert_null (parasol_store_get_damage (store));
  g_assert_cmpint (add_patient_error (store, "S-0002", NULL, NULL, &error), >, 0);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) acks = parasol_store_audit_list (store, "audit", 0, 0, &error);
    const ParasolAuditEntry *ack = g_ptr_array_index (acks, acks->len - 1);

    g_assert_cmpstr (ack->field, ==, "acknowledged");
    g_assert_cmpstr (ack->reason, ==, "Checked with the paper CRFs");
    g_assert_nonnull (strstr (ack->old_value, "cut short"));
  }
}

static void
test_truncated_1 (Fixture *f, gconstpointer data)
{
  truncate_tail (f, 1);
}

static void
test_truncated_50 (Fixture *f, gconstpointer data)
{
  truncate_tail (f, 50);
}

/* The patient's dates, checked in the store for every caller: born before the screening date
 * (the day before passes, the same day does not), and no screening date after today. */
static void
test_patient_dates (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();
  g_autoptr(GError) error = NULL;
  GDate tomorrow;

  p->screening_number = g_strdup ("S-0300");
  p->sex = PARASOL_SEX_MALE;
  p->initials = g_strdup ("AB");
  g_date_set_dmy (&p->screening_date, 1, 10, 2026);
  g_date_set_dmy (&p->birth_date, 1, 10, 2026);
  g_assert_cmpint (parasol_store_add_patient (store, p, &error), ==, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  parasol_date_set_today (&tomorrow);
  g_date_add_days (&tomorrow, 1);
  g_date_set_dmy (&p->birth_date, 30, 9, 2026);
  p->screening_date = tomorrow;
  g_assert_cmpint (parasol_store_add_patient (store, p, &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_date_set_dmy (&p->screening_date, 1, 10, 2026);
  g_assert_cmpint (parasol_store_add_patient (store, p, &error), >, 0);
  g_assert_no_error (error);
}

/* A database deleted and made again at the same path is a new trail, not a truncated one; a
 * file replaced by an older copy is still caught (truncate_tail above). */
static void
test_new_file_same_path (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->db, "-shm", NULL);

  {
    g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);

    test_add_patient (store, "S-0001");
    test_add_patient (store, "S-0002");
  }
  g_unlink (f->db);
  g_unlink (wal);
  g_unlink (shm);

  {
    g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);

    g_assert_null (parasol_store_get_damage (store));
    g_assert_cmpint (add_patient_error (store, "S-0003", NULL, NULL, &error), >, 0);
    g_assert_no_error (error);
  }
}

/* --- The file and its folder --------------------------------------------------------------- */

/* Issue 12: in a 1777 folder a planted WAL made a patient on_treatment and dropped a trigger.
 * Any folder others can write is refused, before SQLite reads anything. */
static void
test_open_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *open_dir = g_build_filename (f->dir, "shared", NULL);
  g_autofree char *db = g_build_filename (open_dir, "trial.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (open_dir, 0700), ==, 0);
  store = test_open_store (db, TRUE);
  test_add_patient (store, "S-0001");
  g_clear_object (&store);

  g_assert_cmpint (g_chmod (open_dir, 01777), ==, 0);
  g_assert_true (g_file_set_contents (wal, "planted", -1, NULL));
  for (int flags = 0; flags < 2; flags++)
    {
      store = parasol_store_open (db, flags ? PARASOL_STORE_OPEN_READ_ONLY : PARASOL_STORE_OPEN_DEFAULT,
                                  &error);
      g_assert_null (store);
      g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY);
      g_assert_nonnull (strstr (error->message, "chmod 700"));
      g_clear_error (&error);
    }
  /* Untouched: the planted file is still there for someone to look at. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_chmod (open_dir, 0770), ==, 0);
  store = parasol_store_open (db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (open_dir, 0700), ==, 0);
}

/* The checks run on the real folder: a link in a private folder to a database in an open one
 * is refused, and a link in an open folder to a private one is fine. */
static void
test_symlink (Fixture *f, gconstpointer data)
{
  g_autofree char *open_dir = g_build_filename (f->dir, "shared", NULL);
  g_autofree char *private_dir = g_build_filename (f->dir, "mine", NULL);
  g_autofree char *real_db = g_build_filename (open_dir, "trial.db", NULL);
  g_autofree char *link = g_build_filename (private_dir, "trial.db", NULL);
  g_autofree char *link2 = g_build_filename (open_dir, "link.db", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (open_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (private_dir, 0700), ==, 0);
  store = test_open_store (real_db, TRUE);
  g_clear_object (&store);
  g_assert_cmpint (symlink (real_db, link), ==, 0);
  g_assert_cmpint (g_chmod (open_dir, 0777), ==, 0);

  store = parasol_store_open (link, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, open_dir));
  g_clear_error (&error);

  /* The other way round: the link sits in the open folder, the file in a private one. */
  g_assert_cmpint (g_chmod (open_dir, 0700), ==, 0);
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (g_rename (real_db, link), ==, 0);
  g_assert_cmpint (symlink (link, link2), ==, 0);
  g_assert_cmpint (g_chmod (open_dir, 0777), ==, 0);
  store = parasol_store_open (link2, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (open_dir, 0700), ==, 0);

  /* The network-filesystem check also runs on the real folder (forced here). */
  g_setenv ("PARASOL_TEST_FS_MAGIC", "0x6969", TRUE);
  store = parasol_store_open (link2, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_unsetenv ("PARASOL_TEST_FS_MAGIC");
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NETWORK_FS);
  g_assert_nonnull (strstr (error->message, private_dir));
}

/* Issue 12: a read command on an existing empty file wrote the schema into it. */
static void
test_read_only_empty (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(CliResult) list = NULL;
  g_autoptr(CliResult) verify = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (f->db, "", 0, NULL));
  g_chmod (f->db, 0600);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = cli_run (f->db, "patient", "list", NULL);
  g_assert_cmpint (list->status, ==, 1);
  cli_assert_contains (list->err, "parasol-cli init");
  verify = cli_run (f->db, "audit", "verify", NULL);
  g_assert_cmpint (verify->status, ==, 1);
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
}

/* Issue 12: a killed backup left its .partial-* file (675 MB of patient data) behind. */
static void
test_partial_cleanup (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *dead = NULL;
  g_autofree char *dead_journal = NULL;
  g_autofree char *beside_db = NULL;
  g_autofree char *live = NULL;
  pid_t child;
  int status;

  test_add_patient (store, "S-0001");
  /* A process that is gone. */
  child = fork ();
  if (child == 0)
    _exit (0);
  waitpid (child, &status, 0);
  dead = g_strdup_printf ("%s/other.db.partial-%d", f->dir, (int) child);
  dead_journal = g_strdup_printf ("%s-journal", dead);
  beside_db = g_strdup_printf ("%s.partial-%d", f->db, (int) child);
  live = g_strdup_printf ("%s/third.db.partial-%d", f->dir, (int) getpid ());
  g_assert_true (g_file_set_contents (dead, "patient data", -1, NULL));
  g_assert_true (g_file_set_contents (dead_journal, "patient data", -1, NULL));
  g_assert_true (g_file_set_contents (live, "being written", -1, NULL));

  g_assert_true (parasol_store_backup (store, dest, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (dead_journal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  {
    struct stat st;
    g_assert_cmpint (g_stat (dest, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  /* No silent overwrite. */
  g_assert_false (parasol_store_backup (store, dest, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_clear_object (&store);

  /* And at the next open. */
  g_assert_true (g_file_set_contents (beside_db, "patient data", -1, NULL));
  store = test_open_store (f->db, FALSE);
  g_assert_false (g_file_test (beside_db, G_FILE_TEST_EXISTS));
  g_unlink (live);

  /* The backup is anchored like the database: cutting its tail is noticed. */
  g_clear_object (&store);
  {
    g_autoptr(ParasolAuditReport) report = NULL;
    raw_ok (dest, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);");
    raw_ok (dest, audit_no_delete_sql);
    store = test_open_store (dest, FALSE);
    report = check (store);
    g_assert_true (report->truncated);
  }
}

/* --- The frozen audit format --------------------------------------------------------------- */

/* A known answer: if the canonical form changes, every database in use stops verifying. */
static void
test_audit_hash_known_answer (void)
{
  g_autofree char *hash = parasol_store_audit_hash (GENESIS_HASH, 7, "2026-10-01T08:30:00.000000Z",
                                                    "jdoe", "Jane Doe", "lab", 42, "value", "2.5",
                                                    "25", "Transcription error");
  g_autofree char *with_nulls = parasol_store_audit_hash (GENESIS_HASH, 1, "2026-10-01T08:30:00.000000Z",
                                                          "jdoe", NULL, "patient", 1, NULL, NULL,
                                                          "{\"screening_number\": \"S-0001\"}", NULL);
  guint8 key[32];
  g_autofree char *keyed = NULL;

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) i;
  keyed = store_audit_link (key, 7, GENESIS_HASH, "2026-10-01T08:30:00.000000Z", "jdoe",
                            "Jane Doe", "lab", 42, "value", "2.5", "25", "Transcription error");

  g_assert_cmpstr (hash, ==, "7553abe40cf8068f766ef77701b8bd85dc9033180eafaa755c73e94bb800417b");
  g_assert_cmpstr (with_nulls, ==, "e380fca83cb792f804fcff220b30ff57629a112975b5fa060b1a64ca7fc70b3d");
  g_assert_cmpstr (keyed, ==, "1ae44701f66112d27f9a8e23ddcecef92c1b15c1625bcae05d53cbe4c0813aec");
}

/* Databases made at schema versions 1 to 8 (tests/data/store, by make-old-databases.c) are
 * migrated to this version, then pass the whole audit check: chain, data reconciled. */
static void
test_old_databases (Fixture *f, gconstpointer data)
{
  static const struct { int version; gint64 rows; gint64 records; } expected[] = {
    { 1, 33, 1 + 3 + 9 + 9 + 6 },
    { 2, 62, 1 + 3 + 9 + 9 + 6 + 2 + 4 + 8 + 2 + 2 },
    { 3, 70, 1 + 3 + 9 + 9 + 6 + 2 + 4 + 8 + 2 + 2 },
    { 4, 71, 1 + 3 + 9 + 9 + 6 + 2 + 4 + 8 + 2 + 2 + 1 },
    { 5, 71, 1 + 3 + 9 + 9 + 6 + 2 + 4 + 8 + 2 + 2 + 1 },
    { 6, 71, 1 + 3 + 9 + 9 + 6 + 2 + 4 + 8 + 2 + 2 + 1 },
    { 7, 72, 1 + 3 + 9 + 9 + 6 + 2 + 4 + 8 + 2 + 2 + 1 + 1 },
    { 8, 73, 1 + 3 + 9 + 9 + 6 + 2 + 4 + 8 + 2 + 2 + 1 + 1 + 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *name = g_strdup_printf ("schema-%d.db", expected[i].version);
      g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "store", name, NULL);
      g_autofree char *copy = g_build_filename (f->dir, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(ParasolStore) store = NULL;
      g_autoptr(ParasolAuditReport) report = NULL;
      g_autoptr(ParasolPatientFacts) facts = NULL;
      g_autoptr(GError) error = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (source, &contents, &len, &error));
      g_assert_true (g_file_set_contents (copy, contents, len, &error));
      g_chmod (copy, 0600);

      store = test_open_store (copy, FALSE);
      g_assert_cmpint (parasol_store_get_schema_version (store), ==, PARASOL_STORE_SCHEMA_VERSION);
      report = check (store);
      if (!report->valid)
        g_error ("schema %d: %s", expected[i].version, report->message);
      g_assert_cmpint (report->n_rows, ==, expected[i].rows);
      g_assert_cmpint (report->n_records, ==, expected[i].records);
      g_assert_cmpint (report->key_state, ==, PARASOL_AUDIT_KEY_NONE);
      g_clear_pointer (&report, parasol_audit_report_free);

      facts = parasol_store_load_patient (store, parasol_store_find_patient (store, "S-0001", NULL), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (facts->labs->len, ==, 3);
      g_assert_cmpuint (facts->biomarkers->len, ==, 3);
      g_assert_cmpuint (facts->attestations->len, ==, 2);
      g_assert_cmpuint (facts->cycles->len, ==, expected[i].version >= 2 ? 2 : 0);

      /* Its weight was saved without the day it was measured (before schema 7) */
      g_assert_cmpuint (facts->weights->len, ==, 0);
      g_assert_cmpfloat (facts->weight_kg, ==, 55.25);

      /* It goes on: the next change keys the chain, and everything still verifies. */
      g_assert_true (parasol_store_set_patient_field (store, facts->id, "weight_kg", "56", 0,
                                                      "Weighed again", &error));
      g_assert_no_error (error);
      /* the old weight is carried over, dated the (local) day it was saved; the new one today */
      g_clear_pointer (&facts, parasol_patient_facts_free);
      facts = parasol_store_load_patient (store, parasol_store_find_patient (store, "S-0001", NULL), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (facts->weights->len, ==, 2);
      g_assert_cmpfloat (((ParasolWeight *) g_ptr_array_index (facts->weights, 0))->weight_kg, ==, 55.25);
      g_assert_cmpint (g_date_get_year (&((ParasolWeight *) g_ptr_array_index (facts->weights, 0))->date), ==, 2026);
      g_assert_cmpfloat (((ParasolWeight *) g_ptr_array_index (facts->weights, 1))->weight_kg, ==, 56);
      g_assert_cmpfloat (facts->weight_kg, ==, 56);
      if (expected[i].version >= 5)
        {
          g_autofree char *language = NULL;

          g_assert_true (parasol_store_get_patient_language (store, facts->id, &language, &error));
          g_assert_cmpstr (language, ==, "zh_CN");
        }
      report = check (store);
      g_assert_true (report->valid);
      g_assert_cmpint (report->keyed_from, ==, expected[i].rows + 1);
      g_assert_cmpint (report->key_state, ==, PARASOL_AUDIT_KEY_OK);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("PARASOL_BUSY_TIMEOUT_MS", "200", TRUE);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  /* First: the expected schema is not built yet. */
  ADD ("/store/schema/prepared", test_schema_prepared);
  ADD ("/store/update/reattestation", test_reattestation);
  ADD ("/store/changed/detailed", test_detailed_signal);
  ADD ("/store/identity/printable", test_identities);
  ADD ("/store/identity/find-order", test_find_order);
  ADD ("/store/identity/status-arm", test_status_arm_workflow_only);
  ADD ("/store/schema/trigger", test_schema_trigger);
  ADD ("/store/schema/view", test_schema_view);
  ADD ("/store/schema/dropped-triggers", test_schema_dropped_triggers);
  ADD ("/store/audit/reconcile", test_reconcile);
  ADD ("/store/audit/rehashed-without-key", test_rehashed_without_key);
  ADD ("/store/audit/keyed-after-unkeyed", test_keyed_after_unkeyed);
  ADD ("/store/audit/truncated-1", test_truncated_1);
  ADD ("/store/audit/truncated-50", test_truncated_50);
  ADD ("/store/audit/new-file-same-path", test_new_file_same_path);
  ADD ("/store/identity/patient-dates", test_patient_dates);
  ADD ("/store/file/open-folder", test_open_folder);
  ADD ("/store/file/symlink", test_symlink);
  ADD ("/store/file/read-only-empty", test_read_only_empty);
  ADD ("/store/file/partial-cleanup", test_partial_cleanup);
  g_test_add_func ("/store/audit/known-answer", test_audit_hash_known_answer);
  ADD ("/store/audit/old-databases", test_old_databases);
#undef ADD

  return g_test_run ();
}
