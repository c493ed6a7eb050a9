#!/usr/bin/python3
"""Write parbench result files (schema version 1, or 2 with placements) with a known serial fraction and known
efficiency factors.

Strong scaling: T(p) = T1 * (f + (1 - f) / p) * (1 + noise)           (Amdahl, serial fraction f)
                optionally with imbalance and slower computation, which are not serial work:
                T(p) = T1 * (f + (1 - f) * g(p) / (p * lb(p))) * (1 + noise),
                lb(p) = `balance` for p > 1 (mean/max rank compute time; at least 1/p), g(p) = 1 + slowdown*(p - 1)
                (the same work takes g(p) times the core-seconds, so comp_scaling = 1/g(p))
Weak scaling:   work(p) = p * W1 and T(p) = T1 * p / (p - a (p - 1)) * (1 + noise),
                so the scaled speedup (work(p)/T(p)) / (work(1)/T(1)) = p - a (p - 1)   (Gustafson, a)

Placement (schema version 2): a point's ranks run on nodes(p) nodes, `placement` when the point is placed
(`[study] nodes`, p/placement ranks per node, block-wise), else ceil(p / node_size) (node_size 0: one node).
Crossing nodes adds time outside compute, T1 * node_cost * (nodes(p) - 1), to the wall time above, so
comm_eff falls and T grows with the node count by a known amount.

noise ~ Normal(0, sigma) from a seeded numpy Generator. The files follow docs/hdf5-schema.md: every run-table
column, every run-group attribute, per-rank datasets with units, results, and optionally a task trace. They are
used by the tests to check that the analysis recovers f and a, and are handy for trying the report without
building the C++ program.

    /usr/bin/python3 analysis/make_synthetic.py out.h5 --f 0 0.05 0.3 --ranks 1,2,4,8,16,24 --reps 5
    /usr/bin/python3 analysis/make_synthetic.py weak.h5 --scaling weak --f 0.1
    /usr/bin/python3 analysis/make_synthetic.py sweep.h5 --chunk-sweep --ranks 1,2,4
    /usr/bin/python3 analysis/make_synthetic.py uneven.h5 --f 0 --balance 0.6      (imbalance, no serial work)
    /usr/bin/python3 analysis/make_synthetic.py placed.h5 --ranks 6,12 --placements 1,2,3 --node-cost 0.05
"""
from __future__ import annotations

import argparse
import datetime
from dataclasses import dataclass, field

import h5py
import numpy as np

STRING = h5py.string_dtype("utf-8")

# Run-table columns in schema order, with their HDF5 types ("str" = variable-length UTF-8).
RUN_COLUMNS = {
    "run_id": np.int64, "group": "str", "study": "str", "point": "str", "workload": "str", "label": "str",
    "strategy": "str", "strategy_label": "str", "chunk": np.int64, "chunk_auto": np.int8, "ranks": np.int64,
    "threads": np.int64, "repetition": np.int64, "warmup": np.int8, "scaling": "str", "work_units": np.int64,
    "tasks": np.int64, "wall_s": np.float64, "compute_max_s": np.float64, "compute_mean_s": np.float64,
    "distribute_s": np.float64, "collect_s": np.float64, "reduce_s": np.float64, "overhead_s": np.float64,
    "write_s": np.float64, "imbalance": np.float64, "status": "str", "verified": np.int8,
    "start_time": "str", "slurm_job_id": "str",
}
# Where the ranks ran (schema version 2; after `ranks` in the schema's order).
PLACEMENT_COLUMNS = {"nodes": np.int64, "ranks_per_node": np.int64, "placement": np.int64}


def run_columns(schema_version: int) -> dict:
    """RUN_COLUMNS of a file of `schema_version`: version 2 adds PLACEMENT_COLUMNS."""
    if schema_version < 2:
        return RUN_COLUMNS
    columns = {}
    for name, dtype in RUN_COLUMNS.items():
        columns[name] = dtype
        if name == "ranks":
            columns |= PLACEMENT_COLUMNS
    return columns

