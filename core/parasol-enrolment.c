/* parasol-enrolment.c — enrolling an eligible patient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-enrolment"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "parasol-enrolment.h"
#include "parasol-regimen.h"

G_DEFINE_QUARK (parasol-enrolment-error-quark, parasol_enrolment_error)

void
parasol_enrolment_free (ParasolEnrolment *enrolment)
{
  if (enrolment == NULL)
    return;
  g_free (enrolment->key);
  g_free (enrolment->subject_number);
  g_free (enrolment->status);
  g_free (enrolment->arm);
  g_free (enrolment->ici);
  g_free (enrolment->platinum);
  g_clear_pointer (&enrolment->eligibility, parasol_eligibility_free);
  g_clear_pointer (&enrolment->warnings, g_ptr_array_unref);
  g_free (enrolment);
}

char *
parasol_enrolment_describe_failures (const ParasolEligibility *eligibility)
{
  GString *why = g_string_new (NULL);

  for (guint i = 0; i < eligibility->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (eligibility->criteria, i);

      if (r->status == PARASOL_STATUS_MET)
        continue;
      g_string_append_printf (why, "%s%s %s: %s", why->len ? "; " : "", r->id,
                              parasol_criterion_status_to_string (r->status), r->reason);
    }
  return g_string_free (why, FALSE);
}

static char *
next_subject_number (ParasolStore *store)
{
  for (int n = 1; n < 1000000; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("BT-%04d", n);
      g_autoptr(GError) error = NULL;

      if (parasol_store_find_patient (store, candidate, &error) == 0 &&
          g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

static gboolean
set_field (ParasolStore *store,
           gint64        id,
           const char   *field,
           const char   *value,
           const char   *reason,
           GError      **error)
{
  /* The status follows from this workflow: the store takes it only through its own call. */
  if (g_str_equal (field, "status"))
    return parasol_store_set_patient_status (store, id, value, reason, error);
  return parasol_store_set_patient_field (store, id, field, value, 0, reason, error);
}

