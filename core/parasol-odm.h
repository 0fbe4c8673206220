/* parasol-odm.h — CDISC ODM 1.3.2 export and import, safe against hostile XML
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Export writes the Study (GlobalVariables, BasicDefinitions, a MetaDataVersion derived from the
 * protocol), the AdminData (the users of the audit trail, the sites) and the ClinicalData of every
 * patient (or those asked for), streamed with xmlTextWriter into a temporary file that is renamed
 * into place, mode 0600.  Transactional mode adds the audit trail as AuditRecords and the chain's
 * head (sequence and hash).
 *
 * Import reads ClinicalData for this trial's own MetaDataVersion, and laboratory results (the
 * CDISC LB items LBTESTCD, LBORRES, LBORRESU, LBDTC, LBORNRHI) from any study, for patients the
 * database knows.  The file passes parasol_xml_guard_check(), then streams through libxml2's
 * reader (no entities, no DTD, no network) validated against the official ODM 1.3.2 schema.
 * Every value is checked as if it were entered by hand; anything refused is listed with its line
 * and nothing is written.  Everything else is written in one transaction, each value audited
 * with the reason "imported from FILE (FileOID)".
 */
#pragma once

#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_ODM_ERROR (parasol_odm_error_quark ())

typedef enum {
  PARASOL_ODM_ERROR_MALFORMED,   /* hostile, not well-formed, not ODM, over a limit */
  PARASOL_ODM_ERROR_REFUSED,     /* values refused: see the report's refusals */
  PARASOL_ODM_ERROR_EXISTS,      /* the export's destination exists (no --force) */
  PARASOL_ODM_ERROR_IO,          /* reading or writing a file */
  PARASOL_ODM_ERROR_NOT_FOUND,   /* a patient asked for is not in the database */
} ParasolOdmError;

/* Largest ODM file imported, in bytes (about 7 000 patients of 12 cycles). */
#define PARASOL_ODM_MAX_BYTES ((gsize) 256 * 1024 * 1024)

typedef enum {
  PARASOL_ODM_SNAPSHOT,
  PARASOL_ODM_TRANSACTIONAL,
} ParasolOdmMode;

typedef struct {
  ParasolOdmMode      mode;
  const char *const  *patients;   /* screening or subject numbers; NULL for every patient */
  gboolean            force;      /* replace an existing file */
} ParasolOdmExportOptions;

typedef struct {
  guint64 subjects;
  guint64 item_groups;
  guint64 items;
  guint64 audit_records;
  guint64 bytes;
} ParasolOdmExportStats;

GQuark     parasol_odm_error_quark   (void);

gboolean   parasol_odm_export        (ParasolStore                  *store,
                                      ParasolProtocol               *protocol,
                                      const char                    *path,
                                      const ParasolOdmExportOptions *options,
                                      ParasolOdmExportStats         *stats,
                                      GError                       **error);

typedef struct {
  int   line;
  char *message;
} ParasolOdmRefusal;

/* What an import did, or would do (dry run). */
typedef struct {
  char      *file_oid;
  gboolean   dry_run;
  gboolean   written;             /* committed */
  guint      subjects;            /* SubjectData read */
  guint      patients_created;
  guint      fields_changed;      /* patient fields set or changed */
  guint      records_added;
  guint      records_unchanged;   /* already in the database, identical */
  guint      labs_added;          /* of records_added, laboratory results */
  guint      n_refusals;          /* all of them; refusals holds the first 200 */
  GPtrArray *refusals;            /* ParasolOdmRefusal* */
} ParasolOdmImportReport;

void       parasol_odm_import_report_free (ParasolOdmImportReport *report);

/* Imports @data (the bytes of a file called @filename, used in messages and in the audit
 * reason).  Returns TRUE when everything was accepted (and, unless @dry_run, written).  On
 * refusals returns FALSE with PARASOL_ODM_ERROR_REFUSED, listing them "FILE:LINE: reason", and
 * fills @report; nothing is written.  A hostile or malformed file fails with
 * PARASOL_ODM_ERROR_MALFORMED. */
gboolean   parasol_odm_import_data   (ParasolStore             *store,
                                      ParasolProtocol          *protocol,
                                      const char               *data,
                                      gsize                     len,
                                      const char               *filename,
                                      gboolean                  dry_run,
                                      ParasolOdmImportReport  **report,
                                      GError                  **error);
/* Reads @path (refusing one over PARASOL_ODM_MAX_BYTES before reading it) and imports it. */
gboolean   parasol_odm_import_file   (ParasolStore             *store,
                                      ParasolProtocol          *protocol,
                                      const char               *path,
                                      gboolean                  dry_run,
                                      ParasolOdmImportReport  **report,
                                      GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolOdmImportReport, parasol_odm_import_report_free)

G_END_DECLS
