"""Bad inputs give one `error: <file>: <what>` line on stderr and exit code 2; a single p is not an error."""
import h5py
import numpy as np
import pandas as pd
import pytest

from analysis_testlib import run_report
from make_synthetic import SyntheticPoint, write_synthetic


def hdf5_with(path, **root_attrs):
    with h5py.File(path, "w") as f:
        for k, v in root_attrs.items():
            f.attrs[k] = v
    return path


def empty_run_table(path):
    write_synthetic(path, [])
    return path


def without_runs_group(path):
    return hdf5_with(path, schema="parbench", schema_version=np.int64(1), created="2024-01-01T00:00:00Z")


def text_file(path):
    path.write_text("wall_s\n1.0\n")
    return path


BAD_FILES = {
    "missing": (lambda p: p, "no such file"),
    "not_hdf5": (text_file, "not an HDF5 file"),
    "no_schema": (lambda p: hdf5_with(p, schema_version=np.int64(1)), "not a parbench file"),
    "other_schema": (lambda p: hdf5_with(p, schema="other", schema_version=np.int64(1)), "not a parbench file"),
    "version_3": (lambda p: hdf5_with(p, schema="parbench", schema_version=np.int64(3)),
                  "unsupported schema_version 3"),
    "no_runs_table": (without_runs_group, "no runs"),
    "empty_runs": (empty_run_table, "no runs"),
}


def assert_one_error_line(result, path, what):
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert what in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_input_is_one_error_line(tmp_path, case):
    make, what = BAD_FILES[case]
    path = make(tmp_path / f"{case}.h5")
    result = run_report(path, "-o", tmp_path / "out")
    assert_one_error_line(result, path, what)


def test_one_bad_file_among_good_ones_fails(tmp_path):
    good = write_synthetic(tmp_path / "good.h5", [SyntheticPoint(serial_fraction=0.1, ranks=(1, 2))])
    missing = tmp_path / "missing.h5"
    assert_one_error_line(run_report(good, missing, "-o", tmp_path / "out"), missing, "no such file")


def test_single_rank_count_writes_summary_and_explains(tmp_path):
    path = write_synthetic(tmp_path / "one_p.h5", [SyntheticPoint(serial_fraction=0.1, label="solo", ranks=(4,))])
    out = tmp_path / "out"
    result = run_report(path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    reason = "only one rank count (p = 4) was measured; a fit needs at least two"
    assert reason in result.stdout
    assert reason in (out / "summary.md").read_text()
    rows = pd.read_csv(out / "summary.csv")
    assert list(rows["p"]) == [4]
    assert rows[["f", "f_lo", "f_hi", "karp_flatt"]].isna().all(axis=None)
    assert rows["baseline_p"].iloc[0] == 4
    assert (out / "solo__static__1" / "speedup.png").stat().st_size > 10_000
