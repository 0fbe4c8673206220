/* parasol-patient-list-view.h — the patients of the trial as a sortable, filterable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A search entry, a status filter, a count and a GtkColumnView over
 * GtkSortListModel (GtkFilterListModel (model)).  The view holds no trial data of its own:
 * "model" is a GListModel of ParasolPatient (a ParasolPatientList), and every row is read
 * from it.  When the model is empty or nothing matches, an AdwStatusPage says so.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* From core/parasol-protocol.h */
typedef struct _ParasolProtocol ParasolProtocol;

G_END_DECLS

G_BEGIN_DECLS

#define PARASOL_TYPE_PATIENT_LIST_VIEW (parasol_patient_list_view_get_type ())
G_DECLARE_FINAL_TYPE (ParasolPatientListView, parasol_patient_list_view,
                      PARASOL, PATIENT_LIST_VIEW, GtkWidget)

/* Status filter choices, in the order the drop-down shows them. */
typedef enum {
  PARASOL_STATUS_FILTER_ALL,
  PARASOL_STATUS_FILTER_SCREENING,
  PARASOL_STATUS_FILTER_ENROLLED,
  PARASOL_STATUS_FILTER_ON_TREATMENT,
  PARASOL_STATUS_FILTER_OFF_TREATMENT,
  PARASOL_STATUS_FILTER_SCREEN_FAILED,
} ParasolStatusFilter;

GtkWidget     *parasol_patient_list_view_new               (void);
GListModel    *parasol_patient_list_view_get_model         (ParasolPatientListView *self);
void           parasol_patient_list_view_set_model         (ParasolPatientListView *self,
                                                            GListModel             *model);
/* The trial's protocol, for arm names; NULL shows arm ids. */
ParasolProtocol *parasol_patient_list_view_get_protocol    (ParasolPatientListView *self);
void           parasol_patient_list_view_set_protocol      (ParasolPatientListView *self,
                                                            ParasolProtocol        *protocol);
/* Focuses the search entry and selects its text. */
void           parasol_patient_list_view_focus_search      (ParasolPatientListView *self);
/* Clears the search text and the status filter. */
void           parasol_patient_list_view_clear_filters     (ParasolPatientListView *self);
/* The patients shown after filtering (search text and status), for other views. */
GListModel    *parasol_patient_list_view_get_filtered_model (ParasolPatientListView *self);
/* Keeps the sort (column and direction) in @settings' patient-sort-column and
 * patient-sort-descending, applying what they hold now. */
void           parasol_patient_list_view_bind_settings     (ParasolPatientListView *self,
                                                            GSettings              *settings);

/* The inner widgets, for the window (key capture); more for the UI tests in
 * parasol-patient-list-view-private.h. */
GtkColumnView *parasol_patient_list_view_get_column_view   (ParasolPatientListView *self);
GtkEditable   *parasol_patient_list_view_get_search_entry  (ParasolPatientListView *self);

G_END_DECLS
