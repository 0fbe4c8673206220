/* parasol-schedule.c — the cycle calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-schedule"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-dosing.h"
#include "parasol-schedule.h"

G_DEFINE_QUARK (parasol-schedule-error-quark, parasol_schedule_error)

#define DEFAULT_HORIZON_DAYS 365

static const char *dose_status_names[] = { "planned", "given", "reduced", "skipped" };
static const char *cycle_status_names[] = { "planned", "delayed", "started", "skipped" };
static const char *visit_kind_names[] = { "labs", "cycle_start", "administration", "imaging" };

const char *
parasol_dose_status_to_string (ParasolDoseStatus status)
{
  return (guint) status < G_N_ELEMENTS (dose_status_names) ? dose_status_names[status] : NULL;
}

const char *
parasol_cycle_status_to_string (ParasolCycleStatus status)
{
  return (guint) status < G_N_ELEMENTS (cycle_status_names) ? cycle_status_names[status] : NULL;
}

const char *
parasol_cycle_status_to_label (ParasolCycleStatus status)
{
  switch (status)
    {
    case PARASOL_CYCLE_PLANNED:
      /* Translators: a treatment cycle's status */
      return _("Planned");
    case PARASOL_CYCLE_DELAYED:
      /* Translators: a treatment cycle's status */
      return _("Delayed");
    case PARASOL_CYCLE_STARTED:
      /* Translators: a treatment cycle's status */
      return _("Started");
    case PARASOL_CYCLE_SKIPPED:
      /* Translators: a treatment cycle's status */
      return _("Skipped");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
parasol_visit_kind_to_string (ParasolVisitKind kind)
{
  return (guint) kind < G_N_ELEMENTS (visit_kind_names) ? visit_kind_names[kind] : NULL;
}

void
parasol_schedule_options_init (ParasolScheduleOptions *options)
{
  g_return_if_fail (options != NULL);

  options->horizon_days = DEFAULT_HORIZON_DAYS;
  options->max_maintenance_cycles = 0;
  options->doses_only = FALSE;
}

static void
scheduled_dose_free (ParasolScheduledDose *dose)
{
  g_free (dose->drug);
  g_free (dose->name);
  g_free (dose->unit);
  g_free (dose->reason);
  g_free (dose);
}

static void
schedule_cycle_free (ParasolScheduleCycle *cycle)
{
  g_clear_pointer (&cycle->doses, g_ptr_array_unref);
  g_free (cycle->reason);
  g_free (cycle);
}

static void
schedule_visit_free (ParasolScheduleVisit *visit)
{
  g_free (visit->summary);
  g_free (visit->description);
  g_free (visit);
}

void
parasol_schedule_free (ParasolSchedule *schedule)
{
  if (schedule == NULL)
    return;

  g_free (schedule->arm);
  g_free (schedule->ici);
  g_clear_pointer (&schedule->cycles, g_ptr_array_unref);
  g_clear_pointer (&schedule->visits, g_ptr_array_unref);
  g_clear_pointer (&schedule->warnings, g_ptr_array_unref);
  g_free (schedule->discontinuation_reason);
  g_free (schedule);
}

static const ParasolCycleRecord *
find_cycle_record (const ParasolPatientFacts *facts,
                   int                        number)
{
  for (guint i = 0; facts != NULL && facts->cycles != NULL && i < facts->cycles->len; i++)
    {
      const ParasolCycleRecord *rec = g_ptr_array_index (facts->cycles, i);

      if (rec->number == number)
        return rec;
    }
  return NULL;
}

static int
max_recorded_cycle (const ParasolPatientFacts *facts)
{
  int max = 0;

  for (guint i = 0; facts != NULL && facts->cycles != NULL && i < facts->cycles->len; i++)
    {
      const ParasolCycleRecord *rec = g_ptr_array_index (facts->cycles, i);
      max = MAX (max, rec->number);
    }
  for (guint i = 0; facts != NULL && facts->administrations != NULL && i < facts->administrations->len; i++)
    {
      const ParasolAdministration *admin = g_ptr_array_index (facts->administrations, i);
      max = MAX (max, admin->cycle);
    }
  return max;
}

/* The first discontinuation or death, if any: no cycle starts after it. */
static gboolean
find_end_of_treatment (const ParasolPatientFacts *facts,
                       GDate                     *date)
{
  gboolean found = FALSE;

  for (guint i = 0; facts != NULL && facts->events != NULL && i < facts->events->len; i++)
    {
      const ParasolEvent *event = g_ptr_array_index (facts->events, i);
      ParasolEventKind kind;

      if (!g_date_valid (&event->date))
        continue;
      if (!parasol_event_kind_from_string (event->kind, &kind) ||
          (kind != PARASOL_EVENT_KIND_DEATH && kind != PARASOL_EVENT_KIND_DISCONTINUATION))
        continue;
      if (!found || g_date_compare (&event->date, date) < 0)
        {
          *date = event->date;
          found = TRUE;
        }
    }
  return found;
}

