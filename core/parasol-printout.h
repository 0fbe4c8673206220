/* parasol-printout.h — printed cycle schedules and the clinic-week sheet, on any cairo_t
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ParasolPrintout is a laid-out document: pages of Cairo and Pango drawing in points (1/72 in),
 * origin at the top left of the page.  The same pages serve PDF export
 * (parasol_printout_write_pdf()) and GtkPrintOperation's draw_page
 * (parasol_printout_draw_page() on the print context's cairo_t, in GTK_UNIT_POINTS).
 *
 * Nothing here computes a date or a dose: the calendar and the doses come from
 * parasol_patient_plan_build() (the schedule and dosing engines), as the window and
 * `parasol-cli schedule` show them.
 *
 *   ParasolPrintoutOptions options;
 *   parasol_printout_options_init (&options);
 *   options.language = "zh_CN";
 *   g_autoptr(ParasolPrintout) doc = parasol_printout_new (&options, &error);
 *   parasol_printout_add_schedule (doc, store, protocol, patient_id, &error);
 *   parasol_printout_write_pdf (doc, "schedule.pdf", FALSE, &error);
 *
 * Language: a patient's copy is printed in the language recorded for the patient, whatever the
 * interface language.  The printout looks its strings up in that language's compiled catalog
 * (LOCALEDIR/LANG/LC_MESSAGES/parasol.mo, where the program bound the text domain) per call,
 * without touching the process locale, so it is safe beside a running interface.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_PRINTOUT_ERROR (parasol_printout_error_quark ())

typedef enum {
  PARASOL_PRINTOUT_ERROR_INVALID,    /* bad options: cycles, week */
  PARASOL_PRINTOUT_ERROR_LANGUAGE,   /* a language Parasol does not print, or its catalog is missing */
  PARASOL_PRINTOUT_ERROR_EXISTS,     /* the output file exists and overwriting was not asked for */
  PARASOL_PRINTOUT_ERROR_WRITE,      /* the PDF could not be written */
} ParasolPrintoutError;

GQuark parasol_printout_error_quark (void);

typedef enum {
  PARASOL_PAPER_A4,       /* 595.276 x 841.89 pt */
  PARASOL_PAPER_LETTER,   /* 612 x 792 pt */
} ParasolPaper;

typedef struct {
  ParasolPaper  paper;         /* PARASOL_PAPER_A4 */
  const char   *language;      /* "zh_CN" or "en"; NULL: the interface language */
  int           first_cycle;   /* 0: the next cycle to come (see below) */
  int           last_cycle;    /* 0: four cycles from first_cycle */
  GDateTime    *printed_at;    /* NULL: now (local time) */
} ParasolPrintoutOptions;

typedef struct _ParasolPrintout ParasolPrintout;

/* The languages a printout can be made in, NULL-terminated: "zh_CN", "en". */
const char *const *parasol_printout_languages      (void);

void              parasol_printout_options_init    (ParasolPrintoutOptions *options);

/* Paper names "a4", "letter". */
gboolean          parasol_paper_from_string        (const char   *str,
                                                    ParasolPaper *paper);
const char       *parasol_paper_to_string          (ParasolPaper  paper);
/* Width and height in points. */
void              parasol_paper_get_size           (ParasolPaper  paper,
                                                    double       *width,
                                                    double       *height);

/* Strict "N" or "N-M" (1 <= N <= M <= 999); FALSE with a message a person can act on. */
gboolean          parasol_printout_parse_cycles    (const char  *str,
                                                    int         *first,
                                                    int         *last,
                                                    GError     **error);
/* Strict ISO 8601 week "YYYY-Www" (week 53 only in years that have one); @monday receives its
 * Monday. */
gboolean          parasol_printout_parse_iso_week  (const char  *str,
                                                    GDate       *monday,
                                                    GError     **error);

/* An empty document.  Fails with PARASOL_PRINTOUT_ERROR_LANGUAGE when @options->language is
 * not one of parasol_printout_languages() or its translation is not installed. */
ParasolPrintout  *parasol_printout_new             (const ParasolPrintoutOptions *options,
                                                    GError                      **error);
void              parasol_printout_free            (ParasolPrintout *self);

/* The language the document is printed in ("zh_CN", "en"), or NULL for the interface's. */
const char       *parasol_printout_get_language    (ParasolPrintout *self);

/* Appends one patient's schedule (its own pages, numbered "Page N of M" among them).
 * Fails when the patient has no C1D1 or the cycles asked for are not in the calendar. */
gboolean          parasol_printout_add_schedule    (ParasolPrintout *self,
                                                    ParasolStore    *store,
                                                    ParasolProtocol *protocol,
                                                    gint64           patient_id,
                                                    GError         **error);
/* Appends the clinic-week sheet of the ISO week starting on @monday: every patient on
 * treatment with something due that week (labs, day 1, treatment days, imaging), by day. */
gboolean          parasol_printout_add_week        (ParasolPrintout *self,
                                                    ParasolStore    *store,
                                                    ParasolProtocol *protocol,
                                                    const GDate     *monday,
                                                    GError         **error);

/* Pages and their size in points (every page has the paper's size). */
int               parasol_printout_get_n_pages     (ParasolPrintout *self);
void              parasol_printout_get_page_size   (ParasolPrintout *self,
                                                    double          *width,
                                                    double          *height);
/* Draws page @page (0-based) on @cr, whose user space is points with the origin at the top
 * left of the page. */
void              parasol_printout_draw_page       (ParasolPrintout *self,
                                                    cairo_t         *cr,
                                                    int              page);

/* Writes every page as a PDF (fonts subset-embedded by Cairo) into a temporary file beside
 * @path (mode 0600), then moves it into place: a reader never sees half a file.  Refuses an
 * existing @path unless @overwrite. */
gboolean          parasol_printout_write_pdf       (ParasolPrintout *self,
                                                    const char      *path,
                                                    gboolean         overwrite,
                                                    GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolPrintout, parasol_printout_free)

G_END_DECLS
