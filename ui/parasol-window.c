/* parasol-window.c — the main window: the patients of the open trial database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-window"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-odm-dialog.h"
#include "parasol-patient.h"
#include "parasol-patient-list.h"
#include "parasol-patient-page.h"
#include "parasol-protocol.h"
#include "parasol-window.h"

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
  ParasolPatientPage     *patient_page;
  AdwStatusPage          *message_page;
  GtkWidget              *commands_box;
  GtkLabel               *demo_command_label;
  GtkButton              *demo_copy_button;
  GtkLabel               *init_command_label;
  GtkButton              *init_copy_button;
  GtkLabel               *message_detail_label;

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

/* "parasol-cli demo", or with "--database PATH" when this is not the default database. */
static char *
cli_command (ParasolWindow *self,
             const char    *subcommand)
{
  g_autofree char *default_path = parasol_store_default_path ();

  if (self->database_path == NULL || g_strcmp0 (self->database_path, default_path) == 0)
    return g_strdup_printf ("parasol-cli %s", subcommand);
  else
    {
      g_autofree char *quoted = g_shell_quote (self->database_path);

      return g_strdup_printf ("parasol-cli %s --database %s", subcommand, quoted);
    }
}

static void
show_commands (ParasolWindow *self,
               gboolean       visible)
{
  gtk_widget_set_visible (self->commands_box, visible);
  if (!visible)
    return;

  {
    g_autofree char *demo = cli_command (self, "demo");
    g_autofree char *init = cli_command (self, "init");

    gtk_label_set_label (self->demo_command_label, demo);
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->demo_copy_button), "s", demo);
    gtk_label_set_label (self->init_command_label, init);
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->init_copy_button), "s", init);
  }
}

static void show_page (ParasolWindow *self,
                       const char    *name);

static void
show_message (ParasolWindow *self,
              const char    *icon_name,
              const char    *title,
              const char    *description,
              const char    *detail)
{
  g_autofree char *markup = description != NULL ? g_markup_escape_text (description, -1) : NULL;

  adw_status_page_set_icon_name (self->message_page, icon_name);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, markup);
  gtk_label_set_label (self->message_detail_label, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_detail_label), detail != NULL);

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
copy_text_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ParasolWindow *self = user_data;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          g_variant_get_string (parameter, NULL));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied to clipboard")));
}

static void
show_page (ParasolWindow *self,
           const char    *name)
{
  gboolean on_patient = g_strcmp0 (name, "patient") == 0;
  GAction *back = g_action_map_lookup_action (G_ACTION_MAP (self), "back");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->back_button, on_patient);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (back), on_patient);
  /* Typing goes to the patient search only where it can be seen */
  set_key_capture (self, g_strcmp0 (name, "patients") == 0);
  update_title (self);
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
  gtk_widget_grab_focus (GTK_WIDGET (parasol_patient_list_view_get_column_view (self->patient_list_view)));
}

static void
on_patient_activated (ParasolWindow  *self,
                      ParasolPatient *patient)
{
  parasol_window_show_patient (self, parasol_patient_get_id (patient));
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

static const GActionEntry win_entries[] = {
  { "search", search_action },
  { "copy-text", copy_text_action, "s" },
  { "back", back_action },
  { "odm", odm_action },
};

static void
parasol_window_dispose (GObject *object)
{
  ParasolWindow *self = PARASOL_WINDOW (object);

  g_clear_handle_id (&self->poll_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_WINDOW);

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
  g_type_ensure (PARASOL_TYPE_PATIENT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, patient_list_view);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, patient_page);

  /* Back from a patient: Alt+Left as in a browser, Escape as in a dialog */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Back, 0, "win.back", NULL);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, message_page);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, commands_box);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, demo_command_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, demo_copy_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, init_command_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, init_copy_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolWindow, message_detail_label);
}

static void
parasol_window_init (ParasolWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);

  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
  g_signal_connect_object (self->patient_list_view, "patient-activated",
                           G_CALLBACK (on_patient_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->patient_page, "notify::title",
                           G_CALLBACK (on_patient_title_changed), self, G_CONNECT_SWAPPED);

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
  parasol_patient_page_set_store (self->patient_page, NULL);
  parasol_patient_page_set_protocol (self->patient_page, NULL);
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
      self->patients = parasol_patient_list_new (store);
      parasol_patient_list_view_set_model (self->patient_list_view, G_LIST_MODEL (self->patients));
      parasol_patient_page_set_store (self->patient_page, store);
      parasol_patient_page_set_protocol (self->patient_page, self->protocol);
      show_page (self, "patients");
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

  g_return_if_fail (PARASOL_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  parasol_window_set_store (self, NULL);
  set_database_path (self, path);

  /* Nothing there yet (on a fresh machine even the default folder is missing): explain how
   * to make one, with the commands ready to copy. */
  if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND) ||
      (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NO_FOLDER) &&
       is_default_path (path)))
    {
      show_message (self, "x-office-spreadsheet-symbolic", _("No Trial Database Yet"),
                    _("Parasol keeps a trial in one database file, and there is none here yet. "
                      "Create it from a terminal, then try again."),
                    path);
      show_commands (self, TRUE);
      return;
    }

  /* The store's messages already say what happened and what to do; the page adds a title. */
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

  show_message (self, icon, title, error->message, NULL);
  show_commands (self, FALSE);
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

ParasolPatientPage *
parasol_window_get_patient_page (ParasolWindow *self)
{
  g_return_val_if_fail (PARASOL_IS_WINDOW (self), NULL);

  return self->patient_page;
}

void
parasol_window_show_patient (ParasolWindow *self,
                             gint64         patient_id)
{
  g_return_if_fail (PARASOL_IS_WINDOW (self));
  g_return_if_fail (patient_id > 0);

  if (self->store == NULL)
    return;

  parasol_patient_page_set_patient_id (self->patient_page, patient_id);
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
