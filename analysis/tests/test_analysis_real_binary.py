"""The report on a file written by the real C++ program (configs/smoke.toml under mpirun -np 2).

PARBENCH_BIN names the executable (default <repo>/build/parbench). A missing binary FAILS the test, so a
broken build cannot pass silently; set PARBENCH_ALLOW_NO_BINARY=1 to skip instead (e.g. while it is being written).
"""
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
