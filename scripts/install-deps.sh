#!/usr/bin/env bash
# Installs the Debian packages wangge needs, only those missing (safe to run again).
#   install-deps.sh build    what building and running wangge needs
#   install-deps.sh test     that, plus what the test suite needs
#   install-deps.sh --list build|test   prints the package names, one a line, installs nothing
#
# build: build-essential (cc for -sys crates), pkg-config (finds PROJ), libclang-dev
#        (bindgen in proj-sys reads PROJ's headers through libclang), libproj-dev and
#        proj-data (coordinate conversions, proj.db), libsqlite3-dev (the embedded
#        database), ca-certificates and curl (downloads, health checks), and Node.js with
#        npm when no Node.js is installed (builds the web map).
# test:  postgresql and postgresql-postgis (the throwaway PostGIS cluster), python3 with
#        python3-owslib (the OWSLib client test), gdal-bin (ogr2ogr/ogrinfo read and
#        write the files of the format tests), chromium and fonts-noto-cjk (the web map's
#        end-to-end tests in headless Chromium, with Chinese glyphs).
# scripts/check-deps.sh (run by scripts/test.sh) fails when something the build or the
# tests use comes from a package this list does not bring.
set -euo pipefail

list_only=false
if [ "${1:-}" = --list ]; then
  list_only=true
  shift
fi
what=${1:-build}

packages=(build-essential pkg-config libclang-dev libproj-dev proj-data libsqlite3-dev ca-certificates curl)
if [ "$what" = test ]; then
  packages+=(postgresql postgresql-postgis python3 python3-owslib gdal-bin)
  packages+=(chromium fonts-noto-cjk)
fi
# Node.js and npm build the web map (Debian's, unless a Node.js is installed already)
if $list_only || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

if $list_only; then
  printf '%s\n' "${packages[@]}"
  exit 0
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
