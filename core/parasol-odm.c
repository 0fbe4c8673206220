/* parasol-odm.c — CDISC ODM 1.3.2 export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mapping, one ItemGroup per store table and one Item per column:
 *
 *   SE.SCREENING  F.DEMOG        IG.PATIENT
 *                 F.LAB          IG.LAB (repeating)
 *                 F.ELIGIBILITY  IG.ATTESTATION, IG.EVALUATION (repeating)
 *                 F.BIOMARKER    IG.BIOMARKER (repeating)
 *                 F.ASSIGNMENT   IG.ASSIGNMENT (repeating)
 *   SE.CYCLE      F.CYCLE        IG.CYCLE, IG.ADMINISTRATION (repeating); the event repeats
 *                                once per cycle, StudyEventRepeatKey = the cycle number
 *   SE.EOT        F.OUTCOME      IG.RESPONSE, IG.EVENT (repeating)
 *
 * Item OIDs are IT.<GROUP>.<COLUMN> ("IT.LAB.SAMPLE_DATE"); the SubjectKey is the screening
 * number.  Repeat keys are positions in a data-only order, so that exporting, importing into an
 * empty database and exporting again gives the same ClinicalData.
 */
#define G_LOG_DOMAIN "parasol-odm"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "parasol-core-resources.h"
#include "parasol-odm.h"
#include "parasol-input.h"
#include "parasol-lab-entry.h"
#include "parasol-store-odm.h"
#include "parasol-xml-guard.h"

#define ODM_NS "http://www.cdisc.org/ns/odm/v1.3"
#define SCHEMA_DIR "/org/parasol/Parasol/core/odm/"
#define MAX_REFUSALS_KEPT 200
/* The safe options, but with errors reported: the reader's handler collects them. */
#define READER_OPTIONS (PARASOL_XML_SAFE_OPTIONS & ~(XML_PARSE_NOERROR | XML_PARSE_NOWARNING))

G_DEFINE_QUARK (parasol-odm-error-quark, parasol_odm_error)

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
  N_CODELISTS
} CodeListId;

static const char *const codelist_oids[N_CODELISTS] = {
  NULL, "CL.SEX", "CL.STATUS", "CL.ARM", "CL.DRUG", "CL.LAB", "CL.CRITERION", "CL.VERDICT",
  "CL.MARKER", "CL.METHOD", "CL.CYCLE_STATUS", "CL.RESPONSE", "CL.EVENT_KIND", "CL.NOYES",
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

static CodeListId
column_codelist (ParasolOdmTable table,
                 const char     *column)
{
  static const struct { ParasolOdmTable table; const char *column; CodeListId cl; } map[] = {
    { PARASOL_ODM_TABLE_PATIENT, "sex", CL_SEX },
    { PARASOL_ODM_TABLE_PATIENT, "status", CL_STATUS },
    { PARASOL_ODM_TABLE_PATIENT, "arm", CL_ARM },
    { PARASOL_ODM_TABLE_PATIENT, "ici", CL_DRUG },
    { PARASOL_ODM_TABLE_LAB, "lab", CL_LAB },
    { PARASOL_ODM_TABLE_ATTESTATION, "criterion", CL_CRITERION },
    { PARASOL_ODM_TABLE_EVALUATION, "verdict", CL_VERDICT },
    { PARASOL_ODM_TABLE_BIOMARKER, "marker", CL_MARKER },
    { PARASOL_ODM_TABLE_BIOMARKER, "method", CL_METHOD },
    { PARASOL_ODM_TABLE_ASSIGNMENT, "proposed", CL_ARM },
    { PARASOL_ODM_TABLE_ASSIGNMENT, "arm", CL_ARM },
    { PARASOL_ODM_TABLE_CYCLE, "status", CL_CYCLE_STATUS },
    { PARASOL_ODM_TABLE_ADMINISTRATION, "drug", CL_DRUG },
    { PARASOL_ODM_TABLE_RESPONSE, "response", CL_RESPONSE },
    { PARASOL_ODM_TABLE_EVENT, "kind", CL_EVENT_KIND },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (map[i].table == table && strcmp (map[i].column, column) == 0)
      return map[i].cl;
  return CL_NONE;
}

static const char *
column_unit (ParasolOdmTable table,
             const char     *column)
{
  if (table != PARASOL_ODM_TABLE_PATIENT)
    return NULL;
  if (strcmp (column, "height_cm") == 0)
    return "cm";
  if (strcmp (column, "weight_kg") == 0 || strcmp (column, "dose_weight_kg") == 0)
    return "kg";
  return NULL;
}

static char *
item_oid (const GroupDef *group,
          const char     *column)
{
  g_autofree char *upper = g_ascii_strup (column, -1);

  return g_strdup_printf ("IT.%s.%s", group->oid + 3, upper);
}

static char *
unit_oid (const char *unit)
{
  return g_strconcat ("MU.", unit, NULL);
}

/* A code list's values, as (code, decode) pairs from the protocol or the fixed lists. */
typedef void (*CodeFunc) (const char *code,
                          const char *decode,
                          gpointer    user_data);

static void
add_drugs (GPtrArray  *drugs,
           GHashTable *seen,
           CodeFunc    func,
           gpointer    user_data)
{
  for (guint i = 0; drugs != NULL && i < drugs->len; i++)
    {
      const ParasolDrug *d = g_ptr_array_index (drugs, i);

      if (g_hash_table_add (seen, d->id))
        func (d->id, d->name != NULL ? d->name : d->id, user_data);
    }
}

static void
foreach_code (ParasolProtocol *protocol,
              CodeListId       cl,
              CodeFunc         func,
              gpointer         user_data)
{
  const char *const *fixed = NULL;

  switch (cl)
    {
    case CL_SEX: fixed = sex_codes; break;
    case CL_STATUS: fixed = status_codes; break;
    case CL_VERDICT: fixed = verdict_codes; break;
    case CL_METHOD: fixed = method_codes; break;
    case CL_CYCLE_STATUS: fixed = cycle_status_codes; break;
    case CL_RESPONSE: fixed = response_codes; break;
    case CL_EVENT_KIND: fixed = event_codes; break;
    case CL_NOYES:
      func ("0", "No", user_data);
      func ("1", "Yes", user_data);
      return;
    case CL_ARM:
      {
        GPtrArray *arms = parasol_protocol_get_arms (protocol);
        for (guint i = 0; i < arms->len; i++)
          {
            const ParasolArmDef *a = g_ptr_array_index (arms, i);
            func (a->id, a->name != NULL ? a->name : a->id, user_data);
          }
        return;
      }
    case CL_LAB:
      {
        GPtrArray *labs = parasol_protocol_get_labs (protocol);
        for (guint i = 0; i < labs->len; i++)
          {
            const ParasolLabDef *l = g_ptr_array_index (labs, i);
            func (l->id, l->long_name != NULL ? l->long_name : l->name, user_data);
          }
        return;
      }
    case CL_MARKER:
      {
        GPtrArray *markers = parasol_protocol_get_biomarkers (protocol);
        for (guint i = 0; i < markers->len; i++)
          {
            const ParasolBiomarkerDef *m = g_ptr_array_index (markers, i);
            func (m->id, m->name != NULL ? m->name : m->id, user_data);
          }
        return;
      }
    case CL_CRITERION:
      {
        GPtrArray *criteria = parasol_protocol_get_criteria (protocol);
        for (guint i = 0; i < criteria->len; i++)
          {
            const ParasolCriterion *c = g_ptr_array_index (criteria, i);
            func (c->id, c->title != NULL ? c->title : c->id, user_data);
          }
        return;
      }
    case CL_DRUG:
      {
        const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);
        g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

        if (regimen == NULL)
          return;
        add_drugs (regimen->backbone, seen, func, user_data);
        add_drugs (regimen->icis, seen, func, user_data);
        for (guint i = 0; regimen->arms != NULL && i < regimen->arms->len; i++)
          {
            const ParasolArmRegimen *arm = g_ptr_array_index (regimen->arms, i);
            add_drugs (arm->drugs, seen, func, user_data);
          }
        return;
      }
    case CL_NONE:
    case N_CODELISTS:
      return;
    }

  for (guint i = 0; fixed != NULL && fixed[i] != NULL; i++)
    func (fixed[i], fixed[i], user_data);
}

typedef struct {
  const char *value;
  gboolean    found;
} CodeSearch;

static void
code_search_cb (const char *code,
                const char *decode,
                gpointer    user_data)
{
  CodeSearch *s = user_data;

  if (strcmp (code, s->value) == 0)
    s->found = TRUE;
}

static void
code_join_cb (const char *code,
              const char *decode,
              gpointer    user_data)
{
  GString *s = user_data;

  if (s->len > 0)
    g_string_append (s, ", ");
  g_string_append (s, code);
}

/* --- Export ---------------------------------------------------------------------------------- */

typedef struct {
  xmlTextWriter          *w;
  ParasolStore           *store;
  ParasolProtocol        *protocol;
  gboolean                transactional;
  gboolean                failed;        /* the writer failed (disk full, ...) */
  GError                 *error;         /* a store error */
  ParasolOdmExportStats  *stats;
  char                   *study_oid;
  char                   *mdv_oid;
  /* lazily opened levels of the current subject */
  gboolean                event_open;
  gboolean                form_open;
  const char             *event_oid;
  int                     event_repeat;
  const char             *form_oid;
  const GroupDef         *group;
  guint                   repeat;
} Exporter;

#define W(call) G_STMT_START { if ((call) < 0) ex->failed = TRUE; } G_STMT_END

static void
start (Exporter   *ex,
       const char *name)
{
  W (xmlTextWriterStartElement (ex->w, (const xmlChar *) name));
}

static void
end (Exporter *ex)
{
  W (xmlTextWriterEndElement (ex->w));
}

static void
attr (Exporter   *ex,
      const char *name,
      const char *value)
{
  W (xmlTextWriterWriteAttribute (ex->w, (const xmlChar *) name, (const xmlChar *) value));
}

static void
attr_int (Exporter   *ex,
          const char *name,
          gint64      value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  attr (ex, name, buf);
}

static void
text_element (Exporter   *ex,
              const char *name,
              const char *text)
{
  W (xmlTextWriterWriteElement (ex->w, (const xmlChar *) name, (const xmlChar *) text));
}

static void
translated (Exporter   *ex,
            const char *element,
            const char *text)
{
  start (ex, element);
  start (ex, "TranslatedText");
  attr (ex, "xml:lang", "en");
  W (xmlTextWriterWriteString (ex->w, (const xmlChar *) text));
  end (ex);
  end (ex);
}

static void
transaction_type (Exporter *ex)
{
  if (ex->transactional)
    attr (ex, "TransactionType", "Insert");
}

static void
write_codelist_item_cb (const char *code,
                        const char *decode,
                        gpointer    user_data)
{
  Exporter *ex = user_data;

  start (ex, "CodeListItem");
  attr (ex, "CodedValue", code);
  translated (ex, "Decode", decode);
  end (ex);
}

static void
write_units (Exporter *ex)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *labs = parasol_protocol_get_labs (ex->protocol);
  const char *fixed[] = { "cm", "kg" };

  start (ex, "BasicDefinitions");
  for (guint i = 0; i < G_N_ELEMENTS (fixed) + labs->len; i++)
    {
      const char *unit = i < G_N_ELEMENTS (fixed) ? fixed[i]
        : ((const ParasolLabDef *) g_ptr_array_index (labs, i - G_N_ELEMENTS (fixed)))->unit;
      g_autofree char *oid = NULL;

      if (unit == NULL || !g_hash_table_add (seen, g_strdup (unit)))
        continue;
      oid = unit_oid (unit);
      start (ex, "MeasurementUnit");
      attr (ex, "OID", oid);
      attr (ex, "Name", unit);
      translated (ex, "Symbol", unit);
      end (ex);
    }
  end (ex);
}

