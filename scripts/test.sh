#!/usr/bin/env bash
# Runs every test of wangge on a fresh Debian machine: installs what is missing
# (PROJ, PostgreSQL + PostGIS), starts a throwaway PostGIS cluster on a free port,
# checks formatting and lints, runs the whole test suite against both backends, then the
# web map's tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

eval "$(scripts/pg-cluster.sh)"
export WANGGE_TEST_POSTGRES_URL
trap 'scripts/pg-cluster.sh stop "$WANGGE_PG_DIR"' EXIT
echo "throwaway PostGIS cluster: $WANGGE_TEST_POSTGRES_URL"

if [ ! -d ../shared/data ]; then
  echo "../shared/data (the OpenStreetMap test extracts) is missing beside this checkout" >&2
  exit 1
fi

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets

# the web map: its module tests (web/test) and end-to-end tests in headless Chromium
# (web/e2e) against a demo server; screenshots in target/e2e-artifacts/
web/e2e/run.sh
