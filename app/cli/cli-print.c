/* cli-print.c — parasol-cli print-schedule, print-week: printed cycle schedules as PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pages are core's (parasol-printout.c), the same the window prints.  The PDF is written to
 * a temporary file beside --out and moved into place (mode 0600); an existing file is replaced
 * only with --force.
 */

#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-printout.h"
#include "parasol-protocol.h"

/* Fontconfig and Cairo keep font caches for the life of the process, some of them unreachable
 * at exit; LeakSanitizer (the sanitizer build runs with detect_leaks=1) would count them.  Only
 * allocations made inside those libraries are left out. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\nleak:libcairo.so\n";
}
#endif

static int
print_result (const char      *what,
              const char      *key,
              const char      *out,
              ParasolPrintout *doc,
              ParasolPaper     paper)
{
  int pages = parasol_printout_get_n_pages (doc);
  const char *language = parasol_printout_get_language (doc);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, what, key);
      parasol_json_member_string (json, "out", out);
      parasol_json_member_int (json, "pages", pages);
      parasol_json_member_string (json, "paper", parasol_paper_to_string (paper));
      parasol_json_member_string (json, "language", language);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "Wrote %d page for %s to %s.\n",
                         "Wrote %d pages for %s to %s.\n", pages), pages, key, out);

  return PARASOL_CLI_OK;
}

int
parasol_cli_print_schedule (int    argc,
                            char **argv)
{
  g_autofree char *out = NULL, *paper_name = NULL, *cycles = NULL, *language = NULL;
  g_autofree char *recorded = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF file to write"), N_("FILE.pdf") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper_name, N_("Paper size: a4 (default) or letter"),
      N_("a4|letter") },
    { "cycles", 0, 0, G_OPTION_ARG_STRING, &cycles,
      N_("The cycles to print (default: the next cycle to come and the three after it)"),
      N_("FIRST-LAST") },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language,
      N_("Print in this language (default: the patient's recorded language, else the "
         "interface's)"), N_("zh_CN|en") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE.pdf if it exists"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolPrintout) doc = NULL;
  ParasolPrintoutOptions options;
  gint64 id;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID",
                              N_("Print the patient's cycle schedule (doses, dates, visits, labs "
                                 "and imaging, room for notes and signatures) as a PDF."), 1);
  if (status != PARASOL_CLI_OK)
    return status;

  parasol_printout_options_init (&options);
  if (out == NULL || *out == '\0')
    return parasol_cli_usage_error (_("--out FILE.pdf is required"));
  if (paper_name != NULL && !parasol_paper_from_string (paper_name, &options.paper))
    return parasol_cli_usage_error (_("--paper: “%s” is not a paper size; use a4 or letter"),
                                    paper_name);
  if (cycles != NULL &&
      !parasol_printout_parse_cycles (cycles, &options.first_cycle, &options.last_cycle, &error))
    return parasol_cli_usage_error ("--cycles: %s", error->message);
  if (language != NULL && !g_strv_contains (parasol_printout_languages (), language))
    return parasol_cli_usage_error (_("--language: “%s” is not a language Parasol prints; use "
                                      "zh_CN or en"), language);

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  id = parasol_cli_find_patient (store, argv[1], &error);
  if (id == 0)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  if (language == NULL)
    {
      if (!parasol_store_get_patient_language (store, id, &recorded, &error))
        return parasol_cli_fail (error);
      options.language = recorded;
    }
  else
    options.language = language;

  doc = parasol_printout_new (&options, &error);
  if (doc == NULL ||
      !parasol_printout_add_schedule (doc, store, protocol, id, &error) ||
      !parasol_printout_write_pdf (doc, out, force, &error))
    return parasol_cli_fail (error);

  return print_result ("patient", argv[1], out, doc, options.paper);
}

int
parasol_cli_print_week (int    argc,
                        char **argv)
{
  g_autofree char *out = NULL, *week = NULL, *paper_name = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "week", 0, 0, G_OPTION_ARG_STRING, &week, N_("The ISO week, e.g. 2026-W49"), N_("YYYY-Www") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF file to write"), N_("FILE.pdf") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper_name, N_("Paper size: a4 (default) or letter"),
      N_("a4|letter") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE.pdf if it exists"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolPrintout) doc = NULL;
  ParasolPrintoutOptions options;
  GDate monday;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Print the clinic-week sheet: every patient on treatment with "
                                 "something due in an ISO week, by day, for the coordinator."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  parasol_printout_options_init (&options);
  if (week == NULL)
    return parasol_cli_usage_error (_("--week YYYY-Www is required"));
  if (out == NULL || *out == '\0')
    return parasol_cli_usage_error (_("--out FILE.pdf is required"));
  if (!parasol_printout_parse_iso_week (week, &monday, &error))
    return parasol_cli_usage_error ("--week: %s", error->message);
  if (paper_name != NULL && !parasol_paper_from_string (paper_name, &options.paper))
    return parasol_cli_usage_error (_("--paper: “%s” is not a paper size; use a4 or letter"),
                                    paper_name);

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  doc = parasol_printout_new (&options, &error);
  if (doc == NULL ||
      !parasol_printout_add_week (doc, store, protocol, &monday, &error) ||
      !parasol_printout_write_pdf (doc, out, force, &error))
    return parasol_cli_fail (error);

  return print_result ("week", week, out, doc, options.paper);
}
