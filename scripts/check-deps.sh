#!/usr/bin/env bash
# Fails when a system file that building wangge, running the demo or running the tests
# uses comes from a Debian package that scripts/install-deps.sh does not install (nor
# anything it installs depends on). A machine that kept a hand-installed package passes
# the tests, a new user's machine would not: this check sees the difference.
#
#   check-deps.sh [BINARY]   BINARY defaults to target/debug/wangge (its shared libraries
#                            are checked too)
#   WANGGE_DEPS_OMIT="p1 p2" check-deps.sh    checks as if install-deps.sh lacked p1, p2
#                            (the self-test: scripts/test.sh runs it once with
#                            libclang-dev omitted and expects a failure)
#
# The Rust toolchain (rustup) and the OpenStreetMap extracts are outside Debian and are
# not checked.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-target/debug/wangge}

mapfile -t listed < <(scripts/install-deps.sh --list test)
omit=" ${WANGGE_DEPS_OMIT:-} "
wanted=()
for p in "${listed[@]}"; do
  [[ "$omit" == *" $p "* ]] || wanted+=("$p")
done

# Every package installed with the listed ones: their Depends/Pre-Depends, recursively
# (install-deps.sh installs with --no-install-recommends).
closure=$(apt-cache depends --recurse --installed --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "${wanted[@]}" 2>/dev/null |
  sed -n 's/^\([a-z0-9][^ ]*\)$/\1/p; s/^ *\(Pre\)\{0,1\}Depends: \([^< ]*\).*/\2/p' | sed 's/:any$//' | sort -u)

failures=0
# need WHAT PATH...: the first existing PATH must belong to a package of the closure.
need() {
  local what=$1
  shift
  local path=""
  for candidate in "$@"; do
    if [ -e "$candidate" ]; then path=$candidate; break; fi
  done
  if [ -z "$path" ]; then
    echo "check-deps: $what: none of $* exists (is scripts/install-deps.sh test run?)" >&2
    failures=$((failures + 1))
    return
  fi
  local real owners="" ok=false
  real=$(readlink -f "$path")
  # dpkg knows a file by the path its package installed: as given, resolved, or under
  # /lib rather than /usr/lib (merged /usr).
  for known in "$path" "$real" "${real#/usr}"; do
    owners=$(dpkg -S "$known" 2>/dev/null | sed 's/: .*//; s/, /\n/g' | sed 's/:[a-z0-9]*$//' || true)
    [ -z "$owners" ] || break
  done
  if [ -z "$owners" ]; then
    echo "check-deps: $what: $real belongs to no Debian package (installed by hand?)" >&2
    failures=$((failures + 1))
    return
  fi
  for owner in $owners; do
    if grep -qx "$owner" <<<"$closure"; then ok=true; fi
  done
  if ! $ok; then
    echo "check-deps: $what: $real comes from $(echo $owners | tr '\n' ' ')which scripts/install-deps.sh does not install" >&2
    failures=$((failures + 1))
  fi
}

# Building: bindgen's libclang, PROJ's headers, pkg-config and a C compiler.
need "libclang for bindgen (proj-sys)" /usr/lib/llvm-*/lib/libclang.so /usr/lib/x86_64-linux-gnu/libclang.so
need "PROJ headers" "$(pkg-config --variable=includedir proj 2>/dev/null || echo /usr/include)/proj.h"
need "PROJ database" /usr/share/proj/proj.db
need "pkg-config" /usr/bin/pkg-config
need "C compiler" /usr/bin/cc
need "SQLite headers" /usr/include/sqlite3.h
# Running: every shared library of the binary.
if [ -x "$binary" ]; then
  while read -r lib; do
    need "shared library of $binary" "$lib"
  done < <(ldd "$binary" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p')
else
  echo "check-deps: $binary is not built; its shared libraries are not checked" >&2
  failures=$((failures + 1))
fi
# The web map's build and the demo script.
need "Node.js" "$(command -v node || echo /usr/bin/node)"
need "npm" "$(command -v npm || echo /usr/bin/npm)"
need "curl" /usr/bin/curl
# The tests: PostGIS cluster, GDAL, OWSLib, Chromium with CJK fonts.
need "PostgreSQL server" /usr/lib/postgresql/*/bin/postgres
need "PostgreSQL initdb" /usr/lib/postgresql/*/bin/initdb
need "PostGIS extension" /usr/share/postgresql/*/extension/postgis.control
need "ogr2ogr" /usr/bin/ogr2ogr
need "ogrinfo" /usr/bin/ogrinfo
need "python3 for OWSLib" /usr/bin/python3
need "OWSLib" /usr/lib/python3/dist-packages/owslib/__init__.py
need "Chromium" /usr/bin/chromium
need "CJK font" "$(fc-match -f '%{file}' 'Noto Sans CJK SC' 2>/dev/null || echo /nonexistent)"

if [ $failures -gt 0 ]; then
  echo "check-deps: $failures system dependencies are not installed by scripts/install-deps.sh" >&2
  exit 1
fi
echo "check-deps: every system file the build, the demo and the tests use comes from a package of scripts/install-deps.sh"
