/* parasol-biomarkers-section.c — the biomarkers and arm section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each marker against its threshold, then the proposed arm with its rule trace, conflicts and
 * pending results, and the investigator's decision.
 *
 * Recording (issue 10), each through the core call its parasol-cli command makes:
 *   - a marker's result, the way its method needs (% of tumour cells, staining intensities from
 *     which core computes the H-score, amplified or not, pending), with the sample date:
 *     parasol_biomarker_def_prepare() and parasol_store_add_biomarker() (`biomarker add`);
 *   - the arm decision: parasol_assignment_check_choice() and parasol_store_record_assignment()
 *     (`assign --confirm ARM --reason TEXT`), on a fresh evaluation as the CLI makes it;
 *   - enrolment: parasol_enrolment_enrol() (`enrol`), refused with the engine's reasons.
 * The actions are biomarkers.record-marker (the marker id), biomarkers.decide-arm and
 * biomarkers.enrol; refusals are shown under the form that was filled in.
 */
#define G_LOG_DOMAIN "parasol-biomarkers-section"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-biomarkers-section.h"
#include "parasol-enrolment.h"
#include "parasol-input.h"
#include "parasol-patient-section.h"

/* The controls of one marker's form, kept while its rows live */
typedef struct {
  char           *marker;
  char           *name;
  GtkToggleButton *percent;
  GtkToggleButton *hscore;
  GtkToggleButton *amplified;
  GtkToggleButton *not_amplified;
  GtkToggleButton *pending;
  GtkWidget      *percent_row;
  GtkEditable    *percent_entry;
  GtkWidget      *intensity_row;
  GtkEditable    *intensity[3];
  GtkLabel       *hscore_label;
  GtkEditable    *date;
  GtkEditable    *reason;
  GtkLabel       *error;
} MarkerForm;

static void
marker_form_free (MarkerForm *form)
{
  g_free (form->marker);
  g_free (form->name);
  g_free (form);
}

struct _ParasolBiomarkersSection
{
  GtkBox                parent_instance;

  /* template */
  AdwPreferencesGroup  *markers_group;
  GtkBox               *banner_box;
  AdwPreferencesGroup  *arm_group;
  AdwPreferencesGroup  *decision_group;
  AdwPreferencesGroup  *enrol_group;

  GPtrArray            *added;          /* rows added on update, owned by their groups */
  char                 *proposed_arms;

  /* What the forms write to, from the last update */
  ParasolStore         *store;
  ParasolProtocol      *protocol;
  gint64                patient_id;

  GHashTable           *marker_forms;   /* marker id -> MarkerForm* */
  GPtrArray            *arm_checks;     /* GtkToggleButton*, "parasol-arm" data: the arm id */
  GtkEditable          *arm_reason;
  GtkLabel             *arm_error;
  GPtrArray            *ici_checks;     /* GtkToggleButton*, "parasol-ici" data: the drug id */
  GPtrArray            *platinum_checks;/* GtkToggleButton*, "parasol-platinum" data: the drug id */
  GtkEditable          *c1d1;
  GtkEditable          *subject_number;
  GtkEditable          *enrol_note;
  GtkLabel             *enrol_error;
  GtkBox               *enrol_failures;
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

/* ---- Form helpers ------------------------------------------------------------------------------ */

/* "DLL3: Pending" — the accessible name of a control in a marker's form */
static char *
marker_control_name (const char *marker,
                     const char *control)
{
  /* Translators: the name a screen reader reads for a control of one marker's form:
   * "DLL3: % of tumour cells" */
  return g_strdup_printf (_("%s: %s"), marker, control);
}

static void
set_accessible_name (GtkWidget  *widget,
                     const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static GtkEditable *
form_entry (const char *accessible_name,
            const char *placeholder,
            const char *text,
            int         width_chars)
{
  GtkWidget *entry = gtk_entry_new ();

  set_accessible_name (entry, accessible_name);
  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width_chars);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);

  return GTK_EDITABLE (entry);
}

/* One of a linked group of toggle buttons: radio buttons a screen reader can press (GTK 4.8
 * gives check buttons no accessible action) */
static GtkToggleButton *
form_radio (const char      *label,
            const char      *accessible_name,
            GtkToggleButton *group)
{
  GtkWidget *toggle = gtk_toggle_button_new_with_label (label);
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (toggle));

  /* A narrow window shortens the labels rather than widening the page */
  if (GTK_IS_LABEL (child))
    gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (toggle, label);
  if (accessible_name != NULL)
    set_accessible_name (toggle, accessible_name);
  if (group != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (toggle), group);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);

  return GTK_TOGGLE_BUTTON (toggle);
}

