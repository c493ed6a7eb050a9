"""`export.py --format extrap|extrap-jsonl`: Extra-P input from parbench files.

The files are read back here with a parser written from Extra-P's documented text grammar (docs/file-formats.md of
extra-p/extrap) and compared with the run table read straight from HDF5. Real-binary tests run a 5-rank study
(oversubscribed on small machines) through `mpirun -np 5 $PARBENCH_BIN`. The Extra-P tests load the exports in
Extra-P's own readers and model them; they are skipped where Extra-P is not importable (put its source on
PYTHONPATH to run them, see analysis/README.md).
"""
import json
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import pytest

from analysis_testlib import ANALYSIS_DIR, REPO_ROOT
from make_synthetic import SyntheticPoint, write_synthetic
from parbench_analysis.export import Region, format_decimal, group_experiments, region_name
from analysis_testlib import MPI_ENV, parbench_binary

EXPORT = os.path.join(ANALYSIS_DIR, "export.py")
NUMBER = re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?$")   # Extra-P's NUMBER: no exponent
METRIC_COLUMNS = {"time": "wall_s", "compute_time_max": "compute_max_s"}
STUDY_RANKS = [1, 2, 3, 4, 5]

STUDY_CONFIG = """[study]
name = "export-{scaling}"
repetitions = 3
warmup = 1
ranks = [1, 2, 3, 4, 5]
scaling = "{scaling}"

[[workload]]
kind = "trig"
n = 2000
iterations = 10
tasks = 16

[[strategy]]
kind = "static"

[[strategy]]
kind = "dynamic"
chunk = 3
"""


def run_export(*args):
    return subprocess.run([sys.executable, EXPORT, *map(str, args)], capture_output=True, text=True, timeout=120)


def counted_from_hdf5(*paths):
    """Counted runs read straight from the files (not through the loader)."""
    tables = []
    for path in paths:
        with h5py.File(path, "r") as f:
            tables.append(pd.DataFrame({k: (d.asstr()[()] if d.dtype.kind == "O" else d[()])
                                        for k, d in f["runs"].items()}))
    runs = pd.concat(tables, ignore_index=True)
    return runs[(runs["warmup"] == 0) & (runs["status"] == "ok")]


def parse_text(path):
    """Extra-P text input -> (parameters, points, {region: {metric: [values per point]}}), checking the grammar:
    keywords, one region name once, NUMBER tokens without exponent, ASCII only."""
    params, points, regions = [], [], {}
    region = metric = None
    with open(path, encoding="ascii") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            key, _, rest = line.partition(" ")
            if key == "PARAMETER":
                params += rest.split()
            elif key == "POINTS":
                if "(" in rest:
                    groups = re.findall(r"\(([^()]*)\)", rest)
                    assert re.sub(r"\(([^()]*)\)", "", rest).strip() == "", rest
                    points += [tuple(g.split()) for g in groups]
                else:
                    points += [(t,) for t in rest.split()]
            elif key == "REGION":
                region = rest
                assert region not in regions, f"region {region} twice"
                assert "->" not in region and region == " ".join(region.split()), region
                regions[region], metric = {}, None
            elif key == "METRIC":
                metric = rest
                assert region is not None and metric not in regions[region]
                regions[region][metric] = []
            elif key == "DATA":
                tokens = rest.split()
                assert tokens and all(NUMBER.match(t) for t in tokens), line
                regions[region][metric].append([float(t) for t in tokens])
            else:
                pytest.fail(f"unknown keyword in {line!r}")
    assert all(NUMBER.match(c) for p in points for c in p), points
    return params, [tuple(float(c) for c in p) for p in points], regions


