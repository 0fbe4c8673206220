/* parasol-biomarkers-section.c — the biomarkers and arm section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each marker against its threshold, then the proposed arm with its rule trace, conflicts and
 * pending results, and the investigator's decision.
 */
#define G_LOG_DOMAIN "parasol-biomarkers-section"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-biomarkers-section.h"
#include "parasol-patient-section.h"

struct _ParasolBiomarkersSection
{
  GtkBox                parent_instance;

  /* template */
  AdwPreferencesGroup  *markers_group;
  GtkBox               *banner_box;
  AdwPreferencesGroup  *arm_group;

  GPtrArray            *added;          /* rows added on update, owned by their groups */
  char                 *proposed_arms;
};

static void parasol_biomarkers_section_iface_init (ParasolPatientSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParasolBiomarkersSection, parasol_biomarkers_section, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (PARASOL_TYPE_PATIENT_SECTION,
                                                      parasol_biomarkers_section_iface_init))

/* A coloured box between groups, for what must not be missed */
static GtkWidget *
banner (const char *icon_name,
        const char *css_class,
        const char *title,
        const char *body)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (box, "page-banner");
  gtk_widget_add_css_class (box, css_class);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Attention"), -1);
  gtk_box_append (GTK_BOX (box), icon);

  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (text), heading);
  if (body != NULL)
    {
      GtkWidget *label = gtk_label_new (body);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (text), label);
    }
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  return box;
}

static char *
marker_threshold_text (const ParasolBiomarkerDef *def)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  for (guint i = 0; def->thresholds != NULL && i < def->thresholds->len; i++)
    {
      const ParasolMarkerThreshold *t = &g_array_index (def->thresholds, ParasolMarkerThreshold, i);
      g_autofree char *number = parasol_protocol_format_number (t->value);
      const char *op = parasol_compare_to_symbol (t->op);

      switch (t->method)
        {
        case PARASOL_MARKER_METHOD_PERCENT:
          /* Translators: a biomarker threshold: "≥ 50 % of tumour cells" */
          g_ptr_array_add (parts, g_strdup_printf (_("%s %s %% of tumour cells"), op, number));
          break;
        case PARASOL_MARKER_METHOD_HSCORE:
          /* Translators: a biomarker threshold: "H-score ≥ 150" */
          g_ptr_array_add (parts, g_strdup_printf (_("H-score %s %s"), op, number));
          break;
        case PARASOL_MARKER_METHOD_AMPLIFIED:
        default:
          g_ptr_array_add (parts, g_strdup (_("amplified")));
          break;
        }
    }

  if (parts->len == 0)
    return g_strdup (_("No threshold defined"));

  g_ptr_array_add (parts, NULL);
  /* Translators: joins thresholds: "≥ 10 % of tumour cells or amplified" */
  joined = g_strjoinv (_(" or "), (char **) parts->pdata);
  /* Translators: %s is one or more thresholds */
  return g_strdup_printf (_("High at %s"), joined);
}

static char *
marker_value_text (const ParasolBiomarkerResult *r)
{
  g_autofree char *value = parasol_protocol_format_number (r->value);
  g_autofree char *date = g_date_valid (&r->date) ? parasol_section_format_date (&r->date) : NULL;
  g_autofree char *text = NULL;

  switch (r->method)
    {
    case PARASOL_MARKER_METHOD_PERCENT:
      /* Translators: a biomarker result */
      text = g_strdup_printf (_("%s %% of tumour cells (IHC)"), value);
      break;
    case PARASOL_MARKER_METHOD_HSCORE:
      if (isfinite (r->intensity[0]) && isfinite (r->intensity[1]) && isfinite (r->intensity[2]))
        {
          g_autofree char *w = parasol_protocol_format_number (r->intensity[0]);
          g_autofree char *m = parasol_protocol_format_number (r->intensity[1]);
          g_autofree char *s = parasol_protocol_format_number (r->intensity[2]);

          /* Translators: a biomarker result with the staining intensities */
          text = g_strdup_printf (_("H-score %s (weak %s %%, moderate %s %%, strong %s %%)"),
                                  value, w, m, s);
        }
      else
        /* Translators: a biomarker result */
        text = g_strdup_printf (_("H-score %s"), value);
      break;
    case PARASOL_MARKER_METHOD_AMPLIFIED:
    default:
      text = g_strdup (parasol_biomarker_result_is_amplified (r) ? _("Amplified")
                                                                 : _("Not amplified"));
      break;
    }

  if (date == NULL)
    return g_steal_pointer (&text);

  /* Translators: "62 % of tumour cells (IHC), reported 2025-10-12" */
  return g_strdup_printf (_("%s, reported %s"), text, date);
}

