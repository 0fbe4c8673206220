/* test-lab-import.c — core/parasol-lab-import: CSV exports, bounded and linear
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "parasol-lab-import.h"
#include "workflow-fixture.h"

static char *
csv_with_dates (const char *format_with_dates)
{
  GDate d = wf_days_from_today (-3);
  g_autofree char *iso = wf_iso (&d);
  g_auto(GStrv) parts = g_strsplit (format_with_dates, "DATE", -1);

  return g_strjoinv (iso, parts);
}

static void
test_import (WorkflowFixture *f,
             gconstpointer    data)
{
  g_autofree char *csv = csv_with_dates (
    "\xEF\xBB\xBF" "Screening ID,Test Code,Result,Unit,Reference Range,Collection Date\r\n"
    "S-I01,NEUT#,2.1,10*9/L,1.8-6.3,DATE 08:30\r\n"
    "S-I01,PLT,210,10^9/L,125-350,DATE\r\n"
    "S-I01,NA,140,mmol/L,135-145,DATE\r\n"
    "S-I01,\"CREA\",75,µmol/L,45-84,DATE\r\n"
    "S-I01,CREA,75,µmol/L,45-84,DATE\r\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolLabImport) import = NULL;
  g_autoptr(ParasolLabImport) again = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  gint64 id = test_add_patient (f->store, "S-I01");

  import = parasol_lab_import_parse (f->store, f->protocol, csv, strlen (csv), "lis.csv",
                                     PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->rows->len, ==, 3);
  g_assert_cmpuint (import->duplicates, ==, 1);     /* twice in the file */
  g_assert_cmpuint (import->skipped, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (import->unknown_tests, 0), ==, "NA");
  g_assert_cmpuint (import->n_patients, ==, 1);
  g_assert_true (parasol_lab_import_commit (f->store, import, &error));
  g_assert_no_error (error);

  /* Importing the same export again stores nothing new */
  again = parasol_lab_import_parse (f->store, f->protocol, csv, strlen (csv), "lis.csv",
                                    PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->rows->len, ==, 0);
  g_assert_cmpuint (again->duplicates, ==, 4);

  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_cmpuint (facts->labs->len, ==, 3);
}

/* Issue 8: a ULN in its own unit column (never a ratio across units), a qualitative pregnancy
 * test, and rows that pass but deserve a look carry a flag with the reason. */
static void
test_uln_unit_and_flags (WorkflowFixture *f,
                         gconstpointer    data)
{
  GDate old = wf_days_from_today (-40);
  g_autofree char *old_iso = wf_iso (&old);
  g_autofree char *body = csv_with_dates ("patient,test,value,unit,uln,uln_unit,date\n"
                                          "S-I05,TBIL,3.0,mg/dL,21,umol/L,DATE\n"   /* 51.3/21 */
                                          "S-I05,ALT,25,U/L,40,,DATE\n"             /* clean */
                                          "S-I05,AST,30,U/L,,,DATE\n"               /* no ULN */
                                          "S-I05,HCG,negative,,,,DATE\n"            /* clean */
                                          "S-I05,ANC,2.0,10^9/L,,,OLD\n");          /* too old */
  g_auto(GStrv) parts = g_strsplit (body, "OLD", -1);
  g_autofree char *csv = g_strjoinv (old_iso, parts);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolLabImport) import = NULL;
  ParasolLabImportRow *row;
  gint64 id = test_add_patient (f->store, "S-I05");

  import = parasol_lab_import_parse (f->store, f->protocol, csv, strlen (csv), "units.csv",
                                     PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->rows->len, ==, 5);
  g_assert_cmpuint (import->flagged, ==, 3);

  row = g_ptr_array_index (import->rows, 0);
  g_assert_cmpfloat_with_epsilon (row->result->value, 51.3, 1e-9);
  g_assert_cmpfloat_with_epsilon (row->result->uln, 21, 1e-9);
  g_assert_nonnull (strstr (row->flag, "ULN converted from umol/L"));
  g_assert_nonnull (strstr (row->flag, "2.443 × ULN"));
  row = g_ptr_array_index (import->rows, 1);
  g_assert_null (row->flag);
  row = g_ptr_array_index (import->rows, 2);
  g_assert_nonnull (strstr (row->flag, "AST has no ULN"));
  row = g_ptr_array_index (import->rows, 3);
  g_assert_null (row->flag);
  g_assert_cmpfloat (row->result->value, ==, 0);
  row = g_ptr_array_index (import->rows, 4);
  g_assert_nonnull (strstr (row->flag, "older than the 14-day validity window"));
  g_assert_true (parasol_lab_import_commit (f->store, import, &error));
  g_assert_no_error (error);
  (void) id;

  /* A ULN typed in mg/dL units but declared µmol/L is still refused as implausible */
  {
    g_autofree char *bad = csv_with_dates ("patient,test,value,unit,uln,uln_unit,date\n"
                                           "S-I05,TBIL,3.0,mg/dL,1.2,umol/L,DATE\n");
    ParasolLabImport *refused = parasol_lab_import_parse (f->store, f->protocol, bad, strlen (bad),
                                                          "bad.csv", PARASOL_LAB_IMPORT_DEFAULT, &error);
    g_assert_null (refused);
    g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_ROWS);
    g_clear_error (&error);
  }
  /* A pregnancy test that is neither negative nor positive is refused */
  {
    g_autofree char *bad = csv_with_dates ("patient,test,value,unit,date\n"
                                           "S-I05,HCG,weak,,DATE\n");
    ParasolLabImport *refused = parasol_lab_import_parse (f->store, f->protocol, bad, strlen (bad),
                                                          "bad.csv", PARASOL_LAB_IMPORT_DEFAULT, &error);
    g_assert_null (refused);
    g_assert_nonnull (strstr (error->message, "negative or positive"));
    g_clear_error (&error);
  }
}

