// parbench: see README.md. Errors: a user error is reported once by rank 0 with exit code 2 (inside cli::main);
// anything else thrown on any rank is a failed run: that rank names itself and aborts the whole job, so nothing
// hangs waiting for it.
#include <exception>

#include "cli/cli.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  std::set_terminate([] {
    try {
      if (auto e = std::current_exception()) std::rethrow_exception(e);
      parbench::abort_job("terminated");
    } catch (const std::exception& e) {
      parbench::abort_job(e.what());
    } catch (...) {
      parbench::abort_job("unknown exception");
    }
  });
  try {
    return parbench::cli::main(argc, argv);
  } catch (const std::exception& e) {
    parbench::abort_job(e.what());
  }
}
