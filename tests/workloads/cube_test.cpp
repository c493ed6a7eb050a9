#include <gtest/gtest.h>

#include "workloads/registry.hpp"
#include "workloads/serial_run.hpp"

namespace parbench::workloads {
namespace {

Result cube(const std::string& toml) {
  return testing::run_serial(*find("cube")->make(testing::params_for(*find("cube"), toml), ".")).result;
}

TEST(Cube, CountAndExactSumMatchTheClosedForm) {
  const Result r = cube("n = 10\ntasks = 3");
  EXPECT_EQ(std::get<std::int64_t>(r.scalars[0].second), 10);
  EXPECT_EQ(std::get<std::string>(r.scalars[1].second), "3025");  // (10·11/2)²
}

TEST(Cube, SumPast64BitsIsExact) {
  // n = 200000: Σk³ = (200000·200001/2)² = 400004000010000000000 > 2^64.
  EXPECT_EQ(std::get<std::string>(cube("n = 200000\ntasks = 13").scalars[1].second), "400004000010000000000");
}

TEST(Cube, ResultDoesNotDependOnTasks) {
  EXPECT_EQ(cube("n = 12345\ntasks = 1").scalars, cube("n = 12345\ntasks = 77").scalars);
}

}  // namespace
}  // namespace parbench::workloads
