/* parasol-lab-import.c — laboratory results from a CSV export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-lab-import"

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

#include "parasol-lab-entry.h"
#include "parasol-input.h"
#include "parasol-lab-import.h"

G_DEFINE_QUARK (parasol-lab-import-error-quark, parasol_lab_import_error)

#define MAX_LISTED_PROBLEMS 20

static void
import_row_free (ParasolLabImportRow *row)
{
  g_free (row->patient_key);
  g_free (row->flag);
  g_clear_pointer (&row->result, parasol_lab_result_free);
  g_free (row);
}

void
parasol_lab_import_free (ParasolLabImport *import)
{
  if (import == NULL)
    return;
  g_free (import->filename);
  g_clear_pointer (&import->rows, g_ptr_array_unref);
  g_clear_pointer (&import->unknown_tests, g_ptr_array_unref);
  g_free (import);
}

/* ---- Reading, bounded ------------------------------------------------------------------------ */

char *
parasol_lab_import_read (const char  *path,
                         gsize       *length,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  /* The one bounded read: /dev/zero, a FIFO, a folder or a huge file is refused before
   * anything is read, and a file growing while it is read is refused too. */
  if (!parasol_input_read_file (path, PARASOL_LAB_IMPORT_MAX_SIZE, &contents, &len, &local_error))
    {
      g_set_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_FILE,
                   _("%s. Export the results from the laboratory system into a CSV file of at "
                     "most %d MiB and import that."), local_error->message,
                   PARASOL_LAB_IMPORT_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if (length != NULL)
    *length = len;
  return contents;
}

/* ---- CSV ----------------------------------------------------------------------------------- */

typedef struct {
  int        line;      /* line of the record's first character */
  GPtrArray *fields;    /* char* */
} CsvRecord;

static void
csv_record_free (CsvRecord *r)
{
  g_ptr_array_unref (r->fields);
  g_free (r);
}

static char
csv_detect_delimiter (const char *p,
                      const char *end)
{
  int counts[3] = { 0, 0, 0 };
  const char delims[3] = { ',', ';', '\t' };
  gboolean quoted = FALSE;
  int best = 0;

  for (; p < end && (*p != '\n' || quoted); p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted)
        for (int i = 0; i < 3; i++)
          if (*p == delims[i])
            counts[i]++;
    }
  for (int i = 1; i < 3; i++)
    if (counts[i] > counts[best])
      best = i;
  return delims[best];
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsvRecord, csv_record_free)

/* Reads one record at a time, so memory does not grow with the file: a million-row export is
 * held once, as the text it came in, and as the rows it yields. */
typedef struct {
  const char *p;
  const char *end;
  const char *filename;
  GString    *field;
  int         line;
  char        delim;
  gboolean    done;
} CsvReader;

static void
csv_reader_init (CsvReader  *r,
                 const char *p,
                 const char *end,
                 char        delim,
                 const char *filename)
{
  r->p = p;
  r->end = end;
  r->delim = delim;
  r->filename = filename;
  r->field = g_string_new (NULL);
  r->line = 1;
  r->done = FALSE;
}

static void
csv_reader_clear (CsvReader *r)
{
  if (r->field != NULL)
    g_string_free (r->field, TRUE);
  r->field = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvReader, csv_reader_clear)

/* The next record that is not blank; NULL at the end of the text (@error unset) or on a quoted
 * field never closed (@error set).  RFC 4180 with the usual liberties: CRLF or LF, quoted
 * fields with "" and line breaks. */
