/* parasol-printout.c — printed cycle schedules and the clinic-week sheet, on any cairo_t
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Building a section lays out every block once (Pango layouts measured in points on a context
 * with hinting off, so sizes do not depend on the target); pagination stacks blocks on pages;
 * drawing replays a page's blocks on the cairo_t it is given.  The strings come from
 * print_gettext(): the interface's gettext, or the printout language's compiled catalog.
 */
#define G_LOG_DOMAIN "parasol-printout"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libintl.h>
#include <pango/pangocairo.h>

#include "parasol-patient-dosing.h"
#include "parasol-printout.h"

G_DEFINE_QUARK (parasol-printout-error-quark, parasol_printout_error)

/* ---- Paper, options, parsing -------------------------------------------------------------- */

#define MARGIN        40.0   /* points, every side */
#define BAND_HEIGHT   18.0   /* running header */
#define FOOTER_HEIGHT 34.0
#define BLOCK_GAP     9.0

static const char *const languages[] = { "zh_CN", "en", NULL };

const char *const *
parasol_printout_languages (void)
{
  return languages;
}

void
parasol_printout_options_init (ParasolPrintoutOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->paper = PARASOL_PAPER_A4;
}

gboolean
parasol_paper_from_string (const char   *str,
                           ParasolPaper *paper)
{
  if (g_strcmp0 (str, "a4") == 0)
    *paper = PARASOL_PAPER_A4;
  else if (g_strcmp0 (str, "letter") == 0)
    *paper = PARASOL_PAPER_LETTER;
  else
    return FALSE;
  return TRUE;
}

const char *
parasol_paper_to_string (ParasolPaper paper)
{
  return paper == PARASOL_PAPER_LETTER ? "letter" : "a4";
}

void
parasol_paper_get_size (ParasolPaper  paper,
                        double       *width,
                        double       *height)
{
  if (paper == PARASOL_PAPER_LETTER)
    {
      *width = 612.0;
      *height = 792.0;
    }
  else
    {
      /* 210 x 297 mm */
      *width = 210.0 / 25.4 * 72.0;
      *height = 297.0 / 25.4 * 72.0;
    }
}

static gboolean
parse_small_number (const char  *str,
                    gsize        len,
                    int         *value)
{
  int v = 0;

  if (len == 0 || len > 3)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (str[i]))
        return FALSE;
      v = v * 10 + (str[i] - '0');
    }
  *value = v;
  return TRUE;
}

gboolean
parasol_printout_parse_cycles (const char  *str,
                               int         *first,
                               int         *last,
                               GError     **error)
{
  const char *dash;
  gboolean ok;

  g_return_val_if_fail (first != NULL && last != NULL, FALSE);

  if (str == NULL)
    str = "";
  dash = strchr (str, '-');
  if (dash == NULL)
    {
      ok = parse_small_number (str, strlen (str), first);
      *last = *first;
    }
  else
    ok = parse_small_number (str, dash - str, first) &&
         parse_small_number (dash + 1, strlen (dash + 1), last);

  if (!ok || *first < 1 || *last < *first)
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("“%s” is not a range of cycles: write FIRST-LAST with cycle numbers from 1, "
                     "the first not after the last (1-4), or one cycle (3)."), str);
      return FALSE;
    }
  return TRUE;
}

gboolean
parasol_printout_parse_iso_week (const char  *str,
                                 GDate       *monday,
                                 GError     **error)
{
  int year = 0, week = 0;
  GDate jan4, thursday;

  g_return_val_if_fail (monday != NULL, FALSE);

  g_date_clear (monday, 1);
  if (str == NULL || strlen (str) != 8 || str[4] != '-' || str[5] != 'W' ||
      !parse_small_number (str + 6, 2, &week) || !g_ascii_isdigit (str[0]) ||
      !g_ascii_isdigit (str[1]) || !g_ascii_isdigit (str[2]) || !g_ascii_isdigit (str[3]))
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("“%s” is not an ISO week: write YYYY-Www, for example 2026-W49."),
                   str ? str : "");
      return FALSE;
    }
  year = (str[0] - '0') * 1000 + (str[1] - '0') * 100 + (str[2] - '0') * 10 + (str[3] - '0');
  if (year < 1900 || year > 9998 || week < 1 || week > 53)
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("“%s” is not an ISO week: the year runs from 1900 and the week from 01 to "
                     "52 or 53."), str);
      return FALSE;
    }

  /* 4 January is always in week 1; its week's Monday starts week 1 */
  g_date_set_dmy (&jan4, 4, G_DATE_JANUARY, year);
  *monday = jan4;
  g_date_subtract_days (monday, g_date_get_weekday (&jan4) - G_DATE_MONDAY);
  g_date_add_days (monday, (week - 1) * 7);

  /* A week belongs to the year its Thursday is in: week 53 exists only then */
  thursday = *monday;
  g_date_add_days (&thursday, 3);
  if (g_date_get_year (&thursday) != year)
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("%d has no ISO week %d: it has 52 weeks."), year, week);
      g_date_clear (monday, 1);
      return FALSE;
    }
  return TRUE;
}

/* ---- Catalogs: a language's translations, looked up per call ------------------------------ */

G_LOCK_DEFINE_STATIC (catalogs);
static GHashTable *catalogs;   /* "LOCALEDIR/LANG" -> GHashTable (msgid -> msgstr) */

static guint32
mo_u32 (const guint8 *data,
        gsize         offset,
        gboolean      swap)
{
  guint32 v;

  memcpy (&v, data + offset, 4);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

/* Reads a GNU .mo file: every msgid (with "CONTEXT\004" when it has one) -> the first msgstr.
 * Every offset is checked against the file's size. */
static GHashTable *
catalog_load (const char  *path,
              GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GHashTable) table = NULL;
  const guint8 *data;
  gsize size;
  guint32 n, orig, trans;
  gboolean swap;

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  data = (const guint8 *) g_mapped_file_get_contents (file);
  size = g_mapped_file_get_length (file);

  if (size < 28)
    goto bad;
  if (mo_u32 (data, 0, FALSE) == 0x950412de)
    swap = FALSE;
  else if (mo_u32 (data, 0, TRUE) == 0x950412de)
    swap = TRUE;
  else
    goto bad;

  n = mo_u32 (data, 8, swap);
  orig = mo_u32 (data, 12, swap);
  trans = mo_u32 (data, 16, swap);
  if (n > size / 16 || orig > size || trans > size || size - orig < (gsize) n * 8 ||
      size - trans < (gsize) n * 8)
    goto bad;

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 ol = mo_u32 (data, orig + i * 8, swap), oo = mo_u32 (data, orig + i * 8 + 4, swap);
      guint32 tl = mo_u32 (data, trans + i * 8, swap), to = mo_u32 (data, trans + i * 8 + 4, swap);

      if (oo > size || size - oo <= ol || to > size || size - to <= tl)
        goto bad;
      if (ol == 0)
        continue;   /* the header */
      /* msgid (up to a plural's NUL) -> the first msgstr */
      g_hash_table_insert (table, g_strndup ((const char *) data + oo, ol),
                           g_strndup ((const char *) data + to, tl));
    }

  return g_steal_pointer (&table);

bad:
  g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_LANGUAGE,
               _("%s is not a valid translation file."), path);
  return NULL;
}

/* The catalog of @language where the program bound its text domain, or NULL with @error. */
static GHashTable *
catalog_get (const char  *language,
             GError     **error)
{
  const char *dir = bindtextdomain (GETTEXT_PACKAGE, NULL);
  g_autofree char *key = g_strdup_printf ("%s/%s", dir ? dir : LOCALEDIR, language);
  g_autofree char *path = g_build_filename (dir ? dir : LOCALEDIR, language, "LC_MESSAGES",
                                            GETTEXT_PACKAGE ".mo", NULL);
  GHashTable *table;

  G_LOCK (catalogs);
  if (catalogs == NULL)
    catalogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_hash_table_unref);
  table = g_hash_table_lookup (catalogs, key);
  if (table == NULL)
    {
      g_autoptr(GError) local = NULL;

      table = catalog_load (path, &local);
      if (table != NULL)
        g_hash_table_insert (catalogs, g_steal_pointer (&key), table);
      else
        g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_LANGUAGE,
                     _("The %s translation of Parasol is not installed (%s), so this copy "
                       "cannot be printed in the patient's language."), language, local->message);
    }
  G_UNLOCK (catalogs);

  return table;
}

