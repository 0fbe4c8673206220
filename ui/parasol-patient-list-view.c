/* parasol-patient-list-view.c — the patients of the trial as a sortable, filterable table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "parasol-patient-list-view"

#include "config.h"

#include <glib/gi18n.h>

#include "parasol-patient.h"
#include "parasol-accessible.h"
#include "parasol-patient-list-view-private.h"
#include "parasol-protocol.h"
#include "parasol-status-pill.h"

struct _ParasolPatientListView
{
  GtkWidget            parent_instance;

  /* template */
  GtkWidget           *filter_bar;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *status_filter;
  GtkLabel            *count_label;
  GtkStack            *stack;
  GtkColumnView       *column_view;
  GtkSingleSelection  *selection;
  GtkSortListModel    *sort_model;
  GtkFilterListModel  *filter_model;
  GtkColumnViewColumn *screening_column;
  GtkColumnViewColumn *subject_column;
  GtkColumnViewColumn *initials_column;
  GtkColumnViewColumn *sex_column;
  GtkColumnViewColumn *birth_date_column;
  GtkColumnViewColumn *site_column;
  GtkColumnViewColumn *status_column;
  GtkColumnViewColumn *arm_column;

  GListModel          *model;
  ParasolProtocol     *protocol;
  GtkCustomFilter     *filter;
  char                *query;       /* casefolded, NULL when empty */
  const char          *status;      /* status id to keep, NULL for all */
  guint                n_visible;   /* last notified */
};

G_DEFINE_FINAL_TYPE (ParasolPatientListView, parasol_patient_list_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_PROTOCOL,
  PROP_N_VISIBLE,
  PROP_VISIBLE_PAGE,
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

/* Presentation only: the values come from ParasolPatient. */

#define PLACEHOLDER "—"

static gboolean
is_empty (const char *value)
{
  return value == NULL || *value == '\0';
}

static const char *
sex_label (const char *sex)
{
  if (is_empty (sex))
    return PLACEHOLDER;
  if (g_ascii_strcasecmp (sex, "female") == 0 || g_ascii_strcasecmp (sex, "F") == 0)
    /* Translators: sex in the patient table, keep it short */
    return C_("sex", "Female");
  if (g_ascii_strcasecmp (sex, "male") == 0 || g_ascii_strcasecmp (sex, "M") == 0)
    /* Translators: sex in the patient table, keep it short */
    return C_("sex", "Male");

  return sex;
}

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

/* Cells.  Each column has a GtkSignalListItemFactory: a label (or a status pill) filled on
 * bind from the row's ParasolPatient.  Items are immutable snapshots; a changed patient is a
 * new item, so there is nothing to watch and bind is all it takes. */

typedef enum {
  CELL_TEXT,      /* the value as it is */
  CELL_OPTIONAL,  /* the value, or a faint dash */
  CELL_SEX,       /* translated, or a faint dash */
  CELL_ARM,       /* the protocol's arm name, or a faint dash */
} CellKind;

typedef struct {
  CellKind     kind;
  const char *(*get) (ParasolPatient *patient);
  gboolean     numeric;
} CellSpec;

static const CellSpec screening_cell = { CELL_TEXT, parasol_patient_get_screening_number, TRUE };
static const CellSpec subject_cell = { CELL_OPTIONAL, parasol_patient_get_subject_number, TRUE };
static const CellSpec initials_cell = { CELL_TEXT, parasol_patient_get_initials, FALSE };
static const CellSpec sex_cell = { CELL_SEX, parasol_patient_get_sex, FALSE };
static const CellSpec birth_date_cell = { CELL_OPTIONAL, parasol_patient_get_birth_date, TRUE };
static const CellSpec site_cell = { CELL_OPTIONAL, parasol_patient_get_site, FALSE };
static const CellSpec arm_cell = { CELL_ARM, parasol_patient_get_arm, FALSE };

static void
label_cell_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  const CellSpec *spec = g_object_get_data (G_OBJECT (factory), "cell-spec");
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (spec->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
label_cell_bind (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ParasolPatientListView   *self)
{
  const CellSpec *spec = g_object_get_data (G_OBJECT (factory), "cell-spec");
  ParasolPatient *patient = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *value = spec->get (patient);
  const char *text = value;

  if (spec->kind == CELL_SEX)
    text = sex_label (value);
  else if (spec->kind == CELL_ARM && !is_empty (value) && self->protocol != NULL)
    {
      const ParasolArmDef *def = parasol_protocol_find_arm (self->protocol, value);

      if (def != NULL && def->name != NULL)
        text = parasol_protocol_translate (def->name);
    }

  if (spec->kind != CELL_TEXT && is_empty (value))
    {
      /* A faint dash, so that the values stand out. */
      gtk_label_set_label (GTK_LABEL (label), PLACEHOLDER);
      gtk_widget_set_opacity (label, 0.45);
    }
  else
    {
      gtk_label_set_label (GTK_LABEL (label), text != NULL ? text : "");
      gtk_widget_set_opacity (label, 1.0);
    }
}

static void
status_cell_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, parasol_status_pill_new ());
}