static CsvRecord *
csv_next (CsvReader  *r,
          GError    **error)
{
  CsvRecord *rec = NULL;
  gboolean quoted = FALSE;
  gboolean was_quoted = FALSE;
  int quote_line = 0;

  if (r->done)
    return NULL;

  for (;;)
    {
      char c = r->p < r->end ? *r->p : '\0';
      char next = r->p + 1 < r->end ? r->p[1] : '\0';

      if (rec == NULL)
        {
          rec = g_new0 (CsvRecord, 1);
          rec->line = r->line;
          rec->fields = g_ptr_array_new_with_free_func (g_free);
        }

      if (quoted)
        {
          if (r->p >= r->end)
            {
              g_set_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_SYNTAX,
                           _("%s:%d: a quoted field is never closed"), r->filename, quote_line);
              csv_record_free (rec);
              r->done = TRUE;
              return NULL;
            }
          if (c == '"' && next == '"')
            {
              g_string_append_c (r->field, '"');
              r->p += 2;
              continue;
            }
          if (c == '"')
            {
              quoted = FALSE;
              r->p++;
              continue;
            }
          if (c == '\n')
            r->line++;
          if (c != '\r')
            g_string_append_c (r->field, c);
          r->p++;
          continue;
        }

      if (c == '"' && r->field->len == 0 && !was_quoted)
        {
          quoted = TRUE;
          was_quoted = TRUE;
          quote_line = r->line;
          r->p++;
          continue;
        }
      if (r->p < r->end && c == r->delim)
        {
          g_ptr_array_add (rec->fields, g_strndup (r->field->str, r->field->len));
          g_string_truncate (r->field, 0);
          was_quoted = FALSE;
          r->p++;
          continue;
        }
      if (c == '\r' && next == '\n')
        {
          r->p++;
          continue;
        }
      if (r->p >= r->end || c == '\n' || c == '\r')
        {
          gboolean empty;

          g_ptr_array_add (rec->fields, g_strndup (r->field->str, r->field->len));
          g_string_truncate (r->field, 0);
          was_quoted = FALSE;
          empty = rec->fields->len == 1 && *(char *) g_ptr_array_index (rec->fields, 0) == '\0';
          if (r->p >= r->end)
            r->done = TRUE;
          else
            {
              r->line++;
              r->p++;
            }
          if (!empty)
            return rec;
          g_clear_pointer (&rec, csv_record_free);
          if (r->done)
            return NULL;
          continue;
        }
      g_string_append_c (r->field, c);
      r->p++;
    }
}

typedef enum {
  COL_PATIENT,
  COL_TEST,
  COL_VALUE,
  COL_UNIT,
  COL_ULN,
  COL_RANGE,
  COL_DATE,
  COL_ULN_UNIT,
  N_COLS
} ColumnKind;

static const char *const column_aliases[N_COLS][16] = {
  [COL_PATIENT] = { "patient", "patientid", "screeningid", "screeningnumber", "screeningno",
                    "subject", "subjectid", "subjectnumber", "pid", NULL },
  [COL_TEST]    = { "test", "testcode", "code", "analyte", "testname", "lab", "item", "itemcode",
                    "itemname", "parameter", "loinc", NULL },
  [COL_VALUE]   = { "value", "result", "resultvalue", "numericresult", NULL },
  [COL_UNIT]    = { "unit", "units", "resultunit", NULL },
  [COL_ULN]     = { "uln", "upperlimit", "upperlimitofnormal", "refhigh", "referencehigh",
                    "normalhigh", "high", "refupper", "upper", NULL },
  [COL_RANGE]   = { "referencerange", "refrange", "normalrange", "range", "reference",
                    "referenceinterval", NULL },
  [COL_DATE]    = { "date", "sampledate", "collectiondate", "collected", "specimendate",
                    "collectedat", "collectiontime", "sampletime", "drawn", "drawndate",
                    "sampledatetime", "collectiondatetime", NULL },
  [COL_ULN_UNIT] = { "ulnunit", "ulnunits", "upperlimitunit", "refunit", "referenceunit",
                     "rangeunit", "referencerangeunit", "normalunit", NULL },
};

static const char *const column_labels[N_COLS] = {
  "patient", "test", "value", "unit", "uln", "reference range", "date", "uln unit",
};

