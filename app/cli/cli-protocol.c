/* cli-protocol.c — protocol, screening data, eligibility and arm assignment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   protocol validate FILE
 *   protocol show [--file FILE]
 *   lab add ID LAB VALUE --unit UNIT --date YYYY-MM-DD [--uln VALUE]
 *   lab import FILE.csv [--strict]
 *   attest ID CRITERION met|not_met [--note TEXT] [--source TEXT] [--date YYYY-MM-DD]
 *   biomarker add ID MARKER --percent P | --hscore H | --intensity W,M,S | --amplified yes|no | --pending
 *   screen ID [--date YYYY-MM-DD]
 *   assign ID [--confirm ARM [--reason TEXT]]
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
#include "parasol-eligibility.h"
#include "parasol-protocol.h"

/* Largest CSV accepted by lab import. */
#define MAX_IMPORT_SIZE (64 * 1024 * 1024)

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
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
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

/* ---- lab add ---------------------------------------------------------------------------------- */

/* Converts an entered result into a ParasolLabResult in canonical units. */
static ParasolLabResult *
make_lab_result (ParasolProtocol  *protocol,
                 const char       *lab_key,
                 double            value,
                 const char       *unit,
                 double            uln_entered,
                 const GDate      *date,
                 GError          **error)
{
  const ParasolLabDef *lab = parasol_protocol_find_lab (protocol, lab_key);
  ParasolLabResult *result;
  double canonical;
  double uln = NAN;

  if (lab == NULL)
    lab = parasol_protocol_find_lab_by_code (protocol, lab_key);
  if (lab == NULL)
    {
      GString *ids = g_string_new (NULL);
      GPtrArray *labs = parasol_protocol_get_labs (protocol);

      for (guint i = 0; i < labs->len; i++)
        {
          const ParasolLabDef *l = g_ptr_array_index (labs, i);
          if (i > 0)
            g_string_append (ids, ", ");
          g_string_append (ids, l->id);
        }
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID,
                   _("Unknown lab “%s”; this protocol’s labs are: %s"), lab_key, ids->str);
      g_string_free (ids, TRUE);
      return NULL;
    }

  if (!parasol_lab_def_to_canonical (lab, value, unit, &canonical, error))
    return NULL;

  if (!isnan (uln_entered))
    {
      if (!(uln_entered > 0))
        {
          g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                       _("The upper limit of normal for %s must be above zero"), lab->name);
          return NULL;
        }
      if (!parasol_lab_def_convert (lab, uln_entered, unit, lab->unit, &uln, error))
        return NULL;
      if (uln > lab->plausible_max)
        {
          g_autofree char *u = parasol_protocol_format_number (uln);
          g_autofree char *hi = parasol_protocol_format_number (lab->plausible_max);

          g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                       _("The ULN %s %s for %s is above the plausible maximum %s %s; check for a typo"),
                       u, lab->unit, lab->name, hi, lab->unit);
          return NULL;
        }
    }

  result = parasol_lab_result_new ();
  result->lab = g_strdup (lab->id);
  result->value = canonical;
  result->unit = g_strdup (lab->unit);
  result->value_entered = value;
  result->unit_entered = g_strdup (unit);
  result->uln = uln;
  result->date = *date;
  return result;
}

static void
json_lab (ParasolJson            *json,
          gint64                  id,
          const char             *patient,
          const ParasolLabResult *r)
{
  parasol_json_begin_object (json);
  parasol_json_member_int (json, "id", id);
  parasol_json_member_string (json, "patient", patient);
  parasol_json_member_string (json, "lab", r->lab);
  parasol_json_member_double (json, "value", r->value);
  parasol_json_member_string (json, "unit", r->unit);
  parasol_json_member_double (json, "value_entered", r->value_entered);
  parasol_json_member_string (json, "unit_entered", r->unit_entered);
  parasol_json_member (json, "uln");
  if (isnan (r->uln))
    parasol_json_null (json);
  else
    parasol_json_double (json, r->uln);
  parasol_json_member_date (json, "date", &r->date);
  parasol_json_end_object (json);
}

