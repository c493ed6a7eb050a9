#include "output/hdf5_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "h5/h5.hpp"
#include "output/hdf5_layout.hpp"

namespace parbench::output {
namespace {

using Columns = std::vector<std::pair<std::string, h5::Data>>;

// A column of the run table, or `fallback` repeated where the file lacks it (version 1 files).
template <class T>
std::vector<T> column(const Columns& cols, const std::string& name, std::size_t rows, T fallback = T{}) {
  for (const auto& [n, d] : cols)
    if (n == name) return std::get<std::vector<T>>(d.values);
  return std::vector<T>(rows, fallback);
}

Columns read_table(hid_t file, const std::string& name) {
  Columns cols;
  if (!h5::exists(file, name)) return cols;
  h5::Object table = h5::open_group(file, name);
  for (const std::string& c : h5::members(table.id())) cols.emplace_back(c, h5::read(table.id(), c));
  return cols;
}

std::size_t rows_of(const Columns& cols) {
  return cols.empty() ? 0 : std::visit([](const auto& v) { return v.size(); }, cols.front().second.values);
}

Value value_of(const h5::AttrValue& v) {
  return std::visit([](const auto& x) -> Value { return x; }, v);
}

nlohmann::json json_of(const Value& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

std::string text_of(const Value& v) {
  struct V {
    std::string operator()(std::int64_t x) const { return std::to_string(x); }
    std::string operator()(double x) const {
      std::ostringstream o;
      o.precision(17);
      o << x;
      return o.str();
    }
    std::string operator()(const std::string& x) const { return x; }
    std::string operator()(const std::vector<std::int64_t>& x) const {
      std::ostringstream o;
      o << '[';
      for (std::size_t i = 0; i < x.size(); ++i) o << (i ? "," : "") << x[i];
      o << ']';
      return o.str();
    }
  };
  return std::visit(V{}, v);
}

}  // namespace

FileSummary read_summary(const std::string& path, bool results) {
  h5::silence_hdf5_errors();
  if (!std::filesystem::exists(path)) throw UserError(path, "", "no such file");
  FileSummary out;
  out.path = path;
  out.schema_version = check_parbench_file(path);
  h5::Object f = h5::open_file(path, false);
  out.parbench_version = std::get<std::string>(h5::get_attr(f.id(), "parbench_version"));
  out.git_commit = std::get<std::string>(h5::get_attr(f.id(), "git_commit"));
  out.created = std::get<std::string>(h5::get_attr(f.id(), "created"));

  const Columns cols = read_table(f.id(), "runs");
  const std::size_t n = rows_of(cols);
  const auto ints = [&](const char* name) { return column<std::int64_t>(cols, name, n); };
  const auto strings = [&](const char* name) { return column<std::string>(cols, name, n); };
  const auto reals = [&](const char* name) { return column<double>(cols, name, n); };
  const auto run_id = ints("run_id"), launch = ints("launch"), plan_index = ints("plan_index"), chunk = ints("chunk"),
             ranks = ints("ranks"), nodes = ints("nodes"), per_node = ints("ranks_per_node"), threads = ints("threads"),
             repetition = ints("repetition"), tasks = ints("tasks"), warmup = ints("warmup"),
             verified = ints("verified");
  const auto group = strings("group"), workload = strings("workload"), label = strings("label"),
             point = strings("point"), strategy = strings("strategy"), status = strings("status"),
             start_time = strings("start_time"), slurm_job_id = strings("slurm_job_id"),
             result_hash = strings("result_hash");
  const auto wall = reals("wall_s"), compute_max = reals("compute_max_s"), imbalance = reals("imbalance");
  for (std::size_t i = 0; i < n; ++i) {
    RunSummary r;
    r.run_id = run_id[i];
    r.launch = launch[i];
    r.plan_index = plan_index[i];
    r.group = group[i];
    r.workload = workload[i];
    r.label = label[i];
    r.point = point[i];
    r.strategy = strategy[i];
    r.status = status[i];
    r.chunk = chunk[i];
    r.ranks = ranks[i];
    r.nodes = nodes[i];
    r.ranks_per_node = per_node[i];
    r.threads = threads[i];
    r.repetition = repetition[i];
    r.tasks = tasks[i];
    r.warmup = warmup[i] != 0;
    r.verified = verified[i] != 0;
    r.wall_s = wall[i];
    r.compute_max_s = compute_max[i];
    r.imbalance = imbalance[i];
    r.start_time = start_time[i];
    r.slurm_job_id = slurm_job_id[i];
    r.result_hash = result_hash[i];
    h5::Object g = h5::open_group(f.id(), r.group);
    r.message = std::get<std::string>(h5::get_attr(g.id(), "message"));
    r.config_hash = std::get<std::string>(h5::get_attr(g.id(), "config_hash"));
    if (results) {
      h5::Object params = h5::open_group(g.id(), "params");
      for (const std::string& name : h5::attr_names(params.id()))
        r.params.emplace_back(name, value_of(h5::get_attr(params.id(), name)));
      h5::Object result = h5::open_group(g.id(), "result");
      for (const std::string& name : h5::members(result.id())) {
        h5::Data d = h5::read(result.id(), name);
        if (!d.shape.empty()) continue;  // arrays are for h5py; info shows scalars
        std::visit([&](const auto& v) { r.result.emplace_back(name, Value{v.at(0)}); }, d.values);
      }
    }
    out.runs.push_back(std::move(r));
  }

  if (h5::exists(f.id(), "launch")) {
    h5::Object launches = h5::open_group(f.id(), "launch");
    for (const std::string& name : h5::members(launches.id())) {
      h5::Object g = h5::open_group(launches.id(), name);
      LaunchSummary l;
      l.id = std::get<std::int64_t>(h5::get_attr(g.id(), "launch"));
      for (const std::string& a : h5::attr_names(g.id()))
        l.attributes.emplace_back(a, value_of(h5::get_attr(g.id(), a)));
      h5::Object rk = h5::open_group(g.id(), "ranks");
      l.rank_node_name = std::get<std::vector<std::string>>(h5::read(rk.id(), "node_name").values);
      l.rank_host = std::get<std::vector<std::string>>(h5::read(rk.id(), "host").values);
      l.rank_cpus = std::get<std::vector<std::string>>(h5::read(rk.id(), "cpus").values);
      l.rank_node = std::get<std::vector<std::int64_t>>(h5::read(rk.id(), "node").values);
      out.launches.push_back(std::move(l));
    }
  }

  const Columns pts = read_table(f.id(), "points");
  const std::size_t m = rows_of(pts);
  const auto p_launch = column<std::int64_t>(pts, "launch", m), p_ranks = column<std::int64_t>(pts, "ranks", m),
             p_nodes = column<std::int64_t>(pts, "nodes", m), p_reps = column<std::int64_t>(pts, "repetitions", m);
  const auto p_point = column<std::string>(pts, "point", m), p_reason = column<std::string>(pts, "stop_reason", m);
  const auto p_median = column<double>(pts, "median_s", m), p_lo = column<double>(pts, "ci_lo_s", m),
             p_hi = column<double>(pts, "ci_hi_s", m);
  for (std::size_t i = 0; i < m; ++i)
    out.points.push_back(
        {p_launch[i], p_ranks[i], p_nodes[i], p_reps[i], p_point[i], p_reason[i], p_median[i], p_lo[i], p_hi[i]});
  return out;
}

workloads::TaskOutputs read_checkpoint(const std::string& path, const std::string& group) {
  h5::Object f = h5::open_file(path, false);
  h5::Object cp = h5::open_group(f.id(), group + "/checkpoint");
  auto ints = [&](const char* name) { return std::get<std::vector<std::int64_t>>(h5::read(cp.id(), name).values); };
  workloads::TaskOutputs c;
  for (std::int64_t d : ints("done")) c.done.push_back(static_cast<std::uint8_t>(d));
  for (std::int64_t w : ints("item_out")) c.item_out.push_back(static_cast<workloads::Word>(w));
  for (std::int64_t w : ints("task_out")) c.task_out.push_back(static_cast<workloads::Word>(w));
  return c;
}

namespace {

// Per point, in order of appearance: the distinct result hashes of its finished runs, and how many runs.
std::vector<std::pair<std::string, std::pair<std::set<std::string>, std::int64_t>>> results_per_point(
    const FileSummary& file) {
  std::vector<std::pair<std::string, std::pair<std::set<std::string>, std::int64_t>>> out;
  for (const RunSummary& r : file.runs) {
    if (r.status != "ok") continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == r.point; });
    if (it == out.end()) it = out.insert(out.end(), {r.point, {{}, 0}});
    if (!r.result_hash.empty()) it->second.first.insert(r.result_hash);
    ++it->second.second;
  }
  return out;
}

const Value* attribute(const LaunchSummary& l, const std::string& name) {
  for (const auto& [k, v] : l.attributes)
    if (k == name) return &v;
  return nullptr;
}

std::string attr_text(const LaunchSummary& l, const std::string& name) {
  const Value* v = attribute(l, name);
  return v ? text_of(*v) : "";
}

}  // namespace

