/* parasol-patient-dosing.c — a patient's doses and cycle calendar, from what the store knows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-patient-dosing"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-patient-dosing.h"

static const char *
patient_key (const ParasolPatientFacts *facts)
{
  if (facts->subject_number != NULL)
    return facts->subject_number;
  if (facts->screening_number != NULL)
    return facts->screening_number;
  return "?";
}

gboolean
parasol_patient_dosing_init (ParasolPatientDosing      *pd,
                             const ParasolPatientFacts *facts,
                             const ParasolRegimen      *regimen,
                             const GDate               *on,
                             const GDate               *weight_date,
                             GError                   **error)
{
  const ParasolLabResult *crea;
  const ParasolWeight *w;
  double current;

  g_return_val_if_fail (pd != NULL, FALSE);
  g_return_val_if_fail (facts != NULL, FALSE);
  g_return_val_if_fail (regimen != NULL, FALSE);
  g_return_val_if_fail (on != NULL && g_date_valid (on), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (pd, 0, sizeof *pd);
  parasol_dosing_input_init (&pd->input);
  pd->on = *on;

  /* The weight measured on or before @on: a weight measured later does not rewrite the doses
   * of a cycle already begun.  Without dated weights, the patient's weight as before. */
  current = facts->weight_kg;
  g_date_clear (&pd->weight_measured_on, 1);
  if (weight_date != NULL)
    pd->weight_measured_on = *weight_date;
  w = parasol_patient_facts_weight_on (facts, on);
  if (w == NULL && facts->weights != NULL && facts->weights->len > 0)
    {
      /* None measured by then: the first one, and a warning says so */
      w = g_ptr_array_index (facts->weights, 0);
      pd->weight_after_on = TRUE;
    }
  if (w != NULL)
    {
      current = w->weight_kg;
      pd->weight_measured_on = w->date;
    }

  pd->current_weight_kg = current;
  pd->dose_weight_kg = facts->dose_weight_kg;
  pd->weight_change = parasol_dosing_weight_change (facts->dose_weight_kg, current);
  pd->recalculate = parasol_dosing_needs_recalculation (facts->dose_weight_kg, current,
                                                        regimen->weight_change_recalc);

  if (isnan (current) && isnan (facts->dose_weight_kg))
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   _("Patient %s has no weight: record it before doses can be calculated"),
                   patient_key (facts));
      return FALSE;
    }
  if (isnan (facts->height_cm))
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   _("Patient %s has no height: record it before doses can be calculated"),
                   patient_key (facts));
      return FALSE;
    }

  /* Doses stay on the dose weight until the weight changes by the threshold */
  if (!isnan (facts->dose_weight_kg) && !isnan (current) && !pd->recalculate)
    pd->input.weight_kg = facts->dose_weight_kg;
  else if (!isnan (current))
    pd->input.weight_kg = current;
  else
    pd->input.weight_kg = facts->dose_weight_kg;

  pd->input.height_cm = facts->height_cm;
  pd->input.sex = facts->sex;
  pd->input.age_years = parasol_age_on (&facts->birth_date, on);
  pd->input.weight_date = pd->weight_measured_on;
  pd->input.platinum = facts->platinum;   /* NULL before enrolment: the site default */

  crea = parasol_patient_facts_find_lab (facts, "creatinine", on);
  if (crea == NULL)
    crea = parasol_patient_facts_find_lab (facts, "creatinine", NULL);
  if (crea != NULL)
    {
      if (!parasol_dosing_creatinine_to_umol_l (crea->value, crea->unit,
                                                &pd->input.creatinine_umol_l, error))
        return FALSE;
      pd->input.creatinine_date = crea->date;
    }

  return TRUE;
}

char *
parasol_patient_dosing_weight_warning (const ParasolPatientDosing *pd,
                                       const ParasolRegimen       *regimen)
{
  g_return_val_if_fail (pd != NULL, NULL);
  g_return_val_if_fail (regimen != NULL, NULL);

  if (!pd->recalculate)
    return NULL;

  return g_strdup_printf (_("Weight %.1f kg differs from the dose weight %.1f kg by "
                            "%.1f %% (≥ %.0f %%): doses recalculated on the current "
                            "weight; confirm and update dose_weight_kg"),
                          pd->current_weight_kg, pd->dose_weight_kg,
                          pd->weight_change * 100, regimen->weight_change_recalc * 100);
}

GDate
parasol_patient_weight_date (ParasolStore *store,
                             gint64        patient_id)
{
  GDate date;

  g_date_clear (&date, 1);
  g_return_val_if_fail (PARASOL_IS_STORE (store), date);

  /* The day it was measured (the site's local day), not the UTC day it was typed */
  if (!parasol_store_get_weight_date (store, patient_id, &date, NULL))
    g_date_clear (&date, 1);
  return date;
}

