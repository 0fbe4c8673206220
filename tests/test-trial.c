/* test-trial.c — creating a trial and restoring a backup (core/parasol-trial.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli-helpers.h"
#include "parasol-store.h"
#include "parasol-trial.h"

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolStore) again = NULL;
  g_autofree char *trial_id = NULL;
  struct stat st;

  store = parasol_trial_create (f->db, NULL, 0, 0, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (parasol_store_has_trial (store));
  g_assert_true (parasol_store_get_trial (store, &trial_id, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpstr (trial_id, ==, "BUTTONS-001");
  g_assert_cmpint (parasol_store_count_patients (store), ==, 0);
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_object (&store);

  /* A second trial in the same file is refused, and the first is left as it was. */
  again = parasol_trial_create (f->db, NULL, 3, 1, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (again);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parasol_store_count_patients (store), ==, 0);
}

static void
test_create_bad_protocol (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autofree char *protocol = g_build_filename (f->dir, "bad.xml", NULL);

  g_assert_true (g_file_set_contents (protocol, "<protocol>", -1, NULL));

  /* The protocol is checked before anything is created. */
  store = parasol_trial_create (f->db, protocol, 0, 0, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_create_demo (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  gint64 n_rows = 0;
  gint64 first_bad = 0;

  store = parasol_trial_create (f->db, NULL, 12, 7, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parasol_store_count_patients (store), ==, 12);
  g_assert_true (parasol_store_audit_verify (store, &n_rows, &first_bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_rows, >, 12);
}

static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *aside = NULL;
  g_autofree char *aside_contents = NULL;
  gsize aside_length = 0;
  struct stat st;

  store = parasol_trial_create (f->db, NULL, 5, 3, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (parasol_store_backup (store, backup, &error));
  g_assert_no_error (error);
  /* Written after the backup: the restored trail will be shorter than the anchor. */
  g_assert_cmpint (test_add_patient (store, "S-0099"), >, 0);
  g_clear_object (&store);

  /* The trial file is damaged beyond opening. */
  g_assert_true (g_file_set_contents (f->db, "this is no longer a database", -1, NULL));
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_clear_error (&error);

  g_assert_true (parasol_trial_restore_backup (backup, f->db, &aside, &error));
  g_assert_no_error (error);

  /* The damaged file is kept, not deleted... */
  g_assert_nonnull (aside);
  g_assert_true (g_str_has_prefix (aside, f->db));
  g_assert_nonnull (strstr (aside, ".damaged-"));
  g_assert_true (g_file_get_contents (aside, &aside_contents, &aside_length, NULL));
  g_assert_cmpstr (aside_contents, ==, "this is no longer a database");

  /* ...and the restored copy opens, is private and holds the trial. */
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parasol_store_count_patients (store), ==, 5);

  /* Writing goes on, and the restore is on record. */
  g_assert_null (parasol_store_get_damage (store));
  g_assert_cmpint (test_add_patient (store, "S-0100"), >, 0);
}

static void
test_restore_refusals (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autofree char *not_db = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *empty_db = g_build_filename (f->dir, "empty.db", NULL);
  g_autofree char *aside = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int n_files = 0;

  store = parasol_trial_create (f->db, NULL, 2, 1, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Not a database: refused, the trial untouched. */
  g_assert_true (g_file_set_contents (not_db, "hello", -1, NULL));
  g_assert_false (parasol_trial_restore_backup (not_db, f->db, &aside, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL);
  g_clear_error (&error);
  g_assert_null (aside);

  /* The damaged file itself. */
  g_assert_false (parasol_trial_restore_backup (f->db, f->db, &aside, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* A Parasol database without a trial. */
  store = parasol_store_open (empty_db, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_false (parasol_trial_restore_backup (empty_db, f->db, &aside, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing was moved aside or left behind. */
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_null (strstr (name, ".damaged-"));
      g_assert_null (strstr (name, ".restore-"));
      n_files++;
    }
  g_assert_cmpint (n_files, >=, 3);

  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parasol_store_count_patients (store), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/trial/create", Fixture, NULL, fixture_set_up, test_create, fixture_tear_down);
  g_test_add ("/trial/create/bad-protocol", Fixture, NULL, fixture_set_up,
              test_create_bad_protocol, fixture_tear_down);
  g_test_add ("/trial/create/demo", Fixture, NULL, fixture_set_up, test_create_demo,
              fixture_tear_down);
  g_test_add ("/trial/restore", Fixture, NULL, fixture_set_up, test_restore, fixture_tear_down);
  g_test_add ("/trial/restore/refusals", Fixture, NULL, fixture_set_up, test_restore_refusals,
              fixture_tear_down);

  return g_test_run ();
}
