/* test-cli-screening.c — the parasol-cli contract for protocol, lab, attest, biomarker, screen, assign
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cli-helpers.h"

static void
ok (CliResult *r)
{
  if (r->status != 0)
    g_error ("parasol-cli failed (%d):\n%s\n%s", r->status, r->out, r->err);
}

/* A scratch folder with a freshly initialised trial database. */
static void
set_up (Fixture       *f,
        gconstpointer  data)
{
  g_autoptr(CliResult) r = NULL;

  fixture_set_up (f, data);
  r = cli_run (f->db, "init", NULL);
  ok (r);
}

static void
run_ok (Fixture    *f,
        const char *first,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(CliResult) r = NULL;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  r = cli_runv (f->db, (const char *const *) args->pdata);
  ok (r);
}

/* The "id"s of the criteria whose "evaluation" is "attested", from protocol show --json. */
static GPtrArray *
attested_ids (Fixture *f)
{
  g_autoptr(CliResult) r = cli_run (f->db, "protocol", "show", "--json", NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) re = g_regex_new ("\"id\": \"((?:inc|exc)-[0-9]+)\", \"kind\": \"[a-z]+\", "
                                      "\"evaluation\": \"attested\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;

  ok (r);
  g_regex_match (re, r->out, 0, &m);
  while (g_match_info_matches (m))
    {
      g_ptr_array_add (ids, g_match_info_fetch (m, 1));
      g_match_info_next (m, NULL);
    }
  return ids;
}

/* A patient meeting every criterion on 2025-03-10 (labs that day). */
static void
make_eligible (Fixture    *f,
               const char *id,
               const char *birth_date)
{
  g_autoptr(GPtrArray) ids = attested_ids (f);

  run_ok (f, "patient", "add", "--screening-id", id, "--sex", "male", "--birth-date", birth_date,
          "--screening-date", "2025-03-10", NULL);
  run_ok (f, "patient", "set", id, "ecog", "1", NULL);
  run_ok (f, "patient", "set", id, "weight_kg", "70", NULL);
  run_ok (f, "patient", "set", id, "liver_metastases", "no", NULL);
  run_ok (f, "lab", "add", id, "anc", "2.0", "--unit", "10^9/L", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "plt", "180", "--unit", "x10^9/L", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "hgb", "12.5", "--unit", "g/dL", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "ast", "30", "--unit", "U/L", "--uln", "40", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "alt", "30", "--unit", "U/L", "--uln", "40", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "tbil", "12", "--unit", "umol/L", "--uln", "21", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "creatinine", "0.9", "--unit", "mg/dL", "--uln", "1.2", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "inr", "1.0", "--unit", "ratio", "--uln", "1.2", "--date", "2025-03-10", NULL);
  run_ok (f, "lab", "add", id, "aptt", "30", "--unit", "s", "--uln", "40", "--date", "2025-03-10", NULL);
  g_assert_cmpuint (ids->len, ==, 23);
  for (guint i = 0; i < ids->len; i++)
    run_ok (f, "attest", id, g_ptr_array_index (ids, i), "met", NULL);
  /* The ten transfusion-free days before the blood count (inc-06) are data since issue 8 */
  run_ok (f, "attest", id, "inc-06", "met", "--note", "no transfusion", NULL);
}

/* Issue 8: a 30-year-old woman is not eligible without her pregnancy test; the test is recorded
 * with `lab add ID hcg negative`, her potential with `patient set`, transfusions with `patient
 * set ID last_transfusion DATE` or the attestation of inc-06. */
static void
test_screen_pregnancy_and_transfusion (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(CliResult) before = NULL;
  g_autoptr(CliResult) unknown = NULL;
  g_autoptr(CliResult) after = NULL;
  g_autoptr(CliResult) transfused = NULL;
  g_autoptr(CliResult) word = NULL;

  make_eligible (f, "S-080", "1995-01-01");
  run_ok (f, "patient", "set", "S-080", "sex", "female", "--reason", "typing error", NULL);
  unknown = cli_run (f->db, "screen", "S-080", "--json", "--date", "2025-03-10", NULL);
  ok (unknown);
  cli_assert_contains (unknown->out, "\"verdict\": \"incomplete\"");
  cli_assert_contains (unknown->out, "Childbearing potential not recorded");

  run_ok (f, "patient", "set", "S-080", "childbearing_potential", "yes", NULL);
  before = cli_run (f->db, "screen", "S-080", "--json", "--date", "2025-03-10", NULL);
  ok (before);
  cli_assert_contains (before->out, "\"verdict\": \"incomplete\"");
  cli_assert_contains (before->out, "Pregnancy test not recorded");

  word = cli_run (f->db, "lab", "add", "S-080", "hcg", "unclear", "--date", "2025-03-08", NULL);
  g_assert_cmpint (word->status, ==, 2);
  cli_assert_contains (word->err, "negative or positive");
  run_ok (f, "lab", "add", "S-080", "hcg", "negative", "--date", "2025-03-08", NULL);
  after = cli_run (f->db, "screen", "S-080", "--json", "--date", "2025-03-10", NULL);
  ok (after);
  cli_assert_contains (after->out, "\"verdict\": \"eligible\"");

  /* A transfusion 5 days before the blood count: not eligible, whatever was attested */
  run_ok (f, "patient", "set", "S-080", "last_transfusion", "2025-03-05", NULL);
  transfused = cli_run (f->db, "screen", "S-080", "--json", "--date", "2025-03-10", NULL);
  ok (transfused);
  cli_assert_contains (transfused->out, "\"verdict\": \"not_eligible\"");
  cli_assert_contains (transfused->out, "Transfusion on 2025-03-05");
}

static void
test_protocol_show (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CliResult) r = cli_run (f->db, "protocol", "show", "--json", NULL);
  const char *labs[] = { "anc", "plt", "hgb", "ast", "alt", "tbil", "creatinine", "inr", "aptt" };
  const char *markers[] = { "ascl1", "neurod1", "dll3", "myc", "vim", "axl" };
  guint n_inc = 0, n_exc = 0;

  ok (r);
  n_inc = cli_json_count (r->out, "{\"kind\": \"inclusion\"}");
  n_exc = cli_json_count (r->out, "{\"kind\": \"exclusion\"}");
  g_assert_cmpuint (n_inc, ==, 8);
  g_assert_cmpuint (n_exc, ==, 19);
  cli_assert_json (r->out, "{\"evaluation\": \"computed\"}");
  cli_assert_json (r->out, "{\"evaluation\": \"attested\"}");
  for (guint i = 0; i < G_N_ELEMENTS (labs); i++)
    {
      g_autofree char *needle = g_strdup_printf ("{\"id\": \"%s\"}", labs[i]);
      g_autoptr(JsonNode) root = cli_json_parse (r->out);
      g_autoptr(JsonNode) want = cli_json_parse (needle);
      JsonNode *found = cli_json_find_object (root, json_node_get_object (want));

      g_assert_nonnull (found);
      g_assert_true (json_object_has_member (json_node_get_object (found), "name"));
    }
  cli_assert_json (r->out, "{\"id\": \"creatinine\", \"name\": \"Creatinine\", \"long_name\": \"Serum creatinine\", \"unit\": \"umol/L\"}");
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      g_autofree char *needle = g_strdup_printf ("{\"id\": \"%s\"}", markers[i]);
      g_autoptr(JsonNode) root = cli_json_parse (r->out);
      g_autoptr(JsonNode) want = cli_json_parse (needle);
      JsonNode *found = cli_json_find_object (root, json_node_get_object (want));

      g_assert_nonnull (found);
      g_assert_true (json_object_has_member (json_node_get_object (found), "name"));
    }
  cli_assert_json (r->out, "{\"id\": \"dll3\", \"name\": \"DLL3 arm\"}");
  cli_assert_json (r->out, "{\"id\": \"control\", \"name\": \"Control arm\"}");

  /* Without a database: the built-in protocol */
  {
    g_autofree char *none = g_build_filename (f->dir, "none.db", NULL);
    g_autoptr(CliResult) r2 = cli_run (none, "protocol", "show", "--json", NULL);

    ok (r2);
    cli_assert_json (r2->out, "{\"id\": \"BUTTONS-001\"}");
    g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  }
}

