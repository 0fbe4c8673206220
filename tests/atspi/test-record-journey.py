#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One patient from New Patient to the end of treatment, all in the window (issue 10), as a
screen reader user does it: controls found by role and accessible name through AT-SPI, no
parasol-cli until the store is read back at the end.

New Patient (a woman); the screening facts form: a height out of range, a weight measured in
the future and a change without a reason each refused under the field being typed, then ECOG,
height, a dated weight, childbearing potential saved, and a change saved with its reason; the
labs of the bone-marrow and organ-function criteria, with the negative pregnancy test, and
every attested criterion, until "Eligible"; the biomarkers and the arm decision, enrolment (the
steps of test-record-arm.py); the cycle 1 day-1 doses, a delay of cycle 2, a partial response
and the discontinuation.  Then `parasol-cli --json patient show`, `audit show` and
`audit verify`: every value is stored, each with its audit rows, and the trail verifies.

Runs in the interface language of LANGUAGE (en, or zh_CN with the build's translations), names
looked up through the same message catalogue.  Screenshots of the facts form go to
$G_TEST_BUILDDIR/screens/LANG-journey-*.png."""

import datetime
import gettext
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pyatspi

import atspi_helpers
from atspi_helpers import App, find, log, press, run, unnamed_controls, wait_for

# The machine running the suite may be busy: give the window more time than the default
SLOW = 60.0
atspi_helpers.wait_for.__defaults__ = (SLOW,)
atspi_helpers.App.find.__defaults__ = (SLOW, True)

# The biomarker, arm and enrolment steps of test-record-arm.py, on this walk's database
_spec = importlib.util.spec_from_file_location(
    'record_arm', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-record-arm.py'))
arm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(arm)

CLI = os.environ['PARASOL_CLI']
LANG = arm.LANG
_ = arm._
TMP = tempfile.mkdtemp(prefix='parasol-atspi-journey-')
DB = os.path.join(TMP, 'trial.db')
KEY = 'S-0201'
TODAY = datetime.date.today()
SCREENS = arm.SCREENS
arm.DB = DB
arm.PATIENT = KEY
START = time.monotonic()
TRANSFUSED = (TODAY - datetime.timedelta(days=30)).isoformat()


if LANG == 'zh_CN':
    _context = gettext.translation('parasol', arm.LOCALEDIR, languages=['zh_CN']).pgettext
else:
    _context = gettext.NullTranslations().pgettext


def matches(template, *args):
    """A test for a name made from @template (translated) with "%s" filled in by anything and
    the rest formatted with @args: "Record Response for %s" -> "为 BT-0001 记录疗效"."""
    head, tail = _(template).split('%s', 1)
    tail = tail % args if args else tail
    return lambda n: n is not None and n.startswith(head) and n.endswith(tail) and \
        len(n) > len(head) + len(tail)


def M(msgid):
    """A mnemonic label as a screen reader reads it: "_Save Facts" -> "Save Facts"."""
    return _(msgid).replace('_', '')


def cli_json(*args):
    out = subprocess.run([CLI, '--json'] + list(args) + ['--database', DB], check=True,
                         capture_output=True, text=True, env=dict(os.environ, LANGUAGE='')).stdout
    return json.loads(out)


def patient():
    return cli_json('patient', 'show', KEY)


def screenshot(name):
    os.makedirs(SCREENS, exist_ok=True)
    time.sleep(0.5)
    path = os.path.join(SCREENS, '%s-journey-%s.png' % (LANG, name))
    subprocess.run(['import', '-window', 'root', path], check=False)
    log('%.0f s screenshot %s' % (time.monotonic() - START, path))


def windows(app):
    found = []
    try:
        for i in range(app.root.childCount):
            w = app.root.getChildAtIndex(i)
            if w is not None and w.name is not None:
                found.append(w)
    except Exception:
        return []
    return found


class Dialog:
    """A window of the app by its title, searched on its own."""

    def __init__(self, app, title):
        self.app = app
        self.title = title
        match = title if callable(title) else (lambda n: n == title)
        self.root = wait_for(lambda: next((w for w in windows(app) if match(w.name)), None),
                             'the window “%s”' % (title if isinstance(title, str) else '…'))

    def find(self, role, name, timeout=30):
        return wait_for(lambda: find(self.root, role, name), '%s “%s”' % (role, name), timeout)

    def closed(self):
        # Not asked while GTK 4.8 tears the window down (see test-record-screening.py)
        time.sleep(1.5)
        root = self.root
        wait_for(lambda: all(w != root for w in windows(self.app)), 'the window to close')
        time.sleep(0.5)


def type_into(d, name, text):
    node = d.find('text', name)
    node.queryEditableText().setTextContents(text)
    wait_for(lambda: arm.text_of(node) == text, 'the text of “%s”' % name)
    return node


def choose(d, name):
    node = wait_for(lambda: find(d.root, 'toggle button', name) or find(d.root, 'push button', name),
                    'the choice “%s”' % name)
    if not arm.is_pressed(node):
        press(node)
        wait_for(lambda: arm.is_pressed(node), '“%s” chosen' % name)


LEAVES = ('label', 'image', 'push button', 'toggle button', 'text', 'scroll bar', 'check box',
          'radio button', 'entry', 'switch', 'separator', 'combo box')


def find_page(root, role, name):
    """find() for the large patient page: leaves and hidden subtrees are not walked into."""
    stack = [root]
    while stack:
        node = stack.pop()
        try:
            children = [node.getChildAtIndex(i) for i in range(node.childCount)]
        except Exception:
            continue
        for child in reversed(children):
            if child is None:
                continue
            try:
                child_role = child.getRoleName()
                if child_role == role and (name(child.name) if callable(name) else child.name == name):
                    return child
                if child_role in LEAVES or not child.getState().contains(pyatspi.STATE_VISIBLE):
                    continue
            except Exception:
                continue
            stack.append(child)
    return None


def page_button(app, name):
    def lookup():
        main = windows(app)
        return find_page(main[0], 'push button', name) if main else None
    return wait_for(lookup, 'the button “%s”' % (name if isinstance(name, str) else '…'))


def open_dialog(app, button, title):
    """Presses @button until the window @title shows: the page reloads after each record, and a
    button of the old page may still be listed."""
    for _attempt in range(6):
        try:
            press(page_button(app, button))
            return Dialog(app, title)
        except Exception as e:  # noqa: BLE001 - a button of the page before the reload
            log('open %s: %s' % (title if isinstance(title, str) else '…', e))
            time.sleep(1)
    raise AssertionError('the window does not open')


# ---- 1. New patient ------------------------------------------------------------------------

def new_patient(app):
    press(app.find('push button', M('_New Patient…')))
    d = Dialog(app, _('New Patient'))
    type_into(d, _('Screening number'), KEY)
    type_into(d, _('Initials'), 'HXY')
    choose(d, _('Female'))
    type_into(d, _('Birth date (YYYY-MM-DD)'), '1966-08-12')
    type_into(d, _('Site'), 'Site 02')
    screenshot('new-patient')
    press(d.find('push button', M('_Add Patient')))
    d.closed()
    app.find('push button', _('Back to the Patients'))


# ---- 2. Screening facts --------------------------------------------------------------------

def refusal_under(d, field_name, test):
    """The refusal matching @test, in the row right after the field named @field_name."""
    label = d.find('label', test)
    row = label.parent
    listing = row.parent
    index = row.getIndexInParent()
    before = [listing.getChildAtIndex(i) for i in range(index)]
    named = [n for n in before if n is not None and
             (n.name == field_name or find(n, 'text', field_name) is not None or
              find(n, 'label', field_name) is not None)]
    assert named, 'the refusal “%s” is not under “%s”' % (label.name, field_name)
    nearest = max(n.getIndexInParent() for n in named)
    between = [listing.getChildAtIndex(i) for i in range(nearest + 1, index)]
    assert all(find(n, 'text', lambda _n: True) is None for n in between if n is not None), \
        'another field lies between “%s” and its refusal' % field_name
    log('refused under %s: %s' % (field_name, label.name))
    return label


def screening_facts(app):
    d = open_dialog(app, M('_Edit Facts…'), _('Screening Facts'))
    bad = unnamed_controls(d.root)
    assert not bad, 'unnamed controls in the facts form: %s' % bad
    screenshot('facts-empty')

    # A height out of the protocol's range: refused under the height, nothing written
    choose(d, _('ECOG 1'))
    type_into(d, _('Height (cm)'), '16.3')
    type_into(d, _('New weight (kg); empty: none measured'), '61')
    press(d.find('push button', M('_Save Facts')))
    refusal_under(d, _('Height (cm)'), lambda n: '16.3' in n)
    screenshot('facts-height-refused')
    assert patient()['ecog'] is None, 'a refused form wrote the ECOG'

    # A weight measured tomorrow: refused under the weight
    type_into(d, _('Height (cm)'), '163')
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    type_into(d, _('Weight measured on (YYYY-MM-DD)'), tomorrow)
    press(d.find('push button', M('_Save Facts')))
    refusal_under(d, _('Weight measured on (YYYY-MM-DD)'), lambda n: tomorrow in n)
    screenshot('facts-weight-refused')
    assert patient().get('height_cm') is None, 'a refused form wrote the height'

    type_into(d, _('Weight measured on (YYYY-MM-DD)'), TODAY.isoformat())
    choose(d, _('Of childbearing potential: yes'))
    # A transfusion long enough before the blood counts for the bone-marrow criterion
    type_into(d, _('Last blood transfusion (YYYY-MM-DD); empty: none'), TRANSFUSED)
    screenshot('facts')
    press(d.find('push button', M('_Save Facts')))
    d.closed()
    wait_for(lambda: patient()['ecog'] == 1, 'the facts stored')

    # A saved value changes: the reason is asked for under its field, then saved with it
    d = open_dialog(app, M('_Edit Facts…'), _('Screening Facts'))
    type_into(d, _('Height (cm)'), '165')
    press(d.find('push button', M('_Save Facts')))
    refusal_under(d, _('Reason for the change'),
                  _('A saved value changes: say why in the reason for the change.'))
    screenshot('facts-reason-refused')
    assert patient()['height_cm'] == 163
    type_into(d, _('Reason for the change'), 'Measured again without shoes')
    press(d.find('push button', M('_Save Facts')))
    d.closed()
    wait_for(lambda: patient()['height_cm'] == 165, 'the corrected height stored')


# ---- 3. Labs and attestations ----------------------------------------------------------------

def enter_lab(app, title, lab, value, uln=None):
    d = open_dialog(app, _('Enter a result for %s') % _(title), _('Enter Lab Result'))
    choose(d, lab)
    if value in ('Negative', 'Positive'):
        choose(d, _(value))
    else:
        type_into(d, _('Value'), value)
    if uln is not None:
        type_into(d, _('Upper limit of normal (ULN), in the same unit'), uln)
    d.find('label', lambda n: n in (_('Met'), _('Missing data'), _('Not met')))
    if lab == 'Pregnancy test':
        screenshot('lab-pregnancy-test')
    press(d.find('push button', M('_Save Result')))
    d.closed()


def attest(app, title, exclusion, shot=None):
    d = open_dialog(app, _('Attest %s') % _(title), _('Attest Criterion'))
    choose(d, _('Met: the patient is free of this condition') if exclusion else _('Met'))
    if shot:
        screenshot(shot)
    press(d.find('push button', M('_Save Attestation')))
    d.closed()


ATTESTED_INCLUSIONS = ['Extensive-stage SCLC confirmed',
                       'No prior systemic therapy for advanced disease',
                       'Expected survival at least 12 weeks',
                       'Measurable lesion (RECIST 1.1)',
                       'Bone marrow reserve']
ATTESTED_EXCLUSIONS = ['Symptomatic CNS metastases', 'History of CNS disease',
                       'Anti-tumour therapy within 4 weeks', 'Unresolved toxicity above grade 1',
                       'Systemic corticosteroids within 72 hours', 'Organ or tissue transplant',
                       'Active autoimmune disease under treatment',
                       'HBV, HCV, syphilis, HIV, EBV or CMV',
                       'Major surgery or trauma within 4 weeks',
                       'Other malignancy within 2 years', 'Cardiac conditions',
                       'Tumour involving atrium or ventricle', 'Oncological emergency',
                       'Active bleeding', 'DVT or PE within 6 months',
                       'Live vaccine within 6 weeks', 'Uncontrolled systemic infection',
                       'Other interventional study within 4 weeks',
                       'Poor adherence or otherwise unsuitable']


def screen(app):
    marrow, organ = 'Bone marrow reserve', 'Organ function'
    for lab, value in (('ANC', '2.1'), ('PLT', '245'), ('HGB', '128')):
        enter_lab(app, marrow, lab, value)
    for lab, value, uln in (('AST', '31', '40'), ('ALT', '28', '40'),
                            ('Total bilirubin', '11', '21'), ('Creatinine', '72', '104'),
                            ('INR', '1.0', '1.2'), ('APTT', '31', '40')):
        enter_lab(app, organ, lab, value, uln)
    enter_lab(app, organ, 'Pregnancy test', 'Negative')
    for i, title in enumerate(ATTESTED_INCLUSIONS):
        attest(app, title, False, 'attest' if i == 0 else None)
    for title in ATTESTED_EXCLUSIONS:
        attest(app, title, True)
    app.find('label', _('Eligible'))
    screenshot('eligible')
    log('%.0f s eligible' % (time.monotonic() - START))


# ---- 5. Treatment and outcomes ---------------------------------------------------------------

def administrations():
    return patient()['administrations']


def treat(app):
    day1 = matches('Record a dose of %s, cycle %d day %d', 1, 1)
    title = _('Record Dose, Cycle %d') % 1
    recorded = 0
    while True:
        time.sleep(2)
        main = windows(app)
        if find_page(main[0], 'push button', day1) is None:
            break
        d = open_dialog(app, day1, title)
        if recorded == 0:
            screenshot('record-dose')
        press(d.find('push button', _('Record')))
        d.closed()
        recorded += 1
        wait_for(lambda: len(administrations()) == recorded, '%d doses stored' % recorded)
        assert recorded < 8, 'the day-1 buttons do not go away'
    assert recorded >= 4, 'only %d day-1 doses' % recorded
    log('%.0f s %d doses' % (time.monotonic() - START, recorded))

    # A delay of cycle 2: refused without a reason where it is typed, then with one
    d = open_dialog(app, _('Delay cycle %d') % 2, _('Delay Cycle %d') % 2)
    press(d.find('push button', _context('button', 'Delay')))
    word = '原因' if LANG == 'zh_CN' else 'reason'
    d.find('label', lambda n: word in n.lower())
    screenshot('delay-refused')
    type_into(d, _('Reason'), 'ANC 0.9')
    press(d.find('push button', _context('button', 'Delay')))
    d.closed()
    cycles = {c['number']: c for c in cli_json('schedule', KEY)['cycles']}
    assert cycles[2]['status'] == 'delayed' and cycles[2]['reason'] == 'ANC 0.9', cycles[2]


def outcomes(app):
    d = open_dialog(app, _('Record Response…'), matches('Record Response for %s'))
    choose(d, _('%s (%s)') % (_('Partial response'), 'PR'))
    type_into(d, _('Note (optional)'), 'CT week 6: target lesions -32 %')
    screenshot('response')
    press(d.find('push button', _('Save')))
    d.closed()
    wait_for(lambda: any(r['response'] == 'PR' for r in patient()['responses']), 'the response')

    d = open_dialog(app, _('Record Event…'), matches('Record Event for %s'))
    choose(d, _('Discontinuation'))
    press(d.find('push button', _('Save')))
    d.find('label', _('Choose the reason for discontinuation.'))
    screenshot('discontinuation-refused')
    assert patient()['status'] == 'on_treatment', 'nothing written on a refusal'
    press(d.find('push button', _('Unacceptable toxicity')))
    type_into(d, _('Details (required for “Other”)'), 'Febrile neutropenia')
    press(d.find('push button', _('Save')))
    d.closed()
    wait_for(lambda: patient()['status'] == 'off_treatment', 'the patient off treatment')


def test_journey():
    subprocess.run([CLI, 'init', '--database', DB], check=True, capture_output=True)
    app = App(['--database', DB], {'LANGUAGE': 'zh_CN' if LANG == 'zh_CN' else 'en'})
    try:
        new_patient(app)
        screening_facts(app)
        screen(app)
        section = arm.Section(app)
        arm.record_markers(section)
        arm.decide_arm(section)
        arm.enrol(section)
        log('%.0f s enrolled' % (time.monotonic() - START))
        treat(app)
        outcomes(app)
        log('%.0f s off treatment' % (time.monotonic() - START))
    finally:
        app.close()

    # The store holds each change, each with its audit rows, and the trail verifies
    p = patient()
    assert p['sex'] == 'female' and p['birth_date'] == '1966-08-12', p
    assert p['ecog'] == 1 and p['height_cm'] == 165 and p['weight_kg'] == 61, p
    assert p['childbearing_potential'] == 'yes' and p['last_transfusion'] == TRANSFUSED, p
    assert any(w['measured_on'] == TODAY.isoformat() and w['weight_kg'] == 61
               for w in p['weights']), p['weights']
    assert {'hcg', 'anc', 'plt', 'hgb', 'ast', 'alt', 'tbil', 'creatinine', 'inr', 'aptt'} <= \
        {l['lab'] for l in p['labs']}, p['labs']
    assert [l['value'] for l in p['labs'] if l['lab'] == 'hcg'] == [0], 'the test is negative'
    assert p['arm'] == 'dll3' and p['c1d1'] == TODAY.isoformat(), p
    assert len(p['administrations']) >= 4 and p['status'] == 'off_treatment', p
    assert [r['response'] for r in p['responses']] == ['PR'], p['responses']
    assert any(e['kind'] == 'discontinuation' and
               e['reason'] == 'Unacceptable toxicity: Febrile neutropenia'
               for e in p['events']), p['events']

    rows = cli_json('audit', 'show', '--patient', KEY, '--history', '--limit', '0')
    fields = {(r['table'], r['field']) for r in rows}
    for field in ('ecog', 'height_cm', 'weight_kg', 'childbearing_potential', 'last_transfusion',
                  'arm', 'c1d1',
                  'status'):
        assert ('patient', field) in fields, 'no audit row for %s' % field
    assert [r for r in rows if r['table'] == 'patient' and r['field'] == 'height_cm' and
            r['reason'] == 'Measured again without shoes'], 'the height change without its reason'
    for table in ('weight', 'lab', 'attestation', 'biomarker', 'assignment', 'administration',
                  'cycle', 'response', 'event'):
        assert any(r['table'] == table for r in rows), 'no audit row in %s' % table
    lab_records = {r['record'] for r in rows if r['table'] == 'lab' and r['field'] is None}
    assert {l['id'] for l in p['labs']} <= lab_records, 'a lab without its audit row'
    verify = subprocess.run([CLI, 'audit', 'verify', '--database', DB], capture_output=True,
                            text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    log('%.0f s checked %d audit rows' % (time.monotonic() - START, len(rows)))


if __name__ == '__main__':
    try:
        run([test_journey])
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
        shutil.rmtree(arm.TMP, ignore_errors=True)
