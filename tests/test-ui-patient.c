/* test-ui-patient.c — the patient page, for real, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds a demo trial with parasol-cli, opens it in a ParasolWindow, activates patients in the
 * list as an investigator would (one on treatment, one who failed screening) and checks the
 * page against what parasol-cli says about the same patient: 27 criteria, the verdict, the
 * arm, the cycle calendar; then goes back to the list (win.back, Escape) and follows a change
 * made in the store.
 *
 * Run as: dbus-run-session -- xvfb-run -a env GSK_RENDERER=cairo ./test-ui-patient
 */
#define G_LOG_DOMAIN "test-ui-patient"

#include "config.h"

#include <string.h>

#include "cli-helpers.h"
#include "parasol-criterion-row.h"
#include "parasol-patient-page-private.h"
#include "parasol-patient.h"
#include "parasol-patient-list.h"
#include "ui-helpers.h"

static char *tmp_dir;
static char *demo_db;

/* The string value of the first member @key at any depth of the CLI's JSON @json, or NULL. */
static char *
json_string (const char *json,
             const char *key)
{
  g_autoptr(JsonNode) node = cli_json_member (json, key);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? g_strdup (json_node_get_string (node))
                                                      : NULL;
}

/* The "status" of the object whose "id" is @id in the CLI's JSON @json, or NULL. */
static char *
json_status_of (const char *json,
                const char *id)
{
  g_autoptr(JsonNode) root = cli_json_parse (json);
  g_autoptr(JsonObject) expected = json_object_new ();
  JsonNode *found;

  json_object_set_string_member (expected, "id", id);
  found = cli_json_find_object (root, expected);
  return found != NULL
         ? g_strdup (json_object_get_string_member_with_default (json_node_get_object (found),
                                                                  "status", NULL))
         : NULL;
}

/* The first descendant of @widget of @type, depth first */
static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child
                                                                  : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The calendar's "Show N more planned cycles" row, or NULL */
static GtkWidget *
find_show_more (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = NULL;

      if (ADW_IS_ACTION_ROW (child) &&
          g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), "Show "))
        found = child;
      else
        found = find_show_more (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct {
  ParasolPatientPage *page;
  guint               before;
} MoreCycles;

static gboolean
more_cycle_rows (gpointer data)
{
  MoreCycles *more = data;

  return parasol_patient_page_get_n_cycle_rows (more->page) > more->before;
}

/* Activates the row of @screening_number in the patient table, as a double click or Enter does */
static void
activate_patient (ParasolWindow *window,
                  const char    *screening_number)
{
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GtkColumnView *column_view = parasol_patient_list_view_get_column_view (view);
  GListModel *items = G_LIST_MODEL (gtk_column_view_get_model (column_view));

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (items, i);

      if (g_strcmp0 (parasol_patient_get_screening_number (patient), screening_number) == 0)
        {
          g_signal_emit_by_name (column_view, "activate", i);
          ui_drain ();
          return;
        }
    }

  g_error ("%s is not in the patient table", screening_number);
}

static const char *
expected_verdict_text (const char *verdict)
{
  if (g_strcmp0 (verdict, "eligible") == 0)
    return "Eligible";
  if (g_strcmp0 (verdict, "not_eligible") == 0)
    return "Not eligible";
  g_assert_cmpstr (verdict, ==, "incomplete");
  return "Screening incomplete";
}

/* The first patient with @status in the store, by screening number */
typedef struct {
  const char *status;
  char       *found;
} FindStatus;

static void
find_status_cb (const ParasolPatientRow *row,
                gpointer                 user_data)
{
  FindStatus *fs = user_data;

  if (fs->found == NULL && g_strcmp0 (row->status, fs->status) == 0)
    fs->found = g_strdup (row->screening_number);
}

static char *
first_with_status (ParasolStore *store,
                   const char   *status)
{
  g_autoptr(GError) error = NULL;
  FindStatus fs = { status, NULL };

  g_assert_true (parasol_store_foreach_patient (store, 0, find_status_cb, &fs, &error));
  g_assert_no_error (error);
  g_assert_nonnull (fs.found);

  return fs.found;
}

