/* parasol-json.h — the JSON parasol-cli --json writes, and the audit snapshots, built with
 * json-glib (JsonBuilder) and laid out as the CLI has always written it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   g_autoptr(ParasolJson) j = parasol_json_new ();
 *   parasol_json_begin_object (j);
 *   parasol_json_member_string (j, "verdict", "eligible");
 *   parasol_json_member (j, "criteria"); parasol_json_begin_array (j); ... parasol_json_end_array (j);
 *   parasol_json_end_object (j);
 *   puts (parasol_json_get (j));
 *
 * Commas are inserted automatically.  Non-finite numbers are written as null, invalid UTF-8 as
 * U+FFFD.  The text is one line: ", " between values, ": " after names, numbers in their
 * shortest exact form; strings escaped by json-glib.  parasol_json_get() returns "" until the
 * outermost container is closed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ParasolJson ParasolJson;

ParasolJson *parasol_json_new            (void);
void         parasol_json_free           (ParasolJson *self);
const char  *parasol_json_get            (ParasolJson *self);
char        *parasol_json_steal          (ParasolJson *self);

void         parasol_json_begin_object   (ParasolJson *self);
void         parasol_json_end_object     (ParasolJson *self);
void         parasol_json_begin_array    (ParasolJson *self);
void         parasol_json_end_array      (ParasolJson *self);
/* Writes a member name inside an object; the next value is its value. */
void         parasol_json_member         (ParasolJson *self,
                                          const char  *name);
void         parasol_json_string         (ParasolJson *self,
                                          const char  *value);   /* NULL -> null */
void         parasol_json_double         (ParasolJson *self,
                                          double       value);
void         parasol_json_int            (ParasolJson *self,
                                          gint64       value);
void         parasol_json_boolean        (ParasolJson *self,
                                          gboolean     value);
void         parasol_json_null           (ParasolJson *self);

/* Shorthands: member + value */
void         parasol_json_member_string  (ParasolJson *self, const char *name, const char *value);
void         parasol_json_member_double  (ParasolJson *self, const char *name, double value);
void         parasol_json_member_int     (ParasolJson *self, const char *name, gint64 value);
void         parasol_json_member_boolean (ParasolJson *self, const char *name, gboolean value);
/* YYYY-MM-DD, or null for a NULL or invalid date. */
void         parasol_json_member_date    (ParasolJson *self, const char *name, const GDate *date);

/* Appends @value JSON-escaped (with quotes) to @out, as json-glib escapes it. */
void         parasol_json_escape_append  (GString    *out,
                                          const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolJson, parasol_json_free)

G_END_DECLS
