/* parasol-patient-list-cells.c — the cells of the patient table: one factory per column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-patient-list-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "parasol-patient.h"
#include "parasol-patient-list.h"
#include "parasol-patient-list-cells-private.h"
#include "parasol-protocol.h"
#include "parasol-status-pill.h"

/* Presentation only: the values come from ParasolPatient. */

#define PLACEHOLDER "—"

static gboolean
is_empty (const char *value)
{
  return value == NULL || *value == '\0';
}

static const char *
sex_label (const char *sex)
{
  if (is_empty (sex))
    return PLACEHOLDER;
  if (g_ascii_strcasecmp (sex, "female") == 0 || g_ascii_strcasecmp (sex, "F") == 0)
    /* Translators: sex in the patient table, keep it short */
    return C_("sex", "Female");
  if (g_ascii_strcasecmp (sex, "male") == 0 || g_ascii_strcasecmp (sex, "M") == 0)
    /* Translators: sex in the patient table, keep it short */
    return C_("sex", "Male");

  return sex;
}

/* Cells.  Each column has a GtkSignalListItemFactory: a label (or a status pill) filled on
 * bind from the row's ParasolPatient.  Items are immutable snapshots; a changed patient is a
 * new item, so there is nothing to watch and bind is all it takes. */

typedef enum {
  CELL_TEXT,      /* the value as it is */
  CELL_OPTIONAL,  /* the value, or a faint dash */
  CELL_SEX,       /* translated, or a faint dash */
  CELL_ARM,       /* the protocol's arm name, or a faint dash */
} CellKind;

typedef struct {
  CellKind     kind;
  const char *(*get) (ParasolPatient *patient);
  gboolean     numeric;
} CellSpec;

static const CellSpec screening_cell = { CELL_TEXT, parasol_patient_get_screening_number, TRUE };
static const CellSpec subject_cell = { CELL_OPTIONAL, parasol_patient_get_subject_number, TRUE };
static const CellSpec initials_cell = { CELL_TEXT, parasol_patient_get_initials, FALSE };
static const CellSpec sex_cell = { CELL_SEX, parasol_patient_get_sex, FALSE };
static const CellSpec birth_date_cell = { CELL_OPTIONAL, parasol_patient_get_birth_date, TRUE };
static const CellSpec site_cell = { CELL_OPTIONAL, parasol_patient_get_site, FALSE };
static const CellSpec arm_cell = { CELL_ARM, parasol_patient_get_arm, FALSE };

static void
label_cell_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  const CellSpec *spec = g_object_get_data (G_OBJECT (factory), "cell-spec");
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (spec->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static const char *
arm_display_name (ParasolPatientListView *self,
                  const char             *arm)
{
  const ParasolArmDef *def;

  if (is_empty (arm) || self->protocol == NULL)
    return arm;
  def = parasol_protocol_find_arm (self->protocol, arm);

  return def != NULL && def->name != NULL ? parasol_protocol_translate (def->name) : arm;
}

/* How the patient's treatment went, from core, when the model is the trial's patient list. */
static const ParasolCourse *
patient_course (ParasolPatientListView *self,
                ParasolPatient         *patient)
{
  if (self->model == NULL || !PARASOL_IS_PATIENT_LIST (self->model) || self->course_tick != 0)
    return NULL;

  return parasol_patient_list_get_course (PARASOL_PATIENT_LIST (self->model), self->protocol,
                                          patient);
}

static char *
format_day (const GDate *date)
{
  char buf[16];

  return g_strdup (parasol_date_format (date, buf, sizeof buf));
}

/* "Died 2026-05-03 · PD · 2 not recorded" in the cell; with @spoken, the words a screen reader
 * says and the tooltip shows: "died on 2026-05-03, last response PD, 2 doses not recorded".
 * NULL when there is nothing to say. */
static char *
course_text (const ParasolCourse *course,
             gboolean             spoken)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (course == NULL)
    return NULL;

  if (course->dead)
    {
      g_autofree char *day = format_day (&course->death_date);

      if (!g_date_valid (&course->death_date))
        /* Translators: in the patient table, a death without its date */
        g_ptr_array_add (parts, g_strdup (spoken ? _("died, date not recorded") : _("Died")));
      else
        /* Translators: in the patient table: "Died 2026-05-03" */
        g_ptr_array_add (parts, g_strdup_printf (spoken ? _("died on %s") : _("Died %s"), day));
    }
  else if (course->ended)
    {
      g_autofree char *day = format_day (&course->end_date);

      if (!g_date_valid (&course->end_date))
        /* Translators: in the patient table, an end of treatment without its date */
        g_ptr_array_add (parts, g_strdup (spoken ? _("treatment ended, date not recorded")
                                                 : _("Ended")));
      else
        /* Translators: in the patient table: "Ended 2026-03-12", the end of treatment */
        g_ptr_array_add (parts, g_strdup_printf (spoken ? _("treatment ended on %s")
                                                        : _("Ended %s"), day));
      if (spoken && course->end_reason != NULL)
        g_ptr_array_add (parts, g_strdup (course->end_reason));
    }

  if (course->last_response != NULL)
    g_ptr_array_add (parts, spoken
                            /* Translators: "last response PR", RECIST 1.1 */
                            ? g_strdup_printf (_("last response %s"), course->last_response)
                            : g_strdup (course->last_response));

  if (course->n_not_recorded > 0)
    g_ptr_array_add (parts, g_strdup_printf (spoken
                                             /* Translators: past doses never recorded, in the patient table */
                                             ? g_dngettext (GETTEXT_PACKAGE, "%u dose not recorded",
                                                            "%u doses not recorded",
                                                            course->n_not_recorded)
                                             /* Translators: past doses never recorded, in the patient table; keep it short */
                                             : g_dngettext (GETTEXT_PACKAGE, "%u not recorded",
                                                            "%u not recorded",
                                                            course->n_not_recorded),
                                             course->n_not_recorded));

  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);

  /* Translators: between the parts of the Course cell, "Died 2026-05-03 · PD" */
  return g_strjoinv (spoken ? _(", ") : _(" · "), (char **) parts->pdata);
}

