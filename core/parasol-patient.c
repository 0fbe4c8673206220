/* parasol-patient.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-patient"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "parasol-facts.h"
#include "parasol-patient-private.h"

struct _ParasolPatient
{
  GObject  parent_instance;

  gint64   id;
  gint64   version;
  char    *screening_number;
  char    *subject_number;
  char    *initials;
  char    *sex;
  char    *birth_date;
  char    *site;
  char    *status;
  char    *arm;
  char    *screening_date;
  char    *c1d1;
  char    *search_text;
  ParasolCourse *course;   /* worked out on demand by the list */
};

G_DEFINE_FINAL_TYPE (ParasolPatient, parasol_patient, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_VERSION,
  PROP_SCREENING_NUMBER,
  PROP_SUBJECT_NUMBER,
  PROP_INITIALS,
  PROP_SEX,
  PROP_BIRTH_DATE,
  PROP_SITE,
  PROP_STATUS,
  PROP_STATUS_LABEL,
  PROP_ARM,
  PROP_SCREENING_DATE,
  PROP_C1D1,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The translated label of a stored status id; the id itself when it is not one Parasol knows. */
static const char *
status_label (const char *status)
{
  ParasolPatientStatus value;

  if (!parasol_patient_status_from_string (status, &value))
    return status;
  return parasol_patient_status_to_label (value);
}

static void
append_folded (GString    *out,
               const char *str)
{
  gboolean ascii = TRUE;

  if (str == NULL || *str == '\0')
    return;
  if (out->len > 0)
    g_string_append_c (out, ' ');

  /* Identifiers are ASCII: lower-case them in place of a full Unicode casefold. */
  for (const char *p = str; *p; p++)
    if ((guchar) *p >= 0x80)
      {
        ascii = FALSE;
        break;
      }
  if (ascii)
    {
      for (const char *p = str; *p; p++)
        g_string_append_c (out, g_ascii_tolower (*p));
    }
  else
    {
      g_autofree char *folded = g_utf8_casefold (str, -1);
      g_string_append (out, folded);
    }
}

char *
parasol_patient_build_search_text (const ParasolPatientRow *row)
{
  GString *out = g_string_sized_new (96);

  append_folded (out, row->screening_number);
  append_folded (out, row->subject_number);
  append_folded (out, row->initials);
  append_folded (out, row->site);
  append_folded (out, row->arm);
  append_folded (out, row->status);
  append_folded (out, status_label (row->status));
  return g_string_free (out, FALSE);
}

gboolean
parasol_search_text_matches (const char *search_text,
                             const char *casefolded_query)
{
  const char *p = casefolded_query;

  if (p == NULL)
    return TRUE;

  /* Every whitespace-separated word of the query must occur. */
  while (*p)
    {
      const char *end;
      char word[128];
      gsize len;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      end = p;
      while (*end && *end != ' ' && *end != '\t')
        end++;
      len = MIN ((gsize) (end - p), sizeof word - 1);
      memcpy (word, p, len);
      word[len] = '\0';
      if (strstr (search_text, word) == NULL)
        return FALSE;
      p = end;
    }

  return TRUE;
}

ParasolPatient *
parasol_patient_new_from_row (const ParasolPatientRow *row,
                              const char              *search_text)
{
  ParasolPatient *self = g_object_new (PARASOL_TYPE_PATIENT, NULL);

  self->id = row->id;
  self->version = row->version;
  self->screening_number = g_strdup (row->screening_number);
  self->subject_number = g_strdup (row->subject_number);
  self->initials = g_strdup (row->initials);
  self->sex = g_strdup (row->sex);
  self->birth_date = g_strdup (row->birth_date);
  self->site = g_strdup (row->site);
  self->status = g_strdup (row->status);
  self->arm = g_strdup (row->arm);
  self->screening_date = g_strdup (row->screening_date);
  self->c1d1 = g_strdup (row->c1d1);
  self->search_text = search_text != NULL ? g_strdup (search_text)
                                          : parasol_patient_build_search_text (row);
  return self;
}

#define GETTER(name) \
  const char * \
  parasol_patient_get_##name (ParasolPatient *self) \
  { \
    g_return_val_if_fail (PARASOL_IS_PATIENT (self), NULL); \
    return self->name; \
  }

GETTER (screening_number)
GETTER (subject_number)
GETTER (initials)
GETTER (sex)
GETTER (birth_date)
GETTER (site)
GETTER (status)
GETTER (arm)
GETTER (screening_date)
GETTER (c1d1)
GETTER (search_text)

#undef GETTER

gint64
parasol_patient_get_id (ParasolPatient *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT (self), 0);
  return self->id;
}

