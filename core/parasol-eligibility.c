/* parasol-eligibility.c — evaluate a patient against the protocol's criteria
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-eligibility"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-dosing.h"
#include "parasol-eligibility.h"
#include "parasol-json.h"
#include "parasol-regimen.h"

typedef struct {
  ParasolProtocol           *protocol;
  const ParasolPatientFacts *facts;
  GDate                      on;
  GDate                      age_on;
  const ParasolCriterion    *criterion;   /* the one being evaluated */
} Ctx;

/* The outcome of one check or group of checks. */
typedef struct {
  ParasolCriterionStatus status;
  gboolean               skipped;   /* an optional check without data: neither pass nor fail */
  char                  *reason;
  GDate                  lapses_on;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->reason, g_free);
}

static void
outcome_init (Outcome *o)
{
  o->status = PARASOL_STATUS_MET;
  o->skipped = FALSE;
  o->reason = NULL;
  g_date_clear (&o->lapses_on, 1);
}

static void
merge_lapse (GDate       *into,
             const GDate *from)
{
  if (!g_date_valid (from))
    return;
  if (!g_date_valid (into) || g_date_compare (from, into) < 0)
    *into = *from;
}

static char *
date_string (const GDate *date)
{
  char buf[PARASOL_DATE_BUF_SIZE];

  if (date == NULL || !g_date_valid (date))
    return g_strdup ("—");
  return g_strdup (parasol_date_format (date, buf, sizeof buf));
}

/* "ANC 1.2 × 10^9/L", "INR 1.1" */
static char *
lab_value_string (const ParasolLabDef *lab,
                  double               value)
{
  g_autofree char *num = parasol_protocol_format_number (value);
  const char *unit = lab->display_unit ? lab->display_unit : lab->unit;

  if (unit == NULL || *unit == '\0')
    return g_strdup_printf ("%s %s", parasol_protocol_translate (lab->name), num);
  return g_strdup_printf ("%s %s %s", parasol_protocol_translate (lab->name), num, unit);
}

static char *
value_with_unit (const ParasolLabDef *lab,
                 double               value)
{
  g_autofree char *num = parasol_protocol_format_number (value);
  const char *unit = lab->display_unit ? lab->display_unit : lab->unit;

  if (unit == NULL || *unit == '\0')
    return g_steal_pointer (&num);
  return g_strdup_printf ("%s %s", num, unit);
}

static const char *
negated_symbol (ParasolCompare op)
{
  switch (op)
    {
    case PARASOL_COMPARE_LT:
      return "≥";
    case PARASOL_COMPARE_LE:
      return ">";
    case PARASOL_COMPARE_GT:
      return "≤";
    case PARASOL_COMPARE_GE:
    default:
      return "<";
    }
}

/* The result the rule reads, checked against its validity window.  Returns FALSE with @o set
 * when there is none or it expired. */
static gboolean
find_valid_result (Ctx                     *ctx,
                   const ParasolLabDef     *lab,
                   gboolean                 required,
                   const ParasolLabResult **result,
                   Outcome                 *o)
{
  const ParasolLabResult *r = parasol_patient_facts_find_lab (ctx->facts, lab->id, &ctx->on);
  int window = parasol_protocol_get_window_days (ctx->protocol, lab->window);

  *result = r;
  if (r == NULL)
    {
      if (!required)
        {
          o->skipped = TRUE;
          return FALSE;
        }
      o->status = PARASOL_STATUS_MISSING;
      if (parasol_patient_facts_find_lab (ctx->facts, lab->id, NULL) != NULL)
        {
          g_autofree char *on = date_string (&ctx->on);
          o->reason = g_strdup_printf (_("%s: no result on or before %s"), parasol_protocol_translate (lab->name), on);
        }
      else
        o->reason = g_strdup_printf (_("%s not recorded"), parasol_protocol_translate (lab->name));
      return FALSE;
    }

  if (window > 0 && g_date_valid (&r->date))
    {
      GDate last = r->date;

      g_date_add_days (&last, window);
      if (g_date_compare (&ctx->on, &last) > 0)
        {
          g_autofree char *sampled = date_string (&r->date);
          g_autofree char *until = date_string (&last);

          if (!required)
            {
              o->skipped = TRUE;
              return FALSE;
            }
          o->status = PARASOL_STATUS_EXPIRED;
          o->reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s expired: valid %d day, until %s",
                                                 "%s of %s expired: valid %d days, until %s",
                                                 window),
                                       parasol_protocol_translate (lab->name), sampled, window, until);
          o->lapses_on = last;
          return FALSE;
        }
      o->lapses_on = last;
    }
  return TRUE;
}

