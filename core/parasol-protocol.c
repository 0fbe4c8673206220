/* parasol-protocol.c — load, validate and expose a protocol definition
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The object, lab units, biomarker thresholds, strings, constructors and getters.  Reading
 * and checking the XML (the safety gate, the RELAX NG schema, the semantic checks) is in
 * parasol-protocol-loader.c; the two share parasol-protocol-private.h.
 */
#define G_LOG_DOMAIN "parasol-protocol"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "parasol-input.h"
#include "parasol-protocol-private.h"

G_DEFINE_FINAL_TYPE (ParasolProtocol, parasol_protocol, G_TYPE_OBJECT)

G_DEFINE_QUARK (parasol-protocol-error-quark, parasol_protocol_error)

/* ---- GObject --------------------------------------------------------------------------------- */

static void
parasol_protocol_finalize (GObject *object)
{
  ParasolProtocol *self = PARASOL_PROTOCOL (object);

  g_free (self->filename);
  g_free (self->source);
  g_free (self->id);
  g_free (self->registry_id);
  g_free (self->title);
  g_free (self->sponsor);
  g_free (self->version);
  g_free (self->effective_date);
  g_free (self->trial_note);
  g_free (self->validity.note);
  g_clear_pointer (&self->labs, g_ptr_array_unref);
  g_clear_pointer (&self->plausible, g_ptr_array_unref);
  g_clear_pointer (&self->discontinuation_reasons, g_ptr_array_unref);
  g_clear_pointer (&self->criteria, g_ptr_array_unref);
  g_clear_pointer (&self->biomarkers, g_ptr_array_unref);
  g_clear_pointer (&self->arms, g_ptr_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->regimen, parasol_regimen_free);

  G_OBJECT_CLASS (parasol_protocol_parent_class)->finalize (object);
}

static void
parasol_protocol_class_init (ParasolProtocolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parasol_protocol_finalize;
}

static void
parasol_protocol_init (ParasolProtocol *self)
{
  self->labs = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_protocol_lab_def_free);
  self->criteria = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_protocol_criterion_free);
  self->biomarkers = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_protocol_biomarker_def_free);
  self->arms = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_protocol_arm_def_free);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_protocol_assignment_rule_free);
}

/* ---- Units ------------------------------------------------------------------------------------ */

/* A lenient key for matching units as laboratories write them. */
static char *
unit_key (const char *unit)
{
  GString *s = g_string_new (NULL);
  const char *p = unit ? unit : "";
  char *ret;

  while (*p)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      p = g_utf8_next_char (p);
      if (g_unichar_isspace (c))
        continue;
      switch (c)
        {
        case 0x00B5: /* µ micro sign */
        case 0x03BC: /* μ greek mu */
          g_string_append_c (s, 'u');
          break;
        case 0x00D7: /* × */
          g_string_append_c (s, 'x');
          break;
        case 0x2079: /* ⁹ */
          g_string_append (s, "^9");
          break;
        case 0x2076: /* ⁶ */
          g_string_append (s, "^6");
          break;
        case 0x00B3: /* ³ */
          g_string_append_c (s, '3');
          break;
        default:
          g_string_append_unichar (s, g_unichar_tolower (c));
        }
    }

  /* 10*9, 10e9, 10E9 -> 10^9; a leading "x" before 10^ is dropped */
  for (char *q; (q = strstr (s->str, "10*")) != NULL; )
    q[2] = '^';
  for (char *q; (q = strstr (s->str, "10e")) != NULL && g_ascii_isdigit (q[3]); )
    q[2] = '^';
  if (g_str_has_prefix (s->str, "x10^"))
    g_string_erase (s, 0, 1);
  if (g_str_has_prefix (s->str, "*10^"))
    g_string_erase (s, 0, 1);
  /* cells/mm3 == /mm3, cells/ul == /ul */
  if (g_str_has_prefix (s->str, "cells/"))
    g_string_erase (s, 0, 5);

  ret = g_string_free (s, FALSE);
  return ret;
}

