#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Check po/POTFILES.in against the tree:
#  - every file it lists exists (xgettext stops at the first missing one);
#  - every source that marks strings for translation is listed, so no string a person reads
#    is left out of the template: C files using _(), N_(), C_(), NC_() or g_dngettext(),
#    .ui files with translatable="yes", and the desktop, metainfo and gschema files;
#  - no translatable string is glued to a GLib format macro (_("row %" G_GINT64_FORMAT)):
#    xgettext cuts the msgid at the macro, so the message can never be translated. Use
#    PRId64/PRIu64 from <inttypes.h> (xgettext knows them) or cast to a plain type instead.
#
# usage: build-aux/check-potfiles.sh [SOURCE_ROOT]
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

potfiles=po/POTFILES.in
status=0

listed=$(sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^\[/d' -e '/^$/d' "$potfiles" | sort -u)

while IFS= read -r f; do
  [ -n "$f" ] || continue
  if [ ! -f "$f" ]; then
    echo "$potfiles lists $f, which does not exist" >&2
    status=1
  fi
done <<< "$listed"

candidates() {
  local d
  for d in app core ui; do
    [ -d "$d" ] || continue
    find "$d" -type f \( -name '*.c' -o -name '*.h' \) -print0 |
      xargs -0 -r grep -lE '(^|[^A-Za-z0-9_])(N|C|NC|Q)?_[[:space:]]*\(|g_dngettext[[:space:]]*\(|ngettext[[:space:]]*\(' || true
  done
  if [ -d resources ]; then
    find resources -type f -name '*.ui' -print0 | xargs -0 -r grep -l 'translatable="yes"' || true
  fi
  if [ -d data ]; then
    find data -maxdepth 1 -type f \( -name '*.desktop.in.in' -o -name '*.desktop.in' \
      -o -name '*.metainfo.xml.in.in' -o -name '*.metainfo.xml.in' -o -name '*.gschema.xml' \)
  fi
}

while IFS= read -r f; do
  [ -n "$f" ] || continue
  f=${f#./}
  if ! grep -qxF "$f" <<< "$listed"; then
    echo "$f has translatable strings but is not in $potfiles: add it there" >&2
    status=1
  fi
done < <(candidates | sort -u)

# _("... %" G_GINT64_FORMAT ...) on one line, in C sources.
while IFS= read -r hit; do
  [ -n "$hit" ] || continue
  echo "$hit: a GLib format macro inside a translatable string cannot be translated; use PRId64 (or PRIu64, ...) from <inttypes.h>" >&2
  status=1
done < <(for d in app core ui; do
           [ -d "$d" ] && grep -rnE --include='*.c' --include='*.h' \
             '(^|[^A-Za-z0-9_])(N|C|NC)?_[[:space:]]*\([^)]*"[[:space:]]*G_G(U?INT(8|16|32|64)?|SIZE|SSIZE|OFFSET|INTPTR|UINTPTR)_(FORMAT|MODIFIER)' \
             "$d" | cut -d: -f1,2
         done || true)

if [ "$status" -eq 0 ]; then
  echo "$potfiles: $(grep -c . <<< "$listed") files, complete"
fi
exit "$status"
