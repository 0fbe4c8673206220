/* parasol-criterion-row.h — one inclusion or exclusion criterion and how the patient fares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AdwExpanderRow: a status icon (met / not met / missing / expired, with an accessible
 * label, since the icon alone says nothing to a screen reader), the criterion's short title,
 * the engine's reason as the subtitle and the criterion id at the end; expanded, the full
 * criterion text, what is left to confirm and the protocol's note.  Everything shown comes from
 * the protocol and the eligibility engine; the row computes nothing.
 */
#pragma once

#include <adwaita.h>

#include "parasol-eligibility.h"
#include "parasol-protocol.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_CRITERION_ROW (parasol_criterion_row_get_type ())
G_DECLARE_FINAL_TYPE (ParasolCriterionRow, parasol_criterion_row, PARASOL, CRITERION_ROW,
                      AdwExpanderRow)

/* @criterion may be NULL (a result for a criterion the protocol no longer has). */
GtkWidget              *parasol_criterion_row_new              (const ParasolCriterion       *criterion,
                                                                const ParasolCriterionResult *result);
/* Buttons that record data for the criterion: "Result…" (section.enter-lab) where its rule
 * reads a lab, "Attest…" (section.attest) where the investigator attests it; both take the
 * criterion id as their target and are named for screen readers after the criterion. */
void                    parasol_criterion_row_add_actions      (ParasolCriterionRow    *self,
                                                                const ParasolCriterion *criterion);
const char             *parasol_criterion_row_get_criterion_id (ParasolCriterionRow *self);
ParasolCriterionStatus  parasol_criterion_row_get_status       (ParasolCriterionRow *self);
/* Anything but met. */
gboolean                parasol_criterion_row_is_problem       (ParasolCriterionRow *self);

/* Shared with the other rows of the patient page: the icon and CSS class of a criterion status
 * (its label is parasol_criterion_status_to_label()). */
const char             *parasol_criterion_status_icon_name     (ParasolCriterionStatus status);
const char             *parasol_criterion_status_css_class     (ParasolCriterionStatus status);

G_END_DECLS
