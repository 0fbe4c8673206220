/* parasol-window.c — the main window: the patients of the open trial database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-window"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-new-patient-dialog.h"
#include "parasol-odm-dialog.h"
#include "parasol-audit-view.h"
#include "parasol-patient.h"
#include "parasol-patient-list.h"
#include "parasol-patient-page.h"
#include "parasol-print-operation.h"
#include "parasol-protocol.h"
#include "parasol-swimmer-view.h"
#include "parasol-window-private.h"

/* How often an active window asks the store whether another process (parasol-cli, a second
 * Parasol) changed the database.  SQLite's data_version makes the question cheap. */
#define EXTERNAL_CHANGE_POLL_SECONDS 5

struct _ParasolWindow
{
  AdwApplicationWindow    parent_instance;

  /* template */
  AdwToastOverlay        *toast_overlay;
  AdwWindowTitle         *window_title;
  GtkWidget              *back_button;
  GtkStack               *stack;
  ParasolPatientListView *patient_list_view;
  AdwBin                 *patient_page_bin;
  ParasolPatientPage     *patient_page;   /* made when a patient is first opened */
  AdwViewStack           *view_stack;
  GtkWidget              *view_switcher;
  AdwBin                 *swimmer_bin;
  GtkMenuButton          *primary_menu_button;
  GMenuModel             *primary_menu;
  ParasolSwimmerView     *swimmer_view;   /* made when the plot is first shown */
  AdwStatusPage          *message_page;
  GtkLabel               *message_path_label;
  GtkExpander            *details_expander;
  GtkLabel               *message_detail_label;
  GtkWidget              *create_demo_button;
  GtkWidget              *restore_button;
  GtkWidget              *new_trial_button;
  GtkRevealer            *read_only_revealer;

  GtkWindow              *shortcuts_window;  /* made when first asked for */
  ParasolStore           *store;
  ParasolProtocol        *protocol;
  ParasolPatientList     *patients;
  char                   *database_path;
  guint                   poll_source;
};

G_DEFINE_FINAL_TYPE (ParasolWindow, parasol_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_database_path (ParasolWindow *self,
                   const char    *path)
{
  if (self->database_path != path)
    {
      g_free (self->database_path);
      self->database_path = g_strdup (path);
    }
}

static void
set_key_capture (ParasolWindow *self,
                 gboolean       capture)
{
  GtkEditable *entry = parasol_patient_list_view_get_search_entry (self->patient_list_view);

  /* Typing filters the list only where the list can be seen */
  if (capture && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "list") != 0)
    capture = FALSE;
  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (entry),
                                           capture ? GTK_WIDGET (self) : NULL);
}

static void
update_title (ParasolWindow *self)
{
  g_autofree char *trial_id = NULL;
  g_autofree char *registry_id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *window_title = NULL;

  if (self->store != NULL && parasol_store_has_trial (self->store))
    {
      g_autoptr(GError) error = NULL;

      if (!parasol_store_get_trial (self->store, &trial_id, &registry_id, &title, NULL, NULL,
                                    &error))
        g_warning ("Cannot read the trial: %s", error->message);
    }

  if (trial_id != NULL && registry_id != NULL && *registry_id != '\0')
    /* Translators: header bar subtitle, "BUTTONS-001 · NCT07172412" */
    subtitle = g_strdup_printf (_("%s · %s"), trial_id, registry_id);
  else if (trial_id != NULL)
    subtitle = g_strdup (trial_id);
  else if (self->store != NULL)
    subtitle = g_strdup (_("No trial set up"));

  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), title);

  /* A patient's page: "S-0004 · LSD" over the trial */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patient") == 0 &&
      self->patient_page != NULL &&
      parasol_patient_page_get_title (self->patient_page) != NULL)
    adw_window_title_set_title (self->window_title,
                                parasol_patient_page_get_title (self->patient_page));
  else
    adw_window_title_set_title (self->window_title, _("Parasol"));

  if (trial_id != NULL)
    /* Translators: the window title for the window manager, "Parasol — BUTTONS-001" */
    window_title = g_strdup_printf (_("Parasol — %s"), trial_id);
  gtk_window_set_title (GTK_WINDOW (self), window_title != NULL ? window_title : _("Parasol"));
}

