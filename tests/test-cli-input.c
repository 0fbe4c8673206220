/* test-cli-input.c — parasol-cli refuses hostile values and prints nothing a terminal acts on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every refusal here is an error path, and the cli suite runs under ASan with detect_leaks=1
 * (build-aux/run-tests.sh): these tests are also the leak check of those paths.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli-helpers.h"

static void
init_with_patient (Fixture *f)
{
  g_autoptr(CliResult) init = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) add = NULL;

  g_assert_cmpint (init->status, ==, 0);
  add = cli_run (f->db, "patient", "add", "--screening-id", "S-0001", "--sex", "female",
                 "--birth-date", "1960-03-12", "--screening-date", "2026-10-01", NULL);
  g_assert_cmpint (add->status, ==, 0);
}

/* Hex, trailing garbage, infinities and empty values are usage errors (exit 2) everywhere a
 * number or date is read, and nothing is written. */
static void
test_strict_values (Fixture *f, gconstpointer data)
{
  static const char *numbers[] = {
    "0x2", "2garbage", "1e400", "nan", "inf", "", " 2", "2\xe2\x80\x8b", "0x1p1",
  };
  static const char *dates[] = {
    "2026/11/20T25:99:99garbage", "2026-11-20T00:00:00", "2026-02-30", "", "20261120",
  };
  g_autoptr(CliResult) audit = NULL;
  g_autoptr(CliResult) audit_after = NULL;

  init_with_patient (f);
  audit = cli_run (f->db, "audit", "show", "--limit", "0", "--json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autoptr(CliResult) lab = cli_run (f->db, "lab", "add", "S-0001", "anc", numbers[i],
                                          "--unit", "10^9/L", "--date", "2026-10-01", NULL);
      g_autoptr(CliResult) uln = cli_run (f->db, "lab", "add", "S-0001", "ast", "30", "--unit",
                                          "U/L", "--uln", numbers[i], "--date", "2026-10-01", NULL);
      g_autoptr(CliResult) dose = cli_run (NULL, "dose", "--height-cm", numbers[i], "--weight-kg",
                                           "70", "--age", "60", "--sex", "male",
                                           "--creatinine-umol-l", "80", NULL);
      g_autoptr(CliResult) marker = cli_run (f->db, "biomarker", "add", "S-0001", "dll3",
                                             "--percent", numbers[i], NULL);

      if (lab->status != 2)
        g_error ("lab add accepted “%s” (exit %d): %s", numbers[i], lab->status, lab->out);
      cli_assert_contains (lab->err, " number");
      g_assert_cmpint (uln->status, ==, 2);
      g_assert_cmpint (dose->status, ==, 2);
      g_assert_cmpint (marker->status, ==, 2);
    }
  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autoptr(CliResult) lab = cli_run (f->db, "lab", "add", "S-0001", "anc", "2.0", "--unit",
                                          "10^9/L", "--date", dates[i], NULL);
      g_autoptr(CliResult) add = cli_run (f->db, "patient", "add", "--screening-id", "S-0002",
                                          "--sex", "male", "--birth-date", dates[i], NULL);

      if (lab->status != 2)
        g_error ("lab add accepted the date “%s” (exit %d)", dates[i], lab->status);
      cli_assert_contains (lab->err, "YYYY-MM-DD");
      g_assert_cmpint (add->status, ==, 2);
    }

  audit_after = cli_run (f->db, "audit", "show", "--limit", "0", "--json", NULL);
  g_assert_cmpstr (audit->out, ==, audit_after->out);
}

/* Whole-number options are decimal: GOption alone would read "0x10" as 16 and "010" as 8. */
static void
test_whole_number_options (Fixture *f, gconstpointer data)
{
  static const char *bad[] = { "0x3", "3abc", " 3", "3.0", "1e1", "", "99999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CliResult) demo = cli_run (f->db, "demo", "--patients", bad[i], NULL);
      g_autoptr(CliResult) audit = cli_run (f->db, "audit", "show", "--limit", bad[i], NULL);

      if (demo->status != 2)
        g_error ("demo --patients accepted “%s” (exit %d)", bad[i], demo->status);
      cli_assert_contains (demo->err, "--patients");
      g_assert_cmpint (audit->status, ==, 2);
      g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
    }
  {
    g_autoptr(CliResult) demo = cli_run (f->db, "demo", "--patients", "010", "--json", NULL);
    g_autoptr(CliResult) list = NULL;

    g_assert_cmpint (demo->status, ==, 0);
    list = cli_run (f->db, "patient", "list", "--json", NULL);
    /* ten patients, not eight */
    cli_assert_json (list->out, "{\"id\": 10}");
  }
}

