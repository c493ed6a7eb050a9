"""One PNG per view of a point. Every figure names the point, host and date, and labels its axes with units."""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")  # files only; no display on batch nodes
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullLocator  # noqa: E402

from .chunks import ChunkGroup  # noqa: E402
from .loader import read_rank_dataset, read_trace  # noqa: E402
from .scaling import SERIAL_MEASURED_DEFINITION, PointAnalysis  # noqa: E402

PHASES = [  # run-table column, legend label; stacked bottom to top
    ("compute_max_s", "compute (slowest rank)"),
    ("distribute_s", "distribute"),
    ("collect_s", "collect"),
    ("reduce_s", "reduce"),
    ("overhead_s", "overhead"),
]
DPI = 110
CHUNK_STYLE = {"dynamic": ("C0", "o"), "guided": ("C1", "s"), "cyclic": ("C2", "^")}  # colour, marker per kind
PLAIN_NUMBER = FuncFormatter(lambda v, _: f"{v:g}")


FIG_HEIGHT_IN = 4.8


def _threads_text(threads: int) -> str:
    return f"{threads} thread{'s' if threads != 1 else ''}/rank"


def _figure(a: PointAnalysis, view: str, ncols: int = 1, extra: str = ""):
    """A point's figure: the header names the view, label, strategy, threads and scaling."""
    title = f"{view} — {a.label} · {a.strategy} · {_threads_text(a.threads)} ({a.scaling} scaling)"
    return _header_figure(title, a.hosts, a.created, ncols, extra)


def _header_figure(title: str, hosts: str, created: str, ncols: int = 1, extra: str = ""):
    """Figure with a header: what is shown and for what, then host, date and how to read it."""
    fig, axes = plt.subplots(1, ncols, figsize=(6.4 * ncols if ncols > 1 else 7.2, FIG_HEIGHT_IN), squeeze=False)
    lines = [f"host: {hosts or 'unknown'} · created {created or 'unknown'}"] + ([extra] if extra else [])
    top_in = 0.08
    fig.text(0.5, 1 - top_in / FIG_HEIGHT_IN, title, ha="center", va="top", fontsize=11)
    top_in += 0.24
    fig.text(0.5, 1 - top_in / FIG_HEIGHT_IN, "\n".join(lines), ha="center", va="top", fontsize=8, color="0.3")
    top_in += 0.16 * len(lines) + 0.05
    fig.header_fraction = top_in / FIG_HEIGHT_IN  # the axes go below this; see _save
    return fig, axes[0]


def _save(fig, out_dir: str, name: str) -> str:
    fig.tight_layout(rect=(0, 0, 1, 1 - fig.header_fraction))
    path = os.path.join(out_dir, name)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _p_axis(ax, ps, label: str = "ranks p"):
    """log2 axis when p spans more than a factor of 8; ticks at the measured rank counts either way."""
    ps = np.asarray(ps)
    if ps.max() / ps.min() > 8:
        ax.set_xscale("log", base=2)
    ax.xaxis.set_major_locator(FixedLocator(ps))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(PLAIN_NUMBER)
    ax.set_xlabel(label)


def _legend(ax, **kwargs):
    if ax.get_legend_handles_labels()[0]:  # a panel may have nothing labelled (no fit, single p)
        ax.legend(**kwargs)


def _p_grid(ps):
    return np.geomspace(ps.min(), ps.max(), 200) if ps.max() > ps.min() else ps


def _speedup_label(a: PointAnalysis) -> str:
    if a.weak:
        p0 = a.baseline_p
        return "scaled speedup (W(p)/T(p)) / (W(1)/T(1))" if p0 == 1 else \
            f"scaled speedup {p0}·(W(p)/T(p)) / (W({p0})/T({p0}))"
    return "speedup S(p) = T(1)/T(p)" if a.baseline_p == 1 else f"speedup S(p) = {a.baseline_p}·T({a.baseline_p})/T(p)"


def _fit_label(a: PointAnalysis) -> str:
    model = "Amdahl" if a.fit.model == "amdahl" else "Gustafson"
    return f"{model} fit, {a.fit.describe()}"


def plot_speedup(a: PointAnalysis, out_dir: str) -> str:
    t, ps = a.table, a.ps
    reps = sorted({int(t["n"].min()), int(t["n"].max())})
    fig, (ax,) = _figure(a, "Scaled speedup" if a.weak else "Speedup",
                         extra=f"T = median wall_s over {'–'.join(map(str, reps))} repetitions per p, "
                               f"bars min–max · {a.baseline_short()}")
    ax.errorbar(ps, t["S"], yerr=[t["S"] - t["S_lo"], t["S_hi"] - t["S"]], fmt="o", capsize=3,
                color="C0", label="measured (median, min–max)")
    ax.plot(ps, ps, "--", color="0.5", label="ideal S = p")
    if a.fit:
        grid = _p_grid(ps)
        ax.plot(grid, a.fitted_speedup(grid), "-", color="C1", label=_fit_label(a))
    _p_axis(ax, ps)
    if ps.max() / ps.min() > 8:
        ax.set_yscale("log", base=2)
        ax.yaxis.set_major_formatter(PLAIN_NUMBER)
    ax.set_ylabel(_speedup_label(a) + "  [×]")
    ax.grid(True, which="major", alpha=0.3)
    _legend(ax, fontsize=8, loc="upper left")
    return _save(fig, out_dir, "speedup.png")


