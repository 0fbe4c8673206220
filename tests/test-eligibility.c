/* test-eligibility.c — every criterion at its boundaries, verdicts and expiry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "parasol-eligibility.h"

static ParasolProtocol *protocol;

/* Screening on 2025-03-10; everything sampled the same day. */
#define SCREEN_Y 2025
#define SCREEN_M 3
#define SCREEN_D 10

static void
add_lab (ParasolPatientFacts *f,
         const char          *lab,
         double               value,
         double               uln)
{
  ParasolLabResult *r = parasol_lab_result_new ();
  const ParasolLabDef *def = parasol_protocol_find_lab (protocol, lab);

  r->id = f->labs->len + 1;
  r->lab = g_strdup (lab);
  r->value = value;
  r->unit = g_strdup (def->unit);
  r->uln = uln;
  g_date_set_dmy (&r->date, SCREEN_D, SCREEN_M, SCREEN_Y);
  g_ptr_array_add (f->labs, r);
}

static void
set_lab (ParasolPatientFacts *f,
         const char          *lab,
         double               value,
         double               uln)
{
  for (guint i = 0; i < f->labs->len; i++)
    if (g_str_equal (((ParasolLabResult *) g_ptr_array_index (f->labs, i))->lab, lab))
      {
        g_ptr_array_remove_index (f->labs, i);
        break;
      }
  add_lab (f, lab, value, uln);
}

static void
attest (ParasolPatientFacts *f,
        const char          *criterion,
        gboolean             met)
{
  ParasolAttestation *a = parasol_attestation_new ();

  a->criterion = g_strdup (criterion);
  a->met = met;
  g_date_set_dmy (&a->date, SCREEN_D, SCREEN_M, SCREEN_Y);
  g_ptr_array_add (f->attestations, a);
}

/* A 60-year-old man who meets every criterion. */
static ParasolPatientFacts *
eligible_patient (void)
{
  ParasolPatientFacts *f = parasol_patient_facts_new ();
  GPtrArray *criteria = parasol_protocol_get_criteria (protocol);

  f->screening_number = g_strdup ("S-TEST");
  f->sex = PARASOL_SEX_MALE;
  g_date_set_dmy (&f->birth_date, 1, 1, 1965);
  g_date_set_dmy (&f->screening_date, SCREEN_D, SCREEN_M, SCREEN_Y);
  f->ecog = 1;
  f->liver_metastases = PARASOL_TRI_NO;
  f->liver_infiltration = PARASOL_TRI_NO;
  f->height_cm = 172;
  f->weight_kg = 70;

  add_lab (f, "anc", 3.0, NAN);
  add_lab (f, "plt", 250, NAN);
  add_lab (f, "hgb", 130, NAN);
  add_lab (f, "ast", 30, 40);
  add_lab (f, "alt", 30, 40);
  add_lab (f, "tbil", 10, 21);
  add_lab (f, "creatinine", 80, 106);
  add_lab (f, "inr", 1.0, 1.2);
  add_lab (f, "aptt", 30, 40);

  for (guint i = 0; i < criteria->len; i++)
    {
      const ParasolCriterion *c = g_ptr_array_index (criteria, i);
      if (c->evaluation == PARASOL_EVALUATION_ATTESTED || c->attest_text != NULL)
        attest (f, c->id, TRUE);
    }
  return f;
}

static const ParasolCriterionResult *
result_of (const ParasolEligibility *e,
           const char               *id)
{
  const ParasolCriterionResult *r = parasol_eligibility_find (e, id);
  g_assert_nonnull (r);
  return r;
}

static void
test_eligible (void)
{
  g_autoptr(ParasolPatientFacts) f = eligible_patient ();
  g_autoptr(ParasolEligibility) e = parasol_eligibility_evaluate (protocol, f, NULL);
  GDate expected;

  for (guint i = 0; i < e->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);
      if (r->status != PARASOL_STATUS_MET)
        g_error ("%s: %s (%s)", r->id, parasol_criterion_status_to_string (r->status), r->reason);
    }
  g_assert_cmpint (e->verdict, ==, PARASOL_VERDICT_ELIGIBLE);
  g_assert_cmpuint (e->criteria->len, ==, 27);
  g_assert_cmpstr (e->protocol_version, ==, "1.0");
  g_assert_cmpuint (e->warnings->len, ==, 0);
  /* lapses 14 days after the samples */
  g_date_clear (&expected, 1);
  g_date_set_dmy (&expected, 24, SCREEN_M, SCREEN_Y);
  g_assert_true (g_date_valid (&e->lapses_on));
  g_assert_cmpint (g_date_compare (&e->lapses_on, &expected), ==, 0);
}

