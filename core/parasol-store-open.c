/* parasol-store-open.c — opening, checking and backing up the trial database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The write machinery is in parasol-store.c; parasol-store-private.h shares it.
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "parasol-store.h"
#include "parasol-store-private.h"

#define BUSY_TIMEOUT_MS 10000

/* --- Opening ----------------------------------------------------------------------------- */

char *
parasol_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "parasol", "parasol.db", NULL);
}

gboolean
parasol_store_ensure_default_folder (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "parasol", NULL);

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create the folder %s: %s"), dir, g_strerror (errsv));
      return FALSE;
    }
  /* Whatever the umask: the folder holds patient data. */
  g_chmod (dir, 0700);
  return TRUE;
}

gboolean
parasol_store_is_network_filesystem (gint64 magic)
{
  switch ((guint32) magic)
    {
    case 0x6969:     /* NFS_SUPER_MAGIC */
    case 0x517B:     /* SMB_SUPER_MAGIC */
    case 0xFF534D42: /* CIFS_MAGIC_NUMBER */
    case 0xFE534D42: /* SMB2_MAGIC_NUMBER */
    case 0x01021997: /* V9FS_MAGIC (9p) */
    case 0x564c:     /* NCP_SUPER_MAGIC */
    case 0x6B414653: /* AFS_FS_MAGIC */
    case 0x73757245: /* CODA_SUPER_MAGIC */
    case 0x013111A8: /* IBRIX */
    case 0x47504653: /* GPFS */
    case 0x0BD00BD0: /* LUSTRE */
    case 0x19830326: /* FhGFS / BeeGFS */
    case 0x65735546: /* FUSE: sshfs and other network mounts commonly sit on FUSE */
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
check_filesystem (const char *dir,
                  gboolean    allow,
                  GError    **error)
{
  struct statfs st;
  gint64 magic;
  const char *forced = g_getenv ("PARASOL_TEST_FS_MAGIC");

  if (forced != NULL)
    magic = g_ascii_strtoll (forced, NULL, 0);
  else if (statfs (dir, &st) == 0)
    magic = (gint64) st.f_type;
  else
    return TRUE;

  if (allow || !parasol_store_is_network_filesystem (magic))
    return TRUE;

  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NETWORK_FS,
               _("The database folder %s is on a network filesystem (type 0x%" PRIx64 "). "
                 "SQLite's file locking is not reliable there, and two computers writing at once "
                 "can corrupt the trial data. Keep the database on a local disk; if you are sure "
                 "only one computer uses it, pass --allow-network-filesystem."),
               dir, magic);
  return FALSE;
}

/* Reads the first 16 bytes without changing the file. */
static gboolean
looks_like_sqlite (const char *path,
                   goffset    *size_out)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  struct stat st;
  int fd;
  ssize_t n;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0)
    {
      close (fd);
      return FALSE;
    }
  *size_out = st.st_size;
  n = read (fd, header, sizeof header);
  close (fd);

  if (st.st_size == 0)
    return TRUE;
  return n == sizeof header && memcmp (header, magic, sizeof header) == 0;
}

static gboolean
configure_connection (ParasolStore *self,
                      GError      **error)
{
  int enabled = 0;
  const char *timeout;

  sqlite3_extended_result_codes (self->db, 1);
  timeout = g_getenv ("PARASOL_BUSY_TIMEOUT_MS");
  /* How long to wait for another process's write lock before saying "busy". */
  sqlite3_busy_timeout (self->db, timeout != NULL ? (int) g_ascii_strtoll (timeout, NULL, 10)
                                                  : BUSY_TIMEOUT_MS);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &enabled);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &enabled);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &enabled);

  /* cache_size: a ceiling, allocated as pages are used.  SQLite's 2 MiB default is smaller than
   * the lab index of a large trial: a big import, touching that index all over, then spilled
   * dirty pages into the log again and again (a million results took minutes, not seconds). */
  return store_exec (self,
               "PRAGMA trusted_schema = OFF;"
               "PRAGMA foreign_keys = ON;"
               "PRAGMA secure_delete = ON;"
               "PRAGMA cache_size = -65536;",
               _("configuring the database"), error);
}

