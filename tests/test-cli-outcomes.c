/* test-cli-outcomes.c — the parasol-cli contract of `response` and `event` add, correct, withdraw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules are tested in core (test-outcomes); here the command line that reaches them:
 * options, exit codes, the JSON printed, and what the store then holds (`patient show`,
 * `audit show`).  The demo trial's patient S-0004 is on treatment; its data stop at the demo's
 * data cut, so today's date follows all of them.
 */
#include "config.h"

#include <string.h>

#include "cli-helpers.h"
#include "parasol-facts.h"

static char *
today_iso (int days_from_today)
{
  GDate d;

  parasol_date_set_today (&d);
  if (days_from_today > 0)
    g_date_add_days (&d, days_from_today);
  return parasol_date_to_iso (&d);
}

static void
test_response (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *db = cli_make_demo (f->dir, 12);
  g_autofree char *today = today_iso (0);
  g_autofree char *tomorrow = today_iso (1);
  g_autofree char *expect = NULL;
  g_autoptr(CliResult) r = NULL;

  r = cli_run (db, "response", "add", "S-0004", "--date", today, "--response", "PR", "--note",
               "CT: target lesions −32 %", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "\"patient\": \"BT-0004\"");
  cli_assert_contains (r->out, "\"response\": \"PR\"");
  cli_assert_contains (r->out, "\"status\": \"on_treatment\"");
  cli_assert_contains (r->out, "\"status_changed\": false");
  expect = g_strdup_printf ("\"date\": \"%s\"", today);
  cli_assert_contains (r->out, expect);
  g_clear_pointer (&r, cli_result_free);

  /* the store holds it, and its audit row carries the note */
  r = cli_run (db, "patient", "show", "S-0004", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("\"%s\"", today);
  cli_assert_contains (r->out, expect);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "audit", "show", "--patient", "S-0004", "--history", "--limit", "3", "--json",
               NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "\"table\": \"response\"");
  cli_assert_contains (r->out, "CT: target lesions −32 %");
  g_clear_pointer (&r, cli_result_free);

  /* usage (2): missing options, a word outside the set, a date that is not one */
  r = cli_run (db, "response", "add", "S-0004", "--response", "PR", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "add", "S-0004", "--date", today, "--response", "pr", NULL);
  g_assert_cmpint (r->status, ==, 2);
  cli_assert_contains (r->err, "CR");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "add", "S-0004", "--date", "2026-02-30", "--response", "PR", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);

  /* refusals (1): tomorrow, the same date twice, a patient never treated */
  r = cli_run (db, "response", "add", "S-0004", "--date", tomorrow, "--response", "SD", "--json",
               NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "after today");
  cli_assert_contains (r->out, "\"error\"");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "add", "BT-0004", "--date", today, "--response", "SD", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "one overall response");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "add", "S-9999", "--date", today, "--response", "SD", NULL);
  g_assert_cmpint (r->status, ==, 1);
}