static void
write_metadata (Exporter *ex)
{
  ParasolProtocol *p = ex->protocol;
  g_autofree char *mdv_name = g_strdup_printf ("%s protocol %s", parasol_protocol_get_id (p),
                                               parasol_protocol_get_version (p));

  start (ex, "Study");
  attr (ex, "OID", ex->study_oid);
  start (ex, "GlobalVariables");
  text_element (ex, "StudyName", parasol_protocol_get_id (p));
  text_element (ex, "StudyDescription", parasol_protocol_get_title (p) ? parasol_protocol_get_title (p) : "");
  text_element (ex, "ProtocolName", parasol_protocol_get_registry_id (p) ? parasol_protocol_get_registry_id (p)
                : parasol_protocol_get_id (p));
  end (ex);
  write_units (ex);

  start (ex, "MetaDataVersion");
  attr (ex, "OID", ex->mdv_oid);
  attr (ex, "Name", mdv_name);
  start (ex, "Protocol");
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      start (ex, "StudyEventRef");
      attr (ex, "StudyEventOID", events[i].oid);
      attr_int (ex, "OrderNumber", i + 1);
      attr (ex, "Mandatory", i == 0 ? "Yes" : "No");
      end (ex);
    }
  end (ex);

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      guint order = 1;

      start (ex, "StudyEventDef");
      attr (ex, "OID", events[i].oid);
      attr (ex, "Name", events[i].name);
      attr (ex, "Repeating", events[i].repeating ? "Yes" : "No");
      attr (ex, "Type", "Scheduled");
      for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
        if (strcmp (forms[f].event, events[i].oid) == 0)
          {
            start (ex, "FormRef");
            attr (ex, "FormOID", forms[f].oid);
            attr_int (ex, "OrderNumber", order++);
            attr (ex, "Mandatory", "No");
            end (ex);
          }
      end (ex);
    }

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    {
      guint order = 1;

      start (ex, "FormDef");
      attr (ex, "OID", forms[f].oid);
      attr (ex, "Name", forms[f].name);
      attr (ex, "Repeating", "No");
      for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
        if (strcmp (groups[g].form, forms[f].oid) == 0)
          {
            start (ex, "ItemGroupRef");
            attr (ex, "ItemGroupOID", groups[g].oid);
            attr_int (ex, "OrderNumber", order++);
            attr (ex, "Mandatory", "No");
            end (ex);
          }
      end (ex);
    }

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      guint n;
      const ParasolOdmColumn *cols = parasol_store_odm_columns (groups[g].table, &n);

      start (ex, "ItemGroupDef");
      attr (ex, "OID", groups[g].oid);
      attr (ex, "Name", groups[g].name);
      attr (ex, "Repeating", groups[g].repeating ? "Yes" : "No");
      for (guint c = 0; c < n; c++)
        {
          g_autofree char *oid = item_oid (&groups[g], cols[c].name);

          start (ex, "ItemRef");
          attr (ex, "ItemOID", oid);
          attr_int (ex, "OrderNumber", c + 1);
          attr (ex, "Mandatory", cols[c].required ? "Yes" : "No");
          end (ex);
        }
      end (ex);
    }

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      guint n;
      const ParasolOdmColumn *cols = parasol_store_odm_columns (groups[g].table, &n);

      for (guint c = 0; c < n; c++)
        {
          static const char *const types[] = {
            [PARASOL_ODM_KIND_TEXT] = "text", [PARASOL_ODM_KIND_INT] = "integer",
            [PARASOL_ODM_KIND_REAL] = "float", [PARASOL_ODM_KIND_DATE] = "date",
            [PARASOL_ODM_KIND_DATETIME] = "datetime", [PARASOL_ODM_KIND_BOOL] = "integer",
          };
          g_autofree char *oid = item_oid (&groups[g], cols[c].name);
          CodeListId cl = column_codelist (groups[g].table, cols[c].name);
          const char *unit = column_unit (groups[g].table, cols[c].name);

          if (cols[c].kind == PARASOL_ODM_KIND_BOOL)
            cl = CL_NOYES;
          start (ex, "ItemDef");
          attr (ex, "OID", oid);
          attr (ex, "Name", cols[c].name);
          attr (ex, "DataType", types[cols[c].kind]);
          if (unit != NULL)
            {
              g_autofree char *mu = unit_oid (unit);
              start (ex, "MeasurementUnitRef");
              attr (ex, "MeasurementUnitOID", mu);
              end (ex);
            }
          if (cl != CL_NONE)
            {
              start (ex, "CodeListRef");
              attr (ex, "CodeListOID", codelist_oids[cl]);
              end (ex);
            }
          end (ex);
        }
    }

  for (guint cl = CL_NONE + 1; cl < N_CODELISTS; cl++)
    {
      start (ex, "CodeList");
      attr (ex, "OID", codelist_oids[cl]);
      attr (ex, "Name", codelist_oids[cl] + 3);
      attr (ex, "DataType", cl == CL_NOYES ? "integer" : "text");
      foreach_code (p, cl, write_codelist_item_cb, ex);
      end (ex);
    }
  end (ex); /* MetaDataVersion */
  end (ex); /* Study */
}

static char *
location_oid (const char *site)
{
  return site != NULL ? g_strconcat ("LOC.", site, NULL) : g_strdup ("LOC.PARASOL");
}

static char *
user_oid (const char *who)
{
  return g_strconcat ("USR.", who, NULL);
}

typedef struct {
  Exporter   *ex;
  const char *me;
  gboolean    me_seen;
} UserWalk;

static gboolean
write_user_cb (const char *const *values,
               gpointer           user_data)
{
  UserWalk *walk = user_data;
  Exporter *ex = walk->ex;
  g_autofree char *oid = user_oid (values[0]);

  if (g_strcmp0 (values[0], walk->me) == 0)
    walk->me_seen = TRUE;
  start (ex, "User");
  attr (ex, "OID", oid);
  text_element (ex, "LoginName", values[0]);
  if (values[1] != NULL)
    text_element (ex, "DisplayName", values[1]);
  end (ex);
  return !ex->failed;
}

static void
write_location (Exporter   *ex,
                const char *site,
                const char *name)
{
  g_autofree char *oid = location_oid (site);

  start (ex, "Location");
  attr (ex, "OID", oid);
  attr (ex, "Name", name);
  attr (ex, "LocationType", "Site");
  start (ex, "MetaDataVersionRef");
  attr (ex, "StudyOID", ex->study_oid);
  attr (ex, "MetaDataVersionOID", ex->mdv_oid);
  attr (ex, "EffectiveDate", parasol_protocol_get_effective_date (ex->protocol));
  end (ex);
  end (ex);
}

static gboolean
write_site_cb (const char *const *values,
               gpointer           user_data)
{
  Exporter *ex = user_data;

  write_location (ex, values[0], values[0]);
  return !ex->failed;
}

