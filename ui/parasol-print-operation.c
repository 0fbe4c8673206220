/* parasol-print-operation.c — printing a patient's cycle schedule (GtkPrintOperation)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-print-operation"

#include "config.h"

#include <errno.h>
#include <math.h>

#include <glib/gi18n.h>

#include "parasol-print-operation.h"
#include "parasol-printout.h"

struct _ParasolPrintOperation
{
  GtkPrintOperation  parent_instance;

  ParasolStore      *store;
  ParasolProtocol   *protocol;
  gint64             patient_id;
  char              *language;
  GtkDropDown       *language_dropdown;   /* on the dialog's "Schedule" tab */
  ParasolPrintout   *printout;
  GError            *error;
};

G_DEFINE_FINAL_TYPE (ParasolPrintOperation, parasol_print_operation, GTK_TYPE_PRINT_OPERATION)

static char *
settings_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "parasol", "print-settings.ini", NULL);
}

static void
load_settings (ParasolPrintOperation *self)
{
  g_autofree char *path = settings_path ();
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new_from_file (path, NULL);
  g_autoptr(GtkPageSetup) setup = NULL;

  if (settings == NULL)
    {
      /* A4 unless the user chose otherwise once: the first sites are in China */
      g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

      settings = gtk_print_settings_new ();
      gtk_print_settings_set_paper_size (settings, a4);
    }
  setup = gtk_page_setup_new ();
  gtk_page_setup_set_paper_size (setup, gtk_print_settings_get_paper_size (settings));
  gtk_print_operation_set_print_settings (GTK_PRINT_OPERATION (self), settings);
  gtk_print_operation_set_default_page_setup (GTK_PRINT_OPERATION (self), setup);
}

static void
save_settings (ParasolPrintOperation *self)
{
  GtkPrintSettings *settings = gtk_print_operation_get_print_settings (GTK_PRINT_OPERATION (self));
  g_autofree char *path = settings_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  if (settings == NULL)
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !gtk_print_settings_to_file (settings, path, &error))
    g_warning ("Could not keep the print settings in %s: %s", path,
               error ? error->message : g_strerror (errno));
}

static void
parasol_print_operation_begin_print (GtkPrintOperation *operation,
                                     GtkPrintContext   *context)
{
  ParasolPrintOperation *self = PARASOL_PRINT_OPERATION (operation);
  ParasolPrintoutOptions options;
  g_autofree char *recorded = NULL;
  double width = gtk_print_context_get_width (context);

  g_clear_pointer (&self->printout, parasol_printout_free);
  g_clear_error (&self->error);

  parasol_printout_options_init (&options);
  /* the unit is points and the whole page is ours: Letter is 612 pt wide, A4 595 */
  options.paper = fabs (width - 612.0) < 4.0 ? PARASOL_PAPER_LETTER : PARASOL_PAPER_A4;
  options.language = self->language;
  if (options.language == NULL &&
      parasol_store_get_patient_language (self->store, self->patient_id, &recorded, &self->error))
    options.language = recorded;

  if (self->error == NULL)
    self->printout = parasol_printout_new (&options, &self->error);
  if (self->printout != NULL &&
      !parasol_printout_add_schedule (self->printout, self->store, self->protocol,
                                      self->patient_id, &self->error))
    g_clear_pointer (&self->printout, parasol_printout_free);

  if (self->printout == NULL)
    {
      gtk_print_operation_set_n_pages (operation, 1);
      gtk_print_operation_cancel (operation);
      return;
    }

  gtk_print_operation_set_n_pages (operation, parasol_printout_get_n_pages (self->printout));
}

static void
parasol_print_operation_draw_page (GtkPrintOperation *operation,
                                   GtkPrintContext   *context,
                                   int                page_nr)
{
  ParasolPrintOperation *self = PARASOL_PRINT_OPERATION (operation);
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double pw, ph, cw = gtk_print_context_get_width (context), ch = gtk_print_context_get_height (context);

  if (self->printout == NULL)
    return;

  /* Laid out for A4 or Letter: on other paper, scale to fit and centre */
  parasol_printout_get_page_size (self->printout, &pw, &ph);
  cairo_save (cr);
  if (fabs (cw - pw) > 1 || fabs (ch - ph) > 1)
    {
      double scale = MIN (cw / pw, ch / ph);

      cairo_translate (cr, (cw - pw * scale) / 2, (ch - ph * scale) / 2);
      cairo_scale (cr, scale, scale);
    }
  parasol_printout_draw_page (self->printout, cr, page_nr);
  cairo_restore (cr);
}

