/* parasol-patient-section.h — what the sections of the patient page share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The patient page (ParasolPatientPage) loads the patient and asks the engines once per reload;
 * it hands the results to each of its sections (eligibility, biomarkers and arm, doses,
 * calendar) as one ParasolPatientContext through the ParasolPatientSection interface, in the
 * way of gnome-calendar's event-editor sections.  A section keeps nothing of the context after
 * update() returns: it only formats it into rows.
 *
 * Also here: the small row and formatting helpers every section uses.
 */
#pragma once

#include <adwaita.h>

#include "parasol-assignment.h"
#include "parasol-course.h"
#include "parasol-eligibility.h"
#include "parasol-patient-dosing.h"
#include "parasol-protocol.h"
#include "parasol-schedule.h"
#include "parasol-store.h"

G_BEGIN_DECLS

typedef struct {
  ParasolStore               *store;
  gint64                      patient_id;
  ParasolProtocol            *protocol;
  const ParasolPatientFacts  *facts;
  const ParasolEligibility   *eligibility;
  const ParasolAssignment    *assignment;
  /* Doses and calendar: NULL before C1D1, without a regimen, or when it cannot be built
   * (then plan_error says why). */
  const ParasolPatientPlan   *plan;
  const char                 *plan_error;
  const ParasolScheduleCycle *next;        /* the next cycle to start, or NULL */
  const ParasolScheduleCycle *dose_cycle;  /* the cycle whose doses are shown, or NULL */
  gboolean                    no_treatment; /* failed screening and has no calendar */
  /* End of treatment, death, last response.  When course->ended, next and dose_cycle are
   * NULL: there is nothing left to give. */
  const ParasolCourse        *course;
} ParasolPatientContext;

#define PARASOL_TYPE_PATIENT_SECTION (parasol_patient_section_get_type ())
G_DECLARE_INTERFACE (ParasolPatientSection, parasol_patient_section, PARASOL, PATIENT_SECTION,
                     GtkWidget)

struct _ParasolPatientSectionInterface
{
  GTypeInterface parent_iface;

  /* Shows @context; NULL clears the section (no patient, or it cannot be loaded). */
  void (*update) (ParasolPatientSection       *self,
                  const ParasolPatientContext *context);
};

void        parasol_patient_section_update    (ParasolPatientSection       *self,
                                               const ParasolPatientContext *context);

/* ---- Shared by the sections ---- */

/* Whether the patient's stored status is @status. */
gboolean    parasol_section_has_status        (const ParasolPatientFacts *facts,
                                               ParasolPatientStatus       status);
/* "2025-10-30", or "—" for NULL or an invalid date. */
char       *parasol_section_format_date       (const GDate *date);
/* "200 mg", "8 × 10⁸ cells"; "—" when not finite. */
char       *parasol_section_format_amount     (double      value,
                                               const char *unit);
/* "%.*f UNIT"; "—" when not finite. */
char       *parasol_section_format_fixed      (double      value,
                                               int         decimals,
                                               const char *unit);
/* The translated arm name, the id when the protocol does not know it, NULL for no arm. */
char       *parasol_section_arm_name          (ParasolProtocol *protocol,
                                               const char      *arm_id);
/* "DLL3 arm and XPO1 arm" */
char       *parasol_section_join_arm_names    (ParasolProtocol *protocol,
                                               GPtrArray       *arm_ids);
char       *parasol_section_join_marker_names (ParasolProtocol *protocol,
                                               GPtrArray       *marker_ids);

GtkWidget  *parasol_section_action_row        (const char *title,
                                               const char *subtitle);
GtkWidget  *parasol_section_expander_row      (const char *title,
                                               const char *subtitle);
/* An icon that carries meaning: coloured by @css_class, named @label for screen readers. */
GtkWidget  *parasol_section_status_icon       (const char *icon_name,
                                               const char *css_class,
                                               const char *label);
GtkWidget  *parasol_section_badge             (const char *text,
                                               const char *css_class);
/* A selectable, right-aligned number at the end of a row. */
GtkWidget  *parasol_section_value_label       (const char *text);
/* A row of wrapped, selectable text, for details under an expander. */
GtkWidget  *parasol_section_text_row          (const char *text,
                                               const char *css_class);
/* A row with an icon, for warnings and notes. */
GtkWidget  *parasol_section_note_row          (const char *icon_name,
                                               const char *css_class,
                                               const char *icon_label,
                                               const char *title,
                                               const char *subtitle);

/* Adds @row to @group and remembers it in @added, so that parasol_section_remove_rows() can
 * take it away again on the next update (the rows of the template stay). */
void        parasol_section_add_row           (AdwPreferencesGroup *group,
                                               GtkWidget           *row,
                                               GPtrArray           *added);
void        parasol_section_remove_rows       (GPtrArray           *added);

G_END_DECLS
