/* parasol-swimmer-draw.c — the swimmer plot's marks, drawing, geometry and export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lanes and the layout are in parasol-swimmer.c; parasol-swimmer-private.h shares them.
 */
#define G_LOG_DOMAIN "parasol-swimmer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "parasol-patient-dosing.h"
#include "parasol-protocol.h"
#include "parasol-store-private.h"
#include "parasol-swimmer.h"
#include "parasol-swimmer-private.h"

/* --- Marks ----------------------------------------------------------------------------- */

typedef enum {
  STYLE_FILLED,    /* black, with a white outline */
  STYLE_HOLLOW,    /* white, with a black outline */
  STYLE_LINE,      /* black strokes */
} MarkStyle;

static MarkStyle
mark_style (ParasolSwimmerMarkKind kind)
{
  switch (kind)
    {
    case PARASOL_SWIMMER_MARK_SD:
    case PARASOL_SWIMMER_MARK_NE:
    case PARASOL_SWIMMER_MARK_PROGRESSION:
    case PARASOL_SWIMMER_MARK_DELAY:
      return STYLE_HOLLOW;
    case PARASOL_SWIMMER_MARK_DISCONTINUATION:
    case PARASOL_SWIMMER_MARK_DEATH:
    case PARASOL_SWIMMER_MARK_END_UNKNOWN:
      return STYLE_LINE;
    default:
      return STYLE_FILLED;
    }
}

/* Appends the shape of @kind centred on (@x, @y), @s across, to the current path. */
static void
mark_path (cairo_t                *cr,
           ParasolSwimmerMarkKind  kind,
           double                  x,
           double                  y,
           double                  s)
{
  double r = s / 2;

  switch (kind)
    {
    case PARASOL_SWIMMER_MARK_CR:
    case PARASOL_SWIMMER_MARK_NE:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, kind == PARASOL_SWIMMER_MARK_NE ? r * 0.8 : r, 0, 2 * G_PI);
      cairo_close_path (cr);
      break;
    case PARASOL_SWIMMER_MARK_PR:
      cairo_move_to (cr, x, y - r * 1.05);
      cairo_line_to (cr, x + r * 1.05, y + r * 0.8);
      cairo_line_to (cr, x - r * 1.05, y + r * 0.8);
      cairo_close_path (cr);
      break;
    case PARASOL_SWIMMER_MARK_SD:
      cairo_rectangle (cr, x - r * 0.8, y - r * 0.8, 1.6 * r, 1.6 * r);
      break;
    case PARASOL_SWIMMER_MARK_PD:
    case PARASOL_SWIMMER_MARK_PROGRESSION:
      cairo_move_to (cr, x, y - r * 1.15);
      cairo_line_to (cr, x + r * 1.0, y);
      cairo_line_to (cr, x, y + r * 1.15);
      cairo_line_to (cr, x - r * 1.0, y);
      cairo_close_path (cr);
      break;
    case PARASOL_SWIMMER_MARK_DELAY:
    case PARASOL_SWIMMER_MARK_REDUCTION:
      /* a small down-pointing triangle above the bar */
      cairo_move_to (cr, x - r * 0.7, y - r * 0.55);
      cairo_line_to (cr, x + r * 0.7, y - r * 0.55);
      cairo_line_to (cr, x, y + r * 0.55);
      cairo_close_path (cr);
      break;
    case PARASOL_SWIMMER_MARK_DISCONTINUATION:
      cairo_move_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x, y + r * 1.2);
      break;
    case PARASOL_SWIMMER_MARK_DEATH:
      /* a Latin cross */
      cairo_move_to (cr, x, y - r * 1.1);
      cairo_line_to (cr, x, y + r * 1.1);
      cairo_move_to (cr, x - r * 0.65, y - r * 0.35);
      cairo_line_to (cr, x + r * 0.65, y - r * 0.35);
      break;
    case PARASOL_SWIMMER_MARK_END_UNKNOWN:
      /* a dotted end */
      for (double d = -r * 1.2; d < r * 1.2; d += MAX (s / 4, 0.5))
        {
          cairo_move_to (cr, x, y + d);
          cairo_line_to (cr, x, y + d + MAX (s / 8, 0.25));
        }
      break;
    case PARASOL_SWIMMER_MARK_ONGOING:
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + s, y);
      cairo_line_to (cr, x, y + r);
      cairo_close_path (cr);
      break;
    case PARASOL_SWIMMER_MARK_RESPONSE:
      cairo_rectangle (cr, x - s, y - s * 0.15, 2 * s, s * 0.3);
      break;
    case PARASOL_SWIMMER_N_MARKS:
    default:
      break;
    }
}

static void
paint_marks (cairo_t                *cr,
             ParasolSwimmerMarkKind  kind,
             double                  s)
{
  double lw = CLAMP (s / 7, 0.4, 1.4);

  switch (mark_style (kind))
    {
    case STYLE_FILLED:
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, lw * 0.8);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_stroke (cr);
      break;
    case STYLE_HOLLOW:
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, lw * 1.2);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_stroke (cr);
      break;
    case STYLE_LINE:
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      cairo_set_line_width (cr, kind == PARASOL_SWIMMER_MARK_END_UNKNOWN ? lw * 1.5 : lw * 2.2);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_stroke (cr);
      break;
    }
}

