"""Reliability: SIGKILL at random moments never loses a finished run; SIGUSR1 stops a study that --resume finishes
with identical results; a failing rank ends the job promptly with a message naming it."""
import json
import os
import random
import re
import signal
import subprocess
import time

import h5py
import pytest

MANY_SHORT_RUNS = """
[study]
name = "kill"
repetitions = 6
warmup = 0
ranks = [1, 2]
[[workload]]
kind = "cube"
n = 200000
tasks = 8
[[workload]]
kind = "gauss_fit"
fits = 200
[[strategy]]
kind = "static"
[[strategy]]
kind = "dynamic"
chunk = 3
"""

INTERRUPTIBLE = """
[study]
name = "resume"
repetitions = 2
warmup = 0
ranks = [1, 2]
[[workload]]
kind = "trig"
n = 3000000
iterations = 100
tasks = 97
[[workload]]
kind = "monte_carlo_pi"
jobs = 40
darts = 2000000
[[strategy]]
kind = "static"
[[strategy]]
kind = "dynamic"
chunk = 2
"""


def start(parbench, env, cfg, out, np_=2, extra_env=None):
    e = dict(env)
    e.update(extra_env or {})
    return subprocess.Popen(["mpirun", "-np", str(np_), str(parbench), "run", str(cfg), "-o", str(out)], env=e,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def finished_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("parbench: [") and " ok |" in l]


def info_json(parbench, path):
    p = subprocess.run([str(parbench), "info", str(path), "--format", "json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_sigkill_at_any_moment_keeps_every_finished_run(parbench, env, tmp_path):
    cfg = tmp_path / "kill.toml"
    cfg.write_text(MANY_SHORT_RUNS)
    out = tmp_path / "kill.h5"
    rng = random.Random(20261122)
    expected = 0
    for moment in sorted(rng.uniform(0.3, 2.5) for _ in range(10)):
        proc = start(parbench, env, cfg, out)
        time.sleep(moment)
        os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=30)
        subprocess.run(["pkill", "-KILL", "-f", f"{parbench} run {cfg}"], check=False)
        expected += len(finished_lines(stderr))
        if not out.exists():
            assert expected == 0
            continue
        with h5py.File(out, "r") as f:  # opens: never half-written
            n = f["runs/run_id"].shape[0]
            assert all(f["runs"][c].shape[0] == n for c in f["runs"])
            for g in f["runs/group"].asstr()[()]:
                assert "result" in f[g] and len(f[g]["result"]) > 0
        doc = info_json(parbench, out)
        ok = [r for r in doc["runs"] if r["status"] == "ok"]
        assert len(ok) >= expected, (moment, len(ok), expected)
        assert all(r["result"] for r in ok)


def results_by_plan(path):
    with h5py.File(path, "r") as f:
        rows = {}
        for g, status in zip(f["runs/group"].asstr()[()], f["runs/status"].asstr()[()]):
            if status != "ok":
                continue
            grp = f[g]
            res = {k: grp["result"][k][()] for k in grp["result"]}
            rows[int(grp.attrs["plan_index"])] = {k: (v.tobytes() if hasattr(v, "tobytes") else v) for k, v in res.items()}
        return rows


@pytest.fixture(scope="module")
def uninterrupted(parbench, env, tmp_path_factory):
    d = tmp_path_factory.mktemp("full")
    cfg = d / "resume.toml"
    cfg.write_text(INTERRUPTIBLE)
    p = subprocess.run(["mpirun", "-np", "2", str(parbench), "run", str(cfg), "-o", str(d / "full.h5"), "-q"],
                       env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return d / "full.h5"


# SIGUSR1 to mpirun: what a SLURM batch script forwards before the time limit (Open MPI passes it to the ranks).
# SIGTERM to the ranks themselves: what SLURM sends to a job step's processes at the limit or on scancel.
@pytest.mark.parametrize("how", ["usr1-to-mpirun", "term-to-ranks"])
def test_interrupt_then_resume_equals_an_uninterrupted_study(parbench, env, tmp_path, uninterrupted, how):
    cfg = tmp_path / "resume.toml"
    cfg.write_text(INTERRUPTIBLE)
    full = uninterrupted
    part = tmp_path / "part.h5"
    proc = start(parbench, env, cfg, part)
    time.sleep(2.0)
    if how == "usr1-to-mpirun":
        proc.send_signal(signal.SIGUSR1)
    else:
        subprocess.run(["pkill", "-TERM", "-f", f"^{parbench} run {cfg}"], check=True)  # the ranks, not mpirun
    _, stderr = proc.communicate(timeout=120)
    if how == "usr1-to-mpirun":
        assert proc.returncode == 3, stderr
    else:
        assert proc.returncode != 0, stderr  # mpirun reports the ranks' exit code 3 as a failure of its own
    assert "--resume" in stderr
    with h5py.File(part, "r") as f:
        statuses = list(f["runs/status"].asstr()[()])
    assert 0 < statuses.count("ok") < 16
    p = subprocess.run(["mpirun", "-np", "2", str(parbench), "run", str(cfg), "-o", str(part), "--resume", "-q"],
                       env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    a, b = results_by_plan(full), results_by_plan(part)
    assert sorted(a) == sorted(b) == list(range(16))
    assert a == b
    # Resuming a finished study does nothing.
    again = subprocess.run(["mpirun", "-np", "2", str(parbench), "run", str(cfg), "-o", str(part), "--resume", "-q"],
                           env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0
    assert results_by_plan(part) == b


def test_failing_rank_ends_the_job_quickly_and_names_itself(parbench, env, tmp_path):
    cfg = tmp_path / "fault.toml"
    cfg.write_text(MANY_SHORT_RUNS.replace("ranks = [1, 2]", "ranks = [3]"))
    out = tmp_path / "fault.h5"
    t0 = time.monotonic()
    # Rank 1 of 3 throws in plan run 4 when it reaches task 2.
    proc = start(parbench, env, cfg, out, np_=3, extra_env={"PARBENCH_FAULT": "1:4:2"})
    _, stderr = proc.communicate(timeout=60)
    elapsed = time.monotonic() - t0
    assert proc.returncode != 0
    assert elapsed < 10, elapsed
    assert re.search(r"error: rank 1 \(node [^)]+\) failed: injected fault", stderr), stderr
    with h5py.File(out, "r") as f:
        assert list(f["runs/plan_index"][()]) == [0, 1, 2, 3]
        assert set(f["runs/status"].asstr()[()]) == {"ok"}