/* ---- The document ------------------------------------------------------------------------- */

typedef enum {
  OP_TEXT,
  OP_LINE,
  OP_RECT,
  OP_FILL,
} OpKind;

typedef struct {
  OpKind       kind;
  double       x, y, w, h;
  double       line_width;
  double       grey;
  PangoLayout *layout;
} Op;

typedef struct _Block Block;
struct _Block {
  GArray  *ops;              /* Op */
  double   height;
  double   gap;              /* space after it: BLOCK_GAP, 0 between table rows */
  gboolean keep_with_next;   /* a heading: never last on a page */
  Block   *continued;        /* drawn first when a page starts inside this block's group */
};

typedef struct {
  char      *running;        /* the running header: trial, what, who */
  char      *footer_left;    /* protocol version, print time */
  char      *footer_note;    /* doses as calculated on the print date */
  GPtrArray *blocks;         /* Block* */
  GPtrArray *extra;          /* Block*: continuation blocks, owned here */
} Section;

typedef struct {
  Section *section;
  guint    first;
  guint    n;
  Block   *continued;
  int      number;           /* 1-based within the section */
  int      total;
} Page;

struct _ParasolPrintout {
  ParasolPaper  paper;
  double        width;
  double        height;
  char         *language;    /* NULL: interface */
  GHashTable   *catalog;     /* borrowed from the cache; NULL: gettext (or English) */
  GDateTime    *printed_at;
  int           first_cycle;
  int           last_cycle;
  PangoContext *context;
  const char   *family;
  GPtrArray    *sections;    /* Section* */
  GPtrArray    *pages;       /* Page*, NULL until paginated */
};

static void
op_clear (gpointer data)
{
  Op *op = data;

  g_clear_object (&op->layout);
}

static Block *
block_new (void)
{
  Block *b = g_new0 (Block, 1);

  b->ops = g_array_new (FALSE, TRUE, sizeof (Op));
  b->gap = BLOCK_GAP;
  g_array_set_clear_func (b->ops, op_clear);
  return b;
}

static void
block_free (Block *b)
{
  g_array_unref (b->ops);
  g_free (b);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Block, block_free)

static void
section_free (Section *s)
{
  g_free (s->running);
  g_free (s->footer_left);
  g_free (s->footer_note);
  g_ptr_array_unref (s->blocks);
  g_ptr_array_unref (s->extra);
  g_free (s);
}

static Section *
section_new (void)
{
  Section *s = g_new0 (Section, 1);

  s->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  s->extra = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  return s;
}

void
parasol_printout_free (ParasolPrintout *self)
{
  if (self == NULL)
    return;

  g_free (self->language);
  g_clear_pointer (&self->printed_at, g_date_time_unref);
  g_clear_object (&self->context);
  g_ptr_array_unref (self->sections);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_free (self);
}

ParasolPrintout *
parasol_printout_new (const ParasolPrintoutOptions *options,
                      GError                      **error)
{
  g_autoptr(ParasolPrintout) self = g_new0 (ParasolPrintout, 1);
  ParasolPrintoutOptions defaults;
  cairo_font_options_t *font_options;
  gboolean chinese;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      parasol_printout_options_init (&defaults);
      options = &defaults;
    }

  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  self->paper = options->paper;
  parasol_paper_get_size (self->paper, &self->width, &self->height);
  self->first_cycle = options->first_cycle;
  self->last_cycle = options->last_cycle;
  self->printed_at = options->printed_at ? g_date_time_ref (options->printed_at)
                                         : g_date_time_new_now_local ();

  if (options->language != NULL)
    {
      if (!g_strv_contains (languages, options->language))
        {
          g_autofree char *names = g_strjoinv (", ", (char **) languages);
          g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_LANGUAGE,
                       _("Parasol prints in %s, not “%s”."), names, options->language);
          return NULL;
        }
      self->language = g_strdup (options->language);
      /* English is the source language: no catalog */
      if (!g_str_equal (options->language, "en"))
        {
          self->catalog = catalog_get (options->language, error);
          if (self->catalog == NULL)
            return NULL;
        }
      chinese = g_str_has_prefix (options->language, "zh");
    }
  else
    {
      const char *const *names = g_get_language_names ();

      /* the interface's language; Chinese text wants the CJK face first */
      chinese = names[0] != NULL && g_str_has_prefix (names[0], "zh");
    }

  self->family = chinese ? "Noto Sans CJK SC, DejaVu Sans, Sans"
                         : "DejaVu Sans, Noto Sans CJK SC, Sans";

  /* Measured in points, without hinting: the same sizes on a PDF and on a printer */
  self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (self->context, 72.0);
  font_options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, font_options);
  cairo_font_options_destroy (font_options);
  pango_context_set_round_glyph_positions (self->context, FALSE);
  pango_context_set_language (self->context,
                              pango_language_from_string (chinese ? "zh-cn" : "en"));

  return g_steal_pointer (&self);
}

const char *
parasol_printout_get_language (ParasolPrintout *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->language;
}

/* ---- Strings ------------------------------------------------------------------------------- */

/* @msgid in the printout's language.  Strings are marked N_() or NC_() where they are written,
 * so that xgettext extracts them; @context NULL for none. */
static const char *
tr_ctx (ParasolPrintout *self,
        const char      *context,
        const char      *msgid)
{
  if (msgid == NULL || *msgid == '\0')
    return msgid;

  if (self->language == NULL)
    return context ? g_dpgettext2 (GETTEXT_PACKAGE, context, msgid)
                   : g_dgettext (GETTEXT_PACKAGE, msgid);

  if (self->catalog != NULL)
    {
      g_autofree char *key = context ? g_strconcat (context, "\004", msgid, NULL) : NULL;
      const char *found = g_hash_table_lookup (self->catalog, key ? key : msgid);

      if (found != NULL && *found != '\0')
        return found;
    }
  return msgid;
}

#define T(msgid) tr_ctx (self, NULL, (msgid))
#define TC(ctx, msgid) tr_ctx (self, (ctx), (msgid))

static const char *
weekday_short (ParasolPrintout *self,
               const GDate     *date)
{
  static const char *names[] = {
    NULL, NC_("weekday", "Mon"), NC_("weekday", "Tue"), NC_("weekday", "Wed"),
    NC_("weekday", "Thu"), NC_("weekday", "Fri"), NC_("weekday", "Sat"), NC_("weekday", "Sun"),
  };

  return TC ("weekday", names[g_date_get_weekday (date)]);
}

static const char *
weekday_long (ParasolPrintout *self,
              const GDate     *date)
{
  static const char *names[] = {
    NULL, NC_("weekday", "Monday"), NC_("weekday", "Tuesday"), NC_("weekday", "Wednesday"),
    NC_("weekday", "Thursday"), NC_("weekday", "Friday"), NC_("weekday", "Saturday"),
    NC_("weekday", "Sunday"),
  };

  return TC ("weekday", names[g_date_get_weekday (date)]);
}

/* "Tue 2026-12-22" (zh: "2026-12-22 周二") */
static char *
fmt_day (ParasolPrintout *self,
         const GDate     *date)
{
  char buf[PARASOL_DATE_BUF_SIZE];

  if (date == NULL || !g_date_valid (date))
    return g_strdup ("—");
  /* Translators: a weekday (%1$s, "Tue") and a date (%2$s, 2026-12-22) on a printout */
  return g_strdup_printf (TC ("printout", NC_ ("printout", "%1$s %2$s")), weekday_short (self, date),
                          parasol_date_format (date, buf, sizeof buf));
}

static const char *
superscript_digit (char c)
{
  static const char *digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };

  return c >= '0' && c <= '9' ? digits[c - '0'] : (c == '-' ? "⁻" : "");
}

