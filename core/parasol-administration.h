/* parasol-administration.h — recording what was given, skipped or delayed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workflows behind `parasol-cli give` and `delay` and the window's recording forms.  Each
 * runs in one transaction and re-reads the patient inside it.  A dose is refused:
 *   - for a patient without a confirmed arm or without C1D1;
 *   - dated after today or before 1900, or in a cycle recorded as skipped;
 *   - for a drug outside the patient's regimen;
 *   - when the same drug is already recorded that day;
 *   - when it starts cycle 1 on a day the patient is not eligible (labs lapsed, ...);
 *   - when it starts a cycle before the previous cycle's day 1 + length - visit window.
 * It needs a reason, and is then recorded flagged with the cause, when it is outside the
 * tolerance of the calculated dose, not planned in that cycle, on a day the regimen does not give
 * the drug, starts a cycle outside its window, or starts a cycle whose start-of-cycle check
 * (ANC, PLT, labs recent enough) fails.  A dose of 0 records the drug as not given (skip), with
 * its reason.
 *
 * A delay moves a cycle's day 1 later (never before the previous day 1 + length - window) and
 * every later cycle with it, including one that had its own rescheduled date; moving cycle 1
 * re-checks eligibility on the new date.
 */
#pragma once

#include <glib.h>

#include "parasol-patient-dosing.h"
#include "parasol-protocol.h"
#include "parasol-schedule.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_ADMINISTRATION_ERROR (parasol_administration_error_quark ())

typedef enum {
  PARASOL_ADMINISTRATION_ERROR_NOT_READY,        /* no confirmed arm, no C1D1, no weight */
  PARASOL_ADMINISTRATION_ERROR_INVALID,          /* a negative dose, a bad date */
  PARASOL_ADMINISTRATION_ERROR_UNKNOWN_DRUG,     /* not in the patient's regimen */
  PARASOL_ADMINISTRATION_ERROR_NOT_IN_CALENDAR,  /* no such cycle, or a skipped one */
  PARASOL_ADMINISTRATION_ERROR_DUPLICATE,        /* the same drug already given that day */
  PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED,  /* allowed only with a reason, then flagged */
  PARASOL_ADMINISTRATION_ERROR_ORDER,            /* a cycle too close to the previous one */
  PARASOL_ADMINISTRATION_ERROR_NOT_ELIGIBLE,     /* cycle 1 on a day the patient is not eligible */
} ParasolAdministrationError;

GQuark parasol_administration_error_quark (void);

typedef struct {
  const char *drug;       /* protocol drug id */
  GDate       date;       /* the day it was given */
  double      dose;       /* in the drug's unit; 0: not given */
  int         cycle;      /* 0: the cycle the date falls in */
  const char *given_by;   /* NULL: the OS account */
  const char *reason;     /* NULL or "": none */
} ParasolDoseEntry;

void parasol_dose_entry_init (ParasolDoseEntry *entry);

typedef struct {
  gint64      id;                 /* administration row id */
  char       *key;                /* the patient's subject (else screening) number */
  char       *drug;
  int         cycle;
  int         cycle_day;          /* day of the cycle the dose fell on, 1-based */
  GDate       date;
  double      dose;
  char       *unit;
  double      calculated_dose;    /* NAN when the drug is not planned in that cycle */
  gboolean    within_tolerance;
  gboolean    flagged;
  gboolean    skipped;            /* dose 0: recorded as not given */
  gboolean    cycle_started;      /* this dose started its cycle */
  gboolean    deviation;          /* it started the cycle outside its window */
  char       *reason;             /* the reason given */
  GPtrArray  *flags;              /* char*, translated: why the record is flagged */
} ParasolGivenDose;

void              parasol_given_dose_free       (ParasolGivenDose *given);

ParasolGivenDose *parasol_administration_give   (ParasolStore           *store,
                                                 ParasolProtocol        *protocol,
                                                 gint64                  patient_id,
                                                 const ParasolDoseEntry *entry,
                                                 GError                **error);

/* Records @drug as not given on @date (a dose of 0); @reason is required. */
ParasolGivenDose *parasol_administration_skip   (ParasolStore           *store,
                                                 ParasolProtocol        *protocol,
                                                 gint64                  patient_id,
                                                 const char             *drug,
                                                 const GDate            *date,
                                                 int                     cycle,
                                                 const char             *reason,
                                                 GError                **error);

typedef struct {
  char            *key;
  int              cycle;
  GDate            planned_start;
  GDate            start;
  int              delay_days;
  gboolean         deviation;
  GArray          *moved;           /* int: later cycles whose own rescheduled date moved too */
  ParasolSchedule *schedule;        /* the calendar after the delay */
} ParasolDelay;

void              parasol_delay_free            (ParasolDelay *delay);

/* Moves cycle @cycle's day 1 to @to (and every later cycle with it); @reason is required.
 * The returned calendar lists at least three cycles after @cycle. */
ParasolDelay     *parasol_administration_delay  (ParasolStore           *store,
                                                 ParasolProtocol        *protocol,
                                                 gint64                  patient_id,
                                                 int                     cycle,
                                                 const GDate            *to,
                                                 const char             *reason,
                                                 GError                **error);

/* The arm cannot change after the first dose; a mistake is corrected here, with its reason
 * (required), which the audit trail shows as "Correction: REASON".  @arm must be one of the
 * protocol's arms.  Returns the assignment row id, or 0 with @error. */
gint64            parasol_administration_correct_arm (ParasolStore    *store,
                                                      ParasolProtocol *protocol,
                                                      gint64           patient_id,
                                                      const char      *arm,
                                                      const char      *reason,
                                                      GError         **error);

/* Checks what a dose calculation is asked for.  For a patient (@facts not NULL): refuses an arm
 * other than the confirmed one and, once enrolled, a checkpoint inhibitor other than the chosen
 * one (a what-if calculation is done without a patient ID).  Always: a cycle outside 1–999, a
 * dose level beyond the deepest reduction the protocol lists, a BSA cap outside the protocol's
 * plausible range (<plausible>'s bsa-cap row, parasol_protocol_check_quantity(); NAN: none). */
gboolean          parasol_administration_check_dose_request (ParasolProtocol           *protocol,
                                                             const ParasolPatientFacts *facts,
                                                             const char                *arm,
                                                             const char                *ici,
                                                             int                        cycle,
                                                             int                        dose_level,
                                                             double                     bsa_cap_m2,
                                                             GError                   **error);

/* A translated warning when the creatinine behind @pd (a patient's dosing input on the day 1 of
 * cycle @cycle) is older than the protocol allows for that cycle: the laboratory validity window
 * for cycle 1 (the screening labs), the start-of-cycle labs window (labs-before-days) after it.
 * NULL when it is recent enough or there is none. */
char             *parasol_administration_creatinine_warning (ParasolProtocol            *protocol,
                                                             const ParasolPatientDosing *pd,
                                                             int                         cycle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolGivenDose, parasol_given_dose_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolDelay, parasol_delay_free)

G_END_DECLS
