/* fuzz-protocol.c — libFuzzer target for the protocol loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds arbitrary bytes to parasol_protocol_new_from_data().  Whatever the input, the loader
 * must return either a protocol or a GError — never crash, hang, leak or read out of bounds.
 * A protocol that loads is also walked (every criterion described, every lab's units listed),
 * so that the semantic checks' promises are exercised too.
 *
 * Built with -Dfuzzing=true and clang (see build-aux/run-fuzz.sh).  Without libFuzzer the same
 * function is driven over the corpus and the regression files by fuzz-standalone.c, as the
 * "fuzz-replay" test of the reliability suite.
 */
#include "config.h"

#include <stdint.h>

#include "parasol-protocol.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
quiet_log (const char     *log_domain,
           GLogLevelFlags  log_level,
           const char     *message,
           gpointer        user_data)
{
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialised = FALSE;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;

  if (!initialised)
    {
      /* Warnings from libxml2 or GLib are not findings; criticals and crashes are. */
      g_log_set_handler (NULL, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                         G_LOG_LEVEL_DEBUG, quiet_log, NULL);
      initialised = TRUE;
    }

  protocol = parasol_protocol_new_from_data ((const char *) data, size, "fuzz.xml", &error);
  if (protocol == NULL)
    {
      /* A refusal must say why. */
      if (error == NULL || error->message == NULL || error->message[0] == '\0')
        __builtin_trap ();
      return 0;
    }
  if (error != NULL)
    __builtin_trap ();

  /* Walk what loaded. */
  {
    GPtrArray *criteria = parasol_protocol_get_criteria (protocol);
    GPtrArray *labs = parasol_protocol_get_labs (protocol);
    GPtrArray *rules = parasol_protocol_get_assignment_rules (protocol);

    for (guint i = 0; criteria != NULL && i < criteria->len; i++)
      {
        const ParasolCriterion *c = g_ptr_array_index (criteria, i);

        if (c->rule != NULL)
          g_free (parasol_rule_describe (protocol, c->rule));
      }
    for (guint i = 0; labs != NULL && i < labs->len; i++)
      g_free (parasol_lab_def_accepted_units (g_ptr_array_index (labs, i)));
    for (guint i = 0; rules != NULL && i < rules->len; i++)
      {
        const ParasolAssignmentRule *r = g_ptr_array_index (rules, i);

        if (r->rule != NULL)
          g_free (parasol_rule_describe (protocol, r->rule));
      }
    (void) parasol_protocol_get_regimen (protocol);
  }
  return 0;
}
