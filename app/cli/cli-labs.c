/* cli-labs.c — parasol-cli lab add, lab import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thin: the checks (unit, plausible range, ULN in its unit, sample date) and the CSV importer
 * live in core (parasol-lab-entry.h, parasol-lab-import.h).  Scripts rely on the JSON printed
 * here (issue 3); keys may be added, never renamed.
 */

#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-lab-entry.h"
#include "parasol-lab-import.h"
#include "parasol-protocol.h"

static void
json_lab_members (ParasolJson            *json,
                  gint64                  id,
                  const char             *patient,
                  const ParasolLabResult *r);

static void
json_lab (ParasolJson            *json,
          gint64                  id,
          const char             *patient,
          const ParasolLabResult *r)
{
  parasol_json_begin_object (json);
  json_lab_members (json, id, patient, r);
  parasol_json_end_object (json);
}

static void
json_lab_members (ParasolJson            *json,
                  gint64                  id,
                  const char             *patient,
                  const ParasolLabResult *r)
{
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
}

/* ---- lab add ---------------------------------------------------------------------------------- */

int
parasol_cli_lab_add (int    argc,
                     char **argv)
{
  g_autofree char *unit = NULL;
  g_autofree char *date_str = NULL;
  g_autofree char *uln_str = NULL;
  g_autofree char *uln_unit = NULL;
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "unit", 'u', 0, G_OPTION_ARG_STRING, &unit, N_("Unit of VALUE (required, except for a negative/positive test)"), N_("UNIT") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date_str, N_("Sample date (required)"), N_("YYYY-MM-DD") },
    { "uln", 0, 0, G_OPTION_ARG_STRING, &uln_str,
      N_("Upper limit of normal (needed for AST, ALT, bilirubin, creatinine, INR, APTT)"),
      N_("VALUE") },
    { "uln-unit", 0, 0, G_OPTION_ARG_STRING, &uln_unit,
      N_("Unit of the ULN, when it differs from the value's"), N_("UNIT") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Reason, for the audit trail"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolLabResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ParasolLabEntry entry;
  gint64 patient_id = 0;
  gboolean qualitative;
  gint64 id;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID LAB VALUE",
                              N_("Record a laboratory result (or a measurement: lvef, sbp, dbp). The "
                                 "value is converted to the protocol’s unit and checked against the "
                                 "plausible range. A negative/positive test (the pregnancy test, "
                                 "hcg) takes the word negative or positive and needs no --unit."), 3);
  if (status != PARASOL_CLI_OK)
    return status;
  if (date_str == NULL)
    return parasol_cli_usage_error (_("--unit and --date are required"));
  parasol_lab_entry_init (&entry);
  /* A number, or negative/positive for a qualitative test (checked against the lab below) */
  qualitative = g_ascii_isalpha (argv[3][0]);
  if ((!qualitative && !parasol_cli_parse_double (argv[3], &entry.value, &error)) ||
      (uln_str != NULL && !parasol_cli_parse_double (uln_str, &entry.uln, &error)) ||
      !parasol_cli_parse_date (date_str, &entry.date, &error))
    return parasol_cli_usage_error ("%s", error->message);

  if (uln_unit != NULL && uln_str == NULL)
    return parasol_cli_usage_error (_("--uln-unit needs --uln"));

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);
  patient_id = parasol_cli_find_patient (store, argv[1], &error);
  if (patient_id == 0)
    return parasol_cli_fail (error);

  {
    const ParasolLabDef *def = parasol_protocol_find_lab_by_code (protocol, argv[2]);

    if (qualitative || (def != NULL && def->qualitative))
      {
        if (def == NULL || !def->qualitative)
          return parasol_cli_usage_error (_("%s: “%s” is not a number"), argv[2], argv[3]);
        if (!parasol_lab_def_parse_value (def, argv[3], &entry.value, &error))
          return parasol_cli_usage_error ("%s", error->message);
        if (unit == NULL)
          unit = g_strdup (def->unit);
      }
    else if (unit == NULL)
      return parasol_cli_usage_error (_("--unit and --date are required"));
  }
  entry.lab = argv[2];
  entry.unit = unit;
  entry.uln_unit = uln_unit;
  id = parasol_lab_entry_add (store, protocol, patient_id, &entry, reason, &result, &error);
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

      if (lab->qualitative)
        printf (_("Saved %s %s (%s) for %s.\n"), lab->name,
                result->value != 0 ? _("positive") : _("negative"), date_str, argv[1]);
      else
        printf (_("Saved %s %s %s (%s) for %s.\n"), lab->name, v, lab->unit, date_str, argv[1]);
    }
  return PARASOL_CLI_OK;
}

