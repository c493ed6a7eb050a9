// cube — the tutorials' map-reduce counting example: the cube of every integer 1..n, with per-task count and sum.
// Sums are exact 128-bit integers: Σk³ = (n(n+1)/2)² stays below 2^127 for n <= 4e9 (the parameter's bound).
#include <string>

#include "workloads/workload.hpp"

namespace parbench::workloads {
namespace {

__extension__ typedef unsigned __int128 u128;

std::string to_decimal(u128 v) {
  if (v == 0) return "0";
  std::string s;
  for (; v > 0; v /= 10) s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
  return {s.rbegin(), s.rend()};
}

class Cube final : public Workload {
 public:
  explicit Cube(const param::Params& p) : n_(p.integer("n")), tasks_(p.integer("tasks")) {}

  // Task row: count, sum (low 64 bits), sum (high 64 bits).
  Layout layout() const override { return {.items = n_, .tasks = tasks_, .task_words = 3}; }
  std::int64_t work_units() const override { return n_; }

  void compute(const TaskView& t) const override {
    u128 sum = 0;
    for (std::int64_t i = t.item_begin; i < t.item_end; ++i) {
      u128 k = static_cast<u128>(i + 1);
      sum += k * k * k;
    }
    t.task_out[0] = static_cast<Word>(t.item_end - t.item_begin);
    t.task_out[1] = static_cast<Word>(sum);
    t.task_out[2] = static_cast<Word>(sum >> 64);
  }

  Result reduce(std::span<const Word>, std::span<const Word> task_out) const override {
    std::int64_t count = 0;
    u128 sum = 0;
    for (std::size_t i = 0; i + 2 < task_out.size(); i += 3) {
      count += static_cast<std::int64_t>(task_out[i]);
      sum += (static_cast<u128>(task_out[i + 2]) << 64) | task_out[i + 1];
    }
    Result r;
    r.scalars.emplace_back("count", count);
    r.scalars.emplace_back("sum", to_decimal(sum));
    r.scalars.emplace_back("sum_f64", static_cast<double>(sum));
    return r;
  }

  Verification verify(const Result& result) const override {
    u128 half = static_cast<u128>(n_) * static_cast<u128>(n_ + 1) / 2;
    std::string exact = to_decimal(half * half);
    bool ok = std::get<std::int64_t>(result.scalars[0].second) == n_ &&
              std::get<std::string>(result.scalars[1].second) == exact;
    return {ok, "closed form (n(n+1)/2)^2 = " + exact + " in exact 128-bit arithmetic"};
  }

 private:
  std::int64_t n_, tasks_;
};

}  // namespace

WorkloadEntry cube_entry() {
  using param::ParamSpec;
  using param::ParamType;
  return {
      "cube",
      "the tutorials' map-reduce example: cube of each integer 1..n; results: count and exact sum",
      {
          ParamSpec{
              "n", ParamType::kInteger, "integers (sum exact up to 4e9)", std::int64_t{1000000}, 1, 4e9, {}, true},
          tasks_param(256),
      },
      [](const param::Params& p, const std::filesystem::path&) { return std::make_unique<Cube>(p); },
  };
}

}  // namespace parbench::workloads