static void
test_protocol_validate (Fixture       *f,
                        gconstpointer  data)
{
  const char *bad[] = { "malformed.xml", "bad-kind.xml", "threshold-without-unit.xml",
                        "unreachable-arm.xml", "xxe.xml", "billion-laughs.xml", "unknown-lab.xml" };
  g_autofree char *good = g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT"), "data", "protocols",
                                            "buttons-001.xml", NULL);
  g_autoptr(CliResult) r = cli_run (NULL, "protocol", "validate", good, NULL);

  ok (r);
  cli_assert_contains (r->out, "valid");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT"), "tests", "data",
                                                "protocols", bad[i], NULL);
      g_autoptr(CliResult) b = cli_run (NULL, "protocol", "validate", path, NULL);
      g_autoptr(GRegex) re = g_regex_new ("^.+\\.xml:[0-9]+: .+", G_REGEX_MULTILINE, 0, NULL);

      g_test_message ("%s", bad[i]);
      g_assert_cmpint (b->status, ==, 1);
      if (!g_regex_match (re, b->err, 0, NULL))
        g_error ("%s: no FILE:LINE: reason in:\n%s", bad[i], b->err);
    }
}

static void
test_screen_eligible (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CliResult) r = NULL;
  guint n = 0;

  make_eligible (f, "S-001", "1960-06-01");
  r = cli_run (f->db, "screen", "S-001", "--json", NULL);
  ok (r);
  cli_assert_json (r->out, "{\"verdict\": \"eligible\"}");
  cli_assert_json (r->out, "{\"lapses_on\": \"2025-03-24\"}");
  cli_assert_json (r->out, "{\"protocol_version\": \"1.0\"}");
  n = cli_json_count (r->out, "{\"status\": \"met\"}");
  g_assert_cmpuint (n, ==, 27);
}