static void
parasol_print_operation_end_print (GtkPrintOperation *operation,
                                   GtkPrintContext   *context)
{
  ParasolPrintOperation *self = PARASOL_PRINT_OPERATION (operation);

  g_clear_pointer (&self->printout, parasol_printout_free);
}

static void
parasol_print_operation_done (GtkPrintOperation       *operation,
                              GtkPrintOperationResult  result)
{
  if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    save_settings (PARASOL_PRINT_OPERATION (operation));

  if (GTK_PRINT_OPERATION_CLASS (parasol_print_operation_parent_class)->done)
    GTK_PRINT_OPERATION_CLASS (parasol_print_operation_parent_class)->done (operation, result);
}

/* The dialog's own tab: which language this copy is printed in (the patient's by default; the
 * ward may want the interface's) */
static const char *const language_ids[] = { NULL, "zh_CN", "en" };

static GtkWidget *
parasol_print_operation_create_custom_widget (GtkPrintOperation *operation)
{
  ParasolPrintOperation *self = PARASOL_PRINT_OPERATION (operation);
  const char *const names[] = {
    _("The patient’s language"),
    /* Translators: a language choice for the printed copy; keep the native name */
    _("Chinese (简体中文)"),
    _("English"),
    NULL,
  };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Language of this copy"));
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (names);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), dropdown);
  for (guint i = 0; i < G_N_ELEMENTS (language_ids); i++)
    if (g_strcmp0 (language_ids[i], self->language) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), dropdown);
  self->language_dropdown = GTK_DROP_DOWN (dropdown);
  gtk_print_operation_set_custom_tab_label (operation, _("Schedule"));

  return box;
}

static void
parasol_print_operation_custom_widget_apply (GtkPrintOperation *operation,
                                             GtkWidget         *widget)
{
  ParasolPrintOperation *self = PARASOL_PRINT_OPERATION (operation);
  guint selected;

  if (self->language_dropdown == NULL)
    return;
  selected = gtk_drop_down_get_selected (self->language_dropdown);
  if (selected < G_N_ELEMENTS (language_ids))
    {
      g_free (self->language);
      self->language = g_strdup (language_ids[selected]);
    }
  self->language_dropdown = NULL;
}

static void
parasol_print_operation_finalize (GObject *object)
{
  ParasolPrintOperation *self = PARASOL_PRINT_OPERATION (object);

  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->printout, parasol_printout_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (parasol_print_operation_parent_class)->finalize (object);
}

static void
parasol_print_operation_class_init (ParasolPrintOperationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkPrintOperationClass *operation_class = GTK_PRINT_OPERATION_CLASS (klass);

  object_class->finalize = parasol_print_operation_finalize;
  operation_class->begin_print = parasol_print_operation_begin_print;
  operation_class->draw_page = parasol_print_operation_draw_page;
  operation_class->end_print = parasol_print_operation_end_print;
  operation_class->done = parasol_print_operation_done;
  operation_class->create_custom_widget = parasol_print_operation_create_custom_widget;
  operation_class->custom_widget_apply = parasol_print_operation_custom_widget_apply;
}

static void
parasol_print_operation_init (ParasolPrintOperation *self)
{
  GtkPrintOperation *operation = GTK_PRINT_OPERATION (self);

  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_allow_async (operation, TRUE);
  gtk_print_operation_set_show_progress (operation, TRUE);
  gtk_print_operation_set_job_name (operation, _("Treatment schedule"));
  load_settings (self);
}

ParasolPrintOperation *
parasol_print_operation_new (ParasolStore    *store,
                             ParasolProtocol *protocol,
                             gint64           patient_id,
                             const char      *language)
{
  ParasolPrintOperation *self;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), NULL);
  g_return_val_if_fail (patient_id > 0, NULL);

  self = g_object_new (PARASOL_TYPE_PRINT_OPERATION, NULL);
  self->store = g_object_ref (store);
  self->protocol = g_object_ref (protocol);
  self->patient_id = patient_id;
  self->language = g_strdup (language);
  return self;
}

const GError *
parasol_print_operation_get_error (ParasolPrintOperation *self)
{
  g_return_val_if_fail (PARASOL_IS_PRINT_OPERATION (self), NULL);

  return self->error;
}
