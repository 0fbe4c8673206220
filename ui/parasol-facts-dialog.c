/* parasol-facts-dialog.c — the screening facts the rules read, entered from the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-facts-dialog"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "parasol-facts-dialog.h"
#include "parasol-input.h"

enum {
  FIELD_ECOG,
  FIELD_HEIGHT,
  FIELD_WEIGHT,
  FIELD_CBP,
  FIELD_TRANSFUSION,
  FIELD_REASON,
  N_FIELDS
};

/* The store's field names, in the order above */
static const char *const field_names[N_FIELDS] = {
  "ecog", "height_cm", "weight_kg", "childbearing_potential", "last_transfusion", "reason"
};

#define N_ECOG 5

struct _ParasolFactsDialog
{
  AdwWindow            parent_instance;

  /* template */
  AdwPreferencesGroup *body_group;
  AdwPreferencesGroup *pregnancy_group;
  GtkToggleButton     *ecog_buttons[N_ECOG];
  AdwEntryRow         *height_row;
  AdwEntryRow         *weight_row;
  AdwEntryRow         *weight_date_row;
  GtkToggleButton     *cbp_yes;
  GtkToggleButton     *cbp_no;
  GtkToggleButton     *cbp_unknown;
  AdwEntryRow         *transfusion_row;
  AdwEntryRow         *reason_row;
  GtkWidget           *ecog_row;
  GtkWidget           *cbp_row;
  GtkWidget           *field_rows[N_FIELDS];   /* the row a refusal marks */
  GtkWidget           *error_rows[N_FIELDS];
  GtkLabel            *error_labels[N_FIELDS];

  ParasolStore        *store;
  gint64               patient_id;
  ParasolPatientFacts *facts;                  /* as stored when the dialog opened */
};

G_DEFINE_FINAL_TYPE (ParasolFactsDialog, parasol_facts_dialog, ADW_TYPE_WINDOW)

static void
clear_errors (ParasolFactsDialog *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (!gtk_widget_get_visible (self->error_rows[i]))
        continue;
      gtk_widget_set_visible (self->error_rows[i], FALSE);
      gtk_label_set_text (self->error_labels[i], "");
      gtk_widget_remove_css_class (self->field_rows[i], "error");
    }
}

/* Once laid out: the page scrolled so that the refusal under the focused field shows too */
static gboolean
reveal_error_row (gpointer data)
{
  GtkWidget *row = data;
  GtkWidget *scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  double x, bottom;

  /* The row's bottom edge in the scrolled window's visible area */
  if (scrolled != NULL && gtk_widget_get_mapped (row) &&
      gtk_widget_translate_coordinates (row, scrolled, 0, gtk_widget_get_height (row), &x, &bottom) &&
      bottom > gtk_widget_get_height (scrolled))
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + bottom -
                                     gtk_widget_get_height (scrolled) + 12);
    }
  g_object_unref (row);
  return G_SOURCE_REMOVE;
}

/* The refusal, in a row right under the field it concerns */
static void
show_error (ParasolFactsDialog *self,
            guint               field,
            const char         *message)
{
  gtk_label_set_text (self->error_labels[field], message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_rows[field]),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
  gtk_widget_set_visible (self->error_rows[field], TRUE);
  gtk_widget_add_css_class (self->field_rows[field], "error");
  gtk_widget_grab_focus (self->field_rows[field]);
  g_timeout_add (100, reveal_error_row, g_object_ref (self->error_rows[field]));
}

static void
input_changed (ParasolFactsDialog *self)
{
  clear_errors (self);
}

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* What the form says for a field, as the store takes it ("1", "163", "yes", "2026-11-20"; NULL
 * clears), and whether it differs from the saved value.  Text that does not read as a value
 * counts as changed: core refuses it, naming what is wrong. */