typedef struct {
  const char *name;
  const char *birth_date;
  const char *verdict;
} AgeCase;

static const AgeCase age_cases[] = {
  { "18 on the screening date", "2007-03-10", "eligible" },
  { "17, 18 the next day",      "2007-03-11", "not_eligible" },
  { "75, 76 the next day",      "1949-03-11", "eligible" },
  { "76 on the screening date", "1949-03-10", "not_eligible" },
};

static void
test_screen_age (Fixture       *f,
                 gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (age_cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("AGE-%u", i);
      g_autofree char *expected = g_strdup_printf ("\"verdict\": \"%s\"", age_cases[i].verdict);
      g_autoptr(CliResult) r = NULL;

      g_test_message ("%s", age_cases[i].name);
      make_eligible (f, id, age_cases[i].birth_date);
      r = cli_run (f->db, "screen", id, "--json", NULL);
      ok (r);
      cli_assert_contains (r->out, expected);
    }
}

static void
test_screen_reasons (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CliResult) r = NULL;

  make_eligible (f, "S-002", "1960-06-01");
  /* A newer ANC of 1.2 */
  run_ok (f, "lab", "add", "S-002", "anc", "1200", "--unit", "/mm3", "--date", "2025-03-11", NULL);
  r = cli_run (f->db, "screen", "S-002", "--json", NULL);
  ok (r);
  cli_assert_json (r->out, "{\"verdict\": \"not_eligible\"}");
  {
    g_autoptr(JsonNode) root = cli_json_parse (r->out);
    g_autoptr(JsonNode) want = cli_json_parse ("{\"status\": \"not_met\"}");
    JsonNode *not_met = cli_json_find_object (root, json_node_get_object (want));

    g_assert_nonnull (not_met);
    g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (not_met), "reason"),
                                     "ANC 1.2 × 10^9/L < 1.5 × 10^9/L"));
  }
  cli_assert_json (r->out, "{\"not_met\": [\"inc-06\"]}");

  /* Fifteen days after the samples: expired, incomplete */
  {
    g_autoptr(CliResult) r2 = NULL;

    make_eligible (f, "S-003", "1960-06-01");
    r2 = cli_run (f->db, "screen", "S-003", "--date", "2025-03-25", "--json", NULL);
    ok (r2);
    cli_assert_json (r2->out, "{\"verdict\": \"incomplete\"}");
    cli_assert_json (r2->out, "{\"status\": \"expired\"}");
  }
  {
    g_autoptr(CliResult) r3 = cli_run (f->db, "screen", "S-003", "--date", "2025-03-24", "--json", NULL);
    ok (r3);
    cli_assert_json (r3->out, "{\"verdict\": \"eligible\"}");
  }
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CliResult) typo = NULL;
  g_autoptr(CliResult) unit = NULL;
  g_autoptr(CliResult) show = NULL;

  run_ok (f, "patient", "add", "--screening-id", "S-010", "--sex", "female", "--birth-date", "1970-01-01",
          "--screening-date", "2025-03-10", NULL);
  typo = cli_run (f->db, "lab", "add", "S-010", "anc", "150", "--unit", "10^9/L", "--date", "2025-03-10", NULL);
  g_assert_cmpint (typo->status, ==, 1);
  cli_assert_contains (typo->err, "outside the plausible range 0–100 10^9/L");
  unit = cli_run (f->db, "lab", "add", "S-010", "creatinine", "80", "--unit", "mmol", "--date", "2025-03-10", NULL);
  g_assert_cmpint (unit->status, ==, 1);
  cli_assert_contains (unit->err, "accepted: umol/L, mg/dL");
  show = cli_run (f->db, "patient", "show", "S-010", "--json", NULL);
  ok (show);
  cli_assert_json (show->out, "{\"labs\": []}");
}

