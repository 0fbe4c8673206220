/* test-protocol.c — loading, validating and querying protocol definitions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "parasol-protocol.h"

static ParasolProtocol *
load_default (void)
{
  g_autoptr(GError) error = NULL;
  ParasolProtocol *protocol = parasol_protocol_new_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (protocol);
  return protocol;
}

static void
test_default_trial (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();

  g_assert_cmpstr (parasol_protocol_get_id (p), ==, "BUTTONS-001");
  g_assert_cmpstr (parasol_protocol_get_registry_id (p), ==, "NCT07172412");
  g_assert_cmpstr (parasol_protocol_get_version (p), ==, "1.0");
  g_assert_cmpstr (parasol_protocol_get_effective_date (p), ==, "2025-09-15");
  g_assert_true (g_str_has_prefix (parasol_protocol_get_title (p), "Open-Label, Biomarker-Integrated"));
  g_assert_nonnull (strstr (parasol_protocol_get_source (p), "<protocol"));
  g_assert_cmpint (parasol_protocol_get_validity (p)->lab_days, ==, 14);
  g_assert_cmpint (parasol_protocol_get_validity (p)->imaging_days, ==, 28);
}

static void
test_default_criteria (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  GPtrArray *criteria = parasol_protocol_get_criteria (p);
  guint inc = 0, exc = 0;

  g_assert_cmpuint (criteria->len, ==, 27);
  for (guint i = 0; i < criteria->len; i++)
    {
      const ParasolCriterion *c = g_ptr_array_index (criteria, i);
      g_autofree char *expected = NULL;

      if (c->kind == PARASOL_CRITERION_INCLUSION)
        expected = g_strdup_printf ("inc-%02u", ++inc);
      else
        expected = g_strdup_printf ("exc-%02u", ++exc);
      /* In the listing's order: all inclusions first */
      g_assert_cmpstr (c->id, ==, expected);
      g_assert_true (c->kind == PARASOL_CRITERION_INCLUSION ? exc == 0 : TRUE);
      g_assert_nonnull (c->text);
      g_assert_cmpuint (strlen (c->text), >, 20);
      if (c->evaluation == PARASOL_EVALUATION_COMPUTED)
        g_assert_nonnull (c->rule);
    }
  g_assert_cmpuint (inc, ==, 8);
  g_assert_cmpuint (exc, ==, 19);

  g_assert_cmpint (parasol_protocol_find_criterion (p, "inc-05")->evaluation, ==, PARASOL_EVALUATION_COMPUTED);
  g_assert_cmpint (parasol_protocol_find_criterion (p, "inc-08")->rule->type, ==, PARASOL_RULE_AGE);
  g_assert_nonnull (parasol_protocol_find_criterion (p, "inc-07")->attest_text);
  g_assert_nonnull (parasol_protocol_find_criterion (p, "exc-11")->rule);
  g_assert_cmpint (parasol_protocol_find_criterion (p, "exc-11")->evaluation, ==, PARASOL_EVALUATION_ATTESTED);
  g_assert_null (parasol_protocol_find_criterion (p, "inc-09"));
}

static void
test_default_labs_markers_arms (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  const char *labs[] = { "anc", "plt", "hgb", "ast", "alt", "tbil", "creatinine", "inr", "aptt" };
  const char *uln[] = { "ast", "alt", "tbil", "creatinine", "inr", "aptt" };
  const char *markers[] = { "ascl1", "neurod1", "dll3", "myc", "vim", "axl" };
  const char *arms[] = { "dll3", "xpo1", "anlotinib", "control" };

  for (guint i = 0; i < G_N_ELEMENTS (labs); i++)
    g_assert_nonnull (parasol_protocol_find_lab (p, labs[i]));
  for (guint i = 0; i < G_N_ELEMENTS (uln); i++)
    g_assert_true (parasol_protocol_find_lab (p, uln[i])->needs_uln);
  g_assert_false (parasol_protocol_find_lab (p, "anc")->needs_uln);
  g_assert_cmpstr (parasol_protocol_find_lab (p, "creatinine")->unit, ==, "umol/L");
  g_assert_cmpstr (parasol_protocol_find_lab (p, "hgb")->unit, ==, "g/L");
  g_assert_cmpstr (parasol_protocol_find_lab (p, "anc")->unit, ==, "10^9/L");
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      const ParasolBiomarkerDef *m = parasol_protocol_find_biomarker (p, markers[i]);
      g_assert_nonnull (m);
      g_assert_true (m->configurable);
      g_assert_nonnull (m->note);
    }
  g_assert_cmpuint (parasol_protocol_get_arms (p)->len, ==, G_N_ELEMENTS (arms));
  for (guint i = 0; i < G_N_ELEMENTS (arms); i++)
    g_assert_nonnull (parasol_protocol_find_arm (p, arms[i]));

  /* Test codes from laboratory exports */
  g_assert_cmpstr (parasol_protocol_find_lab_by_code (p, "NEUT#")->id, ==, "anc");
  g_assert_cmpstr (parasol_protocol_find_lab_by_code (p, "crea")->id, ==, "creatinine");
  g_assert_null (parasol_protocol_find_lab_by_code (p, "NA"));
}

