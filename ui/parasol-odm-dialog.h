/* parasol-odm-dialog.h — export and import CDISC ODM 1.3.2 from the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal window with two groups.  Export: snapshot or with the audit trail, to a file chosen
 * through the file chooser portal (GtkFileChooserNative).  Import: a file chosen the same way is
 * first checked as a dry run and its preview shown (what would change, or every refusal with its
 * line); "Import" then writes it in one transaction.  The work is done by core (parasol-odm.h).
 */
#pragma once

#include <adwaita.h>

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_ODM_DIALOG (parasol_odm_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ParasolOdmDialog, parasol_odm_dialog, PARASOL, ODM_DIALOG, AdwWindow)

GtkWidget *parasol_odm_dialog_new           (GtkWindow       *parent,
                                             ParasolStore    *store,
                                             ParasolProtocol *protocol);

/* What the file choosers call; public for tests. */
gboolean   parasol_odm_dialog_export_to     (ParasolOdmDialog *self,
                                             GFile            *file);
gboolean   parasol_odm_dialog_preview       (ParasolOdmDialog *self,
                                             GFile            *file);
gboolean   parasol_odm_dialog_import        (ParasolOdmDialog *self);
/* The status line under the buttons ("Exported 40 patients to …", the preview). */
const char *parasol_odm_dialog_get_status   (ParasolOdmDialog *self);

G_END_DECLS
