/* test-course.c — how a patient's treatment went: end, death, last response, doses not recorded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the demo trial (parasol-cli demo, data cut 2026-11-20, where every dose up to the cut is
 * recorded) and on facts made by hand: the end of treatment is the first event of a patient off
 * treatment, a death ends treatment, the last response is the latest, and past doses of the
 * calendar never recorded are counted up to today or to the end of treatment.
 */
#define G_LOG_DOMAIN "test-course"

#include "config.h"

#include "cli-helpers.h"
#include "parasol-course.h"
#include "parasol-patient-list.h"
#include "parasol-protocol.h"
#include "parasol-store.h"

static void
set_day (GDate      *date,
         int         year,
         int         month,
         int         day)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
}

static void
test_demo (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *db = cli_make_demo (dir, 40);
  g_autoptr(ParasolStore) store = test_open_store (db, FALSE);
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  GDate day_after_cut, later;
  guint n_off = 0, n_dead = 0, n_on = 0, n_on_missing = 0, n_responses = 0;

  protocol = parasol_protocol_new_for_store (store, &error);
  g_assert_no_error (error);
  set_day (&day_after_cut, 2026, 11, 21);
  set_day (&later, 2027, 1, 31);

  for (gint64 id = 1; id <= 40; id++)
    {
      g_autoptr(ParasolPatientFacts) f = parasol_store_load_patient (store, id, &error);
      g_autoptr(ParasolCourse) at_cut = NULL;
      g_autoptr(ParasolCourse) at_later = NULL;
      gboolean off = g_strcmp0 (f->status, "off_treatment") == 0;
      gboolean dead = FALSE;
      const ParasolEvent *first = NULL;

      g_assert_no_error (error);
      for (guint i = 0; i < f->events->len; i++)
        {
          const ParasolEvent *e = g_ptr_array_index (f->events, i);

          if (first == NULL || g_date_compare (&e->date, &first->date) < 0)
            first = e;
          dead |= g_strcmp0 (e->kind, "death") == 0;
        }

      at_cut = parasol_course_new (protocol, f, &day_after_cut);
      at_later = parasol_course_new (protocol, f, &later);

      g_assert_cmpint (at_cut->dead, ==, dead);
      g_assert_cmpint (at_cut->ended, ==, off || dead);
      if (at_cut->ended)
        {
          /* The demo records the end of every patient it takes off treatment. */
          g_assert_nonnull (first);
          g_assert_true (g_date_valid (&at_cut->end_date));
          g_assert_cmpint (g_date_compare (&at_cut->end_date, &first->date), ==, 0);
          g_assert_cmpstr (at_cut->end_reason, ==, first->reason);
        }
      if (dead)
        {
          g_assert_true (g_date_valid (&at_cut->death_date));
          n_dead++;
        }
      if (f->responses->len > 0)
        {
          const ParasolResponse *last = g_ptr_array_index (f->responses, f->responses->len - 1);

          g_assert_cmpstr (at_cut->last_response, ==, last->response);
          g_assert_cmpint (g_date_compare (&at_cut->last_response_date, &last->date), ==, 0);
          n_responses++;
        }
      else
        g_assert_null (at_cut->last_response);

      /* Everything up to the data cut is recorded. */
      if (at_cut->n_not_recorded != 0)
        g_test_message ("%s (%s, %s): %u not recorded", f->screening_number, f->status, f->arm,
                        at_cut->n_not_recorded);
      g_assert_cmpuint (at_cut->n_not_recorded, ==, 0);

      /* Two months on, nothing recorded: the doses of the cycles since are missing, but not
       * for a patient whose treatment ended. */
      if (at_cut->ended)
        {
          g_assert_cmpuint (at_later->n_not_recorded, ==, 0);
          n_off++;
        }
      else if (g_strcmp0 (f->status, "on_treatment") == 0)
        {
          n_on++;
          if (at_later->n_not_recorded > 0)
            n_on_missing++;
        }
    }

  g_assert_cmpuint (n_off, >, 0);
  g_assert_cmpuint (n_dead, >, 0);
  g_assert_cmpuint (n_responses, >, 0);
  g_assert_cmpuint (n_on, >, 0);
  g_assert_cmpuint (n_on_missing, ==, n_on);

  cli_rm_rf (dir);
}