static void
test_lab_import (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *good = g_build_filename (f->dir, "lis.csv", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);
  const char *good_csv =
    "\xEF\xBB\xBF" "Screening ID,Test Code,Result,Unit,Reference Range,Collection Date,Flag\r\n"
    "S-020,NEUT#,2.1,10*9/L,1.8-6.3,2025-03-10 08:30,\r\n"
    "S-020,PLT,210,10^9/L,125-350,2025-03-10,\r\n"
    "S-020,NA,140,mmol/L,135-145,2025-03-10,\r\n"
    "S-020,\"CREA\",75,µmol/L,45-84,2025-03-10,\r\n"
    "S-020,AST,30,U/L,\"<40\",2025-03-10,\r\n";
  const char *bad_csv =
    "patient;test;value;unit;uln;date\n"
    "S-020;ALT;25;U/L;40;2025-03-10\n"
    "S-020;HGB;1,2;g/L;;2025-03-10\n";
  g_autoptr(CliResult) r = NULL;
  g_autoptr(CliResult) again = NULL;
  g_autoptr(CliResult) rejected = NULL;
  g_autoptr(CliResult) show = NULL;

  run_ok (f, "patient", "add", "--screening-id", "S-020", "--sex", "female", "--birth-date", "1970-01-01",
          "--screening-date", "2025-03-10", NULL);
  g_assert_true (g_file_set_contents (good, good_csv, -1, NULL));
  g_assert_true (g_file_set_contents (bad, bad_csv, -1, NULL));

  r = cli_run (f->db, "lab", "import", good, "--json", NULL);
  ok (r);
  cli_assert_json (r->out, "{\"imported\": 4}");
  cli_assert_json (r->out, "{\"unknown_tests\": [\"NA\"]}");
  /* Issue 8: each result says whether it is flagged for a look, and why */
  {
    g_autoptr(JsonNode) flag = cli_json_member (r->out, "flag");
    g_autoptr(JsonNode) flagged = cli_json_member (r->out, "flagged");

    g_assert_nonnull (flag);
    g_assert_nonnull (flagged);
  }
  again = cli_run (f->db, "lab", "import", good, "--json", NULL);
  ok (again);
  cli_assert_json (again->out, "{\"imported\": 0}");
  cli_assert_json (again->out, "{\"duplicates\": 4}");

  /* HGB 1.2 g/L is implausible: line 3, and ALT on line 2 is not written either */
  rejected = cli_run (f->db, "lab", "import", bad, NULL);
  g_assert_cmpint (rejected->status, ==, 1);
  cli_assert_contains (rejected->err, "bad.csv:3:");
  show = cli_run (f->db, "patient", "show", "S-020", "--json", NULL);
  ok (show);
  cli_assert_no_json (show->out, "{\"lab\": \"alt\"}");
  cli_assert_json (show->out, "{\"lab\": \"creatinine\", \"value\": 75}");
}

