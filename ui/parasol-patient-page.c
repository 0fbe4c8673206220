/* parasol-patient-page.c — one patient, as an investigator opens it from the list (read-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything on this page is a call into core and some formatting: no SQL, no XML, no
 * formulas.  The page fills the header and hands one ParasolPatientContext to each of its
 * sections (parasol-*-section.c), which rebuild their rows on every reload (a patient has a few
 * dozen rows; rebuilding is simpler than diffing, and keeps no copy of the data around).
 */
#define G_LOG_DOMAIN "parasol-patient-page"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-accessible.h"
#include "parasol-biomarkers-section.h"
#include "parasol-calendar-section.h"
#include "parasol-doses-section.h"
#include "parasol-eligibility-section.h"
#include "parasol-outcomes-section.h"
#include "parasol-patient-page-private.h"
#include "parasol-patient-section.h"
#include "parasol-status-pill.h"

struct _ParasolPatientPage
{
  GtkWidget                   parent_instance;

  /* template */
  GtkStack                   *stack;
  GtkScrolledWindow          *scrolled_window;
  AdwAvatar                  *avatar;
  GtkLabel                   *name_label;
  ParasolStatusPill          *status_pill;
  GtkLabel                   *ids_label;
  GtkLabel                   *course_label;
  GtkFlowBox                 *facts_box;
  GtkLabel                   *sex_value;
  GtkLabel                   *age_value;
  GtkLabel                   *site_value;
  GtkLabel                   *arm_value;
  GtkLabel                   *ici_value;
  GtkLabel                   *c1d1_value;
  ParasolEligibilitySection  *eligibility_section;
  ParasolBiomarkersSection   *biomarkers_section;
  ParasolDosesSection        *doses_section;
  ParasolCalendarSection     *calendar_section;
  ParasolOutcomesSection     *outcomes_section;
  AdwStatusPage              *error_page;

  ParasolStore               *store;
  ParasolProtocol            *protocol;        /* given, or loaded from the store */
  gboolean                    protocol_loaded; /* we loaded it ourselves */
  gint64                      patient_id;
  char                       *title;
  guint                       reload_source;
  gboolean                    only_problems;
  int                         next_cycle;      /* number of the "Next" cycle, 0 if none */
};

