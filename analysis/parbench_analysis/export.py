"""`export.py FILE... --format extrap|extrap-jsonl -o OUT`: the counted runs as Extra-P input.

Extra-P (https://github.com/extra-p/extrap) fits empirical performance models to measurements. It reads one
*experiment* per file: a list of parameters, one list of measurement points (coordinates) shared by every region
and metric, and per region and metric the values measured at each point. Here:

  parameter p   the rank count (`ranks`); weak-scaling points also have
  parameter w   the work units per rank (`work_units / ranks`), constant in a parbench weak study
  region        one per point (workload label / strategy / threads); per point and placement, named
                `<point> / nodes=N`, when the study placed the ranks on N nodes (`placement` > 0)
  metric        `time` = `wall_s` and `compute_time_max` = `compute_max_s` (the slowest rank's compute), seconds
  values        every counted repetition (warm-ups and runs whose status is not `ok` are left out, as in the
                report), in the order of the run table

Extra-P needs every region at every point (its validate_experiment) and one parameter list per file, so points
are grouped into experiments by (parameters, points); when the input needs more than one experiment (strong and
weak points together, or points measured at different rank counts), OUT names a file per experiment:
`<stem>-strong<ext>`, `<stem>-weak<ext>`, numbered (`-strong-1`, `-strong-2`) when a scaling needs several.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .loader import InputError, counted_runs, load_results

EXIT_INPUT_ERROR = 2

# Extra-P's modelers want at least 5 values of a parameter (min_measurement_points in its basic single-parameter
# and its multi-parameter modeler); with fewer they warn and the model is not trustworthy.
MIN_RANK_COUNTS = 5

# Extra-P metric name -> run-table column (both in seconds). "time" is the name Extra-P itself gives run time.
METRICS = {"time": "wall_s", "compute_time_max": "compute_max_s"}

FORMATS = {"extrap": "Extra-P text input", "extrap-jsonl": "Extra-P JSON lines"}


@dataclass
class Region:
    """One point of the study: its counted values per coordinate and metric."""
    point: str
    scaling: str
    name: str = ""                                 # the Extra-P region (call path); set per experiment
    data: dict = field(default_factory=dict)       # coordinate tuple -> {metric: [values]}

    @property
    def parameters(self) -> tuple:
        return ("p", "w") if self.scaling == "weak" else ("p",)

    @property
    def coordinates(self) -> tuple:
        return tuple(sorted(self.data))

    @property
    def rank_counts(self) -> list:
        return sorted({c[0] for c in self.data})


@dataclass
class Experiment:
    """What Extra-P loads from one file: shared parameters and points, one region per parbench point."""
    parameters: tuple
    coordinates: tuple
    regions: list

    @property
    def scaling(self) -> str:
        return "weak" if "w" in self.parameters else "strong"


def _ascii(text: str) -> str:
    """Printable ASCII only (the grammar's names are VCHAR; the reader opens files in the locale's encoding):
    other characters become Python escapes, `σ` -> `\\u03c3`."""
    return "".join(c if " " <= c <= "~" else c.encode("unicode_escape").decode("ascii") for c in text)


def region_name(point: str) -> str:
    """The Extra-P region for a point. The text reader collapses runs of whitespace to one space and strips the
    name, and "->" separates call-path levels, so neither may stay; the rest is kept."""
    name = _ascii(" ".join(point.split())).replace("->", "=>")
    return name or "point"


def _number(value) -> int | float:
    """Coordinates: integers stay integers (POINTS 1 2 4, "p": 8)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def format_decimal(value) -> str:
    """Plain decimal, no exponent (Extra-P's NUMBER is [sign] digits [. digits]), and exact: the shortest digits
    that read back as the same float64, so float(format_decimal(v)) == v."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return np.format_float_positional(np.float64(value), unique=True, trim="0")


def _coordinate(scaling: str, ranks, work_units) -> tuple:
    if scaling == "weak":
        return (int(ranks), _number(work_units / ranks))
    return (int(ranks),)


def collect_regions(runs) -> tuple[list, list]:
    """(regions with counted runs, points without any), both in order of first appearance in the run table."""
    counted = counted_runs(runs)
    regions, exported = [], set()
    # One region per point and placement: runs on 1 and on 3 nodes are different measurements of the same p.
    for (point, scaling, placement), rows in counted.groupby(["point", "scaling", "placement"], sort=False):
        exported.add((point, scaling))
        region = Region(point=point + (f" / nodes={placement}" if placement else ""), scaling=scaling)
        columns = {metric: rows[column].to_numpy(dtype=float) for metric, column in METRICS.items()}
        for i, (ranks, work) in enumerate(zip(rows["ranks"].to_numpy(), rows["work_units"].to_numpy())):
            values = region.data.setdefault(_coordinate(scaling, ranks, work), {m: [] for m in METRICS})
            for metric, column in METRICS.items():
                v = columns[metric][i]
                if not np.isfinite(v):
                    row = rows.iloc[i]
                    run = f"run {row['run_id']}" if "run_id" in rows else "a run"
                    raise InputError(row["file"], f"{run} ({point}, p = {ranks}) has {column} = {v}, "
                                                  "not a time Extra-P can read")
                values[metric].append(float(v))
        regions.append(region)
    skipped = [point for point, scaling in dict.fromkeys(zip(runs["point"], runs["scaling"]))
               if (point, scaling) not in exported]
    return regions, skipped


def group_experiments(regions: list) -> list:
    """One experiment per (parameters, points); region names made unique within each."""
    groups = {}
    for r in regions:
        groups.setdefault((r.parameters, r.coordinates), []).append(r)
    experiments = []
    for (parameters, coordinates), members in groups.items():
        used = set()
        for r in members:
            name, n = region_name(r.point), 2
            while name in used:  # two points whose names differ only in what region_name replaces
                name, n = f"{region_name(r.point)} ({n})", n + 1
            used.add(name)
            r.name = name
        experiments.append(Experiment(parameters, coordinates, members))
    return experiments


def output_paths(output: str, experiments: list) -> list:
    """OUT itself for one experiment; otherwise <stem>-<scaling>[-k]<ext> per experiment."""
    if len(experiments) == 1:
        return [output]
    stem, ext = os.path.splitext(output)
    per_scaling, seen = Counter(e.scaling for e in experiments), Counter()
    paths = []
    for e in experiments:
        seen[e.scaling] += 1
        tag = e.scaling if per_scaling[e.scaling] == 1 else f"{e.scaling}-{seen[e.scaling]}"
        paths.append(f"{stem}-{tag}{ext}")
    return paths


def _points_line(e: Experiment) -> str:
    if len(e.parameters) == 1:
        return "POINTS " + " ".join(format_decimal(c[0]) for c in e.coordinates)
    return "POINTS " + " ".join("( " + " ".join(format_decimal(v) for v in c) + " )" for c in e.coordinates)


def text_lines(e: Experiment, sources) -> list:
    """The experiment in Extra-P's text format: PARAMETER, POINTS, then per region one METRIC block per metric
    with one DATA line per point, in POINTS order."""
    metrics = ", ".join(f"{m} = {c}" for m, c in METRICS.items())
    lines = [
        "# parbench export for Extra-P (text input): " + _ascii(", ".join(sources)),
        "# p = ranks" + ("; w = work units per rank (work_units / ranks)" if e.scaling == "weak" else ""),
        f"# METRIC {metrics}, in seconds; DATA: every counted repetition (warm-ups and runs not ok left out)",
    ]
    lines += [f"PARAMETER {p}" for p in e.parameters]
    lines.append(_points_line(e))
    for r in e.regions:
        lines += ["", f"REGION {r.name}"]
        for metric in METRICS:
            lines.append(f"METRIC {metric}")
            lines += ["DATA " + " ".join(format_decimal(v) for v in r.data[c][metric]) for c in e.coordinates]
    return lines


def jsonl_lines(e: Experiment) -> list:
    """One JSON object per region, metric, point and repetition: {"params":..,"callpath":..,"metric":..,"value":..}.
    Python's json writes the shortest float repr that reads back as the same float64."""
    lines = []
    for r in e.regions:
        for metric in METRICS:
            for c in e.coordinates:
                params = dict(zip(e.parameters, c))
                lines += [json.dumps({"params": params, "callpath": r.name, "metric": metric, "value": v},
                                     separators=(",", ":")) for v in r.data[c][metric]]
    return lines