static gboolean
poll_external_change (gpointer user_data)
{
  ParasolWindow *self = user_data;

  if (self->store != NULL && parasol_store_poll_external_change (self->store))
    {
      g_debug ("%s changed elsewhere, reloading", parasol_store_get_path (self->store));
      update_title (self);
    }

  return G_SOURCE_CONTINUE;
}

static void
on_is_active_changed (ParasolWindow *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);

  if (self->store == NULL || !gtk_window_is_active (GTK_WINDOW (self)))
    return;

  /* Coming back from a terminal where parasol-cli just changed something: show it at once. */
  poll_external_change (self);
  self->poll_source = g_timeout_add_seconds (EXTERNAL_CHANGE_POLL_SECONDS,
                                             poll_external_change, self);
}

/* Which ways out a message page offers, besides "Open Another Trial…" and "Try Again". */
typedef enum {
  OFFER_NONE    = 0,
  OFFER_CREATE  = 1 << 0,  /* Create a Demo Trial, New Trial… */
  OFFER_RESTORE = 1 << 1,  /* Restore from a Backup… */
} Offers;

static void show_page (ParasolWindow *self,
                       const char    *name);

static void
show_message (ParasolWindow *self,
              const char    *icon_name,
              const char    *title,
              const char    *description,
              const char    *path,
              const char    *detail,
              Offers         offers)
{
  g_autofree char *markup = description != NULL ? g_markup_escape_text (description, -1) : NULL;

  adw_status_page_set_icon_name (self->message_page, icon_name);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, markup);
  gtk_label_set_label (self->message_path_label, path != NULL ? path : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_path_label), path != NULL);
  gtk_label_set_label (self->message_detail_label, detail != NULL ? detail : "");
  gtk_expander_set_expanded (self->details_expander, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->details_expander), detail != NULL);
  gtk_widget_set_visible (self->create_demo_button, (offers & OFFER_CREATE) != 0);
  gtk_widget_set_visible (self->new_trial_button, (offers & OFFER_CREATE) != 0);
  gtk_widget_set_visible (self->restore_button, (offers & OFFER_RESTORE) != 0);

  show_page (self, "message");
}

static void
search_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  ParasolWindow *self = user_data;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patients") == 0)
    parasol_patient_list_view_focus_search (self->patient_list_view);
}

static void
show_page (ParasolWindow *self,
           const char    *name)
{
  gboolean on_patient = g_strcmp0 (name, "patient") == 0;
  GAction *back = g_action_map_lookup_action (G_ACTION_MAP (self), "back");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->back_button, on_patient);
  gtk_widget_set_visible (self->view_switcher, g_strcmp0 (name, "patients") == 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (back), on_patient);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "print-schedule")),
                               on_patient);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "export-schedule")),
                               on_patient);
  /* Typing goes to the patient search only where it can be seen */
  set_key_capture (self, g_strcmp0 (name, "patients") == 0);
  update_title (self);
}

static void on_swimmer_patient_activated (ParasolWindow *self,
                                          gint64         patient_id);

/* The swimmer plot's page is made when it is first shown (or asked for): a window that only
 * lists patients does not pay for it at start-up. */
static ParasolSwimmerView *
ensure_swimmer_view (ParasolWindow *self)
{
  if (self->swimmer_view != NULL)
    return self->swimmer_view;

  self->swimmer_view = PARASOL_SWIMMER_VIEW (parasol_swimmer_view_new ());
  g_signal_connect_object (self->swimmer_view, "patient-activated",
                           G_CALLBACK (on_swimmer_patient_activated), self, G_CONNECT_SWAPPED);
  parasol_swimmer_view_set_filter_model (self->swimmer_view,
                                         parasol_patient_list_view_get_filtered_model (self->patient_list_view));
  if (self->store != NULL)
    parasol_swimmer_view_set_store (self->swimmer_view, self->store, self->protocol);
  adw_bin_set_child (self->swimmer_bin, GTK_WIDGET (self->swimmer_view));

  return self->swimmer_view;
}

