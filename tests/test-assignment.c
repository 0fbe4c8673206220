/* test-assignment.c — biomarker panels -> proposed arms, conflicts, pending results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "parasol-assignment.h"

static ParasolProtocol *protocol;

/* A marker spec: "dll3=62%", "vim=H180", "myc=amp", "myc=noamp", "axl=I10,20,60", "myc=pending" */
static void
add_marker (ParasolPatientFacts *f,
            const char          *spec)
{
  g_auto(GStrv) kv = g_strsplit (spec, "=", 2);
  ParasolBiomarkerResult *m = parasol_biomarker_result_new ();
  const char *v = kv[1];

  m->marker = g_strdup (kv[0]);
  m->id = f->biomarkers->len + 1;  /* later specs are newer results */
  if (g_str_equal (v, "pending"))
    m->pending = TRUE;
  else if (g_str_equal (v, "amp") || g_str_equal (v, "noamp"))
    {
      m->method = PARASOL_MARKER_METHOD_AMPLIFIED;
      m->value = g_str_equal (v, "amp") ? 1 : 0;
    }
  else if (v[0] == 'H')
    {
      m->method = PARASOL_MARKER_METHOD_HSCORE;
      m->value = g_ascii_strtod (v + 1, NULL);
    }
  else if (v[0] == 'I')
    {
      g_auto(GStrv) parts = g_strsplit (v + 1, ",", 3);
      for (int i = 0; i < 3; i++)
        m->intensity[i] = g_ascii_strtod (parts[i], NULL);
      m->method = PARASOL_MARKER_METHOD_HSCORE;
      m->value = parasol_hscore_from_intensities (m->intensity[0], m->intensity[1], m->intensity[2]);
    }
  else
    {
      m->method = PARASOL_MARKER_METHOD_PERCENT;
      m->value = g_ascii_strtod (v, NULL);
    }
  g_ptr_array_add (f->biomarkers, m);
}

typedef struct {
  const char *name;
  const char *markers;      /* space-separated specs */
  ParasolVerdict verdict;
  const char *proposed;     /* comma-separated, "" for none */
  gboolean    conflict;
  const char *pending;      /* comma-separated pending + missing markers */
  const char *trace;        /* substring of the trace, or NULL */
} Case;

#define LOW "ascl1=5 neurod1=5 dll3=10 myc=5 vim=H50 axl=H50"

