/* parasol-attestation-dialog.h — the investigator's judgement of a screening criterion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal window: met or not met (for an exclusion, met means free of the condition), the date
 * of the source, a note and the source document.  When the criterion is already attested, the
 * saved judgement is shown and a reason for the change is asked for; the store refuses a change
 * without one.  "Save Attestation" stores it through parasol_store_set_attestation(), as
 * `parasol-cli attest` does.  A refusal is shown in the dialog.
 */
#pragma once

#include <adwaita.h>

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_ATTESTATION_DIALOG (parasol_attestation_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ParasolAttestationDialog, parasol_attestation_dialog, PARASOL,
                      ATTESTATION_DIALOG, AdwWindow)

GtkWidget  *parasol_attestation_dialog_new       (GtkWindow       *parent,
                                                  ParasolStore    *store,
                                                  ParasolProtocol *protocol,
                                                  gint64           patient_id,
                                                  const char      *criterion_id);
gboolean    parasol_attestation_dialog_save      (ParasolAttestationDialog *self);
/* The refusal shown, or NULL. */
const char *parasol_attestation_dialog_get_error (ParasolAttestationDialog *self);

G_END_DECLS
