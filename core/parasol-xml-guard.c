/* parasol-xml-guard.c — refuse hostile XML before libxml2 reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#define G_LOG_DOMAIN "parasol-xml-guard"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-xml-guard.h"

G_DEFINE_QUARK (parasol-xml-guard-error-quark, parasol_xml_guard_error)

static guint refused_count;

static int
count_lines (const char *data,
             gsize       from,
             gsize       to)
{
  int n = 0;

  for (gsize i = from; i < to; i++)
    if (data[i] == '\n')
      n++;
  return n;
}

/* Finds @needle at or after @from; returns its offset or @len. */
static gsize
find (const char *data,
      gsize       len,
      gsize       from,
      const char *needle)
{
  const char *p;

  if (from >= len)
    return len;
  p = memmem (data + from, len - from, needle, strlen (needle));
  return p != NULL ? (gsize) (p - data) : len;
}

static gboolean
refuse (GError    **error,
        int        *line_out,
        int         line,
        const char *filename,
        int         code,
        const char *message)
{
  if (line_out != NULL)
    *line_out = line;
  if (filename != NULL)
    g_set_error (error, PARASOL_XML_GUARD_ERROR, code, "%s:%d: %s", filename, line, message);
  else
    g_set_error_literal (error, PARASOL_XML_GUARD_ERROR, code, message);
  return FALSE;
}

/* The element name of the tag starting at @data[@i] ('<'), as written. */
static char *
tag_name (const char *data,
          gsize       len,
          gsize       i)
{
  gsize start = i + 1;
  gsize end = start;

  while (end < len && !g_ascii_isspace (data[end]) && data[end] != '/' && data[end] != '>')
    end++;
  return g_strndup (data + start, end - start);
}

/* Counts @name as a child of the innermost open element against the child limits: the stack
 * holds, per open element, its name and one count per limit. */
typedef struct {
  char  *name;
  guint *counts;
} OpenElement;

static void
open_element_clear (OpenElement *element)
{
  g_free (element->name);
  g_free (element->counts);
}

static const ParasolXmlChildLimit *
count_child (GArray                     *stack,
             const ParasolXmlChildLimit *children,
             const char                 *name)
{
  OpenElement *parent;

  if (stack->len == 0)
    return NULL;
  parent = &g_array_index (stack, OpenElement, stack->len - 1);
  for (guint k = 0; children[k].parent != NULL; k++)
    if (g_strcmp0 (children[k].parent, parent->name) == 0 &&
        g_strcmp0 (children[k].child, name) == 0 &&
        ++parent->counts[k] > children[k].max)
      return &children[k];
  return NULL;
}

