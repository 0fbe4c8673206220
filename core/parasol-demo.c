/* parasol-demo.c — a synthetic trial for demonstrations, tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is drawn from one GRand seeded by the caller and dated against a fixed data cut,
 * so the same seed gives the same trial on any day.  Every write goes through the audited
 * store API, in batches of one transaction per DEMO_BATCH patients.
 */
#define G_LOG_DOMAIN "parasol-demo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "parasol-demo.h"
#include "parasol-dosing.h"
#include "parasol-eligibility.h"

#define DEMO_BATCH 500

/* Patients past this many get a lighter record (the summary row and the screening labs, no
 * attestations, biomarkers or treatment history): every record costs an audited insert (about
 * 20 us with its SHA-256 link), and a full patient holds about 65 of them, so 100 000 full
 * patients would take minutes.  The first DEMO_FULL_DETAIL cover every screen and benchmark
 * that reads clinical detail. */
#define DEMO_FULL_DETAIL 5000

/* The demo's "today": results and cycles stop here. */
#define DATA_CUT_YEAR 2026
#define DATA_CUT_MONTH 11
#define DATA_CUT_DAY 20

static const char *const sites[] = { "Tianjin", "Beijing", "Shanghai", "Guangzhou" };

typedef struct {
  const char *lab;
  double      low;      /* normal draw, canonical unit */
  double      high;
  double      uln;      /* NAN: no ULN */
  double      failing;  /* a value that fails screening */
} LabRecipe;

/* Canonical units of the BUTTONS-001 protocol: 10^9/L, g/L, U/L, umol/L, ratio, s. */
static const LabRecipe lab_recipes[] = {
  { "anc", 1.8, 6.5, NAN, 1.1 },
  { "plt", 120, 380, NAN, 72 },
  { "hgb", 98, 155, NAN, 81 },
  { "ast", 12, 58, 40, 140 },
  { "alt", 10, 55, 40, 150 },
  { "tbil", 5, 24, 21, 45 },
  { "creatinine", 48, 105, 110, 190 },
  { "inr", 0.9, 1.2, 1.2, 2.1 },
  { "aptt", 24, 38, 40, 75 },
};

typedef enum {
  DEMO_SCREENING,
  DEMO_SCREEN_FAILED,
  DEMO_TREATED,
} DemoFate;

typedef struct {
  ParasolStore         *store;
  ParasolProtocol      *protocol;
  const ParasolRegimen *regimen;
  GRand                *rand;
  GDate                 data_cut;
  int                   n_patients;
  int                   width;
  int                   next_subject;
} Demo;

static double
uniform (Demo  *demo,
         double low,
         double high)
{
  return low + g_rand_double (demo->rand) * (high - low);
}

static double
round_to (double value,
          double step)
{
  return round (value / step) * step;
}

static gboolean
add_labs (Demo                 *demo,
          gint64                id,
          const GDate          *date,
          const char           *failing_lab,
          GError              **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (lab_recipes); i++)
    {
      const LabRecipe *r = &lab_recipes[i];
      const ParasolLabDef *def = parasol_protocol_find_lab (demo->protocol, r->lab);
      ParasolLabResult lab = { 0 };
      double value;

      if (def == NULL)
        continue;

      value = g_strcmp0 (failing_lab, r->lab) == 0 ? r->failing : uniform (demo, r->low, r->high);
      value = value < 10 ? round_to (value, 0.01) : round_to (value, 1);
      if (value < def->plausible_min || value > def->plausible_max)
        continue;

      lab.lab = (char *) r->lab;
      lab.value = value;
      lab.unit = def->unit;
      lab.value_entered = value;
      lab.unit_entered = def->unit;
      lab.uln = def->needs_uln ? r->uln : NAN;
      if (def->needs_uln && !isfinite (lab.uln))
        lab.uln = r->high;
      lab.date = *date;

      if (parasol_store_add_lab (demo->store, id, &lab, NULL, error) == 0)
        return FALSE;
    }
  return TRUE;
}

