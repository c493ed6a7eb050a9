#include "output/hdf5_reader.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.hpp"
#include "h5/h5.hpp"
#include "output/hdf5_writer.hpp"

namespace parbench::output {
namespace {

template <class T>
const std::vector<T>& column(const std::vector<std::pair<std::string, h5::Data>>& cols, const std::string& name) {
  for (const auto& [n, d] : cols)
    if (n == name) return std::get<std::vector<T>>(d.values);
  throw std::runtime_error("run table has no column " + name);
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

FileSummary read_summary(const std::string& path) {
  h5::silence_hdf5_errors();
  if (!std::filesystem::exists(path)) throw UserError(path, "", "no such file");
  check_parbench_file(path);
  FileSummary out;
  out.path = path;
  h5::Object f = h5::open_file(path, false);
  out.schema_version = std::get<std::int64_t>(h5::get_attr(f.id(), "schema_version"));
  out.parbench_version = std::get<std::string>(h5::get_attr(f.id(), "parbench_version"));
  out.git_commit = std::get<std::string>(h5::get_attr(f.id(), "git_commit"));
  out.created = std::get<std::string>(h5::get_attr(f.id(), "created"));
  if (!h5::exists(f.id(), "runs")) return out;
  h5::Object table = h5::open_group(f.id(), "runs");
  std::vector<std::pair<std::string, h5::Data>> cols;
  for (const std::string& name : h5::members(table.id())) cols.emplace_back(name, h5::read(table.id(), name));
  const auto& ids = column<std::int64_t>(cols, "run_id");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    RunSummary r;
    r.run_id = ids[i];
    r.group = column<std::string>(cols, "group")[i];
    r.workload = column<std::string>(cols, "workload")[i];
    r.label = column<std::string>(cols, "label")[i];
    r.point = column<std::string>(cols, "point")[i];
    r.strategy = column<std::string>(cols, "strategy")[i];
    r.status = column<std::string>(cols, "status")[i];
    r.chunk = column<std::int64_t>(cols, "chunk")[i];
    r.ranks = column<std::int64_t>(cols, "ranks")[i];
    r.threads = column<std::int64_t>(cols, "threads")[i];
    r.repetition = column<std::int64_t>(cols, "repetition")[i];
    r.tasks = column<std::int64_t>(cols, "tasks")[i];
    r.warmup = column<std::int64_t>(cols, "warmup")[i] != 0;
    r.verified = column<std::int64_t>(cols, "verified")[i] != 0;
    r.wall_s = column<double>(cols, "wall_s")[i];
    r.compute_max_s = column<double>(cols, "compute_max_s")[i];
    r.imbalance = column<double>(cols, "imbalance")[i];
    r.start_time = column<std::string>(cols, "start_time")[i];
    r.slurm_job_id = column<std::string>(cols, "slurm_job_id")[i];
    h5::Object g = h5::open_group(f.id(), r.group);
    r.message = std::get<std::string>(h5::get_attr(g.id(), "message"));
    h5::Object params = h5::open_group(g.id(), "params");
    for (const std::string& name : h5::attr_names(params.id()))
      r.params.emplace_back(name, value_of(h5::get_attr(params.id(), name)));
    h5::Object result = h5::open_group(g.id(), "result");
    for (const std::string& name : h5::members(result.id())) {
      h5::Data d = h5::read(result.id(), name);
      if (!d.shape.empty()) continue;  // arrays are for h5py; info shows scalars
      std::visit([&](const auto& v) { r.result.emplace_back(name, Value{v.at(0)}); }, d.values);
    }
    out.runs.push_back(std::move(r));
  }
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

std::string format_table(const FileSummary& file) {
  std::ostringstream o;
  o << file.path << ": parbench schema " << file.schema_version << ", written by parbench " << file.parbench_version
    << " (" << file.git_commit << "), created " << file.created << ", " << file.runs.size() << " runs\n";
  char line[512];
  std::snprintf(line, sizeof line, "%6s %-28s %-16s %6s %5s %7s %4s %-7s %12s  %s\n", "run", "workload", "strategy",
                "chunk", "ranks", "threads", "rep", "status", "wall_s", "result");
  o << line;
  for (const RunSummary& r : file.runs) {
    std::string result;
    for (const auto& [name, v] : r.result) result += (result.empty() ? "" : " ") + name + "=" + text_of(v);
    std::snprintf(line, sizeof line, "%6lld %-28s %-16s %6lld %5lld %7lld %3lld%s %-7s %12.6f  %s\n",
                  static_cast<long long>(r.run_id), r.label.substr(0, 28).c_str(), r.strategy.c_str(),
                  static_cast<long long>(r.chunk), static_cast<long long>(r.ranks), static_cast<long long>(r.threads),
                  static_cast<long long>(r.repetition), r.warmup ? "w" : " ", r.status.c_str(), r.wall_s,
                  result.c_str());
    o << line;
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
                    {"workload", r.workload},
                    {"label", r.label},
                    {"point", r.point},
                    {"strategy", r.strategy},
                    {"chunk", r.chunk},
                    {"ranks", r.ranks},
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
                    {"start_time", r.start_time},
                    {"slurm_job_id", r.slurm_job_id},
                    {"params", params},
                    {"result", result}});
  }
  nlohmann::json doc = {
      {"schema_version", file.schema_version}, {"parbench_version", file.parbench_version}, {"runs", runs}};
  return doc.dump(2) + "\n";
}

}  // namespace parbench::output
