/* test-cli-dosing.c — the parasol-cli contract for dose, schedule, enrol, give and delay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected numbers are computed here from the published formulas, not copied from the output.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "cli-helpers.h"

/* The value of the first "key" member in the first object that has the members @from (a
 * fragment such as "\"drug\": \"carboplatin\"" or "{\"number\": 5,"; NULL: the whole
 * document).  Returns a new reference, or NULL. */
static JsonNode *
json_value (const char *json,
            const char *from,
            const char *key)
{
  g_autoptr(JsonNode) root = cli_json_parse (json);
  JsonNode *scope = root;
  JsonNode *value;

  if (from != NULL)
    {
      g_autoptr(GString) members = g_string_new (from);
      g_autoptr(JsonNode) want = NULL;

      while (members->len > 0 && strchr ("{, ", members->str[members->len - 1]) != NULL)
        g_string_truncate (members, members->len - 1);
      if (members->str[0] != '{')
        g_string_prepend_c (members, '{');
      g_string_append_c (members, '}');
      want = cli_json_parse (members->str);
      scope = cli_json_find_object (root, json_node_get_object (want));
      if (scope == NULL)
        return NULL;
    }
  value = cli_json_find (scope, key);
  return value != NULL ? json_node_copy (value) : NULL;
}

/* The number "key" (see json_value()).  NAN if absent or not a number. */
static double
json_number (const char *json,
             const char *from,
             const char *key)
{
  g_autoptr(JsonNode) value = json_value (json, from, key);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      (json_node_get_value_type (value) != G_TYPE_INT64 &&
       json_node_get_value_type (value) != G_TYPE_DOUBLE))
    return NAN;
  return json_node_get_double (value);
}

/* The string "key" (see json_value()), or NULL. */
static char *
json_string (const char *json,
             const char *from,
             const char *key)
{
  g_autoptr(JsonNode) value = json_value (json, from, key);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (value));
}

static double
mosteller (double h, double w)
{
  return sqrt (h * w / 3600);
}

static double
cockcroft_gault (int age, gboolean female, double w, double scr_umol)
{
  return (140 - age) * w / (72 * scr_umol / 88.42) * (female ? 0.85 : 1.0);
}

static void
test_dose_standalone (Fixture *f, gconstpointer data)
{
  g_autofree char *missing_db = g_build_filename (f->dir, "none.db", NULL);
  g_autoptr(CliResult) r = NULL;
  double crcl = cockcroft_gault (60, FALSE, 70, 80);
  double bsa = mosteller (170, 70);
  const char *carbo = "\"drug\": \"carboplatin\"";
  const char *eto = "\"drug\": \"etoposide\"";

  r = cli_run (missing_db, "dose", "--height-cm", "170", "--weight-kg", "70", "--age", "60",
               "--sex", "male", "--creatinine-umol-l", "80", "--arm", "control", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, NULL, "bsa_m2"), bsa, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, NULL, "crcl_ml_min"), crcl, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, NULL, "gfr_used_ml_min"), crcl, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, eto, "dose_unrounded"), 100 * bsa, 1e-9);
  g_assert_cmpfloat (json_number (r->out, eto, "dose"), ==, 180);
  cli_assert_json (r->out, "{\"days\": [1, 2, 3]}");
  cli_assert_json (r->out, "{\"unit\": \"mg\"}");
  g_assert_cmpfloat_with_epsilon (json_number (r->out, carbo, "dose_unrounded"), 5 * (crcl + 25), 1e-9);
  g_assert_cmpfloat (json_number (r->out, carbo, "dose"), ==, 555);   /* nearest 5 mg */
  /* the default checkpoint inhibitor is listed */
  cli_assert_json (r->out, "{\"drug\": \"tislelizumab\"}");
  {
    g_autofree char *working = json_string (r->out, carbo, "working");
    cli_assert_contains (working, "Calvert");
    cli_assert_contains (working, "Cockcroft-Gault");
    cli_assert_contains (working, "actual body weight");
  }
  /* no database was created by a stand-alone calculation */
  g_assert_false (g_file_test (missing_db, G_FILE_TEST_EXISTS));

  /* readable table without --json */
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (missing_db, "dose", "--height-cm", "170", "--weight-kg", "70", "--age", "60",
               "--sex", "male", "--creatinine-umol-l", "80", "--arm", "control", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, "Carboplatin");
  cli_assert_contains (r->out, "Calvert");
  cli_assert_contains (r->out, "BSA");
}

