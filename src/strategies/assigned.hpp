#pragma once
// The shared body of strategies whose assignment is known before the run (static, cyclic).
#include <functional>
#include <vector>

#include "strategies/execution.hpp"

namespace parbench::strategies {

// A rank's task ranges, as a pure function of (rank, ranks): every rank works out its own.
using Assignment = std::function<std::vector<TaskRange>(int rank, int ranks)>;

// Collective over ctx.comm. Rank 0 scatters the input rows that must travel (Scatterv), every rank computes its
// ranges and sends its PackedResults to rank 0 when done, and rank 0 files them in task order as they arrive.
void execute_assigned(const RunContext& ctx, RunOutput& out, RankTiming& times, const Assignment& assign);

}  // namespace parbench::strategies
