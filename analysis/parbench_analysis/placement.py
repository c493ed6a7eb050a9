"""The placement view: what crossing nodes costs. For a point measured at the same p on several node counts
(`[study] nodes`), each placement's median wall time relative to the fewest-nodes placement at that p, with a
95 % bootstrap interval, and its communication efficiency.

T_rel = T(p on k nodes) / T(p on the fewest nodes measured at p). Above 1: crossing nodes costs (inputs and
partial results travel over the network instead of shared memory); below 1: spreading the ranks gains more (memory
bandwidth, cache) than it costs. Only placed curves (placement > 0) take part; unplaced runs are not a placement.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .stats import percentile_interval, point_rng, resample_indices

COLUMNS = ["point", "label", "strategy", "threads", "scaling", "p", "placement", "nodes", "ranks_per_node", "n", "T",
           "T_lo", "T_hi", "T_rel", "T_rel_lo", "T_rel_hi", "comm_eff", "comm_eff_lo", "comm_eff_hi"]


@dataclass
class PlacementView:
    point: str
    rows: pd.DataFrame   # COLUMNS; one row per p and placement, at every p measured on at least two placements


def _medians(wall: np.ndarray, idx: np.ndarray) -> np.ndarray:
    return np.median(wall[idx], axis=1)


def _row(a, p: int) -> dict:
    """The placement's figures at p, from its curve's table and runs."""
    t, at_p = a.table.loc[p], a.runs[a.runs["ranks"] == p]
    row = {"point": a.point, "label": a.label, "strategy": a.strategy, "threads": a.threads, "scaling": a.scaling,
           "p": int(p), "placement": a.placement, "nodes": t["nodes"],
           "ranks_per_node": at_p["ranks_per_node"].median(), "n": int(t["n"])}
    return row | {c: t[c] for c in ("T", "T_lo", "T_hi", "comm_eff", "comm_eff_lo", "comm_eff_hi")}


def placement_view(curves) -> PlacementView:
    """The view of one point's curves (scaling.analyse, one per placement); rows empty when fewer than two
    placements share a p."""
    placed = sorted((c for c in curves if c.placement > 0 and not c.table.empty), key=lambda c: c.placement)
    point = curves[0].point
    rng = point_rng(f"{point} / placement view")  # its own stream: the curves' intervals stay as they are
    rows = []
    for p in sorted(set().union(*(c.ps for c in placed))):
        at_p = [c for c in placed if p in c.table.index]
        if len(at_p) < 2:
            continue
        walls = [c.runs.loc[c.runs["ranks"] == p, "wall_s"].to_numpy(dtype=float) for c in at_p]
        t_ref = _medians(walls[0], resample_indices(rng, len(walls[0])))
        for c, wall in zip(at_p, walls):
            row = _row(c, p)
            row["T_rel"] = row["T"] / at_p[0].table.loc[p, "T"]
            if c is at_p[0]:  # the reference itself: 1 by definition, no spread
                row["T_rel_lo"] = row["T_rel_hi"] = 1.0
            else:
                ratios = _medians(wall, resample_indices(rng, len(wall))) / t_ref
                row["T_rel_lo"], row["T_rel_hi"] = percentile_interval(ratios)
            rows.append(row)
    return PlacementView(point=point, rows=pd.DataFrame(rows, columns=COLUMNS))


def write_placement_csv(views: list[PlacementView], out_dir: str) -> str:
    """placement.csv in out_dir: the rows of every view; returns the path."""
    path = os.path.join(out_dir, "placement.csv")
    table = pd.concat([v.rows for v in views], ignore_index=True)
    table.to_csv(path, index=False, na_rep="", float_format="%.9g")
    return path
