/* test-cli-odm.c — the parasol-cli contract for export-odm and import-odm, and hostile files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each hostile input runs through the real binary in a child whose time and peak memory
 * (wait4's rusage) are measured: refused with a clear message, exit status 1, in bounded time
 * and memory, with nothing written (the audit trail keeps its length).  The external-DTD and
 * external-entity files point at a listening socket on 127.0.0.1, which must see no connection.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cli-helpers.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static void
test_export_contract (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 6);
  g_autofree char *out = g_build_filename (f->dir, "trial.xml", NULL);
  g_autoptr(CliResult) no_out = cli_run (db, "export-odm", NULL);
  g_autoptr(CliResult) both = cli_run (db, "export-odm", "--out", out, "--snapshot",
                                       "--transactional", NULL);
  g_autoptr(CliResult) ok = cli_run (db, "export-odm", "--out", out, "--json", NULL);
  g_autoptr(CliResult) exists = cli_run (db, "export-odm", "--out", out, NULL);
  g_autoptr(CliResult) forced = cli_run (db, "export-odm", "--out", out, "--transactional",
                                         "--patient", "S-0001", "--patient", "S-0002", "--force",
                                         NULL);
  g_autoptr(CliResult) unknown = cli_run (db, "export-odm", "--out", out, "--force", "--patient",
                                          "S-0999", NULL);
  g_autofree char *text = NULL;
  struct stat st;

  g_assert_cmpint (no_out->status, ==, 2);
  cli_assert_contains (no_out->err, "--out");
  g_assert_cmpint (both->status, ==, 2);
  g_assert_cmpint (ok->status, ==, 0);
  cli_assert_json (ok->out, "{\"mode\": \"snapshot\"}");
  cli_assert_json (ok->out, "{\"subjects\": 6}");
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (exists->status, ==, 1);
  cli_assert_contains (exists->err, "already exists");
  g_assert_cmpint (forced->status, ==, 0);
  cli_assert_contains (forced->out, "Exported 2 patients");
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  cli_assert_contains (text, "FileType=\"Transactional\"");
  g_assert_cmpint (unknown->status, ==, 1);
  cli_assert_contains (unknown->err, "S-0999");
  /* The refused export left the previous file alone. */
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  cli_assert_contains (text, "FileType=\"Transactional\"");
}

static void
test_import_contract (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 5);
  g_autofree char *out = g_build_filename (f->dir, "trial.xml", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.db", NULL);
  g_autoptr(CliResult) export = cli_run (db, "export-odm", "--out", out, NULL);
  g_autoptr(CliResult) init = cli_run (empty, "init", NULL);
  g_autoptr(CliResult) none = cli_run (empty, "import-odm", NULL);
  g_autoptr(CliResult) dry = cli_run (empty, "import-odm", out, "--dry-run", "--json", NULL);
  g_autoptr(CliResult) dry_text = cli_run (empty, "import-odm", out, "--dry-run", NULL);
  g_autoptr(CliResult) list_before = cli_run (empty, "patient", "list", "--json", NULL);
  g_autoptr(CliResult) real = cli_run (empty, "import-odm", out, NULL);
  g_autoptr(CliResult) again = cli_run (empty, "import-odm", out, "--json", NULL);
  g_autoptr(CliResult) verify = cli_run (empty, "audit", "verify", NULL);
  g_autoptr(CliResult) missing = cli_run (empty, "import-odm", "/nonexistent/file.xml", NULL);

  g_assert_cmpint (export->status, ==, 0);
  g_assert_cmpint (init->status, ==, 0);
  g_assert_cmpint (none->status, ==, 2);
  g_assert_cmpint (dry->status, ==, 0);
  cli_assert_json (dry->out, "{\"dry_run\": true}");
  cli_assert_json (dry->out, "{\"written\": false}");
  cli_assert_json (dry->out, "{\"patients_created\": 5}");
  cli_assert_contains (dry_text->out, "nothing was written");
  cli_assert_contains (list_before->out, "[]");
  g_assert_cmpint (real->status, ==, 0);
  cli_assert_contains (real->out, "created 5 patients");
  g_assert_cmpint (again->status, ==, 0);
  cli_assert_json (again->out, "{\"records_added\": 0}");
  cli_assert_json (again->out, "{\"patients_created\": 0}");
  g_assert_cmpint (verify->status, ==, 0);
  g_assert_cmpint (missing->status, ==, 1);
}

