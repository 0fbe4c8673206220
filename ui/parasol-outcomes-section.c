/* parasol-outcomes-section.c — responses, events and the patient's history on the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists the RECIST responses and the events (progression, discontinuation, death, last known
 * alive) by date, and offers the forms that record them (ParasolOutcomeForm, which calls core's
 * parasol-outcomes.h) and the patient's audit trail (ParasolAuditView).  Each recorded row
 * offers Correct… and Withdraw…, which open the same form prefilled and ask the reason.
 * Actions: outcomes.record-response, outcomes.record-event, outcomes.history,
 * outcomes.correct and outcomes.withdraw (parameter "(bx)": an event?, the record's id).
 */
#define G_LOG_DOMAIN "parasol-outcomes-section"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-audit-view.h"
#include "parasol-outcome-form.h"
#include "parasol-outcomes-section.h"
#include "parasol-outcomes.h"
#include "parasol-patient-section.h"

struct _ParasolOutcomesSection
{
  AdwPreferencesGroup  parent_instance;

  GPtrArray           *added;        /* rows added on update, owned by the group */
  guint                n_outcomes;
  /* What the actions need between updates: the store and the patient, no trial data. */
  ParasolStore        *store;
  gint64               patient_id;
  char                *key;          /* subject (else screening) number */
  char                *name;         /* the key and the initials, for the history's title */
};

static void parasol_outcomes_section_iface_init (ParasolPatientSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParasolOutcomesSection, parasol_outcomes_section,
                               ADW_TYPE_PREFERENCES_GROUP,
                               G_IMPLEMENT_INTERFACE (PARASOL_TYPE_PATIENT_SECTION,
                                                      parasol_outcomes_section_iface_init))

typedef struct {
  const GDate *date;
  const ParasolResponse *response;
  const ParasolEvent *event;
} Outcome;

static int
compare_outcomes (gconstpointer a,
                  gconstpointer b)
{
  const Outcome *x = a, *y = b;

  return g_date_compare (x->date, y->date);
}

static GtkWidget *
change_button (const char *label,
               const char *action,
               const char *accessible_name,
               gboolean    is_event,
               gint64      id)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(bx)", is_event, id);
  gtk_widget_set_tooltip_text (button, accessible_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  return button;
}

static GtkWidget *
outcome_row (const Outcome   *o,
             ParasolProtocol *protocol)
{
  g_autofree char *date = parasol_section_format_date (o->date);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *icon = "emblem-documents-symbolic";
  const char *css = NULL;
  GtkWidget *row;

  if (o->response != NULL)
    {
      const char *label = parasol_outcomes_response_to_label (o->response->response);

      title = g_strdup_printf (_("%s (%s)"), label != NULL ? label : o->response->response,
                               o->response->response);
      /* Translators: the subtitle of a response row: "Response assessment · 2026-03-01" */
      subtitle = g_strdup_printf (_("Response assessment · %s"), date);
      icon = "x-office-presentation-symbolic";
      if (g_strcmp0 (o->response->response, "PD") == 0)
        css = "error";
      else if (g_strcmp0 (o->response->response, "CR") == 0 ||
               g_strcmp0 (o->response->response, "PR") == 0)
        css = "success";
    }
  else
    {
      ParasolEventKind kind;

      if (parasol_event_kind_from_string (o->event->kind, &kind))
        {
          title = g_strdup (parasol_event_kind_to_label (kind));
          switch (kind)
            {
            case PARASOL_EVENT_KIND_DEATH:
              icon = "window-close-symbolic";
              css = "error";
              break;
            case PARASOL_EVENT_KIND_DISCONTINUATION:
              icon = "media-playback-stop-symbolic";
              css = "warning";
              break;
            case PARASOL_EVENT_KIND_PROGRESSION:
              icon = "go-up-symbolic";
              css = "error";
              break;
            case PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE:
            default:
              icon = "avatar-default-symbolic";
              break;
            }
        }
      else
        title = g_strdup (o->event->kind);
      if (o->event->reason != NULL && *o->event->reason)
        {
          /* a reason from the protocol's list, translated; older free text as written */
          g_autofree char *reason = protocol != NULL && g_strcmp0 (o->event->kind,
                                                                   "discontinuation") == 0
                                    ? parasol_protocol_discontinuation_reason_label (protocol,
                                                                                     o->event->reason)
                                    : g_strdup (o->event->reason);

          subtitle = g_strdup_printf ("%s · %s", date, reason);
        }
      else
        subtitle = g_strdup (date);
    }

  row = parasol_section_note_row (icon, css, title, title, subtitle);
  {
    gboolean is_event = o->event != NULL;
    gint64 id = is_event ? o->event->id : o->response->id;
    /* Translators: the accessible name of a row's button: "Correct Partial response (PR) of
     * 2026-03-01" */
    g_autofree char *correct = g_strdup_printf (_("Correct %s of %s"), title, date);
    /* Translators: the accessible name of a row's button: "Withdraw Partial response (PR) of
     * 2026-03-01" */
    g_autofree char *withdraw = g_strdup_printf (_("Withdraw %s of %s"), title, date);

    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               change_button (_("Correct…"), "outcomes.correct", correct,
                                              is_event, id));
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               change_button (_("Withdraw…"), "outcomes.withdraw", withdraw,
                                              is_event, id));
  }
  return row;
}

