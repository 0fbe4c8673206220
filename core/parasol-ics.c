/* parasol-ics.c — iCalendar (RFC 5545) export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-ics"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-ics.h"

#define ICS_LINE_OCTETS 75

char *
parasol_ics_escape_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  /* RFC 5545 TEXT is UTF-8 without control characters other than HTAB (TSAFE-CHAR): invalid
   * bytes become U+FFFD, and ESC, DEL and the rest are dropped, as CR is, so that nothing
   * stored in the database can end a line or reach a terminal that prints the file. */
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid) + 8);
  for (const char *p = valid; *p; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case ';':  g_string_append (out, "\\;"); break;
        case ',':  g_string_append (out, "\\,"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append_c (out, '\t'); break;
        default:
          if ((guchar) *p >= 0x20 && *p != 0x7f)
            g_string_append_c (out, *p);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

void
parasol_ics_append_line (GString    *out,
                         const char *line)
{
  gsize len, pos = 0;
  gsize limit = ICS_LINE_OCTETS;

  g_return_if_fail (out != NULL && line != NULL);

  len = strlen (line);
  while (len - pos > limit)
    {
      gsize cut = pos + limit;

      /* never split a UTF-8 sequence: back up to a lead byte */
      while (cut > pos && ((guchar) line[cut] & 0xC0) == 0x80)
        cut--;
      if (cut == pos)
        cut = pos + limit;

      g_string_append_len (out, line + pos, cut - pos);
      g_string_append (out, "\r\n ");
      pos = cut;
      limit = ICS_LINE_OCTETS - 1;   /* the leading space counts */
    }
  g_string_append (out, line + pos);
  g_string_append (out, "\r\n");
}

static void
append_prop (GString    *out,
             const char *name,
             const char *text)
{
  g_autofree char *escaped = parasol_ics_escape_text (text);
  g_autofree char *line = g_strconcat (name, ":", escaped, NULL);

  parasol_ics_append_line (out, line);
}

static void
append_date (GString     *out,
             const char  *name,
             const GDate *date)
{
  char line[64];

  g_snprintf (line, sizeof line, "%s;VALUE=DATE:%04d%02d%02d", name,
              g_date_get_year (date), g_date_get_month (date), g_date_get_day (date));
  parasol_ics_append_line (out, line);
}

/* Characters allowed in our UIDs: keep it boring. */
static char *
uid_safe (const char *key)
{
  char *out = g_strdup (key ? key : "patient");

  for (char *p = out; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      *p = '_';
  return out;
}

char *
parasol_ics_from_schedule (const ParasolSchedule *schedule,
                           const char            *patient_key,
                           GDateTime             *dtstamp)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *key = uid_safe (patient_key);
  g_autofree char *calname = NULL;

  g_return_val_if_fail (schedule != NULL, NULL);

  if (dtstamp == NULL)
    dtstamp = now = g_date_time_new_now_utc ();
  {
    g_autoptr(GDateTime) utc = g_date_time_to_utc (dtstamp);
    stamp = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
  }

  parasol_ics_append_line (out, "BEGIN:VCALENDAR");
  parasol_ics_append_line (out, "VERSION:2.0");
  parasol_ics_append_line (out, "PRODID:-//Parasol//Parasol " PACKAGE_VERSION "//EN");
  parasol_ics_append_line (out, "CALSCALE:GREGORIAN");
  parasol_ics_append_line (out, "METHOD:PUBLISH");
  calname = g_strdup_printf (_("Treatment calendar %s"), patient_key ? patient_key : "");
  append_prop (out, "X-WR-CALNAME", calname);

  for (guint i = 0; i < schedule->visits->len; i++)
    {
      const ParasolScheduleVisit *visit = g_ptr_array_index (schedule->visits, i);
      g_autofree char *uid = NULL;
      g_autofree char *summary = NULL;
      GDate end = visit->date;

      if (visit->kind == PARASOL_VISIT_IMAGING)
        uid = g_strdup_printf ("UID:%s-imaging-%d@parasol", key, visit->number);
      else if (visit->kind == PARASOL_VISIT_ADMINISTRATION)
        {
          /* The day of the cycle, not the date: a delay moves the event, it does not make a
           * new one (a calendar that re-imports the file then updates instead of duplicating) */
          const ParasolScheduleCycle *cycle = parasol_schedule_get_cycle (schedule, visit->cycle);
          int cycle_day = cycle != NULL ? (int) g_date_days_between (&cycle->start, &visit->date) + 1
                                        : 0;

          uid = g_strdup_printf ("UID:%s-c%d-%s-d%d@parasol", key, visit->cycle,
                                 parasol_visit_kind_to_string (visit->kind), cycle_day);
        }
      else
        uid = g_strdup_printf ("UID:%s-c%d-%s@parasol", key, visit->cycle,
                               parasol_visit_kind_to_string (visit->kind));

      summary = patient_key ? g_strdup_printf ("%s: %s", patient_key, visit->summary)
                            : g_strdup (visit->summary);

      g_date_add_days (&end, 1);   /* DTEND of an all-day event is exclusive */

      parasol_ics_append_line (out, "BEGIN:VEVENT");
      parasol_ics_append_line (out, uid);
      {
        g_autofree char *line = g_strconcat ("DTSTAMP:", stamp, NULL);
        parasol_ics_append_line (out, line);
      }
      append_date (out, "DTSTART", &visit->date);
      append_date (out, "DTEND", &end);
      append_prop (out, "SUMMARY", summary);
      if (visit->description != NULL)
        append_prop (out, "DESCRIPTION", visit->description);
      append_prop (out, "CATEGORIES", parasol_visit_kind_to_string (visit->kind));
      parasol_ics_append_line (out, "TRANSP:TRANSPARENT");
      parasol_ics_append_line (out, "END:VEVENT");
    }

  parasol_ics_append_line (out, "END:VCALENDAR");

  return g_string_free (g_steal_pointer (&out), FALSE);
}
