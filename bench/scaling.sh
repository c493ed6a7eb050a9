#!/usr/bin/env bash
# Scaling benchmark (not a timed test): trig and gauss_fit sized to >= 2 s at one rank, static strategy, ranks
# 1…NP (default: every core here), printing compute-phase and whole-run efficiency per rank count.
#   bench/scaling.sh            # NP = nproc
#   NP=24 bench/scaling.sh      # any rank count elsewhere
source "$(dirname "$0")/common.sh"
np=${NP:-$(nproc)}
ranks=$(seq -s, 1 "$np")
bench_run "$np" "
[study]
repetitions = 5
warmup = 1
ranks = [$ranks]
[[workload]]
label = \"trig 2e6 x 1000\"
kind = \"trig\"
n = 2000000
iterations = 1000
tasks = 960
[[workload]]
label = \"gauss_fit 1e6 fits\"
kind = \"gauss_fit\"
fits = 1000000
tasks = 960
[[strategy]]
kind = \"static\"
[[strategy]]
kind = \"dynamic\"
chunk = \"auto\"" scaling --bind-to core --map-by core
summarize scaling scaling
