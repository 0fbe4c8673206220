/* test-swimmer.c — the swimmer plot: model, pixels of the Cairo renderer, export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <string.h>
#include <sys/stat.h>

#include "cli-helpers.h"
#include "parasol-protocol.h"
#include "parasol-swimmer.h"

#define W 1600
#define H 1000

static void
set_date (GDate      *date,
          const char *iso)
{
  g_assert_true (parasol_date_parse_iso (iso, date));
}

static ParasolPatientFacts *
make_facts (gint64      id,
            const char *subject,
            const char *arm,
            const char *status,
            const char *c1d1)
{
  ParasolPatientFacts *f = parasol_patient_facts_new ();

  f->id = id;
  f->subject_number = g_strdup (subject);
  f->screening_number = g_strdup_printf ("S-%04" G_GINT64_FORMAT, id);
  f->arm = g_strdup (arm);
  f->status = g_strdup (status);
  set_date (&f->c1d1, c1d1);
  return f;
}

static void
add_response (ParasolPatientFacts *f,
              const char          *iso,
              const char          *response)
{
  ParasolResponse *r = parasol_response_new ();

  set_date (&r->date, iso);
  r->response = g_strdup (response);
  g_ptr_array_add (f->responses, r);
}

static void
add_event (ParasolPatientFacts *f,
           const char          *iso,
           const char          *kind,
           const char          *reason)
{
  ParasolEvent *e = parasol_event_new ();

  set_date (&e->date, iso);
  e->kind = g_strdup (kind);
  e->reason = g_strdup (reason);
  g_ptr_array_add (f->events, e);
}

static ParasolProtocol *
default_protocol (void)
{
  g_autoptr(GError) error = NULL;
  ParasolProtocol *protocol = parasol_protocol_new_default (&error);

  g_assert_no_error (error);
  return protocol;
}

/* Two lanes: BT-0001 on the DLL3 arm, still on treatment; BT-0002 on control, PD on day 91 and
 * discontinued on day 95.  Data cut 2026-06-01. */
static ParasolSwimmerPlot *
two_lane_plot (void)
{
  g_autoptr(ParasolProtocol) protocol = default_protocol ();
  g_autoptr(ParasolPatientFacts) a = make_facts (1, "BT-0001", "dll3", "on_treatment", "2026-01-05");
  g_autoptr(ParasolPatientFacts) b = make_facts (2, "BT-0002", "control", "off_treatment", "2026-01-05");
  ParasolSwimmerOptions options;
  ParasolSwimmerPlot *plot;

  parasol_swimmer_options_init (&options);
  options.group = PARASOL_SWIMMER_GROUP_NONE;
  options.sort = PARASOL_SWIMMER_SORT_ID;
  set_date (&options.today, "2026-06-01");

  add_response (a, "2026-02-16", "PR");
  add_response (b, "2026-04-06", "PD");          /* day 91 */
  add_event (b, "2026-04-10", "discontinuation", "Progressive disease");

  plot = parasol_swimmer_plot_new (protocol, &options);
  g_assert_nonnull (parasol_swimmer_plot_add_facts (plot, a));
  g_assert_nonnull (parasol_swimmer_plot_add_facts (plot, b));
  parasol_swimmer_plot_arrange (plot, options.group, options.sort);
  return plot;
}

static void
pixel (cairo_surface_t *surface,
       int              x,
       int              y,
       guint8           rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 argb;

  cairo_surface_flush (surface);
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  memcpy (&argb, data + y * stride + x * 4, 4);
  rgb[0] = (argb >> 16) & 0xff;
  rgb[1] = (argb >> 8) & 0xff;
  rgb[2] = argb & 0xff;
}

static gboolean
near_rgb (const guint8 rgb[3],
          int          r,
          int          g,
          int          b)
{
  return ABS (rgb[0] - r) <= 6 && ABS (rgb[1] - g) <= 6 && ABS (rgb[2] - b) <= 6;
}

static gboolean
is_white (const guint8 rgb[3])
{
  return rgb[0] > 245 && rgb[1] > 245 && rgb[2] > 245;
}

static gboolean
is_black (const guint8 rgb[3])
{
  return rgb[0] < 40 && rgb[1] < 40 && rgb[2] < 40;
}

