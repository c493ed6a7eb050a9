#pragma once
#include <string>
#include <vector>

#include "workloads/workload.hpp"

namespace parbench::workloads {

// Every workload, once, in the order `parbench list` shows them.
const std::vector<WorkloadEntry>& registry();

// The entry called `name`, or nullptr.
const WorkloadEntry* find(const std::string& name);

}  // namespace parbench::workloads
