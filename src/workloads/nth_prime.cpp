// nth_prime — the tutorial's prime(N): the Nth prime by trial division up to sqrt(n), for a list of N. Tasks of very
// uneven cost (the work grows like N^1.5), so the strategies' load balance shows.
//
// The tutorial counts 1 as prime (its loop starts at n = 1 and isprime(1) is true), so it prints the true
// (N-1)th prime for N >= 2 and 1 for N = 1: 224729 224737 224743 224759 for N = 20000..20003. By default this
// workload gives the true Nth prime (1 is not prime: the 20000th prime is 224737); `tutorial_convention = true`
// reproduces the tutorial's answers.
#include <algorithm>
#include <cmath>
#include <mutex>

#include "core/error.hpp"
#include "workloads/nth_prime_kernel.hpp"
#include "workloads/workload.hpp"

namespace parbench::workloads {
namespace {

// Largest N: the 10^7th prime (179424673) takes about half a minute of trial division; a typo cannot run for days.
constexpr std::int64_t kMaxN = 10000000;
constexpr std::int64_t kMaxCount = 1000000;
// All N together: sum of N^1.5 (trial division work grows like N sqrt(N log N)); 1e14 is about a day on one core.
constexpr double kMaxTotalWork = 1e14;

class NthPrime final : public Workload {
 public:
  NthPrime(std::vector<std::int64_t> values, bool tutorial, std::int64_t tasks)
      : values_(std::move(values)), tutorial_(tutorial), tasks_(tasks) {}

  // One item per N; each item returns its prime.
  Layout layout() const override {
    return {.items = static_cast<std::int64_t>(values_.size()), .tasks = tasks_, .item_words = 1};
  }
  std::int64_t work_units() const override { return static_cast<std::int64_t>(values_.size()); }

  void compute(const TaskView& t) const override {
    for (std::int64_t i = t.item_begin; i < t.item_end; ++i)
      t.item_out[i - t.item_begin] = static_cast<Word>(answer(values_[static_cast<std::size_t>(i)]));
  }

  Result reduce(std::span<const Word> item_out, std::span<const Word>) const override {
    std::vector<std::int64_t> primes(item_out.size());
    for (std::size_t i = 0; i < primes.size(); ++i) primes[i] = static_cast<std::int64_t>(item_out[i]);
    const std::int64_t count = static_cast<std::int64_t>(values_.size());
    Result r;
    r.scalars.emplace_back("count", count);
    r.scalars.emplace_back("largest", primes.empty() ? 0 : *std::max_element(primes.begin(), primes.end()));
    r.arrays.emplace_back("n", Array{{count}, values_});
    r.arrays.emplace_back("primes", Array{{count}, std::move(primes)});
    return r;
  }

  // Reference: a sieve of Eratosthenes up to a bound on the largest prime asked for (a different algorithm).
  Verification verify(const Result& result) const override {
    const auto& primes = std::get<std::vector<std::int64_t>>(result.arrays.at(1).second.data);
    const std::int64_t max_n = *std::max_element(values_.begin(), values_.end());
    const std::vector<std::int64_t> table = sieve_primes(max_n);
    std::int64_t mismatches = 0;
    std::string first_bad;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      const std::int64_t n = values_[i];
      std::int64_t expected;
      if (tutorial_) {
        expected = n == 1 ? 1 : table[static_cast<std::size_t>(n - 2)];
      } else {
        expected = table[static_cast<std::size_t>(n - 1)];
      }
      if (i >= primes.size() || primes[i] != expected) {
        if (mismatches++ == 0)
          first_bad = "; first mismatch N = " + std::to_string(n) + ": got " +
                      (i < primes.size() ? std::to_string(primes[i]) : std::string("nothing")) + ", expected " +
                      std::to_string(expected);
      }
    }
    std::string detail = "sieve of Eratosthenes up to " + std::to_string(table.back()) + ": " +
                         std::to_string(values_.size() - static_cast<std::size_t>(mismatches)) + " of " +
                         std::to_string(values_.size()) + " primes match" +
                         (tutorial_ ? " (tutorial convention: 1 counted as prime)" : "") + first_bad;
    return {mismatches == 0 && primes.size() == values_.size(), detail};
  }