typedef struct {
  const char *name;
  int         birth_y, birth_m, birth_d;
  int         status;
} AgeCase;

/* Screening 2025-03-10: a birthday on the screening date counts */
static const AgeCase age_cases[] = {
  { "18 today",          2007, 3, 10, PARASOL_STATUS_MET },
  { "18 tomorrow (17)",  2007, 3, 11, PARASOL_STATUS_NOT_MET },
  { "75, 76 tomorrow",   1949, 3, 11, PARASOL_STATUS_MET },
  { "76 today",          1949, 3, 10, PARASOL_STATUS_NOT_MET },
  { "75 today",          1950, 3, 10, PARASOL_STATUS_MET },
};

static void
test_age (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (age_cases); i++)
    {
      g_autoptr(ParasolPatientFacts) f = eligible_patient ();
      g_autoptr(ParasolEligibility) e = NULL;

      g_test_message ("%s", age_cases[i].name);
      g_date_set_dmy (&f->birth_date, age_cases[i].birth_d, age_cases[i].birth_m, age_cases[i].birth_y);
      e = parasol_eligibility_evaluate (protocol, f, NULL);
      g_assert_cmpint (result_of (e, "inc-08")->status, ==, age_cases[i].status);
      g_assert_cmpint (e->verdict, ==, age_cases[i].status == PARASOL_STATUS_MET
                                       ? PARASOL_VERDICT_ELIGIBLE : PARASOL_VERDICT_NOT_ELIGIBLE);
    }
}

typedef struct {
  const char *name;
  const char *lab;
  double      value;
  double      uln;
  ParasolTri  liver_metastases;
  ParasolTri  liver_infiltration;
  const char *criterion;
  int         status;
  const char *reason;   /* substring, or NULL */
} LabCase;

