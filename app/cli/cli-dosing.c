/* cli-dosing.c — parasol-cli dose, schedule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scripts rely on the JSON printed here (issue 4); keys may be added, never renamed.
 */

#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-administration.h"
#include "parasol-dosing.h"
#include "parasol-eligibility.h"
#include "parasol-ics.h"
#include "parasol-patient-dosing.h"
#include "parasol-protocol.h"
#include "parasol-schedule.h"

/* ---- Shared helpers --------------------------------------------------------------------------- */

static const char *
fmt_date (const GDate *date,
          char        *buf,
          gsize        len)
{
  return parasol_date_format (date, buf, len);
}

/* "NAN" for an option not given */
static gboolean
parse_optional_double (const char  *str,
                       const char  *option,
                       double      *value,
                       GError     **error)
{
  g_autoptr(GError) local = NULL;

  *value = NAN;
  if (str == NULL)
    return TRUE;
  if (!parasol_cli_parse_double (str, value, &local))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: %s", option, local->message);
      return FALSE;
    }
  return TRUE;
}

/* The protocol for a command that needs no patient: the trial database's when there is one,
 * else the built-in BUTTONS-001 definition. */
static ParasolProtocol *
load_standalone_protocol (GError **error)
{
  g_autofree char *path = NULL;

  if (parasol_cli_options.database != NULL)
    path = g_strdup (parasol_cli_options.database);
  else
    path = parasol_store_default_path ();

  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(ParasolStore) store = NULL;
      g_autoptr(GError) local = NULL;
      ParasolStoreOpenFlags flags = PARASOL_STORE_OPEN_READ_ONLY;

      if (parasol_cli_options.allow_network_fs)
        flags |= PARASOL_STORE_OPEN_ALLOW_NETWORK_FS;
      store = parasol_store_open (path, flags, &local);
      if (store == NULL)
        {
          if (parasol_cli_options.database != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
        }
      else if (parasol_store_has_trial (store))
        return parasol_protocol_new_for_store (store, error);
    }

  return parasol_protocol_new_default (error);
}

typedef struct {
  ParasolStore        *store;
  ParasolProtocol     *protocol;
  ParasolPatientFacts *facts;
  gint64               id;
  char                *key;       /* subject number, else screening number */
} Patient;

static void
patient_clear (Patient *p)
{
  g_clear_object (&p->store);
  g_clear_object (&p->protocol);
  g_clear_pointer (&p->facts, parasol_patient_facts_free);
  g_clear_pointer (&p->key, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Patient, patient_clear)

static gboolean
patient_open (Patient     *p,
              const char  *key,
              GError     **error)
{
  memset (p, 0, sizeof *p);

  p->store = parasol_cli_open_store (FALSE, error);
  if (p->store == NULL)
    return FALSE;
  p->id = parasol_cli_find_patient (p->store, key, error);
  if (p->id == 0)
    return FALSE;
  p->facts = parasol_store_load_patient (p->store, p->id, error);
  if (p->facts == NULL)
    return FALSE;
  p->protocol = parasol_protocol_new_for_store (p->store, error);
  if (p->protocol == NULL)
    return FALSE;
  p->key = g_strdup (p->facts->subject_number ? p->facts->subject_number
                                              : p->facts->screening_number);
  return TRUE;
}

/* When weight_kg was last saved, from the audit trail; invalid date when unknown. */
static GDate
weight_date (Patient *p)
{
  return parasol_patient_weight_date (p->store, p->id);
}

typedef ParasolPatientDosing PatientDosing;

/* The inputs for @p's doses on @on: weight (the dose weight unless it changed by the protocol's
 * threshold or more), height, age on @on, sex, the newest creatinine on or before @on. */
static gboolean
patient_dosing_input (Patient              *p,
                      const ParasolRegimen *regimen,
                      const GDate          *on,
                      PatientDosing        *pd,
                      GError              **error)
{
  const ParasolPatientFacts *f = p->facts;
  GDate wd;

  /* The same checks as core's, with the command that fixes them */
  if (isnan (f->weight_kg) && isnan (f->dose_weight_kg))
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   _("Patient %s has no weight; record it with “parasol-cli patient set %s "
                     "weight_kg KG”"), p->key, p->key);
      return FALSE;
    }
  if (isnan (f->height_cm))
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   _("Patient %s has no height; record it with “parasol-cli patient set %s "
                     "height_cm CM”"), p->key, p->key);
      return FALSE;
    }

  wd = weight_date (p);
  return parasol_patient_dosing_init (pd, f, regimen, on, &wd, error);
}