static void
test_events (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *db = cli_make_demo (f->dir, 12);
  g_autofree char *today = today_iso (0);
  g_autoptr(CliResult) r = NULL;

  r = cli_run (db, "event", "add", "S-0004", "--kind", "last-known-alive", "--date", today,
               "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "\"kind\": \"last_known_alive\"");
  g_clear_pointer (&r, cli_result_free);

  r = cli_run (db, "event", "add", "S-0004", "--kind", "discontinuation", "--date", today, NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "reason");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "add", "S-0004", "--kind", "stopped", "--date", today, NULL);
  g_assert_cmpint (r->status, ==, 2);
  cli_assert_contains (r->err, "last-known-alive");
  g_clear_pointer (&r, cli_result_free);

  /* the protocol's list: an unknown cause, "other" without words, --cause on another kind */
  r = cli_run (db, "event", "add", "S-0004", "--kind", "discontinuation", "--date", today,
               "--cause", "bored", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "consent-withdrawn");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "add", "S-0004", "--kind", "discontinuation", "--date", today,
               "--cause", "other", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "Other: say what the reason is");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "add", "S-0004", "--kind", "death", "--date", today,
               "--cause", "toxicity", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "add", "S-0004", "--kind", "discontinuation", "--date", today,
               "--cause", "consent-withdrawn", "-r", "Moved abroad", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_json (r->out, "{\"kind\": \"discontinuation\", "
                           "\"reason\": \"Withdrawal of consent: Moved abroad\"}");
  g_clear_pointer (&r, cli_result_free);
  {
    g_autoptr(CliResult) show = cli_run (db, "patient", "show", "S-0004", "--json", NULL);
    /* withdrawn, so that the discontinuation recorded the old way below is not a second one */
    g_autoptr(JsonNode) events = cli_json_member (show->out, "events");
    JsonArray *a = json_node_get_array (events);
    JsonObject *last = json_array_get_object_element (a, json_array_get_length (a) - 1);
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           json_object_get_int_member (last, "id"));

    r = cli_run (db, "event", "withdraw", "S-0004", id, "--reason", "To test the old way", NULL);
    g_assert_cmpint (r->status, ==, 0);
    g_clear_pointer (&r, cli_result_free);
  }

  /* free text alone, as before the list, is kept as written */
  r = cli_run (db, "event", "add", "S-0004", "--kind", "discontinuation", "--date", today,
               "-r", "Withdrew consent", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "\"reason\": \"Withdrew consent\"");
  cli_assert_contains (r->out, "\"status\": \"off_treatment\"");
  cli_assert_contains (r->out, "\"status_changed\": true");
  g_clear_pointer (&r, cli_result_free);

  r = cli_run (db, "patient", "show", "S-0004", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "\"status\": \"off_treatment\"");
  cli_assert_contains (r->out, "Withdrew consent");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "audit", "show", "--patient", "S-0004", "--limit", "1", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "\"field\": \"status\"");
  cli_assert_contains (r->out, "\"new\": \"off_treatment\"");
  g_clear_pointer (&r, cli_result_free);

  /* plain text names what was recorded and the new status */
  r = cli_run (db, "event", "add", "S-0004", "--kind", "death", "--date", today, NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "Death");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "add", "S-0004", "--kind", "progression", "--date", today, NULL);
  g_assert_cmpint (r->status, ==, 0);    /* the day of death itself is not after it */
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "audit", "verify", NULL);
  g_assert_cmpint (r->status, ==, 0);
  g_clear_pointer (&r, cli_result_free);

  r = cli_run (db, "audit", "show", "--history", NULL);
  g_assert_cmpint (r->status, ==, 2);
}

static gint64
json_id (const char *json)
{
  g_autoptr(JsonNode) node = cli_json_member (json, "id");

  g_assert_nonnull (node);
  return json_node_get_int (node);
}

/* response correct / withdraw: the reason is required, the JSON is response add's with
 * "withdrawn" and "correction_reason", the store and the audit trail show it. */
static void
test_response_correct (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *db = cli_make_demo (f->dir, 12);
  g_autofree char *today = today_iso (0);
  g_autofree char *tomorrow = today_iso (1);
  g_autofree char *id = NULL;
  g_autofree char *expect = NULL;
  g_autoptr(CliResult) r = NULL;

  r = cli_run (db, "response", "add", "S-0004", "--date", today, "--response", "PR", "--json",
               NULL);
  g_assert_cmpint (r->status, ==, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_id (r->out));
  g_clear_pointer (&r, cli_result_free);

  /* usage (2): no reason, nothing to correct, a bad id, a word outside the set */
  r = cli_run (db, "response", "correct", "S-0004", id, "--response", "SD", NULL);
  g_assert_cmpint (r->status, ==, 2);
  cli_assert_contains (r->err, "--reason");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "correct", "S-0004", id, "--reason", "Typo", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "correct", "S-0004", "x1", "--response", "SD", "--reason", "Typo",
               NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "correct", "S-0004", id, "--response", "XX", "--reason", "Typo",
               NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);

  /* refusals (1): tomorrow; another patient's record; an empty reason */
  r = cli_run (db, "response", "correct", "S-0004", id, "--date", tomorrow, "--reason", "Date",
               "--json", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "after today");
  cli_assert_contains (r->out, "\"error\"");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "correct", "S-0005", id, "--response", "SD", "--reason", "Typo",
               NULL);
  g_assert_cmpint (r->status, ==, 1);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "correct", "S-0004", id, "--response", "SD", "--reason", " ", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "Give a reason for the correction.");
  g_clear_pointer (&r, cli_result_free);

  r = cli_run (db, "response", "correct", "S-0004", id, "--response", "SD", "--reason",
               "Second reader", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  expect = g_strdup_printf ("{\"patient\": \"BT-0004\", \"id\": %s, \"response\": \"SD\", "
                            "\"date\": \"%s\", \"status\": \"on_treatment\", "
                            "\"status_changed\": false, \"withdrawn\": false, "
                            "\"correction_reason\": \"Second reader\"}", id, today);
  cli_assert_json (r->out, expect);
  g_clear_pointer (&r, cli_result_free);

  r = cli_run (db, "patient", "show", "S-0004", "--json", NULL);
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("{\"id\": %s, \"response\": \"SD\", \"corrected\": true}", id);
  cli_assert_json (r->out, expect);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "audit", "show", "--patient", "S-0004", "--history", "--limit", "1", "--json",
               NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_json (r->out, "{\"table\": \"response\", \"field\": \"response\", \"old\": \"PR\", "
                           "\"new\": \"SD\", \"reason\": \"Second reader\"}");
  g_clear_pointer (&r, cli_result_free);

  /* withdrawn: plain text says so; it leaves the live list for withdrawn_responses */
  r = cli_run (db, "response", "withdraw", "S-0004", id, "--reason", "Duplicate entry", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "Withdrawn for BT-0004");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "patient", "show", "S-0004", "--json", NULL);
  g_clear_pointer (&expect, g_free);
  expect = g_strdup_printf ("{\"withdrawn_responses\": [{\"date\": \"%s\", \"response\": \"SD\", "
                            "\"id\": %s, \"corrected\": true}]}", today, id);
  cli_assert_json (r->out, expect);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "response", "withdraw", "S-0004", id, "--reason", "Again", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "withdrawn");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "audit", "verify", NULL);
  g_assert_cmpint (r->status, ==, 0);
}

