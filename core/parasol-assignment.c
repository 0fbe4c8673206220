/* parasol-assignment.c — biomarker results -> proposed arm, with the rule trace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-assignment"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "parasol-assignment.h"

G_DEFINE_QUARK (parasol-assignment-error-quark, parasol_assignment_error)

typedef enum {
  TRI_FALSE,
  TRI_TRUE,
  TRI_UNKNOWN,
} Tri;

typedef struct {
  ParasolProtocol           *protocol;
  const ParasolPatientFacts *facts;
  ParasolAssignment         *a;
} Ctx;

static void
add_unique (GPtrArray  *array,
            const char *id)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), id))
      return;
  g_ptr_array_add (array, g_strdup (id));
}

static gboolean
contains (GPtrArray  *array,
          const char *id)
{
  for (guint i = 0; id && i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), id))
      return TRUE;
  return FALSE;
}

static const char *
negate_ascii (ParasolCompare op)
{
  return op == PARASOL_COMPARE_GE ? "<" :
         op == PARASOL_COMPARE_GT ? "<=" :
         op == PARASOL_COMPARE_LE ? ">" : ">=";
}

/* "DLL3 62 % of tumour cells >= 50 %", "VIM H-score 180 >= 150", "MYC amplified" */
static char *
explain_result (const ParasolBiomarkerDef    *def,
                const ParasolMarkerThreshold *t,
                const ParasolBiomarkerResult *r,
                gboolean                      positive)
{
  g_autofree char *value = parasol_protocol_format_number (r->value);
  g_autofree char *limit = parasol_protocol_format_number (t->value);

  switch (t->method)
    {
    case PARASOL_MARKER_METHOD_PERCENT:
      /* Translators: "DLL3 62 % of tumour cells >= 50 %" */
      return g_strdup_printf (_("%s %s %% of tumour cells %s %s %%"), def->name, value,
                              positive ? parasol_compare_to_ascii (t->op) : negate_ascii (t->op),
                              limit);
    case PARASOL_MARKER_METHOD_HSCORE:
      /* Translators: "VIM H-score 180 >= 150" */
      return g_strdup_printf (_("%s H-score %s %s %s"), def->name, value,
                              positive ? parasol_compare_to_ascii (t->op) : negate_ascii (t->op),
                              limit);
    case PARASOL_MARKER_METHOD_AMPLIFIED:
    default:
      return positive ? g_strdup_printf (_("%s amplified"), def->name)
                      : g_strdup_printf (_("%s not amplified"), def->name);
    }
}

/* A marker may have a cut-off for several methods (MYC: nuclear % or amplification); it is
 * positive when the newest result of any of them is, negative when every newest result is
 * negative, and undecided while its newest result is pending or it has no usable result. */