/* A full-width row: a title over a linked, homogeneous box of choices */
static GtkWidget *
form_choice_row (const char *title,
                 GtkWidget **box_out)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  set_accessible_name (row, title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (vbox), label);
  gtk_widget_add_css_class (box, "linked");
  gtk_box_set_homogeneous (GTK_BOX (box), TRUE);
  gtk_box_append (GTK_BOX (vbox), box);
  gtk_widget_set_margin_top (vbox, 10);
  gtk_widget_set_margin_bottom (vbox, 10);
  gtk_widget_set_margin_start (vbox, 12);
  gtk_widget_set_margin_end (vbox, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), vbox);

  *box_out = box;
  return row;
}

/* A hidden, wrapped label for a refusal, read out as an alert */
static GtkLabel *
form_error_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_focusable (label, FALSE);  /* copied with the mouse; no Tab stop */
  gtk_widget_add_css_class (label, "error");
  gtk_widget_set_visible (label, FALSE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Refused"), -1);

  return GTK_LABEL (label);
}

static void
form_show_error (GtkLabel   *label,
                 const char *message)
{
  gtk_label_set_label (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* A row holding @label (for refusals) and a suggested button bound to @action */
static GtkWidget *
form_button_row (GtkLabel   *error,
                 const char *label,
                 const char *accessible_name,
                 const char *action,
                 GVariant   *target)
{
  GtkWidget *row = adw_preferences_row_new ();  /* inside the boxed list, not below it */
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  set_accessible_name (row, accessible_name != NULL ? accessible_name : label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (error));
  gtk_widget_set_hexpand (GTK_WIDGET (error), TRUE);

  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (button, 8);
  gtk_widget_set_margin_bottom (button, 8);
  gtk_widget_set_margin_end (button, 12);
  if (accessible_name != NULL)
    set_accessible_name (button, accessible_name);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (target != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_box_append (GTK_BOX (box), button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

/* The text of @editable, stripped; NULL when empty */
static char *
form_text (GtkEditable *editable)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/* "C1D1: not a date …" — a parse error named after the field it came from */
static char *
field_error (const char   *field,
             const GError *error)
{
  /* Translators: a value that could not be read: "Sample date: “2025-13-01” is not a date" */
  return g_strdup_printf (_("%s: %s"), field, error->message);
}

static char *
today_text (void)
{
  GDate today;

  parasol_date_set_today (&today);
  return parasol_date_to_iso (&today);
}

/* ---- Biomarker forms ------------------------------------------------------------------------- */

static void
marker_form_sync (MarkerForm *form)
{
  gtk_widget_set_visible (form->percent_row,
                          form->percent != NULL && gtk_toggle_button_get_active (form->percent));
  gtk_widget_set_visible (form->intensity_row,
                          form->hscore != NULL && gtk_toggle_button_get_active (form->hscore));
}

static void
on_method_toggled (GtkToggleButton *check,
                   MarkerForm     *form)
{
  marker_form_sync (form);
}

/* The H-score of the intensities typed so far, by core's formula */
static void
on_intensity_changed (GtkEditable *editable,
                      MarkerForm  *form)
{
  double v[3];

  for (int i = 0; i < 3; i++)
    if (!parasol_parse_double (gtk_editable_get_text (form->intensity[i]), &v[i], NULL))
      {
        gtk_label_set_label (form->hscore_label, _("H-score: —"));
        return;
      }

  {
    g_autofree char *number =
      parasol_protocol_format_number (parasol_hscore_from_intensities (v[0], v[1], v[2]));
    /* Translators: the H-score computed from the intensities typed */
    g_autofree char *text = g_strdup_printf (_("H-score: %s"), number);

    gtk_label_set_label (form->hscore_label, text);
  }
}

static guint
marker_methods (const ParasolBiomarkerDef *def)
{
  guint mask = 0;

  for (guint i = 0; def->thresholds != NULL && i < def->thresholds->len; i++)
    mask |= 1u << g_array_index (def->thresholds, ParasolMarkerThreshold, i).method;
  return mask;
}

/* The rows under a marker's expander: how it was measured, the value, the date, a note */
static void
add_marker_form (ParasolBiomarkersSection  *self,
                 AdwExpanderRow            *expander,
                 const ParasolBiomarkerDef *def)
{
  MarkerForm *form = g_new0 (MarkerForm, 1);
  const char *name = def->name != NULL ? def->name : def->id;
  guint methods = marker_methods (def);
  GtkToggleButton *group = NULL;
  GtkWidget *row, *box;
  g_autofree char *today = today_text ();

  form->marker = g_strdup (def->id);
  form->name = g_strdup (name);
  /* The rows own the form; the table only finds it */
  g_object_set_data_full (G_OBJECT (expander), "parasol-marker-form", form,
                          (GDestroyNotify) marker_form_free);
  g_hash_table_replace (self->marker_forms, form->marker, form);

  /* How it was measured */
  row = parasol_section_action_row (_("Result"), NULL);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  if (methods & (1u << PARASOL_MARKER_METHOD_PERCENT))
    {
      /* xgettext:no-c-format */
      const char *label = _("% of tumour cells");
      g_autofree char *a11y = marker_control_name (name, label);

      form->percent = group = form_radio (label, a11y, NULL);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->percent));
    }
  if (methods & (1u << PARASOL_MARKER_METHOD_HSCORE))
    {
      g_autofree char *a11y = marker_control_name (name, _("H-score from intensities"));

      form->hscore = form_radio (_("H-score from intensities"), a11y, group);
      group = group != NULL ? group : form->hscore;
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->hscore));
    }
  if (methods & (1u << PARASOL_MARKER_METHOD_AMPLIFIED))
    {
      g_autofree char *a11y_yes = marker_control_name (name, _("Amplified"));
      g_autofree char *a11y_no = marker_control_name (name, _("Not amplified"));

      form->amplified = form_radio (_("Amplified"), a11y_yes, group);
      group = group != NULL ? group : form->amplified;
      form->not_amplified = form_radio (_("Not amplified"), a11y_no, group);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->amplified));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->not_amplified));
    }
  {
    /* Translators: a result not back from pathology yet */
    g_autofree char *a11y = marker_control_name (name, _("Pending"));

    form->pending = form_radio (_("Pending"), a11y, group);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->pending));
  }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_expander_row_add_row (expander, row);

  /* % of tumour cells */
  {
    g_autofree char *a11y = marker_control_name (name, _("Tumour cells stained, %"));

    form->percent_row = parasol_section_action_row (_("Tumour cells stained, %"),
                                                    _("0 to 100"));
    form->percent_entry = form_entry (a11y, "62", NULL, 8);
    adw_action_row_add_suffix (ADW_ACTION_ROW (form->percent_row),
                               GTK_WIDGET (form->percent_entry));
    adw_expander_row_add_row (expander, form->percent_row);
  }

  /* Intensities 1+, 2+, 3+ (the rest is 0); core makes the H-score */
  {
    const char *labels[3] = { N_("1+ (weak), %"), N_("2+ (moderate), %"), N_("3+ (strong), %") };
    const char *short_labels[3] = { N_("1+"), N_("2+"), N_("3+") };

    form->intensity_row = parasol_section_action_row (
      _("Cells stained by intensity, %"),
      _("Unstained cells (0) are the rest; H-score = 1 × weak + 2 × moderate + 3 × strong"));
    box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
    for (int i = 0; i < 3; i++)
      {
        g_autofree char *a11y = marker_control_name (name, _(labels[i]));
        GtkWidget *label = gtk_label_new (_(short_labels[i]));

        gtk_widget_add_css_class (label, "dim-label");
        gtk_box_append (GTK_BOX (box), label);
        form->intensity[i] = form_entry (a11y, "0", NULL, 4);
        g_signal_connect (form->intensity[i], "changed", G_CALLBACK (on_intensity_changed), form);
        gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->intensity[i]));
      }
    form->hscore_label = GTK_LABEL (gtk_label_new (_("H-score: —")));
    gtk_widget_add_css_class (GTK_WIDGET (form->hscore_label), "numeric");
    gtk_widget_set_margin_start (GTK_WIDGET (form->hscore_label), 6);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->hscore_label));
    adw_action_row_add_suffix (ADW_ACTION_ROW (form->intensity_row), box);
    adw_expander_row_add_row (expander, form->intensity_row);
  }

  {
    g_autofree char *a11y_date = marker_control_name (name, _("Sample date"));
    g_autofree char *a11y_reason = marker_control_name (name, _("Note for the audit trail"));
    g_autofree char *a11y_button = marker_control_name (name, _("Record Result"));

    row = parasol_section_action_row (_("Sample date"), _("Or the report date, YYYY-MM-DD"));
    form->date = form_entry (a11y_date, _("YYYY-MM-DD"), today, 11);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (form->date));
    adw_expander_row_add_row (expander, row);

    row = parasol_section_action_row (_("Note for the audit trail"),
                                      _("Optional; say why when it replaces a result"));
    form->reason = form_entry (a11y_reason, NULL, NULL, 24);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (form->reason));
    adw_expander_row_add_row (expander, row);

    form->error = form_error_label ();
    adw_expander_row_add_row (expander,
                              form_button_row (form->error, _("Record Result"), a11y_button,
                                               "biomarkers.record-marker",
                                               g_variant_new_string (def->id)));
  }

  /* A value to type is shown at once; amplified or not is never chosen for the person */
  if (form->percent != NULL)
    gtk_toggle_button_set_active (form->percent, TRUE);
  else if (form->hscore != NULL)
    gtk_toggle_button_set_active (form->hscore, TRUE);
  if (form->percent != NULL)
    g_signal_connect (form->percent, "toggled", G_CALLBACK (on_method_toggled), form);
  if (form->hscore != NULL)
    g_signal_connect (form->hscore, "toggled", G_CALLBACK (on_method_toggled), form);
  marker_form_sync (form);
}