/* A negative pregnancy test within the protocol's window before C1D1 (inc-07), or with the
 * screening labs while C1D1 is not set. */
static gboolean
add_pregnancy_test (Demo        *demo,
                    gint64       id,
                    const GDate *sample,
                    const GDate *c1d1,
                    GError     **error)
{
  const ParasolLabDef *def = parasol_protocol_find_lab (demo->protocol, "hcg");
  ParasolLabResult lab = { 0 };
  GDate today;

  if (def == NULL || !def->qualitative)
    return TRUE;
  lab.date = *sample;
  if (g_date_valid (c1d1))
    {
      lab.date = parasol_date_plus_days (c1d1, -2);
      parasol_date_set_today (&today);
      if (g_date_compare (&lab.date, &today) > 0)
        lab.date = today;
    }
  lab.lab = def->id;
  lab.value = 0;
  lab.unit = def->unit;
  lab.value_entered = 0;
  lab.unit_entered = def->unit;
  lab.uln = NAN;
  return parasol_store_add_lab (demo->store, id, &lab, NULL, error) != 0;
}

static gboolean
add_attestations (Demo        *demo,
                  gint64       id,
                  const GDate *date,
                  const char  *failing,
                  GError     **error)
{
  GPtrArray *criteria = parasol_protocol_get_criteria (demo->protocol);

  for (guint i = 0; i < criteria->len; i++)
    {
      const ParasolCriterion *c = g_ptr_array_index (criteria, i);
      ParasolAttestation a = { 0 };

      if (c->evaluation != PARASOL_EVALUATION_ATTESTED && c->attest_text == NULL)
        continue;

      a.criterion = c->id;
      a.met = g_strcmp0 (failing, c->id) != 0;
      a.note = a.met ? NULL : (char *) "Demo: condition present";
      a.source = (char *) "Demo medical record";
      a.date = *date;
      if (parasol_store_set_attestation (demo->store, id, &a, NULL, error) == 0)
        return FALSE;
    }
  return TRUE;
}

