/* parasol-swimmer.c — the swimmer plot: model, Cairo renderer, export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
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

G_DEFINE_QUARK (parasol-swimmer-error-quark, parasol_swimmer_error)

/* Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour
 * vision deficiency.  Arms take them in protocol order; black and yellow are kept for marks
 * and for a fifth+ arm. */
static const double okabe_ito[][3] = {
  { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 },  /* blue */
  { 0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0 },  /* orange */
  { 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0 },  /* bluish green */
  { 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0 },  /* reddish purple */
  { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 },  /* sky blue */
  { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 },  /* vermillion */
  { 0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0 },  /* yellow */
};

/* --- Options --------------------------------------------------------------------------- */

void
parasol_swimmer_options_init (ParasolSwimmerOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->group = PARASOL_SWIMMER_GROUP_ARM;
  options->sort = PARASOL_SWIMMER_SORT_DURATION;
  options->axis = PARASOL_SWIMMER_AXIS_AUTO;
  g_date_clear (&options->today, 1);
}

void
parasol_swimmer_render_options_init (ParasolSwimmerRenderOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->axis = PARASOL_SWIMMER_AXIS_AUTO;
  options->focus_lane = -1;
}

/* --- Lanes ----------------------------------------------------------------------------- */

static void
mark_clear (ParasolSwimmerMark *mark)
{
  g_clear_pointer (&mark->detail, g_free);
}

static void
lane_free (ParasolSwimmerLane *lane)
{
  g_free (lane->label);
  g_free (lane->screening_number);
  g_free (lane->initials);
  g_free (lane->arm);
  g_free (lane->status);
  g_free (lane->end_reason);
  g_array_unref (lane->marks);
  g_free (lane);
}

static int
days_between (const GDate *from,
              const GDate *to)
{
  return g_date_days_between (from, to);
}

static void
add_mark (ParasolSwimmerLane     *lane,
          ParasolSwimmerMarkKind  kind,
          const GDate            *date,
          const char             *detail)
{
  ParasolSwimmerMark mark = { 0 };

  mark.kind = kind;
  mark.date = *date;
  mark.day = MAX (0, days_between (&lane->c1d1, date));
  mark.detail = g_strdup (detail);
  g_array_append_val (lane->marks, mark);
}

static int
compare_marks (gconstpointer a,
               gconstpointer b)
{
  const ParasolSwimmerMark *ma = a, *mb = b;

  if (ma->day != mb->day)
    return ma->day < mb->day ? -1 : 1;
  return (int) ma->kind - (int) mb->kind;
}

static gboolean
response_kind (const char             *response,
               ParasolSwimmerMarkKind *kind)
{
  static const char *const names[] = { "CR", "PR", "SD", "PD", "NE" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (response, names[i]) == 0)
      {
        *kind = (ParasolSwimmerMarkKind) (PARASOL_SWIMMER_MARK_CR + i);
        return TRUE;
      }
  return FALSE;
}

static void
later_of (GDate       *date,
          const GDate *other)
{
  if (g_date_valid (other) && (!g_date_valid (date) || g_date_compare (other, date) > 0))
    *date = *other;
}

