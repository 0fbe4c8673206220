/* parasol-store-patients.c — patients: add, find, fields, list, load
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "parasol-store.h"
#include "parasol-input.h"
#include "parasol-protocol.h"
#include "parasol-store-private.h"

/* --- Patients ---------------------------------------------------------------------------- */

typedef enum {
  FIELD_TEXT,
  FIELD_CODE,      /* identifiers: no spaces at either end, not empty */
  FIELD_IDENTITY,  /* who the patient is: printable only, NFC, not digits only, unique */
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
static const char *const language_choices[] = { "zh_CN", "en", NULL };

/* The column names here are the only identifiers ever spliced into SQL text. */
static const PatientField patient_fields[] = {
  { "screening_number", FIELD_IDENTITY },
  { "subject_number", FIELD_IDENTITY },
  { "initials", FIELD_IDENTITY },
  { "sex", FIELD_ENUM, 0, 0, NULL, sex_choices },
  { "birth_date", FIELD_DATE },
  { "site", FIELD_IDENTITY },
  { "status", FIELD_ENUM, 0, 0, NULL, status_choices },
  { "arm", FIELD_CODE },
  { "ici", FIELD_CODE },
  { "screening_date", FIELD_DATE },
  { "c1d1", FIELD_DATE },
  { "ecog", FIELD_INT, 0, 5 },
  { "liver_metastases", FIELD_YESNO },
  { "liver_infiltration", FIELD_YESNO },
  /* Outer bounds; the protocol's <plausible> table decides (plausible_in_protocol()) */
  { "height_cm", FIELD_REAL, 100, 250, "cm" },
  { "weight_kg", FIELD_REAL, 25, 300, "kg" },
  { "dose_weight_kg", FIELD_REAL, 25, 300, "kg" },
  { "language", FIELD_ENUM, 0, 0, NULL, language_choices },
  { "childbearing_potential", FIELD_YESNO },
  { "last_transfusion", FIELD_DATE },
  { "platinum", FIELD_CODE },
};

/* What a person reads for a field in a refusal: the field id is for the CLI and the code. */
static const struct {
  const char *name;
  const char *label;
} field_labels[] = {
  { "screening_number", N_("screening number") },
  { "subject_number", N_("subject number") },
  { "initials", N_("initials") },
  { "sex", N_("sex") },
  { "birth_date", N_("date of birth") },
  { "site", N_("site") },
  { "status", N_("status") },
  { "arm", N_("arm") },
  { "ici", N_("checkpoint inhibitor") },
  { "screening_date", N_("screening date") },
  { "c1d1", N_("cycle 1 day 1") },
  { "ecog", N_("ECOG performance status") },
  { "liver_metastases", N_("liver metastases") },
  { "liver_infiltration", N_("liver infiltration") },
  { "height_cm", N_("height") },
  { "weight_kg", N_("weight") },
  { "dose_weight_kg", N_("dose weight") },
  { "language", N_("printout language") },
  { "childbearing_potential", N_("childbearing potential") },
  { "last_transfusion", N_("date of the last transfusion") },
  { "platinum", N_("platinum") },
};

static const char *
field_label (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
    if (g_str_equal (field_labels[i].name, name))
      return _(field_labels[i].label);
  return name;
}

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

/* Identities are read by people and matched by machines: only printable characters (no
 * control, zero-width, bidi-format, line or paragraph separators, no odd spaces), in NFC.
 * Returns the NFC form, or NULL with @error. */
static char *
normalise_identity (const char *field,
                    const char *value,
                    GError    **error)
{
  g_autofree char *nfc = NULL;
  gboolean digits_only = TRUE;

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The %s is not valid UTF-8 text."), field_label (field));
      return NULL;
    }
  nfc = g_utf8_normalize (value, -1, G_NORMALIZE_NFC);
  if (nfc == NULL || *nfc == '\0' || g_unichar_isspace (g_utf8_get_char (nfc)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (nfc + strlen (nfc)))) ||
      g_utf8_strlen (nfc, -1) > (g_str_equal (field, "site") ? 200 : 64))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not a valid %s: it must be 1 to %d characters, without spaces "
                     "at either end."), value, field_label (field),
                   g_str_equal (field, "site") ? 200 : 64);
      return NULL;
    }
  for (const char *p = nfc; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (!g_unichar_isprint (c) || type == G_UNICODE_LINE_SEPARATOR ||
          type == G_UNICODE_PARAGRAPH_SEPARATOR ||
          (type == G_UNICODE_SPACE_SEPARATOR && c != ' ' && c != 0x3000))
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                       _("The %s contains an invisible or control character (U+%04X) at "
                         "position %ld; type it again using visible characters only."),
                       field_label (field), (guint) c, g_utf8_pointer_to_offset (nfc, p) + 1);
          return NULL;
        }
      if (!g_unichar_isdigit (c))
        digits_only = FALSE;
    }
  if (digits_only && (g_str_equal (field, "screening_number") ||
                      g_str_equal (field, "subject_number")))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("“%s” is not a valid %s: a number made of digits only could be taken for "
                     "a patient's internal id. Use the site's prefix, for example S-%s."),
                   value, field_label (field), nfc);
      return NULL;
    }
  return g_steal_pointer (&nfc);
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

    case FIELD_IDENTITY:
      *normalised = normalise_identity (field->name, value, error);
      return *normalised != NULL;

    case FIELD_DATE:
      {
        GDate date;
        if (!parasol_store_parse_date (value, &date))
          {
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                         _("“%s” is not a date for %s; write it as YYYY-MM-DD."), value,
                         field_label (field->name));
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
                       _("“%s” is not a valid %s; choose one of: %s."), value,
                       field_label (field->name),
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
                         value, field_label (field->name), (int) field->min, (int) field->max);
            return FALSE;
          }
        *normalised = g_strdup_printf ("%" G_GINT64_FORMAT, v);
        return TRUE;
      }

    case FIELD_REAL:
      {
        double v = NAN;

        /* The one strict parser: no hex ("0x46"), no "nan", no trailing text. */
        if (!parasol_parse_double (value, &v, NULL) || v < field->min || v > field->max)
          {
            g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                         _("“%s” is not a plausible %s; it must be a number from %g to %g %s."),
                         value, field_label (field->name), field->min, field->max, field->unit);
            return FALSE;
          }
        *normalised = store_format_double (v);
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
                       _("“%s” is not valid for %s; answer yes or no."), value,
                       field_label (field->name));
          return FALSE;
        }
      return TRUE;
    }

  g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
               _("“%s” is not a valid %s."), value, field_label (field->name));
  return FALSE;
}