gint64
parasol_patient_get_version (ParasolPatient *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT (self), 0);
  return self->version;
}

const char *
parasol_patient_get_status_label (ParasolPatient *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT (self), NULL);
  return status_label (self->status);
}

gboolean
parasol_patient_matches (ParasolPatient *self,
                         const char     *casefolded_query)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT (self), FALSE);
  return parasol_search_text_matches (self->search_text, casefolded_query);
}

const ParasolCourse *
parasol_patient_get_course (ParasolPatient *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT (self), NULL);
  return self->course;
}

void
parasol_patient_set_course (ParasolPatient *self,
                            ParasolCourse  *course)
{
  g_return_if_fail (PARASOL_IS_PATIENT (self));
  g_clear_pointer (&self->course, parasol_course_free);
  self->course = course;
}

static void
parasol_patient_finalize (GObject *object)
{
  ParasolPatient *self = (ParasolPatient *) object;

  g_free (self->screening_number);
  g_free (self->subject_number);
  g_free (self->initials);
  g_free (self->sex);
  g_free (self->birth_date);
  g_free (self->site);
  g_free (self->status);
  g_free (self->arm);
  g_free (self->screening_date);
  g_free (self->c1d1);
  g_free (self->search_text);
  g_clear_pointer (&self->course, parasol_course_free);

  G_OBJECT_CLASS (parasol_patient_parent_class)->finalize (object);
}

static void
parasol_patient_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ParasolPatient *self = PARASOL_PATIENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_SCREENING_NUMBER:
      g_value_set_string (value, self->screening_number);
      break;
    case PROP_SUBJECT_NUMBER:
      g_value_set_string (value, self->subject_number);
      break;
    case PROP_INITIALS:
      g_value_set_string (value, self->initials);
      break;
    case PROP_SEX:
      g_value_set_string (value, self->sex);
      break;
    case PROP_BIRTH_DATE:
      g_value_set_string (value, self->birth_date);
      break;
    case PROP_SITE:
      g_value_set_string (value, self->site);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_STATUS_LABEL:
      g_value_set_string (value, status_label (self->status));
      break;
    case PROP_ARM:
      g_value_set_string (value, self->arm);
      break;
    case PROP_SCREENING_DATE:
      g_value_set_string (value, self->screening_date);
      break;
    case PROP_C1D1:
      g_value_set_string (value, self->c1d1);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
parasol_patient_class_init (ParasolPatientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parasol_patient_finalize;
  object_class->get_property = parasol_patient_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCREENING_NUMBER] = string_property ("screening-number");
  properties[PROP_SUBJECT_NUMBER] = string_property ("subject-number");
  properties[PROP_INITIALS] = string_property ("initials");
  properties[PROP_SEX] = string_property ("sex");
  properties[PROP_BIRTH_DATE] = string_property ("birth-date");
  properties[PROP_SITE] = string_property ("site");
  properties[PROP_STATUS] = string_property ("status");
  properties[PROP_STATUS_LABEL] = string_property ("status-label");
  properties[PROP_ARM] = string_property ("arm");
  properties[PROP_SCREENING_DATE] = string_property ("screening-date");
  properties[PROP_C1D1] = string_property ("c1d1");
  properties[PROP_SEARCH_TEXT] = string_property ("search-text");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parasol_patient_init (ParasolPatient *self)
{
}