static void
json_dose_set (ParasolJson          *json,
               const ParasolDoseSet *set,
               const GDate          *cycle_start)
{
  parasol_json_member_double (json, "bsa_m2", set->bsa_m2);
  parasol_json_member_double (json, "crcl_ml_min", set->crcl_ml_min);
  parasol_json_member_double (json, "gfr_used_ml_min", set->gfr_used_ml_min);
  parasol_json_member_double (json, "bsa_uncapped_m2", set->bsa_uncapped_m2);
  parasol_json_member_double (json, "crcl_weight_kg", set->crcl_weight_kg);
  parasol_json_member_int (json, "cycle", set->cycle);
  parasol_json_member_string (json, "phase",
                              set->phase == PARASOL_PHASE_MAINTENANCE ? "maintenance" : "induction");
  parasol_json_member (json, "drugs");
  parasol_json_begin_array (json);
  for (guint i = 0; i < set->doses->len; i++)
    {
      const ParasolDose *d = g_ptr_array_index (set->doses, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "drug", d->drug);
      parasol_json_member_string (json, "name", d->name);
      parasol_json_member_double (json, "dose", d->dose);
      parasol_json_member_double (json, "dose_unrounded", d->dose_unrounded);
      parasol_json_member_string (json, "unit", d->unit);
      parasol_json_member (json, "days");
      parasol_json_begin_array (json);
      for (guint k = 0; k < d->days->len; k++)
        parasol_json_int (json, g_array_index (d->days, int, k));
      parasol_json_end_array (json);
      if (cycle_start != NULL && g_date_valid (cycle_start))
        {
          parasol_json_member (json, "dates");
          parasol_json_begin_array (json);
          for (guint k = 0; k < d->days->len; k++)
            {
              GDate day = parasol_date_plus_days (cycle_start, g_array_index (d->days, int, k) - 1);
              char buf[16];

              parasol_json_string (json, fmt_date (&day, buf, sizeof buf));
            }
          parasol_json_end_array (json);
        }
      parasol_json_member_string (json, "working", d->working);
      parasol_json_member_string (json, "route", d->route);
      parasol_json_member_string (json, "tablets", d->tablets);
      parasol_json_member_boolean (json, "rounded", d->rounded);
      parasol_json_member_boolean (json, "capped", d->capped);
      parasol_json_member_double (json, "dose_level", d->dose_level);
      parasol_json_member_boolean (json, "configurable", d->configurable);
      if (d->note != NULL)
        parasol_json_member_string (json, "note", d->note);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "warnings");
  parasol_json_begin_array (json);
  for (guint i = 0; i < set->warnings->len; i++)
    parasol_json_string (json, g_ptr_array_index (set->warnings, i));
  parasol_json_end_array (json);
}

static char *
fmt_value (double      value,
           const char *unit)
{
  if (!isfinite (value))
    return g_strdup ("—");
  if (fabs (value) >= 1e6)
    return g_strdup_printf ("%.3g %s", value, unit ? unit : "");
  return g_strdup_printf ("%.1f %s", value, unit ? unit : "");
}

static void
print_dose_table (const ParasolDoseSet *set,
                  const GDate          *cycle_start)
{
  char buf[16];

  printf (_("Cycle %d (%s)\n"), set->cycle,
          set->phase == PARASOL_PHASE_MAINTENANCE ? _("maintenance") : _("induction"));
  if (cycle_start != NULL && g_date_valid (cycle_start))
    printf (_("Day 1: %s\n"), fmt_date (cycle_start, buf, sizeof buf));
  if (isfinite (set->bsa_m2))
    printf (_("BSA: %.2f m²\n"), set->bsa_m2);
  if (isfinite (set->crcl_ml_min))
    printf (_("CrCl (Cockcroft-Gault): %.1f mL/min; GFR used for Calvert: %.1f mL/min\n"),
            set->crcl_ml_min, set->gfr_used_ml_min);
  {
    g_autofree char *drug = parasol_cli_pad (_("Drug"), 22);
    g_autofree char *dose = parasol_cli_pad (_("Dose"), 14);
    g_autofree char *raw = parasol_cli_pad (_("Unrounded"), 14);

    printf ("\n%s %s %s  %s\n", drug, dose, raw, _("Days"));
  }
  for (guint i = 0; i < set->doses->len; i++)
    {
      const ParasolDose *d = g_ptr_array_index (set->doses, i);
      g_autoptr(GString) days = g_string_new (NULL);
      g_autofree char *dose = fmt_value (d->dose, d->unit);
      g_autofree char *raw = fmt_value (d->dose_unrounded, d->unit);
      g_autofree char *name = parasol_cli_pad (d->name, 22);
      g_autofree char *dose_col = parasol_cli_pad (dose, 14);
      g_autofree char *raw_col = parasol_cli_pad (raw, 14);

      for (guint k = 0; k < d->days->len; k++)
        g_string_append_printf (days, "%s%d", k ? "," : "", g_array_index (d->days, int, k));
      printf ("%s %s %s  %s\n", name, dose_col, raw_col, days->str);
      printf ("    %s\n", d->working);
    }
  for (guint i = 0; i < set->warnings->len; i++)
    printf (_("Warning: %s\n"), (const char *) g_ptr_array_index (set->warnings, i));
}

