/* parasol-treatment-form.h — record a dose, a skip or a delay from the cycle calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small modal window over the patient page.  Each form calls the same core workflow as
 * parasol-cli (parasol_administration_give / _skip / _delay); the core's refusals appear inline,
 * under the field the person types in, and nothing is stored until core accepts it.  The
 * start-of-cycle check (parasol_schedule_check_start) is shown in the record form for a cycle's
 * first dose and in the delay form, for the day typed.  On success the form closes and
 * activates page.reload on @section.
 */
#pragma once

#include <adwaita.h>

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

typedef enum {
  PARASOL_TREATMENT_FORM_DOSE,   /* record a dose given */
  PARASOL_TREATMENT_FORM_SKIP,   /* record a drug as not given, with its reason */
  PARASOL_TREATMENT_FORM_DELAY,  /* move a cycle's day 1 later, with its reason */
} ParasolTreatmentFormKind;

/* Opens the form.  @drug (nullable) preselects a drug; @date (nullable) the day. */
GtkWidget *parasol_treatment_form_open (GtkWidget                *section,
                                        ParasolStore             *store,
                                        ParasolProtocol          *protocol,
                                        gint64                    patient_id,
                                        ParasolTreatmentFormKind  kind,
                                        int                       cycle,
                                        const char               *drug,
                                        const GDate              *date);

G_END_DECLS
