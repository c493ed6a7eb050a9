"""The diagnosis on studies run here by the real C++ program (2 cores, shared with other work: the assertions are
the robust ones, never tight timings). Configs in analysis/tests/configs/, each a few seconds at most:

  uneven_static.toml   nth_prime, N^1.5 task costs, static at 1 and 2 ranks: rank 0 holds ~99 % of the work
  oversubscribed.toml  balanced dynamic work at 1 and 3 ranks, mpirun -np 3 on 2 cores: each rank's compute
                       stretches by ~1.5 while it waits for a core, the same work costs more core-seconds
  near_empty.toml      16 elements of trig at 1 and 2 ranks: microseconds of compute in every wall time

PARBENCH_BIN names the executable (see test_analysis_real_binary.py).
"""
import os

import numpy as np
import pandas as pd
import pytest

from analysis_testlib import raw_runs, run_report, run_study

CONFIGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs")
STUDIES = {  # config: (ranks of the launch, point)
    "uneven_static": (2, "primes uneven / static / threads=1"),
    "oversubscribed": (3, "trig balanced / dynamic chunk=1 / threads=1"),
    "near_empty": (2, "trig near-empty / static / threads=1"),
}

pytestmark = pytest.mark.real_binary


@pytest.fixture(scope="module")
def studies(tmp_path_factory):
    """Run the three studies, then one report over the three files."""
    d = tmp_path_factory.mktemp("real_factors")
    files = {name: run_study(os.path.join(CONFIGS, f"{name}.toml"), d / f"{name}.h5", ranks=ranks)
             for name, (ranks, _) in STUDIES.items()}
    out = d / "report"
    result = run_report(*files.values(), "-o", out)
    assert result.returncode == 0, result.stderr
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""])
    return files, out, summary


def context(r) -> str:
    """For a failure message: the diagnosis, and how busy the shared machine was."""
    return f"{r['diagnosis']} (load average over 1/5/15 min: {os.getloadavg()})"


def row(summary, study, p):
    rows = summary[(summary["point"] == STUDIES[study][1]) & (summary["p"] == p)]
    assert len(rows) == 1, (study, p, summary["point"].unique())
    return rows.iloc[0]


def test_identity_on_every_row_of_real_studies(studies):
    """E = lb·comm_eff·comp_scaling/par_eff_base to 1e-9, and E is the summary's p0·T(p0)/(p·wall_s)."""
    files, out, summary = studies
    factors = pd.read_csv(out / "factors.csv", float_precision="round_trip")
    counted = sum(int(((r["warmup"] == 0) & (r["status"] == "ok")).sum()) for r in map(raw_runs, files.values()))
    assert len(factors) == counted
    product = factors["lb"] * factors["comm_eff"] * factors["comp_scaling"] / factors["par_eff_base"]
    assert (np.abs(factors["E"] - product) / factors["E"]).max() < 1e-9
    for (point, p), rows in factors.groupby(["point", "p"]):
        s = summary[(summary["point"] == point)].set_index("p")
        p0 = int(s["baseline_p"].iloc[0])
        expected = p0 * s.loc[p0, "T"] / (p * rows["wall_s"])
        assert np.allclose(rows["E"], expected, rtol=2e-8)  # summary.csv holds 9 significant digits


def test_uneven_static_is_load_balance(studies):
    _, _, summary = studies
    r = row(summary, "uneven_static", 2)
    assert r["dominant"] == "load balance", context(r)
    assert r["lb"] < 0.75  # ~0.51: rank 0's three large N are ~99 % of the work
    assert r["diagnosis"].startswith(f"E = {r['E']:.2f} at 2 ranks: load balance ")


def test_oversubscribed_balanced_work_is_computation_scaling(studies):
    _, _, summary = studies
    r = row(summary, "oversubscribed", 3)
    assert r["dominant"] == "computation scaling", context(r)
    assert r["comp_scaling"] < 0.85, context(r)  # ~0.67: three ranks share two cores
    assert r["lb"] > r["comp_scaling"] and r["comm_eff"] > r["comp_scaling"]


def test_near_empty_is_communication(studies):
    _, _, summary = studies
    r = row(summary, "near_empty", 2)
    assert r["dominant"] == "communication", context(r)
    assert r["comm_eff"] < 0.6


def test_fit_reading_on_real_studies(studies):
    """Where imbalance or slower cores dominate at the largest p, summary.md says f describes that loss; not where
    the loss is communication."""
    _, out, summary = studies
    md = (out / "summary.md").read_text()
    sections = {s.splitlines()[0]: s for s in md.split("\n## ")[1:]}
    uneven = sections[STUDIES["uneven_static"][1]]
    assert "describes load imbalance (load balance " in uneven and "not serial work" in uneven
    assert "describes slower computation (" in sections[STUDIES["oversubscribed"][1]]
    assert "Reading the fit" not in sections[STUDIES["near_empty"][1]]
    r = row(summary, "uneven_static", 2)
    assert r["f_serial"] < r["f"]
