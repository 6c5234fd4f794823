#!/usr/bin/env bash
# Runs the demo on a fresh Debian machine: installs what is missing, builds wangge,
# generates the demo street into an embedded SQLite file and serves the web map on
# http://127.0.0.1:8080/ (Ctrl-C stops it). Set WANGGE_BIND to listen elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cargo build --release
# the web map: npm packages (once, or when package-lock.json changed) and the bundle in web/dist
(cd web && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run --silent build)
db=sqlite:data/demo.sqlite
./target/release/wangge --db "$db" demo --fresh --seed "${WANGGE_SEED:-1}"
exec ./target/release/wangge --db "$db" serve --bind "${WANGGE_BIND:-127.0.0.1:8080}" --web web/dist