def plot_efficiency(a: PointAnalysis, out_dir: str) -> str:
    t, ps = a.table, a.ps
    fig, (ax,) = _figure(a, "Efficiency", extra=f"E(p) = S(p)/p · {a.baseline_short()}")
    ax.errorbar(ps, t["E"], yerr=[t["E"] - t["E_lo"], t["E_hi"] - t["E"]], fmt="o-", capsize=3,
                color="C0", label="measured (median, min–max)")
    ax.axhline(1.0, ls="--", color="0.5", label="ideal E = 1")
    if a.fit:
        grid = _p_grid(ps)
        ax.plot(grid, a.fitted_speedup(grid) / grid, "-", color="C1", label=_fit_label(a))
    _p_axis(ax, ps)
    ax.set_ylim(0, max(1.1, float(t["E_hi"].max()) * 1.05))
    ax.set_ylabel("efficiency E(p) = S(p)/p  [fraction]")
    ax.grid(True, alpha=0.3)
    _legend(ax, fontsize=8, loc="lower left")
    return _save(fig, out_dir, "efficiency.png")


def plot_serial_fraction(a: PointAnalysis, out_dir: str) -> str:
    """Left: fitted fraction with its interval next to per-p estimates (Karp-Flatt, or Gustafson's per-p α).
    Right: the measured non-compute share of wall time next to what the fitted model predicts for it."""
    t, ps = a.table, a.ps
    fig, (left, right) = _figure(a, "Gustafson serial fraction" if a.weak else "Amdahl serial fraction", ncols=2,
                                 extra=f"measured serial share = {SERIAL_MEASURED_DEFINITION} · {a.baseline_short()}")
    symbol = "α" if a.weak else "f"
    if a.fit:
        left.axhline(a.fit.fraction, color="C1", label=f"fit: {a.fit.describe()}")
        if np.isfinite(a.fit.lo):
            left.axhspan(a.fit.lo, a.fit.hi, color="C1", alpha=0.2, label="95 % interval")
    else:
        left.text(0.5, 0.5, f"no fit:\n{a.no_fit_reason}", transform=left.transAxes, ha="center", va="center",
                  fontsize=8, wrap=True)
    per_p = t["alpha_per_p"] if a.weak else t["karp_flatt"]
    if not per_p.notna().any():
        pass  # a single rank count, or only the baseline: nothing to estimate per p
    elif a.weak:
        left.plot(ps, t["alpha_per_p"], "s", color="C2", label="per-p α(p) = (p − S)/(p − 1)")
    else:
        left.plot(ps, t["karp_flatt"], "s", color="C2", label="Karp–Flatt e(p) = (1/S − 1/p)/(1 − 1/p)")
    _p_axis(left, ps)
    left.set_ylabel(f"serial fraction {symbol}  [fraction of {'the p-rank' if a.weak else 'the 1-rank'} time]")
    low, high = left.get_ylim()
    if a.fit:
        high = max(high, (a.fit.hi if np.isfinite(a.fit.lo) else a.fit.fraction) * 1.1)
    left.set_ylim(min(0.0, low), high)
    left.set_title("fit and per-p estimates", fontsize=9)
    left.grid(True, alpha=0.3)
    _legend(left, fontsize=7, loc="best")

    right.plot(ps, t["serial_measured"], "o", color="C0", label="measured from phase timings")
    top = max(0.05, float(np.nanmax(t["serial_measured"])) * 1.2)
    if a.fit:
        grid = _p_grid(ps)
        if a.weak:
            predicted, how = np.full_like(grid, a.fit.fraction), "α"
        else:
            f = a.fit.fraction
            predicted, how = f / (f + (1 - f) / grid), "f / (f + (1 − f)/p)"
        right.plot(grid, predicted, "-", color="C1", label=f"fitted model: {how}")
        top = max(top, float(np.nanmax(predicted)) * 1.1)  # the whole model curve stays in view
    _p_axis(right, ps)
    right.set_ylim(0, min(top, 1.05))
    right.set_ylabel("serial share of the p-rank wall time  [fraction]")
    right.set_title("non-compute share of wall_s", fontsize=9)
    right.grid(True, alpha=0.3)
    _legend(right, fontsize=7, loc="best")
    return _save(fig, out_dir, "gustafson.png" if a.weak else "amdahl.png")


