#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fail unless every language in po/LINGUAS is complete against the current sources.
#
# A fresh template is extracted from po/POTFILES.in into a temporary folder (the same xgettext
# arguments as meson's i18n.gettext glib preset), each po/LANG.po is merged with it there (the
# source tree is never written), and msgfmt --check --statistics must then report neither
# untranslated nor fuzzy messages, nor any format error.
#
# usage: build-aux/check-po.sh [SOURCE_ROOT]
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
export GETTEXTDATADIRS="$root/data${GETTEXTDATADIRS:+:$GETTEXTDATADIRS}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export LC_ALL=C

# Keep in step with the 'glib' preset of meson's i18n module.
xgettext --package-name=parasol -f "$root/po/POTFILES.in" -D "$root" -o "$tmp/parasol.pot" \
  --from-code=UTF-8 --add-comments \
  -k_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

# Print each msgid of a PO file on one line (the header's empty msgid left out).
list_msgids() {
  awk '
    /^msgid /    { id = substr($0, 7); inid = 1; next }
    inid && /^"/ { id = id $0; next }
    inid         { inid = 0; gsub(/""/, "", id); gsub(/^"|"$/, "", id); if (id != "") print id }
    END          { if (inid) { gsub(/""/, "", id); gsub(/^"|"$/, "", id); if (id != "") print id } }
  '
}

status=0
for lang in $(sed -e 's/#.*//' "$root/po/LINGUAS"); do
  po="$root/po/$lang.po"
  if [ ! -f "$po" ]; then
    echo "$lang: po/$lang.po is missing" >&2
    status=1
    continue
  fi
  msgmerge --quiet --previous -o "$tmp/$lang.po" "$po" "$tmp/parasol.pot"
  if ! stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1); then
    echo "$lang: msgfmt --check failed:" >&2
    echo "$stats" >&2
    status=1
    continue
  fi
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "$lang: not complete; run build-aux/update-po.sh and translate these:" >&2
      msgattrib --no-obsolete --untranslated "$tmp/$lang.po" | list_msgids | sed 's/^/  untranslated: /' >&2
      msgattrib --no-obsolete --only-fuzzy "$tmp/$lang.po" | list_msgids | sed 's/^/  fuzzy: /' >&2
      status=1
      ;;
  esac
done
exit "$status"
