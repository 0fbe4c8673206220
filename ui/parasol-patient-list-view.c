/* parasol-patient-list-view.c — the patients of the trial as a sortable, filterable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-patient-list-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "parasol-patient.h"
#include "parasol-patient-list.h"
#include "parasol-accessible.h"
#include "parasol-patient-list-view-private.h"
#include "parasol-patient-list-cells-private.h"
#include "parasol-protocol.h"
#include "parasol-status-pill.h"

G_DEFINE_FINAL_TYPE (ParasolPatientListView, parasol_patient_list_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_PROTOCOL,
  PROP_N_VISIBLE,
  PROP_VISIBLE_PAGE,
  PROP_SORT_COLUMN,
  PROP_SORT_DESCENDING,
  N_PROPS
};

enum {
  PATIENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Indexed by ParasolStatusFilter, after PARASOL_STATUS_FILTER_ALL. */
static const ParasolPatientStatus status_filter_statuses[] = {
  PARASOL_PATIENT_STATUS_SCREENING,
  PARASOL_PATIENT_STATUS_ENROLLED,
  PARASOL_PATIENT_STATUS_ON_TREATMENT,
  PARASOL_PATIENT_STATUS_OFF_TREATMENT,
  PARASOL_PATIENT_STATUS_SCREEN_FAILED,
};


/* Template closure for the sorters.  GtkStringSorter in GTK 4.8 casefolds the value without
 * a NULL check: sort a missing value as "". */
static char *
sort_key (gpointer    this_,
          const char *value)
{
  return g_strdup (value != NULL ? value : "");
}

/* Template closure for the Status sorter: workflow order, which is ParasolPatientStatus's. */
static int
status_rank (gpointer    this_,
             const char *status)
{
  ParasolPatientStatus value;

  if (!parasol_patient_status_from_string (status, &value))
    return PARASOL_PATIENT_STATUS_OFF_TREATMENT + 1;
  return value;
}


/* Search matches what the list shows, in the interface language: every word of the query
 * must occur in the patient's own search text (numbers, initials, site, arm id, status), or in
 * the displayed name of the patient's arm ("DLL3 arm", "对照组"), or in the displayed label of
 * the patient's status ("治疗中", "On treatment"), or in the Course cell ("Died", "PD",
 * "1 not recorded", "死亡").  The arms and statuses each word names are worked out once per
 * query, so that a keystroke costs the same at 100 000 patients; the Course cell is read only
 * for a word that can be part of one and matched nothing else.  The first such word works out
 * every patient's course at once (parasol_patient_list_load_courses(), one pass over the
 * store), kept until the patient's data change. */
typedef struct {
  char      *word;      /* casefolded */
  GPtrArray *arm_ids;   /* arms whose displayed name holds the word */
  guint      statuses;  /* bit i: the label of status_order[i] holds the word */
  gboolean   phrase;    /* several words, found in arm names, status labels or courses only */
  gboolean   course;    /* may be part of a Course cell's text */
} QueryWord;

static void
query_word_clear (gpointer data)
{
  QueryWord *word = data;

  g_clear_pointer (&word->word, g_free);
  g_clear_pointer (&word->arm_ids, g_ptr_array_unref);
}

static gboolean
folded_contains (const char *text,
                 const char *word)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);

  return strstr (folded, word) != NULL;
}

/* Fills @word's arms and statuses: those whose displayed name holds @word->word.  TRUE when
 * there is any. */
static gboolean
find_named (ParasolPatientListView *self,
            QueryWord              *word)
{
  word->arm_ids = g_ptr_array_new_with_free_func (g_free);
  word->statuses = 0;

  if (self->protocol != NULL)
    {
      GPtrArray *arms = parasol_protocol_get_arms (self->protocol);

      for (guint a = 0; arms != NULL && a < arms->len; a++)
        {
          const ParasolArmDef *arm = g_ptr_array_index (arms, a);

          if (arm->name != NULL &&
              folded_contains (parasol_protocol_translate (arm->name), word->word))
            g_ptr_array_add (word->arm_ids, g_strdup (arm->id));
        }
    }
  for (guint s = 0; s < G_N_ELEMENTS (status_filter_statuses); s++)
    if (folded_contains (parasol_patient_status_to_label (status_filter_statuses[s]), word->word))
      word->statuses |= 1u << s;

  return word->arm_ids->len > 0 || word->statuses != 0;
}

/* Splits the query into words, keeping together the longest runs of words that are part of
 * an arm's name or a status's label: "on treatment" names one status (not "off treatment"),
 * "DLL3 arm" one arm. */
static void
update_query_words (ParasolPatientListView *self)
{
  g_auto(GStrv) split = NULL;
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  guint i = 0;
  gboolean course = FALSE;

  g_array_set_size (self->words, 0);
  if (self->query == NULL)
    return;

  split = g_strsplit_set (self->query, " \t", -1);
  for (guint k = 0; split[k] != NULL; k++)
    if (*split[k] != '\0')
      g_ptr_array_add (words, split[k]);

  while (i < words->len)
    {
      guint j;

      for (j = words->len; j > i; j--)
        {
          QueryWord word = { 0 };
          g_autoptr(GString) phrase = g_string_new (g_ptr_array_index (words, i));

          for (guint k = i + 1; k < j; k++)
            g_string_append_printf (phrase, " %s", (const char *) g_ptr_array_index (words, k));
          word.word = g_string_free (g_steal_pointer (&phrase), FALSE);
          word.phrase = j - i > 1;
          word.course = parasol_patient_list_view_course_may_hold (word.word);

          if (find_named (self, &word) || !word.phrase || word.course)
            {
              course |= word.course;
              g_array_append_val (self->words, word);
              break;
            }
          query_word_clear (&word);
        }
      i = j;
    }

  if (course && self->model != NULL && PARASOL_IS_PATIENT_LIST (self->model))
    parasol_patient_list_load_courses (PARASOL_PATIENT_LIST (self->model), self->protocol);
}

