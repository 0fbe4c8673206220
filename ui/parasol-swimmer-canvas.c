/* parasol-swimmer-canvas.c — the swimmer plot as a scrollable, keyboard-reachable widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-swimmer-canvas"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-swimmer-canvas.h"

#define LANE_PITCH 20.0

struct _ParasolSwimmerCanvas
{
  GtkWidget           parent_instance;

  ParasolSwimmerPlot *plot;
  GtkAdjustment      *hadjustment;
  GtkAdjustment      *vadjustment;
  guint               hscroll_policy : 1;
  guint               vscroll_policy : 1;
  gboolean            dose_changes;
  int                 focus_lane;
  gint64              focus_patient;   /* follows the patient when lanes move */
  char               *description;
};

static void parasol_swimmer_canvas_scrollable_init (GtkScrollableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParasolSwimmerCanvas, parasol_swimmer_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE,
                                                      parasol_swimmer_canvas_scrollable_init))

enum {
  PROP_0,
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum {
  LANE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
parasol_swimmer_canvas_scrollable_init (GtkScrollableInterface *iface)
{
}

void
parasol_swimmer_canvas_get_render_options (ParasolSwimmerCanvas        *self,
                                           ParasolSwimmerRenderOptions *options)
{
  g_return_if_fail (PARASOL_IS_SWIMMER_CANVAS (self));

  parasol_swimmer_render_options_init (options);
  options->lane_pitch = LANE_PITCH;
  options->scroll = self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
  options->focus_lane = gtk_widget_has_focus (GTK_WIDGET (self)) ? self->focus_lane : -1;
  options->dose_changes = self->dose_changes;
}

static void
configure_adjustments (ParasolSwimmerCanvas *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, width * 0.1, width * 0.9, width);

  if (self->vadjustment != NULL)
    {
      ParasolSwimmerRenderOptions options;
      ParasolSwimmerRect area = { 0 };
      double content = 0, value;

      parasol_swimmer_canvas_get_render_options (self, &options);
      if (self->plot != NULL && width > 0 && height > 0)
        parasol_swimmer_layout_lane_area (self->plot, width, height, &options, &area, &content);
      value = CLAMP (gtk_adjustment_get_value (self->vadjustment), 0,
                     MAX (0, content - area.height));
      gtk_adjustment_configure (self->vadjustment, value, 0, MAX (content, area.height),
                                LANE_PITCH, MAX (area.height * 0.9, LANE_PITCH),
                                MAX (area.height, 1));
    }
}

static void
on_adjustment_changed (ParasolSwimmerCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (ParasolSwimmerCanvas  *self,
                GtkAdjustment        **slot,
                GtkAdjustment         *adjustment)
{
  if (*slot == adjustment && adjustment != NULL)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, on_adjustment_changed, self);
      g_object_unref (*slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_swapped (adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
  configure_adjustments (self);
}

static void
update_description (ParasolSwimmerCanvas *self)
{
  g_clear_pointer (&self->description, g_free);

  if (self->plot != NULL && self->focus_lane >= 0 &&
      (guint) self->focus_lane < parasol_swimmer_plot_get_n_lanes (self->plot))
    {
      const ParasolSwimmerLane *lane = parasol_swimmer_plot_get_lane (self->plot, self->focus_lane);
      g_autofree char *text = parasol_swimmer_lane_describe (self->plot, lane);

      /* Translators: accessible description of the focused lane, "Lane 3 of 40: BT-0004 ..." */
      self->description = g_strdup_printf (_("Lane %d of %u: %s"), self->focus_lane + 1,
                                           parasol_swimmer_plot_get_n_lanes (self->plot), text);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description != NULL ? self->description
                                  : _("No lane selected: use the arrow keys to move between lanes"),
                                  -1);
}

static void
scroll_to_lane (ParasolSwimmerCanvas *self,
                int                   lane)
{
  ParasolSwimmerRenderOptions options;
  ParasolSwimmerRect rect, area;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double value;

  if (self->plot == NULL || self->vadjustment == NULL || width <= 0 || height <= 0)
    return;
  parasol_swimmer_canvas_get_render_options (self, &options);
  parasol_swimmer_layout_lane_area (self->plot, width, height, &options, &area, NULL);
  if (!parasol_swimmer_lane_rect (self->plot, width, height, &options, lane, &rect))
    return;
  value = gtk_adjustment_get_value (self->vadjustment);
  /* rect.y is on screen; make it a content offset */
  if (rect.y < area.y)
    gtk_adjustment_set_value (self->vadjustment, value - (area.y - rect.y) - LANE_PITCH);
  else if (rect.y + rect.height > area.y + area.height)
    gtk_adjustment_set_value (self->vadjustment,
                              value + (rect.y + rect.height - area.y - area.height) + LANE_PITCH);
}

void
parasol_swimmer_canvas_set_focus_lane (ParasolSwimmerCanvas *self,
                                       int                   lane)
{
  guint n;

  g_return_if_fail (PARASOL_IS_SWIMMER_CANVAS (self));

  n = self->plot != NULL ? parasol_swimmer_plot_get_n_lanes (self->plot) : 0;
  lane = n == 0 ? -1 : CLAMP (lane, 0, (int) n - 1);
  self->focus_lane = lane;
  self->focus_patient = lane >= 0 ? parasol_swimmer_plot_get_lane (self->plot, lane)->patient_id : 0;
  update_description (self);
  if (lane >= 0)
    scroll_to_lane (self, lane);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
parasol_swimmer_canvas_get_focus_lane (ParasolSwimmerCanvas *self)
{
  g_return_val_if_fail (PARASOL_IS_SWIMMER_CANVAS (self), -1);
  return self->focus_lane;
}

const char *
parasol_swimmer_canvas_get_lane_description (ParasolSwimmerCanvas *self)
{
  g_return_val_if_fail (PARASOL_IS_SWIMMER_CANVAS (self), NULL);
  return self->description;
}

static void
activate_lane (ParasolSwimmerCanvas *self,
               int                   lane)
{
  if (self->plot == NULL || lane < 0 || (guint) lane >= parasol_swimmer_plot_get_n_lanes (self->plot))
    return;
  g_signal_emit (self, signals[LANE_ACTIVATED], 0,
                 parasol_swimmer_plot_get_lane (self->plot, lane)->patient_id);
}

static int
lane_at (ParasolSwimmerCanvas *self,
         double                x,
         double                y)
{
  ParasolSwimmerRenderOptions options;

  if (self->plot == NULL)
    return -1;
  parasol_swimmer_canvas_get_render_options (self, &options);
  return parasol_swimmer_lane_at (self->plot, gtk_widget_get_width (GTK_WIDGET (self)),
                                  gtk_widget_get_height (GTK_WIDGET (self)), &options, x, y);
}

static void
on_click_released (GtkGestureClick      *gesture,
                   int                   n_press,
                   double                x,
                   double                y,
                   ParasolSwimmerCanvas *self)
{
  int lane = lane_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (lane < 0)
    return;
  parasol_swimmer_canvas_set_focus_lane (self, lane);
  activate_lane (self, lane);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ParasolSwimmerCanvas  *self)
{
  int n = self->plot != NULL ? (int) parasol_swimmer_plot_get_n_lanes (self->plot) : 0;
  int page = MAX (1, (int) (gtk_widget_get_height (GTK_WIDGET (self)) / LANE_PITCH / 2));
  int lane = self->focus_lane;

  if (n == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      lane = lane < 0 ? 0 : lane + 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      lane = lane < 0 ? 0 : lane - 1;
      break;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      lane = MAX (lane, 0) + page;
      break;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      lane = MAX (lane, 0) - page;
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      lane = 0;
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      lane = n - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
      activate_lane (self, lane);
      return lane >= 0;
    default:
      return FALSE;
    }

  parasol_swimmer_canvas_set_focus_lane (self, CLAMP (lane, 0, n - 1));
  return TRUE;
}

static gboolean
on_query_tooltip (GtkWidget            *widget,
                  int                   x,
                  int                   y,
                  gboolean              keyboard_mode,
                  GtkTooltip           *tooltip,
                  ParasolSwimmerCanvas *self)
{
  int lane = keyboard_mode ? self->focus_lane : lane_at (self, x, y);
  g_autofree char *text = NULL;

  if (self->plot == NULL || lane < 0 || (guint) lane >= parasol_swimmer_plot_get_n_lanes (self->plot))
    return FALSE;
  text = parasol_swimmer_lane_describe (self->plot, parasol_swimmer_plot_get_lane (self->plot, lane));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_focus_changed (ParasolSwimmerCanvas *self)
{
  if (gtk_widget_has_focus (GTK_WIDGET (self)) && self->focus_lane < 0 && self->plot != NULL &&
      parasol_swimmer_plot_get_n_lanes (self->plot) > 0)
    parasol_swimmer_canvas_set_focus_lane (self, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
parasol_swimmer_canvas_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  ParasolSwimmerCanvas *self = PARASOL_SWIMMER_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  ParasolSwimmerRenderOptions options;
  cairo_t *cr;

  if (self->plot == NULL || width <= 0 || height <= 0)
    return;

  parasol_swimmer_canvas_get_render_options (self, &options);
  /* The canvas is the viewport: its size is what is visible, so the Cairo node stays small
   * whatever the number of lanes. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  parasol_swimmer_render (self->plot, cr, width, height, &options);
  cairo_destroy (cr);
}

static void
parasol_swimmer_canvas_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  configure_adjustments (PARASOL_SWIMMER_CANVAS (widget));
}

static void
parasol_swimmer_canvas_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 240;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 960 : 600;
}

static void
parasol_swimmer_canvas_dispose (GObject *object)
{
  ParasolSwimmerCanvas *self = PARASOL_SWIMMER_CANVAS (object);

  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_adjustment_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_adjustment_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_pointer (&self->plot, parasol_swimmer_plot_free);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (parasol_swimmer_canvas_parent_class)->dispose (object);
}

static void
parasol_swimmer_canvas_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ParasolSwimmerCanvas *self = PARASOL_SWIMMER_CANVAS (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_swimmer_canvas_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  ParasolSwimmerCanvas *self = PARASOL_SWIMMER_CANVAS (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_swimmer_canvas_class_init (ParasolSwimmerCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_swimmer_canvas_dispose;
  object_class->get_property = parasol_swimmer_canvas_get_property;
  object_class->set_property = parasol_swimmer_canvas_set_property;

  widget_class->snapshot = parasol_swimmer_canvas_snapshot;
  widget_class->size_allocate = parasol_swimmer_canvas_size_allocate;
  widget_class->measure = parasol_swimmer_canvas_measure;

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * ParasolSwimmerCanvas::lane-activated:
   * @patient_id: the patient of the lane
   */
  signals[LANE_ACTIVATED] =
    g_signal_new ("lane-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "swimmercanvas");
}

static void
parasol_swimmer_canvas_init (ParasolSwimmerCanvas *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->focus_lane = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Swimmer plot"),
                                  -1);
  update_description (self);
}

GtkWidget *
parasol_swimmer_canvas_new (void)
{
  return g_object_new (PARASOL_TYPE_SWIMMER_CANVAS, NULL);
}

void
parasol_swimmer_canvas_set_plot (ParasolSwimmerCanvas *self,
                                 ParasolSwimmerPlot   *plot)
{
  g_return_if_fail (PARASOL_IS_SWIMMER_CANVAS (self));

  if (self->plot != plot)
    {
      g_clear_pointer (&self->plot, parasol_swimmer_plot_free);
      self->plot = plot;
    }
  parasol_swimmer_canvas_plot_changed (self);
}

ParasolSwimmerPlot *
parasol_swimmer_canvas_get_plot (ParasolSwimmerCanvas *self)
{
  g_return_val_if_fail (PARASOL_IS_SWIMMER_CANVAS (self), NULL);
  return self->plot;
}

void
parasol_swimmer_canvas_plot_changed (ParasolSwimmerCanvas *self)
{
  g_return_if_fail (PARASOL_IS_SWIMMER_CANVAS (self));

  /* the focus stays on its patient while lanes are rebuilt, rearranged or filtered */
  self->focus_lane = self->plot != NULL && self->focus_patient > 0
                       ? parasol_swimmer_plot_find_patient (self->plot, self->focus_patient) : -1;
  update_description (self);
  configure_adjustments (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
parasol_swimmer_canvas_set_dose_changes (ParasolSwimmerCanvas *self,
                                         gboolean              dose_changes)
{
  g_return_if_fail (PARASOL_IS_SWIMMER_CANVAS (self));

  self->dose_changes = dose_changes;
  configure_adjustments (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
