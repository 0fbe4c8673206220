/* parasol-new-patient-dialog.c — register a patient for screening from the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-new-patient-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "parasol-input.h"
#include "parasol-new-patient-dialog.h"

struct _ParasolNewPatientDialog
{
  AdwWindow     parent_instance;

  /* template */
  AdwEntryRow  *screening_number_row;
  AdwEntryRow  *initials_row;
  AdwActionRow *sex_row;
  GtkToggleButton *female_check;
  GtkToggleButton *male_check;
  AdwEntryRow  *birth_date_row;
  AdwEntryRow  *site_row;
  AdwEntryRow  *screening_date_row;
  GtkLabel     *error_label;

  ParasolStore *store;
};

G_DEFINE_FINAL_TYPE (ParasolNewPatientDialog, parasol_new_patient_dialog, ADW_TYPE_WINDOW)

enum {
  PATIENT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_error (ParasolNewPatientDialog *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->screening_number_row), GTK_WIDGET (self->initials_row),
    GTK_WIDGET (self->sex_row),
    GTK_WIDGET (self->birth_date_row), GTK_WIDGET (self->site_row),
    GTK_WIDGET (self->screening_date_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (rows[i], "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_label_set_text (self->error_label, "");
}

/* Shows @message under the fields and marks @row (may be NULL), which takes the focus. */
static void
show_error (ParasolNewPatientDialog *self,
            GtkWidget               *row,
            const char              *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (row != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
      gtk_widget_grab_focus (row);
    }
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* NULL for an empty or blank entry, else the text without surrounding spaces. */
static char *
row_value (AdwEntryRow *row)
{
  g_autofree char *text = g_strstrip (g_strdup (row_text (row)));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

gboolean
parasol_new_patient_dialog_add (ParasolNewPatientDialog *self)
{
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *birth = NULL;
  g_autofree char *screening = NULL;
  GtkWidget *row = NULL;
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_NEW_PATIENT_DIALOG (self), FALSE);

  clear_error (self);

  facts->screening_number = row_value (self->screening_number_row);
  facts->initials = row_value (self->initials_row);
  facts->site = row_value (self->site_row);
  if (gtk_toggle_button_get_active (self->female_check))
    facts->sex = PARASOL_SEX_FEMALE;
  else if (gtk_toggle_button_get_active (self->male_check))
    facts->sex = PARASOL_SEX_MALE;
  else
    facts->sex = PARASOL_SEX_UNKNOWN;
  birth = row_value (self->birth_date_row);
  screening = row_value (self->screening_date_row);

  if (facts->screening_number == NULL)
    {
      show_error (self, GTK_WIDGET (self->screening_number_row),
                  _("Enter the screening number the site gave the patient."));
      return FALSE;
    }
  if (facts->sex == PARASOL_SEX_UNKNOWN)
    {
      show_error (self, GTK_WIDGET (self->sex_row), _("Choose the patient’s sex."));
      return FALSE;
    }
  if (birth == NULL)
    {
      show_error (self, GTK_WIDGET (self->birth_date_row),
                  _("Enter the date of birth as YYYY-MM-DD, for example 1961-04-23."));
      return FALSE;
    }
  if (!parasol_parse_date (birth, &facts->birth_date, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Date of birth: %s"), error->message);

      show_error (self, GTK_WIDGET (self->birth_date_row), message);
      return FALSE;
    }
  if (screening == NULL)
    parasol_date_set_today (&facts->screening_date);
  else if (!parasol_parse_date (screening, &facts->screening_date, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Screening date: %s"), error->message);

      show_error (self, GTK_WIDGET (self->screening_date_row), message);
      return FALSE;
    }

  /* The checks on the values (a duplicate number, dates that cannot be) are the store's. */
  id = parasol_store_add_patient (self->store, facts, &error);
  if (id == 0)
    {
      if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS))
        row = GTK_WIDGET (self->screening_number_row);
      else if (error->message != NULL && strstr (error->message, birth) != NULL)
        row = GTK_WIDGET (self->birth_date_row);
      show_error (self, row, error->message);
      return FALSE;
    }

  g_signal_emit (self, signals[PATIENT_ADDED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

const char *
parasol_new_patient_dialog_get_error (ParasolNewPatientDialog *self)
{
  g_return_val_if_fail (PARASOL_IS_NEW_PATIENT_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  parasol_new_patient_dialog_add (PARASOL_NEW_PATIENT_DIALOG (widget));
}

static void
entry_activated (ParasolNewPatientDialog *self)
{
  parasol_new_patient_dialog_add (self);
}

static void
parasol_new_patient_dialog_dispose (GObject *object)
{
  ParasolNewPatientDialog *self = PARASOL_NEW_PATIENT_DIALOG (object);

  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_NEW_PATIENT_DIALOG);

  G_OBJECT_CLASS (parasol_new_patient_dialog_parent_class)->dispose (object);
}

static void
parasol_new_patient_dialog_class_init (ParasolNewPatientDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_new_patient_dialog_dispose;

  /* ::patient-added (gint64 id): stored; the dialog closes next. */
  signals[PATIENT_ADDED] = g_signal_new ("patient-added", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/parasol/Parasol/ui/parasol-new-patient-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, screening_number_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, initials_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, sex_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, female_check);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, male_check);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, site_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, screening_date_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolNewPatientDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated);

  gtk_widget_class_install_action (widget_class, "dialog.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parasol_new_patient_dialog_init (ParasolNewPatientDialog *self)
{
  GDate today;
  char buf[16];

  gtk_widget_init_template (GTK_WIDGET (self));

  parasol_date_set_today (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->screening_date_row),
                         parasol_date_format (&today, buf, sizeof buf));
}

GtkWidget *
parasol_new_patient_dialog_new (GtkWindow    *parent,
                                ParasolStore *store)
{
  ParasolNewPatientDialog *self;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);

  self = g_object_new (PARASOL_TYPE_NEW_PATIENT_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  return GTK_WIDGET (self);
}
