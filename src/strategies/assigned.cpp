#include "strategies/assigned.hpp"

#include <memory>

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
  const double* inputs = nullptr;  // this rank's input rows, packed in the order of its ranges
  std::unique_ptr<double[]> received_rows;
  std::vector<double> send;
  if (layout.input_words > 0) {
    std::vector<int> counts(static_cast<std::size_t>(p)), displs(static_cast<std::size_t>(p));
    // When every rank holds one block (static), the rows are scattered straight from the input array, rank 0's own
    // block in place; otherwise (cyclic) they are packed per rank first.
    bool in_place = root;
    for (int r = 0; root && r < p; ++r) {
      const auto& ranges = all[static_cast<std::size_t>(r)];
      const std::int64_t begin = ranges.empty() ? 0 : layout.item_begin(ranges.front().begin);
      in_place = in_place && ranges.size() <= 1;
      counts[static_cast<std::size_t>(r)] = mpi::count(packed_size(layout, ranges).items * layout.input_words);
      displs[static_cast<std::size_t>(r)] = mpi::count(begin * layout.input_words);
    }
    if (root && !in_place) {
      for (int r = 0; r < p; ++r) pack_inputs(layout, all[static_cast<std::size_t>(r)], ctx.inputs->data(), send);
      displs = mpi::displacements(counts);
    }
    const double* source = in_place ? ctx.inputs->data() : send.data();
    const auto mine = packed_size(layout, results.ranges()).items * layout.input_words;
    if (root && in_place) {
      mpi::scatterv<double>(ctx.comm, source, counts, displs, nullptr, mpi::count(mine));
      inputs = source + displs[0];
    } else {
      received_rows.reset(new double[static_cast<std::size_t>(mine)]);  // not zeroed: MPI writes every element
      mpi::scatterv(ctx.comm, source, counts, displs, received_rows.get(), mpi::count(mine));
      inputs = received_rows.get();
    }
  }
  distributing.stop();

  const std::int64_t done =
      compute_ranges(ctx, results.ranges(), inputs, results.item_rows(), results.task_rows(), times, out.trace);
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