/* Why an accepted row deserves a look, or NULL (see ParasolLabImportRow.flag). */
static char *
row_flag (ParasolProtocol        *protocol,
          const ParasolLabDef    *lab,
          const ParasolLabResult *r,
          const char             *range,
          const char             *uln_unit,
          const GDate            *today)
{
  g_autoptr(GString) why = g_string_new (NULL);
  const char *name = parasol_protocol_translate (lab->name);
  int window = parasol_protocol_get_window_days (protocol, lab->window);

#define WHY(...) G_STMT_START { \
    if (why->len > 0) \
      g_string_append (why, "; "); \
    g_string_append_printf (why, __VA_ARGS__); \
  } G_STMT_END

  if (lab->needs_uln && isnan (r->uln))
    WHY (_("%s has no ULN: its ratio to the ULN for eligibility stays undecided until one is recorded"),
         name);
  if (range != NULL && !isnan (r->uln))
    WHY (_("ULN read from the reference range “%s”"), range);
  if (uln_unit != NULL)
    WHY (_("ULN converted from %s"), uln_unit);
  if (!isnan (r->uln) && r->uln > 0 && r->value > r->uln)
    {
      g_autofree char *ratio = parasol_protocol_format_number (r->value / r->uln);
      WHY (_("%s above the ULN (%s × ULN)"), name, ratio);
    }
  if (window > 0 && g_date_valid (&r->date) &&
      g_date_days_between (&r->date, today) > window)
    {
      char d[PARASOL_DATE_BUF_SIZE];
      WHY (g_dngettext (GETTEXT_PACKAGE,
                        "sampled %s, older than the %d-day validity window: it cannot count for screening today",
                        "sampled %s, older than the %d-day validity window: it cannot count for screening today",
                        window),
           parasol_date_format (&r->date, d, sizeof d), window);
    }
#undef WHY
  return why->len > 0 ? g_strdup (why->str) : NULL;
}

static char *
header_key (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (s, g_ascii_tolower (*p));
  return g_string_free (s, FALSE);
}

static const char *
field_at (CsvRecord *rec,
          int        col)
{
  if (col < 0 || (guint) col >= rec->fields->len)
    return "";
  return g_ptr_array_index (rec->fields, col);
}

static gboolean
parse_number_field (const char *text,
                    char        delim,
                    double     *value)
{
  g_autofree char *s = g_strstrip (g_strdup (text));

  /* A decimal comma, where the comma is not the delimiter; then the one strict parser: no hex,
   * no "nan", no trailing text. */
  if (delim != ',')
    g_strdelimit (s, ",", '.');
  return parasol_parse_double (s, value, NULL);
}

/* The upper bound of "3.5 - 9.5", "0–40", "<40", "≤ 1.2" */
static gboolean
parse_range_upper (const char *text,
                   char        delim,
                   double     *upper)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  const char *seps[] = { "–", "—", " - ", "-", "~", "to", NULL };
  char *hi = NULL;

  if (*s == '\0')
    return FALSE;
  if (g_str_has_prefix (s, "<=") || g_str_has_prefix (s, "≤"))
    hi = s + (s[0] == '<' ? 2 : strlen ("≤"));
  else if (s[0] == '<')
    hi = s + 1;
  else
    for (guint i = 0; seps[i] != NULL && hi == NULL; i++)
      {
        /* skip a leading minus sign of the lower bound */
        char *at = strstr (s + 1, seps[i]);
        if (at != NULL)
          hi = at + strlen (seps[i]);
      }
  if (hi == NULL)
    return FALSE;
  return parse_number_field (hi, delim, upper);
}

/* "2025-03-10", "2025/03/10", "2025-03-10 08:30", "2025-03-10T08:30:00" */
static gboolean
parse_date_field (const char *text,
                  GDate      *date,
                  GError    **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text));

  if (strlen (s) >= 10 && (s[10] == '\0' || s[10] == ' ' || s[10] == 'T'))
    {
      s[10] = '\0';
      if (s[4] == '/' && s[7] == '/')
        s[4] = s[7] = '-';
    }
  if (parasol_date_parse_iso (s, date))
    return TRUE;
  g_set_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_ROWS,
               _("“%s” is not a valid date; write it as YYYY-MM-DD."), s);
  return FALSE;
}

