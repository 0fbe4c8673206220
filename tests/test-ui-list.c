/* test-ui-list.c — the patient list by keyboard, and its search in the interface language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real widgets on the demo trial, driven by key events only: Tab reaches the search and the
 * status filter before the table, a column header sorts the list with Enter (and again the other
 * way), Enter in the search opens the patient when one is left.  Search matches what the list
 * shows: the arms' displayed names and the statuses' labels, in the interface language (run
 * again as ui-list-zh_CN with LANGUAGE=zh_CN), and the Course column's text ("Died", "PD",
 * "1 not recorded").  The shortcuts window lists every key binding
 * of the window and its views and every accelerator of the application.
 */
#define G_LOG_DOMAIN "test-ui-list"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "parasol-patient.h"
#include "parasol-patient-list.h"
#include "ui-helpers.h"

static char *tmp_dir;
static char *demo_db;
static gboolean zh;

/* Types @keyval (with Shift when @shift) through the X server, as the keyboard would, into
 * @window, which gets the input focus first; then lets GTK handle the events. */
static void
send_key_full (GtkWidget *window,
               guint      keyval,
               gboolean   shift)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  KeyCode keycode = XKeysymToKeycode (xdisplay, keyval);
  KeyCode shift_code = XKeysymToKeycode (xdisplay, XK_Shift_L);

  g_assert_cmpuint (keycode, !=, 0);
  XSetInputFocus (xdisplay, xid, RevertToParent, CurrentTime);
  if (shift)
    XTestFakeKeyEvent (xdisplay, shift_code, True, CurrentTime);
  XTestFakeKeyEvent (xdisplay, keycode, True, CurrentTime);
  XTestFakeKeyEvent (xdisplay, keycode, False, CurrentTime);
  if (shift)
    XTestFakeKeyEvent (xdisplay, shift_code, False, CurrentTime);
  XSync (xdisplay, False);

  /* Until GTK has read and handled them. */
  for (int i = 0; i < 20; i++)
    {
      g_usleep (2000);
      ui_drain ();
    }
}

static void
send_key (GtkWidget *window,
          guint      keyval,
          int        unused)
{
  send_key_full (window, keyval, FALSE);
}

static GtkWidget *
focus_of (ParasolWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static gboolean
is_inside (GtkWidget *widget,
           GtkWidget *ancestor)
{
  return widget != NULL && (widget == ancestor || gtk_widget_is_ancestor (widget, ancestor));
}

static void
test_tab_order (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GtkWidget *search = GTK_WIDGET (parasol_patient_list_view_get_search_entry (view));
  GtkWidget *filter = GTK_WIDGET (parasol_patient_list_view_get_status_filter (view));
  GtkWidget *table = GTK_WIDGET (parasol_patient_list_view_get_column_view (view));
  gboolean seen_search = FALSE, seen_filter = FALSE;
  int i;

  /* From nowhere in particular: the window itself. */
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  for (i = 0; i < 40; i++)
    {
      GtkWidget *focus;

      send_key (GTK_WIDGET (window), GDK_KEY_Tab, 0);
      focus = focus_of (window);
      if (is_inside (focus, search))
        seen_search = TRUE;
      else if (is_inside (focus, filter))
        {
          g_assert_true (seen_search);
          seen_filter = TRUE;
        }
      else if (is_inside (focus, table) &&
               g_strcmp0 (gtk_widget_get_css_name (gtk_widget_get_parent (focus)), "header") != 0)
        break;  /* a row of the table */
    }
  g_assert_cmpint (i, <, 40);
  g_assert_true (seen_search);
  g_assert_true (seen_filter);

  ui_destroy_window (window);
}

static GtkWidget *
find_title (GtkColumnView *column_view,
            const char    *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (column_view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "header") == 0)
      for (GtkWidget *t = gtk_widget_get_first_child (child); t != NULL;
           t = gtk_widget_get_next_sibling (t))
        {
          GtkColumnViewColumn *column = g_object_get_data (G_OBJECT (t), "parasol-column");

          if (column != NULL && g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
            return t;
        }

  return NULL;
}

static const char *
first_initials (GtkColumnView *column_view)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  g_autoptr(ParasolPatient) patient = g_list_model_get_item (model, 0);

  return parasol_patient_get_initials (patient);
}

