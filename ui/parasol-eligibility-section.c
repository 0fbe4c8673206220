/* parasol-eligibility-section.c — the eligibility section of the patient page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verdict with its counts, the engine's warnings, then every inclusion and exclusion
 * criterion in protocol order (ParasolCriterionRow).  "only-problems" hides the criteria that
 * are met; the page binds it to its page.only-problems action.
 */
#define G_LOG_DOMAIN "parasol-eligibility-section"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "parasol-attestation-dialog.h"
#include "parasol-criterion-row.h"
#include "parasol-eligibility-section.h"
#include "parasol-facts-dialog.h"
#include "parasol-lab-dialog.h"
#include "parasol-lab-import.h"
#include "parasol-patient-section.h"

struct _ParasolEligibilitySection
{
  GtkBox                parent_instance;

  /* template */
  AdwPreferencesGroup  *group;
  AdwPreferencesGroup  *inclusion_group;
  AdwPreferencesGroup  *exclusion_group;
  AdwPreferencesGroup  *facts_group;
  GtkWidget            *edit_facts_button;
  GtkWidget            *inclusion_empty_row;
  GtkWidget            *exclusion_empty_row;
  GtkToggleButton      *today_button;
  GtkWidget            *import_labs_button;

  GPtrArray            *added;           /* rows added on update, owned by their groups */
  GPtrArray            *criterion_rows;  /* ParasolCriterionRow, in protocol order */
  GtkLabel             *verdict_label;
  ParasolVerdict        verdict;
  gboolean              only_problems;
  gboolean              kept_shown;      /* an enrolled patient's kept evaluation is shown */

  /* What the recording forms write to: kept from the last update, the rest is not */
  ParasolStore         *store;
  ParasolProtocol      *protocol;
  gint64                patient_id;
  GtkNativeDialog      *chooser;
  char                 *import_summary;  /* the last import's result, for tests */
};

static void parasol_eligibility_section_iface_init (ParasolPatientSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParasolEligibilitySection, parasol_eligibility_section, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (PARASOL_TYPE_PATIENT_SECTION,
                                                      parasol_eligibility_section_iface_init))

enum {
  PROP_0,
  PROP_ONLY_PROBLEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
apply_filter (ParasolEligibilitySection *self)
{
  gboolean any_inclusion = FALSE, any_exclusion = FALSE;

  for (guint i = 0; i < self->criterion_rows->len; i++)
    {
      ParasolCriterionRow *row = g_ptr_array_index (self->criterion_rows, i);
      gboolean problem = parasol_criterion_row_is_problem (row);
      gboolean inclusion = g_object_get_data (G_OBJECT (row), "inclusion") != NULL;

      gtk_widget_set_visible (GTK_WIDGET (row), !self->only_problems || problem);
      if (problem && inclusion)
        any_inclusion = TRUE;
      else if (problem)
        any_exclusion = TRUE;
    }

  gtk_widget_set_visible (self->inclusion_empty_row,
                          self->only_problems && !any_inclusion);
  gtk_widget_set_visible (self->exclusion_empty_row,
                          self->only_problems && !any_exclusion);
}

/* With a kept evaluation shown, today's rows (everything after the kept row) and the criteria
 * appear only when "Evaluate Again" is on. */
static void
apply_today (ParasolEligibilitySection *self)
{
  gboolean show = !self->kept_shown || gtk_toggle_button_get_active (self->today_button);

  for (guint i = self->kept_shown ? 1 : 0; i < self->added->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->added, i);

      if (!g_ptr_array_find (self->criterion_rows, row, NULL))
        gtk_widget_set_visible (row, show);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->inclusion_group), show);
  gtk_widget_set_visible (GTK_WIDGET (self->exclusion_group), show);
}

static void
on_today_toggled (ParasolEligibilitySection *self)
{
  apply_today (self);
}

