/* parasol-lab-dialog.c — a laboratory result entered on its screening criterion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-lab-dialog"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "parasol-criterion-row.h"
#include "parasol-eligibility.h"
#include "parasol-input.h"
#include "parasol-lab-dialog.h"
#include "parasol-lab-entry.h"

struct _ParasolLabDialog
{
  AdwWindow               parent_instance;

  /* template */
  AdwPreferencesGroup    *form_group;
  AdwPreferencesGroup    *lab_group;
  AdwEntryRow            *value_row;
  AdwActionRow           *qualitative_row;
  GtkToggleButton        *negative_check;
  GtkToggleButton        *positive_check;
  AdwComboRow            *unit_row;
  AdwEntryRow            *uln_row;
  AdwEntryRow            *date_row;
  AdwActionRow           *verdict_row;
  GtkImage               *verdict_icon;
  GtkLabel               *error_label;

  ParasolStore           *store;
  ParasolProtocol        *protocol;
  gint64                  patient_id;
  const ParasolCriterion *criterion;
  char                  **labs;       /* lab ids the criterion reads */
  GPtrArray              *lab_checks; /* GtkToggleButton, one per lab, in a radio group */
  ParasolPatientFacts    *facts;      /* as stored when the dialog opened */
  GtkWidget              *error_row;  /* the row the refusal concerns */
  char                   *status_css;
};

G_DEFINE_FINAL_TYPE (ParasolLabDialog, parasol_lab_dialog, ADW_TYPE_WINDOW)

static void
collect_labs (const ParasolRule *rule,
              GPtrArray         *ids)
{
  const char *id = NULL;

  if (rule == NULL)
    return;
  if (rule->type == PARASOL_RULE_LAB)
    id = rule->ref;
  else if (rule->type == PARASOL_RULE_CRCL)
    id = "creatinine";  /* Cockcroft-Gault reads the serum creatinine */
  else if (rule->type == PARASOL_RULE_PREGNANCY_TEST)
    id = rule->ref;     /* the pregnancy test, a negative/positive lab */
  if (id != NULL && !g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
    g_ptr_array_add (ids, g_strdup (id));
  for (guint i = 0; rule->children != NULL && i < rule->children->len; i++)
    collect_labs (g_ptr_array_index (rule->children, i), ids);
}

char **
parasol_lab_dialog_criterion_labs (const ParasolCriterion *criterion)
{
  GPtrArray *ids = g_ptr_array_new ();

  if (criterion != NULL)
    collect_labs (criterion->rule, ids);
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

static const ParasolLabDef *
selected_lab (ParasolLabDialog *self)
{
  for (guint i = 0; self->lab_checks != NULL && i < self->lab_checks->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->lab_checks, i)))
      return parasol_protocol_find_lab (self->protocol, self->labs[i]);
  return NULL;
}

static const char *
selected_unit (ParasolLabDialog *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->unit_row);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
clear_error (ParasolLabDialog *self)
{
  if (self->error_row != NULL)
    gtk_widget_remove_css_class (self->error_row, "error");
  self->error_row = NULL;
  gtk_label_set_text (self->error_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
show_error (ParasolLabDialog *self,
            GtkWidget        *row,
            const char       *message)
{
  clear_error (self);
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (row != NULL)
    {
      self->error_row = row;
      gtk_widget_add_css_class (row, "error");
    }
}

static void
set_verdict (ParasolLabDialog       *self,
             const char             *title,
             const char             *reason,
             ParasolCriterionStatus  status,
             gboolean                known)
{
  g_auto(GStrv) parts = reason != NULL ? g_strsplit (reason, "; ", -1) : NULL;
  g_autofree char *lines = parts != NULL ? g_strjoinv ("\n", parts) : g_strdup ("");
  const char *css = known ? parasol_criterion_status_css_class (status) : NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verdict_row), title);
  adw_action_row_set_subtitle (self->verdict_row, lines);
  gtk_widget_set_visible (GTK_WIDGET (self->verdict_icon), known);
  if (self->status_css != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), self->status_css);
  g_free (self->status_css);
  self->status_css = g_strdup (css);
  if (known)
    {
      gtk_image_set_from_icon_name (self->verdict_icon, parasol_criterion_status_icon_name (status));
      gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), css);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->verdict_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
    }
}

/* The entry as typed; FALSE with @error and the row it concerns in @row.  @lab_id and @unit
 * must outlive @entry. */
