/* parasol-protocol.h — a trial's protocol definition: criteria, labs, biomarkers, arms, regimens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A ParasolProtocol is loaded from an XML file (data/protocols/NAME.xml), validated against the
 * RELAX NG schema shipped in the core GResource (parasol-protocol.rng) and then checked for
 * what a schema cannot say (unique ids, references, units, reachable arms).  Every problem is
 * reported as "FILE:LINE: reason", one per line of the GError message.  The parser never loads
 * a DTD, never expands entities and never touches the network.
 *
 * The object is immutable once loaded; everything returned is owned by it.  Strings (criterion
 * text, names, notes) are the English originals from the file; pass them through
 * parasol_protocol_translate() for display.
 */
#pragma once

#include <glib-object.h>

#include "parasol-facts.h"
#include "parasol-regimen.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_PROTOCOL_ERROR (parasol_protocol_error_quark ())

typedef enum {
  PARASOL_PROTOCOL_ERROR_MALFORMED,   /* not well-formed XML, too large, a DTD or entities */
  PARASOL_PROTOCOL_ERROR_SCHEMA,      /* fails the RELAX NG schema */
  PARASOL_PROTOCOL_ERROR_SEMANTIC,    /* duplicate id, unknown reference, unreachable arm, ... */
  PARASOL_PROTOCOL_ERROR_NOT_FOUND,   /* no such file, no protocol in the database */
  PARASOL_PROTOCOL_ERROR_UNKNOWN_ID,  /* a lab, marker, criterion or arm the protocol lacks */
  PARASOL_PROTOCOL_ERROR_UNIT,        /* a unit the lab does not accept */
  PARASOL_PROTOCOL_ERROR_RANGE,       /* a value outside the plausible range */
  PARASOL_PROTOCOL_ERROR_REASON_REQUIRED, /* "other (specify)" without the words */
} ParasolProtocolError;

/* Largest protocol file accepted, in bytes. */
#define PARASOL_PROTOCOL_MAX_SIZE (4 * 1024 * 1024)
/* Checked on the bytes before libxml2 parses them (parasol-xml-guard.h): elements in all,
 * attributes on one element, nesting depth, and <accept> units in one <lab>. */
#define PARASOL_PROTOCOL_MAX_ELEMENTS      200000
#define PARASOL_PROTOCOL_MAX_ATTRIBUTES    32
#define PARASOL_PROTOCOL_MAX_DEPTH         64
#define PARASOL_PROTOCOL_MAX_UNITS_PER_LAB 10000

typedef enum {
  PARASOL_CRITERION_INCLUSION,
  PARASOL_CRITERION_EXCLUSION,
} ParasolCriterionKind;

typedef enum {
  PARASOL_EVALUATION_COMPUTED,   /* the rule decides (an optional remainder may be attested) */
  PARASOL_EVALUATION_ATTESTED,   /* the investigator decides (entered data cross-check it) */
} ParasolEvaluation;

typedef enum {
  PARASOL_WINDOW_NONE,
  PARASOL_WINDOW_LAB,            /* validity->lab_days */
  PARASOL_WINDOW_IMAGING,        /* validity->imaging_days */
} ParasolWindowKind;

typedef enum {
  PARASOL_COMPARE_LT,
  PARASOL_COMPARE_LE,
  PARASOL_COMPARE_GT,
  PARASOL_COMPARE_GE,
} ParasolCompare;

typedef enum {
  PARASOL_RULE_ALL,
  PARASOL_RULE_ANY,
  PARASOL_RULE_AGE,        /* min/max years on the screening date */
  PARASOL_RULE_ECOG,       /* min/max */
  PARASOL_RULE_LAB,        /* ref op value (canonical unit) | ref op times_uln, relaxed_when */
  PARASOL_RULE_CRCL,       /* Cockcroft-Gault op value mL/min */
  PARASOL_RULE_MARKER,     /* ref: the marker is positive by its thresholds */
  PARASOL_RULE_OTHERWISE,  /* assignment: no other rule holds */
  PARASOL_RULE_PREGNANCY_TEST,   /* a woman of childbearing potential: ref (a qualitative lab)
                                  * negative, sampled within value days before the evaluation */
  PARASOL_RULE_TRANSFUSION_FREE, /* no transfusion within value days before the samples of
                                  * refs (lab ids; none: the evaluation date) */
} ParasolRuleType;

