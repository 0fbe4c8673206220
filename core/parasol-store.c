/* parasol-store.c — the trial database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every SQL statement of Parasol lives in this file.  Writes follow one pattern:
 *
 *   write_begin ()            BEGIN IMMEDIATE, or a SAVEPOINT inside a caller's transaction
 *   ... data statements ...
 *   audit_append () per field  the hash-chained audit rows, in the same transaction
 *   write_commit ()           COMMIT (or RELEASE), then the queued ::changed signals
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
#include "parasol-store-private.h"

/* 'PRSL': marks a SQLite file as a Parasol database (PRAGMA application_id). */
#define PARASOL_APPLICATION_ID 0x5052534c
#define BUSY_TIMEOUT_MS 10000
#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"
/* More queued notifications than this in one transaction collapse into one RELOAD. */
#define MAX_QUEUED_CHANGES 256

struct _ParasolStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  GHashTable *statements;   /* SQL text -> sqlite3_stmt* */
  char       *actor;
  char       *actor_name;

  guint       depth;        /* transaction nesting */
  char       *last_hash;    /* chain head, valid while depth > 0 */
  gint64      next_seq;     /* next audit seq, valid while depth > 0 */
  char       *tx_time;      /* UTC time of the current transaction, for its audit rows */
  gboolean    doomed;       /* a write inside the transaction failed: it can only roll back */
  GArray     *pending;      /* PendingChange, emitted after the outermost commit */
  gint64      data_version;
  gboolean    read_only;
};

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

/* --- Schema ------------------------------------------------------------------------------ */

/* migrations[N] takes a database from user_version N to N + 1.  Never edit a shipped step:
 * append a new one and bump PARASOL_STORE_SCHEMA_VERSION. */
static const char *const migrations[] = {
  /* 0 -> 1: trial, patients, screening data, the audit trail */
  "CREATE TABLE trial ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  trial_id TEXT NOT NULL,"
  "  registry_id TEXT,"
  "  title TEXT,"
  "  protocol_version TEXT NOT NULL,"
  "  protocol_xml TEXT,"
  "  created_at TEXT NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE patient ("
  "  id INTEGER PRIMARY KEY,"
  "  screening_number TEXT NOT NULL UNIQUE,"
  "  subject_number TEXT UNIQUE,"
  "  initials TEXT,"
  "  sex TEXT CHECK (sex IN ('female', 'male')),"
  "  birth_date TEXT,"
  "  site TEXT,"
  "  status TEXT NOT NULL DEFAULT 'screening' CHECK (status IN"
  "    ('screening', 'screen_failed', 'enrolled', 'on_treatment', 'off_treatment')),"
  "  arm TEXT,"
  "  screening_date TEXT,"
  "  ecog INTEGER CHECK (ecog BETWEEN 0 AND 5),"
  "  liver_metastases INTEGER CHECK (liver_metastases IN (0, 1)),"
  "  liver_infiltration INTEGER CHECK (liver_infiltration IN (0, 1)),"
  "  height_cm REAL,"
  "  weight_kg REAL,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE lab ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  lab TEXT NOT NULL,"
  "  value REAL NOT NULL,"
  "  unit TEXT NOT NULL,"
  "  value_entered REAL,"
  "  unit_entered TEXT,"
  "  uln REAL,"
  "  sample_date TEXT NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX lab_patient ON lab (patient_id, lab, sample_date);"
  "CREATE TABLE attestation ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  criterion TEXT NOT NULL,"
  "  met INTEGER NOT NULL CHECK (met IN (0, 1)),"
  "  note TEXT,"
  "  source TEXT,"
  "  attested_on TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (patient_id, criterion));"
  "CREATE TABLE biomarker ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  marker TEXT NOT NULL,"
  "  method TEXT NOT NULL CHECK (method IN ('percent', 'hscore', 'amplified')),"
  "  value REAL,"
  "  weak REAL, moderate REAL, strong REAL,"
  "  pending INTEGER NOT NULL DEFAULT 0,"
  "  sample_date TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX biomarker_patient ON biomarker (patient_id, marker);"
  "CREATE TABLE audit ("
  "  seq INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  who TEXT NOT NULL,"
  "  who_name TEXT,"
  "  tbl TEXT NOT NULL,"
  "  record INTEGER NOT NULL,"
  "  field TEXT,"
  "  old_value TEXT,"
  "  new_value TEXT,"
  "  reason TEXT,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL);"
  "CREATE INDEX audit_record ON audit (tbl, record);"
  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only: rows cannot be changed'); END;"
  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
  "  BEGIN SELECT RAISE (ABORT, 'the audit trail is append-only: rows cannot be deleted'); END;",

  /* 1 -> 2: treatment: assignment, cycles, administrations, responses, events */
  "CREATE TABLE assignment ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  proposed TEXT,"
  "  arm TEXT NOT NULL,"
  "  protocol_version TEXT,"
  "  reason TEXT,"
  "  decided_at TEXT NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE cycle ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  number INTEGER NOT NULL CHECK (number >= 1),"
  "  start_date TEXT NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('delayed', 'started', 'skipped')),"
  "  reason TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (patient_id, number));"
  "CREATE TABLE administration ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  cycle INTEGER NOT NULL,"
  "  drug TEXT NOT NULL,"
  "  given_on TEXT NOT NULL,"
  "  dose REAL,"
  "  unit TEXT,"
  "  given_by TEXT,"
  "  reason TEXT,"
  "  flagged INTEGER NOT NULL DEFAULT 0,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX administration_patient ON administration (patient_id, given_on);"
  "CREATE TABLE response ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  assessed_on TEXT NOT NULL,"
  "  response TEXT NOT NULL CHECK (response IN ('CR', 'PR', 'SD', 'PD', 'NE')),"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX response_patient ON response (patient_id, assessed_on);"
  "CREATE TABLE event ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('death', 'discontinuation', 'progression')),"
  "  occurred_on TEXT NOT NULL,"
  "  reason TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX event_patient ON event (patient_id, occurred_on);",

  /* 2 -> 3: enrolment facts on the patient */
  "ALTER TABLE patient ADD COLUMN ici TEXT;"
  "ALTER TABLE patient ADD COLUMN c1d1 TEXT;"
  "ALTER TABLE patient ADD COLUMN dose_weight_kg REAL;",

  /* 3 -> 4: eligibility evaluations kept with the protocol version they used */
  "CREATE TABLE evaluation ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  context TEXT NOT NULL,"
  "  protocol_version TEXT NOT NULL,"
  "  evaluated_on TEXT NOT NULL,"
  "  verdict TEXT NOT NULL CHECK (verdict IN ('eligible', 'not_eligible', 'incomplete')),"
  "  lapses_on TEXT,"
  "  criteria TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX evaluation_patient ON evaluation (patient_id, evaluated_on);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PARASOL_STORE_SCHEMA_VERSION);

const char *
parasol_store_migration_sql (int from_version)
{
  g_return_val_if_fail (from_version >= 0 && from_version < PARASOL_STORE_SCHEMA_VERSION, NULL);
  return migrations[from_version];
}

guint32
parasol_store_application_id (void)
{
  return PARASOL_APPLICATION_ID;
}

/* --- Errors ------------------------------------------------------------------------------ */

static void
set_sqlite_error (ParasolStore *self,
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

static sqlite3_stmt *
prepare (ParasolStore *self,
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
      set_sqlite_error (self, error, rc, _("preparing a query"));
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
exec (ParasolStore *self,
      const char   *sql,
      const char   *doing,
      GError      **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &msg);

  sqlite3_free (msg);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, doing);
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
  sqlite3_stmt *stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_double_or_null (sqlite3_stmt *stmt,
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

static void
column_date (sqlite3_stmt *stmt,
             int           col,
             GDate        *date)
{
  parasol_store_parse_date ((const char *) sqlite3_column_text (stmt, col), date);
}

static double
column_double_or_nan (sqlite3_stmt *stmt,
                      int           col)
{
  return sqlite3_column_type (stmt, col) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, col);
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

/* The text form of a value, as the audit trail records it. */
static char *
format_double (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return NULL;
  g_ascii_formatd (buf, sizeof buf, "%.10g", value);
  return g_strdup (buf);
}

/* --- Transactions and the audit chain ------------------------------------------------------ */

static char *
utc_now_iso (void)
{
  gint64 now = g_get_real_time ();
  time_t secs = (time_t) (now / G_USEC_PER_SEC);
  struct tm tm;

  gmtime_r (&secs, &tm);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                          (int) (now % G_USEC_PER_SEC));
}

/* Reads the chain head: the hash and seq the next audit row links to. */
static gboolean
read_chain_head (ParasolStore *self,
                 GError      **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  g_clear_pointer (&self->last_hash, g_free);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      self->next_seq = sqlite3_column_int64 (stmt, 0) + 1;
      self->last_hash = column_strdup (stmt, 1);
    }
  else
    {
      self->next_seq = 1;
      self->last_hash = g_strdup (GENESIS_HASH);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("reading the audit trail"));
      return FALSE;
    }
  return TRUE;
}