static Tri
eval_marker (Ctx               *ctx,
             const ParasolRule *rule,
             char             **explain)
{
  const ParasolBiomarkerDef *def = parasol_protocol_find_biomarker (ctx->protocol, rule->ref);
  const ParasolBiomarkerResult *newest;
  g_autoptr(GPtrArray) positives = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) negatives = g_ptr_array_new_with_free_func (g_free);
  const ParasolBiomarkerResult *uncut = NULL;
  const ParasolMarkerThreshold *untested = NULL;
  GPtrArray *out;
  GString *text;

  if (def == NULL)
    {
      *explain = g_strdup_printf (_("%s is not defined"), rule->ref);
      return TRI_UNKNOWN;
    }

  newest = parasol_patient_facts_find_biomarker (ctx->facts, def->id);
  if (newest == NULL)
    {
      add_unique (ctx->a->missing, def->id);
      *explain = g_strdup_printf (_("%s not tested"), def->name);
      return TRI_UNKNOWN;
    }
  if (newest->pending)
    {
      add_unique (ctx->a->pending, def->id);
      *explain = g_strdup_printf (_("%s pending"), def->name);
      return TRI_UNKNOWN;
    }

  /* The newest decided result of each method that has a cut-off */
  for (guint i = 0; i < def->thresholds->len; i++)
    {
      const ParasolMarkerThreshold *t = &g_array_index (def->thresholds, ParasolMarkerThreshold, i);
      const ParasolBiomarkerResult *best = NULL;
      gboolean positive;

      for (guint j = 0; j < ctx->facts->biomarkers->len; j++)
        {
          const ParasolBiomarkerResult *r = g_ptr_array_index (ctx->facts->biomarkers, j);

          if (g_strcmp0 (r->marker, def->id) != 0 || r->pending || r->method != t->method)
            continue;
          if (best == NULL || parasol_biomarker_result_is_newer (r, best))
            best = r;
        }
      if (best == NULL)
        {
          if (untested == NULL &&
              (def->negative_needs == 0 || (def->negative_needs & (1u << t->method))))
            untested = t;
          continue;
        }
      positive = parasol_biomarker_def_is_positive (def, best);
      g_ptr_array_add (positive ? positives : negatives,
                       explain_result (def, t, best, positive));
    }

  if (positives->len == 0 && negatives->len == 0)
    {
      uncut = newest;
      add_unique (ctx->a->missing, def->id);
      *explain = g_strdup_printf (_("%s: a %s result has no cut-off in this protocol"),
                                  def->name, parasol_marker_method_to_string (uncut->method));
      return TRI_UNKNOWN;
    }

  /* Negative by one method while another the rule accepts was never done: undecided */
  if (positives->len == 0 && untested != NULL)
    {
      add_unique (ctx->a->pending, def->id);
      *explain = g_strdup_printf (_("%s: %s, but no %s result yet: undecided until it is "
                                    "reported (the protocol's negative-needs)"),
                                  def->name, (char *) g_ptr_array_index (negatives, 0),
                                  parasol_marker_method_to_string (untested->method));
      return TRI_UNKNOWN;
    }

  if (positives->len > 0)
    add_unique (ctx->a->positive, def->id);
  out = positives->len > 0 ? positives : negatives;
  text = g_string_new (NULL);
  for (guint i = 0; i < out->len; i++)
    {
      if (i > 0)
        g_string_append (text, positives->len > 0 ? _(" or ") : _(" and "));
      g_string_append (text, g_ptr_array_index (out, i));
    }
  *explain = g_string_free (text, FALSE);
  return positives->len > 0 ? TRI_TRUE : TRI_FALSE;
}

static Tri eval_rule (Ctx *ctx, const ParasolRule *rule, char **explain);

static Tri
eval_group (Ctx               *ctx,
            const ParasolRule *rule,
            char             **explain)
{
  gboolean is_all = rule->type == PARASOL_RULE_ALL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (Tri));
  gboolean any_true = FALSE, any_false = FALSE, any_unknown = FALSE;
  Tri result;
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < rule->children->len; i++)
    {
      char *text = NULL;
      Tri v = eval_rule (ctx, g_ptr_array_index (rule->children, i), &text);
      const ParasolRule *child = g_ptr_array_index (rule->children, i);

      /* Parenthesise nested groups so "a and (b or c)" reads right */
      if ((child->type == PARASOL_RULE_ALL || child->type == PARASOL_RULE_ANY) &&
          strstr (text, _(" and ")) != NULL)
        {
          char *wrapped = g_strdup_printf ("(%s)", text);
          g_free (text);
          text = wrapped;
        }
      g_ptr_array_add (texts, text);
      g_array_append_val (values, v);
      any_true |= v == TRI_TRUE;
      any_false |= v == TRI_FALSE;
      any_unknown |= v == TRI_UNKNOWN;
    }

  if (is_all)
    result = any_false ? TRI_FALSE : any_unknown ? TRI_UNKNOWN : TRI_TRUE;
  else
    result = any_true ? TRI_TRUE : any_unknown ? TRI_UNKNOWN : TRI_FALSE;

  for (guint i = 0; i < texts->len; i++)
    {
      Tri v = g_array_index (values, Tri, i);

      /* Explain what decided: for ALL false the false parts, for ANY true the true parts */
      if (result == TRI_FALSE && is_all && v != TRI_FALSE)
        continue;
      if (result == TRI_TRUE && !is_all && v != TRI_TRUE)
        continue;
      if (out->len > 0)
        g_string_append (out, _(" and "));
      g_string_append (out, g_ptr_array_index (texts, i));
    }
  *explain = g_string_free (out, FALSE);
  return result;
}

