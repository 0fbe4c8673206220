/* test-dosing.c — BSA, Cockcroft-Gault, Calvert, rounding, weight change, regimen doses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "parasol-dosing.h"
#include "parasol-protocol.h"
#include "parasol-schedule.h"
#include "dosing-fixture.h"

#define EPS 1e-4

static void
test_bsa_hand_computed (void)
{
  g_autoptr(GError) error = NULL;

  /* sqrt (170 x 70 / 3600) = sqrt (3.305556) = 1.818119 */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_bsa_mosteller (170, 70, &error), 1.818119, EPS);
  g_assert_no_error (error);
  /* 0.007184 x 70^0.425 x 170^0.725 = 0.007184 x 6.0846 x 41.404 = 1.809708 */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_bsa_dubois (170, 70, &error), 1.809708, EPS);
  g_assert_no_error (error);
  /* sqrt (160 x 50 / 3600) = sqrt (2.2222) = 1.490712 */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_bsa (PARASOL_BSA_MOSTELLER, 160, 50, &error),
                                  1.490712, EPS);
  /* 0.007184 x 50^0.425 x 160^0.725 = 1.501769 (hand: ln 50 x 0.425 = 1.66261, ln 160 x 0.725 = 3.67954) */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_bsa (PARASOL_BSA_DUBOIS, 160, 50, &error),
                                  0.007184 * exp (1.662610 + 3.679540), EPS);
  g_assert_no_error (error);
}

static void
test_ranges (void)
{
  g_autoptr(GError) error = NULL;
  double v;

  v = parasol_dosing_bsa_mosteller (1.7, 70, &error);
  g_assert_true (isnan (v));
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "100–250"));
  g_assert_nonnull (strstr (error->message, "metres"));
  g_clear_error (&error);

  v = parasol_dosing_bsa_mosteller (170, 700, &error);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "25–300"));
  g_clear_error (&error);

  v = parasol_dosing_crcl_cockcroft_gault (60, PARASOL_SEX_MALE, 70, 0.9, &error);
  g_assert_true (isnan (v));
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "20–1500"));
  g_assert_nonnull (strstr (error->message, "mg/dL"));
  g_clear_error (&error);

  v = parasol_dosing_crcl_cockcroft_gault (12, PARASOL_SEX_MALE, 70, 80, &error);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "18–120"));
  g_clear_error (&error);

  v = parasol_dosing_crcl_cockcroft_gault (60, PARASOL_SEX_MALE, NAN, 80, &error);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING);
  g_clear_error (&error);

  v = parasol_dosing_crcl_cockcroft_gault (60, PARASOL_SEX_UNKNOWN, 70, 80, &error);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING);
  g_clear_error (&error);

  /* the edges are accepted */
  g_assert_true (parasol_dosing_check_height (100, NULL));
  g_assert_true (parasol_dosing_check_height (250, NULL));
  g_assert_false (parasol_dosing_check_height (250.1, NULL));
  g_assert_true (parasol_dosing_check_weight (25, NULL));
  g_assert_false (parasol_dosing_check_weight (24.9, NULL));
  g_assert_true (parasol_dosing_check_creatinine (20, NULL));
  g_assert_true (parasol_dosing_check_creatinine (1500, NULL));
  g_assert_false (parasol_dosing_check_creatinine (INFINITY, NULL));
  (void) v;
}

