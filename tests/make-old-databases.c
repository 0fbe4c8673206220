/* make-old-databases.c — writes tests/data/store/schema-N.db: databases as Parasol made them at
 * schema versions 1 to 8, with a small trial in each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   _build/tests/make-old-databases tests/data/store
 *
 * Each database is built from the shipped migration steps (parasol_store_migration_sql) up to
 * its version, and filled the way the store of that time wrote: every row inserted with a
 * whole-record audit row (the row as JSON), every later change as one audit row per field,
 * chained with SHA-256 (no site key yet).  The files are committed: the test that migrates and
 * verifies them fails if the canonical form of the audit trail, the JSON of a record or a
 * migration step ever changes.  Run this again only to add a version, never to "fix" a file.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "parasol-store-private.h"
#include "parasol-store.h"

typedef struct {
  sqlite3 *db;
  int      version;
  gint64   seq;
  char    *prev;
  int      minute;
} Gen;

/* A column: name, then a type letter (s text, d real, i integer, n null) and its value. */
typedef struct {
  const char *name;
  char        type;
  const char *s;
  double      d;
  gint64      i;
} V;

#define S(n, v) { (n), 's', (v), 0, 0 }
#define D(n, v) { (n), 'd', NULL, (v), 0 }
#define I(n, v) { (n), 'i', NULL, 0, (v) }
#define N(n)    { (n), 'n', NULL, 0, 0 }

static void
exec (Gen        *g,
      const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (g->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

static char *
now (Gen *g)
{
  g->minute++;
  return g_strdup_printf ("2026-%02d-%02dT%02d:%02d:00.000000Z", 3 + g->version,
                          1 + g->minute / 600, 8 + (g->minute / 60) % 10, g->minute % 60);
}

static void
audit (Gen        *g,
       const char *table,
       gint64      record,
       const char *field,
       const char *old_value,
       const char *new_value,
       const char *reason)
{
  g_autofree char *at = now (g);
  const char *who = "lwei";
  const char *who_name = "Li Wei";
  char *hash;
  sqlite3_stmt *stmt = NULL;

  g->seq++;
  hash = parasol_store_audit_hash (g->prev, g->seq, at, who, who_name, table, record, field,
                                   old_value, new_value, reason);
  sqlite3_prepare_v2 (g->db, "INSERT INTO audit (seq, at, who, who_name, tbl, record, field,"
                             " old_value, new_value, reason, prev_hash, hash)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                      -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, g->seq);
  sqlite3_bind_text (stmt, 2, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, who, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, who_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, table, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, record);
  store_bind_text_or_null (stmt, 7, field);
  store_bind_text_or_null (stmt, 8, old_value);
  store_bind_text_or_null (stmt, 9, new_value);
  store_bind_text_or_null (stmt, 10, reason);
  sqlite3_bind_text (stmt, 11, g->prev, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 12, hash, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("audit: %s", sqlite3_errmsg (g->db));
  sqlite3_finalize (stmt);
  g_free (g->prev);
  g->prev = hash;
}

/* As store_insert_record () wrote it: the row, and its JSON in the audit trail. */
static gint64
insert (Gen        *g,
        const char *table,
        const char *reason,
        const V    *cols,
        guint       n)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new ("{");
  sqlite3_stmt *stmt = NULL;
  gint64 id;

  g_string_printf (sql, "INSERT INTO %s (", table);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (sql, "%s%s", i ? ", " : "", cols[i].name);
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < n; i++)
    g_string_append (sql, i ? ", ?" : "?");
  g_string_append (sql, ")");
  if (sqlite3_prepare_v2 (g->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql->str, sqlite3_errmsg (g->db));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *num = NULL;

      if (json->len > 1)
        g_string_append (json, ", ");
      g_string_append_printf (json, "\"%s\": ", cols[i].name);
      switch (cols[i].type)
        {
        case 's':
          sqlite3_bind_text (stmt, i + 1, cols[i].s, -1, SQLITE_STATIC);
          g_string_append_c (json, '"');
          for (const char *p = cols[i].s; *p; p++)
            {
              if (*p == '"' || *p == '\\')
                g_string_append_c (json, '\\');
              if ((guchar) *p < 0x20)
                g_string_append_printf (json, "\\u%04x", (guchar) *p);
              else
                g_string_append_c (json, *p);
            }
          g_string_append_c (json, '"');
          break;
        case 'd':
          sqlite3_bind_double (stmt, i + 1, cols[i].d);
          num = store_format_double (cols[i].d);
          g_string_append (json, num);
          break;
        case 'i':
          sqlite3_bind_int64 (stmt, i + 1, cols[i].i);
          g_string_append_printf (json, "%" G_GINT64_FORMAT, cols[i].i);
          break;
        default:
          sqlite3_bind_null (stmt, i + 1);
          g_string_append (json, "null");
        }
    }
  g_string_append_c (json, '}');
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("%s: %s", sql->str, sqlite3_errmsg (g->db));
  sqlite3_finalize (stmt);
  id = sqlite3_last_insert_rowid (g->db);
  audit (g, table, id, NULL, NULL, json->str, reason);
  return id;
}

/* As the setters wrote a change: the column, version + 1, one audit row. */
static void
update (Gen        *g,
        const char *table,
        gint64      id,
        const char *field,
        const char *sql_value,
        const char *old_value,
        const char *new_value,
        const char *reason)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET %s = %s, version = version + 1"
                                          " WHERE id = %" G_GINT64_FORMAT, table, field,
                                          sql_value, id);
  exec (g, sql);
  audit (g, table, id, field, old_value, new_value, reason);
}

