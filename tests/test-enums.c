/* test-enums.c — the generated GEnum types and the one label of each value
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "parasol-eligibility.h"
#include "parasol-enums.h"
#include "parasol-facts.h"
#include "parasol-schedule.h"

typedef const char *(*LabelFunc) (int value);

typedef struct {
  const char *name;
  GType     (*get_type) (void);
  LabelFunc   label;
} EnumCase;

static EnumCase *
enum_cases (guint *n)
{
  static EnumCase cases[] = {
    { "patient status", parasol_patient_status_get_type, (LabelFunc) parasol_patient_status_to_label },
    { "cycle status", parasol_cycle_status_get_type, (LabelFunc) parasol_cycle_status_to_label },
    { "event kind", parasol_event_kind_get_type, (LabelFunc) parasol_event_kind_to_label },
    { "criterion status", parasol_criterion_status_get_type,
      (LabelFunc) parasol_criterion_status_to_label },
    { "verdict", parasol_verdict_get_type, (LabelFunc) parasol_verdict_to_label },
  };

  *n = G_N_ELEMENTS (cases);
  return cases;
}

/* Every value of every enum has a label of its own, and the GEnum lists exactly the values
 * the C enum declares. */
static void
test_enums_every_value_labelled (void)
{
  guint n;
  EnumCase *cases = enum_cases (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (cases[i].get_type ());
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_true (G_TYPE_IS_ENUM (cases[i].get_type ()));
      g_assert_cmpuint (klass->n_values, >=, 3);
      for (guint v = 0; v < klass->n_values; v++)
        {
          const char *label = cases[i].label (klass->values[v].value);

          g_test_message ("%s %s: %s", cases[i].name, klass->values[v].value_nick, label);
          g_assert_nonnull (label);
          g_assert_cmpstr (label, !=, "");
          /* One wording per value: no two values share a label */
          g_assert_false (g_hash_table_contains (seen, label));
          g_hash_table_add (seen, (gpointer) label);
        }
    }
}

static void
test_enums_english_labels (void)
{
  g_assert_cmpstr (parasol_patient_status_to_label (PARASOL_PATIENT_STATUS_ON_TREATMENT), ==,
                   "On treatment");
  g_assert_cmpstr (parasol_patient_status_to_label (PARASOL_PATIENT_STATUS_SCREEN_FAILED), ==,
                   "Screen failed");
  g_assert_cmpstr (parasol_cycle_status_to_label (PARASOL_CYCLE_DELAYED), ==, "Delayed");
  g_assert_cmpstr (parasol_event_kind_to_label (PARASOL_EVENT_KIND_DISCONTINUATION), ==,
                   "Discontinuation");
  g_assert_cmpstr (parasol_criterion_status_to_label (PARASOL_STATUS_MISSING), ==, "Missing data");
  g_assert_cmpstr (parasol_verdict_to_label (PARASOL_VERDICT_INCOMPLETE), ==,
                   "Screening incomplete");
}

/* The store's ids go both ways, and anything else is refused. */
static void
test_enums_store_ids (void)
{
  g_autoptr(GEnumClass) status_class = g_type_class_ref (PARASOL_TYPE_PATIENT_STATUS);
  g_autoptr(GEnumClass) kind_class = g_type_class_ref (PARASOL_TYPE_EVENT_KIND);
  ParasolPatientStatus status = PARASOL_PATIENT_STATUS_SCREENING;
  ParasolEventKind kind = PARASOL_EVENT_KIND_DEATH;

  for (guint v = 0; v < status_class->n_values; v++)
    {
      const char *id = parasol_patient_status_to_string (status_class->values[v].value);

      g_assert_true (parasol_patient_status_from_string (id, &status));
      g_assert_cmpint (status, ==, status_class->values[v].value);
    }
  g_assert_cmpstr (parasol_patient_status_to_string (PARASOL_PATIENT_STATUS_SCREEN_FAILED), ==,
                   "screen_failed");
  g_assert_false (parasol_patient_status_from_string ("Screening", &status));
  g_assert_false (parasol_patient_status_from_string (NULL, &status));

  for (guint v = 0; v < kind_class->n_values; v++)
    {
      const char *id = parasol_event_kind_to_string (kind_class->values[v].value);

      g_assert_true (parasol_event_kind_from_string (id, &kind));
      g_assert_cmpint (kind, ==, kind_class->values[v].value);
    }
  g_assert_cmpstr (parasol_event_kind_to_string (PARASOL_EVENT_KIND_PROGRESSION), ==,
                   "progression");
  g_assert_false (parasol_event_kind_from_string ("", &kind));
}

/* The labels are translated: one label of each enum, in Simplified Chinese from the built
 * catalogue (po/zh_CN.po).  Runs in a child started with LANGUAGE=zh_CN. */
static void
test_enums_zh_cn_labels (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpstr (parasol_patient_status_to_label (PARASOL_PATIENT_STATUS_ON_TREATMENT), ==,
                       "治疗中");
      g_assert_cmpstr (parasol_cycle_status_to_label (PARASOL_CYCLE_STARTED), ==, "已开始");
      g_assert_cmpstr (parasol_event_kind_to_label (PARASOL_EVENT_KIND_DEATH), ==, "死亡");
      g_assert_cmpstr (parasol_criterion_status_to_label (PARASOL_STATUS_NOT_MET), ==, "不符合");
      g_assert_cmpstr (parasol_verdict_to_label (PARASOL_VERDICT_INCOMPLETE), ==, "筛选未完成");
      return;
    }

  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("LANGUAGE");
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("PARASOL_LOCALEDIR");

  g_test_init (&argc, &argv, NULL);
  /* LC_ALL=C.UTF-8 (set by the test environment) lets LANGUAGE choose the catalogue. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/enums/every-value-labelled", test_enums_every_value_labelled);
  g_test_add_func ("/enums/english-labels", test_enums_english_labels);
  g_test_add_func ("/enums/store-ids", test_enums_store_ids);
  g_test_add_func ("/enums/zh-cn-labels", test_enums_zh_cn_labels);

  return g_test_run ();
}
