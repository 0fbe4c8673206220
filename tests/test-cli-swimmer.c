/* test-cli-swimmer.c — the parasol-cli swimmer contract
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli-helpers.h"

static void
assert_file_starts (const char *path,
                    const char *magic,
                    gsize       len)
{
  g_autofree char *contents = NULL;
  gsize size = 0;
  GStatBuf st;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpuint (size, >, len);
  g_assert_cmpint (memcmp (contents, magic, len), ==, 0);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_swimmer (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 40);
  g_autofree char *png = g_build_filename (f->dir, "plot.png", NULL);
  g_autofree char *svg = g_build_filename (f->dir, "plot.svg", NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "plot.pdf", NULL);
  g_autofree char *txt = g_build_filename (f->dir, "plot.txt", NULL);
  g_autoptr(CliResult) r = NULL;
  g_autofree char *xmllint = NULL;

  r = cli_run (db, "swimmer", "--out", png, "--json", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_json (r->out, "{\"format\": \"png\"}");
  {
    g_autoptr(JsonNode) n = cli_json_member (r->out, "patients");

    g_assert_nonnull (n);
    g_assert_cmpint (json_node_get_value_type (n), ==, G_TYPE_INT64);
  }
  assert_file_starts (png, "\x89PNG\r\n\x1a\n", 8);
  g_clear_pointer (&r, cli_result_free);

  /* No silent overwrite; --force replaces */
  r = cli_run (db, "swimmer", "--out", png, NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "already exists");
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "swimmer", "--out", png, "--force", "--group-by", "none", "--sort", "id",
               "--width", "800", "--height", "600", "--dpi", "144", NULL);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_contains (r->out, png);
  g_clear_pointer (&r, cli_result_free);

  /* SVG is well-formed XML; PDF is a PDF */
  r = cli_run (db, "swimmer", "--out", svg, "--arm", "control", NULL);
  g_assert_cmpint (r->status, ==, 0);
  assert_file_starts (svg, "<?xml", 5);
  g_clear_pointer (&r, cli_result_free);
  xmllint = g_find_program_in_path ("xmllint");
  if (xmllint != NULL)
    {
      const char *argv[] = { xmllint, "--noout", svg, NULL };
      int status = -1;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                   NULL, &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  r = cli_run (db, "swimmer", "--out", pdf, "--dose-changes", NULL);
  g_assert_cmpint (r->status, ==, 0);
  assert_file_starts (pdf, "%PDF-", 5);
  g_clear_pointer (&r, cli_result_free);

  /* Out of range: error (1), nothing written */
  {
    const char *const bad[][2] = {
      { "--width", "50" }, { "--width", "-3" }, { "--height", "100000" }, { "--dpi", "5000" },
      { "--dpi", "0" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *out = g_build_filename (f->dir, "bad.png", NULL);

        r = cli_run (db, "swimmer", "--out", out, bad[i][0], bad[i][1], NULL);
        g_assert_cmpint (r->status, ==, 1);
        cli_assert_contains (r->err, "out of range");
        g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
        g_clear_pointer (&r, cli_result_free);
      }
  }

  /* An unknown arm: error, naming the arms */
  r = cli_run (db, "swimmer", "--out", png, "--force", "--arm", "nope", NULL);
  g_assert_cmpint (r->status, ==, 1);
  cli_assert_contains (r->err, "dll3");
  g_clear_pointer (&r, cli_result_free);

  /* Usage (2): no --out, another extension, a word outside the set, not a number */
  r = cli_run (db, "swimmer", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "swimmer", "--out", txt, NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_assert_false (g_file_test (txt, G_FILE_TEST_EXISTS));
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "swimmer", "--out", png, "--group-by", "site", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "swimmer", "--out", png, "--sort", "age", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);
  r = cli_run (db, "swimmer", "--out", png, "--width", "wide", NULL);
  g_assert_cmpint (r->status, ==, 2);
  g_clear_pointer (&r, cli_result_free);

  /* No temporary files left behind */
  {
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_null (strstr (name, ".png."));
  }
}

static void
test_empty_trial (Fixture *f, gconstpointer data)
{
  g_autofree char *png = g_build_filename (f->dir, "empty.png", NULL);
  g_autoptr(CliResult) init = cli_run (f->db, "init", NULL);
  g_autoptr(CliResult) r = cli_run (f->db, "swimmer", "--out", png, "--json", NULL);

  g_assert_cmpint (init->status, ==, 0);
  g_assert_cmpint (r->status, ==, 0);
  cli_assert_json (r->out, "{\"patients\": 0}");
  assert_file_starts (png, "\x89PNG", 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/swimmer/export", Fixture, NULL, fixture_set_up, test_swimmer, fixture_tear_down);
  g_test_add ("/cli/swimmer/empty-trial", Fixture, NULL, fixture_set_up, test_empty_trial,
              fixture_tear_down);

  return g_test_run ();
}