def plot_breakdown(a: PointAnalysis, out_dir: str) -> str:
    ps = a.ps
    median_runs = [a.median_run(p) for p in ps]
    layers = {label: np.array([r[col] for r in median_runs]) for col, label in PHASES}
    wall = np.array([r["wall_s"] for r in median_runs])
    layers["other/idle (rest of wall_s)"] = np.clip(wall - sum(layers.values()), 0, None)
    fig, (absolute, share) = _figure(a, "Time per phase", ncols=2,
                                     extra="the median-wall_s repetition at each p; phase columns of the run table")
    x = np.arange(len(ps))
    bottom_abs, bottom_share = np.zeros(len(ps)), np.zeros(len(ps))
    for i, (label, values) in enumerate(layers.items()):
        absolute.bar(x, values, bottom=bottom_abs, color=f"C{i}", label=label)
        share.bar(x, 100 * values / wall, bottom=bottom_share, color=f"C{i}")
        bottom_abs += values
        bottom_share += 100 * values / wall
    for ax in (absolute, share):
        ax.set_xticks(x, [str(p) for p in ps])
        ax.set_xlabel("ranks p")
        ax.grid(True, axis="y", alpha=0.3)
    absolute.set_ylabel("time  [s]")
    absolute.set_title("seconds", fontsize=9)
    share.set_ylabel("share of wall_s  [%]")
    share.set_ylim(0, 100)
    share.set_title("share of wall time", fontsize=9)
    absolute.set_ylim(0, bottom_abs.max() * 1.3)  # headroom for the legend above the bars
    _legend(absolute, fontsize=7, loc="upper center", ncol=3)
    return _save(fig, out_dir, "breakdown.png")


def plot_balance(a: PointAnalysis, out_dir: str) -> str | None:
    p = int(a.ps.max())
    run = a.median_run(p)
    compute = read_rank_dataset(run["file"], run["group"], "compute_s")
    if compute is None:
        return None
    fig, (ax,) = _figure(a, "Load balance",
                         extra=f"p = {p}, repetition {int(run['repetition'])} (median wall_s) · ranks/compute_s")
    ranks = np.arange(len(compute))
    ax.bar(ranks, compute, color="C0")
    ax.axhline(compute.mean(), ls="--", color="C1")
    ax.set_title(f"imbalance max/mean = {compute.max() / compute.mean():.3f} · "
                 f"dashed line: mean {compute.mean():.3g} s", fontsize=9)
    ax.set_xlabel("rank")
    ax.set_ylabel("compute time  [s]")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=min(len(ranks), 16), integer=True))
    ax.set_xlim(-0.6, len(ranks) - 0.4)
    ax.grid(True, axis="y", alpha=0.3)
    return _save(fig, out_dir, "balance.png")


def plot_timeline(a: PointAnalysis, out_dir: str) -> str | None:
    run = a.traced_run()
    if run is None:
        return None
    trace = read_trace(run["file"], run["group"])
    if trace is None or trace.empty:
        return None
    threads = max(int(trace["thread"].max()) + 1, 1)
    fig, (ax,) = _figure(a, "Task timeline",
                         extra=f"p = {int(run['ranks'])}, repetition {int(run['repetition'])}, "
                               f"{len(trace)} tasks; colour = task id")
    colours = plt.get_cmap("viridis")(trace["task"] / max(int(trace["task"].max()), 1))
    lane_height = 0.8 / threads
    edge = "white" if len(trace) <= 2000 else "none"  # task boundaries, while they are still visible
    for (rank, thread), lane in trace.groupby(["rank", "thread"]):
        y = rank - 0.4 + thread * lane_height
        ax.broken_barh(list(zip(lane["start_s"], lane["end_s"] - lane["start_s"])), (y, lane_height * 0.9),
                       facecolors=colours[lane.index.to_numpy()], edgecolor=edge, linewidth=0.3)
    ranks = np.arange(int(trace["rank"].max()) + 1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=min(len(ranks), 16), integer=True))
    ax.set_ylim(ranks[-1] + 0.5, -0.5)  # rank 0 on top
    ax.set_ylabel("rank" + (f" (lanes = {threads} threads)" if threads > 1 else ""))
    ax.set_xlabel("time since the run's start barrier  [s]")
    ax.axvline(run["wall_s"], ls=":", color="0.4", label=f"wall_s = {run['wall_s']:.3g} s")
    ax.set_xlim(left=0)
    _legend(ax, fontsize=8, loc="lower right")
    ax.grid(True, axis="x", alpha=0.3)
    return _save(fig, out_dir, "timeline.png")


