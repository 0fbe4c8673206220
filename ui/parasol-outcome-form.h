/* parasol-outcome-form.h — the "Record Response" and "Record Event" forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small modal window over the patient page.  Saving calls the core workflow the CLI calls
 * (parasol_outcomes_record_response() / _record_event()); a refusal stays in the form, under
 * the fields, and nothing is written.  Actions: form.save (Ctrl+Return), form.cancel (Escape).
 */
#pragma once

#include <adwaita.h>

#include "parasol-store.h"

G_BEGIN_DECLS

typedef enum {
  PARASOL_OUTCOME_FORM_RESPONSE,
  PARASOL_OUTCOME_FORM_EVENT,
} ParasolOutcomeFormKind;

#define PARASOL_TYPE_OUTCOME_FORM (parasol_outcome_form_get_type ())
G_DECLARE_FINAL_TYPE (ParasolOutcomeForm, parasol_outcome_form, PARASOL, OUTCOME_FORM, AdwWindow)

ParasolOutcomeForm *parasol_outcome_form_new (GtkWindow              *parent,
                                              ParasolStore           *store,
                                              gint64                  patient_id,
                                              const char             *patient_key,
                                              ParasolOutcomeFormKind  kind);

/* The refusal shown, or NULL (tests). */
const char         *parasol_outcome_form_get_error (ParasolOutcomeForm *self);

G_END_DECLS
