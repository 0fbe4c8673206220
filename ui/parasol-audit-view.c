/* parasol-audit-view.c — the audit trail of one patient or of the whole trial
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkColumnView over a GListStore of entries, through a GtkFilterListModel (the search
 * entry) and a GtkMultiSelection.  The entries are read once, when the window opens.
 */
#define G_LOG_DOMAIN "parasol-audit-view"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "parasol-audit-view.h"

/* ---- One entry as a list item -------------------------------------------------------------- */

#define PARASOL_TYPE_AUDIT_ITEM (parasol_audit_item_get_type ())
G_DECLARE_FINAL_TYPE (ParasolAuditItem, parasol_audit_item, PARASOL, AUDIT_ITEM, GObject)

struct _ParasolAuditItem
{
  GObject            parent_instance;
  ParasolAuditEntry *entry;
  char              *columns[7];   /* as shown */
  char              *haystack;     /* casefolded columns, for the filter */
};

G_DEFINE_FINAL_TYPE (ParasolAuditItem, parasol_audit_item, G_TYPE_OBJECT)

enum {
  COLUMN_WHEN,
  COLUMN_WHO,
  COLUMN_RECORD,
  COLUMN_FIELD,
  COLUMN_OLD,
  COLUMN_NEW,
  COLUMN_REASON,
  N_COLUMNS
};

static void
parasol_audit_item_finalize (GObject *object)
{
  ParasolAuditItem *self = PARASOL_AUDIT_ITEM (object);

  g_clear_pointer (&self->entry, parasol_audit_entry_free);
  for (guint i = 0; i < N_COLUMNS; i++)
    g_free (self->columns[i]);
  g_free (self->haystack);

  G_OBJECT_CLASS (parasol_audit_item_parent_class)->finalize (object);
}

static void
parasol_audit_item_class_init (ParasolAuditItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = parasol_audit_item_finalize;
}

static void
parasol_audit_item_init (ParasolAuditItem *self)
{
}

/* The translated name of an audited table. */
static const char *
table_label (const char *table)
{
  static const struct { const char *id; const char *label; } labels[] = {
    { "trial", N_("Trial") },
    { "patient", N_("Patient") },
    { "lab", N_("Laboratory result") },
    { "attestation", N_("Attestation") },
    { "biomarker", N_("Biomarker") },
    { "assignment", N_("Arm decision") },
    { "cycle", N_("Cycle") },
    { "administration", N_("Administration") },
    { "response", N_("Response") },
    { "event", N_("Event") },
    { "evaluation", N_("Eligibility evaluation") },
    { "audit", N_("Audit trail") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].id, table) == 0)
      return _(labels[i].label);
  return table;
}

/* One line, whatever the value holds: newlines and tabs as spaces. */
static char *
one_line (const char *text)
{
  char *s = g_strdup (text != NULL ? text : "");

  g_strdelimit (s, "\n\r\t", ' ');
  return s;
}

static ParasolAuditItem *
parasol_audit_item_new (ParasolAuditEntry *entry)
{
  ParasolAuditItem *self = g_object_new (PARASOL_TYPE_AUDIT_ITEM, NULL);
  g_autoptr(GString) hay = g_string_new (NULL);
  g_autofree char *at = g_strndup (entry->at != NULL ? entry->at : "", 19);

  self->entry = entry;
  g_strdelimit (at, "T", ' ');
  /* Translators: when an audit entry was written, in UTC: "2026-11-30 14:02:11 UTC" */
  self->columns[COLUMN_WHEN] = g_strdup_printf (_("%s UTC"), at);
  self->columns[COLUMN_WHO] = entry->who_name != NULL && *entry->who_name &&
                              g_strcmp0 (entry->who_name, entry->who) != 0
                              ? g_strdup_printf ("%s (%s)", entry->who_name, entry->who)
                              : one_line (entry->who);
  /* Translators: an audited record: "Response 12" */
  self->columns[COLUMN_RECORD] = g_strdup_printf (_("%s %" PRId64),
                                                  table_label (entry->table_name), entry->record);
  /* Translators: the field of an audit entry that created a whole record */
  self->columns[COLUMN_FIELD] = entry->field != NULL ? one_line (entry->field)
                                                     : g_strdup (_("(created)"));
  self->columns[COLUMN_OLD] = one_line (entry->old_value);
  self->columns[COLUMN_NEW] = one_line (entry->new_value);
  self->columns[COLUMN_REASON] = one_line (entry->reason);

  for (guint i = 0; i < N_COLUMNS; i++)
    g_string_append_printf (hay, "%s\n", self->columns[i]);
  g_string_append (hay, entry->table_name != NULL ? entry->table_name : "");
  self->haystack = g_utf8_casefold (hay->str, -1);
  return self;
}

/* ---- The window ---------------------------------------------------------------------------- */

struct _ParasolAuditView
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkSearchEntry      *search_entry;
  GtkColumnView       *column_view;
  GtkLabel            *count_label;

  GListStore          *items;
  GtkFilterListModel  *filtered;
  GtkMultiSelection   *selection;
  char               **needles;       /* casefolded words of the filter */
  gboolean             truncated;
};

G_DEFINE_FINAL_TYPE (ParasolAuditView, parasol_audit_view, ADW_TYPE_WINDOW)

static const char *
column_title (guint column)
{
  switch (column)
    {
    case COLUMN_WHEN: return _("When");
    case COLUMN_WHO: return _("Who");
    case COLUMN_RECORD: return _("Record");
    case COLUMN_FIELD: return _("Field");
    case COLUMN_OLD: return _("Old Value");
    case COLUMN_NEW: return _("New Value");
    case COLUMN_REASON: return _("Reason");
    default: g_return_val_if_reached (NULL);
    }
}