static const ParasolUnitDef *
lab_find_unit (const ParasolLabDef *lab,
               const char          *unit)
{
  g_autofree char *key = unit_key (unit);

  for (guint i = 0; i < lab->units->len; i++)
    {
      const ParasolUnitDef *u = g_ptr_array_index (lab->units, i);
      g_autofree char *k = unit_key (u->unit);

      if (g_str_equal (k, key))
        return u;
    }
  return NULL;
}

gboolean
parasol_lab_def_parse_value (const ParasolLabDef  *lab,
                             const char           *text,
                             double               *value,
                             GError              **error)
{
  static const char *const negative[] = { "negative", "neg", "0", NULL };
  static const char *const positive[] = { "positive", "pos", "1", NULL };
  g_autofree char *folded = NULL;

  g_return_val_if_fail (lab != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!lab->qualitative)
    return parasol_parse_double (text, value, error);
  folded = g_ascii_strdown (text ? text : "", -1);
  if (g_strv_contains (negative, folded))
    *value = 0;
  else if (g_strv_contains (positive, folded))
    *value = 1;
  else
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                   _("“%s” is not a result of %s; write negative or positive"),
                   text ? text : "", parasol_protocol_translate (lab->name));
      return FALSE;
    }
  return TRUE;
}

char *
parasol_lab_def_accepted_units (const ParasolLabDef *lab)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (lab != NULL, NULL);

  for (guint i = 0; i < lab->units->len; i++)
    {
      const ParasolUnitDef *u = g_ptr_array_index (lab->units, i);

      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, u->unit);
    }
  return g_string_free (s, FALSE);
}

static gboolean
unknown_unit (const ParasolLabDef  *lab,
              const char           *unit,
              GError              **error)
{
  g_autofree char *accepted = parasol_lab_def_accepted_units (lab);

  g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNIT,
               _("Unknown unit '%s' for %s; accepted: %s"),
               unit ? unit : "", lab->id, accepted);
  return FALSE;
}

gboolean
parasol_lab_def_convert (const ParasolLabDef  *lab,
                         double                value,
                         const char           *from_unit,
                         const char           *to_unit,
                         double               *result,
                         GError              **error)
{
  const ParasolUnitDef *from;
  const ParasolUnitDef *to;

  g_return_val_if_fail (lab != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  from = lab_find_unit (lab, from_unit);
  if (from == NULL)
    return unknown_unit (lab, from_unit, error);
  to = to_unit ? lab_find_unit (lab, to_unit) : g_ptr_array_index (lab->units, 0);
  if (to == NULL)
    return unknown_unit (lab, to_unit, error);

  *result = value * from->factor / to->factor;
  return TRUE;
}

gboolean
parasol_lab_def_to_canonical (const ParasolLabDef  *lab,
                              double                value,
                              const char           *unit,
                              double               *canonical,
                              GError              **error)
{
  double v;

  g_return_val_if_fail (lab != NULL, FALSE);
  g_return_val_if_fail (canonical != NULL, FALSE);

  if (!isfinite (value))
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                   _("%s: the value is not a number"), parasol_protocol_translate (lab->name));
      return FALSE;
    }
  if (!parasol_lab_def_convert (lab, value, unit, lab->unit, &v, error))
    return FALSE;

  if (lab->qualitative && v != 0 && v != 1)
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                   _("%s is a negative/positive test: record it as negative or positive"),
                   parasol_protocol_translate (lab->name));
      return FALSE;
    }
  if (v < lab->plausible_min || v > lab->plausible_max)
    {
      g_autofree char *val = parasol_protocol_format_number (value);
      g_autofree char *cval = parasol_protocol_format_number (v);
      g_autofree char *lo = parasol_protocol_format_number (lab->plausible_min);
      g_autofree char *hi = parasol_protocol_format_number (lab->plausible_max);
      const ParasolUnitDef *from = lab_find_unit (lab, unit);

      if (from != NULL && from->factor != 1.0)
        g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                     /* Translators: "ANC 150000 /mm3 (150 10^9/L) is outside the plausible
                      * range 0–100 10^9/L; check for a typo" */
                     _("%s %s %s (%s %s) is outside the plausible range %s–%s %s; check for a typo"),
                     parasol_protocol_translate (lab->name), val, unit, cval, lab->unit, lo, hi, lab->unit);
      else
        g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                     /* Translators: "ANC 150 10^9/L is outside the plausible range 0–100
                      * 10^9/L; check for a typo" */
                     _("%s %s %s is outside the plausible range %s–%s %s; check for a typo"),
                     parasol_protocol_translate (lab->name), val, lab->unit, lo, hi, lab->unit);
      return FALSE;
    }

  *canonical = v;
  return TRUE;
}

