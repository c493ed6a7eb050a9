"""The chunk-size view: per workload label, threads and p, the median wall time of every chunk setting.

Small chunks pay a per-chunk overhead (a request to rank 0 per chunk), large ones leave ranks idle at the end;
the multiprocessing tutorials teach the same trade-off with Pool.map's `chunksize`. The per-point plots cannot show
it, because each chunk setting is a point of its own. A *chunk group* is one (label, scaling, threads, p, placement)
whose
counted runs hold at least two chunk settings of dynamic, guided or cyclic. A setting is one `strategy_label`, so
"auto" is one setting whatever chunk it chose from run to run. Static runs of the group are the reference.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .loader import counted_runs
from .scaling import created_text, hosts_text

CHUNKED = ("dynamic", "guided", "cyclic")
REFERENCE = "static"
KIND_ORDER = {kind: i for i, kind in enumerate(CHUNKED + (REFERENCE,))}
SETTING_COLUMNS = ["strategy_label", "chunk", "chunk_auto"]
CSV_COLUMNS = ["label", "scaling", "threads", "p", "placement", "strategy_label", "strategy", "chunk", "chunk_auto",
               "n", "T", "T_min", "T_max", "T_rel"]


@dataclass
class ChunkGroup:
    label: str
    scaling: str
    threads: int
    p: int
    settings: pd.DataFrame   # one row per strategy_label, CSV_COLUMNS from strategy_label on; see _settings
    hosts: str
    created: str
    placement: int = 0   # the node count the runs were placed on (0: not placed); placements are not mixed

    @property
    def name(self) -> str:
        """`label / threads=T / p=P` (plus `/ nodes=N` when placed, `/ weak`); cli.folder_name turns it into the
        plot's file name."""
        placed = f" / nodes={self.placement}" if self.placement else ""
        weak = " / weak" if self.scaling == "weak" else ""
        return f"{self.label} / threads={self.threads} / p={self.p}{placed}{weak}"

    @property
    def chunked(self) -> pd.DataFrame:
        return self.settings[self.settings["strategy"].isin(CHUNKED)]

    @property
    def reference(self) -> pd.DataFrame:
        return self.settings[self.settings["strategy"] == REFERENCE]

    @property
    def best(self) -> pd.Series:
        """The fastest chunk setting (smallest median wall time); T_rel is relative to it."""
        return self.chunked.loc[self.chunked["T"].idxmin()]


def _lower_median(values) -> int:
    """A chunk that was actually used: the lower middle one for an even count, as scaling.median_run picks runs."""
    return int(np.sort(np.asarray(values))[(len(values) - 1) // 2])


def _settings(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per strategy_label: chunked kinds in CHUNKED order, fixed chunks by size, then auto, then static."""
    by = runs.groupby("strategy_label", sort=False)
    table = pd.DataFrame({
        "strategy": by["strategy"].first(),
        "chunk": by["chunk"].agg(_lower_median),
        "chunk_auto": by["chunk_auto"].max().astype(int),
        "n": by.size(),
        "T": by["wall_s"].median(),
        "T_min": by["wall_s"].min(),
        "T_max": by["wall_s"].max(),
    })
    table["T_rel"] = table["T"] / table.loc[table["strategy"].isin(CHUNKED), "T"].min()
    table = table.assign(kind_order=table["strategy"].map(KIND_ORDER))
    table = table.sort_values(["kind_order", "chunk_auto", "chunk"], kind="stable").drop(columns="kind_order")
    return table.reset_index()


def chunk_groups(runs: pd.DataFrame) -> list[ChunkGroup]:
    """Every chunk group of the runs, sorted by label, scaling, threads and p; empty when nothing sweeps the chunk."""
    if not set(SETTING_COLUMNS).issubset(runs.columns):
        return []  # not written by parbench, which always writes these columns: nothing to compare
    # Rows of a file without these columns are NaN when read together with files that have them.
    runs = counted_runs(runs).dropna(subset=SETTING_COLUMNS)
    runs = runs[runs["strategy"].isin(list(KIND_ORDER))]
    groups = []
    for (label, scaling, threads, p, placement), g in runs.groupby(["label", "scaling", "threads", "ranks",
                                                                    "placement"]):
        if g.loc[g["strategy"].isin(CHUNKED), "strategy_label"].nunique() < 2:
            continue
        groups.append(ChunkGroup(label=str(label), scaling=str(scaling), threads=int(threads), p=int(p),
                                 settings=_settings(g), hosts=hosts_text(g), created=created_text(g),
                                 placement=int(placement)))
    return groups


def write_chunk_csv(groups: list[ChunkGroup], out_dir: str) -> str:
    """chunks.csv in out_dir: the settings of every group, each row prefixed by its group; returns the path."""
    rows = [g.settings.assign(label=g.label, scaling=g.scaling, threads=g.threads, p=g.p, placement=g.placement)
            for g in groups]
    path = os.path.join(out_dir, "chunks.csv")
    pd.concat(rows, ignore_index=True)[CSV_COLUMNS].to_csv(path, index=False, float_format="%.9g")
    return path
