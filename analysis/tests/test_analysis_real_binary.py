"""The report on a file written by the real C++ program (configs/smoke.toml under mpirun -np 2).

PARBENCH_BIN names the executable (default <repo>/build/parbench). A missing binary FAILS the test, so a
broken build cannot pass silently; set PARBENCH_ALLOW_NO_BINARY=1 to skip instead (e.g. while it is being written).
"""
import os
import shutil
import subprocess

import h5py
import pandas as pd
import pytest

from analysis_testlib import REPO_ROOT, run_report

MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMPI_MCA_pml": "ob1"}


def parbench_binary():
    binary = os.environ.get("PARBENCH_BIN", os.path.join(REPO_ROOT, "build", "parbench"))
    if os.path.isfile(binary) and os.access(binary, os.X_OK):
        return binary
    message = (f"parbench binary not found at {binary}: build it (cmake) or set PARBENCH_BIN; "
               "set PARBENCH_ALLOW_NO_BINARY=1 to skip this test")
    if os.environ.get("PARBENCH_ALLOW_NO_BINARY") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


@pytest.mark.real_binary
def test_report_on_smoke_study_from_real_binary(tmp_path):
    binary = parbench_binary()
    mpirun = shutil.which("mpirun")
    assert mpirun, "mpirun not found on PATH"
    smoke = tmp_path / "smoke.h5"
    run = subprocess.run([mpirun, "-np", "2", binary, "run", "configs/smoke.toml", "-o", str(smoke), "--quiet"],
                         cwd=REPO_ROOT, env={**os.environ, **MPI_ENV}, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"parbench failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"

    out = tmp_path / "report"
    result = run_report(smoke, "-o", out)
    assert result.returncode == 0, result.stderr

    with h5py.File(smoke, "r") as f:
        runs = pd.DataFrame({k: (d.asstr()[()] if d.dtype.kind == "O" else d[()]) for k, d in f["runs"].items()})
    counted = runs[(runs["warmup"] == 0) & (runs["status"] == "ok")]
    assert not counted.empty, "the smoke study produced no counted runs"
    summary = pd.read_csv(out / "summary.csv")
    for point, group in counted.groupby("point"):
        rows = summary[summary["point"] == point]
        assert sorted(rows["p"]) == sorted(group["ranks"].unique()), point
        assert rows["T"].gt(0).all()
    assert (out / "summary.md").is_file()