static void
test_model (void)
{
  g_autoptr(ParasolSwimmerPlot) plot = two_lane_plot ();
  const ParasolSwimmerLane *a, *b;
  g_autofree char *described = NULL;

  g_assert_cmpuint (parasol_swimmer_plot_get_n_lanes (plot), ==, 2);
  a = parasol_swimmer_plot_get_lane (plot, 0);
  b = parasol_swimmer_plot_get_lane (plot, 1);
  g_assert_cmpstr (a->label, ==, "BT-0001");
  g_assert_true (a->ongoing);
  g_assert_cmpint (a->duration_days, ==, 147);         /* to the data cut */
  g_assert_cmpint (a->response_start, ==, 42);
  g_assert_cmpint (a->response_end, ==, 147);          /* still responding */
  g_assert_false (b->ongoing);
  g_assert_true (b->end_recorded);
  g_assert_cmpint (b->duration_days, ==, 95);          /* the discontinuation */
  g_assert_cmpstr (b->end_reason, ==, "Progressive disease");
  g_assert_cmpint (b->response_start, ==, -1);

  described = parasol_swimmer_lane_describe (plot, b);
  cli_assert_contains (described, "BT-0002");
  cli_assert_contains (described, "2026-04-06");
  cli_assert_contains (described, "Progressive disease");
  cli_assert_contains (described, "Control arm");

  /* By duration: the longer lane first; grouped by arm: DLL3 (first in the protocol) first */
  parasol_swimmer_plot_arrange (plot, PARASOL_SWIMMER_GROUP_NONE, PARASOL_SWIMMER_SORT_DURATION);
  g_assert_cmpstr (parasol_swimmer_plot_get_lane (plot, 0)->label, ==, "BT-0001");
  parasol_swimmer_plot_arrange (plot, PARASOL_SWIMMER_GROUP_ARM, PARASOL_SWIMMER_SORT_ID);
  g_assert_cmpstr (parasol_swimmer_plot_get_lane (plot, 0)->arm, ==, "dll3");
}

static gboolean
only_bt2 (const ParasolSwimmerLane *lane,
          gpointer                  user_data)
{
  return g_strcmp0 (lane->label, "BT-0002") == 0;
}

static void
test_filter_and_hit (void)
{
  g_autoptr(ParasolSwimmerPlot) plot = two_lane_plot ();
  ParasolSwimmerRect rect;
  int index;

  g_assert_true (parasol_swimmer_lane_rect (plot, W, H, NULL, 1, &rect));
  index = parasol_swimmer_lane_at (plot, W, H, NULL, rect.x + rect.width / 2,
                                   rect.y + rect.height / 2);
  g_assert_cmpint (index, ==, 1);
  g_assert_cmpint (parasol_swimmer_lane_at (plot, W, H, NULL, 5, 5), ==, -1);

  parasol_swimmer_plot_filter (plot, only_bt2, NULL);
  g_assert_cmpuint (parasol_swimmer_plot_get_n_lanes (plot), ==, 1);
  g_assert_cmpuint (parasol_swimmer_plot_get_n_treated (plot), ==, 2);
  g_assert_cmpint (parasol_swimmer_plot_find_patient (plot, 2), ==, 0);
  g_assert_cmpint (parasol_swimmer_plot_find_patient (plot, 1), ==, -1);
  parasol_swimmer_plot_filter (plot, NULL, NULL);
  g_assert_cmpuint (parasol_swimmer_plot_get_n_lanes (plot), ==, 2);
}

