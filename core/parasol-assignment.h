/* parasol-assignment.h — biomarker results -> proposed arm, with the rule trace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each assignment rule of the protocol is evaluated three-valued (holds / does not hold /
 * undecided because a marker it needs is pending or missing).  Nothing is resolved silently:
 *   - two or more rules hold: every matching arm is proposed and `conflict` is set;
 *   - a rule is undecided: no arm is proposed until the marker is back (`candidates` lists the
 *     arms still possible), unless two rules already hold (a conflict either way);
 *   - one rule holds and the others are undecided only because markers were never tested
 *     (none pending): that arm is proposed, `missing` and `candidates` say what else could
 *     match, and confirming it needs a reason until those markers are tested;
 *   - a marker with cut-offs for several methods (MYC: nuclear % or amplification) is positive
 *     when the newest result of any method is, negative when each method's newest result is;
 *   - no experimental rule holds and none is undecided: the <otherwise/> arm (control);
 *   - a patient who is not eligible gets no proposal at all.
 * The investigator then confirms or overrides (a reason is required unless the choice is the
 * single, unconflicted proposal and no other arm is still possible); see
 * parasol_assignment_check_choice().
 */
#pragma once

#include <glib.h>

#include "parasol-eligibility.h"
#include "parasol-facts.h"
#include "parasol-protocol.h"

G_BEGIN_DECLS

#define PARASOL_ASSIGNMENT_ERROR (parasol_assignment_error_quark ())

typedef enum {
  PARASOL_ASSIGNMENT_ERROR_NOT_ELIGIBLE,    /* no arm for a patient who is not (yet) eligible */
  PARASOL_ASSIGNMENT_ERROR_UNKNOWN_ARM,
  PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED, /* override, conflict or no proposal yet */
} ParasolAssignmentError;

typedef struct {
  char           *protocol_version;
  ParasolVerdict  eligibility;  /* the verdict the proposal was made on */
  GPtrArray      *proposed;     /* char*, arm ids; empty when nothing can be proposed yet */
  GPtrArray      *candidates;   /* char*, arm ids still possible while markers are pending */
  GPtrArray      *trace;        /* char*, translated lines: "DLL3 62 % of tumour cells >= 50 % -> DLL3 arm" */
  GPtrArray      *pending;      /* char*, marker ids sent to pathology, no result yet */
  GPtrArray      *missing;      /* char*, marker ids a rule needs, never entered */
  GPtrArray      *positive;     /* char*, marker ids positive by their thresholds */
  gboolean        conflict;
} ParasolAssignment;

GQuark              parasol_assignment_error_quark     (void);

ParasolAssignment  *parasol_assignment_propose         (ParasolProtocol           *protocol,
                                                        const ParasolPatientFacts *facts,
                                                        ParasolVerdict             eligibility);
void                parasol_assignment_free            (ParasolAssignment *assignment);

gboolean            parasol_assignment_is_proposed     (const ParasolAssignment *assignment,
                                                        const char              *arm);
/* "dll3" or "dll3,xpo1"; "" when nothing is proposed. */
char               *parasol_assignment_proposed_string (const ParasolAssignment *assignment);

/* May the investigator choose @arm?  Refuses an unknown arm and a patient who is not eligible;
 * requires a non-empty @reason unless @arm is the single proposal without conflict.
 * @is_override (nullable) is set when @arm is not among the proposals. */
gboolean            parasol_assignment_check_choice    (ParasolProtocol         *protocol,
                                                        const ParasolAssignment *assignment,
                                                        const char              *arm,
                                                        const char              *reason,
                                                        gboolean                *is_override,
                                                        GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolAssignment, parasol_assignment_free)

G_END_DECLS
