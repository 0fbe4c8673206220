/* parasol-administration.c — recording what was given, skipped or delayed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-administration"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "parasol-administration.h"
#include "parasol-dosing.h"
#include "parasol-eligibility.h"
#include "parasol-enrolment.h"
#include "parasol-lab-entry.h"
#include "parasol-patient-dosing.h"

G_DEFINE_QUARK (parasol-administration-error-quark, parasol_administration_error)

void
parasol_dose_entry_init (ParasolDoseEntry *entry)
{
  g_return_if_fail (entry != NULL);
  entry->drug = NULL;
  g_date_clear (&entry->date, 1);
  entry->dose = NAN;
  entry->cycle = 0;
  entry->given_by = NULL;
  entry->reason = NULL;
}

void
parasol_given_dose_free (ParasolGivenDose *given)
{
  if (given == NULL)
    return;
  g_free (given->key);
  g_free (given->drug);
  g_free (given->unit);
  g_free (given->reason);
  g_clear_pointer (&given->flags, g_ptr_array_unref);
  g_free (given);
}

void
parasol_delay_free (ParasolDelay *delay)
{
  if (delay == NULL)
    return;
  g_free (delay->key);
  g_clear_pointer (&delay->moved, g_array_unref);
  g_clear_pointer (&delay->schedule, parasol_schedule_free);
  g_free (delay);
}


static const char *
patient_key (const ParasolPatientFacts *facts)
{
  return facts->subject_number ? facts->subject_number : facts->screening_number;
}

/* A patient ready for treatment: C1D1 and a confirmed arm */
static gboolean
check_ready (const ParasolPatientFacts  *facts,
             GError                    **error)
{
  const char *key = patient_key (facts);

  if (!g_date_valid (&facts->c1d1))
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_READY,
                   _("Patient %s has no cycle 1 day 1; enrol the patient first, with the date of "
                     "cycle 1 day 1"), key);
      return FALSE;
    }
  if (facts->arm == NULL)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_READY,
                   _("Patient %s has no confirmed arm; confirm the arm before recording a dose"),
                   key);
      return FALSE;
    }
  return TRUE;
}

/* Cycle 1 starts only when the patient meets what the platinum asks that day (cisplatin: the
 * creatinine clearance), as at enrolment */
static gboolean
platinum_holds (ParasolProtocol           *protocol,
                const ParasolPatientFacts *facts,
                const char                *key,
                const GDate               *on,
                GError                   **error)
{
  const ParasolDrug *drug = parasol_regimen_find_platinum (parasol_protocol_get_regimen (protocol),
                                                           facts->platinum);
  g_autofree char *why = NULL;
  char a[PARASOL_DATE_BUF_SIZE];

  if (drug == NULL ||
      parasol_eligibility_check_platinum (protocol, facts, drug->id, on, &why) == PARASOL_STATUS_MET)
    return TRUE;
  /* Translators: "Patient BT-0001 cannot start cycle 1 with Cisplatin on 2026-12-01: CrCl ..." */
  g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE,
               _("Patient %s cannot start cycle 1 with %s on %s: %s. Record results valid on "
                 "that day"),
               key, parasol_protocol_translate (drug->name), parasol_date_format (on, a, sizeof a),
               why ? why : "");
  return FALSE;
}

static const ParasolDrug *
patient_drug (const ParasolRegimen      *regimen,
              const ParasolPatientFacts *facts,
              const char                *drug_id)
{
  const ParasolArmRegimen *arm;
  const char *ici = facts->ici ? facts->ici : regimen->default_ici;
  g_autoptr(GPtrArray) backbone = parasol_regimen_backbone_for (regimen, facts->platinum);

  /* Only the patient's platinum: the other is not in their regimen */
  for (guint i = 0; i < backbone->len; i++)
    {
      const ParasolDrug *d = g_ptr_array_index (backbone, i);
      if (g_strcmp0 (d->id, drug_id) == 0)
        return d;
    }
  if (g_strcmp0 (ici, drug_id) == 0)
    return parasol_regimen_find_ici (regimen, ici);
  arm = facts->arm ? parasol_regimen_find_arm (regimen, facts->arm) : NULL;
  for (guint i = 0; arm != NULL && arm->drugs != NULL && i < arm->drugs->len; i++)
    {
      const ParasolDrug *d = g_ptr_array_index (arm->drugs, i);
      if (g_strcmp0 (d->id, drug_id) == 0)
        return d;
    }
  return NULL;
}

