/* parasol-swimmer-canvas.h — the swimmer plot as a scrollable, keyboard-reachable widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws a ParasolSwimmerPlot with the core renderer (gtk_snapshot_append_cairo, only the visible
 * part) at a fixed lane height, and scrolls it as a GtkScrollable inside a GtkScrolledWindow:
 * title, legend and time axis stay in place while the lanes scroll.  Hovering a lane shows its
 * description; a click or Enter activates it ("lane-activated" with the patient id); Up, Down,
 * Page Up, Page Down, Home and End move the focused lane, whose description becomes the widget's
 * accessible description.
 */
#pragma once

#include <gtk/gtk.h>

#include "parasol-swimmer.h"

G_BEGIN_DECLS

#define PARASOL_TYPE_SWIMMER_CANVAS (parasol_swimmer_canvas_get_type ())
G_DECLARE_FINAL_TYPE (ParasolSwimmerCanvas, parasol_swimmer_canvas, PARASOL, SWIMMER_CANVAS, GtkWidget)

GtkWidget          *parasol_swimmer_canvas_new              (void);
/* Takes @plot (may be NULL); call parasol_swimmer_canvas_plot_changed() after arranging or
 * filtering it. */
void                parasol_swimmer_canvas_set_plot         (ParasolSwimmerCanvas *self,
                                                             ParasolSwimmerPlot   *plot);
ParasolSwimmerPlot *parasol_swimmer_canvas_get_plot         (ParasolSwimmerCanvas *self);
void                parasol_swimmer_canvas_plot_changed     (ParasolSwimmerCanvas *self);
void                parasol_swimmer_canvas_set_dose_changes (ParasolSwimmerCanvas *self,
                                                             gboolean              dose_changes);
/* The focused lane (visible index), -1 none. */
int                 parasol_swimmer_canvas_get_focus_lane   (ParasolSwimmerCanvas *self);
void                parasol_swimmer_canvas_set_focus_lane   (ParasolSwimmerCanvas *self,
                                                             int                   lane);
/* The focused lane's description, as given to assistive technologies; NULL without one. */
const char         *parasol_swimmer_canvas_get_lane_description (ParasolSwimmerCanvas *self);
/* The render options the canvas draws with (lane height, scroll, focus). */
void                parasol_swimmer_canvas_get_render_options (ParasolSwimmerCanvas        *self,
                                                               ParasolSwimmerRenderOptions *options);

G_END_DECLS
