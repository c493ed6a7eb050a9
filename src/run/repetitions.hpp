#pragma once
// How many repetitions a point gets (Hoefler & Belli, SC15, rules 5 and 9): with repetitions = "auto" a point
// stops once, at every rank count, the 95 % interval of its median wall time is within `precision` of the median —
// or at max_repetitions. Nonparametric: the interval is given by order statistics, which needs n ≥ 6.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/study.hpp"
#include "output/record.hpp"

namespace parbench::run {

struct MedianInterval {
  std::int64_t n = 0;
  double median = 0, lo = 0, hi = 0;  // lo = hi = 0 when n is too small for an interval
  bool has_interval() const { return hi > 0; }
  double relative_half_width() const { return has_interval() ? (hi - lo) / (2 * median) : 1e300; }
};

// The median of `values` and its 95 % interval [x_(j), x_(n+1-j)], j the largest rank with 2 P(B ≤ j-1) ≤ 0.05
// for B ~ Binomial(n, 1/2) (the same definition as analysis/parbench_analysis/stats.py).
MedianInterval median_interval(std::vector<double> values);

// The counted wall times of every cell, and when each point's repetitions end. Rank 0 only.
class Repetitions {
 public:
  Repetitions(const config::Study& study, const config::Plan& plan) : study_(study), plan_(plan) {}

  // A finished counted run whose status is ok (from this launch or, on --resume, from the file).
  void add(const config::RunSpec& spec, double wall_s) { walls_[spec.cell].push_back(wall_s); }

  // After a counted round that brought every active point to `done` repetitions: why a point stops now, or "".
  std::string stop_reason(int point, std::int64_t done) const;

  // The records of a point's cells, as it stops.
  std::vector<output::PointRecord> records(int point, const std::string& reason) const;

  // What one run of `cell` is expected to take (its median so far; 0 when unknown): for the time budget.
  double expected_s(int cell) const;

 private:
  const config::Study& study_;
  const config::Plan& plan_;
  std::map<int, std::vector<double>> walls_;  // by cell
};

}  // namespace parbench::run
