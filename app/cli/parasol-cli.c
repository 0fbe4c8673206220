/* parasol-cli.c — the headless Parasol: subcommand dispatch and shared plumbing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-cli"
#define _GNU_SOURCE /* fopencookie */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-cli-man.h"
#include "parasol-input.h"

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
  { "response", "add", parasol_cli_response_add, N_("Record a RECIST 1.1 response assessment") },
  { "event", "add", parasol_cli_event_add,
    N_("Record progression, discontinuation, death or last known alive") },
  { "response", "correct", parasol_cli_response_correct,
    N_("Correct a recorded response assessment, with the reason") },
  { "response", "withdraw", parasol_cli_response_withdraw,
    N_("Withdraw a response assessment entered in error, with the reason") },
  { "event", "correct", parasol_cli_event_correct,
    N_("Correct a recorded event, with the reason") },
  { "event", "withdraw", parasol_cli_event_withdraw,
    N_("Withdraw an event entered in error, with the reason") },
  { "swimmer", NULL, parasol_cli_swimmer, N_("Draw the swimmer plot as PNG, SVG or PDF") },
  { "print-schedule", NULL, parasol_cli_print_schedule, N_("Print the patient's cycle schedule as a PDF") },
  { "print-week", NULL, parasol_cli_print_week, N_("Print the clinic-week sheet as a PDF") },
  { "audit", "verify", parasol_cli_audit_verify, N_("Verify the audit trail's hash chain") },
  { "audit", "show", parasol_cli_audit_show, N_("Show audit trail entries") },
  { "audit", "acknowledge", parasol_cli_audit_acknowledge,
    N_("Record that a person has seen damage to the audit trail, so writing may go on") },
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

/* GOption reads whole-number options with strtol (base 0): "0x10" is 16, "010" is 8, " 5" is 5.
 * parasol_cli_parse() turns every G_OPTION_ARG_INT and _INT64 entry into a callback that reads
 * the value with parasol_parse_int64() instead: decimal digits only. */
static gboolean
whole_number_option_cb (const char  *option_name,
                        const char  *value,
                        gpointer     data,
                        GError     **error)
{
  const GOptionEntry *entries = data;
  g_autoptr(GError) local_error = NULL;

  for (const GOptionEntry *e = entries; e != NULL && e->long_name != NULL; e++)
    {
      gboolean is_int = e->arg == G_OPTION_ARG_INT;
      gint64 v;

      if (!is_int && e->arg != G_OPTION_ARG_INT64)
        continue;
      if (!(g_str_has_prefix (option_name, "--") && g_str_equal (option_name + 2, e->long_name)) &&
          !(e->short_name != 0 && option_name[0] == '-' && option_name[1] == e->short_name &&
            option_name[2] == '\0'))
        continue;

      if (!parasol_parse_int64 (value, is_int ? G_MININT : G_MININT64,
                                is_int ? G_MAXINT : G_MAXINT64, &v, &local_error))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: %s", option_name,
                       local_error->message);
          return FALSE;
        }
      if (is_int)
        *(int *) e->arg_data = (int) v;
      else
        *(gint64 *) e->arg_data = v;
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, "%s", option_name);
  return FALSE;
}

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
  g_autoptr(GArray) strict = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  GOptionGroup *group;

  /* The entries again, whole numbers read strictly (whole_number_option_cb); the group's data
   * is the caller's array, which outlives the parse. */
  for (const GOptionEntry *e = entries; e != NULL && e->long_name != NULL; e++)
    {
      GOptionEntry copy = *e;

      if (e->arg == G_OPTION_ARG_INT || e->arg == G_OPTION_ARG_INT64)
        {
          copy.arg = G_OPTION_ARG_CALLBACK;
          copy.arg_data = (gpointer) whole_number_option_cb;
        }
      g_array_append_val (strict, copy);
    }

  /* parasol-cli --help-man: describe this command from the same table, do nothing. */
  if (parasol_cli_man_describe ((*argv)[0], entries, parameter_string, summary))
    return PARASOL_CLI_USAGE;

  context = g_option_context_new (parameter_string);
  group = g_option_group_new (NULL, NULL, NULL, (gpointer) entries, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, _(summary));
  if (entries != NULL)
    g_option_group_add_entries (group, (const GOptionEntry *) (void *) strict->data);
  g_option_group_add_entries (group, common_entries);

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

ParasolStore *
parasol_cli_open_store_read_only (GError **error)
{
  ParasolStoreOpenFlags flags = PARASOL_STORE_OPEN_READ_ONLY;

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
  return parasol_parse_date (str, date, error);
}

gboolean
parasol_cli_parse_double (const char *str,
                          double     *value,
                          GError    **error)
{
  return parasol_parse_double (str, value, error);
}

gboolean
parasol_cli_check_choice (const char         *option,
                          const char         *value,
                          const char * const *choices,
                          GError            **error)
{
  g_autofree char *list = NULL;

  if (value == NULL || g_strv_contains (choices, value))
    return TRUE;
  list = g_strjoinv (", ", (char **) choices);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("%s “%s” is not one of: %s"), option, value, list);
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

