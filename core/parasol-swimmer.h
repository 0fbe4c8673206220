/* parasol-swimmer.h — the swimmer plot: time on treatment per patient, drawn on any cairo_t
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ParasolSwimmerPlot is plain data built from the store: one lane per treated patient (status
 * on or off treatment, with a C1D1), from C1D1 to the end of treatment, or to the data cut
 * ("today") while still on treatment.  The end of treatment is the first discontinuation event;
 * without one, for a patient off treatment, the first progression or death event, else the last
 * recorded dose, cycle or assessment (the lane is then marked "end not recorded").  The lane
 * carries the RECIST 1.1 assessments, the duration of response (first CR or PR to the first PD,
 * progression or death after it, else to the end of the lane), progression, discontinuation with
 * its reason, death, and optionally the cycle delays and dose reductions the schedule engine finds.
 *
 * parasol_swimmer_render() draws the plot with Cairo and PangoCairo on any cairo_t (widget, PNG,
 * SVG, PDF): lanes coloured by arm (Okabe-Ito), grouped by arm and/or sorted by duration, a time
 * axis in weeks or months from C1D1 with gridlines, a legend listing exactly the marks drawn.
 * Coordinates are in layout units (1/96 inch); a caller wanting another resolution scales the
 * context first.  parasol_swimmer_export() writes PNG, SVG or PDF atomically.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "parasol-store.h"

G_BEGIN_DECLS

/* From parasol-protocol.h */
typedef struct _ParasolProtocol ParasolProtocol;

#define PARASOL_SWIMMER_ERROR (parasol_swimmer_error_quark ())

typedef enum {
  PARASOL_SWIMMER_ERROR_INVALID,   /* an option out of range, an unknown arm or format */
  PARASOL_SWIMMER_ERROR_EXISTS,    /* the output file exists and overwriting was not asked for */
  PARASOL_SWIMMER_ERROR_WRITE,     /* the file could not be written */
} ParasolSwimmerError;

GQuark parasol_swimmer_error_quark (void);

typedef enum {
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
  /* lane decorations (not dated marks), listed in the legend too */
  PARASOL_SWIMMER_MARK_ONGOING,
  PARASOL_SWIMMER_MARK_RESPONSE,      /* the duration-of-response segment */
  PARASOL_SWIMMER_MARK_END_UNKNOWN,
  PARASOL_SWIMMER_N_MARKS
} ParasolSwimmerMarkKind;

typedef enum {
  PARASOL_SWIMMER_GROUP_ARM,
  PARASOL_SWIMMER_GROUP_NONE,
} ParasolSwimmerGroup;

typedef enum {
  PARASOL_SWIMMER_SORT_DURATION,      /* longest first */
  PARASOL_SWIMMER_SORT_ID,            /* subject (or screening) number */
} ParasolSwimmerSort;

typedef enum {
  PARASOL_SWIMMER_AXIS_AUTO,          /* weeks up to a year, months beyond */
  PARASOL_SWIMMER_AXIS_WEEKS,
  PARASOL_SWIMMER_AXIS_MONTHS,
} ParasolSwimmerAxis;

typedef enum {
  PARASOL_SWIMMER_FORMAT_PNG,
  PARASOL_SWIMMER_FORMAT_SVG,
  PARASOL_SWIMMER_FORMAT_PDF,
} ParasolSwimmerFormat;

typedef struct {
  ParasolSwimmerMarkKind  kind;
  int                     day;        /* days from C1D1 */
  GDate                   date;
  char                   *detail;     /* reason of a discontinuation, delay, reduction; or NULL */
} ParasolSwimmerMark;

typedef struct {
  gint64      patient_id;
  char       *label;                  /* subject number, else screening number */
  char       *screening_number;
  char       *initials;
  char       *arm;                    /* arm id, or NULL */
  char       *status;
  GDate       c1d1;
  GDate       end;                    /* end of treatment, or the data cut while ongoing */
  int         duration_days;          /* end - C1D1 (>= 0) */
  gboolean    ongoing;
  gboolean    end_recorded;           /* FALSE: off treatment without a recorded end */
  int         response_start;         /* days from C1D1, -1 without a CR/PR */
  int         response_end;
  char       *end_reason;             /* discontinuation reason, or NULL */
  GArray     *marks;                  /* ParasolSwimmerMark, by day */
  gboolean    visible;                /* cleared by parasol_swimmer_plot_filter() */
} ParasolSwimmerLane;

