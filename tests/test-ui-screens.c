/* test-ui-screens.c — every screen of the window at 1280×800 and 800×600 (and the list at
 * 1920×1080), in the interface language of the run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws the patient list, the page of patient S-0004, the swimmer plot and the message page
 * of a damaged database with the window's own renderer into
 * $G_TEST_BUILDDIR/screens/LANG-WxH-SCREEN.png, to be looked at before a change to the window
 * is called done.  Checked at every size: the list needs no sideways scrolling (the Arm column
 * is on screen), the columns that matter least dropped out first, no status pill is cut and no
 * text of the table is ellipsized (the Course column whole, also at the default 1100×720).
 * Registered twice: ui-screens, and ui-screens-zh_CN with LANGUAGE=zh_CN and the build tree's
 * translations (PARASOL_LOCALEDIR).
 */
#define G_LOG_DOMAIN "test-ui-screens"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "parasol-cycle-month.h"
#include "parasol-status-pill.h"
#include "ui-helpers.h"

static char *tmp_dir;
static char *demo_db;
static const char *lang = "en";

typedef struct {
  GtkWidget *widget;
  int        width;
  int        height;
} Size;

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames (gpointer data)
{
  return *(guint *) data >= 2;
}

/* Lets the window lay out and paint what it was just asked to show. */
static void
settle (ParasolWindow *window)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (GTK_WIDGET (window), count_frame, &frames, NULL);

  gtk_widget_queue_draw (GTK_WIDGET (window));
  g_assert_true (ui_wait_until (two_frames, &frames));
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), id);
  ui_drain ();
}

static gboolean
has_size (gpointer data)
{
  Size *size = data;

  /* Under Xvfb without a compositor GTK draws no shadow, but may keep a border. */
  return ABS (gtk_widget_get_width (size->widget) - size->width) <= 24 &&
         ABS (gtk_widget_get_height (size->widget) - size->height) <= 24;
}

static void
resize (ParasolWindow *window,
        int            width,
        int            height)
{
  Size size = { GTK_WIDGET (window), width, height };

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_assert_true (ui_wait_until (has_size, &size));
  settle (window);
}

static GdkTexture *
render_window (GtkWindow *window)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t viewport;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  graphene_rect_init (&viewport, 0, 0, width, height);

  return gsk_renderer_render_texture (renderer, node, &viewport);
}

static void
shoot (ParasolWindow *window,
       const char    *screen)
{
  const char *builddir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
  g_autofree char *dir = g_build_filename (builddir, "screens", NULL);
  g_autofree char *name = g_strdup_printf ("%s-%dx%d-%s.png", lang,
                                           gtk_widget_get_width (GTK_WIDGET (window)),
                                           gtk_widget_get_height (GTK_WIDGET (window)), screen);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkTexture) texture = NULL;

  settle (window);
  texture = render_window (GTK_WINDOW (window));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s", path);
}

static void
collect_pills (GtkWidget *widget,
               GPtrArray *pills)
{
  if (PARASOL_IS_STATUS_PILL (widget))
    g_ptr_array_add (pills, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_pills (child, pills);
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

/* The list at this size: no sideways scrolling, the Arm and Status columns there, no pill
 * cut.  Returns how many columns are shown. */
static guint
check_list_fits (ParasolWindow *window)
{
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);
  GtkColumnView *column_view = parasol_patient_list_view_get_column_view (view);
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (column_view),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));
  GListModel *columns = gtk_column_view_get_columns (column_view);
  g_autoptr(GPtrArray) pills = g_ptr_array_new ();
  guint n_shown = 0;

  g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 1);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);

      if (gtk_column_view_column_get_visible (column))
        n_shown++;
      /* These never drop out: numbers, initials, status, arm, course. */
      if (i == 0 || i == 2 || i == 6 || i == 7 || i == 8)
        {
          if (!gtk_column_view_column_get_visible (column))
            g_error ("the %s column is hidden", title);
        }
    }

  collect_pills (GTK_WIDGET (column_view), pills);
  g_assert_cmpuint (pills->len, >, 0);
  for (guint i = 0; i < pills->len; i++)
    {
      GtkWidget *pill = g_ptr_array_index (pills, i);
      GtkWidget *label = gtk_widget_get_first_child (pill);
      int natural = 0;

      if (!gtk_widget_get_mapped (pill))
        continue;
      g_assert_true (GTK_IS_LABEL (label));
      gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_width (label), >=, natural);
      if (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))))
        g_error ("the status pill “%s” is cut", gtk_label_get_label (GTK_LABEL (label)));
    }

  /* Nor any other text of the table: the Course cells ("Ended 2026-02-03 · PD"), the arms,
   * the headers of the columns shown. */
  {
    g_autoptr(GPtrArray) labels = g_ptr_array_new ();
    guint n_checked = 0;

    collect_labels (GTK_WIDGET (column_view), labels);
    for (guint i = 0; i < labels->len; i++)
      {
        GtkLabel *label = g_ptr_array_index (labels, i);

        if (!gtk_widget_get_mapped (GTK_WIDGET (label)))
          continue;
        if (pango_layout_is_ellipsized (gtk_label_get_layout (label)))
          g_error ("“%s” is cut", gtk_label_get_label (label));
        n_checked++;
      }
    g_assert_cmpuint (n_checked, >, pills->len);
  }

  return n_shown;
}

