/* parasol-patient-page.c — one patient, as an investigator opens it from the list (read-only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything on this page is a call into core and some formatting: no SQL, no XML, no
 * formulas.  The sections below the header are rebuilt on every reload (a patient has a few
 * dozen rows; rebuilding is simpler than diffing, and keeps no copy of the data around).
 */
#define G_LOG_DOMAIN "parasol-patient-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-assignment.h"
#include "parasol-criterion-row.h"
#include "parasol-dosing.h"
#include "parasol-patient.h"
#include "parasol-patient-dosing.h"
#include "parasol-patient-page.h"
#include "parasol-schedule.h"
#include "parasol-status-pill.h"

/* Planned cycles listed before "Show more" */
#define PLANNED_CYCLES_SHOWN 3

struct _ParasolPatientPage
{
  GtkWidget           parent_instance;

  /* template */
  GtkStack           *stack;
  GtkScrolledWindow  *scrolled_window;
  AdwAvatar          *avatar;
  GtkLabel           *name_label;
  ParasolStatusPill  *status_pill;
  GtkLabel           *ids_label;
  GtkLabel           *sex_value;
  GtkLabel           *age_value;
  GtkLabel           *site_value;
  GtkLabel           *arm_value;
  GtkLabel           *ici_value;
  GtkLabel           *c1d1_value;
  GtkBox             *sections_box;
  AdwStatusPage      *error_page;

  ParasolStore       *store;
  ParasolProtocol    *protocol;        /* given, or loaded from the store */
  gboolean            protocol_loaded; /* we loaded it ourselves */
  gint64              patient_id;
  char               *title;
  guint               reload_source;

  /* what is shown (widgets owned by their parents) */
  GPtrArray          *criterion_rows;
  GtkWidget          *inclusion_empty_row;
  GtkWidget          *exclusion_empty_row;
  GtkLabel           *verdict_label;
  ParasolVerdict      verdict;
  char               *proposed_arms;
  guint               n_cycle_rows;
  gboolean            only_problems;
  gboolean            show_all_cycles;
};

G_DEFINE_FINAL_TYPE (ParasolPatientPage, parasol_patient_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PROTOCOL,
  PROP_PATIENT_ID,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void rebuild (ParasolPatientPage *self);

/* ---- Formatting ------------------------------------------------------------------------------ */

static char *
format_date (const GDate *date)
{
  char buf[16];

  if (date == NULL || !g_date_valid (date))
    return g_strdup ("—");

  return g_strdup (parasol_date_format (date, buf, sizeof buf));
}

static gboolean
has_status (const ParasolPatientFacts *facts,
            ParasolPatientStatus       status)
{
  ParasolPatientStatus value;

  return parasol_patient_status_from_string (facts->status, &value) && value == status;
}

/* The label of a stored status; the id itself when Parasol does not know it. */
static const char *
patient_status_label (const char *status)
{
  ParasolPatientStatus value;

  return parasol_patient_status_from_string (status, &value)
         ? parasol_patient_status_to_label (value) : status;
}

static const char *
superscript_digit (char c)
{
  static const char *digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };

  return c >= '0' && c <= '9' ? digits[c - '0'] : "";
}

/* "200 mg", "8 × 10⁸ cells": the number as the engine gave it, for people */
static char *
format_amount (double      value,
               const char *unit)
{
  g_autofree char *number = NULL;

  if (!isfinite (value))
    return g_strdup ("—");

  if (fabs (value) >= 1e5)
    {
      g_autoptr(GString) str = g_string_new (NULL);
      char exp_buf[8];
      int exponent = (int) floor (log10 (fabs (value)));
      g_autofree char *mantissa = parasol_protocol_format_number (value / pow (10, exponent));

      g_snprintf (exp_buf, sizeof exp_buf, "%d", exponent);
      g_string_append_printf (str, "%s × 10", mantissa);
      for (const char *p = exp_buf; *p; p++)
        g_string_append (str, superscript_digit (*p));
      if (unit != NULL && *unit != '\0')
        g_string_append_printf (str, " %s", unit);
      return g_string_free (g_steal_pointer (&str), FALSE);
    }

  number = parasol_protocol_format_number (value);
  if (unit == NULL || *unit == '\0')
    return g_steal_pointer (&number);

  return g_strdup_printf ("%s %s", number, unit);
}

/* One decimal, for intermediate values (BSA has two) */
static char *
format_fixed (double      value,
              int         decimals,
              const char *unit)
{
  if (!isfinite (value))
    return g_strdup ("—");

  return g_strdup_printf ("%.*f %s", decimals, value, unit);
}

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

static char *
arm_name (ParasolProtocol *protocol,
          const char      *arm_id)
{
  const ParasolArmDef *arm;

  if (arm_id == NULL || *arm_id == '\0')
    return NULL;

  arm = protocol != NULL ? parasol_protocol_find_arm (protocol, arm_id) : NULL;
  if (arm == NULL || arm->name == NULL)
    return g_strdup (arm_id);

  return g_strdup (parasol_protocol_translate (arm->name));
}

/* "DLL3 arm and XPO1 arm", "A, B and C" */
static char *
join_names (GPtrArray *names)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0 && i == names->len - 1)
        /* Translators: the last separator of a list: "A, B and C" */
        g_string_append (str, C_("list", " and "));
      else if (i > 0)
        /* Translators: the separator of a list: "A, B and C" */
        g_string_append (str, C_("list", ", "));
      g_string_append (str, g_ptr_array_index (names, i));
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

static char *
join_arm_names (ParasolProtocol *protocol,
                GPtrArray       *arm_ids)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; arm_ids != NULL && i < arm_ids->len; i++)
    g_ptr_array_add (names, arm_name (protocol, g_ptr_array_index (arm_ids, i)));

  return join_names (names);
}