static gint64
audit_length (const char *db)
{
  g_autoptr(CliResult) verify = cli_run (db, "audit", "verify", "--json", NULL);
  g_autoptr(JsonNode) rows = NULL;

  g_assert_cmpint (verify->status, ==, 0);
  rows = cli_json_member (verify->out, "rows");
  g_assert_nonnull (rows);
  return json_node_get_int (rows);
}

typedef struct {
  int     status;
  double  seconds;
  long    max_rss_kb;
  char   *err;
} Run;

/* Runs parasol-cli import-odm FILE --database DB in a child; measures it. */
static Run
run_import (const char *db,
            const char *file)
{
  const char *cli = g_getenv ("PARASOL_CLI");
  g_autofree char *err_path = g_strconcat (file, ".stderr", NULL);
  struct rusage usage = { 0 };
  gint64 started = g_get_monotonic_time ();
  Run run = { -1, 0, 0, NULL };
  int wstatus = 0;
  pid_t pid;

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd = open (err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int null = open ("/dev/null", O_WRONLY);

      dup2 (fd, 2);
      dup2 (null, 1);
      alarm (60);
      execl (cli, cli, "import-odm", file, "--database", db, (char *) NULL);
      _exit (127);
    }
  g_assert_cmpint (wait4 (pid, &wstatus, 0, &usage), ==, pid);
  run.seconds = (g_get_monotonic_time () - started) / 1e6;
  run.max_rss_kb = usage.ru_maxrss;
  run.status = WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : -1;
  g_assert_true (g_file_get_contents (err_path, &run.err, NULL, NULL));
  return run;
}

static int
listen_loopback (int *port)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = 0;
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 8), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  *port = ntohs (addr.sin_port);
  return fd;
}

static void
write_file (const char *path,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, data, len, &error));
  g_assert_no_error (error);
}

