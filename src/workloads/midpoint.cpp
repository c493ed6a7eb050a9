// midpoint — ∫ f over [a, b] by the midpoint rule with `intervals` subintervals, split into task ranges.
#include <cmath>
#include <numbers>

#include "workloads/kernels.hpp"
#include "workloads/workload.hpp"

namespace parbench::workloads {
namespace {

using kernels::Integrand;

Integrand parse_integrand(const std::string& name) {
  if (name == "sin") return Integrand::kSin;
  if (name == "exp") return Integrand::kExp;
  if (name == "square") return Integrand::kSquare;
  return Integrand::kPi;
}

class Midpoint final : public Workload {
 public:
  explicit Midpoint(const param::Params& p)
      : f_(parse_integrand(p.string("integrand"))),
        a_(p.real("a")),
        b_(p.real("b")),
        intervals_(p.integer("intervals")),
        tasks_(p.integer("tasks")),
        h_((b_ - a_) / static_cast<double>(intervals_)) {}

  Layout layout() const override { return {.items = intervals_, .tasks = tasks_, .task_words = 1}; }
  std::int64_t work_units() const override { return intervals_; }

  void compute(const TaskView& t) const override {
    t.task_out[0] = to_word(kernels::midpoint_range(f_, a_, h_, t.item_begin, t.item_end));
  }

  Result reduce(std::span<const Word>, std::span<const Word> task_out) const override {
    double sum = 0.0;
    for (Word w : task_out) sum += from_word(w);  // task order: identical for any rank count
    double integral = sum * h_;
    Result r;
    r.scalars.emplace_back("integral", integral);
    r.scalars.emplace_back("reference", exact());
    r.scalars.emplace_back("abs_error", std::abs(integral - exact()));
    return r;
  }

  // Closed form. Allowed error: the midpoint rule's bound (b - a) h² max|f''| / 24, plus 1e-12 relative rounding.
  Verification verify(const Result& result) const override {
    double err = std::get<double>(result.scalars[2].second);
    double bound =
        std::abs(b_ - a_) * h_ * h_ * max_second_derivative() / 24.0 + 1e-12 * std::max(1.0, std::abs(exact()));
    return {err <= bound, "closed form " + std::to_string(exact()) + ", |error| = " + std::to_string(err) +
                              " (allowed " + std::to_string(bound) + ")"};
  }

 private:
  double exact() const {
    switch (f_) {
      case Integrand::kPi:
        return 4.0 * (std::atan(b_) - std::atan(a_));
      case Integrand::kSin:
        return std::cos(a_) - std::cos(b_);
      case Integrand::kExp:
        return std::exp(b_) - std::exp(a_);
      case Integrand::kSquare:
        return (b_ * b_ * b_ - a_ * a_ * a_) / 3.0;
    }
    return 0.0;
  }
  double max_second_derivative() const {
    switch (f_) {
      case Integrand::kPi:
        return 8.0;  // |f''| = 8|3x² - 1| / (1 + x²)³ <= 8
      case Integrand::kSin:
        return 1.0;
      case Integrand::kExp:
        return std::exp(std::max(a_, b_));
      case Integrand::kSquare:
        return 2.0;
    }
    return 0.0;
  }

  Integrand f_;
  double a_, b_;
  std::int64_t intervals_, tasks_;
  double h_;
};

}  // namespace

WorkloadEntry midpoint_entry() {
  using param::ParamSpec;
  using param::ParamType;
  return {
      "midpoint",
      "midpoint-rule integral of f over [a, b] with `intervals` subintervals; result: integral",
      {
          ParamSpec{"intervals", ParamType::kInteger, "subintervals", std::int64_t{10000000}, 1, 1e15, {}, true},
          ParamSpec{"a", ParamType::kReal, "lower limit", 0.0, -1e6, 1e6},
          ParamSpec{"b", ParamType::kReal, "upper limit", 1.0, -1e6, 1e6},
          ParamSpec{"integrand",
                    ParamType::kString,
                    "f: pi = 4/(1+x^2), sin, exp, square = x^2",
                    std::string("pi"),
                    {},
                    {},
                    {"pi", "sin", "exp", "square"}},
          tasks_param(256),
      },
      [](const param::Params& p, const std::filesystem::path&) { return std::make_unique<Midpoint>(p); },
  };
}

}  // namespace parbench::workloads
