/* parasol-swimmer-view.c — the swimmer plot page of the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-swimmer-view"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-patient.h"
#include "parasol-protocol.h"
#include "parasol-accessible.h"
#include "parasol-swimmer-view.h"

/* Store changes come in bursts (a dose and its audit rows, an import): rebuild once. */
#define REBUILD_DELAY_MS 150

struct _ParasolSwimmerView
{
  GtkWidget             parent_instance;

  /* template */
  GtkWidget            *toolbar;
  GtkDropDown          *group_dropdown;
  GtkDropDown          *sort_dropdown;
  GtkCheckButton       *dose_check;
  GtkLabel             *count_label;
  GtkWidget            *scroller;
  ParasolSwimmerCanvas *canvas;

  ParasolStore         *store;
  ParasolProtocol      *protocol;
  GListModel           *filter_model;
  GHashTable           *shown_ids;      /* gint64* of the filter model's patients */
  guint                 rebuild_source;
  guint                 refilter_source;
  gboolean              stale;          /* the store changed while the page was not shown */
  gboolean              stale_filter;   /* the list's filter changed while not shown */
  GtkNativeDialog      *chooser;
};

G_DEFINE_FINAL_TYPE (ParasolSwimmerView, parasol_swimmer_view, GTK_TYPE_WIDGET)

enum {
  PATIENT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_toast              (ParasolSwimmerView *self,
                                     const char         *message);
static void on_dose_changes_toggled (ParasolSwimmerView *self);

static ParasolSwimmerGroup
current_group (ParasolSwimmerView *self)
{
  return gtk_drop_down_get_selected (self->group_dropdown) == 1 ? PARASOL_SWIMMER_GROUP_NONE
                                                                 : PARASOL_SWIMMER_GROUP_ARM;
}

static ParasolSwimmerSort
current_sort (ParasolSwimmerView *self)
{
  return gtk_drop_down_get_selected (self->sort_dropdown) == 1 ? PARASOL_SWIMMER_SORT_ID
                                                                : PARASOL_SWIMMER_SORT_DURATION;
}

static void
update_count (ParasolSwimmerView *self)
{
  ParasolSwimmerPlot *plot = parasol_swimmer_canvas_get_plot (self->canvas);
  g_autofree char *text = NULL;
  guint shown, total;

  if (plot == NULL)
    {
      gtk_label_set_label (self->count_label, "");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "swimmer.export", FALSE);
      return;
    }
  shown = parasol_swimmer_plot_get_n_lanes (plot);
  total = parasol_swimmer_plot_get_n_treated (plot);
  if (shown == total)
    /* Translators: above the swimmer plot */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u treated patient",
                                         "%u treated patients", total), total);
  else
    /* Translators: above the swimmer plot, "12 of 33 treated patients, as filtered in the list" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u of %u treated patient, as filtered in the patient list",
                                         "%u of %u treated patients, as filtered in the patient list",
                                         total), shown, total);
  gtk_label_set_label (self->count_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "swimmer.export", TRUE);
}

static gboolean
lane_is_shown (const ParasolSwimmerLane *lane,
               gpointer                  user_data)
{
  ParasolSwimmerView *self = user_data;

  return g_hash_table_contains (self->shown_ids, &lane->patient_id);
}

static void
apply_filter (ParasolSwimmerView *self)
{
  ParasolSwimmerPlot *plot = parasol_swimmer_canvas_get_plot (self->canvas);

  if (plot == NULL)
    return;
  parasol_swimmer_plot_filter (plot, self->filter_model != NULL ? lane_is_shown : NULL, self);
  parasol_swimmer_canvas_plot_changed (self->canvas);
  update_count (self);
}

static void
collect_shown_ids (ParasolSwimmerView *self)
{
  guint n;

  g_hash_table_remove_all (self->shown_ids);
  if (self->filter_model == NULL)
    return;
  n = g_list_model_get_n_items (self->filter_model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (self->filter_model, i);
      gint64 *id = g_new (gint64, 1);

      *id = parasol_patient_get_id (patient);
      g_hash_table_add (self->shown_ids, id);
    }
}

static void
rebuild (ParasolSwimmerView *self)
{
  g_autoptr(GError) error = NULL;
  ParasolSwimmerOptions options;
  ParasolSwimmerPlot *plot = NULL;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);

  /* Nothing to draw while the page is hidden: the list stays as fast with 100 000 patients */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  self->stale = FALSE;
  if (self->stale_filter)
    {
      self->stale_filter = FALSE;
      collect_shown_ids (self);
    }

  if (self->store != NULL)
    {
      parasol_swimmer_options_init (&options);
      options.group = current_group (self);
      options.sort = current_sort (self);
      options.dose_changes = gtk_check_button_get_active (self->dose_check);
      plot = parasol_swimmer_plot_new_from_store (self->store, self->protocol, &options, &error);
      if (plot == NULL && options.dose_changes &&
          g_error_matches (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID))
        {
          /* too many patients for delays and reductions: say so, draw without them */
          show_toast (self, error->message);
          g_clear_error (&error);
          g_signal_handlers_block_by_func (self->dose_check, on_dose_changes_toggled, self);
          gtk_check_button_set_active (self->dose_check, FALSE);
          g_signal_handlers_unblock_by_func (self->dose_check, on_dose_changes_toggled, self);
          options.dose_changes = FALSE;
          plot = parasol_swimmer_plot_new_from_store (self->store, self->protocol, &options, &error);
        }
      if (plot == NULL)
        g_warning ("Cannot draw the swimmer plot: %s", error->message);
    }
  parasol_swimmer_canvas_set_dose_changes (self->canvas, gtk_check_button_get_active (self->dose_check));
  parasol_swimmer_canvas_set_plot (self->canvas, plot);
  apply_filter (self);
  update_count (self);
}

