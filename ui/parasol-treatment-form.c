/* parasol-treatment-form.c — record a dose, a skip or a delay from the cycle calendar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No rule here: the planned dose, the cycle and its day 1 come from the patient's plan
 * (parasol_patient_plan_build), the verdicts from core.  The form only reads what was typed.
 */
#define G_LOG_DOMAIN "parasol-treatment-form"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-administration.h"
#include "parasol-input.h"
#include "parasol-patient-dosing.h"
#include "parasol-patient-section.h"
#include "parasol-treatment-form.h"

typedef struct {
  char   *id;
  char   *name;
  char   *unit;
  double  planned;      /* NAN when not calculated */
} FormDrug;

typedef struct {
  ParasolTreatmentFormKind  kind;
  GtkWidget                *window;
  GtkWidget                *section;      /* owned ref */
  ParasolStore             *store;        /* owned ref */
  ParasolProtocol          *protocol;     /* owned ref */
  gint64                    patient_id;
  int                       cycle;
  gboolean                  cycle_started;
  GDate                     day1;
  ParasolPatientFacts      *facts;
  GArray                   *drugs;        /* FormDrug */
  GtkDropDown              *drug;
  GtkEntry                 *dose;
  GtkLabel                 *unit;
  GtkEntry                 *date;
  GtkEntry                 *reason;
  GtkLabel                 *check;
  GtkLabel                 *error;
  GtkWidget                *ok;
} Form;

static void
form_drug_clear (gpointer data)
{
  FormDrug *d = data;

  g_free (d->id);
  g_free (d->name);
  g_free (d->unit);
}

static void
form_free (Form *form)
{
  g_clear_object (&form->section);
  g_clear_object (&form->store);
  g_clear_object (&form->protocol);
  g_clear_pointer (&form->facts, parasol_patient_facts_free);
  g_clear_pointer (&form->drugs, g_array_unref);
  g_free (form);
}

static const FormDrug *
selected_drug (Form *form)
{
  guint i;

  if (form->drug == NULL || form->drugs->len == 0)
    return NULL;
  i = gtk_drop_down_get_selected (form->drug);
  return i < form->drugs->len ? &g_array_index (form->drugs, FormDrug, i) : NULL;
}

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
show_error (Form       *form,
            GtkWidget  *field,
            const char *message)
{
  gtk_label_set_text (form->error, message);
  gtk_widget_set_visible (GTK_WIDGET (form->error), message != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (form->reason), "error");
  if (form->dose != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (form->dose), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (form->date), "error");
  if (field != NULL)
    {
      gtk_widget_add_css_class (field, "error");
      gtk_widget_grab_focus (field);
    }
}

/* The start-of-cycle check for the day typed, where it decides something: the first dose of a
 * cycle, or a new day 1 */
static void
update_check (Form *form)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (form->protocol);
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  const char *css;
  GDate day;
  ParasolStartVerdict verdict;

  if (form->check == NULL)
    return;
  gtk_widget_remove_css_class (GTK_WIDGET (form->check), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (form->check), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (form->check), "warning");

  if (!parasol_date_parse_iso (gtk_editable_get_text (GTK_EDITABLE (form->date)), &day) ||
      regimen == NULL || form->facts == NULL)
    {
      gtk_label_set_text (form->check, _("Start-of-cycle check: type the day as YYYY-MM-DD"));
      return;
    }
  verdict = parasol_schedule_check_start (regimen, form->facts, &day, &message);
  switch (verdict)
    {
    case PARASOL_START_OK:
      css = "success";
      break;
    case PARASOL_START_DELAY:
      css = "error";
      break;
    case PARASOL_START_NEED_LABS:
    default:
      css = "warning";
      break;
    }
  /* Translators: the start-of-cycle check for a day: "Start-of-cycle check for cycle 2 on 2026-01-13: ..." */
  text = g_strdup_printf (_("Start-of-cycle check for cycle %d on %s: %s"), form->cycle,
                          gtk_editable_get_text (GTK_EDITABLE (form->date)), message);
  gtk_label_set_text (form->check, text);
  gtk_widget_add_css_class (GTK_WIDGET (form->check), css);
}

static void
on_drug_changed (Form *form)
{
  const FormDrug *d = selected_drug (form);

  if (d == NULL || form->dose == NULL)
    return;
  gtk_label_set_text (form->unit, d->unit != NULL ? d->unit : "");
  if (isfinite (d->planned))
    {
      g_autofree char *text = parasol_protocol_format_number (d->planned);

      gtk_editable_set_text (GTK_EDITABLE (form->dose), text);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (form->dose), "");
  {
    /* Translators: accessible name of the dose field: "Dose in mg" */
    g_autofree char *name = g_strdup_printf (_("Dose in %s"), d->unit != NULL ? d->unit : "");
    set_accessible_label (GTK_WIDGET (form->dose), name);
  }
}

