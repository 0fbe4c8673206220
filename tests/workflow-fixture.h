/* workflow-fixture.h — a trial database with an eligible patient, built through core only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the workflow tests (enrolment, administration, lab entry and import, reliability): a real
 * SQLite file in a scratch folder, the built-in BUTTONS-001 protocol, and a patient screened
 * @days_ago days ago with every lab in range that day and every criterion attested.  Dates are
 * relative to today, because dates of what happened may not lie ahead.
 */
#pragma once

#include <math.h>
#include <string.h>

#include <glib.h>

#include "cli-helpers.h"
#include "parasol-lab-entry.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

typedef struct {
  char            *dir;
  char            *db;
  ParasolStore    *store;
  ParasolProtocol *protocol;
} WorkflowFixture;

static inline GDate
wf_days_from_today (int days)
{
  GDate d;

  parasol_date_set_today (&d);
  if (days > 0)
    g_date_add_days (&d, days);
  else if (days < 0)
    g_date_subtract_days (&d, -days);
  return d;
}

static inline char *
wf_iso (const GDate *date)
{
  return parasol_date_to_iso (date);
}

/* Creates the database at f->db with the trial */
static inline void
wf_set_up_store (WorkflowFixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = test_open_store (f->db, TRUE);
  f->protocol = parasol_protocol_new_default (&error);
  g_assert_no_error (error);
  g_assert_true (parasol_store_init_trial (f->store, parasol_protocol_get_id (f->protocol),
                                           parasol_protocol_get_registry_id (f->protocol),
                                           parasol_protocol_get_title (f->protocol),
                                           parasol_protocol_get_version (f->protocol),
                                           parasol_protocol_get_source (f->protocol), &error));
  g_assert_no_error (error);
}

static inline void
wf_set_up (WorkflowFixture *f,
           gconstpointer    data)
{
  f->dir = cli_make_tmpdir ();
  f->db = g_build_filename (f->dir, "trial.db", NULL);
  wf_set_up_store (f);
}

static inline void
wf_tear_down (WorkflowFixture *f,
              gconstpointer    data)
{
  g_clear_object (&f->protocol);
  g_clear_object (&f->store);
  cli_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static inline void
wf_set (WorkflowFixture *f,
        gint64           id,
        const char      *field,
        const char      *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (parasol_store_set_patient_field (f->store, id, field, value, 0, "test", &error));
  g_assert_no_error (error);
}

static inline void
wf_lab (WorkflowFixture *f,
        gint64           id,
        const char      *lab,
        double           value,
        const char      *unit,
        double           uln,
        const GDate     *date)
{
  g_autoptr(GError) error = NULL;
  ParasolLabEntry entry;

  parasol_lab_entry_init (&entry);
  entry.lab = lab;
  entry.value = value;
  entry.unit = unit;
  entry.uln = uln;
  entry.date = *date;
  g_assert_cmpint (parasol_lab_entry_add (f->store, f->protocol, id, &entry, NULL, NULL, &error), >, 0);
  g_assert_no_error (error);
}

/* Every lab in range on @date */
static inline void
wf_labs (WorkflowFixture *f,
         gint64           id,
         const GDate     *date)
{
  wf_lab (f, id, "anc", 3.2, "10^9/L", NAN, date);
  wf_lab (f, id, "plt", 210, "10^9/L", NAN, date);
  wf_lab (f, id, "hgb", 128, "g/L", NAN, date);
  wf_lab (f, id, "ast", 25, "U/L", 40, date);
  wf_lab (f, id, "alt", 22, "U/L", 40, date);
  wf_lab (f, id, "tbil", 12, "umol/L", 21, date);
  wf_lab (f, id, "creatinine", 70, "umol/L", 90, date);
  wf_lab (f, id, "inr", 1.0, "ratio", 1.2, date);
  wf_lab (f, id, "aptt", 30, "s", 40, date);
}

/* A woman of 64, screened @days_ago days ago, eligible that day; arm @arm confirmed when not NULL */
static inline gint64
wf_eligible_patient (WorkflowFixture *f,
                     const char      *screening_number,
                     int              days_ago,
                     const char      *arm)
{
  g_autoptr(GError) error = NULL;
  GDate screened = wf_days_from_today (-days_ago);
  g_autofree char *screened_iso = wf_iso (&screened);
  GPtrArray *criteria = parasol_protocol_get_criteria (f->protocol);
  gint64 id = test_add_patient (f->store, screening_number);

  wf_set (f, id, "screening_date", screened_iso);
  wf_set (f, id, "ecog", "1");
  wf_set (f, id, "height_cm", "162");
  /* weighed at screening */
  g_assert_cmpint (parasol_store_add_weight (f->store, id, 60, &screened, 0, NULL, &error), >, 0);
  g_assert_no_error (error);
  wf_set (f, id, "liver_metastases", "no");
  wf_set (f, id, "liver_infiltration", "no");
  /* Past the menopause: no pregnancy test (inc-07); transfusions: attested below (inc-06) */
  wf_set (f, id, "childbearing_potential", "no");
  wf_labs (f, id, &screened);
  for (guint i = 0; i < criteria->len; i++)
    {
      const ParasolCriterion *c = g_ptr_array_index (criteria, i);
      g_autoptr(ParasolAttestation) a = parasol_attestation_new ();

      a->criterion = g_strdup (c->id);
      a->met = TRUE;
      a->note = g_strdup ("checked");
      a->date = screened;
      g_assert_cmpint (parasol_store_set_attestation (f->store, id, a, NULL, &error), >, 0);
      g_assert_no_error (error);
    }
  if (arm != NULL)
    {
      g_assert_cmpint (parasol_store_record_assignment (f->store, id, arm, arm,
                                                        parasol_protocol_get_version (f->protocol),
                                                        "test", &error), >, 0);
      g_assert_no_error (error);
    }
  return id;
}