int
parasol_cli_lab_add (int    argc,
                     char **argv)
{
  g_autofree char *unit = NULL;
  g_autofree char *date_str = NULL;
  g_autofree char *uln_str = NULL;
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "unit", 'u', 0, G_OPTION_ARG_STRING, &unit, N_("Unit of VALUE (required)"), N_("UNIT") },
    { "date", 'd', 0, G_OPTION_ARG_STRING, &date_str, N_("Sample date (required)"), N_("YYYY-MM-DD") },
    { "uln", 0, 0, G_OPTION_ARG_STRING, &uln_str,
      N_("Upper limit of normal, in the same unit (needed for AST, ALT, bilirubin, creatinine, INR, APTT)"),
      N_("VALUE") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Reason, for the audit trail"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolLabResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 patient_id = 0;
  gint64 id;
  double value;
  double uln = NAN;
  GDate date;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID LAB VALUE",
                              N_("Record a laboratory result (or a measurement: lvef, sbp, dbp). The "
                                 "value is converted to the protocol’s unit and checked against the "
                                 "plausible range."), 3);
  if (status != PARASOL_CLI_OK)
    return status;
  if (unit == NULL || date_str == NULL)
    return parasol_cli_usage_error (_("--unit and --date are required"));
  if (!parasol_cli_parse_double (argv[3], &value, &error) ||
      (uln_str != NULL && !parasol_cli_parse_double (uln_str, &uln, &error)) ||
      !parasol_cli_parse_date (date_str, &date, &error))
    return parasol_cli_usage_error ("%s", error->message);

  if (!open_context (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);

  result = make_lab_result (protocol, argv[2], value, unit, uln, &date, &error);
  if (result == NULL)
    return parasol_cli_fail (error);

  id = parasol_store_add_lab (store, patient_id, result, reason, &error);
  if (id == 0)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();
      json_lab (json, id, argv[1], result);
      parasol_cli_print_json (json);
    }
  else
    {
      const ParasolLabDef *lab = parasol_protocol_find_lab (protocol, result->lab);
      g_autofree char *v = parasol_protocol_format_number (result->value);

      printf (_("Saved %s %s %s (%s) for %s.\n"), lab->name, v, lab->unit, date_str, argv[1]);
    }
  return PARASOL_CLI_OK;
}

/* ---- lab import ------------------------------------------------------------------------------- */

typedef struct {
  int        line;      /* line of the record's first character */
  GPtrArray *fields;    /* char* */
} CsvRecord;

static void
csv_record_free (CsvRecord *r)
{
  g_ptr_array_unref (r->fields);
  g_free (r);
}

static char
csv_detect_delimiter (const char *text)
{
  int counts[3] = { 0, 0, 0 };
  const char delims[3] = { ',', ';', '\t' };
  gboolean quoted = FALSE;
  int best = 0;

  for (const char *p = text; *p && (*p != '\n' || quoted); p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted)
        for (int i = 0; i < 3; i++)
          if (*p == delims[i])
            counts[i]++;
    }
  for (int i = 1; i < 3; i++)
    if (counts[i] > counts[best])
      best = i;
  return delims[best];
}