static gboolean
field_value (ParasolFactsDialog *self,
             guint               field,
             char              **value)
{
  const ParasolPatientFacts *f = self->facts;
  g_autofree char *text = NULL;

  *value = NULL;
  switch (field)
    {
    case FIELD_ECOG:
      for (int i = 0; i < N_ECOG; i++)
        if (gtk_toggle_button_get_active (self->ecog_buttons[i]))
          {
            *value = g_strdup_printf ("%d", i);
            return f->ecog != i;
          }
      return FALSE;   /* none chosen: left as it is */

    case FIELD_HEIGHT:
      {
        double cm;

        text = row_text (self->height_row);
        if (*text == '\0')
          return !isnan (f->height_cm);
        *value = g_strdup (text);
        return !parasol_parse_double (text, &cm, NULL) || isnan (f->height_cm) ||
               fabs (cm - f->height_cm) > 1e-9;
      }

    case FIELD_CBP:
      if (gtk_toggle_button_get_active (self->cbp_yes))
        *value = g_strdup ("yes");
      else if (gtk_toggle_button_get_active (self->cbp_no))
        *value = g_strdup ("no");
      return (*value == NULL ? PARASOL_TRI_UNKNOWN
                             : (**value == 'y' ? PARASOL_TRI_YES : PARASOL_TRI_NO))
             != f->childbearing_potential;

    case FIELD_TRANSFUSION:
      {
        GDate date;

        text = row_text (self->transfusion_row);
        if (*text == '\0')
          return g_date_valid (&f->last_transfusion);
        *value = g_strdup (text);
        return !parasol_parse_date (text, &date, NULL) || !g_date_valid (&f->last_transfusion) ||
               g_date_compare (&date, &f->last_transfusion) != 0;
      }

    default:
      return FALSE;
    }
}

/* Whether the saved value of @field is recorded (a change to it needs a reason). */
static gboolean
field_saved (ParasolFactsDialog *self,
             guint               field)
{
  const ParasolPatientFacts *f = self->facts;

  switch (field)
    {
    case FIELD_ECOG:
      return f->ecog >= 0;
    case FIELD_HEIGHT:
      return !isnan (f->height_cm);
    case FIELD_CBP:
      return f->childbearing_potential != PARASOL_TRI_UNKNOWN;
    case FIELD_TRANSFUSION:
      return g_date_valid (&f->last_transfusion);
    default:
      return FALSE;
    }
}

static guint
field_for_error (guint         field,
                 const GError *error)
{
  return g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED)
         ? FIELD_REASON : field;
}

gboolean
parasol_facts_dialog_save (ParasolFactsDialog *self)
{
  static const guint order[] = { FIELD_ECOG, FIELD_HEIGHT, FIELD_CBP, FIELD_TRANSFUSION };
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  char *values[N_FIELDS] = { NULL };
  gboolean changed[N_FIELDS] = { FALSE };
  g_autofree char *reason = NULL;
  g_autofree char *weight_text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean refused = FALSE, needs_reason = FALSE, any = FALSE;
  gint64 version;
  double kg = NAN;
  GDate measured_on;

  g_return_val_if_fail (PARASOL_IS_FACTS_DIALOG (self), FALSE);

  clear_errors (self);
  reason = row_text (self->reason_row);
  if (*reason == '\0')
    g_clear_pointer (&reason, g_free);

  /* Every changed value checked by core first: nothing is written while any is refused */
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      guint field = order[i];

      changed[field] = field_value (self, field, &values[field]);
      g_ptr_array_add (owned, values[field]);
      if (!changed[field])
        continue;
      any = TRUE;
      if (field_saved (self, field))
        needs_reason = TRUE;
      if (!parasol_store_check_patient_field (self->store, field_names[field], values[field],
                                              &error))
        {
          show_error (self, field, error->message);
          g_clear_error (&error);
          refused = TRUE;
        }
    }

  g_date_clear (&measured_on, 1);
  weight_text = row_text (self->weight_row);
  if (*weight_text != '\0')
    {
      g_autofree char *date = row_text (self->weight_date_row);

      any = TRUE;
      changed[FIELD_WEIGHT] = TRUE;
      /* The weight, then its date (the refusal marks the row it concerns) */
      if (!parasol_parse_double (weight_text, &kg, &error) ||
          !parasol_store_check_patient_field (self->store, "weight_kg", weight_text, &error))
        self->field_rows[FIELD_WEIGHT] = GTK_WIDGET (self->weight_row);
      else if (!parasol_parse_date (date, &measured_on, &error) ||
               !parasol_store_check_weight (kg, &measured_on, &error))
        self->field_rows[FIELD_WEIGHT] = GTK_WIDGET (self->weight_date_row);
      if (error != NULL)
        {
          show_error (self, FIELD_WEIGHT, error->message);
          g_clear_error (&error);
          refused = TRUE;
        }
    }

  if (!refused && needs_reason && reason == NULL)
    {
      show_error (self, FIELD_REASON,
                  _("A saved value changes: say why in the reason for the change."));
      refused = TRUE;
    }
  if (refused)
    return FALSE;
  if (!any)
    {
      gtk_window_close (GTK_WINDOW (self));
      return TRUE;
    }

  /* The weight first: a correction of a day already measured may still ask for a reason, and
   * then nothing else has been written either */
  version = self->facts->version;
  if (changed[FIELD_WEIGHT])
    {
      gint64 id = parasol_store_add_weight (self->store, self->patient_id, kg, &measured_on,
                                            version, NULL, &error);

      if (id == 0 && reason != NULL &&
          g_error_matches (error, PARASOL_STORE_ERROR, PARASOL_STORE_ERROR_REASON_REQUIRED))
        {
          g_clear_error (&error);
          id = parasol_store_add_weight (self->store, self->patient_id, kg, &measured_on,
                                         version, reason, &error);
        }
      if (id == 0)
        {
          show_error (self, field_for_error (FIELD_WEIGHT, error), error->message);
          return FALSE;
        }
      version = 0;
    }

  /* Then each fact as `parasol-cli patient set` writes it */
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      guint field = order[i];

      if (!changed[field])
        continue;
      if (!parasol_store_set_patient_field (self->store, self->patient_id, field_names[field],
                                            values[field], version, reason, &error))
        {
          show_error (self, field_for_error (field, error), error->message);
          return FALSE;
        }
      version = 0;
    }

  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