static const ParasolDrug *
find_drug (GPtrArray  *drugs,
           const char *id)
{
  for (guint i = 0; i < drugs->len; i++)
    {
      const ParasolDrug *d = g_ptr_array_index (drugs, i);
      if (g_str_equal (d->id, id))
        return d;
    }
  return NULL;
}

static void
test_default_regimen (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  const ParasolRegimen *r = parasol_protocol_get_regimen (p);
  const ParasolDrug *d;
  const char *icis[] = { "tislelizumab", "atezolizumab", "durvalumab", "benmelstobart",
                         "toripalimab", "serplulimab" };

  g_assert_cmpint (r->cycle_days, ==, 21);
  g_assert_cmpint (r->induction_cycles, ==, 4);
  g_assert_cmpint (r->maintenance_cycle_days, ==, 21);
  g_assert_cmpint (r->visit_window_days, ==, 3);
  g_assert_cmpint (r->imaging_every_days, ==, 42);
  g_assert_cmpint (r->imaging_window_days, ==, 7);
  g_assert_cmpint (r->labs_before_days, ==, 3);
  g_assert_cmpint (r->max_delay_days, ==, 42);
  g_assert_cmpfloat (r->start_anc_min, ==, 1.5);
  g_assert_cmpfloat (r->start_plt_min, ==, 100);
  g_assert_cmpfloat (r->gfr_cap_ml_min, ==, 125);
  g_assert_cmpfloat_with_epsilon (r->weight_change_recalc, 0.10, 1e-12);
  g_assert_false (r->bsa_cap_enabled);

  d = find_drug (r->backbone, "etoposide");
  g_assert_cmpint (d->basis, ==, PARASOL_DOSE_BASIS_MG_PER_M2);
  g_assert_cmpfloat (d->amount, ==, 100);
  g_assert_cmpint (d->phases, ==, PARASOL_PHASE_INDUCTION);
  g_assert_cmpuint (d->days->len, ==, 3);
  g_assert_cmpint (g_array_index (d->days, int, 2), ==, 3);
  d = find_drug (r->backbone, "carboplatin");
  g_assert_cmpint (d->basis, ==, PARASOL_DOSE_BASIS_AUC);
  g_assert_cmpfloat (d->amount, ==, 5);
  g_assert_cmpfloat (d->max_dose, ==, 750);
  g_assert_true (d->platinum);
  g_assert_cmpfloat (d->crcl_min_ml_min, ==, 0);

  /* Issue 8: cisplatin, the alternative platinum (75 mg/m² day 1, CrCl >= 60 mL/min), an open
   * question; carboplatin the site default; a patient's backbone holds one platinum */
  d = find_drug (r->backbone, "cisplatin");
  g_assert_cmpint (d->basis, ==, PARASOL_DOSE_BASIS_MG_PER_M2);
  g_assert_cmpfloat (d->amount, ==, 75);
  g_assert_cmpint (d->phases, ==, PARASOL_PHASE_INDUCTION);
  g_assert_cmpuint (d->days->len, ==, 1);
  g_assert_true (d->platinum);
  g_assert_cmpfloat (d->crcl_min_ml_min, ==, 60);
  g_assert_true (d->configurable);
  g_assert_nonnull (strstr (d->note, "Open question"));
  g_assert_cmpstr (r->default_platinum, ==, "carboplatin");
  g_assert_cmpuint (r->platinums->len, ==, 2);
  g_assert_true (parasol_regimen_find_platinum (r, NULL) == find_drug (r->backbone, "carboplatin"));
  g_assert_null (parasol_regimen_find_platinum (r, "etoposide"));
  {
    g_autoptr(GPtrArray) given = parasol_regimen_backbone_for (r, "cisplatin");

    g_assert_cmpuint (given->len, ==, 2);
    g_assert_cmpstr (((ParasolDrug *) g_ptr_array_index (given, 0))->id, ==, "etoposide");
    g_assert_cmpstr (((ParasolDrug *) g_ptr_array_index (given, 1))->id, ==, "cisplatin");
  }

  g_assert_cmpuint (r->icis->len, ==, G_N_ELEMENTS (icis));
  for (guint i = 0; i < G_N_ELEMENTS (icis); i++)
    {
      d = parasol_regimen_find_ici (r, icis[i]);
      g_assert_nonnull (d);
      g_assert_cmpint (d->phases, ==, PARASOL_PHASE_BOTH);
    }
  g_assert_cmpint (parasol_regimen_find_ici (r, "durvalumab")->maintenance_cycle_days, ==, 28);
  g_assert_cmpint (parasol_regimen_find_ici (r, "serplulimab")->basis, ==, PARASOL_DOSE_BASIS_MG_PER_KG);
  g_assert_cmpfloat (parasol_regimen_find_ici (r, "serplulimab")->amount, ==, 4.5);
  g_assert_nonnull (parasol_regimen_find_ici (r, r->default_ici));

  d = find_drug (parasol_regimen_find_arm (r, "dll3")->drugs, "dll3-car-nk");
  g_assert_cmpint (d->basis, ==, PARASOL_DOSE_BASIS_CELLS);
  g_assert_cmpfloat (d->amount, ==, 8.0e8);
  g_assert_true (d->configurable);
  g_assert_nonnull (strstr (d->note, "1.0 × 10⁹"));
  d = find_drug (parasol_regimen_find_arm (r, "xpo1")->drugs, "selinexor");
  g_assert_cmpuint (d->days->len, ==, 6);
  g_assert_cmpint (g_array_index (d->days, int, 5), ==, 17);
  g_assert_cmpfloat (g_array_index (d->strengths, double, 0), ==, 20);
  d = find_drug (parasol_regimen_find_arm (r, "anlotinib")->drugs, "anlotinib");
  g_assert_cmpuint (d->days->len, ==, 14);
  g_assert_cmpuint (d->strengths->len, ==, 3);
  g_assert_cmpuint (parasol_regimen_find_arm (r, "control")->drugs->len, ==, 0);
  g_assert_null (parasol_regimen_find_arm (r, "nope"));
}

