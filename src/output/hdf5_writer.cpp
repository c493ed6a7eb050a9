#include "output/hdf5_writer.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "h5/h5.hpp"

namespace parbench::output {
namespace {
namespace fs = std::filesystem;
}  // namespace

Hdf5Writer::Hdf5Writer(std::string path, bool check_only) : path_(std::move(path)), check_only_(check_only) {}

void Hdf5Writer::begin(const StudyInfo&) {
  h5::silence_hdf5_errors();
  std::error_code ec;
  if (fs::exists(path_, ec)) {
    if (check_parbench_file(path_) != kSchemaVersion)
      throw UserError(path_, "schema_version",
                      "is 1: this parbench appends to schema " + std::to_string(kSchemaVersion) +
                          " files only; write to a new file (`parbench merge` can join the two afterwards)");
    h5::Object f = h5::open_file(path_, false);
    stager_.load(f.id());
  } else if (!check_only_) {
    const fs::path dir = fs::path(path_).parent_path();
    if (!dir.empty() && !fs::is_directory(dir, ec)) fs::create_directories(dir, ec);
    if (!dir.empty() && !fs::is_directory(dir, ec)) throw UserError(path_, "", "cannot create its directory");
  }
  if (!check_only_) file_ = std::make_unique<DurableFile>(path_, [](hid_t f) { write_root_attributes(f); });
}

void Hdf5Writer::launch(const LaunchRecord& record) {
  StagedLaunch staged = stager_.stage(record);
  launch_ = staged.id;
  pending_.emplace_back(std::move(staged));
}

void Hdf5Writer::write(const RunRecord& record) {
  pending_.emplace_back(stager_.stage(record, launch_));
  publish_pending();
}

void Hdf5Writer::point_done(const PointRecord& record) { pending_.emplace_back(stager_.stage(record, launch_)); }

void Hdf5Writer::finalize() {
  if (!file_) return;
  if (!pending_.empty()) publish_pending();
  file_->close();
}

void Hdf5Writer::publish_pending() {
  // The update keeps its records: the spare copy gets the same update again at the next publish.
  auto entries = std::make_shared<const std::vector<Staged>>(std::move(pending_));
  pending_.clear();
  file_->publish([entries](hid_t f) {
    for (const Staged& e : *entries) apply(f, e);
  });
}

}  // namespace parbench::output