static gboolean
word_matches (ParasolPatientListView *self,
              const QueryWord        *word,
              ParasolPatient         *patient)
{
  const char *arm;
  const char *status;

  if (!word->phrase && parasol_patient_matches (patient, word->word))
    return TRUE;

  arm = parasol_patient_get_arm (patient);
  if (arm != NULL)
    for (guint i = 0; i < word->arm_ids->len; i++)
      if (strcmp (arm, g_ptr_array_index (word->arm_ids, i)) == 0)
        return TRUE;

  status = parasol_patient_get_status (patient);
  if (word->statuses != 0 && status != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (status_filter_statuses); i++)
      if ((word->statuses & (1u << i)) != 0 &&
          strcmp (status, parasol_patient_status_to_string (status_filter_statuses[i])) == 0)
        return TRUE;

  if (word->course)
    {
      g_autofree char *course = parasol_patient_list_view_dup_course_text (self, patient);

      if (folded_contains (course, word->word))
        return TRUE;
    }

  return FALSE;
}

static gboolean
patient_filter_func (gpointer item,
                     gpointer user_data)
{
  ParasolPatientListView *self = user_data;
  ParasolPatient *patient = item;

  if (self->status != NULL && g_strcmp0 (parasol_patient_get_status (patient), self->status) != 0)
    return FALSE;

  for (guint i = 0; i < self->words->len; i++)
    if (!word_matches (self, &g_array_index (self->words, QueryWord, i), patient))
      return FALSE;

  return TRUE;
}

/* Every patient, also those a paged list has not read yet. */
static guint
n_patients (ParasolPatientListView *self)
{
  if (self->model == NULL)
    return 0;
  if (PARASOL_IS_PATIENT_LIST (self->model))
    return parasol_patient_list_get_n_patients (PARASOL_PATIENT_LIST (self->model));
  return g_list_model_get_n_items (self->model);
}

static void
update_state (ParasolPatientListView *self)
{
  guint n_total = n_patients (self);
  guint n_visible = parasol_patient_list_view_get_n_visible (self);
  const char *old_page = gtk_stack_get_visible_child_name (self->stack);
  const char *page;
  g_autofree char *count = NULL;

  if (n_total == 0)
    page = "empty";
  else if (n_visible == 0)
    page = "no-matches";
  else
    page = "patients";

  if (n_visible == n_total)
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u patient", "%u patients", n_total),
                             n_total);
  else
    /* Translators: "12 of 40 patients", shown while a search or status filter is active */
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u patient", "%u of %u patients",
                                          n_total),
                             n_visible, n_total);
  gtk_label_set_label (self->count_label, count);
  /* A big trial's count comes a moment after its first rows: no number until it is right. */
  gtk_widget_set_visible (GTK_WIDGET (self->count_label),
                          n_total > 0 &&
                          (!PARASOL_IS_PATIENT_LIST (self->model) ||
                           parasol_patient_list_is_counted (PARASOL_PATIENT_LIST (self->model))));
  /* Nothing to search in an empty trial; keep the bar in place so the layout does not jump. */
  gtk_widget_set_sensitive (self->filter_bar, n_total > 0);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "list.clear-filters",
                                 self->query != NULL || self->status != NULL);

  if (g_strcmp0 (old_page, page) != 0)
    {
      gtk_stack_set_visible_child_name (self->stack, page);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_PAGE]);
    }

  if (self->n_visible != n_visible)
    {
      self->n_visible = n_visible;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_VISIBLE]);
    }
}

/* Setting the function emits GtkFilter::changed; without a function the filter matches
 * everything and GtkFilterListModel does not look at the items at all. */
static void show_whole_model (ParasolPatientListView *self);

static void
refilter (ParasolPatientListView *self)
{
  show_whole_model (self);
  /* A search looks at every patient. */
  if (self->model != NULL && PARASOL_IS_PATIENT_LIST (self->model))
    parasol_patient_list_complete (PARASOL_PATIENT_LIST (self->model));

  if (self->query == NULL && self->status == NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  else
    gtk_custom_filter_set_filter_func (self->filter, patient_filter_func, self, NULL);

  update_state (self);
}

static void
on_search_changed (ParasolPatientListView *self,
                   GtkSearchEntry         *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_autofree char *query = *stripped != '\0' ? g_utf8_casefold (stripped, -1) : NULL;

  if (g_strcmp0 (query, self->query) == 0)
    return;

  g_free (self->query);
  self->query = g_steal_pointer (&query);
  update_query_words (self);
  refilter (self);
}

/* Enter in the search opens the patient when the search leaves only one. */
static void
on_search_activate (ParasolPatientListView *self,
                    GtkSearchEntry         *entry)
{
  g_autoptr(ParasolPatient) patient = NULL;

  /* Do not wait for the search entry's delay. */
  on_search_changed (self, entry);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) != 1)
    return;

  patient = g_list_model_get_item (G_LIST_MODEL (self->selection), 0);
  g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, patient);
}

