#pragma once
// Reads parbench files back (schema versions 1 and 2): `parbench info`, --resume, and tests. Only documented parts
// of the schema are read; what a version-1 file lacks reads as empty.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "workloads/workload.hpp"

namespace parbench::output {

using Value = std::variant<std::int64_t, double, std::string, std::vector<std::int64_t>>;

struct RunSummary {
  std::int64_t run_id = 0, launch = 0, plan_index = 0, chunk = 0, ranks = 0, nodes = 0, ranks_per_node = 0, threads = 0,
               repetition = 0, tasks = 0;
  bool warmup = false, verified = false;
  std::string group, workload, label, strategy, status, message, point, result_hash, config_hash;
  double wall_s = 0, compute_max_s = 0, imbalance = 0;
  std::string start_time, slurm_job_id;
  std::vector<std::pair<std::string, Value>> params;  // workload parameters
  std::vector<std::pair<std::string, Value>> result;  // scalar results
};

// One launch's provenance (/launch/NNNNNN): its attributes, and per world rank its node, host and CPU binding.
struct LaunchSummary {
  std::int64_t id = 0;
  std::vector<std::pair<std::string, Value>> attributes;
  std::vector<std::string> rank_node_name, rank_host, rank_cpus;
  std::vector<std::int64_t> rank_node;
};

// One row of /points: how a point's repetitions at one rank count ended.
struct PointSummary {
  std::int64_t launch = 0, ranks = 0, nodes = 0, repetitions = 0;
  std::string point, stop_reason;
  double median_s = 0, ci_lo_s = 0, ci_hi_s = 0;
};

struct FileSummary {
  std::string path, parbench_version, git_commit, created;
  std::int64_t schema_version = 0;
  std::vector<RunSummary> runs;
  std::vector<LaunchSummary> launches;
  std::vector<PointSummary> points;
};

// Throws UserError when the file is missing or not a parbench file. `results = false` skips each run's parameters
// and scalar results (what --resume does not need).
FileSummary read_summary(const std::string& path, bool results = true);

// The checkpoint of a partial run (group path as in the run table).
workloads::TaskOutputs read_checkpoint(const std::string& path, const std::string& group);

// `parbench info` output: the runs, then how many distinct results each point produced (1 is the bitwise
// reproducibility promise), the points' stop reasons and intervals, and each launch's provenance.
std::string format_table(const FileSummary& file);
std::string format_json(const FileSummary& file);

}  // namespace parbench::output
