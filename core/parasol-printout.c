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
#include "parasol-printout-private.h"

G_DEFINE_QUARK (parasol-printout-error-quark, parasol_printout_error)

/* ---- Paper, options, parsing -------------------------------------------------------------- */

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

static void
op_clear (gpointer data)
{
  Op *op = data;

  g_clear_object (&op->layout);
}

Block *
printout_block_new (void)
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

Section *
printout_section_new (void)
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
const char *
printout_tr_ctx (ParasolPrintout *self,
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

const char *
printout_weekday_long (ParasolPrintout *self,
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
char *
printout_fmt_day (ParasolPrintout *self,
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
char *
printout_fmt_dose (ParasolPrintout *self,
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

const char *
printout_route_name (ParasolPrintout *self,
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
const char *
printout_protocol_name (ParasolPrintout *self,
                        const char      *name)
{
  return name ? T (name) : NULL;
}

const char *
printout_drug_name (ParasolPrintout      *self,
                    const ParasolRegimen *regimen,
                    const char           *drug_id)
{
  const ParasolDrug *drug = parasol_dosing_find_drug (regimen, drug_id);

  return drug && drug->name ? printout_protocol_name (self, drug->name) : drug_id;
}

const char *
printout_arm_name (ParasolPrintout *self,
                   ParasolProtocol *protocol,
                   const char      *arm_id)
{
  const ParasolArmDef *arm;

  if (arm_id == NULL)
    return T (N_("not assigned yet"));
  arm = parasol_protocol_find_arm (protocol, arm_id);
  return arm && arm->name ? printout_protocol_name (self, arm->name) : arm_id;
}

/* "BT-0007 · AB": subject number (else screening number) and initials, never a name */
char *
printout_patient_label (const ParasolPatientFacts *facts)
{
  const char *key = facts->subject_number ? facts->subject_number : facts->screening_number;

  if (facts->initials != NULL)
    return g_strdup_printf ("%s · %s", key, facts->initials);
  return g_strdup (key);
}

/* ---- Layout helpers ----------------------------------------------------------------------- */

PangoLayout *
printout_make_layout (ParasolPrintout *self,
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
double
printout_block_text (Block       *b,
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
double
printout_block_add_text (ParasolPrintout *self,
                         Block           *b,
                         Style            style,
                         const char      *text,
                         double           x,
                         double           y,
                         double           width)
{
  return printout_block_text (b, printout_make_layout (self, style, text, width, PANGO_ALIGN_LEFT), x, y);
}

void
printout_block_line (Block  *b,
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

void
printout_block_rect (Block    *b,
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

double
printout_content_width (ParasolPrintout *self)
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
double
printout_block_row (ParasolPrintout *self,
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
      PangoLayout *l = printout_make_layout (self, styles[i], cells[i] ? cells[i] : "",
                                    x[i + 1] - x[i] - 2 * pad, PANGO_ALIGN_LEFT);

      g_ptr_array_add (layouts, l);
      h = MAX (h, layout_height (l));
    }
  for (guint i = 0; i < n; i++)
    printout_block_text (b, g_ptr_array_index (layouts, i), x[i] + pad, y + pad);

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
  double x = MARGIN, y, w = printout_content_width (self);
  g_autoptr(Block) frame = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  paginate (self);
  g_return_if_fail (page_nr >= 0 && (guint) page_nr < self->pages->len);
  page = g_ptr_array_index (self->pages, page_nr);

  cairo_save (cr);

  /* Running header, footer and page number */
  frame = printout_block_new ();
  {
    g_autofree char *number = g_strdup_printf (T (N_("Page %d of %d")), page->number, page->total);
    PangoLayout *num = printout_make_layout (self, STYLE_SMALL, number, w / 3, PANGO_ALIGN_RIGHT);
    double fy = self->height - MARGIN - FOOTER_HEIGHT + 6;

    printout_block_add_text (self, frame, STYLE_SMALL, page->section->running, 0, 0, w * 0.8);
    printout_block_line (frame, 0, BAND_HEIGHT - 5, w, BAND_HEIGHT - 5, 0.5, 0.55);

    printout_block_line (frame, 0, fy - MARGIN, w, fy - MARGIN, 0.5, 0.55);
    printout_block_add_text (self, frame, STYLE_SMALL, page->section->footer_left, 0, fy - MARGIN + 3,
                    w * 2 / 3);
    printout_block_text (frame, num, w * 2 / 3, fy - MARGIN + 3);
    if (page->section->footer_note != NULL)
      printout_block_add_text (self, frame, STYLE_LABEL, page->section->footer_note, 0, fy - MARGIN + 14, w);
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
