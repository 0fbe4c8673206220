/* parasol-protocol-plausible.c — the protocol's one table of plausible ranges per quantity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * <plausible> in the protocol file gives, per quantity a person types (height, weight, age, the
 * BSA cap), the range outside which a value is refused as a typo; laboratory values take their
 * lab's plausible-min/plausible-max.  `patient set`, `dose` and `lab add` (and the window) all
 * ask parasol_protocol_check_quantity(), so they never disagree.  A protocol file without the
 * element gets the defaults below, which are those of the built-in file.
 */
#define G_LOG_DOMAIN "parasol-protocol"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/tree.h>

#include "parasol-input.h"
#include "parasol-protocol-private.h"

static const ParasolPlausibleRange defaults[] = {
  { (char *) "height", (char *) "cm", 100, 250 },
  { (char *) "weight", (char *) "kg", 25, 300 },
  { (char *) "age", (char *) "years", 18, 120 },
  { (char *) "bsa-cap", (char *) "m²", 1.0, 3.0 },
};

static void
range_free (ParasolPlausibleRange *r)
{
  g_free (r->quantity);
  g_free (r->unit);
  g_free (r);
}

static gboolean
read_double (xmlNode    *node,
             const char *name,
             double     *value)
{
  xmlChar *s = xmlGetProp (node, (const xmlChar *) name);
  gboolean ok = s != NULL && parasol_parse_double ((const char *) s, value, NULL) && isfinite (*value);

  xmlFree (s);
  return ok;
}

void
parasol_protocol_parse_plausible (ParasolProtocol *self,
                                  xmlNode         *node,
                                  GPtrArray       *problems)
{
  self->plausible = g_ptr_array_new_with_free_func ((GDestroyNotify) range_free);
  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      ParasolPlausibleRange *r = g_new0 (ParasolPlausibleRange, 1);

      *r = defaults[i];
      r->quantity = g_strdup (defaults[i].quantity);
      r->unit = g_strdup (defaults[i].unit);
      g_ptr_array_add (self->plausible, r);
    }
  if (node == NULL)
    return;

  for (xmlNode *c = node->children; c != NULL; c = c->next)
    {
      xmlChar *id;
      ParasolPlausibleRange *r = NULL;
      double min, max;

      if (c->type != XML_ELEMENT_NODE || !xmlStrEqual (c->name, (const xmlChar *) "range"))
        continue;
      id = xmlGetProp (c, (const xmlChar *) "quantity");
      for (guint i = 0; id != NULL && i < self->plausible->len; i++)
        if (g_str_equal (((ParasolPlausibleRange *) g_ptr_array_index (self->plausible, i))->quantity,
                         (const char *) id))
          r = g_ptr_array_index (self->plausible, i);
      if (r == NULL)
        g_ptr_array_add (problems,
                         g_strdup_printf ("%d\t%s", (int) xmlGetLineNo (c),
                                          _("<range>: unknown quantity; use height, weight, age or bsa-cap (labs take plausible-min and plausible-max)")));
      else if (!read_double (c, "min", &min) || !read_double (c, "max", &max) || !(min > 0) || !(min < max))
        g_ptr_array_add (problems,
                         g_strdup_printf ("%d\t%s", (int) xmlGetLineNo (c),
                                          _("<range>: min and max must be positive numbers, min below max")));
      else
        {
          r->min = min;
          r->max = max;
        }
      xmlFree (id);
    }
}

const ParasolPlausibleRange *
parasol_protocol_get_plausible (ParasolProtocol *self,
                                const char      *quantity)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);

  for (guint i = 0; self->plausible != NULL && i < self->plausible->len; i++)
    {
      const ParasolPlausibleRange *r = g_ptr_array_index (self->plausible, i);

      if (g_strcmp0 (r->quantity, quantity) == 0)
        return r;
    }
  return NULL;
}

gboolean
parasol_protocol_check_quantity (ParasolProtocol  *self,
                                 const char       *quantity,
                                 double            value,
                                 GError          **error)
{
  const ParasolPlausibleRange *r;
  const ParasolLabDef *lab;
  g_autofree char *v = NULL, *lo = NULL, *hi = NULL;
  const char *unit;
  double min, max;

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), FALSE);

  r = parasol_protocol_get_plausible (self, quantity);
  lab = r == NULL ? parasol_protocol_find_lab (self, quantity) : NULL;
  if (r == NULL && lab == NULL)
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID,
                   _("The protocol gives no plausible range for “%s”"), quantity);
      return FALSE;
    }
  min = r ? r->min : lab->plausible_min;
  max = r ? r->max : lab->plausible_max;
  unit = r ? r->unit : (lab->display_unit && *lab->display_unit ? lab->display_unit : lab->unit);
  if (isfinite (value) && value >= min && value <= max)
    return TRUE;

  v = parasol_protocol_format_number (value);
  lo = parasol_protocol_format_number (min);
  hi = parasol_protocol_format_number (max);
  g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
               /* Translators: "The weight 7000 kg is outside the plausible range 25–300 kg (protocol
                * file, <plausible>); check for a typo" */
               _("The %s %s %s is outside the plausible range %s–%s %s (protocol file); check for a typo"),
               r ? quantity : parasol_protocol_translate (lab->name), isfinite (value) ? v : "—", unit,
               lo, hi, unit);
  return FALSE;
}