/* A key that is equal for two results the importer treats as the same one */
static char *
result_key (gint64                  patient_id,
            const ParasolLabResult *r)
{
  char v[G_ASCII_DTOSTR_BUF_SIZE], u[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (v, sizeof v, "%.9g", r->value);
  if (isnan (r->uln))
    g_strlcpy (u, "-", sizeof u);
  else
    g_ascii_formatd (u, sizeof u, "%.9g", r->uln);
  return g_strdup_printf ("%" G_GINT64_FORMAT "|%s|%u|%s|%s", patient_id, r->lab,
                          g_date_valid (&r->date) ? g_date_get_julian (&r->date) : 0, v, u);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

typedef struct {
  ParasolStore     *store;
  ParasolProtocol  *protocol;
  GHashTable       *patients;    /* key as written -> patient id (0: unknown, error kept) */
  GHashTable       *seen;        /* result_key -> NULL: results recorded or read */
  GHashTable       *loaded;      /* gint64* patient id whose stored results are in @seen */
} Lookup;

static gint64
lookup_patient (Lookup      *l,
                const char  *key,
                GError     **error)
{
  gpointer found;
  gint64 id;

  if (g_hash_table_lookup_extended (l->patients, key, NULL, &found))
    {
      id = (gint64) GPOINTER_TO_SIZE (found);
      if (id == 0)
        g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                     _("No patient “%s”; add the patient first"), key);
      return id;
    }
  id = parasol_store_find_patient (l->store, key, error);
  g_hash_table_insert (l->patients, g_strdup (key), GSIZE_TO_POINTER ((gsize) id));
  if (id == 0)
    return 0;

  /* The patient's stored results, once, for the duplicate check */
  if (!g_hash_table_contains (l->loaded, &id))
    {
      g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (l->store, id, error);
      gint64 *k;

      if (facts == NULL)
        return 0;
      for (guint j = 0; facts->labs != NULL && j < facts->labs->len; j++)
        g_hash_table_add (l->seen, result_key (id, g_ptr_array_index (facts->labs, j)));
      k = g_new (gint64, 1);
      *k = id;
      g_hash_table_add (l->loaded, k);
    }
  return id;
}

ParasolLabImport *
parasol_lab_import_parse (ParasolStore          *store,
                          ParasolProtocol       *protocol,
                          const char            *text,
                          gsize                  length,
                          const char            *filename,
                          ParasolLabImportFlags  flags,
                          GError               **error)
{
  g_autoptr(ParasolLabImport) import = NULL;
  g_auto(CsvReader) reader = { 0 };
  g_autoptr(CsvRecord) header = NULL;
  g_autoptr(GError) syntax_error = NULL;
  CsvRecord *next;
  g_autoptr(GHashTable) unknown = NULL;
  g_autoptr(GString) problems = NULL;
  Lookup l = { 0 };
  const char *p, *end;
  int cols[N_COLS];
  guint n_problems = 0;
  char delim;
  GDate today;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  g_return_val_if_fail (protocol != NULL, NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  parasol_date_set_today (&today);

  if (filename == NULL)
    filename = "CSV";
  if (memchr (text, '\0', length) != NULL || !g_utf8_validate_len (text, length, NULL))
    {
      g_set_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_NOT_TEXT,
                   _("%s is not UTF-8 text; export it from the laboratory system as UTF-8 CSV"),
                   filename);
      return NULL;
    }
  p = text;
  end = text + length;
  if (length >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  delim = csv_detect_delimiter (p, end);
  csv_reader_init (&reader, p, end, delim, filename);
  header = csv_next (&reader, error);
  if (header == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_SYNTAX,
                     _("%s is empty"), filename);
      return NULL;
    }

  /* Header */
  for (int k = 0; k < N_COLS; k++)
    cols[k] = -1;
  for (guint i = 0; i < header->fields->len; i++)
    {
      g_autofree char *key = header_key (g_ptr_array_index (header->fields, i));

      for (int k = 0; k < N_COLS; k++)
        for (guint a = 0; column_aliases[k][a] != NULL; a++)
          if (cols[k] < 0 && g_str_equal (key, column_aliases[k][a]))
            cols[k] = (int) i;
    }
  {
    const ColumnKind required[] = { COL_PATIENT, COL_TEST, COL_VALUE, COL_UNIT, COL_DATE };
    g_autoptr(GString) missing = g_string_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (required); i++)
      if (cols[required[i]] < 0)
        g_string_append_printf (missing, "%s%s", missing->len ? ", " : "",
                                column_labels[required[i]]);
    if (missing->len > 0)
      {
        g_set_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_SYNTAX,
                     _("%s:%d: the header lacks the column(s) %s; expected patient, test, value, "
                       "unit, date and uln or reference range (for example: screening_id,"
                       "test_code,value,unit,uln,sample_date)"),
                     filename, header->line, missing->str);
        return NULL;
      }
  }

  import = g_new0 (ParasolLabImport, 1);
  import->filename = g_strdup (filename);
  import->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) import_row_free);
  import->unknown_tests = g_ptr_array_new_with_free_func (g_free);
  unknown = g_hash_table_new (g_str_hash, g_str_equal);
  problems = g_string_new (NULL);
  l.store = store;
  l.protocol = protocol;
  l.patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  l.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  l.loaded = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  /* Every row is read and checked; nothing is written here. */
  while ((next = csv_next (&reader, &syntax_error)) != NULL)
    {
      g_autoptr(CsvRecord) rec = next;
      g_autofree char *unit = g_strstrip (g_strdup (field_at (rec, cols[COL_UNIT])));
      g_autofree char *patient_key = g_strstrip (g_strdup (field_at (rec, cols[COL_PATIENT])));
      g_autofree char *test_key = g_strstrip (g_strdup (field_at (rec, cols[COL_TEST])));
      g_autofree char *value_trim = g_strstrip (g_strdup (field_at (rec, cols[COL_VALUE])));
      g_autoptr(GError) row_error = NULL;
      g_autoptr(ParasolLabResult) result = NULL;
      g_autofree char *key = NULL;
      const ParasolLabDef *lab;
      ParasolLabEntry entry;
      ParasolLabImportRow *row;
      gint64 patient_id;
      double value, uln = NAN;
      gboolean uln_from_range = FALSE;
      g_autofree char *range_text = NULL;
      g_autofree char *uln_unit = NULL;

#define ROW_PROBLEM(...) G_STMT_START { \
          n_problems++; \
          if (n_problems <= MAX_LISTED_PROBLEMS) \
            { \
              g_autofree char *m__ = g_strdup_printf (__VA_ARGS__); \
              g_string_append_printf (problems, "%s%s:%d: %s", problems->len ? "\n" : "", \
                                      filename, rec->line, m__); \
            } \
        } G_STMT_END

      lab = parasol_protocol_find_lab_by_code (protocol, test_key);
      if (lab == NULL)
        {
          if (flags & PARASOL_LAB_IMPORT_STRICT)
            ROW_PROBLEM (_("the test “%s” is not one this protocol uses"), test_key);
          else
            {
              import->skipped++;
              if (!g_hash_table_contains (unknown, test_key))
                {
                  char *copy = g_strdup (test_key);
                  g_ptr_array_add (import->unknown_tests, copy);
                  g_hash_table_add (unknown, copy);
                }
            }
          continue;
        }

      if (*patient_key == '\0')
        {
          ROW_PROBLEM (_("no patient"));
          continue;
        }
      patient_id = lookup_patient (&l, patient_key, &row_error);
      if (patient_id == 0)
        {
          ROW_PROBLEM ("%s", row_error ? row_error->message : _("unknown patient"));
          continue;
        }

      if (value_trim[0] == '<' || value_trim[0] == '>')
        {
          ROW_PROBLEM (_("%s “%s” is censored (below or above the measurable range); enter it by hand"),
                       lab->name, value_trim);
          continue;
        }
      if (lab->qualitative)
        {
          if (!parasol_lab_def_parse_value (lab, value_trim, &value, &row_error))
            {
              ROW_PROBLEM ("%s", row_error->message);
              continue;
            }
          if (*unit == '\0')
            {
              g_free (unit);
              unit = g_strdup (lab->unit);
            }
        }
      else if (!parse_number_field (value_trim, delim, &value))
        {
          ROW_PROBLEM (_("%s: “%s” is not a number"), lab->name, value_trim);
          continue;
        }
      if (cols[COL_ULN] >= 0)
        {
          g_autofree char *uln_s = g_strstrip (g_strdup (field_at (rec, cols[COL_ULN])));

          if (*uln_s && !parse_number_field (uln_s, delim, &uln))
            {
              ROW_PROBLEM (_("%s: the ULN “%s” is not a number"), lab->name, uln_s);
              continue;
            }
        }
      if (isnan (uln) && cols[COL_RANGE] >= 0)
        {
          const char *range = field_at (rec, cols[COL_RANGE]);

          uln_from_range = *range != '\0';
          g_free (range_text);
          range_text = g_strdup (range);
          if (*range && !parse_range_upper (range, delim, &uln))
            {
              ROW_PROBLEM (_("%s: cannot read the upper limit from the reference range “%s”"),
                           lab->name, range);
              continue;
            }
        }

      parasol_lab_entry_init (&entry);
      entry.lab = lab->id;
      entry.value = value;
      entry.unit = unit;
      entry.uln = uln;
      if (cols[COL_ULN_UNIT] >= 0)
        {
          uln_unit = g_strstrip (g_strdup (field_at (rec, cols[COL_ULN_UNIT])));
          if (*uln_unit == '\0')
            g_clear_pointer (&uln_unit, g_free);
          else if (isnan (uln))
            {
              ROW_PROBLEM (_("%s: a ULN unit “%s” without a ULN"), lab->name, uln_unit);
              continue;
            }
          entry.uln_unit = uln_unit;
        }
      if (!parse_date_field (field_at (rec, cols[COL_DATE]), &entry.date, &row_error))
        {
          ROW_PROBLEM ("%s", row_error->message);
          continue;
        }
      result = parasol_lab_entry_check (protocol, &entry, NULL, &row_error);
      if (result == NULL)
        {
          ROW_PROBLEM ("%s", row_error->message);
          continue;
        }

      /* A result already stored (re-importing the same export) or twice in the file */
      key = result_key (patient_id, result);
      if (!g_hash_table_add (l.seen, g_steal_pointer (&key)))
        {
          import->duplicates++;
          continue;
        }

      row = g_new0 (ParasolLabImportRow, 1);
      row->line = rec->line;
      row->patient_id = patient_id;
      row->patient_key = g_strdup (patient_key);
      row->flag = row_flag (protocol, lab, result, uln_from_range ? range_text : NULL,
                            uln_unit != NULL && g_strcmp0 (uln_unit, unit) != 0 ? uln_unit : NULL,
                            &today);
      if (row->flag != NULL)
        import->flagged++;
      row->result = g_steal_pointer (&result);
      g_ptr_array_add (import->rows, row);
