/* parasol-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-json"

#include "config.h"

#include <math.h>

#include "parasol-facts.h"
#include "parasol-json.h"

struct _ParasolJson
{
  GString *out;
  /* One entry per open container: TRUE once it holds a value (a comma is due). */
  GArray  *has_value;
  gboolean after_member;
};

ParasolJson *
parasol_json_new (void)
{
  ParasolJson *self = g_new0 (ParasolJson, 1);

  self->out = g_string_new (NULL);
  self->has_value = g_array_new (FALSE, FALSE, sizeof (gboolean));
  return self;
}

void
parasol_json_free (ParasolJson *self)
{
  if (self == NULL)
    return;
  g_string_free (self->out, TRUE);
  g_array_unref (self->has_value);
  g_free (self);
}

const char *
parasol_json_get (ParasolJson *self)
{
  return self->out->str;
}

char *
parasol_json_steal (ParasolJson *self)
{
  char *str = g_string_free (self->out, FALSE);

  self->out = g_string_new (NULL);
  return str;
}

/* Separates this value from the previous one in its container. */
static void
value_prefix (ParasolJson *self)
{
  gboolean *has;

  if (self->after_member)
    {
      self->after_member = FALSE;
      return;
    }
  if (self->has_value->len == 0)
    return;
  has = &g_array_index (self->has_value, gboolean, self->has_value->len - 1);
  if (*has)
    g_string_append (self->out, ", ");
  *has = TRUE;
}

static void
open_container (ParasolJson *self,
                char         c)
{
  gboolean f = FALSE;

  value_prefix (self);
  g_string_append_c (self->out, c);
  g_array_append_val (self->has_value, f);
}

static void
close_container (ParasolJson *self,
                 char         c)
{
  g_return_if_fail (self->has_value->len > 0);
  g_array_set_size (self->has_value, self->has_value->len - 1);
  g_string_append_c (self->out, c);
}

void
parasol_json_begin_object (ParasolJson *self)
{
  open_container (self, '{');
}

void
parasol_json_end_object (ParasolJson *self)
{
  close_container (self, '}');
}

void
parasol_json_begin_array (ParasolJson *self)
{
  open_container (self, '[');
}

void
parasol_json_end_array (ParasolJson *self)
{
  close_container (self, ']');
}

void
parasol_json_escape_append (GString    *out,
                            const char *value)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) value; *p; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

void
parasol_json_member (ParasolJson *self,
                     const char  *name)
{
  value_prefix (self);
  parasol_json_escape_append (self->out, name);
  g_string_append (self->out, ": ");
  self->after_member = TRUE;
}

void
parasol_json_string (ParasolJson *self,
                     const char  *value)
{
  if (value == NULL)
    {
      parasol_json_null (self);
      return;
    }
  value_prefix (self);
  if (g_utf8_validate (value, -1, NULL))
    parasol_json_escape_append (self->out, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      parasol_json_escape_append (self->out, valid);
    }
}

void
parasol_json_double (ParasolJson *self,
                     double       value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      parasol_json_null (self);
      return;
    }
  value_prefix (self);
  /* Shortest form that reads back exactly, in the C locale. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_dtostr (buf, sizeof buf, value);
  g_string_append (self->out, buf);
}

void
parasol_json_int (ParasolJson *self,
                  gint64       value)
{
  value_prefix (self);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
parasol_json_boolean (ParasolJson *self,
                      gboolean     value)
{
  value_prefix (self);
  g_string_append (self->out, value ? "true" : "false");
}

void
parasol_json_null (ParasolJson *self)
{
  value_prefix (self);
  g_string_append (self->out, "null");
}

void
parasol_json_member_string (ParasolJson *self, const char *name, const char *value)
{
  parasol_json_member (self, name);
  parasol_json_string (self, value);
}

void
parasol_json_member_double (ParasolJson *self, const char *name, double value)
{
  parasol_json_member (self, name);
  parasol_json_double (self, value);
}

void
parasol_json_member_int (ParasolJson *self, const char *name, gint64 value)
{
  parasol_json_member (self, name);
  parasol_json_int (self, value);
}

void
parasol_json_member_boolean (ParasolJson *self, const char *name, gboolean value)
{
  parasol_json_member (self, name);
  parasol_json_boolean (self, value);
}

void
parasol_json_member_date (ParasolJson *self, const char *name, const GDate *date)
{
  char buf[PARASOL_DATE_BUF_SIZE];

  parasol_json_member (self, name);
  if (date != NULL && g_date_valid (date))
    parasol_json_string (self, parasol_date_format (date, buf, sizeof buf));
  else
    parasol_json_null (self);
}