/* ---- Biomarkers ------------------------------------------------------------------------------- */

double
parasol_hscore_from_intensities (double weak,
                                 double moderate,
                                 double strong)
{
  return 1.0 * weak + 2.0 * moderate + 3.0 * strong;
}

gboolean
parasol_biomarker_def_prepare (const ParasolBiomarkerDef *marker,
                               ParasolBiomarkerResult    *result,
                               GError                   **error)
{
  g_return_val_if_fail (marker != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (result->pending)
    {
      result->value = NAN;
      result->method = g_array_index (marker->thresholds, ParasolMarkerThreshold, 0).method;
      return TRUE;
    }

  if (!isnan (result->intensity[0]) || !isnan (result->intensity[1]) ||
      !isnan (result->intensity[2]))
    {
      double sum = 0;

      for (int i = 0; i < 3; i++)
        {
          if (!(result->intensity[i] >= 0 && result->intensity[i] <= 100))
            {
              g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                           _("Each intensity is a percentage of cells, 0–100 (weak, moderate, "
                             "strong)"));
              return FALSE;
            }
          sum += result->intensity[i];
        }
      if (sum > 100 + 1e-9)
        {
          g_autofree char *shown = parasol_protocol_format_number (sum);

          g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                       _("weak + moderate + strong is %s %% of cells, more than 100 %%"), shown);
          return FALSE;
        }
      result->method = PARASOL_MARKER_METHOD_HSCORE;
      result->value = parasol_hscore_from_intensities (result->intensity[0], result->intensity[1],
                                                       result->intensity[2]);
      /* A marker judged by % of tumour cells (DLL3, ASCL1, NEUROD1, MYC): the cells stained at
       * any intensity, W + M + S, rather than a refusal. */
      if (!parasol_biomarker_def_check (marker, PARASOL_MARKER_METHOD_HSCORE, result->value, NULL) &&
          parasol_biomarker_def_check (marker, PARASOL_MARKER_METHOD_PERCENT, sum, NULL))
        {
          result->method = PARASOL_MARKER_METHOD_PERCENT;
          result->value = sum;
        }
    }

  return parasol_biomarker_def_check (marker, result->method, result->value, error);
}

const ParasolMarkerThreshold *
parasol_protocol_marker_threshold (const ParasolBiomarkerDef *marker,
                  ParasolMarkerMethod        method)
{
  for (guint i = 0; i < marker->thresholds->len; i++)
    {
      const ParasolMarkerThreshold *t = &g_array_index (marker->thresholds,
                                                        ParasolMarkerThreshold, i);
      if (t->method == method)
        return t;
    }
  return NULL;
}