static void
test_dose_published_example (Fixture *f, gconstpointer data)
{
  g_autofree char *missing_db = g_build_filename (f->dir, "none.db", NULL);
  g_autoptr(CliResult) r = NULL;
  const char *carbo = "\"drug\": \"carboplatin\"";

  /* man, 50 y, 72 kg, SCr 88.42 umol/L (1 mg/dL): CrCl 90 -> AUC 5 x (90 + 25) = 575 mg */
  r = cli_run (missing_db, "dose", "--height-cm", "175", "--weight-kg", "72", "--age", "50",
               "--sex", "male", "--creatinine-umol-l", "88.42", "--arm", "control", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, NULL, "crcl_ml_min"), 90, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, NULL, "gfr_used_ml_min"), 90, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, carbo, "dose_unrounded"), 575, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (r->out, carbo, "dose"), 575, 575 * 0.10);
}

static void
test_dose_gfr_cap_and_women (Fixture *f, gconstpointer data)
{
  g_autofree char *missing_db = g_build_filename (f->dir, "none.db", NULL);
  g_autoptr(CliResult) capped = NULL;
  g_autoptr(CliResult) woman = NULL;
  const char *carbo = "\"drug\": \"carboplatin\"";
  double crcl;

  /* CrCl 110 x 80 / (72 x 50 / 88.42) = 216 mL/min -> capped at 125: 5 x 150 = 750 mg */
  capped = cli_run (missing_db, "dose", "--height-cm", "180", "--weight-kg", "80", "--age", "30",
                    "--sex", "male", "--creatinine-umol-l", "50", "--arm", "control", "--json", NULL);
  g_assert_cmpint (capped->status, ==, 0);
  g_assert_cmpfloat (json_number (capped->out, NULL, "crcl_ml_min"), >, 125);
  g_assert_cmpfloat (json_number (capped->out, NULL, "gfr_used_ml_min"), ==, 125);
  g_assert_cmpfloat (json_number (capped->out, carbo, "dose"), ==, 750);
  g_assert_cmpfloat (json_number (capped->out, carbo, "dose_unrounded"), ==, 750);

  crcl = cockcroft_gault (65, TRUE, 58, 70);
  woman = cli_run (missing_db, "dose", "--height-cm", "158", "--weight-kg", "58", "--age", "65",
                   "--sex", "female", "--creatinine-umol-l", "70", "--arm", "anlotinib",
                   "--ici", "serplulimab", "--json", NULL);
  g_assert_cmpint (woman->status, ==, 0);
  g_assert_cmpfloat_with_epsilon (json_number (woman->out, NULL, "crcl_ml_min"), crcl, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (woman->out, carbo, "dose_unrounded"), 5 * (crcl + 25), 1e-9);
  /* serplulimab 4.5 mg/kg x 58 kg = 261 mg -> 260 */
  g_assert_cmpfloat_with_epsilon (json_number (woman->out, "\"drug\": \"serplulimab\"", "dose_unrounded"),
                                  261, 1e-9);
  g_assert_cmpfloat (json_number (woman->out, "\"drug\": \"serplulimab\"", "dose"), ==, 260);
  g_assert_cmpfloat (json_number (woman->out, "\"drug\": \"anlotinib\"", "dose"), ==, 12);
  cli_assert_json (woman->out, "{\"days\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]}");
}

