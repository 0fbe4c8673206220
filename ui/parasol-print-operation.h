/* parasol-print-operation.h — printing a patient's cycle schedule (GtkPrintOperation)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * begin_print lays the schedule out with core's ParasolPrintout for the paper the user chose
 * (A4 or US Letter) and in the patient's recorded language; draw_page calls
 * parasol_printout_draw_page() on the print context's cairo_t.  The print dialog offers the
 * preview; GTK_PRINT_OPERATION_ACTION_EXPORT with an export file name writes the same pages as a
 * PDF.  Print settings are kept in $XDG_CONFIG_HOME/parasol/print-settings.ini, as
 * gnome-text-editor keeps its own.
 */
#pragma once

#include <gtk/gtk.h>

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_PRINT_OPERATION (parasol_print_operation_get_type ())
G_DECLARE_FINAL_TYPE (ParasolPrintOperation, parasol_print_operation, PARASOL, PRINT_OPERATION,
                      GtkPrintOperation)

/* @language: "zh_CN", "en", or NULL for the patient's recorded language (else the
 * interface's). */
ParasolPrintOperation *parasol_print_operation_new        (ParasolStore    *store,
                                                           ParasolProtocol *protocol,
                                                           gint64           patient_id,
                                                           const char      *language);
/* Why the schedule could not be laid out (no C1D1, missing translation, ...), or NULL. */
const GError          *parasol_print_operation_get_error  (ParasolPrintOperation *self);

G_END_DECLS
