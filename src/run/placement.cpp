#include "run/placement.hpp"

#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/serialization/string.hpp>
#include <cstdlib>
#include <set>

#include "timing/clock.hpp"

namespace boost::serialization {
template <class Archive>
void serialize(Archive& ar, parbench::output::RankPlacement& r, unsigned) {
  ar& r.host& r.node_name& r.node& r.cpus& r.cpu_count;
}
}  // namespace boost::serialization

namespace parbench::run {
namespace {

// The CPUs this process may run on, as a list like "0-3,8".
std::string allowed_cpu_list() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return "unknown";
  std::string list;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (!CPU_ISSET(c, &set)) continue;
    int last = c;
    while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set)) ++last;
    if (!list.empty()) list += ',';
    list += std::to_string(c);
    if (last > c) {
      list += '-';
      list += std::to_string(last);
    }
    c = last;
  }
  return list;
}

}  // namespace

LaunchPlacement find_placement(const boost::mpi::communicator& world) {
  // Ranks that share memory share a node; each node is named by its lowest world rank.
  MPI_Comm local;
  MPI_Comm_split_type(static_cast<MPI_Comm>(world), MPI_COMM_TYPE_SHARED, world.rank(), MPI_INFO_NULL, &local);
  boost::mpi::communicator node_comm(local, boost::mpi::comm_take_ownership);
  int leader = world.rank();
  boost::mpi::broadcast(node_comm, leader, 0);
  std::vector<int> leaders;
  boost::mpi::all_gather(world, leader, leaders);
  std::vector<int> distinct(leaders.begin(), leaders.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());

  LaunchPlacement p;
  p.ranks_per_node.assign(distinct.size(), 0);
  for (int l : leaders) {
    const auto node = std::lower_bound(distinct.begin(), distinct.end(), l) - distinct.begin();
    p.rank_node.push_back(node);
    ++p.ranks_per_node[static_cast<std::size_t>(node)];
  }

  output::RankPlacement me;
  me.host = timing::host_name();
  const char* slurm_node = std::getenv("SLURMD_NODENAME");
  me.node_name = slurm_node && *slurm_node ? slurm_node : me.host;
  me.node = p.rank_node[static_cast<std::size_t>(world.rank())];
  me.cpus = allowed_cpu_list();
  me.cpu_count = timing::allowed_cpus();
  boost::mpi::gather(world, me, p.ranks, 0);
  p.self = me;
  return p;
}

std::vector<int> members(const config::Cell& cell, const std::vector<std::int64_t>& rank_node) {
  std::vector<int> out;
  if (cell.nodes == 0) {
    for (int r = 0; r < cell.ranks; ++r) out.push_back(r);
    return out;
  }
  const std::int64_t per_node = cell.ranks / cell.nodes;
  std::vector<std::int64_t> taken(static_cast<std::size_t>(cell.nodes), 0);
  for (int r = 0; r < static_cast<int>(rank_node.size()); ++r) {
    const std::int64_t node = rank_node[static_cast<std::size_t>(r)];
    if (node < cell.nodes && taken[static_cast<std::size_t>(node)] < per_node) {
      ++taken[static_cast<std::size_t>(node)];
      out.push_back(r);
    }
  }
  return out;
}

std::map<std::pair<std::int64_t, std::int64_t>, boost::mpi::communicator> make_communicators(
    const boost::mpi::communicator& world, const config::Plan& plan, const std::vector<std::int64_t>& rank_node) {
  std::set<std::pair<std::int64_t, std::int64_t>> placements;
  for (const config::Cell& c : plan.cells) placements.emplace(c.ranks, c.nodes);
  std::map<std::pair<std::int64_t, std::int64_t>, boost::mpi::communicator> comms;
  for (const auto& [ranks, nodes] : placements) {
    config::Cell cell;
    cell.ranks = ranks;
    cell.nodes = nodes;
    const std::vector<int> in = members(cell, rank_node);
    const bool member = std::find(in.begin(), in.end(), world.rank()) != in.end();
    MPI_Comm c;
    MPI_Comm_split(static_cast<MPI_Comm>(world), member ? 0 : MPI_UNDEFINED, world.rank(), &c);
    if (c != MPI_COMM_NULL)
      comms.emplace(std::make_pair(ranks, nodes), boost::mpi::communicator(c, boost::mpi::comm_take_ownership));
  }
  return comms;
}

}  // namespace parbench::run
