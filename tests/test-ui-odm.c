/* test-ui-odm.c — the ODM export and import window, for real, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the dialog through the window's menu action (win.odm) on a demo trial, exports (what
 * the file chooser's answer calls), previews that file against an empty trial (the dry run
 * writes nothing, Import becomes available), imports it, and previews a refused file (Import
 * stays unavailable, the refusal is shown).
 *
 * Run as: dbus-run-session -- xvfb-run -a env GSK_RENDERER=cairo ./test-ui-odm
 */
#define G_LOG_DOMAIN "test-ui-odm"

#include "config.h"

#include <string.h>

#include "parasol-odm-dialog.h"
#include "parasol-protocol.h"
#include "ui-helpers.h"

static ParasolOdmDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (PARASOL_IS_ODM_DIALOG (w))
        return PARASOL_ODM_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL && gtk_widget_get_mapped (GTK_WIDGET (find_dialog ()));
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_export_preview_import (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *db = cli_make_demo (dir, 8);
  g_autofree char *empty_db = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *xml = g_build_filename (dir, "trial.xml", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.xml", NULL);
  g_autofree char *init = ui_run_cli (empty_db, "init", NULL);
  g_autoptr(ParasolStore) store = ui_open_store (db);
  g_autoptr(ParasolStore) empty = ui_open_store (empty_db);
  g_autoptr(ParasolProtocol) protocol = parasol_protocol_new_for_store (empty, NULL);
  g_autoptr(GFile) xml_file = g_file_new_for_path (xml);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  ParasolWindow *window = ui_present_window (store);
  ParasolOdmDialog *dialog;
  ParasolOdmDialog *importer;
  GtkWidget *import_button;

  /* The menu's action opens the dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.odm", NULL));
  g_assert_true (ui_wait_until (dialog_shown, NULL));
  dialog = find_dialog ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));

  g_assert_true (parasol_odm_dialog_export_to (dialog, xml_file));
  cli_assert_contains (parasol_odm_dialog_get_status (dialog), "Exported 8 patients");
  g_assert_true (g_file_test (xml, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Preview in another trial: nothing written, Import enabled; then import. */
  g_assert_nonnull (protocol);
  importer = PARASOL_ODM_DIALOG (parasol_odm_dialog_new (GTK_WINDOW (window), empty, protocol));
  gtk_window_present (GTK_WINDOW (importer));
  ui_wait_mapped (GTK_WIDGET (importer));
  import_button = find_button (GTK_WIDGET (importer), "_Import");
  g_assert_nonnull (import_button);
  g_assert_false (gtk_widget_get_sensitive (import_button));
  g_assert_true (parasol_odm_dialog_preview (importer, xml_file));
  cli_assert_contains (parasol_odm_dialog_get_status (importer), "8 new patients");
  cli_assert_contains (parasol_odm_dialog_get_status (importer), "Nothing has been written yet");
  g_assert_cmpint (parasol_store_count_patients (empty), ==, 0);
  g_assert_true (gtk_widget_get_sensitive (import_button));
  g_signal_emit_by_name (import_button, "clicked");
  ui_drain ();
  cli_assert_contains (parasol_odm_dialog_get_status (importer), "Imported");
  g_assert_cmpint (parasol_store_count_patients (empty), ==, 8);
  g_assert_false (gtk_widget_get_sensitive (import_button));

  /* A refused file: the reason is shown, Import stays off. */
  g_assert_true (g_file_set_contents (bad, "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e "
                                      "SYSTEM \"file:///etc/passwd\">]>\n<x>&e;</x>\n", -1, NULL));
  g_assert_false (parasol_odm_dialog_preview (importer, bad_file));
  cli_assert_contains (parasol_odm_dialog_get_status (importer), "bad.xml:2: document type");
  g_assert_false (gtk_widget_get_sensitive (import_button));
  gtk_window_destroy (GTK_WINDOW (importer));

  ui_destroy_window (window);
  cli_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (!ui_init (&argc, &argv, "test-ui-odm"))
    return 1;

  g_test_add_func ("/ui/odm/export-preview-import", test_export_preview_import);

  return g_test_run ();
}
