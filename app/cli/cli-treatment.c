/* cli-treatment.c — parasol-cli enrol, give, delay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: each command parses its options, calls the core workflow (parasol-enrolment.h,
 * parasol-administration.h) and prints what it did.  Every rule lives in core.  Scripts rely on
 * the JSON printed here (issue 4); keys may be added, never renamed.
 */

#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-administration.h"
#include "parasol-enrolment.h"
#include "parasol-protocol.h"

/* The database, the patient @key names and the trial's protocol */
static gboolean
open_patient (const char        *key,
              ParasolStore     **store,
              ParasolProtocol  **protocol,
              gint64            *patient_id,
              GError           **error)
{
  *store = parasol_cli_open_store (FALSE, error);
  if (*store == NULL)
    return FALSE;
  *patient_id = parasol_cli_find_patient (*store, key, error);
  if (*patient_id == 0)
    return FALSE;
  *protocol = parasol_protocol_new_for_store (*store, error);
  return *protocol != NULL;
}

static void
json_strings (ParasolJson *json,
              const char  *name,
              GPtrArray   *strings)
{
  parasol_json_member (json, name);
  parasol_json_begin_array (json);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    parasol_json_string (json, g_ptr_array_index (strings, i));
  parasol_json_end_array (json);
}

/* ---- enrol -------------------------------------------------------------------------------- */

