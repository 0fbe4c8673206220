/* parasol-outcome-form.h — the "Record Response" and "Record Event" forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small modal window over the patient page.  Saving calls the core workflow the CLI calls
 * (parasol_outcomes_record_response() / _record_event(), or for a recorded one
 * parasol_outcomes_correct_*() / _withdraw_*()); a refusal stays in the form, under the
 * fields, and nothing is written.  Actions: form.save (Ctrl+Return), form.cancel (Escape).
 */
#pragma once

#include <adwaita.h>

#include "parasol-store.h"

G_BEGIN_DECLS

typedef enum {
  PARASOL_OUTCOME_FORM_RESPONSE,
  PARASOL_OUTCOME_FORM_EVENT,
} ParasolOutcomeFormKind;

typedef enum {
  PARASOL_OUTCOME_FORM_RECORD,
  PARASOL_OUTCOME_FORM_CORRECT,    /* prefilled with the record; asks the reason for the change */
  PARASOL_OUTCOME_FORM_WITHDRAW,   /* the record shown, read-only; asks the reason */
} ParasolOutcomeFormMode;

#define PARASOL_TYPE_OUTCOME_FORM (parasol_outcome_form_get_type ())
G_DECLARE_FINAL_TYPE (ParasolOutcomeForm, parasol_outcome_form, PARASOL, OUTCOME_FORM, AdwWindow)

ParasolOutcomeForm *parasol_outcome_form_new (GtkWindow              *parent,
                                              ParasolStore           *store,
                                              gint64                  patient_id,
                                              const char             *patient_key,
                                              ParasolOutcomeFormKind  kind);

/* The form that corrects or withdraws response (or event) @record_id, prefilled with what is
 * recorded: @value (the response, "PR", or the event kind, "discontinuation"), @date and
 * @detail (the event's own reason or note; NULL for a response).  Saving calls
 * parasol_outcomes_correct_*() or _withdraw_*() with the reason the form asks for. */
ParasolOutcomeForm *parasol_outcome_form_new_change (GtkWindow              *parent,
                                                     ParasolStore           *store,
                                                     gint64                  patient_id,
                                                     const char             *patient_key,
                                                     ParasolOutcomeFormKind  kind,
                                                     ParasolOutcomeFormMode  mode,
                                                     gint64                  record_id,
                                                     const char             *value,
                                                     const GDate            *date,
                                                     const char             *detail);

/* The refusal shown, or NULL (tests). */
const char         *parasol_outcome_form_get_error (ParasolOutcomeForm *self);

G_END_DECLS
