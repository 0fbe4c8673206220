/* parasol-new-patient-dialog.h — register a patient for screening from the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal window with the fields of `parasol-cli patient add`: screening number, initials, sex,
 * birth date, site and screening date (today by default).  "Add Patient" stores them through
 * parasol_store_add_patient(), the function the CLI calls; a refusal (a duplicate number, a date
 * that is not a date, a birth date in the future) is shown in the dialog, under the fields, and
 * the row it concerns is marked.  On success ::patient-added is emitted with the new id and the
 * dialog closes.
 */
#pragma once

#include <adwaita.h>

#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_NEW_PATIENT_DIALOG (parasol_new_patient_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ParasolNewPatientDialog, parasol_new_patient_dialog, PARASOL,
                      NEW_PATIENT_DIALOG, AdwWindow)

GtkWidget  *parasol_new_patient_dialog_new       (GtkWindow    *parent,
                                                  ParasolStore *store);
/* Validates and stores; FALSE with the refusal shown (and returned by get_error). */
gboolean    parasol_new_patient_dialog_add       (ParasolNewPatientDialog *self);
/* The refusal shown, or NULL. */
const char *parasol_new_patient_dialog_get_error (ParasolNewPatientDialog *self);

G_END_DECLS
