/* parasol-accessible.c — names a screen reader needs that GTK 4.8 does not give
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-accessible"

#include "config.h"

#include <adwaita.h>

#include "parasol-accessible.h"

/* The rows of the drop-down's list: the item's text and a check mark on the selected one, as
 * GTK's own rows, and the row (a GtkListItemWidget to a screen reader) named by its text. */

static void
update_check (GtkListItem *list_item)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkDropDown *drop_down = g_object_get_data (G_OBJECT (list_item), "parasol-drop-down");
  GtkWidget *check = box != NULL ? gtk_widget_get_last_child (box) : NULL;

  if (check != NULL && drop_down != NULL)
    gtk_widget_set_opacity (check, gtk_drop_down_get_selected_item (drop_down) ==
                                     gtk_list_item_get_item (list_item) ? 1.0 : 0.0);
}

static void
row_setup (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           GtkDropDown              *drop_down)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (list_item, box);
  g_object_set_data (G_OBJECT (list_item), "parasol-drop-down", drop_down);
}

static void
row_bind (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          GtkDropDown              *drop_down)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  gpointer item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_widget_get_parent (box);
  const char *text = GTK_IS_STRING_OBJECT (item) ? gtk_string_object_get_string (item) : "";

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)), text);
  if (row != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  update_check (list_item);
  g_signal_connect_object (drop_down, "notify::selected-item", G_CALLBACK (update_check),
                           list_item, G_CONNECT_SWAPPED);
}

static void
row_unbind (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            GtkDropDown              *drop_down)
{
  g_signal_handlers_disconnect_by_func (drop_down, update_check, list_item);
}

/* The button shows the selected item in a row widget of its own, which a screen reader
 * reads as "GtkListItemWidget". */
static void
name_item_widgets (GtkWidget  *widget,
                   const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_strcmp0 (G_OBJECT_TYPE_NAME (child), "GtkListItemWidget") == 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        name, -1);
      name_item_widgets (child, name);
    }
}

void
parasol_accessible_name_drop_down (GtkDropDown *drop_down,
                                   const char  *name)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (drop_down));
  g_return_if_fail (name != NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (drop_down));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      {
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        name, -1);
        name_item_widgets (child, name);
      }

  /* Rows of strings only: a drop-down of other items keeps the rows its code gave it. */
  if (gtk_drop_down_get_list_factory (drop_down) == NULL &&
      gtk_drop_down_get_expression (drop_down) == NULL &&
      gtk_drop_down_get_model (drop_down) != NULL &&
      g_list_model_get_item_type (gtk_drop_down_get_model (drop_down)) == GTK_TYPE_STRING_OBJECT)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_signal_connect_object (factory, "setup", G_CALLBACK (row_setup), drop_down, 0);
      g_signal_connect_object (factory, "bind", G_CALLBACK (row_bind), drop_down, 0);
      g_signal_connect_object (factory, "unbind", G_CALLBACK (row_unbind), drop_down, 0);
      gtk_drop_down_set_list_factory (drop_down, factory);
    }
}

/* The text a row shows: its labels' texts, in order, joined by ", " (at most a few). */
static void
collect_text (GtkWidget *widget,
              GString   *out,
              guint     *n)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL && *n < 4;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_LABEL (child))
        {
          const char *text = gtk_label_get_text (GTK_LABEL (child));

          if (text != NULL && *text != '\0')
            {
              if (out->len > 0)
                g_string_append (out, ", ");
              g_string_append (out, text);
              (*n)++;
            }
          continue;
        }
      if (GTK_IS_LIST_BOX (child))
        continue;  /* a nested list is named on its own */
      collect_text (child, out, n);
    }
}

static void
name_lists (GtkWidget  *widget,
            const char *context)
{
  const char *title = NULL;

  if (ADW_IS_PREFERENCES_GROUP (widget))
    title = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (title != NULL && *title != '\0')
    context = title;

  if (GTK_IS_LIST_BOX (widget) && context != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    context, -1);
  else if (GTK_IS_LIST_BOX (widget))
    {
      /* A list outside any titled group: named after its first row ("Proposed arm"). */
      GtkWidget *first = gtk_widget_get_first_child (widget);
      const char *first_title = first != NULL && ADW_IS_PREFERENCES_ROW (first)
                                ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first))
                                : NULL;
      g_autoptr(GString) text = g_string_new (first_title);
      guint n = 0;

      if (text->len == 0 && first != NULL)
        collect_text (first, text, &n);
      if (text->len > 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        text->str, -1);
    }
  else if (ADW_IS_EXPANDER_ROW (widget) && title != NULL && *title != '\0')
    /* Its header row reads the title; the row itself would read nothing. */
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    title, -1);
  else if (GTK_IS_LIST_BOX_ROW (widget) &&
           (!ADW_IS_PREFERENCES_ROW (widget) || title == NULL || *title == '\0'))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint n = 0;

      collect_text (widget, text, &n);
      if (text->len > 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        text->str, -1);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_lists (child, context);
}

void
parasol_accessible_name_lists (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  name_lists (root, NULL);
}
