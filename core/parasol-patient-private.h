/* parasol-patient-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-patient.h"
#include "parasol-course.h"
#include "parasol-store.h"

G_BEGIN_DECLS

/* @search_text: precomputed casefolded search text, or NULL to compute it. */
ParasolPatient *parasol_patient_new_from_row       (const ParasolPatientRow *row,
                                                    const char              *search_text);
char           *parasol_patient_build_search_text  (const ParasolPatientRow *row);
gboolean        parasol_search_text_matches        (const char *search_text,
                                                    const char *casefolded_query);

/* The course worked out for the item (parasol_patient_list_get_course()), or NULL. */
const ParasolCourse *parasol_patient_get_course    (ParasolPatient *self);
/* Takes @course. */
void            parasol_patient_set_course         (ParasolPatient *self,
                                                    ParasolCourse  *course);

G_END_DECLS
