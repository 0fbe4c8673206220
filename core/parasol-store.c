/* parasol-store.c — the trial database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every SQL statement of Parasol lives in core/parasol-store*.c; this file holds the write
 * machinery the others share (parasol-store-private.h), and parasol-store-open.c opens the
 * database and backs it up.  Writes follow one
 * pattern:
 *
 *   store_write_begin ()              BEGIN IMMEDIATE, or join the caller's transaction
 *   ... data statements ...
 *   store_audit_append () per field   the hash-chained audit rows, in the same transaction
 *   store_write_commit ()             COMMIT at the outermost level, then the queued ::changed
 *
 * A write that fails inside a caller's transaction dooms it: the outermost commit rolls all of
 * it back.  There are no savepoints.
 *
 * BEGIN IMMEDIATE takes the write lock before the last audit hash is read, so two processes
 * appending to the chain are serialised by SQLite itself.
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
#include "parasol-json.h"
#include "parasol-store-private.h"

/* More queued notifications than this in one transaction collapse into one RELOAD. */
#define MAX_QUEUED_CHANGES 256



typedef struct {
  const char        *table;  /* static string */
  gint64             record;
  gint64             patient;
  ParasolStoreChange kind;
} PendingChange;

G_DEFINE_TYPE (ParasolStore, parasol_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (parasol-store-error-quark, parasol_store_error)

/* --- Errors ------------------------------------------------------------------------------ */

void
store_set_error (ParasolStore *self,
                 GError      **error,
                 int           rc,
                 const char   *doing)
{
  const char *detail = self != NULL && self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  doing = _(doing);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FULL,
                   _("The disk is full, so %s failed and nothing was saved. "
                     "Free some disk space and try again."), doing);
      break;
    case SQLITE_IOERR:
      if (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_TRUNCATE)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FULL,
                     _("Writing to the disk failed, so %s failed and nothing was saved (%s). "
                       "Check that the disk has free space and try again."), doing, detail);
      else
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                     _("A disk error stopped %s (%s); nothing was saved."), doing, detail);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_BUSY,
                   _("The database is busy: another program is writing to it. "
                     "Nothing was saved; try %s again in a moment."), doing);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY,
                   _("The database cannot be written (%s), so %s failed. "
                     "Check the permissions of the file and its folder."), detail, doing);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
                   _("The database is damaged (%s), so %s failed. Restore it from a backup."),
                   detail, doing);
      break;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                     _("The patient does not exist (any more); %s failed."), doing);
      else if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                     _("That record already exists (%s); %s failed."), detail, doing);
      else
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                     _("The database refused a value (%s); %s failed."), detail, doing);
      break;
    default:
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("The database reported an error while %s: %s"), doing, detail);
    }
}

/* --- Statements -------------------------------------------------------------------------- */