/* After the next layout: @focus takes the focus and the page scrolls @top to the top of the
 * view, so that the whole form below it is seen */
typedef struct {
  GtkWidget *top;
  GtkWidget *focus;
} ScrollTo;

static gboolean
scroll_to_idle (gpointer data)
{
  ScrollTo *to = data;
  GtkWidget *scrolled = gtk_widget_get_ancestor (to->top, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content = scrolled != NULL ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled))
                                        : NULL;
  double x, y;

  if (to->focus != NULL && gtk_widget_get_mapped (to->focus))
    gtk_widget_grab_focus (to->focus);
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  if (content != NULL && gtk_widget_get_mapped (to->top) &&
      gtk_widget_translate_coordinates (to->top, content, 0, 0, &x, &y))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                              MAX (y - 12, 0));

  g_clear_object (&to->top);
  g_clear_object (&to->focus);
  g_free (to);
  return G_SOURCE_REMOVE;
}

static void
scroll_to (GtkWidget *top,
           GtkWidget *focus)
{
  ScrollTo *to = g_new0 (ScrollTo, 1);

  to->top = g_object_ref (top);
  to->focus = focus != NULL ? g_object_ref (focus) : NULL;
  g_idle_add_full (G_PRIORITY_LOW, scroll_to_idle, to, NULL);
}