static GtkWidget *
verdict_row (ParasolEligibilitySection *self,
             const ParasolEligibility  *e,
             const ParasolPatientFacts *facts)
{
  /* An AdwPreferencesRow, so that the group puts it in its boxed list */
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label, *detail, *icon;
  g_autoptr(GString) details = g_string_new (NULL);
  const char *icon_name, *css_class;
  g_autofree char *evaluated = parasol_section_format_date (&e->evaluated_on);
  GDate now;

  parasol_date_set_today (&now);

  switch (e->verdict)
    {
    case PARASOL_VERDICT_ELIGIBLE:
      icon_name = "object-select-symbolic";
      css_class = "met";
      break;
    case PARASOL_VERDICT_NOT_ELIGIBLE:
      icon_name = "window-close-symbolic";
      css_class = "not-met";
      break;
    case PARASOL_VERDICT_INCOMPLETE:
    default:
      icon_name = "dialog-question-symbolic";
      css_class = "missing";
      break;
    }

  gtk_widget_add_css_class (row, "verdict-row");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  icon = parasol_section_status_icon (icon_name, css_class, parasol_verdict_to_label (e->verdict));
  gtk_widget_add_css_class (icon, "verdict-icon");
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
  gtk_box_append (GTK_BOX (box), icon);

  label = gtk_label_new (parasol_verdict_to_label (e->verdict));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "title-3");
  gtk_widget_add_css_class (label, "verdict");
  gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (text), label);
  self->verdict_label = GTK_LABEL (label);

  /* Translators: "Protocol BUTTONS-001 version 1.0, evaluated on 2025-10-30" */
  g_string_append_printf (details, _("Protocol %s version %s, evaluated on %s"),
                          e->protocol_id ? e->protocol_id : "—",
                          e->protocol_version ? e->protocol_version : "—", evaluated);
  if (g_date_valid (&e->lapses_on))
    {
      g_autofree char *lapses = parasol_section_format_date (&e->lapses_on);

      g_string_append_c (details, '\n');
      if (parasol_section_has_status (facts, PARASOL_PATIENT_STATUS_SCREENING) &&
          g_date_compare (&e->lapses_on, &now) < 0)
        /* Translators: %s is a date */
        g_string_append_printf (details, _("The results lapsed on %s: repeat them before cycle 1"),
                                lapses);
      else
        /* Translators: %s is a date */
        g_string_append_printf (details, _("The results stay valid until %s"), lapses);
    }

  detail = gtk_label_new (details->str);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "numeric");
  gtk_box_append (GTK_BOX (text), detail);

  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  /* Counts at the end: "2 not met · 1 missing" */
  {
    guint counts[4] = { 0 };
    g_autoptr(GString) summary = g_string_new (NULL);

    for (guint i = 0; i < e->criteria->len; i++)
      {
        const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);

        if (r->status <= PARASOL_STATUS_EXPIRED)
          counts[r->status]++;
      }

    g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u of %u criterion met",
                                                  "%u of %u criteria met", e->criteria->len),
                            counts[PARASOL_STATUS_MET], e->criteria->len);
    if (counts[PARASOL_STATUS_NOT_MET] > 0)
      /* Translators: a count of screening criteria */
      g_string_append_printf (summary, _("\n%u not met"), counts[PARASOL_STATUS_NOT_MET]);
    if (counts[PARASOL_STATUS_MISSING] > 0)
      /* Translators: a count of screening criteria */
      g_string_append_printf (summary, _("\n%u missing data"), counts[PARASOL_STATUS_MISSING]);
    if (counts[PARASOL_STATUS_EXPIRED] > 0)
      /* Translators: a count of screening criteria */
      g_string_append_printf (summary, _("\n%u expired"), counts[PARASOL_STATUS_EXPIRED]);
    label = gtk_label_new (summary->str);
    gtk_label_set_xalign (GTK_LABEL (label), 1);
    gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
    gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (label, "dim-label");
    gtk_widget_add_css_class (label, "numeric");
    gtk_box_append (GTK_BOX (box), label);
  }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* An enrolled patient's evaluation as kept at enrolment: what the enrolment rested on. */
static GtkWidget *
kept_row (ParasolEligibilitySection   *self,
          const ParasolKeptEvaluation *kept,
          const ParasolEligibility    *today)
{
  ParasolVerdict verdict = PARASOL_VERDICT_INCOMPLETE;
  g_autofree char *evaluated = parasol_section_format_date (&kept->evaluated_on);
  g_autofree char *details = NULL;
  g_autofree char *title = NULL;
  const char *icon_name = "dialog-question-symbolic", *css_class = "missing";
  GtkWidget *row;

  for (int v = PARASOL_VERDICT_ELIGIBLE; v <= PARASOL_VERDICT_INCOMPLETE; v++)
    if (g_strcmp0 (kept->verdict, parasol_verdict_to_string (v)) == 0)
      verdict = v;
  if (verdict == PARASOL_VERDICT_ELIGIBLE)
    icon_name = "object-select-symbolic", css_class = "met";
  else if (verdict == PARASOL_VERDICT_NOT_ELIGIBLE)
    icon_name = "window-close-symbolic", css_class = "not-met";

  /* Translators: "Eligible at enrolment" */
  title = g_strdup_printf (_("%s at enrolment"), parasol_verdict_to_label (verdict));
  /* Translators: "Kept at enrolment: protocol BUTTONS-001 version 1.0, evaluated on 2025-10-30" */
  details = g_strdup_printf (_("Kept at enrolment: protocol %s version %s, evaluated on %s"),
                             today->protocol_id ? today->protocol_id : "—",
                             kept->protocol_version ? kept->protocol_version : "—", evaluated);
  row = parasol_section_note_row (icon_name, css_class, parasol_verdict_to_label (verdict),
                                  title, details);
  gtk_widget_add_css_class (row, "verdict-row");
  return row;
}

