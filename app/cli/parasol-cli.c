/* parasol-cli.c — the headless Parasol: subcommand dispatch and shared plumbing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"

ParasolCliOptions parasol_cli_options;

typedef struct {
  const char *group;    /* "patient", or the command itself */
  const char *name;     /* "add", or NULL for a one-word command */
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "init", NULL, parasol_cli_init, N_("Create a new trial database from a protocol") },
  { "demo", NULL, parasol_cli_demo, N_("Create a database holding a synthetic demo trial") },
  { "patient", "add", parasol_cli_patient_add, N_("Register a patient for screening") },
  { "patient", "list", parasol_cli_patient_list, N_("List the patients") },
  { "patient", "show", parasol_cli_patient_show, N_("Show everything recorded for a patient") },
  { "patient", "set", parasol_cli_patient_set, N_("Change one fact about a patient") },
  { "protocol", "validate", parasol_cli_protocol_validate, N_("Check a protocol definition file") },
  { "protocol", "show", parasol_cli_protocol_show, N_("Show the trial's protocol") },
  { "lab", "add", parasol_cli_lab_add, N_("Record a laboratory result") },
  { "lab", "import", parasol_cli_lab_import, N_("Import laboratory results from a CSV export") },
  { "attest", NULL, parasol_cli_attest, N_("Record the investigator's judgement of a criterion") },
  { "biomarker", "add", parasol_cli_biomarker_add, N_("Record a biomarker result") },
  { "screen", NULL, parasol_cli_screen, N_("Evaluate every eligibility criterion for a patient") },
  { "assign", NULL, parasol_cli_assign, N_("Propose or confirm the patient's arm") },
  { "dose", NULL, parasol_cli_dose, N_("Calculate doses") },
  { "enrol", NULL, parasol_cli_enrol, N_("Enrol an eligible patient and set cycle 1 day 1") },
  { "schedule", NULL, parasol_cli_schedule, N_("Show or export the patient's cycle calendar") },
  { "give", NULL, parasol_cli_give, N_("Record an administered dose") },
  { "delay", NULL, parasol_cli_delay, N_("Delay a cycle") },
  { "audit", "verify", parasol_cli_audit_verify, N_("Verify the audit trail's hash chain") },
  { "audit", "show", parasol_cli_audit_show, N_("Show audit trail entries") },
  { "backup", NULL, parasol_cli_backup, N_("Write a consistent copy of the database") },
  { "export-odm", NULL, parasol_cli_export_odm, N_("Export the trial as CDISC ODM 1.3.2") },
  { "import-odm", NULL, parasol_cli_import_odm, N_("Import CDISC ODM 1.3.2 clinical data") },
};

static GOptionEntry common_entries[] = {
  { "database", 'd', 0, G_OPTION_ARG_FILENAME, &parasol_cli_options.database,
    N_("The trial database (default: ~/.local/share/parasol/parasol.db)"), N_("PATH") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &parasol_cli_options.json,
    N_("Print machine-readable JSON"), NULL },
  { "allow-network-filesystem", 0, 0, G_OPTION_ARG_NONE, &parasol_cli_options.allow_network_fs,
    N_("Open a database on NFS or SMB although SQLite's locking is unsafe there"), NULL },
  { NULL }
};

int
parasol_cli_parse (int                *argc,
                   char             ***argv,
                   const GOptionEntry *entries,
                   const char         *parameter_string,
                   const char         *summary,
                   int                 n_positional)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("parasol-cli %s", (*argv)[0]);

  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, _(summary));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);

  g_set_prgname (prgname);
  if (!g_option_context_parse (context, argc, argv, &error))
    return parasol_cli_usage_error ("%s", error->message);

  /* (*argv)[0] is the command; the rest are positionals. */
  if (n_positional >= 0 && *argc - 1 != n_positional)
    {
      if (*argc - 1 < n_positional)
        return parasol_cli_usage_error (_("missing arguments: expected %s"), parameter_string);
      return parasol_cli_usage_error (_("unexpected argument “%s”"), (*argv)[n_positional + 1]);
    }

  return PARASOL_CLI_OK;
}