static char *
join_marker_names (ParasolProtocol *protocol,
                   GPtrArray       *marker_ids)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; marker_ids != NULL && i < marker_ids->len; i++)
    {
      const char *id = g_ptr_array_index (marker_ids, i);
      const ParasolBiomarkerDef *def = parasol_protocol_find_biomarker (protocol, id);

      g_ptr_array_add (names, g_strdup (def != NULL && def->name != NULL ? def->name : id));
    }

  return join_names (names);
}

static char *
join_days (GArray *days)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; days != NULL && i < days->len; i++)
    g_string_append_printf (str, "%s%d", i > 0 ? ", " : "", g_array_index (days, int, i));

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* ---- Widgets ---------------------------------------------------------------------------------- */

static GtkWidget *
add_group (ParasolPatientPage *self,
           GtkWidget          *parent,
           const char         *title,
           const char         *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  gtk_box_append (GTK_BOX (parent != NULL ? parent : GTK_WIDGET (self->sections_box)), group);
  return group;
}

static GtkWidget *
new_action_row (const char *title,
                const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  return row;
}

static GtkWidget *
new_expander_row (const char *title,
                  const char *subtitle)
{
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  if (subtitle != NULL && *subtitle != '\0')
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  return row;
}

/* An icon that carries meaning: coloured by @css_class, named for screen readers */
static GtkWidget *
status_icon (const char *icon_name,
             const char *css_class,
             const char *label)
{
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (icon, "status-icon");
  if (css_class != NULL)
    gtk_widget_add_css_class (icon, css_class);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  if (label != NULL)
    {
      gtk_widget_set_tooltip_text (icon, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
    }

  return icon;
}

static GtkWidget *
badge (const char *text,
       const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "badge");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);

  return label;
}

static GtkWidget *
value_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "row-value");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);

  return label;
}

static GtkWidget *
text_row (const char *text,
          const char *css_class)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "detail-text");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);

  return row;
}

/* A row with an icon, for warnings and notes */
static GtkWidget *
note_row (const char *icon_name,
          const char *css_class,
          const char *icon_label,
          const char *title,
          const char *subtitle)
{
  GtkWidget *row = new_action_row (title, subtitle);

  adw_action_row_add_prefix (ADW_ACTION_ROW (row), status_icon (icon_name, css_class, icon_label));
  return row;
}

/* A coloured box between groups, for what must not be missed */
static GtkWidget *
banner (const char *icon_name,
        const char *css_class,
        const char *title,
        const char *body)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (box, "page-banner");
  gtk_widget_add_css_class (box, css_class);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Attention"), -1);
  gtk_box_append (GTK_BOX (box), icon);

  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (text), heading);
  if (body != NULL)
    {
      GtkWidget *label = gtk_label_new (body);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (text), label);
    }
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  return box;
}

/* ---- Header ------------------------------------------------------------------------------------ */

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
  const ParasolRegimen *regimen = self->protocol ? parasol_protocol_get_regimen (self->protocol) : NULL;
  g_autofree char *ids = NULL;
  g_autofree char *title = NULL;
  g_autofree char *arm = NULL;
  g_autofree char *c1d1 = NULL;
  const char *initials = facts->initials != NULL && *facts->initials ? facts->initials : NULL;
  GDate now;
  int age;

  parasol_date_set_today (&now);
  age = parasol_age_on (&facts->birth_date, &now);

  gtk_label_set_label (self->name_label, initials != NULL ? initials : facts->screening_number);
  adw_avatar_set_text (self->avatar, initials != NULL ? initials : facts->screening_number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->avatar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  initials != NULL ? initials : facts->screening_number, -1);

  parasol_status_pill_set_status (self->status_pill, facts->status);
  parasol_status_pill_set_label (self->status_pill, patient_status_label (facts->status));

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
      g_autofree char *born = format_date (&facts->birth_date);
      /* Translators: the patient's date of birth, in a tooltip */
      g_autofree char *tip = g_strdup_printf (_("Born %s"), born);

      gtk_label_set_label (self->age_value, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->age_value), tip);
    }
  else
    gtk_label_set_label (self->age_value, _("Not recorded"));

  gtk_label_set_label (self->site_value, facts->site != NULL && *facts->site ? facts->site : "—");

  arm = arm_name (self->protocol, facts->arm);
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

  c1d1 = g_date_valid (&facts->c1d1) ? format_date (&facts->c1d1) : NULL;
  gtk_label_set_label (self->c1d1_value, c1d1 != NULL ? c1d1 : _("Not enrolled"));

  if (initials != NULL)
    /* Translators: the header bar title of a patient: "S-0004 · LSD" */
    title = g_strdup_printf (_("%s · %s"), facts->screening_number, initials);
  else
    title = g_strdup (facts->screening_number);
  set_title (self, title);
}

/* ---- Eligibility ------------------------------------------------------------------------------ */

static void
apply_filter (ParasolPatientPage *self)
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

  if (self->inclusion_empty_row != NULL)
    gtk_widget_set_visible (self->inclusion_empty_row, self->only_problems && !any_inclusion);
  if (self->exclusion_empty_row != NULL)
    gtk_widget_set_visible (self->exclusion_empty_row, self->only_problems && !any_exclusion);
}

static void
on_only_problems_changed (ParasolPatientPage *self,
                          GParamSpec         *pspec,
                          GtkSwitch          *toggle)
{
  parasol_patient_page_set_only_problems (self, gtk_switch_get_active (toggle));
}