/* ---- lab import ------------------------------------------------------------------------------- */

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
  g_autoptr(ParasolLabImport) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *filename;
  gsize len = 0;
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

  /* The file first (bounded), so a wrong file is refused before the database is opened */
  contents = parasol_lab_import_read (filename, &len, &error);
  if (contents == NULL)
    return parasol_cli_fail (error);

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  import = parasol_lab_import_parse (store, protocol, contents, len, filename,
                                     strict ? PARASOL_LAB_IMPORT_STRICT : PARASOL_LAB_IMPORT_DEFAULT,
                                     &error);
  if (import == NULL || !parasol_lab_import_commit (store, import, &error))
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "file", filename);
      parasol_json_member_int (json, "imported", import->rows->len);
      parasol_json_member_int (json, "patients", import->n_patients);
      parasol_json_member_int (json, "duplicates", import->duplicates);
      parasol_json_member_int (json, "skipped", import->skipped);
      parasol_json_member (json, "unknown_tests");
      parasol_json_begin_array (json);
      for (guint i = 0; i < import->unknown_tests->len; i++)
        parasol_json_string (json, g_ptr_array_index (import->unknown_tests, i));
      parasol_json_end_array (json);
      parasol_json_member (json, "results");
      parasol_json_begin_array (json);
      for (guint i = 0; i < import->rows->len; i++)
        {
          ParasolLabImportRow *row = g_ptr_array_index (import->rows, i);
          /* id 0 as before: the results' ids are in `patient show` */
          parasol_json_begin_object (json);
          json_lab_members (json, 0, row->patient_key, row->result);
          parasol_json_member_int (json, "line", row->line);
          parasol_json_member (json, "flag");
          if (row->flag != NULL)
            parasol_json_string (json, row->flag);
          else
            parasol_json_null (json);
          parasol_json_end_object (json);
        }
      parasol_json_end_array (json);
      parasol_json_member_int (json, "flagged", import->flagged);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      printf (_("Imported %u results for %u patients from %s.\n"), import->rows->len,
              import->n_patients, filename);
      if (import->duplicates > 0)
        printf (_("Skipped %u results already recorded.\n"), import->duplicates);
      if (import->skipped > 0)
        {
          g_autofree char *names = NULL;

          g_ptr_array_add (import->unknown_tests, NULL);
          names = g_strjoinv (", ", (char **) import->unknown_tests->pdata);
          g_ptr_array_remove_index (import->unknown_tests, import->unknown_tests->len - 1);
          printf (_("Skipped %u rows with tests this protocol does not use: %s\n"),
                  import->skipped, names);
        }
      if (import->flagged > 0)
        printf (_("Flagged %u imported results for a look:\n"), import->flagged);
      for (guint i = 0; i < import->rows->len; i++)
        {
          ParasolLabImportRow *row = g_ptr_array_index (import->rows, i);
          g_autofree char *key = NULL;
          g_autofree char *flag = NULL;

          if (row->flag == NULL)
            continue;
          key = parasol_cli_escape (row->patient_key);
          flag = parasol_cli_escape (row->flag);
          /* Translators: "  line 4, S-001, AST: AST above the ULN (3 × ULN)" */
          printf (_("  line %d, %s, %s: %s\n"), row->line, key, row->result->lab, flag);
        }
    }
  return PARASOL_CLI_OK;
}