static void
eval_lab (Ctx               *ctx,
          const ParasolRule *rule,
          Outcome           *o)
{
  const ParasolLabDef *lab = parasol_protocol_find_lab (ctx->protocol, rule->ref);
  const ParasolLabResult *r;
  g_autofree char *shown = NULL;

  if (lab == NULL)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup_printf (_("Unknown lab “%s”"), rule->ref);
      return;
    }
  if (!find_valid_result (ctx, lab, rule->required, &r, o))
    return;

  shown = lab_value_string (lab, r->value);

  if (isnan (rule->times_uln))
    {
      g_autofree char *limit = value_with_unit (lab, rule->value);

      if (parasol_compare_holds (rule->op, r->value, rule->value))
        {
          o->status = PARASOL_STATUS_MET;
          o->reason = g_strdup_printf ("%s %s %s", shown,
                                       parasol_compare_to_symbol (rule->op), limit);
        }
      else
        {
          o->status = PARASOL_STATUS_NOT_MET;
          o->reason = g_strdup_printf ("%s %s %s", shown, negated_symbol (rule->op), limit);
        }
      return;
    }

  /* A multiple of the upper limit of normal */
  if (isnan (r->uln) || r->uln <= 0)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup_printf (_("%s: the upper limit of normal (ULN) was not recorded with the result"),
                                   shown);
      return;
    }

  {
    double ratio = r->value / r->uln;
    g_autofree char *ratio_s = parasol_protocol_format_number (ratio);
    g_autofree char *lim_s = parasol_protocol_format_number (rule->times_uln);
    g_autofree char *rel_s = parasol_protocol_format_number (rule->relaxed_times_uln);
    gboolean strict = parasol_compare_holds (rule->op, r->value, rule->times_uln * r->uln);
    gboolean relaxed;
    ParasolTri fact = PARASOL_TRI_UNKNOWN;
    const char *condition = NULL;
    const char *no_condition = NULL;

    if (strict || rule->relaxed_when == NULL)
      {
        o->status = strict ? PARASOL_STATUS_MET : PARASOL_STATUS_NOT_MET;
        /* Translators: "AST 100 U/L = 2.5 × ULN ≤ 2.5 × ULN" */
        o->reason = g_strdup_printf (_("%s = %s × ULN %s %s × ULN"), shown, ratio_s,
                                     strict ? parasol_compare_to_symbol (rule->op)
                                            : negated_symbol (rule->op),
                                     lim_s);
        return;
      }

    if (g_str_equal (rule->relaxed_when, "liver_metastases"))
      {
        fact = ctx->facts->liver_metastases;
        condition = _("with liver metastases");
        no_condition = _("no liver metastases");
      }
    else
      {
        fact = ctx->facts->liver_infiltration;
        condition = _("with tumour infiltration of the liver");
        no_condition = _("no tumour infiltration of the liver");
      }
    relaxed = parasol_compare_holds (rule->op, r->value, rule->relaxed_times_uln * r->uln);

    if (fact == PARASOL_TRI_YES)
      {
        o->status = relaxed ? PARASOL_STATUS_MET : PARASOL_STATUS_NOT_MET;
        /* Translators: "AST 196 U/L = 4.9 × ULN ≤ 5 × ULN (with liver metastases)" */
        o->reason = g_strdup_printf (_("%s = %s × ULN %s %s × ULN (%s)"), shown, ratio_s,
                                     relaxed ? parasol_compare_to_symbol (rule->op)
                                             : negated_symbol (rule->op),
                                     rel_s, condition);
      }
    else if (fact == PARASOL_TRI_NO)
      {
        o->status = PARASOL_STATUS_NOT_MET;
        o->reason = g_strdup_printf (_("%s = %s × ULN %s %s × ULN (%s)"), shown, ratio_s,
                                     negated_symbol (rule->op), lim_s, no_condition);
      }
    else if (relaxed)
      {
        o->status = PARASOL_STATUS_MISSING;
        /* Translators: "AST 160 U/L = 4 × ULN > 2.5 × ULN; up to 5 × ULN is allowed with liver
         * metastases: record whether the patient has them" */
        o->reason = g_strdup_printf (_("%s = %s × ULN %s %s × ULN; up to %s × ULN is allowed %s: record whether the patient has them"),
                                     shown, ratio_s, negated_symbol (rule->op), lim_s, rel_s,
                                     condition);
      }
    else
      {
        o->status = PARASOL_STATUS_NOT_MET;
        o->reason = g_strdup_printf (_("%s = %s × ULN %s %s × ULN, even %s"), shown, ratio_s,
                                     negated_symbol (rule->op), rel_s, condition);
      }
  }
}

/* The weight a CrCl on @on rests on: the last measured on or before that day.  Facts without
 * dated weights (a database from before schema 7, or facts built by hand) have only the
 * weight on record. */
static double
weight_on (const ParasolPatientFacts *facts,
           const GDate               *on)
{
  const ParasolWeight *w;

  if (facts->weights == NULL || facts->weights->len == 0)
    return facts->weight_kg;
  w = parasol_patient_facts_weight_on (facts, on);
  return w != NULL ? w->weight_kg : NAN;
}

