#include "workloads/registry.hpp"

namespace parbench::workloads {

// Each workload's .cpp defines its entry function.
WorkloadEntry trig_entry();
WorkloadEntry gauss_fit_entry();
WorkloadEntry monte_carlo_pi_entry();
WorkloadEntry nth_prime_entry();
WorkloadEntry midpoint_entry();
WorkloadEntry cube_entry();

const std::vector<WorkloadEntry>& registry() {
  static const std::vector<WorkloadEntry> entries = {
      trig_entry(), gauss_fit_entry(), monte_carlo_pi_entry(), nth_prime_entry(), midpoint_entry(), cube_entry(),
  };
  return entries;
}

const WorkloadEntry* find(const std::string& name) {
  for (const WorkloadEntry& e : registry())
    if (e.name == name) return &e;
  return nullptr;
}

param::ParamSpec tasks_param(std::optional<std::int64_t> default_tasks) {
  param::ParamSpec spec{"tasks",
                         param::ParamType::kInteger,
                         "tasks the work is cut into, independent of the rank count",
                         std::nullopt,
                         1,
                         1e9};
  if (default_tasks) {
    spec.default_value = *default_tasks;
  } else {
    spec.description += " (default: one task per item)";
  }
  return spec;
}

}  // namespace parbench::workloads
