/* parasol-patient-page-private.h — what the patient page shows, for the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-patient-page.h"

G_BEGIN_DECLS

/* "content" or "error" (the patient cannot be loaded). */
const char      *parasol_patient_page_get_visible_page     (ParasolPatientPage *self);
/* The verdict as shown ("Eligible", "Not eligible", "Screening incomplete"). */
const char      *parasol_patient_page_get_verdict_text     (ParasolPatientPage *self);
ParasolVerdict   parasol_patient_page_get_verdict          (ParasolPatientPage *self);
/* The criterion rows (ParasolCriterionRow), in protocol order; do not free. */
GPtrArray       *parasol_patient_page_get_criterion_rows   (ParasolPatientPage *self);
/* The arm's name as shown in the header ("Control arm"), "Not assigned" before assignment. */
const char      *parasol_patient_page_get_arm_text         (ParasolPatientPage *self);
/* The proposed arm ids, comma-separated ("" when none). */
const char      *parasol_patient_page_get_proposed_arms    (ParasolPatientPage *self);
/* Number of cycle rows in the calendar (0 without a C1D1). */
guint            parasol_patient_page_get_n_cycle_rows     (ParasolPatientPage *self);

/* The header's line about the course ("Treatment ended on ..."), "" when hidden. */
const char      *parasol_patient_page_get_course_text      (ParasolPatientPage *self);
/* The number of the cycle shown as "Next", 0 when none (ended, or every cycle happened). */
int              parasol_patient_page_get_next_cycle       (ParasolPatientPage *self);

G_END_DECLS
