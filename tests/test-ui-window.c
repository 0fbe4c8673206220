/* test-ui-window.c — the main window, for real, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds a demo trial with parasol-cli (the program from $PARASOL_CLI), opens it in a
 * ParasolWindow, and checks what an investigator would see: every demo patient in the table,
 * the search entry and the status filter narrowing it, sorting by a column header, the
 * count, live updates from the store, and the pages for an empty or unopenable database.
 *
 * Run as: dbus-run-session -- xvfb-run -a env GSK_RENDERER=cairo ./test-ui-window
 */
#define G_LOG_DOMAIN "test-ui-window"

#include "config.h"

#include <string.h>

#include "parasol-patient-list.h"
#include "ui-helpers.h"

static char *tmp_dir;
static char *demo_db;

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

static gboolean
has_rows (gpointer data)
{
  /* A row widget exists once the column view laid out and bound its first items. */
  GtkWidget *listview = gtk_widget_get_last_child (data);

  return listview != NULL && gtk_widget_get_first_child (listview) != NULL;
}

typedef struct {
  ParasolPatientListView *view;
  guint                   n;
} VisibleCount;

static gboolean
visible_count_is (gpointer data)
{
  VisibleCount *vc = data;

  return parasol_patient_list_view_get_n_visible (vc->view) == vc->n;
}

static void
wait_visible (ParasolPatientListView *view,
              guint                   n)
{
  VisibleCount vc = { view, n };

  if (!ui_wait_until (visible_count_is, &vc))
    g_error ("expected %u visible patients, have %u", n,
             parasol_patient_list_view_get_n_visible (view));
}

static GListModel *
view_items (ParasolPatientListView *view)
{
  return G_LIST_MODEL (gtk_column_view_get_model (parasol_patient_list_view_get_column_view (view)));
}

