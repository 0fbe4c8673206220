/* parasol-patient-list.h — the patients of a store as a GListModel of ParasolPatient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ordered by screening number.  Follows the store's ::changed signal and emits exact
 * items-changed: an added patient is one insertion at its position, a changed patient one
 * replacement, a reload (import, another process) one whole-list replacement.  Items are
 * created lazily from a compact row array, so a list of 100 000 patients is cheap.
 */
#pragma once

#include <gio/gio.h>

#include "parasol-course.h"
#include "parasol-patient.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_PATIENT_LIST (parasol_patient_list_get_type ())
G_DECLARE_FINAL_TYPE (ParasolPatientList, parasol_patient_list, PARASOL, PATIENT_LIST, GObject)

ParasolPatientList *parasol_patient_list_new        (ParasolStore       *store);
/* Reads only the first @first_page rows now (a screenful, for the first frame); the rest when
 * parasol_patient_list_complete() is called, or a search or find needs them.  0: all now. */
ParasolPatientList *parasol_patient_list_new_paged  (ParasolStore       *store,
                                                     guint               first_page);
/* Reads the rows after the first page (one items-changed at the end); nothing when complete. */
void                parasol_patient_list_complete   (ParasolPatientList *self);
gboolean            parasol_patient_list_is_complete (ParasolPatientList *self);
/* How many patients there are, also those not read yet (::notify::n-patients).  Until a paged
 * list has counted them, only those read. */
guint               parasol_patient_list_get_n_patients (ParasolPatientList *self);
gboolean            parasol_patient_list_is_counted (ParasolPatientList *self);
ParasolStore       *parasol_patient_list_get_store  (ParasolPatientList *self);
/* Position of the patient with @patient_id, or G_MAXUINT. */
guint               parasol_patient_list_find       (ParasolPatientList *self,
                                                     gint64              patient_id);
/* Re-reads every row (after an external change); emits one items-changed. */
void                parasol_patient_list_reload     (ParasolPatientList *self);

/* Model-level filtering without creating items: fills @positions (guint) with the positions of
 * the rows matching @query (words, casefolded internally; status ids match too).  Returns the
 * number of matches. */
guint               parasol_patient_list_filter     (ParasolPatientList *self,
                                                     const char         *query,
                                                     GArray             *positions);

/* How @patient's treatment went (end, death, last response, doses never recorded), worked out
 * from the store on first asking and kept with the item; a change to any record of the patient
 * replaces the item (items-changed), so the next asking works it out again.  NULL when the
 * patient cannot be read.  @protocol: the trial's protocol, for the calendar. */
const ParasolCourse *parasol_patient_list_get_course (ParasolPatientList *self,
                                                      ParasolProtocol    *protocol,
                                                      ParasolPatient     *patient);

/* Works out the course of every patient who has none yet, in one pass over the store (about
 * 40 times faster than one by one): before a search over the Course text. */
void                 parasol_patient_list_load_courses (ParasolPatientList *self,
                                                        ParasolProtocol    *protocol);

G_END_DECLS
