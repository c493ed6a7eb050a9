"""End to end: the real binary on configs/smoke.toml under mpirun -np 2, the file read back with h5py."""
import json
import subprocess

import h5py
import numpy as np
import pytest

REPO = __import__("pathlib").Path(__file__).resolve().parents[2]

RUN_COLUMNS = ["run_id", "workload", "strategy", "chunk", "ranks", "threads", "repetition", "warmup", "tasks",
               "wall_s", "compute_max_s", "compute_mean_s", "distribute_s", "collect_s", "reduce_s", "status"]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory, parbench, env):
    out = tmp_path_factory.mktemp("smoke") / "smoke.h5"
    p = subprocess.run(["mpirun", "-np", "2", str(parbench), "run", str(REPO / "configs/smoke.toml"), "-o", str(out)],
                       env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return out, p


def strings(ds):
    return [s.decode() if isinstance(s, bytes) else s for s in ds[()]]


def test_root_attributes_describe_the_file(smoke):
    with h5py.File(smoke[0], "r") as f:
        assert f.attrs["schema"] == "parbench"
        assert f.attrs["schema_version"] == 2
        for key in ("parbench_version", "git_commit", "created"):
            assert f.attrs[key]


def test_run_table_has_one_row_per_run(smoke):
    with h5py.File(smoke[0], "r") as f:
        runs = f["runs"]
        lengths = {name: runs[name].shape[0] for name in runs}
        assert set(RUN_COLUMNS) <= set(lengths)
        assert len(set(lengths.values())) == 1
        n = lengths["run_id"]
        assert n == len(f["run"])
        assert list(runs["run_id"][()]) == list(range(1, n + 1))
        assert set(strings(runs["status"])) == {"ok"}
        assert all(runs["verified"][()] == 1)
        assert set(runs["ranks"][()]) == {1, 2}
        assert set(strings(runs["workload"])) == {"trig", "gauss_fit", "monte_carlo_pi", "nth_prime", "midpoint", "cube"}
        assert (runs["wall_s"][()] > 0).all()
        assert (runs["compute_max_s"][()] >= runs["compute_mean_s"][()]).all()


def test_every_timing_dataset_carries_units(smoke):
    with h5py.File(smoke[0], "r") as f:
        for name in f["run"]:
            ranks = f["run"][name]["ranks"]
            for ds in ("distribute_s", "compute_s", "collect_s", "idle_s"):
                assert ranks[ds].attrs["units"] == "s"
            assert ranks["core"].attrs["units"] == "cpu index"
            assert ranks["compute_s"].shape == (f["run"][name].attrs["ranks"],)


def test_results_are_identical_at_one_and_two_ranks(smoke):
    with h5py.File(smoke[0], "r") as f:
        by_point = {}
        for name in f["run"]:
            g = f["run"][name]
            res = {k: g["result"][k][()].tobytes() if hasattr(g["result"][k][()], "tobytes") else g["result"][k][()]
                   for k in g["result"]}
            by_point.setdefault(g.attrs["label"], []).append(res)
        for label, results in by_point.items():
            assert all(r == results[0] for r in results), label


def test_results_match_references(smoke):
    with h5py.File(smoke[0], "r") as f:
        for name in f["run"]:
            g = f["run"][name]
            kind = g.attrs["workload"]
            if kind == "midpoint":
                assert abs(g["result/integral"][()] - np.pi) < 1e-9
            if kind == "cube":
                n = g["params"].attrs["n"]
                assert int(g["result/sum"][()].decode() if isinstance(g["result/sum"][()], bytes)
                           else g["result/sum"][()]) == (n * (n + 1) // 2) ** 2
            if kind == "trig":
                p = g["params"].attrs
                x = np.full(1, float(p["n"]))
                for _ in range(p["iterations"]):
                    x += np.cos(x) + np.sin(x)
                assert abs(g["result/sum"][()] - x[0] * p["n"]) <= 1e-12 * abs(x[0] * p["n"])


def test_run_groups_hold_metadata_and_config(smoke):
    with h5py.File(smoke[0], "r") as f:
        g = f["run/000001"]
        for key in ("workload", "strategy", "chunk", "ranks", "threads", "repetition", "warmup", "status",
                    "start_time", "hosts", "slurm_job_id"):
            assert key in g.attrs
        text = g["config_toml"][()]
        assert "[study]" in (text.decode() if isinstance(text, bytes) else text)
        assert len(g["params"].attrs) > 0


def test_info_json_is_stable(smoke, parbench):
    p = subprocess.run([str(parbench), "info", str(smoke[0]), "--format", "json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["schema_version"] == 2
    run = doc["runs"][0]
    for key in ("run_id", "group", "workload", "strategy", "chunk", "ranks", "threads", "repetition", "warmup",
                "status", "wall_s", "compute_max_s", "params", "result"):
        assert key in run
    assert "sum" in run["result"]
    table = subprocess.run([str(parbench), "info", str(smoke[0])], capture_output=True, text=True)
    assert table.returncode == 0 and "sum=" in table.stdout


def test_summary_table_and_progress_lines(smoke):
    _, p = smoke
    assert "speedup" in p.stdout
    # Not a TTY: one plain progress line per finished run, on rank 0 only.
    lines = [l for l in p.stderr.splitlines() if l.startswith("parbench: [")]
    with h5py.File(smoke[0], "r") as f:
        assert len(lines) == f["runs/run_id"].shape[0]


def test_live_progress_line(parbench, env, tmp_path):
    # The form a terminal gets (run.sh asks for it with PARBENCH_PROGRESS=live, since under mpirun a rank's stderr is
    # a pipe): one line rewritten in place, shown as each run starts and, under dynamic, updated with the tasks done.
    cfg = tmp_path / "c.toml"
    cfg.write_text("[study]\nrepetitions = 1\nwarmup = 0\nranks = [1]\n[[workload]]\nlabel = 'live'\n"
                   "kind = 'trig'\nn = 400000\niterations = 1000\ntasks = 100\n[[strategy]]\nkind = 'dynamic'\nchunk = 1\n")
    p = subprocess.run(["mpirun", "-np", "1", str(parbench), "run", str(cfg), "-o", str(tmp_path / "o.h5")],
                       env={**env, "PARBENCH_PROGRESS": "live"}, capture_output=True, timeout=300)
    stderr = p.stderr.decode()  # as bytes: text mode would turn the carriage returns into newlines
    assert p.returncode == 0, stderr
    updates = stderr.split("\r\033[K")[1:]
    point = "live / dynamic chunk=1 / threads=1 ranks=1"
    assert updates[0].startswith(f"[1/1] {point}: running | elapsed ") and updates[0].endswith(" ETA --:--:--")
    counted = [u for u in updates if u.startswith(f"[1/1] {point}: tasks ")]
    assert counted, updates  # ~0.4 s of work: at least one count (they come at most every 0.25 s)
    done = [int(u.split("tasks ")[1].split("/")[0]) for u in counted]
    assert done == sorted(done) and 0 < done[-1] <= 100 and " ETA " in counted[-1]
    assert updates[-1].startswith(f"[1/1] {point} rep 0: ") and " ok | elapsed " in updates[-1]
    assert "parbench: [" not in stderr  # no batch-log lines on a terminal


def test_quiet_prints_no_progress(mpirun, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[study]\nrepetitions = 1\nwarmup = 0\n[[workload]]\nkind = 'cube'\nn = 100\n")
    p = mpirun(2, "run", cfg, "-o", tmp_path / "o.h5", "--quiet")
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""


def test_bind_to_core_records_two_different_cores(mpirun, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[study]\nrepetitions = 1\nwarmup = 0\n[[workload]]\nkind = 'trig'\nn = 20000\n")
    p = mpirun(2, "run", cfg, "-o", tmp_path / "o.h5", "-q", extra=["--bind-to", "core", "--map-by", "core"])
    assert p.returncode == 0, p.stderr
    with h5py.File(tmp_path / "o.h5", "r") as f:
        cores = f["run/000001/ranks/core"][()]
        assert len(cores) == 2 and cores[0] != cores[1]


@pytest.mark.parametrize("binding, warned", [(["--bind-to", "core"], True), (["--bind-to", "none"], False)])
def test_threads_on_a_one_core_binding_are_warned_about(mpirun, tmp_path, binding, warned):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[study]\nrepetitions = 1\nwarmup = 0\nthreads = [1, 2]\n[[workload]]\nkind = 'cube'\nn = 100\n")
    p = mpirun(2, "run", cfg, "-o", tmp_path / "o.h5", "-q", extra=binding)
    assert p.returncode == 0, p.stderr
    lines = p.stderr.splitlines()
    if warned:
        assert len(lines) == 1 and "threads = 2" in lines[0] and "only 1 core" in lines[0] and str(cfg) in lines[0]
    else:
        assert lines == []


def test_rerun_appends(mpirun, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[study]\nrepetitions = 1\nwarmup = 0\n[[workload]]\nkind = 'cube'\nn = 100\n")
    out = tmp_path / "o.h5"
    for _ in range(2):
        assert mpirun(2, "run", cfg, "-o", out, "-q").returncode == 0
    with h5py.File(out, "r") as f:
        assert list(f["runs/run_id"][()]) == [1, 2]


def test_merge_keeps_every_run(mpirun, parbench, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[study]\nrepetitions = 2\nwarmup = 0\n[[workload]]\nkind = 'cube'\nn = 100\n")
    for name in ("a.h5", "b.h5"):
        assert mpirun(2, "run", cfg, "-o", tmp_path / name, "-q").returncode == 0
    p = subprocess.run([str(parbench), "merge", tmp_path / "a.h5", tmp_path / "b.h5", "-o", tmp_path / "all.h5"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    with h5py.File(tmp_path / "all.h5", "r") as f:
        assert list(f["runs/run_id"][()]) == [1, 2, 3, 4]
        assert len(f["run"]) == 4
    again = subprocess.run([str(parbench), "merge", tmp_path / "a.h5", "-o", tmp_path / "all.h5"],
                           capture_output=True, text=True)
    assert again.returncode == 2 and again.stderr.count("\n") == 1


def test_list_shows_every_workload_with_parameters(parbench):
    p = subprocess.run([str(parbench), "list"], capture_output=True, text=True)
    assert p.returncode == 0
    for name in ("trig", "gauss_fit", "monte_carlo_pi", "nth_prime", "midpoint", "cube", "static", "cyclic",
                 "dynamic", "guided"):
        assert f"  {name} — " in p.stdout
    assert "iterations (integer, default 100" in p.stdout


def test_version_and_help(parbench):
    assert subprocess.run([str(parbench), "--version"], capture_output=True, text=True).stdout.startswith("parbench")
    assert "run" in subprocess.run([str(parbench), "--help"], capture_output=True, text=True).stdout


def test_export_writes_extrap_input_through_the_binary(smoke, parbench, tmp_path):
    out = tmp_path / "study.txt"
    p = subprocess.run([str(parbench), "export", str(smoke[0]), "--format", "extrap", "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    text = out.read_text()
    assert "PARAMETER p" in text and "POINTS 1 2" in text
    with h5py.File(smoke[0], "r") as f:
        points = {s for s, w in zip(f["runs/point"].asstr()[()], f["runs/warmup"][()]) if not w}
    assert text.count("REGION ") == len(points)
    bad = subprocess.run([str(parbench), "export", str(smoke[0]), "--format", "csv", "-o", str(out)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")


def test_launch_provenance_is_recorded_and_shown(smoke, parbench):
    import os
    with h5py.File(smoke[0], "r") as f:
        assert len(f["launch"]) == 1 and set(f["runs/launch"][()]) == {1}
        launch = f["launch/000001"]
        a = launch.attrs
        assert a["mpi_library"].startswith("Open MPI v")
        assert a["cpu_model"] not in ("", "unknown")
        assert a["logical_cpus"] == os.cpu_count() and a["cores"] >= 1 and a["threads_per_core"] >= 1
        assert a["governor"]  # "unknown" where the machine does not say (this VM)
        assert a["compiler"].startswith("GNU ") and "-O" in a["build_flags"]
        assert a["git_commit"] and a["parbench_version"] and a["world_size"] == 2 and a["nodes"] == 1
        assert list(launch["ranks/node"][()]) == [0, 0]
        cpus = launch["ranks/cpus"].asstr()[()]
        assert all(c and c[0].isdigit() for c in cpus)
    info = subprocess.run([str(parbench), "info", str(smoke[0])], capture_output=True, text=True, check=True).stdout
    assert "mpi: Open MPI v" in info and "governor" in info and "rank 1: node " in info
    assert "1 distinct result over" in info
