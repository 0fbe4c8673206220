/* parasol-input.h — strict parsing of what people and files give Parasol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every number, whole number and date that comes from a person (command-line values), a file
 * (protocol attributes, imports) or the network goes through these three parsers, and every
 * file read whole goes through parasol_input_read_file().  They accept exactly one spelling and
 * refuse everything else with a message a person can act on:
 *
 *   number        [+-]DIGITS[.DIGITS][e[+-]DIGITS] or [+-].DIGITS…, finite, C locale:
 *                 "2.5", "-1e-3", "150".  Refused: "", " 2", "2 ", "0x2", "2abc", "1e400",
 *                 "nan", "inf", "1,5", anything longer than PARASOL_INPUT_MAX_NUMBER_LEN.
 *   whole number  [+-]DIGITS within [min, max], always decimal: "12", and "010" is ten.
 *                 Refused: "0x10", "1.0", "1e3", "", " 1".
 *   date          YYYY-MM-DD of a real calendar day: "2026-11-20".  Refused:
 *                 "2026/11/20", "2026-11-20T25:99:99", "2026-02-30", "20261120".
 *
 * Callers that accept surrounding white space (XML attributes, CSV cells) strip it first.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PARASOL_INPUT_ERROR (parasol_input_error_quark ())

typedef enum {
  PARASOL_INPUT_ERROR_NUMBER,     /* not a number in the accepted spelling, or not finite */
  PARASOL_INPUT_ERROR_RANGE,      /* a whole number outside its range */
  PARASOL_INPUT_ERROR_DATE,       /* not YYYY-MM-DD, or not a real day */
  PARASOL_INPUT_ERROR_NOT_REGULAR,/* a folder, device (/dev/zero), FIFO or socket */
  PARASOL_INPUT_ERROR_TOO_LARGE,  /* a file larger than the caller's bound */
  PARASOL_INPUT_ERROR_READ,       /* the file cannot be opened or read */
} ParasolInputError;

/* Longer number strings are refused before they reach strtod. */
#define PARASOL_INPUT_MAX_NUMBER_LEN 64

GQuark    parasol_input_error_quark (void);

/* A finite double in the spelling above; @value is untouched on failure. */
gboolean  parasol_parse_double      (const char  *str,
                                     double      *value,
                                     GError     **error);
/* A decimal whole number in [@min, @max]; @value is untouched on failure. */
gboolean  parasol_parse_int64       (const char  *str,
                                     gint64       min,
                                     gint64       max,
                                     gint64      *value,
                                     GError     **error);
/* YYYY-MM-DD of a real calendar day.  On failure @date is cleared (invalid). */
gboolean  parasol_parse_date        (const char  *str,
                                     GDate       *date,
                                     GError     **error);

/* Reads the regular file @path whole, refusing before reading anything a folder, a device
 * (/dev/zero), a FIFO or a socket (opened non-blocking, so a FIFO never hangs), and a file
 * larger than @max_bytes; reads at most @max_bytes + 1 bytes, so a file that grows while being
 * read is refused too.  @contents is NUL-terminated (the NUL is not counted in @length).
 * Error messages name @path and say what is accepted. */
gboolean  parasol_input_read_file   (const char  *path,
                                     gsize        max_bytes,
                                     char       **contents,
                                     gsize       *length,
                                     GError     **error);

G_END_DECLS
