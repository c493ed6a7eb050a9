#pragma once
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace parbench::run {

struct RunOptions {
  std::string config_path;
  std::string output;    // HDF5 file; runs are appended
  bool resume = false;   // skip runs already in `output` for this config; continue a partial run from its checkpoint
  bool quiet = false;    // no progress lines
  bool dry_run = false;  // validate and print the plan; run nothing, write nothing
  std::vector<std::int64_t> ranks;  // overrides [study] ranks when not empty (job arrays, multi-node jobs)
};

// `parbench run`: plan → run → report. Collective over `world`; every rank returns the same exit code:
// 0 done, kExitUserError (2) bad input (nothing written), kExitInterrupted (3) stopped by a signal.
int run_study(const boost::mpi::communicator& world, const RunOptions& options);

}  // namespace parbench::run