static const LabCase lab_cases[] = {
  { "ANC 1.5 in",             "anc", 1.5,  NAN, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-06", PARASOL_STATUS_MET, "ANC 1.5 × 10^9/L ≥ 1.5 × 10^9/L" },
  { "ANC 1.49 out",           "anc", 1.49, NAN, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-06", PARASOL_STATUS_NOT_MET, "ANC 1.49 × 10^9/L < 1.5 × 10^9/L" },
  { "PLT 100 in",             "plt", 100,  NAN, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-06", PARASOL_STATUS_MET, NULL },
  { "PLT 99 out",             "plt", 99,   NAN, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-06", PARASOL_STATUS_NOT_MET, "PLT 99" },
  { "HGB 90 in",              "hgb", 90,   NAN, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-06", PARASOL_STATUS_MET, NULL },
  { "HGB 89 out",             "hgb", 89,   NAN, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-06", PARASOL_STATUS_NOT_MET, "HGB 89 g/L < 90 g/L" },
  { "AST 2.5 x ULN in",       "ast", 100,  40,  PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, "= 2.5 × ULN ≤ 2.5 × ULN" },
  { "AST 2.5 x ULN 35 in",    "ast", 87.5, 35,  PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, NULL },
  { "AST 2.6 x ULN out",      "ast", 104,  40,  PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_NOT_MET, "= 2.6 × ULN > 2.5 × ULN" },
  { "AST 4.9 x ULN mets in",  "ast", 196,  40,  PARASOL_TRI_YES, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, "4.9 × ULN ≤ 5 × ULN" },
  { "AST 5 x ULN mets in",    "ast", 200,  40,  PARASOL_TRI_YES, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, NULL },
  { "AST 5.1 x ULN mets out", "ast", 204,  40,  PARASOL_TRI_YES, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_NOT_MET, NULL },
  { "AST 4.9 x ULN no mets",  "ast", 196,  40,  PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_NOT_MET, "no liver metastases" },
  { "AST 4.9 x ULN unknown",  "ast", 196,  40,  PARASOL_TRI_UNKNOWN, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MISSING, "record whether" },
  { "ALT 2.6 x ULN out",      "alt", 104,  40,  PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_NOT_MET, "ALT" },
  { "ALT 4.9 x ULN mets in",  "alt", 196,  40,  PARASOL_TRI_YES, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, NULL },
  { "TBIL 1.5 x ULN in",      "tbil", 31.5, 21, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, NULL },
  { "TBIL 1.6 x ULN out",     "tbil", 33.6, 21, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_NOT_MET, NULL },
  { "TBIL 2.9 x ULN infil",   "tbil", 60.9, 21, PARASOL_TRI_NO, PARASOL_TRI_YES, "inc-07", PARASOL_STATUS_MET, "infiltration" },
  { "TBIL 3.1 x ULN infil",   "tbil", 65.1, 21, PARASOL_TRI_NO, PARASOL_TRI_YES, "inc-07", PARASOL_STATUS_NOT_MET, NULL },
  { "INR 1.5 x ULN in",       "inr", 1.8,  1.2, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, NULL },
  { "INR 1.6 x ULN out",      "inr", 1.92, 1.2, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_NOT_MET, "INR" },
  { "APTT 1.5 x ULN in",      "aptt", 60,  40,  PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MET, NULL },
  { "APTT 1.6 x ULN out",     "aptt", 64,  40,  PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_NOT_MET, "APTT" },
  { "AST without ULN",        "ast", 30,   NAN, PARASOL_TRI_NO, PARASOL_TRI_NO, "inc-07", PARASOL_STATUS_MISSING, "ULN" },
};

static void
test_labs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (lab_cases); i++)
    {
      const LabCase *c = &lab_cases[i];
      g_autoptr(ParasolPatientFacts) f = eligible_patient ();
      g_autoptr(ParasolEligibility) e = NULL;
      const ParasolCriterionResult *r;

      g_test_message ("%s", c->name);
      set_lab (f, c->lab, c->value, c->uln);
      f->liver_metastases = c->liver_metastases;
      f->liver_infiltration = c->liver_infiltration;
      e = parasol_eligibility_evaluate (protocol, f, NULL);
      r = result_of (e, c->criterion);
      if ((int) r->status != c->status || (c->reason && strstr (r->reason, c->reason) == NULL))
        g_error ("%s: got %s “%s”", c->name, parasol_criterion_status_to_string (r->status), r->reason);
    }
}

typedef struct {
  const char *name;
  double      creatinine;    /* umol/L, ULN 100 */
  double      weight_kg;
  ParasolSex  sex;
  int         status;
  const char *reason;
} CrclCase;

/* Born 1965-01-01, 60 on 2025-03-10: CrCl = 80 x W / (72 x SCr mg/dL) [x 0.85] */
static const CrclCase crcl_cases[] = {
  /* 150 umol/L = 1.5 x ULN: in by the first alternative */
  { "creatinine 1.5 x ULN",            150, 40,  PARASOL_SEX_MALE, PARASOL_STATUS_MET, NULL },
  /* 160 umol/L = 1.81 mg/dL: CrCl = 80*90/(72*1.8095) = 55.3 -> out */
  { "over ULN, CrCl 55",               160, 90,  PARASOL_SEX_MALE, PARASOL_STATUS_NOT_MET, "Cockcroft-Gault" },
  /* 160 umol/L, 110 kg: CrCl = 80*110/(72*1.8095) = 67.5 -> in */
  { "over ULN, CrCl 67.5 met",         160, 110, PARASOL_SEX_MALE, PARASOL_STATUS_MET, "CrCl 67.5 mL/min ≥ 60" },
  /* the same woman: 67.5 x 0.85 = 57.4 -> out */
  { "over ULN, woman CrCl 57.4",       160, 110, PARASOL_SEX_FEMALE, PARASOL_STATUS_NOT_MET, "57.4" },
  { "over ULN, weight unknown",        160, NAN, PARASOL_SEX_MALE, PARASOL_STATUS_MISSING, "weight" },
};

static void
test_creatinine_or_crcl (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (crcl_cases); i++)
    {
      const CrclCase *c = &crcl_cases[i];
      g_autoptr(ParasolPatientFacts) f = eligible_patient ();
      g_autoptr(ParasolEligibility) e = NULL;
      const ParasolCriterionResult *r;

      g_test_message ("%s", c->name);
      set_lab (f, "creatinine", c->creatinine, 100);
      f->weight_kg = c->weight_kg;
      f->sex = c->sex;
      e = parasol_eligibility_evaluate (protocol, f, NULL);
      r = result_of (e, "inc-07");
      if ((int) r->status != c->status || (c->reason && strstr (r->reason, c->reason) == NULL))
        g_error ("%s: got %s “%s”", c->name, parasol_criterion_status_to_string (r->status), r->reason);
    }
}

static void
add_weight (ParasolPatientFacts *f,
            double               kg,
            int                  days_after_screening)
{
  ParasolWeight *w = parasol_weight_new ();

  w->id = f->weights->len + 1;
  w->weight_kg = kg;
  g_date_set_dmy (&w->date, SCREEN_D, SCREEN_M, SCREEN_Y);
  g_date_add_days (&w->date, days_after_screening);
  g_ptr_array_add (f->weights, w);
  f->weight_kg = kg;
}

/* The CrCl of an evaluation rests on the weight measured on or before its day, not on a weight
 * measured later (issue 8: the newest weight was used). */
static void
test_crcl_weight_on_date (void)
{
  g_autoptr(ParasolPatientFacts) f = eligible_patient ();
  GDate on;

  set_lab (f, "creatinine", 160, 100);
  add_weight (f, 110, 0);   /* CrCl 67.5: met */
  add_weight (f, 90, 1);    /* CrCl 55.3: not met */
  g_date_clear (&on, 1);
  g_date_set_dmy (&on, SCREEN_D, SCREEN_M, SCREEN_Y);
  {
    g_autoptr(ParasolEligibility) e = parasol_eligibility_evaluate (protocol, f, &on);
    const ParasolCriterionResult *r = result_of (e, "inc-07");

    g_assert_cmpint (r->status, ==, PARASOL_STATUS_MET);
    g_assert_nonnull (strstr (r->reason, "110 kg"));
  }
  g_date_add_days (&on, 1);
  {
    g_autoptr(ParasolEligibility) e = parasol_eligibility_evaluate (protocol, f, &on);
    const ParasolCriterionResult *r = result_of (e, "inc-07");

    g_assert_cmpint (r->status, ==, PARASOL_STATUS_NOT_MET);
    g_assert_nonnull (strstr (r->reason, "90 kg"));
  }
  /* only weights measured after the day: none to rest on */
  g_date_subtract_days (&on, 1);
  {
    g_autoptr(ParasolPatientFacts) later = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;
    const ParasolCriterionResult *r;

    set_lab (later, "creatinine", 160, 100);
    add_weight (later, 110, 1);
    e = parasol_eligibility_evaluate (protocol, later, &on);
    r = result_of (e, "inc-07");
    g_assert_cmpint (r->status, ==, PARASOL_STATUS_MISSING);
    g_assert_nonnull (strstr (r->reason, "no weight measured on or before"));
  }
}

typedef struct {
  int  days_after;     /* evaluation date = samples + this */
  int  status;
} ExpiryCase;

static const ExpiryCase expiry_cases[] = {
  { 0,  PARASOL_STATUS_MET },
  { 13, PARASOL_STATUS_MET },
  { 14, PARASOL_STATUS_MET },      /* the last day of the 14-day window */
  { 15, PARASOL_STATUS_EXPIRED },  /* the day after */
  { 40, PARASOL_STATUS_EXPIRED },
};

static void
test_expiry (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expiry_cases); i++)
    {
      g_autoptr(ParasolPatientFacts) f = eligible_patient ();
      g_autoptr(ParasolEligibility) e = NULL;
      GDate on;

      g_date_clear (&on, 1);
      g_date_set_dmy (&on, SCREEN_D, SCREEN_M, SCREEN_Y);
      g_date_add_days (&on, expiry_cases[i].days_after);
      e = parasol_eligibility_evaluate (protocol, f, &on);
      g_test_message ("+%d days", expiry_cases[i].days_after);
      g_assert_cmpint (result_of (e, "inc-06")->status, ==, expiry_cases[i].status);
      g_assert_cmpint (result_of (e, "inc-07")->status, ==, expiry_cases[i].status);
      g_assert_cmpint (e->verdict, ==, expiry_cases[i].status == PARASOL_STATUS_MET
                                       ? PARASOL_VERDICT_ELIGIBLE : PARASOL_VERDICT_INCOMPLETE);
      if (expiry_cases[i].status == PARASOL_STATUS_EXPIRED)
        g_assert_nonnull (strstr (result_of (e, "inc-06")->reason, "expired"));
    }

  /* C1D1 is the default evaluation date when set */
  {
    g_autoptr(ParasolPatientFacts) f = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;

    g_date_set_dmy (&f->c1d1, 25, SCREEN_M, SCREEN_Y);
    e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (result_of (e, "inc-06")->status, ==, PARASOL_STATUS_EXPIRED);
  }
}

static void
test_verdicts (void)
{
  /* Missing data: incomplete */
  {
    g_autoptr(ParasolPatientFacts) f = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;
    g_auto(GStrv) missing = NULL;

    f->ecog = -1;
    e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (e->verdict, ==, PARASOL_VERDICT_INCOMPLETE);
    missing = parasol_eligibility_ids_with_status (e, PARASOL_STATUS_MISSING);
    g_assert_cmpstrv (missing, ((const char *[]) { "inc-05", NULL }));
  }
  /* ECOG 2: not eligible, naming the criterion */
  {
    g_autoptr(ParasolPatientFacts) f = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;
    g_auto(GStrv) not_met = NULL;

    f->ecog = 2;
    e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (e->verdict, ==, PARASOL_VERDICT_NOT_ELIGIBLE);
    not_met = parasol_eligibility_ids_with_status (e, PARASOL_STATUS_NOT_MET);
    g_assert_cmpstrv (not_met, ((const char *[]) { "inc-05", NULL }));
    g_assert_cmpstr (result_of (e, "inc-05")->reason, ==, "ECOG 2 > 1");
  }
  /* An exclusion attested not met (the patient has the condition) */
  {
    g_autoptr(ParasolPatientFacts) f = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;

    for (guint i = 0; i < f->attestations->len; i++)
      {
        ParasolAttestation *a = g_ptr_array_index (f->attestations, i);
        if (g_str_equal (a->criterion, "exc-14"))
          a->met = FALSE;
      }
    e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (result_of (e, "exc-14")->status, ==, PARASOL_STATUS_NOT_MET);
    g_assert_cmpint (e->verdict, ==, PARASOL_VERDICT_NOT_ELIGIBLE);
  }
  /* No attestation of an attested criterion: missing */
  {
    g_autoptr(ParasolPatientFacts) f = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;

    for (guint i = 0; i < f->attestations->len; i++)
      if (g_str_equal (((ParasolAttestation *) g_ptr_array_index (f->attestations, i))->criterion, "inc-01"))
        {
          g_ptr_array_remove_index (f->attestations, i);
          break;
        }
    e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (result_of (e, "inc-01")->status, ==, PARASOL_STATUS_MISSING);
    g_assert_cmpint (e->verdict, ==, PARASOL_VERDICT_INCOMPLETE);
  }
  /* The attested remainder of inc-07 (pregnancy test, contraception) */
  {
    g_autoptr(ParasolPatientFacts) f = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;

    for (guint i = 0; i < f->attestations->len; i++)
      {
        ParasolAttestation *a = g_ptr_array_index (f->attestations, i);
        if (g_str_equal (a->criterion, "inc-07"))
          a->met = FALSE;
      }
    e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (result_of (e, "inc-07")->status, ==, PARASOL_STATUS_NOT_MET);
  }
  /* ... not yet attested: met on the data, with a warning to confirm */
  {
    g_autoptr(ParasolPatientFacts) f = eligible_patient ();
    g_autoptr(ParasolEligibility) e = NULL;

    for (guint i = 0; i < f->attestations->len; i++)
      if (g_str_equal (((ParasolAttestation *) g_ptr_array_index (f->attestations, i))->criterion, "inc-07"))
        {
          g_ptr_array_remove_index (f->attestations, i);
          break;
        }
    e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (result_of (e, "inc-07")->status, ==, PARASOL_STATUS_MET);
    g_assert_nonnull (result_of (e, "inc-07")->to_confirm);
    g_assert_cmpuint (e->warnings->len, ==, 1);
  }
}

typedef struct {
  const char *lab;
  double      value;
  int         status;
} CardiacCase;

static const CardiacCase cardiac_cases[] = {
  { "lvef", 51,  PARASOL_STATUS_MET },
  { "lvef", 50,  PARASOL_STATUS_NOT_MET },   /* LVEF <= 50 % excludes */
  { "sbp",  139, PARASOL_STATUS_MET },
  { "sbp",  140, PARASOL_STATUS_NOT_MET },
  { "dbp",  89,  PARASOL_STATUS_MET },
  { "dbp",  90,  PARASOL_STATUS_NOT_MET },
};

static void
test_cardiac (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cardiac_cases); i++)
    {
      g_autoptr(ParasolPatientFacts) f = eligible_patient ();
      g_autoptr(ParasolEligibility) e = NULL;

      add_lab (f, cardiac_cases[i].lab, cardiac_cases[i].value, NAN);
      e = parasol_eligibility_evaluate (protocol, f, NULL);
      g_test_message ("%s %g", cardiac_cases[i].lab, cardiac_cases[i].value);
      g_assert_cmpint (result_of (e, "exc-11")->status, ==, cardiac_cases[i].status);
    }
}

