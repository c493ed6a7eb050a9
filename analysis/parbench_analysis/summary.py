"""summary.csv (one row per point and p), summary.md (the same rows, grouped, with explanations) and factors.csv
(one row per counted run: the efficiency factors that multiply to its E)."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd

from . import factors
from .scaling import SERIAL_MEASURED_DEFINITION, PointAnalysis, placement_text
from .stats import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, MIN_REPETITIONS

COLUMNS = ["point", "workload", "label", "strategy", "threads", "scaling", "placement", "nodes", "p", "n", "T",
           "T_min", "T_max", "T_lo", "T_hi", "S", "S_lo", "S_hi", "E", "E_lo", "E_hi", "lb", "lb_lo", "lb_hi",
           "comm_eff", "comm_eff_lo", "comm_eff_hi", "comp_scaling", "comp_scaling_lo", "comp_scaling_hi",
           "par_eff_base", "dominant", "fit_model", "f", "f_lo", "f_hi", "f_serial", "f_serial_lo", "f_serial_hi",
           "karp_flatt", "imbalance", "serial_measured", "baseline_p", "baseline_placement", "diagnosis", "note"]
# summary.md's table per point: the rest is in its sentences (fit, diagnosis, notes) or in summary.csv.
MD_COLUMNS = ["p", "n", "T", "T_lo", "T_hi", "S", "S_lo", "S_hi", "E", "E_lo", "E_hi", "lb", "comm_eff",
              "comp_scaling", "dominant", "karp_flatt", "imbalance", "serial_measured"]

DEFINITIONS = f"""\
- `placement`: the node count the study placed the ranks on (`[study] nodes`, block-wise: p/placement ranks on each
  of the first `placement` nodes); 0 when it did not place them (the first p ranks of the launch, wherever they
  ran). Each point and placement is one curve: a point measured on 1, 2 and 3 nodes has three.
- `nodes`: median over the repetitions of the nodes the run's ranks ran on (equal to `placement` for a placed
  curve; blank for version-1 files, which do not record it).
- `n`: counted repetitions at p (warm-ups and runs whose status is not `ok` are left out).
- `T`, `T_min`, `T_max`: median, minimum and maximum `wall_s` over those repetitions, in seconds.
- `T_lo`, `T_hi`: 95 % interval of the median wall time from order statistics (no assumption about the
  distribution); blank when n < {MIN_REPETITIONS}, too few repetitions for one (Hoefler & Belli, SC15).
- `S`: speedup. Strong scaling: S(p) = p0·T(p0)/T(p), where p0 = `baseline_p` (= T(1)/T(p) when p = 1 was measured).
  Weak scaling: Gustafson's scaled speedup S(p) = p0·(W(p)/T(p)) / (W(p0)/T(p0)) with W = `work_units`.
  Every placement of a point has the same baseline: p0 is the point's smallest p, measured on the fewest nodes,
  `baseline_placement` (so 6 ranks on 3 nodes and 6 ranks on 1 node compare directly: their S differ by the
  ratio of their wall times).
- `E`: efficiency S/p.
- `S_lo`, `S_hi`, `E_lo`, `E_hi` and the `_lo`, `_hi` of each factor: 95 % percentile-bootstrap intervals
  ({BOOTSTRAP_RESAMPLES} resamples of the repetitions, each p and the baseline resampled independently, fixed seed
  {BOOTSTRAP_SEED}: a report of the same files gives the same intervals). At p = p0, S = p0 by definition.
- Efficiency factors, from the per-rank compute times u_r (`ranks/compute_s`), medians over the repetitions:
  `lb` = mean(u)/max(u) (load balance), `comm_eff` = max(u)/wall_s (communication efficiency: the busiest rank's
  share of the wall time), `comp_scaling` = U_base/Σu (computation scaling: U_base is the median Σu at p0; per
  `work_units` for weak scaling; below 1 when the same work costs more core-seconds). `par_eff_base` =
  U_base/(p0·T(p0)), the baseline's own mean(u)/wall_s. Per run E = lb·comm_eff·comp_scaling/par_eff_base exactly
  (`factors.csv`).
