#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Recording treatment from the cycle calendar (issues 10 and 11), through AT-SPI as a screen
reader drives it, on the demo trial and one patient enrolled through parasol-cli:

- the cycle 1 doses of day 1 are recorded from their "Record Dose…" forms, prefilled with the
  planned dose; a dose that differs from the plan without a reason is refused inline, then
  recorded with one; a delay of cycle 2 is refused without a reason, then recorded;
- the store holds each (parasol-cli --json patient show / schedule) with its audit rows;
- the calendar tells the truth: no "Next" for an off-treatment or dead patient, "Not recorded"
  for a past dose never recorded, "Delayed (reason)" against "Deviation";
- the month view lists what is due on a day, its days named for a screen reader.

Screenshots of each form and the month view, in English and Simplified Chinese, go into
PARASOL_SHOT_DIR (the build folder)."""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time

import pyatspi

import atspi_helpers
from atspi_helpers import App, find, log, press, run, wait_for

# The machine running the suite may be busy: give the window more time than the default
SLOW = 90.0
atspi_helpers.wait_for.__defaults__ = (SLOW,)
atspi_helpers.App.find.__defaults__ = (SLOW, True)

CLI = os.environ['PARASOL_CLI']
SHOTS = os.environ.get('PARASOL_SHOT_DIR')
TMP = os.path.join(tempfile.gettempdir(), 'parasol-atspi-treatment-%d' % os.getpid())
os.makedirs(TMP)
DB = os.path.join(TMP, 'demo.db')
KEY = 'S-0901'
TODAY = datetime.date.today()
SCREENED = TODAY - datetime.timedelta(days=4)
C1D1 = TODAY - datetime.timedelta(days=2)
LABS = [('anc', '3.2', '10^9/L', None), ('plt', '210', '10^9/L', None),
        ('hgb', '128', 'g/L', None), ('ast', '25', 'U/L', '40'), ('alt', '22', 'U/L', '40'),
        ('tbil', '12', 'umol/L', '21'), ('creatinine', '70', 'umol/L', '90'),
        ('inr', '1.0', 'ratio', '1.2'), ('aptt', '30', 's', '40')]


def cli(*args, check=True):
    r = subprocess.run([CLI] + list(args) + ['--database', DB], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError('parasol-cli %s: %s' % (' '.join(args), r.stderr))
    return r


def cli_json(*args):
    return json.loads(cli(*args, '--json').stdout)


def enrol_patient():
    """A man screened four days ago, eligible, on the control arm, C1D1 two days ago."""
    cli('patient', 'add', '--screening-id', KEY, '--sex', 'male', '--initials', 'TRT',
        '--birth-date', '1962-03-04', '--screening-date', SCREENED.isoformat())
    for field, value in (('ecog', '1'), ('height_cm', '172'), ('weight_kg', '70'),
                         ('liver_metastases', 'no'), ('liver_infiltration', 'no')):
        cli('patient', 'set', KEY, field, value)
    for lab, value, unit, uln in LABS:
        args = ['lab', 'add', KEY, lab, value, '--unit', unit, '--date', SCREENED.isoformat()]
        if uln:
            args += ['--uln', uln]
        cli(*args)
    for criterion in cli_json('protocol', 'show')['criteria']:
        if criterion['id'].startswith(('inc-', 'exc-')):
            cli('attest', KEY, criterion['id'], 'met', '--note', 'checked',
                '--date', SCREENED.isoformat(), check=False)
    cli('assign', KEY, '--confirm', 'control', '--reason', 'No marker positive')
    cli('enrol', KEY, '--c1d1', C1D1.isoformat())


def shot(name, lang='en'):
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    time.sleep(0.8)   # let the frame be drawn
    path = os.path.join(SHOTS, 'treatment-%s-%s.png' % (name, lang))
    subprocess.run(['import', '-window', 'root', path], check=False, capture_output=True)
    log('screenshot', path)


def set_text(node, text):
    """Types @text into an entry: through EditableText where the toolkit offers it, else by
    focusing it and typing keys."""
    try:
        editable = node.queryEditableText()
        editable.setTextContents(text)
        return
    except NotImplementedError:
        pass
    node.queryComponent().grabFocus()
    time.sleep(0.2)
    # Select all, then type over it
    pyatspi.Registry.generateKeyboardEvent(37, None, pyatspi.KEY_PRESS)      # Control_L
    pyatspi.Registry.generateKeyboardEvent(38, None, pyatspi.KEY_PRESSRELEASE)  # a
    pyatspi.Registry.generateKeyboardEvent(37, None, pyatspi.KEY_RELEASE)
    for ch in text:
        pyatspi.Registry.generateKeyboardEvent(ord(ch), None, pyatspi.KEY_SYM)
    time.sleep(0.3)


def find_entry(form, name):
    """A text field by its accessible name (GTK 4.8 says "entry" or "text")."""
    try:
        return wait_for(lambda: find(form, 'entry', name) or find(form, 'text', name),
                        'the field “%s”' % (name if isinstance(name, str) else 'Dose'), 30)
    except AssertionError as e:
        from atspi_helpers import walk
        pairs = []
        for n in walk(form):
            try:
                pairs.append('%s “%s”' % (n.getRoleName(), n.name or ''))
            except Exception:  # noqa: BLE001 - a node gone with a reload
                continue
        raise AssertionError('%s; the form holds: %s' % (e, ', '.join(pairs)))


def find_toggle(app, name):
    """A toggle button: GTK 4.8 gives it the role push button (4.10 and later: toggle button)."""
    return wait_for(lambda: find(app.root, 'toggle button', name) or find(app.root, 'push button', name),
                    'the toggle “%s”' % (name if isinstance(name, str) else 'Month'))


def form_window(app, title):
    return app.find('frame', title)


def open_form(app, button, title):
    """Presses the button named @button (a name or a test) until the form @title shows: the
    page reloads after each record, and a button of the old page may still be listed."""
    for _attempt in range(6):
        node = app.find('push button', button)
        log('pressing', node.name)
        try:
            press(node)
        except Exception:  # noqa: BLE001 - a button of the page before the reload
            time.sleep(1)
            continue
        try:
            return wait_for(lambda: find(app.root, 'frame', title), 'the form “%s”' % title, 15)
        except AssertionError:
            continue
    raise AssertionError('the form “%s” does not open' % title)


def close_gone(app, title):
    try:
        wait_for(lambda: find(app.root, 'frame', title) is None, 'the form “%s” to close' % title, 30)
    except AssertionError:
        from atspi_helpers import walk
        form = find(app.root, 'frame', title)
        texts = [n.name for n in walk(form) if n.getRoleName() == 'label'] if form else []
        raise AssertionError('the form “%s” stays open: %s' % (title, ' | '.join(texts)))


def administrations(drug=None):
    admins = cli_json('patient', 'show', KEY)['administrations']
    return [a for a in admins if drug is None or a['drug'] == drug]


def audit_rows(table):
    rows = cli_json('audit', 'show', '--patient', KEY, '--table', table, '--limit', '0')
    if isinstance(rows, dict):
        rows = rows.get('entries', rows.get('rows', []))
    return rows


def open_patient(key, lang='en'):
    env = {'PARASOL_OPEN_PATIENT': key}
    if lang != 'en':
        env['LANGUAGE'] = lang
    app = App(['--database', DB], env)
    app.find('push button', lambda n: n != '' and n != 'GtkButton')
    return app


def test_record_cycle_1_and_delay():
    app = open_patient(KEY)
    try:
        # "Not recorded" for the day-2 etoposide of two days' ago C1D1... before anything
        app.find('label', lambda n: n.startswith('Not recorded on days'))

        # Every drug of day 1, from its prefilled form
        day1_buttons = lambda n: n.startswith('Record a dose of ') and n.endswith('cycle 1 day 1')
        recorded = 0
        while True:
            time.sleep(2)
            button = find(app.root, 'push button', day1_buttons)
            if button is None:
                break
            form = open_form(app, day1_buttons, 'Record Dose, Cycle 1')
            if recorded == 0:
                # The first dose starts the cycle: the start-of-cycle check is in its form
                wait_for(lambda: find(form, 'label', lambda n: n.startswith('Start-of-cycle check')),
                         'the start-of-cycle check in the form')
                shot('record-dose')
            press(find(form, 'push button', 'Record'))
            close_gone(app, 'Record Dose, Cycle 1')
            recorded += 1
            wait_for(lambda: len(administrations()) == recorded, '%d doses in the store' % recorded)
            assert recorded < 6, 'the day-1 buttons do not go away'
        assert recorded >= 3, 'only %d day-1 drugs' % recorded
        admins = administrations()
        assert all(a['date'] == C1D1.isoformat() for a in admins), admins
        assert all(a.get('unit') for a in admins), 'doses without units: %s' % admins
        assert len(audit_rows('administration')) >= recorded

        # A dose that differs from the plan, without a reason: refused where it was typed
        form = open_form(app, 'Record a dose of Etoposide, cycle 1 day 2', 'Record Dose, Cycle 1')
        dose = find_entry(form, lambda n: n.startswith('Dose in'))
        set_text(dose, '10')
        press(find(form, 'push button', 'Record'))
        wait_for(lambda: find(form, 'label', lambda n: 'reason' in n.lower()),
                 'the refusal under the form')
        shot('record-dose-refused')
        assert len(administrations('etoposide')) == 1, 'a refused dose was stored'
        set_text(find_entry(form, 'Reason'), 'Vomiting, half dose')
        press(find(form, 'push button', 'Record'))
        close_gone(app, 'Record Dose, Cycle 1')
        wait_for(lambda: len(administrations('etoposide')) == 2, 'the reduced dose in the store')
        reduced = [a for a in administrations('etoposide') if a['dose'] == 10][0]
        assert reduced['flagged'] and 'Vomiting' in (reduced.get('reason') or ''), reduced

        # A delay without a reason is refused inline; with one it moves cycle 2
        form = open_form(app, 'Delay cycle 2', 'Delay Cycle 2')
        wait_for(lambda: find(form, 'label', lambda n: n.startswith('Start-of-cycle check')),
                 'the start-of-cycle check in the delay form')
        shot('delay')
        press(find(form, 'push button', 'Delay'))
        wait_for(lambda: find(form, 'label', lambda n: n.startswith('Give a reason for the delay')),
                 'the missing reason, inline')
        shot('delay-refused')
        set_text(find_entry(form, 'Reason'), 'ANC 0.9')
        press(find(form, 'push button', 'Delay'))
        close_gone(app, 'Delay Cycle 2')
        schedule = cli_json('schedule', KEY)
        cycle2 = [c for c in schedule['cycles'] if c['number'] == 2][0]
        assert cycle2['status'] == 'delayed' and cycle2['reason'] == 'ANC 0.9', cycle2
        assert cycle2['delay_days'] == 7, cycle2
        assert audit_rows('cycle'), 'no audit row for the delay'
        # Within the protocol's rules: "Delayed (reason)", not "Deviation"
        app.find('label', 'Delayed (ANC 0.9)')

        # The month view: what is due on a day, named for a screen reader
        press(find_toggle(app, 'Show the cycles as a month'))
        app.find('panel', 'Month view of the cycle calendar')
        given = lambda n: ': Etoposide given' in n
        try:
            day = app.find('push button', given, 20)
        except AssertionError:
            # Two days ago may lie before the first week the month shows (today the 1st, a Monday)
            press(app.find('push button', 'Previous month'))
            day = app.find('push button', given)
        press(day)
        app.find('list', 'What is due on the selected day')
        shot('month')
    finally:
        app.close()


def test_truth_on_the_demo():
    # Off treatment (progression) and dead: no "Next", nothing to give
    for key in ('S-0001', 'S-0007'):
        app = open_patient(key)
        try:
            app.find('label', 'Treatment ended')
            assert find(app.root, 'label', 'Next') is None, '%s shows a next cycle' % key
            assert find(app.root, 'push button', lambda n: n.startswith('Record a dose of')) is None
            app.find('label', 'No doses to give')
        finally:
            app.close()
    # A delay within the rules against a cycle started early without a reason
    app = open_patient('S-0006')
    try:
        app.find('label', lambda n: n.startswith('Delayed (Demo: delayed 7 days'))
        app.find('label', 'Deviation')
    finally:
        app.close()


def test_forms_in_chinese():
    if not SHOTS:
        log('no PARASOL_SHOT_DIR: no screenshots')
        return
    app = open_patient(KEY, 'zh_CN')
    try:
        # The month toggle, whatever its name reads in Chinese ("按月显示周期")
        month = find_toggle(app, lambda n: '月' in n)
        press(month)
        panel = app.find('panel', lambda n: '月视图' in n)
        # Scroll the month into the screenshot: select a day, which takes the focus
        days = [n for n in app_walk_under(panel) if n.getRoleName() == 'push button']
        assert len(days) > 20, 'the month view has %d buttons' % len(days)
        press(days[len(days) // 2])
        # The day's list, named in Chinese ("所选日期的待办事项")
        wait_for(lambda: find(panel, 'list', lambda n: '日期' in n), 'the selected day’s list')
        shot('month', 'zh_CN')
    finally:
        app.close()


def app_walk_under(node):
    from atspi_helpers import walk
    return list(walk(node))


def app_walk(app):
    from atspi_helpers import walk
    return list(walk(app.root))


if __name__ == '__main__':
    cli('demo')
    enrol_patient()
    try:
        run([test_record_cycle_1_and_delay, test_truth_on_the_demo, test_forms_in_chinese])
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
