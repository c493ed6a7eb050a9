#pragma once
// monte_carlo_pi's kernel: counts darts inside the quarter circle, one counter-based stream per job.
#include <cstdint>

namespace parbench::workloads::kernels {

// Hits among darts [first, first + count) of job `job` drawn with seed `seed`.
//
// Stream mapping (documented, so any other implementation can reproduce it bit for bit): dart d of a job comes
// from one Philox4x32-10 call with key = {seed, job} and counter = {k mod 2^32, k / 2^32, 0, 0}, k = d / 2.
// The call returns four 32-bit words r0..r3; an even dart uses (r0, r1), an odd dart (r2, r3).
// The dart is (x, y) = (u / 2^32, v / 2^32) and hits when x² + y² < 1, decided exactly in integers as
// u² + v² < 2^64, i.e. u² <= ~v² in 64-bit arithmetic (no overflow, no rounding, no contraction).
// Hits therefore depend only on (seed, job, d): any split of a job's darts gives the same total.
std::int64_t pi_hits(std::uint32_t seed, std::uint32_t job, std::uint64_t first, std::uint64_t count);

}  // namespace parbench::workloads::kernels