typedef struct _ParasolSwimmerPlot ParasolSwimmerPlot;

typedef struct {
  ParasolSwimmerGroup  group;
  ParasolSwimmerSort   sort;
  ParasolSwimmerAxis   axis;
  gboolean             dose_changes;  /* draw cycle delays and dose reductions */
  const char          *arm;           /* only this arm (id), or NULL */
  GDate                today;         /* the data cut; invalid = today */
} ParasolSwimmerOptions;

void                 parasol_swimmer_options_init (ParasolSwimmerOptions *options);

/* With dose_changes, at most this many lanes (each needs its patient's calendar). */
#define PARASOL_SWIMMER_MAX_DOSE_CHANGE_LANES 3000

/* Builds the plot from @store.  @protocol (nullable) gives arm names, the arm order and, with
 * @options->dose_changes, the regimen the delays and reductions are computed against. */
ParasolSwimmerPlot  *parasol_swimmer_plot_new_from_store (ParasolStore                *store,
                                                          ParasolProtocol             *protocol,
                                                          const ParasolSwimmerOptions *options,
                                                          GError                     **error);
/* An empty plot; add lanes with parasol_swimmer_plot_add_facts() (tests, benchmarks). */
ParasolSwimmerPlot  *parasol_swimmer_plot_new            (ParasolProtocol             *protocol,
                                                          const ParasolSwimmerOptions *options);
/* Adds @facts as a lane when the patient is treated; returns the lane or NULL.  Uses
 * cycles, administrations, responses and events. */
ParasolSwimmerLane  *parasol_swimmer_plot_add_facts      (ParasolSwimmerPlot          *plot,
                                                          const ParasolPatientFacts   *facts);
void                 parasol_swimmer_plot_free           (ParasolSwimmerPlot *plot);

/* Orders the lanes (grouping first); called by the constructors with the options given. */
void                 parasol_swimmer_plot_arrange        (ParasolSwimmerPlot  *plot,
                                                          ParasolSwimmerGroup  group,
                                                          ParasolSwimmerSort   sort);
/* Shows only lanes for which @func returns TRUE (NULL shows all). */
typedef gboolean   (*ParasolSwimmerLaneFunc)             (const ParasolSwimmerLane *lane,
                                                          gpointer                  user_data);
void                 parasol_swimmer_plot_filter         (ParasolSwimmerPlot     *plot,
                                                          ParasolSwimmerLaneFunc  func,
                                                          gpointer                user_data);
/* The visible lanes, in drawing order. */
guint                parasol_swimmer_plot_get_n_lanes    (ParasolSwimmerPlot *plot);
const ParasolSwimmerLane *
                     parasol_swimmer_plot_get_lane       (ParasolSwimmerPlot *plot,
                                                          guint               index);
/* Index of @patient_id among the visible lanes, or -1. */
int                  parasol_swimmer_plot_find_patient   (ParasolSwimmerPlot *plot,
                                                          gint64              patient_id);
/* All lanes, visible or not. */
guint                parasol_swimmer_plot_get_n_treated  (ParasolSwimmerPlot *plot);
const GDate         *parasol_swimmer_plot_get_today      (ParasolSwimmerPlot *plot);
/* Title shown above the plot (the trial id), nullable. */
void                 parasol_swimmer_plot_set_title      (ParasolSwimmerPlot *plot,
                                                          const char         *title);
/* The arm's display name (translated), or its id. */
const char          *parasol_swimmer_plot_arm_name       (ParasolSwimmerPlot *plot,
                                                          const char         *arm);
/* RGB of the arm's colour (Okabe-Ito, in protocol order). */
void                 parasol_swimmer_plot_arm_color      (ParasolSwimmerPlot *plot,
                                                          const char         *arm,
                                                          double              rgb[3]);

/* A translated, multi-line description of a lane: patient, arm, dates, responses, events.  For
 * tooltips and accessible descriptions. */
char                *parasol_swimmer_lane_describe       (ParasolSwimmerPlot       *plot,
                                                          const ParasolSwimmerLane *lane);
const char          *parasol_swimmer_mark_name           (ParasolSwimmerMarkKind kind);

