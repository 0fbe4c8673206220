/* parasol-xml-guard.c — a linear byte scan that bounds an XML document before libxml2 sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-xml-guard"
#define _GNU_SOURCE /* memmem */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-xml-guard.h"

G_DEFINE_QUARK (parasol-xml-guard-error-quark, parasol_xml_guard_error)

typedef struct {
  gsize name_at;
  gsize name_len;
} Frame;

typedef struct {
  const char             *xml;
  gsize                   len;
  const ParasolXmlLimits *limits;
  const char             *filename;
  guint                   n_child_limits;
  GArray                 *stack;   /* Frame */
  GArray                 *counts;  /* n_child_limits guints per frame */
} Scan;

static guint
line_at (const char *xml,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (xml[i] == '\n')
      line++;
  return line;
}

static gboolean
fail (Scan       *s,
      gsize       offset,
      int         code,
      GError    **error,
      const char *message)
{
  g_set_error (error, PARASOL_XML_GUARD_ERROR, code, "%s:%u: %s",
               s->filename != NULL ? s->filename : "XML", line_at (s->xml, offset), message);
  return FALSE;
}

static gboolean
name_is (Scan       *s,
         gsize       at,
         gsize       len,
         const char *name)
{
  return strlen (name) == len && memcmp (s->xml + at, name, len) == 0;
}

static gboolean
is_name_end (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>';
}

/* Offset just past @needle at or after @from, or 0 when it does not occur. */
static gsize
skip_past (Scan       *s,
           gsize       from,
           const char *needle)
{
  gsize n = strlen (needle);
  const char *hit;

  if (from >= s->len)
    return 0;
  hit = memmem (s->xml + from, s->len - from, needle, n);
  return hit != NULL ? (gsize) (hit - s->xml) + n : 0;
}

/* A start tag at @at ('<' then a name).  Counts it, its attributes and its parent's children;
 * returns the offset after it, 0 at the end of the input, or G_MAXSIZE on a refusal. */
static gsize
start_tag (Scan    *s,
           gsize    at,
           guint   *n_elements,
           GError **error)
{
  const ParasolXmlLimits *lim = s->limits;
  gsize name_at = at + 1, j = name_at;
  guint n_attributes = 0;
  char quote = 0;
  gboolean self_closing;

  while (j < s->len && !is_name_end (s->xml[j]))
    j++;

  if (lim->max_elements > 0 && ++*n_elements > lim->max_elements)
    {
      g_autofree char *msg =
        g_strdup_printf (_("more than %u elements; files Parasol reads have at most that many"),
                         lim->max_elements);
      fail (s, at, PARASOL_XML_GUARD_ERROR_ELEMENTS, error, msg);
      return G_MAXSIZE;
    }

  if (lim->max_depth > 0 && s->stack->len + 1 > lim->max_depth)
    {
      g_autofree char *msg =
        g_strdup_printf (_("elements nested more than %u deep; at most %u levels are allowed"),
                         lim->max_depth, lim->max_depth);
      fail (s, at, PARASOL_XML_GUARD_ERROR_DEPTH, error, msg);
      return G_MAXSIZE;
    }

  if (s->stack->len > 0 && s->n_child_limits > 0)
    {
      const Frame *top = &g_array_index (s->stack, Frame, s->stack->len - 1);
      guint *counts = &g_array_index (s->counts, guint, (s->stack->len - 1) * s->n_child_limits);

      for (guint k = 0; k < s->n_child_limits; k++)
        {
          const ParasolXmlChildLimit *c = &lim->children[k];

          if (name_is (s, top->name_at, top->name_len, c->parent) &&
              name_is (s, name_at, j - name_at, c->child) && ++counts[k] > c->max)
            {
              g_autofree char *msg =
                g_strdup_printf (_("more than %u <%s> elements in one <%s>; at most %u are allowed"),
                                 c->max, c->child, c->parent, c->max);
              fail (s, at, PARASOL_XML_GUARD_ERROR_CHILDREN, error, msg);
              return G_MAXSIZE;
            }
        }
    }

  for (; j < s->len; j++)
    {
      char c = s->xml[j];

      if (quote != 0)
        {
          if (c == quote)
            quote = 0;
        }
      else if (c == '"' || c == '\'')
        quote = c;
      else if (c == '=')
        {
          if (lim->max_attributes > 0 && ++n_attributes > lim->max_attributes)
            {
              g_autofree char *msg =
                g_strdup_printf (_("an element with more than %u attributes; at most %u are allowed"),
                                 lim->max_attributes, lim->max_attributes);
              fail (s, at, PARASOL_XML_GUARD_ERROR_ATTRIBUTES, error, msg);
              return G_MAXSIZE;
            }
        }
      else if (c == '>')
        break;
    }
  if (j >= s->len)
    return 0;

  self_closing = s->xml[j - 1] == '/';
  if (!self_closing)
    {
      Frame frame = { name_at, 0 };
      guint zero = 0;

      frame.name_len = 0;
      while (name_at + frame.name_len < s->len && !is_name_end (s->xml[name_at + frame.name_len]))
        frame.name_len++;
      g_array_append_val (s->stack, frame);
      for (guint k = 0; k < s->n_child_limits; k++)
        g_array_append_val (s->counts, zero);
    }
  return j + 1;
}

gboolean
parasol_xml_guard_check (const char             *xml,
                         gsize                   len,
                         const ParasolXmlLimits *limits,
                         const char             *filename,
                         GError                **error)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  Scan s = { xml, len, limits, filename, 0, stack, counts };
  guint n_elements = 0;
  gsize i = 0;

  g_return_val_if_fail (xml != NULL || len == 0, FALSE);
  g_return_val_if_fail (limits != NULL, FALSE);

  for (const ParasolXmlChildLimit *c = limits->children; c != NULL && c->parent != NULL; c++)
    s.n_child_limits++;

  while (i < len)
    {
      const char *lt = memchr (xml + i, '<', len - i);
      gsize at, next;

      if (lt == NULL)
        break;
      at = (gsize) (lt - xml);
      if (at + 1 >= len)
        break;

      switch (xml[at + 1])
        {
        case '!':
          if (len - at >= 4 && memcmp (xml + at, "<!--", 4) == 0)
            next = skip_past (&s, at + 4, "-->");
          else if (len - at >= 9 && memcmp (xml + at, "<![CDATA[", 9) == 0)
            next = skip_past (&s, at + 9, "]]>");
          else
            return fail (&s, at, PARASOL_XML_GUARD_ERROR_DECLARATION, error,
                         _("document type and other markup declarations (<!…>) are not allowed"));
          break;
        case '?':
          next = skip_past (&s, at + 2, "?>");
          break;
        case '/':
          if (stack->len > 0)
            {
              g_array_set_size (stack, stack->len - 1);
              g_array_set_size (counts, stack->len * s.n_child_limits);
            }
          next = skip_past (&s, at + 2, ">");
          break;
        default:
          next = start_tag (&s, at, &n_elements, error);
          if (next == G_MAXSIZE)
            return FALSE;
          break;
        }
      if (next == 0)
        break; /* unterminated: libxml2 will say so */
      i = next;
    }
  return TRUE;
}