/* One legend swatch, @s across, centred at (@x, @y). */
static void
legend_swatch (ParasolSwimmerPlot     *plot,
               cairo_t                *cr,
               ParasolSwimmerMarkKind  kind,
               double                  x,
               double                  y,
               double                  s)
{
  double grey[3] = { 0.55, 0.55, 0.55 };

  switch (kind)
    {
    case PARASOL_SWIMMER_MARK_ONGOING:
      cairo_rectangle (cr, x - s, y - s * 0.3, s * 0.8, s * 0.6);
      cairo_set_source_rgb (cr, grey[0], grey[1], grey[2]);
      cairo_fill (cr);
      mark_path (cr, kind, x - s * 0.2, y, s * 0.9);
      cairo_set_source_rgb (cr, grey[0], grey[1], grey[2]);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      cairo_set_line_width (cr, 0.8);
      cairo_stroke (cr);
      break;
    case PARASOL_SWIMMER_MARK_RESPONSE:
    case PARASOL_SWIMMER_MARK_DISCONTINUATION:
    case PARASOL_SWIMMER_MARK_END_UNKNOWN:
      cairo_rectangle (cr, x - s, y - s * 0.3, s * 1.0, s * 0.6);
      cairo_set_source_rgb (cr, grey[0], grey[1], grey[2]);
      cairo_fill (cr);
      if (kind == PARASOL_SWIMMER_MARK_RESPONSE)
        {
          cairo_rectangle (cr, x - s, y - s * 0.3 * 0.45, s * 1.6, s * 0.6 * 0.45);
          cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_fill (cr);
        }
      else
        {
          mark_path (cr, kind, x, y, s * 0.6);
          paint_marks (cr, kind, s * 0.6);
        }
      break;
    default:
      mark_path (cr, kind, x, y, s * 0.62);
      paint_marks (cr, kind, s * 0.62);
    }
}

/* Exactly the marks drawn: when lanes are too thin for marks, only the ongoing tick is. */
static gboolean
legend_lists (const Layout           *l,
              ParasolSwimmerMarkKind  kind)
{
  return l->used[kind] && (!l->marks_hidden || kind == PARASOL_SWIMMER_MARK_ONGOING);
}

double
swimmer_legend_run (ParasolSwimmerPlot *plot,
                    Layout             *l,
                    PangoLayout        *text,
                    cairo_t            *cr,
                    double              y0)
{
  double x = MARGIN, y = y0;
  double x_max = l->width - MARGIN;
  guint n_items = l->legend_arms->len + G_N_ELEMENTS (legend_order);

  swimmer_set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *label = NULL;
      const char *arm = NULL;
      ParasolSwimmerMarkKind kind = PARASOL_SWIMMER_N_MARKS;
      double w;

      if (i < l->legend_arms->len)
        {
          guint ai;

          arm = g_ptr_array_index (l->legend_arms, i);
          ai = swimmer_arm_index (plot, arm);
          label = swimmer_legend_arm_text (plot, arm, l->arm_counts[ai == G_MAXUINT ? plot->arms->len : ai]);
        }
      else
        {
          kind = legend_order[i - l->legend_arms->len];
          if (!legend_lists (l, kind))
            continue;
          label = g_strdup (parasol_swimmer_mark_name (kind));
        }

      w = LEGEND_SWATCH + 6 + swimmer_text_width (text, label);
      if (x > MARGIN && x + w > x_max)
        {
          x = MARGIN;
          y += LINE + 6;
        }
      if (cr != NULL)
        {
          double cy = y + LINE / 2;

          if (arm != NULL)
            {
              double rgb[3];

              parasol_swimmer_plot_arm_color (plot, arm, rgb);
              cairo_rectangle (cr, x, cy - 5, LEGEND_SWATCH - 4, 10);
              cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
              cairo_fill (cr);
            }
          else
            legend_swatch (plot, cr, kind, x + LEGEND_SWATCH / 2, cy, 14);

          cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
          cairo_move_to (cr, x + LEGEND_SWATCH + 2, y);
          pango_layout_set_text (text, label, -1);
          pango_cairo_show_layout (cr, text);
        }
      x += w + LEGEND_GAP;
    }
  return y + LINE - y0 + 4;
}

/* --- Rendering ------------------------------------------------------------------------- */

static void
draw_text (cairo_t     *cr,
           PangoLayout *text,
           const char  *str,
           double       x,
           double       y,
           double       xalign)
{
  int w, h;

  pango_layout_set_text (text, str, -1);
  pango_layout_get_pixel_size (text, &w, &h);
  cairo_move_to (cr, x - xalign * w, y);
  pango_cairo_show_layout (cr, text);
}

