/* test-cli-treatment.c — the parasol-cli contract of issue 8: options, ULN units, flagged doses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules themselves are tested in core (test-lab-entry, test-administration, ...); here the
 * command line that reaches them: options, exit codes and the JSON fields added.
 */
#include "config.h"

#include <string.h>

#include "cli-helpers.h"

/* Regression (issue 8): -d was the database in some commands and the date in others. */
static void
test_short_options (void)
{
  g_autoptr(CliResult) usage = cli_run (NULL, "--help", NULL);
  g_autoptr(GHashTable) meaning = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GRegex) command_re = g_regex_new ("^  ([a-z]+(?: [a-z]+)?)  ", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) option_re = g_regex_new ("^  (-[a-zA-Z]), (--[a-z-]+)", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) cm = NULL;
  guint n_commands = 0;

  g_assert_cmpint (usage->status, ==, 0);
  g_regex_match (command_re, usage->out, 0, &cm);
  while (g_match_info_matches (cm))
    {
      g_autofree char *command = g_match_info_fetch (cm, 1);
      g_auto(GStrv) words = g_strsplit (command, " ", 2);
      g_autoptr(CliResult) help = words[1] ? cli_run (NULL, words[0], words[1], "--help", NULL)
                                           : cli_run (NULL, words[0], "--help", NULL);
      g_autoptr(GMatchInfo) om = NULL;

      g_assert_cmpint (help->status, ==, 0);
      g_regex_match (option_re, help->out, 0, &om);
      while (g_match_info_matches (om))
        {
          g_autofree char *s = g_match_info_fetch (om, 1);
          g_autofree char *l = g_match_info_fetch (om, 2);
          const char *seen = g_hash_table_lookup (meaning, s);

          if (seen != NULL && g_strcmp0 (seen, l) != 0)
            g_error ("%s means %s in “%s” but %s elsewhere", s, l, command, seen);
          g_hash_table_insert (meaning, g_steal_pointer (&s), g_steal_pointer (&l));
          g_match_info_next (om, NULL);
        }
      n_commands++;
      g_match_info_next (cm, NULL);
    }
  g_assert_cmpuint (n_commands, >=, 20);
  g_assert_cmpstr (g_hash_table_lookup (meaning, "-d"), ==, "--database");
}

/* Regression (issue 8): bilirubin 3.0 mg/dL with "ULN 21" was taken as 0.14 × ULN */
static void
test_uln_unit (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CliResult) init = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) add = NULL;
  g_autoptr(CliResult) refused = NULL;
  g_autoptr(CliResult) accepted = NULL;
  g_autoptr(CliResult) usage = NULL;

  g_assert_cmpint (init->status, ==, 0);
  add = cli_run (f->db, "patient", "add", "--screening-id", "S-T01", "--sex", "male",
                 "--birth-date", "1960-01-01", "--screening-date", "2025-03-10", NULL);
  g_assert_cmpint (add->status, ==, 0);
  refused = cli_run (f->db, "lab", "add", "S-T01", "tbil", "3.0", "--unit", "mg/dL", "--uln", "21",
                     "--date", "2025-03-10", NULL);
  g_assert_cmpint (refused->status, ==, 1);
  cli_assert_contains (refused->err, "--uln-unit");
  accepted = cli_run (f->db, "lab", "add", "S-T01", "tbil", "3.0", "--unit", "mg/dL", "--uln", "21",
                      "--uln-unit", "umol/L", "--date", "2025-03-10", "--json", NULL);
  g_assert_cmpint (accepted->status, ==, 0);
  cli_assert_json (accepted->out, "{\"uln\": 21}");
  usage = cli_run (f->db, "lab", "add", "S-T01", "tbil", "3.0", "--unit", "mg/dL",
                   "--uln-unit", "umol/L", "--date", "2025-03-10", NULL);
  g_assert_cmpint (usage->status, ==, 2);
}

/* Regression (issue 12): `lab import /dev/zero` grew to 24 GB before the kernel killed it */
static void
test_import_dev_zero (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CliResult) init = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) r = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (init->status, ==, 0);
  r = cli_run (f->db, "lab", "import", "/dev/zero", "--json", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "not a regular file");
  {
    g_autoptr(JsonNode) message = cli_json_member (r->out, "error");

    g_assert_nonnull (message);
  }
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/options/short", test_short_options);
  g_test_add ("/cli/lab/uln-unit", Fixture, NULL, fixture_set_up, test_uln_unit, fixture_tear_down);
  g_test_add ("/cli/lab/import-dev-zero", Fixture, NULL, fixture_set_up, test_import_dev_zero,
              fixture_tear_down);
  return g_test_run ();
}
