/* test-odm.c — CDISC ODM 1.3.2 export and import (core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exports of a full demo trial validate against the official schema (xmllint, the copy in
 * data/odm/); export, import into an empty database and export again give the same
 * ClinicalData; each imported value is audited with "imported from FILE (FileOID)"; refusals
 * name their line and leave the database untouched; the public example files import what maps
 * or are refused with the reason.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cli-helpers.h"
#include "parasol-demo.h"
#include "parasol-odm.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

typedef struct {
  char            *dir;
  ParasolProtocol *protocol;
} OdmFixture;

static void
odm_set_up (OdmFixture    *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = cli_make_tmpdir ();
  f->protocol = parasol_protocol_new_default (&error);
  g_assert_no_error (error);
}

static void
odm_tear_down (OdmFixture    *f,
               gconstpointer  data)
{
  cli_rm_rf (f->dir);
  g_free (f->dir);
  g_clear_object (&f->protocol);
}

/* A new database holding the trial of @protocol and, when @n_patients > 0, a demo trial. */
static ParasolStore *
make_trial (OdmFixture *f,
            const char *name,
            int         n_patients)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  ParasolStore *store = test_open_store (path, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (parasol_store_init_trial (store, parasol_protocol_get_id (f->protocol),
                                           parasol_protocol_get_registry_id (f->protocol),
                                           parasol_protocol_get_title (f->protocol),
                                           parasol_protocol_get_version (f->protocol),
                                           parasol_protocol_get_source (f->protocol), &error));
  g_assert_no_error (error);
  if (n_patients > 0)
    {
      g_assert_true (parasol_demo_populate (store, f->protocol, n_patients, 7, &error));
      g_assert_no_error (error);
    }
  return store;
}

static gint64
audit_rows (ParasolStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 n = 0, bad = 0;

  g_assert_true (parasol_store_audit_verify (store, &n, &bad, &error));
  g_assert_no_error (error);
  return n;
}

static char *
schema_path (void)
{
  return g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT"), "data", "odm", "ODM1-3-2.xsd", NULL);
}

static void
assert_schema_valid (const char *file)
{
  g_autofree char *schema = schema_path ();
  const char *argv[] = { "xmllint", "--noout", "--nonet", "--schema", schema, file, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s does not validate against %s:\n%s", file, schema, err);
  cli_assert_contains (err, "validates");
}

static char *
clinical_data (const char *file)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *start;

  g_assert_true (g_file_get_contents (file, &text, NULL, &error));
  g_assert_no_error (error);
  start = strstr (text, "<ClinicalData");
  g_assert_nonnull (start);
  return g_strdup (start);
}

static char *
export (OdmFixture     *f,
        ParasolStore   *store,
        const char     *name,
        ParasolOdmMode  mode)
{
  char *path = g_build_filename (f->dir, name, NULL);
  ParasolOdmExportOptions options = { mode, NULL, FALSE };
  ParasolOdmExportStats stats = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (parasol_odm_export (store, f->protocol, path, &options, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.bytes, >, 0);
  return path;
}

/* A protocol that offers no platinum choice: CL.PLATINUM would be empty, which ODM does not
 * allow, so it is left out and the export still validates. */
static void
test_export_no_platinum_choice (OdmFixture    *f,
                                gconstpointer  data)
{
  g_autoptr(GString) source = g_string_new (parasol_protocol_get_source (f->protocol));
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpuint (g_string_replace (source, " platinum-default=\"carboplatin\"", "", 0), ==, 1);
  g_assert_cmpuint (g_string_replace (source, "platinum=\"true\"", "", 0), ==, 2);
  g_clear_object (&f->protocol);
  f->protocol = parasol_protocol_new_from_data (source->str, source->len, "no-choice.xml", &error);
  g_assert_no_error (error);
  store = make_trial (f, "trial.db", 0);
  path = export (f, store, "no-choice.xml", PARASOL_ODM_SNAPSHOT);
  assert_schema_valid (path);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, "CL.PLATINUM"));
  cli_assert_contains (text, "CL.ICI");
}