/* ---- Safe terminal output ---------------------------------------------------------------------
 *
 * A value stored by someone else can hold what a terminal acts on or hides: ESC sequences that
 * move the cursor or retitle the window, a carriage return that overwrites the line, bidi
 * overrides (U+202E) that reverse it, zero-width characters (U+200B) that make "S-00\u200b36"
 * look exactly like S-0036.  escape_append() is the one escaper: every control character
 * (C0, DEL, C1), every format character (Unicode Cf: zero-width, bidi, BOM, soft hyphen), the
 * line and paragraph separators and each byte of invalid UTF-8 is written as \t, \r, \n, \xHH
 * or \u{XXXX}.  It is used twice:
 *   - parasol_cli_escape() for values in plain-text output: newlines and backslashes escaped
 *     too, so one value is one line and an escape cannot be forged by typing it;
 *   - a filter on stdout and stderr (install_output_filter()) through which everything else
 *     passes, newlines kept: no printer can forget.  --json output bypasses it; JSON is escaped
 *     by ParasolJson. */

static FILE *json_out;   /* the real stdout, for JSON */

static gboolean
is_hidden_char (gunichar c)
{
  if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
    return TRUE;
  switch (g_unichar_type (c))
    {
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
escape_append (GString    *out,
               const char *text,
               gsize       len,
               gboolean    whole_value)
{
  const char *p = text, *end = text + len;

  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      gsize n;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p);
          p++;
          continue;
        }
      n = g_utf8_next_char (p) - p;
      if (c == '\n' && !whole_value)
        g_string_append_c (out, '\n');
      else if (c == '\\' && whole_value)
        g_string_append (out, "\\\\");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x80 && is_hidden_char (c))
        g_string_append_printf (out, "\\x%02X", c);
      else if (is_hidden_char (c))
        g_string_append_printf (out, "\\u{%04X}", c);
      else
        g_string_append_len (out, p, n);
      p += n;
    }
}

char *
parasol_cli_escape (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  escape_append (out, text, strlen (text), TRUE);
  return g_string_free (out, FALSE);
}

typedef struct {
  int   fd;
  char  pending[4];   /* an incomplete UTF-8 sequence at the end of the last write */
  gsize n_pending;
} OutputFilter;

static gboolean
write_all (int         fd,
           const char *data,
           gsize       len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* How many bytes at the end of @data begin a UTF-8 sequence that the next write completes. */
static gsize
incomplete_tail (const char *data,
                 gsize       len)
{
  for (gsize back = 1; back <= 3 && back <= len; back++)
    {
      guchar b = (guchar) data[len - back];

      if ((b & 0xc0) == 0x80)
        continue;                           /* a continuation byte: look further back */
      if (b >= 0xc0)
        {
          gsize need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
          return need > back ? back : 0;
        }
      return 0;
    }
  return 0;
}

static ssize_t
filter_write (void       *cookie,
              const char *buf,
              size_t      size)
{
  OutputFilter *f = cookie;
  g_autoptr(GString) in = g_string_new_len (f->pending, f->n_pending);
  g_autoptr(GString) out = NULL;
  gsize keep;

  g_string_append_len (in, buf, size);
  keep = incomplete_tail (in->str, in->len);
  out = g_string_sized_new (in->len + 16);
  escape_append (out, in->str, in->len - keep, FALSE);
  memcpy (f->pending, in->str + in->len - keep, keep);
  f->n_pending = keep;
  if (!write_all (f->fd, out->str, out->len))
    return -1;
  return (ssize_t) size;
}

static int
filter_close (void *cookie)
{
  OutputFilter *f = cookie;
  g_autoptr(GString) out = g_string_new (NULL);

  escape_append (out, f->pending, f->n_pending, FALSE);
  f->n_pending = 0;
  return write_all (f->fd, out->str, out->len) ? 0 : EOF;
}

/* Replaces stdout and stderr with streams that write through escape_append(). */
static void
install_output_filter (void)
{
  static OutputFilter out_filter = { STDOUT_FILENO }, err_filter = { STDERR_FILENO };
  static const cookie_io_functions_t io = { NULL, filter_write, NULL, filter_close };
  FILE *out, *err;

  json_out = stdout;
  fflush (stdout);
  fflush (stderr);
  out = fopencookie (&out_filter, "w", io);
  err = fopencookie (&err_filter, "w", io);
  if (out == NULL || err == NULL)
    return;
  setvbuf (out, NULL, isatty (STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
  setvbuf (err, NULL, _IONBF, 0);
  stdout = out;
  stderr = err;
}

void
parasol_cli_print_json (ParasolJson *json)
{
  FILE *out = json_out != NULL ? json_out : stdout;

  fflush (stdout);
  fputs (parasol_json_get (json), out);
  fputc ('\n', out);
  fflush (out);
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

/* parasol-cli --help-man TEMPLATE: parasol-cli(1), built by meson (man/meson.build). */
static int
write_man_page (const char *template_path)
{
  g_autofree ParasolCliManCommand *pages = g_new0 (ParasolCliManCommand, G_N_ELEMENTS (commands));
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      char *path = commands[i].name
                     ? g_strdup_printf ("%s %s", commands[i].group, commands[i].name)
                     : g_strdup (commands[i].group);

      g_ptr_array_add (paths, path);
      pages[i].path = path;
      pages[i].run = commands[i].run;
    }
  return parasol_cli_man_write (template_path, pages, G_N_ELEMENTS (commands), common_entries);
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
  install_output_filter ();

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
  if (g_str_equal (argv[1], "--help-man"))
    return write_man_page (argc > 2 ? argv[2] : NULL);

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
