#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Set up and run the whole test suite: installs what is missing (Debian 12, as root), builds
# into _build/ and runs every suite under a virtual display and a private D-Bus session, then
# does the same with AddressSanitizer + UndefinedBehaviorSanitizer in _build-asan/.
# The last line is "N passed, N failed".
#   PARASOL_SKIP_SANITIZERS=1  skip the sanitizer build
set -uo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh || exit 1

passed=0
failed=0

run_suite () {
  local builddir="$1"; shift
  local log="$builddir/meson-logs/testlog.json"
  rm -f "$log"
  env GSK_RENDERER=cairo NO_AT_BRIDGE=1 \
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24" \
    meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
  if [ -f "$log" ]; then
    local p f
    p=$(grep -c '"result": "OK"' "$log" || true)
    f=$(grep -vc '"result": "\(OK\|SKIP\)"' "$log" || true)
    passed=$((passed + p))
    failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
}

build () {
  local builddir="$1"; shift
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$@" || return 1
  fi
  meson compile -C "$builddir"
}

if build _build --buildtype=debugoptimized; then
  run_suite _build
else
  echo "The build failed." >&2
  failed=$((failed + 1))
fi

if [ -z "${PARASOL_SKIP_SANITIZERS:-}" ]; then
  if build _build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false; then
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_suite _build-asan --suite core --suite cli --suite ui
  else
    echo "The sanitizer build failed." >&2
    failed=$((failed + 1))
  fi
fi

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
