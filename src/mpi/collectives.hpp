#pragma once
// The few MPI calls Boost.MPI lacks or gets wrong, behind one helper (the rest of parbench uses Boost.MPI).
#include <mpi.h>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/datatype.hpp>
#include <boost/mpi/status.hpp>
#include <cstdint>
#include <vector>

namespace parbench::mpi {

// All-reduce (bitwise or) of `flags` over `comm` that waits by sleeping, not spinning: MPI_Iallreduce polled with
// MPI_Test and a backing-off sleep (up to 1 ms). Ranks outside the current run wait here without burning the cores
// the run is measured on; the flags carry "stop" requests across ranks at a run boundary.
int sleepy_or(const boost::mpi::communicator& comm, int flags);

// MPI_Scatterv / MPI_Gatherv on plain buffers of an MPI datatype. Boost.MPI 1.74's versions dereference the (null)
// root-only buffer on other ranks, which UBSan rightly reports. counts/displs matter on the root only. A null `recv`
// on the root scatters in place: the root's own block stays where it is in `send`.
template <class T>
void scatterv(const boost::mpi::communicator& comm, const T* send, const std::vector<int>& counts,
              const std::vector<int>& displs, T* recv, int recv_count) {
  const MPI_Datatype type = boost::mpi::get_mpi_datatype<T>();
  const bool root = comm.rank() == 0;
  void* target = root && recv == nullptr ? MPI_IN_PLACE : static_cast<void*>(recv);
  MPI_Scatterv(root ? send : nullptr, root ? counts.data() : nullptr, root ? displs.data() : nullptr, type, target,
               recv_count, type, 0, static_cast<MPI_Comm>(comm));
}

template <class T>
void gatherv(const boost::mpi::communicator& comm, const T* send, int send_count, T* recv,
             const std::vector<int>& counts, const std::vector<int>& displs) {
  const MPI_Datatype type = boost::mpi::get_mpi_datatype<T>();
  const bool root = comm.rank() == 0;
  MPI_Gatherv(send, send_count, type, root ? recv : nullptr, root ? counts.data() : nullptr,
              root ? displs.data() : nullptr, type, 0, static_cast<MPI_Comm>(comm));
}

// A message length as MPI's int count. A length that does not fit is a broken invariant (PARBENCH_CHECK): every
// count passed to MPI goes through here, never through a bare cast.
int count(std::int64_t n);
template <class T>
int count(const std::vector<T>& v) {
  return count(static_cast<std::int64_t>(v.size()));
}

// Receives the message `status` (from a probe) announced into `buffer`, resized to fit.
template <class T>
void receive_probed(const boost::mpi::communicator& comm, const boost::mpi::status& status, std::vector<T>& buffer) {
  buffer.resize(static_cast<std::size_t>(*status.count<T>()));
  comm.recv(status.source(), status.tag(), buffer.data(), count(buffer));
}

// Displacements of consecutive blocks of the given sizes.
std::vector<int> displacements(const std::vector<int>& counts);

}  // namespace parbench::mpi
