/* parasol-protocol-loader.c — read a protocol definition into a ParasolProtocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three gates, each reporting "FILE:LINE: reason":
 *   1. well-formed XML, read without DTD, entities or network (XXE and billion laughs are refused
 *      before libxml2 sees the text), at most PARASOL_PROTOCOL_MAX_SIZE bytes, and within the
 *      element, attribute and unit limits (parasol-xml-guard.h, also before libxml2);
 *   2. the RELAX NG schema (parasol-protocol.rng, from the core GResource);
 *   3. the semantic checks a schema cannot express.
 * The object itself, and everything that reads it, is in parasol-protocol.c.
 * Gates 1 and 2 are in parasol-protocol-loader-gates.c.
 */
#define _GNU_SOURCE /* memmem */
#define G_LOG_DOMAIN "parasol-protocol"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "parasol-core-resources.h"
#include "parasol-input.h"
#include "parasol-protocol-private.h"
#include "parasol-xml-guard.h"

/* ---- Plain data ------------------------------------------------------------------------------ */

static void
rule_free (ParasolRule *rule)
{
  if (rule == NULL)
    return;
  g_clear_pointer (&rule->children, g_ptr_array_unref);
  g_free (rule->ref);
  g_strfreev (rule->refs);
  g_free (rule->relaxed_when);
  g_free (rule);
}

static ParasolRule *
rule_new (ParasolRuleType type,
          int             line)
{
  ParasolRule *rule = g_new0 (ParasolRule, 1);

  rule->type = type;
  rule->line = line;
  rule->value = NAN;
  rule->times_uln = NAN;
  rule->relaxed_times_uln = NAN;
  rule->min = NAN;
  rule->max = NAN;
  rule->required = TRUE;
  if (type == PARASOL_RULE_ALL || type == PARASOL_RULE_ANY)
    rule->children = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  return rule;
}

void
parasol_protocol_criterion_free (ParasolCriterion *c)
{
  g_free (c->id);
  g_free (c->title);
  g_free (c->text);
  rule_free (c->rule);
  g_free (c->attest_text);
  g_free (c->note);
  g_free (c);
}

static void
unit_def_free (ParasolUnitDef *u)
{
  g_free (u->unit);
  g_free (u);
}

void
parasol_protocol_lab_def_free (ParasolLabDef *lab)
{
  g_free (lab->id);
  g_free (lab->name);
  g_free (lab->long_name);
  g_free (lab->unit);
  g_free (lab->display_unit);
  g_clear_pointer (&lab->units, g_ptr_array_unref);
  g_clear_pointer (&lab->codes, g_ptr_array_unref);
  g_free (lab);
}

void
parasol_protocol_biomarker_def_free (ParasolBiomarkerDef *m)
{
  g_free (m->id);
  g_free (m->name);
  g_clear_pointer (&m->thresholds, g_array_unref);
  g_free (m->note);
  g_free (m);
}

void
parasol_protocol_arm_def_free (ParasolArmDef *arm)
{
  g_free (arm->id);
  g_free (arm->name);
  g_free (arm->description);
  g_free (arm);
}

void
parasol_protocol_assignment_rule_free (ParasolAssignmentRule *r)
{
  g_free (r->arm);
  rule_free (r->rule);
  g_free (r->note);
  g_free (r);
}

/* ---- Error collection ------------------------------------------------------------------------ */

/* Problems and MAX_PROBLEMS are in parasol-protocol-private.h. */

void
problem_add (Problems   *p,
             int         line,
             const char *format,
             ...)
{
  va_list args;

  p->count++;
  if (p->count > MAX_PROBLEMS)
    return;
  if (p->messages->len > 0)
    g_string_append_c (p->messages, '\n');
  if (line > 0)
    g_string_append_printf (p->messages, "%s:%d: ", p->filename, line);
  else
    g_string_append_printf (p->messages, "%s: ", p->filename);
  va_start (args, format);
  g_string_append_vprintf (p->messages, format, args);
  va_end (args);
}

void
problems_to_error (Problems  *p,
                   GQuark     domain,
                   int        code,
                   GError   **error)
{
  if (p->count > MAX_PROBLEMS)
    g_string_append_printf (p->messages, "\n%s: %s", p->filename,
                            _("… and more problems not shown"));
  g_set_error_literal (error, domain, code, p->messages->str);
}

/* ---- XML helpers ------------------------------------------------------------------------------ */

gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         (name == NULL || xmlStrcmp (node->name, (const xmlChar *) name) == 0);
}

static xmlNode *
first_child (xmlNode    *parent,
             const char *name)
{
  for (xmlNode *n = parent ? parent->children : NULL; n != NULL; n = n->next)
    if (is_element (n, name))
      return n;
  return NULL;
}

int
line_of (xmlNode *node)
{
  return node ? (int) xmlGetLineNo (node) : 0;
}

/* Attribute as a newly allocated string, or NULL. */
char *
prop (xmlNode    *node,
      const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
  char *ret;

  if (value == NULL)
    return NULL;
  ret = g_strdup ((const char *) value);
  xmlFree (value);
  return ret;
}

/* Collapses runs of white space (pretty-printed XML) into single spaces. */
static char *
collapse_space (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *s = text; *s; s++)
    {
      if (g_ascii_isspace (*s))
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_c (out, *s);
    }
  return g_string_free (out, FALSE);
}

static char *
node_text (xmlNode *node)
{
  xmlChar *content;
  char *ret;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  ret = collapse_space (content ? (const char *) content : "");
  xmlFree (content);
  return ret;
}

