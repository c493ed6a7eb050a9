#pragma once
// One run of the plan, on the ranks of its sub-communicator.
#include <atomic>
#include <boost/mpi/communicator.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/study.hpp"
#include "output/record.hpp"
#include "strategies/strategy.hpp"

namespace parbench::run {

// What one run needs besides its communicator.
struct RunInputs {
  const config::Study& study;
  const config::RunSpec& spec;
  const workloads::Workload& workload;
  const strategies::Strategy& strategy;
  const std::vector<double>* inputs;      // rank 0: the user's input rows, if the workload has any
  const std::vector<std::string>& hosts;  // host of each world rank (rank 0 only)
  strategies::ThreadTeam& team;
  const std::atomic<bool>* stop;
  const workloads::TaskOutputs* checkpoint;       // a partial run to resume (every rank), or null
  std::function<void(std::int64_t)> on_progress;  // rank 0: tasks done so far in this run (see RunContext)
};

// Runs one spec. Collective over `comm`, the first spec.ranks ranks of the world. Phases: barrier → strategy
// (distribute, compute, collect) → reduce on rank 0 → wall time; then, outside the wall time, per-rank timings are
// gathered and the result verified. Returns the record on rank 0, nullopt elsewhere.
std::optional<output::RunRecord> run_one(const boost::mpi::communicator& comm, const RunInputs& in);

}  // namespace parbench::run
