#pragma once
// `parbench run`: plan → run → report. No MPI in this header: the command line reaches MPI only through here.
#include <cstdint>
#include <string>
#include <vector>

namespace parbench::run {

struct RunOptions {
  std::string config_path;
  std::string output;               // HDF5 file; runs are appended
  bool resume = false;              // skip runs already in `output` for this config; continue a partial run
  bool quiet = false;               // no progress lines
  bool dry_run = false;             // validate and print the plan; run nothing, write nothing
  std::vector<std::int64_t> ranks;  // overrides [study] ranks when not empty (job arrays, multi-node jobs)
};

// Initialises MPI (MPI_THREAD_FUNNELED: a rank's extra threads compute, only its main thread calls MPI) and runs the
// study on every rank of the launch. Every rank returns the same exit code: 0 done, kExitUserError (2) bad input
// (nothing written), kExitInterrupted (3) stopped by a signal. A rank that fails otherwise aborts the whole job
// naming itself (kExitRunFailure).
int run_study(int& argc, char**& argv, const RunOptions& options);

}  // namespace parbench::run