/* A screening or subject number names one patient: it may be neither another patient's
 * screening number nor another patient's subject number. */
static gboolean
check_number_unique (ParasolStore *self,
                     gint64        patient_id,
                     const char   *number,
                     GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 other = 0;
  int rc;

  if (number == NULL)
    return TRUE;
  stmt = store_prepare (self,
                        "SELECT id FROM patient WHERE (screening_number = ?1 OR subject_number = ?1)"
                        " AND id != ?2 LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    other = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the patients"));
      return FALSE;
    }
  if (other != 0)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("%s is already the screening or subject number of another patient; a "
                     "number must name one patient only."), number);
      return FALSE;
    }
  return TRUE;
}

static gboolean plausible_in_protocol (ParasolStore *self,
                                       const char   *field,
                                       double        value,
                                       GError      **error);

gint64
parasol_store_add_patient (ParasolStore              *self,
                           const ParasolPatientFacts *patient,
                           GError                   **error)
{
  g_autofree char *birth = parasol_date_to_iso (&patient->birth_date);
  g_autofree char *screening = parasol_date_to_iso (&patient->screening_date);
  g_autofree char *c1d1 = parasol_date_to_iso (&patient->c1d1);
  g_autofree char *transfusion = parasol_date_to_iso (&patient->last_transfusion);
  const char *status = patient->status != NULL ? patient->status : "screening";
  struct { const char *field; const char *value; char *normalised; } checks[] = {
    { "screening_number", patient->screening_number },
    { "subject_number", patient->subject_number },
    { "initials", patient->initials },
    { "site", patient->site },
    { "status", status },
    { "arm", patient->arm },
    { "ici", patient->ici },
    { "platinum", patient->platinum },
  };
  g_autofree char *height = store_format_double (patient->height_cm);
  g_autofree char *weight = store_format_double (patient->weight_kg);
  g_autofree char *dose_weight = store_format_double (patient->dose_weight_kg);
  gint64 id = 0;

  g_return_val_if_fail (PARASOL_IS_STORE (self), 0);
  g_return_val_if_fail (patient != NULL, 0);

  if (patient->screening_number == NULL)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A patient needs a screening number."));
      return 0;
    }
  if (!store_check_past_date (&patient->birth_date, _("birth"), error) ||
      !store_check_past_date (&patient->screening_date, _("screening"), error) ||
      !store_check_past_date (&patient->last_transfusion, _("transfusion"), error))
    return 0;
  if (g_date_valid (&patient->birth_date) && g_date_valid (&patient->screening_date) &&
      g_date_compare (&patient->birth_date, &patient->screening_date) >= 0)
    {
      char born[PARASOL_DATE_BUF_SIZE];

      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The date of birth %s is not before the screening date."),
                   parasol_date_format (&patient->birth_date, born, sizeof born));
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (!normalise_field_value (find_patient_field (checks[i].field), checks[i].value,
                                &checks[i].normalised, error))
      goto out;
  {
    g_autofree char *n = NULL;
    if (height && !normalise_field_value (find_patient_field ("height_cm"), height, &n, error))
      goto out;
    g_clear_pointer (&n, g_free);
    if (weight && !normalise_field_value (find_patient_field ("weight_kg"), weight, &n, error))
      goto out;
    g_clear_pointer (&n, g_free);
    if (dose_weight && !normalise_field_value (find_patient_field ("dose_weight_kg"), dose_weight, &n, error))
      goto out;
  }

  if (!plausible_in_protocol (self, "height_cm", patient->height_cm, error) ||
      !plausible_in_protocol (self, "weight_kg", patient->weight_kg, error) ||
      !plausible_in_protocol (self, "dose_weight_kg", patient->dose_weight_kg, error))
    goto out;

  if (patient->ecog > 5)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("ECOG %d is not valid; it ranges from 0 to 5."), patient->ecog);
      goto out;
    }

  {
    Col cols[] = {
      TEXT_COL ("screening_number", checks[0].normalised),
      TEXT_COL ("subject_number", checks[1].normalised),
      TEXT_COL ("initials", checks[2].normalised),
      TEXT_COL ("sex", parasol_sex_to_string (patient->sex)),
      TEXT_COL ("birth_date", birth),
      TEXT_COL ("site", checks[3].normalised),
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
      INT_COL ("childbearing_potential", patient->childbearing_potential),
      TEXT_COL ("last_transfusion", transfusion),
      TEXT_COL ("platinum", checks[7].normalised),
    };

    cols[9].is_null = patient->ecog < 0;
    cols[12].is_null = patient->liver_metastases == PARASOL_TRI_UNKNOWN;
    cols[13].is_null = patient->liver_infiltration == PARASOL_TRI_UNKNOWN;
    cols[17].is_null = patient->childbearing_potential == PARASOL_TRI_UNKNOWN;

    if (!store_write_begin (self, error))
      goto out;
    if (!check_number_unique (self, 0, checks[0].normalised, NULL))
      {
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                     _("A patient with screening number %s already exists."),
                     checks[0].normalised);
        store_write_rollback (self);
        goto out;
      }
    if (!check_number_unique (self, 0, checks[1].normalised, error))
      {
        store_write_rollback (self);
        goto out;
      }
    id = store_insert_record (self, "patient", 0, cols, G_N_ELEMENTS (cols), NULL, error);
    if (id == 0)
      store_write_rollback (self);
    else if (!store_write_commit (self, error))
      id = 0;
  }