static void
status_cell_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  ParasolPatient *patient = gtk_list_item_get_item (list_item);
  ParasolStatusPill *pill = PARASOL_STATUS_PILL (gtk_list_item_get_child (list_item));

  parasol_status_pill_set_status (pill, parasol_patient_get_status (patient));
  parasol_status_pill_set_label (pill, parasol_patient_get_status_label (patient));
}

/* Setting a factory (again) rebinds every visible cell of the column. */
static void
set_label_factory (ParasolPatientListView *self,
                   GtkColumnViewColumn    *column,
                   const CellSpec         *spec)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "cell-spec", (gpointer) spec);
  g_signal_connect (factory, "setup", G_CALLBACK (label_cell_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (label_cell_bind), self);
  gtk_column_view_column_set_factory (column, factory);
}

static void
set_cell_factories (ParasolPatientListView *self)
{
  g_autoptr(GtkListItemFactory) status_factory = gtk_signal_list_item_factory_new ();

  set_label_factory (self, self->screening_column, &screening_cell);
  set_label_factory (self, self->subject_column, &subject_cell);
  set_label_factory (self, self->initials_column, &initials_cell);
  set_label_factory (self, self->sex_column, &sex_cell);
  set_label_factory (self, self->birth_date_column, &birth_date_cell);
  set_label_factory (self, self->site_column, &site_cell);
  set_label_factory (self, self->arm_column, &arm_cell);

  g_signal_connect (status_factory, "setup", G_CALLBACK (status_cell_setup), NULL);
  g_signal_connect (status_factory, "bind", G_CALLBACK (status_cell_bind), NULL);
  gtk_column_view_column_set_factory (self->status_column, status_factory);
}

static gboolean
patient_filter_func (gpointer item,
                     gpointer user_data)
{
  ParasolPatientListView *self = user_data;
  ParasolPatient *patient = item;

  if (self->status != NULL && g_strcmp0 (parasol_patient_get_status (patient), self->status) != 0)
    return FALSE;

  if (self->query != NULL && !parasol_patient_matches (patient, self->query))
    return FALSE;

  return TRUE;
}

static void
update_state (ParasolPatientListView *self)
{
  guint n_total = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  guint n_visible = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
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
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), n_total > 0);
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
static void
refilter (ParasolPatientListView *self)
{
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
  refilter (self);
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

  G_OBJECT_CLASS (parasol_patient_list_view_parent_class)->finalize (object);
}

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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
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

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROTOCOL] =
    g_param_spec_object ("protocol", NULL, NULL, PARASOL_TYPE_PROTOCOL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_VISIBLE] =
    g_param_spec_uint ("n-visible", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
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
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_status_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate);
  gtk_widget_class_bind_template_callback (widget_class, sort_key);
  gtk_widget_class_bind_template_callback (widget_class, status_rank);

  gtk_widget_class_install_action (widget_class, "list.clear-filters", NULL, clear_filters_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "patientlistview");
}

static void
on_column_sorter_changed (ParasolPatientListView *self,
                          GtkSorterChange         change,
                          GtkSorter              *sorter)
{
  gboolean sorting = gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE;

  gtk_sort_list_model_set_sorter (self->sort_model, sorting ? sorter : NULL);
}

static void
parasol_patient_list_view_init (ParasolPatientListView *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The template has "All statuses"; each status follows with its one label. */
  for (guint i = 0; i < G_N_ELEMENTS (status_filter_statuses); i++)
    gtk_string_list_append (GTK_STRING_LIST (gtk_drop_down_get_model (self->status_filter)),
                            parasol_patient_status_to_label (status_filter_statuses[i]));

  parasol_accessible_name_drop_down (self->status_filter, _("Status filter"));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);

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

  set_cell_factories (self);
  update_state (self);
}

GtkWidget *
parasol_patient_list_view_new (void)
{
  return g_object_new (PARASOL_TYPE_PATIENT_LIST_VIEW, NULL);
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

  /* Rebinds the visible arm cells with the names. */
  set_label_factory (self, self->arm_column, &arm_cell);
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