typedef struct {
  const char *lab;
  double      value;
  const char *unit;
  double      canonical;
} Conversion;

static const Conversion conversions[] = {
  { "creatinine", 1.0,    "mg/dL",    88.42 },
  { "creatinine", 88.42,  "umol/L",   88.42 },
  { "creatinine", 88.42,  "µmol/L",   88.42 },
  { "hgb",        9.0,    "g/dL",     90 },
  { "hgb",        90,     "g/L",      90 },
  { "anc",        1500,   "/mm3",     1.5 },
  { "anc",        1.5,    "x10^9/L",  1.5 },
  { "anc",        1.5,    "×10⁹/L",   1.5 },
  { "anc",        1.5,    "10*9/L",   1.5 },
  { "anc",        1.5,    "G/L",      1.5 },
  { "plt",        100000, "cells/uL", 100 },
  { "plt",        100,    "10^3/uL",  100 },
  { "tbil",       1.0,    "mg/dL",    17.1 },
  { "ast",        40,     "IU/L",     40 },
};

static void
test_unit_conversions (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();

  for (guint i = 0; i < G_N_ELEMENTS (conversions); i++)
    {
      const Conversion *c = &conversions[i];
      const ParasolLabDef *lab = parasol_protocol_find_lab (p, c->lab);
      g_autoptr(GError) error = NULL;
      double canonical = NAN, back = NAN;

      g_test_message ("%s %g %s", c->lab, c->value, c->unit);
      g_assert_true (parasol_lab_def_to_canonical (lab, c->value, c->unit, &canonical, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (canonical, c->canonical, 1e-9);
      /* and back */
      g_assert_true (parasol_lab_def_convert (lab, canonical, lab->unit, c->unit, &back, &error));
      g_assert_cmpfloat_with_epsilon (back, c->value, 1e-9 * MAX (1, c->value));
    }
}

typedef struct {
  const char *lab;
  double      value;
  const char *unit;
  int         code;
  const char *message;
} Refusal;

static const Refusal refusals[] = {
  { "anc",        150,    "10^9/L", PARASOL_PROTOCOL_ERROR_RANGE,
    "ANC 150 10^9/L is outside the plausible range 0–100 10^9/L; check for a typo" },
  { "anc",        150000, "/mm3",   PARASOL_PROTOCOL_ERROR_RANGE, "outside the plausible range 0–100" },
  { "anc",        -1,     "10^9/L", PARASOL_PROTOCOL_ERROR_RANGE, "plausible range" },
  { "creatinine", 1,      "mmol",   PARASOL_PROTOCOL_ERROR_UNIT,
    "Unknown unit 'mmol' for creatinine; accepted: umol/L, mg/dL" },
  { "hgb",        9,      "mg/dL",  PARASOL_PROTOCOL_ERROR_UNIT, "accepted: g/L, g/dL" },
  { "hgb",        900,    "g/L",    PARASOL_PROTOCOL_ERROR_RANGE, "20–250" },
};

static void
test_unit_refusals (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      const Refusal *r = &refusals[i];
      g_autoptr(GError) error = NULL;
      double canonical = -42;

      g_assert_false (parasol_lab_def_to_canonical (parasol_protocol_find_lab (p, r->lab), r->value,
                                                    r->unit, &canonical, &error));
      g_assert_error (error, PARASOL_PROTOCOL_ERROR, r->code);
      g_assert_nonnull (strstr (error->message, r->message));
      g_assert_cmpfloat (canonical, ==, -42);
    }
}

/* The one biomarker entry rule, at its boundaries: intensities of 0..100 % each, together at
 * most 100 %; an H-score for VIM, the cells stained at any intensity for DLL3. */
static void
test_biomarker_prepare (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  const ParasolBiomarkerDef *dll3 = parasol_protocol_find_biomarker (p, "dll3");
  const ParasolBiomarkerDef *vim = parasol_protocol_find_biomarker (p, "vim");
  static const struct {
    double w, m, s;
    gboolean ok;
  } cases[] = {
    { 0, 0, 100, TRUE },       /* H-score 300 */
    { 40, 30, 30, TRUE },      /* exactly 100 % */
    { 40, 30, 30.01, FALSE },  /* 100.01 % */
    { -0.1, 0, 0, FALSE },
    { 100.1, 0, 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ParasolBiomarkerResult) r = parasol_biomarker_result_new ();
      g_autoptr(GError) error = NULL;

      r->intensity[0] = cases[i].w;
      r->intensity[1] = cases[i].m;
      r->intensity[2] = cases[i].s;
      g_assert_cmpint (parasol_biomarker_def_prepare (vim, r, &error), ==, cases[i].ok);
      if (cases[i].ok)
        {
          g_assert_cmpint (r->method, ==, PARASOL_MARKER_METHOD_HSCORE);
          g_assert_cmpfloat_with_epsilon (r->value,
                                          cases[i].w + 2 * cases[i].m + 3 * cases[i].s, 1e-9);
        }
      else
        g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE);
    }

  {
    g_autoptr(ParasolBiomarkerResult) r = parasol_biomarker_result_new ();
    g_autoptr(GError) error = NULL;

    r->intensity[0] = 10;
    r->intensity[1] = 20;
    r->intensity[2] = 30;
    g_assert_true (parasol_biomarker_def_prepare (dll3, r, &error));
    g_assert_no_error (error);
    g_assert_cmpint (r->method, ==, PARASOL_MARKER_METHOD_PERCENT);
    g_assert_cmpfloat (r->value, ==, 60);
  }
  {
    g_autoptr(ParasolBiomarkerResult) r = parasol_biomarker_result_new ();

    r->pending = TRUE;
    g_assert_true (parasol_biomarker_def_prepare (dll3, r, NULL));
    g_assert_true (isnan (r->value));
  }
}

