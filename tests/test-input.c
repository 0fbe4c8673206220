/* test-input.c — strict numbers and dates, bounded reads, the XML guard and the protocol limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-helpers.h"
#include "parasol-input.h"
#include "parasol-protocol.h"
#include "parasol-xml-guard.h"

static void
test_double (void)
{
  static const struct { const char *text; double value; } good[] = {
    { "2.5", 2.5 }, { "0", 0 }, { "-1", -1 }, { "+3", 3 }, { ".5", 0.5 }, { "5.", 5 },
    { "1e3", 1000 }, { "1E-3", 0.001 }, { "-2.5e+2", -250 }, { "1e-400", 0 },
  };
  static const char *bad[] = {
    "", " 2", "2 ", "0x2", "0X1p3", "2abc", "1e400", "-1e400", "nan", "NaN", "inf", "-inf",
    "infinity", "1,5", "1.2.3", "e3", "1e", "1e+", "+", "-", ".", "--1", "2026/11/20T25:99:99garbage",
    "\xe2\x80\x8b" "2", "2\xe2\x80\x8b", "1\n", "1\t", "١٢", /* Arabic-Indic digits */
    "11111111111111111111111111111111111111111111111111111111111111111111111111111111",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      double v = NAN;

      g_assert_true (parasol_parse_double (good[i].text, &v, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (v, good[i].value, 1e-12);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      double v = 42;

      if (parasol_parse_double (bad[i], &v, &error))
        g_error ("“%s” was accepted as %g", bad[i], v);
      g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NUMBER);
      g_assert_cmpfloat (v, ==, 42);
    }
  {
    g_autoptr(GError) error = NULL;
    double v;

    g_assert_false (parasol_parse_double (NULL, &v, &error));
    g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NUMBER);
  }
}

static void
test_int64 (void)
{
  g_autoptr(GError) error = NULL;
  gint64 v = 0;
  static const char *bad[] = { "", "0x10", "1.0", "1e3", " 1", "1 ", "+", "-", "12abc", "٣" };

  g_assert_true (parasol_parse_int64 ("010", 0, 100, &v, NULL));
  g_assert_cmpint (v, ==, 10);
  g_assert_true (parasol_parse_int64 ("-5", -10, 10, &v, NULL));
  g_assert_cmpint (v, ==, -5);
  g_assert_true (parasol_parse_int64 ("9223372036854775807", G_MININT64, G_MAXINT64, &v, NULL));
  g_assert_cmpint (v, ==, G_MAXINT64);

  g_assert_false (parasol_parse_int64 ("9223372036854775808", G_MININT64, G_MAXINT64, &v, &error));
  g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (parasol_parse_int64 ("101", 0, 100, &v, &error));
  g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_RANGE);
  g_assert_nonnull (strstr (error->message, "0 to 100"));
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      v = 7;
      if (parasol_parse_int64 (bad[i], G_MININT64, G_MAXINT64, &v, &error))
        g_error ("“%s” was accepted as %" G_GINT64_FORMAT, bad[i], v);
      g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NUMBER);
      g_assert_cmpint (v, ==, 7);
      g_clear_error (&error);
    }
}

static void
test_date (void)
{
  static const char *bad[] = {
    "", "2026/11/20", "2026-11-20T25:99:99garbage", "2026-11-20T00:00:00", "2026-11-20 ",
    " 2026-11-20", "2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "20261120",
    "2026-1-20", "+026-11-20", "2026-11-2x", "２０２６-11-20", "2026-11-20\xe2\x80\x8b",
  };
  g_autoptr(GError) error = NULL;
  GDate d;

  g_assert_true (parasol_parse_date ("2024-02-29", &d, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_date_get_year (&d), ==, 2024);
  g_assert_cmpint (g_date_get_month (&d), ==, 2);
  g_assert_cmpint (g_date_get_day (&d), ==, 29);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (parasol_parse_date (bad[i], &d, &error))
        g_error ("“%s” was accepted as a date", bad[i]);
      g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_DATE);
      g_assert_nonnull (strstr (error->message, "YYYY-MM-DD"));
      g_assert_false (g_date_valid (&d));
      g_clear_error (&error);
    }
  /* A long bad value is quoted shortened in the message. */
  {
    g_autofree char *long_value = g_strnfill (5000, '9');

    g_assert_false (parasol_parse_date (long_value, &d, &error));
    g_assert_cmpuint (strlen (error->message), <, 200);
  }
}

