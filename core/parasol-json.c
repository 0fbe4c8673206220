/* parasol-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document is built with json-glib's JsonBuilder, and its strings are escaped by
 * json-glib's JsonGenerator.  The text is laid out here rather than by JsonGenerator, because
 * the text parasol-cli has always written is a contract: ", " and ": " separators on one line,
 * and numbers in their shortest exact form.  JsonGenerator (1.6) writes no spaces, writes 575.0
 * for a whole double and 17 digits for the rest (1.2 becomes 1.1999999999999999).
 */
#define G_LOG_DOMAIN "parasol-json"

#include "config.h"

#include <math.h>
#include <json-glib/json-glib.h>

#include "parasol-facts.h"
#include "parasol-json.h"

struct _ParasolJson
{
  JsonBuilder *builder;
  char        *text;     /* the finished document, laid out on first get */
};

ParasolJson *
parasol_json_new (void)
{
  ParasolJson *self = g_new0 (ParasolJson, 1);

  self->builder = json_builder_new ();
  return self;
}

void
parasol_json_free (ParasolJson *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->builder);
  g_free (self->text);
  g_free (self);
}

/* Appends @value as a JSON string: as it is when nothing in it needs escaping, otherwise as
 * JsonGenerator escapes it.  @value is valid UTF-8. */
static void
append_string (GString    *out,
               const char *value)
{
  const guchar *p;

  for (p = (const guchar *) value; *p; p++)
    if (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f)
      break;
  if (*p == '\0')
    {
      g_string_append_c (out, '"');
      g_string_append (out, value);
      g_string_append_c (out, '"');
    }
  else
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value);
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *escaped = NULL;

      json_generator_set_root (generator, node);
      escaped = json_generator_to_data (generator, NULL);
      g_string_append (out, escaped);
    }
}

void
parasol_json_escape_append (GString    *out,
                            const char *value)
{
  if (g_utf8_validate (value, -1, NULL))
    append_string (out, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      append_string (out, valid);
    }
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Shortest form that reads back exactly, in the C locale. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_dtostr (buf, sizeof buf, value);
  g_string_append (out, buf);
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append (out, ", ");
            first = FALSE;
            append_string (out, name);
            g_string_append (out, ": ");
            append_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        }
      break;
    }
}

const char *
parasol_json_get (ParasolJson *self)
{
  if (self->text == NULL)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (self->builder);
      GString *out = g_string_new (NULL);

      /* NULL until the outermost container is closed. */
      if (root != NULL)
        append_node (out, root);
      self->text = g_string_free (out, FALSE);
    }
  return self->text;
}

char *
parasol_json_steal (ParasolJson *self)
{
  char *text;

  parasol_json_get (self);
  text = g_steal_pointer (&self->text);
  json_builder_reset (self->builder);
  return text;
}

/* Every write invalidates a document laid out earlier. */
static JsonBuilder *
builder (ParasolJson *self)
{
  g_clear_pointer (&self->text, g_free);
  return self->builder;
}

void
parasol_json_begin_object (ParasolJson *self)
{
  json_builder_begin_object (builder (self));
}

void
parasol_json_end_object (ParasolJson *self)
{
  json_builder_end_object (builder (self));
}

void
parasol_json_begin_array (ParasolJson *self)
{
  json_builder_begin_array (builder (self));
}

void
parasol_json_end_array (ParasolJson *self)
{
  json_builder_end_array (builder (self));
}

void
parasol_json_member (ParasolJson *self,
                     const char  *name)
{
  if (g_utf8_validate (name, -1, NULL))
    json_builder_set_member_name (builder (self), name);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (name, -1);

      json_builder_set_member_name (builder (self), valid);
    }
}

void
parasol_json_string (ParasolJson *self,
                     const char  *value)
{
  if (value == NULL)
    parasol_json_null (self);
  else if (g_utf8_validate (value, -1, NULL))
    json_builder_add_string_value (builder (self), value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (builder (self), valid);
    }
}

void
parasol_json_double (ParasolJson *self,
                     double       value)
{
  if (!isfinite (value))
    parasol_json_null (self);
  else
    json_builder_add_double_value (builder (self), value);
}

void
parasol_json_int (ParasolJson *self,
                  gint64       value)
{
  json_builder_add_int_value (builder (self), value);
}

void
parasol_json_boolean (ParasolJson *self,
                      gboolean     value)
{
  json_builder_add_boolean_value (builder (self), value);
}

void
parasol_json_null (ParasolJson *self)
{
  json_builder_add_null_value (builder (self));
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
