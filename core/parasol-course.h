/* parasol-course.h — how a patient's treatment went, in a few facts for the list and the page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From the patient's facts and the protocol's regimen: the end of treatment (the first
 * discontinuation or progression event of a patient off treatment, or the death), the death,
 * the last RECIST response, and the doses of the calendar whose day has passed without a
 * record ("2 not recorded"), counted up to the end of treatment.  A cycle not yet started
 * counts once its visit window is over; an oral drug dispensed in a cycle covers its days.  No GTK, no SQL: the store
 * gives the facts, the views format the result.
 */
#pragma once

#include <glib.h>

#include "parasol-facts.h"
#include "parasol-protocol.h"

G_BEGIN_DECLS

typedef struct {
  gboolean          ended;            /* off treatment, or dead */
  GDate             end_date;         /* invalid when the end was not recorded */
  ParasolEventKind  end_kind;         /* of the event that ended treatment, when ended */
  char             *end_reason;       /* as recorded, NULL if none */
  gboolean          dead;
  GDate             death_date;
  char             *last_response;    /* CR, PR, SD, PD, NE; NULL if none */
  GDate             last_response_date;
  guint             n_not_recorded;   /* past doses of the calendar never recorded */
} ParasolCourse;

/* @today: the day to count past doses to (NULL: today).  @protocol nullable: without it no
 * doses are counted. */
ParasolCourse *parasol_course_new   (ParasolProtocol           *protocol,
                                     const ParasolPatientFacts *facts,
                                     const GDate               *today);
void           parasol_course_free  (ParasolCourse *course);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParasolCourse, parasol_course_free)

G_END_DECLS