static void
test_window_lists_demo_patients (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  g_autofree char *json = ui_run_cli (demo_db, "patient", "list", "--json", NULL);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GtkColumnView *column_view = parasol_patient_list_view_get_column_view (view);
  GListModel *items = view_items (view);
  guint n_cli = count_occurrences (json, "\"screening_number\"");
  guint n = g_list_model_get_n_items (items);
  g_autofree char *expected_count = g_strdup_printf ("%u patients", n);

  g_assert_cmpuint (n_cli, >, 0);
  g_assert_cmpuint (n, ==, n_cli);
  g_assert_cmpuint (n, ==, parasol_store_count_patients (store));
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");
  g_assert_cmpstr (parasol_patient_list_view_get_visible_page (view), ==, "patients");
  g_assert_cmpstr (gtk_label_get_label (parasol_patient_list_view_get_count_label (view)), ==,
                   expected_count);

  /* Every patient the CLI lists is in the table, by screening number. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (items, i);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"",
                                                 parasol_patient_get_screening_number (patient));

      g_assert_true (PARASOL_IS_PATIENT (patient));
      g_assert_nonnull (strstr (json, quoted));
    }

  /* Nine columns (the last, Course), and rows actually drawn. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (column_view)), ==, 9);
  g_assert_true (ui_wait_until (has_rows, column_view));

  ui_destroy_window (window);
}

static void
test_window_search (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  ParasolPatientList *patients = PARASOL_PATIENT_LIST (parasol_patient_list_view_get_model (view));
  GtkEditable *entry = parasol_patient_list_view_get_search_entry (view);
  GListModel *items = view_items (view);
  guint n_all = g_list_model_get_n_items (items);
  g_autoptr(ParasolPatient) first = g_list_model_get_item (items, 0);
  const char *queries[] = {
    parasol_patient_get_screening_number (first),
    parasol_patient_get_initials (first),
    parasol_patient_get_site (first),
  };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      /* The core's model-level filter is the oracle for what the view must show. */
      guint expected = parasol_patient_list_filter (patients, queries[q], NULL);

      g_assert_cmpuint (expected, >=, 1);
      gtk_editable_set_text (entry, queries[q]);
      wait_visible (view, expected);
      g_assert_cmpstr (parasol_patient_list_view_get_visible_page (view), ==, "patients");

      if (expected < n_all)
        {
          g_autofree char *count = g_strdup_printf ("%u of %u patients", expected, n_all);

          g_assert_cmpstr (gtk_label_get_label (parasol_patient_list_view_get_count_label (view)),
                           ==, count);
        }

      for (guint i = 0; i < expected; i++)
        {
          g_autoptr(ParasolPatient) patient = g_list_model_get_item (items, i);
          g_autofree char *folded = g_utf8_casefold (queries[q], -1);

          g_assert_true (parasol_patient_matches (patient, folded));
        }
    }

  /* Case does not matter. */
  {
    g_autofree char *upper = g_utf8_strup (queries[0], -1);
    g_autofree char *lower = g_utf8_strdown (queries[0], -1);

    gtk_editable_set_text (entry, lower);
    wait_visible (view, parasol_patient_list_filter (patients, queries[0], NULL));
    gtk_editable_set_text (entry, upper);
    wait_visible (view, parasol_patient_list_filter (patients, queries[0], NULL));
  }

  /* Nothing matches: the "no matches" page, and Clear Filters brings everyone back. */
  gtk_editable_set_text (entry, "no-such-patient-zzz");
  wait_visible (view, 0);
  g_assert_cmpstr (parasol_patient_list_view_get_visible_page (view), ==, "no-matches");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "list.clear-filters", NULL));
  wait_visible (view, n_all);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  g_assert_cmpstr (parasol_patient_list_view_get_visible_page (view), ==, "patients");

  /* win.search focuses the search entry. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (entry)) ||
                 gtk_widget_has_focus (gtk_widget_get_focus_child (GTK_WIDGET (entry))) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         GTK_WIDGET (entry)));

  ui_destroy_window (window);
}

static guint
count_status (GListModel *model,
              const char *status)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (model, i);

      if (g_strcmp0 (parasol_patient_get_status (patient), status) == 0)
        n++;
    }

  return n;
}

static void
test_window_status_filter (void)
{
  static const struct {
    ParasolStatusFilter filter;
    const char *status;
  } cases[] = {
    { PARASOL_STATUS_FILTER_SCREENING, "screening" },
    { PARASOL_STATUS_FILTER_ENROLLED, "enrolled" },
    { PARASOL_STATUS_FILTER_ON_TREATMENT, "on_treatment" },
    { PARASOL_STATUS_FILTER_OFF_TREATMENT, "off_treatment" },
    { PARASOL_STATUS_FILTER_SCREEN_FAILED, "screen_failed" },
  };
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GListModel *all = parasol_patient_list_view_get_model (view);
  GtkDropDown *drop_down = parasol_patient_list_view_get_status_filter (view);
  GListModel *items = view_items (view);
  guint n_all = g_list_model_get_n_items (all);
  guint total = 0;

  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (drop_down)), ==, 6);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      guint expected = count_status (all, cases[c].status);

      gtk_drop_down_set_selected (drop_down, cases[c].filter);
      wait_visible (view, expected);
      g_assert_cmpuint (count_status (items, cases[c].status), ==, expected);
      g_assert_cmpstr (parasol_patient_list_view_get_visible_page (view), ==,
                       expected > 0 ? "patients" : "no-matches");
      total += expected;
    }

  /* The demo trial screens, fails, treats and stops treating patients (enrolled is a short
   * step before cycle 1 and may be empty), and the states cover everyone. */
  g_assert_cmpuint (count_status (all, "screening"), >, 0);
  g_assert_cmpuint (count_status (all, "screen_failed"), >, 0);
  g_assert_cmpuint (count_status (all, "on_treatment"), >, 0);
  g_assert_cmpuint (count_status (all, "off_treatment"), >, 0);
  g_assert_cmpuint (total, ==, n_all);

  /* Status and search together: screen-failed patients matching the first one's site. */
  {
    g_autoptr(ParasolPatient) first = g_list_model_get_item (all, 0);
    g_autofree char *site = g_utf8_casefold (parasol_patient_get_site (first), -1);
    guint expected = 0;

    for (guint i = 0; i < n_all; i++)
      {
        g_autoptr(ParasolPatient) patient = g_list_model_get_item (all, i);

        if (g_strcmp0 (parasol_patient_get_status (patient), "screen_failed") == 0 &&
            parasol_patient_matches (patient, site))
          expected++;
      }

    gtk_editable_set_text (parasol_patient_list_view_get_search_entry (view),
                           parasol_patient_get_site (first));
    wait_visible (view, expected);
  }

  gtk_drop_down_set_selected (drop_down, PARASOL_STATUS_FILTER_ALL);
  gtk_editable_set_text (parasol_patient_list_view_get_search_entry (view), "");
  wait_visible (view, n_all);

  ui_destroy_window (window);
}

