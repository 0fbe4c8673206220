#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline checks of the Flatpak manifests (tests flatpak-manifests, flatpak-builder-manifests).

  check-flatpak.py SOURCE_ROOT BUILD_ROOT VERSION
      both manifests are strict JSON; their application ids match the desktop entry, metainfo
      and settings schema; they differ only where a development build must; the parasol module
      builds with the meson options CI uses (build-aux/run-tests.sh); finish-args are the four
      HACKING.md explains; the release builds from parasol-VERSION.tar.xz with a real sha256;
      the bundled Noto CJK files have the checksums of Debian's copy of the same release;
      parasol-cli is installed into bin, where `flatpak run --command=parasol-cli` finds it.
  check-flatpak.py --flatpak-builder SOURCE_ROOT
      `flatpak-builder --show-manifest` reads each manifest back unchanged (a misspelt key is
      dropped silently by flatpak-builder: this catches it), ignoring only "//" comment keys.

The GNOME runtime cannot be fetched here, so nothing is built.
"""
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

BASE_ID = 'org.parasol.Parasol'
FINISH_ARGS = {
    '--socket=wayland',       # the window, on a Wayland session
    '--socket=fallback-x11',  # the window on X11, only where there is no Wayland
    '--share=ipc',            # X11 shared memory (MIT-SHM); without it X11 is slow
    '--device=dri',           # OpenGL/Vulkan rendering by GTK's renderer
}
NOTO_DIR = '/usr/share/fonts/opentype/noto'

failures = []


def fail(message):
    failures.append(message)
    print('FAIL: ' + message, file=sys.stderr)


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    for k in set(keys):
        if keys.count(k) > 1:
            raise ValueError('duplicate key "%s"' % k)
    return dict(pairs)


def load_manifest(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    try:
        return json.loads(text, object_pairs_hook=no_duplicates)
    except ValueError as e:
        fail('%s is not valid JSON: %s' % (path, e))
        return None


def without_comments(value):
    if isinstance(value, dict):
        return {k: without_comments(v) for k, v in value.items() if not k.startswith('//')}
    if isinstance(value, list):
        return [without_comments(v) for v in value]
    return value


def module(manifest, name):
    for m in manifest.get('modules', []):
        if isinstance(m, dict) and m.get('name') == name:
            return m
    fail('%s has no module "%s"' % (manifest.get('id'), name))
    return {}


def ci_meson_options(source_root):
    """The options of `build _build ...` in build-aux/run-tests.sh: the build CI tests."""
    path = os.path.join(source_root, 'build-aux', 'run-tests.sh')
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'^\s*if build _build(?:\s+(.*?))?;\s*then', line)
            if m:
                return shlex.split(m.group(1) or '')
    fail('found no "if build _build ...; then" line in %s' % path)
    return []


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def check_ids(source_root, build_root, manifests):
    data = os.path.join(source_root, 'data')
    with open(os.path.join(data, BASE_ID + '.desktop.in.in'), encoding='utf-8') as f:
        desktop = f.read()
    if not re.search(r'^Icon=@APP_ID@$', desktop, re.M):
        fail('the desktop entry does not take its icon name from @APP_ID@')
    exec_line = re.search(r'^Exec=(\S+)', desktop, re.M)
    for m in manifests:
        if exec_line is None or exec_line.group(1) != m.get('command'):
            fail('%s runs "%s", the desktop entry "%s"'
                 % (m['id'], m.get('command'), exec_line and exec_line.group(1)))

    metainfo = ET.parse(os.path.join(data, BASE_ID + '.metainfo.xml.in.in')).getroot()
    if metainfo.findtext('id') != '@APP_ID@':
        fail('the metainfo <id> is not @APP_ID@')
    launchable = metainfo.find('launchable')
    if launchable is None or launchable.text != '@APP_ID@.desktop':
        fail('the metainfo <launchable> is not @APP_ID@.desktop')

    schema = ET.parse(os.path.join(data, BASE_ID + '.gschema.xml')).getroot()
    ids = [s.get('id') for s in schema.findall('schema')]
    if BASE_ID not in ids:
        fail('the settings schema id is not %s (found %s)' % (BASE_ID, ids))

    # What meson made of the templates in this build, for its profile.
    config = os.path.join(build_root, 'config.h')
    with open(config, encoding='utf-8') as f:
        app_id = re.search(r'#define APP_ID "([^"]+)"', f.read()).group(1)
    if app_id not in (BASE_ID, BASE_ID + '.Devel'):
        fail('this build has the application id %s' % app_id)
    built_desktop = os.path.join(build_root, 'data', app_id + '.desktop')
    built_metainfo = os.path.join(build_root, 'data', app_id + '.metainfo.xml')
    for path in (built_desktop, built_metainfo):
        if not os.path.exists(path):
            fail('%s was not built' % path)
    if os.path.exists(built_metainfo):
        root = ET.parse(built_metainfo).getroot()
        if root.findtext('id') != app_id or root.findtext('launchable') != app_id + '.desktop':
            fail('%s does not say %s' % (built_metainfo, app_id))
    if os.path.exists(built_desktop):
        with open(built_desktop, encoding='utf-8') as f:
            if not re.search(r'^Icon=%s$' % re.escape(app_id), f.read(), re.M):
                fail('%s does not name the icon %s' % (built_desktop, app_id))


def check_manifests(source_root, build_root, version):
    release = load_manifest(os.path.join(source_root, 'build-aux', BASE_ID + '.json'))
    devel = load_manifest(os.path.join(source_root, 'build-aux', BASE_ID + '.Devel.json'))
    if release is None or devel is None:
        return

    if release.get('id') != BASE_ID:
        fail('the release manifest builds %s, not %s' % (release.get('id'), BASE_ID))
    if devel.get('id') != BASE_ID + '.Devel':
        fail('the development manifest builds %s' % devel.get('id'))
    check_ids(source_root, build_root, [release, devel])

    for key in ('runtime', 'runtime-version', 'sdk', 'command', 'finish-args', 'cleanup'):
        if release.get(key) != devel.get(key):
            fail('the manifests differ in "%s": %s / %s' % (key, release.get(key), devel.get(key)))
    if release.get('runtime') != 'org.gnome.Platform' or release.get('sdk') != 'org.gnome.Sdk':
        fail('not the GNOME runtime: %s' % release.get('runtime'))

    for m in (release, devel):
        args = m.get('finish-args', [])
        if set(args) != FINISH_ARGS or len(args) != len(FINISH_ARGS):
            fail('%s: finish-args %s, expected exactly %s (HACKING.md says why each)'
                 % (m['id'], args, sorted(FINISH_ARGS)))

    ci = ci_meson_options(source_root)
    if module(release, 'parasol').get('config-opts', []) != ci:
        fail('the release builds with %s, CI with %s'
             % (module(release, 'parasol').get('config-opts'), ci))
    if module(devel, 'parasol').get('config-opts', []) != ci + ['-Dprofile=development']:
        fail('the development manifest builds with %s, CI with %s (+ -Dprofile=development)'
             % (module(devel, 'parasol').get('config-opts'), ci))

    # Every module but parasol itself (the fonts) is the same in both.
    def others(m):
        return [without_comments(x) for x in m['modules'] if x.get('name') != 'parasol']
    if others(release) != others(devel):
        fail('the manifests differ in their other modules')
    if module(release, 'parasol') and release['modules'][-1].get('name') != 'parasol':
        fail('parasol is not the last module of the release manifest')

    sources = module(release, 'parasol').get('sources', [])
    if len(sources) != 1 or sources[0].get('type') != 'archive':
        fail('the release does not build from one archive: %s' % sources)
    else:
        url, sha = sources[0].get('url', ''), sources[0].get('sha256', '')
        if not url.startswith('https://') or not url.endswith('/parasol-%s.tar.xz' % version):
            fail('the release archive is %s; meson dist of version %s makes parasol-%s.tar.xz'
                 % (url, version, version))
        if not re.fullmatch(r'[0-9a-f]{64}', sha) or len(set(sha)) == 1:
            fail('the release archive has no real sha256: "%s" (HACKING.md: Cutting a release)'
                 % sha)
    if module(devel, 'parasol').get('sources', [{}])[0].get('type') != 'dir':
        fail('the development manifest does not build this source tree')

    # The fonts: Debian's fonts-noto-cjk ships the same Noto CJK 2.004 files; where it is
    # installed, the pinned checksums must be theirs.
    fonts = module(release, 'noto-sans-cjk')
    for source in fonts.get('sources', []):
        name = os.path.basename(source.get('url', ''))
        local = os.path.join(NOTO_DIR, name)
        if not re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')):
            fail('%s has no sha256' % name)
        elif os.path.exists(local):
            if sha256_of(local) != source['sha256']:
                fail('%s: the manifest pins %s, Debian\'s copy is %s'
                     % (name, source['sha256'], sha256_of(local)))
            fc_query = shutil.which('fc-query')
            if fc_query:
                families = subprocess.run([fc_query, '--format=%{family}\n', local],
                                          capture_output=True, text=True).stdout
                if 'Noto Sans CJK SC' not in families:
                    fail('%s holds no Noto Sans CJK SC face' % local)
        else:
            print('%s is not installed here: its checksum is not compared' % local)
        if name not in ' '.join(fonts.get('build-commands', [])):
            fail('%s is downloaded but not installed' % name)

    # `flatpak run --command=parasol-cli` looks in /app/bin: parasol-cli must be installed there.
    with open(os.path.join(build_root, 'meson-info', 'intro-installed.json'), encoding='utf-8') as f:
        installed = json.load(f).values()
    if not any(p.endswith('/bin/parasol-cli') for p in installed):
        fail('parasol-cli is not installed into bin')
    for page in ('parasol-cli.1',):
        if not any(p.endswith('/man1/' + page) for p in installed):
            fail('the manual page %s is not installed' % page)


def check_with_flatpak_builder(source_root):
    builder = shutil.which('flatpak-builder')
    if builder is None:
        print('flatpak-builder is not installed')
        return 77
    for name in (BASE_ID + '.json', BASE_ID + '.Devel.json'):
        path = os.path.join(source_root, 'build-aux', name)
        result = subprocess.run([builder, '--show-manifest', path], capture_output=True, text=True)
        if result.returncode != 0 or result.stderr.strip():
            fail('flatpak-builder --show-manifest %s: %s' % (name, result.stderr))
            continue
        shown = json.loads(result.stdout)
        ours = without_comments(load_manifest(path))
        if shown != ours:
            fail('flatpak-builder reads %s differently (a misspelt key?):\n%s'
                 % (name, json.dumps(shown, indent=2)))
        else:
            print('flatpak-builder reads %s as written' % name)
    lint = shutil.which('flatpak-builder-lint')
    if lint is not None:
        for name in (BASE_ID + '.json', BASE_ID + '.Devel.json'):
            result = subprocess.run([lint, 'manifest', os.path.join(source_root, 'build-aux', name)],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                fail('flatpak-builder-lint manifest %s:\n%s' % (name, result.stdout))
    else:
        print('flatpak-builder-lint is not installed (Debian does not package it)')
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--flatpak-builder':
        status = check_with_flatpak_builder(sys.argv[2])
    elif len(sys.argv) == 4:
        check_manifests(*sys.argv[1:])
        status = 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if failures else status


if __name__ == '__main__':
    sys.exit(main())
