"""Read parbench result files through the documented schema (docs/hdf5-schema.md) and nothing else."""
from __future__ import annotations

import os

import h5py
import numpy as np
import pandas as pd

# Version 2 adds run-table columns (nodes, ranks_per_node, placement, result_hash, ...); unknown columns are read
# and carried along, never required.
SUPPORTED_SCHEMA_VERSIONS = (1, 2)

# Version-2 columns the analysis uses, with what a version-1 file means by their absence: its ranks were never
# placed (placement 0, the first ranks of the launch), and where they ran is unknown (NaN, not a guess of 1).
PLACEMENT_DEFAULTS = {"placement": 0, "nodes": np.nan, "ranks_per_node": np.nan}
# Counts of nodes that are 0 say "unknown" too: `merge` writes 0 for the version-1 runs it copies.
UNKNOWN_WHEN_ZERO = ("nodes", "ranks_per_node")

# Run-table columns the analysis needs; a file without them cannot be analysed.
REQUIRED_COLUMNS = (
    "group", "point", "workload", "label", "strategy", "ranks", "threads", "repetition", "warmup", "scaling",
    "work_units", "wall_s", "compute_max_s", "distribute_s", "collect_s", "reduce_s", "overhead_s",
    "imbalance", "status",
)


class InputError(Exception):
    """A problem with an input file that the user has to fix; reported as `error: <file>: <what>`."""

    def __init__(self, path, what: str):
        super().__init__(f"{path}: {what}")
        self.path, self.what = str(path), what


def _text(value) -> str:
    """Attributes may come back as str, bytes or numpy scalars depending on how they were written."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _column(dataset: h5py.Dataset) -> np.ndarray:
    if dataset.dtype.kind in "OS":  # variable- or fixed-length strings
        return np.asarray(dataset.asstr()[()], dtype=object)
    return dataset[()]


def _check_root(path, f: h5py.File) -> str:
    """Validate the root attributes; returns the `created` time for plot titles."""
    if "schema" not in f.attrs or _text(f.attrs["schema"]) != "parbench":
        raise InputError(path, 'not a parbench file (no root attribute schema = "parbench")')
    if "schema_version" not in f.attrs:
        raise InputError(path, "no schema_version root attribute")
    version = f.attrs["schema_version"]
    # The schema says int64; a string or float "1" is not version 1 of this schema.
    is_supported = isinstance(version, (int, np.integer)) and int(version) in SUPPORTED_SCHEMA_VERSIONS
    if not is_supported:
        readable = " and ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
        raise InputError(path, f"unsupported schema_version {_text(version)} "
                               f"(this analysis reads versions {readable})")
    return _text(f.attrs["created"]) if "created" in f.attrs else ""


def _read_run_table(path, f: h5py.File) -> pd.DataFrame:
    if "runs" not in f or not isinstance(f["runs"], h5py.Group):
        raise InputError(path, "no runs (the file has no /runs table)")
    table = f["runs"]
    missing = [c for c in REQUIRED_COLUMNS if c not in table]
    if missing:
        raise InputError(path, "the /runs table lacks column(s) " + ", ".join(missing))
    columns = {name: _column(d) for name, d in table.items() if isinstance(d, h5py.Dataset) and d.ndim == 1}
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1:
        raise InputError(path, "the /runs columns have different lengths")
    runs = pd.DataFrame(columns)
    if runs.empty:
        raise InputError(path, "no runs (the /runs table is empty)")
    for name, absent in PLACEMENT_DEFAULTS.items():
        if name not in runs:
            runs[name] = absent
    for name in UNKNOWN_WHEN_ZERO:
        runs[name] = runs[name].where(runs[name] > 0)
    return runs


# Per-rank compute time u_r (ranks/compute_s) summarised per run, for the efficiency factors (factors.py).
RANK_COMPUTE_COLUMNS = ("u_sum_s", "u_max_s", "u_ranks")


def _rank_compute(g) -> tuple[float, float, int]:
    """(sum, max, count) of a run group's ranks/compute_s; NaN and 0 when the group or dataset is missing."""
    d = g.get("ranks/compute_s") if isinstance(g, h5py.Group) else None
    if not isinstance(d, h5py.Dataset) or d.size == 0:
        return np.nan, np.nan, 0
    u = np.asarray(d[()], dtype=float).ravel()
    return float(u.sum()), float(u.max()), int(u.size)


def _run_group_facts(f: h5py.File, groups) -> dict:
    """Per run group: host list, whether a task trace exists, and the per-rank compute summary (missing groups
    give '', False and NaN). Run groups may be hard links shared by several runs; h5py follows them."""
    facts = {"hosts": [], "has_trace": []} | {name: [] for name in RANK_COMPUTE_COLUMNS}
    for name in groups:
        g = f.get(name)
        facts["hosts"].append(_text(g.attrs.get("hosts", "")) if isinstance(g, h5py.Group) else "")
        facts["has_trace"].append(isinstance(g, h5py.Group) and isinstance(g.get("trace"), h5py.Group))
        for column, value in zip(RANK_COMPUTE_COLUMNS, _rank_compute(g)):
            facts[column].append(value)
    return facts


def load_file(path) -> pd.DataFrame:
    """The run table of one file (`placement`, `nodes`, `ranks_per_node` filled in for version 1, see
    PLACEMENT_DEFAULTS), plus columns `file`, `created`, `hosts`, `has_trace` and the per-rank compute summary
    `u_sum_s`, `u_max_s`, `u_ranks` (sum, max and count of ranks/compute_s)."""
    path = str(path)
    if not os.path.exists(path):
        raise InputError(path, "no such file")
    if os.path.isdir(path):
        raise InputError(path, "is a directory, not a result file")
    if not h5py.is_hdf5(path):
        raise InputError(path, "not an HDF5 file")
    try:
        with h5py.File(path, "r") as f:
            created = _check_root(path, f)
            runs = _read_run_table(path, f)
            for column, values in _run_group_facts(f, runs["group"]).items():
                runs[column] = values
    except OSError as exc:  # unreadable or truncated HDF5
        raise InputError(path, f"cannot read HDF5 file ({exc})") from None
    runs["file"] = path
    runs["created"] = created
    return runs


def load_results(paths) -> pd.DataFrame:
    """All run tables of `paths` concatenated; rows keep the file they came from."""
    return pd.concat([load_file(p) for p in paths], ignore_index=True)


def counted_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """Runs that enter the statistics: not warm-ups, status ok."""
    return runs[(runs["warmup"] == 0) & (runs["status"] == "ok")]


def read_rank_dataset(path, group: str, name: str) -> np.ndarray | None:
    """`<group>/ranks/<name>` of a run, or None when it is not there."""
    with h5py.File(path, "r") as f:
        d = f.get(f"{group}/ranks/{name}")
        return d[()] if isinstance(d, h5py.Dataset) else None


def read_trace(path, group: str) -> pd.DataFrame | None:
    """The task trace of a run (task, rank, thread, start_s, end_s), or None when the run was not traced."""
    with h5py.File(path, "r") as f:
        trace = f.get(f"{group}/trace")
        if not isinstance(trace, h5py.Group):
            return None
        names = ("task", "rank", "thread", "start_s", "end_s")
        if any(n not in trace for n in names):
            return None
        return pd.DataFrame({n: trace[n][()] for n in names})