/* Facts by hand: a patient off treatment with no event recorded, and one without a protocol. */
static void
test_by_hand (void)
{
  g_autoptr(ParasolPatientFacts) f = parasol_patient_facts_new ();
  g_autoptr(ParasolCourse) course = NULL;
  g_autoptr(ParasolCourse) no_protocol = NULL;
  ParasolResponse *r1 = parasol_response_new ();
  ParasolResponse *r2 = parasol_response_new ();
  ParasolEvent *death = parasol_event_new ();
  GDate today;

  set_day (&today, 2026, 12, 1);
  f->status = g_strdup ("off_treatment");
  set_day (&r1->date, 2026, 3, 1);
  r1->response = g_strdup ("PR");
  set_day (&r2->date, 2026, 4, 12);
  r2->response = g_strdup ("PD");
  /* Out of order on purpose: the latest wins, not the last in the array. */
  g_ptr_array_add (f->responses, r2);
  g_ptr_array_add (f->responses, r1);

  course = parasol_course_new (NULL, f, &today);
  g_assert_true (course->ended);
  g_assert_false (course->dead);
  g_assert_false (g_date_valid (&course->end_date));
  g_assert_cmpstr (course->last_response, ==, "PD");
  g_assert_cmpuint (course->n_not_recorded, ==, 0);

  /* A death ends treatment even when the status was not changed. */
  g_free (f->status);
  f->status = g_strdup ("on_treatment");
  set_day (&death->date, 2026, 5, 2);
  death->kind = g_strdup ("death");
  g_ptr_array_add (f->events, death);
  no_protocol = parasol_course_new (NULL, f, &today);
  g_assert_true (no_protocol->dead);
  g_assert_true (no_protocol->ended);
  g_assert_cmpint (no_protocol->end_kind, ==, PARASOL_EVENT_KIND_DEATH);
  g_assert_cmpint (g_date_get_day (&no_protocol->death_date), ==, 2);
}

/* The list works a course out once per item, and again after a record of the patient changes. */
static void
test_list (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *db = cli_make_demo (dir, 12);
  g_autoptr(ParasolStore) store = test_open_store (db, FALSE);
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolPatientList) list = NULL;
  g_autoptr(GError) error = NULL;
  guint n_ended = 0;

  protocol = parasol_protocol_new_for_store (store, &error);
  g_assert_no_error (error);
  list = parasol_patient_list_new (store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (G_LIST_MODEL (list), i);
      const ParasolCourse *course;

      g_assert_null (parasol_patient_list_get_course (list, NULL, patient));
      course = parasol_patient_list_get_course (list, protocol, patient);
      g_assert_nonnull (course);
      /* Kept with the item. */
      g_assert_true (parasol_patient_list_get_course (list, protocol, patient) == course);
      if (course->ended)
        n_ended++;
      g_assert_cmpint (course->ended, ==,
                       course->dead ||
                       g_strcmp0 (parasol_patient_get_status (patient), "off_treatment") == 0);
    }
  g_assert_cmpuint (n_ended, >, 0);

  cli_rm_rf (dir);
}

static void
assert_same_course (const ParasolCourse *a,
                    const ParasolCourse *b)
{
  g_assert_cmpint (a->ended, ==, b->ended);
  g_assert_cmpint (g_date_valid (&a->end_date), ==, g_date_valid (&b->end_date));
  if (g_date_valid (&a->end_date))
    g_assert_cmpint (g_date_compare (&a->end_date, &b->end_date), ==, 0);
  g_assert_cmpint (a->end_kind, ==, b->end_kind);
  g_assert_cmpstr (a->end_reason, ==, b->end_reason);
  g_assert_cmpint (a->dead, ==, b->dead);
  g_assert_cmpint (g_date_valid (&a->death_date), ==, g_date_valid (&b->death_date));
  if (g_date_valid (&a->death_date))
    g_assert_cmpint (g_date_compare (&a->death_date, &b->death_date), ==, 0);
  g_assert_cmpstr (a->last_response, ==, b->last_response);
  g_assert_cmpuint (a->n_not_recorded, ==, b->n_not_recorded);
}

typedef struct {
  ParasolStore    *store;
  ParasolProtocol *protocol;
  guint            n;
  guint            n_withdrawn;
} OnePass;

static void
one_pass_cb (const ParasolPatientFacts *facts,
             gpointer                   user_data)
{
  OnePass *pass = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatientFacts) loaded = parasol_store_load_patient (pass->store, facts->id,
                                                                      &error);
  g_autoptr(ParasolCourse) one = NULL;
  g_autoptr(ParasolCourse) each = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (facts->cycles->len, ==, loaded->cycles->len);
  g_assert_cmpuint (facts->administrations->len, ==, loaded->administrations->len);
  g_assert_cmpuint (facts->responses->len, ==, loaded->responses->len);
  g_assert_cmpuint (facts->events->len, ==, loaded->events->len);
  g_assert_cmpuint (facts->withdrawn_responses->len, ==, loaded->withdrawn_responses->len);
  pass->n_withdrawn += facts->withdrawn_responses->len;
  one = parasol_course_new (pass->protocol, facts, NULL);
  each = parasol_course_new (pass->protocol, loaded, NULL);
  assert_same_course (one, each);
  pass->n++;
}

/* The courses worked out in one pass over the store are those worked out patient by patient,
 * a withdrawn response included; the list keeps them with its items. */