static char *
child_text (xmlNode    *parent,
            const char *name)
{
  return node_text (first_child (parent, name));
}

/* An attribute's number: XML white space around it is allowed, the rest is
 * parasol_parse_double()'s strict spelling (no hex, inf, nan or trailing text). */
static gboolean
parse_double_str (const char *str,
                  double     *out)
{
  g_autofree char *trimmed = NULL;

  if (str == NULL)
    return FALSE;
  trimmed = g_strstrip (g_strdup (str));
  return parasol_parse_double (trimmed, out, NULL);
}

/* A numeric attribute; a missing one yields @fallback, an unreadable one a problem. */
static double
prop_double (Problems   *p,
             xmlNode    *node,
             const char *name,
             double      fallback)
{
  g_autofree char *str = prop (node, name);
  double v;

  if (str == NULL)
    return fallback;
  if (!parse_double_str (str, &v))
    {
      problem_add (p, line_of (node), _("“%s” in %s=\"%s\" is not a finite number"),
                   str, name, str);
      return fallback;
    }
  return v;
}

static int
prop_int (Problems   *p,
          xmlNode    *node,
          const char *name,
          int         fallback)
{
  double v = prop_double (p, node, name, NAN);

  if (isnan (v))
    return fallback;
  if (v != floor (v) || v < G_MININT || v > G_MAXINT)
    {
      problem_add (p, line_of (node), _("%s must be a whole number"), name);
      return fallback;
    }
  return (int) v;
}

static gboolean
prop_bool (xmlNode    *node,
           const char *name,
           gboolean    fallback)
{
  g_autofree char *str = prop (node, name);

  if (str == NULL)
    return fallback;
  return g_str_equal (str, "true") || g_str_equal (str, "1");
}

static GArray *
prop_list (Problems   *p,
           xmlNode    *node,
           const char *name,
           gboolean    integers)
{
  g_autofree char *str = prop (node, name);
  g_auto(GStrv) parts = NULL;
  GArray *array;

  if (str == NULL)
    return NULL;
  array = integers ? g_array_new (FALSE, FALSE, sizeof (int))
                   : g_array_new (FALSE, FALSE, sizeof (double));
  parts = g_strsplit_set (g_strstrip (str), " \t\r\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      double v;

      if (parts[i][0] == '\0')
        continue;
      if (!parse_double_str (parts[i], &v) || (integers && v != floor (v)))
        {
          problem_add (p, line_of (node), _("“%s” in %s is not a valid number"), parts[i], name);
          continue;
        }
      if (integers)
        {
          int iv = (int) v;
          g_array_append_val (array, iv);
        }
      else
        g_array_append_val (array, v);
    }
  return array;
}

static gboolean
compare_from_string (const char     *str,
                     ParasolCompare *op)
{
  if (g_strcmp0 (str, "lt") == 0)
    *op = PARASOL_COMPARE_LT;
  else if (g_strcmp0 (str, "le") == 0)
    *op = PARASOL_COMPARE_LE;
  else if (g_strcmp0 (str, "gt") == 0)
    *op = PARASOL_COMPARE_GT;
  else if (g_strcmp0 (str, "ge") == 0)
    *op = PARASOL_COMPARE_GE;
  else
    return FALSE;
  return TRUE;
}

static ParasolWindowKind
window_from_string (const char *str)
{
  if (g_strcmp0 (str, "lab") == 0)
    return PARASOL_WINDOW_LAB;
  if (g_strcmp0 (str, "imaging") == 0)
    return PARASOL_WINDOW_IMAGING;
  return PARASOL_WINDOW_NONE;
}

/* ---- Loading: model --------------------------------------------------------------------------- */

static void
check_unique (Problems    *p,
              GHashTable  *seen,
              const char  *what,
              const char  *id,
              int          line)
{
  gpointer first;

  if (id == NULL)
    return;
  first = g_hash_table_lookup (seen, id);
  if (first != NULL)
    problem_add (p, line, _("duplicate %s id “%s” (first defined on line %d)"),
                 what, id, GPOINTER_TO_INT (first));
  else
    g_hash_table_insert (seen, g_strdup (id), GINT_TO_POINTER (MAX (line, 1)));
}

static void
require_note (Problems   *p,
              xmlNode    *node,
              const char *what)
{
  if (prop_bool (node, "configurable", FALSE) && first_child (node, "note") == NULL)
    problem_add (p, line_of (node),
                 _("%s is marked configurable but has no <note> saying why"), what);
}

