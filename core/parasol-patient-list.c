/* parasol-patient-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows are kept as compact structs whose strings live in a GStringChunk (one allocation per
 * few kilobytes instead of ten per patient); GObjects are made only for the rows a view asks
 * for.  A changed row's old strings stay in the chunk until the next reload: bounded by the
 * number of edits, and freed in one go.
 */
#define G_LOG_DOMAIN "parasol-patient-list"

#include "config.h"

#include <string.h>

#include "parasol-patient-list.h"
#include "parasol-patient-private.h"

typedef struct {
  ParasolPatientRow row;         /* strings point into self->strings */
  char             *search_text; /* casefolded, built on first filter; g_free'd */
  ParasolPatient   *item;        /* created on demand */
} Row;

struct _ParasolPatientList
{
  GObject       parent_instance;

  ParasolStore *store;
  GArray       *rows;       /* Row, ordered by screening number */
  GStringChunk *strings;
  GHashTable   *coursed;    /* ids of the patients whose item holds a course */
  guint         first_page; /* rows read at construction, 0: all */
  gboolean      partial;    /* the rows after the first page are still to be read */
  guint         n_total;    /* while partial: how many patients there are */
  guint         counting;   /* while partial: the count asked for, still to come; 0: none */
  guint         counts;     /* counts asked for, so that only the last one is taken */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParasolPatientList, parasol_patient_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_ITEMS,
  PROP_FIRST_PAGE,
  PROP_N_PATIENTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->search_text, g_free);
  g_clear_object (&row->item);
}

static const char *
intern (GStringChunk *chunk,
        const char   *str)
{
  return str != NULL ? g_string_chunk_insert (chunk, str) : NULL;
}

static void
row_fill (ParasolPatientList      *self,
          Row                     *dst,
          const ParasolPatientRow *src)
{
  memset (dst, 0, sizeof *dst);
  dst->row.id = src->id;
  dst->row.version = src->version;
  dst->row.screening_number = intern (self->strings, src->screening_number);
  dst->row.subject_number = intern (self->strings, src->subject_number);
  dst->row.initials = intern (self->strings, src->initials);
  dst->row.sex = intern (self->strings, src->sex);
  dst->row.birth_date = intern (self->strings, src->birth_date);
  dst->row.site = intern (self->strings, src->site);
  dst->row.status = intern (self->strings, src->status);
  dst->row.arm = intern (self->strings, src->arm);
  dst->row.screening_date = intern (self->strings, src->screening_date);
  dst->row.c1d1 = intern (self->strings, src->c1d1);
}

static void
append_row_cb (const ParasolPatientRow *src,
               gpointer                 user_data)
{
  ParasolPatientList *self = user_data;
  Row row;

  row_fill (self, &row, src);
  g_array_append_val (self->rows, row);
}

/* Where a row with @screening_number belongs (binary search; SQLite's BINARY order). */
static guint
insertion_position (ParasolPatientList *self,
                    const char         *screening_number)
{
  guint lo = 0, hi = self->rows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const Row *r = &g_array_index (self->rows, Row, mid);

      if (strcmp (r->row.screening_number, screening_number) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Among the rows read so far. */
static guint
find_loaded (ParasolPatientList *self,
             gint64              patient_id)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (g_array_index (self->rows, Row, i).row.id == patient_id)
      return i;
  return G_MAXUINT;
}

guint
parasol_patient_list_find (ParasolPatientList *self,
                           gint64              patient_id)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST (self), G_MAXUINT);

  parasol_patient_list_complete (self);
  return find_loaded (self, patient_id);
}

typedef struct {
  gboolean          found;
  ParasolPatientRow row;
  GStringChunk     *chunk;
} FetchOne;

static void
fetch_one_cb (const ParasolPatientRow *src,
              gpointer                 user_data)
{
  FetchOne *f = user_data;

  f->found = TRUE;
  f->row = *src;
  f->row.screening_number = intern (f->chunk, src->screening_number);
  f->row.subject_number = intern (f->chunk, src->subject_number);
  f->row.initials = intern (f->chunk, src->initials);
  f->row.sex = intern (f->chunk, src->sex);
  f->row.birth_date = intern (f->chunk, src->birth_date);
  f->row.site = intern (f->chunk, src->site);
  f->row.status = intern (f->chunk, src->status);
  f->row.arm = intern (f->chunk, src->arm);
  f->row.screening_date = intern (f->chunk, src->screening_date);
  f->row.c1d1 = intern (f->chunk, src->c1d1);
}

