"""Placement studies: the same rank counts on different node counts ([study] nodes, run-table column placement).
Synthetic version-2 files whose cost of crossing nodes is known (make_synthetic's node_cost), checked against the
raw run table: one curve and one summary row per point, placement and p, every placement against the same
baseline, the placement view, weak scaling, unplaced runs across nodes, chunk groups and Extra-P regions per
placement, and the SLURM test's own check."""
import os
import subprocess
import sys
from dataclasses import replace

import h5py
import numpy as np
import pandas as pd
import pytest

from analysis_testlib import REPO_ROOT, png_size, raw_runs, run_report
from make_synthetic import (OTHER_SHARE, SyntheticPoint, chunk_sweep, model_serial_share, model_wall_time,
                            write_synthetic)
from parbench_analysis.chunks import chunk_groups
from parbench_analysis.export import collect_regions
from parbench_analysis.loader import load_results
from parbench_analysis.plots import placement_suffix
from parbench_analysis.scaling import analyse
from parbench_analysis.summary import placement_sentence

RANKS = (6, 12)
PLACEMENTS = (1, 2, 3)
NODE_COST = 0.05   # each node beyond the first adds 0.05·T1 = 0.1 s outside compute: T_rel 1.2 to 1.8
STRONG = [SyntheticPoint(serial_fraction=0.05, label="placed", ranks=RANKS, placement=n, node_cost=NODE_COST,
                         repetitions=6, noise=0.02) for n in PLACEMENTS]
WEAK = [SyntheticPoint(serial_fraction=0.1, label="weak placed", scaling="weak", ranks=RANKS, placement=n,
                       node_cost=NODE_COST, repetitions=6, noise=0.02) for n in PLACEMENTS]
# Not placed: the first p ranks of a launch of 6 ranks per node, so p = 6, 12, 18 span 1, 2 and 3 nodes.
SWEEP = SyntheticPoint(serial_fraction=0.05, label="sweep", ranks=(6, 12, 18), node_size=6, node_cost=NODE_COST,
                       repetitions=6, noise=0.02)
PER_CURVE_PLOTS = ("factors", "amdahl", "breakdown", "balance")


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    d = tmp_path_factory.mktemp("placement")
    path = write_synthetic(d / "placed.h5", STRONG + WEAK + [SWEEP], seed=21, created="2024-06-01T09:00:00Z",
                           schema_version=2)
    out = d / "report"
    result = run_report(path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""])
    return path, out, result, summary


def counted(path, label):
    runs = raw_runs(path)
    return runs[(runs["label"] == label) & (runs["warmup"] == 0) & (runs["status"] == "ok")]


def median_wall(runs, p, placement):
    return np.median(runs[(runs["ranks"] == p) & (runs["placement"] == placement)]["wall_s"])


def curve(summary, label, placement):
    rows = summary[(summary["label"] == label) & (summary["placement"] == placement)]
    return rows.set_index("p")


def test_one_row_per_point_placement_and_p(placed):
    _, _, _, summary = placed
    for label in ("placed", "weak placed"):
        rows = summary[summary["label"] == label]
        assert sorted(zip(rows["placement"], rows["p"])) == [(n, p) for n in PLACEMENTS for p in RANKS]
        assert (rows["nodes"] == rows["placement"]).all()  # a placed curve ran where it was placed
        assert (rows["n"] == 6).all()
        assert (rows["baseline_p"] == 6).all() and (rows["baseline_placement"] == 1).all()