static void
test_biomarkers (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  const ParasolBiomarkerDef *dll3 = parasol_protocol_find_biomarker (p, "dll3");
  const ParasolBiomarkerDef *myc = parasol_protocol_find_biomarker (p, "myc");
  const ParasolBiomarkerDef *vim = parasol_protocol_find_biomarker (p, "vim");
  ParasolBiomarkerResult r = { 0, };
  g_autoptr(GError) error = NULL;

  g_assert_cmpfloat (parasol_hscore_from_intensities (10, 20, 30), ==, 140);
  g_assert_cmpfloat (parasol_hscore_from_intensities (0, 0, 100), ==, 300);

  r.method = PARASOL_MARKER_METHOD_PERCENT;
  r.value = 50;
  g_assert_true (parasol_biomarker_def_is_positive (dll3, &r));
  r.value = 49.9;
  g_assert_false (parasol_biomarker_def_is_positive (dll3, &r));
  r.method = PARASOL_MARKER_METHOD_AMPLIFIED;
  r.value = 1;
  g_assert_true (parasol_biomarker_def_is_positive (myc, &r));
  r.method = PARASOL_MARKER_METHOD_HSCORE;
  r.value = 150;
  g_assert_true (parasol_biomarker_def_is_positive (vim, &r));
  r.value = 149;
  g_assert_false (parasol_biomarker_def_is_positive (vim, &r));

  g_assert_false (parasol_biomarker_def_check (dll3, PARASOL_MARKER_METHOD_HSCORE, 100, &error));
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNIT);
  g_clear_error (&error);
  g_assert_false (parasol_biomarker_def_check (dll3, PARASOL_MARKER_METHOD_PERCENT, 101, &error));
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (parasol_biomarker_def_check (vim, PARASOL_MARKER_METHOD_HSCORE, 301, &error));
  g_clear_error (&error);
  g_assert_true (parasol_biomarker_def_check (myc, PARASOL_MARKER_METHOD_AMPLIFIED, 0, &error));
  g_assert_no_error (error);
}