def parse_jsonl(path):
    """-> {(callpath, metric): {coordinate: [values]}}, parameter names in order."""
    data, names = {}, None
    with open(path, encoding="ascii") as fh:
        for line in fh:
            obj = json.loads(line)
            assert set(obj) == {"params", "callpath", "metric", "value"}, obj
            names = names or list(obj["params"])
            assert list(obj["params"]) == names
            coordinate = tuple(obj["params"].values())
            data.setdefault((obj["callpath"], obj["metric"]), {}).setdefault(coordinate, []).append(obj["value"])
    return names, data


def expected_points(counted, weak):
    """point -> {coordinate: {metric: [values in run-table order]}}"""
    out = {}
    for point, rows in counted.groupby("point", sort=False):
        per = out.setdefault(point, {})
        for _, row in rows.iterrows():
            c = (float(row["ranks"]), float(row["work_units"] / row["ranks"])) if weak else (float(row["ranks"]),)
            values = per.setdefault(c, {m: [] for m in METRIC_COLUMNS})
            for metric, column in METRIC_COLUMNS.items():
                values[metric].append(float(row[column]))
    return out


def assert_text_matches(path, counted, weak):
    params, points, regions = parse_text(path)
    expected = expected_points(counted, weak)
    assert params == (["p", "w"] if weak else ["p"])
    assert points == sorted(points) and len(set(points)) == len(points)
    assert sorted(regions) == sorted(region_name(p) for p in expected)  # one REGION per point
    for point, per in expected.items():
        assert set(per) == set(points), point
        metrics = regions[region_name(point)]
        assert list(metrics) == list(METRIC_COLUMNS)
        for metric in METRIC_COLUMNS:
            assert len(metrics[metric]) == len(points)         # one DATA line per point, in POINTS order
            for c, data in zip(points, metrics[metric]):
                assert data == per[c][metric], (point, c, metric)  # exact: the same float64s
    return points, regions


# ---------------------------------------------------------------------------------------------- real studies