static void
test_cockcroft_gault (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *working = NULL;
  double umol, weight_used;

  /* man, 60 y, 72 kg, SCr 1.0 mg/dL: (140 - 60) x 72 / (72 x 1.0) = 80 */
  g_assert_true (parasol_dosing_creatinine_to_umol_l (1.0, "mg/dL", &umol, &error));
  g_assert_cmpfloat_with_epsilon (umol, 88.42, 1e-9);
  g_assert_cmpfloat_with_epsilon (parasol_dosing_crcl_cockcroft_gault (60, PARASOL_SEX_MALE, 72, umol, &error),
                                  80.0, EPS);
  /* the same woman: x 0.85 = 68 */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_crcl_cockcroft_gault (60, PARASOL_SEX_FEMALE, 72, umol, &error),
                                  68.0, EPS);
  g_assert_no_error (error);

  /* umol/L: man 50 y, 80 kg, 100 umol/L = 1.13096 mg/dL: 90 x 80 / (72 x 1.13096) = 88.42 */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_crcl_cockcroft_gault (50, PARASOL_SEX_MALE, 80, 100, &error),
                                  88.42, EPS);
  /* woman 70 y, 55 kg, 70 umol/L: 70 x 55 / (72 x 0.79168) x 0.85 = 57.41 */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_crcl_cockcroft_gault (70, PARASOL_SEX_FEMALE, 55, 70, &error),
                                  70.0 * 55 / (72 * 70 / 88.42) * 0.85, EPS);
  g_assert_cmpfloat_with_epsilon (70.0 * 55 / (72 * 70 / 88.42) * 0.85, 57.4116, 1e-3);
  g_assert_no_error (error);

  g_assert_false (parasol_dosing_creatinine_to_umol_l (1.0, "mmol/L", &umol, &error));
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_UNIT);
  g_clear_error (&error);

  /* The weight used is stated; ideal body weight by option.  Man 180 cm: IBW = 50 + 2.3 x
   * (180 - 152.4) / 2.54 = 74.99 kg */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_ideal_body_weight (180, PARASOL_SEX_MALE, NULL),
                                  74.992, 1e-3);
  g_assert_cmpfloat_with_epsilon (parasol_dosing_crcl_full (60, PARASOL_SEX_MALE, 100, 180, 88.42,
                                                            PARASOL_CRCL_WEIGHT_IDEAL, &weight_used,
                                                            &working, &error),
                                  80.0 * 74.992 / 72, 1e-2);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (weight_used, 74.992, 1e-3);
  g_assert_nonnull (strstr (working, "ideal body weight"));
  g_clear_pointer (&working, g_free);

  parasol_dosing_crcl_full (60, PARASOL_SEX_MALE, 100, 180, 88.42, PARASOL_CRCL_WEIGHT_ADJUSTED,
                            &weight_used, NULL, &error);
  g_assert_cmpfloat_with_epsilon (weight_used, 74.992 + 0.4 * (100 - 74.992), 1e-3);
  parasol_dosing_crcl_full (60, PARASOL_SEX_MALE, 100, NAN, 88.42, PARASOL_CRCL_WEIGHT_ACTUAL,
                            &weight_used, &working, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (weight_used, ==, 100);
  g_assert_nonnull (strstr (working, "actual body weight"));
  g_clear_pointer (&working, g_free);

  /* A woman of 100 cm (an accepted height): Devine gives 45.5 + 2.3 x (100 - 152.4) / 2.54 =
   * -1.9 kg.  No negative CrCl (and no Calvert dose from it) with ideal or lower weight. */
  g_assert_true (isnan (parasol_dosing_ideal_body_weight (100, PARASOL_SEX_FEMALE, &error)));
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  for (ParasolCrclWeight w = PARASOL_CRCL_WEIGHT_IDEAL; w <= PARASOL_CRCL_WEIGHT_LOWER; w++)
    {
      g_assert_true (isnan (parasol_dosing_crcl_full (70, PARASOL_SEX_FEMALE, 30, 100, 80, w,
                                                      NULL, NULL, &error)));
      g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE);
      g_clear_error (&error);
    }
  /* ... and 103 cm still has one (0.6 kg) */
  g_assert_cmpfloat (parasol_dosing_ideal_body_weight (103, PARASOL_SEX_FEMALE, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_calvert (void)
{
  double gfr;

  /* published worked examples */
  g_assert_cmpfloat_with_epsilon (parasol_dosing_calvert (5, 90, 125, &gfr), 575, 1e-9);
  g_assert_cmpfloat (gfr, ==, 90);
  g_assert_cmpfloat_with_epsilon (parasol_dosing_calvert (5, 140, 125, &gfr), 750, 1e-9);
  g_assert_cmpfloat (gfr, ==, 125);
  g_assert_cmpfloat_with_epsilon (parasol_dosing_calvert (5, 125, 125, NULL), 750, 1e-9);
  g_assert_cmpfloat_with_epsilon (parasol_dosing_calvert (6, 60, 125, NULL), 510, 1e-9);
  g_assert_cmpfloat_with_epsilon (parasol_dosing_calvert (5, 140, 0, NULL), 825, 1e-9);
}

static void
test_rounding (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  const ParasolDrug *etoposide = parasol_dosing_find_drug (r, "etoposide");
  const ParasolDrug *selinexor = parasol_dosing_find_drug (r, "selinexor");
  const ParasolDrug *anlotinib = parasol_dosing_find_drug (r, "anlotinib");
  const ParasolDrug *atezolizumab = parasol_dosing_find_drug (r, "atezolizumab");
  g_autofree char *tablets = NULL;
  gboolean within;

  g_assert_cmpfloat (parasol_dosing_round (etoposide, 181.81, &within, NULL), ==, 180);
  g_assert_true (within);
  g_assert_cmpfloat (parasol_dosing_round (etoposide, 185, &within, NULL), ==, 190);

  /* step 10, tolerance 10 %: 45.46 -> 50 (4.54 = 9.99 %), 45.45 stays (4.55 = 10.01 %) */
  g_assert_cmpfloat (parasol_dosing_round (etoposide, 45.46, &within, NULL), ==, 50);
  g_assert_true (within);
  g_assert_cmpfloat (parasol_dosing_round (etoposide, 45.45, &within, NULL), ==, 45.45);
  g_assert_false (within);
  /* exactly at the tolerance is within: 50 / 1.1 -> 50 is +10 % */
  g_assert_cmpfloat (parasol_dosing_round (etoposide, 50.0 / 1.1, &within, NULL), ==, 50);
  g_assert_true (within);

  /* tablets */
  g_assert_cmpfloat (parasol_dosing_round (selinexor, 60, &within, &tablets), ==, 60);
  g_assert_cmpstr (tablets, ==, "3 × 20");
  g_clear_pointer (&tablets, g_free);
  g_assert_cmpfloat (parasol_dosing_round (selinexor, 50, &within, &tablets), ==, 50);
  g_assert_false (within);   /* 40 or 60: 20 % off */
  g_assert_null (tablets);
  g_assert_cmpfloat (parasol_dosing_round (anlotinib, 12, &within, &tablets), ==, 12);
  g_assert_cmpstr (tablets, ==, "1 × 12");
  g_clear_pointer (&tablets, g_free);
  g_assert_cmpfloat (parasol_dosing_round (anlotinib, 18.5, &within, &tablets), ==, 18);
  g_assert_true (within);
  g_assert_cmpstr (tablets, ==, "1 × 8 + 1 × 10");
  g_clear_pointer (&tablets, g_free);
  /* 9 mg: 8 and 10 are both 11.1 % away */
  g_assert_cmpfloat (parasol_dosing_round (anlotinib, 9, &within, NULL), ==, 9);
  g_assert_false (within);

  /* no rounding step */
  g_assert_cmpfloat (parasol_dosing_round (atezolizumab, 1200, &within, NULL), ==, 1200);
  g_assert_true (within);

  g_assert_true (parasol_dosing_within_tolerance (etoposide, 180, 198));
  g_assert_false (parasol_dosing_within_tolerance (etoposide, 180, 198.1));
  g_assert_true (parasol_dosing_within_tolerance (etoposide, 180, 162));
  g_assert_false (parasol_dosing_within_tolerance (etoposide, 180, 161.9));
}

static void
test_weight_change (void)
{
  g_assert_cmpfloat_with_epsilon (parasol_dosing_weight_change (70, 63), 0.10, 1e-12);
  g_assert_true (parasol_dosing_needs_recalculation (70, 63, 0.10));
  g_assert_true (parasol_dosing_needs_recalculation (70, 77, 0.10));
  g_assert_false (parasol_dosing_needs_recalculation (70, 63.1, 0.10));
  g_assert_false (parasol_dosing_needs_recalculation (70, 76.9, 0.10));
  g_assert_false (parasol_dosing_needs_recalculation (NAN, 70, 0.10));
}

static ParasolDosingInput
standard_input (void)
{
  ParasolDosingInput in;

  parasol_dosing_input_init (&in);
  in.height_cm = 170;
  in.weight_kg = 70;
  in.age_years = 60;
  in.sex = PARASOL_SEX_MALE;
  in.creatinine_umol_l = 80;
  in.weight_date = fixture_date (2025, 3, 1);
  in.creatinine_date = fixture_date (2025, 3, 2);
  return in;
}

static void
test_regimen_doses (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolDoseSet) set = NULL;
  ParasolDosingInput in = standard_input ();
  const ParasolDose *d;
  double crcl;

  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (set->bsa_m2, 1.818119, EPS);
  /* 80 x 70 / (72 x 80 / 88.42) = 85.97 */
  crcl = 80.0 * 70 / (72 * 80 / 88.42);
  g_assert_cmpfloat_with_epsilon (set->crcl_ml_min, crcl, EPS);
  g_assert_cmpfloat_with_epsilon (set->gfr_used_ml_min, crcl, EPS);
  g_assert_cmpuint (set->doses->len, ==, 3);

  d = parasol_dose_set_find (set, "etoposide");
  g_assert_cmpfloat_with_epsilon (d->dose_unrounded, 181.8119, EPS);
  g_assert_cmpfloat (d->dose, ==, 180);
  g_assert_cmpuint (d->days->len, ==, 3);
  g_assert_nonnull (strstr (d->working, "Mosteller"));
  g_assert_nonnull (strstr (d->working, "2025-03-01"));

  d = parasol_dose_set_find (set, "carboplatin");
  g_assert_cmpfloat_with_epsilon (d->dose_unrounded, 5 * (crcl + 25), EPS);
  g_assert_cmpfloat (d->dose, ==, 550);
  g_assert_nonnull (strstr (d->working, "Calvert"));
  g_assert_nonnull (strstr (d->working, "Cockcroft-Gault"));
  g_assert_nonnull (strstr (d->working, "actual body weight"));
  g_assert_nonnull (strstr (d->working, "2025-03-02"));

  d = parasol_dose_set_find (set, "atezolizumab");
  g_assert_cmpfloat (d->dose, ==, 1200);
  g_clear_pointer (&set, parasol_dose_set_free);

  /* GFR over the cap: 30 y, 80 kg, 50 umol/L -> CrCl 110 x 80 / (72 x 0.5655) = 216 -> 125 -> 750 */
  in.age_years = 30;
  in.weight_kg = 80;
  in.creatinine_umol_l = 50;
  set = parasol_dosing_compute (r, "control", "durvalumab", 1, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (set->crcl_ml_min, >, 125);
  g_assert_cmpfloat (set->gfr_used_ml_min, ==, 125);
  d = parasol_dose_set_find (set, "carboplatin");
  g_assert_cmpfloat (d->dose, ==, 750);
  g_assert_cmpfloat (d->dose_unrounded, ==, 750);
  g_assert_true (d->capped);
  g_assert_nonnull (strstr (d->working, "capped at 125"));
  g_assert_cmpfloat (parasol_dose_set_find (set, "durvalumab")->dose, ==, 1500);
  g_clear_pointer (&set, parasol_dose_set_free);

  /* DuBois by option */
  in = standard_input ();
  in.bsa_formula = PARASOL_BSA_DUBOIS;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_cmpfloat_with_epsilon (set->bsa_m2, 1.809708, EPS);
  g_assert_nonnull (strstr (parasol_dose_set_find (set, "etoposide")->working, "DuBois"));
  g_clear_pointer (&set, parasol_dose_set_free);

  /* mg/kg ICI: 4.5 x 70 = 315 -> 320 (step 10) */
  in = standard_input ();
  set = parasol_dosing_compute (r, "control", "serplulimab", 1, &in, &error);
  d = parasol_dose_set_find (set, "serplulimab");
  g_assert_cmpfloat_with_epsilon (d->dose_unrounded, 315, 1e-9);
  g_assert_cmpfloat (d->dose, ==, 320);
  g_clear_pointer (&set, parasol_dose_set_free);
}

static void
test_regimen_arms_and_cycles (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolDoseSet) set = NULL;
  ParasolDosingInput in = standard_input ();
  const ParasolDose *d;

  /* CAR-NK every other cycle, in induction */
  set = parasol_dosing_compute (r, "dll3", NULL, 1, &in, &error);
  g_assert_no_error (error);
  d = parasol_dose_set_find (set, "dll3_car_nk");
  g_assert_nonnull (d);
  g_assert_cmpfloat (d->dose, ==, 8e8);
  g_assert_cmpstr (d->unit, ==, "cells");
  g_assert_true (d->configurable);
  g_assert_nonnull (strstr (d->working, "8 × 10^8 cells"));
  g_clear_pointer (&set, parasol_dose_set_free);
  set = parasol_dosing_compute (r, "dll3", NULL, 2, &in, &error);
  g_assert_null (parasol_dose_set_find (set, "dll3_car_nk"));
  g_clear_pointer (&set, parasol_dose_set_free);
  set = parasol_dosing_compute (r, "dll3", NULL, 3, &in, &error);
  g_assert_nonnull (parasol_dose_set_find (set, "dll3_car_nk"));
  g_clear_pointer (&set, parasol_dose_set_free);

  /* maintenance: no chemotherapy; selinexor days; durvalumab stays */
  set = parasol_dosing_compute (r, "xpo1", "durvalumab", 5, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpint (set->phase, ==, PARASOL_PHASE_MAINTENANCE);
  g_assert_null (parasol_dose_set_find (set, "etoposide"));
  g_assert_null (parasol_dose_set_find (set, "carboplatin"));
  g_assert_nonnull (parasol_dose_set_find (set, "durvalumab"));
  d = parasol_dose_set_find (set, "selinexor");
  g_assert_cmpfloat (d->dose, ==, 60);
  g_assert_cmpstr (d->tablets, ==, "3 × 20");
  g_assert_cmpuint (d->days->len, ==, 6);
  g_assert_cmpint (g_array_index (d->days, int, 5), ==, 17);
  g_clear_pointer (&set, parasol_dose_set_free);

  /* Maintenance without creatinine: no AUC drug, so no error */
  in.creatinine_umol_l = NAN;
  set = parasol_dosing_compute (r, "anlotinib", NULL, 6, &in, &error);
  g_assert_no_error (error);
  g_assert_true (isnan (set->crcl_ml_min));
  g_clear_pointer (&set, parasol_dose_set_free);
  /* ... but induction needs it */
  set = parasol_dosing_compute (r, "anlotinib", NULL, 1, &in, &error);
  g_assert_null (set);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING);
  g_clear_error (&error);

  /* dose level -1: etoposide 75 mg/m2 */
  in = standard_input ();
  in.dose_level = 1;
  set = parasol_dosing_compute (r, "anlotinib", NULL, 1, &in, &error);
  g_assert_no_error (error);
  d = parasol_dose_set_find (set, "etoposide");
  g_assert_cmpfloat_with_epsilon (d->dose_unrounded, 0.75 * 181.8119, EPS);
  g_assert_cmpfloat (d->dose, ==, 140);
  g_assert_nonnull (strstr (d->working, "dose level"));
  /* anlotinib 9 mg cannot be made within 10 %: kept, flagged for the pharmacy */
  d = parasol_dose_set_find (set, "anlotinib");
  g_assert_cmpfloat (d->dose, ==, 9);
  g_assert_nonnull (strstr (d->working, "pharmacy"));
  /* carboplatin and atezolizumab define no reductions: full dose */
  g_assert_cmpfloat (parasol_dose_set_find (set, "atezolizumab")->dose, ==, 1200);
  g_clear_pointer (&set, parasol_dose_set_free);

  /* per-drug level: only etoposide reduced, to level -2 (50 %) */
  {
    g_autoptr(GHashTable) levels = g_hash_table_new (g_str_hash, g_str_equal);

    in.dose_level = 0;
    g_hash_table_insert (levels, (gpointer) "etoposide", GINT_TO_POINTER (2));
    in.drug_levels = levels;
    set = parasol_dosing_compute (r, "anlotinib", NULL, 1, &in, &error);
    g_assert_no_error (error);
    d = parasol_dose_set_find (set, "etoposide");
    g_assert_cmpfloat_with_epsilon (d->dose_unrounded, 0.5 * 181.8119, EPS);
    g_assert_cmpint (d->level_index, ==, 2);
    g_assert_cmpfloat (parasol_dose_set_find (set, "anlotinib")->dose, ==, 12);
    g_clear_pointer (&set, parasol_dose_set_free);

    g_hash_table_insert (levels, (gpointer) "etoposide", GINT_TO_POINTER (3));
    set = parasol_dosing_compute (r, "anlotinib", NULL, 1, &in, &error);
    g_assert_null (set);
    g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_INVALID);
    g_clear_error (&error);
    in.drug_levels = NULL;
  }

  /* unknown arm / ICI */
  set = parasol_dosing_compute (r, "nope", NULL, 1, &in, &error);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_UNKNOWN_ARM);
  g_assert_nonnull (strstr (error->message, "xpo1"));
  g_clear_error (&error);
  set = parasol_dosing_compute (r, "control", "nivolumab", 1, &in, &error);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_UNKNOWN_DRUG);
  g_clear_error (&error);
  set = parasol_dosing_compute (r, "control", NULL, 0, &in, &error);
  g_assert_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_INVALID);
  g_clear_error (&error);

  /* no arm: backbone and ICI, with a warning */
  set = parasol_dosing_compute (r, NULL, NULL, 1, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->doses->len, ==, 3);
  g_assert_cmpuint (set->warnings->len, ==, 1);
}

