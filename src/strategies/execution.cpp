#include "strategies/execution.hpp"

#include <algorithm>
#include <atomic>
#include <boost/mpi/collectives.hpp>
#include <cstring>
#include <limits>
#include <mutex>

#include "core/error.hpp"
#include "core/fault.hpp"
#include "mpi/collectives.hpp"
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
void restore(const workloads::Layout& layout, const Checkpoint& c, const workloads::TaskView& view) {
  std::copy_n(c.item_out.data() + view.item_begin * layout.item_words,
              (view.item_end - view.item_begin) * layout.item_words, view.item_out);
  std::copy_n(c.task_out.data() + view.task * layout.task_words, layout.task_words, view.task_out);
}

}  // namespace

PackedSize packed_size(const workloads::Layout& layout, const std::vector<TaskRange>& ranges) {
  PackedSize s;
  for (const TaskRange& r : ranges) {
    s.tasks += r.end - r.begin;
    s.items += layout.item_begin(r.end) - layout.item_begin(r.begin);
  }
  return s;
}

std::int64_t compute_ranges(const RunContext& ctx, const std::vector<TaskRange>& ranges, const double* inputs,
                            Word* item_out, Word* task_out, RankTiming& times, std::vector<TraceEvent>& trace) {
  const workloads::Layout& layout = ctx.layout;
  const std::vector<PackedTask> list = flatten(layout, ranges);
  const auto count = static_cast<std::int64_t>(list.size());
  std::atomic<std::int64_t> next{0};
  std::mutex trace_mutex;
  const double begin = timing::now();
  // Tasks are handed to threads one at a time in packed order; each thread stops at a task boundary when asked.
  ctx.team.run([&](int thread) {
    std::vector<TraceEvent> local;
    for (;;) {
      if (ctx.stop && ctx.stop->load(std::memory_order_relaxed)) {
        break;
      }
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
      if (thread == 0 && ctx.between_tasks) ctx.between_tasks();
    }
    if (!local.empty()) {
      std::lock_guard lock(trace_mutex);
      trace.insert(trace.end(), local.begin(), local.end());
    }
  });
  times.compute_s += timing::now() - begin;
  // Every index below `next` was taken, and a taken task is complete: threads check the flag only between tasks
  // and run() returns after all of them finished their current task. So the done tasks form a packed prefix.
  const std::int64_t done = std::min(next.load(), count);
  times.tasks_done += done;
  return done;
}

void unpack(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, const Word* item_packed,
            const Word* task_packed, RunOutput& out) {
  for (const TaskRange& r : ranges) {
    const std::int64_t items = layout.item_begin(r.end) - layout.item_begin(r.begin);
    const std::int64_t tasks = r.end - r.begin;
    std::copy_n(item_packed, items * layout.item_words,
                out.item_out.data() + layout.item_begin(r.begin) * layout.item_words);
    std::copy_n(task_packed, tasks * layout.task_words, out.task_out.data() + r.begin * layout.task_words);
    std::fill_n(out.done.begin() + r.begin, tasks, std::uint8_t{1});
    item_packed += items * layout.item_words;
    task_packed += tasks * layout.task_words;
  }
}

void pack_inputs(const workloads::Layout& layout, const std::vector<TaskRange>& ranges, const double* all_inputs,
                 std::vector<double>& packed) {
  packed.clear();
  for (const TaskRange& r : ranges) {
    const double* first = all_inputs + layout.item_begin(r.begin) * layout.input_words;
    const double* last = all_inputs + layout.item_begin(r.end) * layout.input_words;
    packed.insert(packed.end(), first, last);
  }
}

void allocate_outputs(const workloads::Layout& layout, RunOutput& out) {
  out.item_out.assign(static_cast<std::size_t>(layout.items * layout.item_words), 0);
  out.task_out.assign(static_cast<std::size_t>(layout.tasks * layout.task_words), 0);
  out.done.assign(static_cast<std::size_t>(layout.tasks), 0);
}

}  // namespace parbench::strategies