static void
test_export_validates (OdmFixture    *f,
                       gconstpointer  data)
{
  g_autoptr(ParasolStore) store = make_trial (f, "trial.db", 40);
  g_autofree char *snap = export (f, store, "snapshot.xml", PARASOL_ODM_SNAPSHOT);
  g_autofree char *tx = export (f, store, "transactional.xml", PARASOL_ODM_TRANSACTIONAL);
  g_autofree char *snap_text = NULL;
  g_autofree char *tx_text = NULL;
  g_autoptr(GError) error = NULL;
  ParasolOdmExportOptions options = { PARASOL_ODM_SNAPSHOT, NULL, FALSE };
  const char *one[] = { "S-0003", NULL };
  const char *nobody[] = { "S-9999", NULL };
  g_autofree char *one_path = g_build_filename (f->dir, "one.xml", NULL);
  g_autofree char *one_text = NULL;
  struct stat st;

  assert_schema_valid (snap);
  assert_schema_valid (tx);

  /* Mode 0600, the study's metadata, the admin data, every kind of clinical data. */
  g_assert_cmpint (g_stat (snap, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (snap, &snap_text, NULL, NULL));
  g_assert_true (g_file_get_contents (tx, &tx_text, NULL, NULL));
  for (guint i = 0; i < 2; i++)
    {
      const char *t = i == 0 ? snap_text : tx_text;
      const char *needles[] = {
        "<StudyName>BUTTONS-001</StudyName>", "<MeasurementUnit OID=\"MU.10^9/L\"",
        "<StudyEventDef OID=\"SE.CYCLE\" Name=\"Treatment cycle\" Repeating=\"Yes\"",
        "<StudyEventDef OID=\"SE.EOT\"", "<CodeList OID=\"CL.ARM\"", "CodedValue=\"dll3\"",
        "<CodeList OID=\"CL.RESPONSE\"", "<User OID=\"USR.", "<Location OID=\"LOC.",
        "ItemOID=\"IT.LAB.VALUE\"", "ItemOID=\"IT.BIOMARKER.MARKER\"",
        "ItemOID=\"IT.ASSIGNMENT.ARM\"", "ItemOID=\"IT.ADMINISTRATION.DOSE\"",
        "ItemOID=\"IT.RESPONSE.RESPONSE\"", "ItemOID=\"IT.ATTESTATION.MET\"",
        "ItemOID=\"IT.EVALUATION.VERDICT\"", "StudyEventOID=\"SE.CYCLE\" StudyEventRepeatKey=\"2\"",
      };
      for (guint n = 0; n < G_N_ELEMENTS (needles); n++)
        cli_assert_contains (t, needles[n]);
    }
  cli_assert_contains (snap_text, "FileType=\"Snapshot\"");
  g_assert_null (strstr (snap_text, "<AuditRecord"));
  cli_assert_contains (tx_text, "FileType=\"Transactional\"");
  cli_assert_contains (tx_text, "<AuditRecord EditPoint=\"DBAudit\" ID=\"AR.1\">");
  cli_assert_contains (tx_text, "ID=\"AR.HEAD\"");
  {
    /* The chain's head is the last audit row. */
    gint64 n = audit_rows (store);
    g_autofree char *head = g_strdup_printf ("parasol-audit-head seq=%" G_GINT64_FORMAT " hash=", n);
    cli_assert_contains (tx_text, head);
  }

  /* No overwrite without force; with force, replaced. */
  g_assert_false (parasol_odm_export (store, f->protocol, snap, &options, NULL, &error));
  g_assert_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_EXISTS);
  g_clear_error (&error);
  options.force = TRUE;
  g_assert_true (parasol_odm_export (store, f->protocol, snap, &options, NULL, &error));
  g_assert_no_error (error);

  /* One patient, or an unknown one (nothing written). */
  options.force = FALSE;
  options.mode = PARASOL_ODM_TRANSACTIONAL;
  options.patients = one;
  g_assert_true (parasol_odm_export (store, f->protocol, one_path, &options, NULL, &error));
  g_assert_no_error (error);
  assert_schema_valid (one_path);
  g_assert_true (g_file_get_contents (one_path, &one_text, NULL, NULL));
  cli_assert_contains (one_text, "SubjectKey=\"S-0003\"");
  g_assert_null (strstr (one_text, "SubjectKey=\"S-0004\""));
  options.patients = nobody;
  g_unlink (one_path);
  g_assert_false (parasol_odm_export (store, f->protocol, one_path, &options, NULL, &error));
  g_assert_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (one_path, G_FILE_TEST_EXISTS));
}