/* GTK keeps a window within its monitor: a size larger than Xvfb's screen is skipped (run
 * with -screen 0 1920x1200x24 for the 1920x1080 pictures). */
static gboolean
fits_screen (ParasolWindow *window,
             int            width,
             int            height)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));
  GdkMonitor *monitor = gdk_display_get_monitor_at_surface (display,
                                                            gtk_native_get_surface (GTK_NATIVE (window)));
  GdkRectangle geometry;

  gdk_monitor_get_geometry (monitor, &geometry);
  if (width <= geometry.width && height <= geometry.height)
    return TRUE;

  g_test_message ("%dx%d skipped: the screen is %dx%d", width, height, geometry.width,
                  geometry.height);
  return FALSE;
}

static gboolean
shows_patient (gpointer data)
{
  return g_strcmp0 (parasol_window_get_visible_page (data), "patient") == 0;
}

static void
test_every_screen (void)
{
  static const struct { int width, height; } sizes[] = { { 1920, 1080 }, { 1280, 800 },
                                                          { 800, 600 } };
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  guint shown[G_N_ELEMENTS (sizes)];

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!fits_screen (window, sizes[i].width, sizes[i].height))
        {
          shown[i] = 9;
          continue;
        }
      resize (window, sizes[i].width, sizes[i].height);
      parasol_window_show_swimmer (window, FALSE);
      settle (window);
      shown[i] = check_list_fits (window);
      shoot (window, "list");
      if (sizes[i].width == 1920)
        {
          g_assert_cmpuint (shown[i], ==, 9);
          continue;
        }

      parasol_window_show_swimmer (window, TRUE);
      shoot (window, "swimmer");

      g_assert_true (parasol_window_show_patient_by_key (window, "S-0004", &error));
      g_assert_no_error (error);
      g_assert_true (ui_wait_until (shows_patient, window));
      shoot (window, "patient");
      gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
    }
  /* Narrower, fewer columns; the widest shows them all. */
  g_assert_cmpuint (shown[2], <, shown[0]);

  ui_destroy_window (window);
}

static gboolean
label_holds (GtkWidget  *widget,
             const char *part)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_holds (child, part))
      return TRUE;
  return FALSE;
}

/* The Course cells are filled in after the first frame. */
static gboolean
shows_courses (gpointer window)
{
  ParasolPatientListView *view = parasol_window_get_patient_list_view (window);

  /* The separator of the Course cell's parts, "Ended 2026-02-03 · PD" */
  return label_holds (GTK_WIDGET (parasol_patient_list_view_get_column_view (view)), _(" · "));
}

/* At the window's default width, 1100 px (the schema's window-width), every column is there
 * and nothing is cut, the Course column's text included; the committed main-window.png is its
 * picture. */
static void
test_default_width (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);

  resize (window, 1100, 720);
  settle (window);
  g_assert_true (ui_wait_until (shows_courses, window));
  settle (window);
  check_list_fits (window);

  ui_destroy_window (window);
}

static void
test_message_page (void)
{
  static const struct { int width, height; } sizes[] = { { 1280, 800 }, { 800, 600 } };
  ParasolWindow *window = ui_present_window (NULL);
  g_autoptr(GError) error = g_error_new_literal (PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CORRUPT,
                                                 "database disk image is malformed");

  parasol_window_show_open_error (window, "/srv/trial/parasol.db", error);
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "message");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      resize (window, sizes[i].width, sizes[i].height);
      shoot (window, "message");
    }

  ui_destroy_window (window);
}

