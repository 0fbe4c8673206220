#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs clang-format (.clang-format, GNU-based) over the C lines changed since BASE (39b301d) and
# reports what it would change.  Only changed lines are looked at (git clang-format), so older
# code is not reformatted.
#
# clang-format 14 cannot write all of GNOME style (see .clang-format): it wants `_ ("...")` and
# joins one-parameter-per-line definitions and hand-aligned declarations.  Those differences are
# dropped here: inside parentheses, and between the words of a line, only the presence of
# whitespace counts, not its amount or line breaks; the spaces in `_ (`, `C_ (`, `N_ (`,
# `g_autoptr (`, `g_auto (`, `g_autofree (` are ignored, and so is where the brace of
# `typedef struct {` / `enum {` goes and a return type on its own line in a declaration.  What remains is real: indentation,
# braces, `if(`, `a+b`, `char* p`, statements run together.
#
# Usage: check-format.sh [SOURCE_ROOT] [BASE]   (meson test "format", suite data)
# Warns (prints the hunks, exits 0) unless PARASOL_FORMAT_STRICT=1, which makes it exit 1.
# Exits 77 (skipped) without git, git-clang-format or BASE in the history.
set -uo pipefail

root="${1:-$(dirname "$0")/..}"
base="${2:-${PARASOL_FORMAT_BASE:-39b301d}}"
cd "$root" || exit 1

if ! command -v git >/dev/null 2>&1 || ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "format: not a git checkout, skipped"
  exit 77
fi
if ! command -v git-clang-format >/dev/null 2>&1 && ! command -v clang-format >/dev/null 2>&1; then
  echo "format: clang-format is not installed (Debian: clang-format), skipped"
  exit 77
fi
if ! git cat-file -e "${base}^{commit}" 2>/dev/null; then
  echo "format: base commit $base is not in this clone (shallow?), skipped"
  exit 77
fi

# Changed and added C files since BASE (committed or not), but not generated or test data.
mapfile -t files < <(git diff --name-only --diff-filter=AM "$base" -- '*.c' '*.h' |
                     grep -v -e '^tests/fuzz/corpus/' -e '^tests/data/' || true)
if [ "${#files[@]}" -eq 0 ]; then
  echo "format: no C file changed since $base"
  exit 0
fi

diff_file=$(mktemp)
trap 'rm -f "$diff_file"' EXIT
git clang-format --quiet --diff --extensions c,h "$base" -- "${files[@]}" >"$diff_file" 2>&1

report=$(python3 - "$diff_file" <<'PY'
import re, sys

text = open(sys.argv[1], encoding='utf-8', errors='replace').read()
AGGREGATE = re.compile(r'^(static\s+)?(const\s+)?(typedef\s+)?(struct|enum|union)\b[^;()=]*$')
MACROS = re.compile(r'\b(_|C_|N_|NC_|g_autoptr|g_auto|g_autofree|g_autolist|g_autoslist) \(')

def normalize(code):
    """Whitespace only counts where GNOME style and clang-format agree on it: a line break
    (with the next line's indentation) after ; { } or a comment, before { or }, and around
    preprocessor lines; elsewhere any run of whitespace is one space, and none right inside
    parentheses."""
    code = MACROS.sub(r'\1(', code)
    out, depth, i = [], 0, 0
    while i < len(code):
        c = code[i]
        if c in ' \t\n':
            j = i
            while j < len(code) and code[j] in ' \t\n':
                j += 1
            ws = code[i:j]
            prev = ''.join(out).rstrip(' ')
            nxt = code[j:j + 1]
            last_line = prev.split('\n')[-1].strip()
            significant = ('\n' in ws and depth == 0 and
                           (prev == '' or prev[-1] in ';{}' or
                            last_line.startswith(('#', '//')) or
                            nxt in ('{', '}', '#', '')) and
                           # "typedef struct {" and "enum {" as GTK writes them, or on two lines
                           not (nxt == '{' and AGGREGATE.match(last_line)))
            if significant:
                out.append('\n' + ws[ws.rindex('\n') + 1:])
            elif prev.endswith('(') or nxt == ')' or prev == '':
                pass
            elif '\n' in ws and prev.endswith('*'):
                pass   # "GtkWidget *\nname (": the return type on its own line
            else:
                out.append(' ')
            i = j
            continue
        if c == '(':
            depth += 1
        elif c == ')':
            depth = max(depth - 1, 0)
        out.append(c)
        i += 1
    return ''.join(out).strip()

kept, n_hunks, current_file = [], 0, None
hunk = None

def flush():
    """Judges each run of changed lines of the hunk on its own."""
    global hunk, n_hunks
    if hunk is None:
        return
    blocks, block = [], None
    for l in hunk['lines']:
        if l.startswith(('-', '+')):
            if block is None:
                block = []
                blocks.append(block)
            block.append(l)
        else:
            block = None
    for b in blocks:
        old = '\n'.join(l[1:] for l in b if l.startswith('-'))
        new = '\n'.join(l[1:] for l in b if l.startswith('+'))
        n_hunks += 1
        if normalize(old) != normalize(new):
            kept.append({'file': hunk['file'], 'head': hunk['head'], 'lines': b})
    hunk = None

for line in text.splitlines():
    if line.startswith('diff --git'):
        flush()
        current_file = line.split(' b/', 1)[-1]
    elif line.startswith('@@'):
        flush()
        hunk = {'file': current_file, 'head': line, 'lines': []}
    elif hunk is not None and line[:1] in ('+', '-', ' ') and not line.startswith(('+++', '---')):
        hunk['lines'].append(line)
flush()

for h in kept:
    print('--- %s %s' % (h['file'], h['head']))
    print('\n'.join(h['lines']))
print('@@SUMMARY %d %d' % (len(kept), n_hunks))
PY
) || { echo "format: could not read the clang-format diff"; exit 1; }

summary=$(printf '%s\n' "$report" | grep '^@@SUMMARY' | tail -1)
read -r _ kept total <<<"$summary"
printf '%s\n' "$report" | grep -v '^@@SUMMARY'

if [ "${kept:-0}" -eq 0 ]; then
  echo "format: ${#files[@]} changed C files since $base follow .clang-format" \
       "(${total:-0} differences clang-format cannot express in GNOME style ignored)"
  exit 0
fi
echo "format: $kept places in ${#files[@]} changed C files differ from .clang-format" \
     "(${total} hunks, the rest GNOME style clang-format cannot express); fix them by hand or" \
     "with git clang-format $base"
if [ "${PARASOL_FORMAT_STRICT:-0}" = 1 ]; then
  exit 1
fi
echo "format: warning only (PARASOL_FORMAT_STRICT=1 makes this fail)"
exit 0
