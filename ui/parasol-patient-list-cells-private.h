/* parasol-patient-list-cells-private.h — the patient list view's instance, shared by
 * parasol-patient-list-view.c and its cell factories in parasol-patient-list-cells.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "parasol-patient.h"
#include "parasol-patient-list-view.h"
#include "parasol-protocol.h"

G_BEGIN_DECLS

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
  GtkColumnViewColumn *course_column;

  GListModel          *model;
  ParasolProtocol     *protocol;
  int                  status_width;  /* fits the widest status pill; 0 until measured */
  int                  course_width;  /* fits a long course; 0 until measured */
  guint                relayout_tick;
  GtkSliceListModel   *first_screen; /* the model, cut to a first screenful until painted */
  guint                first_screen_tick;
  gint64               first_screen_frame;
  guint                course_tick;   /* courses wait for the first painted frame */
  gint64               course_frame;
  GHashTable          *course_cells;  /* GtkListItem bound while the courses wait */
  int                  fitted_width;
  GtkCustomFilter     *filter;
  char                *query;       /* casefolded, NULL when empty */
  GArray              *words;       /* QueryWord: the query's words and what they name */
  const char          *status;      /* status id to keep, NULL for all */
  guint                n_visible;   /* last notified */
  const char          *sort_column_id;  /* static: "screening-number", "arm", ... */
  gboolean             sort_descending;
  gboolean             applying_sort;
  guint                sort_idle;       /* reads the sort back from the titles */
  gboolean             sort_adopt;      /* ... and takes it: someone chose it */
};

/* Sets the factory of every column; each column's cells are bound from the row's patient. */
void parasol_patient_list_view_set_cell_factories       (ParasolPatientListView *self);
/* Rebinds the visible cells that read the protocol (arm names, courses). */
void parasol_patient_list_view_rebind_protocol_cells    (ParasolPatientListView *self);
/* Binds @list_item's Course cell again, once the courses no longer wait. */
void parasol_patient_list_view_bind_course_cell         (ParasolPatientListView *self,
                                                         GtkListItem            *list_item);

/* The text of @patient's Course cell ("Died 2026-05-03 · PD"), worked out now if need be;
 * NULL when there is nothing to show. */
char    *parasol_patient_list_view_dup_course_text (ParasolPatientListView *self,
                                                    ParasolPatient         *patient);
/* Whether the casefolded @folded can be part of some Course cell's text, in the interface
 * language: "died", "pd", "not recorded", "2026-05"; never "dll3". */
gboolean parasol_patient_list_view_course_may_hold (const char *folded);
/* A long Course cell's text in the interface language, to measure the column by. */
char    *parasol_patient_list_view_long_course_text (void);

G_END_DECLS