/* A filter value outside its set is a usage error that lists the set. */
static void
test_filter_values (Fixture *f, gconstpointer data)
{
  g_autoptr(CliResult) bogus = NULL;
  g_autoptr(CliResult) good = NULL;
  g_autoptr(CliResult) table = NULL;

  init_with_patient (f);
  bogus = cli_run (f->db, "patient", "list", "--status", "bogus", NULL);
  g_assert_cmpint (bogus->status, ==, 2);
  cli_assert_contains (bogus->err, "“bogus”");
  cli_assert_contains (bogus->err, "screening, screen_failed, enrolled, on_treatment, off_treatment");

  good = cli_run (f->db, "patient", "list", "--status", "screening", "--json", NULL);
  g_assert_cmpint (good->status, ==, 0);
  cli_assert_contains (good->out, "S-0001");

  table = cli_run (f->db, "audit", "show", "--table", "patients", NULL);
  g_assert_cmpint (table->status, ==, 2);
  cli_assert_contains (table->err, "administration");
}

static gboolean
has_raw_hidden_chars (const char *text)
{
  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
          g_unichar_type (c) == G_UNICODE_FORMAT)
        return TRUE;
    }
  return FALSE;
}

/* Values stored with control, bidi and zero-width characters (accepted by older versions, or
 * written into the file by someone else) reach the terminal made visible, in every plain-text
 * command and in error messages; --json keeps them as JSON. */
static void
test_terminal_escapes (Fixture *f, gconstpointer data)
{
  const char *zw_id = "S-00\xe2\x80\x8b" "36";               /* U+200B ZERO WIDTH SPACE */
  const char *initials = "A\x1b]0;owned\x07" "B\rC\nD";       /* OSC title, CR, newline */
  const char *site = "x\xe2\x80\xae" "evil";                   /* U+202E RIGHT-TO-LEFT OVERRIDE */
  g_autoptr(CliResult) init = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) add = NULL;
  g_autoptr(CliResult) list = NULL;
  g_autoptr(CliResult) list_json = NULL;
  g_autoptr(CliResult) audit = NULL;
  g_autoptr(CliResult) screen = NULL;
  g_autoptr(CliResult) bad_marker = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (init->status, ==, 0);
  add = cli_run (f->db, "patient", "add", "--screening-id", zw_id, "--sex", "female",
                 "--birth-date", "1960-03-12", "--initials", initials, "--site", site, NULL);
  if (add->status != 0)
    {
      /* Identifiers with such characters are refused when they are written (issue 12): then
       * the stored value can only come from the file; the escaping is checked on messages. */
      g_assert_false (has_raw_hidden_chars (add->err));
      return;
    }
  g_assert_false (has_raw_hidden_chars (add->out));
  cli_assert_contains (add->out, "S-00\\u{200B}36");

  list = cli_run (f->db, "patient", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_false (has_raw_hidden_chars (list->out));
  cli_assert_contains (list->out, "S-00\\u{200B}36");
  cli_assert_contains (list->out, "A\\x1B]0;owned\\x07B\\rC\\nD");
  /* header + one row: the newline in the initials did not forge a second row */
  lines = g_strsplit (g_strchomp (list->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);

  list_json = cli_run (f->db, "patient", "list", "--json", NULL);
  cli_assert_json (list_json->out, "{\"initials\": \"A\\u001b]0;owned\\u0007B\\rC\\nD\"}");
  cli_assert_contains (list_json->out, site);

  audit = cli_run (f->db, "audit", "show", NULL);
  g_assert_cmpint (audit->status, ==, 0);
  g_assert_false (has_raw_hidden_chars (audit->out));
  cli_assert_contains (audit->out, "\\u{202E}");

  screen = cli_run (f->db, "screen", zw_id, NULL);
  g_assert_false (has_raw_hidden_chars (screen->out));
  g_assert_false (has_raw_hidden_chars (screen->err));

  /* An error message quoting what was typed */
  bad_marker = cli_run (f->db, "biomarker", "add", zw_id, "dll3", "--percent", "5\x1b[2J", NULL);
  g_assert_cmpint (bad_marker->status, ==, 2);
  g_assert_false (has_raw_hidden_chars (bad_marker->err));
  cli_assert_contains (bad_marker->err, "5\\x1B[2J");
}

/* The output filter sees stdout in buffer-sized pieces: a UTF-8 character cut between two of
 * them must come out whole, not as two \xHH escapes. */
static void
test_escapes_keep_utf8 (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) reason = g_string_new (NULL);
  g_autoptr(CliResult) set = NULL;
  g_autoptr(CliResult) audit = NULL;
  guint count = 0;

  init_with_patient (f);
  for (guint i = 0; i < 3001; i++)
    g_string_append (reason, "受试");
  set = cli_run (f->db, "patient", "set", "S-0001", "ecog", "1", "--reason", reason->str, NULL);
  g_assert_cmpint (set->status, ==, 0);
  audit = cli_run (f->db, "audit", "show", "--patient", "S-0001", NULL);
  g_assert_cmpint (audit->status, ==, 0);
  g_assert_cmpuint (strlen (audit->out), >, 2 * 8192);   /* BUFSIZ: at least two pieces */
  g_assert_true (g_utf8_validate (audit->out, -1, NULL));
  g_assert_null (strstr (audit->out, "\\x"));
  for (const char *p = audit->out; (p = strstr (p, "受试")) != NULL; p++)
    count++;
  g_assert_cmpuint (count, ==, 3001);
}

