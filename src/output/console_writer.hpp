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
  void write(const RunRecord& record) override;
  void finalize() override;
  // On a terminal only: rewrites the live line with the tasks done so far in the current run (-1: not known yet).
  void live(const std::string& point, std::int64_t ranks, std::int64_t tasks_done, std::int64_t tasks);

 private:
  bool quiet_, tty_;
  std::int64_t total_ = 0, done_ = 0;
  double start_ = 0;
  // point → ranks → counted wall times, for the summary table.
  std::map<std::string, std::map<std::int64_t, std::vector<double>>> walls_;
  std::vector<std::string> order_;
  std::vector<std::string> failures_;
};

}  // namespace parbench::output
