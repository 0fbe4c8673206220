#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The biomarker panel, the arm decision and enrolment recorded in the window (issue 10), as a
screen reader does it: every control found by its role and accessible name.

A patient prepared with parasol-cli is eligible in every criterion but has no biomarker result.
In the window: the six markers are entered, each the way its method needs (% of tumour cells,
staining intensities from which core makes the H-score, amplified or not), an override without
a reason is refused where it was typed, the proposed arm is confirmed, an enrolment on a date
the patient is not eligible is refused with the engine's reasons, and the patient is enrolled.
`parasol-cli --json patient show` and `audit show` then hold each change with its audit rows.

Runs in the interface language of LANGUAGE (en, or zh_CN with the build tree's translations),
finding controls by their translated names, and writes a screenshot of each form into
$G_TEST_BUILDDIR/screens/LANG-record-*.png, to be looked at."""

import datetime
import gettext
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import pyatspi

from atspi_helpers import App, find, log, press, run, unnamed_nodes, wait_for, walk

CLI = os.environ['PARASOL_CLI']
LANG = 'zh_CN' if os.environ.get('LANGUAGE', '').startswith('zh') else 'en'
LOCALEDIR = os.environ.get('PARASOL_LOCALEDIR', '')
if LANG == 'zh_CN':
    _ = gettext.translation('parasol', LOCALEDIR, languages=['zh_CN']).gettext
else:
    _ = gettext.NullTranslations().gettext

SCREENS = os.path.join(os.environ.get('G_TEST_BUILDDIR', tempfile.gettempdir()), 'screens')
TMP = os.path.join(tempfile.gettempdir(), 'parasol-atspi-record-%d' % os.getpid())
os.makedirs(TMP)
os.makedirs(SCREENS, exist_ok=True)
DB = os.path.join(TMP, 'trial.db')
PATIENT = 'S-1001'
CONFLICT = 'S-1002'  # DLL3 and MYC high: two arms match
TODAY = datetime.date.today()
START = time.monotonic()
SCREENED = TODAY - datetime.timedelta(days=3)
# What libadwaita's expander rows show a screen reader in GTK 4.8 (tests/atspi/test-window-screens.py)
KNOWN = {'list “GtkListBox”', 'list item “”', 'image “GtkImage”'}
# Labs stay valid 14 days: on this day the patient is no longer eligible
TOO_LATE = TODAY + datetime.timedelta(days=20)


def cli(*args, check=True):
    r = subprocess.run([CLI, '--database', DB] + list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError('parasol-cli %s: %s' % (' '.join(args), r.stderr))
    return r


def cli_json(*args):
    return json.loads(cli('--json', *args).stdout)


def prepare(patient):
    """An eligible woman of 65, not of childbearing potential, with no biomarker result (as
    tests/workflow-fixture.h)."""
    cli('patient', 'add', '--screening-id', patient, '--sex', 'female', '--birth-date',
        '1961-05-01', '--initials', 'LMW', '--screening-date', SCREENED.isoformat())
    for field, value in (('ecog', '1'), ('height_cm', '162'), ('weight_kg', '60'),
                         ('childbearing_potential', 'no'),
                         ('liver_metastases', 'no'), ('liver_infiltration', 'no')):
        cli('patient', 'set', patient, field, value)
    for lab, value, unit, uln in (('anc', '3.2', '10^9/L', None), ('plt', '210', '10^9/L', None),
                                  ('hgb', '128', 'g/L', None), ('ast', '25', 'U/L', '40'),
                                  ('alt', '22', 'U/L', '40'), ('tbil', '12', 'umol/L', '21'),
                                  ('creatinine', '70', 'umol/L', '90'),
                                  ('inr', '1.0', 'ratio', '1.2'), ('aptt', '30', 's', '40')):
        args = ['lab', 'add', patient, lab, value, '--unit', unit, '--date', SCREENED.isoformat()]
        if uln:
            args += ['--uln', uln]
        cli(*args)
    for criterion in cli_json('protocol', 'show')['criteria']:
        cli('attest', patient, criterion['id'], 'met', '--note', 'checked', '--date',
            SCREENED.isoformat())
    verdict = cli_json('screen', patient)['verdict']
    assert verdict == 'eligible', 'the prepared patient is %s' % verdict


def name_of(marker, control):
    return _('%s: %s') % (marker, _(control))


class Section:
    """Finds controls inside the biomarkers section only (a walk of the whole page takes
    seconds over AT-SPI)."""

    def __init__(self, app):
        self.app = app
        self.root = app.find('panel', _('Biomarkers and Arm'))

    def find(self, role, name, timeout=20):
        return wait_for(lambda: find(self.root, role, name), '%s “%s”' % (role, name), timeout)


def text_of(node):
    t = node.queryText()
    return t.getText(0, t.characterCount)  # GTK 4.8 answers "" to getText(0, -1)


def set_text(app, name, text):
    log('%.1f type into %s' % (time.monotonic() - START, name))
    node = app.find('text', name)
    editable = node.queryEditableText()
    editable.setTextContents(text)
    wait_for(lambda: text_of(node) == text, 'the text of “%s”' % name)
    return node


def is_pressed(node):
    state = node.getState()
    return state.contains(pyatspi.STATE_PRESSED) or state.contains(pyatspi.STATE_CHECKED)


def check(app, name):
    """Chooses one of a group of toggle buttons (GTK 4.8's role: push button)."""
    log('%.1f choose %s' % (time.monotonic() - START, name))
    node = app.find('push button', name)
    if not is_pressed(node):
        press(node)
        wait_for(lambda: is_pressed(node), '“%s” chosen' % name)
    return node


def show(node):
    """The window brings an opened form or a refusal into view itself (the focus moves there);
    give it a frame or two."""
    time.sleep(0.7)


def screenshot(name):
    path = os.path.join(SCREENS, '%s-record-%s.png' % (LANG, name))
    subprocess.run(['import', '-window', 'root', path], check=True)
    log('screenshot: ' + path)


def expand(app, marker):
    """Opens a marker's form with its “Record…” toggle; its first field takes the focus."""
    toggle = app.find('push button', name_of(marker, 'Record a Result'))  # GTK 4.8's role
    if not is_pressed(toggle):
        press(toggle)
        wait_for(lambda: is_pressed(toggle), '%s form open' % marker)
    time.sleep(0.3)
    return app.find('push button', name_of(marker, 'Record Result'))


def error_label(app, text, timeout=10):
    return app.find('label', text, timeout=timeout)


def stored(count, marker):
    wait_for(lambda: len(cli_json('patient', 'show', PATIENT)['biomarkers']) == count,
             '%s stored (%d results)' % (marker, count))
    time.sleep(0.5)  # the page reloads once after the write


def record_markers(app):
    # DLL3 high by % of tumour cells: the DLL3 arm
    expand(app, 'DLL3')
    check(app, name_of('DLL3', '% of tumour cells'))
    set_text(app, name_of('DLL3', 'Tumour cells stained, %'), '62')
    show(app.find('text', name_of('DLL3', 'Tumour cells stained, %')))
    screenshot('biomarker-percent')

    # A value core refuses is shown under the form, nothing is written
    set_text(app, name_of('DLL3', 'Sample date'), (TODAY + datetime.timedelta(days=2)).isoformat())
    press(app.find('push button', name_of('DLL3', 'Record Result')))
    app.find('label', lambda n: (TODAY + datetime.timedelta(days=2)).isoformat() in n)
    assert cli_json('patient', 'show', PATIENT)['biomarkers'] == []
    set_text(app, name_of('DLL3', 'Sample date'), SCREENED.isoformat())
    press(app.find('push button', name_of('DLL3', 'Record Result')))
    stored(1, 'DLL3')

    for count, (marker, percent) in enumerate((('ASCL1', '40'), ('NEUROD1', '5')), 2):
        expand(app, marker)
        set_text(app, name_of(marker, 'Tumour cells stained, %'), percent)
        press(app.find('push button', name_of(marker, 'Record Result')))
        stored(count, marker)

    # MYC: negative by IHC, and not amplified
    expand(app, 'MYC')
    check(app, name_of('MYC', 'Not amplified'))
    show(app.find('push button', name_of('MYC', 'Not amplified')))
    screenshot('biomarker-amplified')
    press(app.find('push button', name_of('MYC', 'Record Result')))
    stored(4, 'MYC')
    expand(app, 'MYC')
    check(app, name_of('MYC', '% of tumour cells'))
    set_text(app, name_of('MYC', 'Tumour cells stained, %'), '3')
    press(app.find('push button', name_of('MYC', 'Record Result')))
    stored(5, 'MYC')

    # VIM and AXL by the intensities of staining: core makes the H-score
    for marker, weak, moderate, strong, hscore in (('VIM', '20', '10', '5', '55'),
                                                   ('AXL', '10', '0', '0', '10')):
        expand(app, marker)
        check(app, name_of(marker, 'H-score from intensities'))
        set_text(app, name_of(marker, '1+ (weak), %'), weak)
        set_text(app, name_of(marker, '2+ (moderate), %'), moderate)
        set_text(app, name_of(marker, '3+ (strong), %'), strong)
        app.find('label', _('H-score: %s') % hscore)
        if marker == 'VIM':
            show(app.find('text', name_of(marker, '3+ (strong), %')))
            screenshot('biomarker-hscore')
        press(app.find('push button', name_of(marker, 'Record Result')))
        stored(6 if marker == 'VIM' else 7, marker)

    shown = cli_json('patient', 'show', PATIENT)
    by_marker = {}
    for b in shown['biomarkers']:
        by_marker.setdefault(b['marker'], []).append(b)
    assert sorted(by_marker) == ['ascl1', 'axl', 'dll3', 'myc', 'neurod1', 'vim'], by_marker
    return shown


def decide_arm(app):
    arm_dll3 = _('DLL3 arm')
    arm_control = _('Control arm')
    # The single proposal is chosen for the person; an override needs a reason
    node = app.find('push button', arm_dll3)
    wait_for(lambda: is_pressed(node), 'the proposal chosen')
    check(app, arm_control)
    press(app.find('push button', _('Confirm Arm')))
    message = _('%s overrides the proposal (%s) and needs a reason') % ('control', 'dll3')
    show(error_label(app, message))
    screenshot('arm-refused')
    assert cli_json('patient', 'show', PATIENT).get('arm') is None

    check(app, arm_dll3)
    set_text(app, _('Reason for the arm decision'), 'DLL3 62 % on the pathology report')
    press(app.find('push button', _('Confirm Arm')))
    wait_for(lambda: cli_json('patient', 'show', PATIENT).get('arm') == 'dll3', 'the arm stored')


def enrol(app):
    c1d1 = set_text(app, _('Cycle 1 day 1'), TOO_LATE.isoformat())
    check(app, _('Tislelizumab'))
    # The platinum: the protocol's default (carboplatin) preselected, cisplatin the alternative
    carboplatin = app.find('push button', _('Platinum: %s') % (_('%s AUC %s') % (_('Carboplatin'), '5')))
    assert is_pressed(carboplatin), 'carboplatin is not preselected'
    app.find('push button', _('Platinum: %s') % (_('%s %s mg/m²') % (_('Cisplatin'), '75')))
    press(app.find('push button', _('Enrol the Patient')))
    heading = _('Not eligible on %s: %s') % (TOO_LATE.isoformat(), '')
    error_label(app, lambda n: n.startswith(heading))
    app.find('label', lambda n: re.match(r'^inc-\d\d ', n) is not None)
    show(c1d1)
    screenshot('enrol-refused')
    assert cli_json('patient', 'show', PATIENT)['status'] == 'screening'

    set_text(app, _('Cycle 1 day 1'), TODAY.isoformat())
    press(app.find('push button', _('Enrol the Patient')))
    wait_for(lambda: cli_json('patient', 'show', PATIENT)['status'] == 'on_treatment',
             'the patient enrolled')


def audit(table, **match):
    rows = cli_json('audit', 'show', '--table', table, '--limit', '0')
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


def test_record_biomarkers_arm_enrolment():
    app = App(['--database', DB], {'PARASOL_OPEN_PATIENT': PATIENT,
                                   'LANGUAGE': 'zh_CN' if LANG == 'zh_CN' else 'en'})
    try:
        app.find('push button', _('Back to the Patients'))
        section = Section(app)
        record_markers(section)
        decide_arm(section)
        enrol(section)
        bad = [d for _n, d in unnamed_nodes(section.root) if d not in KNOWN]
        assert not bad, 'unnamed controls in the section: %s' % bad
    finally:
        app.close()

    shown = cli_json('patient', 'show', PATIENT)
    values = {(b['marker'], b.get('method')): b for b in shown['biomarkers']}
    assert values[('dll3', 'percent')]['value'] == 62
    assert values[('myc', 'amplified')]['value'] == 0
    assert values[('vim', 'hscore')]['value'] == 55
    assert values[('axl', 'hscore')]['value'] == 10
    assert shown['arm'] == 'dll3' and shown['ici'] == 'tislelizumab', shown
    assert shown['platinum'] == 'carboplatin', shown
    assert shown['c1d1'] == TODAY.isoformat() and shown['subject_number'], shown

    # Each change with its audit rows: every result inserted, as stored
    inserted = [json.loads(r['new']) for r in audit('biomarker') if r['field'] is None]
    for b in shown['biomarkers']:
        assert any(i['marker'] == b['marker'] and i['method'] == b['method'] and
                   i['value'] == b['value'] for i in inserted), 'no audit row for %s' % b
    assert any(i['marker'] == 'vim' and (i['weak'], i['moderate'], i['strong']) == (20, 10, 5)
               for i in inserted), inserted
    assignment = audit('assignment')
    assert assignment and any(r.get('reason') == 'DLL3 62 % on the pathology report'
                              for r in assignment), assignment
    patient = cli_json('audit', 'show', '--patient', PATIENT, '--limit', '0')
    fields = {r['field'] for r in patient if r.get('field')}
    for field in ('arm', 'c1d1', 'ici', 'platinum', 'status', 'subject_number'):
        assert field in fields, 'no audit row for %s: %s' % (field, sorted(fields))
    verify = cli('audit', 'verify')
    assert verify.returncode == 0, verify.stdout


def test_conflict():
    """Two arms match: the investigator chooses one of them, and says why."""
    app = App(['--database', DB], {'PARASOL_OPEN_PATIENT': CONFLICT,
                                   'LANGUAGE': 'zh_CN' if LANG == 'zh_CN' else 'en'})
    try:
        section = Section(app)
        dll3 = section.find('push button', _('DLL3 arm'))
        xpo1 = section.find('push button', _('XPO1 arm'))
        assert not is_pressed(dll3) and not is_pressed(xpo1), 'a conflict resolved for the person'
        press(section.find('push button', _('Confirm Arm')))
        section.find('label', _('Choose an arm'))
        check(section, _('XPO1 arm'))
        press(section.find('push button', _('Confirm Arm')))
        message = _('Several arms match (%s); choosing %s needs a reason') % ('dll3,xpo1', 'xpo1')
        section.find('label', message)
        show(None)
        screenshot('arm-conflict')
        set_text(section, _('Reason for the arm decision'), 'MYC amplified on NGS as well')
        press(section.find('push button', _('Confirm Arm')))
        wait_for(lambda: cli_json('patient', 'show', CONFLICT).get('arm') == 'xpo1', 'the arm stored')
    finally:
        app.close()
    rows = [r for r in audit('assignment') if r['field'] is None]
    assert any(json.loads(r['new']).get('arm') == 'xpo1' and
               r['reason'] == 'MYC amplified on NGS as well' for r in rows), rows


if __name__ == '__main__':
    cli('init')
    prepare(PATIENT)
    prepare(CONFLICT)
    cli('biomarker', 'add', CONFLICT, 'dll3', '--percent', '70', '--date', SCREENED.isoformat())
    cli('biomarker', 'add', CONFLICT, 'myc', '--percent', '40', '--date', SCREENED.isoformat())
    for marker in ('ascl1', 'neurod1'):
        cli('biomarker', 'add', CONFLICT, marker, '--percent', '0', '--date', SCREENED.isoformat())
    for marker in ('vim', 'axl'):
        cli('biomarker', 'add', CONFLICT, marker, '--hscore', '0', '--date', SCREENED.isoformat())
    try:
        run([test_record_biomarkers_arm_enrolment, test_conflict])
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
