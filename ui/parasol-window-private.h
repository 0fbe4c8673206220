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

G_END_DECLS
