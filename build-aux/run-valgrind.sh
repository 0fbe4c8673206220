#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs test suites under valgrind memcheck and reports the bytes "definitely lost" per test.
#
#   build-aux/run-valgrind.sh [SUITE...]        (default: core)
#
# Environment: BUILD_DIR (default _build-valgrind; a plain build — valgrind and ASan do not
# mix), VALGRIND_TIMEOUT_MULTIPLIER (default 20), VALGRIND_TRACE_CHILDREN (default 0, see
# below).  Logs: BUILD_DIR/valgrind/vg.PID.log.
# Exit status 1 when any test fails or any bytes are definitely lost.
set -eu

suites=${*:-core}
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${BUILD_DIR:-$src/_build-valgrind}")
logs="$build/valgrind"

command -v valgrind >/dev/null || { echo "run-valgrind.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 2; }

supp=""
for f in /usr/share/glib-2.0/valgrind/glib.supp /usr/share/gtk-4.0/valgrind/gtk.supp; do
  [ -f "$f" ] && supp="$supp --suppressions=$f"
done
[ -f "$src/build-aux/parasol.supp" ] && supp="$supp --suppressions=$src/build-aux/parasol.supp"

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$src" -Dbuildtype=debug -Db_sanitize=none
fi
ninja -C "$build"
rm -rf "$logs" && mkdir -p "$logs"

# VALGRIND_TRACE_CHILDREN=1 also runs the programs the tests start (parasol-cli) under valgrind:
# a leak there then makes the child exit 1, so the test that started it fails too.
children=""
[ "${VALGRIND_TRACE_CHILDREN:-0}" = "1" ] && children="--trace-children=yes --trace-children-skip=/bin/*,/usr/bin/*,*/sh"

# The writers of the crash tests are killed on purpose; --child-silent-after-fork keeps their
# (meaningless) leak reports out.  Memcheck errors (invalid reads, uninitialised values) fail.
wrap="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --error-exitcode=1 --child-silent-after-fork=yes \
  $children \
  --track-origins=yes --num-callers=30 $supp --log-file=$logs/vg.%p.log"

status=0
for suite in $suites; do
  G_SLICE=always-malloc G_DEBUG=gc-friendly \
    meson test -C "$build" --suite "$suite" --no-rebuild --print-errorlogs \
      --timeout-multiplier "${VALGRIND_TIMEOUT_MULTIPLIER:-20}" --wrap="$wrap" || status=1
done

# One log per process: name it after the program it ran.
echo
echo "definitely lost, per valgrind log:"
total=0
for log in "$logs"/*.log; do
  [ -f "$log" ] || continue
  cmd=$(sed -n 's/^==[0-9]*== Command: \([^ ]*\).*/\1/p' "$log" | head -n 1)
  lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\1 \2/p' "$log" | tail -n 1)
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tail -n 1)
  bytes=$(echo "${lost:-0 0}" | cut -d' ' -f1 | tr -d ,)
  blocks=$(echo "${lost:-0 0}" | cut -d' ' -f2 | tr -d ,)
  printf '  %-40s %8s bytes in %4s blocks, %s errors\n' "$(basename "$cmd")" "$bytes" "$blocks" "${errors:-?}"
  total=$((total + bytes))
  [ "${errors:-0}" = "0" ] || status=1
done
echo "total definitely lost: $total bytes"
[ "$total" -eq 0 ] || status=1
exit $status
