"""Why efficiency is lost: the POP Centre of Excellence's multiplicative efficiency model, per run and per p.

Per counted run, from the per-rank compute time u_r (`ranks/compute_s`, the useful work) and the run's wall_s:
  lb            = mean(u) / max(u)     load balance: 1 when every rank computed as long as the busiest one
  comm_eff      = max(u) / wall_s      communication efficiency: the busiest rank's share of the wall time; the
                                       rest went to handing out work, collecting and reducing results, waiting
  par_eff       = lb * comm_eff        parallel efficiency, = mean(u) / wall_s
  comp_scaling  = U_base / U           computation scaling: U = sum_r u_r (divided by the run's work_units for
                                       weak scaling), U_base its median over the baseline's repetitions (p = p0);
                                       below 1 when the same work costs more core-seconds at p ranks
They multiply exactly to the efficiency of the speedup figures (E = S/p with the run's own wall time):
  strong  E = p0*T_base / (p*wall_s)                     = lb * comm_eff * comp_scaling / par_eff_base,
          par_eff_base = U_base / (p0*T_base)
  weak    E = p0*(W/wall_s) / (p*W_base/T_base)          = the same product,
          par_eff_base = U_base*W_base / (p0*T_base)
with T_base the median baseline wall time and W_base its median work_units. lb and comm_eff are absolute (a
single rank that spends half its wall time outside compute has comm_eff 0.5); comp_scaling and E are relative to
the baseline, and par_eff_base (the baseline's own mean(u)/wall_s) is what makes the product exact.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .fitting import Fit, FitUnavailable, fit_amdahl, fit_gustafson

# factors.csv, one row per counted run (`file` last: run_id is unique within one file only).
COLUMNS = ["point", "placement", "p", "repetition", "run_id", "wall_s", "E", "lb", "comm_eff", "par_eff",
           "comp_scaling", "par_eff_base", "file"]
FACTORS = {"lb": "load balance", "comm_eff": "communication", "comp_scaling": "computation scaling"}
EFFICIENT = 0.95  # E at or above this: no dominant loss ("none")


@dataclass
class Baseline:
    """The p0 runs every E and comp_scaling is relative to. Every placement of a point shares one baseline (see
    scaling.baseline_runs), so `placement` says which placement's runs these are."""
    p0: int
    T: float    # median wall_s at p0
    W: float    # median work_units at p0 (weak scaling); 1 for strong scaling
    U: float    # median over p0's runs of sum_r u_r (per work unit for weak scaling), in core-seconds
    placement: int = 0
    runs: pd.DataFrame | None = None   # the baseline runs' factor rows (run_factors), for the bootstrap

    @property
    def par_eff(self) -> float:
        return self.U * self.W / (self.p0 * self.T)

    @property
    def n(self) -> int:
        return len(self.runs)


def _work(runs: pd.DataFrame, weak: bool) -> np.ndarray:
    """The normaliser of U: a run's work_units under weak scaling (work grows with p), else 1."""
    return runs["work_units"].to_numpy(dtype=float) if weak else np.ones(len(runs))