@pytest.fixture(scope="module")
def real_studies(tmp_path_factory):
    """A strong and a weak study of trig (static, dynamic chunk=3) at 1..5 ranks, by the real binary."""
    binary = parbench_binary()
    mpirun = shutil.which("mpirun")
    assert mpirun, "mpirun not found on PATH"
    d = tmp_path_factory.mktemp("studies")
    files = {}
    for scaling in ("strong", "weak"):
        config = d / f"{scaling}.toml"
        config.write_text(STUDY_CONFIG.format(scaling=scaling))
        out = d / f"{scaling}.h5"
        run = subprocess.run([mpirun, "-np", "5", binary, "run", str(config), "-o", str(out), "--quiet"],
                             cwd=REPO_ROOT, env={**os.environ, **MPI_ENV}, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, f"parbench failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
        files[scaling] = out
    return files


@pytest.mark.real_binary
@pytest.mark.parametrize("scaling", ["strong", "weak"])
def test_text_export_of_real_study(real_studies, tmp_path, scaling):
    src, out = real_studies[scaling], tmp_path / f"{scaling}.txt"
    result = run_export(src, "--format", "extrap", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""                                  # 5 rank counts: no warning
    counted = counted_from_hdf5(src)
    assert counted["point"].nunique() == 2
    points, _ = assert_text_matches(out, counted, weak=scaling == "weak")
    assert [p[0] for p in points] == STUDY_RANKS
    if scaling == "weak":  # w = work units per rank: the same at every p of a weak study
        assert len({p[1] for p in points}) == 1 and points[0][1] == counted["work_units"].min()
    assert f"{out}: Extra-P text input, {scaling} scaling" in result.stdout


@pytest.mark.real_binary
def test_jsonl_export_of_real_studies(real_studies, tmp_path):
    """Both studies in one command: strong and weak need different parameters, so two files."""
    out = tmp_path / "both.jsonl"
    result = run_export(real_studies["strong"], real_studies["weak"], "--format", "extrap-jsonl", "-o", out)
    assert result.returncode == 0, result.stderr
    assert not out.exists()
    for scaling in ("strong", "weak"):
        names, data = parse_jsonl(tmp_path / f"both-{scaling}.jsonl")
        assert names == (["p", "w"] if scaling == "weak" else ["p"])
        expected = expected_points(counted_from_hdf5(real_studies[scaling]), weak=scaling == "weak")
        assert {cp for cp, _ in data} == {region_name(p) for p in expected}
        for point, per in expected.items():
            for metric in METRIC_COLUMNS:
                got = data[region_name(point), metric]
                assert {tuple(map(float, c)) for c in got} == set(per)
                for c, values in got.items():
                    assert values == per[tuple(map(float, c))][metric]


# ---------------------------------------------------------------------------------------------- synthetic files

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    d = tmp_path_factory.mktemp("export")
    strong = [SyntheticPoint(serial_fraction=0.05, label="trig f=0.05", ranks=(1, 2, 4, 8, 16), repetitions=4,
                             failed_at=(4,)),
              SyntheticPoint(serial_fraction=0.2, label="trig f=0.2", ranks=(1, 2, 4, 8, 16), repetitions=3,
                             strategy="cyclic", threads=2)]
    few = [SyntheticPoint(serial_fraction=0.1, label="pi few", ranks=(1, 2, 4), repetitions=2)]
    weak = [SyntheticPoint(serial_fraction=0.1, label="weak trig", scaling="weak", ranks=(1, 2, 4, 8, 16),
                           repetitions=3, work_units=1000)]
    odd = [SyntheticPoint(serial_fraction=0.1, label="fft->x  \u03c3=2", ranks=(1, 2, 3, 4, 5), repetitions=2)]
    return {"strong": write_synthetic(d / "strong.h5", strong, seed=21),
            "few": write_synthetic(d / "few.h5", few, seed=22),
            "weak": write_synthetic(d / "weak.h5", weak, seed=23),
            "odd": write_synthetic(d / "odd.h5", odd, seed=24)}


def test_counted_runs_only_and_exact_values(synthetic, tmp_path):
    """Warm-ups (3x slower) and the failed run at p = 4 are not exported; every counted one is, exactly."""
    out = tmp_path / "strong.txt"
    result = run_export(synthetic["strong"], "--format", "extrap", "-o", out)
    assert result.returncode == 0, result.stderr
    counted = counted_from_hdf5(synthetic["strong"])
    _, regions = assert_text_matches(out, counted, weak=False)
    assert [len(v) for v in regions[region_name("trig f=0.05 / static / 1")]["time"]] == [4] * 5
    assert sum(len(v) for r in regions.values() for v in r["time"]) == len(counted)


def test_weak_scaling_has_two_parameters(synthetic, tmp_path):
    out = tmp_path / "weak.txt"
    result = run_export(synthetic["weak"], "--format", "extrap", "-o", out)
    assert result.returncode == 0, result.stderr
    points, _ = assert_text_matches(out, counted_from_hdf5(synthetic["weak"]), weak=True)
    assert points == [(p, 1000.0) for p in (1, 2, 4, 8, 16)]
    assert "POINTS ( 1 1000 ) ( 2 1000 ) ( 4 1000 ) ( 8 1000 ) ( 16 1000 )" in out.read_text().splitlines()


def test_fewer_than_five_rank_counts_warns(synthetic, tmp_path):
    out = tmp_path / "few.txt"
    result = run_export(synthetic["few"], "--format", "extrap", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        "warning: pi few / static / 1: 3 rank counts (p = 1, 2, 4); Extra-P needs at least 5 to model"]
    assert_text_matches(out, counted_from_hdf5(synthetic["few"]), weak=False)


def test_points_with_different_rank_counts_go_to_separate_files(synthetic, tmp_path):
    """Extra-P wants every region at every point: 1,2,4,8,16 and 1,2,4 cannot share a file, nor can strong and
    weak points (different parameters)."""
    out = tmp_path / "all.txt"
    result = run_export(synthetic["strong"], synthetic["few"], synthetic["weak"], "--format", "extrap", "-o", out)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["all-strong-1.txt", "all-strong-2.txt", "all-weak.txt"]
    assert_text_matches(tmp_path / "all-strong-1.txt", counted_from_hdf5(synthetic["strong"]), weak=False)
    assert_text_matches(tmp_path / "all-strong-2.txt", counted_from_hdf5(synthetic["few"]), weak=False)
    assert_text_matches(tmp_path / "all-weak.txt", counted_from_hdf5(synthetic["weak"]), weak=True)
    assert "3 files" in result.stdout


def test_jsonl_lines_match_hdf5(synthetic, tmp_path):
    out = tmp_path / "strong.jsonl"
    result = run_export(synthetic["strong"], "--format", "extrap-jsonl", "-o", out)
    assert result.returncode == 0, result.stderr
    names, data = parse_jsonl(out)
    assert names == ["p"]
    expected = expected_points(counted_from_hdf5(synthetic["strong"]), weak=False)
    assert len(data) == len(expected) * len(METRIC_COLUMNS)
    for point, per in expected.items():
        for metric in METRIC_COLUMNS:
            got = data[region_name(point), metric]
            assert all(isinstance(c[0], int) for c in got)
            assert {(float(c[0]),): v for c, v in got.items()} == {c: per[c][metric] for c in per}
    lines = out.read_text().splitlines()
    assert len(lines) == 2 * len(counted_from_hdf5(synthetic["strong"]))  # one line per repetition and metric


def test_region_names_follow_the_grammar(synthetic, tmp_path):
    """"->" would split the region into call-path levels, runs of spaces are collapsed by the reader, and names
    are printable ASCII."""
    out = tmp_path / "odd.txt"
    result = run_export(synthetic["odd"], "--format", "extrap", "-o", out)
    assert result.returncode == 0, result.stderr
    _, _, regions = parse_text(out)
    assert list(regions) == ["fft=>x \\u03c3=2 / static / 1"]
    assert region_name("a\tb\n c") == "a b c"


def test_region_names_stay_unique():
    regions = [Region(point="a->b / s / 1", scaling="strong", data={(1,): {}}),
               Region(point="a=>b / s / 1", scaling="strong", data={(1,): {}})]
    [experiment] = group_experiments(regions)
    assert [r.name for r in experiment.regions] == ["a=>b / s / 1", "a=>b / s / 1 (2)"]


def test_non_finite_time_is_an_error(tmp_path):
    path = write_synthetic(tmp_path / "nan.h5", [SyntheticPoint(serial_fraction=0.1, ranks=(1, 2), repetitions=2)])
    with h5py.File(path, "r+") as f:
        counted = np.flatnonzero(f["runs/warmup"][()] == 0)
        f["runs/wall_s"][counted[1]] = np.nan
        run_id = f["runs/run_id"][counted[1]]
    result = run_export(path, "--format", "extrap", "-o", tmp_path / "x.txt")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: run {run_id} ("), result.stderr
    assert "wall_s = nan" in lines[0]
    assert not (tmp_path / "x.txt").exists()


@pytest.mark.parametrize("value", [0.1 + 0.2, 4.256900001564645e-05, 5e-324, 1e-7, 1e22, 123.0, 2.5e-10,
                                   np.float64(7.0000000000000001e-06)])
def test_decimals_are_plain_and_exact(value):
    text = format_decimal(value)
    assert NUMBER.match(text), text
    assert float(text) == value


def test_no_counted_runs_is_an_error(tmp_path):
    path = write_synthetic(tmp_path / "failed.h5", [SyntheticPoint(serial_fraction=0.1, ranks=(1, 2), repetitions=0,
                                                                   failed_at=(1, 2))])
    result = run_export(path, "--format", "extrap", "-o", tmp_path / "x.txt")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: no counted runs to export (every run is a warm-up or not ok)"]


@pytest.mark.parametrize("case", ["missing_input", "output_folder_missing"])
def test_errors_are_one_line(synthetic, tmp_path, case):
    if case == "missing_input":
        bad = tmp_path / "none.h5"
        args, what = (bad, "--format", "extrap", "-o", tmp_path / "x.txt"), f"error: {bad}: no such file"
    else:
        bad = tmp_path / "no" / "x.txt"
        args, what = (synthetic["strong"], "--format", "extrap", "-o", bad), f"error: {bad}: cannot write"
    result = run_export(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(what), result.stderr


# ---------------------------------------------------------------------------------------------- Extra-P itself

def extrap_readers():
    """Extra-P's text and JSON readers and its model generator; skips where Extra-P is not installed."""
    pytest.importorskip("extrap")
    text = pytest.importorskip("extrap.fileio.file_reader.text_file_reader")
    js = pytest.importorskip("extrap.fileio.file_reader.json_file_reader")
    gen = pytest.importorskip("extrap.modelers.model_generator")
    return {"extrap": text.TextFileReader, "extrap-jsonl": js.JsonFileReader}, gen.ModelGenerator


def assert_extrap_models(path, fmt, counted, weak):
    readers, ModelGenerator = extrap_readers()
    reader = readers[fmt]()
    reader.keep_values = True
    experiment = reader.read_experiment(str(path))
    expected = expected_points(counted, weak)
    assert [p.name for p in experiment.parameters] == (["p", "w"] if weak else ["p"])
    assert sorted(c.name for c in experiment.callpaths) == sorted(region_name(p) for p in expected)
    assert [m.name for m in experiment.metrics] == list(METRIC_COLUMNS)
    for (callpath, metric), measurements in experiment.measurements.items():
        point = next(p for p in expected if region_name(p) == callpath.name)
        for m in measurements:
            values = expected[point][tuple(float(v) for v in m.coordinate)][metric.name]
            if m.values is not None:
                assert list(m.values) == values
            else:  # Extra-P's JSON-lines reader drops keep_values (it does not pass it on); its statistics remain
                assert (m.minimum, m.maximum) == (min(values), max(values))
                assert m.mean == pytest.approx(np.mean(values), rel=1e-12)
    generator = ModelGenerator(experiment)
    generator.model_all()
    # one model per point and metric
    assert sorted((cp.name, m.name) for cp, m in generator.models) == \
        sorted((region_name(p), m) for p in expected for m in METRIC_COLUMNS)
    at_p8 = np.array([[8.0]] + [[c[1]] for c in experiment.coordinates[:1] if len(c) > 1])  # p = 8 (and w)
    for model in generator.models.values():
        assert np.isfinite(model.hypothesis.function.evaluate(at_p8)).all()


@pytest.mark.real_binary
@pytest.mark.parametrize("fmt", ["extrap", "extrap-jsonl"])
@pytest.mark.parametrize("scaling", ["strong", "weak"])
def test_extrap_loads_and_models_real_study(real_studies, tmp_path, fmt, scaling):
    extrap_readers()
    out = tmp_path / f"{scaling}.{'txt' if fmt == 'extrap' else 'jsonl'}"
    result = run_export(real_studies[scaling], "--format", fmt, "-o", out)
    assert result.returncode == 0, result.stderr
    assert_extrap_models(out, fmt, counted_from_hdf5(real_studies[scaling]), weak=scaling == "weak")


@pytest.mark.parametrize("name", ["strong", "odd"])
def test_extrap_loads_and_models_synthetic(synthetic, tmp_path, name):
    extrap_readers()
    out = tmp_path / f"{name}.txt"
    result = run_export(synthetic[name], "--format", "extrap", "-o", out)
    assert result.returncode == 0, result.stderr
    assert_extrap_models(out, "extrap", counted_from_hdf5(synthetic[name]), weak=False)
