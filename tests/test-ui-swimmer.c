/* test-ui-swimmer.c — the swimmer plot page of the window, for real, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens a demo trial, switches to the swimmer plot and checks what an investigator would get:
 * a lane per treated patient drawn through the core renderer, the patient list's search and
 * status filter applied, the keyboard moving between lanes with each lane's description given
 * to assistive technologies, Enter and a click opening the patient, live updates from the store,
 * and an export.
 *
 * Run as: dbus-run-session -- xvfb-run -a env GSK_RENDERER=cairo ./test-ui-swimmer
 */
#define G_LOG_DOMAIN "test-ui-swimmer"

#include "config.h"

#include <string.h>

#include "parasol-protocol.h"
#include "parasol-swimmer.h"
#include "ui-helpers.h"

static char *tmp_dir;
static char *demo_db;

typedef struct {
  ParasolSwimmerCanvas *canvas;
  guint                 n;
} LaneCount;

static gboolean
lanes_are (gpointer data)
{
  LaneCount *lc = data;
  ParasolSwimmerPlot *plot = parasol_swimmer_canvas_get_plot (lc->canvas);

  return plot != NULL && parasol_swimmer_plot_get_n_lanes (plot) == lc->n;
}

static void
wait_lanes (ParasolSwimmerCanvas *canvas,
            guint                 n)
{
  LaneCount lc = { canvas, n };

  if (!ui_wait_until (lanes_are, &lc))
    g_error ("expected %u lanes, have %u", n,
             parasol_swimmer_plot_get_n_lanes (parasol_swimmer_canvas_get_plot (canvas)));
}

static gboolean
has_width (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && gtk_widget_get_height (data) > 0;
}

static guint
count_treated (ParasolStore *store,
               const char   *status)
{
  g_autoptr(ParasolSwimmerPlot) plot = parasol_swimmer_plot_new_from_store (store, NULL, NULL, NULL);
  guint n = 0;

  for (guint i = 0; i < parasol_swimmer_plot_get_n_lanes (plot); i++)
    if (status == NULL || g_strcmp0 (parasol_swimmer_plot_get_lane (plot, i)->status, status) == 0)
      n++;
  return n;
}

static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
    }
  return handled;
}

/* A primary click released at (@x, @y), as GtkGestureClick reports it. */
static void
click_at (GtkWidget *widget,
          double     x,
          double     y)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (c))
        g_signal_emit_by_name (c, "released", 1, x, y);
    }
}

static gboolean
is_patient_page (gpointer data)
{
  return g_strcmp0 (parasol_window_get_visible_page (data), "patient") == 0;
}

/* The canvas's own snapshot: a Cairo node painted by the core renderer. */
static cairo_surface_t *
canvas_surface (ParasolSwimmerCanvas *canvas)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  cairo_surface_t *surface;

  GTK_WIDGET_GET_CLASS (canvas)->snapshot (GTK_WIDGET (canvas), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  g_assert_cmpint (gsk_render_node_get_node_type (node), ==, GSK_CAIRO_NODE);
  /* a recording surface: replay it onto pixels */
  {
    graphene_rect_t bounds;
    cairo_t *cr;

    gsk_render_node_get_bounds (node, &bounds);
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) bounds.size.width,
                                          (int) bounds.size.height);
    cr = cairo_create (surface);
    gsk_render_node_draw (node, cr);
    cairo_destroy (cr);
  }
  gsk_render_node_unref (node);
  return surface;
}