static void
test_pixels (void)
{
  g_autoptr(ParasolSwimmerPlot) plot = two_lane_plot ();
  cairo_surface_t *surface = parasol_swimmer_render_image (plot, W, H, 96, NULL);
  ParasolSwimmerRect ra, rb;
  const ParasolSwimmerLane *a = parasol_swimmer_plot_get_lane (plot, 0);
  const ParasolSwimmerLane *b = parasol_swimmer_plot_get_lane (plot, 1);
  double a_end, b_end, pd_x, pd_other_x;
  int ya, yb;
  guint8 rgb[3];

  g_assert_true (parasol_swimmer_lane_rect (plot, W, H, NULL, 0, &ra));
  g_assert_true (parasol_swimmer_lane_rect (plot, W, H, NULL, 1, &rb));
  ya = (int) (ra.y + ra.height / 2);
  yb = (int) (rb.y + rb.height / 2);

  /* The DLL3 lane is Okabe-Ito blue (#0072B2) a few days in, between the marks; the control
   * lane reddish purple (#CC79A7). */
  pixel (surface, (int) parasol_swimmer_day_x (plot, W, H, NULL, 10), ya - 3, rgb);
  g_assert_true (near_rgb (rgb, 0x00, 0x72, 0xB2));
  pixel (surface, (int) parasol_swimmer_day_x (plot, W, H, NULL, 10), yb, rgb);
  g_assert_true (near_rgb (rgb, 0xCC, 0x79, 0xA7));

  /* The ongoing lane ends in an arrow past its end; the finished one in white space. */
  a_end = parasol_swimmer_day_x (plot, W, H, NULL, a->duration_days);
  b_end = parasol_swimmer_day_x (plot, W, H, NULL, b->duration_days);
  pixel (surface, (int) a_end + 4, ya, rgb);
  g_assert_false (is_white (rgb));
  g_assert_true (near_rgb (rgb, 0x00, 0x72, 0xB2) || is_black (rgb));
  pixel (surface, (int) b_end + 6, yb, rgb);
  g_assert_true (is_white (rgb));
  /* ... and above its arrow's tip row, the bar is gone: the arrow is wider than the bar */
  pixel (surface, (int) a_end + 2, (int) (ra.y + ra.height * 0.15), rgb);
  g_assert_false (is_white (rgb));
  pixel (surface, (int) b_end - 4, (int) (rb.y + rb.height * 0.15), rgb);
  g_assert_true (is_white (rgb));

  /* The PD mark (a black diamond) sits at day 91, and nowhere else on the lane */
  pd_x = parasol_swimmer_day_x (plot, W, H, NULL, 91);
  pixel (surface, (int) pd_x, yb, rgb);
  g_assert_true (is_black (rgb));
  pd_other_x = parasol_swimmer_day_x (plot, W, H, NULL, 70);
  pixel (surface, (int) pd_other_x, yb, rgb);
  g_assert_true (near_rgb (rgb, 0xCC, 0x79, 0xA7));
  /* one day is more than a pixel at this scale: the mark is not a day early */
  g_assert_cmpfloat (parasol_swimmer_day_x (plot, W, H, NULL, 85), <, pd_x - 6);
  pixel (surface, (int) parasol_swimmer_day_x (plot, W, H, NULL, 84), yb, rgb);
  g_assert_false (is_black (rgb));

  cairo_surface_destroy (surface);
}

static void
test_legend (void)
{
  g_autoptr(ParasolSwimmerPlot) plot = two_lane_plot ();
  g_autoptr(ParasolSwimmerPlot) dense = NULL;
  gboolean listed[PARASOL_SWIMMER_N_MARKS];

  /* BT-0001: PR, ongoing, responding; BT-0002: PD, discontinued */
  parasol_swimmer_legend_marks (plot, W, H, NULL, listed);
  g_assert_true (listed[PARASOL_SWIMMER_MARK_PR]);
  g_assert_true (listed[PARASOL_SWIMMER_MARK_PD]);
  g_assert_true (listed[PARASOL_SWIMMER_MARK_DISCONTINUATION]);
  g_assert_true (listed[PARASOL_SWIMMER_MARK_ONGOING]);
  g_assert_true (listed[PARASOL_SWIMMER_MARK_RESPONSE]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_CR]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_SD]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_NE]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_DEATH]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_PROGRESSION]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_DELAY]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_END_UNKNOWN]);

  /* Only BT-0002 shown: no arrow, no response segment in the legend */
  parasol_swimmer_plot_filter (plot, only_bt2, NULL);
  parasol_swimmer_legend_marks (plot, W, H, NULL, listed);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_ONGOING]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_RESPONSE]);
  g_assert_false (listed[PARASOL_SWIMMER_MARK_PR]);
  g_assert_true (listed[PARASOL_SWIMMER_MARK_PD]);
}

static guint
count_dark (cairo_surface_t *surface,
            int              y0,
            int              y1)
{
  guint n = 0;

  for (int y = y0; y < y1; y += 2)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x += 2)
      {
        guint8 rgb[3];

        pixel (surface, x, y, rgb);
        if (rgb[0] < 128)
          n++;
      }
  return n;
}

static void
test_empty (void)
{
  g_autoptr(ParasolProtocol) protocol = default_protocol ();
  g_autoptr(ParasolSwimmerPlot) plot = parasol_swimmer_plot_new (protocol, NULL);
  g_autoptr(ParasolPatientFacts) screening = make_facts (3, NULL, NULL, "screening", "2026-01-05");
  cairo_surface_t *surface;

  /* a patient in screening has no lane */
  g_assert_null (parasol_swimmer_plot_add_facts (plot, screening));
  g_assert_cmpuint (parasol_swimmer_plot_get_n_lanes (plot), ==, 0);

  surface = parasol_swimmer_render_image (plot, 800, 500, 96, NULL);
  /* the message is in the middle: dark text there */
  g_assert_cmpuint (count_dark (surface, 180, 300), >, 50);
  cairo_surface_destroy (surface);
}