static void
emit_items_changed (ParasolPatientList *self,
                    guint               position,
                    guint               removed,
                    guint               added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
update_patient (ParasolPatientList *self,
                gint64              patient_id)
{
  g_autoptr(GStringChunk) tmp = g_string_chunk_new (256);
  FetchOne fetched = { FALSE, { 0 }, tmp };
  guint old_pos = find_loaded (self, patient_id);
  guint new_pos;
  Row row;

  if (!parasol_store_foreach_patient (self->store, patient_id, fetch_one_cb, &fetched, NULL))
    return;

  /* Not read yet, and beyond what was: the rest, when it is read, has it as it is now. */
  if (self->partial && old_pos == G_MAXUINT &&
      (!fetched.found || self->rows->len == 0 ||
       strcmp (fetched.row.screening_number,
               g_array_index (self->rows, Row, self->rows->len - 1).row.screening_number) > 0))
    return;

  if (!fetched.found)
    {
      if (old_pos != G_MAXUINT)
        {
          row_clear (&g_array_index (self->rows, Row, old_pos));
          g_array_remove_index (self->rows, old_pos);
          emit_items_changed (self, old_pos, 1, 0);
        }
      return;
    }

  if (old_pos != G_MAXUINT)
    {
      Row *old = &g_array_index (self->rows, Row, old_pos);

      /* Records of the patient changed (a lab, say), not the summary row. */
      if (old->row.version == fetched.row.version)
        return;

      if (g_strcmp0 (old->row.screening_number, fetched.row.screening_number) == 0)
        {
          row_clear (old);
          row_fill (self, old, &fetched.row);
          emit_items_changed (self, old_pos, 1, 1);
          return;
        }

      /* The sort key changed: the row moves. */
      row_clear (old);
      g_array_remove_index (self->rows, old_pos);
      emit_items_changed (self, old_pos, 1, 0);
    }

  row_fill (self, &row, &fetched.row);
  new_pos = insertion_position (self, row.row.screening_number);
  g_array_insert_val (self->rows, new_pos, row);
  emit_items_changed (self, new_pos, 0, 1);
}

static void
load_all_clear (ParasolPatientList *self)
{
  g_hash_table_remove_all (self->coursed);
  for (guint i = 0; i < self->rows->len; i++)
    row_clear (&g_array_index (self->rows, Row, i));
  g_array_set_size (self->rows, 0);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  self->strings = g_string_chunk_new (64 * 1024);
  self->counting = 0;  /* a count still to come is of the rows before */
}

static void
load_all (ParasolPatientList *self)
{
  load_all_clear (self);
  self->partial = FALSE;
  if (!parasol_store_foreach_patient (self->store, 0, append_row_cb, self, NULL))
    g_warning ("Could not read the patient list");
}

typedef struct {
  ParasolPatientList *list;
  guint               count;
} Counting;

static void
count_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Counting *counting = user_data;
  ParasolPatientList *self = counting->list;
  g_autoptr(GError) error = NULL;
  gint64 n = parasol_store_count_patients_finish (PARASOL_STORE (source), result, &error);

  if (self->counting == counting->count)
    {
      if (n < 0)
        {
          g_debug ("%s; counting on the store's connection", error->message);
          n = parasol_store_count_patients (self->store);
        }
      self->counting = 0;
      self->n_total = (guint) n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PATIENTS]);
    }
  g_object_unref (self);
  g_free (counting);
}

/* The first screenful only; the rest in parasol_patient_list_complete().  How many patients
 * there are comes a moment later, from a worker thread. */
static void
load_first_page (ParasolPatientList *self)
{
  load_all_clear (self);
  if (!parasol_store_foreach_patient_after (self->store, NULL, self->first_page, append_row_cb,
                                            self, NULL))
    g_warning ("Could not read the patient list");
  self->partial = self->rows->len == self->first_page;
  self->n_total = self->rows->len;
  if (self->partial)
    {
      Counting *counting = g_new0 (Counting, 1);

      counting->list = g_object_ref (self);
      counting->count = self->counting = ++self->counts;
      parasol_store_count_patients_async (self->store, NULL, count_done_cb, counting);
    }
}

void
parasol_patient_list_complete (ParasolPatientList *self)
{
  guint old_n;

  g_return_if_fail (PARASOL_IS_PATIENT_LIST (self));

  if (!self->partial)
    return;

  old_n = self->rows->len;
  self->partial = FALSE;
  if (!parasol_store_foreach_patient_after (self->store,
                                            old_n > 0 ? g_array_index (self->rows, Row,
                                                                       old_n - 1).row.screening_number
                                                      : NULL,
                                            -1, append_row_cb, self, NULL))
    g_warning ("Could not read the patient list");
  if (self->rows->len > old_n)
    emit_items_changed (self, old_n, 0, self->rows->len - old_n);
}

