#pragma once
// Progress and a closing summary on the terminal (rank 0 only). On a TTY a live line on stderr is rewritten in
// place; in batch logs (not a TTY) one plain line per finished run. `quiet` silences progress, not the summary.
#include <map>
#include <string>
#include <vector>

#include "output/writer.hpp"

namespace parbench::output {

class ConsoleWriter final : public Writer {
 public:
  explicit ConsoleWriter(bool quiet);
  void begin(const StudyInfo& info) override;
  void run_started(const config::RunSpec& spec, const std::string& point, std::int64_t tasks) override;
  void run_progress(std::int64_t tasks_done) override;
  void write(const RunRecord& record) override;
  void point_done(const PointRecord& record) override;
  void finalize() override;

 private:
  // On a terminal only: rewrites the live line with the tasks done so far in the current run (-1: not known yet).
  void live(std::int64_t tasks_done);

  bool quiet_, tty_;
  std::int64_t total_ = 0, done_ = 0;
  double start_ = 0;
  // point → ranks → counted wall times, for the summary table.
  std::map<std::string, std::map<std::int64_t, std::vector<double>>> walls_;
  std::vector<std::string> order_;
  std::vector<std::string> failures_;
  std::vector<std::string> stops_;  // auto repetitions: why each point stopped
  std::string current_point_;
  std::int64_t current_ranks_ = 0, current_tasks_ = 0;
};

}  // namespace parbench::output
