/* cli-swimmer.c — parasol-cli swimmer: the swimmer plot as PNG, SVG or PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All drawing is core's (parasol-swimmer.c); this file parses options and reports.
 */
#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <stdio.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-protocol.h"
#include "parasol-swimmer.h"

static const char *const format_names[] = { "png", "svg", "pdf" };

int
parasol_cli_swimmer (int    argc,
                     char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *group_by = NULL;
  g_autofree char *sort = NULL;
  g_autofree char *arm = NULL;
  int width = 1600, height = 0, dpi = 96;
  gboolean force = FALSE, dose_changes = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write the plot to FILE: .png, .svg or .pdf"), N_("FILE") },
    { "group-by", 0, 0, G_OPTION_ARG_STRING, &group_by,
      N_("Group the lanes by arm (default) or not: arm|none"), N_("arm|none") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort,
      N_("Order the lanes by time on treatment (default) or by number: duration|id"),
      N_("duration|id") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width,
      N_("Width in pixels (default 1600)"), N_("PX") },
    { "height", 0, 0, G_OPTION_ARG_INT, &height,
      N_("Height in pixels (default: room for every lane; a PDF is paginated)"), N_("PX") },
    { "dpi", 0, 0, G_OPTION_ARG_INT, &dpi,
      N_("Resolution the text is sized for (default 96)"), N_("N") },
    { "arm", 0, 0, G_OPTION_ARG_STRING, &arm,
      N_("Only the patients of this arm (protocol arm id)"), N_("ARM") },
    { "dose-changes", 0, 0, G_OPTION_ARG_NONE, &dose_changes,
      N_("Also mark cycle delays and reduced doses"), NULL },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolSwimmerPlot) plot = NULL;
  ParasolSwimmerOptions options;
  ParasolSwimmerRenderOptions render;
  ParasolSwimmerFormat format;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Draw the swimmer plot of the treated patients: one lane per "
                                 "patient from cycle 1 day 1, responses, progression, "
                                 "discontinuation and death, an arrow while on treatment."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  if (out == NULL)
    return parasol_cli_usage_error (_("--out FILE is required (FILE.png, FILE.svg or FILE.pdf)"));
  if (!parasol_swimmer_format_from_path (out, &format, &error))
    return parasol_cli_usage_error ("%s", error->message);

  parasol_swimmer_options_init (&options);
  if (group_by == NULL || g_strcmp0 (group_by, "arm") == 0)
    options.group = PARASOL_SWIMMER_GROUP_ARM;
  else if (g_strcmp0 (group_by, "none") == 0)
    options.group = PARASOL_SWIMMER_GROUP_NONE;
  else
    return parasol_cli_usage_error (_("--group-by takes arm or none, not “%s”"), group_by);
  if (sort == NULL || g_strcmp0 (sort, "duration") == 0)
    options.sort = PARASOL_SWIMMER_SORT_DURATION;
  else if (g_strcmp0 (sort, "id") == 0)
    options.sort = PARASOL_SWIMMER_SORT_ID;
  else
    return parasol_cli_usage_error (_("--sort takes duration or id, not “%s”"), sort);
  options.arm = arm;
  options.dose_changes = dose_changes;

  if (!parasol_swimmer_check_size (width, height, dpi, &error))
    return parasol_cli_fail (error);

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  if (parasol_store_has_trial (store))
    {
      protocol = parasol_protocol_new_for_store (store, &error);
      if (protocol == NULL)
        return parasol_cli_fail (error);
    }

  plot = parasol_swimmer_plot_new_from_store (store, protocol, &options, &error);
  if (plot == NULL)
    return parasol_cli_fail (error);

  parasol_swimmer_render_options_init (&render);
  render.dose_changes = dose_changes;
  if (!parasol_swimmer_export (plot, out, format, width, height, dpi, &render, force, &error))
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "out", out);
      parasol_json_member_string (json, "format", format_names[format]);
      parasol_json_member_int (json, "patients", parasol_swimmer_plot_get_n_lanes (plot));
      parasol_json_member_int (json, "width", width);
      parasol_json_member_int (json, "dpi", dpi);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "Wrote the swimmer plot of %u patient to %s.\n",
                         "Wrote the swimmer plot of %u patients to %s.\n",
                         parasol_swimmer_plot_get_n_lanes (plot)),
            parasol_swimmer_plot_get_n_lanes (plot), out);
  return PARASOL_CLI_OK;
}