static void
parse_labs (ParasolProtocol *self,
            xmlNode         *labs,
            Problems        *p)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (xmlNode *n = labs ? labs->children : NULL; n != NULL; n = n->next)
    {
      ParasolLabDef *lab;
      ParasolUnitDef *canonical;
      g_autofree char *window = NULL;
      /* The lab's units, ASCII-lowercased: one lookup per <accept>, not a scan of the list. */
      g_autoptr(GHashTable) units = NULL;

      if (!is_element (n, "lab"))
        continue;

      lab = g_new0 (ParasolLabDef, 1);
      lab->line = line_of (n);
      lab->id = prop (n, "id");
      lab->name = prop (n, "name");
      lab->long_name = prop (n, "long-name");
      lab->unit = prop (n, "unit");
      lab->display_unit = prop (n, "display-unit");
      if (lab->display_unit == NULL)
        lab->display_unit = g_strdup (lab->unit);
      lab->plausible_min = prop_double (p, n, "plausible-min", 0);
      lab->plausible_max = prop_double (p, n, "plausible-max", 0);
      lab->uln_min = prop_double (p, n, "uln-min", NAN);
      lab->uln_max = prop_double (p, n, "uln-max", NAN);
      lab->needs_uln = prop_bool (n, "needs-uln", FALSE);
      lab->qualitative = prop_bool (n, "qualitative", FALSE);
      window = prop (n, "window");
      lab->window = window ? window_from_string (window) : PARASOL_WINDOW_LAB;
      lab->units = g_ptr_array_new_with_free_func ((GDestroyNotify) unit_def_free);
      lab->codes = g_ptr_array_new_with_free_func (g_free);

      check_unique (p, seen, "lab", lab->id, lab->line);
      if (!(lab->plausible_min < lab->plausible_max))
        problem_add (p, lab->line, _("lab “%s”: plausible-min must be below plausible-max"), lab->id);
      if (isnan (lab->uln_min) != isnan (lab->uln_max) ||
          (!isnan (lab->uln_min) && !(lab->uln_min > 0 && lab->uln_min < lab->uln_max)))
        problem_add (p, lab->line, _("lab “%s”: give uln-min and uln-max together, with 0 < uln-min < "
                                     "uln-max"), lab->id);

      canonical = g_new0 (ParasolUnitDef, 1);
      canonical->unit = g_strdup (lab->unit);
      canonical->factor = 1.0;
      g_ptr_array_add (lab->units, canonical);
      units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_add (units, g_ascii_strdown (canonical->unit ? canonical->unit : "", -1));

      for (xmlNode *c = n->children; c != NULL; c = c->next)
        {
          if (is_element (c, "accept"))
            {
              ParasolUnitDef *u = g_new0 (ParasolUnitDef, 1);

              u->unit = prop (c, "unit");
              u->factor = prop_double (p, c, "factor", 1.0);
              if (!g_hash_table_add (units, g_ascii_strdown (u->unit ? u->unit : "", -1)))
                problem_add (p, line_of (c), _("lab “%s” lists the unit “%s” twice"),
                             lab->id, u->unit);
              if (!(u->factor > 0))
                problem_add (p, line_of (c), _("a unit factor must be positive"));
              g_ptr_array_add (lab->units, u);
            }
          else if (is_element (c, "code"))
            {
              char *code = node_text (c);
              g_autofree char *key = g_utf8_casefold (code, -1);

              if (g_hash_table_contains (codes, key))
                problem_add (p, line_of (c), _("test code “%s” is used by two labs"), code);
              else
                g_hash_table_add (codes, g_steal_pointer (&key));
              g_ptr_array_add (lab->codes, code);
            }
        }

      g_ptr_array_add (self->labs, lab);
    }
}

static ParasolRule *parse_rule (ParasolProtocol *self,
                                xmlNode         *node,
                                Problems        *p,
                                gboolean         markers);

static ParasolRule *
parse_rule_children (ParasolProtocol *self,
                     ParasolRuleType  type,
                     xmlNode         *node,
                     Problems        *p,
                     gboolean         markers)
{
  ParasolRule *rule = rule_new (type, line_of (node));

  for (xmlNode *c = node->children; c != NULL; c = c->next)
    {
      ParasolRule *child;

      if (!is_element (c, NULL))
        continue;
      child = parse_rule (self, c, p, markers);
      if (child != NULL)
        g_ptr_array_add (rule->children, child);
    }
  if (rule->children->len == 0)
    problem_add (p, rule->line, _("<%s> needs at least one check"), (const char *) node->name);
  return rule;
}

