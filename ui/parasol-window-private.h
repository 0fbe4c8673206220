/* parasol-window-private.h — what the window shows, for the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-window.h"

G_BEGIN_DECLS

/* "patients", "patient" or "message". */
const char             *parasol_window_get_visible_page    (ParasolWindow  *self);
ParasolPatientListView *parasol_window_get_patient_list_view (ParasolWindow *self);
ParasolPatientPage     *parasol_window_get_patient_page    (ParasolWindow  *self);
/* The swimmer plot page; parasol_window_show_swimmer() switches to it (FALSE: to the list). */
ParasolSwimmerView     *parasol_window_get_swimmer_view    (ParasolWindow  *self);
void                    parasol_window_show_swimmer        (ParasolWindow  *self,
                                                            gboolean        swimmer);

G_END_DECLS
