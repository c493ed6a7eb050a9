#include "output/hdf5_layout.hpp"

#include <cstdio>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/version.hpp"
#include "h5/h5.hpp"
#include "output/content_hash.hpp"
#include "timing/clock.hpp"

namespace parbench::output {
namespace {

h5::AttrValue attr_of(const param::ParamValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return std::int64_t{*b ? 1 : 0};
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::get<std::vector<std::int64_t>>(v);
}

// Writes a dataset once: as a hard link to its stored copy when the run was staged with one, else as data marked
// with its content hash (so that later runs, and `merge`, can find it).
template <class Write>
void store(hid_t file, hid_t parent, const std::string& name, const std::string& key, const StagedRun& run,
           Write write) {
  if (const auto link = run.links.find(key); link != run.links.end()) {
    h5::link(file, link->second, parent, name);
    return;
  }
  write();
  h5::Object ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT));
  h5::set_attr(ds.id(), "content_hash", run.hashes.at(key));
}

void write_scalar(hid_t g, const std::string& name, const workloads::Scalar& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v))
    h5::write(g, name, std::vector<std::int64_t>{*i}, {});
  else if (const auto* d = std::get_if<double>(&v))
    h5::write(g, name, std::vector<double>{*d}, {});
  else
    h5::write(g, name, std::vector<std::string>{std::get<std::string>(v)}, {});
}

template <class T, class F>
std::vector<T> per_rank(const std::vector<RankRecord>& ranks, F f) {
  std::vector<T> out;
  for (const RankRecord& r : ranks) out.push_back(f(r));
  return out;
}

void apply_launch(hid_t file, const StagedLaunch& s) {
  const LaunchRecord& l = s.record;
  h5::Object group = h5::create_group(file, numbered("launch", s.id));
  const hid_t g = group.id();
  h5::set_attr(g, "launch", s.id);
  for (const auto& [name, value] :
       std::vector<std::pair<const char*, const std::string*>>{{"started", &l.started},
                                                               {"parbench_version", &l.parbench_version},
                                                               {"git_commit", &l.git_commit},
                                                               {"compiler", &l.compiler},
                                                               {"build_flags", &l.build_flags},
                                                               {"mpi_library", &l.mpi_library},
                                                               {"cpu_model", &l.cpu_model},
                                                               {"governor", &l.governor},
                                                               {"config_path", &l.config_path},
                                                               {"order", &l.order},
                                                               {"repetitions", &l.repetitions},
                                                               {"slurm_job_id", &l.slurm.job_id},
                                                               {"slurm_nodelist", &l.slurm.nodelist},
                                                               {"slurm_tasks_per_node", &l.slurm.tasks_per_node}})
    h5::set_attr(g, name, *value);
  h5::set_attr(g, "logical_cpus", l.logical_cpus);
  h5::set_attr(g, "cores", l.cores);
  h5::set_attr(g, "threads_per_core", l.threads_per_core);
  h5::set_attr(g, "seed", l.seed);
  h5::set_attr(g, "precision", l.precision);
  h5::set_attr(g, "time_budget_s", l.time_budget_s);
  h5::set_attr(g, "world_size", static_cast<std::int64_t>(l.ranks.size()));
  std::int64_t nodes = 0;
  for (const RankPlacement& r : l.ranks) nodes = std::max(nodes, r.node + 1);
  h5::set_attr(g, "nodes", nodes);
  h5::Object ranks = h5::create_group(g, "ranks");
  const auto n = static_cast<std::int64_t>(l.ranks.size());
  auto strings = [&](auto f) {
    std::vector<std::string> v;
    for (const RankPlacement& r : l.ranks) v.push_back(f(r));
    return v;
  };
  auto ints = [&](auto f) {
    std::vector<std::int64_t> v;
    for (const RankPlacement& r : l.ranks) v.push_back(f(r));
    return v;
  };
  h5::write(ranks.id(), "host", strings([](const RankPlacement& r) { return r.host; }), {n});
  h5::write(ranks.id(), "node_name", strings([](const RankPlacement& r) { return r.node_name; }), {n});
  h5::write(ranks.id(), "node", ints([](const RankPlacement& r) { return r.node; }), {n}, "node index");
  h5::write(ranks.id(), "cpus", strings([](const RankPlacement& r) { return r.cpus; }), {n});
  h5::write(ranks.id(), "cpu_count", ints([](const RankPlacement& r) { return r.cpu_count; }), {n}, "cpus");
}