static ParasolRule *
parse_rule (ParasolProtocol *self,
            xmlNode         *node,
            Problems        *p,
            gboolean         markers)
{
  const char *name = (const char *) node->name;
  int line = line_of (node);
  ParasolRule *rule;

  if (g_str_equal (name, "all"))
    return parse_rule_children (self, PARASOL_RULE_ALL, node, p, markers);
  if (g_str_equal (name, "any"))
    return parse_rule_children (self, PARASOL_RULE_ANY, node, p, markers);

  if (markers)
    {
      if (g_str_equal (name, "marker"))
        {
          rule = rule_new (PARASOL_RULE_MARKER, line);
          rule->ref = prop (node, "ref");
          if (parasol_protocol_find_biomarker (self, rule->ref) == NULL)
            problem_add (p, line, _("unknown biomarker “%s”"), rule->ref);
          return rule;
        }
      if (g_str_equal (name, "otherwise"))
        return rule_new (PARASOL_RULE_OTHERWISE, line);
      problem_add (p, line, _("<%s> is not an assignment check"), name);
      return NULL;
    }

  if (g_str_equal (name, "age"))
    {
      rule = rule_new (PARASOL_RULE_AGE, line);
      rule->min = prop_double (p, node, "min", NAN);
      rule->max = prop_double (p, node, "max", NAN);
      if (isnan (rule->min) && isnan (rule->max))
        problem_add (p, line, _("<age> needs min or max"));
      if (!isnan (rule->min) && !isnan (rule->max) && rule->min > rule->max)
        problem_add (p, line, _("<age>: min is above max"));
      return rule;
    }
  if (g_str_equal (name, "ecog"))
    {
      rule = rule_new (PARASOL_RULE_ECOG, line);
      rule->min = prop_double (p, node, "min", NAN);
      rule->max = prop_double (p, node, "max", NAN);
      return rule;
    }
  if (g_str_equal (name, "crcl"))
    {
      g_autofree char *op = prop (node, "op");
      g_autofree char *unit = prop (node, "unit");

      rule = rule_new (PARASOL_RULE_CRCL, line);
      if (!compare_from_string (op, &rule->op))
        problem_add (p, line, _("unknown comparison “%s”"), op ? op : "");
      rule->value = prop_double (p, node, "value", NAN);
      if (unit == NULL)
        problem_add (p, line, _("the threshold has no unit"));
      else if (!g_str_equal (unit, "mL/min"))
        problem_add (p, line, _("creatinine clearance is in mL/min, not “%s”"), unit);
      return rule;
    }
  if (g_str_equal (name, "pregnancy-test"))
    {
      const ParasolLabDef *lab;

      rule = rule_new (PARASOL_RULE_PREGNANCY_TEST, line);
      rule->ref = prop (node, "lab");
      rule->value = prop_int (p, node, "within-days", 7);
      lab = parasol_protocol_find_lab (self, rule->ref);
      if (lab == NULL || !lab->qualitative)
        problem_add (p, line, _("<pregnancy-test> needs a qualitative lab (qualitative=\"true\"), not “%s”"),
                     rule->ref ? rule->ref : "");
      return rule;
    }
  if (g_str_equal (name, "transfusion-free"))
    {
      g_autofree char *labs = prop (node, "labs");

      rule = rule_new (PARASOL_RULE_TRANSFUSION_FREE, line);
      rule->value = prop_int (p, node, "days", 10);
      rule->refs = g_strsplit_set (labs ? labs : "", " ", -1);
      for (char **r = rule->refs; *r != NULL; r++)
        if (**r != '\0' && parasol_protocol_find_lab (self, *r) == NULL)
          problem_add (p, line, _("unknown lab “%s”; define it under <labs>"), *r);
      return rule;
    }
  if (g_str_equal (name, "lab"))
    {
      g_autofree char *op = prop (node, "op");
      g_autofree char *unit = prop (node, "unit");
      const ParasolLabDef *lab;
      double value;

      rule = rule_new (PARASOL_RULE_LAB, line);
      rule->ref = prop (node, "ref");
      rule->required = prop_bool (node, "required", TRUE);
      if (!compare_from_string (op, &rule->op))
        problem_add (p, line, _("unknown comparison “%s”"), op ? op : "");
      lab = parasol_protocol_find_lab (self, rule->ref);
      if (lab == NULL)
        {
          problem_add (p, line, _("unknown lab “%s”; define it under <labs>"),
                       rule->ref ? rule->ref : "");
          return rule;
        }

      value = prop_double (p, node, "value", NAN);
      rule->times_uln = prop_double (p, node, "times-uln", NAN);
      if (!isnan (value) && !isnan (rule->times_uln))
        problem_add (p, line, _("a lab threshold is either value+unit or times-uln, not both"));
      else if (isnan (value) && isnan (rule->times_uln))
        problem_add (p, line, _("the lab threshold needs value and unit, or times-uln"));
      else if (!isnan (value))
        {
          g_autoptr(GError) local_error = NULL;

          if (unit == NULL)
            {
              g_autofree char *v = parasol_protocol_format_number (value);
              problem_add (p, line, _("the threshold %s for lab “%s” has no unit"), v, lab->id);
            }
          else if (!parasol_lab_def_convert (lab, value, unit, lab->unit, &rule->value, &local_error))
            problem_add (p, line, "%s", local_error->message);
        }
      else if (!lab->needs_uln)
        problem_add (p, line, _("lab “%s” is compared to its ULN but does not declare needs-uln=\"true\""),
                     lab->id);

      for (xmlNode *c = node->children; c != NULL; c = c->next)
        {
          if (!is_element (c, "relaxed"))
            continue;
          if (rule->relaxed_when != NULL)
            problem_add (p, line_of (c), _("only one <relaxed> per lab check"));
          g_free (rule->relaxed_when);
          rule->relaxed_when = prop (c, "when");
          rule->relaxed_times_uln = prop_double (p, c, "times-uln", NAN);
          if (isnan (rule->times_uln))
            problem_add (p, line_of (c), _("<relaxed> applies to a times-uln threshold only"));
        }
      return rule;
    }

  problem_add (p, line, _("<%s> is not a criterion check"), name);
  return NULL;
}

static void
parse_criteria (ParasolProtocol *self,
                xmlNode         *criteria,
                Problems        *p)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (xmlNode *n = criteria ? criteria->children : NULL; n != NULL; n = n->next)
    {
      ParasolCriterion *c;
      g_autofree char *kind = NULL;
      g_autofree char *evaluation = NULL;
      g_autofree char *window = NULL;
      xmlNode *rule_node;
      xmlNode *attest_node;

      if (!is_element (n, "criterion"))
        continue;

      c = g_new0 (ParasolCriterion, 1);
      c->line = line_of (n);
      c->id = prop (n, "id");
      kind = prop (n, "kind");
      evaluation = prop (n, "evaluation");
      window = prop (n, "window");
      c->kind = g_strcmp0 (kind, "exclusion") == 0 ? PARASOL_CRITERION_EXCLUSION
                                                   : PARASOL_CRITERION_INCLUSION;
      c->evaluation = g_strcmp0 (evaluation, "attested") == 0 ? PARASOL_EVALUATION_ATTESTED
                                                              : PARASOL_EVALUATION_COMPUTED;
      c->window = window_from_string (window);
      c->title = prop (n, "title");
      c->text = child_text (n, "text");
      c->note = child_text (n, "note");
      check_unique (p, seen, "criterion", c->id, c->line);

      rule_node = first_child (n, "rule");
      if (rule_node != NULL)
        {
          xmlNode *check = first_child (rule_node, NULL);

          if (check != NULL)
            c->rule = parse_rule (self, check, p, FALSE);
        }
      attest_node = first_child (n, "attest");
      if (attest_node != NULL)
        {
          c->attest_text = node_text (attest_node);
          c->attest_required = prop_bool (attest_node, "required", TRUE);
        }

      if (c->evaluation == PARASOL_EVALUATION_COMPUTED && c->rule == NULL)
        problem_add (p, c->line, _("criterion “%s” is computed but has no <rule>"), c->id);
      if (c->evaluation == PARASOL_EVALUATION_ATTESTED && attest_node != NULL)
        problem_add (p, line_of (attest_node),
                     _("criterion “%s” is attested as a whole; <attest> is for computed criteria"),
                     c->id);

      g_ptr_array_add (self->criteria, c);
    }
}


