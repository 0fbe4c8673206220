/* test-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/nesting", test_json_nesting);
  g_test_add_func ("/json/escaping", test_json_escaping);
  g_test_add_func ("/json/numbers", test_json_numbers);
  return g_test_run ();
}
