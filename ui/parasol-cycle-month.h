/* parasol-cycle-month.h — a month of the cycle calendar, one button per day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only lays out what it is given (the calendar section reads the days from core's schedule): a
 * mark per drug and day, shaded visit windows, delays, today.  Each day is a button named for a
 * screen reader ("12 March: Etoposide due"); the arrow keys and Tab move between them; selecting
 * one lists what is due that day, with "Record Dose…" and "Skip…" buttons that activate
 * calendar.record-dose and calendar.skip ("(iss)": cycle, drug id, YYYY-MM-DD) on an ancestor.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
  PARASOL_MONTH_MARK_DUE,           /* a dose to give */
  PARASOL_MONTH_MARK_NOT_RECORDED,  /* a past dose never recorded */
  PARASOL_MONTH_MARK_GIVEN,
  PARASOL_MONTH_MARK_SKIPPED,
  PARASOL_MONTH_MARK_ENDED,         /* planned after the end of treatment: not to be given */
  PARASOL_MONTH_MARK_DELAYED,       /* a cycle's planned day 1 that moved */
  PARASOL_MONTH_MARK_DEVIATION,
  PARASOL_MONTH_MARK_VISIT,         /* imaging and other visits */
} ParasolMonthMark;

#define PARASOL_TYPE_CYCLE_MONTH (parasol_cycle_month_get_type ())
G_DECLARE_FINAL_TYPE (ParasolCycleMonth, parasol_cycle_month, PARASOL, CYCLE_MONTH, GtkBox)

GtkWidget *parasol_cycle_month_new        (void);
/* Forgets every mark and window. */
void       parasol_cycle_month_clear      (ParasolCycleMonth *self);
/* @drug_index picks the mark's colour (the drug's place in the regimen); -1 for none.  @cycle
 * and @drug (nullable) make the day offer "Record Dose…" for DUE and NOT_RECORDED. */
void       parasol_cycle_month_add_mark   (ParasolCycleMonth *self,
                                           const GDate       *day,
                                           ParasolMonthMark   mark,
                                           int                drug_index,
                                           const char        *text,
                                           int                cycle,
                                           const char        *drug);
/* Shades @from..@to (a visit window). */
void       parasol_cycle_month_add_window (ParasolCycleMonth *self,
                                           const GDate       *from,
                                           const GDate       *to);
/* Shows the month of @day (today when NULL) and redraws. */
void       parasol_cycle_month_show_month (ParasolCycleMonth *self,
                                           const GDate       *day);
/* Redraws the month shown, after marks were added. */
void       parasol_cycle_month_refresh    (ParasolCycleMonth *self);
/* Selects @day (in the month shown) and lists what is due. */
void       parasol_cycle_month_select_day (ParasolCycleMonth *self,
                                           const GDate       *day);

G_END_DECLS
