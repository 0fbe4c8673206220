/* parasol-cycle-month.c — a month of the cycle calendar, one button per day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-cycle-month"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-cycle-month.h"
#include "parasol-facts.h"

#define N_DAYS 42       /* six weeks */
#define N_COLOURS 6

typedef struct {
  ParasolMonthMark  mark;
  int               drug_index;
  char             *text;
  int               cycle;
  char             *drug;
} Mark;

typedef struct {
  GPtrArray *marks;     /* Mark* */
  gboolean   window;
} Day;

struct _ParasolCycleMonth
{
  GtkBox       parent_instance;

  GHashTable  *days;          /* GUINT_TO_POINTER (julian) -> Day* */
  GDate        first;         /* the 1st of the month shown */
  GDate        selected;
  GtkLabel    *title;
  GtkWidget   *buttons[N_DAYS];
  GDate        dates[N_DAYS];
  GtkLabel    *details_title;
  GtkListBox  *details;
};

G_DEFINE_FINAL_TYPE (ParasolCycleMonth, parasol_cycle_month, GTK_TYPE_BOX)

static void
mark_free (Mark *m)
{
  g_free (m->text);
  g_free (m->drug);
  g_free (m);
}

static void
day_free (Day *d)
{
  g_ptr_array_unref (d->marks);
  g_free (d);
}

static Day *
get_day (ParasolCycleMonth *self,
         const GDate       *date,
         gboolean           create)
{
  gpointer key = GUINT_TO_POINTER (g_date_get_julian (date));
  Day *d = g_hash_table_lookup (self->days, key);

  if (d == NULL && create)
    {
      d = g_new0 (Day, 1);
      d->marks = g_ptr_array_new_with_free_func ((GDestroyNotify) mark_free);
      g_hash_table_insert (self->days, key, d);
    }
  return d;
}

/* Month and weekday names come from the translations, not from the C library's LC_TIME: they
 * follow the interface language (LANGUAGE=zh_CN under LC_ALL=C.UTF-8 too). */
static const char *
month_name (GDateMonth month)
{
  static const char *const names[] = {
    NULL, NC_("month name", "January"), NC_("month name", "February"),
    NC_("month name", "March"), NC_("month name", "April"), NC_("month name", "May"),
    NC_("month name", "June"), NC_("month name", "July"), NC_("month name", "August"),
    NC_("month name", "September"), NC_("month name", "October"),
    NC_("month name", "November"), NC_("month name", "December"),
  };

  if (month < G_DATE_JANUARY || month > G_DATE_DECEMBER)
    return "";
  return g_dpgettext2 (GETTEXT_PACKAGE, "month name", names[month]);
}

/* Abbreviated for the headings of the grid, else in full. */
static const char *
weekday_name (GDateWeekday weekday,
              gboolean     abbreviated)
{
  static const char *const short_names[] = {
    NULL, NC_("weekday", "Mon"), NC_("weekday", "Tue"), NC_("weekday", "Wed"),
    NC_("weekday", "Thu"), NC_("weekday", "Fri"), NC_("weekday", "Sat"), NC_("weekday", "Sun"),
  };
  static const char *const long_names[] = {
    NULL, NC_("weekday", "Monday"), NC_("weekday", "Tuesday"), NC_("weekday", "Wednesday"),
    NC_("weekday", "Thursday"), NC_("weekday", "Friday"), NC_("weekday", "Saturday"),
    NC_("weekday", "Sunday"),
  };

  if (weekday < G_DATE_MONDAY || weekday > G_DATE_SUNDAY)
    return "";
  return g_dpgettext2 (GETTEXT_PACKAGE, "weekday",
                       abbreviated ? short_names[weekday] : long_names[weekday]);
}

/* "12 March" in the interface language */
static char *
format_day (const GDate *date)
{
  /* Translators: a day in the month view: the month's name, the day of the month: "12 March";
   * zh_CN: "%1$s%2$d日" */
  return g_strdup_printf (C_("month view day", "%2$d %1$s"), month_name (g_date_get_month (date)),
                          g_date_get_day (date));
}

