/* cli-screening.c — the protocol, screening data, eligibility and arm assignment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   protocol validate FILE
 *   protocol show [--file FILE]
 *   attest ID CRITERION met|not_met [--note TEXT] [--source TEXT] [--date YYYY-MM-DD]
 *   biomarker add ID MARKER --percent P | --hscore H | --intensity W,M,S | --amplified yes|no | --pending
 *   screen ID [--date YYYY-MM-DD]
 *   assign ID [--confirm ARM [--reason TEXT] [--correction]]
 *
 * lab add and lab import are in cli-labs.c, enrol, give and delay in cli-treatment.c.
 */
#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parasol-assignment.h"
#include "parasol-cli.h"
#include "parasol-input.h"
#include "parasol-cli-commands.h"
#include "parasol-administration.h"
#include "parasol-eligibility.h"
#include "parasol-protocol.h"


/* ---- Shared helpers --------------------------------------------------------------------------- */

static void
json_member_strv (ParasolJson *json,
                  const char  *name,
                  GPtrArray   *strings)
{
  parasol_json_member (json, name);
  parasol_json_begin_array (json);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    parasol_json_string (json, g_ptr_array_index (strings, i));
  parasol_json_end_array (json);
}

/* Opens the database, its protocol and (when @key is given) the patient. */
static gboolean
open_context (const char        *key,
              ParasolStore     **store,
              ParasolProtocol  **protocol,
              gint64            *patient_id,
              GError           **error)
{
  *store = parasol_cli_open_store (FALSE, error);
  if (*store == NULL)
    return FALSE;
  *protocol = parasol_protocol_new_for_store (*store, error);
  if (*protocol == NULL)
    return FALSE;
  if (key != NULL)
    {
      *patient_id = parasol_cli_find_patient (*store, key, error);
      if (*patient_id == 0)
        return FALSE;
    }
  return TRUE;
}

static int
fail_literal (GQuark      domain,
              int         code,
              const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, message);

  return parasol_cli_fail (error);
}

/* ---- protocol validate ------------------------------------------------------------------------ */

int
parasol_cli_protocol_validate (int    argc,
                               char **argv)
{
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parasol_cli_parse (&argc, &argv, NULL, "FILE",
                              N_("Check a protocol definition file: well-formed XML, the RELAX NG "
                                 "schema, then ids, units, references and reachable arms. Each "
                                 "problem is printed as FILE:LINE: reason."), 1);
  if (status != PARASOL_CLI_OK)
    return status;

  protocol = parasol_protocol_new_from_file (argv[1], &error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "file", argv[1]);
      parasol_json_member_boolean (json, "valid", protocol != NULL);
      if (protocol != NULL)
        {
          parasol_json_member_string (json, "id", parasol_protocol_get_id (protocol));
          parasol_json_member_string (json, "version", parasol_protocol_get_version (protocol));
        }
      parasol_json_member (json, "errors");
      parasol_json_begin_array (json);
      if (error != NULL)
        {
          g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            if (*lines[i])
              parasol_json_string (json, lines[i]);
        }
      parasol_json_end_array (json);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }

  if (protocol == NULL)
    {
      if (!parasol_cli_options.json)
        g_printerr ("%s\n", error->message);
      return PARASOL_CLI_ERROR;
    }

  if (!parasol_cli_options.json)
    {
      GPtrArray *criteria = parasol_protocol_get_criteria (protocol);
      guint inc = 0, exc = 0;

      for (guint i = 0; i < criteria->len; i++)
        {
          const ParasolCriterion *c = g_ptr_array_index (criteria, i);
          if (c->kind == PARASOL_CRITERION_INCLUSION)
            inc++;
          else
            exc++;
        }
      printf (_("%s: valid — %s version %s, %u inclusion and %u exclusion criteria, %u labs, "
                "%u biomarkers, %u arms\n"),
              argv[1], parasol_protocol_get_id (protocol), parasol_protocol_get_version (protocol),
              inc, exc, parasol_protocol_get_labs (protocol)->len,
              parasol_protocol_get_biomarkers (protocol)->len,
              parasol_protocol_get_arms (protocol)->len);
    }
  return PARASOL_CLI_OK;
}

/* ---- protocol show ---------------------------------------------------------------------------- */

static const char *
window_to_string (ParasolWindowKind window)
{
  switch (window)
    {
    case PARASOL_WINDOW_LAB:
      return "lab";
    case PARASOL_WINDOW_IMAGING:
      return "imaging";
    case PARASOL_WINDOW_NONE:
    default:
      return "none";
    }
}

static const char *
compare_to_id (ParasolCompare op)
{
  switch (op)
    {
    case PARASOL_COMPARE_LT:
      return "lt";
    case PARASOL_COMPARE_LE:
      return "le";
    case PARASOL_COMPARE_GT:
      return "gt";
    case PARASOL_COMPARE_GE:
    default:
      return "ge";
    }
}

static const char *
basis_to_string (ParasolDoseBasis basis)
{
  switch (basis)
    {
    case PARASOL_DOSE_BASIS_MG_PER_M2:
      return "mg/m2";
    case PARASOL_DOSE_BASIS_AUC:
      return "auc";
    case PARASOL_DOSE_BASIS_MG_PER_KG:
      return "mg/kg";
    case PARASOL_DOSE_BASIS_CELLS:
      return "cells";
    case PARASOL_DOSE_BASIS_FLAT:
    default:
      return "flat";
    }
}

