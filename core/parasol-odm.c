/* parasol-odm.c — CDISC ODM 1.3.2 export and import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mapping, one ItemGroup per store table and one Item per column:
 *
 *   SE.SCREENING  F.DEMOG        IG.PATIENT, IG.WEIGHT (repeating)
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
#include "parasol-odm-private.h"

G_DEFINE_QUARK (parasol-odm-error-quark, parasol_odm_error)

/* --- The mapping ----------------------------------------------------------------------------- */

CodeListId
odm_column_codelist (ParasolOdmTable table,
                     const char     *column)
{
  static const struct { ParasolOdmTable table; const char *column; CodeListId cl; } map[] = {
    { PARASOL_ODM_TABLE_PATIENT, "sex", CL_SEX },
    { PARASOL_ODM_TABLE_PATIENT, "status", CL_STATUS },
    { PARASOL_ODM_TABLE_PATIENT, "arm", CL_ARM },
    { PARASOL_ODM_TABLE_PATIENT, "ici", CL_ICI },
    { PARASOL_ODM_TABLE_PATIENT, "platinum", CL_PLATINUM },
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
  if (table == PARASOL_ODM_TABLE_WEIGHT && strcmp (column, "weight_kg") == 0)
    return "kg";
  if (table != PARASOL_ODM_TABLE_PATIENT)
    return NULL;
  if (strcmp (column, "height_cm") == 0)
    return "cm";
  if (strcmp (column, "weight_kg") == 0 || strcmp (column, "dose_weight_kg") == 0)
    return "kg";
  return NULL;
}

char *
odm_item_oid (const GroupDef *group,
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

void
odm_foreach_code (ParasolProtocol *protocol,
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
    case CL_ICI:
    case CL_PLATINUM:
      {
        /* What a patient can be given as such: a drug of another kind is refused on import */
        const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);
        g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

        if (regimen != NULL)
          add_drugs (cl == CL_ICI ? regimen->icis : regimen->platinums, seen, func, user_data);
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

void
odm_code_search_cb (const char *code,
                    const char *decode,
                    gpointer    user_data)
{
  CodeSearch *s = user_data;

  if (strcmp (code, s->value) == 0)
    s->found = TRUE;
}

void
odm_code_join_cb (const char *code,
                  const char *decode,
                  gpointer    user_data)
{
  GString *s = user_data;

  if (s->len > 0)
    g_string_append (s, ", ");
  g_string_append (s, code);
}

static void
count_code_cb (const char *code,
               const char *decode,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* A code list with no code (CL.PLATINUM of a protocol that offers no platinum choice) is not
 * written: ODM wants at least one item.  Its items then have no code list; the importer still
 * refuses any value for them, since none is in the (empty) list. */
static gboolean
codelist_written (ParasolProtocol *protocol,
                  CodeListId       cl)
{
  guint n = 0;

  if (cl == CL_NONE)
    return FALSE;
  odm_foreach_code (protocol, cl, count_code_cb, &n);
  return n > 0;
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
          g_autofree char *oid = odm_item_oid (&groups[g], cols[c].name);

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
          g_autofree char *oid = odm_item_oid (&groups[g], cols[c].name);
          CodeListId cl = odm_column_codelist (groups[g].table, cols[c].name);
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
          if (codelist_written (p, cl))
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
      if (!codelist_written (p, cl))
        continue;
      start (ex, "CodeList");
      attr (ex, "OID", codelist_oids[cl]);
      attr (ex, "Name", codelist_oids[cl] + 3);
      attr (ex, "DataType", cl == CL_NOYES ? "integer" : "text");
      odm_foreach_code (p, cl, write_codelist_item_cb, ex);
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
      oid = odm_item_oid (group, cols[c].name);
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
                   _("%s already exists; choose another file or replace it."), path);
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