static void
check_criteria_against_cli (ParasolPatientPage *page,
                            const char         *screen_json)
{
  GPtrArray *rows = parasol_patient_page_get_criterion_rows (page);
  g_autofree char *verdict = json_string (screen_json, "verdict");

  /* 8 inclusion + 19 exclusion, in protocol order, each with the CLI's status */
  g_assert_cmpuint (rows->len, ==, 27);
  for (guint i = 0; i < rows->len; i++)
    {
      ParasolCriterionRow *row = g_ptr_array_index (rows, i);
      const char *id = parasol_criterion_row_get_criterion_id (row);
      g_autofree char *status = json_status_of (screen_json, id);

      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));
      g_assert_nonnull (status);
      g_assert_cmpstr (status, ==,
                       parasol_criterion_status_to_string (parasol_criterion_row_get_status (row)));
      g_assert_true (g_str_has_prefix (id, i < 8 ? "inc-" : "exc-"));
    }

  g_assert_nonnull (verdict);
  g_assert_cmpstr (parasol_patient_page_get_verdict_text (page), ==,
                   expected_verdict_text (verdict));
}

static void
test_patient_on_treatment (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  g_autofree char *key = first_with_status (store, "on_treatment");
  g_autofree char *screen = ui_run_cli (demo_db, "screen", key, "--json", NULL);
  g_autofree char *assign = ui_run_cli (demo_db, "assign", key, "--json", NULL);
  g_autofree char *schedule = ui_run_cli (demo_db, "schedule", key, "--json", NULL);
  g_autofree char *arm_id = json_string (assign, "arm");
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientPage *page = parasol_window_get_patient_page (window);
  g_autofree char *proposed = NULL;
  gint64 id;

  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");
  activate_patient (window, key);

  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patient");
  g_assert_cmpstr (parasol_patient_page_get_visible_page (page), ==, "content");
  id = parasol_store_find_patient (store, key, NULL);
  g_assert_cmpint (parasol_patient_page_get_patient_id (page), ==, id);

  /* The header bar says who */
  g_assert_true (g_str_has_prefix (parasol_patient_page_get_title (page), key));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "back"));

  check_criteria_against_cli (page, screen);

  /* The arm: the CLI's arm id, shown by its name; the proposal the CLI makes */
  g_assert_nonnull (arm_id);
  {
    ParasolProtocol *protocol = parasol_patient_page_get_protocol (page);
    const ParasolArmDef *arm = parasol_protocol_find_arm (protocol, arm_id);

    g_assert_nonnull (arm);
    g_assert_cmpstr (parasol_patient_page_get_arm_text (page), ==,
                     parasol_protocol_translate (arm->name));
  }
  {
    g_autoptr(JsonNode) node = cli_json_member (assign, "proposed");

    g_assert_nonnull (node);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), >, 0);
    proposed = g_strdup (json_array_get_string_element (json_node_get_array (node), 0));
  }
  g_assert_true (g_str_has_prefix (parasol_patient_page_get_proposed_arms (page), proposed));

  /* The calendar: cycle rows, at least those the patient has started */
  cli_assert_json (schedule, "{\"status\": \"started\"}");
  g_assert_cmpuint (parasol_patient_page_get_n_cycle_rows (page), >=, 1);
  /* Still on treatment: a next cycle. */
  g_assert_cmpint (parasol_patient_page_get_next_cycle (page), >, 0);

  /* "Show N more planned cycles" (when the calendar folds some) lists them all */
  {
    guint shown = parasol_patient_page_get_n_cycle_rows (page);
    GtkWidget *more = find_show_more (GTK_WIDGET (page));

    if (more != NULL)
      {
        g_signal_emit_by_name (more, "activated");
        g_assert_true (ui_wait_until (more_cycle_rows, &(MoreCycles){ page, shown }));
      }
  }

  /* Only problems: an eligible patient has none, so no criterion row stays visible */
  if (g_strcmp0 (parasol_patient_page_get_verdict_text (page), "Eligible") == 0)
    {
      GPtrArray *rows = parasol_patient_page_get_criterion_rows (page);

      parasol_patient_page_set_only_problems (page, TRUE);
      for (guint i = 0; i < rows->len; i++)
        g_assert_false (gtk_widget_get_visible (g_ptr_array_index (rows, i)));
      parasol_patient_page_set_only_problems (page, FALSE);
    }

  /* Back: the list is there, with everyone */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  ui_drain ();
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");
  g_assert_cmpuint (parasol_patient_list_view_get_n_visible (parasol_window_get_patient_list_view (window)),
                    ==, parasol_store_count_patients (store));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "back"));

  ui_destroy_window (window);
}