static const char *
phases_to_string (ParasolPhase phases)
{
  if (phases == PARASOL_PHASE_BOTH)
    return "both";
  return phases == PARASOL_PHASE_MAINTENANCE ? "maintenance" : "induction";
}

static void
json_int_array (ParasolJson *json,
                const char  *name,
                GArray      *array)
{
  parasol_json_member (json, name);
  if (array == NULL)
    {
      parasol_json_null (json);
      return;
    }
  parasol_json_begin_array (json);
  for (guint i = 0; i < array->len; i++)
    parasol_json_int (json, g_array_index (array, int, i));
  parasol_json_end_array (json);
}

static void
json_double_array (ParasolJson *json,
                   const char  *name,
                   GArray      *array)
{
  parasol_json_member (json, name);
  if (array == NULL)
    {
      parasol_json_null (json);
      return;
    }
  parasol_json_begin_array (json);
  for (guint i = 0; i < array->len; i++)
    parasol_json_double (json, g_array_index (array, double, i));
  parasol_json_end_array (json);
}

static void
json_drug (ParasolJson       *json,
           const ParasolDrug *drug)
{
  parasol_json_begin_object (json);
  parasol_json_member_string (json, "id", drug->id);
  parasol_json_member_string (json, "name", parasol_protocol_translate (drug->name));
  parasol_json_member_string (json, "route", drug->route);
  parasol_json_member_string (json, "basis", basis_to_string (drug->basis));
  parasol_json_member_double (json, "amount", drug->amount);
  parasol_json_member_string (json, "unit", drug->unit);
  parasol_json_member_string (json, "phases", phases_to_string (drug->phases));
  json_int_array (json, "days", drug->days);
  json_int_array (json, "maintenance_days", drug->maintenance_days);
  parasol_json_member_int (json, "maintenance_cycle_days", drug->maintenance_cycle_days);
  parasol_json_member_int (json, "every_n_cycles", drug->every_n_cycles);
  parasol_json_member_double (json, "round_to", drug->round_to);
  json_double_array (json, "strengths", drug->strengths);
  parasol_json_member_double (json, "tolerance", drug->tolerance);
  parasol_json_member_double (json, "max_dose", drug->max_dose);
  json_double_array (json, "dose_levels", drug->dose_levels);
  parasol_json_member_boolean (json, "configurable", drug->configurable);
  parasol_json_member_string (json, "note", parasol_protocol_translate (drug->note));
  parasol_json_member_boolean (json, "platinum", drug->platinum);
  parasol_json_member_double (json, "crcl_min_ml_min", drug->crcl_min_ml_min);
  parasol_json_end_object (json);
}

static void
json_drugs (ParasolJson *json,
            const char  *name,
            GPtrArray   *drugs)
{
  parasol_json_member (json, name);
  parasol_json_begin_array (json);
  for (guint i = 0; drugs != NULL && i < drugs->len; i++)
    json_drug (json, g_ptr_array_index (drugs, i));
  parasol_json_end_array (json);
}