ParasolSwimmerLane *
parasol_swimmer_plot_add_facts (ParasolSwimmerPlot        *plot,
                                const ParasolPatientFacts *facts)
{
  ParasolSwimmerLane *lane;
  const ParasolEvent *discontinued = NULL, *progressed = NULL, *died = NULL;
  GDate end;

  g_return_val_if_fail (plot != NULL, NULL);
  g_return_val_if_fail (facts != NULL, NULL);

  if (!g_date_valid (&facts->c1d1) || g_date_compare (&facts->c1d1, &plot->today) > 0 ||
      (g_strcmp0 (facts->status, "on_treatment") != 0 &&
       g_strcmp0 (facts->status, "off_treatment") != 0))
    return NULL;
  if (plot->arm_filter != NULL && g_strcmp0 (plot->arm_filter, facts->arm) != 0)
    return NULL;

  lane = g_new0 (ParasolSwimmerLane, 1);
  lane->patient_id = facts->id;
  lane->label = g_strdup (facts->subject_number != NULL ? facts->subject_number
                                                        : facts->screening_number);
  if (lane->label == NULL)
    lane->label = g_strdup_printf ("#%" G_GINT64_FORMAT, facts->id);
  lane->screening_number = g_strdup (facts->screening_number);
  lane->initials = g_strdup (facts->initials);
  lane->arm = g_strdup (facts->arm);
  lane->status = g_strdup (facts->status);
  lane->c1d1 = facts->c1d1;
  lane->marks = g_array_new (FALSE, TRUE, sizeof (ParasolSwimmerMark));
  g_array_set_clear_func (lane->marks, (GDestroyNotify) mark_clear);
  lane->response_start = lane->response_end = -1;
  lane->visible = TRUE;

  for (guint i = 0; i < facts->events->len; i++)
    {
      const ParasolEvent *e = g_ptr_array_index (facts->events, i);
      ParasolSwimmerMarkKind kind;

      if (!g_date_valid (&e->date))
        continue;
      if (g_strcmp0 (e->kind, "discontinuation") == 0)
        {
          kind = PARASOL_SWIMMER_MARK_DISCONTINUATION;
          if (discontinued == NULL)
            discontinued = e;
        }
      else if (g_strcmp0 (e->kind, "progression") == 0)
        {
          kind = PARASOL_SWIMMER_MARK_PROGRESSION;
          if (progressed == NULL)
            progressed = e;
        }
      else if (g_strcmp0 (e->kind, "death") == 0)
        {
          kind = PARASOL_SWIMMER_MARK_DEATH;
          if (died == NULL)
            died = e;
        }
      else
        continue;
      add_mark (lane, kind, &e->date, e->reason);
    }

  for (guint i = 0; i < facts->responses->len; i++)
    {
      const ParasolResponse *r = g_ptr_array_index (facts->responses, i);
      ParasolSwimmerMarkKind kind;

      if (g_date_valid (&r->date) && response_kind (r->response, &kind))
        add_mark (lane, kind, &r->date, NULL);
    }

  /* Where the lane ends (see the header): a recorded end first, the status second. */
  g_date_clear (&end, 1);
  lane->end_recorded = TRUE;
  lane->ongoing = g_strcmp0 (facts->status, "on_treatment") == 0 && discontinued == NULL &&
                  died == NULL;
  if (lane->ongoing)
    end = plot->today;
  else if (discontinued != NULL)
    {
      end = discontinued->date;
      lane->end_reason = g_strdup (discontinued->reason);
    }
  else if (progressed != NULL || died != NULL)
    {
      end = progressed != NULL ? progressed->date : died->date;
      if (progressed != NULL && died != NULL && g_date_compare (&died->date, &end) < 0)
        end = died->date;
    }
  else
    {
      lane->end_recorded = FALSE;
      end = facts->c1d1;
      for (guint i = 0; i < facts->administrations->len; i++)
        later_of (&end, &((ParasolAdministration *) g_ptr_array_index (facts->administrations, i))->date);
      for (guint i = 0; i < facts->cycles->len; i++)
        later_of (&end, &((ParasolCycleRecord *) g_ptr_array_index (facts->cycles, i))->start);
      for (guint i = 0; i < facts->responses->len; i++)
        later_of (&end, &((ParasolResponse *) g_ptr_array_index (facts->responses, i))->date);
      if (g_date_compare (&end, &plot->today) > 0)
        end = plot->today;
    }
  if (g_date_compare (&end, &facts->c1d1) < 0)
    end = facts->c1d1;
  lane->end = end;
  lane->duration_days = days_between (&facts->c1d1, &end);

  g_array_sort (lane->marks, compare_marks);

  /* Duration of response: first CR or PR to the first PD, progression or death after it. */
  for (guint i = 0; i < lane->marks->len; i++)
    {
      const ParasolSwimmerMark *m = &g_array_index (lane->marks, ParasolSwimmerMark, i);

      if (lane->response_start < 0)
        {
          if (m->kind == PARASOL_SWIMMER_MARK_CR || m->kind == PARASOL_SWIMMER_MARK_PR)
            lane->response_start = m->day;
        }
      else if (m->kind == PARASOL_SWIMMER_MARK_PD || m->kind == PARASOL_SWIMMER_MARK_PROGRESSION ||
               m->kind == PARASOL_SWIMMER_MARK_DEATH)
        {
          lane->response_end = m->day;
          break;
        }
    }
  if (lane->response_start >= 0 && lane->response_end < 0)
    lane->response_end = MAX (lane->response_start, lane->duration_days);

  g_ptr_array_add (plot->lanes, lane);
  g_ptr_array_add (plot->visible, lane);
  return lane;
}

/* Cycle delays and reduced doses, as the schedule engine tells them (the patient page's
 * calendar uses the same). */