# How the non-compute ("serial") time of a synthetic run is split over the phase columns inside wall_s.
SERIAL_PHASE_SHARES = {"distribute_s": 0.5, "collect_s": 0.25, "reduce_s": 0.25}
OVERHEAD_S = 0.001  # bookkeeping after wall_s (overhead_s), outside the model's wall time as in parbench
OTHER_SHARE = 0.02  # part of wall_s left to "other/idle", so the breakdown plot has all its layers

# A chunk-size sweep (the multiprocessing tutorials' `chunksize` lesson): strategy, strategy_label, chunk used,
# chunk_auto, wall time relative to the best setting. Small chunks pay per-chunk overhead, large ones leave ranks
# idle at the end; "auto" chooses 12 or 16 (it may choose differently from run to run, as the real one does).
CHUNK_SWEEP = (
    ("static", "static", 0, False, 1.08),
    ("dynamic", "dynamic chunk=1", 1, False, 1.35),
    ("dynamic", "dynamic chunk=10", 10, False, 1.0),
    ("dynamic", "dynamic chunk=100", 100, False, 1.2),
    ("dynamic", "dynamic", (12, 16), True, 1.03),
    ("guided", "guided min_chunk=4", 4, False, 1.05),
    ("cyclic", "cyclic", 1, False, 1.15),
    ("cyclic", "cyclic chunk=32", 32, False, 1.1),
)