/* event correct / withdraw: the status follows, in the JSON, the record and the trail. */
static void
test_event_correct (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *db = cli_make_demo (f->dir, 12);
  g_autofree char *today = today_iso (0);
  g_autofree char *id = NULL;
  g_autoptr(CliResult) r = NULL;

  r = cli_run (db, "event", "add", "S-0004", "--kind", "discontinuation", "--date", today,
               "--reason", "Toxicity", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_id (r->out));
  g_clear_pointer (&r, cli_result_free);

  r = cli_run (db, "event", "correct", "S-0004", id, "--detail", "", "--reason", "Cleared", NULL);
  g_assert_cmpint (r->status, ==, 1);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "correct", "S-0004", id, "--kind", "stopped", "--reason", "Kind", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "correct", "S-0004", id, "--detail", "Unacceptable toxicity",
               "--reason", "Letter read again", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_json (r->out, "{\"kind\": \"discontinuation\", \"reason\": \"Unacceptable toxicity\", "
                           "\"status\": \"off_treatment\", \"status_changed\": false, "
                           "\"withdrawn\": false, \"correction_reason\": \"Letter read again\"}");
  g_clear_pointer (&r, cli_result_free);

  /* the protocol's list, as for event add */
  r = cli_run (db, "event", "correct", "S-0004", id, "--cause", "other", "--reason", "List", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "Other: say what the reason is");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "correct", "S-0004", id, "--cause", "toxicity", "--detail",
               "Grade 4 neutropenia", "--reason", "From the list", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_json (r->out, "{\"reason\": \"Unacceptable toxicity: Grade 4 neutropenia\"}");
  g_clear_pointer (&r, cli_result_free);

  r = cli_run (db, "event", "withdraw", "S-0004", id, NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "event", "withdraw", "S-0004", id, "-r", "Wrong patient", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_json (r->out, "{\"kind\": \"discontinuation\", \"status\": \"on_treatment\", "
                           "\"status_changed\": true, \"withdrawn\": true, "
                           "\"correction_reason\": \"Wrong patient\"}");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "patient", "show", "S-0004", "--json", NULL);
  cli_assert_json (r->out, "{\"status\": \"on_treatment\"}");
  cli_assert_json (r->out, "{\"kind\": \"discontinuation\", "
                           "\"reason\": \"Unacceptable toxicity: Grade 4 neutropenia\"}");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "audit", "show", "--patient", "S-0004", "--history", "--limit", "2", "--json",
               NULL);
  cli_assert_json (r->out, "{\"table\": \"event\", \"field\": \"withdrawn\", \"old\": \"0\", "
                           "\"new\": \"1\", \"reason\": \"Wrong patient\"}");
  cli_assert_json (r->out, "{\"field\": \"status\", \"old\": \"off_treatment\", "
                           "\"new\": \"on_treatment\"}");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "audit", "verify", NULL);
  g_assert_cmpint (r->status, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/response/add", Fixture, NULL, fixture_set_up, test_response, fixture_tear_down);
  g_test_add ("/cli/event/add", Fixture, NULL, fixture_set_up, test_events, fixture_tear_down);
  g_test_add ("/cli/response/correct", Fixture, NULL, fixture_set_up, test_response_correct, fixture_tear_down);
  g_test_add ("/cli/event/correct", Fixture, NULL, fixture_set_up, test_event_correct, fixture_tear_down);
  return g_test_run ();
}
