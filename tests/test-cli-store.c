/* test-cli-store.c — the parasol-cli contract for the database, patients and the audit trail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "cli-helpers.h"

static void
test_usage (Fixture *f, gconstpointer data)
{
  g_autoptr(CliResult) none = cli_run (NULL, "--help", NULL);
  g_autoptr(CliResult) unknown = cli_run (f->db, "frobnicate", NULL);
  g_autoptr(CliResult) bad_sub = cli_run (f->db, "patient", "remove", NULL);
  g_autoptr(CliResult) help = cli_run (NULL, "patient", "add", "--help", NULL);
  g_autoptr(CliResult) missing = cli_run (f->db, "patient", "add", "--sex", "male", NULL);
  g_autoptr(CliResult) bad_option = cli_run (f->db, "patient", "list", "--colour", NULL);

  g_assert_cmpint (none->status, ==, 0);
  cli_assert_contains (none->out, "patient add");
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_cmpint (bad_sub->status, ==, 2);
  g_assert_cmpint (help->status, ==, 0);
  cli_assert_contains (help->out, "--screening-id");
  cli_assert_contains (help->out, "--database");
  g_assert_cmpint (missing->status, ==, 2);
  g_assert_cmpint (bad_option->status, ==, 2);
}

static void
test_init_and_patients (Fixture *f, gconstpointer data)
{
  g_autoptr(CliResult) init = cli_run (f->db, "init", "--json", NULL);
  g_autoptr(CliResult) again = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) add = NULL;
  g_autoptr(CliResult) dup = NULL;
  g_autoptr(CliResult) list = NULL;
  g_autoptr(CliResult) set = NULL;
  g_autoptr(CliResult) change = NULL;
  g_autoptr(CliResult) change_ok = NULL;
  g_autoptr(CliResult) show = NULL;
  g_autoptr(CliResult) bad_date = NULL;
  g_autoptr(CliResult) audit = NULL;
  g_autoptr(CliResult) verify = NULL;

  g_assert_cmpint (init->status, ==, 0);
  cli_assert_json (init->out, "{\"trial\": \"BUTTONS-001\"}");
  g_assert_cmpint (again->status, ==, 1);
  cli_assert_contains (again->err, "already holds a trial");

  add = cli_run (f->db, "patient", "add", "--screening-id", "S-0101", "--sex", "female",
                 "--birth-date", "1961-04-30", "--initials", "LMW", "--screening-date", "2026-11-02",
                 "--json", NULL);
  g_assert_cmpint (add->status, ==, 0);
  cli_assert_json (add->out, "{\"screening_number\": \"S-0101\"}");

  dup = cli_run (f->db, "patient", "add", "--screening-id", "S-0101", "--sex", "male",
                 "--birth-date", "1961-04-30", NULL);
  g_assert_cmpint (dup->status, ==, 1);
  cli_assert_contains (dup->err, "already exists");

  bad_date = cli_run (f->db, "patient", "add", "--screening-id", "S-0102", "--sex", "male",
                      "--birth-date", "1961-02-29", NULL);
  g_assert_cmpint (bad_date->status, ==, 2);
  cli_assert_contains (bad_date->err, "YYYY-MM-DD");

  set = cli_run (f->db, "patient", "set", "S-0101", "ecog", "1", NULL);
  g_assert_cmpint (set->status, ==, 0);
  change = cli_run (f->db, "patient", "set", "S-0101", "ecog", "0", NULL);
  g_assert_cmpint (change->status, ==, 1);
  cli_assert_contains (change->err, "reason");
  change_ok = cli_run (f->db, "patient", "set", "S-0101", "ecog", "0", "--reason", "Re-assessed", NULL);
  g_assert_cmpint (change_ok->status, ==, 0);

  list = cli_run (f->db, "patient", "list", "--json", NULL);
  g_assert_cmpint (list->status, ==, 0);
  cli_assert_json (list->out, "{\"initials\": \"LMW\"}");
  cli_assert_json (list->out, "{\"status\": \"screening\"}");

  show = cli_run (f->db, "patient", "show", "S-0101", "--json", NULL);
  g_assert_cmpint (show->status, ==, 0);
  cli_assert_json (show->out, "{\"ecog\": 0}");
  cli_assert_json (show->out, "{\"birth_date\": \"1961-04-30\"}");

  audit = cli_run (f->db, "audit", "show", "--patient", "S-0101", "--json", NULL);
  g_assert_cmpint (audit->status, ==, 0);
  cli_assert_json (audit->out, "{\"reason\": \"Re-assessed\"}");
  cli_assert_json (audit->out, "{\"old\": \"1\"}");

  verify = cli_run (f->db, "audit", "verify", "--json", NULL);
  g_assert_cmpint (verify->status, ==, 0);
  cli_assert_json (verify->out, "{\"valid\": true}");
}

static void
test_no_database (Fixture *f, gconstpointer data)
{
  g_autoptr(CliResult) list = cli_run (f->db, "patient", "list", NULL);

  g_assert_cmpint (list->status, ==, 1);
  cli_assert_contains (list->err, "parasol-cli init");
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_audit_verify_broken (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 8);
  g_autoptr(CliResult) ok = cli_run (db, "audit", "verify", NULL);
  g_autoptr(CliResult) broken = NULL;
  sqlite3 *raw = NULL;

  g_assert_cmpint (ok->status, ==, 0);
  cli_assert_contains (ok->out, "intact");

  /* Someone with the sqlite3 shell drops the guard and edits row 5. */
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DROP TRIGGER audit_no_update;"
                                 "UPDATE audit SET reason = 'edited' WHERE seq = 5;"
                                 "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                                 "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only: "
                                 "rows cannot be changed'); END;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  broken = cli_run (db, "audit", "verify", "--json", NULL);
  g_assert_cmpint (broken->status, ==, 1);
  cli_assert_json (broken->out, "{\"first_bad_row\": 5}");
  cli_assert_json (broken->out, "{\"valid\": false}");
}