gboolean
store_query_int (ParasolStore *self,
                 const char   *sql,
                 gint64       *value,
                 GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the database"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_identity (ParasolStore *self,
                GError      **error)
{
  gint64 app_id = 0, n_objects = 0;

  if (!store_query_int (self, "PRAGMA application_id", &app_id, error) ||
      !store_query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (app_id == PARASOL_APPLICATION_ID || (app_id == 0 && n_objects == 0))
    return TRUE;

  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL,
               _("%s is an SQLite database, but not a Parasol database. "
                 "It was left untouched; choose a Parasol database or a new file name."),
               self->path);
  return FALSE;
}

static gboolean
quick_check_db (sqlite3     *db,
                const char  *path,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    result = store_column_strdup (stmt, 0);
  sqlite3_finalize (stmt);

  if (result != NULL && g_strcmp0 (result, "ok") == 0)
    return TRUE;

  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
               _("The database %s is damaged (%s). It was left untouched; "
                 "restore it from a backup (parasol-cli backup makes them)."),
               path, result != NULL ? result : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
quick_check (ParasolStore *self,
             GError      **error)
{
  return quick_check_db (self->db, self->path, error);
}

typedef struct {
  StoreCheckInfo     *info;
  ParasolAuditReport *report;
} CheckData;

static void
check_data_free (CheckData *data)
{
  store_check_info_free (data->info);
  parasol_audit_report_free (data->report);
  g_free (data);
}

int
store_open_reader (const char  *path,
                   sqlite3    **db)
{
  int rc = sqlite3_open_v2 (path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      sqlite3_close_v2 (*db);
      *db = NULL;
      return rc;
    }
  sqlite3_busy_timeout (*db, BUSY_TIMEOUT_MS);
  return SQLITE_OK;
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *data = task_data;
  const char *path = parasol_store_get_path (source_object);
  GError *error = NULL;
  sqlite3 *db = NULL;
  int rc;

  rc = store_open_reader (path, &db);
  if (rc != SQLITE_OK)
    g_set_error (&error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
                 _("The database %s could not be checked: %s"), path, sqlite3_errstr (rc));
  else
    {
      /* Then the audit trail: chain, anchor, and every value reconciled with it. */
      if (quick_check_db (db, path, &error))
        data->report = store_audit_check_db (db, data->info, cancellable, &error);
    }

  /* Closed before the result is returned: once the caller hears of it and closes the store,
   * its connection is the last one and checkpoints the write-ahead log into the file. */
  sqlite3_close_v2 (db);

  if (data->report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  store_record_damage_for (data->info, data->report);
  if (data->report->valid || data->report->acknowledged)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT,
                             _("The audit trail of %s does not verify: %s"), path,
                             data->report->message);
}

void
parasol_store_check_async (ParasolStore        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (PARASOL_IS_STORE (self));

  data = g_new0 (CheckData, 1);
  data->info = store_check_info_new (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parasol_store_check_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
}

gboolean
parasol_store_check_finish (ParasolStore  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  CheckData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  data = g_task_get_task_data (G_TASK (result));
  /* Damage found in the background stops writes here too. */
  if (data->report != NULL)
    store_trust_record_damage (self, data->report);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
restrict_permissions (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
      struct stat st;

      if (g_stat (p, &st) == 0 && (st.st_mode & 0077) != 0)
        g_chmod (p, 0600);
    }
}

/* The real path of @path: symlinks resolved in the file (if it exists) and its folders. */
static char *
resolve_path (const char *path,
              GError    **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *real_dir = NULL;
  char *real = realpath (path, NULL);

  if (real != NULL)
    return real;
  if (errno != ENOENT)
    {
      int errsv = errno;
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("The path %s cannot be followed: %s."), path, g_strerror (errsv));
      return NULL;
    }
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("%s is a symbolic link to a file that does not exist. Give the path of "
                     "the database itself."), path);
      return NULL;
    }
  /* A new file: resolve its folder. */
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  real_dir = realpath (dir, NULL);
  if (real_dir == NULL)
    return g_strdup (path);  /* reported as a missing folder */
  return g_build_filename (real_dir, base, NULL);
}

