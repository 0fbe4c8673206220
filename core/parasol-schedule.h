/* parasol-schedule.h — the cycle calendar: cycles, administration days, visits, delays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dates only (GDate, no times, no time zones).  The calendar is built from C1D1, the arm and
 * the checkpoint inhibitor, then corrected by what happened (the patient's cycle records and
 * administrations):
 *   - cycle n is planned at the day 1 of cycle n-1 (actual, or rescheduled by a delay) plus the
 *     length of cycle n-1, with a window of +/- regimen->visit_window_days;
 *   - a cycle that starts outside its window is a deviation (allowed, with its reason);
 *   - a delay longer than regimen->max_delay_days proposes discontinuation;
 *   - imaging is anchored on C1D1 (every imaging_every_days, +/- imaging_window_days) and does not
 *     move with delays, so response assessment is not biased by them;
 *   - labs are drawn within labs_before_days before each day 1.
 * Maintenance cycles last the longest maintenance_cycle_days of the drugs given in maintenance
 * (durvalumab: 28), or regimen->maintenance_cycle_days.
 */
#pragma once

#include <glib.h>

#include "parasol-facts.h"
#include "parasol-regimen.h"

G_BEGIN_DECLS

#define PARASOL_SCHEDULE_ERROR (parasol_schedule_error_quark ())

typedef enum {
  PARASOL_SCHEDULE_ERROR_INVALID,      /* no C1D1, bad options */
  PARASOL_SCHEDULE_ERROR_UNKNOWN_ARM,
  PARASOL_SCHEDULE_ERROR_UNKNOWN_DRUG,
  PARASOL_SCHEDULE_ERROR_ORDER,        /* a cycle start on or before the previous one */
} ParasolScheduleError;

GQuark parasol_schedule_error_quark (void);

typedef enum {
  PARASOL_DOSE_STATUS_PLANNED,
  PARASOL_DOSE_STATUS_GIVEN,
  PARASOL_DOSE_STATUS_REDUCED,   /* given below the calculated dose beyond the tolerance */
  PARASOL_DOSE_STATUS_SKIPPED,   /* recorded as not given (dose 0) or the cycle was skipped */
} ParasolDoseStatus;

typedef enum {
  PARASOL_CYCLE_PLANNED,
  PARASOL_CYCLE_DELAYED,     /* rescheduled to a later day 1, not yet started */
  PARASOL_CYCLE_STARTED,
  PARASOL_CYCLE_SKIPPED,
} ParasolCycleStatus;

typedef enum {
  PARASOL_VISIT_LABS,
  PARASOL_VISIT_CYCLE_START,
  PARASOL_VISIT_ADMINISTRATION,
  PARASOL_VISIT_IMAGING,
} ParasolVisitKind;

typedef struct {
  char              *drug;         /* drug id */
  char              *name;
  int                cycle_day;    /* 1-based */
  GDate              date;
  ParasolDoseStatus  status;
  double             given_dose;   /* NAN unless given */
  char              *unit;
  char              *reason;       /* of a skip or reduction */
  gboolean           flagged;      /* outside the tolerance when given */
} ParasolScheduledDose;

typedef struct {
  int                 number;          /* 1-based */
  ParasolPhase        phase;
  int                 length_days;
  GDate               planned_start;   /* from the previous cycle's day 1 (or C1D1) */
  GDate               window_start;    /* planned_start -/+ visit_window_days */
  GDate               window_end;
  GDate               start;           /* day 1: actual, rescheduled or planned */
  GDate               end;             /* last day: start + length - 1 */
  GDate               labs_from;       /* labs drawn from this day ... */
  GDate               labs_to;         /* ... to day 1 */
  ParasolCycleStatus  status;
  int                 delay_days;      /* start - planned_start (negative: early) */
  gboolean            deviation;       /* started outside its window */
  char               *reason;          /* recorded reason (delay, deviation, skip) */
  GPtrArray          *doses;           /* ParasolScheduledDose*, by date then drug order */
} ParasolScheduleCycle;

typedef struct {
  ParasolVisitKind  kind;
  int               cycle;         /* 0 for imaging */
  int               number;        /* imaging assessment number, 1-based; else 0 */
  GDate             date;
  GDate             window_start;
  GDate             window_end;
  char             *summary;       /* translated: "Cycle 2 day 1", "Imaging (RECIST 1.1) no. 1" */
  char             *description;   /* translated: drugs, window */
} ParasolScheduleVisit;

/* How far ahead to list cycles.  Induction and every recorded cycle are always listed; after
 * them, planned cycles starting within horizon_days of C1D1 (or of the last recorded cycle's day
 * 1, when later), or, when max_maintenance_cycles > 0, that many cycles after induction (or after
 * the last recorded cycle, when later). */
typedef struct {
  int       horizon_days;             /* 365 */
  int       max_maintenance_cycles;   /* 0 = use horizon_days */
  gboolean  doses_only;               /* FALSE; TRUE: no visits, only the cycles and doses
                                       * (half the time, for a course's count) */
} ParasolScheduleOptions;

typedef struct {
  GDate        c1d1;
  char        *arm;                   /* NULL: backbone + ICI only */
  char        *ici;
  int          induction_cycle_days;
  int          maintenance_cycle_days;
  GPtrArray   *cycles;                /* ParasolScheduleCycle* */
  GPtrArray   *visits;                /* ParasolScheduleVisit*, by date */
  GPtrArray   *warnings;              /* char*, translated */
  gboolean     discontinuation_proposed;
  char        *discontinuation_reason;
} ParasolSchedule;

