/* parasol-swimmer-view.h — the swimmer plot page of the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A toolbar (group by arm, order, delays and reductions, the count, Export…) over a
 * ParasolSwimmerCanvas.  The plot is rebuilt from the store when it changes, and shows the
 * treated patients of "filter-model" (the patient list's filtered rows: same search text and
 * status filter).  Export goes through GtkFileChooserNative (the portal in a sandbox) to PNG,
 * SVG or PDF with the core renderer.  "patient-activated" asks the window to open a patient.
 */
#pragma once

#include <adwaita.h>

#include "parasol-store.h"
#include "parasol-swimmer-canvas.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_SWIMMER_VIEW (parasol_swimmer_view_get_type ())
G_DECLARE_FINAL_TYPE (ParasolSwimmerView, parasol_swimmer_view, PARASOL, SWIMMER_VIEW, GtkWidget)

GtkWidget            *parasol_swimmer_view_new              (void);
void                  parasol_swimmer_view_set_store        (ParasolSwimmerView *self,
                                                             ParasolStore       *store,
                                                             ParasolProtocol    *protocol);
/* A GListModel of ParasolPatient: only their lanes are shown.  NULL shows every lane. */
void                  parasol_swimmer_view_set_filter_model (ParasolSwimmerView *self,
                                                             GListModel         *model);
ParasolSwimmerCanvas *parasol_swimmer_view_get_canvas       (ParasolSwimmerView *self);
/* Rebuilds and refilters now instead of on the next idle (tests). */
void                  parasol_swimmer_view_flush            (ParasolSwimmerView *self);
/* Writes the plot as shown (arrangement, filter) to @path; the format from its name. */
gboolean              parasol_swimmer_view_export           (ParasolSwimmerView *self,
                                                             const char         *path,
                                                             GError            **error);

G_END_DECLS
