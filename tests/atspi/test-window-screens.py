#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every screen of the window through AT-SPI, as a screen reader meets it: the patient list,
the swimmer plot, a patient's page and the message page of a damaged database.  Fails on any
control without a real accessible name (atspi_helpers.unnamed_nodes: no name, a widget class
name, a mnemonic underscore).

The patient page is checked for two patients (on treatment, off treatment),
and fails also on a read-only value that takes the focus (a Tab stop).  A row of a patient off
treatment must say how the treatment ended."""

import json
import os
import shutil
import subprocess
import tempfile

import pyatspi

from atspi_helpers import App, ancestor_names, is_showing, log, press, run, unnamed_nodes, walk

CLI = os.environ['PARASOL_CLI']
# No underscore in the path the message page shows: it would read as a mnemonic to the check.
TMP = os.path.join(tempfile.gettempdir(), 'parasol-atspi-screens-%d' % os.getpid())
os.makedirs(TMP)
DB = os.path.join(TMP, 'demo.db')

# Nothing is excused any more: the patient page is checked like every other screen.
PATIENT_PAGE_KNOWN = set()


def cli(*args):
    subprocess.run([CLI] + list(args), check=True, capture_output=True, text=True)


def first_with_status(status):
    out = subprocess.run([CLI, 'patient', 'list', '--database', DB, '--status', status, '--json'],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)[0]['screening_number']


def focusable_values(app):
    """Read-only values (labels) of the patient page that take the focus: Tab stops."""
    found = []
    for node in walk(app.root):
        try:
            if (node.getRoleName() == 'label' and
                    node.getState().contains(pyatspi.STATE_FOCUSABLE) and
                    'ParasolPatientPage' in ancestor_names(node) and is_showing(node)):
                found.append(node.name or '')
        except Exception:
            continue
    return found


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
        # A row of a patient off treatment says how the treatment ended.
        off = first_with_status('off_treatment')
        app.find('table row', lambda n: n.startswith(off + ', ') and
                 ('treatment ended on' in n or 'died on' in n))
        check(app, 'patient list')
        press(app.find('page tab', 'Swimmer Plot'))
        app.find('panel', 'Swimmer plot')
        check(app, 'swimmer plot')
    finally:
        app.close()


def test_patient_page():
    for key in ('S-0004', first_with_status('off_treatment')):
        app = App(['--database', DB], {'PARASOL_OPEN_PATIENT': key})
        try:
            app.find('push button', 'Back to the Patients')
            app.find('label', lambda n: n.startswith(key))
            check(app, 'patient page of ' + key)
            values = focusable_values(app)
            assert not values, 'patient page of %s: read-only values as Tab stops: %s' % (
                key, ', '.join(values))
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
