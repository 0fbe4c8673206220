/* parasol-store-trust.c — data a sponsor can trust: the schema check, the site key, anchors
 * outside the file, the reconciled audit check, and writes stopped by damage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What each defence stops, and what it does not, is in HACKING.md ("Trusting the data").
 *
 * - The schema is what the migrations make: on every open, sqlite_schema is compared with a
 *   schema built from the migrations in an in-memory database; any other trigger, view, table
 *   or index, or a missing one, is refused.
 * - The site key: 32 random bytes in a 0600 file outside the database.  From the first write
 *   that finds it, the chain is keyed: a marker row (tbl "audit", field "key") names the key's
 *   id, and it and every later row are linked with HMAC-SHA256.  Rows before it keep their
 *   SHA-256 links, so old databases still verify.
 * - Anchors: after each write transaction the chain head (seq, hash) goes into a small file in
 *   $XDG_STATE_HOME/parasol/anchors/, named after the database's real path.  A trail shorter
 *   than the anchor, or different at it, was cut short or rewritten.
 * - Damage found on open or by a check stops writes until a person acknowledges it
 *   (parasol_store_audit_acknowledge(), itself an audit row).
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <inttypes.h>
#include <json-glib/json-glib.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parasol-store.h"
#include "parasol-store-private.h"

#define MAX_MISMATCHES 1000
#define KEY_MARKER_FIELD "key"
#define ACK_FIELD "acknowledged"

/* --- Paths -------------------------------------------------------------------------------- */

char *
parasol_store_key_path (void)
{
  const char *env = g_getenv ("PARASOL_KEY_FILE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_config_dir (), "parasol", "site.key", NULL);
}

static char *
state_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "parasol", "anchors", NULL);
}

/* $XDG_STATE_HOME/parasol/anchors/<sha256 of the real path>.<suffix> */
static char *
state_file (const char *real_path,
            const char *suffix)
{
  g_autofree char *dir = state_dir ();
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, real_path, -1);
  g_autofree char *name = g_strdup_printf ("%.32s.%s", digest, suffix);

  return g_build_filename (dir, name, NULL);
}

static gboolean
ensure_private_dir (const char *dir)
{
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return FALSE;
  g_chmod (dir, 0700);
  return TRUE;
}

/* Writes @contents to @path through a temporary file and a rename: a reader sees the old or
 * the new file, never half of one.  No fsync: an anchor lost in a crash is only older. */
static gboolean
replace_file (const char *path,
              const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-%d", path, (int) getpid ());
  gsize len = strlen (contents);
  int fd;

  if (!ensure_private_dir (dir))
    return FALSE;
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return FALSE;
  if (write (fd, contents, len) != (ssize_t) len)
    {
      close (fd);
      g_unlink (tmp);
      return FALSE;
    }
  close (fd);
  if (g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

/* --- The site key ------------------------------------------------------------------------- */

static char *
key_id_for (const guint8 *key)
{
  static const char label[] = "parasol site key id";
  g_autofree char *mac = g_compute_hmac_for_data (G_CHECKSUM_SHA256, key, 32,
                                                  (const guchar *) label, strlen (label));

  return g_strndup (mac, 16);
}

static gboolean
parse_key (const char *text,
           guint8     *key)
{
  for (int i = 0; i < 32; i++)
    {
      int hi = g_ascii_xdigit_value (text[2 * i]);
      int lo = hi >= 0 ? g_ascii_xdigit_value (text[2 * i + 1]) : -1;

      if (hi < 0 || lo < 0)
        return FALSE;
      key[i] = (guint8) (hi << 4 | lo);
    }
  return text[64] == '\0' || text[64] == '\n';
}

static gboolean
load_key (guint8 *key)
{
  g_autofree char *path = parasol_store_key_path ();
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, NULL) || len < 64 || len > 65)
    return FALSE;
  return parse_key (text, key);
}

/* Creates the site key (0600, its folder 0700) unless another process just did; then loads
 * whichever key is there. */
static gboolean
create_key (guint8  *key,
            GError **error)
{
  g_autofree char *path = parasol_store_key_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strdup_printf ("%s.new-%d", path, (int) getpid ());
  guint8 fresh[32];
  GString *hex = g_string_new (NULL);
  gboolean ok = FALSE;
  int fd;

  if (getrandom (fresh, sizeof fresh, 0) != sizeof fresh)
    goto out;
  for (guint i = 0; i < sizeof fresh; i++)
    g_string_append_printf (hex, "%02x", fresh[i]);
  g_string_append_c (hex, '\n');

  if (!ensure_private_dir (dir))
    goto out;
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    goto out;
  fchmod (fd, 0600);
  ok = write (fd, hex->str, hex->len) == (ssize_t) hex->len && fsync (fd) == 0;
  close (fd);
  /* link() never replaces: if another process won the race, its key is the key. */
  if (ok && link (tmp, path) != 0 && errno != EEXIST)
    ok = FALSE;
  g_unlink (tmp);

out:
  g_string_free (hex, TRUE);
  if (ok && load_key (key))
    return TRUE;
  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
               _("Could not create the site key %s: %s. Check that the folder %s can be "
                 "written."), path, g_strerror (errno), dir);
  return FALSE;
}

