/* cli-store.c — parasol-cli: the database, patients, audit trail and backups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-cli"

#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdio.h>

#include "parasol-cli.h"
#include "parasol-cli-commands.h"
#include "parasol-trial.h"
#include "parasol-protocol.h"
#include "parasol-eligibility.h"

/* The flags every command opens the database with (--allow-network-filesystem). */
static ParasolStoreOpenFlags
open_flags (void)
{
  return parasol_cli_options.allow_network_fs ? PARASOL_STORE_OPEN_ALLOW_NETWORK_FS
                                              : PARASOL_STORE_OPEN_DEFAULT;
}

int
parasol_cli_init (int    argc,
                  char **argv)
{
  g_autofree char *protocol_path = NULL;
  const GOptionEntry entries[] = {
    { "protocol", 'p', 0, G_OPTION_ARG_FILENAME, &protocol_path,
      N_("Protocol definition file (default: the built-in BUTTONS-001)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(ParasolProtocol) protocol = NULL;
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Create a new, empty trial database from a protocol."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  store = parasol_trial_create (parasol_cli_options.database, protocol_path, 0, 0, open_flags (),
                                &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  protocol = parasol_protocol_new_for_store (store, &error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "database", parasol_store_get_path (store));
      parasol_json_member_string (json, "trial", parasol_protocol_get_id (protocol));
      parasol_json_member_string (json, "protocol_version", parasol_protocol_get_version (protocol));
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Created %s for %s (protocol version %s).\n"), parasol_store_get_path (store),
            parasol_protocol_get_id (protocol), parasol_protocol_get_version (protocol));

  return PARASOL_CLI_OK;
}

int
parasol_cli_demo (int    argc,
                  char **argv)
{
  int n_patients = 40;
  gint64 seed = 1;
  const GOptionEntry entries[] = {
    { "patients", 'n', 0, G_OPTION_ARG_INT, &n_patients,
      N_("Number of patients (default 40)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      N_("Random seed; the same seed gives the same trial (default 1)"), N_("S") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double seconds;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Create a database holding a synthetic demo trial: patients in "
                                 "screening, screen-failed, on and off treatment in every arm, "
                                 "with labs, biomarkers, cycles and responses."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  if (n_patients < 1 || n_patients > 10000000)
    return parasol_cli_usage_error (_("--patients must be from 1 to 10000000"));

  start = g_get_monotonic_time ();
  store = parasol_trial_create (parasol_cli_options.database, NULL, n_patients, (guint32) seed,
                                open_flags (), &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "database", parasol_store_get_path (store));
      parasol_json_member_int (json, "patients", n_patients);
      parasol_json_member_int (json, "seed", seed);
      parasol_json_member_double (json, "seconds", round (seconds * 1000) / 1000);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "Created a demo trial with %d patient in %s (%.1f s).\n",
                         "Created a demo trial with %d patients in %s (%.1f s).\n", n_patients),
            n_patients, parasol_store_get_path (store), seconds);

  return PARASOL_CLI_OK;
}

int
parasol_cli_patient_add (int    argc,
                         char **argv)
{
  g_autofree char *screening_id = NULL;
  g_autofree char *sex = NULL;
  g_autofree char *birth_date = NULL;
  g_autofree char *initials = NULL;
  g_autofree char *screening_date = NULL;
  g_autofree char *site = NULL;
  const GOptionEntry entries[] = {
    { "screening-id", 0, 0, G_OPTION_ARG_STRING, &screening_id,
      N_("Screening number (required)"), N_("ID") },
    { "sex", 0, 0, G_OPTION_ARG_STRING, &sex, N_("female or male (required)"), N_("SEX") },
    { "birth-date", 0, 0, G_OPTION_ARG_STRING, &birth_date,
      N_("Date of birth (required)"), N_("YYYY-MM-DD") },
    { "initials", 0, 0, G_OPTION_ARG_STRING, &initials, N_("Patient initials"), N_("XYZ") },
    { "screening-date", 0, 0, G_OPTION_ARG_STRING, &screening_date,
      N_("Date of screening (default: today)"), N_("YYYY-MM-DD") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("Site"), N_("SITE") },
    { NULL }
  };
  g_autoptr(ParasolPatientFacts) facts = parasol_patient_facts_new ();
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Register a patient for screening."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  if (screening_id == NULL || sex == NULL || birth_date == NULL)
    return parasol_cli_usage_error (_("--screening-id, --sex and --birth-date are required"));
  if (!parasol_sex_from_string (sex, &facts->sex))
    return parasol_cli_usage_error (_("--sex must be female or male, not “%s”"), sex);
  if (!parasol_cli_parse_date (birth_date, &facts->birth_date, &error) ||
      (screening_date && !parasol_cli_parse_date (screening_date, &facts->screening_date, &error)))
    return parasol_cli_usage_error ("%s", error->message);

  if (screening_date == NULL)
    parasol_date_set_today (&facts->screening_date);

  facts->screening_number = g_strdup (screening_id);
  facts->initials = g_strdup (initials);
  facts->site = g_strdup (site);

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);

  id = parasol_store_add_patient (store, facts, &error);
  if (id == 0)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", id);
      parasol_json_member_string (json, "screening_number", screening_id);
      parasol_json_member_string (json, "status",
                                  parasol_patient_status_to_string (PARASOL_PATIENT_STATUS_SCREENING));
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Added patient %s (id %" PRId64 ").\n"), screening_id, id);

  return PARASOL_CLI_OK;
}

typedef struct {
  const char  *status;
  ParasolJson *json;
  guint        n;
} ListData;

static void
print_patient_line (const char *screening,
                    const char *subject,
                    const char *initials,
                    const char *sex,
                    const char *born,
                    const char *status,
                    const char *arm)
{
  /* Stored values: escaped, so a newline or a bidi override cannot forge or hide a row. */
  g_autofree char *e1 = parasol_cli_escape (screening), *e2 = parasol_cli_escape (subject);
  g_autofree char *e3 = parasol_cli_escape (initials), *e4 = parasol_cli_escape (sex);
  g_autofree char *e5 = parasol_cli_escape (born), *e6 = parasol_cli_escape (status);
  g_autofree char *e7 = parasol_cli_escape (arm);
  g_autofree char *c1 = parasol_cli_pad (e1, 12);
  g_autofree char *c2 = parasol_cli_pad (e2, 10);
  g_autofree char *c3 = parasol_cli_pad (e3, 4);
  g_autofree char *c4 = parasol_cli_pad (e4, 6);
  g_autofree char *c5 = parasol_cli_pad (e5, 10);
  g_autofree char *c6 = parasol_cli_pad (e6, 14);

  printf ("%s %s %s %s %s %s %s\n", c1, c2, c3, c4, c5, c6, e7);
}

static void
list_row_cb (const ParasolPatientRow *row,
             gpointer                 user_data)
{
  ListData *data = user_data;

  if (data->status != NULL && g_strcmp0 (row->status, data->status) != 0)
    return;
  data->n++;

  if (data->json != NULL)
    {
      parasol_json_begin_object (data->json);
      parasol_json_member_int (data->json, "id", row->id);
      parasol_json_member_string (data->json, "screening_number", row->screening_number);
      parasol_json_member_string (data->json, "subject_number", row->subject_number);
      parasol_json_member_string (data->json, "initials", row->initials);
      parasol_json_member_string (data->json, "sex", row->sex);
      parasol_json_member_string (data->json, "birth_date", row->birth_date);
      parasol_json_member_string (data->json, "site", row->site);
      parasol_json_member_string (data->json, "status", row->status);
      parasol_json_member_string (data->json, "arm", row->arm);
      parasol_json_member_string (data->json, "screening_date", row->screening_date);
      parasol_json_member_string (data->json, "c1d1", row->c1d1);
      parasol_json_member_int (data->json, "version", row->version);
      parasol_json_end_object (data->json);
    }
  else
    print_patient_line (row->screening_number, row->subject_number ? row->subject_number : "-",
                        row->initials ? row->initials : "-", row->sex ? row->sex : "-",
                        row->birth_date ? row->birth_date : "-", row->status,
                        row->arm ? row->arm : "-");
}

int
parasol_cli_patient_list (int    argc,
                          char **argv)
{
  g_autofree char *status_filter = NULL;
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_filter,
      N_("Only patients with this status (screening, screen_failed, enrolled, on_treatment, "
         "off_treatment)"), N_("STATUS") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolJson) json = NULL;
  g_autoptr(GError) error = NULL;
  ListData data = { 0 };
  int status;

  const char *statuses[PARASOL_PATIENT_STATUS_OFF_TREATMENT + 2] = { NULL };

  for (int s = PARASOL_PATIENT_STATUS_SCREENING; s <= PARASOL_PATIENT_STATUS_OFF_TREATMENT; s++)
    statuses[s] = parasol_patient_status_to_string (s);

  status = parasol_cli_parse (&argc, &argv, entries, NULL, N_("List the patients."), 0);
  if (status != PARASOL_CLI_OK)
    return status;
  if (!parasol_cli_check_choice ("--status", status_filter, statuses, &error))
    return parasol_cli_usage_error ("%s", error->message);

  store = parasol_cli_open_store_read_only (&error);
  if (store == NULL)
    return parasol_cli_fail (error);

  data.status = status_filter;
  if (parasol_cli_options.json)
    {
      json = parasol_json_new ();
      data.json = json;
      parasol_json_begin_array (json);
    }
  else
    print_patient_line (_("Screening"), _("Subject"), _("Init"), _("Sex"), _("Born"), _("Status"),
                        _("Arm"));

  if (!parasol_store_foreach_patient (store, 0, list_row_cb, &data, &error))
    return parasol_cli_fail (error);

  if (json != NULL)
    {
      parasol_json_end_array (json);
      parasol_cli_print_json (json);
    }
  return PARASOL_CLI_OK;
}


/* corrected: changed since it was recorded (the audit trail says how and why) */
static void
json_responses (ParasolJson *json,
                const char  *name,
                GPtrArray   *responses)
{
  parasol_json_member (json, name);
  parasol_json_begin_array (json);
  for (guint i = 0; i < responses->len; i++)
    {
      const ParasolResponse *r = g_ptr_array_index (responses, i);

      parasol_json_begin_object (json);
      parasol_json_member_date (json, "date", &r->date);
      parasol_json_member_string (json, "response", r->response);
      parasol_json_member_int (json, "id", r->id);
      parasol_json_member_boolean (json, "corrected", r->version > 1);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);
}

static void
json_events (ParasolJson *json,
             const char  *name,
             GPtrArray   *events)
{
  parasol_json_member (json, name);
  parasol_json_begin_array (json);
  for (guint i = 0; i < events->len; i++)
    {
      const ParasolEvent *e = g_ptr_array_index (events, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "kind", e->kind);
      parasol_json_member_date (json, "date", &e->date);
      parasol_json_member_string (json, "reason", e->reason);
      parasol_json_member_int (json, "id", e->id);
      parasol_json_member_boolean (json, "corrected", e->version > 1);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);
}

static const char *
tri_string (ParasolTri value)
{
  return value == PARASOL_TRI_YES ? "yes" : value == PARASOL_TRI_NO ? "no" : NULL;
}

int
parasol_cli_patient_show (int    argc,
                          char **argv)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolPatientFacts) p = NULL;
  g_autoptr(ParasolJson) json = parasol_json_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status;

  status = parasol_cli_parse (&argc, &argv, NULL, "ID",
                              N_("Show everything recorded for a patient."), 1);
  if (status != PARASOL_CLI_OK)
    return status;

  store = parasol_cli_open_store_read_only (&error);
  if (store == NULL)
    return parasol_cli_fail (error);
  id = parasol_cli_find_patient (store, argv[1], &error);
  if (id == 0)
    return parasol_cli_fail (error);
  p = parasol_store_load_patient (store, id, &error);
  if (p == NULL)
    return parasol_cli_fail (error);

  parasol_json_begin_object (json);
  parasol_json_member_int (json, "id", p->id);
  parasol_json_member_int (json, "version", p->version);
  parasol_json_member_string (json, "screening_number", p->screening_number);
  parasol_json_member_string (json, "subject_number", p->subject_number);
  parasol_json_member_string (json, "initials", p->initials);
  parasol_json_member_string (json, "sex", parasol_sex_to_string (p->sex));
  parasol_json_member_date (json, "birth_date", &p->birth_date);
  parasol_json_member_string (json, "site", p->site);
  parasol_json_member_string (json, "status", p->status);
  parasol_json_member_string (json, "arm", p->arm);
  parasol_json_member_string (json, "ici", p->ici);
  /* the backbone's platinum chosen at enrolment; null before */
  parasol_json_member_string (json, "platinum", p->platinum);
  parasol_json_member_date (json, "screening_date", &p->screening_date);
  parasol_json_member_date (json, "c1d1", &p->c1d1);
  parasol_json_member (json, "ecog");
  if (p->ecog >= 0)
    parasol_json_int (json, p->ecog);
  else
    parasol_json_null (json);
  parasol_json_member_string (json, "liver_metastases", tri_string (p->liver_metastases));
  parasol_json_member_string (json, "liver_infiltration", tri_string (p->liver_infiltration));
  parasol_json_member_string (json, "childbearing_potential",
                              tri_string (p->childbearing_potential));
  parasol_json_member_date (json, "last_transfusion", &p->last_transfusion);
  parasol_json_member_double (json, "height_cm", p->height_cm);
  parasol_json_member_double (json, "weight_kg", p->weight_kg);
  parasol_json_member_double (json, "dose_weight_kg", p->dose_weight_kg);
  {
    g_autofree char *language = NULL;

    /* the language of the patient's printouts (schema 5); null when not recorded */
    if (!parasol_store_get_patient_language (store, id, &language, &error))
      return parasol_cli_fail (error);
    parasol_json_member_string (json, "language", language);
  }
  {
    GDate measured;

    /* when the current weight was measured (schema 6), and every dated weight */
    if (!parasol_store_get_weight_date (store, id, &measured, &error))
      return parasol_cli_fail (error);
    parasol_json_member_date (json, "weight_measured_on", &measured);
  }
  parasol_json_member (json, "weights");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->weights->len; i++)
    {
      const ParasolWeight *w = g_ptr_array_index (p->weights, i);

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", w->id);
      parasol_json_member_double (json, "weight_kg", w->weight_kg);
      parasol_json_member_date (json, "measured_on", &w->date);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "labs");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->labs->len; i++)
    {
      const ParasolLabResult *l = g_ptr_array_index (p->labs, i);

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", l->id);
      parasol_json_member_string (json, "lab", l->lab);
      parasol_json_member_double (json, "value", l->value);
      parasol_json_member_string (json, "unit", l->unit);
      parasol_json_member_double (json, "value_entered", l->value_entered);
      parasol_json_member_string (json, "unit_entered", l->unit_entered);
      parasol_json_member_double (json, "uln", l->uln);
      parasol_json_member_date (json, "date", &l->date);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "biomarkers");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->biomarkers->len; i++)
    {
      static const char *const methods[] = { "percent", "hscore", "amplified" };
      const ParasolBiomarkerResult *m = g_ptr_array_index (p->biomarkers, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "marker", m->marker);
      parasol_json_member_string (json, "method", methods[m->method]);
      parasol_json_member_double (json, "value", m->value);
      parasol_json_member_boolean (json, "pending", m->pending);
      parasol_json_member_date (json, "date", &m->date);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "attestations");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->attestations->len; i++)
    {
      const ParasolAttestation *a = g_ptr_array_index (p->attestations, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "criterion", a->criterion);
      parasol_json_member_string (json, "status",
                                  parasol_criterion_status_to_string (a->met ? PARASOL_STATUS_MET
                                                                              : PARASOL_STATUS_NOT_MET));
      parasol_json_member_string (json, "note", a->note);
      parasol_json_member_string (json, "source", a->source);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "cycles");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->cycles->len; i++)
    {
      const ParasolCycleRecord *c = g_ptr_array_index (p->cycles, i);

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "number", c->number);
      parasol_json_member_date (json, "start", &c->start);
      parasol_json_member_string (json, "status", c->status);
      parasol_json_member_string (json, "reason", c->reason);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "administrations");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->administrations->len; i++)
    {
      const ParasolAdministration *a = g_ptr_array_index (p->administrations, i);

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "cycle", a->cycle);
      parasol_json_member_string (json, "drug", a->drug);
      parasol_json_member_date (json, "date", &a->date);
      parasol_json_member_double (json, "dose", a->dose);
      parasol_json_member_string (json, "unit", a->unit);
      parasol_json_member_string (json, "given_by", a->given_by);
      parasol_json_member_string (json, "reason", a->reason);
      parasol_json_member_boolean (json, "flagged", a->flagged);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  json_responses (json, "responses", p->responses);
  json_events (json, "events", p->events);
  /* Withdrawn as entered in error: kept and shown, counted nowhere */
  json_responses (json, "withdrawn_responses", p->withdrawn_responses);
  json_events (json, "withdrawn_events", p->withdrawn_events);
  parasol_json_end_object (json);

  /* The record is the same either way; JSON is also the readable form. */
  parasol_cli_print_json (json);
  return PARASOL_CLI_OK;
}