static void
test_sort_by_keyboard (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GtkColumnView *column_view = parasol_patient_list_view_get_column_view (view);
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  GtkWidget *title = find_title (column_view, _("Initials"));
  g_autofree char *smallest = NULL;
  g_autofree char *largest = NULL;
  g_autofree char *first = g_strdup (first_initials (column_view));

  g_assert_nonnull (title);
  g_assert_true (gtk_widget_get_focusable (title));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (model, i);
      const char *initials = parasol_patient_get_initials (patient);

      if (smallest == NULL || g_utf8_collate (initials, smallest) < 0)
        {
          g_free (smallest);
          smallest = g_strdup (initials);
        }
      if (largest == NULL || g_utf8_collate (initials, largest) > 0)
        {
          g_free (largest);
          largest = g_strdup (initials);
        }
    }
  /* The demo's first patient is not already first in either order. */
  g_assert_cmpstr (first, !=, smallest);

  g_assert_true (gtk_widget_grab_focus (title));
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpstr (first_initials (column_view), ==, smallest);
  send_key (GTK_WIDGET (window), GDK_KEY_space, 0);
  g_assert_cmpstr (first_initials (column_view), ==, largest);
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpstr (first_initials (column_view), ==, smallest);

  ui_destroy_window (window);
}

static gboolean
shows_patient (gpointer data)
{
  return g_strcmp0 (parasol_window_get_visible_page (data), "patient") == 0;
}

static void
type_text (ParasolWindow *window,
           const char    *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    send_key (GTK_WIDGET (window), gdk_unicode_to_keyval (g_utf8_get_char (p)), 0);
}

static void
test_enter_opens_only_match (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);

  /* Ctrl+F is the window's; here the action it runs. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_true (is_inside (focus_of (window),
                            GTK_WIDGET (parasol_patient_list_view_get_search_entry (view))));

  /* Several matches: Enter stays on the list. */
  type_text (window, "S-00");
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpuint (parasol_patient_list_view_get_n_visible (view), >, 1);
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");

  type_text (window, "04");
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpuint (parasol_patient_list_view_get_n_visible (view), ==, 1);
  g_assert_true (ui_wait_until (shows_patient, window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), !=, NULL);

  ui_destroy_window (window);
}

/* How many patients of the list have @arm / @status. */
static guint
count (ParasolPatientListView *view,
       const char             *arm,
       const char             *status)
{
  GListModel *model = parasol_patient_list_view_get_model (view);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (model, i);

      if (arm != NULL && g_strcmp0 (parasol_patient_get_arm (patient), arm) != 0)
        continue;
      if (status != NULL && g_strcmp0 (parasol_patient_get_status (patient), status) != 0)
        continue;
      n++;
    }

  return n;
}

static guint
search (ParasolPatientListView *view,
        const char             *text)
{
  GtkEditable *entry = parasol_patient_list_view_get_search_entry (view);

  gtk_editable_set_text (entry, text);
  /* Enter applies the search at once, without the entry's delay. */
  g_signal_emit_by_name (entry, "activate");
  ui_drain ();

  return parasol_patient_list_view_get_n_visible (view);
}

static void
test_search_in_interface_language (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  guint n_dll3 = count (view, "dll3", NULL);
  guint n_control = count (view, "control", NULL);
  guint n_on = count (view, NULL, "on_treatment");

  g_assert_cmpuint (n_dll3, >, 1);
  g_assert_cmpuint (n_control, >, 1);
  g_assert_cmpuint (n_on, >, 1);

  if (zh)
    {
      g_assert_cmpuint (search (view, "DLL3 组"), ==, n_dll3);
      g_assert_cmpuint (search (view, "对照组"), ==, n_control);
      g_assert_cmpuint (search (view, "治疗中"), ==, n_on);
      g_assert_cmpuint (search (view, "对照组 治疗中"), ==, count (view, "control", "on_treatment"));
    }
  else
    {
      g_assert_cmpuint (search (view, "DLL3 arm"), ==, n_dll3);
      g_assert_cmpuint (search (view, "control arm"), ==, n_control);
      g_assert_cmpuint (search (view, "On treatment"), ==, n_on);
      g_assert_cmpuint (search (view, "Control on treatment"), ==,
                        count (view, "control", "on_treatment"));
    }
  /* What the list does not show matches nothing. */
  g_assert_cmpuint (search (view, "zzzz"), ==, 0);
  g_assert_cmpuint (search (view, ""), ==, count (view, NULL, NULL));

  ui_destroy_window (window);
}

