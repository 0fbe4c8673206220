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
#include "parasol-demo.h"
#include "parasol-protocol.h"

static int
init_trial (ParasolStore    *store,
            ParasolProtocol *protocol)
{
  g_autoptr(GError) error = NULL;

  if (!parasol_store_init_trial (store,
                                 parasol_protocol_get_id (protocol),
                                 parasol_protocol_get_registry_id (protocol),
                                 parasol_protocol_get_title (protocol),
                                 parasol_protocol_get_version (protocol),
                                 parasol_protocol_get_source (protocol),
                                 &error))
    return parasol_cli_fail (error);
  return PARASOL_CLI_OK;
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

  /* Validate the protocol before anything is created on disk. */
  protocol = protocol_path ? parasol_protocol_new_from_file (protocol_path, &error)
                           : parasol_protocol_new_default (&error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  store = parasol_cli_open_store (TRUE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);

  if (parasol_store_has_trial (store))
    {
      g_set_error (&error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("%s already holds a trial; it was left unchanged."),
                   parasol_store_get_path (store));
      return parasol_cli_fail (error);
    }

  status = init_trial (store, protocol);
  if (status != PARASOL_CLI_OK)
    return status;

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
  g_autoptr(ParasolProtocol) protocol = NULL;
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

  protocol = parasol_protocol_new_default (&error);
  if (protocol == NULL)
    return parasol_cli_fail (error);

  store = parasol_cli_open_store (TRUE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);

  if (parasol_store_has_trial (store))
    {
      g_set_error (&error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_EXISTS,
                   _("%s already holds a trial; the demo needs a new database file."),
                   parasol_store_get_path (store));
      return parasol_cli_fail (error);
    }

  status = init_trial (store, protocol);
  if (status != PARASOL_CLI_OK)
    return status;

  start = g_get_monotonic_time ();
  if (!parasol_demo_populate (store, protocol, n_patients, (guint32) seed, &error))
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
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_date_set_dmy (&facts->screening_date, g_date_time_get_day_of_month (now),
                      g_date_time_get_month (now), g_date_time_get_year (now));
    }

  if (g_date_compare (&facts->birth_date, &facts->screening_date) >= 0)
    {
      g_set_error (&error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_INVALID,
                   _("The date of birth %s is not before the screening date."), birth_date);
      return parasol_cli_fail (error);
    }

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
      parasol_json_member_string (json, "status", "screening");
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
  g_autofree char *c1 = parasol_cli_pad (screening, 12);
  g_autofree char *c2 = parasol_cli_pad (subject, 10);
  g_autofree char *c3 = parasol_cli_pad (initials, 4);
  g_autofree char *c4 = parasol_cli_pad (sex, 6);
  g_autofree char *c5 = parasol_cli_pad (born, 10);
  g_autofree char *c6 = parasol_cli_pad (status, 14);

  printf ("%s %s %s %s %s %s %s\n", c1, c2, c3, c4, c5, c6, arm);
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

  status = parasol_cli_parse (&argc, &argv, entries, NULL, N_("List the patients."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  store = parasol_cli_open_store (FALSE, &error);
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

  store = parasol_cli_open_store (FALSE, &error);
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
  parasol_json_member_date (json, "screening_date", &p->screening_date);
  parasol_json_member_date (json, "c1d1", &p->c1d1);
  parasol_json_member (json, "ecog");
  if (p->ecog >= 0)
    parasol_json_int (json, p->ecog);
  else
    parasol_json_null (json);
  parasol_json_member_string (json, "liver_metastases", tri_string (p->liver_metastases));
  parasol_json_member_string (json, "liver_infiltration", tri_string (p->liver_infiltration));
  parasol_json_member_double (json, "height_cm", p->height_cm);
  parasol_json_member_double (json, "weight_kg", p->weight_kg);
  parasol_json_member_double (json, "dose_weight_kg", p->dose_weight_kg);

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
      parasol_json_member_string (json, "status", a->met ? "met" : "not_met");
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

  parasol_json_member (json, "responses");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->responses->len; i++)
    {
      const ParasolResponse *r = g_ptr_array_index (p->responses, i);

      parasol_json_begin_object (json);
      parasol_json_member_date (json, "date", &r->date);
      parasol_json_member_string (json, "response", r->response);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);

  parasol_json_member (json, "events");
  parasol_json_begin_array (json);
  for (guint i = 0; i < p->events->len; i++)
    {
      const ParasolEvent *e = g_ptr_array_index (p->events, i);

      parasol_json_begin_object (json);
      parasol_json_member_string (json, "kind", e->kind);
      parasol_json_member_date (json, "date", &e->date);
      parasol_json_member_string (json, "reason", e->reason);
      parasol_json_end_object (json);
    }
  parasol_json_end_array (json);
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
  gint64 expected_version = 0;
  gboolean clear = FALSE;
  const GOptionEntry entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason,
      N_("Why a saved value changes (required then)"), N_("TEXT") },
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
                                 "height_cm, weight_kg, initials, sex, birth_date, site, status, "
                                 "screening_date, subject_number."), -1);
  if (status != PARASOL_CLI_OK)
    return status;
  if (argc != (clear ? 3 : 4))
    return parasol_cli_usage_error (clear ? _("expected ID FIELD with --clear")
                                          : _("expected ID FIELD VALUE"));
  value = clear ? NULL : argv[3];

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);
  id = parasol_cli_find_patient (store, argv[1], &error);
  if (id == 0)
    return parasol_cli_fail (error);

  if (!parasol_store_set_patient_field (store, id, argv[2], value, expected_version, reason, &error))
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_int (json, "id", id);
      parasol_json_member_string (json, "field", argv[2]);
      parasol_json_member_string (json, "value", value);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else
    printf (_("Saved %s for patient %s.\n"), argv[2], argv[1]);
  return PARASOL_CLI_OK;
}

