/* parasol-calendar-section.c — the cycle calendar section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The start-of-cycle check of the next cycle, deviations and notes, then every cycle with
 * what happened to each drug.  Planned cycles beyond the first few are folded behind "Show N
 * more planned cycles" until the patient changes.
 */
#define G_LOG_DOMAIN "parasol-calendar-section"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-calendar-section.h"
#include "parasol-patient-section.h"

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
};

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
  double             given;
  const char        *reason;
  GString           *days;
} DoseRun;

/* One line per run of days with the same outcome: "Given 200 mg on days 1, 2, 3" */
static char *
drug_outcome_text (const ParasolScheduleCycle *c,
                   const char                 *drug)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) runs = g_array_new (FALSE, TRUE, sizeof (DoseRun));

  for (guint i = 0; i < c->doses->len; i++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c->doses, i);
      DoseRun *run = NULL;

      if (g_strcmp0 (d->drug, drug) != 0)
        continue;

      for (guint k = 0; k < runs->len; k++)
        {
          DoseRun *r = &g_array_index (runs, DoseRun, k);

          if (r->status == d->status && g_strcmp0 (r->reason, d->reason) == 0 &&
              ((isnan (r->given) && isnan (d->given_dose)) || r->given == d->given_dose))
            run = r;
        }
      if (run == NULL)
        {
          DoseRun fresh = { d->status, d->given_dose, d->reason, g_string_new (NULL) };

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
          given = parasol_section_format_amount (r->given, NULL);
          /* Translators: "Given 200 on days 1, 2, 3" (the unit is in the row title) */
          g_string_append_printf (text, _("Given %s on days %s"), given, r->days->str);
          break;
        case PARASOL_DOSE_STATUS_REDUCED:
          given = parasol_section_format_amount (r->given, NULL);
          /* Translators: "Reduced: 150 on day 1" */
          g_string_append_printf (text, _("Reduced: %s on days %s"), given, r->days->str);
          break;
        case PARASOL_DOSE_STATUS_SKIPPED:
          /* Translators: "Skipped on days 2, 3" */
          g_string_append_printf (text, _("Skipped on days %s"), r->days->str);
          break;
        case PARASOL_DOSE_STATUS_PLANNED:
        default:
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

static GtkWidget *
cycle_row (const ParasolScheduleCycle *c,
           const ParasolDoseSet       *set,
           gboolean                    is_next)
{
  g_autofree char *title = g_strdup_printf (_("Cycle %d"), c->number);
  g_autofree char *day1 = parasol_section_format_date (&c->start);
  g_autofree char *from = parasol_section_format_date (&c->window_start);
  g_autofree char *to = parasol_section_format_date (&c->window_end);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GPtrArray) drugs = g_ptr_array_new ();
  gboolean any_flagged = FALSE, any_reduced = FALSE;
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
      g_autofree char *outcome = drug_outcome_text (c, drug);
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
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), drug_row);
    }

  if (drugs->len == 0)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              parasol_section_text_row (_("No drug in this cycle"), "dim-label"));

  /* Badges: colour only where it means something; the usual states are plain text */
  if (is_next)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 parasol_section_badge (_("Next"), "accent"));
  if (c->deviation)
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
  if (c->status == PARASOL_CYCLE_DELAYED)
    adw_expander_row_add_action (
      ADW_EXPANDER_ROW (row),
      parasol_section_badge (parasol_cycle_status_to_label (c->status), "warning"));
  else if (!is_next)
    adw_expander_row_add_action (
      ADW_EXPANDER_ROW (row),
      parasol_section_badge (parasol_cycle_status_to_label (c->status), "plain"));

  return row;
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

      parasol_section_add_row (
        group, cycle_row (c, parasol_patient_plan_get_doses (plan, c->number), c == next),
        self->added);
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
    }
}

static void
parasol_calendar_section_update (ParasolPatientSection       *section,
                                 const ParasolPatientContext *context)
{
  ParasolCalendarSection *self = PARASOL_CALENDAR_SECTION (section);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self);

  parasol_section_remove_rows (self->added);
  self->n_cycle_rows = 0;
  adw_preferences_group_set_description (group, NULL);

  /* "Show more" lasts as long as the patient */
  if (context == NULL || context->patient_id != self->patient_id)
    self->show_all_cycles = FALSE;
  self->patient_id = context != NULL ? context->patient_id : 0;

  if (context == NULL || context->no_treatment ||
      parasol_protocol_get_regimen (context->protocol) == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);

  fill (self, context);
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
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_CALENDAR_SECTION);

  G_OBJECT_CLASS (parasol_calendar_section_parent_class)->dispose (object);
}

static void
parasol_calendar_section_finalize (GObject *object)
{
  ParasolCalendarSection *self = PARASOL_CALENDAR_SECTION (object);

  g_clear_pointer (&self->added, g_ptr_array_unref);

  G_OBJECT_CLASS (parasol_calendar_section_parent_class)->finalize (object);
}

static void
parasol_calendar_section_class_init (ParasolCalendarSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_calendar_section_dispose;
  object_class->finalize = parasol_calendar_section_finalize;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/parasol/Parasol/ui/parasol-calendar-section.ui");
}

static void
parasol_calendar_section_init (ParasolCalendarSection *self)
{
  self->added = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

guint
parasol_calendar_section_get_n_cycle_rows (ParasolCalendarSection *self)
{
  g_return_val_if_fail (PARASOL_IS_CALENDAR_SECTION (self), 0);

  return self->n_cycle_rows;
}
