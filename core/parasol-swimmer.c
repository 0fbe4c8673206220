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
static const double no_arm_rgb[3] = { 0.60, 0.60, 0.60 };

struct _ParasolSwimmerPlot
{
  ParasolProtocol *protocol;
  GPtrArray       *lanes;     /* ParasolSwimmerLane*, all, arranged */
  GPtrArray       *visible;   /* the visible ones, in order (not owned) */
  GPtrArray       *arms;      /* char*: arm ids in colour order */
  GHashTable      *arm_names; /* id -> translated name (borrowed from the protocol) */
  GDate            today;
  char            *arm_filter;
  char            *title;
  ParasolSwimmerGroup group;
  ParasolSwimmerSort  sort;
  gboolean         dose_changes;
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

static guint
arm_index (ParasolSwimmerPlot *plot,
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
      guint ia = arm_index (sort_plot, la->arm), ib = arm_index (sort_plot, lb->arm);

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
  /* arm_index may append unknown arms: resolve them before sorting */
  for (guint i = 0; i < plot->lanes->len; i++)
    arm_index (plot, ((ParasolSwimmerLane *) g_ptr_array_index (plot->lanes, i))->arm);
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

  index = arm_index (plot, arm);
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

#define MARGIN 16.0
#define FONT_SIZE 9.0          /* points at 96 dpi: 12 layout units */
#define LINE 15.0              /* one line of FONT_SIZE text */
#define MAX_PITCH 26.0         /* fitting few lanes does not make them fat */
#define MIN_MARK_PITCH 3.0     /* below this, marks would be specks: not drawn, and said so */
#define AXIS_HEIGHT 38.0
#define DAYS_PER_MONTH 30.4375

typedef struct {
  int    lane;                 /* visible lane index, or -1 for an arm's header */
  guint  slot;                 /* colour: index into plot->arms, plot->arms->len for none */
  const char *arm;
  double y, height;            /* in content coordinates (0 = top of the lane area) */
} Row;

typedef struct {
  double width, height;
  guint  first, last;          /* lanes [first, last) */
  GArray *rows;                /* Row */
  double title_h;
  double legend_y, legend_h;
  ParasolSwimmerRect area;     /* lane area on the drawing */
  double content_h;            /* every row's height */
  double pitch;
  double header_h;
  double label_w;
  double x0, x1;               /* day 0 and day max_day */
  int    max_day;
  double unit_days;            /* 7 or 30.4375 */
  double step;                 /* tick step in units */
  double scroll;
  gboolean used[PARASOL_SWIMMER_N_MARKS];
  gboolean marks_hidden;
  guint  label_every;
  GPtrArray *legend_arms;      /* const char* arm ids drawn */
  guint   *arm_counts;
} Layout;

static void
layout_clear (Layout *l)
{
  g_clear_pointer (&l->rows, g_array_unref);
  g_clear_pointer (&l->legend_arms, g_ptr_array_unref);
  g_clear_pointer (&l->arm_counts, g_free);
}

/* One PangoContext per thread, kept: a new context per drawing starts with cold font caches,
 * and Pango then waits for fontconfig's matching again (several times the drawing itself). */
static GPrivate text_context = G_PRIVATE_INIT (g_object_unref);

static PangoLayout *
new_text (cairo_t *cr)
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

static void
set_font (PangoLayout *text,
          double       points,
          PangoWeight  weight)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");

  pango_font_description_set_size (font, (int) (points * PANGO_SCALE));
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (text, font);
}

static double
text_width (PangoLayout *text,
            const char  *str)
{
  int w, h;

  pango_layout_set_text (text, str, -1);
  pango_layout_get_pixel_size (text, &w, &h);
  return w;
}

static const ParasolSwimmerMarkKind legend_order[] = {
  PARASOL_SWIMMER_MARK_RESPONSE,
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
  PARASOL_SWIMMER_MARK_ONGOING,
  PARASOL_SWIMMER_MARK_END_UNKNOWN,
};

#define LEGEND_SWATCH 22.0
#define LEGEND_GAP 18.0

static char *
legend_arm_text (ParasolSwimmerPlot *plot,
                 const char         *arm,
                 guint               count)
{
  /* Translators: an arm in the swimmer plot's legend, "DLL3 arm (12)" */
  return g_strdup_printf (_("%s (%u)"), parasol_swimmer_plot_arm_name (plot, arm), count);
}

/* Lays the legend out from @x0 to @x1 starting at @y; draws it when @cr is not NULL.  Returns
 * its height. */
static double legend_run (ParasolSwimmerPlot *plot,
                          Layout             *l,
                          PangoLayout        *text,
                          cairo_t            *cr,
                          double              y);

static gboolean
is_mark_kind (ParasolSwimmerMarkKind kind,
              gboolean               dose_changes)
{
  if (kind == PARASOL_SWIMMER_MARK_DELAY || kind == PARASOL_SWIMMER_MARK_REDUCTION)
    return dose_changes;
  return TRUE;
}

static void
compute_layout (ParasolSwimmerPlot                *plot,
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
      guint ai = arm_index (plot, lane->arm);
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
  l->legend_h = n_lanes > 0 ? legend_run (plot, l, text, NULL, l->legend_y) : 0;

  /* The label column */
  set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  l->label_w = longest_label != NULL ? text_width (text, longest_label) + 10 : 0;
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
      row.slot = arm_index (plot, lane->arm);
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

static double
day_x (const Layout *l,
       double        day)
{
  return l->x0 + (l->x1 - l->x0) * day / MAX (1, l->max_day);
}

static double
row_top (const Layout *l,
         const Row    *row)
{
  return l->area.y + row->y - l->scroll;
}

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

static double
legend_run (ParasolSwimmerPlot *plot,
            Layout             *l,
            PangoLayout        *text,
            cairo_t            *cr,
            double              y0)
{
  double x = MARGIN, y = y0;
  double x_max = l->width - MARGIN;
  guint n_items = l->legend_arms->len + G_N_ELEMENTS (legend_order);

  set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
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
          ai = arm_index (plot, arm);
          label = legend_arm_text (plot, arm, l->arm_counts[ai == G_MAXUINT ? plot->arms->len : ai]);
        }
      else
        {
          kind = legend_order[i - l->legend_arms->len];
          if (!legend_lists (l, kind))
            continue;
          label = g_strdup (parasol_swimmer_mark_name (kind));
        }

      w = LEGEND_SWATCH + 6 + text_width (text, label);
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
  set_font (text, 13, PANGO_WEIGHT_BOLD);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
  cairo_move_to (cr, 2 * MARGIN, height / 2 - 2 * LINE);
  pango_layout_set_text (text, title, -1);
  pango_cairo_show_layout (cr, text);
  set_font (text, FONT_SIZE + 1, PANGO_WEIGHT_NORMAL);
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

  set_font (text, FONT_SIZE + 3, PANGO_WEIGHT_BOLD);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  draw_text (cr, text, title, MARGIN, MARGIN - 2, 0);
  set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
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
          double x = round (day_x (l, u * l->unit_days)) + 0.5;

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
      double x = round (day_x (l, u * l->unit_days)) + 0.5;

      cairo_move_to (cr, x, round (bottom) + 0.5);
      cairo_line_to (cr, x, round (bottom) + 5.5);
    }
  cairo_stroke (cr);