static gboolean
rebuild_cb (gpointer user_data)
{
  ParasolSwimmerView *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (ParasolSwimmerView *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_timeout_add (REBUILD_DELAY_MS, rebuild_cb, self);
}

static gboolean
refilter_cb (gpointer user_data)
{
  ParasolSwimmerView *self = user_data;

  self->refilter_source = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale_filter = TRUE;
      return G_SOURCE_REMOVE;
    }
  collect_shown_ids (self);
  apply_filter (self);
  return G_SOURCE_REMOVE;
}

static void
on_filter_items_changed (ParasolSwimmerView *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale_filter = TRUE;
      return;
    }
  if (self->refilter_source == 0)
    self->refilter_source = g_idle_add (refilter_cb, self);
}

static void
on_store_changed (ParasolSwimmerView *self)
{
  queue_rebuild (self);
}

static void
on_arrangement_changed (ParasolSwimmerView *self)
{
  ParasolSwimmerPlot *plot = parasol_swimmer_canvas_get_plot (self->canvas);

  if (plot == NULL)
    return;
  parasol_swimmer_plot_arrange (plot, current_group (self), current_sort (self));
  parasol_swimmer_canvas_plot_changed (self->canvas);
}

static void
on_dose_changes_toggled (ParasolSwimmerView *self)
{
  rebuild (self);
}

static void
on_lane_activated (ParasolSwimmerView *self,
                   gint64              patient_id)
{
  g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, patient_id);
}

static void
show_toast (ParasolSwimmerView *self,
            const char         *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    {
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 6);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
  else
    g_message ("%s", message);
}

gboolean
parasol_swimmer_view_export (ParasolSwimmerView *self,
                             const char         *path,
                             GError            **error)
{
  ParasolSwimmerPlot *plot;
  ParasolSwimmerRenderOptions options;
  ParasolSwimmerFormat format;

  g_return_val_if_fail (PARASOL_IS_SWIMMER_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  plot = parasol_swimmer_canvas_get_plot (self->canvas);
  if (plot == NULL)
    {
      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID,
                   _("No trial database is open."));
      return FALSE;
    }
  if (!parasol_swimmer_format_from_path (path, &format, error))
    return FALSE;
  parasol_swimmer_render_options_init (&options);
  options.dose_changes = gtk_check_button_get_active (self->dose_check);
  /* The file chooser has asked before replacing a file. */
  return parasol_swimmer_export (plot, path, format, 1600, 0, 96, &options, TRUE, error);
}

