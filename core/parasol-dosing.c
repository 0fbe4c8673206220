/* parasol-dosing.c — BSA, Cockcroft-Gault, Calvert, rounding and the doses of a regimen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-dosing"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-dosing.h"

G_DEFINE_QUARK (parasol-dosing-error-quark, parasol_dosing_error)

#define DEFAULT_TOLERANCE 0.10
#define TOLERANCE_EPSILON 1e-9

/* A number for a sentence: at most @decimals decimals, trailing zeros dropped. */
static char *
fmt_num (double value,
         int    decimals)
{
  char *str;
  char *dot;

  if (!isfinite (value))
    return g_strdup ("?");

  str = g_strdup_printf ("%.*f", decimals, value);
  dot = strchr (str, '.');
  if (dot == NULL)
    dot = strchr (str, ',');
  if (dot != NULL)
    {
      char *end = str + strlen (str) - 1;

      while (end > dot && *end == '0')
        *end-- = '\0';
      if (end == dot)
        *end = '\0';
    }

  if (strcmp (str, "-0") == 0)
    {
      g_free (str);
      str = g_strdup ("0");
    }

  return str;
}

/* Cells and other large counts: 8 x 10^8 */
static char *
fmt_amount (double      value,
            const char *unit)
{
  if (fabs (value) >= 1e6)
    {
      int exponent = (int) floor (log10 (fabs (value)));
      g_autofree char *mantissa = fmt_num (value / pow (10, exponent), 2);

      return g_strdup_printf ("%s × 10^%d %s", mantissa, exponent, unit ? unit : "");
    }
  else
    {
      g_autofree char *num = fmt_num (value, 2);

      return g_strdup_printf ("%s %s", num, unit ? unit : "");
    }
}

/* ---- Range checks ------------------------------------------------------------------------- */

static gboolean
check_range (double      value,
             double      min,
             double      max,
             const char *what,
             const char *unit,
             const char *hint,
             GError    **error)
{
  g_autofree char *v = NULL;
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;

  if (isnan (value))
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   /* Translators: %s is "height", "weight", ... */
                   _("The %s is not known; enter it before calculating doses"), what);
      return FALSE;
    }

  if (isfinite (value) && value >= min && value <= max)
    return TRUE;

  v = fmt_num (value, 2);
  lo = fmt_num (min, 2);
  hi = fmt_num (max, 2);
  g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE,
               /* Translators: "The height 1.7 cm is outside the accepted range 100–250 cm", then a hint */
               _("The %s %s %s is outside the accepted range %s–%s %s%s"),
               what, v, unit, lo, hi, unit, hint ? hint : "");
  return FALSE;
}

gboolean
parasol_dosing_check_height (double   height_cm,
                             GError **error)
{
  const char *hint = NULL;

  if (height_cm > 0.5 && height_cm < 2.6)
    hint = _(" (was it entered in metres? enter centimetres)");
  else if (height_cm >= 39 && height_cm < 100)
    hint = _(" (was it entered in inches? enter centimetres)");

  return check_range (height_cm, PARASOL_DOSING_HEIGHT_MIN_CM, PARASOL_DOSING_HEIGHT_MAX_CM,
                      _("height"), "cm", hint, error);
}

gboolean
parasol_dosing_check_weight (double   weight_kg,
                             GError **error)
{
  const char *hint = NULL;

  if (weight_kg > PARASOL_DOSING_WEIGHT_MAX_KG && weight_kg <= PARASOL_DOSING_WEIGHT_MAX_KG * 1000)
    hint = _(" (was it entered in grams or pounds? enter kilograms)");

  return check_range (weight_kg, PARASOL_DOSING_WEIGHT_MIN_KG, PARASOL_DOSING_WEIGHT_MAX_KG,
                      _("weight"), "kg", hint, error);
}

gboolean
parasol_dosing_check_creatinine (double   creatinine_umol_l,
                                 GError **error)
{
  const char *hint = NULL;

  if (creatinine_umol_l > 0 && creatinine_umol_l < PARASOL_DOSING_CREATININE_MIN_UMOL)
    hint = _(" (was it entered in mg/dL? 1 mg/dL = 88.42 µmol/L)");

  return check_range (creatinine_umol_l,
                      PARASOL_DOSING_CREATININE_MIN_UMOL, PARASOL_DOSING_CREATININE_MAX_UMOL,
                      _("creatinine"), "µmol/L", hint, error);
}

gboolean
parasol_dosing_check_age (int      age_years,
                          GError **error)
{
  if (age_years < 0)
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   _("The age is not known; enter the date of birth"));
      return FALSE;
    }

  if (age_years < PARASOL_DOSING_AGE_MIN || age_years > PARASOL_DOSING_AGE_MAX)
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE,
                   _("The age %d years is outside the accepted range %d–%d years"),
                   age_years, PARASOL_DOSING_AGE_MIN, PARASOL_DOSING_AGE_MAX);
      return FALSE;
    }

  return TRUE;
}