static gboolean
has_day (GArray *days,
         int     day)
{
  for (guint i = 0; days != NULL && i < days->len; i++)
    if (g_array_index (days, int, i) == day)
      return TRUE;
  return FALSE;
}

static char *
days_to_string (GArray *days)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; days != NULL && i < days->len; i++)
    g_string_append_printf (s, "%s%d", i ? ", " : "", g_array_index (days, int, i));
  return g_string_free (s, FALSE);
}

static ParasolSchedule *
build_schedule (ParasolProtocol           *protocol,
                const ParasolPatientFacts *facts,
                int                        through_cycle,
                GError                   **error)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);
  ParasolScheduleOptions options;

  parasol_schedule_options_init (&options);
  if (through_cycle > 0)
    options.max_maintenance_cycles = MAX (through_cycle - regimen->induction_cycles, 1);
  return parasol_schedule_build (regimen, facts->arm, facts->ici, &facts->c1d1, facts, NULL,
                                 &options, error);
}

static void
add_flag (ParasolGivenDose *g,
          char             *cause)
{
  g->flagged = TRUE;
  g_ptr_array_add (g->flags, cause);
}

static ParasolGivenDose *
give_locked (ParasolStore           *store,
             ParasolProtocol        *protocol,
             gint64                  patient_id,
             const ParasolDoseEntry *entry,
             GError                **error)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolSchedule) schedule = NULL;
  g_autoptr(ParasolDoseSet) set = NULL;
  g_autoptr(ParasolAdministration) admin = NULL;
  g_autoptr(ParasolGivenDose) g = NULL;
  g_autoptr(GString) flag_note = NULL;
  const char *reason = entry->reason && *entry->reason ? entry->reason : NULL;
  const ParasolScheduleCycle *cycle;
  const ParasolDose *calculated;
  const ParasolDrug *drug;
  ParasolPatientDosing pd;
  GDate weight_date;
  const char *key;
  char a[PARASOL_DATE_BUF_SIZE], b[PARASOL_DATE_BUF_SIZE], c[PARASOL_DATE_BUF_SIZE];

  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;
  key = patient_key (facts);

  if (!(entry->dose >= 0) || !isfinite (entry->dose))
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID,
                   _("The dose must be a number of 0 or more (0: not given)"));
      return NULL;
    }
  if (!parasol_check_past_date (&entry->date, NULL, _("administration"), error))
    return NULL;
  if (!check_ready (facts, error))
    return NULL;

  drug = patient_drug (regimen, facts, entry->drug);
  if (drug == NULL)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_UNKNOWN_DRUG,
                   _("“%s” is not part of patient %s's regimen (arm %s, checkpoint inhibitor %s)"),
                   entry->drug ? entry->drug : "", key, facts->arm,
                   facts->ici ? facts->ici : regimen->default_ici);
      return NULL;
    }

  schedule = build_schedule (protocol, facts, entry->cycle, error);
  if (schedule == NULL)
    return NULL;
  cycle = entry->cycle > 0 ? parasol_schedule_get_cycle (schedule, entry->cycle)
                           : parasol_schedule_cycle_for_date (schedule, &entry->date);
  if (cycle == NULL)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_IN_CALENDAR,
                   _("%s is not in patient %s's calendar (C1D1 %s); check the date or give the cycle"),
                   parasol_date_format (&entry->date, a, sizeof a), key,
                   parasol_date_format (&facts->c1d1, b, sizeof b));
      return NULL;
    }
  if (cycle->status == PARASOL_CYCLE_SKIPPED)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_IN_CALENDAR,
                   _("Cycle %d was recorded as skipped; a dose cannot be given in it"), cycle->number);
      return NULL;
    }

  /* The same drug twice on one day */
  for (guint i = 0; facts->administrations != NULL && i < facts->administrations->len; i++)
    {
      const ParasolAdministration *prev = g_ptr_array_index (facts->administrations, i);

      if (g_strcmp0 (prev->drug, drug->id) == 0 && g_date_valid (&prev->date) &&
          g_date_compare (&prev->date, &entry->date) == 0)
        {
          g_autofree char *d = parasol_protocol_format_number (prev->dose);

          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_DUPLICATE,
                       _("%s is already recorded for patient %s on %s (%s %s); a drug is recorded "
                         "once a day. If that record is wrong, correct it through the data "
                         "manager with a documented correction; do not record the dose again"),
                       drug->id, key, parasol_date_format (&entry->date, a, sizeof a), d,
                       prev->unit ? prev->unit : "");
          return NULL;
        }
    }

  /* The calculated dose of that cycle */
  weight_date = parasol_patient_weight_date (store, patient_id);
  if (!parasol_patient_dosing_init (&pd, facts, regimen, &cycle->start, &weight_date, error))
    return NULL;
  set = parasol_dosing_compute (regimen, facts->arm, facts->ici, cycle->number, &pd.input, error);
  if (set == NULL)
    {
      g_prefix_error (error, _("Cannot check the dose against the calculated one: "));
      return NULL;
    }
  calculated = parasol_dose_set_find (set, drug->id);

  g = g_new0 (ParasolGivenDose, 1);
  g->key = g_strdup (key);
  g->drug = g_strdup (drug->id);
  g->cycle = cycle->number;
  g->date = entry->date;
  g->dose = entry->dose;
  g->unit = g_strdup (drug->unit ? drug->unit : "mg");
  g->calculated_dose = calculated ? calculated->dose : NAN;
  g->within_tolerance = TRUE;
  g->skipped = entry->dose == 0;
  g->reason = g_strdup (reason);
  g->flags = g_ptr_array_new_with_free_func (g_free);

  if (calculated == NULL)
    {
      if (reason == NULL)
        {
          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,
                       _("%s is not planned in cycle %d (%s); give a reason to record it anyway"),
                       drug->id, cycle->number,
                       cycle->phase == PARASOL_PHASE_MAINTENANCE ? _("maintenance") : _("induction"));
          return NULL;
        }
      g->within_tolerance = FALSE;
      add_flag (g, g_strdup_printf (_("%s is not planned in cycle %d"), drug->id, cycle->number));
    }
  else if (entry->dose == 0)
    {
      if (reason == NULL)
        {
          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,
                       _("A dose of 0 records %s as not given; give the reason"), drug->id);
          return NULL;
        }
      g->within_tolerance = FALSE;
    }
  else if (!parasol_dosing_within_tolerance (drug, calculated->dose, entry->dose))
    {
      double tol = drug->tolerance > 0 ? drug->tolerance : 0.10;
      g_autofree char *given = parasol_protocol_format_number (entry->dose);

      g->within_tolerance = FALSE;
      if (reason == NULL)
        {
          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,
                       _("%s %s %s is outside %.0f %% of the calculated dose %.6g %s "
                         "(accepted %.6g–%.6g); record it with --reason TEXT (it will be "
                         "flagged)"),
                       drug->id, given, g->unit, tol * 100, calculated->dose,
                       g->unit, calculated->dose * (1 - tol), calculated->dose * (1 + tol));
          return NULL;
        }
      add_flag (g, g_strdup_printf (_("outside %.0f %% of the calculated dose %.6g %s"),
                                    tol * 100, calculated->dose, g->unit));
    }

  /* The first day-1 dose of a cycle that has not started starts it */
  {
    GArray *days = parasol_dosing_drug_days (drug, cycle->phase);

    g->cycle_started = cycle->status != PARASOL_CYCLE_STARTED && has_day (days, 1) &&
                       entry->dose > 0;
    g->cycle_day = g->cycle_started ? 1
                                    : (int) g_date_days_between (&cycle->start, &entry->date) + 1;

    /* A day the regimen does not give this drug */
    if (calculated != NULL && !has_day (days, g->cycle_day))
      {
        g_autofree char *list = days_to_string (days);

        if (reason == NULL)
          {
            g_set_error (error, PARASOL_ADMINISTRATION_ERROR,
                         PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,
                         _("%s on %s would be day %d of cycle %d (day 1 %s), but the regimen gives "
                           "it on days %s; check the date, or record it with --reason TEXT (it "
                           "will be flagged)"),
                         drug->id, parasol_date_format (&entry->date, a, sizeof a), g->cycle_day,
                         cycle->number, parasol_date_format (&cycle->start, b, sizeof b), list);
            return NULL;
          }
        add_flag (g, g_strdup_printf (_("day %d of cycle %d is not a treatment day of %s (days %s)"),
                                      g->cycle_day, cycle->number, drug->id, list));
      }
  }

  if (g->cycle_started)
    {
      int window = (int) g_date_days_between (&cycle->window_start, &cycle->planned_start);
      GDate from = parasol_date_plus_days (&cycle->start, -window);
      GDate to = parasol_date_plus_days (&cycle->start, window);

      g->deviation = g_date_compare (&entry->date, &from) < 0 || g_date_compare (&entry->date, &to) > 0;
      if (g->deviation && reason == NULL)
        {
          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,
                       _("Cycle %d day 1 on %s is outside its window %s to %s: give a reason to "
                         "record the deviation, or delay cycle %d first"),
                       cycle->number, parasol_date_format (&entry->date, a, sizeof a),
                       parasol_date_format (&from, b, sizeof b), parasol_date_format (&to, c, sizeof c),
                       cycle->number);
          return NULL;
        }
      if (!parasol_schedule_check_order (schedule, cycle->number, &entry->date, error))
        return NULL;

      if (cycle->number == 1)
        {
          /* Cycle 1 starts only on a day the patient is eligible */
          g_autoptr(ParasolEligibility) el = parasol_eligibility_evaluate (protocol, facts, &entry->date);

          if (el->verdict != PARASOL_VERDICT_ELIGIBLE)
            {
              g_autofree char *why = parasol_enrolment_describe_failures (el);

              g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE,
                           _("Patient %s is not eligible on %s (%s), so cycle 1 cannot start: %s. "
                             "Record results valid on that day, or move cycle 1 with "
                             "“parasol-cli delay”"),
                           key, parasol_date_format (&entry->date, a, sizeof a),
                           parasol_verdict_to_string (el->verdict), why);
              return NULL;
            }
          if (!platinum_holds (protocol, facts, key, &entry->date, error))
            return NULL;
        }
      else
        {
          g_autofree char *message = NULL;
          ParasolStartVerdict verdict = parasol_schedule_check_start (regimen, facts, &entry->date,
                                                                      &message);

          if (verdict != PARASOL_START_OK)
            {
              if (reason == NULL)
                {
                  g_set_error (error, PARASOL_ADMINISTRATION_ERROR,
                               PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,
                               _("The start-of-cycle check for cycle %d on %s fails (%s): delay the "
                                 "cycle, record the labs, or record the dose with --reason TEXT "
                                 "(it will be flagged)"),
                               cycle->number, parasol_date_format (&entry->date, a, sizeof a),
                               message);
                  return NULL;
                }
              add_flag (g, g_strdup_printf (_("start-of-cycle check failed: %s"), message));
            }
        }
      if (g->deviation)
        add_flag (g, g_strdup_printf (_("cycle %d started outside its window"), cycle->number));
    }

  /* Write: cycle start, the administration, the status */
  if (g->cycle_started)
    {
      g_autoptr(ParasolCycleRecord) rec = parasol_cycle_record_new ();

      rec->number = cycle->number;
      rec->start = entry->date;
      rec->status = g_strdup ("started");
      rec->reason = g_strdup (g->deviation ? reason : cycle->reason);
      if (parasol_store_set_cycle (store, patient_id, rec,
                                   reason ? reason : _("Cycle started with its first dose"),
                                   error) == 0)
        return NULL;
    }

  flag_note = g_string_new (reason);
  for (guint i = 0; i < g->flags->len; i++)
    g_string_append_printf (flag_note, "%s%s%s", i == 0 ? (flag_note->len ? " — " : "") : "; ",
                            i == 0 ? _("flagged: ") : "", (char *) g_ptr_array_index (g->flags, i));

  admin = parasol_administration_new ();
  admin->cycle = cycle->number;
  admin->drug = g_strdup (drug->id);
  admin->date = entry->date;
  admin->dose = entry->dose;
  admin->unit = g_strdup (g->unit);
  admin->given_by = g_strdup (entry->given_by ? entry->given_by : g_get_user_name ());
  admin->reason = flag_note->len ? g_strdup (flag_note->str) : NULL;
  admin->flagged = g->flagged;
  g->id = parasol_store_add_administration (store, patient_id, admin, error);
  if (g->id == 0)
    return NULL;

  if (cycle->number == 1 && g->cycle_started && g_strcmp0 (facts->status, "enrolled") == 0 &&
      !parasol_store_set_patient_status (store, patient_id, "on_treatment", _("First dose given"),
                                         error))
    return NULL;

  return g_steal_pointer (&g);
}