G_DEFINE_FINAL_TYPE (ParasolPatientPage, parasol_patient_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PROTOCOL,
  PROP_PATIENT_ID,
  PROP_TITLE,
  PROP_ONLY_PROBLEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Header ------------------------------------------------------------------------------------ */

/* The label of a stored status; the id itself when Parasol does not know it. */
static const char *
sex_label (ParasolSex sex)
{
  switch (sex)
    {
    case PARASOL_SEX_FEMALE:
      return _("Female");
    case PARASOL_SEX_MALE:
      return _("Male");
    case PARASOL_SEX_UNKNOWN:
    default:
      return _("Not recorded");
    }
}

static void
set_title (ParasolPatientPage *self,
           const char         *title)
{
  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
fill_header (ParasolPatientPage        *self,
             const ParasolPatientFacts *facts)
{
  const ParasolRegimen *regimen =
    self->protocol ? parasol_protocol_get_regimen (self->protocol) : NULL;
  g_autofree char *ids = NULL;
  g_autofree char *title = NULL;
  g_autofree char *arm = NULL;
  g_autofree char *c1d1 = NULL;
  const char *initials = facts->initials != NULL && *facts->initials ? facts->initials : NULL;
  ParasolPatientStatus status;
  GDate now;
  int age;

  parasol_date_set_today (&now);
  age = parasol_age_on (&facts->birth_date, &now);

  gtk_label_set_label (self->name_label, initials != NULL ? initials : facts->screening_number);
  adw_avatar_set_text (self->avatar, initials != NULL ? initials : facts->screening_number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->avatar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  initials != NULL ? initials : facts->screening_number, -1);

  if (parasol_patient_status_from_string (facts->status, &status))
    parasol_status_pill_set_patient_status (self->status_pill, status);
  else
    {
      parasol_status_pill_set_status (self->status_pill, facts->status);
      parasol_status_pill_set_label (self->status_pill, facts->status);
    }

  if (facts->subject_number != NULL)
    /* Translators: under the patient's initials: "Screening S-0004 · Subject BT-0004" */
    ids = g_strdup_printf (_("Screening %s · Subject %s"), facts->screening_number,
                           facts->subject_number);
  else
    /* Translators: under the patient's initials, before enrolment */
    ids = g_strdup_printf (_("Screening %s · no subject number yet"), facts->screening_number);
  gtk_label_set_label (self->ids_label, ids);

  gtk_label_set_label (self->sex_value, sex_label (facts->sex));
  if (age >= 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years",
                                                            age), age);
      g_autofree char *born = parasol_section_format_date (&facts->birth_date);
      /* Translators: the patient's date of birth, in a tooltip */
      g_autofree char *tip = g_strdup_printf (_("Born %s"), born);

      gtk_label_set_label (self->age_value, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->age_value), tip);
    }
  else
    gtk_label_set_label (self->age_value, _("Not recorded"));

  gtk_label_set_label (self->site_value, facts->site != NULL && *facts->site ? facts->site : "—");

  arm = parasol_section_arm_name (self->protocol, facts->arm);
  gtk_label_set_label (self->arm_value, arm != NULL ? arm : _("Not assigned"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->arm_value), facts->arm);

  if (facts->ici != NULL)
    {
      const ParasolDrug *ici = regimen ? parasol_regimen_find_ici (regimen, facts->ici) : NULL;

      gtk_label_set_label (self->ici_value, ici != NULL && ici->name != NULL
                                            ? parasol_protocol_translate (ici->name) : facts->ici);
    }
  else
    gtk_label_set_label (self->ici_value, _("Not chosen"));

  c1d1 = g_date_valid (&facts->c1d1) ? parasol_section_format_date (&facts->c1d1) : NULL;
  gtk_label_set_label (self->c1d1_value, c1d1 != NULL ? c1d1 : _("Not enrolled"));

  if (initials != NULL)
    /* Translators: the header bar title of a patient: "S-0004 · LSD" */
    title = g_strdup_printf (_("%s · %s"), facts->screening_number, initials);
  else
    title = g_strdup (facts->screening_number);
  set_title (self, title);
}

/* Under the identifiers, for a patient whose treatment ended: "Treatment ended on 2026-03-12
 * (progression): Demo: RECIST progression · Died on 2026-06-01 · Last response PD on
 * 2026-03-01"; for any patient, the last response and the doses never recorded. */
static void
fill_course (ParasolPatientPage  *self,
             const ParasolCourse *course)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  char day[16];

  if (course != NULL && course->ended)
    {
      GString *end = g_string_new (NULL);

      if (g_date_valid (&course->end_date))
        {
          /* Translators: in the patient page's header: "Treatment ended on 2026-03-12 (Progression)" */
          g_string_printf (end, _("Treatment ended on %s (%s)"),
                           parasol_date_format (&course->end_date, day, sizeof day),
                           parasol_event_kind_to_label (course->end_kind));
          if (course->end_reason != NULL)
            /* Translators: the end of treatment, then its recorded reason */
            g_string_append_printf (end, _(": %s"), course->end_reason);
        }
      else
        g_string_append (end, _("Treatment ended, date not recorded"));
      g_ptr_array_add (parts, g_string_free (end, FALSE));
    }
  if (course != NULL && course->dead)
    {
      if (g_date_valid (&course->death_date))
        /* Translators: in the patient page's header */
        g_ptr_array_add (parts, g_strdup_printf (_("Died on %s"),
                                                 parasol_date_format (&course->death_date, day,
                                                                      sizeof day)));
      else
        g_ptr_array_add (parts, g_strdup (_("Died, date not recorded")));
    }
  if (course != NULL && course->last_response != NULL)
    {
      if (g_date_valid (&course->last_response_date))
        /* Translators: in the patient page's header: "Last response PR on 2026-03-01" (RECIST 1.1) */
        g_ptr_array_add (parts, g_strdup_printf (_("Last response %s on %s"),
                                                 course->last_response,
                                                 parasol_date_format (&course->last_response_date,
                                                                      day, sizeof day)));
      else
        g_ptr_array_add (parts, g_strdup_printf (_("Last response %s"), course->last_response));
    }
  if (course != NULL && course->n_not_recorded > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u past dose not recorded",
                                                          "%u past doses not recorded",
                                                          course->n_not_recorded),
                                             course->n_not_recorded));

  if (course != NULL && course->n_not_recorded > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->course_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->course_label), "warning");

  if (parts->len == 0)
    {
      gtk_label_set_label (self->course_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->course_label), FALSE);
      return;
    }
  g_ptr_array_add (parts, NULL);
  {
    /* Translators: between the parts of the line about the patient's course */
    g_autofree char *text = g_strjoinv (_(" · "), (char **) parts->pdata);

    gtk_label_set_label (self->course_label, text);
    gtk_widget_set_visible (GTK_WIDGET (self->course_label), TRUE);
  }
}

