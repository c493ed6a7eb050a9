#!/usr/bin/env bash
# The whole test suite: set up (packages, build), then every ctest label (lint, unit, mpi, e2e incl. the Python checks,
# slurm), then the sanitizer and fuzzing passes. Exit 0 only if everything passes.
set -euo pipefail
cd "$(dirname "$0")"
tools/setup.sh
source tools/mpi_env.sh
(cd build && ctest --output-on-failure -j 2 --timeout 1500)
tools/sanitize.sh
tools/fuzz.sh
