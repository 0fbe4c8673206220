/* parasol-bench.c — Parasol's figures, each beside a baseline measured in the same run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every figure is printed as one JSON line on stdout:
 *
 *   {"name": "...", "n": N, "ms": x, "baseline": "...", "baseline_ms": y, "ratio": x/y,
 *    "peak_rss_kb": z, ...extra members}
 *
 * Each is measured after a warm-up, as the median of several repetitions, interleaved with its
 * baseline.  Progress goes to stderr.  This is a test program: the baselines talk to SQLite
 * directly (raw SQL is allowed here and nowhere else outside core/parasol-store*.c).
 *
 * Demo databases (`parasol-cli demo --patients N --seed 1`) are cached in --data-dir (default
 * $XDG_CACHE_HOME/parasol-bench), named after the schema version and a hash of
 * core/parasol-demo.c, so a second run starts at once and a changed demo is rebuilt.
 */
#define G_LOG_DOMAIN "parasol-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libintl.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <malloc.h>

#include "parasol-assignment.h"
#include "parasol-dosing.h"
#include "parasol-eligibility.h"
#include "parasol-lab-import.h"
#include "parasol-patient-dosing.h"
#include "parasol-patient-list.h"
#include "parasol-printout.h"
#include "parasol-protocol.h"
#include "parasol-schedule.h"
#include "parasol-store.h"
#include "parasol-swimmer.h"

#define SEED 1
#define DEMO_BATCH 500 /* patients per transaction in parasol_demo_populate() */

typedef struct {
  gboolean  quick;
  char     *only;
  char     *data_dir;
  char     *tmp_dir;
  char     *cli;
  int       reps;
  int       demo_reps;
} Bench;

static Bench bench;

/* ---- measuring ------------------------------------------------------------------------------ */

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (GArray *values)
{
  g_autoptr(GArray) copy = NULL;
  guint n = values->len;

  if (n == 0)
    return NAN;
  copy = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  g_array_append_vals (copy, values->data, n);
  g_array_sort (copy, cmp_double);
  if (n % 2 == 1)
    return g_array_index (copy, double, n / 2);
  return (g_array_index (copy, double, n / 2 - 1) + g_array_index (copy, double, n / 2)) / 2;
}

static GArray *
doubles (void)
{
  return g_array_new (FALSE, FALSE, sizeof (double));
}

static void
push (GArray *a,
      double  v)
{
  g_array_append_val (a, v);
}

/* Resets the process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0). */
static void
rss_reset (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

  if (fd >= 0)
    {
      if (write (fd, "5", 1) != 1)
        { /* not fatal: the peak then covers the whole run so far */ }
      close (fd);
    }
}

static long
rss_peak_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;
  struct rusage usage;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "VmHWM:")) != NULL)
    return strtol (line + strlen ("VmHWM:"), NULL, 10);
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static gboolean
wanted (const char *name)
{
  return bench.only == NULL || g_str_has_prefix (name, bench.only);
}

/* One figure: the contract line, then any extra members ("key": value, already formatted). */
static void
emit (const char *name,
      gint64      n,
      double      ms,
      const char *baseline,
      double      baseline_ms,
      long        peak_rss_kb,
      const char *extra_fmt,
      ...) G_GNUC_PRINTF (7, 8);

static void
emit (const char *name,
      gint64      n,
      double      ms,
      const char *baseline,
      double      baseline_ms,
      long        peak_rss_kb,
      const char *extra_fmt,
      ...)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *name_q = g_strescape (name, NULL);
  g_autofree char *baseline_q = g_strescape (baseline, NULL);

  g_string_append_printf (line, "{\"name\": \"%s\", \"n\": %" G_GINT64_FORMAT ", \"ms\": %.3f, "
                          "\"baseline\": \"%s\", \"baseline_ms\": %.3f, \"ratio\": %.3f, "
                          "\"peak_rss_kb\": %ld",
                          name_q, n, ms, baseline_q, baseline_ms,
                          baseline_ms > 0 ? ms / baseline_ms : NAN, peak_rss_kb);
  if (extra_fmt != NULL && *extra_fmt != '\0')
    {
      va_list args;

      g_string_append (line, ", ");
      va_start (args, extra_fmt);
      g_string_append_vprintf (line, extra_fmt, args);
      va_end (args);
    }
  g_string_append (line, "}");
  printf ("%s\n", line->str);
  fflush (stdout);
}

static void
emit_skip (const char *name,
           gint64      n,
           const char *note)
{
  g_autofree char *note_q = g_strescape (note, NULL);

  printf ("{\"name\": \"%s\", \"n\": %" G_GINT64_FORMAT ", \"skipped\": true, \"note\": \"%s\"}\n",
          name, n, note_q);
  fflush (stdout);
}

static void
progress (const char *fmt,
          ...) G_GNUC_PRINTF (1, 2);

static void
progress (const char *fmt,
          ...)
{
  va_list args;

  va_start (args, fmt);
  fprintf (stderr, "parasol-bench: ");
  vfprintf (stderr, fmt, args);
  fprintf (stderr, "\n");
  va_end (args);
}

/* ---- subprocesses --------------------------------------------------------------------------- */

typedef struct {
  int     status;      /* exit status, -1 when killed */
  double  marker_ms;   /* fork to the first stdout line containing the marker; NAN if none */
  double  exit_ms;     /* fork to exit */
  long    maxrss_kb;   /* wait4 */
  char   *out;
} Spawned;

static void
spawned_clear (Spawned *s)
{
  g_clear_pointer (&s->out, g_free);
}

/* Runs @argv with @env_extra ("K=V", NULL-terminated, added to the environment). */
static gboolean
spawn_measure (const char *const *argv,
               const char *const *env_extra,
               const char        *marker,
               Spawned           *result)
{
  g_autoptr(GString) out = g_string_new (NULL);
  struct rusage usage;
  int fds[2];
  double t0;
  pid_t pid;
  int status = 0;

  memset (result, 0, sizeof *result);
  result->marker_ms = NAN;
  if (pipe (fds) != 0)
    return FALSE;

  t0 = now_ms ();
  pid = fork ();
  if (pid < 0)
    return FALSE;
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_RDWR);

      dup2 (fds[1], STDOUT_FILENO);
      if (devnull >= 0)
        {
          dup2 (devnull, STDIN_FILENO);
          if (g_getenv ("PARASOL_BENCH_VERBOSE") == NULL)
            dup2 (devnull, STDERR_FILENO);
        }
      close (fds[0]);
      close (fds[1]);
      for (int i = 0; env_extra != NULL && env_extra[i] != NULL; i++)
        putenv ((char *) env_extra[i]);
      execv (argv[0], (char **) argv);
      _exit (127);
    }
  close (fds[1]);

  for (;;)
    {
      char buf[4096];
      ssize_t n = read (fds[0], buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (out, buf, n);
      if (marker != NULL && isnan (result->marker_ms) && strstr (out->str, marker) != NULL &&
          strchr (strstr (out->str, marker), '\n') != NULL)
        result->marker_ms = now_ms () - t0;
    }
  close (fds[0]);

  while (wait4 (pid, &status, 0, &usage) < 0 && errno == EINTR)
    ;
  result->exit_ms = now_ms () - t0;
  result->maxrss_kb = usage.ru_maxrss;
  result->status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  result->out = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

/* A number after "key": in a JSON line, or NAN. */
static double
json_number (const char *json,
             const char *key)
{
  g_autofree char *pattern = g_strdup_printf ("\"%s\":", key);
  const char *at = json != NULL ? strstr (json, pattern) : NULL;

  return at != NULL ? g_ascii_strtod (at + strlen (pattern), NULL) : NAN;
}

/* ---- demo databases ------------------------------------------------------------------------- */

/* The demo's content changes with core/parasol-demo.c, not only with the schema: when the source
 * tree is at hand, its hash is part of the cache key. */
static const char *
demo_fingerprint (void)
{
  static char *fingerprint = NULL;

  if (fingerprint == NULL)
    {
      const char *root = g_getenv ("PARASOL_SOURCE_ROOT");
      g_autofree char *path = g_build_filename (root ? root : PARASOL_BENCH_SOURCE_ROOT, "core",
                                                "parasol-demo.c", NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_get_contents (path, &contents, &len, NULL))
        {
          g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                              (const guchar *) contents, len);
          fingerprint = g_strndup (sum, 8);
        }
      else
        fingerprint = g_strdup ("nosrc");
    }
  return fingerprint;
}

static char *
cached_db_path (int n)
{
  g_autofree char *name = g_strdup_printf ("demo-v%d-%s-s%d-n%d.db", PARASOL_STORE_SCHEMA_VERSION,
                                           demo_fingerprint (), SEED, n);
  return g_build_filename (bench.data_dir, name, NULL);
}

static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/* Runs `parasol-cli demo` into @path; returns the Spawned result (status 0 on success). */
static gboolean
run_demo (int         n,
          const char *path,
          Spawned    *result)
{
  g_autofree char *n_str = g_strdup_printf ("%d", n);
  g_autofree char *seed_str = g_strdup_printf ("%d", SEED);
  const char *argv[] = { bench.cli, "demo", "--patients", n_str, "--seed", seed_str,
                         "--database", path, "--json", NULL };

  remove_db (path);
  if (!spawn_measure (argv, NULL, NULL, result))
    return FALSE;
  return result->status == 0;
}

static gboolean
db_usable (const char *path,
           int         n)
{
  g_autoptr(ParasolStore) store = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, NULL);
  return store != NULL && parasol_store_count_patients (store) == n;
}

/* The cached demo database with @n patients, built when missing. */
static char *
ensure_db (int n)
{
  char *path = cached_db_path (n);
  g_autofree char *tmp = NULL;
  Spawned run;

  if (db_usable (path, n))
    return path;

  tmp = g_strconcat (path, ".part", NULL);
  progress ("building the demo database with %d patients in %s ...", n, path);
  if (!run_demo (n, tmp, &run))
    g_error ("parasol-cli demo --patients %d failed (exit %d): %s", n, run.status,
             run.out ? run.out : "");
  spawned_clear (&run);
  remove_db (path);
  if (g_rename (tmp, path) != 0)
    g_error ("cannot move %s to %s: %s", tmp, path, g_strerror (errno));
  return path;
}

/* A private copy of a demo database (a plain file copy is fine here: the source is closed and
 * checkpointed; the application itself backs up through SQLite). */
