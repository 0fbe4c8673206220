/* test-store.c — the trial database: opening, migrations, audit trail, failures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-helpers.h"
#include "parasol-patient-list.h"
#include "parasol-store-private.h"
#include "parasol-store.h"

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Runs @sql on a plain connection (as someone with the sqlite3 shell would); returns the
 * SQLite error message or NULL on success. */
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

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* --- Opening ------------------------------------------------------------------------------ */

static void
test_create (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autofree char *mode = NULL;

  g_assert_cmpint (parasol_store_get_schema_version (store), ==, PARASOL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (f->db, "PRAGMA user_version"), ==, PARASOL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (f->db, "PRAGMA application_id"), ==, parasol_store_application_id ());
  mode = raw_text (f->db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_false (parasol_store_has_trial (store));
  g_assert_cmpint (parasol_store_count_patients (store), ==, 0);
}

static void
test_missing_without_create (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);

  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "parasol-cli init"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_permissions (Fixture *f, gconstpointer data)
{
  g_autofree char *data_home = g_build_filename (f->dir, "xdg-data", NULL);
  g_autofree char *folder = g_build_filename (data_home, "parasol", NULL);
  g_autofree char *path = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *suffixes[] = { "", "-wal", "-shm" };
  struct stat st;
  mode_t old_umask = umask (022);

  /* g_get_user_data_dir() is cached: the default path is tested through its folder logic by
   * pointing the store at the same layout. */
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0755), ==, 0);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  path = g_build_filename (folder, "parasol.db", NULL);

  store = parasol_store_open (path, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  test_add_patient (store, "S-0001");

  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);

      g_assert_cmpint (g_stat (p, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }
  umask (old_umask);
}

static void
test_default_folder (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = cli_make_tmpdir ();
      g_autofree char *data_home = g_build_filename (dir, "share", NULL);
      g_autofree char *folder = g_build_filename (data_home, "parasol", NULL);
      g_autofree char *path = NULL;
      g_autoptr(ParasolStore) store = NULL;
      g_autoptr(GError) error = NULL;
      struct stat st;

      umask (022);
      g_setenv ("XDG_DATA_HOME", data_home, TRUE);
      path = parasol_store_default_path ();
      g_assert_true (g_str_has_prefix (path, folder));

      store = parasol_store_open (NULL, PARASOL_STORE_OPEN_CREATE, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (folder, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0700);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_clear_object (&store);
      cli_rm_rf (dir);
      return;
    }

  /* In a subprocess: XDG_DATA_HOME must be set before GLib caches it. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_not_sqlite (Fixture *f, gconstpointer data)
{
  const char text[] = "Patient,ANC\nS-0001,1.5\n";
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;

  g_assert_true (g_file_set_contents (f->db, text, -1, NULL));
  before = read_bytes (f->db);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL);
  g_assert_nonnull (strstr (error->message, "untouched"));
  after = read_bytes (f->db);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_foreign_sqlite (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  before = read_bytes (f->db);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL);
  after = read_bytes (f->db);
  g_assert_true (g_bytes_equal (before, after));
  wal = g_strconcat (f->db, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_corrupt (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  store = test_open_store (f->db, TRUE);
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *sn = g_strdup_printf ("S-%04d", i);
      test_add_patient (store, sn);
    }
  g_clear_object (&store); /* checkpoints the WAL into the file */

  /* Scribble over the middle of the file, past the header page. */
  g_assert_true (g_file_get_contents (f->db, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 3 * 4096);
  memset (contents + 4096 + 100, 0xA5, 2 * 4096);
  g_assert_true (g_file_set_contents (f->db, contents, len, NULL));
  before = read_bytes (f->db);

  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "backup"));
  after = read_bytes (f->db);
  g_assert_true (g_bytes_equal (before, after));
}

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;

  parasol_store_check_finish (PARASOL_STORE (source), result, error);
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NONE, "ok");
}

/* The task of a check may hold the last reference for a moment after its callback, and then
 * closes the store in its worker thread, after the weak reference is cleared: wait until the
 * store is gone and its write-ahead log with it (the end of the last close), so that everything
 * is in the file. */