static void
add_dose_changes (ParasolSwimmerPlot        *plot,
                  ParasolSwimmerLane        *lane,
                  const ParasolPatientFacts *facts,
                  ParasolStore              *store)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (plot->protocol);
  g_autoptr(ParasolPatientPlan) pplan = NULL;
  g_autoptr(GError) error = NULL;
  GDate weight_date = parasol_patient_weight_date (store, facts->id);

  if (regimen == NULL)
    return;
  pplan = parasol_patient_plan_build (regimen, facts, &weight_date, NULL, &error);
  if (pplan == NULL)
    {
      g_debug ("No calendar for %s: %s", lane->label, error->message);
      return;
    }

  for (guint i = 0; i < pplan->schedule->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (pplan->schedule->cycles, i);

      if (c->status != PARASOL_CYCLE_STARTED || g_date_compare (&c->start, &plot->today) > 0)
        continue;
      if (c->delay_days > 0)
        {
          g_autofree char *detail = NULL;

          /* Translators: a cycle delay in the swimmer plot's tooltip, "cycle 3, 7 days: ANC ..." */
          detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "cycle %d, %d day%s%s",
                                                 "cycle %d, %d days%s%s", c->delay_days),
                                    c->number, c->delay_days, c->reason != NULL ? ": " : "",
                                    c->reason != NULL ? c->reason : "");
          add_mark (lane, PARASOL_SWIMMER_MARK_DELAY, &c->start, detail);
        }
      for (guint k = 0; k < c->doses->len; k++)
        {
          const ParasolScheduledDose *d = g_ptr_array_index (c->doses, k);

          if (d->status == PARASOL_DOSE_STATUS_REDUCED)
            {
              g_autofree char *detail = NULL;
              const char *name = d->name != NULL ? parasol_protocol_translate (d->name) : d->drug;

              /* Translators: a reduced dose in the swimmer plot's tooltip, "carboplatin 450 mg" */
              detail = g_strdup_printf (_("%s %g %s"), name, d->given_dose,
                                        d->unit != NULL ? d->unit : "");
              add_mark (lane, PARASOL_SWIMMER_MARK_REDUCTION, &d->date, detail);
            }
        }
    }
  g_array_sort (lane->marks, compare_marks);
}

/* --- The plot -------------------------------------------------------------------------- */

ParasolSwimmerPlot *
parasol_swimmer_plot_new (ParasolProtocol             *protocol,
                          const ParasolSwimmerOptions *options)
{
  ParasolSwimmerPlot *plot;
  ParasolSwimmerOptions defaults;

  g_return_val_if_fail (protocol == NULL || PARASOL_IS_PROTOCOL (protocol), NULL);

  if (options == NULL)
    {
      parasol_swimmer_options_init (&defaults);
      options = &defaults;
    }

  plot = g_new0 (ParasolSwimmerPlot, 1);
  plot->protocol = protocol != NULL ? g_object_ref (protocol) : NULL;
  plot->lanes = g_ptr_array_new_with_free_func ((GDestroyNotify) lane_free);
  plot->visible = g_ptr_array_new ();
  plot->arms = g_ptr_array_new_with_free_func (g_free);
  plot->arm_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  plot->arm_filter = g_strdup (options->arm);
  plot->group = options->group;
  plot->sort = options->sort;
  plot->dose_changes = options->dose_changes;
  if (g_date_valid (&options->today))
    plot->today = options->today;
  else
    parasol_date_set_today (&plot->today);

  if (protocol != NULL)
    {
      GPtrArray *arms = parasol_protocol_get_arms (protocol);

      for (guint i = 0; i < arms->len; i++)
        {
          const ParasolArmDef *arm = g_ptr_array_index (arms, i);

          g_ptr_array_add (plot->arms, g_strdup (arm->id));
          if (arm->name != NULL)
            g_hash_table_insert (plot->arm_names, g_strdup (arm->id),
                                 (gpointer) parasol_protocol_translate (arm->name));
        }
      plot->title = g_strdup (parasol_protocol_get_id (protocol));
    }

  return plot;
}

guint
swimmer_arm_index (ParasolSwimmerPlot *plot,
                   const char         *arm)
{
  guint index;

  if (arm == NULL)
    return G_MAXUINT;
  if (g_ptr_array_find_with_equal_func (plot->arms, arm, g_str_equal, &index))
    return index;
  /* An arm the protocol does not name: give it the next colour. */
  g_ptr_array_add (plot->arms, g_strdup (arm));
  return plot->arms->len - 1;
}