static void
eval_crcl (Ctx               *ctx,
           const ParasolRule *rule,
           Outcome           *o)
{
  const ParasolLabDef *lab = parasol_protocol_find_lab (ctx->protocol, "creatinine");
  const ParasolLabResult *r;
  g_autoptr(GError) error = NULL;
  double scr_umol;
  double crcl;
  double weight_kg;
  int age;

  if (lab == NULL)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup (_("CrCl: the protocol defines no creatinine lab"));
      return;
    }
  if (!find_valid_result (ctx, lab, TRUE, &r, o))
    {
      g_autofree char *inner = o->reason;
      o->reason = g_strdup_printf (_("CrCl: %s"), inner);
      return;
    }
  if (!parasol_lab_def_convert (lab, r->value, lab->unit, "umol/L", &scr_umol, &error))
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup_printf (_("CrCl: %s"), error->message);
      return;
    }
  weight_kg = weight_on (ctx->facts, &ctx->on);
  if (isnan (weight_kg))
    {
      char iso[PARASOL_DATE_BUF_SIZE];

      o->status = PARASOL_STATUS_MISSING;
      if (ctx->facts->weights != NULL && ctx->facts->weights->len > 0)
        /* Translators: "CrCl: no weight measured on or before 2026-12-01" */
        o->reason = g_strdup_printf (_("CrCl: no weight measured on or before %s"),
                                     parasol_date_format (&ctx->on, iso, sizeof iso));
      else
        o->reason = g_strdup (_("CrCl: weight not recorded"));
      return;
    }
  if (ctx->facts->sex != PARASOL_SEX_FEMALE && ctx->facts->sex != PARASOL_SEX_MALE)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup (_("CrCl: sex not recorded"));
      return;
    }
  age = parasol_age_on (&ctx->facts->birth_date, &ctx->on);
  if (age < 0)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup (_("CrCl: date of birth not recorded"));
      return;
    }

  crcl = parasol_dosing_crcl_cockcroft_gault (age, ctx->facts->sex, weight_kg,
                                              scr_umol, &error);
  if (isnan (crcl))
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup_printf (_("CrCl cannot be computed: %s"),
                                   error ? error->message : "");
      return;
    }

  {
    g_autofree char *crcl_s = parasol_protocol_format_number (round (crcl * 10) / 10);
    g_autofree char *lim_s = parasol_protocol_format_number (rule->value);
    g_autofree char *w_s = parasol_protocol_format_number (weight_kg);
    g_autofree char *scr_s = value_with_unit (lab, r->value);
    gboolean holds = parasol_compare_holds (rule->op, crcl, rule->value);

    o->status = holds ? PARASOL_STATUS_MET : PARASOL_STATUS_NOT_MET;
    /* Translators: "Cockcroft-Gault CrCl 72 mL/min ≥ 60 mL/min (age 60, 70 kg, creatinine
     * 150 µmol/L)" */
    o->reason = g_strdup_printf (_("Cockcroft-Gault CrCl %s mL/min %s %s mL/min (age %d, %s kg, creatinine %s)"),
                                 crcl_s,
                                 holds ? parasol_compare_to_symbol (rule->op) : negated_symbol (rule->op),
                                 lim_s, age, w_s, scr_s);
  }
}

static void
eval_age (Ctx               *ctx,
          const ParasolRule *rule,
          Outcome           *o)
{
  int age = parasol_age_on (&ctx->facts->birth_date, &ctx->age_on);
  g_autofree char *on = date_string (&ctx->age_on);

  if (age < 0)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup (_("Date of birth not recorded"));
      return;
    }
  if (!isnan (rule->min) && age < rule->min)
    {
      o->status = PARASOL_STATUS_NOT_MET;
      o->reason = g_strdup_printf (_("Age %d on %s is below %d"), age, on, (int) rule->min);
    }
  else if (!isnan (rule->max) && age > rule->max)
    {
      o->status = PARASOL_STATUS_NOT_MET;
      o->reason = g_strdup_printf (_("Age %d on %s is above %d"), age, on, (int) rule->max);
    }
  else
    {
      o->status = PARASOL_STATUS_MET;
      if (!isnan (rule->min) && !isnan (rule->max))
        o->reason = g_strdup_printf (_("Age %d on %s is within %d–%d"), age, on,
                                     (int) rule->min, (int) rule->max);
      else
        o->reason = g_strdup_printf (_("Age %d on %s"), age, on);
    }
}

static void
eval_ecog (Ctx               *ctx,
           const ParasolRule *rule,
           Outcome           *o)
{
  int ecog = ctx->facts->ecog;

  if (ecog < 0)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup (_("ECOG performance status not recorded"));
      return;
    }
  if (!isnan (rule->max) && ecog > rule->max)
    {
      o->status = PARASOL_STATUS_NOT_MET;
      o->reason = g_strdup_printf (_("ECOG %d > %d"), ecog, (int) rule->max);
    }
  else if (!isnan (rule->min) && ecog < rule->min)
    {
      o->status = PARASOL_STATUS_NOT_MET;
      o->reason = g_strdup_printf (_("ECOG %d < %d"), ecog, (int) rule->min);
    }
  else
    {
      o->status = PARASOL_STATUS_MET;
      if (!isnan (rule->max))
        o->reason = g_strdup_printf (_("ECOG %d ≤ %d"), ecog, (int) rule->max);
      else
        o->reason = g_strdup_printf (_("ECOG %d"), ecog);
    }
}