#undef ROW_PROBLEM
    }

  import->n_patients = g_hash_table_size (l.loaded);
  g_hash_table_unref (l.patients);
  g_hash_table_unref (l.seen);
  g_hash_table_unref (l.loaded);
  g_ptr_array_sort (import->unknown_tests, compare_strings);

  if (syntax_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&syntax_error));
      return NULL;
    }
  if (n_problems > 0)
    {
      if (n_problems > MAX_LISTED_PROBLEMS)
        g_string_append_printf (problems, "\n%s", _("… and more"));
      g_string_append_printf (problems, "\n%s",
                              _("Nothing was imported; correct the file and import it again."));
      g_set_error_literal (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_ROWS,
                           problems->str);
      return NULL;
    }

  return g_steal_pointer (&import);
}

gboolean
parasol_lab_import_commit (ParasolStore      *store,
                           ParasolLabImport  *import,
                           GError           **error)
{
  g_autofree char *basename = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (PARASOL_IS_STORE (store), FALSE);
  g_return_val_if_fail (import != NULL && !import->committed, FALSE);

  basename = g_path_get_basename (import->filename);
  if (!parasol_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < import->rows->len; i++)
    {
      ParasolLabImportRow *row = g_ptr_array_index (import->rows, i);
      g_autofree char *reason = g_strdup_printf (_("imported from %s, line %d"), basename, row->line);
      gint64 id = parasol_store_add_lab (store, row->patient_id, row->result, reason, &local);

      if (id == 0)
        {
          parasol_store_rollback (store);
          for (guint j = 0; j < i; j++)
            ((ParasolLabImportRow *) g_ptr_array_index (import->rows, j))->result->id = 0;
          g_set_error (error, PARASOL_LAB_IMPORT_ERROR, PARASOL_LAB_IMPORT_ERROR_WRITE,
                       _("%s:%d: %s\nNothing was imported."), import->filename, row->line,
                       local->message);
          return FALSE;
        }
      row->result->id = id;
    }
  if (!parasol_store_commit (store, error))
    {
      parasol_store_rollback (store);
      return FALSE;
    }
  import->committed = TRUE;
  return TRUE;
}

ParasolLabImport *
parasol_lab_import_file (ParasolStore          *store,
                         ParasolProtocol       *protocol,
                         const char            *path,
                         ParasolLabImportFlags  flags,
                         GError               **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(ParasolLabImport) import = NULL;
  gsize len = 0;

  contents = parasol_lab_import_read (path, &len, error);
  if (contents == NULL)
    return NULL;
  import = parasol_lab_import_parse (store, protocol, contents, len, path, flags, error);
  if (import == NULL)
    return NULL;
  if (!parasol_lab_import_commit (store, import, error))
    return NULL;
  return g_steal_pointer (&import);
}
