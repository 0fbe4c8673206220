/* test-printout.c — printed cycle schedules and the clinic-week sheet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real PDFs, read back with poppler-utils (pdfinfo, pdftotext, pdffonts): the pages must hold
 * the dates and doses the schedule and dosing engines computed, in English and in Chinese.
 */
#include "config.h"

#include <libintl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "cli-helpers.h"
#include "parasol-demo.h"
#include "parasol-patient-dosing.h"
#include "parasol-printout.h"

/* Fontconfig and Cairo keep font caches for the life of the process, some of them unreachable
 * at exit; LeakSanitizer (the sanitizer build runs with detect_leaks=1) would count them.  Only
 * allocations made inside those libraries are left out. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\nleak:libcairo.so\n";
}
#endif

typedef struct {
  Fixture          base;
  ParasolStore    *store;
  ParasolProtocol *protocol;
  GArray          *treated;     /* gint64: patients on treatment with a C1D1 */
  GArray          *finished;    /* gint64: patients off treatment with a C1D1 */
} PrintFixture;

static void
collect_treated (const ParasolPatientRow *row,
                 gpointer                 user_data)
{
  PrintFixture *f = user_data;

  if (row->c1d1 != NULL && g_strcmp0 (row->status, "on_treatment") == 0)
    g_array_append_val (f->treated, row->id);
  if (row->c1d1 != NULL && g_strcmp0 (row->status, "off_treatment") == 0)
    g_array_append_val (f->finished, row->id);
}

static void
print_set_up (PrintFixture  *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;

  fixture_set_up (&f->base, data);
  f->protocol = parasol_protocol_new_default (&error);
  g_assert_no_error (error);
  f->store = test_open_store (f->base.db, TRUE);
  g_assert_true (parasol_store_init_trial (f->store, parasol_protocol_get_id (f->protocol),
                                           parasol_protocol_get_registry_id (f->protocol),
                                           parasol_protocol_get_title (f->protocol),
                                           parasol_protocol_get_version (f->protocol),
                                           parasol_protocol_get_source (f->protocol), &error));
  g_assert_no_error (error);
  g_assert_true (parasol_demo_populate (f->store, f->protocol, 40, 7, &error));
  g_assert_no_error (error);

  f->treated = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->finished = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_assert_true (parasol_store_foreach_patient (f->store, 0, collect_treated, f, &error));
  g_assert_cmpuint (f->treated->len, >=, 3);
  g_assert_cmpuint (f->finished->len, >=, 1);
}

static void
print_tear_down (PrintFixture  *f,
                 gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->protocol);
  g_array_unref (f->treated);
  g_array_unref (f->finished);
  fixture_tear_down (&f->base, data);
}

/* ---- poppler-utils ----------------------------------------------------------------------- */

static char *
run_tool (const char *tool,
          const char *path,
          gboolean    to_stdout)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv_text[] = { tool, "-enc", "UTF-8", path, "-", NULL };
  const char *argv_plain[] = { tool, path, NULL };

  g_spawn_sync (NULL, (char **) (to_stdout ? argv_text : argv_plain), NULL, G_SPAWN_SEARCH_PATH,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

static char *
pdf_text (const char *path)
{
  return run_tool ("pdftotext", path, TRUE);
}

static int
pdf_pages (const char *path)
{
  g_autofree char *info = run_tool ("pdfinfo", path, FALSE);
  const char *p = strstr (info, "Pages:");

  g_assert_nonnull (p);
  return atoi (p + strlen ("Pages:"));
}

static char *
pdf_page_size (const char *path)
{
  g_autofree char *info = run_tool ("pdfinfo", path, FALSE);
  const char *p = strstr (info, "Page size:");
  const char *end;

  g_assert_nonnull (p);
  p += strlen ("Page size:");
  while (*p == ' ')
    p++;
  end = strstr (p, " pts");
  g_assert_nonnull (end);
  return g_strndup (p, end - p);
}

/* pdftotext separates words by spaces and lines freely: compare without whitespace */
static char *
squeeze (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

#define assert_text_has(text, needle) \
  G_STMT_START { \
    g_autofree char *sq_text = squeeze (text), *sq_needle = squeeze (needle); \
    cli_assert_contains (sq_text, sq_needle); \
  } G_STMT_END

/* ---- Helpers ------------------------------------------------------------------------------ */

static ParasolPatientPlan *
engine_plan (PrintFixture *f,
             gint64        id,
             int           last_cycle)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (f->protocol);
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, NULL);
  g_autoptr(GError) error = NULL;
  ParasolScheduleOptions options;
  ParasolPatientPlan *plan;
  GDate wd = parasol_patient_weight_date (f->store, id);

  parasol_schedule_options_init (&options);
  if (last_cycle > regimen->induction_cycles)
    options.max_maintenance_cycles = last_cycle - regimen->induction_cycles;
  plan = parasol_patient_plan_build (regimen, facts, &wd, &options, &error);
  g_assert_no_error (error);
  return plan;
}