static char *
copy_db (const char *src,
         const char *name)
{
  /* A new name for every copy: an older copy at a path the store has written to is, rightly,
   * a trail cut short (its anchor is newer). */
  static int copies;
  g_autofree char *unique = g_strdup_printf ("%d-%s", ++copies, name);
  char *dest = g_build_filename (bench.tmp_dir, unique, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (src);
  g_autoptr(GFile) to = g_file_new_for_path (dest);
  g_autoptr(GError) error = NULL;

  remove_db (dest);
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    g_error ("copying %s: %s", src, error->message);
  return dest;
}

static ParasolStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  ParasolStore *store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);

  if (store == NULL)
    g_error ("opening %s: %s", path, error->message);
  return store;
}

static void
collect_id_cb (const ParasolPatientRow *row,
               gpointer                 user_data)
{
  gint64 id = row->id;

  g_array_append_val ((GArray *) user_data, id);
}

static GArray *
patient_ids (ParasolStore *store)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;

  if (!parasol_store_foreach_patient (store, 0, collect_id_cb, ids, &error))
    g_error ("listing patients: %s", error->message);
  return ids;
}

/* ---- raw SQLite for the baselines ----------------------------------------------------------- */

static sqlite3 *
raw_open (const char *path,
          gboolean    writable)
{
  sqlite3 *db = NULL;
  int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;

  if (sqlite3_open_v2 (path, &db, flags, NULL) != SQLITE_OK)
    g_error ("sqlite3_open %s: %s", path, db ? sqlite3_errmsg (db) : "out of memory");
  sqlite3_busy_timeout (db, 5000);
  if (writable)
    {
      /* The store's pragmas (parasol-store.c: configure_connection and open). */
      if (sqlite3_exec (db,
                        "PRAGMA journal_mode = WAL;"
                        "PRAGMA synchronous = FULL;"
                        "PRAGMA foreign_keys = ON;"
                        "PRAGMA secure_delete = ON;"
                        "PRAGMA trusted_schema = OFF;"
                        "PRAGMA cache_size = -65536;", NULL, NULL, NULL) != SQLITE_OK)
        g_error ("pragmas: %s", sqlite3_errmsg (db));
    }
  return db;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
}

static gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

#define PATIENT_COLUMNS \
  "id, version, screening_number, subject_number, initials, sex, birth_date, site, status, arm," \
  " screening_date, c1d1"

/* The baseline of the patient list: one prepared statement stepping over the same columns. */
static gsize
raw_read_patients (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gsize sum = 0;

  if (sqlite3_prepare_v2 (db, "SELECT " PATIENT_COLUMNS " FROM patient ORDER BY screening_number",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("select: %s", sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      sum += sqlite3_column_int64 (stmt, 0) + sqlite3_column_int64 (stmt, 1);
      for (int c = 2; c < 12; c++)
        {
          const unsigned char *text = sqlite3_column_text (stmt, c);

          if (text != NULL)
            sum += sqlite3_column_bytes (stmt, c) + text[0];
        }
    }
  sqlite3_finalize (stmt);
  return sum;
}

/* ---- figure: patient list ------------------------------------------------------------------- */

static void
figure_patient_list (int n)
{
  g_autofree char *name = g_strdup_printf ("patient-list-%d", n);
  g_autofree char *path = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  sqlite3 *db;
  long peak = 0;
  volatile gsize sink = 0;
  double first_item_ms = NAN;

  if (!wanted (name) && !wanted ("patient-list"))
    return;
  path = ensure_db (n);
  progress ("%s", name);
  store = open_store (path);
  db = raw_open (path, FALSE);

  for (int rep = -1; rep < bench.reps; rep++)
    {
      ParasolPatientList *list;
      double t0, t1;

      rss_reset ();
      t0 = now_ms ();
      list = parasol_patient_list_new (store);
      sink += g_list_model_get_n_items (G_LIST_MODEL (list));
      t1 = now_ms ();
      peak = MAX (peak, rss_peak_kb ());
      if (rep >= 0)
        push (t, t1 - t0);
      if (rep == 0)
        {
          /* What a view asks next: the first screenful of items. */
          double t2 = now_ms ();

          for (guint i = 0; i < 40 && i < (guint) n; i++)
            g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
          first_item_ms = now_ms () - t2;
        }
      g_object_unref (list);

      t0 = now_ms ();
      sink += raw_read_patients (db);
      t1 = now_ms ();
      if (rep >= 0)
        push (tb, t1 - t0);
    }
  sqlite3_close (db);

  emit (name, n, median (t), "prepared-statement loop over the same columns", median (tb), peak,
        "\"first_40_items_ms\": %.3f, \"reps\": %d", first_item_ms, bench.reps);
  (void) sink;
}

/* ---- figure: opening the store -------------------------------------------------------------- */

static void
figure_store_open (int n)
{
  g_autofree char *name = g_strdup_printf ("store-open-%d", n);
  g_autofree char *path = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GArray) tq = doubles ();
  GStatBuf st;
  long peak = 0;

  if (!wanted (name) && !wanted ("store-open"))
    return;
  path = ensure_db (n);
  progress ("%s", name);

  for (int rep = -1; rep < bench.reps; rep++)
    {
      ParasolStore *store;
      sqlite3 *db;
      double t0;
      gint64 count;

      rss_reset ();
      t0 = now_ms ();
      store = open_store (path);
      count = parasol_store_count_patients (store);
      g_object_unref (store);
      if (rep >= 0)
        push (t, now_ms () - t0);
      peak = MAX (peak, rss_peak_kb ());

      /* Baseline: open with the same pragmas, count the patients, close. */
      t0 = now_ms ();
      db = raw_open (path, TRUE);
      count -= raw_int (db, "SELECT count(*) FROM patient");
      sqlite3_close (db);
      if (rep >= 0)
        push (tb, now_ms () - t0);
      g_assert (count == 0);

      /* What the store adds on every open: PRAGMA quick_check reads every page. */
      db = raw_open (path, FALSE);
      t0 = now_ms ();
      raw_int (db, "PRAGMA quick_check(1)");
      if (rep >= 0)
        push (tq, now_ms () - t0);
      sqlite3_close (db);
    }

  emit (name, n, median (t), "sqlite3_open_v2 + the store's pragmas + SELECT count(*), closed",
        median (tb), peak,
        "\"quick_check_ms\": %.3f, \"db_bytes\": %" G_GINT64_FORMAT ", \"note\": \"warm page "
        "cache; parasol_store_open runs PRAGMA quick_check, which reads the whole file\"",
        median (tq), g_stat (path, &st) == 0 ? (gint64) st.st_size : (gint64) -1);
}

/* ---- figure: the audit check ---------------------------------------------------------------- */

/* `audit verify` and the window's background check: the chain (HMAC or SHA-256 per row), the
 * anchor, and every value of every audited table reconciled with the trail.  Baseline: a bare
 * SELECT stepping over the same rows (the audit trail and every audited table). */
static void
figure_audit_check (int n)
{
  g_autofree char *name = g_strdup_printf ("audit-check-%d", n);
  g_autofree char *src = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  gint64 rows = 0, records = 0;
  gboolean valid = FALSE;
  long peak = 0;

  if (!wanted (name) && !wanted ("audit-check"))
    return;
  src = ensure_db (n);
  path = copy_db (src, "audit-check.db");
  progress ("%s", name);

  for (int rep = -1; rep < bench.reps; rep++)
    {
      g_autoptr(ParasolStore) store = open_store (path);
      g_autoptr(ParasolAuditReport) report = NULL;
      g_autoptr(GError) error = NULL;
      static const char *const scans[] = {
        "SELECT * FROM audit", "SELECT * FROM patient", "SELECT * FROM lab",
        "SELECT * FROM biomarker", "SELECT * FROM attestation", "SELECT * FROM cycle",
        "SELECT * FROM administration", "SELECT * FROM response", "SELECT * FROM event",
        "SELECT * FROM assignment", "SELECT * FROM evaluation", "SELECT * FROM trial",
      };
      sqlite3 *db;
      double t0;

      rss_reset ();
      t0 = now_ms ();
      report = parasol_store_audit_check (store, NULL, &error);
      if (report == NULL)
        g_error ("audit check: %s", error->message);
      if (rep >= 0)
        push (t, now_ms () - t0);
      peak = MAX (peak, rss_peak_kb ());
      rows = report->n_rows;
      records = report->n_records;
      valid = report->valid;

      db = raw_open (path, FALSE);
      t0 = now_ms ();
      for (guint i = 0; i < G_N_ELEMENTS (scans); i++)
        {
          sqlite3_stmt *stmt = NULL;

          if (sqlite3_prepare_v2 (db, scans[i], -1, &stmt, NULL) == SQLITE_OK)
            while (sqlite3_step (stmt) == SQLITE_ROW)
              ;
          sqlite3_finalize (stmt);
        }
      if (rep >= 0)
        push (tb, now_ms () - t0);
      sqlite3_close (db);
    }

  emit (name, n, median (t), "bare SELECT * stepping over the audit trail and every audited table",
        median (tb), peak, "\"audit_rows\": %" G_GINT64_FORMAT ", \"records\": %" G_GINT64_FORMAT
        ", \"valid\": %s", rows, records, valid ? "true" : "false");
}

/* ---- figure: loading a large protocol -------------------------------------------------------- */

/* The shipped protocol with @n_units extra <accept> units, spread over its labs (each within
 * PARASOL_PROTOCOL_MAX_UNITS_PER_LAB): a valid file of about 4 MB at 120 000 units. */
static char *
large_protocol (guint n_units,
                gsize *len)
{
  g_autofree char *path = g_build_filename (PARASOL_BENCH_SOURCE_ROOT, "data", "protocols",
                                            "buttons-001.xml", NULL);
  g_autofree char *xml = NULL;
  GString *out = g_string_new (NULL);
  const char *p;
  guint n_labs = 0, lab = 0, done = 0;

  if (!g_file_get_contents (path, &xml, NULL, NULL))
    g_error ("cannot read %s", path);
  for (p = xml; (p = strstr (p, "<lab id=\"")) != NULL; p++)
    n_labs++;
  for (p = xml; *p; )
    {
      const char *at = strstr (p, "<lab id=\"");
      const char *open_end;
      guint here;

      if (at == NULL)
        {
          g_string_append (out, p);
          break;
        }
      open_end = strchr (at, '>');
      g_string_append_len (out, p, open_end + 1 - p);
      here = lab + 1 == n_labs ? n_units - done : n_units / n_labs;
      for (guint i = 0; i < here; i++)
        g_string_append_printf (out, "<accept unit=\"%c%u\" factor=\"1\"/>\n", 'a' + lab, i);
      done += here;
      lab++;
      p = open_end + 1;
    }
  *len = out->len;
  return g_string_free (out, FALSE);
}

/* CPU time of this process (user + system), in ms: on a loaded machine the wall clock measures
 * the other processes too. */
static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static void
figure_protocol_load (guint n_units)
{
  g_autofree char *name = g_strdup_printf ("protocol-load-%u", n_units);
  g_autofree char *path = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GArray) tc = doubles ();
  g_autoptr(GArray) tx = doubles ();
  g_autoptr(GArray) cpu = doubles ();
  g_autoptr(GArray) cpu_b = doubles ();
  g_autoptr(GError) error = NULL;
  gboolean have_xmllint = g_find_program_in_path ("xmllint") != NULL;
  gsize len = 0;
  long peak = 0;

  if (!wanted (name) && !wanted ("protocol-load"))
    return;
  progress ("%s", name);
  xml = large_protocol (n_units, &len);
  path = g_build_filename (bench.tmp_dir, "large-protocol.xml", NULL);
  if (!g_file_set_contents (path, xml, len, &error))
    g_error ("%s", error->message);

  for (int rep = -1; rep < bench.reps; rep++)
    {
      g_autoptr(ParasolProtocol) protocol = NULL;
      g_autoptr(ParasolProtocol) cached = NULL;
      g_autofree char *contents = NULL;
      gsize contents_len = 0;
      xmlDoc *doc;
      double t0, c0;

      /* Parasol: read, guard, parse, RELAX NG, model, with an empty cache ... */
      parasol_protocol_clear_cache ();
      malloc_trim (0);   /* both start with the freed memory given back: neither reuses pages */
      rss_reset ();
      c0 = cpu_ms ();
      t0 = now_ms ();
      protocol = parasol_protocol_new_from_file (path, &error);
      if (rep >= 0)
        {
          push (t, now_ms () - t0);
          push (cpu, cpu_ms () - c0);
        }
      peak = MAX (peak, rss_peak_kb ());
      if (protocol == NULL)
        g_error ("the large protocol does not load: %s", error->message);

      /* ... and again, as the window's patient page or a second screen in one process does. */
      t0 = now_ms ();
      cached = parasol_protocol_new_from_file (path, NULL);
      if (rep >= 0)
        push (tc, now_ms () - t0);
      g_assert (cached == protocol);

      /* Baseline: read the file and xmlReadMemory it, nothing else. */
      malloc_trim (0);
      c0 = cpu_ms ();
      t0 = now_ms ();
      if (!g_file_get_contents (path, &contents, &contents_len, NULL))
        g_error ("cannot read %s", path);
      doc = xmlReadMemory (contents, (int) contents_len, path, "UTF-8", XML_PARSE_NONET);
      g_assert (doc != NULL);
      xmlFreeDoc (doc);
      if (rep >= 0)
        {
          push (tb, now_ms () - t0);
          push (cpu_b, cpu_ms () - c0);
        }

      if (have_xmllint)
        {
          const char *argv[] = { "xmllint", "--noout", path, NULL };
          int status = 0;

          t0 = now_ms ();
          if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                            NULL, &status, NULL) && rep >= 0)
            push (tx, now_ms () - t0);
        }
    }
  parasol_protocol_clear_cache ();

  emit (name, n_units, median (t), "read the file + xmlReadMemory, in process", median (tb), peak,
        "\"file_bytes\": %" G_GSIZE_FORMAT ", \"cpu_ms\": %.1f, \"baseline_cpu_ms\": %.1f, "
        "\"cached_ms\": %.3f, \"xmllint_noout_ms\": %.3f, "
        "\"note\": \"parasol_protocol_new_from_file with an empty cache: bounded read, XML guard, "
        "libxml2, RELAX NG, semantic checks and model; cached_ms is the same file loaded again in "
        "the same process; xmllint_noout_ms is a whole xmllint --noout process\"",
        len, median (cpu), median (cpu_b), median (tc), have_xmllint ? median (tx) : NAN);
}

