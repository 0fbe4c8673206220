/* fuzz-ics.c — libFuzzer target for the iCalendar writer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The patient key, a visit's summary and description come from the database, where anything
 * may have been stored.  The input is split at NUL bytes into those three texts; the writer's
 * output must then still be RFC 5545 that a calendar program cannot misread:
 *   - every line ends in CRLF, with no other CR or LF anywhere;
 *   - no line is longer than 75 octets, and folding never splits a UTF-8 character;
 *   - no control character other than HTAB appears (RFC 5545 TSAFE-CHAR);
 *   - the output is valid UTF-8;
 *   - unfolded, the SUMMARY line unescapes to the patient key and the summary as written.
 * Seed corpus: tests/fuzz/corpus/ics/ (replayed by the fuzz-ics-replay test).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "parasol-ics.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) G_STMT_START { if (!(cond)) __builtin_trap (); } G_STMT_END

static void
check_lines (const char *ics)
{
  const char *p = ics;

  CHECK (g_utf8_validate (ics, -1, NULL));
  while (*p)
    {
      const char *eol = strstr (p, "\r\n");
      gsize len;

      CHECK (eol != NULL);
      len = (gsize) (eol - p);
      CHECK (len <= 75);
      /* a line (and so a fold) never starts inside a UTF-8 sequence */
      CHECK (((guchar) *p & 0xc0) != 0x80);
      for (const char *c = p; c < eol; c++)
        CHECK ((guchar) *c >= 0x20 ? (guchar) *c != 0x7f : *c == '\t');
      p = eol + 2;
    }
}

/* The value of the first unfolded line starting with @name, unescaped. */
static char *
unfolded_value (const char *ics,
                const char *name)
{
  g_autoptr(GString) unfolded = g_string_new (ics);
  g_autofree char *prefix = g_strconcat ("\r\n", name, NULL);
  const char *line, *end;
  GString *out;

  g_string_replace (unfolded, "\r\n ", "", 0);
  line = strstr (unfolded->str, prefix);
  CHECK (line != NULL);
  line += strlen (prefix);
  end = strstr (line, "\r\n");
  CHECK (end != NULL);
  out = g_string_new (NULL);
  for (const char *c = line; c < end; c++)
    {
      if (*c == '\\' && c + 1 < end)
        {
          c++;
          g_string_append_c (out, *c == 'n' || *c == 'N' ? '\n' : *c);
        }
      else
        g_string_append_c (out, *c);
    }
  return g_string_free (out, FALSE);
}

/* What the writer may change in a text: invalid UTF-8 replaced, control characters other than
 * HTAB and LF dropped. */
static char *
expected_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *c = valid; *c; c++)
    if ((guchar) *c >= 0x20 ? (guchar) *c != 0x7f : (*c == '\t' || *c == '\n'))
      g_string_append_c (out, *c);
  return g_string_free (out, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *parts[3] = { "", "", "" };
  g_autofree char *copy = NULL;
  g_autofree char *ics = NULL;
  g_autoptr(GDateTime) stamp = g_date_time_new_utc (2026, 11, 20, 8, 0, 0);
  g_autoptr(GPtrArray) visits = g_ptr_array_new ();
  ParasolScheduleVisit visit = { 0 };
  ParasolSchedule schedule = { 0 };
  gsize at = 0;

  if (size > 65536)
    return 0;
  copy = g_malloc (size + 1);
  memcpy (copy, data, size);
  copy[size] = '\0';
  for (guint i = 0; i < 3 && at <= size; i++)
    {
      parts[i] = copy + at;
      at += strlen (copy + at) + 1;
    }

  visit.kind = PARASOL_VISIT_ADMINISTRATION;
  visit.cycle = 1;
  g_date_clear (&visit.date, 1);
  g_date_set_dmy (&visit.date, 20, 11, 2026);
  visit.window_start = visit.window_end = visit.date;
  visit.summary = (char *) parts[1];
  visit.description = (char *) parts[2];
  g_ptr_array_add (visits, &visit);
  schedule.visits = visits;

  ics = parasol_ics_from_schedule (&schedule, parts[0], stamp);
  CHECK (ics != NULL);
  check_lines (ics);
  {
    g_autofree char *raw = g_strdup_printf ("%s: %s", parts[0], parts[1]);
    g_autofree char *expected = expected_text (raw);
    g_autofree char *summary = unfolded_value (ics, "SUMMARY:");

    CHECK (g_str_equal (summary, expected));
  }
  return 0;
}
