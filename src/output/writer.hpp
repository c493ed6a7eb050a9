#pragma once
// Writers receive finished runs as plain data. Contract: called on rank 0 only, from the main thread;
// begin() once before the first run (it may refuse the destination by throwing UserError, before any work starts),
// write() once per finished run, in order, finalize() once at the end (also after an interruption).
#include <cstdint>

#include "config/study.hpp"
#include "output/record.hpp"

namespace parbench::output {

struct StudyInfo {
  const config::Study& study;
  std::int64_t planned_runs;  // runs this launch will do (resumed runs excluded)
  int world_size;
};

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void begin(const StudyInfo& info) = 0;
  virtual void write(const RunRecord& record) = 0;
  virtual void finalize() = 0;
};

}  // namespace parbench::output