static gboolean
submit (Form    *form,
        GError **error,
        GtkWidget **field)
{
  const char *reason = gtk_editable_get_text (GTK_EDITABLE (form->reason));
  const FormDrug *d = selected_drug (form);
  GDate date;

  *field = GTK_WIDGET (form->date);
  if (!parasol_parse_date (gtk_editable_get_text (GTK_EDITABLE (form->date)), &date, error))
    return FALSE;
  if (*reason == '\0')
    reason = NULL;

  switch (form->kind)
    {
    case PARASOL_TREATMENT_FORM_DOSE:
      {
        g_autoptr(ParasolGivenDose) given = NULL;
        ParasolDoseEntry entry;

        parasol_dose_entry_init (&entry);
        *field = GTK_WIDGET (form->dose);
        if (!parasol_parse_double (gtk_editable_get_text (GTK_EDITABLE (form->dose)), &entry.dose,
                                   error))
          return FALSE;
        entry.drug = d != NULL ? d->id : NULL;
        entry.date = date;
        entry.cycle = form->cycle;
        entry.reason = reason;
        given = parasol_administration_give (form->store, form->protocol, form->patient_id, &entry,
                                             error);
        if (given == NULL && g_error_matches (*error, PARASOL_ADMINISTRATION_ERROR,
                                              PARASOL_ADMINISTRATION_ERROR_REASON_REQUIRED))
          *field = GTK_WIDGET (form->reason);
        else if (given == NULL && g_error_matches (*error, PARASOL_ADMINISTRATION_ERROR,
                                                   PARASOL_ADMINISTRATION_ERROR_INVALID))
          *field = GTK_WIDGET (form->dose);
        else if (given == NULL)
          *field = GTK_WIDGET (form->date);
        return given != NULL;
      }
    case PARASOL_TREATMENT_FORM_SKIP:
      {
        g_autoptr(ParasolGivenDose) given = NULL;

        given = parasol_administration_skip (form->store, form->protocol, form->patient_id,
                                             d != NULL ? d->id : NULL, &date, form->cycle, reason,
                                             error);
        if (given == NULL)
          *field = reason == NULL ? GTK_WIDGET (form->reason) : GTK_WIDGET (form->date);
        return given != NULL;
      }
    case PARASOL_TREATMENT_FORM_DELAY:
    default:
      {
        g_autoptr(ParasolDelay) delay = NULL;

        delay = parasol_administration_delay (form->store, form->protocol, form->patient_id,
                                              form->cycle, &date, reason, error);
        if (delay == NULL)
          *field = reason == NULL ? GTK_WIDGET (form->reason) : GTK_WIDGET (form->date);
        return delay != NULL;
      }
    }
}

static void
on_ok (Form *form)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *field = NULL;
  GtkWidget *section = form->section;

  if (!submit (form, &error, &field))
    {
      show_error (form, field, error != NULL ? error->message : _("Not recorded"));
      return;
    }
  show_error (form, NULL, NULL);
  g_object_ref (section);
  gtk_window_destroy (GTK_WINDOW (form->window));
  gtk_widget_activate_action (section, "page.reload", NULL);
  g_object_unref (section);
}

/* The row activates @field. The row labels its activatable widget by its title, which GTK 4.8
 * reads after the field's own accessible name ("Reason Reason", "Dose in mg Dose given"): every
 * field here carries its full name itself, so the field keeps only that name (the row's subtitle
 * stays its description). */
static void
set_activatable_field (GtkWidget *row,
                       GtkWidget *field)
{
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), field);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

static GtkWidget *
field_row (AdwPreferencesGroup *group,
           const char          *title,
           const char          *subtitle,
           GtkWidget           *field)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (field, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), field);
  set_activatable_field (row, field);
  adw_preferences_group_add (group, row);
  return row;
}

static GtkEntry *
entry_new (const char *accessible_name,
           int         width_chars)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width_chars);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  set_accessible_label (entry, accessible_name);
  return GTK_ENTRY (entry);
}

