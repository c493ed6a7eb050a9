"""One PNG per view of a point. Every figure names the point, host and date, and labels its axes with units."""
from __future__ import annotations

import os
import textwrap

import matplotlib

matplotlib.use("Agg")  # files only; no display on batch nodes
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullLocator  # noqa: E402

from .chunks import ChunkGroup  # noqa: E402
from .loader import read_rank_dataset, read_trace  # noqa: E402
from .placement import PlacementView  # noqa: E402
from .scaling import SERIAL_MEASURED_DEFINITION, PointAnalysis, hosts_text, placed_on, placement_text  # noqa: E402
from .stats import BOOTSTRAP_RESAMPLES  # noqa: E402

PHASES = [  # run-table column, legend label; stacked bottom to top, all inside wall_s
    ("compute_max_s", "compute (slowest rank)"),
    ("distribute_s", "distribute"),
    ("collect_s", "collect"),
    ("reduce_s", "reduce"),
]
REST_LABEL = "other/idle (rest of wall_s)"
FACTOR_STYLE = {  # column: colour, marker, legend label (factors.png)
    "E": ("black", "s", "E = S/p, efficiency"),
    "lb": ("C0", "o", "lb = mean(u)/max(u): load balance"),
    "comm_eff": ("C1", "^", "comm_eff = max(u)/wall_s: communication"),
    "comp_scaling": ("C2", "D", "comp_scaling = U_base/Σu: computation scaling"),
}
BOOTSTRAP_TEXT = f"bars 95 % bootstrap interval ({BOOTSTRAP_RESAMPLES} resamples)"
DPI = 110
CHUNK_STYLE = {"dynamic": ("C0", "o"), "guided": ("C1", "s"), "cyclic": ("C2", "^")}  # colour, marker per kind
PLAIN_NUMBER = FuncFormatter(lambda v, _: f"{v:g}")


FIG_HEIGHT_IN = 4.8


def _threads_text(threads: int) -> str:
    return f"{threads} thread{'s' if threads != 1 else ''}/rank"


def _figure(a: PointAnalysis, view: str, ncols: int = 1, extra: str = "", curves: list | None = None):
    """A point's figure: the header names the view, label, strategy, threads, scaling and, for one placed curve,
    its placement. A figure of several `curves` names the hosts of them all instead."""
    where = f" · on {placement_text(a.placement)}" if curves is None and a.placement else ""
    title = f"{view} — {a.label} · {a.strategy} · {_threads_text(a.threads)}{where} ({a.scaling} scaling)"
    hosts = a.hosts if curves is None else hosts_text(pd.concat([c.all_runs for c in curves]))
    return _header_figure(title, hosts, a.created, ncols, extra)


def placement_suffix(placement: int) -> str:
    """What a curve's own plots append to their names when a point has several curves: `_1node`, `_3nodes`,
    `_unplaced`."""
    return "_unplaced" if placement == 0 else f"_{placement}node{'s' * (placement != 1)}"


def _header_figure(title: str, hosts: str, created: str, ncols: int = 1, extra: str = ""):
    """Figure with a header: what is shown and for what, then host, date and how to read it."""
    fig, axes = plt.subplots(1, ncols, figsize=(6.4 * ncols if ncols > 1 else 7.2, FIG_HEIGHT_IN), squeeze=False)
    lines = [f"host: {hosts or 'unknown'} · created {created or 'unknown'}"] + (extra.split("\n") if extra else [])
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


def _reps_text(a: PointAnalysis) -> str:
    reps = sorted({int(a.table["n"].min()), int(a.table["n"].max())})
    return f"{'–'.join(map(str, reps))} repetitions per p"


