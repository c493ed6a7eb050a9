#pragma once
// Hot loops of the workloads, kept apart so they can be built with vectorising flags (see src/CMakeLists.txt)
// and timed by bench/. Each kernel is deterministic: the same arguments give the same bits on every rank.
#include <cstdint>

namespace parbench::workloads::kernels {

// trig: elements [begin, end) start at `n` (or at their index when init_index) and run
// x += cos(x) + sin(x) `iterations` times. Returns the sum of the final values in index order; writes each value
// (as the bits of a double) to values[i - begin] when `values` is not null.
double trig_range(std::int64_t begin, std::int64_t end, std::int64_t iterations, bool init_index, double n,
                  std::uint64_t* values);

enum class Integrand { kPi, kSin, kExp, kSquare };
double integrand(Integrand f, double x);

// midpoint: sum of f(a + (i + 0.5) h) for i in [begin, end).
double midpoint_range(Integrand f, double a, double h, std::int64_t begin, std::int64_t end);

}  // namespace parbench::workloads::kernels