/* A woman of childbearing potential needs a negative pregnancy test sampled within
 * rule->value days before the evaluation date; nothing is asked of a man. */
static void
eval_pregnancy_test (Ctx               *ctx,
                     const ParasolRule *rule,
                     Outcome           *o)
{
  const ParasolLabDef *lab = parasol_protocol_find_lab (ctx->protocol, rule->ref);
  const ParasolLabResult *r;
  int days = (int) rule->value;
  g_autofree char *on = date_string (&ctx->on);
  GDate earliest;

  if (ctx->facts->sex == PARASOL_SEX_MALE)
    {
      o->skipped = TRUE;
      return;
    }
  if (ctx->facts->sex != PARASOL_SEX_FEMALE)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup (_("Sex not recorded: a woman of childbearing potential needs a negative pregnancy test"));
      return;
    }
  if (ctx->facts->childbearing_potential == PARASOL_TRI_NO)
    {
      o->status = PARASOL_STATUS_MET;
      o->reason = g_strdup (_("Not of childbearing potential: no pregnancy test needed"));
      return;
    }
  if (ctx->facts->childbearing_potential != PARASOL_TRI_YES)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup (_("Childbearing potential not recorded: record whether she can become pregnant"));
      return;
    }
  if (lab == NULL)
    {
      o->status = PARASOL_STATUS_MISSING;
      o->reason = g_strdup_printf (_("Unknown lab “%s”"), rule->ref);
      return;
    }

  earliest = parasol_date_plus_days (&ctx->on, -days);
  r = parasol_patient_facts_find_lab (ctx->facts, lab->id, &ctx->on);
  if (r == NULL)
    {
      o->status = PARASOL_STATUS_MISSING;
      /* Translators: "Pregnancy test not recorded: a negative test from 7 days before 2026-12-01 is needed" */
      o->reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%s not recorded: a negative test from %d day before %s is needed",
                                                "%s not recorded: a negative test from %d days before %s is needed",
                                                days),
                                   parasol_protocol_translate (lab->name), days, on);
      return;
    }
  {
    g_autofree char *sampled = date_string (&r->date);

    if (g_date_valid (&earliest) && g_date_valid (&r->date) && g_date_compare (&r->date, &earliest) < 0)
      {
        g_autofree char *until = NULL;
        GDate last = parasol_date_plus_days (&r->date, days);

        until = date_string (&last);
        o->status = PARASOL_STATUS_EXPIRED;
        o->reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "%s of %s expired: valid %d day, until %s; repeat it",
                                                  "%s of %s expired: valid %d days, until %s; repeat it",
                                                  days),
                                     parasol_protocol_translate (lab->name), sampled, days, until);
        o->lapses_on = last;
        return;
      }
    if (r->value != 0)
      {
        o->status = PARASOL_STATUS_NOT_MET;
        o->reason = g_strdup_printf (_("%s positive on %s"), parasol_protocol_translate (lab->name), sampled);
        return;
      }
    o->status = PARASOL_STATUS_MET;
    o->reason = g_strdup_printf (_("%s negative on %s"), parasol_protocol_translate (lab->name), sampled);
    if (g_date_valid (&r->date))
      o->lapses_on = parasol_date_plus_days (&r->date, days);
  }
}

/* No transfusion within rule->value days before the samples of rule->refs (or the evaluation
 * date): the recorded date of the last transfusion decides; without it, the criterion's
 * attestation; without either the criterion is undecided. */
