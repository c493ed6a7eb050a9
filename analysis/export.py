#!/usr/bin/python3
"""Extra-P input from parbench result files.

    /usr/bin/python3 analysis/export.py results/study.h5 [more.h5 ...] --format extrap -o study.txt
    /usr/bin/python3 analysis/export.py results/study.h5 --format extrap-jsonl -o study.jsonl

Writes the counted runs (warm-ups and runs not ok left out) of every point as Extra-P's text input
(`extrap --text study.txt`) or its JSON-lines input (`extrap --json study.jsonl`): parameter p (ranks), plus w
(work units per rank) for weak scaling; one region per point; metrics time (wall_s) and compute_time_max
(compute_max_s). See "Export to Extra-P" in analysis/README.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from parbench_analysis.export import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