static GtkWidget *
verdict_row (ParasolPatientPage       *self,
             const ParasolEligibility *e,
             const ParasolPatientFacts *facts)
{
  /* An AdwPreferencesRow, so that the group puts it in its boxed list */
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label, *detail, *icon;
  g_autoptr(GString) details = g_string_new (NULL);
  const char *icon_name, *css_class;
  g_autofree char *evaluated = format_date (&e->evaluated_on);
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

  icon = status_icon (icon_name, css_class, parasol_verdict_to_label (e->verdict));
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
      g_autofree char *lapses = format_date (&e->lapses_on);

      g_string_append_c (details, '\n');
      if (has_status (facts, PARASOL_PATIENT_STATUS_SCREENING) && g_date_compare (&e->lapses_on, &now) < 0)
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

static GtkWidget *
criteria_group (ParasolPatientPage       *self,
                const ParasolEligibility *e,
                ParasolCriterionKind      kind,
                GtkWidget               **empty_row)
{
  GtkWidget *group;
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
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%u of %u met (met: the patient is free of the condition)",
                                                "%u of %u met (met: the patient is free of the condition)",
                                                n), met, n);

  group = add_group (self, NULL, kind == PARASOL_CRITERION_INCLUSION ? _("Inclusion Criteria")
                                                                     : _("Exclusion Criteria"),
                     description);

  for (guint i = 0; i < e->criteria->len; i++)
    {
      const ParasolCriterionResult *r = g_ptr_array_index (e->criteria, i);
      const ParasolCriterion *c;
      GtkWidget *row;

      if (r->kind != kind)
        continue;
      c = parasol_protocol_find_criterion (self->protocol, r->id);
      row = parasol_criterion_row_new (c, r);
      if (kind == PARASOL_CRITERION_INCLUSION)
        g_object_set_data (G_OBJECT (row), "inclusion", GINT_TO_POINTER (1));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      g_ptr_array_add (self->criterion_rows, row);
    }

  *empty_row = note_row ("object-select-symbolic", "met", _("Met"),
                         kind == PARASOL_CRITERION_INCLUSION
                         ? _("Every inclusion criterion is met")
                         : _("Every exclusion criterion is met"),
                         NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), *empty_row);

  return group;
}

static void
build_eligibility (ParasolPatientPage        *self,
                   const ParasolEligibility  *e,
                   const ParasolPatientFacts *facts)
{
  GtkWidget *group, *suffix, *toggle, *label;

  group = add_group (self, NULL, _("Eligibility"), NULL);

  suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  label = gtk_label_new (_("Only problems"));
  toggle = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (toggle), self->only_problems);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
  gtk_widget_set_tooltip_text (toggle, _("Show only the criteria that are not met"));
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_only_problems_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (suffix), label);
  gtk_box_append (GTK_BOX (suffix), toggle);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), suffix);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), verdict_row (self, e, facts));

  for (guint i = 0; e->warnings != NULL && i < e->warnings->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                         g_ptr_array_index (e->warnings, i), NULL));

  criteria_group (self, e, PARASOL_CRITERION_INCLUSION, &self->inclusion_empty_row);
  criteria_group (self, e, PARASOL_CRITERION_EXCLUSION, &self->exclusion_empty_row);
  apply_filter (self);
}

/* ---- Biomarkers and arm ----------------------------------------------------------------------- */

static char *
marker_threshold_text (const ParasolBiomarkerDef *def)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;

  for (guint i = 0; def->thresholds != NULL && i < def->thresholds->len; i++)
    {
      const ParasolMarkerThreshold *t = &g_array_index (def->thresholds, ParasolMarkerThreshold, i);
      g_autofree char *number = parasol_protocol_format_number (t->value);
      const char *op = parasol_compare_to_symbol (t->op);

      switch (t->method)
        {
        case PARASOL_MARKER_METHOD_PERCENT:
          /* Translators: a biomarker threshold: "≥ 50 % of tumour cells" */
          g_ptr_array_add (parts, g_strdup_printf (_("%s %s %% of tumour cells"), op, number));
          break;
        case PARASOL_MARKER_METHOD_HSCORE:
          /* Translators: a biomarker threshold: "H-score ≥ 150" */
          g_ptr_array_add (parts, g_strdup_printf (_("H-score %s %s"), op, number));
          break;
        case PARASOL_MARKER_METHOD_AMPLIFIED:
        default:
          g_ptr_array_add (parts, g_strdup (_("amplified")));
          break;
        }
    }

  if (parts->len == 0)
    return g_strdup (_("No threshold defined"));

  g_ptr_array_add (parts, NULL);
  /* Translators: joins thresholds: "≥ 10 % of tumour cells or amplified" */
  joined = g_strjoinv (_(" or "), (char **) parts->pdata);
  /* Translators: %s is one or more thresholds */
  return g_strdup_printf (_("High at %s"), joined);
}

static char *
marker_value_text (const ParasolBiomarkerResult *r)
{
  g_autofree char *value = parasol_protocol_format_number (r->value);
  g_autofree char *date = g_date_valid (&r->date) ? format_date (&r->date) : NULL;
  g_autofree char *text = NULL;

  switch (r->method)
    {
    case PARASOL_MARKER_METHOD_PERCENT:
      /* Translators: a biomarker result */
      text = g_strdup_printf (_("%s %% of tumour cells (IHC)"), value);
      break;
    case PARASOL_MARKER_METHOD_HSCORE:
      if (isfinite (r->intensity[0]) && isfinite (r->intensity[1]) && isfinite (r->intensity[2]))
        {
          g_autofree char *w = parasol_protocol_format_number (r->intensity[0]);
          g_autofree char *m = parasol_protocol_format_number (r->intensity[1]);
          g_autofree char *s = parasol_protocol_format_number (r->intensity[2]);

          /* Translators: a biomarker result with the staining intensities */
          text = g_strdup_printf (_("H-score %s (weak %s %%, moderate %s %%, strong %s %%)"),
                                  value, w, m, s);
        }
      else
        /* Translators: a biomarker result */
        text = g_strdup_printf (_("H-score %s"), value);
      break;
    case PARASOL_MARKER_METHOD_AMPLIFIED:
    default:
      text = g_strdup (parasol_biomarker_result_is_amplified (r) ? _("Amplified") : _("Not amplified"));
      break;
    }

  if (date == NULL)
    return g_steal_pointer (&text);

  /* Translators: "62 % of tumour cells (IHC), reported 2025-10-12" */
  return g_strdup_printf (_("%s, reported %s"), text, date);
}

