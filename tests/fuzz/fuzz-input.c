/* fuzz-input.c — libFuzzer target for the strict number, whole-number and date parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds arbitrary bytes to parasol_parse_double(), parasol_parse_int64() and
 * parasol_parse_date() (core/parasol-input.h) and checks what each promises, not only that it
 * does not crash:
 *   - a refusal sets an error with a message, and leaves the output untouched (dates: cleared);
 *   - an accepted number is finite, spelt only with [0-9+-.eE], and reads back to itself;
 *   - an accepted whole number is decimal digits with an optional sign, within its range;
 *   - an accepted date is exactly the YYYY-MM-DD that parasol_date_format() writes for it.
 * Seed corpus: tests/fuzz/corpus/input/ (replayed by the fuzz-input-replay test).
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "parasol-facts.h"
#include "parasol-input.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) G_STMT_START { if (!(cond)) __builtin_trap (); } G_STMT_END

static void
check_double (const char *text)
{
  g_autoptr(GError) error = NULL;
  double v = 12345.0;

  if (!parasol_parse_double (text, &v, &error))
    {
      CHECK (error != NULL && error->message != NULL && error->message[0] != '\0');
      CHECK (v == 12345.0);
      return;
    }
  CHECK (error == NULL);
  CHECK (isfinite (v));
  CHECK (strlen (text) <= PARASOL_INPUT_MAX_NUMBER_LEN);
  for (const char *p = text; *p; p++)
    CHECK (g_ascii_isdigit (*p) || strchr ("+-.eE", *p) != NULL);
  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    double again = NAN;

    g_ascii_dtostr (buf, sizeof buf, v);
    CHECK (parasol_parse_double (buf, &again, NULL));
    CHECK (again == v);
  }
}

static void
check_int64 (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 v = 777;

  if (!parasol_parse_int64 (text, -1000000, 1000000, &v, &error))
    {
      CHECK (error != NULL && error->message != NULL && error->message[0] != '\0');
      CHECK (v == 777);
      return;
    }
  CHECK (v >= -1000000 && v <= 1000000);
  for (const char *p = (*text == '+' || *text == '-') ? text + 1 : text; *p; p++)
    CHECK (g_ascii_isdigit (*p));
}

static void
check_date (const char *text)
{
  g_autoptr(GError) error = NULL;
  GDate d;

  if (!parasol_parse_date (text, &d, &error))
    {
      CHECK (error != NULL && error->message != NULL && error->message[0] != '\0');
      CHECK (!g_date_valid (&d));
      return;
    }
  {
    char buf[PARASOL_DATE_BUF_SIZE];

    CHECK (g_date_valid (&d));
    CHECK (strcmp (parasol_date_format (&d, buf, sizeof buf), text) == 0);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  /* g_strndup stops at a NUL: what C callers would see. */
  check_double (text);
  check_int64 (text);
  check_date (text);
  return 0;
}