static void
test_one_pass (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *db = cli_make_demo (dir, 40);
  g_autoptr(ParasolStore) store = test_open_store (db, FALSE);
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolPatientList) list = NULL;
  g_autoptr(ParasolPatientFacts) f = NULL;
  g_autoptr(GError) error = NULL;
  OnePass pass = { 0 };
  gint64 patient_id = 0;

  protocol = parasol_protocol_new_for_store (store, &error);
  g_assert_no_error (error);

  /* The last response of a patient who has one, withdrawn as entered in error. */
  for (gint64 id = 1; id <= 40 && patient_id == 0; id++)
    {
      g_clear_pointer (&f, parasol_patient_facts_free);
      f = parasol_store_load_patient (store, id, &error);
      g_assert_no_error (error);
      if (f->responses->len > 1)
        patient_id = id;
    }
  g_assert_cmpint (patient_id, >, 0);
  g_assert_true (parasol_store_correct_response (store, patient_id,
                                                 g_ptr_array_index (f->responses,
                                                                    f->responses->len - 1),
                                                 TRUE, "Test: entered in error", &error));
  g_assert_no_error (error);

  pass.store = store;
  pass.protocol = protocol;
  g_assert_true (parasol_store_foreach_course_facts (store, one_pass_cb, &pass, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pass.n, ==, 40);
  g_assert_cmpuint (pass.n_withdrawn, ==, 1);

  list = parasol_patient_list_new_paged (store, 5);
  parasol_patient_list_load_courses (list, protocol);
  g_assert_true (parasol_patient_list_is_complete (list));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(ParasolPatient) patient = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_autoptr(ParasolPatientFacts) loaded =
        parasol_store_load_patient (store, parasol_patient_get_id (patient), &error);
      g_autoptr(ParasolCourse) each = parasol_course_new (protocol, loaded, NULL);
      const ParasolCourse *kept = parasol_patient_list_get_course (list, NULL, patient);

      /* Kept with the item: asked for without the protocol, it is there already. */
      g_assert_nonnull (kept);
      assert_same_course (kept, each);
    }

  cli_rm_rf (dir);
}

static void
count_notified (GObject    *list,
                GParamSpec *pspec,
                gboolean   *notified)
{
  *notified = TRUE;
}

/* A paged list reads a screenful first and the rest on asking, in the same order as a whole
 * read, and counts the patients in a worker thread; a change to a patient not read yet waits
 * for the rest. */
static void
test_list_paged (void)
{
  g_autofree char *dir = cli_make_tmpdir ();
  g_autofree char *db = cli_make_demo (dir, 30);
  g_autoptr(ParasolStore) store = test_open_store (db, FALSE);
  g_autoptr(ParasolPatientList) whole = parasol_patient_list_new (store);
  g_autoptr(ParasolPatientList) paged = parasol_patient_list_new_paged (store, 8);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolPatient) last = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (whole));
  gboolean notified = FALSE;

  g_assert_cmpuint (n, ==, 30);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paged)), ==, 8);
  g_assert_false (parasol_patient_list_is_complete (paged));
  /* The count comes from a worker thread; until then, only the rows read. */
  g_assert_false (parasol_patient_list_is_counted (paged));
  g_assert_cmpuint (parasol_patient_list_get_n_patients (paged), ==, 8);
  g_signal_connect (paged, "notify::n-patients", G_CALLBACK (count_notified), &notified);
  while (!parasol_patient_list_is_counted (paged))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (notified);
  g_assert_cmpuint (parasol_patient_list_get_n_patients (paged), ==, 30);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paged)), ==, 8);

  /* A change beyond the first page: not inserted out of order. */
  last = g_list_model_get_item (G_LIST_MODEL (whole), n - 1);
  g_assert_true (parasol_store_set_patient_field (store, parasol_patient_get_id (last), "initials",
                                                  "QQZ", 0, "Test: corrected initials", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paged)), ==, 8);

  parasol_patient_list_complete (paged);
  g_assert_true (parasol_patient_list_is_complete (paged));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paged)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParasolPatient) a = g_list_model_get_item (G_LIST_MODEL (whole), i);
      g_autoptr(ParasolPatient) b = g_list_model_get_item (G_LIST_MODEL (paged), i);

      g_assert_cmpint (parasol_patient_get_id (a), ==, parasol_patient_get_id (b));
    }
  {
    g_autoptr(ParasolPatient) b = g_list_model_get_item (G_LIST_MODEL (paged), n - 1);

    g_assert_cmpstr (parasol_patient_get_initials (b), ==, "QQZ");
  }

  /* A search reads every patient. */
  {
    g_autoptr(ParasolPatientList) searched = parasol_patient_list_new_paged (store, 5);

    g_assert_cmpuint (parasol_patient_list_filter (searched, "", NULL), ==, n);
    g_assert_true (parasol_patient_list_is_complete (searched));
  }

  cli_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/course/demo", test_demo);
  g_test_add_func ("/course/by-hand", test_by_hand);
  g_test_add_func ("/course/list", test_list);
  g_test_add_func ("/course/list-paged", test_list_paged);
  g_test_add_func ("/course/one-pass", test_one_pass);

  return g_test_run ();
}