static void
on_stop_search (ParasolPatientListView *self,
                GtkSearchEntry         *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
on_status_filter_changed (ParasolPatientListView *self,
                          GParamSpec             *pspec,
                          GtkDropDown            *drop_down)
{
  guint selected = gtk_drop_down_get_selected (drop_down);
  const char *status = NULL;

  if (selected > PARASOL_STATUS_FILTER_ALL && selected <= G_N_ELEMENTS (status_filter_statuses))
    status = parasol_patient_status_to_string (status_filter_statuses[selected - 1]);

  if (self->status == status)
    return;

  self->status = status;
  refilter (self);
}

static void
on_column_view_activate (ParasolPatientListView *self,
                         guint                   position,
                         GtkColumnView          *column_view)
{
  g_autoptr(ParasolPatient) patient = NULL;

  patient = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (patient != NULL)
    g_signal_emit (self, signals[PATIENT_ACTIVATED], 0, patient);
}

static void
on_filter_items_changed (ParasolPatientListView *self,
                         guint                   position,
                         guint                   removed,
                         guint                   added,
                         GListModel             *model)
{
  update_state (self);
}

static void
on_model_items_changed (ParasolPatientListView *self,
                        guint                   position,
                        guint                   removed,
                        guint                   added,
                        GListModel             *model)
{
  /* The filtered count may be unchanged while the total moved ("12 of 41"). */
  update_state (self);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  parasol_patient_list_view_clear_filters (PARASOL_PATIENT_LIST_VIEW (widget));
}

static void
parasol_patient_list_view_dispose (GObject *object)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (object);
  GtkWidget *child;

  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  g_clear_handle_id (&self->sort_idle, g_source_remove);

  if (self->first_screen_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->first_screen_tick);
      self->first_screen_tick = 0;
    }
  g_clear_object (&self->first_screen);

  if (self->course_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->course_tick);
      self->course_tick = 0;
    }

  if (self->relayout_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->relayout_tick);
      self->relayout_tick = 0;
    }

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARASOL_TYPE_PATIENT_LIST_VIEW);

  /* Children without an id (the separator) are not template children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->model);
  g_clear_object (&self->filter);
  g_clear_object (&self->protocol);

  G_OBJECT_CLASS (parasol_patient_list_view_parent_class)->dispose (object);
}

static void
parasol_patient_list_view_finalize (GObject *object)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (object);

  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->words, g_array_unref);
  g_clear_pointer (&self->course_cells, g_hash_table_unref);

  G_OBJECT_CLASS (parasol_patient_list_view_parent_class)->finalize (object);
}

static void apply_sort       (ParasolPatientListView *self,
                             const char             *id,
                             gboolean                descending);
static void show_whole_model (ParasolPatientListView *self);

static void
parasol_patient_list_view_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_PROTOCOL:
      g_value_set_object (value, self->protocol);
      break;

    case PROP_N_VISIBLE:
      g_value_set_uint (value, parasol_patient_list_view_get_n_visible (self));
      break;

    case PROP_SORT_COLUMN:
      g_value_set_string (value, self->sort_column_id);
      break;

    case PROP_SORT_DESCENDING:
      g_value_set_boolean (value, self->sort_descending);
      break;

    case PROP_VISIBLE_PAGE:
      g_value_set_string (value, parasol_patient_list_view_get_visible_page (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_patient_list_view_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      parasol_patient_list_view_set_model (self, g_value_get_object (value));
      break;

    case PROP_PROTOCOL:
      parasol_patient_list_view_set_protocol (self, g_value_get_object (value));
      break;

    case PROP_SORT_COLUMN:
      apply_sort (self, g_value_get_string (value), self->sort_descending);
      break;

    case PROP_SORT_DESCENDING:
      apply_sort (self, self->sort_column_id, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Narrow windows.  The columns that matter least drop out first as the view gets narrower,
 * so that the rest, the Arm column among them, stays on screen without scrolling sideways.
 * Expanding columns need at least their minimum; the others their fixed width. */

#define EXPAND_MIN_WIDTH 130

typedef struct {
  gsize offset;    /* of the GtkColumnViewColumn pointer in ParasolPatientListView */
  int   priority;  /* 0: always shown; higher drops out earlier */
  int   min_width; /* of an expanding column; 0: EXPAND_MIN_WIDTH */
} ColumnPriority;

/* The Course column's minimum is measured (fit_course_column); Site and Arm hold short names
 * ("Guangzhou", "Anlotinib arm"). */
static const ColumnPriority column_priorities[] = {
  { G_STRUCT_OFFSET (ParasolPatientListView, screening_column), 0, 0 },
  { G_STRUCT_OFFSET (ParasolPatientListView, subject_column), 1, 0 },
  { G_STRUCT_OFFSET (ParasolPatientListView, initials_column), 0, 0 },
  { G_STRUCT_OFFSET (ParasolPatientListView, sex_column), 2, 0 },
  { G_STRUCT_OFFSET (ParasolPatientListView, birth_date_column), 4, 0 },
  { G_STRUCT_OFFSET (ParasolPatientListView, site_column), 3, 100 },
  { G_STRUCT_OFFSET (ParasolPatientListView, status_column), 0, 0 },
  { G_STRUCT_OFFSET (ParasolPatientListView, arm_column), 0, 120 },
  { G_STRUCT_OFFSET (ParasolPatientListView, course_column), 0, 0 },
};

#define COLUMN_AT(self, i) \
  (*(GtkColumnViewColumn **) G_STRUCT_MEMBER_P ((self), column_priorities[i].offset))

static int
column_needs (ParasolPatientListView *self,
              guint                   i)
{
  GtkColumnViewColumn *column = COLUMN_AT (self, i);

  if (column == self->course_column && self->course_width > 0)
    return self->course_width;
  if (gtk_column_view_column_get_expand (column))
    return column_priorities[i].min_width > 0 ? column_priorities[i].min_width
                                              : EXPAND_MIN_WIDTH;

  return MAX (gtk_column_view_column_get_fixed_width (column), 0);
}

/* The Course cells are shown whole: the Course column needs the width of a long course in the
 * interface language ("Died 2026-12-28 · PD · 12 not recorded"), measured like the pills. */