static gboolean
str_array_contains (GPtrArray  *array,
                    const char *str)
{
  for (guint i = 0; array != NULL && i < array->len; i++)
    if (g_strcmp0 (g_ptr_array_index (array, i), str) == 0)
      return TRUE;

  return FALSE;
}

static void
build_biomarkers (ParasolPatientPage        *self,
                  const ParasolPatientFacts *facts,
                  const ParasolEligibility  *e,
                  const ParasolAssignment   *a)
{
  GPtrArray *markers = parasol_protocol_get_biomarkers (self->protocol);
  GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *group, *arm_group, *row;
  g_autofree char *proposed = NULL;

  gtk_box_append (self->sections_box, section);
  group = add_group (self, section, _("Biomarkers and Arm"),
                     _("Thresholds are the protocol's defaults and may be configured per site"));

  for (guint i = 0; markers != NULL && i < markers->len; i++)
    {
      const ParasolBiomarkerDef *def = g_ptr_array_index (markers, i);
      const ParasolBiomarkerResult *r = parasol_patient_facts_find_biomarker (facts, def->id);
      g_autofree char *threshold = marker_threshold_text (def);
      g_autofree char *value = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *tag;

      if (r == NULL)
        {
          if (str_array_contains (a->missing, def->id))
            value = g_strdup (_("Not entered, and an arm rule needs it"));
          tag = badge (_("Not tested"), "plain");
        }
      else if (r->pending)
        {
          g_autofree char *date = g_date_valid (&r->date) ? format_date (&r->date) : NULL;

          value = date != NULL
                  /* Translators: %s is a date */
                  ? g_strdup_printf (_("Sent to pathology on %s, no result yet"), date)
                  : g_strdup (_("Sent to pathology, no result yet"));
          tag = badge (_("Pending"), "warning");
        }
      else if (parasol_biomarker_def_is_positive (def, r))
        {
          value = marker_value_text (r);
          /* Translators: a biomarker above its threshold */
          tag = badge (_("High"), "accent");
        }
      else
        {
          value = marker_value_text (r);
          /* Translators: a biomarker below its threshold */
          tag = badge (_("Not high"), "plain");
        }

      subtitle = value != NULL ? g_strdup_printf ("%s\n%s", value, threshold)
                               : g_strdup (threshold);
      row = new_action_row (def->name != NULL ? def->name : def->id, subtitle);
      if (def->configurable && def->note != NULL)
        gtk_widget_set_tooltip_text (row, parasol_protocol_translate (def->note));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  if (markers == NULL || markers->len == 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               note_row ("dialog-information-symbolic", NULL, NULL,
                                         _("The protocol defines no biomarkers"), NULL));

  /* Several arms: never resolved silently */
  if (a->conflict)
    {
      g_autofree char *names = join_arm_names (self->protocol, a->proposed);
      /* Translators: %s lists arms: "DLL3 arm and XPO1 arm" */
      g_autofree char *title = g_strdup_printf (_("Several arms match: %s"), names);

      gtk_box_append (GTK_BOX (section),
                      banner ("dialog-warning-symbolic", "warning", title,
                              _("The protocol does not rank them. The investigator chooses, "
                                "with a reason; the proposal and the choice both go into the "
                                "audit trail.")));
    }

  arm_group = add_group (self, section, NULL, NULL);

  proposed = a->proposed->len > 0 ? join_arm_names (self->protocol, a->proposed) : NULL;
  g_free (self->proposed_arms);
  self->proposed_arms = parasol_assignment_proposed_string (a);

  if (proposed != NULL)
    {
      const ParasolArmDef *def = a->proposed->len == 1
                                 ? parasol_protocol_find_arm (self->protocol,
                                                              g_ptr_array_index (a->proposed, 0))
                                 : NULL;

      row = new_action_row (g_dngettext (GETTEXT_PACKAGE, "Proposed arm", "Proposed arms",
                                         a->proposed->len),
                            def != NULL && def->description != NULL
                            ? parasol_protocol_translate (def->description) : NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (proposed));
    }
  else if (e->verdict == PARASOL_VERDICT_NOT_ELIGIBLE)
    row = note_row ("action-unavailable-symbolic", "dim-label", NULL, _("No arm proposed"),
                    _("No arm is proposed for a patient who is not eligible"));
  else if (a->pending->len > 0 || a->missing->len > 0)
    {
      g_autofree char *candidates = join_arm_names (self->protocol, a->candidates);
      /* Translators: %s lists arms */
      g_autofree char *subtitle = a->candidates->len > 0
                                  ? g_strdup_printf (_("Still possible: %s"), candidates) : NULL;

      row = note_row ("content-loading-symbolic", "warning", _("Waiting"),
                      _("No arm proposed until every marker is back"), subtitle);
    }
  else
    row = new_action_row (_("No arm proposed"), NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (arm_group), row);

  if (a->pending->len > 0)
    {
      g_autofree char *names = join_marker_names (self->protocol, a->pending);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (arm_group),
                                 note_row ("content-loading-symbolic", "warning", _("Pending"),
                                           _("Pending at pathology"), names));
    }
  if (a->missing->len > 0)
    {
      g_autofree char *names = join_marker_names (self->protocol, a->missing);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (arm_group),
                                 note_row ("dialog-question-symbolic", "missing", _("Missing data"),
                                           _("Needed by an arm rule, never entered"), names));
    }

  /* The investigator's decision, when made */
  {
    g_autofree char *assigned = arm_name (self->protocol, facts->arm);

    if (assigned != NULL)
      {
        gboolean as_proposed = parasol_assignment_is_proposed (a, facts->arm);
        const char *subtitle;

        if (as_proposed && !a->conflict)
          subtitle = _("As proposed");
        else if (as_proposed)
          subtitle = _("Chosen among the matching arms");
        else if (a->proposed->len > 0)
          subtitle = _("Differs from the current proposal: the investigator's choice, with a reason");
        else
          subtitle = NULL;

        row = new_action_row (_("Assigned arm"), subtitle);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (assigned));
        if (!as_proposed && a->proposed->len > 0)
          adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                     status_icon ("dialog-warning-symbolic", "warning",
                                                  _("Differs from the proposal")));
      }
    else
      row = new_action_row (_("Assigned arm"), _("Not yet assigned"));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (arm_group), row);
  }

  if (a->trace->len > 0)
    {
      row = new_expander_row (_("How the proposal was made"),
                              _("Each arm rule of the protocol, in order"));
      for (guint i = 0; i < a->trace->len; i++)
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                  text_row (g_ptr_array_index (a->trace, i), NULL));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (arm_group), row);
    }
}