/* ---- dose --------------------------------------------------------------------------------- */

int
parasol_cli_dose (int    argc,
                  char **argv)
{
  g_autofree char *height = NULL, *weight = NULL, *creatinine = NULL, *creatinine_mg = NULL;
  g_autofree char *sex = NULL, *arm = NULL, *ici = NULL, *bsa_formula = NULL, *crcl_weight = NULL;
  g_autofree char *bsa_cap = NULL;
  int age = -1, cycle = 1, dose_level = 0;
  const GOptionEntry entries[] = {
    { "height-cm", 0, 0, G_OPTION_ARG_STRING, &height, N_("Height in centimetres"), N_("H") },
    { "weight-kg", 0, 0, G_OPTION_ARG_STRING, &weight, N_("Weight in kilograms"), N_("W") },
    { "age", 0, 0, G_OPTION_ARG_INT, &age, N_("Age in years"), N_("Y") },
    { "sex", 0, 0, G_OPTION_ARG_STRING, &sex, N_("female or male"), N_("SEX") },
    { "creatinine-umol-l", 0, 0, G_OPTION_ARG_STRING, &creatinine,
      N_("Serum creatinine in µmol/L"), N_("C") },
    { "creatinine-mg-dl", 0, 0, G_OPTION_ARG_STRING, &creatinine_mg,
      N_("Serum creatinine in mg/dL (instead of µmol/L)"), N_("C") },
    { "arm", 0, 0, G_OPTION_ARG_STRING, &arm, N_("Arm id (see “protocol show”)"), N_("ARM") },
    { "ici", 0, 0, G_OPTION_ARG_STRING, &ici,
      N_("Checkpoint inhibitor (default: the patient's, else the protocol's)"), N_("DRUG") },
    { "cycle", 0, 0, G_OPTION_ARG_INT, &cycle, N_("Cycle number (default 1)"), N_("N") },
    { "dose-level", 0, 0, G_OPTION_ARG_INT, &dose_level,
      N_("Dose level: 0 full dose, 1 for level −1, ... (drugs without reductions stay full)"), N_("N") },
    { "bsa-formula", 0, 0, G_OPTION_ARG_STRING, &bsa_formula,
      N_("mosteller (default) or dubois"), N_("FORMULA") },
    { "crcl-weight", 0, 0, G_OPTION_ARG_STRING, &crcl_weight,
      N_("Weight for Cockcroft-Gault: actual (default), ideal, adjusted or lower"), N_("WEIGHT") },
    { "bsa-cap", 0, 0, G_OPTION_ARG_STRING, &bsa_cap,
      N_("Cap the BSA at this many m² (not advised by ASCO)"), N_("M2") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolDoseSet) set = NULL;
  g_auto(Patient) patient = { 0 };
  const ParasolRegimen *regimen;
  ParasolDosingInput input;
  PatientDosing pd;
  gboolean standalone;
  GDate cycle_start;
  double v;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "[ID]",
                              N_("Calculate the doses of a cycle, for a patient (ID) or from "
                                 "measurements given as options (--height-cm, --weight-kg, --age, "
                                 "--sex, --creatinine-umol-l, --arm)."), -1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (argc > 2)
    return parasol_cli_usage_error (_("unexpected argument “%s”"), argv[2]);

  standalone = argc == 1;
  g_date_clear (&cycle_start, 1);
  parasol_dosing_input_init (&input);

  if (cycle < 1)
    return parasol_cli_usage_error (_("--cycle must be 1 or more"));
  if (dose_level < 0)
    return parasol_cli_usage_error (_("--dose-level must be 0 or more"));
  if (bsa_formula != NULL && !parasol_bsa_formula_from_string (bsa_formula, &input.bsa_formula))
    return parasol_cli_usage_error (_("--bsa-formula must be mosteller or dubois"));
  if (crcl_weight != NULL && !parasol_crcl_weight_from_string (crcl_weight, &input.crcl_weight))
    return parasol_cli_usage_error (_("--crcl-weight must be actual, ideal, adjusted or lower"));
  if (bsa_cap != NULL)
    {
      if (!parse_optional_double (bsa_cap, "--bsa-cap", &input.bsa_cap_m2, &error))
        return parasol_cli_usage_error ("%s", error->message);
      if (!(input.bsa_cap_m2 > 0))
        return parasol_cli_usage_error (_("--bsa-cap must be a positive number of m²"));
      input.bsa_cap = TRUE;
    }
  input.dose_level = dose_level;

  if (standalone)
    {
      ParasolSex parsed_sex;

      if (height == NULL || weight == NULL || age < 0 || sex == NULL || arm == NULL)
        return parasol_cli_usage_error (_("without a patient ID, give --height-cm, --weight-kg, "
                                          "--age, --sex, --creatinine-umol-l and --arm"));
      if (creatinine != NULL && creatinine_mg != NULL)
        return parasol_cli_usage_error (_("give the creatinine once, in µmol/L or in mg/dL"));

      if (!parse_optional_double (height, "--height-cm", &input.height_cm, &error) ||
          !parse_optional_double (weight, "--weight-kg", &input.weight_kg, &error))
        return parasol_cli_usage_error ("%s", error->message);
      if (creatinine != NULL &&
          !parse_optional_double (creatinine, "--creatinine-umol-l", &input.creatinine_umol_l, &error))
        return parasol_cli_usage_error ("%s", error->message);
      if (creatinine_mg != NULL)
        {
          if (!parse_optional_double (creatinine_mg, "--creatinine-mg-dl", &v, &error))
            return parasol_cli_usage_error ("%s", error->message);
          parasol_dosing_creatinine_to_umol_l (v, "mg/dL", &input.creatinine_umol_l, NULL);
        }
      if (!parasol_sex_from_string (sex, &parsed_sex) || parsed_sex == PARASOL_SEX_UNKNOWN)
        return parasol_cli_usage_error (_("--sex must be female or male"));
      input.sex = parsed_sex;
      input.age_years = age;

      protocol = load_standalone_protocol (&error);
      if (protocol == NULL)
        return parasol_cli_fail (error);

      /* Plausible ranges, all of them, whatever the cycle needs: the protocol's one table
       * (<plausible>; creatinine: its lab's range), as for `patient set` and `lab add` */
      if (!parasol_protocol_check_quantity (protocol, "height", input.height_cm, &error) ||
          !parasol_protocol_check_quantity (protocol, "weight", input.weight_kg, &error) ||
          !parasol_protocol_check_quantity (protocol, "age", input.age_years, &error) ||
          (!isnan (input.creatinine_umol_l) &&
           !parasol_protocol_check_quantity (protocol, "creatinine", input.creatinine_umol_l, &error)) ||
          !parasol_dosing_check_height (input.height_cm, &error) ||
          !parasol_dosing_check_weight (input.weight_kg, &error) ||
          !parasol_dosing_check_age (input.age_years, &error))
        return parasol_cli_fail (error);
      regimen = parasol_protocol_get_regimen (protocol);
      if (regimen == NULL)
        {
          g_set_error (&error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_INVALID,
                       _("The protocol defines no regimens"));
          return parasol_cli_fail (error);
        }
    }
  else
    {
      const ParasolScheduleCycle *c = NULL;
      g_autoptr(ParasolSchedule) schedule = NULL;
      GDate on;

      if (height || weight || age >= 0 || sex || creatinine || creatinine_mg)
        return parasol_cli_usage_error (_("give either a patient ID or the measurements, not both"));

      if (!patient_open (&patient, argv[1], &error))
        return parasol_cli_fail (error);
      protocol = g_object_ref (patient.protocol);
      regimen = parasol_protocol_get_regimen (protocol);
      if (arm == NULL)
        arm = g_strdup (patient.facts->arm);
      if (ici == NULL)
        ici = g_strdup (patient.facts->ici);

      /* The date of the cycle, when the patient has a calendar */
      if (g_date_valid (&patient.facts->c1d1))
        {
          ParasolScheduleOptions options;

          parasol_schedule_options_init (&options);
          options.max_maintenance_cycles = MAX (cycle - regimen->induction_cycles, 1);
          schedule = parasol_schedule_build (regimen, arm, ici, &patient.facts->c1d1,
                                             patient.facts, NULL, &options, NULL);
          if (schedule != NULL)
            c = parasol_schedule_get_cycle (schedule, cycle);
        }
      if (c != NULL)
        cycle_start = c->start;
      if (c != NULL)
        on = c->start;
      else
        parasol_date_set_today (&on);

      if (!patient_dosing_input (&patient, regimen, &on, &pd, &error))
        return parasol_cli_fail (error);
      pd.input.bsa_formula = input.bsa_formula;
      pd.input.crcl_weight = input.crcl_weight;
      pd.input.bsa_cap = input.bsa_cap;
      pd.input.bsa_cap_m2 = input.bsa_cap_m2;
      pd.input.dose_level = input.dose_level;
      input = pd.input;
    }

  /* What may be asked (core's rules): the patient's own arm, plausible numbers */
  if (!parasol_administration_check_dose_request (protocol, standalone ? NULL : patient.facts, arm,
                                                  ici, cycle, dose_level,
                                                  input.bsa_cap ? input.bsa_cap_m2 : NAN, &error))
    return parasol_cli_fail (error);

  set = parasol_dosing_compute (regimen, arm, ici, cycle, &input, &error);
  if (set == NULL)
    return parasol_cli_fail (error);

  if (!standalone && pd.recalculate)
    g_ptr_array_add (set->warnings, parasol_patient_dosing_weight_warning (&pd, regimen));
  if (!standalone && pd.weight_after_on)
    g_ptr_array_add (set->warnings, parasol_patient_dosing_weight_note (&pd, cycle));
  if (!standalone)
    {
      char *stale = parasol_administration_creatinine_warning (protocol, &pd, cycle);

      if (stale != NULL)
        g_ptr_array_add (set->warnings, stale);
    }

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      json_dose_set (json, set, &cycle_start);
      parasol_json_member_string (json, "arm", arm);
      parasol_json_member_string (json, "ici", ici ? ici : regimen->default_ici);
      /* the platinum the doses are for: the patient's, else the protocol's default */
      parasol_json_member_string (json, "platinum",
                                  input.platinum ? input.platinum : regimen->default_platinum);
      parasol_json_member_string (json, "bsa_formula", parasol_bsa_formula_to_string (input.bsa_formula));
      parasol_json_member_string (json, "crcl_weight", parasol_crcl_weight_to_string (input.crcl_weight));
      parasol_json_member_double (json, "weight_kg", input.weight_kg);
      if (!standalone)
        {
          parasol_json_member_string (json, "patient", patient.key);
          parasol_json_member_date (json, "cycle_start", &cycle_start);
          parasol_json_member_double (json, "current_weight_kg", pd.current_weight_kg);
          parasol_json_member_double (json, "dose_weight_kg", pd.dose_weight_kg);
          parasol_json_member_double (json, "weight_change", pd.weight_change);
          parasol_json_member_boolean (json, "recalculation_needed", pd.recalculate);
          parasol_json_member_date (json, "weight_date", &input.weight_date);
          parasol_json_member_date (json, "creatinine_date", &input.creatinine_date);
        }
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      if (!standalone)
        printf (_("Patient %s, arm %s\n"), patient.key, arm ? arm : _("not assigned"));
      print_dose_table (set, &cycle_start);
    }

  return PARASOL_CLI_OK;
}