gboolean
parasol_dosing_creatinine_to_umol_l (double      value,
                                     const char *unit,
                                     double     *umol_l,
                                     GError    **error)
{
  g_return_val_if_fail (umol_l != NULL, FALSE);

  if (unit == NULL
      || g_ascii_strcasecmp (unit, "umol/L") == 0
      || g_strcmp0 (unit, "µmol/L") == 0
      || g_strcmp0 (unit, "μmol/L") == 0)
    {
      *umol_l = value;
      return TRUE;
    }

  if (g_ascii_strcasecmp (unit, "mg/dL") == 0)
    {
      *umol_l = value * PARASOL_CREATININE_UMOL_PER_MG_DL;
      return TRUE;
    }

  g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_UNIT,
               _("Unknown creatinine unit “%s”; use umol/L or mg/dL"), unit);
  return FALSE;
}

/* ---- Formulas ----------------------------------------------------------------------------- */

double
parasol_dosing_bsa_mosteller (double   height_cm,
                              double   weight_kg,
                              GError **error)
{
  if (!parasol_dosing_check_height (height_cm, error) ||
      !parasol_dosing_check_weight (weight_kg, error))
    return NAN;

  return sqrt (height_cm * weight_kg / 3600.0);
}

double
parasol_dosing_bsa_dubois (double   height_cm,
                           double   weight_kg,
                           GError **error)
{
  if (!parasol_dosing_check_height (height_cm, error) ||
      !parasol_dosing_check_weight (weight_kg, error))
    return NAN;

  return 0.007184 * pow (weight_kg, 0.425) * pow (height_cm, 0.725);
}

double
parasol_dosing_bsa (ParasolBsaFormula   formula,
                    double              height_cm,
                    double              weight_kg,
                    GError            **error)
{
  switch (formula)
    {
    case PARASOL_BSA_DUBOIS:
      return parasol_dosing_bsa_dubois (height_cm, weight_kg, error);
    case PARASOL_BSA_MOSTELLER:
    default:
      return parasol_dosing_bsa_mosteller (height_cm, weight_kg, error);
    }
}

double
parasol_dosing_ideal_body_weight (double      height_cm,
                                  ParasolSex  sex,
                                  GError    **error)
{
  double base;
  double ibw;

  if (!parasol_dosing_check_height (height_cm, error))
    return NAN;

  if (sex == PARASOL_SEX_FEMALE)
    base = 45.5;
  else if (sex == PARASOL_SEX_MALE)
    base = 50.0;
  else
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   _("The sex is not known; ideal body weight needs it"));
      return NAN;
    }

  /* Devine: 2.3 kg per inch over 5 feet (152.4 cm) */
  ibw = base + 2.3 * (height_cm - 152.4) / 2.54;

  /* Below about 1 m (women 102 cm, men 97 cm) the formula gives no weight at all; a negative
   * weight would make a negative CrCl and a Calvert dose from it. */
  if (!(ibw > 0))
    {
      g_autofree char *h = fmt_num (height_cm, 1);

      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_OUT_OF_RANGE,
                   /* Translators: %s is a height in centimetres */
                   _("The ideal body weight (Devine) is not defined for a height of %s cm; "
                     "use the actual body weight for Cockcroft-Gault"), h);
      return NAN;
    }

  return ibw;
}

double
parasol_dosing_crcl_cockcroft_gault (int         age_years,
                                     ParasolSex  sex,
                                     double      weight_kg,
                                     double      creatinine_umol_l,
                                     GError    **error)
{
  return parasol_dosing_crcl_full (age_years, sex, weight_kg, NAN, creatinine_umol_l,
                                   PARASOL_CRCL_WEIGHT_ACTUAL, NULL, NULL, error);
}

double
parasol_dosing_crcl_full (int                 age_years,
                          ParasolSex          sex,
                          double              weight_kg,
                          double              height_cm,
                          double              creatinine_umol_l,
                          ParasolCrclWeight   weight_choice,
                          double             *weight_used_kg,
                          char              **working,
                          GError            **error)
{
  double scr_mg_dl;
  double weight = weight_kg;
  double ibw = NAN;
  double crcl;
  const char *weight_label;

  if (!parasol_dosing_check_age (age_years, error) ||
      !parasol_dosing_check_weight (weight_kg, error) ||
      !parasol_dosing_check_creatinine (creatinine_umol_l, error))
    return NAN;

  if (sex != PARASOL_SEX_FEMALE && sex != PARASOL_SEX_MALE)
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_MISSING,
                   _("The sex is not known; Cockcroft-Gault needs it"));
      return NAN;
    }

  if (weight_choice != PARASOL_CRCL_WEIGHT_ACTUAL)
    {
      ibw = parasol_dosing_ideal_body_weight (height_cm, sex, error);
      if (isnan (ibw))
        return NAN;
    }

  switch (weight_choice)
    {
    case PARASOL_CRCL_WEIGHT_IDEAL:
      weight = ibw;
      weight_label = _("ideal body weight (Devine)");
      break;
    case PARASOL_CRCL_WEIGHT_ADJUSTED:
      weight = weight_kg > ibw ? ibw + 0.4 * (weight_kg - ibw) : weight_kg;
      weight_label = _("adjusted body weight (IBW + 0.4 × (actual − IBW))");
      break;
    case PARASOL_CRCL_WEIGHT_LOWER:
      weight = MIN (weight_kg, ibw);
      weight_label = _("lower of actual and ideal body weight");
      break;
    case PARASOL_CRCL_WEIGHT_ACTUAL:
    default:
      weight_label = _("actual body weight");
      break;
    }

  scr_mg_dl = creatinine_umol_l / PARASOL_CREATININE_UMOL_PER_MG_DL;
  crcl = (140.0 - age_years) * weight / (72.0 * scr_mg_dl);
  if (sex == PARASOL_SEX_FEMALE)
    crcl *= 0.85;

  if (weight_used_kg != NULL)
    *weight_used_kg = weight;

  if (working != NULL)
    {
      g_autofree char *w = fmt_num (weight, 1);
      g_autofree char *scr = fmt_num (creatinine_umol_l, 1);
      g_autofree char *scr_mg = fmt_num (scr_mg_dl, 3);
      g_autofree char *result = fmt_num (crcl, 1);

      *working = g_strdup_printf (
        /* Translators: Cockcroft-Gault working; keep the formula readable */
        _("Cockcroft-Gault CrCl = (140 − %d y) × %s kg [%s] / (72 × %s mg/dL [%s µmol/L ÷ 88.42])%s = %s mL/min"),
        age_years, w, weight_label, scr_mg, scr,
        sex == PARASOL_SEX_FEMALE ? _(" × 0.85 (female)") : "",
        result);
    }

  return crcl;
}

