#pragma once
// One monotonic clock for every phase timer: safe to call from any thread (unlike MPI calls under
// MPI_THREAD_SERIALIZED), nanosecond resolution, seconds as double.
#include <string>

namespace parbench::timing {

double now();

// Current UTC time as ISO 8601 ("2026-11-22T01:53:34Z").
std::string utc_iso8601();

// The CPU this thread runs on now (sched_getcpu), or -1 where unknown.
int current_cpu();

// This host's name.
std::string host_name();

// How many CPUs this process may run on (its binding, e.g. mpirun --bind-to core gives 1), or -1 where unknown.
int allowed_cpus();

}  // namespace parbench::timing