/* ---- Reload ------------------------------------------------------------------------------------ */

static void
update_sections (ParasolPatientPage          *self,
                 const ParasolPatientContext *context)
{
  parasol_patient_section_update (PARASOL_PATIENT_SECTION (self->eligibility_section), context);
  parasol_patient_section_update (PARASOL_PATIENT_SECTION (self->biomarkers_section), context);
  parasol_patient_section_update (PARASOL_PATIENT_SECTION (self->doses_section), context);
  parasol_patient_section_update (PARASOL_PATIENT_SECTION (self->calendar_section), context);
  parasol_patient_section_update (PARASOL_PATIENT_SECTION (self->outcomes_section), context);
}

static void
clear_sections (ParasolPatientPage *self)
{
  update_sections (self, NULL);
}

static void
show_error (ParasolPatientPage *self,
            const char         *title,
            const char         *description)
{
  clear_sections (self);
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
rebuild (ParasolPatientPage *self)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(ParasolEligibility) eligibility = NULL;
  g_autoptr(ParasolAssignment) assignment = NULL;
  g_autoptr(ParasolPatientPlan) plan = NULL;
  g_autoptr(ParasolCourse) course = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_error = NULL;
  const ParasolScheduleCycle *next = NULL;
  const ParasolScheduleCycle *dose_cycle = NULL;
  const ParasolRegimen *regimen;
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double scroll = gtk_adjustment_get_value (vadj);

  self->next_cycle = 0;

  if (self->store == NULL || self->patient_id <= 0)
    {
      clear_sections (self);
      set_title (self, NULL);
      return;
    }

  facts = parasol_store_load_patient (self->store, self->patient_id, &error);
  if (facts == NULL)
    {
      show_error (self, g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_NOT_FOUND)
                        ? _("The Patient Is No Longer in the Trial Database")
                        : _("The Patient Cannot Be Shown"),
                  error->message);
      return;
    }

  if (self->protocol == NULL)
    {
      self->protocol = parasol_protocol_new_for_store (self->store, &error);
      self->protocol_loaded = self->protocol != NULL;
      if (self->protocol == NULL)
        {
          show_error (self, _("The Trial's Protocol Does Not Load"), error->message);
          return;
        }
    }

  fill_header (self, facts);
  course = parasol_course_new (self->protocol, facts, NULL);
  fill_course (self, course);

  eligibility = parasol_eligibility_evaluate (self->protocol, facts, NULL);
  assignment = parasol_assignment_propose (self->protocol, facts, eligibility->verdict);

  regimen = parasol_protocol_get_regimen (self->protocol);
  if (regimen != NULL && g_date_valid (&facts->c1d1))
    {
      GDate wd = parasol_patient_weight_date (self->store, self->patient_id);

      plan = parasol_patient_plan_build (regimen, facts, &wd, NULL, &error);
      if (plan == NULL)
        plan_error = g_strdup (error->message);
      g_clear_error (&error);
    }
  if (plan != NULL)
    {
      next = parasol_patient_plan_next_cycle (plan);
      dose_cycle = next;
      if (dose_cycle == NULL && plan->schedule->cycles->len > 0)
        dose_cycle = g_ptr_array_index (plan->schedule->cycles, plan->schedule->cycles->len - 1);
    }
  /* Off treatment or dead: no next cycle, nothing to give. */
  if (course->ended)
    {
      next = NULL;
      dose_cycle = NULL;
    }
  self->next_cycle = next != NULL ? next->number : 0;

  {
    ParasolPatientContext context = {
      .store = self->store,
      .patient_id = self->patient_id,
      .protocol = self->protocol,
      .facts = facts,
      .eligibility = eligibility,
      .assignment = assignment,
      .plan = plan,
      .plan_error = plan_error,
      .next = next,
      .dose_cycle = dose_cycle,
      .no_treatment =
        plan == NULL && parasol_section_has_status (facts, PARASOL_PATIENT_STATUS_SCREEN_FAILED),
      .course = course,
    };

    update_sections (self, &context);
  }

  /* The sections' lists read as their groups, their rows as what they show. */
  parasol_accessible_name_lists (GTK_WIDGET (self));

  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_adjustment_set_value (vadj, scroll);
}

