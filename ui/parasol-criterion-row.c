/* parasol-criterion-row.c — one inclusion or exclusion criterion and how the patient fares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-criterion-row"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-criterion-row.h"
#include "parasol-lab-dialog.h"
#include "parasol-schedule.h"

struct _ParasolCriterionRow
{
  AdwExpanderRow          parent_instance;

  /* template */
  GtkImage               *status_icon;
  GtkLabel               *id_label;
  GtkBox                 *details_box;

  char                   *criterion_id;
  ParasolCriterionStatus  status;
};

G_DEFINE_FINAL_TYPE (ParasolCriterionRow, parasol_criterion_row, ADW_TYPE_EXPANDER_ROW)

const char *
parasol_criterion_status_icon_name (ParasolCriterionStatus status)
{
  switch (status)
    {
    case PARASOL_STATUS_MET:
      return "object-select-symbolic";
    case PARASOL_STATUS_NOT_MET:
      return "window-close-symbolic";
    case PARASOL_STATUS_EXPIRED:
      return "alarm-symbolic";
    case PARASOL_STATUS_MISSING:
    default:
      return "dialog-question-symbolic";
    }
}

const char *
parasol_criterion_status_css_class (ParasolCriterionStatus status)
{
  switch (status)
    {
    case PARASOL_STATUS_MET:
      return "met";
    case PARASOL_STATUS_NOT_MET:
      return "not-met";
    case PARASOL_STATUS_EXPIRED:
      return "expired";
    case PARASOL_STATUS_MISSING:
    default:
      return "missing";
    }
}

/* The engine joins the checks of a criterion with "; " ("ANC ...; PLT ...; HGB ..."): one line
 * each reads better. */
static char *
reason_lines (const char *reason)
{
  g_auto(GStrv) parts = NULL;

  if (reason == NULL)
    return g_strdup ("");

  parts = g_strsplit (reason, "; ", -1);
  return g_strjoinv ("\n", parts);
}

static GtkWidget *
detail_label (const char *text,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* A value to read and copy, not a Tab stop. */
  gtk_widget_set_focusable (label, FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
parasol_criterion_row_finalize (GObject *object)
{
  ParasolCriterionRow *self = PARASOL_CRITERION_ROW (object);

  g_clear_pointer (&self->criterion_id, g_free);

  G_OBJECT_CLASS (parasol_criterion_row_parent_class)->finalize (object);
}

static void
parasol_criterion_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PARASOL_TYPE_CRITERION_ROW);

  G_OBJECT_CLASS (parasol_criterion_row_parent_class)->dispose (object);
}

static void
parasol_criterion_row_class_init (ParasolCriterionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_criterion_row_dispose;
  object_class->finalize = parasol_criterion_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-criterion-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolCriterionRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, ParasolCriterionRow, id_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolCriterionRow, details_box);
}

static void
parasol_criterion_row_init (ParasolCriterionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
parasol_criterion_row_new (const ParasolCriterion       *criterion,
                           const ParasolCriterionResult *result)
{
  ParasolCriterionRow *self;
  GtkBox *box;
  g_autofree char *subtitle = NULL;
  const char *title = NULL;
  const char *status_label;

  g_return_val_if_fail (result != NULL, NULL);

  self = g_object_new (PARASOL_TYPE_CRITERION_ROW, NULL);
  self->criterion_id = g_strdup (result->id);
  self->status = result->status;
  status_label = parasol_criterion_status_to_label (result->status);

  if (criterion != NULL && criterion->title != NULL)
    title = parasol_protocol_translate (criterion->title);
  else if (criterion != NULL && criterion->text != NULL)
    title = parasol_protocol_translate (criterion->text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title != NULL ? title : result->id);

  subtitle = reason_lines (result->reason);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);

  gtk_image_set_from_icon_name (self->status_icon,
                                parasol_criterion_status_icon_name (result->status));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon),
                            parasol_criterion_status_css_class (result->status));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_icon), status_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, status_label,
                                  -1);

  gtk_label_set_label (self->id_label, result->id);

  /* The row's accessible description: the status in words, then the reason */
  {
    g_autofree char *description = g_strdup_printf ("%s. %s", status_label,
                                                    result->reason ? result->reason : "");

    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                    -1);
  }

  /* Expanded: the full text and what goes with it */
  box = self->details_box;

  if (criterion != NULL && criterion->text != NULL)
    gtk_box_append (box, detail_label (parasol_protocol_translate (criterion->text), NULL));

  if (criterion != NULL)
    {
      const char *how = NULL;

      if (criterion->evaluation == PARASOL_EVALUATION_COMPUTED)
        how = criterion->kind == PARASOL_CRITERION_INCLUSION
              ? _("Inclusion criterion, computed from the patient's data")
              : _("Exclusion criterion, computed from the patient's data");
      else
        how = criterion->kind == PARASOL_CRITERION_INCLUSION
              ? _("Inclusion criterion, attested by the investigator")
              : _("Exclusion criterion, attested by the investigator: met means free of the condition");
      gtk_box_append (box, detail_label (how, "dim-label"));
    }

  if (result->to_confirm != NULL)
    {
      /* Translators: an attested remainder of a computed criterion */
      g_autofree char *text = g_strdup_printf (_("Still to confirm: %s"), result->to_confirm);

      gtk_box_append (box, detail_label (text, "warning"));
    }

  if (g_date_valid (&result->lapses_on))
    {
      char buf[16];
      g_autofree char *text = NULL;

      /* Translators: %s is a date, YYYY-MM-DD */
      text = g_strdup_printf (_("The data used stay valid until %s"),
                              parasol_date_format (&result->lapses_on, buf, sizeof buf));
      gtk_box_append (box, detail_label (text, "dim-label"));
    }

  if (criterion != NULL && criterion->note != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Protocol note: %s"),
                                               parasol_protocol_translate (criterion->note));

      gtk_box_append (box, detail_label (text, "dim-label"));
    }

  return GTK_WIDGET (self);
}