static void
test_bsa_cap (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolDoseSet) set = NULL;
  ParasolDosingInput in = standard_input ();

  in.height_cm = 190;
  in.weight_kg = 110;

  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_cmpfloat_with_epsilon (set->bsa_m2, sqrt (190.0 * 110 / 3600), EPS);
  g_assert_cmpuint (set->warnings->len, ==, 0);
  g_clear_pointer (&set, parasol_dose_set_free);

  r->bsa_cap_enabled = TRUE;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (set->bsa_m2, ==, 2.0);
  g_assert_cmpfloat_with_epsilon (set->bsa_uncapped_m2, 2.409472, EPS);
  g_assert_cmpuint (set->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (set->warnings, 0), "ASCO"));
  g_assert_cmpfloat (parasol_dose_set_find (set, "etoposide")->dose, ==, 200);
}

/* The shipped BUTTONS-001 regimen, as the protocol loader reads it */
static void
test_buttons_001 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolProtocol) protocol = parasol_protocol_new_default (&error);
  g_autoptr(ParasolDoseSet) set = NULL;
  g_autoptr(ParasolSchedule) schedule = NULL;
  const ParasolRegimen *r;
  const ParasolDose *d;
  ParasolDosingInput in;
  GDate c1d1 = fixture_date (2026, 12, 28);

  g_assert_no_error (error);
  r = parasol_protocol_get_regimen (protocol);
  g_assert_nonnull (r);

  /* man, 50 y, 72 kg, creatinine 88.42 umol/L = 1 mg/dL: CrCl = 90 x 72 / 72 = 90 mL/min */
  parasol_dosing_input_init (&in);
  in.height_cm = 175;
  in.weight_kg = 72;
  in.age_years = 50;
  in.sex = PARASOL_SEX_MALE;
  in.creatinine_umol_l = 88.42;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (set->crcl_ml_min, 90, 1e-9);
  d = parasol_dose_set_find (set, "carboplatin");
  g_assert_cmpfloat_with_epsilon (d->dose_unrounded, 575, 1e-9);   /* the published example */
  g_assert_cmpfloat (d->dose, ==, 575);                              /* nearest 5 mg: exact */
  g_clear_pointer (&set, parasol_dose_set_free);

  /* GFR 140 -> capped at 125: 750 mg */
  in.age_years = 20;
  in.creatinine_umol_l = 88.42 * 120.0 / 140.0;   /* (140 - 20) x 72 / (72 x SCr) = 140 */
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_cmpfloat_with_epsilon (set->crcl_ml_min, 140, 1e-9);
  g_assert_cmpfloat (set->gfr_used_ml_min, ==, 125);
  g_assert_cmpfloat (parasol_dose_set_find (set, "carboplatin")->dose, ==, 750);
  g_clear_pointer (&set, parasol_dose_set_free);

  /* every arm and checkpoint inhibitor computes */
  for (guint a = 0; a < r->arms->len; a++)
    for (guint i = 0; i < r->icis->len; i++)
      for (int cycle = 1; cycle <= 6; cycle++)
        {
          const ParasolArmRegimen *arm = g_ptr_array_index (r->arms, a);
          const ParasolDrug *ici = g_ptr_array_index (r->icis, i);

          set = parasol_dosing_compute (r, arm->id, ici->id, cycle, &in, &error);
          g_assert_no_error (error);
          g_assert_nonnull (parasol_dose_set_find (set, ici->id));
          g_clear_pointer (&set, parasol_dose_set_free);
        }

  /* durvalumab: maintenance in 28-day cycles, across the year end */
  schedule = parasol_schedule_build (r, "control", "durvalumab", &c1d1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parasol_schedule_get_cycle (schedule, 4)->length_days, ==, 21);
  g_assert_cmpint (parasol_schedule_get_cycle (schedule, 5)->length_days, ==, 28);
}

