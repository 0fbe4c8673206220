/* parasol-calendar-section.c — the cycle calendar section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The start-of-cycle check of the next cycle, deviations and notes, then every cycle with
 * what happened to each drug.  Planned cycles beyond the first few are folded behind "Show N
 * more planned cycles" until the patient changes.
 *
 * It records too (issue 10): calendar.record-dose and calendar.skip ("(iss)": cycle, drug id,
 * YYYY-MM-DD) and calendar.delay ("i": cycle) open the forms of parasol-treatment-form.c, which
 * call the same core workflows as parasol-cli give and delay.  calendar.view ("list" or
 * "month") switches between the list of cycles and the month view (parasol-cycle-month.c).
 * What a dose or a cycle reads as ("Not recorded", "Delayed (reason)", "Deviation", nothing to
 * give after the end of treatment) comes from core (parasol_schedule_dose_state,
 * parasol_schedule_cycle_timing, parasol_schedule_treatment_ended).
 */
#define G_LOG_DOMAIN "parasol-calendar-section"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-calendar-section.h"
#include "parasol-cycle-month.h"
#include "parasol-patient-section.h"
#include "parasol-treatment-form.h"

/* Planned cycles listed before "Show more" */
#define PLANNED_CYCLES_SHOWN 3

struct _ParasolCalendarSection
{
  AdwPreferencesGroup  parent_instance;

  GPtrArray           *added;           /* rows added on update, owned by the group */
  gint64               patient_id;      /* whose calendar is shown */
  guint                n_cycle_rows;
  gboolean             show_all_cycles;
  guint                reload_source;

  /* To record: the store and protocol of the patient shown (references) */
  ParasolStore        *store;
  ParasolProtocol     *protocol;
  GPtrArray           *list_rows;       /* rows of the list view, hidden in the month view */
  ParasolCycleMonth   *month;
  char                *view;            /* "list" or "month" */
  gboolean             month_shown_for_patient;
};

enum {
  PROP_0,
  PROP_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void parasol_calendar_section_iface_init (ParasolPatientSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParasolCalendarSection, parasol_calendar_section,
                               ADW_TYPE_PREFERENCES_GROUP,
                               G_IMPLEMENT_INTERFACE (PARASOL_TYPE_PATIENT_SECTION,
                                                      parasol_calendar_section_iface_init))

static gboolean
reload_idle (gpointer user_data)
{
  ParasolCalendarSection *self = user_data;

  self->reload_source = 0;
  /* The page hands every section the patient again */
  gtk_widget_activate_action (GTK_WIDGET (self), "page.reload", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_show_all_cycles (ParasolCalendarSection *self)
{
  /* Not from inside the row's own signal: the update destroys it */
  self->show_all_cycles = TRUE;
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (reload_idle, self);
}

typedef struct {
  ParasolDoseStatus  status;
  ParasolDoseState   state;
  double             given;
  const char        *unit;
  const char        *reason;
  GString           *days;
} DoseRun;

/* One line per run of days with the same outcome: "Given 200 mg on days 1, 2, 3" */
static char *
drug_outcome_text (const ParasolScheduleCycle *c,
                   const char                 *drug,
                   const GDate                *today,
                   const GDate                *end)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) runs = g_array_new (FALSE, TRUE, sizeof (DoseRun));

  for (guint i = 0; i < c->doses->len; i++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c->doses, i);
      ParasolDoseState state = parasol_schedule_dose_state (d, today, end);
      DoseRun *run = NULL;

      if (g_strcmp0 (d->drug, drug) != 0)
        continue;

      for (guint k = 0; k < runs->len; k++)
        {
          DoseRun *r = &g_array_index (runs, DoseRun, k);

          if (r->status == d->status && r->state == state &&
              g_strcmp0 (r->reason, d->reason) == 0 &&
              ((isnan (r->given) && isnan (d->given_dose)) || r->given == d->given_dose))
            run = r;
        }
      if (run == NULL)
        {
          DoseRun fresh = { d->status, state, d->given_dose, d->unit, d->reason, g_string_new (NULL) };

          g_array_append_val (runs, fresh);
          run = &g_array_index (runs, DoseRun, runs->len - 1);
        }
      g_string_append_printf (run->days, "%s%d", run->days->len > 0 ? ", " : "", d->cycle_day);
    }

