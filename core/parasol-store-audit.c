/* parasol-store-audit.c — the audit trail: canonical form, hash chain, verify, list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every audited write appends rows here, in the caller's transaction; the chain links each
 * row to the previous one with SHA-256 over a canonical form that must never change.
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "parasol-store.h"
#include "parasol-store-private.h"

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


gboolean
store_audit_append (ParasolStore *self,
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

  stmt = store_prepare (self,
                  "INSERT INTO audit (seq, at, who, who_name, tbl, record, field, old_value,"
                  " new_value, reason, prev_hash, hash)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, self->actor, -1, SQLITE_TRANSIENT);
  store_bind_text_or_null (stmt, 4, self->actor_name);
  sqlite3_bind_text (stmt, 5, table_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, record);
  store_bind_text_or_null (stmt, 7, field);
  store_bind_text_or_null (stmt, 8, old_value);
  store_bind_text_or_null (stmt, 9, new_value);
  store_bind_text_or_null (stmt, 10, reason);
  sqlite3_bind_text (stmt, 11, self->last_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 12, hash, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("writing the audit trail"));
      return FALSE;
    }

  g_free (self->last_hash);
  self->last_hash = g_steal_pointer (&hash);
  self->next_seq = seq + 1;
  return TRUE;
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
  e->at = store_column_strdup (stmt, 1);
  e->who = store_column_strdup (stmt, 2);
  e->who_name = store_column_strdup (stmt, 3);
  e->table_name = store_column_strdup (stmt, 4);
  e->record = sqlite3_column_int64 (stmt, 5);
  e->field = store_column_strdup (stmt, 6);
  e->old_value = store_column_strdup (stmt, 7);
  e->new_value = store_column_strdup (stmt, 8);
  e->reason = store_column_strdup (stmt, 9);
  e->prev_hash = store_column_strdup (stmt, 10);
  e->hash = store_column_strdup (stmt, 11);
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

  stmt = store_prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq", error);
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
      store_set_error (self, error, rc, _("reading the audit trail"));
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

  stmt = store_prepare (self,
                  "SELECT * FROM (SELECT " AUDIT_COLUMNS " FROM audit"
                  " WHERE (?1 IS NULL OR tbl = ?1) AND (?2 IS NULL OR record = ?2)"
                  " ORDER BY seq DESC LIMIT ?3) ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  store_bind_text_or_null (stmt, 1, table_name);
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
      store_set_error (self, error, rc, _("reading the audit trail"));
      return NULL;
    }
  return g_steal_pointer (&entries);
}