static gboolean
find_label_with (GtkWidget  *widget,
                 const char *part1,
                 const char *part2)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child))
        {
          const char *text = gtk_label_get_text (GTK_LABEL (child));

          if (strstr (text, part1) != NULL && (part2 == NULL || strstr (text, part2) != NULL))
            return TRUE;
        }
      if (find_label_with (child, part1, part2))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  GtkWidget   *table;
  const char **parts;
} LabelWanted;

static gboolean
label_shown (gpointer data)
{
  LabelWanted *wanted = data;

  return find_label_with (wanted->table, wanted->parts[0], wanted->parts[1]);
}

/* A row of a patient whose treatment ended shows the end (or the death) and the last response,
 * worked out in core. */
static void
test_course_on_rows (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GListModel *model = parasol_patient_list_view_get_model (view);
  GtkWidget *table = GTK_WIDGET (parasol_patient_list_view_get_column_view (view));
  guint n_checked = 0;

  g_assert_true (PARASOL_IS_PATIENT_LIST (model));
  /* The first rows are on screen at the window's default size. */
  for (guint i = 0; i < MIN (8, g_list_model_get_n_items (model)); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (model, i);
      const ParasolCourse *course =
        parasol_patient_list_get_course (PARASOL_PATIENT_LIST (model),
                                         parasol_patient_list_view_get_protocol (view), patient);
      char day[16];

      g_assert_nonnull (course);
      if (!course->ended)
        continue;
      parasol_date_format (course->dead ? &course->death_date : &course->end_date, day,
                           sizeof day);
      g_test_message ("%s: %s, %s", parasol_patient_get_screening_number (patient), day,
                      course->last_response);
      {
        /* The courses come after the first frame. */
        const char *parts[] = { day, course->last_response };
        LabelWanted wanted = { table, parts };

        g_assert_true (ui_wait_until (label_shown, &wanted));
      }
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 0);

  ui_destroy_window (window);
}

/* How many patients of the list match @word (casefolded) in their own text, or whose course
 * passes @wanted. */
typedef gboolean (*CourseWanted) (const ParasolCourse *course, gconstpointer data);

static guint
count_course (ParasolPatientListView *view,
              const char             *arm,
              const char             *word,
              CourseWanted            wanted,
              gconstpointer           data)
{
  GListModel *model = parasol_patient_list_view_get_model (view);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (model, i);
      const ParasolCourse *course =
        parasol_patient_list_get_course (PARASOL_PATIENT_LIST (model),
                                         parasol_patient_list_view_get_protocol (view), patient);

      if (arm != NULL && g_strcmp0 (parasol_patient_get_arm (patient), arm) != 0)
        continue;
      if ((word != NULL && parasol_patient_matches (patient, word)) ||
          (course != NULL && wanted (course, data)))
        n++;
    }

  return n;
}

static gboolean
course_dead (const ParasolCourse *course,
             gconstpointer        data)
{
  return course->dead;
}

static gboolean
course_response (const ParasolCourse *course,
                 gconstpointer        data)
{
  return g_strcmp0 (course->last_response, data) == 0;
}

/* The cell says "1 not recorded" (and "11 not recorded" holds it too). */
static gboolean
course_not_recorded (const ParasolCourse *course,
                     gconstpointer        data)
{
  g_autofree char *shown = NULL;

  if (course->n_not_recorded == 0)
    return FALSE;
  shown = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not recorded", "%u not recorded",
                                        course->n_not_recorded),
                           course->n_not_recorded);
  return strstr (shown, data) != NULL;
}

/* Search matches the Course column as shown, in the interface language: the death, the last
 * response, the doses not recorded; with an arm too. */
