/* parasol-trial.h — creating, opening and restoring a trial database as a whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What "New Trial…", "Create a Demo Trial", "Restore from a Backup…" in the window and
 * `parasol-cli init` / `demo` do, once, in core.
 */
#pragma once

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

/* Creates a new trial database at @path from the protocol file @protocol_path (NULL: the
 * built-in BUTTONS-001).  The protocol is validated before anything is written; a file that
 * already holds a trial is refused (PARASOL_STORE_ERROR_EXISTS) and left unchanged.  When
 * @demo_patients > 0 the trial is filled with that many synthetic patients
 * (parasol_demo_populate(), @seed).  @flags are added to PARASOL_STORE_OPEN_CREATE. */
ParasolStore *parasol_trial_create          (const char            *path,
                                             const char            *protocol_path,
                                             int                    demo_patients,
                                             guint32                seed,
                                             ParasolStoreOpenFlags  flags,
                                             GError               **error);

/* Puts the backup @backup_path in the place of the database @target_path: the backup must
 * open as a Parasol database whose audit trail verifies; the file at @target_path (with its
 * -wal and -shm) is kept beside it as "NAME.damaged-YYYYMMDD-HHMMSS", whose path is returned
 * in @set_aside_path (NULL when there was none); the copy is written to a temporary file,
 * synced and renamed into place with mode 0600.  Nothing is changed when any step fails. */
gboolean      parasol_trial_restore_backup  (const char  *backup_path,
                                             const char  *target_path,
                                             char       **set_aside_path,
                                             GError     **error);

G_END_DECLS