/* ---- Doses ------------------------------------------------------------------------------------- */

static GtkWidget *
dose_row (const ParasolDose *d)
{
  GtkWidget *row, *suffix, *label;
  g_autofree char *days = join_days (d->days);
  g_autofree char *dose = format_amount (d->dose, d->unit);
  g_autoptr(GString) subtitle = g_string_new (NULL);

  g_string_append_printf (subtitle, "%s · ", d->route != NULL ? d->route : "—");
  /* Translators: cycle days a drug is given on: "days 1, 2, 3" */
  g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, "day %s", "days %s",
                                                 d->days ? d->days->len : 0), days);
  if (d->dose_level < 1.0)
    /* Translators: a reduced dose level, "75 % of the full dose" */
    g_string_append_printf (subtitle, _(" · %.0f %% of the full dose"), d->dose_level * 100);
  if (d->tablets != NULL)
    g_string_append_printf (subtitle, " · %s", d->tablets);

  row = new_expander_row (d->name != NULL ? parasol_protocol_translate (d->name) : d->drug,
                          subtitle->str);

  suffix = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  label = value_label (dose);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_tooltip_text (label, d->working);
  gtk_box_append (GTK_BOX (suffix), label);
  if (d->rounded || d->capped)
    {
      g_autofree char *raw = format_amount (round (d->dose_unrounded * 10) / 10, d->unit);
      g_autofree char *text = d->capped
                              /* Translators: the dose before a cap: "calculated 812.5 mg" */
                              ? g_strdup_printf (_("calculated %s, capped"), raw)
                              /* Translators: the dose before rounding */
                              : g_strdup_printf (_("unrounded %s"), raw);

      label = value_label (text);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (suffix), label);
    }
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), suffix);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_row (d->working, "working"));
  if (d->configurable)
    {
      g_autofree char *text = d->note != NULL
                              /* Translators: an open question of the protocol */
                              ? g_strdup_printf (_("Site-configurable: %s"),
                                                 parasol_protocol_translate (d->note))
                              : g_strdup (_("Site-configurable dose and days"));

      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_row (text, "warning"));
    }

  return row;
}

static void
build_doses (ParasolPatientPage          *self,
             const ParasolPatientFacts   *facts,
             const ParasolPatientPlan    *plan,
             const ParasolScheduleCycle  *cycle,
             const char                  *plan_error)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (self->protocol);
  const ParasolDoseSet *set = plan != NULL && cycle != NULL
                              ? parasol_patient_plan_get_doses (plan, cycle->number) : NULL;
  GtkWidget *group;

  if (plan == NULL || cycle == NULL)
    {
      group = add_group (self, NULL, _("Doses"), NULL);
      if (!g_date_valid (&facts->c1d1))
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   note_row ("x-office-calendar-symbolic", "dim-label", NULL,
                                             _("No doses yet"),
                                             _("Doses are calculated for each cycle once the "
                                               "patient is enrolled with a cycle 1 day 1")));
      else
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                             _("Doses cannot be calculated"), plan_error));
      return;
    }

  {
    g_autofree char *day1 = format_date (&cycle->start);
    g_autofree char *title = g_strdup_printf (_("Doses for Cycle %d"), cycle->number);
    /* Translators: "Induction, day 1 on 2025-10-30: calculated on that day" */
    g_autofree char *description =
      g_strdup_printf (_("%s, day 1 on %s; calculated with the patient's data on that day"),
                       cycle->phase == PARASOL_PHASE_MAINTENANCE ? _("Maintenance") : _("Induction"),
                       day1);

    group = add_group (self, NULL, title, description);
  }

  if (set == NULL)
    {
      for (guint i = 0; i < plan->warnings->len; i++)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                             g_ptr_array_index (plan->warnings, i), NULL));
      if (plan->warnings->len == 0)
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                             _("Doses cannot be calculated"), NULL));
      return;
    }

  /* What the doses rest on */
  {
    g_autofree char *bsa = format_fixed (set->bsa_m2, 2, "m²");
    g_autofree char *crcl = format_fixed (set->crcl_ml_min, 1, "mL/min");
    g_autofree char *gfr = format_fixed (set->gfr_used_ml_min, 1, "mL/min");
    g_autofree char *crcl_sub = NULL;
    g_autofree char *gfr_sub = NULL;
    g_autofree char *bsa_sub = NULL;
    ParasolPatientDosing pd;
    GDate wd = parasol_patient_weight_date (self->store, self->patient_id);
    GtkWidget *row;

    if (set->bsa_uncapped_m2 > set->bsa_m2 + 1e-9)
      /* Translators: BSA capped from its calculated value */
      bsa_sub = g_strdup_printf (_("Mosteller or DuBois as configured; capped from %.2f m²"),
                                 set->bsa_uncapped_m2);
    row = new_action_row (_("Body surface area"), bsa_sub);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (bsa));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

    if (isfinite (set->crcl_weight_kg))
      /* Translators: the weight that went into Cockcroft-Gault */
      crcl_sub = g_strdup_printf (_("Cockcroft-Gault with %.1f kg"), set->crcl_weight_kg);
    row = new_action_row (_("Creatinine clearance"), crcl_sub);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (crcl));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

    if (regimen != NULL && regimen->gfr_cap_ml_min > 0)
      /* Translators: the Calvert GFR cap */
      gfr_sub = g_strdup_printf (_("For Calvert, capped at %.0f mL/min"), regimen->gfr_cap_ml_min);
    row = new_action_row (_("GFR used"), gfr_sub);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label (gfr));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

    for (guint i = 0; i < set->doses->len; i++)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 dose_row (g_ptr_array_index (set->doses, i)));

    for (guint i = 0; i < set->warnings->len; i++)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                           g_ptr_array_index (set->warnings, i), NULL));

    if (regimen != NULL &&
        parasol_patient_dosing_init (&pd, facts, regimen, &cycle->start, &wd, NULL))
      {
        g_autofree char *warning = parasol_patient_dosing_weight_warning (&pd, regimen);

        if (warning != NULL)
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                               warning, NULL));
      }
  }
}

