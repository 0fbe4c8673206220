/* parasol-biomarkers-section.h — the biomarkers and arm section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ParasolPatientSection: each biomarker against its threshold, the arm the assignment engine
 * proposes (with its rule trace, conflicts and pending results) and the arm assigned.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PARASOL_TYPE_BIOMARKERS_SECTION (parasol_biomarkers_section_get_type ())
G_DECLARE_FINAL_TYPE (ParasolBiomarkersSection, parasol_biomarkers_section, PARASOL,
                      BIOMARKERS_SECTION, GtkBox)

/* The proposed arm ids, comma-separated ("" when none), for the page's test getters. */
const char *parasol_biomarkers_section_get_proposed_arms (ParasolBiomarkersSection *self);

G_END_DECLS
