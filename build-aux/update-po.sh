#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Regenerate po/parasol.pot from the files in po/POTFILES.in, merge it into every po/LANG.po
# listed in po/LINGUAS, and report what is left to translate.
#
# usage: build-aux/update-po.sh [BUILD_DIR]     (default: _build, set up if it is not there)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
export GETTEXTDATADIRS="$root/data${GETTEXTDATADIRS:+:$GETTEXTDATADIRS}"
build=${1:-$root/_build}

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root"
fi

"$root/build-aux/check-potfiles.sh" "$root" || {
  echo "Fix po/POTFILES.in first." >&2
  exit 1
}

meson compile -C "$build" parasol-pot
meson compile -C "$build" parasol-update-po

# Print each msgid of a PO file on one line (the header's empty msgid left out).
list_msgids() {
  awk '
    /^msgid /    { id = substr($0, 7); inid = 1; next }
    inid && /^"/ { id = id $0; next }
    inid         { inid = 0; gsub(/""/, "", id); gsub(/^"|"$/, "", id); if (id != "") print id }
    END          { if (inid) { gsub(/""/, "", id); gsub(/^"|"$/, "", id); if (id != "") print id } }
  '
}

export LC_ALL=C
left=0
for lang in $(sed -e 's/#.*//' "$root/po/LINGUAS"); do
  po="$root/po/$lang.po"
  printf '%s: ' "$lang"
  msgfmt --check --statistics -o /dev/null "$po"
  todo=$( (msgattrib --no-obsolete --untranslated "$po" | list_msgids | sed 's/^/    untranslated: /'
           msgattrib --no-obsolete --only-fuzzy "$po" | list_msgids | sed 's/^/    fuzzy: /') )
  if [ -n "$todo" ]; then
    left=1
    echo "  to do in po/$lang.po:"
    echo "$todo"
  fi
done

if [ "$left" -eq 0 ]; then
  echo "Every language is complete."
fi