static const char *
unit_name (ParasolPrintout *self,
           const char      *unit)
{
  if (g_strcmp0 (unit, "cells") == 0)
    return TC ("unit", NC_("unit", "cells"));
  return unit ? unit : "";
}

/* "180 mg", "8 × 10⁸ cells": the number as the dosing engine gave it */
static char *
fmt_dose (ParasolPrintout *self,
          double           value,
          const char      *unit)
{
  g_autofree char *number = NULL;

  if (!isfinite (value))
    return g_strdup ("—");

  if (fabs (value) >= 1e5)
    {
      g_autoptr(GString) str = g_string_new (NULL);
      char exp_buf[8];
      int exponent = (int) floor (log10 (fabs (value)));
      g_autofree char *mantissa = parasol_protocol_format_number (value / pow (10, exponent));

      g_snprintf (exp_buf, sizeof exp_buf, "%d", exponent);
      g_string_append_printf (str, "%s × 10", mantissa);
      for (const char *p = exp_buf; *p; p++)
        g_string_append (str, superscript_digit (*p));
      g_string_append_printf (str, " %s", unit_name (self, unit));
      return g_string_free (g_steal_pointer (&str), FALSE);
    }

  number = parasol_protocol_format_number (value);
  return g_strdup_printf ("%s %s", number, unit_name (self, unit));
}

static const char *
route_name (ParasolPrintout *self,
            const char      *route)
{
  if (g_strcmp0 (route, "IV") == 0)
    return TC ("route", NC_("route", "IV"));
  if (g_strcmp0 (route, "oral") == 0)
    return TC ("route", NC_("route", "oral"));
  if (g_strcmp0 (route, "SC") == 0)
    return TC ("route", NC_("route", "SC"));
  return route ? route : "";
}

/* A protocol name (drug, arm, title): extracted from the protocol file through data/its */
static const char *
protocol_name (ParasolPrintout *self,
               const char      *name)
{
  return name ? T (name) : NULL;
}

static const char *
drug_name (ParasolPrintout      *self,
           const ParasolRegimen *regimen,
           const char           *drug_id)
{
  const ParasolDrug *drug = parasol_dosing_find_drug (regimen, drug_id);

  return drug && drug->name ? protocol_name (self, drug->name) : drug_id;
}

static const char *
arm_name (ParasolPrintout *self,
          ParasolProtocol *protocol,
          const char      *arm_id)
{
  const ParasolArmDef *arm;

  if (arm_id == NULL)
    return T (N_("not assigned yet"));
  arm = parasol_protocol_find_arm (protocol, arm_id);
  return arm && arm->name ? protocol_name (self, arm->name) : arm_id;
}

/* "BT-0007 · AB": subject number (else screening number) and initials, never a name */
static char *
patient_label (const ParasolPatientFacts *facts)
{
  const char *key = facts->subject_number ? facts->subject_number : facts->screening_number;

  if (facts->initials != NULL)
    return g_strdup_printf ("%s · %s", key, facts->initials);
  return g_strdup (key);
}

/* ---- Layout helpers ----------------------------------------------------------------------- */

typedef enum {
  STYLE_BODY,
  STYLE_SMALL,
  STYLE_LABEL,     /* small grey caption */
  STYLE_BOLD,
  STYLE_HEADING,
  STYLE_TITLE,
} Style;

static PangoLayout *
make_layout (ParasolPrintout *self,
             Style            style,
             const char      *text,
             double           width,
             PangoAlignment   align)
{
  PangoLayout *layout = pango_layout_new (self->context);
  PangoFontDescription *desc = pango_font_description_from_string (self->family);
  double size = 9.0;

  switch (style)
    {
    case STYLE_BODY: size = 9.0; break;
    case STYLE_SMALL: size = 7.5; break;
    case STYLE_LABEL: size = 7.0; break;
    case STYLE_BOLD: size = 9.0; pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD); break;
    case STYLE_HEADING: size = 10.5; pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD); break;
    case STYLE_TITLE: size = 17.0; pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD); break;
    }
  pango_font_description_set_size (desc, (int) (size * PANGO_SCALE));
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);

  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, align);
  pango_layout_set_text (layout, text ? text : "", -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* Adds @layout (taken) at @x, @y; returns its height. */
static double
block_text (Block       *b,
            PangoLayout *layout,
            double       x,
            double       y)
{
  Op op = { OP_TEXT, x, y, 0, 0, 0, 0, layout };
  double h = layout_height (layout);

  g_array_append_val (b->ops, op);
  b->height = MAX (b->height, y + h);
  return h;
}

/* Lays out and adds text; returns its height. */
static double
block_add_text (ParasolPrintout *self,
                Block           *b,
                Style            style,
                const char      *text,
                double           x,
                double           y,
                double           width)
{
  return block_text (b, make_layout (self, style, text, width, PANGO_ALIGN_LEFT), x, y);
}

static void
block_line (Block  *b,
            double  x0,
            double  y0,
            double  x1,
            double  y1,
            double  line_width,
            double  grey)
{
  Op op = { OP_LINE, x0, y0, x1 - x0, y1 - y0, line_width, grey, NULL };

  g_array_append_val (b->ops, op);
  b->height = MAX (b->height, MAX (y0, y1) + line_width / 2);
}

static void
block_rect (Block    *b,
            gboolean  fill,
            double    x,
            double    y,
            double    w,
            double    h,
            double    line_width,
            double    grey)
{
  Op op = { fill ? OP_FILL : OP_RECT, x, y, w, h, line_width, grey, NULL };

  /* fills go under what is already there */
  if (fill)
    g_array_prepend_val (b->ops, op);
  else
    g_array_append_val (b->ops, op);
  b->height = MAX (b->height, y + h);
}

static double
content_width (ParasolPrintout *self)
{
  return self->width - 2 * MARGIN;
}

static double
body_height (ParasolPrintout *self)
{
  return self->height - 2 * MARGIN - BAND_HEIGHT - FOOTER_HEIGHT;
}

/* A table row: cells laid out in columns @x[i] (i < n; x[n] is the right edge); returns the
 * row's height.  Cells are padded 3 pt; a line below unless @last is drawn by the caller. */
static double
block_row (ParasolPrintout *self,
           Block           *b,
           double           y,
           const double    *x,
           guint            n,
           const Style     *styles,
           const char     **cells)
{
  const double pad = 3.0;
  double h = 0;
  g_autoptr(GPtrArray) layouts = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      PangoLayout *l = make_layout (self, styles[i], cells[i] ? cells[i] : "",
                                    x[i + 1] - x[i] - 2 * pad, PANGO_ALIGN_LEFT);

      g_ptr_array_add (layouts, l);
      h = MAX (h, layout_height (l));
    }
  for (guint i = 0; i < n; i++)
    block_text (b, g_ptr_array_index (layouts, i), x[i] + pad, y + pad);

  return h + 2 * pad;
}

/* ---- Pagination and drawing --------------------------------------------------------------- */

static void
paginate (ParasolPrintout *self)
{
  double body = body_height (self);

  if (self->pages != NULL)
    return;

  self->pages = g_ptr_array_new_with_free_func (g_free);
  for (guint s = 0; s < self->sections->len; s++)
    {
      Section *section = g_ptr_array_index (self->sections, s);
      guint first_page = self->pages->len;
      Page *page = NULL;
      double y = 0;

      for (guint i = 0; i < section->blocks->len; i++)
        {
          Block *b = g_ptr_array_index (section->blocks, i);
          double need = b->height;

          /* a heading comes with the block after it */
          if (b->keep_with_next && i + 1 < section->blocks->len)
            need += b->gap + ((Block *) g_ptr_array_index (section->blocks, i + 1))->height;

          if (page != NULL && page->n > 0 && y + need > body)
            page = NULL;
          if (page == NULL)
            {
              page = g_new0 (Page, 1);
              page->section = section;
              page->first = i;
              /* a page that starts inside a group repeats the group's heading */
              if (b->continued != NULL && !b->keep_with_next)
                page->continued = b->continued;
              g_ptr_array_add (self->pages, page);
              y = page->continued ? page->continued->height + page->continued->gap : 0;
            }
          page->n++;
          y += b->height + b->gap;
        }

      if (self->pages->len == first_page)
        {
          page = g_new0 (Page, 1);
          page->section = section;
          g_ptr_array_add (self->pages, page);
        }
      for (guint p = first_page; p < self->pages->len; p++)
        {
          Page *pg = g_ptr_array_index (self->pages, p);

          pg->number = p - first_page + 1;
          pg->total = self->pages->len - first_page;
        }
    }
}