ParasolSwimmerPlot *
parasol_swimmer_plot_new_from_store (ParasolStore                *store,
                                     ParasolProtocol             *protocol,
                                     const ParasolSwimmerOptions *options,
                                     GError                     **error)
{
  g_autoptr(ParasolSwimmerPlot) plot = NULL;
  g_autoptr(GPtrArray) treated = NULL;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (protocol == NULL || PARASOL_IS_PROTOCOL (protocol), NULL);

  plot = parasol_swimmer_plot_new (protocol, options);
  if (plot->arm_filter != NULL && protocol != NULL &&
      parasol_protocol_find_arm (protocol, plot->arm_filter) == NULL)
    {
      GPtrArray *arms = parasol_protocol_get_arms (protocol);
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; i < arms->len; i++)
        g_string_append_printf (ids, "%s%s", i > 0 ? ", " : "",
                                ((ParasolArmDef *) g_ptr_array_index (arms, i))->id);
      g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID,
                   _("The protocol has no arm “%s”; its arms are: %s."), plot->arm_filter,
                   ids->str);
      return NULL;
    }

  treated = parasol_store_load_treated (store, error);
  if (treated == NULL)
    return NULL;

  /* Delays and reductions need each patient's whole record and calendar (about a millisecond
   * each): refuse rather than freeze on a very large trial. */
  if (plot->dose_changes && protocol != NULL)
    {
      guint n = 0;

      for (guint i = 0; i < treated->len; i++)
        {
          const ParasolPatientFacts *f = g_ptr_array_index (treated, i);

          if (plot->arm_filter == NULL || g_strcmp0 (plot->arm_filter, f->arm) == 0)
            n++;
        }
      if (n > PARASOL_SWIMMER_MAX_DOSE_CHANGE_LANES)
        {
          g_set_error (error, PARASOL_SWIMMER_ERROR, PARASOL_SWIMMER_ERROR_INVALID,
                       _("Delays and reductions are shown for up to %d treated patients at a "
                         "time, and there are %u: choose one arm."),
                       PARASOL_SWIMMER_MAX_DOSE_CHANGE_LANES, n);
          return NULL;
        }
    }

  for (guint i = 0; i < treated->len; i++)
    {
      const ParasolPatientFacts *f = g_ptr_array_index (treated, i);

      if (plot->dose_changes && protocol != NULL)
        {
          g_autoptr(ParasolPatientFacts) full = parasol_store_load_patient (store, f->id, error);
          ParasolSwimmerLane *lane;

          if (full == NULL)
            return NULL;
          lane = parasol_swimmer_plot_add_facts (plot, full);
          if (lane != NULL)
            add_dose_changes (plot, lane, full, store);
        }
      else
        parasol_swimmer_plot_add_facts (plot, f);
    }

  parasol_swimmer_plot_arrange (plot, plot->group, plot->sort);
  return g_steal_pointer (&plot);
}

void
parasol_swimmer_plot_free (ParasolSwimmerPlot *plot)
{
  if (plot == NULL)
    return;

  g_clear_object (&plot->protocol);
  g_ptr_array_unref (plot->visible);
  g_ptr_array_unref (plot->lanes);
  g_ptr_array_unref (plot->arms);
  g_hash_table_unref (plot->arm_names);
  g_free (plot->arm_filter);
  g_free (plot->title);
  g_free (plot);
}

static ParasolSwimmerPlot *sort_plot; /* for the comparison below: arrange is not reentrant */

static int
compare_lanes (gconstpointer a,
               gconstpointer b)
{
  const ParasolSwimmerLane *la = *(ParasolSwimmerLane **) a;
  const ParasolSwimmerLane *lb = *(ParasolSwimmerLane **) b;

  if (sort_plot->group == PARASOL_SWIMMER_GROUP_ARM)
    {
      guint ia = swimmer_arm_index (sort_plot, la->arm), ib = swimmer_arm_index (sort_plot, lb->arm);

      if (ia != ib)
        return ia < ib ? -1 : 1;
    }
  if (sort_plot->sort == PARASOL_SWIMMER_SORT_DURATION && la->duration_days != lb->duration_days)
    return la->duration_days > lb->duration_days ? -1 : 1;
  return g_strcmp0 (la->label, lb->label);
}