/* An opened form comes into view with its first field focused */
static void
on_marker_expanded (AdwExpanderRow *expander,
                    GParamSpec     *pspec,
                    gpointer        user_data)
{
  MarkerForm *form = g_object_get_data (G_OBJECT (expander), "parasol-marker-form");
  GtkWidget *first;

  if (form == NULL || !adw_expander_row_get_expanded (expander))
    return;
  if (form->percent != NULL && gtk_toggle_button_get_active (form->percent))
    first = GTK_WIDGET (form->percent_entry);
  else if (form->hscore != NULL && gtk_toggle_button_get_active (form->hscore))
    first = GTK_WIDGET (form->intensity[0]);
  else
    first = GTK_WIDGET (form->pending);
  scroll_to (GTK_WIDGET (expander), first);
}

/* "Record…": opens and closes the marker's form, by pointer, keyboard or screen reader */
static GtkWidget *
marker_form_toggle (AdwExpanderRow            *expander,
                    const ParasolBiomarkerDef *def)
{
  GtkWidget *toggle = gtk_toggle_button_new_with_label (_("Record…"));
  g_autofree char *a11y =
    marker_control_name (def->name != NULL ? def->name : def->id, _("Record a Result"));

  set_accessible_name (toggle, a11y);
  gtk_widget_set_tooltip_text (toggle, _("Record a new result for this marker"));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  g_object_bind_property (toggle, "active", expander, "expanded",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect (expander, "notify::expanded", G_CALLBACK (on_marker_expanded), NULL);

  return toggle;
}

static void
record_marker_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (widget);
  const char *marker_id = g_variant_get_string (parameter, NULL);
  MarkerForm *form = g_hash_table_lookup (self->marker_forms, marker_id);
  g_autoptr(ParasolBiomarkerResult) result = parasol_biomarker_result_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;
  const ParasolBiomarkerDef *def;

  if (form == NULL || self->store == NULL || self->protocol == NULL)
    return;
  def = parasol_protocol_find_biomarker (self->protocol, marker_id);
  if (def == NULL)
    return;

  result->intensity[0] = result->intensity[1] = result->intensity[2] = NAN;
  if (form->percent != NULL && gtk_toggle_button_get_active (form->percent))
    {
      result->method = PARASOL_MARKER_METHOD_PERCENT;
      if (!parasol_parse_double (gtk_editable_get_text (form->percent_entry), &result->value,
                                 &error))
        message = field_error (_("Tumour cells stained, %"), error);
    }
  else if (form->hscore != NULL && gtk_toggle_button_get_active (form->hscore))
    {
      /* Core makes the H-score from the intensities (parasol-cli biomarker add --intensity) */
      const char *fields[3] = { N_("1+ (weak), %"), N_("2+ (moderate), %"),
                                N_("3+ (strong), %") };

      for (int i = 0; i < 3 && message == NULL; i++)
        if (!parasol_parse_double (gtk_editable_get_text (form->intensity[i]),
                                   &result->intensity[i], &error))
          message = field_error (_(fields[i]), error);
    }
  else if ((form->amplified != NULL && gtk_toggle_button_get_active (form->amplified)) ||
           (form->not_amplified != NULL && gtk_toggle_button_get_active (form->not_amplified)))
    {
      result->method = PARASOL_MARKER_METHOD_AMPLIFIED;
      result->value = gtk_toggle_button_get_active (form->amplified) ? 1 : 0;
    }
  else if (gtk_toggle_button_get_active (form->pending))
    result->pending = TRUE;
  else
    message = g_strdup (_("Choose how the result was measured, or Pending"));

  if (message == NULL &&
      !parasol_parse_date (gtk_editable_get_text (form->date), &result->date, &error))
    message = field_error (_("Sample date"), error);

  if (message == NULL && !parasol_biomarker_def_prepare (def, result, &error))
    message = g_strdup (error->message);

  if (message != NULL)
    {
      form_show_error (form->error, message);
      return;
    }

  result->marker = g_strdup (def->id);
  reason = form_text (form->reason);
  if (parasol_store_add_biomarker (self->store, self->patient_id, result, reason, &error) == 0)
    {
      form_show_error (form->error, error->message);
      return;
    }
  form_show_error (form->error, NULL);
  /* The store's change signal reloads the page, and this section with it */
}

