"""Uncertainty of the derived figures (Hoefler & Belli, SC15): nonparametric, reproducible.

  median_interval   95 % interval of a median from order statistics (no assumption about the distribution);
                    it needs n >= 6 repetitions: with fewer, even [min, max] covers the median less than 95 %
                    of the time.
  point_rng         a generator seeded from a fixed number and the point's name, so a report is reproducible
                    and a point's intervals do not depend on which other points are in the files
  resample_indices  bootstrap resamples (rows of indices), drawn all at once: the statistics are computed on
                    the whole (resamples x n) matrix with numpy, never in a Python loop
  percentile_interval  the 2.5 % and 97.5 % percentiles of bootstrap replicates
"""
from __future__ import annotations

import zlib

import numpy as np
from scipy import stats

LEVEL = 0.95
MIN_REPETITIONS = 6          # the smallest n with a 95 % order-statistics interval of the median
BOOTSTRAP_RESAMPLES = 4000   # percentile endpoints move by well under 1 % of the interval width between seeds
BOOTSTRAP_SEED = 20151115    # fixed: two reports of the same file give the same intervals


def median_interval_ranks(n: int, level: float = LEVEL) -> tuple[int, int] | None:
    """1-based ranks (j, n + 1 - j) such that [x_(j), x_(n+1-j)] covers the median with probability >= level.

    The count of observations below the median is Binomial(n, 1/2), so the interval misses it with probability
    2 * P(B <= j - 1); j is the largest rank that keeps this at most 1 - level. None when no j does (n < 6 at 95 %).
    """
    # cdf is increasing, so the valid j - 1 are 0 .. (number of valid ones) - 1.
    j = int(np.count_nonzero(2 * stats.binom.cdf(np.arange(n), n, 0.5) <= 1 - level))
    return (j, n + 1 - j) if j >= 1 else None


def median_interval(values, level: float = LEVEL) -> tuple[float, float]:
    """95 % interval of the median of `values` by order statistics; (nan, nan) when n is too small for one."""
    x = np.sort(np.asarray(values, dtype=float))
    ranks = median_interval_ranks(len(x), level)
    if ranks is None:
        return np.nan, np.nan
    return float(x[ranks[0] - 1]), float(x[ranks[1] - 1])


def point_rng(point: str) -> np.random.Generator:
    """The bootstrap generator of one point: a fixed seed and a stable hash of the point's name."""
    return np.random.default_rng([BOOTSTRAP_SEED, zlib.crc32(point.encode("utf-8"))])


def resample_indices(rng: np.random.Generator, n: int, resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """(resamples, n) indices into n repetitions, drawn with replacement."""
    return rng.integers(0, n, size=(resamples, n))


def percentile_interval(replicates, level: float = LEVEL) -> tuple[float, float]:
    """Percentile interval of bootstrap replicates; (nan, nan) when any replicate is not finite."""
    r = np.asarray(replicates, dtype=float)
    if r.size == 0 or not np.isfinite(r).all():
        return np.nan, np.nan
    lo, hi = np.percentile(r, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return float(lo), float(hi)
