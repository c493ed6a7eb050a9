#!/usr/bin/env bash
# parbench's own fixed cost per run: a near-empty workload (cube of one integer, one task) at 2 ranks and at 24
# ranks oversubscribed. wall_s runs from the start barrier to the reduced result (distribute, compute, collect,
# reduce); overhead_s is the bookkeeping
# after it (gathering per-rank timings); write_s the durable HDF5 write of the run (outside both).
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
study='
[study]
repetitions = 200
warmup = 10
[[workload]]
label = "empty"
kind = "cube"
n = 1
tasks = 1
[[strategy]]
kind = "static"
[[strategy]]
kind = "dynamic"
chunk = 1'
bench_run 2 "$study" two --bind-to core --map-by core
summarize two overhead
# 24 processes on 2 cores: every step that needs all ranks waits for 24 processes to be scheduled on 2 cores.
bench_run 24 "$study" many --bind-to none
summarize many overhead
