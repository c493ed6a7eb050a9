#include "run/runner.hpp"

#include <boost/mpi/collectives.hpp>

#include "mpi/collectives.hpp"
#include "output/content_hash.hpp"
#include "timing/clock.hpp"

namespace parbench::run {
namespace {

// Per-rank numbers travel as one small array of doubles (no serialization).
constexpr int kTimingFields = 6;

std::vector<double> pack(const timing::RankTiming& t, int core) {
  return {t.distribute_s,           t.compute_s, t.collect_s, t.idle_s, static_cast<double>(t.tasks_done),
          static_cast<double>(core)};
}

std::vector<output::RankRecord> unpack(const std::vector<double>& all,
                                       const std::vector<output::RankPlacement>& members) {
  std::vector<output::RankRecord> ranks;
  for (std::size_t r = 0; r * kTimingFields < all.size(); ++r) {
    const double* v = all.data() + r * kTimingFields;
    output::RankRecord rec;
    rec.host = members.at(r).host;
    rec.node = members.at(r).node;
    rec.node_name = members.at(r).node_name;
    rec.times = {v[0], v[1], v[2], v[3], static_cast<std::int64_t>(v[4])};
    rec.core = static_cast<std::int64_t>(v[5]);
    ranks.push_back(rec);
  }
  return ranks;
}

// Every rank's trace events, gathered on rank 0 as rows (task, rank, thread, start, end).
std::vector<output::TraceRow> gather_trace(const boost::mpi::communicator& comm,
                                           const std::vector<timing::TraceEvent>& events) {
  constexpr int kFields = 5;
  std::vector<double> rows;
  for (const timing::TraceEvent& e : events)
    rows.insert(rows.end(), {static_cast<double>(e.task), static_cast<double>(comm.rank()),
                             static_cast<double>(e.thread), e.start_s, e.end_s});
  std::vector<int> counts;
  boost::mpi::gather(comm, mpi::count(rows), counts, 0);
  const std::vector<int> displs = mpi::displacements(counts);
  std::vector<double> all;
  if (comm.rank() == 0 && !counts.empty()) all.resize(static_cast<std::size_t>(displs.back() + counts.back()));
  mpi::gatherv(comm, rows.data(), mpi::count(rows), all.data(), counts, displs);
  std::vector<output::TraceRow> out;
  for (std::size_t i = 0; i + kFields <= all.size(); i += kFields)
    out.push_back({static_cast<std::int64_t>(all[i]), static_cast<std::int64_t>(all[i + 1]),
                   static_cast<std::int64_t>(all[i + 2]), all[i + 3], all[i + 4]});
  return out;
}

}  // namespace

std::optional<output::RunRecord> run_one(const boost::mpi::communicator& comm, const RunInputs& in) {
  const bool root = comm.rank() == 0;
  in.team.resize(static_cast<int>(in.spec.threads));
  const workloads::Layout layout = in.workload.layout();
  const std::string start_time = root ? timing::utc_iso8601() : "";

  comm.barrier();
  const double start = timing::now();
  const strategies::RunContext ctx{comm,  in.workload,    layout,  in.inputs,     in.team,
                                   start, in.study.trace, in.stop, in.checkpoint, in.on_progress};
  strategies::RunOutput out;
  timing::RankTiming times;
  in.strategy.execute(ctx, out, times);
  const int core = timing::current_cpu();

  output::RunRecord rec;
  const bool complete = out.tasks.complete();
  if (root) {
    timing::ScopedPhase reducing(rec.reduce_s);
    if (complete) rec.result = in.workload.reduce(out.tasks.item_out, out.tasks.task_out);
    reducing.stop();
    rec.wall_s = timing::now() - start;
  }

  // Bookkeeping outside the wall time: per-rank timings and the trace.
  timing::ScopedPhase bookkeeping(rec.overhead_s);
  std::vector<double> all;
  boost::mpi::gather(comm, pack(times, core).data(), kTimingFields, all, 0);
  if (in.study.trace) rec.trace = gather_trace(comm, out.trace);
  if (!root) return std::nullopt;

  const config::EntryConfig& w = in.study.workloads[static_cast<std::size_t>(in.spec.workload)];
  const config::EntryConfig& s = in.study.strategies[static_cast<std::size_t>(in.spec.strategy)];
  rec.spec = in.spec;
  rec.study = in.study.name;
  rec.point = config::point_name(in.study, in.spec);
  rec.workload = w.kind;
  rec.label = w.label;
  rec.strategy = s.kind;
  rec.strategy_label = s.label;
  rec.config_path = in.study.path;
  rec.config_text = in.study.text;
  rec.scaling = in.study.weak_scaling ? "weak" : "strong";
  rec.params = config::run_params(in.study, in.spec);
  rec.strategy_params = s.params;
  rec.chunk = out.chunk;
  rec.chunk_auto = out.chunk_auto;
  rec.layout = layout;
  rec.work_units = in.workload.work_units();
  rec.ranks = unpack(all, in.members);
  rec.start_time = start_time;
  rec.slurm = output::slurm_from_environment();
  if (complete) {
    rec.result_hash = output::result_hash(rec.result);
    const auto key = std::make_pair(&in.workload, rec.result_hash);
    auto known = in.verified->find(key);
    if (known == in.verified->end()) known = in.verified->emplace(key, in.workload.verify(rec.result)).first;
    rec.verification = known->second;
    rec.message = rec.result.note;
    if (!rec.verification.ok) {
      rec.status = "failed";
      rec.message = "result does not match the reference: " + rec.verification.detail +
                    (rec.message.empty() ? "" : "; " + rec.message);
    }
  } else {
    rec.status = "partial";
    rec.message = "interrupted; resume with --resume";
    rec.checkpoint = std::move(out.tasks);
  }
  bookkeeping.stop();
  return rec;
}

}  // namespace parbench::run