static void
test_dose_maintenance (Fixture *f, gconstpointer data)
{
  g_autofree char *missing_db = g_build_filename (f->dir, "none.db", NULL);
  g_autoptr(CliResult) r = NULL;

  r = cli_run (missing_db, "dose", "--height-cm", "170", "--weight-kg", "70", "--age", "60",
               "--sex", "male", "--creatinine-umol-l", "80", "--arm", "xpo1", "--ici", "durvalumab",
               "--cycle", "5", "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_no_json (r->out, "{\"drug\": \"etoposide\"}");
  cli_assert_no_json (r->out, "{\"drug\": \"carboplatin\"}");
  g_assert_cmpfloat (json_number (r->out, "\"drug\": \"durvalumab\"", "dose"), ==, 1500);
  g_assert_cmpfloat (json_number (r->out, "\"drug\": \"selinexor\"", "dose"), ==, 60);
  cli_assert_json (r->out, "{\"days\": [1, 3, 8, 10, 15, 17]}");
  cli_assert_json (r->out, "{\"phase\": \"maintenance\"}");
}

static void
test_dose_bad_input (Fixture *f, gconstpointer data)
{
  g_autofree char *missing_db = g_build_filename (f->dir, "none.db", NULL);
  struct {
    const char *height, *weight, *age, *creatinine, *arm;
    int status;
    const char *message;
  } cases[] = {
    { "1.7", "70", "60", "80", "control", 1, "100–250 cm" },
    { "170", "7000", "60", "80", "control", 1, "25–300 kg" },
    /* Issue 8: the creatinine lab's one plausible range, as for `lab add` */
    { "170", "70", "60", "0.9", "control", 1, "10–3000 µmol/L" },
    { "170", "70", "12", "80", "control", 1, "18–120" },
    { "170", "70", "60", "80", "nonsense", 1, "xpo1" },
    { "170", "abc", "60", "80", "control", 2, "not a number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) r = cli_run (missing_db, "dose", "--height-cm", cases[i].height,
                                        "--weight-kg", cases[i].weight, "--age", cases[i].age,
                                        "--sex", "female", "--creatinine-umol-l", cases[i].creatinine,
                                        "--arm", cases[i].arm, "--json", NULL);

      g_assert_cmpint (r->status, ==, cases[i].status);
      cli_assert_contains (r->err, cases[i].message);
    }

  {
    g_autoptr(CliResult) r = cli_run (missing_db, "dose", "--height-cm", "170", "--json", NULL);
    g_assert_cmpint (r->status, ==, 2);
  }
}

/* The first patient of @status in the demo database, by subject number (else screening). */
static char *
demo_patient (const char *db,
              const char *status)
{
  g_autoptr(CliResult) list = cli_run (db, "patient", "list", "--json", NULL);
  g_autofree char *from = g_strdup_printf ("\"status\": \"%s\"", status);
  char *key;

  g_assert_cmpint (list->status, ==, 0);
  key = json_string (list->out, from, "subject_number");
  if (key == NULL)
    key = json_string (list->out, from, "screening_number");
  return key;
}

static void
test_patient_schedule_delay_give (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 40);
  g_autofree char *key = demo_patient (db, "enrolled");
  g_autofree char *ics_path = g_build_filename (f->dir, "calendar.ics", NULL);
  g_autofree char *ics = NULL;
  g_autoptr(CliResult) schedule = NULL;
  g_autoptr(CliResult) dose = NULL;
  g_autoptr(CliResult) export = NULL;
  g_autoptr(CliResult) delay = NULL;
  g_autoptr(CliResult) bad_delay = NULL;
  g_autoptr(CliResult) after = NULL;
  g_autoptr(CliResult) give_bad = NULL;
  g_autofree char *first_planned = NULL;
  g_autofree char *prev_start = NULL;
  int n = 0;

  if (key == NULL)
    key = demo_patient (db, "on_treatment");
  g_assert_nonnull (key);

  schedule = cli_run (db, "schedule", key, "--json", NULL);
  g_assert_cmpint (schedule->status, ==, 0);
  {
    g_autoptr(JsonNode) cycles = cli_json_member (schedule->out, "cycles");
    g_autoptr(JsonNode) visits = cli_json_member (schedule->out, "visits");

    g_assert_true (cycles != NULL && JSON_NODE_HOLDS_ARRAY (cycles));
    g_assert_true (visits != NULL && JSON_NODE_HOLDS_ARRAY (visits));
  }
  cli_assert_json (schedule->out, "{\"kind\": \"imaging\"}");

  dose = cli_run (db, "dose", key, "--json", NULL);
  g_assert_cmpint (dose->status, ==, 0);
  g_assert_false (isnan (json_number (dose->out, NULL, "bsa_m2")));
  {
    g_autoptr(JsonNode) drugs = cli_json_member (dose->out, "drugs");
    g_autoptr(JsonNode) working = cli_json_member (dose->out, "working");

    g_assert_true (drugs != NULL && JSON_NODE_HOLDS_ARRAY (drugs));
    g_assert_nonnull (working);
  }

  export = cli_run (db, "schedule", key, "--ics", ics_path, NULL);
  g_assert_cmpint (export->status, ==, 0);
  g_assert_true (g_file_get_contents (ics_path, &ics, NULL, NULL));
  g_assert_true (g_str_has_prefix (ics, "BEGIN:VCALENDAR\r\n"));
  g_assert_true (g_str_has_suffix (ics, "END:VCALENDAR\r\n"));
  cli_assert_contains (ics, "DTSTART;VALUE=DATE:");
  {
    /* Private, and never overwritten silently. */
    g_autoptr(CliResult) again = cli_run (db, "schedule", key, "--ics", ics_path, NULL);
    g_autoptr(CliResult) forced = cli_run (db, "schedule", key, "--ics", ics_path, "--force", NULL);
    GStatBuf st;

    g_assert_cmpint (g_stat (ics_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (again->status, ==, 1);
    cli_assert_contains (again->err, "--force");
    g_assert_cmpint (forced->status, ==, 0);
  }

  /* The first planned cycle (not started) */
  for (n = 1; n < 60; n++)
    {
      g_autofree char *num = g_strdup_printf ("{\"number\": %d,", n);
      g_autofree char *status = json_string (schedule->out, num, "status");

      if (g_strcmp0 (status, "planned") == 0)
        {
          first_planned = json_string (schedule->out, num, "start");
          break;
        }
      g_free (prev_start);
      prev_start = json_string (schedule->out, num, "start");
    }
  g_assert_nonnull (first_planned);
  g_assert_cmpint (n, >, 1);

  /* A start before the previous cycle's: refused */
  {
    g_autofree char *cycle = g_strdup_printf ("%d", n);

    bad_delay = cli_run (db, "delay", key, "--cycle", cycle, "--to", prev_start,
                         "--reason", "test", NULL);
    g_assert_cmpint (bad_delay->status, ==, 1);
    cli_assert_contains (bad_delay->err, "previous");

    /* A week's delay moves the next cycle a week */
    {
      GDate d, next;
      char to[16], expected_next[16];
      g_autofree char *next_anchor = g_strdup_printf ("{\"number\": %d,", n + 1);
      g_autofree char *old_next = json_string (schedule->out, next_anchor, "start");

      g_assert_nonnull (old_next);
      g_date_clear (&d, 1);
      g_date_set_dmy (&d, atoi (first_planned + 8), atoi (first_planned + 5), atoi (first_planned));
      g_date_add_days (&d, 7);
      g_snprintf (to, sizeof to, "%04d-%02d-%02d", g_date_get_year (&d), g_date_get_month (&d),
                  g_date_get_day (&d));
      g_date_clear (&next, 1);
      g_date_set_dmy (&next, atoi (old_next + 8), atoi (old_next + 5), atoi (old_next));
      g_date_add_days (&next, 7);
      g_snprintf (expected_next, sizeof expected_next, "%04d-%02d-%02d", g_date_get_year (&next),
                  g_date_get_month (&next), g_date_get_day (&next));

      delay = cli_run (db, "delay", key, "--cycle", cycle, "--to", to, "--reason",
                       "ANC 0.9", "--json", NULL);
      g_assert_cmpint (delay->status, ==, 0);
      g_assert_cmpfloat (json_number (delay->out, NULL, "delay_days"), ==, 7);
      cli_assert_json (delay->out, "{\"deviation\": true}");

      after = cli_run (db, "schedule", key, "--json", NULL);
      g_assert_cmpint (after->status, ==, 0);
      {
        g_autofree char *new_next = json_string (after->out, next_anchor, "start");
        g_autofree char *this_anchor = g_strdup_printf ("{\"number\": %d,", n);
        g_autofree char *status = json_string (after->out, this_anchor, "status");

        g_assert_cmpstr (new_next, ==, expected_next);
        g_assert_cmpstr (status, ==, "delayed");
      }

      /* A dose on a day that has not come yet is refused (a dose above the calculated one needing
       * a reason and being flagged is checked in test_enrol_give_delay, on a past date) */
      {
        g_autofree char *ici = json_string (after->out, NULL, "ici");
        GDate today;

        g_date_clear (&today, 1);
        g_date_set_time_t (&today, time (NULL));
        if (g_date_compare (&d, &today) > 0)
          {
            give_bad = cli_run (db, "give", key, ici, "--date", to, "--dose", "99999",
                                "--reason", "test overdose entry", NULL);
            g_assert_cmpint (give_bad->status, ==, 1);
            cli_assert_contains (give_bad->err, "after today");
          }
      }
    }
  }
}

static void
test_enrol_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(CliResult) init = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) add = NULL;
  g_autoptr(CliResult) enrol = NULL;
  g_autoptr(CliResult) sched = NULL;

  g_assert_cmpint (init->status, ==, 0);
  add = cli_run (f->db, "patient", "add", "--screening-id", "S-0201", "--sex", "male",
                 "--birth-date", "1960-01-15", "--screening-date", "2026-11-02", NULL);
  g_assert_cmpint (add->status, ==, 0);

  /* nothing recorded: not eligible */
  enrol = cli_run (f->db, "enrol", "S-0201", "--c1d1", "2026-11-16", NULL);
  g_assert_cmpint (enrol->status, ==, 1);
  cli_assert_contains (enrol->err, "not eligible");

  /* and no calendar */
  sched = cli_run (f->db, "schedule", "S-0201", "--json", NULL);
  g_assert_cmpint (sched->status, ==, 1);
  cli_assert_contains (sched->err, "enrol");
}

