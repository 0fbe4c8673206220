/* parasol-status-pill.c — a patient's status as a small coloured label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-status-pill"

#include "config.h"

#include "parasol-status-pill.h"

struct _ParasolStatusPill
{
  GtkWidget  parent_instance;

  /* template */
  GtkLabel  *label;

  char      *status;
  char      *status_class;
};

G_DEFINE_FINAL_TYPE (ParasolStatusPill, parasol_status_pill, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Only ids made of [a-z_] become CSS classes; anything else gets the neutral style. */
static char *
status_css_class (const char *status)
{
  if (status == NULL || *status == '\0')
    return NULL;

  for (const char *p = status; *p; p++)
    if (!g_ascii_islower (*p) && *p != '_')
      return NULL;

  return g_strconcat ("status-", status, NULL);
}

static void
parasol_status_pill_dispose (GObject *object)
{
  ParasolStatusPill *self = PARASOL_STATUS_PILL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_STATUS_PILL);

  G_OBJECT_CLASS (parasol_status_pill_parent_class)->dispose (object);
}

static void
parasol_status_pill_finalize (GObject *object)
{
  ParasolStatusPill *self = PARASOL_STATUS_PILL (object);

  g_clear_pointer (&self->status, g_free);
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
      g_value_set_string (value, self->status);
      break;

    case PROP_LABEL:
      g_value_set_string (value, parasol_status_pill_get_label (self));
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statuspill");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-status-pill.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolStatusPill, label);
}

static void
parasol_status_pill_init (ParasolStatusPill *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
parasol_status_pill_new (void)
{
  return g_object_new (PARASOL_TYPE_STATUS_PILL, NULL);
}

const char *
parasol_status_pill_get_status (ParasolStatusPill *self)
{
  g_return_val_if_fail (PARASOL_IS_STATUS_PILL (self), NULL);

  return self->status;
}

void
parasol_status_pill_set_status (ParasolStatusPill *self,
                                const char        *status)
{
  g_return_if_fail (PARASOL_IS_STATUS_PILL (self));

  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);

  if (self->status_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self), self->status_class);
  g_free (self->status_class);
  self->status_class = status_css_class (status);
  if (self->status_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), self->status_class);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
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