def plot_point(a: PointAnalysis, out_dir: str) -> list[str]:
    """Every plot that applies to the point; returns the files written."""
    os.makedirs(out_dir, exist_ok=True)
    written = [plot_speedup(a, out_dir), plot_efficiency(a, out_dir), plot_serial_fraction(a, out_dir),
               plot_breakdown(a, out_dir), plot_balance(a, out_dir), plot_timeline(a, out_dir)]
    return [w for w in written if w]


def _chunk_errorbar(ax, rows, fmt: str, colour: str, label: str, **style):
    ax.errorbar(rows["chunk"], rows["T"], yerr=[rows["T"] - rows["T_min"], rows["T_max"] - rows["T"]], fmt=fmt,
                capsize=3, color=colour, label=label, **style)


def _chunk_y_limits(low: float, high: float, log: bool) -> tuple[float, float]:
    """Limits that keep the data between 15 % and 75 % of the axes height: room below for the "auto → N"
    annotations, above for the legend."""
    to, back = (np.log, np.exp) if log else (float, float)
    a, b = to(low), to(high)
    span = max(b - a, 0.05 * abs(b))
    return max(back(a - span * 0.15 / 0.6), 0.0), back(b + span * 0.25 / 0.6)


def _chunk_axes(ax, g: ChunkGroup):
    """Log chunk axis ticked at the fixed chunks (auto's choice is in its annotation, where it cannot crowd a
    neighbouring tick); wall time log when it spans more than a factor of 8, and on the right relative to the best."""
    chunked = g.chunked
    fixed = chunked.loc[chunked["chunk_auto"] == 0, "chunk"]
    ax.set_xscale("log")
    ax.set_xlim(chunked["chunk"].min() / 2, chunked["chunk"].max() * 2)  # room for markers and annotations
    ax.xaxis.set_major_locator(FixedLocator(sorted(set(fixed if len(fixed) else chunked["chunk"]))))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(PLAIN_NUMBER)
    ax.set_xlabel("chunk size used  [tasks per chunk]")
    low, high = g.settings["T_min"].min(), g.settings["T_max"].max()
    log = high / low > 8
    if log:
        ax.set_yscale("log")  # before the secondary axis, which takes its scale from ax once
    ax.set_ylim(*_chunk_y_limits(low, high, log))
    ax.set_ylabel("wall time T, median  [s]")
    best = g.best["T"]
    right = ax.secondary_yaxis("right", functions=(lambda t: t / best, lambda r: r * best))
    right.set_ylabel("T relative to the best chunk setting  [×]")
    for axis in (ax.yaxis, right.yaxis) if log else ():  # 1, 2, 5, 10, … rather than powers of ten alone
        axis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        axis.set_major_formatter(PLAIN_NUMBER)
        axis.set_minor_locator(NullLocator())
    ax.grid(True, which="major", alpha=0.3)


def plot_chunks(g: ChunkGroup, out_dir: str, name: str) -> str:
    """Median wall time per chunk setting at one p: fixed chunks of a kind joined by a line, "auto" as a star at
    the chunk it chose, static as a horizontal reference."""
    s, best = g.settings, g.best
    reps = sorted({int(s["n"].min()), int(s["n"].max())})
    chosen = f", auto → {best['chunk']}" if best["chunk_auto"] else ""
    title = f"Chunk size — {g.label} · {_threads_text(g.threads)} · p = {g.p} ({g.scaling} scaling)"
    fig, (ax,) = _header_figure(title, g.hosts, g.created,
                                extra=f"T = median wall_s over {'–'.join(map(str, reps))} repetitions, bars min–max"
                                      f" · best: {best['strategy_label']}{chosen} ({best['T']:.3g} s)")
    for kind, rows in g.chunked.groupby("strategy", sort=False):
        colour, marker = CHUNK_STYLE[kind]
        fixed, auto = rows[rows["chunk_auto"] == 0], rows[rows["chunk_auto"] == 1]
        if len(fixed):
            _chunk_errorbar(ax, fixed, f"{marker}-", colour, kind)
        if len(auto):
            _chunk_errorbar(ax, auto, "*", colour, f"{kind} auto", markersize=14, markeredgecolor="black",
                            markeredgewidth=0.6)
        for row in auto.itertuples():
            # Below the bars: auto usually lands near the bottom of the curve, where no line runs underneath.
            ax.annotate(f"auto → {row.chunk}", (row.chunk, row.T_min), xytext=(0, -6), textcoords="offset points",
                        ha="center", va="top", fontsize=8, color=colour,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    for row in g.reference.itertuples():
        ax.axhline(row.T, ls="--", color="0.4", label=f"{row.strategy_label} ({row.T:.3g} s)")
    _chunk_axes(ax, g)
    _legend(ax, fontsize=8, loc="upper center", ncol=3)
    return _save(fig, out_dir, name)