/* The outermost level takes the write lock at once (BEGIN IMMEDIATE), so the chain head read
 * here cannot move under us.  Inner levels only count: a write that fails inside a larger
 * transaction dooms it, and the outermost commit then rolls everything back and says so.  No
 * partial change ever commits, and there are no savepoints on the hot path. */
static gboolean
write_begin (ParasolStore *self,
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
  self->tx_time = utc_now_iso ();
  if (!read_chain_head (self, error))
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
      g_signal_emit (self, signals[CHANGED], 0, "patient", (gint64) 0, (gint64) 0,
                     PARASOL_STORE_CHANGE_RELOAD);
      return;
    }

  for (guint i = 0; i < pending->len; i++)
    {
      const PendingChange *c = &g_array_index (pending, PendingChange, i);

      g_signal_emit (self, signals[CHANGED], 0, c->table, c->record, c->patient, c->kind);
    }
}

static void
write_rollback (ParasolStore *self)
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
  g_clear_pointer (&self->last_hash, g_free);
  g_array_set_size (self->pending, 0);
}

/* Leaves a level that wrote nothing: no commit needed, and nothing to doom. */
static void
write_leave_unchanged (ParasolStore *self)
{
  if (self->depth > 1)
    self->depth--;
  else
    write_rollback (self);
}

static gboolean
write_commit (ParasolStore *self,
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
      write_rollback (self);
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("A change in this transaction failed, so none of it was saved."));
      return FALSE;
    }

  if (!run_cached (self, "COMMIT", N_("saving the change"), error))
    {
      write_rollback (self);
      return FALSE;
    }
  self->depth = 0;
  g_clear_pointer (&self->last_hash, g_free);
  emit_pending (self);
  return TRUE;
}

gboolean
parasol_store_begin (ParasolStore *self,
                     GError      **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  return write_begin (self, error);
}

gboolean
parasol_store_commit (ParasolStore *self,
                      GError      **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  return write_commit (self, error);
}

void
parasol_store_rollback (ParasolStore *self)
{
  g_return_if_fail (PARASOL_IS_STORE (self));
  if (self->depth > 0)
    write_rollback (self);
}

static void
queue_change (ParasolStore      *self,
              const char        *table,
              gint64             record,
              gint64             patient,
              ParasolStoreChange kind)
{
  PendingChange c = { table, record, patient, kind };

  if (self->pending->len <= MAX_QUEUED_CHANGES)
    g_array_append_val (self->pending, c);
}

static void
canonical_append (GString    *out,
                  const char *value)
{
  char len[24];
  gsize n;

  if (value == NULL)
    {
      g_string_append_len (out, "-|", 2);
      return;
    }
  n = strlen (value);
  g_string_append_len (out, len, g_snprintf (len, sizeof len, "%" G_GSIZE_FORMAT ":", n));
  g_string_append_len (out, value, n);
  g_string_append_c (out, '|');
}

/* The exact bytes the chain hashes: every column of the row, length-prefixed, NULL distinct
 * from the empty string, then SHA-256 over the previous hash and these bytes. */
char *
parasol_store_audit_hash (const char *prev_hash,
                          gint64      seq,
                          const char *at,
                          const char *who,
                          const char *who_name,
                          const char *table_name,
                          gint64      record,
                          const char *field,
                          const char *old_value,
                          const char *new_value,
                          const char *reason)
{
  g_autoptr(GString) canon = g_string_sized_new (256);
  char num[32];

  canonical_append (canon, prev_hash);
  g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, seq);
  canonical_append (canon, num);
  canonical_append (canon, at);
  canonical_append (canon, who);
  canonical_append (canon, who_name);
  canonical_append (canon, table_name);
  g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT, record);
  canonical_append (canon, num);
  canonical_append (canon, field);
  canonical_append (canon, old_value);
  canonical_append (canon, new_value);
  canonical_append (canon, reason);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) canon->str, canon->len);
}


static gboolean
audit_append (ParasolStore *self,
              const char   *table_name,
              gint64        record,
              const char   *field,
              const char   *old_value,
              const char   *new_value,
              const char   *reason,
              GError      **error)
{
  const char *at = self->tx_time;
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt;
  gint64 seq;
  int rc;

  g_assert (self->depth > 0 && self->last_hash != NULL);

  seq = self->next_seq;

  if (reason != NULL && reason[0] == '\0')
    reason = NULL;

  hash = parasol_store_audit_hash (self->last_hash, seq, at, self->actor, self->actor_name,
                                   table_name, record, field, old_value, new_value, reason);

  stmt = prepare (self,
                  "INSERT INTO audit (seq, at, who, who_name, tbl, record, field, old_value,"
                  " new_value, reason, prev_hash, hash)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, self->actor, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 4, self->actor_name);
  sqlite3_bind_text (stmt, 5, table_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, record);
  bind_text_or_null (stmt, 7, field);
  bind_text_or_null (stmt, 8, old_value);
  bind_text_or_null (stmt, 9, new_value);
  bind_text_or_null (stmt, 10, reason);
  sqlite3_bind_text (stmt, 11, self->last_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 12, hash, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("writing the audit trail"));
      return FALSE;
    }

  g_free (self->last_hash);
  self->last_hash = g_steal_pointer (&hash);
  self->next_seq = seq + 1;
  return TRUE;
}

/* --- Generic record insertion --------------------------------------------------------------- */

typedef enum {
  COL_TEXT,
  COL_REAL,
  COL_INT,
} ColType;

typedef struct {
  const char *name;
  ColType     type;
  const char *text;   /* COL_TEXT: NULL = NULL */
  double      real;   /* COL_REAL: NAN = NULL */
  gint64      integer;
  gboolean    is_null;/* COL_INT */
} Col;

#define TEXT_COL(n, v) { (n), COL_TEXT, (v), NAN, 0, FALSE }
#define REAL_COL(n, v) { (n), COL_REAL, NULL, (v), 0, FALSE }
#define INT_COL(n, v)  { (n), COL_INT, NULL, NAN, (v), FALSE }

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
        {
          /* Minimal JSON escaping for the audit snapshot. */
          g_string_append_c (json, '"');
          for (const char *p = col->text; *p; p++)
            {
              if (*p == '"' || *p == '\\')
                g_string_append_c (json, '\\');
              if ((guchar) *p < 0x20)
                g_string_append_printf (json, "\\u%04x", (guchar) *p);
              else
                g_string_append_c (json, *p);
            }
          g_string_append_c (json, '"');
        }
      break;
    case COL_REAL:
      num = format_double (col->real);
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

/* INSERTs one row built from @cols, audits it as one whole-record entry whose new value is the
 * row as JSON, and queues a change.  Runs inside its own (nested) transaction. */
