#!/usr/bin/env bash
# Scaling benchmark (not a timed test): trig and gauss_fit sized to >= 2 s at one rank, under static and dynamic
# (chunk "auto"), ranks 1…NP (default: every core here), printing compute-phase and whole-run efficiency per rank
# count. Then the hardware's own ceiling for the same tasks: NP independent one-rank parbench processes, one pinned
# to each core and no MPI between them, against one alone. Where that ceiling is below 1 (cores that slow each
# other down: shared clocks, power, memory, or a host's other tenants), no parallel code can do better.
#   bench/scaling.sh            # NP = nproc
#   NP=24 bench/scaling.sh      # any rank count elsewhere
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
np=${NP:-$(nproc)}
ranks=$(seq -s, 1 "$np")
workloads='[[workload]]
label = "trig 2e6 x 1000"
kind = "trig"
n = 2000000
iterations = 1000
tasks = 960
[[workload]]
label = "gauss_fit 1e6 fits"
kind = "gauss_fit"
fits = 1000000
tasks = 960'
bench_run "$np" "
[study]
repetitions = 5
warmup = 1
ranks = [$ranks]
$workloads
[[strategy]]
kind = \"static\"
[[strategy]]
kind = \"dynamic\"
chunk = \"auto\"" scaling --bind-to core --map-by core
summarize scaling scaling

printf '%s\n' "[study]
repetitions = 1
warmup = 0
ranks = [1]
$workloads" >"$scratch/alone.toml"
mkdir "$scratch/ceiling"
# one_rank CORE FILE: the study on one rank, pinned to CORE.
one_rank() {
  taskset -c "$1" mpirun -np 1 --bind-to none build/parbench run "$scratch/alone.toml" -o "$2" -q >/dev/null
}
for round in 1 2 3; do  # alternating, so that drift in the host's speed falls on both sides alike
  one_rank 0 "$scratch/ceiling/alone_$round.h5"
  for ((core = 0; core < np; core++)); do
    one_rank "$core" "$scratch/ceiling/together_${round}_$core.h5" &
  done
  wait
done
/usr/bin/python3 bench/summarize.py "$scratch/ceiling" ceiling
