#!/usr/bin/env bash
# Runs every test of wangge on a fresh Debian machine: installs what is missing
# (scripts/install-deps.sh test) and checks that nothing else is used
# (scripts/check-deps.sh), starts a throwaway PostGIS cluster on a free port,
# checks formatting and lints, runs the whole test suite against both backends, then the
# web map's tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

# Every system file the build, the demo and the tests use must come from a package of
# install-deps.sh: this machine may hold packages that a new user's machine lacks. The
# check must also notice one missing (here libclang-dev, which bindgen needs).
cargo build --bin wangge
scripts/check-deps.sh target/debug/wangge
if WANGGE_DEPS_OMIT=libclang-dev scripts/check-deps.sh target/debug/wangge >/dev/null 2>&1; then
  echo "scripts/check-deps.sh did not notice libclang-dev missing from install-deps.sh" >&2
  exit 1
fi

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
