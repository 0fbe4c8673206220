/* parasol-attestation-dialog.c — the investigator's judgement of a screening criterion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-attestation-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-attestation-dialog.h"
#include "parasol-input.h"

struct _ParasolAttestationDialog
{
  AdwWindow               parent_instance;

  /* template */
  AdwPreferencesGroup    *form_group;
  AdwPreferencesGroup    *judgement_group;
  GtkWidget              *judgement_box;
  GtkToggleButton        *met_check;
  GtkToggleButton        *not_met_check;
  AdwEntryRow            *date_row;
  AdwEntryRow            *note_row;
  AdwEntryRow            *source_row;
  AdwPreferencesGroup    *change_group;
  AdwEntryRow            *reason_row;
  GtkLabel               *error_label;

  ParasolStore           *store;
  gint64                  patient_id;
  char                   *criterion_id;
  gboolean                attested;    /* a saved attestation exists: a change needs a reason */
  GtkWidget              *error_row;
};

G_DEFINE_FINAL_TYPE (ParasolAttestationDialog, parasol_attestation_dialog, ADW_TYPE_WINDOW)

static void
clear_error (ParasolAttestationDialog *self)
{
  if (self->error_row != NULL)
    gtk_widget_remove_css_class (self->error_row, "error");
  self->error_row = NULL;
  gtk_label_set_text (self->error_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
show_error (ParasolAttestationDialog *self,
            GtkWidget                *row,
            const char               *message)
{
  clear_error (self);
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (row != NULL)
    {
      self->error_row = row;
      gtk_widget_add_css_class (row, "error");
      gtk_widget_grab_focus (row);
    }
}

static char *
row_value (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

gboolean
parasol_attestation_dialog_save (ParasolAttestationDialog *self)
{
  g_autoptr(ParasolAttestation) att = parasol_attestation_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  g_autofree char *reason = NULL;

  g_return_val_if_fail (PARASOL_IS_ATTESTATION_DIALOG (self), FALSE);

  clear_error (self);
  if (!gtk_toggle_button_get_active (self->met_check) &&
      !gtk_toggle_button_get_active (self->not_met_check))
    {
      show_error (self, self->judgement_box, _("Choose met or not met."));
      return FALSE;
    }
  att->met = gtk_toggle_button_get_active (self->met_check);
  att->criterion = g_strdup (self->criterion_id);
  att->note = row_value (self->note_row);
  att->source = row_value (self->source_row);
  date = row_value (self->date_row);
  if (!parasol_parse_date (date != NULL ? date : "", &att->date, &error))
    {
      show_error (self, GTK_WIDGET (self->date_row), error->message);
      return FALSE;
    }
  reason = row_value (self->reason_row);

  /* The store checks the date and asks for the reason of a change */
  if (parasol_store_set_attestation (self->store, self->patient_id, att, reason, &error) == 0)
    {
      GtkWidget *row = NULL;

      if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED))
        {
          gtk_widget_set_visible (GTK_WIDGET (self->change_group), TRUE);
          row = GTK_WIDGET (self->reason_row);
        }
      else if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID))
        row = GTK_WIDGET (self->date_row);
      show_error (self, row, error->message);
      return FALSE;
    }

  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

const char *
parasol_attestation_dialog_get_error (ParasolAttestationDialog *self)
{
  g_return_val_if_fail (PARASOL_IS_ATTESTATION_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  parasol_attestation_dialog_save (PARASOL_ATTESTATION_DIALOG (widget));
}

static void
entry_activated (ParasolAttestationDialog *self)
{
  parasol_attestation_dialog_save (self);
}

static void
parasol_attestation_dialog_dispose (GObject *object)
{
  ParasolAttestationDialog *self = PARASOL_ATTESTATION_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->criterion_id, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_ATTESTATION_DIALOG);

  G_OBJECT_CLASS (parasol_attestation_dialog_parent_class)->dispose (object);
}

static void
parasol_attestation_dialog_class_init (ParasolAttestationDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_attestation_dialog_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/parasol/Parasol/ui/parasol-attestation-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, form_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, judgement_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, judgement_box);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, met_check);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, not_met_check);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, change_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolAttestationDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parasol_attestation_dialog_init (ParasolAttestationDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
parasol_attestation_dialog_new (GtkWindow       *parent,
                                ParasolStore    *store,
                                ParasolProtocol *protocol,
                                gint64           patient_id,
                                const char      *criterion_id)
{
  ParasolAttestationDialog *self;
  const ParasolCriterion *criterion;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  const ParasolAttestation *saved = NULL;
  const char *title, *text;
  gboolean exclusion;
  GDate today;
  char buf[16];

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), NULL);

  criterion = parasol_protocol_find_criterion (protocol, criterion_id);
  g_return_val_if_fail (criterion != NULL, NULL);

  self = g_object_new (PARASOL_TYPE_ATTESTATION_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->patient_id = patient_id;
  self->criterion_id = g_strdup (criterion->id);

  title = criterion->title != NULL ? parasol_protocol_translate (criterion->title) : criterion->id;
  /* A computed criterion is attested for its remainder only */
  text = criterion->attest_text != NULL ? criterion->attest_text : criterion->text;
  adw_preferences_group_set_title (self->judgement_group, title);
  if (text != NULL)
    adw_preferences_group_set_description (self->judgement_group, parasol_protocol_translate (text));

  exclusion = criterion->kind == PARASOL_CRITERION_EXCLUSION;
  gtk_button_set_label (GTK_BUTTON (self->met_check),
                        exclusion ? _("Met: the patient is free of this condition") : _("Met"));
  gtk_button_set_label (GTK_BUTTON (self->not_met_check),
                        exclusion ? _("Not met: the patient has this condition") : _("Not met"));

  parasol_date_set_today (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), parasol_date_format (&today, buf, sizeof buf));

  facts = parasol_store_load_patient (store, patient_id, NULL);
  if (facts != NULL)
    saved = parasol_patient_facts_find_attestation (facts, criterion->id);
  if (saved != NULL)
    {
      g_autofree char *description = NULL;

      self->attested = TRUE;
      gtk_toggle_button_set_active (saved->met ? self->met_check : self->not_met_check, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->date_row),
                             parasol_date_format (&saved->date, buf, sizeof buf));
      if (saved->note != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->note_row), saved->note);
      if (saved->source != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->source_row), saved->source);
      /* Translators: %s is a date, YYYY-MM-DD */
      description = g_strdup_printf (saved->met ? _("Saved as met on %s. Say why it changes.")
                                                : _("Saved as not met on %s. Say why it changes."),
                                     parasol_date_format (&saved->date, buf, sizeof buf));
      adw_preferences_group_set_description (self->change_group, description);
      gtk_widget_set_visible (GTK_WIDGET (self->change_group), TRUE);
    }

  return GTK_WIDGET (self);
}