static void
test_demo_deterministic (Fixture *f, gconstpointer data)
{
  g_autofree char *a = g_build_filename (f->dir, "a.db", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b.db", NULL);
  g_autofree char *c = g_build_filename (f->dir, "c.db", NULL);
  g_autoptr(CliResult) ra = cli_run (a, "demo", "--seed", "7", NULL);
  g_autoptr(CliResult) rb = cli_run (b, "demo", "--seed", "7", NULL);
  g_autoptr(CliResult) rc = cli_run (c, "demo", "--seed", "8", NULL);
  g_autoptr(CliResult) la = cli_run (a, "patient", "list", "--json", NULL);
  g_autoptr(CliResult) lb = cli_run (b, "patient", "list", "--json", NULL);
  g_autoptr(CliResult) lc = cli_run (c, "patient", "list", "--json", NULL);
  g_autoptr(CliResult) again = cli_run (a, "demo", NULL);
  const char *statuses[] = { "\"screening\"", "\"screen_failed\"", "\"on_treatment\"",
                             "\"off_treatment\"", "\"arm\": \"dll3\"", "\"arm\": \"xpo1\"",
                             "\"arm\": \"anlotinib\"", "\"arm\": \"control\"" };

  g_assert_cmpint (ra->status, ==, 0);
  g_assert_cmpint (rb->status, ==, 0);
  g_assert_cmpint (rc->status, ==, 0);
  g_assert_cmpstr (la->out, ==, lb->out);
  g_assert_cmpstr (la->out, !=, lc->out);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    cli_assert_contains (la->out, statuses[i]);

  /* About 40 patients by default. */
  g_assert_nonnull (strstr (la->out, "S-0040"));
  g_assert_null (strstr (la->out, "S-0041"));

  g_assert_cmpint (again->status, ==, 1);
  cli_assert_contains (again->err, "already holds a trial");
}

/* An evaluation kept with --record carries the protocol version it used. */
static void
test_screen_record (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 40);
  g_autoptr(CliResult) before = cli_run (db, "audit", "show", "--table", "evaluation", "--json", NULL);
  g_autoptr(CliResult) screen = cli_run (db, "screen", "S-0036", "--record", "--json", NULL);
  g_autoptr(CliResult) after = cli_run (db, "audit", "show", "--table", "evaluation", "--json", NULL);
  g_autoptr(CliResult) verify = cli_run (db, "audit", "verify", NULL);

  g_assert_cmpstr (before->out, ==, "[]\n");
  g_assert_cmpint (screen->status, ==, 0);
  cli_assert_json (screen->out, "{\"protocol_version\": \"1.0\"}");
  {
    /* The whole record as inserted: JSON in the audit row's "new" string. */
    g_autoptr(JsonNode) inserted = cli_json_member (after->out, "new");

    g_assert_nonnull (inserted);
    cli_assert_json (json_node_get_string (inserted),
                     "{\"protocol_version\": \"1.0\", \"context\": \"screening\"}");
  }
  g_assert_cmpint (verify->status, ==, 0);
}

