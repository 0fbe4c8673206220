/* test-reliability.c — what the trial database survives: kill -9, a full disk, two writers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Suite "reliability" (issue 5).  Every check ends with the same three questions: does SQLite's
 * integrity_check say "ok", does the audit chain verify, and is every write the writer was told
 * had succeeded (acknowledged) still there — with nothing half-written.
 *
 * Writers are forked children (or parasol-cli processes), so a SIGKILL, an RLIMIT_FSIZE or a
 * second process is exactly what it would be in the field.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-helpers.h"
#include "parasol-administration.h"
#include "parasol-enrolment.h"
#include "parasol-lab-import.h"
#include "parasol-store.h"
#include "workflow-fixture.h"

#define N_PATIENTS 20
#define DEMO_BATCH 500 /* patients per transaction in parasol_demo_populate() */

/* The tmpfs of the disk-full test, should an assertion have left it mounted. */
static void
reliability_tear_down (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *mnt = g_build_filename (f->dir, "small-disk", NULL);

  if (g_file_test (mnt, G_FILE_TEST_IS_DIR))
    umount2 (mnt, MNT_DETACH);
  fixture_tear_down (f, data);
}

/* ---- helpers -------------------------------------------------------------------------------- */

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* A new database at @path with N_PATIENTS patients; their ids in @ids. */
static void
make_db (const char *path,
         gint64     *ids)
{
  g_autoptr(ParasolStore) store = test_open_store (path, TRUE);

  for (int i = 0; i < N_PATIENTS; i++)
    {
      g_autofree char *sn = g_strdup_printf ("S-R%03d", i + 1);

      ids[i] = test_add_patient (store, sn);
    }
}

/* integrity_check ok, the store opens, the audit chain verifies.  Returns the audit row count. */
static gint64
assert_intact (const char *path)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *integrity = raw_text (path, "PRAGMA integrity_check");
  gint64 n_rows = 0, first_bad = 0;

  g_assert_cmpstr (integrity, ==, "ok");
  store = test_open_store (path, FALSE);
  if (!parasol_store_audit_verify (store, &n_rows, &first_bad, &error))
    g_error ("audit chain broken at row %" G_GINT64_FORMAT ": %s", first_bad,
             error ? error->message : "?");
  g_assert_no_error (error);
  return n_rows;
}

/* The value last written to @field of each patient equals the newest audit row for it: data and
 * audit were committed together or not at all. */
static void
assert_audit_matches_data (const char *path,
                           const char *field)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM patient p WHERE EXISTS (SELECT 1 FROM audit a WHERE a.tbl = 'patient'"
    "  AND a.record = p.id AND a.field = '%s')"
    " AND p.%s IS NOT (SELECT a.new_value FROM audit a WHERE a.tbl = 'patient' AND a.record = p.id"
    "  AND a.field = '%s' ORDER BY a.seq DESC LIMIT 1)", field, field, field);

  g_assert_cmpint (raw_int (path, sql), ==, 0);
}

static void
write_all (int         fd,
           const void *buf,
           gsize       len)
{
  if (write (fd, buf, len) != (ssize_t) len)
    _exit (90);
}

/* ---- crash: kill -9 during 10 000 audited writes, 20 times ---------------------------------- */

#define CRASH_WRITES 10000
#define CRASH_ROUNDS 20

/* The child: write i sets the site of patient ids[i % N] to "r<round>-w<i>"; acknowledges each
 * committed write (or batch) by writing the last committed i to @fd. */
static void G_GNUC_NORETURN
crash_writer (const char   *path,
              const gint64 *ids,
              int           round,
              int           batch,
              int           fd)
{
  g_autoptr(GError) error = NULL;
  ParasolStore *store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);

  if (store == NULL)
    _exit (3);

  for (gint32 i = 0; i < CRASH_WRITES; i++)
    {
      g_autofree char *value = g_strdup_printf ("r%d-w%d", round, i);

      if (batch > 1 && i % batch == 0 && !parasol_store_begin (store, NULL))
        _exit (4);
      if (!parasol_store_set_patient_field (store, ids[i % N_PATIENTS], "site", value, 0,
                                            "crash test", NULL))
        _exit (5);
      if (batch > 1 && i % batch != batch - 1 && i != CRASH_WRITES - 1)
        continue;
      if (batch > 1 && !parasol_store_commit (store, NULL))
        _exit (6);
      write_all (fd, &i, sizeof i);
    }
  _exit (0);
}