def test_every_placement_is_relative_to_the_fewest_nodes_at_the_smallest_p(placed):
    """S = 6·T(6 ranks on 1 node)/T(p on k nodes): 6 ranks on 3 nodes compare directly with 6 on 1 node."""
    path, _, _, summary = placed
    runs = counted(path, "placed")
    t_base = median_wall(runs, 6, 1)
    for n in PLACEMENTS:
        rows = curve(summary, "placed", n)
        for p in RANKS:
            s = 6 * t_base / median_wall(runs, p, n)
            assert rows.loc[p, "S"] == pytest.approx(s, rel=1e-8)
            assert rows.loc[p, "E"] == pytest.approx(s / p, rel=1e-8)
            assert rows.loc[p, "S_lo"] <= rows.loc[p, "S"] <= rows.loc[p, "S_hi"]
    base = curve(summary, "placed", 1).loc[6]
    assert base["S"] == base["S_lo"] == base["S_hi"] == 6  # the baseline itself: no spread
    three = curve(summary, "placed", 3).loc[6]
    assert three["S_lo"] < three["S_hi"] < 6  # another placement's p0 runs: drawn apart, and clearly slower
    assert np.isnan(three["karp_flatt"])  # p = p0: nothing to estimate


def test_communication_factor_per_placement_is_the_known_one(placed):
    """comm_eff = max(u)/wall_s is exact in the synthetic model: (1 − serial share)·(1 − OTHER_SHARE), the serial
    share including the time crossing nodes adds; the identity E = lb·comm_eff·comp_scaling/par_eff_base holds."""
    _, out, _, summary = placed
    factors = pd.read_csv(out / "factors.csv", float_precision="round_trip")
    rows = factors[factors["point"] == STRONG[0].point]
    assert sorted(rows["placement"].unique()) == list(PLACEMENTS)
    product = rows["lb"] * rows["comm_eff"] * rows["comp_scaling"] / rows["par_eff_base"]
    assert (np.abs(rows["E"] - product) / rows["E"]).max() < 1e-9
    for point in STRONG:
        medians = curve(summary, "placed", point.placement)
        for p in RANKS:
            expected = (1 - model_serial_share(point, p)) * (1 - OTHER_SHARE)
            assert medians.loc[p, "comm_eff"] == pytest.approx(expected, rel=1e-6)
    at_12 = [curve(summary, "placed", n).loc[12, "comm_eff"] for n in PLACEMENTS]
    assert at_12[0] > at_12[1] > at_12[2]


def test_each_placements_fit_is_drawn_against_the_shared_baseline(placed):
    path, _, _, _ = placed
    curves = [a for a in analyse(load_results([path])) if a.label == "placed"]
    assert [a.placement for a in curves] == list(PLACEMENTS)
    assert [a.holds_baseline for a in curves] == [True, False, False]
    for a in curves:
        assert (a.baseline.p0, a.baseline.placement, a.baseline.T) == (6, 1, curves[0].baseline.T)
        fitted = a.fitted_speedup(np.array(RANKS, dtype=float))
        assert np.allclose(fitted, a.table["S"], rtol=0.05)  # two p: the fit runs through both medians


def test_placement_csv_says_what_crossing_nodes_costs(placed):
    path, out, result, _ = placed
    table = pd.read_csv(out / "placement.csv")
    assert set(table["point"]) == {STRONG[0].point, WEAK[0].point}  # the unplaced sweep is no placement study
    rows = table[table["point"] == STRONG[0].point].set_index(["p", "placement"])
    runs = counted(path, "placed")
    for p in RANKS:
        assert rows.loc[(p, 1), ["T_rel", "T_rel_lo", "T_rel_hi"]].tolist() == [1, 1, 1]
        for point in STRONG[1:]:
            n = point.placement
            row = rows.loc[(p, n)]
            assert row["T_rel"] == pytest.approx(median_wall(runs, p, n) / median_wall(runs, p, 1), rel=1e-8)
            known = model_wall_time(point, p) / model_wall_time(STRONG[0], p)
            assert row["T_rel"] == pytest.approx(known, rel=0.05)
            assert 1 < row["T_rel_lo"] <= row["T_rel"] <= row["T_rel_hi"]
            assert row["nodes"] == n and row["ranks_per_node"] == p // n and row["n"] == 6
    assert f"placements: {out / '<point>' / 'placement.png'} (2 plots) and {out / 'placement.csv'}" in result.stdout


