"""Per point and rank count p: median wall time, speedup, efficiency with intervals, Karp-Flatt, phase shares,
efficiency factors and the diagnosis of the largest loss.

A *point* is one value of the run table's `point` column (workload label / strategy / threads); its rows differ
only in ranks (p), placement and repetition. A *curve* is one point and placement (the node count a study placed
the ranks on, 0 when it did not place them): one analysis per curve. Every curve of a point is relative to the same
baseline, the smallest p on the fewest nodes (baseline_runs), so a placement's speedup compares directly with the
others'. Only counted runs enter (warmup == 0 and status == "ok").
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


def placement_text(placement: int) -> str:
    """A curve's name in legends and headings: `1 node`, `3 nodes`, or `not placed` (placement 0)."""
    return "not placed" if placement == 0 else f"{placement} node{'s' * (placement != 1)}"


def placed_on(placement: int) -> str:
    """`on 3 nodes`, or `not placed`."""
    return f"on {placement_text(placement)}" if placement else placement_text(placement)


def curve_stream(point: str, placement: int) -> str:
    """A curve's bootstrap stream (stats.point_rng): the point's name, plus the placement when placed, so an
    unplaced point keeps the intervals it always had."""
    return point if placement == 0 else f"{point} / placement={placement}"


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
    placement: int = 0                         # the curve's placement: [study] nodes, 0 when not placed

    @property
    def weak(self) -> bool:
        return self.scaling == "weak"

    @property
    def holds_baseline(self) -> bool:
        """True when the baseline runs are this curve's own (always so for a point with one curve)."""
        return self.baseline is not None and self.baseline.placement == self.placement

    @property
    def shared_baseline(self) -> bool:
        """True when the curve or its baseline was placed: the baseline is then named with its node count."""
        return self.placement != 0 or (self.baseline is not None and self.baseline.placement != 0)

    @property
    def ps(self) -> np.ndarray:
        return self.table.index.to_numpy()

    def baseline_sentence(self) -> str:
        p0 = self.baseline_p
        if self.shared_baseline:
            return self._shared_baseline_sentence()
        if self.weak:
            formula = f"S(p) = {p0}·(W(p)/T(p)) / (W({p0})/T({p0}))" if p0 != 1 else "S(p) = (W(p)/T(p)) / (W(1)/T(1))"
        else:
            formula = f"S(p) = {p0}·T({p0})/T(p)" if p0 != 1 else "S(p) = T(1)/T(p)"
        if p0 == 1:
            return f"Baseline: p = 1 was measured; {formula}."
        return (f"Baseline: p = 1 was not measured, so the smallest rank count p0 = {p0} is the baseline: "
                f"{formula} (assumes perfect scaling up to p0).")

    def baseline_where(self) -> str:
        """`p0, on 1 node`: the baseline of a curve with a shared baseline, for formulas."""
        return f"{self.baseline_p}, {placed_on(self.baseline.placement)}"

    def _shared_baseline_sentence(self) -> str:
        p0, base = self.baseline_p, self.baseline_where()
        formula = f"S(p) = {p0}·(W(p)/T(p)) / (W/T)({base})" if self.weak else f"S(p) = {p0}·T({base})/T(p)"
        unmeasured = "" if p0 == 1 else " (p = 1 was not measured: S assumes perfect scaling up to p0)"
        return (f"Baseline: the smallest rank count on the fewest nodes, p0 = {p0} {placed_on(self.baseline.placement)}"
                f", the same for every placement of the point, so that their S compare directly: "
                f"{formula}{unmeasured}.")

    def baseline_label(self) -> str:
        """`p0 = 6`, or `p0 = 6 on 1 node` when the baseline is shared by placements."""
        where = f" {placed_on(self.baseline.placement)}" if self.shared_baseline else ""
        return f"p0 = {self.baseline_p}{where}"

    def baseline_short(self) -> str:
        if self.shared_baseline:
            return f"baseline p0 = {self.baseline_p} {placed_on(self.baseline.placement)} (every placement's)"
        return "baseline p = 1" if self.baseline_p == 1 else \
            f"baseline p0 = {self.baseline_p} (no p = 1; S assumes perfect scaling up to p0)"

    def fitted_speedup(self, p) -> np.ndarray:
        """The fit expressed like the measured S, relative to the same baseline: p0·T_ref/T_fit(p) (weak:
        p0·X_fit(p)/X_ref, X = W/T). The curve that holds the baseline takes its reference from its own fit at p0
        (its fitted S passes through p0 there); another placement's fit is read against the measured baseline."""
        p0, fit, base = self.baseline_p, self.fit, self.baseline
        if fit.model == "amdahl":
            t_ref = amdahl_time(p0, fit.scale, fit.fraction) if self.holds_baseline else base.T
            return p0 * t_ref / amdahl_time(p, fit.scale, fit.fraction)
        if self.holds_baseline:
            return p0 * gustafson_speedup(p, fit.fraction) / gustafson_speedup(p0, fit.fraction)
        return p0 * fit.scale * gustafson_speedup(p, fit.fraction) / (base.W / base.T)

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