static Tri
eval_rule (Ctx               *ctx,
           const ParasolRule *rule,
           char             **explain)
{
  switch (rule->type)
    {
    case PARASOL_RULE_ALL:
    case PARASOL_RULE_ANY:
      return eval_group (ctx, rule, explain);
    case PARASOL_RULE_MARKER:
      return eval_marker (ctx, rule, explain);
    default:
      *explain = g_strdup ("");
      return TRI_UNKNOWN;
    }
}

static const char *
arm_name (ParasolProtocol *protocol,
          const char      *arm_id)
{
  const ParasolArmDef *arm = parasol_protocol_find_arm (protocol, arm_id);

  return arm && arm->name ? parasol_protocol_translate (arm->name) : arm_id;
}

static char *
arm_names (ParasolProtocol *protocol,
           GPtrArray       *ids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, arm_name (protocol, g_ptr_array_index (ids, i)));
    }
  return g_string_free (s, FALSE);
}

static char *
join_ids (GPtrArray *ids)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, g_ptr_array_index (ids, i));
    }
  return g_string_free (s, FALSE);
}

ParasolAssignment *
parasol_assignment_propose (ParasolProtocol           *protocol,
                            const ParasolPatientFacts *facts,
                            ParasolVerdict             eligibility)
{
  ParasolAssignment *a;
  GPtrArray *rules;
  g_autoptr(GPtrArray) matched = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) undecided = g_ptr_array_new_with_free_func (g_free);
  const char *otherwise_arm = NULL;
  Ctx ctx;

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), NULL);
  g_return_val_if_fail (facts != NULL, NULL);

  a = g_new0 (ParasolAssignment, 1);
  a->protocol_version = g_strdup (parasol_protocol_get_version (protocol));
  a->eligibility = eligibility;
  a->proposed = g_ptr_array_new_with_free_func (g_free);
  a->candidates = g_ptr_array_new_with_free_func (g_free);
  a->trace = g_ptr_array_new_with_free_func (g_free);
  a->pending = g_ptr_array_new_with_free_func (g_free);
  a->missing = g_ptr_array_new_with_free_func (g_free);
  a->positive = g_ptr_array_new_with_free_func (g_free);

  if (eligibility == PARASOL_VERDICT_NOT_ELIGIBLE)
    {
      g_ptr_array_add (a->trace, g_strdup (_("The patient is not eligible: no arm is proposed")));
      return a;
    }

  ctx.protocol = protocol;
  ctx.facts = facts;
  ctx.a = a;

  rules = parasol_protocol_get_assignment_rules (protocol);
  for (guint i = 0; i < rules->len; i++)
    {
      const ParasolAssignmentRule *r = g_ptr_array_index (rules, i);
      g_autofree char *explain = NULL;
      const char *name;
      Tri v;

      if (r->rule == NULL)
        continue;
      if (r->rule->type == PARASOL_RULE_OTHERWISE)
        {
          otherwise_arm = r->arm;
          continue;
        }

      v = eval_rule (&ctx, r->rule, &explain);
      name = arm_name (protocol, r->arm);
      switch (v)
        {
        case TRI_TRUE:
          add_unique (matched, r->arm);
          /* Translators: "DLL3 62 % of tumour cells >= 50 % -> DLL3 arm" */
          g_ptr_array_add (a->trace, g_strdup_printf (_("%s -> %s"), explain, name));
          break;
        case TRI_FALSE:
          g_ptr_array_add (a->trace, g_strdup_printf (_("%s -> not the %s"), explain, name));
          break;
        case TRI_UNKNOWN:
        default:
          add_unique (undecided, r->arm);
          g_ptr_array_add (a->trace, g_strdup_printf (_("%s -> %s undecided"), explain, name));
          break;
        }
    }

  if (matched->len >= 2)
    {
      g_autofree char *names = arm_names (protocol, matched);

      a->conflict = TRUE;
      for (guint i = 0; i < matched->len; i++)
        {
          add_unique (a->proposed, g_ptr_array_index (matched, i));
          add_unique (a->candidates, g_ptr_array_index (matched, i));
        }
      for (guint i = 0; i < undecided->len; i++)
        add_unique (a->candidates, g_ptr_array_index (undecided, i));
      g_ptr_array_add (a->trace,
                       g_strdup_printf (_("Conflict: several arms match (%s); the investigator chooses, with a reason"),
                                        names));
    }
  else if (undecided->len > 0 && matched->len == 1 && a->pending->len == 0)
    {
      /* One arm matches and the rest are only untested (nothing pending): propose it, say
       * which markers were not tested and which arms they could add, and let the
       * investigator confirm with a reason (parasol_assignment_check_choice()). */
      g_autofree char *markers = join_ids (a->missing);
      g_autofree char *names = arm_names (protocol, undecided);

      add_unique (a->proposed, g_ptr_array_index (matched, 0));
      add_unique (a->candidates, g_ptr_array_index (matched, 0));
      for (guint i = 0; i < undecided->len; i++)
        add_unique (a->candidates, g_ptr_array_index (undecided, i));
      g_ptr_array_add (a->trace,
                       g_strdup_printf (_("Proposed %s; not tested: %s (could also match: %s); confirming needs a reason until they are"),
                                        arm_name (protocol, g_ptr_array_index (matched, 0)),
                                        markers, names));
    }
  else if (undecided->len > 0)
    {
      GPtrArray *waiting = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *markers = NULL;
      g_autofree char *names = NULL;

      for (guint i = 0; i < matched->len; i++)
        add_unique (a->candidates, g_ptr_array_index (matched, i));
      for (guint i = 0; i < undecided->len; i++)
        add_unique (a->candidates, g_ptr_array_index (undecided, i));
      if (matched->len == 0 && otherwise_arm != NULL)
        add_unique (a->candidates, otherwise_arm);

      for (guint i = 0; i < a->pending->len; i++)
        add_unique (waiting, g_ptr_array_index (a->pending, i));
      for (guint i = 0; i < a->missing->len; i++)
        add_unique (waiting, g_ptr_array_index (a->missing, i));
      markers = join_ids (waiting);
      names = arm_names (protocol, a->candidates);
      g_ptr_array_add (a->trace,
                       g_strdup_printf (_("No proposal yet: waiting for %s (still possible: %s)"),
                                        markers, names));
      g_ptr_array_unref (waiting);
    }
  else if (matched->len == 1)
    {
      add_unique (a->proposed, g_ptr_array_index (matched, 0));
      add_unique (a->candidates, g_ptr_array_index (matched, 0));
    }
  else if (otherwise_arm != NULL)
    {
      add_unique (a->proposed, otherwise_arm);
      add_unique (a->candidates, otherwise_arm);
      g_ptr_array_add (a->trace,
                       g_strdup_printf (_("No experimental arm rule holds -> %s"),
                                        arm_name (protocol, otherwise_arm)));
    }
  else
    g_ptr_array_add (a->trace, g_strdup (_("No assignment rule holds: the investigator chooses, with a reason")));

  if (eligibility == PARASOL_VERDICT_INCOMPLETE)
    g_ptr_array_add (a->trace,
                     g_strdup (_("Screening is incomplete: the arm can be confirmed once the patient is eligible")));

  return a;
}