static void
collect_drugs (GPtrArray *out,
               GPtrArray *drugs)
{
  for (guint i = 0; drugs != NULL && i < drugs->len; i++)
    g_ptr_array_add (out, g_ptr_array_index (drugs, i));
}

static int
maintenance_length (const ParasolRegimen *regimen,
                    GPtrArray            *drugs)
{
  int length = regimen->maintenance_cycle_days > 0 ? regimen->maintenance_cycle_days
                                                   : regimen->cycle_days;

  for (guint i = 0; i < drugs->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (drugs, i);

      if ((drug->phases & PARASOL_PHASE_MAINTENANCE) && drug->maintenance_cycle_days > length)
        length = drug->maintenance_cycle_days;
    }
  return length;
}

static double
planned_dose_for (GHashTable *planned,
                  const char *drug)
{
  double *value;

  if (planned == NULL)
    return NAN;
  value = g_hash_table_lookup (planned, drug);
  return value ? *value : NAN;
}

/* Fills the doses of @cycle for @drug, matching the recorded administrations: by date first,
 * then the remaining ones in order against the remaining planned days. */
static void
add_drug_doses (ParasolScheduleCycle      *cycle,
                const ParasolDrug         *drug,
                GArray                    *days,
                const ParasolPatientFacts *facts,
                GHashTable                *planned_doses,
                GPtrArray                 *warnings)
{
  g_autoptr(GPtrArray) admins = g_ptr_array_new ();
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  double planned = planned_dose_for (planned_doses, drug->id);

  for (guint i = 0; facts != NULL && facts->administrations != NULL && i < facts->administrations->len; i++)
    {
      ParasolAdministration *admin = g_ptr_array_index (facts->administrations, i);

      if (admin->cycle == cycle->number && g_strcmp0 (admin->drug, drug->id) == 0)
        g_ptr_array_add (admins, admin);
    }

  for (guint i = 0; days != NULL && i < days->len; i++)
    {
      int day = g_array_index (days, int, i);
      ParasolScheduledDose *dose;

      if (day < 1 || day > cycle->length_days)
        {
          g_ptr_array_add (warnings,
                           g_strdup_printf (_("%s day %d is outside the %d-day cycle %d and is not listed"),
                                            drug->name ? g_dgettext (GETTEXT_PACKAGE, drug->name) : drug->id, day,
                                            cycle->length_days, cycle->number));
          continue;
        }

      dose = g_new0 (ParasolScheduledDose, 1);
      dose->drug = g_strdup (drug->id);
      dose->name = g_strdup (drug->name ? g_dgettext (GETTEXT_PACKAGE, drug->name) : drug->id);
      dose->unit = g_strdup (drug->unit ? drug->unit : "mg");
      dose->cycle_day = day;
      dose->date = parasol_date_plus_days (&cycle->start, day - 1);
      dose->status = cycle->status == PARASOL_CYCLE_SKIPPED ? PARASOL_DOSE_STATUS_SKIPPED
                                                            : PARASOL_DOSE_STATUS_PLANNED;
      dose->given_dose = NAN;
      if (cycle->status == PARASOL_CYCLE_SKIPPED)
        dose->reason = g_strdup (cycle->reason);
      g_ptr_array_add (added, dose);
      g_ptr_array_add (cycle->doses, dose);
    }

  /* Pass 1: same date.  Pass 2: the rest, in order. */
  for (int pass = 0; pass < 2; pass++)
    for (guint a = 0; a < admins->len; a++)
      {
        ParasolAdministration *admin = g_ptr_array_index (admins, a);

        if (admin == NULL)
          continue;

        for (guint d = 0; d < added->len; d++)
          {
            ParasolScheduledDose *dose = g_ptr_array_index (added, d);

            if (dose->status != PARASOL_DOSE_STATUS_PLANNED)
              continue;
            if (pass == 0 && g_date_compare (&dose->date, &admin->date) != 0)
              continue;

            if (g_date_valid (&admin->date))
              dose->date = admin->date;
            dose->given_dose = admin->dose;
            dose->flagged = admin->flagged;
            g_free (dose->reason);
            dose->reason = g_strdup (admin->reason);
            if (admin->unit != NULL)
              {
                g_free (dose->unit);
                dose->unit = g_strdup (admin->unit);
              }

            if (admin->dose <= 0)
              dose->status = PARASOL_DOSE_STATUS_SKIPPED;
            else if (!isnan (planned) && admin->dose < planned
                     && !parasol_dosing_within_tolerance (drug, planned, admin->dose))
              dose->status = PARASOL_DOSE_STATUS_REDUCED;
            else
              dose->status = PARASOL_DOSE_STATUS_GIVEN;

            g_ptr_array_index (admins, a) = NULL;
            break;
          }
      }

  for (guint a = 0; a < admins->len; a++)
    {
      ParasolAdministration *admin = g_ptr_array_index (admins, a);
      char date[16];

      if (admin == NULL)
        continue;
      g_ptr_array_add (warnings,
                       g_strdup_printf (_("%s given on %s in cycle %d is beyond its planned days"),
                                        drug->name ? g_dgettext (GETTEXT_PACKAGE, drug->name) : drug->id,
                                        parasol_date_format (&admin->date, date, sizeof date),
                                        cycle->number));
    }
}

