/* parasol-lab-import.h — laboratory results from a hospital laboratory system's CSV export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per result, with columns for patient (screening or subject number), test (code or
 * name), value, unit, sample date and ULN or reference range, recognised by their usual header
 * names; optionally the ULN's own unit (uln_unit, reference_unit), when it differs from the
 * value's (a ratio to the ULN is never computed across units).  A qualitative test (pregnancy)
 * is written negative or positive.  Comma, semicolon or tab separated; UTF-8 with or without BOM; quoted fields per RFC 4180.
 *
 * Every row goes through parasol_lab_entry_check() (unit, plausible range, ULN in its unit, a
 * sample date that has happened).  The whole file is checked before anything is written and
 * stored in one transaction: one bad row rejects the file, naming its line.  A result already
 * in the database, or twice in the file, is counted as a duplicate and not stored again.
 *
 * Bounded: a file is checked for its size before it is read (a regular file of at most
 * PARASOL_LAB_IMPORT_MAX_SIZE bytes), then read with that bound.  Linear in the rows: patients
 * and duplicates are looked up in hash tables.
 */
#pragma once

#include <glib.h>

#include "parasol-facts.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

G_BEGIN_DECLS

#define PARASOL_LAB_IMPORT_ERROR (parasol_lab_import_error_quark ())

typedef enum {
  PARASOL_LAB_IMPORT_ERROR_FILE,      /* cannot be read, not a regular file, or too large */
  PARASOL_LAB_IMPORT_ERROR_NOT_TEXT,  /* not UTF-8 text */
  PARASOL_LAB_IMPORT_ERROR_SYNTAX,    /* a quoted field never closed, an empty file, no header */
  PARASOL_LAB_IMPORT_ERROR_ROWS,      /* one or more rows refused: the message lists them */
  PARASOL_LAB_IMPORT_ERROR_WRITE,     /* the store refused a row: nothing was imported */
} ParasolLabImportError;

GQuark parasol_lab_import_error_quark (void);

#define PARASOL_LAB_IMPORT_MAX_SIZE (64 * 1024 * 1024)

typedef enum {
  PARASOL_LAB_IMPORT_DEFAULT = 0,
  PARASOL_LAB_IMPORT_STRICT  = 1 << 0,  /* a test the protocol does not use rejects the file */
} ParasolLabImportFlags;

typedef struct {
  int               line;         /* line of the row's first character */
  gint64            patient_id;
  char             *patient_key;  /* as written in the file */
  ParasolLabResult *result;       /* canonical units; result->id set once stored */
  /* A row that passes but deserves a look (no ULN where the eligibility ratio needs one, a ULN
   * read from the reference range or converted from its own unit, a value above the ULN, a
   * sample already older than its validity window): the reasons, "; "-separated; else NULL. */
  char             *flag;
} ParasolLabImportRow;

typedef struct {
  char      *filename;        /* as given, for messages */
  GPtrArray *rows;            /* ParasolLabImportRow*, in file order: what is (to be) stored */
  guint      n_patients;      /* distinct patients in @rows and duplicates */
  guint      duplicates;      /* results already recorded or repeated in the file */
  guint      skipped;         /* rows naming a test this protocol does not use */
  GPtrArray *unknown_tests;   /* char*, sorted: the names of those tests */
  guint      flagged;         /* rows of @rows that carry a flag */
  gboolean   committed;
} ParasolLabImport;

void              parasol_lab_import_free    (ParasolLabImport *import);

/* Reads @path with the size bound; returns the contents (NUL-terminated) or NULL with @error. */
char             *parasol_lab_import_read    (const char        *path,
                                              gsize             *length,
                                              GError           **error);

/* Parses and checks @text (@length bytes; need not be NUL-terminated) against @protocol and
 * the patients and results in @store.  Writes nothing.  @filename names the file in messages. */
ParasolLabImport *parasol_lab_import_parse   (ParasolStore          *store,
                                              ParasolProtocol       *protocol,
                                              const char            *text,
                                              gsize                  length,
                                              const char            *filename,
                                              ParasolLabImportFlags  flags,
                                              GError               **error);

/* Stores every row of @import in one transaction, each with the audit reason "imported from
 * FILE, line N".  All or nothing. */
gboolean          parasol_lab_import_commit  (ParasolStore          *store,
                                              ParasolLabImport      *import,
                                              GError               **error);

/* read + parse + commit. */
ParasolLabImport *parasol_lab_import_file    (ParasolStore          *store,
                                              ParasolProtocol       *protocol,
                                              const char            *path,
                                              ParasolLabImportFlags  flags,
                                              GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolLabImport, parasol_lab_import_free)

G_END_DECLS