char *
parasol_patient_list_view_dup_course_text (ParasolPatientListView *self,
                                           ParasolPatient         *patient)
{
  if (self->model == NULL || !PARASOL_IS_PATIENT_LIST (self->model))
    return NULL;

  return course_text (parasol_patient_list_get_course (PARASOL_PATIENT_LIST (self->model),
                                                       self->protocol, patient),
                      FALSE);
}

char *
parasol_patient_list_view_long_course_text (void)
{
  ParasolCourse course = { 0 };

  course.ended = TRUE;
  course.dead = TRUE;
  g_date_clear (&course.death_date, 1);
  g_date_set_dmy (&course.death_date, 28, G_DATE_DECEMBER, 2026);
  g_date_clear (&course.end_date, 1);
  course.last_response = (char *) "PD";
  course.n_not_recorded = 12;

  return course_text (&course, FALSE);
}

/* @text casefolded, each run of digits made one "0": "Died 2026-05-03" and "died 1999-1-2"
 * look the same. */
static char *
course_shape (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *shape = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      {
        if (p == folded || !g_ascii_isdigit (p[-1]))
          g_string_append_c (shape, '0');
      }
    else
      g_string_append_c (shape, *p);

  return g_string_free (shape, FALSE);
}

gboolean
parasol_patient_list_view_course_may_hold (const char *folded)
{
  static const char *const responses[] = { "CR", "PR", "SD", "PD", "NE" };
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *word = NULL;
  g_autofree char *day = NULL;
  GDate date;

  if (folded == NULL || *folded == '\0')
    return FALSE;

  /* Every part a Course cell can show, with a made-up date and counts. */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 3, G_DATE_MAY, 2026);
  day = format_day (&date);
  g_ptr_array_add (texts, g_strdup (_("Died")));
  g_ptr_array_add (texts, g_strdup_printf (_("Died %s"), day));
  g_ptr_array_add (texts, g_strdup (_("Ended")));
  g_ptr_array_add (texts, g_strdup_printf (_("Ended %s"), day));
  for (guint n = 1; n <= 2; n++)
    g_ptr_array_add (texts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u not recorded",
                                                          "%u not recorded", n), n));
  for (guint i = 0; i < G_N_ELEMENTS (responses); i++)
    g_ptr_array_add (texts, g_strdup (responses[i]));

  word = course_shape (folded);
  for (guint i = 0; i < texts->len; i++)
    {
      g_autofree char *shape = course_shape (g_ptr_array_index (texts, i));

      if (strstr (shape, word) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* GTK 4.8 names a row of a GtkColumnView after its widget class: give the row (the cell's
 * parent) what a screen reader should say, "S-0004, LSD, On treatment, Control arm". */
static void
name_row (ParasolPatientListView *self,
          GtkWidget              *cell_child,
          ParasolPatient         *patient)
{
  GtkWidget *cell = gtk_widget_get_parent (cell_child);
  GtkWidget *row = cell != NULL ? gtk_widget_get_parent (cell) : NULL;
  g_autoptr(GString) name = NULL;
  const char *arm;

  if (row == NULL)
    return;

  name = g_string_new (parasol_patient_get_screening_number (patient));
  if (!is_empty (parasol_patient_get_initials (patient)))
    g_string_append_printf (name, ", %s", parasol_patient_get_initials (patient));
  g_string_append_printf (name, ", %s", parasol_patient_get_status_label (patient));
  arm = arm_display_name (self, parasol_patient_get_arm (patient));
  if (!is_empty (arm))
    g_string_append_printf (name, ", %s", arm);
  {
    g_autofree char *course = course_text (patient_course (self, patient), TRUE);

    if (course != NULL)
      g_string_append_printf (name, ", %s", course);
  }

  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str,
                                  -1);
}

static void
label_cell_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ParasolPatientListView   *self)
{
  const CellSpec *spec = g_object_get_data (G_OBJECT (factory), "cell-spec");
  ParasolPatient *patient = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *value = spec->get (patient);
  const char *text = value;

  if (spec->kind == CELL_SEX)
    text = sex_label (value);
  else if (spec->kind == CELL_ARM && !is_empty (value) && self->protocol != NULL)
    {
      const ParasolArmDef *def = parasol_protocol_find_arm (self->protocol, value);

      if (def != NULL && def->name != NULL)
        text = parasol_protocol_translate (def->name);
    }

  /* The row reads as the patient, not "GtkListItemWidget": named from its first column. */
  if (spec == &screening_cell)
    name_row (self, label, patient);

  if (spec->kind != CELL_TEXT && is_empty (value))
    {
      /* A faint dash, so that the values stand out. */
      gtk_label_set_label (GTK_LABEL (label), PLACEHOLDER);
      gtk_widget_set_opacity (label, 0.45);
    }
  else
    {
      gtk_label_set_label (GTK_LABEL (label), text != NULL ? text : "");
      gtk_widget_set_opacity (label, 1.0);
    }
}

