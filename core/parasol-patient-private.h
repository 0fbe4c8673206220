/* parasol-patient-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-patient.h"
#include "parasol-store.h"

G_BEGIN_DECLS

/* @search_text: precomputed casefolded search text, or NULL to compute it. */
ParasolPatient *parasol_patient_new_from_row       (const ParasolPatientRow *row,
                                                    const char              *search_text);
char           *parasol_patient_build_search_text  (const ParasolPatientRow *row);
gboolean        parasol_search_text_matches        (const char *search_text,
                                                    const char *casefolded_query);

G_END_DECLS
