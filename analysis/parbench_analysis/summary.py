"""summary.csv (one row per point and p) and summary.md (the same rows, grouped, with explanations)."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .scaling import SERIAL_MEASURED_DEFINITION, PointAnalysis

COLUMNS = ["point", "workload", "label", "strategy", "threads", "scaling", "p", "n", "T", "T_min", "T_max",
           "S", "E", "fit_model", "f", "f_lo", "f_hi", "karp_flatt", "imbalance", "serial_measured", "baseline_p"]

DEFINITIONS = f"""\
- `n`: counted repetitions at p (warm-ups and runs whose status is not `ok` are left out).
- `T`, `T_min`, `T_max`: median, minimum and maximum `wall_s` over those repetitions, in seconds.
- `S`: speedup. Strong scaling: S(p) = p0·T(p0)/T(p), where p0 = `baseline_p` (= T(1)/T(p) when p = 1 was measured).
  Weak scaling: Gustafson's scaled speedup S(p) = p0·(W(p)/T(p)) / (W(p0)/T(p0)) with W = `work_units`.
- `E`: efficiency S/p.
- `f`, `f_lo`, `f_hi`: fitted serial fraction and its 95 % interval (Student t on the fit's covariance), the
  same on every row of a point; blank when no fit was possible. `fit_model` says which model:
  `amdahl` fits T(p) = T1·(f + (1 − f)/p) to every counted `wall_s`; `gustafson` fits the throughput
  W(p)/T(p) = X1·(p − α(p − 1)), and `f` then holds α.
- `karp_flatt`: e(p) = (1/S − 1/p)/(1 − 1/p) for p > 1 and p > p0; blank for weak scaling (it assumes a fixed problem).
- `imbalance`: median of the run table's `imbalance` (slowest over mean rank compute time).
- `serial_measured`: {SERIAL_MEASURED_DEFINITION}. This is a share of the *p-rank* wall time;
  under Amdahl it should follow f/(f + (1 − f)/p), under Gustafson it should stay near α.
"""


def point_rows(a: PointAnalysis) -> pd.DataFrame:
    if a.table.empty:
        return pd.DataFrame(columns=COLUMNS)
    t = a.table
    rows = pd.DataFrame({
        "p": t.index.astype(int), "n": t["n"].astype(int), "T": t["T"], "T_min": t["T_min"], "T_max": t["T_max"],
        "S": t["S"], "E": t["E"], "karp_flatt": t["karp_flatt"], "imbalance": t["imbalance"],
        "serial_measured": t["serial_measured"],
    }).reset_index(drop=True)
    for name in ("point", "workload", "label", "strategy", "threads", "scaling"):
        rows[name] = getattr(a, name)
    rows["baseline_p"] = a.baseline_p
    rows["fit_model"] = a.fit.model if a.fit else ""
    for name, value in (("f", "fraction"), ("f_lo", "lo"), ("f_hi", "hi")):
        rows[name] = getattr(a.fit, value) if a.fit else np.nan
    return rows[COLUMNS]


def fit_sentence(a: PointAnalysis) -> str:
    if a.fit is None:
        return f"No fit: {a.no_fit_reason}."
    model = "Amdahl" if a.fit.model == "amdahl" else "Gustafson"
    return f"{model} fit over {a.fit.points} runs: {a.fit.describe()}."


def _markdown_table(rows: pd.DataFrame) -> str:
    shown = rows.drop(columns=["point", "workload", "label", "strategy", "threads", "scaling", "fit_model"])

    def cell(v):
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else f"{v:.4g}"
        return str(v)

    lines = ["| " + " | ".join(shown.columns) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in shown.itertuples(index=False)]
    return "\n".join(lines)


def write_summary(analyses, out_dir: str, plot_dirs: dict, files) -> tuple[str, str]:
    """Write summary.csv and summary.md into out_dir; plot_dirs maps point -> its plot folder name."""
    all_rows = pd.concat([point_rows(a) for a in analyses], ignore_index=True) if analyses else \
        pd.DataFrame(columns=COLUMNS)
    csv_path = os.path.join(out_dir, "summary.csv")
    all_rows.to_csv(csv_path, index=False, na_rep="", float_format="%.9g")

    md = ["# parbench scaling summary", "", "Files: " + ", ".join(f"`{f}`" for f in files), "",
          "## Columns", "", DEFINITIONS]
    for a in analyses:
        md += [f"## {a.point}", "",
               f"{a.scaling} scaling · workload `{a.workload}` · host {a.hosts or 'unknown'} · "
               f"created {a.created or 'unknown'}", ""]
        if a.table.empty:
            md += [f"No summary rows: {a.no_fit_reason}.", ""]
            continue
        md += [a.baseline_sentence(), "", fit_sentence(a), "",
               f"Plots in `{plot_dirs[a.point]}/`.", "", _markdown_table(point_rows(a)), ""]
    md_path = os.path.join(out_dir, "summary.md")
    with open(md_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(md))
    return csv_path, md_path