/* Anyone who can write the folder can plant a -wal file that SQLite replays on open (it can
 * change any row and drop any trigger): the folder must be writable by its owner only. */
static gboolean
check_folder_private (const char *dir,
                      GError    **error)
{
  struct stat st;

  if (g_stat (dir, &st) != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) == 0)
    return TRUE;

  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY,
               _("The folder %s can be written by other accounts (mode %03o), so someone else "
                 "could plant a journal file that changes the trial data when it is opened. "
                 "Keep the database in a folder only you can write (chmod 700 %s), or move it "
                 "to your own folder."), dir, (guint) (st.st_mode & 0777), dir);
  return FALSE;
}

ParasolStore *
parasol_store_open (const char            *path,
                    ParasolStoreOpenFlags  flags,
                    GError               **error)
{
  g_autoptr(ParasolStore) self = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *real_path = NULL;
  g_autofree char *given_path = NULL;
  g_autofree char *dir = NULL;
  gboolean exists;
  gboolean created = FALSE;
  goffset size = 0;
  int open_flags;
  int rc;

  if (path == NULL)
    {
      if (!parasol_store_ensure_default_folder (error))
        return NULL;
      path = default_path = parasol_store_default_path ();
    }
  given_path = g_strdup (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL,
                   _("%s is a folder, not a database file. Give the path of a database file, "
                     "for example %s/parasol.db."), path, path);
      return NULL;
    }

  /* Every check below is on the file SQLite will really open, and on its real folder, where
   * it creates the -wal and -shm files: symlinks are resolved first. */
  real_path = resolve_path (path, error);
  if (real_path == NULL)
    return NULL;
  dir = g_path_get_dirname (real_path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NO_FOLDER,
                   _("The folder %s does not exist. Create it first, or choose another "
                     "location for the database."), dir);
      return NULL;
    }

  if (!check_filesystem (dir, (flags & PARASOL_STORE_OPEN_ALLOW_NETWORK_FS) != 0, error) ||
      !check_folder_private (dir, error))
    return NULL;
  path = real_path;

  exists = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!exists && !(flags & PARASOL_STORE_OPEN_CREATE))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("There is no database at %s. Create one with “parasol-cli init” "
                     "(or “parasol-cli demo” for a demo trial)."), path);
      return NULL;
    }

  if (exists)
    {
      struct stat st;

      if (!looks_like_sqlite (path, &size))
        {
          if (g_access (path, R_OK) != 0)
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY,
                         _("%s cannot be read: %s. Check its permissions."),
                         path, g_strerror (errno));
          else
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL,
                         _("%s is not a Parasol database (it is not an SQLite file). "
                           "It was left untouched; choose another file."), path);
          return NULL;
        }

      /* A file without write bits was made read-only on purpose: respect that even as root,
       * for whom access (W_OK) always succeeds. */
      if (!(flags & PARASOL_STORE_OPEN_READ_ONLY) &&
          (g_access (path, W_OK) != 0 || g_access (dir, W_OK) != 0 ||
           (g_stat (path, &st) == 0 && (st.st_mode & 0222) == 0)))
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY,
                       _("%s is read-only (Parasol needs to write the file and create its "
                         "journal beside it in %s). Check the permissions, or make a copy "
                         "with “parasol-cli backup” elsewhere."), path, dir);
          return NULL;
        }
    }
  else
    {
      int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          int errsv = errno;
          g_set_error (error, PARASOL_STORE_ERROR,
                       errsv == EACCES || errsv == EROFS ? PARASOL_STORE_ERROR_READ_ONLY
                                                         : PARASOL_STORE_ERROR_FAILED,
                       _("Could not create the database %s: %s"), path, g_strerror (errsv));
          return NULL;
        }
      fchmod (fd, 0600);
      close (fd);
      created = TRUE;
    }

  self = g_object_new (PARASOL_TYPE_STORE, NULL);
  self->path = g_strdup (given_path);
  self->real_path = g_strdup (real_path);
  self->read_only = (flags & PARASOL_STORE_OPEN_READ_ONLY) != 0;

  open_flags = (self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
               SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  rc = sqlite3_open_v2 (path, &self->db, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      store_set_error (self, error, rc, _("opening the database"));
      goto fail;
    }

  if (!configure_connection (self, error) ||
      !check_identity (self, error) ||
      !store_check_schema (self, error) ||
      (size > 0 && !(flags & PARASOL_STORE_OPEN_DEFER_CHECK) && !quick_check (self, error)))
    goto fail;

  if (!self->read_only)
    {
      g_autofree char *mode = NULL;
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        mode = store_column_strdup (stmt, 0);
      sqlite3_finalize (stmt);
      if (g_strcmp0 (mode, "wal") != 0)
        {
          store_set_error (self, error, sqlite3_errcode (self->db),
                            _("switching the database to write-ahead logging"));
          goto fail;
        }
      if (!store_exec (self, "PRAGMA synchronous = FULL", _("configuring the database"), error))
        goto fail;
    }

  if (!store_migrate (self, error))
    goto fail;

  /* A file this call created is a new database: an anchor left at the same path belongs to a
   * database that was deleted, not to this one. */
  if (created)
    store_forget_anchor (path);
  store_trust_open (self);
  if (!self->read_only)
    store_clean_partials (path);
  restrict_permissions (path);
  store_query_int (self, "PRAGMA data_version", &self->data_version, NULL);
  return g_steal_pointer (&self);

fail:
  g_clear_object (&self);
  if (created)
    {
      /* Nothing of ours is in it: leave no empty or half-made file behind. */
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (path);
    }
  return NULL;
}

