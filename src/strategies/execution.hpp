#pragma once
// Building blocks the strategies share: which tasks a rank holds, and computing them with the rank's threads into
// packed buffers (the tasks' item rows and task rows concatenated in the order the ranges are listed).
#include <cstdint>
#include <functional>
#include <vector>

#include "strategies/strategy.hpp"

namespace parbench::strategies {

struct TaskRange {
  std::int64_t begin;
  std::int64_t end;
};

// Sizes of the packed buffers for `ranges`.
struct PackedSize {
  std::int64_t items = 0;
  std::int64_t tasks = 0;
};
PackedSize packed_size(const workloads::Layout& layout, const std::vector<TaskRange>& ranges);

// Computes every task of `ranges` with ctx.team. `inputs` holds the ranges' input rows packed (or null);
// `item_out`/`task_out` receive packed outputs. Adds to times.compute_s and tasks_done; appends trace events.
// Returns early (leaving later tasks uncomputed) when ctx.stop is set; returns the number of tasks computed,
// which are always a prefix of the packed order.
std::int64_t compute_ranges(const RunContext& ctx, const std::vector<TaskRange>& ranges, const double* inputs,
                            Word* item_out, Word* task_out, RankTiming& times, std::vector<TraceEvent>& trace);

// Copies packed outputs of `ranges` into whole-run arrays in task order (rank 0).
void unpack(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, const Word* item_packed,
            const Word* task_packed, RunOutput& out);

// Packs the input rows of `ranges` out of the whole-run input array (rank 0).
void pack_inputs(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, const double* all_inputs,
                 std::vector<double>& packed);

// Sizes the whole-run output arrays on rank 0.
void allocate_outputs(const workloads::Layout& layout, RunOutput& out);

}  // namespace parbench::strategies

namespace parbench::strategies {

// The shared body of strategies whose assignment is known in advance (static, cyclic): every rank works out its
// own task ranges, rank 0 scatters the input rows that must travel (Scatterv), every rank computes its ranges and
// sends the packed outputs to rank 0 when done, and rank 0 puts them in task order. `assign(rank, ranks)` lists a
// rank's task ranges.
void execute_assigned(const RunContext& ctx, RunOutput& out, RankTiming& times,
                      const std::function<std::vector<TaskRange>(int rank, int ranks)>& assign);

}  // namespace parbench::strategies