static void
test_backup (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 5);
  g_autofree char *dest = g_build_filename (f->dir, "copy.db", NULL);
  g_autoptr(CliResult) backup = cli_run (db, "backup", dest, NULL);
  g_autoptr(CliResult) again = cli_run (db, "backup", dest, NULL);
  g_autoptr(CliResult) l1 = cli_run (db, "patient", "list", "--json", NULL);
  g_autoptr(CliResult) l2 = cli_run (dest, "patient", "list", "--json", NULL);
  g_autoptr(CliResult) verify = cli_run (dest, "audit", "verify", NULL);

  g_assert_cmpint (backup->status, ==, 0);
  g_assert_cmpint (again->status, ==, 1);
  cli_assert_contains (again->err, "never overwrites");
  g_assert_cmpstr (l1->out, ==, l2->out);
  g_assert_cmpint (verify->status, ==, 0);
}

/* Issue 12: status and arm change only through their workflows. */
static void
test_status_arm_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 4);
  g_autoptr(CliResult) status = cli_run (db, "patient", "set", "S-0001", "status", "on_treatment",
                                         "--reason", "x", NULL);
  g_autoptr(CliResult) arm = cli_run (db, "patient", "set", "S-0001", "arm", "no-such-arm",
                                      "--reason", "x", NULL);
  g_autoptr(CliResult) zw = cli_run (db, "patient", "set", "S-0001", "subject_number",
                                     "S-00\u200b36", "--reason", "x", NULL);

  g_assert_cmpint (status->status, ==, 1);
  cli_assert_contains (status->err, "enrolment enrols");
  g_assert_cmpint (arm->status, ==, 1);
  cli_assert_contains (arm->err, "arm decision");
  g_assert_cmpint (zw->status, ==, 1);
  cli_assert_contains (zw->err, "U+200B");
}

/* Issue 12: a direct UPDATE is named by audit verify, writing stops, and acknowledging (audited)
 * lets it go on. */
static void
test_audit_reconcile_acknowledge (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 4);
  g_autoptr(CliResult) verify = NULL;
  g_autoptr(CliResult) set = NULL;
  g_autoptr(CliResult) ack = NULL;
  g_autoptr(CliResult) ack_again = NULL;
  g_autoptr(CliResult) set_again = NULL;
  g_autoptr(CliResult) show = NULL;
  sqlite3 *raw = NULL;

  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE patient SET initials = 'XX' WHERE screening_number = 'S-0002'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  verify = cli_run (db, "audit", "verify", "--json", NULL);
  g_assert_cmpint (verify->status, ==, 1);
  cli_assert_json (verify->out, "{\"valid\": false}");
  cli_assert_json (verify->out, "{\"first_bad_row\": null}");
  cli_assert_json (verify->out, "{\"field\": \"initials\"}");
  cli_assert_json (verify->out, "{\"stored\": \"XX\"}");
  cli_assert_json (verify->out, "{\"key\": \"ok\"}");

  set = cli_run (db, "patient", "set", "S-0001", "ecog", "1", "--reason", "x", NULL);
  g_assert_cmpint (set->status, ==, 1);
  cli_assert_contains (set->err, "audit acknowledge");

  ack = cli_run (db, "audit", "acknowledge", NULL);
  g_assert_cmpint (ack->status, ==, 2);
  ack_again = cli_run (db, "audit", "acknowledge", "--reason", "Checked against the CRF", NULL);
  g_assert_cmpint (ack_again->status, ==, 0);
  set_again = cli_run (db, "patient", "set", "S-0001", "ecog", "1", "--reason", "x", NULL);
  g_assert_cmpint (set_again->status, ==, 0);
  show = cli_run (db, "audit", "show", "--table", "audit", "--json", NULL);
  cli_assert_json (show->out, "{\"field\": \"acknowledged\"}");
  cli_assert_contains (show->out, "Checked against the CRF");
}

static char *
iso_days_from_today (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d");
}