static gboolean
marker_method_from_word (const char          *word,
                         ParasolMarkerMethod *method)
{
  static const char *const names[] = { "percent", "hscore", "amplified" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (word, names[i]))
      {
        *method = (ParasolMarkerMethod) i;
        return TRUE;
      }
  return FALSE;
}

static void
parse_biomarkers (ParasolProtocol *self,
                  xmlNode         *biomarkers,
                  Problems        *p)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (xmlNode *n = biomarkers ? biomarkers->children : NULL; n != NULL; n = n->next)
    {
      ParasolBiomarkerDef *m;

      if (!is_element (n, "biomarker"))
        continue;

      m = g_new0 (ParasolBiomarkerDef, 1);
      m->line = line_of (n);
      m->id = prop (n, "id");
      m->name = prop (n, "name");
      m->configurable = prop_bool (n, "configurable", FALSE);
      {
        g_autofree char *needs = prop (n, "negative-needs");
        g_auto(GStrv) words = needs ? g_strsplit_set (needs, " \t\n", -1) : NULL;

        for (guint w = 0; words != NULL && words[w] != NULL; w++)
          {
            ParasolMarkerMethod method;

            if (*words[w] == '\0')
              continue;
            if (!marker_method_from_word (words[w], &method))
              problem_add (p, m->line, _("biomarker “%s”: negative-needs lists “%s”; the methods "
                                         "are percent, hscore and amplified"), m->id, words[w]);
            else
              m->negative_needs |= 1u << method;
          }
      }
      m->note = child_text (n, "note");
      m->thresholds = g_array_new (FALSE, TRUE, sizeof (ParasolMarkerThreshold));
      check_unique (p, seen, "biomarker", m->id, m->line);
      require_note (p, n, m->id);

      for (xmlNode *t = n->children; t != NULL; t = t->next)
        {
          ParasolMarkerThreshold th = { 0, };
          g_autofree char *method = NULL;
          g_autofree char *op = NULL;
          g_autofree char *unit = NULL;

          if (!is_element (t, "threshold"))
            continue;
          method = prop (t, "method");
          op = prop (t, "op");
          unit = prop (t, "unit");
          if (g_strcmp0 (method, "percent") == 0)
            th.method = PARASOL_MARKER_METHOD_PERCENT;
          else if (g_strcmp0 (method, "hscore") == 0)
            th.method = PARASOL_MARKER_METHOD_HSCORE;
          else if (g_strcmp0 (method, "amplified") == 0)
            th.method = PARASOL_MARKER_METHOD_AMPLIFIED;
          else
            {
              problem_add (p, line_of (t), _("unknown biomarker method “%s”"), method ? method : "");
              continue;
            }
          if (th.method != PARASOL_MARKER_METHOD_AMPLIFIED)
            {
              if (!compare_from_string (op, &th.op))
                problem_add (p, line_of (t), _("unknown comparison “%s”"), op ? op : "");
              th.value = prop_double (p, t, "value", NAN);
              if (unit == NULL)
                problem_add (p, line_of (t), _("the threshold has no unit"));
            }
          if (parasol_protocol_marker_threshold (m, th.method) != NULL)
            problem_add (p, line_of (t), _("biomarker “%s” has two %s thresholds"),
                         m->id, method);
          g_array_append_val (m->thresholds, th);
        }

      g_ptr_array_add (self->biomarkers, m);
    }
}

static void
parse_arms (ParasolProtocol *self,
            xmlNode         *arms,
            xmlNode         *assignment,
            Problems        *p)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) reached = g_hash_table_new (g_str_hash, g_str_equal);
  guint otherwise = 0;

  for (xmlNode *n = arms ? arms->children : NULL; n != NULL; n = n->next)
    {
      ParasolArmDef *arm;

      if (!is_element (n, "arm"))
        continue;
      arm = g_new0 (ParasolArmDef, 1);
      arm->line = line_of (n);
      arm->id = prop (n, "id");
      arm->name = prop (n, "name");
      arm->description = prop (n, "description");
      check_unique (p, seen, "arm", arm->id, arm->line);
      g_ptr_array_add (self->arms, arm);
    }

  for (xmlNode *n = assignment ? assignment->children : NULL; n != NULL; n = n->next)
    {
      ParasolAssignmentRule *r;

      if (!is_element (n, "rule"))
        continue;
      r = g_new0 (ParasolAssignmentRule, 1);
      r->line = line_of (n);
      r->arm = prop (n, "arm");
      r->note = child_text (n, "note");
      for (xmlNode *c = n->children; c != NULL; c = c->next)
        if (is_element (c, NULL) && !is_element (c, "note"))
          {
            r->rule = parse_rule (self, c, p, TRUE);
            break;
          }
      if (parasol_protocol_find_arm (self, r->arm) == NULL)
        problem_add (p, r->line, _("assignment rule for unknown arm “%s”"), r->arm ? r->arm : "");
      if (r->rule == NULL)
        problem_add (p, r->line, _("assignment rule for arm “%s” has no check"), r->arm);
      else if (r->rule->type == PARASOL_RULE_OTHERWISE)
        {
          otherwise++;
          if (otherwise > 1)
            problem_add (p, r->line, _("only one assignment rule may be <otherwise/>"));
        }
      if (r->arm != NULL)
        g_hash_table_add (reached, r->arm);
      g_ptr_array_add (self->rules, r);
    }

  for (guint i = 0; i < self->arms->len; i++)
    {
      ParasolArmDef *arm = g_ptr_array_index (self->arms, i);

      if (!g_hash_table_contains (reached, arm->id))
        problem_add (p, arm->line,
                     _("arm “%s” is not reached by any assignment rule; add a <rule arm=\"%s\"> or remove the arm"),
                     arm->id, arm->id);
    }
}

