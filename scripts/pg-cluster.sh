#!/usr/bin/env bash
# Starts a throwaway PostgreSQL + PostGIS cluster in a temporary directory on a free
# loopback port and prints the shell lines that describe it:
#   WANGGE_PG_DIR=...   WANGGE_TEST_POSTGRES_URL=postgres://wangge@127.0.0.1:PORT/
# A template database "wangge_template" has PostGIS installed, so each test can create
# its own database quickly. Stop it with: pg-cluster.sh stop DIR
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
  echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2
  exit 1
fi

as_owner() {
  # initdb refuses to run as root: run the server as the postgres user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir=$2
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

dir=$(mktemp -d /tmp/wangge-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_owner "$pgbin/initdb" -D "$dir/data" -U wangge --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
psql_() { psql -h 127.0.0.1 -p "$port" -U wangge -v ON_ERROR_STOP=1 -q "$@"; }
psql_ -d postgres -c "CREATE DATABASE wangge_template"
psql_ -d wangge_template -c "CREATE EXTENSION postgis"
echo "WANGGE_PG_DIR=$dir"
echo "WANGGE_TEST_POSTGRES_URL=postgres://wangge@127.0.0.1:$port/"