static int
compare_doses (gconstpointer a,
               gconstpointer b)
{
  const ParasolScheduledDose *da = *(ParasolScheduledDose * const *) a;
  const ParasolScheduledDose *db = *(ParasolScheduledDose * const *) b;

  return g_date_compare (&da->date, &db->date);
}

static int
compare_visits (gconstpointer a,
                gconstpointer b)
{
  const ParasolScheduleVisit *va = *(ParasolScheduleVisit * const *) a;
  const ParasolScheduleVisit *vb = *(ParasolScheduleVisit * const *) b;
  int cmp = g_date_compare (&va->date, &vb->date);

  if (cmp != 0)
    return cmp;
  return (int) va->kind - (int) vb->kind;
}

static ParasolScheduleVisit *
visit_new (ParasolVisitKind  kind,
           int               cycle,
           const GDate      *date,
           const GDate      *window_start,
           const GDate      *window_end)
{
  ParasolScheduleVisit *visit = g_new0 (ParasolScheduleVisit, 1);

  visit->kind = kind;
  visit->cycle = cycle;
  visit->date = *date;
  visit->window_start = window_start ? *window_start : *date;
  visit->window_end = window_end ? *window_end : *date;
  return visit;
}

/* "etoposide, carboplatin" for the doses of @cycle on @date (stable sort keeps drug order). */
static char *
drugs_on (const ParasolScheduleCycle *cycle,
          const GDate                *date)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < cycle->doses->len; i++)
    {
      const ParasolScheduledDose *dose = g_ptr_array_index (cycle->doses, i);

      if (g_date_compare (&dose->date, date) != 0)
        continue;
      if (str->len > 0)
        g_string_append (str, ", ");
      g_string_append (str, dose->name);
      if (dose->status == PARASOL_DOSE_STATUS_SKIPPED)
        g_string_append (str, _(" (skipped)"));
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
add_cycle_visits (ParasolSchedule            *schedule,
                  const ParasolRegimen       *regimen,
                  const ParasolScheduleCycle *cycle)
{
  ParasolScheduleVisit *visit;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  char ws[16], we[16], lf[16], lt[16];

  parasol_date_format (&cycle->window_start, ws, sizeof ws);
  parasol_date_format (&cycle->window_end, we, sizeof we);
  parasol_date_format (&cycle->labs_from, lf, sizeof lf);
  parasol_date_format (&cycle->labs_to, lt, sizeof lt);

  /* Labs before day 1: drawn on the day before (or day 1 itself when the protocol allows 0 days) */
  {
    GDate draw = regimen->labs_before_days > 0 ? parasol_date_plus_days (&cycle->start, -1) : cycle->start;

    visit = visit_new (PARASOL_VISIT_LABS, cycle->number, &draw, &cycle->labs_from, &cycle->labs_to);
    visit->summary = g_strdup_printf (_("Cycle %d: blood tests"), cycle->number);
    visit->description = g_strdup_printf (_("Full blood count, liver and kidney tests before "
                                            "cycle %d (between %s and %s); ANC ≥ %g and "
                                            "PLT ≥ %g × 10^9/L to start"),
                                          cycle->number, lf, lt,
                                          regimen->start_anc_min, regimen->start_plt_min);
    g_ptr_array_add (schedule->visits, visit);
  }

  /* Day 1 */
  {
    g_autofree char *drugs = drugs_on (cycle, &cycle->start);

    visit = visit_new (PARASOL_VISIT_CYCLE_START, cycle->number, &cycle->start,
                       &cycle->window_start, &cycle->window_end);
    visit->summary = g_strdup_printf (_("Cycle %d day 1"), cycle->number);
    if (cycle->status == PARASOL_CYCLE_SKIPPED)
      visit->description = g_strdup_printf (_("Cycle skipped: %s"),
                                            cycle->reason ? cycle->reason : _("no reason recorded"));
    else
      visit->description = g_strdup_printf (_("Treatment: %s. Planned window %s to %s."),
                                            *drugs ? drugs : _("none"), ws, we);
    g_ptr_array_add (schedule->visits, visit);
    g_hash_table_add (seen, GINT_TO_POINTER (g_date_get_julian (&cycle->start)));
  }

  /* Other treatment days */
  for (guint i = 0; i < cycle->doses->len; i++)
    {
      const ParasolScheduledDose *dose = g_ptr_array_index (cycle->doses, i);
      g_autofree char *drugs = NULL;
      guint julian = g_date_get_julian (&dose->date);

      if (g_hash_table_contains (seen, GUINT_TO_POINTER (julian)))
        continue;
      g_hash_table_add (seen, GUINT_TO_POINTER (julian));

      drugs = drugs_on (cycle, &dose->date);
      visit = visit_new (PARASOL_VISIT_ADMINISTRATION, cycle->number, &dose->date, NULL, NULL);
      visit->summary = g_strdup_printf (_("Cycle %d day %d"), cycle->number,
                                        (int) g_date_days_between (&cycle->start, &dose->date) + 1);
      visit->description = g_strdup_printf (_("Treatment: %s."), drugs);
      g_ptr_array_add (schedule->visits, visit);
    }
}

ParasolSchedule *
parasol_schedule_build (const ParasolRegimen         *regimen,
                        const char                   *arm_id,
                        const char                   *ici_id,
                        const GDate                  *c1d1,
                        const ParasolPatientFacts    *facts,
                        GHashTable                   *planned_doses,
                        const ParasolScheduleOptions *options,
                        GError                      **error)
{
  g_autoptr(ParasolSchedule) schedule = NULL;
  g_autoptr(GPtrArray) drugs = g_ptr_array_new ();
  ParasolScheduleOptions defaults;
  const ParasolArmRegimen *arm = NULL;
  const ParasolDrug *ici = NULL;
  GDate end_of_treatment;
  GDate horizon_anchor;
  gboolean has_end;
  int last_recorded;
  GDate prev_start;
  int prev_length = 0;

  g_return_val_if_fail (regimen != NULL, NULL);

  if (options == NULL)
    {
      parasol_schedule_options_init (&defaults);
      options = &defaults;
    }

  if (c1d1 == NULL || !g_date_valid (c1d1))
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("No cycle 1 day 1: enrol the patient with a C1D1 date first"));
      return NULL;
    }

  if (regimen->cycle_days < 1)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("The protocol's cycle length (%d days) is not valid"), regimen->cycle_days);
      return NULL;
    }

  if (arm_id != NULL && (arm = parasol_regimen_find_arm (regimen, arm_id)) == NULL)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_UNKNOWN_ARM,
                   _("Unknown arm “%s”: see the protocol for its arms"), arm_id);
      return NULL;
    }

  if (ici_id == NULL)
    ici_id = regimen->default_ici;
  if (ici_id != NULL && (ici = parasol_regimen_find_ici (regimen, ici_id)) == NULL)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_UNKNOWN_DRUG,
                   _("Unknown checkpoint inhibitor “%s”: see the protocol for its checkpoint inhibitors"), ici_id);
      return NULL;
    }

  /* The backbone with the patient's platinum (facts: chosen at enrolment; else the default) */
  {
    g_autoptr(GPtrArray) backbone = parasol_regimen_backbone_for (regimen,
                                                                  facts ? facts->platinum : NULL);
    collect_drugs (drugs, backbone);
  }
  if (ici != NULL)
    g_ptr_array_add (drugs, (gpointer) ici);
  if (arm != NULL)
    collect_drugs (drugs, arm->drugs);

  schedule = g_new0 (ParasolSchedule, 1);
  schedule->c1d1 = *c1d1;
  schedule->arm = g_strdup (arm_id);
  schedule->ici = g_strdup (ici_id);
  schedule->induction_cycle_days = regimen->cycle_days;
  schedule->maintenance_cycle_days = maintenance_length (regimen, drugs);
  schedule->cycles = g_ptr_array_new_with_free_func ((GDestroyNotify) schedule_cycle_free);
  schedule->visits = g_ptr_array_new_with_free_func ((GDestroyNotify) schedule_visit_free);
  schedule->warnings = g_ptr_array_new_with_free_func (g_free);

  /* No drug's interval changes silently: say where the maintenance cycle is not the drug's own */
  for (guint i = 0; i < drugs->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (drugs, i);
      int own = drug->maintenance_cycle_days > 0 ? drug->maintenance_cycle_days
                : regimen->maintenance_cycle_days > 0 ? regimen->maintenance_cycle_days
                : regimen->cycle_days;

      if (!(drug->phases & PARASOL_PHASE_MAINTENANCE) || own == schedule->maintenance_cycle_days)
        continue;
      g_ptr_array_add (schedule->warnings,
                       g_strdup_printf (_("Maintenance cycles last %d days (the longest interval of "
                                          "the drugs given, as the protocol's maintenance-combine "
                                          "says): %s, given every %d days on its own, keeps its "
                                          "days within each %d-day cycle"),
                                        schedule->maintenance_cycle_days, drug->name, own,
                                        schedule->maintenance_cycle_days));
    }

  if (arm == NULL)
    g_ptr_array_add (schedule->warnings,
                     g_strdup (_("No arm assigned: the calendar shows the shared backbone and the "
                                 "checkpoint inhibitor only")));

  has_end = find_end_of_treatment (facts, &end_of_treatment);
  last_recorded = max_recorded_cycle (facts);
  horizon_anchor = *c1d1;
  for (guint i = 0; facts != NULL && facts->cycles != NULL && i < facts->cycles->len; i++)
    {
      const ParasolCycleRecord *rec = g_ptr_array_index (facts->cycles, i);

      if (g_date_valid (&rec->start) && g_date_compare (&rec->start, &horizon_anchor) > 0)
        horizon_anchor = rec->start;
    }
  g_date_clear (&prev_start, 1);

  for (int n = 1; n < 1000; n++)
    {
      ParasolScheduleCycle *cycle;
      const ParasolCycleRecord *rec = find_cycle_record (facts, n);
      ParasolPhase phase = parasol_dosing_cycle_phase (regimen, n);
      int window = MAX (regimen->visit_window_days, 0);

      cycle = g_new0 (ParasolScheduleCycle, 1);
      cycle->number = n;
      cycle->phase = phase;
      cycle->length_days = phase == PARASOL_PHASE_INDUCTION ? schedule->induction_cycle_days
                                                            : schedule->maintenance_cycle_days;
      cycle->planned_start = n == 1 ? *c1d1 : parasol_date_plus_days (&prev_start, prev_length);
      cycle->window_start = parasol_date_plus_days (&cycle->planned_start, -window);
      cycle->window_end = parasol_date_plus_days (&cycle->planned_start, window);
      cycle->start = cycle->planned_start;
      cycle->status = PARASOL_CYCLE_PLANNED;
      cycle->doses = g_ptr_array_new_with_free_func ((GDestroyNotify) scheduled_dose_free);

      if (rec != NULL)
        {
          if (g_date_valid (&rec->start))
            cycle->start = rec->start;
          if (g_strcmp0 (rec->status, "started") == 0)
            cycle->status = PARASOL_CYCLE_STARTED;
          else if (g_strcmp0 (rec->status, "skipped") == 0)
            cycle->status = PARASOL_CYCLE_SKIPPED;
          else if (g_strcmp0 (rec->status, "delayed") == 0)
            cycle->status = PARASOL_CYCLE_DELAYED;
          cycle->reason = g_strdup (rec->reason);
        }

      /* Stop at the horizon, unless something was recorded this far */
      if (n > regimen->induction_cycles && n > last_recorded)
        {
          gboolean beyond;

          /* The horizon runs from C1D1, or from the last cycle recorded when that is later,
           * so that a patient on long maintenance always sees what comes next. */
          if (options->max_maintenance_cycles > 0)
            beyond = n - MAX (regimen->induction_cycles, last_recorded) > options->max_maintenance_cycles;
          else
            beyond = g_date_days_between (&horizon_anchor, &cycle->start) >= MAX (options->horizon_days, 1);

          if (beyond)
            {
              schedule_cycle_free (cycle);
              break;
            }
        }

      if (has_end && rec == NULL && g_date_compare (&cycle->start, &end_of_treatment) > 0)
        {
          schedule_cycle_free (cycle);
          break;
        }

      if (n > 1 && g_date_compare (&cycle->start, &prev_start) <= 0)
        {
          char a[16], b[16];

          g_ptr_array_add (schedule->warnings,
                           g_strdup_printf (_("Cycle %d is recorded on %s, not after cycle %d (%s): "
                                              "check the dates"),
                                            n, parasol_date_format (&cycle->start, a, sizeof a),
                                            n - 1, parasol_date_format (&prev_start, b, sizeof b)));
        }

      cycle->end = parasol_date_plus_days (&cycle->start, cycle->length_days - 1);
      cycle->labs_to = cycle->start;
      cycle->labs_from = parasol_date_plus_days (&cycle->start, -MAX (regimen->labs_before_days, 0));
      cycle->delay_days = (int) g_date_days_between (&cycle->planned_start, &cycle->start);

      if (g_date_compare (&cycle->start, &cycle->window_start) < 0 ||
          g_date_compare (&cycle->start, &cycle->window_end) > 0)
        cycle->deviation = TRUE;
      if (cycle->deviation &&
          parasol_schedule_cycle_timing (regimen, cycle) == PARASOL_CYCLE_TIMING_DELAYED)
        {
          char p[16], s[16];

          /* A delay the protocol allows: said as such, not as a deviation (issue 11) */
          g_ptr_array_add (schedule->warnings,
                           g_strdup_printf (_("Delayed: cycle %d day 1 on %s is %d days after the "
                                              "planned %s, within the %d days the protocol "
                                              "allows; reason: %s"),
                                            n, parasol_date_format (&cycle->start, s, sizeof s),
                                            cycle->delay_days,
                                            parasol_date_format (&cycle->planned_start, p, sizeof p),
                                            regimen->max_delay_days, cycle->reason));
        }
      else if (cycle->deviation)
        {
          char p[16], s[16];

          g_ptr_array_add (schedule->warnings,
                           g_strdup_printf (_("Deviation: cycle %d day 1 on %s is %d days %s the "
                                              "planned %s (window ± %d days); reason: %s"),
                                            n, parasol_date_format (&cycle->start, s, sizeof s),
                                            ABS (cycle->delay_days),
                                            cycle->delay_days > 0 ? _("after") : _("before"),
                                            parasol_date_format (&cycle->planned_start, p, sizeof p),
                                            window,
                                            cycle->reason ? cycle->reason : _("none recorded")));
        }

      if (regimen->max_delay_days > 0 && cycle->delay_days > regimen->max_delay_days
          && !schedule->discontinuation_proposed)
        {
          schedule->discontinuation_proposed = TRUE;
          schedule->discontinuation_reason =
            g_strdup_printf (_("Cycle %d is delayed %d days, more than the %d days the protocol "
                               "allows: discontinuation of study treatment is proposed"),
                             n, cycle->delay_days, regimen->max_delay_days);
          g_ptr_array_add (schedule->warnings, g_strdup (schedule->discontinuation_reason));
        }

      for (guint i = 0; i < drugs->len; i++)
        {
          const ParasolDrug *drug = g_ptr_array_index (drugs, i);

          if (!parasol_dosing_drug_given (regimen, drug, n))
            continue;
          add_drug_doses (cycle, drug, parasol_dosing_drug_days (drug, phase), facts,
                          planned_doses, schedule->warnings);
        }
      g_ptr_array_sort (cycle->doses, compare_doses);

      g_ptr_array_add (schedule->cycles, cycle);
      if (!options->doses_only)
        add_cycle_visits (schedule, regimen, cycle);

      prev_start = cycle->start;
      prev_length = cycle->length_days;
    }

  /* Imaging, anchored on C1D1: it does not move with delays */
  if (regimen->imaging_every_days > 0 && schedule->cycles->len > 0)
    {
      const ParasolScheduleCycle *last = g_ptr_array_index (schedule->cycles,
                                                            schedule->cycles->len - 1);

      for (int k = 1; k < 1000; k++)
        {
          GDate date = parasol_date_plus_days (c1d1, k * regimen->imaging_every_days);
          GDate ws = parasol_date_plus_days (&date, -MAX (regimen->imaging_window_days, 0));
          GDate we = parasol_date_plus_days (&date, MAX (regimen->imaging_window_days, 0));
          ParasolScheduleVisit *visit;
          char a[16], b[16];

          if (g_date_compare (&date, &last->end) > 0)
            break;
          if (has_end && g_date_compare (&date, &end_of_treatment) > 0)
            break;

          visit = visit_new (PARASOL_VISIT_IMAGING, 0, &date, &ws, &we);
          visit->number = k;
          /* Translators: the k-th imaging visit of a patient */
          visit->summary = g_strdup_printf (_("Imaging (RECIST 1.1) no. %d"), k);
          visit->description = g_strdup_printf (_("Tumour assessment, week %d after C1D1; window "
                                                  "%s to %s"),
                                                k * regimen->imaging_every_days / 7,
                                                parasol_date_format (&ws, a, sizeof a),
                                                parasol_date_format (&we, b, sizeof b));
          g_ptr_array_add (schedule->visits, visit);
        }
    }

  g_ptr_array_sort (schedule->visits, compare_visits);

  return g_steal_pointer (&schedule);
}

