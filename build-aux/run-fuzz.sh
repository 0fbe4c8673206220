#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds Parasol's libFuzzer targets with clang, ASan and UBSan, and runs them for a bounded time.
#
#   build-aux/run-fuzz.sh [SECONDS] [TARGET...]     (default: 60 s in all, every target)
#
# Targets: protocol (the protocol loader), input (strict numbers and dates), ics (the iCalendar
# writer).  SECONDS is the total, shared among the targets (protocol gets half when it runs with
# others); each input must finish within a low -timeout (TIMEOUT, default 2 s): a slow input
# is a finding like a crash.
#
# Logs: BUILD_DIR/fuzz-logs/TARGET/.  Environment: BUILD_DIR (default _build-fuzz), JOBS (default: the number of CPUs).
# New inputs found are kept in BUILD_DIR/fuzz-corpus/TARGET (the seed corpus in the repository
# is read, never written).  A crash leaves BUILD_DIR/fuzz-artifacts/TARGET/crash-* and makes this
# script exit 1: copy the file to tests/data/protocols/fuzz-NAME.xml (tests/data/odm/fuzz-NAME.xml
# for the odm target, tests/data/lab-imports/fuzz-NAME.csv for the CSV importer) so that the
# fuzz-TARGET-replay test of the reliability suite keeps it harmless, and fix the code.
set -eu

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-protocol input ics odm lab-import}
timeout=${TIMEOUT:-2}
n_targets=$(echo $targets | wc -w)
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${BUILD_DIR:-$src/_build-fuzz}")
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

command -v clang >/dev/null || { echo "run-fuzz.sh: clang is needed (apt-get install clang)" >&2; exit 2; }

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$src" -Dfuzzing=true -Dgui=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
fi
ninja -C "$build" $(for t in $targets; do printf 'tests/fuzz/fuzz-%s ' "$t"; done)

status=0
for t in $targets; do
  # The protocol loader has the most code to explore: half of the time; the rest share the rest.
  if [ "$n_targets" -eq 1 ]; then
    t_seconds=$seconds
  elif [ "$t" = protocol ]; then
    t_seconds=$((seconds / 2))
  else
    t_seconds=$(( (seconds - seconds / 2) / (n_targets - 1) ))
  fi
  [ "$t_seconds" -ge 1 ] || t_seconds=1
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  dict=""
  [ -f "$src/tests/fuzz/$t.dict" ] && dict="-dict=$src/tests/fuzz/$t.dict"
  echo "run-fuzz.sh: fuzz-$t for $t_seconds s ($jobs jobs, -timeout=$timeout)"
  # halt_on_error: the first ASan/UBSan report is a finding; detect_leaks: so is a leak.
  # With -jobs, libFuzzer writes fuzz-JOB.log into the current folder: run in $logs.
  logs="$build/fuzz-logs/$t"
  parallel=""
  [ "$jobs" -gt 1 ] && parallel="-jobs=$jobs -workers=$jobs"
  rm -rf "$logs" && mkdir -p "$logs"
  (cd "$logs" &&
   ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1} \
   UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
   "$build/tests/fuzz/fuzz-$t" "$corpus" "$src/tests/fuzz/corpus/$t" $dict \
     -max_total_time="$t_seconds" -timeout="$timeout" -rss_limit_mb=2048 -max_len=65536 \
     $parallel -artifact_prefix="$artifacts/" -print_final_stats=1 \
     >"$logs/main.txt" 2>&1) || status=1
  for log in "$logs"/main.txt "$logs"/fuzz-*.log; do
    [ -f "$log" ] && { echo "== $log"; grep -E "^#[0-9]+ *(DONE|pulse)|stat::|ERROR|SUMMARY" "$log" | tail -n 8; }
  done
  if ls "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-* >/dev/null 2>&1; then
    echo "run-fuzz.sh: fuzz-$t found problems:" >&2
    ls -l "$artifacts" >&2
    status=1
  fi
done
exit $status
