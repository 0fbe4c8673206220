/* parasol-audit-view.h — the audit trail of one patient or of the whole trial
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A window listing who changed what, when, from which value to which, and why, read through
 * core (parasol_store_audit_list(), parasol_store_audit_list_patient()).  A search entry filters
 * the rows (every word must appear in the row); audit.copy (Ctrl+C) copies the selected rows,
 * or every row shown when none is selected, as tab-separated text with a header line.
 */
#pragma once

#include <adwaita.h>

#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_AUDIT_VIEW (parasol_audit_view_get_type ())
G_DECLARE_FINAL_TYPE (ParasolAuditView, parasol_audit_view, PARASOL, AUDIT_VIEW, AdwWindow)

/* The newest entries the trial's view reads (a patient's view reads all of the patient's). */
#define PARASOL_AUDIT_VIEW_TRIAL_LIMIT 20000

/* @patient_id 0: the whole trial.  @subtitle: the patient, or the trial's name. */
ParasolAuditView *parasol_audit_view_new       (GtkWindow    *parent,
                                                ParasolStore *store,
                                                gint64        patient_id,
                                                const char   *subtitle);

/* For tests: rows shown after the filter, and the text audit.copy would put on the clipboard. */
guint             parasol_audit_view_get_n_shown (ParasolAuditView *self);
char             *parasol_audit_view_copy_text   (ParasolAuditView *self);
void              parasol_audit_view_set_filter  (ParasolAuditView *self,
                                                  const char       *text);

G_END_DECLS