/* For looking at the page (PARASOL_SCREENSHOT_DIR): the X screen as the user sees it. */
static void
save_screenshot (const char *path)
{
  g_autofree char *import = g_find_program_in_path ("import");
  const char *argv[] = { import, "-window", "root", path, NULL };

  if (import == NULL)
    return;
  for (int i = 0; i < 20; i++)
    {
      ui_drain ();
      g_usleep (20000);
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
test_swimmer_page (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  ParasolWindow *window = ui_present_window (store);
  ParasolSwimmerView *view = parasol_window_get_swimmer_view (window);
  ParasolSwimmerCanvas *canvas = parasol_swimmer_view_get_canvas (view);
  ParasolPatientListView *list = parasol_window_get_patient_list_view (window);
  guint n_treated = count_treated (store, NULL);
  guint n_on = count_treated (store, "on_treatment");
  ParasolSwimmerPlot *plot;
  ParasolSwimmerRenderOptions options;
  ParasolSwimmerRect rect;
  g_autofree char *first_label = NULL;
  gint64 first_id;
  cairo_surface_t *surface;

  g_assert_cmpuint (n_treated, >, 5);
  parasol_window_show_swimmer (window, TRUE);
  ui_wait_mapped (GTK_WIDGET (canvas));
  wait_lanes (canvas, n_treated);
  g_assert_true (ui_wait_until (has_width, canvas));
  plot = parasol_swimmer_canvas_get_plot (canvas);

  /* Drawn by the core renderer: lane 0's arm colour in the middle of its bar */
  parasol_swimmer_canvas_get_render_options (canvas, &options);
  g_assert_true (parasol_swimmer_lane_rect (plot, gtk_widget_get_width (GTK_WIDGET (canvas)),
                                            gtk_widget_get_height (GTK_WIDGET (canvas)), &options,
                                            0, &rect));
  surface = canvas_surface (canvas);
  {
    const ParasolSwimmerLane *lane = parasol_swimmer_plot_get_lane (plot, 0);
    double rgb[3];
    double x = parasol_swimmer_day_x (plot, gtk_widget_get_width (GTK_WIDGET (canvas)),
                                      gtk_widget_get_height (GTK_WIDGET (canvas)), &options, 3);
    int stride = cairo_image_surface_get_stride (surface);
    double sx, sy;
    guint32 argb;

    cairo_surface_get_device_scale (surface, &sx, &sy);
    parasol_swimmer_plot_arm_color (plot, lane->arm, rgb);
    cairo_surface_flush (surface);
    memcpy (&argb, cairo_image_surface_get_data (surface) +
                   (int) ((rect.y + rect.height / 2 - 4) * sy) * stride + (int) (x * sx) * 4, 4);
    g_assert_cmpint (ABS ((int) ((argb >> 16) & 0xff) - (int) (rgb[0] * 255)), <=, 8);
    g_assert_cmpint (ABS ((int) ((argb >> 8) & 0xff) - (int) (rgb[1] * 255)), <=, 8);
    g_assert_cmpint (ABS ((int) (argb & 0xff) - (int) (rgb[2] * 255)), <=, 8);
  }
  cairo_surface_destroy (surface);

  if (g_getenv ("PARASOL_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("PARASOL_SCREENSHOT_DIR"),
                                                "swimmer-window.png", NULL);
      gtk_window_maximize (GTK_WINDOW (window));
      save_screenshot (path);
    }

  /* The list's search narrows the plot */
  first_label = g_strdup (parasol_swimmer_plot_get_lane (plot, 0)->label);
  first_id = parasol_swimmer_plot_get_lane (plot, 0)->patient_id;
  gtk_editable_set_text (parasol_patient_list_view_get_search_entry (list), first_label);
  wait_lanes (canvas, 1);
  g_assert_cmpint (parasol_swimmer_plot_get_lane (parasol_swimmer_canvas_get_plot (canvas), 0)->patient_id,
                   ==, first_id);
  gtk_editable_set_text (parasol_patient_list_view_get_search_entry (list), "");
  wait_lanes (canvas, n_treated);

  /* ... and so does its status filter */
  gtk_drop_down_set_selected (parasol_patient_list_view_get_status_filter (list),
                              PARASOL_STATUS_FILTER_ON_TREATMENT);
  wait_lanes (canvas, n_on);
  plot = parasol_swimmer_canvas_get_plot (canvas);
  for (guint i = 0; i < n_on; i++)
    g_assert_true (parasol_swimmer_plot_get_lane (plot, i)->ongoing);
  gtk_drop_down_set_selected (parasol_patient_list_view_get_status_filter (list),
                              PARASOL_STATUS_FILTER_ALL);
  wait_lanes (canvas, n_treated);
  plot = parasol_swimmer_canvas_get_plot (canvas);

  /* Keyboard: focus lands on the first lane, Down moves, each lane is described */
  gtk_widget_grab_focus (GTK_WIDGET (canvas));
  ui_drain ();
  /* (Xvfb has no window manager to make the window active, so focus events may not come) */
  if (parasol_swimmer_canvas_get_focus_lane (canvas) < 0)
    g_assert_true (press_key (GTK_WIDGET (canvas), GDK_KEY_Down));
  g_assert_cmpint (parasol_swimmer_canvas_get_focus_lane (canvas), ==, 0);
  cli_assert_contains (parasol_swimmer_canvas_get_lane_description (canvas), first_label);
  g_assert_true (press_key (GTK_WIDGET (canvas), GDK_KEY_Down));
  g_assert_cmpint (parasol_swimmer_canvas_get_focus_lane (canvas), ==, 1);
  cli_assert_contains (parasol_swimmer_canvas_get_lane_description (canvas),
                       parasol_swimmer_plot_get_lane (plot, 1)->label);
  cli_assert_contains (parasol_swimmer_canvas_get_lane_description (canvas), "Lane 2 of");
  g_assert_true (press_key (GTK_WIDGET (canvas), GDK_KEY_End));
  g_assert_cmpint (parasol_swimmer_canvas_get_focus_lane (canvas), ==, (int) n_treated - 1);
  g_assert_true (press_key (GTK_WIDGET (canvas), GDK_KEY_Home));
  g_assert_true (press_key (GTK_WIDGET (canvas), GDK_KEY_Up));
  g_assert_cmpint (parasol_swimmer_canvas_get_focus_lane (canvas), ==, 0);

  /* Enter opens the patient; back returns to the plot */
  g_assert_true (press_key (GTK_WIDGET (canvas), GDK_KEY_Return));
  g_assert_true (ui_wait_until (is_patient_page, window));
  g_assert_cmpint (parasol_patient_page_get_patient_id (parasol_window_get_patient_page (window)),
                   ==, first_id);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  ui_drain ();
  g_assert_cmpstr (parasol_window_get_visible_page (window), ==, "patients");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (canvas)));

  /* A click on a lane opens its patient too */
  {
    ParasolSwimmerRect r2;
    gint64 second_id = parasol_swimmer_plot_get_lane (plot, 1)->patient_id;

    parasol_swimmer_canvas_get_render_options (canvas, &options);
    g_assert_true (parasol_swimmer_lane_rect (plot, gtk_widget_get_width (GTK_WIDGET (canvas)),
                                              gtk_widget_get_height (GTK_WIDGET (canvas)),
                                              &options, 1, &r2));
    click_at (GTK_WIDGET (canvas), r2.x + r2.width / 3, r2.y + r2.height / 2);
    g_assert_true (ui_wait_until (is_patient_page, window));
    g_assert_cmpint (parasol_patient_page_get_patient_id (parasol_window_get_patient_page (window)),
                     ==, second_id);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
    ui_drain ();
    g_assert_cmpint (parasol_swimmer_canvas_get_focus_lane (canvas), ==, 1);
  }

  /* The store changes: the plot follows */
  {
    g_autoptr(GError) error = NULL;
    ParasolResponse response = { 0 };
    const ParasolSwimmerLane *lane = parasol_swimmer_plot_get_lane (plot, 0);
    guint marks = lane->marks->len;

    response.date = lane->c1d1;
    g_date_add_days (&response.date, 1);
    response.response = (char *) "NE";
    g_assert_cmpint (parasol_store_add_response (store, first_id, &response, &error), >, 0);
    g_assert_no_error (error);
    parasol_swimmer_view_flush (view);
    plot = parasol_swimmer_canvas_get_plot (canvas);
    lane = parasol_swimmer_plot_get_lane (plot, parasol_swimmer_plot_find_patient (plot, first_id));
    g_assert_cmpuint (lane->marks->len, ==, marks + 1);
  }

  /* Export through the same core code */
  {
    g_autofree char *svg = g_build_filename (tmp_dir, "window.svg", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (parasol_swimmer_view_export (view, svg, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
  }

  ui_destroy_window (window);
}

static void
test_swimmer_empty (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "empty.db", NULL);
  g_autofree char *out = ui_run_cli (path, "init", NULL);
  g_autoptr(ParasolStore) store = ui_open_store (path);
  ParasolWindow *window = ui_present_window (store);
  ParasolSwimmerCanvas *canvas = parasol_swimmer_view_get_canvas (parasol_window_get_swimmer_view (window));
  cairo_surface_t *surface;

  parasol_window_show_swimmer (window, TRUE);
  ui_wait_mapped (GTK_WIDGET (canvas));
  wait_lanes (canvas, 0);
  g_assert_true (ui_wait_until (has_width, canvas));
  /* the empty state draws its message; keys do nothing */
  surface = canvas_surface (canvas);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_assert_false (press_key (GTK_WIDGET (canvas), GDK_KEY_Down));
  g_assert_cmpint (parasol_swimmer_canvas_get_focus_lane (canvas), ==, -1);

  ui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_init (&argc, &argv, "test-ui-swimmer"))
    return 1;

  tmp_dir = cli_make_tmpdir ();
  demo_db = cli_make_demo (tmp_dir, 40);

  g_test_add_func ("/ui/swimmer/page", test_swimmer_page);
  g_test_add_func ("/ui/swimmer/empty", test_swimmer_empty);

  ret = g_test_run ();

  cli_rm_rf (tmp_dir);
  g_free (demo_db);
  g_free (tmp_dir);

  return ret;
}