static void
fit_course_column (ParasolPatientListView *self)
{
  g_autofree char *sample = NULL;
  GtkWidget *label;
  int natural = 0;

  if (self->course_width > 0)
    return;

  sample = parasol_patient_list_view_long_course_text ();
  label = gtk_label_new (sample);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  gtk_widget_unparent (label);

  /* The cell's padding on both sides. */
  self->course_width = MAX (natural + 24, EXPAND_MIN_WIDTH);
}

/* The status pills are never cut: the Status column is as wide as the widest pill in the
 * interface language, measured once the view is in a window. */
static void
fit_status_column (ParasolPatientListView *self)
{
  GtkWidget *pill;
  int widest = 0;

  if (self->status_width > 0)
    return;

  /* In the view for a moment, for the application's style of the pills. */
  pill = parasol_status_pill_new ();
  gtk_widget_set_parent (pill, GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (status_filter_statuses); i++)
    {
      int natural = 0;

      parasol_status_pill_set_patient_status (PARASOL_STATUS_PILL (pill),
                                              status_filter_statuses[i]);
      gtk_widget_measure (pill, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      widest = MAX (widest, natural);
    }
  gtk_widget_unparent (pill);

  /* The cell's padding on both sides, and some air. */
  self->status_width = MAX (widest + 32, 120);
  gtk_column_view_column_set_fixed_width (self->status_column, self->status_width);
}

/* The size the window will open at, if it is not maximized or full screen (GTK 4.8 wants both
 * pointers). */
static gboolean
window_default_size (ParasolPatientListView *self,
                     int                    *width,
                     int                    *height)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  *width = *height = 0;
  if (!GTK_IS_WINDOW (root) || gtk_window_is_maximized (GTK_WINDOW (root)) ||
      gtk_window_is_fullscreen (GTK_WINDOW (root)))
    return FALSE;
  gtk_window_get_default_size (GTK_WINDOW (root), width, height);
  return *width > 0 && *height > 0;
}

static gboolean
relayout_table (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (widget);

  self->relayout_tick = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self->column_view));

  return G_SOURCE_REMOVE;
}

/* Shows the columns that fit in @width, dropping the highest priority numbers first.  TRUE
 * if a column came, went or changed its width. */
static gboolean
fit_columns (ParasolPatientListView *self,
             int                     width)
{
  int needed = 0;
  int drop_from = G_MAXINT;  /* columns with priority >= this are hidden */
  gboolean changed = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (column_priorities); i++)
    needed += column_needs (self, i);

  while (needed > width && drop_from > 1)
    {
      int highest = 0;

      for (guint i = 0; i < G_N_ELEMENTS (column_priorities); i++)
        if (column_priorities[i].priority < drop_from)
          highest = MAX (highest, column_priorities[i].priority);
      if (highest == 0)
        break;

      for (guint i = 0; i < G_N_ELEMENTS (column_priorities); i++)
        if (column_priorities[i].priority == highest)
          needed -= column_needs (self, i);
      drop_from = highest;
    }

  for (guint i = 0; i < G_N_ELEMENTS (column_priorities); i++)
    {
      GtkColumnViewColumn *column = COLUMN_AT (self, i);
      gboolean visible = column_priorities[i].priority < drop_from;

      if (gtk_column_view_column_get_visible (column) != visible)
        {
          gtk_column_view_column_set_visible (column, visible);
          changed = TRUE;
        }
    }

  /* GTK 4.8 leaves the expanding columns narrow after columns were hidden: give each its
   * minimum and an equal share of the rest of the width here, once per width (a column
   * resized by hand stays so until the window is). */
  if (width != self->fitted_width)
    {
      int used = 0;
      int share;
      guint n_expand = 0;

      self->fitted_width = width;
      for (guint i = 0; i < G_N_ELEMENTS (column_priorities); i++)
        {
          GtkColumnViewColumn *column = COLUMN_AT (self, i);

          if (!gtk_column_view_column_get_visible (column))
            continue;
          if (gtk_column_view_column_get_expand (column))
            n_expand++;
          used += column_needs (self, i);
        }
      share = n_expand > 0 ? MAX (width - used, 0) / (int) n_expand : 0;
      for (guint i = 0; n_expand > 0 && i < G_N_ELEMENTS (column_priorities); i++)
        {
          GtkColumnViewColumn *column = COLUMN_AT (self, i);

          if (gtk_column_view_column_get_visible (column) &&
              gtk_column_view_column_get_expand (column))
            gtk_column_view_column_set_fixed_width (column, column_needs (self, i) + share);
        }
      changed = TRUE;
    }

  return changed;
}

/* A vertical box (the filter bar, a separator, the stack taking what is left), which fits the
 * columns to the width it is given before the table is allocated. */
static void
parasol_patient_list_view_measure (GtkWidget      *widget,
                                   GtkOrientation  orientation,
                                   int             for_size,
                                   int            *minimum,
                                   int            *natural,
                                   int            *minimum_baseline,
                                   int            *natural_baseline)
{
  *minimum = *natural = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min = 0, child_nat = 0;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, orientation,
                          orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1,
                          &child_min, &child_nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum += child_min;
          *natural += child_nat;
        }
      else
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
    }
}

static GtkSizeRequestMode
parasol_patient_list_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
parasol_patient_list_view_size_allocate (GtkWidget *widget,
                                         int        width,
                                         int        height,
                                         int        baseline)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (widget);
  GtkWidget *last = gtk_widget_get_last_child (widget);
  int y = 0;

  /* The table measured its columns before some came or went: once more, at the next frame
   * (a resize queued while the table is being allocated would be lost). */
  if (fit_columns (self, width) && self->relayout_tick == 0)
    self->relayout_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), relayout_table, NULL,
                                                        NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_height = 0;

      if (!gtk_widget_should_layout (child))
        continue;

      if (child == last)
        {
          int child_min = 0;

          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &child_min, NULL, NULL,
                              NULL);
          child_height = MAX (height - y, child_min);
        }
      else
        gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &child_height, NULL,
                            NULL);

      gtk_widget_allocate (child, width, child_height, -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, y)));
      y += child_height;
    }
}