static void
draw_empty (ParasolSwimmerPlot *plot,
            cairo_t            *cr,
            PangoLayout        *text,
            double              width,
            double              height)
{
  const char *title, *detail;

  if (plot->lanes->len > 0)
    {
      title = _("No treated patient matches the filter");
      detail = _("Clear the search or the status filter of the patient list to see every lane.");
    }
  else if (plot->arm_filter != NULL)
    {
      title = _("No treated patient in this arm");
      detail = _("A patient gets a lane once on treatment, from cycle 1 day 1.");
    }
  else
    {
      title = _("No treated patients yet");
      detail = _("A patient gets a lane once on treatment, from cycle 1 day 1.");
    }

  pango_layout_set_width (text, (int) (MAX (100, width - 4 * MARGIN) * PANGO_SCALE));
  pango_layout_set_alignment (text, PANGO_ALIGN_CENTER);
  swimmer_set_font (text, 13, PANGO_WEIGHT_BOLD);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
  cairo_move_to (cr, 2 * MARGIN, height / 2 - 2 * LINE);
  pango_layout_set_text (text, title, -1);
  pango_cairo_show_layout (cr, text);
  swimmer_set_font (text, FONT_SIZE + 1, PANGO_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_move_to (cr, 2 * MARGIN, height / 2);
  pango_layout_set_text (text, detail, -1);
  pango_cairo_show_layout (cr, text);
  pango_layout_set_width (text, -1);
  pango_layout_set_alignment (text, PANGO_ALIGN_LEFT);
}

static void
draw_header (ParasolSwimmerPlot                *plot,
             cairo_t                           *cr,
             PangoLayout                       *text,
             const Layout                      *l,
             const ParasolSwimmerRenderOptions *options)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  char today[PARASOL_DATE_BUF_SIZE];
  guint n = l->last - l->first;

  parasol_date_format (&plot->today, today, sizeof today);
  if (plot->title != NULL)
    /* Translators: the swimmer plot's title, "BUTTONS-001: time on treatment" */
    title = g_strdup_printf (_("%s: time on treatment"), plot->title);
  else
    title = g_strdup (_("Time on treatment"));

  if (n == plot->visible->len)
    /* Translators: under the swimmer plot's title, "40 patients · data as of 2026-11-30" */
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u patient · data as of %s",
                                             "%u patients · data as of %s", n), n, today);
  else
    /* Translators: under the swimmer plot's title, "patients 1 to 40 of 120 · data as of ..." */
    subtitle = g_strdup_printf (_("patients %u to %u of %u · data as of %s"), l->first + 1,
                                l->last, plot->visible->len, today);
  if (options->page_label != NULL)
    {
      char *with_page = g_strdup_printf ("%s · %s", subtitle, options->page_label);

      g_free (subtitle);
      subtitle = with_page;
    }

  swimmer_set_font (text, FONT_SIZE + 3, PANGO_WEIGHT_BOLD);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  draw_text (cr, text, title, MARGIN, MARGIN - 2, 0);
  swimmer_set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  draw_text (cr, text, subtitle, MARGIN, MARGIN + LINE + 5, 0);
}

static void
draw_axis (ParasolSwimmerPlot *plot,
           cairo_t            *cr,
           PangoLayout        *text,
           const Layout       *l,
           gboolean            grid)
{
  double top = l->area.y, bottom = l->area.y + l->area.height;
  double units = l->max_day / l->unit_days;

  if (grid)
    {
      cairo_set_line_width (cr, 1);
      cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
      for (double u = 0; u <= units + 1e-6; u += l->step)
        {
          double x = round (swimmer_day_x (l, u * l->unit_days)) + 0.5;

          cairo_move_to (cr, x, top);
          cairo_line_to (cr, x, bottom);
        }
      cairo_stroke (cr);
      return;
    }

  cairo_set_line_width (cr, 1);
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  cairo_move_to (cr, l->x0, round (bottom) + 0.5);
  cairo_line_to (cr, l->x1, round (bottom) + 0.5);
  for (double u = 0; u <= units + 1e-6; u += l->step)
    {
      double x = round (swimmer_day_x (l, u * l->unit_days)) + 0.5;

      cairo_move_to (cr, x, round (bottom) + 0.5);
      cairo_line_to (cr, x, round (bottom) + 5.5);
    }
  cairo_stroke (cr);

  swimmer_set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  for (double u = 0; u <= units + 1e-6; u += l->step)
    {
      char label[32];

      g_snprintf (label, sizeof label, "%g", u);
      draw_text (cr, text, label, swimmer_day_x (l, u * l->unit_days), bottom + 7, 0.5);
    }
  draw_text (cr, text,
             l->unit_days > 7 ? _("Months from cycle 1 day 1") : _("Weeks from cycle 1 day 1"),
             (l->x0 + l->x1) / 2, bottom + 7 + LINE + 2, 0.5);
}

static void
draw_caption (ParasolSwimmerPlot *plot,
              cairo_t            *cr,
              PangoLayout        *text,
              const Layout       *l)
{
  g_autoptr(GString) caption = g_string_new (NULL);
  double y = l->area.y + l->area.height + AXIS_HEIGHT + 2;

  g_string_append (caption, _("Each lane runs from cycle 1 day 1 to the end of treatment "
                              "(discontinuation; else progression or death), or to the data cut "
                              "while on treatment."));
  if (l->used[PARASOL_SWIMMER_MARK_RESPONSE])
    {
      g_string_append_c (caption, ' ');
      g_string_append (caption, _("Duration of response: first CR or PR to PD, progression "
                                  "or death."));
    }
  if (l->marks_hidden)
    {
      g_string_append_c (caption, ' ');
      g_string_append (caption, _("Too many lanes for this size to show assessments and events: "
                                  "export taller, as a PDF (paginated), or filter."));
    }
  if (l->label_every > 1)
    {
      g_string_append_c (caption, ' ');
      g_string_append_printf (caption, _("One lane in %u is labelled."), l->label_every);
    }

  swimmer_set_font (text, FONT_SIZE - 1, PANGO_WEIGHT_NORMAL);
  pango_layout_set_width (text, (int) (MAX (50, l->width - 2 * MARGIN) * PANGO_SCALE));
  pango_layout_set_wrap (text, PANGO_WRAP_WORD);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_move_to (cr, MARGIN, y);
  pango_layout_set_text (text, caption->str, -1);
  pango_cairo_show_layout (cr, text);
  pango_layout_set_width (text, -1);
}