out:
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    g_free (checks[i].normalised);
  return id;
}

gint64
parasol_store_find_patient (ParasolStore *self,
                            const char   *key,
                            GError      **error)
{
  g_autofree char *nfc = NULL;
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

  /* A screening number first, then a subject number, and an internal id only when no patient
   * has that number (new numbers cannot be digits only, nor another patient's number). */
  nfc = g_utf8_validate (key, -1, NULL) ? g_utf8_normalize (key, -1, G_NORMALIZE_NFC) : NULL;
  stmt = store_prepare (self,
                  "SELECT id FROM patient WHERE screening_number = ?1 OR subject_number = ?1"
                  " OR id = ?2 ORDER BY screening_number = ?1 DESC, subject_number = ?1 DESC"
                  " LIMIT 1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, nfc != NULL ? nfc : key, -1, SQLITE_TRANSIENT);
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
  store_query_int (self, "SELECT count(*) FROM patient", &n, NULL);
  return n;
}

static void
count_patients_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  const char *path = task_data;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc = store_open_reader (path, &db);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT count(*) FROM patient", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gint64 n = sqlite3_column_int64 (stmt, 0);

      sqlite3_finalize (stmt);
      sqlite3_close_v2 (db);
      g_task_return_int (task, n);
      return;
    }
  g_task_return_new_error (task, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FAILED,
                           _("The patients of %s could not be counted: %s"), path,
                           db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
}

void
parasol_store_count_patients_async (ParasolStore        *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARASOL_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parasol_store_count_patients_async);
  g_task_set_task_data (task, g_strdup (self->path), g_free);
  g_task_run_in_thread (task, count_patients_thread);
}