double
parasol_dosing_calvert (double  auc,
                        double  gfr_ml_min,
                        double  gfr_cap_ml_min,
                        double *gfr_used)
{
  double gfr = gfr_ml_min;

  if (gfr_cap_ml_min > 0 && gfr > gfr_cap_ml_min)
    gfr = gfr_cap_ml_min;

  if (gfr_used != NULL)
    *gfr_used = gfr;

  return auc * (gfr + 25.0);
}

static const char *bsa_formula_names[] = { "mosteller", "dubois" };
static const char *crcl_weight_names[] = { "actual", "ideal", "adjusted", "lower" };

const char *
parasol_bsa_formula_to_string (ParasolBsaFormula formula)
{
  if ((guint) formula < G_N_ELEMENTS (bsa_formula_names))
    return bsa_formula_names[formula];
  return NULL;
}

gboolean
parasol_bsa_formula_from_string (const char        *str,
                                 ParasolBsaFormula *formula)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (bsa_formula_names); i++)
    if (g_ascii_strcasecmp (str, bsa_formula_names[i]) == 0)
      {
        *formula = (ParasolBsaFormula) i;
        return TRUE;
      }
  return FALSE;
}

const char *
parasol_crcl_weight_to_string (ParasolCrclWeight choice)
{
  if ((guint) choice < G_N_ELEMENTS (crcl_weight_names))
    return crcl_weight_names[choice];
  return NULL;
}

gboolean
parasol_crcl_weight_from_string (const char        *str,
                                 ParasolCrclWeight *choice)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (crcl_weight_names); i++)
    if (g_ascii_strcasecmp (str, crcl_weight_names[i]) == 0)
      {
        *choice = (ParasolCrclWeight) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- Rounding ----------------------------------------------------------------------------- */

static double
drug_tolerance (const ParasolDrug *drug)
{
  if (drug == NULL || !(drug->tolerance > 0))
    return DEFAULT_TOLERANCE;
  return drug->tolerance;
}

gboolean
parasol_dosing_within_tolerance (const ParasolDrug *drug,
                                 double             calculated,
                                 double             given)
{
  double tol = drug_tolerance (drug);

  if (!isfinite (calculated) || !isfinite (given))
    return FALSE;
  if (calculated == 0)
    return given == 0;

  return fabs (given - calculated) <= tol * fabs (calculated) * (1 + TOLERANCE_EPSILON);
}

/* Nearest sum of tablet strengths (any number of each), in steps of 0.01 unit.
 * Ties go to the lower dose.  Returns NAN when nothing can be made. */
static double
round_to_strengths (const GArray *strengths,
                    double        dose,
                    char        **tablets)
{
  g_autofree guint32 *count = NULL;   /* tablets needed to reach a sum; 0 = unreachable */
  g_autofree guint16 *last = NULL;    /* index of the last strength added */
  g_autofree gint64 *units = NULL;
  gint64 target, limit, max_unit = 0, best = -1;
  guint n = strengths->len;

  if (n == 0 || !(dose > 0))
    return NAN;

  units = g_new0 (gint64, n);
  for (guint i = 0; i < n; i++)
    {
      double s = g_array_index (strengths, double, i);
      units[i] = (gint64) llround (s * 100.0);
      if (units[i] <= 0)
        return NAN;
      max_unit = MAX (max_unit, units[i]);
    }

  target = llround (dose * 100.0);
  limit = target + max_unit;
  if (limit > 10 * 1000 * 1000)  /* 100 000 units: not a tablet dose */
    return NAN;

  count = g_new0 (guint32, limit + 1);
  last = g_new0 (guint16, limit + 1);
  for (gint64 s = 1; s <= limit; s++)
    for (guint i = 0; i < n; i++)
      {
        gint64 prev = s - units[i];
        guint32 c;

        if (prev < 0 || (prev > 0 && count[prev] == 0))
          continue;
        c = (prev == 0 ? 0 : count[prev]) + 1;
        if (count[s] == 0 || c < count[s])
          {
            count[s] = c;
            last[s] = i;
          }
      }

  for (gint64 d = 0; d <= limit; d++)
    {
      if (target - d > 0 && count[target - d] != 0)
        {
          best = target - d;
          break;
        }
      if (target + d <= limit && count[target + d] != 0)
        {
          best = target + d;
          break;
        }
    }

  if (best < 0)
    return NAN;

  if (tablets != NULL)
    {
      g_autofree guint *per = g_new0 (guint, n);
      g_autoptr(GString) str = g_string_new (NULL);

      for (gint64 s = best; s > 0; s -= units[last[s]])
        per[last[s]]++;
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *strength = NULL;

          if (per[i] == 0)
            continue;
          strength = fmt_num (g_array_index (strengths, double, i), 2);
          if (str->len > 0)
            g_string_append (str, " + ");
          g_string_append_printf (str, "%u × %s", per[i], strength);
        }
      *tablets = g_string_free (g_steal_pointer (&str), FALSE);
    }

  return best / 100.0;
}

