// dynamic and guided — self-scheduling (one engine, two chunk rules). Ranks take chunks of tasks from a shared
// counter on rank 0 until none remain, like Pool.map with `chunksize`:
//   dynamic: fixed `chunk`, or "auto": rank 0 times a few tasks and picks the smallest chunk that keeps per-chunk
//            overhead near 1 ms of work, capped so the last chunk cannot unbalance the run (tasks / (20 ranks));
//   guided:  shrinking chunks, ceil(remaining / (4 ranks)) but at least `min_chunk` (4 rather than OpenMP's 1
//            because every rank holds up to two chunks at once, see below).
// Rank 0 computes too: its main thread takes chunks from the same counter, while a dispatcher thread serves the
// other ranks. The dispatcher polls with MPI_Iprobe and sleeps between polls (backing off to 500 µs), so it does
// not busy-wait away rank 0's core; it is the only thread making MPI calls meanwhile (MPI_THREAD_SERIALIZED).
// Workers keep two requests in flight, so the next chunk is usually there when the current one is done.
#include <sys/prctl.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "strategies/execution.hpp"
#include "timing/clock.hpp"

namespace parbench::strategies {
namespace {

enum Tag : int { kWant = 1, kAssign = 2, kInputs = 3, kResult = 4 };
constexpr int kDepth = 2;                   // requests each worker keeps in flight
constexpr double kTargetChunkSeconds = 1e-3;

// The shared task counter on rank 0, handing out contiguous ranges.
class ChunkSource {
 public:
  ChunkSource(std::int64_t tasks, int ranks, bool guided, std::int64_t chunk)
      : tasks_(tasks), ranks_(ranks), guided_(guided), chunk_(chunk) {}
  void set_chunk(std::int64_t chunk) { chunk_ = chunk; }
  std::int64_t chunk() const { return chunk_; }

  TaskRange take(std::int64_t limit = 0) {
    std::lock_guard lock(mutex_);
    if (stopped_) return {next_, next_};
    std::int64_t size = chunk_;
    if (guided_) size = std::max(chunk_, (tasks_ - next_ + 4 * ranks_ - 1) / (4 * ranks_));
    if (limit > 0) size = limit;
    const TaskRange r{next_, std::min(tasks_, next_ + size)};
    next_ = r.end;
    return r;
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }

 private:
  std::mutex mutex_;
  std::int64_t tasks_;
  int ranks_;
  bool guided_;
  std::int64_t chunk_;
  std::int64_t next_ = 0;
  bool stopped_ = false;
};

bool stop_requested(const RunContext& ctx) { return ctx.stop && ctx.stop->load(std::memory_order_relaxed); }

std::int64_t chunk_words(const workloads::Layout& l, TaskRange r) {
  return (l.item_begin(r.end) - l.item_begin(r.begin)) * l.item_words + (r.end - r.begin) * l.task_words;
}

// Rank 0's dispatcher: answers every request of the other ranks and files their results in task order.
class Dispatcher {
 public:
  Dispatcher(const RunContext& ctx, RunOutput& out, ChunkSource& source, RankTiming& times,
             const std::atomic<std::int64_t>& root_done)
      : ctx_(ctx),
        out_(out),
        source_(source),
        times_(times),
        root_done_(root_done),
        state_(static_cast<std::size_t>(ctx.comm.size())) {}

  void run() {
    prctl(PR_SET_TIMERSLACK, 1000UL);  // sleep close to what we ask for (default slack is 50 µs)
    std::chrono::microseconds pause{5};
    std::vector<Word> buffer;
    while (!all_done()) {
      auto status = ctx_.comm.iprobe(boost::mpi::any_source, boost::mpi::any_tag);
      if (!status) {
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds{500});
        continue;
      }
      pause = std::chrono::microseconds{5};
      const int src = status->source();
      Worker& w = state_[static_cast<std::size_t>(src)];
      double t = timing::now();
      if (status->tag() == kWant) {
        ctx_.comm.recv(src, kWant);
        ++w.initial_wants;
      } else {
        buffer.resize(static_cast<std::size_t>(*status->count<Word>()));
        ctx_.comm.recv(src, kResult, buffer.data(), static_cast<int>(buffer.size()));
        file_result(buffer, w);
      }
      times_.collect_s += timing::now() - t;
      report_progress();
      t = timing::now();
      reply(src, w);
      times_.distribute_s += timing::now() - t;
    }
  }

 private:
  struct Worker {
    int initial_wants = 0;
    std::int64_t assigned = 0;   // chunks handed out
    std::int64_t returned = 0;   // results received
    bool retired = false;        // stopped by a signal: gets no more work
  };

