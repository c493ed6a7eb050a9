#include "output/merge.hpp"

#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "h5/h5.hpp"
#include "output/hdf5_writer.hpp"

namespace parbench::output {

void merge(const std::vector<std::string>& inputs, const std::string& output) {
  h5::silence_hdf5_errors();
  namespace fs = std::filesystem;
  if (fs::exists(output)) throw UserError(output, "", "already exists; merge writes a new file");
  for (const std::string& in : inputs) {
    if (!fs::exists(in)) throw UserError(in, "", "no such file");
    check_parbench_file(in);
  }
  const fs::path target(output);
  const fs::path tmp = writing_path(target);
  {
    h5::Object out = h5::create_file(tmp.string());
    write_root_attributes(out.id());
    std::string sources;
    for (const std::string& in : inputs) sources += (sources.empty() ? "" : ", ") + in;
    h5::set_attr(out.id(), "merged_from", sources);
    h5::Object table = h5::create_group(out.id(), "runs");
    std::int64_t next_id = 1;
    for (const std::string& in : inputs) {
      h5::Object src = h5::open_file(in, false);
      if (!h5::exists(src.id(), "runs")) continue;
      h5::Object src_table = h5::open_group(src.id(), "runs");
      std::vector<std::pair<std::string, h5::Data>> cols;
      for (const std::string& name : h5::members(src_table.id()))
        cols.emplace_back(name, h5::read(src_table.id(), name));
      const std::size_t rows = cols.empty() ? 0 : cols.front().second.shape.at(0);
      for (std::size_t i = 0; i < rows; ++i) {
        char group[32];
        std::snprintf(group, sizeof group, "/run/%06lld", static_cast<long long>(next_id));
        std::vector<std::pair<std::string, h5::Cell>> row;
        std::string src_group;
        for (const auto& col : cols) {
          std::visit([&](const auto& v) { row.emplace_back(col.first, h5::Cell{v.at(i)}); }, col.second.values);
          if (col.first == "group") src_group = std::get<std::vector<std::string>>(col.second.values).at(i);
        }
        for (auto& [name, cell] : row) {
          if (name == "run_id") cell = next_id;
          if (name == "group") cell = std::string(group);
        }
        h5::copy(src.id(), src_group, out.id(), group);
        h5::Object g = h5::open_group(out.id(), group);
        h5::set_attr(g.id(), "run_id", next_id);
        h5::set_attr(g.id(), "group", std::string(group));
        h5::set_attr(g.id(), "merged_from", in + ":" + src_group);
        h5::append_row(table.id(), row);
        ++next_id;
      }
    }
  }
  fs::rename(tmp, target);
}

}  // namespace parbench::output