/* Drawing. */
typedef struct {
  ParasolSwimmerAxis axis;
  gboolean    dose_changes;
  double      lane_pitch;     /* layout units per lane; 0 = fit every lane into the height */
  double      scroll;         /* with lane_pitch > 0: layout units scrolled in the lane area */
  guint       first_lane;     /* draw lanes [first_lane, first_lane + n_lanes) ... */
  guint       n_lanes;        /* ... 0 = to the end */
  int         focus_lane;     /* a focus ring around this lane, -1 none */
  const char *page_label;     /* "Page 2 of 5", nullable */
} ParasolSwimmerRenderOptions;

void                 parasol_swimmer_render_options_init (ParasolSwimmerRenderOptions *options);

/* Draws into the rectangle (0, 0, @width, @height) of @cr in layout units.  Only lanes inside
 * the clip are drawn, so a widget can pass its visible area.  An empty plot draws a message. */
void                 parasol_swimmer_render          (ParasolSwimmerPlot                *plot,
                                                      cairo_t                           *cr,
                                                      double                             width,
                                                      double                             height,
                                                      const ParasolSwimmerRenderOptions *options);

typedef struct {
  double x, y, width, height;
} ParasolSwimmerRect;

/* Geometry of the last parasol_swimmer_render() of these sizes and options, for hit tests:
 * the lane area (between legend and axis) and the scrollable height of every lane in it. */
void                 parasol_swimmer_layout_lane_area (ParasolSwimmerPlot                *plot,
                                                       double                             width,
                                                       double                             height,
                                                       const ParasolSwimmerRenderOptions *options,
                                                       ParasolSwimmerRect                *area,
                                                       double                            *content_height);
/* The visible lane index at (@x, @y), or -1. */
int                  parasol_swimmer_lane_at          (ParasolSwimmerPlot                *plot,
                                                       double                             width,
                                                       double                             height,
                                                       const ParasolSwimmerRenderOptions *options,
                                                       double                             x,
                                                       double                             y);
/* Which marks the legend lists: exactly the kinds drawn (none for an empty plot). */
void                 parasol_swimmer_legend_marks     (ParasolSwimmerPlot                *plot,
                                                       double                             width,
                                                       double                             height,
                                                       const ParasolSwimmerRenderOptions *options,
                                                       gboolean                           listed[PARASOL_SWIMMER_N_MARKS]);
/* The x of @day days after C1D1 on the time axis. */
double               parasol_swimmer_day_x            (ParasolSwimmerPlot                *plot,
                                                       double                             width,
                                                       double                             height,
                                                       const ParasolSwimmerRenderOptions *options,
                                                       double                             day);
/* Row rectangle of visible lane @index (in the drawing's coordinates, after scrolling). */
gboolean             parasol_swimmer_lane_rect        (ParasolSwimmerPlot                *plot,
                                                       double                             width,
                                                       double                             height,
                                                       const ParasolSwimmerRenderOptions *options,
                                                       guint                              index,
                                                       ParasolSwimmerRect                *rect);

/* Export.  @width and @height in pixels at @dpi (text is sized for @dpi: 192 draws twice as large
 * as 96); PNG is that many pixels, SVG and PDF that size in points at @dpi.  @height 0 chooses a
 * height that gives every lane room; PDF paginates when the lanes do not fit one page.  Writes
 * a temporary file beside @path (mode 0600) and renames it; refuses an existing @path unless
 * @overwrite. */
gboolean             parasol_swimmer_format_from_path (const char            *path,
                                                       ParasolSwimmerFormat  *format,
                                                       GError               **error);
gboolean             parasol_swimmer_check_size       (int                    width,
                                                       int                    height,
                                                       int                    dpi,
                                                       GError               **error);
gboolean             parasol_swimmer_export           (ParasolSwimmerPlot                *plot,
                                                       const char                        *path,
                                                       ParasolSwimmerFormat               format,
                                                       int                                width,
                                                       int                                height,
                                                       int                                dpi,
                                                       const ParasolSwimmerRenderOptions *options,
                                                       gboolean                           overwrite,
                                                       GError                           **error);
/* The image of @plot on a new ARGB surface (@width x @height pixels at @dpi). */
cairo_surface_t     *parasol_swimmer_render_image     (ParasolSwimmerPlot                *plot,
                                                       int                                width,
                                                       int                                height,
                                                       int                                dpi,
                                                       const ParasolSwimmerRenderOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolSwimmerPlot, parasol_swimmer_plot_free)

G_END_DECLS