/* The first keyed row and the key id it names; 0 if the chain is not keyed. */
static gint64
chain_keyed_from (sqlite3 *db,
                  char   **key_id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 seq = 0;

  if (sqlite3_prepare_v2 (db, "SELECT seq, new_value FROM audit WHERE tbl = 'audit' AND record = 0"
                              " AND field = '" KEY_MARKER_FIELD "' ORDER BY seq LIMIT 1",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *value = (const char *) sqlite3_column_text (stmt, 1);

      seq = sqlite3_column_int64 (stmt, 0);
      if (key_id != NULL)
        *key_id = g_strdup (value != NULL && g_str_has_prefix (value, "hmac-sha256:")
                              ? value + strlen ("hmac-sha256:") : "");
    }
  sqlite3_finalize (stmt);
  return seq;
}

/* --- The schema --------------------------------------------------------------------------- */

static GMutex schema_lock;
static GPtrArray *expected_schemas[PARASOL_STORE_SCHEMA_VERSION + 1];

static GPtrArray *
read_schema (sqlite3 *db)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT type, name, tbl_name, sql FROM sqlite_schema"
                              " WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      g_ptr_array_unref (rows);
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      /* One string per object: type, name, table and SQL, separated by NUL-free markers. */
      g_ptr_array_add (rows, g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s",
                                              sqlite3_column_text (stmt, 0),
                                              sqlite3_column_text (stmt, 1),
                                              sqlite3_column_text (stmt, 2),
                                              sqlite3_column_type (stmt, 3) == SQLITE_NULL
                                                ? "" : (const char *) sqlite3_column_text (stmt, 3)));
    }
  sqlite3_finalize (stmt);
  return rows;
}

/* The schema the migrations make at @version, built once in an in-memory database. */
static GPtrArray *
expected_schema (int version)
{
  GPtrArray *rows;

  g_mutex_lock (&schema_lock);
  if (expected_schemas[version] == NULL)
    {
      sqlite3 *db = NULL;

      if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        {
          gboolean ok = TRUE;

          for (int v = 0; v < version && ok; v++)
            ok = sqlite3_exec (db, parasol_store_migration_sql (v), NULL, NULL, NULL) == SQLITE_OK;
          if (ok)
            expected_schemas[version] = read_schema (db);
        }
      sqlite3_close (db);
    }
  rows = expected_schemas[version];
  g_mutex_unlock (&schema_lock);
  return rows;
}

static gpointer
prepare_thread (gpointer data)
{
  expected_schema (PARASOL_STORE_SCHEMA_VERSION);
  return NULL;
}

void
parasol_store_prepare (void)
{
  GThread *thread = g_thread_try_new ("parasol-schema", prepare_thread, NULL, NULL);

  /* Without a thread, store_check_schema () builds it when it is needed. */
  if (thread != NULL)
    g_thread_unref (thread);
}

static gboolean
schema_contains (GPtrArray  *rows,
                 const char *row)
{
  for (guint i = 0; i < rows->len; i++)
    if (strcmp (g_ptr_array_index (rows, i), row) == 0)
      return TRUE;
  return FALSE;
}

static char *
describe_object (const char *row)
{
  g_auto(GStrv) parts = g_strsplit (row, "\x1f", 4);

  if (g_strcmp0 (parts[0], "table") == 0 || parts[2] == NULL || g_strcmp0 (parts[1], parts[2]) == 0)
    return g_strdup_printf ("%s “%s”", parts[0], parts[1]);
  return g_strdup_printf (_("%s “%s” on %s"), parts[0], parts[1], parts[2]);
}

gboolean
store_check_schema (ParasolStore *self,
                    GError      **error)
{
  g_autoptr(GPtrArray) actual = NULL;
  GPtrArray *expected;
  gint64 version = 0;

  if (!store_query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;
  if (version < 0 || version > PARASOL_STORE_SCHEMA_VERSION)
    return TRUE;  /* refused as a newer schema by store_migrate () */

  expected = expected_schema ((int) version);
  actual = read_schema (self->db);
  if (expected == NULL || actual == NULL)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("The schema of %s could not be read."), self->path);
      return FALSE;
    }

  {
    g_autoptr(GString) unknown = g_string_new (NULL);
    g_autoptr(GString) missing = g_string_new (NULL);

    for (guint i = 0; i < actual->len; i++)
      if (!schema_contains (expected, g_ptr_array_index (actual, i)))
        {
          g_autofree char *what = describe_object (g_ptr_array_index (actual, i));
          g_string_append_printf (unknown, "%s%s", unknown->len > 0 ? ", " : "", what);
        }
    for (guint i = 0; i < expected->len; i++)
      if (!schema_contains (actual, g_ptr_array_index (expected, i)))
        {
          g_autofree char *what = describe_object (g_ptr_array_index (expected, i));
          g_string_append_printf (missing, "%s%s", missing->len > 0 ? ", " : "", what);
        }
    if (unknown->len == 0 && missing->len == 0)
      return TRUE;

    if (missing->len == 0)
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
                   _("%s holds what Parasol did not make, or changed: %s. Someone may have "
                     "altered the database outside Parasol; nothing was read or written. "
                     "Restore the last backup (parasol-cli backup makes them) and report this "
                     "to the trial's data manager."), self->path, unknown->str);
    else if (unknown->len == 0)
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
                   _("%s lacks what Parasol made: %s (the audit trail is append-only only "
                     "while its triggers exist). Someone may have altered the database outside "
                     "Parasol; nothing was read or written. Restore the last backup and report "
                     "this to the trial's data manager."), self->path, missing->str);
    else
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
                   _("%s holds what Parasol did not make, or changed: %s; and lacks what it "
                     "made: %s. Someone may have altered the database outside Parasol; nothing "
                     "was read or written. Restore the last backup and report this to the "
                     "trial's data manager."), self->path, unknown->str, missing->str);
    return FALSE;
  }
}

