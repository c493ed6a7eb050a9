#include "run/study_runner.hpp"

#include <mpi.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "core/fault.hpp"
#include "mpi/collectives.hpp"
#include "output/hdf5_layout.hpp"
#include "output/hdf5_reader.hpp"
#include "output/writer.hpp"
#include "run/placement.hpp"
#include "run/plan_archive.hpp"
#include "run/provenance.hpp"
#include "run/repetitions.hpp"
#include "run/runner.hpp"
#include "run/signals.hpp"
#include "strategies/strategy.hpp"
#include "timing/clock.hpp"
#include "workloads/registry.hpp"

namespace parbench::run {
namespace {

namespace bmpi = boost::mpi;

// The study as rank 0 planned it: made once, on rank 0, and sent to every rank in one broadcast.
struct StudyPlan {
  config::Study study;
  config::Plan plan;
  std::vector<std::optional<workloads::ExternalInputs>> inputs;  // per workload entry (rows on rank 0 only)
  std::map<std::int64_t, double> finished;  // plan index → wall_s of runs already in the file (--resume); -1: not ok
  std::map<std::int64_t, workloads::TaskOutputs> checkpoints;  // partial runs to continue (--resume)

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& study& plan& inputs& finished& checkpoints;
  }
};

std::filesystem::path config_dir(const config::Study& study) { return std::filesystem::path(study.path).parent_path(); }

// Rank 0: everything that can fail on bad input, before any work starts.
void plan_on_root(const RunOptions& options, const LaunchPlacement& placement, StudyPlan& p, output::Writer& writer) {
  p.study = config::load_study(options.config_path);
  if (!options.ranks.empty()) config::override_ranks(p.study, options.ranks);
  p.plan = config::plan(p.study, placement.ranks_per_node);
  for (std::size_t i = 0; i < p.study.workloads.size(); ++i) {
    const config::EntryConfig& w = p.study.workloads[i];
    std::unique_ptr<workloads::Workload> workload;
    try {
      workload = workloads::find(w.kind)->make(w.params, config_dir(p.study));
    } catch (const UserError& e) {
      // Checks across parameters happen in make(), which knows no file: name the config and entry here.
      std::string what = e.what();
      if (what.rfind(w.kind + ": ", 0) == 0) what = what.substr(w.kind.size() + 2);
      throw UserError(p.study.path + ": workload[" + std::to_string(i + 1) + "]." + what);
    }
    p.inputs.push_back(workload->load_inputs());  // errors name the input file and dataset
    if (p.inputs.back() && p.study.weak_scaling)
      throw UserError(p.study.path, "workload[" + std::to_string(i + 1) + "].input",
                      "weak scaling grows the work with the ranks, but data from a file cannot grow; use synthetic "
                      "data or scaling = \"strong\"");
  }
  const auto todo = p.plan.rounds * static_cast<std::int64_t>(p.plan.cells.size());
  writer.begin({p.study, todo, static_cast<int>(placement.rank_node.size())});
  if (!options.resume || !std::filesystem::exists(options.output)) return;
  // The resume index comes from the reader: runs of the same study text, by plan index.
  const std::string hash = output::config_hash(p.study.text);
  for (const output::RunSummary& s : output::read_summary(options.output, false).runs) {
    if (s.config_hash != hash) continue;
    if (s.status == "partial") {
      p.checkpoints[s.plan_index] = output::read_checkpoint(options.output, s.group);
    } else {
      p.finished[s.plan_index] = s.status == "ok" ? s.wall_s : -1;
      p.checkpoints.erase(s.plan_index);
    }
  }
}

void print_plan(const StudyPlan& p) {
  const std::vector<config::RunSpec> runs = config::all_runs(p.study, p.plan);
  std::printf("%s: study \"%s\", %zu runs%s (%zu already done)\n", p.study.path.c_str(), p.study.name.c_str(),
              runs.size(), p.study.auto_repetitions() ? " at most (repetitions = \"auto\")" : "", p.finished.size());
  for (const config::RunSpec& s : runs)
    std::printf("  %4lld %s ranks=%lld%s %s%lld%s\n", static_cast<long long>(s.index),
                config::point_name(p.study, s).c_str(), static_cast<long long>(s.ranks),
                s.nodes ? (" nodes=" + std::to_string(s.nodes)).c_str() : "", s.warmup ? "warmup " : "rep ",
                static_cast<long long>(s.repetition), p.finished.count(s.index) ? " (done)" : "");
}

// threads > 1 under a one-core binding (mpirun --bind-to core, the usual default) stacks a rank's threads on one
// core, which would turn a threads-vs-processes comparison into a measurement of time slicing: say so, once.
void warn_if_threads_share_cores(const config::Study& study, const std::vector<output::RankPlacement>& ranks) {
  const std::int64_t threads = *std::max_element(study.threads.begin(), study.threads.end());
  for (std::size_t r = 0; r < ranks.size(); ++r)
    if (ranks[r].cpu_count > 0 && ranks[r].cpu_count < threads) {
      std::fprintf(stderr,
                   "parbench: warning: %s: threads = %lld, but rank %zu may run on only %lld core(s) (its binding); "
                   "its threads will share them. Give each rank cores: mpirun --map-by slot:PE=%lld, srun "
                   "--cpus-per-task=%lld, or --bind-to none\n",
                   study.path.c_str(), static_cast<long long>(threads), r, static_cast<long long>(ranks[r].cpu_count),
                   static_cast<long long>(threads), static_cast<long long>(threads));
      return;
    }
}

// Workload instances, one per entry (and per rank count in weak-scaling studies, where sizes change).
class Workloads {
 public:
  explicit Workloads(const StudyPlan& p) : p_(p) {}
  const workloads::Workload& get(const config::RunSpec& spec) {
    const std::pair<int, std::int64_t> key{spec.workload, p_.study.weak_scaling ? spec.ranks : 0};
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      const config::EntryConfig& w = p_.study.workloads[static_cast<std::size_t>(spec.workload)];
      auto made = workloads::find(w.kind)->make(config::run_params(p_.study, spec), config_dir(p_.study));
      if (const auto& in = p_.inputs[static_cast<std::size_t>(spec.workload)]) made->attach_inputs(*in);
      it = cache_.emplace(key, std::move(made)).first;
    }
    return *it->second;
  }

