#pragma once
// What produced a study's numbers, recorded once per launch (Hoefler & Belli's rule 9: report the setup): the
// machine (CPU model, cores, threads per core, frequency governor), the MPI library, the build, and every rank's
// node and CPU binding.
#include "config/study.hpp"
#include "output/record.hpp"
#include "run/placement.hpp"

namespace parbench::run {

// Rank 0: assembles the launch record from this machine (/proc, /sys), MPI_Get_library_version, the build and the
// placement gathered from every rank.
output::LaunchRecord launch_record(const config::Study& study, const LaunchPlacement& placement);

}  // namespace parbench::run
