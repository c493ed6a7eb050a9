"""Fits of the serial fraction: Amdahl for strong scaling, Gustafson for weak scaling.

Both models have a scale and a fraction in [0, 1]:
  Amdahl     T(p) = T1 * (f + (1 - f) / p)            fitted to the wall time of every counted repetition
  Gustafson  X(p) = X1 * (p - a (p - 1))              fitted to the throughput work_units / wall_s
Fitting the measured quantity with its scale free (instead of a speedup divided by a measured baseline) keeps
the fit independent of which rank count is the baseline. Timing noise is multiplicative, so residuals are taken
in log space: every repetition weighs the same whatever its size.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats


class FitUnavailable(Exception):
    """No fit can be made; the message says why (shown in summary.md and on stdout)."""


@dataclass
class Fit:
    model: str          # "amdahl" or "gustafson"
    fraction: float     # f (Amdahl) or a (Gustafson)
    lo: float           # 95 % interval; NaN when there are no degrees of freedom left
    hi: float
    scale: float        # T1 in s (Amdahl) or X1 in work units per s (Gustafson)
    points: int         # repetitions used
    note: str = ""      # why there is no interval, when there is none

    @property
    def symbol(self) -> str:
        return "f" if self.model == "amdahl" else "α"

    def describe(self) -> str:
        text = f"{self.symbol} = {self.fraction:.4f}"
        if np.isfinite(self.lo):
            text += f", 95 % interval [{self.lo:.4f}, {self.hi:.4f}]"
        elif self.note:
            text += f" ({self.note})"
        return text


def amdahl_time(p, t1, f):
    p = np.asarray(p, dtype=float)
    return t1 * (f + (1 - f) / p)


def gustafson_speedup(p, a):
    p = np.asarray(p, dtype=float)
    return p - a * (p - 1)


def _fit_fraction(model: str, curve, p, y) -> Fit:
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y) & (y > 0)
    p, y = p[keep], y[keep]
    distinct = np.unique(p)
    if len(distinct) < 2:
        where = f"p = {distinct[0]:g}" if len(distinct) else "no rank count"
        raise FitUnavailable(f"only one rank count ({where}) was measured; a fit needs at least two")

    def log_curve(p, scale, fraction):
        return np.log(curve(p, scale, fraction))

    # Start from perfect scaling through the smallest p, and a small fraction.
    at_min = distinct[0]
    scale0 = float(np.median(y[p == at_min]) * (at_min if model == "amdahl" else 1 / at_min))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optimize.OptimizeWarning)  # singular covariance: handled below
        try:
            (scale, fraction), cov = optimize.curve_fit(
                log_curve, p, np.log(y), p0=(scale0, 0.05), bounds=((0.0, 0.0), (np.inf, 1.0)))
        except (RuntimeError, ValueError) as exc:
            raise FitUnavailable(f"the fit did not converge ({exc})") from None

    dof = len(y) - 2
    sd = float(np.sqrt(cov[1, 1])) if np.isfinite(cov[1, 1]) else np.nan
    if dof < 1 or not np.isfinite(sd):
        return Fit(model, float(fraction), np.nan, np.nan, float(scale), len(y),
                   note=f"no interval: {len(y)} runs leave no degrees of freedom")
    half = stats.t.ppf(0.975, dof) * sd
    return Fit(model, float(fraction), max(0.0, fraction - half), min(1.0, fraction + half), float(scale), len(y))


def fit_amdahl(p, wall_s) -> Fit:
    """Serial fraction f from wall times of the counted repetitions at each rank count p."""
    return _fit_fraction("amdahl", amdahl_time, p, wall_s)


def fit_gustafson(p, throughput) -> Fit:
    """Serial fraction a from throughputs (work_units / wall_s) of the counted repetitions."""
    return _fit_fraction("gustafson", lambda p, x1, a: x1 * gustafson_speedup(p, a), p, throughput)