int
parasol_cli_usage_error (const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", g_get_prgname (), message);
  g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
  return PARASOL_CLI_USAGE;
}

int
parasol_cli_fail (const GError *error)
{
  g_printerr ("%s: %s\n", g_get_prgname (), error->message);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "error", error->message);
      parasol_json_member_string (json, "domain", g_quark_to_string (error->domain));
      parasol_json_member_int (json, "code", error->code);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }

  return PARASOL_CLI_ERROR;
}

ParasolStore *
parasol_cli_open_store (gboolean  create,
                        GError  **error)
{
  ParasolStoreOpenFlags flags = PARASOL_STORE_OPEN_DEFAULT;

  if (create)
    flags |= PARASOL_STORE_OPEN_CREATE;
  if (parasol_cli_options.allow_network_fs)
    flags |= PARASOL_STORE_OPEN_ALLOW_NETWORK_FS;

  return parasol_store_open (parasol_cli_options.database, flags, error);
}

gint64
parasol_cli_find_patient (ParasolStore *store,
                          const char   *key,
                          GError      **error)
{
  return parasol_store_find_patient (store, key, error);
}

gboolean
parasol_cli_parse_date (const char *str,
                        GDate      *date,
                        GError    **error)
{
  if (parasol_date_parse_iso (str, date))
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a valid date; write it as YYYY-MM-DD."), str ? str : "");
  return FALSE;
}

