/* parasol-store.h — the trial database: one SQLite file, every change audited
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every write goes through a function here.  Each one runs in a single transaction that also
 * appends the audit rows (UTC time, who, table, record, field, old value, new value, reason) to
 * the hash-chained, append-only audit table, then emits ::changed.  When a caller already holds
 * a transaction (parasol_store_begin()), the write joins it; if it fails, the whole transaction
 * can only be rolled back.
 *
 * Values are text at this boundary where the field is generic ("ecog" -> "1"); the engines read
 * typed data through parasol_store_load_patient().
 */
#pragma once

#include <gio/gio.h>

#include "parasol-facts.h"

G_BEGIN_DECLS

#define PARASOL_STORE_ERROR (parasol_store_error_quark ())

typedef enum {
  PARASOL_STORE_ERROR_FAILED,
  PARASOL_STORE_ERROR_NOT_FOUND,       /* no such database, patient or record */
  PARASOL_STORE_ERROR_NO_FOLDER,       /* the folder for the database does not exist */
  PARASOL_STORE_ERROR_NOT_PARASOL,     /* a file that is not a Parasol database */
  PARASOL_STORE_ERROR_CORRUPT,         /* quick_check failed / malformed */
  PARASOL_STORE_ERROR_READ_ONLY,       /* cannot write the file or its folder */
  PARASOL_STORE_ERROR_NETWORK_FS,      /* on NFS / SMB: refused unless overridden */
  PARASOL_STORE_ERROR_NEWER_SCHEMA,    /* written by a newer Parasol */
  PARASOL_STORE_ERROR_BUSY,            /* locked by another process beyond the busy timeout */
  PARASOL_STORE_ERROR_CONFLICT,        /* changed elsewhere: reload */
  PARASOL_STORE_ERROR_INVALID,         /* a value the field does not accept */
  PARASOL_STORE_ERROR_REASON_REQUIRED, /* changing a saved value needs a reason */
  PARASOL_STORE_ERROR_EXISTS,          /* a duplicate (screening number, ...) */
  PARASOL_STORE_ERROR_FULL,            /* the disk is full */
  PARASOL_STORE_ERROR_AUDIT,           /* the audit chain does not verify */
} ParasolStoreError;

typedef enum {
  PARASOL_STORE_OPEN_DEFAULT           = 0,
  PARASOL_STORE_OPEN_CREATE            = 1 << 0, /* create the file if missing */
  PARASOL_STORE_OPEN_ALLOW_NETWORK_FS  = 1 << 1, /* "I know what I am doing" */
  PARASOL_STORE_OPEN_READ_ONLY         = 1 << 2,
  /* Skip the whole-file quick_check on open (it reads every page: ~0.75 s for 100 000
   * patients); the caller runs parasol_store_check_async() instead.  The header, identity and
   * schema are still checked, and SQLite reports damage in any page it reads. */
  PARASOL_STORE_OPEN_DEFER_CHECK       = 1 << 3,
} ParasolStoreOpenFlags;

typedef enum {
  PARASOL_STORE_CHANGE_ADDED,
  PARASOL_STORE_CHANGE_MODIFIED,
  PARASOL_STORE_CHANGE_REMOVED,
  PARASOL_STORE_CHANGE_RELOAD,         /* many rows changed (import, demo, another process) */
} ParasolStoreChange;

/* Latest schema version this build writes. */
#define PARASOL_STORE_SCHEMA_VERSION 9

#define PARASOL_TYPE_STORE (parasol_store_get_type ())
G_DECLARE_FINAL_TYPE (ParasolStore, parasol_store, PARASOL, STORE, GObject)

typedef struct {
  gint64  seq;
  char   *at;          /* UTC, ISO 8601 */
  char   *who;         /* OS account */
  char   *who_name;    /* display name */
  char   *table_name;
  gint64  record;
  char   *field;       /* NULL for a whole-record insert */
  char   *old_value;
  char   *new_value;
  char   *reason;
  char   *prev_hash;
  char   *hash;
} ParasolAuditEntry;