gboolean
parasol_biomarker_def_check (const ParasolBiomarkerDef  *marker,
                             ParasolMarkerMethod         method,
                             double                      value,
                             GError                    **error)
{
  g_return_val_if_fail (marker != NULL, FALSE);

  if (parasol_protocol_marker_threshold (marker, method) == NULL)
    {
      GString *methods = g_string_new (NULL);

      for (guint i = 0; i < marker->thresholds->len; i++)
        {
          const ParasolMarkerThreshold *t = &g_array_index (marker->thresholds,
                                                            ParasolMarkerThreshold, i);
          if (methods->len)
            g_string_append (methods, ", ");
          g_string_append (methods, parasol_marker_method_to_string (t->method));
        }
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNIT,
                   _("%s is not assessed by %s in this protocol; accepted: %s"),
                   parasol_protocol_translate (marker->name), parasol_marker_method_to_string (method), methods->str);
      g_string_free (methods, TRUE);
      return FALSE;
    }

  switch (method)
    {
    case PARASOL_MARKER_METHOD_PERCENT:
      if (!(value >= 0 && value <= 100))
        {
          g_autofree char *v = parasol_protocol_format_number (value);
          g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                       _("%s %s %% is outside 0–100 %% of tumour cells"), parasol_protocol_translate (marker->name), v);
          return FALSE;
        }
      break;
    case PARASOL_MARKER_METHOD_HSCORE:
      if (!(value >= 0 && value <= 300))
        {
          g_autofree char *v = parasol_protocol_format_number (value);
          g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                       _("%s H-score %s is outside 0–300"), parasol_protocol_translate (marker->name), v);
          return FALSE;
        }
      break;
    case PARASOL_MARKER_METHOD_AMPLIFIED:
      if (value != 0 && value != 1)
        {
          g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_RANGE,
                       _("%s amplification is yes or no"), parasol_protocol_translate (marker->name));
          return FALSE;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

gboolean
parasol_biomarker_def_is_positive (const ParasolBiomarkerDef    *marker,
                                   const ParasolBiomarkerResult *result)
{
  const ParasolMarkerThreshold *t;

  g_return_val_if_fail (marker != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (result->pending)
    return FALSE;
  t = parasol_protocol_marker_threshold (marker, result->method);
  if (t == NULL)
    return FALSE;
  if (t->method == PARASOL_MARKER_METHOD_AMPLIFIED)
    return parasol_biomarker_result_is_amplified (result);
  return parasol_compare_holds (t->op, result->value, t->value);
}

/* ---- Strings ---------------------------------------------------------------------------------- */

const char *
parasol_criterion_kind_to_string (ParasolCriterionKind kind)
{
  return kind == PARASOL_CRITERION_EXCLUSION ? "exclusion" : "inclusion";
}

const char *
parasol_evaluation_to_string (ParasolEvaluation evaluation)
{
  return evaluation == PARASOL_EVALUATION_ATTESTED ? "attested" : "computed";
}

const char *
parasol_marker_method_to_string (ParasolMarkerMethod method)
{
  switch (method)
    {
    case PARASOL_MARKER_METHOD_PERCENT:
      return "percent";
    case PARASOL_MARKER_METHOD_HSCORE:
      return "hscore";
    case PARASOL_MARKER_METHOD_AMPLIFIED:
      return "amplified";
    default:
      return "unknown";
    }
}

const char *
parasol_compare_to_symbol (ParasolCompare op)
{
  switch (op)
    {
    case PARASOL_COMPARE_LT:
      return "<";
    case PARASOL_COMPARE_LE:
      return "≤";
    case PARASOL_COMPARE_GT:
      return ">";
    case PARASOL_COMPARE_GE:
    default:
      return "≥";
    }
}

const char *
parasol_compare_to_ascii (ParasolCompare op)
{
  switch (op)
    {
    case PARASOL_COMPARE_LT:
      return "<";
    case PARASOL_COMPARE_LE:
      return "<=";
    case PARASOL_COMPARE_GT:
      return ">";
    case PARASOL_COMPARE_GE:
    default:
      return ">=";
    }
}

gboolean
parasol_compare_holds (ParasolCompare op,
                       double         value,
                       double         limit)
{
  double eps = 1e-9 * MAX (1.0, fabs (limit));

  if (isnan (value) || isnan (limit))
    return FALSE;
  switch (op)
    {
    case PARASOL_COMPARE_LT:
      return value < limit - eps;
    case PARASOL_COMPARE_LE:
      return value <= limit + eps;
    case PARASOL_COMPARE_GT:
      return value > limit + eps;
    case PARASOL_COMPARE_GE:
    default:
      return value >= limit - eps;
    }
}

char *
parasol_protocol_format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *s;
  gsize len;

  if (isnan (value))
    return g_strdup ("—");
  if (fabs (value) >= 1e6)
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3g", value));
  if (value == floor (value))
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.0f", value));
  if (fabs (value) < 0.01)
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3g", value));

  s = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3f", value));
  len = strlen (s);
  while (len > 0 && s[len - 1] == '0')
    s[--len] = '\0';
  if (len > 0 && s[len - 1] == '.')
    s[--len] = '\0';
  return s;
}

