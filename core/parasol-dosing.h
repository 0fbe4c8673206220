/* parasol-dosing.h — body surface area, creatinine clearance, Calvert, rounding, dose levels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions over plain numbers and the protocol's ParasolRegimen: no database, no GTK.
 * Every computed dose keeps its unrounded value and a "working" (formula, inputs, dates) that a
 * pharmacist can check by hand.
 *
 *   ParasolDosingInput in;
 *   parasol_dosing_input_init (&in);
 *   in.height_cm = 170; in.weight_kg = 70; in.age_years = 60; in.sex = PARASOL_SEX_MALE;
 *   in.creatinine_umol_l = 80;
 *   g_autoptr(ParasolDoseSet) set = parasol_dosing_compute (regimen, "control", NULL, 1, &in, &error);
 */
#pragma once

#include <glib.h>

#include "parasol-facts.h"
#include "parasol-regimen.h"

G_BEGIN_DECLS

#define PARASOL_DOSING_ERROR (parasol_dosing_error_quark ())

typedef enum {
  PARASOL_DOSING_ERROR_OUT_OF_RANGE,   /* an input outside its physiological range */
  PARASOL_DOSING_ERROR_MISSING,        /* an input the formula needs is unknown */
  PARASOL_DOSING_ERROR_UNKNOWN_ARM,    /* no such arm in the regimen */
  PARASOL_DOSING_ERROR_UNKNOWN_DRUG,   /* no such drug / checkpoint inhibitor */
  PARASOL_DOSING_ERROR_UNIT,           /* a unit the function does not know */
  PARASOL_DOSING_ERROR_INVALID,        /* other invalid arguments (cycle 0, bad dose level) */
} ParasolDosingError;

GQuark parasol_dosing_error_quark (void);

/* Physiological ranges accepted (inclusive).  Values outside are refused with the range. */
#define PARASOL_DOSING_HEIGHT_MIN_CM        100.0
#define PARASOL_DOSING_HEIGHT_MAX_CM        250.0
#define PARASOL_DOSING_WEIGHT_MIN_KG         25.0
#define PARASOL_DOSING_WEIGHT_MAX_KG        300.0
#define PARASOL_DOSING_CREATININE_MIN_UMOL   20.0
#define PARASOL_DOSING_CREATININE_MAX_UMOL 1500.0
#define PARASOL_DOSING_AGE_MIN               18
#define PARASOL_DOSING_AGE_MAX              120

/* umol/L per mg/dL of creatinine */
#define PARASOL_CREATININE_UMOL_PER_MG_DL   88.42

typedef enum {
  PARASOL_BSA_MOSTELLER,   /* sqrt (height cm x weight kg / 3600), the default */
  PARASOL_BSA_DUBOIS,      /* 0.007184 x W^0.425 x H^0.725 */
} ParasolBsaFormula;

/* Which weight goes into Cockcroft-Gault. */
typedef enum {
  PARASOL_CRCL_WEIGHT_ACTUAL,    /* actual body weight: the default */
  PARASOL_CRCL_WEIGHT_IDEAL,     /* Devine: 50 kg (men) / 45.5 kg (women) + 0.9055 kg per cm over 152.4 cm */
  PARASOL_CRCL_WEIGHT_ADJUSTED,  /* IBW + 0.4 x (actual - IBW) when actual > IBW, else actual */
  PARASOL_CRCL_WEIGHT_LOWER,     /* the lower of actual and ideal */
} ParasolCrclWeight;

/* ---- Range checks (all refuse NAN as "missing") ---------------------------------------------- */

gboolean     parasol_dosing_check_height      (double        height_cm,
                                               GError      **error);
gboolean     parasol_dosing_check_weight      (double        weight_kg,
                                               GError      **error);
gboolean     parasol_dosing_check_creatinine  (double        creatinine_umol_l,
                                               GError      **error);
gboolean     parasol_dosing_check_age         (int           age_years,
                                               GError      **error);

/* Converts a creatinine value in @unit ("umol/L", "µmol/L", "mg/dL") to umol/L. */
gboolean     parasol_dosing_creatinine_to_umol_l (double      value,
                                                  const char *unit,
                                                  double     *umol_l,
                                                  GError    **error);