static void
test_crash_writes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  gint64 ids[N_PATIENTS];
  gint64 audit_rows = 0;

  make_db (f->db, ids);

  for (int round = 0; round < CRASH_ROUNDS; round++)
    {
      /* Even rounds: one transaction per write; odd rounds: batches of 100.  The kill comes
       * when the writer has acknowledged a random number of writes (uniform over the 10 000),
       * a random few hundred microseconds later so that it lands inside a transaction; but
       * no later than a random deadline, so that an fsync-bound disk keeps the suite short. */
      int batch = round % 2 == 0 ? 1 : 100;
      gint32 target = g_rand_int_range (rand, 0, CRASH_WRITES);
      int delay_ms = batch == 1 ? g_rand_int_range (rand, 5, 1500)
                                : g_rand_int_range (rand, 5, 3000);
      g_autofree char *like = g_strdup_printf ("r%d-w%%", round);
      g_autofree char *count_sql = NULL;
      g_autofree char *max_sql = NULL;
      gint32 ack, last_ack = -1, killed_at = 0;
      gint64 present, max_i, rows;
      int fds[2], status;
      pid_t pid;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          crash_writer (f->db, ids, round, batch, fds[1]);
        }
      close (fds[1]);

      {
        gint64 deadline = g_get_monotonic_time () + delay_ms * 1000;
        struct pollfd pfd = { fds[0], POLLIN, 0 };
        gboolean eof = FALSE;

        while (!eof && last_ack < target && g_get_monotonic_time () < deadline)
          if (poll (&pfd, 1, 5) > 0)
            {
              if (read (fds[0], &ack, sizeof ack) == sizeof ack)
                last_ack = MAX (last_ack, ack);
              else
                eof = TRUE;
            }
        g_usleep (g_rand_int_range (rand, 0, 800));
        kill (pid, SIGKILL);
        killed_at = MIN (last_ack + 1, CRASH_WRITES);
      }
      while (read (fds[0], &ack, sizeof ack) == sizeof ack)
        last_ack = MAX (last_ack, ack);
      close (fds[0]);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      /* Killed, or finished all its writes before the kill: never a writer error. */
      g_assert_true ((WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL) ||
                     (WIFEXITED (status) && WEXITSTATUS (status) == 0));

      rows = assert_intact (f->db);
      g_assert_cmpint (rows, >=, audit_rows);
      audit_rows = rows;

      /* Every acknowledged write is there, with no hole before it; at most the one batch in
       * flight at the kill committed without its acknowledgement. */
      count_sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE tbl = 'patient' AND "
                                   "field = 'site' AND new_value LIKE '%s'", like);
      max_sql = g_strdup_printf ("SELECT COALESCE (MAX (CAST (substr (new_value, %d) AS INTEGER)), -1)"
                                 " FROM audit WHERE tbl = 'patient' AND field = 'site' AND "
                                 "new_value LIKE '%s'", (int) strlen (like), like);
      present = raw_int (f->db, count_sql);
      max_i = raw_int (f->db, max_sql);
      g_assert_cmpint (present, >=, last_ack + 1);
      g_assert_cmpint (present, <=, last_ack + 1 + batch);
      g_assert_cmpint (max_i, ==, present - 1);
      assert_audit_matches_data (f->db, "site");

      g_test_message ("round %2d (%s): killed near write %5d (aiming at %5d), %5d acknowledged, %5"
                      G_GINT64_FORMAT " present, %7" G_GINT64_FORMAT " audit rows",
                      round, batch == 1 ? "single " : "batched", killed_at, target, last_ack + 1,
                      present, rows);
    }
}

/* ---- crash: kill -9 during the treatment workflows (issue 8) -------------------------------- */

#define WF_PATIENTS_PER_ROUND 3
#define WF_ROUNDS 8
#define WF_IMPORT_ROWS 1500

typedef struct {
  char kind;    /* 'E' enrolled, 'G' dose given, 'L' lab file imported */
  int  index;   /* patient index, or the round */
} WorkflowAck;

