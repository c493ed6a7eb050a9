#include <gtest/gtest.h>

#include <cmath>

#include "workloads/registry.hpp"
#include "workloads/serial_run.hpp"

namespace parbench::workloads {
namespace {

// The tutorial's my_func, written out plainly.
double my_func(double x, int iterations) {
  for (int i = 0; i < iterations; ++i) x += std::cos(x) + std::sin(x);
  return x;
}

double sum_of(const Result& r) { return std::get<double>(r.scalars.at(0).second); }

TEST(Trig, MatchesTheTutorialLoopWithinOneInATrillion) {
  for (const char* init : {"n", "index"}) {
    const auto w = find("trig")->make(
        testing::params_for(*find("trig"), std::string("n = 1003\niterations = 100\ntasks = 7\ninit = '") + init + "'"),
        ".");
    double reference = 0;
    for (int i = 0; i < 1003; ++i) reference += my_func(std::string(init) == "n" ? 1003.0 : i, 100);
    const double sum = sum_of(testing::run_serial(*w).result);
    EXPECT_NEAR(sum, reference, 1e-12 * std::abs(reference)) << init;
  }
}

TEST(Trig, KeepValuesReturnsEveryElement) {
  const auto w = find("trig")->make(
      testing::params_for(*find("trig"), "n = 70\niterations = 10\ntasks = 3\ninit = 'index'\nkeep_values = true"),
      ".");
  const Result r = testing::run_serial(*w).result;
  ASSERT_EQ(r.arrays.size(), 1u);
  const auto& values = std::get<std::vector<double>>(r.arrays[0].second.data);
  ASSERT_EQ(values.size(), 70u);
  for (int i = 0; i < 70; ++i) EXPECT_NEAR(values[i], my_func(i, 10), 1e-12 * std::abs(values[i])) << i;
}

TEST(Trig, SumIsIdenticalForAFixedTaskCountAndCloseForAnother) {
  const auto a = find("trig")->make(testing::params_for(*find("trig"), "n = 999\niterations = 5\ntasks = 9"), ".");
  const auto b = find("trig")->make(testing::params_for(*find("trig"), "n = 999\niterations = 5\ntasks = 10"), ".");
  const double sa = sum_of(testing::run_serial(*a).result);
  EXPECT_EQ(sa, sum_of(testing::run_serial(*a).result));
  EXPECT_NEAR(sa, sum_of(testing::run_serial(*b).result), 1e-13 * std::abs(sa));
}

}  // namespace
}  // namespace parbench::workloads