static void
back_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ParasolWindow *self = user_data;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patient") != 0)
    return;

  show_page (self, "patients");
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "swimmer") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (parasol_swimmer_view_get_canvas (ensure_swimmer_view (self))));
  else
    gtk_widget_grab_focus (GTK_WIDGET (parasol_patient_list_view_get_column_view (self->patient_list_view)));
}

static void
on_patient_activated (ParasolWindow  *self,
                      ParasolPatient *patient)
{
  parasol_window_show_patient (self, parasol_patient_get_id (patient));
}

static void
on_swimmer_patient_activated (ParasolWindow *self,
                              gint64         patient_id)
{
  parasol_window_show_patient (self, patient_id);
}

static void
on_view_stack_changed (ParasolWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "swimmer") == 0)
    ensure_swimmer_view (self);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patients") == 0)
    set_key_capture (self, TRUE);
}

static void
on_patient_title_changed (ParasolWindow *self)
{
  update_title (self);
}

/* The mouse's back button goes back too */
static void
on_back_button_pressed (GtkGestureClick *gesture,
                        int              n_press,
                        double           x,
                        double           y,
                        ParasolWindow   *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patient") == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.back", NULL);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    }
}

/* ---- Printing the open patient's schedule (core's pages through ParasolPrintOperation) ---- */

