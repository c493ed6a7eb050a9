#include "core/fault.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace parbench {
namespace {
bool g_armed = false;
long long g_run = -1, g_task = -1;
std::atomic<std::int64_t> g_current_run{-1};
}  // namespace

void configure_fault(int world_rank) {
  const char* spec = std::getenv("PARBENCH_FAULT");
  long long rank = -1;
  if (spec && std::sscanf(spec, "%lld:%lld:%lld", &rank, &g_run, &g_task) == 3) g_armed = rank == world_rank;
}

void set_fault_run(std::int64_t run_index) { g_current_run = run_index; }

void maybe_fault(std::int64_t task) {
  if (g_armed && g_current_run.load() == g_run && task == g_task)
    throw std::runtime_error("injected fault (PARBENCH_FAULT) at run " + std::to_string(g_run) + ", task " +
                             std::to_string(g_task));
}

}  // namespace parbench
