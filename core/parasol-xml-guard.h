/* parasol-xml-guard.h — bound an XML document's shape before libxml2 parses it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libxml2 2.9.14 (Debian 12) is quadratic in the attributes of one element: a 3.5 MB file with
 * 300 000 attributes on one element takes minutes to parse.  parasol_xml_guard_check() scans
 * the bytes once, in linear time and O(depth) memory, and refuses a document that has
 *
 *   - more than max_elements elements in all,
 *   - an element with more than max_attributes attributes (namespace declarations count),
 *   - elements nested deeper than max_depth,
 *   - more than a child limit's max children named CHILD directly inside an element named
 *     PARENT (names compared as written, prefix included: "lab" / "accept"),
 *   - a document type declaration or any other markup declaration (<!DOCTYPE, <!ENTITY,
 *     <!ELEMENT, <!ATTLIST): entities and external subsets are never wanted in Parasol's input.
 *
 * The bytes are read as UTF-8 (or any ASCII-compatible encoding): refuse a document with NUL
 * bytes (UTF-16, UTF-32) before calling it, as the protocol loader does.  Comments, processing
 * instructions and CDATA sections are skipped; quoted attribute values may hold '>' and '/'.  The guard is not a parser: a document it lets through can still be
 * malformed, and libxml2 then reports that.  What it counts it counts conservatively (every
 * '=' outside quotes in a start tag is an attribute), so a document libxml2 reads can never
 * hold more than the guard saw.
 *
 * Use (the protocol loader, the ODM importer):
 *
 *   static const ParasolXmlChildLimit children[] = { { "lab", "accept", 10000 }, { NULL } };
 *   static const ParasolXmlLimits limits = {
 *     .max_elements = 200000, .max_attributes = 32, .max_depth = 64, .children = children,
 *   };
 *   if (!parasol_xml_guard_check (data, len, &limits, filename, error))
 *     return NULL;                      // before xmlReadMemory()
 *
 * Errors are PARASOL_XML_GUARD_ERROR; their messages read "FILENAME:LINE: what is too many, and
 * the limit", so they can be shown as they are.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PARASOL_XML_GUARD_ERROR (parasol_xml_guard_error_quark ())

typedef enum {
  PARASOL_XML_GUARD_ERROR_ELEMENTS,     /* more than max_elements elements */
  PARASOL_XML_GUARD_ERROR_ATTRIBUTES,   /* an element with more than max_attributes */
  PARASOL_XML_GUARD_ERROR_DEPTH,        /* nested deeper than max_depth */
  PARASOL_XML_GUARD_ERROR_CHILDREN,     /* a child limit exceeded */
  PARASOL_XML_GUARD_ERROR_DECLARATION,  /* <!DOCTYPE or another markup declaration */
} ParasolXmlGuardError;

typedef struct {
  const char *parent;   /* element name, as written */
  const char *child;    /* element name, as written */
  guint       max;      /* at most this many CHILD directly inside one PARENT */
} ParasolXmlChildLimit;

typedef struct {
  guint                       max_elements;    /* 0: no limit */
  guint                       max_attributes;  /* per element; 0: no limit */
  guint                       max_depth;       /* 0: no limit */
  const ParasolXmlChildLimit *children;        /* NULL, or terminated by { NULL } */
} ParasolXmlLimits;

GQuark   parasol_xml_guard_error_quark (void);

/* TRUE when the @len bytes of @xml stay within @limits.  @filename names the document in the
 * error message.  Runs in time linear in @len. */
gboolean parasol_xml_guard_check       (const char             *xml,
                                        gsize                   len,
                                        const ParasolXmlLimits *limits,
                                        const char             *filename,
                                        GError                **error);

G_END_DECLS