void apply_run(hid_t file, const StagedRun& s) {
  const RunRecord& r = s.record;
  h5::Object group = h5::create_group(file, s.place.group);
  const hid_t g = group.id();
  const auto row = run_row(r, s.place);
  set_row_attributes(g, row);
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
  store(file, g, "config_toml", "config_toml", s,
        [&] { h5::write(g, "config_toml", std::vector<std::string>{r.config_text}, {}); });

  h5::Object ranks = h5::create_group(g, "ranks");
  const hid_t rk = ranks.id();
  const auto n = static_cast<std::int64_t>(r.ranks.size());
  const auto& rr = r.ranks;
  h5::write(rk, "host", per_rank<std::string>(rr, [](const RankRecord& x) { return x.host; }), {n});
  h5::write(rk, "node", per_rank<std::int64_t>(rr, [](const RankRecord& x) { return x.node; }), {n}, "node index");
  h5::write(rk, "node_name", per_rank<std::string>(rr, [](const RankRecord& x) { return x.node_name; }), {n});
  h5::write(rk, "core", per_rank<std::int64_t>(rr, [](const RankRecord& x) { return x.core; }), {n}, "cpu index");
  h5::write(rk, "tasks_done", per_rank<std::int64_t>(rr, [](const RankRecord& x) { return x.times.tasks_done; }), {n},
            "tasks");
  h5::write(rk, "distribute_s", per_rank<double>(rr, [](const RankRecord& x) { return x.times.distribute_s; }), {n},
            "s");
  h5::write(rk, "compute_s", per_rank<double>(rr, [](const RankRecord& x) { return x.times.compute_s; }), {n}, "s");
  h5::write(rk, "collect_s", per_rank<double>(rr, [](const RankRecord& x) { return x.times.collect_s; }), {n}, "s");
  h5::write(rk, "idle_s", per_rank<double>(rr, [](const RankRecord& x) { return x.times.idle_s; }), {n}, "s");

  h5::Object result = h5::create_group(g, "result");
  const hid_t res = result.id();
  // (Named loop variables, not structured bindings: clang 14, which builds the fuzzer, cannot capture those.)
  for (const auto& scalar : r.result.scalars)
    store(file, res, scalar.first, "result/" + scalar.first, s,
          [&] { write_scalar(res, scalar.first, scalar.second); });
  for (const auto& entry : r.result.arrays) {
    const workloads::Array& array = entry.second;
    store(file, res, entry.first, "result/" + entry.first, s,
          [&] { std::visit([&](const auto& data) { h5::write(res, entry.first, data, array.shape); }, array.data); });
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

std::vector<std::pair<std::string, h5::Cell>> point_row(const PointRecord& p, std::int64_t launch) {
  return {{"launch", launch},
          {"point", p.point},
          {"ranks", p.ranks},
          {"nodes", p.nodes},
          {"repetitions", p.repetitions},
          {"median_s", p.median_s},
          {"ci_lo_s", p.ci_lo_s},
          {"ci_hi_s", p.ci_hi_s},
          {"stop_reason", p.stop_reason}};
}

void apply_point(hid_t file, const StagedPoint& s) {
  h5::Object table = h5::require_group(file, "points");
  h5::append_row(table.id(), point_row(s.record, s.launch));
}

}  // namespace

std::string numbered(const char* folder, std::int64_t id) {
  char path[48];
  std::snprintf(path, sizeof path, "/%s/%06lld", folder, static_cast<long long>(id));
  return path;
}

void set_row_attributes(hid_t group, const std::vector<std::pair<std::string, h5::Cell>>& row) {
  for (const auto& [name, cell] : row) {
    if (const auto* i = std::get_if<std::int64_t>(&cell))
      h5::set_attr(group, name, *i);
    else if (const auto* d = std::get_if<double>(&cell))
      h5::set_attr(group, name, *d);
    else if (const auto* b = std::get_if<bool>(&cell))
      h5::set_attr(group, name, std::int64_t{*b ? 1 : 0});
    else
      h5::set_attr(group, name, std::get<std::string>(cell));
  }
}

std::string config_hash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64 bit (kept from schema 1: --resume compares it)
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::int64_t check_parbench_file(const std::string& path) {
  if (!h5::is_hdf5(path)) throw UserError(path, "", "not an HDF5 file; refusing to touch it");
  h5::Object f = h5::open_file(path, false);
  if (!h5::has_attr(f.id(), "schema") || h5::get_attr(f.id(), "schema") != h5::AttrValue{std::string("parbench")})
    throw UserError(path, "/", "not a parbench file (no root attribute schema = \"parbench\"); refusing to touch it");
  const h5::AttrValue v =
      h5::has_attr(f.id(), "schema_version") ? h5::get_attr(f.id(), "schema_version") : h5::AttrValue{std::int64_t{-1}};
  const auto* version = std::get_if<std::int64_t>(&v);
  if (!version || *version < 1 || *version > kSchemaVersion)
    throw UserError(path, "schema_version",
                    "must be 1 or " + std::to_string(kSchemaVersion) +
                        " (the schemas this parbench reads); refusing "
                        "to touch it");
  return *version;
}

void write_root_attributes(hid_t file) {
  h5::set_attr(file, "schema", std::string("parbench"));
  h5::set_attr(file, "schema_version", kSchemaVersion);
  h5::set_attr(file, "parbench_version", std::string(kVersion));
  h5::set_attr(file, "git_commit", std::string(kGitCommit));
  h5::set_attr(file, "created", timing::utc_iso8601());
}

std::string ContentIndex::claim(const std::string& hash, const std::string& path) {
  const auto [it, fresh] = first_.emplace(hash, path);
  return fresh ? std::string() : it->second;
}

void ContentIndex::load(hid_t file) {
  if (!h5::exists(file, "runs")) return;
  h5::Object runs = h5::open_group(file, "runs");
  const auto groups = std::get<std::vector<std::string>>(h5::read(runs.id(), "group").values);
  for (const std::string& group : groups) {
    h5::Object g = h5::open_group(file, group);
    std::vector<std::string> paths = {"config_toml"};
    if (h5::exists(g.id(), "result")) {
      h5::Object result = h5::open_group(g.id(), "result");
      for (const std::string& name : h5::members(result.id())) paths.push_back("result/" + name);
    }
    for (const std::string& path : paths) {
      if (!h5::exists(g.id(), path)) continue;
      h5::Object ds(H5Dopen2(g.id(), path.c_str(), H5P_DEFAULT));
      if (h5::has_attr(ds.id(), "content_hash"))
        claim(std::get<std::string>(h5::get_attr(ds.id(), "content_hash")), group + "/" + path);
    }
  }
}

void Stager::load(hid_t file) {
  if (h5::exists(file, "runs")) {
    h5::Object runs = h5::open_group(file, "runs");
    const auto ids = std::get<std::vector<std::int64_t>>(h5::read(runs.id(), "run_id").values);
    for (std::int64_t id : ids) next_run_ = std::max(next_run_, id + 1);
  }
  if (h5::exists(file, "launch")) {
    h5::Object launches = h5::open_group(file, "launch");
    next_launch_ += static_cast<std::int64_t>(h5::members(launches.id()).size());
  }
  index_.load(file);
}

StagedLaunch Stager::stage(LaunchRecord record) { return {std::move(record), next_launch_++}; }

StagedRun Stager::stage(RunRecord record, std::int64_t launch) {
  StagedRun s{std::move(record), {}, {}, {}};
  s.place.run_id = next_run_++;
  s.place.group = numbered("run", s.place.run_id);
  s.place.launch = launch;
  const RunRecord& r = s.record;
  auto claim = [&](const std::string& key, const std::string& hash) {
    s.hashes[key] = hash;
    const std::string stored = index_.claim(hash, s.place.group + "/" + key);
    if (!stored.empty()) s.links[key] = stored;
  };
  claim("config_toml", content_hash(r.config_text));
  for (const auto& [name, value] : r.result.scalars) claim("result/" + name, content_hash(value));
  for (const auto& [name, array] : r.result.arrays) claim("result/" + name, content_hash(array));
  return s;
}

void apply(hid_t file, const Staged& entry) {
  std::visit(
      [&](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, StagedLaunch>)
          apply_launch(file, s);
        else if constexpr (std::is_same_v<T, StagedRun>)
          apply_run(file, s);
        else
          apply_point(file, s);
      },
      entry);
}

const std::vector<std::string>& point_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> names;
    for (const auto& cell : point_row({}, 0)) names.push_back(cell.first);
    return names;
  }();
  return columns;
}

}  // namespace parbench::output