def test_plots_show_every_placement(placed):
    _, out, _, _ = placed
    expected = {"speedup.png", "efficiency.png", "factors.png", "placement.png"}
    strong = expected | {f"{name}_{n}node{'s' * (n > 1)}.png" for name in PER_CURVE_PLOTS for n in PLACEMENTS}
    weak = {name.replace("amdahl", "gustafson") for name in strong}
    for folder, names in (("placed__static__1", strong), ("weak_placed__static__1", weak)):
        assert set(os.listdir(out / folder)) == names, folder
        for name in names:
            width, height = png_size(out / folder / name)
            assert width >= 600 and height >= 400
            assert (out / folder / name).stat().st_size > 10_000


def test_weak_scaling_placements_use_gustafson_against_one_baseline(placed):
    path, _, _, summary = placed
    runs = counted(path, "weak placed")
    work = runs.groupby("ranks")["work_units"].median()
    rate_base = work[6] / median_wall(runs, 6, 1)
    for n in PLACEMENTS:
        rows = curve(summary, "weak placed", n)
        assert (rows["fit_model"] == "gustafson").all() and rows["karp_flatt"].isna().all()
        for p in RANKS:
            s = 6 * (work[p] / median_wall(runs, p, n)) / rate_base
            assert rows.loc[p, "S"] == pytest.approx(s, rel=1e-8)
    # Crossing nodes costs the weak study too: at 12 ranks, 3 nodes are slower than 1.
    assert curve(summary, "weak placed", 3).loc[12, "E"] < curve(summary, "weak placed", 1).loc[12, "E"]


def test_unplaced_runs_across_nodes_stay_one_curve(placed):
    _, out, _, summary = placed
    rows = summary[summary["label"] == "sweep"].set_index("p")
    assert list(rows.index) == [6, 12, 18]
    assert (rows["placement"] == 0).all() and (rows["baseline_placement"] == 0).all()
    assert rows["nodes"].tolist() == [1, 2, 3]
    assert set(os.listdir(out / "sweep__static__1")) == {"speedup.png", "efficiency.png", "factors.png",
                                                          "amdahl.png", "breakdown.png", "balance.png"}
    md = (out / "summary.md").read_text()
    assert ("Not placed (the first p ranks of the launch, one curve): 6 ranks on 1 node, 6 per node; 12 ranks on "
            "2 nodes, 6 per node; 18 ranks on 3 nodes, 6 per node.") in md


def test_summary_md_describes_each_placement(placed):
    _, out, result, _ = placed
    md = (out / "summary.md").read_text()
    sections = {s.splitlines()[0]: s for s in md.split("\n## ")[1:]}
    three = sections["placed / static / 1 · on 3 nodes"]
    assert ("Placement: 3 nodes, block-wise (`[study] nodes`): 6 ranks on 3 nodes, 2 per node; 12 ranks on 3 "
            "nodes, 4 per node.") in three
    assert "p0 = 6 on 1 node, the same for every placement of the point" in three
    assert "S(p) = 6·T(6, on 1 node)/T(p)" in three
    assert "E = " in three and "at 6 ranks (the baseline)" not in three
    assert "at 6 ranks (the baseline)" in sections["placed / static / 1 · on 1 node"]
    assert "placed / static / 1 · on 2 nodes: p = 6, 12; baseline p0 = 6 on 1 node" in result.stdout


