#pragma once
// Errors in three tiers (README "Reliability"):
//  1. UserError: bad command line, config or input file. Caught once in main; rank 0 prints one line
//     "error: <file>: <key>: <what was expected>" and every rank exits with kExitUserError.
//  2. PARBENCH_CHECK: a broken invariant (a bug). Prints file, line and rank, then MPI_Abort.
//  3. A failure inside one run is not an exception: it is recorded in the run's status and message.
#include <sstream>
#include <stdexcept>
#include <string>

namespace parbench {

inline constexpr int kExitUserError = 2;
inline constexpr int kExitInterrupted = 3;  // stopped by SIGTERM/SIGUSR1; resume with --resume
inline constexpr int kExitRunFailure = 4;   // a rank failed during a run

class UserError : public std::runtime_error {
 public:
  // `where` is the file (or command-line option), `key` the config key or dataset ("" if none).
  UserError(const std::string& where, const std::string& key, const std::string& what)
      : std::runtime_error(where + (key.empty() ? "" : ": " + key) + ": " + what) {}
  explicit UserError(const std::string& what) : std::runtime_error(what) {}
};

// A rank failed (an exception escaped a run, or a thread died): prints "error: rank N (node NAME) failed: <what>"
// once, on this rank, and aborts the whole MPI job with kExitRunFailure so no rank waits forever. Safe before/after
// MPI.
[[noreturn]] void abort_job(const char* what);

// The node this rank runs on, for abort_job's message (set once the launch's nodes are known).
void set_node_name(const std::string& name);

namespace detail {
[[noreturn]] void check_failed(const char* file, int line, const char* cond, const std::string& msg);

// Collects the message of a failed check, then aborts when it goes out of scope.
class CheckMessage {
 public:
  CheckMessage(const char* file, int line, const char* cond) : file_(file), line_(line), cond_(cond) {}
  template <class T>
  CheckMessage& operator<<(const T& v) {
    out_ << v;
    return *this;
  }
  [[noreturn]] ~CheckMessage() noexcept(false) { check_failed(file_, line_, cond_, out_.str()); }

 private:
  const char* file_;
  int line_;
  const char* cond_;
  std::ostringstream out_;
};
}  // namespace detail

}  // namespace parbench

// PARBENCH_CHECK(n > 0) << "n was " << n;
#define PARBENCH_CHECK(cond) \
  if (cond) {                \
  } else                     \
    ::parbench::detail::CheckMessage(__FILE__, __LINE__, #cond)