double
parasol_dosing_round (const ParasolDrug *drug,
                      double             dose,
                      gboolean          *within_tolerance,
                      char             **tablets)
{
  double rounded = dose;
  g_autofree char *tabs = NULL;

  if (within_tolerance != NULL)
    *within_tolerance = TRUE;
  if (tablets != NULL)
    *tablets = NULL;

  if (drug == NULL || !isfinite (dose) || dose <= 0)
    return dose;

  if (drug->strengths != NULL && drug->strengths->len > 0)
    rounded = round_to_strengths (drug->strengths, dose, &tabs);
  else if (drug->round_to > 0)
    rounded = round (dose / drug->round_to) * drug->round_to;
  else
    return dose;

  if (isnan (rounded) || !parasol_dosing_within_tolerance (drug, dose, rounded))
    {
      if (within_tolerance != NULL)
        *within_tolerance = FALSE;
      return dose;
    }

  if (tablets != NULL)
    *tablets = g_steal_pointer (&tabs);

  return rounded;
}

/* ---- Weight change ------------------------------------------------------------------------ */

double
parasol_dosing_weight_change (double dose_weight_kg,
                              double current_weight_kg)
{
  if (!(dose_weight_kg > 0) || !isfinite (current_weight_kg))
    return NAN;
  return fabs (current_weight_kg - dose_weight_kg) / dose_weight_kg;
}

gboolean
parasol_dosing_needs_recalculation (double dose_weight_kg,
                                    double current_weight_kg,
                                    double threshold)
{
  double change = parasol_dosing_weight_change (dose_weight_kg, current_weight_kg);

  if (!(threshold > 0))
    threshold = 0.10;
  if (isnan (change))
    return FALSE;
  return change >= threshold - TOLERANCE_EPSILON;
}

/* ---- Regimen doses ------------------------------------------------------------------------ */

void
parasol_dosing_input_init (ParasolDosingInput *input)
{
  g_return_if_fail (input != NULL);

  memset (input, 0, sizeof *input);
  input->height_cm = NAN;
  input->weight_kg = NAN;
  input->age_years = -1;
  input->sex = PARASOL_SEX_UNKNOWN;
  input->creatinine_umol_l = NAN;
  g_date_clear (&input->weight_date, 1);
  g_date_clear (&input->creatinine_date, 1);
  input->bsa_formula = PARASOL_BSA_MOSTELLER;
  input->crcl_weight = PARASOL_CRCL_WEIGHT_ACTUAL;
  input->dose_level = 0;
  input->drug_levels = NULL;
  input->bsa_cap = FALSE;
  input->bsa_cap_m2 = 0;
}

ParasolPhase
parasol_dosing_cycle_phase (const ParasolRegimen *regimen,
                            int                   cycle)
{
  g_return_val_if_fail (regimen != NULL, PARASOL_PHASE_INDUCTION);

  if (cycle <= regimen->induction_cycles)
    return PARASOL_PHASE_INDUCTION;
  return PARASOL_PHASE_MAINTENANCE;
}

gboolean
parasol_dosing_drug_given (const ParasolRegimen *regimen,
                           const ParasolDrug    *drug,
                           int                   cycle)
{
  ParasolPhase phase;
  int every;

  g_return_val_if_fail (regimen != NULL && drug != NULL, FALSE);

  if (cycle < 1)
    return FALSE;

  phase = parasol_dosing_cycle_phase (regimen, cycle);
  if ((drug->phases & phase) == 0)
    return FALSE;

  every = MAX (drug->every_n_cycles, 1);
  return (cycle - 1) % every == 0;
}

GArray *
parasol_dosing_drug_days (const ParasolDrug *drug,
                          ParasolPhase       phase)
{
  g_return_val_if_fail (drug != NULL, NULL);

  if (phase == PARASOL_PHASE_MAINTENANCE && drug->maintenance_days != NULL)
    return drug->maintenance_days;
  return drug->days;
}

