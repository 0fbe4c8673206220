/* ui-helpers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>

#include "ui-helpers.h"

gboolean
ui_init (int         *argc,
         char      ***argv,
         const char  *program)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("%s needs a display, skipped: run the ui suite under "
                  "“dbus-run-session -- xvfb-run -a meson test --suite ui”.\n", program);
      return FALSE;
    }

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  return TRUE;
}

char *
ui_run_cli (const char *db,
            const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(CliResult) result = NULL;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  result = cli_runv (db, (const char *const *) args->pdata);
  if (result->status != 0)
    g_error ("parasol-cli %s failed (exit status %d):\n%s", first_arg, result->status,
             result->err);

  return g_steal_pointer (&result->out);
}

gboolean
ui_wait_until (UiCondition condition,
               gpointer    data)
{
  gint64 deadline = g_get_monotonic_time () + UI_WAIT_TIMEOUT_MS * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return TRUE;
}

gboolean
ui_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

void
ui_wait_mapped (GtkWidget *widget)
{
  g_assert_true (ui_wait_until (ui_is_mapped, widget));
}

void
ui_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

ParasolStore *
ui_open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  ParasolStore *store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

/* The table holds every patient: the first screenful was painted and the rest came after. */
static gboolean
table_complete (gpointer data)
{
  ParasolPatientListView *view = data;
  GtkColumnView *column_view = parasol_patient_list_view_get_column_view (view);

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (column_view))) ==
         parasol_patient_list_view_get_n_visible (view);
}

void
ui_wait_table_complete (ParasolWindow *window)
{
  if (!ui_wait_until (table_complete, parasol_window_get_patient_list_view (window)))
    g_error ("The patient table did not get past its first screenful");
}

ParasolWindow *
ui_present_window (ParasolStore *store)
{
  ParasolWindow *window = parasol_window_new (NULL, store);

  gtk_window_present (GTK_WINDOW (window));
  ui_wait_mapped (GTK_WIDGET (window));
  ui_wait_table_complete (window);

  return window;
}

void
ui_destroy_window (ParasolWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_drain ();
}