static gboolean
reload_idle (gpointer user_data)
{
  ParasolPatientPage *self = user_data;

  self->reload_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed (ParasolPatientPage *self,
                  const char         *table,
                  gint64              record,
                  gint64              patient_id,
                  int                 kind,
                  ParasolStore       *store)
{
  gboolean ours = patient_id == self->patient_id ||
                  (g_strcmp0 (table, "patient") == 0 && record == self->patient_id) ||
                  kind == PARASOL_STORE_CHANGE_RELOAD;

  if (!ours || self->patient_id <= 0)
    return;

  /* One transaction emits a signal per row: reload once, after them */
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (reload_idle, self);
}

/* ---- GObject ------------------------------------------------------------------------------------ */

static void
parasol_patient_page_dispose (GObject *object)
{
  ParasolPatientPage *self = PARASOL_PATIENT_PAGE (object);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_PATIENT_PAGE);

  g_clear_object (&self->store);
  g_clear_object (&self->protocol);

  G_OBJECT_CLASS (parasol_patient_page_parent_class)->dispose (object);
}

static void
parasol_patient_page_finalize (GObject *object)
{
  ParasolPatientPage *self = PARASOL_PATIENT_PAGE (object);

  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (parasol_patient_page_parent_class)->finalize (object);
}

static void
parasol_patient_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ParasolPatientPage *self = PARASOL_PATIENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_PROTOCOL:
      g_value_set_object (value, self->protocol);
      break;

    case PROP_PATIENT_ID:
      g_value_set_int64 (value, self->patient_id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_ONLY_PROBLEMS:
      g_value_set_boolean (value, self->only_problems);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_patient_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ParasolPatientPage *self = PARASOL_PATIENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      parasol_patient_page_set_store (self, g_value_get_object (value));
      break;

    case PROP_PROTOCOL:
      parasol_patient_page_set_protocol (self, g_value_get_object (value));
      break;

    case PROP_PATIENT_ID:
      parasol_patient_page_set_patient_id (self, g_value_get_int64 (value));
      break;

    case PROP_ONLY_PROBLEMS:
      parasol_patient_page_set_only_problems (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  parasol_patient_page_reload (PARASOL_PATIENT_PAGE (widget));
}

static void
parasol_patient_page_class_init (ParasolPatientPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_patient_page_dispose;
  object_class->finalize = parasol_patient_page_finalize;
  object_class->get_property = parasol_patient_page_get_property;
  object_class->set_property = parasol_patient_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PARASOL_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROTOCOL] =
    g_param_spec_object ("protocol", NULL, NULL, PARASOL_TYPE_PROTOCOL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PATIENT_ID] =
    g_param_spec_int64 ("patient-id", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ONLY_PROBLEMS] =
    g_param_spec_boolean ("only-problems", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* View state as actions: the switch of the eligibility section, a menu or a shortcut can
   * all toggle page.only-problems; the calendar's "Show more" activates page.reload. */
  gtk_widget_class_install_property_action (widget_class, "page.only-problems", "only-problems");
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);

  g_type_ensure (PARASOL_TYPE_STATUS_PILL);
  g_type_ensure (PARASOL_TYPE_ELIGIBILITY_SECTION);
  g_type_ensure (PARASOL_TYPE_BIOMARKERS_SECTION);
  g_type_ensure (PARASOL_TYPE_DOSES_SECTION);
  g_type_ensure (PARASOL_TYPE_CALENDAR_SECTION);
  g_type_ensure (PARASOL_TYPE_OUTCOMES_SECTION);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "patientpage");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-patient-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, status_pill);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, ids_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, course_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, facts_box);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, sex_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, age_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, site_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, arm_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, ici_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, c1d1_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, eligibility_section);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, biomarkers_section);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, doses_section);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, calendar_section);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, outcomes_section);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, error_page);
}