static void
test_patient_screen_failed (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  g_autofree char *key = first_with_status (store, "screen_failed");
  g_autofree char *screen = ui_run_cli (demo_db, "screen", key, "--json", NULL);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientPage *page = parasol_window_get_patient_page (window);
  GPtrArray *rows;
  guint problems = 0;

  activate_patient (window, key);
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patient");

  check_criteria_against_cli (page, screen);
  g_assert_cmpstr (parasol_patient_page_get_verdict_text (page), !=, "Eligible");
  g_assert_cmpstr (parasol_patient_page_get_arm_text (page), ==, "Not assigned");
  g_assert_cmpstr (parasol_patient_page_get_proposed_arms (page), ==, "");
  g_assert_cmpuint (parasol_patient_page_get_n_cycle_rows (page), ==, 0);

  /* Only problems: exactly the criteria that are not met stay */
  rows = parasol_patient_page_get_criterion_rows (page);
  parasol_patient_page_set_only_problems (page, TRUE);
  for (guint i = 0; i < rows->len; i++)
    {
      ParasolCriterionRow *row = g_ptr_array_index (rows, i);

      g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (row)), ==,
                       parasol_criterion_row_is_problem (row));
      problems += parasol_criterion_row_is_problem (row);
    }
  g_assert_cmpuint (problems, >=, 1);
  parasol_patient_page_set_only_problems (page, FALSE);
  for (guint i = 0; i < rows->len; i++)
    g_assert_true (gtk_widget_get_visible (g_ptr_array_index (rows, i)));

  /* The same through the page.only-problems action, as the switch, a menu or a shortcut do */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.only-problems", NULL));
  g_assert_true (parasol_patient_page_get_only_problems (page));
  ui_drain ();
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find_descendant (GTK_WIDGET (page),
                                                                     GTK_TYPE_SWITCH))));
  for (guint i = 0; i < rows->len; i++)
    {
      ParasolCriterionRow *row = g_ptr_array_index (rows, i);

      g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (row)), ==,
                       parasol_criterion_row_is_problem (row));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.only-problems", NULL));
  g_assert_false (parasol_patient_page_get_only_problems (page));

  /* Back from the page (the back button, Alt+Left and Escape all activate win.back) */
  gtk_widget_grab_focus (GTK_WIDGET (page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  ui_drain ();
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");

  ui_destroy_window (window);
}

/* Labels of the page showing @text, and focusable labels (read-only values as Tab stops). */
static void
count_labels (GtkWidget  *widget,
              const char *text,
              guint      *n_text,
              guint      *n_focusable)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child))
        {
          if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
            (*n_text)++;
          if (gtk_widget_get_focusable (child))
            (*n_focusable)++;
        }
      count_labels (child, text, n_text, n_focusable);
    }
}

/* An off-treatment patient and a dead one: the end of treatment, the death and the last
 * response in the header; no "Next" cycle and no doses to give. */
