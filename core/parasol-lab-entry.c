/* parasol-lab-entry.c — recording one laboratory result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "parasol-lab-entry"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "parasol-lab-entry.h"

G_DEFINE_QUARK (parasol-lab-entry-error-quark, parasol_lab_entry_error)

void
parasol_lab_entry_init (ParasolLabEntry *entry)
{
  g_return_if_fail (entry != NULL);

  entry->lab = NULL;
  entry->value = NAN;
  entry->unit = NULL;
  entry->uln = NAN;
  entry->uln_unit = NULL;
  g_date_clear (&entry->date, 1);
}

gboolean
parasol_check_past_date (const GDate  *date,
                         const GDate  *today,
                         const char   *what,
                         GError      **error)
{
  GDate now, earliest;
  char a[PARASOL_DATE_BUF_SIZE], b[PARASOL_DATE_BUF_SIZE];

  if (date == NULL || !g_date_valid (date))
    {
      g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE,
                   _("The %s has no valid date; give it as YYYY-MM-DD"), what);
      return FALSE;
    }
  if (today != NULL && g_date_valid (today))
    now = *today;
  else
    parasol_date_set_today (&now);
  g_date_clear (&earliest, 1);
  g_date_set_dmy (&earliest, 1, G_DATE_JANUARY, 1900);

  if (g_date_compare (date, &now) > 0)
    {
      g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE,
                   /* Translators: "The sample date 2027-01-05 is after today (2026-11-30): ..." */
                   _("The %s date %s is after today (%s): record what has happened, on the day it "
                     "happened; check the year"),
                   what, parasol_date_format (date, a, sizeof a),
                   parasol_date_format (&now, b, sizeof b));
      return FALSE;
    }
  if (g_date_compare (date, &earliest) < 0)
    {
      g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_DATE,
                   _("The %s date %s is before 1900; check the year"),
                   what, parasol_date_format (date, a, sizeof a));
      return FALSE;
    }
  return TRUE;
}

static const ParasolLabDef *
find_lab (ParasolProtocol  *protocol,
          const char       *key,
          GError          **error)
{
  const ParasolLabDef *lab = NULL;
  GPtrArray *labs;
  g_autoptr(GString) ids = NULL;

  if (key != NULL)
    {
      lab = parasol_protocol_find_lab (protocol, key);
      if (lab == NULL)
        lab = parasol_protocol_find_lab_by_code (protocol, key);
    }
  if (lab != NULL)
    return lab;

  ids = g_string_new (NULL);
  labs = parasol_protocol_get_labs (protocol);
  for (guint i = 0; i < labs->len; i++)
    {
      const ParasolLabDef *l = g_ptr_array_index (labs, i);
      g_string_append_printf (ids, "%s%s", i ? ", " : "", l->id);
    }
  g_set_error (error, PARASOL_PROTOCOL_ERROR, PARASOL_PROTOCOL_ERROR_UNKNOWN_ID,
               _("Unknown lab “%s”; this protocol’s labs are: %s"), key ? key : "", ids->str);
  return NULL;
}

/* The ULN of @entry in @lab's canonical unit, checked; NAN when none was given. */
static gboolean
check_uln (const ParasolLabDef   *lab,
           const ParasolLabEntry *entry,
           double                *uln,
           GError               **error)
{
  const char *uln_unit = entry->uln_unit != NULL && *entry->uln_unit ? entry->uln_unit : entry->unit;

  *uln = NAN;
  if (isnan (entry->uln))
    return TRUE;
  if (!(entry->uln > 0) || !isfinite (entry->uln))
    {
      g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_INVALID,
                   _("The upper limit of normal for %s must be above zero"), lab->name);
      return FALSE;
    }
  if (!parasol_lab_def_convert (lab, entry->uln, uln_unit, lab->unit, uln, error))
    return FALSE;

  if (!isnan (lab->uln_min) && (*uln < lab->uln_min || *uln > lab->uln_max))
    {
      g_autofree char *given = parasol_protocol_format_number (entry->uln);
      double lo = NAN, hi = NAN;
      g_autofree char *lo_s = NULL, *hi_s = NULL;

      /* The plausible range in the unit the ULN was given in, so the person can compare */
      if (!parasol_lab_def_convert (lab, lab->uln_min, lab->unit, uln_unit, &lo, NULL) ||
          !parasol_lab_def_convert (lab, lab->uln_max, lab->unit, uln_unit, &hi, NULL))
        lo = lab->uln_min, hi = lab->uln_max, uln_unit = lab->unit;
      lo_s = parasol_protocol_format_number (lo);
      hi_s = parasol_protocol_format_number (hi);
      g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_ULN,
                   /* Translators: "The ULN 21 mg/dL for Total bilirubin is not plausible: ..." */
                   _("The ULN %s %s for %s is not plausible: in %s a ULN lies between %s and %s. "
                     "It was probably written in another unit; give the ULN with its own unit "
                     "(--uln-unit UNIT), as printed on the laboratory report"),
                   given, uln_unit, lab->name, uln_unit, lo_s, hi_s);
      *uln = NAN;
      return FALSE;
    }
  if (*uln > lab->plausible_max)
    {
      g_autofree char *u = parasol_protocol_format_number (*uln);
      g_autofree char *hi = parasol_protocol_format_number (lab->plausible_max);

      g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_ULN,
                   _("The ULN %s %s for %s is above the plausible maximum %s %s; check for a typo"),
                   u, lab->unit, lab->name, hi, lab->unit);
      *uln = NAN;
      return FALSE;
    }
  return TRUE;
}

ParasolLabResult *
parasol_lab_entry_check (ParasolProtocol       *protocol,
                         const ParasolLabEntry *entry,
                         const GDate           *today,
                         GError               **error)
{
  const ParasolLabDef *lab;
  ParasolLabResult *result;
  double canonical, uln;

  g_return_val_if_fail (protocol != NULL, NULL);
  g_return_val_if_fail (entry != NULL, NULL);

  lab = find_lab (protocol, entry->lab, error);
  if (lab == NULL)
    return NULL;
  if (!isfinite (entry->value))
    {
      g_set_error (error, PARASOL_LAB_ENTRY_ERROR, PARASOL_LAB_ENTRY_ERROR_INVALID,
                   _("%s needs a numeric value"), lab->name);
      return NULL;
    }
  if (!parasol_lab_def_to_canonical (lab, entry->value, entry->unit, &canonical, error))
    return NULL;
  if (!check_uln (lab, entry, &uln, error))
    return NULL;
  if (!parasol_check_past_date (&entry->date, today, _("sample"), error))
    return NULL;

  result = parasol_lab_result_new ();
  result->lab = g_strdup (lab->id);
  result->value = canonical;
  result->unit = g_strdup (lab->unit);
  result->value_entered = entry->value;
  result->unit_entered = g_strdup (entry->unit);
  result->uln = uln;
  result->date = entry->date;
  return result;
}

gint64
parasol_lab_entry_add (ParasolStore          *store,
                       ParasolProtocol       *protocol,
                       gint64                 patient_id,
                       const ParasolLabEntry *entry,
                       const char            *reason,
                       ParasolLabResult     **result,
                       GError               **error)
{
  g_autoptr(ParasolLabResult) checked = NULL;
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_STORE (store), 0);

  checked = parasol_lab_entry_check (protocol, entry, NULL, error);
  if (checked == NULL)
    return 0;
  id = parasol_store_add_lab (store, patient_id, checked, reason, error);
  if (id == 0)
    return 0;
  checked->id = id;
  if (result != NULL)
    *result = g_steal_pointer (&checked);
  return id;
}
