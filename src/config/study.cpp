#include "config/study.hpp"

#include <toml++/toml.h>

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
    if (spec.type == param::ParamType::kChunk && std::get<std::int64_t>(v) == param::kAutoChunk) shown = "auto";
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
  static const std::vector<param::ParamSpec> specs = {
      {"name", param::ParamType::kString, "study name (default: the config file's name)", std::nullopt},
      {"repetitions", param::ParamType::kInteger, "counted repetitions of every point", std::int64_t{3}, 1, 1e6},
      {"warmup", param::ParamType::kInteger, "uncounted repetitions before them", std::int64_t{1}, 0, 1e6},
      {"ranks", param::ParamType::kIntegerList, "sub-communicator sizes swept inside one launch (default: every rank)",
       std::nullopt, 1, 1e7},
      {"threads", param::ParamType::kIntegerList, "threads per rank to sweep", std::vector<std::int64_t>{1}, 1, 1024},
      {"trace", param::ParamType::kBoolean, "record a per-task trace (task, rank, thread, start, end)", false},
      {"scaling",
       param::ParamType::kString,
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
  study.warmup = sp.integer("warmup");
  if (sp.has("ranks")) study.ranks = sp.integers("ranks");
  study.threads = sp.integers("threads");
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

std::vector<RunSpec> plan(const Study& study, int world_size) {
  std::vector<std::int64_t> ranks = study.ranks;
  if (ranks.empty()) ranks.push_back(world_size);
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (ranks[i] > world_size)
      throw UserError(study.path, "study.ranks[" + std::to_string(i + 1) + "]",
                      "must be at most the " + std::to_string(world_size) + " ranks of this launch, got " +
                          std::to_string(ranks[i]));
  }
  std::vector<RunSpec> runs;
  for (int w = 0; w < static_cast<int>(study.workloads.size()); ++w)
    for (int s = 0; s < static_cast<int>(study.strategies.size()); ++s)
      for (std::int64_t threads : study.threads) {
        // Rank counts interleaved within each repetition: slow drifts of a shared machine then affect every rank
        // count alike, and speedups compare runs measured side by side.
        for (std::int64_t k = 0; k < study.warmup; ++k)
          for (std::int64_t r : ranks)
            runs.push_back({static_cast<std::int64_t>(runs.size()), w, s, r, threads, k, true});
        for (std::int64_t k = 0; k < study.repetitions; ++k)
          for (std::int64_t r : ranks)
            runs.push_back({static_cast<std::int64_t>(runs.size()), w, s, r, threads, k, false});
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