/* ---- Cycle calendar ---------------------------------------------------------------------------- */

typedef struct {
  ParasolDoseStatus  status;
  double             given;
  const char        *reason;
  GString           *days;
} DoseRun;

/* One line per run of days with the same outcome: "Given 200 mg on days 1, 2, 3" */
static char *
drug_outcome_text (const ParasolScheduleCycle *c,
                   const char                 *drug)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) runs = g_array_new (FALSE, TRUE, sizeof (DoseRun));

  for (guint i = 0; i < c->doses->len; i++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c->doses, i);
      DoseRun *run = NULL;

      if (g_strcmp0 (d->drug, drug) != 0)
        continue;

      for (guint k = 0; k < runs->len; k++)
        {
          DoseRun *r = &g_array_index (runs, DoseRun, k);

          if (r->status == d->status && g_strcmp0 (r->reason, d->reason) == 0 &&
              ((isnan (r->given) && isnan (d->given_dose)) || r->given == d->given_dose))
            run = r;
        }
      if (run == NULL)
        {
          DoseRun fresh = { d->status, d->given_dose, d->reason, g_string_new (NULL) };

          g_array_append_val (runs, fresh);
          run = &g_array_index (runs, DoseRun, runs->len - 1);
        }
      g_string_append_printf (run->days, "%s%d", run->days->len > 0 ? ", " : "", d->cycle_day);
    }

  for (guint k = 0; k < runs->len; k++)
    {
      DoseRun *r = &g_array_index (runs, DoseRun, k);
      g_autofree char *given = NULL;

      if (text->len > 0)
        g_string_append_c (text, '\n');

      switch (r->status)
        {
        case PARASOL_DOSE_STATUS_GIVEN:
          given = format_amount (r->given, NULL);
          /* Translators: "Given 200 on days 1, 2, 3" (the unit is in the row title) */
          g_string_append_printf (text, _("Given %s on days %s"), given, r->days->str);
          break;
        case PARASOL_DOSE_STATUS_REDUCED:
          given = format_amount (r->given, NULL);
          /* Translators: "Reduced: 150 on day 1" */
          g_string_append_printf (text, _("Reduced: %s on days %s"), given, r->days->str);
          break;
        case PARASOL_DOSE_STATUS_SKIPPED:
          /* Translators: "Skipped on days 2, 3" */
          g_string_append_printf (text, _("Skipped on days %s"), r->days->str);
          break;
        case PARASOL_DOSE_STATUS_PLANNED:
        default:
          /* Translators: "Planned on days 1, 2, 3" */
          g_string_append_printf (text, _("Planned on days %s"), r->days->str);
          break;
        }
      if (r->reason != NULL && *r->reason != '\0')
        g_string_append_printf (text, " — %s", r->reason);
      g_string_free (r->days, TRUE);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
cycle_row (const ParasolScheduleCycle *c,
           const ParasolDoseSet       *set,
           gboolean                    is_next)
{
  g_autofree char *title = g_strdup_printf (_("Cycle %d"), c->number);
  g_autofree char *day1 = format_date (&c->start);
  g_autofree char *from = format_date (&c->window_start);
  g_autofree char *to = format_date (&c->window_end);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GPtrArray) drugs = g_ptr_array_new ();
  gboolean any_flagged = FALSE, any_reduced = FALSE;
  GtkWidget *row;

  /* Translators: "Induction · day 1 2025-10-30 · window 2025-10-27 to 2025-11-02" */
  g_string_append_printf (subtitle, _("%s · day 1 %s · window %s to %s"),
                          c->phase == PARASOL_PHASE_MAINTENANCE ? _("Maintenance") : _("Induction"),
                          day1, from, to);
  if (c->delay_days > 0)
    g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, " · %d day after the plan",
                                                   " · %d days after the plan", c->delay_days),
                            c->delay_days);
  else if (c->delay_days < 0)
    g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, " · %d day before the plan",
                                                   " · %d days before the plan", -c->delay_days),
                            -c->delay_days);
  if (c->reason != NULL && *c->reason != '\0')
    g_string_append_printf (subtitle, "\n%s", c->reason);

  row = new_expander_row (title, subtitle->str);
  gtk_widget_add_css_class (row, "cycle-row");

  /* One row per drug, in the order the calendar lists them */
  for (guint i = 0; i < c->doses->len; i++)
    {
      const ParasolScheduledDose *d = g_ptr_array_index (c->doses, i);
      gboolean seen = FALSE;

      for (guint k = 0; k < drugs->len && !seen; k++)
        seen = g_strcmp0 (g_ptr_array_index (drugs, k), d->drug) == 0;
      if (!seen)
        g_ptr_array_add (drugs, d->drug);
      any_flagged |= d->flagged;
      any_reduced |= d->status == PARASOL_DOSE_STATUS_REDUCED;
    }

  for (guint k = 0; k < drugs->len; k++)
    {
      const char *drug = g_ptr_array_index (drugs, k);
      const ParasolDose *calc = set != NULL ? parasol_dose_set_find (set, drug) : NULL;
      const ParasolScheduledDose *first = NULL;
      g_autofree char *outcome = drug_outcome_text (c, drug);
      g_autofree char *dose_title = NULL;
      GtkWidget *drug_row;
      gboolean flagged = FALSE;

      for (guint i = 0; i < c->doses->len; i++)
        {
          const ParasolScheduledDose *d = g_ptr_array_index (c->doses, i);

          if (g_strcmp0 (d->drug, drug) != 0)
            continue;
          if (first == NULL)
            first = d;
          flagged |= d->flagged;
        }

      if (calc != NULL)
        {
          g_autofree char *planned = format_amount (calc->dose, calc->unit);

          /* Translators: "Etoposide, planned 200 mg" */
          dose_title = g_strdup_printf (_("%s, planned %s"),
                                        parasol_protocol_translate (first->name), planned);
        }
      else
        dose_title = g_strdup (parasol_protocol_translate (first->name));

      drug_row = new_action_row (dose_title, outcome);
      gtk_widget_add_css_class (drug_row, "dose-outcome");
      if (flagged)
        adw_action_row_add_suffix (ADW_ACTION_ROW (drug_row),
                                   status_icon ("dialog-warning-symbolic", "warning",
                                                _("Outside the tolerance of the calculated dose")));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), drug_row);
    }

  if (drugs->len == 0)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_row (_("No drug in this cycle"),
                                                                "dim-label"));

  /* Badges: colour only where it means something; the usual states are plain text */
  if (is_next)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), badge (_("Next"), "accent"));
  if (c->deviation)
    {
      GtkWidget *b = badge (_("Deviation"), "error");

      gtk_widget_set_tooltip_text (b, c->reason != NULL ? c->reason
                                                        : _("Started outside its window"));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), b);
    }
  if (any_reduced)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), badge (_("Reduced"), "warning"));
  if (any_flagged)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), badge (_("Flagged"), "warning"));
  if (c->status == PARASOL_CYCLE_DELAYED)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 badge (parasol_cycle_status_to_label (c->status), "warning"));
  else if (!is_next)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 badge (parasol_cycle_status_to_label (c->status), "plain"));

  return row;
}