- `dominant`: the factor with the largest loss against the baseline — the smallest of lb/lb(p0),
  comm_eff/comm_eff(p0) and comp_scaling, since E counts losses against the baseline too — named `load balance`,
  `communication` or `computation scaling`, or `none` when E ≥ {factors.EFFICIENT}; `diagnosis` says the same in
  one sentence (a factor already below {factors.EFFICIENT} at the baseline is shown with its baseline value).
- `f`, `f_lo`, `f_hi`: fitted serial fraction and its 95 % interval (Student t on the fit's covariance), the
  same on every row of a point; blank when no fit was possible. `fit_model` says which model:
  `amdahl` fits T(p) = T1·(f + (1 − f)/p) to every counted `wall_s`; `gustafson` fits the throughput
  W(p)/T(p) = X1·(p − α(p − 1)), and `f` then holds α. This f absorbs *every* loss, imbalance and slower cores
  included.
- `f_serial`, `f_serial_lo`, `f_serial_hi`: the same model fitted only to the time outside the slowest rank's
  compute: each run's wall time with its compute replaced by the baseline's work split perfectly,
  (wall_s − max(u)) + U_base·W/p. It stays near 0 when the losses are imbalance or slower computation.
- `karp_flatt`: e(p) = (1/S − 1/p)/(1 − 1/p) for p > 1 and p > p0; blank for weak scaling (it assumes a fixed problem).
- `imbalance`: median of the run table's `imbalance` (slowest over mean rank compute time, = 1/lb).
- `serial_measured`: {SERIAL_MEASURED_DEFINITION}. This is a share of the *p-rank* wall time;
  under Amdahl it should follow f/(f + (1 − f)/p), under Gustafson it should stay near α.
- `note`: why a row's intervals are missing or rough (fewer than {MIN_REPETITIONS} counted repetitions).
"""


def point_rows(a: PointAnalysis) -> pd.DataFrame:
    if a.table.empty:
        return pd.DataFrame(columns=COLUMNS)
    t = a.table
    per_p = [c for c in COLUMNS if c in t.columns]
    rows = t[per_p].reset_index()
    rows["p"], rows["n"] = rows["p"].astype(int), rows["n"].astype(int)
    for name in ("point", "workload", "label", "strategy", "threads", "scaling", "placement"):
        rows[name] = getattr(a, name)
    rows["baseline_p"] = a.baseline_p
    rows["baseline_placement"] = a.baseline.placement
    rows["fit_model"] = a.fit.model if a.fit else ""
    for fit, prefix in ((a.fit, "f"), (a.serial_fit, "f_serial")):
        for suffix, value in (("", "fraction"), ("_lo", "lo"), ("_hi", "hi")):
            rows[prefix + suffix] = getattr(fit, value) if fit else np.nan
    return rows[COLUMNS]


def _layout(p: int, nodes: float, per_node: float) -> str:
    """`6 ranks on 3 nodes, 2 per node`."""
    text = f"{p} rank{'s' * (p != 1)} on {nodes:g} node{'s' * (nodes != 1)}"
    return text + (f", {per_node:g} per node" if np.isfinite(per_node) else "")


def placement_sentence(a: PointAnalysis) -> str:
    """Where the ranks of each p ran (medians over the counted runs), for a placed curve, or for an unplaced one
    that spans several nodes; '' otherwise (version-1 files do not record it)."""
    by_p = a.runs.groupby("ranks")
    nodes, per_node = by_p["nodes"].median(), by_p["ranks_per_node"].median()
    layouts = "; ".join(_layout(int(p), nodes[p], per_node[p]) for p in nodes.index if np.isfinite(nodes[p]))
    if a.placement:
        return f"Placement: {placement_text(a.placement)}, block-wise (`[study] nodes`): {layouts}."
    if (nodes > 1).any():
        return f"Not placed (the first p ranks of the launch, one curve): {layouts}."
    return ""


def curve_heading(a: PointAnalysis) -> str:
    """The point, plus the placement of a placed curve."""
    return a.point if a.placement == 0 else f"{a.point} · on {placement_text(a.placement)}"


def fit_sentence(a: PointAnalysis) -> str:
    if a.fit is None:
        return f"No fit: {a.no_fit_reason}."
    model = "Amdahl" if a.fit.model == "amdahl" else "Gustafson"
    return f"{model} fit over {a.fit.points} runs: {a.fit.describe()}."


def serial_fit_sentence(a: PointAnalysis) -> str:
    """f_serial, the fit to the time outside the slowest rank's compute."""
    if a.serial_fit is None:
        return f"No fit to the time outside compute: {a.serial_no_fit_reason or 'no per-rank compute times'}."
    return f"Fitted to the time outside the slowest rank's compute alone: {a.serial_fit.symbol}_serial" + \
        a.serial_fit.describe().removeprefix(a.serial_fit.symbol) + "."


def _markdown_table(rows: pd.DataFrame) -> str:
    shown = rows[MD_COLUMNS]

    def cell(v):
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else f"{v:.4g}"
        return str(v)

    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in shown.itertuples(index=False)]
    return "\n".join(lines)