/* Issue 8: a minimum serum creatinine for Cockcroft-Gault, from the protocol, shown in the
 * working when it applies; the Devine ideal weight below 152.4 cm is flagged. */
static void
test_crcl_guards (void)
{
  g_autoptr(ParasolRegimen) r = fixture_regimen ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolDoseSet) set = NULL;
  ParasolDosingInput in = standard_input ();
  const ParasolDose *d;
  double at_min = 80.0 * 70 / (72 * (62.0 / 88.42));

  r->crcl_min_creatinine_umol_l = 62;
  in.creatinine_umol_l = 40;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (set->crcl_ml_min, at_min, EPS);
  d = parasol_dose_set_find (set, "carboplatin");
  g_assert_nonnull (strstr (d->working, "raised to the protocol's minimum 62"));
  g_clear_pointer (&set, parasol_dose_set_free);

  /* at the minimum: nothing raised, nothing said */
  in.creatinine_umol_l = 62;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_cmpfloat_with_epsilon (set->crcl_ml_min, at_min, EPS);
  g_assert_null (strstr (parasol_dose_set_find (set, "carboplatin")->working, "raised"));
  g_clear_pointer (&set, parasol_dose_set_free);

  /* off (0): a low creatinine is used as measured */
  r->crcl_min_creatinine_umol_l = 0;
  in.creatinine_umol_l = 40;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_cmpfloat (set->crcl_ml_min, >, at_min);
  g_clear_pointer (&set, parasol_dose_set_free);

  /* Devine: 152 cm with the ideal weight is flagged, 152.4 cm is not */
  in.creatinine_umol_l = 80;
  in.crcl_weight = PARASOL_CRCL_WEIGHT_IDEAL;
  in.height_cm = 152;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (set->warnings, 0), "Devine"));
  g_clear_pointer (&set, parasol_dose_set_free);
  in.height_cm = 152.4;
  set = parasol_dosing_compute (r, "control", NULL, 1, &in, &error);
  g_assert_cmpuint (set->warnings->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dosing/bsa", test_bsa_hand_computed);
  g_test_add_func ("/dosing/ranges", test_ranges);
  g_test_add_func ("/dosing/cockcroft-gault", test_cockcroft_gault);
  g_test_add_func ("/dosing/calvert", test_calvert);
  g_test_add_func ("/dosing/rounding", test_rounding);
  g_test_add_func ("/dosing/weight-change", test_weight_change);
  g_test_add_func ("/dosing/regimen", test_regimen_doses);
  g_test_add_func ("/dosing/arms-and-cycles", test_regimen_arms_and_cycles);
  g_test_add_func ("/dosing/bsa-cap", test_bsa_cap);
  g_test_add_func ("/dosing/buttons-001", test_buttons_001);
  g_test_add_func ("/dosing/crcl-guards", test_crcl_guards);

  return g_test_run ();
}