int
parasol_printout_get_n_pages (ParasolPrintout *self)
{
  g_return_val_if_fail (self != NULL, 0);

  paginate (self);
  return self->pages->len;
}

void
parasol_printout_get_page_size (ParasolPrintout *self,
                                double          *width,
                                double          *height)
{
  g_return_if_fail (self != NULL);

  if (width)
    *width = self->width;
  if (height)
    *height = self->height;
}

static void
draw_block (cairo_t *cr,
            Block   *b,
            double   x0,
            double   y0)
{
  for (guint i = 0; i < b->ops->len; i++)
    {
      const Op *op = &g_array_index (b->ops, Op, i);

      cairo_set_source_rgb (cr, op->grey, op->grey, op->grey);
      switch (op->kind)
        {
        case OP_TEXT:
          cairo_move_to (cr, x0 + op->x, y0 + op->y);
          pango_cairo_show_layout (cr, op->layout);
          break;
        case OP_LINE:
          cairo_set_line_width (cr, op->line_width);
          cairo_move_to (cr, x0 + op->x, y0 + op->y);
          cairo_rel_line_to (cr, op->w, op->h);
          cairo_stroke (cr);
          break;
        case OP_RECT:
          cairo_set_line_width (cr, op->line_width);
          cairo_rectangle (cr, x0 + op->x, y0 + op->y, op->w, op->h);
          cairo_stroke (cr);
          break;
        case OP_FILL:
          cairo_rectangle (cr, x0 + op->x, y0 + op->y, op->w, op->h);
          cairo_fill (cr);
          break;
        }
    }
}

void
parasol_printout_draw_page (ParasolPrintout *self,
                            cairo_t         *cr,
                            int              page_nr)
{
  const Page *page;
  double x = MARGIN, y, w = content_width (self);
  g_autoptr(Block) frame = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  paginate (self);
  g_return_if_fail (page_nr >= 0 && (guint) page_nr < self->pages->len);
  page = g_ptr_array_index (self->pages, page_nr);

  cairo_save (cr);

  /* Running header, footer and page number */
  frame = block_new ();
  {
    g_autofree char *number = g_strdup_printf (T (N_("Page %d of %d")), page->number, page->total);
    PangoLayout *num = make_layout (self, STYLE_SMALL, number, w / 3, PANGO_ALIGN_RIGHT);
    double fy = self->height - MARGIN - FOOTER_HEIGHT + 6;

    block_add_text (self, frame, STYLE_SMALL, page->section->running, 0, 0, w * 0.8);
    block_line (frame, 0, BAND_HEIGHT - 5, w, BAND_HEIGHT - 5, 0.5, 0.55);

    block_line (frame, 0, fy - MARGIN, w, fy - MARGIN, 0.5, 0.55);
    block_add_text (self, frame, STYLE_SMALL, page->section->footer_left, 0, fy - MARGIN + 3,
                    w * 2 / 3);
    block_text (frame, num, w * 2 / 3, fy - MARGIN + 3);
    if (page->section->footer_note != NULL)
      block_add_text (self, frame, STYLE_LABEL, page->section->footer_note, 0, fy - MARGIN + 14, w);
  }
  draw_block (cr, frame, x, MARGIN);

  y = MARGIN + BAND_HEIGHT;
  if (page->continued != NULL)
    {
      draw_block (cr, page->continued, x, y);
      y += page->continued->height + page->continued->gap;
    }
  for (guint i = page->first; i < page->first + page->n; i++)
    {
      Block *b = g_ptr_array_index (page->section->blocks, i);

      draw_block (cr, b, x, y);
      y += b->height + b->gap;
    }

  cairo_restore (cr);
}

/* ---- One patient's schedule --------------------------------------------------------------- */

static char *
footer_left (ParasolPrintout *self,
             ParasolProtocol *protocol)
{
  g_autofree char *when = g_date_time_format (self->printed_at, "%Y-%m-%d %H:%M (UTC%:z)");

  return g_strdup_printf (T (N_("%s protocol version %s · printed %s")),
                          parasol_protocol_get_id (protocol),
                          parasol_protocol_get_version (protocol), when);
}

/* One field of the header grid: a caption over a value */
static double
header_field (ParasolPrintout *self,
              Block           *b,
              const char      *caption,
              const char      *value,
              double           x,
              double           y,
              double           width)
{
  double h = block_add_text (self, b, STYLE_LABEL, caption, x, y, width);

  return h + 1 + block_add_text (self, b, STYLE_BOLD, value ? value : "—", x, y + h + 1, width);
}

