#pragma once
// A study: the TOML config, validated, and its plan — the flat list of runs it expands to.
//
//   [study]                      name, repetitions, warmup, ranks, threads, trace, scaling
//   [[workload]]  kind = "..."   plus the workload's own parameters (see `parbench list`), optional `label`
//   [[strategy]]  kind = "..."   plus the strategy's parameters (default: one static strategy)
#include <cstdint>
#include <string>
#include <vector>

#include "param/param.hpp"

namespace parbench::config {

struct EntryConfig {
  std::string kind;
  std::string label;  // given `label`, else kind plus its non-default parameters
  param::Params params;
};

struct Study {
  std::string path;  // as given on the command line
  std::string text;  // verbatim TOML
  std::string name;
  std::int64_t repetitions = 3;
  std::int64_t warmup = 1;
  std::vector<std::int64_t> ranks;  // empty: every rank of the launch
  std::vector<std::int64_t> threads{1};
  bool trace = false;
  bool weak_scaling = false;
  std::vector<EntryConfig> workloads;
  std::vector<EntryConfig> strategies;
};

// Parses and validates `text` (the contents of `path`). Throws UserError naming the file and key.
Study parse_study(const std::string& text, const std::string& path);

// Reads `path` and parses it. Throws UserError if the file is missing or unreadable.
Study load_study(const std::string& path);

// Replaces [study] ranks (`parbench run --ranks`). The override is appended to the recorded config text as a
// comment, so files say what ran and --resume tells launches with different rank lists apart.
void override_ranks(Study& study, const std::vector<std::int64_t>& ranks);

// The parameters of the [study] table, for validation and `parbench list`.
const std::vector<param::ParamSpec>& study_params();

// One run of the plan.
struct RunSpec {
  std::int64_t index = 0;  // position in the plan
  int workload = 0;        // index into Study::workloads
  int strategy = 0;        // index into Study::strategies
  std::int64_t ranks = 1;
  std::int64_t threads = 1;
  std::int64_t repetition = 0;  // warm-ups first, numbered 0.. like the counted ones
  bool warmup = false;
};

// Expands the study: workload × strategy × threads × (warm-ups, then repetitions) × ranks — rank counts interleaved.
// Throws UserError when a rank count exceeds `world_size`.
std::vector<RunSpec> plan(const Study& study, int world_size);

// The workload parameters of a run: in weak-scaling studies the size parameters grow with the rank count.
param::Params run_params(const Study& study, const RunSpec& spec);

// "trig n=1000 / dynamic chunk=auto / threads=1": runs with the same point differ only in ranks and repetition.
std::string point_name(const Study& study, const RunSpec& spec);

}  // namespace parbench::config