char *
parasol_patient_dosing_weight_note (const ParasolPatientDosing *pd,
                                    int                         cycle)
{
  char on[PARASOL_DATE_BUF_SIZE], measured[PARASOL_DATE_BUF_SIZE];

  g_return_val_if_fail (pd != NULL, NULL);

  if (!pd->weight_after_on)
    return NULL;
  /* Translators: "Cycle 1: no weight was measured on or before its day 1 (2026-11-02); the
   * first weight, measured on 2026-11-20, is used" */
  return g_strdup_printf (_("Cycle %d: no weight was measured on or before its day 1 (%s); the "
                            "first weight, measured on %s, is used"), cycle,
                          parasol_date_format (&pd->on, on, sizeof on),
                          parasol_date_format (&pd->weight_measured_on, measured, sizeof measured));
}

void
parasol_patient_plan_free (ParasolPatientPlan *plan)
{
  if (plan == NULL)
    return;

  g_clear_pointer (&plan->schedule, parasol_schedule_free);
  g_clear_pointer (&plan->dose_sets, g_ptr_array_unref);
  g_clear_pointer (&plan->planned, g_hash_table_unref);
  g_clear_pointer (&plan->warnings, g_ptr_array_unref);
  g_free (plan);
}

ParasolPatientPlan *
parasol_patient_plan_build (const ParasolRegimen         *regimen,
                            const ParasolPatientFacts    *facts,
                            const GDate                  *weight_date,
                            const ParasolScheduleOptions *options,
                            GError                      **error)
{
  g_autoptr(ParasolPatientPlan) plan = NULL;
  g_autoptr(ParasolSchedule) first = NULL;

  g_return_val_if_fail (regimen != NULL, NULL);
  g_return_val_if_fail (facts != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_date_valid (&facts->c1d1))
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("Patient %s has no cycle 1 day 1 yet: the calendar starts at enrolment"),
                   patient_key (facts));
      return NULL;
    }

  first = parasol_schedule_build (regimen, facts->arm, facts->ici, &facts->c1d1, facts, NULL,
                                  options, error);
  if (first == NULL)
    return NULL;

  plan = g_new0 (ParasolPatientPlan, 1);
  plan->planned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  plan->dose_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_dose_set_free);
  plan->warnings = g_ptr_array_new_with_free_func (g_free);

  /* Doses per cycle (on each cycle's day 1), then the calendar again knowing them */
  for (guint i = 0; i < first->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (first->cycles, i);
      g_autoptr(GError) local = NULL;
      ParasolDoseSet *set = NULL;
      ParasolPatientDosing pd;

      if (parasol_patient_dosing_init (&pd, facts, regimen, &c->start, weight_date, &local))
        set = parasol_dosing_compute (regimen, facts->arm, facts->ici, c->number, &pd.input,
                                      &local);
      if (set == NULL && i == 0)
        g_ptr_array_add (plan->warnings,
                         g_strdup_printf (_("Doses not calculated: %s"), local->message));
      if (set != NULL && pd.weight_after_on)
        g_ptr_array_add (plan->warnings, parasol_patient_dosing_weight_note (&pd, c->number));
      g_ptr_array_add (plan->dose_sets, set);

      for (guint k = 0; set != NULL && k < set->doses->len; k++)
        {
          const ParasolDose *d = g_ptr_array_index (set->doses, k);

          /* the newest started cycle's dose stands for the drug's planned dose; the reduced
           * mark compares against it */
          if (c->status == PARASOL_CYCLE_STARTED || !g_hash_table_contains (plan->planned, d->drug))
            g_hash_table_insert (plan->planned, g_strdup (d->drug),
                                 g_memdup2 (&d->dose, sizeof (double)));
        }
    }

  plan->schedule = parasol_schedule_build (regimen, facts->arm, facts->ici, &facts->c1d1, facts,
                                           plan->planned, options, error);
  if (plan->schedule == NULL)
    return NULL;

  return g_steal_pointer (&plan);
}

const ParasolDoseSet *
parasol_patient_plan_get_doses (const ParasolPatientPlan *plan,
                                int                       number)
{
  g_return_val_if_fail (plan != NULL, NULL);

  if (number < 1 || (guint) number > plan->dose_sets->len)
    return NULL;

  return g_ptr_array_index (plan->dose_sets, number - 1);
}

/* Whether anything happened in @c: started, skipped, or a dose recorded (a delayed cycle whose
 * dose was then given counts as having happened). */
static gboolean
cycle_happened (const ParasolScheduleCycle *c)
{
  if (c->status == PARASOL_CYCLE_STARTED || c->status == PARASOL_CYCLE_SKIPPED)
    return TRUE;

  for (guint k = 0; c->doses != NULL && k < c->doses->len; k++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);

      if (d->status != PARASOL_DOSE_STATUS_PLANNED)
        return TRUE;
    }

  return FALSE;
}

const ParasolScheduleCycle *
parasol_patient_plan_next_cycle (const ParasolPatientPlan *plan)
{
  const GPtrArray *cycles;
  guint next = 0;

  g_return_val_if_fail (plan != NULL, NULL);

  cycles = plan->schedule->cycles;
  for (guint i = 0; i < cycles->len; i++)
    if (cycle_happened (g_ptr_array_index (cycles, i)))
      next = i + 1;

  return next < cycles->len ? g_ptr_array_index (cycles, next) : NULL;
}