/* One bad row rejects the file, naming its line; nothing is written */
static void
test_rejected (WorkflowFixture *f,
               gconstpointer    data)
{
  g_autofree char *csv = csv_with_dates ("patient;test;value;unit;uln;date\n"
                                         "S-I02;ALT;25;U/L;40;DATE\n"
                                         "S-I02;HGB;1,2;g/L;;DATE\n"
                                         "S-I02;TBIL;3,0;mg/dL;21;DATE\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  ParasolLabImport *import;
  gint64 id = test_add_patient (f->store, "S-I02");

  import = parasol_lab_import_parse (f->store, f->protocol, csv, strlen (csv), "bad.csv",
                                     PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_null (import);
  g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_ROWS);
  g_assert_nonnull (strstr (error->message, "bad.csv:3:"));
  g_assert_nonnull (strstr (error->message, "bad.csv:4:"));   /* the ULN in another unit */
  g_assert_nonnull (strstr (error->message, "Nothing was imported"));
  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_cmpuint (facts->labs->len, ==, 0);
}

/* The reader yields one record at a time: blank lines are skipped, a quoted field may hold a
 * line break, and one left open at the end refuses the whole file with its line. */
static void
test_records (WorkflowFixture *f,
              gconstpointer    data)
{
  g_autofree char *csv = csv_with_dates ("\n\npatient,test,value,unit,uln,date\r\n\r\n"
                                         "S-I03,ALT,25,U/L,40,DATE\n\n"
                                         "\"S-I03\",\"AST\",\"30\",\"U/L\",\"40\",DATE");
  g_autofree char *open_quote = csv_with_dates ("patient,test,value,unit,uln,date\n"
                                                "S-I03,ALT,25,U/L,40,DATE\n"
                                                "S-I03,AST,\"30,U/L,40,DATE\n");
  const char *blank = "\n\r\n\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) facts = NULL;
  ParasolLabImport *import;
  gint64 id = test_add_patient (f->store, "S-I03");

  import = parasol_lab_import_parse (f->store, f->protocol, csv, strlen (csv), "ok.csv",
                                     PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->rows->len, ==, 2);
  g_assert_cmpint (((ParasolLabImportRow *) g_ptr_array_index (import->rows, 0))->line, ==, 5);
  g_assert_cmpint (((ParasolLabImportRow *) g_ptr_array_index (import->rows, 1))->line, ==, 7);
  parasol_lab_import_free (import);

  import = parasol_lab_import_parse (f->store, f->protocol, open_quote, strlen (open_quote),
                                     "open.csv", PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_null (import);
  g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "open.csv:3: a quoted field is never closed"));
  g_clear_error (&error);

  import = parasol_lab_import_parse (f->store, f->protocol, blank, strlen (blank), "blank.csv",
                                     PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_null (import);
  g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "blank.csv is empty"));
  g_clear_error (&error);

  facts = parasol_store_load_patient (f->store, id, &error);
  g_assert_cmpuint (facts->labs->len, ==, 0);
}