gboolean
parasol_patient_list_is_counted (ParasolPatientList *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST (self), TRUE);

  return !self->partial || self->counting == 0;
}

gboolean
parasol_patient_list_is_complete (ParasolPatientList *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST (self), TRUE);

  return !self->partial;
}

guint
parasol_patient_list_get_n_patients (ParasolPatientList *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST (self), 0);

  return self->partial ? MAX (self->n_total, self->rows->len) : self->rows->len;
}

void
parasol_patient_list_reload (ParasolPatientList *self)
{
  guint old_n;

  g_return_if_fail (PARASOL_IS_PATIENT_LIST (self));

  old_n = self->rows->len;
  load_all (self);
  if (old_n > 0 || self->rows->len > 0)
    emit_items_changed (self, 0, old_n, self->rows->len);
}

static void
store_changed_cb (ParasolPatientList *self,
                  const char         *table,
                  gint64              record,
                  gint64              patient_id,
                  ParasolStoreChange  kind,
                  ParasolStore       *store)
{
  if (kind == PARASOL_STORE_CHANGE_RELOAD)
    {
      parasol_patient_list_reload (self);
      return;
    }

  if (g_strcmp0 (table, "patient") == 0)
    update_patient (self, record);
  else if (patient_id > 0 &&
           g_hash_table_remove (self->coursed, GINT_TO_POINTER (patient_id)))
    {
      /* A dose, response or event: the course shown is out of date. */
      guint pos = find_loaded (self, patient_id);

      if (pos != G_MAXUINT)
        {
          g_clear_object (&g_array_index (self->rows, Row, pos).item);
          emit_items_changed (self, pos, 1, 1);
        }
    }
}

const ParasolCourse *
parasol_patient_list_get_course (ParasolPatientList *self,
                                 ParasolProtocol    *protocol,
                                 ParasolPatient     *patient)
{
  g_autoptr(ParasolPatientFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST (self), NULL);
  g_return_val_if_fail (protocol == NULL || PARASOL_IS_PROTOCOL (protocol), NULL);
  g_return_val_if_fail (PARASOL_IS_PATIENT (patient), NULL);

  if (parasol_patient_get_course (patient) != NULL)
    return parasol_patient_get_course (patient);
  /* Without the protocol there is no calendar to count against: nothing to keep. */
  if (protocol == NULL)
    return NULL;

  id = parasol_patient_get_id (patient);
  facts = parasol_store_load_patient (self->store, id, &error);
  if (facts == NULL)
    {
      g_debug ("No course for patient %" G_GINT64_FORMAT ": %s", id, error->message);
      return NULL;
    }

  parasol_patient_set_course (patient, parasol_course_new (protocol, facts, NULL));
  g_hash_table_add (self->coursed, GINT_TO_POINTER (id));
  return parasol_patient_get_course (patient);
}

typedef struct {
  ParasolPatientList *list;
  ParasolProtocol    *protocol;
  GHashTable         *positions;  /* patient id -> position + 1 */
  GDate               today;      /* once: the local time zone is read from disk each time */
} LoadingCourses;

static void
course_facts_cb (const ParasolPatientFacts *facts,
                 gpointer                   user_data)
{
  LoadingCourses *loading = user_data;
  guint position = GPOINTER_TO_UINT (g_hash_table_lookup (loading->positions,
                                                          GINT_TO_POINTER (facts->id)));
  g_autoptr(ParasolPatient) patient = NULL;

  if (position == 0)
    return;
  patient = g_list_model_get_item (G_LIST_MODEL (loading->list), position - 1);
  if (parasol_patient_get_course (patient) != NULL)
    return;
  parasol_patient_set_course (patient, parasol_course_new (loading->protocol, facts,
                                                          &loading->today));
  g_hash_table_add (loading->list->coursed, GINT_TO_POINTER (facts->id));
}

void
parasol_patient_list_load_courses (ParasolPatientList *self,
                                   ParasolProtocol    *protocol)
{
  g_autoptr(GHashTable) positions = NULL;
  g_autoptr(GError) error = NULL;
  LoadingCourses loading;
  gboolean all = TRUE;

  g_return_if_fail (PARASOL_IS_PATIENT_LIST (self));
  g_return_if_fail (protocol == NULL || PARASOL_IS_PROTOCOL (protocol));

  if (protocol == NULL)
    return;
  parasol_patient_list_complete (self);
  for (guint i = 0; i < self->rows->len && all; i++)
    all = g_hash_table_contains (self->coursed,
                                 GINT_TO_POINTER (g_array_index (self->rows, Row, i).row.id));
  if (all)
    return;

  positions = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < self->rows->len; i++)
    g_hash_table_insert (positions, GINT_TO_POINTER (g_array_index (self->rows, Row, i).row.id),
                         GUINT_TO_POINTER (i + 1));
  loading.list = self;
  loading.protocol = protocol;
  loading.positions = positions;
  parasol_date_set_today (&loading.today);
  if (!parasol_store_foreach_course_facts (self->store, course_facts_cb, &loading, &error))
    g_warning ("Could not work out the courses: %s", error->message);
}

