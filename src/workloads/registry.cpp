#include "workloads/registry.hpp"

namespace parbench::workloads {

// Every workload, once, in the order `parbench list` shows them. Each one's .cpp defines `WorkloadEntry
// <name>_entry()`; adding a workload is one line here (the list declares and calls the entry functions).
#define PARBENCH_WORKLOADS(X) \
  X(trig)                     \
  X(gauss_fit)                \
  X(monte_carlo_pi)           \
  X(nth_prime)                \
  X(midpoint)                 \
  X(cube)                     \
  /* one line per workload, above this one */

#define PARBENCH_DECLARE(name) WorkloadEntry name##_entry();
PARBENCH_WORKLOADS(PARBENCH_DECLARE)
#undef PARBENCH_DECLARE

const std::vector<WorkloadEntry>& registry() {
#define PARBENCH_ENTRY(name) name##_entry(),
  static const std::vector<WorkloadEntry> entries = {PARBENCH_WORKLOADS(PARBENCH_ENTRY)};
#undef PARBENCH_ENTRY
  return entries;
}

const WorkloadEntry* find(const std::string& name) {
  for (const WorkloadEntry& e : registry())
    if (e.name == name) return &e;
  return nullptr;
}

param::ParamSpec tasks_param(std::optional<std::int64_t> default_tasks) {
  param::ParamSpec spec{
      "tasks", param::ParamType::kInteger, "tasks the work is cut into, independent of the rank count", std::nullopt, 1,
      1e9};
  if (default_tasks) {
    spec.default_value = *default_tasks;
  } else {
    spec.description += " (default: one task per item)";
  }
  return spec;
}

}  // namespace parbench::workloads