/* Tab goes through the children in their order: the search and the status filter, then the
 * column headers and the table (GTK's own order by position starts at the table). */
static gboolean
parasol_patient_list_view_focus (GtkWidget        *widget,
                                 GtkDirectionType  direction)
{
  gboolean forward = direction == GTK_DIR_TAB_FORWARD;
  GtkWidget *child;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return GTK_WIDGET_CLASS (parasol_patient_list_view_parent_class)->focus (widget, direction);

  child = gtk_widget_get_focus_child (widget);
  if (child == NULL)
    child = forward ? gtk_widget_get_first_child (widget) : gtk_widget_get_last_child (widget);

  for (; child != NULL;
       child = forward ? gtk_widget_get_next_sibling (child) : gtk_widget_get_prev_sibling (child))
    if (gtk_widget_is_drawable (child) && gtk_widget_is_sensitive (child) &&
        gtk_widget_child_focus (child, direction))
      return TRUE;

  return FALSE;
}

static void
parasol_patient_list_view_root (GtkWidget *widget)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (widget);
  int width, height;

  GTK_WIDGET_CLASS (parasol_patient_list_view_parent_class)->root (widget);

  fit_status_column (self);
  fit_course_column (self);

  /* Fitted to the window's width before the table is first measured, so that it does not
   * measure every cell of the expanding columns, only to be fitted and measured again. */
  if (window_default_size (self, &width, &height))
    fit_columns (self, width);
}

static gboolean
parasol_patient_list_view_grab_focus (GtkWidget *widget)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
parasol_patient_list_view_class_init (ParasolPatientListViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parasol_patient_list_view_dispose;
  object_class->finalize = parasol_patient_list_view_finalize;
  object_class->get_property = parasol_patient_list_view_get_property;
  object_class->set_property = parasol_patient_list_view_set_property;

  widget_class->grab_focus = parasol_patient_list_view_grab_focus;
  widget_class->focus = parasol_patient_list_view_focus;
  widget_class->root = parasol_patient_list_view_root;
  widget_class->measure = parasol_patient_list_view_measure;
  widget_class->get_request_mode = parasol_patient_list_view_get_request_mode;
  widget_class->size_allocate = parasol_patient_list_view_size_allocate;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROTOCOL] =
    g_param_spec_object ("protocol", NULL, NULL, PARASOL_TYPE_PROTOCOL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_VISIBLE] =
    g_param_spec_uint ("n-visible", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The column the list is sorted by: "screening-number", "subject-number", "initials",
   * "sex", "birth-date", "site", "status" or "arm" (GSettings' patient-sort-column). */
  properties[PROP_SORT_COLUMN] =
    g_param_spec_string ("sort-column", NULL, NULL, "screening-number",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT_DESCENDING] =
    g_param_spec_boolean ("sort-descending", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VISIBLE_PAGE] =
    g_param_spec_string ("visible-page", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParasolPatientListView::patient-activated:
   * @patient: the ParasolPatient of the activated row
   */
  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PARASOL_TYPE_PATIENT);

  g_type_ensure (PARASOL_TYPE_PATIENT);
  g_type_ensure (PARASOL_TYPE_STATUS_PILL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/parasol/Parasol/ui/parasol-patient-list-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, status_filter);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, count_label);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, stack);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, column_view);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, selection);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, sort_model);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, screening_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, subject_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, initials_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, sex_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, birth_date_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, site_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, status_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, arm_column);
  gtk_widget_class_bind_template_child (widget_class, ParasolPatientListView, course_column);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_status_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate);
  gtk_widget_class_bind_template_callback (widget_class, sort_key);
  gtk_widget_class_bind_template_callback (widget_class, status_rank);

  gtk_widget_class_install_action (widget_class, "list.clear-filters", NULL, clear_filters_action);

  gtk_widget_class_set_css_name (widget_class, "patientlistview");
}

static GtkSortType title_sort_order (GtkWidget *widget,
                                     gboolean  *sorted);

/* The columns the list can be sorted by, with their names in GSettings
 * ("patient-sort-column"). */
static const struct {
  const char *id;
  gsize       offset;
} sort_columns[] = {
  { "screening-number", G_STRUCT_OFFSET (ParasolPatientListView, screening_column) },
  { "subject-number", G_STRUCT_OFFSET (ParasolPatientListView, subject_column) },
  { "initials", G_STRUCT_OFFSET (ParasolPatientListView, initials_column) },
  { "sex", G_STRUCT_OFFSET (ParasolPatientListView, sex_column) },
  { "birth-date", G_STRUCT_OFFSET (ParasolPatientListView, birth_date_column) },
  { "site", G_STRUCT_OFFSET (ParasolPatientListView, site_column) },
  { "status", G_STRUCT_OFFSET (ParasolPatientListView, status_column) },
  { "arm", G_STRUCT_OFFSET (ParasolPatientListView, arm_column) },
};

#define SORT_COLUMN_AT(self, i) \
  (*(GtkColumnViewColumn **) G_STRUCT_MEMBER_P ((self), sort_columns[i].offset))