  for (guint k = 0; k < runs->len; k++)
    {
      DoseRun *r = &g_array_index (runs, DoseRun, k);
      g_autofree char *given = NULL;

      if (text->len > 0)
        g_string_append_c (text, '\n');

      switch (r->status)
        {
        case PARASOL_DOSE_STATUS_GIVEN:
          given = parasol_section_format_amount (r->given, r->unit);
          /* Translators: "Given 200 mg on days 1, 2, 3" */
          g_string_append_printf (text, _("Given %s on days %s"), given, r->days->str);
          break;
        case PARASOL_DOSE_STATUS_REDUCED:
          given = parasol_section_format_amount (r->given, r->unit);
          /* Translators: "Reduced: 150 on day 1" */
          g_string_append_printf (text, _("Reduced: %s on days %s"), given, r->days->str);
          break;
        case PARASOL_DOSE_STATUS_SKIPPED:
          /* Translators: "Skipped on days 2, 3" */
          g_string_append_printf (text, _("Skipped on days %s"), r->days->str);
          break;
        case PARASOL_DOSE_STATUS_PLANNED:
        default:
          if (r->state == PARASOL_DOSE_STATE_NOT_RECORDED)
            /* Translators: a past dose never recorded: "Not recorded on days 1, 2" */
            g_string_append_printf (text, _("Not recorded on days %s"), r->days->str);
          else if (r->state == PARASOL_DOSE_STATE_ENDED)
            /* Translators: "Not to be given (treatment ended) on days 2, 3" */
            g_string_append_printf (text, _("Not to be given (treatment ended) on days %s"),
                                    r->days->str);
          else
            /* Translators: "Planned on days 1, 2, 3" */
            g_string_append_printf (text, _("Planned on days %s"), r->days->str);
          break;
        }
      if (r->reason != NULL && *r->reason != '\0')
        g_string_append_printf (text, " — %s", r->reason);
      g_string_free (r->days, TRUE);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A small button that activates @action with @target; @name is what a screen reader says */
static GtkWidget *
action_button (const char *label,
               const char *name,
               const char *action,
               GVariant   *target)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_tooltip_text (button, name);
  return button;
}

static GtkWidget *
cycle_row (const ParasolScheduleCycle *c,
           const ParasolDoseSet       *set,
           gboolean                    is_next,
           const ParasolRegimen       *regimen,
           const GDate                *today,
           const GDate                *end,
           gboolean                    ended)
{
  ParasolCycleTiming timing = parasol_schedule_cycle_timing (regimen, c);
  g_autofree char *title = g_strdup_printf (_("Cycle %d"), c->number);
  g_autofree char *day1 = parasol_section_format_date (&c->start);
  g_autofree char *from = parasol_section_format_date (&c->window_start);
  g_autofree char *to = parasol_section_format_date (&c->window_end);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GPtrArray) drugs = g_ptr_array_new ();
  gboolean any_flagged = FALSE, any_reduced = FALSE, any_due = FALSE;
  GtkWidget *row;

