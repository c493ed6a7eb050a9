"""Uncertainty: order-statistics interval of the median, percentile-bootstrap intervals of S, E and the factors,
the note on too few repetitions. Synthetic data of known spread (relative noise sigma on wall_s)."""
import math

import numpy as np
import pandas as pd
import pytest

from analysis_testlib import raw_runs, run_report
from make_synthetic import SyntheticPoint, write_synthetic
from parbench_analysis.loader import load_results
from parbench_analysis.scaling import analyse
from parbench_analysis.stats import median_interval, median_interval_ranks

INTERVALS = ["S", "E", "lb", "comm_eff", "comp_scaling"]
SIGMA = 0.05
RANKS = (1, 2, 4, 8)


def binomial_ranks(n):
    """The largest j with 2·P(Binomial(n, 1/2) <= j - 1) <= 5 %, by exact sums (independent of scipy)."""
    j = 0
    while j < n and 2 * sum(math.comb(n, k) for k in range(j + 1)) / 2 ** n <= 0.05:
        j += 1
    return (j, n + 1 - j) if j else None


def test_median_interval_ranks_are_the_binomial_ones():
    assert [median_interval_ranks(n) for n in range(1, 6)] == [None] * 5  # Hoefler & Belli: n >= 6
    assert median_interval_ranks(6) == (1, 6) and median_interval_ranks(10) == (2, 9)
    for n in range(1, 80):
        assert median_interval_ranks(n) == binomial_ranks(n), n
    assert median_interval([3.0, 1.0, 2.0]) == (pytest.approx(np.nan, nan_ok=True),) * 2


def test_median_interval_covers_the_true_median_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    samples = rng.exponential(size=(4000, 10))  # skewed on purpose: the interval assumes no distribution
    covered = np.mean([lo <= np.log(2) <= hi for lo, hi in map(median_interval, samples)])
    assert 0.965 < covered < 0.99  # exact coverage of [x(2), x(9)] at n = 10: 1 - 2·11/1024 = 0.979


def test_intervals_contain_the_point_estimate(report):
    out, _ = report
    summary = pd.read_csv(out / "summary.csv")
    for name in INTERVALS:
        assert summary[f"{name}_lo"].notna().all() and summary[f"{name}_hi"].notna().all(), name
        assert (summary[f"{name}_lo"] <= summary[name] + 1e-12).all(), name
        assert (summary[name] <= summary[f"{name}_hi"] + 1e-12).all(), name
    with_t = summary[summary["T_lo"].notna()]
    assert (with_t["T_lo"] <= with_t["T"]).all() and (with_t["T"] <= with_t["T_hi"]).all()
    at_baseline = summary[summary["p"] == summary["baseline_p"]]
    assert (at_baseline["S_lo"] == at_baseline["S_hi"]).all()  # S(p0) = p0 by definition: no spread


def spread_file(tmp_path, repetitions, seed=1):
    point = SyntheticPoint(serial_fraction=0.05, label=f"spread {repetitions}", ranks=RANKS,
                           repetitions=repetitions, noise=SIGMA)
    return write_synthetic(tmp_path / f"spread{repetitions}.h5", [point], seed=seed)


def relative_width(a, name):
    t = a.table.loc[list(RANKS[1:])]
    return ((t[f"{name}_hi"] - t[f"{name}_lo"]) / t[name]).to_numpy()


def test_intervals_narrow_as_repetitions_grow_as_the_known_spread_predicts(tmp_path):
    (few,), (many,) = (analyse(load_results([spread_file(tmp_path, n)])) for n in (6, 60))
    for name in ("S", "E"):
        assert (relative_width(few, name) > 2 * relative_width(many, name)).all(), name  # ~sqrt(10) = 3.2
    # S = p0·T(p0)/T(p) from two independent medians of n values of relative spread sigma: the standard error
    # of each median is sqrt(pi/2)·sigma/sqrt(n), of the ratio sqrt(2) times that; the 95 % interval is
    # about 2·1.96 standard errors wide.
    expected = 2 * 1.96 * math.sqrt(2) * math.sqrt(math.pi / 2) * SIGMA / math.sqrt(60)
    assert np.all((0.6 * expected < relative_width(many, "S")) & (relative_width(many, "S") < 1.6 * expected))
    # The order-statistics interval of the median wall time at n = 60: ranks 23 and 38.
    walls = raw_runs(spread_file(tmp_path, 60))
    counted = walls[(walls["warmup"] == 0) & (walls["ranks"] == 4)]["wall_s"].sort_values().to_numpy()
    j, k = binomial_ranks(60)
    assert (many.table.loc[4, "T_lo"], many.table.loc[4, "T_hi"]) == (counted[j - 1], counted[k - 1])


def test_reports_of_the_same_file_are_identical(tmp_path):
    path = spread_file(tmp_path, 6)
    outputs = []
    for name in ("first", "second"):
        result = run_report(path, "-o", tmp_path / name)
        assert result.returncode == 0, result.stderr
        outputs.append({f: (tmp_path / name / f).read_bytes() for f in ("summary.csv", "factors.csv", "summary.md")})
    assert outputs[0] == outputs[1]
    summary = pd.read_csv(tmp_path / "first" / "summary.csv")
    assert (summary.loc[summary["p"] > 1, "S_hi"] > summary.loc[summary["p"] > 1, "S_lo"]).all()  # not degenerate


def test_a_points_intervals_do_not_depend_on_the_other_points(tmp_path):
    alone = analyse(load_results([spread_file(tmp_path, 6)]))[0]
    other = write_synthetic(tmp_path / "other.h5", [SyntheticPoint(0.2, label="other", ranks=RANKS)], seed=9)
    together = [a for a in analyse(load_results([other, spread_file(tmp_path, 6)])) if a.point == alone.point][0]
    pd.testing.assert_frame_equal(alone.table, together.table)


def test_note_flags_fewer_than_six_repetitions(report):
    out, _ = report
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""])
    few = summary[summary["n"] < 6]
    assert set(few["point"]) == {"no p1 / cyclic / 2"}  # 5 repetitions; the others have 7 or 8
    assert few["note"].str.startswith("n = 5 < 6: no 95 % interval for the median wall time").all()
    assert few[["T_lo", "T_hi"]].isna().all(axis=None)
    enough = summary[summary["n"] >= 6]
    assert enough["note"].isna().all() and enough[["T_lo", "T_hi"]].notna().all(axis=None)  # blank note
    md = (out / "summary.md").read_text()
    assert "- p = 24: n = 5 < 6: no 95 % interval for the median wall time" in md
