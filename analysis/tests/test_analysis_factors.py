"""Efficiency factors (factors.csv, summary's lb/comm_eff/comp_scaling/dominant/diagnosis, f_serial) on synthetic
files whose losses are known: imbalance, slower computation, serial work. Checked against the raw file."""
import h5py
import numpy as np
import pandas as pd
import pytest

from analysis_testlib import raw_runs, run_report, strong_label
from make_synthetic import SyntheticPoint, write_synthetic
from parbench_analysis.factors import EFFICIENT, diagnosis, dominant_loss, fit_reading
from parbench_analysis.fitting import Fit
from parbench_analysis.loader import load_results
from parbench_analysis.plots import breakdown_layers
from parbench_analysis.scaling import analyse

RANKS = (1, 2, 4, 8)
BALANCE = 0.6      # lb at p > 1 of the "imbalanced" point
SLOWDOWN = 0.1     # the "slower cores" point: the work costs 1 + 0.1 (p - 1) times the core-seconds
KNOWN_LOSSES = [
    SyntheticPoint(serial_fraction=0.0, label="imbalanced", balance=BALANCE, ranks=RANKS, repetitions=6, noise=0.02),
    SyntheticPoint(serial_fraction=0.0, label="slower cores", slowdown=SLOWDOWN, balance=1.0, ranks=RANKS,
                   repetitions=6, noise=0.02),
    SyntheticPoint(serial_fraction=0.2, label="serial", ranks=RANKS, repetitions=6, noise=0.02),
]


def read_factors(out) -> pd.DataFrame:
    """factors.csv as written: 17 significant digits, parsed back to the same doubles."""
    return pd.read_csv(out / "factors.csv", float_precision="round_trip")


def identity_error(rows: pd.DataFrame) -> np.ndarray:
    """|E - lb·comm_eff·comp_scaling/par_eff_base| / E per row."""
    product = rows["lb"] * rows["comm_eff"] * rows["comp_scaling"] / rows["par_eff_base"]
    return np.abs(rows["E"] - product) / rows["E"]


@pytest.fixture(scope="module")
def known_losses(tmp_path_factory):
    d = tmp_path_factory.mktemp("losses")
    path = write_synthetic(d / "losses.h5", KNOWN_LOSSES, seed=5, created="2024-05-04T10:00:00Z")
    out = d / "report"
    result = run_report(path, "-o", out)
    assert result.returncode == 0, result.stderr
    return path, out


def summary_rows(out, label):
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""])
    return summary[summary["label"] == label].set_index("p")


def test_factors_csv_has_one_row_per_counted_run_and_the_identity_holds(report, synthetic_files):
    out, _ = report
    factors = read_factors(out)
    assert list(factors.columns) == ["point", "placement", "p", "repetition", "run_id", "wall_s", "E", "lb", "comm_eff",
                                     "par_eff", "comp_scaling", "par_eff_base", "file"]
    assert (factors["placement"] == 0).all()  # version-1 files: never placed
    counted = pd.concat([raw_runs(p).assign(file=str(p)) for p in synthetic_files.values()])
    counted = counted[(counted["warmup"] == 0) & (counted["status"] == "ok")]
    assert len(factors) == len(counted)
    merged = factors.merge(counted, on=["file", "run_id"], validate="one_to_one")
    assert (merged["p"] == merged["ranks"]).all() and (merged["wall_s_x"] == merged["wall_s_y"]).all()
    assert identity_error(factors).max() < 1e-9
    assert np.allclose(factors["par_eff"], factors["lb"] * factors["comm_eff"], rtol=1e-12)


def test_factors_follow_the_raw_rank_times(report, synthetic_files):
    """lb, comm_eff and comp_scaling from ranks/compute_s read here with h5py, and E from the wall times."""
    out, _ = report
    factors = read_factors(out)
    path, point = synthetic_files["strong"], f"{strong_label(0.05)} / static / 1"
    rows = factors[factors["point"] == point]
    runs = raw_runs(path).set_index("run_id")
    with h5py.File(path, "r") as f:
        u = {rid: f[runs.loc[rid, "group"]]["ranks/compute_s"][()] for rid in rows["run_id"]}
    base = rows[rows["p"] == 1]
    u_base = np.median([u[rid].sum() for rid in base["run_id"]])
    t_base = np.median(base["wall_s"])
    for row in rows.itertuples():
        assert row.lb == pytest.approx(u[row.run_id].mean() / u[row.run_id].max(), rel=1e-12)
        assert row.comm_eff == pytest.approx(u[row.run_id].max() / row.wall_s, rel=1e-12)
        assert row.comp_scaling == pytest.approx(u_base / u[row.run_id].sum(), rel=1e-12)
        assert row.E == pytest.approx(t_base / (row.p * row.wall_s), rel=1e-12)
        assert row.par_eff_base == pytest.approx(u_base / t_base, rel=1e-12)