typedef struct {
  const char *file;
  int         code;
  const char *message;   /* expected in the error, after "FILE:LINE: " */
} Broken;

static const Broken broken[] = {
  { "malformed.xml",                 PARASOL_PROTOCOL_ERROR_MALFORMED, "tag mismatch" },
  { "xxe.xml",                       PARASOL_PROTOCOL_ERROR_MALFORMED, "not allowed" },
  { "billion-laughs.xml",            PARASOL_PROTOCOL_ERROR_MALFORMED, "not allowed" },
  { "bad-kind.xml",                  PARASOL_PROTOCOL_ERROR_SCHEMA,    "kind" },
  { "bad-number.xml",                PARASOL_PROTOCOL_ERROR_SCHEMA,    "fourteen" },
  { "threshold-without-unit.xml",    PARASOL_PROTOCOL_ERROR_SCHEMA,    "has no unit" },
  { "threshold-wrong-unit.xml",      PARASOL_PROTOCOL_ERROR_SEMANTIC,  "Unknown unit 'mg/m2' for hgb" },
  { "unreachable-arm.xml",           PARASOL_PROTOCOL_ERROR_SEMANTIC,  "arm “extra” is not reached" },
  { "unknown-lab.xml",               PARASOL_PROTOCOL_ERROR_SEMANTIC,  "unknown lab “ptt”" },
  { "duplicate-id.xml",              PARASOL_PROTOCOL_ERROR_SEMANTIC,  "duplicate criterion id “exc-18”" },
  { "configurable-without-note.xml", PARASOL_PROTOCOL_ERROR_SEMANTIC,  "has no <note>" },
};

