/* parasol-printout-pages.c — the printout's sections: one patient's schedule and the clinic
 * week
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document, strings, layout helpers, pagination and PDF are in parasol-printout.c;
 * parasol-printout-private.h shares them.
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

/* ---- One patient's schedule --------------------------------------------------------------- */

char *
printout_footer_left (ParasolPrintout *self,
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
  double h = printout_block_add_text (self, b, STYLE_LABEL, caption, x, y, width);

  return h + 1 + printout_block_add_text (self, b, STYLE_BOLD, value ? value : "—", x, y + h + 1, width);
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
          g_autofree char *from = printout_fmt_day (self, &a->date);
          g_autofree char *to = printout_fmt_day (self, &z->date);

          g_string_append_printf (str, "%s – %s%s", from, to, dose_mark (self, a));
          i = j + 1;
        }
      else
        {
          g_autofree char *day = printout_fmt_day (self, &a->date);

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
  Block *b = printout_block_new ();
  double w = printout_content_width (self);
  double y;
  g_autofree char *day1 = printout_fmt_day (self, &c->start);
  g_autofree char *ws = printout_fmt_day (self, &c->window_start);
  g_autofree char *we = printout_fmt_day (self, &c->window_end);
  g_autofree char *lf = printout_fmt_day (self, &c->labs_from);
  g_autofree char *lt = printout_fmt_day (self, &c->labs_to);
  g_autoptr(GPtrArray) drugs_seen = g_ptr_array_new ();

  /* Title bar */
  {
    g_autofree char *title = g_strdup_printf (T (N_("Cycle %d · %s · %d days")), c->number,
                                              c->phase == PARASOL_PHASE_MAINTENANCE
                                                ? T (N_("maintenance")) : T (N_("induction")),
                                              c->length_days);
    g_autofree char *right = g_strdup_printf (T (N_("Day 1: %s")), day1);
    PangoLayout *r = printout_make_layout (self, STYLE_HEADING, right, w / 2 - 6, PANGO_ALIGN_RIGHT);
    double h = printout_block_add_text (self, b, STYLE_HEADING, title, 6, 4, w / 2);

    printout_block_text (b, r, w / 2, 4);
    printout_block_rect (b, TRUE, 0, 0, w, h + 8, 0, 0.88);
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
        date = printout_fmt_day (self, &v->date);
        from = printout_fmt_day (self, &v->window_start);
        to = printout_fmt_day (self, &v->window_end);
        g_string_append (lines, "\n");
        g_string_append_printf (lines, T (N_("Imaging (CT scan, RECIST 1.1) no. %d: %s, "
                                             "window %s to %s.")), v->number, date, from, to);
      }
    y += printout_block_add_text (self, b, STYLE_BODY, lines->str, 6, y, w - 12) + 5;
  }

  /* Treatment table */
  {
    const double x[] = { 0, w * 0.20, w * 0.29, w * 0.43, w * 0.52, w * 0.88, w };
    const Style head_styles[] = { STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL };
    const Style row_styles[] = { STYLE_BOLD, STYLE_BODY, STYLE_BOLD, STYLE_BODY, STYLE_BODY, STYLE_BODY };
    const char *head[] = { T (N_("Drug")), T (N_("Route")), T (N_("Dose")), T (N_("Cycle days")),
                           T (N_("Dates")), T (N_("Given by")) };
    double top = y;

    y += printout_block_row (self, b, y, x, 6, head_styles, head);
    printout_block_line (b, 0, y, w, y, 0.6, 0.3);

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
            g_autofree char *amount = printout_fmt_dose (self, calc->dose, calc->unit);

            dose = calc->configurable ? g_strdup_printf ("%s †", amount) : g_steal_pointer (&amount);
          }
        else
          dose = g_strdup (T (N_("not calculated")));
        name = g_strdup (printout_drug_name (self, regimen, d->drug));

        cells[0] = name;
        cells[1] = printout_route_name (self, drug ? drug->route : NULL);
        cells[2] = dose;
        cells[3] = day_list;
        cells[4] = dates;
        cells[5] = "";
        y += printout_block_row (self, b, y, x, 6, row_styles, cells);
        printout_block_line (b, 0, y, w, y, 0.4, 0.6);
      }
    if (drugs_seen->len == 0)
      y += printout_block_add_text (self, b, STYLE_BODY, T (N_("No treatment in this cycle.")), 6, y + 3,
                           w - 12) + 6;

    for (guint i = 1; i < G_N_ELEMENTS (x) - 1; i++)
      printout_block_line (b, x[i], top, x[i], y, 0.4, 0.6);
    printout_block_rect (b, FALSE, 0, top, w, y - top, 0.6, 0.3);
    y += 6;
  }

  /* Notes and signatures */
  {
    const char *who[] = { T (N_("Pharmacist")), T (N_("Nurse")), T (N_("Investigator")) };
    double h = printout_block_add_text (self, b, STYLE_LABEL, T (N_("Notes")), 0, y, w);

    printout_block_rect (b, FALSE, 0, y + h + 1, w, 30, 0.5, 0.5);
    y += h + 1 + 30 + 14;
    for (guint i = 0; i < G_N_ELEMENTS (who); i++)
      {
        double cx = i * w / 3;
        g_autofree char *caption = g_strdup_printf (T (N_("%s: signature and date")), who[i]);

        printout_block_line (b, cx, y, cx + w / 3 - 12, y, 0.5, 0.3);
        printout_block_add_text (self, b, STYLE_LABEL, caption, cx, y + 2, w / 3 - 12);
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
  double w = printout_content_width (self), y = 0;
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
      who = printout_patient_label (facts);
      g_set_error (error, PARASOL_PRINTOUT_ERROR, PARASOL_PRINTOUT_ERROR_INVALID,
                   _("Cycle %d is not in the calendar of %s: it lists cycles 1 to %u."),
                   last, who, n);
      return FALSE;
    }

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  section = printout_section_new ();
  g_ptr_array_add (self->sections, section);
  who = printout_patient_label (facts);
  section->running = g_strdup_printf (T (N_("%s · Treatment schedule · %s")),
                                      parasol_protocol_get_id (protocol), who);
  section->footer_left = printout_footer_left (self, protocol);
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
  header = printout_block_new ();
  g_ptr_array_add (section->blocks, header);
  y += printout_block_add_text (self, header, STYLE_TITLE, T (N_("Treatment schedule")), 0, y, w);
  {
    g_autofree char *trial = g_strdup_printf ("%s (%s) — %s", parasol_protocol_get_id (protocol),
                                              parasol_protocol_get_registry_id (protocol),
                                              printout_protocol_name (self, parasol_protocol_get_title (protocol)));

    y += printout_block_add_text (self, header, STYLE_SMALL, trial, 0, y + 2, w) + 8;
  }
  {
    const ParasolDrug *ici = facts->ici ? parasol_regimen_find_ici (regimen, facts->ici)
                                        : parasol_regimen_find_ici (regimen, regimen->default_ici);
    g_autofree char *patient = NULL;
    g_autofree char *c1d1 = printout_fmt_day (self, &facts->c1d1);
    g_autofree char *cycles = cycles_label (self, first, last);
    const char *ici_text = ici && ici->name ? printout_protocol_name (self, ici->name) : "—";
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
      double c = header_field (self, header, T (N_("Arm")), printout_arm_name (self, protocol, facts->arm),
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
    printout_block_rect (header, FALSE, 0, top, w, y - top, 0.6, 0.3);
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
                  calvert = printout_drug_name (self, regimen, d->drug);
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
    y += printout_block_add_text (self, header, STYLE_SMALL, basis->str, 0, y, w);
  }

  /* A visible flag, never a silent omission: the calendar still lists what was planned */
  if (g_strcmp0 (facts->status, "off_treatment") == 0)
    y += 4 + printout_block_add_text (self, header, STYLE_BOLD,
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
      g_autofree char *dose = calc ? printout_fmt_dose (self, calc->dose, calc->unit) : NULL;

      if (g_date_compare (&d->date, date) != 0)
        continue;
      if (str->len > 0)
        g_string_append (str, TC ("list separator", NC_("list separator", ", ")));
      g_string_append (str, printout_drug_name (self, regimen, d->drug));
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
                              facts ? (who = printout_patient_label (facts)) : "?", error->message);
      return;
    }
  who = printout_patient_label (facts);

  for (guint i = 0; i < plan->schedule->visits->len; i++)
    {
      const ParasolScheduleVisit *v = g_ptr_array_index (plan->schedule->visits, i);
      const ParasolScheduleCycle *c = v->cycle > 0 ? parasol_schedule_get_cycle (plan->schedule, v->cycle) : NULL;
      const ParasolDoseSet *set = v->cycle > 0 ? parasol_patient_plan_get_doses (plan, v->cycle) : NULL;
      g_autofree char *from = printout_fmt_day (self, &v->window_start);
      g_autofree char *to = printout_fmt_day (self, &v->window_end);
      WeekItem *item;

      if (g_date_compare (&v->date, monday) < 0 || g_date_compare (&v->date, sunday) > 0)
        continue;

      item = g_new0 (WeekItem, 1);
      item->date = v->date;
      item->kind = v->kind;
      item->patient = g_strdup (who);
      item->arm = g_strdup (printout_arm_name (self, protocol, facts->arm));
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
  Block *b = printout_block_new ();
  double w = printout_content_width (self), y;
  char buf[PARASOL_DATE_BUF_SIZE];
  g_autofree char *title = NULL;
  const Style styles[] = { STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL, STYLE_LABEL };
  const char *head[] = { T (N_("Patient")), T (N_("Arm")), T (N_("Visit")), T (N_("Details")),
                         T (N_("Done")) };

  if (continued)
    title = g_strdup_printf (T (N_("%s %s (continued)")), printout_weekday_long (self, day),
                             parasol_date_format (day, buf, sizeof buf));
  else if (count == 0)
    title = g_strdup_printf (T (N_("%s %s — nothing due")), printout_weekday_long (self, day),
                             parasol_date_format (day, buf, sizeof buf));
  else
    title = g_strdup_printf (T (N_("%s %s — %u due")), printout_weekday_long (self, day),
                             parasol_date_format (day, buf, sizeof buf), count);

  y = printout_block_add_text (self, b, STYLE_HEADING, title, 6, 3, w - 12) + 6;
  printout_block_rect (b, TRUE, 0, 0, w, y, 0, 0.88);
  if (count > 0)
    {
      y += printout_block_row (self, b, y, x, 5, styles, head);
      printout_block_line (b, 0, y, w, y, 0.6, 0.3);
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
  section = printout_section_new ();
  g_ptr_array_add (self->sections, section);
  w = printout_content_width (self);
  x[0] = 0; x[1] = w * 0.17; x[2] = w * 0.33; x[3] = w * 0.52; x[4] = w * 0.92; x[5] = w;

  {
    g_autofree char *week = NULL;
    g_autofree char *from = printout_fmt_day (self, monday);
    g_autofree char *to = printout_fmt_day (self, &sunday);
    g_autofree char *summary = NULL;
    GDate thursday = *monday;

    g_date_add_days (&thursday, 3);
    week = g_strdup_printf ("%04d-W%02u", g_date_get_year (&thursday),
                            g_date_get_iso8601_week_of_year (monday));
    section->running = g_strdup_printf (T (N_("%s · Clinic week %s")),
                                        parasol_protocol_get_id (protocol), week);
    section->footer_left = printout_footer_left (self, protocol);
    section->footer_note = g_strdup (T (N_("Visits and doses as planned on the print date; "
                                           "delays recorded later move them.")));

    header = printout_block_new ();
    g_ptr_array_add (section->blocks, header);
    {
      g_autofree char *title = g_strdup_printf (T (N_("Clinic week %s")), week);

      y += printout_block_add_text (self, header, STYLE_TITLE, title, 0, y, w);
    }
    summary = g_strdup_printf (T (N_("%s to %s · %u patients · %u visits · %s (%s)")), from, to,
                               g_hash_table_size (patients), items->len,
                               parasol_protocol_get_id (protocol),
                               parasol_protocol_get_registry_id (protocol));
    y += printout_block_add_text (self, header, STYLE_BODY, summary, 0, y + 2, w);
    if (problems->len > 0)
      {
        g_autofree char *text = g_strdup_printf ("%s%s", T (N_("Not listed: the calendar of these "
                                                               "patients could not be built.")),
                                                 problems->str);

        y += 4 + printout_block_add_text (self, header, STYLE_SMALL, text, 0, y + 4, w);
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
          Block *row = printout_block_new ();
          double h = printout_block_row (self, row, 0, x, 5, styles, cells);

          printout_block_line (row, 0, h, w, h, 0.4, 0.6);
          printout_block_rect (row, FALSE, x[4] + (x[5] - x[4]) / 2 - 5, 4, 10, 10, 0.7, 0.2);
          row->continued = continued;
          row->gap = i + 1 < next + count ? 0 : BLOCK_GAP;
          g_ptr_array_add (section->blocks, row);
        }
      next += count;
    }

  return TRUE;
}
