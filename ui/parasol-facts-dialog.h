/* parasol-facts-dialog.h — the screening facts the rules read, entered from the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A modal window for what `parasol-cli patient set` records beside the labs and attestations:
 * the ECOG performance status, the height, a new weight with the day it was measured, the
 * childbearing potential and the date of the last blood transfusion.  "Save Facts" first asks
 * core to check every changed value (parasol_store_check_patient_field(),
 * parasol_store_check_weight()) and refuses under the field before anything is written; then it
 * writes through parasol_store_add_weight() and parasol_store_set_patient_field(), as the CLI
 * does.  A change to a saved value needs the reason; a new weight does not.
 */
#pragma once

#include <adwaita.h>

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_FACTS_DIALOG (parasol_facts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ParasolFactsDialog, parasol_facts_dialog, PARASOL, FACTS_DIALOG, AdwWindow)

/* NULL (and a warning) when the patient cannot be loaded. */
GtkWidget  *parasol_facts_dialog_new       (GtkWindow    *parent,
                                            ParasolStore *store,
                                            gint64        patient_id);
gboolean    parasol_facts_dialog_save      (ParasolFactsDialog *self);
/* The refusal shown under @field ("ecog", "height_cm", "weight_kg", "childbearing_potential",
 * "last_transfusion", "reason"), or NULL. */
const char *parasol_facts_dialog_get_error (ParasolFactsDialog *self,
                                            const char         *field);

G_END_DECLS