/* ---- Formulas --------------------------------------------------------------------------------- */

/* BSA in m2, or NAN with @error set. */
double       parasol_dosing_bsa               (ParasolBsaFormula formula,
                                               double            height_cm,
                                               double            weight_kg,
                                               GError          **error);
double       parasol_dosing_bsa_mosteller     (double        height_cm,
                                               double        weight_kg,
                                               GError      **error);
double       parasol_dosing_bsa_dubois        (double        height_cm,
                                               double        weight_kg,
                                               GError      **error);

/* Ideal body weight (Devine) in kg; NAN with @error when height or sex is unknown. */
double       parasol_dosing_ideal_body_weight (double        height_cm,
                                               ParasolSex    sex,
                                               GError      **error);

/* Cockcroft-Gault creatinine clearance in mL/min:
 *   (140 - age) x weight / (72 x SCr mg/dL), x 0.85 for women; SCr mg/dL = umol/L / 88.42.
 * @weight_kg is used as given (actual body weight); for another weight see
 * parasol_dosing_crcl_full().  Returns NAN with @error set when an input is missing or outside its
 * range.  The eligibility engine uses this for "creatinine <= 1.5 x ULN or CrCl >= 60". */
double       parasol_dosing_crcl_cockcroft_gault (int         age_years,
                                                  ParasolSex  sex,
                                                  double      weight_kg,
                                                  double      creatinine_umol_l,
                                                  GError    **error);

/* As above with the weight choice; @height_cm is needed for the ideal/adjusted/lower weights
 * (may be NAN for ACTUAL).  @weight_used_kg (nullable) receives the weight that went in and
 * @working (nullable) a translated sentence with the formula and numbers. */
double       parasol_dosing_crcl_full         (int                age_years,
                                               ParasolSex         sex,
                                               double             weight_kg,
                                               double             height_cm,
                                               double             creatinine_umol_l,
                                               ParasolCrclWeight  weight_choice,
                                               double            *weight_used_kg,
                                               char             **working,
                                               GError           **error);

/* Calvert: AUC x (min (GFR, gfr_cap) + 25) in mg.  @gfr_cap_ml_min <= 0 means no cap.
 * @gfr_used (nullable) receives the GFR after the cap. */
double       parasol_dosing_calvert           (double        auc,
                                               double        gfr_ml_min,
                                               double        gfr_cap_ml_min,
                                               double       *gfr_used);

const char  *parasol_bsa_formula_to_string    (ParasolBsaFormula formula);
gboolean     parasol_bsa_formula_from_string  (const char        *str,
                                               ParasolBsaFormula *formula);
const char  *parasol_crcl_weight_to_string    (ParasolCrclWeight  choice);
gboolean     parasol_crcl_weight_from_string  (const char        *str,
                                               ParasolCrclWeight *choice);

/* ---- Rounding --------------------------------------------------------------------------------- */

/* Rounds @dose for @drug: to the nearest sum of drug->strengths when it has strengths (oral
 * drugs), else to the nearest multiple of drug->round_to (half away from zero).  The rounded
 * value is used only when |rounded - dose| <= drug->tolerance x dose (0.10 when the drug says 0);
 * otherwise @dose is returned unchanged and *within_tolerance is FALSE.
 * @tablets (nullable) receives a description such as "3 x 20 mg". */
double       parasol_dosing_round             (const ParasolDrug *drug,
                                               double             dose,
                                               gboolean          *within_tolerance,
                                               char             **tablets);

/* TRUE when @given is within the drug's tolerance of @calculated. */
gboolean     parasol_dosing_within_tolerance  (const ParasolDrug *drug,
                                               double             calculated,
                                               double             given);

/* ---- Weight change ---------------------------------------------------------------------------- */

/* Relative change |current - dose_weight| / dose_weight, NAN if either is unknown. */
double       parasol_dosing_weight_change     (double        dose_weight_kg,
                                               double        current_weight_kg);
/* TRUE when the change is >= @threshold (regimen->weight_change_recalc, 0.10). */
gboolean     parasol_dosing_needs_recalculation (double      dose_weight_kg,
                                                 double      current_weight_kg,
                                                 double      threshold);

/* ---- Regimen doses ---------------------------------------------------------------------------- */

