#pragma once
// A strategy decides who computes which task and how inputs and outputs move. Every strategy must produce, on
// rank 0, the same task outputs bit for bit (workloads compute each task deterministically; rank 0 reduces them in
// task order), so results never depend on the strategy or the rank count.
#include <atomic>
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <functional>
#include <vector>

#include "strategies/registry.hpp"
#include "strategies/thread_team.hpp"
#include "timing/phases.hpp"
#include "workloads/workload.hpp"

namespace parbench::strategies {

using timing::RankTiming;
using timing::TraceEvent;
using workloads::TaskOutputs;
using workloads::Word;

// Everything a strategy needs for one run. Built by the runner on every rank of `comm`.
struct RunContext {
  const boost::mpi::communicator& comm;  // the run's sub-communicator; its rank 0 is the world's rank 0
  const workloads::Workload& workload;
  workloads::Layout layout;
  const std::vector<double>* inputs;  // rank 0 only, when layout.input_words > 0: items × input_words
  ThreadTeam& team;                   // this rank's threads
  double start_time;                  // timing::now() at the start barrier
  bool trace;
  const std::atomic<bool>* stop;  // set by a signal: stop handing out work at the next task boundary
  const TaskOutputs* checkpoint;  // every rank: tasks already done by an interrupted attempt, or null
  // Rank 0, optional: told how many tasks are done so far, where the strategy knows it (dynamic, guided). Called
  // from rank 0's main thread, at most a few times a second.
  std::function<void(std::int64_t tasks_done)> on_progress = {};
  // Optional: called by the rank's thread 0 (the one allowed to call MPI) after each of its tasks; `last` is true
  // when no task of the current compute_ranges call is left to start. Rank 0 of the self-scheduling strategies serves
  // requests here.
  std::function<void(bool last)> between_tasks = {};

  bool stop_requested() const { return stop && stop->load(std::memory_order_relaxed); }
};

// What a strategy leaves behind. On rank 0, `tasks` holds every task's output in task order and marks the tasks
// computed (all of them unless the run was stopped). Other ranks leave it empty.
struct RunOutput {
  TaskOutputs tasks;
  std::int64_t chunk = 0;         // chunk size used per thread (the chosen one for "auto"), 0 when none
  bool chunk_auto = false;        // the chunk was chosen at run time
  std::vector<TraceEvent> trace;  // this rank's events
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Collective over ctx.comm: every rank of the run calls it once per run. Buffers in `out` belong to the caller.
  virtual void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const = 0;
};

}  // namespace parbench::strategies