static void
eval_transfusion_free (Ctx               *ctx,
                       const ParasolRule *rule,
                       Outcome           *o)
{
  int days = (int) rule->value;
  const ParasolAttestation *att;
  GDate first;
  const char *first_name = NULL;

  /* The earliest sample the criterion reads on the evaluation date */
  g_date_clear (&first, 1);
  for (char **ref = rule->refs; ref != NULL && *ref != NULL; ref++)
    {
      const ParasolLabDef *lab = parasol_protocol_find_lab (ctx->protocol, *ref);
      const ParasolLabResult *r = lab ? parasol_patient_facts_find_lab (ctx->facts, lab->id, &ctx->on) : NULL;

      if (r != NULL && g_date_valid (&r->date) &&
          (!g_date_valid (&first) || g_date_compare (&r->date, &first) < 0))
        {
          first = r->date;
          first_name = parasol_protocol_translate (lab->name);
        }
    }
  if (!g_date_valid (&first))
    first = ctx->on;

  if (g_date_valid (&ctx->facts->last_transfusion))
    {
      g_autofree char *given = date_string (&ctx->facts->last_transfusion);
      g_autofree char *sampled = date_string (&first);
      int gap = g_date_valid (&first) ? g_date_days_between (&ctx->facts->last_transfusion, &first) : -1;

      if (gap >= days)
        {
          o->status = PARASOL_STATUS_MET;
          /* Translators: "Last transfusion 2026-10-01, 30 days before the sample of ANC (2026-10-31)" */
          o->reason = first_name
                      ? g_strdup_printf (_("Last transfusion %s, %d days before the sample of %s (%s)"),
                                         given, gap, first_name, sampled)
                      : g_strdup_printf (_("Last transfusion %s, %d days before %s"), given, gap, sampled);
        }
      else
        {
          o->status = PARASOL_STATUS_NOT_MET;
          o->reason = first_name
                      ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                      "Transfusion on %s, less than %d day before the sample of %s (%s): repeat the count later",
                                                      "Transfusion on %s, less than %d days before the sample of %s (%s): repeat the count later",
                                                      days),
                                         given, days, first_name, sampled)
                      : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                      "Transfusion on %s, less than %d day before %s",
                                                      "Transfusion on %s, less than %d days before %s",
                                                      days),
                                         given, days, sampled);
        }
      return;
    }

  att = ctx->criterion ? parasol_patient_facts_find_attestation (ctx->facts, ctx->criterion->id) : NULL;
  if (att != NULL && att->met)
    {
      o->status = PARASOL_STATUS_MET;
      o->reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "No transfusion within %d day before the samples (attested)",
                                                "No transfusion within %d days before the samples (attested)",
                                                days),
                                   days);
      return;
    }
  o->status = PARASOL_STATUS_MISSING;
  o->reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Transfusions not on record: record the date of the last transfusion, or attest that none was given within %d day before the samples",
                                            "Transfusions not on record: record the date of the last transfusion, or attest that none was given within %d days before the samples",
                                            days),
                               days);
}

/* Severity for ALL: the worst child wins. */
static int
all_rank (ParasolCriterionStatus s)
{
  switch (s)
    {
    case PARASOL_STATUS_NOT_MET:
      return 3;
    case PARASOL_STATUS_MISSING:
      return 2;
    case PARASOL_STATUS_EXPIRED:
      return 1;
    case PARASOL_STATUS_MET:
    default:
      return 0;
    }
}

/* For ANY: the best child wins; a missing or expired alternative still might pass. */
static int
any_rank (ParasolCriterionStatus s)
{
  switch (s)
    {
    case PARASOL_STATUS_MET:
      return 3;
    case PARASOL_STATUS_MISSING:
      return 2;
    case PARASOL_STATUS_EXPIRED:
      return 1;
    case PARASOL_STATUS_NOT_MET:
    default:
      return 0;
    }
}

static void eval_rule (Ctx *ctx, const ParasolRule *rule, Outcome *o);

static void
eval_group (Ctx               *ctx,
            const ParasolRule *rule,
            Outcome           *o)
{
  gboolean is_all = rule->type == PARASOL_RULE_ALL;
  g_autoptr(GArray) outcomes = g_array_new (FALSE, TRUE, sizeof (Outcome));
  GString *reason = g_string_new (NULL);
  gboolean any_counted = FALSE;
  int best = -1;

  g_array_set_clear_func (outcomes, (GDestroyNotify) outcome_clear);

  for (guint i = 0; i < rule->children->len; i++)
    {
      Outcome child;

      outcome_init (&child);
      eval_rule (ctx, g_ptr_array_index (rule->children, i), &child);
      g_array_append_val (outcomes, child);
    }

  for (guint i = 0; i < outcomes->len; i++)
    {
      Outcome *c = &g_array_index (outcomes, Outcome, i);
      int rank;

      if (c->skipped)
        continue;
      any_counted = TRUE;
      rank = is_all ? all_rank (c->status) : any_rank (c->status);
      if (rank > best)
        {
          best = rank;
          o->status = c->status;
        }
    }

  if (!any_counted)
    {
      o->skipped = TRUE;
      g_string_free (reason, TRUE);
      return;
    }

  for (guint i = 0; i < outcomes->len; i++)
    {
      Outcome *c = &g_array_index (outcomes, Outcome, i);

      if (c->skipped)
        continue;
      /* ALL: explain the children that decide (all of them when met); ANY: all alternatives */
      if (is_all && o->status != PARASOL_STATUS_MET && c->status != o->status)
        continue;
      if (reason->len > 0)
        g_string_append (reason, is_all ? "; " : _(", or "));
      g_string_append (reason, c->reason ? c->reason : "");
      merge_lapse (&o->lapses_on, &c->lapses_on);
    }
  if (!is_all && strchr (reason->str, ';') == NULL && rule->children->len > 1 &&
      o->status != PARASOL_STATUS_MET)
    {
      g_string_prepend_c (reason, '(');
      g_string_append_c (reason, ')');
    }
  o->reason = g_string_free (reason, FALSE);
}