/* The drugs of the cycle, with the planned dose of each, from the patient's plan */
static const ParasolScheduleCycle *
load_plan (Form                *form,
           ParasolPatientPlan **plan_out,
           GError             **error)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (form->protocol);
  g_autoptr(ParasolPatientPlan) plan = NULL;
  GDate wd;
  const ParasolScheduleCycle *c;
  const ParasolDoseSet *set;

  form->facts = parasol_store_load_patient (form->store, form->patient_id, error);
  if (form->facts == NULL)
    return NULL;
  if (regimen == NULL)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("The trial's protocol has no regimen"));
      return NULL;
    }
  wd = parasol_patient_weight_date (form->store, form->patient_id);
  plan = parasol_patient_plan_build (regimen, form->facts, &wd, NULL, error);
  if (plan == NULL)
    return NULL;
  c = parasol_schedule_get_cycle (plan->schedule, form->cycle);
  if (c == NULL)
    {
      g_set_error (error, PARASOL_SCHEDULE_ERROR, PARASOL_SCHEDULE_ERROR_INVALID,
                   _("Cycle %d is not in the patient's calendar"), form->cycle);
      return NULL;
    }
  form->day1 = c->start;
  form->cycle_started = c->status == PARASOL_CYCLE_STARTED;
  set = parasol_patient_plan_get_doses (plan, c->number);
  for (guint i = 0; i < c->doses->len; i++)
    {
      const ParasolScheduledDose *sd = g_ptr_array_index (c->doses, i);
      const ParasolDose *calc = set != NULL ? parasol_dose_set_find (set, sd->drug) : NULL;
      gboolean seen = FALSE;
      FormDrug d;

      for (guint k = 0; k < form->drugs->len && !seen; k++)
        seen = g_strcmp0 (g_array_index (form->drugs, FormDrug, k).id, sd->drug) == 0;
      if (seen)
        continue;
      d.id = g_strdup (sd->drug);
      d.name = g_strdup (sd->name);
      d.unit = g_strdup (calc != NULL ? calc->unit : sd->unit);
      d.planned = calc != NULL ? calc->dose : NAN;
      g_array_append_val (form->drugs, d);
    }
  *plan_out = g_steal_pointer (&plan);
  return c;
}

