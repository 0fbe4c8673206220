/* parasol-cli-commands.h — every parasol-cli subcommand, by the file that implements it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

G_BEGIN_DECLS

/* cli-store.c: the trial database, patients, audit trail */
int parasol_cli_init          (int argc, char **argv);
int parasol_cli_demo          (int argc, char **argv);
int parasol_cli_patient_add   (int argc, char **argv);
int parasol_cli_patient_list  (int argc, char **argv);
int parasol_cli_patient_show  (int argc, char **argv);
int parasol_cli_patient_set   (int argc, char **argv);
int parasol_cli_audit_verify  (int argc, char **argv);
int parasol_cli_audit_show    (int argc, char **argv);
int parasol_cli_audit_acknowledge (int argc, char **argv);
int parasol_cli_backup        (int argc, char **argv);

/* cli-screening.c: the protocol, screening data, eligibility and assignment */
int parasol_cli_protocol_validate (int argc, char **argv);
int parasol_cli_protocol_show     (int argc, char **argv);
int parasol_cli_attest            (int argc, char **argv);
int parasol_cli_biomarker_add     (int argc, char **argv);
int parasol_cli_screen            (int argc, char **argv);
int parasol_cli_assign            (int argc, char **argv);

/* cli-dosing.c: doses and the cycle calendar */
int parasol_cli_dose              (int argc, char **argv);
int parasol_cli_schedule          (int argc, char **argv);

/* cli-labs.c: laboratory results, one by one and from a CSV export */
int parasol_cli_lab_add           (int argc, char **argv);
int parasol_cli_lab_import        (int argc, char **argv);

/* cli-treatment.c: enrolment and administrations (give, delay) */
int parasol_cli_enrol             (int argc, char **argv);
int parasol_cli_give              (int argc, char **argv);
int parasol_cli_delay             (int argc, char **argv);

/* cli-outcomes.c: responses and events (progression, discontinuation, death, last known alive) */
int parasol_cli_response_add      (int argc, char **argv);
int parasol_cli_event_add         (int argc, char **argv);
int parasol_cli_response_correct  (int argc, char **argv);
int parasol_cli_response_withdraw (int argc, char **argv);
int parasol_cli_event_correct     (int argc, char **argv);
int parasol_cli_event_withdraw    (int argc, char **argv);

/* cli-swimmer.c: the swimmer plot */
int parasol_cli_swimmer           (int argc, char **argv);
/* cli-print.c: printed cycle schedules and the clinic-week sheet */
int parasol_cli_print_schedule    (int argc, char **argv);
int parasol_cli_print_week        (int argc, char **argv);
/* cli-odm.c: CDISC ODM 1.3.2 export and import */
int parasol_cli_export_odm        (int argc, char **argv);
int parasol_cli_import_odm        (int argc, char **argv);

G_END_DECLS