static void
write_admin (Exporter *ex)
{
  UserWalk walk = { ex, g_get_user_name (), FALSE };

  start (ex, "AdminData");
  attr (ex, "StudyOID", ex->study_oid);
  if (!parasol_store_odm_foreach_user (ex->store, write_user_cb, &walk, &ex->error))
    return;
  if (!walk.me_seen)
    {
      const char *values[] = { walk.me, g_get_real_name (), NULL };
      write_user_cb (values, &walk);
    }
  write_location (ex, NULL, "Parasol database");
  if (!parasol_store_odm_foreach_site (ex->store, write_site_cb, ex, &ex->error))
    return;
  end (ex);
}

static void
open_levels (Exporter *ex)
{
  if (!ex->event_open)
    {
      start (ex, "StudyEventData");
      attr (ex, "StudyEventOID", ex->event_oid);
      if (ex->event_repeat > 0)
        attr_int (ex, "StudyEventRepeatKey", ex->event_repeat);
      transaction_type (ex);
      ex->event_open = TRUE;
    }
  if (!ex->form_open)
    {
      start (ex, "FormData");
      attr (ex, "FormOID", ex->form_oid);
      transaction_type (ex);
      ex->form_open = TRUE;
    }
}

static gboolean
write_row_cb (const char *const *values,
              gpointer           user_data)
{
  Exporter *ex = user_data;
  const GroupDef *group = ex->group;
  guint n;
  const ParasolOdmColumn *cols = parasol_store_odm_columns (group->table, &n);

  open_levels (ex);
  start (ex, "ItemGroupData");
  attr (ex, "ItemGroupOID", group->oid);
  if (group->repeating)
    attr_int (ex, "ItemGroupRepeatKey", ++ex->repeat);
  transaction_type (ex);
  for (guint c = 0; c < n; c++)
    {
      g_autofree char *oid = NULL;

      if (values[c] == NULL)
        continue;
      oid = item_oid (group, cols[c].name);
      start (ex, "ItemData");
      attr (ex, "ItemOID", oid);
      transaction_type (ex);
      attr (ex, "Value", values[c]);
      end (ex);
      ex->stats->items++;
    }
  end (ex);
  ex->stats->item_groups++;
  return !ex->failed;
}

static void
write_event (Exporter   *ex,
             gint64      patient_id,
             const char *event_oid,
             int         repeat)
{
  ex->event_oid = event_oid;
  ex->event_repeat = repeat;
  ex->event_open = FALSE;

  for (guint f = 0; f < G_N_ELEMENTS (forms) && ex->error == NULL && !ex->failed; f++)
    {
      if (strcmp (forms[f].event, event_oid) != 0)
        continue;
      ex->form_oid = forms[f].oid;
      ex->form_open = FALSE;
      for (guint g = 0; g < G_N_ELEMENTS (groups) && ex->error == NULL; g++)
        {
          if (strcmp (groups[g].form, forms[f].oid) != 0)
            continue;
          ex->group = &groups[g];
          ex->repeat = 0;
          parasol_store_odm_foreach_row (ex->store, groups[g].table, patient_id, repeat,
                                         write_row_cb, ex, &ex->error);
        }
      if (ex->form_open)
        end (ex);
    }
  if (ex->event_open)
    end (ex);
}

typedef struct {
  Exporter *ex;
} SubjectWalk;

static void
write_subject_cb (const ParasolPatientRow *row,
                  gpointer                 user_data)
{
  Exporter *ex = user_data;
  g_autoptr(GArray) cycles = NULL;

  if (ex->error != NULL || ex->failed)
    return;

  start (ex, "SubjectData");
  attr (ex, "SubjectKey", row->screening_number);
  transaction_type (ex);
  if (row->site != NULL)
    {
      g_autofree char *loc = location_oid (row->site);
      start (ex, "SiteRef");
      attr (ex, "LocationOID", loc);
      end (ex);
    }
  write_event (ex, row->id, "SE.SCREENING", 0);
  cycles = parasol_store_odm_cycle_numbers (ex->store, row->id, ex->error ? NULL : &ex->error);
  for (guint i = 0; cycles != NULL && i < cycles->len && ex->error == NULL; i++)
    write_event (ex, row->id, "SE.CYCLE", g_array_index (cycles, int, i));
  write_event (ex, row->id, "SE.EOT", 0);
  end (ex);
  ex->stats->subjects++;
}

static gboolean
write_audit_cb (const ParasolOdmAuditRow *row,
                gpointer                  user_data)
{
  Exporter *ex = user_data;
  g_autofree char *id = g_strdup_printf ("AR.%" G_GINT64_FORMAT, row->seq);
  g_autofree char *user = user_oid (row->who);
  g_autofree char *loc = location_oid (row->site);
  g_autoptr(GString) source = g_string_new (NULL);

  g_string_append_printf (source, "parasol-audit seq=%" G_GINT64_FORMAT " table=%s record=%"
                          G_GINT64_FORMAT, row->seq, row->table_name, row->record);
  if (row->field != NULL)
    g_string_append_printf (source, " field=%s", row->field);
  if (row->old_value != NULL)
    g_string_append_printf (source, " old=%s", row->old_value);
  if (row->new_value != NULL)
    g_string_append_printf (source, " new=%s", row->new_value);
  g_string_append_printf (source, " prev=%s hash=%s", row->prev_hash, row->hash);

  start (ex, "AuditRecord");
  attr (ex, "EditPoint", "DBAudit");
  attr (ex, "ID", id);
  start (ex, "UserRef");
  attr (ex, "UserOID", user);
  end (ex);
  start (ex, "LocationRef");
  attr (ex, "LocationOID", loc);
  end (ex);
  text_element (ex, "DateTimeStamp", row->at);
  if (row->reason != NULL)
    text_element (ex, "ReasonForChange", row->reason);
  text_element (ex, "SourceID", source->str);
  end (ex);
  ex->stats->audit_records++;
  return !ex->failed;
}

static char *
utc_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
write_document (Exporter    *ex,
                GArray      *patient_ids,
                GError     **error)
{
  g_autofree char *now = utc_now ();
  g_autofree char *file_oid = NULL;
  g_autoptr(GDateTime) dt = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (dt, "%Y%m%dT%H%M%S");

  file_oid = g_strdup_printf ("PARASOL.%s.%s.%06d", parasol_protocol_get_id (ex->protocol), stamp,
                              g_date_time_get_microsecond (dt));

  W (xmlTextWriterSetIndent (ex->w, 1));
  W (xmlTextWriterSetIndentString (ex->w, (const xmlChar *) " "));
  W (xmlTextWriterStartDocument (ex->w, "1.0", "UTF-8", NULL));
  start (ex, "ODM");
  attr (ex, "xmlns", ODM_NS);
  attr (ex, "FileOID", file_oid);
  attr (ex, "FileType", ex->transactional ? "Transactional" : "Snapshot");
  attr (ex, "Granularity", "All");
  attr (ex, "CreationDateTime", now);
  attr (ex, "ODMVersion", "1.3.2");
  attr (ex, "Originator", "Parasol");
  attr (ex, "SourceSystem", "Parasol");
  attr (ex, "SourceSystemVersion", PACKAGE_VERSION);

  write_metadata (ex);
  write_admin (ex);
  if (ex->error != NULL)
    goto out;

  start (ex, "ClinicalData");
  attr (ex, "StudyOID", ex->study_oid);
  attr (ex, "MetaDataVersionOID", ex->mdv_oid);
  for (guint i = 0; i < patient_ids->len && ex->error == NULL && !ex->failed; i++)
    parasol_store_foreach_patient (ex->store, g_array_index (patient_ids, gint64, i),
                                   write_subject_cb, ex, ex->error ? NULL : &ex->error);
  if (patient_ids->len == 0)
    parasol_store_foreach_patient (ex->store, 0, write_subject_cb, ex, &ex->error);

  if (ex->transactional && ex->error == NULL)
    {
      g_autofree char *head_hash = NULL;
      g_autofree char *source = NULL;
      g_autofree char *me = user_oid (g_get_user_name ());
      gint64 head_seq = 0;

      start (ex, "AuditRecords");
      if (patient_ids->len == 0)
        parasol_store_odm_foreach_audit (ex->store, 0, write_audit_cb, ex, &ex->error);
      for (guint i = 0; i < patient_ids->len && ex->error == NULL; i++)
        parasol_store_odm_foreach_audit (ex->store, g_array_index (patient_ids, gint64, i),
                                         write_audit_cb, ex, &ex->error);
      if (ex->error == NULL &&
          parasol_store_odm_audit_head (ex->store, &head_seq, &head_hash, &ex->error))
        {
          /* The chain's head, so that the receiver can detect a trail changed later. */
          source = g_strdup_printf ("parasol-audit-head seq=%" G_GINT64_FORMAT " hash=%s",
                                    head_seq, head_hash);
          start (ex, "AuditRecord");
          attr (ex, "EditPoint", "DBAudit");
          attr (ex, "ID", "AR.HEAD");
          start (ex, "UserRef");
          attr (ex, "UserOID", me);
          end (ex);
          start (ex, "LocationRef");
          attr (ex, "LocationOID", "LOC.PARASOL");
          end (ex);
          text_element (ex, "DateTimeStamp", now);
          text_element (ex, "ReasonForChange", "head of the audit chain at export");
          text_element (ex, "SourceID", source);
          end (ex);
        }
      end (ex);
    }
  end (ex); /* ClinicalData */
  end (ex); /* ODM */
  W (xmlTextWriterEndDocument (ex->w));

out:
  if (ex->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&ex->error));
      return FALSE;
    }
  return TRUE;
}

