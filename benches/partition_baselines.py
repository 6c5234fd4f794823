"""Baselines of the balancing benchmark (benches/partition.rs): spopt's max-p heuristic
and METIS, on the graphs the Rust bench wrote.

    python partition_baselines.py --out RESULTS.json [--seeds 5] [--run-cap 120]
        [--safety-cap 300] [--budget 450] [--workers 2] INSTANCE.json...

Each instance file holds one graph: `name`, `households`, `edited_households`, `x`, `y`
(cell centroids, metres), `edges` ([i, j, shared length], i < j), `wangge_labels`
(wangge's grids, for METIS's k), `ratio_target` and `capped`. RESULTS.json gets, per instance, a
`spopt` and a `metis` object: `status` ("ok", "skipped" or "error"), `reason`, `labels`
(one per node), `time_s` and `cpu_s` (wall and CPU seconds; spopt: the mean over its
seeds), `edited_labels` (the fresh run on the edited households), `note`; spopt also
`runs` (seed, time_s, cpu_s, p, objective per seed) and `best_seed`. Every figure
(bounds, contiguity, Polsby-Popper, households moved) is computed by the Rust bench from
these labels, identically for every method.

Both methods run on each connected component of the graph: max-p would otherwise join
the components with edges that are not in the graph, and contiguous METIS refuses a
disconnected graph.

spopt: `MaxPHeuristic(df, w, ["x", "y"], "households", 300)` with spopt's default
iterations, one run per seed (numpy's global seed, which is what spopt draws from); the
best run is the one with most regions, then the least total within-region distance
(spopt's objective: the sum over regions of the pairwise city-block distances of the
attributes, here the centroids). A component with fewer than 600 households is one
region without calling spopt: max-p cannot make two there, and spopt's annealing never
ends on a single region (it keeps re-picking areas that have no other region to move
to). Scheduling, caps and budget: see "spopt scheduling" below.

METIS: pymetis `part_graph(k, xadj, adjncy, vweights=households, eweights=shared
lengths rounded (at least 1), contiguous=True)` per component, k = the number of wangge
grids in that component (a component with one wangge grid is one part).
"""

import argparse
import json
import signal
import sys
import time
import warnings

MIN_HOUSEHOLDS = 300


def log(msg):
    print(f"  [baselines] {msg}", file=sys.stderr, flush=True)


def components(n, edges):
    """Connected components (lists of nodes, ascending), by first node."""
    adj = [[] for _ in range(n)]
    for i, j, _ in edges:
        adj[i].append(j)
        adj[j].append(i)
    seen = [False] * n
    out = []
    for s in range(n):
        if seen[s]:
            continue
        seen[s] = True
        stack = [s]
        comp = []
        while stack:
            v = stack.pop()
            comp.append(v)
            for u in adj[v]:
                if not seen[u]:
                    seen[u] = True
                    stack.append(u)
        comp.sort()
        out.append(comp)
    return out, adj


class RunTimeout(BaseException):
    pass


def _alarm(_signum, _frame):
    raise RunTimeout()


def within_distance(xs, ys):
    """Sum over pairs of |dx| + |dy| (spopt's within-region distance), O(m log m)."""
    import numpy as np

    total = 0.0
    for a in (xs, ys):
        a = np.sort(np.asarray(a, dtype=float))
        m = len(a)
        # sum_{i<j} (a_j - a_i) = sum_k a_k (2k - m + 1)
        total += float(np.dot(a, 2 * np.arange(m) - m + 1))
    return total