/* Calls @func on each title of the header row (which GTK 4.8 keeps in the columns' order). */
static void
foreach_title (ParasolPatientListView *self,
               void                  (*func) (ParasolPatientListView *, GtkWidget *, gpointer),
               gpointer                data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (g_strcmp0 (gtk_widget_get_css_name (child), "header") != 0)
        continue;
      for (GtkWidget *title = gtk_widget_get_first_child (child); title != NULL;
           title = gtk_widget_get_next_sibling (title))
        func (self, title, data);
    }
}

static void
clear_indicator (GtkWidget *widget)
{
  gtk_widget_remove_css_class (widget, "ascending");
  gtk_widget_remove_css_class (widget, "descending");
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    clear_indicator (child);
}

static void
clear_stale_title (ParasolPatientListView *self,
                   GtkWidget              *title,
                   gpointer                column)
{
  if (g_object_get_data (G_OBJECT (title), "parasol-column") != column)
    clear_indicator (title);
}

/* gtk_column_view_sort_by_column() in GTK 4.8 redraws the sort indicator of the column it
 * sorts by only: the column sorted by before keeps its arrow.  Take the others' away. */
static void
clear_stale_indicators (ParasolPatientListView *self,
                        GtkColumnViewColumn    *column)
{
  foreach_title (self, clear_stale_title, column);
}

typedef struct {
  const char *id;
  gboolean    descending;
} SortRead;

static void
read_title (ParasolPatientListView *self,
            GtkWidget              *title,
            gpointer                data)
{
  SortRead *read = data;
  GtkColumnViewColumn *column = g_object_get_data (G_OBJECT (title), "parasol-column");
  gboolean sorted = FALSE;
  GtkSortType order = title_sort_order (title, &sorted);

  if (column == NULL || !sorted)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (sort_columns); i++)
    if (SORT_COLUMN_AT (self, i) == column)
      {
        read->id = sort_columns[i].id;
        read->descending = order == GTK_SORT_DESCENDING;
      }
}

/* The column the table is sorted by, and which way, from the sort indicator of its title
 * (GTK 4.8 has no getter for the column view sorter's primary column; a click on a title
 * redraws the indicators of the old and the new column).  The store's order, by screening
 * number, when no title shows one. */
static void
read_sort_from_titles (ParasolPatientListView *self,
                       gboolean                adopt)
{
  SortRead read = { "screening-number", FALSE };

  if (!adopt)
    return;
  foreach_title (self, read_title, &read);

  if (g_strcmp0 (self->sort_column_id, read.id) != 0)
    {
      self->sort_column_id = read.id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_COLUMN]);
    }
  if (self->sort_descending != read.descending)
    {
      self->sort_descending = read.descending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_DESCENDING]);
    }
}

static gboolean
read_sort_idle (gpointer data)
{
  ParasolPatientListView *self = data;

  self->sort_idle = 0;
  read_sort_from_titles (self, self->sort_adopt);
  self->sort_adopt = FALSE;

  return G_SOURCE_REMOVE;
}

static void
on_column_sorter_changed (ParasolPatientListView *self,
                          GtkSorterChange         change,
                          GtkSorter              *sorter)
{
  gboolean sorting = gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE;

  /* The columns go away in dispose, after the template's models. */
  if (self->sort_model == NULL)
    return;

  /* A first screenful (or page) sorted alone would show other patients than the whole list
   * sorted. */
  if (sorting)
    {
      show_whole_model (self);
      if (self->model != NULL && PARASOL_IS_PATIENT_LIST (self->model))
        parasol_patient_list_complete (PARASOL_PATIENT_LIST (self->model));
    }
  gtk_sort_list_model_set_sorter (self->sort_model, sorting ? sorter : NULL);
  /* The titles show the new sort indicator once the change has gone round. */
  self->sort_adopt |= !self->applying_sort;
  if (self->sort_idle == 0)
    self->sort_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, read_sort_idle, self, NULL);
}

/* Sorts the table by the column named @id ("arm"; see sort_columns), ascending or descending.
 * An unknown name sorts by screening number. */
static void
apply_sort (ParasolPatientListView *self,
            const char             *id,
            gboolean                descending)
{
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (sort_columns); i++)
    if (g_strcmp0 (sort_columns[i].id, id) == 0)
      found = i;

  if (g_strcmp0 (self->sort_column_id, sort_columns[found].id) != 0)
    {
      self->sort_column_id = sort_columns[found].id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_COLUMN]);
    }
  if (self->sort_descending != descending)
    {
      self->sort_descending = descending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_DESCENDING]);
    }

  self->applying_sort = TRUE;
  /* The store lists by screening number already: the default order costs no sorting. */
  if (found == 0 && !descending)
    gtk_column_view_sort_by_column (self->column_view, NULL, GTK_SORT_ASCENDING);
  else
    gtk_column_view_sort_by_column (self->column_view, SORT_COLUMN_AT (self, found),
                                    descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  clear_stale_indicators (self, found == 0 && !descending ? NULL : SORT_COLUMN_AT (self, found));
  self->applying_sort = FALSE;
}

/* Column headers sort by keyboard too.  GTK 4.8's column titles take no focus and offer no
 * API for it: each title of the header row becomes a Tab stop, where Enter or Space sorts the
 * list by its column, and again in the other direction. */

static GtkSortType
title_sort_order (GtkWidget *widget,
                  gboolean  *sorted)
{
  /* GTK marks the sort indicator of the sorting column "ascending" or "descending". */
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSortType order;

      if (gtk_widget_has_css_class (child, "ascending"))
        {
          *sorted = TRUE;
          return GTK_SORT_ASCENDING;
        }
      if (gtk_widget_has_css_class (child, "descending"))
        {
          *sorted = TRUE;
          return GTK_SORT_DESCENDING;
        }
      order = title_sort_order (child, sorted);
      if (*sorted)
        return order;
    }

  return GTK_SORT_ASCENDING;
}