def _factor_lines(a: PointAnalysis) -> list[str]:
    """The diagnosis at each p, what the fit describes, and the notes on too few repetitions."""
    base = a.baseline
    if not np.isfinite(base.par_eff):
        return ["Why efficiency is lost: no factors, the baseline's runs lack per-rank compute times "
                "(ranks/compute_s).", ""]
    lines = [f"Why efficiency is lost (medians over repetitions; E = lb · comm_eff · comp_scaling / par_eff_base, "
             f"par_eff_base = {base.par_eff:.2f}: at {a.baseline_label()} the ranks computed for "
             f"{100 * base.par_eff:.0f} % of the wall time):", ""]
    lines += [f"- {d}" for d in a.table["diagnosis"]]
    lines.append("")
    reading = a.fit_reading()
    if reading:
        lines += [f"**Reading the fit:** {reading}", ""]
    notes = [f"p = {p}: {n}" for p, n in zip(a.ps, a.table["note"]) if n]
    if notes:
        lines += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    return lines


def write_factors(analyses, out_dir: str) -> str:
    """factors.csv: one row per counted run, full precision (E = lb·comm_eff·comp_scaling/par_eff_base holds to
    rounding on the written numbers)."""
    frames = [a.factors[factors.COLUMNS] for a in analyses if a.factors is not None]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=factors.COLUMNS)
    path = os.path.join(out_dir, "factors.csv")
    table.to_csv(path, index=False, na_rep="", float_format="%.17g")
    return path


def write_summary(analyses, out_dir: str, plot_dirs: dict, files) -> tuple[str, str]:
    """Write summary.csv and summary.md into out_dir; plot_dirs maps point -> its plot folder name."""
    all_rows = pd.concat([point_rows(a) for a in analyses], ignore_index=True) if analyses else \
        pd.DataFrame(columns=COLUMNS)
    csv_path = os.path.join(out_dir, "summary.csv")
    all_rows.to_csv(csv_path, index=False, na_rep="", float_format="%.9g")

    md = ["# parbench scaling summary", "", "Files: " + ", ".join(f"`{f}`" for f in files), "",
          "## Columns", "", DEFINITIONS]
    for a in analyses:
        md += [f"## {curve_heading(a)}", "",
               f"{a.scaling} scaling · workload `{a.workload}` · host {a.hosts or 'unknown'} · "
               f"created {a.created or 'unknown'}", ""]
        if a.table.empty:
            md += [f"No summary rows: {a.no_fit_reason}.", ""]
            continue
        where = placement_sentence(a)
        md += ([where, ""] if where else []) + [a.baseline_sentence(), ""]
        md += [fit_sentence(a) + " " + serial_fit_sentence(a), ""]
        md += _factor_lines(a)
        md += [f"Plots in `{plot_dirs[a.point]}/`.", "", _markdown_table(point_rows(a)), ""]
    md_path = os.path.join(out_dir, "summary.md")
    with open(md_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(md))
    return csv_path, md_path