/* ---- figure: filtering ---------------------------------------------------------------------- */

static void
collect_search_cb (const ParasolPatientRow *row,
                   gpointer                 user_data)
{
  g_autofree char *joined = g_strjoin (" ", row->screening_number,
                                       row->subject_number ? row->subject_number : "",
                                       row->initials ? row->initials : "",
                                       row->site ? row->site : "",
                                       row->arm ? row->arm : "", NULL);

  g_ptr_array_add (user_data, g_utf8_casefold (joined, -1));
}

static void
figure_filter (int n)
{
  g_autofree char *name = g_strdup_printf ("filter-%d", n);
  g_autofree char *path = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolPatientList) list = NULL;
  g_autoptr(ParasolPatient) middle = NULL;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) t_mean = doubles ();
  g_autoptr(GArray) t_max = doubles ();
  g_autoptr(GArray) tb_mean = doubles ();
  g_autoptr(GArray) tb_max = doubles ();
  g_autoptr(GError) error = NULL;
  const char *typed;
  guint n_keys;
  double cold_ms;
  long peak;
  guint matches_last = 0, baseline_matches_last = 0;

  if (!wanted (name) && !wanted ("filter"))
    return;
  path = ensure_db (n);
  progress ("%s", name);
  store = open_store (path);
  list = parasol_patient_list_new (store);
  middle = g_list_model_get_item (G_LIST_MODEL (list), n / 2 + n / 9);
  typed = parasol_patient_get_screening_number (middle);   /* "S-061112": typed key by key */
  n_keys = strlen (typed);

  /* The baseline's strings: the same fields the model searches, casefolded once. */
  if (!parasol_store_foreach_patient (store, 0, collect_search_cb, strings, &error))
    g_error ("%s", error->message);

  /* The first filter ever builds the model's search texts: report it apart. */
  rss_reset ();
  {
    double t0 = now_ms ();

    g_array_set_size (positions, 0);
    parasol_patient_list_filter (list, "s", positions);
    cold_ms = now_ms () - t0;
  }

  for (int rep = -1; rep < bench.reps * 2; rep++)
    {
      double sum = 0, max = 0, bsum = 0, bmax = 0;

      for (guint k = 1; k <= n_keys; k++)
        {
          g_autofree char *query = g_strndup (typed, k);
          double t0 = now_ms (), dt;

          g_array_set_size (positions, 0);
          matches_last = parasol_patient_list_filter (list, query, positions);
          dt = now_ms () - t0;
          sum += dt;
          max = MAX (max, dt);

          /* Baseline: casefold the query, strstr over the same strings. */
          t0 = now_ms ();
          {
            g_autofree char *folded = g_utf8_casefold (query, -1);

            g_array_set_size (positions, 0);
            for (guint i = 0; i < strings->len; i++)
              if (strstr (g_ptr_array_index (strings, i), folded) != NULL)
                g_array_append_val (positions, i);
            baseline_matches_last = positions->len;
          }
          dt = now_ms () - t0;
          bsum += dt;
          bmax = MAX (bmax, dt);
        }
      if (rep >= 0)
        {
          push (t_mean, sum / n_keys);
          push (t_max, max);
          push (tb_mean, bsum / n_keys);
          push (tb_max, bmax);
        }
    }
  peak = rss_peak_kb ();

  emit (name, n, median (t_mean), "strstr loop over the same casefolded strings", median (tb_mean),
        peak,
        "\"unit\": \"ms per keystroke\", \"typed\": \"%s\", \"keystrokes\": %u, "
        "\"max_keystroke_ms\": %.3f, \"baseline_max_keystroke_ms\": %.3f, "
        "\"first_filter_ms\": %.3f, \"matches\": %u, \"baseline_matches\": %u, "
        "\"target_ms\": 16",
        typed, n_keys, median (t_max), median (tb_max), cold_ms, matches_last,
        baseline_matches_last);
}

/* ---- figure: courses ------------------------------------------------------------------------ */

/* What the first search over the list's Course column costs: the course of every patient
 * worked out in one pass over the store (parasol_patient_list_load_courses()) and kept on its
 * item, against reading the list itself.  once_by_one_ms: the same patient by patient, as the
 * table's cells ask (once, not repeated). */
static void
figure_courses (int n)
{
  g_autofree char *name = g_strdup_printf ("courses-%d", n);
  g_autofree char *path = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GError) error = NULL;
  double one_by_one = 0;
  guint n_with = 0;
  long peak;

  if (!wanted (name) && !wanted ("courses"))
    return;
  path = ensure_db (n);
  progress ("%s", name);
  store = open_store (path);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    g_error ("%s", error->message);

  rss_reset ();
  for (int rep = -2; rep < bench.reps; rep++)
    {
      double t0, dt, dtb;
      g_autoptr(ParasolPatientList) list = NULL;
      guint with = 0;

      /* Baseline: the list read whole, every item made. */
      t0 = now_ms ();
      list = parasol_patient_list_new (store);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
        g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
      dtb = now_ms () - t0;

      t0 = now_ms ();
      if (rep == -2)
        {
          for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
            {
              g_autoptr(ParasolPatient) patient = g_list_model_get_item (G_LIST_MODEL (list), i);

              parasol_patient_list_get_course (list, protocol, patient);
            }
          one_by_one = now_ms () - t0;
          continue;
        }
      parasol_patient_list_load_courses (list, protocol);
      dt = now_ms () - t0;
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
        {
          g_autoptr(ParasolPatient) patient = g_list_model_get_item (G_LIST_MODEL (list), i);

          if (parasol_patient_list_get_course (list, NULL, patient) != NULL)
            with++;
        }
      n_with = with;
      if (rep >= 0)
        {
          push (t, dt);
          push (tb, dtb);
        }
    }
  peak = rss_peak_kb ();

  emit (name, n, median (t), "the same list read whole, every item made", median (tb), peak,
        "\"unit\": \"ms for every patient's course, in one pass\", \"per_patient_us\": %.1f, "
        "\"one_by_one_ms\": %.1f, \"with_course\": %u",
        median (t) * 1000.0 / MAX (n, 1), one_by_one, n_with);
}

/* ---- figure: audited writes ----------------------------------------------------------------- */

static char *
weight_value (int rep,
              int i)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Unique per (rep, i) within a run, 40.000 .. 79.999 kg: every write changes the value. */
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.3f", 40.0 + ((rep + 2) * 10007 + i) % 40000 * 0.001));
}

static double
store_writes (ParasolStore *store,
              GArray       *ids,
              int           n_writes,
              int           batch,
              int           rep)
{
  g_autoptr(GError) error = NULL;
  double t0 = now_ms ();

  for (int i = 0; i < n_writes; i++)
    {
      g_autofree char *value = weight_value (rep, i);
      gint64 id = g_array_index (ids, gint64, i % ids->len);

      if (batch > 1 && i % batch == 0 && !parasol_store_begin (store, &error))
        g_error ("begin: %s", error->message);
      if (!parasol_store_set_patient_field (store, id, "weight_kg", value, 0, "benchmark", &error))
        g_error ("set_patient_field: %s", error->message);
      if (batch > 1 && (i % batch == batch - 1 || i == n_writes - 1) &&
          !parasol_store_commit (store, &error))
        g_error ("commit: %s", error->message);
    }
  return now_ms () - t0;
}