  void report_progress() {
    if (!ctx_.on_progress) return;
    const double t = timing::now();
    if (t - last_progress_ < 0.25) return;
    last_progress_ = t;
    ctx_.on_progress(workers_done_ + root_done_.load(std::memory_order_relaxed));
  }

  // Result message: begin, end (the tasks done, a prefix of the chunk), retired flag, then item rows, task rows.
  void file_result(const std::vector<Word>& msg, Worker& w) {
    ++w.returned;
    const TaskRange done{static_cast<std::int64_t>(msg[0]), static_cast<std::int64_t>(msg[1])};
    if (msg[2] != 0) w.retired = true;
    workers_done_ += done.end - done.begin;
    const workloads::Layout& l = ctx_.layout;
    const Word* items = msg.data() + 3;
    const Word* tasks = items + (l.item_begin(done.end) - l.item_begin(done.begin)) * l.item_words;
    unpack(l, {done}, items, tasks, out_);
  }

  void reply(int dest, Worker& w) {
    TaskRange r{0, 0};
    if (!w.retired && !stop_requested(ctx_)) r = source_.take();
    const std::int64_t header[2] = {r.begin, r.end};
    ctx_.comm.send(dest, kAssign, header, 2);
    if (r.begin == r.end) return;
    ++w.assigned;
    const workloads::Layout& l = ctx_.layout;
    if (l.input_words > 0) {
      const double* first = ctx_.inputs->data() + l.item_begin(r.begin) * l.input_words;
      const auto n = static_cast<int>((l.item_begin(r.end) - l.item_begin(r.begin)) * l.input_words);
      ctx_.comm.send(dest, kInputs, first, n);
    }
  }

  // Done when no worker can send anything more: every initial request arrived and every chunk came back.
  bool all_done() const {
    for (std::size_t r = 1; r < state_.size(); ++r) {
      const Worker& w = state_[r];
      if (w.initial_wants < kDepth || w.returned < w.assigned) return false;
    }
    return true;
  }

  const RunContext& ctx_;
  RunOutput& out_;
  ChunkSource& source_;
  RankTiming& times_;
  const std::atomic<std::int64_t>& root_done_;
  std::vector<Worker> state_;
  std::int64_t workers_done_ = 0;
  double last_progress_ = 0;
};

void run_worker(const RunContext& ctx, RunOutput& out, RankTiming& times) {
  const workloads::Layout& l = ctx.layout;
  for (int i = 0; i < kDepth; ++i) ctx.comm.send(0, kWant);
  int outstanding = kDepth;
  bool retired = false;
  std::vector<double> inputs;
  std::vector<Word> msg;
  while (outstanding > 0) {
    std::int64_t header[2];
    double t = timing::now();
    ctx.comm.recv(0, kAssign, header, 2);
    times.idle_s += timing::now() - t;
    --outstanding;
    const TaskRange r{header[0], header[1]};
    if (r.begin == r.end) continue;
    if (l.input_words > 0) {
      t = timing::now();
      inputs.resize(static_cast<std::size_t>((l.item_begin(r.end) - l.item_begin(r.begin)) * l.input_words));
      ctx.comm.recv(0, kInputs, inputs.data(), static_cast<int>(inputs.size()));
      times.distribute_s += timing::now() - t;
    }
    msg.assign(static_cast<std::size_t>(3 + chunk_words(l, r)), 0);
    std::int64_t done = 0;
    if (!retired) {
      Word* items = msg.data() + 3;
      Word* tasks = items + (l.item_begin(r.end) - l.item_begin(r.begin)) * l.item_words;
      done = compute_ranges(ctx, {r}, inputs.empty() ? nullptr : inputs.data(), items, tasks, times, out.trace);
      if (done < r.end - r.begin) retired = true;
    }
    // Only the finished prefix travels back; its task rows follow its item rows.
    const TaskRange finished{r.begin, r.begin + done};
    const std::int64_t item_words = (l.item_begin(finished.end) - l.item_begin(r.begin)) * l.item_words;
    const std::int64_t all_items = (l.item_begin(r.end) - l.item_begin(r.begin)) * l.item_words;
    std::copy_n(msg.begin() + 3 + all_items, done * l.task_words, msg.begin() + 3 + item_words);
    msg.resize(static_cast<std::size_t>(3 + item_words + done * l.task_words));
    msg[0] = static_cast<Word>(finished.begin);
    msg[1] = static_cast<Word>(finished.end);
    msg[2] = retired ? 1 : 0;
    t = timing::now();
    ctx.comm.send(0, kResult, msg.data(), static_cast<int>(msg.size()));
    times.collect_s += timing::now() - t;
    ++outstanding;
  }
}

class SelfScheduling final : public Strategy {
 public:
  SelfScheduling(bool guided, std::int64_t chunk) : guided_(guided), chunk_(chunk) {}

