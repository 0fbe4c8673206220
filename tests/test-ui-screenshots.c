/* test-ui-screenshots.c — the screenshots the metainfo shows, drawn from the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens the demo trial in a ParasolWindow of its default size, and renders the
 * patient list with its Course column filled in (main-window.png) and the page of patient S-0004 (patient-page.png) to PNG with
 * the window's own renderer.  The images go to $G_TEST_BUILDDIR/screenshots/; with
 * PARASOL_UPDATE_SCREENSHOTS=1 they replace data/screenshots/ in the source tree, which the
 * AppStream metainfo points at.  Checked: each image is the window's size, and is a drawn window
 * (many distinct colours, not a blank surface); the committed file has the same size.
 *
 * Run as: dbus-run-session -- xvfb-run -a env GSK_RENDERER=cairo ./test-ui-screenshots
 */
#define G_LOG_DOMAIN "test-ui-screenshots"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ui-helpers.h"

static char *tmp_dir;
static char *demo_db;

/* Renders @window (without its shadow) with its own renderer. */
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

/* How many distinct colours @texture has, in a grid of samples: a drawn window has text, icons
 * and pills; a blank or failed render has one or two. */
static guint
count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (int y = 0; y < height; y += 3)
    for (int x = 0; x < width; x += 3)
      {
        const guchar *p = pixels + y * stride + x * 4;
        guint32 rgba = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];

        g_hash_table_add (colours, GUINT_TO_POINTER (rgba));
      }

  return g_hash_table_size (colours);
}

/* Renders @window into NAME under the build folder (and the source tree on request), and
 * checks the image. */
static void
shoot (GtkWindow  *window,
       const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR")
                                                                        : ".",
                                           "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *committed = g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT"), "data",
                                                 "screenshots", name, NULL);
  g_autoptr(GdkTexture) old = NULL;
  g_autoptr(GError) error = NULL;

  /* Let the last layout and the frame clock settle before drawing. */
  ui_drain ();
  texture = render_window (window);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (gdk_texture_get_height (texture), ==,
                   gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpuint (count_colours (texture), >, 50);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s", path);

  if (g_strcmp0 (g_getenv ("PARASOL_UPDATE_SCREENSHOTS"), "1") == 0)
    {
      g_assert_true (gdk_texture_save_to_png (texture, committed));
      g_test_message ("updated %s", committed);
    }

  /* The metainfo shows the committed file: it must be this picture's size. */
  old = gdk_texture_new_from_filename (committed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (old), ==, gdk_texture_get_width (texture));
  g_assert_cmpint (gdk_texture_get_height (old), ==, gdk_texture_get_height (texture));
}

static gboolean
shows_patient (gpointer data)
{
  return g_strcmp0 (parasol_window_get_visible_page (data), "patient") == 0;
}

static gboolean
has_label_with (GtkWidget  *widget,
                const char *part)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_with (child, part))
      return TRUE;
  return FALSE;
}

/* The Course column is filled in after the first frame: the picture shows it filled. */
static gboolean
shows_courses (gpointer data)
{
  ParasolPatientListView *view = parasol_window_get_patient_list_view (data);

  /* The separator of the Course cell's parts, "Ended 2026-02-03 · PD" */
  return has_label_with (GTK_WIDGET (parasol_patient_list_view_get_column_view (view)), _(" · "));
}

static void
test_screenshots (void)
{
  g_autoptr(ParasolStore) store = ui_open_store (demo_db);
  /* At the window's default size (resources/ui/parasol-window.ui), less the border GTK
   * draws around a window on an X server without a compositor, as under Xvfb. */
  ParasolWindow *window = ui_present_window (store);
  g_autoptr(GError) error = NULL;

  g_assert_true (ui_wait_until (shows_courses, window));
  shoot (GTK_WINDOW (window), "main-window.png");

  g_assert_true (parasol_window_show_patient_by_key (window, "S-0004", &error));
  g_assert_no_error (error);
  g_assert_true (ui_wait_until (shows_patient, window));
  shoot (GTK_WINDOW (window), "patient-page.png");

  ui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_init (&argc, &argv, "test-ui-screenshots"))
    return 1;

  /* What AdwApplication does for parasol: the application's stylesheet (status pills, icons). */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/org/parasol/Parasol/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  /* No page transition half-way in a picture. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  tmp_dir = cli_make_tmpdir ();
  /* The demo trial of run-demo.sh: 40 patients, the default seed. */
  demo_db = cli_make_demo (tmp_dir, 40);

  g_test_add_func ("/ui/screenshots", test_screenshots);

  ret = g_test_run ();

  cli_rm_rf (tmp_dir);
  g_free (demo_db);
  g_free (tmp_dir);

  return ret;
}