def _per_p_table(runs: pd.DataFrame, weak: bool, baseline: factors.Baseline) -> pd.DataFrame:
    by_p = runs.groupby("ranks")
    table = pd.DataFrame({
        "n": by_p.size(),
        "T": by_p["wall_s"].median(),
        "T_min": by_p["wall_s"].min(),
        "T_max": by_p["wall_s"].max(),
        "work": by_p["work_units"].median(),
        "imbalance": by_p["imbalance"].median(),
        "nodes": by_p["nodes"].median(),  # where the ranks ran; NaN in version-1 files
    })
    # Nonparametric 95 % interval of the median wall time; blank below 6 repetitions.
    table[["T_lo", "T_hi"]] = [median_interval(w) for _, w in by_p["wall_s"]]
    serial_share = runs[list(SERIAL_PHASES)].sum(axis=1) / runs["wall_s"]
    table["serial_measured"] = serial_share.groupby(runs["ranks"]).median()
    table.index.name = "p"
    p = table.index.to_numpy(dtype=float)
    p0 = baseline.p0
    if weak:
        # Gustafson's scaled speedup from throughputs.
        rate = table["work"] / table["T"]
        table["S"] = rate / (baseline.W / baseline.T / p0)
    else:
        table["S"] = p0 * baseline.T / table["T"]
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
    return table


def _repetition_note(n: int, is_baseline: bool, p0: int, n0: int) -> str:
    """Why the intervals of a row are missing or rough (Hoefler & Belli: n >= 6 for a 95 % interval of a median)."""
    notes = []
    if n < MIN_REPETITIONS:
        notes.append(f"n = {n} < {MIN_REPETITIONS}: no 95 % interval for the median wall time (T_lo, T_hi blank), "
                     "bootstrap intervals are rough")
    if not is_baseline and n0 < MIN_REPETITIONS:
        notes.append(f"the baseline p0 = {p0} has n = {n0} < {MIN_REPETITIONS}")
    return "; ".join(notes)


def _add_factors(table: pd.DataFrame, frame: pd.DataFrame, baseline: factors.Baseline, weak: bool, stream: str,
                 holds_baseline: bool) -> pd.DataFrame:
    """Per p: factor medians, bootstrap intervals (replacing none: S and E get theirs here too), diagnosis."""
    work = table["work"] if weak else pd.Series(1.0, index=table.index)
    table = table.join(point_intervals(frame, baseline, work, stream)).join(factors.per_p_medians(frame))
    table["par_eff_base"] = baseline.par_eff
    p0, n0 = baseline.p0, baseline.n
    # E counts losses against the baseline, so the dominant one is judged against the baseline's own factors.
    base = dict(lb_base=baseline.runs["lb"].median(), comm_eff_base=baseline.runs["comm_eff"].median())
    table["dominant"] = [factors.dominant_loss(r.E, r.lb, r.comm_eff, r.comp_scaling, **base)
                         for r in table.itertuples()]
    own_p0 = p0 if holds_baseline else None  # another placement's p0 runs are not "the baseline"
    table["diagnosis"] = [factors.diagnosis(r.E, int(p), own_p0, r.lb, r.comm_eff, r.comp_scaling, weak, **base)
                          for p, r in zip(table.index, table.itertuples())]
    table["note"] = [_repetition_note(int(r.n), holds_baseline and p == p0, p0, n0)
                     for p, r in zip(table.index, table.itertuples())]
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


def baseline_runs(counted: pd.DataFrame) -> pd.DataFrame:
    """The counted runs every curve of a point is relative to: the smallest p, and of the placements measured
    there the one on the fewest nodes (a placed curve's nodes are its placement; an unplaced one's the median of
    its runs' `nodes`, unknown in version 1 and then taken as 0); ties go to the lower placement."""
    at_p0 = counted[counted["ranks"] == counted["ranks"].min()]
    nodes = at_p0.groupby("placement")["nodes"].median()
    nodes = nodes.where(nodes.index == 0, nodes.index.to_series()).fillna(0)  # placed: the placement itself
    placement = min(nodes.index, key=lambda k: (nodes[k], k))
    return at_p0[at_p0["placement"] == placement]


def analyse_point(curve_runs: pd.DataFrame, base_runs: pd.DataFrame | None = None) -> PointAnalysis:
    """Everything the plots and the summary need for one curve (the runs of one point and placement).
    `base_runs`: the point's baseline runs (baseline_runs); None takes them from this curve's own counted runs."""
    first = curve_runs.iloc[0]
    runs = counted_runs(curve_runs)
    scaling = str(first["scaling"])
    placement = int(first["placement"])
    common = dict(point=str(first["point"]), workload=str(first["workload"]), label=str(first["label"]),
                  strategy=str(first["strategy"]), threads=int(first["threads"]), scaling=scaling,
                  runs=runs, all_runs=curve_runs, hosts=hosts_text(curve_runs), created=created_text(curve_runs),
                  placement=placement)
    if runs.empty:
        return PointAnalysis(table=pd.DataFrame(), baseline_p=0, fit=None,
                             no_fit_reason="no counted runs (every run was a warm-up or not ok)", **common)
    weak = scaling == "weak"
    baseline = factors.baseline_of(baseline_runs(runs) if base_runs is None else base_runs, weak)
    p0 = baseline.p0
    table = _per_p_table(runs, weak, baseline)
    frame = factors.run_factors(runs, baseline, weak)
    table = _add_factors(table, frame, baseline, weak, curve_stream(common["point"], placement),
                         baseline.placement == placement)
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
    """One analysis per curve: the points in the order they first appear, each point's placements ascending, all
    of a point's curves relative to its one baseline."""
    analyses = []
    for _, point_runs in runs.groupby("point", sort=False):
        counted = counted_runs(point_runs)
        base = baseline_runs(counted) if not counted.empty else None
        analyses += [analyse_point(curve, base) for _, curve in point_runs.groupby("placement", sort=True)]
    return analyses