/* ---- schedule ----------------------------------------------------------------------------- */

typedef struct {
  GHashTable *planned;     /* drug id -> double* (for the schedule's reduced/given marks) */
  GPtrArray  *sets;        /* ParasolDoseSet* per cycle, index = cycle - 1; NULL entries */
} CycleDoses;

static void
cycle_doses_clear (CycleDoses *cd)
{
  g_clear_pointer (&cd->planned, g_hash_table_unref);
  g_clear_pointer (&cd->sets, g_ptr_array_unref);
}

static ParasolSchedule *
build_patient_schedule (Patient                      *p,
                        const ParasolScheduleOptions *options,
                        CycleDoses                   *cd,
                        GPtrArray                    *warnings,
                        GError                      **error)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (p->protocol);
  g_autoptr(ParasolSchedule) first = NULL;

  if (!g_date_valid (&p->facts->c1d1))
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("Patient %s has no cycle 1 day 1; enrol with “parasol-cli enrol %s --c1d1 "
                     "YYYY-MM-DD”"), p->key, p->key);
      return NULL;
    }

  first = parasol_schedule_build (regimen, p->facts->arm, p->facts->ici, &p->facts->c1d1,
                                  p->facts, NULL, options, error);
  if (first == NULL)
    return NULL;

  if (cd == NULL)
    return g_steal_pointer (&first);

  /* Doses per cycle (on each cycle's day 1), then the calendar again knowing them */
  {
    GDate wd = weight_date (p);
    g_autoptr(ParasolPatientPlan) plan = parasol_patient_plan_build (regimen, p->facts, &wd,
                                                                     options, error);

    if (plan == NULL)
      return NULL;
    cd->planned = g_steal_pointer (&plan->planned);
    cd->sets = g_steal_pointer (&plan->dose_sets);
    for (guint i = 0; warnings != NULL && i < plan->warnings->len; i++)
      g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (plan->warnings, i)));
    return g_steal_pointer (&plan->schedule);
  }
}