static void
close_store (ParasolStore **store)
{
  g_autofree char *wal = g_strconcat (parasol_store_get_path (*store), "-wal", NULL);
  GWeakRef ref;
  ParasolStore *alive;

  g_weak_ref_init (&ref, *store);
  g_clear_object (store);
  while ((alive = g_weak_ref_get (&ref)) != NULL)
    {
      g_object_unref (alive);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_weak_ref_clear (&ref);
  for (int i = 0; i < 10000 && g_file_test (wal, G_FILE_TEST_EXISTS); i++)
    g_usleep (1000);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* Opened with the check deferred, a damaged file opens; the check in the background finds
 * the damage.  A sound file passes it. */
static void
test_deferred_check (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  for (int i = 0; i < 200; i++)
    {
      g_autofree char *sn = g_strdup_printf ("S-%04d", i);
      test_add_patient (store, sn);
    }

  parasol_store_check_async (store, NULL, check_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_error (&error);
  close_store (&store);

  g_assert_true (g_file_get_contents (f->db, &contents, &len, NULL));
  memset (contents + 4096 + 100, 0xA5, 2 * 4096);
  g_assert_true (g_file_set_contents (f->db, contents, len, NULL));

  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFER_CHECK, &error);
  g_assert_no_error (error);
  parasol_store_check_async (store, NULL, check_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT);
}

static void
test_read_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  test_add_patient (store, "S-0001");
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (f->db, 0400), ==, 0);
  before = read_bytes (f->db);

  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY);
  after = read_bytes (f->db);
  g_assert_true (g_bytes_equal (before, after));

  /* Asked for read-only, it opens and reads. */
  g_clear_error (&error);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parasol_store_count_patients (store), ==, 1);
  g_chmod (f->db, 0600);
}

static void
test_missing_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", NULL);
  g_autofree char *path = g_build_filename (missing, "trial.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;

  store = parasol_store_open (path, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NO_FOLDER);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* A folder given as the database. */
  g_clear_error (&error);
  store = parasol_store_open (f->dir, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL);
  g_assert_nonnull (strstr (error->message, "folder"));
}

static void
test_network_filesystem (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;

  g_assert_true (parasol_store_is_network_filesystem (0x6969));        /* NFS */
  g_assert_true (parasol_store_is_network_filesystem (0xFF534D42));    /* CIFS */
  g_assert_true (parasol_store_is_network_filesystem (0xFE534D42));    /* SMB2 */
  g_assert_true (parasol_store_is_network_filesystem (0x517B));        /* SMB */
  g_assert_false (parasol_store_is_network_filesystem (0xEF53));       /* ext4 */
  g_assert_false (parasol_store_is_network_filesystem (0x01021994));   /* tmpfs */
  g_assert_false (parasol_store_is_network_filesystem (0x9123683E));   /* btrfs */

  g_setenv ("PARASOL_TEST_FS_MAGIC", "0x6969", TRUE);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NETWORK_FS);
  g_assert_nonnull (strstr (error->message, "--allow-network-filesystem"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));

  g_clear_error (&error);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_CREATE | PARASOL_STORE_OPEN_ALLOW_NETWORK_FS,
                              &error);
  g_unsetenv ("PARASOL_TEST_FS_MAGIC");
  g_assert_no_error (error);
  g_assert_nonnull (store);
}

static void
test_newer_schema (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autofree char *err = NULL;

  g_clear_object (&store);
  err = raw_exec (f->db, "PRAGMA user_version = 999");
  g_assert_null (err);
  store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NEWER_SCHEMA);
  g_assert_cmpint (raw_int (f->db, "PRAGMA user_version"), ==, 999);
}