sqlite3_stmt *
store_prepare (ParasolStore *self,
               const char   *sql,
               GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      store_set_error (self, error, rc, _("preparing a query"));
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
store_exec (ParasolStore *self,
            const char   *sql,
            const char   *doing,
            GError      **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &msg);

  sqlite3_free (msg);
  if (rc != SQLITE_OK)
    {
      store_set_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* Runs a constant statement through the statement cache (no re-parsing). */
static gboolean
run_cached (ParasolStore *self,
            const char   *sql,
            const char   *doing,
            GError      **error)
{
  sqlite3_stmt *stmt = store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      store_set_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

void
store_bind_text_or_null (sqlite3_stmt *stmt,
                         int           index,
                         const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

void
store_bind_double_or_null (sqlite3_stmt *stmt,
                           int           index,
                           double        value)
{
  if (isfinite (value))
    sqlite3_bind_double (stmt, index, value);
  else
    sqlite3_bind_null (stmt, index);
}

/* Strict YYYY-MM-DD. */
gboolean
parasol_store_parse_date (const char *str,
                          GDate      *date)
{
  return parasol_date_parse_iso (str, date);
}

void
store_column_date (sqlite3_stmt *stmt,
                   int           col,
                   GDate        *date)
{
  parasol_store_parse_date ((const char *) sqlite3_column_text (stmt, col), date);
}

double
store_column_double_or_nan (sqlite3_stmt *stmt,
                            int           col)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, col);
}

char *
store_column_strdup (sqlite3_stmt *stmt,
                     int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* The text form of a value, as the audit trail records it. */
char *
store_format_double (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return NULL;
  g_ascii_formatd (buf, sizeof buf, "%.10g", value);
  return g_strdup (buf);
}

/* --- Transactions and the audit chain ------------------------------------------------------ */

char *
store_utc_now_iso (void)
{
  gint64 usec = g_get_real_time ();
  g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_add (second, usec % G_USEC_PER_SEC);

  /* Not g_date_time_format_iso8601 (): it leaves out ".000000" in a whole second, and these
   * stamps are compared and sorted as text. */
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* Reads the chain head: the hash and seq the next audit row links to. */
gboolean
store_read_chain_head (ParasolStore *self,
                       GError      **error)
{
  sqlite3_stmt *stmt = store_prepare (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  g_clear_pointer (&self->last_hash, g_free);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      self->next_seq = sqlite3_column_int64 (stmt, 0) + 1;
      self->last_hash = store_column_strdup (stmt, 1);
    }
  else
    {
      self->next_seq = 1;
      self->last_hash = g_strdup (GENESIS_HASH);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the audit trail"));
      return FALSE;
    }
  return TRUE;
}

/* The outermost level takes the write lock at once (BEGIN IMMEDIATE), so the chain head read
 * here cannot move under us.  Inner levels only count: a write that fails inside a larger
 * transaction dooms it, and the outermost commit then rolls everything back and says so.  No
 * partial change ever commits, and there are no savepoints on the hot path. */
gboolean
store_write_begin (ParasolStore *self,
                   GError      **error)
{
  if (self->read_only)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY,
                   _("The database was opened read-only; nothing can be changed."));
      return FALSE;
    }

  if (self->depth > 0)
    {
      if (self->doomed)
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                       _("An earlier change in this transaction failed; roll it back first."));
          return FALSE;
        }
      self->depth++;
      return TRUE;
    }

  if (!run_cached (self, "BEGIN IMMEDIATE", N_("starting a change"), error))
    return FALSE;
  self->depth = 1;
  self->doomed = FALSE;
  g_free (self->tx_time);
  self->tx_time = store_utc_now_iso ();
  self->appended = FALSE;
  self->keyed_in_tx = FALSE;
  if (!store_read_chain_head (self, error) || !store_trust_begin (self, error))
    {
      parasol_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

static void
emit_pending (ParasolStore *self)
{
  g_autoptr(GArray) pending = self->pending;

  self->pending = g_array_new (FALSE, FALSE, sizeof (PendingChange));

  if (pending->len > MAX_QUEUED_CHANGES)
    {
      g_signal_emit (self, signals[CHANGED], g_quark_from_static_string ("patient"), "patient",
                     (gint64) 0, (gint64) 0, PARASOL_STORE_CHANGE_RELOAD);
      return;
    }

  for (guint i = 0; i < pending->len; i++)
    {
      const PendingChange *c = &g_array_index (pending, PendingChange, i);

      g_signal_emit (self, signals[CHANGED], g_quark_from_string (c->table), c->table, c->record,
                     c->patient, c->kind);
    }
}

void
store_write_rollback (ParasolStore *self)
{
  g_return_if_fail (self->depth > 0);

  if (self->depth > 1)
    {
      self->depth--;
      self->doomed = TRUE;
      return;
    }

  /* After SQLITE_FULL or an I/O error SQLite may have rolled back already. */
  if (!sqlite3_get_autocommit (self->db))
    run_cached (self, "ROLLBACK", N_("undoing a change"), NULL);
  self->depth = 0;
  self->doomed = FALSE;
  self->appended = FALSE;
  if (self->keyed_in_tx)
    self->keyed_from = 0;  /* the key marker was rolled back with the rest */
  self->keyed_in_tx = FALSE;
  g_clear_pointer (&self->last_hash, g_free);
  g_array_set_size (self->pending, 0);
}

/* Leaves a level that wrote nothing: no commit needed, and nothing to doom. */
void
store_write_leave_unchanged (ParasolStore *self)
{
  if (self->depth > 1)
    self->depth--;
  else
    store_write_rollback (self);
}

gboolean
store_write_commit (ParasolStore *self,
                    GError      **error)
{
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth > 1)
    {
      self->depth--;
      return TRUE;
    }

  if (self->doomed)
    {
      store_write_rollback (self);
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("A change in this transaction failed, so none of it was saved."));
      return FALSE;
    }

  if (!run_cached (self, "COMMIT", N_("saving the change"), error))
    {
      store_write_rollback (self);
      return FALSE;
    }
  self->depth = 0;
  /* The new chain head, recorded outside the database. */
  if (self->appended)
    store_trust_committed (self, self->next_seq - 1, self->last_hash);
  self->appended = FALSE;
  self->keyed_in_tx = FALSE;
  g_clear_pointer (&self->last_hash, g_free);
  emit_pending (self);
  return TRUE;
}

