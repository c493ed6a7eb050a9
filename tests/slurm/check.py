#!/usr/bin/python3
"""Checks the HDF5 files the job scripts wrote in tests/slurm/slurm_test.sh (Debian's /usr/bin/python3 + h5py).

    check.py strong FILE JOB_ID            ranks {1, 24}, every run ok, job id and node metadata recorded
    check.py weak FILE JOB_ID              scaling weak, work proportional to ranks
    check.py multinode FILE JOB_ID         one node: ranks {24} only (the nodes sweep of the script)
    check.py array MERGED "1 2 4"          every array task's rank count, task id and job id present; binding
    check.py stopped FILE TOTAL            some but not all counted runs finished (stopped by USR1)
    check.py resumed FILE TOTAL            every repetition 0..TOTAL-1 finished exactly once

and for tests/slurm/multinode_test.sh (fake nodes n1, n2, n3; T = tasks per node):
    check.py probe JOB_LOG NODES T SHM_DIR     node_probe's lines: T ranks per node, block-wise, SHARED split = nodes
    check.py multinode3 FILE JOB_ID T          ranks T, 2T, 3T on 1, 2, 3 nodes; node of every rank
    check.py onenode FILE JOB_ID T             ranks T on one node [C++: nodes = 1]
    check.py identical FILE REFERENCE          every ok run's results bitwise equal to REFERENCE's runs of the same
                                               point and repetition (results do not depend on ranks or nodes)
    check.py placement FILE JOB_ID R "1 2 3"   R ranks on each node count, R/n per node, block-wise
    check.py placement_report DIR "1 2 3"      summary.csv has one row per node count
    check.py resumed_plan FILE TOTAL BEFORE    plan runs 0..TOTAL-1 each finished once, in order (BEFORE of them by
                                               the attempt that failed, the rest after the requeue; TOTAL = BEFORE:
                                               only the failed attempt's runs)
    check.py weak3 FILE JOB_ID T               weak scaling at T, 2T, 3T ranks: work proportional to ranks

Checks of where the ranks ran (run-table columns nodes and ranks_per_node, ranks/node and ranks/node_name per run,
[study] nodes, the report grouped by node count) go through node_check(), which also counts a missing column as a
failure.

Prints one line per check; exits 1 on the first failure.
"""
import csv
import os
import re
import sys

import h5py


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def ok(msg):
    print(f"  ok: {msg}")


def node_check(what, check):
    """Runs check() -> None on success, else a reason; a missing column or dataset (KeyError) is a reason too."""
    try:
        reason = check()
    except KeyError as e:  # a run-table column (row dict) or an HDF5 member (h5py) that is not there
        reason = f"missing {e}"
    if reason is None:
        ok(what)
        return True
    fail(f"{what}: {reason}")


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


def check_common(f, rows, job_id, path, nodelist="localhost"):
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
        if attr(g, "slurm_nodelist") != nodelist:
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


# ---- multi-node (tests/slurm/multinode_test.sh) -------------------------------------------------------------------

PROBE = re.compile(r"^probe rank=(\d+) size=(\d+) node=(\S+) nodeid=(\S+) shared_size=(\d+) shared_leader=(\d+) "
                   r"sum=(\S+) shm=(\S+)$")


