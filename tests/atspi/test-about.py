#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The About window of the real parasol program, read as a screen reader reads it: its debug
info names the trial, the protocol version and the database file."""

import os
import shutil
import subprocess
import tempfile

from gi.repository import Gio, GLib

from atspi_helpers import App, log, run, walk, wait_for

APP_ID = 'org.parasol.Parasol'
TMP = tempfile.mkdtemp(prefix='parasol-about-')


def find_text(root, needle):
    """The text of the first text or label that contains @needle."""
    for node in walk(root):
        try:
            if node.getRoleName() in ('text', 'label', 'paragraph'):
                text = node.queryText().getText(0, -1)
                if needle in text:
                    return text
        except Exception:
            continue
    return None


def test_about_names_trial_protocol_and_database():
    db = os.path.join(TMP, 'trial.db')
    subprocess.run([os.environ['PARASOL_CLI'], 'demo', '--database', db, '--patients', '5'],
                   check=True, stdout=subprocess.DEVNULL)
    app = App(['--database', db])
    try:
        app.find('tree table', 'Patients')
        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                      GLib.Variant('(sava{sv})', ('about', [], {})), None,
                      Gio.DBusCallFlags.NONE, 10000, None)
        info = wait_for(lambda: find_text(app.root, 'Protocol version'), 'the debug info')
        log(info)
        for expected in ('Parasol ', 'Trial: BUTTONS-001 (NCT07172412)', 'Protocol version: 1.0',
                         'Database: %s (schema version' % db):
            assert expected in info, 'the debug info lacks “%s”' % expected
    finally:
        app.close()


if __name__ == '__main__':
    try:
        run([test_about_names_trial_protocol_and_database])
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