static void
add_fact_row (ParasolEligibilitySection *self,
              const char                *title,
              const char                *value)
{
  GtkWidget *row = parasol_section_action_row (title, NULL);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), parasol_section_value_label (value));
  parasol_section_add_row (self->facts_group, row, self->added);
}

/* The screening facts the rules read besides labs and attestations (`patient set`) */
static void
fill_facts (ParasolEligibilitySection *self,
            ParasolStore              *store,
            gint64                     patient_id,
            const ParasolPatientFacts *facts)
{
  g_autofree char *ecog = NULL;
  g_autofree char *height = NULL;
  g_autofree char *weight = NULL;
  g_autofree char *transfusion = NULL;
  const char *cbp;
  GDate weighed;

  ecog = facts->ecog >= 0 ? g_strdup_printf ("%d", facts->ecog) : g_strdup (_("Not recorded"));
  add_fact_row (self, _("ECOG performance status"), ecog);

  height = isnan (facts->height_cm) ? g_strdup (_("Not recorded"))
                                    : parasol_section_format_amount (facts->height_cm, "cm");
  add_fact_row (self, _("Height"), height);

  if (isnan (facts->weight_kg))
    weight = g_strdup (_("Not recorded"));
  else
    {
      g_autofree char *kg = parasol_section_format_amount (facts->weight_kg, "kg");

      g_date_clear (&weighed, 1);
      if (store != NULL && parasol_store_get_weight_date (store, patient_id, &weighed, NULL) &&
          g_date_valid (&weighed))
        {
          g_autofree char *on = parasol_section_format_date (&weighed);

          /* Translators: "61 kg, measured on 2026-11-30" */
          weight = g_strdup_printf (_("%s, measured on %s"), kg, on);
        }
      else
        weight = g_steal_pointer (&kg);
    }
  add_fact_row (self, _("Weight"), weight);

  switch (facts->childbearing_potential)
    {
    case PARASOL_TRI_YES:
      cbp = _("Yes");
      break;
    case PARASOL_TRI_NO:
      cbp = _("No");
      break;
    case PARASOL_TRI_UNKNOWN:
    default:
      cbp = _("Not recorded");
      break;
    }
  add_fact_row (self, _("Childbearing potential"), cbp);

  transfusion = g_date_valid (&facts->last_transfusion)
                ? parasol_section_format_date (&facts->last_transfusion)
                : g_strdup (_("None recorded"));
  add_fact_row (self, _("Last blood transfusion"), transfusion);
}

static void
fill_criteria (ParasolEligibilitySection *self,
               ParasolProtocol           *protocol,
               const ParasolEligibility  *e,
               ParasolCriterionKind       kind)
{
  AdwPreferencesGroup *group = kind == PARASOL_CRITERION_INCLUSION ? self->inclusion_group
                                                                   : self->exclusion_group;
  guint n = 0, met = 0;
  g_autofree char *description = NULL;

  for (guint i = 0; i < e->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);

      if (r->kind != kind)
        continue;
      n++;
      if (r->status == PARASOL_STATUS_MET)
        met++;
    }

  if (kind == PARASOL_CRITERION_INCLUSION)
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u met",
                                                "%u of %u met", n), met, n);
  else
    description = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u of %u met (met: the patient is free of the condition)",
                   "%u of %u met (met: the patient is free of the condition)", n),
      met, n);
  adw_preferences_group_set_description (group, description);

  for (guint i = 0; i < e->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);
      const ParasolCriterion *c;
      GtkWidget *row;

      if (r->kind != kind)
        continue;
      c = parasol_protocol_find_criterion (protocol, r->id);
      row = parasol_criterion_row_new (c, r);
      if (kind == PARASOL_CRITERION_INCLUSION)
        g_object_set_data (G_OBJECT (row), "inclusion", GINT_TO_POINTER (1));
      parasol_section_add_row (group, row, self->added);
      g_ptr_array_add (self->criterion_rows, row);
    }
}

