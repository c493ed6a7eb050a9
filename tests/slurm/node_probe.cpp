// tests/slurm/node_probe.cpp — what the MPI library itself says about rank placement, independent of parbench.
// tests/slurm/multinode_test.sh compiles it with mpicxx and launches it through jobs/edison-multinode.sbatch in
// place of parbench (PARBENCH_BIN; the parbench arguments are ignored). Every rank prints one line:
//   probe rank=R size=N node=SLURMD_NODENAME nodeid=SLURM_NODEID shared_size=S shared_leader=L sum=X shm=DIR
// where shared_* come from MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) of the world (the lowest world rank of the
// rank's group is its leader), sum is an 8 MiB MPI_Allreduce over all ranks (it must be 0+1+...+N-1: the
// shared-memory and network transports both carry data), and shm is Open MPI's shared-memory directory from the
// environment ("-" when unset, i.e. /dev/shm).
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

static const char* env_or_dash(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : "-";
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm shared;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &shared);
  int shared_size = 0, leader = rank;
  MPI_Comm_size(shared, &shared_size);
  MPI_Allreduce(MPI_IN_PLACE, &leader, 1, MPI_INT, MPI_MIN, shared);
  std::vector<double> data(1 << 20, static_cast<double>(rank));
  MPI_Allreduce(MPI_IN_PLACE, data.data(), static_cast<int>(data.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  bool same = true;
  for (double x : data) same = same && x == data[0];
  std::printf("probe rank=%d size=%d node=%s nodeid=%s shared_size=%d shared_leader=%d sum=%.0f%s shm=%s\n", rank, size,
              env_or_dash("SLURMD_NODENAME"), env_or_dash("SLURM_NODEID"), shared_size, leader, data[0],
              same ? "" : "(differs)", env_or_dash("OMPI_MCA_btl_vader_backing_directory"));
  std::fflush(stdout);
  MPI_Comm_free(&shared);
  MPI_Finalize();
  return 0;
}
