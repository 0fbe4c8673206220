/* parasol-application.c — the Parasol desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-application"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parasol-application.h"
#include "parasol-store.h"
#include "parasol-trial.h"
#include "parasol-window.h"

/* The demo trial "Create a Demo Trial" makes: parasol-cli demo's defaults. */
#define DEMO_PATIENTS 40
#define DEMO_SEED     1

struct _ParasolApplication
{
  AdwApplication  parent_instance;

  gint64          started_at;        /* monotonic, on entry to main() */
  gboolean        allow_network_fs;  /* --allow-network-filesystem was given */
  gboolean        bench_startup;     /* PARASOL_BENCH_STARTUP=1 */
  gulong          after_paint_id;
  GdkFrameClock  *bench_clock;
  GSettings      *settings;          /* NULL when the schema is not installed */
};

G_DEFINE_FINAL_TYPE (ParasolApplication, parasol_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "database", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the trial database at PATH instead of the default"), N_("PATH") },
  { "allow-network-filesystem", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Open a database on NFS or SMB although SQLite cannot lock it safely there"), NULL },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

/* Milliseconds since the kernel started this process (/proc/self/stat "starttime", in clock
 * ticks since boot, against CLOCK_BOOTTIME), or -1 where that is not available. */
static double
ms_since_process_start (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  struct timespec now;
  long ticks_per_second;
  guint64 start_ticks;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    return -1;

  /* The command name (field 2) may hold spaces and parentheses: skip past the last ')'. */
  after_comm = strrchr (stat, ')');
  if (after_comm == NULL)
    return -1;

  /* Fields from 3 (state) on; starttime is field 22. */
  fields = g_strsplit (after_comm + 2, " ", 0);
  if (g_strv_length (fields) < 20)
    return -1;

  ticks_per_second = sysconf (_SC_CLK_TCK);
  if (ticks_per_second <= 0 || clock_gettime (CLOCK_BOOTTIME, &now) != 0)
    return -1;

  start_ticks = g_ascii_strtoull (fields[22 - 3], NULL, 10);

  return (now.tv_sec * 1000.0 + now.tv_nsec / 1e6) - (start_ticks * 1000.0 / ticks_per_second);
}

static void
on_after_paint (GdkFrameClock      *clock,
                ParasolApplication *self)
{
  double since_main = (g_get_monotonic_time () - self->started_at) / 1000.0;
  double since_start = ms_since_process_start ();
  char startup[G_ASCII_DTOSTR_BUF_SIZE];
  char main_ms[G_ASCII_DTOSTR_BUF_SIZE];

  /* The kernel's start time has clock-tick resolution; never report less than we measured. */
  if (since_start < since_main)
    since_start = since_main;

  g_clear_signal_handler (&self->after_paint_id, clock);
  g_clear_object (&self->bench_clock);

  g_ascii_formatd (startup, sizeof startup, "%.1f", since_start);
  g_ascii_formatd (main_ms, sizeof main_ms, "%.1f", since_main);
  g_print ("{\"startup_ms\": %s, \"main_to_paint_ms\": %s}\n", startup, main_ms);
  fflush (stdout);

  g_application_quit (G_APPLICATION (self));
}

static void
bench_watch_first_frame (ParasolApplication *self,
                         GtkWindow          *window)
{
  GdkFrameClock *clock;

  if (!self->bench_startup || self->after_paint_id != 0 || self->bench_clock != NULL)
    return;

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  if (clock == NULL)
    {
      g_warning ("PARASOL_BENCH_STARTUP: the window has no frame clock");
      return;
    }

  self->bench_clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (on_after_paint), self);
}

static ParasolWindow *
find_window (ParasolApplication *self,
             const char         *path)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (PARASOL_IS_WINDOW (l->data) &&
        g_strcmp0 (parasol_window_get_database_path (l->data), path) == 0)
      return l->data;

  return NULL;
}

/* The schema is looked up rather than assumed: a build run from its tree without
 * GSETTINGS_SCHEMA_DIR still starts, it only forgets its window size and last trial. */
static GSettings *
settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.parasol.Parasol", TRUE);
  if (schema == NULL)
    {
      g_debug ("The settings schema org.parasol.Parasol is not installed; nothing is remembered");
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
on_window_close_request (GtkWindow          *window,
                         ParasolApplication *self)
{
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return FALSE;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return FALSE;
}

static ParasolWindow *
new_window (ParasolApplication *self)
{
  ParasolWindow *window = parasol_window_new (GTK_APPLICATION (self), NULL);

  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (window),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (window));
      parasol_window_bind_settings (window, self->settings);
    }
  g_signal_connect_object (window, "close-request", G_CALLBACK (on_window_close_request), self,
                           0);

  return window;
}

