#include "config/study.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "strategies/registry.hpp"
#include "workloads/registry.hpp"

namespace parbench::config {
namespace {

std::string names_of(const auto& registry) {
  std::string s;
  for (const auto& e : registry) s += (s.empty() ? "" : ", ") + e.name;
  return s;
}

// "trig n=1000": the kind and every parameter that differs from its default (tasks included).
std::string default_label(const std::string& kind, const param::Params& params,
                          const std::vector<param::ParamSpec>& specs) {
  std::string label = kind;
  for (const param::ParamSpec& spec : specs) {
    if (!params.has(spec.name)) continue;
    const param::ParamValue& v = params.get(spec.name);
    if (spec.default_value && *spec.default_value == v) continue;
    std::string shown = param::to_string(v);
    if (spec.type == param::ParamType::kCountOrAuto && std::get<std::int64_t>(v) == param::kAuto) shown = "auto";
    if (shown.size() > 2 && shown.front() == '"') shown = shown.substr(1, shown.size() - 2);
    label += " " + spec.name + "=" + shown;
  }
  return label;
}

// Validates one [[workload]] or [[strategy]] table against its registry entry.
template <class Registry, class Find>
EntryConfig parse_entry(const toml::node& node, const std::string& file, const std::string& path,
                        const Registry& registry, Find find, const char* what) {
  const toml::table* table = node.as_table();
  if (!table) throw UserError(file, path, "must be a table ([[" + std::string(what) + "]])");
  const toml::node* kind = table->get("kind");
  if (!kind) throw UserError(file, path + ".kind", "required; expected one of " + names_of(registry));
  auto name = kind->value_exact<std::string>();
  const auto* entry = name ? find(*name) : nullptr;
  if (!entry)
    throw UserError(file, path + ".kind",
                    "unknown " + std::string(what) + (name ? " \"" + *name + "\"" : "") + "; expected one of " +
                        names_of(registry));
  EntryConfig out;
  out.kind = *name;
  out.params = param::validate(*table, entry->params, file, path, {"kind", "label"});
  if (const toml::node* label = table->get("label")) {
    auto s = label->value_exact<std::string>();
    if (!s || s->empty()) throw UserError(file, path + ".label", "must be a non-empty string");
    out.label = *s;
  } else {
    out.label = default_label(out.kind, out.params, entry->params);
  }
  return out;
}

template <class Registry, class Find>
std::vector<EntryConfig> parse_entries(const toml::table& root, const char* key, const std::string& file,
                                       const Registry& registry, Find find) {
  std::vector<EntryConfig> out;
  const toml::node* node = root.get(key);
  if (!node) return out;
  const toml::array* arr = node->as_array();
  if (!arr) throw UserError(file, key, "must be an array of tables ([[" + std::string(key) + "]])");
  for (std::size_t i = 0; i < arr->size(); ++i)
    out.push_back(
        parse_entry((*arr)[i], file, std::string(key) + "[" + std::to_string(i + 1) + "]", registry, find, key));
  return out;
}

}  // namespace

const std::vector<param::ParamSpec>& study_params() {
  using param::ParamSpec;
  using param::ParamType;
  static const std::vector<ParamSpec> specs = {
      {"name", ParamType::kString, "study name (default: the config file's name)", std::nullopt},
      {"repetitions", ParamType::kCountOrAuto,
       "counted repetitions of every point; \"auto\": repeat until the median wall time is within `precision`",
       std::int64_t{3}},
      {"precision", ParamType::kReal,
       "repetitions = \"auto\": relative half-width wanted of the median's 95 % interval", 0.05, 1e-4, 1.0},
      {"min_repetitions", ParamType::kInteger, "repetitions = \"auto\": at least this many", std::int64_t{6}, 1, 1e6},
      {"max_repetitions", ParamType::kInteger, "repetitions = \"auto\": at most this many", std::int64_t{50}, 1, 1e6},
      {"time_budget", ParamType::kDuration,
       "stop the study, its finished runs kept, once it has run this long (e.g. \"20m\"); with repetitions = "
       "\"auto\" inside a SLURM job also 3 minutes before the job's time runs out",
       std::nullopt, 1, 1e8},
      {"warmup", ParamType::kInteger, "uncounted repetitions before them", std::int64_t{1}, 0, 1e6},
      {"ranks", ParamType::kIntegerList, "sub-communicator sizes swept inside one launch (default: every rank)",
       std::nullopt, 1, 1e7},
      {"nodes", ParamType::kIntegerList,
       "node counts to place each rank count on (ranks / nodes per node, block-wise); default: the first ranks",
       std::nullopt, 1, 1e6},
      {"threads", ParamType::kIntegerList, "threads per rank to sweep", std::vector<std::int64_t>{1}, 1, 1024},
      {"order",
       ParamType::kString,
       "order of the runs within a round: point by point, or random (seeded)",
       std::string("interleaved"),
       {},
       {},
       {"interleaved", "random"}},
      {"seed", ParamType::kInteger, "order = \"random\": the shuffle's seed", std::int64_t{1}, 0, 9e18},
      {"trace", ParamType::kBoolean, "record a per-task trace (task, rank, thread, start, end)", false},
      {"scaling",
       ParamType::kString,
       "strong: fixed work; weak: size parameters grow with ranks",
       std::string("strong"),
       {},
       {},
       {"strong", "weak"}},
  };
  return specs;
}

Study parse_study(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw UserError(path, "line " + std::to_string(e.source().begin.line),
                    "not valid TOML: " + std::string(e.description()));
  }
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k != "study" && k != "workload" && k != "strategy")
      throw UserError(path, k, "unknown key; expected [study], [[workload]] or [[strategy]]");
  }
  Study study;
  study.path = path;
  study.text = text;
  param::Params sp = param::defaults(study_params());
  if (const toml::node* node = root.get("study")) {
    const toml::table* t = node->as_table();
    if (!t) throw UserError(path, "study", "must be a table ([study])");
    sp = param::validate(*t, study_params(), path, "study", {});
  }
  study.name = sp.has("name") ? sp.string("name") : std::filesystem::path(path).stem().string();
  study.repetitions = sp.integer("repetitions");
  study.precision = sp.real("precision");
  study.min_repetitions = sp.integer("min_repetitions");
  study.max_repetitions = sp.integer("max_repetitions");
  if (sp.has("time_budget")) study.time_budget_s = sp.real("time_budget");
  if (study.min_repetitions > study.max_repetitions)
    throw UserError(path, "study.min_repetitions",
                    "must be at most max_repetitions (" + std::to_string(study.max_repetitions) + "), got " +
                        std::to_string(study.min_repetitions));
  study.warmup = sp.integer("warmup");
  if (sp.has("ranks")) study.ranks = sp.integers("ranks");
  if (sp.has("nodes")) study.nodes = sp.integers("nodes");
  study.threads = sp.integers("threads");
  study.random_order = sp.string("order") == "random";
  study.seed = sp.integer("seed");
  study.trace = sp.boolean("trace");
  study.weak_scaling = sp.string("scaling") == "weak";

  study.workloads = parse_entries(root, "workload", path, workloads::registry(), workloads::find);
  if (study.workloads.empty())
    throw UserError(path, "workload",
                    "at least one [[workload]] is required; kinds: " + names_of(workloads::registry()));
  study.strategies = parse_entries(root, "strategy", path, strategies::registry(), strategies::find);
  if (study.strategies.empty()) study.strategies.push_back({"static", "static", {}});
  return study;
}