static const Case cases[] = {
  { "DLL3 arm", "ascl1=35 neurod1=5 dll3=62 myc=5 vim=H50 axl=H50", PARASOL_VERDICT_ELIGIBLE,
    "dll3", FALSE, "", "DLL3 62 % of tumour cells >= 50 % and ASCL1 35 % of tumour cells >= 10 % -> DLL3 arm" },
  { "DLL3 arm via NEUROD1", "ascl1=0 neurod1=20 dll3=50 myc=5 vim=H50 axl=H50", PARASOL_VERDICT_ELIGIBLE,
    "dll3", FALSE, "", "NEUROD1 20 % of tumour cells >= 10 %" },
  { "DLL3 high alone is the DLL3 arm", "ascl1=5 neurod1=5 dll3=80 myc=5 vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "dll3", FALSE, "", "DLL3 80 % of tumour cells >= 50 %" },
  { "ASCL1 high alone is the DLL3 arm", "ascl1=10 neurod1=5 dll3=20 myc=5 vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "dll3", FALSE, "", "ASCL1 10 % of tumour cells >= 10 %" },
  { "ASCL1 9.9 % is not high", "ascl1=9.9 neurod1=5 dll3=20 myc=5 vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "control", FALSE, "", "ASCL1 9.9 % of tumour cells < 10 %" },
  { "DLL3 49.9 % is not high", "ascl1=5 neurod1=5 dll3=49.9 myc=5 vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "control", FALSE, "", "DLL3 49.9 % of tumour cells < 50 %" },
  { "XPO1 arm by MYC %", "ascl1=5 neurod1=5 dll3=10 myc=10 vim=H50 axl=H50", PARASOL_VERDICT_ELIGIBLE,
    "xpo1", FALSE, "", "MYC 10 % of tumour cells >= 10 % -> XPO1 arm" },
  { "XPO1 arm by MYC amplification", "ascl1=5 neurod1=5 dll3=10 myc=amp vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "xpo1", FALSE, "", "MYC amplified -> XPO1 arm" },
  { "anlotinib arm by VIM", "ascl1=5 neurod1=5 dll3=10 myc=5 vim=H150 axl=H50", PARASOL_VERDICT_ELIGIBLE,
    "anlotinib", FALSE, "", "VIM H-score 150 >= 150 -> Anlotinib arm" },
  { "anlotinib arm by AXL intensities", "ascl1=5 neurod1=5 dll3=10 myc=5 vim=H50 axl=I10,20,60",
    PARASOL_VERDICT_ELIGIBLE, "anlotinib", FALSE, "", "AXL H-score 230 >= 150" },
  { "control arm", LOW, PARASOL_VERDICT_ELIGIBLE, "control", FALSE, "", "No experimental arm rule holds -> Control arm" },
  { "two markers: conflict", "ascl1=35 neurod1=5 dll3=62 myc=amp vim=H50 axl=H50", PARASOL_VERDICT_ELIGIBLE,
    "dll3,xpo1", TRUE, "", "Conflict" },
  { "three arms: conflict", "ascl1=35 neurod1=5 dll3=62 myc=40 vim=H200 axl=H50", PARASOL_VERDICT_ELIGIBLE,
    "dll3,xpo1,anlotinib", TRUE, "", NULL },
  /* Regression (issue 8): "not amplified" with IHC never done was taken as MYC negative; the
   * protocol's negative-needs="percent" keeps it undecided, blocking the proposal like a pending
   * result */
  { "MYC not amplified, IHC never done: undecided", "ascl1=35 neurod1=5 dll3=62 myc=noamp vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "", FALSE, "myc", "no percent result yet" },
  { "MYC pending: no proposal", "ascl1=35 neurod1=5 dll3=62 myc=pending vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "", FALSE, "myc", "waiting for myc" },
  { "nothing tested: no proposal", "", PARASOL_VERDICT_ELIGIBLE, "",
    FALSE, "dll3,ascl1,neurod1,myc,vim,axl", NULL },
  { "pending marker that cannot change the outcome", "ascl1=35 neurod1=pending dll3=62 myc=5 vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "dll3", FALSE, "neurod1", NULL },
  { "conflict despite a pending marker", "ascl1=35 neurod1=5 dll3=62 myc=amp vim=pending axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "dll3,xpo1", TRUE, "vim", NULL },
  /* Regression: MYC has a cut-off for two methods; each method's newest result counts, and
   * either positive is MYC high (it used to be the newest result of any method alone). */
  { "MYC 40 % then not amplified: XPO1 arm", "ascl1=5 neurod1=5 dll3=10 myc=40 myc=noamp vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "xpo1", FALSE, "", "MYC 40 % of tumour cells >= 10 % -> XPO1 arm" },
  { "MYC amplified then 0 %: XPO1 arm", "ascl1=5 neurod1=5 dll3=10 myc=amp myc=0 vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "xpo1", FALSE, "", "MYC amplified -> XPO1 arm" },
  { "MYC negative by both methods", "ascl1=5 neurod1=5 dll3=10 myc=5 myc=noamp vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "control", FALSE, "", "MYC 5 % of tumour cells < 10 % and MYC not amplified" },
  { "MYC re-tested: the newer % counts", "ascl1=5 neurod1=5 dll3=10 myc=40 myc=5 vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "control", FALSE, "", "MYC 5 % of tumour cells < 10 %" },
  { "MYC sent again after a result: pending", "ascl1=5 neurod1=5 dll3=10 myc=40 myc=pending vim=H50 axl=H50",
    PARASOL_VERDICT_ELIGIBLE, "", FALSE, "myc", "waiting for myc" },
  { "DLL3 and MYC by % with amplification negative: conflict",
    "ascl1=5 neurod1=5 dll3=62 myc=20 myc=noamp vim=H50 axl=H50", PARASOL_VERDICT_ELIGIBLE,
    "dll3,xpo1", TRUE, "", "Conflict" },
  /* Regression: one arm matches and the other markers were never tested (none pending): it is
   * proposed, with what was not tested, rather than nothing at all. */
  { "DLL3 high, nothing else tested: proposed", "dll3=62", PARASOL_VERDICT_ELIGIBLE,
    "dll3", FALSE, "ascl1,neurod1,myc,vim,axl", "not tested: ascl1, neurod1, myc, vim, axl" },
  { "MYC amplified, nothing else tested: proposed", "myc=amp", PARASOL_VERDICT_ELIGIBLE,
    "xpo1", FALSE, "dll3,ascl1,neurod1,vim,axl", "Proposed XPO1 arm" },
  { "all untested but one negative: no proposal", "dll3=5", PARASOL_VERDICT_ELIGIBLE,
    "", FALSE, "ascl1,neurod1,myc,vim,axl", "No proposal yet" },
  { "not eligible: no arm", "ascl1=35 neurod1=5 dll3=62 myc=5 vim=H50 axl=H50", PARASOL_VERDICT_NOT_ELIGIBLE,
    "", FALSE, "", "not eligible" },
  { "incomplete screening: proposed, not confirmable", "ascl1=35 neurod1=5 dll3=62 myc=5 vim=H50 axl=H50",
    PARASOL_VERDICT_INCOMPLETE, "dll3", FALSE, "", "incomplete" },
};

static char *
join (GPtrArray *a)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < a->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", (char *) g_ptr_array_index (a, i));
  return g_string_free (s, FALSE);
}

static char *
trace_text (const ParasolAssignment *a)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < a->trace->len; i++)
    g_string_append_printf (s, "%s\n", (char *) g_ptr_array_index (a->trace, i));
  return g_string_free (s, FALSE);
}

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(ParasolPatientFacts) f = parasol_patient_facts_new ();
      g_autoptr(ParasolAssignment) a = NULL;
      g_auto(GStrv) specs = g_strsplit (c->markers, " ", -1);
      g_autofree char *proposed = NULL;
      g_autofree char *waiting = NULL;
      g_autofree char *trace = NULL;
      g_autoptr(GPtrArray) both = g_ptr_array_new ();

      g_test_message ("%s", c->name);
      for (guint j = 0; specs[j] != NULL; j++)
        if (*specs[j])
          add_marker (f, specs[j]);

      a = parasol_assignment_propose (protocol, f, c->verdict);
      proposed = join (a->proposed);
      for (guint j = 0; j < a->pending->len; j++)
        g_ptr_array_add (both, g_ptr_array_index (a->pending, j));
      for (guint j = 0; j < a->missing->len; j++)
        g_ptr_array_add (both, g_ptr_array_index (a->missing, j));
      waiting = join (both);
      trace = trace_text (a);

      if (g_strcmp0 (proposed, c->proposed) != 0 || a->conflict != c->conflict ||
          g_strcmp0 (waiting, c->pending) != 0 ||
          (c->trace != NULL && strstr (trace, c->trace) == NULL))
        g_error ("%s: proposed “%s” conflict %d waiting “%s”; trace:\n%s", c->name, proposed,
                 a->conflict, waiting, trace);
    }
}

static void
test_choice (void)
{
  g_autoptr(ParasolPatientFacts) f = parasol_patient_facts_new ();
  g_autoptr(ParasolAssignment) single = NULL;
  g_autoptr(ParasolAssignment) conflict = NULL;
  g_autoptr(ParasolAssignment) excluded = NULL;
  g_autoptr(ParasolAssignment) incomplete = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_override = TRUE;

  add_marker (f, "ascl1=35");
  add_marker (f, "neurod1=5");
  add_marker (f, "dll3=62");
  add_marker (f, "myc=5");
  add_marker (f, "vim=H50");
  add_marker (f, "axl=H50");
  single = parasol_assignment_propose (protocol, f, PARASOL_VERDICT_ELIGIBLE);

  /* The single proposal: no reason needed */
  g_assert_true (parasol_assignment_check_choice (protocol, single, "dll3", NULL, &is_override, &error));
  g_assert_no_error (error);
  g_assert_false (is_override);
  /* An override: reason required */
  g_assert_false (parasol_assignment_check_choice (protocol, single, "control", "  ", &is_override, &error));
  g_assert_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_true (parasol_assignment_check_choice (protocol, single, "control", "patient declines cell therapy",
                                                  &is_override, &error));
  g_assert_true (is_override);
  /* Unknown arm */
  g_assert_false (parasol_assignment_check_choice (protocol, single, "nope", "x", NULL, &error));
  g_assert_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_UNKNOWN_ARM);
  g_assert_nonnull (strstr (error->message, "dll3, xpo1, anlotinib, control"));
  g_clear_error (&error);

  /* A conflict: the investigator chooses, with a reason */
  g_ptr_array_set_size (f->biomarkers, 3);
  add_marker (f, "myc=amp");
  add_marker (f, "vim=H50");
  add_marker (f, "axl=H50");
  conflict = parasol_assignment_propose (protocol, f, PARASOL_VERDICT_ELIGIBLE);
  g_assert_true (conflict->conflict);
  g_assert_false (parasol_assignment_check_choice (protocol, conflict, "dll3", NULL, NULL, &error));
  g_assert_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED);
  g_clear_error (&error);
  g_assert_true (parasol_assignment_check_choice (protocol, conflict, "xpo1", "MYC amplified, DLL3 borderline",
                                                  &is_override, &error));
  g_assert_false (is_override);

  /* One arm proposed while other markers are untested: confirming it needs a reason */
  {
    g_autoptr(ParasolPatientFacts) partial_facts = parasol_patient_facts_new ();
    g_autoptr(ParasolAssignment) partial = NULL;

    add_marker (partial_facts, "dll3=62");
    partial = parasol_assignment_propose (protocol, partial_facts, PARASOL_VERDICT_ELIGIBLE);
    g_assert_true (parasol_assignment_is_proposed (partial, "dll3"));
    g_assert_false (parasol_assignment_check_choice (protocol, partial, "dll3", NULL, &is_override, &error));
    g_assert_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_REASON_REQUIRED);
    g_clear_error (&error);
    g_assert_true (parasol_assignment_check_choice (protocol, partial, "dll3", "panel not requested",
                                                    &is_override, &error));
    g_assert_no_error (error);
    g_assert_false (is_override);
  }

  /* Not eligible, or screening incomplete: no arm */
  excluded = parasol_assignment_propose (protocol, f, PARASOL_VERDICT_NOT_ELIGIBLE);
  g_assert_cmpuint (excluded->proposed->len, ==, 0);
  g_assert_false (parasol_assignment_check_choice (protocol, excluded, "control", "any", NULL, &error));
  g_assert_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_NOT_ELIGIBLE);
  g_clear_error (&error);
  incomplete = parasol_assignment_propose (protocol, f, PARASOL_VERDICT_INCOMPLETE);
  g_assert_false (parasol_assignment_check_choice (protocol, incomplete, "xpo1", "any", NULL, &error));
  g_assert_error (error, PARASOL_ASSIGNMENT_ERROR, PARASOL_ASSIGNMENT_ERROR_NOT_ELIGIBLE);
}

/* Regression (issue 8): the last entry decided, not the newest sample.  MYC 40 % on 10 March is
 * entered after MYC 5 % from an older block (1 February): the 40 % decides. */
static void
test_newest_sample (void)
{
  g_autoptr(ParasolPatientFacts) f = parasol_patient_facts_new ();
  g_autoptr(ParasolAssignment) a = NULL;
  g_autofree char *proposed = NULL;
  ParasolBiomarkerResult *older;

  add_marker (f, "ascl1=5");
  add_marker (f, "neurod1=5");
  add_marker (f, "dll3=10");
  add_marker (f, "vim=H50");
  add_marker (f, "axl=H50");
  add_marker (f, "myc=40");
  g_date_set_dmy (&((ParasolBiomarkerResult *) g_ptr_array_index (f->biomarkers, 5))->date, 10, 3, 2025);
  add_marker (f, "myc=5");
  older = g_ptr_array_index (f->biomarkers, 6);
  g_date_set_dmy (&older->date, 1, 2, 2025);

  g_assert_true (parasol_patient_facts_find_biomarker (f, "myc")->value == 40);
  a = parasol_assignment_propose (protocol, f, PARASOL_VERDICT_ELIGIBLE);
  proposed = join (a->proposed);
  g_assert_cmpstr (proposed, ==, "xpo1");

  /* same sample date: the one entered later counts */
  g_date_set_dmy (&older->date, 10, 3, 2025);
  g_assert_true (parasol_patient_facts_find_biomarker (f, "myc")->value == 5);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  protocol = parasol_protocol_new_default (&error);
  g_assert_no_error (error);

  g_test_add_func ("/assignment/cases", test_cases);
  g_test_add_func ("/assignment/choice", test_choice);
  g_test_add_func ("/assignment/newest-sample", test_newest_sample);

  ret = g_test_run ();
  g_object_unref (protocol);
  return ret;
}