/* A value just past (or clearly short of) the marker's first threshold. */
static gboolean
add_biomarkers (Demo        *demo,
                gint64       id,
                const GDate *date,
                const char  *arm,
                gboolean     pending,
                GError     **error)
{
  GPtrArray *markers = parasol_protocol_get_biomarkers (demo->protocol);

  for (guint i = 0; i < markers->len; i++)
    {
      const ParasolBiomarkerDef *def = g_ptr_array_index (markers, i);
      const ParasolMarkerThreshold *t;
      ParasolBiomarkerResult m = { 0 };
      gboolean positive;

      if (def->thresholds == NULL || def->thresholds->len == 0)
        continue;
      t = &g_array_index (def->thresholds, ParasolMarkerThreshold, 0);

      /* Which markers drive which arm follows the default assignment rules. */
      if (g_strcmp0 (arm, "dll3") == 0)
        positive = g_str_equal (def->id, "dll3") || g_str_equal (def->id, "ascl1");
      else if (g_strcmp0 (arm, "xpo1") == 0)
        positive = g_str_equal (def->id, "myc");
      else if (g_strcmp0 (arm, "anlotinib") == 0)
        positive = g_str_equal (def->id, "vim") || g_str_equal (def->id, "axl");
      else
        positive = FALSE;

      m.marker = def->id;
      m.method = t->method;
      m.date = *date;
      m.intensity[0] = m.intensity[1] = m.intensity[2] = NAN;
      m.pending = pending;

      switch (t->method)
        {
        case PARASOL_MARKER_METHOD_PERCENT:
          m.value = positive ? round (uniform (demo, t->value + 2, MIN (t->value + 45, 95)))
                             : round (uniform (demo, 0, MAX (t->value - 4, 0)));
          break;
        case PARASOL_MARKER_METHOD_HSCORE:
          {
            double strong = positive ? round (uniform (demo, 45, 70)) : round (uniform (demo, 0, 10));
            double moderate = positive ? round (uniform (demo, 10, 25)) : round (uniform (demo, 0, 20));
            double weak = round (uniform (demo, 0, 100 - strong - moderate));

            m.intensity[0] = weak;
            m.intensity[1] = moderate;
            m.intensity[2] = strong;
            m.value = weak + 2 * moderate + 3 * strong;
          }
          break;
        case PARASOL_MARKER_METHOD_AMPLIFIED:
          m.value = positive ? 1 : 0;
          break;
        }
      if (pending)
        m.value = NAN;

      if (parasol_store_add_biomarker (demo->store, id, &m, NULL, error) == 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_treatment (Demo                *demo,
               gint64               id,
               ParasolPatientFacts *p,
               gboolean             stops,
               GError             **error)
{
  ParasolDosingInput input;
  GDate day1 = p->c1d1;
  GDate last = p->c1d1;
  int max_cycles = stops ? g_rand_int_range (demo->rand, 2, 9) : 60;
  int n_cycles = 0;
  const char *const responses[] = { "SD", "PR", "PR", "SD", "CR" };
  const ParasolLabDef *creat = parasol_protocol_find_lab (demo->protocol, "creatinine");
  const ParasolLabResult *scr = parasol_patient_facts_find_lab (p, "creatinine", NULL);
  GDate assess;

  parasol_dosing_input_init (&input);
  input.height_cm = p->height_cm;
  input.weight_kg = p->weight_kg;
  input.age_years = parasol_age_on (&p->birth_date, &p->c1d1);
  input.sex = p->sex;
  input.creatinine_umol_l = scr != NULL && creat != NULL ? scr->value : 80;
  input.platinum = p->platinum;

  for (int cycle = 1; cycle <= max_cycles; cycle++)
    {
      g_autoptr(ParasolDoseSet) doses = NULL;
      ParasolCycleRecord record = { 0 };
      gboolean delayed = cycle > 1 && g_rand_int_range (demo->rand, 0, 10) == 0;

      if (delayed)
        g_date_add_days (&day1, 7);
      if (g_date_compare (&day1, &demo->data_cut) > 0)
        break;

      record.number = cycle;
      record.start = day1;
      /* A delayed cycle that then went ahead is a started cycle, late, with its reason. */
      record.status = (char *) "started";
      record.reason = delayed ? (char *) "Demo: delayed 7 days, ANC below 1.5 x 10^9/L on day 1" : NULL;
      if (parasol_store_set_cycle (demo->store, id, &record, NULL, error) == 0)
        return FALSE;

      doses = parasol_dosing_compute (demo->regimen, p->arm, p->ici, cycle, &input, NULL);
      for (guint i = 0; doses != NULL && i < doses->doses->len; i++)
        {
          const ParasolDose *d = g_ptr_array_index (doses->doses, i);
          ParasolAdministration a = { 0 };
          GDate given = day1;

          /* Oral drugs: one dispensing on the first day; IV drugs: each day. */
          for (guint k = 0; k < d->days->len; k++)
            {
              int day = g_array_index (d->days, int, k);

              given = day1;
              g_date_add_days (&given, day - 1);
              if (g_date_compare (&given, &demo->data_cut) > 0)
                break;

              a.cycle = cycle;
              a.drug = d->drug;
              a.date = given;
              a.dose = d->dose;
              a.unit = d->unit;
              a.given_by = (char *) "demo.nurse";
              if (parasol_store_add_administration (demo->store, id, &a, error) == 0)
                return FALSE;
              if (g_strcmp0 (d->route, "oral") == 0)
                break;
            }
        }

      last = day1;
      n_cycles = cycle;
      g_date_add_days (&day1, parasol_dosing_cycle_phase (demo->regimen, cycle + 1) ==
                                PARASOL_PHASE_MAINTENANCE
                                ? demo->regimen->maintenance_cycle_days
                                : demo->regimen->cycle_days);
    }

  /* Imaging every six weeks from C1D1 while on treatment. */
  assess = p->c1d1;
  for (int k = 1;; k++)
    {
      ParasolResponse r = { 0 };
      gboolean final;

      g_date_add_days (&assess, demo->regimen->imaging_every_days > 0
                                  ? demo->regimen->imaging_every_days : 42);
      if (g_date_compare (&assess, &demo->data_cut) > 0)
        break;
      final = stops && g_date_compare (&assess, &last) > 0;
      r.date = assess;
      r.response = (char *) (final ? "PD" : responses[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (responses))]);
      if (parasol_store_add_response (demo->store, id, &r, error) == 0)
        return FALSE;
      if (final)
        break;
    }

  if (stops)
    {
      ParasolEvent e = { 0 };
      GDate end = last;
      int why = g_rand_int_range (demo->rand, 0, 4);

      g_date_add_days (&end, 21);
      if (g_date_compare (&end, &demo->data_cut) > 0)
        end = demo->data_cut;
      e.date = end;
      e.kind = (char *) (why == 0 ? "discontinuation" : "progression");
      e.reason = (char *) (why == 0 ? "Demo: adverse event (febrile neutropenia)" : "Demo: RECIST progression");
      if (parasol_store_add_event (demo->store, id, &e, error) == 0)
        return FALSE;

      if (g_rand_int_range (demo->rand, 0, 3) == 0)
        {
          g_date_add_days (&end, g_rand_int_range (demo->rand, 20, 200));
          if (g_date_compare (&end, &demo->data_cut) <= 0)
            {
              e.date = end;
              e.kind = (char *) "death";
              e.reason = (char *) "Demo: disease progression";
              if (parasol_store_add_event (demo->store, id, &e, error) == 0)
                return FALSE;
            }
        }
    }

  if (n_cycles == 0)
    return TRUE;

  return parasol_store_set_patient_status (demo->store, id,
                                           stops ? "off_treatment" : "on_treatment",
                                           "Demo: treatment status", error);
}

static gboolean
add_patient (Demo    *demo,
             int      index,
             GError **error)
{
  g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();
  GPtrArray *arms = parasol_protocol_get_arms (demo->protocol);
  GPtrArray *icis = demo->regimen->icis;
  GDate sample;
  DemoFate fate;
  const char *failing_lab = NULL;
  const char *failing_criterion = NULL;
  double r = g_rand_double (demo->rand);
  gint64 id;
  int age;
  char initials[4] = { 0 };

  /* Screening dates spread over the 14 months before the data cut, in order. */
  g_date_set_dmy (&p->screening_date, DATA_CUT_DAY, DATA_CUT_MONTH, DATA_CUT_YEAR);
  g_date_subtract_days (&p->screening_date,
                        425 - (guint) (425.0 * index / MAX (demo->n_patients, 1)));

  if (index >= demo->n_patients - MAX (demo->n_patients / 8, 1))
    fate = DEMO_SCREENING;
  else if (r < 0.14)
    fate = DEMO_SCREEN_FAILED;
  else
    fate = DEMO_TREATED;

  p->screening_number = g_strdup_printf ("S-%0*d", demo->width, index + 1);
  for (guint k = 0; k < 2 + (guint) g_rand_int_range (demo->rand, 0, 2); k++)
    initials[k] = 'A' + g_rand_int_range (demo->rand, 0, 26);
  p->initials = g_strdup (initials);
  p->site = g_strdup (sites[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (sites))]);
  p->sex = g_rand_int_range (demo->rand, 0, 100) < 68 ? PARASOL_SEX_MALE : PARASOL_SEX_FEMALE;
  age = g_rand_int_range (demo->rand, 38, 75);
  p->birth_date = p->screening_date;
  g_date_subtract_years (&p->birth_date, age);
  g_date_subtract_days (&p->birth_date, g_rand_int_range (demo->rand, 1, 360));
  p->ecog = g_rand_int_range (demo->rand, 0, 2);
  p->liver_metastases = g_rand_int_range (demo->rand, 0, 10) < 3 ? PARASOL_TRI_YES : PARASOL_TRI_NO;
  p->liver_infiltration = PARASOL_TRI_NO;
  p->height_cm = round (p->sex == PARASOL_SEX_MALE ? uniform (demo, 160, 185) : uniform (demo, 150, 172));
  p->weight_kg = round_to (p->sex == PARASOL_SEX_MALE ? uniform (demo, 55, 92) : uniform (demo, 45, 78), 0.5);
  /* Recorded for every woman (inc-07): under 50 of childbearing potential, later not */
  if (p->sex == PARASOL_SEX_FEMALE)
    p->childbearing_potential = age < 50 ? PARASOL_TRI_YES : PARASOL_TRI_NO;

  if (fate == DEMO_SCREEN_FAILED)
    {
      int why = g_rand_int_range (demo->rand, 0, 4);

      p->status = g_strdup ("screen_failed");
      if (why == 0)
        {
          /* Too old by the screening date. */
          p->birth_date = p->screening_date;
          g_date_subtract_years (&p->birth_date, 76 + g_rand_int_range (demo->rand, 0, 4));
        }
      else if (why == 1)
        failing_criterion = "exc-01";
      else
        failing_lab = lab_recipes[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (lab_recipes))].lab;
    }
  else if (fate == DEMO_TREATED)
    {
      gboolean light = index >= DEMO_FULL_DETAIL;

      const ParasolArmDef *arm = g_ptr_array_index (arms, g_rand_int_range (demo->rand, 0, arms->len));
      const ParasolDrug *ici = g_ptr_array_index (icis, g_rand_int_range (demo->rand, 0, icis->len));

      p->arm = g_strdup (arm->id);
      p->ici = g_strdup (ici->id);
      p->platinum = g_strdup (demo->regimen->default_platinum);
      p->subject_number = g_strdup_printf ("BT-%0*d", demo->width, ++demo->next_subject);
      p->c1d1 = p->screening_date;
      g_date_add_days (&p->c1d1, g_rand_int_range (demo->rand, 7, 14));
      p->dose_weight_kg = p->weight_kg;
      if (light)
        p->status = g_strdup (g_rand_double (demo->rand) < 0.85 - 0.6 * index / demo->n_patients
                                ? "off_treatment" : "on_treatment");
      else
        p->status = g_strdup ("enrolled");
    }
  else
    p->status = g_strdup ("screening");

  /* The weight is recorded as measured on the screening day, as a site records it: a weight
   * without its date would read as measured the day the demo was made, after the cycles it
   * dosed. */
  {
    double kg = p->weight_kg;
    GDate measured = p->screening_date, today;

    parasol_date_set_today (&today);
    if (g_date_compare (&measured, &today) > 0)
      measured = today;
    p->weight_kg = NAN;
    id = parasol_store_add_patient (demo->store, p, error);
    p->weight_kg = kg;
    if (id == 0 || parasol_store_add_weight (demo->store, id, kg, &measured, 0, NULL, error) == 0)
      return FALSE;
  }

  /* Labs a few days before screening; a patient still in screening may lack some. */
  sample = p->screening_date;
  {
    int back = g_rand_int_range (demo->rand, 0, 5);

    /* An enrolled patient's labs are still valid on C1D1: the demo obeys the eligibility rules */
    if (g_date_valid (&p->c1d1))
      back = MIN (back, parasol_protocol_get_window_days (demo->protocol, PARASOL_WINDOW_LAB) -
                          (int) g_date_days_between (&p->screening_date, &p->c1d1));
    g_date_subtract_days (&sample, MAX (back, 0));
  }
  if (fate != DEMO_SCREENING || g_rand_boolean (demo->rand))
    {
      if (!add_labs (demo, id, &sample, failing_lab, error))
        return FALSE;
      if (p->childbearing_potential == PARASOL_TRI_YES &&
          !add_pregnancy_test (demo, id, &sample, &p->c1d1, error))
        return FALSE;
      if (index < DEMO_FULL_DETAIL &&
          !add_attestations (demo, id, &p->screening_date, failing_criterion, error))
        return FALSE;
    }

  if (fate == DEMO_SCREEN_FAILED || index >= DEMO_FULL_DETAIL)
    return TRUE;

  if (!add_biomarkers (demo, id, &sample, p->arm, fate == DEMO_SCREENING && g_rand_boolean (demo->rand),
                       error))
    return FALSE;

  if (fate == DEMO_SCREENING)
    return TRUE;

  if (parasol_store_record_assignment (demo->store, id, p->arm, p->arm,
                                       parasol_protocol_get_version (demo->protocol),
                                       "Demo: proposal confirmed", error) == 0)
    return FALSE;

  {
    g_autoptr(ParasolPatientFacts) stored = parasol_store_load_patient (demo->store, id, error);
    gboolean stops;

    if (stored == NULL)
      return FALSE;
    /* Every 25th subject from BT-0007 on cisplatin, the alternative platinum, when the
     * creatinine clearance it needs holds on C1D1 (no random draw: the rest stays as it was) */
    if (demo->regimen->platinums != NULL && demo->regimen->platinums->len > 1 &&
        parasol_regimen_find_platinum (demo->regimen, "cisplatin") != NULL &&
        demo->next_subject % 25 == 7 &&
        parasol_eligibility_check_platinum (demo->protocol, stored, "cisplatin", &stored->c1d1,
                                            NULL) == PARASOL_STATUS_MET)
      {
        if (!parasol_store_set_patient_platinum (demo->store, id, "cisplatin",
                                                 "Demo: cisplatin chosen at enrolment", error))
          return FALSE;
        g_free (stored->platinum);
        stored->platinum = g_strdup ("cisplatin");
      }
    /* Earlier patients have had more time to progress. */
    stops = g_rand_double (demo->rand) < 0.85 - 0.6 * index / MAX (demo->n_patients, 1);
    return add_treatment (demo, id, stored, stops, error);
  }
}