namespace parbench::strategies {
namespace {

// The first `done` tasks of `ranges`, in packed order.
std::vector<TaskRange> prefix(const std::vector<TaskRange>& ranges, std::int64_t done) {
  std::vector<TaskRange> out;
  for (const TaskRange& r : ranges) {
    if (done <= 0) break;
    const std::int64_t n = std::min(done, r.end - r.begin);
    out.push_back({r.begin, r.begin + n});
    done -= n;
  }
  return out;
}

constexpr int kResultTag = 11;  // static and cyclic results

int as_count(std::int64_t n) {
  PARBENCH_CHECK(n <= std::numeric_limits<int>::max()) << "a message of " << n << " words exceeds MPI's int count";
  return static_cast<int>(n);
}

}  // namespace

void execute_assigned(const RunContext& ctx, RunOutput& out, RankTiming& times,
                      const std::function<std::vector<TaskRange>(int rank, int ranks)>& assign) {
  const workloads::Layout& layout = ctx.layout;
  const int p = ctx.comm.size();
  const int me = ctx.comm.rank();
  const bool root = me == 0;

  // Distribute: the assignment is a pure function of (rank, ranks), so every rank works out its own ranges and
  // only input rows that must travel are scattered (one collective fewer per run than scattering descriptors).
  double t = timing::now();
  std::vector<std::vector<TaskRange>> all;  // every rank's ranges, on rank 0
  if (root)
    for (int r = 0; r < p; ++r) all.push_back(assign(r, p));
  const std::vector<TaskRange> mine = root ? all[0] : assign(me, p);
  const PackedSize size = packed_size(layout, mine);

  std::vector<double> inputs;
  if (layout.input_words > 0) {
    std::vector<double> send;
    std::vector<int> counts(static_cast<std::size_t>(p));
    if (root) {
      for (int r = 0; r < p; ++r) {
        std::vector<double> packed;
        pack_inputs(layout, all[static_cast<std::size_t>(r)], ctx.inputs->data(), packed);
        counts[static_cast<std::size_t>(r)] = as_count(static_cast<std::int64_t>(packed.size()));
        send.insert(send.end(), packed.begin(), packed.end());
      }
    }
    inputs.resize(static_cast<std::size_t>(size.items * layout.input_words));
    mpi::scatterv(ctx.comm, send.data(), counts, mpi::displacements(counts), inputs.data(),
                  as_count(size.items * layout.input_words));
  }
  times.distribute_s += timing::now() - t;

  // Compute into one packed buffer after a one-word header (tasks done): the item rows of all my tasks, then their
  // task rows.
  std::vector<Word> message(
      static_cast<std::size_t>(1 + size.items * layout.item_words + size.tasks * layout.task_words));
  Word* item_part = message.data() + 1;
  Word* task_part = item_part + size.items * layout.item_words;
  const std::int64_t done =
      compute_ranges(ctx, mine, inputs.empty() ? nullptr : inputs.data(), item_part, task_part, times, out.trace);
  // After a stop only a prefix is done: close the gap so the message is items(prefix) then tasks(prefix).
  const PackedSize fsize = packed_size(layout, prefix(mine, done));
  std::copy_n(task_part, fsize.tasks * layout.task_words, item_part + fsize.items * layout.item_words);
  message[0] = static_cast<Word>(done);
  message.resize(static_cast<std::size_t>(1 + fsize.items * layout.item_words + fsize.tasks * layout.task_words));

  // Collect, point to point rather than with Gatherv: a rank that has finished sends and is done, and rank 0 takes
  // results in the order they arrive. A collective would need everyone to agree on the message sizes first (they
  // shrink after a stop), which costs a round trip through every rank per run.
  if (!root) {
    t = timing::now();
    boost::mpi::request sent =
        ctx.comm.isend(0, kResultTag, message.data(), as_count(static_cast<std::int64_t>(message.size())));
    times.collect_s += timing::now() - t;
    // Completes at once for small results; a large one waits until rank 0 takes it, which is waiting on others.
    t = timing::now();
    sent.wait();
    times.idle_s += timing::now() - t;
    return;
  }
  allocate_outputs(layout, out);
  t = timing::now();
  unpack(layout, prefix(mine, done), item_part, item_part + fsize.items * layout.item_words, out);
  times.collect_s += timing::now() - t;
  std::vector<Word> received;
  for (int left = p - 1; left > 0; --left) {
    t = timing::now();
    const boost::mpi::status status = ctx.comm.probe(boost::mpi::any_source, kResultTag);
    times.idle_s += timing::now() - t;  // waiting for the slowest rank
    t = timing::now();
    received.resize(static_cast<std::size_t>(*status.count<Word>()));
    ctx.comm.recv(status.source(), kResultTag, received.data(), as_count(static_cast<std::int64_t>(received.size())));
    const std::vector<TaskRange> finished =
        prefix(all[static_cast<std::size_t>(status.source())], static_cast<std::int64_t>(received[0]));
    const Word* items = received.data() + 1;
    unpack(layout, finished, items, items + packed_size(layout, finished).items * layout.item_words, out);
    times.collect_s += timing::now() - t;
  }
}

}  // namespace parbench::strategies