def spopt_once(inst, comps, adj, households, seed, cap):
    """One max-p run over all components: (labels, p, objective, wall s, CPU s). Raises
    RunTimeout (with the wall and CPU seconds spent) after `cap` seconds."""
    import numpy as np
    import pandas as pd
    from libpysal.weights import W
    from spopt.region import MaxPHeuristic

    n = len(households)
    labels = [-1] * n
    next_label = 0
    p = 0
    objective = 0.0
    x, y = inst["x"], inst["y"]
    elapsed = 0.0
    cpu = 0.0
    for comp in comps:
        hh = sum(households[v] for v in comp)
        if len(comp) == 1 or hh < 2 * MIN_HOUSEHOLDS:
            # Fewer than two regions' worth: max-p's answer is the whole component (and
            # spopt's annealing never ends on a single region: it keeps re-picking areas
            # that have no other region to move to).
            for v in comp:
                labels[v] = next_label
            next_label += 1
            continue
        local = {v: k for k, v in enumerate(comp)}
        df = pd.DataFrame(
            {
                "x": [x[v] for v in comp],
                "y": [y[v] for v in comp],
                "households": [households[v] for v in comp],
            }
        )
        np.random.seed(seed)
        started = time.perf_counter()
        started_cpu = time.process_time()
        signal.alarm(max(1, int(cap - elapsed)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                neighbors = {local[v]: [local[u] for u in adj[v]] for v in comp}
                w = W(neighbors, silence_warnings=True)
                model = MaxPHeuristic(df, w, ["x", "y"], "households", MIN_HOUSEHOLDS)
                model.solve()
        except RunTimeout:
            raise RunTimeout(
                elapsed + time.perf_counter() - started, cpu + time.process_time() - started_cpu
            ) from None
        finally:
            signal.alarm(0)
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        lab = list(model.labels_)
        regions = {}
        for k, v in enumerate(comp):
            key = lab[k]
            if key is None or key <= 0:
                # Left unassigned by max-p: a region of its own (a violation).
                key = ("single", v)
            if key not in regions:
                regions[key] = next_label
                next_label += 1
            labels[v] = regions[key]
        p += int(model.p)
        members = {}
        for v in comp:
            members.setdefault(labels[v], []).append(v)
        for vs in members.values():
            objective += within_distance([x[v] for v in vs], [y[v] for v in vs])
    return labels, p, objective, elapsed, cpu


# --- spopt scheduling ------------------------------------------------------------------
#
# The spopt runs (seeds 1..N of every instance, then one run on the edited households
# with the best seed) go to --workers processes, one run per process at a time, in this
# order: the first seed of the instance marked `ratio_target` (2,000 buildings: its
# runtime ratio is a target) and of the one marked `capped` (10,000 buildings: this run
# decides whether it is skipped), the target's other seeds, the other instances from the
# smallest (each followed by its re-run after the edit), the target's re-run, and last
# the capped instance's other seeds. A run of the capped instance is stopped after
# --run-cap seconds (and a stopped first seed skips it); any other after --safety-cap seconds
# (spopt's annealing can loop for ever), which leaves that seed out. Everything stops at
# the --budget deadline; runs not done by then are left out and said so. Each run's wall
# time and CPU time (process_time of its process) are reported.

MIN_START_S = 10  # no run is started with less budget left than this

_WORKER_CACHE = {}


def _worker_init():
    signal.signal(signal.SIGALRM, _alarm)
    warnings.simplefilter("ignore")
    # Imports outside the timed runs.
    import libpysal  # noqa: F401
    import spopt.region  # noqa: F401


def _worker_run(path, seed, edited, cap):
    """One spopt run in a worker: ("ok", labels, p, objective, wall s, CPU s) or
    ("timeout", wall s, CPU s)."""
    if path not in _WORKER_CACHE:
        _WORKER_CACHE.clear()
        with open(path) as f:
            inst = json.load(f)
        comps, adj = components(len(inst["households"]), inst["edges"])
        _WORKER_CACHE[path] = (inst, comps, adj)
    inst, comps, adj = _WORKER_CACHE[path]
    households = inst["edited_households"] if edited else inst["households"]
    try:
        labels, p, obj, t, cpu = spopt_once(inst, comps, adj, households, seed, cap)
    except RunTimeout as e:
        wall, cpu = e.args if len(e.args) == 2 else (cap, float("nan"))
        return ("timeout", wall, cpu)
    return ("ok", labels, p, obj, t, cpu)


def run_spopt_all(paths, names, sizes, targets, capped, args):
    """spopt results for every instance (see above)."""
    import concurrent.futures as cf
    import multiprocessing

    n_inst = len(paths)
    try:
        import libpysal  # noqa: F401
        import spopt  # noqa: F401
    except Exception as e:  # noqa: BLE001
        return [{"status": "skipped", "reason": f"spopt/libpysal not importable: {e}"}] * n_inst
    started = time.monotonic()
    deadline = started + args.budget
    # The instance whose runs are capped at --run-cap (the 10,000 buildings), if any.
    largest = next((i for i in range(n_inst) if capped[i]), None)
    seeds = range(1, args.seeds + 1)
    # Tasks in order of priority, (instance, seed, after the edit); a re-run after the edit
    # waits until its instance has all its seeds.
    queue = []
    target = [i for i in range(n_inst) if targets[i] and i != largest]
    probe = [(largest, 1, False)] if largest is not None else []
    for i in target:
        queue += [(i, 1, False)] + probe + [(i, s, False) for s in seeds if s > 1]
        probe = []
    queue += probe
    for i in sorted(range(n_inst), key=lambda i: sizes[i]):
        if i != largest and i not in target:
            queue += [(i, s, False) for s in seeds] + [(i, 0, True)]
    queue += [(i, 0, True) for i in target]
    if largest is not None:
        queue += [(largest, s, False) for s in seeds if s > 1] + [(largest, 0, True)]
    out = [None] * n_inst
    runs = {i: [] for i in range(n_inst)}
    labels = {i: {} for i in range(n_inst)}
    state = {i: "running" for i in range(n_inst)}
    reason = {i: "" for i in range(n_inst)}
    notes = {i: [] for i in range(n_inst)}
    settled = {i: 0 for i in range(n_inst)}  # seeds finished, stopped or failed
    edit_ready = []
    in_flight = {}

    def alive(task):
        """A seed run of an instance still running, or a re-run of one not given up."""
        i, _seed, edited = task
        return state[i] in ("running", "done") if edited else state[i] == "running"

    not_started = {i: 0 for i in range(n_inst)}

    def finish(i):
        best = max(runs[i], key=lambda r: (r["p"], -r["objective"]))
        out[i] = {
            "status": "ok",
            "labels": labels[i][best["seed"]],
            "best_seed": best["seed"],
            "runs": sorted(runs[i], key=lambda r: r["seed"]),
            "time_s": sum(r["time_s"] for r in runs[i]) / len(runs[i]),
            "cpu_s": sum(r["cpu_s"] for r in runs[i]) / len(runs[i]),
        }

    def settle(i):
        settled[i] += 1
        if state[i] == "running" and settled[i] == args.seeds:
            if runs[i]:
                finish(i)
                state[i] = "done"
                edit_ready.append(i)
            else:
                state[i] = "skipped"

    ctx = multiprocessing.get_context("fork")
    with cf.ProcessPoolExecutor(
        max_workers=args.workers, mp_context=ctx, initializer=_worker_init
    ) as ex:
        while True:
            while len(in_flight) < args.workers:
                left = deadline - time.monotonic()
                if left < MIN_START_S:
                    break
                # Drop what can no longer run; take the first task that is ready.
                queue = [t for t in queue if alive(t)]
                ready = [t for t in queue if not t[2] or t[0] in edit_ready]
                if not ready:
                    break
                task = ready[0]
                queue.remove(task)
                i, seed, edited = task
                if edited:
                    edit_ready.remove(i)
                    seed = out[i]["best_seed"]
                limit = args.run_cap if i == largest else args.safety_cap
                cap = min(limit, left)
                fut = ex.submit(_worker_run, paths[i], seed, edited, cap)
                in_flight[fut] = (i, seed, edited, cap, limit)
            if not in_flight:
                break
            finished, _ = cf.wait(list(in_flight), return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                i, seed, edited, cap, limit = in_flight.pop(fut)
                try:
                    res = fut.result()
                except Exception as e:  # noqa: BLE001
                    res = ("error", f"{type(e).__name__}: {e}")
                what = "after the edit" if edited else f"seed {seed}"
                if res[0] == "ok":
                    _, lab, p, obj, t, cpu = res
                    log(f"{names[i]}: spopt {what}: p={p} objective={obj:.4e} {t:.2f} s (CPU {cpu:.2f} s)")
                    if edited:
                        out[i]["edited_labels"] = lab
                        out[i]["edited_time_s"] = t
                    else:
                        runs[i].append(
                            {"seed": seed, "time_s": t, "cpu_s": cpu, "p": p, "objective": obj}
                        )
                        labels[i][seed] = lab
                elif res[0] == "timeout":
                    if cap >= limit:
                        why = f"ran longer than {limit} s (stopped after {res[1]:.0f} s, CPU {res[2]:.0f} s)"
                    else:
                        why = f"was stopped at the {args.budget} s budget of the spopt runs"
                    log(f"{names[i]}: spopt {what} {why}")
                    if edited:
                        notes[i].append(f"the re-run after the edit {why}")
                    elif i == largest and cap >= limit:
                        state[i] = "skipped"
                        reason[i] = f"seed {seed} {why}"
                    else:
                        notes[i].append(f"seed {seed} {why}")
                else:
                    log(f"{names[i]}: spopt {what} failed: {res[1]}")
                    if edited:
                        notes[i].append(f"the re-run after the edit failed: {res[1]}")
                    else:
                        notes[i].append(f"seed {seed} failed: {res[1]}")
                if not edited:
                    settle(i)
    for i, _seed, edited in queue:
        if state[i] == "running" and not edited:
            not_started[i] += 1
    for i in range(n_inst):
        if state[i] == "running" and runs[i]:
            finish(i)
        if not_started[i]:
            notes[i].append(
                f"{not_started[i]} of {args.seeds} seeds not started within the {args.budget} s budget"
            )
        if out[i] is None:
            if state[i] == "skipped" and reason[i]:
                out[i] = {"status": "skipped", "reason": reason[i]}
            else:
                out[i] = {
                    "status": "skipped",
                    "reason": "no run finished within the budget" + (": " + "; ".join(notes[i]) if notes[i] else ""),
                }
                notes[i] = []
        elif "edited_labels" not in out[i] and not any("after the edit" in n for n in notes[i]):
            notes[i].append("no re-run after the edit within the budget")
        if notes[i]:
            out[i]["note"] = "spopt: " + "; ".join(notes[i])
    log(f"spopt: {time.monotonic() - started:.0f} s with {args.workers} workers")
    return out


def metis_once(comps, adj, lengths, households, wangge_labels):
    """One METIS partition over all components: (labels, wall s, CPU s, contiguous was
    accepted everywhere, parts asked for). The time is that of the part_graph calls."""
    import pymetis

    n = len(households)
    labels = [-1] * n
    next_label = 0
    elapsed = 0.0
    cpu = 0.0
    all_contiguous = True
    for comp in comps:
        k = len({wangge_labels[v] for v in comp})
        if k <= 1 or len(comp) == 1:
            for v in comp:
                labels[v] = next_label
            next_label += 1
            continue
        local = {v: i for i, v in enumerate(comp)}
        xadj = [0]
        adjncy = []
        eweights = []
        for v in comp:
            for u in adj[v]:
                adjncy.append(local[u])
                eweights.append(max(1, int(round(lengths[(min(u, v), max(u, v))]))))
            xadj.append(len(adjncy))
        vweights = [int(households[v]) for v in comp]
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            _cuts, parts = pymetis.part_graph(
                k, xadj=xadj, adjncy=adjncy, vweights=vweights, eweights=eweights, contiguous=True
            )
        except Exception:  # noqa: BLE001
            all_contiguous = False
            _cuts, parts = pymetis.part_graph(
                k, xadj=xadj, adjncy=adjncy, vweights=vweights, eweights=eweights
            )
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        for i, v in enumerate(comp):
            labels[v] = next_label + int(parts[i])
        next_label += k
    return labels, elapsed, cpu, all_contiguous, next_label


def run_metis(inst, comps, adj):
    try:
        import pymetis  # noqa: F401
    except Exception as e:  # noqa: BLE001
        return {"status": "skipped", "reason": f"pymetis not importable: {e}"}
    lengths = {(i, j): length for i, j, length in inst["edges"]}
    try:
        labels, t, cpu, contiguous, asked = metis_once(
            comps, adj, lengths, inst["households"], inst["wangge_labels"]
        )
        edited, _t2, _cpu2, contiguous2, _ = metis_once(
            comps, adj, lengths, inst["edited_households"], inst["wangge_labels"]
        )
    except Exception as e:  # noqa: BLE001
        return {"status": "error", "reason": f"{type(e).__name__}: {e}"}
    log(f"{inst['name']}: METIS {t * 1e3:.1f} ms")
    out = {
        "status": "ok",
        "labels": labels,
        "time_s": t,
        "cpu_s": cpu,
        "edited_labels": edited,
    }
    notes = []
    if not (contiguous and contiguous2):
        notes.append("refused contiguous=True on some component; ran without it there")
    empty = asked - len(set(labels))
    if empty:
        notes.append(f"asked for {asked} parts, left {empty} empty")
    if notes:
        out["note"] = "METIS: " + "; ".join(notes)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--run-cap", type=int, default=120)
    ap.add_argument("--safety-cap", type=int, default=300)
    ap.add_argument("--budget", type=int, default=450, help="seconds for all spopt runs")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("instances", nargs="+")
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    warnings.simplefilter("ignore")
    try:
        import importlib.metadata as md

        versions = ", ".join(
            f"{p} {md.version(p)}" for p in ("spopt", "libpysal", "numpy", "scipy", "pandas", "pymetis")
        )
    except Exception as e:  # noqa: BLE001
        versions = f"(versions unknown: {e})"
    log(f"Python {sys.version.split()[0]}; {versions}")
    names, sizes, targets, capped, metis = [], [], [], [], []
    for path in args.instances:
        with open(path) as f:
            inst = json.load(f)
        n = len(inst["households"])
        comps, adj = components(n, inst["edges"])
        metis.append(run_metis(inst, comps, adj))
        names.append(inst["name"])
        sizes.append(n)
        targets.append(bool(inst.get("ratio_target", False)))
        capped.append(bool(inst.get("capped", False)))
    spopt_results = run_spopt_all(args.instances, names, sizes, targets, capped, args)
    results = [{"metis": m, "spopt": s} for m, s in zip(metis, spopt_results)]
    with open(args.out, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
