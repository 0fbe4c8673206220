/* parasol-outcomes.h — recording responses, progression, discontinuation, death and follow-up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workflows behind `parasol-cli response add` and `event add` and the window's outcomes
 * forms.  Each runs in one transaction and re-reads the patient inside it.  Refused:
 *   - anything for a patient who is not enrolled (screening, screen failed): outcomes are
 *     recorded from enrolment on;
 *   - a response assessment, progression or last-known-alive date for a patient never treated
 *     (no C1D1, C1D1 still ahead, or no dose recorded as given);
 *   - a date after today or before 1900, or before C1D1 (for a patient enrolled but not yet
 *     treated, a discontinuation or death before the screening date);
 *   - anything dated after a recorded death, and a last-known-alive date once a death is
 *     recorded; a second death; a death dated before another outcome already recorded;
 *   - a second response assessment on the same date (one overall response per time point);
 *   - a discontinuation without a reason, or of a patient already off treatment.
 * A discontinuation or a death moves an enrolled or treated patient off treatment, the date and
 * the reason in the audit row of the status change.  Progression and a PD response change no
 * status: the investigator records the discontinuation that follows.
 */
#pragma once

#include <glib.h>

#include "parasol-facts.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_OUTCOMES_ERROR (parasol_outcomes_error_quark ())

typedef enum {
  PARASOL_OUTCOMES_ERROR_NOT_ENROLLED,     /* screening or screen failed */
  PARASOL_OUTCOMES_ERROR_NOT_TREATED,      /* no C1D1 or no first dose */
  PARASOL_OUTCOMES_ERROR_INVALID,          /* not a RECIST response or an event kind */
  PARASOL_OUTCOMES_ERROR_DATE,             /* in the future, before 1900, before C1D1 */
  PARASOL_OUTCOMES_ERROR_AFTER_DEATH,      /* after the recorded death */
  PARASOL_OUTCOMES_ERROR_DUPLICATE,        /* a second death, response on a date, discontinuation */
  PARASOL_OUTCOMES_ERROR_REASON_REQUIRED,  /* a discontinuation without its reason, a correction
                                            * without the reason for it */
  PARASOL_OUTCOMES_ERROR_NOT_FOUND,        /* no such live response or event of the patient */
  PARASOL_OUTCOMES_ERROR_WITHDRAWN,        /* correcting a record already withdrawn */
} ParasolOutcomesError;

GQuark parasol_outcomes_error_quark (void);

/* RECIST 1.1 overall responses, as stored: "CR", "PR", "SD", "PD", "NE". */
extern const char *const parasol_outcomes_responses[];

/* The translated name of a RECIST response ("Partial response"), or NULL for an unknown one. */
const char *parasol_outcomes_response_to_label (const char *response);

typedef struct {
  gint64      id;                /* the response or event row */
  char       *key;               /* the patient's subject (else screening) number */
  char       *what;              /* the response ("PR") or the event kind ("discontinuation") */
  GDate       date;
  char       *reason;            /* the note or reason given, or NULL */
  char       *status;            /* the patient's status afterwards */
  gboolean    status_changed;    /* this record (or its correction) changed the patient's status */
  gboolean    withdrawn;         /* a correction: the record was withdrawn as entered in error */
  char       *correction_reason; /* a correction: why, as the audit trail keeps it; else NULL */
} ParasolOutcome;

void            parasol_outcome_free               (ParasolOutcome *outcome);

/* Records a RECIST 1.1 @response assessed on @date; @note (optional) goes into the audit trail
 * as the record's reason. */
ParasolOutcome *parasol_outcomes_record_response   (ParasolStore     *store,
                                                    gint64            patient_id,
                                                    const char       *response,
                                                    const GDate      *date,
                                                    const char       *note,
                                                    GError          **error);

/* Records an event of @kind on @date; @reason is required for a discontinuation and optional
 * otherwise (the cause of death, where the patient was last seen). */
ParasolOutcome *parasol_outcomes_record_event      (ParasolStore     *store,
                                                    gint64            patient_id,
                                                    ParasolEventKind  kind,
                                                    const GDate      *date,
                                                    const char       *reason,
                                                    GError          **error);

/* Corrections of a recorded response assessment or event (@response_id, @event_id: the row's
 * id, as `patient show` lists it).  @reason is required and kept in the audit trail with the
 * old and new values; nothing is deleted.  A correction re-runs the rules of adding (above)
 * against the patient's other live records: NULL for @date, @response, @kind or @detail keeps
 * the recorded value ("" clears @detail, which a discontinuation refuses); a correction that
 * changes nothing is refused.  A withdrawn record is kept, marked, and no longer counts for
 * any rule, view or export.
 *
 * The patient's status follows the live events: a death or discontinuation keeps (or moves)
 * the patient off treatment; withdrawing (or correcting the kind of) the last of them puts an
 * off-treatment patient back on treatment when cycle 1 day 1 is set and a dose was given,
 * else back to enrolled; the audit row of the status change says why. */
ParasolOutcome *parasol_outcomes_correct_response  (ParasolStore     *store,
                                                    gint64            patient_id,
                                                    gint64            response_id,
                                                    const GDate      *date,
                                                    const char       *response,
                                                    const char       *reason,
                                                    GError          **error);
ParasolOutcome *parasol_outcomes_withdraw_response (ParasolStore     *store,
                                                    gint64            patient_id,
                                                    gint64            response_id,
                                                    const char       *reason,
                                                    GError          **error);
ParasolOutcome *parasol_outcomes_correct_event     (ParasolStore           *store,
                                                    gint64                  patient_id,
                                                    gint64                  event_id,
                                                    const ParasolEventKind *kind,
                                                    const GDate            *date,
                                                    const char             *detail,
                                                    const char             *reason,
                                                    GError                **error);
ParasolOutcome *parasol_outcomes_withdraw_event    (ParasolStore     *store,
                                                    gint64            patient_id,
                                                    gint64            event_id,
                                                    const char       *reason,
                                                    GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolOutcome, parasol_outcome_free)

G_END_DECLS
