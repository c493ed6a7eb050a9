// trig — the tutorials' `my_func`: every element runs `x += cos(x) + sin(x)` `iterations` times; the result is the
// sum of the elements. This file is the commented example to copy when adding a workload:
//   1. a class deriving from Workload (layout, compute, reduce, verify),
//   2. an entry function returning its WorkloadEntry (name, one line, parameter specs, factory),
//   3. one line in registry.cpp, one line in src/CMakeLists.txt, one test in tests/workloads/.
#include <cmath>
#include <mutex>

#include "workloads/kernels.hpp"
#include "workloads/workload.hpp"

namespace parbench::workloads {
namespace {

class Trig final : public Workload {
 public:
  explicit Trig(const param::Params& p)
      : n_(p.integer("n")),
        iterations_(p.integer("iterations")),
        init_index_(p.string("init") == "index"),
        keep_values_(p.boolean("keep_values")),
        tasks_(p.integer("tasks")) {}

  // Items are the elements. Each task returns one word (its partial sum); with keep_values every element's
  // final value comes back too.
  Layout layout() const override {
    return {.items = n_, .tasks = tasks_, .item_words = keep_values_ ? 1 : 0, .task_words = 1, .input_words = 0};
  }

  std::int64_t work_units() const override { return n_ * iterations_; }

  void compute(const TaskView& t) const override {
    // The element's start value comes from its index, so nothing has to travel with the task.
    double sum = kernels::trig_range(t.item_begin, t.item_end, iterations_, init_index_, static_cast<double>(n_),
                                     keep_values_ ? t.item_out : nullptr);
    t.task_out[0] = to_word(sum);
  }

  // Partial sums are added in task order, so the result does not depend on which rank computed which task.
  Result reduce(std::span<const Word> item_out, std::span<const Word> task_out) const override {
    double sum = 0.0;
    for (Word w : task_out) sum += from_word(w);
    Result r;
    r.scalars.emplace_back("sum", sum);
    if (keep_values_) {
      std::vector<double> values(item_out.size());
      for (std::size_t i = 0; i < values.size(); ++i) values[i] = from_word(item_out[i]);
      r.arrays.emplace_back("values", Array{{n_}, std::move(values)});
    }
    return r;
  }

  // Reference: the tutorial's straightforward serial loop with scalar libm. With init = "n" every element is the
  // same, so one element times n suffices. The vector kernel may differ from scalar libm by an ulp per call, and the
  // iteration contracts towards its fixed points, so 1e-12 relative is a justified tolerance.
  Verification verify(const Result& result) const override {
    std::call_once(reference_once_, [this] { reference_ = reference_sum(); });
    double sum = std::get<double>(result.scalars.front().second);
    double rel = std::abs(sum - reference_) / std::max(std::abs(reference_), 1e-300);
    return {rel <= 1e-12, "serial scalar loop, relative error " + std::to_string(rel)};
  }

 private:
  double element(double x) const {
    for (std::int64_t k = 0; k < iterations_; ++k) x += std::cos(x) + std::sin(x);
    return x;
  }
  double reference_sum() const {
    if (!init_index_) return element(static_cast<double>(n_)) * static_cast<double>(n_);
    double sum = 0.0;
    for (std::int64_t i = 0; i < n_; ++i) sum += element(static_cast<double>(i));
    return sum;
  }

  std::int64_t n_, iterations_;
  bool init_index_, keep_values_;
  std::int64_t tasks_;
  mutable std::once_flag reference_once_;
  mutable double reference_ = 0.0;
};

}  // namespace

WorkloadEntry trig_entry() {
  using param::ParamSpec;
  using param::ParamType;
  return {
      "trig",
      "the tutorials' my_func: x += cos(x) + sin(x), `iterations` times over `n` elements; result: sum",
      {
          ParamSpec{"n", ParamType::kInteger, "elements", std::int64_t{100000}, 1, 1e12, {}, true},
          ParamSpec{"iterations", ParamType::kInteger, "iterations of the loop per element", std::int64_t{100}, 0, 1e9},
          ParamSpec{"init",
                    ParamType::kString,
                    "start value of element i: n (as in the tutorial) or i",
                    std::string("n"),
                    {},
                    {},
                    {"n", "index"}},
          ParamSpec{"keep_values", ParamType::kBoolean, "also return every element (result/values)", false},
          tasks_param(256),
      },
      [](const param::Params& p, const std::filesystem::path&) { return std::make_unique<Trig>(p); },
  };
}

}  // namespace parbench::workloads
