/* parasol-odm-private.h — the ODM mapping, shared by export (parasol-odm.c) and import
 * (parasol-odm-import.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libxml/parser.h>

#include "parasol-odm.h"
#include "parasol-protocol.h"
#include "parasol-xml-guard.h"

G_BEGIN_DECLS

#define ODM_NS "http://www.cdisc.org/ns/odm/v1.3"
#define SCHEMA_DIR "/org/parasol/Parasol/core/odm/"
#define MAX_REFUSALS_KEPT 200
/* The safe options, but with errors reported: the reader's handler collects them. */
#define READER_OPTIONS (PARASOL_XML_SAFE_OPTIONS & ~(XML_PARSE_NOERROR | XML_PARSE_NOWARNING))

/* --- The mapping ----------------------------------------------------------------------------- */

typedef enum {
  CL_NONE,
  CL_SEX,
  CL_STATUS,
  CL_ARM,
  CL_DRUG,
  CL_LAB,
  CL_CRITERION,
  CL_VERDICT,
  CL_MARKER,
  CL_METHOD,
  CL_CYCLE_STATUS,
  CL_RESPONSE,
  CL_EVENT_KIND,
  CL_NOYES,
  CL_ICI,
  CL_PLATINUM,
  N_CODELISTS
} CodeListId;

static const char *const codelist_oids[N_CODELISTS] = {
  NULL, "CL.SEX", "CL.STATUS", "CL.ARM", "CL.DRUG", "CL.LAB", "CL.CRITERION", "CL.VERDICT",
  "CL.MARKER", "CL.METHOD", "CL.CYCLE_STATUS", "CL.RESPONSE", "CL.EVENT_KIND", "CL.NOYES",
  "CL.ICI", "CL.PLATINUM",
};

static const char *const sex_codes[] = { "female", "male", NULL };
static const char *const status_codes[] = {
  "screening", "screen_failed", "enrolled", "on_treatment", "off_treatment", NULL
};
static const char *const verdict_codes[] = { "eligible", "not_eligible", "incomplete", NULL };
static const char *const method_codes[] = { "percent", "hscore", "amplified", NULL };
static const char *const cycle_status_codes[] = { "delayed", "started", "skipped", NULL };
static const char *const response_codes[] = { "CR", "PR", "SD", "PD", "NE", NULL };
static const char *const event_codes[] = { "death", "discontinuation", "progression",
                                            "last_known_alive", NULL };

typedef struct {
  const char      *oid;
  const char      *name;
  ParasolOdmTable  table;
  gboolean         repeating;
  const char      *form;
} GroupDef;

static const GroupDef groups[] = {
  { "IG.PATIENT", "Patient", PARASOL_ODM_TABLE_PATIENT, FALSE, "F.DEMOG" },
  { "IG.WEIGHT", "Weight, with the day it was measured", PARASOL_ODM_TABLE_WEIGHT, TRUE, "F.DEMOG" },
  { "IG.LAB", "Laboratory result", PARASOL_ODM_TABLE_LAB, TRUE, "F.LAB" },
  { "IG.ATTESTATION", "Attested criterion", PARASOL_ODM_TABLE_ATTESTATION, TRUE, "F.ELIGIBILITY" },
  { "IG.EVALUATION", "Eligibility evaluation", PARASOL_ODM_TABLE_EVALUATION, TRUE, "F.ELIGIBILITY" },
  { "IG.BIOMARKER", "Biomarker result", PARASOL_ODM_TABLE_BIOMARKER, TRUE, "F.BIOMARKER" },
  { "IG.ASSIGNMENT", "Arm decision", PARASOL_ODM_TABLE_ASSIGNMENT, TRUE, "F.ASSIGNMENT" },
  { "IG.CYCLE", "Cycle", PARASOL_ODM_TABLE_CYCLE, FALSE, "F.CYCLE" },
  { "IG.ADMINISTRATION", "Dose given", PARASOL_ODM_TABLE_ADMINISTRATION, TRUE, "F.CYCLE" },
  { "IG.RESPONSE", "Response (RECIST 1.1)", PARASOL_ODM_TABLE_RESPONSE, TRUE, "F.OUTCOME" },
  { "IG.EVENT", "Event", PARASOL_ODM_TABLE_EVENT, TRUE, "F.OUTCOME" },
};

typedef struct {
  const char *oid;
  const char *name;
  const char *event;
} FormDef;

static const FormDef forms[] = {
  { "F.DEMOG", "Patient", "SE.SCREENING" },
  { "F.LAB", "Laboratory results", "SE.SCREENING" },
  { "F.ELIGIBILITY", "Eligibility", "SE.SCREENING" },
  { "F.BIOMARKER", "Biomarkers", "SE.SCREENING" },
  { "F.ASSIGNMENT", "Arm assignment", "SE.SCREENING" },
  { "F.CYCLE", "Treatment cycle", "SE.CYCLE" },
  { "F.OUTCOME", "Outcomes", "SE.EOT" },
};

static const struct {
  const char *oid;
  const char *name;
  gboolean    repeating;
} events[] = {
  { "SE.SCREENING", "Screening", FALSE },
  { "SE.CYCLE", "Treatment cycle", TRUE },
  { "SE.EOT", "End of treatment", FALSE },
};

typedef struct {
  const char *value;
  gboolean    found;
} CodeSearch;

/* A code list's values, as (code, decode) pairs from the protocol or the fixed lists. */
typedef void (*CodeFunc) (const char *code,
                          const char *decode,
                          gpointer    user_data);

CodeListId odm_column_codelist (ParasolOdmTable  table,
                                const char      *column);
char      *odm_item_oid        (const GroupDef  *group,
                                const char      *column);
void       odm_foreach_code    (ParasolProtocol *protocol,
                                CodeListId       cl,
                                CodeFunc         func,
                                gpointer         user_data);
/* CodeFuncs: sets CodeSearch.found when the code is CodeSearch.value; appends ", code" to a
 * GString. */
void       odm_code_search_cb  (const char *code,
                                const char *decode,
                                gpointer    user_data);
void       odm_code_join_cb    (const char *code,
                                const char *decode,
                                gpointer    user_data);

G_END_DECLS
