#include "output/record.hpp"

#include <algorithm>
#include <cstdlib>

namespace parbench::output {
namespace {
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}
template <class F>
double max_of(const std::vector<RankRecord>& ranks, F f) {
  double m = 0;
  for (const RankRecord& r : ranks) m = std::max(m, f(r));
  return m;
}
}  // namespace

SlurmInfo slurm_from_environment() {
  return {env("SLURM_JOB_ID"), env("SLURM_ARRAY_TASK_ID"), env("SLURM_JOB_NODELIST"), env("SLURM_TASKS_PER_NODE")};
}

double RunRecord::compute_max() const {
  return max_of(ranks, [](const RankRecord& r) { return r.times.compute_s; });
}
double RunRecord::distribute_max() const {
  return max_of(ranks, [](const RankRecord& r) { return r.times.distribute_s; });
}
double RunRecord::collect_max() const {
  return max_of(ranks, [](const RankRecord& r) { return r.times.collect_s; });
}
double RunRecord::compute_mean() const {
  double s = 0;
  for (const RankRecord& r : ranks) s += r.times.compute_s;
  return ranks.empty() ? 0.0 : s / static_cast<double>(ranks.size());
}
double RunRecord::imbalance() const {
  const double mean = compute_mean();
  return mean > 0 ? compute_max() / mean : 1.0;
}
std::int64_t RunRecord::nodes() const {
  std::vector<std::int64_t> seen;
  for (const RankRecord& r : ranks)
    if (std::find(seen.begin(), seen.end(), r.node) == seen.end()) seen.push_back(r.node);
  return static_cast<std::int64_t>(seen.size());
}
std::int64_t RunRecord::ranks_per_node() const {
  std::int64_t most = 0;
  for (const RankRecord& r : ranks)
    most = std::max<std::int64_t>(
        most, std::count_if(ranks.begin(), ranks.end(), [&](const RankRecord& o) { return o.node == r.node; }));
  return most;
}
std::string RunRecord::hosts() const {
  std::vector<std::string> seen;
  for (const RankRecord& r : ranks)
    if (std::find(seen.begin(), seen.end(), r.host) == seen.end()) seen.push_back(r.host);
  std::string s;
  for (const std::string& h : seen) {
    if (!s.empty()) s += ',';
    s += h;
  }
  return s;
}

}  // namespace parbench::output