/* RFC 4180 with the usual liberties: CRLF or LF, quoted fields with "" and line breaks. */
static GPtrArray *
csv_parse (const char  *text,
           char         delim,
           const char  *filename,
           GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) csv_record_free);
  GString *field = g_string_new (NULL);
  CsvRecord *rec = NULL;
  gboolean quoted = FALSE;
  gboolean was_quoted = FALSE;
  int line = 1;
  int quote_line = 0;
  const char *p = text;

  for (;;)
    {
      char c = *p;

      if (rec == NULL)
        {
          rec = g_new0 (CsvRecord, 1);
          rec->line = line;
          rec->fields = g_ptr_array_new_with_free_func (g_free);
        }

      if (quoted)
        {
          if (c == '\0')
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("%s:%d: a quoted field is never closed"), filename, quote_line);
              g_string_free (field, TRUE);
              csv_record_free (rec);
              return NULL;
            }
          if (c == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p += 2;
              continue;
            }
          if (c == '"')
            {
              quoted = FALSE;
              p++;
              continue;
            }
          if (c == '\n')
            line++;
          if (c != '\r')
            g_string_append_c (field, c);
          p++;
          continue;
        }

      if (c == '"' && field->len == 0 && !was_quoted)
        {
          quoted = TRUE;
          was_quoted = TRUE;
          quote_line = line;
          p++;
          continue;
        }
      if (c == delim)
        {
          g_ptr_array_add (rec->fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          was_quoted = FALSE;
          p++;
          continue;
        }
      if (c == '\r' && p[1] == '\n')
        {
          p++;
          continue;
        }
      if (c == '\n' || c == '\r' || c == '\0')
        {
          gboolean empty;

          g_ptr_array_add (rec->fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          was_quoted = FALSE;
          empty = rec->fields->len == 1 && *(char *) g_ptr_array_index (rec->fields, 0) == '\0';
          if (empty)
            csv_record_free (rec);
          else
            g_ptr_array_add (records, rec);
          rec = NULL;
          if (c == '\0')
            break;
          line++;
          p++;
          continue;
        }
      g_string_append_c (field, c);
      p++;
    }

  g_string_free (field, TRUE);
  return g_steal_pointer (&records);
}

typedef enum {
  COL_PATIENT,
  COL_TEST,
  COL_VALUE,
  COL_UNIT,
  COL_ULN,
  COL_RANGE,
  COL_DATE,
  N_COLS
} ColumnKind;

static const char *const column_aliases[N_COLS][16] = {
  [COL_PATIENT] = { "patient", "patientid", "screeningid", "screeningnumber", "screeningno",
                    "subject", "subjectid", "subjectnumber", "pid", NULL },
  [COL_TEST]    = { "test", "testcode", "code", "analyte", "testname", "lab", "item", "itemcode",
                    "itemname", "parameter", "loinc", NULL },
  [COL_VALUE]   = { "value", "result", "resultvalue", "numericresult", NULL },
  [COL_UNIT]    = { "unit", "units", "resultunit", NULL },
  [COL_ULN]     = { "uln", "upperlimit", "upperlimitofnormal", "refhigh", "referencehigh",
                    "normalhigh", "high", "refupper", "upper", NULL },
  [COL_RANGE]   = { "referencerange", "refrange", "normalrange", "range", "reference",
                    "referenceinterval", NULL },
  [COL_DATE]    = { "date", "sampledate", "collectiondate", "collected", "specimendate",
                    "collectedat", "collectiontime", "sampletime", "drawn", "drawndate",
                    "sampledatetime", "collectiondatetime", NULL },
};

static const char *const column_labels[N_COLS] = {
  "patient", "test", "value", "unit", "uln", "reference range", "date",
};

static char *
header_key (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (s, g_ascii_tolower (*p));
  return g_string_free (s, FALSE);
}

static const char *
field_at (CsvRecord *rec,
          int        col)
{
  if (col < 0 || (guint) col >= rec->fields->len)
    return "";
  return g_ptr_array_index (rec->fields, col);
}

static gboolean
parse_number_field (const char *text,
                    char        delim,
                    double     *value)
{
  g_autofree char *s = g_strstrip (g_strdup (text));

  if (*s == '\0')
    return FALSE;
  if (delim != ',')
    for (char *q = s; *q; q++)
      if (*q == ',')
        *q = '.';
  return parasol_parse_double (s, value, NULL);
}

/* The upper bound of "3.5 - 9.5", "0–40", "<40", "≤ 1.2" */
static gboolean
parse_range_upper (const char *text,
                   char        delim,
                   double     *upper)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  const char *seps[] = { "–", "—", " - ", "-", "~", "to", NULL };
  char *hi = NULL;

  if (*s == '\0')
    return FALSE;
  if (g_str_has_prefix (s, "<=") || g_str_has_prefix (s, "≤"))
    hi = s + (s[0] == '<' ? 2 : strlen ("≤"));
  else if (s[0] == '<')
    hi = s + 1;
  else
    for (guint i = 0; seps[i] != NULL && hi == NULL; i++)
      {
        /* skip a leading minus sign of the lower bound */
        char *at = strstr (s + 1, seps[i]);
        if (at != NULL)
          hi = at + strlen (seps[i]);
      }
  if (hi == NULL)
    return FALSE;
  return parse_number_field (hi, delim, upper);
}

