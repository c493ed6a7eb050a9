#include "output/hdf5_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "core/version.hpp"
#include "h5/h5.hpp"
#include "timing/clock.hpp"

namespace parbench::output {
namespace {

namespace fs = std::filesystem;

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

h5::AttrValue attr_of(const param::ParamValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return std::int64_t{*b ? 1 : 0};
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::get<std::vector<std::int64_t>>(v);
}

// The run-table row of a record; the same names and values become the run group's attributes.
std::vector<std::pair<std::string, h5::Cell>> row_of(const RunRecord& r, std::int64_t run_id,
                                                     const std::string& group) {
  return {
      {"run_id", run_id},
      {"group", group},
      {"study", r.study},
      {"point", r.point},
      {"plan_index", r.spec.index},
      {"workload", r.workload},
      {"label", r.label},
      {"strategy", r.strategy},
      {"strategy_label", r.strategy_label},
      {"chunk", r.chunk},
      {"chunk_auto", std::int64_t{r.chunk_auto}},
      {"ranks", r.spec.ranks},
      {"threads", r.spec.threads},
      {"repetition", r.spec.repetition},
      {"warmup", std::int64_t{r.spec.warmup}},
      {"scaling", r.scaling},
      {"work_units", r.work_units},
      {"tasks", r.layout.tasks},
      {"wall_s", r.wall_s},
      {"compute_max_s", r.compute_max()},
      {"compute_mean_s", r.compute_mean()},
      {"distribute_s", r.distribute_max()},
      {"collect_s", r.collect_max()},
      {"reduce_s", r.reduce_s},
      {"overhead_s", r.overhead_s},
      {"write_s", r.write_s},
      {"imbalance", r.imbalance()},
      {"status", r.status},
      {"verified", std::int64_t{r.verification.ok}},
      {"start_time", r.start_time},
      {"slurm_job_id", r.slurm.job_id},
  };
}

void write_scalar(hid_t g, const std::string& name, const workloads::Scalar& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v))
    h5::write(g, name, std::vector<std::int64_t>{*i}, {});
  else if (const auto* d = std::get_if<double>(&v))
    h5::write(g, name, std::vector<double>{*d}, {});
  else
    h5::write(g, name, std::vector<std::string>{std::get<std::string>(v)}, {});
}

void write_run(hid_t file, const RunRecord& r, std::int64_t run_id, const std::string& group_path) {
  h5::Object group = h5::create_group(file, group_path);
  const hid_t g = group.id();
  const auto row = row_of(r, run_id, group_path);
  for (const auto& [name, cell] : row) {
    if (const auto* i = std::get_if<std::int64_t>(&cell))
      h5::set_attr(g, name, *i);
    else if (const auto* d = std::get_if<double>(&cell))
      h5::set_attr(g, name, *d);
    else
      h5::set_attr(g, name, std::get<std::string>(cell));
  }
  h5::set_attr(g, "message", r.message);
  h5::set_attr(g, "verify_detail", r.verification.detail);
  h5::set_attr(g, "hosts", r.hosts());
  h5::set_attr(g, "slurm_array_task_id", r.slurm.array_task_id);
  h5::set_attr(g, "slurm_nodelist", r.slurm.nodelist);
  h5::set_attr(g, "slurm_tasks_per_node", r.slurm.tasks_per_node);
  h5::set_attr(g, "config_path", r.config_path);
  h5::set_attr(g, "config_hash", config_hash(r.config_text));
  h5::set_attr(g, "items", r.layout.items);

  h5::Object params = h5::create_group(g, "params");
  for (const auto& [name, value] : r.params.items()) h5::set_attr(params.id(), name, attr_of(value));
  h5::Object sparams = h5::create_group(g, "strategy_params");
  for (const auto& [name, value] : r.strategy_params.items()) h5::set_attr(sparams.id(), name, attr_of(value));
  h5::write(g, "config_toml", std::vector<std::string>{r.config_text}, {});

  // Per-rank timings.
  h5::Object ranks = h5::create_group(g, "ranks");
  const auto n = static_cast<std::int64_t>(r.ranks.size());
  std::vector<std::string> host;
  std::vector<std::int64_t> core, tasks_done;
  std::vector<double> dist, comp, coll, idle;
  for (const RankRecord& rr : r.ranks) {
    host.push_back(rr.host);
    core.push_back(rr.core);
    tasks_done.push_back(rr.times.tasks_done);
    dist.push_back(rr.times.distribute_s);
    comp.push_back(rr.times.compute_s);
    coll.push_back(rr.times.collect_s);
    idle.push_back(rr.times.idle_s);
  }
  h5::write(ranks.id(), "host", host, {n});
  h5::write(ranks.id(), "core", core, {n}, "cpu index");
  h5::write(ranks.id(), "tasks_done", tasks_done, {n}, "tasks");
  h5::write(ranks.id(), "distribute_s", dist, {n}, "s");
  h5::write(ranks.id(), "compute_s", comp, {n}, "s");
  h5::write(ranks.id(), "collect_s", coll, {n}, "s");
  h5::write(ranks.id(), "idle_s", idle, {n}, "s");

  // Results.
  h5::Object result = h5::create_group(g, "result");
  for (const auto& [name, value] : r.result.scalars) write_scalar(result.id(), name, value);
  for (const auto& entry : r.result.arrays) {
    const workloads::Array& array = entry.second;
    std::visit([&](const auto& data) { h5::write(result.id(), entry.first, data, array.shape); }, array.data);
  }

  if (!r.trace.empty()) {
    h5::Object trace = h5::create_group(g, "trace");
    std::vector<std::int64_t> task, rank, thread;
    std::vector<double> start, end;
    for (const TraceRow& t : r.trace) {
      task.push_back(t.task);
      rank.push_back(t.rank);
      thread.push_back(t.thread);
      start.push_back(t.start_s);
      end.push_back(t.end_s);
    }
    const auto m = static_cast<std::int64_t>(r.trace.size());
    h5::write(trace.id(), "task", task, {m});
    h5::write(trace.id(), "rank", rank, {m});
    h5::write(trace.id(), "thread", thread, {m});
    h5::write(trace.id(), "start_s", start, {m}, "s");
    h5::write(trace.id(), "end_s", end, {m}, "s");
  }

  if (r.status == "partial") {
    // The checkpoint --resume reads back; words are stored as int64 bit patterns.
    h5::Object cp = h5::create_group(g, "checkpoint");
    const auto& c = r.checkpoint;
    std::vector<std::int8_t> done(c.done.begin(), c.done.end());
    h5::write(cp.id(), "done", done, {static_cast<std::int64_t>(done.size())});
    auto as_i64 = [](const std::vector<workloads::Word>& w) { return std::vector<std::int64_t>(w.begin(), w.end()); };
    h5::write(cp.id(), "item_out", as_i64(c.item_out), {static_cast<std::int64_t>(c.item_out.size())});
    h5::write(cp.id(), "task_out", as_i64(c.task_out), {static_cast<std::int64_t>(c.task_out.size())});
  }

  h5::Object table = h5::require_group(file, "runs");
  h5::append_row(table.id(), row);
}

}  // namespace