/* "1–3" / "1, 3, 8" : cycle days */
static char *
fmt_days (GArray *days)
{
  g_autoptr(GString) str = g_string_new (NULL);
  guint i = 0;

  while (i < days->len)
    {
      int start = g_array_index (days, int, i);
      guint j = i;

      while (j + 1 < days->len && g_array_index (days, int, j + 1) == g_array_index (days, int, j) + 1)
        j++;
      if (str->len > 0)
        g_string_append (str, ", ");
      if (j - i >= 2)
        g_string_append_printf (str, "%d–%d", start, g_array_index (days, int, j));
      else
        {
          g_string_append_printf (str, "%d", start);
          if (j > i)
            g_string_append_printf (str, ", %d", g_array_index (days, int, j));
        }
      i = j + 1;
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static const char *
dose_mark (ParasolPrintout            *self,
           const ParasolScheduledDose *d)
{
  switch (d->status)
    {
    case PARASOL_DOSE_STATUS_GIVEN: return T (N_(" ✓ given"));
    case PARASOL_DOSE_STATUS_REDUCED: return T (N_(" ✓ given, reduced"));
    case PARASOL_DOSE_STATUS_SKIPPED: return T (N_(" ✗ not given"));
    case PARASOL_DOSE_STATUS_PLANNED:
    default: return "";
    }
}

/* The dates of @drug in @cycle: runs of three or more days as a range */
static char *
fmt_drug_dates (ParasolPrintout            *self,
                const ParasolScheduleCycle *cycle,
                const char                 *drug,
                GArray                     *days)
{
  g_autoptr(GPtrArray) doses = g_ptr_array_new ();
  g_autoptr(GString) str = g_string_new (NULL);
  guint i = 0;

  for (guint k = 0; k < cycle->doses->len; k++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (cycle->doses, k);

      if (g_strcmp0 (d->drug, drug) == 0)
        {
          g_ptr_array_add (doses, (gpointer) d);
          g_array_append_val (days, d->cycle_day);
        }
    }

  while (i < doses->len)
    {
      const ParasolScheduledDose *a = g_ptr_array_index (doses, i);
      guint j = i;

      while (j + 1 < doses->len)
        {
          const ParasolScheduledDose *p = g_ptr_array_index (doses, j);
          const ParasolScheduledDose *q = g_ptr_array_index (doses, j + 1);

          if (q->status != a->status || g_date_days_between (&p->date, &q->date) != 1)
            break;
          j++;
        }

      if (str->len > 0)
        g_string_append (str, "\n");
      if (j - i >= 2)
        {
          const ParasolScheduledDose *z = g_ptr_array_index (doses, j);
          g_autofree char *from = fmt_day (self, &a->date);
          g_autofree char *to = fmt_day (self, &z->date);

          g_string_append_printf (str, "%s – %s%s", from, to, dose_mark (self, a));
          i = j + 1;
        }
      else
        {
          g_autofree char *day = fmt_day (self, &a->date);

          g_string_append_printf (str, "%s%s", day, dose_mark (self, a));
          i++;
        }
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static Block *
schedule_cycle_block (ParasolPrintout            *self,
                      const ParasolRegimen       *regimen,
                      const ParasolSchedule      *schedule,
                      const ParasolScheduleCycle *c,
                      const ParasolDoseSet       *set)
{
  Block *b = block_new ();
  double w = content_width (self);
  double y;
  g_autofree char *day1 = fmt_day (self, &c->start);
  g_autofree char *ws = fmt_day (self, &c->window_start);
  g_autofree char *we = fmt_day (self, &c->window_end);
  g_autofree char *lf = fmt_day (self, &c->labs_from);
  g_autofree char *lt = fmt_day (self, &c->labs_to);
  g_autoptr(GPtrArray) drugs_seen = g_ptr_array_new ();

  /* Title bar */
  {
    g_autofree char *title = g_strdup_printf (T (N_("Cycle %d · %s · %d days")), c->number,
                                              c->phase == PARASOL_PHASE_MAINTENANCE
                                                ? T (N_("maintenance")) : T (N_("induction")),
                                              c->length_days);
    g_autofree char *right = g_strdup_printf (T (N_("Day 1: %s")), day1);
    PangoLayout *r = make_layout (self, STYLE_HEADING, right, w / 2 - 6, PANGO_ALIGN_RIGHT);
    double h = block_add_text (self, b, STYLE_HEADING, title, 6, 4, w / 2);

    block_text (b, r, w / 2, 4);
    block_rect (b, TRUE, 0, 0, w, h + 8, 0, 0.88);
    y = h + 8 + 4;
  }

  /* Window, status, labs, imaging */
  {
    g_autoptr(GString) lines = g_string_new (NULL);
    g_autofree char *window = g_strdup_printf (T (N_("Visit window for day 1: %s to %s.")), ws, we);

    g_string_append (lines, window);
    switch (c->status)
      {
      case PARASOL_CYCLE_DELAYED:
        g_string_append (lines, "\n");
        g_string_append_printf (lines, T (N_("Delayed by %d days: %s")), c->delay_days,
                                c->reason ? c->reason : "—");
        break;
      case PARASOL_CYCLE_STARTED:
        g_string_append (lines, "\n");
        g_string_append (lines, T (N_("Started.")));
        break;
      case PARASOL_CYCLE_SKIPPED:
        g_string_append (lines, "\n");
        g_string_append_printf (lines, T (N_("Skipped: %s")), c->reason ? c->reason : "—");
        break;
      case PARASOL_CYCLE_PLANNED:
      default:
        break;
      }
    if (c->deviation)
      {
        g_string_append (lines, "\n");
        g_string_append (lines, T (N_("Day 1 is outside the visit window (protocol deviation).")));
      }
    g_string_append (lines, "\n");
    g_string_append_printf (lines, T (N_("Blood tests (full blood count, liver and kidney): "
                                         "between %s and %s, before day 1.")), lf, lt);

    for (guint i = 0; i < schedule->visits->len; i++)
      {
        const ParasolScheduleVisit *v = g_ptr_array_index (schedule->visits, i);
        g_autofree char *date = NULL, *from = NULL, *to = NULL;

        if (v->kind != PARASOL_VISIT_IMAGING || g_date_compare (&v->date, &c->start) < 0 ||
            g_date_compare (&v->date, &c->end) > 0)
          continue;
        date = fmt_day (self, &v->date);
        from = fmt_day (self, &v->window_start);
        to = fmt_day (self, &v->window_end);
        g_string_append (lines, "\n");
        g_string_append_printf (lines, T (N_("Imaging (CT scan, RECIST 1.1) no. %d: %s, "
                                             "window %s to %s.")), v->number, date, from, to);
      }
    y += block_add_text (self, b, STYLE_BODY, lines->str, 6, y, w - 12) + 5;
  }

  /* Treatment table */
  {
    const double x[] = { 0, w * 0.20, w * 0.29, w * 0.43, w * 0.52, w * 0.88, w };
    const Style head_styles[] = { STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL };
    const Style row_styles[] = { STYLE_BOLD, STYLE_BODY, STYLE_BOLD, STYLE_BODY, STYLE_BODY, STYLE_BODY };
    const char *head[] = { T (N_("Drug")), T (N_("Route")), T (N_("Dose")), T (N_("Cycle days")),
                           T (N_("Dates")), T (N_("Given by")) };
    double top = y;

    y += block_row (self, b, y, x, 6, head_styles, head);
    block_line (b, 0, y, w, y, 0.6, 0.3);

    for (guint k = 0; k < c->doses->len; k++)
      {
        const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);
        const ParasolDose *calc = set ? parasol_dose_set_find (set, d->drug) : NULL;
        const ParasolDrug *drug = parasol_dosing_find_drug (regimen, d->drug);
        g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (int));
        g_autofree char *dates = NULL, *day_list = NULL, *dose = NULL, *name = NULL;
        const char *cells[6];

        if (g_ptr_array_find_with_equal_func (drugs_seen, d->drug, g_str_equal, NULL))
          continue;
        g_ptr_array_add (drugs_seen, d->drug);

        dates = fmt_drug_dates (self, c, d->drug, days);
        day_list = fmt_days (days);
        if (calc != NULL)
          {
            g_autofree char *amount = fmt_dose (self, calc->dose, calc->unit);

            dose = calc->configurable ? g_strdup_printf ("%s †", amount) : g_steal_pointer (&amount);
          }
        else
          dose = g_strdup (T (N_("not calculated")));
        name = g_strdup (drug_name (self, regimen, d->drug));

        cells[0] = name;
        cells[1] = route_name (self, drug ? drug->route : NULL);
        cells[2] = dose;
        cells[3] = day_list;
        cells[4] = dates;
        cells[5] = "";
        y += block_row (self, b, y, x, 6, row_styles, cells);
        block_line (b, 0, y, w, y, 0.4, 0.6);
      }
    if (drugs_seen->len == 0)
      y += block_add_text (self, b, STYLE_BODY, T (N_("No treatment in this cycle.")), 6, y + 3,
                           w - 12) + 6;

    for (guint i = 1; i < G_N_ELEMENTS (x) - 1; i++)
      block_line (b, x[i], top, x[i], y, 0.4, 0.6);
    block_rect (b, FALSE, 0, top, w, y - top, 0.6, 0.3);
    y += 6;
  }

  /* Notes and signatures */
  {
    const char *who[] = { T (N_("Pharmacist")), T (N_("Nurse")), T (N_("Investigator")) };
    double h = block_add_text (self, b, STYLE_LABEL, T (N_("Notes")), 0, y, w);

    block_rect (b, FALSE, 0, y + h + 1, w, 30, 0.5, 0.5);
    y += h + 1 + 30 + 14;
    for (guint i = 0; i < G_N_ELEMENTS (who); i++)
      {
        double cx = i * w / 3;
        g_autofree char *caption = g_strdup_printf (T (N_("%s: signature and date")), who[i]);

        block_line (b, cx, y, cx + w / 3 - 12, y, 0.5, 0.3);
        block_add_text (self, b, STYLE_LABEL, caption, cx, y + 2, w / 3 - 12);
      }
  }

  return b;
}

static char *
cycles_label (ParasolPrintout *self,
                   int              first,
                   int              last)
{
  if (first == last)
    return g_strdup_printf (T (N_("cycle %d")), first);
  return g_strdup_printf (T (N_("cycles %d to %d")), first, last);
}

gboolean
parasol_printout_add_schedule (ParasolPrintout *self,
                               ParasolStore    *store,
                               ParasolProtocol *protocol,
                               gint64           patient_id,
                               GError         **error)
{
  const ParasolRegimen *regimen;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolPatientPlan) plan = NULL;
  ParasolScheduleOptions sopts;
  Section *section;
  Block *header;
  GDate wd;
  int first = self->first_cycle, last = self->last_cycle;
  guint n;
  double w = content_width (self), y = 0;
  g_autofree char *who = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (PARASOL_IS_STORE (store), FALSE);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  regimen = parasol_protocol_get_regimen (protocol);
  facts = parasol_store_load_patient (store, patient_id, error);
  if (facts == NULL)
    return FALSE;

  /* List at least up to the last cycle asked for */
  parasol_schedule_options_init (&sopts);
  if (last > regimen->induction_cycles)
    sopts.max_maintenance_cycles = last - regimen->induction_cycles;

  wd = parasol_patient_weight_date (store, patient_id);
  plan = parasol_patient_plan_build (regimen, facts, &wd, &sopts, error);
  if (plan == NULL)
    return FALSE;

  n = plan->schedule->cycles->len;
  if (first == 0)
    {
      const ParasolScheduleCycle *next = parasol_patient_plan_next_cycle (plan);

      first = next ? next->number : MAX (1, (int) n - 3);
      last = MIN (first + 3, (int) n);
    }
  else if (last == 0)
    last = first;
  if (n == 0 || last > (int) n)
    {
      who = patient_label (facts);
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("Cycle %d is not in the calendar of %s: it lists cycles 1 to %u."),
                   last, who, n);
      return FALSE;
    }

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  section = section_new ();
  g_ptr_array_add (self->sections, section);
  who = patient_label (facts);
  section->running = g_strdup_printf (T (N_("%s · Treatment schedule · %s")),
                                      parasol_protocol_get_id (protocol), who);
  section->footer_left = footer_left (self, protocol);
  {
    char buf[PARASOL_DATE_BUF_SIZE];
    g_autoptr(GDateTime) local = g_date_time_to_local (self->printed_at);
    GDate today;

    g_date_clear (&today, 1);
    g_date_set_dmy (&today, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                    g_date_time_get_year (local));
    section->footer_note = g_strdup_printf (T (N_("These are the doses as calculated on %s from "
                                                  "the weight, height and blood tests recorded "
                                                  "then. They are checked again before each "
                                                  "cycle; ask your care team if anything changes.")),
                                            parasol_date_format (&today, buf, sizeof buf));
  }

  /* Header: trial, site, patient, arm, checkpoint inhibitor, C1D1 */
  header = block_new ();
  g_ptr_array_add (section->blocks, header);
  y += block_add_text (self, header, STYLE_TITLE, T (N_("Treatment schedule")), 0, y, w);
  {
    g_autofree char *trial = g_strdup_printf ("%s (%s) — %s", parasol_protocol_get_id (protocol),
                                              parasol_protocol_get_registry_id (protocol),
                                              protocol_name (self, parasol_protocol_get_title (protocol)));

    y += block_add_text (self, header, STYLE_SMALL, trial, 0, y + 2, w) + 8;
  }
  {
    const ParasolDrug *ici = facts->ici ? parasol_regimen_find_ici (regimen, facts->ici)
                                        : parasol_regimen_find_ici (regimen, regimen->default_ici);
    g_autofree char *patient = NULL;
    g_autofree char *c1d1 = fmt_day (self, &facts->c1d1);
    g_autofree char *cycles = cycles_label (self, first, last);
    const char *ici_text = ici && ici->name ? protocol_name (self, ici->name) : "—";
    g_autofree char *ici_default = NULL;
    double col = w / 3, h1, h2;
    double top = y;

    if (facts->subject_number && facts->screening_number)
      patient = g_strdup_printf (T (N_("%s (screening %s)")), facts->subject_number,
                                 facts->screening_number);
    else
      patient = g_strdup (facts->screening_number);
    if (facts->initials)
      {
        char *with = g_strdup_printf (T (N_("%s, initials %s")), patient, facts->initials);
        g_free (patient);
        patient = with;
      }
    if (facts->ici == NULL && ici != NULL)
      ici_text = ici_default = g_strdup_printf (T (N_("%s (default, not yet chosen)")), ici_text);

    y += 5;
    {
      double a = header_field (self, header, T (N_("Site")), facts->site, 6, y, col - 12);
      double b = header_field (self, header, T (N_("Patient")), patient, col + 6, y, col - 12);
      double c = header_field (self, header, T (N_("Arm")), arm_name (self, protocol, facts->arm),
                               2 * col + 6, y, col - 12);

      h1 = MAX (a, MAX (b, c));
    }
    y += h1 + 6;
    {
      double a = header_field (self, header, T (N_("Checkpoint inhibitor")), ici_text, 6, y,
                               col - 12);
      double b = header_field (self, header, T (N_("Cycle 1 day 1")), c1d1, col + 6, y, col - 12);
      double c = header_field (self, header, T (N_("On this schedule")), cycles, 2 * col + 6, y,
                               col - 12);

      h2 = MAX (a, MAX (b, c));
    }
    y += h2 + 5;
    block_rect (header, FALSE, 0, top, w, y - top, 0.6, 0.3);
    y += 6;
  }

  /* What the doses were calculated from */
  {
    const ParasolDoseSet *set = parasol_patient_plan_get_doses (plan, first);
    const ParasolScheduleCycle *c = parasol_schedule_get_cycle (plan->schedule, first);
    ParasolPatientDosing pd;
    g_autoptr(GString) basis = g_string_new (NULL);
    gboolean configurable = FALSE;

    if (set != NULL && parasol_patient_dosing_init (&pd, facts, regimen, &c->start, &wd, NULL))
      {
        g_autofree char *height = parasol_protocol_format_number (pd.input.height_cm);
        g_autofree char *weight = parasol_protocol_format_number (pd.input.weight_kg);
        g_autofree char *bsa = g_strdup_printf ("%.2f", set->bsa_m2);
        g_autofree char *crcl = g_strdup_printf ("%.0f", set->crcl_ml_min);

        const char *calvert = NULL;   /* the drug dosed by AUC */

        for (int i = first; i <= last; i++)
          {
            const ParasolDoseSet *s = parasol_patient_plan_get_doses (plan, i);

            for (guint k = 0; s != NULL && k < s->doses->len; k++)
              {
                const ParasolDose *d = g_ptr_array_index (s->doses, k);
                const ParasolDrug *drug = parasol_dosing_find_drug (regimen, d->drug);

                if (drug != NULL && drug->basis == PARASOL_DOSE_BASIS_AUC)
                  calvert = drug_name (self, regimen, d->drug);
              }
          }

        if (isfinite (set->crcl_ml_min))
          g_string_append_printf (basis, T (N_("Doses calculated from height %s cm, weight %s "
                                               "kg (body surface area %s m²) and creatinine "
                                               "clearance %s mL/min.")), height, weight, bsa, crcl);
        if (isfinite (set->crcl_ml_min) && calvert != NULL && isfinite (set->gfr_used_ml_min) &&
            set->gfr_used_ml_min < set->crcl_ml_min - 0.5)
          {
            g_autofree char *gfr = g_strdup_printf ("%.0f", set->gfr_used_ml_min);

            g_string_append (basis, " ");
            /* Translators: "Carboplatin uses 125 mL/min, ..." */
            g_string_append_printf (basis, T (N_("%s uses a GFR of %s mL/min, the protocol's "
                                                 "cap for the Calvert formula.")), calvert, gfr);
          }
        if (!isfinite (set->crcl_ml_min))
          g_string_append_printf (basis, T (N_("Doses calculated from height %s cm and weight "
                                               "%s kg (body surface area %s m²).")),
                                  height, weight, bsa);
      }
    else
      g_string_append (basis, T (N_("Doses could not be calculated: the weight, height or "
                                    "creatinine is missing. Record them and print again.")));

    for (int i = first; i <= last; i++)
      {
        const ParasolDoseSet *s = parasol_patient_plan_get_doses (plan, i);

        for (guint k = 0; s != NULL && k < s->doses->len; k++)
          configurable |= ((const ParasolDose *) g_ptr_array_index (s->doses, k))->configurable;
      }
    if (configurable)
      {
        g_string_append (basis, "\n");
        g_string_append (basis, T (N_("† A dose or day the published protocol leaves open: the "
                                      "site's setting.")));
      }
    y += block_add_text (self, header, STYLE_SMALL, basis->str, 0, y, w);
  }

  /* A visible flag, never a silent omission: the calendar still lists what was planned */
  if (g_strcmp0 (facts->status, "off_treatment") == 0)
    y += 4 + block_add_text (self, header, STYLE_BOLD,
                             T (N_("The patient is recorded as off treatment: cycles that have "
                                   "not started are shown as they were planned.")),
                             0, y + 4, w);

  for (int i = first; i <= last; i++)
    g_ptr_array_add (section->blocks,
                     schedule_cycle_block (self, regimen, plan->schedule,
                                           parasol_schedule_get_cycle (plan->schedule, i),
                                           parasol_patient_plan_get_doses (plan, i)));

  return TRUE;
}

