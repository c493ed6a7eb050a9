"""95 % percentile-bootstrap intervals of S, E and the efficiency factors at each p of a point.

Repetitions are resampled with replacement, each rank count and the baseline independently (the baseline is
drawn afresh for every p, as a reader comparing two rank counts would), and every figure is recomputed from the
resampled medians exactly as the point estimate is: S* = p0*T_base*/T* (weak: from throughputs), E* = S*/p,
lb* and comm_eff* the medians of the resampled runs, comp_scaling* the median of U_base*/U. At p = p0 the rank
count *is* the baseline, so one draw serves both and S = p0 has no spread, as by definition. Another placement's
runs at p0 are not the baseline (every placement of a point shares the fewest-nodes one): they are drawn apart.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .factors import Baseline
from .stats import BOOTSTRAP_RESAMPLES, percentile_interval, point_rng, resample_indices

INTERVAL_COLUMNS = ["S_lo", "S_hi", "E_lo", "E_hi", "lb_lo", "lb_hi", "comm_eff_lo", "comm_eff_hi",
                    "comp_scaling_lo", "comp_scaling_hi"]


def _medians(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Median of each resample (row of idx)."""
    return np.median(values[idx], axis=1)


def point_intervals(frame: pd.DataFrame, baseline: Baseline, work: pd.Series, stream: str,
                    resamples: int = BOOTSTRAP_RESAMPLES) -> pd.DataFrame:
    """INTERVAL_COLUMNS per p (index) from the per-run factors of one curve (factors.run_factors) and its
    baseline. `work` is the median work_units per p for weak scaling (all ones for strong), as the point estimate
    uses it; `stream` names the curve's random stream (stats.point_rng)."""
    rng = point_rng(stream)
    p0, base = baseline.p0, baseline.runs
    base_wall, base_U = base["wall_s"].to_numpy(), base["U"].to_numpy()
    rows = {}
    for p, at_p in frame.groupby("p", sort=True):
        idx_base = resample_indices(rng, len(base), resamples)
        is_baseline = at_p.index.equals(base.index)  # the same runs, not another placement's at p0
        idx = idx_base if is_baseline else resample_indices(rng, len(at_p), resamples)
        t_base, t = _medians(base_wall, idx_base), _medians(at_p["wall_s"].to_numpy(), idx)
        speedup = p0 * (work[p] / t) / (baseline.W / t_base)
        u_base = _medians(base_U, idx_base)
        comp_scaling = np.median(u_base[:, None] / at_p["U"].to_numpy()[idx], axis=1)
        replicates = {"S": speedup, "E": speedup / p, "lb": _medians(at_p["lb"].to_numpy(), idx),
                      "comm_eff": _medians(at_p["comm_eff"].to_numpy(), idx), "comp_scaling": comp_scaling}
        row = {}
        for name, values in replicates.items():
            row[f"{name}_lo"], row[f"{name}_hi"] = percentile_interval(values)
        rows[p] = row
    table = pd.DataFrame.from_dict(rows, orient="index")[INTERVAL_COLUMNS]
    table.index.name = "p"
    return table
