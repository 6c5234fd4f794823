#!/usr/bin/env bash
# End-to-end tests of the web map in headless Chromium (playwright-core driving the
# system's `chromium`), on the demo street and on imports of the real extracts:
#
#   demo       `wangge demo` with a demo user per role
#   helsinki   `import osm` of helsinki/Helsinki.osm.pbf
#   wudaokou   `import osm` of beijing-wudaokou-2017/wudaokou.osm
#   shanghai   `import geojson` of the shanghai-lujiazui layers (communities, buildings,
#              barriers, addresses; Tilezen schema)
#
# The extracts are read from ../shared/data/ beside the checkout (WANGGE_E2E_DATA to
# point elsewhere); they are never copied. Each dataset gets its own throwaway SQLite
# file; an imported one also gets a user per role (the grid worker scoped to one of its
# grids) and a small synthetic household and people register for one residential
# building (web/e2e/prepare.mjs), and is served on its own free loopback port.
#
# Then: the module tests (web/test/) and web/e2e/*.test.mjs against the demo street, and
# web/e2e/datasets/*.test.mjs against every dataset (WANGGE_URL, WANGGE_DATASET,
# WANGGE_E2E_FIXTURE). WANGGE_E2E_DATASETS="demo helsinki" runs fewer. Screenshots go to
# target/e2e-artifacts/ (DATASET-NAME.png for the dataset tests), with ready-times.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

datasets=${WANGGE_E2E_DATASETS:-demo helsinki wudaokou shanghai}
data=${WANGGE_E2E_DATA:-$root/../shared/data}
declare -A needs=(
  [helsinki]="helsinki/Helsinki.osm.pbf"
  [wudaokou]="beijing-wudaokou-2017/wudaokou.osm"
  [shanghai]="shanghai-lujiazui/residential_areas.geojson shanghai-lujiazui/buildings.geojson shanghai-lujiazui/roads.geojson shanghai-lujiazui/address_points.geojson"
)
missing=()
for name in $datasets; do
  if [ "$name" != demo ] && [ -z "${needs[$name]+x}" ]; then
    echo "web/e2e/run.sh: unknown dataset '$name' (demo, helsinki, wudaokou, shanghai)" >&2
    exit 2
  fi
  for f in ${needs[$name]:-}; do [ -f "$data/$f" ] || missing+=("$data/$f"); done
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "web/e2e/run.sh: the OpenStreetMap extracts the end-to-end tests import are missing:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "They are read from ../shared/data/ beside the checkout (or WANGGE_E2E_DATA); see ../shared/data/README.md." >&2
  exit 1
fi

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

