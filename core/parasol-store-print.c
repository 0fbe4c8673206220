/* parasol-store-print.c — what the printouts read: the patient's language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-store"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "parasol-store.h"
#include "parasol-store-private.h"

gboolean
parasol_store_get_patient_language (ParasolStore  *self,
                                    gint64         patient_id,
                                    char         **language,
                                    GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PARASOL_IS_STORE (self), FALSE);
  g_return_val_if_fail (language != NULL, FALSE);

  *language = NULL;
  stmt = store_prepare (self, "SELECT language FROM patient WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, patient_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *language = store_column_strdup (stmt, 0);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND,
                   _("There is no patient with id %" PRId64 "."), patient_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      store_set_error (self, error, rc, _("reading the patient"));
      return FALSE;
    }
  return TRUE;
}
