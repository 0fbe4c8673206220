#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every screen of the window through AT-SPI, as a screen reader meets it: the patient list,
the swimmer plot, a patient's page and the message page of a damaged database.  Fails on any
control without a real accessible name (atspi_helpers.unnamed_nodes: no name, a widget class
name, a mnemonic underscore).

The patient page is being rebuilt in other work (its sections): what the check finds inside it
is printed, and fails the test only where it is not in PATIENT_PAGE_KNOWN, so that nothing new
creeps in and the list can only shrink."""

import os
import shutil
import subprocess
import tempfile

from atspi_helpers import App, ancestor_names, log, press, run, unnamed_nodes

CLI = os.environ['PARASOL_CLI']
# No underscore in the path the message page shows: it would read as a mnemonic to the check.
TMP = os.path.join(tempfile.gettempdir(), 'parasol-atspi-screens-%d' % os.getpid())
os.makedirs(TMP)
DB = os.path.join(TMP, 'demo.db')

# Read-only values of the patient page that take the focus with no name (selectable labels).
# What the check finds there today (the header's facts in a GtkFlowBox, selectable values, a
# GtkListBox of cycles): listed in the report of issue 11 for the patient page's work.
PATIENT_PAGE_KNOWN = {'label “GtkLabel”', 'table “GtkFlowBox”', 'list “GtkListBox”',
                      'list item “”'}


def cli(*args):
    subprocess.run([CLI] + list(args), check=True, capture_output=True, text=True)


def check(app, screen):
    bad = []
    in_page = []
    for node, desc in unnamed_nodes(app.root):
        if 'ParasolPatientPage' in ancestor_names(node):
            in_page.append(desc)
        else:
            bad.append(desc)
    for desc in sorted(set(in_page)):
        log('%s: in the patient page (%d): %s' % (screen, in_page.count(desc), desc))
    new = sorted(set(in_page) - PATIENT_PAGE_KNOWN)
    assert not bad, '%s: controls without a real accessible name: %s' % (screen, ', '.join(bad))
    assert not new, '%s: new in the patient page: %s' % (screen, ', '.join(new))


def test_patient_list_and_swimmer():
    app = App(['--database', DB])
    try:
        app.find('tree table', 'Patients')
        app.find('table row', lambda n: n.startswith('S-0004, '))
        check(app, 'patient list')
        press(app.find('page tab', 'Swimmer Plot'))
        app.find('panel', 'Swimmer plot')
        check(app, 'swimmer plot')
    finally:
        app.close()


def test_patient_page():
    app = App(['--database', DB], {'PARASOL_OPEN_PATIENT': 'S-0004'})
    try:
        app.find('push button', 'Back to the Patients')
        check(app, 'patient page')
    finally:
        app.close()


def test_message_page():
    db = os.path.join(TMP, 'damaged.db')
    cli('demo', '--database', db, '--patients', '30')
    size = os.path.getsize(db)
    with open(db, 'r+b') as f:
        f.seek(4096 * 3)
        f.write(b'\xa5' * min(4096 * 8, size - 4096 * 3))
    app = App(['--database', db])
    try:
        app.find('label', 'The Trial Database Is Damaged')
        check(app, 'message page')
    finally:
        app.close()


if __name__ == '__main__':
    cli('demo', '--database', DB)
    try:
        run([test_patient_list_and_swimmer, test_patient_page, test_message_page])
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