std::string format_table(const FileSummary& file) {
  std::ostringstream o;
  o << file.path << ": parbench schema " << file.schema_version << ", written by parbench " << file.parbench_version
    << " (" << file.git_commit << "), created " << file.created << ", " << file.runs.size() << " runs\n";
  char line[768];
  std::snprintf(line, sizeof line, "%6s %-28s %-16s %6s %5s %5s %7s %4s %-7s %12s  %s\n", "run", "workload", "strategy",
                "chunk", "ranks", "nodes", "threads", "rep", "status", "wall_s", "result");
  o << line;
  for (const RunSummary& r : file.runs) {
    std::string result;
    for (const auto& [name, v] : r.result) result += (result.empty() ? "" : " ") + name + "=" + text_of(v);
    std::snprintf(line, sizeof line, "%6lld %-28s %-16s %6lld %5lld %5s %7lld %3lld%s %-7s %12.6f  %s\n",
                  static_cast<long long>(r.run_id), r.label.substr(0, 28).c_str(), r.strategy.c_str(),
                  static_cast<long long>(r.chunk), static_cast<long long>(r.ranks),
                  r.nodes ? std::to_string(r.nodes).c_str() : "-", static_cast<long long>(r.threads),
                  static_cast<long long>(r.repetition), r.warmup ? "w" : " ", r.status.c_str(), r.wall_s,
                  result.c_str());
    o << line;
  }

  o << "\nresults per point (distinct result hashes of its finished runs; 1 = bitwise identical):\n";
  for (const auto& [point, seen] : results_per_point(file)) {
    const auto& [hashes, runs] = seen;
    if (hashes.empty())
      o << "  " << point << ": " << runs << " runs, no result hashes (schema 1 file)\n";
    else
      o << "  " << point << ": " << hashes.size() << " distinct result" << (hashes.size() == 1 ? "" : "s") << " over "
        << runs << " runs" << (hashes.size() == 1 ? "" : "  <-- NOT bitwise identical") << "\n";
  }

  if (!file.points.empty()) {
    o << "\nrepetitions (median wall time and its 95 % interval by order statistics):\n";
    for (const PointSummary& p : file.points) {
      const std::string nodes = p.nodes > 0 ? " nodes=" + std::to_string(p.nodes) : "";
      std::snprintf(line, sizeof line, "  %s ranks=%lld%s: %lld repetitions, stopped: %s, median %.6g s",
                    p.point.c_str(), static_cast<long long>(p.ranks), nodes.c_str(),
                    static_cast<long long>(p.repetitions), p.stop_reason.c_str(), p.median_s);
      o << line;
      if (p.ci_hi_s > 0) {
        std::snprintf(line, sizeof line, " [%.6g, %.6g] (±%.1f %%)", p.ci_lo_s, p.ci_hi_s,
                      50.0 * (p.ci_hi_s - p.ci_lo_s) / p.median_s);
        o << line;
      } else {
        o << " (too few repetitions for an interval)";
      }
      o << "\n";
    }
  }

  for (const LaunchSummary& l : file.launches) {
    o << "\nlaunch " << l.id << " (" << attr_text(l, "started") << ", " << attr_text(l, "world_size") << " ranks on "
      << attr_text(l, "nodes") << " node(s), order " << attr_text(l, "order") << ", repetitions "
      << attr_text(l, "repetitions") << "):\n"
      << "  cpu: " << attr_text(l, "cpu_model") << ", " << attr_text(l, "cores") << " cores, "
      << attr_text(l, "threads_per_core") << " thread(s) per core, " << attr_text(l, "logical_cpus")
      << " logical CPUs, governor " << attr_text(l, "governor") << "\n"
      << "  mpi: " << attr_text(l, "mpi_library") << "\n"
      << "  build: parbench " << attr_text(l, "parbench_version") << " (" << attr_text(l, "git_commit") << "), "
      << attr_text(l, "compiler") << ", flags " << attr_text(l, "build_flags") << "\n";
    if (const std::string job = attr_text(l, "slurm_job_id"); !job.empty())
      o << "  slurm: job " << job << ", nodes " << attr_text(l, "slurm_nodelist") << "\n";
    for (std::size_t r = 0; r < l.rank_node.size(); ++r)
      o << "  rank " << r << ": node " << l.rank_node_name[r] << " (" << l.rank_node[r] << "), host " << l.rank_host[r]
        << ", cpus " << l.rank_cpus[r] << "\n";
  }
  return o.str();
}

