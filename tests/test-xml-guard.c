/* test-xml-guard.c — the pre-scan every outside XML file passes, and the parser's own defences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>

#include "cli-helpers.h"
#include "parasol-xml-guard.h"

static const ParasolXmlLimits limits = {
  .max_bytes = 1024 * 1024,
  .max_elements = 1000,
  .max_attributes = 8,
  .max_depth = 16,
  .max_text = 4096,
};

static gboolean
check (const char  *xml,
       int         *line,
       GError     **error)
{
  return parasol_xml_guard_check (xml, strlen (xml), &limits, "t.xml", line, error);
}

static void
assert_refused (const char *xml,
                int         code,
                int         expected_line,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  int line = -1;

  if (check (xml, &line, &error))
    g_error ("accepted: %.200s", xml);
  g_assert_error (error, PARASOL_XML_GUARD_ERROR, code);
  g_assert_cmpint (line, ==, expected_line);
  cli_assert_contains (error->message, message);
}

static void
assert_accepted (const char *xml)
{
  g_autoptr(GError) error = NULL;

  if (!check (xml, NULL, &error))
    g_error ("refused: %s\n%.200s", error->message, xml);
}

static void
test_declarations (void)
{
  assert_accepted ("<?xml version=\"1.0\"?>\n<!-- <!DOCTYPE x> in a comment -->\n"
                   "<a><![CDATA[<!ENTITY y \"z\">]]></a>\n");
  assert_refused ("<?xml version=\"1.0\"?>\n<!-- fine -->\n<!DOCTYPE a [\n<!ENTITY e \"x\">]>\n<a/>",
                  PARASOL_XML_GUARD_ERROR_DECLARATION, 3, "t.xml:3: document type declarations "
                  "and entities (<!DOCTYPE) are not allowed");
  assert_refused ("<a>\n<!ENTITY e \"x\"></a>", PARASOL_XML_GUARD_ERROR_DECLARATION, 2, "<!ENTITY");
  assert_refused ("", PARASOL_XML_GUARD_ERROR_EMPTY, 0, "empty");
}

static void
test_caps (void)
{
  g_autoptr(GString) xml = g_string_new ("<a");

  /* Attributes: '=' and '>' inside quoted values do not count or end the tag. */
  for (int i = 0; i < 8; i++)
    g_string_append_printf (xml, " a%d=\"x=y>z\"", i);
  g_string_append (xml, "/>");
  assert_accepted (xml->str);
  g_string_truncate (xml, xml->len - 2);
  g_string_append (xml, " extra='1'/>");
  assert_refused (xml->str, PARASOL_XML_GUARD_ERROR_TOO_LARGE, 1, "more than 8 attributes");

  /* Depth: self-closing elements do not nest. */
  g_string_assign (xml, "");
  for (int i = 0; i < 16; i++)
    g_string_append (xml, "<a>");
  g_string_append (xml, "<b/><b/>");
  for (int i = 0; i < 16; i++)
    g_string_append (xml, "</a>");
  assert_accepted (xml->str);
  g_string_assign (xml, "");
  for (int i = 0; i < 17; i++)
    g_string_append (xml, "<a>\n");
  assert_refused (xml->str, PARASOL_XML_GUARD_ERROR_TOO_LARGE, 17, "nested more than 16 deep");

  /* Elements. */
  g_string_assign (xml, "<r>");
  for (int i = 0; i < 1000; i++)
    g_string_append (xml, "<e/>");
  g_string_append (xml, "</r>");
  assert_refused (xml->str, PARASOL_XML_GUARD_ERROR_TOO_LARGE, 1, "more than 1000 elements");

  /* Text, attribute values. */
  g_string_assign (xml, "<r>\n");
  for (int i = 0; i < 4097; i++)
    g_string_append_c (xml, 'x');
  g_string_append (xml, "</r>");
  assert_refused (xml->str, PARASOL_XML_GUARD_ERROR_TOO_LARGE, 1, "a text of 4098 bytes");
  g_string_assign (xml, "<r a=\"");
  for (int i = 0; i < 4097; i++)
    g_string_append_c (xml, 'x');
  g_string_append (xml, "\"/>");
  assert_refused (xml->str, PARASOL_XML_GUARD_ERROR_TOO_LARGE, 1, "attribute value");

  /* The whole file. */
  {
    g_autofree char *big = g_malloc0 (limits.max_bytes + 2);
    g_autoptr(GError) error = NULL;

    memset (big, ' ', limits.max_bytes + 1);
    g_assert_false (parasol_xml_guard_check (big, limits.max_bytes + 1, &limits, "t.xml", NULL,
                                             &error));
    g_assert_error (error, PARASOL_XML_GUARD_ERROR, PARASOL_XML_GUARD_ERROR_TOO_LARGE);
  }
}