static void
show_json (ParasolProtocol *protocol)
{
  g_autoptr(ParasolJson) json = parasol_json_new ();
  GPtrArray *criteria = parasol_protocol_get_criteria (protocol);
  GPtrArray *labs = parasol_protocol_get_labs (protocol);
  GPtrArray *markers = parasol_protocol_get_biomarkers (protocol);
  GPtrArray *arms = parasol_protocol_get_arms (protocol);
  GPtrArray *rules = parasol_protocol_get_assignment_rules (protocol);
  const ParasolValidity *validity = parasol_protocol_get_validity (protocol);
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);

  parasol_json_begin_object (json);
  parasol_json_member_string (json, "id", parasol_protocol_get_id (protocol));
  parasol_json_member_string (json, "registry", parasol_protocol_get_registry_id (protocol));
  parasol_json_member_string (json, "title", parasol_protocol_translate (parasol_protocol_get_title (protocol)));
  parasol_json_member_string (json, "version", parasol_protocol_get_version (protocol));
  parasol_json_member_string (json, "effective_date", parasol_protocol_get_effective_date (protocol));
  parasol_json_member_string (json, "note", parasol_protocol_translate (parasol_protocol_get_note (protocol)));

  parasol_json_member (json, "validity");
  parasol_json_begin_object (json);
  parasol_json_member_int (json, "lab_days", validity->lab_days);
  parasol_json_member_int (json, "imaging_days", validity->imaging_days);
  parasol_json_member_boolean (json, "configurable", validity->configurable);
  parasol_json_member_string (json, "note", parasol_protocol_translate (validity->note));
  parasol_json_end_object (json);

  parasol_json_member (json, "criteria");
  parasol_json_begin_array (json);
  for (guint i = 0; i < criteria->len; i++)
    {
      const ParasolCriterion *c = g_ptr_array_index (criteria, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "id", c->id);
      parasol_json_member_string (json, "kind", parasol_criterion_kind_to_string (c->kind));
      parasol_json_member_string (json, "evaluation", parasol_evaluation_to_string (c->evaluation));
      parasol_json_member_string (json, "title", parasol_protocol_translate (c->title));
      parasol_json_member_string (json, "text", parasol_protocol_translate (c->text));
      parasol_json_member_string (json, "window", window_to_string (c->window));
      if (c->rule != NULL)
        {
          g_autofree char *rule = parasol_rule_describe (protocol, c->rule);
          parasol_json_member_string (json, "rule", rule);
        }
      else
        parasol_json_member_string (json, "rule", NULL);
      parasol_json_member_string (json, "attest", parasol_protocol_translate (c->attest_text));
      parasol_json_member_boolean (json, "attest_required",
                                   c->evaluation == PARASOL_EVALUATION_ATTESTED ||
                                   (c->attest_text != NULL && c->attest_required));
      parasol_json_member_string (json, "note", parasol_protocol_translate (c->note));
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "labs");
  parasol_json_begin_array (json);
  for (guint i = 0; i < labs->len; i++)
    {
      const ParasolLabDef *lab = g_ptr_array_index (labs, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "id", lab->id);
      parasol_json_member_string (json, "name", parasol_protocol_translate (lab->name));
      parasol_json_member_string (json, "long_name", parasol_protocol_translate (lab->long_name));
      parasol_json_member_string (json, "unit", lab->unit);
      parasol_json_member_string (json, "display_unit", lab->display_unit);
      parasol_json_member (json, "accepted_units");
      parasol_json_begin_array (json);
      for (guint j = 0; j < lab->units->len; j++)
        {
          const ParasolUnitDef *u = g_ptr_array_index (lab->units, j);

          parasol_json_begin_object (json);
          parasol_json_member_string (json, "unit", u->unit);
          parasol_json_member_double (json, "factor", u->factor);
          parasol_json_end_object (json);
        }
      parasol_json_end_array (json);
      parasol_json_member_double (json, "plausible_min", lab->plausible_min);
      parasol_json_member_double (json, "plausible_max", lab->plausible_max);
      parasol_json_member_boolean (json, "needs_uln", lab->needs_uln);
      parasol_json_member_string (json, "window", window_to_string (lab->window));
      json_member_strv (json, "codes", lab->codes);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "biomarkers");
  parasol_json_begin_array (json);
  for (guint i = 0; i < markers->len; i++)
    {
      const ParasolBiomarkerDef *m = g_ptr_array_index (markers, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "id", m->id);
      parasol_json_member_string (json, "name", m->name);
      parasol_json_member (json, "thresholds");
      parasol_json_begin_array (json);
      for (guint j = 0; j < m->thresholds->len; j++)
        {
          const ParasolMarkerThreshold *t = &g_array_index (m->thresholds, ParasolMarkerThreshold, j);

          parasol_json_begin_object (json);
          parasol_json_member_string (json, "method", parasol_marker_method_to_string (t->method));
          if (t->method != PARASOL_MARKER_METHOD_AMPLIFIED)
            {
              parasol_json_member_string (json, "op", compare_to_id (t->op));
              parasol_json_member_double (json, "value", t->value);
              parasol_json_member_string (json, "unit",
                                          t->method == PARASOL_MARKER_METHOD_PERCENT ? "%" : "H-score");
            }
          parasol_json_end_object (json);
        }
      parasol_json_end_array (json);
      parasol_json_member_boolean (json, "configurable", m->configurable);
      parasol_json_member_string (json, "note", parasol_protocol_translate (m->note));
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "arms");
  parasol_json_begin_array (json);
  for (guint i = 0; i < arms->len; i++)
    {
      const ParasolArmDef *arm = g_ptr_array_index (arms, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "id", arm->id);
      parasol_json_member_string (json, "name", parasol_protocol_translate (arm->name));
      parasol_json_member_string (json, "description", parasol_protocol_translate (arm->description));
      parasol_json_member (json, "rules");
      parasol_json_begin_array (json);
      for (guint j = 0; j < rules->len; j++)
        {
          const ParasolAssignmentRule *r = g_ptr_array_index (rules, j);

          if (g_strcmp0 (r->arm, arm->id) == 0 && r->rule != NULL)
            {
              g_autofree char *text = parasol_rule_describe (protocol, r->rule);

              parasol_json_begin_object (json);
              parasol_json_member_string (json, "rule", text);
              parasol_json_member_string (json, "note", parasol_protocol_translate (r->note));
              parasol_json_end_object (json);
            }
        }
      parasol_json_end_array (json);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "regimen");
  parasol_json_begin_object (json);
  parasol_json_member_int (json, "cycle_days", regimen->cycle_days);
  parasol_json_member_int (json, "induction_cycles", regimen->induction_cycles);
  parasol_json_member_int (json, "maintenance_cycle_days", regimen->maintenance_cycle_days);
  parasol_json_member_string (json, "default_ici", regimen->default_ici);
  parasol_json_member_string (json, "default_platinum", regimen->default_platinum);
  parasol_json_member_int (json, "visit_window_days", regimen->visit_window_days);
  parasol_json_member_int (json, "imaging_every_days", regimen->imaging_every_days);
  parasol_json_member_int (json, "imaging_window_days", regimen->imaging_window_days);
  parasol_json_member_int (json, "labs_before_days", regimen->labs_before_days);
  parasol_json_member_double (json, "start_anc_min", regimen->start_anc_min);
  parasol_json_member_double (json, "start_plt_min", regimen->start_plt_min);
  parasol_json_member_int (json, "max_delay_days", regimen->max_delay_days);
  parasol_json_member_double (json, "weight_change_recalc", regimen->weight_change_recalc);
  parasol_json_member_double (json, "gfr_cap_ml_min", regimen->gfr_cap_ml_min);
  parasol_json_member_boolean (json, "bsa_cap_enabled", regimen->bsa_cap_enabled);
  parasol_json_member_double (json, "bsa_cap_m2", regimen->bsa_cap_m2);
  json_drugs (json, "backbone", regimen->backbone);
  json_drugs (json, "icis", regimen->icis);
  parasol_json_member (json, "arms");
  parasol_json_begin_array (json);
  for (guint i = 0; i < regimen->arms->len; i++)
    {
      const ParasolArmRegimen *arm = g_ptr_array_index (regimen->arms, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "arm", arm->id);
      json_drugs (json, "drugs", arm->drugs);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);
  parasol_json_end_object (json);

  parasol_json_end_object (json);
  parasol_cli_print_json (json);
}