gboolean
parasol_store_begin (ParasolStore *self,
                     GError      **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  return store_write_begin (self, error);
}

gboolean
parasol_store_commit (ParasolStore *self,
                      GError      **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  return store_write_commit (self, error);
}

void
parasol_store_rollback (ParasolStore *self)
{
  g_return_if_fail (PARASOL_IS_STORE (self));
  if (self->depth > 0)
    store_write_rollback (self);
}

void
store_queue_change (ParasolStore      *self,
                    const char        *table,
                    gint64             record,
                    gint64             patient,
                    ParasolStoreChange kind)
{
  PendingChange c = { table, record, patient, kind };

  if (self->pending->len <= MAX_QUEUED_CHANGES)
    g_array_append_val (self->pending, c);
}

/* --- Generic record insertion --------------------------------------------------------------- */


static void
col_to_json (GString   *json,
             const Col *col)
{
  g_autofree char *num = NULL;

  if (json->len > 1)
    g_string_append_len (json, ", ", 2);
  g_string_append_c (json, '"');
  g_string_append (json, col->name);
  g_string_append_len (json, "\": ", 3);
  switch (col->type)
    {
    case COL_TEXT:
      if (col->text == NULL)
        g_string_append (json, "null");
      else
        parasol_json_escape_append (json, col->text);
      break;
    case COL_REAL:
      num = store_format_double (col->real);
      g_string_append (json, num != NULL ? num : "null");
      break;
    case COL_INT:
      if (col->is_null)
        g_string_append (json, "null");
      else
        g_string_append_printf (json, "%" G_GINT64_FORMAT, col->integer);
      break;
    }
}

static void bind_col (sqlite3_stmt *stmt,
                      int           index,
                      const Col    *col);

/* INSERTs one row built from @cols, audits it as one whole-record entry whose new value is the
 * row as JSON, and queues a change.  Runs inside its own (nested) transaction. */
gint64
store_insert_record (ParasolStore *self,
                     const char   *table,
                     gint64        patient_id,
                     const Col    *cols,
                     guint         n_cols,
                     const char   *reason,
                     GError      **error)
{
  g_autoptr(GString) sql = g_string_new ("INSERT INTO ");
  g_autoptr(GString) json = g_string_new ("{");
  sqlite3_stmt *stmt;
  gint64 id;
  int rc;

  g_string_append (sql, table);
  g_string_append_len (sql, " (", 2);
  for (guint i = 0; i < n_cols; i++)
    {
      if (i > 0)
        g_string_append_len (sql, ", ", 2);
      g_string_append (sql, cols[i].name);
    }
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < n_cols; i++)
    g_string_append (sql, i > 0 ? ", ?" : "?");
  g_string_append_c (sql, ')');

  if (!store_write_begin (self, error))
    return 0;

  stmt = store_prepare (self, sql->str, error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < n_cols; i++)
    {
      bind_col (stmt, i + 1, &cols[i]);
      col_to_json (json, &cols[i]);
    }
  g_string_append_c (json, '}');

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *doing = g_strdup_printf (_("adding a %s record"), table);
      store_set_error (self, error, rc, doing);
      goto fail;
    }
  id = sqlite3_last_insert_rowid (self->db);

  if (!store_audit_append (self, table, id, NULL, NULL, json->str, reason, error))
    goto fail;

  store_queue_change (self, table, id, patient_id, PARASOL_STORE_CHANGE_ADDED);
  if (patient_id != 0 && g_strcmp0 (table, "patient") != 0)
    store_queue_change (self, "patient", patient_id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);

  if (!store_write_commit (self, error))
    return 0;
  return id;

fail:
  store_write_rollback (self);
  return 0;
}

/* --- The audited update --------------------------------------------------------------------- */

const char *const store_met_labels[] = { "not_met", "met", NULL };

static const char *
label_for (const char *const *labels,
           gint64             value)
{
  for (gint64 i = 0; labels[i] != NULL; i++)
    if (i == value)
      return labels[i];
  return NULL;
}

