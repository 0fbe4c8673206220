#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Point the release Flatpak manifest at a new release archive.

  build-aux/update-release-manifest.py _build/meson-dist/parasol-VERSION.tar.xz

Writes the archive's name and sha256 into the parasol module of build-aux/org.parasol.Parasol.json
(the folder of its URL stays: upload the archive there).  When meson dist wrote
ARCHIVE.sha256sum beside it, the two checksums must agree.  HACKING.md: Cutting a release.
"""
import hashlib
import json
import os
import re
import sys

MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'org.parasol.Parasol.json')


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    archive = sys.argv[1]
    name = os.path.basename(archive)
    if not re.fullmatch(r'parasol-[0-9][0-9A-Za-z.]*\.tar\.xz', name):
        print('%s is not an archive made by meson dist (parasol-VERSION.tar.xz)' % name,
              file=sys.stderr)
        return 1
    with open(archive, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    if os.path.exists(archive + '.sha256sum'):
        with open(archive + '.sha256sum', encoding='utf-8') as f:
            listed = f.read().split()[0]
        if listed != sha:
            print('%s.sha256sum says %s, the archive is %s' % (archive, listed, sha),
                  file=sys.stderr)
            return 1

    with open(MANIFEST, encoding='utf-8') as f:
        manifest = json.load(f)
    source = [m for m in manifest['modules'] if m['name'] == 'parasol'][0]['sources'][0]
    source['url'] = source['url'].rsplit('/', 1)[0] + '/' + name
    source['sha256'] = sha
    with open(MANIFEST, 'w', encoding='utf-8') as f:
        f.write(json.dumps(manifest, indent=2, ensure_ascii=False) + '\n')
    print('%s: %s %s' % (os.path.relpath(MANIFEST), source['url'], sha))
    return 0


if __name__ == '__main__':
    sys.exit(main())
