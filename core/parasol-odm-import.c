/* parasol-odm-import.c — reading a CDISC ODM 1.3.2 file into the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mapping is in parasol-odm.c; parasol-odm-private.h shares it.
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

  odm_foreach_code (im->protocol, cl, odm_code_search_cb, &s);
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
      g_autofree char *oid = odm_item_oid (g, cols[c].name);
      CodeListId cl = odm_column_codelist (g->table, cols[c].name);
      gboolean value_ok = TRUE;

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
                value_ok = FALSE;
              }
            break;
          }
        case PARASOL_ODM_KIND_BOOL:
          if (strcmp (v, "0") != 0 && strcmp (v, "1") != 0)
            {
              refuse (im, line, _("%s: “%s” is not in code list CL.NOYES (0, 1)"), oid, v);
              value_ok = FALSE;
            }
          break;
        case PARASOL_ODM_KIND_REAL:
          {
            char *endp = NULL;
            double d = g_ascii_strtod (v, &endp);
            if (*v == '\0' || endp == NULL || *endp != '\0' || !isfinite (d))
              {
                refuse (im, line, _("%s: “%s” is not a number"), oid, v);
                value_ok = FALSE;
              }
            break;
          }
        case PARASOL_ODM_KIND_DATE:
          {
            GDate date;
            if (!parasol_date_parse_iso (v, &date))
              {
                refuse (im, line, _("%s: “%s” is not a date (YYYY-MM-DD)"), oid, v);
                value_ok = FALSE;
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
                value_ok = FALSE;
              }
            break;
          }
        case PARASOL_ODM_KIND_TEXT:
          if (strlen (v) > 65536)
            {
              refuse (im, line, _("%s: a text of %" PRIu64 " bytes is too long"), oid,
                      (guint64) strlen (v));
              value_ok = FALSE;
            }
          break;
        }
      /* each value on its own: one refused value does not hide the next */
      if (value_ok && cl != CL_NONE && !in_codelist (im, cl, v))
        {
          g_autoptr(GString) codes = g_string_new (NULL);
          odm_foreach_code (im->protocol, cl, odm_code_join_cb, codes);
          refuse (im, line, _("%s: “%s” is not in code list %s (%s)"), oid, v,
                  codelist_oids[cl], codes->str);
          value_ok = FALSE;
        }
      if (!value_ok)
        ok = FALSE;
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
      odm_foreach_code (im->protocol, CL_LAB, odm_code_join_cb, codes);
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
    case PARASOL_ODM_TABLE_WEIGHT:
      /* A measurement as if entered: plausible, and not after today.  The patient's weight_kg
       * (IG.PATIENT, before) is already the newest one: the rows are inserted as they were. */
      if (g->table == PARASOL_ODM_TABLE_WEIGHT)
        {
          GDate measured;

          parasol_date_parse_iso (value_of (im, "measured_on"), &measured);
          if (!parasol_store_check_weight (g_ascii_strtod (value_of (im, "weight_kg"), NULL),
                                           &measured, &error))
            {
              refuse (im, line, "%s", error->message);
              return;
            }
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
              g_autofree char *expected = odm_item_oid (im->group, cols[c].name);
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