static gint64
insert_record (ParasolStore *self,
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

  if (!write_begin (self, error))
    return 0;

  stmt = prepare (self, sql->str, error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < n_cols; i++)
    {
      switch (cols[i].type)
        {
        case COL_TEXT:
          bind_text_or_null (stmt, i + 1, cols[i].text);
          break;
        case COL_REAL:
          bind_double_or_null (stmt, i + 1, cols[i].real);
          break;
        case COL_INT:
          if (cols[i].is_null)
            sqlite3_bind_null (stmt, i + 1);
          else
            sqlite3_bind_int64 (stmt, i + 1, cols[i].integer);
          break;
        }
      col_to_json (json, &cols[i]);
    }
  g_string_append_c (json, '}');

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *doing = g_strdup_printf (_("adding a %s record"), table);
      set_sqlite_error (self, error, rc, doing);
      goto fail;
    }
  id = sqlite3_last_insert_rowid (self->db);

  if (!audit_append (self, table, id, NULL, NULL, json->str, reason, error))
    goto fail;

  queue_change (self, table, id, patient_id, PARASOL_STORE_CHANGE_ADDED);
  if (patient_id != 0 && g_strcmp0 (table, "patient") != 0)
    queue_change (self, "patient", patient_id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);

  if (!write_commit (self, error))
    return 0;
  return id;

fail:
  write_rollback (self);
  return 0;
}

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

  return exec (self,
               "PRAGMA trusted_schema = OFF;"
               "PRAGMA foreign_keys = ON;"
               "PRAGMA secure_delete = ON;",
               _("configuring the database"), error);
}

static gboolean
query_int (ParasolStore *self,
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
      set_sqlite_error (self, error, rc, _("reading the database"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_identity (ParasolStore *self,
                GError      **error)
{
  gint64 app_id = 0, n_objects = 0;

  if (!query_int (self, "PRAGMA application_id", &app_id, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
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
    result = column_strdup (stmt, 0);
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

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  sqlite3 *db = NULL;
  int rc;

  /* A connection of its own: the store's connection stays with the main thread. */
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
      if (quick_check_db (db, path, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
    }
  else
    g_task_return_new_error (task, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
                             _("The database %s could not be checked: %s"), path,
                             sqlite3_errstr (rc));
  sqlite3_close_v2 (db);
}

void
parasol_store_check_async (ParasolStore        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARASOL_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parasol_store_check_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, check_thread);
}

gboolean
parasol_store_check_finish (ParasolStore  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
migrate (ParasolStore *self,
         GError      **error)
{
  gint64 version = 0;

  if (!query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version > PARASOL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NEWER_SCHEMA,
                   _("%s was written by a newer Parasol (schema %" PRId64 ", this "
                     "version reads up to %d). Update Parasol to open it."),
                   self->path, version, PARASOL_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (self->read_only && version < PARASOL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY,
                   _("%s needs an upgrade to this version of Parasol, which cannot be done "
                     "read-only."), self->path);
      return FALSE;
    }

  while (version < PARASOL_STORE_SCHEMA_VERSION)
    {
      g_autofree char *set_version = NULL;

      if (!exec (self, "BEGIN IMMEDIATE", _("upgrading the database"), error))
        return FALSE;

      /* Another process may have migrated while we waited for the lock. */
      if (!query_int (self, "PRAGMA user_version", &version, error))
        goto fail;
      if (version >= PARASOL_STORE_SCHEMA_VERSION)
        {
          exec (self, "COMMIT", _("upgrading the database"), NULL);
          break;
        }

      set_version = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                     PARASOL_APPLICATION_ID, (int) version + 1);
      if (!exec (self, migrations[version], _("upgrading the database"), error) ||
          !exec (self, set_version, _("upgrading the database"), error) ||
          !exec (self, "COMMIT", _("upgrading the database"), error))
        goto fail;
      g_debug ("Migrated %s to schema %d", self->path, (int) version + 1);
      version++;
    }

  return TRUE;

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
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

ParasolStore *
parasol_store_open (const char            *path,
                    ParasolStoreOpenFlags  flags,
                    GError               **error)
{
  g_autoptr(ParasolStore) self = NULL;
  g_autofree char *default_path = NULL;
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

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_PARASOL,
                   _("%s is a folder, not a database file. Give the path of a database file, "
                     "for example %s/parasol.db."), path, path);
      return NULL;
    }

  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NO_FOLDER,
                   _("The folder %s does not exist. Create it first, or choose another "
                     "location for the database."), dir);
      return NULL;
    }

  if (!check_filesystem (dir, (flags & PARASOL_STORE_OPEN_ALLOW_NETWORK_FS) != 0, error))
    return NULL;

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
  self->path = g_strdup (path);
  self->read_only = (flags & PARASOL_STORE_OPEN_READ_ONLY) != 0;

  open_flags = (self->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
               SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  rc = sqlite3_open_v2 (path, &self->db, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, _("opening the database"));
      goto fail;
    }

  if (!configure_connection (self, error) ||
      !check_identity (self, error) ||
      (size > 0 && !(flags & PARASOL_STORE_OPEN_DEFER_CHECK) && !quick_check (self, error)))
    goto fail;

  if (!self->read_only)
    {
      g_autofree char *mode = NULL;
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        mode = column_strdup (stmt, 0);
      sqlite3_finalize (stmt);
      if (g_strcmp0 (mode, "wal") != 0)
        {
          set_sqlite_error (self, error, sqlite3_errcode (self->db),
                            _("switching the database to write-ahead logging"));
          goto fail;
        }
      if (!exec (self, "PRAGMA synchronous = FULL", _("configuring the database"), error))
        goto fail;
    }

  if (!migrate (self, error))
    goto fail;

  restrict_permissions (path);
  query_int (self, "PRAGMA data_version", &self->data_version, NULL);
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

const char *
parasol_store_get_path (ParasolStore *self)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);
  return self->path;
}

int
parasol_store_get_schema_version (ParasolStore *self)
{
  gint64 version = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);
  query_int (self, "PRAGMA user_version", &version, NULL);
  return (int) version;
}

gboolean
parasol_store_poll_external_change (ParasolStore *self)
{
  gint64 version = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (self->depth > 0 || !query_int (self, "PRAGMA data_version", &version, NULL))
    return FALSE;

  /* data_version moves only when another connection commits. */
  if (self->data_version == version)
    return FALSE;

  self->data_version = version;
  g_signal_emit (self, signals[CHANGED], 0, "patient", (gint64) 0, (gint64) 0,
                 PARASOL_STORE_CHANGE_RELOAD);
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

/* --- Backup ------------------------------------------------------------------------------ */

gboolean
parasol_store_backup (ParasolStore *self,
                      const char   *dest_path,
                      GError      **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
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
      set_sqlite_error (self, error, rc, _("writing the backup"));
      g_unlink (tmp);
      return FALSE;
    }

  fd = g_open (tmp, O_RDONLY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
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
  return TRUE;
}

/* --- Trial ------------------------------------------------------------------------------- */

gboolean
parasol_store_has_trial (ParasolStore *self)
{
  gint64 n = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  return query_int (self, "SELECT count(*) FROM trial", &n, NULL) && n > 0;
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
  g_autofree char *now = utc_now_iso ();
  g_autofree char *xml_digest = NULL;
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

  return insert_record (self, "trial", 0, cols, G_N_ELEMENTS (cols), NULL, error) != 0;
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

  stmt = prepare (self,
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
        set_sqlite_error (self, error, rc, _("reading the trial"));
      return FALSE;
    }

  if (trial_id)
    *trial_id = column_strdup (stmt, 0);
  if (registry_id)
    *registry_id = column_strdup (stmt, 1);
  if (title)
    *title = column_strdup (stmt, 2);
  if (protocol_version)
    *protocol_version = column_strdup (stmt, 3);
  if (protocol_xml)
    *protocol_xml = column_strdup (stmt, 4);
  sqlite3_reset (stmt);
  return TRUE;
}

/* --- Patients ---------------------------------------------------------------------------- */

typedef enum {
  FIELD_TEXT,
  FIELD_CODE,      /* identifiers: no spaces at either end, not empty */
  FIELD_DATE,
  FIELD_ENUM,
  FIELD_INT,
  FIELD_REAL,
  FIELD_YESNO,
} FieldKind;

typedef struct {
  const char  *name;
  FieldKind    kind;
  double       min;
  double       max;
  const char  *unit;
  const char *const *choices;
} PatientField;

static const char *const sex_choices[] = { "female", "male", NULL };
static const char *const status_choices[] = {
  "screening", "screen_failed", "enrolled", "on_treatment", "off_treatment", NULL
};

/* The column names here are the only identifiers ever spliced into SQL text. */
static const PatientField patient_fields[] = {
  { "screening_number", FIELD_CODE },
  { "subject_number", FIELD_CODE },
  { "initials", FIELD_CODE },
  { "sex", FIELD_ENUM, 0, 0, NULL, sex_choices },
  { "birth_date", FIELD_DATE },
  { "site", FIELD_TEXT },
  { "status", FIELD_ENUM, 0, 0, NULL, status_choices },
  { "arm", FIELD_CODE },
  { "ici", FIELD_CODE },
  { "screening_date", FIELD_DATE },
  { "c1d1", FIELD_DATE },
  { "ecog", FIELD_INT, 0, 5 },
  { "liver_metastases", FIELD_YESNO },
  { "liver_infiltration", FIELD_YESNO },
  { "height_cm", FIELD_REAL, 100, 230, "cm" },
  { "weight_kg", FIELD_REAL, 25, 250, "kg" },
  { "dose_weight_kg", FIELD_REAL, 25, 250, "kg" },
};

static const PatientField *
find_patient_field (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (patient_fields); i++)
    if (g_strcmp0 (patient_fields[i].name, name) == 0)
      return &patient_fields[i];
  return NULL;
}

