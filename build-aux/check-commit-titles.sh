#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that every commit since BASE is titled "area: Capitalized summary", as the history
# already is: "core/dosing: Cap GFR at 125 mL/min", "po: Translate ...", "HACKING: Say ...".
#   area     one or more of [A-Za-z0-9_./+-], several joined by ", " ("core, ui: ...")
#   summary  starts with a capital letter (or a digit), no trailing full stop
# Merge commits titled "Merge ..." and reverts titled 'Revert "..."' are accepted as git
# writes them.  Commits before BASE (39b301d) are grandfathered.
#
# Usage: check-commit-titles.sh [SOURCE_ROOT] [BASE]    (meson test "commit-titles", suite data)
# Exits 0 when every title follows the rule, 1 otherwise, 77 (skipped) outside a git checkout
# or when BASE is not in the history (a shallow clone).
set -uo pipefail

root="${1:-$(dirname "$0")/..}"
base="${2:-${PARASOL_TITLES_BASE:-39b301d}}"
cd "$root" || exit 1

if ! command -v git >/dev/null 2>&1 || ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "commit-titles: not a git checkout, skipped"
  exit 77
fi
if ! git cat-file -e "${base}^{commit}" 2>/dev/null; then
  echo "commit-titles: base commit $base is not in this clone (shallow?), skipped"
  exit 77
fi

area='[A-Za-z0-9_./+-]+'
rule="^${area}(, ${area})*: [A-Z0-9]"
bad=0
n=0

# Commits already on main whose titles slipped through before this check ran on every branch:
# history is not rewritten, so they are listed here, by full hash.
grandfathered=" 661a6848e5739f7c851499c3e7d321e51d0eb7d3 5a41aeb504c7fc4f88be49bcad95d872e09d2b9b "

while IFS=$'\t' read -r hash title; do
  [ -n "$hash" ] || continue
  n=$((n + 1))
  [[ "$grandfathered" == *" $hash "* ]] && continue
  case "$title" in
    "Merge "*|"Revert \""*) continue ;;
  esac
  if ! [[ "$title" =~ $rule ]]; then
    echo "${hash:0:10}: \"$title\": the title must read \"area: Capitalized summary\""
    bad=$((bad + 1))
  elif [[ "$title" == *. && "$title" != *... ]]; then
    echo "${hash:0:10}: \"$title\": no full stop at the end of the title"
    bad=$((bad + 1))
  fi
done < <(git log --format='%H%x09%s' "${base}..HEAD")

if [ "$bad" -gt 0 ]; then
  echo "commit-titles: $bad of $n commits since $base break the rule (git commit --amend, or"
  echo "git rebase -i $base and reword); see HACKING.md"
  exit 1
fi
echo "commit-titles: $n commits since $base, all titled \"area: Capitalized summary\""
exit 0