/* --- Anchors ------------------------------------------------------------------------------ */

typedef struct {
  gint64  seq;
  char   *hash;
  gint64  keyed_from;
} Anchor;

static gboolean
read_anchor (const char *real_path,
             Anchor     *anchor)
{
  g_autofree char *file = state_file (real_path, "anchor");
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  memset (anchor, 0, sizeof *anchor);
  if (!g_key_file_load_from_file (kf, file, G_KEY_FILE_NONE, NULL))
    return FALSE;
  anchor->seq = g_key_file_get_int64 (kf, "anchor", "seq", NULL);
  anchor->hash = g_key_file_get_string (kf, "anchor", "hash", NULL);
  anchor->keyed_from = g_key_file_get_int64 (kf, "anchor", "keyed_from", NULL);
  if (anchor->seq <= 0 || anchor->hash == NULL)
    {
      g_clear_pointer (&anchor->hash, g_free);
      anchor->seq = 0;
      return FALSE;
    }
  return TRUE;
}

void
store_forget_anchor (const char *path)
{
  static const char *const suffixes[] = { "anchor", "damage", "acknowledged" };
  g_autofree char *real = realpath (path, NULL);

  if (real == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = state_file (real, suffixes[i]);

      if (g_unlink (file) != 0 && errno != ENOENT)
        g_warning ("Could not remove the stale %s %s: %s", suffixes[i], file, g_strerror (errno));
    }
}

void
store_write_anchor (const char *path,
                    gint64      seq,
                    const char *hash,
                    gint64      keyed_from)
{
  g_autofree char *real = realpath (path, NULL);
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;

  if (real == NULL || seq <= 0 || hash == NULL)
    return;
  file = state_file (real, "anchor");
  contents = g_strdup_printf ("# The head of the audit trail of %s, recorded by Parasol after "
                              "each change.\n[anchor]\npath=%s\nseq=%" G_GINT64_FORMAT
                              "\nhash=%s\nkeyed_from=%" G_GINT64_FORMAT "\n",
                              real, real, seq, hash, keyed_from);
  if (!replace_file (file, contents))
    g_warning ("Could not record the audit anchor in %s", file);
}

/* --- What a check needs ------------------------------------------------------------------- */

struct _StoreCheckInfo {
  char    *path;
  char    *real_path;
  guint8   key[32];
  gboolean have_key;
  char    *key_id;
};

StoreCheckInfo *
store_check_info_new (ParasolStore *self)
{
  StoreCheckInfo *info = g_new0 (StoreCheckInfo, 1);

  info->path = g_strdup (self->path);
  info->real_path = g_strdup (self->real_path != NULL ? self->real_path : self->path);
  info->have_key = self->have_key;
  memcpy (info->key, self->key, sizeof info->key);
  info->key_id = g_strdup (self->key_id);
  return info;
}

void
store_check_info_free (StoreCheckInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->real_path);
  g_free (info->key_id);
  memset (info->key, 0, sizeof info->key);
  g_free (info);
}

void
parasol_audit_report_free (ParasolAuditReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->mismatches, g_ptr_array_unref);
  g_free (report->message);
  g_free (report);
}

static void
mismatch_free (ParasolAuditMismatch *m)
{
  g_free (m->table_name);
  g_free (m->field);
  g_free (m->stored);
  g_free (m->audited);
  g_free (m);
}

static void
report_problem (ParasolAuditReport *report,
                char               *message)
{
  report->valid = FALSE;
  if (report->message == NULL)
    report->message = message;
  else
    g_free (message);
}

/* --- The chain ---------------------------------------------------------------------------- */

