/* parasol-cli.h — shared plumbing for parasol-cli subcommands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each subcommand is `int cmd (int argc, char **argv)` where argv[0] is the command path
 * ("patient add").  It parses its options with parasol_cli_parse(), which adds the common
 * options (--database, --json, --allow-network-filesystem) and handles --help.  The common
 * options may also come before the command (`parasol-cli --database X screen ID --json`); there
 * `-d` is --database, also for commands whose own -d is --date.
 * Exit status: 0 ok, 1 error, 2 usage.  Usage (2) is what can be judged from the command line
 * alone: an unknown command or option, a missing argument or required option, a value that is
 * not a number or a real YYYY-MM-DD date, or a word outside a fixed set (--sex female|male,
 * met|not_met, --amplified yes|no).  Error (1) is what needs the protocol or the database: an
 * unknown patient, lab, unit, marker, criterion, arm or drug, a value outside its plausible or
 * physiological range, a missing reason, a refused date; the message names what is accepted.
 */
#pragma once

#include <glib.h>
#include <glib/gi18n-lib.h>

#include "parasol-store.h"
#include "parasol-json.h"

G_BEGIN_DECLS

enum {
  PARASOL_CLI_OK    = 0,
  PARASOL_CLI_ERROR = 1,
  PARASOL_CLI_USAGE = 2,
};

typedef struct {
  char     *database;          /* --database PATH, NULL = default */
  gboolean  json;              /* --json */
  gboolean  allow_network_fs;  /* --allow-network-filesystem */
} ParasolCliOptions;

/* The options common to every subcommand, filled by parasol_cli_parse(). */
extern ParasolCliOptions parasol_cli_options;

/* Parses @argv (in place) with @entries plus the common options.  @parameter_string describes
 * positionals ("ID FIELD VALUE"); exactly @n_positional of them are required (-1: any number).
 * Returns PARASOL_CLI_OK, or PARASOL_CLI_USAGE after printing the error.
 * On --help prints help and exits 0. */
int           parasol_cli_parse         (int          *argc,
                                         char       ***argv,
                                         const GOptionEntry *entries,
                                         const char   *parameter_string,
                                         const char   *summary,
                                         int           n_positional);

/* Opens the database chosen by --database (or the default).  With @create, creates it. */
ParasolStore *parasol_cli_open_store    (gboolean      create,
                                         GError      **error);

/* Opens it for reading only: commands that only read never write into the file (not even the
 * schema into an empty one). */
ParasolStore *parasol_cli_open_store_read_only (GError **error);

/* Finds a patient by id, screening number or subject number. */
gint64        parasol_cli_find_patient  (ParasolStore *store,
                                         const char   *key,
                                         GError      **error);

/* Prints "parasol-cli: MESSAGE" to stderr (and {"error": ...} on stdout with --json);
 * returns PARASOL_CLI_ERROR. */
int           parasol_cli_fail          (const GError *error);
/* Prints a usage error; returns PARASOL_CLI_USAGE. */
int           parasol_cli_usage_error   (const char *format,
                                         ...) G_GNUC_PRINTF (1, 2);

/* Parses YYYY-MM-DD strictly (parasol_parse_date()). */
gboolean      parasol_cli_parse_date    (const char   *str,
                                         GDate        *date,
                                         GError      **error);
/* Parses a finite double strictly (parasol_parse_double(): no hex, inf, nan, spaces or
 * trailing text). */
gboolean      parasol_cli_parse_double  (const char   *str,
                                         double       *value,
                                         GError      **error);

/* TRUE when @value is NULL (option not given) or one of the NULL-terminated @choices; otherwise
 * an error naming @option ("--status") and listing the choices. */
gboolean      parasol_cli_check_choice  (const char         *option,
                                         const char         *value,
                                         const char * const *choices,
                                         GError            **error);

/* @text followed by spaces up to @width terminal columns (wide CJK characters take two, an en
 * dash one), for aligned plain-text tables in any language.  A newly allocated string. */
char         *parasol_cli_pad           (const char   *text,
                                         int           width);

/* @text with what a terminal would act on or hide made visible: control characters as \n, \t,
 * \r, \xHH, format characters (zero-width, bidi overrides) as \u{XXXX}, backslashes doubled.
 * For every stored value a plain-text printer shows (everything printed also passes an output
 * filter with the same escaper, newlines kept).  NULL for NULL. */
char         *parasol_cli_escape        (const char   *text);

/* Prints @json (a finished ParasolJson) followed by a newline. */
void          parasol_cli_print_json    (ParasolJson *json);

G_END_DECLS
