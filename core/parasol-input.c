/* parasol-input.c — strict numbers, whole numbers and dates; bounded file reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-input"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "parasol-input.h"

G_DEFINE_QUARK (parasol-input-error-quark, parasol_input_error)

/* What a message quotes of a bad value: at most 40 characters, valid UTF-8. */
static char *
quoted (const char *str)
{
  g_autofree char *valid = g_utf8_make_valid (str != NULL ? str : "", -1);

  if (g_utf8_strlen (valid, -1) <= 40)
    return g_steal_pointer (&valid);
  *g_utf8_offset_to_pointer (valid, 40) = '\0';
  return g_strconcat (valid, "…", NULL);
}

static gsize
skip_digits (const char *s,
             gsize       i)
{
  while (g_ascii_isdigit (s[i]))
    i++;
  return i;
}

gboolean
parasol_parse_double (const char  *str,
                      double      *value,
                      GError     **error)
{
  gsize i = 0, start, len;
  gboolean mantissa_digits;
  char *end = NULL;
  double v;

  len = str != NULL ? strnlen (str, PARASOL_INPUT_MAX_NUMBER_LEN + 1) : 0;
  if (len == 0 || len > PARASOL_INPUT_MAX_NUMBER_LEN)
    goto bad;

  /* [+-]DIGITS[.DIGITS] | [+-].DIGITS, then [eE][+-]DIGITS: no hex, inf, nan or spaces. */
  if (str[i] == '+' || str[i] == '-')
    i++;
  start = i;
  i = skip_digits (str, i);
  mantissa_digits = i > start;
  if (str[i] == '.')
    {
      gsize frac = ++i;

      i = skip_digits (str, i);
      mantissa_digits = mantissa_digits || i > frac;
    }
  if (!mantissa_digits)
    goto bad;
  if (str[i] == 'e' || str[i] == 'E')
    {
      gsize exp;

      i++;
      if (str[i] == '+' || str[i] == '-')
        i++;
      exp = i;
      i = skip_digits (str, i);
      if (i == exp)
        goto bad;
    }
  if (str[i] != '\0')
    goto bad;

  v = g_ascii_strtod (str, &end);
  if (end != str + len)
    goto bad;
  if (!isfinite (v))
    {
      g_autofree char *shown = quoted (str);

      g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NUMBER,
                   _("“%s” is too large a number."), shown);
      return FALSE;
    }
  *value = v;
  return TRUE;

bad:
  {
    g_autofree char *shown = quoted (str);

    g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NUMBER,
                 _("“%s” is not a number; write digits with a decimal point, such as 2.5."),
                 shown);
  }
  return FALSE;
}

gboolean
parasol_parse_int64 (const char  *str,
                     gint64       min,
                     gint64       max,
                     gint64      *value,
                     GError     **error)
{
  gsize i = 0, len;
  gint64 v;
  char *end = NULL;

  len = str != NULL ? strnlen (str, PARASOL_INPUT_MAX_NUMBER_LEN + 1) : 0;
  if (len == 0 || len > PARASOL_INPUT_MAX_NUMBER_LEN)
    goto bad;
  if (str[i] == '+' || str[i] == '-')
    i++;
  if (!g_ascii_isdigit (str[i]) || skip_digits (str, i) != len)
    goto bad;

  errno = 0;
  v = g_ascii_strtoll (str, &end, 10);
  if (end != str + len)
    goto bad;
  if (errno == ERANGE || v < min || v > max)
    {
      g_autofree char *shown = quoted (str);

      g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_RANGE,
                   _("%s is out of range; give a whole number from %" PRId64 " to %" PRId64 "."),
                   shown, (int64_t) min, (int64_t) max);
      return FALSE;
    }
  *value = v;
  return TRUE;

bad:
  {
    g_autofree char *shown = quoted (str);

    g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NUMBER,
                 _("“%s” is not a whole number; write it with the digits 0–9 only."), shown);
  }
  return FALSE;
}

gboolean
parasol_parse_date (const char  *str,
                    GDate       *date,
                    GError     **error)
{
  guint y = 0, m = 0, d = 0;

  g_date_clear (date, 1);
  if (str == NULL || strnlen (str, 11) != 10 || str[4] != '-' || str[7] != '-')
    goto bad;
  for (guint i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        continue;
      if (!g_ascii_isdigit (str[i]))
        goto bad;
    }
  for (guint i = 0; i < 4; i++)
    y = y * 10 + (guint) (str[i] - '0');
  m = (guint) (str[5] - '0') * 10 + (guint) (str[6] - '0');
  d = (guint) (str[8] - '0') * 10 + (guint) (str[9] - '0');
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    goto bad;
  g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;

bad:
  {
    g_autofree char *shown = quoted (str);

    g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_DATE,
                 _("“%s” is not a valid date; write it as YYYY-MM-DD."), shown);
  }
  return FALSE;
}

gboolean
parasol_input_read_file (const char  *path,
                         gsize        max_bytes,
                         char       **contents,
                         gsize       *length,
                         GError     **error)
{
  g_autofree char *buf = NULL;
  struct stat st;
  gsize len = 0;
  int fd;
  int saved_errno;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (max_bytes < G_MAXSIZE - 1, FALSE);

  /* Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_READ,
                   _("%s: cannot open the file: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_READ,
                   _("%s: cannot read the file: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NOT_REGULAR,
                   _("%s: not a regular file (a folder, device or pipe); give the path of a file"),
                   path);
      return FALSE;
    }
  if (st.st_size < 0 || (guint64) st.st_size > max_bytes)
    {
      close (fd);
      g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_TOO_LARGE,
                   _("%s: the file is %" PRIu64 " bytes; at most %" PRIu64 " bytes are read"),
                   path, (guint64) st.st_size, (guint64) max_bytes);
      return FALSE;
    }

  /* Read at most one byte more than allowed: a file that grew after fstat() is refused. */
  buf = g_malloc ((gsize) st.st_size + 2);
  for (;;)
    {
      gsize want = MIN ((gsize) st.st_size + 1, max_bytes + 1) - len;
      ssize_t n;

      if (want == 0)
        break;
      n = read (fd, buf + len, want);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          close (fd);
          g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_READ,
                       _("%s: cannot read the file: %s"), path, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  close (fd);

  if (len > max_bytes || len > (gsize) st.st_size)
    {
      g_set_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_TOO_LARGE,
                   _("%s: the file grew while it was read; read it again when nothing writes to it"),
                   path);
      return FALSE;
    }
  buf[len] = '\0';
  *contents = g_steal_pointer (&buf);
  if (length != NULL)
    *length = len;
  return TRUE;
}