static void
test_search_course (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  const char *died = zh ? "死亡" : "Died";
  g_autofree char *died_folded = g_utf8_casefold (died, -1);
  g_autofree char *one = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not recorded",
                                                       "%u not recorded", 1), 1);
  guint n_dead = count_course (view, NULL, died_folded, course_dead, NULL);
  guint n_pd = count_course (view, NULL, "pd", course_response, "PD");
  guint n_pd_dll3 = count_course (view, "dll3", "pd", course_response, "PD");
  guint n_one = count_course (view, NULL, NULL, course_not_recorded, one);

  g_test_message ("%s: %u, PD: %u (DLL3 arm: %u), %s: %u", died, n_dead, n_pd, n_pd_dll3, one,
                  n_one);
  g_assert_cmpuint (n_dead, >, 0);
  g_assert_cmpuint (n_pd, >, n_pd_dll3);
  g_assert_cmpuint (n_one, >, 0);

  g_assert_cmpuint (search (view, died), ==, n_dead);
  g_assert_cmpuint (search (view, "PD"), ==, n_pd);
  g_assert_cmpuint (search (view, one), ==, n_one);
  g_assert_cmpuint (search (view, zh ? "DLL3 组 PD" : "DLL3 arm PD"), ==, n_pd_dll3);
  /* Not a word of any Course cell: nothing. */
  g_assert_cmpuint (search (view, zh ? "死亡 zzzz" : "Died zzzz"), ==, 0);

  ui_destroy_window (window);
}

static gboolean
has_width (gpointer widget)
{
  return gtk_widget_get_width (widget) > 0;
}

/* Clicks the middle of @widget with the first mouse button, through the X server. */
static void
click_widget (GtkWidget *window,
              GtkWidget *widget)
{
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  Window xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  graphene_point_t point;
  double dx = 0, dy = 0;
  int root_x = 0, root_y = 0;
  Window child;

  g_assert_true (ui_wait_until (has_width, widget));

  g_assert_true (gtk_widget_compute_point (widget, window,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  XTranslateCoordinates (xdisplay, xid, DefaultRootWindow (xdisplay), (int) (point.x + dx),
                         (int) (point.y + dy), &root_x, &root_y, &child);
  XTestFakeMotionEvent (xdisplay, -1, root_x, root_y, CurrentTime);
  XSync (xdisplay, False);
  for (int i = 0; i < 20; i++)
    {
      g_usleep (2000);
      ui_drain ();
    }
  XTestFakeButtonEvent (xdisplay, 1, True, CurrentTime);
  XTestFakeButtonEvent (xdisplay, 1, False, CurrentTime);
  XSync (xdisplay, False);

  for (int i = 0; i < 50; i++)
    {
      g_usleep (2000);
      ui_drain ();
    }
}

static GtkColumnViewColumn *
column_titled (GtkColumnView *column_view,
               const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;  /* the column view holds it */
    }
  g_error ("no column “%s”", title);
  return NULL;
}

/* The table's rows, in the order shown, are in @column's order (reversed when @descending). */
static void
assert_rows_sorted (GtkColumnView       *column_view,
                    GtkColumnViewColumn *column,
                    gboolean             descending)
{
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  GtkSorter *sorter = gtk_column_view_column_get_sorter (column);
  guint n = g_list_model_get_n_items (rows);
  gboolean differ = FALSE;

  g_assert_cmpuint (n, >, 1);
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(GObject) a = g_list_model_get_item (rows, i);
      g_autoptr(GObject) b = g_list_model_get_item (rows, i + 1);
      GtkOrdering order = gtk_sorter_compare (sorter, a, b);

      g_assert_cmpint (order, !=, descending ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER);
      differ |= order != GTK_ORDERING_EQUAL;
    }
  g_assert_true (differ);
}

static char *
setting (GSettings  *settings,
         const char *key)
{
  static char *last;

  g_free (last);
  last = g_settings_get_string (settings, key);
  return last;
}

/* The sort (column and direction) is kept in GSettings, as the application binds it, and a new
 * window opens sorted so. */
