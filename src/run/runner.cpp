#include "run/runner.hpp"

#include <boost/mpi/collectives.hpp>

#include "mpi/collectives.hpp"
#include "timing/clock.hpp"
#include "workloads/registry.hpp"

namespace parbench::run {
namespace {

// Per-rank numbers travel as one small array of doubles (no serialization).
constexpr int kTimingFields = 6;

std::vector<double> pack(const strategies::RankTiming& t, int core) {
  return {t.distribute_s,           t.compute_s, t.collect_s, t.idle_s, static_cast<double>(t.tasks_done),
          static_cast<double>(core)};
}

std::vector<RankRecord> unpack(const std::vector<double>& all, const std::vector<std::string>& hosts) {
  std::vector<RankRecord> ranks;
  for (std::size_t r = 0; r * kTimingFields < all.size(); ++r) {
    const double* v = all.data() + r * kTimingFields;
    RankRecord rec;
    rec.host = r < hosts.size() ? hosts[r] : "";
    rec.times = {v[0], v[1], v[2], v[3], static_cast<std::int64_t>(v[4])};
    rec.core = static_cast<std::int64_t>(v[5]);
    ranks.push_back(rec);
  }
  return ranks;
}

}  // namespace

std::optional<RunRecord> run_one(const boost::mpi::communicator& comm, const RunInputs& in) {
  const bool root = comm.rank() == 0;
  in.team.resize(static_cast<int>(in.spec.threads));
  const workloads::Layout layout = in.workload.layout();
  const std::string start_time = root ? timing::utc_iso8601() : "";

  comm.barrier();
  const double start = timing::now();
  const strategies::RunContext ctx{comm,  in.workload,    layout,  in.inputs,     in.team,
                                   start, in.study.trace, in.stop, in.checkpoint, in.on_progress};
  strategies::RunOutput out;
  strategies::RankTiming times;
  in.strategy.execute(ctx, out, times);
  const int core = timing::current_cpu();

  RunRecord rec;
  bool complete = true;
  if (root) {
    for (std::uint8_t d : out.done) complete = complete && d;
    const double t = timing::now();
    if (complete) rec.result = in.workload.reduce(out.item_out, out.task_out);
    rec.reduce_s = timing::now() - t;
    rec.wall_s = timing::now() - start;
  }

  // Bookkeeping outside the wall time: per-rank timings and the trace.
  const double overhead_start = timing::now();
  std::vector<double> all;
  boost::mpi::gather(comm, pack(times, core).data(), kTimingFields, all, 0);
  if (in.study.trace) {
    std::vector<double> rows;
    for (const strategies::TraceEvent& e : out.trace)
      rows.insert(rows.end(), {static_cast<double>(e.task), static_cast<double>(comm.rank()),
                               static_cast<double>(e.thread), e.start_s, e.end_s});
    std::vector<int> counts;
    boost::mpi::gather(comm, static_cast<int>(rows.size()), counts, 0);
    std::vector<double> r;
    const std::vector<int> displs = mpi::displacements(counts);
    if (root) r.resize(counts.empty() ? 0 : static_cast<std::size_t>(displs.back() + counts.back()));
    mpi::gatherv(comm, rows.data(), static_cast<int>(rows.size()), r.data(), counts, displs);
    for (std::size_t i = 0; i + 4 < r.size(); i += 5)
      rec.trace.push_back({static_cast<std::int64_t>(r[i]), static_cast<std::int64_t>(r[i + 1]),
                           static_cast<std::int64_t>(r[i + 2]), r[i + 3], r[i + 4]});
  }
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
  rec.chunk_auto = in.strategy.chunk_auto();
  rec.layout = layout;
  rec.work_units = in.workload.work_units();
  rec.ranks = unpack(all, in.hosts);
  rec.start_time = start_time;
  rec.slurm = slurm_from_environment();
  if (complete) {
    rec.verification = in.workload.verify(rec.result);
    rec.message = rec.result.note;
    if (!rec.verification.ok) {
      rec.status = "failed";
      rec.message = "result does not match the reference: " + rec.verification.detail +
                    (rec.message.empty() ? "" : "; " + rec.message);
    }
  } else {
    rec.status = "partial";
    rec.message = "interrupted; resume with --resume";
    rec.checkpoint = {std::move(out.done), std::move(out.item_out), std::move(out.task_out)};
  }
  rec.overhead_s = timing::now() - overhead_start;
  return rec;
}

}  // namespace parbench::run
