#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The window as a desktop program, through AT-SPI: creating a demo trial from the empty
page, a read-only copy under a banner, a damaged file with the way out, and the last trial
reopened at the next start."""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile

from atspi_helpers import App, log, press, run, unnamed_controls, wait_for

CLI = os.environ['PARASOL_CLI']
TMP = tempfile.mkdtemp(prefix='parasol-atspi-')


def cli(*args):
    out = subprocess.run([CLI] + list(args), check=True, capture_output=True, text=True)
    return out.stdout


def count_patients(db):
    return len(json.loads(cli('patient', 'list', '--database', db, '--json')))


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_create_demo_from_empty_page():
    db = os.path.join(TMP, 'first.db')
    app = App(['--database', db])
    try:
        app.find('label', 'No Trial Database Yet')
        bad = unnamed_controls(app.root)
        assert not bad, 'controls without a real accessible name: ' + ', '.join(bad)
        app.find('push button', 'New Trial…')
        app.find('push button', 'Open Another Trial…')
        press(app.find('push button', 'Create a Demo Trial'))
        # The window names the trial once the new database is open.
        app.find('frame', lambda name: 'BUTTONS-001' in name)
        app.find('tree table', 'Patients')
    finally:
        app.close()
    assert count_patients(db) == 40, 'the demo trial has 40 patients'
    assert oct(os.stat(db).st_mode & 0o777) == oct(0o600)


def test_read_only_copy_under_banner():
    db = os.path.join(TMP, 'monitor.db')
    cli('demo', '--database', db, '--patients', '5')
    os.chmod(db, 0o444)
    before = sha256(db)
    app = App(['--database', db])
    try:
        app.find('label', lambda n: 'read-only' in n and 'nothing can be recorded' in n)
        app.find('tree table', 'Patients')
    finally:
        app.close()
    assert sha256(db) == before, 'a read-only copy is never written'


def test_damaged_file_offers_restore():
    db = os.path.join(TMP, 'damaged.db')
    cli('demo', '--database', db, '--patients', '30')
    size = os.path.getsize(db)
    with open(db, 'r+b') as f:
        # Overwrite the middle pages, keep the header: SQLite opens it, then finds the damage.
        f.seek(4096 * 3)
        f.write(b'\xa5' * min(4096 * 8, size - 4096 * 3))
    app = App(['--database', db])
    try:
        app.find('label', 'The Trial Database Is Damaged')
        app.find('push button', 'Restore from a Backup…')
        app.find('push button', 'Open Another Trial…')
        bad = unnamed_controls(app.root)
        assert not bad, 'controls without a real accessible name: ' + ', '.join(bad)
    finally:
        app.close()


def test_last_trial_reopened():
    config = tempfile.mkdtemp(prefix='config-', dir=TMP)
    env = {'GSETTINGS_BACKEND': 'keyfile', 'XDG_CONFIG_HOME': config,
           'XDG_DATA_HOME': os.path.join(TMP, 'data-home')}
    db = os.path.join(TMP, 'remembered.db')
    cli('demo', '--database', db, '--patients', '3')

    app = App(['--database', db], env)
    try:
        app.find('tree table', 'Patients')
        press(app.find('push button', 'Close'))
        wait_for(lambda: app.proc.poll() is not None, 'the window to close')
    finally:
        app.close()

    keyfile = os.path.join(config, 'glib-2.0', 'settings', 'keyfile')
    with open(keyfile) as f:
        text = f.read()
    log(text)
    assert db in text, 'the last trial is remembered'
    assert 'window-width' in text, 'the window size is remembered'

    # Started again without --database: the same trial, not the (missing) default one.
    app = App([], env)
    try:
        app.find('tree table', 'Patients')
    finally:
        app.close()


if __name__ == '__main__':
    try:
        run([test_create_demo_from_empty_page, test_read_only_copy_under_banner,
             test_damaged_file_offers_restore, test_last_trial_reopened])
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