GtkWidget *
parasol_treatment_form_open (GtkWidget                *section,
                             ParasolStore             *store,
                             ParasolProtocol          *protocol,
                             gint64                    patient_id,
                             ParasolTreatmentFormKind  kind,
                             int                       cycle,
                             const char               *drug,
                             const GDate              *date)
{
  g_autoptr(ParasolPatientPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  Form *form = g_new0 (Form, 1);
  const ParasolScheduleCycle *c;
  GtkWidget *window, *header, *cancel, *page_box, *label;
  AdwPreferencesGroup *group;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  GtkRoot *root = gtk_widget_get_root (section);
  GDate today;

  form->kind = kind;
  form->section = g_object_ref (section);
  form->store = g_object_ref (store);
  form->protocol = g_object_ref (protocol);
  form->patient_id = patient_id;
  form->cycle = cycle;
  form->drugs = g_array_new (FALSE, TRUE, sizeof (FormDrug));
  g_array_set_clear_func (form->drugs, form_drug_clear);
  g_date_clear (&form->day1, 1);
  parasol_date_set_today (&today);

  c = load_plan (form, &plan, &error);

  switch (kind)
    {
    case PARASOL_TREATMENT_FORM_DOSE:
      title = g_strdup_printf (_("Record Dose, Cycle %d"), cycle);
      break;
    case PARASOL_TREATMENT_FORM_SKIP:
      title = g_strdup_printf (_("Record Dose Not Given, Cycle %d"), cycle);
      break;
    case PARASOL_TREATMENT_FORM_DELAY:
    default:
      title = g_strdup_printf (_("Delay Cycle %d"), cycle);
      break;
    }

  window = gtk_window_new ();
  form->window = window;
  g_object_set_data_full (G_OBJECT (window), "parasol-form", form, (GDestroyNotify) form_free);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 560, -1);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));

  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_label (_("Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  /* Translators: the delay form's button, a verb ("Postpone the cycle") */
  form->ok = gtk_button_new_with_label (kind == PARASOL_TREATMENT_FORM_DELAY ? C_("button", "Delay")
                                                                              : _("Record"));
  gtk_widget_add_css_class (form->ok, "suggested-action");
  g_signal_connect_swapped (form->ok, "clicked", G_CALLBACK (on_ok), form);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), form->ok);
  gtk_window_set_titlebar (GTK_WINDOW (window), header);
  gtk_window_set_default_widget (GTK_WINDOW (window), form->ok);

  page_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (page_box, 18);
  gtk_widget_set_margin_bottom (page_box, 18);
  gtk_widget_set_margin_start (page_box, 18);
  gtk_widget_set_margin_end (page_box, 18);
  gtk_window_set_child (GTK_WINDOW (window), page_box);

  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  gtk_box_append (GTK_BOX (page_box), GTK_WIDGET (group));

  if (c == NULL)
    {
      label = gtk_label_new (error->message);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "error");
      gtk_box_append (GTK_BOX (page_box), label);
      gtk_widget_set_sensitive (form->ok, FALSE);
      gtk_window_present (GTK_WINDOW (window));
      return window;
    }

  {
    g_autofree char *day1 = parasol_section_format_date (&c->start);

    if (kind == PARASOL_TREATMENT_FORM_DELAY)
      /* Translators: "Day 1 is 2026-01-13; the cycles after it move with it" */
      description = g_strdup_printf (_("Day 1 is now %s; the cycles after it move with it. "
                                       "A reason is required."), day1);
    else if (kind == PARASOL_TREATMENT_FORM_SKIP)
      description = g_strdup_printf (_("Day 1 %s. A reason is required."), day1);
    else
      description = g_strdup_printf (_("Day 1 %s. Prefilled with the planned dose; a reason is "
                                       "required when the dose or the day differs from the plan."),
                                     day1);
    adw_preferences_group_set_description (group, description);
  }

  if (kind != PARASOL_TREATMENT_FORM_DELAY)
    {
      GtkStringList *names = gtk_string_list_new (NULL);
      guint selected = 0;

      for (guint i = 0; i < form->drugs->len; i++)
        {
          const FormDrug *d = &g_array_index (form->drugs, FormDrug, i);
          gtk_string_list_append (names, d->name != NULL ? parasol_protocol_translate (d->name)
                                                         : d->id);
          if (g_strcmp0 (d->id, drug) == 0)
            selected = i;
        }
      form->drug = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (names), NULL));
      gtk_drop_down_set_selected (form->drug, selected);
      set_accessible_label (GTK_WIDGET (form->drug), _("Drug"));
      field_row (group, _("Drug"), NULL, GTK_WIDGET (form->drug));
    }

  if (kind == PARASOL_TREATMENT_FORM_DOSE)
    {
      GtkWidget *dose_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *row;

      form->dose = entry_new (_("Dose"), 8);
      gtk_entry_set_alignment (form->dose, 1.0);
      form->unit = GTK_LABEL (gtk_label_new (NULL));
      gtk_box_append (GTK_BOX (dose_box), GTK_WIDGET (form->dose));
      gtk_box_append (GTK_BOX (dose_box), GTK_WIDGET (form->unit));
      row = field_row (group, _("Dose given"), _("In the drug's unit"), dose_box);
      set_activatable_field (row, GTK_WIDGET (form->dose));
      g_signal_connect_swapped (form->drug, "notify::selected", G_CALLBACK (on_drug_changed), form);
      on_drug_changed (form);
    }

  form->date = entry_new (kind == PARASOL_TREATMENT_FORM_DELAY ? _("New day 1") : _("Date given"),
                          11);
  gtk_entry_set_placeholder_text (form->date, "YYYY-MM-DD");
  field_row (group, kind == PARASOL_TREATMENT_FORM_DELAY ? _("New day 1") : _("Date"),
             "YYYY-MM-DD", GTK_WIDGET (form->date));
  {
    GDate initial = c->start;
    char buf[PARASOL_DATE_BUF_SIZE];

    if (date != NULL && g_date_valid (date))
      initial = *date;
    if (kind == PARASOL_TREATMENT_FORM_DELAY)
      initial = parasol_date_plus_days (&c->start, 7);
    else if (g_date_compare (&initial, &today) > 0)
      initial = today;
    gtk_editable_set_text (GTK_EDITABLE (form->date), parasol_date_format (&initial, buf, sizeof buf));
  }

  form->reason = entry_new (_("Reason"), 28);
  field_row (group, _("Reason"),
             kind == PARASOL_TREATMENT_FORM_DOSE ? _("Required when it differs from the plan")
                                                 : _("Required"),
             GTK_WIDGET (form->reason));

  /* The start-of-cycle check, where the decision is made */
  if (kind == PARASOL_TREATMENT_FORM_DELAY ||
      (kind == PARASOL_TREATMENT_FORM_DOSE && !form->cycle_started))
    {
      form->check = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_wrap (form->check, TRUE);
      gtk_label_set_xalign (form->check, 0);
      gtk_label_set_selectable (form->check, FALSE);
      gtk_box_append (GTK_BOX (page_box), GTK_WIDGET (form->check));
      g_signal_connect_swapped (form->date, "changed", G_CALLBACK (update_check), form);
      update_check (form);
    }

  /* Core's refusals, where the person types */
  form->error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (form->error, TRUE);
  gtk_label_set_xalign (form->error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (form->error), "error");
  gtk_widget_set_visible (GTK_WIDGET (form->error), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (form->error), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Why it was not recorded"), -1);
  gtk_box_append (GTK_BOX (page_box), GTK_WIDGET (form->error));

  gtk_window_present (GTK_WINDOW (window));
  if (form->dose != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (form->dose));
  else
    gtk_widget_grab_focus (GTK_WIDGET (form->date));
  return window;
}
