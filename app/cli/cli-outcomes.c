/* cli-outcomes.c — parasol-cli response add|correct|withdraw, event add|correct|withdraw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: each command parses its options, calls the core workflow (parasol-outcomes.h) and
 * prints what it recorded.  Every rule lives in core, where the window calls the same functions.
 * Scripts rely on the JSON printed here: keys may be added, never renamed.
 */

#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <stdio.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-input.h"
#include "parasol-outcomes.h"
#include "parasol-protocol.h"

static void
print_outcome (const ParasolOutcome *o,
               const char           *kind_member,
               const char           *reason_member)
{
  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "patient", o->key);
      parasol_json_member_int (json, "id", o->id);
      parasol_json_member_string (json, kind_member, o->what);
      parasol_json_member_date (json, "date", &o->date);
      parasol_json_member_string (json, reason_member, o->reason);
      parasol_json_member_string (json, "status", o->status);
      parasol_json_member_boolean (json, "status_changed", o->status_changed);
      if (o->correction_reason != NULL)
        {
          parasol_json_member_boolean (json, "withdrawn", o->withdrawn);
          parasol_json_member_string (json, "correction_reason", o->correction_reason);
        }
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      ParasolPatientStatus status;
      const char *status_label = parasol_patient_status_from_string (o->status, &status)
                                 ? parasol_patient_status_to_label (status) : o->status;

      if (o->status_changed)
        printf (_("%s is now: %s.\n"), o->key, status_label);
    }
}

int
parasol_cli_response_add (int    argc,
                          char **argv)
{
  g_autofree char *date_str = NULL, *response = NULL, *note = NULL;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str, N_("Date of the assessment (YYYY-MM-DD)"),
      N_("DATE") },
    { "response", 0, 0, G_OPTION_ARG_STRING, &response,
      N_("RECIST 1.1 overall response: CR, PR, SD, PD or NE"), N_("RESPONSE") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note, kept in the audit trail"),
      N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolOutcome) o = NULL;
  gint64 patient_id;
  GDate date;
  char buf[PARASOL_DATE_BUF_SIZE];
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Record a RECIST 1.1 response assessment."), 1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (date_str == NULL || response == NULL)
    return parasol_cli_usage_error (_("--date YYYY-MM-DD and --response CR|PR|SD|PD|NE are "
                                      "required"));
  if (!parasol_cli_check_choice ("--response", response, parasol_outcomes_responses, &error) ||
      !parasol_cli_parse_date (date_str, &date, &error))
    return parasol_cli_usage_error ("%s", error->message);

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  patient_id = parasol_cli_find_patient (store, argv[1], &error);
  if (patient_id == 0)
    return parasol_cli_fail (error);

  o = parasol_outcomes_record_response (store, patient_id, response, &date, note, &error);
  if (o == NULL)
    return parasol_cli_fail (error);

  if (!parasol_cli_options.json)
    /* Translators: "Recorded for S-0004: Partial response (PR) on 2026-03-01." */
    printf (_("Recorded for %s: %s (%s) on %s.\n"), o->key,
            parasol_outcomes_response_to_label (o->what), o->what,
            parasol_date_format (&o->date, buf, sizeof buf));
  print_outcome (o, "response", "note");
  return PARASOL_CLI_OK;
}

static const char *const kinds[] = {
  "progression", "discontinuation", "death", "last-known-alive", NULL
};
static const ParasolEventKind kind_values[] = {
  PARASOL_EVENT_KIND_PROGRESSION, PARASOL_EVENT_KIND_DISCONTINUATION,
  PARASOL_EVENT_KIND_DEATH, PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE,
};

