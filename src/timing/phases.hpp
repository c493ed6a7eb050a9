#pragma once
// One rank's phase times for one run, and the RAII timer that fills them. Plain data: strategies fill it, the
// runner gathers it, writers store it (no MPI here).
#include <cstdint>

#include "timing/clock.hpp"

namespace parbench::timing {

// One rank's measurements of one run (seconds, except tasks_done).
struct RankTiming {
  double distribute_s = 0;  // handing out work and inputs (sending on rank 0, receiving elsewhere)
  double compute_s = 0;     // computing tasks
  double collect_s = 0;     // returning task outputs
  double idle_s = 0;        // waiting for work or for other ranks
  std::int64_t tasks_done = 0;
};

// One computed task, for timelines (`trace = true`). Times are seconds since the run's start barrier.
struct TraceEvent {
  std::int64_t task;
  std::int64_t thread;
  double start_s;
  double end_s;
};

// Adds the time from construction to destruction (or to stop()) to `total`:
//   { ScopedPhase t(times.collect_s); send(...); }
class ScopedPhase {
 public:
  explicit ScopedPhase(double& total) : total_(&total), start_(now()) {}
  ~ScopedPhase() { stop(); }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;
  // Ends the phase early; returns its length.
  double stop() {
    if (!total_) return 0;
    const double length = now() - start_;
    *total_ += length;
    total_ = nullptr;
    return length;
  }

 private:
  double* total_;
  double start_;
};

}  // namespace parbench::timing