gint64
parasol_store_count_patients_finish (ParasolStore  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/* One text column of one patient (@sql selects it by ?1), NULL when unset. */
static gboolean
patient_text (ParasolStore  *self,
              const char    *sql,
              gint64         patient_id,
              const char    *doing,
              char         **value,
              GError       **error)
{
  sqlite3_stmt *stmt = store_prepare (self, sql, error);
  int rc;

  *value = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = store_column_strdup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* The arm may not change after the first dose, except as a documented correction
 * (store_arm_change_allowed()); inside the write transaction. */
static gboolean
arm_change_allowed (ParasolStore *self,
                    gint64        patient_id,
                    const char   *new_arm,
                    GError      **error)
{
  g_autofree char *old_arm = NULL;

  return patient_text (self, "SELECT arm FROM patient WHERE id = ?1", patient_id,
                       _("reading the patient's arm"), &old_arm, error) &&
         store_arm_change_allowed (self, patient_id, old_arm, new_arm, error);
}

/* The platinum may not change after the first dose; inside the write transaction. */
static gboolean
platinum_change_allowed (ParasolStore *self,
                         gint64        patient_id,
                         const char   *new_platinum,
                         GError      **error)
{
  g_autofree char *old_platinum = NULL;

  return patient_text (self, "SELECT platinum FROM patient WHERE id = ?1", patient_id,
                       _("reading the patient's platinum"), &old_platinum, error) &&
         store_platinum_change_allowed (self, patient_id, old_platinum, new_platinum, error);
}

/* Height and weights against the trial protocol's one table of plausible ranges (the same
 * check as `dose` and the window); a database without a protocol keeps the outer bounds. */
static gboolean
plausible_in_protocol (ParasolStore *self,
                       const char   *field,
                       double        value,
                       GError      **error)
{
  g_autoptr(ParasolProtocol) protocol = NULL;
  const char *quantity = NULL;

  if (g_str_equal (field, "height_cm"))
    quantity = "height";
  else if (g_str_equal (field, "weight_kg") || g_str_equal (field, "dose_weight_kg"))
    quantity = "weight";
  if (quantity == NULL || isnan (value))
    return TRUE;
  protocol = parasol_protocol_new_for_store (self, NULL);
  if (protocol == NULL)
    return TRUE;
  return parasol_protocol_check_quantity (protocol, quantity, value, error);
}

/* What set_patient_field() checks before it writes: the value's form, a date that has
 * happened, the protocol's plausible range.  @normalised receives the stored form. */
static gboolean
check_patient_field (ParasolStore       *self,
                     const PatientField *field,
                     const char         *value,
                     char              **normalised_out,
                     GError            **error)
{
  g_autofree char *normalised = NULL;

  if (!normalise_field_value (field, value, &normalised, error))
    return FALSE;
  if (g_str_equal (field->name, "birth_date") && normalised != NULL)
    {
      GDate born;

      if (parasol_store_parse_date (normalised, &born) &&
          !store_check_past_date (&born, _("birth"), error))
        return FALSE;
    }
  if (field->kind == FIELD_REAL && normalised != NULL &&
      !plausible_in_protocol (self, field->name, g_ascii_strtod (normalised, NULL), error))
    return FALSE;
  if (g_str_equal (field->name, "last_transfusion") && normalised != NULL)
    {
      GDate given;

      if (parasol_store_parse_date (normalised, &given) &&
          !store_check_past_date (&given, _("transfusion"), error))
        return FALSE;
    }
  if (normalised_out != NULL)
    *normalised_out = g_steal_pointer (&normalised);
  return TRUE;
}

static gboolean
set_patient_field (ParasolStore       *self,
                   gint64              patient_id,
                   const PatientField *field,
                   const char         *value,
                   gint64              expected_version,
                   const char         *reason,
                   GError            **error)
{
  g_autofree char *normalised = NULL;
  Col col = TEXT_COL (field->name, NULL);

  if (!check_patient_field (self, field, value, &normalised, error))
    return FALSE;

  if (normalised != NULL && (field->kind == FIELD_INT || field->kind == FIELD_YESNO))
    {
      col.type = COL_INT;
      col.integer = g_ascii_strtoll (normalised, NULL, 10);
    }
  else if (field->kind == FIELD_INT || field->kind == FIELD_YESNO)
    {
      col.type = COL_INT;
      col.is_null = TRUE;
    }
  else if (field->kind == FIELD_REAL)
    {
      col.type = COL_REAL;
      col.real = normalised != NULL ? g_ascii_strtod (normalised, NULL) : NAN;
    }
  else
    col.text = normalised;

  if (!store_write_begin (self, error))
    return FALSE;
  if (g_str_equal (field->name, "arm") && !arm_change_allowed (self, patient_id, normalised, error))
    {
      store_write_rollback (self);
      return FALSE;
    }
  if (g_str_equal (field->name, "platinum") &&
      !platinum_change_allowed (self, patient_id, normalised, error))
    {
      store_write_rollback (self);
      return FALSE;
    }
  if ((g_str_equal (field->name, "screening_number") || g_str_equal (field->name, "subject_number")) &&
      !check_number_unique (self, patient_id, normalised, error))
    {
      store_write_rollback (self);
      return FALSE;
    }
  if (!store_update_record (self, "patient", patient_id, patient_id, &col, 1, expected_version,
                            reason, NULL, NULL, error))
    {
      store_write_rollback (self);
      return FALSE;
    }
  return store_write_commit (self, error);
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

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  field = find_patient_field (field_name);
  if (field == NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) parasol_store_patient_field_names ());
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("A patient has no field “%s”; the fields are: %s."), field_name, names);
      return FALSE;
    }

  /* Status and arm follow from the workflows, which check what they rest on. */
  if (g_str_equal (field->name, "status"))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The status changes only through its workflow, which checks what it rests "
                     "on: enrolment enrols an eligible patient, the first dose given starts "
                     "treatment, a discontinuation or death ends it. It cannot be set "
                     "directly."));
      return FALSE;
    }
  if (g_str_equal (field->name, "arm"))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The arm is set only by the investigator's arm decision (confirming or "
                     "overriding the proposed arm, with the reason), which checks the arm "
                     "against the protocol and keeps the proposal."));
      return FALSE;
    }

  if (g_str_equal (field->name, "platinum"))
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The platinum is chosen at enrolment, which checks the creatinine clearance "
                     "cisplatin needs: use “parasol-cli enrol PATIENT --platinum "
                     "carboplatin|cisplatin”."));
      return FALSE;
    }

  /* A weight is a measurement: without a date given, it was measured today */
  if (g_str_equal (field->name, "weight_kg") && value != NULL)
    {
      g_autofree char *normalised = NULL;
      GDate today;

      if (!normalise_field_value (field, value, &normalised, error))
        return FALSE;
      parasol_date_set_today (&today);
      return parasol_store_add_weight (self, patient_id, g_ascii_strtod (normalised, NULL), &today,
                                       expected_version, reason, error) != 0;
    }

  return set_patient_field (self, patient_id, field, value, expected_version, reason, error);
}