static ParasolPhase
phases_from_string (const char *str)
{
  if (g_strcmp0 (str, "induction") == 0)
    return PARASOL_PHASE_INDUCTION;
  if (g_strcmp0 (str, "maintenance") == 0)
    return PARASOL_PHASE_MAINTENANCE;
  return PARASOL_PHASE_BOTH;
}

static ParasolDrug *
parse_drug (xmlNode    *n,
            Problems   *p,
            GHashTable *seen,
            int         cycle_days)
{
  ParasolDrug *drug = g_new0 (ParasolDrug, 1);
  g_autofree char *basis = prop (n, "basis");
  g_autofree char *phases = prop (n, "phases");

  drug->id = prop (n, "id");
  drug->name = prop (n, "name");
  drug->route = prop (n, "route");
  drug->unit = prop (n, "unit");
  check_unique (p, seen, "drug", drug->id, line_of (n));
  require_note (p, n, drug->id);

  if (g_strcmp0 (basis, "mg/m2") == 0)
    drug->basis = PARASOL_DOSE_BASIS_MG_PER_M2;
  else if (g_strcmp0 (basis, "auc") == 0)
    drug->basis = PARASOL_DOSE_BASIS_AUC;
  else if (g_strcmp0 (basis, "mg/kg") == 0)
    drug->basis = PARASOL_DOSE_BASIS_MG_PER_KG;
  else if (g_strcmp0 (basis, "cells") == 0)
    drug->basis = PARASOL_DOSE_BASIS_CELLS;
  else
    drug->basis = PARASOL_DOSE_BASIS_FLAT;

  drug->amount = prop_double (p, n, "amount", 0);
  drug->phases = phases_from_string (phases);
  drug->days = prop_list (p, n, "days", TRUE);
  if (drug->days == NULL)
    drug->days = g_array_new (FALSE, FALSE, sizeof (int));
  drug->maintenance_days = prop_list (p, n, "maintenance-days", TRUE);
  drug->maintenance_cycle_days = prop_int (p, n, "maintenance-cycle-days", 0);
  drug->every_n_cycles = prop_int (p, n, "every-n-cycles", 1);
  drug->round_to = prop_double (p, n, "round-to", 0);
  drug->strengths = prop_list (p, n, "strengths", FALSE);
  drug->tolerance = prop_double (p, n, "tolerance", 0.10);
  drug->max_dose = prop_double (p, n, "max-dose", 0);
  drug->dose_levels = prop_list (p, n, "dose-levels", FALSE);
  if (drug->dose_levels == NULL)
    {
      double one = 1.0;
      drug->dose_levels = g_array_new (FALSE, FALSE, sizeof (double));
      g_array_append_val (drug->dose_levels, one);
    }
  drug->configurable = prop_bool (n, "configurable", FALSE);
  drug->note = child_text (n, "note");
  drug->platinum = prop_bool (n, "platinum", FALSE);
  drug->crcl_min_ml_min = prop_double (p, n, "crcl-min", 0);
  if (!(drug->crcl_min_ml_min >= 0 && drug->crcl_min_ml_min <= 200))
    problem_add (p, line_of (n), _("drug “%s”: crcl-min must lie between 0 (none) and 200 mL/min"),
                 drug->id);

  if (drug->basis == PARASOL_DOSE_BASIS_CELLS && g_strcmp0 (drug->unit, "cells") != 0)
    problem_add (p, line_of (n), _("drug “%s” is dosed in cells; its unit must be “cells”"), drug->id);
  for (guint i = 0; i < drug->days->len; i++)
    {
      int day = g_array_index (drug->days, int, i);
      if (day > cycle_days && drug->maintenance_cycle_days == 0)
        problem_add (p, line_of (n), _("drug “%s”: day %d is beyond the %d-day cycle"),
                     drug->id, day, cycle_days);
    }
  return drug;
}

