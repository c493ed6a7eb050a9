#pragma once
// Writes a study to a parbench HDF5 file (docs/hdf5-schema.md): every finished run is published before the next
// starts, through a DurableFile, so a job killed at any moment leaves a file that opens and holds every run
// reported finished, and publishing a run costs what the run wrote. Identical datasets are stored once.
#include <memory>
#include <string>
#include <vector>

#include "output/durable_file.hpp"
#include "output/hdf5_layout.hpp"
#include "output/writer.hpp"

namespace parbench::output {

class Hdf5Writer final : public Writer {
 public:
  // check_only: check the destination and read what it holds (dry runs); never create anything.
  explicit Hdf5Writer(std::string path, bool check_only = false);

  // Refuses (UserError) a destination that exists but is not a parbench file of this schema version.
  void begin(const StudyInfo& info) override;
  void launch(const LaunchRecord& record) override;
  void write(const RunRecord& record) override;
  void point_done(const PointRecord& record) override;
  void finalize() override;

 private:
  void publish_pending();

  std::string path_;
  bool check_only_;
  std::unique_ptr<DurableFile> file_;
  Stager stager_;
  std::int64_t launch_ = 0;
  std::vector<Staged> pending_;
};

}  // namespace parbench::output