static void
on_print_done (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               ParasolWindow           *self)
{
  const GError *layout_error = parasol_print_operation_get_error (PARASOL_PRINT_OPERATION (operation));
  g_autoptr(GError) error = NULL;
  const char *export_path = g_object_get_data (G_OBJECT (operation), "parasol-export-path");
  g_autofree char *message = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    gtk_print_operation_get_error (operation, &error);

  if (layout_error != NULL)
    message = g_strdup_printf (_("The schedule cannot be printed: %s"), layout_error->message);
  else if (error != NULL)
    message = g_strdup_printf (_("Printing failed: %s"), error->message);
  else if (result == GTK_PRINT_OPERATION_RESULT_APPLY && export_path != NULL)
    {
      g_autofree char *name = g_path_get_basename (export_path);
      message = g_strdup_printf (_("Schedule saved as %s"), name);
    }

  if (message != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (message, -1);
      AdwToast *toast = adw_toast_new (escaped);

      adw_toast_set_timeout (toast, layout_error || error ? 0 : 5);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

static void
run_print (ParasolWindow           *self,
           GtkPrintOperationAction  action,
           const char              *export_path)
{
  g_autoptr(ParasolPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  gint64 patient_id = self->patient_page != NULL
                        ? parasol_patient_page_get_patient_id (self->patient_page) : 0;

  if (self->store == NULL || self->protocol == NULL || patient_id <= 0 ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patient") != 0)
    return;

  operation = parasol_print_operation_new (self->store, self->protocol, patient_id, NULL);
  if (export_path != NULL)
    {
      gtk_print_operation_set_export_filename (GTK_PRINT_OPERATION (operation), export_path);
      g_object_set_data_full (G_OBJECT (operation), "parasol-export-path", g_strdup (export_path),
                              g_free);
    }
  g_signal_connect_object (operation, "done", G_CALLBACK (on_print_done), self, 0);
  /* the window keeps the running operation until the next one */
  g_object_set_data_full (G_OBJECT (self), "parasol-print-operation", g_object_ref (operation),
                          g_object_unref);
  gtk_print_operation_run (GTK_PRINT_OPERATION (operation), action, GTK_WINDOW (self), &error);
}

static void
print_schedule_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  run_print (user_data, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    ParasolWindow   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        run_print (self, GTK_PRINT_OPERATION_ACTION_EXPORT, path);
    }
  g_object_unref (dialog);
}

static void
export_schedule_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  ParasolWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  const char *title = NULL;

  if (self->patient_page == NULL ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "patient") != 0)
    return;
  title = parasol_patient_page_get_title (self->patient_page);

  dialog = gtk_file_chooser_native_new (_("Export Schedule as PDF"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* Translators: the suggested file name; %s is the patient, "BT-0004 · LSD" */
  name = g_strdup_printf (_("%s schedule.pdf"), title ? title : "");
  g_strdelimit (name, "/·", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Export and import CDISC ODM (ui/parasol-odm-dialog.c). */
static void
odm_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  ParasolWindow *self = user_data;

  if (self->store != NULL && self->protocol != NULL)
    gtk_window_present (GTK_WINDOW (parasol_odm_dialog_new (GTK_WINDOW (self), self->store,
                                                            self->protocol)));
}

/* ---- New Patient (Ctrl+N): parasol_store_add_patient(), as `parasol-cli patient add` ---- */

static void
on_patient_added (ParasolWindow *self,
                  gint64         patient_id)
{
  parasol_window_show_patient (self, patient_id);
}

static void
new_patient_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ParasolWindow *self = user_data;
  GtkWidget *dialog;

  if (self->store == NULL || !parasol_store_has_trial (self->store))
    {
      parasol_window_add_toast (self, _("Open or create a trial before adding patients"));
      return;
    }
  if (parasol_store_is_read_only (self->store))
    {
      parasol_window_add_toast (self, _("This trial database is open read-only: "
                                        "patients cannot be added"));
      return;
    }

  dialog = parasol_new_patient_dialog_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (dialog, "patient-added", G_CALLBACK (on_patient_added), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The whole trial's audit trail (ui/parasol-audit-view.c). */
static void
audit_trail_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ParasolWindow *self = user_data;
  g_autofree char *trial_id = NULL;

  if (self->store == NULL || !parasol_store_has_trial (self->store))
    return;
  parasol_store_get_trial (self->store, &trial_id, NULL, NULL, NULL, NULL, NULL);
  gtk_window_present (GTK_WINDOW (parasol_audit_view_new (GTK_WINDOW (self), self->store, 0,
                                                          trial_id)));
}

/* Built on request rather than by GtkApplication for every window (resources/gtk/
 * help-overlay.ui): a third of the time it takes to make the window went to it. */
static void
show_help_overlay_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  ParasolWindow *self = user_data;

  if (self->shortcuts_window == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/org/parasol/Parasol/ui/parasol-shortcuts-window.ui");

      self->shortcuts_window = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
      gtk_window_set_destroy_with_parent (self->shortcuts_window, TRUE);
    }
  gtk_window_present (self->shortcuts_window);
}

static const GActionEntry win_entries[] = {
  { "show-help-overlay", show_help_overlay_action },
  { "new-patient", new_patient_action },
  { "search", search_action },
  { "back", back_action },
  { "print-schedule", print_schedule_action },
  { "export-schedule", export_schedule_action },
  { "odm", odm_action },
  { "audit-trail", audit_trail_action },
};

static void
parasol_window_dispose (GObject *object)
{
  ParasolWindow *self = PARASOL_WINDOW (object);

  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_pointer (&self->shortcuts_window, gtk_window_destroy);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_WINDOW);
  self->patient_page = NULL;  /* the bin's child */
  self->swimmer_view = NULL;  /* the other bin's child */

  g_clear_object (&self->patients);
  g_clear_object (&self->protocol);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (parasol_window_parent_class)->dispose (object);
}

static void
parasol_window_finalize (GObject *object)
{
  ParasolWindow *self = PARASOL_WINDOW (object);

  g_clear_pointer (&self->database_path, g_free);

  G_OBJECT_CLASS (parasol_window_parent_class)->finalize (object);
}

static void
parasol_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ParasolWindow *self = PARASOL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ParasolWindow *self = PARASOL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      parasol_window_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_window_class_init (ParasolWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_window_dispose;
  object_class->finalize = parasol_window_finalize;
  object_class->get_property = parasol_window_get_property;
  object_class->set_property = parasol_window_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PARASOL_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PARASOL_TYPE_PATIENT_LIST_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, patient_list_view);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, patient_page_bin);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, swimmer_bin);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, primary_menu);

  /* Back from a patient: Alt+Left as in a browser, Escape as in a dialog */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Back, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "win.print-schedule", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-patient", NULL);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, message_page);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, message_path_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, details_expander);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, message_detail_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, create_demo_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, restore_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, new_trial_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, read_only_revealer);
}

