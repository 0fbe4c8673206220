/* cli-helpers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include "cli-helpers.h"
#include "parasol-store.h"

void
cli_result_free (CliResult *result)
{
  if (result == NULL)
    return;
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

CliResult *
cli_runv (const char        *db,
          const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("PARASOL_CLI");
  CliResult *result = g_new0 (CliResult, 1);
  int wait_status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  if (db != NULL)
    {
      g_ptr_array_add (argv, (char *) "--database");
      g_ptr_array_add (argv, (char *) db);
    }
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &result->out, &result->err, &wait_status, &error))
    g_error ("Could not run %s: %s", cli, error->message);

  result->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (g_test_verbose ())
    g_printerr ("$ parasol-cli %s -> %d\n%s%s", args[0], result->status, result->out, result->err);
  return result;
}

CliResult *
cli_run (const char *db,
         const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return cli_runv (db, (const char *const *) args->pdata);
}

char *
cli_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("parasol-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
cli_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      cli_rm_rf (child);
    }
  g_rmdir (path);
}

char *
cli_make_demo (const char *dir,
               int         n)
{
  char *db = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *count = g_strdup_printf ("%d", n);
  g_autoptr(CliResult) r = cli_run (db, "demo", "--patients", count, NULL);

  if (r->status != 0)
    g_error ("parasol-cli demo failed (%d): %s", r->status, r->err);
  return db;
}

ParasolStore *
test_open_store (const char *path,
                 gboolean    create)
{
  g_autoptr(GError) error = NULL;
  ParasolStore *store = parasol_store_open (path, create ? PARASOL_STORE_OPEN_CREATE
                                                         : PARASOL_STORE_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

gint64
test_add_patient (ParasolStore *store,
                  const char   *screening_number)
{
  g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  p->screening_number = g_strdup (screening_number);
  p->sex = PARASOL_SEX_FEMALE;
  g_date_set_dmy (&p->birth_date, 12, 3, 1960);
  g_date_set_dmy (&p->screening_date, 1, 10, 2026);
  p->initials = g_strdup ("ABC");
  id = parasol_store_add_patient (store, p, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = cli_make_tmpdir ();
  f->db = g_build_filename (f->dir, "trial.db", NULL);
}

void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cli_rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->db, g_free);
}

JsonNode *
cli_json_parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (json == NULL)
    g_error ("expected JSON, got nothing");
  root = json_from_string (json, &error);
  if (root == NULL)
    g_error ("not JSON (%s):\n%s", error != NULL ? error->message : "empty", json);
  return root;
}

JsonNode *
cli_json_find (JsonNode   *root,
               const char *name)
{
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      if (json_object_has_member (object, name))
        return json_object_get_member (object, name);
      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &member, &value))
        {
          JsonNode *found = cli_json_find (value, name);

          if (found != NULL)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *found = cli_json_find (json_array_get_element (array, i), name);

          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

static gboolean
object_has (JsonObject *object,
            JsonObject *expected)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, expected);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    if (!json_object_has_member (object, name) ||
        !json_node_equal (json_object_get_member (object, name), value))
      return FALSE;
  return TRUE;
}

JsonNode *
cli_json_find_object (JsonNode   *node,
                      JsonObject *expected)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (object_has (object, expected))
        return node;
      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          JsonNode *found = cli_json_find_object (value, expected);

          if (found != NULL)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *found = cli_json_find_object (json_array_get_element (array, i), expected);

          if (found != NULL)
            return found;
        }
    }
  return NULL;
}

gboolean
cli_json_has (const char *json,
              const char *expected)
{
  g_autoptr(JsonNode) root = cli_json_parse (json);
  g_autoptr(JsonNode) want = cli_json_parse (expected);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (want));
  return cli_json_find_object (root, json_node_get_object (want)) != NULL;
}

JsonNode *
cli_json_member (const char *json,
                 const char *name)
{
  g_autoptr(JsonNode) root = cli_json_parse (json);
  JsonNode *value = cli_json_find (root, name);

  return value != NULL ? json_node_copy (value) : NULL;
}

static guint
count_objects (JsonNode   *node,
               JsonObject *expected)
{
  guint n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      n += object_has (json_node_get_object (node), expected);
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        n += count_objects (value, expected);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        n += count_objects (json_array_get_element (array, i), expected);
    }
  return n;
}

guint
cli_json_count (const char *json,
                const char *expected)
{
  g_autoptr(JsonNode) root = cli_json_parse (json);
  g_autoptr(JsonNode) want = cli_json_parse (expected);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (want));
  return count_objects (root, json_node_get_object (want));
}
