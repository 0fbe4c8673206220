/* parasol-facts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-facts"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parasol-facts.h"
#include "parasol-input.h"

ParasolLabResult *
parasol_lab_result_new (void)
{
  ParasolLabResult *lab = g_new0 (ParasolLabResult, 1);

  lab->value = NAN;
  lab->value_entered = NAN;
  lab->uln = NAN;
  g_date_clear (&lab->date, 1);
  return lab;
}

void
parasol_lab_result_free (ParasolLabResult *lab)
{
  if (lab == NULL)
    return;
  g_free (lab->lab);
  g_free (lab->unit);
  g_free (lab->unit_entered);
  g_free (lab);
}

ParasolBiomarkerResult *
parasol_biomarker_result_new (void)
{
  ParasolBiomarkerResult *marker = g_new0 (ParasolBiomarkerResult, 1);

  marker->value = NAN;
  for (guint i = 0; i < G_N_ELEMENTS (marker->intensity); i++)
    marker->intensity[i] = NAN;
  g_date_clear (&marker->date, 1);
  return marker;
}

void
parasol_biomarker_result_free (ParasolBiomarkerResult *marker)
{
  if (marker == NULL)
    return;
  g_free (marker->marker);
  g_free (marker);
}

ParasolAttestation *
parasol_attestation_new (void)
{
  ParasolAttestation *attestation = g_new0 (ParasolAttestation, 1);

  g_date_clear (&attestation->date, 1);
  return attestation;
}

void
parasol_attestation_free (ParasolAttestation *attestation)
{
  if (attestation == NULL)
    return;
  g_free (attestation->criterion);
  g_free (attestation->note);
  g_free (attestation->source);
  g_free (attestation);
}

ParasolCycleRecord *
parasol_cycle_record_new (void)
{
  ParasolCycleRecord *cycle = g_new0 (ParasolCycleRecord, 1);

  g_date_clear (&cycle->start, 1);
  return cycle;
}

void
parasol_cycle_record_free (ParasolCycleRecord *cycle)
{
  if (cycle == NULL)
    return;
  g_free (cycle->status);
  g_free (cycle->reason);
  g_free (cycle);
}

ParasolAdministration *
parasol_administration_new (void)
{
  ParasolAdministration *admin = g_new0 (ParasolAdministration, 1);

  admin->dose = NAN;
  g_date_clear (&admin->date, 1);
  return admin;
}

void
parasol_administration_free (ParasolAdministration *admin)
{
  if (admin == NULL)
    return;
  g_free (admin->drug);
  g_free (admin->unit);
  g_free (admin->given_by);
  g_free (admin->reason);
  g_free (admin);
}

ParasolResponse *
parasol_response_new (void)
{
  ParasolResponse *response = g_new0 (ParasolResponse, 1);

  g_date_clear (&response->date, 1);
  return response;
}

void
parasol_response_free (ParasolResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->response);
  g_free (response);
}

ParasolEvent *
parasol_event_new (void)
{
  ParasolEvent *event = g_new0 (ParasolEvent, 1);

  g_date_clear (&event->date, 1);
  return event;
}

void
parasol_event_free (ParasolEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->kind);
  g_free (event->reason);
  g_free (event);
}

ParasolWeight *
parasol_weight_new (void)
{
  ParasolWeight *weight = g_new0 (ParasolWeight, 1);

  weight->weight_kg = NAN;
  g_date_clear (&weight->date, 1);
  return weight;
}

void
parasol_weight_free (ParasolWeight *weight)
{
  g_free (weight);
}

ParasolPatientFacts *
parasol_patient_facts_new (void)
{
  ParasolPatientFacts *facts = g_new0 (ParasolPatientFacts, 1);

  g_date_clear (&facts->birth_date, 1);
  g_date_clear (&facts->screening_date, 1);
  g_date_clear (&facts->c1d1, 1);
  facts->ecog = -1;
  facts->liver_metastases = PARASOL_TRI_UNKNOWN;
  facts->liver_infiltration = PARASOL_TRI_UNKNOWN;
  facts->childbearing_potential = PARASOL_TRI_UNKNOWN;
  g_date_clear (&facts->last_transfusion, 1);
  facts->height_cm = NAN;
  facts->weight_kg = NAN;
  facts->dose_weight_kg = NAN;
  facts->labs = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_lab_result_free);
  facts->biomarkers = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_biomarker_result_free);
  facts->attestations = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_attestation_free);
  facts->cycles = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_cycle_record_free);
  facts->administrations = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_administration_free);
  facts->responses = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_response_free);
  facts->events = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_event_free);
  facts->weights = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_weight_free);
  facts->withdrawn_responses = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_response_free);
  facts->withdrawn_events = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_event_free);
  return facts;
}

void
parasol_patient_facts_free (ParasolPatientFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->screening_number);
  g_free (facts->subject_number);
  g_free (facts->initials);
  g_free (facts->site);
  g_free (facts->status);
  g_free (facts->arm);
  g_free (facts->ici);
  g_free (facts->platinum);
  g_clear_pointer (&facts->labs, g_ptr_array_unref);
  g_clear_pointer (&facts->biomarkers, g_ptr_array_unref);
  g_clear_pointer (&facts->attestations, g_ptr_array_unref);
  g_clear_pointer (&facts->cycles, g_ptr_array_unref);
  g_clear_pointer (&facts->administrations, g_ptr_array_unref);
  g_clear_pointer (&facts->responses, g_ptr_array_unref);
  g_clear_pointer (&facts->events, g_ptr_array_unref);
  g_clear_pointer (&facts->weights, g_ptr_array_unref);
  g_clear_pointer (&facts->withdrawn_responses, g_ptr_array_unref);
  g_clear_pointer (&facts->withdrawn_events, g_ptr_array_unref);
  g_free (facts);
}

const ParasolWeight *
parasol_patient_facts_weight_on (const ParasolPatientFacts *facts,
                                 const GDate               *on)
{
  const ParasolWeight *best = NULL;
  gboolean bounded = on != NULL && g_date_valid (on);

  g_return_val_if_fail (facts != NULL, NULL);

  for (guint i = 0; facts->weights != NULL && i < facts->weights->len; i++)
    {
      const ParasolWeight *w = g_ptr_array_index (facts->weights, i);

      if (!g_date_valid (&w->date) || (bounded && g_date_compare (&w->date, on) > 0))
        continue;
      if (best == NULL || g_date_compare (&w->date, &best->date) > 0 ||
          (g_date_compare (&w->date, &best->date) == 0 && w->id > best->id))
        best = w;
    }

  return best;
}

/* The newest result on or before @on; among results of the same day the last stored wins. */
const ParasolLabResult *
parasol_patient_facts_find_lab (const ParasolPatientFacts *facts,
                                const char                *lab,
                                const GDate               *on)
{
  const ParasolLabResult *best = NULL;
  gboolean bounded = on != NULL && g_date_valid (on);

  g_return_val_if_fail (facts != NULL, NULL);
  g_return_val_if_fail (lab != NULL, NULL);

  for (guint i = 0; i < facts->labs->len; i++)
    {
      const ParasolLabResult *r = g_ptr_array_index (facts->labs, i);

      if (g_strcmp0 (r->lab, lab) != 0)
        continue;
      if (bounded && g_date_valid (&r->date) && g_date_compare (&r->date, on) > 0)
        continue;
      if (best == NULL)
        best = r;
      else if (g_date_valid (&r->date) && g_date_valid (&best->date))
        {
          int cmp = g_date_compare (&r->date, &best->date);
          if (cmp > 0 || (cmp == 0 && r->id > best->id))
            best = r;
        }
      else if (g_date_valid (&r->date))
        best = r;
    }

  return best;
}