static gboolean
check_chain (sqlite3              *db,
             const StoreCheckInfo *info,
             ParasolAuditReport   *report,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autofree char *expected_prev = g_strdup (GENESIS_HASH);
  g_autofree char *chain_key_id = NULL;
  gboolean keyed_ok;
  sqlite3_stmt *stmt = NULL;
  gint64 expected_seq = 1;
  int rc;

  report->keyed_from = chain_keyed_from (db, &chain_key_id);
  if (report->keyed_from == 0)
    report->key_state = PARASOL_AUDIT_KEY_NONE;
  else if (!info->have_key)
    report->key_state = PARASOL_AUDIT_KEY_MISSING;
  else if (g_strcmp0 (chain_key_id, info->key_id) != 0)
    report->key_state = PARASOL_AUDIT_KEY_OTHER;
  else
    report->key_state = PARASOL_AUDIT_KEY_OK;
  keyed_ok = report->key_state == PARASOL_AUDIT_KEY_OK;

  rc = sqlite3_prepare_v2 (db, "SELECT seq, at, who, who_name, tbl, record, field, old_value,"
                               " new_value, reason, prev_hash, hash FROM audit ORDER BY seq",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK || rc == SQLITE_ROW)
    {
      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
        break;
      {
#define T(i) ((const char *) sqlite3_column_text (stmt, (i)))
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *prev = T (10);
      const char *hash = T (11);
      g_autofree char *link = NULL;
      char *problem = NULL;

      report->n_rows++;
      if (seq != expected_seq)
        problem = g_strdup_printf (_("Audit row %" PRId64 " follows row %" PRId64 ": rows are "
                                     "missing from the audit trail."), seq, expected_seq - 1);
      else if (g_strcmp0 (prev, expected_prev) != 0)
        problem = g_strdup_printf (_("Audit row %" PRId64 " does not link to the row before it: "
                                     "the trail was altered at or before this row."), seq);
      else if (report->keyed_from == 0 || seq < report->keyed_from || keyed_ok)
        {
          link = store_audit_link (report->keyed_from > 0 && seq >= report->keyed_from
                                     ? info->key : NULL,
                                   seq, prev, T (1), T (2), T (3), T (4),
                                   sqlite3_column_int64 (stmt, 5), T (6), T (7), T (8), T (9));
          if (g_strcmp0 (hash, link) != 0)
            problem = g_strdup_printf (_("Audit row %" PRId64 " was altered: its contents no "
                                         "longer match its hash."), seq);
        }
#undef T
      if (problem != NULL)
        {
          report->first_bad = seq;
          report_problem (report, problem);
          break;
        }
      g_free (expected_prev);
      expected_prev = g_strdup (hash);
      expected_seq = seq + 1;
      if ((report->n_rows & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
        break;
      }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW && rc != SQLITE_OK)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                   _("The audit trail of %s could not be read: %s"), info->path,
                   sqlite3_errstr (rc));
      return FALSE;
    }

  if (report->key_state == PARASOL_AUDIT_KEY_OTHER)
    report_problem (report, g_strdup_printf (_("The audit trail is keyed with another site key "
                                                "(%s) than this computer's (%s): its links from "
                                                "row %" PRId64 " on cannot be checked here. Use "
                                                "the site key of the computer that wrote it."),
                                             chain_key_id, info->key_id, report->keyed_from));
  return TRUE;
}

static void
check_anchor (sqlite3              *db,
              const StoreCheckInfo *info,
              ParasolAuditReport   *report)
{
  g_autofree char *anchor_file = state_file (info->real_path, "anchor");
  Anchor anchor;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *hash = NULL;
  gint64 head = 0;

  if (!read_anchor (info->real_path, &anchor))
    return;
  report->anchor_seq = anchor.seq;

  if (sqlite3_prepare_v2 (db, "SELECT (SELECT max(seq) FROM audit),"
                              " (SELECT hash FROM audit WHERE seq = ?1)", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, anchor.seq);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          head = sqlite3_column_int64 (stmt, 0);
          hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
    }
  sqlite3_finalize (stmt);

  if (head < anchor.seq)
    {
      report->truncated = TRUE;
      report_problem (report, g_strdup_printf (_("The audit trail was cut short: it ends at row "
                                                 "%" PRId64 ", but row %" PRId64 " had been "
                                                 "written (recorded outside the database in %s). "
                                                 "Restore the last backup."),
                                               head, anchor.seq, anchor_file));
    }
  else if (g_strcmp0 (hash, anchor.hash) != 0)
    {
      report->truncated = TRUE;
      report_problem (report, g_strdup_printf (_("Audit row %" PRId64 " is not the row that was "
                                                 "written (recorded outside the database in %s): "
                                                 "the trail was rewritten. Restore the last "
                                                 "backup."), anchor.seq, anchor_file));
    }
  else if (anchor.keyed_from > 0 && report->keyed_from != anchor.keyed_from)
    {
      report->truncated = TRUE;
      report_problem (report, g_strdup_printf (_("The audit trail was keyed from row %" PRId64
                                                 " (recorded outside the database), but is not "
                                                 "now: it was rewritten without the site key. "
                                                 "Restore the last backup."), anchor.keyed_from));
    }
  g_free (anchor.hash);
}

/* --- Reconciling the data with the trail -------------------------------------------------- */

/* Parses the whole-record JSON store_insert_record () writes: {"name": value, ...} with
 * strings escaped as parasol_json_escape_append () does (older rows: \\uXXXX for every control
 * character), and read back by json-glib.  Calls @set for each member; FALSE if malformed. */
static gboolean
parse_record_json (const char *json,
                   void      (*set) (const char *name, gsize name_len, char *value, gpointer data),
                   gpointer    data)
{
  const char *p = json;

  if (p == NULL || *p++ != '{')
    return FALSE;
  for (;;)
    {
      const char *name;
      gsize name_len;

      while (*p == ' ' || *p == ',')
        p++;
      if (*p == '}')
        return TRUE;
      if (*p++ != '"')
        return FALSE;
      name = p;
      while (*p && *p != '"')
        p++;
      if (*p != '"')
        return FALSE;
      name_len = p - name;
      p++;
      if (*p++ != ':')
        return FALSE;
      while (*p == ' ')
        p++;
      if (*p == '"')
        {
          const char *start = p++;
          g_autofree char *token = NULL;
          g_autoptr(JsonNode) value = NULL;

          while (*p && *p != '"')
            p += (*p == '\\' && p[1] != '\0') ? 2 : 1;
          if (*p++ != '"')
            return FALSE;
          token = g_strndup (start, p - start);
          value = json_from_string (token, NULL);
          if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
              json_node_get_value_type (value) != G_TYPE_STRING)
            return FALSE;
          set (name, name_len, g_strdup (json_node_get_string (value)), data);
        }
      else
        {
          const char *start = p;

          while (*p && *p != ',' && *p != '}')
            p++;
          if (p - start == 4 && strncmp (start, "null", 4) == 0)
            set (name, name_len, NULL, data);
          else
            set (name, name_len, g_strndup (start, p - start), data);
        }
    }
}