int
parasol_cli_event_add (int    argc,
                       char **argv)
{
  g_autofree char *date_str = NULL, *kind = NULL, *reason = NULL, *cause = NULL;
  g_autofree char *cause_text = NULL;
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("progression, discontinuation, death or last-known-alive"), N_("KIND") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str, N_("When it happened (YYYY-MM-DD)"),
      N_("DATE") },
    { "cause", 0, 0, G_OPTION_ARG_STRING, &cause,
      N_("A discontinuation's reason from the protocol's list (progression, toxicity, "
         "consent-withdrawn, investigator, death, lost, other); --reason then adds the words, "
         "which “other” needs"), N_("ID") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why (required for a discontinuation)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolOutcome) o = NULL;
  ParasolEventKind event_kind = PARASOL_EVENT_KIND_PROGRESSION;
  gint64 patient_id;
  GDate date;
  char buf[PARASOL_DATE_BUF_SIZE];
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Record progression, discontinuation (with its reason), death "
                                 "or the date the patient was last known alive."), 1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (date_str == NULL || kind == NULL)
    return parasol_cli_usage_error (_("--kind KIND and --date YYYY-MM-DD are required"));
  if (!parasol_cli_check_choice ("--kind", kind, kinds, &error) ||
      !parasol_cli_parse_date (date_str, &date, &error))
    return parasol_cli_usage_error ("%s", error->message);
  for (guint i = 0; kinds[i] != NULL; i++)
    if (g_str_equal (kinds[i], kind))
      event_kind = kind_values[i];
  if (cause != NULL && event_kind != PARASOL_EVENT_KIND_DISCONTINUATION)
    return parasol_cli_usage_error (_("--cause is for --kind discontinuation"));

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  patient_id = parasol_cli_find_patient (store, argv[1], &error);
  if (patient_id == 0)
    return parasol_cli_fail (error);
  if (cause != NULL)
    {
      /* the protocol's list; a --reason alone stays accepted as written, as before the list */
      g_autoptr(ParasolProtocol) protocol = parasol_protocol_new_for_store (store, &error);

      if (protocol == NULL)
        return parasol_cli_fail (error);
      cause_text = parasol_protocol_discontinuation_reason_text (protocol, cause, reason, &error);
      if (cause_text == NULL)
        return parasol_cli_fail (error);
    }

  o = parasol_outcomes_record_event (store, patient_id, event_kind, &date,
                                     cause_text != NULL ? cause_text : reason, &error);
  if (o == NULL)
    return parasol_cli_fail (error);

  if (!parasol_cli_options.json)
    /* Translators: "Recorded for S-0004: Discontinuation on 2026-03-01." */
    printf (_("Recorded for %s: %s on %s.\n"), o->key,
            parasol_event_kind_to_label (event_kind),
            parasol_date_format (&o->date, buf, sizeof buf));
  print_outcome (o, "kind", "reason");
  return PARASOL_CLI_OK;
}

/* The common part of correct and withdraw: the store, the patient, the record's id. */
static int
open_record (char          **argv,
             ParasolStore  **store,
             gint64         *patient_id,
             gint64         *record_id)
{
  g_autoptr(GError) error = NULL;

  if (!parasol_parse_int64 (argv[2], 1, G_MAXINT64, record_id, &error))
    return parasol_cli_usage_error (_("RECORD_ID: %s"), error->message);
  *store = parasol_cli_open_store (FALSE, &error);
  if (*store == NULL)
    return parasol_cli_fail (error);
  *patient_id = parasol_cli_find_patient (*store, argv[1], &error);
  if (*patient_id == 0)
    return parasol_cli_fail (error);
  return PARASOL_CLI_OK;
}

static void
print_correction (const ParasolOutcome *o,
                  const char           *label,
                  const char           *kind_member,
                  const char           *reason_member)
{
  char buf[PARASOL_DATE_BUF_SIZE];

  if (!parasol_cli_options.json)
    {
      if (o->withdrawn)
        /* Translators: "Withdrawn for S-0004: Partial response on 2026-03-01." */
        printf (_("Withdrawn for %s: %s on %s.\n"), o->key, label,
                parasol_date_format (&o->date, buf, sizeof buf));
      else
        /* Translators: "Corrected for S-0004: Partial response on 2026-03-01." */
        printf (_("Corrected for %s: %s on %s.\n"), o->key, label,
                parasol_date_format (&o->date, buf, sizeof buf));
    }
  print_outcome (o, kind_member, reason_member);
}

static int
response_change (int      argc,
                 char   **argv,
                 gboolean withdraw)
{
  g_autofree char *date_str = NULL, *response = NULL, *reason = NULL;
  const GOptionEntry correct_entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str,
      N_("The corrected date of the assessment (YYYY-MM-DD)"), N_("DATE") },
    { "response", 0, 0, G_OPTION_ARG_STRING, &response,
      N_("The corrected response: CR, PR, SD, PD or NE"), N_("RESPONSE") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why it is corrected (required), kept in the audit trail"), N_("TEXT") },
    { NULL }
  };
  const GOptionEntry withdraw_entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why it is withdrawn (required), kept in the audit trail"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolOutcome) o = NULL;
  gint64 patient_id = 0, response_id = 0;
  GDate date;
  int status;

  status = parasol_cli_parse (&argc, &argv, withdraw ? withdraw_entries : correct_entries,
                              "ID RESPONSE_ID",
                              withdraw ? N_("Withdraw a response assessment entered in error "
                                            "(kept, marked, with the reason).")
                                       : N_("Correct the date or the response of a recorded "
                                            "assessment, with the reason."), 2);
  if (status != PARASOL_CLI_OK)
    return status;
  if (reason == NULL)
    return parasol_cli_usage_error (_("--reason TEXT is required"));
  if (!withdraw && date_str == NULL && response == NULL)
    return parasol_cli_usage_error (_("--date YYYY-MM-DD or --response CR|PR|SD|PD|NE is "
                                      "required"));
  if (!parasol_cli_check_choice ("--response", response, parasol_outcomes_responses, &error) ||
      (date_str != NULL && !parasol_cli_parse_date (date_str, &date, &error)))
    return parasol_cli_usage_error ("%s", error->message);

  status = open_record (argv, &store, &patient_id, &response_id);
  if (status != PARASOL_CLI_OK)
    return status;

  if (withdraw)
    o = parasol_outcomes_withdraw_response (store, patient_id, response_id, reason, &error);
  else
    o = parasol_outcomes_correct_response (store, patient_id, response_id,
                                           date_str != NULL ? &date : NULL, response, reason,
                                           &error);
  if (o == NULL)
    return parasol_cli_fail (error);
  print_correction (o, parasol_outcomes_response_to_label (o->what), "response", "note");
  return PARASOL_CLI_OK;
}