Study load_study(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw UserError(path, "", "no such config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path, "", "cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_study(text.str(), path);
}

void override_ranks(Study& study, const std::vector<std::int64_t>& ranks) {
  study.ranks = ranks;
  std::string note = "\n# parbench run --ranks ";
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i) note += ',';
    note += std::to_string(ranks[i]);
  }
  study.text += note + "\n";
}

Plan plan(const Study& study, const std::vector<std::int64_t>& ranks_per_node) {
  std::int64_t world_size = 0;
  for (std::int64_t n : ranks_per_node) world_size += n;
  std::vector<std::int64_t> ranks = study.ranks;
  if (ranks.empty()) ranks.push_back(world_size);
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (ranks[i] > world_size)
      throw UserError(study.path, "study.ranks[" + std::to_string(i + 1) + "]",
                      "must be at most the " + std::to_string(world_size) + " ranks of this launch, got " +
                          std::to_string(ranks[i]));
  }
  const std::vector<std::int64_t> nodes = study.nodes.empty() ? std::vector<std::int64_t>{0} : study.nodes;
  for (std::size_t j = 0; j < study.nodes.size(); ++j) {
    const std::int64_t n = study.nodes[j];
    const std::string key = "study.nodes[" + std::to_string(j + 1) + "]";
    if (n > static_cast<std::int64_t>(ranks_per_node.size()))
      throw UserError(study.path, key,
                      "must be at most the " + std::to_string(ranks_per_node.size()) + " node(s) of this launch, got " +
                          std::to_string(n));
    const std::int64_t room = *std::min_element(ranks_per_node.begin(), ranks_per_node.begin() + n);
    for (std::int64_t r : ranks) {
      if (r % n != 0)
        throw UserError(study.path, key,
                        std::to_string(n) +
                            " nodes hold equal shares of a rank count, so every study.ranks must be a "
                            "multiple of " +
                            std::to_string(n) + ", got " + std::to_string(r));
      if (r / n > room)
        throw UserError(study.path, key,
                        std::to_string(r) + " ranks on " + std::to_string(n) + " nodes need " + std::to_string(r / n) +
                            " ranks per node, but the launch has " + std::to_string(room) + " on one of them");
    }
  }
  Plan p;
  for (int w = 0; w < static_cast<int>(study.workloads.size()); ++w)
    for (int s = 0; s < static_cast<int>(study.strategies.size()); ++s)
      for (std::int64_t threads : study.threads) {
        for (std::int64_t r : ranks)
          for (std::int64_t n : nodes) p.cells.push_back({p.points, w, s, threads, r, n});
        ++p.points;
      }
  p.warmup_rounds = study.warmup;
  p.rounds = study.warmup + (study.auto_repetitions() ? study.max_repetitions : study.repetitions);
  return p;
}

