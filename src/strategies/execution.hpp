#pragma once
// Building blocks every strategy uses: which tasks a rank holds (task ranges), computing them with the rank's threads
// into packed buffers (the tasks' item rows, then their task rows, in the order the ranges are listed), and the one
// result message that carries packed outputs to rank 0.
#include <cstdint>
#include <span>
#include <vector>

#include "strategies/strategy.hpp"

namespace parbench::strategies {

struct TaskRange {
  std::int64_t begin;
  std::int64_t end;
  std::int64_t size() const { return end - begin; }
};

// Sizes of the packed buffers for `ranges`.
struct PackedSize {
  std::int64_t items = 0;
  std::int64_t tasks = 0;
};
PackedSize packed_size(const workloads::Layout& layout, const std::vector<TaskRange>& ranges);

// The first `done` tasks of `ranges`, in packed order.
std::vector<TaskRange> prefix(const std::vector<TaskRange>& ranges, std::int64_t done);

// Computes every task of `ranges` with ctx.team. `inputs` holds the ranges' input rows packed (or null);
// `item_out`/`task_out` receive packed outputs. Adds to times.compute_s and tasks_done; appends trace events.
// Returns early (leaving later tasks uncomputed) when ctx.stop is set; returns the number of tasks computed,
// which are always a prefix of the packed order.
std::int64_t compute_ranges(const RunContext& ctx, const std::vector<TaskRange>& ranges, const double* inputs,
                            Word* item_out, Word* task_out, RankTiming& times, std::vector<TraceEvent>& trace);

// Packs the input rows of `ranges` out of the whole-run input array (rank 0), appending to `packed`.
void pack_inputs(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, const double* all_inputs,
                 std::vector<double>& packed);

// One rank's outputs for a list of task ranges, as the one message every strategy sends to rank 0:
//   [tasks done] [retired] [item rows of the done tasks] [task rows of the done tasks]
// Tasks complete in packed order, so after a stop the done tasks are a prefix of the ranges; seal() closes the gap
// the unfinished ones leave. `retired` tells rank 0 that the sender stopped (a signal) and wants no more work.
// Rank 0 knows which ranges a message answers (it assigned them), so they do not travel.
class PackedResults {
 public:
  PackedResults() = default;
  PackedResults(const workloads::Layout& layout, std::vector<TaskRange> ranges);

  // Where compute_ranges writes, before seal().
  Word* item_rows() { return words_.data() + kHeader; }
  Word* task_rows() { return item_rows() + size_.items * layout_.item_words; }
  const std::vector<TaskRange>& ranges() const { return ranges_; }

  // Records that the first `done` tasks were computed and shrinks the message to them.
  void seal(std::int64_t done, bool retired);
  const std::vector<Word>& message() const { return words_; }

 private:
  static constexpr std::size_t kHeader = 2;
  workloads::Layout layout_;
  std::vector<TaskRange> ranges_;
  PackedSize size_;
  std::vector<Word> words_;
};

// What a filed message said.
struct Filed {
  std::int64_t done = 0;
  bool retired = false;
};

// Rank 0: copies a PackedResults message for `ranges` (as the sender listed them) into the whole-run outputs, in
// task order, and marks the done tasks.
Filed file_results(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, std::span<const Word> message,
                   TaskOutputs& out);

}  // namespace parbench::strategies