gboolean
parasol_biomarker_result_is_newer (const ParasolBiomarkerResult *a,
                                   const ParasolBiomarkerResult *b)
{
  gboolean da = g_date_valid (&a->date), db = g_date_valid (&b->date);
  int c;

  /* The newest sample decides; a dated result beats an undated one; same day: entered later */
  if (da != db)
    return da;
  c = da ? g_date_compare (&a->date, &b->date) : 0;
  return c != 0 ? c > 0 : a->id > b->id;
}

const ParasolBiomarkerResult *
parasol_patient_facts_find_biomarker (const ParasolPatientFacts *facts,
                                      const char                *marker)
{
  const ParasolBiomarkerResult *best = NULL;

  g_return_val_if_fail (facts != NULL, NULL);

  for (guint i = 0; i < facts->biomarkers->len; i++)
    {
      const ParasolBiomarkerResult *r = g_ptr_array_index (facts->biomarkers, i);

      if (g_strcmp0 (r->marker, marker) != 0)
        continue;
      if (best == NULL || parasol_biomarker_result_is_newer (r, best))
        best = r;
    }

  return best;
}

const ParasolAttestation *
parasol_patient_facts_find_attestation (const ParasolPatientFacts *facts,
                                        const char                *criterion)
{
  g_return_val_if_fail (facts != NULL, NULL);

  for (guint i = 0; i < facts->attestations->len; i++)
    {
      const ParasolAttestation *a = g_ptr_array_index (facts->attestations, i);

      if (g_strcmp0 (a->criterion, criterion) == 0)
        return a;
    }

  return NULL;
}

