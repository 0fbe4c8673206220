/* parasol-patient-dosing.h — a patient's doses and cycle calendar, from what the store knows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The glue between ParasolPatientFacts and the dosing and schedule engines, shared by
 * parasol-cli (dose, schedule, give) and the patient page of the window, so that both show the
 * same numbers:
 *
 *   - parasol_patient_dosing_init() builds the ParasolDosingInput for a patient on a date: the
 *     dose weight unless the weight changed by the protocol's threshold or more, height, age on
 *     that date, sex, the newest creatinine on or before it;
 *   - parasol_patient_plan_build() builds the calendar, the doses of every cycle (each computed
 *     on that cycle's day 1) and the calendar again knowing them, so that reduced doses are
 *     told from full ones.
 */
#pragma once

#include <glib.h>

#include "parasol-dosing.h"
#include "parasol-facts.h"
#include "parasol-regimen.h"
#include "parasol-schedule.h"
#include "parasol-store.h"

G_BEGIN_DECLS

typedef struct {
  ParasolDosingInput input;             /* ready for parasol_dosing_compute() */
  double             current_weight_kg; /* the patient's latest weight, NAN if unknown */
  double             dose_weight_kg;    /* the weight the doses were based on, NAN if none */
  double             weight_change;     /* relative change between the two, NAN if unknown */
  gboolean           recalculate;       /* the change reaches regimen->weight_change_recalc */
  GDate              on;                /* the date the input is for */
  GDate              weight_measured_on;/* when the weight used was measured (invalid: unknown) */
  gboolean           weight_after_on;   /* no weight measured by @on: the first one is used */
} ParasolPatientDosing;

/* Fills @pd for @facts on @on.  The weight is the one measured last on or before @on
 * (facts->weights; the first one when none was measured by then, with pd->weight_after_on),
 * so a later weight does not rewrite the doses of a cycle already begun; without dated
 * weights, facts->weight_kg as saved on @weight_date (nullable,
 * parasol_patient_weight_date()).  The dose weight stays unless the weight on @on differs from
 * it by the protocol's threshold or more.  Fails with PARASOL_DOSING_ERROR_MISSING when the patient
 * has no weight or no height; converts the creatinine to µmol/L. */
gboolean          parasol_patient_dosing_init          (ParasolPatientDosing      *pd,
                                                        const ParasolPatientFacts *facts,
                                                        const ParasolRegimen      *regimen,
                                                        const GDate               *on,
                                                        const GDate               *weight_date,
                                                        GError                   **error);

/* A translated warning when the weight moved by the threshold or more since the doses were
 * based on it ("Weight 75.0 kg differs from the dose weight 83.0 kg by 9.6 % ..."), else NULL. */
char             *parasol_patient_dosing_weight_warning (const ParasolPatientDosing *pd,
                                                         const ParasolRegimen       *regimen);

/* The day the patient's current weight was measured (the site's local day; for a weight
 * saved before measurement dates were kept, the local day it was saved); an invalid (cleared)
 * GDate when unknown. */
GDate             parasol_patient_weight_date          (ParasolStore *store,
                                                        gint64        patient_id);

/* A translated note when no weight was measured on or before pd->on and a later one is used
 * ("Cycle 1: no weight was measured on or before its day 1 ..."), else NULL. */
char             *parasol_patient_dosing_weight_note   (const ParasolPatientDosing *pd,
                                                        int                         cycle);

typedef struct {
  ParasolSchedule *schedule;    /* built with the planned doses */
  GPtrArray       *dose_sets;   /* ParasolDoseSet* per listed cycle (index = number - 1);
                                 * NULL where the doses cannot be calculated */
  GHashTable      *planned;     /* drug id -> double*: the dose each drug is planned at */
  GPtrArray       *warnings;    /* char*, translated: why doses are missing, ... */
} ParasolPatientPlan;

/* The patient's calendar with the doses of each cycle.  Needs a C1D1 (else
 * PARASOL_SCHEDULE_ERROR_INVALID); doses that cannot be calculated (no weight, ...) leave NULL
 * dose sets and a warning, not an error.  @weight_date, @options nullable. */
ParasolPatientPlan *parasol_patient_plan_build         (const ParasolRegimen         *regimen,
                                                        const ParasolPatientFacts    *facts,
                                                        const GDate                  *weight_date,
                                                        const ParasolScheduleOptions *options,
                                                        GError                      **error);
void                parasol_patient_plan_free          (ParasolPatientPlan *plan);

/* The doses of cycle @number, or NULL (not listed, or not calculated). */
const ParasolDoseSet *
                    parasol_patient_plan_get_doses     (const ParasolPatientPlan *plan,
                                                        int                       number);
/* The cycle after the last one that happened (started, skipped, or with a dose recorded): the
 * one the start-of-cycle check is about.  NULL when every listed cycle has happened. */
const ParasolScheduleCycle *
                    parasol_patient_plan_next_cycle    (const ParasolPatientPlan *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolPatientPlan, parasol_patient_plan_free)

G_END_DECLS