std::string format_json(const FileSummary& file) {
  nlohmann::json runs = nlohmann::json::array();
  for (const RunSummary& r : file.runs) {
    nlohmann::json params = nlohmann::json::object(), result = nlohmann::json::object();
    for (const auto& [k, v] : r.params) params[k] = json_of(v);
    for (const auto& [k, v] : r.result) result[k] = json_of(v);
    runs.push_back({{"run_id", r.run_id},
                    {"group", r.group},
                    {"launch", r.launch},
                    {"workload", r.workload},
                    {"label", r.label},
                    {"point", r.point},
                    {"strategy", r.strategy},
                    {"chunk", r.chunk},
                    {"ranks", r.ranks},
                    {"nodes", r.nodes},
                    {"ranks_per_node", r.ranks_per_node},
                    {"threads", r.threads},
                    {"repetition", r.repetition},
                    {"warmup", r.warmup},
                    {"tasks", r.tasks},
                    {"status", r.status},
                    {"verified", r.verified},
                    {"message", r.message},
                    {"wall_s", r.wall_s},
                    {"compute_max_s", r.compute_max_s},
                    {"imbalance", r.imbalance},
                    {"result_hash", r.result_hash},
                    {"start_time", r.start_time},
                    {"slurm_job_id", r.slurm_job_id},
                    {"params", params},
                    {"result", result}});
  }
  nlohmann::json distinct = nlohmann::json::object();
  for (const auto& [point, seen] : results_per_point(file))
    distinct[point] = {{"distinct_results", seen.first.size()}, {"runs", seen.second}};
  nlohmann::json points = nlohmann::json::array();
  for (const PointSummary& p : file.points)
    points.push_back({{"launch", p.launch},
                      {"point", p.point},
                      {"ranks", p.ranks},
                      {"nodes", p.nodes},
                      {"repetitions", p.repetitions},
                      {"stop_reason", p.stop_reason},
                      {"median_s", p.median_s},
                      {"ci_lo_s", p.ci_lo_s},
                      {"ci_hi_s", p.ci_hi_s}});
  nlohmann::json launches = nlohmann::json::array();
  for (const LaunchSummary& l : file.launches) {
    nlohmann::json attrs = nlohmann::json::object();
    for (const auto& [k, v] : l.attributes) attrs[k] = json_of(v);
    nlohmann::json ranks = nlohmann::json::array();
    for (std::size_t r = 0; r < l.rank_node.size(); ++r)
      ranks.push_back({{"node", l.rank_node[r]},
                       {"node_name", l.rank_node_name[r]},
                       {"host", l.rank_host[r]},
                       {"cpus", l.rank_cpus[r]}});
    attrs["ranks"] = ranks;
    launches.push_back(attrs);
  }
  nlohmann::json doc = {{"schema_version", file.schema_version},
                        {"parbench_version", file.parbench_version},
                        {"runs", runs},
                        {"results_per_point", distinct},
                        {"points", points},
                        {"launches", launches}};
  return doc.dump(2) + "\n";
}

}  // namespace parbench::output
