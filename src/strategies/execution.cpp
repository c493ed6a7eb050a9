#include "strategies/execution.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include "core/error.hpp"
#include "core/fault.hpp"
#include "timing/clock.hpp"

namespace parbench::strategies {
namespace {

// Where one task's buffers start inside packed buffers.
struct PackedTask {
  std::int64_t task;
  std::int64_t item_offset;  // in items
  std::int64_t task_offset;  // in tasks
};

std::vector<PackedTask> flatten(const workloads::Layout& layout, const std::vector<TaskRange>& ranges) {
  std::vector<PackedTask> list;
  std::int64_t items = 0, tasks = 0;
  for (const TaskRange& r : ranges) {
    for (std::int64_t t = r.begin; t < r.end; ++t) {
      list.push_back({t, items, tasks});
      items += layout.item_count(t);
      ++tasks;
    }
  }
  return list;
}

// A task finished before an interruption: its outputs come from the checkpoint.
void restore(const workloads::Layout& layout, const TaskOutputs& c, const workloads::TaskView& view) {
  std::copy_n(c.item_out.data() + view.item_begin * layout.item_words,
              (view.item_end - view.item_begin) * layout.item_words, view.item_out);
  std::copy_n(c.task_out.data() + view.task * layout.task_words, layout.task_words, view.task_out);
}

}  // namespace

PackedSize packed_size(const workloads::Layout& layout, const std::vector<TaskRange>& ranges) {
  PackedSize s;
  for (const TaskRange& r : ranges) {
    s.tasks += r.size();
    s.items += layout.item_begin(r.end) - layout.item_begin(r.begin);
  }
  return s;
}

std::vector<TaskRange> prefix(const std::vector<TaskRange>& ranges, std::int64_t done) {
  std::vector<TaskRange> out;
  for (const TaskRange& r : ranges) {
    if (done <= 0) break;
    const std::int64_t n = std::min(done, r.size());
    out.push_back({r.begin, r.begin + n});
    done -= n;
  }
  return out;
}

std::int64_t compute_ranges(const RunContext& ctx, const std::vector<TaskRange>& ranges, const double* inputs,
                            Word* item_out, Word* task_out, RankTiming& times, std::vector<TraceEvent>& trace) {
  const workloads::Layout& layout = ctx.layout;
  const std::vector<PackedTask> list = flatten(layout, ranges);
  const auto count = static_cast<std::int64_t>(list.size());
  std::atomic<std::int64_t> next{0};
  std::mutex trace_mutex;
  timing::ScopedPhase computing(times.compute_s);
  // Tasks are handed to threads one at a time in packed order; each thread stops at a task boundary when asked.
  ctx.team.run([&](int thread) {
    std::vector<TraceEvent> local;
    while (!ctx.stop_requested()) {
      const std::int64_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) break;
      const PackedTask& p = list[static_cast<std::size_t>(i)];
      const workloads::TaskView view{
          p.task,
          layout.item_begin(p.task),
          layout.item_begin(p.task + 1),
          layout.input_words ? inputs + p.item_offset * layout.input_words : nullptr,
          item_out + p.item_offset * layout.item_words,
          task_out + p.task_offset * layout.task_words,
      };
      const double t0 = ctx.trace ? timing::now() : 0.0;
      if (ctx.checkpoint && ctx.checkpoint->done[static_cast<std::size_t>(p.task)]) {
        restore(layout, *ctx.checkpoint, view);
      } else {
        maybe_fault(p.task);
        ctx.workload.compute(view);
      }
      if (ctx.trace) local.push_back({p.task, thread, t0 - ctx.start_time, timing::now() - ctx.start_time});
      if (thread == 0 && ctx.between_tasks) ctx.between_tasks(next.load(std::memory_order_relaxed) >= count);
    }
    if (!local.empty()) {
      std::lock_guard lock(trace_mutex);
      trace.insert(trace.end(), local.begin(), local.end());
    }
  });
  computing.stop();
  // Every index below `next` was taken, and a taken task is complete: threads check the flag only between tasks
  // and run() returns after all of them finished their current task. So the done tasks form a packed prefix.
  const std::int64_t done = std::min(next.load(), count);
  times.tasks_done += done;
  return done;
}

void pack_inputs(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, const double* all_inputs,
                 std::vector<double>& packed) {
  for (const TaskRange& r : ranges) {
    const double* first = all_inputs + layout.item_begin(r.begin) * layout.input_words;
    const double* last = all_inputs + layout.item_begin(r.end) * layout.input_words;
    packed.insert(packed.end(), first, last);
  }
}

PackedResults::PackedResults(const workloads::Layout& layout, std::vector<TaskRange> ranges)
    : layout_(layout),
      ranges_(std::move(ranges)),
      size_(packed_size(layout, ranges_)),
      words_(kHeader + static_cast<std::size_t>(size_.items * layout.item_words + size_.tasks * layout.task_words), 0) {
}

void PackedResults::seal(std::int64_t done, bool retired) {
  PARBENCH_CHECK(done >= 0 && done <= size_.tasks) << "sealing " << done << " of " << size_.tasks << " tasks";
  // Only the finished prefix travels: its task rows move up to follow its item rows.
  const PackedSize finished = packed_size(layout_, prefix(ranges_, done));
  Word* items_end = item_rows() + finished.items * layout_.item_words;
  std::copy_n(task_rows(), finished.tasks * layout_.task_words, items_end);
  words_.resize(kHeader +
                static_cast<std::size_t>(finished.items * layout_.item_words + finished.tasks * layout_.task_words));
  words_[0] = static_cast<Word>(done);
  words_[1] = retired ? 1 : 0;
}

Filed file_results(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, std::span<const Word> message,
                   TaskOutputs& out) {
  PARBENCH_CHECK(message.size() >= 2) << "a result message of " << message.size() << " words";
  const Filed filed{static_cast<std::int64_t>(message[0]), message[1] != 0};
  const std::vector<TaskRange> finished = prefix(ranges, filed.done);
  const PackedSize size = packed_size(layout, finished);
  PARBENCH_CHECK(static_cast<std::int64_t>(message.size()) ==
                 2 + size.items * layout.item_words + size.tasks * layout.task_words)
      << "a result message of " << message.size() << " words for " << filed.done << " tasks";
  const Word* items = message.data() + 2;
  const Word* tasks = items + size.items * layout.item_words;
  for (const TaskRange& r : finished) {
    const std::int64_t n_items = layout.item_begin(r.end) - layout.item_begin(r.begin);
    std::copy_n(items, n_items * layout.item_words,
                out.item_out.data() + layout.item_begin(r.begin) * layout.item_words);
    std::copy_n(tasks, r.size() * layout.task_words, out.task_out.data() + r.begin * layout.task_words);
    std::fill_n(out.done.begin() + r.begin, r.size(), std::uint8_t{1});
    items += n_items * layout.item_words;
    tasks += r.size() * layout.task_words;
  }
  return filed;
}

}  // namespace parbench::strategies