/* ---- The arm decision ------------------------------------------------------------------------ */

static void
fill_decision (ParasolBiomarkersSection  *self,
               ParasolProtocol           *protocol,
               const ParasolPatientFacts *facts,
               const ParasolEligibility  *e,
               const ParasolAssignment   *a)
{
  GPtrArray *arms = parasol_protocol_get_arms (protocol);
  AdwPreferencesGroup *group = self->decision_group;
  GtkToggleButton *first = NULL;
  GtkWidget *row, *box;

  /* Before the first dose, for an eligible patient (core refuses the rest); a correction after
   * the first dose is parasol-cli assign --correction */
  if (e->verdict != PARASOL_VERDICT_ELIGIBLE || facts->administrations->len > 0 || arms == NULL ||
      arms->len == 0)
    return;

  gtk_widget_set_visible (GTK_WIDGET (group), TRUE);
  if (a->conflict)
    adw_preferences_group_set_description (
      group, _("Several arms match: choose one of them and say why"));
  else if (a->proposed->len == 1)
    adw_preferences_group_set_description (
      group, _("Confirm the proposed arm, or choose another and say why"));
  else
    adw_preferences_group_set_description (
      group, _("No arm is proposed yet: an arm chosen now needs a reason"));

  row = form_choice_row (_("Arm"), &box);
  for (guint i = 0; i < arms->len; i++)
    {
      const ParasolArmDef *def = g_ptr_array_index (arms, i);
      const char *name = parasol_protocol_translate (def->name != NULL ? def->name : def->id);
      g_autofree char *label = NULL;
      GtkToggleButton *check;

      if (parasol_assignment_is_proposed (a, def->id))
        /* Translators: an arm the biomarkers propose (one of several when they conflict) */
        label = g_strdup_printf (a->conflict ? _("%s (matches)") : _("%s (proposed)"), name);
      check = form_radio (label != NULL ? label : name, name, first);
      if (label != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                        a->conflict ? _("Matches: one of the candidates")
                                                    : _("Proposed"), -1);
      g_object_set_data_full (G_OBJECT (check), "parasol-arm", g_strdup (def->id), g_free);
      first = first != NULL ? first : check;
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (check));
      g_ptr_array_add (self->arm_checks, check);

      if (facts->arm != NULL ? g_strcmp0 (facts->arm, def->id) == 0
                             : (!a->conflict && a->proposed->len == 1 &&
                                parasol_assignment_is_proposed (a, def->id)))
        gtk_toggle_button_set_active (check, TRUE);
    }
  parasol_section_add_row (group, row, self->added);

  row = parasol_section_action_row (_("Reason"),
                                    _("Needed to override the proposal, to resolve a conflict, "
                                      "or while markers are missing"));
  self->arm_reason = form_entry (_("Reason for the arm decision"), NULL, NULL, 28);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->arm_reason));
  parasol_section_add_row (group, row, self->added);

  self->arm_error = form_error_label ();
  parasol_section_add_row (group,
                           form_button_row (self->arm_error,
                                            facts->arm != NULL ? _("Change Arm")
                                                               : _("Confirm Arm"),
                                            NULL, "biomarkers.decide-arm", NULL),
                           self->added);
}

static void
decide_arm_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (widget);
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEligibility) e = NULL;
  g_autoptr(ParasolAssignment) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *proposed = NULL;
  const char *arm = NULL;

  if (self->store == NULL || self->protocol == NULL || self->arm_error == NULL)
    return;

  for (guint i = 0; i < self->arm_checks->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->arm_checks, i)))
      arm = g_object_get_data (g_ptr_array_index (self->arm_checks, i), "parasol-arm");
  if (arm == NULL)
    {
      form_show_error (self->arm_error, _("Choose an arm"));
      return;
    }
  reason = form_text (self->arm_reason);

  /* As parasol-cli assign --confirm ARM --reason TEXT: a fresh evaluation, the choice checked
   * against its proposal, then recorded with it */
  facts = parasol_store_load_patient (self->store, self->patient_id, &error);
  if (facts == NULL)
    {
      form_show_error (self->arm_error, error->message);
      return;
    }
  e = parasol_eligibility_evaluate (self->protocol, facts, NULL);
  a = parasol_assignment_propose (self->protocol, facts, e->verdict);
  proposed = parasol_assignment_proposed_string (a);
  if (!parasol_assignment_check_choice (self->protocol, a, arm, reason, NULL, &error) ||
      parasol_store_record_assignment (self->store, self->patient_id, proposed, arm,
                                       a->protocol_version, reason, &error) == 0)
    {
      form_show_error (self->arm_error, error->message);
      scroll_to (GTK_WIDGET (self->decision_group),
                 g_error_matches (error, PARASOL_ASSIGNMENT_ERROR,
                                  PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED)
                 ? GTK_WIDGET (self->arm_reason) : NULL);
      return;
    }
  form_show_error (self->arm_error, NULL);
}