/* The child: enrols and gives the first dose to every patient up to the round's last one that
 * has not had it yet, then imports the round's CSV; acknowledges each committed workflow. */
static void G_GNUC_NORETURN
workflow_writer (const char *path,
                 const char *csv_path,
                 int         round,
                 int         fd)
{
  g_autoptr(GError) error = NULL;
  ParasolStore *store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);
  ParasolProtocol *protocol = store ? parasol_protocol_new_for_store (store, &error) : NULL;
  GDate c1d1 = wf_days_from_today (-8);

  if (protocol == NULL)
    _exit (3);
  for (int i = 0; i < (round + 1) * WF_PATIENTS_PER_ROUND; i++)
    {
      g_autofree char *sn = g_strdup_printf ("S-W%03d", i);
      gint64 id = parasol_store_find_patient (store, sn, NULL);
      g_autoptr(ParasolPatientFacts) facts = id ? parasol_store_load_patient (store, id, NULL) : NULL;
      WorkflowAck ack;

      if (facts == NULL)
        _exit (4);
      if (facts->subject_number == NULL)
        {
          g_autoptr(ParasolEnrolment) e = parasol_enrolment_enrol (store, protocol, id, &c1d1, NULL,
                                                                   NULL, NULL);
          if (e == NULL)
            _exit (5);
          ack = (WorkflowAck) { 'E', i };
          write_all (fd, &ack, sizeof ack);
        }
      if (facts->administrations->len == 0)
        {
          g_autoptr(ParasolGivenDose) g = NULL;
          ParasolDoseEntry entry;

          parasol_dose_entry_init (&entry);
          entry.drug = "tislelizumab";
          entry.date = c1d1;
          entry.dose = 200;
          g = parasol_administration_give (store, protocol, id, &entry, NULL);
          if (g == NULL)
            _exit (6);
          ack = (WorkflowAck) { 'G', i };
          write_all (fd, &ack, sizeof ack);
        }
    }
  {
    g_autoptr(ParasolLabImport) import = parasol_lab_import_file (store, protocol, csv_path,
                                                                  PARASOL_LAB_IMPORT_DEFAULT, NULL);
    WorkflowAck ack = { 'L', round };

    if (import == NULL || import->rows->len != WF_IMPORT_ROWS)
      _exit (7);
    write_all (fd, &ack, sizeof ack);
  }
  _exit (0);
}

