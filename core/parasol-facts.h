/* parasol-facts.h — what the store knows about one patient, as plain data for the engines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store fills a ParasolPatientFacts from the database; the eligibility, assignment,
 * dosing and schedule engines read it and never touch SQLite.  Values are in the protocol's
 * canonical units (the store converts on entry).  Unknown numbers are NAN, unknown dates are
 * invalid GDates (g_date_valid() == FALSE), unknown tri-states are PARASOL_TRI_UNKNOWN.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PARASOL_SEX_UNKNOWN = 0,
  PARASOL_SEX_FEMALE,
  PARASOL_SEX_MALE,
} ParasolSex;

typedef enum {
  PARASOL_TRI_UNKNOWN = -1,
  PARASOL_TRI_NO = 0,
  PARASOL_TRI_YES = 1,
} ParasolTri;

typedef enum {
  PARASOL_MARKER_METHOD_PERCENT,   /* IHC, % of tumour cells */
  PARASOL_MARKER_METHOD_HSCORE,    /* H-score 0..300 */
  PARASOL_MARKER_METHOD_AMPLIFIED, /* amplification yes/no */
} ParasolMarkerMethod;

typedef struct {
  gint64  id;           /* row id in the store, 0 when not stored */
  char   *lab;          /* protocol lab id: "anc", "creatinine", ... */
  double  value;        /* in the lab's canonical unit */
  char   *unit;         /* the canonical unit, e.g. "10^9/L" */
  double  value_entered;/* as typed, for display */
  char   *unit_entered;
  double  uln;          /* upper limit of normal in the canonical unit, NAN if none */
  GDate   date;         /* sample date */
} ParasolLabResult;

typedef struct {
  gint64              id;
  char               *marker;     /* "dll3", "ascl1", ... */
  ParasolMarkerMethod method;
  double              value;      /* percent or H-score; 1/0 for amplified */
  double              intensity[3]; /* weak, moderate, strong %, NAN when not given */
  gboolean            pending;    /* sample sent, no result yet */
  GDate               date;
} ParasolBiomarkerResult;

typedef struct {
  gint64    id;
  char     *criterion;  /* protocol criterion id */
  gboolean  met;        /* for an exclusion: TRUE means free of the condition */
  char     *note;
  char     *source;
  GDate     date;
} ParasolAttestation;

/* A weight with the day it was measured (the store's weight table). */
typedef struct {
  gint64  id;
  double  weight_kg;
  GDate   date;         /* measured on */
} ParasolWeight;

/* A patient's place in the trial.  The store keeps the string ids of
 * parasol_patient_status_to_string(): "screening", "screen_failed", ... */
typedef enum {
  PARASOL_PATIENT_STATUS_SCREENING,
  PARASOL_PATIENT_STATUS_SCREEN_FAILED,
  PARASOL_PATIENT_STATUS_ENROLLED,
  PARASOL_PATIENT_STATUS_ON_TREATMENT,
  PARASOL_PATIENT_STATUS_OFF_TREATMENT,
} ParasolPatientStatus;

/* What ended or changed a patient's treatment, or a follow-up contact (ParasolEvent).  Stored as
 * "death", "discontinuation", "progression", "last_known_alive". */
typedef enum {
  PARASOL_EVENT_KIND_DEATH,
  PARASOL_EVENT_KIND_DISCONTINUATION,
  PARASOL_EVENT_KIND_PROGRESSION,
  PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE,
} ParasolEventKind;

typedef struct {
  gint64    id;
  int       number;        /* cycle number, 1-based */
  GDate     start;         /* day 1 as rescheduled (delay) or as it happened */
  char     *status;        /* "delayed", "started", "skipped" */
  char     *reason;        /* why delayed, or why started outside its window */
} ParasolCycleRecord;