static gboolean
parse_date_field (const char *text,
                  GDate      *date,
                  GError    **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text));

  if (strlen (s) >= 10 && (s[10] == '\0' || s[10] == ' ' || s[10] == 'T'))
    {
      s[10] = '\0';
      if (s[4] == '/' && s[7] == '/')
        s[4] = s[7] = '-';
    }
  return parasol_cli_parse_date (s, date, error);
}

typedef struct {
  int               line;
  gint64            patient_id;
  char             *patient_key;
  ParasolLabResult *result;
} ImportRow;

static void
import_row_free (ImportRow *row)
{
  g_free (row->patient_key);
  parasol_lab_result_free (row->result);
  g_free (row);
}

static gboolean
same_result (const ParasolLabResult *a,
             const ParasolLabResult *b)
{
  gboolean same_uln = (isnan (a->uln) && isnan (b->uln)) ||
                      (!isnan (a->uln) && !isnan (b->uln) && fabs (a->uln - b->uln) < 1e-9);

  return g_strcmp0 (a->lab, b->lab) == 0 &&
         g_date_valid (&a->date) && g_date_valid (&b->date) &&
         g_date_compare (&a->date, &b->date) == 0 &&
         fabs (a->value - b->value) <= 1e-9 * MAX (1.0, fabs (a->value)) && same_uln;
}