/* A screened, eligible patient built through the CLI, as a coordinator would. */
static void
make_eligible_patient (const char *db)
{
  static const char *labs[][4] = {
    { "anc", "3.2", "10^9/L", NULL }, { "plt", "210", "10^9/L", NULL },
    { "hgb", "128", "g/L", NULL }, { "ast", "25", "U/L", "40" }, { "alt", "22", "U/L", "40" },
    { "tbil", "12", "umol/L", "21" }, { "creatinine", "70", "umol/L", "90" },
    { "inr", "1.0", "ratio", "1.2" }, { "aptt", "30", "s", "40" },
  };
  g_autoptr(CliResult) init = cli_run (db, "init", NULL);
  g_autoptr(CliResult) add = NULL;
  g_autoptr(CliResult) show = NULL;
  g_autoptr(CliResult) screen = NULL;
  const char *sets[][2] = {
    { "ecog", "1" }, { "height_cm", "162" },
    { "liver_metastases", "no" }, { "liver_infiltration", "no" },
    { "childbearing_potential", "no" },
  };
  g_autoptr(CliResult) weight = NULL;

  g_assert_cmpint (init->status, ==, 0);
  add = cli_run (db, "patient", "add", "--screening-id", "S-0301", "--sex", "female",
                 "--birth-date", "1962-03-04", "--screening-date", "2026-11-02", NULL);
  g_assert_cmpint (add->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      g_autoptr(CliResult) r = cli_run (db, "patient", "set", "S-0301", sets[i][0], sets[i][1], NULL);
      g_assert_cmpint (r->status, ==, 0);
    }
  /* weighed at screening: enrolment's dose weight is the weight measured on or before C1D1 */
  weight = cli_run (db, "patient", "set", "S-0301", "weight_kg", "60", "--measured-on", "2026-11-02",
                    NULL);
  g_assert_cmpint (weight->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (labs); i++)
    {
      g_autoptr(CliResult) r = NULL;

      if (labs[i][3] != NULL)
        r = cli_run (db, "lab", "add", "S-0301", labs[i][0], labs[i][1], "--unit", labs[i][2],
                     "--date", "2026-11-02", "--uln", labs[i][3], NULL);
      else
        r = cli_run (db, "lab", "add", "S-0301", labs[i][0], labs[i][1], "--unit", labs[i][2],
                     "--date", "2026-11-02", NULL);
      g_assert_cmpint (r->status, ==, 0);
    }

  /* attest every criterion the protocol lists */
  show = cli_run (db, "protocol", "show", "--json", NULL);
  g_assert_cmpint (show->status, ==, 0);
  {
    g_autoptr(JsonNode) criteria = cli_json_member (show->out, "criteria");
    JsonArray *array;

    g_assert_true (criteria != NULL && JSON_NODE_HOLDS_ARRAY (criteria));
    array = json_node_get_array (criteria);
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        const char *id = json_object_get_string_member (json_array_get_object_element (array, i), "id");
        g_autoptr(CliResult) r = NULL;

        if (!g_str_has_prefix (id, "inc-") && !g_str_has_prefix (id, "exc-"))
          break;
        r = cli_run (db, "attest", "S-0301", id, "met", "--note", "checked", NULL);
        g_assert_cmpint (r->status, ==, 0);
      }
  }

  screen = cli_run (db, "screen", "S-0301", "--json", NULL);
  g_assert_cmpint (screen->status, ==, 0);
  cli_assert_json (screen->out, "{\"verdict\": \"eligible\"}");
}