/* Files that never end or never open are refused at once. */
static void
test_unbounded_files (Fixture *f, gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (f->dir, "protocol.xml", NULL);
  g_autofree char *attrs = g_build_filename (f->dir, "attrs.xml", NULL);
  g_autoptr(CliResult) zero = cli_run (NULL, "protocol", "validate", "/dev/zero", NULL);
  g_autoptr(CliResult) from_fifo = NULL;
  g_autoptr(CliResult) init_zero = NULL;
  g_autoptr(CliResult) many = NULL;
  g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\"?>\n<protocol format=\"1\" ");

  g_assert_cmpint (zero->status, ==, 1);
  cli_assert_contains (zero->err, "not a regular file");

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  from_fifo = cli_run (NULL, "protocol", "validate", fifo, NULL);
  g_assert_cmpint (from_fifo->status, ==, 1);

  init_zero = cli_run (f->db, "init", "--protocol", "/dev/zero", NULL);
  g_assert_cmpint (init_zero->status, ==, 1);
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));

  /* 300 000 attributes on one element (3.5 MB): minutes in libxml2 2.9.14, refused by the guard */
  for (guint i = 0; i < 300000; i++)
    g_string_append_printf (xml, "a%u=\"1\" ", i);
  g_string_append (xml, "/>\n");
  g_assert_true (g_file_set_contents (attrs, xml->str, xml->len, NULL));
  many = cli_run (NULL, "protocol", "validate", attrs, NULL);
  g_assert_cmpint (many->status, ==, 1);
  cli_assert_contains (many->err, "more than 32 attributes");
}

/* The error paths of biomarker add, each leak-checked under ASan. */
static void
test_biomarker_errors (Fixture *f, gconstpointer data)
{
  /* Exit 2 for what cannot be read, 1 for a value core refuses (parasol_biomarker_def_prepare). */
  static const char *const cases[][4] = {
    { "--intensity", "60,30,20", "more than 100", "1" },      /* the sum used to leak */
    { "--intensity", "60,30", "three percentages", "2" },
    { "--intensity", "60,x,20", "is not a number", "2" },
    { "--intensity", "101,0,0", "0–100", "1" },
    { "--percent", "0x10", "is not a number", "2" },
    { "--hscore", "1e400", "too large", "2" },
    { "--amplified", "maybe", "yes", "2" },
  };

  init_with_patient (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) r = cli_run (f->db, "biomarker", "add", "S-0001", "vim", cases[i][0],
                                        cases[i][1], NULL);

      if (r->status != atoi (cases[i][3]))
        g_error ("%s %s: exit %d: %s", cases[i][0], cases[i][1], r->status, r->err);
      cli_assert_contains (r->err, cases[i][2]);
    }
}

/* Every command's refusals, one after another on one database: each must exit 1 or 2 with a
 * message, and under ASan (detect_leaks=1, abort_on_error=1) any leak on the way out is exit
 * 134, which fails here.  This is the leak check of the CLI's error paths. */