static void
test_sort_kept_in_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.parasol.Parasol");
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = parasol_window_new (NULL, store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GtkColumnView *column_view = parasol_patient_list_view_get_column_view (view);
  g_autofree char *shown = NULL;

  g_settings_reset (settings, "patient-sort-column");
  g_settings_reset (settings, "patient-sort-descending");
  parasol_window_bind_settings (window, settings);
  gtk_window_present (GTK_WINDOW (window));
  ui_wait_mapped (GTK_WIDGET (window));
  ui_wait_table_complete (window);

  /* A click on the Initials title, with the mouse. */
  click_widget (GTK_WIDGET (window), find_title (column_view, _("Initials")));
  g_assert_cmpstr (setting (settings, "patient-sort-column"), ==, "initials");
  g_assert_false (g_settings_get_boolean (settings, "patient-sort-descending"));

  /* By keyboard: Arm, twice, is descending. */
  g_assert_true (gtk_widget_grab_focus (find_title (column_view, _("Arm"))));
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpstr (setting (settings, "patient-sort-column"), ==, "arm");
  g_assert_false (g_settings_get_boolean (settings, "patient-sort-descending"));
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpstr (setting (settings, "patient-sort-column"), ==, "arm");
  g_assert_true (g_settings_get_boolean (settings, "patient-sort-descending"));

  /* Status; then Arm again starts ascending, and once more descending. */
  g_assert_true (gtk_widget_grab_focus (find_title (column_view, _("Status"))));
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpstr (setting (settings, "patient-sort-column"), ==, "status");
  g_assert_false (g_settings_get_boolean (settings, "patient-sort-descending"));
  g_assert_true (gtk_widget_grab_focus (find_title (column_view, _("Arm"))));
  send_key (GTK_WIDGET (window), GDK_KEY_Return, 0);
  g_assert_cmpstr (setting (settings, "patient-sort-column"), ==, "arm");
  g_assert_false (g_settings_get_boolean (settings, "patient-sort-descending"));
  /* The mouse after the keyboard: a click on the sorting column turns it round. */
  click_widget (GTK_WIDGET (window), find_title (column_view, _("Arm")));
  g_assert_cmpstr (setting (settings, "patient-sort-column"), ==, "arm");
  g_assert_true (g_settings_get_boolean (settings, "patient-sort-descending"));
  ui_destroy_window (window);

  /* The next window, as the application makes it (settings bound, then the trial), on a
   * trial larger than a first screenful: by arm, descending, the whole trial from the first
   * frame. */
  window = parasol_window_new (NULL, NULL);
  view = parasol_window_get_patient_list_view (window);
  column_view = parasol_patient_list_view_get_column_view (view);
  parasol_window_bind_settings (window, settings);
  {
    g_autofree char *dir = g_build_filename (tmp_dir, "sorted", NULL);
    g_autofree char *db = (g_mkdir (dir, 0700), cli_make_demo (dir, 200));
    g_autoptr(ParasolStore) big = ui_open_store (db);

    parasol_window_set_store (window, big);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (column_view))),
                    ==, 200);
  assert_rows_sorted (column_view, column_titled (column_view, _("Arm")), TRUE);
  gtk_window_present (GTK_WINDOW (window));
  ui_wait_mapped (GTK_WIDGET (window));
  ui_drain ();
  g_object_get (view, "sort-column", &shown, NULL);
  g_assert_cmpstr (shown, ==, "arm");
  assert_rows_sorted (column_view, column_titled (column_view, _("Arm")), TRUE);

  /* Settings changed elsewhere apply too; an unknown column is the screening number. */
  g_settings_set_string (settings, "patient-sort-column", "birth-date");
  g_settings_set_boolean (settings, "patient-sort-descending", FALSE);
  ui_drain ();
  assert_rows_sorted (column_view, column_titled (column_view, _("Birth Date")), FALSE);
  g_settings_set_string (settings, "patient-sort-column", "no-such-column");
  ui_drain ();
  g_clear_pointer (&shown, g_free);
  g_object_get (view, "sort-column", &shown, NULL);
  g_assert_cmpstr (shown, ==, "screening-number");

  ui_destroy_window (window);
  g_settings_reset (settings, "patient-sort-column");
  g_settings_reset (settings, "patient-sort-descending");
}

