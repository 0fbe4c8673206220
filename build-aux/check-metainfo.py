#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AppStream metainfo, validated and checked against the tree (test validate-metainfo).

  check-metainfo.py SOURCE_ROOT METAINFO VERSION

`appstreamcli validate --pedantic --no-net` must report nothing but the hints explained in
EXPLAINED below.  Then: every screenshot is a file in data/screenshots/ (and every file there is
shown); the newest release is VERSION and every release has a date; there is a content rating
and a launchable; the homepage, the screenshots and the release archive of the Flatpak manifest
are on the same host.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

# Hints appstreamcli reports that we keep, and why.
EXPLAINED = {
    # P: "The component ID should only contain lowercase characters."  Parasol's id is
    # org.parasol.Parasol, reverse-DNS with a capital like every GNOME application
    # (org.gnome.TextEditor).  Lowercasing it would change the D-Bus name, the desktop file, the
    # icon, the GSettings path and every Flatpak user's data folder (~/.var/app/ID), where the
    # trial database lives.
    'cid-contains-uppercase-letter',
}

failures = []


def fail(message):
    failures.append(message)
    print('FAIL: ' + message, file=sys.stderr)


def validate(metainfo):
    appstreamcli = shutil.which('appstreamcli')
    if appstreamcli is None:
        print('appstreamcli is not installed: not validating')
        return
    result = subprocess.run([appstreamcli, 'validate', '--pedantic', '--no-net', '--explain',
                             metainfo], capture_output=True, text=True)
    print(result.stdout)
    if result.returncode != 0:
        fail('appstreamcli validate failed (%d)' % result.returncode)
    for line in result.stdout.splitlines():
        m = re.match(r'^([EWIP]): \S+ ([a-z0-9-]+)', line)
        if m and m.group(2) not in EXPLAINED:
            fail('appstreamcli: %s (fix it, or explain it in EXPLAINED)' % line)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    source_root, metainfo, version = sys.argv[1:]
    validate(metainfo)
    root = ET.parse(metainfo).getroot()

    shots_dir = os.path.join(source_root, 'data', 'screenshots')
    shown = set()
    hosts = {}
    for image in root.findall('screenshots/screenshot/image'):
        url = image.text.strip()
        hosts[url] = urlparse(url).netloc
        m = re.search(r'/raw/v%s/data/screenshots/([^/]+)$' % re.escape(version), url)
        if not m:
            fail('screenshot %s is not data/screenshots/ of tag v%s' % (url, version))
        elif not os.path.exists(os.path.join(shots_dir, m.group(1))):
            fail('screenshot %s: there is no data/screenshots/%s' % (url, m.group(1)))
        else:
            shown.add(m.group(1))
    for name in sorted(os.listdir(shots_dir)):
        if name.endswith('.png') and name not in shown:
            fail('data/screenshots/%s is not in the metainfo' % name)

    releases = root.findall('releases/release')
    if not releases or releases[0].get('version') != version:
        fail('the newest release in the metainfo is not %s, the version meson builds'
             % version)
    dates = [r.get('date') or '' for r in releases]
    for r, date in zip(releases, dates):
        if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', date):
            fail('release %s has no date' % r.get('version'))
    if dates != sorted(dates, reverse=True):
        fail('the releases are not newest first: %s' % dates)

    rating = root.find('content_rating')
    if rating is None or rating.get('type') != 'oars-1.1':
        fail('no OARS 1.1 content rating')
    if root.find('launchable') is None:
        fail('no launchable')

    homepage = root.findtext("url[@type='homepage']") or ''
    hosts[homepage] = urlparse(homepage).netloc
    with open(os.path.join(source_root, 'build-aux', 'org.parasol.Parasol.json'),
              encoding='utf-8') as f:
        manifest = json.load(f)
    for m in manifest['modules']:
        if m['name'] == 'parasol':
            url = m['sources'][0].get('url', '')
            hosts[url] = urlparse(url).netloc
    if len(set(hosts.values())) != 1:
        fail('the homepage, screenshots and release archive are on different hosts: %s' % hosts)

    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