const char *
parasol_protocol_translate (const char *text)
{
  if (text == NULL || *text == '\0')
    return text;
  return g_dgettext (GETTEXT_PACKAGE, text);
}

/* ---- Constructors ----------------------------------------------------------------------------- */
ParasolProtocol *
parasol_protocol_new_from_file (const char  *path,
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  /* Refuses a device (/dev/zero), a FIFO or a folder before reading, and reads at most
   * PARASOL_PROTOCOL_MAX_SIZE + 1 bytes. */
  if (!parasol_input_read_file (path, PARASOL_PROTOCOL_MAX_SIZE, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, PARASOL_INPUT_ERROR, PARASOL_INPUT_ERROR_TOO_LARGE))
        g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_MALFORMED,
                     _("%s (protocol files are limited to %d bytes)"), local_error->message,
                     PARASOL_PROTOCOL_MAX_SIZE);
      else
        g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_NOT_FOUND,
                     _("cannot read the protocol file: %s"), local_error->message);
      return NULL;
    }

  return parasol_protocol_new_from_data (contents, len, path, error);
}

ParasolProtocol *
parasol_protocol_new_default (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data;

  bytes = parasol_protocol_lookup_resource (DEFAULT_RESOURCE, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_NOT_FOUND,
                   _("The built-in protocol is missing from this build: %s"), local_error->message);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  return parasol_protocol_new_from_data (data, len, "buttons-001.xml", error);
}

ParasolProtocol *
parasol_protocol_new_for_store (ParasolStore  *store,
                                GError       **error)
{
  g_autofree char *xml = NULL;
  g_autofree char *trial_id = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);

  if (!parasol_store_get_trial (store, &trial_id, NULL, NULL, NULL, &xml, error))
    return NULL;
  if (xml == NULL || *xml == '\0')
    {
      g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_NOT_FOUND,
                   _("The database %s holds no protocol; create the trial with “parasol-cli init”"),
                   parasol_store_get_path (store));
      return NULL;
    }
  name = g_strdup_printf ("%s (protocol of %s)", parasol_store_get_path (store),
                          trial_id ? trial_id : "trial");
  return parasol_protocol_new_from_data (xml, strlen (xml), name, error);
}

/* ---- Getters ---------------------------------------------------------------------------------- */

const char *
parasol_protocol_get_id (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->id;
}

const char *
parasol_protocol_get_registry_id (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->registry_id;
}

const char *
parasol_protocol_get_title (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->title;
}

const char *
parasol_protocol_get_sponsor (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->sponsor;
}

const char *
parasol_protocol_get_version (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->version;
}

const char *
parasol_protocol_get_effective_date (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->effective_date;
}

const char *
parasol_protocol_get_note (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->trial_note;
}

const char *
parasol_protocol_get_source (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->source;
}

const char *
parasol_protocol_get_filename (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->filename;
}

