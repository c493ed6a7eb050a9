#include "core/error.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>

namespace parbench {
namespace {
std::string& node_name() {
  static std::string name;
  return name;
}
}  // namespace

void set_node_name(const std::string& name) { node_name() = name; }

void abort_job(const char* what) {
  int initialized = 0, finalized = 0, rank = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  const bool live = initialized && !finalized;
  if (live) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (node_name().empty())
    std::fprintf(stderr, "error: rank %d failed: %s\n", rank, what);
  else
    std::fprintf(stderr, "error: rank %d (node %s) failed: %s\n", rank, node_name().c_str(), what);
  std::fflush(stderr);
  if (live) MPI_Abort(MPI_COMM_WORLD, kExitRunFailure);
  std::_Exit(kExitRunFailure);
}

}  // namespace parbench

namespace parbench::detail {

void check_failed(const char* file, int line, const char* cond, const std::string& msg) {
  int initialized = 0, finalized = 0, rank = -1;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::fprintf(stderr, "parbench: internal error on rank %d at %s:%d: check '%s' failed: %s\n", rank, file, line, cond,
               msg.c_str());
  std::fflush(stderr);
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, 70);
  std::abort();
}

}  // namespace parbench::detail
