"""The chunk-size view: chunks/*.png and chunks.csv for a chunk sweep, checked against the raw run table."""
import os

import h5py
import numpy as np
import pandas as pd
import pytest

from analysis_testlib import SWEEP_LABEL, SWEEP_RANKS, png_size
from make_synthetic import CHUNK_SWEEP, SyntheticPoint, write_synthetic
from parbench_analysis.chunks import chunk_groups
from parbench_analysis.loader import load_results

SWEEP_ORDER = ["dynamic chunk=1", "dynamic chunk=10", "dynamic chunk=100", "dynamic", "static"]  # fixed, auto, static


def raw_counted_runs(path):
    """Counted runs read straight from /runs with h5py (not through the package)."""
    with h5py.File(path, "r") as f:
        runs = pd.DataFrame({k: (d.asstr()[()] if d.dtype.kind == "O" else d[()]) for k, d in f["runs"].items()})
    return runs[(runs["warmup"] == 0) & (runs["status"] == "ok")]


@pytest.fixture(scope="module")
def chunks_csv(chunk_sweep_report):
    _, out, _ = chunk_sweep_report
    return pd.read_csv(out / "chunks.csv")


def test_one_chunk_plot_per_p(chunk_sweep_report):
    _, out, result = chunk_sweep_report
    names = {f"pi_sweep__threads_1__p_{p}.png" for p in SWEEP_RANKS}
    assert set(os.listdir(out / "chunks")) == names
    for name in names:
        width, height = png_size(out / "chunks" / name)
        assert width >= 600 and height >= 400
        assert 10_000 < (out / "chunks" / name).stat().st_size < 2_000_000
    plots = f"{len(names)} plot" + "s" * (len(names) != 1)
    assert result.stdout.strip().splitlines()[-1] == \
        f"chunk sizes: {out / 'chunks' / '*.png'} ({plots}) and {out / 'chunks.csv'}"


def test_csv_matches_the_raw_runs(chunk_sweep_report, chunks_csv):
    path, _, _ = chunk_sweep_report
    runs = raw_counted_runs(path)
    assert sorted(chunks_csv["p"].unique()) == list(SWEEP_RANKS)
    for p, rows in chunks_csv.groupby("p"):
        assert list(rows["strategy_label"]) == SWEEP_ORDER
        assert (rows["label"] == SWEEP_LABEL).all() and (rows["threads"] == 1).all()
        walls = {name: g["wall_s"].to_numpy() for name, g in runs[runs["ranks"] == p].groupby("strategy_label")}
        best = min(np.median(w) for name, w in walls.items() if name != "static")
        for row in rows.itertuples():
            w = walls[row.strategy_label]
            assert row.n == len(w) == 4
            assert (row.T, row.T_min, row.T_max) == pytest.approx((np.median(w), w.min(), w.max()))
            assert row.T_rel == pytest.approx(np.median(w) / best)


def test_relative_time_is_one_for_the_best_setting_only(chunks_csv):
    factors = {name: factor for _, name, _, _, factor in CHUNK_SWEEP}
    for _, rows in chunks_csv.groupby("p"):
        chunked = rows[rows["strategy"] != "static"].set_index("strategy_label")["T_rel"]
        assert chunked.min() == 1.0 and (chunked == 1.0).sum() == 1
        assert chunked.idxmin() in ("dynamic chunk=10", "dynamic")  # the two fastest settings of the model
        assert chunked["dynamic chunk=1"] == chunked.max() > 1.25  # 1.35x the best in the model, 3 % noise
        assert chunked["dynamic chunk=1"] / chunked["dynamic chunk=10"] == \
            pytest.approx(factors["dynamic chunk=1"] / factors["dynamic chunk=10"], rel=0.1)


def test_auto_rows_carry_the_chosen_chunk(chunk_sweep_report, chunks_csv):
    path, _, _ = chunk_sweep_report
    runs = raw_counted_runs(path)
    auto = chunks_csv[chunks_csv["chunk_auto"] == 1]
    assert list(auto["strategy_label"]) == ["dynamic"] * len(SWEEP_RANKS)
    for row in auto.itertuples():
        chosen = np.sort(runs.loc[(runs["ranks"] == row.p) & (runs["strategy_label"] == "dynamic"), "chunk"])
        assert set(chosen) == {12, 16}
        assert row.chunk == chosen[(len(chosen) - 1) // 2]  # a chunk that was used: the lower middle of four
    fixed = chunks_csv[(chunks_csv["chunk_auto"] == 0) & (chunks_csv["strategy"] != "static")]
    assert list(fixed["chunk"][:3]) == [1, 10, 100]
    assert (chunks_csv.loc[chunks_csv["strategy"] == "static", "chunk"] == 0).all()


def test_no_chunk_output_without_a_sweep(report):
    out, result = report
    assert not (out / "chunks").exists()
    assert not (out / "chunks.csv").exists()
    assert "chunk" not in result.stdout


def test_a_group_needs_two_chunk_settings_at_the_same_p(tmp_path):
    """cyclic chunk=10 at p = 2 and 4, dynamic chunk=100 at p = 2 only, static at both: a group at p = 2 only,
    where the kinds are compared with each other."""
    points = [SyntheticPoint(0.05, label="mixed", strategy="cyclic", strategy_label="cyclic chunk=10", chunk=10,
                             ranks=(2, 4), repetitions=2),
              SyntheticPoint(0.05, label="mixed", strategy="dynamic", strategy_label="dynamic chunk=100", chunk=100,
                             ranks=(2,), repetitions=2),
              SyntheticPoint(0.05, label="mixed", ranks=(2, 4), repetitions=2)]
    groups = chunk_groups(load_results([write_synthetic(tmp_path / "mixed.h5", points)]))
    assert [(g.label, g.p) for g in groups] == [("mixed", 2)]
    assert list(groups[0].settings["strategy_label"]) == ["dynamic chunk=100", "cyclic chunk=10", "static"]
    assert list(groups[0].settings["chunk"]) == [100, 10, 0]