/* Appends every mark of @kind in rows [@first, @last) to the path, @size across. */
static gboolean
add_mark_paths (ParasolSwimmerPlot     *plot,
                const Layout           *l,
                cairo_t                *cr,
                ParasolSwimmerMarkKind  kind,
                double                  size,
                guint                   first,
                guint                   last)
{
  gboolean any = FALSE;

  for (guint i = first; i < last; i++)
    {
      const Row *r = &g_array_index (l->rows, Row, i);
      const ParasolSwimmerLane *lane;
      double cy;

      if (r->lane < 0)
        continue;
      lane = g_ptr_array_index (plot->visible, r->lane);
      cy = swimmer_row_top (l, r) + r->height / 2;
      if (kind == PARASOL_SWIMMER_MARK_DELAY || kind == PARASOL_SWIMMER_MARK_REDUCTION)
        cy = swimmer_row_top (l, r) + r->height * 0.22;
      for (guint k = 0; k < lane->marks->len; k++)
        {
          const ParasolSwimmerMark *m = &g_array_index (lane->marks, ParasolSwimmerMark, k);

          if (m->kind != kind)
            continue;
          mark_path (cr, m->kind, swimmer_day_x (l, m->day), cy, size);
          any = TRUE;
        }
    }
  return any;
}

void
parasol_swimmer_render (ParasolSwimmerPlot                *plot,
                        cairo_t                           *cr,
                        double                             width,
                        double                             height,
                        const ParasolSwimmerRenderOptions *options)
{
  g_autoptr(PangoLayout) text = NULL;
  ParasolSwimmerRenderOptions defaults;
  Layout l;
  double clip_y0, clip_y1, cx0, cx1;
  guint row_first = 0, row_last = 0;
  double bar_frac, ms;

  g_return_if_fail (plot != NULL);
  g_return_if_fail (cr != NULL);

  if (options == NULL)
    {
      parasol_swimmer_render_options_init (&defaults);
      options = &defaults;
    }

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  text = swimmer_new_text (cr);
  swimmer_compute_layout (plot, text, width, height, options, &l);

  if (l.last <= l.first)
    {
      draw_header (plot, cr, text, &l, options);
      draw_empty (plot, cr, text, width, height);
      swimmer_layout_clear (&l);
      cairo_restore (cr);
      return;
    }

  draw_header (plot, cr, text, &l, options);
  swimmer_legend_run (plot, &l, text, cr, l.legend_y);

  /* The lane area */
  cairo_save (cr);
  cairo_rectangle (cr, l.area.x - 4, l.area.y, l.area.width + 8, l.area.height);
  cairo_clip (cr);
  cairo_clip_extents (cr, &cx0, &clip_y0, &cx1, &clip_y1);
  draw_axis (plot, cr, text, &l, TRUE);

  /* Rows inside the clip only (a widget passes its visible part) */
  {
    guint lo = 0, hi = l.rows->len;

    while (lo < hi)
      {
        guint mid = (lo + hi) / 2;
        const Row *r = &g_array_index (l.rows, Row, mid);

        if (swimmer_row_top (&l, r) + r->height < clip_y0)
          lo = mid + 1;
        else
          hi = mid;
      }
    row_first = lo;
    row_last = row_first;
    while (row_last < l.rows->len &&
           swimmer_row_top (&l, &g_array_index (l.rows, Row, row_last)) <= clip_y1)
      row_last++;
  }

  bar_frac = l.pitch >= 6 ? 0.6 : l.pitch >= 2 ? 0.75 : 1.0;
  ms = MIN (l.pitch * 0.72, 12);

  /* Arm headers */
  swimmer_set_font (text, FONT_SIZE, PANGO_WEIGHT_BOLD);
  for (guint i = row_first; i < row_last; i++)
    {
      const Row *r = &g_array_index (l.rows, Row, i);
      double rgb[3];
      guint ai;
      g_autofree char *label = NULL;

      if (r->lane >= 0)
        continue;
      ai = swimmer_arm_index (plot, r->arm);
      parasol_swimmer_plot_arm_color (plot, r->arm, rgb);
      label = swimmer_legend_arm_text (plot, r->arm, l.arm_counts[ai == G_MAXUINT ? plot->arms->len : ai]);
      cairo_set_source_rgb (cr, rgb[0] * 0.6, rgb[1] * 0.6, rgb[2] * 0.6);
      draw_text (cr, text, label, l.area.x, swimmer_row_top (&l, r) + (r->height - LINE) / 2 + 1, 0);
      cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
      cairo_rectangle (cr, l.area.x, swimmer_row_top (&l, r) + r->height - 1, l.area.width, 1);
      cairo_fill (cr);
    }

  /* Bars: one fill per arm colour */
  for (guint a = 0; a <= plot->arms->len; a++)
    {
      gboolean any = FALSE;
      double rgb[3];

      for (guint i = row_first; i < row_last; i++)
        {
          const Row *r = &g_array_index (l.rows, Row, i);
          const ParasolSwimmerLane *lane;
          double top, h;

          if (r->lane < 0 || r->slot != a)
            continue;
          lane = g_ptr_array_index (plot->visible, r->lane);
          h = r->height * bar_frac;
          top = swimmer_row_top (&l, r) + (r->height - h) / 2;
          cairo_rectangle (cr, l.x0, top, MAX (swimmer_day_x (&l, lane->duration_days) - l.x0, 1.5), h);
          if (lane->ongoing && !l.marks_hidden)
            mark_path (cr, PARASOL_SWIMMER_MARK_ONGOING, swimmer_day_x (&l, lane->duration_days),
                       top + h / 2, MIN (h * 1.5, 20));
          any = TRUE;
        }
      if (!any)
        continue;
      if (a < plot->arms->len)
        parasol_swimmer_plot_arm_color (plot, g_ptr_array_index (plot->arms, a), rgb);
      else
        memcpy (rgb, no_arm_rgb, sizeof rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_fill (cr);
    }

  if (l.marks_hidden)
    {
      /* At this density an arrow would be a speck: a dark tick marks the ongoing lanes. */
      for (guint i = row_first; i < row_last; i++)
        {
          const Row *r = &g_array_index (l.rows, Row, i);
          const ParasolSwimmerLane *lane;

          if (r->lane < 0)
            continue;
          lane = g_ptr_array_index (plot->visible, r->lane);
          if (lane->ongoing)
            cairo_rectangle (cr, swimmer_day_x (&l, lane->duration_days), swimmer_row_top (&l, r), 4,
                             MAX (r->height, 0.5));
        }
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_fill (cr);
    }
  else
    {
      /* Arrow outlines */
      for (guint i = row_first; i < row_last; i++)
        {
          const Row *r = &g_array_index (l.rows, Row, i);
          const ParasolSwimmerLane *lane;
          double h;

          if (r->lane < 0)
            continue;
          lane = g_ptr_array_index (plot->visible, r->lane);
          if (!lane->ongoing)
            continue;
          h = r->height * bar_frac;
          mark_path (cr, PARASOL_SWIMMER_MARK_ONGOING, swimmer_day_x (&l, lane->duration_days),
                     swimmer_row_top (&l, r) + r->height / 2, MIN (h * 1.5, 20));
        }
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      cairo_set_line_width (cr, 0.8);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
      cairo_stroke (cr);

      /* Duration of response */
      for (guint i = row_first; i < row_last; i++)
        {
          const Row *r = &g_array_index (l.rows, Row, i);
          const ParasolSwimmerLane *lane;
          double h;

          if (r->lane < 0)
            continue;
          lane = g_ptr_array_index (plot->visible, r->lane);
          if (lane->response_start < 0)
            continue;
          h = MAX (r->height * bar_frac * 0.3, 1);
          cairo_rectangle (cr, swimmer_day_x (&l, lane->response_start), swimmer_row_top (&l, r) + (r->height - h) / 2,
                           MAX (swimmer_day_x (&l, lane->response_end) - swimmer_day_x (&l, lane->response_start), 1), h);
        }
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_fill (cr);

      /* End of treatment not recorded */
      for (guint i = row_first; i < row_last; i++)
        {
          const Row *r = &g_array_index (l.rows, Row, i);
          const ParasolSwimmerLane *lane;

          if (r->lane < 0)
            continue;
          lane = g_ptr_array_index (plot->visible, r->lane);
          if (!lane->end_recorded)
            mark_path (cr, PARASOL_SWIMMER_MARK_END_UNKNOWN, swimmer_day_x (&l, lane->duration_days) + 2,
                       swimmer_row_top (&l, r) + r->height / 2, ms);
        }
      paint_marks (cr, PARASOL_SWIMMER_MARK_END_UNKNOWN, ms);

      /* Marks, one path per kind; later kinds on top.  Outlines are a larger shape filled
       * underneath rather than a stroke: Cairo fills far faster than it strokes. */
      for (int kind = PARASOL_SWIMMER_MARK_REDUCTION; kind >= PARASOL_SWIMMER_MARK_CR; kind--)
        {
          MarkStyle style = mark_style (kind);
          double size = kind >= PARASOL_SWIMMER_MARK_DELAY ? ms * 0.75 : ms;
          double lw = CLAMP (ms / 7, 0.4, 1.4);

          if (!l.used[kind])
            continue;
          if (style == STYLE_LINE)
            {
              if (add_mark_paths (plot, &l, cr, kind, size, row_first, row_last))
                paint_marks (cr, kind, ms);
              continue;
            }
          if (!add_mark_paths (plot, &l, cr, kind,
                               style == STYLE_FILLED ? size + 1.6 * lw : size + 1.2 * lw,
                               row_first, row_last))
            continue;
          if (style == STYLE_FILLED)
            cairo_set_source_rgb (cr, 1, 1, 1);
          else
            cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_fill (cr);
          add_mark_paths (plot, &l, cr, kind,
                          style == STYLE_FILLED ? size : MAX (size - 2.4 * lw, 0.5),
                          row_first, row_last);
          if (style == STYLE_FILLED)
            cairo_set_source_rgb (cr, 0, 0, 0);
          else
            cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_fill (cr);
        }
    }

  /* Labels: every lane when they fit, else every n-th */
  swimmer_set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
  for (guint i = row_first; i < row_last; i++)
    {
      const Row *r = &g_array_index (l.rows, Row, i);
      const ParasolSwimmerLane *lane;

      if (r->lane < 0 || (r->lane - l.first) % l.label_every != 0)
        continue;
      lane = g_ptr_array_index (plot->visible, r->lane);
      draw_text (cr, text, lane->label, l.x0 - 6, swimmer_row_top (&l, r) + r->height / 2 - LINE / 2, 1);
    }

  /* Discontinuation reasons, when a lane has a line to itself */
  if (l.pitch >= LINE)
    {
      swimmer_set_font (text, FONT_SIZE - 1, PANGO_WEIGHT_NORMAL);
      pango_layout_set_ellipsize (text, PANGO_ELLIPSIZE_END);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      for (guint i = row_first; i < row_last; i++)
        {
          const Row *r = &g_array_index (l.rows, Row, i);
          const ParasolSwimmerLane *lane;
          double x = 0, room;

          if (r->lane < 0)
            continue;
          lane = g_ptr_array_index (plot->visible, r->lane);
          if (lane->end_reason == NULL || *lane->end_reason == '\0')
            continue;
          /* right after the end of the lane and the marks at it; up to the next mark */
          x = swimmer_day_x (&l, MAX (lane->duration_days, lane->response_end));
          room = l.area.x + l.area.width;
          for (guint k = 0; k < lane->marks->len; k++)
            {
              double mx = swimmer_day_x (&l, g_array_index (lane->marks, ParasolSwimmerMark, k).day);

              if (mx <= x + ms * 2)
                x = MAX (x, mx);
              else
                room = MIN (room, mx - ms);
            }
          x += ms + 4;
          room -= x + 4;
          if (room < 60)
            continue;
          pango_layout_set_width (text, (int) (room * PANGO_SCALE));
          draw_text (cr, text, lane->end_reason, x, swimmer_row_top (&l, r) + (r->height - LINE) / 2 + 1, 0);
        }
      pango_layout_set_width (text, -1);
      pango_layout_set_ellipsize (text, PANGO_ELLIPSIZE_NONE);
    }

  /* Keyboard focus */
  if (options->focus_lane >= 0)
    for (guint i = row_first; i < row_last; i++)
      {
        const Row *r = &g_array_index (l.rows, Row, i);

        if (r->lane != options->focus_lane)
          continue;
        cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.9);
        cairo_set_line_width (cr, 2);
        cairo_rectangle (cr, l.area.x - 2, swimmer_row_top (&l, r) + 0.5, l.area.width + 4,
                         MAX (r->height - 1, 2));
        cairo_stroke (cr);
      }
  cairo_restore (cr);

  draw_axis (plot, cr, text, &l, FALSE);
  draw_caption (plot, cr, text, &l);

  swimmer_layout_clear (&l);
  cairo_restore (cr);
}