gboolean
parasol_xml_guard_check (const char             *data,
                         gsize                   len,
                         const ParasolXmlLimits *limits,
                         const char             *filename,
                         int                    *line_out,
                         GError                **error)
{
  const char *bad_utf8 = NULL;
  const char *nul;
  gsize i = 0;
  guint depth = 0;
  guint elements = 0;
  int line = 1;
  guint n_children = 0;
  g_autoptr(GArray) stack = NULL;

  g_return_val_if_fail (limits != NULL, FALSE);

  if (limits->children != NULL)
    {
      while (limits->children[n_children].parent != NULL)
        n_children++;
      stack = g_array_new (FALSE, TRUE, sizeof (OpenElement));
      g_array_set_clear_func (stack, (GDestroyNotify) open_element_clear);
    }

  if (line_out != NULL)
    *line_out = 0;

  if (len == 0)
    return refuse (error, line_out, 0, filename, PARASOL_XML_GUARD_ERROR_EMPTY,
                   _("the file is empty"));
  if (len > limits->max_bytes)
    {
      g_autofree char *msg =
        g_strdup_printf (_("the file is %" PRIu64 " bytes; the limit is %" PRIu64 " bytes"),
                         (guint64) len, (guint64) limits->max_bytes);
      return refuse (error, line_out, 0, filename, PARASOL_XML_GUARD_ERROR_TOO_LARGE, msg);
    }
  nul = memchr (data, '\0', len);
  if (nul != NULL)
    return refuse (error, line_out, 1 + count_lines (data, 0, nul - data), filename,
                   PARASOL_XML_GUARD_ERROR_ENCODING,
                   _("the file contains a NUL byte; it is not a text XML file"));
  if (!g_utf8_validate_len (data, len, &bad_utf8))
    return refuse (error, line_out, 1 + count_lines (data, 0, bad_utf8 - data), filename,
                   PARASOL_XML_GUARD_ERROR_ENCODING,
                   _("the file is not valid UTF-8 (the first bad byte is on this line)"));

  while (i < len)
    {
      gsize start = i;
      gsize end;

      if (data[i] != '<')
        {
          /* A text run up to the next tag. */
          const char *lt = memchr (data + i, '<', len - i);

          end = lt != NULL ? (gsize) (lt - data) : len;
          if (end - start > limits->max_text)
            {
              g_autofree char *msg =
                g_strdup_printf (_("a text of %" PRIu64 " bytes; the limit is %" PRIu64 " bytes"),
                                 (guint64) (end - start), (guint64) limits->max_text);
              return refuse (error, line_out, line, filename, PARASOL_XML_GUARD_ERROR_TOO_LARGE,
                             msg);
            }
          line += count_lines (data, start, end);
          i = end;
          continue;
        }

      if (len - i >= 4 && memcmp (data + i, "<!--", 4) == 0)
        {
          end = find (data, len, i + 4, "-->");
          end = MIN (end + 3, len);
        }
      else if (len - i >= 9 && memcmp (data + i, "<![CDATA[", 9) == 0)
        {
          end = find (data, len, i + 9, "]]>");
          if (end - start > limits->max_text)
            return refuse (error, line_out, line, filename, PARASOL_XML_GUARD_ERROR_TOO_LARGE,
                           _("a CDATA section over the size limit"));
          end = MIN (end + 3, len);
        }
      else if (len - i >= 2 && data[i + 1] == '!')
        {
          gsize word = i + 2;
          g_autofree char *what = NULL;
          g_autofree char *msg = NULL;

          while (word < len && word < i + 12 && g_ascii_isalpha (data[word]))
            word++;
          what = g_strndup (data + i, word - i);
          msg = g_strdup_printf (_("document type declarations and entities (%s) are not "
                                   "allowed"), what);
          return refuse (error, line_out, line, filename, PARASOL_XML_GUARD_ERROR_DECLARATION,
                         msg);
        }
      else if (len - i >= 2 && data[i + 1] == '?')
        {
          end = find (data, len, i + 2, "?>");
          end = MIN (end + 2, len);
        }
      else
        {
          /* A start or end tag: count attributes ('=' outside quotes), check each value. */
          gboolean closing = len - i >= 2 && data[i + 1] == '/';
          guint attributes = 0;
          char quote = 0;
          gsize value_start = 0;

          for (end = i + 1; end < len; end++)
            {
              char c = data[end];

              if (quote != 0)
                {
                  if (c == quote)
                    {
                      if (end - value_start > limits->max_text)
                        return refuse (error, line_out, line + count_lines (data, start, end),
                                       filename, PARASOL_XML_GUARD_ERROR_TOO_LARGE,
                                       _("an attribute value over the size limit"));
                      quote = 0;
                    }
                }
              else if (c == '"' || c == '\'')
                {
                  quote = c;
                  value_start = end;
                }
              else if (c == '=')
                {
                  if (++attributes > limits->max_attributes)
                    {
                      g_autofree char *msg =
                        g_strdup_printf (_("an element with more than %u attributes"),
                                         limits->max_attributes);
                      return refuse (error, line_out, line, filename,
                                     PARASOL_XML_GUARD_ERROR_TOO_LARGE, msg);
                    }
                }
              else if (c == '>' || c == '<')
                break;
            }
          if (quote != 0 && end >= len && len - value_start > limits->max_text)
            return refuse (error, line_out, line, filename, PARASOL_XML_GUARD_ERROR_TOO_LARGE,
                           _("an attribute value over the size limit"));

          if (closing)
            {
              if (depth > 0)
                depth--;
              if (stack != NULL && stack->len > 0)
                g_array_set_size (stack, stack->len - 1);
            }
          else
            {
              gboolean empty = end < len && data[end] == '>' && data[end - 1] == '/';

              if (++elements > limits->max_elements)
                goto too_many;
              if (stack != NULL)
                {
                  g_autofree char *name = tag_name (data, len, i);
                  const ParasolXmlChildLimit *over = count_child (stack, limits->children, name);

                  if (over != NULL)
                    {
                      g_autofree char *msg =
                        g_strdup_printf (_("more than %u <%s> in one <%s>"), over->max,
                                         over->child, over->parent);
                      return refuse (error, line_out, line, filename,
                                     PARASOL_XML_GUARD_ERROR_CHILDREN, msg);
                    }
                  if (!empty)
                    {
                      OpenElement open = { g_steal_pointer (&name), g_new0 (guint, n_children) };

                      g_array_append_val (stack, open);
                    }
                }
            }
          if (!closing && !(end < len && data[end] == '>' && data[end - 1] == '/') &&
              ++depth > limits->max_depth)
            {
              g_autofree char *msg =
                g_strdup_printf (_("elements nested more than %u deep"), limits->max_depth);
              return refuse (error, line_out, line, filename, PARASOL_XML_GUARD_ERROR_TOO_LARGE,
                             msg);
            }
          if (end < len && data[end] == '>')
            end++;
        }
      line += count_lines (data, start, end);
      i = end;
    }
  return TRUE;

too_many:
  {
    g_autofree char *msg = g_strdup_printf (_("more than %u elements"), limits->max_elements);
    return refuse (error, line_out, line, filename, PARASOL_XML_GUARD_ERROR_TOO_LARGE, msg);
  }
}

static xmlParserInputPtr
refuse_entity (const char       *url,
               const char       *id,
               xmlParserCtxtPtr  ctxt)
{
  g_atomic_int_inc (&refused_count);
  g_debug ("Refused to load the external entity %s", url != NULL ? url : id != NULL ? id : "?");
  return NULL;
}

xmlExternalEntityLoader
parasol_xml_guard_refuse_entities (void)
{
  xmlExternalEntityLoader previous = xmlGetExternalEntityLoader ();

  xmlSetExternalEntityLoader (refuse_entity);
  return previous;
}

void
parasol_xml_guard_restore_entities (xmlExternalEntityLoader previous)
{
  xmlSetExternalEntityLoader (previous);
}

guint
parasol_xml_guard_refused_count (void)
{
  return g_atomic_int_get (&refused_count);
}