static void
test_round_trip (OdmFixture    *f,
                 gconstpointer  data)
{
  g_autoptr(ParasolStore) source = make_trial (f, "source.db", 40);
  g_autoptr(ParasolStore) target = make_trial (f, "target.db", 0);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *first_cd = NULL;
  g_autofree char *second_cd = NULL;
  g_autofree char *file_oid = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(ParasolOdmImportReport) dry = NULL;
  g_autoptr(ParasolOdmImportReport) real = NULL;
  g_autoptr(ParasolOdmImportReport) again = NULL;
  g_autoptr(GPtrArray) trail = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = audit_rows (target);
  gint64 after;

  /* Dated weights (schema 7) travel too: two measured before, and the one saved with the
   * patient, carried over as measured today */
  {
    gint64 id = parasol_store_find_patient (source, "S-0003", &error);
    GDate day;

    g_assert_no_error (error);
    parasol_date_set_today (&day);
    g_date_subtract_days (&day, 10);
    g_assert_cmpint (parasol_store_add_weight (source, id, 61, &day, 0, NULL, &error), >, 0);
    g_date_add_days (&day, 7);
    g_assert_cmpint (parasol_store_add_weight (source, id, 62.5, &day, 0, NULL, &error), >, 0);
    g_assert_no_error (error);
  }
  first = export (f, source, "first.xml", PARASOL_ODM_SNAPSHOT);
  assert_schema_valid (first);
  first_cd = clinical_data (first);
  cli_assert_contains (first_cd, "ItemOID=\"IT.WEIGHT.MEASURED_ON\"");
  /* The platinum chosen at enrolment travels (the demo gives some patients cisplatin) */
  cli_assert_contains (first_cd, "ItemOID=\"IT.PATIENT.PLATINUM\" Value=\"cisplatin\"");
  cli_assert_contains (first_cd, "ItemOID=\"IT.PATIENT.PLATINUM\" Value=\"carboplatin\"");

  /* A dry run reports and writes nothing. */
  g_assert_true (parasol_odm_import_file (target, f->protocol, first, TRUE, &dry, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dry->patients_created, ==, 40);
  g_assert_cmpuint (dry->records_added, >, 1000);
  g_assert_false (dry->written);
  g_assert_cmpint (audit_rows (target), ==, before);
  g_assert_cmpint (parasol_store_count_patients (target), ==, 0);

  g_assert_true (parasol_odm_import_file (target, f->protocol, first, FALSE, &real, &error));
  g_assert_no_error (error);
  g_assert_true (real->written);
  g_assert_cmpuint (real->patients_created, ==, dry->patients_created);
  g_assert_cmpuint (real->records_added, ==, dry->records_added);
  g_assert_cmpuint (real->fields_changed, ==, dry->fields_changed);
  g_assert_cmpint (parasol_store_count_patients (target), ==, 40);

  /* Every imported value has its audit row with the reason. */
  file_oid = g_strdup (real->file_oid);
  reason = g_strdup_printf ("imported from first.xml (%s)", file_oid);
  after = audit_rows (target);
  g_assert_cmpint (after - before, ==,
                   real->patients_created + real->fields_changed + real->records_added);
  trail = parasol_store_audit_list (target, NULL, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < trail->len; i++)
    {
      const ParasolAuditEntry *e = g_ptr_array_index (trail, i);
      if (e->seq > before)
        g_assert_cmpstr (e->reason, ==, reason);
    }

  second = export (f, target, "second.xml", PARASOL_ODM_SNAPSHOT);
  second_cd = clinical_data (second);
  g_assert_cmpstr (first_cd, ==, second_cd);
  {
    g_autoptr(ParasolPatientFacts) a = parasol_store_load_patient (source, parasol_store_find_patient (source, "S-0003", NULL), &error);
    g_autoptr(ParasolPatientFacts) b = parasol_store_load_patient (target, parasol_store_find_patient (target, "S-0003", NULL), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (a->weights->len, ==, 3);
    g_assert_cmpuint (b->weights->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        const ParasolWeight *wa = g_ptr_array_index (a->weights, i);
        const ParasolWeight *wb = g_ptr_array_index (b->weights, i);

        g_assert_cmpfloat (wa->weight_kg, ==, wb->weight_kg);
        g_assert_cmpint (g_date_compare (&wa->date, &wb->date), ==, 0);
      }
    g_assert_cmpfloat (a->weight_kg, ==, b->weight_kg);
  }

  /* Importing the same file again changes nothing. */
  g_assert_true (parasol_odm_import_file (target, f->protocol, first, FALSE, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->patients_created + again->fields_changed + again->records_added, ==, 0);
  g_assert_cmpuint (again->records_unchanged, ==, real->records_added);
  g_assert_cmpint (audit_rows (target), ==, after);
}

static const char *const head =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileOID=\"F.1\" FileType=\"Snapshot\"\n"
  "     CreationDateTime=\"2026-11-30T10:00:00Z\" ODMVersion=\"1.3.2\">\n";

static gboolean
import_text (OdmFixture              *f,
             ParasolStore            *store,
             const char              *text,
             ParasolOdmImportReport **report,
             GError                 **error)
{
  return parasol_odm_import_data (store, f->protocol, text, strlen (text), "test.xml", FALSE,
                                  report, error);
}

static void
test_refusals (OdmFixture    *f,
               gconstpointer  data)
{
  g_autoptr(ParasolStore) store = make_trial (f, "trial.db", 0);
  g_autofree char *text = g_strconcat (head,
    " <ClinicalData StudyOID=\"BUTTONS-001\" MetaDataVersionOID=\"MDV.BUTTONS-001.1.0\">\n"
    "  <SubjectData SubjectKey=\"S-0001\">\n"
    "   <StudyEventData StudyEventOID=\"SE.SCREENING\">\n"
    "    <FormData FormOID=\"F.DEMOG\">\n"
    "     <ItemGroupData ItemGroupOID=\"IG.PATIENT\">\n"
    "      <ItemData ItemOID=\"IT.PATIENT.SCREENING_NUMBER\" Value=\"S-0001\"/>\n"
    "      <ItemData ItemOID=\"IT.PATIENT.STATUS\" Value=\"screening\"/>\n"
    "      <ItemData ItemOID=\"IT.PATIENT.ECOG\" Value=\"one\"/>\n"               /* line 11 */
    "      <ItemData ItemOID=\"IT.PATIENT.SEX\" Value=\"f\"/>\n"                  /* line 12 */
    "     </ItemGroupData>\n"
    "    </FormData>\n"
    "    <FormData FormOID=\"F.LAB\">\n"
    "     <ItemGroupData ItemGroupOID=\"IG.LAB\" ItemGroupRepeatKey=\"1\">\n"
    "      <ItemData ItemOID=\"IT.LAB.LAB\" Value=\"anc\"/>\n"
    "      <ItemData ItemOID=\"IT.LAB.VALUE\" Value=\"900\"/>\n"
    "      <ItemData ItemOID=\"IT.LAB.UNIT\" Value=\"10^9/L\"/>\n"
    "      <ItemData ItemOID=\"IT.LAB.SAMPLE_DATE\" Value=\"2026-10-01\"/>\n"
    "      <ItemData ItemOID=\"IT.LAB.COLOUR\" Value=\"blue\"/>\n"              /* line 21 */
    "     </ItemGroupData>\n"
    "    </FormData>\n"
    "   </StudyEventData>\n"
    "  </SubjectData>\n"
    "  <SubjectData SubjectKey=\"S-0404\">\n"
    "   <StudyEventData StudyEventOID=\"SE.EOT\">\n"
    "    <FormData FormOID=\"F.OUTCOME\">\n"
    "     <ItemGroupData ItemGroupOID=\"IG.RESPONSE\" ItemGroupRepeatKey=\"1\">\n"  /* line 29 */
    "      <ItemData ItemOID=\"IT.RESPONSE.ASSESSED_ON\" Value=\"2026-12-01\"/>\n"
    "      <ItemData ItemOID=\"IT.RESPONSE.RESPONSE\" Value=\"PR\"/>\n"
    "     </ItemGroupData>\n"
    "    </FormData>\n"
    "   </StudyEventData>\n"
    "  </SubjectData>\n"
    " </ClinicalData>\n"
    "</ODM>\n", NULL);
  g_autoptr(ParasolOdmImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = audit_rows (store);

  g_assert_false (import_text (f, store, text, &report, &error));
  g_assert_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_REFUSED);
  cli_assert_contains (error->message, "test.xml:11: IT.PATIENT.ECOG: “one” is not an integer");
  cli_assert_contains (error->message, "test.xml:12: IT.PATIENT.SEX: “f” is not in code list CL.SEX");
  cli_assert_contains (error->message, "test.xml:21: unknown ItemOID IT.LAB.COLOUR");
  cli_assert_contains (error->message, "test.xml:29: unknown subject S-0404");
  cli_assert_contains (error->message, "nothing was imported");
  g_assert_cmpuint (report->n_refusals, ==, 4);
  g_assert_false (report->written);
  g_assert_cmpint (audit_rows (store), ==, before);
  g_assert_cmpint (parasol_store_count_patients (store), ==, 0);

  /* A lab value outside the plausible range, once the rest is right. */
  {
    g_autoptr(ParasolOdmImportReport) r2 = NULL;
    g_autoptr(GString) fixed = g_string_new (text);

    g_string_replace (fixed, "Value=\"one\"", "Value=\"1\"", 0);
    g_string_replace (fixed, "Value=\"f\"", "Value=\"female\"", 0);
    g_string_replace (fixed, "      <ItemData ItemOID=\"IT.LAB.COLOUR\" Value=\"blue\"/>\n", "", 0);
    g_string_replace (fixed, "S-0404", "S-0001", 0);
    g_clear_error (&error);
    g_assert_false (import_text (f, store, fixed->str, &r2, &error));
    g_assert_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_REFUSED);
    cli_assert_contains (error->message, "test.xml:16:");
    cli_assert_contains (error->message, "plausible");
    g_assert_cmpuint (r2->n_refusals, ==, 1);
    g_assert_cmpint (audit_rows (store), ==, before);
    g_assert_cmpint (parasol_store_count_patients (store), ==, 0);

    /* And accepted once the value is plausible. */
    g_string_replace (fixed, "Value=\"900\"", "Value=\"2.5\"", 0);
    g_clear_error (&error);
    g_clear_pointer (&r2, parasol_odm_import_report_free);
    g_assert_true (import_text (f, store, fixed->str, &r2, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (r2->patients_created, ==, 1);
    g_assert_cmpuint (r2->labs_added, ==, 1);
    g_assert_cmpuint (r2->records_added, ==, 2);

    /* A canonical value that is not the entered one converted. */
    g_string_replace (fixed, "      <ItemData ItemOID=\"IT.LAB.SAMPLE_DATE\" Value=\"2026-10-01\"/>\n",
                      "      <ItemData ItemOID=\"IT.LAB.SAMPLE_DATE\" Value=\"2026-10-02\"/>\n"
                      "      <ItemData ItemOID=\"IT.LAB.VALUE_ENTERED\" Value=\"1.5\"/>\n"
                      "      <ItemData ItemOID=\"IT.LAB.UNIT_ENTERED\" Value=\"10^9/L\"/>\n", 0);
    g_clear_pointer (&r2, parasol_odm_import_report_free);
    before = audit_rows (store);
    g_assert_false (import_text (f, store, fixed->str, &r2, &error));
    g_assert_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_REFUSED);
    cli_assert_contains (error->message, "anc: 2.5 10^9/L does not match the entered 1.5 10^9/L");
    g_assert_cmpint (audit_rows (store), ==, before);
  }

  /* A new patient's platinum and checkpoint inhibitor: only what can be given as such. */
  {
    g_autoptr(ParasolOdmImportReport) r3 = NULL;
    g_autofree char *drugs = g_strconcat (head,
      " <ClinicalData StudyOID=\"BUTTONS-001\" MetaDataVersionOID=\"MDV.BUTTONS-001.1.0\">\n"
      "  <SubjectData SubjectKey=\"S-0002\">\n"
      "   <StudyEventData StudyEventOID=\"SE.SCREENING\">\n"
      "    <FormData FormOID=\"F.DEMOG\">\n"
      "     <ItemGroupData ItemGroupOID=\"IG.PATIENT\">\n"
      "      <ItemData ItemOID=\"IT.PATIENT.SCREENING_NUMBER\" Value=\"S-0002\"/>\n"
      "      <ItemData ItemOID=\"IT.PATIENT.STATUS\" Value=\"screening\"/>\n"
      "      <ItemData ItemOID=\"IT.PATIENT.PLATINUM\" Value=\"etoposide\"/>\n"   /* line 11 */
      "      <ItemData ItemOID=\"IT.PATIENT.ICI\" Value=\"carboplatin\"/>\n"      /* line 12 */
      "     </ItemGroupData>\n"
      "    </FormData>\n"
      "   </StudyEventData>\n"
      "  </SubjectData>\n"
      " </ClinicalData>\n"
      "</ODM>\n", NULL);

    before = audit_rows (store);
    g_clear_error (&error);
    g_assert_false (import_text (f, store, drugs, &r3, &error));
    g_assert_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_REFUSED);
    cli_assert_contains (error->message, "test.xml:11: IT.PATIENT.PLATINUM: “etoposide” is not in code list CL.PLATINUM");
    cli_assert_contains (error->message, "test.xml:12: IT.PATIENT.ICI: “carboplatin” is not in code list CL.ICI");
    g_assert_cmpint (audit_rows (store), ==, before);
  }
}

static void
test_external_labs (OdmFixture    *f,
                    gconstpointer  data)
{
  g_autoptr(ParasolStore) store = make_trial (f, "trial.db", 0);
  g_autoptr(ParasolOdmImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  const ParasolLabResult *lab;
  gint64 id = test_add_patient (store, "S-0007");
  g_autofree char *text = g_strconcat (head,
    " <ClinicalData StudyOID=\"LIMS\" MetaDataVersionOID=\"LB.1\">\n"
    "  <SubjectData SubjectKey=\"S-0007\">\n"
    "   <StudyEventData StudyEventOID=\"VISIT\">\n"
    "    <FormData FormOID=\"LABDATA\">\n"
    "     <ItemGroupData ItemGroupOID=\"LB\">\n"
    "      <ItemData ItemOID=\"LBTESTCD\" Value=\"CREAT\"/>\n"
    "      <ItemData ItemOID=\"LBORRES\" Value=\"1.1\"/>\n"
    "      <ItemData ItemOID=\"LBORRESU\" Value=\"mg/dL\"/>\n"
    "      <ItemData ItemOID=\"LBORNRHI\" Value=\"1.2\"/>\n"
    "      <ItemData ItemOID=\"LBDTC\" Value=\"2026-10-02T08:30\"/>\n"
    "     </ItemGroupData>\n"
    "    </FormData>\n"
    "   </StudyEventData>\n"
    "  </SubjectData>\n"
    " </ClinicalData>\n"
    "</ODM>\n", NULL);

  g_assert_true (import_text (f, store, text, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->labs_added, ==, 1);
  facts = parasol_store_load_patient (store, id, &error);
  g_assert_no_error (error);
  lab = parasol_patient_facts_find_lab (facts, "creatinine", NULL);
  g_assert_nonnull (lab);
  /* Converted to the protocol's unit (µmol/L), as lab entry does. */
  g_assert_cmpfloat_with_epsilon (lab->value, 1.1 * 88.4, 0.5);
  g_assert_cmpfloat_with_epsilon (lab->value_entered, 1.1, 1e-9);
  g_assert_cmpstr (lab->unit_entered, ==, "mg/dL");
  g_assert_true (g_date_valid (&lab->date));
  g_assert_cmpint (g_date_get_day (&lab->date), ==, 2);
}

static char *
example_path (const char *name)
{
  return g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT"), "tests", "data", "odm", "examples",
                           name, NULL);
}

static void
test_examples (OdmFixture    *f,
               gconstpointer  data)
{
  static const struct {
    const char *file;
    const char *reasons[3];
  } cases[] = {
    { "cdash-odm-test-invalid.xml",
      { "cdash-odm-test-invalid.xml:14: not valid ODM 1.3.2", "studyName", "no ClinicalData" } },
    { "cdash-odm-test.xml", { "no ClinicalData", NULL } },
    { "odm-data-snapshot.xml",
      { "odm-data-snapshot.xml:850: ItemGroupData IG.DM of study 1001_virus",
        "only lab results", NULL } },
    { "test_clinical_data_01.xml",
      { "ItemGroupData DM of study P2006-101", "lab result ALT lacks LBORRESU", NULL } },
  };
  g_autoptr(ParasolStore) store = make_trial (f, "trial.db", 3);
  gint64 before = audit_rows (store);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = example_path (cases[i].file);
      g_autoptr(ParasolOdmImportReport) report = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (parasol_odm_import_file (store, f->protocol, path, FALSE, &report, &error));
      g_assert_error (error, PARASOL_ODM_ERROR, PARASOL_ODM_ERROR_REFUSED);
      for (guint r = 0; r < G_N_ELEMENTS (cases[i].reasons) && cases[i].reasons[r]; r++)
        cli_assert_contains (error->message, cases[i].reasons[r]);
      g_assert_false (report->written);
      g_assert_cmpint (audit_rows (store), ==, before);
    }

  /* The schema itself accepts the valid ones and rejects the invalid one. */
  {
    g_autofree char *valid = example_path ("cdash-odm-test.xml");
    assert_schema_valid (valid);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, OdmFixture, NULL, odm_set_up, fn, odm_tear_down)
  ADD ("/odm/export-validates", test_export_validates);
  ADD ("/odm/export-no-platinum-choice", test_export_no_platinum_choice);
  ADD ("/odm/round-trip", test_round_trip);
  ADD ("/odm/refusals", test_refusals);
  ADD ("/odm/external-labs", test_external_labs);
  ADD ("/odm/examples", test_examples);
#undef ADD

  return g_test_run ();
}