/* The pill takes the status as the core enum; its text is the core label, its style the id. */
static void
test_status_pill (void)
{
  GtkWidget *pill = g_object_ref_sink (parasol_status_pill_new ());
  ParasolStatusPill *p = PARASOL_STATUS_PILL (pill);
  ParasolPatientStatus status;

  g_assert_false (parasol_status_pill_get_has_status (p));
  g_assert_null (parasol_status_pill_get_status (p));

  parasol_status_pill_set_patient_status (p, PARASOL_PATIENT_STATUS_ON_TREATMENT);
  g_assert_true (parasol_status_pill_get_has_status (p));
  g_assert_cmpstr (parasol_status_pill_get_status (p), ==, "on_treatment");
  g_assert_cmpstr (parasol_status_pill_get_label (p), ==,
                   parasol_patient_status_to_label (PARASOL_PATIENT_STATUS_ON_TREATMENT));
  g_assert_true (gtk_widget_has_css_class (pill, "status-on_treatment"));

  /* The store id, as text, sets the same property. */
  parasol_status_pill_set_status (p, "screen_failed");
  g_object_get (pill, "patient-status", &status, NULL);
  g_assert_cmpint (status, ==, PARASOL_PATIENT_STATUS_SCREEN_FAILED);
  g_assert_true (gtk_widget_has_css_class (pill, "status-screen_failed"));
  g_assert_false (gtk_widget_has_css_class (pill, "status-on_treatment"));

  /* An id that is no status: neutral. */
  parasol_status_pill_set_status (p, "status-x\"}");
  g_assert_false (parasol_status_pill_get_has_status (p));
  g_assert_false (gtk_widget_has_css_class (pill, "status-screen_failed"));

  g_object_set (pill, "patient-status", PARASOL_PATIENT_STATUS_ENROLLED, NULL);
  g_assert_true (gtk_widget_has_css_class (pill, "status-enrolled"));
  g_object_unref (pill);
}

static void
collect_label_texts (GtkWidget *widget,
                     GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_label_texts (child, texts);
}

static gboolean
has_text (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* The month view's weekday headings, its title and the selected day's name follow the
 * interface language, not LC_TIME (the tests run under LC_ALL=C.UTF-8, LANGUAGE=zh_CN). */
static void
test_month_view_language (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *month = parasol_cycle_month_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  gboolean zh = g_strcmp0 (lang, "zh_CN") == 0;
  GDate day;

  gtk_window_set_child (GTK_WINDOW (window), month);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 12, G_DATE_MARCH, 2026);   /* a Thursday */
  parasol_cycle_month_select_day (PARASOL_CYCLE_MONTH (month), &day);
  gtk_window_present (GTK_WINDOW (window));
  ui_drain ();

  collect_label_texts (month, texts);
  for (guint i = 0; i < texts->len; i++)
    g_test_message ("label: %s", (const char *) g_ptr_array_index (texts, i));
  if (zh)
    {
      const char *weekdays[] = { "周一", "周二", "周三", "周四", "周五", "周六", "周日" };

      for (guint i = 0; i < G_N_ELEMENTS (weekdays); i++)
        g_assert_true (has_text (texts, weekdays[i]));
      g_assert_false (has_text (texts, "Mon"));
      g_assert_true (has_text (texts, "2026年3月"));
      g_assert_true (has_text (texts, "2026年3月12日 星期四"));
    }
  else
    {
      const char *weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

      for (guint i = 0; i < G_N_ELEMENTS (weekdays); i++)
        g_assert_true (has_text (texts, weekdays[i]));
      g_assert_true (has_text (texts, "March 2026"));
      g_assert_true (has_text (texts, "Thursday 12 March 2026"));
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_init (&argc, &argv, "test-ui-screens"))
    return 1;

  /* As main.c does: the build tree's translations under PARASOL_LOCALEDIR. */
  /* gtk_test_init() sets a fixed locale; take the environment's, as the program does. */
  setlocale (LC_ALL, "");
  if (g_getenv ("PARASOL_LOCALEDIR") != NULL)
    {
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PARASOL_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  if (g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "zh_CN"))
    {
      lang = "zh_CN";
      /* The translations are really there. */
      g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "patient status", "On treatment"), ==,
                       "治疗中");
    }

  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/parasol/Parasol/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  tmp_dir = cli_make_tmpdir ();
  demo_db = cli_make_demo (tmp_dir, 40);

  g_test_add_func ("/ui/screens/every-screen", test_every_screen);
  g_test_add_func ("/ui/screens/default-width", test_default_width);
  g_test_add_func ("/ui/screens/message-page", test_message_page);
  g_test_add_func ("/ui/screens/status-pill", test_status_pill);
  g_test_add_func ("/ui/screens/month-view-language", test_month_view_language);

  ret = g_test_run ();

  cli_rm_rf (tmp_dir);
  g_free (demo_db);
  g_free (tmp_dir);

  return ret;
}