typedef struct _ParasolRule ParasolRule;
struct _ParasolRule {
  ParasolRuleType  type;
  int              line;
  GPtrArray       *children;       /* ParasolRule*, for ALL / ANY; NULL otherwise */
  char            *ref;            /* lab or marker id */
  ParasolCompare   op;
  double           value;          /* absolute threshold in the lab's canonical unit; NAN if none */
  double           times_uln;      /* multiple of ULN; NAN if absolute */
  char            *relaxed_when;   /* "liver_metastases" / "liver_infiltration", or NULL */
  double           relaxed_times_uln;
  double           min;            /* age / ECOG bounds; NAN when open */
  double           max;
  gboolean         required;       /* FALSE: a check that only applies when data were entered */
  char           **refs;           /* TRANSFUSION_FREE: the lab ids whose samples it protects */
};

typedef struct {
  char                 *id;            /* "inc-01", "exc-11" */
  ParasolCriterionKind  kind;
  ParasolEvaluation     evaluation;
  ParasolWindowKind     window;
  char                 *title;         /* short label; may be NULL */
  char                 *text;          /* the full criterion text */
  ParasolRule          *rule;          /* NULL for a purely attested criterion */
  char                 *attest_text;   /* computed criteria: the attested remainder, or NULL */
  gboolean              attest_required;
  char                 *note;
  int                   line;
} ParasolCriterion;

typedef struct {
  char   *unit;
  double  factor;                      /* canonical = entered x factor */
} ParasolUnitDef;

typedef struct {
  char              *id;               /* "anc", "creatinine", ... */
  char              *name;             /* short name used in reasons: "ANC" */
  char              *long_name;
  char              *unit;             /* canonical unit: "10^9/L" */
  char              *display_unit;     /* for people: "× 10^9/L" */
  GPtrArray         *units;            /* ParasolUnitDef*, the canonical unit first (factor 1) */
  GPtrArray         *codes;            /* char*, laboratory test codes for imports */
  double             plausible_min;    /* canonical unit */
  double             plausible_max;
  /* Where a ULN of this lab plausibly lies (canonical unit), NAN when the protocol gives no
   * range; a ULN outside it was most likely typed in another unit. */
  double             uln_min;
  double             uln_max;
  gboolean           needs_uln;
  /* qualitative="true": a negative/positive test (stored 0 negative, 1 positive); its value is
   * entered as a word (parasol_lab_def_parse_value()) */
  gboolean           qualitative;
  ParasolWindowKind  window;
  int                line;
} ParasolLabDef;

typedef struct {
  ParasolMarkerMethod method;
  ParasolCompare      op;              /* unused for amplified */
  double              value;           /* % or H-score */
} ParasolMarkerThreshold;

typedef struct {
  char      *id;                       /* "dll3" */
  char      *name;                     /* "DLL3" */
  GArray    *thresholds;               /* ParasolMarkerThreshold: positive if any holds */
  /* negative-needs="percent amplified": the methods whose negative (newest) result a negative
   * needs, as a mask of 1 << ParasolMarkerMethod; 0 (the default) means every method with a
   * cut-off.  Until then the marker is undecided, like a pending result. */
  guint      negative_needs;
  gboolean   configurable;
  char      *note;
  int        line;
} ParasolBiomarkerDef;

typedef struct {
  char *id;                            /* "dll3", "xpo1", "anlotinib", "control" */
  char *name;                          /* "DLL3 arm" */
  char *description;
  int   line;
} ParasolArmDef;

typedef struct {
  char        *arm;
  ParasolRule *rule;                   /* tree of ALL/ANY/MARKER, or a single OTHERWISE */
  char        *note;
  int          line;
} ParasolAssignmentRule;

typedef struct {
  int       lab_days;                  /* 14 */
  int       imaging_days;              /* 28 */
  gboolean  configurable;
  char     *note;
} ParasolValidity;

/* One row of the protocol's table of plausible ranges (<plausible>): what a person may type for
 * a quantity that is not a lab ("height" cm, "weight" kg, "age" years, "bsa-cap" m²). */
typedef struct {
  char   *quantity;
  char   *unit;
  double  min;
  double  max;
} ParasolPlausibleRange;

/* One reason for discontinuation (<discontinuation-reasons>): @label in the protocol file's
 * language (parasol_protocol_translate() for display); @specify: needs the person's words. */
typedef struct {
  char     *id;
  char     *label;
  gboolean  specify;
} ParasolDiscontinuationReason;

#define PARASOL_TYPE_PROTOCOL (parasol_protocol_get_type ())
G_DECLARE_FINAL_TYPE (ParasolProtocol, parasol_protocol, PARASOL, PROTOCOL, GObject)

