/* parasol-odm-dialog.c — export and import CDISC ODM 1.3.2 from the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-odm-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-odm.h"
#include "parasol-odm-dialog.h"

struct _ParasolOdmDialog
{
  AdwWindow        parent_instance;

  /* template */
  GtkSwitch       *transactional_switch;
  GtkButton       *export_button;
  GtkButton       *choose_button;
  GtkButton       *import_button;
  GtkLabel        *status_label;

  ParasolStore    *store;
  ParasolProtocol *protocol;
  GFile           *import_file;     /* previewed, accepted by the dry run */
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (ParasolOdmDialog, parasol_odm_dialog, ADW_TYPE_WINDOW)

static void
set_status (ParasolOdmDialog *self,
            const char       *text)
{
  gtk_label_set_text (self->status_label, text);
}

const char *
parasol_odm_dialog_get_status (ParasolOdmDialog *self)
{
  g_return_val_if_fail (PARASOL_IS_ODM_DIALOG (self), NULL);
  return gtk_label_get_text (self->status_label);
}

gboolean
parasol_odm_dialog_export_to (ParasolOdmDialog *self,
                              GFile            *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  ParasolOdmExportOptions options = { PARASOL_ODM_SNAPSHOT, NULL, TRUE };
  ParasolOdmExportStats stats = { 0 };

  g_return_val_if_fail (PARASOL_IS_ODM_DIALOG (self), FALSE);

  if (path == NULL)
    {
      set_status (self, _("Choose a local file to export to."));
      return FALSE;
    }
  /* The file chooser asked before replacing a file. */
  if (gtk_switch_get_active (self->transactional_switch))
    options.mode = PARASOL_ODM_TRANSACTIONAL;
  if (!parasol_odm_export (self->store, self->protocol, path, &options, &stats, &error))
    {
      set_status (self, error->message);
      return FALSE;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u patient to %s.",
                                       "Exported %u patients to %s.", (gulong) stats.subjects),
                          (guint) stats.subjects, path);
  set_status (self, text);
  return TRUE;
}

gboolean
parasol_odm_dialog_preview (ParasolOdmDialog *self,
                            GFile            *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(ParasolOdmImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (PARASOL_IS_ODM_DIALOG (self), FALSE);

  g_clear_object (&self->import_file);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  if (path == NULL)
    {
      set_status (self, _("Choose a local file to import."));
      return FALSE;
    }
  if (!parasol_odm_import_file (self->store, self->protocol, path, TRUE, &report, &error))
    {
      set_status (self, error->message);
      return FALSE;
    }
  text = g_strdup_printf (_("%s can be imported: %u new patients, %u patient fields set, %u "
                            "records added (%u lab results); %u records are already there. "
                            "Nothing has been written yet."),
                          path, report->patients_created, report->fields_changed,
                          report->records_added, report->labs_added, report->records_unchanged);
  set_status (self, text);
  self->import_file = g_object_ref (file);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), TRUE);
  return TRUE;
}

gboolean
parasol_odm_dialog_import (ParasolOdmDialog *self)
{
  g_autofree char *path = NULL;
  g_autoptr(ParasolOdmImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (PARASOL_IS_ODM_DIALOG (self), FALSE);

  if (self->import_file == NULL)
    return FALSE;
  path = g_file_get_path (self->import_file);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  g_clear_object (&self->import_file);
  if (!parasol_odm_import_file (self->store, self->protocol, path, FALSE, &report, &error))
    {
      set_status (self, error->message);
      return FALSE;
    }
  text = g_strdup_printf (_("Imported %s: %u new patients, %u patient fields set, %u records "
                            "added (%u lab results)."),
                          path, report->patients_created, report->fields_changed,
                          report->records_added, report->labs_added);
  set_status (self, text);
  return TRUE;
}

static void
chooser_response (GtkNativeDialog  *chooser,
                  int               response,
                  ParasolOdmDialog *self)
{
  gboolean saving = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) ==
                    GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (saving)
        parasol_odm_dialog_export_to (self, file);
      else
        parasol_odm_dialog_preview (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_chooser (ParasolOdmDialog     *self,
              GtkFileChooserAction  action)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("ODM files (XML)"));
  gtk_file_filter_add_suffix (filter, "xml");
  chooser = gtk_file_chooser_native_new (action == GTK_FILE_CHOOSER_ACTION_SAVE
                                           ? _("Export CDISC ODM") : _("Import CDISC ODM"),
                                         GTK_WINDOW (self), action,
                                         action == GTK_FILE_CHOOSER_ACTION_SAVE
                                           ? _("_Export") : _("_Open"),
                                         _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      g_autofree char *name = g_strdup_printf ("%s.xml", parasol_protocol_get_id (self->protocol));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (self->chooser);
}

static void
export_clicked (ParasolOdmDialog *self)
{
  open_chooser (self, GTK_FILE_CHOOSER_ACTION_SAVE);
}

static void
choose_clicked (ParasolOdmDialog *self)
{
  open_chooser (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
import_clicked (ParasolOdmDialog *self)
{
  parasol_odm_dialog_import (self);
}

static void
parasol_odm_dialog_dispose (GObject *object)
{
  ParasolOdmDialog *self = PARASOL_ODM_DIALOG (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->import_file);
  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_ODM_DIALOG);

  G_OBJECT_CLASS (parasol_odm_dialog_parent_class)->dispose (object);
}

static void
parasol_odm_dialog_class_init (ParasolOdmDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_odm_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-odm-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolOdmDialog, transactional_switch);
  gtk_widget_class_bind_template_child (widget_class, ParasolOdmDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolOdmDialog, choose_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolOdmDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolOdmDialog, status_label);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parasol_odm_dialog_init (ParasolOdmDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
parasol_odm_dialog_new (GtkWindow       *parent,
                        ParasolStore    *store,
                        ParasolProtocol *protocol)
{
  ParasolOdmDialog *self;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), NULL);

  self = g_object_new (PARASOL_TYPE_ODM_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->protocol = g_object_ref (protocol);
  return GTK_WIDGET (self);
}