/* The main menu's popover is made when it is first opened (by click, F10 or a screen reader),
 * not with the window. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  ParasolWindow *self = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
parasol_window_init (ParasolWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "print-schedule")),
                               FALSE);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "export-schedule")),
                               FALSE);

  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_primary_menu, self, NULL);
  g_signal_connect_object (self->patient_list_view, "patient-activated",
                           G_CALLBACK (on_patient_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (on_view_stack_changed), self, G_CONNECT_SWAPPED);

  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 8);
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
    g_signal_connect (click, "pressed", G_CALLBACK (on_back_button_pressed), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  }

  /* Until a store or an error arrives. */
  show_page (self, "patients");
}

ParasolWindow *
parasol_window_new (GtkApplication *application,
                    ParasolStore   *store)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (store == NULL || PARASOL_IS_STORE (store), NULL);

  return g_object_new (PARASOL_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

ParasolStore *
parasol_window_get_store (ParasolWindow *self)
{
  g_return_val_if_fail (PARASOL_IS_WINDOW (self), NULL);

  return self->store;
}

void
parasol_window_set_store (ParasolWindow *self,
                          ParasolStore  *store)
{
  g_return_if_fail (PARASOL_IS_WINDOW (self));
  g_return_if_fail (store == NULL || PARASOL_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  parasol_patient_list_view_set_model (self->patient_list_view, NULL);
  parasol_patient_list_view_set_protocol (self->patient_list_view, NULL);
  if (self->patient_page != NULL)
    {
      parasol_patient_page_set_store (self->patient_page, NULL);
      parasol_patient_page_set_protocol (self->patient_page, NULL);
    }
  if (self->swimmer_view != NULL)
    parasol_swimmer_view_set_store (self->swimmer_view, NULL, NULL);
  g_clear_object (&self->patients);
  g_clear_object (&self->protocol);

  if (store != NULL)
    {
      g_autoptr(ParasolProtocol) protocol = NULL;
      g_autoptr(GError) error = NULL;

      /* A few milliseconds; without it the table shows arm ids instead of names. */
      if (parasol_store_has_trial (store))
        {
          protocol = parasol_protocol_new_for_store (store, &error);
          if (protocol == NULL)
            g_debug ("No arm names, the trial's protocol does not load: %s", error->message);
        }
      parasol_patient_list_view_set_protocol (self->patient_list_view, protocol);
      self->protocol = g_steal_pointer (&protocol);

      set_database_path (self, parasol_store_get_path (store));
      /* A screenful for the first frame; the list view reads the rest once it is painted. */
      self->patients = parasol_patient_list_new_paged (store, 64);
      parasol_patient_list_view_set_model (self->patient_list_view, G_LIST_MODEL (self->patients));
      if (self->patient_page != NULL)
        {
          parasol_patient_page_set_store (self->patient_page, store);
          parasol_patient_page_set_protocol (self->patient_page, self->protocol);
        }
      if (self->swimmer_view != NULL)
        parasol_swimmer_view_set_store (self->swimmer_view, store, self->protocol);
      show_page (self, "patients");
    }

  {
    gboolean read_only = store != NULL && parasol_store_is_read_only (store);

    /* Hidden, not only folded away, so that a screen reader does not read it either. */
    gtk_widget_set_visible (GTK_WIDGET (self->read_only_revealer), read_only);
    gtk_revealer_set_reveal_child (self->read_only_revealer, read_only);
  }

  update_title (self);
  on_is_active_changed (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static gboolean
is_default_path (const char *path)
{
  g_autofree char *default_path = parasol_store_default_path ();

  return g_strcmp0 (path, default_path) == 0;
}

void
parasol_window_show_open_error (ParasolWindow *self,
                                const char    *path,
                                const GError  *error)
{
  const char *icon = "dialog-error-symbolic";
  const char *title = _("Cannot Open the Trial Database");
  const char *description = NULL;
  Offers offers = OFFER_NONE;

  g_return_if_fail (PARASOL_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  parasol_window_set_store (self, NULL);
  set_database_path (self, path);

  /* Nothing there yet (on a fresh machine even the default folder is missing): offer to
   * make one. */
  if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND) ||
      (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NO_FOLDER) &&
       is_default_path (path)))
    {
      show_message (self, "x-office-spreadsheet-symbolic", _("No Trial Database Yet"),
                    _("Parasol keeps a trial in one database file, and there is none here yet. "
                      "Create a demo trial to try Parasol, start a new trial from its protocol, "
                      "or open an existing trial."),
                    path, NULL, OFFER_CREATE);
      return;
    }

  /* The store's messages already say what happened and what to do; the page adds a title.
   * Where the message carries SQLite's own words, a plain sentence comes first and the
   * detail goes behind "Technical Details". */
  if (error->domain == PARASOL_STORE_ERROR)
    {
      switch ((ParasolStoreError) error->code)
        {
        case PARASOL_STORE_ERROR_NO_FOLDER:
          icon = "folder-symbolic";
          title = _("The Folder Does Not Exist");
          break;

        case PARASOL_STORE_ERROR_BUSY:
        case PARASOL_STORE_ERROR_CONFLICT:
          icon = "changes-prevent-symbolic";
          title = _("The Trial Database Is Busy");
          break;

        case PARASOL_STORE_ERROR_NETWORK_FS:
          icon = "folder-remote-symbolic";
          title = _("The Trial Database Is on a Network Drive");
          break;

        case PARASOL_STORE_ERROR_CORRUPT:
          icon = "dialog-warning-symbolic";
          title = _("The Trial Database Is Damaged");
          description = _("Parts of this file can no longer be read, so Parasol will not use "
                          "it: nothing was changed in it. Restore the last backup (the damaged "
                          "file is kept beside it, for your IT support), or open another trial.");
          offers = OFFER_RESTORE;
          break;

        case PARASOL_STORE_ERROR_NOT_PARASOL:
          icon = "dialog-question-symbolic";
          title = _("Not a Parasol Database");
          break;

        case PARASOL_STORE_ERROR_NEWER_SCHEMA:
          icon = "software-update-available-symbolic";
          title = _("Written by a Newer Parasol");
          break;

        case PARASOL_STORE_ERROR_READ_ONLY:
          icon = "changes-prevent-symbolic";
          title = _("The Trial Database Cannot Be Written");
          break;

        case PARASOL_STORE_ERROR_FULL:
          icon = "drive-harddisk-symbolic";
          title = _("The Disk Is Full");
          break;

        case PARASOL_STORE_ERROR_AUDIT:
          icon = "dialog-warning-symbolic";
          title = _("The Audit Trail Does Not Verify");
          description = _("The record of who changed what no longer matches the data, so the "
                          "data may have been changed outside Parasol. Nothing more can be "
                          "recorded until this is looked into. Restore the last backup, or "
                          "open another trial; tell the trial's data manager.");
          offers = OFFER_RESTORE;
          break;

        case PARASOL_STORE_ERROR_FAILED:
        case PARASOL_STORE_ERROR_NOT_FOUND:
        case PARASOL_STORE_ERROR_INVALID:
        case PARASOL_STORE_ERROR_REASON_REQUIRED:
        case PARASOL_STORE_ERROR_EXISTS:
        default:
          break;
        }
    }

  if (description != NULL)
    show_message (self, icon, title, description, path, error->message, offers);
  else
    show_message (self, icon, title, error->message, path, NULL, offers);
}

const char *
parasol_window_get_database_path (ParasolWindow *self)
{
  g_return_val_if_fail (PARASOL_IS_WINDOW (self), NULL);

  return self->database_path;
}

const char *
parasol_window_get_visible_page (ParasolWindow *self)
{
  g_return_val_if_fail (PARASOL_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

ParasolPatientListView *
parasol_window_get_patient_list_view (ParasolWindow *self)
{
  g_return_val_if_fail (PARASOL_IS_WINDOW (self), NULL);

  return self->patient_list_view;
}

/* The patient page and its sections are built when a patient is first opened, not at
 * start-up: the first frame shows the list. */
static ParasolPatientPage *
ensure_patient_page (ParasolWindow *self)
{
  if (self->patient_page != NULL)
    return self->patient_page;

  self->patient_page = PARASOL_PATIENT_PAGE (parasol_patient_page_new ());
  adw_bin_set_child (self->patient_page_bin, GTK_WIDGET (self->patient_page));
  g_signal_connect_object (self->patient_page, "notify::title",
                           G_CALLBACK (on_patient_title_changed), self, G_CONNECT_SWAPPED);
  if (self->store != NULL)
    {
      parasol_patient_page_set_store (self->patient_page, self->store);
      parasol_patient_page_set_protocol (self->patient_page, self->protocol);
    }

  return self->patient_page;
}

ParasolPatientPage *
parasol_window_get_patient_page (ParasolWindow *self)
{
  g_return_val_if_fail (PARASOL_IS_WINDOW (self), NULL);

  return ensure_patient_page (self);
}

ParasolSwimmerView *
parasol_window_get_swimmer_view (ParasolWindow *self)
{
  g_return_val_if_fail (PARASOL_IS_WINDOW (self), NULL);

  return ensure_swimmer_view (self);
}

void
parasol_window_show_swimmer (ParasolWindow *self,
                             gboolean       swimmer)
{
  g_return_if_fail (PARASOL_IS_WINDOW (self));

  show_page (self, "patients");
  adw_view_stack_set_visible_child_name (self->view_stack, swimmer ? "swimmer" : "list");
}

void
parasol_window_show_patient (ParasolWindow *self,
                             gint64         patient_id)
{
  g_return_if_fail (PARASOL_IS_WINDOW (self));
  g_return_if_fail (patient_id > 0);

  if (self->store == NULL)
    return;

  parasol_patient_page_set_patient_id (ensure_patient_page (self), patient_id);
  show_page (self, "patient");
  gtk_widget_grab_focus (GTK_WIDGET (self->patient_page));
}

gboolean
parasol_window_show_patient_by_key (ParasolWindow  *self,
                                    const char     *key,
                                    GError        **error)
{
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (self->store == NULL)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("No trial database is open"));
      return FALSE;
    }

  id = parasol_store_find_patient (self->store, key, error);
  if (id <= 0)
    return FALSE;

  parasol_window_show_patient (self, id);
  return TRUE;
}

void
parasol_window_add_toast (ParasolWindow *self,
                          const char    *text)
{
  g_return_if_fail (PARASOL_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  {
    /* libadwaita 1.2 reads a toast's title as markup; a path may hold "&". */
    g_autofree char *escaped = g_markup_escape_text (text, -1);

    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
  }
}

void
parasol_window_bind_settings (ParasolWindow *self,
                              GSettings     *settings)
{
  g_return_if_fail (PARASOL_IS_WINDOW (self));

  parasol_patient_list_view_bind_settings (self->patient_list_view, settings);
}