typedef struct {
  GHashTable *index;        /* column name -> position + 1 */
  guint       n_cols;
  char      **names;
  char      **defaults;     /* as SQLite would fill a column absent from an INSERT */
  char      **expected;
  gboolean   *skip;         /* id, version */
  const char *const **labels;
} TableShape;

static void
set_expected (const char *name,
              gsize       name_len,
              char       *value,
              gpointer    data)
{
  TableShape *shape = data;
  g_autofree char *key = g_strndup (name, name_len);
  guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (shape->index, key));

  if (pos == 0)
    {
      g_free (value);
      return;
    }
  g_free (shape->expected[pos - 1]);
  shape->expected[pos - 1] = value;
}

static char *
unquote_default (const char *dflt)
{
  gsize n;

  if (dflt == NULL || g_ascii_strcasecmp (dflt, "NULL") == 0)
    return NULL;
  n = strlen (dflt);
  if (n >= 2 && dflt[0] == '\'' && dflt[n - 1] == '\'')
    {
      g_autofree char *inner = g_strndup (dflt + 1, n - 2);
      g_auto(GStrv) parts = g_strsplit (inner, "''", -1);
      return g_strjoinv ("'", parts);
    }
  return g_strdup (dflt);
}

static gboolean
table_shape_init (sqlite3    *db,
                  const char *table,
                  TableShape *shape)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) defaults = g_ptr_array_new ();
  char *sql = sqlite3_mprintf ("PRAGMA table_info(\"%w\")", table);
  sqlite3_stmt *stmt = NULL;

  memset (shape, 0, sizeof *shape);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
        g_ptr_array_add (defaults, unquote_default ((const char *) sqlite3_column_text (stmt, 4)));
      }
  sqlite3_finalize (stmt);
  sqlite3_free (sql);

  shape->n_cols = names->len;
  shape->index = g_hash_table_new (g_str_hash, g_str_equal);
  shape->names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  shape->defaults = (char **) g_ptr_array_free (g_steal_pointer (&defaults), FALSE);
  shape->expected = g_new0 (char *, shape->n_cols);
  shape->skip = g_new0 (gboolean, shape->n_cols);
  shape->labels = g_new0 (const char *const *, shape->n_cols);
  for (guint i = 0; i < shape->n_cols; i++)
    {
      g_hash_table_insert (shape->index, shape->names[i], GUINT_TO_POINTER (i + 1));
      shape->skip[i] = g_str_equal (shape->names[i], "id") || g_str_equal (shape->names[i], "version");
      if (g_str_equal (table, "attestation") && g_str_equal (shape->names[i], "met"))
        shape->labels[i] = store_met_labels;
    }
  return shape->n_cols > 0 && g_hash_table_contains (shape->index, "id");
}

static void
table_shape_clear (TableShape *shape)
{
  for (guint i = 0; i < shape->n_cols; i++)
    {
      g_free (shape->names[i]);
      g_free (shape->defaults[i]);
      g_free (shape->expected[i]);
    }
  g_free (shape->names);
  g_free (shape->defaults);
  g_free (shape->expected);
  g_free (shape->skip);
  g_free (shape->labels);
  g_clear_pointer (&shape->index, g_hash_table_unref);
}

static void
add_mismatch (ParasolAuditReport *report,
              const char         *table,
              gint64              record,
              const char         *field,
              const char         *stored,
              const char         *audited)
{
  ParasolAuditMismatch *m;

  report->n_mismatches++;
  if (report->n_mismatches == 1)
    {
      if (field != NULL)
        report_problem (report,
                        g_strdup_printf (_("%s %" PRId64 ", %s: the database holds “%s”, but the "
                                           "audit trail says “%s”. It was changed outside "
                                           "Parasol; restore the last backup."),
                                         table, record, field, stored ? stored : "∅",
                                         audited ? audited : "∅"));
      else if (stored != NULL)
        report_problem (report,
                        g_strdup_printf (_("%s %" PRId64 " has no audit row: it was added "
                                           "outside Parasol. Restore the last backup."),
                                         table, record));
      else
        report_problem (report,
                        g_strdup_printf (_("%s %" PRId64 " is in the audit trail but not in the "
                                           "database: it was deleted outside Parasol. Restore "
                                           "the last backup."), table, record));
    }
  report->valid = FALSE;
  if (report->mismatches->len >= MAX_MISMATCHES)
    return;
  m = g_new0 (ParasolAuditMismatch, 1);
  m->table_name = g_strdup (table);
  m->record = record;
  m->field = g_strdup (field);
  m->stored = g_strdup (stored);
  m->audited = g_strdup (audited);
  g_ptr_array_add (report->mismatches, m);
}