int
parasol_age_on (const GDate *birth_date,
                const GDate *on)
{
  int age;

  if (birth_date == NULL || on == NULL || !g_date_valid (birth_date) || !g_date_valid (on))
    return -1;

  age = g_date_get_year (on) - g_date_get_year (birth_date);
  if (g_date_get_month (on) < g_date_get_month (birth_date) ||
      (g_date_get_month (on) == g_date_get_month (birth_date) &&
       g_date_get_day (on) < g_date_get_day (birth_date)))
    age--;

  return age;
}

char *
parasol_date_format (const GDate *date,
                     char        *buf,
                     gsize        len)
{
  g_return_val_if_fail (buf != NULL && len >= 11, buf);

  if (date == NULL || !g_date_valid (date))
    buf[0] = '\0';
  else
    g_snprintf (buf, len, "%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                g_date_get_day (date));
  return buf;
}

char *
parasol_date_to_iso (const GDate *date)
{
  char buf[PARASOL_DATE_BUF_SIZE];

  if (date == NULL || !g_date_valid (date))
    return NULL;
  return g_strdup (parasol_date_format (date, buf, sizeof buf));
}

gboolean
parasol_date_parse_iso (const char *str,
                        GDate      *date)
{
  return parasol_parse_date (str, date, NULL);
}

void
parasol_date_set_today (GDate *date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

/* The Julian day of 65535-12-31, the last day a GDate holds. */
#define LAST_JULIAN_DAY 23936166

GDate
parasol_date_plus_days (const GDate *date,
                        int          days)
{
  GDate d;
  gint64 julian;

  g_date_clear (&d, 1);
  if (date == NULL || !g_date_valid (date))
    return d;
  julian = (gint64) g_date_get_julian (date) + days;
  if (julian < 1 || julian > LAST_JULIAN_DAY)
    return d;
  g_date_set_julian (&d, (guint32) julian);
  return d;
}

const char *
parasol_sex_to_string (ParasolSex sex)
{
  switch (sex)
    {
    case PARASOL_SEX_FEMALE:
      return "female";
    case PARASOL_SEX_MALE:
      return "male";
    case PARASOL_SEX_UNKNOWN:
    default:
      return NULL;
    }
}

gboolean
parasol_sex_from_string (const char *str,
                         ParasolSex *sex)
{
  if (g_strcmp0 (str, "female") == 0 || g_strcmp0 (str, "F") == 0)
    *sex = PARASOL_SEX_FEMALE;
  else if (g_strcmp0 (str, "male") == 0 || g_strcmp0 (str, "M") == 0)
    *sex = PARASOL_SEX_MALE;
  else
    return FALSE;
  return TRUE;
}

/* ---- Patient status and event kind ------------------------------------------------------------ */

static const char *patient_status_ids[] = {
  "screening", "screen_failed", "enrolled", "on_treatment", "off_treatment",
};
G_STATIC_ASSERT (G_N_ELEMENTS (patient_status_ids) == PARASOL_PATIENT_STATUS_OFF_TREATMENT + 1);

static const char *event_kind_ids[] = {
  "death", "discontinuation", "progression", "last_known_alive",
};
G_STATIC_ASSERT (G_N_ELEMENTS (event_kind_ids) == PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE + 1);

static gboolean
id_lookup (const char  *const *ids,
           guint              n_ids,
           const char         *str,
           int                *value)
{
  for (guint i = 0; str != NULL && i < n_ids; i++)
    if (strcmp (ids[i], str) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

const char *
parasol_patient_status_to_string (ParasolPatientStatus status)
{
  return (guint) status < G_N_ELEMENTS (patient_status_ids) ? patient_status_ids[status] : NULL;
}

gboolean
parasol_patient_status_from_string (const char           *str,
                                    ParasolPatientStatus *status)
{
  int value;

  g_return_val_if_fail (status != NULL, FALSE);

  if (!id_lookup (patient_status_ids, G_N_ELEMENTS (patient_status_ids), str, &value))
    return FALSE;
  *status = (ParasolPatientStatus) value;
  return TRUE;
}

const char *
parasol_patient_status_to_label (ParasolPatientStatus status)
{
  switch (status)
    {
    case PARASOL_PATIENT_STATUS_SCREENING:
      return C_("patient status", "Screening");
    case PARASOL_PATIENT_STATUS_SCREEN_FAILED:
      return C_("patient status", "Screen failed");
    case PARASOL_PATIENT_STATUS_ENROLLED:
      return C_("patient status", "Enrolled");
    case PARASOL_PATIENT_STATUS_ON_TREATMENT:
      return C_("patient status", "On treatment");
    case PARASOL_PATIENT_STATUS_OFF_TREATMENT:
      return C_("patient status", "Off treatment");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
parasol_event_kind_to_string (ParasolEventKind kind)
{
  return (guint) kind < G_N_ELEMENTS (event_kind_ids) ? event_kind_ids[kind] : NULL;
}

gboolean
parasol_event_kind_from_string (const char       *str,
                                ParasolEventKind *kind)
{
  int value;

  g_return_val_if_fail (kind != NULL, FALSE);

  if (!id_lookup (event_kind_ids, G_N_ELEMENTS (event_kind_ids), str, &value))
    return FALSE;
  *kind = (ParasolEventKind) value;
  return TRUE;
}

const char *
parasol_event_kind_to_label (ParasolEventKind kind)
{
  switch (kind)
    {
    case PARASOL_EVENT_KIND_DEATH:
      /* Translators: an event that ends or changes a patient's treatment */
      return _("Death");
    case PARASOL_EVENT_KIND_DISCONTINUATION:
      /* Translators: an event that ends or changes a patient's treatment */
      return _("Discontinuation");
    case PARASOL_EVENT_KIND_PROGRESSION:
      /* Translators: an event that ends or changes a patient's treatment */
      return _("Progression");
    case PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE:
      /* Translators: a follow-up event: the last date the patient was known to be alive */
      return _("Last known alive");
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
parasol_biomarker_result_is_amplified (const ParasolBiomarkerResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);

  return !result->pending && result->method == PARASOL_MARKER_METHOD_AMPLIFIED &&
         result->value >= 0.5;
}
