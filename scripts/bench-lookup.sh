#!/usr/bin/env bash
# Lookup benchmark: how fast wangge answers "which grid is this point in?", compared, on
# the same data and in one run, with shapely 2 and PostGIS.
#
# Data: 10,000 synthetic grid polygons (a 100×100 tessellation, ~33 vertices each, in 10
# communities) written with the store to an SQLite file and to PostGIS, and 200,000 points
# from a fixed seed (~90% inside the grids' extent, ~10% around it).
#
# Measures (benches/lookup.rs, release build; best of 3 where it says so):
#   1. wangge in-process, one thread: GridIndex::locate over all points (cell cache), and
#      locate_uncached (R-tree + exact tests) to show what the cache brings; index build
#      time and cache statistics; and an H3 cell cache at its best (h3o, every point's
#      cell prefilled), the alternative to wangge's planar cells.
#   2. shapely 2 vectorised: STRtree(polygons).query(points, predicate="intersects")
#      (benches/lookup_shapely.py, reading the exact polygons and points the bench wrote).
#   3. PostGIS set-based: one statement joining unnest(lon[], lat[]) to the grids with
#      ST_Contains through the GiST index.
#   4. PostGIS per query: a prepared SELECT … ST_Contains … LIMIT 1 from 1 and 8
#      concurrent connections over 20,000 points, queries/s.
#   5. wangge over HTTP: the real `wangge serve` process on the SQLite file (spawned by the
#      bench), GET /api/lookup from 1 and 8 concurrent keep-alive loops, 30,000 requests,
#      with reqwest and with a minimal HTTP/1.1 client (to show the client's share).
#   4 and 5 run interleaved, 5 times, best kept; each prints the CPU seconds its server,
#   the bench client and all other processes used (client and server share the cores).
# and prints a table, the ratios (targets: in-process ≥ 10× shapely, HTTP ≥ 2× PostGIS
# per-query at the same concurrency), the machine facts and the CPU cost per request.
# Every method's answers are checked point by point against wangge's (differences are
# allowed only for points on a grid boundary, which ST_Contains excludes); a disagreement,
# a non-200 answer or an unreachable PostGIS makes it exit non-zero.
#
# Installs what is missing: PROJ, PostgreSQL + PostGIS (scripts/install-deps.sh test), and
# a Python venv under target/bench-venv with shapely>=2 and numpy from PyPI. Without Python
# or shapely it says so and measures the rest. Starts a throwaway PostGIS cluster (stopped
# on exit). Takes a few minutes on 2 cores, plus the first release build.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

. scripts/bench-common.sh
# Python with shapely 2 for the comparison (optional: reported as skipped without it).
bench_python 'import numpy, shapely, sys; sys.exit(int(shapely.__version__.split(".")[0]) < 2)' \
  'shapely>=2' numpy
bench_postgis

cargo bench --bench lookup
