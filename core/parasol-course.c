/* parasol-course.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-course"

#include "config.h"

#include "parasol-course.h"
#include "parasol-schedule.h"

static const ParasolDrug *
find_in (GPtrArray  *drugs,
         const char *id)
{
  for (guint i = 0; drugs != NULL && i < drugs->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (drugs, i);

      if (g_strcmp0 (drug->id, id) == 0)
        return drug;
    }
  return NULL;
}

static const ParasolDrug *
find_drug (const ParasolRegimen *regimen,
           const char           *id)
{
  const ParasolDrug *drug = find_in (regimen->backbone, id);

  if (drug == NULL)
    drug = find_in (regimen->icis, id);
  for (guint i = 0; drug == NULL && regimen->arms != NULL && i < regimen->arms->len; i++)
    drug = find_in (((ParasolArmRegimen *) g_ptr_array_index (regimen->arms, i))->drugs, id);
  return drug;
}

/* Oral drugs are dispensed once for the cycle (as parasol-cli give and the demo record them):
 * a cycle with a dispensing of the drug has none of its days left unrecorded. */
static gboolean
oral_dispensed (const ParasolRegimen       *regimen,
                const ParasolScheduleCycle *cycle,
                const ParasolScheduledDose *dose)
{
  const ParasolDrug *drug = find_drug (regimen, dose->drug);

  if (drug == NULL || g_strcmp0 (drug->route, "oral") != 0)
    return FALSE;

  for (guint i = 0; i < cycle->doses->len; i++)
    {
      const ParasolScheduledDose *other = g_ptr_array_index (cycle->doses, i);

      if (g_strcmp0 (other->drug, dose->drug) == 0 &&
          other->status != PARASOL_DOSE_STATUS_PLANNED)
        return TRUE;
    }
  return FALSE;
}

static guint
count_not_recorded (ParasolProtocol           *protocol,
                    const ParasolPatientFacts *facts,
                    const GDate               *until)
{
  const ParasolRegimen *regimen = protocol != NULL ? parasol_protocol_get_regimen (protocol) : NULL;
  g_autoptr(GError) error = NULL;
  ParasolScheduleOptions options;
  ParasolSchedule *schedule;
  guint n = 0;

  if (regimen == NULL || !g_date_valid (&facts->c1d1) || facts->arm == NULL)
    return 0;

  /* Cycles starting after @until hold no past dose: listed up to it, not a year ahead. */
  parasol_schedule_options_init (&options);
  options.doses_only = TRUE;
  options.horizon_days = MAX (0, g_date_days_between (&facts->c1d1, until));
  schedule = parasol_schedule_build (regimen, facts->arm, facts->ici, &facts->c1d1, facts, NULL,
                                     &options, &error);
  if (schedule == NULL)
    return 0;

  for (guint c = 0; c < schedule->cycles->len; c++)
    {
      const ParasolScheduleCycle *cycle = g_ptr_array_index (schedule->cycles, c);

      if (cycle->status == PARASOL_CYCLE_SKIPPED)
        continue;
      for (guint d = 0; d < cycle->doses->len; d++)
        {
          const ParasolScheduledDose *dose = g_ptr_array_index (cycle->doses, d);

          GDate due;

          if (dose->status != PARASOL_DOSE_STATUS_PLANNED || !g_date_valid (&dose->date) ||
              oral_dispensed (regimen, cycle, dose))
            continue;

          /* A cycle not yet started may still start within its visit window: its doses are
           * missing only once the window is over. */
          due = dose->date;
          if (cycle->status != PARASOL_CYCLE_STARTED && regimen->visit_window_days > 0)
            g_date_add_days (&due, regimen->visit_window_days);
          if (g_date_compare (&due, until) < 0)
            n++;
        }
    }

  parasol_schedule_free (schedule);
  return n;
}

ParasolCourse *
parasol_course_new (ParasolProtocol           *protocol,
                    const ParasolPatientFacts *facts,
                    const GDate               *today)
{
  ParasolCourse *course = g_new0 (ParasolCourse, 1);
  ParasolPatientStatus status;
  GDate until;

  g_return_val_if_fail (facts != NULL, course);

  g_date_clear (&course->end_date, 1);
  g_date_clear (&course->death_date, 1);
  g_date_clear (&course->last_response_date, 1);

  for (guint i = 0; facts->responses != NULL && i < facts->responses->len; i++)
    {
      const ParasolResponse *r = g_ptr_array_index (facts->responses, i);

      /* By date; the later of two on a day is the one recorded last. */
      if (!g_date_valid (&course->last_response_date) || !g_date_valid (&r->date) ||
          g_date_compare (&r->date, &course->last_response_date) >= 0)
        {
          g_free (course->last_response);
          course->last_response = g_strdup (r->response);
          if (g_date_valid (&r->date))
            course->last_response_date = r->date;
        }
    }

  for (guint i = 0; facts->events != NULL && i < facts->events->len; i++)
    {
      const ParasolEvent *e = g_ptr_array_index (facts->events, i);
      ParasolEventKind kind;

      if (!parasol_event_kind_from_string (e->kind, &kind))
        continue;
      if (kind == PARASOL_EVENT_KIND_DEATH)
        {
          course->dead = TRUE;
          if (g_date_valid (&e->date) && (!g_date_valid (&course->death_date) ||
                                          g_date_compare (&e->date, &course->death_date) < 0))
            course->death_date = e->date;
        }
    }

  course->ended = course->dead ||
                  (parasol_patient_status_from_string (facts->status, &status) &&
                   status == PARASOL_PATIENT_STATUS_OFF_TREATMENT);

  /* The end of treatment: the first event that ended it. */
  if (course->ended)
    for (guint i = 0; facts->events != NULL && i < facts->events->len; i++)
      {
        const ParasolEvent *e = g_ptr_array_index (facts->events, i);
        ParasolEventKind kind;

        if (!parasol_event_kind_from_string (e->kind, &kind) || !g_date_valid (&e->date))
          continue;
        if (!g_date_valid (&course->end_date) || g_date_compare (&e->date, &course->end_date) < 0)
          {
            course->end_date = e->date;
            course->end_kind = kind;
            g_free (course->end_reason);
            course->end_reason = e->reason != NULL && *e->reason != '\0' ? g_strdup (e->reason)
                                                                         : NULL;
          }
      }

  /* Doses are due up to the end of treatment (not on its day), or to today. */
  if (today != NULL && g_date_valid (today))
    until = *today;
  else
    parasol_date_set_today (&until);
  if (course->ended)
    {
      if (g_date_valid (&course->end_date))
        {
          if (g_date_compare (&course->end_date, &until) < 0)
            until = course->end_date;
        }
      else
        {
          /* Ended, no date recorded: nothing is due after the last dose recorded. */
          g_date_clear (&until, 1);
          for (guint i = 0; facts->administrations != NULL && i < facts->administrations->len; i++)
            {
              const ParasolAdministration *a = g_ptr_array_index (facts->administrations, i);

              if (g_date_valid (&a->date) &&
                  (!g_date_valid (&until) || g_date_compare (&a->date, &until) > 0))
                until = a->date;
            }
          if (g_date_valid (&until))
            g_date_add_days (&until, 1);
        }
    }

  if (g_date_valid (&until))
    course->n_not_recorded = count_not_recorded (protocol, facts, &until);

  return course;
}

void
parasol_course_free (ParasolCourse *course)
{
  if (course == NULL)
    return;
  g_free (course->end_reason);
  g_free (course->last_response);
  g_free (course);
}
