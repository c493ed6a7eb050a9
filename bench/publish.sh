#!/usr/bin/env bash
# What publishing a finished run costs as the file grows (not a timed test; figures vary with the disk and its load).
# A study of 400 runs that each write a per-task trace (2,000 tasks: ~80 KB that no other run shares, so the file
# grows to ~30 MB); the run table's write_s is the time to publish the previous run. Prints the median over the
# first and the last 50 runs and their ratio: flat means publishing costs what a run wrote, not what the file holds.
# PARBENCH_COMPARE_BIN=/path/to/older/parbench runs the same study with another build, side by side.
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
text='
[study]
repetitions = 400
warmup = 0
ranks = [1]
trace = true
[[workload]]
kind = "cube"
n = 200000
tasks = 2000'
echo "== 400 runs, each publishing ~80 KB of trace; write_s of the first and the last 50 runs (output on $(df --output=fstype "$scratch" | tail -1))"
bench_run 1 "$text" publish
summarize publish publish
if [[ -n ${PARBENCH_COMPARE_BIN:-} ]]; then
  echo "== the same study with $PARBENCH_COMPARE_BIN"
  printf '%s\n' "$text" >"$scratch/compare.toml"
  mpirun -np 1 "$PARBENCH_COMPARE_BIN" run "$scratch/compare.toml" -o "$scratch/compare.h5" -q >/dev/null
  summarize compare publish
fi