static char *
day_accessible_name (const GDate *date,
                     const Day   *d)
{
  g_autofree char *day = format_day (date);
  g_autoptr(GString) name = g_string_new (day);

  for (guint i = 0; d != NULL && i < d->marks->len; i++)
    {
      const Mark *m = g_ptr_array_index (d->marks, i);

      g_string_append (name, i == 0 ? ": " : "; ");
      g_string_append (name, m->text);
    }
  if (d != NULL && d->window && (d->marks->len == 0))
    /* Translators: appended to a day's name in the month view */
    g_string_append (name, _(": within a cycle's visit window"));
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static const char *
mark_symbol (ParasolMonthMark mark)
{
  switch (mark)
    {
    case PARASOL_MONTH_MARK_GIVEN:
      return "●";
    case PARASOL_MONTH_MARK_NOT_RECORDED:
      return "!";
    case PARASOL_MONTH_MARK_SKIPPED:
    case PARASOL_MONTH_MARK_ENDED:
      return "×";
    case PARASOL_MONTH_MARK_DELAYED:
    case PARASOL_MONTH_MARK_DEVIATION:
      return "→";
    case PARASOL_MONTH_MARK_VISIT:
      return "◆";
    case PARASOL_MONTH_MARK_DUE:
    default:
      return "○";
    }
}

static void
fill_details (ParasolCycleMonth *self)
{
  GtkWidget *child;
  const Day *d = g_date_valid (&self->selected) ? get_day (self, &self->selected, FALSE) : NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details))) != NULL)
    gtk_list_box_remove (self->details, child);

  if (!g_date_valid (&self->selected))
    {
      gtk_label_set_text (self->details_title, _("Select a day to see what is due"));
      gtk_widget_set_visible (GTK_WIDGET (self->details), FALSE);
      return;
    }
  {
    /* Translators: the selected day in the month view: the weekday, the month's name, the
     * day of the month, the year: "Thursday 12 March 2026"; zh_CN: "%4$d年%2$s%3$d日 %1$s" */
    g_autofree char *title = g_strdup_printf (C_("month view selected day", "%1$s %3$d %2$s %4$d"),
                                              weekday_name (g_date_get_weekday (&self->selected),
                                                            FALSE),
                                              month_name (g_date_get_month (&self->selected)),
                                              g_date_get_day (&self->selected),
                                              g_date_get_year (&self->selected));

    gtk_label_set_text (self->details_title, title);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->details), TRUE);
  /* Shown, GTK 4.8 read the list by the enclosing group's title ("Cycle Calendar"), not by the
   * name given at creation: name it again (and by nothing else) each time it is shown */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->details), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->details), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What is due on the selected day"), -1);

  if (d == NULL || d->marks->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     d != NULL && d->window ? _("Nothing due; within a visit window")
                                                            : _("Nothing due"));
      gtk_list_box_append (self->details, row);
      return;
    }

  for (guint i = 0; i < d->marks->len; i++)
    {
      const Mark *m = g_ptr_array_index (d->marks, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), m->text);
      if (m->drug != NULL && m->cycle > 0 &&
          (m->mark == PARASOL_MONTH_MARK_DUE || m->mark == PARASOL_MONTH_MARK_NOT_RECORDED))
        {
          char iso[PARASOL_DATE_BUF_SIZE];
          GVariant *target;
          GtkWidget *record = gtk_button_new_with_label (_("Record Dose…"));
          GtkWidget *skip = gtk_button_new_with_label (_("Skip…"));
          /* Translators: accessible names: "Record a dose: Etoposide due" */
          g_autofree char *record_name = g_strdup_printf (_("Record a dose: %s"), m->text);
          g_autofree char *skip_name = g_strdup_printf (_("Record as not given: %s"), m->text);

          parasol_date_format (&self->selected, iso, sizeof iso);
          target = g_variant_new ("(iss)", m->cycle, m->drug, iso);
          g_variant_ref_sink (target);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (record), "calendar.record-dose");
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (record), target);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (skip), "calendar.skip");
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (skip), target);
          g_variant_unref (target);
          gtk_accessible_update_property (GTK_ACCESSIBLE (record), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          record_name, -1);
          gtk_accessible_update_property (GTK_ACCESSIBLE (skip), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          skip_name, -1);
          gtk_widget_set_valign (record, GTK_ALIGN_CENTER);
          gtk_widget_set_valign (skip, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), skip);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), record);
        }
      gtk_list_box_append (self->details, row);
    }
}

