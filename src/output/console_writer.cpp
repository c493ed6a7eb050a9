#include "output/console_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "timing/clock.hpp"

namespace parbench::output {
namespace {

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

namespace {
// Live line or one line per run. Under mpirun a rank's stderr is a pipe even when mpirun writes to a terminal, so
// launch scripts that know better say so: PARBENCH_PROGRESS=live (run.sh sets it when its stderr is a terminal),
// or =lines to force plain lines.
bool live_progress() {
  if (const char* mode = std::getenv("PARBENCH_PROGRESS")) return std::string(mode) == "live";
  return isatty(STDERR_FILENO) != 0;
}
}  // namespace

ConsoleWriter::ConsoleWriter(bool quiet) : quiet_(quiet), tty_(live_progress()) {}

void ConsoleWriter::begin(const StudyInfo& info) {
  total_ = info.planned_runs;
  start_ = timing::now();
  if (!quiet_)
    std::fprintf(stderr, "parbench: study \"%s\": %lld runs on %d ranks\n", info.study.name.c_str(),
                 static_cast<long long>(total_), info.world_size);
}

void ConsoleWriter::write(const RunRecord& r) {
  ++done_;
  if (r.status != "ok")
    failures_.push_back("plan run " + std::to_string(r.spec.index) + " (" + r.point +
                        ", ranks=" + std::to_string(r.spec.ranks) + "): " + r.status + ": " + r.message);
  if (!r.spec.warmup && r.status == "ok") {
    if (!walls_.count(r.point)) order_.push_back(r.point);
    walls_[r.point][r.spec.ranks].push_back(r.wall_s);
  }
  if (quiet_) return;
  const double elapsed = timing::now() - start_;
  const double eta = done_ > 0 ? elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_) : 0;
  char line[512];
  std::snprintf(line, sizeof line, "[%lld/%lld] %s ranks=%lld %s%lld: %.4g s %s | elapsed %s ETA %s",
                static_cast<long long>(done_), static_cast<long long>(total_), r.point.c_str(),
                static_cast<long long>(r.spec.ranks), r.spec.warmup ? "warmup " : "rep ",
                static_cast<long long>(r.spec.repetition), r.wall_s, r.status.c_str(), clock_text(elapsed).c_str(),
                clock_text(eta).c_str());
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line);
  } else {
    std::fprintf(stderr, "parbench: %s\n", line);
  }
  std::fflush(stderr);
}

void ConsoleWriter::run_started(const config::RunSpec& spec, const std::string& point, std::int64_t tasks) {
  current_point_ = point;
  current_ranks_ = spec.ranks;
  current_tasks_ = tasks;
  live(-1);  // the run's line appears as it starts; strategies that count tasks update it
}

void ConsoleWriter::run_progress(std::int64_t tasks_done) { live(tasks_done); }

void ConsoleWriter::point_done(const PointRecord& p) {
  if (p.stop_reason == "repetitions") return;  // a fixed count: nothing to say
  char line[512];
  std::snprintf(line, sizeof line, "%s ranks=%lld: %s after %lld repetitions, median %.6g s [%.6g, %.6g]",
                p.point.c_str(), static_cast<long long>(p.ranks), p.stop_reason.c_str(),
                static_cast<long long>(p.repetitions), p.median_s, p.ci_lo_s, p.ci_hi_s);
  stops_.push_back(line);
}

void ConsoleWriter::live(std::int64_t tasks_done) {
  const std::string& point = current_point_;
  const std::int64_t ranks = current_ranks_, tasks = current_tasks_;
  if (quiet_ || !tty_) return;
  const double elapsed = timing::now() - start_;
  // Runs done so far, counting the current one's finished share where the strategy reports it.
  const double runs = static_cast<double>(done_) +
                      (tasks_done > 0 && tasks > 0 ? static_cast<double>(tasks_done) / static_cast<double>(tasks) : 0);
  const std::string eta = runs > 0 ? clock_text(elapsed / runs * (static_cast<double>(total_) - runs)) : "--:--:--";
  const std::string state =
      tasks_done < 0 ? std::string("running") : "tasks " + std::to_string(tasks_done) + "/" + std::to_string(tasks);
  std::fprintf(stderr, "\r\033[K[%lld/%lld] %s ranks=%lld: %s | elapsed %s ETA %s", static_cast<long long>(done_ + 1),
               static_cast<long long>(total_), point.c_str(), static_cast<long long>(ranks), state.c_str(),
               clock_text(elapsed).c_str(), eta.c_str());
  std::fflush(stderr);
}

void ConsoleWriter::finalize() {
  if (tty_ && !quiet_ && done_ > 0) std::fprintf(stderr, "\n");
  if (walls_.empty()) return;
  // Median wall time per point and rank count, with speedup and efficiency against the smallest rank count.
  std::printf("%-60s %6s %12s %8s %8s\n", "point", "ranks", "median s", "speedup", "effic.");
  for (const std::string& point : order_) {
    const auto& by_ranks = walls_[point];
    const auto& [p0, w0] = *by_ranks.begin();
    const double t0 = median(w0);
    for (const auto& [p, w] : by_ranks) {
      const double s = t0 / median(w) * static_cast<double>(p0);
      std::printf("%-60s %6lld %12.6f %8.3f %8.3f\n", point.substr(0, 60).c_str(), static_cast<long long>(p), median(w),
                  s, s / static_cast<double>(p));
    }
  }
  for (const std::string& f : stops_) std::printf("stopped: %s\n", f.c_str());
  for (const std::string& f : failures_) std::printf("not ok: %s\n", f.c_str());
  std::fflush(stdout);
}

}  // namespace parbench::output