static double
raw_writes (sqlite3 *db,
            GArray  *ids,
            int      n_writes,
            int      batch,
            int      rep)
{
  sqlite3_stmt *stmt = NULL;
  double t0 = now_ms ();

  if (sqlite3_prepare_v2 (db, "UPDATE patient SET weight_kg = ?1, version = version + 1 WHERE id = ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("update: %s", sqlite3_errmsg (db));
  for (int i = 0; i < n_writes; i++)
    {
      g_autofree char *value = weight_value (rep, i);

      if (batch > 1 && i % batch == 0)
        raw_exec (db, "BEGIN IMMEDIATE");
      sqlite3_bind_double (stmt, 1, g_ascii_strtod (value, NULL));
      sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i % ids->len));
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("update: %s", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
      if (batch > 1 && (i % batch == batch - 1 || i == n_writes - 1))
        raw_exec (db, "COMMIT");
    }
  sqlite3_finalize (stmt);
  return now_ms () - t0;
}

static void
figure_writes (int     n_writes,
               int     batch,
               int     reps,
               int     warm_up)
{
  g_autofree char *name = batch > 1 ? g_strdup_printf ("writes-batched-%d", batch)
                                    : g_strdup ("writes-single");
  g_autofree char *src = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *raw_path = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  sqlite3 *db;
  long peak = 0;
  gint64 audit_before, audit_after;
  double ms, bms;

  if (!wanted (name) && !wanted ("writes"))
    return;
  src = ensure_db (1000);
  progress ("%s (%d writes x %d)", name, n_writes, reps);
  store_path = copy_db (src, "writes-store.db");
  raw_path = copy_db (src, "writes-raw.db");
  store = open_store (store_path);
  ids = patient_ids (store);
  db = raw_open (raw_path, TRUE);

  {
    sqlite3 *check = raw_open (store_path, FALSE);

    audit_before = raw_int (check, "SELECT count(*) FROM audit");
    sqlite3_close (check);
  }

  /* Warm-up: a few writes each way. */
  store_writes (store, ids, warm_up, batch, -1);
  raw_writes (db, ids, warm_up, batch, -1);

  for (int rep = 0; rep < reps; rep++)
    {
      rss_reset ();
      push (t, store_writes (store, ids, n_writes, batch, rep));
      peak = MAX (peak, rss_peak_kb ());
      push (tb, raw_writes (db, ids, n_writes, batch, rep));
    }
  sqlite3_close (db);

  {
    sqlite3 *check = raw_open (store_path, FALSE);

    audit_after = raw_int (check, "SELECT count(*) FROM audit");
    sqlite3_close (check);
  }
  g_clear_object (&store);
  ms = median (t);
  bms = median (tb);

  if (batch > 1)
    emit (name, n_writes, ms, "bare SQLite UPDATE loop, same pragmas and batches", bms, peak,
          "\"per_write_ms\": %.4f, \"audit_rows_written\": %" G_GINT64_FORMAT ", \"reps\": %d",
          ms / n_writes, audit_after - audit_before, reps);
  else
    emit (name, n_writes, ms, "bare SQLite UPDATE loop, same pragmas, autocommit", bms, peak,
          "\"per_write_ms\": %.4f, \"audit_rows_written\": %" G_GINT64_FORMAT ", \"reps\": %d, "
          "\"note\": \"fsync-bound: one transaction per write, synchronous=FULL in WAL mode "
          "means one fdatasync of the WAL per commit for both sides; the figure measures the "
          "disk more than Parasol\"",
          ms / n_writes, audit_after - audit_before, reps);

  remove_db (store_path);
  remove_db (raw_path);
}

/* ---- figures: screening + assignment + doses, schedules ------------------------------------- */

static GPtrArray *
load_facts (ParasolStore *store,
            GArray       *ids,
            guint         limit)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) parasol_patient_facts_free);

  for (guint i = 0; i < ids->len && i < limit; i++)
    {
      g_autoptr(GError) error = NULL;
      ParasolPatientFacts *facts = parasol_store_load_patient (store, g_array_index (ids, gint64, i),
                                                               &error);
      if (facts == NULL)
        g_error ("load_patient: %s", error->message);
      g_ptr_array_add (all, facts);
    }
  return all;
}

/* As parasol-cli dose and the patient page build the input (core/parasol-patient-dosing.c),
 * without the audit-trail lookup of the weight's date (one more query per patient). */
static gboolean
dosing_input (const ParasolPatientFacts *f,
              const ParasolRegimen      *regimen,
              const GDate               *on,
              ParasolDosingInput        *in)
{
  ParasolPatientDosing pd;

  if (!parasol_patient_dosing_init (&pd, f, regimen, on, NULL, NULL))
    return FALSE;
  *in = pd.input;
  return TRUE;
}

typedef struct {
  guint eligible, not_eligible, incomplete;
  guint proposed, conflicts, dose_sets, dose_errors;
} ScreenCounts;

static void
screen_all (ParasolProtocol *protocol,
            GPtrArray       *all,
            ScreenCounts    *counts)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);

  memset (counts, 0, sizeof *counts);
  for (guint i = 0; i < all->len; i++)
    {
      const ParasolPatientFacts *f = g_ptr_array_index (all, i);
      g_autoptr(ParasolEligibility) elig = parasol_eligibility_evaluate (protocol, f, NULL);
      ParasolAssignment *asg = parasol_assignment_propose (protocol, f, elig->verdict);
      const char *arm = f->arm;
      ParasolDosingInput in;
      GDate on;

      switch (elig->verdict)
        {
        case PARASOL_VERDICT_ELIGIBLE: counts->eligible++; break;
        case PARASOL_VERDICT_NOT_ELIGIBLE: counts->not_eligible++; break;
        case PARASOL_VERDICT_INCOMPLETE: counts->incomplete++; break;
        }
      if (asg->proposed->len > 0)
        counts->proposed++;
      if (asg->conflict)
        counts->conflicts++;
      if (arm == NULL && asg->proposed->len == 1)
        arm = g_ptr_array_index (asg->proposed, 0);

      on = elig->evaluated_on;
      if (dosing_input (f, regimen, &on, &in))
        {
          g_autoptr(GError) error = NULL;
          ParasolDoseSet *set = parasol_dosing_compute (regimen, arm, f->ici, 1, &in, &error);

          if (set != NULL)
            counts->dose_sets++;
          else
            counts->dose_errors++;
          g_clear_pointer (&set, parasol_dose_set_free);
        }
      parasol_assignment_free (asg);
    }
}

static void
figure_screening (int n_db,
                  int n)
{
  g_autofree char *name = g_strdup_printf ("screening-assignment-doses-%d", n);
  g_autofree char *path = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GError) error = NULL;
  ScreenCounts counts;
  long peak = 0;
  double ms;

  if (!wanted (name) && !wanted ("screening"))
    return;
  path = ensure_db (n_db);
  progress ("%s", name);
  store = open_store (path);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    g_error ("protocol: %s", error->message);
  ids = patient_ids (store);

  /* Warm-up: both once. */
  all = load_facts (store, ids, n);
  screen_all (protocol, all, &counts);
  g_clear_pointer (&all, g_ptr_array_unref);

  for (int rep = 0; rep < bench.reps; rep++)
    {
      double t0;

      rss_reset ();
      t0 = now_ms ();
      all = load_facts (store, ids, n);
      push (tb, now_ms () - t0);

      t0 = now_ms ();
      screen_all (protocol, all, &counts);
      push (t, now_ms () - t0);
      peak = MAX (peak, rss_peak_kb ());
      g_clear_pointer (&all, g_ptr_array_unref);
    }

  ms = median (t);
  emit (name, MIN ((guint) n, ids->len), ms,
        "loading the same patients' facts from the store (parasol_store_load_patient)",
        median (tb), peak,
        "\"per_patient_ms\": %.4f, \"eligible\": %u, \"not_eligible\": %u, \"incomplete\": %u, "
        "\"arm_proposed\": %u, \"conflicts\": %u, \"dose_sets\": %u, \"dose_errors\": %u, "
        "\"note\": \"ms = eligibility + arm proposal + cycle-1 doses on facts loaded once; the "
        "baseline is the load itself, which any screen must pay first\"",
        ms / MIN ((guint) n, ids->len), counts.eligible, counts.not_eligible, counts.incomplete,
        counts.proposed, counts.conflicts, counts.dose_sets, counts.dose_errors);
}

typedef struct {
  guint schedules, cycles, visits, errors;
} ScheduleCounts;

/* As parasol-cli schedule and the patient page (parasol_patient_plan_build): the calendar, the
 * doses of every cycle, then the calendar again knowing them. */
static void
schedule_all (ParasolProtocol *protocol,
              GPtrArray       *all,
              ScheduleCounts  *counts)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (protocol);

  memset (counts, 0, sizeof *counts);
  for (guint i = 0; i < all->len; i++)
    {
      const ParasolPatientFacts *f = g_ptr_array_index (all, i);
      ParasolPatientPlan *plan = parasol_patient_plan_build (regimen, f, NULL, NULL, NULL);

      if (plan == NULL)
        {
          counts->errors++;
          continue;
        }
      counts->schedules++;
      counts->cycles += plan->schedule->cycles->len;
      counts->visits += plan->schedule->visits->len;
      parasol_patient_plan_free (plan);
    }
}