int
parasol_cli_lab_import (int    argc,
                        char **argv)
{
  gboolean strict = FALSE;
  const GOptionEntry entries[] = {
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict,
      N_("Reject the file when a row names a test the protocol does not use"), NULL },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) import_row_free);
  g_autoptr(GHashTable) patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) facts_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                             (GDestroyNotify) parasol_patient_facts_free);
  g_autoptr(GHashTable) unknown_tests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *contents = NULL;
  g_autofree char *basename = NULL;
  const char *filename;
  const char *text;
  gsize len = 0;
  int cols[N_COLS];
  guint n_problems = 0, skipped = 0, duplicates = 0, imported = 0;
  char delim;
  CsvRecord *header;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "FILE.csv",
                              N_("Import laboratory results as the hospital laboratory system exports "
                                 "them: one row per result with columns for patient (screening or "
                                 "subject number), test (code or name), value, unit, sample date and "
                                 "ULN or reference range. Comma, semicolon or tab separated; UTF-8, "
                                 "with or without BOM. The whole file is imported in one transaction: "
                                 "one bad row rejects it, naming the line."), 1);
  if (status != PARASOL_CLI_OK)
    return status;
  filename = argv[1];
  basename = g_path_get_basename (filename);

  if (!g_file_get_contents (filename, &contents, &len, &error))
    return parasol_cli_fail (error);
  if (len > MAX_IMPORT_SIZE)
    {
      g_autofree char *msg = g_strdup_printf (_("%s is too large to import (%" PRIu64 " bytes)"),
                                              filename, (guint64) len);
      return fail_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg);
    }
  if (memchr (contents, '\0', len) != NULL || !g_utf8_validate (contents, len, NULL))
    {
      g_autofree char *msg = g_strdup_printf (_("%s is not UTF-8 text; export it from the laboratory "
                                                "system as UTF-8 CSV"), filename);
      return fail_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg);
    }
  text = contents;
  if (g_str_has_prefix (text, "\xEF\xBB\xBF"))
    text += 3;

  delim = csv_detect_delimiter (text);
  records = csv_parse (text, delim, filename, &error);
  if (records == NULL)
    return parasol_cli_fail (error);
  if (records->len == 0)
    {
      g_autofree char *msg = g_strdup_printf (_("%s is empty"), filename);
      return fail_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg);
    }

  /* Header */
  header = g_ptr_array_index (records, 0);
  for (int k = 0; k < N_COLS; k++)
    cols[k] = -1;
  for (guint i = 0; i < header->fields->len; i++)
    {
      g_autofree char *key = header_key (g_ptr_array_index (header->fields, i));

      for (int k = 0; k < N_COLS; k++)
        for (guint a = 0; column_aliases[k][a] != NULL; a++)
          if (cols[k] < 0 && g_str_equal (key, column_aliases[k][a]))
            cols[k] = (int) i;
    }
  {
    const ColumnKind required[] = { COL_PATIENT, COL_TEST, COL_VALUE, COL_UNIT, COL_DATE };
    GString *missing = g_string_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (required); i++)
      if (cols[required[i]] < 0)
        {
          if (missing->len)
            g_string_append (missing, ", ");
          g_string_append (missing, column_labels[required[i]]);
        }
    if (missing->len > 0)
      {
        g_autofree char *msg = g_strdup_printf (_("%s:%d: the header lacks the column(s) %s; expected "
                                                  "patient, test, value, unit, date and uln or reference "
                                                  "range (for example: screening_id,test_code,value,unit,"
                                                  "uln,sample_date)"),
                                                filename, header->line, missing->str);
        g_string_free (missing, TRUE);
        return fail_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg);
      }
    g_string_free (missing, TRUE);
  }

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  /* Pass 1: read and check every row; nothing is written yet. */
  for (guint i = 1; i < records->len; i++)
    {
      CsvRecord *rec = g_ptr_array_index (records, i);
      const char *patient = field_at (rec, cols[COL_PATIENT]);
      const char *test = field_at (rec, cols[COL_TEST]);
      const char *value_s = field_at (rec, cols[COL_VALUE]);
      g_autofree char *unit = g_strstrip (g_strdup (field_at (rec, cols[COL_UNIT])));
      g_autofree char *patient_key = g_strstrip (g_strdup (patient));
      g_autofree char *test_key = g_strstrip (g_strdup (test));
      g_autofree char *value_trim = g_strstrip (g_strdup (value_s));
      g_autoptr(GError) row_error = NULL;
      const ParasolLabDef *lab;
      ParasolLabResult *result;
      ImportRow *row;
      gpointer found;
      gint64 patient_id;
      double value, uln = NAN;
      GDate date;

#define ROW_PROBLEM(...) G_STMT_START { \
          n_problems++; \
          if (n_problems <= 20) \
            { \
              g_autofree char *m__ = g_strdup_printf (__VA_ARGS__); \
              g_string_append_printf (problems, "%s%s:%d: %s", problems->len ? "\n" : "", \
                                      filename, rec->line, m__); \
            } \
        } G_STMT_END

      lab = parasol_protocol_find_lab_by_code (protocol, test_key);
      if (lab == NULL)
        {
          if (strict)
            ROW_PROBLEM (_("the test “%s” is not one this protocol uses"), test_key);
          else
            {
              skipped++;
              g_hash_table_add (unknown_tests, g_strdup (test_key));
            }
          continue;
        }

      if (*patient_key == '\0')
        {
          ROW_PROBLEM (_("no patient"));
          continue;
        }
      if (g_hash_table_lookup_extended (patients, patient_key, NULL, &found))
        patient_id = GPOINTER_TO_SIZE (found);
      else
        {
          g_autoptr(GError) find_error = NULL;

          patient_id = parasol_cli_find_patient (store, patient_key, &find_error);
          if (patient_id == 0)
            {
              ROW_PROBLEM ("%s", find_error ? find_error->message : _("unknown patient"));
              continue;
            }
          g_hash_table_insert (patients, g_strdup (patient_key), GSIZE_TO_POINTER (patient_id));
        }

      if (value_trim[0] == '<' || value_trim[0] == '>')
        {
          ROW_PROBLEM (_("%s “%s” is censored (below or above the measurable range); enter it by hand"),
                       lab->name, value_trim);
          continue;
        }
      if (!parse_number_field (value_trim, delim, &value))
        {
          ROW_PROBLEM (_("%s: “%s” is not a number"), lab->name, value_trim);
          continue;
        }
      if (cols[COL_ULN] >= 0)
        {
          g_autofree char *uln_s = g_strstrip (g_strdup (field_at (rec, cols[COL_ULN])));

          if (*uln_s && !parse_number_field (uln_s, delim, &uln))
            {
              ROW_PROBLEM (_("%s: the ULN “%s” is not a number"), lab->name, uln_s);
              continue;
            }
        }
      if (isnan (uln) && cols[COL_RANGE] >= 0)
        {
          const char *range = field_at (rec, cols[COL_RANGE]);

          if (*range && !parse_range_upper (range, delim, &uln))
            {
              ROW_PROBLEM (_("%s: cannot read the upper limit from the reference range “%s”"),
                           lab->name, range);
              continue;
            }
        }
      if (!parse_date_field (field_at (rec, cols[COL_DATE]), &date, &row_error))
        {
          ROW_PROBLEM ("%s", row_error->message);
          continue;
        }

      result = make_lab_result (protocol, lab->id, value, unit, uln, &date, &row_error);
      if (result == NULL)
        {
          ROW_PROBLEM ("%s", row_error->message);
          continue;
        }

      /* Skip a result already in the database (re-importing the same export) or twice in the file */
      {
        ParasolPatientFacts *facts = g_hash_table_lookup (facts_cache, &patient_id);
        gboolean dup = FALSE;

        if (facts == NULL)
          {
            g_autoptr(GError) load_error = NULL;
            gint64 *key = g_new (gint64, 1);

            *key = patient_id;
            facts = parasol_store_load_patient (store, patient_id, &load_error);
            if (facts == NULL)
              {
                g_free (key);
                ROW_PROBLEM ("%s", load_error->message);
                parasol_lab_result_free (result);
                continue;
              }
            g_hash_table_insert (facts_cache, key, facts);
          }
        for (guint j = 0; !dup && facts->labs && j < facts->labs->len; j++)
          dup = same_result (g_ptr_array_index (facts->labs, j), result);
        for (guint j = 0; !dup && j < rows->len; j++)
          {
            ImportRow *other = g_ptr_array_index (rows, j);
            dup = other->patient_id == patient_id && same_result (other->result, result);
          }
        if (dup)
          {
            duplicates++;
            parasol_lab_result_free (result);
            continue;
          }
      }

      row = g_new0 (ImportRow, 1);
      row->line = rec->line;
      row->patient_id = patient_id;
      row->patient_key = g_strdup (patient_key);
      row->result = result;
      g_ptr_array_add (rows, row);
