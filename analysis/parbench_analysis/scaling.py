"""Per point and rank count p: median wall time, speedup, efficiency, Karp-Flatt, phase shares.

A *point* is one value of the run table's `point` column (workload label / strategy / threads); its rows differ
only in ranks (p) and repetition. Only counted runs enter (warmup == 0 and status == "ok").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fitting import Fit, FitUnavailable, amdahl_time, fit_amdahl, fit_gustafson, gustafson_speedup
from .loader import counted_runs

# Phases outside the parallel compute; their share of wall_s is the "measured serial fraction".
SERIAL_PHASES = ("distribute_s", "collect_s", "reduce_s", "overhead_s")
SERIAL_MEASURED_DEFINITION = "(distribute_s + collect_s + reduce_s + overhead_s) / wall_s at p, median over repetitions"


@dataclass
class PointAnalysis:
    point: str
    workload: str
    label: str
    strategy: str
    threads: int
    scaling: str                 # "strong" or "weak"
    table: pd.DataFrame          # one row per p (index), see _per_p_table
    runs: pd.DataFrame           # counted runs of the point
    all_runs: pd.DataFrame       # every run of the point, warm-ups and failures included
    baseline_p: int
    fit: Fit | None
    no_fit_reason: str
    hosts: str
    created: str

    @property
    def weak(self) -> bool:
        return self.scaling == "weak"

    @property
    def ps(self) -> np.ndarray:
        return self.table.index.to_numpy()

    def baseline_sentence(self) -> str:
        p0 = self.baseline_p
        if self.weak:
            formula = f"S(p) = {p0}·(W(p)/T(p)) / (W({p0})/T({p0}))" if p0 != 1 else "S(p) = (W(p)/T(p)) / (W(1)/T(1))"
        else:
            formula = f"S(p) = {p0}·T({p0})/T(p)" if p0 != 1 else "S(p) = T(1)/T(p)"
        if p0 == 1:
            return f"Baseline: p = 1 was measured; {formula}."
        return (f"Baseline: p = 1 was not measured, so the smallest rank count p0 = {p0} is the baseline: "
                f"{formula} (assumes perfect scaling up to p0).")

    def baseline_short(self) -> str:
        return "baseline p = 1" if self.baseline_p == 1 else \
            f"baseline p0 = {self.baseline_p} (no p = 1; S assumes perfect scaling up to p0)"

    def fitted_speedup(self, p) -> np.ndarray:
        """The fit expressed like the measured S, i.e. relative to the same baseline."""
        p0, fit = self.baseline_p, self.fit
        if fit.model == "amdahl":
            return p0 * amdahl_time(p0, fit.scale, fit.fraction) / amdahl_time(p, fit.scale, fit.fraction)
        return p0 * gustafson_speedup(p, fit.fraction) / gustafson_speedup(p0, fit.fraction)

    def median_run(self, p) -> pd.Series:
        """The counted run whose wall_s is the median at p (the lower middle one for an even count)."""
        at_p = self.runs[self.runs["ranks"] == p].sort_values("wall_s", kind="stable")
        return at_p.iloc[(len(at_p) - 1) // 2]

    def traced_run(self) -> pd.Series | None:
        """A traced run to draw a timeline from: counted ones first, then the largest p."""
        traced = self.all_runs[self.all_runs["has_trace"]]
        if traced.empty:
            return None
        counted = traced.index.isin(self.runs.index)
        traced = traced.assign(_counted=counted).sort_values(["_counted", "ranks", "wall_s"],
                                                              ascending=[False, False, True], kind="stable")
        return traced.iloc[0]


def _per_p_table(runs: pd.DataFrame, weak: bool) -> tuple[pd.DataFrame, int]:
    by_p = runs.groupby("ranks")
    table = pd.DataFrame({
        "n": by_p.size(),
        "T": by_p["wall_s"].median(),
        "T_min": by_p["wall_s"].min(),
        "T_max": by_p["wall_s"].max(),
        "work": by_p["work_units"].median(),
        "imbalance": by_p["imbalance"].median(),
    })
    serial_share = runs[list(SERIAL_PHASES)].sum(axis=1) / runs["wall_s"]
    table["serial_measured"] = serial_share.groupby(runs["ranks"]).median()
    table.index.name = "p"
    p = table.index.to_numpy(dtype=float)
    p0 = int(table.index.min())
    if weak:
        # Gustafson's scaled speedup from throughputs; slower runs (T_max) give the lower end.
        rate = table["work"] / table["T"]
        reference = rate.loc[p0] / p0
        table["S"] = rate / reference
        table["S_lo"] = table["work"] / table["T_max"] / reference
        table["S_hi"] = table["work"] / table["T_min"] / reference
    else:
        reference = p0 * table.loc[p0, "T"]
        table["S"] = reference / table["T"]
        table["S_lo"] = reference / table["T_max"]
        table["S_hi"] = reference / table["T_min"]
    for col in ("S", "S_lo", "S_hi"):
        table[col.replace("S", "E")] = table[col] / p
    # Per-p serial-fraction estimates, only where S was measured against an earlier rank count
    # (at p = p0 > 1, S = p0 holds by construction and says nothing).
    beyond_baseline = (p > 1) & (p > p0)
    with np.errstate(divide="ignore", invalid="ignore"):
        karp_flatt = (1 / table["S"] - 1 / p) / (1 - 1 / p)
        alpha_per_p = (p - table["S"]) / (p - 1)
    if weak:
        table["karp_flatt"] = np.nan  # defined for a fixed problem size only
        table["alpha_per_p"] = alpha_per_p.where(beyond_baseline)
    else:
        table["karp_flatt"] = karp_flatt.where(beyond_baseline)
        table["alpha_per_p"] = np.nan
    return table, p0


def _distinct(values) -> list:
    seen = []
    for v in values:
        for item in str(v).split(","):
            item = item.strip()
            if item and item not in seen:
                seen.append(item)
    return seen


def hosts_text(runs: pd.DataFrame) -> str:
    """The distinct hosts of `runs` for a plot header; long host lists are cut to stay on one line."""
    hosts = _distinct(runs["hosts"])
    return ", ".join(hosts) if len(hosts) <= 3 else f"{', '.join(hosts[:2])}, … ({len(hosts)} hosts)"


def created_text(runs: pd.DataFrame) -> str:
    """The `created` dates of the files `runs` came from (several when files were read together)."""
    return " – ".join(sorted(set(_distinct(runs["created"]))))


def analyse_point(point_runs: pd.DataFrame) -> PointAnalysis:
    """Everything the plots and the summary need for one point."""
    first = point_runs.iloc[0]
    runs = counted_runs(point_runs)
    scaling = str(first["scaling"])
    common = dict(point=str(first["point"]), workload=str(first["workload"]), label=str(first["label"]),
                  strategy=str(first["strategy"]), threads=int(first["threads"]), scaling=scaling,
                  runs=runs, all_runs=point_runs, hosts=hosts_text(point_runs), created=created_text(point_runs))
    if runs.empty:
        return PointAnalysis(table=pd.DataFrame(), baseline_p=0, fit=None,
                             no_fit_reason="no counted runs (every run was a warm-up or not ok)", **common)
    weak = scaling == "weak"
    table, p0 = _per_p_table(runs, weak)
    fit, reason = None, ""
    try:
        if weak:
            fit = fit_gustafson(runs["ranks"], runs["work_units"] / runs["wall_s"])
        else:
            fit = fit_amdahl(runs["ranks"], runs["wall_s"])
    except FitUnavailable as exc:
        reason = str(exc)
    return PointAnalysis(table=table, baseline_p=p0, fit=fit, no_fit_reason=reason, **common)


def analyse(runs: pd.DataFrame) -> list[PointAnalysis]:
    """One analysis per point, in the order the points first appear."""
    return [analyse_point(group) for _, group in runs.groupby("point", sort=False)]