static void
figure_schedules (int n_db,
                  int n)
{
  g_autofree char *name = g_strdup_printf ("schedules-%d", n);
  g_autofree char *path = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) enrolled = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GError) error = NULL;
  ScheduleCounts counts;
  long peak = 0;
  double ms;

  if (!wanted (name) && !wanted ("schedules"))
    return;
  path = ensure_db (n_db);
  progress ("%s", name);
  store = open_store (path);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    g_error ("protocol: %s", error->message);
  ids = patient_ids (store);

  /* The first @n patients with a cycle 1 day 1. */
  all = load_facts (store, ids, ids->len);
  for (guint i = 0; i < all->len && enrolled->len < (guint) n; i++)
    {
      const ParasolPatientFacts *f = g_ptr_array_index (all, i);

      if (g_date_valid (&f->c1d1))
        g_array_append_val (enrolled, f->id);
    }
  g_clear_pointer (&all, g_ptr_array_unref);

  all = load_facts (store, enrolled, n);
  schedule_all (protocol, all, &counts);
  g_clear_pointer (&all, g_ptr_array_unref);

  for (int rep = 0; rep < bench.reps; rep++)
    {
      double t0;

      rss_reset ();
      t0 = now_ms ();
      all = load_facts (store, enrolled, n);
      push (tb, now_ms () - t0);

      t0 = now_ms ();
      schedule_all (protocol, all, &counts);
      push (t, now_ms () - t0);
      peak = MAX (peak, rss_peak_kb ());
      g_clear_pointer (&all, g_ptr_array_unref);
    }

  ms = median (t);
  emit (name, enrolled->len, ms,
        "loading the same patients' facts from the store (parasol_store_load_patient)",
        median (tb), peak,
        "\"per_patient_ms\": %.4f, \"schedules\": %u, \"cycles\": %u, \"visits\": %u, "
        "\"errors\": %u, \"note\": \"parasol_patient_plan_build, as parasol-cli schedule and the "
        "patient page: calendar, doses of every cycle, calendar again with the planned doses\"",
        ms / MAX (enrolled->len, 1), counts.schedules, counts.cycles, counts.visits, counts.errors);
}

/* ---- figure: printed schedules ------------------------------------------------------------ */

/* Every demo patient's schedule (those with a C1D1: the others have no calendar) printed into one
 * PDF: plan, layout, pages, PDF with embedded font subsets, written and moved into place. */
static double
print_all (ParasolStore    *store,
           ParasolProtocol *protocol,
           GArray          *ids,
           const char      *language,
           const char      *out,
           int             *pages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPrintout) doc = NULL;
  ParasolPrintoutOptions options;
  double t0 = now_ms ();

  parasol_printout_options_init (&options);
  options.language = language;
  doc = parasol_printout_new (&options, &error);
  if (doc == NULL)
    g_error ("printout: %s", error->message);
  for (guint i = 0; i < ids->len; i++)
    if (!parasol_printout_add_schedule (doc, store, protocol, g_array_index (ids, gint64, i), &error))
      g_error ("printout: %s", error->message);
  if (!parasol_printout_write_pdf (doc, out, TRUE, &error))
    g_error ("printout: %s", error->message);
  *pages = parasol_printout_get_n_pages (doc);
  return now_ms () - t0;
}

static void
figure_print (int n)
{
  g_autofree char *name = g_strdup_printf ("print-schedules-%d", n);
  g_autofree char *path = NULL;
  g_autofree char *out = g_build_filename (bench.tmp_dir, "schedules.pdf", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) enrolled = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tz = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GError) error = NULL;
  const ParasolRegimen *regimen;
  int pages = 0, pages_zh = 0;
  long peak = 0;
  struct stat st;

  if (!wanted (name) && !wanted ("print"))
    return;
  path = ensure_db (n);
  progress ("%s", name);
  /* the Chinese copy needs the build tree's catalog */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("PARASOL_LOCALEDIR") ? g_getenv ("PARASOL_LOCALEDIR")
                                                                  : PARASOL_BENCH_LOCALEDIR);
  store = open_store (path);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    g_error ("protocol: %s", error->message);
  regimen = parasol_protocol_get_regimen (protocol);
  ids = patient_ids (store);
  all = load_facts (store, ids, ids->len);
  for (guint i = 0; i < all->len; i++)
    {
      const ParasolPatientFacts *f = g_ptr_array_index (all, i);

      if (g_date_valid (&f->c1d1))
        g_array_append_val (enrolled, f->id);
    }
  g_clear_pointer (&all, g_ptr_array_unref);

  /* warm-up: fonts, catalogs */
  print_all (store, protocol, enrolled, "en", out, &pages);
  print_all (store, protocol, enrolled, "zh_CN", out, &pages_zh);

  for (int rep = 0; rep < bench.reps; rep++)
    {
      double t0;

      /* baseline: the schedule engine alone for the same patients (load, weight date, plan) */
      t0 = now_ms ();
      for (guint i = 0; i < enrolled->len; i++)
        {
          gint64 id = g_array_index (enrolled, gint64, i);
          g_autoptr(ParasolPatientFacts) f = parasol_store_load_patient (store, id, NULL);
          GDate wd = parasol_patient_weight_date (store, id);
          ParasolPatientPlan *plan = parasol_patient_plan_build (regimen, f, &wd, NULL, NULL);

          parasol_patient_plan_free (plan);
        }
      push (tb, now_ms () - t0);

      rss_reset ();
      push (t, print_all (store, protocol, enrolled, "en", out, &pages));
      push (tz, print_all (store, protocol, enrolled, "zh_CN", out, &pages_zh));
      peak = MAX (peak, rss_peak_kb ());
    }

  if (g_stat (out, &st) != 0)
    st.st_size = 0;
  emit (name, enrolled->len, median (t),
        "the schedule engine alone for the same patients (load, weight date, "
        "parasol_patient_plan_build)",
        median (tb), peak,
        "\"pages\": %d, \"zh_CN_ms\": %.3f, \"zh_CN_pages\": %d, \"pdf_bytes_zh_CN\": %lld, "
        "\"target_ms\": 1000, \"note\": \"every demo patient with a C1D1, default cycles, A4, "
        "one PDF written atomically; zh_CN_ms: the same in Chinese with the CJK font subset\"",
        pages, median (tz), pages_zh, (long long) st.st_size);
}

/* ---- figure: start-up ----------------------------------------------------------------------- */

static void
figure_startup (int n)
{
  g_autofree char *name = g_strdup_printf ("startup-%d", n);
#ifdef PARASOL_BENCH_APP
  g_autofree char *path = NULL;
  g_autofree char *schema_env = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GArray) self_t = doubles ();
  g_autoptr(GArray) self_tb = doubles ();
  long peak = 0, bpeak = 0;
  const char *env_extra[4] = { "PARASOL_BENCH_STARTUP=1", NULL, NULL, NULL };
  int failures = 0;
#endif

  if (!wanted (name) && !wanted ("startup"))
    return;
#ifndef PARASOL_BENCH_APP
  emit_skip (name, n, "built with -Dgui=false: no parasol to start");
  return;
#else
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      emit_skip (name, n, "no DISPLAY or WAYLAND_DISPLAY: run under a display, e.g. "
                          "xvfb-run -a -s '-screen 0 1280x1024x24'");
      return;
    }
  path = ensure_db (n);
  progress ("%s", name);
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    {
      schema_env = g_strdup ("GSETTINGS_SCHEMA_DIR=" PARASOL_BENCH_SCHEMA_DIR);
      env_extra[1] = schema_env;
    }

  for (int rep = -1; rep < bench.reps; rep++)
    {
      const char *app_argv[] = { PARASOL_BENCH_APP, "--database", path, NULL };
      const char *bare_argv[] = { PARASOL_BENCH_BARE_WINDOW, NULL };
      Spawned app, bare;

      spawn_measure (app_argv, env_extra, "startup_ms", &app);
      spawn_measure (bare_argv, env_extra, "startup_ms", &bare);
      if (isnan (app.marker_ms) || isnan (bare.marker_ms))
        {
          failures++;
          progress ("start-up: no {\"startup_ms\"} line (app exit %d: %s; bare exit %d: %s)",
                    app.status, app.out, bare.status, bare.out);
        }
      else if (rep >= 0)
        {
          push (t, app.marker_ms);
          push (tb, bare.marker_ms);
          push (self_t, json_number (app.out, "startup_ms"));
          push (self_tb, json_number (bare.out, "startup_ms"));
          peak = MAX (peak, app.maxrss_kb);
          bpeak = MAX (bpeak, bare.maxrss_kb);
        }
      spawned_clear (&app);
      spawned_clear (&bare);
      if (failures > 2)
        {
          emit_skip (name, n, "the programs did not report their first frame (see stderr; "
                              "PARASOL_BENCH_VERBOSE=1 shows their output)");
          return;
        }
    }

  emit (name, n, median (t), "bare AdwApplicationWindow + header bar + empty list view",
        median (tb), peak,
        "\"measured\": \"fork to the {startup_ms} line after the first frame\", "
        "\"self_reported_ms\": %.1f, \"baseline_self_reported_ms\": %.1f, "
        "\"baseline_peak_rss_kb\": %ld, \"gsk_renderer\": \"%s\", \"target_ratio\": 1.3",
        median (self_t), median (self_tb), bpeak,
        g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
#endif
}

/* ---- figure: demo --------------------------------------------------------------------------- */

static gint64
count_all_rows (const char *path,
                gint64     *bytes)
{
  sqlite3 *db = raw_open (path, FALSE);
  sqlite3_stmt *stmt = NULL;
  gint64 rows = 0;
  GStatBuf st;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                              "name NOT LIKE 'sqlite_%'", -1, &stmt, NULL) != SQLITE_OK)
    g_error ("tables: %s", sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"",
                                              (const char *) sqlite3_column_text (stmt, 0));
      rows += raw_int (db, sql);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  *bytes = g_stat (path, &st) == 0 ? st.st_size : 0;
  return rows;
}