ParasolGivenDose *
parasol_administration_give (ParasolStore           *store,
                             ParasolProtocol        *protocol,
                             gint64                  patient_id,
                             const ParasolDoseEntry *entry,
                             GError                **error)
{
  ParasolGivenDose *g;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (protocol != NULL, NULL);
  g_return_val_if_fail (entry != NULL, NULL);

  if (!parasol_store_begin (store, error))
    return NULL;
  g = give_locked (store, protocol, patient_id, entry, error);
  if (g == NULL || !parasol_store_commit (store, error))
    {
      parasol_store_rollback (store);
      g_clear_pointer (&g, parasol_given_dose_free);
      return NULL;
    }
  return g;
}

ParasolGivenDose *
parasol_administration_skip (ParasolStore    *store,
                             ParasolProtocol *protocol,
                             gint64           patient_id,
                             const char      *drug,
                             const GDate     *date,
                             int              cycle,
                             const char      *reason,
                             GError         **error)
{
  ParasolDoseEntry entry;

  parasol_dose_entry_init (&entry);
  entry.drug = drug;
  if (date != NULL)
    entry.date = *date;
  entry.dose = 0;
  entry.cycle = cycle;
  entry.reason = reason;
  return parasol_administration_give (store, protocol, patient_id, &entry, error);
}