int
parasol_cli_response_correct (int    argc,
                              char **argv)
{
  return response_change (argc, argv, FALSE);
}

int
parasol_cli_response_withdraw (int    argc,
                               char **argv)
{
  return response_change (argc, argv, TRUE);
}

static int
event_change (int      argc,
              char   **argv,
              gboolean withdraw)
{
  g_autofree char *date_str = NULL, *kind = NULL, *detail = NULL, *reason = NULL;
  g_autofree char *cause = NULL, *cause_text = NULL;
  const GOptionEntry correct_entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("The corrected kind: progression, discontinuation, death or last-known-alive"),
      N_("KIND") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str, N_("The corrected date (YYYY-MM-DD)"),
      N_("DATE") },
    { "detail", 0, 0, G_OPTION_ARG_STRING, &detail,
      N_("The corrected reason of the event itself (the discontinuation's reason, the cause "
         "of death); an empty TEXT clears it"), N_("TEXT") },
    { "cause", 0, 0, G_OPTION_ARG_STRING, &cause,
      N_("A discontinuation's reason from the protocol's list, as for event add; --detail then "
         "adds the words"), N_("ID") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why it is corrected (required), kept in the audit trail"), N_("TEXT") },
    { NULL }
  };
  const GOptionEntry withdraw_entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why it is withdrawn (required), kept in the audit trail"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolOutcome) o = NULL;
  ParasolEventKind event_kind = PARASOL_EVENT_KIND_PROGRESSION;
  gint64 patient_id = 0, event_id = 0;
  GDate date;
  int status;

  status = parasol_cli_parse (&argc, &argv, withdraw ? withdraw_entries : correct_entries,
                              "ID EVENT_ID",
                              withdraw ? N_("Withdraw an event entered in error (kept, marked, "
                                            "with the reason); the patient's status follows.")
                                       : N_("Correct the kind, date or detail of a recorded "
                                            "event, with the reason."), 2);
  if (status != PARASOL_CLI_OK)
    return status;
  if (reason == NULL)
    return parasol_cli_usage_error (_("--reason TEXT is required"));
  if (!withdraw && date_str == NULL && kind == NULL && detail == NULL && cause == NULL)
    return parasol_cli_usage_error (_("--kind KIND, --date YYYY-MM-DD or --detail TEXT is "
                                      "required"));
  if (!parasol_cli_check_choice ("--kind", kind, kinds, &error) ||
      (date_str != NULL && !parasol_cli_parse_date (date_str, &date, &error)))
    return parasol_cli_usage_error ("%s", error->message);
  for (guint i = 0; kind != NULL && kinds[i] != NULL; i++)
    if (g_str_equal (kinds[i], kind))
      event_kind = kind_values[i];

  status = open_record (argv, &store, &patient_id, &event_id);
  if (status != PARASOL_CLI_OK)
    return status;
  if (cause != NULL)
    {
      g_autoptr(ParasolProtocol) protocol = parasol_protocol_new_for_store (store, &error);

      if (protocol == NULL)
        return parasol_cli_fail (error);
      cause_text = parasol_protocol_discontinuation_reason_text (protocol, cause, detail, &error);
      if (cause_text == NULL)
        return parasol_cli_fail (error);
      g_free (detail);
      detail = g_steal_pointer (&cause_text);
    }

  if (withdraw)
    o = parasol_outcomes_withdraw_event (store, patient_id, event_id, reason, &error);
  else
    o = parasol_outcomes_correct_event (store, patient_id, event_id,
                                        kind != NULL ? &event_kind : NULL,
                                        date_str != NULL ? &date : NULL, detail, reason, &error);
  if (o == NULL)
    return parasol_cli_fail (error);
  if (!parasol_event_kind_from_string (o->what, &event_kind))
    event_kind = PARASOL_EVENT_KIND_PROGRESSION;
  print_correction (o, parasol_event_kind_to_label (event_kind), "kind", "reason");
  return PARASOL_CLI_OK;
}

int
parasol_cli_event_correct (int    argc,
                           char **argv)
{
  return event_change (argc, argv, FALSE);
}

int
parasol_cli_event_withdraw (int    argc,
                            char **argv)
{
  return event_change (argc, argv, TRUE);
}