gboolean
parasol_odm_export (ParasolStore                  *store,
                    ParasolProtocol               *protocol,
                    const char                    *path,
                    const ParasolOdmExportOptions *options,
                    ParasolOdmExportStats         *stats,
                    GError                       **error)
{
  ParasolOdmExportOptions defaults = { PARASOL_ODM_SNAPSHOT, NULL, FALSE };
  ParasolOdmExportStats local_stats = { 0 };
  g_autoptr(GArray) patient_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *trial_id = NULL;
  g_autofree char *tmp_path = NULL;
  xmlOutputBuffer *out;
  Exporter ex = { 0 };
  gboolean ok;
  struct stat st;
  int fd;
  int saved_errno;

  g_return_val_if_fail (PARASOL_IS_STORE (store), FALSE);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (options == NULL)
    options = &defaults;
  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);

  if (!options->force && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_EXISTS,
                   _("%s already exists; choose another file or replace it (--force)."), path);
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO,
                   _("%s is a folder; give a file name."), path);
      return FALSE;
    }

  for (guint i = 0; options->patients != NULL && options->patients[i] != NULL; i++)
    {
      g_autoptr(GError) local = NULL;
      gint64 id = parasol_store_find_patient (store, options->patients[i], &local);

      if (id == 0)
        {
          g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_NOT_FOUND,
                       _("No patient %s in this database; nothing was exported."),
                       options->patients[i]);
          return FALSE;
        }
      g_array_append_val (patient_ids, id);
    }

  if (!parasol_store_get_trial (store, &trial_id, NULL, NULL, NULL, NULL, error))
    return FALSE;

  tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO,
                   _("Cannot create a file next to %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  out = xmlOutputBufferCreateFd (fd, NULL);
  ex.w = out != NULL ? xmlNewTextWriter (out) : NULL;
  if (ex.w == NULL)
    {
      if (out != NULL)
        xmlOutputBufferClose (out);
      close (fd);
      g_unlink (tmp_path);
      g_set_error_literal (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO, _("Out of memory."));
      return FALSE;
    }
  ex.store = store;
  ex.protocol = protocol;
  ex.transactional = options->mode == PARASOL_ODM_TRANSACTIONAL;
  ex.stats = stats;
  ex.study_oid = g_strdup (trial_id);
  ex.mdv_oid = g_strdup_printf ("MDV.%s.%s", parasol_protocol_get_id (protocol),
                                parasol_protocol_get_version (protocol));

  /* One read snapshot: the clinical data and the audit chain's head agree. */
  parasol_store_odm_read_begin (store);
  ok = write_document (&ex, patient_ids, error);
  parasol_store_odm_read_end (store);
  if (xmlTextWriterFlush (ex.w) < 0)
    ex.failed = TRUE;
  xmlFreeTextWriter (ex.w); /* closes the output buffer, not the descriptor */
  g_free (ex.study_oid);
  g_free (ex.mdv_oid);

  saved_errno = 0;
  if (ok && !ex.failed && fsync (fd) != 0)
    saved_errno = errno;
  if (fstat (fd, &st) == 0)
    stats->bytes = st.st_size;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;

  if (ok && (ex.failed || saved_errno != 0))
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO,
                   _("Cannot write %s: %s"), path,
                   saved_errno != 0 ? g_strerror (saved_errno) : _("the disk may be full"));
      ok = FALSE;
    }
  if (ok && g_rename (tmp_path, path) != 0)
    {
      saved_errno = errno;
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO,
                   _("Cannot save %s: %s"), path, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp_path);
  return ok;
}

/* --- Import ---------------------------------------------------------------------------------- */

void
parasol_odm_import_report_free (ParasolOdmImportReport *report)
{
  if (report == NULL)
    return;
  g_free (report->file_oid);
  g_clear_pointer (&report->refusals, g_ptr_array_unref);
  g_free (report);
}

static void
refusal_free (ParasolOdmRefusal *r)
{
  g_free (r->message);
  g_free (r);
}

/* The ODM schema compiled once from the core GResource.  Its includes and imports are served
 * from the resource by name; any other entity is refused. */
static xmlParserInputPtr
schema_loader (const char       *url,
               const char       *id,
               xmlParserCtxtPtr  ctxt)
{
  static const char *const names[] = {
    "ODM1-3-2.xsd", "ODM1-3-2-foundation.xsd", "xml.xsd", "xlink.xsd", "xmldsig-core-schema.xsd",
  };
  const char *base;

  if (url == NULL)
    return NULL;
  base = strrchr (url, '/') != NULL ? strrchr (url, '/') + 1 : url;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (base, names[i]) == 0)
      {
        g_autofree char *path = g_strconcat (SCHEMA_DIR, names[i], NULL);
        g_autoptr(GBytes) bytes = g_resource_lookup_data (parasol_core_get_resource (), path,
                                                          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
        xmlParserInputPtr input;

        if (bytes == NULL)
          return NULL;
        /* Resource data is NUL-terminated; the stream copies it. */
        input = xmlNewStringInputStream (ctxt, g_bytes_get_data (bytes, NULL));
        if (input != NULL && input->filename == NULL)
          input->filename = (char *) xmlStrdup ((const xmlChar *) names[i]);
        return input;
      }
  return NULL;
}

static xmlSchema *
odm_schema (void)
{
  static gsize once = 0;
  static xmlSchema *schema = NULL;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GBytes) bytes = g_resource_lookup_data (parasol_core_get_resource (),
                                                        SCHEMA_DIR "ODM1-3-2.xsd",
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      xmlExternalEntityLoader previous = xmlGetExternalEntityLoader ();
      xmlSchemaParserCtxt *pctxt;

      xmlSetExternalEntityLoader (schema_loader);
      pctxt = bytes != NULL ? xmlSchemaNewMemParserCtxt (g_bytes_get_data (bytes, NULL),
                                                         g_bytes_get_size (bytes))
                            : NULL;
      if (pctxt != NULL)
        {
          schema = xmlSchemaParse (pctxt);
          xmlSchemaFreeParserCtxt (pctxt);
        }
      xmlSetExternalEntityLoader (previous);
      if (schema == NULL)
        g_warning ("The built-in ODM 1.3.2 schema did not compile");
      g_once_init_leave (&once, 1);
    }
  return schema;
}

typedef struct {
  ParasolStore           *store;
  ParasolProtocol        *protocol;
  ParasolOdmImportReport *report;
  const char             *filename;
  char                   *reason;
  xmlTextReader          *reader;
  gboolean                doomed;      /* a write failed: validate the rest, write nothing */
  char                   *parse_error; /* the first not-well-formed error */
  int                     parse_line;

  gboolean                in_clinical;
  gboolean                native;      /* ClinicalData of this trial's MetaDataVersion */
  char                   *study_oid;
  char                   *mdv_oid;
  char                   *cd_study;
  char                   *cd_mdv;

  char                   *subject;
  int                     subject_line;
  gint64                  patient_id;
  gboolean                demog_refused;  /* this subject's F.DEMOG was refused */

  char                   *event_oid;
  int                     event_repeat;   /* -1 when absent */
  char                   *form_oid;

  char                   *group_oid;
  int                     group_line;
  const GroupDef         *group;
  char                   *values[32];
  int                     value_lines[32];
  gboolean                group_refused;
  GHashTable             *foreign;        /* upper-cased suffix -> value, for LB items */
} Importer;

static void
refuse (Importer   *im,
        int         line,
        const char *format,
        ...) G_GNUC_PRINTF (3, 4);

static void
refuse (Importer   *im,
        int         line,
        const char *format,
        ...)
{
  GPtrArray *refusals = im->report->refusals;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* The schema validator may report one problem twice. */
  if (refusals->len > 0)
    {
      const ParasolOdmRefusal *last = g_ptr_array_index (refusals, refusals->len - 1);
      if (last->line == line && strcmp (last->message, message) == 0)
        return;
    }
  im->report->n_refusals++;
  if (refusals->len < MAX_REFUSALS_KEPT)
    {
      ParasolOdmRefusal *r = g_new0 (ParasolOdmRefusal, 1);

      r->line = line;
      r->message = g_steal_pointer (&message);
      g_ptr_array_add (refusals, r);
    }
}

static void
reader_error_cb (void        *user_data,
                 xmlErrorPtr  err)
{
  Importer *im = user_data;
  g_autofree char *msg = NULL;

  if (err == NULL || err->level == XML_ERR_WARNING)
    return;
  msg = g_strchomp (g_strdup (err->message != NULL ? err->message : "error"));
  if (err->domain == XML_FROM_SCHEMASV)
    refuse (im, err->line, _("not valid ODM 1.3.2: %s"), msg);
  else if (im->parse_error == NULL)
    {
      im->parse_error = g_steal_pointer (&msg);
      im->parse_line = err->line;
    }
}

static char *
get_attr (Importer   *im,
          const char *name)
{
  xmlChar *v = xmlTextReaderGetAttribute (im->reader, (const xmlChar *) name);
  char *copy = v != NULL ? g_strdup ((const char *) v) : NULL;

  xmlFree (v);
  return copy;
}

/* The line where the current element starts (the parser itself may have read further). */
static int
current_line (Importer *im)
{
  xmlNode *node = xmlTextReaderCurrentNode (im->reader);
  long line = node != NULL ? xmlGetLineNo (node) : -1;

  return line > 0 ? (int) line : xmlTextReaderGetParserLineNumber (im->reader);
}

static void
clear_group (Importer *im)
{
  for (guint i = 0; i < G_N_ELEMENTS (im->values); i++)
    g_clear_pointer (&im->values[i], g_free);
  memset (im->value_lines, 0, sizeof im->value_lines);
  g_clear_pointer (&im->group_oid, g_free);
  im->group = NULL;
  im->group_refused = FALSE;
  g_hash_table_remove_all (im->foreign);
}

