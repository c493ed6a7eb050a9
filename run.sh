#!/usr/bin/env bash
# The main job: set up (packages, build), run configs/workstation.toml on every local core, write
# results/workstation.h5 and the report (plots and summary) in results/report/.
set -euo pipefail
cd "$(dirname "$0")"
tools/setup.sh
source tools/mpi_env.sh
np=$(nproc)
mkdir -p results
# Keep an earlier file rather than mixing two invocations in one report.
if [[ -f results/workstation.h5 ]]; then
  mv results/workstation.h5 "results/workstation-$(date -u +%Y%m%dT%H%M%SZ).h5"
fi
# A live progress line when this script runs on a terminal (the ranks themselves only see mpirun's pipes).
if [[ -t 2 ]]; then export PARBENCH_PROGRESS=live; fi
mpirun -np "$np" --bind-to core --map-by core build/parbench run configs/workstation.toml -o results/workstation.h5
build/parbench report results/workstation.h5 -o results/report
