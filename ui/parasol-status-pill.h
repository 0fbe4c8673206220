/* parasol-status-pill.h — a patient's status as a small coloured label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows "label" (the translated status) and styles itself with the CSS class
 * "status-STATUS" for the status id in "status" (screening, screen_failed, enrolled,
 * on_treatment, off_treatment); see resources/style.css.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PARASOL_TYPE_STATUS_PILL (parasol_status_pill_get_type ())
G_DECLARE_FINAL_TYPE (ParasolStatusPill, parasol_status_pill, PARASOL, STATUS_PILL, GtkWidget)

GtkWidget  *parasol_status_pill_new        (void);
const char *parasol_status_pill_get_status (ParasolStatusPill *self);
void        parasol_status_pill_set_status (ParasolStatusPill *self,
                                            const char        *status);
const char *parasol_status_pill_get_label  (ParasolStatusPill *self);
void        parasol_status_pill_set_label  (ParasolStatusPill *self,
                                            const char        *label);

G_END_DECLS
