/* fuzz-odm.c — libFuzzer target for the CDISC ODM importer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds arbitrary bytes to parasol_odm_import_data() as a dry run against a small trial
 * database (the built-in protocol and three patients, made once in a temporary folder): every
 * check and every store write runs, then the transaction is rolled back, so each input sees the
 * same database.  Whatever the input, the importer must accept it or refuse it with a message —
 * never crash, hang, leak or read out of bounds — and it must never leave a transaction open.
 *
 * Built with -Dfuzzing=true and clang (see build-aux/run-fuzz.sh); without libFuzzer,
 * fuzz-standalone.c drives it over the seed corpus and the example files (the "fuzz-odm-replay"
 * test of the reliability suite).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "parasol-odm.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static ParasolStore *store;
static ParasolProtocol *protocol;
static char *folder;

static void
quiet_log (const char     *log_domain,
           GLogLevelFlags  log_level,
           const char     *message,
           gpointer        user_data)
{
}

static void
remove_folder (void)
{
  g_autofree char *db = g_build_filename (folder, "fuzz.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_clear_object (&store);
  g_clear_object (&protocol);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (db);
  g_rmdir (folder);
  g_free (folder);
}

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  const char *const numbers[] = { "S-0001", "S-0002", "SUBJ-1000" };

  /* Warnings from libxml2 or GLib are not findings; criticals and crashes are. */
  g_log_set_handler (NULL, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                     G_LOG_LEVEL_DEBUG, quiet_log, NULL);

  folder = g_dir_make_tmp ("parasol-fuzz-odm-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (folder, "fuzz.db", NULL);
  protocol = parasol_protocol_new_default (&error);
  g_assert_no_error (error);
  store = parasol_store_open (db, PARASOL_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  parasol_store_init_trial (store, parasol_protocol_get_id (protocol),
                            parasol_protocol_get_registry_id (protocol),
                            parasol_protocol_get_title (protocol),
                            parasol_protocol_get_version (protocol),
                            parasol_protocol_get_source (protocol), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();

      p->screening_number = g_strdup (numbers[i]);
      p->sex = PARASOL_SEX_FEMALE;
      g_date_set_dmy (&p->birth_date, 12, 3, 1960);
      parasol_store_add_patient (store, p, &error);
      g_assert_no_error (error);
    }
  atexit (remove_folder);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ParasolOdmImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (store == NULL)
    set_up ();

  ok = parasol_odm_import_data (store, protocol, (const char *) data, size, "fuzz.xml", TRUE,
                                &report, &error);
  if (!ok && (error == NULL || error->message == NULL || error->message[0] == '\0'))
    __builtin_trap ();   /* a refusal must say why */
  if (ok && (error != NULL || report == NULL || report->written))
    __builtin_trap ();   /* a dry run never writes */

  /* The transaction is closed: a new one can start. */
  if (!parasol_store_begin (store, NULL))
    __builtin_trap ();
  parasol_store_rollback (store);
  return 0;
}