static void
fill (ParasolOutcomesSection      *self,
      const ParasolPatientContext *context)
{
  const ParasolPatientFacts *facts = context->facts;
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (self);
  g_autoptr(GArray) outcomes = g_array_new (FALSE, FALSE, sizeof (Outcome));
  gboolean enrolled = !parasol_section_has_status (facts, PARASOL_PATIENT_STATUS_SCREENING) &&
                      !parasol_section_has_status (facts, PARASOL_PATIENT_STATUS_SCREEN_FAILED);
  gboolean writable = !parasol_store_is_read_only (context->store);

  for (guint i = 0; i < facts->responses->len; i++)
    {
      const ParasolResponse *r = g_ptr_array_index (facts->responses, i);
      Outcome o = { &r->date, r, NULL };

      if (g_date_valid (&r->date))
        g_array_append_val (outcomes, o);
    }
  for (guint i = 0; i < facts->events->len; i++)
    {
      const ParasolEvent *e = g_ptr_array_index (facts->events, i);
      Outcome o = { &e->date, NULL, e };

      if (g_date_valid (&e->date))
        g_array_append_val (outcomes, o);
    }
  g_array_sort (outcomes, compare_outcomes);

  for (guint i = 0; i < outcomes->len; i++)
    parasol_section_add_row (group, outcome_row (&g_array_index (outcomes, Outcome, i),
                                                 context->protocol),
                             self->added);
  self->n_outcomes = outcomes->len;

  if (!enrolled)
    parasol_section_add_row (
      group,
      parasol_section_note_row ("dialog-information-symbolic", NULL, _("Information"),
                                _("Outcomes are recorded from enrolment on"),
                                _("The history lists everything recorded during screening.")),
      self->added);
  else if (outcomes->len == 0)
    parasol_section_add_row (
      group,
      parasol_section_note_row ("dialog-information-symbolic", NULL, _("Information"),
                                _("No response or event recorded yet"),
                                _("Record each RECIST assessment, progression, the end of "
                                  "treatment and the last date the patient was known alive.")),
      self->added);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.record-response",
                                 enrolled && writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.record-event",
                                 enrolled && writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.history", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.correct", writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "outcomes.withdraw", writable);
}

static void
parasol_outcomes_section_update (ParasolPatientSection       *section,
                                 const ParasolPatientContext *context)
{
  ParasolOutcomesSection *self = PARASOL_OUTCOMES_SECTION (section);

  parasol_section_remove_rows (self->added);
  self->n_outcomes = 0;
  gtk_widget_set_visible (GTK_WIDGET (self), context != NULL);
  if (context == NULL)
    {
      g_clear_object (&self->store);
      self->patient_id = 0;
      return;
    }

  g_set_object (&self->store, context->store);
  self->patient_id = context->patient_id;
  g_free (self->key);
  self->key = g_strdup (context->facts->subject_number != NULL ? context->facts->subject_number
                                                               : context->facts->screening_number);
  g_free (self->name);
  self->name = context->facts->initials != NULL && *context->facts->initials
               ? g_strdup_printf ("%s · %s", self->key, context->facts->initials)
               : g_strdup (self->key);
  fill (self, context);
}