static void
parse_regimens (ParasolProtocol *self,
                xmlNode         *node,
                Problems        *p)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) arms_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ParasolRegimen *r = g_new0 (ParasolRegimen, 1);
  xmlNode *visits, *start, *dosing, *backbone, *icis;

  self->regimen = r;
  r->backbone = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_drug_free);
  r->icis = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_drug_free);
  r->arms = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_arm_regimen_free);
  if (node == NULL)
    return;

  r->cycle_days = prop_int (p, node, "cycle-days", 21);
  r->induction_cycles = prop_int (p, node, "induction-cycles", 4);
  r->maintenance_cycle_days = prop_int (p, node, "maintenance-cycle-days", r->cycle_days);
  require_note (p, node, "regimens");

  visits = first_child (node, "visits");
  r->visit_window_days = prop_int (p, visits, "window-days", 3);
  r->imaging_every_days = prop_int (p, visits, "imaging-every-days", 42);
  r->imaging_window_days = prop_int (p, visits, "imaging-window-days", 7);
  r->labs_before_days = prop_int (p, visits, "labs-before-days", 3);
  r->max_delay_days = prop_int (p, visits, "max-delay-days", 42);

  start = first_child (node, "start");
  r->start_anc_min = prop_double (p, start, "anc-min", 1.5);
  r->start_plt_min = prop_double (p, start, "plt-min", 100);

  dosing = first_child (node, "dosing");
  r->weight_change_recalc = prop_double (p, dosing, "weight-change", 0.10);
  r->gfr_cap_ml_min = prop_double (p, dosing, "gfr-cap", 125);
  r->bsa_cap_enabled = prop_bool (dosing, "bsa-cap", FALSE);
  r->bsa_cap_m2 = prop_double (p, dosing, "bsa-cap-m2", 2.0);
  r->crcl_min_creatinine_umol_l = prop_double (p, dosing, "crcl-min-creatinine-umol-l", 0);
  if (!(r->crcl_min_creatinine_umol_l >= 0 && r->crcl_min_creatinine_umol_l <= 200))
    problem_add (p, line_of (dosing), _("dosing: crcl-min-creatinine-umol-l must lie between 0 "
                                        "(off) and 200 µmol/L"));

  backbone = first_child (node, "backbone");
  r->platinums = g_ptr_array_new ();
  for (xmlNode *n = backbone ? backbone->children : NULL; n != NULL; n = n->next)
    if (is_element (n, "drug"))
      {
        ParasolDrug *drug = parse_drug (n, p, seen, r->cycle_days);

        g_ptr_array_add (r->backbone, drug);
        if (drug->platinum)
          g_ptr_array_add (r->platinums, drug);
      }
  /* The platinum chosen at enrolment: the site default must be one of the backbone's */
  if (backbone != NULL)
    require_note (p, backbone, "backbone");
  r->default_platinum = prop (backbone, "platinum-default");
  if (r->default_platinum != NULL &&
      parasol_regimen_find_platinum (r, r->default_platinum) == NULL)
    problem_add (p, line_of (backbone),
                 _("the default platinum “%s” is not a drug of the backbone marked platinum=\"true\""),
                 r->default_platinum);
  else if (r->default_platinum == NULL && r->platinums->len > 0)
    problem_add (p, line_of (backbone),
                 _("the backbone has platinum choices but no platinum-default"));

  icis = first_child (node, "icis");
  r->default_ici = prop (icis, "default");
  for (xmlNode *n = icis ? icis->children : NULL; n != NULL; n = n->next)
    if (is_element (n, "drug"))
      {
        g_ptr_array_add (r->icis, parse_drug (n, p, seen, r->cycle_days));
        if (prop_bool (n, "platinum", FALSE))
          problem_add (p, line_of (n), _("only a drug of the backbone can be a platinum choice"));
      }
  if (icis != NULL && parasol_regimen_find_ici (r, r->default_ici) == NULL)
    problem_add (p, line_of (icis), _("the default checkpoint inhibitor “%s” is not listed"),
                 r->default_ici ? r->default_ici : "");

  for (xmlNode *n = node->children; n != NULL; n = n->next)
    {
      ParasolArmRegimen *arm;

      if (!is_element (n, "arm-regimen"))
        continue;
      arm = g_new0 (ParasolArmRegimen, 1);
      arm->id = prop (n, "arm");
      arm->drugs = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_drug_free);
      check_unique (p, arms_seen, "arm-regimen", arm->id, line_of (n));
      if (parasol_protocol_find_arm (self, arm->id) == NULL)
        problem_add (p, line_of (n), _("regimen for unknown arm “%s”"), arm->id ? arm->id : "");
      for (xmlNode *d = n->children; d != NULL; d = d->next)
        if (is_element (d, "drug"))
          {
            g_ptr_array_add (arm->drugs, parse_drug (d, p, seen, r->cycle_days));
            if (prop_bool (d, "platinum", FALSE))
              problem_add (p, line_of (d), _("only a drug of the backbone can be a platinum choice"));
          }
      g_ptr_array_add (r->arms, arm);
    }

  for (guint i = 0; i < self->arms->len; i++)
    {
      ParasolArmDef *arm = g_ptr_array_index (self->arms, i);

      if (parasol_regimen_find_arm (r, arm->id) == NULL)
        problem_add (p, arm->line, _("arm “%s” has no <arm-regimen> (use an empty one for the control arm)"),
                     arm->id);
    }
}