static const ParasolDrug *
find_in (GPtrArray  *drugs,
         const char *drug_id)
{
  for (guint i = 0; drugs != NULL && i < drugs->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (drugs, i);

      if (g_strcmp0 (drug->id, drug_id) == 0)
        return drug;
    }
  return NULL;
}

const ParasolDrug *
parasol_dosing_find_drug (const ParasolRegimen *regimen,
                          const char           *drug_id)
{
  const ParasolDrug *drug;

  g_return_val_if_fail (regimen != NULL, NULL);

  if ((drug = find_in (regimen->backbone, drug_id)) != NULL)
    return drug;
  if ((drug = find_in (regimen->icis, drug_id)) != NULL)
    return drug;
  for (guint i = 0; regimen->arms != NULL && i < regimen->arms->len; i++)
    {
      const ParasolArmRegimen *arm = g_ptr_array_index (regimen->arms, i);

      if ((drug = find_in (arm->drugs, drug_id)) != NULL)
        return drug;
    }
  return NULL;
}

void
parasol_dose_free (ParasolDose *dose)
{
  if (dose == NULL)
    return;
  g_free (dose->drug);
  g_free (dose->name);
  g_free (dose->route);
  g_free (dose->unit);
  g_clear_pointer (&dose->days, g_array_unref);
  g_free (dose->working);
  g_free (dose->tablets);
  g_free (dose->note);
  g_free (dose);
}

void
parasol_dose_set_free (ParasolDoseSet *set)
{
  if (set == NULL)
    return;
  g_clear_pointer (&set->doses, g_ptr_array_unref);
  g_clear_pointer (&set->warnings, g_ptr_array_unref);
  g_free (set);
}

const ParasolDose *
parasol_dose_set_find (const ParasolDoseSet *set,
                       const char           *drug_id)
{
  g_return_val_if_fail (set != NULL, NULL);

  for (guint i = 0; i < set->doses->len; i++)
    {
      const ParasolDose *dose = g_ptr_array_index (set->doses, i);

      if (g_strcmp0 (dose->drug, drug_id) == 0)
        return dose;
    }
  return NULL;
}

static char *
dated (const char  *what,
       const GDate *date)
{
  g_autofree char *d = parasol_date_to_iso (date);

  if (d == NULL)
    return g_strdup (what);
  /* Translators: "70 kg" "(2025-03-01)": a value and the date it was measured */
  return g_strdup_printf (_("%s (%s)"), what, d);
}

typedef struct {
  const ParasolRegimen     *regimen;
  const ParasolDosingInput *input;
  ParasolDoseSet           *set;
  char                     *bsa_working;
  char                     *crcl_working;
  GError                   *bsa_error;
  GError                   *crcl_error;
} DoseContext;

