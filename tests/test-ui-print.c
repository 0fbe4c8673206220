/* test-ui-print.c — printing the open patient's schedule from the window, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * win.print-schedule and win.export-schedule exist only on a patient's page; the export runs
 * the ParasolPrintOperation (GTK_PRINT_OPERATION_ACTION_EXPORT: begin_print, draw_page with the
 * core renderer, end_print) into a real PDF, whose pages hold the patient's schedule.
 *
 * Run as: dbus-run-session -- xvfb-run -a env GSK_RENDERER=cairo ./test-ui-print
 */
#define G_LOG_DOMAIN "test-ui-print"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "parasol-print-operation.h"
#include "parasol-protocol.h"
#include "ui-helpers.h"

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static gboolean
action_enabled (ParasolWindow *window,
                const char    *name)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), name);

  g_assert_nonnull (action);
  return g_action_get_enabled (action);
}

static void
test_print_actions (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *db = cli_make_demo (dir, 40);
  g_autofree char *out = g_build_filename (dir, "export.pdf", NULL);
  g_autofree char *zh_out = g_build_filename (dir, "export-zh.pdf", NULL);
  g_autoptr(ParasolStore) store = ui_open_store (db);
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ParasolWindow *window;
  gint64 id;

  window = ui_present_window (store);
  g_assert_false (action_enabled (window, "print-schedule"));
  g_assert_false (action_enabled (window, "export-schedule"));

  id = parasol_store_find_patient (store, "BT-0004", &error);
  g_assert_no_error (error);
  parasol_window_show_patient (window, id);
  ui_drain ();
  g_assert_true (action_enabled (window, "print-schedule"));
  g_assert_true (action_enabled (window, "export-schedule"));

  /* The same operation the window runs, exported to a file instead of a printer */
  protocol = parasol_protocol_new_for_store (store, &error);
  g_assert_no_error (error);
  {
    g_autoptr(ParasolPrintOperation) op = parasol_print_operation_new (store, protocol, id, "en");
    GtkPrintOperationResult result;

    gtk_print_operation_set_allow_async (GTK_PRINT_OPERATION (op), FALSE);
    gtk_print_operation_set_export_filename (GTK_PRINT_OPERATION (op), out);
    result = gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_EXPORT,
                                      GTK_WINDOW (window), &error);
    g_assert_no_error (error);
    g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);
    g_assert_null (parasol_print_operation_get_error (op));
  }
  text = pdf_text (out);
  cli_assert_contains (text, "Treatment schedule");
  cli_assert_contains (text, "BT-0004");
  cli_assert_contains (text, "Page 1 of");
  g_clear_pointer (&text, g_free);

  /* The patient's language, whatever the interface's */
  {
    g_autoptr(ParasolPrintOperation) op = NULL;

    g_assert_true (parasol_store_set_patient_field (store, id, "language", "zh_CN", 0, NULL, &error));
    g_assert_no_error (error);
    op = parasol_print_operation_new (store, protocol, id, NULL);
    gtk_print_operation_set_allow_async (GTK_PRINT_OPERATION (op), FALSE);
    gtk_print_operation_set_export_filename (GTK_PRINT_OPERATION (op), zh_out);
    gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_EXPORT,
                             GTK_WINDOW (window), &error);
    g_assert_no_error (error);
  }
  text = pdf_text (zh_out);
  cli_assert_contains (text, "治疗日程表");
  g_clear_pointer (&text, g_free);

  /* The dialog's "Schedule" tab chooses another language for this copy (the ward's) */
  {
    g_autoptr(ParasolPrintOperation) op = parasol_print_operation_new (store, protocol, id, NULL);
    g_autofree char *ward = g_build_filename (dir, "ward.pdf", NULL);
    GObject *tab = NULL;
    GtkWidget *dropdown;

    g_signal_emit_by_name (op, "create-custom-widget", &tab);
    g_assert_true (GTK_IS_BOX (tab));
    g_object_ref_sink (tab);
    dropdown = gtk_widget_get_last_child (GTK_WIDGET (tab));
    g_assert_true (GTK_IS_DROP_DOWN (dropdown));
    g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 0);
    gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);   /* English */
    g_signal_emit_by_name (op, "custom-widget-apply", tab);
    g_object_unref (tab);

    gtk_print_operation_set_allow_async (GTK_PRINT_OPERATION (op), FALSE);
    gtk_print_operation_set_export_filename (GTK_PRINT_OPERATION (op), ward);
    gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_EXPORT,
                             GTK_WINDOW (window), &error);
    g_assert_no_error (error);
    text = pdf_text (ward);
    cli_assert_contains (text, "Treatment schedule");
    g_assert_null (strstr (text, "治疗日程表"));
    g_clear_pointer (&text, g_free);
  }

  /* A patient without a calendar: the operation says why instead of printing blank pages */
  {
    g_autoptr(ParasolPrintOperation) op = NULL;
    g_autofree char *none = g_build_filename (dir, "none.pdf", NULL);
    gint64 screening = parasol_store_find_patient (store, "S-0012", &error);

    g_assert_no_error (error);
    op = parasol_print_operation_new (store, protocol, screening, "en");
    gtk_print_operation_set_allow_async (GTK_PRINT_OPERATION (op), FALSE);
    gtk_print_operation_set_export_filename (GTK_PRINT_OPERATION (op), none);
    gtk_print_operation_run (GTK_PRINT_OPERATION (op), GTK_PRINT_OPERATION_ACTION_EXPORT,
                             GTK_WINDOW (window), NULL);
    g_assert_nonnull (parasol_print_operation_get_error (op));
    cli_assert_contains (parasol_print_operation_get_error (op)->message, "cycle 1 day 1");
  }

  /* Back on the list, there is nothing to print */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  ui_drain ();
  g_assert_false (action_enabled (window, "print-schedule"));

  ui_destroy_window (window);
  cli_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);
  g_autofree char *config = g_dir_make_tmp ("parasol-ui-print-XXXXXX", NULL);
  int status;

  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  /* the print settings the operation keeps go to a scratch folder */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  if (!ui_init (&argc, &argv, "test-ui-print"))
    return 1;

  g_test_add_func ("/ui/print/actions", test_print_actions);

  status = g_test_run ();
  cli_rm_rf (config);
  return status;
}