/* ---- delay --------------------------------------------------------------------------------- */

static ParasolDelay *
delay_locked (ParasolStore    *store,
              ParasolProtocol *protocol,
              gint64           patient_id,
              int              cycle_number,
              const GDate     *to,
              const char      *reason,
              GError         **error)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolSchedule) schedule = NULL;
  g_autoptr(ParasolCycleRecord) rec = NULL;
  g_autoptr(ParasolDelay) d = NULL;
  const ParasolScheduleCycle *cycle;
  const char *key;
  int shift;
  char a[PARASOL_DATE_BUF_SIZE];

  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;
  key = patient_key (facts);
  if (!g_date_valid (&facts->c1d1))
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_READY,
                   _("Patient %s has no cycle 1 day 1; enrol the patient first, with the date of "
                     "cycle 1 day 1"), key);
      return NULL;
    }

  schedule = build_schedule (protocol, facts, cycle_number + 1, error);
  if (schedule == NULL)
    return NULL;
  cycle = parasol_schedule_get_cycle (schedule, cycle_number);
  if (cycle == NULL)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_IN_CALENDAR,
                   _("Cycle %d is not in the calendar"), cycle_number);
      return NULL;
    }
  if (cycle->status == PARASOL_CYCLE_STARTED || cycle->status == PARASOL_CYCLE_SKIPPED)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_ORDER,
                   _("Cycle %d already %s on %s; it cannot be delayed"), cycle_number,
                   parasol_cycle_status_to_string (cycle->status),
                   parasol_date_format (&cycle->start, a, sizeof a));
      return NULL;
    }
  if (!parasol_schedule_check_order (schedule, cycle_number, to, error))
    return NULL;

  /* Moving cycle 1 moves the first dose: the patient must be eligible on the new day */
  if (cycle_number == 1)
    {
      g_autoptr(ParasolEligibility) el = parasol_eligibility_evaluate (protocol, facts, to);

      if (el->verdict != PARASOL_VERDICT_ELIGIBLE)
        {
          g_autofree char *why = parasol_enrolment_describe_failures (el);

          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE,
                       _("Patient %s would not be eligible on %s (%s): %s. Record results valid "
                         "on that day before moving cycle 1 there"),
                       key, parasol_date_format (to, a, sizeof a),
                       parasol_verdict_to_string (el->verdict), why);
          return NULL;
        }
      if (!platinum_holds (protocol, facts, key, to, error))
        return NULL;
      if (parasol_eligibility_record (el, store, patient_id, "delay", error) == 0)
        return NULL;
    }

  shift = (int) g_date_days_between (&cycle->start, to);

  rec = parasol_cycle_record_new ();
  rec->number = cycle_number;
  rec->start = *to;
  rec->status = g_strdup ("delayed");
  rec->reason = g_strdup (reason);
  if (parasol_store_set_cycle (store, patient_id, rec, reason, error) == 0)
    return NULL;

  d = g_new0 (ParasolDelay, 1);
  d->key = g_strdup (key);
  d->cycle = cycle_number;
  d->moved = g_array_new (FALSE, FALSE, sizeof (int));

  /* Every later cycle that had its own date moves with this one */
  for (guint i = 0; facts->cycles != NULL && i < facts->cycles->len; i++)
    {
      const ParasolCycleRecord *later = g_ptr_array_index (facts->cycles, i);
      g_autoptr(ParasolCycleRecord) moved = NULL;
      g_autofree char *why = NULL;

      if (later->number <= cycle_number || g_strcmp0 (later->status, "delayed") != 0 ||
          !g_date_valid (&later->start) || shift == 0)
        continue;
      moved = parasol_cycle_record_new ();
      moved->number = later->number;
      moved->start = parasol_date_plus_days (&later->start, shift);
      moved->status = g_strdup ("delayed");
      moved->reason = g_strdup (later->reason);
      why = g_strdup_printf (_("Moved %+d days with cycle %d: %s"), shift, cycle_number, reason);
      if (parasol_store_set_cycle (store, patient_id, moved, why, error) == 0)
        return NULL;
      g_array_append_val (d->moved, later->number);
    }

  return g_steal_pointer (&d);
}

