/* parasol-window.h — the main window: the patients of the open trial database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With a "store" the window lists its patients (ParasolPatientListView over a
 * ParasolPatientList) and shows the trial in the header bar.  Without one it shows why:
 * parasol_window_show_open_error() turns the GError from parasol_store_open() into a page
 * a person can act on (no database yet, locked, damaged, on a network filesystem, ...).
 *
 * Activating a patient in the list opens its page (ParasolPatientPage); win.back (the back
 * button, Alt+Left, Escape, the mouse's back button) returns to the list.
 *
 * A read-only store (a monitor's copy) is shown with a banner saying nothing can be recorded.
 *
 * Window actions: win.search (focus the search entry), win.back.  The application provides
 * app.open, app.new-trial, app.create-demo, app.restore-backup, app.reopen, app.about and
 * app.quit, which the message page and the primary menu offer.
 */
#pragma once

#include <adwaita.h>

#include "parasol-store.h"
#include "parasol-patient-list-view.h"
#include "parasol-patient-page.h"
#include "parasol-swimmer-view.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_WINDOW (parasol_window_get_type ())
G_DECLARE_FINAL_TYPE (ParasolWindow, parasol_window, PARASOL, WINDOW, AdwApplicationWindow)

ParasolWindow          *parasol_window_new                 (GtkApplication *application,
                                                            ParasolStore   *store);
ParasolStore           *parasol_window_get_store           (ParasolWindow  *self);
void                    parasol_window_set_store           (ParasolWindow  *self,
                                                            ParasolStore   *store);
/* Shows why the database at @path could not be opened (@error from parasol_store_open()),
 * and drops the store, if any. */
void                    parasol_window_show_open_error     (ParasolWindow  *self,
                                                            const char     *path,
                                                            const GError   *error);
/* The database path this window was asked to show (the store's, or the one that failed). */
const char             *parasol_window_get_database_path   (ParasolWindow  *self);
/* Opens the page of patient @patient_id (as activating its row does). */
void                    parasol_window_show_patient        (ParasolWindow  *self,
                                                            gint64          patient_id);
/* The same, by id, screening number or subject number ("S-0004", "BT-0004"). */
gboolean                parasol_window_show_patient_by_key (ParasolWindow  *self,
                                                            const char     *key,
                                                            GError        **error);

/* A short, passing message at the bottom of the window. */
void                    parasol_window_add_toast           (ParasolWindow  *self,
                                                            const char     *text);
/* Keeps the patient list's sort in @settings (the application's org.parasol.Parasol). */
void                    parasol_window_bind_settings       (ParasolWindow  *self,
                                                            GSettings      *settings);

G_END_DECLS