  void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const override {
    if (ctx.comm.rank() != 0) {
      run_worker(ctx, out, times);
      return;
    }
    const workloads::Layout& l = ctx.layout;
    allocate_outputs(l, out);
    ChunkSource source(l.tasks, ctx.comm.size(), guided_, std::max<std::int64_t>(chunk_, 1));
    if (!guided_ && chunk_ == config::kAutoChunk) choose_chunk(ctx, out, source, times);
    out.chunk = source.chunk();

    std::atomic<std::int64_t> root_done{0};
    std::thread dispatcher;
    if (ctx.comm.size() > 1)
      dispatcher = std::thread([&] { Dispatcher(ctx, out, source, times, root_done).run(); });
    for (;;) {
      const TaskRange r = source.take();
      if (r.begin == r.end) break;
      const std::int64_t done = compute_into(ctx, out, r, times);
      root_done += done;
      if (done < r.end - r.begin) {
        source.stop();
        break;
      }
    }
    const double t = timing::now();
    if (dispatcher.joinable()) dispatcher.join();
    times.idle_s += timing::now() - t;
  }

  std::int64_t configured_chunk() const override { return chunk_; }
  bool chunk_auto() const override { return !guided_ && chunk_ == config::kAutoChunk; }

 private:
  // Rank 0 computes a range straight into the whole-run arrays; returns the tasks finished.
  static std::int64_t compute_into(const RunContext& ctx, RunOutput& out, TaskRange r, RankTiming& times) {
    const workloads::Layout& l = ctx.layout;
    const double* inputs = l.input_words ? ctx.inputs->data() + l.item_begin(r.begin) * l.input_words : nullptr;
    const std::int64_t done =
        compute_ranges(ctx, {r}, inputs, out.item_out.data() + l.item_begin(r.begin) * l.item_words,
                       out.task_out.data() + r.begin * l.task_words, times, out.trace);
    std::fill_n(out.done.begin() + r.begin, done, std::uint8_t{1});
    return done;
  }

  // chunk = "auto": time real tasks on rank 0 (they count as done), then pick the chunk. Overhead-bound below
  // ~1 ms of work per chunk (a request costs tens of µs); imbalance-bound above tasks / (20 ranks).
  static void choose_chunk(const RunContext& ctx, RunOutput& out, ChunkSource& source, RankTiming& times) {
    const workloads::Layout& l = ctx.layout;
    const double begin = timing::now();
    std::int64_t probed = 0;
    const std::int64_t probe_cap = std::max<std::int64_t>(1, l.tasks / (10 * ctx.comm.size()));
    for (std::int64_t n = 1; probed < probe_cap && timing::now() - begin < 2e-4; n *= 2) {
      const TaskRange r = source.take(std::min(n, probe_cap - probed));
      if (r.begin == r.end || compute_into(ctx, out, r, times) < r.end - r.begin) break;
      probed += r.end - r.begin;
    }
    const double cost = (timing::now() - begin) / static_cast<double>(std::max<std::int64_t>(probed, 1));
    const auto overhead_bound = static_cast<std::int64_t>(std::ceil(kTargetChunkSeconds / std::max(cost, 1e-9)));
    const std::int64_t balance_bound = l.tasks / (20 * ctx.comm.size());
    source.set_chunk(std::max<std::int64_t>(1, std::min(overhead_bound, balance_bound)));
  }

  bool guided_;
  std::int64_t chunk_;
};

}  // namespace

StrategyEntry dynamic_entry() {
  return {"dynamic",
          "self-scheduling: ranks take `chunk` tasks at a time from rank 0 until none remain (Pool.map chunksize)",
          {config::ParamSpec{"chunk", config::ParamType::kChunk,
                             "tasks per request; \"auto\" picks it from measured task cost", config::kAutoChunk}},
          [](const config::Params& p) { return std::make_unique<SelfScheduling>(false, p.integer("chunk")); }};
}

StrategyEntry guided_entry() {
  return {"guided",
          "self-scheduling with shrinking chunks: ceil(remaining / (4 ranks)), at least `min_chunk`",
          {config::ParamSpec{"min_chunk", config::ParamType::kInteger, "smallest chunk", std::int64_t{1}, 1, 1e12}},
          [](const config::Params& p) { return std::make_unique<SelfScheduling>(true, p.integer("min_chunk")); }};
}

}  // namespace parbench::strategies
