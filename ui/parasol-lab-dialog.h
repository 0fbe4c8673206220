/* parasol-lab-dialog.h — a laboratory result entered on its screening criterion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal window for one criterion of the checklist: the test (the labs the criterion's rule
 * reads), the value, its unit (the units the protocol accepts for that lab), the ULN where the
 * lab needs one, and the sample date.  As the value is typed, the entry is checked by core
 * (parasol_lab_entry_check()) and the criterion evaluated with it by the eligibility engine,
 * and the verdict shown; nothing is computed here.  "Save Result" stores it through
 * parasol_lab_entry_add(), as `parasol-cli lab add` does.  A refusal is shown in the dialog.
 */
#pragma once

#include <adwaita.h>

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_LAB_DIALOG (parasol_lab_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ParasolLabDialog, parasol_lab_dialog, PARASOL, LAB_DIALOG, AdwWindow)

/* NULL (and a warning) when @criterion_id reads no lab. */
GtkWidget  *parasol_lab_dialog_new          (GtkWindow       *parent,
                                             ParasolStore    *store,
                                             ParasolProtocol *protocol,
                                             gint64           patient_id,
                                             const char      *criterion_id);
/* The ids of the labs @criterion's rule reads, in rule order (NULL-terminated; g_strfreev). */
char      **parasol_lab_dialog_criterion_labs (const ParasolCriterion *criterion);
gboolean    parasol_lab_dialog_save         (ParasolLabDialog *self);
/* The refusal shown, or NULL. */
const char *parasol_lab_dialog_get_error    (ParasolLabDialog *self);
/* The verdict line shown ("Met", "Not met", ...). */
const char *parasol_lab_dialog_get_verdict  (ParasolLabDialog *self);

G_END_DECLS
