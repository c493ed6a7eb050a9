"""Per point and rank count p: median wall time, speedup, efficiency with intervals, Karp-Flatt, phase shares,
efficiency factors and the diagnosis of the largest loss.

A *point* is one value of the run table's `point` column (workload label / strategy / threads); its rows differ
only in ranks (p) and repetition. Only counted runs enter (warmup == 0 and status == "ok").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import factors
from .bootstrap import point_intervals
from .fitting import Fit, FitUnavailable, amdahl_time, fit_amdahl, fit_gustafson, gustafson_speedup
from .loader import counted_runs
from .stats import MIN_REPETITIONS, median_interval

# Phases inside wall_s outside the parallel compute; their share of wall_s is the "measured serial fraction".
# overhead_s is not one of them: it is bookkeeping after the wall time.
SERIAL_PHASES = ("distribute_s", "collect_s", "reduce_s")
SERIAL_MEASURED_DEFINITION = "(distribute_s + collect_s + reduce_s) / wall_s at p, median over repetitions"


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
    factors: pd.DataFrame | None = None        # one row per counted run, factors.run_factors
    baseline: factors.Baseline | None = None
    serial_fit: Fit | None = None              # f_serial: the fit to the time outside the slowest rank's compute
    serial_no_fit_reason: str = ""

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

    def fit_reading(self) -> str:
        """In words, what the fitted fraction describes when the dominant loss at the largest p is load balance
        or computation scaling (not serial work); '' otherwise."""
        if self.table.empty:
            return ""
        row = self.table.iloc[-1]
        return factors.fit_reading(self.fit, self.serial_fit, row["dominant"], int(self.ps[-1]), row["lb"],
                                   row["comp_scaling"], self.weak)

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
    # Nonparametric 95 % interval of the median wall time; blank below 6 repetitions.
    table[["T_lo", "T_hi"]] = [median_interval(w) for _, w in by_p["wall_s"]]
    serial_share = runs[list(SERIAL_PHASES)].sum(axis=1) / runs["wall_s"]
    table["serial_measured"] = serial_share.groupby(runs["ranks"]).median()
    table.index.name = "p"
    p = table.index.to_numpy(dtype=float)
    p0 = int(table.index.min())
    if weak:
        # Gustafson's scaled speedup from throughputs.
        rate = table["work"] / table["T"]
        table["S"] = rate / (rate.loc[p0] / p0)
    else:
        table["S"] = p0 * table.loc[p0, "T"] / table["T"]
    table["E"] = table["S"] / p
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


def _repetition_note(n: int, p: int, p0: int, n0: int) -> str:
    """Why the intervals of a row are missing or rough (Hoefler & Belli: n >= 6 for a 95 % interval of a median)."""
    notes = []
    if n < MIN_REPETITIONS:
        notes.append(f"n = {n} < {MIN_REPETITIONS}: no 95 % interval for the median wall time (T_lo, T_hi blank), "
                     "bootstrap intervals are rough")
    if p != p0 and n0 < MIN_REPETITIONS:
        notes.append(f"the baseline p0 = {p0} has n = {n0} < {MIN_REPETITIONS}")
    return "; ".join(notes)


def _add_factors(table: pd.DataFrame, frame: pd.DataFrame, baseline: factors.Baseline, weak: bool,
                 point: str) -> pd.DataFrame:
    """Per p: factor medians, bootstrap intervals (replacing none: S and E get theirs here too), diagnosis."""
    work = table["work"] if weak else pd.Series(1.0, index=table.index)
    table = table.join(point_intervals(frame, baseline.p0, work, point)).join(factors.per_p_medians(frame))
    table["par_eff_base"] = baseline.par_eff
    p0, n0 = baseline.p0, int(table.loc[baseline.p0, "n"])
    # E counts losses against the baseline, so the dominant one is judged against the baseline's own factors.
    base = dict(lb_base=table.loc[p0, "lb"], comm_eff_base=table.loc[p0, "comm_eff"])
    table["dominant"] = [factors.dominant_loss(r.E, r.lb, r.comm_eff, r.comp_scaling, **base)
                         for r in table.itertuples()]
    table["diagnosis"] = [factors.diagnosis(r.E, int(p), p0, r.lb, r.comm_eff, r.comp_scaling, weak, **base)
                          for p, r in zip(table.index, table.itertuples())]
    table["note"] = [_repetition_note(int(r.n), int(p), p0, n0) for p, r in zip(table.index, table.itertuples())]
    return table


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
    frame, baseline = factors.run_factors(runs, p0, weak)
    table = _add_factors(table, frame, baseline, weak, common["point"])
    serial_fit, serial_reason = factors.fit_serial_only(frame, baseline, weak)
    fit, reason = None, ""
    try:
        if weak:
            fit = fit_gustafson(runs["ranks"], runs["work_units"] / runs["wall_s"])
        else:
            fit = fit_amdahl(runs["ranks"], runs["wall_s"])
    except FitUnavailable as exc:
        reason = str(exc)
    return PointAnalysis(table=table, baseline_p=p0, fit=fit, no_fit_reason=reason, factors=frame,
                         baseline=baseline, serial_fit=serial_fit, serial_no_fit_reason=serial_reason, **common)


def analyse(runs: pd.DataFrame) -> list[PointAnalysis]:
    """One analysis per point, in the order the points first appear."""
    return [analyse_point(group) for _, group in runs.groupby("point", sort=False)]
