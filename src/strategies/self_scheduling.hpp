#pragma once
// The self-scheduling engine behind `dynamic` and `guided`: ranks take chunks of tasks from a counter on rank 0
// until none remain (see self_scheduling.cpp for how requests, the first chunks and the end of a run work).
#include <cstdint>
#include <functional>

#include "strategies/execution.hpp"

namespace parbench::strategies {

// The size of the next chunk, per thread, when `remaining` tasks have not been handed out yet. `chunk` is the
// strategy's configured (or, for "auto", chosen) chunk.
using ChunkRule = std::function<std::int64_t(std::int64_t remaining, int ranks, std::int64_t chunk)>;

struct SelfScheduling {
  ChunkRule rule;
  std::int64_t chunk = 1;   // per thread
  bool auto_chunk = false;  // rank 0 chooses `chunk` from its first tasks and requests (dynamic, chunk = "auto")
};

// Collective over ctx.comm.
void execute_self_scheduled(const RunContext& ctx, RunOutput& out, RankTiming& times, const SelfScheduling& how);

}  // namespace parbench::strategies
