#pragma once
// One run of the plan, on the ranks of its sub-communicator.
#include <atomic>
#include <boost/mpi/communicator.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/study.hpp"
#include "output/record.hpp"
#include "strategies/strategy.hpp"

namespace parbench::run {

// Verdicts already reached: a result with the same content hash (equal bits) from the same workload instance gets the
// same verdict, so each distinct result is verified once per launch (gauss_fit's check of 10^6 fits takes 0.7 s).
using VerifyCache = std::map<std::pair<const workloads::Workload*, std::string>, workloads::Verification>;

// What one run needs besides its communicator.
struct RunInputs {
  const config::Study& study;
  const config::RunSpec& spec;
  const workloads::Workload& workload;
  const strategies::Strategy& strategy;
  const std::vector<double>* inputs;           // rank 0: the user's input rows, if the workload has any
  std::vector<output::RankPlacement> members;  // rank 0: where each rank of the run runs, in communicator order
  strategies::ThreadTeam& team;
  const std::atomic<bool>* stop;
  const workloads::TaskOutputs* checkpoint;       // a partial run to resume (every rank), or null
  std::function<void(std::int64_t)> on_progress;  // rank 0: tasks done so far in this run (see RunContext)
  VerifyCache* verified;                          // rank 0
};

// Runs one spec. Collective over `comm`, the first spec.ranks ranks of the world. Phases: barrier → strategy
// (distribute, compute, collect) → reduce on rank 0 → wall time; then, outside the wall time, per-rank timings are
// gathered and the result verified. Returns the record on rank 0, nullopt elsewhere.
std::optional<output::RunRecord> run_one(const boost::mpi::communicator& comm, const RunInputs& in);

}  // namespace parbench::run