/* The last value the trail gives each field of a record, from its whole-record insert and
 * the field changes after it, merged with the rows in id order. */
static gboolean
reconcile_table (sqlite3            *db,
                 const char         *table,
                 ParasolAuditReport *report,
                 GCancellable       *cancellable)
{
  TableShape shape;
  sqlite3_stmt *rows = NULL;
  sqlite3_stmt *trail = NULL;
  char *sql;
  guint id_col;
  int rc_rows, rc_trail;

  if (!table_shape_init (db, table, &shape))
    {
      table_shape_clear (&shape);
      return TRUE;
    }
  id_col = GPOINTER_TO_UINT (g_hash_table_lookup (shape.index, "id")) - 1;

  sql = sqlite3_mprintf ("SELECT * FROM \"%w\" ORDER BY id", table);
  rc_rows = sqlite3_prepare_v2 (db, sql, -1, &rows, NULL);
  sqlite3_free (sql);
  rc_trail = sqlite3_prepare_v2 (db, "SELECT record, field, new_value FROM audit WHERE tbl = ?1"
                                     " ORDER BY record, seq", -1, &trail, NULL);
  if (rc_rows != SQLITE_OK || rc_trail != SQLITE_OK)
    goto out;
  sqlite3_bind_text (trail, 1, table, -1, SQLITE_STATIC);

  rc_rows = sqlite3_step (rows);
  rc_trail = sqlite3_step (trail);
  while (rc_rows == SQLITE_ROW || rc_trail == SQLITE_ROW)
    {
      gint64 row_id = rc_rows == SQLITE_ROW ? sqlite3_column_int64 (rows, id_col) : G_MAXINT64;
      gint64 audit_id = rc_trail == SQLITE_ROW ? sqlite3_column_int64 (trail, 0) : G_MAXINT64;
      gint64 id = MIN (row_id, audit_id);
      gboolean inserted = FALSE;

      for (guint i = 0; i < shape.n_cols; i++)
        g_clear_pointer (&shape.expected[i], g_free);

      while (rc_trail == SQLITE_ROW && sqlite3_column_int64 (trail, 0) == id)
        {
          const char *field = (const char *) sqlite3_column_text (trail, 1);
          const char *value = (const char *) sqlite3_column_text (trail, 2);

          if (field == NULL)
            {
              /* The whole record as inserted; a column it does not name got its default. */
              for (guint i = 0; i < shape.n_cols; i++)
                {
                  g_free (shape.expected[i]);
                  shape.expected[i] = g_strdup (shape.defaults[i]);
                }
              inserted = parse_record_json (value, set_expected, &shape) || inserted;
            }
          else
            {
              guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (shape.index, field));

              if (pos > 0)
                {
                  char *v = g_strdup (value);

                  /* Labelled integers (met/not_met) are audited by name. */
                  if (shape.labels[pos - 1] != NULL && v != NULL)
                    for (guint l = 0; shape.labels[pos - 1][l] != NULL; l++)
                      if (strcmp (shape.labels[pos - 1][l], v) == 0)
                        {
                          g_free (v);
                          v = g_strdup_printf ("%u", l);
                          break;
                        }
                  g_free (shape.expected[pos - 1]);
                  shape.expected[pos - 1] = v;
                }
            }
          rc_trail = sqlite3_step (trail);
        }

      if (row_id != id)
        add_mismatch (report, table, id, NULL, NULL, NULL);
      else
        {
          report->n_records++;
          if (!inserted)
            add_mismatch (report, table, id, NULL, "", NULL);
          else
            for (guint i = 0; i < shape.n_cols; i++)
              {
                g_autofree char *stored = NULL;

                if (shape.skip[i])
                  continue;
                stored = store_column_audit_text (rows, (int) i, NULL);
                if (g_strcmp0 (stored, shape.expected[i]) != 0)
                  add_mismatch (report, table, id, shape.names[i], stored, shape.expected[i]);
              }
          rc_rows = sqlite3_step (rows);
        }
      if ((report->n_records & 0xfff) == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }

out:
  sqlite3_finalize (rows);
  sqlite3_finalize (trail);
  table_shape_clear (&shape);
  return TRUE;
}

static void
reconcile (sqlite3            *db,
           ParasolAuditReport *report,
           GCancellable       *cancellable)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                              " AND name NOT LIKE 'sqlite_%' AND name != 'audit' ORDER BY name",
                          -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (guint i = 0; i < tables->len; i++)
    reconcile_table (db, g_ptr_array_index (tables, i), report, cancellable);
}

ParasolAuditReport *
store_audit_check_db (sqlite3              *db,
                      const StoreCheckInfo *info,
                      GCancellable         *cancellable,
                      GError              **error)
{
  g_autoptr(ParasolAuditReport) report = g_new0 (ParasolAuditReport, 1);
  gboolean ok;

  report->valid = TRUE;
  report->mismatches = g_ptr_array_new_with_free_func ((GDestroyNotify) mismatch_free);

  /* One read transaction: the chain, the anchor and the data seen at the same moment. */
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  ok = check_chain (db, info, report, cancellable, error);
  if (ok)
    {
      check_anchor (db, info, report);
      reconcile (db, report, cancellable);
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (!ok)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&report);
}