static void
show_text (ParasolProtocol *protocol)
{
  GPtrArray *criteria = parasol_protocol_get_criteria (protocol);
  GPtrArray *labs = parasol_protocol_get_labs (protocol);
  GPtrArray *markers = parasol_protocol_get_biomarkers (protocol);
  GPtrArray *arms = parasol_protocol_get_arms (protocol);
  GPtrArray *rules = parasol_protocol_get_assignment_rules (protocol);
  const ParasolValidity *validity = parasol_protocol_get_validity (protocol);

  printf ("%s (%s) — %s\n", parasol_protocol_get_id (protocol),
          parasol_protocol_get_registry_id (protocol),
          parasol_protocol_translate (parasol_protocol_get_title (protocol)));
  printf (_("Protocol version %s, effective %s\n"), parasol_protocol_get_version (protocol),
          parasol_protocol_get_effective_date (protocol));
  printf (_("Results valid: labs %d days, imaging %d days%s\n\n"), validity->lab_days,
          validity->imaging_days, validity->configurable ? _(" (configurable)") : "");

  printf (_("Criteria\n"));
  for (guint i = 0; i < criteria->len; i++)
    {
      const ParasolCriterion *c = g_ptr_array_index (criteria, i);

      printf ("  %-7s %-9s %-8s %s\n", c->id, parasol_criterion_kind_to_string (c->kind),
              parasol_evaluation_to_string (c->evaluation),
              parasol_protocol_translate (c->title ? c->title : c->text));
      if (c->rule != NULL)
        {
          g_autofree char *rule = parasol_rule_describe (protocol, c->rule);
          printf ("          %s %s\n", _("rule:"), rule);
        }
      if (c->attest_text != NULL)
        printf ("          %s %s\n", _("attest:"), parasol_protocol_translate (c->attest_text));
    }

  printf (_("\nLabs\n"));
  for (guint i = 0; i < labs->len; i++)
    {
      const ParasolLabDef *lab = g_ptr_array_index (labs, i);
      g_autofree char *units = parasol_lab_def_accepted_units (lab);
      g_autofree char *lo = parasol_protocol_format_number (lab->plausible_min);
      g_autofree char *hi = parasol_protocol_format_number (lab->plausible_max);

      g_autofree char *name = parasol_cli_pad (parasol_protocol_translate (lab->name), 16);

      printf ("  %-11s %s %s: %s; %s %s–%s%s\n", lab->id, name,
              _("units"), units, _("plausible"), lo, hi, lab->needs_uln ? _("; needs ULN") : "");
    }

  printf (_("\nBiomarkers\n"));
  for (guint i = 0; i < markers->len; i++)
    {
      const ParasolBiomarkerDef *m = g_ptr_array_index (markers, i);
      GString *th = g_string_new (NULL);

      for (guint j = 0; j < m->thresholds->len; j++)
        {
          const ParasolMarkerThreshold *t = &g_array_index (m->thresholds, ParasolMarkerThreshold, j);
          g_autofree char *v = parasol_protocol_format_number (t->value);

          if (th->len)
            g_string_append (th, _(" or "));
          if (t->method == PARASOL_MARKER_METHOD_AMPLIFIED)
            g_string_append (th, _("amplified"));
          else if (t->method == PARASOL_MARKER_METHOD_PERCENT)
            g_string_append_printf (th, _("%s %s %% of tumour cells"),
                                    parasol_compare_to_symbol (t->op), v);
          else
            g_string_append_printf (th, _("H-score %s %s"), parasol_compare_to_symbol (t->op), v);
        }
      printf ("  %-8s %s: %s%s\n", m->id, _("high when"), th->str,
              m->configurable ? _(" (site-configurable)") : "");
      g_string_free (th, TRUE);
    }

  printf (_("\nArms\n"));
  for (guint i = 0; i < arms->len; i++)
    {
      const ParasolArmDef *arm = g_ptr_array_index (arms, i);

      printf ("  %-10s %s — %s\n", arm->id, parasol_protocol_translate (arm->name),
              parasol_protocol_translate (arm->description ? arm->description : ""));
      for (guint j = 0; j < rules->len; j++)
        {
          const ParasolAssignmentRule *r = g_ptr_array_index (rules, j);

          if (g_strcmp0 (r->arm, arm->id) == 0 && r->rule != NULL)
            {
              g_autofree char *text = parasol_rule_describe (protocol, r->rule);
              printf ("             %s %s\n", _("when:"), text);
            }
        }
    }
}

