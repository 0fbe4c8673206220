/* parasol-protocol-discontinuation.c — the protocol's list of reasons for discontinuation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * <discontinuation-reasons> in the protocol file lists why treatment may stop; one reason may
 * ask for the person's own words (specify="true", "Other (specify)").  The CLI (`event add
 * --cause`) and the window offer exactly this list.  A protocol file without the element gets
 * the defaults below, which are those of the built-in file.
 *
 * What is stored is plain text, as before the list (and as old records are, which stay
 * readable as they were written): the reason's label in the protocol file's language, then
 * ": " and the words given, if any ("Unacceptable toxicity", "Other: moved abroad").
 */
#define G_LOG_DOMAIN "parasol-protocol"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/tree.h>

#include "parasol-protocol-private.h"

static const struct { const char *id; const char *label; gboolean specify; } defaults[] = {
  { "progression", N_("Disease progression"), FALSE },
  { "toxicity", N_("Unacceptable toxicity"), FALSE },
  { "consent-withdrawn", N_("Withdrawal of consent"), FALSE },
  { "investigator", N_("Investigator decision"), FALSE },
  { "death", N_("Death"), FALSE },
  { "lost", N_("Lost to follow-up"), FALSE },
  { "other", N_("Other"), TRUE },
};

static void
reason_free (ParasolDiscontinuationReason *r)
{
  g_free (r->id);
  g_free (r->label);
  g_free (r);
}

static ParasolDiscontinuationReason *
reason_new (const char *id,
            const char *label,
            gboolean    specify)
{
  ParasolDiscontinuationReason *r = g_new0 (ParasolDiscontinuationReason, 1);

  r->id = g_strdup (id);
  r->label = g_strdup (label);
  r->specify = specify;
  return r;
}

static void
problem (GPtrArray  *problems,
         xmlNode    *node,
         const char *message)
{
  g_ptr_array_add (problems, g_strdup_printf ("%d\t%s", (int) xmlGetLineNo (node), message));
}

void
parasol_protocol_parse_discontinuation (ParasolProtocol *self,
                                        xmlNode         *node,
                                        GPtrArray       *problems)
{
  self->discontinuation_reasons =
    g_ptr_array_new_with_free_func ((GDestroyNotify) reason_free);
  if (node == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
        g_ptr_array_add (self->discontinuation_reasons,
                         reason_new (defaults[i].id, defaults[i].label, defaults[i].specify));
      return;
    }

  for (xmlNode *c = node->children; c != NULL; c = c->next)
    {
      xmlChar *id, *label, *specify;

      if (c->type != XML_ELEMENT_NODE || !xmlStrEqual (c->name, (const xmlChar *) "reason"))
        continue;
      id = xmlGetProp (c, (const xmlChar *) "id");
      label = xmlGetProp (c, (const xmlChar *) "label");
      specify = xmlGetProp (c, (const xmlChar *) "specify");
      if (id == NULL || *id == '\0' || label == NULL || *g_strstrip ((char *) label) == '\0')
        problem (problems, c, _("<reason>: give an id and a label"));
      else if (strchr ((const char *) label, ':') != NULL)
        problem (problems, c, _("<reason>: a label cannot hold “:”, which separates it from the "
                                "words given"));
      else if (parasol_protocol_find_discontinuation_reason (self, (const char *) id) != NULL)
        problem (problems, c, _("<reason>: the id is listed twice"));
      else
        g_ptr_array_add (self->discontinuation_reasons,
                         reason_new ((const char *) id, (const char *) label,
                                     specify != NULL && (xmlStrEqual (specify, (const xmlChar *) "true") ||
                                                         xmlStrEqual (specify, (const xmlChar *) "1"))));
      xmlFree (id);
      xmlFree (label);
      xmlFree (specify);
    }
  if (self->discontinuation_reasons->len == 0)
    problem (problems, node, _("<discontinuation-reasons>: list at least one reason"));
}

GPtrArray *
parasol_protocol_get_discontinuation_reasons (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);

  return self->discontinuation_reasons;
}

const ParasolDiscontinuationReason *
parasol_protocol_find_discontinuation_reason (ParasolProtocol *self,
                                              const char      *id)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);

  for (guint i = 0; self->discontinuation_reasons != NULL &&
                    i < self->discontinuation_reasons->len; i++)
    {
      const ParasolDiscontinuationReason *r = g_ptr_array_index (self->discontinuation_reasons, i);

      if (g_strcmp0 (r->id, id) == 0)
        return r;
    }
  return NULL;
}

char *
parasol_protocol_discontinuation_reason_text (ParasolProtocol  *self,
                                              const char       *id,
                                              const char       *words,
                                              GError          **error)
{
  const ParasolDiscontinuationReason *r;
  g_autofree char *given = g_strstrip (g_strdup (words != NULL ? words : ""));

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);

  r = parasol_protocol_find_discontinuation_reason (self, id);
  if (r == NULL)
    {
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; i < self->discontinuation_reasons->len; i++)
        g_string_append_printf (ids, "%s%s", i > 0 ? ", " : "",
                                ((ParasolDiscontinuationReason *)
                                 g_ptr_array_index (self->discontinuation_reasons, i))->id);
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID,
                   /* Translators: "“bored” is not a reason for discontinuation in the protocol;
                    * choose one of: progression, toxicity, ..." */
                   _("“%s” is not a reason for discontinuation in the protocol; choose one of: %s"),
                   id != NULL ? id : "", ids->str);
      return NULL;
    }
  if (r->specify && *given == '\0')
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_REASON_REQUIRED,
                   /* Translators: "Other: say what the reason is" */
                   _("%s: say what the reason is"), parasol_protocol_translate (r->label));
      return NULL;
    }
  return *given != '\0' ? g_strdup_printf ("%s: %s", r->label, given) : g_strdup (r->label);
}

char *
parasol_protocol_discontinuation_reason_label (ParasolProtocol *self,
                                               const char      *stored)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);

  if (stored == NULL)
    return NULL;
  for (guint i = 0; i < self->discontinuation_reasons->len; i++)
    {
      const ParasolDiscontinuationReason *r = g_ptr_array_index (self->discontinuation_reasons, i);
      size_t n = strlen (r->label);

      if (strncmp (stored, r->label, n) == 0 && (stored[n] == '\0' || stored[n] == ':'))
        return g_strconcat (parasol_protocol_translate (r->label), stored + n, NULL);
    }
  /* recorded before the list, or under another protocol: as written */
  return g_strdup (stored);
}