const char *
parasol_facts_dialog_get_error (ParasolFactsDialog *self,
                                const char         *field)
{
  g_return_val_if_fail (PARASOL_IS_FACTS_DIALOG (self), NULL);

  for (guint i = 0; i < N_FIELDS; i++)
    if (g_strcmp0 (field, field_names[i]) == 0)
      return gtk_widget_get_visible (self->error_rows[i])
             ? gtk_label_get_text (self->error_labels[i]) : NULL;
  return NULL;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  parasol_facts_dialog_save (PARASOL_FACTS_DIALOG (widget));
}

static void
entry_activated (ParasolFactsDialog *self)
{
  parasol_facts_dialog_save (self);
}

static void
parasol_facts_dialog_dispose (GObject *object)
{
  ParasolFactsDialog *self = PARASOL_FACTS_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->facts, parasol_patient_facts_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_FACTS_DIALOG);

  G_OBJECT_CLASS (parasol_facts_dialog_parent_class)->dispose (object);
}

static void
parasol_facts_dialog_class_init (ParasolFactsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_facts_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-facts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, body_group);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, pregnancy_group);
  gtk_widget_class_bind_template_child_full (widget_class, "ecog_0", FALSE,
                                             G_STRUCT_OFFSET (ParasolFactsDialog, ecog_buttons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "ecog_1", FALSE,
                                             G_STRUCT_OFFSET (ParasolFactsDialog, ecog_buttons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "ecog_2", FALSE,
                                             G_STRUCT_OFFSET (ParasolFactsDialog, ecog_buttons[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "ecog_3", FALSE,
                                             G_STRUCT_OFFSET (ParasolFactsDialog, ecog_buttons[3]));
  gtk_widget_class_bind_template_child_full (widget_class, "ecog_4", FALSE,
                                             G_STRUCT_OFFSET (ParasolFactsDialog, ecog_buttons[4]));
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, height_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, weight_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, weight_date_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, cbp_yes);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, cbp_no);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, cbp_unknown);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, transfusion_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, ecog_row);
  gtk_widget_class_bind_template_child (widget_class, ParasolFactsDialog, cbp_row);