static void
test_assign (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CliResult) pending = NULL;
  g_autoptr(CliResult) proposal = NULL;
  g_autoptr(CliResult) no_reason = NULL;
  g_autoptr(CliResult) confirmed = NULL;
  g_autoptr(CliResult) conflict = NULL;
  g_autoptr(CliResult) show = NULL;

  make_eligible (f, "S-030", "1960-06-01");
  run_ok (f, "biomarker", "add", "S-030", "dll3", "--percent", "62", NULL);
  run_ok (f, "biomarker", "add", "S-030", "ascl1", "--percent", "35", NULL);
  run_ok (f, "biomarker", "add", "S-030", "neurod1", "--percent", "2", NULL);
  run_ok (f, "biomarker", "add", "S-030", "myc", "--pending", NULL);
  run_ok (f, "biomarker", "add", "S-030", "vim", "--hscore", "40", NULL);
  run_ok (f, "biomarker", "add", "S-030", "axl", "--intensity", "10,10,10", NULL);

  pending = cli_run (f->db, "assign", "S-030", "--json", NULL);
  ok (pending);
  cli_assert_json (pending->out, "{\"proposed\": []}");
  cli_assert_json (pending->out, "{\"pending\": [\"myc\"]}");

  run_ok (f, "biomarker", "add", "S-030", "myc", "--percent", "3", NULL);
  proposal = cli_run (f->db, "assign", "S-030", "--json", NULL);
  ok (proposal);
  cli_assert_json (proposal->out, "{\"proposed\": [\"dll3\"]}");
  cli_assert_json (proposal->out, "{\"conflict\": false}");
  cli_assert_contains (proposal->out, "DLL3 62 % of tumour cells >= 50 %");

  no_reason = cli_run (f->db, "assign", "S-030", "--confirm", "control", NULL);
  g_assert_cmpint (no_reason->status, ==, 1);
  cli_assert_contains (no_reason->err, "reason");
  confirmed = cli_run (f->db, "assign", "S-030", "--confirm", "dll3", "--json", NULL);
  ok (confirmed);
  cli_assert_json (confirmed->out, "{\"arm\": \"dll3\"}");
  show = cli_run (f->db, "patient", "show", "S-030", "--json", NULL);
  cli_assert_json (show->out, "{\"arm\": \"dll3\"}");

  /* MYC amplified as well: conflict */
  run_ok (f, "biomarker", "add", "S-030", "myc", "--amplified", "yes", NULL);
  conflict = cli_run (f->db, "assign", "S-030", "--json", NULL);
  ok (conflict);
  cli_assert_json (conflict->out, "{\"proposed\": [\"dll3\", \"xpo1\"]}");
  cli_assert_json (conflict->out, "{\"conflict\": true}");
  {
    g_autoptr(CliResult) needs = cli_run (f->db, "assign", "S-030", "--confirm", "xpo1", NULL);
    g_autoptr(CliResult) done = NULL;

    g_assert_cmpint (needs->status, ==, 1);
    done = cli_run (f->db, "assign", "S-030", "--confirm", "xpo1", "--reason",
                    "MYC amplification confirmed by FISH", NULL);
    ok (done);
  }

  /* Not eligible: no arm */
  {
    g_autoptr(CliResult) ne = NULL;
    g_autoptr(CliResult) refused = NULL;

    run_ok (f, "patient", "add", "--screening-id", "S-031", "--sex", "male", "--birth-date", "1960-01-01",
            "--screening-date", "2025-03-10", NULL);
    run_ok (f, "patient", "set", "S-031", "ecog", "3", NULL);
    ne = cli_run (f->db, "assign", "S-031", "--json", NULL);
    ok (ne);
    cli_assert_json (ne->out, "{\"proposed\": []}");
    refused = cli_run (f->db, "assign", "S-031", "--confirm", "control", "--reason", "x", NULL);
    g_assert_cmpint (refused->status, ==, 1);
  }
}

