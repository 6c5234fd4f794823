#!/usr/bin/env bash
# Tile benchmark: building vector tiles per second at z15–z16 from `wangge serve` against
# Martin on the same PostGIS data, and GeoJSON bbox requests against the equivalent
# PostGIS SQL; prints the ratios (target: at least Martin's tiles per second, with edits
# visible at once). See benches/tiles.rs for what is measured and how.
#
# Data: the demo street plus a synthetic city of WANGGE_BENCH_BUILDINGS buildings
# (default 100,000) imported with the store into a throwaway PostGIS cluster (stopped on
# exit). Martin (crates.io `martin`, PostgreSQL support only) is built once into
# target/bench-tools when missing — a long build (about 15 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

martin=target/bench-tools/bin/martin
if [ ! -x "$martin" ]; then
  echo "building Martin into target/bench-tools (once)"
  # martin 1.14 is the last release that builds with Rust 1.94/1.95.
  cargo install martin@1.14.0 --locked --no-default-features --features postgres \
    --root target/bench-tools
fi
export WANGGE_BENCH_MARTIN="$PWD/$martin"

. scripts/bench-common.sh
bench_postgis

cargo bench --bench tiles
