#pragma once
// Writes runs to a parbench HDF5 file (docs/hdf5-schema.md) so that a job killed at any moment leaves a valid file
// holding every run reported finished: each run is written into a private copy of the file, which is closed,
// fsync'ed and renamed over the real one (rename is atomic on POSIX file systems). A kill therefore leaves either
// the previous version or the new one, never a half-written file. The copy costs one file copy per run (see
// write_s in the run table); files of thousands of runs stay small because results are small.
#include <filesystem>
#include <string>
#include <vector>

#include "output/writer.hpp"

namespace parbench::output {

// A run already in the file, as --resume needs it.
struct StoredRun {
  std::int64_t plan_index;
  std::string status;
  std::string config_hash;
  std::string group;
};

class Hdf5Writer final : public Writer {
 public:
  // read_only: only check the destination and read what it holds (dry runs); never create a directory.
  explicit Hdf5Writer(std::string path, bool read_only = false) : path_(std::move(path)), read_only_(read_only) {}

  // Refuses (UserError) a destination that exists but is not a parbench file of this schema version.
  void begin(const StudyInfo& info) override;
  void write(const RunRecord& record) override;
  void finalize() override {}

  // Runs stored in the existing file (empty when there is none). Valid after begin().
  const std::vector<StoredRun>& stored() const { return stored_; }

 private:
  std::string path_;
  bool read_only_;
  std::vector<StoredRun> stored_;
  std::int64_t next_run_id_ = 1;
};

inline constexpr std::int64_t kSchemaVersion = 1;

// Throws UserError unless `path` is a parbench file of kSchemaVersion (run, merge and info refuse other files).
void check_parbench_file(const std::string& path);

// Writes the root attributes of a new file.
void write_root_attributes(long long file_id);

// ".NAME.writing" beside `target`: where a new version of the file is built before it is renamed over `target`.
std::filesystem::path writing_path(const std::filesystem::path& target);

// "0123abcd...": a stable hash of the study text, to recognise the same study on --resume.
std::string config_hash(const std::string& text);

}  // namespace parbench::output