static gboolean
build_model (ParasolProtocol *self,
             xmlDoc          *doc,
             Problems        *p,
             GError         **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);
  xmlNode *trial = first_child (root, "trial");
  xmlNode *validity = first_child (root, "validity");

  self->id = prop (trial, "id");
  self->registry_id = prop (trial, "registry");
  self->version = prop (trial, "version");
  self->effective_date = prop (trial, "effective-date");
  self->title = child_text (trial, "title");
  self->sponsor = child_text (trial, "sponsor");
  self->trial_note = child_text (trial, "note");

  self->validity.lab_days = prop_int (p, validity, "lab-days", 14);
  self->validity.imaging_days = prop_int (p, validity, "imaging-days", 28);
  self->validity.configurable = prop_bool (validity, "configurable", FALSE);
  self->validity.note = child_text (validity, "note");
  if (validity != NULL)
    require_note (p, validity, "validity");

  {
    GDate d;
    g_date_clear (&d, 1);
    if (self->effective_date != NULL)
      parasol_parse_date (self->effective_date, &d, NULL);
    if (!g_date_valid (&d))
      problem_add (p, line_of (trial), _("effective-date “%s” is not a date"),
                   self->effective_date ? self->effective_date : "");
  }

  parse_labs (self, first_child (root, "labs"), p);
  {
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

    parasol_protocol_parse_plausible (self, first_child (root, "plausible"), found);
    parasol_protocol_parse_discontinuation (self, first_child (root, "discontinuation-reasons"),
                                            found);
    for (guint i = 0; i < found->len; i++)
      {
        const char *text = g_ptr_array_index (found, i);
        problem_add (p, atoi (text), "%s", strchr (text, '\t') + 1);
      }
  }
  parse_biomarkers (self, first_child (root, "biomarkers"), p);
  parse_criteria (self, first_child (root, "criteria"), p);
  parse_arms (self, first_child (root, "arms"), first_child (root, "assignment"), p);
  parse_regimens (self, first_child (root, "regimens"), p);

  if (self->criteria->len == 0)
    problem_add (p, line_of (root), _("the protocol defines no criteria"));

  if (p->count > 0)
    {
      problems_to_error (p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_SEMANTIC, error);
      return FALSE;
    }
  return TRUE;
}


/* A loaded protocol never changes, and the window, each patient page and the CLI commands load
 * the same text again and again: keep the last few, keyed by the SHA-256 of the text and the name
 * its messages use.  Only protocols that loaded without error are kept. */
#define CACHE_SIZE 4

typedef struct {
  char            *key;
  ParasolProtocol *protocol;
} CacheEntry;

static GMutex cache_lock;
static CacheEntry cache[CACHE_SIZE];
static guint cache_next;

static char *
cache_key (const char *xml,
           gsize       len,
           const char *filename)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) xml, len);
  return g_strconcat (g_checksum_get_string (sum), " ", filename, NULL);
}

static ParasolProtocol *
cache_lookup (const char *key)
{
  ParasolProtocol *found = NULL;

  g_mutex_lock (&cache_lock);
  for (guint i = 0; i < CACHE_SIZE && found == NULL; i++)
    if (cache[i].key != NULL && g_str_equal (cache[i].key, key))
      found = g_object_ref (cache[i].protocol);
  g_mutex_unlock (&cache_lock);
  return found;
}

static void
cache_insert (const char      *key,
              ParasolProtocol *protocol)
{
  CacheEntry *e;

  g_mutex_lock (&cache_lock);
  e = &cache[cache_next];
  cache_next = (cache_next + 1) % CACHE_SIZE;
  g_free (e->key);
  g_clear_object (&e->protocol);
  e->key = g_strdup (key);
  e->protocol = g_object_ref (protocol);
  g_mutex_unlock (&cache_lock);
}

void
parasol_protocol_clear_cache (void)
{
  g_mutex_lock (&cache_lock);
  for (guint i = 0; i < CACHE_SIZE; i++)
    {
      g_clear_pointer (&cache[i].key, g_free);
      g_clear_object (&cache[i].protocol);
    }
  g_mutex_unlock (&cache_lock);
}

static ParasolProtocol *protocol_load (const char  *xml,
                                       gsize        len,
                                       const char  *filename_for_messages,
                                       GError     **error);

ParasolProtocol *
parasol_protocol_new_from_data (const char  *xml,
                                gsize        len,
                                const char  *filename_for_messages,
                                GError     **error)
{
  g_autofree char *key = NULL;
  ParasolProtocol *protocol;

  g_return_val_if_fail (xml != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len == (gsize) -1)
    len = strlen (xml);
  if (len > PARASOL_PROTOCOL_MAX_SIZE)
    return protocol_load (xml, len, filename_for_messages, error);

  key = cache_key (xml, len, filename_for_messages ? filename_for_messages : "protocol");
  protocol = cache_lookup (key);
  if (protocol != NULL)
    return protocol;
  protocol = protocol_load (xml, len, filename_for_messages, error);
  if (protocol != NULL)
    cache_insert (key, protocol);
  return protocol;
}

static ParasolProtocol *
protocol_load (const char  *xml,
               gsize        len,
               const char  *filename_for_messages,
               GError     **error)
{
  g_autoptr(ParasolProtocol) self = NULL;
  g_autoptr(GString) messages = g_string_new (NULL);
  Problems p = { 0, };
  xmlDoc *doc;
  gboolean ok;

  g_return_val_if_fail (xml != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len == (gsize) -1)
    len = strlen (xml);

  p.filename = filename_for_messages ? filename_for_messages : "protocol";
  p.messages = messages;

  if (!parasol_protocol_safety_gate (xml, len, &p, error))
    return NULL;
  if (!g_utf8_validate (xml, len, NULL))
    {
      const char *end;
      g_utf8_validate (xml, len, &end);
      problem_add (&p, parasol_protocol_line_at (xml, end - xml), _("the file is not valid UTF-8"));
      problems_to_error (&p, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED, error);
      return NULL;
    }

  doc = parasol_protocol_parse_xml (xml, len, &p, error);
  if (doc == NULL)
    return NULL;

  if (!parasol_protocol_validate_schema (doc, &p, error))
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  self = g_object_new (PARASOL_TYPE_PROTOCOL, NULL);
  self->filename = g_strdup (p.filename);
  self->source = g_strndup (xml, len);
  ok = build_model (self, doc, &p, error);
  xmlFreeDoc (doc);
  if (!ok)
    return NULL;

  return g_steal_pointer (&self);
}
