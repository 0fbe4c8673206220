/* cli-odm.c — parasol-cli export-odm and import-odm: CDISC ODM 1.3.2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-odm.h"
#include "parasol-protocol.h"

int
parasol_cli_export_odm (int    argc,
                        char **argv)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) patients = NULL;
  gboolean snapshot = FALSE;
  gboolean transactional = FALSE;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The ODM file to write (required)"),
      N_("FILE.xml") },
    { "snapshot", 0, 0, G_OPTION_ARG_NONE, &snapshot,
      N_("Current values only (the default)"), NULL },
    { "transactional", 0, 0, G_OPTION_ARG_NONE, &transactional,
      N_("Add the audit trail (user, location, time, reason) and the head of its hash chain"),
      NULL },
    { "patient", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &patients,
      N_("Export only this patient (repeat for several)"), N_("ID") },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE.xml if it exists"), NULL },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  ParasolOdmExportOptions options = { PARASOL_ODM_SNAPSHOT, NULL, FALSE };
  ParasolOdmExportStats stats = { 0 };
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Export the trial as CDISC ODM 1.3.2: the study's metadata, the "
                                 "users and sites, and every patient's clinical data."), 0);
  if (status != PARASOL_CLI_OK)
    return status;
  if (out == NULL)
    return parasol_cli_usage_error (_("--out FILE.xml is required"));
  if (snapshot && transactional)
    return parasol_cli_usage_error (_("choose --snapshot or --transactional, not both"));

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  options.mode = transactional ? PARASOL_ODM_TRANSACTIONAL : PARASOL_ODM_SNAPSHOT;
  options.patients = (const char *const *) patients;
  options.force = force;
  if (!parasol_odm_export (store, protocol, out, &options, &stats, &error))
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "file", out);
      parasol_json_member_string (json, "mode", transactional ? "transactional" : "snapshot");
      parasol_json_member_int (json, "subjects", stats.subjects);
      parasol_json_member_int (json, "item_groups", stats.item_groups);
      parasol_json_member_int (json, "items", stats.items);
      parasol_json_member_int (json, "audit_records", stats.audit_records);
      parasol_json_member_int (json, "bytes", stats.bytes);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (g_dngettext (GETTEXT_PACKAGE,
                         "Exported %u patient (%" PRIu64 " values) to %s.\n",
                         "Exported %u patients (%" PRIu64 " values) to %s.\n",
                         (guint) stats.subjects),
            (guint) stats.subjects, (guint64) stats.items, out);
  return PARASOL_CLI_OK;
}

static void
print_report_json (const ParasolOdmImportReport *report,
                   const char                   *file,
                   const GError                 *error)
{
  g_autoptr(ParasolJson) json = parasol_json_new ();

  parasol_json_begin_object (json);
  parasol_json_member_string (json, "file", file);
  parasol_json_member_string (json, "file_oid", report->file_oid);
  parasol_json_member_boolean (json, "dry_run", report->dry_run);
  parasol_json_member_boolean (json, "written", report->written);
  parasol_json_member_int (json, "subjects", report->subjects);
  parasol_json_member_int (json, "patients_created", report->patients_created);
  parasol_json_member_int (json, "fields_changed", report->fields_changed);
  parasol_json_member_int (json, "records_added", report->records_added);
  parasol_json_member_int (json, "records_unchanged", report->records_unchanged);
  parasol_json_member_int (json, "labs_added", report->labs_added);
  parasol_json_member_int (json, "n_refusals", report->n_refusals);
  parasol_json_member (json, "refusals");
  parasol_json_begin_array (json);
  for (guint i = 0; i < report->refusals->len; i++)
    {
      const ParasolOdmRefusal *r = g_ptr_array_index (report->refusals, i);

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "line", r->line);
      parasol_json_member_string (json, "message", r->message);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);
  if (error != NULL)
    parasol_json_member_string (json, "error", error->message);
  parasol_json_end_object (json);
  parasol_cli_print_json (json);
}

int
parasol_cli_import_odm (int    argc,
                        char **argv)
{
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Check everything and report what would change; write nothing"), NULL },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolOdmImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "FILE.xml",
                              N_("Import CDISC ODM 1.3.2 clinical data: this trial's own export, "
                                 "or laboratory results from another system. Every value is "
                                 "checked; if any is refused, nothing is written."), 1);
  if (status != PARASOL_CLI_OK)
    return status;

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  ok = parasol_odm_import_file (store, protocol, argv[1], dry_run, &report, &error);

  if (parasol_cli_options.json && report != NULL &&
      (ok || g_error_matches (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_REFUSED)))
    {
      print_report_json (report, argv[1], error);
      if (!ok)
        g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return ok ? PARASOL_CLI_OK : PARASOL_CLI_ERROR;
    }
  if (!ok)
    return parasol_cli_fail (error);

  printf (dry_run ? _("Dry run of %s (%s): nothing was written. It would:\n")
                  : _("Imported %s (%s):\n"),
          argv[1], report->file_oid != NULL ? report->file_oid : "");
  printf (dry_run ? _("  create %u patients, set %u patient fields, add %u records (%u lab "
                      "results); %u records are already there.\n")
                  : _("  created %u patients, set %u patient fields, added %u records (%u lab "
                      "results); %u records were already there.\n"),
          report->patients_created, report->fields_changed, report->records_added,
          report->labs_added, report->records_unchanged);
  return PARASOL_CLI_OK;
}