static void
test_crash_workflows (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261130);
  WorkflowFixture wf = { 0 };
  int n_patients = WF_ROUNDS * WF_PATIENTS_PER_ROUND;
  gboolean enrolled[WF_ROUNDS * WF_PATIENTS_PER_ROUND] = { FALSE };
  gboolean given[WF_ROUNDS * WF_PATIENTS_PER_ROUND] = { FALSE };
  gint64 audit_rows = 0;

  /* Eligible patients with a confirmed arm, written in one transaction */
  wf.dir = g_strdup (f->dir);
  wf.db = g_strdup (f->db);
  wf_set_up_store (&wf);
  g_assert_true (parasol_store_begin (wf.store, NULL));
  for (int i = 0; i < n_patients; i++)
    {
      g_autofree char *sn = g_strdup_printf ("S-W%03d", i);
      wf_eligible_patient (&wf, sn, 10, "control");
    }
  g_assert_true (parasol_store_commit (wf.store, NULL));
  g_clear_object (&wf.protocol);
  g_clear_object (&wf.store);

  for (int round = 0; round < WF_ROUNDS; round++)
    {
      g_autofree char *csv_path = g_strdup_printf ("%s/round-%d.csv", f->dir, round);
      g_autoptr(GString) csv = g_string_new ("patient,test,value,unit,uln,date\n");
      g_autofree char *count_sql = NULL;
      int delay_ms = g_rand_int_range (rand, 5, 1200);
      gboolean imported = FALSE;
      gint64 rows, present;
      WorkflowAck ack;
      int fds[2], status;
      pid_t pid;

      for (int j = 0; j < WF_IMPORT_ROWS; j++)
        {
          GDate d = wf_days_from_today (-(1 + j / n_patients));
          char iso[PARASOL_DATE_BUF_SIZE];

          g_string_append_printf (csv, "S-W%03d,PLT,%d,10^9/L,,%s\n", j % n_patients, 100 + round,
                                  parasol_date_format (&d, iso, sizeof iso));
        }
      g_assert_true (g_file_set_contents (csv_path, csv->str, csv->len, NULL));

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          workflow_writer (f->db, csv_path, round, fds[1]);
        }
      close (fds[1]);
      g_usleep (delay_ms * 1000);
      kill (pid, SIGKILL);
      while (read (fds[0], &ack, sizeof ack) == sizeof ack)
        {
          if (ack.kind == 'E')
            enrolled[ack.index] = TRUE;
          else if (ack.kind == 'G')
            given[ack.index] = TRUE;
          else if (ack.kind == 'L')
            imported = TRUE;
        }
      close (fds[0]);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true ((WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL) ||
                     (WIFEXITED (status) && WEXITSTATUS (status) == 0));

      rows = assert_intact (f->db);
      g_assert_cmpint (rows, >=, audit_rows);
      audit_rows = rows;

      /* Every acknowledged workflow is there, and none is half-written */
      {
        g_autoptr(ParasolStore) store = test_open_store (f->db, FALSE);

        for (int i = 0; i < n_patients; i++)
          {
            g_autofree char *sn = g_strdup_printf ("S-W%03d", i);
            g_autoptr(GError) error = NULL;
            gint64 id = parasol_store_find_patient (store, sn, &error);
            g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (store, id, &error);
            gboolean is_enrolled = facts->subject_number != NULL;

            g_assert_no_error (error);
            g_assert_cmpint (is_enrolled, ==, g_date_valid (&facts->c1d1));
            g_assert_cmpint (is_enrolled, ==, facts->ici != NULL);
            g_assert_cmpint (is_enrolled, ==, g_strcmp0 (facts->status, "on_treatment") == 0);
            if (enrolled[i])
              g_assert_true (is_enrolled);
            if (given[i])
              g_assert_cmpuint (facts->administrations->len, ==, 1);
            g_assert_cmpuint (facts->administrations->len, <=, 1);
            /* a dose started cycle 1 in the same transaction */
            g_assert_cmpuint (facts->cycles->len, ==, facts->administrations->len);
          }
      }
      count_sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE tbl = 'lab' AND reason LIKE "
                                   "'imported from round-%d.csv%%'", round);
      present = raw_int (f->db, count_sql);
      g_assert_true (present == 0 || present == WF_IMPORT_ROWS);
      if (imported)
        g_assert_cmpint (present, ==, WF_IMPORT_ROWS);

      g_test_message ("workflow round %d: killed after %d ms, import %s, %" G_GINT64_FORMAT
                      " audit rows", round, delay_ms,
                      present ? (imported ? "acknowledged" : "committed, not acknowledged")
                              : "rolled back", rows);
    }
  g_free (wf.dir);
  g_free (wf.db);
}

/* ---- crash: kill -9 during a large demo ----------------------------------------------------- */

static void
test_crash_demo (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5170);
  const char *cli = g_getenv ("PARASOL_CLI");
  int delays[] = { 400, 0, 0 };

  g_assert_nonnull (cli);
  delays[1] = g_rand_int_range (rand, 1500, 3000);
  delays[2] = g_rand_int_range (rand, 3000, 6000);

  for (guint round = 0; round < G_N_ELEMENTS (delays); round++)
    {
      g_autofree char *path = g_strdup_printf ("%s/demo-%u.db", f->dir, round);
      const char *argv[] = { cli, "demo", "--patients", "100000", "--database", path, NULL };
      g_autoptr(ParasolStore) store = NULL;
      g_autoptr(GError) error = NULL;
      GPid pid;
      int status;
      gint64 patients, inserted, rows;

      g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
      g_assert_no_error (error);
      g_usleep (delays[round] * 1000);
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_message ("demo round %u: killed after %d ms, before the file existed",
                          round, delays[round]);
          continue;
        }

      /* The database opens, intact, chain valid. */
      rows = assert_intact (path);
      store = test_open_store (path, FALSE);
      patients = parasol_store_count_patients (store);

      /* Whole batches only: the demo commits every 500 patients. */
      g_assert_cmpint (patients % DEMO_BATCH, ==, 0);
      /* ... and each patient whole: its insert is audited, and so are its records. */
      inserted = raw_int (path, "SELECT count(*) FROM audit WHERE tbl = 'patient' AND field IS NULL");
      g_assert_cmpint (inserted, ==, patients);
      g_assert_cmpint (raw_int (path, "SELECT count(*) FROM lab WHERE patient_id NOT IN "
                                      "(SELECT id FROM patient)"), ==, 0);
      g_assert_cmpint (raw_int (path, "SELECT count(*) FROM lab"), ==,
                       raw_int (path, "SELECT count(*) FROM audit WHERE tbl = 'lab' AND field IS NULL"));

      g_test_message ("demo round %u: killed after %d ms: %" G_GINT64_FORMAT " patients, %"
                      G_GINT64_FORMAT " audit rows", round, delays[round], patients, rows);
    }
}