const char *const *
parasol_store_patient_field_names (void)
{
  static const char *names[G_N_ELEMENTS (patient_fields) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (patient_fields); i++)
      names[i] = patient_fields[i].name;
  return names;
}

/* Checks and normalises @value for @field: "yes"/"no" become 1/0, numbers their canonical
 * text.  Returns the normalised text (NULL for NULL) or FALSE with @error. */
static gboolean
normalise_field_value (const PatientField *field,
                       const char         *value,
                       char              **normalised,
                       GError            **error)
{
  *normalised = NULL;
  if (value == NULL)
    return TRUE;

  switch (field->kind)
    {
    case FIELD_TEXT:
      if (!g_utf8_validate (value, -1, NULL))
        break;
      *normalised = g_strstrip (g_strdup (value));
      if (**normalised == '\0')
        g_clear_pointer (normalised, g_free);
      return TRUE;

    case FIELD_CODE:
      if (!g_utf8_validate (value, -1, NULL) || *value == '\0' || g_ascii_isspace (*value) ||
          g_ascii_isspace (value[strlen (value) - 1]) || strlen (value) > 64)
        break;
      *normalised = g_strdup (value);
      return TRUE;

    case FIELD_DATE:
      {
        GDate date;
        if (!parasol_store_parse_date (value, &date))
          {
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                         _("“%s” is not a date for %s; write it as YYYY-MM-DD."), value,
                         field->name);
            return FALSE;
          }
        *normalised = g_strdup (value);
        return TRUE;
      }

    case FIELD_ENUM:
      if (g_strv_contains (field->choices, value))
        {
          *normalised = g_strdup (value);
          return TRUE;
        }
      else
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) field->choices);
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                       _("“%s” is not a valid %s; choose one of: %s."), value, field->name,
                       choices);
          return FALSE;
        }

    case FIELD_INT:
      {
        gint64 v;
        if (!g_ascii_string_to_signed (value, 10, (gint64) field->min, (gint64) field->max, &v, NULL))
          {
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                         _("“%s” is not a valid %s; it must be a whole number from %d to %d."),
                         value, field->name, (int) field->min, (int) field->max);
            return FALSE;
          }
        *normalised = g_strdup_printf ("%" G_GINT64_FORMAT, v);
        return TRUE;
      }

    case FIELD_REAL:
      {
        char *end = NULL;
        double v = g_ascii_strtod (value, &end);
        if (end == value || *end != '\0' || !isfinite (v) || v < field->min || v > field->max)
          {
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                         _("“%s” is not a plausible %s; it must be a number from %g to %g %s."),
                         value, field->name, field->min, field->max, field->unit);
            return FALSE;
          }
        *normalised = format_double (v);
        return TRUE;
      }

    case FIELD_YESNO:
      if (g_ascii_strcasecmp (value, "yes") == 0 || g_strcmp0 (value, "1") == 0 ||
          g_ascii_strcasecmp (value, "true") == 0)
        *normalised = g_strdup ("1");
      else if (g_ascii_strcasecmp (value, "no") == 0 || g_strcmp0 (value, "0") == 0 ||
               g_ascii_strcasecmp (value, "false") == 0)
        *normalised = g_strdup ("0");
      else
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                       _("“%s” is not valid for %s; answer yes or no."), value, field->name);
          return FALSE;
        }
      return TRUE;
    }

  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
               _("“%s” is not a valid %s."), value, field->name);
  return FALSE;
}

gint64
parasol_store_add_patient (ParasolStore              *self,
                           const ParasolPatientFacts *patient,
                           GError                   **error)
{
  g_autofree char *birth = parasol_date_to_iso (&patient->birth_date);
  g_autofree char *screening = parasol_date_to_iso (&patient->screening_date);
  g_autofree char *c1d1 = parasol_date_to_iso (&patient->c1d1);
  const char *status = patient->status != NULL ? patient->status : "screening";
  struct { const char *field; const char *value; } checks[] = {
    { "screening_number", patient->screening_number },
    { "subject_number", patient->subject_number },
    { "initials", patient->initials },
    { "site", patient->site },
    { "status", status },
    { "arm", patient->arm },
    { "ici", patient->ici },
  };
  g_autofree char *height = format_double (patient->height_cm);
  g_autofree char *weight = format_double (patient->weight_kg);
  g_autofree char *dose_weight = format_double (patient->dose_weight_kg);
  Col cols[] = {
    TEXT_COL ("screening_number", patient->screening_number),
    TEXT_COL ("subject_number", patient->subject_number),
    TEXT_COL ("initials", patient->initials),
    TEXT_COL ("sex", parasol_sex_to_string (patient->sex)),
    TEXT_COL ("birth_date", birth),
    TEXT_COL ("site", patient->site),
    TEXT_COL ("status", status),
    TEXT_COL ("arm", patient->arm),
    TEXT_COL ("screening_date", screening),
    INT_COL ("ecog", patient->ecog),
    REAL_COL ("height_cm", patient->height_cm),
    REAL_COL ("weight_kg", patient->weight_kg),
    INT_COL ("liver_metastases", patient->liver_metastases),
    INT_COL ("liver_infiltration", patient->liver_infiltration),
    TEXT_COL ("ici", patient->ici),
    TEXT_COL ("c1d1", c1d1),
    REAL_COL ("dose_weight_kg", patient->dose_weight_kg),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);
  g_return_val_if_fail (patient != NULL, 0);

  if (patient->screening_number == NULL)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A patient needs a screening number."));
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_autofree char *normalised = NULL;
      if (!normalise_field_value (find_patient_field (checks[i].field), checks[i].value,
                                  &normalised, error))
        return 0;
    }
  {
    g_autofree char *n = NULL;
    if (height && !normalise_field_value (find_patient_field ("height_cm"), height, &n, error))
      return 0;
    g_clear_pointer (&n, g_free);
    if (weight && !normalise_field_value (find_patient_field ("weight_kg"), weight, &n, error))
      return 0;
    g_clear_pointer (&n, g_free);
    if (dose_weight && !normalise_field_value (find_patient_field ("dose_weight_kg"), dose_weight, &n, error))
      return 0;
  }

  cols[9].is_null = patient->ecog < 0;
  cols[12].is_null = patient->liver_metastases == PARASOL_TRI_UNKNOWN;
  cols[13].is_null = patient->liver_infiltration == PARASOL_TRI_UNKNOWN;
  if (patient->ecog > 5)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("ECOG %d is not valid; it ranges from 0 to 5."), patient->ecog);
      return 0;
    }

  if (parasol_store_find_patient (self, patient->screening_number, NULL) != 0)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("A patient with screening number %s already exists."),
                   patient->screening_number);
      return 0;
    }

  return insert_record (self, "patient", 0, cols, G_N_ELEMENTS (cols), NULL, error);
}