static char *
write_schedule (PrintFixture *f,
                gint64        id,
                const char   *language,
                ParasolPaper  paper,
                int           first,
                int           last,
                const char   *name,
                int          *n_pages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPrintout) doc = NULL;
  ParasolPrintoutOptions options;
  char *path = g_build_filename (f->base.dir, name, NULL);

  parasol_printout_options_init (&options);
  options.language = language;
  options.paper = paper;
  options.first_cycle = first;
  options.last_cycle = last;
  doc = parasol_printout_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (parasol_printout_add_schedule (doc, f->store, f->protocol, id, &error));
  g_assert_no_error (error);
  g_assert_true (parasol_printout_write_pdf (doc, path, FALSE, &error));
  g_assert_no_error (error);
  if (n_pages)
    *n_pages = parasol_printout_get_n_pages (doc);
  return path;
}

static char *
number (double value)
{
  return parasol_protocol_format_number (value);
}

/* Every listed cycle's day 1, window and labs dates, and each drug's dose and dates as the
 * engine computed them, are on the pages. */
static void
check_schedule_text (PrintFixture *f,
                     gint64        id,
                     const char   *text,
                     int           first,
                     int           last)
{
  g_autoptr(ParasolPatientPlan) plan = engine_plan (f, id, last);
  char buf[PARASOL_DATE_BUF_SIZE];

  for (int n = first; n <= last; n++)
    {
      const ParasolScheduleCycle *c = parasol_schedule_get_cycle (plan->schedule, n);
      const ParasolDoseSet *set = parasol_patient_plan_get_doses (plan, n);

      g_assert_nonnull (c);
      assert_text_has (text, parasol_date_format (&c->start, buf, sizeof buf));
      assert_text_has (text, parasol_date_format (&c->window_start, buf, sizeof buf));
      assert_text_has (text, parasol_date_format (&c->window_end, buf, sizeof buf));
      assert_text_has (text, parasol_date_format (&c->labs_from, buf, sizeof buf));

      for (guint k = 0; k < c->doses->len; k++)
        {
          const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);
          const ParasolDose *calc = set ? parasol_dose_set_find (set, d->drug) : NULL;
          const ParasolScheduledDose *first_of_drug = NULL, *last_of_drug = NULL;

          /* a run of days is printed as its first and last date */
          for (guint j = 0; j < c->doses->len; j++)
            {
              const ParasolScheduledDose *e = g_ptr_array_index (c->doses, j);

              if (g_strcmp0 (e->drug, d->drug) != 0)
                continue;
              if (first_of_drug == NULL)
                first_of_drug = e;
              last_of_drug = e;
            }
          assert_text_has (text, parasol_date_format (&first_of_drug->date, buf, sizeof buf));
          assert_text_has (text, parasol_date_format (&last_of_drug->date, buf, sizeof buf));
          if (calc != NULL && g_strcmp0 (calc->unit, "mg") == 0)
            {
              g_autofree char *num = number (calc->dose);
              g_autofree char *dose = g_strdup_printf ("%s mg", num);

              assert_text_has (text, dose);
            }
        }
    }
}

