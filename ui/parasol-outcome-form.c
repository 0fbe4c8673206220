/* parasol-outcome-form.c — the "Record Response" and "Record Event" forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built in code: two short lists of choices (radio buttons, named for screen readers), a date,
 * a note or reason, and the refusal line.  Every rule is core's (parasol-outcomes.h).
 */
#define G_LOG_DOMAIN "parasol-outcome-form"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "parasol-input.h"
#include "parasol-outcome-form.h"
#include "parasol-outcomes.h"
#include "parasol-protocol.h"

struct _ParasolOutcomeForm
{
  AdwWindow               parent_instance;

  ParasolStore           *store;
  gint64                  patient_id;
  ParasolOutcomeFormKind  kind;
  ParasolOutcomeFormMode  mode;
  gint64                  record_id;    /* corrected or withdrawn record */

  GPtrArray              *choices;      /* GtkToggleButton*, in the order of the ids below */
  ParasolProtocol        *protocol;     /* its reasons for discontinuation, or NULL */
  GPtrArray              *causes;       /* GtkToggleButton*, one per reason of the protocol */
  GtkWidget              *causes_group;
  GtkEntry               *date_entry;
  GtkEntry               *text_entry;
  AdwActionRow           *text_row;
  GtkEntry               *why_entry;    /* the reason for a correction or withdrawal */
  GtkLabel               *error_label;
};

G_DEFINE_FINAL_TYPE (ParasolOutcomeForm, parasol_outcome_form, ADW_TYPE_WINDOW)

static const ParasolEventKind event_kinds[] = {
  PARASOL_EVENT_KIND_PROGRESSION, PARASOL_EVENT_KIND_DISCONTINUATION,
  PARASOL_EVENT_KIND_DEATH, PARASOL_EVENT_KIND_LAST_KNOWN_ALIVE,
};

static int
chosen (ParasolOutcomeForm *self)
{
  for (guint i = 0; i < self->choices->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->choices, i)))
      return (int) i;
  return -1;
}

static void
show_error (ParasolOutcomeForm *self,
            const char         *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static gboolean
is_discontinuation (ParasolOutcomeForm *self)
{
  return self->kind == PARASOL_OUTCOME_FORM_EVENT && chosen (self) >= 0 &&
         event_kinds[chosen (self)] == PARASOL_EVENT_KIND_DISCONTINUATION;
}

static int
chosen_cause (ParasolOutcomeForm *self)
{
  for (guint i = 0; i < self->causes->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->causes, i)))
      return (int) i;
  return -1;
}

static void
update_text_row (ParasolOutcomeForm *self)
{
  const char *title;

  gboolean change = self->mode != PARASOL_OUTCOME_FORM_RECORD;

  /* When correcting, the event's own reason is told apart from the reason for the change. */
  if (self->kind == PARASOL_OUTCOME_FORM_RESPONSE)
    title = _("Note (optional)");
  else if (is_discontinuation (self) && self->causes->len > 0)
    /* the reason is chosen from the protocol's list; the words add to it */
    title = _("Details (required for “Other”)");
  else if (is_discontinuation (self))
    title = change ? _("Reason for discontinuing (required)") : _("Reason (required)");
  else
    title = change ? _("Event note (optional)") : _("Reason or note (optional)");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->text_row), title);
  if (self->causes_group != NULL)
    gtk_widget_set_visible (self->causes_group, is_discontinuation (self));
}

static void
show_error_cleared (ParasolOutcomeForm *self)
{
  show_error (self, NULL);
}