gint64
parasol_store_find_patient (ParasolStore *self,
                            const char   *key,
                            GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gint64 numeric = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (key == NULL || *key == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("No patient was named."));
      return 0;
    }

  stmt = prepare (self,
                  "SELECT id FROM patient WHERE screening_number = ?1 OR subject_number = ?1"
                  " OR id = ?2 ORDER BY screening_number = ?1 DESC LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (g_ascii_string_to_signed (key, 10, 1, G_MAXINT64, &numeric, NULL))
    sqlite3_bind_int64 (stmt, 2, numeric);
  else
    sqlite3_bind_null (stmt, 2);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (id == 0)
    g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                 _("There is no patient “%s” (give a screening number, subject number or id)."),
                 key);
  return id;
}

gint64
parasol_store_count_patients (ParasolStore *self)
{
  gint64 n = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);
  query_int (self, "SELECT count(*) FROM patient", &n, NULL);
  return n;
}

gboolean
parasol_store_set_patient_field (ParasolStore *self,
                                 gint64        patient_id,
                                 const char   *field_name,
                                 const char   *value,
                                 gint64        expected_version,
                                 const char   *reason,
                                 GError      **error)
{
  const PatientField *field;
  g_autofree char *normalised = NULL;
  g_autofree char *old_value = NULL;
  g_autofree char *select_sql = NULL;
  g_autofree char *update_sql = NULL;
  sqlite3_stmt *stmt;
  gint64 version;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  field = find_patient_field (field_name);
  if (field == NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) parasol_store_patient_field_names ());
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A patient has no field “%s”; the fields are: %s."), field_name, names);
      return FALSE;
    }

  if (!normalise_field_value (field, value, &normalised, error))
    return FALSE;

  if (!write_begin (self, error))
    return FALSE;

  select_sql = g_strdup_printf ("SELECT %s, version FROM patient WHERE id = ?1", field->name);
  stmt = prepare (self, select_sql, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                     _("There is no patient with id %" PRId64 "."), patient_id);
      else
        set_sqlite_error (self, error, rc, _("reading the patient"));
      goto fail;
    }
  if (sqlite3_column_type (stmt, 0) == SQLITE_FLOAT)
    old_value = format_double (sqlite3_column_double (stmt, 0));
  else
    old_value = column_strdup (stmt, 0);
  version = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);

  if (expected_version != 0 && expected_version != version)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CONFLICT,
                   _("This patient was changed elsewhere (by another window or computer) since "
                     "you opened it. Reload to see the current values; your change was not "
                     "saved."));
      goto fail;
    }

  if (g_strcmp0 (old_value, normalised) == 0)
    {
      /* Nothing changes: no write, no audit row. */
      write_leave_unchanged (self);
      return TRUE;
    }

  if (old_value != NULL && (reason == NULL || *reason == '\0'))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("Changing the saved %s (%s) needs a reason."), field->name, old_value);
      goto fail;
    }

  update_sql = g_strdup_printf ("UPDATE patient SET %s = ?1, version = version + 1 WHERE id = ?2",
                                field->name);
  stmt = prepare (self, update_sql, error);
  if (stmt == NULL)
    goto fail;
  if (normalised == NULL)
    sqlite3_bind_null (stmt, 1);
  else if (field->kind == FIELD_INT || field->kind == FIELD_YESNO)
    sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (normalised, NULL, 10));
  else if (field->kind == FIELD_REAL)
    sqlite3_bind_double (stmt, 1, g_ascii_strtod (normalised, NULL));
  else
    sqlite3_bind_text (stmt, 1, normalised, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, patient_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *doing = g_strdup_printf (_("saving %s"), field->name);
      set_sqlite_error (self, error, rc, doing);
      goto fail;
    }

  if (!audit_append (self, "patient", patient_id, field->name, old_value, normalised, reason, error))
    goto fail;

  queue_change (self, "patient", patient_id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);
  return write_commit (self, error);

fail:
  write_rollback (self);
  return FALSE;
}

#define PATIENT_ROW_COLUMNS \
  "id, version, screening_number, subject_number, initials, sex, birth_date, site, status, arm," \
  " screening_date, c1d1"

static void
read_patient_row (sqlite3_stmt      *stmt,
                  ParasolPatientRow *row)
{
  row->id = sqlite3_column_int64 (stmt, 0);
  row->version = sqlite3_column_int64 (stmt, 1);
  row->screening_number = (const char *) sqlite3_column_text (stmt, 2);
  row->subject_number = (const char *) sqlite3_column_text (stmt, 3);
  row->initials = (const char *) sqlite3_column_text (stmt, 4);
  row->sex = (const char *) sqlite3_column_text (stmt, 5);
  row->birth_date = (const char *) sqlite3_column_text (stmt, 6);
  row->site = (const char *) sqlite3_column_text (stmt, 7);
  row->status = (const char *) sqlite3_column_text (stmt, 8);
  row->arm = (const char *) sqlite3_column_text (stmt, 9);
  row->screening_date = (const char *) sqlite3_column_text (stmt, 10);
  row->c1d1 = (const char *) sqlite3_column_text (stmt, 11);
}

gboolean
parasol_store_foreach_patient (ParasolStore          *self,
                               gint64                 patient_id,
                               ParasolPatientRowFunc  func,
                               gpointer               user_data,
                               GError               **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (patient_id > 0)
    {
      stmt = prepare (self, "SELECT " PATIENT_ROW_COLUMNS " FROM patient WHERE id = ?1", error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 1, patient_id);
    }
  else
    stmt = prepare (self, "SELECT " PATIENT_ROW_COLUMNS " FROM patient ORDER BY screening_number",
                    error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolPatientRow row;

      read_patient_row (stmt, &row);
      func (&row, user_data);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("reading the patients"));
      return FALSE;
    }
  return TRUE;
}