def _per_run(a: PointAnalysis, column: str, scale_by_p: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(p, value) of every counted run, from factors.csv's rows (the same definitions as the medians)."""
    p = a.factors["p"].to_numpy(dtype=float)
    values = a.factors[column].to_numpy(dtype=float)
    return p, values * p if scale_by_p else values


def _interval_bars(ax, x, mid, lo, hi, **style):
    """Median with its interval as error bars; a missing interval draws the marker alone."""
    mid, lo, hi = (np.asarray(v, dtype=float) for v in (mid, lo, hi))
    yerr = np.nan_to_num(np.vstack([mid - lo, hi - mid]), nan=0.0).clip(min=0)
    return ax.errorbar(x, mid, yerr=yerr, capsize=3, **style)


def plot_speedup(a: PointAnalysis, out_dir: str) -> str:
    t, ps = a.table, a.ps
    fig, (ax,) = _figure(a, "Scaled speedup" if a.weak else "Speedup",
                         extra=f"S from the median wall_s over {_reps_text(a)} · {a.baseline_short()}\n"
                               f"{BOOTSTRAP_TEXT}, dots single repetitions")
    ax.plot(*_per_run(a, "E", scale_by_p=True), ".", color="C0", alpha=0.35, markersize=5,
            label="single repetitions")
    _interval_bars(ax, ps, t["S"], t["S_lo"], t["S_hi"], fmt="o", color="C0",
                   label="measured (median, 95 % interval)")
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
    fig, (ax,) = _figure(a, "Efficiency", extra=f"E(p) = S(p)/p, S from the median wall_s over {_reps_text(a)} · "
                                                f"{a.baseline_short()}\n{BOOTSTRAP_TEXT}, dots single repetitions")
    p_run, e_run = _per_run(a, "E")
    ax.plot(p_run, e_run, ".", color="C0", alpha=0.35, markersize=5, label="single repetitions")
    _interval_bars(ax, ps, t["E"], t["E_lo"], t["E_hi"], fmt="o-", color="C0",
                   label="measured (median, 95 % interval)")
    ax.axhline(1.0, ls="--", color="0.5", label="ideal E = 1")
    if a.fit:
        grid = _p_grid(ps)
        ax.plot(grid, a.fitted_speedup(grid) / grid, "-", color="C1", label=_fit_label(a))
    _p_axis(ax, ps)
    top = np.nanmax(np.concatenate([t["E_hi"].to_numpy(dtype=float), e_run]))
    ax.set_ylim(0, max(1.1, float(top) * 1.05))
    ax.set_ylabel("efficiency E(p) = S(p)/p  [fraction]")
    ax.grid(True, alpha=0.3)
    _legend(ax, fontsize=8, loc="lower left")
    return _save(fig, out_dir, "efficiency.png")


def _offsets(ps, count: int, log: bool) -> list:
    """x positions of `count` series side by side around each p, so their bars do not hide each other."""
    steps = np.arange(count) - (count - 1) / 2
    if log:
        return [ps * 2 ** (0.05 * k) for k in steps]
    width = (ps.max() - ps.min()) or 1.0
    return [ps + 0.025 * width * k for k in steps]


def plot_factors(a: PointAnalysis, out_dir: str, suffix: str = "") -> str:
    """E and the three factors against p, medians with bootstrap intervals; the diagnosis at the largest p."""
    t, ps = a.table, a.ps
    base = a.baseline
    fig, (ax,) = _figure(a, "Efficiency factors",
                         extra=f"E = lb · comm_eff · comp_scaling / par_eff_base; par_eff_base = {base.par_eff:.2f} "
                               f"(the ranks' compute share of the wall time at {a.baseline_label()})\n"
                               f"medians over {_reps_text(a)}, {BOOTSTRAP_TEXT}")
    log = ps.max() / ps.min() > 8
    for x, (column, (colour, marker, label)) in zip(_offsets(ps.astype(float), len(FACTOR_STYLE), log),
                                                     FACTOR_STYLE.items()):
        _interval_bars(ax, x, t[column], t[f"{column}_lo"], t[f"{column}_hi"], fmt=marker + "-", color=colour,
                       label=label, markersize=6, linewidth=1.2 if column != "E" else 2.0)
    ax.axhline(1.0, ls="--", color="0.5", linewidth=0.8)
    ax.axhline(0.95, ls=":", color="0.5", linewidth=0.8, label="E ≥ 0.95: no dominant loss")
    _p_axis(ax, ps)
    highs = t[[f"{c}_hi" for c in FACTOR_STYLE] + list(FACTOR_STYLE)].to_numpy(dtype=float)
    top = np.nanmax(highs) if np.isfinite(highs).any() else 1.0
    ax.set_ylim(0, max(1.15, float(top) * 1.05))
    ax.set_ylabel("efficiency and its factors  [fraction, 1 = no loss]")
    ax.set_title("\n".join(textwrap.wrap(t["diagnosis"].iloc[-1], 105)), fontsize=8)
    ax.grid(True, alpha=0.3)
    _legend(ax, fontsize=7, loc="lower left")
    return _save(fig, out_dir, f"factors{suffix}.png")


def plot_serial_fraction(a: PointAnalysis, out_dir: str, suffix: str = "") -> str:
    """Left: fitted fraction with its interval next to per-p estimates (Karp-Flatt, or Gustafson's per-p α).
    Right: the measured non-compute share of wall time next to what the fitted model predicts for it."""
    t, ps = a.table, a.ps
    extra = f"measured serial share = {SERIAL_MEASURED_DEFINITION} · {a.baseline_short()}"
    reading = a.fit_reading()
    if reading:  # the fit absorbed imbalance or slower cores: say so where the number is shown
        extra += "\n" + "\n".join(textwrap.wrap(reading, 170))
    fig, (left, right) = _figure(a, "Gustafson serial fraction" if a.weak else "Amdahl serial fraction", ncols=2,
                                 extra=extra)
    symbol = "α" if a.weak else "f"
    if a.fit:
        left.axhline(a.fit.fraction, color="C1", label=f"fit to wall_s: {a.fit.describe()}")
        if np.isfinite(a.fit.lo):
            left.axhspan(a.fit.lo, a.fit.hi, color="C1", alpha=0.2, label="95 % interval")
    if a.serial_fit:
        serial = a.serial_fit
        left.axhline(serial.fraction, color="C3", ls="--", label="fit to the time outside compute: "
                     f"{symbol}_serial" + serial.describe().removeprefix(serial.symbol))
        if np.isfinite(serial.lo):
            left.axhspan(serial.lo, serial.hi, color="C3", alpha=0.15)
    if not a.fit:
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
    for fit in (a.fit, a.serial_fit):
        if fit:
            high = max(high, (fit.hi if np.isfinite(fit.lo) else fit.fraction) * 1.1)
    left.set_ylim(min(0.0, low), high)
    left.set_title("fit and per-p estimates", fontsize=9)
    left.grid(True, alpha=0.3)
    _legend(left, fontsize=7, loc="best")

    right.plot(ps, t["serial_measured"], "o", color="C0", label="measured from phase timings")
    top = max(0.05, float(np.nanmax(t["serial_measured"])) * 1.2)
    grid = _p_grid(ps)
    for fit, colour, style, name in ((a.fit, "C1", "-", "fitted model"), (a.serial_fit, "C3", "--", "serial-only")):
        if not fit:
            continue
        if a.weak:
            predicted, how = np.full_like(grid, fit.fraction), "α"
        else:
            f = fit.fraction
            predicted, how = f / (f + (1 - f) / grid), "f / (f + (1 − f)/p)"
        right.plot(grid, predicted, style, color=colour, label=f"{name}: {how}" + (", f = f_serial" if
                   fit is a.serial_fit and not a.weak else ", α = α_serial" if fit is a.serial_fit else ""))
        top = max(top, float(np.nanmax(predicted)) * 1.1)  # the whole model curve stays in view
    _p_axis(right, ps)
    right.set_ylim(0, min(top, 1.05))
    right.set_ylabel("serial share of the p-rank wall time  [fraction]")
    right.set_title("non-compute share of wall_s", fontsize=9)
    right.grid(True, alpha=0.3)
    _legend(right, fontsize=7, loc="best")
    return _save(fig, out_dir, f"{'gustafson' if a.weak else 'amdahl'}{suffix}.png")


def breakdown_layers(run) -> tuple[dict, float]:
    """The phases inside a run's wall_s (label -> seconds, the rest of wall_s as other/idle, so they add up to
    wall_s whenever the phases fit in it) and, apart, overhead_s: bookkeeping after the wall time, not part of it."""
    layers = {label: float(run[col]) for col, label in PHASES}
    layers[REST_LABEL] = max(float(run["wall_s"]) - sum(layers.values()), 0.0)
    return layers, float(run["overhead_s"])


def plot_breakdown(a: PointAnalysis, out_dir: str, suffix: str = "") -> str:
    ps = a.ps
    median_runs = [a.median_run(p) for p in ps]
    per_run = [breakdown_layers(r) for r in median_runs]
    layers = {label: np.array([lay[label] for lay, _ in per_run]) for label in per_run[0][0]}
    overhead = np.array([o for _, o in per_run])
    wall = np.array([r["wall_s"] for r in median_runs])
    fig, (absolute, share) = _figure(a, "Time per phase", ncols=2,
                                     extra="the median-wall_s repetition at each p; phase columns of the run table; "
                                           "both panels show the same phases inside wall_s")
    x = np.arange(len(ps))
    bottom_abs, bottom_share = np.zeros(len(ps)), np.zeros(len(ps))
    colours = [f"C{i}" for i in range(len(PHASES))] + ["C5"]
    for colour, (label, values) in zip(colours, layers.items()):
        absolute.bar(x, values, width=0.6, bottom=bottom_abs, color=colour, label=label)
        share.bar(x, 100 * values / wall, width=0.6, bottom=bottom_share, color=colour)
        bottom_abs += values
        bottom_share += 100 * values / wall
    absolute.bar(x + 0.42, overhead, width=0.2, color="white", edgecolor="0.4", hatch="///",
                 label="overhead_s (after wall_s, not in it)")
    absolute.hlines(wall, x - 0.3, x + 0.3, color="black", linewidth=1.5, label="wall_s")
    for ax in (absolute, share):
        ax.set_xticks(x, [str(p) for p in ps])
        ax.set_xlabel("ranks p")
        ax.grid(True, axis="y", alpha=0.3)
    absolute.set_ylabel("time  [s]")
    absolute.set_title("seconds", fontsize=9)
    share.set_ylabel("share of wall_s  [%]")
    share.set_ylim(0, max(100.0, float(bottom_share.max()) * 1.02))  # phases of different ranks may overlap
    share.set_title("share of wall time", fontsize=9)
    absolute.set_ylim(0, max(bottom_abs.max(), overhead.max(), wall.max()) * 1.35)  # headroom for the legend
    _legend(absolute, fontsize=7, loc="upper center", ncol=3)
    return _save(fig, out_dir, f"breakdown{suffix}.png")


def plot_balance(a: PointAnalysis, out_dir: str, suffix: str = "") -> str | None:
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
    return _save(fig, out_dir, f"balance{suffix}.png")


def plot_timeline(a: PointAnalysis, out_dir: str, suffix: str = "") -> str | None:
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
    return _save(fig, out_dir, f"timeline{suffix}.png")


def _curve_plots(a: PointAnalysis, out_dir: str, suffix: str = "") -> list:
    """The plots of one curve that no other curve shares a figure with."""
    return [plot_serial_fraction(a, out_dir, suffix), plot_breakdown(a, out_dir, suffix),
            plot_balance(a, out_dir, suffix), plot_timeline(a, out_dir, suffix)]


def plot_point(curves: list[PointAnalysis], out_dir: str, view: PlacementView | None = None) -> list[str]:
    """Every plot that applies to a point (its curves, one per placement, each with a table); returns the files
    written. One curve: the plots as they always were. Several: speedup, efficiency and factors with a curve per
    placement, each curve's own plots with its placement_suffix, and placement.png when `view` has rows."""
    os.makedirs(out_dir, exist_ok=True)
    if len(curves) == 1:
        (a,) = curves
        written = [plot_speedup(a, out_dir), plot_efficiency(a, out_dir), plot_factors(a, out_dir)]
        written += _curve_plots(a, out_dir)
    else:
        written = [plot_speedup_by_placement(curves, out_dir), plot_efficiency_by_placement(curves, out_dir),
                   plot_comm_by_placement(curves, out_dir)]
        for a in curves:
            suffix = placement_suffix(a.placement)
            written += [plot_factors(a, out_dir, suffix)] + _curve_plots(a, out_dir, suffix)
    if view is not None and not view.rows.empty:
        written.append(plot_placement(curves, view, out_dir))
    return [w for w in written if w]


# --- A point with several placements: a curve per placement, all relative to the point's one baseline ---------

def _all_ps(curves) -> np.ndarray:
    return np.unique(np.concatenate([c.ps for c in curves]))


def _placement_x(ps: np.ndarray, all_ps: np.ndarray, index: int, count: int) -> np.ndarray:
    """x of curve `index` of `count`, side by side around each p so that bars at the same p stay apart."""
    k = index - (count - 1) / 2
    if all_ps.max() / all_ps.min() > 8:
        return ps * 2 ** (0.05 * k)
    span = all_ps.max() - all_ps.min()
    return ps + (0.025 * span if span else 0.08) * k


def _placement_p_axis(ax, all_ps):
    _p_axis(ax, all_ps)
    if len(all_ps) == 1:  # one rank count: the placements sit side by side around it
        ax.set_xlim(all_ps[0] - 0.5, all_ps[0] + 0.5)


def _by_placement(curves, out_dir: str, view: str, column: str, name: str, ideal, ylabel: str, extra: str) -> str:
    """One figure, one colour per placement: every repetition's value (dots), the medians with their 95 %
    bootstrap intervals (joined when a placement has several p), and each curve's fit. ideal(ax, ps) draws the
    ideal and returns its legend entry."""
    first, all_ps = curves[0], _all_ps(curves)
    fig, (ax,) = _figure(first, view, extra=extra, curves=curves)
    scale = column == "S"  # factors.csv holds E per run; S = E·p
    legend = []  # in placement order, each fit after its measured curve
    for i, a in enumerate(curves):
        colour, t, where = f"C{i}", a.table, placement_text(a.placement)
        p_run, value = _per_run(a, "E", scale_by_p=scale)
        ax.plot(_placement_x(p_run, all_ps, i, len(curves)), value, ".", color=colour, alpha=0.35, markersize=5)
        legend.append(_interval_bars(ax, _placement_x(a.ps.astype(float), all_ps, i, len(curves)), t[column],
                                     t[f"{column}_lo"], t[f"{column}_hi"], fmt="o-", color=colour, label=where))
        if a.fit and len(a.ps) > 1:
            grid = _p_grid(a.ps)
            fitted = a.fitted_speedup(grid) / (1 if scale else grid)
            legend += ax.plot(grid, fitted, "-", color=colour, linewidth=0.8, alpha=0.7,
                              label=f"{where} fit, {a.fit.describe()}")
    legend.append(ideal(ax, all_ps))
    _placement_p_axis(ax, all_ps)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(handles=legend, fontsize=8, loc="best")
    return _save(fig, out_dir, name)


def _placement_header(curves) -> str:
    reps = sorted({int(c.table["n"].min()) for c in curves} | {int(c.table["n"].max()) for c in curves})
    return (f"one curve per placement, {'–'.join(map(str, reps))} repetitions per p · {curves[0].baseline_short()}"
            f"\n{BOOTSTRAP_TEXT}, dots single repetitions")


def _speedup_ylabel(a: PointAnalysis) -> str:
    p0, base = a.baseline_p, a.baseline_where()
    if a.weak:
        return f"scaled speedup {p0}·(W(p)/T(p)) / (W/T)({base})  [×]"
    return f"speedup S(p) = {p0}·T({base})/T(p)  [×]"


def plot_speedup_by_placement(curves, out_dir: str) -> str:
    def ideal(ax, ps):
        if len(ps) > 1:
            return ax.plot(ps, ps, "--", color="0.5", label="ideal S = p")[0]
        return ax.axhline(ps[0], ls="--", color="0.5", label=f"ideal S = p = {ps[0]}")  # one p: a level

    view = "Scaled speedup by placement" if curves[0].weak else "Speedup by placement"
    return _by_placement(curves, out_dir, view, "S", "speedup.png", ideal, _speedup_ylabel(curves[0]),
                         _placement_header(curves))


def plot_efficiency_by_placement(curves, out_dir: str) -> str:
    def ideal(ax, ps):
        top = max(np.nanmax(c.table["E_hi"].to_numpy(dtype=float), initial=1.0) for c in curves)
        ax.set_ylim(0, max(1.1, float(top) * 1.05))
        return ax.axhline(1.0, ls="--", color="0.5", label="ideal E = 1")

    return _by_placement(curves, out_dir, "Efficiency by placement", "E", "efficiency.png", ideal,
                         "efficiency E(p) = S(p)/p  [fraction]", _placement_header(curves))


def plot_comm_by_placement(curves, out_dir: str) -> str:
    """E and comm_eff per placement: crossing nodes shows first in the time outside the busiest rank's compute."""
    first, all_ps = curves[0], _all_ps(curves)
    fig, (left, right) = _figure(
        first, "Efficiency factors by placement", ncols=2, curves=curves,
        extra=f"medians, {BOOTSTRAP_TEXT} · {first.baseline_short()} · every factor of one placement: "
              f"factors{placement_suffix(first.placement)}.png, …")
    for ax, column, title in ((left, "E", "E = S/p, efficiency"),
                              (right, "comm_eff", "comm_eff = max(u)/wall_s: communication")):
        for i, a in enumerate(curves):
            t = a.table
            _interval_bars(ax, _placement_x(a.ps.astype(float), all_ps, i, len(curves)), t[column],
                           t[f"{column}_lo"], t[f"{column}_hi"], fmt="o-", color=f"C{i}",
                           label=placement_text(a.placement))
        ax.axhline(1.0, ls="--", color="0.5", linewidth=0.8)
        ax.axhline(0.95, ls=":", color="0.5", linewidth=0.8)
        _placement_p_axis(ax, all_ps)
        highs = np.concatenate([c.table[[column, f"{column}_hi"]].to_numpy(dtype=float).ravel() for c in curves])
        ax.set_ylim(0, max(1.15, float(np.nanmax(highs, initial=1.0)) * 1.05))
        ax.set_ylabel(f"{column}  [fraction, 1 = no loss]")
        ax.set_title(title, fontsize=9)
        ax.grid(True, alpha=0.3)
        _legend(ax, fontsize=8, loc="lower left")
    return _save(fig, out_dir, "factors.png")


def plot_placement(curves: list[PointAnalysis], view: PlacementView, out_dir: str) -> str:
    """What crossing nodes costs: at each p, against the node count, the median wall time, the same relative to the
    fewest nodes at that p (T_rel in placement.csv), and comm_eff."""
    rows = view.rows
    fig, axes = _figure(curves[0], "Placement", ncols=3, curves=curves,
                        extra="the same p on different node counts, block-wise · wall time: bars 95 % "
                              "order-statistics interval (n ≥ 6) · relative time and comm_eff: " + BOOTSTRAP_TEXT)
    panels = (("T", "wall time T, median  [s]", "wall time"),
              ("T_rel", "T / T on the fewest nodes at the same p  [×]", "what crossing nodes costs"),
              ("comm_eff", "comm_eff = max(u)/wall_s  [fraction]", "communication efficiency"))
    markers = "osD^v<>"
    by_p = list(rows.groupby("p", sort=True))
    for i, (p, at_p) in enumerate(by_p):
        per_node = ", ".join(f"{v:g}" for v in at_p["ranks_per_node"])
        x = at_p["placement"] + 0.04 * (i - (len(by_p) - 1) / 2)  # p side by side, so bars stay apart
        for ax, (column, _, _) in zip(axes, panels):
            _interval_bars(ax, x, at_p[column], at_p[f"{column}_lo"], at_p[f"{column}_hi"], color=f"C{i}",
                           fmt=markers[i % len(markers)] + "-", label=f"p = {p} ({per_node} per node)")
    nodes = np.unique(rows["placement"])
    for ax, (column, ylabel, title) in zip(axes, panels):
        ax.xaxis.set_major_locator(FixedLocator(nodes))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_major_formatter(PLAIN_NUMBER)
        ax.set_xlim(nodes.min() - 0.4, nodes.max() + 0.4)
        ax.set_xlabel("nodes (placement, block-wise)")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=9)
        ax.grid(True, alpha=0.3)
        if column != "T":
            ax.axhline(1.0, ls="--", color="0.5", linewidth=0.8)
    t, rel, comm = axes
    if rows["T"].max() / rows["T"].min() > 8:  # several p of a strong study: log, so each p's spread shows
        t.set_yscale("log")
    else:
        t.set_ylim(0, float(np.nanmax(rows[["T", "T_hi"]].to_numpy(dtype=float))) * 1.1)
    comm_top = np.nanmax(rows[["comm_eff", "comm_eff_hi"]].to_numpy(dtype=float), initial=0)  # NaN: no rank times
    comm.set_ylim(0, max(1.15, float(comm_top) * 1.05))
    _legend(rel, fontsize=8, loc="upper left")
    return _save(fig, out_dir, "placement.png")


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
    where = f" {placed_on(g.placement)}" if g.placement else ""
    title = f"Chunk size — {g.label} · {_threads_text(g.threads)} · p = {g.p}{where} ({g.scaling} scaling)"
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