  /* Translators: "Induction · day 1 2025-10-30 · window 2025-10-27 to 2025-11-02" */
  g_string_append_printf (subtitle, _("%s · day 1 %s · window %s to %s"),
                          c->phase == PARASOL_PHASE_MAINTENANCE ? _("Maintenance") : _("Induction"),
                          day1, from, to);
  if (c->delay_days > 0)
    g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, " · %d day after the plan",
                                                   " · %d days after the plan", c->delay_days),
                            c->delay_days);
  else if (c->delay_days < 0)
    g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, " · %d day before the plan",
                                                   " · %d days before the plan", -c->delay_days),
                            -c->delay_days);
  if (c->reason != NULL && *c->reason != '\0')
    g_string_append_printf (subtitle, "\n%s", c->reason);

  row = parasol_section_expander_row (title, subtitle->str);
  gtk_widget_add_css_class (row, "cycle-row");

  /* One row per drug, in the order the calendar lists them */
  for (guint i = 0; i < c->doses->len; i++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c->doses, i);
      gboolean seen = FALSE;

      for (guint k = 0; k < drugs->len && !seen; k++)
        seen = g_strcmp0 (g_ptr_array_index (drugs, k), d->drug) == 0;
      if (!seen)
        g_ptr_array_add (drugs, d->drug);
      any_flagged |= d->flagged;
      any_reduced |= d->status == PARASOL_DOSE_STATUS_REDUCED;
    }

  for (guint k = 0; k < drugs->len; k++)
    {
      const char *drug = g_ptr_array_index (drugs, k);
      const ParasolDose *calc = set != NULL ? parasol_dose_set_find (set, drug) : NULL;
      const ParasolScheduledDose *first = NULL;
      const ParasolScheduledDose *to_record = NULL;
      g_autofree char *outcome = drug_outcome_text (c, drug, today, end);
      g_autofree char *dose_title = NULL;
      GtkWidget *drug_row;
      gboolean flagged = FALSE;

      for (guint i = 0; i < c->doses->len; i++)
        {
          const ParasolScheduledDose *d = g_ptr_array_index (c->doses, i);

          if (g_strcmp0 (d->drug, drug) != 0)
            continue;
          if (first == NULL)
            first = d;
          flagged |= d->flagged;
          if (to_record == NULL && c->status != PARASOL_CYCLE_SKIPPED)
            {
              ParasolDoseState state = parasol_schedule_dose_state (d, today, end);

              /* What is due: a past dose never recorded, or the next cycle's and the
               * started cycle's doses; later cycles are recorded when they come */
              if (state == PARASOL_DOSE_STATE_NOT_RECORDED ||
                  (state == PARASOL_DOSE_STATE_TO_GIVE &&
                   (is_next || c->status == PARASOL_CYCLE_STARTED)))
                to_record = d;
            }
        }

      if (calc != NULL)
        {
          g_autofree char *planned = parasol_section_format_amount (calc->dose, calc->unit);

          /* Translators: "Etoposide, planned 200 mg" */
          dose_title = g_strdup_printf (_("%s, planned %s"),
                                        parasol_protocol_translate (first->name), planned);
        }
      else
        dose_title = g_strdup (parasol_protocol_translate (first->name));

      drug_row = parasol_section_action_row (dose_title, outcome);
      gtk_widget_add_css_class (drug_row, "dose-outcome");
      if (flagged)
        adw_action_row_add_suffix (
          ADW_ACTION_ROW (drug_row),
          parasol_section_status_icon ("dialog-warning-symbolic", "warning",
                                       _("Outside the tolerance of the calculated dose")));
      /* The first day of this drug still to record: today's or a past one never recorded */
      if (to_record != NULL && !ended)
        {
          char iso[PARASOL_DATE_BUF_SIZE];
          const char *name = parasol_protocol_translate (first->name);
          g_autofree char *record_name = NULL, *skip_name = NULL;
          GVariant *target;

          parasol_date_format (&to_record->date, iso, sizeof iso);
          target = g_variant_ref_sink (g_variant_new ("(iss)", c->number, drug, iso));
          /* Translators: accessible name: "Record a dose of Etoposide, cycle 2 day 1" */
          record_name = g_strdup_printf (_("Record a dose of %s, cycle %d day %d"), name,
                                         c->number, to_record->cycle_day);
          /* Translators: accessible name: "Record Etoposide as not given, cycle 2 day 1" */
          skip_name = g_strdup_printf (_("Record %s as not given, cycle %d day %d"), name,
                                       c->number, to_record->cycle_day);
          adw_action_row_add_suffix (ADW_ACTION_ROW (drug_row),
                                     action_button (_("Skip…"), skip_name, "calendar.skip", target));
          adw_action_row_add_suffix (ADW_ACTION_ROW (drug_row),
                                     action_button (_("Record Dose…"), record_name,
                                                    "calendar.record-dose", target));
          g_variant_unref (target);
          any_due = TRUE;
        }
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), drug_row);
    }

  /* A cycle not started yet can be delayed */
  if (!ended && (c->status == PARASOL_CYCLE_PLANNED || c->status == PARASOL_CYCLE_DELAYED))
    {
      g_autofree char *delay_name = g_strdup_printf (_("Delay cycle %d"), c->number);
      GtkWidget *delay_row =
        parasol_section_action_row (_("Day 1 can move later"),
                                    _("The cycles after it move with it; a reason is required"));

      adw_action_row_add_suffix (ADW_ACTION_ROW (delay_row),
                                 action_button (_("Delay Cycle…"), delay_name, "calendar.delay",
                                                g_variant_new_int32 (c->number)));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), delay_row);
    }
  /* Open where something is due, so that it can be recorded at once */
  if (is_next || any_due)
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);

  if (drugs->len == 0)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              parasol_section_text_row (_("No drug in this cycle"), "dim-label"));

  /* Badges: colour only where it means something; the usual states are plain text */
  if (is_next)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 parasol_section_badge (_("Next"), "accent"));
  /* Core tells a delay the protocol allows from a deviation */
  if (timing == PARASOL_CYCLE_TIMING_DEVIATION)
    {
      GtkWidget *b = parasol_section_badge (_("Deviation"), "error");

      gtk_widget_set_tooltip_text (b, c->reason != NULL ? c->reason
                                                        : _("Started outside its window"));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), b);
    }
  if (any_reduced)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 parasol_section_badge (_("Reduced"), "warning"));
  if (any_flagged)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 parasol_section_badge (_("Flagged"), "warning"));
  if (timing == PARASOL_CYCLE_TIMING_DELAYED ||
      (c->status == PARASOL_CYCLE_DELAYED && timing != PARASOL_CYCLE_TIMING_DEVIATION))
    {
      g_autofree char *text = c->reason != NULL && *c->reason != '\0'
                              /* Translators: a cycle delayed within the protocol's rules */
                              ? g_strdup_printf (_("Delayed (%s)"), c->reason)
                              : g_strdup (parasol_cycle_status_to_label (PARASOL_CYCLE_DELAYED));
      GtkWidget *b = parasol_section_badge (text, "warning");

      gtk_label_set_ellipsize (GTK_LABEL (b), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (b), 32);
      gtk_widget_set_tooltip_text (b, text);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), b);
    }
  if (c->status == PARASOL_CYCLE_DELAYED)
    ;
  else if (!is_next)
    adw_expander_row_add_action (
      ADW_EXPANDER_ROW (row),
      parasol_section_badge (parasol_cycle_status_to_label (c->status), "plain"));

  return row;
}