static gboolean reload_idle (gpointer user_data);

static void
on_show_all_cycles (ParasolPatientPage *self)
{
  /* Not from inside the row's own signal: the rebuild destroys it */
  self->show_all_cycles = TRUE;
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (reload_idle, self);
}

static void
build_calendar (ParasolPatientPage         *self,
                const ParasolPatientFacts  *facts,
                const ParasolPatientPlan   *plan,
                const ParasolScheduleCycle *next,
                const char                 *plan_error)
{
  const ParasolRegimen *regimen = parasol_protocol_get_regimen (self->protocol);
  GtkWidget *group;
  guint planned_shown = 0, planned_hidden = 0;
  const ParasolScheduleCycle *last_hidden = NULL;

  self->n_cycle_rows = 0;

  if (plan == NULL)
    {
      group = add_group (self, NULL, _("Cycle Calendar"), NULL);
      if (!g_date_valid (&facts->c1d1))
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   note_row ("x-office-calendar-symbolic", "dim-label", NULL,
                                             _("No calendar yet"),
                                             has_status (facts, PARASOL_PATIENT_STATUS_SCREEN_FAILED)
                                             ? _("The patient did not enter treatment")
                                             : _("The calendar starts from cycle 1 day 1, set at "
                                                 "enrolment")));
      else
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                             _("The calendar cannot be built"), plan_error));
      return;
    }

  {
    const ParasolSchedule *s = plan->schedule;
    g_autofree char *c1d1 = format_date (&s->c1d1);
    g_autofree char *description = NULL;

    if (s->maintenance_cycle_days != s->induction_cycle_days)
      /* Translators: "From C1D1 2025-10-30; 4 induction cycles of 21 days, then maintenance cycles of 28 days" */
      description = g_strdup_printf (_("From C1D1 %s; %d induction cycles of %d days, then "
                                       "maintenance cycles of %d days"),
                                     c1d1, regimen->induction_cycles, s->induction_cycle_days,
                                     s->maintenance_cycle_days);
    else
      description = g_strdup_printf (_("From C1D1 %s; %d induction cycles, then maintenance, "
                                       "every %d days"),
                                     c1d1, regimen->induction_cycles, s->induction_cycle_days);
    group = add_group (self, NULL, _("Cycle Calendar"), description);
  }

  /* The start-of-cycle check for the next cycle */
  if (next != NULL)
    {
      g_autofree char *message = NULL;
      g_autofree char *title = g_strdup_printf (_("Cycle %d start check"), next->number);
      ParasolStartVerdict verdict = parasol_schedule_check_start (regimen, facts, &next->start,
                                                                  &message);
      const char *icon, *css, *label;

      switch (verdict)
        {
        case PARASOL_START_OK:
          icon = "object-select-symbolic";
          css = "met";
          label = _("Can start");
          break;
        case PARASOL_START_DELAY:
          icon = "window-close-symbolic";
          css = "not-met";
          label = _("Delay");
          break;
        case PARASOL_START_NEED_LABS:
        default:
          icon = "dialog-question-symbolic";
          css = "missing";
          label = _("Labs needed");
          break;
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 note_row (icon, css, label, title, message));
    }

  if (plan->schedule->discontinuation_proposed)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               note_row ("dialog-warning-symbolic", "not-met", _("Warning"),
                                         _("Discontinuation proposed"),
                                         plan->schedule->discontinuation_reason));

  /* Deviations and other notes: each cycle shows its own; here they are together, folded */
  if (plan->schedule->warnings->len > 0)
    {
      guint n = plan->schedule->warnings->len;
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%u deviation or note",
                                                             "%u deviations or notes", n), n);
      GtkWidget *row = new_expander_row (title, _("Recorded reasons are part of the audit trail"));

      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row),
                                   status_icon ("dialog-warning-symbolic", "warning", _("Warning")));
      for (guint i = 0; i < n; i++)
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                                  text_row (g_ptr_array_index (plan->schedule->warnings, i), NULL));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  for (guint i = 0; i < plan->warnings->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               note_row ("dialog-warning-symbolic", "warning", _("Warning"),
                                         g_ptr_array_index (plan->warnings, i), NULL));

  for (guint i = 0; i < plan->schedule->cycles->len; i++)
    {
      const ParasolScheduleCycle *c = g_ptr_array_index (plan->schedule->cycles, i);

      if (c->status == PARASOL_CYCLE_PLANNED && !self->show_all_cycles &&
          planned_shown >= PLANNED_CYCLES_SHOWN)
        {
          planned_hidden++;
          last_hidden = c;
          continue;
        }
      if (c->status == PARASOL_CYCLE_PLANNED)
        planned_shown++;

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 cycle_row (c, parasol_patient_plan_get_doses (plan, c->number),
                                            c == next));
      self->n_cycle_rows++;
    }

  if (planned_hidden > 0)
    {
      g_autofree char *until = format_date (&last_hidden->start);
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Show %u more planned cycle",
                                                             "Show %u more planned cycles",
                                                             planned_hidden), planned_hidden);
      /* Translators: %s is a date */
      g_autofree char *subtitle = g_strdup_printf (_("Until %s"), until);
      GtkWidget *row = new_action_row (title, subtitle);
      GtkWidget *icon = gtk_image_new_from_icon_name ("go-down-symbolic");

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_show_all_cycles), self,
                               G_CONNECT_SWAPPED);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