static void
sort_by_title (ParasolPatientListView *self,
               GtkWidget              *title)
{
  GtkColumnViewColumn *column = g_object_get_data (G_OBJECT (title), "parasol-column");
  gboolean sorted = FALSE;
  GtkSortType order;

  if (column == NULL || gtk_column_view_column_get_sorter (column) == NULL)
    return;

  order = title_sort_order (title, &sorted);
  if (sorted && order == GTK_SORT_ASCENDING)
    order = GTK_SORT_DESCENDING;
  else
    order = GTK_SORT_ASCENDING;

  gtk_column_view_sort_by_column (self->column_view, column, order);
  clear_stale_indicators (self, column);
}

static gboolean
on_title_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      ParasolPatientListView *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      sort_by_title (self, gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
      return TRUE;

    default:
      return FALSE;
    }
}

static void
make_titles_focusable (ParasolPatientListView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      guint i = 0;

      /* The list inside the table would read "GtkColumnListView". */
      if (g_strcmp0 (gtk_widget_get_css_name (child), "listview") == 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Patients"), -1);

      if (g_strcmp0 (gtk_widget_get_css_name (child), "header") != 0)
        continue;

      /* GTK keeps focus out of the header row. */
      gtk_widget_set_can_focus (child, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Column headers"), -1);

      /* One title per column, in the columns' order. */
      for (GtkWidget *title = gtk_widget_get_first_child (child);
           title != NULL && i < g_list_model_get_n_items (columns);
           title = gtk_widget_get_next_sibling (title), i++)
        {
          g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
          GtkEventController *keys = gtk_event_controller_key_new ();

          g_object_set_data (G_OBJECT (title), "parasol-column", column);
          gtk_widget_set_focusable (title, TRUE);
          g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_title_key_pressed), self,
                                   0);
          gtk_widget_add_controller (title, keys);
          gtk_accessible_update_property (GTK_ACCESSIBLE (title),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          gtk_column_view_column_get_title (column),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                          _("Press Enter to sort by this column"),
                                          -1);
        }
    }
}

static void
parasol_patient_list_view_init (ParasolPatientListView *self)
{
  self->course_cells = g_hash_table_new (NULL, NULL);
  self->sort_column_id = "screening-number";
  self->words = g_array_new (FALSE, TRUE, sizeof (QueryWord));
  g_array_set_clear_func (self->words, query_word_clear);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The template has "All statuses"; each status follows with its one label. */
  for (guint i = 0; i < G_N_ELEMENTS (status_filter_statuses); i++)
    gtk_string_list_append (GTK_STRING_LIST (gtk_drop_down_get_model (self->status_filter)),
                            parasol_patient_status_to_label (status_filter_statuses[i]));

  parasol_accessible_name_drop_down (self->status_filter, _("Status filter"));

  /* No filter function means "match all": GtkFilterListModel then skips the items entirely,
   * which keeps a 100 000-patient list cheap until someone actually searches. */
  self->filter = gtk_custom_filter_new (NULL, NULL, NULL);
  gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->filter));
  /* The store already lists patients by screening number: the sort model only gets the
   * column view's sorter once someone clicks a column header, so a big list is not walked
   * (and every patient object made) just to show the first screenful. */
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_column_sorter_changed), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_filter_items_changed), self, G_CONNECT_SWAPPED);

  parasol_patient_list_view_set_cell_factories (self);
  make_titles_focusable (self);
  update_state (self);
}

GtkWidget *
parasol_patient_list_view_new (void)
{
  return g_object_new (PARASOL_TYPE_PATIENT_LIST_VIEW, NULL);
}

/* Rows in the first screenful: at most a maximized window's at 1920x1200, else as many as the
 * window's height holds below the header bar, the filter bar and the column titles, with
 * Adwaita's default font, and a spare one.  With a smaller font the last rows come a frame
 * later, with the rest. */
#define FIRST_SCREEN_MAX_ROWS 64
#define ROW_HEIGHT            28
#define ABOVE_THE_ROWS        130

static guint
first_screen_rows (ParasolPatientListView *self)
{
  int width, height;

  if (!window_default_size (self, &width, &height))
    return FIRST_SCREEN_MAX_ROWS;

  return CLAMP ((height - ABOVE_THE_ROWS) / ROW_HEIGHT + 2, 2, FIRST_SCREEN_MAX_ROWS);
}

/* The whole model from now on.  The slice grows in place: the rows made stay. */
static void
show_whole_model (ParasolPatientListView *self)
{
  if (self->first_screen_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->first_screen_tick);
      self->first_screen_tick = 0;
    }
  if (self->first_screen == NULL)
    return;

  if (self->model != NULL &&
      gtk_slice_list_model_get_model (self->first_screen) == self->model)
    gtk_slice_list_model_set_size (self->first_screen, G_MAXUINT);
  else
    gtk_filter_list_model_set_model (self->filter_model, self->model);
  g_clear_object (&self->first_screen);
}

static gboolean
first_screen_painted (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (widget);
  gint64 *first_frame = &self->first_screen_frame;

  /* Tick callbacks run before the frame is laid out and painted: wait for the next one. */
  if (*first_frame == 0)
    {
      *first_frame = gdk_frame_clock_get_frame_counter (clock);
      return G_SOURCE_CONTINUE;
    }
  if (gdk_frame_clock_get_frame_counter (clock) == *first_frame)
    return G_SOURCE_CONTINUE;

  self->first_screen_tick = 0;
  show_whole_model (self);
  update_state (self);

  return G_SOURCE_REMOVE;
}