static ParasolEnrolment *
enrol_locked (ParasolStore                  *store,
              ParasolProtocol               *protocol,
              gint64                         patient_id,
              const GDate                   *c1d1,
              const ParasolEnrolmentOptions *options,
              const char                    *reason,
              GError                       **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEnrolment) e = NULL;
  g_autofree char *audit_reason = NULL;
  g_autofree char *dose_weight = NULL;
  g_autofree char *c1d1_iso = NULL;
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);
  const char *ici;
  const char *platinum;
  const ParasolWeight *weight;
  GDate today;
  char buf[PARASOL_DATE_BUF_SIZE];
  char weight_buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Read inside the transaction: what is checked is what is written over */
  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;

  e = g_new0 (ParasolEnrolment, 1);
  e->patient_id = patient_id;
  e->key = g_strdup (facts->subject_number ? facts->subject_number : facts->screening_number);
  e->c1d1 = *c1d1;
  e->dose_weight_kg = NAN;
  e->warnings = g_ptr_array_new_with_free_func (g_free);
  c1d1_iso = parasol_date_to_iso (c1d1);

  if (g_strcmp0 (facts->status, "enrolled") == 0 ||
      g_strcmp0 (facts->status, "on_treatment") == 0 ||
      g_strcmp0 (facts->status, "off_treatment") == 0)
    {
      g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_ALREADY_ENROLLED,
                   _("Patient %s is already enrolled (status %s, C1D1 %s); to move cycle 1, delay "
                     "it, with the reason"),
                   e->key, facts->status, parasol_date_format (&facts->c1d1, buf, sizeof buf));
      return NULL;
    }

  if (g_date_valid (&facts->screening_date) && g_date_compare (c1d1, &facts->screening_date) < 0)
    {
      g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_DATE,
                   _("C1D1 %s is before the screening date %s; the patient cannot start treatment "
                     "before being screened eligible"),
                   c1d1_iso, parasol_date_format (&facts->screening_date, buf, sizeof buf));
      return NULL;
    }

  ici = options && options->ici ? options->ici : facts->ici ? facts->ici : regimen->default_ici;
  if (ici == NULL || parasol_regimen_find_ici (regimen, ici) == NULL)
    {
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; regimen->icis != NULL && i < regimen->icis->len; i++)
        {
          const ParasolDrug *d = g_ptr_array_index (regimen->icis, i);
          g_string_append_printf (ids, "%s%s", i ? ", " : "", d->id);
        }
      g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_UNKNOWN_DRUG,
                   _("Unknown checkpoint inhibitor “%s”; the protocol allows: %s"),
                   ici ? ici : "", ids->str);
      return NULL;
    }
  e->ici = g_strdup (ici);

  /* The platinum of the backbone: the patient's choice, else the site default */
  platinum = options && options->platinum ? options->platinum
             : facts->platinum ? facts->platinum : regimen->default_platinum;
  if (platinum != NULL && parasol_regimen_find_platinum (regimen, platinum) == NULL)
    {
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; regimen->platinums != NULL && i < regimen->platinums->len; i++)
        {
          const ParasolDrug *d = g_ptr_array_index (regimen->platinums, i);
          g_string_append_printf (ids, "%s%s", i ? ", " : "", d->id);
        }
      g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_UNKNOWN_DRUG,
                   _("Unknown platinum “%s”; the protocol allows: %s"), platinum,
                   ids->len ? ids->str : "—");
      return NULL;
    }
  if (platinum != NULL)
    e->platinum = g_strdup (parasol_regimen_find_platinum (regimen, platinum)->id);

  /* Eligible on C1D1: every criterion met, with data still valid that day */
  e->eligibility = parasol_eligibility_evaluate (protocol, facts, c1d1);
  if (e->eligibility->verdict != PARASOL_VERDICT_ELIGIBLE)
    {
      g_autofree char *why = parasol_enrolment_describe_failures (e->eligibility);

      g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_NOT_ELIGIBLE,
                   _("Patient %s is not eligible on %s (%s): %s"), e->key, c1d1_iso,
                   parasol_verdict_to_string (e->eligibility->verdict), why);
      return NULL;
    }

  /* What the platinum asks of the patient on C1D1 (cisplatin: a creatinine clearance) */
  if (e->platinum != NULL)
    {
      g_autofree char *why = NULL;
      const ParasolDrug *drug = parasol_regimen_find_platinum (regimen, e->platinum);

      if (parasol_eligibility_check_platinum (protocol, facts, e->platinum, c1d1, &why) !=
          PARASOL_STATUS_MET)
        {
          g_autofree char *limit = parasol_protocol_format_number (drug->crcl_min_ml_min);

          /* Translators: "Patient S-0001 cannot be given Cisplatin on 2026-12-01:
           * Cockcroft-Gault CrCl 59.9 mL/min < 60 mL/min (...); Cisplatin needs a creatinine
           * clearance of at least 60 mL/min: choose another platinum" */
          g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_PLATINUM,
                       _("Patient %s cannot be given %s on %s: %s; %s needs a creatinine "
                         "clearance of at least %s mL/min (the protocol's crcl-min): choose "
                         "another platinum"),
                       e->key, parasol_protocol_translate (drug->name), c1d1_iso,
                       why ? why : "", parasol_protocol_translate (drug->name), limit);
          return NULL;
        }
    }

  if (options && options->subject_number)
    e->subject_number = g_strdup (options->subject_number);
  else if (facts->subject_number)
    e->subject_number = g_strdup (facts->subject_number);
  else
    e->subject_number = next_subject_number (store);
  if (e->subject_number == NULL)
    {
      g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_SUBJECT_NUMBER,
                   _("No free subject number; give the subject number"));
      return NULL;
    }

  audit_reason = reason ? g_strdup (reason) : g_strdup_printf (_("Enrolment with C1D1 %s"), c1d1_iso);
  /* The doses are based on the weight measured on or before C1D1, as each cycle's doses are
   * (parasol-patient-dosing.c): a weight measured after C1D1 is not the enrolment's.  A weight
   * saved before dated weights (schema 7) has no date: the weight on record. */
  weight = parasol_patient_facts_weight_on (facts, c1d1);
  if (weight != NULL)
    e->dose_weight_kg = weight->weight_kg;
  else if ((facts->weights == NULL || facts->weights->len == 0) && !isnan (facts->weight_kg))
    e->dose_weight_kg = facts->weight_kg;
  if (!isnan (e->dose_weight_kg))
    dose_weight = g_strdup (g_ascii_formatd (weight_buf, sizeof weight_buf, "%.17g",
                                             e->dose_weight_kg));
  parasol_date_set_today (&today);
  e->status = g_strdup (g_date_compare (c1d1, &today) <= 0 ? "on_treatment" : "enrolled");

  /* The evaluation the enrolment rests on is kept, with its protocol version. */
  if (parasol_eligibility_record (e->eligibility, store, patient_id, "enrolment", error) == 0 ||
      !set_field (store, patient_id, "subject_number", e->subject_number, audit_reason, error) ||
      !set_field (store, patient_id, "ici", ici, audit_reason, error) ||
      (e->platinum != NULL &&
       !parasol_store_set_patient_platinum (store, patient_id, e->platinum, audit_reason, error)) ||
      !set_field (store, patient_id, "c1d1", c1d1_iso, audit_reason, error) ||
      (dose_weight != NULL &&
       !set_field (store, patient_id, "dose_weight_kg", dose_weight, audit_reason, error)) ||
      !set_field (store, patient_id, "status", e->status, audit_reason, error))
    return NULL;

  e->arm = g_strdup (facts->arm);
  if (facts->arm == NULL)
    {
      e->flags |= PARASOL_ENROLMENT_FLAG_NO_ARM;
      g_ptr_array_add (e->warnings,
                       g_strdup (_("No arm confirmed yet: confirm it before the first dose")));
    }
  if (dose_weight == NULL)
    {
      e->flags |= PARASOL_ENROLMENT_FLAG_NO_WEIGHT;
      if (facts->weights != NULL && facts->weights->len > 0)
        g_ptr_array_add (e->warnings,
                         g_strdup_printf (_("No weight measured on or before C1D1 %s: no dose "
                                            "weight was stored; record the weight measured by "
                                            "then before the first dose"), c1d1_iso));
      else
        g_ptr_array_add (e->warnings,
                         g_strdup (_("No weight recorded: no dose weight was stored; record "
                                     "weight_kg before the first dose")));
    }
  for (guint i = 0; i < e->eligibility->warnings->len; i++)
    g_ptr_array_add (e->warnings, g_strdup (g_ptr_array_index (e->eligibility->warnings, i)));
  g_free (e->key);
  e->key = g_strdup (e->subject_number);

  return g_steal_pointer (&e);
}

ParasolEnrolment *
parasol_enrolment_enrol (ParasolStore                  *store,
                         ParasolProtocol               *protocol,
                         gint64                         patient_id,
                         const GDate                   *c1d1,
                         const ParasolEnrolmentOptions *options,
                         const char                    *reason,
                         GError                       **error)
{
  ParasolEnrolment *e;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (protocol != NULL, NULL);

  if (c1d1 == NULL || !g_date_valid (c1d1))
    {
      g_set_error (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_DATE,
                   _("Enrolment needs the date of cycle 1 day 1 (YYYY-MM-DD)"));
      return NULL;
    }

  if (!parasol_store_begin (store, error))
    return NULL;
  e = enrol_locked (store, protocol, patient_id, c1d1, options, reason, error);
  if (e == NULL || !parasol_store_commit (store, error))
    {
      parasol_store_rollback (store);
      g_clear_pointer (&e, parasol_enrolment_free);
      return NULL;
    }
  return e;
}