/* --- Geometry for widgets and tests ---------------------------------------------------- */

static void
layout_for (ParasolSwimmerPlot                *plot,
            double                             width,
            double                             height,
            const ParasolSwimmerRenderOptions *options,
            Layout                            *l)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *text = swimmer_new_text (cr);
  ParasolSwimmerRenderOptions defaults;

  if (options == NULL)
    {
      parasol_swimmer_render_options_init (&defaults);
      options = &defaults;
    }
  swimmer_compute_layout (plot, text, width, height, options, l);
  g_object_unref (text);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

void
parasol_swimmer_layout_lane_area (ParasolSwimmerPlot                *plot,
                                  double                             width,
                                  double                             height,
                                  const ParasolSwimmerRenderOptions *options,
                                  ParasolSwimmerRect                *area,
                                  double                            *content_height)
{
  Layout l;

  g_return_if_fail (plot != NULL);

  layout_for (plot, width, height, options, &l);
  if (area != NULL)
    *area = l.area;
  if (content_height != NULL)
    *content_height = l.content_h;
  swimmer_layout_clear (&l);
}

gboolean
parasol_swimmer_lane_rect (ParasolSwimmerPlot                *plot,
                           double                             width,
                           double                             height,
                           const ParasolSwimmerRenderOptions *options,
                           guint                              index,
                           ParasolSwimmerRect                *rect)
{
  Layout l;
  gboolean found = FALSE;

  g_return_val_if_fail (plot != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  layout_for (plot, width, height, options, &l);
  for (guint i = 0; i < l.rows->len; i++)
    {
      const Row *r = &g_array_index (l.rows, Row, i);

      if (r->lane == (int) index)
        {
          rect->x = l.area.x;
          rect->y = swimmer_row_top (&l, r);
          rect->width = l.area.width;
          rect->height = r->height;
          found = TRUE;
          break;
        }
    }
  swimmer_layout_clear (&l);
  return found;
}

void
parasol_swimmer_legend_marks (ParasolSwimmerPlot                *plot,
                              double                             width,
                              double                             height,
                              const ParasolSwimmerRenderOptions *options,
                              gboolean                           listed[PARASOL_SWIMMER_N_MARKS])
{
  Layout l;

  g_return_if_fail (plot != NULL);

  layout_for (plot, width, height, options, &l);
  for (int kind = 0; kind < PARASOL_SWIMMER_N_MARKS; kind++)
    listed[kind] = l.last > l.first && legend_lists (&l, kind);
  swimmer_layout_clear (&l);
}

double
parasol_swimmer_day_x (ParasolSwimmerPlot                *plot,
                       double                             width,
                       double                             height,
                       const ParasolSwimmerRenderOptions *options,
                       double                             day)
{
  Layout l;
  double x;

  g_return_val_if_fail (plot != NULL, 0);

  layout_for (plot, width, height, options, &l);
  x = swimmer_day_x (&l, day);
  swimmer_layout_clear (&l);
  return x;
}

int
parasol_swimmer_lane_at (ParasolSwimmerPlot                *plot,
                         double                             width,
                         double                             height,
                         const ParasolSwimmerRenderOptions *options,
                         double                             x,
                         double                             y)
{
  Layout l;
  int lane = -1;

  g_return_val_if_fail (plot != NULL, -1);

  layout_for (plot, width, height, options, &l);
  if (x >= l.area.x && x < l.area.x + l.area.width && y >= l.area.y &&
      y < l.area.y + l.area.height)
    for (guint i = 0; i < l.rows->len; i++)
      {
        const Row *r = &g_array_index (l.rows, Row, i);
        double top = swimmer_row_top (&l, r);

        if (y >= top && y < top + r->height)
          {
            lane = r->lane;
            break;
          }
      }
  swimmer_layout_clear (&l);
  return lane;
}

/* --- Export ---------------------------------------------------------------------------- */

#define MIN_SIZE 200
#define MAX_SIZE 20000
#define MAX_PNG_PIXELS (64 * 1000 * 1000)
#define NATURAL_PITCH 16.0

gboolean
parasol_swimmer_format_from_path (const char            *path,
                                  ParasolSwimmerFormat  *format,
                                  GError               **error)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    *format = PARASOL_SWIMMER_FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = PARASOL_SWIMMER_FORMAT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = PARASOL_SWIMMER_FORMAT_PDF;
  else
    {
      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID,
                   _("“%s” is not a .png, .svg or .pdf file name: the name chooses the format."),
                   path);
      return FALSE;
    }
  return TRUE;
}