static void
eval_rule (Ctx               *ctx,
           const ParasolRule *rule,
           Outcome           *o)
{
  switch (rule->type)
    {
    case PARASOL_RULE_ALL:
    case PARASOL_RULE_ANY:
      eval_group (ctx, rule, o);
      break;
    case PARASOL_RULE_AGE:
      eval_age (ctx, rule, o);
      break;
    case PARASOL_RULE_ECOG:
      eval_ecog (ctx, rule, o);
      break;
    case PARASOL_RULE_LAB:
      eval_lab (ctx, rule, o);
      break;
    case PARASOL_RULE_CRCL:
      eval_crcl (ctx, rule, o);
      break;
    case PARASOL_RULE_PREGNANCY_TEST:
      eval_pregnancy_test (ctx, rule, o);
      break;
    case PARASOL_RULE_TRANSFUSION_FREE:
      eval_transfusion_free (ctx, rule, o);
      break;
    case PARASOL_RULE_MARKER:
    case PARASOL_RULE_OTHERWISE:
    default:
      o->skipped = TRUE;
      break;
    }
}

static void
criterion_result_free (ParasolCriterionResult *r)
{
  g_free (r->id);
  g_free (r->reason);
  g_free (r->to_confirm);
  g_free (r);
}

/* An attestation of an imaging-based criterion is only as recent as its date. */
static gboolean
attestation_expired (Ctx                      *ctx,
                     const ParasolCriterion   *c,
                     const ParasolAttestation *att,
                     GDate                    *last)
{
  int window = parasol_protocol_get_window_days (ctx->protocol, c->window);

  g_date_clear (last, 1);
  if (window <= 0 || !g_date_valid (&att->date) || g_date_compare (&att->date, &ctx->on) > 0)
    return FALSE;
  *last = att->date;
  g_date_add_days (last, window);
  return g_date_compare (&ctx->on, last) > 0;
}

static char *
attested_reason (const ParasolAttestation *att,
                 gboolean                  met)
{
  const char *note = att->note && *att->note ? att->note : NULL;

  if (met)
    return note ? g_strdup_printf (_("Attested by the investigator: %s"), note)
                : g_strdup (_("Attested by the investigator"));
  return note ? g_strdup_printf (_("The investigator attests it is not met: %s"), note)
              : g_strdup (_("The investigator attests it is not met"));
}

static ParasolCriterionResult *
evaluate_criterion (Ctx                    *ctx,
                    const ParasolCriterion *c,
                    GPtrArray              *warnings)
{
  ParasolCriterionResult *res = g_new0 (ParasolCriterionResult, 1);
  const ParasolAttestation *att = parasol_patient_facts_find_attestation (ctx->facts, c->id);
  Outcome o;

  res->id = g_strdup (c->id);
  res->kind = c->kind;
  res->evaluation = c->evaluation;
  g_date_clear (&res->lapses_on, 1);

  outcome_init (&o);
  ctx->criterion = c;
  if (c->rule != NULL)
    eval_rule (ctx, c->rule, &o);
  else
    o.skipped = TRUE;

  if (c->evaluation == PARASOL_EVALUATION_ATTESTED)
    {
      GDate last;

      g_date_clear (&last, 1);
      if (!o.skipped && o.status == PARASOL_STATUS_NOT_MET)
        {
          /* Entered data already contradict the criterion, whatever is attested. */
          res->status = PARASOL_STATUS_NOT_MET;
          res->reason = g_strdup (o.reason);
        }
      else if (att == NULL)
        {
          res->status = PARASOL_STATUS_MISSING;
          res->reason = g_strdup (_("Awaiting the investigator’s attestation"));
        }
      else if (!att->met)
        {
          res->status = PARASOL_STATUS_NOT_MET;
          res->reason = attested_reason (att, FALSE);
        }
      else if (attestation_expired (ctx, c, att, &last))
        {
          g_autofree char *d = date_string (&att->date);
          g_autofree char *l = date_string (&last);

          res->status = PARASOL_STATUS_EXPIRED;
          res->reason = g_strdup_printf (_("Attested on %s from imaging; valid until %s: repeat and attest again"),
                                         d, l);
          res->lapses_on = last;
        }
      else if (!o.skipped && o.status != PARASOL_STATUS_MET)
        {
          res->status = o.status;
          res->reason = g_strdup (o.reason);
        }
      else
        {
          g_autofree char *base = attested_reason (att, TRUE);

          res->status = PARASOL_STATUS_MET;
          res->reason = (!o.skipped && o.reason && *o.reason)
                        ? g_strdup_printf ("%s; %s", base, o.reason)
                        : g_steal_pointer (&base);
          res->lapses_on = last;
        }
      merge_lapse (&res->lapses_on, &o.lapses_on);
    }
  else
    {
      res->status = o.skipped ? PARASOL_STATUS_MISSING : o.status;
      res->reason = g_strdup (o.reason ? o.reason : _("No data"));
      res->lapses_on = o.lapses_on;

      if (c->attest_text != NULL)
        {
          if (att != NULL && !att->met)
            {
              g_autofree char *old = res->reason;
              g_autofree char *why = attested_reason (att, FALSE);

              res->status = PARASOL_STATUS_NOT_MET;
              res->reason = g_strdup_printf ("%s (%s); %s", why, c->attest_text, old);
            }
          else if (att == NULL && c->attest_required)
            {
              if (res->status == PARASOL_STATUS_MET)
                {
                  g_autofree char *old = res->reason;

                  res->status = PARASOL_STATUS_MISSING;
                  res->reason = g_strdup_printf (_("%s; awaiting the investigator’s attestation: %s"),
                                                 old, parasol_protocol_translate (c->attest_text));
                }
            }
          else if (att == NULL)
            {
              res->to_confirm = g_strdup (parasol_protocol_translate (c->attest_text));
              g_ptr_array_add (warnings,
                               g_strdup_printf (_("%s: to confirm by the investigator: %s"),
                                                c->id, res->to_confirm));
            }
        }
    }

  outcome_clear (&o);
  return res;
}

