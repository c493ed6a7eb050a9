#pragma once
// A strategy decides who computes which task and how inputs and outputs move. Every strategy must produce, on
// rank 0, the same task outputs bit for bit (workloads compute each task deterministically; rank 0 reduces them in
// task order), so results never depend on the strategy or the rank count.
#include <atomic>
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/params.hpp"
#include "strategies/thread_team.hpp"
#include "workloads/workload.hpp"

namespace parbench::strategies {

using workloads::Word;

// One rank's measurements of one run (seconds, except tasks_done).
struct RankTiming {
  double distribute_s = 0;  // handing out work and inputs (sending on rank 0, receiving elsewhere)
  double compute_s = 0;     // computing tasks
  double collect_s = 0;     // returning task outputs
  double idle_s = 0;        // waiting for work or for other ranks
  std::int64_t tasks_done = 0;
};

// One computed task, for timelines (`trace = true`). Times are seconds since the run's start barrier.
struct TraceEvent {
  std::int64_t task;
  std::int64_t thread;
  double start_s;
  double end_s;
};

// Task outputs of an interrupted earlier attempt of a run (whole-run arrays, task order). Tasks marked done are
// copied, not recomputed, on resume; outputs are deterministic, so the final result is the same bits.
struct Checkpoint {
  std::vector<std::uint8_t> done;
  std::vector<Word> item_out;
  std::vector<Word> task_out;
};

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
  const Checkpoint* checkpoint;   // every rank: tasks already done by an interrupted attempt, or null
  // Rank 0, optional: told how many tasks are done so far, where the strategy knows it (dynamic, guided). Called
  // from rank 0's main thread, at most a few times a second.
  std::function<void(std::int64_t tasks_done)> on_progress = {};
  // Optional: called by the rank's thread 0 (the one allowed to call MPI) after each of its tasks. Rank 0 of the
  // self-scheduling strategies serves requests here.
  std::function<void()> between_tasks = {};
};

// What a strategy leaves behind. On rank 0, item_out and task_out hold every task's output in task order and
// `done` marks the tasks computed (all of them unless the run was stopped). Other ranks leave them empty.
struct RunOutput {
  std::vector<Word> item_out;
  std::vector<Word> task_out;
  std::vector<std::uint8_t> done;
  std::int64_t chunk = 0;         // chunk size used (chosen value for "auto"), 0 when none
  std::vector<TraceEvent> trace;  // this rank's events
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Collective over ctx.comm: every rank of the run calls it once per run.
  virtual void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const = 0;
  // The chunk parameter as configured (0 = auto or none), recorded in the run table.
  virtual std::int64_t configured_chunk() const { return 0; }
  virtual bool chunk_auto() const { return false; }
};

struct StrategyEntry {
  std::string name;
  std::string description;
  std::vector<config::ParamSpec> params;
  std::function<std::unique_ptr<Strategy>(const config::Params&)> make;
};

const std::vector<StrategyEntry>& registry();
const StrategyEntry* find(const std::string& name);

}  // namespace parbench::strategies