gboolean
parasol_demo_populate (ParasolStore    *store,
                       ParasolProtocol *protocol,
                       int              n_patients,
                       guint32          seed,
                       GError         **error)
{
  Demo demo = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (PARASOL_IS_STORE (store), FALSE);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), FALSE);
  g_return_val_if_fail (n_patients > 0, FALSE);

  demo.store = store;
  demo.protocol = protocol;
  demo.regimen = parasol_protocol_get_regimen (protocol);
  demo.rand = g_rand_new_with_seed (seed);
  demo.n_patients = n_patients;
  demo.width = MAX (4, (int) floor (log10 (n_patients)) + 1);
  g_date_clear (&demo.data_cut, 1);
  g_date_set_dmy (&demo.data_cut, DATA_CUT_DAY, DATA_CUT_MONTH, DATA_CUT_YEAR);

  parasol_store_set_actor (store, "parasol-demo", _("Demo data generator"));

  for (int i = 0; ok && i < n_patients; i += DEMO_BATCH)
    {
      if (!parasol_store_begin (store, error))
        {
          ok = FALSE;
          break;
        }
      for (int k = i; ok && k < MIN (i + DEMO_BATCH, n_patients); k++)
        ok = add_patient (&demo, k, error);
      if (ok)
        ok = parasol_store_commit (store, error);
      else
        parasol_store_rollback (store);
    }

  g_rand_free (demo.rand);
  return ok;
}