static void
test_read_file (Fixture *f, gconstpointer data)
{
  g_autofree char *ok_path = g_build_filename (f->dir, "ok.txt", NULL);
  g_autofree char *fifo = g_build_filename (f->dir, "fifo", NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_set_contents (ok_path, "hello", 5, NULL));
  g_assert_true (parasol_input_read_file (ok_path, 5, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "hello");
  g_assert_cmpuint (len, ==, 5);
  g_free (contents);
  contents = NULL;

  /* One byte over the bound */
  g_assert_false (parasol_input_read_file (ok_path, 4, &contents, &len, &error));
  g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_TOO_LARGE);
  g_assert_null (contents);
  g_clear_error (&error);

  /* /dev/zero would never end: refused before a byte is read. */
  g_assert_false (parasol_input_read_file ("/dev/zero", 1024, &contents, &len, &error));
  g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  /* A FIFO with no writer would block open() and read(): refused at once. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (parasol_input_read_file (fifo, 1024, &contents, &len, &error));
  g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  g_assert_false (parasol_input_read_file (f->dir, 1024, &contents, &len, &error));
  g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_NOT_REGULAR);
  g_clear_error (&error);

  g_assert_false (parasol_input_read_file ("/nonexistent/file", 1024, &contents, &len, &error));
  g_assert_error (error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "/nonexistent/file"));
}

/* One element with @n attributes inside a small document. */
static char *
many_attributes (guint n)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\"?>\n<root><e");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml, " a%u=\"1\"", i);
  g_string_append (xml, "/></root>\n");
  return g_string_free (xml, FALSE);
}

static void
test_xml_guard (void)
{
  static const ParasolXmlChildLimit children[] = { { "lab", "accept", 3 }, { NULL } };
  static const ParasolXmlLimits limits = {
    .max_bytes = 4096, .max_elements = 20, .max_attributes = 4, .max_depth = 5, .max_text = 1024,
    .children = children,
  };
  static const struct { const char *xml; int code; } bad[] = {
    { "<r><e a='1' b='2' c='3' d='4' e='5'/></r>", PARASOL_XML_GUARD_ERROR_TOO_LARGE },
    /* Depth counts open elements: the sixth one, inside five. */
    { "<r><a><b><c><d><e></e></d></c></b></a></r>", PARASOL_XML_GUARD_ERROR_TOO_LARGE },
    { "<r><lab><accept/><accept/><accept/><accept/></lab></r>", PARASOL_XML_GUARD_ERROR_CHILDREN },
    { "<!DOCTYPE r [<!ENTITY x 'y'>]><r/>", PARASOL_XML_GUARD_ERROR_DECLARATION },
    { "<r><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/><x/></r>",
      PARASOL_XML_GUARD_ERROR_TOO_LARGE },
    /* Quotes do not hide attributes from the guard, '>' inside a value does not end the tag. */
    { "<r><e a='>' b=\"'\" c='\"' d='1' e='2'/></r>", PARASOL_XML_GUARD_ERROR_TOO_LARGE },
  };
  static const char *good[] = {
    "<r><e a='1' b='2' c='3' d='4'/></r>",
    "<r><lab><accept/><accept/><accept/></lab><lab><accept/><accept/><accept/></lab></r>",
    /* What comments, CDATA and PIs hold is not markup. */
    "<?xml version='1.0'?><r><!-- <e a='1' b='2' c='3' d='4' e='5'/> --><![CDATA[<x y='1' z='2' "
    "w='3' v='4' u='5'>]]><?pi a='1' b='2' c='3' d='4' e='5'?></r>",
    /* '=' in text is not an attribute */
    "<r>a=b=c=d=e=f</r>",
    /* unterminated input: left to libxml2 */
    "<r><e a='1'",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      if (parasol_xml_guard_check (bad[i].xml, strlen (bad[i].xml), &limits, "t.xml", NULL,
                                   &error))
        g_error ("the guard let through %s", bad[i].xml);
      g_assert_error (error, PARASOL_XML_GUARD_ERROR, bad[i].code);
      g_assert_true (g_str_has_prefix (error->message, "t.xml:1: "));
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!parasol_xml_guard_check (good[i], strlen (good[i]), &limits, "t.xml", NULL, &error))
        g_error ("the guard refused %s: %s", good[i], error->message);
    }
}

