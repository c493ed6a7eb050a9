// monte_carlo_pi — the tutorials' mc_pi: `jobs` jobs of `darts` darts each at the unit square; the fraction inside
// the quarter circle estimates pi/4. Every job draws from its own counter-based stream keyed by (seed, job), so
// the hit counts depend only on the job, never on which rank, thread or task computed it (see
// monte_carlo_pi_kernel.hpp for the exact mapping of darts to Philox4x32-10 outputs).
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

#include "core/error.hpp"
#include "workloads/monte_carlo_pi_kernel.hpp"
#include "workloads/workload.hpp"

namespace parbench::workloads {
namespace {

class MonteCarloPi final : public Workload {
 public:
  explicit MonteCarloPi(const param::Params& p)
      : jobs_(p.integer("jobs")),
        darts_(p.integer("darts")),
        seed_(static_cast<std::uint32_t>(p.integer("seed"))),
        tasks_(p.has("tasks") ? p.integer("tasks") : jobs_) {
    // Weak scaling multiplies jobs by the rank count, past the spec's bound: job ids must still fit the 32-bit
    // key word, and the int64 totals must not overflow.
    if (jobs_ > 4294967296)
      throw UserError("monte_carlo_pi", "jobs",
                      "at most 2^32 jobs (a job is a 32-bit Philox key word), got " + std::to_string(jobs_));
    if (static_cast<double>(jobs_) * static_cast<double>(darts_) > 4.6e18)
      throw UserError(
          "monte_carlo_pi", "jobs",
          "jobs x darts must stay below 4.6e18, got " + std::to_string(jobs_) + " x " + std::to_string(darts_));
  }

  // One item per job; each item returns the job's hit count.
  Layout layout() const override { return {.items = jobs_, .tasks = tasks_, .item_words = 1}; }
  std::int64_t work_units() const override { return jobs_ * darts_; }

  void compute(const TaskView& t) const override {
    for (std::int64_t j = t.item_begin; j < t.item_end; ++j)
      t.item_out[j - t.item_begin] = static_cast<Word>(
          kernels::pi_hits(seed_, static_cast<std::uint32_t>(j), 0, static_cast<std::uint64_t>(darts_)));
  }

  // Integer counts: the sum is exact, so the order only matters by contract.
  Result reduce(std::span<const Word> item_out, std::span<const Word>) const override {
    std::vector<std::int64_t> per_job(item_out.size());
    std::int64_t hits = 0;
    for (std::size_t j = 0; j < per_job.size(); ++j) {
      per_job[j] = static_cast<std::int64_t>(item_out[j]);
      hits += per_job[j];
    }
    const std::int64_t darts = jobs_ * darts_;
    const double p = static_cast<double>(hits) / static_cast<double>(darts);
    Result r;
    r.scalars.emplace_back("hits", hits);
    r.scalars.emplace_back("darts", darts);
    r.scalars.emplace_back("pi", 4.0 * p);
    r.scalars.emplace_back("stderr", 4.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(darts)));
    r.arrays.emplace_back("hits_per_job", Array{{jobs_}, std::move(per_job)});
    return r;
  }

  // The estimate is binomial: within 5 standard errors of pi except with probability ~6e-7.
  Verification verify(const Result& result) const override {
    double pi = 0.0, err = 0.0;
    for (const auto& [name, value] : result.scalars) {
      if (name == "pi") pi = std::get<double>(value);
      if (name == "stderr") err = std::get<double>(value);
    }
    const double dev = std::abs(pi - std::numbers::pi);
    const double sigmas = err > 0.0 ? dev / err : (dev == 0.0 ? 0.0 : std::numeric_limits<double>::infinity());
    std::ostringstream detail;
    detail << "closed form pi, |error| = " << dev << " = " << sigmas << " standard errors (allowed 5)";
    return {dev <= 5.0 * err, detail.str()};
  }

 private:
  std::int64_t jobs_, darts_;
  std::uint32_t seed_;
  std::int64_t tasks_;
};

}  // namespace

WorkloadEntry monte_carlo_pi_entry() {
  using param::ParamSpec;
  using param::ParamType;
  return {
      "monte_carlo_pi",
      "the tutorials' mc_pi: `jobs` jobs of `darts` darts, one Philox stream per (seed, job); result: pi and hits",
      {
          ParamSpec{"jobs", ParamType::kInteger, "jobs (independent streams)", std::int64_t{100}, 1, 1e9, {}, true},
          ParamSpec{"darts", ParamType::kInteger, "darts per job", std::int64_t{1000000}, 1, 1e12},
          ParamSpec{"seed", ParamType::kInteger, "Philox key word 0 (key word 1 is the job)", std::int64_t{12345}, 0,
                    4294967295.0},
          tasks_param(std::nullopt),
      },
      [](const param::Params& p, const std::filesystem::path&) { return std::make_unique<MonteCarloPi>(p); },
  };
}

}  // namespace parbench::workloads