static void
json_schedule (ParasolJson           *json,
               Patient               *p,
               const ParasolSchedule *s,
               CycleDoses            *cd,
               GPtrArray             *warnings)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (p->protocol);

  parasol_json_begin_object (json);
  parasol_json_member_string (json, "patient", p->key);
  parasol_json_member_date (json, "c1d1", &s->c1d1);
  parasol_json_member_string (json, "arm", s->arm);
  parasol_json_member_string (json, "ici", s->ici);
  parasol_json_member_string (json, "platinum",
                              p->facts && p->facts->platinum ? p->facts->platinum
                              : regimen->default_platinum);
  parasol_json_member_int (json, "induction_cycles", regimen->induction_cycles);
  parasol_json_member_int (json, "induction_cycle_days", s->induction_cycle_days);
  parasol_json_member_int (json, "maintenance_cycle_days", s->maintenance_cycle_days);
  parasol_json_member_int (json, "visit_window_days", regimen->visit_window_days);

  parasol_json_member (json, "cycles");
  parasol_json_begin_array (json);
  for (guint i = 0; i < s->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (s->cycles, i);
      const ParasolDoseSet *set = cd && i < cd->sets->len ? g_ptr_array_index (cd->sets, i) : NULL;

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "number", c->number);
      parasol_json_member_string (json, "phase",
                                  c->phase == PARASOL_PHASE_MAINTENANCE ? "maintenance" : "induction");
      parasol_json_member_int (json, "length_days", c->length_days);
      parasol_json_member_date (json, "planned_start", &c->planned_start);
      parasol_json_member_date (json, "window_start", &c->window_start);
      parasol_json_member_date (json, "window_end", &c->window_end);
      parasol_json_member_date (json, "start", &c->start);
      parasol_json_member_date (json, "end", &c->end);
      parasol_json_member_date (json, "labs_from", &c->labs_from);
      parasol_json_member_date (json, "labs_to", &c->labs_to);
      parasol_json_member_string (json, "status", parasol_cycle_status_to_string (c->status));
      parasol_json_member_int (json, "delay_days", c->delay_days);
      parasol_json_member_boolean (json, "deviation", c->deviation);
      parasol_json_member_string (json, "reason", c->reason);
      parasol_json_member (json, "doses");
      parasol_json_begin_array (json);
      for (guint k = 0; k < c->doses->len; k++)
        {
          const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);
          const ParasolDose *calc = set ? parasol_dose_set_find (set, d->drug) : NULL;

          parasol_json_begin_object (json);
          parasol_json_member_string (json, "drug", d->drug);
          parasol_json_member_string (json, "name", d->name);
          parasol_json_member_int (json, "day", d->cycle_day);
          parasol_json_member_date (json, "date", &d->date);
          parasol_json_member_string (json, "status", parasol_dose_status_to_string (d->status));
          parasol_json_member_double (json, "dose", calc ? calc->dose : NAN);
          parasol_json_member_string (json, "unit", d->unit);
          parasol_json_member_double (json, "given_dose", d->given_dose);
          parasol_json_member_boolean (json, "flagged", d->flagged);
          parasol_json_member_string (json, "reason", d->reason);
          parasol_json_end_object (json);
        }
      parasol_json_end_array (json);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "visits");
  parasol_json_begin_array (json);
  for (guint i = 0; i < s->visits->len; i++)
    {
      const ParasolScheduleVisit *v = g_ptr_array_index (s->visits, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "kind", parasol_visit_kind_to_string (v->kind));
      parasol_json_member_int (json, "cycle", v->cycle);
      parasol_json_member_date (json, "date", &v->date);
      parasol_json_member_date (json, "window_start", &v->window_start);
      parasol_json_member_date (json, "window_end", &v->window_end);
      parasol_json_member_string (json, "summary", v->summary);
      parasol_json_member_string (json, "description", v->description);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  /* The start-of-cycle check for the next cycle that has not started */
  for (guint i = 0; i < s->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (s->cycles, i);
      g_autofree char *message = NULL;
      ParasolStartVerdict verdict;
      static const char *verdicts[] = { "start", "delay", "labs_needed" };

      if (c->status == PARASOL_CYCLE_STARTED || c->status == PARASOL_CYCLE_SKIPPED)
        continue;
      verdict = parasol_schedule_check_start (regimen, p->facts, &c->start, &message);
      parasol_json_member (json, "start_check");
      parasol_json_begin_object (json);
      parasol_json_member_int (json, "cycle", c->number);
      parasol_json_member_date (json, "day1", &c->start);
      parasol_json_member_string (json, "verdict", verdicts[verdict]);
      parasol_json_member_string (json, "message", message);
      parasol_json_end_object (json);
      break;
    }

  parasol_json_member_boolean (json, "discontinuation_proposed", s->discontinuation_proposed);
  parasol_json_member_string (json, "discontinuation_reason", s->discontinuation_reason);
  parasol_json_member (json, "warnings");
  parasol_json_begin_array (json);
  for (guint i = 0; i < s->warnings->len; i++)
    parasol_json_string (json, g_ptr_array_index (s->warnings, i));
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    parasol_json_string (json, g_ptr_array_index (warnings, i));
  parasol_json_end_array (json);
  parasol_json_end_object (json);
}