gboolean
parasol_swimmer_check_size (int      width,
                            int      height,
                            int      dpi,
                            GError **error)
{
  if (width < MIN_SIZE || width > MAX_SIZE || (height != 0 && (height < MIN_SIZE || height > MAX_SIZE)))
    {
      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID,
                   _("The size %d × %d is out of range: width and height go from %d to %d pixels."),
                   width, height, MIN_SIZE, MAX_SIZE);
      return FALSE;
    }
  if (dpi < 48 || dpi > 1200)
    {
      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID,
                   _("A resolution of %d dpi is out of range: give 48 to 1200."), dpi);
      return FALSE;
    }
  return TRUE;
}

/* The height (pixels at @dpi) giving every lane NATURAL_PITCH. */
static int
natural_height (ParasolSwimmerPlot                *plot,
                int                                width,
                int                                dpi,
                const ParasolSwimmerRenderOptions *options)
{
  ParasolSwimmerRenderOptions o = *options;
  double scale = dpi / 96.0;
  ParasolSwimmerRect area;
  double content, layout_h;

  o.lane_pitch = NATURAL_PITCH;
  parasol_swimmer_layout_lane_area (plot, width / scale, 10000, &o, &area, &content);
  layout_h = area.y + MAX (content, 6 * LINE) + AXIS_HEIGHT + 3 * LINE + MARGIN;
  return (int) ceil (layout_h * scale);
}