static void
test_broken_files (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "protocols", broken[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(ParasolProtocol) p = NULL;
      g_autofree char *prefix = g_strdup_printf ("%s:", path);
      g_autoptr(GRegex) with_line = g_regex_new ("^.+:[0-9]+: ", G_REGEX_MULTILINE, 0, NULL);

      g_test_message ("%s", broken[i].file);
      p = parasol_protocol_new_from_file (path, &error);
      g_assert_null (p);
      g_assert_error (error, PARASOL_PROTOCOL_ERROR, broken[i].code);
      if (strstr (error->message, broken[i].message) == NULL)
        g_error ("%s: expected “%s” in:\n%s", broken[i].file, broken[i].message, error->message);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_true (g_regex_match (with_line, error->message, 0, NULL));

      /* Regression: every problem reads FILE:LINE: reason (libxml2 reported some schema errors
       * a second time without a node, and they came out as "FILE: reason"). */
      {
        g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);
        g_autoptr(GRegex) line_re = g_regex_new ("^.+:[0-9]+: ", 0, 0, NULL);

        for (guint j = 0; lines[j] != NULL; j++)
          if (!g_regex_match (line_re, lines[j], 0, NULL) && strstr (lines[j], "more problems") == NULL)
            g_error ("%s: a problem without a line number: “%s”", broken[i].file, lines[j]);
      }
    }
}

static void
test_hostile_data (void)
{
  const char *cases[] = {
    "",
    "not xml at all",
    "<?xml version=\"1.0\"?><protocol format=\"1\"/>",
    "<?xml version=\"1.0\"?>\n<!DOCTYPE p SYSTEM \"http://example.org/p.dtd\">\n<protocol/>",
    "<protocol format=\"1\"><trial id=\"x\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ParasolProtocol) p = parasol_protocol_new_from_data (cases[i], strlen (cases[i]),
                                                                     "case.xml", &error);
      g_assert_null (p);
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "case.xml"));
    }

  /* Too large */
  {
    gsize len = PARASOL_PROTOCOL_MAX_SIZE + 1;
    g_autofree char *big = g_malloc (len);
    g_autoptr(GError) error = NULL;
    g_autoptr(ParasolProtocol) p = NULL;

    memset (big, ' ', len);
    p = parasol_protocol_new_from_data (big, len, "big.xml", &error);
    g_assert_null (p);
    g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED);
  }

  /* The shipped file round-trips through new_from_file */
  {
    g_autofree char *path = g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT") ?: ".", "data",
                                              "protocols", "buttons-001.xml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(ParasolProtocol) p = parasol_protocol_new_from_file (path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (parasol_protocol_get_criteria (p)->len, ==, 27);
  }
}

static void
test_describe (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  g_autofree char *inc06 = parasol_rule_describe (p, parasol_protocol_find_criterion (p, "inc-06")->rule);
  g_autofree char *dll3 = NULL;
  GPtrArray *rules = parasol_protocol_get_assignment_rules (p);

  g_assert_nonnull (strstr (inc06, "ANC ≥ 1.5 × 10^9/L"));
  dll3 = parasol_rule_describe (p, ((ParasolAssignmentRule *) g_ptr_array_index (rules, 0))->rule);
  /* The DLL3 arm: high DLL3, ASCL1 or NEUROD1 (the listing's "high ASCL1/NEUROD1/DLL3") */
  g_assert_cmpstr (dll3, ==, "DLL3 high or ASCL1 high or NEUROD1 high");
}

/* Issue 8: one table of plausible ranges, in the protocol file; a site's narrower table is what
 * every check uses, and a bad row is refused when the file loads. */
