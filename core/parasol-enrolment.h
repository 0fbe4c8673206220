/* parasol-enrolment.h — enrolling an eligible patient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One call for `parasol-cli enrol` and the window's enrolment form.  In one transaction, after
 * re-reading the patient inside it: refuses a patient already enrolled, a C1D1 before the
 * screening date, an unknown checkpoint inhibitor, and a patient who is not eligible on C1D1 by
 * the engine (with every criterion that fails and why), an unknown platinum, and a platinum
 * whose creatinine clearance the patient does not reach on C1D1 (cisplatin: crcl-min, with the
 * engine's reason); keeps the evaluation it rests on; sets the subject number (the next free
 * BT-NNNN unless given), the checkpoint inhibitor, the platinum, C1D1, the dose weight (the
 * weight measured on or before C1D1) and the status (on_treatment when C1D1 is today or past,
 * else enrolled).  What the first dose still needs (a confirmed arm, a weight) comes back as
 * flags and translated warnings.
 */
#pragma once

#include <glib.h>

#include "parasol-eligibility.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_ENROLMENT_ERROR (parasol_enrolment_error_quark ())

typedef enum {
  PARASOL_ENROLMENT_ERROR_ALREADY_ENROLLED,
  PARASOL_ENROLMENT_ERROR_DATE,            /* C1D1 before screening, or not a real date */
  PARASOL_ENROLMENT_ERROR_UNKNOWN_DRUG,    /* a checkpoint inhibitor the protocol does not list */
  PARASOL_ENROLMENT_ERROR_NOT_ELIGIBLE,
  PARASOL_ENROLMENT_ERROR_SUBJECT_NUMBER,  /* none free */
  PARASOL_ENROLMENT_ERROR_PLATINUM,        /* below what the chosen platinum asks (CrCl) */
} ParasolEnrolmentError;

GQuark parasol_enrolment_error_quark (void);

typedef struct {
  const char *ici;             /* NULL: the patient's, else the protocol's default */
  const char *subject_number;  /* NULL: the patient's, else the next free BT-NNNN */
  const char *platinum;        /* the backbone's platinum; NULL: the patient's, else the
                                * protocol's platinum-default */
} ParasolEnrolmentOptions;

typedef enum {
  PARASOL_ENROLMENT_FLAG_NONE      = 0,
  PARASOL_ENROLMENT_FLAG_NO_ARM    = 1 << 0,  /* no arm confirmed yet: no dose can be given */
  PARASOL_ENROLMENT_FLAG_NO_WEIGHT = 1 << 1,  /* no weight: no dose weight stored */
} ParasolEnrolmentFlags;

typedef struct {
  gint64                patient_id;
  char                 *key;             /* the patient's number as given to messages */
  char                 *subject_number;
  char                 *status;          /* "enrolled" or "on_treatment" */
  GDate                 c1d1;
  char                 *arm;             /* NULL when none confirmed */
  char                 *ici;
  char                 *platinum;        /* NULL when the protocol offers no platinum choice */
  double                dose_weight_kg;  /* NAN without a weight measured on or before C1D1 */
  ParasolEligibility   *eligibility;     /* the evaluation on C1D1 it rests on */
  ParasolEnrolmentFlags flags;
  GPtrArray            *warnings;        /* char*, translated */
} ParasolEnrolment;

void              parasol_enrolment_free  (ParasolEnrolment *enrolment);

/* @options may be NULL; @reason NULL: "Enrolment with C1D1 YYYY-MM-DD".  @key names the
 * patient in messages (NULL: the screening number). */
ParasolEnrolment *parasol_enrolment_enrol (ParasolStore                  *store,
                                           ParasolProtocol               *protocol,
                                           gint64                         patient_id,
                                           const GDate                   *c1d1,
                                           const ParasolEnrolmentOptions *options,
                                           const char                    *reason,
                                           GError                       **error);

/* "Not eligible on DATE (verdict): inc-05 not_met: ...; ..." for @eligibility. */
char             *parasol_enrolment_describe_failures (const ParasolEligibility *eligibility);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolEnrolment, parasol_enrolment_free)

G_END_DECLS