/* --- Backup ------------------------------------------------------------------------------ */

gboolean
parasol_store_backup (ParasolStore *self,
                      const char   *dest_path,
                      GError      **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *backup_hash = NULL;
  gint64 backup_seq = 0;
  sqlite3_stmt *stmt = NULL;
  int fd;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);

  if (g_file_test (dest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("%s already exists; a backup never overwrites a file. Choose a new name."),
                   dest_path);
      return FALSE;
    }

  dir = g_path_get_dirname (dest_path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NO_FOLDER,
                   _("The folder %s does not exist."), dir);
      return FALSE;
    }

  /* What a killed backup left behind (675 MB of patient data, once) goes first. */
  store_clean_partials (dest_path);

  /* VACUUM INTO writes a consistent, compacted snapshot; into a 0600 file we created, renamed
   * into place only once complete. */
  tmp = g_strdup_printf ("%s.partial-%d", dest_path, (int) getpid ());
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("Could not create %s: %s"), tmp, g_strerror (errsv));
      return FALSE;
    }
  fchmod (fd, 0600);
  close (fd);

  rc = sqlite3_prepare_v2 (self->db, "VACUUM INTO ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, tmp, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      store_set_error (self, error, rc, _("writing the backup"));
      g_unlink (tmp);
      return FALSE;
    }

  fd = g_open (tmp, O_RDONLY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }

  /* The head the backup holds, anchored outside it like the database's own. */
  {
    sqlite3_stmt *head = NULL;

    if (sqlite3_prepare_v2 (self->db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", -1,
                            &head, NULL) == SQLITE_OK &&
        sqlite3_step (head) == SQLITE_ROW)
      {
        backup_seq = sqlite3_column_int64 (head, 0);
        backup_hash = store_column_strdup (head, 1);
      }
    sqlite3_finalize (head);
  }

  if (g_rename (tmp, dest_path) != 0)
    {
      int errsv = errno;
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("Could not move the backup into place at %s: %s"), dest_path,
                   g_strerror (errsv));
      g_unlink (tmp);
      return FALSE;
    }

  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  store_write_anchor (dest_path, backup_seq, backup_hash, self->keyed_from);
  return TRUE;
}
