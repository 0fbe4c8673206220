/* parasol-regimen.h — treatment regimens as the protocol file defines them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain data, filled by the protocol loader (parasol-protocol.c) from the <regimens> section of
 * the protocol file, read by the dosing and schedule engines.  Nothing here is BUTTONS-001
 * specific: the numbers live in data/protocols/buttons-001.xml.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PARASOL_DOSE_BASIS_MG_PER_M2,  /* amount x BSA */
  PARASOL_DOSE_BASIS_AUC,        /* Calvert: amount (AUC) x (GFR + 25) */
  PARASOL_DOSE_BASIS_FLAT,       /* amount in `unit` */
  PARASOL_DOSE_BASIS_MG_PER_KG,  /* amount x weight */
  PARASOL_DOSE_BASIS_CELLS,      /* a flat number of cells */
} ParasolDoseBasis;

typedef enum {
  PARASOL_PHASE_INDUCTION   = 1 << 0,
  PARASOL_PHASE_MAINTENANCE = 1 << 1,
  PARASOL_PHASE_BOTH        = PARASOL_PHASE_INDUCTION | PARASOL_PHASE_MAINTENANCE,
} ParasolPhase;

typedef struct {
  char             *id;             /* "etoposide", "carboplatin", "durvalumab", ... */
  char             *name;           /* display name (English; translated through gettext) */
  char             *route;          /* "IV", "oral", ... */
  ParasolDoseBasis  basis;
  double            amount;         /* 100 (mg/m2), 5 (AUC), 1500 (mg), 4.5 (mg/kg), 8e8 (cells) */
  char             *unit;           /* unit of the final dose: "mg" or "cells" */
  ParasolPhase      phases;         /* in which phases it is given */
  GArray           *days;           /* int, 1-based cycle days of the induction cycle */
  GArray           *maintenance_days;/* int, cycle days in maintenance; NULL = same as days */
  int               maintenance_cycle_days; /* 0 = the phase's default cycle length */
  int               every_n_cycles; /* 1 = every cycle, 2 = every other cycle (q6w on q21d) */
  double            round_to;       /* rounding step in `unit` (10 mg), 0 = no rounding */
  GArray           *strengths;      /* double, tablet/vial strengths for oral drugs; may be NULL */
  double            tolerance;      /* accepted relative difference when rounding / giving, 0.10 */
  double            max_dose;       /* absolute cap in `unit`, 0 = none */
  GArray           *dose_levels;    /* double, fractions of the full dose: 1.0, 0.75, 0.5 */
  gboolean          configurable;   /* an open question of the protocol: shown as such */
  char             *note;           /* why it is configurable, for the person reading the dose */
  /* A platinum of the backbone (platinum="true"): one of them is chosen at enrolment and only
   * the chosen one is given; crcl_min_ml_min (0: none) is the Cockcroft-Gault creatinine
   * clearance its choice requires (cisplatin: 60 mL/min by default). */
  gboolean          platinum;
  double            crcl_min_ml_min;
} ParasolDrug;

typedef struct {
  char      *id;            /* arm id: "dll3", "xpo1", "anlotinib", "control" */
  GPtrArray *drugs;         /* ParasolDrug*: the arm's added drugs (the backbone is shared) */
} ParasolArmRegimen;

typedef struct {
  int        cycle_days;              /* 21 */
  int        induction_cycles;        /* 4 */
  int        maintenance_cycle_days;  /* 21 (a drug may override: durvalumab 28) */
  GPtrArray *backbone;                /* ParasolDrug*: etoposide, carboplatin */
  GPtrArray *icis;                    /* ParasolDrug*: the checkpoint-inhibitor choices */
  char      *default_ici;             /* id of the default choice */
  GPtrArray *arms;                    /* ParasolArmRegimen* */

  /* Visits and start-of-cycle rules */
  int        visit_window_days;       /* +/- days around cycle day 1: 3 */
  int        imaging_every_days;      /* 42 */
  int        imaging_window_days;     /* +/- 7 */
  int        labs_before_days;        /* labs within this many days before day 1: 3 */
  double     start_anc_min;           /* 10^9/L, 1.5 */
  double     start_plt_min;           /* 10^9/L, 100 */
  int        max_delay_days;          /* a delay longer than this proposes discontinuation: 42 */
  double     weight_change_recalc;    /* relative weight change that flags recalculation: 0.10 */
  double     gfr_cap_ml_min;          /* Calvert GFR cap: 125 */
  gboolean   bsa_cap_enabled;         /* off by default (ASCO advises against capping) */
  double     bsa_cap_m2;              /* 2.0 when enabled */
  /* Cockcroft-Gault uses at least this serum creatinine (µmol/L; 0: off), as protocols that
   * round a low creatinine up to 0.7 or 0.8 mg/dL do; the working says when it applied. */
  double     crcl_min_creatinine_umol_l;

  /* The backbone's platinum choices (carboplatin, cisplatin), pointers into @backbone, and the
   * site's default (<backbone platinum-default="carboplatin">); NULL when none is marked. */
  GPtrArray *platinums;
  char      *default_platinum;
} ParasolRegimen;

void                 parasol_drug_free               (ParasolDrug       *drug);
void                 parasol_arm_regimen_free        (ParasolArmRegimen *arm);
void                 parasol_regimen_free            (ParasolRegimen    *regimen);

const ParasolDrug   *parasol_regimen_find_ici        (const ParasolRegimen *regimen,
                                                      const char           *ici_id);
/* The platinum @platinum_id of the backbone (NULL: the site default), or NULL. */
const ParasolDrug   *parasol_regimen_find_platinum   (const ParasolRegimen *regimen,
                                                      const char           *platinum_id);
/* The backbone as given to a patient on @platinum_id (NULL: the default): every drug that is
 * no platinum, and the chosen platinum only.  The drugs belong to @regimen. */
GPtrArray           *parasol_regimen_backbone_for    (const ParasolRegimen *regimen,
                                                      const char           *platinum_id);
const ParasolArmRegimen *parasol_regimen_find_arm    (const ParasolRegimen *regimen,
                                                      const char           *arm_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolRegimen, parasol_regimen_free)

G_END_DECLS