static void
test_encoding (void)
{
  const char nul[] = "<a>\n\n</a>";
  g_autoptr(GError) error = NULL;
  int line = 0;
  char with_nul[sizeof nul];

  memcpy (with_nul, nul, sizeof nul);
  with_nul[4] = '\0';
  g_assert_false (parasol_xml_guard_check (with_nul, sizeof nul - 1, &limits, "t.xml", &line,
                                           &error));
  g_assert_error (error, PARASOL_XML_GUARD_ERROR, PARASOL_XML_GUARD_ERROR_ENCODING);
  g_assert_cmpint (line, ==, 2);
  assert_refused ("<a>\n\n<b v=\"\xc3\x28\"/></a>", PARASOL_XML_GUARD_ERROR_ENCODING, 3,
                  "not valid UTF-8");
  assert_accepted ("<a>中文 ünïcödé</a>");
}

/* Behind the guard, the parser itself: with the safe options no external entity or DTD is
 * fetched and no entity is substituted; and the loader refuses whatever is asked of it. */
static void
test_parser_defences (void)
{
  const char *xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                    "<a>&x;</a>\n";
  const char *dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE a SYSTEM \"file:///etc/passwd\">\n<a/>\n";
  xmlExternalEntityLoader previous;
  guint refused = parasol_xml_guard_refused_count ();
  xmlDoc *doc;

  previous = parasol_xml_guard_refuse_entities ();
  doc = xmlReadMemory (xxe, strlen (xxe), "t.xml", NULL, PARASOL_XML_SAFE_OPTIONS);
  if (doc != NULL)
    {
      xmlChar *text = xmlNodeGetContent (xmlDocGetRootElement (doc));
      g_assert_null (strstr ((const char *) text, "root:"));
      xmlFree (text);
      xmlFreeDoc (doc);
    }
  doc = xmlReadMemory (dtd, strlen (dtd), "t.xml", NULL, PARASOL_XML_SAFE_OPTIONS);
  g_clear_pointer (&doc, xmlFreeDoc);
  g_assert_cmpuint (parasol_xml_guard_refused_count (), ==, refused);

  /* Were a caller to ask for the DTD and the entities, the loader still refuses. */
  doc = xmlReadMemory (xxe, strlen (xxe), "t.xml", NULL,
                       PARASOL_XML_SAFE_OPTIONS | XML_PARSE_DTDLOAD | XML_PARSE_NOENT);
  if (doc != NULL)
    {
      xmlChar *text = xmlNodeGetContent (xmlDocGetRootElement (doc));
      g_assert_null (strstr ((const char *) text, "root:"));
      xmlFree (text);
      xmlFreeDoc (doc);
    }
  g_assert_cmpuint (parasol_xml_guard_refused_count (), >, refused);
  parasol_xml_guard_restore_entities (previous);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xml-guard/declarations", test_declarations);
  g_test_add_func ("/xml-guard/caps", test_caps);
  g_test_add_func ("/xml-guard/encoding", test_encoding);
  g_test_add_func ("/xml-guard/parser-defences", test_parser_defences);

  return g_test_run ();
}
