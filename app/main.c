/* main.c — the Parasol desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "parasol-application.h"

int
main (int   argc,
      char *argv[])
{
  gint64 started_at = g_get_monotonic_time ();
  g_autoptr(ParasolApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* PARASOL_LOCALEDIR: the build tree's po/ folder, for running uninstalled (run-demo.sh). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PARASOL_LOCALEDIR") ? g_getenv ("PARASOL_LOCALEDIR")
                                                                  : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = parasol_application_new (started_at);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