void                 parasol_schedule_options_init (ParasolScheduleOptions *options);

/* Builds the calendar.  @facts (nullable) supplies what happened: cycle records and
 * administrations.  @planned_doses (nullable) maps drug id -> double* calculated dose, used to
 * tell reduced doses from full ones.  @options NULL = defaults. */
ParasolSchedule     *parasol_schedule_build        (const ParasolRegimen         *regimen,
                                                    const char                   *arm_id,
                                                    const char                   *ici_id,
                                                    const GDate                  *c1d1,
                                                    const ParasolPatientFacts    *facts,
                                                    GHashTable                   *planned_doses,
                                                    const ParasolScheduleOptions *options,
                                                    GError                      **error);
void                 parasol_schedule_free         (ParasolSchedule *schedule);

/* Cycle @number (1-based), or NULL beyond the listed horizon. */
const ParasolScheduleCycle *
                     parasol_schedule_get_cycle    (const ParasolSchedule *schedule,
                                                    int                    number);
/* The cycle @date belongs to: the last cycle whose day 1 (actual, rescheduled or planned) minus
 * the visit window is on or before @date.  NULL before C1D1 - window. */
const ParasolScheduleCycle *
                     parasol_schedule_cycle_for_date (const ParasolSchedule *schedule,
                                                      const GDate           *date);

/* Checks a proposed day 1 for @cycle against the previous cycle: it must come after the previous
 * day 1, and not before the previous day 1 + its length - the visit window.  Sets
 * PARASOL_SCHEDULE_ERROR_ORDER otherwise. */
gboolean             parasol_schedule_check_order  (const ParasolSchedule *schedule,
                                                    int                    cycle,
                                                    const GDate           *day1,
                                                    GError               **error);

/* The start-of-cycle check. */
typedef enum {
  PARASOL_START_OK,
  PARASOL_START_DELAY,      /* a lab below its start criterion */
  PARASOL_START_NEED_LABS,  /* no result recent enough */
} ParasolStartVerdict;

/* Labs recent enough (within regimen->labs_before_days before @day1, not after it) and meeting
 * ANC >= start_anc_min and PLT >= start_plt_min.  @message receives a translated sentence:
 * "delay: PLT 82 × 10^9/L < 100 × 10^9/L" or "labs needed: ...", or "ANC ... PLT ... : go". */
ParasolStartVerdict  parasol_schedule_check_start  (const ParasolRegimen       *regimen,
                                                    const ParasolPatientFacts  *facts,
                                                    const GDate                *day1,
                                                    char                      **message);

const char          *parasol_dose_status_to_string   (ParasolDoseStatus  status);
const char          *parasol_cycle_status_to_string  (ParasolCycleStatus status);
/* Translated, for people: "Planned", "Delayed", "Started", "Skipped" */
const char          *parasol_cycle_status_to_label   (ParasolCycleStatus status);
const char          *parasol_visit_kind_to_string    (ParasolVisitKind   kind);

/* How a cycle's day 1 stands against the protocol (issue 11: a routine delay is not a
 * deviation):
 *   - ON_TIME: within its visit window (or not started yet and not moved);
 *   - DELAYED: later than its window, by no more than regimen->max_delay_days, with a recorded
 *     reason (a delay the protocol allows: "Delayed (reason)");
 *   - DEVIATION: before its window, later than max_delay_days, or late without a reason.
 * A skipped cycle is ON_TIME here (its own status says it was skipped). */
typedef enum {
  PARASOL_CYCLE_TIMING_ON_TIME,
  PARASOL_CYCLE_TIMING_DELAYED,
  PARASOL_CYCLE_TIMING_DEVIATION,
} ParasolCycleTiming;

ParasolCycleTiming   parasol_schedule_cycle_timing (const ParasolRegimen       *regimen,
                                                    const ParasolScheduleCycle *cycle);

/* What a person is to read of one planned dose on @today:
 *   - TO_GIVE: planned, on @today or later, before any end of treatment;
 *   - NOT_RECORDED: planned for a day before @today and never recorded (not "Planned");
 *   - RECORDED: given, reduced or skipped (dose->status tells which);
 *   - ENDED: planned after the end of treatment (death, discontinuation): not to be given. */
typedef enum {
  PARASOL_DOSE_STATE_TO_GIVE,
  PARASOL_DOSE_STATE_NOT_RECORDED,
  PARASOL_DOSE_STATE_RECORDED,
  PARASOL_DOSE_STATE_ENDED,
} ParasolDoseState;

/* @end_of_treatment: NULL or invalid when treatment goes on. */
ParasolDoseState     parasol_schedule_dose_state   (const ParasolScheduledDose *dose,
                                                    const GDate                *today,
                                                    const GDate                *end_of_treatment);

/* Whether the patient's treatment has ended: off treatment, or a death or discontinuation
 * recorded.  @date (nullable) receives the earliest such event's day (invalid when only the
 * status says so). */
gboolean             parasol_schedule_treatment_ended (const ParasolPatientFacts *facts,
                                                       GDate                     *date);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolSchedule, parasol_schedule_free)

G_END_DECLS
