#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer build of the C++ tests (unit and MPI), in build-asan/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source tools/mpi_env.sh
if [[ ! -f build-asan/CMakeCache.txt ]]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARBENCH_SANITIZE=ON -DPARBENCH_BUILD_BENCH=OFF >/dev/null
fi
cmake --build build-asan -j "$(nproc)" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- ' || true
# Open MPI's own allocations are not ours to judge: leak checking covers the unit tests only.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd build-asan && ctest --output-on-failure -j 2 -L 'unit|mpi' --timeout 900)
