/* parasol-protocol-private.h — what parasol-protocol.c and parasol-protocol-loader.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ParasolProtocol spans two files: parasol-protocol.c (the object, units, biomarker thresholds,
 * strings and getters) and parasol-protocol-loader.c (reading and checking the XML: the safety
 * gate, the RELAX NG schema and the semantic checks, into the plain data of parasol-protocol.h).
 * For those two files only.
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

G_END_DECLS
