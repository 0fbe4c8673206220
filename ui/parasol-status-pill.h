/* parasol-status-pill.h — a patient's status as a small coloured label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows a patient's status ("patient-status", a ParasolPatientStatus) with its one label,
 * parasol_patient_status_to_label(), and styles itself with the CSS class "status-ID" for its
 * store id (status-screening, status-screen_failed, status-enrolled, status-on_treatment,
 * status-off_treatment); see resources/style.css.  "has-status" is FALSE until a status is set,
 * and after an unknown id is given to "status"; the pill is then neutral.
 *
 * "status" (the store id as a string) and "label" remain for callers that hold the id as text:
 * setting "status" sets "patient-status" from it.
 */
#pragma once

#include <gtk/gtk.h>

#include "parasol-facts.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_STATUS_PILL (parasol_status_pill_get_type ())
G_DECLARE_FINAL_TYPE (ParasolStatusPill, parasol_status_pill, PARASOL, STATUS_PILL, GtkWidget)

GtkWidget  *parasol_status_pill_new        (void);
ParasolPatientStatus
            parasol_status_pill_get_patient_status (ParasolStatusPill   *self);
void        parasol_status_pill_set_patient_status (ParasolStatusPill   *self,
                                                    ParasolPatientStatus status);
gboolean    parasol_status_pill_get_has_status     (ParasolStatusPill   *self);
const char *parasol_status_pill_get_status (ParasolStatusPill *self);
void        parasol_status_pill_set_status (ParasolStatusPill *self,
                                            const char        *status);
const char *parasol_status_pill_get_label  (ParasolStatusPill *self);
void        parasol_status_pill_set_label  (ParasolStatusPill *self,
                                            const char        *label);

G_END_DECLS
