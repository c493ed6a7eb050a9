#!/usr/bin/env bash
# Strategy benchmarks at 2 ranks (not timed tests; figures vary with machine load):
#  1. uniform work (trig, ~1.5 s of compute at one rank): each strategy's throughput relative to static;
#  2. uneven work (configs/uneven.toml): load imbalance of static, cyclic and dynamic;
#  3. many tiny tasks (10,000 π jobs of 10,000 darts, ~10 µs each; then 100,000 of ~1 µs): dynamic chunk 1 vs
#     "auto" vs fixed chunks;
#  4. threads vs processes on large trig: compute speedup of 1 rank × 2 threads and 2 ranks × 1 thread over 1 × 1.
#  5. the tutorial's four primes (N = 20000…20003, 4 tasks of equal cost): speedup at 2 ranks of each strategy,
#     against static's. Self-scheduling's tail rule must keep dynamic within 0.9 × static here.
#     Under dynamic, because a rank's threads also take tasks one at a time: both sides then absorb a core that
#     runs slower for a while (on a shared host one often does), and the comparison is threads vs processes only.
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bind=(--bind-to core --map-by core)
# Large uniform work, ~1.1 s of compute at one rank: sections 1 and 4.
large_trig='[[workload]]
label = "trig 1e6 x 1000"
kind = "trig"
n = 1000000
iterations = 1000
tasks = 512'

echo "== 1. uniform trig, throughput relative to static (2 ranks)"
bench_run 2 '
[study]
repetitions = 5
warmup = 1
ranks = [2]
'"$large_trig"'
[[strategy]]
kind = "static"
[[strategy]]
kind = "cyclic"
[[strategy]]
kind = "dynamic"
[[strategy]]
kind = "guided"' uniform "${bind[@]}"
summarize uniform strategies

echo "== 2. uneven nth_prime (configs/uneven.toml), 2 ranks"
mpirun -np 2 "${bind[@]}" build/parbench run configs/uneven.toml -o "$scratch/uneven.h5" -q --ranks 2 >/dev/null
summarize uneven imbalance

# chunk_sweep JOBS DARTS NAME: π with JOBS jobs of DARTS darts under dynamic chunk 1, 10, 100, 1000 and "auto".
# The settings alternate run by run (20 rounds of one repetition each, not 20 repetitions of each in a row), so a
# drift in machine speed cannot favour one chunk size.
chunk_sweep() {
  local text="
[study]
repetitions = 1
warmup = 0
ranks = [2]
[[workload]]
kind = \"monte_carlo_pi\"
jobs = $1
darts = $2"
  local round chunk
  for round in $(seq 0 20); do
    for chunk in 1 10 100 1000 '"auto"'; do
      # round 0 warms up: its label keeps it out of the summary
      local label="dynamic chunk=${chunk//\"/}"
      ((round == 0)) && label="warm-up $label"
      text+="
[[strategy]]
kind = \"dynamic\"
label = \"$label\"
chunk = $chunk"
    done
  done
  bench_run 2 "$text" "$3" "${bind[@]}"
  summarize "$3" chunks
}

echo "== 3. 10,000 tiny tasks (π, 10,000 darts each, ~10 µs), 2 ranks"
chunk_sweep 10000 10000 tiny
echo "== 3b. 100,000 tinier tasks (π, 1,000 darts each, ~1 µs), 2 ranks: where per-chunk overhead shows"
chunk_sweep 100000 1000 tinier

echo "== 4. threads vs processes, large trig (compute phase)"
bench_run 2 '
[study]
repetitions = 5
warmup = 1
ranks = [1, 2]
threads = [1, 2]
'"$large_trig"'
[[strategy]]
kind = "dynamic"' threads --bind-to none
summarize threads threads

echo "== 5. the tutorial's four primes, speedup at 2 ranks against static's (strategies alternate run by run)"
text='
[study]
repetitions = 1
warmup = 0
ranks = [1, 2]
[[workload]]
label = "4 primes"
kind = "nth_prime"
first = 20000
count = 4'
for round in $(seq 0 30); do
  for strategy in 'kind = "static"' 'kind = "dynamic"' 'kind = "dynamic"
chunk = 1' 'kind = "guided"'; do
    label=$(printf '%s' "$strategy" | tr '\n' ' ' | sed 's/kind = //; s/"//g; s/ *chunk = / chunk=/; s/ *$//')
    ((round == 0)) && label="warm-up $label"
    text+="
[[strategy]]
label = \"$label\"
$strategy"
  done
done
bench_run 2 "$text" primes "${bind[@]}"
summarize primes speedup
