// Built with -fopenmp-simd. Trial division with floating-point division, kLanes odd divisors per step:
//   d divides n  <=>  fl(n / d) is an integer, for integers 0 < d < n < 2^24 in float (2^53 in double).
// Proof: if d does not divide n, n/d lies at least 1/d from every integer, while rounding moves it by at most
// (n/d) * 2^-24 < 1/d. So the test is exact; no -ffast-math (it may replace the division by a reciprocal
// multiplication, which is not correctly rounded, and then reports wrong primes).
// The loops are plain C++: GCC turns them into AVX-512 vdivps/vcvttps2dq on this machine and into narrower or
// scalar code elsewhere, always with the same answers. (std::trunc would keep GCC from vectorising: it may not
// drop trunc's floating-point exceptions; an integer round trip is exact here and vectorises.)
#include "workloads/nth_prime_kernel.hpp"

#include <array>

namespace parbench::workloads::kernels {
namespace {

constexpr int kLanes = 16;                     // divisors tested per step (one 512-bit vector of floats)
constexpr std::int64_t kFloatLimit = 1 << 24;  // candidates below this use float division
constexpr std::int64_t kSmall = 64;            // below this, plain integer trial division (see steps_for)

// Odd divisors 3, 5, 7, ... as floats, enough for every candidate below 2^24 (sqrt < 4096), whole steps.
constexpr int kFloatDivisors = ((4096 / 2) / kLanes + 1) * kLanes;
const std::array<float, kFloatDivisors>& float_divisors() {
  alignas(64) static const std::array<float, kFloatDivisors> table = [] {
    std::array<float, kFloatDivisors> t{};
    for (int i = 0; i < kFloatDivisors; ++i) t[i] = static_cast<float>(3 + 2 * i);
    return t;
  }();
  return table;
}

// Steps of kLanes odd divisors needed to cover 3..lim. The last step may test divisors a little above sqrt(n);
// that is harmless as long as they stay below n (any divisor 1 < d < n proves n composite): lim + 2 kLanes < n
// holds for n >= kSmall.
std::int64_t steps_for(std::int64_t lim) { return lim < 3 ? 0 : ((lim - 3) / 2) / kLanes + 1; }

bool composite_float(std::int64_t n, std::int64_t steps) {
  const float nf = static_cast<float>(n);
  const float* d = float_divisors().data();
  for (std::int64_t s = 0; s < steps; ++s, d += kLanes) {
    int hit = 0;
#pragma omp simd reduction(| : hit)
    for (int l = 0; l < kLanes; ++l) {
      const float q = nf / d[l];
      hit |= q == static_cast<float>(static_cast<std::int32_t>(q));  // q < 2^24: the conversion is exact
    }
    if (hit) return true;
  }
  return false;
}

bool composite_double(std::int64_t n, std::int64_t steps) {
  const double nd = static_cast<double>(n);
  for (std::int64_t s = 0; s < steps; ++s) {
    const double base = static_cast<double>(3 + 2 * kLanes * s);
    int hit = 0;
#pragma omp simd reduction(| : hit)
    for (int l = 0; l < kLanes; ++l) {
      const double q = nd / (base + 2.0 * l);
      hit |= q == static_cast<double>(static_cast<std::int64_t>(q));
    }
    if (hit) return true;
  }
  return false;
}

// Odd n >= 3: any odd divisor in 3..sqrt(n)?
bool composite_scalar(std::int64_t n) {
  for (std::int64_t d = 3; d * d <= n; d += 2)
    if (n % d == 0) return true;
  return false;
}

}  // namespace

std::int64_t nth_prime(std::int64_t n) {
  if (n <= 1) return 2;
  std::int64_t found = 1;  // 2
  std::int64_t candidate = 1;
  std::int64_t lim = 1;  // floor(sqrt(candidate)), kept up to date incrementally (exact, no sqrt rounding)
  while (found < n) {
    candidate += 2;
    while ((lim + 1) * (lim + 1) <= candidate) ++lim;
    bool composite;
    if (candidate < kSmall) {
      composite = composite_scalar(candidate);
    } else if (candidate < kFloatLimit) {
      composite = composite_float(candidate, steps_for(lim));
    } else {
      composite = composite_double(candidate, steps_for(lim));
    }
    if (!composite) ++found;
  }
  return candidate;
}

std::int64_t nth_prime_scalar(std::int64_t n) {
  if (n <= 1) return 2;
  std::int64_t found = 1, candidate = 1;
  while (found < n) {
    candidate += 2;
    if (!composite_scalar(candidate)) ++found;
  }
  return candidate;
}

}  // namespace parbench::workloads::kernels