static ParasolDose *
compute_drug (DoseContext        *ctx,
              const ParasolDrug  *drug,
              GError            **error)
{
  const ParasolDosingInput *in = ctx->input;
  g_autoptr(GString) working = g_string_new (NULL);
  g_autofree char *amount = NULL;
  ParasolDose *dose;
  double value = NAN;
  double level = 1.0;
  gboolean within = TRUE;
  GArray *days;

  dose = g_new0 (ParasolDose, 1);
  dose->drug = g_strdup (drug->id);
  dose->name = g_strdup (drug->name ? g_dgettext (GETTEXT_PACKAGE, drug->name) : drug->id);
  dose->route = g_strdup (drug->route);
  dose->unit = g_strdup (drug->unit ? drug->unit : "mg");
  dose->configurable = drug->configurable;
  dose->note = g_strdup (drug->note);

  days = parasol_dosing_drug_days (drug, ctx->set->phase);
  dose->days = g_array_new (FALSE, FALSE, sizeof (int));
  if (days != NULL)
    g_array_append_vals (dose->days, days->data, days->len);

  amount = fmt_num (drug->amount, 3);

  switch (drug->basis)
    {
    case PARASOL_DOSE_BASIS_MG_PER_M2:
      {
        g_autofree char *bsa = fmt_num (ctx->set->bsa_m2, 3);

        if (ctx->bsa_error != NULL)
          {
            g_propagate_prefixed_error (error, g_error_copy (ctx->bsa_error),
                                        _("%s needs the body surface area: "), dose->name);
            parasol_dose_free (dose);
            return NULL;
          }
        value = drug->amount * ctx->set->bsa_m2;
        g_string_append_printf (working, _("%s mg/m² × BSA %s m² [%s]"),
                                amount, bsa, ctx->bsa_working);
      }
      break;

    case PARASOL_DOSE_BASIS_AUC:
      {
        g_autofree char *gfr = fmt_num (ctx->set->gfr_used_ml_min, 1);
        g_autofree char *cap = fmt_num (ctx->regimen->gfr_cap_ml_min, 0);

        if (ctx->crcl_error != NULL)
          {
            g_propagate_prefixed_error (error, g_error_copy (ctx->crcl_error),
                                        _("%s needs the creatinine clearance: "), dose->name);
            parasol_dose_free (dose);
            return NULL;
          }
        value = parasol_dosing_calvert (drug->amount, ctx->set->crcl_ml_min,
                                        ctx->regimen->gfr_cap_ml_min, NULL);
        g_string_append_printf (working, _("Calvert: AUC %s × (GFR %s mL/min + 25)"), amount, gfr);
        if (ctx->regimen->gfr_cap_ml_min > 0 && ctx->set->crcl_ml_min > ctx->regimen->gfr_cap_ml_min)
          {
            dose->capped = TRUE;
            g_string_append_printf (working, _(" [GFR capped at %s mL/min]"), cap);
          }
        g_string_append_printf (working, _("; GFR estimated by %s"), ctx->crcl_working);
      }
      break;

    case PARASOL_DOSE_BASIS_MG_PER_KG:
      {
        g_autofree char *w = fmt_num (in->weight_kg, 1);
        g_autofree char *wd = NULL;
        g_autofree char *wstr = NULL;
        GError *local = NULL;

        if (!parasol_dosing_check_weight (in->weight_kg, &local))
          {
            g_propagate_prefixed_error (error, local, _("%s needs the weight: "), dose->name);
            parasol_dose_free (dose);
            return NULL;
          }
        wstr = g_strdup_printf ("%s kg", w);
        wd = dated (wstr, &in->weight_date);
        value = drug->amount * in->weight_kg;
        g_string_append_printf (working, _("%s %s/kg × weight %s"), amount, dose->unit, wd);
      }
      break;

    case PARASOL_DOSE_BASIS_CELLS:
      {
        g_autofree char *a = fmt_amount (drug->amount, dose->unit);

        value = drug->amount;
        g_string_append_printf (working, _("fixed dose %s"), a);
      }
      break;

    case PARASOL_DOSE_BASIS_FLAT:
    default:
      {
        g_autofree char *a = fmt_amount (drug->amount, dose->unit);

        value = drug->amount;
        g_string_append_printf (working, _("flat dose %s"), a);
      }
      break;
    }

  /* Dose level (reduction): per drug when the caller says so, else the common level; a drug
   * without reductions in the protocol (the checkpoint inhibitors) stays at its full dose. */
  {
    int wanted = in->dose_level;
    guint n_levels = drug->dose_levels ? drug->dose_levels->len : 0;

    if (in->drug_levels != NULL && g_hash_table_contains (in->drug_levels, drug->id))
      wanted = GPOINTER_TO_INT (g_hash_table_lookup (in->drug_levels, drug->id));

    if (wanted < 0 || (wanted > 0 && n_levels > 1 && (guint) wanted >= n_levels))
      {
        g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_INVALID,
                     _("%s has no dose level −%d in the protocol (levels 0 to −%u)"),
                     dose->name, wanted, n_levels > 0 ? n_levels - 1 : 0);
        parasol_dose_free (dose);
        return NULL;
      }

    if (n_levels > 0 && (guint) wanted < n_levels)
      level = g_array_index (drug->dose_levels, double, wanted);
    else if (wanted > 0)
      g_string_append_printf (working, _(" (no dose reduction defined: full dose)"));

    dose->level_index = n_levels > 1 ? wanted : 0;
  }

  dose->dose_level = level;
  if (level != 1.0)
    {
      g_autofree char *pct = fmt_num (level * 100, 1);

      value *= level;
      g_string_append_printf (working, _(" × dose level −%d (%s %%)"), dose->level_index, pct);
    }

  if (drug->max_dose > 0 && value > drug->max_dose)
    {
      g_autofree char *max = fmt_amount (drug->max_dose, dose->unit);

      value = drug->max_dose;
      dose->capped = TRUE;
      g_string_append_printf (working, _(", capped at the maximum %s"), max);
    }

  dose->dose_unrounded = value;
  {
    g_autofree char *v = fmt_amount (value, dose->unit);
    g_string_append_printf (working, " = %s", v);
  }

  dose->dose = parasol_dosing_round (drug, value, &within, &dose->tablets);
  dose->rounded = dose->dose != dose->dose_unrounded;

  if (!within)
    {
      g_autofree char *tol = fmt_num (drug_tolerance (drug) * 100, 1);

      if (drug->strengths != NULL && drug->strengths->len > 0)
        g_string_append_printf (working,
                                _("; no combination of the available strengths is within %s %%: "
                                  "the pharmacy must review"), tol);
      else
        g_string_append_printf (working,
                                _("; not rounded: rounding would change the dose by more than %s %%"),
                                tol);
    }
  else if (dose->rounded)
    {
      g_autofree char *v = fmt_amount (dose->dose, dose->unit);
      g_autofree char *pct = fmt_num (100.0 * (dose->dose - value) / value, 1);

      if (dose->tablets != NULL)
        g_string_append_printf (working, _(", rounded to %s (%s × %s; %s %%)"),
                                v, dose->tablets, dose->unit, pct);
      else
        {
          g_autofree char *step = fmt_num (drug->round_to, 3);

          g_string_append_printf (working, _(", rounded to %s (nearest %s %s; %s %%)"),
                                  v, step, dose->unit, pct);
        }
    }
  else if (dose->tablets != NULL)
    g_string_append_printf (working, _(" (%s × %s)"), dose->tablets, dose->unit);

  if (drug->configurable && drug->note != NULL)
    g_string_append_printf (working, _(" — configurable: %s"), drug->note);

  dose->working = g_string_free (g_steal_pointer (&working), FALSE);

  return dose;
}