static void
print_schedule (Patient               *p,
                const ParasolSchedule *s,
                CycleDoses            *cd,
                GPtrArray             *warnings)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (p->protocol);
  char a[16], b[16], c1[16];

  printf (_("Patient %s — arm %s, checkpoint inhibitor %s, C1D1 %s\n"), p->key,
          s->arm ? s->arm : _("not assigned"), s->ici ? s->ici : "—",
          fmt_date (&s->c1d1, c1, sizeof c1));
  {
    g_autofree char *h1 = parasol_cli_pad (_("Cycle"), 6);
    g_autofree char *h2 = parasol_cli_pad (_("Phase"), 12);
    g_autofree char *h3 = parasol_cli_pad (_("Day 1"), 11);
    g_autofree char *h4 = parasol_cli_pad (_("Window"), 24);
    g_autofree char *h5 = parasol_cli_pad (_("Status"), 9);

    printf ("\n%s %s %s %s %s %s\n", h1, h2, h3, h4, h5, _("Treatment"));
  }
  for (guint i = 0; i < s->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (s->cycles, i);
      const ParasolDoseSet *set = cd && i < cd->sets->len ? g_ptr_array_index (cd->sets, i) : NULL;
      g_autoptr(GString) drugs = g_string_new (NULL);
      g_autofree char *window = g_strdup_printf ("%s – %s", fmt_date (&c->window_start, a, sizeof a),
                                                 fmt_date (&c->window_end, b, sizeof b));
      char d1[16];

      for (guint k = 0; k < c->doses->len; k++)
        {
          const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);
          const ParasolDose *calc = set ? parasol_dose_set_find (set, d->drug) : NULL;

          if (strstr (drugs->str, d->name) != NULL)
            continue;
          if (drugs->len > 0)
            g_string_append (drugs, "; ");
          if (calc != NULL && calc->dose < 1e6)
            g_string_append_printf (drugs, "%s %.0f %s", d->name, calc->dose, calc->unit);
          else if (calc != NULL)
            g_string_append_printf (drugs, "%s %.3g %s", d->name, calc->dose, calc->unit);
          else
            g_string_append (drugs, d->name);
        }

      {
        g_autofree char *phase = parasol_cli_pad (c->phase == PARASOL_PHASE_MAINTENANCE
                                                    ? _("maintenance") : _("induction"), 12);
        g_autofree char *day1 = parasol_cli_pad (fmt_date (&c->start, d1, sizeof d1), 11);
        g_autofree char *window_col = parasol_cli_pad (window, 24);
        g_autofree char *status = parasol_cli_pad (parasol_cycle_status_to_string (c->status), 9);

        printf ("%-6d %s %s %s %s %s%s\n", c->number, phase, day1, window_col, status, drugs->str,
                c->deviation ? _("  [deviation]") : "");
      }
    }

  {
    g_autofree char *h1 = parasol_cli_pad (_("Date"), 11);
    g_autofree char *h2 = parasol_cli_pad (_("Visit"), 24);

    printf ("\n%s %s %s\n", h1, h2, _("Details"));
  }
  for (guint i = 0; i < s->visits->len; i++)
    {
      const ParasolScheduleVisit *v = g_ptr_array_index (s->visits, i);

      g_autofree char *date = parasol_cli_pad (fmt_date (&v->date, a, sizeof a), 11);
      g_autofree char *summary = parasol_cli_pad (v->summary, 24);

      printf ("%s %s %s\n", date, summary, v->description);
    }

  for (guint i = 0; i < s->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (s->cycles, i);
      g_autofree char *message = NULL;

      if (c->status == PARASOL_CYCLE_STARTED || c->status == PARASOL_CYCLE_SKIPPED)
        continue;
      parasol_schedule_check_start (regimen, p->facts, &c->start, &message);
      printf (_("\nCycle %d start check: %s\n"), c->number, message);
      break;
    }

  for (guint i = 0; i < s->warnings->len; i++)
    printf (_("Warning: %s\n"), (const char *) g_ptr_array_index (s->warnings, i));
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    printf (_("Warning: %s\n"), (const char *) g_ptr_array_index (warnings, i));
}