gboolean
parasol_store_check_patient_field (ParasolStore *self,
                                   const char   *field_name,
                                   const char   *value,
                                   GError      **error)
{
  const PatientField *field;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  field = find_patient_field (field_name);
  if (field == NULL || g_str_equal (field->name, "status") || g_str_equal (field->name, "arm"))
    /* the refusal parasol_store_set_patient_field() gives */
    return parasol_store_set_patient_field (self, 0, field_name, value, 0, NULL, error);
  return check_patient_field (self, field, value, NULL, error);
}

gboolean
store_normalise_patient_field (const char  *field_name,
                               const char  *value,
                               char       **normalised,
                               GError     **error)
{
  const PatientField *field = find_patient_field (field_name);

  g_return_val_if_fail (field != NULL, FALSE);
  return normalise_field_value (field, value, normalised, error);
}

gboolean
store_set_patient_weight_kg (ParasolStore *self,
                             gint64        patient_id,
                             const char   *value,
                             gint64        expected_version,
                             const char   *reason,
                             GError      **error)
{
  return set_patient_field (self, patient_id, find_patient_field ("weight_kg"), value,
                            expected_version, reason, error);
}

gboolean
parasol_store_set_patient_status (ParasolStore *self,
                                  gint64        patient_id,
                                  const char   *status,
                                  const char   *reason,
                                  GError      **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  return set_patient_field (self, patient_id, find_patient_field ("status"), status, 0, reason,
                            error);
}

gboolean
parasol_store_set_patient_platinum (ParasolStore *self,
                                    gint64        patient_id,
                                    const char   *platinum,
                                    const char   *reason,
                                    GError      **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  /* One of the trial protocol's platinum choices (an ODM file may name any drug) */
  if (platinum != NULL)
    {
      g_autoptr(ParasolProtocol) protocol = parasol_protocol_new_for_store (self, NULL);
      const ParasolRegimen *regimen = protocol ? parasol_protocol_get_regimen (protocol) : NULL;

      if (regimen != NULL && parasol_regimen_find_platinum (regimen, platinum) == NULL)
        {
          g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                       _("“%s” is not a platinum of the trial's protocol (carboplatin or "
                         "cisplatin in BUTTONS-001)"), platinum);
          return FALSE;
        }
    }
  return set_patient_field (self, patient_id, find_patient_field ("platinum"), platinum, 0, reason,
                            error);
}

gboolean
store_set_patient_arm (ParasolStore *self,
                       gint64        patient_id,
                       const char   *arm,
                       const char   *reason,
                       GError      **error)
{
  return set_patient_field (self, patient_id, find_patient_field ("arm"), arm, 0, reason, error);
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
      stmt = store_prepare (self, "SELECT " PATIENT_ROW_COLUMNS " FROM patient WHERE id = ?1", error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 1, patient_id);
    }
  else
    stmt = store_prepare (self, "SELECT " PATIENT_ROW_COLUMNS " FROM patient ORDER BY screening_number",
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
      store_set_error (self, error, rc, _("reading the patients"));
      return FALSE;
    }
  return TRUE;
}

