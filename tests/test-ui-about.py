#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The About window of the real parasol program, read as a screen reader reads it (test ui-about).

  test-ui-about.py PARASOL PARASOL_CLI

Creates a demo trial with parasol-cli, starts parasol on it from the build tree, opens About
(the app.about action, over D-Bus) and reads its debug info through AT-SPI: it must name the
trial, the protocol version and the database file.  Needs a display and a session bus
(`dbus-run-session -- xvfb-run -a`) and python3-pyatspi.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

try:
    import pyatspi
except ImportError:
    print('python3-pyatspi is not installed')
    sys.exit(77)

APP_ID = 'org.parasol.Parasol'


def wait_for(what, check, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError('timed out waiting for ' + what)


def find_text(acc, needle, depth=0):
    """The text of the first accessible whose text contains needle."""
    if acc is None or depth > 60:
        return None
    try:
        if acc.getRoleName() in ('text', 'label', 'paragraph'):
            text = acc.queryText().getText(0, -1)
            if needle in text:
                return text
    except Exception:
        pass
    try:
        for i in range(acc.childCount):
            found = find_text(acc.getChildAtIndex(i), needle, depth + 1)
            if found:
                return found
    except Exception:
        pass
    return None


def app_accessible(name):
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == name:
            return app
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    parasol, cli = sys.argv[1:]
    if not os.environ.get('DISPLAY') and not os.environ.get('WAYLAND_DISPLAY'):
        print('no display: run under xvfb-run')
        return 77

    tmp = tempfile.mkdtemp(prefix='parasol-about-')
    db = os.path.join(tmp, 'trial.db')
    env = dict(os.environ, GSETTINGS_BACKEND='memory', GSK_RENDERER='cairo')
    env.pop('NO_AT_BRIDGE', None)
    subprocess.run([cli, 'demo', '--database', db, '--patients', '5'], check=True,
                   stdout=subprocess.DEVNULL, env=env)
    app = subprocess.Popen([parasol, '--database', db], env=env)
    try:
        accessible = wait_for('the parasol window',
                              lambda: app_accessible(os.path.basename(parasol)))
        wait_for('a window', lambda: accessible.childCount > 0)

        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions', 'Activate',
                      GLib.Variant('(sava{sv})', ('about', [], {})), None,
                      Gio.DBusCallFlags.NONE, 10000, None)

        info = wait_for('the debug info',
                        lambda: find_text(app_accessible(os.path.basename(parasol)),
                                          'Protocol version'))
        print(info)
        for expected in ('Parasol ', 'Trial: BUTTONS-001 (NCT07172412)', 'Protocol version: 1.0',
                         'Database: %s (schema version' % db):
            assert expected in info, 'the debug info lacks “%s”' % expected
    finally:
        app.terminate()
        app.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
