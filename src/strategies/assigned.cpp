#include "strategies/assigned.hpp"

#include "mpi/collectives.hpp"

namespace parbench::strategies {
namespace {

constexpr int kResultTag = 11;

}  // namespace

void execute_assigned(const RunContext& ctx, RunOutput& out, RankTiming& times, const Assignment& assign) {
  const workloads::Layout& layout = ctx.layout;
  const int p = ctx.comm.size();
  const int me = ctx.comm.rank();
  const bool root = me == 0;

  // Distribute: the assignment is a pure function of (rank, ranks), so only input rows that must travel are
  // scattered (one collective fewer per run than scattering descriptors too).
  timing::ScopedPhase distributing(times.distribute_s);
  std::vector<std::vector<TaskRange>> all;  // every rank's ranges, on rank 0
  if (root)
    for (int r = 0; r < p; ++r) all.push_back(assign(r, p));
  PackedResults results(layout, root ? all[0] : assign(me, p));
  std::vector<double> inputs;
  if (layout.input_words > 0) {
    std::vector<double> send;
    std::vector<int> counts(static_cast<std::size_t>(p));
    if (root) {
      for (int r = 0; r < p; ++r) {
        const std::size_t before = send.size();
        pack_inputs(layout, all[static_cast<std::size_t>(r)], ctx.inputs->data(), send);
        counts[static_cast<std::size_t>(r)] = mpi::count(static_cast<std::int64_t>(send.size() - before));
      }
    }
    inputs.resize(static_cast<std::size_t>(packed_size(layout, results.ranges()).items * layout.input_words));
    mpi::scatterv(ctx.comm, send.data(), counts, mpi::displacements(counts), inputs.data(), mpi::count(inputs));
  }
  distributing.stop();

  const std::int64_t done = compute_ranges(ctx, results.ranges(), inputs.empty() ? nullptr : inputs.data(),
                                           results.item_rows(), results.task_rows(), times, out.trace);
  results.seal(done, false);

  // Collect, point to point rather than with Gatherv: a rank that has finished sends and is done, and rank 0 takes
  // results in the order they arrive. A collective would need everyone to agree on the message sizes first (they
  // shrink after a stop), which costs a round trip through every rank per run.
  if (!root) {
    timing::ScopedPhase sending(times.collect_s);
    boost::mpi::request sent = ctx.comm.isend(0, kResultTag, results.message().data(), mpi::count(results.message()));
    sending.stop();
    // Completes at once for small results; a large one waits until rank 0 takes it, which is waiting on others.
    timing::ScopedPhase waiting(times.idle_s);
    sent.wait();
    return;
  }
  out.tasks.allocate(layout);
  {
    timing::ScopedPhase filing(times.collect_s);
    file_results(layout, results.ranges(), results.message(), out.tasks);
  }
  std::vector<Word> received;
  for (int left = p - 1; left > 0; --left) {
    timing::ScopedPhase waiting(times.idle_s);  // for the slowest rank
    const boost::mpi::status status = ctx.comm.probe(boost::mpi::any_source, kResultTag);
    waiting.stop();
    timing::ScopedPhase collecting(times.collect_s);
    mpi::receive_probed(ctx.comm, status, received);
    file_results(layout, all[static_cast<std::size_t>(status.source())], received, out.tasks);
  }
}

}  // namespace parbench::strategies
