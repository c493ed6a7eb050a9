#include "cli/cli.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "config/study.hpp"
#include "core/error.hpp"
#include "core/version.hpp"
#include "output/hdf5_reader.hpp"
#include "output/merge.hpp"
#include "run/study_runner.hpp"
#include "strategies/registry.hpp"
#include "workloads/registry.hpp"

#ifndef PARBENCH_SOURCE_DIR
#define PARBENCH_SOURCE_DIR "."
#endif

namespace parbench::cli {
namespace {

// The rank this process will have, known before MPI_Init from the launcher's environment: only rank 0 prints
// command-line errors, so a typo under `mpirun -np 24` gives one line, not 24.
int launch_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* v = std::getenv(name)) return std::atoi(v);
  }
  return 0;
}

void print_list() {
  std::printf("Workloads (config: [[workload]] kind = \"...\"):\n");
  for (const workloads::WorkloadEntry& w : workloads::registry()) {
    std::printf("\n  %s — %s\n", w.name.c_str(), w.description.c_str());
    for (const param::ParamSpec& p : w.params) std::printf("      %s\n", param::describe(p).c_str());
    std::printf(
        "      label (string, optional): name of this entry in results (default: kind and changed parameters)\n");
  }
  std::printf("\nStrategies (config: [[strategy]] kind = \"...\"):\n");
  for (const strategies::StrategyEntry& s : strategies::registry()) {
    std::printf("\n  %s — %s\n", s.name.c_str(), s.description.c_str());
    for (const param::ParamSpec& p : s.params) std::printf("      %s\n", param::describe(p).c_str());
  }
  std::printf("\nStudy (config: [study]):\n");
  for (const param::ParamSpec& p : config::study_params()) std::printf("      %s\n", param::describe(p).c_str());
}

// analysis/NAME: $PARBENCH_ANALYSIS_DIR, else next to the build directory holding this executable, else the source
// tree it was built from.
std::string analysis_script(const std::string& name) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* dir = std::getenv("PARBENCH_ANALYSIS_DIR")) candidates.emplace_back(dir);
  std::error_code ec;
  const fs::path exe = fs::canonical("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / "analysis");
  candidates.emplace_back(std::string(PARBENCH_SOURCE_DIR) + "/analysis");
  for (const fs::path& dir : candidates)
    if (fs::exists(dir / name, ec)) return (dir / name).string();
  throw UserError(name, "", "cannot find analysis/" + name + "; set PARBENCH_ANALYSIS_DIR to the analysis directory");
}

// Runs analysis/NAME with `args` under $PARBENCH_PYTHON, else Debian's /usr/bin/python3 (which has h5py); returns
// its exit code.
int run_analysis(const std::string& name, const std::vector<std::string>& args) {
  const char* python = std::getenv("PARBENCH_PYTHON");
  std::vector<std::string> argv_strings = {python ? python : "/usr/bin/python3", analysis_script(name)};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "error: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(kExitUserError);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parbench — parallel scaling studies of classic workloads over MPI, written to HDF5"};
  app.set_version_flag("--version", std::string("parbench ") + kVersion + " (" + kGitCommit + ")");
  app.require_subcommand(1);

  app.add_subcommand("list", "every workload and strategy with its parameters, types and defaults");

  auto* run = app.add_subcommand("run", "run a study (under mpirun or srun; rank 0 writes the HDF5 file)");
  run::RunOptions run_options;
  run_options.output = "results/parbench.h5";
  run->add_option("config", run_options.config_path, "study config (TOML)")->required();
  run->add_option("-o,--output", run_options.output, "HDF5 file to append the runs to")->capture_default_str();
  run->add_flag("--resume", run_options.resume,
                "skip runs of this config already in the output file; continue an interrupted run");
  run->add_flag("-q,--quiet", run_options.quiet, "no progress lines");
  run->add_flag("--dry-run", run_options.dry_run,
                "check the config, inputs and output file, print the plan, run nothing");
  run->add_option("--ranks", run_options.ranks, "rank counts to sweep instead of [study] ranks, e.g. --ranks 1,2,24")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);

  auto* info = app.add_subcommand("info", "what runs a file holds, with their results and wall times");
  std::string info_file, format = "table";
  info->add_option("file", info_file, "parbench HDF5 file")->required();
  info->add_option("--format", format, "table or json")->check(CLI::IsMember({"table", "json"}))->capture_default_str();

  auto* merge = app.add_subcommand("merge", "join result files of separate jobs into one, without loss");
  std::vector<std::string> merge_inputs;
  std::string merge_output;
  merge->add_option("files", merge_inputs, "parbench HDF5 files")->required();
  merge->add_option("-o,--output", merge_output, "new merged file")->required();

  auto* report = app.add_subcommand("report", "speedup, efficiency and Amdahl plots (runs analysis/report.py)");
  std::vector<std::string> report_inputs;
  std::string report_dir = "results/report";
  report->add_option("files", report_inputs, "parbench HDF5 files")->required();
  report->add_option("-o,--output", report_dir, "directory for PNGs and summary")->capture_default_str();

  auto* exporter =
      app.add_subcommand("export", "the study's timings in Extra-P's input format (runs analysis/export.py)");
  std::vector<std::string> export_inputs;
  std::string export_format = "extrap", export_output;
  exporter->add_option("files", export_inputs, "parbench HDF5 files")->required();
  exporter->add_option("--format", export_format, "extrap (text) or extrap-jsonl")
      ->check(CLI::IsMember({"extrap", "extrap-jsonl"}))
      ->capture_default_str();
  exporter->add_option("-o,--output", export_output, "file to write")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (launch_rank() == 0) std::fprintf(stderr, "error: command line: %s\n", e.what());
    return kExitUserError;
  }

  try {
    if (app.got_subcommand("list")) {
      print_list();
      return 0;
    }
    if (app.got_subcommand("info")) {
      const output::FileSummary file = output::read_summary(info_file);
      std::cout << (format == "json" ? output::format_json(file) : output::format_table(file));
      return 0;
    }
    if (app.got_subcommand("merge")) {
      output::merge(merge_inputs, merge_output);
      std::printf("merged %zu files into %s\n", merge_inputs.size(), merge_output.c_str());
      return 0;
    }
    if (app.got_subcommand("report")) {
      std::vector<std::string> args = report_inputs;
      args.insert(args.end(), {"-o", report_dir});
      return run_analysis("report.py", args);
    }
    if (app.got_subcommand("export")) {
      std::vector<std::string> args = export_inputs;
      args.insert(args.end(), {"--format", export_format, "-o", export_output});
      return run_analysis("export.py", args);
    }
    return run::run_study(argc, argv, run_options);
  } catch (const UserError& e) {
    if (launch_rank() == 0) std::fprintf(stderr, "error: %s\n", e.what());
    return kExitUserError;
  }
}

}  // namespace parbench::cli