def _rank_compute(runs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(sum_r u_r, max_r u_r) per run, NaN where the run cannot be decomposed: without per-rank times, with one time
    per rank missing, or without any compute."""
    p = runs["ranks"].to_numpy(dtype=float)
    u_sum, u_max = runs["u_sum_s"].to_numpy(dtype=float), runs["u_max_s"].to_numpy(dtype=float)
    usable = (runs["u_ranks"].to_numpy() == p) & (u_max > 0)
    return np.where(usable, u_sum, np.nan), np.where(usable, u_max, np.nan)


def baseline_of(base_runs: pd.DataFrame, weak: bool) -> Baseline:
    """The baseline made of `base_runs`, the counted runs of one rank count p0 (and one placement)."""
    p0 = int(base_runs["ranks"].iloc[0])
    wall, work = base_runs["wall_s"].to_numpy(dtype=float), _work(base_runs, weak)
    U = _rank_compute(base_runs)[0] / work
    baseline = Baseline(p0=p0, T=float(np.median(wall)), W=float(np.median(work)), U=float(np.median(U)),
                        placement=int(base_runs["placement"].iloc[0]))
    baseline.runs = run_factors(base_runs, baseline, weak)
    return baseline


def run_factors(runs: pd.DataFrame, baseline: Baseline, weak: bool) -> pd.DataFrame:
    """One row per counted run (COLUMNS, plus `work`, `U` and `u_max_s` for the per-p statistics and the
    serial-only fit), relative to `baseline`."""
    p = runs["ranks"].to_numpy(dtype=float)
    wall = runs["wall_s"].to_numpy(dtype=float)
    work = _work(runs, weak)
    u_sum, u_max = _rank_compute(runs)
    U = u_sum / work
    lb = u_sum / (p * u_max)
    comm_eff = u_max / wall
    return pd.DataFrame({
        "point": runs["point"].to_numpy(), "placement": runs["placement"].to_numpy(dtype=np.int64),
        "p": p.astype(int), "repetition": runs["repetition"].to_numpy(),
        "run_id": runs["run_id"].to_numpy() if "run_id" in runs else np.arange(1, len(runs) + 1),
        "wall_s": wall,
        "E": baseline.p0 * (work / wall) / (p * baseline.W / baseline.T),
        "lb": lb, "comm_eff": comm_eff, "par_eff": lb * comm_eff,
        "comp_scaling": baseline.U / U, "par_eff_base": baseline.par_eff,
        "file": runs["file"].to_numpy() if "file" in runs else "",
        "work": work, "U": U, "u_max_s": u_max,
    }, index=runs.index)


def per_p_medians(frame: pd.DataFrame) -> pd.DataFrame:
    """Median over the repetitions at each p of every factor (index p)."""
    return frame.groupby("p")[list(FACTORS)].median()


def relative_losses(lb: float, comm_eff: float, comp_scaling: float, lb_base: float, comm_eff_base: float) -> dict:
    """Each factor relative to its value at the baseline: what it cost E, which is relative to the baseline too.
    (A baseline that spends 12 % of its wall time outside compute has comm_eff 0.88 at every p without any loss.)
    comp_scaling is relative by construction."""
    return {"lb": lb / lb_base, "comm_eff": comm_eff / comm_eff_base, "comp_scaling": comp_scaling}


def dominant_loss(E: float, lb: float, comm_eff: float, comp_scaling: float, lb_base: float = 1.0,
                  comm_eff_base: float = 1.0) -> str:
    """The factor with the largest loss relative to the baseline (the smallest relative value), `none` when
    E >= 0.95, '' when unknown."""
    relative = relative_losses(lb, comm_eff, comp_scaling, lb_base, comm_eff_base)
    if not np.isfinite(E) or not all(np.isfinite(v) for v in relative.values()):
        return ""
    if E >= EFFICIENT:
        return "none"
    return FACTORS[min(relative, key=relative.get)]  # ties: the first in FACTORS order


def _ranks_text(p: int) -> str:
    return f"{p} rank{'s' * (p != 1)}"


def _times(x: float) -> str:
    """A ratio for a sentence: 1.6, 2, but 1.05 rather than a bare 1."""
    return f"{x:.2g}" if x >= 1.1 else f"{x:.2f}"


def _why(name: str, value: float, weak: bool) -> str:
    """The plain-words reading of a factor that is the dominant loss."""
    if name == "lb":
        return f"the busiest rank computed {_times(1 / value)}× as long as the mean rank: uneven tasks or uneven cores"
    if name == "comm_eff":
        return (f"the busiest rank computed for {100 * value:.0f} % of the wall time; the rest went to handing out "
                "work, collecting and reducing results, and waiting")
    work = "each unit of work" if weak else "the same work"
    return f"{work} took {_times(1 / value)}× the core-seconds: cores slowed when all were busy"


def diagnosis(E: float, p: int, p0: int | None, lb: float, comm_eff: float, comp_scaling: float, weak: bool,
              lb_base: float = 1.0, comm_eff_base: float = 1.0) -> str:
    """One plain sentence: E at p, the dominant loss with what it means, then the other factors by loss. Factors
    are shown as measured; one that was already below 0.95 at the baseline says so, since E only counts the change.
    p0 is None for a curve whose baseline is another placement's runs (none of its rows is the baseline)."""
    dominant = dominant_loss(E, lb, comm_eff, comp_scaling, lb_base, comm_eff_base)
    at = _ranks_text(p) + (" (the baseline)" if p == p0 else "")
    if not dominant:
        return f"E = {E:.2f} at {at}: no factors (the runs lack per-rank compute times)."
    values = {"lb": lb, "comm_eff": comm_eff, "comp_scaling": comp_scaling}
    at_base = {"lb": lb_base, "comm_eff": comm_eff_base, "comp_scaling": 1.0}
    relative = relative_losses(lb, comm_eff, comp_scaling, lb_base, comm_eff_base)
    order = sorted(relative, key=relative.get)  # largest loss first (a stable sort keeps FACTORS order on ties)

    def shown(n):
        text = f"{FACTORS[n]} {values[n]:.2f}"
        return text + (f" against {at_base[n]:.2f} at the baseline" if at_base[n] < EFFICIENT and p != p0 else "")

    parts = [shown(n) for n in order]
    if dominant == "none":
        return f"E = {E:.2f} at {at}: no significant loss (E ≥ {EFFICIENT}); " + ", ".join(parts) + "."
    parts[0] += f" ({_why(order[0], values[order[0]], weak)})"
    return f"E = {E:.2f} at {at}: " + "; ".join(parts) + "."


def serial_only_times(frame: pd.DataFrame, baseline: Baseline) -> np.ndarray:
    """Each run's wall time with its compute replaced by the baseline's work split perfectly over p ranks:
    (wall_s - max_r u_r) + U_base * W / p. Only the time outside the slowest rank's compute can make it scale
    worse than 1/p, so a serial fraction fitted to it measures serial work alone, not imbalance or slower cores."""
    outside = frame["wall_s"] - frame["u_max_s"]
    return (outside + baseline.U * frame["work"] / frame["p"]).to_numpy(dtype=float)


def fit_serial_only(frame: pd.DataFrame, baseline: Baseline, weak: bool) -> tuple[Fit | None, str]:
    """f_serial (Amdahl; Gustafson's α for weak scaling) fitted to serial_only_times; (fit, why not)."""
    t = serial_only_times(frame, baseline)
    try:
        if weak:
            return fit_gustafson(frame["p"], frame["work"] / t), ""
        return fit_amdahl(frame["p"], t), ""
    except FitUnavailable as exc:
        return None, str(exc)


def fit_reading(fit: Fit | None, serial_fit: Fit | None, dominant: str, p: int, lb: float, comp_scaling: float,
                weak: bool) -> str:
    """What the fitted fraction describes, in words, when the dominant loss at the largest p is load balance or
    computation scaling (not serial work); '' otherwise. The other one is named too when it loses at least half
    as much as the dominant one."""
    if fit is None or dominant not in ("load balance", "computation scaling"):
        return ""
    work = "each unit of work" if weak else "the same work"
    losses = {"load balance": (lb, f"load imbalance (load balance {lb:.2f} at p = {p})"),
              "computation scaling": (comp_scaling, f"slower computation ({work} took {_times(1 / comp_scaling)}× "
                                                    f"the core-seconds at p = {p})")}
    largest = 1 - losses[dominant][0]
    named = [losses[dominant][1]] + [text for name, (value, text) in losses.items()
                                     if name != dominant and 1 - value >= largest / 2]
    model = "Gustafson" if fit.model == "gustafson" else "Amdahl"
    text = f"The {model} fit's {fit.symbol} = {fit.fraction:.3g} describes {' and '.join(named)}, not serial work"
    if serial_fit is None:
        return text + "."
    return (f"{text}: fitted to the time outside the slowest rank's compute alone, "
            f"{serial_fit.symbol}_serial = {serial_fit.fraction:.3g}"
            + (f" [{serial_fit.lo:.3g}, {serial_fit.hi:.3g}]." if np.isfinite(serial_fit.lo) else "."))
