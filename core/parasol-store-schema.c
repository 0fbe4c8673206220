/* parasol-store-schema.c — the schema and its migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * migrations[N] takes a database from schema version N to N + 1 (PRAGMA user_version).
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

  /* 4 -> 5: the language the patient's printouts are made in */
  "ALTER TABLE patient ADD COLUMN language TEXT CHECK (language IN ('zh_CN', 'en'));",

  /* 5 -> 6: screening facts the eligibility engine needs (childbearing potential, the date of
   * the last transfusion) and the platinum chosen at enrolment (carboplatin or cisplatin) */
  "ALTER TABLE patient ADD COLUMN childbearing_potential INTEGER CHECK (childbearing_potential IN (0, 1));"
  "ALTER TABLE patient ADD COLUMN last_transfusion TEXT;"
  "ALTER TABLE patient ADD COLUMN platinum TEXT;",

  /* 6 -> 7: weights with the day they were measured, so that a cycle's doses use the weight
   * measured on or before its day 1 (patient.weight_kg stays the newest one).  No rows are
   * made here: a weight saved before is carried over, audited, by the first dated one. */
  "CREATE TABLE weight ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  weight_kg REAL NOT NULL,"
  "  measured_on TEXT NOT NULL,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (patient_id, measured_on));",

  /* 7 -> 8: "last known alive" as an event kind (the follow-up of RECIST outcomes).  SQLite
   * cannot change a CHECK constraint: the table is rebuilt with the same ids, so the audit
   * trail still reconciles. */
  "ALTER TABLE event RENAME TO event_7;"
  "CREATE TABLE event ("
  "  id INTEGER PRIMARY KEY,"
  "  patient_id INTEGER NOT NULL REFERENCES patient (id),"
  "  kind TEXT NOT NULL CHECK (kind IN"
  "    ('death', 'discontinuation', 'progression', 'last_known_alive')),"
  "  occurred_on TEXT NOT NULL,"
  "  reason TEXT,"
  "  version INTEGER NOT NULL DEFAULT 1);"
  "INSERT INTO event (id, patient_id, kind, occurred_on, reason, version)"
  "  SELECT id, patient_id, kind, occurred_on, reason, version FROM event_7;"
  "DROP TABLE event_7;"
  "CREATE INDEX event_patient ON event (patient_id, occurred_on);",

  /* 8 -> 9: corrections of outcomes: a response or event entered in error is withdrawn (with
   * its reason, in the audit trail), never deleted; engines, views and exports read live rows
   * only. */
  "ALTER TABLE response ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1));"
  "ALTER TABLE event ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1));",
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

gboolean
store_migrate (ParasolStore *self,
               GError      **error)
{
  gint64 version = 0;

  if (!store_query_int (self, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version > PARASOL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NEWER_SCHEMA,
                   _("%s was written by a newer Parasol (schema %" PRId64 ", this "
                     "version reads up to %d). Update Parasol to open it."),
                   self->path, version, PARASOL_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (self->read_only && version == 0)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("%s holds no trial yet (it is empty). Create one with “parasol-cli init”; "
                     "it was left untouched."), self->path);
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

      if (!store_exec (self, "BEGIN IMMEDIATE", _("upgrading the database"), error))
        return FALSE;

      /* Another process may have migrated while we waited for the lock. */
      if (!store_query_int (self, "PRAGMA user_version", &version, error))
        goto fail;
      if (version >= PARASOL_STORE_SCHEMA_VERSION)
        {
          store_exec (self, "COMMIT", _("upgrading the database"), NULL);
          break;
        }

      set_version = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                     PARASOL_APPLICATION_ID, (int) version + 1);
      if (!store_exec (self, migrations[version], _("upgrading the database"), error) ||
          !store_exec (self, set_version, _("upgrading the database"), error) ||
          !store_exec (self, "COMMIT", _("upgrading the database"), error))
        goto fail;
      g_debug ("Migrated %s to schema %d", self->path, (int) version + 1);
      version++;
    }

  return TRUE;

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}
