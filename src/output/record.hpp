#pragma once
// What the writers receive, as plain data (no MPI): one LaunchRecord per launch (the machine and the setup, once),
// one RunRecord per finished run, one PointRecord per measured point and rank count when its repetitions stop.
// Built on rank 0 by the study runner.
#include <cstdint>
#include <string>
#include <vector>

#include "config/study.hpp"
#include "param/param.hpp"
#include "timing/phases.hpp"
#include "workloads/workload.hpp"

namespace parbench::output {

// SLURM environment of the launch (empty strings outside SLURM).
struct SlurmInfo {
  std::string job_id, array_task_id, nodelist, tasks_per_node;
};
SlurmInfo slurm_from_environment();

// One world rank of the launch: where it ran and what it was allowed to run on.
struct RankPlacement {
  std::string host;       // gethostname
  std::string node_name;  // SLURMD_NODENAME under SLURM, else the host name
  std::int64_t node = 0;  // node index, 0.. in order of each node's first world rank (shared-memory split)
  std::string cpus;       // the rank's allowed-CPU list at start, e.g. "0-3,8" (its binding)
  std::int64_t cpu_count = 0;
};

// Provenance of one launch: recorded once, referenced by every run of the launch.
struct LaunchRecord {
  std::string started;  // ISO 8601 UTC
  std::string parbench_version, git_commit, compiler, build_flags, mpi_library;
  std::string cpu_model, governor;  // governor "unknown" where the machine does not say
  std::int64_t logical_cpus = 0, cores = 0, threads_per_core = 0;
  std::string config_path, order;  // order: "interleaved" or "random"
  std::int64_t seed = 0;
  std::string repetitions;   // "fixed" or "auto"
  double precision = 0;      // auto: relative half-width wanted of the median's 95 % interval
  double time_budget_s = 0;  // 0: none
  SlurmInfo slurm;
  std::vector<RankPlacement> ranks;  // every world rank
};

struct RankRecord {
  std::string host;
  std::int64_t node = 0;  // node index (see RankPlacement)
  std::string node_name;
  std::int64_t core = -1;  // sched_getcpu at the end of the rank's compute phase
  timing::RankTiming times;
};

struct TraceRow {
  std::int64_t task, rank, thread;
  double start_s, end_s;
};

struct RunRecord {
  config::RunSpec spec;
  std::string study, point, workload, label, strategy, strategy_label, config_path, config_text, scaling;
  param::Params params, strategy_params;
  std::int64_t chunk = 0;
  bool chunk_auto = false;
  workloads::Layout layout;
  std::int64_t work_units = 0;
  double wall_s = 0, reduce_s = 0, overhead_s = 0, write_s = 0;
  std::vector<RankRecord> ranks;
  std::vector<TraceRow> trace;
  workloads::Result result;
  std::string result_hash;  // content hash of the result: equal hashes, equal bits
  workloads::Verification verification;
  std::string status = "ok", message, start_time;
  SlurmInfo slurm;
  // For status "partial" only: which tasks were done and their outputs, to resume from.
  workloads::TaskOutputs checkpoint;

  // Derived from ranks.
  double compute_max() const;
  double compute_mean() const;
  double distribute_max() const;
  double collect_max() const;
  double imbalance() const;
  std::int64_t nodes() const;           // distinct nodes among the ranks
  std::int64_t ranks_per_node() const;  // most ranks on one node
  std::string hosts() const;            // distinct, comma-separated
};

// The end of a point's repetitions at one rank count (and node count): why it stopped and how precise its median
// wall time is (95 % interval by order statistics; lo = hi = 0 with fewer than 6 repetitions, too few for one).
struct PointRecord {
  std::string point;
  std::int64_t ranks = 0, nodes = 0, repetitions = 0;
  double median_s = 0, ci_lo_s = 0, ci_hi_s = 0;
  std::string stop_reason;  // precision, max_repetitions, time_budget, or repetitions (a fixed count)
};

}  // namespace parbench::output