  set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  for (double u = 0; u <= units + 1e-6; u += l->step)
    {
      char label[32];

      g_snprintf (label, sizeof label, "%g", u);
      draw_text (cr, text, label, day_x (l, u * l->unit_days), bottom + 7, 0.5);
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

  set_font (text, FONT_SIZE - 1, PANGO_WEIGHT_NORMAL);
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
      cy = row_top (l, r) + r->height / 2;
      if (kind == PARASOL_SWIMMER_MARK_DELAY || kind == PARASOL_SWIMMER_MARK_REDUCTION)
        cy = row_top (l, r) + r->height * 0.22;
      for (guint k = 0; k < lane->marks->len; k++)
        {
          const ParasolSwimmerMark *m = &g_array_index (lane->marks, ParasolSwimmerMark, k);

          if (m->kind != kind)
            continue;
          mark_path (cr, m->kind, day_x (l, m->day), cy, size);
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

  text = new_text (cr);
  compute_layout (plot, text, width, height, options, &l);

  if (l.last <= l.first)
    {
      draw_header (plot, cr, text, &l, options);
      draw_empty (plot, cr, text, width, height);
      layout_clear (&l);
      cairo_restore (cr);
      return;
    }

  draw_header (plot, cr, text, &l, options);
  legend_run (plot, &l, text, cr, l.legend_y);

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

        if (row_top (&l, r) + r->height < clip_y0)
          lo = mid + 1;
        else
          hi = mid;
      }
    row_first = lo;
    row_last = row_first;
    while (row_last < l.rows->len &&
           row_top (&l, &g_array_index (l.rows, Row, row_last)) <= clip_y1)
      row_last++;
  }