static void
on_choice_toggled (ParasolOutcomeForm *self)
{
  update_text_row (self);
  show_error (self, NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParasolOutcomeForm *self = PARASOL_OUTCOME_FORM (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParasolOutcome) outcome = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->text_entry));
  g_autofree char *composed = NULL;
  int choice = chosen (self);
  GDate date;

  if (choice < 0)
    {
      show_error (self, self->kind == PARASOL_OUTCOME_FORM_RESPONSE
                        ? _("Choose the overall response.") : _("Choose what happened."));
      return;
    }
  if (!parasol_parse_date (gtk_editable_get_text (GTK_EDITABLE (self->date_entry)), &date,
                           &error))
    {
      g_autofree char *message = g_strdup_printf (_("Date: %s"), error->message);

      show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->date_entry));
      return;
    }

  /* A discontinuation's reason: one of the protocol's, with the words given */
  if (is_discontinuation (self) && self->causes->len > 0 &&
      self->mode != PARASOL_OUTCOME_FORM_WITHDRAW)
    {
      const ParasolDiscontinuationReason *r;
      int cause = chosen_cause (self);

      if (cause < 0)
        {
          show_error (self, _("Choose the reason for discontinuation."));
          return;
        }
      r = g_ptr_array_index (parasol_protocol_get_discontinuation_reasons (self->protocol), cause);
      composed = parasol_protocol_discontinuation_reason_text (self->protocol, r->id, text,
                                                               &error);
      if (composed == NULL)
        {
          show_error (self, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->text_entry));
          return;
        }
      text = composed;
    }

  if (self->mode == PARASOL_OUTCOME_FORM_CORRECT || self->mode == PARASOL_OUTCOME_FORM_WITHDRAW)
    {
      const char *why = gtk_editable_get_text (GTK_EDITABLE (self->why_entry));
      gboolean response = self->kind == PARASOL_OUTCOME_FORM_RESPONSE;

      if (self->mode == PARASOL_OUTCOME_FORM_WITHDRAW)
        outcome = response
                  ? parasol_outcomes_withdraw_response (self->store, self->patient_id,
                                                        self->record_id, why, &error)
                  : parasol_outcomes_withdraw_event (self->store, self->patient_id,
                                                     self->record_id, why, &error);
      else
        outcome = response
                  ? parasol_outcomes_correct_response (self->store, self->patient_id,
                                                       self->record_id, &date,
                                                       parasol_outcomes_responses[choice], why,
                                                       &error)
                  : parasol_outcomes_correct_event (self->store, self->patient_id,
                                                    self->record_id, &event_kinds[choice], &date,
                                                    text, why, &error);
      if (outcome == NULL && g_error_matches (error, PARASOL_OUTCOMES_ERROR,
                                              PARASOL_OUTCOMES_ERROR_REASON_REQUIRED) &&
          g_str_equal (gtk_editable_get_text (GTK_EDITABLE (self->why_entry)), ""))
        gtk_widget_grab_focus (GTK_WIDGET (self->why_entry));
    }
  else if (self->kind == PARASOL_OUTCOME_FORM_RESPONSE)
    outcome = parasol_outcomes_record_response (self->store, self->patient_id,
                                                parasol_outcomes_responses[choice], &date, text,
                                                &error);
  else
    outcome = parasol_outcomes_record_event (self->store, self->patient_id, event_kinds[choice],
                                             &date, text, &error);
  if (outcome == NULL)
    {
      show_error (self, error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
parasol_outcome_form_dispose (GObject *object)
{
  ParasolOutcomeForm *self = PARASOL_OUTCOME_FORM (object);

  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  g_clear_pointer (&self->choices, g_ptr_array_unref);
  g_clear_pointer (&self->causes, g_ptr_array_unref);

  G_OBJECT_CLASS (parasol_outcome_form_parent_class)->dispose (object);
}

static void
parasol_outcome_form_class_init (ParasolOutcomeFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_outcome_form_dispose;

  gtk_widget_class_install_action (widget_class, "form.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "form.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "form.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "form.save", NULL);
}

static void
parasol_outcome_form_init (ParasolOutcomeForm *self)
{
  self->choices = g_ptr_array_new ();
  self->causes = g_ptr_array_new ();
}

/* AdwPreferencesGroup's list has no name of its own in libadwaita 1.2: give it the group's. */
static void
name_group_list (GtkWidget  *widget,
                 const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        name, -1);
      else
        name_group_list (child, name);
    }
}

static GtkWidget *
entry_row (const char  *title,
           const char  *subtitle,
           GtkEntry   **entry_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *entry = gtk_entry_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (entry, TRUE);
  /* Named by its row (the activatable widget is labelled by the row's title). */
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), entry);
  *entry_out = GTK_ENTRY (entry);
  return row;
}