const ParasolScheduleCycle *
parasol_schedule_get_cycle (const ParasolSchedule *schedule,
                            int                    number)
{
  g_return_val_if_fail (schedule != NULL, NULL);

  if (schedule->cycles == NULL || number < 1 || (guint) number > schedule->cycles->len)
    return NULL;
  return g_ptr_array_index (schedule->cycles, number - 1);
}

const ParasolScheduleCycle *
parasol_schedule_cycle_for_date (const ParasolSchedule *schedule,
                                 const GDate           *date)
{
  const ParasolScheduleCycle *found = NULL;

  g_return_val_if_fail (schedule != NULL, NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  for (guint i = 0; i < schedule->cycles->len; i++)
    {
      const ParasolScheduleCycle *cycle = g_ptr_array_index (schedule->cycles, i);
      int window = (int) g_date_days_between (&cycle->window_start, &cycle->planned_start);
      /* a cycle may begin early, within its window (around the rescheduled day 1 if delayed) */
      GDate from = parasol_date_plus_days (&cycle->start, -window);

      if (g_date_compare (&from, date) <= 0)
        found = cycle;
      else
        break;
    }
  return found;
}

gboolean
parasol_schedule_check_order (const ParasolSchedule *schedule,
                              int                    cycle,
                              const GDate           *day1,
                              GError               **error)
{
  const ParasolScheduleCycle *prev;
  char a[16], b[16];

  g_return_val_if_fail (schedule != NULL, FALSE);
  g_return_val_if_fail (day1 != NULL && g_date_valid (day1), FALSE);

  if (cycle < 1)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("Cycle %d does not exist; cycles are numbered from 1"), cycle);
      return FALSE;
    }

  if (cycle == 1)
    {
      if (g_date_compare (day1, &schedule->c1d1) < 0)
        {
          g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_ORDER,
                       _("Cycle 1 cannot start on %s, before the enrolled C1D1 %s"),
                       parasol_date_format (day1, a, sizeof a),
                       parasol_date_format (&schedule->c1d1, b, sizeof b));
          return FALSE;
        }
      return TRUE;
    }

  prev = parasol_schedule_get_cycle (schedule, cycle - 1);
  if (prev == NULL)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("Cycle %d is beyond the calendar (%u cycles listed)"),
                   cycle, schedule->cycles->len);
      return FALSE;
    }

  if (g_date_compare (day1, &prev->start) <= 0)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_ORDER,
                   _("Cycle %d cannot start on %s: cycle %d starts on %s, and a cycle must "
                     "start after the previous one"),
                   cycle, parasol_date_format (day1, a, sizeof a),
                   cycle - 1, parasol_date_format (&prev->start, b, sizeof b));
      return FALSE;
    }

  /* Never earlier than the previous day 1 plus its length, less the visit window */
  {
    int window = (int) g_date_days_between (&prev->window_start, &prev->planned_start);
    GDate earliest = parasol_date_plus_days (&prev->start, prev->length_days - MAX (window, 0));
    char c[16];

    if (g_date_compare (day1, &earliest) < 0)
      {
        g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_ORDER,
                     _("Cycle %d cannot start on %s: the previous cycle (%d) starts on %s and "
                       "lasts %d days, so with the visit window of %d days the earliest day 1 is "
                       "%s; choose a date on or after it"),
                     cycle, parasol_date_format (day1, a, sizeof a), cycle - 1,
                     parasol_date_format (&prev->start, b, sizeof b), prev->length_days,
                     MAX (window, 0), parasol_date_format (&earliest, c, sizeof c));
        return FALSE;
      }
  }

  return TRUE;
}