gboolean
parasol_store_foreach_patient_after (ParasolStore          *self,
                                     const char            *after,
                                     gint64                 limit,
                                     ParasolPatientRowFunc  func,
                                     gpointer               user_data,
                                     GError               **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);

  if (after != NULL)
    {
      stmt = store_prepare (self, "SELECT " PATIENT_ROW_COLUMNS " FROM patient"
                                  " WHERE screening_number > ?1 ORDER BY screening_number LIMIT ?2",
                            error);
      if (stmt != NULL)
        {
          sqlite3_bind_text (stmt, 1, after, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, limit);
        }
    }
  else
    {
      stmt = store_prepare (self, "SELECT " PATIENT_ROW_COLUMNS " FROM patient"
                                  " ORDER BY screening_number LIMIT ?1", error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 1, limit);
    }
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolPatientRow row;

      read_patient_row (stmt, &row);
      func (&row, user_data);
    }
  sqlite3_clear_bindings (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the patients"));
      return FALSE;
    }
  return TRUE;
}

/* Rows of the records a course and a swimmer lane are drawn from (parasol-store-private.h). */
void
store_add_cycle_row (ParasolPatientFacts *facts,
                     sqlite3_stmt        *stmt)
{
  ParasolCycleRecord *c = parasol_cycle_record_new ();

  c->id = sqlite3_column_int64 (stmt, 0);
  c->number = sqlite3_column_int (stmt, 1);
  store_column_date (stmt, 2, &c->start);
  c->status = store_column_strdup (stmt, 3);
  c->reason = store_column_strdup (stmt, 4);
  g_ptr_array_add (facts->cycles, c);
}

void
store_add_administration_row (ParasolPatientFacts *facts,
                              sqlite3_stmt        *stmt)
{
  ParasolAdministration *a = parasol_administration_new ();

  a->id = sqlite3_column_int64 (stmt, 0);
  a->cycle = sqlite3_column_int (stmt, 1);
  a->drug = store_column_strdup (stmt, 2);
  store_column_date (stmt, 3, &a->date);
  a->dose = store_column_double_or_nan (stmt, 4);
  a->unit = store_column_strdup (stmt, 5);
  a->given_by = store_column_strdup (stmt, 6);
  a->reason = store_column_strdup (stmt, 7);
  a->flagged = sqlite3_column_int (stmt, 8) != 0;
  g_ptr_array_add (facts->administrations, a);
}

void
store_add_response_row (ParasolPatientFacts *facts,
                        sqlite3_stmt        *stmt)
{
  ParasolResponse *r = parasol_response_new ();

  r->id = sqlite3_column_int64 (stmt, 0);
  store_column_date (stmt, 1, &r->date);
  r->response = store_column_strdup (stmt, 2);
  r->version = sqlite3_column_int64 (stmt, 3);
  g_ptr_array_add (sqlite3_column_int (stmt, 4) != 0 ? facts->withdrawn_responses
                                                     : facts->responses, r);
}

