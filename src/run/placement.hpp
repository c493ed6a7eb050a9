#pragma once
// Where the ranks of a launch run, and which of them form each run. A rank's node comes from MPI (a shared-memory
// split of the world), never from its host name alone; its name from SLURM where SLURM launched it.
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <map>
#include <vector>

#include "config/study.hpp"
#include "output/record.hpp"

namespace parbench::run {

struct LaunchPlacement {
  std::vector<std::int64_t> rank_node;       // every rank: node index, 0.. in order of each node's first rank
  std::vector<std::int64_t> ranks_per_node;  // ranks on each node
  std::vector<output::RankPlacement> ranks;  // every rank's placement, on rank 0 only
  output::RankPlacement self;                // this rank's
};

// Collective over `world`: finds the nodes (MPI_Comm_split_type, MPI_COMM_TYPE_SHARED) and gathers every rank's
// host, node name and CPU binding to rank 0.
LaunchPlacement find_placement(const boost::mpi::communicator& world);

// The world ranks of a run in `cell`: the first `ranks` world ranks, or ranks / nodes of the lowest world ranks on
// each of the first `nodes` nodes (world rank 0 is always one of them: it is the first rank of node 0).
std::vector<int> members(const config::Cell& cell, const std::vector<std::int64_t>& rank_node);

// One communicator per cell placement, made once per launch (collective over `world`); ranks outside a placement
// get none. Keyed by (ranks, nodes).
std::map<std::pair<std::int64_t, std::int64_t>, boost::mpi::communicator> make_communicators(
    const boost::mpi::communicator& world, const config::Plan& plan, const std::vector<std::int64_t>& rank_node);

}  // namespace parbench::run
