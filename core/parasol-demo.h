/* parasol-demo.h — a synthetic, deterministic demo trial
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

/* Adds @n_patients synthetic patients to @store (which must hold the trial of @protocol):
 * screening, screen-failed, every arm, on and off treatment, with labs, attestations,
 * biomarkers, assignments, cycles, administrations, responses and events.  The same @seed
 * gives the same trial.  Writes one transaction per 500 patients, all audited.  Patients
 * after the first 5 000 carry only their summary row and screening labs (see parasol-demo.c),
 * so that 100 000 patients take seconds, not minutes. */
gboolean parasol_demo_populate (ParasolStore    *store,
                                ParasolProtocol *protocol,
                                int              n_patients,
                                guint32          seed,
                                GError         **error);

G_END_DECLS