static void
parasol_eligibility_section_update (ParasolPatientSection       *section,
                                    const ParasolPatientContext *context)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (section);
  const ParasolEligibility *e;
  g_autoptr(ParasolKeptEvaluation) kept = NULL;
  gboolean editable, screening, writable;

  g_set_object (&self->store, context != NULL ? (gpointer) context->store : NULL);
  g_set_object (&self->protocol, context != NULL ? (gpointer) context->protocol : NULL);
  self->patient_id = context != NULL ? context->patient_id : 0;

  parasol_section_remove_rows (self->added);
  g_ptr_array_set_size (self->criterion_rows, 0);
  self->verdict_label = NULL;
  self->verdict = PARASOL_VERDICT_INCOMPLETE;

  gtk_widget_set_visible (GTK_WIDGET (self), context != NULL);
  if (context == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "section.import-labs", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "section.edit-facts", FALSE);
      apply_filter (self);
      return;
    }

  e = context->eligibility;
  self->verdict = e->verdict;

  /* Enrolled: the evaluation the enrolment rested on; today's only on request, labelled */
  kept = NULL;
  screening = parasol_section_has_status (context->facts, PARASOL_PATIENT_STATUS_SCREENING) ||
              parasol_section_has_status (context->facts, PARASOL_PATIENT_STATUS_SCREEN_FAILED);
  if (!screening && context->store != NULL)
    kept = parasol_store_get_kept_evaluation (context->store, context->patient_id, "enrolment",
                                              NULL);
  self->kept_shown = kept != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->today_button), kept != NULL);
  if (kept != NULL)
    parasol_section_add_row (self->group, kept_row (self, kept, e), self->added);
  if (!screening && kept == NULL)
    parasol_section_add_row (self->group,
                             parasol_section_note_row ("dialog-information-symbolic", "dim-label",
                                                       _("Note"),
                                                       _("No evaluation was kept at enrolment"),
                                                       _("The checklist below is evaluated again "
                                                         "with the data as they are now.")),
                             self->added);
  if (kept != NULL)
    parasol_section_add_row (self->group,
                             parasol_section_note_row ("view-refresh-symbolic", "dim-label",
                                                       _("Note"),
                                                       _("Evaluated again with the data as they are now"),
                                                       _("Not what the enrolment rested on: shown on request")),
                             self->added);
  parasol_section_add_row (self->group, verdict_row (self, e, context->facts), self->added);
  for (guint i = 0; e->warnings != NULL && i < e->warnings->len; i++)
    parasol_section_add_row (self->group,
                             parasol_section_note_row ("dialog-warning-symbolic", "warning",
                                                       _("Warning"),
                                                       g_ptr_array_index (e->warnings, i), NULL),
                             self->added);

  fill_facts (self, context->store, context->patient_id, context->facts);
  fill_criteria (self, context->protocol, e, PARASOL_CRITERION_INCLUSION);
  fill_criteria (self, context->protocol, e, PARASOL_CRITERION_EXCLUSION);
  apply_today (self);

  /* Screening data are recorded while the patient is screened */
  editable = context->store != NULL && !parasol_store_is_read_only (context->store) &&
             parasol_section_has_status (context->facts, PARASOL_PATIENT_STATUS_SCREENING);
  if (editable)
    for (guint i = 0; i < self->criterion_rows->len; i++)
      {
        ParasolCriterionRow *row = g_ptr_array_index (self->criterion_rows, i);

        parasol_criterion_row_add_actions (
          row, parasol_protocol_find_criterion (context->protocol,
                                                parasol_criterion_row_get_criterion_id (row)));
      }
  apply_filter (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "section.import-labs", editable);
  gtk_widget_set_visible (self->import_labs_button, editable);
  /* A new weight or ECOG is recorded during treatment too */
  writable = context->store != NULL && !parasol_store_is_read_only (context->store);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "section.edit-facts", writable);
  gtk_widget_set_visible (self->edit_facts_button, writable);
}

/* ---- Recording: each form calls the core function the CLI calls ---- */

static GtkWindow *
parent_window (ParasolEligibilitySection *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
enter_lab_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (widget);
  GtkWidget *dialog;

  if (self->store == NULL || self->protocol == NULL || self->patient_id <= 0)
    return;
  dialog = parasol_lab_dialog_new (parent_window (self), self->store, self->protocol,
                                   self->patient_id, g_variant_get_string (parameter, NULL));
  if (dialog != NULL)
    gtk_window_present (GTK_WINDOW (dialog));
}

