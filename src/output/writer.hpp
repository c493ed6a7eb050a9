#pragma once
// Writers receive a study's records as plain data. Contract: called on rank 0 only, from the main thread, in this
// order: begin() once before any work (it may refuse the destination by throwing UserError), launch() once, then per
// run run_started(), any number of run_progress(), and write(); point_done() when a point's repetitions end;
// finalize() once at the end (also after an interruption). The study runner knows writers only through this.
#include <cstdint>
#include <memory>
#include <string>

#include "config/study.hpp"
#include "output/record.hpp"

namespace parbench::output {

struct StudyInfo {
  const config::Study& study;
  std::int64_t planned_runs;  // runs this launch will do at most (resumed runs excluded)
  int world_size;
};

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void begin(const StudyInfo& info) = 0;
  virtual void launch(const LaunchRecord& /*record*/) {}
  // A run starts: its point and ranks, and how many tasks it has.
  virtual void run_started(const config::RunSpec& /*spec*/, const std::string& /*point*/, std::int64_t /*tasks*/) {}
  // Tasks done so far in the current run, where the strategy reports them (a few times a second at most).
  virtual void run_progress(std::int64_t /*tasks_done*/) {}
  virtual void write(const RunRecord& record) = 0;
  virtual void point_done(const PointRecord& /*record*/) {}
  virtual void finalize() = 0;
};

struct WriterOptions {
  std::string path;      // the HDF5 file
  bool dry_run = false;  // check the destination only; write nothing
  bool quiet = false;    // no progress lines on the console
};

// Every writer of a study — the HDF5 file and the console — behind one Writer that hands each call to each of them.
// The only list of writers.
std::unique_ptr<Writer> make_writers(const WriterOptions& options);

}  // namespace parbench::output