/* Baseline: @rows rows of @row_bytes each, in @commits transactions, same pragmas. */
static double
raw_inserts (const char *path,
             gint64      rows,
             int         row_bytes,
             int         commits)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *payload = g_strnfill (MAX (row_bytes - 40, 8), 'x');
  gint64 per_commit = (rows + commits - 1) / commits;
  double t0;

  remove_db (path);
  t0 = now_ms ();
  db = raw_open (path, TRUE);
  raw_exec (db, "CREATE TABLE bare (id INTEGER PRIMARY KEY, patient INTEGER NOT NULL, "
                "at TEXT NOT NULL, value REAL, payload TEXT)");
  if (sqlite3_prepare_v2 (db, "INSERT INTO bare (patient, at, value, payload) VALUES (?1, ?2, ?3, ?4)",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("insert: %s", sqlite3_errmsg (db));
  for (gint64 i = 0; i < rows; i++)
    {
      if (i % per_commit == 0)
        raw_exec (db, "BEGIN IMMEDIATE");
      sqlite3_bind_int64 (stmt, 1, i / 135);
      sqlite3_bind_text (stmt, 2, "2026-11-20T10:00:00.000000Z", -1, SQLITE_STATIC);
      sqlite3_bind_double (stmt, 3, i * 0.5);
      sqlite3_bind_text (stmt, 4, payload, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
      if (i % per_commit == per_commit - 1 || i == rows - 1)
        raw_exec (db, "COMMIT");
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return now_ms () - t0;
}

static void
figure_demo (int n)
{
  g_autofree char *name = g_strdup_printf ("demo-%d", n);
  g_autofree char *path = NULL;
  g_autofree char *raw_path = g_build_filename (bench.tmp_dir, "demo-raw.db", NULL);
  g_autofree char *cached = cached_db_path (n);
  g_autofree char *warm = g_build_filename (bench.tmp_dir, "demo-warm.db", NULL);
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) t_self = doubles ();
  g_autoptr(GArray) tb = doubles ();
  gint64 rows = 0, bytes = 0;
  long peak = 0;
  int commits = (n + DEMO_BATCH - 1) / DEMO_BATCH;
  int row_bytes;
  double ms, bms;
  Spawned run;

  if (!wanted (name) && !wanted ("demo"))
    return;
  progress ("%s (%d repetitions; each writes the whole trial)", name, bench.demo_reps);

  /* Warm-up: a small demo (page cache for the program, the protocol, the folder). */
  run_demo (200, warm, &run);
  spawned_clear (&run);
  remove_db (warm);

  for (int rep = 0; rep < bench.demo_reps; rep++)
    {
      g_free (path);
      path = g_build_filename (bench.tmp_dir, "demo-run.db", NULL);
      if (!run_demo (n, path, &run))
        g_error ("parasol-cli demo --patients %d failed (exit %d): %s", n, run.status, run.out);
      push (t, run.exit_ms);
      push (t_self, json_number (run.out, "seconds") * 1000);
      peak = MAX (peak, run.maxrss_kb);
      spawned_clear (&run);

      if (rows == 0)
        {
          rows = count_all_rows (path, &bytes);
          row_bytes = (int) MAX (bytes / MAX (rows, 1), 48);
        }
      /* Keep one for the other figures when the cache lacks it. */
      if (!db_usable (cached, n))
        {
          remove_db (cached);
          if (g_rename (path, cached) != 0)
            remove_db (path);
        }
      else
        remove_db (path);

      push (tb, raw_inserts (raw_path, rows, row_bytes, commits));
      remove_db (raw_path);
    }

  ms = median (t);
  bms = median (tb);
  emit (name, n, ms, "bare SQLite INSERT loop: same row count, mean row size, commits and pragmas",
        bms, peak,
        "\"seconds\": %.2f, \"populate_seconds\": %.2f, \"rows\": %" G_GINT64_FORMAT ", "
        "\"rows_per_s\": %.0f, \"baseline_rows_per_s\": %.0f, \"db_bytes\": %" G_GINT64_FORMAT ", "
        "\"commits\": %d, \"reps\": %d, "
        "\"note\": \"ms = whole parasol-cli demo process (open, protocol, populate, close); rows = "
        "every row in every table, audit included\"",
        ms / 1000, median (t_self) / 1000, rows, rows / (ms / 1000), rows / (bms / 1000), bytes,
        commits, bench.demo_reps);
}

/* ---- figures: the swimmer plot -------------------------------------------------------------- */

#define SWIMMER_W 1600
#define SWIMMER_H 1000

/* @n treated patients in four arms, with an assessment every six weeks while on treatment, PD
 * and a discontinuation at the end for those off treatment (about half), as in the demo. */
static ParasolSwimmerPlot *
synthetic_swimmer (ParasolProtocol *protocol,
                   guint            n)
{
  static const char *const arms[] = { "dll3", "xpo1", "anlotinib", "control" };
  static const char *const responses[] = { "SD", "PR", "PR", "SD", "CR" };
  ParasolSwimmerOptions options;
  ParasolSwimmerPlot *plot;
  GRand *rand = g_rand_new_with_seed (SEED);

  parasol_swimmer_options_init (&options);
  g_date_set_dmy (&options.today, 30, 11, 2026);
  plot = parasol_swimmer_plot_new (protocol, &options);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParasolPatientFacts) f = parasol_patient_facts_new ();
      gboolean stops = g_rand_double (rand) < 0.6;
      int weeks = g_rand_int_range (rand, 6, 90);
      GDate end;

      f->id = i + 1;
      f->subject_number = g_strdup_printf ("BT-%05u", i + 1);
      f->arm = g_strdup (arms[g_rand_int_range (rand, 0, 4)]);
      f->status = g_strdup (stops ? "off_treatment" : "on_treatment");
      g_date_set_dmy (&f->c1d1, 1, 1, 2025);
      g_date_add_days (&f->c1d1, g_rand_int_range (rand, 0, 600));
      end = f->c1d1;
      g_date_add_days (&end, weeks * 7);
      for (int k = 1; k * 42 <= weeks * 7; k++)
        {
          ParasolResponse *r = parasol_response_new ();

          r->date = f->c1d1;
          g_date_add_days (&r->date, k * 42);
          r->response = g_strdup (stops && (k + 1) * 42 > weeks * 7 ? "PD"
                                  : responses[g_rand_int_range (rand, 0, 5)]);
          g_ptr_array_add (f->responses, r);
        }
      if (stops)
        {
          ParasolEvent *e = parasol_event_new ();

          e->date = end;
          e->kind = g_strdup ("discontinuation");
          e->reason = g_strdup ("Progression");
          g_ptr_array_add (f->events, e);
        }
      parasol_swimmer_plot_add_facts (plot, f);
    }
  g_rand_free (rand);
  parasol_swimmer_plot_arrange (plot, PARASOL_SWIMMER_GROUP_ARM, PARASOL_SWIMMER_SORT_DURATION);
  return plot;
}

/* Baseline: a bare Cairo loop filling the same lane rectangles (one fill each, in the arm's
 * colour) and, where the renderer draws marks (3 or more units per lane), one diamond per mark
 * and an arrow per ongoing lane, on the same surface. */
static ParasolSwimmerRect bare_area;

static void
bare_swimmer (ParasolSwimmerPlot *plot,
              cairo_t            *cr,
              guint              *n_rects,
              guint              *n_marks)
{
  ParasolSwimmerRect area = bare_area;
  guint n = parasol_swimmer_plot_get_n_lanes (plot);
  double pitch, x0 = 120, x1 = SWIMMER_W - 40, max_day = 1;
  gboolean marks;

  pitch = area.height / MAX (n, 1);
  marks = pitch >= 3;
  for (guint i = 0; i < n; i++)
    max_day = MAX (max_day, parasol_swimmer_plot_get_lane (plot, i)->duration_days);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  *n_rects = *n_marks = 0;
  for (guint i = 0; i < n; i++)
    {
      const ParasolSwimmerLane *lane = parasol_swimmer_plot_get_lane (plot, i);
      double y = area.y + i * pitch, rgb[3];

      parasol_swimmer_plot_arm_color (plot, lane->arm, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, x0, y + pitch * 0.2, (x1 - x0) * lane->duration_days / max_day,
                       pitch * 0.6);
      cairo_fill (cr);
      (*n_rects)++;
      if (!marks)
        continue;
      cairo_set_source_rgb (cr, 0, 0, 0);
      for (guint k = 0; k < lane->marks->len; k++)
        {
          double x = x0 + (x1 - x0) * g_array_index (lane->marks, ParasolSwimmerMark, k).day / max_day;
          double r = pitch * 0.36, cy = y + pitch / 2;

          cairo_move_to (cr, x, cy - r);
          cairo_line_to (cr, x + r, cy);
          cairo_line_to (cr, x, cy + r);
          cairo_line_to (cr, x - r, cy);
          cairo_close_path (cr);
          cairo_fill (cr);
          (*n_marks)++;
        }
      if (lane->ongoing)
        {
          double x = x0 + (x1 - x0) * lane->duration_days / max_day, cy = y + pitch / 2;

          cairo_move_to (cr, x, cy - pitch * 0.4);
          cairo_line_to (cr, x + pitch * 0.6, cy);
          cairo_line_to (cr, x, cy + pitch * 0.4);
          cairo_close_path (cr);
          cairo_fill (cr);
          (*n_marks)++;
        }
    }
}

static void
figure_swimmer_render (guint n)
{
  g_autofree char *name = g_strdup_printf ("swimmer-render-%u", n);
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolSwimmerPlot) plot = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GArray) c = doubles ();
  g_autoptr(GArray) cb = doubles ();
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint n_rects = 0, n_marks = 0, reps = MAX (bench.reps, 5) * 2;
  long peak = 0;

  if (!wanted (name) && !wanted ("swimmer"))
    return;
  progress ("%s", name);
  protocol = parasol_protocol_new_default (&error);
  if (protocol == NULL)
    g_error ("protocol: %s", error->message);
  plot = synthetic_swimmer (protocol, n);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SWIMMER_W, SWIMMER_H);
  cr = cairo_create (surface);

  /* the lane area, as the renderer lays it out (not timed) */
  parasol_swimmer_layout_lane_area (plot, SWIMMER_W, SWIMMER_H, NULL, &bare_area, NULL);
  /* warm-up: fonts, glyph caches */
  parasol_swimmer_render (plot, cr, SWIMMER_W, SWIMMER_H, NULL);
  bare_swimmer (plot, cr, &n_rects, &n_marks);

  for (guint rep = 0; rep < reps; rep++)
    {
      double t0, c0;

      /* interleaved, alternating which goes first */
      for (int k = 0; k < 2; k++)
        {
          rss_reset ();
          t0 = now_ms ();
          c0 = cpu_ms ();
          if ((k + rep) % 2 == 0)
            {
              parasol_swimmer_render (plot, cr, SWIMMER_W, SWIMMER_H, NULL);
              cairo_surface_flush (surface);
              push (c, cpu_ms () - c0);
              push (t, now_ms () - t0);
              peak = MAX (peak, rss_peak_kb ());
            }
          else
            {
              bare_swimmer (plot, cr, &n_rects, &n_marks);
              cairo_surface_flush (surface);
              push (cb, cpu_ms () - c0);
              push (tb, now_ms () - t0);
            }
        }
    }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  emit (name, n, median (t),
        "bare Cairo loop: the same lane rectangles and marks, one fill each, same surface",
        median (tb), peak,
        "\"cpu_ms\": %.3f, \"baseline_cpu_ms\": %.3f, \"cpu_ratio\": %.3f, "
        "\"width\": %d, \"height\": %d, \"rects\": %u, \"marks\": %u, \"target_ratio\": 1.5, "
        "\"note\": \"parasol_swimmer_render on a 1600x1000 ARGB surface: layout, title, legend, "
        "gridlines, lanes, marks, labels, axis, caption (Pango text); synthetic treated patients\"",
        median (c), median (cb), median (c) / MAX (median (cb), 1e-6),
        SWIMMER_W, SWIMMER_H, n_rects, n_marks);
}