char *
store_column_audit_text (sqlite3_stmt      *stmt,
                         int                col,
                         const char *const *labels)
{
  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_NULL:
      return NULL;
    case SQLITE_INTEGER:
      {
        gint64 v = sqlite3_column_int64 (stmt, col);
        const char *label = labels != NULL ? label_for (labels, v) : NULL;

        return label != NULL ? g_strdup (label) : g_strdup_printf ("%" G_GINT64_FORMAT, v);
      }
    case SQLITE_FLOAT:
      return store_format_double (sqlite3_column_double (stmt, col));
    default:
      return store_column_strdup (stmt, col);
    }
}

char *
store_col_audit_text (const Col *col)
{
  switch (col->type)
    {
    case COL_TEXT:
      return g_strdup (col->text);
    case COL_REAL:
      return store_format_double (col->real);
    case COL_INT:
      if (col->is_null)
        return NULL;
      if (col->labels != NULL && label_for (col->labels, col->integer) != NULL)
        return g_strdup (label_for (col->labels, col->integer));
      return g_strdup_printf ("%" G_GINT64_FORMAT, col->integer);
    }
  return NULL;
}

static void
bind_col (sqlite3_stmt *stmt,
          int           index,
          const Col    *col)
{
  switch (col->type)
    {
    case COL_TEXT:
      store_bind_text_or_null (stmt, index, col->text);
      break;
    case COL_REAL:
      store_bind_double_or_null (stmt, index, col->real);
      break;
    case COL_INT:
      if (col->is_null)
        sqlite3_bind_null (stmt, index);
      else
        sqlite3_bind_int64 (stmt, index, col->integer);
      break;
    }
}

gboolean
store_update_record (ParasolStore *self,
                     const char   *table,
                     gint64        id,
                     gint64        patient_id,
                     const Col    *cols,
                     guint         n_cols,
                     gint64        expected_version,
                     const char   *reason,
                     const char   *reason_message,
                     gboolean     *changed,
                     GError      **error)
{
  g_autoptr(GString) select_sql = g_string_new ("SELECT ");
  g_autoptr(GString) update_sql = g_string_new ("UPDATE ");
  g_autoptr(GPtrArray) old_values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) new_values = g_ptr_array_new_with_free_func (g_free);
  gboolean any = FALSE;
  sqlite3_stmt *stmt;
  gint64 version;
  int rc;

  if (changed != NULL)
    *changed = FALSE;
  if (reason != NULL && *reason == '\0')
    reason = NULL;

  g_string_append_printf (update_sql, "%s SET ", table);
  for (guint i = 0; i < n_cols; i++)
    {
      g_string_append_printf (select_sql, "%s, ", cols[i].name);
      g_string_append_printf (update_sql, "%s = ?%u, ", cols[i].name, i + 1);
    }
  g_string_append_printf (select_sql, "version FROM %s WHERE id = ?1", table);
  g_string_append_printf (update_sql, "version = version + 1 WHERE id = ?%u", n_cols + 1);

  if (!store_write_begin (self, error))
    return FALSE;

  stmt = store_prepare (self, select_sql->str, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                     _("There is no %s with id %" PRId64 "."), table, id);
      else
        store_set_error (self, error, rc, _("reading the record"));
      goto fail;
    }
  for (guint i = 0; i < n_cols; i++)
    g_ptr_array_add (old_values, store_column_audit_text (stmt, i, cols[i].labels));
  version = sqlite3_column_int64 (stmt, n_cols);
  sqlite3_reset (stmt);

  if (expected_version != 0 && expected_version != version)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CONFLICT,
                   _("This patient was changed elsewhere (by another window or computer) since "
                     "you opened it. Reload to see the current values; your change was not "
                     "saved."));
      goto fail;
    }

  for (guint i = 0; i < n_cols; i++)
    {
      const char *old_value = g_ptr_array_index (old_values, i);
      char *new_value = store_col_audit_text (&cols[i]);

      g_ptr_array_add (new_values, new_value);
      if (g_strcmp0 (old_value, new_value) == 0)
        continue;
      any = TRUE;
      /* A saved value changes: that needs a reason, unless a later date renews the record. */
      if (old_value != NULL && reason == NULL &&
          !(cols[i].renews && new_value != NULL && strcmp (new_value, old_value) > 0))
        {
          if (reason_message != NULL)
            g_set_error_literal (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                                 reason_message);
          else
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                         _("Changing the saved %s (%s) needs a reason."), cols[i].name,
                         old_value);
          goto fail;
        }
    }

  if (!any)
    {
      /* Nothing changes: no write, no audit row. */
      store_write_leave_unchanged (self);
      return TRUE;
    }

  stmt = store_prepare (self, update_sql->str, error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < n_cols; i++)
    bind_col (stmt, i + 1, &cols[i]);
  sqlite3_bind_int64 (stmt, n_cols + 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *doing = g_strdup_printf (_("saving the %s record"), table);
      store_set_error (self, error, rc, doing);
      goto fail;
    }

  for (guint i = 0; i < n_cols; i++)
    {
      const char *old_value = g_ptr_array_index (old_values, i);
      const char *new_value = g_ptr_array_index (new_values, i);

      if (g_strcmp0 (old_value, new_value) != 0 &&
          !store_audit_append (self, table, id, cols[i].name, old_value, new_value, reason, error))
        goto fail;
    }

  store_queue_change (self, table, id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);
  if (patient_id != 0 && g_strcmp0 (table, "patient") != 0)
    store_queue_change (self, "patient", patient_id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);

  if (!store_write_commit (self, error))
    return FALSE;
  if (changed != NULL)
    *changed = TRUE;
  return TRUE;