def write_experiment(e: Experiment, path: str, fmt: str, sources) -> None:
    lines = text_lines(e, sources) if fmt == "extrap" else jsonl_lines(e)
    with open(path, "w", encoding="ascii", newline="\n") as fh:
        fh.write("\n".join(lines) + "\n")


def rank_count_warnings(regions: list) -> list:
    out = []
    for r in regions:
        ps = r.rank_counts
        if len(ps) < MIN_RANK_COUNTS:
            counts = f"{len(ps)} rank count{'s' * (len(ps) != 1)}"
            out.append(f"warning: {r.point}: {counts} (p = {', '.join(map(str, ps))}); "
                       f"Extra-P needs at least {MIN_RANK_COUNTS} to model")
    return out


def _describe(e: Experiment, path: str, fmt: str) -> list:
    if len(e.parameters) == 1:
        points = "p = " + ", ".join(format_decimal(c[0]) for c in e.coordinates)
    else:
        points = "(p, w) = " + ", ".join("(" + ", ".join(format_decimal(v) for v in c) + ")" for c in e.coordinates)
    metrics = ", ".join(f"{m} ({c})" for m, c in METRICS.items())
    n = len(e.regions)
    lines = [f"{path}: {FORMATS[fmt]}, {e.scaling} scaling, {points}; {n} region{'s' * (n != 1)}; metrics {metrics}"]
    return lines + [f"  {r.name}" for r in e.regions]


def _parse_args(argv):
    ap = argparse.ArgumentParser(prog="export.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", metavar="FILE", help="parbench HDF5 result files (schema version 1 or 2)")
    ap.add_argument("--format", required=True, choices=sorted(FORMATS), dest="format",
                    help="extrap: Extra-P's text input (extrap --text OUT); "
                         "extrap-jsonl: its JSON lines (extrap --json OUT)")
    ap.add_argument("-o", "--output", required=True, metavar="OUT", help="file to write")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = _parse_args(argv)
    try:
        runs = load_results(args.files)
        regions, skipped = collect_regions(runs)
    except InputError as exc:
        print(f"error: {exc.path}: {exc.what}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    if not regions:
        print(f"error: {', '.join(args.files)}: no counted runs to export (every run is a warm-up or not ok)",
              file=sys.stderr)
        return EXIT_INPUT_ERROR
    for point in skipped:
        print(f"warning: {point}: no counted runs (warm-ups and runs not ok are not exported); left out",
              file=sys.stderr)
    for line in rank_count_warnings(regions):
        print(line, file=sys.stderr)

    experiments = group_experiments(regions)
    paths = output_paths(args.output, experiments)
    if len(experiments) > 1:
        print(f"{len(experiments)} files: Extra-P needs one set of parameters and the same points for every "
              "region in a file")
    for e, path in zip(experiments, paths):
        try:
            write_experiment(e, path, args.format, args.files)
        except OSError as exc:
            print(f"error: {path}: cannot write ({exc.strerror or exc})", file=sys.stderr)
            return EXIT_INPUT_ERROR
        print("\n".join(_describe(e, path, args.format)))
    return 0