static char *
fmt_count (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", value));
}

ParasolStartVerdict
parasol_schedule_check_start (const ParasolRegimen       *regimen,
                              const ParasolPatientFacts  *facts,
                              const GDate                *day1,
                              char                      **message)
{
  static const struct { const char *id; const char *label; } labs[] = {
    { "anc", N_("ANC") },
    { "plt", N_("PLT") },
  };
  g_autoptr(GString) delay = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GString) ok = g_string_new (NULL);
  GDate oldest;
  char d1[16], od[16];

  g_return_val_if_fail (regimen != NULL && facts != NULL, PARASOL_START_NEED_LABS);
  g_return_val_if_fail (day1 != NULL && g_date_valid (day1), PARASOL_START_NEED_LABS);

  oldest = parasol_date_plus_days (day1, -MAX (regimen->labs_before_days, 0));
  parasol_date_format (day1, d1, sizeof d1);
  parasol_date_format (&oldest, od, sizeof od);

  for (guint i = 0; i < G_N_ELEMENTS (labs); i++)
    {
      const ParasolLabResult *lab = parasol_patient_facts_find_lab (facts, labs[i].id, day1);
      double min = i == 0 ? regimen->start_anc_min : regimen->start_plt_min;
      g_autofree char *v = NULL;
      g_autofree char *m = fmt_count (min);

      if (lab == NULL || !g_date_valid (&lab->date) || g_date_compare (&lab->date, &oldest) < 0)
        {
          if (missing->len > 0)
            g_string_append (missing, "; ");
          if (lab == NULL)
            g_string_append_printf (missing, _("no %s result"), _(labs[i].label));
          else
            {
              char ld[16];

              g_string_append_printf (missing, _("%s from %s is too old"), _(labs[i].label),
                                      parasol_date_format (&lab->date, ld, sizeof ld));
            }
          continue;
        }

      v = fmt_count (lab->value);
      if (lab->value < min)
        {
          if (delay->len > 0)
            g_string_append (delay, "; ");
          /* Translators: "PLT 82 × 10^9/L < 100 × 10^9/L" */
          g_string_append_printf (delay, _("%s %s × 10^9/L < %s × 10^9/L"), _(labs[i].label), v, m);
        }
      else
        {
          if (ok->len > 0)
            g_string_append (ok, ", ");
          g_string_append_printf (ok, _("%s %s × 10^9/L ≥ %s"), _(labs[i].label), v, m);
        }
    }

  if (delay->len > 0)
    {
      if (message)
        *message = g_strdup_printf (_("delay: %s"), delay->str);
      return PARASOL_START_DELAY;
    }

  if (missing->len > 0)
    {
      if (message)
        *message = g_strdup_printf (_("labs needed: %s (results from %s to %s count for day 1 on %s)"),
                                    missing->str, od, d1, d1);
      return PARASOL_START_NEED_LABS;
    }

  if (message)
    *message = g_strdup_printf (_("start: %s"), ok->str);
  return PARASOL_START_OK;
}

