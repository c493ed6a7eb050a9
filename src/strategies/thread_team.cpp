#include "strategies/thread_team.hpp"

namespace parbench::strategies {

ThreadTeam::~ThreadTeam() { stop_workers(); }

void ThreadTeam::stop_workers() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  quit_ = false;
}

void ThreadTeam::resize(int threads) {
  if (threads == size()) return;
  stop_workers();
  // New workers wait for the next job, not one a team of another size ran before (no run is active here).
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i, seen = generation_] { worker_loop(i, seen); });
}

void ThreadTeam::run(const std::function<void(int)>& job) {
  if (workers_.empty()) {
    job(0);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    job_ = &job;
    running_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  start_cv_.notify_all();
  std::exception_ptr mine;
  try {
    job(0);
  } catch (...) {
    mine = std::current_exception();
  }
  std::unique_lock lock(mutex_);
  done_cv_.wait(lock, [this] { return running_ == 0; });
  job_ = nullptr;
  // A failure on any thread surfaces on the calling thread, where main() can report it.
  if (!mine) std::swap(mine, error_);
  error_ = nullptr;
  if (mine) std::rethrow_exception(mine);
}

void ThreadTeam::worker_loop(int index, std::uint64_t seen) {
  for (;;) {
    const std::function<void(int)>* job;
    {
      std::unique_lock lock(mutex_);
      start_cv_.wait(lock, [&] { return quit_ || generation_ != seen; });
      if (quit_) return;
      seen = generation_;
      job = job_;
    }
    std::exception_ptr error;
    try {
      (*job)(index);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      if (error && !error_) error_ = error;
      --running_;
    }
    done_cv_.notify_one();
  }
}

}  // namespace parbench::strategies