 private:
  const StudyPlan& p_;
  std::map<std::pair<int, std::int64_t>, std::unique_ptr<workloads::Workload>> cache_;
};

// Strategy instances, one per entry.
class Strategies {
 public:
  explicit Strategies(const config::Study& study) : study_(study) {}
  const strategies::Strategy& get(const config::RunSpec& spec) {
    auto& made = cache_[spec.strategy];
    if (!made) {
      const config::EntryConfig& s = study_.strategies[static_cast<std::size_t>(spec.strategy)];
      made = strategies::find(s.kind)->make(s.params);
    }
    return *made;
  }

 private:
  const config::Study& study_;
  std::map<int, std::unique_ptr<strategies::Strategy>> cache_;
};

// When the study must end by (rank 0's clock; 0: no limit): the time budget, and for auto repetitions inside a SLURM
// job the job's end less a margin for the last run to finish and be written (squeue's time left; none where squeue
// cannot tell). Studies of fixed repetitions meet SLURM's time limit through its signal and a requeue instead.
double deadline(const config::Study& study, double start) {
  constexpr double kSlurmMargin = 180;  // seconds before the job's end
  double end = study.time_budget_s > 0 ? start + study.time_budget_s : 0;
  const char* job = std::getenv("SLURM_JOB_ID");
  if (!study.auto_repetitions() || !job || !*job) return end;
  const std::string command = "squeue -h -j " + std::string(job) + " -o %L 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return end;
  char text[64] = {};
  const bool read = std::fgets(text, sizeof text, pipe) != nullptr;
  pclose(pipe);
  // [days-][hours:]minutes:seconds, or UNLIMITED / INVALID
  double days = 0, parts[3] = {0, 0, 0};
  int n = 0;
  const char* c = text;
  if (const char* dash = std::strchr(text, '-')) {
    days = std::strtod(text, nullptr);
    c = dash + 1;
  }
  while (read && n < 3 && *c >= '0' && *c <= '9') {
    char* next = nullptr;
    parts[n++] = static_cast<double>(std::strtol(c, &next, 10));
    c = *next == ':' ? next + 1 : next;
  }
  if (n < 2) return end;
  const double left = days * 86400 + (n == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : parts[0] * 60 + parts[1]);
  const double slurm_end = start + left - kSlurmMargin;
  return end > 0 ? std::min(end, slurm_end) : slurm_end;
}