/* ---- disk full ------------------------------------------------------------------------------ */

static ParasolLabResult *
plt (double value)
{
  ParasolLabResult *lab = parasol_lab_result_new ();

  g_free (lab->lab);
  lab->lab = g_strdup ("plt");
  lab->value = value;
  g_free (lab->unit);
  lab->unit = g_strdup ("10^9/L");
  lab->uln = NAN;
  lab->value_entered = NAN;
  g_date_clear (&lab->date, 1);
  g_date_set_dmy (&lab->date, 1, 10, 2026);
  return lab;
}

/* Adds labs with a long reason (to fill the disk quickly) until one fails; returns how many
 * succeeded and the error. */
static int
fill_until_error (ParasolStore *store,
                  gint64        patient,
                  int           limit,
                  GError      **error)
{
  g_autofree char *reason = g_strnfill (2000, 'r');

  for (int i = 0; i < limit; i++)
    {
      g_autoptr(ParasolLabResult) lab = plt (100 + i % 300);

      if (parasol_store_add_lab (store, patient, lab, reason, error) == 0)
        return i;
    }
  return limit;
}

static void
test_disk_full_tmpfs (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *mnt = g_build_filename (f->dir, "small-disk", NULL);
  g_autofree char *path = g_build_filename (mnt, "trial.db", NULL);
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CliResult) cli = NULL;
  gint64 ids[N_PATIENTS];
  gint64 labs_before;
  int written;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (geteuid () != 0 || mount ("tmpfs", mnt, "tmpfs", 0, "size=2m,mode=0700") != 0)
    {
      g_test_skip ("cannot mount a small tmpfs here (needs root); the RLIMIT_FSIZE test covers it");
      return;
    }

  make_db (path, ids);
  store = test_open_store (path, FALSE);
  written = fill_until_error (store, ids[0], 100000, &error);
  g_assert_cmpint (written, >, 0);
  g_assert_error (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_FULL);
  g_test_message ("tmpfs of 2 MB full after %d labs: %s", written, error->message);
  g_assert_nonnull (strstr (error->message, "disk"));
  g_clear_error (&error);

  /* The same connection still reads, and the chain holds. */
  g_assert_true (parasol_store_audit_verify (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* parasol-cli says so too, clearly, and changes nothing. */
  labs_before = raw_int (path, "SELECT count(*) FROM lab");
  g_assert_cmpint (labs_before, ==, written);
  {
    g_autofree char *big = g_strnfill (100000, 'x');

    cli = cli_run (path, "patient", "set", "S-R001", "initials", "XYZ", "--reason", big, NULL);
  }
  g_test_message ("parasol-cli on the full disk: exit %d: %s", cli->status, cli->err);
  g_assert_cmpint (cli->status, ==, 1);
  g_assert_true (strstr (cli->err, "disk") != NULL || strstr (cli->err, "Disk") != NULL);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM lab"), ==, labs_before);
  assert_intact (path);

  /* Room again: usable, nothing lost. */
  g_assert_cmpint (mount ("tmpfs", mnt, "tmpfs", MS_REMOUNT, "size=16m,mode=0700"), ==, 0);
  store = test_open_store (path, FALSE);
  {
    g_autoptr(ParasolLabResult) lab = plt (222);

    g_assert_cmpint (parasol_store_add_lab (store, ids[1], lab, NULL, &error), >, 0);
    g_assert_no_error (error);
  }
  g_clear_object (&store);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM lab"), ==, labs_before + 1);
  assert_intact (path);

  g_assert_cmpint (umount2 (mnt, MNT_DETACH), ==, 0);
}

typedef struct {
  gint32 written;
  gint32 domain_is_store;
  gint32 code;
  gint32 after_ok;   /* a write succeeded once the limit was lifted */
  char   message[512];
} FullReport;

static void
test_disk_full_rlimit (Fixture       *f,
                       gconstpointer  data)
{
  gint64 ids[N_PATIENTS];
  FullReport report = { 0 };
  GStatBuf st;
  int fds[2], status;
  pid_t pid;
  gint64 labs;

  make_db (f->db, ids);
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      ParasolStore *store;
      struct rlimit limit;

      close (fds[0]);
      signal (SIGXFSZ, SIG_IGN);
      store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
      if (store == NULL)
        _exit (3);

      /* No file may grow past 256 KiB beyond the database as it is. */
      getrlimit (RLIMIT_FSIZE, &limit);
      limit.rlim_cur = st.st_size + 256 * 1024;
      if (setrlimit (RLIMIT_FSIZE, &limit) != 0)
        _exit (4);

      report.written = fill_until_error (store, ids[0], 100000, &error);
      if (error != NULL)
        {
          report.domain_is_store = error->domain == PARASOL_STORE_ERROR;
          report.code = error->code;
          g_strlcpy (report.message, error->message, sizeof report.message);
        }
      g_clear_error (&error);

      /* Lift the limit: the same connection must go on working. */
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_FSIZE, &limit);
      {
        g_autoptr(ParasolLabResult) lab = plt (333);

        report.after_ok = parasol_store_add_lab (store, ids[1], lab, NULL, &error) > 0;
        if (!report.after_ok && error != NULL)
          g_strlcpy (report.message, error->message, sizeof report.message);
      }
      write_all (fds[1], &report, sizeof report);
      g_object_unref (store);
      _exit (0);
    }
  close (fds[1]);
  g_assert_cmpint (read (fds[0], &report, sizeof report), ==, sizeof report);
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  g_test_message ("RLIMIT_FSIZE hit after %d labs: %s", report.written, report.message);
  g_assert_cmpint (report.written, >, 0);
  g_assert_cmpint (report.written, <, 100000);
  g_assert_true (report.domain_is_store);
  g_assert_cmpint (report.code, ==, PARASOL_STORE_ERROR_FULL);
  g_assert_true (report.after_ok);

  /* Every acknowledged lab and the one after; not the failed one. */
  labs = raw_int (f->db, "SELECT count(*) FROM lab");
  g_assert_cmpint (labs, ==, report.written + 1);
  assert_intact (f->db);
}