typedef struct {
  double             height_cm;
  double             weight_kg;           /* the weight the doses are based on */
  int                age_years;
  ParasolSex         sex;
  double             creatinine_umol_l;
  GDate              weight_date;         /* invalid when unknown */
  GDate              creatinine_date;     /* invalid when unknown */
  ParasolBsaFormula  bsa_formula;         /* PARASOL_BSA_MOSTELLER */
  ParasolCrclWeight  crcl_weight;         /* PARASOL_CRCL_WEIGHT_ACTUAL */
  int                dose_level;          /* index into drug->dose_levels; 0 = full dose;
                                           * drugs without levels stay at the full dose */
  GHashTable        *drug_levels;         /* nullable: drug id -> GINT_TO_POINTER (level) */
  gboolean           bsa_cap;             /* force the cap on; the regimen may also enable it */
  double             bsa_cap_m2;          /* <= 0: the regimen's */
  const char        *platinum;            /* the backbone's platinum; NULL: the site default */
} ParasolDosingInput;

typedef struct {
  char      *drug;            /* drug id */
  char      *name;            /* display name */
  char      *route;
  double     dose;            /* rounded (or unrounded when rounding would leave the tolerance) */
  double     dose_unrounded;
  char      *unit;
  GArray    *days;            /* int: cycle days in this cycle */
  char      *working;         /* formula, inputs, dates */
  char      *tablets;         /* "3 x 20 mg" for oral drugs, else NULL */
  gboolean   rounded;         /* dose != dose_unrounded because of rounding */
  gboolean   capped;          /* max_dose or the Calvert GFR cap limited it */
  double     dose_level;      /* fraction of the full dose: 1.0, 0.75, ... */
  int        level_index;     /* 0 = full dose, 1 = level -1, ... */
  gboolean   configurable;    /* an open protocol question: dose/days are a site setting */
  char      *note;
} ParasolDose;

typedef struct {
  double      bsa_m2;             /* BSA used (after the cap, if any) */
  double      bsa_uncapped_m2;
  double      crcl_ml_min;        /* Cockcroft-Gault */
  double      gfr_used_ml_min;    /* min (CrCl, cap) */
  double      crcl_weight_kg;     /* weight that went into Cockcroft-Gault */
  int         cycle;
  ParasolPhase phase;
  GPtrArray  *doses;              /* ParasolDose*, backbone, ICI, arm drugs given in this cycle */
  GPtrArray  *warnings;           /* char*, translated */
} ParasolDoseSet;

void            parasol_dosing_input_init     (ParasolDosingInput *input);

/* Which phase cycle @cycle is in (1-based). */
ParasolPhase    parasol_dosing_cycle_phase    (const ParasolRegimen *regimen,
                                               int                   cycle);
/* TRUE when @drug is given in @cycle (phase and every_n_cycles). */
gboolean        parasol_dosing_drug_given     (const ParasolRegimen *regimen,
                                               const ParasolDrug    *drug,
                                               int                   cycle);
/* The cycle days of @drug in @phase (maintenance_days falls back to days); do not free. */
GArray         *parasol_dosing_drug_days      (const ParasolDrug    *drug,
                                               ParasolPhase          phase);

/* Every drug of the arm's regimen (backbone, the ICI, the arm's drugs) given in @cycle.
 * @arm_id may be NULL (backbone and ICI only: a warning says so); @ici_id NULL = the default. */
ParasolDoseSet *parasol_dosing_compute        (const ParasolRegimen     *regimen,
                                               const char               *arm_id,
                                               const char               *ici_id,
                                               int                       cycle,
                                               const ParasolDosingInput *input,
                                               GError                  **error);
/* The dose of one drug in @set, or NULL. */
const ParasolDose *parasol_dose_set_find      (const ParasolDoseSet *set,
                                               const char           *drug_id);
/* The drug @drug_id of the regimen (backbone, ICI choices, any arm), or NULL. */
const ParasolDrug *parasol_dosing_find_drug   (const ParasolRegimen *regimen,
                                               const char           *drug_id);

void            parasol_dose_free             (ParasolDose    *dose);
void            parasol_dose_set_free         (ParasolDoseSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolDoseSet, parasol_dose_set_free)

G_END_DECLS