/* ---- what a person reads of the calendar (issue 11) ------------------------------------------- */

ParasolCycleTiming
parasol_schedule_cycle_timing (const ParasolRegimen       *regimen,
                               const ParasolScheduleCycle *cycle)
{
  g_return_val_if_fail (cycle != NULL, PARASOL_CYCLE_TIMING_ON_TIME);

  if (cycle->status == PARASOL_CYCLE_SKIPPED || !g_date_valid (&cycle->start) ||
      !g_date_valid (&cycle->window_start) || !g_date_valid (&cycle->window_end))
    return PARASOL_CYCLE_TIMING_ON_TIME;
  if (g_date_compare (&cycle->start, &cycle->window_start) < 0)
    return PARASOL_CYCLE_TIMING_DEVIATION;
  if (g_date_compare (&cycle->start, &cycle->window_end) <= 0)
    return PARASOL_CYCLE_TIMING_ON_TIME;
  /* Late: a delay the protocol allows has a reason and stays within max-delay-days */
  if (cycle->reason == NULL || *cycle->reason == '\0')
    return PARASOL_CYCLE_TIMING_DEVIATION;
  if (regimen != NULL && regimen->max_delay_days > 0 && cycle->delay_days > regimen->max_delay_days)
    return PARASOL_CYCLE_TIMING_DEVIATION;
  return PARASOL_CYCLE_TIMING_DELAYED;
}

