#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "workloads/monte_carlo_pi_kernel.hpp"
#include "workloads/registry.hpp"
#include "workloads/serial_run.hpp"

namespace parbench::workloads {
namespace {

const WorkloadEntry& entry() { return *find("monte_carlo_pi"); }

// The documented mapping, one dart at a time with Random123's own Philox4x32-10.
std::int64_t reference_hits(std::uint32_t seed, std::uint32_t job, std::uint64_t first, std::uint64_t count) {
  std::int64_t hits = 0;
  for (std::uint64_t d = first; d < first + count; ++d) {
    const std::uint64_t k = d / 2;
    const r123::Philox4x32::ctr_type ctr = {{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32), 0, 0}};
    const r123::Philox4x32::key_type key = {{seed, job}};
    const auto r = r123::Philox4x32()(ctr, key);
    const std::uint64_t u = d % 2 ? r[2] : r[0], v = d % 2 ? r[3] : r[1];
    const double x = static_cast<double>(u) / 4294967296.0, y = static_cast<double>(v) / 4294967296.0;
    // In long double the sum is exact (64-bit mantissa holds u² + v² < 2^65 up to the last bit that matters here).
    hits += static_cast<long double>(x) * x + static_cast<long double>(y) * y < 1.0L ? 1 : 0;
  }
  return hits;
}

TEST(MonteCarloPi, KernelMatchesScalarPhiloxBitForBit) {
  struct Case {
    std::uint32_t seed, job;
    std::uint64_t first, count;
  };
  for (const Case c : {Case{12345, 0, 0, 1}, Case{12345, 0, 0, 1000}, Case{1, 7, 1, 999}, Case{0, 3, 33, 1},
                       Case{4294967295u, 4294967295u, 127, 300}, Case{99, 2, (1ull << 33) - 5, 1000}}) {
    EXPECT_EQ(kernels::pi_hits(c.seed, c.job, c.first, c.count), reference_hits(c.seed, c.job, c.first, c.count))
        << c.seed << " " << c.job << " " << c.first << " " << c.count;
  }
}

TEST(MonteCarloPi, AnySplitOfAJobGivesTheSameHits) {
  const std::int64_t whole = kernels::pi_hits(12345, 5, 0, 100003);
  for (std::uint64_t cut : {1ull, 2ull, 127ull, 128ull, 129ull, 50000ull, 100002ull}) {
    EXPECT_EQ(kernels::pi_hits(12345, 5, 0, cut) + kernels::pi_hits(12345, 5, cut, 100003 - cut), whole) << cut;
  }
  EXPECT_EQ(kernels::pi_hits(12345, 5, 77, 0), 0);
}

TEST(MonteCarloPi, HitsIdenticalForAnyTaskCount) {
  std::vector<Word> first;
  for (int tasks : {1, 2, 3, 7, 37}) {
    const auto w =
        entry().make(testing::params_for(entry(), "jobs = 37\ndarts = 10001\ntasks = " + std::to_string(tasks)), ".");
    const auto out = testing::run_serial(*w);
    if (first.empty()) first = out.item_out;
    EXPECT_EQ(out.item_out, first) << tasks;
  }
}

TEST(MonteCarloPi, DefaultIsOneTaskPerJob) {
  const auto w = entry().make(testing::params_for(entry(), "jobs = 12"), ".");
  EXPECT_EQ(w->layout().tasks, 12);
  EXPECT_EQ(w->layout().items, 12);
  EXPECT_EQ(w->work_units(), 12 * 1000000);
}

// 10^8 darts (the defaults): pi within 4 standard errors, and the reduced numbers consistent with each other.
TEST(MonteCarloPi, WithinFourStandardErrorsFor1e8Darts) {
  const auto w = entry().make(param::defaults(entry().params), ".");
  const Result r = testing::run_serial(*w).result;
  std::int64_t hits = 0, darts = 0;
  double pi = 0, err = 0;
  for (const auto& [name, v] : r.scalars) {
    if (name == "hits") hits = std::get<std::int64_t>(v);
    if (name == "darts") darts = std::get<std::int64_t>(v);
    if (name == "pi") pi = std::get<double>(v);
    if (name == "stderr") err = std::get<double>(v);
  }
  EXPECT_EQ(darts, 100000000);
  EXPECT_DOUBLE_EQ(pi, 4.0 * static_cast<double>(hits) / 1e8);
  EXPECT_NEAR(err, 4.0 * std::sqrt(std::numbers::pi / 4 * (1 - std::numbers::pi / 4) / 1e8), 1e-7);
  EXPECT_LE(std::abs(pi - std::numbers::pi), 4.0 * err) << pi;
  const auto& per_job = std::get<std::vector<std::int64_t>>(r.arrays.at(0).second.data);
  ASSERT_EQ(per_job.size(), 100u);
  std::int64_t sum = 0;
  for (std::int64_t h : per_job) sum += h;
  EXPECT_EQ(sum, hits);
  EXPECT_TRUE(w->verify(r).ok) << w->verify(r).detail;
}

TEST(MonteCarloPi, SeedsAndJobsGiveDifferentStreams) {
  EXPECT_NE(kernels::pi_hits(1, 0, 0, 100000), kernels::pi_hits(2, 0, 0, 100000));
  EXPECT_NE(kernels::pi_hits(1, 0, 0, 100000), kernels::pi_hits(1, 1, 0, 100000));
}

}  // namespace
}  // namespace parbench::workloads
