/* fuzz-lab-import.c — libFuzzer target for the CSV laboratory importer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds arbitrary bytes to parasol_lab_import_parse() against a real trial database (created
 * once per process in a temporary folder, with patients S-0001 and S-0002 and a stored result
 * to be found again as a duplicate).  Whatever the input, the importer must return either an
 * import or a GError with a message — never crash, hang, leak or read out of bounds — and what
 * it accepts must hold what the checks promise: a known lab, a finite value in the plausible
 * range, a ULN in the lab's ULN range, a sample date that has happened.  Nothing is written.
 *
 * Built with -Dfuzzing=true and clang (build-aux/run-fuzz.sh); without libFuzzer,
 * fuzz-standalone.c drives the same function over the corpus and tests/data/lab-imports/ as
 * the "fuzz-lab-import-replay" test.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "parasol-lab-import.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static ParasolStore *store;
static ParasolProtocol *protocol;
static char *tmpdir;

static void
quiet_log (const char     *log_domain,
           GLogLevelFlags  log_level,
           const char     *message,
           gpointer        user_data)
{
}

static void
remove_tmpdir (void)
{
  g_clear_object (&store);
  g_clear_object (&protocol);
  if (tmpdir == NULL)
    return;
  for (const char *const *s = (const char *const[]) { "", "-wal", "-shm", "-journal", NULL }; *s; s++)
    {
      g_autofree char *path = g_strdup_printf ("%s/trial.db%s", tmpdir, *s);
      g_unlink (path);
    }
  g_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  g_log_set_handler (NULL, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                     G_LOG_LEVEL_DEBUG, quiet_log, NULL);
  tmpdir = g_dir_make_tmp ("parasol-fuzz-XXXXXX", &error);
  if (tmpdir == NULL)
    g_error ("%s", error->message);
  atexit (remove_tmpdir);
  db = g_build_filename (tmpdir, "trial.db", NULL);
  store = parasol_store_open (db, PARASOL_STORE_OPEN_CREATE, &error);
  protocol = parasol_protocol_new_default (&error);
  if (store == NULL || protocol == NULL ||
      !parasol_store_init_trial (store, parasol_protocol_get_id (protocol),
                                 parasol_protocol_get_registry_id (protocol),
                                 parasol_protocol_get_title (protocol),
                                 parasol_protocol_get_version (protocol),
                                 parasol_protocol_get_source (protocol), &error))
    g_error ("%s", error->message);

  for (int i = 1; i <= 2; i++)
    {
      g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();
      g_autoptr(ParasolLabResult) lab = parasol_lab_result_new ();
      gint64 id;

      p->screening_number = g_strdup_printf ("S-%04d", i);
      p->sex = PARASOL_SEX_MALE;
      g_date_set_dmy (&p->birth_date, 1, 1, 1960);
      g_date_set_dmy (&p->screening_date, 1, 3, 2025);
      id = parasol_store_add_patient (store, p, &error);
      if (id == 0)
        g_error ("%s", error->message);
      lab->lab = g_strdup ("plt");
      lab->value = 210;
      lab->unit = g_strdup ("10^9/L");
      lab->value_entered = 210;
      lab->unit_entered = g_strdup ("10^9/L");
      lab->uln = NAN;
      g_date_set_dmy (&lab->date, 10, 3, 2025);
      if (parasol_store_add_lab (store, id, lab, NULL, &error) == 0)
        g_error ("%s", error->message);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ParasolLabImport) import = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;

  if (store == NULL)
    set_up ();

  import = parasol_lab_import_parse (store, protocol, (const char *) data, size, "fuzz.csv",
                                     size % 2 ? PARASOL_LAB_IMPORT_STRICT : PARASOL_LAB_IMPORT_DEFAULT,
                                     &error);
  if (import == NULL)
    {
      /* A refusal must say why. */
      if (error == NULL || error->message == NULL || error->message[0] == '\0')
        __builtin_trap ();
      return 0;
    }
  if (error != NULL)
    __builtin_trap ();

  /* What was accepted holds what the checks promise */
  parasol_date_set_today (&today);
  for (guint i = 0; i < import->rows->len; i++)
    {
      const ParasolLabImportRow *row = g_ptr_array_index (import->rows, i);
      const ParasolLabResult *r = row->result;
      const ParasolLabDef *lab = parasol_protocol_find_lab (protocol, r->lab);

      if (lab == NULL || row->patient_id <= 0 || row->line < 2 || !isfinite (r->value) ||
          r->value < lab->plausible_min || r->value > lab->plausible_max ||
          !g_date_valid (&r->date) || g_date_compare (&r->date, &today) > 0)
        __builtin_trap ();
      if (!isnan (r->uln) && !isnan (lab->uln_min) &&
          (r->uln < lab->uln_min || r->uln > lab->uln_max))
        __builtin_trap ();
    }
  if (import->n_patients > 2)
    __builtin_trap ();
  return 0;
}
