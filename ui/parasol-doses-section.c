/* parasol-doses-section.c — the doses section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The doses of the next cycle (or the last one listed), with what they rest on (BSA, CrCl,
 * the GFR used) and each drug's working; or why there are none.
 */
#define G_LOG_DOMAIN "parasol-doses-section"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-doses-section.h"
#include "parasol-patient-section.h"

struct _ParasolDosesSection
{
  AdwPreferencesGroup  parent_instance;

  GPtrArray           *added;   /* rows added on update, owned by the group */
};

static void parasol_doses_section_iface_init (ParasolPatientSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParasolDosesSection, parasol_doses_section,
                               ADW_TYPE_PREFERENCES_GROUP,
                               G_IMPLEMENT_INTERFACE (PARASOL_TYPE_PATIENT_SECTION,
                                                      parasol_doses_section_iface_init))

static char *
join_days (GArray *days)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; days != NULL && i < days->len; i++)
    g_string_append_printf (str, "%s%d", i > 0 ? ", " : "", g_array_index (days, int, i));

  return g_string_free (g_steal_pointer (&str), FALSE);
}

static GtkWidget *
dose_row (const ParasolDose *d)
{
  GtkWidget *row, *suffix, *label;
  g_autofree char *days = join_days (d->days);
  g_autofree char *dose = parasol_section_format_amount (d->dose, d->unit);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  g_string_append_printf (subtitle, "%s · ", d->route != NULL ? d->route : "—");
  /* Translators: cycle days a drug is given on: "days 1, 2, 3" */
  g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, "day %s", "days %s",
                                                 d->days ? d->days->len : 0), days);
  if (d->dose_level < 1.0)
    /* Translators: a reduced dose level, "75 % of the full dose" */
    g_string_append_printf (subtitle, _(" · %.0f %% of the full dose"), d->dose_level * 100);
  if (d->tablets != NULL)
    g_string_append_printf (subtitle, " · %s", d->tablets);

  row = parasol_section_expander_row (
    d->name != NULL ? parasol_protocol_translate (d->name) : d->drug, subtitle->str);

  suffix = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  label = parasol_section_value_label (dose);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_tooltip_text (label, d->working);
  gtk_box_append (GTK_BOX (suffix), label);
  if (d->rounded || d->capped)
    {
      g_autofree char *raw =
        parasol_section_format_amount (round (d->dose_unrounded * 10) / 10, d->unit);
      g_autofree char *text = d->capped
                              /* Translators: the dose before a cap: "calculated 812.5 mg" */
                              ? g_strdup_printf (_("calculated %s, capped"), raw)
                              /* Translators: the dose before rounding */
                              : g_strdup_printf (_("unrounded %s"), raw);

      label = parasol_section_value_label (text);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (suffix), label);
    }
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), suffix);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            parasol_section_text_row (d->working, "working"));
  if (d->configurable)
    {
      g_autofree char *text = d->note != NULL
                              /* Translators: an open question of the protocol */
                              ? g_strdup_printf (_("Site-configurable: %s"),
                                                 parasol_protocol_translate (d->note))
                              : g_strdup (_("Site-configurable dose and days"));

      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), parasol_section_text_row (text, "warning"));
    }

  return row;
}