/* Every older schema version migrates to the newest, keeping its rows. */
static void
test_migrations (Fixture *f, gconstpointer data)
{
  for (int from = 0; from < PARASOL_STORE_SCHEMA_VERSION; from++)
    {
      g_autofree char *path = g_strdup_printf ("%s/v%d.db", f->dir, from);
      g_autoptr(ParasolStore) store = NULL;
      g_autoptr(ParasolPatientFacts) p = NULL;
      g_autoptr(GError) error = NULL;
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      for (int v = 0; v < from; v++)
        {
          g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %u;",
                                                  v + 1, parasol_store_application_id ());
          g_assert_cmpint (sqlite3_exec (db, parasol_store_migration_sql (v), NULL, NULL, NULL), ==, SQLITE_OK);
          g_assert_cmpint (sqlite3_exec (db, set, NULL, NULL, NULL), ==, SQLITE_OK);
        }
      if (from >= 1)
        g_assert_cmpint (sqlite3_exec (db,
                                       "INSERT INTO patient (screening_number, sex, birth_date, status, ecog, weight_kg)"
                                       " VALUES ('S-OLD', 'male', '1955-01-02', 'screening', 1, 70.5);",
                                       NULL, NULL, NULL), ==, SQLITE_OK);
      if (from >= 2)
        g_assert_cmpint (sqlite3_exec (db,
                                       "INSERT INTO response (patient_id, assessed_on, response)"
                                       " SELECT id, '2026-05-01', 'PR' FROM patient"
                                       " WHERE screening_number = 'S-OLD';",
                                       NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);

      store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_cmpint (parasol_store_get_schema_version (store), ==, PARASOL_STORE_SCHEMA_VERSION);

      if (from >= 1)
        {
          gint64 id = parasol_store_find_patient (store, "S-OLD", &error);

          g_assert_no_error (error);
          p = parasol_store_load_patient (store, id, &error);
          g_assert_no_error (error);
          g_assert_cmpint (p->ecog, ==, 1);
          g_assert_cmpint (p->sex, ==, PARASOL_SEX_MALE);
          /* schema 9: a response recorded before is live (not withdrawn) */
          g_assert_cmpuint (p->responses->len, ==, from >= 2 ? 1 : 0);
          g_assert_cmpuint (p->withdrawn_responses->len, ==, 0);
          /* The newest schema's columns work on the migrated row. */
          g_assert_true (parasol_store_set_patient_field (store, id, "c1d1", "2026-11-02", 0, NULL, &error));
          g_assert_no_error (error);
          /* schema 7: a weight with the day it was measured; the old one stays as it was */
          g_assert_cmpfloat (p->weight_kg, ==, 70.5);
          g_assert_cmpuint (p->weights->len, ==, 0);
          {
            g_autoptr(ParasolPatientFacts) again = NULL;
            GDate measured;

            parasol_date_set_today (&measured);
            g_assert_cmpint (parasol_store_add_weight (store, id, 71, &measured, 0, NULL, &error), >, 0);
            g_assert_no_error (error);
            again = parasol_store_load_patient (store, id, &error);
            g_assert_no_error (error);
            g_assert_cmpuint (again->weights->len, >=, 1);
            g_assert_cmpfloat (again->weight_kg, ==, 71);
          }
          {
            g_autofree char *language = NULL;

            g_assert_true (parasol_store_set_patient_field (store, id, "language", "zh_CN", 0, NULL, &error));
            g_assert_no_error (error);
            g_assert_true (parasol_store_get_patient_language (store, id, &language, &error));
            g_assert_cmpstr (language, ==, "zh_CN");
            g_assert_false (parasol_store_set_patient_field (store, id, "language", "fr", 0, NULL, &error));
            g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID);
            g_clear_error (&error);
          }
        }
      else
        test_add_patient (store, "S-NEW");
    }
}

/* --- Audit trail ---------------------------------------------------------------------------- */