/* 300 000 attributes on one element: libxml2 2.9.14 needs minutes for this (quadratic); the
 * guard refuses it before libxml2 sees it. */
static void
test_protocol_many_attributes (void)
{
  g_autofree char *xml = many_attributes (300000);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;

  g_assert_cmpuint (strlen (xml), <, PARASOL_PROTOCOL_MAX_SIZE);
  protocol = parasol_protocol_new_from_data (xml, strlen (xml), "attrs.xml", &error);
  g_assert_null (protocol);
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "attrs.xml:2: "));
  g_assert_nonnull (strstr (error->message, "attributes"));
}

static char *
shipped_protocol (gsize *len)
{
  g_autofree char *path = g_build_filename (g_getenv ("PARASOL_SOURCE_ROOT"), "data", "protocols",
                                            "buttons-001.xml", NULL);
  char *xml = NULL;

  g_assert_true (g_file_get_contents (path, &xml, len, NULL));
  return xml;
}

/* The shipped protocol with @n extra units in the ANC lab. */
static char *
protocol_with_units (guint n)
{
  g_autofree char *xml = shipped_protocol (NULL);
  const char *anc = strstr (xml, "<lab id=\"anc\"");
  const char *body = anc ? strchr (strstr (anc, "window=\"lab\""), '>') : NULL;
  GString *out = g_string_new (NULL);

  g_assert_nonnull (body);
  g_string_append_len (out, xml, body + 1 - xml);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "<accept unit=\"u%u\" factor=\"1\"/>\n", i);
  g_string_append (out, body + 1);
  return g_string_free (out, FALSE);
}

static void
test_protocol_units_per_lab (void)
{
  /* The ANC lab has 7 <accept> units of its own. */
  g_autofree char *at_limit = protocol_with_units (PARASOL_PROTOCOL_MAX_UNITS_PER_LAB - 7);
  g_autofree char *over = protocol_with_units (PARASOL_PROTOCOL_MAX_UNITS_PER_LAB - 6);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolProtocol) ok = NULL;
  g_autoptr(ParasolProtocol) refused = NULL;
  const ParasolLabDef *anc;

  ok = parasol_protocol_new_from_data (at_limit, strlen (at_limit), "units.xml", &error);
  g_assert_no_error (error);
  anc = parasol_protocol_find_lab (ok, "anc");
  g_assert_cmpuint (anc->units->len, ==, PARASOL_PROTOCOL_MAX_UNITS_PER_LAB + 1 /* canonical */);

  refused = parasol_protocol_new_from_data (over, strlen (over), "units.xml", &error);
  g_assert_null (refused);
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "<accept>"));
}

/* A unit listed twice is still found (by the hash table that replaced the quadratic scan),
 * also when it differs in case only. */
static void
test_protocol_duplicate_unit (void)
{
  g_autofree char *xml = shipped_protocol (NULL);
  g_autoptr(GString) dup = g_string_new (xml);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;

  g_string_replace (dup, "<accept unit=\"G/L\" factor=\"1\"/>",
                    "<accept unit=\"G/L\" factor=\"1\"/><accept unit=\"g/l\" factor=\"1\"/>", 1);
  protocol = parasol_protocol_new_from_data (dup->str, dup->len, "dup.xml", &error);
  g_assert_null (protocol);
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_SEMANTIC);
  g_assert_nonnull (strstr (error->message, "lists the unit “g/l” twice"));
}

/* Hex, trailing text and infinities in a protocol's numbers are problems, as are dates that
 * g_date_set_parse() would guess at (the schema's types catch most; the loader's strict parser
 * is the second gate). */