static void
fill (ParasolDosesSection         *self,
      const ParasolPatientContext *context)
{
  const ParasolPatientFacts *facts = context->facts;
  const ParasolPatientPlan *plan = context->plan;
  const ParasolScheduleCycle *cycle = context->dose_cycle;
  const char *plan_error = context->plan_error;
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (context->protocol);
  const ParasolDoseSet *set = plan != NULL && cycle != NULL
                              ? parasol_patient_plan_get_doses (plan, cycle->number) : NULL;
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self);

  if (plan == NULL || cycle == NULL)
    {
      if (context->course != NULL && context->course->ended)
        parasol_section_add_row (
          group,
          parasol_section_note_row ("action-unavailable-symbolic", "dim-label", NULL,
                                    _("No doses to give"),
                                    _("The patient's treatment has ended")),
          self->added);
      else if (!g_date_valid (&facts->c1d1))
        parasol_section_add_row (
          group,
          parasol_section_note_row ("x-office-calendar-symbolic", "dim-label", NULL,
                                    _("No doses yet"),
                                    _("Doses are calculated for each cycle once the "
                                       "patient is enrolled with a cycle 1 day 1")),
          self->added);
      else
        parasol_section_add_row (
          group,
          parasol_section_note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                    _("Doses cannot be calculated"), plan_error),
          self->added);
      return;
    }

  {
    g_autofree char *day1 = parasol_section_format_date (&cycle->start);
    g_autofree char *title = g_strdup_printf (_("Doses for Cycle %d"), cycle->number);
    /* Translators: "Induction, day 1 on 2025-10-30: calculated on that day" */
    g_autofree char *description = g_strdup_printf (
      _("%s, day 1 on %s; calculated with the patient's data on that day"),
      cycle->phase == PARASOL_PHASE_MAINTENANCE ? _("Maintenance") : _("Induction"), day1);

    adw_preferences_group_set_title (group, title);
    adw_preferences_group_set_description (group, description);
  }

  /* Off treatment or dead: nothing to give (issue 11); the calculation stays below, as record */
  {
    GDate end;

    if (parasol_schedule_treatment_ended (facts, &end))
      {
        g_autofree char *day = parasol_section_format_date (&end);
        g_autofree char *subtitle = g_date_valid (&end)
                                    /* Translators: %s is a date */
                                    ? g_strdup_printf (_("Treatment ended on %s; the doses below "
                                                         "are the last calculated, for the record"),
                                                       day)
                                    : g_strdup (_("The patient is off treatment; the doses below "
                                                  "are the last calculated, for the record"));

        adw_preferences_group_set_title (group, _("Doses (no doses to give)"));
        parasol_section_add_row (group,
                                 parasol_section_note_row ("action-unavailable-symbolic",
                                                           "dim-label", NULL,
                                                           _("No doses to give"), subtitle),
                                 self->added);
      }
  }

  if (set == NULL)
    {
      for (guint i = 0; i < plan->warnings->len; i++)
        parasol_section_add_row (
          group,
          parasol_section_note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                    g_ptr_array_index (plan->warnings, i), NULL),
          self->added);
      if (plan->warnings->len == 0)
        parasol_section_add_row (group,
                                 parasol_section_note_row ("dialog-warning-symbolic", "warning",
                                                           _("Warning"),
                                                           _("Doses cannot be calculated"), NULL),
                                 self->added);
      return;
    }

  /* What the doses rest on */
  {
    g_autofree char *bsa = parasol_section_format_fixed (set->bsa_m2, 2, "m²");
    g_autofree char *crcl = parasol_section_format_fixed (set->crcl_ml_min, 1, "mL/min");
    g_autofree char *gfr = parasol_section_format_fixed (set->gfr_used_ml_min, 1, "mL/min");
    g_autofree char *crcl_sub = NULL;
    g_autofree char *gfr_sub = NULL;
    g_autofree char *bsa_sub = NULL;
    ParasolPatientDosing pd;
    GDate wd = parasol_patient_weight_date (context->store, context->patient_id);
    GtkWidget *row;

    if (set->bsa_uncapped_m2 > set->bsa_m2 + 1e-9)
      /* Translators: BSA capped from its calculated value */
      bsa_sub = g_strdup_printf (_("Mosteller or DuBois as configured; capped from %.2f m²"),
                                 set->bsa_uncapped_m2);
    row = parasol_section_action_row (_("Body surface area"), bsa_sub);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), parasol_section_value_label (bsa));
    parasol_section_add_row (group, row, self->added);

    if (isfinite (set->crcl_weight_kg))
      /* Translators: the weight that went into Cockcroft-Gault */
      crcl_sub = g_strdup_printf (_("Cockcroft-Gault with %.1f kg"), set->crcl_weight_kg);
    row = parasol_section_action_row (_("Creatinine clearance"), crcl_sub);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), parasol_section_value_label (crcl));
    parasol_section_add_row (group, row, self->added);

    if (regimen != NULL && regimen->gfr_cap_ml_min > 0)
      /* Translators: the Calvert GFR cap */
      gfr_sub = g_strdup_printf (_("For Calvert, capped at %.0f mL/min"), regimen->gfr_cap_ml_min);
    row = parasol_section_action_row (_("GFR used"), gfr_sub);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), parasol_section_value_label (gfr));
    parasol_section_add_row (group, row, self->added);

    for (guint i = 0; i < set->doses->len; i++)
      parasol_section_add_row (group, dose_row (g_ptr_array_index (set->doses, i)), self->added);

    for (guint i = 0; i < set->warnings->len; i++)
      parasol_section_add_row (
        group,
        parasol_section_note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                  g_ptr_array_index (set->warnings, i), NULL),
        self->added);

    if (regimen != NULL &&
        parasol_patient_dosing_init (&pd, facts, regimen, &cycle->start, &wd, NULL))
      {
        g_autofree char *warning = parasol_patient_dosing_weight_warning (&pd, regimen);

        if (warning != NULL)
          parasol_section_add_row (group,
                                   parasol_section_note_row ("dialog-warning-symbolic", "warning",
                                                             _("Warning"), warning, NULL),
                                   self->added);
      }
  }
}

static void
parasol_doses_section_update (ParasolPatientSection       *section,
                              const ParasolPatientContext *context)
{
  ParasolDosesSection *self = PARASOL_DOSES_SECTION (section);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self);

  parasol_section_remove_rows (self->added);
  adw_preferences_group_set_title (group, _("Doses"));
  adw_preferences_group_set_description (group, NULL);

  if (context == NULL ||
      (!context->no_treatment && parasol_protocol_get_regimen (context->protocol) == NULL))
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);

  if (context->no_treatment)
    {
      /* Failed screening: one group says there is no treatment, and the calendar hides */
      adw_preferences_group_set_title (group, _("Treatment"));
      parasol_section_add_row (group,
                               parasol_section_note_row ("action-unavailable-symbolic", "dim-label",
                                                         NULL, _("No doses and no calendar"),
                                                         _("The patient failed screening and did "
                                                            "not enter treatment")),
                               self->added);
      return;
    }

  fill (self, context);
}

static void
parasol_doses_section_iface_init (ParasolPatientSectionInterface *iface)
{
  iface->update = parasol_doses_section_update;
}

static void
parasol_doses_section_dispose (GObject *object)
{
  ParasolDosesSection *self = PARASOL_DOSES_SECTION (object);

  g_ptr_array_set_size (self->added, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_DOSES_SECTION);

  G_OBJECT_CLASS (parasol_doses_section_parent_class)->dispose (object);
}

static void
parasol_doses_section_finalize (GObject *object)
{
  ParasolDosesSection *self = PARASOL_DOSES_SECTION (object);

  g_clear_pointer (&self->added, g_ptr_array_unref);

  G_OBJECT_CLASS (parasol_doses_section_parent_class)->finalize (object);
}

static void
parasol_doses_section_class_init (ParasolDosesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_doses_section_dispose;
  object_class->finalize = parasol_doses_section_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-doses-section.ui");
}

static void
parasol_doses_section_init (ParasolDosesSection *self)
{
  self->added = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
