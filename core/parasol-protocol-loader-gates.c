/* parasol-protocol-loader-gates.c — the first two gates of reading a protocol file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Gate 1: well-formed XML, read without DTD, entities or network, within the size, element,
 * attribute and unit limits; gate 2: the RELAX NG schema.  The third gate (the semantic checks)
 * and the model are in parasol-protocol-loader.c, which calls these.
 */
#define _GNU_SOURCE /* memmem */
#define G_LOG_DOMAIN "parasol-protocol"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "parasol-core-resources.h"
#include "parasol-protocol-private.h"
#include "parasol-xml-guard.h"

/* ---- Loading: safety gate --------------------------------------------------------------------- */

int
parasol_protocol_line_at (const char *xml,
                          gsize       offset)
{
  int line = 1;

  for (gsize i = 0; i < offset; i++)
    if (xml[i] == '\n')
      line++;
  return line;
}

gboolean
parasol_protocol_safety_gate (const char  *xml,
                              gsize        len,
                              Problems    *p,
                              GError     **error)
{
  static const char *forbidden[] = { "<!DOCTYPE", "<!ENTITY", "<!ELEMENT", "<!ATTLIST" };

  if (len == 0)
    {
      problem_add (p, 0, _("the file is empty"));
      problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED, error);
      return FALSE;
    }
  if (len > PARASOL_PROTOCOL_MAX_SIZE)
    {
      problem_add (p, 0, _("the file is %" PRIu64 " bytes; protocol files are limited to %d bytes"),
                   (guint64) len, PARASOL_PROTOCOL_MAX_SIZE);
      problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED, error);
      return FALSE;
    }
  if (memchr (xml, '\0', len) != NULL)
    {
      problem_add (p, parasol_protocol_line_at (xml, (const char *) memchr (xml, '\0', len) - xml),
                   _("the file contains a NUL byte; it is not a text XML file"));
      problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED, error);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      const char *hit = memmem (xml, len, forbidden[i], strlen (forbidden[i]));

      if (hit != NULL)
        {
          problem_add (p, parasol_protocol_line_at (xml, hit - xml),
                       _("document type declarations and entities (%s) are not allowed in a protocol file"),
                       forbidden[i]);
          problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED, error);
          return FALSE;
        }
    }

  /* libxml2 2.9 is quadratic in the attributes of one element, and every element costs memory:
   * bound the document's shape on the bytes, before libxml2 sees them. */
  {
    static const ParasolXmlChildLimit children[] = {
      { "lab", "accept", PARASOL_PROTOCOL_MAX_UNITS_PER_LAB },
      { NULL },
    };
    static const ParasolXmlLimits limits = {
      .max_bytes = PARASOL_PROTOCOL_MAX_SIZE,
      .max_elements = PARASOL_PROTOCOL_MAX_ELEMENTS,
      .max_attributes = PARASOL_PROTOCOL_MAX_ATTRIBUTES,
      .max_depth = PARASOL_PROTOCOL_MAX_DEPTH,
      .max_text = PARASOL_PROTOCOL_MAX_SIZE,
      .children = children,
    };
    g_autoptr(GError) guard_error = NULL;

    if (!parasol_xml_guard_check (xml, len, &limits, p->filename, NULL, &guard_error))
      {
        g_set_error_literal (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED,
                             guard_error->message);
        return FALSE;
      }
  }
  return TRUE;
}

static void
structured_error_cb (void        *user_data,
                     xmlErrorPtr  err)
{
  Problems *p = user_data;
  g_autofree char *msg = NULL;
  int line;

  if (err == NULL || err->level == XML_ERR_WARNING)
    return;
  msg = g_strchomp (g_strdup (err->message ? err->message : "error"));
  line = err->line;
  if (line <= 0 && err->node != NULL)
    line = xmlGetLineNo ((xmlNode *) err->node);
  problem_add (p, line, "%s", msg);
}

xmlDoc *
parasol_protocol_parse_xml (const char  *xml,
                            gsize        len,
                            Problems    *p,
                            GError     **error)
{
  xmlExternalEntityLoader previous_loader;
  xmlParserCtxt *ctxt;
  xmlDoc *doc;

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      g_set_error_literal (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED,
                           "out of memory");
      return NULL;
    }

  xmlSetStructuredErrorFunc (p, structured_error_cb);
  /* No XML_PARSE_NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID, no network. */
  previous_loader = parasol_xml_guard_refuse_entities ();
  doc = xmlCtxtReadMemory (ctxt, xml, (int) len, p->filename, "UTF-8", PARASOL_XML_SAFE_OPTIONS);
  parasol_xml_guard_restore_entities (previous_loader);
  xmlSetStructuredErrorFunc (NULL, NULL);

  if (doc == NULL || !ctxt->wellFormed || p->count > 0)
    {
      if (p->count == 0)
        problem_add (p, 0, _("not a well-formed XML document"));
      problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED, error);
      g_clear_pointer (&doc, xmlFreeDoc);
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }
  xmlFreeParserCtxt (ctxt);

  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      problem_add (p, 1, _("document type declarations are not allowed in a protocol file"));
      problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED, error);
      xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

