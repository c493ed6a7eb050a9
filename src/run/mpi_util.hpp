#pragma once
// The few things Boost.MPI has no call for, behind one helper.
#include <boost/mpi/communicator.hpp>

namespace parbench::run {

// All-reduce (logical or) of `flag` over `comm` that waits by sleeping, not spinning: MPI_Iallreduce polled with
// MPI_Test and a backing-off sleep (up to 1 ms). Ranks outside the current run wait here without burning the cores
// the run is measured on; the flag carries "stop requested" across ranks at a run boundary.
bool sleepy_any(const boost::mpi::communicator& comm, bool flag);

}  // namespace parbench::run