static gboolean
str_array_contains (GPtrArray  *array,
                    const char *str)
{
  for (guint i = 0; array != NULL && i < array->len; i++)
    if (g_strcmp0 (g_ptr_array_index (array, i), str) == 0)
      return TRUE;

  return FALSE;
}

static void
fill (ParasolBiomarkersSection *self,
      ParasolProtocol          *protocol,
      const ParasolPatientFacts *facts,
      const ParasolEligibility  *e,
      const ParasolAssignment   *a)
{
  GPtrArray *markers = parasol_protocol_get_biomarkers (protocol);
  AdwPreferencesGroup *group = self->markers_group, *arm_group = self->arm_group;
  GtkWidget *row;
  g_autofree char *proposed = NULL;

  for (guint i = 0; markers != NULL && i < markers->len; i++)
    {
      const ParasolBiomarkerDef *def = g_ptr_array_index (markers, i);
      const ParasolBiomarkerResult *r = parasol_patient_facts_find_biomarker (facts, def->id);
      g_autofree char *threshold = marker_threshold_text (def);
      g_autofree char *value = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *tag;

      if (r == NULL)
        {
          if (str_array_contains (a->missing, def->id))
            value = g_strdup (_("Not entered, and an arm rule needs it"));
          tag = parasol_section_badge (_("Not tested"), "plain");
        }
      else if (r->pending)
        {
          g_autofree char *date =
            g_date_valid (&r->date) ? parasol_section_format_date (&r->date) : NULL;

          value = date != NULL
                  /* Translators: %s is a date */
                  ? g_strdup_printf (_("Sent to pathology on %s, no result yet"), date)
                  : g_strdup (_("Sent to pathology, no result yet"));
          tag = parasol_section_badge (_("Pending"), "warning");
        }
      else if (parasol_biomarker_def_is_positive (def, r))
        {
          value = marker_value_text (r);
          /* Translators: a biomarker above its threshold */
          tag = parasol_section_badge (_("High"), "accent");
        }
      else
        {
          value = marker_value_text (r);
          /* Translators: a biomarker below its threshold */
          tag = parasol_section_badge (_("Not high"), "plain");
        }

      subtitle = value != NULL ? g_strdup_printf ("%s\n%s", value, threshold)
                               : g_strdup (threshold);
      row = parasol_section_action_row (def->name != NULL ? def->name : def->id, subtitle);
      if (def->configurable && def->note != NULL)
        gtk_widget_set_tooltip_text (row, parasol_protocol_translate (def->note));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
      parasol_section_add_row (group, row, self->added);
    }

  if (markers == NULL || markers->len == 0)
    parasol_section_add_row (group,
                             parasol_section_note_row ("dialog-information-symbolic", NULL, NULL,
                                                       _("The protocol defines no biomarkers"),
                                                       NULL),
                             self->added);

  /* Several arms: never resolved silently */
  if (a->conflict)
    {
      g_autofree char *names = parasol_section_join_arm_names (protocol, a->proposed);
      /* Translators: %s lists arms: "DLL3 arm and XPO1 arm" */
      g_autofree char *title = g_strdup_printf (_("Several arms match: %s"), names);

      gtk_widget_set_visible (GTK_WIDGET (self->banner_box), TRUE);
      gtk_box_append (self->banner_box,
                      banner ("dialog-warning-symbolic", "warning", title,
                              _("The protocol does not rank them. The investigator chooses, "
                                "with a reason; the proposal and the choice both go into the "
                                "audit trail.")));
    }

  proposed = a->proposed->len > 0 ? parasol_section_join_arm_names (protocol, a->proposed) : NULL;
  g_free (self->proposed_arms);
  self->proposed_arms = parasol_assignment_proposed_string (a);

  if (proposed != NULL)
    {
      const ParasolArmDef *def = a->proposed->len == 1
                                 ? parasol_protocol_find_arm (protocol,
                                                              g_ptr_array_index (a->proposed, 0))
                                 : NULL;

      row = parasol_section_action_row (
        g_dngettext (GETTEXT_PACKAGE, "Proposed arm", "Proposed arms", a->proposed->len),
        def != NULL && def->description != NULL ? parasol_protocol_translate (def->description)
                                                : NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), parasol_section_value_label (proposed));
    }
  else if (e->verdict == PARASOL_VERDICT_NOT_ELIGIBLE)
    row = parasol_section_note_row ("action-unavailable-symbolic", "dim-label", NULL,
                                    _("No arm proposed"),
                                    _("No arm is proposed for a patient who is not eligible"));
  else if (a->pending->len > 0 || a->missing->len > 0)
    {
      g_autofree char *candidates = parasol_section_join_arm_names (protocol, a->candidates);
      /* Translators: %s lists arms */
      g_autofree char *subtitle = a->candidates->len > 0
                                  ? g_strdup_printf (_("Still possible: %s"), candidates) : NULL;

      row = parasol_section_note_row ("content-loading-symbolic", "warning", _("Waiting"),
                                      _("No arm proposed until every marker is back"), subtitle);
    }
  else
    row = parasol_section_action_row (_("No arm proposed"), NULL);
  parasol_section_add_row (arm_group, row, self->added);

  if (a->pending->len > 0)
    {
      g_autofree char *names = parasol_section_join_marker_names (protocol, a->pending);

      parasol_section_add_row (arm_group,
                               parasol_section_note_row ("content-loading-symbolic", "warning",
                                                         _("Pending"), _("Pending at pathology"),
                                                         names),
                               self->added);
    }
  if (a->missing->len > 0)
    {
      g_autofree char *names = parasol_section_join_marker_names (protocol, a->missing);

      parasol_section_add_row (
        arm_group,
        parasol_section_note_row ("dialog-question-symbolic", "missing", _("Missing data"),
                                  _("Needed by an arm rule, never entered"), names),
        self->added);
    }

  /* The investigator's decision, when made */
  {
    g_autofree char *assigned = parasol_section_arm_name (protocol, facts->arm);

    if (assigned != NULL)
      {
        gboolean as_proposed = parasol_assignment_is_proposed (a, facts->arm);
        const char *subtitle;

        if (as_proposed && !a->conflict)
          subtitle = _("As proposed");
        else if (as_proposed)
          subtitle = _("Chosen among the matching arms");
        else if (a->proposed->len > 0)
          subtitle =
            _("Differs from the current proposal: the investigator's choice, with a reason");
        else
          subtitle = NULL;

        row = parasol_section_action_row (_("Assigned arm"), subtitle);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), parasol_section_value_label (assigned));
        if (!as_proposed && a->proposed->len > 0)
          adw_action_row_add_prefix (
            ADW_ACTION_ROW (row), parasol_section_status_icon ("dialog-warning-symbolic", "warning",
                                                               _("Differs from the proposal")));
      }
    else
      row = parasol_section_action_row (_("Assigned arm"), _("Not yet assigned"));
    parasol_section_add_row (arm_group, row, self->added);
  }

  if (a->trace->len > 0)
    {
      row = parasol_section_expander_row (_("How the proposal was made"),
                                          _("Each arm rule of the protocol, in order"));
      for (guint i = 0; i < a->trace->len; i++)
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                  parasol_section_text_row (g_ptr_array_index (a->trace, i), NULL));
      parasol_section_add_row (arm_group, row, self->added);
    }
}