/* The month view: every cycle's days from core's calendar, laid out by day */
static void
fill_month (ParasolCalendarSection      *self,
            const ParasolPatientContext *context,
            const ParasolScheduleCycle  *next,
            const GDate                 *today,
            const GDate                 *end)
{
  const ParasolSchedule *s = context->plan->schedule;
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (context->protocol);
  g_autoptr(GPtrArray) drug_order = g_ptr_array_new ();
  GDate show;

  parasol_cycle_month_clear (self->month);
  for (guint i = 0; i < s->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (s->cycles, i);
      ParasolCycleTiming timing = parasol_schedule_cycle_timing (regimen, c);

      if (c->status != PARASOL_CYCLE_STARTED && c->status != PARASOL_CYCLE_SKIPPED)
        parasol_cycle_month_add_window (self->month, &c->window_start, &c->window_end);
      if (timing != PARASOL_CYCLE_TIMING_ON_TIME)
        {
          g_autofree char *day1 = parasol_section_format_date (&c->start);
          g_autofree char *text = timing == PARASOL_CYCLE_TIMING_DELAYED
            /* Translators: month view, on the day a cycle was planned to start */
            ? g_strdup_printf (_("Cycle %d planned day 1, delayed to %s (%s)"), c->number, day1,
                               c->reason)
            /* Translators: month view, on the day a cycle was planned to start */
            : g_strdup_printf (_("Cycle %d planned day 1; deviation: day 1 on %s"), c->number, day1);

          parasol_cycle_month_add_mark (self->month, &c->planned_start,
                                        timing == PARASOL_CYCLE_TIMING_DELAYED
                                          ? PARASOL_MONTH_MARK_DELAYED : PARASOL_MONTH_MARK_DEVIATION,
                                        -1, text, 0, NULL);
        }
      for (guint k = 0; k < c->doses->len; k++)
        {
          const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);
          ParasolDoseState state = parasol_schedule_dose_state (d, today, end);
          const char *name = parasol_protocol_translate (d->name);
          g_autofree char *text = NULL;
          ParasolMonthMark mark;
          int index = -1;

          for (guint j = 0; j < drug_order->len && index < 0; j++)
            if (g_strcmp0 (g_ptr_array_index (drug_order, j), d->drug) == 0)
              index = (int) j;
          if (index < 0)
            {
              g_ptr_array_add (drug_order, d->drug);
              index = (int) drug_order->len - 1;
            }

          if (d->status == PARASOL_DOSE_STATUS_GIVEN || d->status == PARASOL_DOSE_STATUS_REDUCED)
            {
              g_autofree char *amount = parasol_section_format_amount (d->given_dose, d->unit);

              mark = PARASOL_MONTH_MARK_GIVEN;
              /* Translators: month view: "Etoposide given, 200 mg" */
              text = g_strdup_printf (_("%s given, %s"), name, amount);
            }
          else if (d->status == PARASOL_DOSE_STATUS_SKIPPED)
            {
              mark = PARASOL_MONTH_MARK_SKIPPED;
              /* Translators: month view */
              text = g_strdup_printf (_("%s not given"), name);
            }
          else if (state == PARASOL_DOSE_STATE_NOT_RECORDED)
            {
              mark = PARASOL_MONTH_MARK_NOT_RECORDED;
              /* Translators: month view: a past dose never recorded */
              text = g_strdup_printf (_("%s not recorded"), name);
            }
          else if (state == PARASOL_DOSE_STATE_ENDED)
            {
              mark = PARASOL_MONTH_MARK_ENDED;
              /* Translators: month view */
              text = g_strdup_printf (_("%s not to be given, treatment ended"), name);
            }
          else
            {
              mark = PARASOL_MONTH_MARK_DUE;
              /* Translators: month view: "Etoposide due" */
              text = g_strdup_printf (_("%s due"), name);
            }
          parasol_cycle_month_add_mark (self->month, &d->date, mark, index, text,
                                        c->status == PARASOL_CYCLE_SKIPPED ? 0 : c->number, d->drug);
        }
    }
  for (guint i = 0; i < s->visits->len; i++)
    {
      const ParasolScheduleVisit *v = g_ptr_array_index (s->visits, i);

      if (v->kind == PARASOL_VISIT_IMAGING &&
          !(end != NULL && g_date_valid (end) && g_date_compare (&v->date, end) > 0))
        parasol_cycle_month_add_mark (self->month, &v->date, PARASOL_MONTH_MARK_VISIT, -1,
                                      v->summary, 0, NULL);
    }

  /* A new patient opens on today's month while treated, else on the next or last cycle */
  if (!self->month_shown_for_patient)
    {
      const ParasolScheduleCycle *last = s->cycles->len > 0
                                         ? g_ptr_array_index (s->cycles, s->cycles->len - 1) : NULL;

      show = *today;
      if (next != NULL && g_date_compare (&next->start, today) > 0)
        show = next->start;
      else if (last != NULL && g_date_compare (&last->end, today) < 0)
        show = last->start;
      self->month_shown_for_patient = TRUE;
      parasol_cycle_month_show_month (self->month, &show);
    }
  else
    parasol_cycle_month_refresh (self->month);
}