static const char protocol_xml[] =
  "<?xml version=\"1.0\"?>\n<protocol id=\"BUTTONS-001\" version=\"1.0\">\n"
  "  <title>Biomarker-integrated umbrella trial in ES-SCLC</title>\n</protocol>\n";

static void
fill (Gen *g)
{
  const char *const sns[] = { "S-0001", "S-0002", "S-0003" };
  gint64 patients[3];

  insert (g, "trial", NULL, (V[]) { I ("id", 1), S ("trial_id", "BUTTONS-001"),
                                    S ("registry_id", "NCT07172412"),
                                    S ("title", "Biomarker-integrated umbrella trial in ES-SCLC"),
                                    S ("protocol_version", "1.0"), S ("protocol_xml", protocol_xml),
                                    S ("created_at", "2026-03-01T08:00:00.000000Z") }, 7);

  for (int p = 0; p < 3; p++)
    {
      V cols[21] = {
        S ("screening_number", sns[p]), N ("subject_number"), S ("initials", p == 1 ? "W\"Q" : "ZHL"),
        S ("sex", p == 1 ? "male" : "female"), S ("birth_date", p == 2 ? "1958-11-30" : "1961-05-04"),
        S ("site", "Tianjin Medical University Cancer Institute"), S ("status", "screening"),
        N ("arm"), S ("screening_date", "2026-04-02"), I ("ecog", p % 2),
        D ("height_cm", 158.5 + 10 * p), D ("weight_kg", 55.25 + 7 * p),
        I ("liver_metastases", p == 2), N ("liver_infiltration"),
        N ("ici"), N ("c1d1"), N ("dose_weight_kg"), S ("language", p == 1 ? "en" : "zh_CN"),
        p == 1 ? (V) N ("childbearing_potential") : (V) I ("childbearing_potential", 0),
        p == 2 ? (V) S ("last_transfusion", "2026-03-10") : (V) N ("last_transfusion"), N ("platinum"),
      };
      patients[p] = insert (g, "patient", NULL, cols,
                            g->version >= 6 ? 21 : g->version >= 5 ? 18 : g->version >= 3 ? 17 : 14);
    }

  /* Schema 7: a weight with the day it was measured (S-0003 only: S-0001 keeps a weight saved
   * without its day, which the next weight carries over) */
  if (g->version >= 7)
    insert (g, "weight", NULL, (V[]) { I ("patient_id", patients[2]), D ("weight_kg", 69.25),
                                       S ("measured_on", "2026-04-02") }, 3);

  for (int p = 0; p < 3; p++)
    {
      gint64 id = patients[p];

      insert (g, "lab", NULL, (V[]) { I ("patient_id", id), S ("lab", "anc"), D ("value", 2.5 + p),
                                      S ("unit", "10^9/L"), D ("value_entered", 2.5 + p),
                                      S ("unit_entered", "10^9/L"), N ("uln"),
                                      S ("sample_date", "2026-04-03") }, 8);
      insert (g, "lab", NULL, (V[]) { I ("patient_id", id), S ("lab", "creatinine"), D ("value", 88.4),
                                      S ("unit", "umol/L"), D ("value_entered", 1.0),
                                      S ("unit_entered", "mg/dL"), D ("uln", 97),
                                      S ("sample_date", "2026-04-03") }, 8);
      insert (g, "lab", "Repeat after transfusion-free interval",
              (V[]) { I ("patient_id", id), S ("lab", "hgb"), D ("value", 101),
                      S ("unit", "g/L"), N ("value_entered"), N ("unit_entered"), N ("uln"),
                      S ("sample_date", "2026-04-05") }, 8);
      insert (g, "biomarker", NULL, (V[]) { I ("patient_id", id), S ("marker", "DLL3"),
                                            S ("method", "percent"), D ("value", 62 - 30 * p),
                                            N ("weak"), N ("moderate"), N ("strong"), I ("pending", 0),
                                            S ("sample_date", "2026-04-04") }, 9);
      insert (g, "biomarker", NULL, (V[]) { I ("patient_id", id), S ("marker", "VIM"),
                                            S ("method", "hscore"), D ("value", 170),
                                            D ("weak", 20), D ("moderate", 30), D ("strong", 30),
                                            I ("pending", 0), S ("sample_date", "2026-04-04") }, 9);
      insert (g, "biomarker", NULL, (V[]) { I ("patient_id", id), S ("marker", "MYC"),
                                            S ("method", "amplified"), N ("value"), N ("weak"),
                                            N ("moderate"), N ("strong"), I ("pending", 1),
                                            N ("sample_date") }, 9);
      {
        gint64 att = insert (g, "attestation", NULL,
                             (V[]) { I ("patient_id", id), S ("criterion", "inc-01"), I ("met", 1),
                                     S ("note", "CT chest/abdomen 2026-03-30: extensive stage"),
                                     S ("source", "radiology report"),
                                     S ("attested_on", "2026-04-02") }, 6);
        insert (g, "attestation", NULL, (V[]) { I ("patient_id", id), S ("criterion", "exc-03"),
                                                I ("met", 1), N ("note"), N ("source"),
                                                S ("attested_on", "2026-04-02") }, 6);
        if (p == 2)
          {
            update (g, "attestation", att, "met", "0", "met", "not_met", "Scan re-read by radiology");
            update (g, "attestation", att, "note", "'Limited stage on re-read'",
                    "CT chest/abdomen 2026-03-30: extensive stage", "Limited stage on re-read",
                    "Scan re-read by radiology");
          }
      }
      if (p != 1)
        update (g, "patient", id, "ecog", "1", "0", "1", "Re-assessed");
    }

  update (g, "patient", patients[2], "status", "'screen_failed'", "screening", "screen_failed",
          "Limited stage");

  if (g->version < 2)
    return;

  for (int p = 0; p < 2; p++)
    {
      gint64 id = patients[p];
      const char *arm = p == 0 ? "dll3" : "control";

      insert (g, "assignment", "DLL3 62 % of tumour cells >= 50 %",
              (V[]) { I ("patient_id", id), S ("proposed", arm), S ("arm", arm),
                      S ("protocol_version", "1.0"), S ("reason", "DLL3 62 % of tumour cells >= 50 %"),
                      S ("decided_at", "2026-04-06T09:00:00.000000Z") }, 6);
      {
        g_autofree char *v = g_strdup_printf ("'%s'", arm);
        update (g, "patient", id, "arm", v, NULL, arm, "arm assigned");
      }
      if (g->version >= 3)
        {
          update (g, "patient", id, "subject_number", p ? "'BT-002'" : "'BT-001'", NULL,
                  p ? "BT-002" : "BT-001", "Enrolled");
          update (g, "patient", id, "ici", "'atezolizumab'", NULL, "atezolizumab", "Enrolled");
          update (g, "patient", id, "c1d1", "'2026-04-08'", NULL, "2026-04-08", "Enrolled");
          update (g, "patient", id, "dose_weight_kg", p ? "62.25" : "55.25", NULL,
                  p ? "62.25" : "55.25", "Enrolled");
        }
      update (g, "patient", id, "status", "'enrolled'", "screening", "enrolled", "Enrolled");
      update (g, "patient", id, "status", "'on_treatment'", "enrolled", "on_treatment",
              "First dose given");

      for (int c = 1; c <= 2; c++)
        {
          g_autofree char *start = g_strdup_printf ("2026-0%d-%02d", c == 1 ? 4 : 4, c == 1 ? 8 : 29);
          gint64 cycle = insert (g, "cycle", NULL,
                                 (V[]) { I ("patient_id", id), I ("number", c), S ("start_date", start),
                                         S ("status", c == 2 ? "delayed" : "started"),
                                         c == 2 ? (V) S ("reason", "ANC 1.2 on day 21") : (V) N ("reason") }, 5);

          insert (g, "administration", NULL,
                  (V[]) { I ("patient_id", id), I ("cycle", c), S ("drug", "etoposide"),
                          S ("given_on", start), D ("dose", 165.3), S ("unit", "mg"),
                          S ("given_by", "lwei"), N ("reason"), I ("flagged", 0) }, 9);
          insert (g, "administration", "Rounded to the vial",
                  (V[]) { I ("patient_id", id), I ("cycle", c), S ("drug", "carboplatin"),
                          S ("given_on", start), D ("dose", 500), S ("unit", "mg"),
                          S ("given_by", "lwei"), S ("reason", "Rounded to the vial"),
                          I ("flagged", 1) }, 9);
          if (c == 2)
            {
              update (g, "cycle", cycle, "start_date", "'2026-05-06'", start, "2026-05-06",
                      "Delayed a week for neutropenia");
              update (g, "cycle", cycle, "status", "'started'", "delayed", "started",
                      "Delayed a week for neutropenia");
            }
        }
      insert (g, "response", NULL, (V[]) { I ("patient_id", id), S ("assessed_on", "2026-05-27"),
                                           S ("response", p ? "PD" : "PR") }, 3);
      /* Schema 8: "last known alive" as an event kind */
      if (g->version >= 8 && p == 0)
        insert (g, "event", "Seen in clinic",
                (V[]) { I ("patient_id", id), S ("kind", "last_known_alive"),
                        S ("occurred_on", "2026-05-29"), S ("reason", "Seen in clinic") }, 4);
      if (p == 1)
        {
          insert (g, "event", NULL, (V[]) { I ("patient_id", id), S ("kind", "progression"),
                                            S ("occurred_on", "2026-05-27"), N ("reason") }, 4);
          insert (g, "event", "Progressive disease",
                  (V[]) { I ("patient_id", id), S ("kind", "discontinuation"),
                          S ("occurred_on", "2026-05-28"), S ("reason", "Progressive disease") }, 4);
          update (g, "patient", id, "status", "'off_treatment'", "on_treatment", "off_treatment",
                  "Progressive disease");
        }
    }

  if (g->version < 4)
    return;

  insert (g, "evaluation", NULL,
          (V[]) { I ("patient_id", patients[0]), S ("context", "enrolment"),
                  S ("protocol_version", "1.0"), S ("evaluated_on", "2026-04-07"),
                  S ("verdict", "eligible"), S ("lapses_on", "2026-04-17"),
                  S ("criteria", "[{\"id\": \"inc-01\", \"status\": \"met\"}]") }, 7);
}

int
main (int argc, char *argv[])
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s FOLDER\n", argv[0]);
      return 2;
    }

  for (int version = 1; version <= 8; version++)
    {
      g_autofree char *path = g_strdup_printf ("%s/schema-%d.db", argv[1], version);
      g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %u; PRAGMA user_version = %d;",
                                                  parasol_store_application_id (), version);
      Gen g = { NULL, version, 0, g_strdup (GENESIS_HASH), 0 };

      g_unlink (path);
      if (sqlite3_open (path, &g.db) != SQLITE_OK)
        g_error ("cannot create %s", path);
      exec (&g, "BEGIN");
      for (int v = 0; v < version; v++)
        exec (&g, parasol_store_migration_sql (v));
      exec (&g, pragmas);
      fill (&g);
      exec (&g, "COMMIT");
      /* A rollback-journal file, as shipped databases were copied: no -wal beside it. */
      exec (&g, "VACUUM");
      sqlite3_close (g.db);
      g_chmod (path, 0644);
      g_free (g.prev);
      printf ("%s: schema %d, %" G_GINT64_FORMAT " audit rows\n", path, version, g.seq);
    }
  return 0;
}
