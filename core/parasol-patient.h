/* parasol-patient.h — one patient row, as an immutable GObject for list views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A snapshot of the patient's summary fields.  When the store changes the patient, the
 * ParasolPatientList replaces the item (items-changed at its position) instead of mutating it.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PARASOL_TYPE_PATIENT (parasol_patient_get_type ())
G_DECLARE_FINAL_TYPE (ParasolPatient, parasol_patient, PARASOL, PATIENT, GObject)

/* Properties (all read-only): "id" (gint64), "version" (gint64), "screening-number",
 * "subject-number", "initials", "sex", "birth-date" (YYYY-MM-DD), "site", "status",
 * "status-label" (translated), "arm", "screening-date", "c1d1", "search-text" (casefolded). */
gint64       parasol_patient_get_id               (ParasolPatient *self);
gint64       parasol_patient_get_version          (ParasolPatient *self);
const char  *parasol_patient_get_screening_number (ParasolPatient *self);
const char  *parasol_patient_get_subject_number   (ParasolPatient *self);
const char  *parasol_patient_get_initials         (ParasolPatient *self);
const char  *parasol_patient_get_sex              (ParasolPatient *self);
const char  *parasol_patient_get_birth_date       (ParasolPatient *self);
const char  *parasol_patient_get_site             (ParasolPatient *self);
const char  *parasol_patient_get_status           (ParasolPatient *self);
const char  *parasol_patient_get_status_label     (ParasolPatient *self);
const char  *parasol_patient_get_arm              (ParasolPatient *self);
const char  *parasol_patient_get_screening_date   (ParasolPatient *self);
const char  *parasol_patient_get_c1d1             (ParasolPatient *self);
/* Screening number, subject number, initials, site and arm, casefolded, for filtering. */
const char  *parasol_patient_get_search_text      (ParasolPatient *self);
/* TRUE if every word of @casefolded_query occurs in the search text. */
gboolean     parasol_patient_matches              (ParasolPatient *self,
                                                   const char     *casefolded_query);

/* The status ids are those of parasol_patient_status_to_string() (parasol-facts.h); the
 * label is parasol_patient_status_to_label(). */

G_END_DECLS
