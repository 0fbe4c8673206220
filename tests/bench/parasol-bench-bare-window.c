/* parasol-bench-bare-window.c — the start-up baseline for parasol-bench
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The least a libadwaita application can show: an AdwApplicationWindow of Parasol's default
 * size with a header bar and an empty list view.  After its first frame is painted it prints
 * {"startup_ms": X, "main_to_paint_ms": Y} exactly as `parasol` does with
 * PARASOL_BENCH_STARTUP=1, and quits.  No database, no GResource, no templates.
 */
#define G_LOG_DOMAIN "parasol-bench-bare-window"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static gint64 started_at;
static gulong after_paint_id;

/* Milliseconds since the kernel started this process (as parasol-application.c measures it). */
static double
ms_since_process_start (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  struct timespec now;
  long ticks_per_second;
  guint64 start_ticks;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    return -1;
  after_comm = strrchr (stat, ')');
  if (after_comm == NULL)
    return -1;
  fields = g_strsplit (after_comm + 2, " ", 0);
  if (g_strv_length (fields) < 20)
    return -1;
  ticks_per_second = sysconf (_SC_CLK_TCK);
  if (ticks_per_second <= 0 || clock_gettime (CLOCK_BOOTTIME, &now) != 0)
    return -1;
  start_ticks = g_ascii_strtoull (fields[22 - 3], NULL, 10);

  return (now.tv_sec * 1000.0 + now.tv_nsec / 1e6) - (start_ticks * 1000.0 / ticks_per_second);
}

static void
on_after_paint (GdkFrameClock *clock,
                GApplication  *app)
{
  double since_main = (g_get_monotonic_time () - started_at) / 1000.0;
  double since_start = ms_since_process_start ();

  if (since_start < since_main)
    since_start = since_main;
  g_clear_signal_handler (&after_paint_id, clock);
  printf ("{\"startup_ms\": %.1f, \"main_to_paint_ms\": %.1f}\n", since_start, since_main);
  fflush (stdout);
  g_application_quit (app);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkSelectionModel *selection;
  GtkWidget *list;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (gtk_string_list_new (NULL))));
  list = gtk_list_view_new (selection, factory);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new ("Parasol", NULL));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1180, 760);
  gtk_window_present (GTK_WINDOW (window));

  after_paint_id = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                                     G_CALLBACK (on_after_paint), app);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  started_at = g_get_monotonic_time ();
  app = adw_application_new ("org.parasol.ParasolBenchBareWindow", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
