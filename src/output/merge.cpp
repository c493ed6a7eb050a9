#include "output/merge.hpp"

#include <cstdio>
#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "h5/h5.hpp"
#include "output/durable_file.hpp"
#include "output/hdf5_layout.hpp"
#include "output/run_table.hpp"

namespace parbench::output {
namespace {

namespace fs = std::filesystem;

// The cell of row i of a column read from a source file, as the output column's type wants it.
h5::Cell cell_of(const h5::Data& data, std::size_t i, ColumnType type) {
  return std::visit(
      [&](const auto& values) -> h5::Cell {
        using T = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          if (type == ColumnType::kInt8) return values.at(i) != 0;
          return values.at(i);
        } else {
          return values.at(i);
        }
      },
      data.values);
}

void copy_attributes(hid_t from, hid_t to) {
  for (const std::string& name : h5::attr_names(from)) h5::set_attr(to, name, h5::get_attr(from, name));
}

// Copies one dataset of a run, stored once: a dataset with a content hash already in the output becomes a hard
// link to it (files of schema version 1 carry no hashes and are copied whole).
void copy_dataset(hid_t src, const std::string& from, hid_t out, const std::string& to, ContentIndex& index) {
  std::string hash;
  {
    h5::Object ds(H5Dopen2(src, from.c_str(), H5P_DEFAULT));
    if (h5::has_attr(ds.id(), "content_hash")) hash = std::get<std::string>(h5::get_attr(ds.id(), "content_hash"));
  }
  const std::string stored = hash.empty() ? std::string() : index.claim(hash, to);
  const fs::path target(to);
  if (!stored.empty()) {
    h5::Object parent = h5::open_group(out, target.parent_path().string());
    h5::link(out, stored, parent.id(), target.filename().string());
  } else {
    h5::copy(src, from, out, to);
  }
}

void copy_run(hid_t src, const std::string& from, hid_t out, const std::string& to, ContentIndex& index) {
  h5::Object source = h5::open_group(src, from);
  h5::Object group = h5::create_group(out, to);
  copy_attributes(source.id(), group.id());
  for (const std::string& member : h5::members(source.id())) {
    if (member == "result") {
      h5::Object result = h5::open_group(source.id(), member);
      h5::Object copy = h5::create_group(group.id(), member);
      for (const std::string& name : h5::members(result.id()))
        copy_dataset(src, from + "/result/" + name, out, to + "/result/" + name, index);
    } else if (member == "config_toml") {
      copy_dataset(src, from + "/" + member, out, to + "/" + member, index);
    } else {
      h5::copy(src, from + "/" + member, out, to + "/" + member);
    }
  }
}

// A launch id of the source file as the output numbers it (0, unknown, for runs of schema-1 files).
h5::Cell renumbered(const std::map<std::int64_t, std::int64_t>& launch_ids, const h5::Cell& old) {
  const auto it = launch_ids.find(std::get<std::int64_t>(old));
  return it == launch_ids.end() ? std::int64_t{0} : it->second;
}

}  // namespace

void merge(const std::vector<std::string>& inputs, const std::string& output) {
  h5::silence_hdf5_errors();
  if (fs::exists(output)) throw UserError(output, "", "already exists; merge writes a new file");
  for (const std::string& in : inputs) {
    if (!fs::exists(in)) throw UserError(in, "", "no such file");
    check_parbench_file(in);
  }
  // Built in one update of a DurableFile: the output appears complete, atomically, or not at all.
  DurableFile file(output, [](hid_t f) { write_root_attributes(f); });
  file.publish([&](hid_t out) {
    std::string sources;
    for (const std::string& in : inputs) sources += (sources.empty() ? "" : ", ") + in;
    h5::set_attr(out, "merged_from", sources);
    h5::Object table = h5::create_group(out, "runs");
    ContentIndex index;
    std::int64_t next_run = 1, next_launch = 1;
    for (const std::string& in : inputs) {
      h5::Object src = h5::open_file(in, false);
      // Launches get new ids; runs and points follow them.
      std::map<std::int64_t, std::int64_t> launch_ids;
      if (h5::exists(src.id(), "launch")) {
        h5::Object launches = h5::open_group(src.id(), "launch");
        for (const std::string& member : h5::members(launches.id())) {
          h5::Object g = h5::open_group(launches.id(), member);
          const auto old_id = std::get<std::int64_t>(h5::get_attr(g.id(), "launch"));
          const std::string path = numbered("launch", next_launch);
          h5::copy(src.id(), "/launch/" + member, out, path);
          h5::Object copy = h5::open_group(out, path);
          h5::set_attr(copy.id(), "launch", next_launch);
          h5::set_attr(copy.id(), "merged_from", in + ":/launch/" + member);
          launch_ids[old_id] = next_launch++;
        }
      }
      if (!h5::exists(src.id(), "runs")) continue;
      h5::Object src_table = h5::open_group(src.id(), "runs");
      std::map<std::string, h5::Data> cols;
      for (const std::string& c : h5::members(src_table.id())) cols.emplace(c, h5::read(src_table.id(), c));
      const auto& groups = std::get<std::vector<std::string>>(cols.at("group").values);
      for (std::size_t i = 0; i < groups.size(); ++i) {
        const std::string group = numbered("run", next_run);
        std::vector<std::pair<std::string, h5::Cell>> row;
        for (const Column& c : run_columns()) {
          const auto col = cols.find(c.name);
          row.emplace_back(c.name, col == cols.end() ? default_cell(c) : cell_of(col->second, i, c.type));
        }
        for (auto& [column, cell] : row) {
          if (column == "run_id") cell = next_run;
          if (column == "group") cell = group;
          if (column == "launch") cell = renumbered(launch_ids, cell);
        }
        copy_run(src.id(), groups[i], out, group, index);
        h5::Object g = h5::open_group(out, group);
        set_row_attributes(g.id(), row);
        h5::set_attr(g.id(), "merged_from", in + ":" + groups[i]);
        h5::append_row(table.id(), row);
        ++next_run;
      }
      if (h5::exists(src.id(), "points")) {
        h5::Object points = h5::open_group(src.id(), "points");
        std::map<std::string, h5::Data> pcols;
        for (const std::string& c : h5::members(points.id())) pcols.emplace(c, h5::read(points.id(), c));
        const std::size_t rows = std::get<std::vector<std::string>>(pcols.at("point").values).size();
        h5::Object out_points = h5::require_group(out, "points");
        for (std::size_t i = 0; i < rows; ++i) {
          std::vector<std::pair<std::string, h5::Cell>> row;
          for (const std::string& c : point_columns()) {
            h5::Cell cell = cell_of(pcols.at(c), i, ColumnType::kInt64);
            if (c == "launch") cell = renumbered(launch_ids, cell);
            row.emplace_back(c, cell);
          }
          h5::append_row(out_points.id(), row);
        }
      }
    }
  });
  file.close();
}

}  // namespace parbench::output
