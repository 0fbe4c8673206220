/* fuzz-standalone.c — runs a libFuzzer target over files, without libFuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   fuzz-protocol-replay FILE|DIR...
 *
 * Each regular file (directories are read one level deep, sorted) is passed once to
 * LLVMFuzzerTestOneInput().  Used as a test: the seed corpus and every crash ever found stay
 * harmless in ordinary (and sanitizer, and valgrind) builds.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
cmp_str (gconstpointer a,
         gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

static int
run_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  printf ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
  fflush (stdout);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  int failures = 0, count = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          const char *name;

          while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
            g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
          g_ptr_array_sort (names, cmp_str);
          for (guint k = 0; k < names->len; k++)
            if (g_file_test (g_ptr_array_index (names, k), G_FILE_TEST_IS_REGULAR))
              {
                failures += run_file (g_ptr_array_index (names, k));
                count++;
              }
        }
      else
        {
          failures += run_file (argv[i]);
          count++;
        }
    }
  printf ("%d inputs, %d unreadable\n", count, failures);
  return failures == 0 && count > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