ParasolDelay *
parasol_administration_delay (ParasolStore    *store,
                              ParasolProtocol *protocol,
                              gint64           patient_id,
                              int              cycle,
                              const GDate     *to,
                              const char      *reason,
                              GError         **error)
{
  g_autoptr(ParasolDelay) d = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  const ParasolScheduleCycle *c;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (protocol != NULL, NULL);

  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,
                   _("Give a reason for the delay."));
      return NULL;
    }
  if (cycle < 1 || to == NULL || !g_date_valid (to))
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID,
                   _("A delay needs a cycle number of 1 or more and a new day 1 (YYYY-MM-DD)"));
      return NULL;
    }

  if (!parasol_store_begin (store, error))
    return NULL;
  d = delay_locked (store, protocol, patient_id, cycle, to, reason, error);
  if (d == NULL || !parasol_store_commit (store, error))
    {
      parasol_store_rollback (store);
      return NULL;
    }

  /* The calendar after the delay, for the caller to show */
  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return NULL;
  d->schedule = build_schedule (protocol, facts, cycle + 3, error);
  if (d->schedule == NULL)
    return NULL;
  c = parasol_schedule_get_cycle (d->schedule, cycle);
  d->planned_start = c->planned_start;
  d->start = c->start;
  d->delay_days = c->delay_days;
  d->deviation = c->deviation;
  return g_steal_pointer (&d);
}

