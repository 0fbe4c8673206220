/* parasol-status-pill.c — a patient's status as a small coloured label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-status-pill"

#include "config.h"

#include "parasol-enums.h"
#include "parasol-status-pill.h"

struct _ParasolStatusPill
{
  GtkWidget  parent_instance;

  /* child */
  GtkLabel  *label;

  ParasolPatientStatus status;
  gboolean   has_status;
  char      *status_class;
};

G_DEFINE_FINAL_TYPE (ParasolStatusPill, parasol_status_pill, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_LABEL,
  PROP_PATIENT_STATUS,
  PROP_HAS_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
parasol_status_pill_dispose (GObject *object)
{
  ParasolStatusPill *self = PARASOL_STATUS_PILL (object);

  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (parasol_status_pill_parent_class)->dispose (object);
}

static void
parasol_status_pill_finalize (GObject *object)
{
  ParasolStatusPill *self = PARASOL_STATUS_PILL (object);

  g_clear_pointer (&self->status_class, g_free);

  G_OBJECT_CLASS (parasol_status_pill_parent_class)->finalize (object);
}

static void
parasol_status_pill_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ParasolStatusPill *self = PARASOL_STATUS_PILL (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, parasol_status_pill_get_status (self));
      break;

    case PROP_LABEL:
      g_value_set_string (value, parasol_status_pill_get_label (self));
      break;

    case PROP_PATIENT_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_HAS_STATUS:
      g_value_set_boolean (value, self->has_status);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_status_pill_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ParasolStatusPill *self = PARASOL_STATUS_PILL (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      parasol_status_pill_set_status (self, g_value_get_string (value));
      break;

    case PROP_LABEL:
      parasol_status_pill_set_label (self, g_value_get_string (value));
      break;

    case PROP_PATIENT_STATUS:
      parasol_status_pill_set_patient_status (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_status_pill_class_init (ParasolStatusPillClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_status_pill_dispose;
  object_class->finalize = parasol_status_pill_finalize;
  object_class->get_property = parasol_status_pill_get_property;
  object_class->set_property = parasol_status_pill_set_property;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PATIENT_STATUS] =
    g_param_spec_enum ("patient-status", NULL, NULL,
                       PARASOL_TYPE_PATIENT_STATUS, PARASOL_PATIENT_STATUS_SCREENING,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_STATUS] =
    g_param_spec_boolean ("has-status", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statuspill");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* Built in code, not from a template: the patient table makes a pill per row before its first
 * frame, and a template runs GtkBuilder for each. */
static void
parasol_status_pill_init (ParasolStatusPill *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  self->label = GTK_LABEL (label);
}

GtkWidget *
parasol_status_pill_new (void)
{
  return g_object_new (PARASOL_TYPE_STATUS_PILL, NULL);
}

/* Shows @status, or (@known FALSE) no status: the neutral style. */
static void
show_status (ParasolStatusPill   *self,
             gboolean             known,
             ParasolPatientStatus status)
{
  gboolean was_known = self->has_status;
  ParasolPatientStatus was = self->status;

  if (known == was_known && (!known || status == was))
    return;

  self->has_status = known;
  self->status = known ? status : PARASOL_PATIENT_STATUS_SCREENING;

  if (self->status_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self), self->status_class);
  g_clear_pointer (&self->status_class, g_free);
  if (known)
    {
      self->status_class = g_strconcat ("status-", parasol_patient_status_to_string (status), NULL);
      gtk_widget_add_css_class (GTK_WIDGET (self), self->status_class);
      parasol_status_pill_set_label (self, parasol_patient_status_to_label (status));
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (self->status != was)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT_STATUS]);
  if (known != was_known)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_STATUS]);
  g_object_thaw_notify (G_OBJECT (self));
}

ParasolPatientStatus
parasol_status_pill_get_patient_status (ParasolStatusPill *self)
{
  g_return_val_if_fail (PARASOL_IS_STATUS_PILL (self), PARASOL_PATIENT_STATUS_SCREENING);

  return self->status;
}

/* Also sets the label to the status's label. */
void
parasol_status_pill_set_patient_status (ParasolStatusPill   *self,
                                        ParasolPatientStatus status)
{
  g_return_if_fail (PARASOL_IS_STATUS_PILL (self));
  g_return_if_fail (parasol_patient_status_to_string (status) != NULL);

  show_status (self, TRUE, status);
}

gboolean
parasol_status_pill_get_has_status (ParasolStatusPill *self)
{
  g_return_val_if_fail (PARASOL_IS_STATUS_PILL (self), FALSE);

  return self->has_status;
}

/* The store id of the status shown, or NULL. */
const char *
parasol_status_pill_get_status (ParasolStatusPill *self)
{
  g_return_val_if_fail (PARASOL_IS_STATUS_PILL (self), NULL);

  return self->has_status ? parasol_patient_status_to_string (self->status) : NULL;
}

/* @status: a store id ("on_treatment"); anything else shows no status. */
void
parasol_status_pill_set_status (ParasolStatusPill *self,
                                const char        *status)
{
  ParasolPatientStatus value = PARASOL_PATIENT_STATUS_SCREENING;
  gboolean known;

  g_return_if_fail (PARASOL_IS_STATUS_PILL (self));

  known = status != NULL && parasol_patient_status_from_string (status, &value);
  show_status (self, known, value);
}

const char *
parasol_status_pill_get_label (ParasolStatusPill *self)
{
  g_return_val_if_fail (PARASOL_IS_STATUS_PILL (self), NULL);

  return gtk_label_get_label (self->label);
}

void
parasol_status_pill_set_label (ParasolStatusPill *self,
                               const char        *label)
{
  g_return_if_fail (PARASOL_IS_STATUS_PILL (self));

  if (g_strcmp0 (label, gtk_label_get_label (self->label)) == 0)
    return;

  gtk_label_set_label (self->label, label != NULL ? label : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}