static void
rebuild_visible (ParasolSwimmerPlot *plot)
{
  g_ptr_array_set_size (plot->visible, 0);
  for (guint i = 0; i < plot->lanes->len; i++)
    {
      ParasolSwimmerLane *lane = g_ptr_array_index (plot->lanes, i);

      if (lane->visible)
        g_ptr_array_add (plot->visible, lane);
    }
}

void
parasol_swimmer_plot_arrange (ParasolSwimmerPlot  *plot,
                              ParasolSwimmerGroup  group,
                              ParasolSwimmerSort   sort)
{
  g_return_if_fail (plot != NULL);

  plot->group = group;
  plot->sort = sort;
  /* swimmer_arm_index may append unknown arms: resolve them before sorting */
  for (guint i = 0; i < plot->lanes->len; i++)
    swimmer_arm_index (plot, ((ParasolSwimmerLane *) g_ptr_array_index (plot->lanes, i))->arm);
  sort_plot = plot;
  g_ptr_array_sort (plot->lanes, compare_lanes);
  sort_plot = NULL;
  rebuild_visible (plot);
}

void
parasol_swimmer_plot_filter (ParasolSwimmerPlot     *plot,
                             ParasolSwimmerLaneFunc  func,
                             gpointer                user_data)
{
  g_return_if_fail (plot != NULL);

  for (guint i = 0; i < plot->lanes->len; i++)
    {
      ParasolSwimmerLane *lane = g_ptr_array_index (plot->lanes, i);

      lane->visible = func == NULL || func (lane, user_data);
    }
  rebuild_visible (plot);
}

guint
parasol_swimmer_plot_get_n_lanes (ParasolSwimmerPlot *plot)
{
  g_return_val_if_fail (plot != NULL, 0);
  return plot->visible->len;
}

const ParasolSwimmerLane *
parasol_swimmer_plot_get_lane (ParasolSwimmerPlot *plot,
                               guint               index)
{
  g_return_val_if_fail (plot != NULL, NULL);
  g_return_val_if_fail (index < plot->visible->len, NULL);
  return g_ptr_array_index (plot->visible, index);
}

int
parasol_swimmer_plot_find_patient (ParasolSwimmerPlot *plot,
                                   gint64              patient_id)
{
  g_return_val_if_fail (plot != NULL, -1);

  for (guint i = 0; i < plot->visible->len; i++)
    if (((ParasolSwimmerLane *) g_ptr_array_index (plot->visible, i))->patient_id == patient_id)
      return (int) i;
  return -1;
}

guint
parasol_swimmer_plot_get_n_treated (ParasolSwimmerPlot *plot)
{
  g_return_val_if_fail (plot != NULL, 0);
  return plot->lanes->len;
}

const GDate *
parasol_swimmer_plot_get_today (ParasolSwimmerPlot *plot)
{
  g_return_val_if_fail (plot != NULL, NULL);
  return &plot->today;
}

void
parasol_swimmer_plot_set_title (ParasolSwimmerPlot *plot,
                                const char         *title)
{
  g_return_if_fail (plot != NULL);

  if (plot->title != title)
    {
      g_free (plot->title);
      plot->title = g_strdup (title);
    }
}

const char *
parasol_swimmer_plot_arm_name (ParasolSwimmerPlot *plot,
                               const char         *arm)
{
  const char *name;

  g_return_val_if_fail (plot != NULL, NULL);

  if (arm == NULL)
    /* Translators: the swimmer plot's group of patients without an arm */
    return _("No arm");
  name = g_hash_table_lookup (plot->arm_names, arm);
  return name != NULL ? name : arm;
}

void
parasol_swimmer_plot_arm_color (ParasolSwimmerPlot *plot,
                                const char         *arm,
                                double              rgb[3])
{
  guint index;

  g_return_if_fail (plot != NULL);

  index = swimmer_arm_index (plot, arm);
  if (index == G_MAXUINT)
    memcpy (rgb, no_arm_rgb, sizeof no_arm_rgb);
  else
    memcpy (rgb, okabe_ito[index % G_N_ELEMENTS (okabe_ito)], 3 * sizeof (double));
}

