/* parasol-swimmer-private.h — shared by parasol-swimmer.c (lanes, layout) and
 * parasol-swimmer-draw.c (marks, drawing, geometry, export)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "parasol-protocol.h"
#include "parasol-swimmer.h"

G_BEGIN_DECLS

static const double no_arm_rgb[3] = { 0.60, 0.60, 0.60 };

struct _ParasolSwimmerPlot
{
  ParasolProtocol *protocol;
  GPtrArray       *lanes;     /* ParasolSwimmerLane*, all, arranged */
  GPtrArray       *visible;   /* the visible ones, in order (not owned) */
  GPtrArray       *arms;      /* char*: arm ids in colour order */
  GHashTable      *arm_names; /* id -> translated name (borrowed from the protocol) */
  GDate            today;
  char            *arm_filter;
  char            *title;
  ParasolSwimmerGroup group;
  ParasolSwimmerSort  sort;
  gboolean         dose_changes;
};

/* --- Layout ---------------------------------------------------------------------------- */

#define MARGIN 16.0
#define FONT_SIZE 9.0          /* points at 96 dpi: 12 layout units */
#define LINE 15.0              /* one line of FONT_SIZE text */
#define MAX_PITCH 26.0         /* fitting few lanes does not make them fat */
#define MIN_MARK_PITCH 3.0     /* below this, marks would be specks: not drawn, and said so */
#define AXIS_HEIGHT 38.0
#define DAYS_PER_MONTH 30.4375

typedef struct {
  int    lane;                 /* visible lane index, or -1 for an arm's header */
  guint  slot;                 /* colour: index into plot->arms, plot->arms->len for none */
  const char *arm;
  double y, height;            /* in content coordinates (0 = top of the lane area) */
} Row;

typedef struct {
  double width, height;
  guint  first, last;          /* lanes [first, last) */
  GArray *rows;                /* Row */
  double title_h;
  double legend_y, legend_h;
  ParasolSwimmerRect area;     /* lane area on the drawing */
  double content_h;            /* every row's height */
  double pitch;
  double header_h;
  double label_w;
  double x0, x1;               /* day 0 and day max_day */
  int    max_day;
  double unit_days;            /* 7 or 30.4375 */
  double step;                 /* tick step in units */
  double scroll;
  gboolean used[PARASOL_SWIMMER_N_MARKS];
  gboolean marks_hidden;
  guint  label_every;
  GPtrArray *legend_arms;      /* const char* arm ids drawn */
  guint   *arm_counts;
} Layout;

static const ParasolSwimmerMarkKind legend_order[] = {
  PARASOL_SWIMMER_MARK_RESPONSE,
  PARASOL_SWIMMER_MARK_CR,
  PARASOL_SWIMMER_MARK_PR,
  PARASOL_SWIMMER_MARK_SD,
  PARASOL_SWIMMER_MARK_PD,
  PARASOL_SWIMMER_MARK_NE,
  PARASOL_SWIMMER_MARK_PROGRESSION,
  PARASOL_SWIMMER_MARK_DISCONTINUATION,
  PARASOL_SWIMMER_MARK_DEATH,
  PARASOL_SWIMMER_MARK_DELAY,
  PARASOL_SWIMMER_MARK_REDUCTION,
  PARASOL_SWIMMER_MARK_ONGOING,
  PARASOL_SWIMMER_MARK_END_UNKNOWN,
};

#define LEGEND_SWATCH 22.0
#define LEGEND_GAP 18.0

guint swimmer_arm_index (ParasolSwimmerPlot *plot,
                         const char         *arm);

void swimmer_layout_clear (Layout *l);

PangoLayout *swimmer_new_text (cairo_t *cr);

void swimmer_set_font (PangoLayout *text,
                       double       points,
                       PangoWeight  weight);

double swimmer_text_width (PangoLayout *text,
                           const char  *str);

char *swimmer_legend_arm_text (ParasolSwimmerPlot *plot,
                               const char         *arm,
                               guint               count);

void swimmer_compute_layout (ParasolSwimmerPlot                *plot,
                             PangoLayout                       *text,
                             double                             width,
                             double                             height,
                             const ParasolSwimmerRenderOptions *options,
                             Layout                            *l);

double swimmer_day_x (const Layout *l,
                      double        day);

double swimmer_row_top (const Layout *l,
                        const Row    *row);

/* Lays the legend out from @x0 to @x1 starting at @y; draws it when @cr is not NULL.  Returns
 * its height. */
double swimmer_legend_run (ParasolSwimmerPlot *plot,
                           Layout             *l,
                           PangoLayout        *text,
                           cairo_t            *cr,
                           double              y0);

G_END_DECLS