/* ---- Tests -------------------------------------------------------------------------------- */

static void
test_schedule_english (PrintFixture *f, gconstpointer data)
{
  gint64 id = g_array_index (f->treated, gint64, 0);
  int pages = 0;
  g_autofree char *path = write_schedule (f, id, "en", PARASOL_PAPER_A4, 1, 4, "en.pdf", &pages);
  g_autofree char *text = pdf_text (path);
  g_autofree char *size = pdf_page_size (path);
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, NULL);
  struct stat st;

  g_assert_cmpint (pdf_pages (path), ==, pages);
  g_assert_cmpint (pages, >=, 2);
  g_assert_cmpstr (size, ==, "595.276 x 841.89");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  check_schedule_text (f, id, text, 1, 4);
  assert_text_has (text, "Treatment schedule");
  assert_text_has (text, facts->subject_number);
  assert_text_has (text, facts->initials);
  assert_text_has (text, "Cycle 1 · induction");
  assert_text_has (text, "Cycle 4 · induction");
  g_assert_null (strstr (text, "Cycle 5 ·"));
  {
    g_autofree char *footer = g_strdup_printf ("Page 1 of %d", pages);
    g_autofree char *last = g_strdup_printf ("Page %d of %d", pages, pages);

    assert_text_has (text, footer);
    assert_text_has (text, last);
  }
  assert_text_has (text, "These are the doses as calculated on");
  assert_text_has (text, "protocol version 1.0");
  assert_text_has (text, "Notes");
  assert_text_has (text, "Pharmacist: signature and date");
  /* never the patient's name or birth date: the store holds none, and the birth date stays off */
  {
    char buf[PARASOL_DATE_BUF_SIZE];
    g_assert_null (strstr (text, parasol_date_format (&facts->birth_date, buf, sizeof buf)));
  }
}

static void
test_schedule_chinese (PrintFixture *f, gconstpointer data)
{
  gint64 id = g_array_index (f->treated, gint64, 1);
  int pages = 0;
  g_autofree char *path = write_schedule (f, id, "zh_CN", PARASOL_PAPER_A4, 1, 4, "zh.pdf", &pages);
  g_autofree char *text = pdf_text (path);
  g_autofree char *fonts = run_tool ("pdffonts", path, FALSE);
  g_auto(GStrv) lines = g_strsplit (fonts, "\n", -1);
  guint n_fonts = 0;

  g_assert_cmpint (pdf_pages (path), ==, pages);
  check_schedule_text (f, id, text, 1, 4);

  /* The interface is English (LC_ALL=C.UTF-8); the copy is Chinese all the same */
  assert_text_has (text, "治疗日程表");
  assert_text_has (text, "依托泊苷");   /* etoposide, in every induction cycle */
  assert_text_has (text, "卡铂");       /* carboplatin */
  assert_text_has (text, "药剂师");
  g_assert_null (strstr (text, "Treatment schedule"));
  g_assert_null (strstr (text, "Etoposide"));

  /* Every font is embedded (and subset), the CJK face among them */
  cli_assert_contains (fonts, "NotoSansCJK");
  for (guint i = 2; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = NULL;

      if (*lines[i] == '\0')
        continue;
      n_fonts++;
      g_assert_nonnull (strstr (lines[i], " yes yes "));
    }
  g_assert_cmpuint (n_fonts, >=, 1);
}

static void
test_paper_sizes (PrintFixture *f, gconstpointer data)
{
  gint64 id = g_array_index (f->treated, gint64, 0);
  g_autofree char *a4 = write_schedule (f, id, "en", PARASOL_PAPER_A4, 2, 2, "a4.pdf", NULL);
  g_autofree char *letter = write_schedule (f, id, "en", PARASOL_PAPER_LETTER, 2, 2, "letter.pdf", NULL);
  g_autofree char *a4_size = pdf_page_size (a4);
  g_autofree char *letter_size = pdf_page_size (letter);
  double w, h;

  g_assert_cmpstr (a4_size, ==, "595.276 x 841.89");
  g_assert_cmpstr (letter_size, ==, "612 x 792");
  parasol_paper_get_size (PARASOL_PAPER_LETTER, &w, &h);
  g_assert_cmpfloat (w, ==, 612);
  g_assert_cmpfloat (h, ==, 792);
}

