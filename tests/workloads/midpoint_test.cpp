#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "workloads/registry.hpp"
#include "workloads/serial_run.hpp"

namespace parbench::workloads {
namespace {

double integral(const std::string& toml) {
  const auto w = find("midpoint")->make(testing::params_for(*find("midpoint"), toml), ".");
  const Result r = testing::run_serial(*w).result;
  EXPECT_TRUE(w->verify(r).ok) << w->verify(r).detail;
  return std::get<double>(r.scalars.at(0).second);
}

TEST(Midpoint, PiIntegralMatchesClosedFormWithin1e12) {
  EXPECT_NEAR(integral("intervals = 10000000"), std::numbers::pi, 1e-12);
}

TEST(Midpoint, OtherIntegrandsMatchTheirClosedForms) {
  EXPECT_NEAR(integral("intervals = 1000000\nintegrand = 'sin'\nb = 3.0"), 1.0 - std::cos(3.0), 1e-11);
  EXPECT_NEAR(integral("intervals = 1000000\nintegrand = 'exp'\na = -1.0"), std::exp(1.0) - std::exp(-1.0), 1e-11);
  EXPECT_NEAR(integral("intervals = 1000000\nintegrand = 'square'\nb = 2.0"), 8.0 / 3.0, 1e-11);
}

TEST(Midpoint, CoarseGridStaysWithinTheMidpointErrorBound) {
  // h = 0.1: the error (~h²/24 · 2 for the pi integrand) is far above 1e-12 yet verify accepts it by the bound.
  EXPECT_NEAR(integral("intervals = 10\ntasks = 3"), std::numbers::pi, 1e-2);
}

}  // namespace
}  // namespace parbench::workloads
