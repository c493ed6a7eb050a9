#include "run/repetitions.hpp"

#include <algorithm>
#include <cmath>

namespace parbench::run {

MedianInterval median_interval(std::vector<double> values) {
  MedianInterval m;
  m.n = static_cast<std::int64_t>(values.size());
  if (values.empty()) return m;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  m.median = n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
  // j = how many k in 0..n-1 have 2 P(B ≤ k) ≤ 0.05; the binomial sum in log space (n may be large).
  const double log_half_n = -static_cast<double>(n) * std::log(2.0);
  const double lg_n = std::lgamma(static_cast<double>(n) + 1);
  double cdf = 0;
  std::size_t j = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double kk = static_cast<double>(k);
    cdf += std::exp(lg_n - std::lgamma(kk + 1) - std::lgamma(static_cast<double>(n) - kk + 1) + log_half_n);
    if (2 * cdf > 0.05) break;
    j = k + 1;
  }
  if (j >= 1) {
    m.lo = values[j - 1];
    m.hi = values[n - j];
  }
  return m;
}

std::string Repetitions::stop_reason(int point, std::int64_t done) const {
  if (!study_.auto_repetitions()) return done >= study_.repetitions ? "repetitions" : "";
  if (done >= study_.max_repetitions) return "max_repetitions";
  if (done < study_.min_repetitions) return "";
  for (int c = 0; c < static_cast<int>(plan_.cells.size()); ++c) {
    if (plan_.cells[static_cast<std::size_t>(c)].point != point) continue;
    const auto it = walls_.find(c);
    if (it == walls_.end() || median_interval(it->second).relative_half_width() > study_.precision) return "";
  }
  return "precision";
}

std::vector<output::PointRecord> Repetitions::records(int point, const std::string& reason) const {
  std::vector<output::PointRecord> out;
  for (int c = 0; c < static_cast<int>(plan_.cells.size()); ++c) {
    const config::Cell& cell = plan_.cells[static_cast<std::size_t>(c)];
    if (cell.point != point) continue;
    const auto it = walls_.find(c);
    const MedianInterval m = median_interval(it == walls_.end() ? std::vector<double>{} : it->second);
    config::RunSpec spec;
    spec.workload = cell.workload;
    spec.strategy = cell.strategy;
    spec.threads = cell.threads;
    out.push_back({config::point_name(study_, spec), cell.ranks, cell.nodes, m.n, m.median, m.lo, m.hi, reason});
  }
  return out;
}

double Repetitions::expected_s(int cell) const {
  const auto it = walls_.find(cell);
  return it == walls_.end() ? 0.0 : median_interval(it->second).median;
}

}  // namespace parbench::run
