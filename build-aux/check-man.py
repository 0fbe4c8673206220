#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check a manual page against the --help of its program (tests man-parasol-cli, man-parasol).

  check-man.py cli PARASOL_CLI parasol-cli.1
      every command `parasol-cli --help` lists has a section (.SS) in the page, and every option
      `parasol-cli COMMAND --help` prints is in that command's section or, for the common
      options, in OPTIONS;
  check-man.py gui PARASOL parasol.1
      every option `parasol --help-all` prints is in OPTIONS.

Both: the sections a manual page needs are there, and groff (when installed) reads the page
without a warning.  The programs run in the C locale, so --help is in English.
"""
import os
import re
import shutil
import subprocess
import sys

REQUIRED_SECTIONS = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'ENVIRONMENT',
                     'FILES', 'SEE ALSO']
OPTION_RE = re.compile(r'(?:^|[\s,])(--[a-z][a-z0-9-]*)')

failures = []


def fail(message):
    failures.append(message)
    print('FAIL: ' + message, file=sys.stderr)


def run(argv):
    env = dict(os.environ, LC_ALL='C', LANGUAGE='')
    env.pop('PARASOL_LOCALEDIR', None)
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        fail('%s exited with %d: %s' % (' '.join(argv), result.returncode, result.stderr))
    return result.stdout


def unescape(text):
    text = re.sub(r'\\f[BIRP]', '', text)
    return text.replace('\\-', '-').replace('\\e', '\\').replace('\\&', '').replace('"', '')


def read_page(path):
    """{section title: text}, and {subsection title: text} for .SS"""
    sections, subsections = {}, {}
    section = subsection = None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('.SH '):
                section, subsection = unescape(line[4:]).strip(), None
                sections[section] = ''
                continue
            if line.startswith('.SS '):
                subsection = unescape(line[4:]).strip()
                subsections[subsection] = ''
                continue
            if section is not None:
                sections[section] += unescape(line) + '\n'
            if subsection is not None:
                subsections[subsection] += unescape(line) + '\n'
    return sections, subsections


def options_in(text):
    return set(OPTION_RE.findall(text))


def help_options(help_text):
    """The long options a GOption --help lists (lines that start with blanks and a dash)."""
    found = set()
    for line in help_text.splitlines():
        m = re.match(r'^\s+(-\S.*?)(?:\s{2,}|$)', line)
        if m:
            found |= options_in(m.group(1))
    return found


def check_groff(path):
    groff = shutil.which('groff')
    if groff is None:
        print('groff is not installed: not checking the troff')
        return
    result = subprocess.run([groff, '-man', '-ww', '-z', '-Tutf8', path],
                            capture_output=True, text=True)
    if result.returncode != 0 or result.stderr.strip():
        fail('groff warns about %s:\n%s' % (path, result.stderr))


def check_cli(program, page):
    sections, subsections = read_page(page)
    usage = run([program, '--help'])
    commands = []
    in_commands = False
    for line in usage.splitlines():
        if line.strip() == 'Commands:':
            in_commands = True
            continue
        if in_commands:
            m = re.match(r'^  (\S+(?: \S+)?)\s{2,}\S', line)
            if m:
                commands.append(m.group(1))
            elif line.strip() == '':
                in_commands = False
    if len(commands) < 2:
        fail('found no commands in `%s --help`:\n%s' % (program, usage))

    common = options_in(sections.get('OPTIONS', ''))
    for command in commands:
        if command not in subsections:
            fail('command “%s” (in --help) has no section in %s' % (command, page))
            continue
        described = options_in(subsections[command])
        for option in sorted(help_options(run([program] + command.split() + ['--help']))):
            if option in ('--help', '--help-all'):
                continue
            if option not in described and option not in common:
                fail('option %s of “%s” is not in %s' % (option, command, page))
    extra = set(subsections) - set(commands)
    if extra:
        fail('%s describes commands --help does not list: %s' % (page, ', '.join(sorted(extra))))
    if 'COMMANDS' not in sections:
        fail('%s has no COMMANDS section' % page)
    print('%d commands checked' % len(commands))
    return sections


def check_gui(program, page):
    sections, _ = read_page(page)
    described = options_in(sections.get('OPTIONS', ''))
    options = help_options(run([program, '--help-all']))
    if '--database' not in options:
        fail('`%s --help-all` lists no --database:\n%s' % (program, options))
    for option in sorted(options):
        if option not in described:
            fail('option %s (in --help-all) is not in OPTIONS of %s' % (option, page))
    print('%d options checked' % len(options))
    return sections


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('cli', 'gui'):
        print(__doc__, file=sys.stderr)
        return 2
    kind, program, page = sys.argv[1:]
    sections = check_cli(program, page) if kind == 'cli' else check_gui(program, page)
    for title in REQUIRED_SECTIONS:
        if title not in sections:
            fail('%s has no %s section' % (page, title))
    check_groff(page)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