/* Issue 8: `enrol ID --platinum carboplatin|cisplatin` (default: the protocol's platinum-default);
 * cisplatin needs a Cockcroft-Gault CrCl of at least 60 mL/min on C1D1; the chosen platinum is
 * in `enrol --json`, `patient show`, the doses and the calendar. */
static void
test_enrol_platinum (Fixture *f, gconstpointer data)
{
  g_autoptr(CliResult) unknown = NULL;
  g_autoptr(CliResult) low_lab = NULL;
  g_autoptr(CliResult) low = NULL;
  g_autoptr(CliResult) lab = NULL;
  g_autoptr(CliResult) enrol = NULL;
  g_autoptr(CliResult) show = NULL;
  g_autoptr(CliResult) set = NULL;
  g_autoptr(CliResult) dose = NULL;
  g_autoptr(CliResult) ics = NULL;
  g_autoptr(CliResult) protocol = NULL;
  g_autofree char *ics_path = g_build_filename (f->dir, "cisplatin.ics", NULL);
  g_autofree char *ics_text = NULL;
  double bsa = mosteller (162, 60);

  make_eligible_patient (f->db);

  protocol = cli_run (f->db, "protocol", "show", "--json", NULL);
  g_assert_cmpint (protocol->status, ==, 0);
  cli_assert_json (protocol->out, "{\"default_platinum\": \"carboplatin\"}");
  g_assert_cmpfloat (json_number (protocol->out, "\"id\": \"cisplatin\"", "crcl_min_ml_min"), ==, 60);

  unknown = cli_run (f->db, "enrol", "S-0301", "--c1d1", "2026-11-10", "--platinum", "oxaliplatin", NULL);
  g_assert_cmpint (unknown->status, ==, 1);
  cli_assert_contains (unknown->err, "carboplatin, cisplatin");

  /* creatinine 90 µmol/L: CrCl (140 − 64) × 60 / (72 × 90 / 88.42) × 0.85 = 52.9 mL/min */
  low_lab = cli_run (f->db, "lab", "add", "S-0301", "creatinine", "90", "--unit", "umol/L",
                     "--date", "2026-11-03", "--uln", "90", NULL);
  g_assert_cmpint (low_lab->status, ==, 0);
  low = cli_run (f->db, "enrol", "S-0301", "--c1d1", "2026-11-10", "--platinum", "cisplatin", NULL);
  g_assert_cmpint (low->status, ==, 1);
  cli_assert_contains (low->err, "Cockcroft-Gault CrCl 52.9 mL/min < 60 mL/min");

  lab = cli_run (f->db, "lab", "add", "S-0301", "creatinine", "70", "--unit", "umol/L",
                 "--date", "2026-11-04", "--uln", "90", NULL);
  g_assert_cmpint (lab->status, ==, 0);
  enrol = cli_run (f->db, "enrol", "S-0301", "--c1d1", "2026-11-10", "--platinum", "cisplatin",
                   "--json", NULL);
  g_assert_cmpint (enrol->status, ==, 0);
  cli_assert_json (enrol->out, "{\"platinum\": \"cisplatin\"}");
  cli_assert_json (enrol->out, "{\"verdict\": \"eligible\"}");

  show = cli_run (f->db, "patient", "show", "S-0301", NULL);
  g_assert_cmpint (show->status, ==, 0);
  cli_assert_json (show->out, "{\"platinum\": \"cisplatin\"}");
  set = cli_run (f->db, "patient", "set", "S-0301", "platinum", "carboplatin", NULL);
  g_assert_cmpint (set->status, ==, 1);
  cli_assert_contains (set->err, "enrol");

  /* cisplatin 75 mg/m² on day 1, no carboplatin */
  dose = cli_run (f->db, "dose", "S-0301", "--json", NULL);
  g_assert_cmpint (dose->status, ==, 0);
  g_assert_cmpfloat_with_epsilon (json_number (dose->out, "\"drug\": \"cisplatin\"", "dose_unrounded"),
                                  75 * bsa, 1e-9);
  g_assert_null (strstr (dose->out, "\"drug\": \"carboplatin\""));
  cli_assert_json (dose->out, "{\"platinum\": \"cisplatin\"}");
  {
    g_autoptr(CliResult) schedule = cli_run (f->db, "schedule", "S-0301", "--json", NULL);

    g_assert_cmpint (schedule->status, ==, 0);
    cli_assert_json (schedule->out, "{\"platinum\": \"cisplatin\"}");
    cli_assert_json (schedule->out, "{\"drug\": \"cisplatin\"}");
    g_assert_null (strstr (schedule->out, "\"drug\": \"carboplatin\""));
  }

  ics = cli_run (f->db, "schedule", "S-0301", "--ics", ics_path, NULL);
  g_assert_cmpint (ics->status, ==, 0);
  g_assert_true (g_file_get_contents (ics_path, &ics_text, NULL, NULL));
  cli_assert_contains (ics_text, "Cisplatin");
  g_assert_null (strstr (ics_text, "Carboplatin"));
}