/* The whole-file integrity check runs after the window is up; if the file turns out to be
 * damaged, the window drops it and says so before anything can be written. */
static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ParasolWindow) window = user_data;
  ParasolStore *store = PARASOL_STORE (source);
  g_autoptr(GError) error = NULL;

  if (parasol_store_check_finish (store, result, &error))
    return;
  if (parasol_window_get_store (window) != store)
    return;

  g_warning ("%s", error->message);
  parasol_window_show_open_error (window, parasol_store_get_path (store), error);
}

static void
start_check (ParasolWindow *window)
{
  ParasolStore *store = parasol_window_get_store (window);

  if (store != NULL)
    parasol_store_check_async (store, NULL, check_done_cb, g_object_ref (window));
}

static void
on_first_paint (GdkFrameClock *clock,
                ParasolWindow *window)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_paint, window);
  start_check (window);
}

static void
on_window_map (ParasolWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_signal_handlers_disconnect_by_func (window, on_window_map, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_first_paint), window, 0);
  else
    start_check (window);
}

/* The check reads the whole file: on two cores it would slow the first frame, so it starts
 * once the window has painted. */
static void
check_after_first_frame (ParasolWindow *window)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (window)))
    start_check (window);
  else
    g_signal_connect (window, "map", G_CALLBACK (on_window_map), NULL);
}

/* Opens @path into @window, or shows in the window why it cannot be opened.  A file without
 * write permission (a monitor's copy) opens read-only, under a banner. */
static void
open_into_window (ParasolApplication *self,
                  ParasolWindow      *window,
                  const char         *path)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ParasolStoreOpenFlags flags = PARASOL_STORE_OPEN_DEFER_CHECK;

  if (self->allow_network_fs)
    flags |= PARASOL_STORE_OPEN_ALLOW_NETWORK_FS;

  store = parasol_store_open (path, flags, &error);
  if (store == NULL &&
      g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_READ_ONLY) &&
      g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(GError) read_only_error = NULL;

      store = parasol_store_open (path, flags | PARASOL_STORE_OPEN_READ_ONLY, &read_only_error);
      if (store != NULL)
        g_clear_error (&error);
      else
        g_debug ("Cannot open %s read-only either: %s", path, read_only_error->message);
    }

  if (store == NULL)
    {
      g_debug ("Cannot open %s: %s", path, error->message);
      parasol_window_show_open_error (window, path, error);
      return;
    }

  parasol_window_set_store (window, store);
  check_after_first_frame (window);

  if (self->settings != NULL)
    {
      g_autofree char *default_path = parasol_store_default_path ();

      g_settings_set_string (self->settings, "last-database",
                             g_strcmp0 (path, default_path) == 0 ? "" : path);
    }
}

static void
open_database (ParasolApplication *self,
               const char         *database)
{
  g_autofree char *path = NULL;
  ParasolWindow *window;

  if (database != NULL)
    path = g_strdup (database);
  else if (self->settings != NULL)
    {
      /* The trial opened last, as long as it is still there. */
      g_autofree char *last = g_settings_get_string (self->settings, "last-database");

      if (last[0] != '\0' && g_file_test (last, G_FILE_TEST_IS_REGULAR))
        path = g_steal_pointer (&last);
    }
  if (path == NULL)
    path = parasol_store_default_path ();

  window = find_window (self, path);
  if (window == NULL)
    {
      const char *open_patient = g_getenv ("PARASOL_OPEN_PATIENT");

      window = new_window (self);
      open_into_window (self, window, path);

      /* For screenshots and manual tests: PARASOL_OPEN_PATIENT=S-0004 opens that patient */
      if (open_patient != NULL && *open_patient != '\0' &&
          parasol_window_get_store (window) != NULL)
        {
          g_autoptr(GError) error = NULL;

          if (!parasol_window_show_patient_by_key (window, open_patient, &error))
            g_warning ("PARASOL_OPEN_PATIENT=%s: %s", open_patient, error->message);
        }
    }

  gtk_window_present (GTK_WINDOW (window));
  bench_watch_first_frame (self, GTK_WINDOW (window));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
reopen_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  ParasolApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *path = NULL;

  if (!PARASOL_IS_WINDOW (window))
    return;

  path = g_strdup (parasol_window_get_database_path (PARASOL_WINDOW (window)));
  if (path == NULL)
    path = parasol_store_default_path ();

  open_into_window (self, PARASOL_WINDOW (window), path);
}