/* ---- arm correction ---------------------------------------------------------------------------- */

gint64
parasol_administration_correct_arm (ParasolStore    *store,
                                    ParasolProtocol *protocol,
                                    gint64           patient_id,
                                    const char      *arm,
                                    const char      *reason,
                                    GError         **error)
{
  g_return_val_if_fail (PARASOL_IS_STORE (store), 0);
  g_return_val_if_fail (protocol != NULL, 0);

  if (arm == NULL || parasol_protocol_find_arm (protocol, arm) == NULL)
    {
      GPtrArray *arms = parasol_protocol_get_arms (protocol);
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; i < arms->len; i++)
        g_string_append_printf (ids, "%s%s", i ? ", " : "",
                                ((const ParasolArmDef *) g_ptr_array_index (arms, i))->id);
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID,
                   _("Unknown arm “%s”; the protocol’s arms are: %s"), arm ? arm : "", ids->str);
      return 0;
    }
  return parasol_store_correct_arm (store, patient_id, arm, parasol_protocol_get_version (protocol),
                                    reason, error);
}

/* ---- what a dose calculation may be asked for ---------------------------------------------------- */

static guint
max_levels (GPtrArray *drugs,
            guint      levels)
{
  for (guint i = 0; drugs != NULL && i < drugs->len; i++)
    {
      const ParasolDrug *d = g_ptr_array_index (drugs, i);
      if (d->dose_levels != NULL)
        levels = MAX (levels, d->dose_levels->len);
    }
  return levels;
}