static gboolean
read_entry (ParasolLabDialog  *self,
            ParasolLabEntry   *entry,
            GtkWidget        **row,
            GError           **error)
{
  const ParasolLabDef *lab = selected_lab (self);
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->value_row))));
  g_autofree char *uln = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->uln_row))));
  g_autofree char *date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));

  parasol_lab_entry_init (entry);
  *row = NULL;
  if (lab == NULL)
    {
      *row = GTK_WIDGET (self->lab_group);
      g_set_error_literal (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID,
                           _("Choose the test."));
      return FALSE;
    }
  entry->lab = lab->id;
  entry->unit = selected_unit (self);

  if (lab->qualitative)
    {
      /* Negative or positive, as `lab add ID hcg negative` takes it */
      *row = GTK_WIDGET (self->qualitative_row);
      entry->unit = lab->unit;
      if (!gtk_toggle_button_get_active (self->negative_check) &&
          !gtk_toggle_button_get_active (self->positive_check))
        {
          g_set_error_literal (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_INVALID,
                               _("Choose negative or positive."));
          return FALSE;
        }
      if (!parasol_lab_def_parse_value (lab, gtk_toggle_button_get_active (self->negative_check)
                                             ? "negative" : "positive", &entry->value, error))
        return FALSE;
    }
  else
    {
      *row = GTK_WIDGET (self->value_row);
      if (!parasol_parse_double (value, &entry->value, error))
        return FALSE;
    }
  *row = GTK_WIDGET (self->uln_row);
  if (lab->needs_uln)
    {
      if (*uln == '\0')
        {
          g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_ULN,
                       _("Enter the laboratory’s upper limit of normal for %s, from the report."),
                       lab->name);
          return FALSE;
        }
      if (!parasol_parse_double (uln, &entry->uln, error))
        return FALSE;
    }
  *row = GTK_WIDGET (self->date_row);
  if (!parasol_parse_date (date, &entry->date, error))
    return FALSE;
  *row = NULL;
  return TRUE;
}

static void
update_preview (ParasolLabDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolLabResult) result = NULL;
  g_autoptr(ParasolEligibility) eligibility = NULL;
  const ParasolCriterionResult *r;
  ParasolLabEntry entry;
  GtkWidget *row = NULL;

  if (selected_lab (self) != NULL && selected_lab (self)->qualitative
      ? !gtk_toggle_button_get_active (self->negative_check) &&
        !gtk_toggle_button_get_active (self->positive_check)
      : *gtk_editable_get_text (GTK_EDITABLE (self->value_row)) == '\0')
    {
      clear_error (self);
      set_verdict (self, _("Type the value to see the verdict"), NULL, PARASOL_STATUS_MISSING, FALSE);
      return;
    }

  if (!read_entry (self, &entry, &row, &error) ||
      (result = parasol_lab_entry_check (self->protocol, &entry, NULL, &error)) == NULL)
    {
      /* Only the row being typed in is marked; the message says what to do */
      show_error (self, row != NULL ? row : GTK_WIDGET (self->value_row), error->message);
      set_verdict (self, _("No verdict: the result is refused"), NULL, PARASOL_STATUS_MISSING, FALSE);
      return;
    }
  clear_error (self);

  /* The engine's verdict with this result among the patient's stored ones */
  g_ptr_array_insert (self->facts->labs, 0, result);
  eligibility = parasol_eligibility_evaluate (self->protocol, self->facts, NULL);
  g_ptr_array_steal_index (self->facts->labs, 0);

  r = parasol_eligibility_find (eligibility, self->criterion->id);
  if (r != NULL)
    set_verdict (self, parasol_criterion_status_to_label (r->status), r->reason, r->status, TRUE);
}

static void
input_changed (ParasolLabDialog *self)
{
  if (self->facts != NULL)
    update_preview (self);
}

static void
lab_changed (ParasolLabDialog *self)
{
  const ParasolLabDef *lab = selected_lab (self);
  g_autoptr(GtkStringList) units = gtk_string_list_new (NULL);

  if (lab == NULL)
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->value_row), "");
  for (guint i = 0; lab->units != NULL && i < lab->units->len; i++)
    {
      const ParasolUnitDef *u = g_ptr_array_index (lab->units, i);

      gtk_string_list_append (units, u->unit);
    }
  adw_combo_row_set_model (self->unit_row, G_LIST_MODEL (units));
  adw_combo_row_set_selected (self->unit_row, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->uln_row), lab->needs_uln);
  gtk_widget_set_visible (GTK_WIDGET (self->value_row), !lab->qualitative);
  gtk_widget_set_visible (GTK_WIDGET (self->unit_row), !lab->qualitative);
  gtk_widget_set_visible (GTK_WIDGET (self->qualitative_row), lab->qualitative);
  if (!lab->needs_uln)
    gtk_editable_set_text (GTK_EDITABLE (self->uln_row), "");
  input_changed (self);
}

static void
on_lab_toggled (ParasolLabDialog *self,
                GtkToggleButton  *check)
{
  if (gtk_toggle_button_get_active (check))
    lab_changed (self);
}

