/* parasol-lab-entry.h — recording one laboratory result, with the checks a pharmacist expects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one path by which a lab value reaches the store, for `parasol-cli lab add`, the CSV
 * importer and the window's recording form:
 *   - the lab is found by id, name or test code; the value is converted to the protocol's unit
 *     and refused outside the lab's plausible range;
 *   - a ULN is converted from its own unit (@uln_unit, default the value's unit) and must lie in
 *     the lab's ULN range (protocol attributes uln-min/uln-max): a ULN typed in another unit
 *     ("bilirubin 3.0 mg/dL, ULN 21") is refused, never turned into a ratio across units;
 *   - the sample date is a date that has happened: not after today, not before 1900.
 * Each refusal says what to do.
 */
#pragma once

#include <glib.h>

#include "parasol-facts.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_LAB_ENTRY_ERROR (parasol_lab_entry_error_quark ())

typedef enum {
  PARASOL_LAB_ENTRY_ERROR_INVALID,   /* a value that is not a measurement (NaN, negative ULN) */
  PARASOL_LAB_ENTRY_ERROR_ULN,       /* a ULN implausible in its unit */
  PARASOL_LAB_ENTRY_ERROR_DATE,      /* a sample date after today or before 1900 */
} ParasolLabEntryError;

GQuark parasol_lab_entry_error_quark (void);

typedef struct {
  const char *lab;        /* protocol lab id, name or laboratory test code */
  double      value;
  const char *unit;       /* unit of @value */
  double      uln;        /* upper limit of normal, NAN when none given */
  const char *uln_unit;   /* unit of @uln; NULL: the same as @unit */
  GDate       date;       /* sample date */
} ParasolLabEntry;

/* Clears @entry: no lab, NAN value and ULN, invalid date. */
void              parasol_lab_entry_init   (ParasolLabEntry       *entry);

/* Checks @entry against @protocol and returns the result to store, in canonical units, or NULL
 * with @error set (PARASOL_PROTOCOL_ERROR for an unknown lab or unit or an implausible value,
 * PARASOL_LAB_ENTRY_ERROR otherwise).  @today NULL: the local date today. */
ParasolLabResult *parasol_lab_entry_check  (ParasolProtocol       *protocol,
                                            const ParasolLabEntry *entry,
                                            const GDate           *today,
                                            GError               **error);

/* Checks @entry and stores it for @patient_id with its audit row.  Returns the new row id (and
 * the stored result in @result when not NULL), or 0 with @error set; nothing is written then. */
gint64            parasol_lab_entry_add    (ParasolStore          *store,
                                            ParasolProtocol       *protocol,
                                            gint64                 patient_id,
                                            const ParasolLabEntry *entry,
                                            const char            *reason,
                                            ParasolLabResult     **result,
                                            GError               **error);

/* A date of something that has happened (a sample, an attestation, a report, a dose, an
 * outcome, a birth): refused after @today (NULL: today) or before 1900-01-01, naming @what. */
gboolean          parasol_check_past_date  (const GDate           *date,
                                            const GDate           *today,
                                            const char            *what,
                                            GError               **error);

G_END_DECLS
