#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Set up and launch Parasol on a demo trial: installs what is missing (Debian 12, as root),
# builds into _build/, creates the demo trial on first run, and starts the app.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh

if [ ! -f _build/build.ninja ]; then
  meson setup _build --buildtype=debugoptimized
fi
meson compile -C _build

db="${PARASOL_DATABASE:-${XDG_DATA_HOME:-$HOME/.local/share}/parasol/parasol.db}"
if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  chmod 700 "$(dirname "$db")"
  ./_build/app/parasol-cli demo --database "$db"
fi

# Translations and the settings schema from the build tree (the programs are not installed).
export PARASOL_LOCALEDIR="$PWD/_build/po"
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting Parasol under Xvfb (a virtual screen)." >&2
  echo "A screenshot is written to parasol-screenshot.png after 5 seconds." >&2
  export GSK_RENDERER=cairo
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    ./_build/app/parasol --database "$1" & pid=$!
    sleep 5; import -window root parasol-screenshot.png || true
    wait $pid' _ "$db"
fi

exec ./_build/app/parasol --database "$db"
