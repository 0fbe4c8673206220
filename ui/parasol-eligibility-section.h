/* parasol-eligibility-section.h — the eligibility section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ParasolPatientSection: the verdict and every criterion, with "only-problems" (boolean) to
 * show only the criteria that are not met.
 */
#pragma once

#include <adwaita.h>

#include "parasol-eligibility.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_ELIGIBILITY_SECTION (parasol_eligibility_section_get_type ())
G_DECLARE_FINAL_TYPE (ParasolEligibilitySection, parasol_eligibility_section, PARASOL,
                      ELIGIBILITY_SECTION, GtkBox)

gboolean        parasol_eligibility_section_get_only_problems  (ParasolEligibilitySection *self);
void            parasol_eligibility_section_set_only_problems  (ParasolEligibilitySection *self,
                                                                gboolean                   only_problems);

/* What is shown, for the page's test getters. */
const char     *parasol_eligibility_section_get_verdict_text   (ParasolEligibilitySection *self);
ParasolVerdict  parasol_eligibility_section_get_verdict        (ParasolEligibilitySection *self);
GPtrArray      *parasol_eligibility_section_get_criterion_rows (ParasolEligibilitySection *self);

/* Lab import from a CSV file (section.import-labs asks for it through the file chooser):
 * parasol_lab_import_file(), as `parasol-cli lab import`; the summary (imported, duplicates,
 * skipped tests, or every refused row with its line) is shown in a message dialog. */
gboolean        parasol_eligibility_section_import_labs        (ParasolEligibilitySection *self,
                                                                const char                *path);
const char     *parasol_eligibility_section_get_import_summary (ParasolEligibilitySection *self);

G_END_DECLS