int
parasol_cli_protocol_show (int    argc,
                           char **argv)
{
  g_autofree char *file = NULL;
  const GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_("Show this protocol file instead of the database’s"), N_("FILE") },
    { NULL }
  };
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Show the protocol: criteria, labs, biomarkers, arms and regimens. "
                                 "Without --file, the protocol of the trial database; when there is "
                                 "no database yet, the built-in BUTTONS-001."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  if (file != NULL)
    protocol = parasol_protocol_new_from_file (file, &error);
  else
    {
      g_autoptr(ParasolStore) store = parasol_cli_open_store (FALSE, &error);

      if (store != NULL && parasol_store_has_trial (store))
        protocol = parasol_protocol_new_for_store (store, &error);
      else if (store != NULL || g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          g_printerr (_("parasol-cli: no trial database; showing the built-in protocol\n"));
          protocol = parasol_protocol_new_default (&error);
        }
    }
  if (protocol == NULL)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    show_json (protocol);
  else
    show_text (protocol);
  return PARASOL_CLI_OK;
}

/* ---- attest ----------------------------------------------------------------------------------- */

int
parasol_cli_attest (int    argc,
                    char **argv)
{
  g_autofree char *note = NULL;
  g_autofree char *source = NULL;
  g_autofree char *date_str = NULL;
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("What the judgement rests on"), N_("TEXT") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source,
      N_("Source document (CT report of ..., clinic letter, ...)"), N_("TEXT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str,
      N_("Date of the source (default: today); imaging-based criteria expire after the imaging window"),
      N_("YYYY-MM-DD") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why a saved attestation changes (required then)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolAttestation) att = parasol_attestation_new ();
  g_autoptr(GError) error = NULL;
  const ParasolCriterion *criterion;
  gint64 patient_id = 0;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID CRITERION met|not_met",
                              N_("Record the investigator’s judgement of a criterion. “met” means "
                                 "satisfied; for an exclusion criterion, that the patient is free of it."), 3);
  if (status != PARASOL_CLI_OK)
    return status;

  if (g_str_equal (argv[3], "met") || g_str_equal (argv[3], "yes"))
    att->met = TRUE;
  else if (g_str_equal (argv[3], "not_met") || g_str_equal (argv[3], "not-met") || g_str_equal (argv[3], "no"))
    att->met = FALSE;
  else
    return parasol_cli_usage_error (_("expected met or not_met, not “%s”"), argv[3]);

  if (date_str != NULL)
    {
      if (!parasol_cli_parse_date (date_str, &att->date, &error))
        return parasol_cli_usage_error ("%s", error->message);
    }
  else
    parasol_date_set_today (&att->date);

  if (!open_context (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);

  criterion = parasol_protocol_find_criterion (protocol, argv[2]);
  if (criterion == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Unknown criterion “%s”; see parasol-cli protocol show "
                                                "for the ids (inc-01 … exc-19)"), argv[2]);
      return fail_literal (PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID, msg);
    }
  if (criterion->evaluation == PARASOL_EVALUATION_COMPUTED && criterion->attest_text == NULL)
    g_printerr (_("parasol-cli: note: %s is computed from the patient’s data; the attestation is "
                  "recorded, but the data decide\n"), criterion->id);

  att->criterion = g_strdup (criterion->id);
  att->note = g_strdup (note);
  att->source = g_strdup (source);

  if (parasol_store_set_attestation (store, patient_id, att, reason, &error) == 0)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "patient", argv[1]);
      parasol_json_member_string (json, "criterion", criterion->id);
      parasol_json_member_string (json, "status",
                                  parasol_criterion_status_to_string (att->met ? PARASOL_STATUS_MET
                                                                                : PARASOL_STATUS_NOT_MET));
      parasol_json_member_string (json, "note", note);
      parasol_json_member_string (json, "source", source);
      parasol_json_member_date (json, "date", &att->date);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Recorded %s as %s for %s.\n"), criterion->id,
            att->met ? _("met") : _("not met"), argv[1]);
  return PARASOL_CLI_OK;
}

/* ---- biomarker add ---------------------------------------------------------------------------- */