/* ---- The clinic week ---------------------------------------------------------------------- */

typedef struct {
  GDate        date;
  int          kind;
  char        *patient;
  char        *arm;
  char        *visit;
  char        *details;
} WeekItem;

static void
week_item_free (WeekItem *item)
{
  g_free (item->patient);
  g_free (item->arm);
  g_free (item->visit);
  g_free (item->details);
  g_free (item);
}

static int
compare_week_items (gconstpointer a,
                    gconstpointer b)
{
  const WeekItem *x = *(const WeekItem **) a, *y = *(const WeekItem **) b;
  int c = g_date_compare (&x->date, &y->date);

  if (c != 0)
    return c;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return g_strcmp0 (x->patient, y->patient);
}

typedef struct {
  GArray *ids;
  GDate   sunday;
} WeekScan;

static void
week_scan_row (const ParasolPatientRow *row,
               gpointer                 user_data)
{
  WeekScan *scan = user_data;
  GDate c1d1;

  if (g_strcmp0 (row->status, "enrolled") != 0 && g_strcmp0 (row->status, "on_treatment") != 0)
    return;
  if (row->c1d1 == NULL || !parasol_date_parse_iso (row->c1d1, &c1d1))
    return;
  /* labs for cycle 1 come a few days before C1D1 */
  g_date_subtract_days (&c1d1, 7);
  if (g_date_compare (&c1d1, &scan->sunday) > 0)
    return;
  g_array_append_val (scan->ids, row->id);
}