static void
test_enrol_give_delay (Fixture *f, gconstpointer data)
{
  g_autoptr(CliResult) early = NULL;
  g_autoptr(CliResult) lapsed = NULL;
  g_autoptr(CliResult) bad_ici = NULL;
  g_autoptr(CliResult) assign = NULL;
  g_autoptr(CliResult) enrol = NULL;
  g_autoptr(CliResult) again = NULL;
  g_autoptr(CliResult) dose = NULL;
  g_autoptr(CliResult) schedule = NULL;
  g_autoptr(CliResult) give = NULL;
  g_autoptr(CliResult) give_low = NULL;
  g_autoptr(CliResult) give_low_reason = NULL;
  g_autoptr(CliResult) give_foreign = NULL;
  g_autoptr(CliResult) delay_before = NULL;
  g_autoptr(CliResult) delay = NULL;
  g_autoptr(CliResult) long_delay = NULL;
  g_autoptr(CliResult) after = NULL;
  g_autoptr(CliResult) verify = NULL;
  g_autofree char *subject = NULL;
  double bsa = mosteller (162, 60);
  double crcl = cockcroft_gault (64, TRUE, 60, 70);   /* 64 years on 2026-11-10 */
  const char *carbo = "\"drug\": \"carboplatin\"";
  char carbo_dose[32];

  make_eligible_patient (f->db);

  /* C1D1 before screening, or after the labs lapse (14 days): refused */
  early = cli_run (f->db, "enrol", "S-0301", "--c1d1", "2026-10-20", NULL);
  g_assert_cmpint (early->status, ==, 1);
  cli_assert_contains (early->err, "screening date");
  lapsed = cli_run (f->db, "enrol", "S-0301", "--c1d1", "2026-11-20", NULL);
  g_assert_cmpint (lapsed->status, ==, 1);
  cli_assert_contains (lapsed->err, "not eligible");
  bad_ici = cli_run (f->db, "enrol", "S-0301", "--c1d1", "2026-11-10", "--ici", "nivolumab", NULL);
  g_assert_cmpint (bad_ici->status, ==, 1);
  cli_assert_contains (bad_ici->err, "durvalumab");

  assign = cli_run (f->db, "assign", "S-0301", "--confirm", "anlotinib", "--reason", "VIM high", NULL);
  g_assert_cmpint (assign->status, ==, 0);

  enrol = cli_run (f->db, "enrol", "S-0301", "--c1d1", "2026-11-10", "--ici", "durvalumab", "--json", NULL);
  g_assert_cmpint (enrol->status, ==, 0);
  subject = json_string (enrol->out, NULL, "subject_number");
  g_assert_nonnull (subject);
  cli_assert_json (enrol->out, "{\"c1d1\": \"2026-11-10\"}");
  cli_assert_json (enrol->out, "{\"c2d1\": \"2026-12-01\"}");
  g_assert_cmpfloat (json_number (enrol->out, NULL, "dose_weight_kg"), ==, 60);
  again = cli_run (f->db, "enrol", subject, "--c1d1", "2026-11-12", NULL);
  g_assert_cmpint (again->status, ==, 1);
  cli_assert_contains (again->err, "already enrolled");

  /* doses from the stored data, found by subject number */
  dose = cli_run (f->db, "dose", subject, "--json", NULL);
  g_assert_cmpint (dose->status, ==, 0);
  g_assert_cmpfloat_with_epsilon (json_number (dose->out, NULL, "bsa_m2"), bsa, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (dose->out, NULL, "crcl_ml_min"), crcl, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_number (dose->out, carbo, "dose_unrounded"), 5 * (crcl + 25), 1e-9);
  g_assert_cmpfloat (json_number (dose->out, "\"drug\": \"durvalumab\"", "dose"), ==, 1500);
  g_assert_cmpfloat (json_number (dose->out, "\"drug\": \"anlotinib\"", "dose"), ==, 12);
  {
    g_autofree char *working = json_string (dose->out, carbo, "working");
    cli_assert_contains (working, "2026-11-02");   /* the creatinine's date */
  }
  g_snprintf (carbo_dose, sizeof carbo_dose, "%g", json_number (dose->out, carbo, "dose"));

  /* the calendar: induction q21d, maintenance q28d with durvalumab */
  schedule = cli_run (f->db, "schedule", subject, "--json", NULL);
  g_assert_cmpint (schedule->status, ==, 0);
  g_assert_cmpfloat (json_number (schedule->out, NULL, "maintenance_cycle_days"), ==, 28);
  {
    g_autofree char *c5 = json_string (schedule->out, "{\"number\": 5,", "start");
    g_autofree char *c6 = json_string (schedule->out, "{\"number\": 6,", "start");

    g_assert_cmpstr (c5, ==, "2027-02-02");   /* 2026-11-10 + 4 x 21 */
    g_assert_cmpstr (c6, ==, "2027-03-02");   /* + 28, across February */
  }

  /* the calculated carboplatin dose: recorded, starts cycle 1 */
  give = cli_run (f->db, "give", subject, "carboplatin", "--date", "2026-11-10", "--dose", carbo_dose,
                  "--json", NULL);
  g_assert_cmpint (give->status, ==, 0);
  cli_assert_json (give->out, "{\"flagged\": false}");
  cli_assert_json (give->out, "{\"cycle\": 1}");
  cli_assert_json (give->out, "{\"cycle_started\": true}");

  /* 20 % low: needs a reason, then flagged */
  give_low = cli_run (f->db, "give", subject, "etoposide", "--date", "2026-11-10", "--dose", "130", NULL);
  g_assert_cmpint (give_low->status, ==, 1);
  cli_assert_contains (give_low->err, "--reason");
  give_low_reason = cli_run (f->db, "give", subject, "etoposide", "--date", "2026-11-10",
                             "--dose", "130", "--reason", "mucositis", "--json", NULL);
  g_assert_cmpint (give_low_reason->status, ==, 0);
  cli_assert_json (give_low_reason->out, "{\"flagged\": true}");

  /* a drug of another arm */
  give_foreign = cli_run (f->db, "give", subject, "selinexor", "--date", "2026-11-10", "--dose", "60", NULL);
  g_assert_cmpint (give_foreign->status, ==, 1);

  /* cycle 2 cannot start on or before cycle 1's day 1 */
  delay_before = cli_run (f->db, "delay", subject, "--cycle", "2", "--to", "2026-11-10",
                          "--reason", "typo", NULL);
  g_assert_cmpint (delay_before->status, ==, 1);
  cli_assert_contains (delay_before->err, "previous");

  /* a week's delay of cycle 2 (year end) moves cycle 3 a week */
  delay = cli_run (f->db, "delay", subject, "--cycle", "2", "--to", "2026-12-08", "--reason",
                   "PLT 82", "--json", NULL);
  g_assert_cmpint (delay->status, ==, 0);
  g_assert_cmpfloat (json_number (delay->out, NULL, "delay_days"), ==, 7);
  cli_assert_json (delay->out, "{\"discontinuation_proposed\": false}");
  after = cli_run (f->db, "schedule", subject, "--json", NULL);
  {
    g_autofree char *c3 = json_string (after->out, "{\"number\": 3,", "start");
    g_autofree char *c2status = json_string (after->out, "{\"number\": 2,", "status");

    g_assert_cmpstr (c3, ==, "2026-12-29");
    g_assert_cmpstr (c2status, ==, "delayed");
  }

  /* more than 42 days: discontinuation proposed */
  long_delay = cli_run (f->db, "delay", subject, "--cycle", "2", "--to", "2027-01-14", "--reason",
                        "PLT still low", "--json", NULL);
  g_assert_cmpint (long_delay->status, ==, 0);
  cli_assert_json (long_delay->out, "{\"discontinuation_proposed\": true}");

  verify = cli_run (f->db, "audit", "verify", NULL);
  g_assert_cmpint (verify->status, ==, 0);
}

