/* dosing-fixture.h — a BUTTONS-001-like regimen built by hand for the dosing and schedule tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests must not depend on the protocol file: they pin the formulas with numbers chosen here.
 */
#pragma once

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "parasol-regimen.h"

static GArray *
fixture_ints (int n, ...)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (int));
  va_list ap;

  va_start (ap, n);
  for (int i = 0; i < n; i++)
    {
      int v = va_arg (ap, int);
      g_array_append_val (a, v);
    }
  va_end (ap);
  return a;
}

static GArray *
fixture_doubles (int n, ...)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (double));
  va_list ap;

  va_start (ap, n);
  for (int i = 0; i < n; i++)
    {
      double v = va_arg (ap, double);
      g_array_append_val (a, v);
    }
  va_end (ap);
  return a;
}

static ParasolDrug *
fixture_drug (const char       *id,
              const char       *route,
              ParasolDoseBasis  basis,
              double            amount,
              const char       *unit,
              ParasolPhase      phases,
              GArray           *days,
              double            round_to)
{
  ParasolDrug *drug = g_new0 (ParasolDrug, 1);

  drug->id = g_strdup (id);
  drug->name = g_strdup (id);
  drug->route = g_strdup (route);
  drug->basis = basis;
  drug->amount = amount;
  drug->unit = g_strdup (unit);
  drug->phases = phases;
  drug->days = days;
  drug->every_n_cycles = 1;
  drug->round_to = round_to;
  drug->tolerance = 0.10;
  return drug;
}

static ParasolArmRegimen *
fixture_arm (const char *id)
{
  ParasolArmRegimen *arm = g_new0 (ParasolArmRegimen, 1);

  arm->id = g_strdup (id);
  arm->drugs = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_drug_free);
  return arm;
}

/* q21d x 4 induction (etoposide 100 mg/m2 D1-3, carboplatin AUC 5 D1, one ICI D1), then
 * maintenance q21d (durvalumab q28d); arms control, dll3 (CAR-NK D1 every other cycle,
 * induction), xpo1 (selinexor 60 mg D1,3,8,10,15,17, 20 mg tablets), anlotinib (12 mg D1-14,
 * 8/10/12 mg capsules). */
static ParasolRegimen *
fixture_regimen (void)
{
  ParasolRegimen *r = g_new0 (ParasolRegimen, 1);
  ParasolDrug *drug;
  ParasolArmRegimen *arm;

  r->cycle_days = 21;
  r->induction_cycles = 4;
  r->maintenance_cycle_days = 21;
  r->visit_window_days = 3;
  r->imaging_every_days = 42;
  r->imaging_window_days = 7;
  r->labs_before_days = 3;
  r->start_anc_min = 1.5;
  r->start_plt_min = 100;
  r->max_delay_days = 42;
  r->weight_change_recalc = 0.10;
  r->gfr_cap_ml_min = 125;
  r->bsa_cap_enabled = FALSE;
  r->bsa_cap_m2 = 2.0;

  r->backbone = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_drug_free);
  drug = fixture_drug ("etoposide", "IV", PARASOL_DOSE_BASIS_MG_PER_M2, 100, "mg",
                       PARASOL_PHASE_INDUCTION, fixture_ints (3, 1, 2, 3), 10);
  drug->dose_levels = fixture_doubles (3, 1.0, 0.75, 0.5);
  g_ptr_array_add (r->backbone, drug);
  drug = fixture_drug ("carboplatin", "IV", PARASOL_DOSE_BASIS_AUC, 5, "mg",
                       PARASOL_PHASE_INDUCTION, fixture_ints (1, 1), 10);
  g_ptr_array_add (r->backbone, drug);

  r->icis = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_drug_free);
  g_ptr_array_add (r->icis, fixture_drug ("atezolizumab", "IV", PARASOL_DOSE_BASIS_FLAT, 1200, "mg",
                                          PARASOL_PHASE_BOTH, fixture_ints (1, 1), 0));
  drug = fixture_drug ("durvalumab", "IV", PARASOL_DOSE_BASIS_FLAT, 1500, "mg",
                       PARASOL_PHASE_BOTH, fixture_ints (1, 1), 0);
  drug->maintenance_cycle_days = 28;
  g_ptr_array_add (r->icis, drug);
  g_ptr_array_add (r->icis, fixture_drug ("serplulimab", "IV", PARASOL_DOSE_BASIS_MG_PER_KG, 4.5, "mg",
                                          PARASOL_PHASE_BOTH, fixture_ints (1, 1), 10));
  r->default_ici = g_strdup ("atezolizumab");

  r->arms = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_arm_regimen_free);
  g_ptr_array_add (r->arms, fixture_arm ("control"));

  arm = fixture_arm ("dll3");
  drug = fixture_drug ("dll3_car_nk", "IV", PARASOL_DOSE_BASIS_CELLS, 8.0e8, "cells",
                       PARASOL_PHASE_INDUCTION, fixture_ints (1, 1), 0);
  drug->every_n_cycles = 2;
  drug->configurable = TRUE;
  drug->note = g_strdup ("another registry copy says 1.0 x 10^9 on D5 q6w");
  g_ptr_array_add (arm->drugs, drug);
  g_ptr_array_add (r->arms, arm);

  arm = fixture_arm ("xpo1");
  drug = fixture_drug ("selinexor", "oral", PARASOL_DOSE_BASIS_FLAT, 60, "mg", PARASOL_PHASE_BOTH,
                       fixture_ints (6, 1, 3, 8, 10, 15, 17), 0);
  drug->strengths = fixture_doubles (1, 20.0);
  drug->dose_levels = fixture_doubles (3, 1.0, 5.0 / 6.0, 2.0 / 3.0);
  g_ptr_array_add (arm->drugs, drug);
  g_ptr_array_add (r->arms, arm);

  arm = fixture_arm ("anlotinib");
  drug = fixture_drug ("anlotinib", "oral", PARASOL_DOSE_BASIS_FLAT, 12, "mg", PARASOL_PHASE_BOTH,
                       fixture_ints (14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14), 0);
  drug->strengths = fixture_doubles (3, 8.0, 10.0, 12.0);
  drug->dose_levels = fixture_doubles (3, 1.0, 0.75, 0.5);
  g_ptr_array_add (arm->drugs, drug);
  g_ptr_array_add (r->arms, arm);

  return r;
}

static GDate
fixture_date (int y, int m, int d)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return date;
}
