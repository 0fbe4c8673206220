/* parasol-xml-guard.h — what every XML file from outside passes before libxml2 reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protocol loader and the ODM importer read files that may be hostile.  Both refuse, before
 * parsing, what libxml2 2.9.14 (Debian 12) handles badly or dangerously: a document type
 * declaration or entity (XXE, billion laughs, external DTDs), an input over a size limit, more
 * elements than a cap, too many attributes on one element (2.9.14 checks attribute names
 * pairwise: 300 000 attributes took 7 minutes), nesting deeper than a cap, one text or
 * attribute value larger than a cap, a NUL byte and invalid UTF-8.  The scan is one linear pass
 * over the bytes.
 *
 * Then parse with PARASOL_XML_SAFE_OPTIONS (never NOENT, DTDLOAD, DTDVALID, XINCLUDE or HUGE;
 * always NONET) between parasol_xml_guard_refuse_entities() and
 * parasol_xml_guard_restore_entities(), so that any external entity libxml2 might still ask
 * for is refused.
 */
#pragma once

#include <glib.h>
#include <libxml/parser.h>

G_BEGIN_DECLS

#define PARASOL_XML_GUARD_ERROR (parasol_xml_guard_error_quark ())

typedef enum {
  PARASOL_XML_GUARD_ERROR_EMPTY,
  PARASOL_XML_GUARD_ERROR_TOO_LARGE,     /* the file, a text, an element count, a depth */
  PARASOL_XML_GUARD_ERROR_DECLARATION,   /* <!DOCTYPE, <!ENTITY, ... */
  PARASOL_XML_GUARD_ERROR_ENCODING,      /* NUL byte, invalid UTF-8, another encoding */
  PARASOL_XML_GUARD_ERROR_CHILDREN,      /* a ParasolXmlChildLimit exceeded */
} ParasolXmlGuardError;

/* At most @max elements named @child directly inside one element named @parent (names as
 * written, prefix included): the protocol's <accept> units in one <lab>. */
typedef struct {
  const char *parent;
  const char *child;
  guint       max;
} ParasolXmlChildLimit;

typedef struct {
  gsize max_bytes;            /* the whole input */
  guint max_elements;
  guint max_attributes;       /* on one element, namespace declarations included */
  guint max_depth;
  gsize max_text;             /* one text run, CDATA section or attribute value */
  const ParasolXmlChildLimit *children;  /* NULL, or terminated by { NULL } */
} ParasolXmlLimits;

/* No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE; NONET always. */
#define PARASOL_XML_SAFE_OPTIONS \
  (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

GQuark   parasol_xml_guard_error_quark        (void);

/* Scans @data; on a refusal returns FALSE with "@filename:LINE: reason" in @error (just the
 * reason when @filename is NULL) and the line in @line (when non-NULL). */
gboolean parasol_xml_guard_check              (const char             *data,
                                               gsize                   len,
                                               const ParasolXmlLimits *limits,
                                               const char             *filename,
                                               int                    *line,
                                               GError                **error);

/* Installs an external entity loader that refuses everything and counts the attempts; returns
 * the previous loader for parasol_xml_guard_restore_entities(). */
xmlExternalEntityLoader parasol_xml_guard_refuse_entities  (void);
void                    parasol_xml_guard_restore_entities (xmlExternalEntityLoader previous);
/* How many external entities were refused in this process (for tests). */
guint                   parasol_xml_guard_refused_count    (void);

G_END_DECLS