/* Regression (issue 12): `lab import /dev/zero` read until the kernel killed it */
static void
test_bounded (WorkflowFixture *f,
              gconstpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_build_filename (f->dir, "big.csv", NULL);
  gint64 start = g_get_monotonic_time ();
  char *contents;
  int fd;

  contents = parasol_lab_import_read ("/dev/zero", NULL, &error);
  g_assert_null (contents);
  g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  /* A sparse file one byte over the bound: refused from its size, without reading it */
  fd = g_open (big, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) PARASOL_LAB_IMPORT_MAX_SIZE + 1), ==, 0);
  close (fd);
  contents = parasol_lab_import_read (big, NULL, &error);
  g_assert_null (contents);
  g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "bytes are read"));
  g_clear_error (&error);
  /* Both refusals without reading: well under a second even on a loaded machine */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* Not text */
  {
    const char bin[] = "patient,test\0value";
    g_assert_null (parasol_lab_import_parse (f->store, f->protocol, bin, sizeof bin, "x.csv",
                                             PARASOL_LAB_IMPORT_DEFAULT, &error));
    g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_NOT_TEXT);
    g_clear_error (&error);
  }
  /* An unclosed quote, a missing column */
  g_assert_null (parasol_lab_import_parse (f->store, f->protocol, "a,\"b", 4, "q.csv",
                                           PARASOL_LAB_IMPORT_DEFAULT, &error));
  g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_null (parasol_lab_import_parse (f->store, f->protocol, "patient,test\n", 13, "h.csv",
                                           PARASOL_LAB_IMPORT_DEFAULT, &error));
  g_assert_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "value"));
}

/* Linear: the duplicate check no longer compares every row with every other.  Counted, not
 * timed (the timing is in parasol-bench): the same answer for 20,000 rows as the old scan. */
static void
test_many_rows (WorkflowFixture *f,
                gconstpointer    data)
{
  g_autoptr(GString) csv = g_string_new ("patient,test,value,unit,uln,date\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolLabImport) import = NULL;
  const int n = 20000;

  test_add_patient (f->store, "S-I03");
  for (int i = 0; i < n; i++)
    {
      int j = i % 10 == 9 ? i - 1 : i;   /* every 10th row repeats the row before it */
      GDate d = wf_days_from_today (-(j % 3000));
      char iso[PARASOL_DATE_BUF_SIZE];

      g_string_append_printf (csv, "S-I03,PLT,%d,10^9/L,,%s\n", 100 + j % 997,
                              parasol_date_format (&d, iso, sizeof iso));
    }
  import = parasol_lab_import_parse (f->store, f->protocol, csv->str, csv->len, "many.csv",
                                     PARASOL_LAB_IMPORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->rows->len + import->duplicates, ==, n);
  g_assert_cmpuint (import->duplicates, ==, n / 10);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/lab-import/import", WorkflowFixture, NULL, wf_set_up, test_import, wf_tear_down);
  g_test_add ("/lab-import/uln-unit-and-flags", WorkflowFixture, NULL, wf_set_up, test_uln_unit_and_flags, wf_tear_down);
  g_test_add ("/lab-import/rejected", WorkflowFixture, NULL, wf_set_up, test_rejected, wf_tear_down);
  g_test_add ("/lab-import/records", WorkflowFixture, NULL, wf_set_up, test_records, wf_tear_down);
  g_test_add ("/lab-import/bounded", WorkflowFixture, NULL, wf_set_up, test_bounded, wf_tear_down);
  g_test_add ("/lab-import/many-rows", WorkflowFixture, NULL, wf_set_up, test_many_rows, wf_tear_down);
  return g_test_run ();
}
