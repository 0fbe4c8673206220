/* parasol-application.h — the Parasol desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Command line: parasol [--database PATH] [--allow-network-filesystem] [--version].
 * Each invocation opens (or presents) a window on that database; a database that cannot be
 * opened is explained in the window, never by a crash.  Actions: app.quit, app.about,
 * app.reopen (open the active window's database again, after "parasol-cli demo").
 *
 * PARASOL_BENCH_STARTUP=1: after the first frame is painted, print {"startup_ms": X} (time
 * since the process started) on stdout and quit.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PARASOL_TYPE_APPLICATION (parasol_application_get_type ())
G_DECLARE_FINAL_TYPE (ParasolApplication, parasol_application, PARASOL, APPLICATION, AdwApplication)

/* @started_at: g_get_monotonic_time() on entry to main(). */
ParasolApplication *parasol_application_new (gint64 started_at);

G_END_DECLS
