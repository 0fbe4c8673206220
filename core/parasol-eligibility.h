/* parasol-eligibility.h — evaluate a patient against the protocol's criteria
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every criterion ends up met, not_met, missing (data or attestation absent) or expired (a
 * result older than its validity window), with a reason a person reads.  An exclusion is met
 * when the patient is free of the excluding condition, so "eligible" means every criterion met.
 *
 * The evaluation date ("as of"): the date passed in; else the patient's C1D1; else the later of
 * the screening date and the newest laboratory result (so results drawn after the screening
 * visit count).  Age is taken on the screening date (a birthday on that date counts).
 */
#pragma once

#include <glib.h>

#include "parasol-facts.h"
#include "parasol-protocol.h"

G_BEGIN_DECLS

typedef enum {
  PARASOL_STATUS_MET,
  PARASOL_STATUS_NOT_MET,
  PARASOL_STATUS_MISSING,
  PARASOL_STATUS_EXPIRED,
} ParasolCriterionStatus;

typedef enum {
  PARASOL_VERDICT_ELIGIBLE,
  PARASOL_VERDICT_NOT_ELIGIBLE,
  PARASOL_VERDICT_INCOMPLETE,
} ParasolVerdict;

typedef struct {
  char                   *id;
  ParasolCriterionKind    kind;
  ParasolEvaluation       evaluation;
  ParasolCriterionStatus  status;
  char                   *reason;        /* translated, never NULL */
  char                   *to_confirm;    /* an optional attested remainder not yet attested, or NULL */
  GDate                   lapses_on;     /* last day the data it used are valid; invalid if none */
} ParasolCriterionResult;

typedef struct {
  char           *protocol_id;
  char           *protocol_version;
  GDate           evaluated_on;
  GDate           age_on;               /* the screening date (or evaluated_on) */
  ParasolVerdict  verdict;
  GPtrArray      *criteria;             /* ParasolCriterionResult*, in protocol order */
  GDate           lapses_on;            /* earliest lapse over all criteria; invalid if none */
  GPtrArray      *warnings;             /* char*, translated: unconfirmed remainders, ... */
} ParasolEligibility;

/* @on may be NULL (see the top of this file for the default). */
ParasolEligibility *parasol_eligibility_evaluate        (ParasolProtocol           *protocol,
                                                         const ParasolPatientFacts *facts,
                                                         const GDate               *on);
void                parasol_eligibility_free            (ParasolEligibility *eligibility);

/* What the choice of the backbone's platinum @platinum_id (NULL: the site default) asks of the
 * patient on @on: a Cockcroft-Gault creatinine clearance at or above the drug's crcl-min
 * (cisplatin: 60 mL/min by default).  MET when the drug asks nothing; @reason (nullable) gets
 * the engine's translated reason ("Cockcroft-Gault CrCl 59.9 mL/min < 60 mL/min (...)"). */
ParasolCriterionStatus parasol_eligibility_check_platinum (ParasolProtocol           *protocol,
                                                           const ParasolPatientFacts *facts,
                                                           const char                *platinum_id,
                                                           const GDate               *on,
                                                           char                     **reason);

/* The default evaluation date for @facts; FALSE (and @date cleared) if there is none. */
gboolean            parasol_eligibility_default_date    (const ParasolPatientFacts *facts,
                                                         GDate                     *date);

const ParasolCriterionResult *
                    parasol_eligibility_find            (const ParasolEligibility *eligibility,
                                                         const char               *criterion_id);
/* Ids of the criteria with @status, as a NULL-terminated array (free with g_strfreev). */
char              **parasol_eligibility_ids_with_status (const ParasolEligibility *eligibility,
                                                         ParasolCriterionStatus    status);

const char         *parasol_criterion_status_to_string  (ParasolCriterionStatus status);
/* Translated, for people: "Met", "Not met", "Missing data", "Expired" */
const char         *parasol_criterion_status_to_label   (ParasolCriterionStatus status);
const char         *parasol_verdict_to_string           (ParasolVerdict         verdict);
/* Translated, for people: "Eligible", "Not eligible", "Screening incomplete" */
const char         *parasol_verdict_to_label            (ParasolVerdict         verdict);

/* Keeps @eligibility in the store for @patient_id, with the protocol version it used and each
 * criterion's status; @context says why ("screening", "enrolment").  Joins the caller's
 * transaction when there is one. */
gint64              parasol_eligibility_record          (const ParasolEligibility *eligibility,
                                                         ParasolStore             *store,
                                                         gint64                    patient_id,
                                                         const char               *context,
                                                         GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolEligibility, parasol_eligibility_free)

G_END_DECLS
