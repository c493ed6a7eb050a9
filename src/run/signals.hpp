#pragma once
// SIGTERM and SIGUSR1 (what SLURM sends before the time limit with --signal) ask the study to stop at the next task
// boundary: the current run is recorded as "partial" with its checkpoint and the program exits with
// kExitInterrupted (3). A second signal of the same kind falls back to the default action.
#include <atomic>

namespace parbench::run {

void install_stop_handlers();
const std::atomic<bool>& stop_flag();
int stop_signal();  // the signal that set the flag, or 0

}  // namespace parbench::run