static void
test_patient_ended (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientPage *page = parasol_window_get_patient_page (window);
  gboolean seen_dead = FALSE, seen_ended = FALSE;

  for (gint64 id = 1; id <= 40 && !(seen_dead && seen_ended); id++)
    {
      g_autoptr(ParasolPatientFacts) f = parasol_store_load_patient (store, id, NULL);
      g_autoptr(GError) error = NULL;
      gboolean dead = FALSE;
      const char *course;
      guint n_next = 0, n_focusable = 0;

      if (f == NULL || g_strcmp0 (f->status, "off_treatment") != 0)
        continue;
      for (guint i = 0; i < f->events->len; i++)
        dead |= g_strcmp0 (((ParasolEvent *) g_ptr_array_index (f->events, i))->kind,
                           "death") == 0;
      if ((dead && seen_dead) || (!dead && seen_ended))
        continue;

      g_assert_true (parasol_window_show_patient_by_key (window, f->screening_number, &error));
      g_assert_no_error (error);
      ui_drain ();
      g_assert_cmpint (parasol_patient_page_get_patient_id (page), ==, id);

      course = parasol_patient_page_get_course_text (page);
      g_test_message ("%s: %s", f->screening_number, course);
      g_assert_true (g_str_has_prefix (course, "Treatment ended on "));
      if (f->responses->len > 0)
        g_assert_nonnull (strstr (course, "Last response "));
      if (dead)
        g_assert_nonnull (strstr (course, "Died on "));
      else
        g_assert_null (strstr (course, "Died"));

      g_assert_cmpint (parasol_patient_page_get_next_cycle (page), ==, 0);
      count_labels (GTK_WIDGET (page), "Next", &n_next, &n_focusable);
      g_assert_cmpuint (n_next, ==, 0);
      count_labels (GTK_WIDGET (page), "No doses to give", &n_next, &n_focusable);
      g_assert_cmpuint (n_next, ==, 1);
      /* Read-only values are no Tab stops. */
      g_assert_cmpuint (n_focusable, ==, 0);

      if (dead)
        seen_dead = TRUE;
      else
        seen_ended = TRUE;
    }
  g_assert_true (seen_dead);
  g_assert_true (seen_ended);

  ui_destroy_window (window);
}

static void
test_patient_follows_store (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  g_autofree char *key = first_with_status (store, "screening");
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientPage *page = parasol_window_get_patient_page (window);
  g_autoptr(GError) error = NULL;
  gint64 id = parasol_store_find_patient (store, key, &error);
  g_autofree char *before = NULL;

  g_assert_no_error (error);
  g_assert_true (parasol_window_show_patient_by_key (window, key, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patient");
  before = g_strdup (parasol_patient_page_get_title (page));

  /* A change in the store shows without anyone asking: new initials, new title */
  g_assert_true (parasol_store_set_patient_field (store, id, "initials", "QQZ", 0,
                                                  "Test: corrected initials", &error));
  g_assert_no_error (error);
  ui_drain ();
  g_assert_nonnull (strstr (parasol_patient_page_get_title (page), "QQZ"));
  g_assert_cmpstr (parasol_patient_page_get_title (page), !=, before);
  g_assert_cmpuint (parasol_patient_page_get_criterion_rows (page)->len, ==, 27);

  /* An unknown key leaves the list alone */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  ui_drain ();
  g_assert_false (parasol_window_show_patient_by_key (window, "S-NO-SUCH", &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");

  ui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_init (&argc, &argv, "test-ui-patient"))
    return UI_EXIT_SKIP;

  tmp_dir = cli_make_tmpdir ();
  /* parasol-cli demo's default size, 40 patients */
  demo_db = cli_make_demo (tmp_dir, 40);

  g_test_add_func ("/ui/patient/on-treatment", test_patient_on_treatment);
  g_test_add_func ("/ui/patient/screen-failed", test_patient_screen_failed);
  g_test_add_func ("/ui/patient/follows-store", test_patient_follows_store);
  g_test_add_func ("/ui/patient/ended", test_patient_ended);

  ret = g_test_run ();

  cli_rm_rf (tmp_dir);
  g_free (demo_db);
  g_free (tmp_dir);

  return ret;
}
