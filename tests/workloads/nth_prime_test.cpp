#include <gtest/gtest.h>

#include "core/error.hpp"
#include "workloads/nth_prime_kernel.hpp"
#include "workloads/registry.hpp"
#include "workloads/serial_run.hpp"

namespace parbench::workloads {
namespace {

const WorkloadEntry& entry() { return *find("nth_prime"); }

std::vector<std::int64_t> primes_of(const std::string& toml) {
  const auto w = entry().make(testing::params_for(entry(), toml), ".");
  const Result r = testing::run_serial(*w).result;
  EXPECT_TRUE(w->verify(r).ok) << w->verify(r).detail;
  return std::get<std::vector<std::int64_t>>(r.arrays.at(1).second.data);
}

TEST(NthPrime, KnownValues) {
  EXPECT_EQ(kernels::nth_prime(1), 2);
  EXPECT_EQ(kernels::nth_prime(2), 3);
  EXPECT_EQ(kernels::nth_prime(10), 29);
  EXPECT_EQ(kernels::nth_prime(1000), 7919);
  EXPECT_EQ(primes_of("values = [1, 2, 10, 1000]"), (std::vector<std::int64_t>{2, 3, 29, 7919}));
}

// 1 is not prime: the 20000th prime is 224737. (224761 = 43 x 5227, so the 20003rd is 224771.)
TEST(NthPrime, TutorialSizeGivesTheTruePrimes) {
  EXPECT_EQ(primes_of("first = 20000\ncount = 4"), (std::vector<std::int64_t>{224737, 224743, 224759, 224771}));
}

// The tutorial counts 1 as prime and printed 224729 224737 224743 224759 for N = 20000..20003.
TEST(NthPrime, TutorialConventionReproducesThePrintedAnswers) {
  EXPECT_EQ(primes_of("first = 20000\ncount = 4\ntutorial_convention = true"),
            (std::vector<std::int64_t>{224729, 224737, 224743, 224759}));
  EXPECT_EQ(primes_of("values = [1, 2, 3]\ntutorial_convention = true"), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(NthPrime, FastPathMatchesOneDivisorAtATime) {
  for (std::int64_t n = 1; n <= 3000; ++n) ASSERT_EQ(kernels::nth_prime(n), kernels::nth_prime_scalar(n)) << n;
  for (std::int64_t n : {5000, 12345, 20000, 31622}) EXPECT_EQ(kernels::nth_prime(n), kernels::nth_prime_scalar(n));
}

// Around 2^24 the kernel switches from float to double division; both sides must stay exact.
TEST(NthPrime, ExactAcrossTheFloatToDoubleSwitch) {
  // pi(2^24) = 1077871: the 1077871st prime is 16777213 < 2^24, the next one 16777259 > 2^24.
  EXPECT_EQ(kernels::nth_prime(1077871), 16777213);
  EXPECT_EQ(kernels::nth_prime(1077872), 16777259);
}

TEST(NthPrime, ResultsNameTheirN) {
  const auto w = entry().make(testing::params_for(entry(), "values = [7, 3, 7]\ntasks = 2"), ".");
  const Result r = testing::run_serial(*w).result;
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(r.arrays.at(0).second.data), (std::vector<std::int64_t>{7, 3, 7}));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(r.arrays.at(1).second.data), (std::vector<std::int64_t>{17, 5, 17}));
  EXPECT_EQ(w->layout().tasks, 2);
}

TEST(NthPrime, OneTaskPerNByDefault) {
  const auto w = entry().make(testing::params_for(entry(), "first = 10\ncount = 6"), ".");
  EXPECT_EQ(w->layout().items, 6);
  EXPECT_EQ(w->layout().tasks, 6);
}

TEST(NthPrime, RefusesHugeN) {
  EXPECT_THROW(testing::params_for(entry(), "first = 100000000"), UserError);
  EXPECT_THROW(entry().make(testing::params_for(entry(), "first = 9999999\ncount = 5"), "."), UserError);
  EXPECT_THROW(entry().make(testing::params_for(entry(), "first = 5000000\ncount = 100000"), "."), UserError);
}

TEST(NthPrime, VerifyCatchesAWrongPrime) {
  const auto w = entry().make(testing::params_for(entry(), "values = [10, 11]"), ".");
  Result r = testing::run_serial(*w).result;
  std::get<std::vector<std::int64_t>>(r.arrays.at(1).second.data)[1] += 2;
  const Verification v = w->verify(r);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.detail.find("mismatch"), std::string::npos) << v.detail;
}

}  // namespace
}  // namespace parbench::workloads

namespace parbench::workloads {
namespace {

TEST(NthPrime, PrimeListDoesNotDependOnTasks) {
  const auto expected = primes_of("first = 500\ncount = 13");
  for (const char* tasks : {"1", "4", "13", "50"})
    EXPECT_EQ(primes_of(std::string("first = 500\ncount = 13\ntasks = ") + tasks), expected) << tasks;
}

}  // namespace
}  // namespace parbench::workloads