static void
test_window_sort (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GtkColumnView *column_view = parasol_patient_list_view_get_column_view (view);
  GListModel *columns = gtk_column_view_get_columns (column_view);
  GListModel *items = view_items (view);
  g_autoptr(GtkColumnViewColumn) subject = g_list_model_get_item (columns, 1);
  g_autoptr(GtkColumnViewColumn) status = g_list_model_get_item (columns, 6);
  guint n = g_list_model_get_n_items (items);
  g_autofree char *previous = NULL;

  g_assert_cmpstr (gtk_column_view_column_get_title (subject), ==, "Subject No.");
  g_assert_cmpstr (gtk_column_view_column_get_title (status), ==, "Status");

  /* Descending by subject number: patients without one (not yet enrolled) go last. */
  gtk_column_view_sort_by_column (column_view, subject, GTK_SORT_DESCENDING);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (items, i);
      const char *value = parasol_patient_get_subject_number (patient);
      g_autofree char *key = value != NULL ? g_utf8_casefold (value, -1) : NULL;

      if (i > 0 && previous != NULL && key != NULL)
        g_assert_cmpint (g_utf8_collate (previous, key), >=, 0);
      if (previous == NULL && i > 0)
        g_assert_null (key);  /* once NULLs start, only NULLs follow */

      g_free (previous);
      previous = g_steal_pointer (&key);
    }

  /* By status: the workflow order, screening first. */
  gtk_column_view_sort_by_column (column_view, status, GTK_SORT_ASCENDING);
  {
    g_autoptr(ParasolPatient) head = g_list_model_get_item (items, 0);
    g_autoptr(ParasolPatient) tail = g_list_model_get_item (items, n - 1);

    g_assert_cmpstr (parasol_patient_get_status (head), ==, "screening");
    g_assert_cmpstr (parasol_patient_get_status (tail), ==, "off_treatment");
  }

  gtk_column_view_sort_by_column (column_view, NULL, GTK_SORT_ASCENDING);
  ui_destroy_window (window);
}

static void
test_window_follows_store (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "live.db", NULL);
  g_autofree char *out = ui_run_cli (path, "demo", "--patients", "5", NULL);
  g_autoptr(ParasolStore) store = ui_open_store (path);
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autoptr(GError) error = NULL;
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  guint n = parasol_patient_list_view_get_n_visible (view);
  gint64 id;

  g_assert_cmpuint (n, ==, parasol_store_count_patients (store));

  facts->screening_number = g_strdup ("UI-TEST-001");
  facts->initials = g_strdup ("ZQ");
  facts->site = g_strdup ("Tianjin");
  facts->status = g_strdup ("screening");
  facts->sex = PARASOL_SEX_FEMALE;
  g_date_set_dmy (&facts->birth_date, 14, G_DATE_MARCH, 1961);
  id = parasol_store_add_patient (store, facts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  /* The table follows the store: no copy of its own to refresh. */
  wait_visible (view, n + 1);
  gtk_editable_set_text (parasol_patient_list_view_get_search_entry (view), "ui-test-001");
  wait_visible (view, 1);

  ui_destroy_window (window);
}

static void
test_window_empty_database (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "empty.db", NULL);
  g_autofree char *out = ui_run_cli (path, "init", NULL);
  g_autoptr(ParasolStore) store = ui_open_store (path);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);

  g_assert_cmpuint (parasol_patient_list_view_get_n_visible (view), ==, 0);
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");
  g_assert_cmpstr (parasol_patient_list_view_get_visible_page (view), ==, "empty");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (parasol_patient_list_view_get_count_label (view))));

  ui_destroy_window (window);
}

static void
show_open_failure (const char *path,
                   int         expected_code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);
  ParasolWindow *window;

  g_assert_null (store);
  g_assert_error (error, PARASOL_STORE_ERROR, expected_code);

  window = parasol_window_new (NULL, NULL);
  parasol_window_show_open_error (window, path, error);
  gtk_window_present (GTK_WINDOW (window));
  ui_wait_mapped (GTK_WIDGET (window));

  g_assert_null (parasol_window_get_store (window));
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "message");
  g_assert_cmpstr (parasol_window_get_database_path (window), ==, path);

  ui_destroy_window (window);
}

static void
test_window_missing_database (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "no-such.db", NULL);

  show_open_failure (path, PARASOL_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_window_not_parasol (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "notes.txt", NULL);
  const char *text = "Not a database, just notes.\n";
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  show_open_failure (path, PARASOL_STORE_ERROR_NOT_PARASOL);

  /* Untouched. */
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, text);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_init (&argc, &argv, "test-ui-window"))
    return UI_EXIT_SKIP;

  tmp_dir = cli_make_tmpdir ();
  /* parasol-cli demo's default size, 40 patients */
  demo_db = cli_make_demo (tmp_dir, 40);

  g_test_add_func ("/ui/window/lists-demo-patients", test_window_lists_demo_patients);
  g_test_add_func ("/ui/window/search", test_window_search);
  g_test_add_func ("/ui/window/status-filter", test_window_status_filter);
  g_test_add_func ("/ui/window/sort", test_window_sort);
  g_test_add_func ("/ui/window/follows-store", test_window_follows_store);
  g_test_add_func ("/ui/window/empty-database", test_window_empty_database);
  g_test_add_func ("/ui/window/missing-database", test_window_missing_database);
  g_test_add_func ("/ui/window/not-parasol", test_window_not_parasol);

  ret = g_test_run ();

  cli_rm_rf (tmp_dir);
  g_free (demo_db);
  g_free (tmp_dir);

  return ret;
}