static void
fill (ParasolCalendarSection      *self,
      const ParasolPatientContext *context)
{
  const ParasolPatientFacts *facts = context->facts;
  const ParasolPatientPlan *plan = context->plan;
  const ParasolScheduleCycle *next = context->next;
  const char *plan_error = context->plan_error;
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (context->protocol);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self);
  guint planned_shown = 0, planned_hidden = 0;
  const ParasolScheduleCycle *last_hidden = NULL;
  GDate today, end;
  gboolean ended = parasol_schedule_treatment_ended (facts, &end);

  parasol_date_set_today (&today);
  /* Off treatment or dead: no next cycle, nothing to give (issue 11) */
  if (ended)
    next = NULL;

  self->n_cycle_rows = 0;

  if (plan == NULL)
    {
      if (!g_date_valid (&facts->c1d1))
        parasol_section_add_row (
          group,
          parasol_section_note_row (
            "x-office-calendar-symbolic", "dim-label", NULL, _("No calendar yet"),
            parasol_section_has_status (facts, PARASOL_PATIENT_STATUS_SCREEN_FAILED)
              ? _("The patient did not enter treatment")
              : _("The calendar starts from cycle 1 day 1, set at "
                   "enrolment")),
          self->added);
      else
        parasol_section_add_row (
          group,
          parasol_section_note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                    _("The calendar cannot be built"), plan_error),
          self->added);
      return;
    }

  {
    const ParasolSchedule *s = plan->schedule;
    g_autofree char *c1d1 = parasol_section_format_date (&s->c1d1);
    g_autofree char *description = NULL;

    if (s->maintenance_cycle_days != s->induction_cycle_days)
      /* Translators: "From C1D1 2025-10-30; 4 induction cycles of 21 days, then maintenance cycles of 28 days" */
      description = g_strdup_printf (_("From C1D1 %s; %d induction cycles of %d days, then "
                                       "maintenance cycles of %d days"),
                                     c1d1, regimen->induction_cycles, s->induction_cycle_days,
                                     s->maintenance_cycle_days);
    else
      description = g_strdup_printf (_("From C1D1 %s; %d induction cycles, then maintenance, "
                                       "every %d days"),
                                     c1d1, regimen->induction_cycles, s->induction_cycle_days);
    adw_preferences_group_set_description (group, description);
  }

  if (ended)
    {
      g_autofree char *day = parasol_section_format_date (&end);
      g_autofree char *subtitle = g_date_valid (&end)
                                  /* Translators: %s is a date */
                                  ? g_strdup_printf (_("Since %s: no next cycle and no doses to give"), day)
                                  : g_strdup (_("No next cycle and no doses to give"));

      parasol_section_add_row (group,
                               parasol_section_note_row ("action-unavailable-symbolic", "dim-label",
                                                         NULL, _("Treatment ended"), subtitle),
                               self->added);
    }

  /* The start-of-cycle check for the next cycle */
  if (next != NULL)
    {
      g_autofree char *message = NULL;
      g_autofree char *title = g_strdup_printf (_("Cycle %d start check"), next->number);
      ParasolStartVerdict verdict = parasol_schedule_check_start (regimen, facts, &next->start,
                                                                  &message);
      const char *icon, *css, *label;

      switch (verdict)
        {
        case PARASOL_START_OK:
          icon = "object-select-symbolic";
          css = "met";
          label = _("Can start");
          break;
        case PARASOL_START_DELAY:
          icon = "window-close-symbolic";
          css = "not-met";
          label = _("Delay");
          break;
        case PARASOL_START_NEED_LABS:
        default:
          icon = "dialog-question-symbolic";
          css = "missing";
          label = _("Labs needed");
          break;
        }
      parasol_section_add_row (group, parasol_section_note_row (icon, css, label, title, message),
                               self->added);
    }

  if (plan->schedule->discontinuation_proposed)
    parasol_section_add_row (group,
                             parasol_section_note_row ("dialog-warning-symbolic", "not-met",
                                                       _("Warning"),
                                                       _("Discontinuation proposed"),
                                                       plan->schedule->discontinuation_reason),
                             self->added);

  /* Deviations and other notes: each cycle shows its own; here they are together, folded */
  if (plan->schedule->warnings->len > 0)
    {
      guint n = plan->schedule->warnings->len;
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%u deviation or note",
                                                             "%u deviations or notes", n), n);
      GtkWidget *row =
        parasol_section_expander_row (title, _("Recorded reasons are part of the audit trail"));

      adw_expander_row_add_prefix (
        ADW_EXPANDER_ROW (row),
        parasol_section_status_icon ("dialog-warning-symbolic", "warning", _("Warning")));
      for (guint i = 0; i < n; i++)
        adw_expander_row_add_row (
          ADW_EXPANDER_ROW (row),
          parasol_section_text_row (g_ptr_array_index (plan->schedule->warnings, i), NULL));
      parasol_section_add_row (group, row, self->added);
    }
  for (guint i = 0; i < plan->warnings->len; i++)
    parasol_section_add_row (group,
                             parasol_section_note_row ("dialog-warning-symbolic", "warning",
                                                       _("Warning"),
                                                       g_ptr_array_index (plan->warnings, i), NULL),
                             self->added);

  for (guint i = 0; i < plan->schedule->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (plan->schedule->cycles, i);

      if (c->status == PARASOL_CYCLE_PLANNED && !self->show_all_cycles &&
          planned_shown >= PLANNED_CYCLES_SHOWN)
        {
          planned_hidden++;
          last_hidden = c;
          continue;
        }
      if (c->status == PARASOL_CYCLE_PLANNED)
        planned_shown++;

      {
        GtkWidget *row = cycle_row (c, parasol_patient_plan_get_doses (plan, c->number), c == next,
                                    regimen, &today, &end, ended);

        parasol_section_add_row (group, row, self->added);
        g_ptr_array_add (self->list_rows, row);
      }
      self->n_cycle_rows++;
    }

  if (planned_hidden > 0)
    {
      g_autofree char *until = parasol_section_format_date (&last_hidden->start);
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Show %u more planned cycle",
                                                             "Show %u more planned cycles",
                                                             planned_hidden), planned_hidden);
      /* Translators: %s is a date */
      g_autofree char *subtitle = g_strdup_printf (_("Until %s"), until);
      GtkWidget *row = parasol_section_action_row (title, subtitle);
      GtkWidget *icon = gtk_image_new_from_icon_name ("go-down-symbolic");

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_show_all_cycles), self,
                               G_CONNECT_SWAPPED);
      parasol_section_add_row (group, row, self->added);
      g_ptr_array_add (self->list_rows, row);
    }

  fill_month (self, context, next, &today, &end);
}