int
parasol_cli_audit_verify (int    argc,
                          char **argv)
{
  g_autoptr(ParasolStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n_rows = 0, first_bad = 0;
  gboolean ok;
  int status;

  status = parasol_cli_parse (&argc, &argv, NULL, NULL,
                              N_("Recompute the audit trail's hash chain and report the first "
                                 "row that does not verify (exit status 1)."), 0);
  if (status != PARASOL_CLI_OK)
    return status;

  store = parasol_cli_open_store (FALSE, &error);
  if (store == NULL)
    return parasol_cli_fail (error);

  ok = parasol_store_audit_verify (store, &n_rows, &first_bad, &error);
  if (!ok && first_bad == 0)
    return parasol_cli_fail (error);

  if (parasol_cli_options.json)
    {
      g_autoptr(ParasolJson) json = parasol_json_new ();

      parasol_json_begin_object (json);
      parasol_json_member_boolean (json, "valid", ok);
      parasol_json_member_int (json, "rows", n_rows);
      parasol_json_member (json, "first_bad_row");
      if (ok)
        parasol_json_null (json);
      else
        parasol_json_int (json, first_bad);
      parasol_json_member_string (json, "message", ok ? NULL : error->message);
      parasol_json_end_object (json);
      parasol_cli_print_json (json);
    }
  else if (ok)
    printf (g_dngettext (GETTEXT_PACKAGE, "Audit trail intact: %" PRId64 " row verified.\n",
                         "Audit trail intact: %" PRId64 " rows verified.\n", n_rows),
            n_rows);
  else
    printf (_("Audit trail BROKEN at row %" PRId64 ": %s\n"), first_bad, error->message);

  if (!ok)
    g_printerr (_("parasol-cli: the audit trail does not verify from row %" PRId64 ".\n"),
                first_bad);
  return ok ? PARASOL_CLI_OK : PARASOL_CLI_ERROR;
}

int
parasol_cli_audit_show (int    argc,
                        char **argv)
{
  g_autofree char *patient = NULL;
  g_autofree char *table = NULL;
  int limit = 50;
  const GOptionEntry entries[] = {
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient, N_("Only this patient's row"), N_("ID") },
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

  status = parasol_cli_parse (&argc, &argv, entries, NULL, N_("Show audit trail entries."), 0);
  if (status != PARASOL_CLI_OK)
    return status;
  if (limit < 0)
    return parasol_cli_usage_error (_("--limit must not be negative"));

  store = parasol_cli_open_store (FALSE, &error);
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

  entries_list = parasol_store_audit_list (store, table, record, (guint) limit, &error);
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
        printf ("%6" G_GINT64_FORMAT "  %s  %-10s %s/%" G_GINT64_FORMAT " %s: %s -> %s%s%s\n",
                e->seq, e->at, e->who, e->table_name, e->record,
                e->field ? e->field : _("(created)"),
                e->old_value ? e->old_value : "∅", e->new_value ? e->new_value : "∅",
                e->reason ? "  — " : "", e->reason ? e->reason : "");
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

  store = parasol_cli_open_store (FALSE, &error);
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