/* The window the file actions act on: the active one, or a new one. */
static ParasolWindow *
target_window (ParasolApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (PARASOL_IS_WINDOW (window))
    return PARASOL_WINDOW (window);

  window = GTK_WINDOW (new_window (self));
  gtk_window_present (window);
  return PARASOL_WINDOW (window);
}

static void
show_error_dialog (GtkWindow    *parent,
                   const char   *heading,
                   const GError *error)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
dialog_path (GtkNativeDialog *dialog)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  return file != NULL ? g_file_get_path (file) : NULL;
}

static GtkFileFilter *
database_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Trial databases"));
  gtk_file_filter_add_mime_type (filter, "application/vnd.sqlite3");
  gtk_file_filter_add_mime_type (filter, "application/x-sqlite3");
  gtk_file_filter_add_suffix (filter, "db");
  return filter;
}

static GtkFileFilter *
all_files_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  return filter;
}

/* GtkFileChooserNative goes through the file chooser portal in a Flatpak.  GTK 4.10 deprecates
 * it for GtkFileDialog, which Debian 12's GTK 4.8 does not have. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static GtkFileChooserNative *
file_chooser_new (ParasolApplication   *self,
                  const char           *title,
                  GtkFileChooserAction  action,
                  const char           *accept_label)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  return gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Cancel"));
}

static void
open_response_cb (GtkNativeDialog    *dialog,
                  int                 response,
                  ParasolApplication *self)
{
  g_autofree char *path = response == GTK_RESPONSE_ACCEPT ? dialog_path (dialog) : NULL;

  if (path != NULL)
    {
      ParasolWindow *window = find_window (self, path);

      if (window == NULL)
        {
          window = target_window (self);
          open_into_window (self, window, path);
        }
      gtk_window_present (GTK_WINDOW (window));
    }

  g_object_unref (dialog);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ParasolApplication *self = user_data;
  GtkFileChooserNative *dialog;

  dialog = file_chooser_new (self, _("Open Trial"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), database_filter ());
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all_files_filter ());
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Creates the trial at @path from @protocol_path (NULL: built in) into the target window. */
static void
create_trial (ParasolApplication *self,
              const char         *path,
              const char         *protocol_path,
              int                 demo_patients)
{
  ParasolWindow *window = target_window (self);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *default_path = parasol_store_default_path ();
  ParasolStoreOpenFlags flags = self->allow_network_fs ? PARASOL_STORE_OPEN_ALLOW_NETWORK_FS
                                                       : PARASOL_STORE_OPEN_DEFAULT;

  if (g_strcmp0 (path, default_path) == 0 && !parasol_store_ensure_default_folder (&error))
    {
      show_error_dialog (GTK_WINDOW (window), _("Cannot Create the Trial"), error);
      return;
    }

  store = parasol_trial_create (path, protocol_path, demo_patients, DEMO_SEED, flags, &error);
  if (store == NULL)
    {
      show_error_dialog (GTK_WINDOW (window), _("Cannot Create the Trial"), error);
      return;
    }
  g_clear_object (&store);

  open_into_window (self, window, path);
  gtk_window_present (GTK_WINDOW (window));
}

typedef struct {
  ParasolApplication *self;
  char               *path;
} NewTrial;

static void
new_trial_free (NewTrial *new_trial)
{
  g_free (new_trial->path);
  g_free (new_trial);
}

static void
protocol_response_cb (GtkNativeDialog *dialog,
                      int              response,
                      NewTrial        *new_trial)
{
  g_autofree char *protocol_path = response == GTK_RESPONSE_ACCEPT ? dialog_path (dialog) : NULL;

  if (protocol_path != NULL)
    create_trial (new_trial->self, new_trial->path, protocol_path, 0);

  new_trial_free (new_trial);
  g_object_unref (dialog);
}