 private:
  std::int64_t answer(std::int64_t n) const {
    if (!tutorial_) return kernels::nth_prime(n);
    return n == 1 ? 1 : kernels::nth_prime(n - 1);
  }

  // The first `count` primes (count >= 1), by sieving up to Rosser's bound p_n < n (ln n + ln ln n) for n >= 6.
  static std::vector<std::int64_t> sieve_primes(std::int64_t count) {
    const double n = static_cast<double>(count);
    const std::int64_t bound =
        count < 6 ? 13 : static_cast<std::int64_t>(n * (std::log(n) + std::log(std::log(n)))) + 1;
    std::vector<bool> composite(static_cast<std::size_t>(bound) + 1, false);
    std::vector<std::int64_t> primes;
    primes.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 2; i <= bound && static_cast<std::int64_t>(primes.size()) < count; ++i) {
      if (composite[static_cast<std::size_t>(i)]) continue;
      primes.push_back(i);
      for (std::int64_t j = i * i; j <= bound; j += i) composite[static_cast<std::size_t>(j)] = true;
    }
    return primes;
  }

  std::vector<std::int64_t> values_;
  bool tutorial_;
  std::int64_t tasks_;
};

std::unique_ptr<Workload> make_nth_prime(const param::Params& p) {
  std::vector<std::int64_t> values;
  if (p.has("values")) {
    values = p.integers("values");
    if (static_cast<std::int64_t>(values.size()) > kMaxCount)
      throw UserError("nth_prime", "values",
                      "at most " + std::to_string(kMaxCount) + " values, got " + std::to_string(values.size()));
  } else {
    const std::int64_t first = p.integer("first"), count = p.integer("count");
    if (first + count - 1 > kMaxN)
      throw UserError(
          "nth_prime", "count",
          "first + count - 1 must be at most " + std::to_string(kMaxN) + ", got " + std::to_string(first + count - 1));
    for (std::int64_t i = 0; i < count; ++i) values.push_back(first + i);
  }
  double work = 0.0;
  for (std::int64_t n : values) work += std::pow(static_cast<double>(n), 1.5);
  if (work > kMaxTotalWork)
    throw UserError("nth_prime", p.has("values") ? "values" : "count",
                    "these N would take more than a day of trial division on one core; ask for fewer or smaller N");
  const std::int64_t tasks = p.has("tasks") ? p.integer("tasks") : static_cast<std::int64_t>(values.size());
  return std::make_unique<NthPrime>(std::move(values), p.boolean("tutorial_convention"), tasks);
}

}  // namespace

WorkloadEntry nth_prime_entry() {
  using param::ParamSpec;
  using param::ParamType;
  return {
      "nth_prime",
      "the tutorial's prime(N): the Nth prime by trial division up to sqrt(n), for N = first .. first+count-1",
      {
          ParamSpec{"first", ParamType::kInteger, "first N", std::int64_t{20000}, 1, static_cast<double>(kMaxN)},
          ParamSpec{"count",
                    ParamType::kInteger,
                    "how many consecutive N",
                    std::int64_t{4},
                    1,
                    static_cast<double>(kMaxCount),
                    {},
                    true},
          ParamSpec{"values", ParamType::kIntegerList, "explicit list of N (overrides first and count)", std::nullopt,
                    1, static_cast<double>(kMaxN)},
          ParamSpec{"tutorial_convention", ParamType::kBoolean,
                    "count 1 as prime like the tutorial (its Nth is the true (N-1)th; 1 for N = 1)", false},
          tasks_param(std::nullopt),
      },
      [](const param::Params& p, const std::filesystem::path&) { return make_nth_prime(p); },
  };
}

}  // namespace parbench::workloads