static void
append_drugs (DoseContext  *ctx,
              GPtrArray    *drugs,
              int           cycle,
              GError      **error)
{
  for (guint i = 0; drugs != NULL && i < drugs->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (drugs, i);
      ParasolDose *dose;

      if (error != NULL && *error != NULL)
        return;
      if (!parasol_dosing_drug_given (ctx->regimen, drug, cycle))
        continue;

      dose = compute_drug (ctx, drug, error);
      if (dose != NULL)
        g_ptr_array_add (ctx->set->doses, dose);
    }
}

static gboolean
needs_basis (const ParasolRegimen *regimen,
             GPtrArray            *lists[],
             guint                 n_lists,
             int                   cycle,
             ParasolDoseBasis      basis)
{
  for (guint l = 0; l < n_lists; l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      {
        const ParasolDrug *drug = g_ptr_array_index (lists[l], i);

        if (drug->basis == basis && parasol_dosing_drug_given (regimen, drug, cycle))
          return TRUE;
      }
  return FALSE;
}

ParasolDoseSet *
parasol_dosing_compute (const ParasolRegimen     *regimen,
                        const char               *arm_id,
                        const char               *ici_id,
                        int                       cycle,
                        const ParasolDosingInput *input,
                        GError                  **error)
{
  g_autoptr(ParasolDoseSet) set = NULL;
  const ParasolArmRegimen *arm = NULL;
  const ParasolDrug *ici = NULL;
  g_autoptr(GPtrArray) ici_list = g_ptr_array_new ();
  g_autoptr(GPtrArray) backbone = NULL;
  GPtrArray *lists[3];
  DoseContext ctx = { 0 };
  GError *local = NULL;

  g_return_val_if_fail (regimen != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  if (cycle < 1)
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_INVALID,
                   _("Cycle %d does not exist; cycles are numbered from 1"), cycle);
      return NULL;
    }

  if (arm_id != NULL)
    {
      arm = parasol_regimen_find_arm (regimen, arm_id);
      if (arm == NULL)
        {
          g_autoptr(GString) ids = g_string_new (NULL);

          for (guint i = 0; regimen->arms != NULL && i < regimen->arms->len; i++)
            {
              const ParasolArmRegimen *a = g_ptr_array_index (regimen->arms, i);
              g_string_append_printf (ids, "%s%s", i ? ", " : "", a->id);
            }
          g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_UNKNOWN_ARM,
                       _("Unknown arm “%s”; the protocol's arms are: %s"), arm_id, ids->str);
          return NULL;
        }
    }

  if (ici_id == NULL)
    ici_id = regimen->default_ici;
  if (ici_id != NULL)
    {
      ici = parasol_regimen_find_ici (regimen, ici_id);
      if (ici == NULL)
        {
          g_autoptr(GString) ids = g_string_new (NULL);

          for (guint i = 0; regimen->icis != NULL && i < regimen->icis->len; i++)
            {
              const ParasolDrug *d = g_ptr_array_index (regimen->icis, i);
              g_string_append_printf (ids, "%s%s", i ? ", " : "", d->id);
            }
          g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_UNKNOWN_DRUG,
                       _("Unknown checkpoint inhibitor “%s”; the protocol allows: %s"),
                       ici_id, ids->str);
          return NULL;
        }
      g_ptr_array_add (ici_list, (gpointer) ici);
    }

  if (input->platinum != NULL && parasol_regimen_find_platinum (regimen, input->platinum) == NULL)
    {
      g_set_error (error, PARASOL_DOSING_ERROR, PARASOL_DOSING_ERROR_UNKNOWN_DRUG,
                   _("Unknown platinum “%s”; the protocol's backbone lists the platinum choices"),
                   input->platinum);
      return NULL;
    }
  backbone = parasol_regimen_backbone_for (regimen, input->platinum);

  set = g_new0 (ParasolDoseSet, 1);
  set->cycle = cycle;
  set->phase = parasol_dosing_cycle_phase (regimen, cycle);
  set->doses = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_dose_free);
  set->warnings = g_ptr_array_new_with_free_func (g_free);
  set->bsa_m2 = set->bsa_uncapped_m2 = NAN;
  set->crcl_ml_min = set->gfr_used_ml_min = set->crcl_weight_kg = NAN;

  lists[0] = backbone;
  lists[1] = ici_list;
  lists[2] = arm ? arm->drugs : NULL;

  ctx.regimen = regimen;
  ctx.input = input;
  ctx.set = set;

  /* BSA */
  set->bsa_uncapped_m2 = parasol_dosing_bsa (input->bsa_formula, input->height_cm,
                                             input->weight_kg, &ctx.bsa_error);
  if (ctx.bsa_error == NULL)
    {
      gboolean cap_on = input->bsa_cap || regimen->bsa_cap_enabled;
      double cap = input->bsa_cap_m2 > 0 ? input->bsa_cap_m2 : regimen->bsa_cap_m2;
      g_autofree char *h = fmt_num (input->height_cm, 1);
      g_autofree char *w = fmt_num (input->weight_kg, 1);
      g_autofree char *hs = g_strdup_printf ("%s cm", h);
      g_autofree char *ws = g_strdup_printf ("%s kg", w);
      g_autofree char *wd = dated (ws, &input->weight_date);
      g_autofree char *raw = fmt_num (set->bsa_uncapped_m2, 3);

      set->bsa_m2 = set->bsa_uncapped_m2;
      if (input->bsa_formula == PARASOL_BSA_DUBOIS)
        ctx.bsa_working = g_strdup_printf (_("DuBois: 0.007184 × %s^0.425 × %s^0.725 = %s m²"),
                                           wd, hs, raw);
      else
        ctx.bsa_working = g_strdup_printf (_("Mosteller: √(%s × %s / 3600) = %s m²"),
                                           hs, wd, raw);

      if (cap_on && cap > 0 && set->bsa_m2 > cap)
        {
          g_autofree char *c = fmt_num (cap, 2);
          char *tmp;

          set->bsa_m2 = cap;
          tmp = g_strdup_printf (_("%s, capped at %s m²"), ctx.bsa_working, c);
          g_free (ctx.bsa_working);
          ctx.bsa_working = tmp;
          g_ptr_array_add (set->warnings,
                           g_strdup_printf (_("BSA %s m² capped at %s m²: ASCO advises full "
                                              "weight-based dosing; check the protocol allows a cap"),
                                            raw, c));
        }
    }

  /* Cockcroft-Gault and the GFR used by Calvert */
  {
    g_autofree char *cg = NULL;

    double scr = input->creatinine_umol_l;
    gboolean raised = FALSE;

    /* The protocol's minimum creatinine for Cockcroft-Gault, when it applies */
    if (regimen->crcl_min_creatinine_umol_l > 0 && isfinite (scr) &&
        scr < regimen->crcl_min_creatinine_umol_l)
      {
        scr = regimen->crcl_min_creatinine_umol_l;
        raised = TRUE;
      }
    set->crcl_ml_min = parasol_dosing_crcl_full (input->age_years, input->sex, input->weight_kg,
                                                 input->height_cm, scr,
                                                 input->crcl_weight, &set->crcl_weight_kg,
                                                 &cg, &ctx.crcl_error);
    if (ctx.crcl_error == NULL && raised)
      {
        g_autofree char *measured = fmt_num (input->creatinine_umol_l, 1);
        g_autofree char *minimum = fmt_num (scr, 1);
        char *tmp = g_strdup_printf (_("%s (creatinine %s µmol/L raised to the protocol's minimum "
                                       "%s µmol/L for Cockcroft-Gault)"), cg, measured, minimum);

        g_free (cg);
        cg = tmp;
      }
    /* Devine is defined from 5 feet (152.4 cm); below it the ideal weight is extrapolated */
    if (ctx.crcl_error == NULL && input->crcl_weight != PARASOL_CRCL_WEIGHT_ACTUAL &&
        input->height_cm < 152.4)
      {
        g_autofree char *h = fmt_num (input->height_cm, 0);

        g_ptr_array_add (set->warnings,
                         g_strdup_printf (_("Height %s cm is below 152.4 cm (5 ft), where the Devine "
                                            "ideal body weight is extrapolated: check the CrCl, or "
                                            "use the actual weight"), h));
      }
    if (ctx.crcl_error == NULL)
      {
        g_autofree char *wstr = fmt_num (input->weight_kg, 1);
        g_autofree char *ws = g_strdup_printf ("%s kg", wstr);
        g_autofree char *wd = dated (ws, &input->weight_date);
        g_autofree char *cstr = fmt_num (input->creatinine_umol_l, 1);
        g_autofree char *cs = g_strdup_printf ("%s µmol/L", cstr);
        g_autofree char *cd = dated (cs, &input->creatinine_date);

        parasol_dosing_calvert (1, set->crcl_ml_min, regimen->gfr_cap_ml_min,
                                &set->gfr_used_ml_min);
        /* Translators: the CG working, then the weight and creatinine with their dates */
        ctx.crcl_working = g_strdup_printf (_("%s; weight %s, creatinine %s"), cg, wd, cd);
      }
  }

  if (ctx.bsa_error != NULL && needs_basis (regimen, lists, 3, cycle, PARASOL_DOSE_BASIS_MG_PER_M2))
    {
      local = g_steal_pointer (&ctx.bsa_error);
      goto out;
    }
  if (ctx.crcl_error != NULL && needs_basis (regimen, lists, 3, cycle, PARASOL_DOSE_BASIS_AUC))
    {
      local = g_steal_pointer (&ctx.crcl_error);
      goto out;
    }

  if (arm == NULL)
    g_ptr_array_add (set->warnings,
                     g_strdup (_("No arm assigned: only the shared backbone and the checkpoint "
                                 "inhibitor are listed")));

  for (guint l = 0; l < G_N_ELEMENTS (lists) && local == NULL; l++)
    append_drugs (&ctx, lists[l], cycle, &local);

out:
  g_clear_error (&ctx.bsa_error);
  g_clear_error (&ctx.crcl_error);
  g_free (ctx.bsa_working);
  g_free (ctx.crcl_working);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }

  return g_steal_pointer (&set);
}