#define BIND_FIELD(i, name)                                                                        \
  gtk_widget_class_bind_template_child_full (widget_class, name "_error_row", FALSE,               \
                                             G_STRUCT_OFFSET (ParasolFactsDialog, error_rows[i])); \
  gtk_widget_class_bind_template_child_full (widget_class, name "_error", FALSE,                   \
                                             G_STRUCT_OFFSET (ParasolFactsDialog, error_labels[i]))
  BIND_FIELD (FIELD_ECOG, "ecog");
  BIND_FIELD (FIELD_HEIGHT, "height");
  BIND_FIELD (FIELD_WEIGHT, "weight");
  BIND_FIELD (FIELD_CBP, "cbp");
  BIND_FIELD (FIELD_TRANSFUSION, "transfusion");
  BIND_FIELD (FIELD_REASON, "reason");
#undef BIND_FIELD
  gtk_widget_class_bind_template_callback (widget_class, input_changed);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parasol_facts_dialog_init (ParasolFactsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->field_rows[FIELD_ECOG] = self->ecog_row;
  self->field_rows[FIELD_HEIGHT] = GTK_WIDGET (self->height_row);
  self->field_rows[FIELD_WEIGHT] = GTK_WIDGET (self->weight_row);
  self->field_rows[FIELD_CBP] = self->cbp_row;
  self->field_rows[FIELD_TRANSFUSION] = GTK_WIDGET (self->transfusion_row);
  self->field_rows[FIELD_REASON] = GTK_WIDGET (self->reason_row);
}

GtkWidget *
parasol_facts_dialog_new (GtkWindow    *parent,
                          ParasolStore *store,
                          gint64        patient_id)
{
  ParasolFactsDialog *self;
  g_autoptr(GError) error = NULL;
  ParasolPatientFacts *facts;
  char buf[PARASOL_DATE_BUF_SIZE];
  GDate today, weighed;

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);

  facts = parasol_store_load_patient (store, patient_id, &error);
  if (facts == NULL)
    {
      g_warning ("The patient's screening facts cannot be loaded: %s", error->message);
      return NULL;
    }

  self = g_object_new (PARASOL_TYPE_FACTS_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->patient_id = patient_id;
  self->facts = facts;

  if (facts->ecog >= 0 && facts->ecog < N_ECOG)
    gtk_toggle_button_set_active (self->ecog_buttons[facts->ecog], TRUE);
  if (!isnan (facts->height_cm))
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      gtk_editable_set_text (GTK_EDITABLE (self->height_row),
                             g_ascii_formatd (number, sizeof number, "%g", facts->height_cm));
    }

  /* A new weight is a new measurement, today unless the date says otherwise */
  parasol_date_set_today (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->weight_date_row),
                         parasol_date_format (&today, buf, sizeof buf));
  if (!isnan (facts->weight_kg))
    {
      g_autofree char *description = NULL;
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (number, sizeof number, "%g", facts->weight_kg);
      if (parasol_store_get_weight_date (store, patient_id, &weighed, NULL) &&
          g_date_valid (&weighed))
        /* Translators: "Last weight 61 kg, measured on 2026-11-30." */
        description = g_strdup_printf (_("Last weight %s kg, measured on %s. Enter a new "
                                         "measurement; the same day again corrects it."),
                                       number, parasol_date_format (&weighed, buf, sizeof buf));
      else
        /* Translators: "Last weight 61 kg." */
        description = g_strdup_printf (_("Last weight %s kg."), number);
      adw_preferences_group_set_description (self->body_group, description);
    }
  else
    adw_preferences_group_set_description (self->body_group, _("No weight recorded yet."));

  gtk_toggle_button_set_active (facts->childbearing_potential == PARASOL_TRI_YES ? self->cbp_yes
                                : facts->childbearing_potential == PARASOL_TRI_NO ? self->cbp_no
                                : self->cbp_unknown, TRUE);
  adw_preferences_group_set_description (
    self->pregnancy_group,
    facts->sex == PARASOL_SEX_MALE
    ? _("Nothing is asked of a man: record “No”, or leave it not known.")
    : _("A woman of childbearing potential needs a negative pregnancy test, entered as a lab "
        "result on the organ-function criterion."));

  if (g_date_valid (&facts->last_transfusion))
    gtk_editable_set_text (GTK_EDITABLE (self->transfusion_row),
                           parasol_date_format (&facts->last_transfusion, buf, sizeof buf));

  clear_errors (self);
  return GTK_WIDGET (self);
}