/* (keyval, modifiers) of every key the shortcuts window shows. */
static GHashTable *
shortcuts_window_keys (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/org/parasol/Parasol/ui/parasol-shortcuts-window.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_assert_nonnull (overlay);
  g_ptr_array_add (stack, overlay);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
        {
          g_autofree char *accelerator = NULL;
          g_auto(GStrv) parts = NULL;

          g_object_get (widget, "accelerator", &accelerator, NULL);
          parts = g_strsplit (accelerator != NULL ? accelerator : "", " ", -1);
          for (guint i = 0; parts[i] != NULL; i++)
            {
              guint keyval = 0;
              GdkModifierType mods = 0;

              if (*parts[i] == '\0')
                continue;
              g_assert_true (gtk_accelerator_parse (parts[i], &keyval, &mods));
              g_hash_table_add (keys, gtk_accelerator_name (gdk_keyval_to_lower (keyval), mods));
            }
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  gtk_window_destroy (GTK_WINDOW (overlay));

  return keys;
}

static guint
main_key (guint keyval)
{
  /* The keypad's keys do what the main ones do; the window lists the main ones. */
  switch (keyval)
    {
    case GDK_KEY_KP_Left: return GDK_KEY_Left;
    case GDK_KEY_KP_Up: return GDK_KEY_Up;
    case GDK_KEY_KP_Down: return GDK_KEY_Down;
    case GDK_KEY_KP_Page_Up: return GDK_KEY_Page_Up;
    case GDK_KEY_KP_Page_Down: return GDK_KEY_Page_Down;
    case GDK_KEY_KP_Home: return GDK_KEY_Home;
    case GDK_KEY_KP_End: return GDK_KEY_End;
    case GDK_KEY_KP_Enter: return GDK_KEY_Return;
    case GDK_KEY_ISO_Enter: return GDK_KEY_Return;
    default: return gdk_keyval_to_lower (keyval);
    }
}

/* Every key binding of @widget's class that runs one of Parasol's actions is listed. */
static guint
check_bindings_listed (GtkWidget  *widget,
                       GHashTable *listed)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          const char *name;
          g_autofree char *key = NULL;

          if (!GTK_IS_NAMED_ACTION (action) || !GTK_IS_KEYVAL_TRIGGER (trigger))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          if (!g_str_has_prefix (name, "win.") && !g_str_has_prefix (name, "swimmer.") &&
              !g_str_has_prefix (name, "list."))
            continue;
          key = gtk_accelerator_name (main_key (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))),
                                      gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
          if (!g_hash_table_contains (listed, key))
            g_error ("%s (%s) is not in the shortcuts window", key, name);
          n++;
        }
    }

  return n;
}

static void
test_shortcuts_window_lists_every_shortcut (void)
{
  g_autoptr(GHashTable) listed = shortcuts_window_keys ();
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  g_autofree char *app_path = g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT"), "app",
                                                "parasol-application.c", NULL);
  g_autofree char *app_source = NULL;
  g_autoptr(GRegex) accels = g_regex_new ("_accels\\[\\] = \\{ \"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  guint n_app = 0, n_bindings = 0;

  /* The application's accelerators (gtk_application_set_accels_for_action). */
  g_assert_true (g_file_get_contents (app_path, &app_source, NULL, NULL));
  for (g_regex_match (accels, app_source, 0, &match); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    {
      g_autofree char *accel = g_match_info_fetch (match, 1);
      g_autofree char *key = NULL;
      guint keyval = 0;
      GdkModifierType mods = 0;

      g_assert_true (gtk_accelerator_parse (accel, &keyval, &mods));
      key = gtk_accelerator_name (gdk_keyval_to_lower (keyval), mods);
      if (!g_hash_table_contains (listed, key))
        g_error ("%s of the application is not in the shortcuts window", accel);
      n_app++;
    }
  g_assert_cmpuint (n_app, >=, 5);

  /* The widgets' own key bindings. */
  n_bindings += check_bindings_listed (GTK_WIDGET (window), listed);
  n_bindings += check_bindings_listed (GTK_WIDGET (parasol_window_get_swimmer_view (window)), listed);
  n_bindings += check_bindings_listed (GTK_WIDGET (parasol_window_get_patient_list_view (window)),
                                       listed);
  g_assert_cmpuint (n_bindings, >=, 5);

  /* Ctrl+? and the menu's Keyboard Shortcuts build the window on request, once. */
  {
    GtkWindow *shortcuts = NULL;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
    for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
      if (GTK_IS_SHORTCUTS_WINDOW (l->data))
        {
          g_assert_null (shortcuts);
          shortcuts = l->data;
        }
    g_assert_nonnull (shortcuts);
    g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window));
    /* It stays while it takes the focus from the main window. */
    g_object_add_weak_pointer (G_OBJECT (shortcuts), (gpointer *) &shortcuts);
    for (int i = 0; i < 30; i++)
      {
        g_usleep (5000);
        ui_drain ();
      }
    g_assert_nonnull (shortcuts);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
    gtk_window_close (shortcuts);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
    ui_destroy_window (window);
    g_assert_null (shortcuts);
  }
}

