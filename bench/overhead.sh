#!/usr/bin/env bash
# parbench's own fixed cost per run: a near-empty workload (cube of one integer, one task) at 2 ranks and at 24
# ranks oversubscribed. wall_s holds the run's barrier, distribute, collect and reduce; overhead_s the bookkeeping
# after it (gathering per-rank timings); write_s the durable HDF5 write of the run (outside both).
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
# 24 processes on 2 cores. tools/mpi_env.sh selects Open MPI's linear collectives (one scheduling round each);
# for comparison, the same study with Open MPI's default (tree) algorithms first.
echo "24 ranks, Open MPI's default collective algorithms:"
OMPI_MCA_coll_tuned_use_dynamic_rules=0 bench_run 24 "$study" many_default --bind-to none
summarize many_default overhead
echo "24 ranks, linear collectives (tools/mpi_env.sh):"
bench_run 24 "$study" many --bind-to none
summarize many overhead
