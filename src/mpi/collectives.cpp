#include "mpi/collectives.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

#include "core/error.hpp"

namespace parbench::mpi {

int sleepy_or(const boost::mpi::communicator& comm, int flags) {
  int out = 0;
  MPI_Request request;
  MPI_Iallreduce(&flags, &out, 1, MPI_INT, MPI_BOR, static_cast<MPI_Comm>(comm), &request);
  std::chrono::microseconds pause{2};
  for (;;) {
    int done = 0;
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds{1000});
  }
  return out;
}

int count(std::int64_t n) {
  PARBENCH_CHECK(n >= 0 && n <= std::numeric_limits<int>::max())
      << "a message of " << n << " elements exceeds MPI's int count";
  return static_cast<int>(n);
}

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> displs(counts.size(), 0);
  for (std::size_t i = 1; i < counts.size(); ++i) displs[i] = displs[i - 1] + counts[i - 1];
  return displs;
}

}  // namespace parbench::mpi
