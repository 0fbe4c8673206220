/* parasol-patient-list-view-private.h — what the patient list shows, for the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-patient-list-view.h"

G_BEGIN_DECLS

/* Number of patients shown after filtering. */
guint          parasol_patient_list_view_get_n_visible     (ParasolPatientListView *self);
/* "patients", "empty" (no patients at all) or "no-matches". */
const char    *parasol_patient_list_view_get_visible_page  (ParasolPatientListView *self);
GtkDropDown   *parasol_patient_list_view_get_status_filter (ParasolPatientListView *self);
GtkLabel      *parasol_patient_list_view_get_count_label   (ParasolPatientListView *self);

G_END_DECLS