static void
test_protocol_strict_values (void)
{
  static const struct { const char *from, *to, *expect; } cases[] = {
    { "plausible-max=\"100\"", "plausible-max=\"0x64\"", "0x64" },
    { "plausible-max=\"100\"", "plausible-max=\"100abc\"", "100abc" },
    { "gfr-cap=\"125\"", "gfr-cap=\"1e400\"", "1e400" },
    { "effective-date=\"2025-09-15\"", "effective-date=\"15 September 2025\"", "15 September 2025" },
  };
  g_autofree char *xml = shipped_protocol (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) bad = g_string_new (xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(ParasolProtocol) protocol = NULL;

      g_assert_cmpuint (g_string_replace (bad, cases[i].from, cases[i].to, 1), ==, 1);
      protocol = parasol_protocol_new_from_data (bad->str, bad->len, "strict.xml", &error);
      if (protocol != NULL)
        g_error ("%s was accepted", cases[i].to);
      g_assert_nonnull (strstr (error->message, cases[i].expect));
    }
}

static void
test_protocol_file_bounds (Fixture *f, gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (f->dir, "protocol.xml", NULL);
  g_autofree char *huge = g_build_filename (f->dir, "huge.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  FILE *fp;

  protocol = parasol_protocol_new_from_file ("/dev/zero", &error);
  g_assert_null (protocol);
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  protocol = parasol_protocol_new_from_file (fifo, &error);
  g_assert_null (protocol);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  /* A sparse 1 GB file: refused by its size, without reading it. */
  fp = fopen (huge, "w");
  g_assert_nonnull (fp);
  g_assert_cmpint (ftruncate (fileno (fp), 1024 * 1024 * 1024), ==, 0);
  fclose (fp);
  protocol = parasol_protocol_new_from_file (huge, &error);
  g_assert_null (protocol);
  g_assert_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "1073741824 bytes"));
}

static void
test_protocol_cache (void)
{
  gsize len = 0;
  g_autofree char *xml = shipped_protocol (&len);
  g_autoptr(ParasolProtocol) a = parasol_protocol_new_from_data (xml, len, "a.xml", NULL);
  g_autoptr(ParasolProtocol) b = parasol_protocol_new_from_data (xml, len, "a.xml", NULL);
  g_autoptr(ParasolProtocol) other_name = parasol_protocol_new_from_data (xml, len, "b.xml", NULL);
  g_autoptr(ParasolProtocol) after_clear = NULL;
  g_autoptr(GString) changed = g_string_new (xml);
  g_autoptr(ParasolProtocol) c = NULL;

  g_assert_nonnull (a);
  g_assert_true (a == b);
  g_assert_true (a != other_name);
  g_assert_cmpstr (parasol_protocol_get_filename (other_name), ==, "b.xml");

  /* One byte changed: loaded again, not served from the cache. */
  g_string_replace (changed, "version=\"1.0\" effective", "version=\"1.1\" effective", 1);
  c = parasol_protocol_new_from_data (changed->str, changed->len, "a.xml", NULL);
  g_assert_nonnull (c);
  g_assert_true (c != a);
  g_assert_cmpstr (parasol_protocol_get_version (c), ==, "1.1");

  parasol_protocol_clear_cache ();
  after_clear = parasol_protocol_new_from_data (xml, len, "a.xml", NULL);
  g_assert_true (after_clear != a);
  parasol_protocol_clear_cache ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/input/double", test_double);
  g_test_add_func ("/input/int64", test_int64);
  g_test_add_func ("/input/date", test_date);
  g_test_add ("/input/read-file", Fixture, NULL, fixture_set_up, test_read_file, fixture_tear_down);
  g_test_add_func ("/input/xml-guard", test_xml_guard);
  g_test_add_func ("/input/protocol/many-attributes", test_protocol_many_attributes);
  g_test_add_func ("/input/protocol/units-per-lab", test_protocol_units_per_lab);
  g_test_add_func ("/input/protocol/duplicate-unit", test_protocol_duplicate_unit);
  g_test_add_func ("/input/protocol/strict-values", test_protocol_strict_values);
  g_test_add ("/input/protocol/file-bounds", Fixture, NULL, fixture_set_up,
              test_protocol_file_bounds, fixture_tear_down);
  g_test_add_func ("/input/protocol/cache", test_protocol_cache);

  return g_test_run ();
}
