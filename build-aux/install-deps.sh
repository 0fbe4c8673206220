#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Install what Parasol needs to build, run and test on Debian 12 (run as root).
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext clang
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsqlite3-dev sqlite3 libxml2-dev libxml2-utils libjson-glib-dev libcairo2-dev libpango1.0-dev
  libclang-rt-14-dev desktop-file-utils appstream xvfb xauth dbus dbus-x11 at-spi2-core
  fonts-dejavu-core fonts-noto-cjk imagemagick poppler-utils valgrind
  python3 python3-pyatspi gir1.2-atspi-2.0 flatpak-builder git clang-format libxtst-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages: ${missing[*]}" >&2
    echo "Run this script as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
