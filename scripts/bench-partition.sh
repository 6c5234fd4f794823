#!/usr/bin/env bash
# Balancing benchmark: wangge's solver against spopt's max-p heuristic (MaxPHeuristic) and
# METIS (pymetis), on the same adjacency graphs, in one run that prints every figure.
#
# Instances (each community tessellated once with the real tessellate(); every method gets
# that graph):
#   * the Wudaokou compounds (shared/data/beijing-wudaokou-2017/wudaokou.osm, read with
#     read_osm and prepared by the importer, households estimated as an import does), and
#     the importer's "unassigned area" of that file as a row of its own;
#   * the demo street's communities (demo::generate(1));
#   * synthetic communities of 500, 2,000 and 10,000 buildings (random non-overlapping
#     rectangles at 116.33 E 39.99 N; towers 40–300 households, walk-ups 10–40, houses 1–4,
#     and buildings without households).
# Methods: wangge solve (Target 450, bounds 300–600); spopt MaxPHeuristic (threshold 300
# households, spopt's defaults, seeds 1–5, the best by its objective, mean runtime; two
# runs at a time; a run on the 10,000-building instance over 120 s is stopped and that
# instance skipped; all spopt runs share a budget of 520 s, WANGGE_BENCH_SPOPT_BUDGET to
# change it, and what did not fit is said); METIS part_graph (k = wangge's grid count,
# vertex weights households, edge weights shared lengths, contiguous=True).
# Figures (computed by the Rust bench for every method from the labels): grids, grids
# outside [300, 600], non-contiguous grids (BFS), mean and minimum Polsby–Popper, runtime
# (wall and CPU); then the stability test (1% of buildings' households changed by ±30%):
# households moved by a warm wangge re-run, and by fresh wangge, spopt and METIS re-runs.
# Prints the targets (zero violations when feasible; mean PP wangge ≥ METIS; spopt ÷ wangge
# CPU time ≥ 1000 at 2,000 buildings; warm re-run < 2% moved). Exits non-zero when wangge
# leaves a violation on a feasible instance. Details: the top of benches/partition.rs.
#
# Installs what is missing: PROJ (scripts/install-deps.sh), and a Python venv under
# target/bench-venv with spopt (which brings libpysal, numpy, scipy, pandas) and pymetis
# from PyPI. Without Python or spopt it says so and reports the baselines as skipped;
# without pymetis, METIS is reported as unavailable. Takes under 10 minutes on 2 cores
# (most of it spopt), plus the first release build. WANGGE_BENCH_QUICK=1 leaves out the
# 10,000-building instance.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build

. scripts/bench-common.sh
# spopt brings libpysal, numpy, scipy and pandas; pymetis ships wheels for current CPython,
# without one METIS is reported as unavailable.
bench_python 'import spopt, libpysal, numpy, scipy, pandas' spopt pymetis
if [ -n "${WANGGE_BENCH_PYTHON:-}" ] && ! "$WANGGE_BENCH_PYTHON" -c 'import pymetis' 2>/dev/null; then
  echo "WARNING: pymetis is not installed: METIS will be reported as unavailable" >&2
fi

cargo bench --bench partition
