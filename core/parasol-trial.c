/* parasol-trial.c — creating, opening and restoring a trial database as a whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-trial"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "parasol-demo.h"
#include "parasol-trial.h"

ParasolStore *
parasol_trial_create (const char            *path,
                      const char            *protocol_path,
                      int                    demo_patients,
                      guint32                seed,
                      ParasolStoreOpenFlags  flags,
                      GError               **error)
{
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolStore) store = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Validate the protocol before anything is created on disk. */
  protocol = protocol_path != NULL ? parasol_protocol_new_from_file (protocol_path, error)
                                   : parasol_protocol_new_default (error);
  if (protocol == NULL)
    return NULL;

  store = parasol_store_open (path, flags | PARASOL_STORE_OPEN_CREATE, error);
  if (store == NULL)
    return NULL;

  if (parasol_store_has_trial (store))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("%s already holds a trial; it was left unchanged. Choose a new file "
                     "name for the new trial."),
                   parasol_store_get_path (store));
      return NULL;
    }

  if (!parasol_store_init_trial (store,
                                 parasol_protocol_get_id (protocol),
                                 parasol_protocol_get_registry_id (protocol),
                                 parasol_protocol_get_title (protocol),
                                 parasol_protocol_get_version (protocol),
                                 parasol_protocol_get_source (protocol),
                                 error))
    return NULL;

  if (demo_patients > 0 &&
      !parasol_demo_populate (store, protocol, demo_patients, seed, error))
    return NULL;

  return g_steal_pointer (&store);
}

/* Copies @source next to @target in chunks (a trial can be hundreds of megabytes), synced,
 * mode 0600; returns the temporary file's path in @tmp_path. */
static gboolean
copy_to_temporary (const char  *source,
                   const char  *target,
                   char       **tmp_path,
                   GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *template = g_strdup_printf ("%s/.%s.restore-XXXXXX", dir, base);
  g_autofree char *buffer = g_malloc (1 << 20);
  int in = -1;
  int out = -1;
  int errsv = 0;

  in = g_open (source, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Cannot read %s: %s. Nothing was changed."), source, g_strerror (errsv));
      return FALSE;
    }

  out = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600);
  if (out < 0)
    {
      errsv = errno;
      close (in);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Cannot write in %s: %s. Nothing was changed."), dir, g_strerror (errsv));
      return FALSE;
    }

  for (;;)
    {
      ssize_t n = read (in, buffer, 1 << 20);
      ssize_t done = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          errsv = errno;
          break;
        }
      if (n == 0)
        break;
      while (done < n)
        {
          ssize_t w = write (out, buffer + done, (size_t) (n - done));

          if (w < 0 && errno == EINTR)
            continue;
          if (w <= 0)
            {
              errsv = w < 0 ? errno : ENOSPC;
              break;
            }
          done += w;
        }
      if (errsv != 0)
        break;
    }

  close (in);
  if (errsv == 0 && fsync (out) != 0)
    errsv = errno;
  if (close (out) != 0 && errsv == 0)
    errsv = errno;

  if (errsv != 0)
    {
      g_unlink (template);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Cannot write the restored copy in %s: %s. Nothing was changed."),
                   dir, g_strerror (errsv));
      return FALSE;
    }

  *tmp_path = g_steal_pointer (&template);
  return TRUE;
}

gboolean
parasol_trial_restore_backup (const char  *backup_path,
                              const char  *target_path,
                              char       **set_aside_path,
                              GError     **error)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  g_autoptr(ParasolStore) backup = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *real_backup = NULL;
  g_autofree char *real_target = NULL;
  gint64 n_rows = 0;
  gint64 first_bad = 0;
  gboolean moved[G_N_ELEMENTS (suffixes)] = { FALSE, };

  g_return_val_if_fail (backup_path != NULL, FALSE);
  g_return_val_if_fail (target_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (set_aside_path != NULL)
    *set_aside_path = NULL;

  real_backup = g_canonicalize_filename (backup_path, NULL);
  real_target = g_canonicalize_filename (target_path, NULL);
  if (g_strcmp0 (real_backup, real_target) == 0)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The backup is the damaged database itself. Choose a backup file made "
                     "with “Back Up” or “parasol-cli backup”."));
      return FALSE;
    }

  /* The backup must be a sound Parasol database before anything is moved. */
  backup = parasol_store_open (backup_path, PARASOL_STORE_OPEN_READ_ONLY, error);
  if (backup == NULL)
    return FALSE;
  if (!parasol_store_has_trial (backup))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("%s holds no trial, so it cannot replace the database. Choose another "
                     "backup."), backup_path);
      return FALSE;
    }
  if (!parasol_store_audit_verify (backup, &n_rows, &first_bad, error))
    return FALSE;
  g_clear_object (&backup);

  if (!copy_to_temporary (backup_path, target_path, &tmp, error))
    return FALSE;

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  /* Keep the damaged file and its journals beside it: nothing is ever deleted. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (target_path, suffixes[i], NULL);
      g_autofree char *to = g_strdup_printf ("%s.damaged-%s%s", target_path, stamp, suffixes[i]);

      if (!g_file_test (from, G_FILE_TEST_EXISTS))
        continue;
      if (g_rename (from, to) != 0)
        {
          int errsv = errno;

          /* Put back what was already moved. */
          for (guint j = 0; j < i; j++)
            if (moved[j])
              {
                g_autofree char *back_from = g_strdup_printf ("%s.damaged-%s%s", target_path,
                                                              stamp, suffixes[j]);
                g_autofree char *back_to = g_strconcat (target_path, suffixes[j], NULL);
                g_rename (back_from, back_to);
              }
          g_unlink (tmp);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                       _("Cannot move %s aside: %s. Nothing was changed."), from,
                       g_strerror (errsv));
          return FALSE;
        }
      moved[i] = TRUE;
      if (i == 0)
        aside = g_steal_pointer (&to);
    }

  if (g_rename (tmp, target_path) != 0)
    {
      int errsv = errno;

      g_unlink (tmp);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   _("Cannot put the backup in place of %s: %s. The damaged file was kept "
                     "as %s."), target_path, g_strerror (errsv), aside != NULL ? aside : "");
      return FALSE;
    }

  /* The restored trail is shorter than the anchor the replaced file left outside the database:
   * that is this restore, not tampering (the backup's own chain verified above).  Say so in
   * the trail itself, so that writing can go on and the restore stays on record. */
  {
    g_autoptr(GError) open_error = NULL;
    g_autoptr(ParasolStore) restored = parasol_store_open (target_path, PARASOL_STORE_OPEN_DEFAULT,
                                                           &open_error);

    if (restored == NULL)
      g_warning ("Could not open the restored %s: %s", target_path, open_error->message);

    if (restored != NULL && parasol_store_get_damage (restored) != NULL)
      {
        g_autofree char *base = g_path_get_basename (backup_path);
        g_autofree char *reason = g_strdup_printf (_("Restored from the backup %s"), base);
        g_autoptr(GError) ack_error = NULL;

        if (!parasol_store_audit_acknowledge (restored, reason, &ack_error))
          g_warning ("Could not record the restore of %s: %s", target_path, ack_error->message);
      }
  }

  g_debug ("Restored %s from %s (%" G_GINT64_FORMAT " audit rows)", target_path, backup_path,
           n_rows);
  if (set_aside_path != NULL)
    *set_aside_path = g_steal_pointer (&aside);
  return TRUE;
}