int
parasol_cli_schedule (int    argc,
                      char **argv)
{
  g_autofree char *ics_path = NULL;
  int horizon_days = 0, maintenance_cycles = 0;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "ics", 0, 0, G_OPTION_ARG_FILENAME, &ics_path,
      N_("Write the visits as an iCalendar file"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace the --ics file if it exists"), NULL },
    { "horizon-days", 0, 0, G_OPTION_ARG_INT, &horizon_days,
      N_("List maintenance cycles starting within this many days of C1D1 (default 365)"), N_("DAYS") },
    { "maintenance-cycles", 0, 0, G_OPTION_ARG_INT, &maintenance_cycles,
      N_("List this many maintenance cycles instead"), N_("N") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolSchedule) schedule = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_auto(Patient) patient = { 0 };
  CycleDoses cd = { 0 };
  ParasolScheduleOptions options;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Show the patient's cycle calendar: cycles, treatment days, "
                                 "visits, labs and imaging; or export it with --ics FILE."), 1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (horizon_days < 0 || maintenance_cycles < 0)
    return parasol_cli_usage_error (_("--horizon-days and --maintenance-cycles must be positive"));

  parasol_schedule_options_init (&options);
  if (horizon_days > 0)
    options.horizon_days = horizon_days;
  options.max_maintenance_cycles = maintenance_cycles;

  if (!patient_open (&patient, argv[1], &error))
    return parasol_cli_fail (error);

  schedule = build_patient_schedule (&patient, &options, &cd, warnings, &error);
  if (schedule == NULL)
    {
      cycle_doses_clear (&cd);
      return parasol_cli_fail (error);
    }

  if (ics_path != NULL)
    {
      g_autofree char *ics = parasol_ics_from_schedule (schedule, patient.key, NULL);

      /* 0600, temp file + rename: a reader never sees half a calendar; no silent overwrite */
      if (!parasol_store_write_export (ics_path, ics, strlen (ics), force, &error))
        {
          cycle_doses_clear (&cd);
          return parasol_cli_fail (error);
        }

      if (parasol_cli_options.json)
        {
          g_autoptr(ParasolJson) json = parasol_json_new ();

          parasol_json_begin_object (json);
          parasol_json_member_string (json, "patient", patient.key);
          parasol_json_member_string (json, "ics", ics_path);
          parasol_json_member_int (json, "events", schedule->visits->len);
          parasol_json_member_int (json, "cycles", schedule->cycles->len);
          parasol_json_end_object (json);
          parasol_cli_print_json (json);
        }
      else
        printf (_("Wrote %u calendar events for %s to %s.\n"), schedule->visits->len,
                patient.key, ics_path);
    }
  else if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      json_schedule (json, &patient, schedule, &cd, warnings);
      parasol_cli_print_json (json);
    }
  else
    print_schedule (&patient, schedule, &cd, warnings);

  cycle_doses_clear (&cd);
  return PARASOL_CLI_OK;
}