void
parasol_cycle_month_refresh (ParasolCycleMonth *self)
{
  GDate today, start;
  int weekday;

  g_return_if_fail (PARASOL_IS_CYCLE_MONTH (self));

  parasol_date_set_today (&today);
  if (!g_date_valid (&self->first))
    {
      self->first = today;
      g_date_set_day (&self->first, 1);
    }
  {
    /* Translators: the month shown: the month's name, the year: "March 2026";
     * zh_CN: "%2$d年%1$s" */
    g_autofree char *title = g_strdup_printf (C_("month view title", "%1$s %2$d"),
                                              month_name (g_date_get_month (&self->first)),
                                              g_date_get_year (&self->first));

    gtk_label_set_text (self->title, title);
  }

  /* Weeks start on Monday */
  weekday = g_date_get_weekday (&self->first);   /* 1 = Monday */
  start = parasol_date_plus_days (&self->first, -(weekday - 1));

  for (int i = 0; i < N_DAYS; i++)
    {
      GDate date = parasol_date_plus_days (&start, i);
      GtkWidget *button = self->buttons[i];
      GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));
      GtkWidget *number = gtk_widget_get_first_child (box);
      GtkWidget *marks = gtk_widget_get_next_sibling (number);
      GtkWidget *child;
      const Day *d = get_day (self, &date, FALSE);
      g_autofree char *name = day_accessible_name (&date, d);
      char num[8];
      gboolean delayed = FALSE, deviation = FALSE, missing = FALSE;

      self->dates[i] = date;
      g_snprintf (num, sizeof num, "%d", g_date_get_day (&date));
      gtk_label_set_text (GTK_LABEL (number), num);
      while ((child = gtk_widget_get_first_child (marks)) != NULL)
        gtk_box_remove (GTK_BOX (marks), child);
      for (guint k = 0; d != NULL && k < d->marks->len; k++)
        {
          const Mark *m = g_ptr_array_index (d->marks, k);
          GtkWidget *label = gtk_label_new (mark_symbol (m->mark));
          char css[32];

          if (m->drug_index >= 0)
            {
              g_snprintf (css, sizeof css, "month-drug-%d", m->drug_index % N_COLOURS);
              gtk_widget_add_css_class (label, css);
            }
          gtk_accessible_update_state (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
          gtk_box_append (GTK_BOX (marks), label);
          delayed |= m->mark == PARASOL_MONTH_MARK_DELAYED;
          deviation |= m->mark == PARASOL_MONTH_MARK_DEVIATION;
          missing |= m->mark == PARASOL_MONTH_MARK_NOT_RECORDED;
        }

      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_widget_set_tooltip_text (button, name);
#define SET_CLASS(cond, cls) G_STMT_START { if (cond) gtk_widget_add_css_class (button, cls); \
                                            else gtk_widget_remove_css_class (button, cls); } G_STMT_END
      SET_CLASS (g_date_get_month (&date) != g_date_get_month (&self->first), "other-month");
      SET_CLASS (g_date_compare (&date, &today) == 0, "today");
      SET_CLASS (d != NULL && d->window, "visit-window");
      SET_CLASS (delayed, "delayed");
      SET_CLASS (deviation, "deviation");
      SET_CLASS (missing, "not-recorded");
      SET_CLASS (g_date_valid (&self->selected) && g_date_compare (&date, &self->selected) == 0,
                 "selected-day");
#undef SET_CLASS
    }
  fill_details (self);
}

void
parasol_cycle_month_show_month (ParasolCycleMonth *self,
                                const GDate       *day)
{
  g_return_if_fail (PARASOL_IS_CYCLE_MONTH (self));

  if (day != NULL && g_date_valid (day))
    self->first = *day;
  else
    parasol_date_set_today (&self->first);
  g_date_set_day (&self->first, 1);
  parasol_cycle_month_refresh (self);
}

void
parasol_cycle_month_select_day (ParasolCycleMonth *self,
                                const GDate       *day)
{
  g_return_if_fail (PARASOL_IS_CYCLE_MONTH (self));

  if (day == NULL || !g_date_valid (day))
    g_date_clear (&self->selected, 1);
  else
    {
      self->selected = *day;
      if (!g_date_valid (&self->first) ||
          g_date_get_month (day) != g_date_get_month (&self->first) ||
          g_date_get_year (day) != g_date_get_year (&self->first))
        {
          parasol_cycle_month_show_month (self, day);
          return;
        }
    }
  parasol_cycle_month_refresh (self);
}

static void
on_day_clicked (GtkButton         *button,
                ParasolCycleMonth *self)
{
  for (int i = 0; i < N_DAYS; i++)
    if (self->buttons[i] == GTK_WIDGET (button))
      {
        GDate day = self->dates[i];

        parasol_cycle_month_select_day (self, &day);
        /* The month may have changed under the focus: keep it on the day chosen */
        for (int k = 0; k < N_DAYS; k++)
          if (g_date_compare (&self->dates[k], &day) == 0)
            gtk_widget_grab_focus (self->buttons[k]);
        return;
      }
}

static void
step_month (ParasolCycleMonth *self,
            int                months)
{
  GDate first = self->first;

  if (months > 0)
    g_date_add_months (&first, months);
  else
    g_date_subtract_months (&first, -months);
  parasol_cycle_month_show_month (self, &first);
}

static void
on_previous (ParasolCycleMonth *self)
{
  step_month (self, -1);
}

static void
on_next (ParasolCycleMonth *self)
{
  step_month (self, 1);
}

