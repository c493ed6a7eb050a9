#!/usr/bin/python3
"""Checks the HDF5 files the job scripts wrote in tests/slurm/slurm_test.sh (Debian's /usr/bin/python3 + h5py).

    check.py strong FILE JOB_ID            ranks {1, 24}, every run ok, job id and node metadata recorded
    check.py weak FILE JOB_ID              scaling weak, work proportional to ranks
    check.py multinode FILE JOB_ID         one node: ranks {24} only (the nodes sweep of the script)
    check.py array MERGED "1 2 4"          every array task's rank count, task id and job id present; binding
    check.py stopped FILE TOTAL            some but not all counted runs finished (stopped by USR1)
    check.py resumed FILE TOTAL            every repetition 0..TOTAL-1 finished exactly once

Prints one line per check; exits 1 on the first failure.
"""
import sys

import h5py


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def ok(msg):
    print(f"  ok: {msg}")


def load(path):
    f = h5py.File(path, "r")
    if f.attrs.get("schema") != "parbench":
        fail(f"{path}: not a parbench file")
    cols = {k: (d.asstr()[()] if d.dtype.kind == "O" else d[()]) for k, d in f["runs"].items()}
    n = len(cols["run_id"])
    rows = [{k: v[i] for k, v in cols.items()} for i in range(n)]
    return f, rows


def attr(g, name):
    v = g.attrs[name]
    return v.decode() if isinstance(v, bytes) else v


def check_common(f, rows, job_id, path):
    if not rows:
        fail(f"{path}: no runs")
    bad = [r for r in rows if r["status"] != "ok"]
    if bad:
        fail(f"{path}: runs not ok: {[(int(r['run_id']), r['status']) for r in bad]}")
    ok(f"{len(rows)} runs, all ok")
    ids = {r["slurm_job_id"] for r in rows}
    if ids != {job_id}:
        fail(f"{path}: slurm_job_id {ids}, expected {{{job_id!r}}}")
    ok(f"slurm_job_id {job_id} recorded in every run")
    for r in rows:
        g = f[r["group"]]
        if attr(g, "slurm_nodelist") != "localhost":
            fail(f"{r['group']}: slurm_nodelist {attr(g, 'slurm_nodelist')!r}")
        if not attr(g, "hosts"):
            fail(f"{r['group']}: hosts empty")
        cores = g["ranks/core"][()]
        if len(cores) != r["ranks"]:
            fail(f"{r['group']}: ranks/core has {len(cores)} entries for {r['ranks']} ranks")
    ok("slurm_nodelist, hosts and ranks/core recorded per run")


def strong(path, job_id):
    f, rows = load(path)
    check_common(f, rows, job_id, path)
    ranks = sorted({int(r["ranks"]) for r in rows})
    if ranks != [1, 24]:
        fail(f"rank counts {ranks}, expected [1, 24]")
    ok("runs at 1 and 24 ranks")
    for r in rows:
        if int(r["ranks"]) == 24 and attr(f[r["group"]], "slurm_tasks_per_node") != "24":
            fail(f"slurm_tasks_per_node {attr(f[r['group']], 'slurm_tasks_per_node')!r}")
    ok("slurm_tasks_per_node = 24")
    if len(rows) != 8:
        fail(f"{len(rows)} runs, expected 8 (2 workloads x 2 strategies x 2 rank counts)")


def weak(path, job_id):
    f, rows = load(path)
    check_common(f, rows, job_id, path)
    if {r["scaling"] for r in rows} != {"weak"}:
        fail("scaling is not weak")
    work = {int(r["ranks"]): int(r["work_units"]) for r in rows}
    if sorted(work) != [1, 4] or work[4] != 4 * work[1]:
        fail(f"work units per rank count {work}, expected work(4) = 4 work(1)")
    ok(f"weak scaling: work units {work}")


def multinode(path, job_id):
    f, rows = load(path)
    check_common(f, rows, job_id, path)
    ranks = sorted({int(r["ranks"]) for r in rows})
    if ranks != [24]:
        fail(f"rank counts {ranks}, expected [24] on one node")
    ok("one node: ranks [24]")


def array(path, counts):
    expected = [int(c) for c in counts.split()]
    f, rows = load(path)
    bad = [r for r in rows if r["status"] != "ok"]
    if not rows or bad:
        fail(f"{path}: {len(rows)} runs, {len(bad)} not ok")
    ids = [int(r["run_id"]) for r in rows]
    if len(set(ids)) != len(ids):
        fail(f"run ids not unique after merge: {ids}")
    ok(f"{len(rows)} runs merged, run ids unique")
    ranks = sorted({int(r["ranks"]) for r in rows})
    if ranks != sorted(expected):
        fail(f"rank counts {ranks}, expected {sorted(expected)}")
    ok(f"every rank count of the array present: {ranks}")
    jobs = {}
    for r in rows:
        g = f[r["group"]]
        task = attr(g, "slurm_array_task_id")
        if task == "" or expected[int(task)] != int(r["ranks"]):
            fail(f"{r['group']}: slurm_array_task_id {task!r} for {r['ranks']} ranks")
        jobs.setdefault(r["slurm_job_id"], set()).add(task)
    if len(jobs) != len(expected) or any(len(t) != 1 for t in jobs.values()) or "" in jobs:
        fail(f"job ids per array task: {jobs}")
    ok(f"slurm_array_task_id matches the rank count; one job id per task ({len(jobs)})")
    for r in rows:
        if int(r["ranks"]) == 2:
            cores = f[r["group"]]["ranks/core"][()]
            if len(set(cores.tolist())) != 2:
                fail(f"{r['group']}: 2 ranks bound to cores {cores.tolist()}, expected two different cores")
    if 2 in expected:
        ok("2 ranks with --bind-to core ran on two different cores")


def stopped(path, total):
    f, rows = load(path)
    done = [r for r in rows if r["status"] == "ok" and not r["warmup"]]
    if not 1 <= len(done) < int(total):
        fail(f"{len(done)} finished runs after the stop, expected between 1 and {int(total) - 1}")
    ok(f"stopped early: {len(done)} of {total} runs kept")


def resumed(path, total):
    f, rows = load(path)
    reps = sorted(int(r["repetition"]) for r in rows if r["status"] == "ok" and not r["warmup"])
    if reps != list(range(int(total))):
        fail(f"finished repetitions {reps}, expected each of 0..{int(total) - 1} once")
    ok(f"resumed: all {total} runs, none twice ({len(rows)} rows in all)")


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