def test_slurm_checks_placement_report(tmp_path):
    """tests/slurm/check.py placement_report, as the multi-node test runs it on tests/slurm/placement.toml's study
    (6 ranks on 1, 2 and 3 nodes, 2 strategies, 1 repetition): a row per point and node count."""
    points = [SyntheticPoint(serial_fraction=0.05, strategy=s, ranks=(6,), placement=n, node_cost=0.02,
                             repetitions=1, warmups=0) for s in ("static", "dynamic") for n in PLACEMENTS]
    path = write_synthetic(tmp_path / "slurm.h5", points, seed=22, schema_version=2)
    out = tmp_path / "report"
    assert run_report(path, "-o", out).returncode == 0
    check = subprocess.run([sys.executable, os.path.join(REPO_ROOT, "tests", "slurm", "check.py"),
                            "placement_report", str(out), "1 2 3"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ok: summary.csv has a row per point and node count [1, 2, 3]" in check.stdout
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 6 and (summary["T_lo"].isna()).all()  # one repetition: no interval, still a row


def test_an_unplaced_baseline_wins_a_tie_and_curves_keep_apart(tmp_path):
    """A point measured unplaced (one node) and placed on 2 nodes, read together: two curves; the baseline is the
    smallest p on the fewest nodes, here the unplaced runs."""
    points = [SyntheticPoint(serial_fraction=0.05, ranks=(2, 4), repetitions=3),
              SyntheticPoint(serial_fraction=0.05, ranks=(2, 4), placement=2, node_cost=NODE_COST, repetitions=3)]
    path = write_synthetic(tmp_path / "mixed.h5", points, seed=23, schema_version=2)
    unplaced, on_two = analyse(load_results([path]))
    assert (unplaced.placement, on_two.placement) == (0, 2)
    assert unplaced.holds_baseline and not on_two.holds_baseline
    assert on_two.baseline.placement == 0 and on_two.baseline_p == 2
    assert on_two.table.loc[2, "S"] < 2  # 2 ranks on 2 nodes against 2 ranks on one
    assert (placement_suffix(0), placement_suffix(1), placement_suffix(2)) == ("_unplaced", "_1node", "_2nodes")


def test_version_1_files_report_as_before(report):
    """No placement columns in version 1: placement 0 everywhere, nodes blank, no placement view."""
    out, result = report
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""])
    assert (summary["placement"] == 0).all() and (summary["baseline_placement"] == 0).all()
    assert summary["nodes"].isna().all()
    assert not (out / "placement.csv").exists() and "placements:" not in result.stdout
    md = (out / "summary.md").read_text()
    assert "Placement:" not in md and "Not placed" not in md and " · on " not in md


def test_chunk_groups_and_extrap_regions_keep_placements_apart(tmp_path):
    """A chunk sweep measured on 1 and 2 nodes is two chunk groups, and an Extra-P export has a region per
    placement: runs on different node counts are different measurements of the same p."""
    sweep = [p for p in chunk_sweep("pi sweep", (2, 4), repetitions=3) if p.strategy in ("static", "dynamic")]
    points = [replace(p, placement=n, node_cost=NODE_COST) for n in (1, 2) for p in sweep]
    path = write_synthetic(tmp_path / "sweep.h5", points, seed=24, schema_version=2)
    runs = load_results([path])
    groups = chunk_groups(runs)
    assert sorted((g.p, g.placement) for g in groups) == [(2, 1), (2, 2), (4, 1), (4, 2)]
    assert all(set(g.settings["n"]) == {3} for g in groups)  # 3 repetitions: one placement's runs per setting
    assert "pi sweep / threads=1 / p=2 / nodes=2" in {g.name for g in groups}
    regions, skipped = collect_regions(runs)
    assert not skipped
    names = {r.point for r in regions}
    assert {"pi sweep / dynamic chunk=10 / 1 / nodes=1", "pi sweep / dynamic chunk=10 / 1 / nodes=2"} <= names
    assert all(len(values["time"]) == 3 for r in regions for values in r.data.values())


def test_zero_nodes_mean_unknown(tmp_path):
    """`parbench merge` writes nodes = ranks_per_node = 0 for the version-1 runs it copies: unknown, not zero."""
    path = write_synthetic(tmp_path / "merged.h5", [SyntheticPoint(serial_fraction=0.1, ranks=(1, 2))], seed=25,
                           schema_version=2)
    with h5py.File(path, "r+") as f:
        for name in ("nodes", "ranks_per_node"):
            f["runs"][name][...] = 0
    (a,) = analyse(load_results([path]))
    assert a.placement == 0 and a.table["nodes"].isna().all()
    assert placement_sentence(a) == ""