int
parasol_cli_patient_set (int    argc,
                         char **argv)
{
  g_autofree char *reason = NULL;
  g_autofree char *measured_on_str = NULL;
  gint64 expected_version = 0;
  gboolean clear = FALSE;
  GDate measured_on;
  const GOptionEntry entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why a saved value changes (required then)"), N_("TEXT") },
    { "measured-on", 0, 0, G_OPTION_ARG_STRING, &measured_on_str,
      N_("weight_kg only: the day the weight was measured (default: today)"), N_("YYYY-MM-DD") },
    { "expect-version", 0, 0, G_OPTION_ARG_INT64, &expected_version,
      N_("Refuse if the patient changed since this version (from patient show)"), N_("N") },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("Clear the field (VALUE is omitted)"), NULL },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *value;
  gint64 id;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, "ID FIELD VALUE",
                              N_("Change one fact about a patient. FIELD is one of: "
                                 "ecog, liver_metastases (yes|no), liver_infiltration (yes|no), "
                                 "height_cm, weight_kg, initials, sex, birth_date, site, "
                                 "screening_date, subject_number. The status and the arm change "
                                 "only through enrol, give and assign. A weight is kept with the "
                                 "day it was measured (--measured-on, default today); each "
                                 "cycle's doses use the weight measured on or before its day 1."), -1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (argc != (clear ? 3 : 4))
    return parasol_cli_usage_error (clear ? _("expected ID FIELD with --clear")
                                          : _("expected ID FIELD VALUE"));
  value = clear ? NULL : argv[3];
  g_date_clear (&measured_on, 1);
  if (measured_on_str != NULL)
    {
      if (clear || g_strcmp0 (argv[2], "weight_kg") != 0)
        return parasol_cli_usage_error (_("--measured-on goes with a weight: patient set ID "
                                          "weight_kg KG --measured-on YYYY-MM-DD"));
      if (!parasol_cli_parse_date (measured_on_str, &measured_on, &error))
        return parasol_cli_fail (error);
    }

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  id = parasol_cli_find_patient (store, argv[1], &error);
  if (id == 0)
    return parasol_cli_fail (error);

  if (g_date_valid (&measured_on))
    {
      double kg;

      if (!parasol_cli_parse_double (value, &kg, &error) ||
          parasol_store_add_weight (store, id, kg, &measured_on, expected_version, reason,
                                    &error) == 0)
        return parasol_cli_fail (error);
    }
  else if (!parasol_store_set_patient_field (store, id, argv[2], value, expected_version, reason,
                                             &error))
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", id);
      parasol_json_member_string (json, "field", argv[2]);
      parasol_json_member_string (json, "value", value);
      if (g_str_equal (argv[2], "weight_kg") && value != NULL)
        {
          GDate measured;

          /* the day the weight saved was measured */
          if (!g_date_valid (&measured_on))
            parasol_date_set_today (&measured);
          else
            measured = measured_on;
          parasol_json_member_date (json, "measured_on", &measured);
        }
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Saved %s for patient %s.\n"), argv[2], argv[1]);
  return PARASOL_CLI_OK;
}

