/* parasol-regimen.c — freeing and looking up the plain regimen data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The structures are filled by parasol-protocol.c from the <regimens> section of the protocol
 * file; see parasol-regimen.h.
 */
#define G_LOG_DOMAIN "parasol-regimen"

#include "config.h"

#include "parasol-regimen.h"

void
parasol_drug_free (ParasolDrug *drug)
{
  if (drug == NULL)
    return;
  g_free (drug->id);
  g_free (drug->name);
  g_free (drug->route);
  g_free (drug->unit);
  g_clear_pointer (&drug->days, g_array_unref);
  g_clear_pointer (&drug->maintenance_days, g_array_unref);
  g_clear_pointer (&drug->strengths, g_array_unref);
  g_clear_pointer (&drug->dose_levels, g_array_unref);
  g_free (drug->note);
  g_free (drug);
}

void
parasol_arm_regimen_free (ParasolArmRegimen *arm)
{
  if (arm == NULL)
    return;
  g_free (arm->id);
  g_clear_pointer (&arm->drugs, g_ptr_array_unref);
  g_free (arm);
}

void
parasol_regimen_free (ParasolRegimen *regimen)
{
  if (regimen == NULL)
    return;
  g_clear_pointer (&regimen->backbone, g_ptr_array_unref);
  g_clear_pointer (&regimen->icis, g_ptr_array_unref);
  g_free (regimen->default_ici);
  g_clear_pointer (&regimen->arms, g_ptr_array_unref);
  g_clear_pointer (&regimen->platinums, g_ptr_array_unref);
  g_free (regimen->default_platinum);
  g_free (regimen);
}

const ParasolDrug *
parasol_regimen_find_ici (const ParasolRegimen *regimen,
                          const char           *ici_id)
{
  g_return_val_if_fail (regimen != NULL, NULL);

  if (ici_id == NULL || regimen->icis == NULL)
    return NULL;
  for (guint i = 0; i < regimen->icis->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (regimen->icis, i);

      if (g_ascii_strcasecmp (drug->id, ici_id) == 0)
        return drug;
    }
  return NULL;
}

const ParasolArmRegimen *
parasol_regimen_find_arm (const ParasolRegimen *regimen,
                          const char           *arm_id)
{
  g_return_val_if_fail (regimen != NULL, NULL);

  if (arm_id == NULL || regimen->arms == NULL)
    return NULL;
  for (guint i = 0; i < regimen->arms->len; i++)
    {
      const ParasolArmRegimen *arm = g_ptr_array_index (regimen->arms, i);

      if (g_strcmp0 (arm->id, arm_id) == 0)
        return arm;
    }
  return NULL;
}

const ParasolDrug *
parasol_regimen_find_platinum (const ParasolRegimen *regimen,
                               const char           *platinum_id)
{
  g_return_val_if_fail (regimen != NULL, NULL);

  if (platinum_id == NULL)
    platinum_id = regimen->default_platinum;
  if (platinum_id == NULL || regimen->platinums == NULL)
    return NULL;
  for (guint i = 0; i < regimen->platinums->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (regimen->platinums, i);

      if (g_ascii_strcasecmp (drug->id, platinum_id) == 0)
        return drug;
    }
  return NULL;
}

GPtrArray *
parasol_regimen_backbone_for (const ParasolRegimen *regimen,
                              const char           *platinum_id)
{
  const ParasolDrug *chosen;
  GPtrArray *drugs = g_ptr_array_new ();

  g_return_val_if_fail (regimen != NULL, drugs);

  chosen = parasol_regimen_find_platinum (regimen, platinum_id);
  for (guint i = 0; regimen->backbone != NULL && i < regimen->backbone->len; i++)
    {
      const ParasolDrug *drug = g_ptr_array_index (regimen->backbone, i);

      if (!drug->platinum || drug == chosen)
        g_ptr_array_add (drugs, (gpointer) drug);
    }
  return drugs;
}