gboolean
parasol_eligibility_default_date (const ParasolPatientFacts *facts,
                                  GDate                     *date)
{
  g_return_val_if_fail (facts != NULL, FALSE);
  g_return_val_if_fail (date != NULL, FALSE);

  g_date_clear (date, 1);
  if (g_date_valid (&facts->c1d1))
    {
      *date = facts->c1d1;
      return TRUE;
    }
  if (g_date_valid (&facts->screening_date))
    *date = facts->screening_date;
  for (guint i = 0; facts->labs != NULL && i < facts->labs->len; i++)
    {
      const ParasolLabResult *r = g_ptr_array_index (facts->labs, i);

      if (g_date_valid (&r->date) && (!g_date_valid (date) || g_date_compare (&r->date, date) > 0))
        *date = r->date;
    }
  return g_date_valid (date);
}

ParasolEligibility *
parasol_eligibility_evaluate (ParasolProtocol           *protocol,
                              const ParasolPatientFacts *facts,
                              const GDate               *on)
{
  ParasolEligibility *e;
  GPtrArray *criteria;
  gboolean any_not_met = FALSE;
  gboolean any_incomplete = FALSE;
  Ctx ctx;

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), NULL);
  g_return_val_if_fail (facts != NULL, NULL);

  ctx.protocol = protocol;
  ctx.facts = facts;
  ctx.criterion = NULL;
  if (on != NULL && g_date_valid (on))
    ctx.on = *on;
  else if (!parasol_eligibility_default_date (facts, &ctx.on))
    {
      g_date_clear (&ctx.on, 1);
      g_date_set_time_t (&ctx.on, time (NULL));
    }
  ctx.age_on = g_date_valid (&facts->screening_date) ? facts->screening_date : ctx.on;

  e = g_new0 (ParasolEligibility, 1);
  e->protocol_id = g_strdup (parasol_protocol_get_id (protocol));
  e->protocol_version = g_strdup (parasol_protocol_get_version (protocol));
  e->evaluated_on = ctx.on;
  e->age_on = ctx.age_on;
  e->criteria = g_ptr_array_new_with_free_func ((GDestroyNotify) criterion_result_free);
  e->warnings = g_ptr_array_new_with_free_func (g_free);
  g_date_clear (&e->lapses_on, 1);

  criteria = parasol_protocol_get_criteria (protocol);
  for (guint i = 0; i < criteria->len; i++)
    {
      ParasolCriterionResult *r = evaluate_criterion (&ctx, g_ptr_array_index (criteria, i),
                                                      e->warnings);

      if (r->status == PARASOL_STATUS_NOT_MET)
        any_not_met = TRUE;
      else if (r->status != PARASOL_STATUS_MET)
        any_incomplete = TRUE;
      merge_lapse (&e->lapses_on, &r->lapses_on);
      g_ptr_array_add (e->criteria, r);
    }

  if (any_not_met)
    e->verdict = PARASOL_VERDICT_NOT_ELIGIBLE;
  else if (any_incomplete)
    e->verdict = PARASOL_VERDICT_INCOMPLETE;
  else
    e->verdict = PARASOL_VERDICT_ELIGIBLE;

  return e;
}