void
store_add_event_row (ParasolPatientFacts *facts,
                     sqlite3_stmt        *stmt)
{
  ParasolEvent *e = parasol_event_new ();

  e->id = sqlite3_column_int64 (stmt, 0);
  e->kind = store_column_strdup (stmt, 1);
  store_column_date (stmt, 2, &e->date);
  e->reason = store_column_strdup (stmt, 3);
  e->version = sqlite3_column_int64 (stmt, 4);
  g_ptr_array_add (sqlite3_column_int (stmt, 5) != 0 ? facts->withdrawn_events
                                                     : facts->events, e);
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

  stmt = store_prepare (self,
                  "SELECT id, version, screening_number, subject_number, initials, site, status,"
                  " arm, ici, sex, birth_date, screening_date, c1d1, ecog, liver_metastases,"
                  " liver_infiltration, height_cm, weight_kg, dose_weight_kg,"
                  " childbearing_potential, last_transfusion, platinum"
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
        store_set_error (self, error, rc, _("reading the patient"));
      return NULL;
    }

  facts = parasol_patient_facts_new ();
  facts->id = sqlite3_column_int64 (stmt, 0);
  facts->version = sqlite3_column_int64 (stmt, 1);
  facts->screening_number = store_column_strdup (stmt, 2);
  facts->subject_number = store_column_strdup (stmt, 3);
  facts->initials = store_column_strdup (stmt, 4);
  facts->site = store_column_strdup (stmt, 5);
  facts->status = store_column_strdup (stmt, 6);
  facts->arm = store_column_strdup (stmt, 7);
  facts->ici = store_column_strdup (stmt, 8);
  parasol_sex_from_string ((const char *) sqlite3_column_text (stmt, 9), &facts->sex);
  store_column_date (stmt, 10, &facts->birth_date);
  store_column_date (stmt, 11, &facts->screening_date);
  store_column_date (stmt, 12, &facts->c1d1);
  facts->ecog = sqlite3_column_type (stmt, 13) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 13);
  facts->liver_metastases = sqlite3_column_type (stmt, 14) == SQLITE_NULL
                              ? PARASOL_TRI_UNKNOWN : (ParasolTri) sqlite3_column_int (stmt, 14);
  facts->liver_infiltration = sqlite3_column_type (stmt, 15) == SQLITE_NULL
                                ? PARASOL_TRI_UNKNOWN : (ParasolTri) sqlite3_column_int (stmt, 15);
  facts->height_cm = store_column_double_or_nan (stmt, 16);
  facts->weight_kg = store_column_double_or_nan (stmt, 17);
  facts->dose_weight_kg = store_column_double_or_nan (stmt, 18);
  facts->childbearing_potential = sqlite3_column_type (stmt, 19) == SQLITE_NULL
                                    ? PARASOL_TRI_UNKNOWN : (ParasolTri) sqlite3_column_int (stmt, 19);
  store_column_date (stmt, 20, &facts->last_transfusion);
  facts->platinum = store_column_strdup (stmt, 21);
  sqlite3_reset (stmt);

  stmt = store_prepare (self,
                  "SELECT id, lab, value, unit, value_entered, unit_entered, uln, sample_date"
                  " FROM lab WHERE patient_id = ?1 ORDER BY lab, sample_date DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolLabResult *lab = parasol_lab_result_new ();

      lab->id = sqlite3_column_int64 (stmt, 0);
      lab->lab = store_column_strdup (stmt, 1);
      lab->value = sqlite3_column_double (stmt, 2);
      lab->unit = store_column_strdup (stmt, 3);
      lab->value_entered = store_column_double_or_nan (stmt, 4);
      lab->unit_entered = store_column_strdup (stmt, 5);
      lab->uln = store_column_double_or_nan (stmt, 6);
      store_column_date (stmt, 7, &lab->date);
      g_ptr_array_add (facts->labs, lab);
    }
  sqlite3_reset (stmt);

  stmt = store_prepare (self,
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
      m->marker = store_column_strdup (stmt, 1);
      if (g_strcmp0 (method, "hscore") == 0)
        m->method = PARASOL_MARKER_METHOD_HSCORE;
      else if (g_strcmp0 (method, "amplified") == 0)
        m->method = PARASOL_MARKER_METHOD_AMPLIFIED;
      else
        m->method = PARASOL_MARKER_METHOD_PERCENT;
      m->value = store_column_double_or_nan (stmt, 3);
      m->intensity[0] = store_column_double_or_nan (stmt, 4);
      m->intensity[1] = store_column_double_or_nan (stmt, 5);
      m->intensity[2] = store_column_double_or_nan (stmt, 6);
      m->pending = sqlite3_column_int (stmt, 7) != 0;
      store_column_date (stmt, 8, &m->date);
      g_ptr_array_add (facts->biomarkers, m);
    }
  sqlite3_reset (stmt);

  stmt = store_prepare (self,
                  "SELECT id, criterion, met, note, source, attested_on FROM attestation"
                  " WHERE patient_id = ?1 ORDER BY criterion", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ParasolAttestation *a = parasol_attestation_new ();

      a->id = sqlite3_column_int64 (stmt, 0);
      a->criterion = store_column_strdup (stmt, 1);
      a->met = sqlite3_column_int (stmt, 2) != 0;
      a->note = store_column_strdup (stmt, 3);
      a->source = store_column_strdup (stmt, 4);
      store_column_date (stmt, 5, &a->date);
      g_ptr_array_add (facts->attestations, a);
    }
  sqlite3_reset (stmt);

  stmt = store_prepare (self,
                  "SELECT " CYCLE_COLUMNS " FROM cycle WHERE patient_id = ?1 ORDER BY number",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    store_add_cycle_row (facts, stmt);
  sqlite3_reset (stmt);

  stmt = store_prepare (self,
                  "SELECT " ADMINISTRATION_COLUMNS " FROM administration WHERE patient_id = ?1"
                  " ORDER BY given_on, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    store_add_administration_row (facts, stmt);
  sqlite3_reset (stmt);

  stmt = store_prepare (self,
                  "SELECT " RESPONSE_COLUMNS " FROM response WHERE patient_id = ?1"
                  " ORDER BY assessed_on, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    store_add_response_row (facts, stmt);
  sqlite3_reset (stmt);

  stmt = store_prepare (self,
                  "SELECT " EVENT_COLUMNS " FROM event WHERE patient_id = ?1"
                  " ORDER BY occurred_on, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    store_add_event_row (facts, stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      stmt = store_prepare (self,
                      "SELECT id, weight_kg, measured_on FROM weight WHERE patient_id = ?1"
                      " ORDER BY measured_on, id", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, patient_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          ParasolWeight *w = parasol_weight_new ();

          w->id = sqlite3_column_int64 (stmt, 0);
          w->weight_kg = sqlite3_column_double (stmt, 1);
          store_column_date (stmt, 2, &w->date);
          g_ptr_array_add (facts->weights, w);
        }
      sqlite3_reset (stmt);
    }

  if (rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the patient"));
      return NULL;
    }

  return g_steal_pointer (&facts);
}

/* One table's rows for every patient, ordered by patient: a cursor the pass below advances
 * patient by patient.  The patient's id is the column after the record's. */
typedef struct {
  sqlite3_stmt *stmt;
  int           patient_column;
  int           rc;
  void        (*add) (ParasolPatientFacts *facts,
                      sqlite3_stmt        *stmt);
} RecordCursor;

static void
cursor_take (RecordCursor        *cursor,
             ParasolPatientFacts *facts)
{
  while (cursor->rc == SQLITE_ROW &&
         sqlite3_column_int64 (cursor->stmt, cursor->patient_column) <= facts->id)
    {
      if (sqlite3_column_int64 (cursor->stmt, cursor->patient_column) == facts->id)
        cursor->add (facts, cursor->stmt);
      cursor->rc = sqlite3_step (cursor->stmt);
    }
}

gboolean
parasol_store_foreach_course_facts (ParasolStore           *self,
                                    ParasolCourseFactsFunc  func,
                                    gpointer                user_data,
                                    GError                **error)
{
  static const struct {
    const char *sql;
    int         patient_column;
    void      (*add) (ParasolPatientFacts *facts,
                      sqlite3_stmt        *stmt);
  } tables[] = {
    { "SELECT " CYCLE_COLUMNS ", patient_id FROM cycle ORDER BY patient_id, number",
      5, store_add_cycle_row },
    { "SELECT " ADMINISTRATION_COLUMNS ", patient_id FROM administration"
      " ORDER BY patient_id, given_on, id", 9, store_add_administration_row },
    { "SELECT " RESPONSE_COLUMNS ", patient_id FROM response ORDER BY patient_id, assessed_on, id",
      5, store_add_response_row },
    { "SELECT " EVENT_COLUMNS ", patient_id FROM event ORDER BY patient_id, occurred_on, id",
      6, store_add_event_row },
  };
  RecordCursor cursors[G_N_ELEMENTS (tables)] = { { 0 } };
  sqlite3_stmt *patients;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  /* Prepared on their own (store_prepare keeps one of each, and a caller may be stepping
   * through the same ones). */
  for (guint t = 0; t < G_N_ELEMENTS (tables) && ok; t++)
    {
      rc = sqlite3_prepare_v2 (self->db, tables[t].sql, -1, &cursors[t].stmt, NULL);
      if (rc != SQLITE_OK)
        {
          store_set_error (self, error, rc, _("reading the courses"));
          ok = FALSE;
          break;
        }
      cursors[t].patient_column = tables[t].patient_column;
      cursors[t].add = tables[t].add;
      cursors[t].rc = sqlite3_step (cursors[t].stmt);
    }
  patients = NULL;
  if (ok && (rc = sqlite3_prepare_v2 (self->db, "SELECT id, status, arm, ici, c1d1, platinum"
                                                 " FROM patient ORDER BY id",
                                      -1, &patients, NULL)) != SQLITE_OK)
    {
      store_set_error (self, error, rc, _("reading the courses"));
      ok = FALSE;
    }

  while (ok && (rc = sqlite3_step (patients)) == SQLITE_ROW)
    {
      g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();

      facts->id = sqlite3_column_int64 (patients, 0);
      facts->status = store_column_strdup (patients, 1);
      facts->arm = store_column_strdup (patients, 2);
      facts->ici = store_column_strdup (patients, 3);
      store_column_date (patients, 4, &facts->c1d1);
      facts->platinum = store_column_strdup (patients, 5);
      for (guint t = 0; t < G_N_ELEMENTS (cursors); t++)
        cursor_take (&cursors[t], facts);
      func (facts, user_data);
    }
  if (ok && rc != SQLITE_DONE)
    {
      store_set_error (self, error, rc, _("reading the courses"));
      ok = FALSE;
    }
  for (guint t = 0; ok && t < G_N_ELEMENTS (cursors); t++)
    if (cursors[t].rc != SQLITE_DONE && cursors[t].rc != SQLITE_ROW)
      {
        store_set_error (self, error, cursors[t].rc, _("reading the courses"));
        ok = FALSE;
      }

  sqlite3_finalize (patients);
  for (guint t = 0; t < G_N_ELEMENTS (cursors); t++)
    sqlite3_finalize (cursors[t].stmt);
  return ok;
}