static void
test_audit_rows (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const ParasolAuditEntry *e;
  gint64 id, n_rows = 0, bad = -1;

  parasol_store_set_actor (store, "jdoe", "Jane Doe");
  id = test_add_patient (store, "S-0001");

  /* First value: no reason needed. */
  g_assert_true (parasol_store_set_patient_field (store, id, "ecog", "1", 0, NULL, &error));
  g_assert_no_error (error);

  /* Changing a saved value: the reason is required, and nothing is written without one. */
  g_assert_false (parasol_store_set_patient_field (store, id, "ecog", "0", 0, NULL, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_false (parasol_store_set_patient_field (store, id, "ecog", "0", 0, "", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED);
  g_clear_error (&error);

  g_assert_true (parasol_store_set_patient_field (store, id, "ecog", "0", 0,
                                                  "Transcription error", &error));
  g_assert_no_error (error);

  /* The same value again writes nothing. */
  g_assert_true (parasol_store_set_patient_field (store, id, "ecog", "0", 0, NULL, &error));

  entries = parasol_store_audit_list (store, "patient", id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);

  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (e->table_name, ==, "patient");
  g_assert_cmpint (e->record, ==, id);
  g_assert_null (e->field);
  g_assert_null (e->old_value);
  g_assert_nonnull (strstr (e->new_value, "\"screening_number\": \"S-0001\""));
  g_assert_cmpstr (e->who, ==, "jdoe");
  g_assert_cmpstr (e->who_name, ==, "Jane Doe");
  g_assert_true (g_str_has_suffix (e->at, "Z"));
  /* Row 1 keys the chain with the site key; the patient links to it. */
  {
    g_autoptr(GPtrArray) all = parasol_store_audit_list (store, NULL, 0, 0, &error);
    const ParasolAuditEntry *first = g_ptr_array_index (all, 0);

    g_assert_cmpint (first->seq, ==, 1);
    g_assert_cmpstr (first->table_name, ==, "audit");
    g_assert_cmpstr (first->field, ==, "key");
    g_assert_cmpstr (first->prev_hash, ==, "0000000000000000000000000000000000000000000000000000000000000000");
    g_assert_cmpstr (e->prev_hash, ==, first->hash);
  }

  e = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (e->field, ==, "ecog");
  g_assert_null (e->old_value);
  g_assert_cmpstr (e->new_value, ==, "1");
  g_assert_null (e->reason);

  e = g_ptr_array_index (entries, 2);
  g_assert_cmpstr (e->field, ==, "ecog");
  g_assert_cmpstr (e->old_value, ==, "1");
  g_assert_cmpstr (e->new_value, ==, "0");
  g_assert_cmpstr (e->reason, ==, "Transcription error");
  g_assert_cmpstr (e->prev_hash, ==, ((ParasolAuditEntry *) g_ptr_array_index (entries, 1))->hash);

  g_assert_true (parasol_store_audit_verify (store, &n_rows, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_rows, ==, 4);  /* the key marker and three rows */
  g_assert_cmpint (bad, ==, 0);
}

static void
test_invalid_values (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  gint64 id = test_add_patient (store, "S-0001");
  struct { const char *field, *value; int code; } cases[] = {
    { "ecog", "6", PARASOL_STORE_ERROR_INVALID },
    { "ecog", "-1", PARASOL_STORE_ERROR_INVALID },
    { "ecog", "one", PARASOL_STORE_ERROR_INVALID },
    { "weight_kg", "700", PARASOL_STORE_ERROR_INVALID },
    { "height_cm", "1.7", PARASOL_STORE_ERROR_INVALID },
    { "liver_metastases", "maybe", PARASOL_STORE_ERROR_INVALID },
    { "birth_date", "1960-02-30", PARASOL_STORE_ERROR_INVALID },
    { "sex", "unknown", PARASOL_STORE_ERROR_INVALID },
    { "status", "cured", PARASOL_STORE_ERROR_INVALID },
    { "shoe_size", "44", PARASOL_STORE_ERROR_INVALID },
  };
  gint64 n_before = 0, n_after = 0;

  parasol_store_audit_verify (store, &n_before, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (parasol_store_set_patient_field (store, id, cases[i].field, cases[i].value,
                                                       0, "test", &error));
      g_assert_error (error, PARASOL_STORE_ERROR, cases[i].code);
    }
  parasol_store_audit_verify (store, &n_after, NULL, NULL);
  g_assert_cmpint (n_before, ==, n_after);
}

static void
test_audit_append_only (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autofree char *update_err = NULL;
  g_autofree char *delete_err = NULL;

  test_add_patient (store, "S-0001");
  g_clear_object (&store);

  update_err = raw_exec (f->db, "UPDATE audit SET new_value = 'x' WHERE seq = 1");
  delete_err = raw_exec (f->db, "DELETE FROM audit");
  g_assert_nonnull (update_err);
  g_assert_nonnull (strstr (update_err, "append-only"));
  g_assert_nonnull (delete_err);
  g_assert_nonnull (strstr (delete_err, "append-only"));
  g_assert_cmpint (raw_int (f->db, "SELECT count(*) FROM audit"), ==, 2);  /* the key marker and the patient */
}

/* A byte changed in row K of a copy is reported as row K. */
static void
test_audit_tamper (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 12; i++)
    {
      g_autofree char *sn = g_strdup_printf ("S-%04d", i);
      test_add_patient (store, sn);
    }
  g_assert_true (parasol_store_backup (store, copy, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Row 1 keys the chain; rows 2.. are the patients.  The trigger is put back as it was, so
   * the schema check on open does not give the edit away: the chain must. */
  for (gint64 k = 2; k <= 13; k += 5)
    {
      g_autofree char *tampered = g_strdup_printf ("%s/tampered-%" G_GINT64_FORMAT ".db", f->dir, k);
      g_autofree char *sql = g_strdup_printf (
        "DROP TRIGGER audit_no_update;"
        "UPDATE audit SET new_value = replace (new_value, 'ABC', 'ABD') WHERE seq = %" G_GINT64_FORMAT ";"
        "%s;", k, parasol_store_migration_sql (0) == NULL ? "" :
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
        "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only: rows cannot be changed'); END");
      g_autofree char *err = NULL;
      g_autoptr(ParasolStore) t = NULL;
      gint64 bad = 0;
      GBytes *bytes = read_bytes (copy);

      g_assert_true (g_file_set_contents (tampered, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
      g_bytes_unref (bytes);
      err = raw_exec (tampered, sql);
      g_assert_null (err);

      t = parasol_store_open (tampered, PARASOL_STORE_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_false (parasol_store_audit_verify (t, NULL, &bad, &error));
      g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT);
      g_assert_cmpint (bad, ==, k);
      g_clear_error (&error);
    }
}

/* --- Concurrency --------------------------------------------------------------------------- */

static void
test_conflict (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) a = test_open_store (f->db, TRUE);
  g_autoptr(ParasolStore) b = NULL;
  g_autoptr(ParasolPatientFacts) seen = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = test_add_patient (a, "S-0001");

  b = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  seen = parasol_store_load_patient (a, id, &error);
  g_assert_no_error (error);

  /* Another process saves first. */
  g_assert_true (parasol_store_set_patient_field (b, id, "weight_kg", "70", 0, NULL, &error));
  g_assert_no_error (error);

  /* The first one's save, based on what it saw, is refused rather than lost. */
  g_assert_false (parasol_store_set_patient_field (a, id, "weight_kg", "72", seen->version,
                                                   "weighed again", &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Reload"));
  g_clear_error (&error);

  /* The other process's change is seen by polling. */
  g_assert_true (parasol_store_poll_external_change (a));
  g_clear_pointer (&seen, parasol_patient_facts_free);
  seen = parasol_store_load_patient (a, id, &error);
  g_assert_cmpfloat (seen->weight_kg, ==, 70);
  g_assert_true (parasol_store_set_patient_field (a, id, "weight_kg", "72", seen->version,
                                                  "weighed again", &error));
  g_assert_no_error (error);
}

/* Another process holds the write lock: a clear "busy" error, nothing half-written, and the
 * write goes through once the lock is released. */
static void
test_locked (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(GError) error = NULL;
  gint64 id = test_add_patient (store, "S-0001");
  gint64 rows_before = 0, rows_after = 0;
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (f->db, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  parasol_store_audit_verify (store, &rows_before, NULL, NULL);
  g_assert_false (parasol_store_set_patient_field (store, id, "ecog", "1", 0, NULL, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "another program"));
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  parasol_store_audit_verify (store, &rows_after, NULL, NULL);
  g_assert_cmpint (rows_before, ==, rows_after);
  g_assert_true (parasol_store_set_patient_field (store, id, "ecog", "1", 0, NULL, &error));
  g_assert_no_error (error);
}

static void
test_backup (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autofree char *dest = g_build_filename (f->dir, "backup.db", NULL);
  g_autoptr(ParasolStore) copy = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  test_add_patient (store, "S-0001");
  test_add_patient (store, "S-0002");
  g_assert_true (parasol_store_backup (store, dest, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dest, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Never overwrites. */
  g_assert_false (parasol_store_backup (store, dest, &error));
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  copy = parasol_store_open (dest, PARASOL_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parasol_store_count_patients (copy), ==, 2);
  g_assert_true (parasol_store_audit_verify (copy, NULL, NULL, &error));
}

/* --- The list model -------------------------------------------------------------------------- */

typedef struct {
  guint position, removed, added;
  guint count;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *rec)
{
  rec->position = position;
  rec->removed = removed;
  rec->added = added;
  rec->count++;
}

static void
test_patient_list (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(ParasolPatientList) list = NULL;
  g_autoptr(ParasolPatient) item = NULL;
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  ParasolLabResult lab = { 0 };
  ItemsChanged rec = { 0 };
  gint64 id2;

  test_add_patient (store, "S-0001");
  test_add_patient (store, "S-0003");
  list = parasol_patient_list_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &rec);

  /* An insertion between the two, at its sorted position. */
  id2 = test_add_patient (store, "S-0002");
  g_assert_cmpuint (rec.count, ==, 1);
  g_assert_cmpuint (rec.position, ==, 1);
  g_assert_cmpuint (rec.removed, ==, 0);
  g_assert_cmpuint (rec.added, ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_cmpstr (parasol_patient_get_screening_number (item), ==, "S-0002");
  g_clear_object (&item);

  /* A change of a summary field replaces that one item. */
  g_assert_true (parasol_store_set_patient_status (store, id2, "screen_failed", "ANC low", &error));
  g_assert_cmpuint (rec.count, ==, 2);
  g_assert_cmpuint (rec.position, ==, 1);
  g_assert_cmpuint (rec.removed, ==, 1);
  g_assert_cmpuint (rec.added, ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_cmpstr (parasol_patient_get_status (item), ==, "screen_failed");
  g_clear_object (&item);

  /* A lab result does not touch the summary row: no signal. */
  lab.lab = (char *) "anc";
  lab.value = 1.5;
  lab.unit = (char *) "10^9/L";
  lab.uln = NAN;
  lab.value_entered = NAN;
  g_date_clear (&lab.date, 1);
  g_date_set_dmy (&lab.date, 1, 10, 2026);
  g_assert_cmpint (parasol_store_add_lab (store, id2, &lab, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (rec.count, ==, 2);

  /* Model-level filtering. */
  g_assert_cmpuint (parasol_patient_list_filter (list, "s-0002", positions), ==, 1);
  g_assert_cmpuint (g_array_index (positions, guint, 0), ==, 1);
  g_assert_cmpuint (parasol_patient_list_filter (list, "screen failed", NULL), ==, 1);
  g_assert_cmpuint (parasol_patient_list_filter (list, "", NULL), ==, 3);
  g_assert_cmpuint (parasol_patient_list_filter (list, "abc s-000", NULL), ==, 3);
  g_assert_cmpuint (parasol_patient_list_filter (list, "zzz", NULL), ==, 0);

  /* A rename moves the row: one removal, one insertion. */
  g_assert_true (parasol_store_set_patient_field (store, id2, "screening_number", "S-0009", 0,
                                                  "typo", &error));
  g_assert_cmpuint (rec.count, ==, 4);
  g_assert_cmpuint (rec.position, ==, 2);
  g_assert_cmpuint (rec.added, ==, 1);
}

/* --- Crash safety ---------------------------------------------------------------------------- */

/* The child: audited writes, reporting each acknowledged (committed) one on @fd. */
static void G_GNUC_NORETURN
crash_writer (const char *path,
              int         fd,
              int         base,
              int         n_writes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);
  gint64 id;

  if (store == NULL)
    _exit (3);
  id = parasol_store_find_patient (store, "S-CRASH", NULL);

  for (int i = 1; i <= n_writes; i++)
    {
      ParasolLabResult lab = { 0 };
      gint32 ack;

      lab.lab = (char *) "plt";
      lab.value = base + i;
      lab.unit = (char *) "10^9/L";
      lab.uln = NAN;
      lab.value_entered = NAN;
      g_date_clear (&lab.date, 1);
      g_date_set_dmy (&lab.date, 1, 10, 2026);
      if (parasol_store_add_lab (store, id, &lab, NULL, NULL) == 0)
        _exit (4);
      ack = i;
      if (write (fd, &ack, sizeof ack) != sizeof ack)
        _exit (5);
    }
  _exit (0);
}

static void
run_crash_rounds (const char *dir,
                  int         rounds,
                  int         n_writes)
{
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(ParasolStore) store = test_open_store (path, TRUE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);

  test_add_patient (store, "S-CRASH");
  g_clear_object (&store);

  for (int round = 0; round < rounds; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ParasolStore) check = NULL;
      g_autofree char *integrity = NULL;
      int fds[2];
      pid_t pid;
      gint32 ack, last_ack = 0;
      gint64 n_rows = 0, bad = 0;
      int status;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          crash_writer (path, fds[1], (round + 1) * 100000, n_writes);
        }
      close (fds[1]);

      /* Let it write for a random while, then kill -9. */
      g_usleep (g_rand_int_range (rand, 20, 400) * 1000);
      kill (pid, SIGKILL);
      while (read (fds[0], &ack, sizeof ack) == sizeof ack)
        last_ack = MAX (last_ack, ack);
      close (fds[0]);
      waitpid (pid, &status, 0);

      integrity = raw_text (path, "PRAGMA integrity_check");
      g_assert_cmpstr (integrity, ==, "ok");

      check = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_true (parasol_store_audit_verify (check, &n_rows, &bad, &error));
      g_assert_no_error (error);
      g_clear_object (&check);

      /* Every acknowledged write of this round is there. */
      if (last_ack > 0)
        {
          g_autofree char *sql = g_strdup_printf (
            "SELECT count(*) FROM lab WHERE value BETWEEN %d AND %d",
            (round + 1) * 100000 + 1, (round + 1) * 100000 + last_ack);
          g_assert_cmpint (raw_int (path, sql), ==, last_ack);
        }
      g_test_message ("round %d: killed after %d acknowledged writes, %" G_GINT64_FORMAT " audit rows",
                      round, last_ack, n_rows);
    }
}

static void
test_crash (Fixture *f, gconstpointer data)
{
  run_crash_rounds (f->dir, 3, 10000);
}

/* What a form asks before it writes several fields: the same refusals as
 * parasol_store_set_patient_field(), and nothing written. */
static void
test_check_patient_field (Fixture *f, gconstpointer data)
{
  g_autoptr(ParasolStore) store = test_open_store (f->db, TRUE);
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tomorrow_text = NULL;
  gint64 id = test_add_patient (store, "S-0001");
  int audit_rows = raw_int (f->db, "SELECT count(*) FROM audit");
  GDate tomorrow;
  char buf[PARASOL_DATE_BUF_SIZE];
  const struct { const char *field, *value; } good[] = {
    { "ecog", "1" }, { "height_cm", "163" }, { "childbearing_potential", "no" },
    { "last_transfusion", "2025-10-01" }, { "last_transfusion", NULL }, { "weight_kg", "61" },
  };
  const struct { const char *field, *value, *needle; } bad[] = {
    { "ecog", "7", "7" }, { "height_cm", "16.3", "16.3" }, { "height_cm", "tall", "tall" },
    { "childbearing_potential", "maybe", "maybe" }, { "last_transfusion", "2025-02-30", "2025-02-30" },
    { "status", "enrolled", "status" }, { "arm", "dll3", "arm" }, { "shoe_size", "42", "shoe_size" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (parasol_store_check_patient_field (store, good[i].field, good[i].value, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (parasol_store_check_patient_field (store, bad[i].field, bad[i].value, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
      g_clear_error (&error);
    }
  /* A transfusion that has not happened yet */
  parasol_date_set_today (&tomorrow);
  g_date_add_days (&tomorrow, 1);
  tomorrow_text = g_strdup (parasol_date_format (&tomorrow, buf, sizeof buf));
  g_assert_false (parasol_store_check_patient_field (store, "last_transfusion", tomorrow_text, &error));
  g_assert_nonnull (strstr (error->message, tomorrow_text));
  g_clear_error (&error);

  /* Checked, not written */
  g_assert_cmpint (raw_int (f->db, "SELECT count(*) FROM audit"), ==, audit_rows);
  facts = parasol_store_load_patient (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (facts->ecog, ==, -1);
  g_assert_true (isnan (facts->height_cm));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("PARASOL_BUSY_TIMEOUT_MS", "200", TRUE);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/open/create", test_create);
  ADD ("/store/patient/check-field", test_check_patient_field);
  ADD ("/store/open/missing-without-create", test_missing_without_create);
  ADD ("/store/open/permissions", test_permissions);
  g_test_add_func ("/store/open/default-folder", test_default_folder);
  ADD ("/store/open/not-sqlite", test_not_sqlite);
  ADD ("/store/open/foreign-sqlite", test_foreign_sqlite);
  ADD ("/store/open/corrupt", test_corrupt);
  ADD ("/store/open/deferred-check", test_deferred_check);
  ADD ("/store/open/read-only", test_read_only);
  ADD ("/store/open/missing-folder", test_missing_folder);
  ADD ("/store/open/network-filesystem", test_network_filesystem);
  ADD ("/store/open/newer-schema", test_newer_schema);
  ADD ("/store/migrations", test_migrations);
  ADD ("/store/audit/rows", test_audit_rows);
  ADD ("/store/audit/invalid-values", test_invalid_values);
  ADD ("/store/audit/append-only", test_audit_append_only);
  ADD ("/store/audit/tamper", test_audit_tamper);
  ADD ("/store/conflict", test_conflict);
  ADD ("/store/locked", test_locked);
  ADD ("/store/backup", test_backup);
  ADD ("/store/patient-list", test_patient_list);
  ADD ("/store/crash", test_crash);
#undef ADD

  return g_test_run ();
}