ParasolCriterionStatus
parasol_eligibility_check_platinum (ParasolProtocol           *protocol,
                                    const ParasolPatientFacts *facts,
                                    const char                *platinum_id,
                                    const GDate               *on,
                                    char                     **reason)
{
  const ParasolRegimen *regimen;
  const ParasolDrug *drug;
  ParasolRule rule = { 0 };
  Outcome o;
  Ctx ctx;

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), PARASOL_STATUS_MISSING);
  g_return_val_if_fail (facts != NULL, PARASOL_STATUS_MISSING);
  g_return_val_if_fail (on != NULL && g_date_valid (on), PARASOL_STATUS_MISSING);

  regimen = parasol_protocol_get_regimen (protocol);
  drug = regimen ? parasol_regimen_find_platinum (regimen, platinum_id) : NULL;
  if (drug == NULL || !(drug->crcl_min_ml_min > 0))
    {
      if (reason != NULL)
        *reason = NULL;
      return PARASOL_STATUS_MET;
    }

  ctx.protocol = protocol;
  ctx.facts = facts;
  ctx.criterion = NULL;
  ctx.on = *on;
  ctx.age_on = *on;
  rule.type = PARASOL_RULE_CRCL;
  rule.op = PARASOL_COMPARE_GE;
  rule.value = drug->crcl_min_ml_min;
  rule.times_uln = NAN;
  rule.min = rule.max = NAN;
  rule.required = TRUE;

  outcome_init (&o);
  eval_crcl (&ctx, &rule, &o);
  if (reason != NULL)
    *reason = g_steal_pointer (&o.reason);
  outcome_clear (&o);
  return o.status;
}

void
parasol_eligibility_free (ParasolEligibility *eligibility)
{
  if (eligibility == NULL)
    return;
  g_free (eligibility->protocol_id);
  g_free (eligibility->protocol_version);
  g_clear_pointer (&eligibility->criteria, g_ptr_array_unref);
  g_clear_pointer (&eligibility->warnings, g_ptr_array_unref);
  g_free (eligibility);
}

const ParasolCriterionResult *
parasol_eligibility_find (const ParasolEligibility *eligibility,
                          const char               *criterion_id)
{
  g_return_val_if_fail (eligibility != NULL, NULL);

  for (guint i = 0; criterion_id && i < eligibility->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (eligibility->criteria, i);
      if (g_strcmp0 (r->id, criterion_id) == 0)
        return r;
    }
  return NULL;
}

char **
parasol_eligibility_ids_with_status (const ParasolEligibility *eligibility,
                                     ParasolCriterionStatus    status)
{
  GPtrArray *ids = g_ptr_array_new ();

  g_return_val_if_fail (eligibility != NULL, NULL);

  for (guint i = 0; i < eligibility->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (eligibility->criteria, i);
      if (r->status == status)
        g_ptr_array_add (ids, g_strdup (r->id));
    }
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

const char *
parasol_criterion_status_to_string (ParasolCriterionStatus status)
{
  switch (status)
    {
    case PARASOL_STATUS_MET:
      return "met";
    case PARASOL_STATUS_NOT_MET:
      return "not_met";
    case PARASOL_STATUS_EXPIRED:
      return "expired";
    case PARASOL_STATUS_MISSING:
    default:
      return "missing";
    }
}

const char *
parasol_criterion_status_to_label (ParasolCriterionStatus status)
{
  switch (status)
    {
    case PARASOL_STATUS_MET:
      /* Translators: a screening criterion's status */
      return _("Met");
    case PARASOL_STATUS_NOT_MET:
      /* Translators: a screening criterion's status */
      return _("Not met");
    case PARASOL_STATUS_EXPIRED:
      /* Translators: a screening criterion's status: the result is older than its window */
      return _("Expired");
    case PARASOL_STATUS_MISSING:
    default:
      /* Translators: a screening criterion's status: data or attestation absent */
      return _("Missing data");
    }
}

const char *
parasol_verdict_to_string (ParasolVerdict verdict)
{
  switch (verdict)
    {
    case PARASOL_VERDICT_ELIGIBLE:
      return "eligible";
    case PARASOL_VERDICT_NOT_ELIGIBLE:
      return "not_eligible";
    case PARASOL_VERDICT_INCOMPLETE:
    default:
      return "incomplete";
    }
}

const char *
parasol_verdict_to_label (ParasolVerdict verdict)
{
  switch (verdict)
    {
    case PARASOL_VERDICT_ELIGIBLE:
      return _("Eligible");
    case PARASOL_VERDICT_NOT_ELIGIBLE:
      return _("Not eligible");
    case PARASOL_VERDICT_INCOMPLETE:
    default:
      return _("Screening incomplete");
    }
}

gint64
parasol_eligibility_record (const ParasolEligibility *eligibility,
                            ParasolStore             *store,
                            gint64                    patient_id,
                            const char               *context,
                            GError                  **error)
{
  g_autoptr(ParasolJson) json = parasol_json_new ();

  g_return_val_if_fail (eligibility != NULL, 0);
  g_return_val_if_fail (PARASOL_IS_STORE (store), 0);

  /* {"inc-01": "met", ...}: enough to see later what the decision rested on. */
  parasol_json_begin_object (json);
  for (guint i = 0; i < eligibility->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (eligibility->criteria, i);

      parasol_json_member_string (json, r->id, parasol_criterion_status_to_string (r->status));
    }
  parasol_json_end_object (json);

  return parasol_store_record_evaluation (store, patient_id, context,
                                          eligibility->protocol_version,
                                          &eligibility->evaluated_on,
                                          parasol_verdict_to_string (eligibility->verdict),
                                          &eligibility->lapses_on,
                                          parasol_json_get (json), error);
}