/* The list of cycles or the month view */
static void
apply_view (ParasolCalendarSection *self)
{
  gboolean month = g_strcmp0 (self->view, "month") == 0;

  for (guint i = 0; i < self->list_rows->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (self->list_rows, i), !month);
  gtk_widget_set_visible (GTK_WIDGET (self->month), month && self->patient_id > 0 &&
                                                    self->list_rows->len > 0);
}

static void
parasol_calendar_section_update (ParasolPatientSection       *section,
                                 const ParasolPatientContext *context)
{
  ParasolCalendarSection *self = PARASOL_CALENDAR_SECTION (section);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self);

  parasol_section_remove_rows (self->added);
  g_ptr_array_set_size (self->list_rows, 0);
  self->n_cycle_rows = 0;
  adw_preferences_group_set_description (group, NULL);

  /* "Show more" and the month shown last as long as the patient */
  if (context == NULL || context->patient_id != self->patient_id)
    {
      self->show_all_cycles = FALSE;
      self->month_shown_for_patient = FALSE;
    }
  self->patient_id = context != NULL ? context->patient_id : 0;
  g_clear_object (&self->store);
  g_clear_object (&self->protocol);

  if (context == NULL || context->no_treatment ||
      parasol_protocol_get_regimen (context->protocol) == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      apply_view (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  self->store = g_object_ref (context->store);
  self->protocol = g_object_ref (context->protocol);

  fill (self, context);
  apply_view (self);
}

/* ---- actions -------------------------------------------------------------------------------- */

static void
open_form (ParasolCalendarSection   *self,
           ParasolTreatmentFormKind  kind,
           GVariant                 *parameter)
{
  int cycle = 0;
  const char *drug = NULL, *date_str = NULL;
  GDate date;

  g_debug ("open form %d: store %p protocol %p patient %" G_GINT64_FORMAT, kind, self->store,
           self->protocol, self->patient_id);
  if (self->store == NULL || self->protocol == NULL || self->patient_id <= 0)
    return;
  g_date_clear (&date, 1);
  if (g_variant_is_of_type (parameter, G_VARIANT_TYPE ("(iss)")))
    {
      g_variant_get (parameter, "(i&s&s)", &cycle, &drug, &date_str);
      parasol_date_parse_iso (date_str, &date);
    }
  else
    cycle = g_variant_get_int32 (parameter);
  parasol_treatment_form_open (GTK_WIDGET (self), self->store, self->protocol, self->patient_id,
                               kind, cycle, drug, &date);
}

static void
record_dose_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_form (PARASOL_CALENDAR_SECTION (widget), PARASOL_TREATMENT_FORM_DOSE, parameter);
}