fail:
  store_write_rollback (self);
  return FALSE;
}

const char *
parasol_store_get_path (ParasolStore *self)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);
  return self->path;
}

gboolean
parasol_store_is_read_only (ParasolStore *self)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), TRUE);

  return self->read_only;
}

int
parasol_store_get_schema_version (ParasolStore *self)
{
  gint64 version = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);
  store_query_int (self, "PRAGMA user_version", &version, NULL);
  return (int) version;
}

gboolean
parasol_store_poll_external_change (ParasolStore *self)
{
  gint64 version = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (self->depth > 0 || !store_query_int (self, "PRAGMA data_version", &version, NULL))
    return FALSE;

  /* data_version moves only when another connection commits. */
  if (self->data_version == version)
    return FALSE;

  self->data_version = version;
  g_signal_emit (self, signals[CHANGED], g_quark_from_static_string ("patient"), "patient",
                 (gint64) 0, (gint64) 0, PARASOL_STORE_CHANGE_RELOAD);
  return TRUE;
}

void
parasol_store_set_actor (ParasolStore *self,
                         const char   *account,
                         const char   *display_name)
{
  g_return_if_fail (PARASOL_IS_STORE (self));
  g_return_if_fail (account != NULL && *account != '\0');

  g_free (self->actor);
  g_free (self->actor_name);
  self->actor = g_strdup (account);
  self->actor_name = g_strdup (display_name);
}

/* --- Exports ----------------------------------------------------------------------------- */

gboolean
parasol_store_write_export (const char *path,
                            const void *data,
                            gsize       len,
                            gboolean    force,
                            GError    **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  const char *p = data;
  gsize done = 0;
  int errsv = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!force && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("%s already exists and was left as it is. Choose another name, or pass "
                     "--force to replace it."), path);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  store_clean_partials (path);
  tmp = g_strdup_printf ("%s.partial-%d", path, (int) getpid ());
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      errsv = errno;
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("Could not create %s: %s"), tmp, g_strerror (errsv));
      return FALSE;
    }
  fchmod (fd, 0600);
  while (done < len)
    {
      ssize_t n = write (fd, p + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          errsv = n < 0 ? errno : ENOSPC;
          break;
        }
      done += (gsize) n;
    }
  if (errsv == 0 && fsync (fd) != 0)
    errsv = errno;
  close (fd);
  /* Without --force, link () refuses to replace a file that appeared meanwhile. */
  if (errsv == 0 && (force ? g_rename (tmp, path) : link (tmp, path)) != 0)
    errsv = errno;
  g_unlink (tmp);
  if (errsv != 0)
    {
      if (errsv == EEXIST)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                     _("%s already exists and was left as it is. Choose another name, or pass "
                       "--force to replace it."), path);
      else
        g_set_error (error, PARASOL_STORE_ERROR,
                     errsv == ENOSPC ? PARASOL_STORE_ERROR_FULL : PARASOL_STORE_ERROR_FAILED,
                     _("Could not write %s: %s; nothing was written."), path, g_strerror (errsv));
      return FALSE;
    }

  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  return TRUE;
}