ParasolPatientFacts *
parasol_store_load_patient (ParasolStore *self,
                            gint64        patient_id,
                            GError      **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT id, version, screening_number, subject_number, initials, site, status,"
                  " arm, ici, sex, birth_date, screening_date, c1d1, ecog, liver_metastases,"
                  " liver_infiltration, height_cm, weight_kg, dose_weight_kg"
                  " FROM patient WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                     _("There is no patient with id %" PRId64 "."), patient_id);
      else
        set_sqlite_error (self, error, rc, _("reading the patient"));
      return NULL;
    }

  facts = parasol_patient_facts_new ();
  facts->id = sqlite3_column_int64 (stmt, 0);
  facts->version = sqlite3_column_int64 (stmt, 1);
  facts->screening_number = column_strdup (stmt, 2);
  facts->subject_number = column_strdup (stmt, 3);
  facts->initials = column_strdup (stmt, 4);
  facts->site = column_strdup (stmt, 5);
  facts->status = column_strdup (stmt, 6);
  facts->arm = column_strdup (stmt, 7);
  facts->ici = column_strdup (stmt, 8);
  parasol_sex_from_string ((const char *) sqlite3_column_text (stmt, 9), &facts->sex);
  column_date (stmt, 10, &facts->birth_date);
  column_date (stmt, 11, &facts->screening_date);
  column_date (stmt, 12, &facts->c1d1);
  facts->ecog = sqlite3_column_type (stmt, 13) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 13);
  facts->liver_metastases = sqlite3_column_type (stmt, 14) == SQLITE_NULL
                              ? PARASOL_TRI_UNKNOWN : (ParasolTri) sqlite3_column_int (stmt, 14);
  facts->liver_infiltration = sqlite3_column_type (stmt, 15) == SQLITE_NULL
                                ? PARASOL_TRI_UNKNOWN : (ParasolTri) sqlite3_column_int (stmt, 15);
  facts->height_cm = column_double_or_nan (stmt, 16);
  facts->weight_kg = column_double_or_nan (stmt, 17);
  facts->dose_weight_kg = column_double_or_nan (stmt, 18);
  sqlite3_reset (stmt);

  stmt = prepare (self,
                  "SELECT id, lab, value, unit, value_entered, unit_entered, uln, sample_date"
                  " FROM lab WHERE patient_id = ?1 ORDER BY lab, sample_date DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolLabResult *lab = parasol_lab_result_new ();

      lab->id = sqlite3_column_int64 (stmt, 0);
      lab->lab = column_strdup (stmt, 1);
      lab->value = sqlite3_column_double (stmt, 2);
      lab->unit = column_strdup (stmt, 3);
      lab->value_entered = column_double_or_nan (stmt, 4);
      lab->unit_entered = column_strdup (stmt, 5);
      lab->uln = column_double_or_nan (stmt, 6);
      column_date (stmt, 7, &lab->date);
      g_ptr_array_add (facts->labs, lab);
    }
  sqlite3_reset (stmt);

  stmt = prepare (self,
                  "SELECT id, marker, method, value, weak, moderate, strong, pending, sample_date"
                  " FROM biomarker WHERE patient_id = ?1 ORDER BY marker, id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolBiomarkerResult *m = parasol_biomarker_result_new ();
      const char *method = (const char *) sqlite3_column_text (stmt, 2);

      m->id = sqlite3_column_int64 (stmt, 0);
      m->marker = column_strdup (stmt, 1);
      if (g_strcmp0 (method, "hscore") == 0)
        m->method = PARASOL_MARKER_METHOD_HSCORE;
      else if (g_strcmp0 (method, "amplified") == 0)
        m->method = PARASOL_MARKER_METHOD_AMPLIFIED;
      else
        m->method = PARASOL_MARKER_METHOD_PERCENT;
      m->value = column_double_or_nan (stmt, 3);
      m->intensity[0] = column_double_or_nan (stmt, 4);
      m->intensity[1] = column_double_or_nan (stmt, 5);
      m->intensity[2] = column_double_or_nan (stmt, 6);
      m->pending = sqlite3_column_int (stmt, 7) != 0;
      column_date (stmt, 8, &m->date);
      g_ptr_array_add (facts->biomarkers, m);
    }
  sqlite3_reset (stmt);

  stmt = prepare (self,
                  "SELECT id, criterion, met, note, source, attested_on FROM attestation"
                  " WHERE patient_id = ?1 ORDER BY criterion", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolAttestation *a = parasol_attestation_new ();

      a->id = sqlite3_column_int64 (stmt, 0);
      a->criterion = column_strdup (stmt, 1);
      a->met = sqlite3_column_int (stmt, 2) != 0;
      a->note = column_strdup (stmt, 3);
      a->source = column_strdup (stmt, 4);
      column_date (stmt, 5, &a->date);
      g_ptr_array_add (facts->attestations, a);
    }
  sqlite3_reset (stmt);

  stmt = prepare (self,
                  "SELECT id, number, start_date, status, reason FROM cycle"
                  " WHERE patient_id = ?1 ORDER BY number", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolCycleRecord *c = parasol_cycle_record_new ();

      c->id = sqlite3_column_int64 (stmt, 0);
      c->number = sqlite3_column_int (stmt, 1);
      column_date (stmt, 2, &c->start);
      c->status = column_strdup (stmt, 3);
      c->reason = column_strdup (stmt, 4);
      g_ptr_array_add (facts->cycles, c);
    }
  sqlite3_reset (stmt);

  stmt = prepare (self,
                  "SELECT id, cycle, drug, given_on, dose, unit, given_by, reason, flagged"
                  " FROM administration WHERE patient_id = ?1 ORDER BY given_on, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolAdministration *a = parasol_administration_new ();

      a->id = sqlite3_column_int64 (stmt, 0);
      a->cycle = sqlite3_column_int (stmt, 1);
      a->drug = column_strdup (stmt, 2);
      column_date (stmt, 3, &a->date);
      a->dose = column_double_or_nan (stmt, 4);
      a->unit = column_strdup (stmt, 5);
      a->given_by = column_strdup (stmt, 6);
      a->reason = column_strdup (stmt, 7);
      a->flagged = sqlite3_column_int (stmt, 8) != 0;
      g_ptr_array_add (facts->administrations, a);
    }
  sqlite3_reset (stmt);

  stmt = prepare (self,
                  "SELECT id, assessed_on, response FROM response WHERE patient_id = ?1"
                  " ORDER BY assessed_on, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolResponse *r = parasol_response_new ();

      r->id = sqlite3_column_int64 (stmt, 0);
      column_date (stmt, 1, &r->date);
      r->response = column_strdup (stmt, 2);
      g_ptr_array_add (facts->responses, r);
    }
  sqlite3_reset (stmt);

  stmt = prepare (self,
                  "SELECT id, kind, occurred_on, reason FROM event WHERE patient_id = ?1"
                  " ORDER BY occurred_on, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolEvent *e = parasol_event_new ();

      e->id = sqlite3_column_int64 (stmt, 0);
      e->kind = column_strdup (stmt, 1);
      column_date (stmt, 2, &e->date);
      e->reason = column_strdup (stmt, 3);
      g_ptr_array_add (facts->events, e);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("reading the patient"));
      return NULL;
    }

  return g_steal_pointer (&facts);
}

/* --- Patient records ------------------------------------------------------------------------ */

static gboolean
require_date (const GDate *date,
              const char  *what,
              GError     **error)
{
  if (date != NULL && g_date_valid (date))
    return TRUE;
  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
               _("The %s needs a date (YYYY-MM-DD)."), what);
  return FALSE;
}

gint64
parasol_store_add_lab (ParasolStore           *self,
                       gint64                  patient_id,
                       const ParasolLabResult *lab,
                       const char             *reason,
                       GError                **error)
{
  g_autofree char *date = parasol_date_to_iso (&lab->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("lab", lab->lab),
    REAL_COL ("value", lab->value),
    TEXT_COL ("unit", lab->unit),
    REAL_COL ("value_entered", lab->value_entered),
    TEXT_COL ("unit_entered", lab->unit_entered),
    REAL_COL ("uln", lab->uln),
    TEXT_COL ("sample_date", date),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (lab->lab == NULL || lab->unit == NULL || !isfinite (lab->value))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A lab result needs a test, a value and a unit."));
      return 0;
    }
  if (isfinite (lab->uln) && lab->uln <= 0)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The upper limit of normal for %s must be above zero."), lab->lab);
      return 0;
    }
  if (!require_date (&lab->date, _("lab result"), error))
    return 0;

  return insert_record (self, "lab", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
}

