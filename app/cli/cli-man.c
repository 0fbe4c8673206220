/* cli-man.c — parasol-cli(1), written from the option tables that --help prints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "parasol-cli-man.h"

/* Set while the page is written: parasol_cli_parse() then describes instead of parsing. */
static GString *man_section;
static gboolean man_described;

/* Text for troff: a backslash is \e, a hyphen \- (so options copy and paste as ASCII), any
 * other character outside ASCII \[uXXXX] (groff and mandoc read that whatever the locale), and
 * a line never starts with a control character. */
static void
append_escaped (GString    *out,
                const char *text)
{
  if (text == NULL)
    return;
  if (text[0] == '.' || text[0] == '\'')
    g_string_append (out, "\\&");
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\\')
        g_string_append (out, "\\e");
      else if (c == '-')
        g_string_append (out, "\\-");
      else if (c == '\n')
        g_string_append (out, "\n.br\n");
      else if (c >= 0x80)
        g_string_append_printf (out, "\\[u%04X]", c);
      else
        g_string_append_c (out, (char) c);
    }
}

static void
append_entries (GString            *out,
                const GOptionEntry *entries)
{
  for (const GOptionEntry *e = entries; e != NULL && e->long_name != NULL; e++)
    {
      if (e->flags & G_OPTION_FLAG_HIDDEN)
        continue;
      if (e->long_name[0] == '\0')
        continue;  /* G_OPTION_REMAINING: the positionals, already in the synopsis */

      g_string_append (out, ".TP\n");
      if (e->short_name != 0)
        g_string_append_printf (out, "\\fB\\-%c\\fR, ", e->short_name);
      g_string_append (out, "\\fB\\-\\-");
      append_escaped (out, e->long_name);
      g_string_append (out, "\\fR");
      if (e->arg != G_OPTION_ARG_NONE && !(e->flags & G_OPTION_FLAG_NO_ARG))
        {
          g_string_append (out, "=\\fI");
          append_escaped (out, e->arg_description != NULL ? e->arg_description : "VALUE");
          g_string_append (out, "\\fR");
        }
      g_string_append_c (out, '\n');
      append_escaped (out, e->description);
      g_string_append_c (out, '\n');
    }
}

gboolean
parasol_cli_man_describe (const char         *path,
                          const GOptionEntry *entries,
                          const char         *parameter_string,
                          const char         *summary)
{
  if (man_section == NULL)
    return FALSE;

  g_string_append (man_section, ".SS \"");
  append_escaped (man_section, path);
  g_string_append (man_section, "\"\n.B parasol\\-cli ");
  append_escaped (man_section, path);
  g_string_append (man_section, "\n[\\fIOPTION\\fR...]");
  if (parameter_string != NULL)
    {
      g_string_append (man_section, " \\fI");
      append_escaped (man_section, parameter_string);
      g_string_append (man_section, "\\fR");
    }
  g_string_append (man_section, "\n.PP\n");
  append_escaped (man_section, summary);
  g_string_append_c (man_section, '\n');
  append_entries (man_section, entries);

  man_described = TRUE;
  return TRUE;
}

static gboolean
write_commands (GString                    *out,
                const ParasolCliManCommand *commands,
                guint                       n_commands)
{
  for (guint i = 0; i < n_commands; i++)
    {
      g_autofree char *path = g_strdup (commands[i].path);
      char *argv[] = { path, NULL };
      g_autoptr(GString) section = g_string_new (NULL);

      man_section = section;
      man_described = FALSE;
      commands[i].run (1, argv);
      man_section = NULL;

      /* A command must parse its options with parasol_cli_parse() before doing anything:
       * otherwise neither --help nor this page can describe it. */
      if (!man_described)
        {
          g_printerr ("parasol-cli --help-man: “%s” did not call parasol_cli_parse()\n",
                      commands[i].path);
          return FALSE;
        }
      g_string_append (out, section->str);
    }
  return TRUE;
}

int
parasol_cli_man_write (const char                 *template_path,
                       const ParasolCliManCommand *commands,
                       guint                       n_commands,
                       const GOptionEntry         *common_entries)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (template_path == NULL)
    {
      g_printerr ("Usage: parasol-cli --help-man TEMPLATE\n");
      return 2;
    }
  if (!g_file_get_contents (template_path, &contents, NULL, &error))
    {
      g_printerr ("parasol-cli --help-man: %s\n", error->message);
      return 1;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i + 1] == NULL && lines[i][0] == '\0')
        break;  /* the final newline */
      if (g_str_equal (lines[i], "@COMMANDS@"))
        {
          if (!write_commands (out, commands, n_commands))
            return 1;
        }
      else if (g_str_equal (lines[i], "@OPTIONS@"))
        append_entries (out, common_entries);
      else
        {
          g_auto(GStrv) parts = g_strsplit (lines[i], "@VERSION@", -1);
          g_autofree char *line = g_strjoinv (PACKAGE_VERSION, parts);

          g_string_append (out, line);
          g_string_append_c (out, '\n');
        }
    }

  fwrite (out->str, 1, out->len, stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}