static void
parasol_outcomes_section_iface_init (ParasolPatientSectionInterface *iface)
{
  iface->update = parasol_outcomes_section_update;
}

static GtkWindow *
parent_window (ParasolOutcomesSection *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
record_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParasolOutcomesSection *self = PARASOL_OUTCOMES_SECTION (widget);
  ParasolOutcomeFormKind kind = g_str_equal (action_name, "outcomes.record-response")
                                ? PARASOL_OUTCOME_FORM_RESPONSE : PARASOL_OUTCOME_FORM_EVENT;

  if (self->store == NULL)
    return;
  gtk_window_present (GTK_WINDOW (parasol_outcome_form_new (parent_window (self), self->store,
                                                            self->patient_id, self->key, kind)));
}

/* Correct… and Withdraw… on a row: the form, prefilled with the record as stored now. */
static void
change_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParasolOutcomesSection *self = PARASOL_OUTCOMES_SECTION (widget);
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  ParasolOutcomeFormMode mode = g_str_equal (action_name, "outcomes.withdraw")
                                ? PARASOL_OUTCOME_FORM_WITHDRAW : PARASOL_OUTCOME_FORM_CORRECT;
  gboolean is_event = FALSE;
  gint64 id = 0;
  GPtrArray *records;

  if (self->store == NULL)
    return;
  g_variant_get (parameter, "(bx)", &is_event, &id);
  facts = parasol_store_load_patient (self->store, self->patient_id, &error);
  if (facts == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  records = is_event ? facts->events : facts->responses;
  for (guint i = 0; i < records->len; i++)
    {
      if (is_event)
        {
          const ParasolEvent *e = g_ptr_array_index (records, i);

          if (e->id == id)
            gtk_window_present (GTK_WINDOW (parasol_outcome_form_new_change (
              parent_window (self), self->store, self->patient_id, self->key,
              PARASOL_OUTCOME_FORM_EVENT, mode, id, e->kind, &e->date, e->reason)));
        }
      else
        {
          const ParasolResponse *r = g_ptr_array_index (records, i);

          if (r->id == id)
            gtk_window_present (GTK_WINDOW (parasol_outcome_form_new_change (
              parent_window (self), self->store, self->patient_id, self->key,
              PARASOL_OUTCOME_FORM_RESPONSE, mode, id, r->response, &r->date, NULL)));
        }
    }
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ParasolOutcomesSection *self = PARASOL_OUTCOMES_SECTION (widget);

  if (self->store == NULL)
    return;
  gtk_window_present (GTK_WINDOW (parasol_audit_view_new (parent_window (self), self->store,
                                                          self->patient_id, self->name)));
}

static void
parasol_outcomes_section_dispose (GObject *object)
{
  ParasolOutcomesSection *self = PARASOL_OUTCOMES_SECTION (object);

  g_clear_pointer (&self->added, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (parasol_outcomes_section_parent_class)->dispose (object);
}

static void
parasol_outcomes_section_class_init (ParasolOutcomesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_outcomes_section_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/parasol/Parasol/ui/parasol-outcomes-section.ui");

  gtk_widget_class_install_action (widget_class, "outcomes.record-response", NULL, record_action);
  gtk_widget_class_install_action (widget_class, "outcomes.record-event", NULL, record_action);
  gtk_widget_class_install_action (widget_class, "outcomes.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "outcomes.correct", "(bx)", change_action);
  gtk_widget_class_install_action (widget_class, "outcomes.withdraw", "(bx)", change_action);
}

/* AdwPreferencesGroup's list has no name of its own in libadwaita 1.2: give it the title. */
static void
name_list (GtkWidget  *widget,
           const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        name, -1);
      else
        name_list (child, name);
    }
}

static void
parasol_outcomes_section_init (ParasolOutcomesSection *self)
{
  self->added = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  name_list (GTK_WIDGET (self), adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (self)));
}

guint
parasol_outcomes_section_get_n_outcome_rows (ParasolOutcomesSection *self)
{
  g_return_val_if_fail (PARASOL_IS_OUTCOMES_SECTION (self), 0);

  return self->n_outcomes;
}