gint64
parasol_store_add_biomarker (ParasolStore                 *self,
                             gint64                        patient_id,
                             const ParasolBiomarkerResult *marker,
                             const char                   *reason,
                             GError                      **error)
{
  static const char *const methods[] = { "percent", "hscore", "amplified" };
  g_autofree char *date = parasol_date_to_iso (&marker->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("marker", marker->marker),
    TEXT_COL ("method", methods[marker->method]),
    REAL_COL ("value", marker->value),
    REAL_COL ("weak", marker->intensity[0]),
    REAL_COL ("moderate", marker->intensity[1]),
    REAL_COL ("strong", marker->intensity[2]),
    INT_COL ("pending", marker->pending ? 1 : 0),
    TEXT_COL ("sample_date", date),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (marker->marker == NULL || (guint) marker->method >= G_N_ELEMENTS (methods) ||
      (!marker->pending && !isfinite (marker->value)))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A biomarker result needs a marker and a value (or must be pending)."));
      return 0;
    }
  return insert_record (self, "biomarker", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
}

gint64
parasol_store_set_attestation (ParasolStore             *self,
                               gint64                    patient_id,
                               const ParasolAttestation *attestation,
                               const char               *reason,
                               GError                  **error)
{
  g_autofree char *date = parasol_date_to_iso (&attestation->date);
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int old_met = -1;
  g_autofree char *old_note = NULL;
  g_autofree char *old_source = NULL;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (attestation->criterion == NULL || *attestation->criterion == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An attestation needs a criterion."));
      return 0;
    }
  if (!write_begin (self, error))
    return 0;

  stmt = prepare (self,
                  "SELECT id, met, note, source FROM attestation"
                  " WHERE patient_id = ?1 AND criterion = ?2", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  sqlite3_bind_text (stmt, 2, attestation->criterion, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      old_met = sqlite3_column_int (stmt, 1);
      old_note = column_strdup (stmt, 2);
      old_source = column_strdup (stmt, 3);
    }
  sqlite3_reset (stmt);

  if (id == 0)
    {
      const Col cols[] = {
        INT_COL ("patient_id", patient_id),
        TEXT_COL ("criterion", attestation->criterion),
        INT_COL ("met", attestation->met ? 1 : 0),
        TEXT_COL ("note", attestation->note),
        TEXT_COL ("source", attestation->source),
        TEXT_COL ("attested_on", date),
      };

      id = insert_record (self, "attestation", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
      if (id == 0)
        goto fail;
    }
  else
    {
      const char *new_met = attestation->met ? "met" : "not_met";
      const char *was_met = old_met ? "met" : "not_met";
      gboolean met_changed = (old_met != 0) != (attestation->met != 0);
      gboolean note_changed = g_strcmp0 (old_note, attestation->note) != 0;
      gboolean source_changed = g_strcmp0 (old_source, attestation->source) != 0;

      if (!met_changed && !note_changed && !source_changed)
        {
          write_leave_unchanged (self);
          return id;
        }
      if (reason == NULL || *reason == '\0')
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                       _("Criterion %s was already attested (%s); changing it needs a reason."),
                       attestation->criterion, was_met);
          goto fail;
        }

      stmt = prepare (self,
                      "UPDATE attestation SET met = ?1, note = ?2, source = ?3, attested_on = ?4,"
                      " version = version + 1 WHERE id = ?5", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int (stmt, 1, attestation->met ? 1 : 0);
      bind_text_or_null (stmt, 2, attestation->note);
      bind_text_or_null (stmt, 3, attestation->source);
      bind_text_or_null (stmt, 4, date);
      sqlite3_bind_int64 (stmt, 5, id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, error, rc, _("saving the attestation"));
          goto fail;
        }

      if ((met_changed && !audit_append (self, "attestation", id, "met", was_met, new_met, reason, error)) ||
          (note_changed && !audit_append (self, "attestation", id, "note", old_note, attestation->note, reason, error)) ||
          (source_changed && !audit_append (self, "attestation", id, "source", old_source, attestation->source, reason, error)))
        goto fail;
      queue_change (self, "attestation", id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);
      queue_change (self, "patient", patient_id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);
    }

  if (!write_commit (self, error))
    return 0;
  return id;

fail:
  write_rollback (self);
  return 0;
}

gint64
parasol_store_set_cycle (ParasolStore             *self,
                         gint64                    patient_id,
                         const ParasolCycleRecord *cycle,
                         const char               *reason,
                         GError                  **error)
{
  static const char *const statuses[] = { "delayed", "started", "skipped", NULL };
  g_autofree char *date = parasol_date_to_iso (&cycle->start);
  g_autofree char *old_date = NULL;
  g_autofree char *old_status = NULL;
  g_autofree char *old_reason = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (cycle->number < 1 || !g_strv_contains (statuses, cycle->status ? cycle->status : ""))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A cycle needs a number from 1 and a status (delayed, started or skipped)."));
      return 0;
    }
  if (!require_date (&cycle->start, _("cycle"), error))
    return 0;

  if (!write_begin (self, error))
    return 0;

  stmt = prepare (self,
                  "SELECT id, start_date, status, reason FROM cycle"
                  " WHERE patient_id = ?1 AND number = ?2", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  sqlite3_bind_int (stmt, 2, cycle->number);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      old_date = column_strdup (stmt, 1);
      old_status = column_strdup (stmt, 2);
      old_reason = column_strdup (stmt, 3);
    }
  sqlite3_reset (stmt);

  if (id == 0)
    {
      const Col cols[] = {
        INT_COL ("patient_id", patient_id),
        INT_COL ("number", cycle->number),
        TEXT_COL ("start_date", date),
        TEXT_COL ("status", cycle->status),
        TEXT_COL ("reason", cycle->reason),
      };

      id = insert_record (self, "cycle", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
      if (id == 0)
        goto fail;
    }
  else
    {
      gboolean date_changed = g_strcmp0 (old_date, date) != 0;
      gboolean status_changed = g_strcmp0 (old_status, cycle->status) != 0;
      gboolean reason_changed = g_strcmp0 (old_reason, cycle->reason) != 0;

      if (!date_changed && !status_changed && !reason_changed)
        {
          write_leave_unchanged (self);
          return id;
        }
      if (reason == NULL || *reason == '\0')
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                       _("Cycle %d is already recorded (day 1 %s); changing it needs a reason."),
                       cycle->number, old_date);
          goto fail;
        }

      stmt = prepare (self,
                      "UPDATE cycle SET start_date = ?1, status = ?2, reason = ?3,"
                      " version = version + 1 WHERE id = ?4", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, date, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, cycle->status, -1, SQLITE_TRANSIENT);
      bind_text_or_null (stmt, 3, cycle->reason);
      sqlite3_bind_int64 (stmt, 4, id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, error, rc, _("saving the cycle"));
          goto fail;
        }
      if ((date_changed && !audit_append (self, "cycle", id, "start_date", old_date, date, reason, error)) ||
          (status_changed && !audit_append (self, "cycle", id, "status", old_status, cycle->status, reason, error)) ||
          (reason_changed && !audit_append (self, "cycle", id, "reason", old_reason, cycle->reason, reason, error)))
        goto fail;
      queue_change (self, "cycle", id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);
      queue_change (self, "patient", patient_id, patient_id, PARASOL_STORE_CHANGE_MODIFIED);
    }

  if (!write_commit (self, error))
    return 0;
  return id;

fail:
  write_rollback (self);
  return 0;
}

gint64
parasol_store_add_administration (ParasolStore                *self,
                                  gint64                       patient_id,
                                  const ParasolAdministration *admin,
                                  GError                     **error)
{
  g_autofree char *date = parasol_date_to_iso (&admin->date);
  const char *given_by = admin->given_by != NULL ? admin->given_by : self->actor;
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    INT_COL ("cycle", admin->cycle),
    TEXT_COL ("drug", admin->drug),
    TEXT_COL ("given_on", date),
    REAL_COL ("dose", admin->dose),
    TEXT_COL ("unit", admin->unit),
    TEXT_COL ("given_by", given_by),
    TEXT_COL ("reason", admin->reason),
    INT_COL ("flagged", admin->flagged ? 1 : 0),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (admin->drug == NULL || admin->cycle < 1 || (isfinite (admin->dose) && admin->dose < 0))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An administration needs a drug, a cycle and a dose that is not negative."));
      return 0;
    }
  if (admin->flagged && (admin->reason == NULL || *admin->reason == '\0'))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("This dose of %s is flagged (outside the tolerance of the calculated "
                     "dose); recording it needs a reason."), admin->drug);
      return 0;
    }
  if (!require_date (&admin->date, _("administration"), error))
    return 0;

  return insert_record (self, "administration", patient_id, cols, G_N_ELEMENTS (cols),
                        admin->reason, error);
}

gint64
parasol_store_add_response (ParasolStore          *self,
                            gint64                 patient_id,
                            const ParasolResponse *response,
                            GError               **error)
{
  static const char *const responses[] = { "CR", "PR", "SD", "PD", "NE", NULL };
  g_autofree char *date = parasol_date_to_iso (&response->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("assessed_on", date),
    TEXT_COL ("response", response->response),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (response->response == NULL || !g_strv_contains (responses, response->response))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not a RECIST 1.1 response; use CR, PR, SD, PD or NE."),
                   response->response ? response->response : "");
      return 0;
    }
  if (!require_date (&response->date, _("response assessment"), error))
    return 0;

  return insert_record (self, "response", patient_id, cols, G_N_ELEMENTS (cols), NULL, error);
}