def test_run_E_is_the_summary_efficiency(report):
    """Per run E uses the run's wall_s in the summary's formula: E_run = E(p)·T(p)/wall_s, for strong and weak
    (to the 9 significant digits summary.csv is written with)."""
    out, _ = report
    factors = read_factors(out)
    summary = pd.read_csv(out / "summary.csv").set_index(["point", "p"])
    for row in factors.itertuples():
        s = summary.loc[(row.point, row.p)]
        assert row.E == pytest.approx(s["E"] * s["T"] / row.wall_s, rel=2e-8)
    assert {"weak trig / static / 1", "no p1 / cyclic / 2"} <= set(factors["point"])


def test_summary_factors_are_medians_of_the_runs(report):
    out, _ = report
    factors = read_factors(out)
    summary = pd.read_csv(out / "summary.csv").set_index(["point", "p"])
    medians = factors.groupby(["point", "p"])[["lb", "comm_eff", "comp_scaling"]].median()
    for column in medians.columns:
        assert np.allclose(summary.loc[medians.index, column], medians[column], rtol=1e-8)
    assert (summary["par_eff_base"] > 0).all()


def test_imbalance_is_diagnosed_as_load_balance(known_losses):
    _, out = known_losses
    rows = summary_rows(out, "imbalanced")
    beyond = rows.loc[list(RANKS[1:])]
    assert (beyond["dominant"] == "load balance").all()
    assert np.allclose(beyond["lb"], BALANCE, rtol=1e-9)  # the model's lb, exactly: noise scales all ranks alike
    assert beyond["comm_eff"].between(0.97, 0.99).all()  # the synthetic 2 % other/idle
    assert beyond["comp_scaling"].between(0.95, 1.05).all()
    assert rows.loc[1, "dominant"] == "none"
    assert rows.loc[8, "diagnosis"].startswith(f"E = {rows.loc[8, 'E']:.2f} at 8 ranks: load balance 0.60 (")


def test_slower_cores_are_diagnosed_as_computation_scaling(known_losses):
    _, out = known_losses
    rows = summary_rows(out, "slower cores")
    for p in RANKS[1:]:
        assert rows.loc[p, "comp_scaling"] == pytest.approx(1 / (1 + SLOWDOWN * (p - 1)), rel=0.03)
    assert (rows.loc[[4, 8], "dominant"] == "computation scaling").all()
    assert "(the same work took 1.7× the core-seconds: " in rows.loc[8, "diagnosis"]  # 1 + 0.1·7


def test_serial_work_is_diagnosed_as_communication(known_losses):
    _, out = known_losses
    rows = summary_rows(out, "serial")
    assert (rows.loc[list(RANKS[1:]), "dominant"] == "communication").all()
    assert rows.loc[1, "dominant"] == "none"  # E = 1 at the baseline, whatever its own comm_eff


def test_dominant_is_none_only_when_E_is_high(report, known_losses):
    for out in (report[0], known_losses[1]):
        summary = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""])
        assert ((summary["dominant"] == "none") == (summary["E"] >= EFFICIENT)).all()
        assert summary["dominant"].isin(["none", "load balance", "communication", "computation scaling"]).all()


def test_f_serial_separates_serial_work_from_other_losses(known_losses):
    """Amdahl's f absorbs imbalance and slower cores; f_serial, fitted to the time outside compute, does not."""
    _, out = known_losses
    imbalanced, slower, serial = (summary_rows(out, label).iloc[0]
                                  for label in ("imbalanced", "slower cores", "serial"))
    for row in (imbalanced, slower):
        assert row["f"] > 0.05
        assert row["f_serial"] < 0.01 and row["f_serial_lo"] <= row["f_serial"] <= row["f_serial_hi"]
        assert row["f_lo"] > row["f_serial_hi"]  # not a matter of noise: the intervals are apart
    assert serial["f"] == pytest.approx(0.2, abs=0.02)
    assert serial["f_serial"] == pytest.approx(0.2, abs=0.02)


def test_summary_md_says_what_the_fit_describes(known_losses):
    _, out = known_losses
    md = (out / "summary.md").read_text()
    sections = {s.splitlines()[0]: s for s in md.split("\n## ")[1:]}
    imbalanced = sections["imbalanced / static / 1"]
    assert "**Reading the fit:** The Amdahl fit's f = " in imbalanced
    assert "describes load imbalance (load balance 0.60 at p = 8), not serial work" in imbalanced
    assert "f_serial = " in imbalanced
    assert "describes slower computation (the same work took 1.7× the core-seconds at p = 8), not serial work" in \
        sections["slower cores / static / 1"]
    assert "Reading the fit" not in sections["serial / static / 1"]  # there the loss is serial work
    assert "- E = " in imbalanced  # one diagnosis per p