GQuark            parasol_protocol_error_quark       (void);

ParasolProtocol  *parasol_protocol_new_from_file     (const char  *path,
                                                      GError     **error);
ParasolProtocol  *parasol_protocol_new_from_data     (const char  *xml,
                                                      gsize        len,
                                                      const char  *filename_for_messages,
                                                      GError     **error);
/* The built-in BUTTONS-001 definition, from the core GResource. */
ParasolProtocol  *parasol_protocol_new_default       (GError     **error);
/* The constructors return a shared, immutable protocol when the same text (SHA-256) under the
 * same name was loaded before in this process; this drops those kept (tests, benchmarks). */
void              parasol_protocol_clear_cache       (void);
/* The protocol saved with the trial in @store (parasol_store_get_trial()). */
ParasolProtocol  *parasol_protocol_new_for_store     (ParasolStore *store,
                                                      GError      **error);

const char       *parasol_protocol_get_id            (ParasolProtocol *self);
const char       *parasol_protocol_get_registry_id   (ParasolProtocol *self);
const char       *parasol_protocol_get_title         (ParasolProtocol *self);
const char       *parasol_protocol_get_sponsor       (ParasolProtocol *self);
const char       *parasol_protocol_get_version       (ParasolProtocol *self);
/* YYYY-MM-DD */
const char       *parasol_protocol_get_effective_date(ParasolProtocol *self);
/* The XML text the protocol was loaded from (to save with the trial). */
/* The trial-level note of the file (provenance), or NULL. */
const char       *parasol_protocol_get_note          (ParasolProtocol *self);
const char       *parasol_protocol_get_source        (ParasolProtocol *self);
const char       *parasol_protocol_get_filename      (ParasolProtocol *self);
const ParasolValidity *parasol_protocol_get_validity (ParasolProtocol *self);
/* Days a result of that kind stays valid; 0 for PARASOL_WINDOW_NONE. */
int               parasol_protocol_get_window_days   (ParasolProtocol   *self,
                                                      ParasolWindowKind  window);

/* Element types: ParasolCriterion*, ParasolLabDef*, ParasolBiomarkerDef*, ParasolArmDef*,
 * ParasolAssignmentRule*; in file order; owned by the protocol. */
GPtrArray        *parasol_protocol_get_criteria      (ParasolProtocol *self);
GPtrArray        *parasol_protocol_get_labs          (ParasolProtocol *self);
GPtrArray        *parasol_protocol_get_biomarkers    (ParasolProtocol *self);
GPtrArray        *parasol_protocol_get_arms          (ParasolProtocol *self);
GPtrArray        *parasol_protocol_get_assignment_rules (ParasolProtocol *self);
const ParasolRegimen *parasol_protocol_get_regimen   (ParasolProtocol *self);

const ParasolCriterion    *parasol_protocol_find_criterion (ParasolProtocol *self, const char *id);
const ParasolLabDef       *parasol_protocol_find_lab       (ParasolProtocol *self, const char *id);
/* By id, name or laboratory test code, case-insensitively ("NEUT#" -> anc). */
const ParasolLabDef       *parasol_protocol_find_lab_by_code (ParasolProtocol *self, const char *code);
const ParasolBiomarkerDef *parasol_protocol_find_biomarker (ParasolProtocol *self, const char *id);
const ParasolArmDef       *parasol_protocol_find_arm       (ParasolProtocol *self, const char *id);

/* Lab values.  Units are matched leniently (case, spaces, "x"/"×" prefixes, µ/u, 10*9 = 10^9).
 * Converts @value in @unit to the lab's canonical unit; refuses an unknown unit (naming the
 * accepted ones) and a value outside the plausible range (naming it). */
gboolean          parasol_lab_def_to_canonical       (const ParasolLabDef *lab,
                                                      double               value,
                                                      const char          *unit,
                                                      double              *canonical,
                                                      GError             **error);
/* Unit conversion only (no range check), either direction, for ULNs and display. */
gboolean          parasol_lab_def_convert            (const ParasolLabDef *lab,
                                                      double               value,
                                                      const char          *from_unit,
                                                      const char          *to_unit,
                                                      double              *result,
                                                      GError             **error);
/* A value as a person or a file writes it: a number, or for a qualitative lab "negative" or
 * "positive" (also "neg", "pos", "0", "1"; any case), stored as 0 or 1.  Refuses anything else,
 * saying what is accepted. */
gboolean          parasol_lab_def_parse_value        (const ParasolLabDef *lab,
                                                      const char          *text,
                                                      double              *value,
                                                      GError             **error);
