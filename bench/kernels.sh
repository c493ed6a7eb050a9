#!/usr/bin/env bash
# Builds and runs the kernel micro-benchmarks, then prints each kernel's time per unit against the best
# single-core figure found on this machine kind, with PASS when within 1.5x of it.
#
#   bench/kernels.sh                  # uses ./build (configure it first: cmake -S . -B build)
#   BUILD_DIR=/tmp/b bench/kernels.sh # another build folder; REPETITIONS=n (default 5)
#
# Figures are minima over the repetitions, per unit of CPU time of the benchmark thread (Google Benchmark's
# default for rate counters), so a busy shared machine inflates them less than wall time would. Exit status 1
# when a kernel misses its target.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
repetitions="${REPETITIONS:-5}"

cmake --build "$build" --target parbench_kernels_bench >&2
bin="$(find "$build" -name parbench_kernels_bench -type f -perm -u+x | head -n 1)"
[[ -n "$bin" ]] || { echo "kernels.sh: parbench_kernels_bench not found under $build" >&2; exit 2; }

json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$bin" --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=false \
       --benchmark_out="$json" --benchmark_out_format=json >&2

python="$(command -v /usr/bin/python3 || command -v python3)"
"$python" - "$json" <<'PY'
import json, sys

# Best single-core implementations found on this machine kind (AMD EPYC Zen 4, g++ 12 -O3 -march=native):
# docs/performance.md, "Single-core limits", "best found" column, taking the upper end of each range.
LIMITS = {  # benchmark: (kernel, counter, unit, limit)
    "BM_Trig": ("trig", "ns_per_element_iteration", "ns/element-iteration", 1.6),
    "BM_GaussFit": ("gauss_fit", "us_per_fit", "us/fit (100 points)", 2.4),
    "BM_MonteCarloPi": ("monte_carlo_pi", "ns_per_dart", "ns/dart", 1.7),
    "BM_NthPrime": ("nth_prime", "ms_per_call", "ms/call (N=20000)", 2.1),
    "BM_Midpoint": ("midpoint", "ns_per_subinterval", "ns/subinterval", 0.31),
}
TARGET = 1.5  # allowed ratio measured / limit

runs = json.load(open(sys.argv[1]))["benchmarks"]
best = {}
for b in runs:
    if b.get("run_type") != "iteration" or b.get("error_occurred"):
        continue
    name = b["run_name"] if "run_name" in b else b["name"]
    if name in LIMITS:
        v = b[LIMITS[name][1]]
        best[name] = min(best.get(name, v), v)

rows, failed = [], False
for name, (kernel, _, unit, limit) in LIMITS.items():
    if name not in best:
        rows.append((kernel, unit, "missing", f"{limit:g}", "-", f"<= {TARGET * limit:.3g}", "FAIL"))
        failed = True
        continue
    ratio = best[name] / limit
    ok = ratio <= TARGET
    failed |= not ok
    rows.append((kernel, unit, f"{best[name]:.3g}", f"{limit:g}", f"{ratio:.2f}x", f"<= {TARGET * limit:.3g}",
                 "PASS" if ok else "FAIL"))
head = ("kernel", "unit", "measured", "limit", "ratio", f"target ({TARGET}x)", "result")
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
for r in [head] + rows:
    print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
sys.exit(1 if failed else 0)
PY
