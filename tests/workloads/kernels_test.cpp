// The lead's vectorised kernels (trig, midpoint) against plain scalar code and closed forms.
#include "workloads/kernels.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <numbers>
#include <vector>

namespace parbench::workloads {
namespace {

double my_func(double x, std::int64_t iterations) {
  for (std::int64_t k = 0; k < iterations; ++k) x += std::cos(x) + std::sin(x);
  return x;
}

// The vector sin/cos (libmvec) differ from scalar libm by at most 1 ulp per call. The map x -> x + cos x + sin x
// contracts towards its stable fixed points 3pi/4 + 2k pi (slope 1 - sqrt 2), so the per-call differences do not
// pile up: 1e-12 relative per element leaves a wide margin over the ~1e-15 seen, and catches any real bug.
constexpr double kTrigTolerance = 1e-12;

TEST(TrigKernel, MatchesScalarLoopElementwise) {
  for (const bool by_index : {false, true}) {
    const std::int64_t n = 1000, iterations = 100;
    std::vector<std::uint64_t> values(n);
    const double sum = kernels::trig_range(0, n, iterations, by_index, static_cast<double>(n), values.data());
    double reference_sum = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const double ref = my_func(by_index ? static_cast<double>(i) : static_cast<double>(n), iterations);
      reference_sum += ref;
      ASSERT_NEAR(std::bit_cast<double>(values[i]), ref, kTrigTolerance * std::max(1.0, std::abs(ref))) << i;
    }
    EXPECT_NEAR(sum, reference_sum, kTrigTolerance * std::abs(reference_sum));
  }
}

// An element's bits depend only on its start value, not on where its range starts or ends (blocks are padded).
TEST(TrigKernel, ElementBitsDoNotDependOnTheRange) {
  const std::int64_t n = 300;
  std::vector<std::uint64_t> whole(n), part(n);
  kernels::trig_range(0, n, 20, true, static_cast<double>(n), whole.data());
  kernels::trig_range(77, 211, 20, true, static_cast<double>(n), part.data());
  for (std::int64_t i = 77; i < 211; ++i) EXPECT_EQ(whole[i], part[i - 77]) << i;
  EXPECT_EQ(kernels::trig_range(5, 5, 20, true, 1.0, nullptr), 0.0);
}

TEST(MidpointKernel, MatchesClosedForms) {
  struct Case {
    kernels::Integrand f;
    double a, b, exact, max_f2;  // max |f''| on [a, b] bounds the rule's error (b - a) h² max|f''| / 24
  };
  const Case cases[] = {
      {kernels::Integrand::kPi, 0.0, 1.0, std::numbers::pi, 8.0},
      {kernels::Integrand::kSin, 0.0, 2.0, 1.0 - std::cos(2.0), 1.0},
      {kernels::Integrand::kExp, -1.0, 1.0, std::exp(1.0) - std::exp(-1.0), std::exp(1.0)},
      {kernels::Integrand::kSquare, -2.0, 3.0, (27.0 + 8.0) / 3.0, 2.0},
  };
  for (const Case& c : cases) {
    for (std::int64_t n : {1, 7, 1000, 1000003}) {
      const double h = (c.b - c.a) / static_cast<double>(n);
      const double integral = kernels::midpoint_range(c.f, c.a, h, 0, n) * h;
      const double bound = (c.b - c.a) * h * h * c.max_f2 / 24.0 + 1e-12 * std::abs(c.exact);
      EXPECT_NEAR(integral, c.exact, bound) << static_cast<int>(c.f) << " n=" << n;
    }
  }
}

TEST(MidpointKernel, RangesAddUp) {
  const std::int64_t n = 100001;
  const double h = 1.0 / static_cast<double>(n);
  const double whole = kernels::midpoint_range(kernels::Integrand::kPi, 0.0, h, 0, n);
  const double parts = kernels::midpoint_range(kernels::Integrand::kPi, 0.0, h, 0, 333) +
                       kernels::midpoint_range(kernels::Integrand::kPi, 0.0, h, 333, n);
  EXPECT_NEAR(parts, whole, 1e-13 * whole);
  EXPECT_EQ(kernels::midpoint_range(kernels::Integrand::kPi, 0.0, h, 9, 9), 0.0);
}

}  // namespace
}  // namespace parbench::workloads