void
parasol_assignment_free (ParasolAssignment *assignment)
{
  if (assignment == NULL)
    return;
  g_free (assignment->protocol_version);
  g_clear_pointer (&assignment->proposed, g_ptr_array_unref);
  g_clear_pointer (&assignment->candidates, g_ptr_array_unref);
  g_clear_pointer (&assignment->trace, g_ptr_array_unref);
  g_clear_pointer (&assignment->pending, g_ptr_array_unref);
  g_clear_pointer (&assignment->missing, g_ptr_array_unref);
  g_clear_pointer (&assignment->positive, g_ptr_array_unref);
  g_free (assignment);
}

gboolean
parasol_assignment_is_proposed (const ParasolAssignment *assignment,
                                const char              *arm)
{
  g_return_val_if_fail (assignment != NULL, FALSE);
  return contains (assignment->proposed, arm);
}

char *
parasol_assignment_proposed_string (const ParasolAssignment *assignment)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (assignment != NULL, NULL);

  for (guint i = 0; i < assignment->proposed->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, g_ptr_array_index (assignment->proposed, i));
    }
  return g_string_free (s, FALSE);
}

gboolean
parasol_assignment_check_choice (ParasolProtocol          *protocol,
                                 const ParasolAssignment  *assignment,
                                 const char               *arm,
                                 const char               *reason,
                                 gboolean                 *is_override,
                                 GError                  **error)
{
  gboolean has_reason;
  gboolean proposed;

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (protocol), FALSE);
  g_return_val_if_fail (assignment != NULL, FALSE);

  if (is_override)
    *is_override = FALSE;

  if (arm == NULL || parasol_protocol_find_arm (protocol, arm) == NULL)
    {
      GString *ids = g_string_new (NULL);
      GPtrArray *arms = parasol_protocol_get_arms (protocol);

      for (guint i = 0; i < arms->len; i++)
        {
          const ParasolArmDef *def = g_ptr_array_index (arms, i);
          if (i > 0)
            g_string_append (ids, ", ");
          g_string_append (ids, def->id);
        }
      g_set_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_UNKNOWN_ARM,
                   _("Unknown arm “%s”; the protocol’s arms are: %s"), arm ? arm : "", ids->str);
      g_string_free (ids, TRUE);
      return FALSE;
    }

  if (assignment->eligibility != PARASOL_VERDICT_ELIGIBLE)
    {
      g_set_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_NOT_ELIGIBLE,
                   assignment->eligibility == PARASOL_VERDICT_NOT_ELIGIBLE
                   ? _("The patient is not eligible; no arm can be assigned")
                   : _("Screening is incomplete; complete it before assigning an arm"));
      return FALSE;
    }

  {
    g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));
    has_reason = *trimmed != '\0';
  }
  proposed = contains (assignment->proposed, arm);
  if (is_override)
    *is_override = !proposed;

  /* Confirmed without a reason only when nothing else could still match */
  if (proposed && !assignment->conflict && assignment->proposed->len == 1 &&
      assignment->candidates->len == 1)
    return TRUE;

  if (!has_reason)
    {
      g_autofree char *props = parasol_assignment_proposed_string (assignment);

      if (assignment->conflict)
        g_set_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED,
                     _("Several arms match (%s); choosing %s needs a reason"), props, arm);
      else if (assignment->proposed->len == 0)
        g_set_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED,
                     _("No arm is proposed yet (results pending); choosing %s needs a reason"), arm);
      else if (proposed)
        g_set_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED,
                     _("Some biomarkers are not tested yet; choosing %s needs a reason"), arm);
      else
        g_set_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED,
                     _("%s overrides the proposal (%s) and needs a reason"), arm, props);
      return FALSE;
    }
  return TRUE;
}
