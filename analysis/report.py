#!/usr/bin/python3
"""Scaling report for parbench result files.

    /usr/bin/python3 analysis/report.py results/study.h5 [more.h5 ...] -o report/

Writes, per point (workload label / strategy / threads), speedup, efficiency, serial-fraction, phase
breakdown, load-balance and (when traced) timeline plots into report/<point>/, and report/summary.csv
and report/summary.md; when the runs sweep the chunk size, also report/chunks/*.png and report/chunks.csv.
See analysis/README.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from parbench_analysis.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
