/* parasol-accessible.h — names a screen reader needs that GTK 4.8 does not give
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GtkDropDown's own toggle button has no name in GTK 4.8: a screen reader reads
 * "GtkToggleButton".  Gives it @name (translated), which should be the drop-down's.  A drop-down
 * of strings also gets rows in its list that a screen reader reads by their text, not as
 * "GtkListItemWidget". */
void parasol_accessible_name_drop_down (GtkDropDown *drop_down,
                                        const char  *name);

/* GTK 4.8 reads a GtkListBox as "GtkListBox" and a plain GtkListBoxRow as nothing.  Names
 * every list box under @root after the title of the preferences group or row it is in, and
 * every row without a title of its own after the text it shows.  Call again after the rows
 * change. */
void parasol_accessible_name_lists     (GtkWidget   *root);

G_END_DECLS