/* "Etoposide 180 mg, Carboplatin 650 mg" for the doses of @c on @date */
static char *
drugs_on (ParasolPrintout            *self,
          const ParasolRegimen       *regimen,
          const ParasolScheduleCycle *c,
          const ParasolDoseSet       *set,
          const GDate                *date)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint k = 0; k < c->doses->len; k++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);
      const ParasolDose *calc = set ? parasol_dose_set_find (set, d->drug) : NULL;
      g_autofree char *dose = calc ? fmt_dose (self, calc->dose, calc->unit) : NULL;

      if (g_date_compare (&d->date, date) != 0)
        continue;
      if (str->len > 0)
        g_string_append (str, TC ("list separator", NC_("list separator", ", ")));
      g_string_append (str, drug_name (self, regimen, d->drug));
      if (dose != NULL)
        g_string_append_printf (str, " %s", dose);
      g_string_append (str, dose_mark (self, d));
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
week_add_patient (ParasolPrintout *self,
                  ParasolStore    *store,
                  ParasolProtocol *protocol,
                  gint64           id,
                  const GDate     *monday,
                  const GDate     *sunday,
                  GPtrArray       *items,
                  GString         *problems)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolPatientPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *who = NULL;
  GDate wd;

  facts = parasol_store_load_patient (store, id, &error);
  if (facts != NULL)
    {
      wd = parasol_patient_weight_date (store, id);
      plan = parasol_patient_plan_build (regimen, facts, &wd, NULL, &error);
    }
  if (plan == NULL)
    {
      g_string_append_printf (problems, "\n%s: %s",
                              facts ? (who = patient_label (facts)) : "?", error->message);
      return;
    }
  who = patient_label (facts);

  for (guint i = 0; i < plan->schedule->visits->len; i++)
    {
      const ParasolScheduleVisit *v = g_ptr_array_index (plan->schedule->visits, i);
      const ParasolScheduleCycle *c = v->cycle > 0 ? parasol_schedule_get_cycle (plan->schedule, v->cycle) : NULL;
      const ParasolDoseSet *set = v->cycle > 0 ? parasol_patient_plan_get_doses (plan, v->cycle) : NULL;
      g_autofree char *from = fmt_day (self, &v->window_start);
      g_autofree char *to = fmt_day (self, &v->window_end);
      WeekItem *item;

      if (g_date_compare (&v->date, monday) < 0 || g_date_compare (&v->date, sunday) > 0)
        continue;

      item = g_new0 (WeekItem, 1);
      item->date = v->date;
      item->kind = v->kind;
      item->patient = g_strdup (who);
      item->arm = g_strdup (arm_name (self, protocol, facts->arm));
      switch (v->kind)
        {
        case PARASOL_VISIT_LABS:
          {
            g_autofree char *anc = parasol_protocol_format_number (regimen->start_anc_min);
            g_autofree char *plt = parasol_protocol_format_number (regimen->start_plt_min);

            item->visit = g_strdup_printf (T (N_("Cycle %d: blood tests")), v->cycle);
            item->details = g_strdup_printf (T (N_("Between %s and %s; ANC ≥ %s and PLT ≥ %s "
                                                   "× 10⁹/⁠L to start")), from, to, anc, plt);
          }
          break;
        case PARASOL_VISIT_CYCLE_START:
          {
            g_autofree char *drugs = c ? drugs_on (self, regimen, c, set, &v->date) : g_strdup ("");

            item->visit = g_strdup_printf (T (N_("Cycle %d day 1")), v->cycle);
            if (c != NULL && c->status == PARASOL_CYCLE_SKIPPED)
              item->details = g_strdup_printf (T (N_("Skipped: %s")), c->reason ? c->reason : "—");
            else
              item->details = g_strdup_printf (T (N_("%s; window %s to %s")),
                                               *drugs ? drugs : T (N_("no treatment")), from, to);
          }
          break;
        case PARASOL_VISIT_ADMINISTRATION:
          item->visit = g_strdup_printf (T (N_("Cycle %d day %d")), v->cycle,
                                         c ? (int) g_date_days_between (&c->start, &v->date) + 1 : 0);
          item->details = c ? drugs_on (self, regimen, c, set, &v->date) : g_strdup ("");
          break;
        case PARASOL_VISIT_IMAGING:
        default:
          item->visit = g_strdup_printf (T (N_("Imaging (RECIST 1.1) no. %d")), v->number);
          item->details = g_strdup_printf (T (N_("CT scan; window %s to %s")), from, to);
          break;
        }
      g_ptr_array_add (items, item);
    }
}

static Block *
week_day_heading (ParasolPrintout *self,
                  const GDate     *day,
                  guint            count,
                  gboolean         continued,
                  const double    *x)
{
  Block *b = block_new ();
  double w = content_width (self), y;
  char buf[PARASOL_DATE_BUF_SIZE];
  g_autofree char *title = NULL;
  const Style styles[] = { STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL };
  const char *head[] = { T (N_("Patient")), T (N_("Arm")), T (N_("Visit")), T (N_("Details")),
                         T (N_("Done")) };

  if (continued)
    title = g_strdup_printf (T (N_("%s %s (continued)")), weekday_long (self, day),
                             parasol_date_format (day, buf, sizeof buf));
  else if (count == 0)
    title = g_strdup_printf (T (N_("%s %s — nothing due")), weekday_long (self, day),
                             parasol_date_format (day, buf, sizeof buf));
  else
    title = g_strdup_printf (T (N_("%s %s — %u due")), weekday_long (self, day),
                             parasol_date_format (day, buf, sizeof buf), count);

  y = block_add_text (self, b, STYLE_HEADING, title, 6, 3, w - 12) + 6;
  block_rect (b, TRUE, 0, 0, w, y, 0, 0.88);
  if (count > 0)
    {
      y += block_row (self, b, y, x, 5, styles, head);
      block_line (b, 0, y, w, y, 0.6, 0.3);
    }
  b->keep_with_next = count > 0 && !continued;
  b->gap = count > 0 ? 0 : BLOCK_GAP;
  return b;
}