enum StopFlags : int { kSignal = 1, kBudget = 2 };

int run_plan(const bmpi::communicator& world, const RunOptions& options) {
  const bool root = world.rank() == 0;
  const double launch_start = timing::now();
  const LaunchPlacement placement = find_placement(world);
  set_node_name(placement.self.node_name);
  StudyPlan p;
  std::unique_ptr<output::Writer> writer;
  std::string error;
  if (root) {
    try {
      writer = output::make_writers({options.output, options.dry_run, options.quiet});
      plan_on_root(options, placement, p, *writer);
    } catch (const UserError& e) {
      error = e.what();
    }
  }
  bmpi::broadcast(world, error, 0);
  if (!error.empty()) {
    if (root) std::fprintf(stderr, "error: %s\n", error.c_str());
    return kExitUserError;
  }
  bmpi::broadcast(world, p, 0);
  if (options.dry_run) {
    if (root) print_plan(p);
    return 0;
  }

  if (root) warn_if_threads_share_cores(p.study, placement.ranks);
  const auto comms = make_communicators(world, p.plan, placement.rank_node);
  install_stop_handlers();
  configure_fault(world.rank());
  if (root) writer->launch(launch_record(p.study, placement));

  Workloads workloads(p);
  Strategies strategies(p.study);
  strategies::ThreadTeam team;
  VerifyCache verified;
  std::optional<Repetitions> repetitions;
  if (root) {
    repetitions.emplace(p.study, p.plan);
    for (const auto& [index, wall_s] : p.finished) {
      if (index >= p.plan.rounds * static_cast<std::int64_t>(p.plan.cells.size())) continue;  // not in this plan
      const config::RunSpec s = config::run_at(p.plan, index);
      if (!s.warmup && wall_s >= 0) repetitions->add(s, wall_s);
    }
  }
  const double end_by = root ? deadline(p.study, launch_start) : 0;
  std::vector<char> active(static_cast<std::size_t>(p.plan.points), 1);
  std::vector<char> ran(static_cast<std::size_t>(p.plan.points), 0);  // points this launch measured
  double last_write_s = 0;
  int stop = 0;
  for (std::int64_t round = 0; round < p.plan.rounds && !stop; ++round) {
    if (std::none_of(active.begin(), active.end(), [](char a) { return a; })) break;
    const std::vector<config::RunSpec> runs = config::round_runs(p.study, p.plan, round, active);
    // Where each point's last run of the round is: its repetitions may end there, decided on rank 0 and published
    // with that run (the others learn it at the end of the round).
    std::vector<std::size_t> last(static_cast<std::size_t>(p.plan.points), 0);
    for (std::size_t i = 0; i < runs.size(); ++i) last[static_cast<std::size_t>(runs[i].point)] = i;
    auto decide = [&](std::size_t i) {
      const int point = runs[i].point;
      if (!root || round < p.plan.warmup_rounds || i != last[static_cast<std::size_t>(point)]) return;
      const std::string reason = repetitions->stop_reason(point, round - p.plan.warmup_rounds + 1);
      if (reason.empty()) return;
      active[static_cast<std::size_t>(point)] = 0;
      if (ran[static_cast<std::size_t>(point)])
        for (const output::PointRecord& r : repetitions->records(point, reason)) writer->point_done(r);
    };
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const config::RunSpec& spec = runs[i];
      if (p.finished.count(spec.index)) {
        decide(i);
        continue;
      }
      // The run boundary: every rank agrees whether to stop (a signal anywhere; rank 0's budget), waiting by sleeping
      // rather than spinning.
      const bool over_budget = root && end_by > 0 && timing::now() + repetitions->expected_s(spec.cell) > end_by;
      stop = mpi::sleepy_or(world, (stop_flag().load() ? kSignal : 0) | (over_budget ? kBudget : 0));
      if (stop) break;
      set_fault_run(spec.index);
      const workloads::Workload& workload = workloads.get(spec);
      const strategies::Strategy& strategy = strategies.get(spec);
      const auto comm = comms.find({spec.ranks, spec.nodes});
      if (comm == comms.end()) continue;  // not one of this run's ranks
      const auto& in = p.inputs[static_cast<std::size_t>(spec.workload)];
      const auto cp = p.checkpoints.find(spec.index);
      RunInputs inputs{p.study,
                       spec,
                       workload,
                       strategy,
                       in ? in->rows.get() : nullptr,
                       {},
                       team,
                       &stop_flag(),
                       cp == p.checkpoints.end() ? nullptr : &cp->second,
                       {},
                       &verified};
      if (root) {
        for (int r : members(p.plan.cells[static_cast<std::size_t>(spec.cell)], placement.rank_node))
          inputs.members.push_back(placement.ranks[static_cast<std::size_t>(r)]);
        writer->run_started(spec, config::point_name(p.study, spec), workload.layout().tasks);
        inputs.on_progress = [&writer](std::int64_t done) { writer->run_progress(done); };
      }
      std::optional<output::RunRecord> record = run_one(comm->second, inputs);
      if (!root) continue;
      if (!spec.warmup && record->status == "ok") repetitions->add(spec, record->wall_s);
      ran[static_cast<std::size_t>(spec.point)] = 1;
      decide(i);
      record->write_s = last_write_s;
      const double t = timing::now();
      writer->write(*record);
      last_write_s = timing::now() - t;
    }
    if (stop || round < p.plan.warmup_rounds) continue;
    bmpi::broadcast(world, active, 0);  // the points whose repetitions go on
  }
  if (!stop) stop = mpi::sleepy_or(world, stop_flag().load() ? kSignal : 0);
  if (root) {
    if (stop & kBudget)
      for (int point = 0; point < p.plan.points; ++point)
        if (active[static_cast<std::size_t>(point)] && ran[static_cast<std::size_t>(point)])
          for (const output::PointRecord& r : repetitions->records(point, "time_budget")) writer->point_done(r);
    writer->finalize();
  }
  if ((stop & kSignal) && root)
    std::fprintf(stderr,
                 "parbench: stopped by signal %d; finished runs are in %s; continue with: parbench run %s -o %s "
                 "--resume\n",
                 stop_signal(), options.output.c_str(), options.config_path.c_str(), options.output.c_str());
  if ((stop & kBudget) && root)
    std::fprintf(stderr,
                 "parbench: time budget spent; finished runs are in %s; continue with: parbench run %s -o %s "
                 "--resume\n",
                 options.output.c_str(), options.config_path.c_str(), options.output.c_str());
  return (stop & kSignal) ? kExitInterrupted : 0;
}

}  // namespace

int run_study(int& argc, char**& argv, const RunOptions& options) {
  // abort_on_exception = false: a failing rank aborts the job itself, naming the rank (abort_job).
  bmpi::environment env(argc, argv, bmpi::threading::funneled, false);
  bmpi::communicator world;
  try {
    return run_plan(world, options);
  } catch (const UserError&) {
    throw;
  } catch (const std::exception& e) {
    abort_job(e.what());
  }
}

}  // namespace parbench::run
