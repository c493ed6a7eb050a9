#pragma once
// Reads parbench files back: `parbench info`, --resume, and tests. Only documented parts of the schema are read.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "workloads/workload.hpp"

namespace parbench::output {

using Value = std::variant<std::int64_t, double, std::string, std::vector<std::int64_t>>;

struct RunSummary {
  std::int64_t run_id = 0, chunk = 0, ranks = 0, threads = 0, repetition = 0, tasks = 0;
  bool warmup = false, verified = false;
  std::string group, workload, label, strategy, status, message, point;
  double wall_s = 0, compute_max_s = 0, imbalance = 0;
  std::string start_time, slurm_job_id;
  std::vector<std::pair<std::string, Value>> params;  // workload parameters
  std::vector<std::pair<std::string, Value>> result;  // scalar results
};

struct FileSummary {
  std::string path, parbench_version, git_commit, created;
  std::int64_t schema_version = 0;
  std::vector<RunSummary> runs;
};

// Throws UserError when the file is missing or not a parbench file of this schema version.
FileSummary read_summary(const std::string& path);

// The checkpoint of a partial run (group path as in the run table).
workloads::TaskOutputs read_checkpoint(const std::string& path, const std::string& group);

// `parbench info` output.
std::string format_table(const FileSummary& file);
std::string format_json(const FileSummary& file);

}  // namespace parbench::output