#undef ROW_PROBLEM
    }

  if (n_problems > 0)
    {
      if (n_problems > 20)
        g_string_append_printf (problems, "\n%s", _("… and more"));
      g_string_append_printf (problems, "\n%s", _("Nothing was imported; correct the file and import it again."));
      return fail_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, problems->str);
    }

  /* Pass 2: one transaction for the whole file */
  if (!parasol_store_begin (store, &error))
    return parasol_cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      ImportRow *row = g_ptr_array_index (rows, i);
      g_autofree char *reason = g_strdup_printf (_("imported from %s, line %d"), basename, row->line);

      if (parasol_store_add_lab (store, row->patient_id, row->result, reason, &error) == 0)
        {
          g_autofree char *msg = g_strdup_printf (_("%s:%d: %s\nNothing was imported."),
                                                  filename, row->line, error->message);
          parasol_store_rollback (store);
          return fail_literal (G_IO_ERROR, G_IO_ERROR_FAILED, msg);
        }
      imported++;
    }
  if (!parasol_store_commit (store, &error))
    {
      parasol_store_rollback (store);
      return parasol_cli_fail (error);
    }

  {
    g_autoptr(GPtrArray) unknown = g_ptr_array_new ();
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, unknown_tests);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_ptr_array_add (unknown, key);
    g_ptr_array_sort (unknown, (GCompareFunc) g_strcmp0);

    if (parasol_cli_options.json)
      {
        g_autoptr(ParasolJson) json = parasol_json_new ();

        parasol_json_begin_object (json);
        parasol_json_member_string (json, "file", filename);
        parasol_json_member_int (json, "imported", imported);
        parasol_json_member_int (json, "patients", g_hash_table_size (patients));
        parasol_json_member_int (json, "duplicates", duplicates);
        parasol_json_member_int (json, "skipped", skipped);
        json_member_strv (json, "unknown_tests", unknown);
        parasol_json_member (json, "results");
        parasol_json_begin_array (json);
        for (guint i = 0; i < rows->len; i++)
          {
            ImportRow *row = g_ptr_array_index (rows, i);
            json_lab (json, 0, row->patient_key, row->result);
          }
        parasol_json_end_array (json);
        parasol_json_end_object (json);
        parasol_cli_print_json (json);
      }
    else
      {
        printf (_("Imported %u results for %u patients from %s.\n"), imported,
                g_hash_table_size (patients), filename);
        if (duplicates > 0)
          printf (_("Skipped %u results already recorded.\n"), duplicates);
        if (skipped > 0)
          {
            GString *names = g_string_new (NULL);

            for (guint i = 0; i < unknown->len; i++)
              g_string_append_printf (names, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (unknown, i));
            printf (_("Skipped %u rows with tests this protocol does not use: %s\n"), skipped, names->str);
            g_string_free (names, TRUE);
          }
      }
  }
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
    { "note", 'n', 0, G_OPTION_ARG_STRING, &note, N_("What the judgement rests on"), N_("TEXT") },
    { "source", 's', 0, G_OPTION_ARG_STRING, &source,
      N_("Source document (CT report of ..., clinic letter, ...)"), N_("TEXT") },
    { "date", 'd', 0, G_OPTION_ARG_STRING, &date_str,
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
      parasol_json_member_string (json, "status", att->met ? "met" : "not_met");
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
    { "date", 'd', 0, G_OPTION_ARG_STRING, &date_str, N_("Sample date (default: today)"), N_("YYYY-MM-DD") },
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
      double sum = 0;

      if (g_strv_length (parts) != 3)
        return parasol_cli_usage_error (_("--intensity takes three percentages: weak,moderate,strong"));
      for (int i = 0; i < 3; i++)
        {
          g_strstrip (parts[i]);
          if (!parasol_cli_parse_double (parts[i], &marker->intensity[i], &error))
            return parasol_cli_usage_error ("%s", error->message);
          if (marker->intensity[i] < 0 || marker->intensity[i] > 100)
            return parasol_cli_usage_error (_("each intensity is a percentage of cells, 0–100"));
          sum += marker->intensity[i];
        }
      if (sum > 100 + 1e-9)
        {
          g_autofree char *shown = parasol_protocol_format_number (sum);

          return parasol_cli_usage_error (_("weak + moderate + strong is %s %% of cells, more than 100 %%"),
                                          shown);
        }
      marker->method = PARASOL_MARKER_METHOD_HSCORE;
      marker->value = parasol_hscore_from_intensities (marker->intensity[0], marker->intensity[1],
                                                       marker->intensity[2]);
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
    {
      marker->pending = TRUE;
      marker->value = NAN;
    }

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
  /* Intensities for a marker judged by % of tumour cells (DLL3, ASCL1, NEUROD1, MYC): the cells
   * stained at any intensity, W + M + S, rather than a refusal. */
  if (intensity != NULL && !parasol_biomarker_def_check (def, PARASOL_MARKER_METHOD_HSCORE, marker->value, NULL) &&
      parasol_biomarker_def_check (def, PARASOL_MARKER_METHOD_PERCENT,
                                   marker->intensity[0] + marker->intensity[1] + marker->intensity[2], NULL))
    {
      marker->method = PARASOL_MARKER_METHOD_PERCENT;
      marker->value = marker->intensity[0] + marker->intensity[1] + marker->intensity[2];
    }
  if (!marker->pending && !parasol_biomarker_def_check (def, marker->method, marker->value, &error))
    return parasol_cli_fail (error);
  if (marker->pending)
    marker->method = g_array_index (def->thresholds, ParasolMarkerThreshold, 0).method;

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
    { "date", 'd', 0, G_OPTION_ARG_STRING, &date_str,
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
  const GOptionEntry entries[] = {
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

  if (!parasol_assignment_check_choice (protocol, a, confirm, reason, &is_override, &error))
    return parasol_cli_fail (error);

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