static gboolean
in_codelist (Importer   *im,
             CodeListId  cl,
             const char *value)
{
  CodeSearch s = { value, FALSE };

  foreach_code (im->protocol, cl, code_search_cb, &s);
  return s.found;
}

/* Type, code list and required checks of one group's values. */
static gboolean
check_values (Importer *im)
{
  const GroupDef *g = im->group;
  guint n;
  const ParasolOdmColumn *cols = parasol_store_odm_columns (g->table, &n);
  gboolean ok = TRUE;

  for (guint c = 0; c < n; c++)
    {
      const char *v = im->values[c];
      int line = im->value_lines[c] ? im->value_lines[c] : im->group_line;
      g_autofree char *oid = item_oid (g, cols[c].name);
      CodeListId cl = column_codelist (g->table, cols[c].name);

      if (v == NULL)
        {
          if (cols[c].required)
            {
              refuse (im, im->group_line, _("%s %s has no %s, which it needs"),
                      g->oid, im->subject ? im->subject : "", oid);
              ok = FALSE;
            }
          continue;
        }
      switch (cols[c].kind)
        {
        case PARASOL_ODM_KIND_INT:
          {
            gint64 i;
            if (!g_ascii_string_to_signed (v, 10, G_MININT32, G_MAXINT32, &i, NULL))
              {
                refuse (im, line, _("%s: “%s” is not an integer"), oid, v);
                ok = FALSE;
              }
            break;
          }
        case PARASOL_ODM_KIND_BOOL:
          if (strcmp (v, "0") != 0 && strcmp (v, "1") != 0)
            {
              refuse (im, line, _("%s: “%s” is not in code list CL.NOYES (0, 1)"), oid, v);
              ok = FALSE;
            }
          break;
        case PARASOL_ODM_KIND_REAL:
          {
            char *endp = NULL;
            double d = g_ascii_strtod (v, &endp);
            if (*v == '\0' || endp == NULL || *endp != '\0' || !isfinite (d))
              {
                refuse (im, line, _("%s: “%s” is not a number"), oid, v);
                ok = FALSE;
              }
            break;
          }
        case PARASOL_ODM_KIND_DATE:
          {
            GDate date;
            if (!parasol_date_parse_iso (v, &date))
              {
                refuse (im, line, _("%s: “%s” is not a date (YYYY-MM-DD)"), oid, v);
                ok = FALSE;
              }
            break;
          }
        case PARASOL_ODM_KIND_DATETIME:
          {
            g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (v, NULL);
            if (dt == NULL)
              {
                refuse (im, line, _("%s: “%s” is not a date and time with a time zone"),
                        oid, v);
                ok = FALSE;
              }
            break;
          }
        case PARASOL_ODM_KIND_TEXT:
          if (strlen (v) > 65536)
            {
              refuse (im, line, _("%s: a text of %" PRIu64 " bytes is too long"), oid,
                      (guint64) strlen (v));
              ok = FALSE;
            }
          break;
        }
      if (ok && cl != CL_NONE && !in_codelist (im, cl, v))
        {
          g_autoptr(GString) codes = g_string_new (NULL);
          foreach_code (im->protocol, cl, code_join_cb, codes);
          refuse (im, line, _("%s: “%s” is not in code list %s (%s)"), oid, v,
                  codelist_oids[cl], codes->str);
          ok = FALSE;
        }
    }
  return ok;
}

static int
column_index (const GroupDef *g,
              const char     *name)
{
  guint n;
  const ParasolOdmColumn *cols = parasol_store_odm_columns (g->table, &n);

  for (guint c = 0; c < n; c++)
    if (strcmp (cols[c].name, name) == 0)
      return c;
  return -1;
}

static const char *
value_of (Importer   *im,
          const char *column)
{
  int c = column_index (im->group, column);

  return c >= 0 ? im->values[c] : NULL;
}

static void
store_failed (Importer   *im,
              int         line,
              GError     *error)
{
  /* A failed write may have doomed the transaction: check the rest of the file, write no more. */
  refuse (im, line, "%s", error->message);
  im->doomed = TRUE;
}

/* The same checks as `parasol-cli lab add`: a lab the protocol knows, a unit it accepts, a
 * value in the plausible range (after conversion), a ULN above zero and plausible.
 * The value then goes through parasol_lab_entry_check(), as every lab entry does. */
static ParasolLabResult *
make_lab (Importer    *im,
          const char  *code,
          const char  *value_text,
          const char  *unit,
          const char  *uln_text,
          const char  *date_text,
          int          line)
{
  const ParasolLabDef *lab = parasol_protocol_find_lab (im->protocol, code);
  g_autoptr(ParasolLabResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ParasolLabEntry entry;
  double value;
  GDate date;

  if (lab == NULL)
    lab = parasol_protocol_find_lab_by_code (im->protocol, code);
  if (lab == NULL)
    {
      g_autoptr(GString) codes = g_string_new (NULL);
      foreach_code (im->protocol, CL_LAB, code_join_cb, codes);
      refuse (im, line, _("unknown laboratory test “%s”; this protocol’s labs are: %s"), code,
              codes->str);
      return NULL;
    }
  if (!parasol_parse_double (value_text, &value, NULL))
    {
      refuse (im, line, _("%s result “%s” is not a number"), lab->name, value_text);
      return NULL;
    }
  if (!parasol_date_parse_iso (date_text, &date))
    {
      /* LBDTC may carry a time ("2006-07-14T14:48"): keep the date. */
      g_autofree char *day = g_strndup (date_text, 10);
      if (strlen (date_text) < 10 || (date_text[10] != '\0' && date_text[10] != 'T') ||
          !parasol_date_parse_iso (day, &date))
        {
          refuse (im, line, _("%s sample date “%s” is not a date (YYYY-MM-DD)"), lab->name,
                  date_text);
          return NULL;
        }
    }
  /* The same checks as lab entry in the window and the CLI: unit, plausible range, a ULN
   * plausible in its own unit, a sample date that has happened. */
  parasol_lab_entry_init (&entry);
  entry.lab = lab->id;
  entry.value = value;
  entry.unit = unit;
  entry.date = date;
  if (uln_text != NULL && !parasol_parse_double (uln_text, &entry.uln, NULL))
    {
      refuse (im, line, _("The upper limit of normal for %s must be a number above zero"),
              lab->name);
      return NULL;
    }
  result = parasol_lab_entry_check (im->protocol, &entry, NULL, &error);
  if (result == NULL)
    {
      refuse (im, line, "%s", error->message);
      return NULL;
    }
  return g_steal_pointer (&result);
}

static void
count_record (Importer *im,
              gboolean  added,
              gboolean  lab)
{
  if (added)
    {
      im->report->records_added++;
      if (lab)
        im->report->labs_added++;
    }
  else
    im->report->records_unchanged++;
}

typedef struct {
  guint   n;
  char  **values;
} RowCopy;

static gboolean
copy_row_cb (const char *const *values,
             gpointer           user_data)
{
  RowCopy *copy = user_data;

  copy->values = g_new0 (char *, copy->n + 1);
  for (guint i = 0; i < copy->n; i++)
    copy->values[i] = g_strdup (values[i]);
  return FALSE;
}

static void
row_copy_clear (RowCopy *copy)
{
  for (guint i = 0; copy->values != NULL && i < copy->n; i++)
    g_free (copy->values[i]);
  g_clear_pointer (&copy->values, g_free);
}

static void
apply_patient (Importer *im)
{
  guint n;
  const ParasolOdmColumn *cols = parasol_store_odm_columns (PARASOL_ODM_TABLE_PATIENT, &n);
  const char *screening = im->values[0];
  RowCopy stored = { n, NULL };
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (screening, im->subject) != 0)
    {
      refuse (im, im->group_line, _("SubjectKey %s does not match its screening number %s"),
              im->subject, screening);
      return;
    }
  if (im->doomed)
    return;
  if (im->patient_id == 0)
    {
      im->patient_id = parasol_store_odm_add_patient (im->store, screening, im->reason, &error);
      if (im->patient_id == 0)
        {
          store_failed (im, im->group_line, error);
          return;
        }
      im->report->patients_created++;
    }
  /* What is stored (a new row has its defaults, e.g. status "screening"). */
  if (!parasol_store_odm_foreach_row (im->store, PARASOL_ODM_TABLE_PATIENT, im->patient_id, 0,
                                           copy_row_cb, &stored, &error))
    {
      store_failed (im, im->group_line, error);
      return;
    }

  for (guint c = 1; c < n; c++)
    {
      const char *v = im->values[c];
      const char *old = stored.values != NULL ? stored.values[c] : NULL;

      /* NULL values are not exported: an absent item leaves the stored value alone. */
      if (v == NULL || g_strcmp0 (old, v) == 0)
        continue;
      if (!parasol_store_odm_restore_patient_field (im->store, im->patient_id, cols[c].name, v,
                                                    im->reason, &error))
        {
          store_failed (im, im->value_lines[c] ? im->value_lines[c] : im->group_line, error);
          break;
        }
      im->report->fields_changed++;
    }
  row_copy_clear (&stored);
}

