"""The report on files written by the real C++ program (configs/smoke.toml under mpirun -np 2, and a placement
study on this one node, tests/configs/placement_one_node.toml).

PARBENCH_BIN names the executable (default <repo>/build/parbench). A missing binary FAILS the test, so a
broken build cannot pass silently; set PARBENCH_ALLOW_NO_BINARY=1 to skip instead (e.g. while it is being written).
"""
import os

import numpy as np
import pandas as pd
import pytest

from analysis_testlib import raw_runs, run_report, run_study


@pytest.mark.real_binary
def test_report_on_smoke_study_from_real_binary(tmp_path):
    smoke = run_study("configs/smoke.toml", tmp_path / "smoke.h5", ranks=2)

    out = tmp_path / "report"
    result = run_report(smoke, "-o", out)
    assert result.returncode == 0, result.stderr

    runs = raw_runs(smoke)
    counted = runs[(runs["warmup"] == 0) & (runs["status"] == "ok")]
    assert not counted.empty, "the smoke study produced no counted runs"
    summary = pd.read_csv(out / "summary.csv")
    for point, group in counted.groupby("point"):
        rows = summary[summary["point"] == point]
        assert sorted(rows["p"]) == sorted(group["ranks"].unique()), point
        assert rows["T"].gt(0).all()
    assert (out / "summary.md").is_file()
    # Every workload and strategy: the factors multiply to E on every counted run.
    factors = pd.read_csv(out / "factors.csv", float_precision="round_trip")
    assert len(factors) == len(counted)
    product = factors["lb"] * factors["comm_eff"] * factors["comp_scaling"] / factors["par_eff_base"]
    assert (np.abs(factors["E"] - product) / factors["E"]).max() < 1e-9


@pytest.mark.real_binary
def test_placement_from_real_binary_reaches_the_report(tmp_path):
    """tests/configs/placement_one_node.toml ([study] nodes = [1], 1 and 2 ranks) under mpirun -np 2 on this one
    machine: the run table says placement 1 on 1 node, and the report keeps it (one curve; several placements need
    several nodes, which the synthetic tests and the SLURM test cover)."""
    config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs", "placement_one_node.toml")
    path = run_study(config, tmp_path / "placed.h5", ranks=2)
    runs = raw_runs(path)
    assert (runs["placement"] == 1).all() and (runs["nodes"] == 1).all()
    assert (runs["ranks_per_node"] == runs["ranks"]).all()

    out = tmp_path / "report"
    result = run_report(path, "-o", out)
    assert result.returncode == 0, result.stderr
    summary = pd.read_csv(out / "summary.csv")
    assert sorted(summary["p"]) == [1, 2]
    assert (summary["placement"] == 1).all() and (summary["nodes"] == 1).all()
    assert (summary["baseline_placement"] == 1).all() and (summary["baseline_p"] == 1).all()
    assert (pd.read_csv(out / "factors.csv")["placement"] == 1).all()
    md = (out / "summary.md").read_text()
    assert "## trig placed / dynamic chunk=2 / threads=1 · on 1 node" in md
    assert "Placement: 1 node, block-wise (`[study] nodes`): 1 rank on 1 node, 1 per node; 2 ranks on 1 node, " \
           "2 per node." in md
    folder = out / "trig_placed__dynamic_chunk_2__threads_1"
    assert {"speedup.png", "efficiency.png", "factors.png"} <= set(os.listdir(folder))  # one curve: the usual names
    assert not (out / "placement.csv").exists()  # one placement: nothing to compare
