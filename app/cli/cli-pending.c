/* cli-pending.c — TEMPORARY weak fallbacks while cli-protocol.c and cli-dosing.c are written.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#define PENDING(fn) int __attribute__((weak)) fn (int argc, char **argv) { g_printerr ("not yet\n"); return 1; }
PENDING (parasol_cli_protocol_validate)
PENDING (parasol_cli_protocol_show)
PENDING (parasol_cli_lab_add)
PENDING (parasol_cli_lab_import)
PENDING (parasol_cli_attest)
PENDING (parasol_cli_biomarker_add)
PENDING (parasol_cli_screen)
PENDING (parasol_cli_assign)
PENDING (parasol_cli_dose)
PENDING (parasol_cli_schedule)
PENDING (parasol_cli_enrol)
PENDING (parasol_cli_give)
PENDING (parasol_cli_delay)