guint
parasol_patient_list_filter (ParasolPatientList *self,
                             const char         *query,
                             GArray             *positions)
{
  g_autofree char *folded = NULL;
  guint n = 0;

  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST (self), 0);

  parasol_patient_list_complete (self);
  folded = g_utf8_casefold (query != NULL ? query : "", -1);
  if (positions != NULL)
    g_array_set_size (positions, 0);

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      if (row->search_text == NULL)
        row->search_text = parasol_patient_build_search_text (&row->row);

      if (parasol_search_text_matches (row->search_text, folded))
        {
          if (positions != NULL)
            g_array_append_val (positions, i);
          n++;
        }
    }

  return n;
}

ParasolStore *
parasol_patient_list_get_store (ParasolPatientList *self)
{
  g_return_val_if_fail (PARASOL_IS_PATIENT_LIST (self), NULL);
  return self->store;
}

ParasolPatientList *
parasol_patient_list_new_paged (ParasolStore *store,
                                guint         first_page)
{
  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  return g_object_new (PARASOL_TYPE_PATIENT_LIST, "store", store, "first-page", first_page, NULL);
}

ParasolPatientList *
parasol_patient_list_new (ParasolStore *store)
{
  g_return_val_if_fail (PARASOL_IS_STORE (store), NULL);
  return g_object_new (PARASOL_TYPE_PATIENT_LIST, "store", store, NULL);
}

/* GListModel */

static GType
parasol_patient_list_get_item_type (GListModel *model)
{
  return PARASOL_TYPE_PATIENT;
}

static guint
parasol_patient_list_get_n_items (GListModel *model)
{
  return PARASOL_PATIENT_LIST (model)->rows->len;
}

static gpointer
parasol_patient_list_get_item (GListModel *model,
                               guint       position)
{
  ParasolPatientList *self = PARASOL_PATIENT_LIST (model);
  Row *row;

  if (position >= self->rows->len)
    return NULL;

  row = &g_array_index (self->rows, Row, position);
  if (row->item == NULL)
    row->item = parasol_patient_new_from_row (&row->row, row->search_text);
  return g_object_ref (row->item);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = parasol_patient_list_get_item_type;
  iface->get_n_items = parasol_patient_list_get_n_items;
  iface->get_item = parasol_patient_list_get_item;
}

/* GObject */

static void
parasol_patient_list_constructed (GObject *object)
{
  ParasolPatientList *self = PARASOL_PATIENT_LIST (object);

  G_OBJECT_CLASS (parasol_patient_list_parent_class)->constructed (object);

  g_return_if_fail (self->store != NULL);
  if (self->first_page > 0)
    load_first_page (self);
  else
    load_all (self);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
parasol_patient_list_finalize (GObject *object)
{
  ParasolPatientList *self = PARASOL_PATIENT_LIST (object);

  for (guint i = 0; i < self->rows->len; i++)
    row_clear (&g_array_index (self->rows, Row, i));
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->coursed, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (parasol_patient_list_parent_class)->finalize (object);
}

static void
parasol_patient_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ParasolPatientList *self = PARASOL_PATIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows->len);
      break;
    case PROP_FIRST_PAGE:
      g_value_set_uint (value, self->first_page);
      break;
    case PROP_N_PATIENTS:
      g_value_set_uint (value, parasol_patient_list_get_n_patients (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_patient_list_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ParasolPatientList *self = PARASOL_PATIENT_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_FIRST_PAGE:
      self->first_page = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parasol_patient_list_class_init (ParasolPatientListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = parasol_patient_list_constructed;
  object_class->finalize = parasol_patient_list_finalize;
  object_class->get_property = parasol_patient_list_get_property;
  object_class->set_property = parasol_patient_list_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, PARASOL_TYPE_STORE,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_PAGE] = g_param_spec_uint ("first-page", NULL, NULL, 0, G_MAXUINT, 0,
                                                   G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                   G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PATIENTS] = g_param_spec_uint ("n-patients", NULL, NULL, 0, G_MAXUINT, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parasol_patient_list_init (ParasolPatientList *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  self->strings = g_string_chunk_new (64 * 1024);
  self->coursed = g_hash_table_new (NULL, NULL);
}