gint64
parasol_store_add_event (ParasolStore       *self,
                         gint64              patient_id,
                         const ParasolEvent *event,
                         GError            **error)
{
  static const char *const kinds[] = { "death", "discontinuation", "progression", NULL };
  g_autofree char *date = parasol_date_to_iso (&event->date);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("kind", event->kind),
    TEXT_COL ("occurred_on", date),
    TEXT_COL ("reason", event->reason),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (event->kind == NULL || !g_strv_contains (kinds, event->kind))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not an event kind; use death, discontinuation or progression."),
                   event->kind ? event->kind : "");
      return 0;
    }
  if (g_strcmp0 (event->kind, "discontinuation") == 0 &&
      (event->reason == NULL || *event->reason == '\0'))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("A discontinuation needs a reason."));
      return 0;
    }
  if (!require_date (&event->date, _("event"), error))
    return 0;

  return insert_record (self, "event", patient_id, cols, G_N_ELEMENTS (cols), event->reason, error);
}

gint64
parasol_store_record_assignment (ParasolStore *self,
                                 gint64        patient_id,
                                 const char   *proposed,
                                 const char   *arm,
                                 const char   *protocol_version,
                                 const char   *reason,
                                 GError      **error)
{
  g_autofree char *now = utc_now_iso ();
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("proposed", proposed),
    TEXT_COL ("arm", arm),
    TEXT_COL ("protocol_version", protocol_version),
    TEXT_COL ("reason", reason),
    TEXT_COL ("decided_at", now),
  };
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (arm == NULL || *arm == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An assignment needs an arm."));
      return 0;
    }
  if (!write_begin (self, error))
    return 0;
  id = insert_record (self, "assignment", patient_id, cols, G_N_ELEMENTS (cols), reason, error);
  if (id == 0 ||
      !parasol_store_set_patient_field (self, patient_id, "arm", arm, 0,
                                        reason != NULL && *reason ? reason : _("arm assigned"),
                                        error))
    {
      write_rollback (self);
      return 0;
    }
  if (!write_commit (self, error))
    return 0;
  return id;
}

gint64
parasol_store_record_evaluation (ParasolStore *self,
                                 gint64        patient_id,
                                 const char   *context,
                                 const char   *protocol_version,
                                 const GDate  *evaluated_on,
                                 const char   *verdict,
                                 const GDate  *lapses_on,
                                 const char   *criteria_json,
                                 GError      **error)
{
  static const char *const verdicts[] = { "eligible", "not_eligible", "incomplete", NULL };
  g_autofree char *on = parasol_date_to_iso (evaluated_on);
  g_autofree char *lapses = parasol_date_to_iso (lapses_on);
  const Col cols[] = {
    INT_COL ("patient_id", patient_id),
    TEXT_COL ("context", context),
    TEXT_COL ("protocol_version", protocol_version),
    TEXT_COL ("evaluated_on", on),
    TEXT_COL ("verdict", verdict),
    TEXT_COL ("lapses_on", lapses),
    TEXT_COL ("criteria", criteria_json),
  };

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);

  if (context == NULL || protocol_version == NULL || verdict == NULL ||
      !g_strv_contains (verdicts, verdict))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("An evaluation needs its context, the protocol version it used and a "
                     "verdict (eligible, not_eligible or incomplete)."));
      return 0;
    }
  if (!require_date (evaluated_on, _("evaluation"), error))
    return 0;

  return insert_record (self, "evaluation", patient_id, cols, G_N_ELEMENTS (cols), NULL, error);
}

/* --- Audit trail ------------------------------------------------------------------------ */

void
parasol_audit_entry_free (ParasolAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->at);
  g_free (entry->who);
  g_free (entry->who_name);
  g_free (entry->table_name);
  g_free (entry->field);
  g_free (entry->old_value);
  g_free (entry->new_value);
  g_free (entry->reason);
  g_free (entry->prev_hash);
  g_free (entry->hash);
  g_free (entry);
}

#define AUDIT_COLUMNS \
  "seq, at, who, who_name, tbl, record, field, old_value, new_value, reason, prev_hash, hash"

static ParasolAuditEntry *
read_audit_entry (sqlite3_stmt *stmt)
{
  ParasolAuditEntry *e = g_new0 (ParasolAuditEntry, 1);

  e->seq = sqlite3_column_int64 (stmt, 0);
  e->at = column_strdup (stmt, 1);
  e->who = column_strdup (stmt, 2);
  e->who_name = column_strdup (stmt, 3);
  e->table_name = column_strdup (stmt, 4);
  e->record = sqlite3_column_int64 (stmt, 5);
  e->field = column_strdup (stmt, 6);
  e->old_value = column_strdup (stmt, 7);
  e->new_value = column_strdup (stmt, 8);
  e->reason = column_strdup (stmt, 9);
  e->prev_hash = column_strdup (stmt, 10);
  e->hash = column_strdup (stmt, 11);
  return e;
}

gboolean
parasol_store_audit_verify (ParasolStore *self,
                            gint64       *n_rows,
                            gint64       *first_bad,
                            GError      **error)
{
  g_autofree char *expected_prev = g_strdup (GENESIS_HASH);
  sqlite3_stmt *stmt;
  gint64 count = 0;
  gint64 expected_seq = 1;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (first_bad)
    *first_bad = 0;

  stmt = prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local = NULL;
      ParasolAuditEntry *e = read_audit_entry (stmt);
      g_autofree char *hash = parasol_store_audit_hash (e->prev_hash, e->seq, e->at, e->who,
                                                         e->who_name, e->table_name, e->record,
                                                         e->field, e->old_value, e->new_value,
                                                         e->reason);
      count++;

      if (e->seq != expected_seq)
        g_set_error (&local, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT,
                     _("Audit row %" PRId64 " follows row %" PRId64
                       ": rows are missing from the audit trail."), e->seq, expected_seq - 1);
      else if (g_strcmp0 (e->prev_hash, expected_prev) != 0)
        g_set_error (&local, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT,
                     _("Audit row %" PRId64 " does not link to the row before it: "
                       "the trail was altered at or before this row."), e->seq);
      else if (g_strcmp0 (e->hash, hash) != 0)
        g_set_error (&local, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT,
                     _("Audit row %" PRId64 " was altered: its contents no longer "
                       "match its hash."), e->seq);

      if (local != NULL)
        {
          if (first_bad)
            *first_bad = e->seq;
          parasol_audit_entry_free (e);
          sqlite3_reset (stmt);
          if (n_rows)
            *n_rows = count;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }

      g_free (expected_prev);
      expected_prev = g_strdup (e->hash);
      expected_seq = e->seq + 1;
      parasol_audit_entry_free (e);
    }
  sqlite3_reset (stmt);

  if (n_rows)
    *n_rows = count;

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("reading the audit trail"));
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
parasol_store_audit_list (ParasolStore *self,
                          const char   *table_name,
                          gint64        record,
                          guint         limit,
                          GError      **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT * FROM (SELECT " AUDIT_COLUMNS " FROM audit"
                  " WHERE (?1 IS NULL OR tbl = ?1) AND (?2 IS NULL OR record = ?2)"
                  " ORDER BY seq DESC LIMIT ?3) ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  bind_text_or_null (stmt, 1, table_name);
  if (record != 0)
    sqlite3_bind_int64 (stmt, 2, record);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, read_audit_entry (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, _("reading the audit trail"));
      return NULL;
    }
  return g_steal_pointer (&entries);
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
   * Emitted after a change is committed.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
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

/* --- For sibling store files ------------------------------------------------------------ */

struct sqlite3_stmt *
parasol_store_prepare_cached (ParasolStore  *self,
                              const char    *sql,
                              GError       **error)
{
  return prepare (self, sql, error);
}

void
parasol_store_set_error_from_sqlite (ParasolStore  *self,
                                     GError       **error,
                                     int            rc,
                                     const char    *doing)
{
  set_sqlite_error (self, error, rc, doing);
}