static ParasolOutcomeForm *
form_new (GtkWindow              *parent,
          ParasolStore           *store,
          gint64                  patient_id,
          const char             *patient_key,
          ParasolOutcomeFormKind  kind,
          ParasolOutcomeFormMode  mode,
          gint64                  record_id,
          const char             *value,
          const GDate            *date,
          const char             *detail)
{
  ParasolOutcomeForm *self;
  GtkWidget *box, *header, *page, *group, *button, *row, *save;
  GtkToggleButton *first = NULL;
  GtkWidget *choices;
  g_autofree char *title = NULL;
  char today[PARASOL_DATE_BUF_SIZE];
  GDate now;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);

  if (mode == PARASOL_OUTCOME_FORM_CORRECT)
    title = kind == PARASOL_OUTCOME_FORM_RESPONSE
            /* Translators: the form's title: "Correct Response for S-0004" */
            ? g_strdup_printf (_("Correct Response for %s"), patient_key)
            /* Translators: the form's title: "Correct Event for S-0004" */
            : g_strdup_printf (_("Correct Event for %s"), patient_key);
  else if (mode == PARASOL_OUTCOME_FORM_WITHDRAW)
    title = kind == PARASOL_OUTCOME_FORM_RESPONSE
            /* Translators: the form's title: "Withdraw Response for S-0004" */
            ? g_strdup_printf (_("Withdraw Response for %s"), patient_key)
            /* Translators: the form's title: "Withdraw Event for S-0004" */
            : g_strdup_printf (_("Withdraw Event for %s"), patient_key);
  else
    title = kind == PARASOL_OUTCOME_FORM_RESPONSE
            /* Translators: the form's title: "Record Response for S-0004" */
            ? g_strdup_printf (_("Record Response for %s"), patient_key)
            /* Translators: the form's title: "Record Event for S-0004" */
            : g_strdup_printf (_("Record Event for %s"), patient_key);
  self = g_object_new (PARASOL_TYPE_OUTCOME_FORM,
                       "title", title,
                       "modal", TRUE,
                       "transient-for", parent,
                       "default-width", 520,
                       /* room for the refusal under the fields */
                       "default-height", (kind == PARASOL_OUTCOME_FORM_RESPONSE ? 620 : 860) +
                                         (mode != PARASOL_OUTCOME_FORM_RECORD ? 60 : 0),
                       "destroy-with-parent", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->patient_id = patient_id;
  self->kind = kind;
  self->mode = mode;
  self->record_id = record_id;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  button = gtk_button_new_with_label (_("Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "form.cancel");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);
  if (mode == PARASOL_OUTCOME_FORM_WITHDRAW)
    {
      save = gtk_button_new_with_label (_("Withdraw"));
      gtk_widget_add_css_class (save, "destructive-action");
    }
  else
    {
      save = gtk_button_new_with_label (_("Save"));
      gtk_widget_add_css_class (save, "suggested-action");
    }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "form.save");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  group = adw_preferences_group_new ();
  if (kind == PARASOL_OUTCOME_FORM_RESPONSE)
    {
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Overall Response"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("RECIST 1.1, at this assessment"));
    }
  else
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("What Happened"));

  choices = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (choices, "linked");
  for (guint i = 0;; i++)
    {
      g_autofree char *label = NULL;
      GtkWidget *check;

      if (kind == PARASOL_OUTCOME_FORM_RESPONSE)
        {
          const char *id = parasol_outcomes_responses[i];

          if (id == NULL)
            break;
          /* Translators: a RECIST response and its abbreviation: "Partial response (PR)" */
          label = g_strdup_printf (_("%s (%s)"), parasol_outcomes_response_to_label (id), id);
        }
      else
        {
          if (i >= G_N_ELEMENTS (event_kinds))
            break;
          label = g_strdup (parasol_event_kind_to_label (event_kinds[i]));
        }
      /* Toggle buttons in one group, one of them chosen: a screen reader can press them
       * (GTK 4.8's check buttons offer no action). */
      check = gtk_toggle_button_new_with_label (label);
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (check))), 0);
      if (first != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (check), first);
      else
        first = GTK_TOGGLE_BUTTON (check);
      if (value != NULL &&
          g_strcmp0 (value, kind == PARASOL_OUTCOME_FORM_RESPONSE
                            ? parasol_outcomes_responses[i]
                            : parasol_event_kind_to_string (event_kinds[i])) == 0)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), TRUE);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_choice_toggled), self);
      g_ptr_array_add (self->choices, check);
      gtk_box_append (GTK_BOX (choices), check);
    }
  gtk_widget_set_sensitive (choices, mode != PARASOL_OUTCOME_FORM_WITHDRAW);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), choices);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  /* The protocol's reasons for discontinuation, shown when a discontinuation is chosen; a
   * reason recorded before the list (free text) stays in the text row as written. */
  if (kind == PARASOL_OUTCOME_FORM_EVENT)
    self->protocol = parasol_protocol_new_for_store (store, NULL);
  if (self->protocol != NULL)
    {
      GPtrArray *reasons = parasol_protocol_get_discontinuation_reasons (self->protocol);
      GtkToggleButton *first_cause = NULL;
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      gtk_widget_add_css_class (box, "linked");
      self->causes_group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->causes_group),
                                       _("Reason for Discontinuation"));
      for (guint i = 0; i < reasons->len; i++)
        {
          const ParasolDiscontinuationReason *r = g_ptr_array_index (reasons, i);
          const char *label = parasol_protocol_translate (r->label);
          g_autofree char *shown = r->specify
                                   /* Translators: a reason that needs the investigator's own
                                    * words: "Other (specify)" */
                                   ? g_strdup_printf (_("%s (specify)"), label)
                                   : g_strdup (label);
          GtkWidget *check = gtk_toggle_button_new_with_label (shown);
          size_t n = strlen (r->label);

          gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (check))), 0);
          if (first_cause != NULL)
            gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (check), first_cause);
          else
            first_cause = GTK_TOGGLE_BUTTON (check);
          /* prefilled from a stored "Label" or "Label: words" */
          if (detail != NULL && strncmp (detail, r->label, n) == 0 &&
              (detail[n] == '\0' || detail[n] == ':'))
            {
              gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), TRUE);
              detail += n;
              while (*detail == ':' || *detail == ' ')
                detail++;
            }
          g_signal_connect_swapped (check, "toggled", G_CALLBACK (show_error_cleared), self);
          g_ptr_array_add (self->causes, check);
          gtk_box_append (GTK_BOX (box), check);
        }
      gtk_widget_set_sensitive (box, mode != PARASOL_OUTCOME_FORM_WITHDRAW);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->causes_group), box);
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                                ADW_PREFERENCES_GROUP (self->causes_group));
    }

  group = adw_preferences_group_new ();
  name_group_list (group, _("Date and Note"));
  parasol_date_set_today (&now);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             entry_row (kind == PARASOL_OUTCOME_FORM_RESPONSE
                                        ? _("Assessment date") : _("Date"),
                                        _("YYYY-MM-DD"), &self->date_entry));
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry),
                         parasol_date_format (date != NULL && g_date_valid (date) ? date : &now,
                                              today, sizeof today));
  gtk_widget_set_sensitive (GTK_WIDGET (self->date_entry), mode != PARASOL_OUTCOME_FORM_WITHDRAW);
  row = entry_row (_("Note (optional)"), NULL, &self->text_entry);
  self->text_row = ADW_ACTION_ROW (row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  if (detail != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->text_entry), detail);
  gtk_widget_set_sensitive (GTK_WIDGET (self->text_entry), mode != PARASOL_OUTCOME_FORM_WITHDRAW);
  /* a response's note is the reason of its audit row: a correction has its own reason */
  gtk_widget_set_visible (row, mode == PARASOL_OUTCOME_FORM_RECORD ||
                               kind == PARASOL_OUTCOME_FORM_EVENT);
  if (mode != PARASOL_OUTCOME_FORM_RECORD)
    {
      row = entry_row (mode == PARASOL_OUTCOME_FORM_WITHDRAW
                       ? _("Reason for withdrawing (required)")
                       : _("Reason for the change (required)"),
                       _("Kept in the audit trail"),
                       &self->why_entry);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_label_set_selectable (self->error_label, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->error_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), save);
  update_text_row (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save",
                                 !parasol_store_is_read_only (store));
  return self;
}

ParasolOutcomeForm *
parasol_outcome_form_new (GtkWindow              *parent,
                          ParasolStore           *store,
                          gint64                  patient_id,
                          const char             *patient_key,
                          ParasolOutcomeFormKind  kind)
{
  return form_new (parent, store, patient_id, patient_key, kind, PARASOL_OUTCOME_FORM_RECORD, 0,
                   NULL, NULL, NULL);
}

ParasolOutcomeForm *
parasol_outcome_form_new_change (GtkWindow              *parent,
                                 ParasolStore           *store,
                                 gint64                  patient_id,
                                 const char             *patient_key,
                                 ParasolOutcomeFormKind  kind,
                                 ParasolOutcomeFormMode  mode,
                                 gint64                  record_id,
                                 const char             *value,
                                 const GDate            *date,
                                 const char             *detail)
{
  return form_new (parent, store, patient_id, patient_key, kind, mode, record_id, value, date,
                   detail);
}

const char *
parasol_outcome_form_get_error (ParasolOutcomeForm *self)
{
  g_return_val_if_fail (PARASOL_IS_OUTCOME_FORM (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}