gboolean
parasol_administration_check_dose_request (ParasolProtocol           *protocol,
                                           const ParasolPatientFacts *facts,
                                           const char                *arm,
                                           const char                *ici,
                                           int                        cycle,
                                           int                        dose_level,
                                           double                     bsa_cap_m2,
                                           GError                   **error)
{
  const ParasolRegimen *regimen;
  guint levels = 1;

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), FALSE);
  regimen = parasol_protocol_get_regimen (protocol);
  g_return_val_if_fail (regimen != NULL, FALSE);

  if (facts != NULL)
    {
      const char *key = patient_key (facts);

      if (facts->arm != NULL && arm != NULL && g_strcmp0 (facts->arm, arm) != 0)
        {
          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID,
                       _("Patient %s is confirmed on arm %s; doses for arm %s are not calculated "
                         "for them. Leave out --arm, or calculate without the patient ID (giving "
                         "the measurements) for a what-if"), key, facts->arm, arm);
          return FALSE;
        }
      if (g_date_valid (&facts->c1d1) && facts->ici != NULL && ici != NULL &&
          g_strcmp0 (facts->ici, ici) != 0)
        {
          g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID,
                       _("Patient %s was enrolled with %s; doses of %s are not calculated for them. "
                         "Leave out --ici, or calculate without the patient ID for a what-if"),
                       key, facts->ici, ici);
          return FALSE;
        }
    }
  if (cycle < 1 || cycle > 999)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID,
                   _("Cycle %d is outside 1–999"), cycle);
      return FALSE;
    }
  levels = max_levels (regimen->backbone, levels);
  levels = max_levels (regimen->icis, levels);
  for (guint i = 0; regimen->arms != NULL && i < regimen->arms->len; i++)
    levels = max_levels (((const ParasolArmRegimen *) g_ptr_array_index (regimen->arms, i))->drugs,
                         levels);
  if (dose_level < 0 || (guint) dose_level >= levels)
    {
      g_set_error (error, PARASOL_ADMINISTRATION_ERROR, PARASOL_ADMINISTRATION_ERROR_INVALID,
                   _("Dose level %d does not exist: the protocol lists levels 0 (full dose) to "
                     "%u"), dose_level, levels - 1);
      return FALSE;
    }
  /* The protocol's one table of plausible ranges, as for height, weight and age */
  if (!isnan (bsa_cap_m2) && !parasol_protocol_check_quantity (protocol, "bsa-cap", bsa_cap_m2, error))
    return FALSE;
  return TRUE;
}

char *
parasol_administration_creatinine_warning (ParasolProtocol            *protocol,
                                           const ParasolPatientDosing *pd,
                                           int                         cycle)
{
  const ParasolRegimen *regimen;
  const GDate *drawn;
  int window, age;
  char a[PARASOL_DATE_BUF_SIZE], b[PARASOL_DATE_BUF_SIZE];

  g_return_val_if_fail (protocol != NULL, NULL);
  g_return_val_if_fail (pd != NULL, NULL);

  regimen = parasol_protocol_get_regimen (protocol);
  drawn = &pd->input.creatinine_date;
  if (!g_date_valid (drawn) || !g_date_valid (&pd->on))
    return NULL;
  window = cycle <= 1 ? parasol_protocol_get_window_days (protocol, PARASOL_WINDOW_LAB)
                      : MAX (regimen->labs_before_days, 0);
  age = (int) g_date_days_between (drawn, &pd->on);
  if (age <= window)
    return NULL;
  return g_strdup_printf (_("The creatinine of %s is %d days old on %s, day 1 of cycle %d; the "
                            "protocol allows %d days: the CrCl and the carboplatin dose rest on "
                            "it, so draw a new one before dosing"),
                          parasol_date_format (drawn, a, sizeof a), age,
                          parasol_date_format (&pd->on, b, sizeof b), cycle, window);
}