void          parasol_audit_entry_free             (ParasolAuditEntry *entry);

GQuark        parasol_store_error_quark            (void);

/* $XDG_DATA_HOME/parasol/parasol.db */
char         *parasol_store_default_path           (void);
/* Creates the default folder 0700 if missing. */
gboolean      parasol_store_ensure_default_folder  (GError **error);

/* Starts building, in a thread, what parasol_store_open() checks a file's schema against, so
 * that a program can overlap it with its own start-up.  Optional. */
void          parasol_store_prepare                (void);
ParasolStore *parasol_store_open                   (const char            *path,
                                                    ParasolStoreOpenFlags  flags,
                                                    GError               **error);
const char   *parasol_store_get_path               (ParasolStore *self);
/* PRAGMA quick_check on a separate read-only connection in a worker thread; the result is
 * FALSE with PARASOL_STORE_ERROR_CORRUPT if the file is damaged. */
void          parasol_store_check_async            (ParasolStore        *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean      parasol_store_check_finish           (ParasolStore  *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);
int           parasol_store_get_schema_version     (ParasolStore *self);
/* Opened with PARASOL_STORE_OPEN_READ_ONLY: every write is refused. */
gboolean      parasol_store_is_read_only           (ParasolStore *self);
/* Re-reads after a change by another process; TRUE if anything changed since the last call. */
gboolean      parasol_store_poll_external_change   (ParasolStore *self);

/* Who is writing: defaults to the OS account and its display name. */
void          parasol_store_set_actor              (ParasolStore *self,
                                                    const char   *account,
                                                    const char   *display_name);

/* Group many writes into one transaction (BEGIN IMMEDIATE).  Nested writes join it; one that
 * fails dooms the whole transaction, and parasol_store_commit() then rolls back and says so. */
gboolean      parasol_store_begin                  (ParasolStore *self,
                                                    GError      **error);
gboolean      parasol_store_commit                 (ParasolStore *self,
                                                    GError      **error);
void          parasol_store_rollback               (ParasolStore *self);

/* Online backup (SQLite backup API) into a new file at @dest_path; refuses to overwrite. */
gboolean      parasol_store_backup                 (ParasolStore *self,
                                                    const char   *dest_path,
                                                    GError      **error);

/* An export (iCalendar, ODM, a printout) of trial data: written to a temporary 0600 file beside
 * @path and moved into place only once complete and synced, so no reader sees half of it.  An
 * existing file is replaced only with @force; otherwise PARASOL_STORE_ERROR_EXISTS. */
gboolean      parasol_store_write_export           (const char   *path,
                                                    const void   *data,
                                                    gsize         len,
                                                    gboolean      force,
                                                    GError      **error);

/* Trial */
gboolean      parasol_store_has_trial              (ParasolStore *self);
gboolean      parasol_store_init_trial             (ParasolStore *self,
                                                    const char   *trial_id,
                                                    const char   *registry_id,
                                                    const char   *title,
                                                    const char   *protocol_version,
                                                    const char   *protocol_xml,
                                                    GError      **error);
/* Any out argument may be NULL. */
gboolean      parasol_store_get_trial              (ParasolStore *self,
                                                    char        **trial_id,
                                                    char        **registry_id,
                                                    char        **title,
                                                    char        **protocol_version,
                                                    char        **protocol_xml,
                                                    GError      **error);

/* Patients.  A patient is found by id, screening number or subject number. */
gint64        parasol_store_add_patient            (ParasolStore              *self,
                                                    const ParasolPatientFacts *patient,
                                                    GError                   **error);
gint64        parasol_store_find_patient           (ParasolStore *self,
                                                    const char   *key,
                                                    GError      **error);
ParasolPatientFacts *
              parasol_store_load_patient           (ParasolStore *self,
                                                    gint64        patient_id,
                                                    GError      **error);
/* Every patient's facts that a course is worked out from (status, arm, checkpoint inhibitor,
 * platinum, C1D1, cycles, administrations, responses and events; not labs, markers,
 * attestations or weights), by patient id, in one pass over the store: a few queries instead
 * of eight per patient. */
typedef void (*ParasolCourseFactsFunc) (const ParasolPatientFacts *facts,
                                        gpointer                   user_data);
gboolean      parasol_store_foreach_course_facts   (ParasolStore           *self,
                                                    ParasolCourseFactsFunc  func,
                                                    gpointer                user_data,
                                                    GError                **error);
/* Fields: screening_number, subject_number, initials, sex, birth_date, site, ici,
 * screening_date, c1d1, ecog, liver_metastases, liver_infiltration, height_cm, weight_kg,
 * dose_weight_kg, language (zh_CN or en: the patient's printouts) ("status" and "arm" are
 * refused: see below).  Identities (screening and subject numbers, initials, site) take
 * printable characters only and are stored in NFC; a screening or subject number is never
 * digits only, nor another patient's number.
 * @value NULL clears.  @expected_version 0 skips the "changed elsewhere" check.
 * A reason is required when a saved (non-NULL) value changes.  A weight_kg is a weight measured
 * today: parasol_store_add_weight(). */
gboolean      parasol_store_set_patient_field      (ParasolStore *self,
                                                    gint64        patient_id,
                                                    const char   *field,
                                                    const char   *value,
                                                    gint64        expected_version,
                                                    const char   *reason,
                                                    GError      **error);
/* The checks parasol_store_set_patient_field() makes of @value before writing (its form, a date
 * that has happened, the protocol's plausible range), without writing: for a form that saves
 * several fields to refuse before it writes any. */
gboolean      parasol_store_check_patient_field    (ParasolStore *self,
                                                    const char   *field,
                                                    const char   *value,
                                                    GError      **error);
/* Records a weight of @weight_kg measured on @measured_on (not after today nor before 1900):
 * a new row of the patient's weights, or for a day already measured a correction, which needs
 * @reason when the weight differs.  When it is the newest measurement, patient.weight_kg
 * follows it (audited, the reason being the measurement unless @reason is given).  A weight
 * saved before measurement dates were kept (weight_kg without any dated weight) is carried
 * over first, as measured on the local day it was saved.  @expected_version (0: skip) is the
 * patient's row version.  parasol_store_set_patient_field (…, "weight_kg", …) calls this with
 * today's date.  Returns the weight's row id, 0 on error. */
/* The rule a weight is kept by: measured on a day not after today nor before 1900, and within
 * the plausible range of weight_kg. */
gboolean      parasol_store_check_weight           (double        weight_kg,
                                                    const GDate  *measured_on,
                                                    GError      **error);
gint64        parasol_store_add_weight             (ParasolStore *self,
                                                    gint64        patient_id,
                                                    double        weight_kg,
                                                    const GDate  *measured_on,
                                                    gint64        expected_version,
                                                    const char   *reason,
                                                    GError      **error);
/* The day the patient's current weight was measured: the newest dated weight, else the local
 * day a weight saved before measurement dates were kept was saved (from the audit trail).
 * Clears @date when there is none; FALSE only on a read error. */
gboolean      parasol_store_get_weight_date        (ParasolStore *self,
                                                    gint64        patient_id,
                                                    GDate        *date,
                                                    GError      **error);
/* For the workflow calls only (enrolment, first dose, discontinuation, screen failure): they
 * check what the status rests on.  parasol_store_set_patient_field() refuses "status" and
 * "arm"; the arm is written by parasol_store_record_assignment(). */
gboolean      parasol_store_set_patient_status     (ParasolStore *self,
                                                    gint64        patient_id,
                                                    const char   *status,
                                                    const char   *reason,
                                                    GError      **error);
/* For the enrolment workflow (and the ODM import), which checks what cisplatin needs:
 * parasol_store_set_patient_field() refuses "platinum".  Refused after the first dose. */
gboolean      parasol_store_set_patient_platinum   (ParasolStore *self,
                                                    gint64        patient_id,
                                                    const char   *platinum,
                                                    const char   *reason,
                                                    GError      **error);
gint64        parasol_store_count_patients         (ParasolStore *self);
/* The same on a connection of its own in a worker thread: counting 100 000 patients reads
 * the whole index, which a window's first frame need not wait for. */
void          parasol_store_count_patients_async   (ParasolStore        *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* -1 with @error set when the count could not be read. */
gint64        parasol_store_count_patients_finish  (ParasolStore  *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* Records belonging to a patient: each returns the new row id, or 0 with @error set. */
gint64        parasol_store_add_lab                (ParasolStore           *self,
                                                    gint64                  patient_id,
                                                    const ParasolLabResult *lab,
                                                    const char             *reason,
                                                    GError                **error);
gint64        parasol_store_add_biomarker          (ParasolStore                 *self,
                                                    gint64                        patient_id,
                                                    const ParasolBiomarkerResult *marker,
                                                    const char                   *reason,
                                                    GError                      **error);
/* Insert or replace the attestation of @attestation->criterion (reason required on change). */
gint64        parasol_store_set_attestation        (ParasolStore             *self,
                                                    gint64                    patient_id,
                                                    const ParasolAttestation *attestation,
                                                    const char               *reason,
                                                    GError                  **error);
/* Insert or replace cycle @cycle->number. */
gint64        parasol_store_set_cycle              (ParasolStore             *self,
                                                    gint64                    patient_id,
                                                    const ParasolCycleRecord *cycle,
                                                    const char               *reason,
                                                    GError                  **error);
gint64        parasol_store_add_administration     (ParasolStore                *self,
                                                    gint64                       patient_id,
                                                    const ParasolAdministration *admin,
                                                    GError                     **error);
gint64        parasol_store_add_response           (ParasolStore          *self,
                                                    gint64                 patient_id,
                                                    const ParasolResponse *response,
                                                    GError               **error);
/* The same, with a note that the audit trail keeps as the reason of the record (NULL: none). */
gint64        parasol_store_add_response_with_note (ParasolStore          *self,
                                                    gint64                 patient_id,
                                                    const ParasolResponse *response,
                                                    const char            *note,
                                                    GError               **error);
gint64        parasol_store_add_event              (ParasolStore       *self,
                                                    gint64              patient_id,
                                                    const ParasolEvent *event,
                                                    GError            **error);
/* Corrects response (or event) row @response->id of @patient_id to the values given, or
 * withdraws it (@withdrawn: entered in error); @reason is required and goes into the audit
 * rows with the old and new values.  @response->version, when not 0, must still be the row's
 * version.  The rules are the workflow's (parasol_outcomes_correct_response()). */
gboolean      parasol_store_correct_response       (ParasolStore          *self,
                                                    gint64                 patient_id,
                                                    const ParasolResponse *response,
                                                    gboolean               withdrawn,
                                                    const char            *reason,
                                                    GError               **error);
gboolean      parasol_store_correct_event          (ParasolStore       *self,
                                                    gint64              patient_id,
                                                    const ParasolEvent *event,
                                                    gboolean            withdrawn,
                                                    const char         *reason,
                                                    GError            **error);
/* The investigator's arm decision: stores the proposal, the chosen arm and the reason. */
gint64        parasol_store_record_assignment      (ParasolStore *self,
                                                    gint64        patient_id,
                                                    const char   *proposed,
                                                    const char   *arm,
                                                    const char   *protocol_version,
                                                    const char   *reason,
                                                    GError      **error);

/* The arm cannot change after the first dose (PARASOL_STORE_ERROR_INVALID); a mistake is corrected
 * here, with its reason, which the audit trail shows as "Correction: REASON". */
gint64        parasol_store_correct_arm            (ParasolStore *self,
                                                    gint64        patient_id,
                                                    const char   *arm,
                                                    const char   *protocol_version,
                                                    const char   *reason,
                                                    GError      **error);

/* An eligibility evaluation, kept with the protocol version it used; @context says why it was
 * made ("screening", "enrolment"), @criteria_json holds each criterion's status. */
gint64        parasol_store_record_evaluation      (ParasolStore *self,
                                                    gint64        patient_id,
                                                    const char   *context,
                                                    const char   *protocol_version,
                                                    const GDate  *evaluated_on,
                                                    const char   *verdict,
                                                    const GDate  *lapses_on,
                                                    const char   *criteria_json,
                                                    GError      **error);

/* Audit trail */
/* parasol_store_audit_check() in short.  Returns TRUE if intact; else FALSE with *first_bad set to the seq of
 * the first row that does not verify (and @error describing it). */
gboolean      parasol_store_audit_verify           (ParasolStore *self,
                                                    gint64       *n_rows,
                                                    gint64       *first_bad,
                                                    GError      **error);
/* The whole check of the trail, as `parasol-cli audit verify` and the window run it:
 * - the chain: every row links to the one before; rows before the site key was introduced
 *   are SHA-256 links, rows from keyed_from on are HMAC-SHA256 links under the site key (kept
 *   outside the database); without the key only the structure can be checked;
 * - the anchor: the chain head recorded outside the database after each write; a trail
 *   shorter than it, or different at it, was cut short or rewritten;
 * - the data: every current value of every audited table equals the last value the trail
 *   gives it (a row changed directly in the file, or with no audit row, is a mismatch). */
typedef struct {
  char   *table_name;
  gint64  record;
  char   *field;       /* NULL: the whole record (no audit row, or no row for the audit) */
  char   *stored;      /* what the database holds; NULL for NULL or no row */
  char   *audited;     /* the last value the audit trail gives it; NULL for NULL or none */
} ParasolAuditMismatch;

typedef enum {
  PARASOL_AUDIT_KEY_NONE,     /* the chain has no keyed rows (written before keying) */
  PARASOL_AUDIT_KEY_OK,       /* keyed rows verified with the site key */
  PARASOL_AUDIT_KEY_MISSING,  /* keyed, but the site key is not on this computer */
  PARASOL_AUDIT_KEY_OTHER,    /* keyed with another site key than this computer's */
} ParasolAuditKeyState;

typedef struct {
  gboolean              valid;        /* chain, anchor and data all check out */
  gint64                n_rows;       /* audit rows read */
  gint64                n_records;    /* data records reconciled */
  gint64                first_bad;    /* first audit row that does not verify; 0: none */
  gint64                keyed_from;   /* first keyed audit row; 0: none */
  ParasolAuditKeyState  key_state;
  gint64                anchor_seq;   /* the anchor recorded outside the database; 0: none */
  gboolean              truncated;    /* shorter than, or different at, the anchor */
  GPtrArray            *mismatches;   /* ParasolAuditMismatch*, at most 1000 */
  gint64                n_mismatches; /* all of them */
  char                 *message;      /* the first problem, translated; NULL if valid */
  gboolean              acknowledged; /* this damage was acknowledged: writes are allowed */
} ParasolAuditReport;

void          parasol_audit_report_free            (ParasolAuditReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolAuditReport, parasol_audit_report_free)

/* NULL with @error only if the check could not run.  A damaged trail also stops writes
 * (PARASOL_STORE_ERROR_AUDIT) until parasol_store_audit_acknowledge(). */
ParasolAuditReport *
              parasol_store_audit_check            (ParasolStore  *self,
                                                    GCancellable  *cancellable,
                                                    GError       **error);
/* A person has seen the damage the last check found: writes may go on.  The acknowledgement
 * is itself an audit row, with @reason (required). */
gboolean      parasol_store_audit_acknowledge      (ParasolStore *self,
                                                    const char   *reason,
                                                    GError      **error);
/* The damage that stops writes, or NULL. */
const char   *parasol_store_get_damage             (ParasolStore *self);

/* The site key: $PARASOL_KEY_FILE, else $XDG_CONFIG_HOME/parasol/site.key (0600, created on
 * the first write into a database not yet keyed). */
char         *parasol_store_key_path               (void);

/* Entries, oldest first; @table/@record filter when non-NULL/non-zero; @limit 0 = all. */
GPtrArray    *parasol_store_audit_list             (ParasolStore *self,
                                                    const char   *table_name,
                                                    gint64        record,
                                                    guint         limit,
                                                    GError      **error);
/* Every entry about one patient: the patient's row and the rows of its labs, attestations,
 * biomarkers, assignments, cycles, administrations, responses, events and evaluations; oldest
 * first, the newest @limit (0 = all). */
GPtrArray    *parasol_store_audit_list_patient     (ParasolStore *self,
                                                    gint64        patient_id,
                                                    guint         limit,
                                                    GError      **error);

G_END_DECLS

G_BEGIN_DECLS

/* A patient's summary row, for list models.  Strings are valid only during the callback. */
typedef struct {
  gint64      id;
  gint64      version;
  const char *screening_number;
  const char *subject_number;
  const char *initials;
  const char *sex;
  const char *birth_date;
  const char *site;
  const char *status;
  const char *arm;
  const char *screening_date;
  const char *c1d1;
} ParasolPatientRow;

typedef void (*ParasolPatientRowFunc) (const ParasolPatientRow *row,
                                       gpointer                 user_data);

/* Every patient ordered by screening number (or just @patient_id when > 0). */
gboolean      parasol_store_foreach_patient        (ParasolStore          *self,
                                                    gint64                 patient_id,
                                                    ParasolPatientRowFunc  func,
                                                    gpointer               user_data,
                                                    GError               **error);
/* The patients after screening number @after (NULL: from the first), in order, at most @limit
 * (-1: all): a list read a screenful at a time. */
gboolean      parasol_store_foreach_patient_after  (ParasolStore          *self,
                                                    const char            *after,
                                                    gint64                 limit,
                                                    ParasolPatientRowFunc  func,
                                                    gpointer               user_data,
                                                    GError               **error);

G_END_DECLS

G_BEGIN_DECLS

/* Printouts (parasol-store-print.c) */
/* The language recorded for the patient ("zh_CN", "en"), or NULL in *@language when none. */
gboolean      parasol_store_get_patient_language   (ParasolStore  *self,
                                                    gint64         patient_id,
                                                    char         **language,
                                                    GError       **error);

G_END_DECLS

G_BEGIN_DECLS

/* Kept evaluations (parasol-store-evaluation.c) */
typedef struct {
  gint64  id;
  char   *context;           /* "enrolment", "screening" */
  char   *protocol_version;
  GDate   evaluated_on;
  char   *verdict;           /* "eligible", "not_eligible", "incomplete" */
  GDate   lapses_on;         /* invalid if none */
  char   *criteria_json;     /* {"inc-01": "met", ...} */
} ParasolKeptEvaluation;

void          parasol_kept_evaluation_free         (ParasolKeptEvaluation *evaluation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolKeptEvaluation, parasol_kept_evaluation_free)

/* The newest evaluation kept for @patient_id in @context, or NULL with @error
 * (PARASOL_STORE_ERROR_NOT_FOUND when none was kept). */
ParasolKeptEvaluation *
              parasol_store_get_kept_evaluation    (ParasolStore  *self,
                                                    gint64         patient_id,
                                                    const char    *context,
                                                    GError       **error);

G_END_DECLS