/* ---- two processes writing the same database ------------------------------------------------ */

#define INCREMENTS 150

typedef struct {
  gint32 done;
  gint32 conflicts;
  gint32 busy;
  gint32 labs;
} WriterReport;

/* Read-modify-write of a counter held in patient @id's "site" field ("c<n>"), each write
 * checked against the version it read; plus an audited lab insert per increment. */
static void G_GNUC_NORETURN
counter_writer (const char *path,
                gint64      id,
                int         who,
                int         fd)
{
  g_autoptr(GError) error = NULL;
  ParasolStore *store = parasol_store_open (path, PARASOL_STORE_OPEN_DEFAULT, &error);
  WriterReport report = { 0 };

  if (store == NULL)
    _exit (3);

  while (report.done < INCREMENTS)
    {
      g_autoptr(ParasolPatientFacts) facts = parasol_store_load_patient (store, id, &error);
      g_autofree char *next = NULL;
      int n;

      if (facts == NULL)
        _exit (4);
      n = facts->site != NULL && facts->site[0] == 'c' ? atoi (facts->site + 1) : 0;
      next = g_strdup_printf ("c%d", n + 1);
      if (parasol_store_set_patient_field (store, id, "site", next, facts->version,
                                           "concurrent increment", &error))
        {
          g_autoptr(ParasolLabResult) lab = plt (who * 1000 + report.done);

          report.done++;
          if (parasol_store_add_lab (store, id, lab, NULL, &error) > 0)
            report.labs++;
          else if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_BUSY))
            report.busy++;
          else
            _exit (5);
        }
      else if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CONFLICT))
        report.conflicts++;
      else if (g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_BUSY))
        report.busy++;
      else
        _exit (6);
      g_clear_error (&error);
    }
  write_all (fd, &report, sizeof report);
  g_object_unref (store);
  _exit (0);
}