static void
apply_group (Importer *im)
{
  const GroupDef *g = im->group;
  g_autoptr(GError) error = NULL;
  gint64 existing = 0;
  gboolean exists;
  int line = im->group_line;

  if (g->table == PARASOL_ODM_TABLE_PATIENT)
    {
      apply_patient (im);
      return;
    }
  if (im->patient_id == 0)
    {
      refuse (im, line, _("unknown subject %s: no patient with that screening or subject number "
                          "(and no F.DEMOG form for it before this)"), im->subject);
      return;
    }

  /* Group-specific checks the code lists cannot express. */
  if (g->table == PARASOL_ODM_TABLE_CYCLE || g->table == PARASOL_ODM_TABLE_ADMINISTRATION)
    {
      const char *cycle = value_of (im, g->table == PARASOL_ODM_TABLE_CYCLE ? "number" : "cycle");

      if (g_strcmp0 (im->event_oid, "SE.CYCLE") != 0 || im->event_repeat < 1 ||
          atoi (cycle) != im->event_repeat)
        {
          refuse (im, line, _("%s for cycle %s is not inside StudyEventData SE.CYCLE with "
                              "StudyEventRepeatKey %s"), g->oid, cycle, cycle);
          return;
        }
    }
  if (g->table == PARASOL_ODM_TABLE_BIOMARKER && g_strcmp0 (value_of (im, "pending"), "1") != 0)
    {
      const ParasolBiomarkerDef *def =
        parasol_protocol_find_biomarker (im->protocol, value_of (im, "marker"));
      const char *value = value_of (im, "value");
      ParasolMarkerMethod method = PARASOL_MARKER_METHOD_PERCENT;

      for (guint i = 0; method_codes[i]; i++)
        if (g_strcmp0 (method_codes[i], value_of (im, "method")) == 0)
          method = i;
      if (value == NULL)
        {
          refuse (im, line, _("biomarker %s has no value and is not pending"),
                  value_of (im, "marker"));
          return;
        }
      if (!parasol_biomarker_def_check (def, method, g_ascii_strtod (value, NULL), &error))
        {
          refuse (im, line, "%s", error->message);
          return;
        }
    }

  if (!parasol_store_odm_row_exists (im->store, g->table, im->patient_id,
                                     (const char *const *) im->values, &existing, &error))
    {
      if (error != NULL)
        {
          store_failed (im, line, error);
          return;
        }
    }
  exists = existing != 0;
  if (exists)
    {
      count_record (im, FALSE, FALSE);
      return;
    }
  if (im->doomed)
    return;

  switch (g->table)
    {
    case PARASOL_ODM_TABLE_LAB:
      {
        g_autoptr(ParasolLabResult) lab = NULL;
        const char *entered = value_of (im, "value_entered");
        const char *unit_entered = value_of (im, "unit_entered");
        const char *uln = value_of (im, "uln");
        g_autofree char *uln_entered = NULL;

        if (entered == NULL || unit_entered == NULL)
          {
            entered = value_of (im, "value");
            unit_entered = value_of (im, "unit");
          }
        else if (uln != NULL)
          {
            /* The stored ULN is canonical: express it in the entered unit for the checks. */
            const ParasolLabDef *def = parasol_protocol_find_lab (im->protocol, value_of (im, "lab"));
            double u;
            if (def != NULL &&
                parasol_lab_def_convert (def, g_ascii_strtod (uln, NULL), def->unit, unit_entered,
                                         &u, NULL))
              {
                char buf[G_ASCII_DTOSTR_BUF_SIZE];
                uln_entered = g_strdup (g_ascii_dtostr (buf, sizeof buf, u));
              }
          }
        lab = make_lab (im, value_of (im, "lab"), entered, unit_entered,
                        uln_entered != NULL ? uln_entered : uln, value_of (im, "sample_date"),
                        line);
        if (lab == NULL)
          return;
        /* The canonical value must be the entered one converted; then keep the file's number
         * exactly. */
        {
          double stated = g_ascii_strtod (value_of (im, "value"), NULL);
          g_autofree char *converted = parasol_protocol_format_number (lab->value);

          if (fabs (stated - lab->value) > 1e-6 * MAX (1.0, fabs (lab->value)) ||
              g_strcmp0 (value_of (im, "unit"), lab->unit) != 0)
            {
              refuse (im, line, _("%s: %s %s does not match the entered %s %s (%s %s in the "
                                  "protocol’s unit)"), value_of (im, "lab"),
                      value_of (im, "value"), value_of (im, "unit"), entered, unit_entered,
                      converted, lab->unit);
              return;
            }
          lab->value = stated;
        }
        lab->uln = uln != NULL ? g_ascii_strtod (uln, NULL) : NAN;
        if (value_of (im, "value_entered") == NULL)
          {
            lab->value_entered = NAN;
            g_clear_pointer (&lab->unit_entered, g_free);
          }
        if (parasol_store_add_lab (im->store, im->patient_id, lab, im->reason, &error) == 0)
          {
            store_failed (im, line, error);
            return;
          }
        count_record (im, TRUE, TRUE);
        return;
      }
    case PARASOL_ODM_TABLE_BIOMARKER:
      {
        g_autoptr(ParasolBiomarkerResult) m = parasol_biomarker_result_new ();
        const char *names[] = { "weak", "moderate", "strong" };

        m->marker = g_strdup (value_of (im, "marker"));
        for (guint i = 0; method_codes[i]; i++)
          if (g_strcmp0 (method_codes[i], value_of (im, "method")) == 0)
            m->method = i;
        m->value = value_of (im, "value") ? g_ascii_strtod (value_of (im, "value"), NULL) : NAN;
        for (guint i = 0; i < 3; i++)
          m->intensity[i] = value_of (im, names[i]) ? g_ascii_strtod (value_of (im, names[i]), NULL) : NAN;
        m->pending = g_strcmp0 (value_of (im, "pending"), "1") == 0;
        if (value_of (im, "sample_date") != NULL)
          parasol_date_parse_iso (value_of (im, "sample_date"), &m->date);
        if (parasol_store_add_biomarker (im->store, im->patient_id, m, im->reason, &error) == 0)
          {
            store_failed (im, line, error);
            return;
          }
        break;
      }
    case PARASOL_ODM_TABLE_ATTESTATION:
      {
        g_autoptr(ParasolAttestation) a = parasol_attestation_new ();

        a->criterion = g_strdup (value_of (im, "criterion"));
        a->met = g_strcmp0 (value_of (im, "met"), "1") == 0;
        a->note = g_strdup (value_of (im, "note"));
        a->source = g_strdup (value_of (im, "source"));
        if (value_of (im, "attested_on") != NULL)
          parasol_date_parse_iso (value_of (im, "attested_on"), &a->date);
        if (parasol_store_set_attestation (im->store, im->patient_id, a, im->reason, &error) == 0)
          {
            store_failed (im, line, error);
            return;
          }
        break;
      }
    case PARASOL_ODM_TABLE_CYCLE:
      {
        g_autoptr(ParasolCycleRecord) c = parasol_cycle_record_new ();

        c->number = atoi (value_of (im, "number"));
        parasol_date_parse_iso (value_of (im, "start_date"), &c->start);
        c->status = g_strdup (value_of (im, "status"));
        c->reason = g_strdup (value_of (im, "reason"));
        if (parasol_store_set_cycle (im->store, im->patient_id, c, im->reason, &error) == 0)
          {
            store_failed (im, line, error);
            return;
          }
        break;
      }
    case PARASOL_ODM_TABLE_ADMINISTRATION:
      {
        const char *flagged = value_of (im, "flagged");
        const char *dose = value_of (im, "dose");
        const char *why = value_of (im, "reason");

        if (dose != NULL && g_ascii_strtod (dose, NULL) < 0)
          {
            refuse (im, line, _("a dose of %s cannot be negative"), dose);
            return;
          }
        if (g_strcmp0 (flagged, "1") == 0 && (why == NULL || *why == '\0'))
          {
            refuse (im, line, _("this dose of %s is flagged (outside the tolerance of the "
                                "calculated dose); it needs a reason"), value_of (im, "drug"));
            return;
          }
      }
      G_GNUC_FALLTHROUGH;
    case PARASOL_ODM_TABLE_EVENT:
      if (g->table == PARASOL_ODM_TABLE_EVENT &&
          g_strcmp0 (value_of (im, "kind"), "discontinuation") == 0 &&
          (value_of (im, "reason") == NULL || *value_of (im, "reason") == '\0'))
        {
          refuse (im, line, _("a discontinuation needs a reason"));
          return;
        }
      G_GNUC_FALLTHROUGH;
    case PARASOL_ODM_TABLE_EVALUATION:
    case PARASOL_ODM_TABLE_ASSIGNMENT:
    case PARASOL_ODM_TABLE_RESPONSE:
      if (parasol_store_odm_insert (im->store, g->table, im->patient_id,
                                    (const char *const *) im->values, im->reason, &error) == 0)
        {
          store_failed (im, line, error);
          return;
        }
      break;
    case PARASOL_ODM_TABLE_PATIENT:
    case PARASOL_ODM_N_TABLES:
      g_assert_not_reached ();
    }
  count_record (im, TRUE, FALSE);
}