typedef struct {
  gint64    id;
  int       cycle;         /* cycle number the dose belongs to */
  char     *drug;          /* protocol drug id */
  GDate     date;
  double    dose;
  char     *unit;
  char     *given_by;
  char     *reason;        /* required when outside tolerance, skipped or reduced */
  gboolean  flagged;       /* outside the tolerance of the calculated dose */
} ParasolAdministration;

typedef struct {
  gint64    id;
  GDate     date;
  char     *response;      /* RECIST 1.1: CR, PR, SD, PD, NE */
  gint64    version;       /* 1 as recorded; more once corrected */
} ParasolResponse;

typedef struct {
  gint64    id;
  char     *kind;          /* "death", "discontinuation", "progression", "last_known_alive" */
  GDate     date;
  char     *reason;
  gint64    version;       /* 1 as recorded; more once corrected */
} ParasolEvent;

typedef struct {
  gint64      id;
  gint64      version;            /* row version, for "changed elsewhere" checks */
  char       *screening_number;
  char       *subject_number;     /* NULL until enrolled */
  char       *initials;
  char       *site;
  char       *status;             /* screening, screen_failed, enrolled, on_treatment, off_treatment */
  char       *arm;                /* protocol arm id, NULL until assigned */
  char       *ici;                /* checkpoint inhibitor drug id, NULL until chosen */
  ParasolSex  sex;
  GDate       birth_date;
  GDate       screening_date;
  GDate       c1d1;
  int         ecog;               /* -1 unknown */
  ParasolTri  liver_metastases;
  ParasolTri  liver_infiltration;
  double      height_cm;          /* NAN unknown */
  double      weight_kg;
  double      dose_weight_kg;     /* weight the current doses were based on, NAN if none */
  ParasolTri  childbearing_potential; /* a woman of childbearing potential; unknown until recorded */
  GDate       last_transfusion;   /* date of the last blood transfusion, invalid when none recorded */
  char       *platinum;           /* the backbone's platinum drug id chosen at enrolment, or NULL */
  GPtrArray  *labs;               /* ParasolLabResult*, newest first per lab */
  GPtrArray  *biomarkers;         /* ParasolBiomarkerResult*, newest first per marker */
  GPtrArray  *attestations;       /* ParasolAttestation* */
  GPtrArray  *cycles;             /* ParasolCycleRecord*, by number */
  GPtrArray  *administrations;    /* ParasolAdministration*, by date */
  GPtrArray  *responses;          /* ParasolResponse*, by date */
  GPtrArray  *events;             /* ParasolEvent*, by date */
  GPtrArray  *weights;            /* ParasolWeight*, by measurement date, oldest first */
  /* Responses and events withdrawn as entered in error: kept to be shown, never used by a rule
   * (responses and events above hold the live ones only) */
  GPtrArray  *withdrawn_responses; /* ParasolResponse*, by date */
  GPtrArray  *withdrawn_events;    /* ParasolEvent*, by date */
} ParasolPatientFacts;

ParasolPatientFacts     *parasol_patient_facts_new              (void);
void                     parasol_patient_facts_free             (ParasolPatientFacts *facts);
ParasolLabResult        *parasol_lab_result_new                 (void);
void                     parasol_lab_result_free                (ParasolLabResult *lab);
ParasolBiomarkerResult  *parasol_biomarker_result_new           (void);
void                     parasol_biomarker_result_free          (ParasolBiomarkerResult *marker);
ParasolAttestation      *parasol_attestation_new                (void);
void                     parasol_attestation_free               (ParasolAttestation *attestation);
ParasolCycleRecord      *parasol_cycle_record_new               (void);
void                     parasol_cycle_record_free              (ParasolCycleRecord *cycle);
ParasolAdministration   *parasol_administration_new             (void);
void                     parasol_administration_free            (ParasolAdministration *admin);
ParasolResponse         *parasol_response_new                   (void);
void                     parasol_response_free                  (ParasolResponse *response);
ParasolEvent            *parasol_event_new                      (void);
void                     parasol_event_free                     (ParasolEvent *event);
ParasolWeight           *parasol_weight_new                     (void);
void                     parasol_weight_free                    (ParasolWeight *weight);