/* ---- Enrolment -------------------------------------------------------------------------------- */

/* "Carboplatin AUC 5", "Etoposide 100 mg/m²" */
static char *
drug_text (const ParasolDrug *drug)
{
  const char *name = parasol_protocol_translate (drug->name != NULL ? drug->name : drug->id);
  g_autofree char *amount = parasol_protocol_format_number (drug->amount);

  switch (drug->basis)
    {
    case PARASOL_DOSE_BASIS_AUC:
      /* Translators: "Carboplatin AUC 5" */
      return g_strdup_printf (_("%s AUC %s"), name, amount);
    case PARASOL_DOSE_BASIS_MG_PER_M2:
      /* Translators: "Etoposide 100 mg/m²" */
      return g_strdup_printf (_("%s %s mg/m²"), name, amount);
    default:
      return g_strdup (name);
    }
}

static char *
backbone_text (const ParasolRegimen *regimen)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  /* The platinum is chosen below: the rest of the backbone */
  for (guint i = 0; regimen != NULL && i < regimen->backbone->len; i++)
    if (!((const ParasolDrug *) g_ptr_array_index (regimen->backbone, i))->platinum)
      g_ptr_array_add (parts, drug_text (g_ptr_array_index (regimen->backbone, i)));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **) parts->pdata);
}

static void
fill_enrolment (ParasolBiomarkersSection  *self,
                ParasolProtocol           *protocol,
                const ParasolPatientFacts *facts)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);
  AdwPreferencesGroup *group = self->enrol_group;
  GtkToggleButton *first = NULL;
  g_autofree char *today = today_text ();
  g_autofree char *backbone = backbone_text (regimen);
  GtkWidget *row;

  if (!parasol_section_has_status (facts, PARASOL_PATIENT_STATUS_SCREENING))
    return;

  gtk_widget_set_visible (GTK_WIDGET (group), TRUE);
  adw_preferences_group_set_description (
    group, _("The patient must be eligible on cycle 1 day 1; the reasons are listed if not"));

  row = parasol_section_action_row (_("Cycle 1 day 1"), _("YYYY-MM-DD"));
  self->c1d1 = form_entry (_("Cycle 1 day 1"), _("YYYY-MM-DD"), today, 11);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->c1d1));
  parasol_section_add_row (group, row, self->added);

  /* The checkpoint inhibitor */
  if (regimen != NULL && regimen->icis != NULL && regimen->icis->len > 0)
    {
      const char *chosen = facts->ici != NULL ? facts->ici : regimen->default_ici;
      GtkWidget *box;

      row = form_choice_row (_("Checkpoint inhibitor"), &box);
      for (guint i = 0; i < regimen->icis->len; i++)
        {
          const ParasolDrug *drug = g_ptr_array_index (regimen->icis, i);
          const char *name = parasol_protocol_translate (drug->name != NULL ? drug->name : drug->id);
          GtkToggleButton *check = form_radio (name, name, first);

          g_object_set_data_full (G_OBJECT (check), "parasol-ici", g_strdup (drug->id), g_free);
          first = first != NULL ? first : check;
          if (g_strcmp0 (drug->id, chosen) == 0)
            gtk_toggle_button_set_active (check, TRUE);
          g_ptr_array_add (self->ici_checks, check);
          gtk_box_append (GTK_BOX (box), GTK_WIDGET (check));
        }
      parasol_section_add_row (group, row, self->added);
    }

  /* The platinum of the backbone, chosen here; the protocol's default preselected */
  if (regimen != NULL && regimen->platinums != NULL && regimen->platinums->len > 0)
    {
      const char *chosen = facts->platinum != NULL ? facts->platinum : regimen->default_platinum;
      GtkToggleButton *group_first = NULL;
      GtkWidget *box;

      row = form_choice_row (_("Platinum"), &box);
      for (guint i = 0; i < regimen->platinums->len; i++)
        {
          const ParasolDrug *drug = g_ptr_array_index (regimen->platinums, i);
          g_autofree char *label = drug_text (drug);
          /* Translators: the accessible name of a platinum choice: "Platinum: Cisplatin 75 mg/m²" */
          g_autofree char *name = g_strdup_printf (_("Platinum: %s"), label);
          GtkToggleButton *check = form_radio (label, name, group_first);

          g_object_set_data_full (G_OBJECT (check), "parasol-platinum", g_strdup (drug->id), g_free);
          group_first = group_first != NULL ? group_first : check;
          if (g_strcmp0 (drug->id, chosen) == 0)
            gtk_toggle_button_set_active (check, TRUE);
          g_ptr_array_add (self->platinum_checks, check);
          gtk_box_append (GTK_BOX (box), GTK_WIDGET (check));
        }
      parasol_section_add_row (group, row, self->added);
    }

  /* The rest of the backbone: shown, not chosen */
  if (backbone != NULL)
    {
      row = parasol_section_action_row (_("Chemotherapy"), _("Set by the protocol"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), parasol_section_value_label (backbone));
      parasol_section_add_row (group, row, self->added);
    }

  row = parasol_section_action_row (_("Subject number"), _("Empty: the next free number"));
  self->subject_number = form_entry (_("Subject number"), "BT-0001", facts->subject_number, 11);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->subject_number));
  parasol_section_add_row (group, row, self->added);

  row = parasol_section_action_row (_("Note for the audit trail"), _("Optional"));
  self->enrol_note = form_entry (_("Enrolment note for the audit trail"), NULL, NULL, 24);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->enrol_note));
  parasol_section_add_row (group, row, self->added);

  /* Refusals: the engine's reasons, one a line */
  self->enrol_failures = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  gtk_widget_set_margin_start (GTK_WIDGET (self->enrol_failures), 24);
  gtk_widget_set_margin_end (GTK_WIDGET (self->enrol_failures), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->enrol_failures), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->enrol_failures), FALSE);
  self->enrol_error = form_error_label ();
  parasol_section_add_row (group,
                           form_button_row (self->enrol_error, _("Enrol"), _("Enrol the Patient"),
                                            "biomarkers.enrol", NULL),
                           self->added);
  row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  set_accessible_name (row, _("Why the enrolment was refused"));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), GTK_WIDGET (self->enrol_failures));
  gtk_widget_set_visible (row, FALSE);
  parasol_section_add_row (group, row, self->added);
}