static void
test_error_paths (Fixture *f, gconstpointer data)
{
  static const char *const cases[][16] = {
    { "patient", "show", "S-9999" },
    { "patient", "show" },
    { "patient", "set", "S-0001", "no_such_field", "1" },
    { "patient", "set", "S-9999", "ecog", "1" },
    { "patient", "set", "S-0001", "ecog", "7" },
    { "patient", "set", "S-0001", "birth_date", "1960-02-30" },
    { "patient", "set", "S-0001", "weight_kg", "0x46", "--reason", "hex" },
    { "patient", "set", "S-0001", "height_cm", "170cm", "--reason", "garbage" },
    { "patient", "set", "S-0001", "ecog", "1", "--expect-version", "0x1" },
    { "patient", "add", "--screening-id", "S-0001", "--sex", "female", "--birth-date", "1960-03-12" },
    { "patient", "add", "--screening-id", "S-0003", "--sex", "other", "--birth-date", "1960-03-12" },
    { "lab", "add", "S-0001", "no-such-lab", "2", "--unit", "10^9/L", "--date", "2026-10-01" },
    { "lab", "add", "S-0001", "anc", "2", "--unit", "furlongs", "--date", "2026-10-01" },
    { "lab", "add", "S-0001", "anc", "2000", "--unit", "10^9/L", "--date", "2026-10-01" },
    { "lab", "add", "S-0001", "anc", "2", "--date", "2026-10-01" },
    { "lab", "import", "/nonexistent.csv" },
    { "attest", "S-0001", "inc-01", "maybe" },
    { "attest", "S-0001", "no-such-criterion", "met" },
    { "attest", "S-0001", "inc-01", "met", "--date", "yesterday" },
    { "biomarker", "add", "S-0001", "no-such-marker", "--percent", "10" },
    { "biomarker", "add", "S-0001", "dll3", "--percent", "101" },
    { "biomarker", "add", "S-0001", "dll3", "--percent", "10", "--hscore", "10" },
    { "screen", "S-9999" },
    { "screen", "S-0001", "--date", "2026-13-01" },
    { "assign", "S-0001", "--confirm", "no-such-arm" },
    { "assign", "S-9999" },
    { "dose", "S-9999" },
    { "dose", "--height-cm", "170", "--weight-kg", "70", "--age", "60", "--sex", "male",
      "--creatinine-umol-l", "80", "--bsa-formula", "guess" },
    { "dose", "--height-cm", "170", "--weight-kg", "70", "--age", "0x3c", "--sex", "male" },
    { "dose", "--height-cm", "170", "--weight-kg", "70", "--age", "60", "--sex", "male",
      "--creatinine-umol-l", "80", "--arm", "no-such-arm" },
    { "dose", "S-0001", "--cycle", "0" },
    { "enrol", "S-0001", "--c1d1", "2026-11-20" },
    { "enrol", "S-0001", "--c1d1", "20/11/2026" },
    { "enrol", "S-0001" },
    { "schedule", "S-0001" },
    { "schedule", "S-0001", "--horizon-days", "-5" },
    { "give", "S-0001", "etoposide", "--date", "2026-11-20", "--dose", "100" },
    { "give", "S-0001", "etoposide", "--date", "2026-11-20", "--dose", "lots" },
    { "delay", "S-0001", "--cycle", "2", "--to", "2026-12-20" },
    { "delay", "S-0001", "--cycle", "2", "--to", "2026-12-20", "--reason", "r" },
    { "audit", "show", "--patient", "S-9999" },
    { "audit", "show", "--limit", "-1" },
    { "protocol", "validate", "/nonexistent.xml" },
    { "protocol", "validate", "/dev/zero" },
    { "backup", "/nonexistent-folder/backup.db" },
    { "init", "--protocol", "/nonexistent.xml" },
    { "frobnicate" },
    { "patient", "frobnicate" },
  };

  init_with_patient (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CliResult) r = cli_runv (f->db, cases[i]);
      g_autofree char *joined = g_strjoinv (" ", (char **) cases[i]);

      if (r->status != 1 && r->status != 2)
        g_error ("“parasol-cli %s” exited %d (1 or 2 expected): %s", joined, r->status, r->err);
      if (r->err == NULL || r->err[0] == '\0')
        g_error ("“parasol-cli %s” refused without a message", joined);
      g_assert_false (has_raw_hidden_chars (r->err));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/cli/input/strict-values", test_strict_values);
  ADD ("/cli/input/whole-number-options", test_whole_number_options);
  ADD ("/cli/input/filter-values", test_filter_values);
  ADD ("/cli/input/terminal-escapes", test_terminal_escapes);
  ADD ("/cli/input/escapes-keep-utf8", test_escapes_keep_utf8);
  ADD ("/cli/input/unbounded-files", test_unbounded_files);
  ADD ("/cli/input/biomarker-errors", test_biomarker_errors);
  ADD ("/cli/input/error-paths", test_error_paths);
#undef ADD

  return g_test_run ();
}