int
parasol_cli_biomarker_add (int    argc,
                           char **argv)
{
  g_autofree char *percent = NULL;
  g_autofree char *hscore = NULL;
  g_autofree char *intensity = NULL;
  g_autofree char *amplified = NULL;
  g_autofree char *date_str = NULL;
  g_autofree char *reason = NULL;
  gboolean pending = FALSE;
  const GOptionEntry entries[] = {
    /* xgettext:no-c-format */
    { "percent", 0, 0, G_OPTION_ARG_STRING, &percent, N_("IHC: % of tumour cells stained"), N_("P") },
    { "hscore", 0, 0, G_OPTION_ARG_STRING, &hscore, N_("H-score, 0–300"), N_("H") },
    { "intensity", 0, 0, G_OPTION_ARG_STRING, &intensity,
      /* xgettext:no-c-format */
      N_("% of cells stained weakly, moderately, strongly (H = W + 2M + 3S)"), N_("W,M,S") },
    { "amplified", 0, 0, G_OPTION_ARG_STRING, &amplified, N_("Gene amplification"), N_("yes|no") },
    { "pending", 0, 0, G_OPTION_ARG_NONE, &pending, N_("Sample sent, result not back yet"), NULL },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str, N_("Sample date (default: today)"), N_("YYYY-MM-DD") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Reason, for the audit trail"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolBiomarkerResult) marker = parasol_biomarker_result_new ();
  g_autoptr(GError) error = NULL;
  const ParasolBiomarkerDef *def;
  gint64 patient_id = 0;
  gint64 id;
  int given = 0;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID MARKER",
                              N_("Record a pathology result: one of --percent, --hscore, --intensity, "
                                 "--amplified or --pending."), 2);
  if (status != PARASOL_CLI_OK)
    return status;

  given = (percent != NULL) + (hscore != NULL) + (intensity != NULL) + (amplified != NULL) + (pending != FALSE);
  if (given != 1)
    return parasol_cli_usage_error (_("give exactly one of --percent, --hscore, --intensity, --amplified, --pending"));

  marker->intensity[0] = marker->intensity[1] = marker->intensity[2] = NAN;
  if (percent != NULL)
    {
      marker->method = PARASOL_MARKER_METHOD_PERCENT;
      if (!parasol_cli_parse_double (percent, &marker->value, &error))
        return parasol_cli_usage_error ("%s", error->message);
    }
  else if (hscore != NULL)
    {
      marker->method = PARASOL_MARKER_METHOD_HSCORE;
      if (!parasol_cli_parse_double (hscore, &marker->value, &error))
        return parasol_cli_usage_error ("%s", error->message);
    }
  else if (intensity != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (intensity, ",", -1);

      if (g_strv_length (parts) != 3)
        return parasol_cli_usage_error (_("--intensity takes three percentages: weak,moderate,strong"));
      for (int i = 0; i < 3; i++)
        if (!parasol_cli_parse_double (g_strstrip (parts[i]), &marker->intensity[i], &error))
          return parasol_cli_usage_error ("%s", error->message);
    }
  else if (amplified != NULL)
    {
      marker->method = PARASOL_MARKER_METHOD_AMPLIFIED;
      if (g_ascii_strcasecmp (amplified, "yes") == 0 || g_ascii_strcasecmp (amplified, "true") == 0)
        marker->value = 1;
      else if (g_ascii_strcasecmp (amplified, "no") == 0 || g_ascii_strcasecmp (amplified, "false") == 0)
        marker->value = 0;
      else
        return parasol_cli_usage_error (_("--amplified takes yes or no, not “%s”"), amplified);
    }
  else
    marker->pending = TRUE;

  if (date_str != NULL)
    {
      if (!parasol_cli_parse_date (date_str, &marker->date, &error))
        return parasol_cli_usage_error ("%s", error->message);
    }
  else
    parasol_date_set_today (&marker->date);

  if (!open_context (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);

  def = parasol_protocol_find_biomarker (protocol, argv[2]);
  if (def == NULL)
    {
      GString *ids = g_string_new (NULL);
      GPtrArray *markers = parasol_protocol_get_biomarkers (protocol);
      g_autofree char *msg = NULL;

      for (guint i = 0; i < markers->len; i++)
        {
          const ParasolBiomarkerDef *m = g_ptr_array_index (markers, i);
          g_string_append_printf (ids, "%s%s", i ? ", " : "", m->id);
        }
      msg = g_strdup_printf (_("Unknown biomarker “%s”; this protocol’s markers are: %s"), argv[2], ids->str);
      g_string_free (ids, TRUE);
      return fail_literal (PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID, msg);
    }
  if (!parasol_biomarker_def_prepare (def, marker, &error))
    return parasol_cli_fail (error);

  marker->marker = g_strdup (def->id);
  id = parasol_store_add_biomarker (store, patient_id, marker, reason, &error);
  if (id == 0)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", id);
      parasol_json_member_string (json, "patient", argv[1]);
      parasol_json_member_string (json, "marker", def->id);
      parasol_json_member_boolean (json, "pending", marker->pending);
      parasol_json_member_string (json, "method", marker->pending ? NULL
                                  : parasol_marker_method_to_string (marker->method));
      parasol_json_member (json, "value");
      if (marker->pending)
        parasol_json_null (json);
      else
        parasol_json_double (json, marker->value);
      parasol_json_member_boolean (json, "positive", !marker->pending &&
                                   parasol_biomarker_def_is_positive (def, marker));
      parasol_json_member_date (json, "date", &marker->date);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else if (marker->pending)
    printf (_("Recorded %s as pending for %s.\n"), def->name, argv[1]);
  else
    {
      g_autofree char *v = parasol_protocol_format_number (marker->value);

      printf (_("Recorded %s %s (%s) for %s: %s.\n"), def->name, v,
              parasol_marker_method_to_string (marker->method), argv[1],
              parasol_biomarker_def_is_positive (def, marker) ? _("high") : _("not high"));
    }
  return PARASOL_CLI_OK;
}

/* ---- screen ----------------------------------------------------------------------------------- */

static const char *
status_mark (ParasolCriterionStatus status)
{
  switch (status)
    {
    case PARASOL_STATUS_MET:
      return "✔";
    case PARASOL_STATUS_NOT_MET:
      return "✘";
    case PARASOL_STATUS_EXPIRED:
      return "⌛";
    case PARASOL_STATUS_MISSING:
    default:
      return "?";
    }
}

static void
json_ids_with_status (ParasolJson              *json,
                      const char               *name,
                      const ParasolEligibility *e,
                      ParasolCriterionStatus    status)
{
  g_auto(GStrv) ids = parasol_eligibility_ids_with_status (e, status);

  parasol_json_member (json, name);
  parasol_json_begin_array (json);
  for (guint i = 0; ids[i] != NULL; i++)
    parasol_json_string (json, ids[i]);
  parasol_json_end_array (json);
}

/* Loads the patient and evaluates; shared by screen and assign. */
static ParasolEligibility *
evaluate_patient (ParasolStore          *store,
                  ParasolProtocol       *protocol,
                  gint64                 patient_id,
                  const GDate           *on,
                  ParasolPatientFacts  **facts_out,
                  GError               **error)
{
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (store, patient_id, error);
  ParasolEligibility *e;

  if (facts == NULL)
    return NULL;
  e = parasol_eligibility_evaluate (protocol, facts, on);
  if (facts_out != NULL)
    *facts_out = g_steal_pointer (&facts);
  return e;
}

int
parasol_cli_screen (int    argc,
                    char **argv)
{
  g_autofree char *date_str = NULL;
  gboolean record = FALSE;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str,
      N_("Evaluate as of this date (default: C1D1 if set, else the later of the screening date and the "
         "newest lab result)"), N_("YYYY-MM-DD") },
    { "record", 0, 0, G_OPTION_ARG_NONE, &record,
      N_("Keep this evaluation in the trial record, with the protocol version it used"), NULL },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEligibility) e = NULL;
  g_autoptr(GError) error = NULL;
  gint64 patient_id = 0;
  GDate on;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Evaluate every inclusion and exclusion criterion for a patient: "
                                 "met, not met, missing or expired, with the reason; the verdict; "
                                 "and the date eligibility lapses."), 1);
  if (status != PARASOL_CLI_OK)
    return status;
  g_date_clear (&on, 1);
  if (date_str != NULL && !parasol_cli_parse_date (date_str, &on, &error))
    return parasol_cli_usage_error ("%s", error->message);

  if (!open_context (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);
  e = evaluate_patient (store, protocol, patient_id, date_str ? &on : NULL, &facts, &error);
  if (e == NULL)
    return parasol_cli_fail (error);
  if (record && parasol_eligibility_record (e, store, patient_id, "screening", &error) == 0)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "patient", facts->screening_number);
      parasol_json_member_string (json, "protocol", e->protocol_id);
      parasol_json_member_string (json, "protocol_version", e->protocol_version);
      parasol_json_member_date (json, "evaluated_on", &e->evaluated_on);
      parasol_json_member_date (json, "age_on", &e->age_on);
      parasol_json_member_string (json, "verdict", parasol_verdict_to_string (e->verdict));
      parasol_json_member_date (json, "lapses_on", &e->lapses_on);
      parasol_json_member (json, "criteria");
      parasol_json_begin_array (json);
      for (guint i = 0; i < e->criteria->len; i++)
        {
          const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);
          const ParasolCriterion *c = parasol_protocol_find_criterion (protocol, r->id);

          parasol_json_begin_object (json);
          parasol_json_member_string (json, "id", r->id);
          parasol_json_member_string (json, "kind", parasol_criterion_kind_to_string (r->kind));
          parasol_json_member_string (json, "evaluation", parasol_evaluation_to_string (r->evaluation));
          parasol_json_member_string (json, "status", parasol_criterion_status_to_string (r->status));
          parasol_json_member_string (json, "reason", r->reason);
          parasol_json_member_string (json, "title", c ? parasol_protocol_translate (c->title) : NULL);
          if (r->to_confirm != NULL)
            parasol_json_member_string (json, "to_confirm", r->to_confirm);
          parasol_json_member_date (json, "lapses_on", &r->lapses_on);
          parasol_json_end_object (json);
        }
      parasol_json_end_array (json);
      json_ids_with_status (json, "not_met", e, PARASOL_STATUS_NOT_MET);
      json_ids_with_status (json, "missing", e, PARASOL_STATUS_MISSING);
      json_ids_with_status (json, "expired", e, PARASOL_STATUS_EXPIRED);
      json_member_strv (json, "warnings", e->warnings);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      g_autofree char *evaluated = parasol_date_to_iso (&e->evaluated_on);
      g_autofree char *lapses = parasol_date_to_iso (&e->lapses_on);

      printf (_("%s — %s protocol %s, evaluated on %s\n"), facts->screening_number, e->protocol_id,
              e->protocol_version, evaluated);
      printf (_("Verdict: %s\n"), parasol_verdict_to_label (e->verdict));
      if (lapses != NULL)
        printf (_("The results used stay valid until %s.\n"), lapses);
      printf ("\n");
      for (guint i = 0; i < e->criteria->len; i++)
        {
          const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);

          g_autofree char *label = parasol_cli_pad (parasol_criterion_status_to_label (r->status), 12);

          printf ("%s %-7s %s %s\n", status_mark (r->status), r->id, label, r->reason);
        }
      for (guint i = 0; i < e->warnings->len; i++)
        printf ("! %s\n", (char *) g_ptr_array_index (e->warnings, i));
    }
  return PARASOL_CLI_OK;
}