namespace {

// SplitMix64: a small, fully specified generator, so a seeded order is the same on every platform (the standard
// library's distributions and shuffle are not).
std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Fisher–Yates with unbiased bounded draws.
template <class T>
void shuffle(std::vector<T>& v, std::uint64_t seed) {
  std::uint64_t state = seed;
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::uint64_t bound = i, limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t x;
    do x = splitmix(state);
    while (x >= limit);
    std::swap(v[i - 1], v[static_cast<std::size_t>(x % bound)]);
  }
}

}  // namespace

RunSpec run_at(const Plan& plan, std::int64_t index) {
  const auto cells = static_cast<std::int64_t>(plan.cells.size());
  const std::int64_t round = index / cells;
  const int c = static_cast<int>(index % cells);
  const Cell& cell = plan.cells[static_cast<std::size_t>(c)];
  const bool warmup = round < plan.warmup_rounds;
  return {index,         round,      c,          cell.point,   cell.workload,
          cell.strategy, cell.ranks, cell.nodes, cell.threads, warmup ? round : round - plan.warmup_rounds,
          warmup};
}

std::vector<RunSpec> round_runs(const Study& study, const Plan& plan, std::int64_t round,
                                const std::vector<char>& active) {
  std::vector<RunSpec> runs;
  for (int c = 0; c < static_cast<int>(plan.cells.size()); ++c) {
    const Cell& cell = plan.cells[static_cast<std::size_t>(c)];
    if (!active.empty() && !active[static_cast<std::size_t>(cell.point)]) continue;
    runs.push_back(run_at(plan, round * static_cast<std::int64_t>(plan.cells.size()) + c));
  }
  if (study.random_order) {
    std::uint64_t state =
        static_cast<std::uint64_t>(study.seed) * 0x2545f4914f6cdd1dULL + static_cast<std::uint64_t>(round);
    shuffle(runs, splitmix(state));
  }
  return runs;
}

std::vector<RunSpec> all_runs(const Study& study, const Plan& plan) {
  std::vector<RunSpec> runs;
  for (std::int64_t round = 0; round < plan.rounds; ++round) {
    const std::vector<RunSpec> r = round_runs(study, plan, round);
    runs.insert(runs.end(), r.begin(), r.end());
  }
  return runs;
}

param::Params run_params(const Study& study, const RunSpec& spec) {
  const EntryConfig& w = study.workloads[static_cast<std::size_t>(spec.workload)];
  param::Params p = w.params;
  if (!study.weak_scaling) return p;
  for (const param::ParamSpec& s : workloads::find(w.kind)->params)
    if (s.scales_with_ranks && p.has(s.name)) p.set(s.name, p.integer(s.name) * spec.ranks);
  return p;
}

std::string point_name(const Study& study, const RunSpec& spec) {
  return study.workloads[static_cast<std::size_t>(spec.workload)].label + " / " +
         study.strategies[static_cast<std::size_t>(spec.strategy)].label + " / threads=" + std::to_string(spec.threads);
}

}  // namespace parbench::config