@dataclass
class SyntheticPoint:
    """One measured point (label / strategy / threads) over several rank counts."""
    serial_fraction: float                 # f (strong) or a (weak)
    label: str = "trig n=1000000"
    strategy: str = "static"
    strategy_label: str = ""                # empty: the strategy kind, as parbench labels a strategy without parameters
    chunk: int | tuple = 0                  # chunk used; a tuple is cycled over the runs (what "auto" chose each time)
    chunk_auto: bool = False
    threads: int = 1
    scaling: str = "strong"
    ranks: tuple = (1, 2, 4, 8, 16, 24)
    repetitions: int = 5
    warmups: int = 1
    t1: float = 2.0                         # seconds at p = 1
    noise: float = 0.03                     # relative standard deviation of wall_s
    tasks: int = 96                         # strong: total tasks; weak: tasks per rank
    work_units: int = 1_000_000             # strong: total work; weak: work per rank
    trace: bool = False                     # write trace/* for the first counted repetition at the largest p
    failed_at: tuple = field(default_factory=tuple)  # rank counts that get one extra run with status "failed"
    balance: float | None = None            # strong only: lb = mean/max rank compute for p > 1 (None: up to 8 % spread)
    slowdown: float = 0.0                   # strong only: the work costs 1 + slowdown*(p - 1) times the core-seconds
    placement: int = 0                      # [study] nodes: p/placement ranks on each of `placement` nodes (version 2)
    node_size: int = 0                      # unplaced: ranks per node of the launch (0: every rank on one node)
    node_cost: float = 0.0                  # each node beyond the first adds t1 * node_cost s outside compute

    def __post_init__(self):
        self.strategy_label = self.strategy_label or self.strategy
        if self.scaling == "weak" and (self.balance is not None or self.slowdown):
            raise ValueError("balance and slowdown are modelled for strong scaling only")
        if self.placement and any(p % self.placement for p in self.ranks):
            raise ValueError(f"placement {self.placement} does not divide every rank count of {self.ranks}")

    def nodes_at(self, p: int) -> int:
        """Nodes the ranks of a run at p ran on."""
        if self.placement:
            return self.placement
        return -(-p // self.node_size) if self.node_size else 1

    def node_time(self, p: int) -> float:
        """Seconds outside compute that crossing nodes adds at p (noise-free)."""
        return self.t1 * self.node_cost * (self.nodes_at(p) - 1)

    def balance_at(self, p: int) -> float:
        """lb at p: 1 for one rank; never below 1/p (one rank holding all the work)."""
        return 1.0 if p == 1 or self.balance is None else max(self.balance, 1.0 / p)

    def parallel_stretch(self, p: int) -> float:
        """How much longer than (1 - f) * T1 / p the parallel part takes at p: g(p) / lb(p)."""
        return (1 + self.slowdown * (p - 1)) / self.balance_at(p)

    @property
    def point(self) -> str:
        return f"{self.label} / {self.strategy_label} / {self.threads}"

    def chunk_of_run(self, index: int) -> int:
        chunks = self.chunk if isinstance(self.chunk, tuple) else (self.chunk,)
        return chunks[index % len(chunks)]


def chunk_sweep(label: str, ranks: tuple, repetitions: int = 5, serial_fraction: float = 0.05) -> list:
    """One SyntheticPoint per CHUNK_SWEEP setting, all of workload `label`."""
    return [SyntheticPoint(serial_fraction=serial_fraction, label=label, strategy=kind, strategy_label=name,
                           chunk=chunk, chunk_auto=auto, t1=2.0 * factor, ranks=ranks, repetitions=repetitions,
                           tasks=1000)
            for kind, name, chunk, auto, factor in CHUNK_SWEEP]


def _one_node_wall_time(point: SyntheticPoint, p: int) -> float:
    a = point.serial_fraction
    if point.scaling == "weak":
        return point.t1 * p / (p - a * (p - 1))
    return point.t1 * (a + (1 - a) * point.parallel_stretch(p) / p)


def _one_node_serial_share(point: SyntheticPoint, p: int) -> float:
    a = point.serial_fraction
    if point.scaling == "weak":
        return a  # Gustafson: the serial part is a fixed share of the parallel run
    return a / (a + (1 - a) * point.parallel_stretch(p) / p)


def model_wall_time(point: SyntheticPoint, p: int) -> float:
    """Noise-free wall time of the model at p ranks, crossing nodes included."""
    return _one_node_wall_time(point, p) + point.node_time(p)


def model_serial_share(point: SyntheticPoint, p: int) -> float:
    """Share of the p-rank wall time spent outside compute, as the model predicts it."""
    one_node = _one_node_wall_time(point, p)
    return (one_node * _one_node_serial_share(point, p) + point.node_time(p)) / (one_node + point.node_time(p))


def _run_records(point: SyntheticPoint, rng: np.random.Generator):
    """Yield one dict per run: run-table columns plus the per-rank arrays and trace."""
    for p in point.ranks:
        kinds = ["warmup"] * point.warmups + ["counted"] * point.repetitions
        kinds += ["failed"] * (p in point.failed_at)
        warmup_number = counted_number = 0
        for kind in kinds:
            wall = model_wall_time(point, p) * (1 + rng.normal(0.0, point.noise))
            if kind == "warmup":
                wall *= 3.0  # cold caches: far off on purpose, so counting it would show in the tests
            elif kind == "failed":
                wall *= 0.1
            rec = _phase_times(point, p, wall, rng)
            if kind == "warmup":
                rec["repetition"], rec["warmup"] = warmup_number, 1
                warmup_number += 1
            else:
                rec["repetition"], rec["warmup"] = counted_number, 0
                counted_number += 1
            rec["status"] = "failed" if kind == "failed" else "ok"
            rec["verified"] = 0 if kind == "failed" else 1
            rec["message"] = "result did not verify (synthetic)" if kind == "failed" else ""
            rec["trace"] = point.trace and kind == "counted" and rec["repetition"] == 0 and p == max(point.ranks)
            yield rec


def _phase_times(point: SyntheticPoint, p: int, wall: float, rng: np.random.Generator) -> dict:
    tasks = point.tasks * p if point.scaling == "weak" else point.tasks
    work = point.work_units * p if point.scaling == "weak" else point.work_units
    serial = wall * model_serial_share(point, p)
    compute_max = (wall - serial) * (1 - OTHER_SHARE)
    if point.balance is None:
        # Per-rank compute times: up to 8 % below the slowest rank.
        compute = compute_max * (1 - 0.08 * rng.random(p))
        compute[rng.integers(p)] = compute_max
    else:
        # Rank 0 the slowest, the others equal: mean/max = lb exactly.
        lb = point.balance_at(p)
        compute = np.full(p, compute_max * (p * lb - 1) / (p - 1) if p > 1 else compute_max)
        compute[0] = compute_max
    nodes = point.nodes_at(p)
    per_node = -(-p // nodes)  # block-wise: the first nodes hold ceil(p / nodes) ranks
    rec = {
        "ranks": p, "nodes": nodes, "ranks_per_node": per_node, "placement": point.placement,
        "rank_node": np.arange(p, dtype=np.int64) // per_node, "threads": point.threads,
        "scaling": point.scaling, "tasks": tasks, "work_units": work,
        "wall_s": wall, "compute_max_s": compute_max, "compute_mean_s": float(compute.mean()),
        "imbalance": compute_max / float(compute.mean()), "write_s": 0.001,
        "rank_compute_s": compute,
    }
    for phase, share in SERIAL_PHASE_SHARES.items():
        rec[phase] = serial * share
    rec["overhead_s"] = OVERHEAD_S
    rec["rank_distribute_s"] = rec["distribute_s"] * rng.uniform(0.5, 1.0, p)
    rec["rank_collect_s"] = rec["collect_s"] * rng.uniform(0.5, 1.0, p)
    rec["rank_idle_s"] = compute_max - compute
    rec["rank_tasks_done"] = np.array([len(b) for b in np.array_split(np.arange(tasks), p)], dtype=np.int64)
    return rec


def _trace(rec: dict, threads: int, start_offset: float):
    """Static blocks of tasks per rank, spread round-robin over threads, back to back."""
    task, rank, thread, start, end = [], [], [], [], []
    first = 0
    for r, (count, busy) in enumerate(zip(rec["rank_tasks_done"], rec["rank_compute_s"])):
        lane_time = np.full(threads, start_offset)
        per_task = busy * threads / max(count, 1)
        for t in range(first, first + count):
            lane = (t - first) % threads
            task.append(t), rank.append(r), thread.append(lane)
            start.append(lane_time[lane]), end.append(lane_time[lane] + per_task)
            lane_time[lane] += per_task
        first += count
    return {"task": np.array(task, np.int64), "rank": np.array(rank, np.int64),
            "thread": np.array(thread, np.int64), "start_s": np.array(start), "end_s": np.array(end)}


def write_synthetic(path, points, seed: int = 0, created: str | None = None, study: str = "synthetic",
                    schema_version: int = 1) -> str:
    """Write `points` (SyntheticPoint list) as one parbench file; returns the path. Placed points need schema
    version 2, which records where the ranks ran."""
    if schema_version < 2 and any(point.placement or point.node_size for point in points):
        raise ValueError("placement and node_size need schema_version 2")
    columns = run_columns(schema_version)
    rng = np.random.default_rng(seed)
    created = created or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
    rows = []
    with h5py.File(path, "w") as f:
        f.attrs["schema"] = "parbench"
        f.attrs["schema_version"] = np.int64(schema_version)
        f.attrs["parbench_version"] = "synthetic"
        f.attrs["git_commit"] = "unknown"
        f.attrs["created"] = created
        for point in points:
            for index, rec in enumerate(_run_records(point, rng)):
                run_id = len(rows) + 1
                start += datetime.timedelta(seconds=rec["wall_s"] + 0.01)
                row = {
                    "run_id": run_id, "group": f"/run/{run_id:06d}", "study": study, "point": point.point,
                    "workload": point.label.split()[0], "label": point.label, "strategy": point.strategy,
                    "strategy_label": point.strategy_label, "chunk": point.chunk_of_run(index),
                    "chunk_auto": int(point.chunk_auto), "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "slurm_job_id": "",
                }
                row.update({k: rec[k] for k in columns if k in rec})
                rows.append(row)
                _write_run_group(f, row, rec, point, columns)
        _write_run_table(f, rows, columns)
    return str(path)


def _write_run_group(f: h5py.File, row: dict, rec: dict, point: SyntheticPoint, columns: dict):
    g = f.create_group(row["group"])
    for name, dtype in columns.items():
        g.attrs[name] = row[name] if dtype == "str" else dtype(row[name])
    # Version 1 has one host; version 2 names each node, as SLURM would (ranks/node_name).
    node_names = np.array([f"synthnode{i + 1}" for i in rec["rank_node"]] if "nodes" in columns else
                          ["synthhost"] * row["ranks"], dtype=object)
    extra = {"message": rec["message"], "verify_detail": "synthetic data, nothing to verify",
             "hosts": ",".join(dict.fromkeys(node_names)), "slurm_array_task_id": "", "slurm_nodelist": "",
             "slurm_tasks_per_node": "", "config_path": "synthetic.toml"}
    for name, value in extra.items():
        g.attrs[name] = value
    params = g.create_group("params")
    params.attrs["n"] = np.int64(row["work_units"])
    params.attrs["iterations"] = np.int64(1)
    params.attrs["init"] = "n"
    g.create_group("strategy_params")
    g.create_dataset("config_toml", data='[study]\nname = "synthetic"\n', dtype=STRING)
    p = row["ranks"]
    ranks = g.create_group("ranks")
    ranks.create_dataset("host", data=list(node_names), dtype=STRING)
    if "nodes" in columns:
        ranks.create_dataset("node", data=rec["rank_node"]).attrs["units"] = "node index"
        ranks.create_dataset("node_name", data=list(node_names), dtype=STRING)
    ranks.create_dataset("core", data=np.arange(p, dtype=np.int64)).attrs["units"] = "cpu index"
    for name in ("distribute_s", "compute_s", "collect_s", "idle_s"):
        ranks.create_dataset(name, data=np.asarray(rec["rank_" + name], np.float64)).attrs["units"] = "s"
    ranks.create_dataset("tasks_done", data=rec["rank_tasks_done"]).attrs["units"] = "tasks"
    g.create_group("result").create_dataset("sum", data=np.float64(1234.5))
    if rec["trace"]:
        trace = g.create_group("trace")
        for name, data in _trace(rec, point.threads, rec["distribute_s"]).items():
            d = trace.create_dataset(name, data=data)
            if name.endswith("_s"):
                d.attrs["units"] = "s"


def _write_run_table(f: h5py.File, rows: list, columns: dict):
    runs = f.create_group("runs")
    for name, dtype in columns.items():
        values = [r[name] for r in rows]
        if dtype == "str":
            runs.create_dataset(name, data=values, dtype=STRING)
        else:
            runs.create_dataset(name, data=np.array(values, dtype=dtype))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output", help="HDF5 file to write")
    ap.add_argument("--f", type=float, nargs="+", default=[0.05],
                    help="serial fraction(s); one point per value (default 0.05)")
    ap.add_argument("--scaling", choices=("strong", "weak"), default="strong")
    ap.add_argument("--ranks", default="1,2,4,8,16,24", help="comma-separated rank counts")
    ap.add_argument("--reps", type=int, default=5, help="counted repetitions per rank count")
    ap.add_argument("--noise", type=float, default=0.03, help="relative noise of wall_s (default 0.03)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--trace", action="store_true", help="write a task trace for the largest rank count")
    ap.add_argument("--balance", type=float, default=None,
                    help="load balance mean/max of the rank compute times for p > 1 (strong scaling; default: "
                         "up to 8 %% spread)")
    ap.add_argument("--slowdown", type=float, default=0.0,
                    help="the work costs 1 + SLOWDOWN*(p - 1) times the core-seconds at p ranks (strong scaling)")
    ap.add_argument("--placements", default="",
                    help="comma-separated node counts: each point is written once per placement (the same rank "
                         "counts on that many nodes, block-wise; schema version 2); every rank count must divide")
    ap.add_argument("--node-cost", type=float, default=0.0,
                    help="each node beyond the first adds NODE_COST * T1 seconds outside compute")
    ap.add_argument("--chunk-sweep", action="store_true",
                    help="also write a chunk-size sweep (static; dynamic chunk 1, 10, 100 and auto; guided "
                         "min_chunk 4; cyclic chunk 1 and 32) of a workload labelled 'pi sweep', same rank counts")
    args = ap.parse_args(argv)
    ranks = tuple(int(r) for r in args.ranks.split(","))
    placements = [int(n) for n in args.placements.split(",")] if args.placements else [0]
    points = [SyntheticPoint(serial_fraction=f, label=f"trig f={f:g}", scaling=args.scaling, ranks=ranks,
                             repetitions=args.reps, noise=args.noise, trace=args.trace, balance=args.balance,
                             slowdown=args.slowdown, placement=n, node_cost=args.node_cost)
              for f in args.f for n in placements]
    if args.chunk_sweep:
        points += chunk_sweep("pi sweep", ranks, args.reps)
    print(write_synthetic(args.output, points, seed=args.seed, schema_version=2 if args.placements else 1))


if __name__ == "__main__":
    main()
