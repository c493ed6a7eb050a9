"""Fixtures: synthetic files with known serial fractions, and one report over them."""
import pytest

from analysis_testlib import (NO_P1_FRACTION, STRONG_FRACTIONS, SWEEP_LABEL, SWEEP_RANKS, WEAK_ALPHA, run_report,
                              strong_label)
from make_synthetic import SyntheticPoint, chunk_sweep, write_synthetic


def pytest_configure(config):
    config.addinivalue_line("markers", "real_binary: runs the C++ parbench binary (PARBENCH_BIN) under mpirun")


@pytest.fixture(scope="session")
def synthetic_files(tmp_path_factory):
    """strong.h5: one point per f (the f = 0.05 one also has a failed run at p = 4), plus a point without p = 1
    (2 threads, traced). weak.h5: a weak-scaling point with a trace."""
    d = tmp_path_factory.mktemp("synthetic")
    strong = [SyntheticPoint(serial_fraction=f, label=strong_label(f), repetitions=8,
                             failed_at=(4,) if f == 0.05 else ())
              for f in STRONG_FRACTIONS]
    strong.append(SyntheticPoint(serial_fraction=NO_P1_FRACTION, label="no p1", ranks=(2, 4, 8, 16, 24),
                                 threads=2, strategy="cyclic", trace=True))
    weak = [SyntheticPoint(serial_fraction=WEAK_ALPHA, label="weak trig", scaling="weak", repetitions=7, trace=True)]
    return {"strong": write_synthetic(d / "strong.h5", strong, seed=11, created="2024-05-01T12:00:00Z"),
            "weak": write_synthetic(d / "weak.h5", weak, seed=12, created="2024-05-02T08:30:00Z")}


@pytest.fixture(scope="session")
def report(synthetic_files, tmp_path_factory):
    """One report over both synthetic files (also exercises several input files at once)."""
    out = tmp_path_factory.mktemp("report")
    result = run_report(synthetic_files["strong"], synthetic_files["weak"], "-o", out)
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.fixture(scope="session")
def chunk_sweep_report(tmp_path_factory):
    """Static and dynamic chunk 1, 10, 100 and auto at p = 2 (the sweep's guided and cyclic settings would only
    add point plots to wait for), and its report. Four repetitions: an even count, so "auto" (12 and 16 in turn)
    has two middle chunks to choose from."""
    d = tmp_path_factory.mktemp("chunks")
    sweep = [p for p in chunk_sweep(SWEEP_LABEL, SWEEP_RANKS, repetitions=4) if p.strategy in ("static", "dynamic")]
    path = write_synthetic(d / "sweep.h5", sweep, seed=13, created="2024-05-03T09:00:00Z")
    out = d / "report"
    result = run_report(path, "-o", out)
    assert result.returncode == 0, result.stderr
    return path, out, result
