/* cli-helpers.h — running parasol-cli from tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  int   status;   /* exit status, or -1 if it did not exit normally */
  char *out;
  char *err;
} CliResult;

void       cli_result_free   (CliResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

/* Runs $PARASOL_CLI with the NULL-terminated arguments; "--database", @db is appended when
 * @db is not NULL.  Never fails the test by itself. */
CliResult *cli_run           (const char *db,
                              const char *first_arg,
                              ...) G_GNUC_NULL_TERMINATED;
CliResult *cli_runv          (const char  *db,
                              const char *const *args);

/* A fresh temporary folder, removed (recursively) at test teardown. */
char      *cli_make_tmpdir   (void);
void       cli_rm_rf         (const char *path);

/* Creates a demo database with @n patients in @dir; returns its path. */
char      *cli_make_demo     (const char *dir,
                              int         n);

/* A GTest fixture: a scratch folder (removed at teardown) and a database path inside it. */
typedef struct {
  char *dir;
  char *db;
} Fixture;

void       fixture_set_up       (Fixture       *f,
                                 gconstpointer  data);
void       fixture_tear_down    (Fixture       *f,
                                 gconstpointer  data);

/* Store fixtures for core tests (they link core; cli-helpers.c is compiled into every test). */
typedef struct _ParasolStore ParasolStore;
/* Opens (@create: creates) @path, asserting success. */
ParasolStore *test_open_store   (const char *path,
                                 gboolean    create);
/* Adds a screening patient (female, born 1960-03-12, screened 2026-10-01, initials ABC). */
gint64     test_add_patient     (ParasolStore *store,
                                 const char   *screening_number);

/* Asserts @haystack contains @needle, printing both otherwise. */
#define cli_assert_contains(haystack, needle) \
  G_STMT_START { \
    const char *__h = (haystack), *__n = (needle); \
    if (__h == NULL || strstr (__h, __n) == NULL) \
      g_error ("%s:%d: expected “%s” in:\n%s", __FILE__, __LINE__, __n, __h ? __h : "(null)"); \
  } G_STMT_END

/* Parses @json (parasol-cli's --json output), failing the test unless it is one JSON document.
 * Free the result with json_node_unref(). */
JsonNode  *cli_json_parse    (const char *json);
/* The value of the first member named @name at any depth of @root (depth first), or NULL. */
JsonNode  *cli_json_find     (JsonNode   *root,
                              const char *name);
/* The first object node at any depth of @root (depth first) that has every member of
 * @expected, each with an equal value (see cli_json_has()), or NULL. */
JsonNode  *cli_json_find_object (JsonNode   *root,
                                 JsonObject *expected);
/* A copy of the value of the first member named @name at any depth of the document @json
 * (see cli_json_find()), or NULL.  Free with json_node_unref(). */
JsonNode  *cli_json_member   (const char *json,
                              const char *name);
/* How many objects at any depth of the document @json have every member of the JSON object
 * @expected (see cli_json_has()). */
guint      cli_json_count    (const char *json,
                              const char *expected);
/* TRUE if some object at any depth of the document @json has every member of the JSON object
 * @expected, each with an equal value (numbers compare by value; arrays and objects nested in
 * @expected must be equal as a whole).  Fails the test if either is not JSON. */
gboolean   cli_json_has      (const char *json,
                              const char *expected);

/* Asserts cli_json_has (@json, @expected), printing both otherwise. */
#define cli_assert_json(json, expected) \
  G_STMT_START { \
    const char *__j = (json), *__e = (expected); \
    if (!cli_json_has (__j, __e)) \
      g_error ("%s:%d: expected an object with %s in:\n%s", __FILE__, __LINE__, __e, __j ? __j : "(null)"); \
  } G_STMT_END
#define cli_assert_no_json(json, expected) \
  G_STMT_START { \
    const char *__j = (json), *__e = (expected); \
    if (cli_json_has (__j, __e)) \
      g_error ("%s:%d: expected no object with %s in:\n%s", __FILE__, __LINE__, __e, __j ? __j : "(null)"); \
  } G_STMT_END

G_END_DECLS