static void
test_two_writers (Fixture       *f,
                  gconstpointer  data)
{
  gint64 ids[N_PATIENTS];
  WriterReport reports[2];
  int fds[2][2];
  pid_t pids[2];
  g_autofree char *site = NULL;
  g_autofree char *count_sql = NULL;
  gint64 changes;

  make_db (f->db, ids);

  for (int w = 0; w < 2; w++)
    {
      g_assert_cmpint (pipe (fds[w]), ==, 0);
      pids[w] = fork ();
      g_assert_cmpint (pids[w], >=, 0);
      if (pids[w] == 0)
        {
          close (fds[w][0]);
          counter_writer (f->db, ids[0], w + 1, fds[w][1]);
        }
      close (fds[w][1]);
    }
  for (int w = 0; w < 2; w++)
    {
      int status;

      g_assert_cmpint (read (fds[w][0], &reports[w], sizeof reports[w]), ==, sizeof reports[w]);
      close (fds[w][0]);
      g_assert_cmpint (waitpid (pids[w], &status, 0), ==, pids[w]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      g_test_message ("writer %d: %d increments, %d version conflicts reported, %d busy, %d labs",
                      w + 1, reports[w].done, reports[w].conflicts, reports[w].busy, reports[w].labs);
    }

  /* No lost update: the counter counts every successful increment of both writers. */
  site = raw_text (f->db, "SELECT site FROM patient WHERE id = (SELECT MIN (id) FROM patient)");
  g_assert_cmpstr (site, ==, "c300");
  count_sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE tbl = 'patient' AND field = 'site'"
                               " AND record = %" G_GINT64_FORMAT, ids[0]);
  changes = raw_int (f->db, count_sql);
  g_assert_cmpint (changes, ==, 2 * INCREMENTS);
  g_assert_cmpint (raw_int (f->db, "SELECT count(*) FROM lab"), ==, reports[0].labs + reports[1].labs);
  assert_audit_matches_data (f->db, "site");
  assert_intact (f->db);
}

/* A stale version is refused across processes, deterministically: the child reads, the parent
 * writes, the child's write must fail with CONFLICT and leave the parent's value. */
static void
test_stale_version (Fixture       *f,
                    gconstpointer  data)
{
  gint64 ids[N_PATIENTS];
  int to_parent[2], to_child[2], status;
  pid_t pid;
  char byte;
  g_autofree char *site = NULL;

  make_db (f->db, ids);
  g_assert_cmpint (pipe (to_parent), ==, 0);
  g_assert_cmpint (pipe (to_child), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GError) error = NULL;
      ParasolStore *store = parasol_store_open (f->db, PARASOL_STORE_OPEN_DEFAULT, &error);
      ParasolPatientFacts *facts;
      gboolean ok;

      if (store == NULL || (facts = parasol_store_load_patient (store, ids[2], NULL)) == NULL)
        _exit (3);
      write_all (to_parent[1], "r", 1);
      if (read (to_child[0], &byte, 1) != 1)
        _exit (4);
      ok = parasol_store_set_patient_field (store, ids[2], "site", "Child", facts->version,
                                            "from the child", &error);
      _exit (!ok && g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_CONFLICT)
             ? 0 : 5);
    }

  g_assert_cmpint (read (to_parent[0], &byte, 1), ==, 1);
  {
    g_autoptr(ParasolStore) store = test_open_store (f->db, FALSE);
    g_autoptr(GError) error = NULL;

    g_assert_true (parasol_store_set_patient_field (store, ids[2], "site", "Parent", 0,
                                                    "from the parent", &error));
    g_assert_no_error (error);
  }
  write_all (to_child[1], "w", 1);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  site = raw_text (f->db, "SELECT site FROM patient WHERE site IN ('Parent', 'Child')");
  g_assert_cmpstr (site, ==, "Parent");
  assert_intact (f->db);
}