cairo_surface_t *
parasol_swimmer_render_image (ParasolSwimmerPlot                *plot,
                              int                                width,
                              int                                height,
                              int                                dpi,
                              const ParasolSwimmerRenderOptions *options)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double scale = dpi / 96.0;

  g_return_val_if_fail (plot != NULL, NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  parasol_swimmer_render (plot, cr, width / scale, height / scale, options);
  cairo_destroy (cr);
  return surface;
}

static gboolean
check_cairo (cairo_status_t   status,
             const char      *path,
             GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_WRITE,
               _("Could not write “%s”: %s. Check the folder and the free disk space."), path,
               cairo_status_to_string (status));
  return FALSE;
}

static gboolean
write_pages (ParasolSwimmerPlot                *plot,
             const char                        *tmp,
             const char                        *path,
             ParasolSwimmerFormat               format,
             int                                width,
             int                                height,
             int                                dpi,
             const ParasolSwimmerRenderOptions *options,
             GError                           **error)
{
  double scale = dpi / 96.0;
  double lw = width / scale, lh = height / scale;
  cairo_surface_t *surface;
  cairo_status_t status;

  if (format == PARASOL_SWIMMER_FORMAT_PNG)
    {
      surface = parasol_swimmer_render_image (plot, width, height, dpi, options);
      status = cairo_surface_status (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png (surface, tmp);
      cairo_surface_destroy (surface);
      return check_cairo (status, path, error);
    }

  /* Points: @width pixels at @dpi */
  if (format == PARASOL_SWIMMER_FORMAT_SVG)
    surface = cairo_svg_surface_create (tmp, width * 72.0 / dpi, height * 72.0 / dpi);
  else
    {
      surface = cairo_pdf_surface_create (tmp, width * 72.0 / dpi, height * 72.0 / dpi);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                      _("Swimmer plot"));
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Parasol");
    }

  {
    cairo_t *cr = cairo_create (surface);
    guint n = parasol_swimmer_plot_get_n_lanes (plot);
    guint per_page = n;
    guint n_pages = 1;

    cairo_scale (cr, 72.0 / 96.0, 72.0 / 96.0);
    if (format == PARASOL_SWIMMER_FORMAT_PDF && n > 0)
      {
        ParasolSwimmerRenderOptions o = *options;
        ParasolSwimmerRect area;
        guint n_groups = plot->group == PARASOL_SWIMMER_GROUP_ARM ? MAX (plot->arms->len, 1) : 0;

        o.lane_pitch = NATURAL_PITCH;
        parasol_swimmer_layout_lane_area (plot, lw, lh, &o, &area, NULL);
        /* leave room for a header per arm, and for a legend one line taller than page 1's */
        per_page = (guint) MAX (5, floor ((area.height - LINE - 6 -
                                           n_groups * (LINE + 8)) / NATURAL_PITCH));
        n_pages = (n + per_page - 1) / per_page;
      }

    for (guint page = 0; page < n_pages; page++)
      {
        ParasolSwimmerRenderOptions o = *options;
        g_autofree char *label = NULL;

        if (n_pages > 1)
          {
            /* Translators: on each page of an exported swimmer plot */
            label = g_strdup_printf (_("page %u of %u"), page + 1, n_pages);
            o.first_lane = page * per_page;
            o.n_lanes = per_page;
            o.page_label = label;
          }
        parasol_swimmer_render (plot, cr, lw, lh, &o);
        cairo_show_page (cr);
      }
    cairo_destroy (cr);
  }
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return check_cairo (status, path, error);
}