static void
update_count (ParasolAuditView *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint all = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autofree char *text = NULL;

  if (shown == all)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", all), all);
  else
    /* Translators: "Showing 3 of 120 entries" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Showing %u of %u entry",
                                         "Showing %u of %u entries", all), shown, all);
  if (self->truncated)
    {
      g_autofree char *longer =
        /* Translators: after the count, when the trial's audit trail is longer than the view */
        g_strdup_printf (_("%s (the newest; older entries are not listed here)"), text);

      g_free (text);
      text = g_steal_pointer (&longer);
    }
  gtk_label_set_text (self->count_label, text);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  ParasolAuditView *self = user_data;
  ParasolAuditItem *a = item;

  for (guint i = 0; self->needles != NULL && self->needles[i] != NULL; i++)
    if (*self->needles[i] != '\0' && strstr (a->haystack, self->needles[i]) == NULL)
      return FALSE;
  return TRUE;
}

void
parasol_audit_view_set_filter (ParasolAuditView *self,
                               const char       *text)
{
  g_autofree char *folded = g_utf8_casefold (text != NULL ? text : "", -1);
  GtkFilter *filter = gtk_filter_list_model_get_filter (self->filtered);

  g_strfreev (self->needles);
  self->needles = g_strsplit_set (g_strstrip (folded), " \t", -1);
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
  update_count (self);
}

static void
on_search_changed (ParasolAuditView *self)
{
  parasol_audit_view_set_filter (self,
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
append_row (GString          *text,
            ParasolAuditItem *item)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    g_string_append_printf (text, "%s%s", c > 0 ? "\t" : "", item->columns[c]);
  g_string_append_c (text, '\n');
}

char *
parasol_audit_view_copy_text (ParasolAuditView *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GtkBitset) selected = NULL;
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);

  g_return_val_if_fail (PARASOL_IS_AUDIT_VIEW (self), NULL);

  for (guint c = 0; c < N_COLUMNS; c++)
    g_string_append_printf (text, "%s%s", c > 0 ? "\t" : "", column_title (c));
  g_string_append_c (text, '\n');

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (guint i = 0; i < n; i++)
    if (gtk_bitset_is_empty (selected) || gtk_bitset_contains (selected, i))
      {
        g_autoptr(ParasolAuditItem) item = g_list_model_get_item (model, i);

        append_row (text, item);
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParasolAuditView *self = PARASOL_AUDIT_VIEW (widget);
  g_autofree char *text = parasol_audit_view_copy_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (PARASOL_AUDIT_VIEW (widget)->search_entry));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  ParasolAuditItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *text = item->columns[GPOINTER_TO_UINT (user_data)];

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, *text != '\0' ? text : NULL);
}

static void
parasol_audit_view_dispose (GObject *object)
{
  ParasolAuditView *self = PARASOL_AUDIT_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_AUDIT_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->items);
  g_clear_pointer (&self->needles, g_strfreev);

  G_OBJECT_CLASS (parasol_audit_view_parent_class)->dispose (object);
}

static void
parasol_audit_view_class_init (ParasolAuditViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_audit_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-audit-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolAuditView, window_title);
  gtk_widget_class_bind_template_child (widget_class, ParasolAuditView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ParasolAuditView, column_view);
  gtk_widget_class_bind_template_child (widget_class, ParasolAuditView, count_label);

  gtk_widget_class_install_action (widget_class, "audit.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "audit.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "audit.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "audit.copy",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "audit.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "audit.close", NULL);
}

static void
parasol_audit_view_init (ParasolAuditView *self)
{
  GtkCustomFilter *filter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (PARASOL_TYPE_AUDIT_ITEM);
  filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->items)),
                                              GTK_FILTER (filter));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (column_title (c), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, c == COLUMN_NEW || c == COLUMN_REASON ||
                                                 c == COLUMN_OLD);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }

  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (on_search_changed), self);
}

ParasolAuditView *
parasol_audit_view_new (GtkWindow    *parent,
                        ParasolStore *store,
                        gint64        patient_id,
                        const char   *subtitle)
{
  ParasolAuditView *self;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const char *title = patient_id > 0 ? _("History") : _("Audit Trail");

  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);

  self = g_object_new (PARASOL_TYPE_AUDIT_VIEW,
                       "title", title,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       NULL);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  entries = patient_id > 0
            ? parasol_store_audit_list_patient (store, patient_id, 0, &error)
            : parasol_store_audit_list (store, NULL, 0, PARASOL_AUDIT_VIEW_TRIAL_LIMIT + 1,
                                        &error);
  if (entries == NULL)
    {
      gtk_label_set_text (self->count_label, error->message);
      gtk_widget_remove_css_class (GTK_WIDGET (self->count_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "error");
      return self;
    }

  {
    /* Newest first: what a person looks for is usually what just happened. */
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
    guint n = entries->len;

    if (patient_id <= 0 && n > PARASOL_AUDIT_VIEW_TRIAL_LIMIT)
      self->truncated = TRUE;
    for (guint i = n; i > 0 && items->len < PARASOL_AUDIT_VIEW_TRIAL_LIMIT; i--)
      g_ptr_array_add (items, parasol_audit_item_new (g_ptr_array_steal_index_fast (entries, i - 1)));
    g_list_store_splice (self->items, 0, 0, items->pdata, items->len);
  }
  update_count (self);
  return self;
}

guint
parasol_audit_view_get_n_shown (ParasolAuditView *self)
{
  g_return_val_if_fail (PARASOL_IS_AUDIT_VIEW (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}