def probe(log, nodes, per_node, shm_dir):
    nodes, per_node = int(nodes), int(per_node)
    n = nodes * per_node
    lines = {}
    with open(log) as fh:
        for line in fh:
            m = PROBE.match(line.strip())
            if m:
                lines.setdefault(int(m.group(1)), []).append(m.groups())
    if sorted(lines) != list(range(n)) or any(len(v) != 1 for v in lines.values()):
        fail(f"{log}: probe lines for ranks {sorted(lines)}, expected each of 0..{n - 1} once")
    for r, ((_, size, node, nodeid, shared_size, leader, total, shm),) in sorted(lines.items()):
        k = r // per_node  # block-wise: ranks 0..T-1 on the first node, and so on
        want = (str(n), f"n{k + 1}", str(k), str(per_node), str(k * per_node), str(n * (n - 1) // 2),
                f"{shm_dir}/n{k + 1}")
        got = (size, node, nodeid, shared_size, leader, total, shm)
        if got != want:
            fail(f"rank {r}: (size, node, nodeid, shared size, shared leader, allreduce sum, shm dir) = {got}, "
                 f"expected {want}")
    ok(f"{n} ranks, {per_node} on each of n1..n{nodes} in rank order (SLURMD_NODENAME, SLURM_NODEID)")
    ok(f"MPI_COMM_TYPE_SHARED splits the world into the {nodes} nodes; an 8 MiB allreduce across them is exact")
    ok(f"each node's shared memory in its own directory {shm_dir}/<node>")


def node_layout(f, row):
    """(nodes column, ranks_per_node column, ranks/node list, ranks/node_name list) of a run; KeyError if absent."""
    nodes, per_node = int(row["nodes"]), int(row["ranks_per_node"])  # run-table columns first: the clearer miss
    g = f[row["group"]]
    names = g["ranks/node_name"]
    return (nodes, per_node, [int(x) for x in g["ranks/node"][()]],
            list(names.asstr()[()]) if names.dtype.kind == "O" else [x.decode() for x in names[()]])


def expect_layout(f, rows, per_run):
    """per_run(row) -> (ranks per node, node count) of a block-wise placement; None if all runs match."""
    for r in rows:
        per_node, nodes = per_run(r)
        want = (nodes, per_node, [i // per_node for i in range(int(r["ranks"]))],
                [f"n{i // per_node + 1}" for i in range(int(r["ranks"]))])
        got = node_layout(f, r)
        if got != want:
            return (f"{r['group']} ({int(r['ranks'])} ranks): (nodes, ranks_per_node, ranks/node, ranks/node_name) = "
                    f"{got}, expected {want}")
    return None


def multinode3(path, job_id, per_node):
    t = int(per_node)
    f, rows = load(path)
    check_common(f, rows, job_id, path, nodelist="n[1-3]")
    ranks = sorted({int(r["ranks"]) for r in rows})
    if ranks != [t, 2 * t, 3 * t]:
        fail(f"rank counts {ranks}, expected {[t, 2 * t, 3 * t]}")
    # slurm_tasks_per_node is not checked: it is the environment of the step that started rank 0, which under mpirun
    # here is mpirun's own srun of one orted per node ("1(x3)"); only srun's step says "T(x3)".
    ok(f"runs at {ranks} ranks")
    node_check(f"runs at k x {t} ranks record nodes = k, ranks_per_node = {t}, node indices and names block-wise "
              f"(3 distinct at {3 * t} ranks)",
              lambda: expect_layout(f, rows, lambda r: (t, int(r["ranks"]) // t)))


def onenode(path, job_id, per_node):
    t = int(per_node)
    f, rows = load(path)
    check_common(f, rows, job_id, path, nodelist="n1")
    ranks = sorted({int(r["ranks"]) for r in rows})
    if ranks != [t]:
        fail(f"rank counts {ranks}, expected [{t}] on one node")
    ok(f"one node: ranks [{t}]")
    node_check("nodes = 1 and every rank on node 0 (n1)", lambda: expect_layout(f, rows, lambda r: (t, 1)))


def results_of(f, row):
    res = f[row["group"]]["result"]
    out = {}
    for k in res:
        v = res[k][()]
        out[k] = v.tobytes() if hasattr(v, "tobytes") else repr(v)
    return out


def identical(path, reference):
    f, rows = load(path)
    g, ref_rows = load(reference)
    by_key = {}
    for r in ref_rows:
        if r["status"] == "ok":
            by_key.setdefault((r["point"], int(r["repetition"]), int(r["warmup"])), []).append(results_of(g, r))
    compared = 0
    for r in rows:
        if r["status"] != "ok":
            continue
        key = (r["point"], int(r["repetition"]), int(r["warmup"]))
        if key not in by_key:
            fail(f"{path}: {r['group']} {key} has no run of the same point and repetition in {reference}")
        mine = results_of(f, r)
        for theirs in by_key[key]:
            if mine != theirs:
                diff = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
                fail(f"{r['group']} ({int(r['ranks'])} ranks) {key}: results {diff} differ from {reference}")
            compared += 1
    if compared == 0:
        fail(f"{path}: nothing compared with {reference}")
    ok(f"results bitwise identical to {os.path.basename(reference)} ({compared} run pairs, every point)")


def placement(path, job_id, ranks, node_counts):
    r_ = int(ranks)
    counts = sorted(int(c) for c in node_counts.split())
    f, rows = load(path)
    check_common(f, rows, job_id, path, nodelist=f"n[1-{max(counts)}]")
    if sorted({int(r["ranks"]) for r in rows}) != [r_]:
        fail(f"rank counts {sorted({int(r['ranks']) for r in rows})}, expected [{r_}]")
    ok(f"every run at {r_} ranks")

    def per_point():
        seen = {}
        for r in rows:
            seen.setdefault((r["point"], int(r["repetition"])), []).append(int(r["nodes"]))
        for key, got in seen.items():
            if sorted(got) != counts:
                return f"{key}: node counts {sorted(got)}, expected {counts}"
        return None

    node_check(f"every point and repetition ran once on each of {counts} nodes", per_point)
    node_check(f"{r_} ranks on n nodes: ranks_per_node = {r_}/n, node indices and names block-wise",
              lambda: expect_layout(f, rows, lambda r: (r_ // int(r["nodes"]), int(r["nodes"]))))


def placement_report(report_dir, node_counts):
    counts = sorted(int(c) for c in node_counts.split())
    path = os.path.join(report_dir, "summary.csv")
    with open(path) as fh:
        table = list(csv.DictReader(fh))
    if not table:
        fail(f"{path}: empty")
    ok(f"report written: {len(table)} rows in summary.csv")

    def grouped():
        if "nodes" not in table[0]:
            return f"summary.csv has no 'nodes' column (columns: {', '.join(table[0])})"
        by_point = {}
        for row in table:
            by_point.setdefault(row["point"], set()).add(int(float(row["nodes"])))
        bad = {p: sorted(n) for p, n in by_point.items() if sorted(n) != counts}
        return f"node counts per point {bad}, expected {counts} each" if bad else None

    node_check(f"summary.csv has a row per point and node count {counts} (a curve per placement)", grouped)


def resumed_plan(path, total, before):
    total, before = int(total), int(before)
    f, rows = load(path)
    plan = [int(r["plan_index"]) for r in rows]
    if plan != list(range(total)):
        fail(f"plan indices in file order {plan}, expected 0..{total - 1} once each, in order")
    bad = [r["group"] for r in rows if r["status"] != "ok"]
    if bad:
        fail(f"runs not ok: {bad}")
    if before == total:
        ok(f"plan runs 0..{total - 1} kept, all ok: the runs finished before the failure")
    else:
        ok(f"all {total} plan runs finished exactly once: {before} before the failure, {total - before} after the "
           "requeue (--resume skipped the finished ones)")


def weak3(path, job_id, per_node):
    t = int(per_node)
    f, rows = load(path)
    check_common(f, rows, job_id, path, nodelist="n[1-3]")
    if {r["scaling"] for r in rows} != {"weak"}:
        fail("scaling is not weak")
    work = {}
    for r in rows:
        work.setdefault(int(r["ranks"]), set()).add(int(r["work_units"]))
    if sorted(work) != [t, 2 * t, 3 * t] or any(len(w) != 1 for w in work.values()):
        fail(f"work units per rank count {work}")
    base = next(iter(work[t]))
    if any(next(iter(work[k * t])) != k * base for k in (2, 3)):
        fail(f"work units per rank count {work}, expected work(k T) = k work(T)")
    ok(f"weak scaling across 1, 2, 3 nodes: work units { {k: next(iter(v)) for k, v in sorted(work.items())} }")


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
