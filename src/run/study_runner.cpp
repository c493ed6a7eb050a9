#include "run/study_runner.hpp"

#include <mpi.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "core/fault.hpp"
#include "mpi/collectives.hpp"
#include "output/console_writer.hpp"
#include "output/hdf5_reader.hpp"
#include "output/hdf5_writer.hpp"
#include "run/plan_archive.hpp"
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
  std::vector<config::RunSpec> runs;
  std::vector<std::optional<workloads::ExternalInputs>> inputs;  // per workload entry (rows on rank 0 only)
  std::set<std::int64_t> finished;                               // plan indices already in the file (--resume)
  std::map<std::int64_t, workloads::TaskOutputs> checkpoints;    // partial runs to continue (--resume)

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& study& runs& inputs& finished& checkpoints;
  }
};

std::filesystem::path config_dir(const config::Study& study) { return std::filesystem::path(study.path).parent_path(); }

// Rank 0: everything that can fail on bad input, before any work starts.
void plan_on_root(const RunOptions& options, int world_size, StudyPlan& p, output::Hdf5Writer& writer) {
  p.study = config::load_study(options.config_path);
  if (!options.ranks.empty()) config::override_ranks(p.study, options.ranks);
  p.runs = config::plan(p.study, world_size);
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
  writer.begin({p.study, static_cast<std::int64_t>(p.runs.size()), world_size});
  if (!options.resume) return;
  const std::string hash = output::config_hash(p.study.text);
  for (const output::StoredRun& s : writer.stored()) {
    if (s.config_hash != hash) continue;
    if (s.status == "partial") {
      p.checkpoints[s.plan_index] = output::read_checkpoint(options.output, s.group);
    } else {
      p.finished.insert(s.plan_index);
      p.checkpoints.erase(s.plan_index);
    }
  }
}

void print_plan(const StudyPlan& p) {
  std::printf("%s: study \"%s\", %zu runs (%zu already done)\n", p.study.path.c_str(), p.study.name.c_str(),
              p.runs.size(), p.finished.size());
  for (const config::RunSpec& s : p.runs)
    std::printf("  %4lld %s ranks=%lld %s%lld%s\n", static_cast<long long>(s.index),
                config::point_name(p.study, s).c_str(), static_cast<long long>(s.ranks), s.warmup ? "warmup " : "rep ",
                static_cast<long long>(s.repetition), p.finished.count(s.index) ? " (done)" : "");
}

// threads > 1 under a one-core binding (mpirun --bind-to core, the usual default) stacks a rank's threads on one
// core, which would turn a threads-vs-processes comparison into a measurement of time slicing: say so, once.
void warn_if_threads_share_cores(const config::Study& study, const std::vector<int>& cpus) {
  const std::int64_t threads = *std::max_element(study.threads.begin(), study.threads.end());
  for (std::size_t r = 0; r < cpus.size(); ++r)
    if (cpus[r] > 0 && cpus[r] < threads) {
      std::fprintf(stderr,
                   "parbench: warning: %s: threads = %lld, but rank %zu may run on only %d core(s) (its binding); its "
                   "threads will share them. Give each rank cores: mpirun --map-by slot:PE=%lld, srun "
                   "--cpus-per-task=%lld, or --bind-to none\n",
                   study.path.c_str(), static_cast<long long>(threads), r, cpus[r], static_cast<long long>(threads),
                   static_cast<long long>(threads));
      return;
    }
}

// Sub-communicators made once per rank count: the first r ranks of the world. Ranks outside get a null one.
std::map<std::int64_t, bmpi::communicator> make_subcommunicators(const bmpi::communicator& world,
                                                                 const std::vector<config::RunSpec>& runs) {
  std::set<std::int64_t> sizes;
  for (const config::RunSpec& s : runs) sizes.insert(s.ranks);
  std::map<std::int64_t, bmpi::communicator> comms;
  for (std::int64_t r : sizes) {
    MPI_Comm c;
    MPI_Comm_split(static_cast<MPI_Comm>(world), world.rank() < r ? 0 : MPI_UNDEFINED, world.rank(), &c);
    if (c != MPI_COMM_NULL) comms.emplace(r, bmpi::communicator(c, bmpi::comm_take_ownership));
  }
  return comms;
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

int run_plan(const bmpi::communicator& world, const RunOptions& options) {
  const bool root = world.rank() == 0;
  StudyPlan p;
  output::Hdf5Writer writer(options.output, options.dry_run);
  std::string error;
  if (root) {
    try {
      plan_on_root(options, world.size(), p, writer);
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

  // Each rank's host and how many cores its binding allows, in one gather.
  std::vector<std::pair<std::string, int>> placement;
  bmpi::gather(world, std::make_pair(timing::host_name(), timing::allowed_cpus()), placement, 0);
  std::vector<std::string> hosts;
  std::vector<int> cpus;
  for (const auto& [host, allowed] : placement) {
    hosts.push_back(host);
    cpus.push_back(allowed);
  }
  if (root) warn_if_threads_share_cores(p.study, cpus);
  const auto comms = make_subcommunicators(world, p.runs);
  install_stop_handlers();
  configure_fault(world.rank());

  std::int64_t todo = 0;
  for (const config::RunSpec& s : p.runs) todo += p.finished.count(s.index) ? 0 : 1;
  output::ConsoleWriter console(options.quiet);
  if (root) console.begin({p.study, todo, world.size()});

  Workloads workloads(p);
  Strategies strategies(p.study);
  strategies::ThreadTeam team;
  double last_write_s = 0;
  bool interrupted = false;
  for (const config::RunSpec& spec : p.runs) {
    if (p.finished.count(spec.index)) continue;
    // The run boundary: every rank agrees whether to stop, waiting by sleeping rather than spinning.
    if (mpi::sleepy_any(world, stop_flag().load())) {
      interrupted = true;
      break;
    }
    set_fault_run(spec.index);
    const workloads::Workload& workload = workloads.get(spec);
    const strategies::Strategy& strategy = strategies.get(spec);
    if (world.rank() >= spec.ranks) continue;
    const auto& in = p.inputs[static_cast<std::size_t>(spec.workload)];
    const auto cp = p.checkpoints.find(spec.index);
    std::function<void(std::int64_t)> progress;
    if (root) {
      const std::string point = config::point_name(p.study, spec);
      const std::int64_t tasks = workload.layout().tasks;
      progress = [&console, point, spec, tasks](std::int64_t done) { console.live(point, spec.ranks, done, tasks); };
      progress(-1);  // the run's line appears as it starts; strategies that count tasks update it
    }
    const RunInputs inputs{p.study,
                           spec,
                           workload,
                           strategy,
                           in ? &in->rows : nullptr,
                           hosts,
                           team,
                           &stop_flag(),
                           cp == p.checkpoints.end() ? nullptr : &cp->second,
                           progress};
    std::optional<output::RunRecord> record = run_one(comms.at(spec.ranks), inputs);
    if (!root) continue;
    record->write_s = last_write_s;
    const double t = timing::now();
    writer.write(*record);
    last_write_s = timing::now() - t;
    console.write(*record);
  }
  if (root) {
    writer.finalize();
    console.finalize();
  }
  if (!interrupted) interrupted = mpi::sleepy_any(world, stop_flag().load());
  if (interrupted && root)
    std::fprintf(stderr,
                 "parbench: stopped by signal %d; finished runs are in %s; continue with: parbench run %s -o %s "
                 "--resume\n",
                 stop_signal(), options.output.c_str(), options.config_path.c_str(), options.output.c_str());
  return interrupted ? kExitInterrupted : 0;
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
