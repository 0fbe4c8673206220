/* parasol-protocol-private.h — what the parasol-protocol*.c files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ParasolProtocol spans these files: parasol-protocol.c (the object, units, biomarker thresholds,
 * strings and getters), parasol-protocol-loader.c (reading and checking the XML: the safety
 * gate, the RELAX NG schema and the semantic checks, into the plain data of parasol-protocol.h),
 * with the first two gates in parasol-protocol-loader-gates.c, and parasol-protocol-plausible.c.
 * For those files only.
 */
#pragma once

#include <gio/gio.h>

#include "parasol-protocol.h"

G_BEGIN_DECLS

#define RESOURCE_DIR     "/org/parasol/Parasol/core/protocols/"
#define DEFAULT_RESOURCE RESOURCE_DIR "buttons-001.xml"
#define SCHEMA_RESOURCE  RESOURCE_DIR "parasol-protocol.rng"

struct _ParasolProtocol
{
  GObject          parent_instance;

  char            *filename;
  char            *source;

  char            *id;
  char            *registry_id;
  char            *title;
  char            *sponsor;
  char            *version;
  char            *effective_date;
  char            *trial_note;

  ParasolValidity  validity;
  GPtrArray       *labs;
  GPtrArray       *criteria;
  GPtrArray       *biomarkers;
  GPtrArray       *arms;
  GPtrArray       *rules;
  ParasolRegimen  *regimen;
  GPtrArray       *plausible;   /* ParasolPlausibleRange*: <plausible>, defaults filled in */
  GPtrArray       *discontinuation_reasons; /* ParasolDiscontinuationReason*, or the defaults */
};

void                          parasol_protocol_lab_def_free          (ParasolLabDef *lab);
void                          parasol_protocol_criterion_free        (ParasolCriterion *criterion);
void                          parasol_protocol_biomarker_def_free    (ParasolBiomarkerDef *marker);
void                          parasol_protocol_arm_def_free          (ParasolArmDef *arm);
void                          parasol_protocol_assignment_rule_free  (ParasolAssignmentRule *rule);

/* @path from the core GResource (RESOURCE_DIR ...). */
GBytes                       *parasol_protocol_lookup_resource       (const char  *path,
                                                                      GError     **error);
/* The threshold of @marker for @method, or NULL. */
const ParasolMarkerThreshold *parasol_protocol_marker_threshold      (const ParasolBiomarkerDef *marker,
                                                                      ParasolMarkerMethod        method);

/* parasol-protocol-plausible.c: reads <plausible> (@node may be NULL: the defaults); a problem
 * is added to @problems as "LINE\tmessage". */
typedef struct _xmlNode xmlNode;
void                          parasol_protocol_parse_plausible       (ParasolProtocol *self,
                                                                      xmlNode         *node,
                                                                      GPtrArray       *problems);

/* parasol-protocol-discontinuation.c: reads <discontinuation-reasons> (@node may be NULL: the
 * defaults); problems as above. */
void                          parasol_protocol_parse_discontinuation (ParasolProtocol *self,
                                                                      xmlNode         *node,
                                                                      GPtrArray       *problems);

/* parasol-protocol-loader.c and parasol-protocol-loader-gates.c: the problems of one file, each
 * "FILE:LINE: reason", and the XML helpers both use.  The short names are those of the loader;
 * the symbols are prefixed. */
typedef struct _xmlDoc xmlDoc;

typedef struct {
  const char *filename;
  GString    *messages;
  guint       count;
} Problems;

#define MAX_PROBLEMS 50

#define problem_add       parasol_protocol_problem_add
#define problems_to_error parasol_protocol_problems_to_error
#define is_element        parasol_protocol_is_element
#define line_of           parasol_protocol_line_of
#define prop              parasol_protocol_prop

void                          problem_add                            (Problems   *p,
                                                                      int         line,
                                                                      const char *format,
                                                                      ...) G_GNUC_PRINTF (3, 4);
void                          problems_to_error                      (Problems   *p,
                                                                      GQuark      domain,
                                                                      int         code,
                                                                      GError    **error);
gboolean                      is_element                             (xmlNode    *node,
                                                                      const char *name);
int                           line_of                                (xmlNode    *node);
/* Attribute as a newly allocated string, or NULL. */
char                         *prop                                   (xmlNode    *node,
                                                                      const char *name);

/* parasol-protocol-loader-gates.c: gate 1 (safety limits, then well-formed XML) and gate 2 (the
 * RELAX NG schema); each adds its problems to @p and sets @error from them. */
int                           parasol_protocol_line_at               (const char  *xml,
                                                                      gsize        offset);
gboolean                      parasol_protocol_safety_gate           (const char  *xml,
                                                                      gsize        len,
                                                                      Problems    *p,
                                                                      GError     **error);
xmlDoc                       *parasol_protocol_parse_xml             (const char  *xml,
                                                                      gsize        len,
                                                                      Problems    *p,
                                                                      GError     **error);
gboolean                      parasol_protocol_validate_schema       (xmlDoc      *doc,
                                                                      Problems    *p,
                                                                      GError     **error);

G_END_DECLS
