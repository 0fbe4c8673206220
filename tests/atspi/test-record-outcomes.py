#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Outcomes from the window, through AT-SPI as a screen reader would: on an enrolled demo
patient (S-0004, on treatment), a response and a discontinuation are recorded with the forms of
the patient page's Outcomes section, a missing reason is refused inside the form, and the
store then holds them with their audit rows (checked with parasol-cli).  The patient's history
and the trial's audit trail open, and the search entry filters them.  Screenshots of the forms
and the audit view, in English and in Simplified Chinese, go to _build/tests/screenshots/."""

import datetime
import json
import sys
import os
import subprocess
import tempfile
import time

from atspi_helpers import App, find, is_showing, log, press, run, unnamed_controls, wait_for, walk

CLI = os.environ['PARASOL_CLI']
TMP = tempfile.mkdtemp(prefix='parasol-atspi-outcomes-')
SHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(CLI))), 'tests',
                     'screenshots')
TODAY = datetime.date.today().isoformat()


def cli(*args):
    out = subprocess.run([CLI] + list(args), check=True, capture_output=True, text=True)
    return out.stdout


def shot(name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + '.png')
    subprocess.run(['import', '-window', 'root', path], check=False)
    log('screenshot', path)


def pressable(app, role, name):
    """The showing node of @role named @name that has an action (a GtkMenuButton is a named
    panel around its own button)."""
    def look():
        for node in walk(app.root):
            try:
                if (node.getRoleName() == role and node.name == name and is_showing(node) and
                        node.queryAction().nActions > 0):
                    return node
            except Exception:
                continue
        return None
    return wait_for(look, '%s “%s” with an action' % (role, name))


def own_window(app, title):
    """A window of the program by its title: the forms and audit views are their own."""
    return app.find('frame', title)


def find_in(window, role, name):
    """Like App.find, within one window (the main window's tree is long to walk)."""
    return wait_for(lambda: find(window, role, name), '%s “%s”' % (role, name))


def shut_down(app):
    """Closes every window with its own close button, so that the program quits as a person
    would have it quit (a program killed with windows open can linger on the accessibility
    bus and slow down finding the next one), then makes sure it is gone."""
    try:
        for _ in range(4):
            if app.proc.poll() is not None:
                break
            buttons = [n for n in walk(app.root)
                       if n.getRoleName() == 'push button' and n.name == 'Close' and is_showing(n)]
            if not buttons:
                break
            press(buttons[-1])
            time.sleep(1)
        app.proc.wait(10)
    except Exception as e:  # noqa: BLE001 - closing is best effort; close() ends it anyway
        log('closing by hand:', e)
    app.close()


def set_text(node, text):
    node.queryEditableText().setTextContents(text)


def patient(db):
    return json.loads(cli('patient', 'show', 'S-0004', '--database', db, '--json'))


def history(db):
    return json.loads(cli('audit', 'show', '--patient', 'S-0004', '--history', '--limit', '0',
                          '--database', db, '--json'))


def demo(name):
    db = os.path.join(TMP, name)
    cli('demo', '--database', db, '--patients', '12')
    return db


def test_record_response_and_discontinuation():
    db = demo('outcomes.db')
    before = patient(db)
    assert before['status'] == 'on_treatment', before['status']
    app = App(['--database', db], {'PARASOL_OPEN_PATIENT': 'S-0004'})
    try:
        # A response: PR today, with a note.
        press(app.find('push button', 'Record Response…'))
        form = own_window(app, 'Record Response for BT-0004')
        app.find('push button', 'Partial response (PR)')
        shot('record-response-form')
        bad = unnamed_controls(form)
        assert not bad, 'controls without a real accessible name: ' + ', '.join(bad)
        press(app.find('push button', 'Partial response (PR)'))
        app.find('text', 'Assessment date')     # today's date by default: checked in the store
        set_text(app.find('text', 'Note (optional)'), 'CT week 6: target lesions -32 %')
        press(app.find('push button', 'Save'))
        wait_for(lambda: any(r['response'] == 'PR' and r['date'] == TODAY
                             for r in patient(db)['responses']),
                 'the response in the store')
        app.find('label', 'Partial response (PR)')

        # A discontinuation: refused inside the form without its reason, then recorded with a
        # reason from the protocol's list and the words that add to it.
        press(app.find('push button', 'Record Event…'))
        press(app.find('push button', 'Discontinuation'))
        press(app.find('push button', 'Save'))
        app.find('label', 'Choose the reason for discontinuation.')
        press(app.find('push button', 'Other (specify)'))
        press(app.find('push button', 'Save'))
        app.find('label', 'Other: say what the reason is')
        shot('record-event-refused')
        assert patient(db)['status'] == 'on_treatment', 'nothing written on a refusal'
        press(app.find('push button', 'Unacceptable toxicity'))
        set_text(app.find('text', 'Details (required for “Other”)'), 'Febrile neutropenia')
        press(app.find('push button', 'Save'))
        wait_for(lambda: patient(db)['status'] == 'off_treatment', 'the patient off treatment')
        app.find('label', lambda n: 'Febrile neutropenia' in n)

        # The store holds each change with its audit row.
        after = patient(db)
        events = [e for e in after['events'] if e['kind'] == 'discontinuation']
        assert events and events[-1]['date'] == TODAY, events
        assert events[-1]['reason'] == 'Unacceptable toxicity: Febrile neutropenia', events
        rows = history(db)
        assert any(r['table'] == 'response' and r['reason'] == 'CT week 6: target lesions -32 %'
                   for r in rows), 'the response and its note in the audit trail'
        assert any(r['table'] == 'event' and
                   r['reason'] == 'Unacceptable toxicity: Febrile neutropenia' for r in rows)
        assert any(r['table'] == 'patient' and r['field'] == 'status' and
                   r['new'] == 'off_treatment' and TODAY in (r['reason'] or '') for r in rows)
        log('recorded', len(rows), 'audit rows for S-0004')

        # The patient's history, filtered.
        press(app.find('push button', 'History…'))
        hist = own_window(app, 'History')
        count = find_in(hist, 'label', lambda n: n.endswith(' entries') and 'of' not in n)
        total = int(count.name.split()[0])
        assert total == len(rows), (count.name, len(rows))
        set_text(find_in(hist, 'entry', 'Filter the audit trail'), 'neutropenia')
        shown = find_in(hist, 'label', lambda n: n.startswith('Showing ') and n.endswith(' entries'))
        n_shown = int(shown.name.split()[1])
        assert 1 <= n_shown < total, shown.name
        find_in(hist, 'push button', 'Copy Rows')
        shot('history-filtered')
    finally:
        shut_down(app)
    assert cli('audit', 'verify', '--database', db, '--json')


def test_correct_and_withdraw():
    """A response corrected and a discontinuation withdrawn with the rows' Correct… and
    Withdraw… buttons: the forms open prefilled, a missing reason is refused inside the form
    with nothing written, and the store then holds the correction, the withdrawn record and the
    patient back on treatment, each with its audit row."""
    db = demo('corrections.db')
    added = json.loads(cli('response', 'add', 'S-0004', '--date', TODAY, '--response', 'PR',
                           '--database', db, '--json'))
    stopped = json.loads(cli('event', 'add', 'S-0004', '--kind', 'discontinuation', '--date',
                             TODAY, '--reason', 'Febrile neutropenia', '--database', db,
                             '--json'))
    assert patient(db)['status'] == 'off_treatment'
    app = App(['--database', db], {'PARASOL_OPEN_PATIENT': 'S-0004'})
    try:
        # Correct the response: PR -> SD; refused without a reason, then saved.
        press(app.find('push button', 'Correct Partial response (PR) of ' + TODAY))
        form = own_window(app, 'Correct Response for BT-0004')
        bad = unnamed_controls(form)
        assert not bad, 'controls without a real accessible name: ' + ', '.join(bad)
        press(find_in(form, 'push button', 'Stable disease (SD)'))
        press(find_in(form, 'push button', 'Save'))
        find_in(form, 'label', 'Give a reason for the correction.')
        shot('correct-response-refused')
        assert [r for r in patient(db)['responses'] if r['id'] == added['id']][0]['response'] == 'PR'
        set_text(find_in(form, 'text', 'Reason for the change (required)'), 'Second reader')
        press(find_in(form, 'push button', 'Save'))
        wait_for(lambda: any(r['id'] == added['id'] and r['response'] == 'SD' and r['corrected']
                             for r in patient(db)['responses']),
                 'the corrected response in the store')

        # Withdraw the discontinuation: the patient goes back on treatment.
        press(app.find('push button', 'Withdraw Discontinuation of ' + TODAY))
        form = own_window(app, 'Withdraw Event for BT-0004')
        press(find_in(form, 'push button', 'Withdraw'))
        find_in(form, 'label', 'Give a reason for the correction.')
        assert patient(db)['status'] == 'off_treatment', 'nothing written on a refusal'
        set_text(find_in(form, 'text', 'Reason for withdrawing (required)'),
                 'Entered for the wrong patient')
        shot('withdraw-event-form')
        press(find_in(form, 'push button', 'Withdraw'))
        wait_for(lambda: patient(db)['status'] == 'on_treatment', 'the patient back on treatment')
        after = patient(db)
        assert any(e['id'] == stopped['id'] for e in after['withdrawn_events']), after
        assert not any(e['id'] == stopped['id'] for e in after['events'])

        rows = history(db)
        assert any(r['table'] == 'response' and r['field'] == 'response' and r['old'] == 'PR' and
                   r['new'] == 'SD' and r['reason'] == 'Second reader' for r in rows)
        assert any(r['table'] == 'event' and r['field'] == 'withdrawn' and r['new'] == '1' and
                   r['reason'] == 'Entered for the wrong patient' for r in rows)
        assert any(r['table'] == 'patient' and r['field'] == 'status' and
                   r['new'] == 'on_treatment' for r in rows)
    finally:
        shut_down(app)
    assert cli('audit', 'verify', '--database', db, '--json')


def test_corrections_zh_cn():
    db = demo('corrections-zh.db')
    cli('response', 'add', 'S-0004', '--date', TODAY, '--response', 'PR', '--database', db)
    env = {'PARASOL_OPEN_PATIENT': 'S-0004', 'LANGUAGE': 'zh_CN'}
    app = App(['--database', db], env)
    try:
        press(app.find('push button', lambda n: n.startswith('更正') and TODAY in n))
        press(app.find('push button', '保存'))
        app.find('label', lambda n: '原因' in n and n.endswith('。'))
        shot('correct-response-refused-zh_CN')
        press(app.find('push button', '取消'))
    finally:
        shut_down(app)


def test_trial_audit_trail():
    db = demo('trail.db')
    app = App(['--database', db])
    try:
        app.find('tree table', 'Patients')
        press(pressable(app, 'push button', 'Main Menu'))
        press(pressable(app, 'menu item', 'Audit Trail'))
        trail = own_window(app, 'Audit Trail')
        count = find_in(trail, 'label', lambda n: n.endswith(' entries') and 'of' not in n)
        total = int(count.name.split()[0])
        assert total > 100, count.name
        set_text(find_in(trail, 'entry', 'Filter the audit trail'), 'S-0003')
        shown = find_in(trail, 'label', lambda n: n.startswith('Showing ') and n.endswith(' entries'))
        assert 1 <= int(shown.name.split()[1]) < total, shown.name
        find_in(trail, 'push button', 'Copy Rows')
        shot('audit-trail-filtered')
    finally:
        shut_down(app)


def test_screenshots_zh_cn():
    db = demo('zh.db')
    env = {'PARASOL_OPEN_PATIENT': 'S-0004', 'LANGUAGE': 'zh_CN'}
    app = App(['--database', db], env)
    try:
        press(app.find('push button', '记录事件…'))
        press(app.find('push button', '停止治疗'))
        press(app.find('push button', '保存'))
        app.find('label', lambda n: '停止治疗的原因' in n)
        shot('record-event-refused-zh_CN')
        press(app.find('push button', '取消'))
        press(app.find('push button', '记录疗效…'))
        app.find('push button', '部分缓解（PR）')
        shot('record-response-form-zh_CN')
        press(app.find('push button', '取消'))
        press(app.find('push button', '历史记录…'))
        app.find('label', lambda n: n.endswith('条记录'))
        shot('history-zh_CN')
    finally:
        shut_down(app)


if __name__ == '__main__':
    # One program per run: a second one in the same accessibility session is slow to appear.
    if sys.argv[1:] == ['zh_CN']:
        run([test_screenshots_zh_cn])
    elif sys.argv[1:] == ['trail']:
        run([test_trial_audit_trail])
    elif sys.argv[1:] == ['corrections']:
        run([test_correct_and_withdraw])
    elif sys.argv[1:] == ['corrections-zh_CN']:
        run([test_corrections_zh_cn])
    else:
        run([test_record_response_and_discontinuation])