static void
attest_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (self->store == NULL || self->protocol == NULL || self->patient_id <= 0 ||
      parasol_protocol_find_criterion (self->protocol, id) == NULL)
    return;
  gtk_window_present (GTK_WINDOW (parasol_attestation_dialog_new (parent_window (self), self->store,
                                                                  self->protocol, self->patient_id,
                                                                  id)));
}

static void
edit_facts_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (widget);
  GtkWidget *dialog;

  if (self->store == NULL || self->patient_id <= 0)
    return;
  dialog = parasol_facts_dialog_new (parent_window (self), self->store, self->patient_id);
  if (dialog != NULL)
    gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_import_result (ParasolEligibilitySection *self,
                    const char                *heading,
                    const char                *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), heading, body);

  g_free (self->import_summary);
  self->import_summary = g_strdup (body);
  /* No mnemonic: GTK 4.8 would read the button as "_Close Close" */
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("Close"));
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
parasol_eligibility_section_import_labs (ParasolEligibilitySection *self,
                                         const char                *path)
{
  g_autoptr(ParasolLabImport) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (PARASOL_IS_ELIGIBILITY_SECTION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->store == NULL || self->protocol == NULL)
    return FALSE;

  /* As `parasol-cli lab import`: every row checked, then all stored in one transaction */
  import = parasol_lab_import_file (self->store, self->protocol, path,
                                    PARASOL_LAB_IMPORT_DEFAULT, &error);
  if (import == NULL)
    {
      /* Translators: %s is the refusal, naming the file and the refused rows with their lines */
      g_string_append_printf (body, _("Nothing was imported: %s"), error->message);
      show_import_result (self, _("Lab Results Not Imported"), body->str);
      return FALSE;
    }

  n = import->rows->len;
  {
    /* Translators: the first part of "3 results imported for 1 patient." */
    g_autofree char *results = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u result",
                                                             "%u results", n), n);

    /* Translators: %s is "3 results" */
    g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                               "%s imported for %u patient.",
                                               "%s imported for %u patients.",
                                               import->n_patients),
                            results, import->n_patients);
  }
  if (import->duplicates > 0)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u result was already recorded and was not stored again.",
                                                 "%u results were already recorded and were not stored again.",
                                                 import->duplicates),
                              import->duplicates);
    }
  if (import->skipped > 0)
    {
      g_autofree char *tests = NULL;

      g_ptr_array_add (import->unknown_tests, NULL);
      tests = g_strjoinv (", ", (char **) import->unknown_tests->pdata);
      g_ptr_array_remove_index (import->unknown_tests, import->unknown_tests->len - 1);
      g_string_append_c (body, '\n');
      /* Translators: %s lists laboratory test names */
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u row was skipped: a test this protocol does not use (%s).",
                                                 "%u rows were skipped: tests this protocol does not use (%s).",
                                                 import->skipped),
                              import->skipped, tests);
    }
  show_import_result (self, _("Lab Results Imported"), body->str);
  return TRUE;
}

const char *
parasol_eligibility_section_get_import_summary (ParasolEligibilitySection *self)
{
  g_return_val_if_fail (PARASOL_IS_ELIGIBILITY_SECTION (self), NULL);

  return self->import_summary;
}

static void
on_chooser_response (GtkNativeDialog           *chooser,
                     int                        response,
                     ParasolEligibilitySection *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        parasol_eligibility_section_import_labs (self, path);
      else
        show_import_result (self, _("Lab Results Not Imported"),
                            _("Choose a file on this computer."));
    }
  g_clear_object (&self->chooser);
}

static void
import_labs_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (widget);
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->store == NULL || self->chooser != NULL)
    return;

  /* For the AT-SPI tests, which cannot drive the file chooser under Xvfb without a window
   * manager (as PARASOL_OPEN_PATIENT): the file the chooser would have returned. */
  if (g_getenv ("PARASOL_TEST_CHOSEN_FILE") != NULL)
    {
      parasol_eligibility_section_import_labs (self, g_getenv ("PARASOL_TEST_CHOSEN_FILE"));
      return;
    }

  gtk_file_filter_set_name (csv, _("Laboratory exports (CSV)"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_pattern (csv, "*.CSV");
  gtk_file_filter_add_pattern (csv, "*.txt");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");

  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Import Lab Results"),
                                                                  parent_window (self),
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Import"), _("_Cancel")));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (self->chooser);
}

static void
parasol_eligibility_section_iface_init (ParasolPatientSectionInterface *iface)
{
  iface->update = parasol_eligibility_section_update;
}

static void
parasol_eligibility_section_dispose (GObject *object)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (object);

  g_ptr_array_set_size (self->criterion_rows, 0);
  g_ptr_array_set_size (self->added, 0);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }
  g_clear_object (&self->store);
  g_clear_object (&self->protocol);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_ELIGIBILITY_SECTION);

  G_OBJECT_CLASS (parasol_eligibility_section_parent_class)->dispose (object);
}