/* "umol/L, mg/dL" — newly allocated. */
char             *parasol_lab_def_accepted_units     (const ParasolLabDef *lab);
/* Checks a biomarker result against what the protocol defines for @marker: the method must
 * have a threshold there, a percent lies in 0..100, an H-score in 0..300. */
gboolean          parasol_biomarker_def_check        (const ParasolBiomarkerDef *marker,
                                                      ParasolMarkerMethod        method,
                                                      double                     value,
                                                      GError                   **error);
/* Whether @result is positive ("high") by the marker's thresholds. */
gboolean          parasol_biomarker_def_is_positive  (const ParasolBiomarkerDef    *marker,
                                                      const ParasolBiomarkerResult *result);

/* Makes @result (its marker's value entered by @result->method, or by intensities when
 * @result->intensity holds three percentages, or pending) a result @marker accepts, or refuses
 * it: each intensity lies in 0..100 and together they are at most 100 % of cells; intensities
 * give an H-score, or, for a marker judged by % of tumour cells, the cells stained at any
 * intensity; a pending result takes the marker's first method.  The one rule for the CLI, the
 * window and imports. */
gboolean          parasol_biomarker_def_prepare      (const ParasolBiomarkerDef *marker,
                                                      ParasolBiomarkerResult    *result,
                                                      GError                   **error);
/* H-score from the percentages of weakly, moderately and strongly stained cells. */
double            parasol_hscore_from_intensities    (double weak,
                                                      double moderate,
                                                      double strong);

const char       *parasol_criterion_kind_to_string   (ParasolCriterionKind kind);
const char       *parasol_evaluation_to_string       (ParasolEvaluation    evaluation);
const char       *parasol_marker_method_to_string    (ParasolMarkerMethod  method);
/* "≥", "<", ... and the ASCII ">=", "<" */
const char       *parasol_compare_to_symbol          (ParasolCompare op);
const char       *parasol_compare_to_ascii           (ParasolCompare op);
/* TRUE when @value op @limit, with a relative tolerance of 1e-9 at the boundary. */
gboolean          parasol_compare_holds              (ParasolCompare op,
                                                      double         value,
                                                      double         limit);

/* A number for people: "1.5", "100", "2.083" (C locale, at most 3 decimals). */
char             *parasol_protocol_format_number     (double value);

/* A rule for people: "ANC ≥ 1.5 × 10^9/L and PLT ≥ 100 × 10^9/L", "DLL3 high and (ASCL1 high or
 * NEUROD1 high)".  Translated. */
char             *parasol_rule_describe              (ParasolProtocol   *self,
                                                      const ParasolRule *rule);

/* The reasons for discontinuation the protocol lists (ParasolDiscontinuationReason*), in
 * order; the defaults when the file has none.  The CLI and the window offer exactly these. */
GPtrArray        *parasol_protocol_get_discontinuation_reasons (ParasolProtocol *self);
const ParasolDiscontinuationReason *
                  parasol_protocol_find_discontinuation_reason (ParasolProtocol *self,
                                                                const char      *id);
/* The text a discontinuation stores for reason @id and the @words given (optional, required
 * for a reason with specify): "Unacceptable toxicity", "Other: moved abroad".  Refuses an id
 * the protocol lacks and a missing specification. */
char             *parasol_protocol_discontinuation_reason_text (ParasolProtocol  *self,
                                                                const char       *id,
                                                                const char       *words,
                                                                GError          **error);
/* A stored discontinuation reason for display: a listed reason's label translated, the words
 * as given; text recorded before the list (or not from it) as written. */
char             *parasol_protocol_discontinuation_reason_label (ParasolProtocol *self,
                                                                 const char      *stored);

/* The plausible range of @quantity ("height", "weight", "age", "bsa-cap"), or NULL. */
const ParasolPlausibleRange *parasol_protocol_get_plausible (ParasolProtocol *self,
                                                             const char      *quantity);
/* Refuses @value outside the plausible range of @quantity: a row of <plausible>, or a lab id
 * (its plausible-min/plausible-max, canonical unit), naming the range.  The one check for
 * `patient set`, `dose`, `lab add` and the window. */
gboolean          parasol_protocol_check_quantity    (ParasolProtocol  *self,
                                                      const char       *quantity,
                                                      double            value,
                                                      GError          **error);

/* gettext for protocol strings (criterion text, names, notes); NULL-safe. */
const char       *parasol_protocol_translate         (const char *text);

G_END_DECLS