static void
test_plausible_table (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  g_autoptr(ParasolProtocol) narrow = NULL;
  g_autoptr(GError) error = NULL;
  const ParasolPlausibleRange *r = parasol_protocol_get_plausible (p, "height");
  const char *source = parasol_protocol_get_source (p);
  g_autofree char *narrow_xml = NULL;
  g_autofree char *bad_xml = NULL;

  g_assert_nonnull (r);
  g_assert_cmpfloat (r->min, ==, 100);
  g_assert_cmpfloat (r->max, ==, 250);
  g_assert_true (parasol_protocol_check_quantity (p, "height", 250, NULL));
  g_assert_false (parasol_protocol_check_quantity (p, "height", 250.1, &error));
  g_assert_nonnull (strstr (error->message, "100–250 cm"));
  g_clear_error (&error);
  g_assert_true (parasol_protocol_check_quantity (p, "weight", 300, NULL));
  g_assert_false (parasol_protocol_check_quantity (p, "weight", 7000, NULL));
  g_assert_false (parasol_protocol_check_quantity (p, "age", 17, NULL));
  g_assert_true (parasol_protocol_check_quantity (p, "bsa-cap", 2.0, NULL));
  g_assert_false (parasol_protocol_check_quantity (p, "bsa-cap", 3.5, NULL));
  /* A lab: its own plausible range, in its canonical unit */
  g_assert_true (parasol_protocol_check_quantity (p, "creatinine", 3000, NULL));
  g_assert_false (parasol_protocol_check_quantity (p, "creatinine", 0.9, &error));
  g_assert_nonnull (strstr (error->message, "10–3000"));
  g_clear_error (&error);
  g_assert_false (parasol_protocol_check_quantity (p, "nonsense", 1, &error));
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID);
  g_clear_error (&error);

  /* A site's narrower table */
  {
    g_auto(GStrv) parts = g_strsplit (source, "<range quantity=\"height\" min=\"100\" max=\"250\"", 2);
    g_assert_cmpuint (g_strv_length (parts), ==, 2);
    narrow_xml = g_strjoin ("<range quantity=\"height\" min=\"120\" max=\"220\"", parts[0], parts[1], NULL);
    bad_xml = g_strjoin ("<range quantity=\"height\" min=\"220\" max=\"120\"", parts[0], parts[1], NULL);
  }
  narrow = parasol_protocol_new_from_data (narrow_xml, strlen (narrow_xml), "narrow.xml", &error);
  g_assert_no_error (error);
  g_assert_false (parasol_protocol_check_quantity (narrow, "height", 230, NULL));
  g_assert_true (parasol_protocol_check_quantity (narrow, "height", 220, NULL));
  g_assert_null (parasol_protocol_new_from_data (bad_xml, strlen (bad_xml), "bad.xml", &error));
  g_assert_nonnull (strstr (error->message, "min below max"));
}

/* Issue 8: the platinum default must be a platinum of the backbone */
static void
test_platinum_default (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  const char *source = parasol_protocol_get_source (p);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolProtocol) cis = NULL;
  const char *variants[] = { "platinum-default=\"etoposide\"", "platinum-default=\"oxaliplatin\"" };
  g_auto(GStrv) parts = g_strsplit (source, "platinum-default=\"carboplatin\"", 2);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *xml = g_strjoin (variants[i], parts[0], parts[1], NULL);

      g_assert_null (parasol_protocol_new_from_data (xml, strlen (xml), "bad-platinum.xml", &error));
      g_assert_nonnull (strstr (error->message, "default platinum"));
      g_clear_error (&error);
    }
  /* a site that gives cisplatin first */
  {
    g_autofree char *xml = g_strjoin ("platinum-default=\"cisplatin\"", parts[0], parts[1], NULL);

    cis = parasol_protocol_new_from_data (xml, strlen (xml), "cisplatin-first.xml", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (parasol_protocol_get_regimen (cis)->default_platinum, ==, "cisplatin");
  }
}

/* Issue 10: the reasons for discontinuation come from the protocol file; "other" needs words,
 * an unknown id is refused, old free text stays readable, a bad list is refused on load. */