static void
new_trial_response_cb (GtkNativeDialog    *dialog,
                       int                 response,
                       ParasolApplication *self)
{
  g_autofree char *path = response == GTK_RESPONSE_ACCEPT ? dialog_path (dialog) : NULL;
  const char *protocol = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "protocol");

  if (path != NULL && g_strcmp0 (protocol, "file") == 0)
    {
      GtkFileChooserNative *chooser;
      GtkFileFilter *filter = gtk_file_filter_new ();
      NewTrial *new_trial = g_new0 (NewTrial, 1);

      new_trial->self = self;
      new_trial->path = g_steal_pointer (&path);

      chooser = file_chooser_new (self, _("Choose the Protocol"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                  _("_Create Trial"));
      gtk_file_filter_set_name (filter, _("Protocol definitions"));
      gtk_file_filter_add_suffix (filter, "xml");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
      g_signal_connect (chooser, "response", G_CALLBACK (protocol_response_cb), new_trial);
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
    }
  else if (path != NULL)
    create_trial (self, path, NULL, 0);

  g_object_unref (dialog);
}

static void
new_trial_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ParasolApplication *self = user_data;
  GtkFileChooserNative *dialog;
  static const char *protocol_ids[] = { "builtin", "file", NULL };
  const char *protocol_labels[] = {
    /* Translators: the protocol a new trial is created from */
    _("BUTTONS-001 (built in)"),
    _("Another protocol file…"),
    NULL
  };

  dialog = file_chooser_new (self, _("New Trial"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Create"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("trial.db"));
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "protocol", _("Protocol"),
                               protocol_ids, protocol_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "protocol", "builtin");
  g_signal_connect (dialog, "response", G_CALLBACK (new_trial_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
restore_response_cb (GtkNativeDialog    *dialog,
                     int                 response,
                     ParasolApplication *self)
{
  g_autofree char *backup = response == GTK_RESPONSE_ACCEPT ? dialog_path (dialog) : NULL;
  ParasolWindow *window = target_window (self);
  const char *target = parasol_window_get_database_path (window);
  g_autofree char *aside = NULL;
  g_autoptr(GError) error = NULL;

  g_object_unref (dialog);
  if (backup == NULL || target == NULL)
    return;

  if (!parasol_trial_restore_backup (backup, target, &aside, &error))
    {
      show_error_dialog (GTK_WINDOW (window), _("Cannot Restore the Backup"), error);
      return;
    }

  open_into_window (self, window, target);
  if (aside != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Restored. The damaged file was kept as %s."),
                                               aside);
      parasol_window_add_toast (window, text);
    }
}

static void
restore_backup_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ParasolApplication *self = user_data;
  GtkFileChooserNative *dialog;

  dialog = file_chooser_new (self, _("Restore from a Backup"), GTK_FILE_CHOOSER_ACTION_OPEN,
                             _("_Restore"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), database_filter ());
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all_files_filter ());
  g_signal_connect (dialog, "response", G_CALLBACK (restore_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

G_GNUC_END_IGNORE_DEPRECATIONS

static void
create_demo_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ParasolApplication *self = user_data;
  ParasolWindow *window = target_window (self);
  g_autofree char *path = g_strdup (parasol_window_get_database_path (window));

  if (path == NULL)
    path = parasol_store_default_path ();

  create_trial (self, path, NULL, DEMO_PATIENTS);
}

/* The About window's debug info, for a bug report: which trial, protocol and database file. */
static char *
about_debug_info (GtkWindow *window)
{
  GString *info = g_string_new (NULL);
  ParasolStore *store = PARASOL_IS_WINDOW (window)
                          ? parasol_window_get_store (PARASOL_WINDOW (window)) : NULL;
  const char *path = PARASOL_IS_WINDOW (window)
                       ? parasol_window_get_database_path (PARASOL_WINDOW (window)) : NULL;
  const char * const *languages = g_get_language_names ();

  g_string_append_printf (info, "Parasol %s (%s)\n", PACKAGE_VERSION, APP_ID);

  if (store != NULL)
    {
      g_autofree char *trial_id = NULL;
      g_autofree char *registry_id = NULL;
      g_autofree char *title = NULL;
      g_autofree char *protocol_version = NULL;
      g_autoptr(GError) error = NULL;

      if (parasol_store_get_trial (store, &trial_id, &registry_id, &title, &protocol_version,
                                   NULL, &error) &&
          trial_id != NULL)
        {
          g_string_append_printf (info, _("Trial: %s (%s)\n"), trial_id,
                                  registry_id != NULL && *registry_id ? registry_id : "—");
          g_string_append_printf (info, _("Protocol version: %s\n"),
                                  protocol_version != NULL ? protocol_version : "—");
        }
      else
        g_string_append_printf (info, _("Trial: none set up (%s)\n"),
                                error != NULL ? error->message : "—");
      g_string_append_printf (info, _("Database: %s (schema version %d)\n"),
                              parasol_store_get_path (store),
                              parasol_store_get_schema_version (store));
    }
  else
    g_string_append_printf (info, _("Database: %s (not open)\n"), path != NULL ? path : "—");

  g_string_append_printf (info, "GLib %u.%u.%u, GTK %u.%u.%u, libadwaita %u.%u.%u\n",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          gtk_get_major_version (), gtk_get_minor_version (),
                          gtk_get_micro_version (), adw_get_major_version (),
                          adw_get_minor_version (), adw_get_micro_version ());
  g_string_append_printf (info, "Flatpak: %s\n",
                          g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? "yes" : "no");
  g_string_append_printf (info, "Language: %s\n", languages[0]);

  return g_string_free (info, FALSE);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  ParasolApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Parasol developers", NULL };
  g_autofree char *debug_info = about_debug_info (window);

  /* The icon is found in the installed icon theme, or else in the program's own resources
   * (data/icons/parasol-icons.gresource.xml.in), so also from the build tree. */
  adw_show_about_window (window,
                         "application-name", _("Parasol"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Parasol developers"),
                         "developers", developers,
                         "comments", _("Screening, arm assignment and treatment schedules for "
                                       "biomarker-integrated umbrella trials, starting with "
                                       "BUTTONS-001 (NCT07172412) in extensive-stage small "
                                       "cell lung cancer."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         "debug-info", debug_info,
                         "debug-info-filename", "parasol-debug-info.txt",
                         NULL);
}

static const GActionEntry app_entries[] = {
  { "quit", quit_action },
  { "reopen", reopen_action },
  { "open", open_action },
  { "new-trial", new_trial_action },
  { "create-demo", create_demo_action },
  { "restore-backup", restore_backup_action },
  { "about", about_action },
};

static void
parasol_application_startup (GApplication *application)
{
  ParasolApplication *self = PARASOL_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *new_trial_accels[] = { "<Shift><Control>n", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  /* On another core while GTK connects to the display. */
  parasol_store_prepare ();
  G_APPLICATION_CLASS (parasol_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-trial",
                                         new_trial_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         shortcuts_accels);

  self->settings = settings_new ();
}

static void
parasol_application_activate (GApplication *application)
{
  ParasolApplication *self = PARASOL_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* Launched without a command line (D-Bus activation, the desktop file): the default
   * database, or whatever window is already open. */
  if (window != NULL)
    gtk_window_present (window);
  else
    open_database (self, NULL);
}

static int
parasol_application_command_line (GApplication            *application,
                                  GApplicationCommandLine *command_line)
{
  ParasolApplication *self = PARASOL_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *database = NULL;
  g_autofree char *path = NULL;

  if (g_variant_dict_contains (options, "allow-network-filesystem"))
    self->allow_network_fs = TRUE;

  if (g_variant_dict_lookup (options, "database", "^&ay", &database) && database[0] != '\0')
    {
      /* Relative to the directory the command was run in, which for a second invocation
       * is not ours. */
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line,
                                                                             database);
      path = g_file_get_path (file);
    }

  open_database (self, path);

  return EXIT_SUCCESS;
}

static int
parasol_application_handle_local_options (GApplication *application,
                                          GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("parasol %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  return -1;
}

static void
parasol_application_dispose (GObject *object)
{
  ParasolApplication *self = PARASOL_APPLICATION (object);

  if (self->bench_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->bench_clock);
  g_clear_object (&self->bench_clock);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (parasol_application_parent_class)->dispose (object);
}

static void
parasol_application_class_init (ParasolApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = parasol_application_dispose;

  app_class->startup = parasol_application_startup;
  app_class->activate = parasol_application_activate;
  app_class->command_line = parasol_application_command_line;
  app_class->handle_local_options = parasol_application_handle_local_options;
}

static void
parasol_application_init (ParasolApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Screening, arm assignment and treatment "
                                              "schedules for an umbrella trial."));
}

ParasolApplication *
parasol_application_new (gint64 started_at)
{
  ParasolApplication *self;
  GApplicationFlags flags = G_APPLICATION_HANDLES_COMMAND_LINE;
  gboolean bench = g_strcmp0 (g_getenv ("PARASOL_BENCH_STARTUP"), "1") == 0;

  /* A benchmark run must measure a cold start, not hand its command line to a running
   * instance (nor wait for the session bus). */
  if (bench)
    flags |= G_APPLICATION_NON_UNIQUE;

  self = g_object_new (PARASOL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       "resource-base-path", "/org/parasol/Parasol",
                       NULL);
  self->started_at = started_at;
  self->bench_startup = bench;

  return self;
}