static void
on_chooser_response (GtkNativeDialog    *chooser,
                     int                 response,
                     ParasolSwimmerView *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_toast (self, _("Choose a local folder for the export."));
      return;
    }
  if (!parasol_swimmer_view_export (self, path, &error))
    show_toast (self, error->message);
  else
    {
      g_autofree char *basename = g_path_get_basename (path);
      /* Translators: a toast after exporting the swimmer plot */
      g_autofree char *message = g_strdup_printf (_("Saved the swimmer plot as %s"), basename);

      show_toast (self, message);
    }
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *mime_type,
            const char     *pattern)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParasolSwimmerView *self = PARASOL_SWIMMER_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export the Swimmer Plot"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Translators: the file name suggested when exporting the swimmer plot; keep the .pdf */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("swimmer-plot.pdf"));
  add_filter (GTK_FILE_CHOOSER (chooser), _("PDF document (paginated)"), "application/pdf", "*.pdf");
  add_filter (GTK_FILE_CHOOSER (chooser), _("PNG image"), "image/png", "*.png");
  add_filter (GTK_FILE_CHOOSER (chooser), _("SVG image"), "image/svg+xml", "*.svg");
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
parasol_swimmer_view_map (GtkWidget *widget)
{
  ParasolSwimmerView *self = PARASOL_SWIMMER_VIEW (widget);

  GTK_WIDGET_CLASS (parasol_swimmer_view_parent_class)->map (widget);

  if (self->stale)
    rebuild (self);
  else if (self->stale_filter)
    {
      self->stale_filter = FALSE;
      collect_shown_ids (self);
      apply_filter (self);
    }
}

static void
parasol_swimmer_view_dispose (GObject *object)
{
  ParasolSwimmerView *self = PARASOL_SWIMMER_VIEW (object);

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_handle_id (&self->refilter_source, g_source_remove);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  parasol_swimmer_view_set_filter_model (self, NULL);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  g_clear_pointer (&self->shown_ids, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_SWIMMER_VIEW);

  G_OBJECT_CLASS (parasol_swimmer_view_parent_class)->dispose (object);
}

static void
parasol_swimmer_view_class_init (ParasolSwimmerViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_swimmer_view_dispose;
  widget_class->map = parasol_swimmer_view_map;

  /**
   * ParasolSwimmerView::patient-activated:
   * @patient_id: the patient whose lane was clicked or activated with Enter
   */
  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (PARASOL_TYPE_SWIMMER_CANVAS);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-swimmer-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolSwimmerView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, ParasolSwimmerView, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParasolSwimmerView, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParasolSwimmerView, dose_check);
  gtk_widget_class_bind_template_child (widget_class, ParasolSwimmerView, count_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolSwimmerView, scroller);
  gtk_widget_class_bind_template_child (widget_class, ParasolSwimmerView, canvas);
  gtk_widget_class_bind_template_callback (widget_class, on_arrangement_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_dose_changes_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_lane_activated);

  gtk_widget_class_install_action (widget_class, "swimmer.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "swimmer.export", NULL);
}

static void
parasol_swimmer_view_init (ParasolSwimmerView *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));
  parasol_accessible_name_drop_down (self->group_dropdown, _("Group the lanes"));
  parasol_accessible_name_drop_down (self->sort_dropdown, _("Order of the lanes"));
  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);

  self->shown_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  update_count (self);
}

GtkWidget *
parasol_swimmer_view_new (void)
{
  return g_object_new (PARASOL_TYPE_SWIMMER_VIEW, NULL);
}

void
parasol_swimmer_view_set_store (ParasolSwimmerView *self,
                                ParasolStore       *store,
                                ParasolProtocol    *protocol)
{
  g_return_if_fail (PARASOL_IS_SWIMMER_VIEW (self));
  g_return_if_fail (store == NULL || PARASOL_IS_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_set_object (&self->protocol, protocol);
  if (store != NULL)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self,
                             G_CONNECT_SWAPPED);
  rebuild (self);
}

void
parasol_swimmer_view_set_filter_model (ParasolSwimmerView *self,
                                       GListModel         *model)
{
  g_return_if_fail (PARASOL_IS_SWIMMER_VIEW (self));

  if (self->filter_model == model)
    return;
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  g_set_object (&self->filter_model, model);
  if (model != NULL)
    g_signal_connect_object (model, "items-changed", G_CALLBACK (on_filter_items_changed), self,
                             G_CONNECT_SWAPPED);
  if (self->shown_ids != NULL)
    {
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        {
          collect_shown_ids (self);
          apply_filter (self);
        }
      else
        self->stale_filter = TRUE;
    }
}

ParasolSwimmerCanvas *
parasol_swimmer_view_get_canvas (ParasolSwimmerView *self)
{
  g_return_val_if_fail (PARASOL_IS_SWIMMER_VIEW (self), NULL);
  return self->canvas;
}

void
parasol_swimmer_view_flush (ParasolSwimmerView *self)
{
  g_return_if_fail (PARASOL_IS_SWIMMER_VIEW (self));

  if (self->rebuild_source != 0 || self->stale)
    rebuild (self);
  if (self->refilter_source != 0)
    {
      g_clear_handle_id (&self->refilter_source, g_source_remove);
      collect_shown_ids (self);
      apply_filter (self);
    }
}