/* Regression: a marker with cut-offs for two methods (MYC: nuclear % or amplification) used to
 * be judged on its newest result alone, so "MYC 40 %" followed by "not amplified" hid the XPO1
 * arm; and one positive marker with the others never tested proposed nothing at all. */
typedef struct {
  const char *name;
  const char *markers;   /* "marker:option:value ...", applied in order */
  const char *proposed;  /* the "proposed" array as printed */
  const char *conflict;
  gboolean    confirm_needs_reason;
} MarkerCase;

static const MarkerCase marker_cases[] = {
  { "MYC % positive, then not amplified",
    "dll3:--percent:5 ascl1:--percent:0 neurod1:--percent:0 myc:--percent:40 myc:--amplified:no vim:--hscore:0 axl:--hscore:0",
    "[\"xpo1\"]", "false", FALSE },
  { "MYC amplified, then 0 %",
    "dll3:--percent:5 ascl1:--percent:0 neurod1:--percent:0 myc:--amplified:yes myc:--percent:0 vim:--hscore:0 axl:--hscore:0",
    "[\"xpo1\"]", "false", FALSE },
  { "MYC negative by both methods",
    "dll3:--percent:5 ascl1:--percent:0 neurod1:--percent:0 myc:--percent:5 myc:--amplified:no vim:--hscore:0 axl:--hscore:0",
    "[\"control\"]", "false", FALSE },
  { "DLL3 and MYC % (then not amplified): conflict",
    "dll3:--percent:62 ascl1:--percent:0 neurod1:--percent:0 myc:--percent:20 myc:--amplified:no vim:--hscore:0 axl:--hscore:0",
    "[\"dll3\", \"xpo1\"]", "true", TRUE },
  { "DLL3 only, nothing else tested: proposed, reason to confirm",
    "dll3:--percent:62", "[\"dll3\"]", "false", TRUE },
  { "VIM only, nothing else tested: proposed, reason to confirm",
    "vim:--hscore:200", "[\"anlotinib\"]", "false", TRUE },
  /* Regression: intensities for a marker judged by % of tumour cells were refused; they give
   * the % stained at any intensity (10 + 20 + 30 = 60 %). */
  { "DLL3 by intensities, the rest negative",
    "dll3:--intensity:10,20,30 ascl1:--percent:0 neurod1:--percent:0 myc:--percent:0 vim:--hscore:0 axl:--intensity:5,5,5",
    "[\"dll3\"]", "false", FALSE },
  { "DLL3 high and MYC pending: no proposal",
    "dll3:--percent:62 myc:--pending:", "[]", "false", TRUE },
};

static void
test_assign_markers (Fixture       *f,
                     gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (marker_cases); i++)
    {
      const MarkerCase *c = &marker_cases[i];
      g_autofree char *id = g_strdup_printf ("S-M%02u", i);
      g_auto(GStrv) specs = g_strsplit (c->markers, " ", -1);
      g_autofree char *proposed = g_strdup_printf ("\"proposed\": %s", c->proposed);
      g_autofree char *conflict = g_strdup_printf ("\"conflict\": %s", c->conflict);
      g_autoptr(CliResult) r = NULL;
      g_autoptr(CliResult) confirm = NULL;

      g_test_message ("%s", c->name);
      make_eligible (f, id, "1960-06-01");
      for (guint j = 0; specs[j] != NULL; j++)
        {
          g_auto(GStrv) part = g_strsplit (specs[j], ":", 3);

          if (*part[2] != '\0')
            run_ok (f, "biomarker", "add", id, part[0], part[1], part[2], NULL);
          else
            run_ok (f, "biomarker", "add", id, part[0], part[1], NULL);
        }
      r = cli_run (f->db, "assign", id, "--json", NULL);
      ok (r);
      cli_assert_contains (r->out, proposed);
      cli_assert_contains (r->out, conflict);

      if (g_str_equal (c->proposed, "[]"))
        continue;
      {
        g_auto(GStrv) arms = g_strsplit_set (c->proposed, "[]\", ", -1);
        const char *first = NULL;

        for (guint j = 0; arms[j] != NULL && first == NULL; j++)
          if (*arms[j] != '\0')
            first = arms[j];
        confirm = cli_run (f->db, "assign", id, "--confirm", first, NULL);
        g_assert_cmpint (confirm->status, ==, c->confirm_needs_reason ? 1 : 0);
        if (c->confirm_needs_reason)
          {
            g_autoptr(CliResult) with_reason =
              cli_run (f->db, "assign", id, "--confirm", first, "--reason", "panel reviewed", NULL);
            ok (with_reason);
          }
      }
    }
}

