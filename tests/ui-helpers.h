/* ui-helpers.h — what the UI tests share: a display, the main loop, windows on a store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Build on cli-helpers.h for running parasol-cli, temporary folders and demo databases.
 */
#pragma once

#include <adwaita.h>

#include "cli-helpers.h"
#include "parasol-store.h"
#include "parasol-patient-list-view-private.h"
#include "parasol-window-private.h"

G_BEGIN_DECLS

/* How long ui_wait_until() iterates the main loop before giving up. */
#define UI_WAIT_TIMEOUT_MS 10000

typedef gboolean (*UiCondition) (gpointer data);

/* What main() returns when there is no display: meson counts the test as skipped. */
#define UI_EXIT_SKIP 77

/* Checks for a display (printing how to run the ui suite when there is none), then
 * initialises GTK for testing and libadwaita.  FALSE when there is no display: return
 * UI_EXIT_SKIP from main(). */
gboolean       ui_init               (int         *argc,
                                      char      ***argv,
                                      const char  *program);

/* Runs $PARASOL_CLI with the NULL-terminated arguments ("--database", @db appended when @db
 * is not NULL) and returns its stdout; fails the test on a non-zero exit. */
char          *ui_run_cli            (const char *db,
                                      const char *first_arg,
                                      ...) G_GNUC_NULL_TERMINATED;

/* Iterates the main loop until @condition holds; FALSE on timeout (UI_WAIT_TIMEOUT_MS). */
gboolean       ui_wait_until         (UiCondition condition,
                                      gpointer    data);
/* A UiCondition: @data (a GtkWidget) is mapped. */
gboolean       ui_is_mapped          (gpointer    data);
/* Waits until @widget is mapped; fails the test on timeout. */
void           ui_wait_mapped        (GtkWidget  *widget);
/* Dispatches whatever the main loop has pending. */
void           ui_drain              (void);

/* Opens the database at @path; fails the test if that does not work. */
ParasolStore  *ui_open_store         (const char    *path);
/* A new ParasolWindow on @store, presented and mapped, its table holding every patient. */
ParasolWindow *ui_present_window     (ParasolStore  *store);
/* Waits until the window's table holds every patient, not only its first screenful. */
void           ui_wait_table_complete (ParasolWindow *window);
/* The window holds the last reference; destroys it and lets GTK finish. */
void           ui_destroy_window     (ParasolWindow *window);

G_END_DECLS
