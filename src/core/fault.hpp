#pragma once
// Test-only fault injection. PARBENCH_FAULT="RANK:RUN:TASK" makes world rank RANK throw when it is about to compute
// task TASK of plan run RUN (both 0-based), so tests can check that a failing rank ends the job promptly with one
// message naming it, and that finished runs are kept. Unset in normal use; costs one comparison per task.
#include <cstdint>

namespace parbench {

// Reads the environment once (call after MPI is initialised, with the world rank).
void configure_fault(int world_rank);
// Sets the current plan run (called by the study runner).
void set_fault_run(std::int64_t run_index);
// Throws std::runtime_error when the fault is due.
void maybe_fault(std::int64_t task);

}  // namespace parbench
