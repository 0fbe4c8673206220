/* parasol-doses-section.h — the doses section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ParasolPatientSection: the calculated doses of the next cycle with their working, or the
 * reason there are none (not enrolled, failed screening, cannot be calculated).
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PARASOL_TYPE_DOSES_SECTION (parasol_doses_section_get_type ())
G_DECLARE_FINAL_TYPE (ParasolDosesSection, parasol_doses_section, PARASOL, DOSES_SECTION,
                      AdwPreferencesGroup)

G_END_DECLS