static void
figure_swimmer_export (int n_db)
{
  g_autofree char *name = g_strdup_printf ("swimmer-export-png-%d", n_db);
  g_autofree char *path = NULL;
  g_autofree char *out = g_build_filename (bench.tmp_dir, "swimmer.png", NULL);
  g_autofree char *bare = g_build_filename (bench.tmp_dir, "swimmer-bare.png", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GArray) t_model = doubles ();
  g_autoptr(GError) error = NULL;
  guint lanes = 0;
  long peak = 0;

  if (!wanted (name) && !wanted ("swimmer"))
    return;
  path = ensure_db (n_db);
  progress ("%s", name);
  store = open_store (path);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    g_error ("protocol: %s", error->message);

  for (int rep = -1; rep < bench.reps; rep++)
    {
      g_autoptr(ParasolSwimmerPlot) plot = NULL;
      cairo_surface_t *surface;
      double t0, t1;

      rss_reset ();
      t0 = now_ms ();
      plot = parasol_swimmer_plot_new_from_store (store, protocol, NULL, &error);
      if (plot == NULL)
        g_error ("swimmer: %s", error->message);
      t1 = now_ms ();
      if (!parasol_swimmer_export (plot, out, PARASOL_SWIMMER_FORMAT_PNG, SWIMMER_W, SWIMMER_H, 96,
                                   NULL, TRUE, &error))
        g_error ("export: %s", error->message);
      if (rep >= 0)
        {
          push (t, now_ms () - t0);
          push (t_model, t1 - t0);
        }
      peak = MAX (peak, rss_peak_kb ());
      lanes = parasol_swimmer_plot_get_n_lanes (plot);

      /* the encoder alone, on the same image */
      surface = parasol_swimmer_render_image (plot, SWIMMER_W, SWIMMER_H, 96, NULL);
      t0 = now_ms ();
      if (cairo_surface_write_to_png (surface, bare) != CAIRO_STATUS_SUCCESS)
        g_error ("cannot write %s", bare);
      if (rep >= 0)
        push (tb, now_ms () - t0);
      cairo_surface_destroy (surface);
    }

  emit (name, lanes, median (t), "cairo_surface_write_to_png alone on the same 1600x1000 surface",
        median (tb), peak,
        "\"patients_in_db\": %d, \"model_ms\": %.3f, \"width\": %d, \"height\": %d, "
        "\"note\": \"parasol_swimmer_plot_new_from_store + parasol_swimmer_export (render, PNG "
        "encode, temporary file, rename), as parasol-cli swimmer; n = lanes (treated patients)\"",
        n_db, median (t_model), SWIMMER_W, SWIMMER_H);
}

/* ---- CDISC ODM export and import ------------------------------------------------------------ */

/* A synthetic trial for the ODM figures: @n enrolled patients, each with 12 cycles of four
 * administrations, nine screening labs, a biomarker, an attestation, an arm decision and four
 * responses, written through the audited store functions, 250 patients per transaction. */