/* --- Trial ------------------------------------------------------------------------------- */

gboolean
parasol_store_has_trial (ParasolStore *self)
{
  gint64 n = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  return store_query_int (self, "SELECT count(*) FROM trial", &n, NULL) && n > 0;
}

gboolean
parasol_store_init_trial (ParasolStore *self,
                          const char   *trial_id,
                          const char   *registry_id,
                          const char   *title,
                          const char   *protocol_version,
                          const char   *protocol_xml,
                          GError      **error)
{
  g_autofree char *now = store_utc_now_iso ();
  const Col cols[] = {
    INT_COL ("id", 1),
    TEXT_COL ("trial_id", trial_id),
    TEXT_COL ("registry_id", registry_id),
    TEXT_COL ("title", title),
    TEXT_COL ("protocol_version", protocol_version),
    TEXT_COL ("protocol_xml", protocol_xml),
    TEXT_COL ("created_at", now),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  g_return_val_if_fail (trial_id != NULL && protocol_version != NULL, FALSE);

  if (parasol_store_has_trial (self))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("%s already holds a trial; a database holds one trial."), self->path);
      return FALSE;
    }

  return store_insert_record (self, "trial", 0, cols, G_N_ELEMENTS (cols), NULL, error) != 0;
}

gboolean
parasol_store_get_trial (ParasolStore *self,
                         char        **trial_id,
                         char        **registry_id,
                         char        **title,
                         char        **protocol_version,
                         char        **protocol_xml,
                         GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  stmt = store_prepare (self,
                  "SELECT trial_id, registry_id, title, protocol_version, protocol_xml"
                  " FROM trial WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                     _("%s holds no trial yet. Create one with “parasol-cli init”."), self->path);
      else
        store_set_error (self, error, rc, _("reading the trial"));
      return FALSE;
    }

  if (trial_id)
    *trial_id = store_column_strdup (stmt, 0);
  if (registry_id)
    *registry_id = store_column_strdup (stmt, 1);
  if (title)
    *title = store_column_strdup (stmt, 2);
  if (protocol_version)
    *protocol_version = store_column_strdup (stmt, 3);
  if (protocol_xml)
    *protocol_xml = store_column_strdup (stmt, 4);
  sqlite3_reset (stmt);
  return TRUE;
}

/* --- GObject ----------------------------------------------------------------------------- */

static void
parasol_store_finalize (GObject *object)
{
  ParasolStore *self = (ParasolStore *) object;

  if (self->depth > 0)
    {
      g_warning ("Store finalised inside a transaction; rolling back");
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->real_path, g_free);
  g_clear_pointer (&self->key_id, g_free);
  g_clear_pointer (&self->chain_key_id, g_free);
  g_clear_pointer (&self->damage_file, g_free);
  g_clear_pointer (&self->damage, g_free);
  memset (self->key, 0, sizeof self->key);
  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->actor_name, g_free);
  g_clear_pointer (&self->last_hash, g_free);
  g_clear_pointer (&self->tx_time, g_free);
  g_clear_pointer (&self->pending, g_array_unref);

  G_OBJECT_CLASS (parasol_store_parent_class)->finalize (object);
}

static void
parasol_store_class_init (ParasolStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parasol_store_finalize;

  /**
   * ParasolStore::changed:
   * @table: the table name ("patient", "lab", ...)
   * @record: the row id (0 with RELOAD)
   * @patient_id: the patient the row belongs to (0 if none or RELOAD)
   * @kind: a #ParasolStoreChange
   *
   * Emitted after a change is committed, with the table name as detail, so a view listens
   * only to what it shows: "changed::lab", "changed::attestation", ...  Every change to a
   * record of a patient is also emitted as a MODIFIED "changed::patient" for that patient,
   * and RELOAD (many rows, another process) comes as "changed::patient" with patient 0: a view
   * of one patient's records needs "changed::patient" and its own table.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 4,
                                   G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                                   G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT);
}

static void
parasol_store_init (ParasolStore *self)
{
  const char *real_name = g_get_real_name ();

  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->pending = g_array_new (FALSE, FALSE, sizeof (PendingChange));
  self->actor = g_strdup (g_get_user_name ());
  self->actor_name = g_strdup (g_strcmp0 (real_name, "Unknown") != 0 ? real_name : NULL);
}