/* Every checkpoint inhibitor at its listed dose, by `dose ... --ici DRUG --json`.  Regression:
 * serplulimab was rounded to 10 mg, so 4.5 mg/kg x 70 kg = 315 mg came out as 320 mg; it is now
 * rounded to 5 mg like carboplatin and a weight-based dose of a round weight stays exact. */
static void
test_dose_each_ici (Fixture *f, gconstpointer data)
{
  g_autofree char *missing_db = g_build_filename (f->dir, "none.db", NULL);
  static const struct {
    const char *ici;
    const char *weight;
    double      dose;
    double      unrounded;
  } cases[] = {
    { "tislelizumab",  "70", 200,  200 },
    { "atezolizumab",  "70", 1200, 1200 },
    { "durvalumab",    "70", 1500, 1500 },
    { "benmelstobart", "70", 1200, 1200 },
    { "toripalimab",   "70", 240,  240 },
    { "serplulimab",   "70", 315,  315 },
    { "serplulimab",   "60", 270,  270 },
    { "serplulimab",   "63", 285,  283.5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) r = cli_run (missing_db, "dose", "--height-cm", "170", "--weight-kg",
                                        cases[i].weight, "--age", "60", "--sex", "male",
                                        "--creatinine-umol-l", "80", "--arm", "control",
                                        "--ici", cases[i].ici, "--json", NULL);
      g_autofree char *from = g_strdup_printf ("\"drug\": \"%s\"", cases[i].ici);

      g_test_message ("%s %s kg", cases[i].ici, cases[i].weight);
      g_assert_cmpint (r->status, ==, 0);
      g_assert_cmpfloat_with_epsilon (json_number (r->out, from, "dose"), cases[i].dose, 1e-9);
      g_assert_cmpfloat_with_epsilon (json_number (r->out, from, "dose_unrounded"), cases[i].unrounded, 1e-9);
      cli_assert_json (r->out, "{\"unit\": \"mg\"}");
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/cli/dose/standalone", test_dose_standalone);
  ADD ("/cli/dose/published-example", test_dose_published_example);
  ADD ("/cli/dose/gfr-cap-and-women", test_dose_gfr_cap_and_women);
  ADD ("/cli/dose/maintenance", test_dose_maintenance);
  ADD ("/cli/dose/each-ici", test_dose_each_ici);
  ADD ("/cli/dose/bad-input", test_dose_bad_input);
  ADD ("/cli/schedule/delay-give", test_patient_schedule_delay_give);
  ADD ("/cli/enrol/refused", test_enrol_refused);
  ADD ("/cli/enrol/give-delay", test_enrol_give_delay);
  ADD ("/cli/enrol/platinum", test_enrol_platinum);
#undef ADD

  return g_test_run ();
}
