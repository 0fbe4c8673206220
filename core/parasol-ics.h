/* parasol-ics.h — iCalendar (RFC 5545) export of a cycle calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All-day events (DTSTART;VALUE=DATE), one per visit of the schedule, with stable UIDs so that a
 * calendar program updates events on re-import instead of duplicating them.  Lines end in CRLF
 * and are folded at 75 octets without splitting a UTF-8 character.
 */
#pragma once

#include <glib.h>

#include "parasol-schedule.h"

G_BEGIN_DECLS

/* Escapes TEXT values: backslash, semicolon, comma, newline (-> \n); invalid UTF-8 replaced
 * (U+FFFD); CR and every other control character but HTAB dropped. */
char     *parasol_ics_escape_text   (const char *text);

/* Appends @line folded at 75 octets (continuation lines start with one space), then CRLF. */
void      parasol_ics_append_line   (GString    *out,
                                     const char *line);

/* The whole VCALENDAR.  @patient_key names the patient in UIDs and summaries (subject number,
 * else screening number); @dtstamp NULL = now (UTC). */
char     *parasol_ics_from_schedule (const ParasolSchedule *schedule,
                                     const char            *patient_key,
                                     GDateTime             *dtstamp);

G_END_DECLS