const char *
parasol_swimmer_mark_name (ParasolSwimmerMarkKind kind)
{
  switch (kind)
    {
    /* Translators: RECIST 1.1 responses in the swimmer plot's legend */
    case PARASOL_SWIMMER_MARK_CR: return _("Complete response (CR)");
    case PARASOL_SWIMMER_MARK_PR: return _("Partial response (PR)");
    case PARASOL_SWIMMER_MARK_SD: return _("Stable disease (SD)");
    case PARASOL_SWIMMER_MARK_PD: return _("Progressive disease (PD)");
    case PARASOL_SWIMMER_MARK_NE: return _("Not evaluable (NE)");
    case PARASOL_SWIMMER_MARK_PROGRESSION: return _("Progression (event)");
    case PARASOL_SWIMMER_MARK_DISCONTINUATION: return _("Discontinued");
    case PARASOL_SWIMMER_MARK_DEATH: return _("Death");
    case PARASOL_SWIMMER_MARK_DELAY: return _("Cycle delayed");
    case PARASOL_SWIMMER_MARK_REDUCTION: return _("Dose reduced");
    case PARASOL_SWIMMER_MARK_ONGOING: return _("On treatment");
    case PARASOL_SWIMMER_MARK_RESPONSE: return _("Duration of response");
    case PARASOL_SWIMMER_MARK_END_UNKNOWN: return _("End of treatment not recorded");
    case PARASOL_SWIMMER_N_MARKS:
    default:
      return "?";
    }
}