int
parasol_cli_enrol (int    argc,
                   char **argv)
{
  g_autofree char *c1d1_str = NULL, *ici = NULL, *subject = NULL, *reason = NULL;
  g_autofree char *platinum = NULL;
  const GOptionEntry entries[] = {
    { "c1d1", 0, 0, G_OPTION_ARG_STRING, &c1d1_str, N_("Cycle 1 day 1 (YYYY-MM-DD)"), N_("DATE") },
    { "ici", 0, 0, G_OPTION_ARG_STRING, &ici,
      N_("Checkpoint inhibitor (default: the protocol's)"), N_("DRUG") },
    { "platinum", 0, 0, G_OPTION_ARG_STRING, &platinum,
      N_("Platinum of the backbone: carboplatin or cisplatin (default: the protocol's)"),
      N_("DRUG") },
    { "subject-number", 0, 0, G_OPTION_ARG_STRING, &subject,
      N_("Subject number (default: the next free BT-NNNN)"), N_("NUMBER") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Note for the audit trail"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolEnrolment) e = NULL;
  ParasolEnrolmentOptions options = { 0 };
  gint64 patient_id = 0;
  GDate c1d1;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Enrol an eligible patient: set cycle 1 day 1, the checkpoint "
                                 "inhibitor, the platinum and the dose weight, and assign a "
                                 "subject number."), 1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (c1d1_str == NULL)
    return parasol_cli_usage_error (_("--c1d1 YYYY-MM-DD is required"));
  if (!parasol_cli_parse_date (c1d1_str, &c1d1, &error))
    return parasol_cli_usage_error ("%s", error->message);

  if (!open_patient (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);

  options.ici = ici;
  options.subject_number = subject;
  options.platinum = platinum;
  e = parasol_enrolment_enrol (store, protocol, patient_id, &c1d1, &options, reason, &error);
  if (e == NULL)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();
      g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (store, patient_id, NULL);
      g_autoptr(ParasolSchedule) schedule = NULL;

      if (facts != NULL)
        schedule = parasol_schedule_build (parasol_protocol_get_regimen (protocol), facts->arm,
                                           facts->ici, &facts->c1d1, facts, NULL, NULL, NULL);
      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", patient_id);
      parasol_json_member_string (json, "subject_number", e->subject_number);
      parasol_json_member_string (json, "status", e->status);
      parasol_json_member_string (json, "c1d1", c1d1_str);
      parasol_json_member_string (json, "arm", e->arm);
      parasol_json_member_string (json, "ici", e->ici);
      parasol_json_member_string (json, "platinum", e->platinum);
      parasol_json_member_double (json, "dose_weight_kg", e->dose_weight_kg);
      parasol_json_member_string (json, "verdict", parasol_verdict_to_string (e->eligibility->verdict));
      json_strings (json, "warnings", e->warnings);
      if (schedule != NULL && schedule->cycles->len > 1)
        parasol_json_member_date (json, "c2d1",
                                  &((ParasolScheduleCycle *) g_ptr_array_index (schedule->cycles, 1))->start);
      parasol_json_member_boolean (json, "arm_confirmed", !(e->flags & PARASOL_ENROLMENT_FLAG_NO_ARM));
      parasol_json_member_boolean (json, "weight_recorded", !(e->flags & PARASOL_ENROLMENT_FLAG_NO_WEIGHT));
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      printf (_("Enrolled %s as %s: C1D1 %s, checkpoint inhibitor %s, dose weight %.1f kg.\n"),
              argv[1], e->subject_number, c1d1_str, e->ici, e->dose_weight_kg);
      if (e->platinum != NULL)
        printf (_("Platinum: %s.\n"), e->platinum);
      if (e->flags & PARASOL_ENROLMENT_FLAG_NO_WEIGHT)
        printf (_("No weight recorded: record weight_kg before the first dose.\n"));
      if (e->flags & PARASOL_ENROLMENT_FLAG_NO_ARM)
        printf (_("No arm confirmed yet: confirm it with “parasol-cli assign %s --confirm ARM” "
                  "before the first dose.\n"), e->subject_number);
    }

  return PARASOL_CLI_OK;
}

/* ---- give --------------------------------------------------------------------------------- */

int
parasol_cli_give (int    argc,
                  char **argv)
{
  g_autofree char *date_str = NULL, *dose_str = NULL, *reason = NULL, *given_by = NULL;
  int cycle_number = 0;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str, N_("Date given (YYYY-MM-DD)"), N_("DATE") },
    { "dose", 0, 0, G_OPTION_ARG_STRING, &dose_str,
      N_("Dose given, in the drug's unit (0: not given)"), N_("X") },
    { "cycle", 0, 0, G_OPTION_ARG_INT, &cycle_number,
      N_("Cycle (default: the cycle the date falls in)"), N_("N") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why the dose differs from the calculated one, or was not given (required then)"), N_("TEXT") },
    { "given-by", 0, 0, G_OPTION_ARG_STRING, &given_by, N_("Who gave it (default: you)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolGivenDose) g = NULL;
  ParasolDoseEntry entry;
  gint64 patient_id = 0;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID DRUG",
                              N_("Record a dose given. A dose outside the tolerance of the "
                                 "calculated one is recorded only with --reason, and flagged."), 2);
  if (status != PARASOL_CLI_OK)
    return status;
  parasol_dose_entry_init (&entry);
  if (date_str == NULL || dose_str == NULL)
    return parasol_cli_usage_error (_("--date YYYY-MM-DD and --dose X are required"));
  if (!parasol_cli_parse_date (date_str, &entry.date, &error) ||
      !parasol_cli_parse_double (dose_str, &entry.dose, &error))
    return parasol_cli_usage_error ("%s", error->message);
  if (entry.dose < 0)
    return parasol_cli_usage_error (_("--dose cannot be negative"));
  if (cycle_number < 0)
    return parasol_cli_usage_error (_("--cycle must be 1 or more"));

  if (!open_patient (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);

  entry.drug = argv[2];
  entry.cycle = cycle_number;
  entry.reason = reason;
  entry.given_by = given_by;
  g = parasol_administration_give (store, protocol, patient_id, &entry, &error);
  if (g == NULL)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", g->id);
      parasol_json_member_string (json, "patient", g->key);
      parasol_json_member_string (json, "drug", g->drug);
      parasol_json_member_int (json, "cycle", g->cycle);
      parasol_json_member_string (json, "date", date_str);
      parasol_json_member_double (json, "dose", g->dose);
      parasol_json_member_string (json, "unit", g->unit);
      parasol_json_member_double (json, "calculated_dose", g->calculated_dose);
      parasol_json_member_boolean (json, "within_tolerance", g->within_tolerance);
      parasol_json_member_boolean (json, "flagged", g->flagged);
      parasol_json_member_boolean (json, "skipped", g->skipped);
      parasol_json_member_string (json, "reason", g->reason);
      parasol_json_member_boolean (json, "cycle_started", g->cycle_started);
      parasol_json_member_boolean (json, "deviation", g->deviation);
      parasol_json_member_int (json, "cycle_day", g->cycle_day);
      json_strings (json, "flags", g->flags);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      if (g->skipped)
        printf (_("Recorded %s as not given in cycle %d on %s: %s.\n"), g->drug, g->cycle,
                date_str, g->reason);
      else
        printf (_("Recorded %s %s %s in cycle %d on %s%s.\n"), g->drug, dose_str, g->unit,
                g->cycle, date_str, g->flagged ? _(" (flagged)") : "");
      for (guint i = 0; i < g->flags->len; i++)
        printf (_("Flagged: %s\n"), (const char *) g_ptr_array_index (g->flags, i));
      if (g->cycle_started)
        printf (_("Cycle %d started on %s%s.\n"), g->cycle, date_str,
                g->deviation ? _(" (deviation: outside its window)") : "");
    }

  return PARASOL_CLI_OK;
}

/* ---- delay -------------------------------------------------------------------------------- */

int
parasol_cli_delay (int    argc,
                   char **argv)
{
  g_autofree char *to_str = NULL, *reason = NULL;
  int cycle_number = 0;
  const GOptionEntry entries[] = {
    { "cycle", 0, 0, G_OPTION_ARG_INT, &cycle_number, N_("Cycle to delay"), N_("N") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_str, N_("New day 1 (YYYY-MM-DD)"), N_("DATE") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Why (required)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolDelay) d = NULL;
  gint64 patient_id = 0;
  GDate to;
  char buf[PARASOL_DATE_BUF_SIZE];
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Move a cycle's day 1 later; the cycles after it move with it."), 1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (cycle_number < 1 || to_str == NULL || reason == NULL || *reason == '\0')
    return parasol_cli_usage_error (_("--cycle N, --to YYYY-MM-DD and --reason TEXT are required"));
  if (!parasol_cli_parse_date (to_str, &to, &error))
    return parasol_cli_usage_error ("%s", error->message);

  if (!open_patient (argv[1], &store, &protocol, &patient_id, &error))
    return parasol_cli_fail (error);

  d = parasol_administration_delay (store, protocol, patient_id, cycle_number, &to, reason, &error);
  if (d == NULL)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "patient", d->key);
      parasol_json_member_int (json, "cycle", cycle_number);
      parasol_json_member_date (json, "planned_start", &d->planned_start);
      parasol_json_member_string (json, "start", to_str);
      parasol_json_member_int (json, "delay_days", d->delay_days);
      parasol_json_member_boolean (json, "deviation", d->deviation);
      parasol_json_member_string (json, "reason", reason);
      parasol_json_member_boolean (json, "discontinuation_proposed", d->schedule->discontinuation_proposed);
      parasol_json_member_string (json, "discontinuation_reason", d->schedule->discontinuation_reason);
      parasol_json_member (json, "following");
      parasol_json_begin_array (json);
      for (guint i = cycle_number; i < d->schedule->cycles->len; i++)
        {
          const ParasolScheduleCycle *c = g_ptr_array_index (d->schedule->cycles, i);

          parasol_json_begin_object (json);
          parasol_json_member_int (json, "number", c->number);
          parasol_json_member_date (json, "start", &c->start);
          parasol_json_end_object (json);
        }
      parasol_json_end_array (json);
      parasol_json_member (json, "moved");
      parasol_json_begin_array (json);
      for (guint i = 0; i < d->moved->len; i++)
        parasol_json_int (json, g_array_index (d->moved, int, i));
      parasol_json_end_array (json);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      printf (_("Cycle %d of %s now starts on %s (%+d days from %s).\n"), cycle_number, d->key,
              to_str, d->delay_days, parasol_date_format (&d->planned_start, buf, sizeof buf));
      for (guint i = cycle_number; i < d->schedule->cycles->len; i++)
        {
          const ParasolScheduleCycle *c = g_ptr_array_index (d->schedule->cycles, i);
          printf (_("  cycle %d: %s\n"), c->number, parasol_date_format (&c->start, buf, sizeof buf));
        }
      if (d->schedule->discontinuation_proposed)
        printf (_("Warning: %s\n"), d->schedule->discontinuation_reason);
    }

  return PARASOL_CLI_OK;
}
