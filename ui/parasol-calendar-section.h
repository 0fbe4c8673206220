/* parasol-calendar-section.h — the cycle calendar section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ParasolPatientSection: the start-of-cycle check and every cycle of the calendar, with the
 * doses given, reduced or skipped.  Its "Show more" row activates page.reload on its ancestor.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PARASOL_TYPE_CALENDAR_SECTION (parasol_calendar_section_get_type ())
G_DECLARE_FINAL_TYPE (ParasolCalendarSection, parasol_calendar_section, PARASOL,
                      CALENDAR_SECTION, AdwPreferencesGroup)

/* Number of cycle rows shown (0 without a C1D1), for the page's test getters. */
guint parasol_calendar_section_get_n_cycle_rows (ParasolCalendarSection *self);

G_END_DECLS
