/* parasol-outcomes-section.h — responses, events and the patient's history on the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PARASOL_TYPE_OUTCOMES_SECTION (parasol_outcomes_section_get_type ())
G_DECLARE_FINAL_TYPE (ParasolOutcomesSection, parasol_outcomes_section, PARASOL,
                      OUTCOMES_SECTION, AdwPreferencesGroup)

/* Rows listing a response or an event (tests). */
guint parasol_outcomes_section_get_n_outcome_rows (ParasolOutcomesSection *self);

G_END_DECLS