const ParasolValidity *
parasol_protocol_get_validity (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return &self->validity;
}

int
parasol_protocol_get_window_days (ParasolProtocol   *self,
                                  ParasolWindowKind  window)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), 0);
  switch (window)
    {
    case PARASOL_WINDOW_LAB:
      return self->validity.lab_days;
    case PARASOL_WINDOW_IMAGING:
      return self->validity.imaging_days;
    case PARASOL_WINDOW_NONE:
    default:
      return 0;
    }
}

GPtrArray *
parasol_protocol_get_criteria (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->criteria;
}

GPtrArray *
parasol_protocol_get_labs (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->labs;
}

GPtrArray *
parasol_protocol_get_biomarkers (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->biomarkers;
}

GPtrArray *
parasol_protocol_get_arms (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->arms;
}

GPtrArray *
parasol_protocol_get_assignment_rules (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->rules;
}

const ParasolRegimen *
parasol_protocol_get_regimen (ParasolProtocol *self)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  return self->regimen;
}

const ParasolCriterion *
parasol_protocol_find_criterion (ParasolProtocol *self,
                                 const char      *id)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  for (guint i = 0; id && i < self->criteria->len; i++)
    {
      const ParasolCriterion *c = g_ptr_array_index (self->criteria, i);
      if (g_strcmp0 (c->id, id) == 0)
        return c;
    }
  return NULL;
}

const ParasolLabDef *
parasol_protocol_find_lab (ParasolProtocol *self,
                           const char      *id)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  for (guint i = 0; id && i < self->labs->len; i++)
    {
      const ParasolLabDef *lab = g_ptr_array_index (self->labs, i);
      if (g_strcmp0 (lab->id, id) == 0)
        return lab;
    }
  return NULL;
}

const ParasolLabDef *
parasol_protocol_find_lab_by_code (ParasolProtocol *self,
                                   const char      *code)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  if (code == NULL)
    return NULL;
  key = g_utf8_casefold (code, -1);
  g_strstrip (key);

  for (guint i = 0; i < self->labs->len; i++)
    {
      const ParasolLabDef *lab = g_ptr_array_index (self->labs, i);
      g_autofree char *id = g_utf8_casefold (lab->id, -1);
      g_autofree char *name = g_utf8_casefold (lab->name, -1);
      g_autofree char *long_name = lab->long_name ? g_utf8_casefold (lab->long_name, -1) : NULL;

      if (g_str_equal (key, id) || g_str_equal (key, name) || g_strcmp0 (key, long_name) == 0)
        return lab;
      for (guint j = 0; j < lab->codes->len; j++)
        {
          g_autofree char *c = g_utf8_casefold (g_ptr_array_index (lab->codes, j), -1);
          if (g_str_equal (key, c))
            return lab;
        }
    }
  return NULL;
}

const ParasolBiomarkerDef *
parasol_protocol_find_biomarker (ParasolProtocol *self,
                                 const char      *id)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  for (guint i = 0; id && i < self->biomarkers->len; i++)
    {
      const ParasolBiomarkerDef *m = g_ptr_array_index (self->biomarkers, i);
      if (g_ascii_strcasecmp (m->id, id) == 0)
        return m;
    }
  return NULL;
}

const ParasolArmDef *
parasol_protocol_find_arm (ParasolProtocol *self,
                           const char      *id)
{
  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  for (guint i = 0; id && i < self->arms->len; i++)
    {
      const ParasolArmDef *arm = g_ptr_array_index (self->arms, i);
      if (g_strcmp0 (arm->id, id) == 0)
        return arm;
    }
  return NULL;
}

/* ---- Describing rules ------------------------------------------------------------------------- */