static gboolean
table_has_all (gpointer data)
{
  ParasolPatientListView *view = data;
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (parasol_patient_list_view_get_column_view (view)));

  return g_list_model_get_n_items (model) == 200;
}

static gboolean
count_shown (gpointer data)
{
  return gtk_widget_get_visible (data);
}

/* A big trial's table gets a first screenful before its first frame, and every row after; the
 * count says the whole trial as soon as it shows. */
static void
test_first_screen_then_all (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "big", NULL);
  g_autofree char *db = (g_mkdir (dir, 0700), cli_make_demo (dir, 200));
  g_autoptr(ParasolStore) store = ui_open_store (db);
  ParasolWindow *window = parasol_window_new (NULL, store);
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (parasol_patient_list_view_get_column_view (view)));
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u patient",
                                                         "%u patients", 200), 200);
  GtkWidget *count_label = GTK_WIDGET (parasol_patient_list_view_get_count_label (view));

  /* The count comes from a worker thread: no number until it is there, then the whole trial's,
   * while the table still holds its first screenful. */
  g_assert_cmpuint (g_list_model_get_n_items (model), <, 200);
  g_assert_false (gtk_widget_get_visible (count_label));
  g_assert_true (ui_wait_until (count_shown, count_label));
  g_assert_cmpuint (g_list_model_get_n_items (model), <, 200);
  g_assert_cmpuint (parasol_patient_list_view_get_n_visible (view), ==, 200);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (count_label)), ==, count);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_wait_until (table_has_all, view));
  g_assert_cmpuint (parasol_patient_list_view_get_n_visible (view), ==, 200);
  g_assert_cmpstr (gtk_label_get_label (parasol_patient_list_view_get_count_label (view)), ==,
                   count);
  /* The last patient is there to scroll to. */
  {
    g_autoptr(ParasolPatient) last = g_list_model_get_item (model, 199);

    g_assert_cmpstr (parasol_patient_get_screening_number (last), ==, "S-0200");
  }

  ui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_init (&argc, &argv, "test-ui-list"))
    return 1;

  /* gtk_test_init() sets a fixed locale; take the environment's, as the program does. */
  setlocale (LC_ALL, "");
  if (g_getenv ("PARASOL_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PARASOL_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  zh = g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "zh_CN");
  if (zh)
    g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "patient status", "On treatment"), ==,
                     "治疗中");

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  tmp_dir = cli_make_tmpdir ();
  demo_db = cli_make_demo (tmp_dir, 40);

  g_test_add_func ("/ui/list/tab-order", test_tab_order);
  g_test_add_func ("/ui/list/sort-by-keyboard", test_sort_by_keyboard);
  g_test_add_func ("/ui/list/enter-opens-only-match", test_enter_opens_only_match);
  g_test_add_func ("/ui/list/search-in-interface-language", test_search_in_interface_language);
  g_test_add_func ("/ui/list/shortcuts-window", test_shortcuts_window_lists_every_shortcut);
  g_test_add_func ("/ui/list/first-screen-then-all", test_first_screen_then_all);
  g_test_add_func ("/ui/list/course-on-rows", test_course_on_rows);
  g_test_add_func ("/ui/list/search-course", test_search_course);
  g_test_add_func ("/ui/list/sort-kept-in-settings", test_sort_kept_in_settings);

  ret = g_test_run ();

  cli_rm_rf (tmp_dir);
  g_free (demo_db);
  g_free (tmp_dir);

  return ret;
}
