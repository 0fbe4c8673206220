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

static void
canonical_form (GString    *canon,
                const char *prev_hash,
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
}

/* The exact bytes the chain hashes: every column of the row, length-prefixed, NULL distinct
 * from the empty string, then SHA-256 over the previous hash and these bytes.  Frozen: the
 * known-answer test and the databases in tests/data/ fail if it changes. */
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
  return store_audit_link (NULL, seq, prev_hash, at, who, who_name, table_name, record, field,
                           old_value, new_value, reason);
}

/* Rows from the keyed_from row on are linked with HMAC-SHA256 under the site key over the
 * same canonical bytes: forging one needs the key, which the database file does not hold. */
char *
store_audit_link (const guint8 *key,
                  gint64        seq,
                  const char   *prev_hash,
                  const char   *at,
                  const char   *who,
                  const char   *who_name,
                  const char   *table_name,
                  gint64        record,
                  const char   *field,
                  const char   *old_value,
                  const char   *new_value,
                  const char   *reason)
{
  g_autoptr(GString) canon = g_string_sized_new (256);

  canonical_form (canon, prev_hash, seq, at, who, who_name, table_name, record, field, old_value,
                  new_value, reason);
  if (key != NULL)
    return g_compute_hmac_for_data (G_CHECKSUM_SHA256, key, 32, (const guchar *) canon->str,
                                    canon->len);
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

  hash = store_audit_link (self->keyed_from > 0 && seq >= self->keyed_from ? self->key : NULL,
                           seq, self->last_hash, at, self->actor, self->actor_name, table_name,
                           record, field, old_value, new_value, reason);

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
  self->appended = TRUE;
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
  g_autoptr(ParasolAuditReport) report = NULL;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (first_bad)
    *first_bad = 0;
  if (n_rows)
    *n_rows = 0;

  report = parasol_store_audit_check (self, NULL, error);
  if (report == NULL)
    return FALSE;
  if (n_rows)
    *n_rows = report->n_rows;
  if (report->valid)
    return TRUE;
  if (first_bad)
    *first_bad = report->first_bad;
  g_set_error_literal (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_AUDIT, report->message);
  return FALSE;
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

/* A patient's own rows and those of every table that belongs to the patient (one indexed
 * lookup per table), oldest first. */
#define PATIENT_AUDIT_PART(tbl) \
  " UNION ALL SELECT " AUDIT_COLUMNS " FROM audit WHERE tbl = '" tbl "'" \
  " AND record IN (SELECT id FROM " tbl " WHERE patient_id = ?1)"

GPtrArray *
parasol_store_audit_list_patient (ParasolStore *self,
                                  gint64        patient_id,
                                  guint         limit,
                                  GError      **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), NULL);

  stmt = store_prepare (self,
                        "SELECT * FROM (SELECT " AUDIT_COLUMNS " FROM audit"
                        " WHERE tbl = 'patient' AND record = ?1"
                        PATIENT_AUDIT_PART ("lab") PATIENT_AUDIT_PART ("attestation")
                        PATIENT_AUDIT_PART ("biomarker") PATIENT_AUDIT_PART ("assignment")
                        PATIENT_AUDIT_PART ("cycle") PATIENT_AUDIT_PART ("administration")
                        PATIENT_AUDIT_PART ("response") PATIENT_AUDIT_PART ("event")
                        PATIENT_AUDIT_PART ("evaluation") PATIENT_AUDIT_PART ("weight")
                        " ORDER BY seq DESC LIMIT ?2) ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

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