static GtkWidget *
action_button (const char *label,
               const char *accessible_label,
               const char *action_name,
               const char *criterion_id)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", criterion_id);
  gtk_widget_set_tooltip_text (button, accessible_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  return button;
}

/* Whether @rule reads a screening fact of the "Screening Facts" form (ECOG, the pregnancy
 * test's childbearing potential, the last transfusion) */
static gboolean
rule_reads_facts (const ParasolRule *rule)
{
  if (rule == NULL)
    return FALSE;
  if (rule->type == PARASOL_RULE_ECOG || rule->type == PARASOL_RULE_PREGNANCY_TEST ||
      rule->type == PARASOL_RULE_TRANSFUSION_FREE)
    return TRUE;
  for (guint i = 0; rule->children != NULL && i < rule->children->len; i++)
    if (rule_reads_facts (g_ptr_array_index (rule->children, i)))
      return TRUE;
  return FALSE;
}

void
parasol_criterion_row_add_actions (ParasolCriterionRow    *self,
                                   const ParasolCriterion *criterion)
{
  g_auto(GStrv) labs = NULL;
  const char *title;

  g_return_if_fail (PARASOL_IS_CRITERION_ROW (self));

  if (criterion == NULL)
    return;

  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self));
  labs = parasol_lab_dialog_criterion_labs (criterion);
  if (labs[0] != NULL)
    {
      /* Translators: %s is a criterion's title, "Bone marrow reserve" */
      g_autofree char *name = g_strdup_printf (_("Enter a result for %s"), title);

      adw_expander_row_add_action (ADW_EXPANDER_ROW (self),
                                   action_button (_("Result…"), name, "section.enter-lab",
                                                  criterion->id));
    }
  if (rule_reads_facts (criterion->rule))
    {
      /* Translators: %s is a criterion's title, "Performance status" */
      g_autofree char *name = g_strdup_printf (_("Edit the screening facts for %s"), title);

      adw_expander_row_add_action (ADW_EXPANDER_ROW (self),
                                   action_button (_("Facts…"), name, "section.edit-facts",
                                                  criterion->id));
    }
  if (criterion->evaluation == PARASOL_EVALUATION_ATTESTED || criterion->attest_text != NULL)
    {
      /* Translators: %s is a criterion's title, "Measurable lesion (RECIST 1.1)" */
      g_autofree char *name = g_strdup_printf (_("Attest %s"), title);

      adw_expander_row_add_action (ADW_EXPANDER_ROW (self),
                                   action_button (_("Attest…"), name, "section.attest",
                                                  criterion->id));
    }
}

const char *
parasol_criterion_row_get_criterion_id (ParasolCriterionRow *self)
{
  g_return_val_if_fail (PARASOL_IS_CRITERION_ROW (self), NULL);

  return self->criterion_id;
}

ParasolCriterionStatus
parasol_criterion_row_get_status (ParasolCriterionRow *self)
{
  g_return_val_if_fail (PARASOL_IS_CRITERION_ROW (self), PARASOL_STATUS_MISSING);

  return self->status;
}

gboolean
parasol_criterion_row_is_problem (ParasolCriterionRow *self)
{
  g_return_val_if_fail (PARASOL_IS_CRITERION_ROW (self), TRUE);

  return self->status != PARASOL_STATUS_MET;
}
