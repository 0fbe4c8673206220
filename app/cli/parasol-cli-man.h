/* parasol-cli-man.h — parasol-cli(1) written from the option tables that --help prints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `parasol-cli --help-man TEMPLATE` (hidden; meson runs it at build time, see man/meson.build)
 * copies TEMPLATE to stdout with its line "@COMMANDS@" replaced by one section per command and
 * "@OPTIONS@" by the common options.  Each command's section comes from the GOptionEntry table
 * the command hands to parasol_cli_parse(): the man page cannot drift from --help.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef int (*ParasolCliRun) (int argc, char **argv);

typedef struct {
  const char   *path;      /* "patient add" */
  ParasolCliRun run;
} ParasolCliManCommand;

/* Writes the page; returns the exit status (0, or 1 with a message on stderr). */
int      parasol_cli_man_write    (const char                 *template_path,
                                   const ParasolCliManCommand *commands,
                                   guint                       n_commands,
                                   const GOptionEntry         *common_entries);

/* Called by parasol_cli_parse(): while the page is being written, describes the command being
 * parsed instead and returns TRUE (the command then returns without doing anything). */
gboolean parasol_cli_man_describe (const char         *path,
                                   const GOptionEntry *entries,
                                   const char         *parameter_string,
                                   const char         *summary);

G_END_DECLS