static ParasolSwimmerPlot *
many_lanes (guint n)
{
  g_autoptr(ParasolProtocol) protocol = default_protocol ();
  static const char *const arms[] = { "dll3", "xpo1", "anlotinib", "control" };
  ParasolSwimmerOptions options;
  ParasolSwimmerPlot *plot;
  GRand *rand = g_rand_new_with_seed (7);

  parasol_swimmer_options_init (&options);
  set_date (&options.today, "2026-11-30");
  plot = parasol_swimmer_plot_new (protocol, &options);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("BT-%05u", i + 1);
      gboolean ongoing = g_rand_boolean (rand);
      g_autoptr(ParasolPatientFacts) f = make_facts (i + 1, subject, arms[i % 4],
                                                     ongoing ? "on_treatment" : "off_treatment",
                                                     "2025-06-02");
      g_date_add_days (&f->c1d1, g_rand_int_range (rand, 0, 500));
      for (int k = 1; k < 6; k++)
        {
          GDate d = f->c1d1;
          char iso[PARASOL_DATE_BUF_SIZE];

          g_date_add_days (&d, 42 * k);
          parasol_date_format (&d, iso, sizeof iso);
          if (g_date_compare (&d, &options.today) < 0)
            add_response (f, iso, k == 5 && !ongoing ? "PD" : (k % 2 ? "PR" : "SD"));
          if (k == 5 && !ongoing)
            add_event (f, iso, "discontinuation", "Progression");
        }
      parasol_swimmer_plot_add_facts (plot, f);
    }
  g_rand_free (rand);
  parasol_swimmer_plot_arrange (plot, PARASOL_SWIMMER_GROUP_ARM, PARASOL_SWIMMER_SORT_DURATION);
  return plot;
}

static void
test_sizes (void)
{
  const guint sizes[] = { 1, 5, 500, 5000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(ParasolSwimmerPlot) plot = many_lanes (sizes[i]);
      cairo_surface_t *surface = parasol_swimmer_render_image (plot, W, H, 96, NULL);
      ParasolSwimmerRect area;

      g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpuint (parasol_swimmer_plot_get_n_lanes (plot), ==, sizes[i]);
      parasol_swimmer_layout_lane_area (plot, W, H, NULL, &area, NULL);
      /* lanes were drawn: arm colours inside the lane area */
      g_assert_cmpuint (count_dark (surface, (int) area.y, (int) (area.y + area.height)), >, 20);
      cairo_surface_destroy (surface);
    }
}

