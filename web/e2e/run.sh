#!/usr/bin/env bash
# End-to-end tests of the web map in headless Chromium (playwright-core driving the
# system's `chromium`): builds wangge and the web map, generates the demo street into a
# throwaway SQLite file with a demo user per role, serves it on a free
# loopback port, runs web/e2e/*.test.mjs with node's test runner and stops the server.
# Screenshots go to target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if [ -z "${WANGGE_BIN:-}" ]; then
  cargo build --bin wangge
  WANGGE_BIN=$root/target/debug/wangge
fi
chromium_bin=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium_bin" ]; then
  echo "chromium is missing: run scripts/install-deps.sh test" >&2
  exit 1
fi

(cd web && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run --silent build)

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="sqlite:$work/e2e.sqlite"
export WANGGE_E2E_PASSWORD=${WANGGE_E2E_PASSWORD:-wangge-e2e-Demo1}
demo_args=(demo --fresh --seed 1 --demo-password "$WANGGE_E2E_PASSWORD")
export WANGGE_E2E_AUTH=1
"$WANGGE_BIN" --db "$db" "${demo_args[@]}" > "$work/demo.log"

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$WANGGE_BIN" --db "$db" serve --bind "127.0.0.1:$port" --web "$root/web/dist" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$work/serve.log" >&2; exit 1; fi
  sleep 0.2
done

export WANGGE_URL="http://127.0.0.1:$port"
export CHROMIUM="$chromium_bin"
export WANGGE_E2E_ARTIFACTS="$root/target/e2e-artifacts"
mkdir -p "$WANGGE_E2E_ARTIFACTS"
status=0
concurrency=()
if node --help | grep -q -- --test-concurrency; then concurrency=(--test-concurrency=1); fi
node --test "${concurrency[@]}" web/test/ web/e2e/ || status=$?
if [ $status -ne 0 ]; then
  echo "--- wangge serve log (last 40 lines) ---" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit $status