/* Regression: scripts put the common options before the command
 * (`parasol-cli --database X screen ID --json`); the dispatcher took "--database" for the
 * command and exited 2. */
static void
test_global_options (Fixture       *f,
                     gconstpointer  data)
{
  struct {
    const char *args[8];
    int         status;
    const char *out;
  } cases[] = {
    { { "--database", f->db, "screen", "S-G1", "--json" }, 0, "\"verdict\": \"eligible\"" },
    { { "--json", "--database", f->db, "screen", "S-G1" }, 0, "\"verdict\": \"eligible\"" },
    { { "-d", f->db, "screen", "S-G1", "--json" }, 0, "\"verdict\": \"eligible\"" },
    { { "patient", "--database", f->db, "show", "S-G1", "--json" }, 0, "\"screening_number\": \"S-G1\"" },
    { { "--database", f->db, "patient", "list", "--json" }, 0, "\"S-G1\"" },
    { { "--database", f->db, "assign", "S-G1", "--json" }, 0, "\"conflict\": " },
    { { "--database", f->db, "protocol", "show", "--json" }, 0, "\"criteria\": " },
    { { "screen", "S-G1", "--database", f->db, "--json" }, 0, "\"verdict\": \"eligible\"" },
    { { "--database", f->db }, 2, NULL },
    { { "--database", f->db, "frobnicate" }, 2, NULL },
    { { "--database", f->db, "screen" }, 2, NULL },
  };

  make_eligible (f, "S-G1", "1960-06-01");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) r = cli_runv (NULL, cases[i].args);

      if (r->status != cases[i].status)
        g_error ("case %u: exit %d, expected %d:\n%s\n%s", i, r->status, cases[i].status, r->out,
                 r->err);
      if (cases[i].out != NULL)
        cli_assert_contains (r->out, cases[i].out);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/protocol/show", Fixture, NULL, set_up, test_protocol_show, fixture_tear_down);
  g_test_add ("/cli/protocol/validate", Fixture, NULL, set_up, test_protocol_validate, fixture_tear_down);
  g_test_add ("/cli/screen/eligible", Fixture, NULL, set_up, test_screen_eligible, fixture_tear_down);
  g_test_add ("/cli/screen/pregnancy-and-transfusion", Fixture, NULL, set_up,
              test_screen_pregnancy_and_transfusion, fixture_tear_down);
  g_test_add ("/cli/screen/age", Fixture, NULL, set_up, test_screen_age, fixture_tear_down);
  g_test_add ("/cli/screen/reasons", Fixture, NULL, set_up, test_screen_reasons, fixture_tear_down);
  g_test_add ("/cli/lab/bad-input", Fixture, NULL, set_up, test_bad_input, fixture_tear_down);
  g_test_add ("/cli/lab/import", Fixture, NULL, set_up, test_lab_import, fixture_tear_down);
  g_test_add ("/cli/assign", Fixture, NULL, set_up, test_assign, fixture_tear_down);
  g_test_add ("/cli/assign/markers", Fixture, NULL, set_up, test_assign_markers, fixture_tear_down);
  g_test_add ("/cli/global-options", Fixture, NULL, set_up, test_global_options, fixture_tear_down);

  return g_test_run ();
}
