#pragma once
// RunRecord: everything known about one finished run, as plain data. Built on rank 0 by the runner, consumed by
// the writers (which never see MPI: nothing here includes it).
#include <cstdint>
#include <string>
#include <vector>

#include "config/study.hpp"
#include "param/param.hpp"
#include "timing/phases.hpp"
#include "workloads/workload.hpp"

namespace parbench::output {

struct RankRecord {
  std::string host;
  std::int64_t core = -1;  // sched_getcpu at the end of the rank's compute phase
  timing::RankTiming times;
};

struct TraceRow {
  std::int64_t task, rank, thread;
  double start_s, end_s;
};

// SLURM environment of the launch (empty strings outside SLURM).
struct SlurmInfo {
  std::string job_id, array_task_id, nodelist, tasks_per_node;
};
SlurmInfo slurm_from_environment();

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
  std::string hosts() const;  // distinct, comma-separated
};

}  // namespace parbench::output