/* ---- Reload ------------------------------------------------------------------------------------ */

static void
clear_sections (ParasolPatientPage *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->criterion_rows, 0);
  self->inclusion_empty_row = NULL;
  self->exclusion_empty_row = NULL;
  self->verdict_label = NULL;
  self->n_cycle_rows = 0;
  g_clear_pointer (&self->proposed_arms, g_free);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_box))) != NULL)
    gtk_box_remove (self->sections_box, child);
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
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_error = NULL;
  const ParasolScheduleCycle *next = NULL;
  const ParasolScheduleCycle *dose_cycle = NULL;
  const ParasolRegimen *regimen;
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double scroll = gtk_adjustment_get_value (vadj);

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

  clear_sections (self);
  fill_header (self, facts);

  eligibility = parasol_eligibility_evaluate (self->protocol, facts, NULL);
  assignment = parasol_assignment_propose (self->protocol, facts, eligibility->verdict);
  self->verdict = eligibility->verdict;

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

  build_eligibility (self, eligibility, facts);
  build_biomarkers (self, facts, eligibility, assignment);
  if (has_status (facts, PARASOL_PATIENT_STATUS_SCREEN_FAILED) && plan == NULL)
    {
      GtkWidget *group = add_group (self, NULL, _("Treatment"), NULL);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 note_row ("action-unavailable-symbolic", "dim-label", NULL,
                                           _("No doses and no calendar"),
                                           _("The patient failed screening and did not enter "
                                             "treatment")));
    }
  else if (regimen != NULL)
    {
      build_doses (self, facts, plan, dose_cycle, plan_error);
      build_calendar (self, facts, plan, next, plan_error);
    }

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

  g_ptr_array_set_size (self->criterion_rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_PATIENT_PAGE);

  g_clear_object (&self->store);
  g_clear_object (&self->protocol);

  G_OBJECT_CLASS (parasol_patient_page_parent_class)->dispose (object);
}

static void
parasol_patient_page_finalize (GObject *object)
{
  ParasolPatientPage *self = PARASOL_PATIENT_PAGE (object);

  g_clear_pointer (&self->criterion_rows, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->proposed_arms, g_free);

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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PARASOL_TYPE_STATUS_PILL);

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
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, sex_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, age_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, site_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, arm_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, ici_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, c1d1_value);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, sections_box);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientPage, error_page);
}

static void
parasol_patient_page_init (ParasolPatientPage *self)
{
  self->criterion_rows = g_ptr_array_new ();
  self->verdict = PARASOL_VERDICT_INCOMPLETE;

  gtk_widget_init_template (GTK_WIDGET (self));
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
  self->show_all_cycles = FALSE;
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
  self->show_all_cycles = FALSE;
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

  return self->verdict_label != NULL ? gtk_label_get_label (self->verdict_label) : NULL;
}

ParasolVerdict
parasol_patient_page_get_verdict (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), PARASOL_VERDICT_INCOMPLETE);

  return self->verdict;
}

GPtrArray *
parasol_patient_page_get_criterion_rows (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), NULL);

  return self->criterion_rows;
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

  return self->proposed_arms != NULL ? self->proposed_arms : "";
}

guint
parasol_patient_page_get_n_cycle_rows (ParasolPatientPage *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_PAGE (self), 0);

  return self->n_cycle_rows;
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
  apply_filter (self);
}