  bar_frac = l.pitch >= 6 ? 0.6 : l.pitch >= 2 ? 0.75 : 1.0;
  ms = MIN (l.pitch * 0.72, 12);

  /* Arm headers */
  set_font (text, FONT_SIZE, PANGO_WEIGHT_BOLD);
  for (guint i = row_first; i < row_last; i++)
    {
      const Row *r = &g_array_index (l.rows, Row, i);
      double rgb[3];
      guint ai;
      g_autofree char *label = NULL;

      if (r->lane >= 0)
        continue;
      ai = arm_index (plot, r->arm);
      parasol_swimmer_plot_arm_color (plot, r->arm, rgb);
      label = legend_arm_text (plot, r->arm, l.arm_counts[ai == G_MAXUINT ? plot->arms->len : ai]);
      cairo_set_source_rgb (cr, rgb[0] * 0.6, rgb[1] * 0.6, rgb[2] * 0.6);
      draw_text (cr, text, label, l.area.x, row_top (&l, r) + (r->height - LINE) / 2 + 1, 0);
      cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
      cairo_rectangle (cr, l.area.x, row_top (&l, r) + r->height - 1, l.area.width, 1);
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
          top = row_top (&l, r) + (r->height - h) / 2;
          cairo_rectangle (cr, l.x0, top, MAX (day_x (&l, lane->duration_days) - l.x0, 1.5), h);
          if (lane->ongoing && !l.marks_hidden)
            mark_path (cr, PARASOL_SWIMMER_MARK_ONGOING, day_x (&l, lane->duration_days),
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
            cairo_rectangle (cr, day_x (&l, lane->duration_days), row_top (&l, r), 4,
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
          mark_path (cr, PARASOL_SWIMMER_MARK_ONGOING, day_x (&l, lane->duration_days),
                     row_top (&l, r) + r->height / 2, MIN (h * 1.5, 20));
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
          cairo_rectangle (cr, day_x (&l, lane->response_start), row_top (&l, r) + (r->height - h) / 2,
                           MAX (day_x (&l, lane->response_end) - day_x (&l, lane->response_start), 1), h);
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
            mark_path (cr, PARASOL_SWIMMER_MARK_END_UNKNOWN, day_x (&l, lane->duration_days) + 2,
                       row_top (&l, r) + r->height / 2, ms);
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
  set_font (text, FONT_SIZE, PANGO_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
  for (guint i = row_first; i < row_last; i++)
    {
      const Row *r = &g_array_index (l.rows, Row, i);
      const ParasolSwimmerLane *lane;

      if (r->lane < 0 || (r->lane - l.first) % l.label_every != 0)
        continue;
      lane = g_ptr_array_index (plot->visible, r->lane);
      draw_text (cr, text, lane->label, l.x0 - 6, row_top (&l, r) + r->height / 2 - LINE / 2, 1);
    }

  /* Discontinuation reasons, when a lane has a line to itself */
  if (l.pitch >= LINE)
    {
      set_font (text, FONT_SIZE - 1, PANGO_WEIGHT_NORMAL);
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
          x = day_x (&l, MAX (lane->duration_days, lane->response_end));
          room = l.area.x + l.area.width;
          for (guint k = 0; k < lane->marks->len; k++)
            {
              double mx = day_x (&l, g_array_index (lane->marks, ParasolSwimmerMark, k).day);

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
          draw_text (cr, text, lane->end_reason, x, row_top (&l, r) + (r->height - LINE) / 2 + 1, 0);
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
        cairo_rectangle (cr, l.area.x - 2, row_top (&l, r) + 0.5, l.area.width + 4,
                         MAX (r->height - 1, 2));
        cairo_stroke (cr);
      }
  cairo_restore (cr);

  draw_axis (plot, cr, text, &l, FALSE);
  draw_caption (plot, cr, text, &l);

  layout_clear (&l);
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
  PangoLayout *text = new_text (cr);
  ParasolSwimmerRenderOptions defaults;

  if (options == NULL)
    {
      parasol_swimmer_render_options_init (&defaults);
      options = &defaults;
    }
  compute_layout (plot, text, width, height, options, l);
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
  layout_clear (&l);
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
          rect->y = row_top (&l, r);
          rect->width = l.area.width;
          rect->height = r->height;
          found = TRUE;
          break;
        }
    }
  layout_clear (&l);
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
  layout_clear (&l);
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
  x = day_x (&l, day);
  layout_clear (&l);
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
        double top = row_top (&l, r);

        if (y >= top && y < top + r->height)
          {
            lane = r->lane;
            break;
          }
      }
  layout_clear (&l);
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
