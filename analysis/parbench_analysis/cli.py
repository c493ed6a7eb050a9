"""`report.py FILE... -o DIR`: plots and a summary for every point in the given result files."""
from __future__ import annotations

import argparse
import os
import re
import sys

from .chunks import chunk_groups, write_chunk_csv
from .loader import InputError, load_results
from .placement import placement_view, write_placement_csv
from .scaling import analyse
from .summary import curve_heading, fit_sentence, write_factors, write_summary

EXIT_INPUT_ERROR = 2


def folder_name(point: str) -> str:
    """`trig n=1e6 / static / 1` -> `trig_n_1e6__static__1`: readable, shell-safe, one folder per point."""
    parts = [re.sub(r"[^A-Za-z0-9.+-]+", "_", part.strip()).strip("_") for part in point.split("/")]
    return "__".join(p for p in parts if p) or "point"


def _unique_folder_names(points) -> dict:
    """point -> folder_name(point), made unique; also names the chunk plots (ChunkGroup.name -> file name)."""
    names, used = {}, set()
    for point in points:
        name, n = folder_name(point), 2
        while name in used:  # two points that differ only in punctuation
            name, n = f"{folder_name(point)}-{n}", n + 1
        used.add(name)
        names[point] = name
    return names


def _write_chunk_view(runs, output: str) -> str | None:
    """chunks/*.png and chunks.csv when some label, threads and p were measured at several chunk settings;
    returns the line to print, or None (and writes nothing) when nothing sweeps the chunk."""
    groups = chunk_groups(runs)
    if not groups:
        return None
    from .plots import plot_chunks

    out_dir = os.path.join(output, "chunks")
    os.makedirs(out_dir, exist_ok=True)
    names = _unique_folder_names(g.name for g in groups)
    for g in groups:
        plot_chunks(g, out_dir, names[g.name] + ".png")
    csv_path = write_chunk_csv(groups, output)
    plots = f"{len(groups)} plot{'s' * (len(groups) != 1)}"
    return f"chunk sizes: {os.path.join(out_dir, '*.png')} ({plots}) and {csv_path}"


def _by_point(analyses) -> dict:
    """point -> its curves (one per placement), points in order of first appearance."""
    points = {}
    for a in analyses:
        points.setdefault(a.point, []).append(a)
    return points


def _report_point(curves, out_dir: str, plot_point):
    """Plots of one point and its lines on stdout; returns the point's placement view (None when it has no
    plotted curve)."""
    for a in curves:
        if a.table.empty:
            print(f"{curve_heading(a)}: skipped, {a.no_fit_reason}")
    shown = [a for a in curves if not a.table.empty]
    if not shown:
        return None
    view = placement_view(shown)
    written = plot_point(shown, out_dir, view)
    for a in shown:
        ps = ", ".join(str(p) for p in a.ps)
        print(f"{curve_heading(a)}: p = {ps}; {a.baseline_short()}; {fit_sentence(a)}")
        print(f"  {a.table['diagnosis'].iloc[-1]}")
    print(f"  {len(written)} plots in {out_dir}/")
    return view


def _parse_args(argv):
    ap = argparse.ArgumentParser(prog="report.py", description=__doc__)
    ap.add_argument("files", nargs="+", metavar="FILE", help="parbench HDF5 result files (schema version 1 or 2)")
    ap.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for plots and summary")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = _parse_args(argv)
    try:
        runs = load_results(args.files)
    except InputError as exc:
        print(f"error: {exc.path}: {exc.what}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    try:
        os.makedirs(args.output, exist_ok=True)
    except OSError as exc:
        print(f"error: {args.output}: cannot create the output folder ({exc.strerror})", file=sys.stderr)
        return EXIT_INPUT_ERROR

    from .plots import plot_point  # matplotlib only once the inputs are known to be good

    analyses = analyse(runs)
    points = _by_point(analyses)
    folders = _unique_folder_names(points)
    views = [_report_point(curves, os.path.join(args.output, folders[point]), plot_point)
             for point, curves in points.items()]
    csv_path, md_path = write_summary(analyses, args.output, folders, args.files)
    factors_path = write_factors(analyses, args.output)
    plotted = sum(v is not None for v in views)
    print(f"plots: {os.path.join(args.output, '<point>', '*.png')} ({plotted} point folder{'s' * (plotted != 1)})")
    print(f"summary: {csv_path} and {md_path}")
    print(f"efficiency factors per run: {factors_path}")
    placed = [v for v in views if v is not None and not v.rows.empty]
    if placed:  # a point measured at the same p on several node counts
        path = write_placement_csv(placed, args.output)
        plots = f"{len(placed)} plot{'s' * (len(placed) != 1)}"
        print(f"placements: {os.path.join(args.output, '<point>', 'placement.png')} ({plots}) and {path}")
    chunk_line = _write_chunk_view(runs, args.output)
    if chunk_line:
        print(chunk_line)
    return 0