static void
test_hostile (Fixture *f, gconstpointer data)
{
  g_autofree char *db = cli_make_demo (f->dir, 3);
  g_autofree char *good = g_build_filename (f->dir, "good.xml", NULL);
  g_autoptr(CliResult) export = cli_run (db, "export-odm", "--out", good, NULL);
  g_autofree char *good_text = NULL;
  gsize good_len = 0;
  gint64 before = audit_length (db);
  int port = 0;
  int listener = listen_loopback (&port);
  const char *odm = "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileOID=\"H\" "
                    "FileType=\"Snapshot\" CreationDateTime=\"2026-11-30T10:00:00Z\">";
  /* 300 MB for the tools, a few times more under the sanitizers. */
  long rss_limit_kb = SANITIZED ? 1200 * 1024 : 300 * 1024;
  struct {
    const char *name;
    char       *data;
    gssize      len;
    const char *message;
  } cases[10];
  guint n = 0;

  g_assert_cmpint (export->status, ==, 0);
  g_assert_true (g_file_get_contents (good, &good_text, &good_len, NULL));

#define CASE(nm, d, l, msg) \
  G_STMT_START { cases[n].name = nm; cases[n].data = d; cases[n].len = l; \
                 cases[n].message = msg; n++; } G_STMT_END

  CASE ("xxe.xml",
        g_strdup_printf ("<?xml version=\"1.0\"?>\n<!DOCTYPE ODM [\n"
                         "  <!ENTITY secret SYSTEM \"file:///etc/passwd\">\n]>\n%s"
                         "<ClinicalData StudyOID=\"BUTTONS-001\" MetaDataVersionOID=\"&secret;\"/>"
                         "</ODM>\n", odm), -1,
        "xxe.xml:2: document type declarations and entities (<!DOCTYPE) are not allowed");
  CASE ("external-dtd.xml",
        g_strdup_printf ("<?xml version=\"1.0\"?>\n<!DOCTYPE ODM SYSTEM \"http://127.0.0.1:%d/odm.dtd\">\n"
                         "%s</ODM>\n", port, odm), -1,
        "external-dtd.xml:2: document type declarations and entities (<!DOCTYPE) are not allowed");
  CASE ("parameter-entity.xml",
        g_strdup_printf ("<?xml version=\"1.0\"?>\n<!DOCTYPE ODM [\n"
                         "  <!ENTITY %% remote SYSTEM \"http://127.0.0.1:%d/evil.dtd\"> %%remote;\n]>\n"
                         "%s</ODM>\n", port, odm), -1,
        "parameter-entity.xml:2: document type declarations");
  {
    GString *lol = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                                 " <!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++)
      {
        g_string_append_printf (lol, " <!ENTITY lol%d \"", i);
        for (int j = 0; j < 10; j++)
          {
            if (i == 1)
              g_string_append (lol, "&lol;");
            else
              g_string_append_printf (lol, "&lol%d;", i - 1);
          }
        g_string_append (lol, "\">\n");
      }
    g_string_append_printf (lol, "]>\n%s<x>&lol9;</x></ODM>\n", odm);
    CASE ("billion-laughs.xml", g_string_free (lol, FALSE), -1,
          "billion-laughs.xml:2: document type declarations");
  }
  {
    GString *deep = g_string_new ("<?xml version=\"1.0\"?>\n");
    g_string_append (deep, odm);
    for (int i = 0; i < 10000; i++)
      g_string_append (deep, "<ClinicalData>");
    for (int i = 0; i < 10000; i++)
      g_string_append (deep, "</ClinicalData>");
    g_string_append (deep, "</ODM>\n");
    CASE ("deep.xml", g_string_free (deep, FALSE), -1, "deep.xml:2: elements nested more than 64 deep");
  }
  {
    GString *big = g_string_new ("<?xml version=\"1.0\"?>\n");
    g_string_append (big, odm);
    g_string_append (big, "\n<Study OID=\"X\"><GlobalVariables><StudyName>");
    for (int i = 0; i < 20 * 1024; i++)
      g_string_append (big, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit.\n");
    g_string_append (big, "</StudyName></GlobalVariables></Study></ODM>\n");
    g_assert_cmpuint (big->len, >, 20 * 1024 * 1024);
    CASE ("big-text.xml", g_string_free (big, FALSE), -1, "big-text.xml:3: a text of");
  }
  CASE ("truncated.xml", g_strndup (good_text, good_len / 2), good_len / 2,
        "not a well-formed XML file");
  {
    char *bad = g_strdup (good_text);
    char *oid = strstr (bad, "Value=\"S-0001\"");
    g_assert_nonnull (oid);
    oid[8] = (char) 0xC3;    /* a lead byte followed by an ASCII one */
    oid[9] = (char) 0x28;
    CASE ("invalid-utf8.xml", bad, good_len, "is not valid UTF-8");
  }
  {
    GString *attrs = g_string_new ("<?xml version=\"1.0\"?>\n<ODM");
    for (int i = 0; i < 300000; i++)
      g_string_append_printf (attrs, " a%d=\"1\"", i);
    g_string_append (attrs, "/>\n");
    CASE ("attributes.xml", g_string_free (attrs, FALSE), -1,
          "attributes.xml:2: an element with more than 64 attributes");
  }
  {
    GString *many = g_string_new ("<?xml version=\"1.0\"?>\n");
    g_string_append (many, odm);
    for (int i = 0; i < 200; i++)
      g_string_append (many, "<ClinicalData StudyOID=\"BUTTONS-001\" MetaDataVersionOID=\"M\"/>");
    g_string_append (many, "</ODM");  /* cut short inside the last tag */
    CASE ("unterminated.xml", g_string_free (many, FALSE), -1, "not a well-formed XML file");
  }
#undef CASE

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_filename (f->dir, cases[i].name, NULL);
      Run run;

      write_file (path, cases[i].data, cases[i].len);
      run = run_import (db, path);
      g_test_message ("%s: exit %d in %.2f s, peak %ld kB: %s", cases[i].name, run.status,
                      run.seconds, run.max_rss_kb, run.err);
      g_assert_cmpint (run.status, ==, 1);
      cli_assert_contains (run.err, cases[i].message);
      g_assert_cmpfloat (run.seconds, <, SANITIZED ? 60 : 15);
      g_assert_cmpint (run.max_rss_kb, <, rss_limit_kb);
      g_free (run.err);
      g_free (cases[i].data);
    }

  /* Nothing written, and no connection to the listener. */
  g_assert_cmpint (audit_length (db), ==, before);
  {
    int conn = accept (listener, NULL, NULL);
    g_assert_cmpint (conn, ==, -1);
    g_assert_true (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  close (listener);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/odm/export", Fixture, NULL, fixture_set_up, test_export_contract, fixture_tear_down);
  g_test_add ("/cli/odm/import", Fixture, NULL, fixture_set_up, test_import_contract, fixture_tear_down);
  g_test_add ("/cli/odm/hostile", Fixture, NULL, fixture_set_up, test_hostile, fixture_tear_down);

  return g_test_run ();
}
