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

G_END_DECLS