static void
add_lab_on (ParasolPatientFacts *f,
            const char          *lab,
            double               value,
            int                  days_before_screening)
{
  set_lab (f, lab, value, NAN);
  {
    ParasolLabResult *r = g_ptr_array_index (f->labs, f->labs->len - 1);
    g_date_subtract_days (&r->date, days_before_screening);
  }
}

static ParasolCriterionStatus
status_on_screening (ParasolPatientFacts *f,
                     const char          *criterion,
                     char               **reason)
{
  GDate on;
  g_autoptr(ParasolEligibility) e = NULL;
  const ParasolCriterionResult *r;

  g_date_set_dmy (&on, SCREEN_D, SCREEN_M, SCREEN_Y);
  e = parasol_eligibility_evaluate (protocol, f, &on);
  r = result_of (e, criterion);
  if (reason != NULL)
    *reason = g_strdup (r->reason);
  return r->status;
}

/* Issue 8: a 30-year-old woman was eligible without a pregnancy test.  A woman of childbearing
 * potential needs a negative test within the protocol's 7 days before the evaluation date; a
 * man is asked nothing; unknown potential or sex blocks like a pending lab. */
static void
test_pregnancy_test (void)
{
  g_autoptr(ParasolPatientFacts) f = eligible_patient ();
  g_autofree char *reason = NULL;
  const ParasolCriterion *c = parasol_protocol_find_criterion (protocol, "inc-07");
  g_autofree char *described = parasol_rule_describe (protocol, c->rule);

  g_assert_nonnull (strstr (described, "pregnancy test within 7 days"));

  /* A man: met, and no pregnancy test named */
  g_assert_cmpint (status_on_screening (f, "inc-07", &reason), ==, PARASOL_STATUS_MET);
  g_assert_null (strstr (reason, "regnan"));
  g_clear_pointer (&reason, g_free);

  /* A 30-year-old woman with everything else: undecided until her potential is recorded */
  f->sex = PARASOL_SEX_FEMALE;
  g_date_set_dmy (&f->birth_date, 1, 1, 1995);
  g_assert_cmpint (status_on_screening (f, "inc-07", &reason), ==, PARASOL_STATUS_MISSING);
  g_assert_nonnull (strstr (reason, "Childbearing potential not recorded"));
  g_clear_pointer (&reason, g_free);
  {
    g_autoptr(ParasolEligibility) e = parasol_eligibility_evaluate (protocol, f, NULL);
    g_assert_cmpint (e->verdict, ==, PARASOL_VERDICT_INCOMPLETE);
  }

  /* Not of childbearing potential: met */
  f->childbearing_potential = PARASOL_TRI_NO;
  g_assert_cmpint (status_on_screening (f, "inc-07", &reason), ==, PARASOL_STATUS_MET);
  g_clear_pointer (&reason, g_free);

  /* Of childbearing potential, no test: missing */
  f->childbearing_potential = PARASOL_TRI_YES;
  g_assert_cmpint (status_on_screening (f, "inc-07", &reason), ==, PARASOL_STATUS_MISSING);
  g_assert_nonnull (strstr (reason, "Pregnancy test not recorded"));
  g_clear_pointer (&reason, g_free);

  /* Negative, 7 days before: met (the boundary); 8 days before: expired */
  add_lab_on (f, "hcg", 0, 7);
  g_assert_cmpint (status_on_screening (f, "inc-07", &reason), ==, PARASOL_STATUS_MET);
  g_assert_nonnull (strstr (reason, "negative"));
  g_clear_pointer (&reason, g_free);
  add_lab_on (f, "hcg", 0, 8);
  g_assert_cmpint (status_on_screening (f, "inc-07", &reason), ==, PARASOL_STATUS_EXPIRED);
  g_clear_pointer (&reason, g_free);

  /* Positive: not met */
  add_lab_on (f, "hcg", 1, 1);
  g_assert_cmpint (status_on_screening (f, "inc-07", &reason), ==, PARASOL_STATUS_NOT_MET);
  g_assert_nonnull (strstr (reason, "positive"));
  g_clear_pointer (&reason, g_free);

  /* Sex unknown: missing */
  add_lab_on (f, "hcg", 0, 0);
  g_assert_cmpint (status_on_screening (f, "inc-07", NULL), ==, PARASOL_STATUS_MET);
  f->sex = PARASOL_SEX_UNKNOWN;
  g_assert_cmpint (status_on_screening (f, "inc-07", NULL), ==, PARASOL_STATUS_MISSING);
}