/* A patient off treatment gets a visible flag, not a silent copy of the plan */
static void
test_off_treatment_flag (PrintFixture *f, gconstpointer data)
{
  gint64 off = g_array_index (f->finished, gint64, 0);
  gint64 on = g_array_index (f->treated, gint64, 0);
  g_autofree char *a = write_schedule (f, off, "en", PARASOL_PAPER_A4, 1, 1, "off.pdf", NULL);
  g_autofree char *b = write_schedule (f, on, "en", PARASOL_PAPER_A4, 1, 1, "on.pdf", NULL);
  g_autofree char *text_off = pdf_text (a);
  g_autofree char *text_on = pdf_text (b);

  assert_text_has (text_off, "The patient is recorded as off treatment");
  g_assert_null (strstr (text_on, "off treatment"));
}

/* Issue 8: the printed schedule gives the patient's own platinum (cisplatin or carboplatin) */
static void
test_platinum (PrintFixture *f, gconstpointer data)
{
  gint64 cisplatin = 0, carboplatin = 0;
  GArray *lists[] = { f->treated, f->finished };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        gint64 id = g_array_index (lists[l], gint64, i);
        g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, NULL);

        if (g_strcmp0 (facts->platinum, "cisplatin") == 0 && cisplatin == 0)
          cisplatin = id;
        else if (g_strcmp0 (facts->platinum, "carboplatin") == 0 && carboplatin == 0)
          carboplatin = id;
      }
  g_assert_cmpint (cisplatin, >, 0);
  g_assert_cmpint (carboplatin, >, 0);
  {
    g_autofree char *a = write_schedule (f, cisplatin, "en", PARASOL_PAPER_A4, 1, 1, "cis.pdf", NULL);
    g_autofree char *b = write_schedule (f, carboplatin, "en", PARASOL_PAPER_A4, 1, 1, "carbo.pdf", NULL);
    g_autofree char *text_cis = pdf_text (a);
    g_autofree char *text_carbo = pdf_text (b);

    g_assert_nonnull (strstr (text_cis, "Cisplatin"));
    g_assert_null (strstr (text_cis, "Carboplatin"));
    g_assert_nonnull (strstr (text_carbo, "Carboplatin"));
    g_assert_null (strstr (text_carbo, "Cisplatin"));
  }
}

/* Forty schedules in one document: each numbers its own pages */
static void
test_many_patients (PrintFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPrintout) doc = parasol_printout_new (NULL, &error);
  g_autofree char *path = g_build_filename (f->base.dir, "all.pdf", NULL);
  g_autofree char *text = NULL;
  int sum = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < f->treated->len; i++)
    {
      int before = parasol_printout_get_n_pages (doc);

      g_assert_true (parasol_printout_add_schedule (doc, f->store, f->protocol,
                                                    g_array_index (f->treated, gint64, i), &error));
      g_assert_no_error (error);
      g_assert_cmpint (parasol_printout_get_n_pages (doc), >, before);
    }
  sum = parasol_printout_get_n_pages (doc);
  g_assert_true (parasol_printout_write_pdf (doc, path, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pdf_pages (path), ==, sum);
  text = pdf_text (path);
  assert_text_has (text, "Page 1 of");
}