static void
parasol_patient_page_init (ParasolPatientPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The header's facts are values to read, not a table to move around in. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->facts_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Patient facts"), -1);

  g_object_bind_property (self, "only-problems", self->eligibility_section, "only-problems",
                          G_BINDING_SYNC_CREATE);
}

GtkWidget *
parasol_patient_page_new (void)
{
  return g_object_new (PARASOL_TYPE_PATIENT_PAGE, NULL);
}

ParasolStore *
parasol_patient_page_get_store (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return self->store;
}

void
parasol_patient_page_set_store (ParasolPatientPage *self,
                                ParasolStore       *store)
{
  g_return_if_fail (PARASOL_IS_PATIENT_PAGE (self));
  g_return_if_fail (store == NULL || PARASOL_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self,
                             G_CONNECT_SWAPPED);

  /* A protocol we loaded belongs to the old store */
  if (self->protocol_loaded)
    {
      g_clear_object (&self->protocol);
      self->protocol_loaded = FALSE;
    }

  self->patient_id = 0;
  rebuild (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

ParasolProtocol *
parasol_patient_page_get_protocol (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return self->protocol;
}

void
parasol_patient_page_set_protocol (ParasolPatientPage *self,
                                   ParasolProtocol    *protocol)
{
  g_return_if_fail (PARASOL_IS_PATIENT_PAGE (self));
  g_return_if_fail (protocol == NULL || PARASOL_IS_PROTOCOL (protocol));

  if (!g_set_object (&self->protocol, protocol))
    return;

  self->protocol_loaded = FALSE;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL]);
}

gint64
parasol_patient_page_get_patient_id (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), 0);

  return self->patient_id;
}

void
parasol_patient_page_set_patient_id (ParasolPatientPage *self,
                                     gint64              patient_id)
{
  g_return_if_fail (PARASOL_IS_PATIENT_PAGE (self));

  if (self->patient_id == patient_id)
    return;

  self->patient_id = patient_id;
  rebuild (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT_ID]);
}

const char *
parasol_patient_page_get_title (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return self->title;
}

void
parasol_patient_page_reload (ParasolPatientPage *self)
{
  g_return_if_fail (PARASOL_IS_PATIENT_PAGE (self));

  g_clear_handle_id (&self->reload_source, g_source_remove);
  rebuild (self);
}

const char *
parasol_patient_page_get_visible_page (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
parasol_patient_page_get_verdict_text (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return parasol_eligibility_section_get_verdict_text (self->eligibility_section);
}

ParasolVerdict
parasol_patient_page_get_verdict (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), PARASOL_VERDICT_INCOMPLETE);

  return parasol_eligibility_section_get_verdict (self->eligibility_section);
}

GPtrArray *
parasol_patient_page_get_criterion_rows (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return parasol_eligibility_section_get_criterion_rows (self->eligibility_section);
}

const char *
parasol_patient_page_get_arm_text (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return gtk_label_get_label (self->arm_value);
}

const char *
parasol_patient_page_get_proposed_arms (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return parasol_biomarkers_section_get_proposed_arms (self->biomarkers_section);
}

const char *
parasol_patient_page_get_course_text (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->course_label))
         ? gtk_label_get_label (self->course_label) : "";
}

int
parasol_patient_page_get_next_cycle (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), 0);

  return self->next_cycle;
}

guint
parasol_patient_page_get_n_cycle_rows (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), 0);

  return parasol_calendar_section_get_n_cycle_rows (self->calendar_section);
}

gboolean
parasol_patient_page_get_only_problems (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), FALSE);

  return self->only_problems;
}

void
parasol_patient_page_set_only_problems (ParasolPatientPage *self,
                                        gboolean            only_problems)
{
  g_return_if_fail (PARASOL_IS_PATIENT_PAGE (self));

  only_problems = !!only_problems;
  if (self->only_problems == only_problems)
    return;

  self->only_problems = only_problems;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLY_PROBLEMS]);
}