/* The newest result for @lab (or @marker) on or before @on (any date if @on is NULL or invalid). */
const ParasolLabResult       *parasol_patient_facts_find_lab        (const ParasolPatientFacts *facts,
                                                                     const char                *lab,
                                                                     const GDate               *on);
const ParasolBiomarkerResult *parasol_patient_facts_find_biomarker  (const ParasolPatientFacts *facts,
                                                                     const char                *marker);
/* Whether @a is newer than @b: a later sample date (a dated result beats an undated one), or the
 * same date and entered later (higher id).  The newest sample decides, for labs and markers. */
gboolean                      parasol_biomarker_result_is_newer     (const ParasolBiomarkerResult *a,
                                                                     const ParasolBiomarkerResult *b);
/* The weight measured last on or before @on (the last stored of that day); NULL when none was
 * measured by then (or @on is NULL or invalid: then the newest of all). */
const ParasolWeight          *parasol_patient_facts_weight_on       (const ParasolPatientFacts *facts,
                                                                     const GDate               *on);
const ParasolAttestation     *parasol_patient_facts_find_attestation(const ParasolPatientFacts *facts,
                                                                     const char                *criterion);

/* Age in whole years on @on; a birthday on @on counts.  -1 if either date is unknown. */
int                      parasol_age_on                         (const GDate *birth_date,
                                                                 const GDate *on);

/* Dates as Parasol writes them everywhere: YYYY-MM-DD. */
#define PARASOL_DATE_BUF_SIZE 16
/* Writes @date into @buf ("" when invalid); returns @buf. */
char                    *parasol_date_format                    (const GDate *date,
                                                                 char        *buf,
                                                                 gsize        len);
/* A new string, or NULL when @date is NULL or invalid. */
char                    *parasol_date_to_iso                    (const GDate *date);
/* Strict YYYY-MM-DD of a real calendar day; clears @date and returns FALSE otherwise. */
gboolean                 parasol_date_parse_iso                 (const char  *str,
                                                                 GDate       *date);
/* Today in local time. */
void                     parasol_date_set_today                 (GDate       *date);
/* @date plus @days (negative: earlier); invalid when @date is, or the result is out of range. */
GDate                    parasol_date_plus_days                 (const GDate *date,
                                                                 int          days);

const char              *parasol_sex_to_string                  (ParasolSex  sex);
gboolean                 parasol_sex_from_string                (const char *str,
                                                                 ParasolSex *sex);

/* The store's id ("on_treatment"), its parser, and the one translated label ("On treatment"). */
const char              *parasol_patient_status_to_string       (ParasolPatientStatus  status);
gboolean                 parasol_patient_status_from_string     (const char           *str,
                                                                 ParasolPatientStatus *status);
const char              *parasol_patient_status_to_label        (ParasolPatientStatus  status);

/* The store's id ("death"), its parser, and the one translated label ("Death"). */
const char              *parasol_event_kind_to_string           (ParasolEventKind  kind);
gboolean                 parasol_event_kind_from_string         (const char       *str,
                                                                 ParasolEventKind *kind);
const char              *parasol_event_kind_to_label            (ParasolEventKind  kind);

/* Whether an amplification result (PARASOL_MARKER_METHOD_AMPLIFIED, stored as 1 or 0) says
 * amplified.  FALSE for a pending result or another method. */
gboolean                 parasol_biomarker_result_is_amplified  (const ParasolBiomarkerResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolPatientFacts, parasol_patient_facts_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolLabResult, parasol_lab_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolBiomarkerResult, parasol_biomarker_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolAttestation, parasol_attestation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolCycleRecord, parasol_cycle_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolAdministration, parasol_administration_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolResponse, parasol_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolEvent, parasol_event_free)

G_END_DECLS