gboolean
parasol_swimmer_export (ParasolSwimmerPlot                *plot,
                        const char                        *path,
                        ParasolSwimmerFormat               format,
                        int                                width,
                        int                                height,
                        int                                dpi,
                        const ParasolSwimmerRenderOptions *options,
                        gboolean                           overwrite,
                        GError                           **error)
{
  ParasolSwimmerRenderOptions defaults;
  g_autofree char *tmp = NULL;
  int fd;

  g_return_val_if_fail (plot != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (options == NULL)
    {
      parasol_swimmer_render_options_init (&defaults);
      options = &defaults;
    }
  if (!parasol_swimmer_check_size (width, height, dpi, error))
    return FALSE;

  if (height == 0)
    {
      height = natural_height (plot, width, dpi, options);
      if (format == PARASOL_SWIMMER_FORMAT_PDF)
        /* one landscape page of 16:10, paginated */
        height = MIN (height, (int) ceil (width * 0.625));
      height = CLAMP (height, MIN_SIZE, MAX_SIZE);
    }
  if (format == PARASOL_SWIMMER_FORMAT_PNG && (gint64) width * height > MAX_PNG_PIXELS)
    {
      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID,
                   _("A %d × %d PNG would take too much memory (at most %d million pixels): "
                     "make it smaller or export a PDF, which paginates."),
                   width, height, MAX_PNG_PIXELS / 1000000);
      return FALSE;
    }

  if (!overwrite && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_EXISTS,
                   _("“%s” already exists; choose another name or allow overwriting it."), path);
      return FALSE;
    }

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_WRITE,
                   _("Could not create a file beside “%s”: %s. Check that the folder exists "
                     "and can be written."), path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);

  if (!write_pages (plot, tmp, path, format, width, height, dpi, options, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  {
    /* cairo recreates the file: keep it private */
    int errsv = 0;

    if (g_chmod (tmp, 0600) != 0)
      errsv = errno;
    if (errsv == 0 && !overwrite)
      {
        /* link() refuses an existing name, so a file created meanwhile is not replaced */
        if (link (tmp, path) != 0)
          errsv = errno;
        g_unlink (tmp);
        if (errsv == EEXIST)
          {
            g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_EXISTS,
                         _("“%s” already exists; choose another name or allow overwriting it."),
                         path);
            return FALSE;
          }
        if (errsv == EPERM || errsv == ENOSYS || errsv == EOPNOTSUPP)
          {
            /* a filesystem without hard links: write again and rename */
            if (!write_pages (plot, tmp, path, format, width, height, dpi, options, error))
              {
                g_unlink (tmp);
                return FALSE;
              }
            errsv = g_chmod (tmp, 0600) == 0 && g_rename (tmp, path) == 0 ? 0 : errno;
          }
      }
    else if (errsv == 0 && g_rename (tmp, path) != 0)
      errsv = errno;

    if (errsv != 0)
      {
        g_unlink (tmp);
        g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_WRITE,
                     _("Could not write “%s”: %s."), path, g_strerror (errsv));
        return FALSE;
      }
  }
  return TRUE;
}