static char *
odm_trial (int n)
{
  static const char *const labs[] = { "anc", "plt", "hgb", "ast", "alt", "tbil", "creatinine",
                                       "inr", "aptt" };
  static const double values[] = { 3.2, 210, 128, 30, 28, 12, 80, 1.0, 30 };
  static const char *const drugs[] = { "etoposide", "carboplatin", "durvalumab", "selinexor" };
  g_autofree char *name = g_strdup_printf ("odm-%d-v%d-%s.db", n, PARASOL_STORE_SCHEMA_VERSION,
                                           demo_fingerprint ());
  char *path = g_build_filename (bench.data_dir, name, NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  progress ("building the ODM trial of %d patients x 12 cycles (cached in %s)", n, path);
  protocol = parasol_protocol_new_default (&error);
  store = parasol_store_open (path, PARASOL_STORE_OPEN_CREATE, &error);
  if (store == NULL ||
      !parasol_store_init_trial (store, parasol_protocol_get_id (protocol),
                                 parasol_protocol_get_registry_id (protocol),
                                 parasol_protocol_get_title (protocol),
                                 parasol_protocol_get_version (protocol),
                                 parasol_protocol_get_source (protocol), &error))
    g_error ("%s", error->message);

  for (int i = 0; i < n; i++)
    {
      g_autoptr(ParasolPatientFacts) p = parasol_patient_facts_new ();
      GDate day;
      gint64 id;

      if (i % 250 == 0 && !parasol_store_begin (store, &error))
        g_error ("%s", error->message);
      p->screening_number = g_strdup_printf ("S-%06d", i + 1);
      p->subject_number = g_strdup_printf ("BT-%06d", i + 1);
      p->initials = g_strdup ("ABC");
      p->site = g_strdup (i % 2 ? "Tianjin" : "Beijing");
      p->status = g_strdup ("on_treatment");
      p->arm = g_strdup ("xpo1");
      p->ici = g_strdup ("durvalumab");
      p->sex = i % 2 ? PARASOL_SEX_FEMALE : PARASOL_SEX_MALE;
      p->ecog = i % 2;
      p->liver_metastases = PARASOL_TRI_NO;
      p->liver_infiltration = PARASOL_TRI_NO;
      p->height_cm = 160 + i % 30;
      p->weight_kg = 55 + i % 40;
      p->dose_weight_kg = p->weight_kg;
      g_date_set_dmy (&p->birth_date, 1 + i % 28, 1 + i % 12, 1950 + i % 20);
      g_date_set_dmy (&p->screening_date, 5, 1, 2025);
      g_date_set_dmy (&p->c1d1, 20, 1, 2025);
      id = parasol_store_add_patient (store, p, &error);
      if (id == 0)
        g_error ("%s", error->message);

      for (guint l = 0; l < G_N_ELEMENTS (labs); l++)
        {
          ParasolLabResult lab = { 0, (char *) labs[l], values[l] * (1 + (i % 7) / 50.0), NULL,
                                   NAN, NULL, NAN };
          const ParasolLabDef *def = parasol_protocol_find_lab (protocol, labs[l]);

          lab.unit = def->unit;
          lab.value_entered = lab.value;
          lab.unit_entered = def->unit;
          lab.uln = def->needs_uln ? values[l] * 1.5 : NAN;
          g_date_set_dmy (&lab.date, 10, 1, 2025);
          if (parasol_store_add_lab (store, id, &lab, NULL, &error) == 0)
            g_error ("%s", error->message);
        }
      {
        ParasolBiomarkerResult m = { 0, (char *) "myc", PARASOL_MARKER_METHOD_PERCENT, 40,
                                     { NAN, NAN, NAN }, FALSE };
        ParasolAttestation a = { 0, (char *) "inc-01", TRUE, (char *) "histology", NULL };

        g_date_set_dmy (&m.date, 8, 1, 2025);
        g_date_set_dmy (&a.date, 12, 1, 2025);
        if (parasol_store_add_biomarker (store, id, &m, NULL, &error) == 0 ||
            parasol_store_set_attestation (store, id, &a, NULL, &error) == 0 ||
            parasol_store_record_assignment (store, id, "xpo1", "xpo1", "1.0",
                                             "MYC nuclear 40 %", &error) == 0)
          g_error ("%s", error->message);
      }
      g_date_set_dmy (&day, 20, 1, 2025);
      for (int c = 1; c <= 12; c++)
        {
          ParasolCycleRecord cycle = { 0, c, day, (char *) "started", NULL };

          if (parasol_store_set_cycle (store, id, &cycle, NULL, &error) == 0)
            g_error ("%s", error->message);
          for (guint d = 0; d < G_N_ELEMENTS (drugs); d++)
            {
              ParasolAdministration a = { 0, c, (char *) drugs[d], day, 100 + d * 50,
                                          (char *) "mg", NULL, NULL, FALSE };

              if (parasol_store_add_administration (store, id, &a, &error) == 0)
                g_error ("%s", error->message);
            }
          if (c % 3 == 0)
            {
              ParasolResponse r = { 0, day, (char *) (c < 12 ? "PR" : "SD") };
              if (parasol_store_add_response (store, id, &r, &error) == 0)
                g_error ("%s", error->message);
            }
          g_date_add_days (&day, 21);
        }
      if ((i % 250 == 249 || i == n - 1) && !parasol_store_commit (store, &error))
        g_error ("%s", error->message);
    }
  return path;
}

static double
file_mb (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 ? st.st_size / 1e6 : NAN;
}

static void
figure_odm (int  n,
            gboolean with_import)
{
  g_autofree char *name = g_strdup_printf ("odm-export-%d", n);
  g_autofree char *import_name = g_strdup_printf ("odm-import-%d", n);
  g_autofree char *db = NULL;
  g_autofree char *xml = g_build_filename (bench.tmp_dir, "odm.xml", NULL);
  g_autofree char *empty = g_build_filename (bench.tmp_dir, "odm-empty.db", NULL);
  g_autoptr(GArray) t_export = doubles ();
  g_autoptr(GArray) t_lint = doubles ();
  g_autoptr(GArray) t_import = doubles ();
  long export_peak = 0, lint_peak = 0, import_peak = 0;
  /* The memory-only figure (10 000 patients, 400 MB, and xmllint building its whole tree) once. */
  int reps = bench.quick || !with_import ? 1 : 3;
  double mb;
  Spawned run;

  if (!wanted (name) && !wanted (import_name) && !wanted ("odm"))
    return;
  db = odm_trial (n);
  progress ("%s (%d repetitions)", name, reps);

  for (int rep = 0; rep < reps; rep++)
    {
      const char *export_argv[] = { bench.cli, "export-odm", "--database", db, "--out", xml,
                                    "--force", NULL };
      const char *lint_argv[] = { "/usr/bin/xmllint", "--noout", xml, NULL };

      if (!spawn_measure (export_argv, NULL, NULL, &run) || run.status != 0)
        g_error ("parasol-cli export-odm failed (exit %d)", run.status);
      push (t_export, run.exit_ms);
      export_peak = MAX (export_peak, run.maxrss_kb);
      spawned_clear (&run);
      if (!spawn_measure (lint_argv, NULL, NULL, &run) || run.status != 0)
        g_error ("xmllint --noout failed (exit %d)", run.status);
      push (t_lint, run.exit_ms);
      lint_peak = MAX (lint_peak, run.maxrss_kb);
      spawned_clear (&run);

      if (with_import)
        {
          const char *init_argv[] = { bench.cli, "init", "--database", empty, NULL };
          const char *import_argv[] = { bench.cli, "import-odm", xml, "--database", empty, NULL };

          remove_db (empty);
          if (!spawn_measure (init_argv, NULL, NULL, &run) || run.status != 0)
            g_error ("parasol-cli init failed (exit %d)", run.status);
          spawned_clear (&run);
          if (!spawn_measure (import_argv, NULL, NULL, &run) || run.status != 0)
            g_error ("parasol-cli import-odm failed (exit %d): %s", run.status, run.out);
          push (t_import, run.exit_ms);
          import_peak = MAX (import_peak, run.maxrss_kb);
          spawned_clear (&run);
        }
    }

  mb = file_mb (xml);
  emit (name, n, median (t_export), "xmllint --noout on the same file", median (t_lint),
        export_peak,
        "\"cycles_per_patient\": 12, \"mb\": %.1f, \"mb_per_s\": %.1f, "
        "\"baseline_mb_per_s\": %.1f, \"baseline_peak_rss_kb\": %ld, \"reps\": %d, "
        "\"note\": \"ms = whole parasol-cli export-odm process (open, protocol, write, fsync, "
        "rename); peak_rss_kb from wait4\"",
        mb, mb / (median (t_export) / 1000), mb / (median (t_lint) / 1000), lint_peak, reps);
  if (with_import)
    emit (import_name, n, median (t_import), "xmllint --noout on the same file", median (t_lint),
          import_peak,
          "\"cycles_per_patient\": 12, \"mb\": %.1f, \"mb_per_s\": %.1f, "
          "\"baseline_mb_per_s\": %.1f, \"reps\": %d, "
          "\"note\": \"ms = whole parasol-cli import-odm process into an empty database: guard "
          "scan, streaming parse with ODM 1.3.2 schema validation, every value checked and "
          "written with its audit row, one transaction\"",
          mb, mb / (median (t_import) / 1000), mb / (median (t_lint) / 1000), reps);
  remove_db (empty);
  g_unlink (xml);
}

/* ---- lab import ------------------------------------------------------------------------------ */

/* `lab import` of @n_rows distinct results for @n_patients patients (issue 12: 80,000 rows took
 * 20 s, quadratic in the rows).  ms = parse, check and store in one transaction, with an audit
 * row per result; the baseline is a bare INSERT loop of the same number of rows in one
 * transaction with the store's pragmas.  A ratio that stays flat from 80,000 to 1,000,000 rows
 * says the importer is linear. */
static void
figure_lab_import (int n_rows,
                   int n_patients)
{
  g_autofree char *name = g_strdup_printf ("lab-import-%d", n_rows);
  g_autofree char *raw_path = g_build_filename (bench.tmp_dir, "import-raw.db", NULL);
  g_autoptr(GArray) t = doubles ();
  g_autoptr(GArray) t_parse = doubles ();
  g_autoptr(GArray) tb = doubles ();
  g_autoptr(GString) csv = g_string_new ("patient,test,value,unit,uln,date\n");
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  int reps = n_rows >= 500000 ? 1 : bench.reps;
  long peak = 0;

  if (!wanted (name) && !wanted ("lab-import"))
    return;
  progress ("%s (%d patients, %d repetitions)", name, n_patients, reps);
  protocol = parasol_protocol_new_default (&error);
  if (protocol == NULL)
    g_error ("%s", error->message);

  /* Distinct results: patient i % P, a platelet count on one of 4000 past days */
  for (int i = 0; i < n_rows; i++)
    {
      int p = i % n_patients, k = i / n_patients;
      GDate d;
      char iso[PARASOL_DATE_BUF_SIZE];

      g_date_clear (&d, 1);
      g_date_set_dmy (&d, 1, 1, 2010);
      g_date_add_days (&d, k % 4000);
      g_string_append_printf (csv, "B-%05d,PLT,%d,10^9/L,,%s\n", p, 100 + k / 4000,
                              parasol_date_format (&d, iso, sizeof iso));
    }

  for (int rep = 0; rep < reps; rep++)
    {
      g_autofree char *path = g_build_filename (bench.tmp_dir, "import.db", NULL);
      g_autoptr(ParasolStore) store = NULL;
      g_autoptr(ParasolLabImport) import = NULL;
      double t0, t1;

      remove_db (path);
      store = parasol_store_open (path, PARASOL_STORE_OPEN_CREATE, &error);
      if (store == NULL ||
          !parasol_store_init_trial (store, parasol_protocol_get_id (protocol),
                                     parasol_protocol_get_registry_id (protocol),
                                     parasol_protocol_get_title (protocol),
                                     parasol_protocol_get_version (protocol),
                                     parasol_protocol_get_source (protocol), &error) ||
          !parasol_store_begin (store, &error))
        g_error ("%s", error->message);
      for (int p = 0; p < n_patients; p++)
        {
          g_autoptr(ParasolPatientFacts) f = parasol_patient_facts_new ();

          f->screening_number = g_strdup_printf ("B-%05d", p);
          f->sex = PARASOL_SEX_FEMALE;
          g_date_set_dmy (&f->birth_date, 1, 1, 1960);
          g_date_set_dmy (&f->screening_date, 1, 1, 2010);
          if (parasol_store_add_patient (store, f, &error) == 0)
            g_error ("%s", error->message);
        }
      if (!parasol_store_commit (store, &error))
        g_error ("%s", error->message);

      rss_reset ();
      t0 = now_ms ();
      import = parasol_lab_import_parse (store, protocol, csv->str, csv->len, "bench.csv",
                                         PARASOL_LAB_IMPORT_DEFAULT, &error);
      t1 = now_ms ();
      if (import == NULL || !parasol_lab_import_commit (store, import, &error))
        g_error ("%s", error->message);
      push (t, now_ms () - t0);
      push (t_parse, t1 - t0);
      peak = MAX (peak, rss_peak_kb ());
      if (import->rows->len != (guint) n_rows)
        g_error ("imported %u of %d rows", import->rows->len, n_rows);
      g_clear_object (&store);
      remove_db (path);

      push (tb, raw_inserts (raw_path, n_rows, 100, 1));
      remove_db (raw_path);
    }

  emit (name, n_rows, median (t), "bare SQLite INSERT loop: same rows, one transaction, same pragmas",
        median (tb), peak,
        "\"parse_check_ms\": %.1f, \"rows_per_s\": %.0f, \"patients\": %d, \"csv_bytes\": %"
        G_GSIZE_FORMAT ", \"reps\": %d, \"note\": \"ms = parasol_lab_import_parse + commit (an "
        "audit row per result); issue 12 measured 80,000 rows at 20 s before\"",
        median (t_parse), n_rows / (median (t) / 1000), n_patients, csv->len, reps);
}

/* ---- main ----------------------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *only = NULL;
  gboolean quick = FALSE;
  gboolean keep_tmp = FALSE;
  int reps = 0, demo_reps = 0;
  const GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Smaller N and fewer repetitions (CI smoke)", NULL },
    { "only", 'o', 0, G_OPTION_ARG_STRING, &only,
      "Only the figures whose name starts with NAME (demo, patient-list, store-open, audit-check, "
      "filter, courses, writes, screening, schedules, print, startup, swimmer, protocol-load, odm, "
      "lab-import)", "NAME" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Where demo databases are cached (default $XDG_CACHE_HOME/parasol-bench)", "DIR" },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "Repetitions per figure (default 5, quick 3)", "N" },
    { "demo-reps", 0, 0, G_OPTION_ARG_INT, &demo_reps,
      "Repetitions of the demo figure (default 3, quick 1)", "N" },
    { "keep-tmp", 0, 0, G_OPTION_ARG_NONE, &keep_tmp, "Keep the temporary folder", NULL },
    { NULL }
  };
  const char *cli;
  double started = now_ms ();

  context = g_option_context_new ("- Parasol's benchmarks, one JSON line per figure");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("parasol-bench: %s\n", error->message);
      return 2;
    }

  cli = g_getenv ("PARASOL_CLI");
  bench.cli = g_strdup (cli != NULL ? cli : PARASOL_BENCH_CLI);
  bench.quick = quick;
  bench.only = g_steal_pointer (&only);
  bench.reps = reps > 0 ? reps : quick ? 3 : 5;
  bench.demo_reps = demo_reps > 0 ? demo_reps : quick ? 1 : 3;
  bench.data_dir = data_dir != NULL ? g_strdup (data_dir)
                                    : g_build_filename (g_get_user_cache_dir (), "parasol-bench", NULL);
  if (g_mkdir_with_parents (bench.data_dir, 0700) != 0)
    g_error ("cannot create %s: %s", bench.data_dir, g_strerror (errno));
  bench.tmp_dir = g_dir_make_tmp ("parasol-bench-XXXXXX", &error);
  if (bench.tmp_dir == NULL)
    g_error ("%s", error->message);
  signal (SIGPIPE, SIG_IGN);

  progress ("data dir %s, %s mode, %d repetitions", bench.data_dir, quick ? "quick" : "full",
            bench.reps);

  /* demo first: at full size it also leaves the 100 000-patient database for the others. */
  if (quick)
    {
      figure_demo (2000);
      figure_patient_list (1000);
      figure_patient_list (10000);
      figure_store_open (10000);
      figure_audit_check (10000);
      figure_filter (10000);
      figure_courses (1000);
      figure_writes (1000, 100, 3, 100);
      figure_writes (200, 1, 3, 20);
      figure_screening (1000, 1000);
      figure_schedules (1000, 200);
      figure_print (40);
      figure_startup (40);
      figure_startup (1000);
      figure_swimmer_render (100);
      figure_swimmer_render (1000);
      figure_swimmer_export (1000);
      figure_protocol_load (12000);
      figure_odm (200, TRUE);
      figure_lab_import (10000, 100);
    }
  else
    {
      figure_demo (100000);
      figure_patient_list (1000);
      figure_patient_list (10000);
      figure_patient_list (100000);
      figure_store_open (1000);
      figure_store_open (10000);
      figure_store_open (100000);
      figure_audit_check (100000);
      figure_filter (100000);
      figure_courses (10000);
      figure_writes (10000, 100, 5, 500);
      figure_writes (10000, 1, 3, 200);
      figure_screening (10000, 10000);
      figure_schedules (10000, 1000);
      figure_print (40);
      figure_startup (40);
      figure_startup (1000);
      figure_startup (10000);
      figure_startup (100000);
      figure_swimmer_render (100);
      figure_swimmer_render (1000);
      figure_swimmer_render (10000);
      figure_swimmer_export (1000);
      figure_protocol_load (119880); /* 12 labs x 9990: within the 10 000 units per lab, about 4 MB */
      figure_odm (1000, TRUE);
      figure_odm (10000, FALSE);
      figure_lab_import (80000, 1000);
      figure_lab_import (1000000, 1000);
    }

  if (!keep_tmp)
    {
      g_autoptr(GDir) dir = g_dir_open (bench.tmp_dir, 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *p = g_build_filename (bench.tmp_dir, entry, NULL);
          g_unlink (p);
        }
      g_rmdir (bench.tmp_dir);
    }
  progress ("done in %.1f s", (now_ms () - started) / 1000);
  return 0;
}
