# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive the real Parasol window as a screen reader does: through AT-SPI (pyatspi), finding
controls by role and accessible name.  Run under dbus-run-session and Xvfb."""

import os
import subprocess
import sys
import time

import pyatspi

TIMEOUT = 20.0


def log(*args):
    print('#', *args, flush=True)


class App:
    """The parasol program, started with @args, reachable through AT-SPI."""

    def __init__(self, args, env_extra=None):
        env = dict(os.environ)
        env.pop('NO_AT_BRIDGE', None)
        env.setdefault('GSK_RENDERER', 'cairo')
        if env_extra:
            env.update(env_extra)
        self.proc = subprocess.Popen([os.environ['PARASOL_APP']] + list(args), env=env)
        try:
            self.root = wait_for(self._find_app,
                                 'the parasol application on the accessibility bus')
        except Exception:
            self.close()
            raise

    def _find_app(self):
        if self.proc.poll() is not None:
            raise AssertionError('parasol exited with status %d' % self.proc.returncode)
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            try:
                if app is not None and app.name == 'parasol' and app.get_process_id() == self.proc.pid:
                    if app.childCount > 0:
                        return app
            except Exception:
                continue
        return None

    def find(self, role, name, timeout=TIMEOUT, showing=True):
        return wait_for(lambda: find(self.root, role, name, showing),
                        '%s “%s”' % (role, name), timeout)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_for(condition, what, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > end:
            raise AssertionError('timed out waiting for ' + what)
        time.sleep(0.1)


def is_showing(node):
    """Visible as GTK 4.8 tells it: the widget and its ancestors are visible (it has no
    "showing" state, and a GtkStack's hidden pages still count as visible)."""
    try:
        while node is not None and node.getRoleName() != 'application':
            if not node.getState().contains(pyatspi.STATE_VISIBLE):
                return False
            node = node.parent
        return True
    except Exception:
        return False


def walk(node):
    try:
        children = [node.getChildAtIndex(i) for i in range(node.childCount)]
    except Exception:
        return
    for child in children:
        if child is None:
            continue
        yield child
        yield from walk(child)


def find(root, role, name, showing=True):
    """The first node of @role whose accessible name is @name (or, if @name is callable,
    for which name(node_name) is true)."""
    for node in walk(root):
        try:
            if node.getRoleName() != role:
                continue
            node_name = node.name or ''
        except Exception:
            continue
        matches = name(node_name) if callable(name) else node_name == name
        if matches and (not showing or is_showing(node)):
            return node
    return None


def press(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ('click', 'activate', 'press'):
            action.doAction(i)
            return
    action.doAction(0)


CONTROL_ROLES = ('push button', 'toggle button', 'check box', 'entry', 'combo box', 'menu item',
                 'radio button', 'page tab', 'table row', 'list item', 'tree item', 'slider',
                 'spin button', 'link', 'column header', 'table column header', 'switch',
                 'password text', 'tree table', 'table', 'list', 'tree')
# Containers a screen reader passes through without reading them as controls.
CONTAINER_ROLES = ('scroll pane', 'panel', 'frame', 'window', 'dialog', 'filler', 'viewport')


def bad_name(name, role=None):
    """No name, a widget class name, or a mnemonic underscore read aloud (not for a label,
    whose text, such as a file's path, may hold an underscore of its own)."""
    if not name or name.startswith(('Gtk', 'Adw', 'Parasol')):
        return True
    return '_' in name and role != 'label'



def unnamed_nodes(root, roles=CONTROL_ROLES):
    """(node, description) of every showing control a screen reader could not name: a node of
    one of @roles, or any node that takes the keyboard focus other than a plain container
    (a focusable filler such as a list row's widget counts)."""
    bad = []
    for node in walk(root):
        try:
            role = node.getRoleName()
            state = node.getState()
            focusable = state.contains(pyatspi.STATE_FOCUSABLE)
            if role not in roles and not (focusable and (role not in CONTAINER_ROLES or
                                                         bad_name(node.name or ''))):
                continue
            if focusable and role in ('scroll pane', 'panel', 'viewport') and not node.name:
                continue  # a scrolled window's own focus, not a control
            if not is_showing(node):
                continue
            name = node.name or ''
        except Exception:
            continue
        if bad_name(name, role):
            bad.append((node, '%s “%s”' % (role, name)))
    return bad


def unnamed_controls(root, roles=CONTROL_ROLES):
    """Descriptions of the showing controls a screen reader could not name (unnamed_nodes)."""
    return [desc for _node, desc in unnamed_nodes(root, roles)]


def ancestor_names(node):
    names = []
    try:
        while node is not None and node.getRoleName() != 'application':
            names.append(node.name or '')
            node = node.parent
    except Exception:
        pass
    return names


def run(tests):
    failed = 0
    for i, test in enumerate(tests, 1):
        try:
            test()
            print('ok %d %s' % (i, test.__name__), flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure
            failed += 1
            print('not ok %d %s: %s' % (i, test.__name__, e), flush=True)
    print('1..%d' % len(tests), flush=True)
    sys.exit(1 if failed else 0)
