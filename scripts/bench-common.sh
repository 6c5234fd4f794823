# Shared set-up for the benchmark scripts (sourced, not run).
#
# bench_python "IMPORT_CHECK" PIP_SPEC...
#   Makes sure target/bench-venv has the Python packages a baseline needs, creating the
#   venv (installing Debian's python3-venv when ensurepip is missing) and pip-installing
#   PIP_SPEC... when the IMPORT_CHECK statement fails. Exports WANGGE_BENCH_PYTHON (the
#   venv's python) on success, WANGGE_BENCH_NO_PYTHON (why not) otherwise; the benches
#   read these and report the baselines as skipped without Python.
#
# bench_postgis
#   Starts a throwaway PostGIS cluster (scripts/pg-cluster.sh), exports
#   WANGGE_TEST_POSTGRES_URL and stops the cluster when the script exits.

bench_venv=target/bench-venv

bench_python() {
  local check=$1
  shift
  unset WANGGE_BENCH_PYTHON WANGGE_BENCH_NO_PYTHON
  if ! command -v python3 >/dev/null 2>&1; then
    export WANGGE_BENCH_NO_PYTHON="python3 is not installed"
  elif _bench_has "$check" || { _bench_make_venv "$@" && _bench_has "$check"; }; then
    export WANGGE_BENCH_PYTHON="$PWD/$bench_venv/bin/python"
  else
    export WANGGE_BENCH_NO_PYTHON="$* could not be installed into $bench_venv"
  fi
  if [ -n "${WANGGE_BENCH_NO_PYTHON:-}" ]; then
    echo "WARNING: $WANGGE_BENCH_NO_PYTHON: the Python baselines will be skipped" >&2
  fi
}

_bench_has() {
  [ -x "$bench_venv/bin/python" ] && "$bench_venv/bin/python" -c "$1" 2>/dev/null
}

_bench_make_venv() {
  if [ ! -x "$bench_venv/bin/python" ]; then
    if ! python3 -m venv "$bench_venv" >/dev/null 2>&1; then
      # Debian's python3 needs python3-venv for ensurepip.
      rm -rf "$bench_venv"
      if command -v apt-get >/dev/null 2>&1; then
        echo "installing python3-venv"
        local sudo=""
        if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
          $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null || return 1
      fi
      python3 -m venv "$bench_venv" || return 1
    fi
  fi
  local spec
  for spec in "$@"; do
    echo "installing $spec into $bench_venv"
    "$bench_venv/bin/python" -m pip install -q --disable-pip-version-check "$spec" ||
      echo "WARNING: $spec could not be installed" >&2
  done
}

bench_postgis() {
  eval "$(scripts/pg-cluster.sh)"
  export WANGGE_TEST_POSTGRES_URL
  trap 'scripts/pg-cluster.sh stop "$WANGGE_PG_DIR"' EXIT
  echo "throwaway PostGIS cluster: $WANGGE_TEST_POSTGRES_URL"
}
