#pragma once
// How parbench's records are laid out in an HDF5 file (docs/hdf5-schema.md, version 2), shared by the writer and
// `merge`. Records are first *staged* — given their ids and group paths, and each dataset's content hash checked
// against what the file already stores — and then *applied* to an open file. Applying is deterministic, so the
// writer can apply the same staged records to both copies of its double-buffered file.
#include <hdf5.h>

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "output/record.hpp"
#include "output/run_table.hpp"

namespace parbench::output {

inline constexpr std::int64_t kSchemaVersion = 2;

// Throws UserError unless `path` is a parbench file; returns its schema version (1 or 2). `run` appends only to
// version 2; `info`, `report` and `merge` read both.
std::int64_t check_parbench_file(const std::string& path);

// Writes the root attributes of a new file.
void write_root_attributes(hid_t file);

// "0123abcd...": a stable hash of the study text, to recognise the same study on --resume.
std::string config_hash(const std::string& text);

// Datasets already stored in a file, by content hash: a dataset whose hash is here is stored as a hard link to the
// path given (the first copy), not again.
class ContentIndex {
 public:
  // Returns the path of the stored copy with this hash, or "" after recording `path` as its first copy.
  std::string claim(const std::string& hash, const std::string& path);
  // Reads the `content_hash` attributes of the datasets of an existing file.
  void load(hid_t file);

 private:
  std::map<std::string, std::string> first_;
};

struct StagedLaunch {
  LaunchRecord record;
  std::int64_t id = 0;
};

struct StagedRun {
  RunRecord record;
  RunPlace place;
  std::map<std::string, std::string> hashes;  // dataset path inside the run group → its content hash
  std::map<std::string, std::string> links;   // dataset path inside the run group → path of the stored copy
};

struct StagedPoint {
  PointRecord record;
  std::int64_t launch = 0;
};

using Staged = std::variant<StagedLaunch, StagedRun, StagedPoint>;

// Ids and dedup decisions for the records of one file.
class Stager {
 public:
  // Continues the numbering and the content index of an existing file (of this schema version).
  void load(hid_t file);
  StagedLaunch stage(LaunchRecord record);
  StagedRun stage(RunRecord record, std::int64_t launch);
  StagedPoint stage(PointRecord record, std::int64_t launch) { return {std::move(record), launch}; }

 private:
  std::int64_t next_run_ = 1, next_launch_ = 1;
  ContentIndex index_;
};

// "/run/000017", "/launch/000002": the group of a run or launch by its id.
std::string numbered(const char* folder, std::int64_t id);

// A run-table row as attributes of the run's group (booleans as int64 0/1, as in schema 1).
void set_row_attributes(hid_t group, const std::vector<std::pair<std::string, h5::Cell>>& row);

// Writes a staged record into an open file (of this schema version).
void apply(hid_t file, const Staged& entry);

// The columns of the points table `/points` (one row per point, rank count and node count whose repetitions
// ended).
const std::vector<std::string>& point_columns();

}  // namespace parbench::output
