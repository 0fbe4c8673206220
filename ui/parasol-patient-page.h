/* parasol-patient-page.h — one patient, as an investigator opens it from the list (read-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who the patient is (screening and subject numbers, initials, sex, age, site, status, the
 * assigned arm's name or "Not assigned", checkpoint inhibitor, C1D1), then four sections, each
 * its own widget (parasol-patient-section.h): eligibility (the verdict and every criterion in
 * protocol order), biomarkers and arm (each marker against its threshold, the proposed arm
 * with its rule trace, conflicts and pending results, and the arm assigned), the doses of the
 * next cycle (with the working) and the cycle calendar (with the start-of-cycle check).
 *
 * The page keeps no trial data: on every ::changed of the store for its patient it loads the
 * patient again, asks the engines (eligibility, assignment, dosing, schedule) once and hands
 * the results to its sections; it only calls and formats.  What it shows, for the UI tests, is
 * in parasol-patient-page-private.h.
 */
#pragma once

#include <adwaita.h>

#include "parasol-eligibility.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_PATIENT_PAGE (parasol_patient_page_get_type ())
G_DECLARE_FINAL_TYPE (ParasolPatientPage, parasol_patient_page, PARASOL, PATIENT_PAGE, GtkWidget)

GtkWidget       *parasol_patient_page_new                  (void);

/* Properties "store", "protocol" (the trial's; loaded from the store when NULL),
 * "patient-id" (0: none) and the read-only "title" ("S-0004 · LSD", for the header bar). */
ParasolStore    *parasol_patient_page_get_store            (ParasolPatientPage *self);
void             parasol_patient_page_set_store            (ParasolPatientPage *self,
                                                            ParasolStore       *store);
ParasolProtocol *parasol_patient_page_get_protocol         (ParasolPatientPage *self);
void             parasol_patient_page_set_protocol         (ParasolPatientPage *self,
                                                            ParasolProtocol    *protocol);
gint64           parasol_patient_page_get_patient_id       (ParasolPatientPage *self);
void             parasol_patient_page_set_patient_id       (ParasolPatientPage *self,
                                                            gint64              patient_id);
const char      *parasol_patient_page_get_title            (ParasolPatientPage *self);

/* Loads the patient again (the store's ::changed does this by itself). */
void             parasol_patient_page_reload               (ParasolPatientPage *self);

/* "only-problems" (boolean): show only the criteria that are not met.  Also the stateful
 * action page.only-problems, which the eligibility section's switch uses. */
gboolean         parasol_patient_page_get_only_problems    (ParasolPatientPage *self);
void             parasol_patient_page_set_only_problems    (ParasolPatientPage *self,
                                                            gboolean            only_problems);

G_END_DECLS