static void
enrol_set_failures_visible (ParasolBiomarkersSection *self,
                            gboolean                  visible)
{
  gtk_widget_set_visible (GTK_WIDGET (self->enrol_failures), visible);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->enrol_failures)), visible);
}

static void
enrol_show_failures (ParasolBiomarkersSection *self,
                     const GDate              *c1d1)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEligibility) e = NULL;
  g_autofree char *date = parasol_section_format_date (c1d1);
  g_autofree char *heading = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->enrol_failures))) != NULL)
    gtk_box_remove (self->enrol_failures, child);

  /* The same engine on the same date, for the list the refusal summarised */
  facts = parasol_store_load_patient (self->store, self->patient_id, NULL);
  if (facts == NULL)
    return;
  e = parasol_eligibility_evaluate (self->protocol, facts, c1d1);

  /* Translators: the enrolment was refused: "Not eligible on 2025-10-30: Missing data" */
  heading = g_strdup_printf (_("Not eligible on %s: %s"), date,
                             parasol_verdict_to_label (e->verdict));
  form_show_error (self->enrol_error, heading);

  for (guint i = 0; i < e->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);
      const ParasolCriterion *c = parasol_protocol_find_criterion (self->protocol, r->id);
      g_autofree char *text = NULL;
      GtkWidget *label;

      if (r->status == PARASOL_STATUS_MET)
        continue;
      /* Translators: one criterion that fails on C1D1: "inc-05 Adequate organ function —
       * Not met: ANC 1.2 × 10^9/L < 1.5" */
      text = g_strdup_printf (_("%s %s — %s: %s"), r->id,
                              c != NULL ? parasol_protocol_translate (c->title) : "",
                              parasol_criterion_status_to_label (r->status),
                              r->reason != NULL ? r->reason : "");
      label = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_focusable (label, FALSE);
      gtk_widget_add_css_class (label, "error");
      gtk_box_append (self->enrol_failures, label);
    }
  enrol_set_failures_visible (self, TRUE);
}

static void
enrol_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (widget);
  ParasolEnrolmentOptions options = { 0 };
  g_autoptr(ParasolEnrolment) enrolment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *note = NULL;
  GDate c1d1;

  if (self->store == NULL || self->protocol == NULL || self->enrol_error == NULL)
    return;

  enrol_set_failures_visible (self, FALSE);
  if (!parasol_parse_date (gtk_editable_get_text (self->c1d1), &c1d1, &error))
    {
      g_autofree char *message = field_error (_("Cycle 1 day 1"), error);

      form_show_error (self->enrol_error, message);
      scroll_to (GTK_WIDGET (self->enrol_group), GTK_WIDGET (self->c1d1));
      return;
    }
  for (guint i = 0; i < self->ici_checks->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->ici_checks, i)))
      options.ici = g_object_get_data (g_ptr_array_index (self->ici_checks, i), "parasol-ici");
  for (guint i = 0; i < self->platinum_checks->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->platinum_checks, i)))
      options.platinum = g_object_get_data (g_ptr_array_index (self->platinum_checks, i),
                                            "parasol-platinum");
  subject = form_text (self->subject_number);
  note = form_text (self->enrol_note);
  options.subject_number = subject;

  enrolment = parasol_enrolment_enrol (self->store, self->protocol, self->patient_id, &c1d1,
                                       &options, note, &error);
  if (enrolment == NULL)
    {
      if (g_error_matches (error, PARASOL_ENROLMENT_ERROR, PARASOL_ENROLMENT_ERROR_NOT_ELIGIBLE))
        enrol_show_failures (self, &c1d1);
      else
        form_show_error (self->enrol_error, error->message);
      scroll_to (GTK_WIDGET (self->enrol_group), GTK_WIDGET (self->c1d1));
      return;
    }
  form_show_error (self->enrol_error, NULL);
}