/* A lab result from another system: the CDISC LB items, whatever their OIDs' prefixes. */
static void
apply_foreign_group (Importer *im)
{
  const char *code = g_hash_table_lookup (im->foreign, "LBTESTCD");
  const char *value = g_hash_table_lookup (im->foreign, "LBORRES");
  const char *unit = g_hash_table_lookup (im->foreign, "LBORRESU");
  const char *date = g_hash_table_lookup (im->foreign, "LBDTC");
  const char *uln = g_hash_table_lookup (im->foreign, "LBORNRHI");
  g_autoptr(ParasolLabResult) lab = NULL;
  g_autoptr(GError) error = NULL;
  int line = im->group_line;

  if (date == NULL)
    date = g_hash_table_lookup (im->foreign, "LBDAT");
  if (code == NULL)
    {
      refuse (im, line, _("ItemGroupData %s of study %s (MetaDataVersion %s) is not a laboratory "
                          "result; from other studies Parasol imports only lab results (LBTESTCD, "
                          "LBORRES, LBORRESU, LBDTC)"),
              im->group_oid, im->cd_study, im->cd_mdv);
      return;
    }
  if (value == NULL || unit == NULL || date == NULL)
    {
      refuse (im, line, _("lab result %s lacks %s; a result needs LBORRES, LBORRESU and LBDTC"),
              code, value == NULL ? "LBORRES" : unit == NULL ? "LBORRESU" : "LBDTC");
      return;
    }
  if (im->patient_id == 0)
    {
      refuse (im, line, _("unknown subject %s: no patient with that screening or subject number"),
              im->subject);
      return;
    }
  lab = make_lab (im, code, value, unit, uln, date, line);
  if (lab == NULL || im->doomed)
    return;
  if (parasol_store_add_lab (im->store, im->patient_id, lab, im->reason, &error) == 0)
    {
      store_failed (im, line, error);
      return;
    }
  count_record (im, TRUE, TRUE);
}

static void
end_group (Importer *im)
{
  guint before = im->report->n_refusals;

  if (im->group_refused)
    return;
  if (!im->native)
    {
      apply_foreign_group (im);
      return;
    }
  if (im->group == NULL)
    return;
  if (im->group->table != PARASOL_ODM_TABLE_PATIENT && im->patient_id == 0)
    {
      /* A refused F.DEMOG was reported already: do not list its subject as unknown too. */
      if (im->demog_refused)
        return;
      refuse (im, im->group_line, _("unknown subject %s: no patient with that screening or "
                                    "subject number (and no F.DEMOG form for it before this)"),
              im->subject);
    }
  /* Every value is checked, so that one pass lists every problem. */
  if (check_values (im) && im->report->n_refusals == before)
    apply_group (im);
  if (im->group->table == PARASOL_ODM_TABLE_PATIENT && im->report->n_refusals != before)
    im->demog_refused = TRUE;
}

static gboolean
is_odm (xmlTextReader *reader)
{
  const xmlChar *ns = xmlTextReaderConstNamespaceUri (reader);

  return ns != NULL && strcmp ((const char *) ns, ODM_NS) == 0;
}

static void
start_element (Importer   *im,
               const char *name)
{
  int line = current_line (im);

  if (strcmp (name, "ODM") == 0)
    {
      g_autofree char *type = get_attr (im, "FileType");

      /* An ODM element inside the root is the schema's to refuse; keep the first FileOID. */
      if (im->report->file_oid != NULL)
        return;
      im->report->file_oid = get_attr (im, "FileOID");
      if (g_strcmp0 (type, "Snapshot") != 0 && g_strcmp0 (type, "Transactional") != 0)
        refuse (im, line, _("FileType “%s” is not Snapshot or Transactional"), type ? type : "");
    }
  else if (strcmp (name, "ClinicalData") == 0)
    {
      g_clear_pointer (&im->cd_study, g_free);
      g_clear_pointer (&im->cd_mdv, g_free);
      im->cd_study = get_attr (im, "StudyOID");
      im->cd_mdv = get_attr (im, "MetaDataVersionOID");
      im->in_clinical = TRUE;
      im->native = g_strcmp0 (im->cd_study, im->study_oid) == 0 &&
                   g_strcmp0 (im->cd_mdv, im->mdv_oid) == 0;
      if (!im->native && g_strcmp0 (im->cd_study, im->study_oid) == 0)
        refuse (im, line, _("ClinicalData for MetaDataVersion %s; this database’s protocol is %s"),
                im->cd_mdv, im->mdv_oid);
    }
  else if (strcmp (name, "SubjectData") == 0)
    {
      g_autofree char *tt = get_attr (im, "TransactionType");
      g_autoptr(GError) error = NULL;

      g_clear_pointer (&im->subject, g_free);
      im->subject = get_attr (im, "SubjectKey");
      im->subject_line = line;
      im->demog_refused = FALSE;
      im->report->subjects++;
      im->patient_id = im->subject ? parasol_store_find_patient (im->store, im->subject, &error) : 0;
      if (tt != NULL && (strcmp (tt, "Remove") == 0 || strcmp (tt, "Context") == 0))
        refuse (im, line, _("SubjectData %s: TransactionType %s is not supported; Parasol only "
                            "inserts and updates"), im->subject, tt);
    }
  else if (strcmp (name, "StudyEventData") == 0)
    {
      g_autofree char *repeat = get_attr (im, "StudyEventRepeatKey");
      gint64 r = -1;

      g_clear_pointer (&im->event_oid, g_free);
      im->event_oid = get_attr (im, "StudyEventOID");
      if (repeat != NULL && !g_ascii_string_to_signed (repeat, 10, 1, 1000, &r, NULL))
        r = -1;
      im->event_repeat = (int) r;
      if (im->native)
        {
          gboolean known = FALSE;
          for (guint i = 0; i < G_N_ELEMENTS (events); i++)
            known |= g_strcmp0 (events[i].oid, im->event_oid) == 0;
          if (!known)
            refuse (im, line, _("unknown StudyEventOID %s"), im->event_oid);
        }
    }
  else if (strcmp (name, "FormData") == 0)
    {
      g_clear_pointer (&im->form_oid, g_free);
      im->form_oid = get_attr (im, "FormOID");
      if (im->native)
        {
          gboolean known = FALSE;
          for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
            known |= g_strcmp0 (forms[i].oid, im->form_oid) == 0 &&
                     g_strcmp0 (forms[i].event, im->event_oid) == 0;
          if (!known)
            refuse (im, line, _("unknown FormOID %s in StudyEventData %s"), im->form_oid,
                    im->event_oid);
        }
    }
  else if (strcmp (name, "ItemGroupData") == 0)
    {
      g_autofree char *tt = get_attr (im, "TransactionType");

      clear_group (im);
      im->group_oid = get_attr (im, "ItemGroupOID");
      im->group_line = line;
      if (im->native)
        {
          for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
            if (g_strcmp0 (groups[i].oid, im->group_oid) == 0 &&
                g_strcmp0 (groups[i].form, im->form_oid) == 0)
              im->group = &groups[i];
          if (im->group == NULL)
            {
              refuse (im, line, _("unknown ItemGroupOID %s in FormData %s"), im->group_oid,
                      im->form_oid);
              im->group_refused = TRUE;
            }
        }
      if (g_strcmp0 (tt, "Remove") == 0)
        {
          refuse (im, line, _("ItemGroupData %s: removing data (TransactionType Remove) is not "
                              "supported"), im->group_oid);
          im->group_refused = TRUE;
        }
    }
  else if (strcmp (name, "ItemData") == 0)
    {
      g_autofree char *oid = get_attr (im, "ItemOID");
      g_autofree char *value = get_attr (im, "Value");
      g_autofree char *is_null = get_attr (im, "IsNull");

      if (im->group_oid == NULL || oid == NULL)
        return;
      if (value == NULL && g_strcmp0 (is_null, "Yes") != 0)
        {
          refuse (im, line, _("ItemData %s has no Value"), oid);
          im->group_refused = TRUE;
          return;
        }
      if (!im->native)
        {
          const char *dot = strrchr (oid, '.');
          g_autofree char *suffix = g_ascii_strup (dot ? dot + 1 : oid, -1);
          if (value != NULL)
            g_hash_table_replace (im->foreign, g_steal_pointer (&suffix), g_steal_pointer (&value));
          return;
        }
      if (im->group != NULL)
        {
          int found = -1;
          guint n;
          const ParasolOdmColumn *cols = parasol_store_odm_columns (im->group->table, &n);

          for (guint c = 0; c < n && found < 0; c++)
            {
              g_autofree char *expected = item_oid (im->group, cols[c].name);
              if (strcmp (expected, oid) == 0)
                found = c;
            }
          if (found < 0)
            refuse (im, line, _("unknown ItemOID %s in ItemGroupData %s"), oid, im->group_oid);
          else if (im->value_lines[found] != 0)
            refuse (im, line, _("ItemData %s appears twice in one ItemGroupData"), oid);
          else
            {
              im->values[found] = g_steal_pointer (&value);
              im->value_lines[found] = line;
            }
        }
    }
  else if (g_str_has_prefix (name, "ItemData"))
    {
      refuse (im, line, _("typed item data (%s) is not supported; use ItemData with a Value"),
              name);
      im->group_refused = TRUE;
    }
}

static void
end_element (Importer   *im,
             const char *name)
{
  if (strcmp (name, "ItemGroupData") == 0)
    {
      if (im->group_oid != NULL)
        end_group (im);
      clear_group (im);
    }
  else if (strcmp (name, "SubjectData") == 0)
    {
      g_clear_pointer (&im->subject, g_free);
      im->patient_id = 0;
    }
  else if (strcmp (name, "ClinicalData") == 0)
    im->in_clinical = FALSE;
}