static void
parasol_eligibility_section_finalize (GObject *object)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (object);

  g_clear_pointer (&self->criterion_rows, g_ptr_array_unref);
  g_clear_pointer (&self->added, g_ptr_array_unref);
  g_clear_pointer (&self->import_summary, g_free);

  G_OBJECT_CLASS (parasol_eligibility_section_parent_class)->finalize (object);
}

static void
parasol_eligibility_section_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (object);

  switch (prop_id)
    {
    case PROP_ONLY_PROBLEMS:
      g_value_set_boolean (value, self->only_problems);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_eligibility_section_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  ParasolEligibilitySection *self = PARASOL_ELIGIBILITY_SECTION (object);

  switch (prop_id)
    {
    case PROP_ONLY_PROBLEMS:
      parasol_eligibility_section_set_only_problems (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_eligibility_section_class_init (ParasolEligibilitySectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_eligibility_section_dispose;
  object_class->finalize = parasol_eligibility_section_finalize;
  object_class->get_property = parasol_eligibility_section_get_property;
  object_class->set_property = parasol_eligibility_section_set_property;

  properties[PROP_ONLY_PROBLEMS] =
    g_param_spec_boolean ("only-problems", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/parasol/Parasol/ui/parasol-eligibility-section.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection, group);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection, inclusion_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection, exclusion_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection,
                                        inclusion_empty_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection,
                                        exclusion_empty_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection, today_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection, import_labs_button);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection, facts_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolEligibilitySection, edit_facts_button);
  gtk_widget_class_bind_template_callback (widget_class, on_today_toggled);

  gtk_widget_class_install_action (widget_class, "section.enter-lab", "s", enter_lab_action);
  gtk_widget_class_install_action (widget_class, "section.attest", "s", attest_action);
  gtk_widget_class_install_action (widget_class, "section.import-labs", NULL, import_labs_action);
  /* The criterion's id from its row, "" from the group's button (the form is the same) */
  gtk_widget_class_install_action (widget_class, "section.edit-facts", "s", edit_facts_action);
}

static void
parasol_eligibility_section_init (ParasolEligibilitySection *self)
{
  self->added = g_ptr_array_new ();
  self->criterion_rows = g_ptr_array_new ();
  self->verdict = PARASOL_VERDICT_INCOMPLETE;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "section.import-labs", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "section.edit-facts", FALSE);
}

gboolean
parasol_eligibility_section_get_only_problems (ParasolEligibilitySection *self)
{
  g_return_val_if_fail (PARASOL_IS_ELIGIBILITY_SECTION (self), FALSE);

  return self->only_problems;
}

void
parasol_eligibility_section_set_only_problems (ParasolEligibilitySection *self,
                                               gboolean                   only_problems)
{
  g_return_if_fail (PARASOL_IS_ELIGIBILITY_SECTION (self));

  only_problems = !!only_problems;
  if (self->only_problems == only_problems)
    return;

  self->only_problems = only_problems;
  apply_filter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLY_PROBLEMS]);
}

const char *
parasol_eligibility_section_get_verdict_text (ParasolEligibilitySection *self)
{
  g_return_val_if_fail (PARASOL_IS_ELIGIBILITY_SECTION (self), NULL);

  return self->verdict_label != NULL ? gtk_label_get_label (self->verdict_label) : NULL;
}

ParasolVerdict
parasol_eligibility_section_get_verdict (ParasolEligibilitySection *self)
{
  g_return_val_if_fail (PARASOL_IS_ELIGIBILITY_SECTION (self), PARASOL_VERDICT_INCOMPLETE);

  return self->verdict;
}

GPtrArray *
parasol_eligibility_section_get_criterion_rows (ParasolEligibilitySection *self)
{
  g_return_val_if_fail (PARASOL_IS_ELIGIBILITY_SECTION (self), NULL);

  return self->criterion_rows;
}