/* Two parasol-cli loops on the same file: each command either saves or says why. */
static void
test_two_cli_loops (Fixture       *f,
                    gconstpointer  data)
{
  const char *cli = g_getenv ("PARASOL_CLI");
  gint64 ids[N_PATIENTS];
  GPid pids[2];
  int n_each = 12;
  g_autofree char *script = NULL;

  g_assert_nonnull (cli);
  make_db (f->db, ids);

  /* Each loop counts its successes into a file; failures must be a clear busy/conflict error. */
  script = g_strdup (
    "ok=0; bad=0; i=0\n"
    "while [ $i -lt \"$N\" ]; do\n"
    "  if \"$CLI\" patient set \"$PATIENT\" site \"$TAG-$i\" --reason loop --database \"$DB\" "
    ">/dev/null 2>\"$OUT.err\"; then ok=$((ok+1)); else\n"
    "    grep -qiE 'busy|changed elsewhere' \"$OUT.err\" || bad=$((bad+1)); fi\n"
    "  i=$((i+1))\n"
    "done\n"
    "echo \"$ok $bad\" > \"$OUT\"\n");

  for (int w = 0; w < 2; w++)
    {
      g_autofree char *out = g_strdup_printf ("%s/loop-%d", f->dir, w);
      g_autofree char *n = g_strdup_printf ("%d", n_each);
      g_autofree char *tag = g_strdup_printf ("L%d", w);
      const char *argv[] = { "/bin/sh", "-c", script, NULL };
      g_auto(GStrv) env = g_get_environ ();
      g_autoptr(GError) error = NULL;

      env = g_environ_setenv (env, "CLI", cli, TRUE);
      env = g_environ_setenv (env, "DB", f->db, TRUE);
      env = g_environ_setenv (env, "PATIENT", "S-R004", TRUE);
      env = g_environ_setenv (env, "TAG", tag, TRUE);
      env = g_environ_setenv (env, "N", n, TRUE);
      env = g_environ_setenv (env, "OUT", out, TRUE);
      g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                    NULL, &pids[w], &error));
      g_assert_no_error (error);
    }

  {
    gint64 total_ok = 0;
    g_autofree char *count_sql = NULL;

    for (int w = 0; w < 2; w++)
      {
        g_autofree char *out = g_strdup_printf ("%s/loop-%d", f->dir, w);
        g_autofree char *contents = NULL;
        int status, ok = -1, bad = -1;

        g_assert_cmpint (waitpid (pids[w], &status, 0), ==, pids[w]);
        g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
        g_assert_cmpint (sscanf (contents, "%d %d", &ok, &bad), ==, 2);
        g_test_message ("parasol-cli loop %d: %d saved, %d unexplained failures", w, ok, bad);
        g_assert_cmpint (bad, ==, 0);
        total_ok += ok;
      }
    count_sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE tbl = 'patient' AND "
                                 "field = 'site' AND record = %" G_GINT64_FORMAT, ids[3]);
    /* Every saved change is in the audit trail (a write identical to the current value is
     * no change and leaves no row; the tags make every value unique). */
    g_assert_cmpint (raw_int (f->db, count_sql), ==, total_ok);
  }
  assert_audit_matches_data (f->db, "site");
  assert_intact (f->db);
  {
    g_autoptr(CliResult) verify = cli_run (f->db, "audit", "verify", NULL);

    g_assert_cmpint (verify->status, ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, reliability_tear_down)
  ADD ("/reliability/crash/audited-writes", test_crash_writes);
  ADD ("/reliability/crash/demo", test_crash_demo);
  ADD ("/reliability/crash/workflows", test_crash_workflows);
  ADD ("/reliability/disk-full/tmpfs", test_disk_full_tmpfs);
  ADD ("/reliability/disk-full/rlimit", test_disk_full_rlimit);
  ADD ("/reliability/concurrent/two-writers", test_two_writers);
  ADD ("/reliability/concurrent/stale-version", test_stale_version);
  ADD ("/reliability/concurrent/two-cli-loops", test_two_cli_loops);
#undef ADD

  return g_test_run ();
}
