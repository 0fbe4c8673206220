/* parasol-printout-private.h — shared by parasol-printout.c (document, strings, layout,
 * pagination, PDF) and parasol-printout-pages.c (the schedule and clinic-week sections)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pango/pangocairo.h>

#include "parasol-patient-dosing.h"
#include "parasol-printout.h"

G_BEGIN_DECLS

#define MARGIN        40.0   /* points, every side */
#define BAND_HEIGHT   18.0   /* running header */
#define FOOTER_HEIGHT 34.0
#define BLOCK_GAP     9.0

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

typedef enum {
  STYLE_BODY,
  STYLE_SMALL,
  STYLE_LABEL,     /* small grey caption */
  STYLE_BOLD,
  STYLE_HEADING,
  STYLE_TITLE,
} Style;

/* ---- Strings ------------------------------------------------------------------------------- */

#define T(msgid) printout_tr_ctx (self, NULL, (msgid))
#define TC(ctx, msgid) printout_tr_ctx (self, (ctx), (msgid))

Block *printout_block_new (void);

Section *printout_section_new (void);

const char *printout_tr_ctx (ParasolPrintout *self,
                             const char      *context,
                             const char      *msgid);

const char *printout_weekday_long (ParasolPrintout *self,
                                   const GDate     *date);

char *printout_fmt_day (ParasolPrintout *self,
                        const GDate     *date);

char *printout_fmt_dose (ParasolPrintout *self,
                         double           value,
                         const char      *unit);

const char *printout_route_name (ParasolPrintout *self,
                                 const char      *route);

const char *printout_protocol_name (ParasolPrintout *self,
                                    const char      *name);

const char *printout_drug_name (ParasolPrintout      *self,
                                const ParasolRegimen *regimen,
                                const char           *drug_id);

const char *printout_arm_name (ParasolPrintout *self,
                               ParasolProtocol *protocol,
                               const char      *arm_id);

char *printout_patient_label (const ParasolPatientFacts *facts);

PangoLayout *printout_make_layout (ParasolPrintout *self,
                                   Style            style,
                                   const char      *text,
                                   double           width,
                                   PangoAlignment   align);

double printout_block_text (Block       *b,
                            PangoLayout *layout,
                            double       x,
                            double       y);

double printout_block_add_text (ParasolPrintout *self,
                                Block           *b,
                                Style            style,
                                const char      *text,
                                double           x,
                                double           y,
                                double           width);

void printout_block_line (Block  *b,
                          double  x0,
                          double  y0,
                          double  x1,
                          double  y1,
                          double  line_width,
                          double  grey);

void printout_block_rect (Block    *b,
                          gboolean  fill,
                          double    x,
                          double    y,
                          double    w,
                          double    h,
                          double    line_width,
                          double    grey);

double printout_content_width (ParasolPrintout *self);

double printout_block_row (ParasolPrintout *self,
                           Block           *b,
                           double           y,
                           const double    *x,
                           guint            n,
                           const Style     *styles,
                           const char     **cells);

char *printout_footer_left (ParasolPrintout *self,
                            ParasolProtocol *protocol);

G_END_DECLS