def test_schema_version_2_with_new_columns_and_shared_groups(tmp_path):
    """Version 2 files load: unknown run-table columns are carried along, result groups may be hard links.
    (make_synthetic writes version 2's nodes, ranks_per_node and placement itself.)"""
    point = SyntheticPoint(serial_fraction=0.1, label="v2", ranks=(1, 2), repetitions=3)
    v1 = write_synthetic(tmp_path / "v1.h5", [point], seed=3)
    v2 = write_synthetic(tmp_path / "v2.h5", [point], seed=3, schema_version=2)
    with h5py.File(v2, "r+") as f:
        n = len(f["runs/run_id"])
        f["runs"].create_dataset("result_hash", data=["abc"] * n, dtype=h5py.string_dtype())
        f["runs"].create_dataset("stop_reason", data=["done"] * n, dtype=h5py.string_dtype())
        del f["run/000003/result"]
        f["run/000003/result"] = f["run/000002/result"]  # a hard link: one result shared by two runs
    (a1,), (a2,) = analyse(load_results([v1])), analyse(load_results([v2]))
    assert "stop_reason" in a2.runs.columns
    # Only where the ranks ran differs: version 2 records it (one node here), version 1 does not.
    assert a1.table["nodes"].isna().all() and (a2.table["nodes"] == 1).all()
    pd.testing.assert_frame_equal(a1.table.drop(columns="nodes"), a2.table.drop(columns="nodes"))
    pd.testing.assert_frame_equal(a1.factors.drop(columns="file"), a2.factors.drop(columns="file"))


def test_breakdown_layers_add_up_to_the_wall_time(synthetic_files):
    """Both breakdown panels draw these layers: inside wall_s they sum to it; overhead_s (after it) stays apart."""
    runs = load_results([synthetic_files["strong"]])
    for _, run in runs.iterrows():
        layers, overhead = breakdown_layers(run)
        assert sum(layers.values()) == pytest.approx(run["wall_s"], rel=1e-12)
        assert overhead == run["overhead_s"] and "overhead" not in " ".join(layers)


def test_fit_reading_names_a_second_comparable_loss():
    fit, serial = Fit("amdahl", 0.37, 0.32, 0.43, 0.2, 24), Fit("amdahl", 0.005, 0.0, 0.012, 0.2, 24)
    both = fit_reading(fit, serial, "computation scaling", 4, lb=0.70, comp_scaling=0.69, weak=False)
    assert both == ("The Amdahl fit's f = 0.37 describes slower computation (the same work took 1.4× the "
                    "core-seconds at p = 4) and load imbalance (load balance 0.70 at p = 4), not serial work: fitted "
                    "to the time outside the slowest rank's compute alone, f_serial = 0.005 [0, 0.012].")
    one = fit_reading(fit, serial, "computation scaling", 4, lb=0.95, comp_scaling=0.52, weak=False)
    assert "load imbalance" not in one and "took 1.9× the core-seconds" in one
    assert fit_reading(fit, serial, "communication", 4, lb=0.7, comp_scaling=0.7, weak=False) == ""
    assert fit_reading(fit, serial, "none", 4, lb=0.99, comp_scaling=0.99, weak=False) == ""


def test_dominant_loss_is_judged_against_the_baseline():
    """comm_eff 0.88 at p and at the baseline is no loss; computation scaling 0.92 is the one E shows."""
    assert dominant_loss(0.89, lb=0.96, comm_eff=0.88, comp_scaling=0.92, comm_eff_base=0.88) == "computation scaling"
    assert dominant_loss(0.89, lb=0.96, comm_eff=0.88, comp_scaling=0.92) == "communication"  # against a perfect one
    assert dominant_loss(0.34, lb=0.86, comm_eff=0.21, comp_scaling=0.84, comm_eff_base=0.47) == "communication"
    assert dominant_loss(0.96, lb=0.5, comm_eff=0.5, comp_scaling=0.5) == "none"
    assert dominant_loss(0.5, lb=np.nan, comm_eff=0.5, comp_scaling=0.5) == ""
    text = diagnosis(0.34, 2, 1, lb=0.86, comm_eff=0.21, comp_scaling=0.84, weak=False, comm_eff_base=0.47)
    assert text.startswith("E = 0.34 at 2 ranks: communication 0.21 against 0.47 at the baseline (the busiest rank "
                           "computed for 21 % of the wall time;")
    assert text.endswith("; computation scaling 0.84; load balance 0.86.")
    assert "took 1.05× the core-seconds" in diagnosis(0.9, 4, 1, 1.0, 1.0, 1 / 1.05, weak=False)