/* The page is real pixels: the cycle title bar's grey and black text on white */
static void
test_pixels (PrintFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPrintout) doc = NULL;
  ParasolPrintoutOptions options;
  cairo_surface_t *surface;
  cairo_t *cr;
  double w, h;
  guint grey = 0, dark = 0;

  parasol_printout_options_init (&options);
  options.first_cycle = options.last_cycle = 1;
  doc = parasol_printout_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (parasol_printout_add_schedule (doc, f->store, f->protocol,
                                                g_array_index (f->treated, gint64, 0), &error));
  parasol_printout_get_page_size (doc, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  parasol_printout_draw_page (doc, cr, 0);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  for (int y = 0; y < (int) h; y++)
    {
      const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface) +
                                              y * cairo_image_surface_get_stride (surface));
      for (int x = 0; x < (int) w; x++)
        {
          guint v = row[x] & 0xff;

          if (v >= 223 && v <= 226)   /* 0.88 grey, whichever way Cairo rounds */
            grey++;
          else if (v < 64)
            dark++;
        }
    }
  cairo_surface_destroy (surface);
  /* the title bar spans the content width: at least 500 x 15 points of it */
  g_assert_cmpuint (grey, >, 5000);
  g_assert_cmpuint (dark, >, 2000);
  /* nothing is drawn in the left margin */
}