/* Issue 8: a weight is kept with the day it was measured: `patient set ID weight_kg KG
 * [--measured-on DATE]` (default today), shown by `patient show` (fields added, none renamed). */
static void
test_weight_measured_on (Fixture *f, gconstpointer data)
{
  g_autofree char *yesterday = iso_days_from_today (-1);
  g_autofree char *today = iso_days_from_today (0);
  g_autofree char *tomorrow = iso_days_from_today (1);
  g_autofree char *expect = NULL;
  g_autoptr(CliResult) init = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) add = NULL;
  g_autoptr(CliResult) dated = NULL;
  g_autoptr(CliResult) undated = NULL;
  g_autoptr(CliResult) ahead = NULL;
  g_autoptr(CliResult) wrong_field = NULL;
  g_autoptr(CliResult) correction = NULL;
  g_autoptr(CliResult) show = NULL;
  g_autoptr(CliResult) verify = NULL;

  g_assert_cmpint (init->status, ==, 0);
  add = cli_run (f->db, "patient", "add", "--screening-id", "S-0120", "--sex", "male",
                 "--birth-date", "1958-01-20", NULL);
  g_assert_cmpint (add->status, ==, 0);

  dated = cli_run (f->db, "patient", "set", "S-0120", "weight_kg", "71.5", "--measured-on",
                   yesterday, "--json", NULL);
  g_assert_cmpint (dated->status, ==, 0);
  expect = g_strdup_printf ("\"measured_on\": \"%s\"", yesterday);
  cli_assert_contains (dated->out, expect);
  cli_assert_contains (dated->out, "\"field\": \"weight_kg\"");
  g_clear_pointer (&expect, g_free);

  /* the old form still works: measured today */
  undated = cli_run (f->db, "patient", "set", "S-0120", "weight_kg", "72", "--json", NULL);
  g_assert_cmpint (undated->status, ==, 0);
  expect = g_strdup_printf ("\"measured_on\": \"%s\"", today);
  cli_assert_contains (undated->out, expect);
  g_clear_pointer (&expect, g_free);

  /* a measurement ahead of today, or a date on another field: refused */
  ahead = cli_run (f->db, "patient", "set", "S-0120", "weight_kg", "70", "--measured-on", tomorrow, NULL);
  g_assert_cmpint (ahead->status, ==, 1);
  cli_assert_contains (ahead->err, "after today");
  wrong_field = cli_run (f->db, "patient", "set", "S-0120", "height_cm", "170", "--measured-on",
                         yesterday, NULL);
  g_assert_cmpint (wrong_field->status, ==, 2);
  cli_assert_contains (wrong_field->err, "weight_kg");

  /* a second weight on a day already measured corrects it: it needs a reason */
  correction = cli_run (f->db, "patient", "set", "S-0120", "weight_kg", "70", "--measured-on",
                        yesterday, NULL);
  g_assert_cmpint (correction->status, ==, 1);
  cli_assert_contains (correction->err, "reason");

  show = cli_run (f->db, "patient", "show", "S-0120", "--json", NULL);
  g_assert_cmpint (show->status, ==, 0);
  cli_assert_contains (show->out, "\"weight_kg\": 72");
  expect = g_strdup_printf ("\"weight_measured_on\": \"%s\"", today);
  cli_assert_contains (show->out, expect);
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("\"weight_kg\": 71.5, \"measured_on\": \"%s\"", yesterday);
  cli_assert_contains (show->out, expect);

  verify = cli_run (f->db, "audit", "verify", "--json", NULL);
  g_assert_cmpint (verify->status, ==, 0);
  cli_assert_contains (verify->out, "\"valid\": true");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/cli/usage", test_usage);
  ADD ("/cli/init-and-patients", test_init_and_patients);
  ADD ("/cli/no-database", test_no_database);
  ADD ("/cli/audit-verify-broken", test_audit_verify_broken);
  ADD ("/cli/demo-deterministic", test_demo_deterministic);
  ADD ("/cli/screen-record", test_screen_record);
  ADD ("/cli/backup", test_backup);
  ADD ("/cli/status-arm-refused", test_status_arm_refused);
  ADD ("/cli/audit-reconcile-acknowledge", test_audit_reconcile_acknowledge);
  ADD ("/cli/weight-measured-on", test_weight_measured_on);
#undef ADD

  return g_test_run ();
}