work=$(mktemp -d "${TMPDIR:-/tmp}/wangge-e2e.XXXXXX")
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export WANGGE_E2E_PASSWORD=${WANGGE_E2E_PASSWORD:-wangge-e2e-Demo1}
export WANGGE_E2E_AUTH=1
export CHROMIUM="$chromium_bin"
export WANGGE_E2E_ARTIFACTS="$root/target/e2e-artifacts"
mkdir -p "$WANGGE_E2E_ARTIFACTS"
rm -f "$WANGGE_E2E_ARTIFACTS"/*.png
times="$WANGGE_E2E_ARTIFACTS/ready-times.txt"
: > "$times"
export WANGGE_E2E_TIMES="$times"

# Runs wangge on dataset $1's database, its output in $work/$1/wangge.log (shown on failure).
w() {
  local name=$1
  shift
  if ! "$WANGGE_BIN" --db "sqlite:$work/$name/db.sqlite" "$@" >> "$work/$name/wangge.log" 2>&1; then
    echo "web/e2e/run.sh: $name: wangge $* failed:" >&2
    tail -n 30 "$work/$name/wangge.log" >&2
    exit 1
  fi
}

# Imports dataset $1 into its database.
import_dataset() {
  local name=$1
  case $name in
    demo) w demo demo --fresh --seed 1 --demo-password "$WANGGE_E2E_PASSWORD" ;;
    helsinki) w helsinki import osm "$data/helsinki/Helsinki.osm.pbf" ;;
    wudaokou) w wudaokou import osm "$data/beijing-wudaokou-2017/wudaokou.osm" ;;
    shanghai)
      local d="$data/shanghai-lujiazui"
      w shanghai import geojson --layer communities "$d/residential_areas.geojson"
      # The buildings layer holds one feature with an empty geometry (feature 1321, an
      # empty GeometryCollection), which the import refuses; it is skipped and listed.
      w shanghai import geojson --layer buildings --skip-invalid "$d/buildings.geojson"
      w shanghai import geojson --layer barriers "$d/roads.geojson"
      w shanghai import geojson --layer addresses "$d/address_points.geojson"
      ;;
  esac
}

add_user() { # dataset user role [scope...]
  local name=$1 user=$2 role=$3
  shift 3
  printf '%s\n' "$WANGGE_E2E_PASSWORD" | w "$name" user add "$user" --role "$role" "$@" --password-stdin
}

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

declare -A url
# Serves dataset $1 on a free loopback port; sets url[$1].
serve() {
  local name=$1 port pid
  port=$(free_port)
  "$WANGGE_BIN" --db "sqlite:$work/$name/db.sqlite" serve --bind "127.0.0.1:$port" --web "$root/web/dist" > "$work/$name/serve.log" 2>&1 &
  pid=$!
  servers+=("$pid")
  for _ in $(seq 150); do
    if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then
      url[$name]="http://127.0.0.1:$port"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "web/e2e/run.sh: $name: wangge serve stopped:" >&2
      cat "$work/$name/serve.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "web/e2e/run.sh: $name: wangge serve did not answer on port $port" >&2
  exit 1
}

# An imported dataset: users per role, then (through the API) the grid worker's grid and a
# register for one residential building, imported with the command line.
prepare_import() {
  local name=$1 token grid
  add_user "$name" e2e-admin administrator
  add_user "$name" e2e-planner planner
  add_user "$name" e2e-command command_staff
  add_user "$name" e2e-viewer viewer
  token=$("$WANGGE_BIN" --db "sqlite:$work/$name/db.sqlite" user token e2e-admin --days 1)
  node web/e2e/prepare.mjs "${url[$name]}" "$token" "$work/$name" "$name" | tee -a "$work/$name/wangge.log"
  grid=$(node -p "require('$work/$name/fixture.json').worker_grid")
  add_user "$name" e2e-worker grid_worker --grid "$grid"
  w "$name" import households "$work/$name/households.csv"
  w "$name" import people "$work/$name/people.csv"
}

started=$(date +%s)
for name in $datasets; do
  mkdir -p "$work/$name"
  import_dataset "$name"
  serve "$name"
  if [ "$name" != demo ]; then prepare_import "$name"; fi
done
echo "datasets ready in $(( $(date +%s) - started )) s: $datasets"

concurrency=()
if node --help | grep -q -- --test-concurrency; then concurrency=(--test-concurrency=1); fi
failed=()
for name in $datasets; do
  echo "=== end-to-end tests on $name (${url[$name]})"
  if [ "$name" = demo ]; then
    files=(web/test/ web/e2e/*.test.mjs web/e2e/datasets/*.test.mjs)
    env=(WANGGE_DATASET=demo)
  else
    files=(web/e2e/datasets/*.test.mjs)
    env=(WANGGE_DATASET="$name" WANGGE_E2E_FIXTURE="$work/$name/fixture.json"
      WANGGE_E2E_ADMIN=e2e-admin WANGGE_E2E_PLANNER=e2e-planner WANGGE_E2E_COMMAND=e2e-command
      WANGGE_E2E_WORKER=e2e-worker WANGGE_E2E_VIEWER=e2e-viewer)
  fi
  status=0
  env WANGGE_URL="${url[$name]}" "${env[@]}" node --test "${concurrency[@]}" "${files[@]}" || status=$?
  if [ $status -ne 0 ]; then
    failed+=("$name")
    echo "--- $name: wangge serve log (last 40 lines) ---" >&2
    tail -n 40 "$work/$name/serve.log" >&2
  fi
done

echo "=== page ready times (ms; from the login, or the reload, to body[data-ready='1'])"
sort -s -k1,1 "$times" | awk '{printf "  %-10s %-34s %6d\n", $1, $2, $3}'
echo "=== end-to-end tests took $(( $(date +%s) - started )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "web/e2e/run.sh: end-to-end tests failed on: ${failed[*]}" >&2
  exit 1
fi