static void
test_week (PrintFixture *f, gconstpointer data)
{
  gint64 id = g_array_index (f->treated, gint64, 0);
  g_autoptr(ParasolPatientPlan) plan = engine_plan (f, id, 0);
  g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (f->store, id, NULL);
  const ParasolScheduleCycle *c2 = parasol_schedule_get_cycle (plan->schedule, 2);
  g_autoptr(ParasolPrintout) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->base.dir, "week.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *week = NULL;
  g_autofree char *visit = g_strdup_printf ("Cycle 2 day 1");
  GDate monday = c2->start, parsed;
  char buf[PARASOL_DATE_BUF_SIZE];
  const char *mon, *sun;

  g_date_subtract_days (&monday, g_date_get_weekday (&c2->start) - G_DATE_MONDAY);
  {
    GDate thursday = monday;
    g_date_add_days (&thursday, 3);
    week = g_strdup_printf ("%04d-W%02u", g_date_get_year (&thursday),
                            g_date_get_iso8601_week_of_year (&monday));
  }
  g_assert_true (parasol_printout_parse_iso_week (week, &parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_date_compare (&parsed, &monday), ==, 0);

  doc = parasol_printout_new (NULL, &error);
  g_assert_true (parasol_printout_add_week (doc, f->store, f->protocol, &monday, &error));
  g_assert_no_error (error);
  g_assert_true (parasol_printout_write_pdf (doc, path, FALSE, &error));
  g_assert_no_error (error);
  text = pdf_text (path);

  assert_text_has (text, week);
  assert_text_has (text, facts->subject_number);
  assert_text_has (text, visit);
  assert_text_has (text, parasol_date_format (&c2->start, buf, sizeof buf));
  assert_text_has (text, "Monday");
  assert_text_has (text, "Sunday");
  /* by day: Monday's heading comes before Sunday's, and the patient's day 1 under its day */
  mon = strstr (text, "Monday");
  sun = strstr (text, "Sunday");
  g_assert_true (mon < sun);
  {
    static const char *days[] = { NULL, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                  "Saturday", "Sunday" };
    GDateWeekday wd = g_date_get_weekday (&c2->start);
    g_autofree char *heading = g_strdup_printf ("%s %s", days[wd],
                                                parasol_date_format (&c2->start, buf, sizeof buf));
    const char *under = strstr (text, heading);
    const char *item = under ? strstr (under, visit) : NULL;
    const char *next = wd < G_DATE_SUNDAY ? strstr (text, days[wd + 1]) : NULL;

    /* the patient's day 1 is listed under its own day, before the next day's heading */
    g_assert_nonnull (under);
    g_assert_nonnull (item);
    if (next != NULL)
      g_assert_true (item < next || strstr (item, heading) != NULL);
  }

  /* the coordinator's sheet in Chinese */
  {
    g_autoptr(ParasolPrintout) zh = NULL;
    g_autofree char *zh_path = g_build_filename (f->base.dir, "week-zh.pdf", NULL);
    g_autofree char *zh_text = NULL;
    ParasolPrintoutOptions options;

    parasol_printout_options_init (&options);
    options.language = "zh_CN";
    zh = parasol_printout_new (&options, &error);
    g_assert_true (parasol_printout_add_week (zh, f->store, f->protocol, &monday, &error));
    g_assert_true (parasol_printout_write_pdf (zh, zh_path, FALSE, &error));
    g_assert_no_error (error);
    zh_text = pdf_text (zh_path);
    assert_text_has (zh_text, "门诊周");
    assert_text_has (zh_text, "第 2 周期第 1 天");
    assert_text_has (zh_text, facts->subject_number);
  }
  g_assert_cmpint (pdf_pages (path), ==, parasol_printout_get_n_pages (doc));

  /* a week long after everything is an honest empty sheet */
  {
    g_autoptr(ParasolPrintout) empty = parasol_printout_new (NULL, &error);
    GDate far;

    g_assert_true (parasol_printout_parse_iso_week ("2040-W10", &far, &error));
    g_assert_true (parasol_printout_add_week (empty, f->store, f->protocol, &far, &error));
    g_assert_no_error (error);
    g_assert_cmpint (parasol_printout_get_n_pages (empty), ==, 1);
  }
}

static void
test_refusals (PrintFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPrintout) doc = NULL;
  ParasolPrintoutOptions options;
  gint64 id = g_array_index (f->treated, gint64, 0);
  g_autofree char *path = g_build_filename (f->base.dir, "keep.pdf", NULL);
  g_autofree char *contents = NULL;
  gint64 screening, ended = 0;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* an empty document is not written */
  doc = parasol_printout_new (NULL, &error);
  g_assert_false (parasol_printout_write_pdf (doc, path, FALSE, &error));
  g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&doc, parasol_printout_free);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* a language Parasol does not print */
  parasol_printout_options_init (&options);
  options.language = "fr";
  doc = parasol_printout_new (&options, &error);
  g_assert_null (doc);
  g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_LANGUAGE);
  g_clear_error (&error);

  /* cycles beyond the calendar of a patient whose treatment has ended (discontinuation or
   * death: the engine lists nothing after it) */
  for (guint i = 0; i < f->finished->len; i++)
    {
      g_autoptr(ParasolPatientPlan) plan = engine_plan (f, g_array_index (f->finished, gint64, i), 400);

      if (plan->schedule->cycles->len < 400)
        {
          ended = g_array_index (f->finished, gint64, i);
          break;
        }
    }
  g_assert_cmpint (ended, >, 0);
  options.language = "en";
  options.first_cycle = 1;
  options.last_cycle = 400;
  doc = parasol_printout_new (&options, &error);
  g_assert_false (parasol_printout_add_schedule (doc, f->store, f->protocol, ended, &error));
  g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&doc, parasol_printout_free);

  /* a patient without C1D1 */
  screening = test_add_patient (f->store, "S-PRINT");
  options.last_cycle = 1;
  doc = parasol_printout_new (&options, &error);
  g_assert_false (parasol_printout_add_schedule (doc, f->store, f->protocol, screening, &error));
  g_assert_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID);
  g_clear_error (&error);

  /* never over an existing file unless asked; nothing left behind */
  g_assert_true (g_file_set_contents (path, "precious", -1, NULL));
  g_assert_true (parasol_printout_add_schedule (doc, f->store, f->protocol, id, &error));
  g_assert_false (parasol_printout_write_pdf (doc, path, FALSE, &error));
  g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
  g_assert_true (parasol_printout_write_pdf (doc, path, TRUE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));

  /* a folder that does not exist */
  {
    g_autofree char *bad = g_build_filename (f->base.dir, "no", "such", "x.pdf", NULL);

    g_assert_false (parasol_printout_write_pdf (doc, bad, FALSE, &error));
    g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_WRITE);
    g_clear_error (&error);
  }

  dir = g_dir_open (f->base.dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".keep.pdf."));
}

