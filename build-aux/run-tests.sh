#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Set up and run the whole test suite: installs what is missing (Debian 12, as root), then
#   1. builds into _build/ and runs every suite (core, cli, ui, data, reliability) under a
#      virtual display and a private D-Bus session;
#   2. the same suites built with AddressSanitizer + UndefinedBehaviorSanitizer (_build-asan/),
#      leak detection on for everything but the GTK suite;
#   3. the core suite under valgrind memcheck: 0 bytes definitely lost (_build-valgrind/);
#   4. the libFuzzer targets (protocol loader, numbers and dates, iCalendar) for a bounded time (_build-fuzz/).
# Steps 2-4 each count as tests in the summary.  The last line is "N passed, N failed".
#   PARASOL_QUICK=1        only step 1
#   PARASOL_FUZZ_SECONDS   fuzzing time (default 60)
set -uo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh || exit 1

passed=0
failed=0

count () {
  if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $2" >&2; fi
}

run_suite () {
  local builddir="$1"; shift
  local log="$builddir/meson-logs/testlog.json"
  rm -f "$log"
  # A private runtime folder: the accessibility bus puts its socket there, and would otherwise
  # share ~/.cache/at-spi/bus with every other session on the machine.
  local runtime
  runtime=$(mktemp -d)
  env GSK_RENDERER=cairo NO_AT_BRIDGE=1 XDG_RUNTIME_DIR="$runtime" \
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24" \
    meson test -C "$builddir" --print-errorlogs --num-processes 2 "$@"
  rm -rf "$runtime"
  if [ -f "$log" ]; then
    local p f
    p=$(grep -c '"result": "OK"' "$log" || true)
    f=$(grep -vc '"result": "\(OK\|SKIP\)"' "$log" || true)
    passed=$((passed + p))
    failed=$((failed + f))
  else
    count 1 "meson test in $builddir"
  fi
}

build () {
  local builddir="$1"; shift
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$@" || return 1
  fi
  meson compile -C "$builddir"
}

start=$(date +%s)

if build _build --buildtype=debugoptimized; then
  run_suite _build
else
  count 1 "build"
fi

if [ -z "${PARASOL_QUICK:-}" ]; then
  if build _build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false; then
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # Sanitized code runs several times slower: the CLI contract suites need more than the
    # default 300 s on a 2-core machine.
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      run_suite _build-asan --timeout-multiplier 3 --suite core --suite cli --suite reliability
    # GTK and fontconfig keep one-time allocations LeakSanitizer cannot tell from leaks.
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
      run_suite _build-asan --timeout-multiplier 3 --suite ui
  else
    count 1 "sanitizer build"
  fi

  BUILD_DIR=_build-valgrind bash build-aux/run-valgrind.sh core
  count $? "valgrind memcheck of the core suite"

  bash build-aux/run-fuzz.sh "${PARASOL_FUZZ_SECONDS:-60}"
  count $? "fuzzing (protocol loader, numbers and dates, iCalendar writer)"
fi

echo "run-tests.sh: $(( $(date +%s) - start )) s"
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