static void
test_discontinuation_reasons (void)
{
  g_autoptr(ParasolProtocol) p = load_default ();
  g_autoptr(ParasolProtocol) site = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *reasons = parasol_protocol_get_discontinuation_reasons (p);
  const char *source = parasol_protocol_get_source (p);
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  g_autofree char *site_xml = NULL;
  g_autofree char *dup_xml = NULL;
  g_autofree char *none_xml = NULL;

  g_assert_cmpuint (reasons->len, ==, 7);
  g_assert_cmpstr (((ParasolDiscontinuationReason *) g_ptr_array_index (reasons, 0))->id, ==, "progression");
  g_assert_true (((ParasolDiscontinuationReason *) g_ptr_array_index (reasons, 6))->specify);

  text = parasol_protocol_discontinuation_reason_text (p, "toxicity", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Unacceptable toxicity");
  g_clear_pointer (&text, g_free);
  text = parasol_protocol_discontinuation_reason_text (p, "toxicity", " febrile neutropenia ", &error);
  g_assert_cmpstr (text, ==, "Unacceptable toxicity: febrile neutropenia");
  g_clear_pointer (&text, g_free);
  g_assert_null (parasol_protocol_discontinuation_reason_text (p, "other", "  ", &error));
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  text = parasol_protocol_discontinuation_reason_text (p, "other", "Moved abroad", &error);
  g_assert_cmpstr (text, ==, "Other: Moved abroad");
  g_assert_null (parasol_protocol_discontinuation_reason_text (p, "bored", NULL, &error));
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID);
  g_assert_nonnull (strstr (error->message, "consent-withdrawn"));
  g_clear_error (&error);

  label = parasol_protocol_discontinuation_reason_label (p, "Other: Moved abroad");
  g_assert_cmpstr (label, ==, "Other: Moved abroad");
  g_clear_pointer (&label, g_free);
  /* recorded before the list: as written */
  label = parasol_protocol_discontinuation_reason_label (p, "Febrile neutropenia");
  g_assert_cmpstr (label, ==, "Febrile neutropenia");
  g_clear_pointer (&label, g_free);
  label = parasol_protocol_discontinuation_reason_label (p, "Othering");
  g_assert_cmpstr (label, ==, "Othering");

  /* A site's own list; a list with an id twice is refused */
  {
    const char *from = strstr (source, "<discontinuation-reasons");
    const char *to = strstr (source, "</discontinuation-reasons>");
    g_autofree char *head = NULL;

    g_assert_nonnull (from);
    g_assert_nonnull (to);
    head = g_strndup (source, from - source);
    to += strlen ("</discontinuation-reasons>");
    site_xml = g_strconcat (head, "<discontinuation-reasons><reason id=\"toxicity\" label=\"Toxicity\"/>"
                            "<reason id=\"other\" label=\"Other\" specify=\"true\"/></discontinuation-reasons>",
                            to, NULL);
    dup_xml = g_strconcat (head, "<discontinuation-reasons><reason id=\"toxicity\" label=\"Toxicity\"/>"
                           "<reason id=\"toxicity\" label=\"Toxic\"/></discontinuation-reasons>", to, NULL);
    none_xml = g_strconcat (head, to, NULL);
  }
  site = parasol_protocol_new_from_data (site_xml, strlen (site_xml), "site.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parasol_protocol_get_discontinuation_reasons (site)->len, ==, 2);
  g_assert_null (parasol_protocol_discontinuation_reason_text (site, "progression", NULL, &error));
  g_clear_error (&error);
  g_assert_null (parasol_protocol_new_from_data (dup_xml, strlen (dup_xml), "dup.xml", &error));
  g_assert_nonnull (strstr (error->message, "listed twice"));
  g_clear_error (&error);
  g_clear_object (&site);
  /* without the element: the defaults */
  site = parasol_protocol_new_from_data (none_xml, strlen (none_xml), "none.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parasol_protocol_get_discontinuation_reasons (site)->len, ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/default/trial", test_default_trial);
  g_test_add_func ("/protocol/plausible-table", test_plausible_table);
  g_test_add_func ("/protocol/platinum-default", test_platinum_default);
  g_test_add_func ("/protocol/discontinuation-reasons", test_discontinuation_reasons);
  g_test_add_func ("/protocol/default/criteria", test_default_criteria);
  g_test_add_func ("/protocol/default/labs-markers-arms", test_default_labs_markers_arms);
  g_test_add_func ("/protocol/default/regimen", test_default_regimen);
  g_test_add_func ("/protocol/units/conversions", test_unit_conversions);
  g_test_add_func ("/protocol/units/refusals", test_unit_refusals);
  g_test_add_func ("/protocol/biomarkers", test_biomarkers);
  g_test_add_func ("/protocol/broken-files", test_broken_files);
  g_test_add_func ("/protocol/hostile-data", test_hostile_data);
  g_test_add_func ("/protocol/describe", test_describe);
  g_test_add_func ("/protocol/biomarker-prepare", test_biomarker_prepare);

  return g_test_run ();
}