/* --- Damage stops writes ------------------------------------------------------------------ */

static gboolean
damage_acknowledged (const char *real_path,
                     const char *message)
{
  g_autofree char *file = state_file (real_path, "acknowledged");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (file, &text, NULL, NULL))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  return g_strv_contains ((const char *const *) lines, message);
}

static void
record_damage (const char         *real_path,
               ParasolAuditReport *report)
{
  g_autofree char *file = state_file (real_path, "damage");
  g_autofree char *oneline = NULL;

  if (report->valid)
    return;
  oneline = g_strdelimit (g_strdup (report->message), "\n", ' ');
  report->acknowledged = damage_acknowledged (real_path, oneline);
  if (!report->acknowledged)
    replace_file (file, oneline);
}

void
store_record_damage_for (const StoreCheckInfo     *info,
                         const ParasolAuditReport *report)
{
  record_damage (info->real_path, (ParasolAuditReport *) report);
}

void
store_trust_record_damage (ParasolStore             *self,
                           const ParasolAuditReport *report)
{
  if (report->valid || report->acknowledged)
    return;
  g_free (self->damage);
  self->damage = g_strdelimit (g_strdup (report->message), "\n", ' ');
}

static void
load_damage (ParasolStore *self)
{
  g_autofree char *file = state_file (self->real_path, "damage");
  g_autofree char *text = NULL;

  if (g_file_get_contents (file, &text, NULL, NULL) && *text != '\0' &&
      !damage_acknowledged (self->real_path, text))
    {
      g_free (self->damage);
      self->damage = g_steal_pointer (&text);
    }
}

/* Cheap checks on every open: the anchor, and the head row's link when the key is here. */
void
store_trust_open (ParasolStore *self)
{
  g_autofree char *chain_key_id = NULL;
  g_autoptr(ParasolAuditReport) report = g_new0 (ParasolAuditReport, 1);
  StoreCheckInfo *info;
  sqlite3_stmt *stmt = NULL;

  if (self->real_path == NULL)
    self->real_path = g_strdup (self->path);
  self->have_key = load_key (self->key);
  g_clear_pointer (&self->key_id, g_free);
  if (self->have_key)
    self->key_id = key_id_for (self->key);
  self->keyed_from = chain_keyed_from (self->db, &chain_key_id);
  g_free (self->chain_key_id);
  self->chain_key_id = g_strdup (chain_key_id);

  load_damage (self);

  report->valid = TRUE;
  info = store_check_info_new (self);
  report->keyed_from = self->keyed_from;
  check_anchor (self->db, info, report);
  self->anchor_seq = report->anchor_seq;

  if (report->valid && self->keyed_from > 0 && self->have_key &&
      g_strcmp0 (chain_key_id, self->key_id) == 0 &&
      sqlite3_prepare_v2 (self->db, "SELECT seq, at, who, who_name, tbl, record, field, old_value,"
                                    " new_value, reason, prev_hash, hash FROM audit"
                                    " ORDER BY seq DESC LIMIT 1", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
#define T(i) ((const char *) sqlite3_column_text (stmt, (i)))
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      g_autofree char *link = store_audit_link (self->key, seq, T (10), T (1), T (2), T (3), T (4),
                                                sqlite3_column_int64 (stmt, 5), T (6), T (7),
                                                T (8), T (9));
      if (seq >= self->keyed_from && g_strcmp0 (link, T (11)) != 0)
        {
          report->first_bad = seq;
          report_problem (report, g_strdup_printf (_("Audit row %" PRId64 " was altered: its "
                                                     "contents no longer match its hash."), seq));
        }
#undef T
    }
  sqlite3_finalize (stmt);

  if (!report->valid)
    {
      record_damage (self->real_path, report);
      store_trust_record_damage (self, report);
    }
  store_check_info_free (info);
}

gboolean
store_trust_begin (ParasolStore *self,
                   GError      **error)
{
  if (self->damage_file == NULL)
    self->damage_file = state_file (self->real_path, "damage");
  if (self->damage == NULL && g_file_test (self->damage_file, G_FILE_TEST_EXISTS))
    load_damage (self);  /* found by another process since we opened */
  if (self->damage != NULL && !self->acknowledging)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT,
                   _("Nothing can be saved: the audit trail of %s is damaged (%s). A person must "
                     "look at the damage first: run “parasol-cli audit verify”, then restore the "
                     "last backup, or record that you have seen it with “parasol-cli audit "
                     "acknowledge --reason TEXT”."), self->path, self->damage);
      return FALSE;
    }

  /* Another process may have keyed the chain since we looked; once keyed it stays keyed. */
  if (self->keyed_from == 0)
    {
      sqlite3_stmt *stmt = store_prepare (self, "SELECT seq, new_value FROM audit WHERE tbl = 'audit'"
                                                " AND record = 0 AND field = '" KEY_MARKER_FIELD "'"
                                                " ORDER BY seq LIMIT 1", error);
      if (stmt == NULL)
        return FALSE;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *value = (const char *) sqlite3_column_text (stmt, 1);

          self->keyed_from = sqlite3_column_int64 (stmt, 0);
          g_free (self->chain_key_id);
          self->chain_key_id = g_strdup (value != NULL && g_str_has_prefix (value, "hmac-sha256:")
                                           ? value + strlen ("hmac-sha256:") : "");
        }
      sqlite3_reset (stmt);
    }

  if (self->keyed_from > 0)
    {
      if (!self->have_key || g_strcmp0 (self->chain_key_id, self->key_id) != 0)
        {
          g_autofree char *key_path = parasol_store_key_path ();
          if (self->have_key)
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT,
                         _("Nothing can be saved: the audit trail of %s is keyed with site key "
                           "%s, and this computer has another one. Copy the site key file of "
                           "the computer that wrote the database to %s."), self->path,
                         self->chain_key_id, key_path);
          else
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT,
                         _("Nothing can be saved: the audit trail of %s is keyed with site key "
                           "%s, and this computer has no site key. Copy the site key file of "
                           "the computer that wrote the database to %s."), self->path,
                         self->chain_key_id, key_path);
          return FALSE;
        }
      return TRUE;
    }

  /* Not keyed yet: key it from this row on. */
  if (!self->have_key)
    {
      if (!create_key (self->key, error))
        return FALSE;
      self->have_key = TRUE;
      g_free (self->key_id);
      self->key_id = key_id_for (self->key);
    }
  {
    g_autofree char *marker = g_strdup_printf ("hmac-sha256:%s", self->key_id);

    self->keyed_from = self->next_seq;
    self->keyed_in_tx = TRUE;
    g_free (self->chain_key_id);
    self->chain_key_id = g_strdup (self->key_id);
    if (!store_audit_append (self, "audit", 0, KEY_MARKER_FIELD, NULL, marker,
                             "From this row on, the audit trail is keyed with the site key",
                             error))
      {
        self->keyed_from = 0;
        return FALSE;
      }
  }
  return TRUE;
}