static const char *
key_state_name (ParasolAuditKeyState state)
{
  switch (state)
    {
    case PARASOL_AUDIT_KEY_OK:
      return "ok";
    case PARASOL_AUDIT_KEY_MISSING:
      return "missing";
    case PARASOL_AUDIT_KEY_OTHER:
      return "other";
    case PARASOL_AUDIT_KEY_NONE:
    default:
      return "none";
    }
}

int
parasol_cli_audit_verify (int    argc,
                          char **argv)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(ParasolAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_path = parasol_store_key_path ();
  int status;

  status = parasol_cli_parse (&argc, &argv, NULL, NULL,
                              N_("Recompute the audit trail's hash chain, compare its head with "
                                 "the anchor kept outside the database, and reconcile every "
                                 "current value with the trail; report what does not verify "
                                 "(exit status 1)."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  store = parasol_cli_open_store_read_only (&error);
  if (store == NULL)
    return parasol_cli_fail (error);

  report = parasol_store_audit_check (store, NULL, &error);
  if (report == NULL)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_boolean (json, "valid", report->valid);
      parasol_json_member_int (json, "rows", report->n_rows);
      parasol_json_member (json, "first_bad_row");
      if (report->first_bad == 0)
        parasol_json_null (json);
      else
        parasol_json_int (json, report->first_bad);
      parasol_json_member_string (json, "message", report->message);
      parasol_json_member_int (json, "records", report->n_records);
      parasol_json_member_string (json, "key", key_state_name (report->key_state));
      parasol_json_member_int (json, "keyed_from", report->keyed_from);
      parasol_json_member_int (json, "anchor", report->anchor_seq);
      parasol_json_member_boolean (json, "truncated", report->truncated);
      parasol_json_member_boolean (json, "acknowledged", report->acknowledged);
      parasol_json_member_int (json, "mismatch_count", report->n_mismatches);
      parasol_json_member (json, "mismatches");
      parasol_json_begin_array (json);
      for (guint i = 0; i < report->mismatches->len; i++)
        {
          const ParasolAuditMismatch *m = g_ptr_array_index (report->mismatches, i);

          parasol_json_begin_object (json);
          parasol_json_member_string (json, "table", m->table_name);
          parasol_json_member_int (json, "record", m->record);
          parasol_json_member_string (json, "field", m->field);
          parasol_json_member_string (json, "stored", m->stored);
          parasol_json_member_string (json, "audited", m->audited);
          parasol_json_end_object (json);
        }
      parasol_json_end_array (json);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    {
      if (report->valid)
        printf (g_dngettext (GETTEXT_PACKAGE, "Audit trail intact: %" PRId64 " row verified.\n",
                             "Audit trail intact: %" PRId64 " rows verified.\n", report->n_rows),
                report->n_rows);
      else if (report->first_bad > 0)
        printf (_("Audit trail BROKEN at row %" PRId64 ": %s\n"), report->first_bad,
                report->message);
      else
        printf (_("Audit trail BROKEN: %s\n"), report->message);

      for (guint i = 0; i < report->mismatches->len; i++)
        {
          const ParasolAuditMismatch *m = g_ptr_array_index (report->mismatches, i);

          if (m->field != NULL)
            printf (_("  %s %" PRId64 " %s: stored “%s”, audited “%s”\n"), m->table_name,
                    m->record, m->field, m->stored ? m->stored : "∅",
                    m->audited ? m->audited : "∅");
          else if (m->stored != NULL)
            printf (_("  %s %" PRId64 ": no audit row\n"), m->table_name, m->record);
          else
            printf (_("  %s %" PRId64 ": audited, but missing from the database\n"),
                    m->table_name, m->record);
        }
      if (report->n_mismatches > (gint64) report->mismatches->len)
        printf (_("  … and %" PRId64 " more\n"),
                report->n_mismatches - (gint64) report->mismatches->len);
      printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " record reconciled with the trail.\n",
                           "%" PRId64 " records reconciled with the trail.\n", report->n_records),
              report->n_records);
      if (report->key_state == PARASOL_AUDIT_KEY_OK)
        printf (_("Keyed with the site key from row %" PRId64 ".\n"), report->keyed_from);
      else if (report->key_state == PARASOL_AUDIT_KEY_MISSING)
        printf (_("The site key is missing (%s): rows from %" PRId64 " on were checked for "
                  "their structure only. Copy the site key of the computer that wrote the "
                  "database to verify them fully.\n"), key_path, report->keyed_from);
      else if (report->key_state == PARASOL_AUDIT_KEY_NONE)
        printf (_("Not keyed yet: the site key is added at the next change.\n"));
      if (!report->valid && report->acknowledged)
        printf (_("This damage was acknowledged; writing is allowed.\n"));
      else if (!report->valid)
        printf (_("Writing is stopped until the damage is acknowledged with “parasol-cli audit "
                  "acknowledge --reason TEXT” (or the last backup is restored).\n"));
    }

  if (!report->valid)
    {
      if (report->first_bad > 0)
        g_printerr (_("parasol-cli: the audit trail does not verify from row %" PRId64 ".\n"),
                    report->first_bad);
      else
        g_printerr ("parasol-cli: %s\n", report->message);
    }
  return report->valid ? PARASOL_CLI_OK : PARASOL_CLI_ERROR;
}

