/* test-ui-facts.c — the screening facts form, for real, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A patient added with parasol-cli; the "Screening Facts" form typed into as a person would
 * (its entry rows and toggles found by their titles and accessible names).  Each refusal (a
 * height outside the protocol's range, a weight measured tomorrow, a change to a saved value
 * without a reason) is shown in the row right under the field typed in, and nothing is
 * written; then the facts are saved and `parasol-cli --json patient show` and `audit show`
 * hold them, the change with its reason.
 *
 * Run as: dbus-run-session -- xvfb-run -a env GSK_RENDERER=cairo ./test-ui-facts
 */
#define G_LOG_DOMAIN "test-ui-facts"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "cli-helpers.h"
#include "parasol-facts-dialog.h"
#include "parasol-input.h"
#include "ui-helpers.h"

static char *tmp_dir;
static char *db;

/* The descendant of @widget that is an AdwPreferencesRow titled @title, or NULL */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = NULL;

      if (ADW_IS_PREFERENCES_ROW (child) &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
        found = child;
      else
        found = find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The toggle button whose accessible name (its button label, for the ECOG grades the
 * "ECOG N" given in the template) is @label */
static GtkWidget *
find_toggle (GtkWidget  *widget,
             const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = NULL;

      if (GTK_IS_TOGGLE_BUTTON (child) &&
          g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        found = child;
      else
        found = find_toggle (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
type (GtkWidget  *dialog,
      const char *title,
      const char *text)
{
  GtkWidget *row = find_row (dialog, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* A UiCondition: the row @data lies wholly inside its scrolled window's visible area */
static gboolean
row_in_view (gpointer data)
{
  GtkWidget *row = data;
  GtkWidget *scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  double x, top, bottom;

  return scrolled != NULL && gtk_widget_get_mapped (row) && gtk_widget_get_height (row) > 0 &&
         gtk_widget_translate_coordinates (row, scrolled, 0, 0, &x, &top) &&
         gtk_widget_translate_coordinates (row, scrolled, 0, gtk_widget_get_height (row), &x,
                                           &bottom) &&
         top >= 0 && bottom <= gtk_widget_get_height (scrolled);
}

/* The refusal under @field is shown in the row right after the row titled @row_title, the
 * field is marked, and its text contains @needle. */
static void
assert_refused_under (GtkWidget  *dialog,
                      const char *field,
                      const char *row_title,
                      const char *needle)
{
  const char *message = parasol_facts_dialog_get_error (PARASOL_FACTS_DIALOG (dialog), field);
  GtkWidget *row = find_row (dialog, row_title);
  GtkWidget *next;
  GtkWidget *label;

  g_assert_nonnull (message);
  g_test_message ("refused under %s: %s", row_title, message);
  g_assert_nonnull (strstr (message, needle));
  g_assert_nonnull (row);
  next = gtk_widget_get_next_sibling (row);
  g_assert_nonnull (next);
  g_assert_true (gtk_widget_get_visible (next));
  label = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (next));
  g_assert_true (GTK_IS_LABEL (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, message);
  /* ... and scrolled into view with the field */
  g_assert_true (ui_wait_until (row_in_view, next));
  g_assert_true (row_in_view (row));
}

static char *
show_patient (void)
{
  return ui_run_cli (db, "--json", "patient", "show", "S-0301", NULL);
}

static GtkWidget *
open_form (ParasolStore *store,
           gint64        id)
{
  GtkWidget *dialog = parasol_facts_dialog_new (NULL, store, id);

  g_assert_nonnull (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  ui_wait_mapped (dialog);
  return dialog;
}

static void
test_facts_refusals (void)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autofree char *json = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *tomorrow_text = NULL;
  g_autoptr(JsonNode) node = NULL;
  GtkWidget *dialog;
  gint64 id;
  GDate tomorrow;
  char buf[PARASOL_DATE_BUF_SIZE];

  g_free (ui_run_cli (db, "patient", "add", "--screening-id", "S-0301", "--sex", "male",
                      "--birth-date", "1958-02-03", "--initials", "QRS", NULL));
  store = ui_open_store (db);
  id = parasol_store_find_patient (store, "S-0301", NULL);
  g_assert_cmpint (id, >, 0);

  /* A height outside the protocol's plausible range: refused under the height */
  dialog = open_form (store, id);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find_toggle (dialog, "1")), TRUE);
  type (dialog, _("Height (cm)"), "16.3");
  g_assert_false (parasol_facts_dialog_save (PARASOL_FACTS_DIALOG (dialog)));
  assert_refused_under (dialog, "height_cm", _("Height (cm)"), "250");
  g_assert_null (parasol_facts_dialog_get_error (PARASOL_FACTS_DIALOG (dialog), "ecog"));

  /* A weight measured tomorrow: refused under the weight's rows */
  type (dialog, _("Height (cm)"), "171");
  type (dialog, _("New weight (kg); empty: none measured"), "68.5");
  parasol_date_set_today (&tomorrow);
  g_date_add_days (&tomorrow, 1);
  tomorrow_text = g_strdup (parasol_date_format (&tomorrow, buf, sizeof buf));
  type (dialog, _("Weight measured on (YYYY-MM-DD)"), tomorrow_text);
  g_assert_false (parasol_facts_dialog_save (PARASOL_FACTS_DIALOG (dialog)));
  assert_refused_under (dialog, "weight_kg", _("Weight measured on (YYYY-MM-DD)"), tomorrow_text);
  /* the date is marked, not the weight */
  g_assert_true (gtk_widget_has_css_class (find_row (dialog, _("Weight measured on (YYYY-MM-DD)")),
                                           "error"));
  g_assert_false (gtk_widget_has_css_class (find_row (dialog, _("New weight (kg); empty: none measured")),
                                            "error"));
  g_assert_null (parasol_facts_dialog_get_error (PARASOL_FACTS_DIALOG (dialog), "height_cm"));

  /* Typing clears the refusal */
  {
    GDate today;

    parasol_date_set_today (&today);
    type (dialog, _("Weight measured on (YYYY-MM-DD)"), parasol_date_format (&today, buf, sizeof buf));
  }
  g_assert_null (parasol_facts_dialog_get_error (PARASOL_FACTS_DIALOG (dialog), "weight_kg"));
  /* A transfusion that has not happened yet */
  type (dialog, _("Last blood transfusion (YYYY-MM-DD); empty: none"), tomorrow_text);
  g_assert_false (parasol_facts_dialog_save (PARASOL_FACTS_DIALOG (dialog)));
  assert_refused_under (dialog, "last_transfusion",
                        _("Last blood transfusion (YYYY-MM-DD); empty: none"), tomorrow_text);

  /* Nothing was written by the refused saves */
  json = show_patient ();
  node = cli_json_member (json, "ecog");
  g_assert_true (node != NULL && JSON_NODE_HOLDS_NULL (node));
  g_clear_pointer (&node, json_node_unref);
  node = cli_json_member (json, "weights");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 0);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&json, g_free);

  type (dialog, _("Last blood transfusion (YYYY-MM-DD); empty: none"), "");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find_toggle (dialog, _("No"))), TRUE);
  g_assert_true (parasol_facts_dialog_save (PARASOL_FACTS_DIALOG (dialog)));
  ui_drain ();

  json = show_patient ();
  node = cli_json_member (json, "ecog");
  g_assert_cmpint (json_node_get_int (node), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  node = cli_json_member (json, "height_cm");
  g_assert_cmpfloat (json_node_get_double (node), ==, 171);
  g_clear_pointer (&node, json_node_unref);
  node = cli_json_member (json, "weight_kg");
  g_assert_cmpfloat (json_node_get_double (node), ==, 68.5);
  g_clear_pointer (&node, json_node_unref);
  node = cli_json_member (json, "childbearing_potential");
  g_assert_cmpstr (json_node_get_string (node), ==, "no");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&json, g_free);

  /* A saved value changes without a reason: refused under the reason, nothing written */
  dialog = open_form (store, id);
  type (dialog, _("Height (cm)"), "173");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find_toggle (dialog, "2")), TRUE);
  g_assert_false (parasol_facts_dialog_save (PARASOL_FACTS_DIALOG (dialog)));
  assert_refused_under (dialog, "reason", _("Reason for the change"), "");
  json = show_patient ();
  node = cli_json_member (json, "height_cm");
  g_assert_cmpfloat (json_node_get_double (node), ==, 171);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&json, g_free);

  type (dialog, _("Reason for the change"), "Measured again without shoes");
  g_assert_true (parasol_facts_dialog_save (PARASOL_FACTS_DIALOG (dialog)));
  ui_drain ();
  json = show_patient ();
  node = cli_json_member (json, "height_cm");
  g_assert_cmpfloat (json_node_get_double (node), ==, 173);
  g_clear_pointer (&node, json_node_unref);
  node = cli_json_member (json, "ecog");
  g_assert_cmpint (json_node_get_int (node), ==, 2);
  g_clear_pointer (&node, json_node_unref);

  /* Each change with its audit row, the change with its reason */
  audit = ui_run_cli (db, "--json", "audit", "show", "--patient", "S-0301", "--limit", "0", NULL);
  cli_assert_json (audit, "{\"table\": \"patient\", \"field\": \"height_cm\", "
                          "\"reason\": \"Measured again without shoes\"}");
  cli_assert_json (audit, "{\"table\": \"patient\", \"field\": \"ecog\", "
                          "\"reason\": \"Measured again without shoes\"}");
  cli_assert_json (audit, "{\"table\": \"patient\", \"field\": \"childbearing_potential\"}");
  g_free (audit);
  /* the dated weight is a row of its own table */
  audit = ui_run_cli (db, "--json", "audit", "show", "--patient", "S-0301", "--history",
                      "--limit", "0", NULL);
  cli_assert_json (audit, "{\"table\": \"weight\", \"field\": null}");
  g_free (ui_run_cli (db, "audit", "verify", NULL));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (!ui_init (&argc, &argv, "test-ui-facts"))
    return UI_EXIT_SKIP;

  tmp_dir = cli_make_tmpdir ();
  db = g_build_filename (tmp_dir, "trial.db", NULL);
  g_free (ui_run_cli (db, "init", NULL));

  g_test_add_func ("/ui/facts/refusals", test_facts_refusals);
  status = g_test_run ();

  cli_rm_rf (tmp_dir);
  g_free (db);
  g_free (tmp_dir);
  return status;
}