static void
status_cell_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, parasol_status_pill_new ());
}

static void
status_cell_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  ParasolPatient *patient = gtk_list_item_get_item (list_item);
  ParasolStatusPill *pill = PARASOL_STATUS_PILL (gtk_list_item_get_child (list_item));
  ParasolPatientStatus status;

  if (parasol_patient_status_from_string (parasol_patient_get_status (patient), &status))
    parasol_status_pill_set_patient_status (pill, status);
  else
    {
      parasol_status_pill_set_status (pill, parasol_patient_get_status (patient));
      parasol_status_pill_set_label (pill, parasol_patient_get_status_label (patient));
    }
}

static void
course_cell_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  ParasolPatientListView   *self)
{
  ParasolPatient *patient = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const ParasolCourse *course = patient_course (self, patient);
  g_autofree char *text = course_text (course, FALSE);
  g_autofree char *spoken = course_text (course, TRUE);

  gtk_label_set_label (GTK_LABEL (label), text != NULL ? text : "");
  /* GTK 4.8 asks the X server where the pointer is on every call: for a first screenful of
   * rows before the first frame (courses not worked out yet, no tooltip) that is a round trip
   * per row for nothing. */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (label), spoken) != 0)
    gtk_widget_set_tooltip_text (label, spoken);
  /* The row's name again, now with the course (the screening cell named it without). */
  if (course != NULL)
    name_row (self, label, patient);
  if (course != NULL && course->n_not_recorded > 0)
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_remove_css_class (label, "warning");
  if (self->course_tick != 0)
    g_hash_table_add (self->course_cells, list_item);
}

static void
course_cell_unbind (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    ParasolPatientListView   *self)
{
  g_hash_table_remove (self->course_cells, list_item);
}

/* Setting a factory (again) rebinds every visible cell of the column. */
static void
set_label_factory (ParasolPatientListView *self,
                   GtkColumnViewColumn    *column,
                   const CellSpec         *spec)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "cell-spec", (gpointer) spec);
  g_signal_connect (factory, "setup", G_CALLBACK (label_cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (label_cell_bind), self);
  gtk_column_view_column_set_factory (column, factory);
}

static const CellSpec course_cell = { CELL_TEXT, NULL, FALSE };

static void
set_course_factory (ParasolPatientListView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "cell-spec", (gpointer) &course_cell);
  g_signal_connect (factory, "setup", G_CALLBACK (label_cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (course_cell_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (course_cell_unbind), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (course_cell_unbind), self);
  gtk_column_view_column_set_factory (self->course_column, factory);
}

void
parasol_patient_list_view_set_cell_factories (ParasolPatientListView *self)
{
  g_autoptr(GtkListItemFactory) status_factory = gtk_signal_list_item_factory_new ();

  set_label_factory (self, self->screening_column, &screening_cell);
  set_label_factory (self, self->subject_column, &subject_cell);
  set_label_factory (self, self->initials_column, &initials_cell);
  set_label_factory (self, self->sex_column, &sex_cell);
  set_label_factory (self, self->birth_date_column, &birth_date_cell);
  set_label_factory (self, self->site_column, &site_cell);
  set_label_factory (self, self->arm_column, &arm_cell);
  set_course_factory (self);

  g_signal_connect (status_factory, "setup", G_CALLBACK (status_cell_setup), NULL);
  g_signal_connect (status_factory, "bind", G_CALLBACK (status_cell_bind), NULL);
  gtk_column_view_column_set_factory (self->status_column, status_factory);
}

/* Rebinds the visible arm cells with the protocol's names, and the courses with its calendar. */
void
parasol_patient_list_view_rebind_protocol_cells (ParasolPatientListView *self)
{
  set_label_factory (self, self->arm_column, &arm_cell);
  set_course_factory (self);
}

/* Binds @list_item's Course cell again, once the courses no longer wait. */
void
parasol_patient_list_view_bind_course_cell (ParasolPatientListView *self,
                                            GtkListItem            *list_item)
{
  course_cell_bind (NULL, list_item, self);
}
