"""One run-table schema: the columns of a file the real binary wrote, the table in docs/hdf5-schema.md and what the
analysis loader needs agree, names and types; and files of schema version 1 (written by fixtures/make_schema1.py in
the earlier build's layout) stay readable by info, report and merge."""
import json
import pathlib
import re
import subprocess
import sys

import h5py
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
DOC_TYPES = {"int64": "<i8", "int8": "|i1", "float64": "<f8", "string": "|O"}


def doc_table(heading_pattern):
    """(name, type) rows of the first Markdown table after a heading matching the pattern."""
    text = (REPO / "docs/hdf5-schema.md").read_text()
    section = re.split(heading_pattern, text, maxsplit=1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if rows and not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            for name in re.findall(r"`([a-z_0-9]+)`", cells[0]):
                rows.append((name, cells[1].split(",")[-1].strip() if "," in cells[1] else cells[1]))
    return rows


@pytest.fixture(scope="module")
def study(tmp_path_factory, mpirun):
    d = tmp_path_factory.mktemp("schema")
    cfg = d / "s.toml"
    cfg.write_text('[study]\nrepetitions = 6\nwarmup = 0\nranks = [1, 2]\n[[workload]]\nkind = "cube"\nn = 1000\n')
    p = mpirun(2, "run", cfg, "-o", d / "s.h5", "--quiet")
    assert p.returncode == 0, p.stderr
    return d / "s.h5"


def test_run_table_matches_the_schema_doc(study):
    documented = doc_table(r"## `/runs`")
    assert len(documented) == len({n for n, _ in documented}) > 30
    with h5py.File(study, "r") as f:
        written = {name: ds.dtype.str for name, ds in f["runs"].items()}
    assert set(written) == {n for n, _ in documented}
    for name, kind in documented:
        assert written[name] == DOC_TYPES[kind], (name, kind, written[name])


def test_points_table_matches_the_schema_doc(study):
    documented = doc_table(r"## `/points`")
    with h5py.File(study, "r") as f:
        written = {name: ds.dtype.str for name, ds in f["points"].items()}
    assert set(written) == {n for n, _ in documented}


def test_analysis_loader_reads_only_documented_columns():
    sys.path.insert(0, str(REPO / "analysis"))
    from parbench_analysis import loader
    documented = {n for n, _ in doc_table(r"## `/runs`")}
    assert set(loader.REQUIRED_COLUMNS) <= documented
    assert 2 in getattr(loader, "SUPPORTED_SCHEMA_VERSIONS", ()) and 1 in loader.SUPPORTED_SCHEMA_VERSIONS


@pytest.fixture(scope="module")
def schema1(tmp_path_factory):
    path = tmp_path_factory.mktemp("v1") / "old.h5"
    subprocess.run(["/usr/bin/python3", str(REPO / "tests/python/fixtures/make_schema1.py"), str(path)], check=True)
    return path


def test_schema1_file_is_read_by_info(parbench, schema1):
    table = subprocess.run([str(parbench), "info", str(schema1)], capture_output=True, text=True)
    assert table.returncode == 0, table.stderr
    assert "parbench schema 1" in table.stdout and "6 runs" in table.stdout
    assert "no result hashes (schema 1 file)" in table.stdout
    doc = json.loads(subprocess.run([str(parbench), "info", str(schema1), "--format", "json"], capture_output=True,
                                    text=True, check=True).stdout)
    assert doc["schema_version"] == 1 and len(doc["runs"]) == 6
    assert doc["runs"][0]["result"]["count"] == 1000 and doc["runs"][0]["nodes"] == 0


def test_schema1_file_is_read_by_report(parbench, schema1, tmp_path):
    p = subprocess.run([str(parbench), "report", str(schema1), "-o", str(tmp_path / "report")], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    summary = (tmp_path / "report" / "summary.csv").read_text()
    assert "cube n=1000 / static / threads=1" in summary


def test_schema1_file_is_merged_into_schema2(parbench, schema1, study, tmp_path):
    out = tmp_path / "merged.h5"
    p = subprocess.run([str(parbench), "merge", str(schema1), str(study), "-o", str(out)], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    with h5py.File(out, "r") as f, h5py.File(study, "r") as new:
        assert f.attrs["schema_version"] == 2
        runs = f["runs"]
        n_new = len(new["runs/run_id"])
        assert list(runs["run_id"][()]) == list(range(1, 7 + n_new))
        assert runs["warmup"].dtype.str == "|i1" and runs["launch"][0] == 0 and runs["result_hash"].asstr()[0] == ""
        assert f["run/000001/result/sum"].asstr()[()] == "250500250000"
        assert runs["launch"][6] == 1 and len(f["launch"]) == 1  # the new file's launch, renumbered
        assert len(f["points"]["point"]) == len(new["points"]["point"])
    refused = subprocess.run([str(parbench), "run", str(REPO / "configs/smoke.toml"), "--ranks", "1", "-o", str(schema1)],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "schema_version: is 1" in refused.stderr
