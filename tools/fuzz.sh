#!/usr/bin/env bash
# Fuzzes config parsing and validation with libFuzzer for a bounded time (default 60 s), in build-fuzz/ (clang,
# ASan + UBSan). Seeds: every config in configs/ and tests/. A crash leaves crash-* files and fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${PARBENCH_FUZZ_SECONDS:-60}
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPARBENCH_FUZZ=ON \
    -DPARBENCH_BUILD_TESTS=OFF -DPARBENCH_BUILD_BENCH=OFF -DPARBENCH_NATIVE=OFF >/dev/null
fi
cmake --build build-fuzz -j "$(nproc)" --target parbench_config_fuzz 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- |warning' || true
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
find configs tests -name '*.toml' -exec cp {} "$corpus"/ \;
ASAN_OPTIONS=detect_leaks=1 build-fuzz/parbench_config_fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=build-fuzz/ -print_final_stats=1 "$corpus" 2>&1 | grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)' || true
# libFuzzer exits non-zero on a crash; PIPESTATUS keeps that exit code despite the grep.
exit "${PIPESTATUS[0]}"