void
store_trust_committed (ParasolStore *self,
                       gint64        seq,
                       const char   *hash)
{
  if (seq <= self->anchor_seq)
    return;
  store_write_anchor (self->path, seq, hash, self->keyed_from);
  self->anchor_seq = seq;
}

/* --- Public ------------------------------------------------------------------------------- */

ParasolAuditReport *
parasol_store_audit_check (ParasolStore  *self,
                           GCancellable  *cancellable,
                           GError       **error)
{
  StoreCheckInfo *info;
  ParasolAuditReport *report;

  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);
  g_return_val_if_fail (self->depth == 0, NULL);

  info = store_check_info_new (self);
  report = store_audit_check_db (self->db, info, cancellable, error);
  if (report != NULL)
    {
      record_damage (info->real_path, report);
      store_trust_record_damage (self, report);
    }
  store_check_info_free (info);
  return report;
}

const char *
parasol_store_get_damage (ParasolStore *self)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);
  return self->damage;
}

gboolean
parasol_store_audit_acknowledge (ParasolStore *self,
                                 const char   *reason,
                                 GError      **error)
{
  g_autofree char *damage_file = NULL;
  g_autofree char *ack_file = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *damage = NULL;
  gboolean ok;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (self->damage == NULL)
    load_damage (self);
  if (self->damage == NULL)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("There is no damage to acknowledge: writes are not stopped."));
      return FALSE;
    }
  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED,
                   _("Acknowledging damage to the audit trail needs a reason: say what you "
                     "checked and why writing may go on."));
      return FALSE;
    }

  damage = g_strdup (self->damage);
  self->acknowledging = TRUE;
  /* A person has accepted this trail as it is: its head, with the acknowledgement row, becomes
   * the anchor (else a trail cut short would stay shorter than the old anchor for ever). */
  self->anchor_seq = 0;
  ok = store_write_begin (self, error) &&
       (store_audit_append (self, "audit", 0, ACK_FIELD, damage, NULL, reason, error)
          ? store_write_commit (self, error)
          : (store_write_rollback (self), FALSE));
  self->acknowledging = FALSE;
  if (!ok)
    return FALSE;

  ack_file = state_file (self->real_path, "acknowledged");
  damage_file = state_file (self->real_path, "damage");
  g_file_get_contents (ack_file, &previous, NULL, NULL);
  contents = g_strconcat (previous != NULL ? previous : "", damage, "\n", NULL);
  replace_file (ack_file, contents);
  g_unlink (damage_file);
  g_clear_pointer (&self->damage, g_free);
  return TRUE;
}

/* --- Leftovers ---------------------------------------------------------------------------- */

void
store_clean_partials (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  time_t now = time (NULL);

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      const char *mark = strstr (name, ".partial-");
      g_autofree char *file = NULL;
      g_autofree char *pid_text = NULL;
      struct stat st;
      gint64 pid = 0;

      if (mark == NULL)
        continue;
      /* name.partial-PID, and its -journal / -wal: removed once its writer is gone. */
      pid_text = g_strdup (mark + strlen (".partial-"));
      pid_text[strspn (pid_text, "0123456789")] = '\0';
      file = g_build_filename (dir, name, NULL);
      if (!g_ascii_string_to_signed (pid_text, 10, 1, G_MAXINT, &pid, NULL) ||
          g_lstat (file, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if ((kill ((pid_t) pid, 0) == 0 || errno == EPERM) && now - st.st_mtime < 3600)
        continue;  /* still being written */
      g_unlink (file);
    }
}
