#pragma once

namespace parbench::cli {

// The whole command line: list, run, info, merge, report. Returns the process exit code. MPI is initialised only
// for `run`; the other commands are plain serial programs.
int main(int argc, char** argv);

}  // namespace parbench::cli
