// Built with -fopenmp-simd -fno-builtin-sin -fno-builtin-cos (src/CMakeLists.txt): without -fno-builtin GCC fuses
// sin+cos into a scalar sincos call and nothing vectorises. On x86-64 glibc, declaring sin/cos `simd` lets GCC
// call libmvec's vector versions (≤ 1 ulp from scalar libm). Elsewhere the same loop runs scalar.
#include <cmath>
#include <cstring>

#include "workloads/kernels.hpp"

#if defined(PARBENCH_LIBMVEC)
extern "C" {
__attribute__((simd("notinbranch"))) double sin(double) noexcept;
__attribute__((simd("notinbranch"))) double cos(double) noexcept;
}
#endif

namespace parbench::workloads::kernels {
namespace {
// Elements are processed in fixed blocks, padded at the end, so every element goes through the same vector code
// whatever its position: an element's bits then depend only on its start value.
constexpr int kBlock = 64;
}  // namespace

double trig_range(std::int64_t begin, std::int64_t end, std::int64_t iterations, bool init_index, double n,
                  std::uint64_t* values) {
  double sum = 0.0;
  alignas(64) double x[kBlock];
  for (std::int64_t base = begin; base < end; base += kBlock) {
    const int count = static_cast<int>(std::min<std::int64_t>(kBlock, end - base));
    for (int j = 0; j < kBlock; ++j) x[j] = init_index ? static_cast<double>(base + std::min(j, count - 1)) : n;
    // Iterations outside, elements inside: the inner loop runs over independent elements and vectorises.
    for (std::int64_t k = 0; k < iterations; ++k) {
#pragma omp simd aligned(x : 64)
      for (int j = 0; j < kBlock; ++j) x[j] += std::cos(x[j]) + std::sin(x[j]);
    }
    for (int j = 0; j < count; ++j) sum += x[j];
    if (values) std::memcpy(values + (base - begin), x, sizeof(double) * static_cast<std::size_t>(count));
  }
  return sum;
}

}  // namespace parbench::workloads::kernels