GBytes *
parasol_protocol_lookup_resource (const char  *path,
                 GError     **error)
{
  /* Referencing the resource object keeps it (and its constructor) linked from the static
   * library, and works whether or not it has been registered. */
  return g_resource_lookup_data (parasol_core_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

/* Thresholds without units are the error people make most; name it plainly before the schema's
 * more general "failed to validate attributes". */
static void
check_units_present (xmlNode  *node,
                     Problems *p)
{
  for (xmlNode *n = node; n != NULL; n = n->next)
    {
      if (is_element (n, "lab") || is_element (n, "crcl") || is_element (n, "threshold"))
        {
          g_autofree char *value = prop (n, "value");
          g_autofree char *unit = prop (n, "unit");

          if (value != NULL && unit == NULL && n->parent && !is_element (n->parent, "labs"))
            problem_add (p, line_of (n), _("the threshold value=\"%s\" has no unit; add a unit=\"…\" attribute"),
                         value);
        }
      if (n->children != NULL)
        check_units_present (n->children, p);
    }
}

typedef struct {
  int   line;
  char *message;
} SchemaError;

static void
schema_error_clear (gpointer data)
{
  g_free (((SchemaError *) data)->message);
}

static void
schema_error_cb (void        *user_data,
                 xmlErrorPtr  err)
{
  GArray *errors = user_data;
  SchemaError e;

  if (err == NULL || err->level == XML_ERR_WARNING)
    return;
  e.message = g_strchomp (g_strdup (err->message ? err->message : "error"));
  e.line = err->line;
  if (e.line <= 0 && err->node != NULL)
    e.line = xmlGetLineNo ((xmlNode *) err->node);
  g_array_append_val (errors, e);
}

gboolean
parasol_protocol_validate_schema (xmlDoc     *doc,
                                  Problems   *p,
                                  GError    **error)
{
  g_autoptr(GBytes) rng = NULL;
  g_autoptr(GError) local_error = NULL;
  xmlRelaxNGParserCtxt *pctxt;
  xmlRelaxNG *schema;
  xmlRelaxNGValidCtxt *vctxt;
  g_autoptr(GArray) schema_errors = NULL;
  gsize rng_len;
  const char *rng_data;
  int ret;

  rng = parasol_protocol_lookup_resource (SCHEMA_RESOURCE, &local_error);
  if (rng == NULL)
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_NOT_FOUND,
                   _("The protocol schema is missing from this build: %s"), local_error->message);
      return FALSE;
    }
  rng_data = g_bytes_get_data (rng, &rng_len);

  pctxt = xmlRelaxNGNewMemParserCtxt (rng_data, (int) rng_len);
  schema = xmlRelaxNGParse (pctxt);
  xmlRelaxNGFreeParserCtxt (pctxt);
  if (schema == NULL)
    {
      g_set_error_literal (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_SCHEMA,
                           _("The protocol schema of this build does not compile"));
      return FALSE;
    }

  check_units_present (xmlDocGetRootElement (doc), p);
  schema_errors = g_array_new (FALSE, FALSE, sizeof (SchemaError));
  g_array_set_clear_func (schema_errors, schema_error_clear);

  vctxt = xmlRelaxNGNewValidCtxt (schema);
  xmlRelaxNGSetValidStructuredErrors (vctxt, schema_error_cb, schema_errors);
  ret = xmlRelaxNGValidateDoc (vctxt, doc);
  xmlRelaxNGFreeValidCtxt (vctxt);
  xmlRelaxNGFree (schema);

  /* libxml2 reports some schema errors twice, once without a node: keep the one with its line,
   * and give a message that has none the line of the root element, so every problem reads
   * file:line: reason. */
  for (guint i = 0; i < schema_errors->len; i++)
    {
      const SchemaError *e = &g_array_index (schema_errors, SchemaError, i);
      gboolean duplicate = FALSE;

      if (e->line <= 0)
        for (guint j = 0; j < schema_errors->len && !duplicate; j++)
          {
            const SchemaError *o = &g_array_index (schema_errors, SchemaError, j);
            duplicate = o->line > 0 && g_str_equal (o->message, e->message);
          }
      if (!duplicate)
        problem_add (p, e->line > 0 ? e->line : line_of (xmlDocGetRootElement (doc)), "%s",
                     e->message);
    }

  if (ret != 0)
    {
      if (p->count == 0)
        problem_add (p, 0, _("the file does not follow the protocol schema"));
      problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_SCHEMA, error);
      return FALSE;
    }
  return TRUE;
}