static gboolean
read_document (Importer  *im,
               GError   **error)
{
  gboolean saw_root = FALSE;
  gboolean saw_clinical = FALSE;
  int rc;

  while ((rc = xmlTextReaderRead (im->reader)) == 1)
    {
      int type = xmlTextReaderNodeType (im->reader);
      const char *name = (const char *) xmlTextReaderConstLocalName (im->reader);
      int depth = xmlTextReaderDepth (im->reader);

      if (type == XML_READER_TYPE_ELEMENT)
        {
          gboolean empty = xmlTextReaderIsEmptyElement (im->reader);

          if (depth == 0)
            {
              if (!is_odm (im->reader) || strcmp (name, "ODM") != 0)
                {
                  g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                               _("%s:%d: not a CDISC ODM 1.3 file (the root element is %s, "
                                 "not ODM in namespace %s)"),
                               im->filename, current_line (im), name, ODM_NS);
                  return FALSE;
                }
              saw_root = TRUE;
            }
          if (!is_odm (im->reader))
            continue;
          if (depth == 1 && strcmp (name, "ClinicalData") == 0)
            saw_clinical = TRUE;
          start_element (im, name);
          if (empty)
            end_element (im, name);
        }
      else if (type == XML_READER_TYPE_END_ELEMENT && is_odm (im->reader))
        end_element (im, name);
    }

  if (rc < 0 || im->parse_error != NULL)
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                   _("%s:%d: not a well-formed XML file: %s"), im->filename,
                   im->parse_line > 0 ? im->parse_line : current_line (im),
                   im->parse_error != NULL ? im->parse_error : _("the parser stopped"));
      return FALSE;
    }
  if (!saw_root)
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                   _("%s: not a CDISC ODM file"), im->filename);
      return FALSE;
    }
  if (!saw_clinical)
    refuse (im, 1, _("the file has no ClinicalData (it holds only metadata or administrative "
                     "data); there is nothing to import"));
  return TRUE;
}

static int
compare_refusals (gconstpointer a,
                  gconstpointer b)
{
  const ParasolOdmRefusal *ra = *(ParasolOdmRefusal **) a;
  const ParasolOdmRefusal *rb = *(ParasolOdmRefusal **) b;

  return ra->line - rb->line;
}

gboolean
parasol_odm_import_data (ParasolStore             *store,
                         ParasolProtocol          *protocol,
                         const char               *data,
                         gsize                     len,
                         const char               *filename,
                         gboolean                  dry_run,
                         ParasolOdmImportReport  **report_out,
                         GError                  **error)
{
  static const ParasolXmlLimits limits = {
    .max_bytes = PARASOL_ODM_MAX_BYTES,
    .max_elements = 20 * 1000 * 1000,
    .max_attributes = 64,
    .max_depth = 64,
    .max_text = 1024 * 1024,
  };
  g_autoptr(ParasolOdmImportReport) report = g_new0 (ParasolOdmImportReport, 1);
  g_autofree char *base = g_path_get_basename (filename != NULL ? filename : "-");
  g_autofree char *trial_id = NULL;
  g_autoptr(GError) local = NULL;
  xmlExternalEntityLoader previous;
  xmlSchema *schema;
  Importer im = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (PARASOL_IS_STORE (store), FALSE);
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), FALSE);

  report->dry_run = dry_run;
  report->refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) refusal_free);
  if (filename == NULL)
    filename = "-";

  if (!parasol_xml_guard_check (data, len, &limits, filename, NULL, &local))
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                   _("%s\nRefused before parsing; nothing was imported."), local->message);
      goto out;
    }
  if (len > G_MAXINT)
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                   _("%s: too large"), filename);
      goto out;
    }
  if (!parasol_store_get_trial (store, &trial_id, NULL, NULL, NULL, NULL, error))
    goto out;

  schema = odm_schema ();
  im.store = store;
  im.protocol = protocol;
  im.report = report;
  im.filename = filename;
  im.study_oid = g_strdup (trial_id);
  im.mdv_oid = g_strdup_printf ("MDV.%s.%s", parasol_protocol_get_id (protocol),
                                parasol_protocol_get_version (protocol));
  im.foreign = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  previous = parasol_xml_guard_refuse_entities ();
  /* First pass, without the schema: well-formedness, and the FileOID that goes into every audit
   * reason.  (Only a well-formed document reaches the validator: libxml2 2.9.14's streaming
   * validation leaks on a document that ends early.) */
  im.reason = g_strdup_printf ("imported from %s (%s)", base, "no FileOID");
  im.reader = xmlReaderForMemory (data, (int) len, filename, NULL, READER_OPTIONS);
  if (im.reader != NULL)
    {
      gboolean root = TRUE;
      int rc;

      xmlSetStructuredErrorFunc (&im, reader_error_cb);
      xmlTextReaderSetStructuredErrorHandler (im.reader, reader_error_cb, &im);
      while ((rc = xmlTextReaderRead (im.reader)) == 1)
        if (root && xmlTextReaderNodeType (im.reader) == XML_READER_TYPE_ELEMENT)
          {
            g_autofree char *oid = get_attr (&im, "FileOID");
            if (oid != NULL)
              {
                g_free (im.reason);
                im.reason = g_strdup_printf ("imported from %s (%s)", base, oid);
              }
            root = FALSE;
          }
      xmlSetStructuredErrorFunc (NULL, NULL);
      if (rc < 0 || im.parse_error != NULL)
        {
          g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                       _("%s:%d: not a well-formed XML file: %s"), filename,
                       im.parse_line > 0 ? im.parse_line : current_line (&im),
                       im.parse_error != NULL ? im.parse_error : _("the parser stopped"));
          g_clear_pointer (&im.reader, xmlFreeTextReader);
          parasol_xml_guard_restore_entities (previous);
          parasol_store_rollback (store);
          goto cleanup;
        }
    }
  g_clear_pointer (&im.reader, xmlFreeTextReader);
  /* Schema errors of the first pass are the second's to report. */
  g_ptr_array_set_size (report->refusals, 0);
  report->n_refusals = 0;

  /* The write lock from here on: checks and writes see one state of the database. */
  if (!parasol_store_begin (store, error))
    {
      parasol_xml_guard_restore_entities (previous);
      goto cleanup;
    }

  im.reader = xmlReaderForMemory (data, (int) len, filename, NULL, READER_OPTIONS);
  if (im.reader == NULL)
    {
      parasol_xml_guard_restore_entities (previous);
      parasol_store_rollback (store);
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                   _("%s: cannot be read as XML"), filename);
      goto cleanup;
    }
  xmlTextReaderSetStructuredErrorHandler (im.reader, reader_error_cb, &im);
  if (schema != NULL && xmlTextReaderSetSchema (im.reader, schema) != 0)
    g_warning ("Cannot validate %s against the ODM schema", filename);

  /* Parser errors reach the global handler in libxml2 2.9 even with the reader's own. */
  xmlSetStructuredErrorFunc (&im, reader_error_cb);
  ok = read_document (&im, error);
  xmlSetStructuredErrorFunc (NULL, NULL);
  /* Detach the validator first: freeing a reader that stopped mid-document with a schema
   * attached leaks in libxml2 2.9.14. */
  if (schema != NULL)
    xmlTextReaderSetSchema (im.reader, NULL);
  xmlFreeTextReader (im.reader);
  parasol_xml_guard_restore_entities (previous);

  if (!ok)
    {
      parasol_store_rollback (store);
      goto cleanup;
    }

  g_ptr_array_sort (report->refusals, compare_refusals);
  if (report->n_refusals > 0)
    {
      g_autoptr(GString) msg = g_string_new (NULL);

      parasol_store_rollback (store);
      for (guint i = 0; i < report->refusals->len; i++)
        {
          const ParasolOdmRefusal *r = g_ptr_array_index (report->refusals, i);
          g_string_append_printf (msg, "%s:%d: %s\n", filename, r->line, r->message);
        }
      if (report->n_refusals > report->refusals->len)
        g_string_append_printf (msg, _("… and %u more\n"),
                                report->n_refusals - report->refusals->len);
      g_string_append_printf (msg, g_dngettext (GETTEXT_PACKAGE,
                                                "%u problem; nothing was imported.",
                                                "%u problems; nothing was imported.",
                                                report->n_refusals), report->n_refusals);
      g_set_error_literal (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_REFUSED, msg->str);
      ok = FALSE;
      goto cleanup;
    }

  if (dry_run)
    parasol_store_rollback (store);
  else if (!parasol_store_commit (store, error))
    ok = FALSE;
  else
    report->written = TRUE;

cleanup:
  clear_group (&im);
  g_clear_pointer (&im.foreign, g_hash_table_unref);
  g_free (im.reason);
  g_free (im.parse_error);
  g_free (im.study_oid);
  g_free (im.mdv_oid);
  g_free (im.cd_study);
  g_free (im.cd_mdv);
  g_free (im.subject);
  g_free (im.event_oid);
  g_free (im.form_oid);
out:
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  return ok;
}

gboolean
parasol_odm_import_file (ParasolStore             *store,
                         ParasolProtocol          *protocol,
                         const char               *path,
                         gboolean                  dry_run,
                         ParasolOdmImportReport  **report,
                         GError                  **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  struct stat st;
  gsize len;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO, _("Cannot read %s: %s"), path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO, _("%s is not a file."), path);
      return FALSE;
    }
  if ((guint64) st.st_size > PARASOL_ODM_MAX_BYTES)
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_MALFORMED,
                   _("%s is %" PRIu64 " bytes; ODM files are limited to %" PRIu64
                     " bytes. Nothing was imported."), path, (guint64) st.st_size,
                   (guint64) PARASOL_ODM_MAX_BYTES);
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return parasol_odm_import_data (store, protocol, data, len, path, dry_run, report, error);
}
