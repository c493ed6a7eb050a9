"""End to end: report.py on synthetic files; numbers checked against values computed here from the raw file."""
import os

import h5py
import numpy as np
import pandas as pd
import pytest

from analysis_testlib import NO_P1_FRACTION, STRONG_FRACTIONS, WEAK_ALPHA, png_size, strong_label

STRONG_PLOTS = {"speedup.png", "efficiency.png", "factors.png", "amdahl.png", "breakdown.png", "balance.png"}
WEAK_PLOTS = {"speedup.png", "efficiency.png", "factors.png", "gustafson.png", "breakdown.png", "balance.png",
              "timeline.png"}


def raw_counted_wall_times(path, point):
    """{p: wall_s of counted runs}, read straight from /runs with h5py (not through the package)."""
    with h5py.File(path, "r") as f:
        runs = pd.DataFrame({k: (d.asstr()[()] if d.dtype.kind == "O" else d[()]) for k, d in f["runs"].items()})
    keep = runs[(runs["point"] == point) & (runs["warmup"] == 0) & (runs["status"] == "ok")]
    return {int(p): g["wall_s"].to_numpy() for p, g in keep.groupby("ranks")}, keep


@pytest.fixture(scope="module")
def summary(report):
    out, _ = report
    return pd.read_csv(out / "summary.csv", keep_default_na=True)


def rows_of(summary, point):
    return summary[summary["point"] == point].set_index("p")


@pytest.mark.parametrize("f", STRONG_FRACTIONS)
def test_summary_recovers_f(summary, f):
    rows = rows_of(summary, f"{strong_label(f)} / static / 1")
    assert list(rows.index) == [1, 2, 4, 8, 16, 24]
    assert (rows["fit_model"] == "amdahl").all()
    assert rows["f"].nunique() == 1  # same value on every row of the point
    assert abs(rows["f"].iloc[0] - f) <= 0.01


def test_medians_exclude_warmups_and_failed_runs(summary, synthetic_files):
    point = f"{strong_label(0.05)} / static / 1"
    walls, _ = raw_counted_wall_times(synthetic_files["strong"], point)
    rows = rows_of(summary, point)
    for p, w in walls.items():
        assert rows.loc[p, "n"] == len(w) == 8
        assert rows.loc[p, "T"] == pytest.approx(np.median(w))
        assert rows.loc[p, "T_min"] == pytest.approx(w.min())
        assert rows.loc[p, "T_max"] == pytest.approx(w.max())


@pytest.mark.parametrize("f", STRONG_FRACTIONS)
def test_speedup_efficiency_and_karp_flatt_match_the_formulas(summary, synthetic_files, f):
    point = f"{strong_label(f)} / static / 1"
    walls, _ = raw_counted_wall_times(synthetic_files["strong"], point)
    rows = rows_of(summary, point)
    t1 = np.median(walls[1])
    for p, w in walls.items():
        s = t1 / np.median(w)
        assert rows.loc[p, "S"] == pytest.approx(s)
        assert rows.loc[p, "E"] == pytest.approx(s / p)
        if p == 1:
            assert np.isnan(rows.loc[p, "karp_flatt"])
        else:
            assert rows.loc[p, "karp_flatt"] == pytest.approx((1 / s - 1 / p) / (1 - 1 / p))
    assert (rows["baseline_p"] == 1).all()


def test_baseline_is_smallest_p_when_p1_is_missing(summary, synthetic_files, report):
    point = "no p1 / cyclic / 2"
    walls, _ = raw_counted_wall_times(synthetic_files["strong"], point)
    rows = rows_of(summary, point)
    assert (rows["baseline_p"] == 2).all()
    reference = 2 * np.median(walls[2])
    for p, w in walls.items():
        assert rows.loc[p, "S"] == pytest.approx(reference / np.median(w))
    assert rows.loc[2, "S"] == pytest.approx(2.0)
    assert np.isnan(rows.loc[2, "karp_flatt"])  # S(p0) = p0 by construction: no estimate there
    assert abs(rows["f"].iloc[0] - NO_P1_FRACTION) <= 0.01  # the T fit does not depend on the baseline
    out, result = report
    md = (out / "summary.md").read_text()
    assert "p = 1 was not measured, so the smallest rank count p0 = 2 is the baseline" in md
    assert "baseline p0 = 2" in result.stdout


def test_weak_scaling_uses_gustafson(summary, synthetic_files):
    point = "weak trig / static / 1"
    walls, runs = raw_counted_wall_times(synthetic_files["weak"], point)
    work = runs.groupby("ranks")["work_units"].median()
    rows = rows_of(summary, point)
    rate1 = work[1] / np.median(walls[1])
    for p, w in walls.items():
        s = (work[p] / np.median(w)) / rate1
        assert rows.loc[p, "S"] == pytest.approx(s)
        assert rows.loc[p, "E"] == pytest.approx(s / p)
    assert (rows["fit_model"] == "gustafson").all()
    alpha, lo, hi = rows[["f", "f_lo", "f_hi"]].iloc[0]
    assert abs(alpha - WEAK_ALPHA) <= 0.03
    assert lo < alpha < hi
    assert rows["karp_flatt"].isna().all()


def test_summary_has_every_column(summary):
    for column in ("point", "workload", "strategy", "threads", "p", "T", "T_min", "T_max", "S", "E", "f", "f_lo",
                   "f_hi", "karp_flatt", "imbalance", "serial_measured", "baseline_p"):
        assert column in summary.columns
    assert summary["imbalance"].between(1.0, 1.2).all()
    f05 = rows_of(summary, f"{strong_label(0.05)} / static / 1")
    # Synthetic phases follow Amdahl: serial share of the p-rank wall time = f / (f + (1 - f) / p).
    p = f05.index.to_numpy()
    assert np.allclose(f05["serial_measured"], 0.05 / (0.05 + 0.95 / p), rtol=1e-6)


def test_plots_are_valid_pngs(report):
    out, result = report
    expected = {f"trig_f_{f:g}__static__1": STRONG_PLOTS for f in STRONG_FRACTIONS}
    expected["no_p1__cyclic__2"] = STRONG_PLOTS | {"timeline.png"}
    expected["weak_trig__static__1"] = WEAK_PLOTS
    for folder, names in expected.items():
        pngs = {n for n in os.listdir(out / folder) if n.endswith(".png")}
        assert pngs == names, folder
        for name in names:
            path = out / folder / name
            width, height = png_size(path)
            assert width >= 600 and height >= 400
            assert 10_000 < path.stat().st_size < 2_000_000
    assert f"plots: {out}" in result.stdout
    assert f"summary: {out / 'summary.csv'} and {out / 'summary.md'}" in result.stdout