static void
test_export (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "plot.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "plot.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "plot.pdf", NULL);
  g_autoptr(ParasolSwimmerPlot) plot = many_lanes (500);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  xmlDocPtr doc;
  ParasolSwimmerFormat format;
  GStatBuf st;

  g_assert_true (parasol_swimmer_format_from_path (svg, &format, NULL));
  g_assert_cmpint (format, ==, PARASOL_SWIMMER_FORMAT_SVG);
  g_assert_false (parasol_swimmer_format_from_path ("plot.txt", &format, &error));
  g_assert_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID);
  g_clear_error (&error);

  /* PNG: auto height, private, a real PNG */
  g_assert_true (parasol_swimmer_export (plot, png, PARASOL_SWIMMER_FORMAT_PNG, 1600, 0, 96, NULL,
                                         FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (png, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    cairo_surface_t *s = cairo_image_surface_create_from_png (png);

    g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
    /* 500 lanes at 16 units each need more than 8000 pixels */
    g_assert_cmpint (cairo_image_surface_get_height (s), >, 8000);
    cairo_surface_destroy (s);
  }

  /* No silent overwrite */
  g_assert_false (parasol_swimmer_export (plot, png, PARASOL_SWIMMER_FORMAT_PNG, 1600, 1000, 96,
                                          NULL, FALSE, &error));
  g_assert_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (parasol_swimmer_export (plot, png, PARASOL_SWIMMER_FORMAT_PNG, 1600, 1000, 96,
                                         NULL, TRUE, &error));
  g_assert_no_error (error);

  /* Sizes out of range are refused */
  g_assert_false (parasol_swimmer_export (plot, png, PARASOL_SWIMMER_FORMAT_PNG, 10, 1000, 96,
                                          NULL, TRUE, &error));
  g_assert_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID);
  g_clear_error (&error);

  /* SVG: well-formed XML with an svg root */
  g_assert_true (parasol_swimmer_export (plot, svg, PARASOL_SWIMMER_FORMAT_SVG, 1600, 1000, 96,
                                         NULL, FALSE, &error));
  g_assert_no_error (error);
  doc = xmlReadFile (svg, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
  g_assert_nonnull (doc);
  g_assert_cmpstr ((const char *) xmlDocGetRootElement (doc)->name, ==, "svg");
  xmlFreeDoc (doc);

  /* PDF: paginated, 500 lanes do not fit one page */
  g_assert_true (parasol_swimmer_export (plot, pdf, PARASOL_SWIMMER_FORMAT_PDF, 1600, 1000, 96,
                                         NULL, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  {
    guint pages = 0;

    /* binary streams hold NUL bytes: memmem, not strstr */
    for (const char *p = contents;
         (p = memmem (p, len - (p - contents), "/Type /Page", 11)) != NULL; p++)
      if (p + 11 < contents + len && p[11] != 's')
        pages++;
    g_assert_cmpuint (pages, >, 5);
  }

  cli_rm_rf (dir);
}

static void
test_store (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *db = cli_make_demo (dir, 40);
  g_autoptr(ParasolStore) store = test_open_store (db, FALSE);
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolSwimmerPlot) plot = NULL;
  g_autoptr(ParasolSwimmerPlot) dll3 = NULL;
  g_autoptr(ParasolSwimmerPlot) detailed = NULL;
  g_autoptr(GError) error = NULL;
  ParasolSwimmerOptions options;
  guint n_treated = 0, with_pd = 0, delays = 0;

  protocol = parasol_protocol_new_for_store (store, &error);
  g_assert_no_error (error);

  parasol_swimmer_options_init (&options);
  plot = parasol_swimmer_plot_new_from_store (store, protocol, &options, &error);
  g_assert_no_error (error);

  /* as many lanes as patients on or off treatment; the bulk read agrees with load_patient */
  for (gint64 id = 1; id <= 40; id++)
    {
      g_autoptr(ParasolPatientFacts) f = parasol_store_load_patient (store, id, NULL);
      int index;

      if (f == NULL || !g_date_valid (&f->c1d1) ||
          (g_strcmp0 (f->status, "on_treatment") != 0 && g_strcmp0 (f->status, "off_treatment") != 0))
        continue;
      n_treated++;
      index = parasol_swimmer_plot_find_patient (plot, id);
      g_assert_cmpint (index, >=, 0);
      {
        const ParasolSwimmerLane *lane = parasol_swimmer_plot_get_lane (plot, index);
        guint n_marks = 0;

        for (guint k = 0; k < lane->marks->len; k++)
          if (g_array_index (lane->marks, ParasolSwimmerMark, k).kind == PARASOL_SWIMMER_MARK_PD)
            with_pd++;
        n_marks = lane->marks->len;
        g_assert_cmpuint (n_marks, ==, f->responses->len + f->events->len);
        g_assert_true (lane->ongoing == (g_strcmp0 (f->status, "on_treatment") == 0));
      }
    }
  g_assert_cmpuint (n_treated, >, 10);
  g_assert_cmpuint (parasol_swimmer_plot_get_n_lanes (plot), ==, n_treated);
  g_assert_cmpuint (with_pd, >, 0);

  /* --arm */
  options.arm = "dll3";
  dll3 = parasol_swimmer_plot_new_from_store (store, protocol, &options, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < parasol_swimmer_plot_get_n_lanes (dll3); i++)
    g_assert_cmpstr (parasol_swimmer_plot_get_lane (dll3, i)->arm, ==, "dll3");
  options.arm = "nope";
  g_assert_null (parasol_swimmer_plot_new_from_store (store, protocol, &options, &error));
  g_assert_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID);
  g_clear_error (&error);

  /* Delays as the schedule engine finds them (the demo delays about one cycle in ten) */
  options.arm = NULL;
  options.dose_changes = TRUE;
  detailed = parasol_swimmer_plot_new_from_store (store, protocol, &options, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < parasol_swimmer_plot_get_n_lanes (detailed); i++)
    {
      const ParasolSwimmerLane *lane = parasol_swimmer_plot_get_lane (detailed, i);

      for (guint k = 0; k < lane->marks->len; k++)
        if (g_array_index (lane->marks, ParasolSwimmerMark, k).kind == PARASOL_SWIMMER_MARK_DELAY)
          delays++;
    }
  g_assert_cmpuint (delays, >, 0);

  cli_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/swimmer/model", test_model);
  g_test_add_func ("/swimmer/filter-and-hit", test_filter_and_hit);
  g_test_add_func ("/swimmer/pixels", test_pixels);
  g_test_add_func ("/swimmer/legend", test_legend);
  g_test_add_func ("/swimmer/empty", test_empty);
  g_test_add_func ("/swimmer/sizes", test_sizes);
  g_test_add_func ("/swimmer/export", test_export);
  g_test_add_func ("/swimmer/store", test_store);

  return g_test_run ();
}