/* ---- Showing --------------------------------------------------------------------------------- */

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
      /* The result, and under it the form that records a new one */
      row = parasol_section_expander_row (def->name != NULL ? def->name : def->id, subtitle);
      if (def->configurable && def->note != NULL)
        gtk_widget_set_tooltip_text (row, parasol_protocol_translate (def->note));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), tag);
      add_marker_form (self, ADW_EXPANDER_ROW (row), def);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), marker_form_toggle (ADW_EXPANDER_ROW (row),
                                                                               def));
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

  fill_decision (self, protocol, facts, e, a);
  fill_enrolment (self, protocol, facts);
}

static void
parasol_biomarkers_section_update (ParasolPatientSection       *section,
                                   const ParasolPatientContext *context)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (section);
  GtkWidget *child;

  /* The forms go with their rows (a form's own rows own it) */
  g_hash_table_remove_all (self->marker_forms);
  g_ptr_array_set_size (self->arm_checks, 0);
  g_ptr_array_set_size (self->ici_checks, 0);
  g_ptr_array_set_size (self->platinum_checks, 0);
  self->arm_reason = self->c1d1 = self->subject_number = self->enrol_note = NULL;
  self->arm_error = self->enrol_error = NULL;
  self->enrol_failures = NULL;
  parasol_section_remove_rows (self->added);
  gtk_widget_set_visible (GTK_WIDGET (self->decision_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->enrol_group), FALSE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->banner_box))) != NULL)
    gtk_box_remove (self->banner_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_box), FALSE);
  g_clear_pointer (&self->proposed_arms, g_free);

  gtk_widget_set_visible (GTK_WIDGET (self), context != NULL);
  if (context == NULL)
    {
      g_clear_object (&self->store);
      g_clear_object (&self->protocol);
      self->patient_id = 0;
      return;
    }

  g_set_object (&self->store, context->store);
  g_set_object (&self->protocol, context->protocol);
  self->patient_id = context->patient_id;

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

  g_hash_table_remove_all (self->marker_forms);
  g_ptr_array_set_size (self->arm_checks, 0);
  g_ptr_array_set_size (self->ici_checks, 0);
  g_ptr_array_set_size (self->platinum_checks, 0);
  g_ptr_array_set_size (self->added, 0);
  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_BIOMARKERS_SECTION);

  G_OBJECT_CLASS (parasol_biomarkers_section_parent_class)->dispose (object);
}

static void
parasol_biomarkers_section_finalize (GObject *object)
{
  ParasolBiomarkersSection *self = PARASOL_BIOMARKERS_SECTION (object);

  g_clear_pointer (&self->added, g_ptr_array_unref);
  g_clear_pointer (&self->proposed_arms, g_free);
  g_clear_pointer (&self->marker_forms, g_hash_table_unref);
  g_clear_pointer (&self->arm_checks, g_ptr_array_unref);
  g_clear_pointer (&self->ici_checks, g_ptr_array_unref);
  g_clear_pointer (&self->platinum_checks, g_ptr_array_unref);

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
  gtk_widget_class_bind_template_child (widget_class, ParasolBiomarkersSection, decision_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolBiomarkersSection, enrol_group);

  /* Recording, each the core call of its parasol-cli command */
  gtk_widget_class_install_action (widget_class, "biomarkers.record-marker", "s",
                                   record_marker_action);
  gtk_widget_class_install_action (widget_class, "biomarkers.decide-arm", NULL, decide_arm_action);
  gtk_widget_class_install_action (widget_class, "biomarkers.enrol", NULL, enrol_action);
}

static void
parasol_biomarkers_section_init (ParasolBiomarkersSection *self)
{
  self->added = g_ptr_array_new ();
  self->marker_forms = g_hash_table_new (g_str_hash, g_str_equal);
  self->arm_checks = g_ptr_array_new ();
  self->ici_checks = g_ptr_array_new ();
  self->platinum_checks = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
parasol_biomarkers_section_get_proposed_arms (ParasolBiomarkersSection *self)
{
  g_return_val_if_fail (PARASOL_IS_BIOMARKERS_SECTION (self), NULL);

  return self->proposed_arms != NULL ? self->proposed_arms : "";
}
