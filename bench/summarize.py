"""Prints medians from a parbench file, for the bench/*.sh scripts (reads only documented run-table columns).

usage: summarize.py FILE strategies|scaling|overhead|imbalance|chunks|threads|speedup|publish
       summarize.py DIR ceiling    (DIR: alone_R.h5 and together_R_CORE.h5 of bench/scaling.sh, R the round)
"""
import pathlib
import sys

import h5py
import numpy as np


def table(path):
    with h5py.File(path, "r") as f:
        r = f["runs"]
        cols = {k: (r[k].asstr()[()] if r[k].dtype.kind == "O" else r[k][()]) for k in r}
    keep = (cols["warmup"] == 0) & (cols["status"] == "ok")
    return {k: np.asarray(v)[keep] for k, v in cols.items()}


def groups(t, *keys):
    out = {}
    for i in range(len(t["run_id"])):
        out.setdefault(tuple(t[k][i] for k in keys), []).append(i)
    return out


def med(t, col, idx):
    return float(np.median(t[col][idx]))


def ceiling(folder):
    """Per workload: one process alone against NP at once (one per core), compute phase, median over rounds."""
    folder = pathlib.Path(folder)
    rounds = sorted({p.stem.split("_")[1] for p in folder.glob("alone_*.h5")})
    alone, together, cores = {}, {}, 0
    for r in rounds:
        a = table(folder / f"alone_{r}.h5")
        for label, c in zip(a["label"], a["compute_max_s"]):
            alone.setdefault(label, []).append(c)
        files = sorted(folder.glob(f"together_{r}_*.h5"))
        cores = len(files)
        slowest = {}
        for f in files:
            b = table(f)
            for label, c in zip(b["label"], b["compute_max_s"]):
                slowest[label] = max(slowest.get(label, 0.0), c)
        for label, c in slowest.items():
            together.setdefault(label, []).append(c)
    for label in alone:
        ta, tt = float(np.median(alone[label])), float(np.median(together[label]))
        print(f"hardware ceiling, {label}: one process alone {ta:8.4f} s, {cores} at once (one per core) "
              f"{tt:8.4f} s (slowest)  ->  best possible compute eff {ta / tt:5.3f}  ({len(rounds)} rounds)")