static void
skip_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  open_form (PARASOL_CALENDAR_SECTION (widget), PARASOL_TREATMENT_FORM_SKIP, parameter);
}

static void
delay_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  open_form (PARASOL_CALENDAR_SECTION (widget), PARASOL_TREATMENT_FORM_DELAY, parameter);
}

static void
parasol_calendar_section_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  ParasolCalendarSection *self = PARASOL_CALENDAR_SECTION (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_string (value, self->view);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_calendar_section_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  ParasolCalendarSection *self = PARASOL_CALENDAR_SECTION (object);
  const char *view;

  switch (prop_id)
    {
    case PROP_VIEW:
      view = g_strcmp0 (g_value_get_string (value), "month") == 0 ? "month" : "list";
      if (g_strcmp0 (view, self->view) != 0)
        {
          g_free (self->view);
          self->view = g_strdup (view);
          apply_view (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_calendar_section_iface_init (ParasolPatientSectionInterface *iface)
{
  iface->update = parasol_calendar_section_update;
}

static void
parasol_calendar_section_dispose (GObject *object)
{
  ParasolCalendarSection *self = PARASOL_CALENDAR_SECTION (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_ptr_array_set_size (self->added, 0);
  g_ptr_array_set_size (self->list_rows, 0);
  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_CALENDAR_SECTION);

  G_OBJECT_CLASS (parasol_calendar_section_parent_class)->dispose (object);
}

static void
parasol_calendar_section_finalize (GObject *object)
{
  ParasolCalendarSection *self = PARASOL_CALENDAR_SECTION (object);

  g_clear_pointer (&self->added, g_ptr_array_unref);
  g_clear_pointer (&self->list_rows, g_ptr_array_unref);
  g_clear_pointer (&self->view, g_free);

  G_OBJECT_CLASS (parasol_calendar_section_parent_class)->finalize (object);
}

static void
parasol_calendar_section_class_init (ParasolCalendarSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_calendar_section_dispose;
  object_class->finalize = parasol_calendar_section_finalize;
  object_class->get_property = parasol_calendar_section_get_property;
  object_class->set_property = parasol_calendar_section_set_property;

  /* "list" (the cycles) or "month" (the month view) */
  properties[PROP_VIEW] = g_param_spec_string ("view", NULL, NULL, "list",
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                               G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/parasol/Parasol/ui/parasol-calendar-section.ui");

  gtk_widget_class_install_action (widget_class, "calendar.record-dose", "(iss)", record_dose_action);
  gtk_widget_class_install_action (widget_class, "calendar.skip", "(iss)", skip_action);
  gtk_widget_class_install_action (widget_class, "calendar.delay", "i", delay_action);
  gtk_widget_class_install_property_action (widget_class, "calendar.view", "view");
}

static void
parasol_calendar_section_init (ParasolCalendarSection *self)
{
  GtkWidget *toggles, *list_button, *month_button;

  self->added = g_ptr_array_new ();
  self->list_rows = g_ptr_array_new ();
  self->view = g_strdup ("list");

  gtk_widget_init_template (GTK_WIDGET (self));

  /* List or month: a pair of toggles bound to calendar.view */
  toggles = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (toggles, "linked");
  gtk_widget_set_valign (toggles, GTK_ALIGN_CENTER);
  list_button = gtk_toggle_button_new_with_label (_("List"));
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (list_button), "calendar.view::list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Show the cycles as a list"), -1);
  gtk_widget_set_tooltip_text (list_button, _("Show the cycles as a list"));
  month_button = gtk_toggle_button_new_with_label (_("Month"));
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (month_button), "calendar.view::month");
  gtk_accessible_update_property (GTK_ACCESSIBLE (month_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Show the cycles as a month"), -1);
  gtk_widget_set_tooltip_text (month_button, _("Show the cycles as a month"));
  gtk_box_append (GTK_BOX (toggles), list_button);
  gtk_box_append (GTK_BOX (toggles), month_button);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), toggles);

  self->month = PARASOL_CYCLE_MONTH (parasol_cycle_month_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->month), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->month));
}

guint
parasol_calendar_section_get_n_cycle_rows (ParasolCalendarSection *self)
{
  g_return_val_if_fail (PARASOL_IS_CALENDAR_SECTION (self), 0);

  return self->n_cycle_rows;
}
