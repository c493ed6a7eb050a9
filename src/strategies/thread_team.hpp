#pragma once
// A small team of persistent threads for one rank (threads per rank = the team's size). Workers sleep on a
// condition variable between jobs, so an idle team burns no core. Only the calling thread ever calls MPI.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace parbench::strategies {

class ThreadTeam {
 public:
  ThreadTeam() = default;
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  // Makes the team `threads` strong (the caller counts as thread 0). Not while run() is active.
  void resize(int threads);
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs job(thread_index) on every thread of the team, the caller as thread 0; returns when all have finished.
  // An exception thrown by any thread is rethrown here.
  void run(const std::function<void(int)>& job);

 private:
  void worker_loop(int index, std::uint64_t seen);  // `seen`: the last job generation this worker need not run
  void stop_workers();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int)>* job_ = nullptr;
  std::uint64_t generation_ = 0;
  int running_ = 0;
  bool quit_ = false;
  std::exception_ptr error_;
};

}  // namespace parbench::strategies
