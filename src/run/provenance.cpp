#include "run/provenance.hpp"

#include <mpi.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "core/version.hpp"
#include "timing/clock.hpp"

namespace parbench::run {
namespace {

std::string first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
  }
  return "unknown";
}

// Physical cores: distinct (package, core) pairs of the online CPUs in sysfs; 0 where sysfs does not say.
std::int64_t physical_cores() {
  namespace fs = std::filesystem;
  std::set<std::pair<std::string, std::string>> cores;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/sys/devices/system/cpu", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("cpu", 0) != 0 || name.size() < 4 || name.find_first_not_of("0123456789", 3) != std::string::npos)
      continue;
    const fs::path topology = entry.path() / "topology";
    if (!fs::exists(topology / "core_id", ec)) continue;
    cores.emplace(first_line(topology / "physical_package_id"), first_line(topology / "core_id"));
  }
  return static_cast<std::int64_t>(cores.size());
}

std::string mpi_library() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  MPI_Get_library_version(version, &length);
  std::string text(version, static_cast<std::size_t>(std::max(length, 0)));
  const auto end = text.find_first_of("\n\r,");
  return text.substr(0, end);
}

}  // namespace

output::LaunchRecord launch_record(const config::Study& study, const LaunchPlacement& placement) {
  output::LaunchRecord l;
  l.started = timing::utc_iso8601();
  l.parbench_version = kVersion;
  l.git_commit = kGitCommit;
  l.compiler = kCompiler;
  l.build_flags = kBuildFlags;
  l.mpi_library = mpi_library();
  l.cpu_model = cpu_model();
  l.logical_cpus = sysconf(_SC_NPROCESSORS_ONLN);
  l.cores = physical_cores();
  l.threads_per_core = l.cores > 0 ? l.logical_cpus / l.cores : 0;
  l.governor = first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  if (l.governor.empty()) l.governor = "unknown";
  l.config_path = study.path;
  l.order = study.random_order ? "random" : "interleaved";
  l.seed = study.seed;
  l.repetitions = study.auto_repetitions() ? "auto" : "fixed";
  l.precision = study.auto_repetitions() ? study.precision : 0;
  l.time_budget_s = study.time_budget_s;
  l.slurm = output::slurm_from_environment();
  l.ranks = placement.ranks;
  return l;
}

}  // namespace parbench::run
