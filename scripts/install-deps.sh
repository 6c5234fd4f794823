#!/usr/bin/env bash
# Installs the Debian packages wangge needs, only those missing (safe to run again).
#   install-deps.sh build   what building wangge needs (PROJ, SQLite, pkg-config)
#   install-deps.sh test    that, plus PostgreSQL + PostGIS for the test suite
set -euo pipefail
what=${1:-build}

packages=(build-essential pkg-config libclang-dev libproj-dev proj-data libsqlite3-dev ca-certificates curl)
if [ "$what" = test ]; then
  packages+=(postgresql postgresql-postgis python3 gdal-bin python3-owslib)
  # the web map's end-to-end tests: headless Chromium with CJK fonts
  packages+=(chromium fonts-noto-cjk)
fi
# Node.js and npm build the web map (Debian's, unless a Node.js is installed already)
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust (https://rustup.rs), then run this again" >&2
  exit 1
fi