static void
parasol_biomarkers_section_update (ParasolPatientSection       *section,
                                   const ParasolPatientContext *context)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (section);
  GtkWidget *child;

  parasol_section_remove_rows (self->added);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->banner_box))) != NULL)
    gtk_box_remove (self->banner_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_box), FALSE);
  g_clear_pointer (&self->proposed_arms, g_free);

  gtk_widget_set_visible (GTK_WIDGET (self), context != NULL);
  if (context == NULL)
    return;

  fill (self, context->protocol, context->facts, context->eligibility, context->assignment);
}

static void
parasol_biomarkers_section_iface_init (ParasolPatientSectionInterface *iface)
{
  iface->update = parasol_biomarkers_section_update;
}

static void
parasol_biomarkers_section_dispose (GObject *object)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (object);

  g_ptr_array_set_size (self->added, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_BIOMARKERS_SECTION);

  G_OBJECT_CLASS (parasol_biomarkers_section_parent_class)->dispose (object);
}

static void
parasol_biomarkers_section_finalize (GObject *object)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (object);

  g_clear_pointer (&self->added, g_ptr_array_unref);
  g_clear_pointer (&self->proposed_arms, g_free);

  G_OBJECT_CLASS (parasol_biomarkers_section_parent_class)->finalize (object);
}

static void
parasol_biomarkers_section_class_init (ParasolBiomarkersSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_biomarkers_section_dispose;
  object_class->finalize = parasol_biomarkers_section_finalize;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/parasol/Parasol/ui/parasol-biomarkers-section.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolBiomarkersSection, markers_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolBiomarkersSection, banner_box);
  gtk_widget_class_bind_template_child (widget_class, ParasolBiomarkersSection, arm_group);
}

static void
parasol_biomarkers_section_init (ParasolBiomarkersSection *self)
{
  self->added = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
parasol_biomarkers_section_get_proposed_arms (ParasolBiomarkersSection *self)
{
  g_return_val_if_fail (PARASOL_IS_BIOMARKERS_SECTION (self), NULL);

  return self->proposed_arms != NULL ? self->proposed_arms : "";
}