std::filesystem::path writing_path(const std::filesystem::path& target) {
  std::string name = ".";  // built step by step: GCC 12 warns (-Wrestrict, falsely) on "." + std::string
  name += target.filename().string();
  name += ".writing";
  return target.parent_path() / name;
}

std::string config_hash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64 bit
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void check_parbench_file(const std::string& path) {
  if (!h5::is_hdf5(path)) throw UserError(path, "", "not an HDF5 file; refusing to touch it");
  h5::Object f = h5::open_file(path, false);
  if (!h5::has_attr(f.id(), "schema") || h5::get_attr(f.id(), "schema") != h5::AttrValue{std::string("parbench")})
    throw UserError(path, "/", "not a parbench file (no root attribute schema = \"parbench\"); refusing to touch it");
  const h5::AttrValue v =
      h5::has_attr(f.id(), "schema_version") ? h5::get_attr(f.id(), "schema_version") : h5::AttrValue{std::int64_t{-1}};
  if (v != h5::AttrValue{kSchemaVersion})
    throw UserError(path, "schema_version",
                    "must be " + std::to_string(kSchemaVersion) + " (this parbench's schema); refusing to touch it");
}

void write_root_attributes(long long file_id) {
  const auto f = static_cast<hid_t>(file_id);
  h5::set_attr(f, "schema", std::string("parbench"));
  h5::set_attr(f, "schema_version", kSchemaVersion);
  h5::set_attr(f, "parbench_version", std::string(kVersion));
  h5::set_attr(f, "git_commit", std::string(kGitCommit));
  h5::set_attr(f, "created", timing::utc_iso8601());
}

void Hdf5Writer::begin(const StudyInfo&) {
  h5::silence_hdf5_errors();
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    if (read_only_) return;
    const fs::path dir = fs::path(path_).parent_path();
    if (!dir.empty() && !fs::is_directory(dir, ec)) fs::create_directories(dir, ec);
    if (!dir.empty() && !fs::is_directory(dir, ec)) throw UserError(path_, "", "cannot create its directory");
    return;
  }
  check_parbench_file(path_);
  h5::Object f = h5::open_file(path_, false);
  if (!h5::exists(f.id(), "runs")) return;
  h5::Object runs = h5::open_group(f.id(), "runs");
  const auto ids = std::get<std::vector<std::int64_t>>(h5::read(runs.id(), "run_id").values);
  for (std::int64_t id : ids) next_run_id_ = std::max(next_run_id_, id + 1);
  const auto groups = std::get<std::vector<std::string>>(h5::read(runs.id(), "group").values);
  const auto status = std::get<std::vector<std::string>>(h5::read(runs.id(), "status").values);
  const auto plan = std::get<std::vector<std::int64_t>>(h5::read(runs.id(), "plan_index").values);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    h5::Object g = h5::open_group(f.id(), groups[i]);
    stored_.push_back({plan[i], status[i], std::get<std::string>(h5::get_attr(g.id(), "config_hash")), groups[i]});
  }
}

void Hdf5Writer::write(const RunRecord& record) {
  const fs::path target(path_);
  const fs::path tmp = writing_path(target);
  std::error_code ec;
  if (fs::exists(target, ec)) {
    fs::copy_file(target, tmp, fs::copy_options::overwrite_existing);
  } else {
    fs::remove(tmp, ec);
    h5::Object f = h5::create_file(tmp.string());
    write_root_attributes(f.id());
  }
  {
    h5::Object f = h5::open_file(tmp.string(), true);
    char group[32];
    std::snprintf(group, sizeof group, "/run/%06lld", static_cast<long long>(next_run_id_));
    write_run(f.id(), record, next_run_id_, group);
    H5Fflush(f.id(), H5F_SCOPE_GLOBAL);
  }
  fsync_path(tmp.string(), false);
  fs::rename(tmp, target);
  fsync_path(target.parent_path().empty() ? "." : target.parent_path().string(), true);
  ++next_run_id_;
}

}  // namespace parbench::output