int
parasol_cli_audit_acknowledge (int    argc,
                               char **argv)
{
  g_autofree char *reason = NULL;
  const GOptionEntry entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("What you checked, and why writing may go on (required)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *damage = NULL;
  int status;

  status = parasol_cli_parse (&argc, &argv, entries, NULL,
                              N_("Record, in the audit trail, that a person has seen the damage "
                                 "“audit verify” found, so that writing may go on."), 0);
  if (status != PARASOL_CLI_OK)
    return status;
  if (reason == NULL || *reason == '\0')
    return parasol_cli_usage_error (_("--reason is required"));

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  damage = g_strdup (parasol_store_get_damage (store));
  if (!parasol_store_audit_acknowledge (store, reason, &error))
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "acknowledged", damage);
      parasol_json_member_string (json, "reason", reason);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Acknowledged: %s\nWriting may go on; the damage stays in the audit trail.\n"),
            damage);
  return PARASOL_CLI_OK;
}

int
parasol_cli_audit_show (int    argc,
                        char **argv)
{
  g_autofree char *patient = NULL;
  g_autofree char *table = NULL;
  int limit = 50;
  gboolean history = FALSE;
  const GOptionEntry entries[] = {
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_("Only this patient's row"), N_("ID") },
    { "history", 0, 0, G_OPTION_ARG_NONE, &history,
      N_("With --patient: also every record of the patient (labs, doses, outcomes, …)"), NULL },
    { "table", 0, 0, G_OPTION_ARG_STRING, &table, N_("Only this table"), N_("TABLE") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("The newest N entries (0: all; default 50)"),
      N_("N") },
    { NULL }
  };
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GPtrArray) entries_list = NULL;
  g_autoptr(ParasolJson) json = NULL;
  g_autoptr(GError) error = NULL;
  gint64 record = 0;
  int status;

  /* The tables the store audits (core/parasol-store-schema.c). */
  static const char * const tables[] = {
    "trial", "patient", "lab", "attestation", "biomarker", "assignment", "cycle",
    "administration", "response", "event", "evaluation", "audit", NULL
  };

  status = parasol_cli_parse (&argc, &argv, entries, NULL, N_("Show audit trail entries."), 0);
  if (status != PARASOL_CLI_OK)
    return status;
  if (!parasol_cli_check_choice ("--table", table, tables, &error))
    return parasol_cli_usage_error ("%s", error->message);
  if (limit < 0)
    return parasol_cli_usage_error (_("--limit must not be negative"));

  store = parasol_cli_open_store_read_only (&error);
  if (store == NULL)
    return parasol_cli_fail (error);

  if (patient != NULL)
    {
      record = parasol_cli_find_patient (store, patient, &error);
      if (record == 0)
        return parasol_cli_fail (error);
      g_free (table);
      table = g_strdup ("patient");
    }

  if (history && record == 0)
    return parasol_cli_usage_error (_("--history needs --patient ID"));
  entries_list = history ? parasol_store_audit_list_patient (store, record, (guint) limit, &error)
                         : parasol_store_audit_list (store, table, record, (guint) limit, &error);
  if (entries_list == NULL)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      json = parasol_json_new ();
      parasol_json_begin_array (json);
    }

  for (guint i = 0; i < entries_list->len; i++)
    {
      const ParasolAuditEntry *e = g_ptr_array_index (entries_list, i);

      if (json != NULL)
        {
          parasol_json_begin_object (json);
          parasol_json_member_int (json, "seq", e->seq);
          parasol_json_member_string (json, "at", e->at);
          parasol_json_member_string (json, "who", e->who);
          parasol_json_member_string (json, "who_name", e->who_name);
          parasol_json_member_string (json, "table", e->table_name);
          parasol_json_member_int (json, "record", e->record);
          parasol_json_member_string (json, "field", e->field);
          parasol_json_member_string (json, "old", e->old_value);
          parasol_json_member_string (json, "new", e->new_value);
          parasol_json_member_string (json, "reason", e->reason);
          parasol_json_member_string (json, "hash", e->hash);
          parasol_json_end_object (json);
        }
      else
        {
          /* Stored values, escaped: one entry is one line, whatever it holds. */
          g_autofree char *who = parasol_cli_escape (e->who);
          g_autofree char *field = parasol_cli_escape (e->field ? e->field : _("(created)"));
          g_autofree char *old_value = parasol_cli_escape (e->old_value ? e->old_value : "∅");
          g_autofree char *new_value = parasol_cli_escape (e->new_value ? e->new_value : "∅");
          g_autofree char *why = parasol_cli_escape (e->reason ? e->reason : "");

          printf ("%6" G_GINT64_FORMAT "  %s  %-10s %s/%" G_GINT64_FORMAT " %s: %s -> %s%s%s\n",
                  e->seq, e->at, who, e->table_name, e->record, field, old_value, new_value,
                  e->reason ? "  — " : "", why);
        }
    }

  if (json != NULL)
    {
      parasol_json_end_array (json);
      parasol_cli_print_json (json);
    }
  return PARASOL_CLI_OK;
}

int
parasol_cli_backup (int    argc,
                    char **argv)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = parasol_cli_parse (&argc, &argv, NULL, "FILE",
                              N_("Write a consistent copy of the database to FILE (a new file) "
                                 "while it stays in use."), 1);
  if (status != PARASOL_CLI_OK)
    return status;

  store = parasol_cli_open_store_read_only (&error);
  if (store == NULL)
    return parasol_cli_fail (error);

  if (!parasol_store_backup (store, argv[1], &error))
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "backup", argv[1]);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Backed up %s to %s.\n"), parasol_store_get_path (store), argv[1]);
  return PARASOL_CLI_OK;
}
