#pragma once
// A study: the TOML config, validated, and its plan — the cells it measures and the rounds that visit them.
//
//   [study]                      name, repetitions, warmup, ranks, nodes, threads, order, trace, scaling, …
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
  std::int64_t repetitions = 3;  // param::kAuto: until the median is precise enough (Hoefler & Belli, SC15)
  double precision = 0.05;       // auto: wanted relative half-width of the median wall time's 95 % interval
  std::int64_t min_repetitions = 6, max_repetitions = 50;
  double time_budget_s = 0;  // auto: stop every point when the study has run this long (0: no budget)
  std::int64_t warmup = 1;
  std::vector<std::int64_t> ranks;  // empty: every rank of the launch
  std::vector<std::int64_t> nodes;  // empty: the first r ranks, wherever they run; else r/n ranks on each of n nodes
  std::vector<std::int64_t> threads{1};
  bool random_order = false;  // runs of a round in a random order (seeded) rather than point by point
  std::int64_t seed = 1;
  bool trace = false;
  bool weak_scaling = false;
  std::vector<EntryConfig> workloads;
  std::vector<EntryConfig> strategies;

  bool auto_repetitions() const { return repetitions == param::kAuto; }
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

// What a study measures: every point (workload × strategy × threads) at every rank count (and node count) — a
// cell. A round visits every cell of the points still active once; warm-up rounds come first. Rank counts stay
// interleaved within a round, so slow drifts of a shared machine touch every rank count alike.
struct Cell {
  int point = 0;     // index of (workload, strategy, threads) in plan order
  int workload = 0;  // index into Study::workloads
  int strategy = 0;  // index into Study::strategies
  std::int64_t threads = 1, ranks = 1;
  std::int64_t nodes = 0;  // 0: the first `ranks` world ranks; else ranks / nodes on each of the first `nodes` nodes
};

struct Plan {
  std::vector<Cell> cells;  // point by point; within a point, rank counts (then node counts) in config order
  int points = 0;
  std::int64_t warmup_rounds = 0;
  std::int64_t rounds = 0;  // warm-up rounds plus the repetitions (auto: at most max_repetitions)
};

// One run: a cell in a round.
struct RunSpec {
  std::int64_t index = 0;  // round × cells + cell: the same in every launch of the study (--resume)
  std::int64_t round = 0;
  int cell = 0, point = 0, workload = 0, strategy = 0;
  std::int64_t ranks = 1, nodes = 0, threads = 1;
  std::int64_t repetition = 0;  // counted repetitions 0.., warm-ups numbered 0.. separately
  bool warmup = false;
};

// The cells and rounds of a study on a launch of `ranks_per_node.size()` nodes holding that many world ranks each
// (node 0 holds world rank 0). Throws UserError when a rank count exceeds the launch, or a placement does not fit.
Plan plan(const Study& study, const std::vector<std::int64_t>& ranks_per_node);

// The runs of `round` for the points marked active (every point when `active` is empty), in the study's order:
// cell order, or shuffled by (seed, round) when order = "random" — the same on every rank and in every launch.
std::vector<RunSpec> round_runs(const Study& study, const Plan& plan, std::int64_t round,
                                const std::vector<char>& active = {});

// Every run of every round, in order (a dry run prints them).
std::vector<RunSpec> all_runs(const Study& study, const Plan& plan);

// The run with plan index `index` (round × cells + cell), whatever order its round ran in.
RunSpec run_at(const Plan& plan, std::int64_t index);

// The workload parameters of a run: in weak-scaling studies the size parameters grow with the rank count.
param::Params run_params(const Study& study, const RunSpec& spec);

// "trig n=1000 / dynamic chunk=auto / threads=1": runs with the same point differ only in ranks and repetition.
std::string point_name(const Study& study, const RunSpec& spec);

}  // namespace parbench::config
