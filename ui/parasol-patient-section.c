/* parasol-patient-section.c — the section interface of the patient page, and its helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-patient-section"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "parasol-patient-section.h"

G_DEFINE_INTERFACE (ParasolPatientSection, parasol_patient_section, GTK_TYPE_WIDGET)

static void
parasol_patient_section_default_init (ParasolPatientSectionInterface *iface)
{
}

void
parasol_patient_section_update (ParasolPatientSection       *self,
                                const ParasolPatientContext *context)
{
  g_return_if_fail (PARASOL_IS_PATIENT_SECTION (self));

  PARASOL_PATIENT_SECTION_GET_IFACE (self)->update (self, context);
}

void
parasol_section_add_row (AdwPreferencesGroup *group,
                         GtkWidget           *row,
                         GPtrArray           *added)
{
  g_object_set_data (G_OBJECT (row), "parasol-section-group", group);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (added, row);
}

void
parasol_section_remove_rows (GPtrArray *added)
{
  for (guint i = 0; i < added->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (added, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "parasol-section-group"),
                                    row);
    }
  g_ptr_array_set_size (added, 0);
}

/* ---- Formatting ------------------------------------------------------------------------------ */

char *
parasol_section_format_date (const GDate *date)
{
  char buf[16];

  if (date == NULL || !g_date_valid (date))
    return g_strdup ("—");

  return g_strdup (parasol_date_format (date, buf, sizeof buf));
}

gboolean
parasol_section_has_status (const ParasolPatientFacts *facts,
                            ParasolPatientStatus       status)
{
  ParasolPatientStatus value;

  return parasol_patient_status_from_string (facts->status, &value) && value == status;
}

static const char *
superscript_digit (char c)
{
  static const char *digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };

  return c >= '0' && c <= '9' ? digits[c - '0'] : "";
}

/* "200 mg", "8 × 10⁸ cells": the number as the engine gave it, for people */
char *
parasol_section_format_amount (double      value,
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
char *
parasol_section_format_fixed (double      value,
                              int         decimals,
                              const char *unit)
{
  if (!isfinite (value))
    return g_strdup ("—");

  return g_strdup_printf ("%.*f %s", decimals, value, unit);
}

char *
parasol_section_arm_name (ParasolProtocol *protocol,
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

char *
parasol_section_join_arm_names (ParasolProtocol *protocol,
                                GPtrArray       *arm_ids)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; arm_ids != NULL && i < arm_ids->len; i++)
    g_ptr_array_add (names, parasol_section_arm_name (protocol, g_ptr_array_index (arm_ids, i)));

  return join_names (names);
}

char *
parasol_section_join_marker_names (ParasolProtocol *protocol,
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

/* ---- Rows --------------------------------------------------------------------------------------- */

GtkWidget *
parasol_section_action_row (const char *title,
                            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  return row;
}

GtkWidget *
parasol_section_expander_row (const char *title,
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
GtkWidget *
parasol_section_status_icon (const char *icon_name,
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

GtkWidget *
parasol_section_badge (const char *text,
                       const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "badge");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);

  return label;
}

GtkWidget *
parasol_section_value_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "row-value");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* A value to read and copy, not a Tab stop. */
  gtk_widget_set_focusable (label, FALSE);

  return label;
}

GtkWidget *
parasol_section_text_row (const char *text,
                          const char *css_class)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* A value to read and copy, not a Tab stop. */
  gtk_widget_set_focusable (label, FALSE);
  gtk_widget_add_css_class (label, "detail-text");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);

  return row;
}

/* A row with an icon, for warnings and notes */
GtkWidget *
parasol_section_note_row (const char *icon_name,
                          const char *css_class,
                          const char *icon_label,
                          const char *title,
                          const char *subtitle)
{
  GtkWidget *row = parasol_section_action_row (title, subtitle);

  adw_action_row_add_prefix (ADW_ACTION_ROW (row), parasol_section_status_icon (icon_name, css_class, icon_label));
  return row;
}
