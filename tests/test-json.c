/* test-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cli-helpers.h"
#include "parasol-json.h"

static void
test_json_nesting (void)
{
  g_autoptr(ParasolJson) j = parasol_json_new ();

  parasol_json_begin_object (j);
  parasol_json_member_string (j, "verdict", "eligible");
  parasol_json_member (j, "criteria");
  parasol_json_begin_array (j);
  parasol_json_begin_object (j);
  parasol_json_member_string (j, "id", "inc-01");
  parasol_json_member_boolean (j, "met", TRUE);
  parasol_json_end_object (j);
  parasol_json_int (j, 7);
  parasol_json_null (j);
  parasol_json_end_array (j);
  parasol_json_member_double (j, "x", 1.5);
  parasol_json_end_object (j);

  g_assert_cmpstr (parasol_json_get (j), ==,
                   "{\"verdict\": \"eligible\", \"criteria\": [{\"id\": \"inc-01\", \"met\": true}, 7, null], \"x\": 1.5}");
}

static void
test_json_escaping (void)
{
  g_autoptr(ParasolJson) j = parasol_json_new ();

  parasol_json_begin_array (j);
  parasol_json_string (j, "a\"b\\c\nd\te\x01");
  parasol_json_string (j, "中文");
  parasol_json_string (j, NULL);
  parasol_json_string (j, "bad \xff utf8");
  parasol_json_end_array (j);

  g_assert_cmpstr (parasol_json_get (j), ==,
                   "[\"a\\\"b\\\\c\\nd\\te\\u0001\", \"中文\", null, \"bad \xef\xbf\xbd utf8\"]");
}

static void
test_json_numbers (void)
{
  g_autoptr(ParasolJson) j = parasol_json_new ();

  parasol_json_begin_array (j);
  parasol_json_double (j, 575);
  parasol_json_double (j, 0.1);
  parasol_json_double (j, 1.8181);
  parasol_json_double (j, NAN);
  parasol_json_double (j, INFINITY);
  parasol_json_double (j, 8e8);
  parasol_json_end_array (j);

  g_assert_cmpstr (parasol_json_get (j), ==, "[575, 0.1, 1.8181, null, null, 800000000]");
}

/* What the writer writes, json-glib reads back: every string, however escaped. */
static void
test_json_reads_back (void)
{
  const char *strings[] = { "plain", "q\"uote", "back\\slash", "ctl\x01\x1b\x7f\b\f", "line\r\n",
                            "中文 µmol/L", "</script>" };
  g_autoptr(ParasolJson) j = parasol_json_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  parasol_json_begin_array (j);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      parasol_json_begin_object (j);
      parasol_json_member_string (j, strings[i], strings[i]);
      parasol_json_member_double (j, "x", 1.2);
      parasol_json_end_object (j);
    }
  parasol_json_end_array (j);

  root = cli_json_parse (parasol_json_get (j));
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (strings));
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (o, strings[i]), ==, strings[i]);
      g_assert_cmpfloat (json_object_get_double_member (o, "x"), ==, 1.2);
    }
  /* Unchanged text: escapes only where needed, numbers short. */
  g_assert_nonnull (strstr (parasol_json_get (j), "{\"plain\": \"plain\", \"x\": 1.2}"));
}

/* The helpers the CLI tests assert with. */
static void
test_json_test_helpers (void)
{
  const char *doc = "{\"a\": [{\"id\": \"x\", \"n\": 2, \"l\": [1, 2]}, {\"id\": \"y\", \"n\": 2.5}]}";
  g_autoptr(JsonNode) n = cli_json_member (doc, "n");

  g_assert_true (cli_json_has (doc, "{\"id\": \"x\"}"));
  g_assert_true (cli_json_has (doc, "{\"id\": \"x\", \"n\": 2}"));
  g_assert_true (cli_json_has (doc, "{\"n\": 2.0}"));
  g_assert_true (cli_json_has (doc, "{\"l\": [1, 2]}"));
  g_assert_false (cli_json_has (doc, "{\"l\": [1]}"));
  g_assert_false (cli_json_has (doc, "{\"id\": \"x\", \"n\": 2.5}"));
  g_assert_false (cli_json_has (doc, "{\"id\": \"z\"}"));
  g_assert_cmpuint (cli_json_count (doc, "{}"), ==, 3);
  g_assert_cmpuint (cli_json_count (doc, "{\"id\": \"y\"}"), ==, 1);
  g_assert_cmpint (json_node_get_int (n), ==, 2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/nesting", test_json_nesting);
  g_test_add_func ("/json/escaping", test_json_escaping);
  g_test_add_func ("/json/numbers", test_json_numbers);
  g_test_add_func ("/json/reads-back", test_json_reads_back);
  g_test_add_func ("/json/test-helpers", test_json_test_helpers);
  return g_test_run ();
}
