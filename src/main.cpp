// parbench: see README.md. Errors: a user error is reported once by rank 0 with exit code 2 (inside cli::main);
// anything else thrown on any rank is a failed run: that rank names itself and aborts the whole job, so nothing
// hangs waiting for it.
#include <mpi.h>

#include <cstdio>
#include <exception>

#include "cli/cli.hpp"
#include "core/error.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
  int initialized = 0, finalized = 0, rank = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  const bool live = initialized && !finalized;
  if (live) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::fprintf(stderr, "error: rank %d failed: %s\n", rank, what);
  std::fflush(stderr);
  if (live) MPI_Abort(MPI_COMM_WORLD, parbench::kExitRunFailure);
  std::_Exit(parbench::kExitRunFailure);
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate([] {
    try {
      if (auto e = std::current_exception()) std::rethrow_exception(e);
      fail("terminated");
    } catch (const std::exception& e) {
      fail(e.what());
    } catch (...) {
      fail("unknown exception");
    }
  });
  try {
    return parbench::cli::main(argc, argv);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}