gboolean
parasol_lab_dialog_save (ParasolLabDialog *self)
{
  g_autoptr(GError) error = NULL;
  ParasolLabEntry entry;
  GtkWidget *row = NULL;

  g_return_val_if_fail (PARASOL_IS_LAB_DIALOG (self), FALSE);

  if (!read_entry (self, &entry, &row, &error) ||
      parasol_lab_entry_add (self->store, self->protocol, self->patient_id, &entry, NULL, NULL,
                             &error) == 0)
    {
      show_error (self, row != NULL ? row : GTK_WIDGET (self->value_row), error->message);
      gtk_widget_grab_focus (row != NULL ? row : GTK_WIDGET (self->value_row));
      return FALSE;
    }

  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

const char *
parasol_lab_dialog_get_error (ParasolLabDialog *self)
{
  g_return_val_if_fail (PARASOL_IS_LAB_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

const char *
parasol_lab_dialog_get_verdict (ParasolLabDialog *self)
{
  g_return_val_if_fail (PARASOL_IS_LAB_DIALOG (self), NULL);

  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->verdict_row));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  parasol_lab_dialog_save (PARASOL_LAB_DIALOG (widget));
}

static void
entry_activated (ParasolLabDialog *self)
{
  parasol_lab_dialog_save (self);
}

static void
parasol_lab_dialog_dispose (GObject *object)
{
  ParasolLabDialog *self = PARASOL_LAB_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  g_clear_pointer (&self->labs, g_strfreev);
  g_clear_pointer (&self->lab_checks, g_ptr_array_unref);
  g_clear_pointer (&self->facts, parasol_patient_facts_free);
  g_clear_pointer (&self->status_css, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_LAB_DIALOG);

  G_OBJECT_CLASS (parasol_lab_dialog_parent_class)->dispose (object);
}

static void
parasol_lab_dialog_class_init (ParasolLabDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_lab_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-lab-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, form_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, lab_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, value_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, qualitative_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, negative_check);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, positive_check);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, unit_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, uln_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, verdict_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, ParasolLabDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, input_changed);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parasol_lab_dialog_init (ParasolLabDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
parasol_lab_dialog_new (GtkWindow       *parent,
                        ParasolStore    *store,
                        ParasolProtocol *protocol,
                        gint64           patient_id,
                        const char      *criterion_id)
{
  ParasolLabDialog *self;
  const ParasolCriterion *criterion;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) labs = NULL;
  const char *title;
  GDate today;
  char buf[16];

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), NULL);

  criterion = parasol_protocol_find_criterion (protocol, criterion_id);
  labs = parasol_lab_dialog_criterion_labs (criterion);
  if (labs[0] == NULL)
    {
      g_warning ("Criterion %s reads no laboratory result", criterion_id);
      return NULL;
    }

  self = g_object_new (PARASOL_TYPE_LAB_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->protocol = g_object_ref (protocol);
  self->patient_id = patient_id;
  self->criterion = criterion;
  self->labs = g_steal_pointer (&labs);

  title = criterion->title != NULL ? parasol_protocol_translate (criterion->title) : criterion->id;
  adw_preferences_group_set_title (self->form_group, title);
  if (criterion->rule != NULL)
    {
      g_autofree char *rule = parasol_rule_describe (protocol, criterion->rule);

      adw_preferences_group_set_description (self->form_group, rule);
    }

  /* One toggle per test the criterion reads, in a radio group: "ANC — Absolute neutrophil count" */
  self->lab_checks = g_ptr_array_new ();
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_widget_add_css_class (box, "linked");
    for (guint i = 0; self->labs[i] != NULL; i++)
      {
        const ParasolLabDef *lab = parasol_protocol_find_lab (protocol, self->labs[i]);
        const char *name = lab != NULL ? lab->name : self->labs[i];
        g_autofree char *text = lab != NULL && lab->long_name != NULL
                                ? g_strdup_printf ("%s — %s", name, lab->long_name)
                                : g_strdup (name);
        GtkWidget *check = gtk_toggle_button_new_with_label (text);

        gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
        if (i > 0)
          gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (check), g_ptr_array_index (self->lab_checks, 0));
        else
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), TRUE);
        gtk_box_append (GTK_BOX (box), check);
        g_ptr_array_add (self->lab_checks, check);
      }
    adw_preferences_group_add (self->lab_group, box);
  }

  parasol_date_set_today (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row),
                         parasol_date_format (&today, buf, sizeof buf));

  self->facts = parasol_store_load_patient (store, patient_id, &error);
  if (self->facts == NULL)
    show_error (self, NULL, error->message);
  lab_changed (self);
  for (guint i = 0; i < self->lab_checks->len; i++)
    g_signal_connect_object (g_ptr_array_index (self->lab_checks, i), "toggled",
                             G_CALLBACK (on_lab_toggled), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}