gboolean
parasol_printout_add_week (ParasolPrintout *self,
                           ParasolStore    *store,
                           ParasolProtocol *protocol,
                           const GDate     *monday,
                           GError         **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) week_item_free);
  g_autoptr(GHashTable) patients = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) problems = g_string_new (NULL);
  WeekScan scan = { 0 };
  GDate sunday;
  Section *section;
  Block *header;
  double w, y = 0;
  guint next = 0;
  double x[6];

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (PARASOL_IS_STORE (store), FALSE);
  g_return_val_if_fail (monday != NULL && g_date_valid (monday), FALSE);

  if (g_date_get_weekday (monday) != G_DATE_MONDAY)
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("A clinic week starts on a Monday."));
      return FALSE;
    }
  sunday = *monday;
  g_date_add_days (&sunday, 6);

  scan.ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  scan.sunday = sunday;
  if (!parasol_store_foreach_patient (store, 0, week_scan_row, &scan, error))
    {
      g_array_unref (scan.ids);
      return FALSE;
    }
  for (guint i = 0; i < scan.ids->len; i++)
    week_add_patient (self, store, protocol, g_array_index (scan.ids, gint64, i), monday, &sunday,
                      items, problems);
  g_array_unref (scan.ids);
  g_ptr_array_sort (items, compare_week_items);
  for (guint i = 0; i < items->len; i++)
    g_hash_table_add (patients, ((WeekItem *) g_ptr_array_index (items, i))->patient);

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  section = section_new ();
  g_ptr_array_add (self->sections, section);
  w = content_width (self);
  x[0] = 0; x[1] = w * 0.17; x[2] = w * 0.33; x[3] = w * 0.52; x[4] = w * 0.92; x[5] = w;

  {
    g_autofree char *week = NULL;
    g_autofree char *from = fmt_day (self, monday);
    g_autofree char *to = fmt_day (self, &sunday);
    g_autofree char *summary = NULL;
    GDate thursday = *monday;

    g_date_add_days (&thursday, 3);
    week = g_strdup_printf ("%04d-W%02u", g_date_get_year (&thursday),
                            g_date_get_iso8601_week_of_year (monday));
    section->running = g_strdup_printf (T (N_("%s · Clinic week %s")),
                                        parasol_protocol_get_id (protocol), week);
    section->footer_left = footer_left (self, protocol);
    section->footer_note = g_strdup (T (N_("Visits and doses as planned on the print date; "
                                           "delays recorded later move them.")));

    header = block_new ();
    g_ptr_array_add (section->blocks, header);
    {
      g_autofree char *title = g_strdup_printf (T (N_("Clinic week %s")), week);

      y += block_add_text (self, header, STYLE_TITLE, title, 0, y, w);
    }
    summary = g_strdup_printf (T (N_("%s to %s · %u patients · %u visits · %s (%s)")), from, to,
                               g_hash_table_size (patients), items->len,
                               parasol_protocol_get_id (protocol),
                               parasol_protocol_get_registry_id (protocol));
    y += block_add_text (self, header, STYLE_BODY, summary, 0, y + 2, w);
    if (problems->len > 0)
      {
        g_autofree char *text = g_strdup_printf ("%s%s", T (N_("Not listed: the calendar of these "
                                                               "patients could not be built.")),
                                                 problems->str);

        y += 4 + block_add_text (self, header, STYLE_SMALL, text, 0, y + 4, w);
      }
  }

  for (int d = 0; d < 7; d++)
    {
      GDate day = *monday;
      guint count = 0;
      Block *heading, *continued;

      g_date_add_days (&day, d);
      for (guint i = next; i < items->len; i++)
        if (g_date_compare (&((WeekItem *) g_ptr_array_index (items, i))->date, &day) == 0)
          count++;

      heading = week_day_heading (self, &day, count, FALSE, x);
      g_ptr_array_add (section->blocks, heading);
      if (count == 0)
        continue;
      continued = week_day_heading (self, &day, count, TRUE, x);
      g_ptr_array_add (section->extra, continued);

      for (guint i = next; i < next + count; i++)
        {
          const WeekItem *item = g_ptr_array_index (items, i);
          const Style styles[] = { STYLE_BOLD, STYLE_BODY, STYLE_BOLD, STYLE_BODY, STYLE_BODY };
          const char *cells[] = { item->patient, item->arm, item->visit, item->details, "" };
          Block *row = block_new ();
          double h = block_row (self, row, 0, x, 5, styles, cells);

          block_line (row, 0, h, w, h, 0.4, 0.6);
          block_rect (row, FALSE, x[4] + (x[5] - x[4]) / 2 - 5, 4, 10, 10, 0.7, 0.2);
          row->continued = continued;
          row->gap = i + 1 < next + count ? 0 : BLOCK_GAP;
          g_ptr_array_add (section->blocks, row);
        }
      next += count;
    }

  return TRUE;
}

/* ---- PDF ---------------------------------------------------------------------------------- */

typedef struct {
  int     fd;
  int     saved_errno;
} PdfStream;

static cairo_status_t
pdf_write (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  PdfStream *stream = closure;

  while (length > 0)
    {
      gssize n = write (stream->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          stream->saved_errno = n < 0 ? errno : ENOSPC;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= n;
    }
  return CAIRO_STATUS_SUCCESS;
}

gboolean
parasol_printout_write_pdf (ParasolPrintout *self,
                            const char      *path,
                            gboolean         overwrite,
                            GError         **error)
{
  g_autofree char *dir = NULL, *base = NULL, *tmp = NULL;
  g_autofree char *title = NULL;
  PdfStream stream = { -1, 0 };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int n;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (parasol_printout_get_n_pages (self) == 0)
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("There is nothing to print: add a schedule or a week first."));
      return FALSE;
    }
  if (!overwrite && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_EXISTS,
                   _("%s already exists: choose another name, or replace it on purpose "
                     "(--force)."), path);
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_WRITE,
                   _("%s is a folder: give the name of the PDF file to write."), path);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  stream.fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (stream.fd < 0)
    {
      int saved = errno;
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_WRITE,
                   _("Cannot write in %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  n = parasol_printout_get_n_pages (self);
  surface = cairo_pdf_surface_create_for_stream (pdf_write, &stream, self->width, self->height);
  title = g_strdup (self->sections->len > 0
                      ? ((Section *) g_ptr_array_index (self->sections, 0))->running : "Parasol");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Parasol " PACKAGE_VERSION);
  cr = cairo_create (surface);
  for (int i = 0; i < n; i++)
    {
      parasol_printout_draw_page (self, cr, i);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status == CAIRO_STATUS_SUCCESS && fsync (stream.fd) != 0)
    {
      stream.saved_errno = errno;
      status = CAIRO_STATUS_WRITE_ERROR;
    }
  if (close (stream.fd) != 0 && status == CAIRO_STATUS_SUCCESS)
    {
      stream.saved_errno = errno;
      status = CAIRO_STATUS_WRITE_ERROR;
    }

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_WRITE,
                   _("Writing %s failed: %s. Nothing was written."), path,
                   stream.saved_errno ? g_strerror (stream.saved_errno)
                                      : cairo_status_to_string (status));
      g_unlink (tmp);
      return FALSE;
    }

  if (overwrite)
    {
      if (g_rename (tmp, path) != 0)
        {
          int saved = errno;
          g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_WRITE,
                       _("Writing %s failed: %s. Nothing was written."), path, g_strerror (saved));
          g_unlink (tmp);
          return FALSE;
        }
    }
  else
    {
      /* link() fails if @path appeared meanwhile: never replace what someone else wrote */
      if (link (tmp, path) != 0)
        {
          int saved = errno;

          g_unlink (tmp);
          if (saved == EEXIST)
            g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_EXISTS,
                         _("%s already exists: choose another name, or replace it on purpose "
                           "(--force)."), path);
          else
            g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_WRITE,
                         _("Writing %s failed: %s. Nothing was written."), path,
                         g_strerror (saved));
          return FALSE;
        }
      g_unlink (tmp);
    }

  return TRUE;
}