/* ---- assign ----------------------------------------------------------------------------------- */

int
parasol_cli_assign (int    argc,
                    char **argv)
{
  g_autofree char *confirm = NULL;
  g_autofree char *reason = NULL;
  gboolean correction = FALSE;
  const GOptionEntry entries[] = {
    { "correction", 0, 0, G_OPTION_ARG_NONE, &correction,
      N_("Correct an arm recorded by mistake after treatment began (with --confirm ARM and --reason)"),
      NULL },
    { "confirm", 'c', 0, G_OPTION_ARG_STRING, &confirm,
      N_("Assign this arm (the proposal, or an override with --reason)"), N_("ARM") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why (required to override, to resolve a conflict or while results are pending)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEligibility) e = NULL;
  g_autoptr(ParasolAssignment) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *proposed = NULL;
  gint64 patient_id = 0;
  gboolean is_override = FALSE;
  gint64 id;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Propose the treatment arm from the biomarker results, with the rule "
                                 "trace; with --confirm, record the investigator’s decision."), 1);
  if (status != PARASOL_CLI_OK)
    return status;

  if (correction && confirm == NULL)
    return parasol_cli_usage_error (_("--correction needs --confirm ARM and --reason TEXT"));

  if (!open_context (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);
  e = evaluate_patient (store, protocol, patient_id, NULL, &facts, &error);
  if (e == NULL)
    return parasol_cli_fail (error);
  a = parasol_assignment_propose (protocol, facts, e->verdict);
  proposed = parasol_assignment_proposed_string (a);

  if (confirm == NULL)
    {
      if (parasol_cli_options.json)
        {
          g_autoptr(ParasolJson) json = parasol_json_new ();

          parasol_json_begin_object (json);
          parasol_json_member_string (json, "patient", facts->screening_number);
          parasol_json_member_string (json, "protocol_version", a->protocol_version);
          parasol_json_member_string (json, "eligibility", parasol_verdict_to_string (e->verdict));
          json_member_strv (json, "proposed", a->proposed);
          json_member_strv (json, "trace", a->trace);
          parasol_json_member_boolean (json, "conflict", a->conflict);
          json_member_strv (json, "candidates", a->candidates);
          json_member_strv (json, "pending", a->pending);
          json_member_strv (json, "missing", a->missing);
          json_member_strv (json, "positive", a->positive);
          parasol_json_member_string (json, "arm", facts->arm);
          parasol_json_end_object (json);
          parasol_cli_print_json (json);
        }
      else
        {
          printf (_("%s — eligibility: %s\n"), facts->screening_number,
                  parasol_verdict_to_label (e->verdict));
          for (guint i = 0; i < a->trace->len; i++)
            printf ("  %s\n", (char *) g_ptr_array_index (a->trace, i));
          if (a->proposed->len > 0)
            printf (_("Proposed: %s%s\n"), proposed, a->conflict ? _(" (conflict: choose one, with a reason)") : "");
          else
            printf (_("Proposed: none yet\n"));
          if (facts->arm != NULL)
            printf (_("Assigned: %s\n"), facts->arm);
        }
      return PARASOL_CLI_OK;
    }

  if (correction)
    /* After the first dose the arm changes only as a documented correction (core's rule) */
    id = parasol_administration_correct_arm (store, protocol, patient_id, confirm, reason, &error);
  else if (!parasol_assignment_check_choice (protocol, a, confirm, reason, &is_override, &error))
    return parasol_cli_fail (error);
  else
    id = parasol_store_record_assignment (store, patient_id, proposed, confirm, a->protocol_version,
                                          reason, &error);
  if (id == 0)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", id);
      parasol_json_member_string (json, "patient", facts->screening_number);
      parasol_json_member_string (json, "arm", confirm);
      json_member_strv (json, "proposed", a->proposed);
      parasol_json_member_boolean (json, "conflict", a->conflict);
      parasol_json_member_boolean (json, "override", is_override);
      parasol_json_member_string (json, "reason", reason);
      parasol_json_member_string (json, "protocol_version", a->protocol_version);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Assigned %s to %s%s.\n"), facts->screening_number, confirm,
            is_override ? _(" (override of the proposal)") : "");
  return PARASOL_CLI_OK;
}