/* Issue 8: ten transfusion-free days before the blood count are data: the date of the last
 * transfusion, or the investigator's attestation; neither blocks. */
static void
test_transfusion_free (void)
{
  g_autoptr(ParasolPatientFacts) f = eligible_patient ();
  g_autofree char *reason = NULL;
  GDate screened;

  g_date_set_dmy (&screened, SCREEN_D, SCREEN_M, SCREEN_Y);

  /* Attested (the fixture attests every criterion): met */
  g_assert_cmpint (status_on_screening (f, "inc-06", &reason), ==, PARASOL_STATUS_MET);
  g_assert_nonnull (strstr (reason, "attested"));
  g_clear_pointer (&reason, g_free);

  /* Neither attested nor a date: missing, and the patient is not eligible yet */
  for (guint i = 0; i < f->attestations->len; i++)
    if (g_str_equal (((ParasolAttestation *) g_ptr_array_index (f->attestations, i))->criterion, "inc-06"))
      {
        g_ptr_array_remove_index (f->attestations, i);
        break;
      }
  g_assert_cmpint (status_on_screening (f, "inc-06", &reason), ==, PARASOL_STATUS_MISSING);
  g_assert_nonnull (strstr (reason, "last transfusion"));
  g_clear_pointer (&reason, g_free);

  /* A transfusion 10 days before the earliest sample of the count: met; 9 days: not met, even
   * when attested */
  add_lab_on (f, "hgb", 130, 2);
  f->last_transfusion = parasol_date_plus_days (&screened, -12);
  g_assert_cmpint (status_on_screening (f, "inc-06", &reason), ==, PARASOL_STATUS_MET);
  g_assert_nonnull (strstr (reason, "10 days before the sample of HGB"));
  g_clear_pointer (&reason, g_free);
  f->last_transfusion = parasol_date_plus_days (&screened, -11);
  attest (f, "inc-06", TRUE);
  g_assert_cmpint (status_on_screening (f, "inc-06", &reason), ==, PARASOL_STATUS_NOT_MET);
  g_assert_nonnull (strstr (reason, "repeat the count"));
  {
    GDate on = screened;
    g_autoptr(ParasolEligibility) e = parasol_eligibility_evaluate (protocol, f, &on);
    g_assert_cmpint (e->verdict, ==, PARASOL_VERDICT_NOT_ELIGIBLE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  protocol = parasol_protocol_new_default (&error);
  g_assert_no_error (error);

  g_test_add_func ("/eligibility/eligible", test_eligible);
  g_test_add_func ("/eligibility/pregnancy-test", test_pregnancy_test);
  g_test_add_func ("/eligibility/transfusion-free", test_transfusion_free);
  g_test_add_func ("/eligibility/age", test_age);
  g_test_add_func ("/eligibility/labs", test_labs);
  g_test_add_func ("/eligibility/creatinine-or-crcl", test_creatinine_or_crcl);
  g_test_add_func ("/eligibility/crcl-weight-on-date", test_crcl_weight_on_date);
  g_test_add_func ("/eligibility/expiry", test_expiry);
  g_test_add_func ("/eligibility/verdicts", test_verdicts);
  g_test_add_func ("/eligibility/cardiac", test_cardiac);

  ret = g_test_run ();
  g_object_unref (protocol);
  return ret;
}