void
parasol_cycle_month_clear (ParasolCycleMonth *self)
{
  g_return_if_fail (PARASOL_IS_CYCLE_MONTH (self));

  g_hash_table_remove_all (self->days);
}

void
parasol_cycle_month_add_mark (ParasolCycleMonth *self,
                              const GDate       *day,
                              ParasolMonthMark   mark,
                              int                drug_index,
                              const char        *text,
                              int                cycle,
                              const char        *drug)
{
  Day *d;
  Mark *m;

  g_return_if_fail (PARASOL_IS_CYCLE_MONTH (self));
  if (day == NULL || !g_date_valid (day))
    return;

  d = get_day (self, day, TRUE);
  m = g_new0 (Mark, 1);
  m->mark = mark;
  m->drug_index = drug_index;
  m->text = g_strdup (text);
  m->cycle = cycle;
  m->drug = g_strdup (drug);
  g_ptr_array_add (d->marks, m);
}

void
parasol_cycle_month_add_window (ParasolCycleMonth *self,
                                const GDate       *from,
                                const GDate       *to)
{
  GDate day;

  g_return_if_fail (PARASOL_IS_CYCLE_MONTH (self));
  if (from == NULL || to == NULL || !g_date_valid (from) || !g_date_valid (to))
    return;

  for (day = *from; g_date_compare (&day, to) <= 0; g_date_add_days (&day, 1))
    get_day (self, &day, TRUE)->window = TRUE;
}

static void
parasol_cycle_month_finalize (GObject *object)
{
  ParasolCycleMonth *self = PARASOL_CYCLE_MONTH (object);

  g_clear_pointer (&self->days, g_hash_table_unref);

  G_OBJECT_CLASS (parasol_cycle_month_parent_class)->finalize (object);
}

static void
parasol_cycle_month_class_init (ParasolCycleMonthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = parasol_cycle_month_finalize;
  gtk_widget_class_set_css_name (widget_class, "cycle-month");
}

static void
parasol_cycle_month_init (ParasolCycleMonth *self)
{
  GtkWidget *header, *previous, *next, *grid, *legend;

  self->days = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) day_free);
  g_date_clear (&self->first, 1);
  g_date_clear (&self->selected, 1);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Month view of the cycle calendar"), -1);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  previous = gtk_button_new_from_icon_name ("go-previous-symbolic");
  gtk_widget_set_tooltip_text (previous, _("Previous month"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (previous), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Previous month"), -1);
  g_signal_connect_swapped (previous, "clicked", G_CALLBACK (on_previous), self);
  next = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_set_tooltip_text (next, _("Next month"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (next), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Next month"), -1);
  g_signal_connect_swapped (next, "clicked", G_CALLBACK (on_next), self);
  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  gtk_widget_set_hexpand (GTK_WIDGET (self->title), TRUE);
  gtk_box_append (GTK_BOX (header), previous);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (header), next);
  gtk_box_append (GTK_BOX (self), header);

  grid = gtk_grid_new ();
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (grid), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Days of the month"), -1);
  for (int c = 0; c < 7; c++)
    {
      GtkWidget *label = gtk_label_new (weekday_name (G_DATE_MONDAY + c, TRUE));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_grid_attach (GTK_GRID (grid), label, c, 0, 1, 1);
    }
  for (int i = 0; i < N_DAYS; i++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *number = gtk_label_new (NULL);
      GtkWidget *marks = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 1);

      gtk_widget_set_halign (marks, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), number);
      gtk_box_append (GTK_BOX (box), marks);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "month-day");
      gtk_widget_set_size_request (button, -1, 44);
      g_signal_connect (button, "clicked", G_CALLBACK (on_day_clicked), self);
      self->buttons[i] = button;
      gtk_grid_attach (GTK_GRID (grid), button, i % 7, 1 + i / 7, 1, 1);
    }
  gtk_box_append (GTK_BOX (self), grid);

  legend = gtk_label_new (_("○ due   ● given   ! not recorded   × not given   → delayed day 1   "
                            "◆ imaging   shaded: visit window"));
  gtk_label_set_wrap (GTK_LABEL (legend), TRUE);
  gtk_widget_add_css_class (legend, "caption");
  gtk_widget_add_css_class (legend, "dim-label");
  gtk_box_append (GTK_BOX (self), legend);

  self->details_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->details_title, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->details_title), "heading");
  gtk_widget_set_margin_top (GTK_WIDGET (self->details_title), 6);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->details_title));
  self->details = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->details, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->details), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->details), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What is due on the selected day"), -1);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->details));
}

GtkWidget *
parasol_cycle_month_new (void)
{
  return g_object_new (PARASOL_TYPE_CYCLE_MONTH, NULL);
}