ParasolDoseState
parasol_schedule_dose_state (const ParasolScheduledDose *dose,
                             const GDate                *today,
                             const GDate                *end_of_treatment)
{
  g_return_val_if_fail (dose != NULL, PARASOL_DOSE_STATE_TO_GIVE);

  if (dose->status != PARASOL_DOSE_STATUS_PLANNED)
    return PARASOL_DOSE_STATE_RECORDED;
  if (end_of_treatment != NULL && g_date_valid (end_of_treatment) && g_date_valid (&dose->date) &&
      g_date_compare (&dose->date, end_of_treatment) >= 0)
    return PARASOL_DOSE_STATE_ENDED;
  if (today != NULL && g_date_valid (today) && g_date_valid (&dose->date) &&
      g_date_compare (&dose->date, today) < 0)
    return PARASOL_DOSE_STATE_NOT_RECORDED;
  return PARASOL_DOSE_STATE_TO_GIVE;
}

gboolean
parasol_schedule_treatment_ended (const ParasolPatientFacts *facts,
                                  GDate                     *date)
{
  GDate end;
  gboolean found;

  g_date_clear (&end, 1);
  if (facts == NULL)
    {
      if (date != NULL)
        *date = end;
      return FALSE;
    }
  found = find_end_of_treatment (facts, &end);
  if (date != NULL)
    *date = end;
  return found || g_strcmp0 (facts->status, "off_treatment") == 0;
}