static void
test_missing_catalog (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bound = g_strdup (bindtextdomain (GETTEXT_PACKAGE, NULL));
  g_autofree char *empty = cli_make_tmpdir ();
  ParasolPrintoutOptions options;
  ParasolPrintout *doc;

  bindtextdomain (GETTEXT_PACKAGE, empty);
  parasol_printout_options_init (&options);
  options.language = "zh_CN";
  doc = parasol_printout_new (&options, &error);
  g_assert_null (doc);
  g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_LANGUAGE);
  bindtextdomain (GETTEXT_PACKAGE, bound);
  cli_rm_rf (empty);
}

static void
test_parse (void)
{
  const char *bad_cycles[] = { "", "0", "0-2", "3-1", "1-", "-4", "a", "1-4x", " 1-4", "1--4",
                               "1000", "1-1000", "+1", NULL };
  const char *bad_weeks[] = { "", "2026-49", "2026-w49", "2026-W00", "2026-W54", "2027-W53",
                              "26-W49", "2026-W4", "2026-W049", " 2026-W49", "2026-W49 ",
                              "2026W49", "1899-W10", NULL };
  int first, last;
  GDate monday;
  char buf[PARASOL_DATE_BUF_SIZE];

  g_assert_true (parasol_printout_parse_cycles ("1-4", &first, &last, NULL));
  g_assert_cmpint (first, ==, 1);
  g_assert_cmpint (last, ==, 4);
  g_assert_true (parasol_printout_parse_cycles ("7", &first, &last, NULL));
  g_assert_cmpint (first, ==, 7);
  g_assert_cmpint (last, ==, 7);
  for (guint i = 0; bad_cycles[i]; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (parasol_printout_parse_cycles (bad_cycles[i], &first, &last, &error));
      g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID);
    }

  /* 2026-W49 starts on Monday 30 November 2026; 2026 has a week 53 (it starts on a Thursday) */
  g_assert_true (parasol_printout_parse_iso_week ("2026-W49", &monday, NULL));
  g_assert_cmpstr (parasol_date_format (&monday, buf, sizeof buf), ==, "2026-11-30");
  g_assert_true (parasol_printout_parse_iso_week ("2026-W53", &monday, NULL));
  g_assert_cmpstr (parasol_date_format (&monday, buf, sizeof buf), ==, "2026-12-28");
  g_assert_true (parasol_printout_parse_iso_week ("2026-W01", &monday, NULL));
  g_assert_cmpstr (parasol_date_format (&monday, buf, sizeof buf), ==, "2025-12-29");
  g_assert_true (parasol_printout_parse_iso_week ("2021-W01", &monday, NULL));
  g_assert_cmpstr (parasol_date_format (&monday, buf, sizeof buf), ==, "2021-01-04");
  for (guint i = 0; bad_weeks[i]; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (parasol_printout_parse_iso_week (bad_weeks[i], &monday, &error));
      g_assert_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);

  /* the build tree's translations, as PARASOL_LOCALEDIR gives them to the programs */
  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/printout/parse", test_parse);
  g_test_add_func ("/printout/missing-catalog", test_missing_catalog);
  g_test_add ("/printout/schedule-english", PrintFixture, NULL, print_set_up,
              test_schedule_english, print_tear_down);
  g_test_add ("/printout/schedule-chinese", PrintFixture, NULL, print_set_up,
              test_schedule_chinese, print_tear_down);
  g_test_add ("/printout/paper-sizes", PrintFixture, NULL, print_set_up, test_paper_sizes,
              print_tear_down);
  g_test_add ("/printout/platinum", PrintFixture, NULL, print_set_up, test_platinum,
              print_tear_down);
  g_test_add ("/printout/off-treatment", PrintFixture, NULL, print_set_up,
              test_off_treatment_flag, print_tear_down);
  g_test_add ("/printout/many-patients", PrintFixture, NULL, print_set_up, test_many_patients,
              print_tear_down);
  g_test_add ("/printout/pixels", PrintFixture, NULL, print_set_up, test_pixels, print_tear_down);
  g_test_add ("/printout/week", PrintFixture, NULL, print_set_up, test_week, print_tear_down);
  g_test_add ("/printout/refusals", PrintFixture, NULL, print_set_up, test_refusals,
              print_tear_down);

  return g_test_run ();
}