def main(path, mode):
    if mode == "ceiling":
        return ceiling(path)
    t = table(path)
    if mode == "strategies":  # throughput relative to static, same workload and ranks
        for (label, ranks), _ in sorted(groups(t, "label", "ranks").items()):
            base = [i for i in range(len(t["run_id"])) if t["label"][i] == label and t["ranks"][i] == ranks
                    and t["strategy"][i] == "static"]
            print(f"{label}  ranks={ranks}")
            for (sl,), idx in sorted(groups({k: v for k, v in t.items()}, "strategy_label").items()):
                idx = [i for i in idx if t["label"][i] == label and t["ranks"][i] == ranks]
                if not idx:
                    continue
                rel = med(t, "wall_s", base) / med(t, "wall_s", idx)
                chunk = int(np.median(t["chunk"][idx]))
                print(f"  {sl:28s} wall {med(t, 'wall_s', idx):9.4f} s  chunk {chunk:6d}  "
                      f"imbalance {med(t, 'imbalance', idx):5.3f}  throughput vs static {rel:5.3f}")
    elif mode == "threads":  # compute speedup over 1 rank x 1 thread of the same workload
        for (label,), idx in groups(t, "label").items():
            sub = {k: t[k][idx] for k in t}
            base = groups(sub, "ranks", "threads")[(1, 1)]
            c11 = med(sub, "compute_max_s", base)
            for (p, th), j in sorted(groups(sub, "ranks", "threads").items()):
                comp = med(sub, "compute_max_s", j)
                print(f"{label}: {p} rank(s) x {th} thread(s): compute {comp:8.4f} s, wall {med(sub, 'wall_s', j):8.4f} s, "
                      f"compute speedup over 1 x 1 {c11 / comp:5.3f}")
    elif mode == "scaling":
        for (point,), idx in groups(t, "point").items():
            by_p = groups({k: t[k][idx] for k in t}, "ranks")
            t1 = None
            for (p,), j in sorted(by_p.items()):
                sub = {k: t[k][idx] for k in t}
                wall, comp = med(sub, "wall_s", j), med(sub, "compute_max_s", j)
                if t1 is None:
                    t1, c1, p1 = wall, comp, p
                cores = p * int(sub["threads"][j][0])
                print(f"{point:60s} ranks={p} threads={int(sub['threads'][j][0])}  wall {wall:8.4f} s  "
                      f"compute {comp:8.4f} s  whole-run eff {t1 * p1 / (wall * p):5.3f}  "
                      f"compute eff {c1 * p1 / (comp * p):5.3f}  compute speedup {c1 / comp:5.3f} on {cores} cores")
    elif mode == "overhead":
        for (point, p), idx in sorted(groups(t, "point", "ranks").items()):
            print(f"{point}  ranks={p}: wall_s {1e6 * med(t, 'wall_s', idx):8.1f} µs  "
                  f"(distribute {1e6 * med(t, 'distribute_s', idx):.1f}, collect {1e6 * med(t, 'collect_s', idx):.1f}, "
                  f"reduce {1e6 * med(t, 'reduce_s', idx):.1f}, compute {1e6 * med(t, 'compute_max_s', idx):.1f})  "
                  f"+ bookkeeping overhead_s {1e6 * med(t, 'overhead_s', idx):.1f} µs  "
                  f"= {1e6 * (med(t, 'wall_s', idx) + med(t, 'overhead_s', idx)):.1f} µs per run; "
                  f"file write_s {1e3 * med(t, 'write_s', idx):.2f} ms")
    elif mode == "imbalance":
        for (sl, p), idx in sorted(groups(t, "strategy_label", "ranks").items()):
            print(f"{sl:20s} ranks={p}: imbalance (max/mean compute) median {med(t, 'imbalance', idx):.3f}  "
                  f"wall {med(t, 'wall_s', idx):.3f} s")
    elif mode == "chunks":  # wall per chunk setting, against auto and the best setting (warm-up labels skipped)
        rows = {k: v for k, v in groups(t, "strategy_label", "ranks").items() if not k[0].startswith("warm-up")}
        best = min(med(t, "wall_s", idx) for idx in rows.values())
        auto = [med(t, "wall_s", idx) for idx in rows.values() if t["chunk_auto"][idx[0]]]
        tasks = int(t["tasks"][0])
        for (sl, p), idx in sorted(rows.items(), key=lambda kv: med(t, "chunk", kv[1])):
            wall = med(t, "wall_s", idx)
            # extra rank-seconds over the best setting, spread over the tasks: what one chunk request cost
            per_task = (wall - best) * p / tasks
            print(f"{sl:24s} ranks={p}: wall {wall:.4f} s (min {t['wall_s'][idx].min():.4f}, max "
                  f"{t['wall_s'][idx].max():.4f}, n={len(idx)})  chunk used {int(med(t, 'chunk', idx)):6d}  "
                  f"vs best {wall / best:5.3f}" + (f"  vs auto {wall / auto[0]:5.3f}" if auto else "")
                  + (f"  (+{1e6 * per_task:.2f} µs per task)" if int(med(t, "chunk", idx)) == 1 else ""))
    elif mode == "publish":  # write_s of run k is the publication of run k - 1, in the order runs finished
        order = np.argsort(t["run_id"])
        w = t["write_s"][order][1:]
        first, last = float(np.median(w[:50])), float(np.median(w[-50:]))
        size = pathlib.Path(path).stat().st_size
        print(f"{len(w) + 1} runs, file {size / 1e6:.1f} MB: publishing a run took median {1e3 * first:.2f} ms over "
              f"the first 50, {1e3 * last:.2f} ms over the last 50: ratio {last / first:.2f} "
              f"(max {1e3 * w.max():.1f} ms, total {w.sum():.2f} s)")
    elif mode == "speedup":  # per strategy label: median wall at the smallest and largest p, against static's
        rows = {k: v for k, v in groups(t, "strategy_label").items() if not k[0].startswith("warm-up")}
        ps = sorted(set(t["ranks"]))
        speedup = {}
        for (sl,), idx in rows.items():
            walls = {p: med(t, "wall_s", [i for i in idx if t["ranks"][i] == p]) for p in ps}
            speedup[sl] = walls[ps[0]] / walls[ps[-1]]
            top = [i for i in idx if t["ranks"][i] == ps[-1]]
            print(f"{sl:20s} wall p={ps[0]} {walls[ps[0]] * 1e3:8.3f} ms, p={ps[-1]} {walls[ps[-1]] * 1e3:8.3f} ms  "
                  f"speedup {speedup[sl]:5.3f}  imbalance at p={ps[-1]} {med(t, 'imbalance', top):5.3f}  (n={len(top)})")
        if "static" in speedup:
            for sl, s in sorted(speedup.items()):
                print(f"  {sl:18s} speedup / static's {s / speedup['static']:5.3f}")
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