static void
describe_into (ParasolProtocol   *self,
               const ParasolRule *rule,
               GString           *out,
               gboolean           nested)
{
  switch (rule->type)
    {
    case PARASOL_RULE_ALL:
    case PARASOL_RULE_ANY:
      if (nested)
        g_string_append_c (out, '(');
      for (guint i = 0; i < rule->children->len; i++)
        {
          if (i > 0)
            g_string_append (out, rule->type == PARASOL_RULE_ALL ? _(" and ") : _(" or "));
          describe_into (self, g_ptr_array_index (rule->children, i), out, TRUE);
        }
      if (nested)
        g_string_append_c (out, ')');
      break;

    case PARASOL_RULE_AGE:
      if (!isnan (rule->min) && !isnan (rule->max))
        g_string_append_printf (out, _("age %d–%d years"), (int) rule->min, (int) rule->max);
      else if (!isnan (rule->min))
        g_string_append_printf (out, _("age ≥ %d years"), (int) rule->min);
      else
        g_string_append_printf (out, _("age ≤ %d years"), (int) rule->max);
      break;

    case PARASOL_RULE_ECOG:
      if (!isnan (rule->min))
        g_string_append_printf (out, _("ECOG %d–%d"), (int) rule->min, (int) rule->max);
      else
        g_string_append_printf (out, _("ECOG ≤ %d"), (int) rule->max);
      break;

    case PARASOL_RULE_LAB:
      {
        const ParasolLabDef *lab = parasol_protocol_find_lab (self, rule->ref);
        const char *name = lab ? parasol_protocol_translate (lab->name) : rule->ref;

        if (isnan (rule->times_uln))
          {
            g_autofree char *v = parasol_protocol_format_number (rule->value);
            g_string_append_printf (out, "%s %s %s %s", name, parasol_compare_to_symbol (rule->op),
                                    v, lab ? lab->display_unit : "");
          }
        else
          {
            g_autofree char *v = parasol_protocol_format_number (rule->times_uln);
            g_string_append_printf (out, "%s %s %s × ULN", name,
                                    parasol_compare_to_symbol (rule->op), v);
            if (rule->relaxed_when != NULL)
              {
                g_autofree char *r = parasol_protocol_format_number (rule->relaxed_times_uln);
                g_string_append_printf (out, _(" (%s × ULN with %s)"), r,
                                        g_str_equal (rule->relaxed_when, "liver_metastases")
                                        ? _("liver metastases") : _("tumour infiltration of the liver"));
              }
          }
        if (!rule->required)
          g_string_append (out, _(" (when measured)"));
      }
      break;

    case PARASOL_RULE_CRCL:
      {
        g_autofree char *v = parasol_protocol_format_number (rule->value);
        g_string_append_printf (out, _("Cockcroft-Gault CrCl %s %s mL/min"),
                                parasol_compare_to_symbol (rule->op), v);
      }
      break;

    case PARASOL_RULE_MARKER:
      {
        const ParasolBiomarkerDef *m = parasol_protocol_find_biomarker (self, rule->ref);
        g_string_append_printf (out, _("%s high"), m ? parasol_protocol_translate (m->name) : rule->ref);
      }
      break;

    case PARASOL_RULE_PREGNANCY_TEST:
      /* Translators: %d is a number of days */
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                "negative pregnancy test within %d day (women of childbearing potential)",
                                                "negative pregnancy test within %d days (women of childbearing potential)",
                                                (int) rule->value),
                              (int) rule->value);
      break;

    case PARASOL_RULE_TRANSFUSION_FREE:
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                "no transfusion within %d day before the samples",
                                                "no transfusion within %d days before the samples",
                                                (int) rule->value),
                              (int) rule->value);
      break;

    case PARASOL_RULE_OTHERWISE:
    default:
      g_string_append (out, _("no other arm’s rule holds"));
      break;
    }
}

char *
parasol_rule_describe (ParasolProtocol   *self,
                       const ParasolRule *rule)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (PARASOL_IS_PROTOCOL (self), NULL);
  if (rule != NULL)
    describe_into (self, rule, out, FALSE);
  return g_string_free (out, FALSE);
}