/* The courses read the store for each row shown: after the first frame, not before it. */
static gboolean
courses_after_first_frame (GtkWidget     *widget,
                           GdkFrameClock *clock,
                           gpointer       user_data)
{
  ParasolPatientListView *self = PARASOL_PATIENT_LIST_VIEW (widget);

  if (self->course_frame == 0)
    {
      self->course_frame = gdk_frame_clock_get_frame_counter (clock);
      return G_SOURCE_CONTINUE;
    }
  if (gdk_frame_clock_get_frame_counter (clock) == self->course_frame)
    return G_SOURCE_CONTINUE;

  self->course_tick = 0;
  /* The rest of a paged list, now that the first screenful is painted. */
  if (self->model != NULL && PARASOL_IS_PATIENT_LIST (self->model))
    parasol_patient_list_complete (PARASOL_PATIENT_LIST (self->model));
  {
    g_autoptr(GList) cells = g_hash_table_get_keys (self->course_cells);

    g_hash_table_remove_all (self->course_cells);
    for (GList *l = cells; l != NULL; l = l->next)
      if (gtk_list_item_get_item (l->data) != NULL)
        parasol_patient_list_view_bind_course_cell (self, l->data);
  }

  return G_SOURCE_REMOVE;
}

GListModel *
parasol_patient_list_view_get_model (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return self->model;
}

void
parasol_patient_list_view_set_model (ParasolPatientListView *self,
                                     GListModel             *model)
{
  g_return_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (model != NULL)
    g_return_if_fail (g_type_is_a (g_list_model_get_item_type (model), PARASOL_TYPE_PATIENT));

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);

  g_set_object (&self->model, model);

  if (self->model != NULL)
    g_signal_connect_object (self->model, "items-changed",
                             G_CALLBACK (on_model_items_changed), self, G_CONNECT_SWAPPED);
  if (self->model != NULL && PARASOL_IS_PATIENT_LIST (self->model))
    g_signal_connect_object (self->model, "notify::n-patients", G_CALLBACK (update_state), self,
                             G_CONNECT_SWAPPED);

  show_whole_model (self);
  if (self->course_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->course_tick);
      self->course_tick = 0;
    }
  if (model != NULL && PARASOL_IS_PATIENT_LIST (model) &&
      (gtk_widget_get_mapped (GTK_WIDGET (self)) ||
       gtk_sort_list_model_get_sorter (self->sort_model) != NULL))
    parasol_patient_list_complete (PARASOL_PATIENT_LIST (model));
  if (model != NULL && !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->course_frame = 0;
      self->course_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                        courses_after_first_frame, NULL, NULL);
    }
  /* Sorted by a column (GSettings), the first screenful would be other patients. */
  if (model != NULL && g_list_model_get_n_items (model) > first_screen_rows (self) &&
      gtk_widget_get_mapped (GTK_WIDGET (self)) == FALSE &&
      gtk_sort_list_model_get_sorter (self->sort_model) == NULL)
    {
      /* Before its first allocation GtkListView makes and measures up to 200 rows: give it a
       * screenful, and the rest once that is painted. */
      self->first_screen = gtk_slice_list_model_new (g_object_ref (model), 0,
                                                     first_screen_rows (self));
      self->first_screen_frame = 0;
      gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->first_screen));
      self->first_screen_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                              first_screen_painted, NULL, NULL);
    }
  else
    gtk_filter_list_model_set_model (self->filter_model, model);
  update_state (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

ParasolProtocol *
parasol_patient_list_view_get_protocol (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return self->protocol;
}

void
parasol_patient_list_view_set_protocol (ParasolPatientListView *self,
                                        ParasolProtocol        *protocol)
{
  g_return_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self));
  g_return_if_fail (protocol == NULL || PARASOL_IS_PROTOCOL (protocol));

  if (!g_set_object (&self->protocol, protocol))
    return;

  /* Rebinds the visible arm cells with the names, and the courses with the calendar. */
  parasol_patient_list_view_rebind_protocol_cells (self);
  if (self->query != NULL)
    {
      update_query_words (self);
      refilter (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL]);
}

void
parasol_patient_list_view_focus_search (ParasolPatientListView *self)
{
  g_return_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

void
parasol_patient_list_view_clear_filters (ParasolPatientListView *self)
{
  g_return_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->status_filter, PARASOL_STATUS_FILTER_ALL);

  /* Do not wait for the search entry's delay. */
  if (self->query != NULL)
    {
      g_clear_pointer (&self->query, g_free);
      update_query_words (self);
      refilter (self);
    }
}

GListModel *
parasol_patient_list_view_get_filtered_model (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return G_LIST_MODEL (self->filter_model);
}

guint
parasol_patient_list_view_get_n_visible (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), 0);

  /* Until the first screenful is painted, nothing is filtered and the rest is still to come. */
  if ((self->first_screen != NULL ||
       (self->model != NULL && PARASOL_IS_PATIENT_LIST (self->model) &&
        !parasol_patient_list_is_complete (PARASOL_PATIENT_LIST (self->model)))) &&
      self->query == NULL && self->status == NULL)
    return n_patients (self);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}

const char *
parasol_patient_list_view_get_visible_page (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GtkColumnView *
parasol_patient_list_view_get_column_view (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return self->column_view;
}

GtkEditable *
parasol_patient_list_view_get_search_entry (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

GtkDropDown *
parasol_patient_list_view_get_status_filter (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return self->status_filter;
}

GtkLabel *
parasol_patient_list_view_get_count_label (ParasolPatientListView *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self), NULL);

  return self->count_label;
}

void
parasol_patient_list_view_bind_settings (ParasolPatientListView *self,
                                         GSettings              *settings)
{
  g_return_if_fail (PARASOL_IS_PATIENT_LIST_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "patient-sort-column", self, "sort-column", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "patient-sort-descending", self, "sort-descending",
                   G_SETTINGS_BIND_DEFAULT);
}