char *
parasol_swimmer_lane_describe (ParasolSwimmerPlot       *plot,
                               const ParasolSwimmerLane *lane)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char c1d1[PARASOL_DATE_BUF_SIZE], end[PARASOL_DATE_BUF_SIZE];
  int weeks;

  g_return_val_if_fail (plot != NULL, NULL);
  g_return_val_if_fail (lane != NULL, NULL);

  parasol_date_format (&lane->c1d1, c1d1, sizeof c1d1);
  parasol_date_format (&lane->end, end, sizeof end);
  weeks = lane->duration_days / 7;

  g_string_append (text, lane->label);
  if (lane->screening_number != NULL && g_strcmp0 (lane->screening_number, lane->label) != 0)
    g_string_append_printf (text, " (%s)", lane->screening_number);
  g_string_append_printf (text, " · %s\n", parasol_swimmer_plot_arm_name (plot, lane->arm));

  if (lane->ongoing)
    /* Translators: swimmer plot tooltip, "C1D1 2026-01-05, on treatment for 12 weeks" */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                               "C1D1 %s, on treatment for %d week",
                                               "C1D1 %s, on treatment for %d weeks", weeks),
                            c1d1, weeks);
  else if (lane->end_recorded)
    /* Translators: swimmer plot tooltip, "C1D1 2026-01-05 to 2026-04-01 (12 weeks)" */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "C1D1 %s to %s (%d week)",
                                               "C1D1 %s to %s (%d weeks)", weeks),
                            c1d1, end, weeks);
  else
    /* Translators: swimmer plot tooltip, the end of treatment is not recorded */
    g_string_append_printf (text, _("C1D1 %s; off treatment, end not recorded (last record %s)"),
                            c1d1, end);

  if (lane->response_start >= 0)
    /* Translators: swimmer plot tooltip, duration of response */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "\nResponse for %d week",
                                               "\nResponse for %d weeks",
                                               (lane->response_end - lane->response_start) / 7),
                            (lane->response_end - lane->response_start) / 7);

  for (guint i = 0; i < lane->marks->len; i++)
    {
      const ParasolSwimmerMark *m = &g_array_index (lane->marks, ParasolSwimmerMark, i);
      char date[PARASOL_DATE_BUF_SIZE];

      parasol_date_format (&m->date, date, sizeof date);
      g_string_append_printf (text, "\n%s  %s", date, parasol_swimmer_mark_name (m->kind));
      if (m->detail != NULL && *m->detail != '\0')
        g_string_append_printf (text, ": %s", m->detail);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* --- Layout ---------------------------------------------------------------------------- */

void
swimmer_layout_clear (Layout *l)
{
  g_clear_pointer (&l->rows, g_array_unref);
  g_clear_pointer (&l->legend_arms, g_ptr_array_unref);
  g_clear_pointer (&l->arm_counts, g_free);
}

/* One PangoContext per thread, kept: a new context per drawing starts with cold font caches,
 * and Pango then waits for fontconfig's matching again (several times the drawing itself). */
static GPrivate text_context = G_PRIVATE_INIT (g_object_unref);

PangoLayout *
swimmer_new_text (cairo_t *cr)
{
  PangoContext *context = g_private_get (&text_context);
  PangoLayout *layout;
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");

  if (context == NULL)
    {
      context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      g_private_set (&text_context, context);
    }
  pango_cairo_update_context (cr, context);
  pango_cairo_context_set_resolution (context, 96);
  layout = pango_layout_new (context);
  pango_font_description_set_size (font, FONT_SIZE * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_context_changed (layout);
  return layout;
}

void
swimmer_set_font (PangoLayout *text,
                  double       points,
                  PangoWeight  weight)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");

  pango_font_description_set_size (font, (int) (points * PANGO_SCALE));
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (text, font);
}

double
swimmer_text_width (PangoLayout *text,
                    const char  *str)
{
  int w, h;

  pango_layout_set_text (text, str, -1);
  pango_layout_get_pixel_size (text, &w, &h);
  return w;
}

char *
swimmer_legend_arm_text (ParasolSwimmerPlot *plot,
                         const char         *arm,
                         guint               count)
{
  /* Translators: an arm in the swimmer plot's legend, "DLL3 arm (12)" */
  return g_strdup_printf (_("%s (%u)"), parasol_swimmer_plot_arm_name (plot, arm), count);
}

static gboolean
is_mark_kind (ParasolSwimmerMarkKind kind,
              gboolean               dose_changes)
{
  if (kind == PARASOL_SWIMMER_MARK_DELAY || kind == PARASOL_SWIMMER_MARK_REDUCTION)
    return dose_changes;
  return TRUE;
}

void
swimmer_compute_layout (ParasolSwimmerPlot                *plot,
                        PangoLayout                       *text,
                        double                             width,
                        double                             height,
                        const ParasolSwimmerRenderOptions *options,
                        Layout                            *l)
{
  guint n_visible = plot->visible->len;
  guint n_lanes, n_headers = 0;
  double y, avail, longest = 0;
  const char *longest_label = NULL;
  const char *prev_arm = NULL;
  double target_px = 64;
  static const double week_steps[] = { 1, 2, 4, 6, 8, 12, 26, 52, 104, 260 };
  static const double month_steps[] = { 1, 2, 3, 6, 12, 24, 60, 120 };
  const double *steps;
  guint n_steps;
  ParasolSwimmerAxis axis = options->axis;

  memset (l, 0, sizeof *l);
  l->width = width;
  l->height = height;
  l->first = MIN (options->first_lane, n_visible);
  l->last = options->n_lanes > 0 ? MIN (n_visible, l->first + options->n_lanes) : n_visible;
  n_lanes = l->last - l->first;
  l->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  l->legend_arms = g_ptr_array_new ();
  l->arm_counts = g_new0 (guint, plot->arms->len + 1);
  l->header_h = plot->group == PARASOL_SWIMMER_GROUP_ARM ? LINE + 8 : 0;

  /* What is drawn, for the legend and the axis */
  for (guint i = l->first; i < l->last; i++)
    {
      const ParasolSwimmerLane *lane = g_ptr_array_index (plot->visible, i);
      guint ai = swimmer_arm_index (plot, lane->arm);
      int lane_max = lane->duration_days;

      if (ai == G_MAXUINT)
        ai = plot->arms->len;
      if (l->arm_counts[ai]++ == 0)
        g_ptr_array_add (l->legend_arms, lane->arm);

      if (plot->group == PARASOL_SWIMMER_GROUP_ARM && (i == l->first || g_strcmp0 (prev_arm, lane->arm) != 0))
        n_headers++;
      prev_arm = lane->arm;

      for (guint k = 0; k < lane->marks->len; k++)
        {
          const ParasolSwimmerMark *m = &g_array_index (lane->marks, ParasolSwimmerMark, k);

          if (is_mark_kind (m->kind, options->dose_changes))
            {
              l->used[m->kind] = TRUE;
              lane_max = MAX (lane_max, m->day);
            }
        }
      if (lane->ongoing)
        l->used[PARASOL_SWIMMER_MARK_ONGOING] = TRUE;
      if (!lane->end_recorded)
        l->used[PARASOL_SWIMMER_MARK_END_UNKNOWN] = TRUE;
      if (lane->response_start >= 0)
        l->used[PARASOL_SWIMMER_MARK_RESPONSE] = TRUE;
      if (strlen (lane->label) > longest)
        {
          longest = strlen (lane->label);
          longest_label = lane->label;
        }
    }
  /* One time axis for every page: the longest of all visible lanes, marks included */
  for (guint i = 0; i < n_visible; i++)
    {
      const ParasolSwimmerLane *lane = g_ptr_array_index (plot->visible, i);
      int lane_max = lane->duration_days;

      for (guint k = 0; k < lane->marks->len; k++)
        {
          const ParasolSwimmerMark *m = &g_array_index (lane->marks, ParasolSwimmerMark, k);

          if (is_mark_kind (m->kind, options->dose_changes))
            lane_max = MAX (lane_max, m->day);
        }
      l->max_day = MAX (l->max_day, lane_max);
    }

  l->title_h = 2 * LINE + 10;
  l->legend_y = MARGIN + l->title_h;
  l->legend_h = n_lanes > 0 ? swimmer_legend_run (plot, l, text, NULL, l->legend_y) : 0;

  /* The label column */
  swimmer_set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  l->label_w = longest_label != NULL ? swimmer_text_width (text, longest_label) + 10 : 0;
  l->label_w = MAX (l->label_w, 40);

  l->area.x = MARGIN;
  l->area.y = l->legend_y + l->legend_h + 8;
  l->area.width = MAX (1, width - 2 * MARGIN);
  avail = MAX (1, height - l->area.y - AXIS_HEIGHT - 2 * LINE - MARGIN);

  if (options->lane_pitch > 0)
    l->pitch = options->lane_pitch;
  else if (n_lanes > 0)
    l->pitch = CLAMP ((avail - n_headers * l->header_h) / n_lanes, 0.05, MAX_PITCH);
  else
    l->pitch = MAX_PITCH;

  /* Rows */
  prev_arm = NULL;
  y = 0;
  for (guint i = l->first; i < l->last; i++)
    {
      const ParasolSwimmerLane *lane = g_ptr_array_index (plot->visible, i);
      Row row;

      if (plot->group == PARASOL_SWIMMER_GROUP_ARM && (i == l->first || g_strcmp0 (prev_arm, lane->arm) != 0))
        {
          row.lane = -1;
          row.slot = G_MAXUINT;
          row.arm = lane->arm;
          row.y = y;
          row.height = l->header_h;
          g_array_append_val (l->rows, row);
          y += l->header_h;
        }
      prev_arm = lane->arm;
      row.lane = (int) i;
      row.slot = swimmer_arm_index (plot, lane->arm);
      if (row.slot == G_MAXUINT)
        row.slot = plot->arms->len;
      row.arm = lane->arm;
      row.y = y;
      row.height = l->pitch;
      g_array_append_val (l->rows, row);
      y += l->pitch;
    }
  l->content_h = y;
  l->area.height = options->lane_pitch > 0 ? avail : MIN (avail, MAX (y, 3 * LINE));
  l->scroll = options->lane_pitch > 0 ? CLAMP (options->scroll, 0, MAX (0, y - l->area.height)) : 0;

  l->label_every = l->pitch >= LINE - 2 ? 1 : (guint) ceil ((LINE + 1) / l->pitch);
  l->marks_hidden = l->pitch < MIN_MARK_PITCH;

  /* The time axis */
  l->x0 = l->area.x + l->label_w + 8;
  l->x1 = l->area.x + l->area.width - 24;   /* room for the ongoing arrow */
  if (l->x1 - l->x0 < 20)
    l->x1 = l->x0 + 20;
  if (axis == PARASOL_SWIMMER_AXIS_AUTO)
    axis = l->max_day > 366 ? PARASOL_SWIMMER_AXIS_MONTHS : PARASOL_SWIMMER_AXIS_WEEKS;
  if (axis == PARASOL_SWIMMER_AXIS_MONTHS)
    {
      l->unit_days = DAYS_PER_MONTH;
      steps = month_steps;
      n_steps = G_N_ELEMENTS (month_steps);
    }
  else
    {
      l->unit_days = 7;
      steps = week_steps;
      n_steps = G_N_ELEMENTS (week_steps);
    }
  {
    double units = MAX (1.0, (l->max_day + 1) / l->unit_days);

    l->step = steps[n_steps - 1];
    for (guint i = 0; i < n_steps; i++)
      {
        double ticks = ceil (units / steps[i]);

        if ((l->x1 - l->x0) / ticks >= target_px)
          {
            l->step = steps[i];
            break;
          }
      }
    l->max_day = (int) ceil (ceil (units / l->step) * l->step * l->unit_days);
  }
}

double
swimmer_day_x (const Layout *l,
               double        day)
{
  return l->x0 + (l->x1 - l->x0) * day / MAX (1, l->max_day);
}

double
swimmer_row_top (const Layout *l,
                 const Row    *row)
{
  return l->area.y + row->y - l->scroll;
}