gboolean
parasol_cli_parse_double (const char *str,
                          double     *value,
                          GError    **error)
{
  char *end = NULL;
  double v;

  if (str != NULL && *str != '\0')
    {
      v = g_ascii_strtod (str, &end);
      if (end != str && *end == '\0' && isfinite (v))
        {
          *value = v;
          return TRUE;
        }
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a number."), str ? str : "");
  return FALSE;
}

char *
parasol_cli_pad (const char *text,
                 int         width)
{
  GString *out = g_string_new (text != NULL ? text : "");
  int columns = 0;

  for (const char *p = out->str; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      columns += g_unichar_iswide (c) ? 2 : 1;
    }
  while (columns++ < width)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

void
parasol_cli_print_json (ParasolJson *json)
{
  fputs (parasol_json_get (json), stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: parasol-cli COMMAND [OPTION…]"));
  fprintf (out, "%s\n", _("Parasol keeps the data of a biomarker-driven umbrella trial."));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = commands[i].name
                                ? g_strdup_printf ("%s %s", commands[i].group, commands[i].name)
                                : g_strdup (commands[i].group);
      fprintf (out, "  %-20s %s\n", name, _(commands[i].summary));
    }
  fprintf (out, "\n%s\n", _("Run “parasol-cli COMMAND --help” for the options of a command."));
}

/* Is @arg one of the common options?  Sets *takes_value when the option's value is the next
 * argument ("--database PATH", "-d PATH"). */
static gboolean
is_common_option (const char *arg,
                  gboolean   *takes_value)
{
  *takes_value = FALSE;
  if (g_str_equal (arg, "--database") || g_str_equal (arg, "-d"))
    {
      *takes_value = TRUE;
      return TRUE;
    }
  return g_str_has_prefix (arg, "--database=") || g_str_equal (arg, "--json") || g_str_equal (arg, "--allow-network-filesystem");
}

/* Scripts write `parasol-cli --database X screen ID --json` as often as
 * `parasol-cli screen ID --database X --json`: the common options may come anywhere, also
 * before the command words.  Moves those found before them to the end (before a "--"), where
 * each command's GOption parser reads them.  Returns the new argv (the strings are borrowed). */
static char **
hoist_common_options (int   *argc,
                      char **argv)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autoptr(GPtrArray) common = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new ();
  guint n_words = 0;
  int i = 1;

  /* At most two command words ("patient add"); a one-word command takes no second. */
  while (i < *argc && n_words < 2)
    {
      gboolean takes_value;

      if (is_common_option (argv[i], &takes_value))
        {
          /* Some commands use -d for --date: before the command, -d is --database. */
          g_ptr_array_add (common, g_str_equal (argv[i], "-d") ? "--database" : argv[i]);
          if (takes_value && i + 1 < *argc)
            g_ptr_array_add (common, argv[++i]);
          i++;
          continue;
        }
      if (argv[i][0] == '-')
        break;
      g_ptr_array_add (words, argv[i]);
      n_words++;
      i++;
      if (n_words == 1)
        {
          gboolean has_sub = FALSE;

          for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
            if (g_str_equal (commands[c].group, words->pdata[0]) && commands[c].name != NULL)
              has_sub = TRUE;
          if (!has_sub)
            break;
        }
    }

  g_ptr_array_add (out, argv[0]);
  for (guint w = 0; w < words->len; w++)
    g_ptr_array_add (out, words->pdata[w]);
  for (; i < *argc && !g_str_equal (argv[i], "--"); i++)
    g_ptr_array_add (out, argv[i]);
  for (guint c = 0; c < common->len; c++)
    g_ptr_array_add (out, common->pdata[c]);
  for (; i < *argc; i++)
    g_ptr_array_add (out, argv[i]);
  *argc = out->len;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char **hoisted = NULL;
  const char *group;
  const char *name;
  gboolean group_known = FALSE;

  setlocale (LC_ALL, "");
  /* PARASOL_LOCALEDIR: the build tree's po/ folder, for running uninstalled (run-demo.sh). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PARASOL_LOCALEDIR") ? g_getenv ("PARASOL_LOCALEDIR")
                                                                  : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("parasol-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return PARASOL_CLI_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return PARASOL_CLI_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("parasol-cli %s\n", PACKAGE_VERSION);
      return PARASOL_CLI_OK;
    }

  /* The reordered array borrows argv's strings; only the array is ours to free. */
  hoisted = hoist_common_options (&argc, argv);
  argv = hoisted;
  if (argc < 2 || argv[1][0] == '-')
    {
      if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
        {
          print_usage (stdout);
          return PARASOL_CLI_OK;
        }
      g_printerr (_("parasol-cli: no command given.\n"));
      print_usage (stderr);
      return PARASOL_CLI_USAGE;
    }

  group = argv[1];
  name = argc > 2 ? argv[2] : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const Command *c = &commands[i];

      if (!g_str_equal (c->group, group))
        continue;
      group_known = TRUE;

      if (c->name == NULL)
        {
          /* argv[0] becomes the command name for GOption's messages. */
          argv[1] = (char *) c->group;
          return c->run (argc - 1, argv + 1);
        }
      if (name != NULL && g_str_equal (c->name, name))
        {
          g_autofree char *path = g_strdup_printf ("%s %s", c->group, c->name);
          int status;

          argv[2] = path;
          status = c->run (argc - 2, argv + 2);
          return status;
        }
    }

  if (group_known)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        if (g_str_equal (commands[i].group, group))
          g_string_append_printf (names, "%s%s", names->len ? ", " : "", commands[i].name);
      if (name == NULL || g_str_equal (name, "--help") || g_str_equal (name, "-h"))
        {
          FILE *out = name != NULL ? stdout : stderr;
          fprintf (out, _("Usage: parasol-cli %s {%s} [OPTION…]\n"), group, names->str);
          return name != NULL ? PARASOL_CLI_OK : PARASOL_CLI_USAGE;
        }
      g_printerr (_("parasol-cli: “%s %s” is not a command; “%s” takes one of: %s.\n"),
                  group, name, group, names->str);
      return PARASOL_CLI_USAGE;
    }

  g_printerr (_("parasol-cli: unknown command “%s”.\n"), group);
  print_usage (stderr);
  return PARASOL_CLI_USAGE;
}
