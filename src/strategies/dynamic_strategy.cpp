// dynamic and guided — self-scheduling (one engine, two chunk rules). Ranks take chunks of tasks from a shared
// counter on rank 0 until none remain, like Pool.map with `chunksize`:
//   dynamic: fixed `chunk`, or "auto": rank 0 times a few tasks and the first requests it serves, and picks the
//            smallest chunk whose work is large against a request's cost (see choose_chunk), capped so the last
//            chunk cannot unbalance the run (tasks / (20 ranks));
//   guided:  shrinking chunks, ceil(remaining / (4 ranks)) but at least `min_chunk` (4 rather than OpenMP's 1
//            because every rank holds up to two chunks at once, see below).
// With several threads per rank a chunk is counted per thread, as OpenMP's is: a request takes chunk × threads tasks
// (guided chunks are rounded up to a multiple of threads), so that a chunk of 1 still keeps every thread busy.
// Rank 0 computes too, taking chunks from the same counter, and serves the other ranks between its own tasks: its
// main thread polls with MPI_Iprobe after every task (well under a microsecond when nothing is waiting). A separate
// dispatcher thread was tried first: on the same core its wake-ups made rank 0's own tasks up to 1.7× slower.
// Once rank 0 has no work left it keeps serving: it polls (yielding the core) for 50 µs after each message, then
// sleeps between polls, so it never busy-waits away a core.
// Each worker's first two chunks are known without asking: every rank replays the same counter (the first 2 × (ranks
// - 1) chunks go round-robin to the workers), so a run starts without a request round trip. From then on every
// result a worker returns is also its next request, and each worker holds one chunk in hand while it computes the
// other, so the next chunk is usually there when the current one is done.
#include <sched.h>
#include <sys/prctl.h>

#include <algorithm>
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/nonblocking.hpp>
#include <chrono>
#include <cmath>
#include <deque>
#include <optional>
#include <thread>

#include "core/error.hpp"
#include "strategies/execution.hpp"
#include "timing/clock.hpp"

namespace parbench::strategies {
namespace {

enum Tag : int { kAssign = 2, kInputs = 3, kResult = 4 };
constexpr int kDepth = 2;  // chunks each worker holds: one computing, one in hand or requested
// chunk = "auto": a chunk's work should be >= kCostFactor requests' cost (one on rank 0, one on the worker: about 1 %
// overhead), and rank 0 should spend at most 1 / kServeFactor of its time serving the other ranks.
constexpr double kCostFactor = 200;
constexpr double kServeFactor = 20;
constexpr double kProbeSeconds = 2e-4;       // rank 0's timing of its own first tasks
constexpr double kUnmeasuredRequest = 5e-6;  // request cost assumed when no request arrived while probing

// The task counter on rank 0, handing out contiguous ranges (only rank 0's main thread uses it).
class ChunkSource {
 public:
  // `chunk` per thread: a request takes chunk × threads tasks.
  ChunkSource(std::int64_t tasks, int ranks, int threads, bool guided, std::int64_t chunk)
      : tasks_(tasks), ranks_(ranks), threads_(threads), guided_(guided), chunk_(chunk * threads) {}
  void set_chunk(std::int64_t per_request) { chunk_ = round_up(per_request); }
  std::int64_t chunk() const { return chunk_; }
  int threads() const { return threads_; }

  TaskRange take(std::int64_t limit = 0) {
    if (stopped_) return {next_, next_};
    std::int64_t size = chunk_;
    if (guided_) size = std::max(chunk_, round_up((tasks_ - next_ + 4 * ranks_ - 1) / (4 * ranks_)));
    if (limit > 0) size = limit;
    const TaskRange r{next_, std::min(tasks_, next_ + size)};
    next_ = r.end;
    return r;
  }
  void stop() { stopped_ = true; }

 private:
  // The smallest positive multiple of threads_ not below n.
  std::int64_t round_up(std::int64_t n) const {
    return std::max<std::int64_t>(1, (n + threads_ - 1) / threads_) * threads_;
  }

  std::int64_t tasks_;
  int ranks_;
  int threads_;
  bool guided_;
  std::int64_t chunk_;
  std::int64_t next_ = 0;
  bool stopped_ = false;
};

// The chunks handed out before any request: round i gives worker r (1 ≤ r < ranks) the next chunk of the counter,
// for kDepth rounds. Every rank computes the same list from its own copy of the counter.
std::vector<std::vector<TaskRange>> preassign(ChunkSource& source, int ranks) {
  std::vector<std::vector<TaskRange>> given(static_cast<std::size_t>(ranks));
  for (int round = 0; round < kDepth; ++round)
    for (int r = 1; r < ranks; ++r) {
      const TaskRange range = source.take();
      if (range.begin < range.end) given[static_cast<std::size_t>(r)].push_back(range);
    }
  return given;
}

bool stop_requested(const RunContext& ctx) { return ctx.stop && ctx.stop->load(std::memory_order_relaxed); }

std::int64_t chunk_words(const workloads::Layout& l, TaskRange r) {
  return (l.item_begin(r.end) - l.item_begin(r.begin)) * l.item_words + (r.end - r.begin) * l.task_words;
}

// Rank 0's dispatcher: answers every request of the other ranks and files their results in task order.
class Dispatcher {
 public:
  Dispatcher(const RunContext& ctx, RunOutput& out, ChunkSource& source, RankTiming& times)
      : ctx_(ctx), out_(out), source_(source), times_(times), state_(static_cast<std::size_t>(ctx.comm.size())) {
    const double t = timing::now();
    const std::vector<std::vector<TaskRange>> given = preassign(source_, ctx.comm.size());
    for (std::size_t r = 1; r < given.size(); ++r)
      for (const TaskRange& range : given[r]) send_inputs(static_cast<int>(r), range, state_[r]);
    times_.distribute_s += timing::now() - t;
  }

  // Tasks rank 0 finished itself, for progress reports (the only ones at one rank, where nothing else reports).
  void add_root_done(std::int64_t n) {
    root_done_ += n;
    report_progress();
  }

  // Serves one waiting message, if any; returns whether there was one. Called by rank 0's main thread between its
  // own tasks (the only thread that makes MPI calls).
  bool poll() {
    auto status = ctx_.comm.iprobe(boost::mpi::any_source, kResult);
    if (!status) return false;
    if (!input_sends_.empty())
      input_sends_.erase(boost::mpi::test_some(input_sends_.begin(), input_sends_.end()), input_sends_.end());
    const int src = status->source();
    Worker& w = state_[static_cast<std::size_t>(src)];
    const double t = timing::now();
    buffer_.resize(static_cast<std::size_t>(*status->count<Word>()));
    ctx_.comm.recv(src, kResult, buffer_.data(), static_cast<int>(buffer_.size()));
    file_result(buffer_, w);
    const double filed = timing::now();
    times_.collect_s += filed - t;
    report_progress();
    const double replying = timing::now();
    reply(src, w);
    const double replied = timing::now();
    times_.distribute_s += replied - replying;
    if (service_s_.size() < kServiceSamples) service_s_.push_back((filed - t) + (replied - replying));
    return true;
  }

  // Serves every message already waiting (none at one rank).
  void serve_waiting() {
    if (ctx_.comm.size() > 1)
      while (poll()) {
      }
  }

  // Median rank-0 time to serve one request (receive and file a result, send the next chunk), from the first
  // requests of the run; 0 if none has been served yet.
  double request_cost() {
    if (service_s_.empty()) return 0;
    auto mid = service_s_.begin() + static_cast<std::ptrdiff_t>(service_s_.size() / 2);
    std::nth_element(service_s_.begin(), mid, service_s_.end());
    return *mid;
  }

  // After rank 0's own work: serves until every worker is done. For the first 50 µs after a message it polls,
  // yielding the core between polls (the last results of a run usually arrive within that, and a sleep costs tens
  // of µs of wake-up latency); after that it sleeps between polls, backing off from 5 µs to a quarter of the mean
  // time between messages, at most 500 µs, so waiting costs no core. Counts as idle time.
  void finish() {
    prctl(PR_SET_TIMERSLACK, 1000UL);  // sleep close to what we ask for (default slack is 50 µs)
    constexpr double kSpinSeconds = 50e-6;
    const double begin = timing::now();
    double pause = 5e-6, mean_gap = 5e-4, last = begin;
    while (!all_done()) {
      if (!poll()) {
        if (timing::now() - last < kSpinSeconds) {
          sched_yield();
          continue;
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(pause));
        pause = std::min({pause * 2, mean_gap / 4, 5e-4});
        continue;
      }
      const double arrived = timing::now();
      mean_gap = 0.8 * mean_gap + 0.2 * (arrived - last);
      last = arrived;
      pause = 5e-6;
    }
    const double t = timing::now();
    boost::mpi::wait_all(input_sends_.begin(), input_sends_.end());
    times_.distribute_s += timing::now() - t;
    times_.idle_s += t - begin;
  }

 private:
  struct Worker {
    std::int64_t assigned = 0;  // chunks handed out
    std::int64_t returned = 0;  // results received
    bool retired = false;       // stopped by a signal: gets no more work
  };

  void report_progress() {
    if (!ctx_.on_progress) return;
    const double t = timing::now();
    if (t - last_progress_ < 0.25) return;
    last_progress_ = t;
    ctx_.on_progress(workers_done_ + root_done_);
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
    if (r.begin < r.end) send_inputs(dest, r, w);
  }

  void send_inputs(int dest, TaskRange r, Worker& w) {
    ++w.assigned;
    const workloads::Layout& l = ctx_.layout;
    if (l.input_words > 0) {
      // Non-blocking: a large message waits for the worker to post its receive, which it does only after finishing
      // its current chunk; a blocking send would stall every other worker meanwhile. The rows stay valid (they are
      // rank 0's input array) until the sends complete at the end of the run.
      const double* first = ctx_.inputs->data() + l.item_begin(r.begin) * l.input_words;
      const auto n = static_cast<int>((l.item_begin(r.end) - l.item_begin(r.begin)) * l.input_words);
      input_sends_.push_back(ctx_.comm.isend(dest, kInputs, first, n));
    }
  }

  // Done when every chunk handed out came back.
  bool all_done() const {
    for (std::size_t r = 1; r < state_.size(); ++r)
      if (state_[r].returned < state_[r].assigned) return false;
    return true;
  }

  const RunContext& ctx_;
  RunOutput& out_;
  ChunkSource& source_;
  RankTiming& times_;
  std::vector<Worker> state_;
  std::vector<Word> buffer_;
  std::int64_t root_done_ = 0;
  std::int64_t workers_done_ = 0;
  double last_progress_ = 0;
  std::vector<boost::mpi::request> input_sends_;
  static constexpr std::size_t kServiceSamples = 64;
  std::vector<double> service_s_;  // the first requests' service times, for chunk = "auto"
};

void run_worker(const RunContext& ctx, RunOutput& out, RankTiming& times, ChunkSource& source) {
  const workloads::Layout& l = ctx.layout;
  const std::vector<TaskRange> given = preassign(source, ctx.comm.size())[static_cast<std::size_t>(ctx.comm.rank())];
  std::deque<TaskRange> in_hand(given.begin(), given.end());
  int outstanding = 0;  // requests (returned results) not answered yet
  bool retired = false;
  std::vector<double> inputs;
  // Results go out with isend from two alternating buffers: a large result is sent by rendezvous, which completes
  // only when rank 0's dispatcher wakes up to receive it; waiting for that here would idle this rank.
  std::vector<Word> buffers[2];
  int current = 0;
  std::optional<boost::mpi::request> in_flight;
  while (!in_hand.empty() || outstanding > 0) {
    double t;
    if (in_hand.empty()) {
      std::int64_t header[2];
      t = timing::now();
      ctx.comm.recv(0, kAssign, header, 2);
      times.idle_s += timing::now() - t;
      --outstanding;
      if (header[0] < header[1]) in_hand.push_back({header[0], header[1]});
      continue;
    }
    const TaskRange r = in_hand.front();
    in_hand.pop_front();
    if (l.input_words > 0) {
      t = timing::now();
      inputs.resize(static_cast<std::size_t>((l.item_begin(r.end) - l.item_begin(r.begin)) * l.input_words));
      ctx.comm.recv(0, kInputs, inputs.data(), static_cast<int>(inputs.size()));
      times.distribute_s += timing::now() - t;
    }
    std::vector<Word>& msg = buffers[current];
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
    if (in_flight) in_flight->wait();  // the other buffer's send, a whole chunk ago
    in_flight = ctx.comm.isend(0, kResult, msg.data(), static_cast<int>(msg.size()));
    times.collect_s += timing::now() - t;
    current ^= 1;
    ++outstanding;
  }
  const double t = timing::now();
  if (in_flight) in_flight->wait();
  times.collect_s += timing::now() - t;
}

class SelfScheduling final : public Strategy {
 public:
  SelfScheduling(bool guided, std::int64_t chunk) : guided_(guided), chunk_(chunk) {}

  void execute(const RunContext& ctx, RunOutput& out, RankTiming& times) const override {
    const workloads::Layout& l = ctx.layout;
    // With chunk = "auto" the preassigned chunks are one task per thread; rank 0 then times some to choose the chunk.
    ChunkSource source(l.tasks, ctx.comm.size(), ctx.team.size(), guided_, std::max<std::int64_t>(chunk_, 1));
    if (ctx.comm.rank() != 0) {
      run_worker(ctx, out, times, source);
      return;
    }
    allocate_outputs(l, out);
    Dispatcher dispatcher(ctx, out, source, times);
    // Between its own tasks, rank 0's main thread answers the other ranks.
    RunContext serving = ctx;
    if (ctx.comm.size() > 1) serving.between_tasks = [&dispatcher] { dispatcher.serve_waiting(); };
    if (!guided_ && chunk_ == config::kAutoChunk) choose_chunk(ctx, out, source, dispatcher, times);
    out.chunk = source.chunk() / source.threads();  // per thread, as configured
    for (;;) {
      if (serving.between_tasks) serving.between_tasks();  // waiting requests first: others must not idle
      const TaskRange r = source.take();
      if (r.begin == r.end) break;
      const std::int64_t done = compute_into(serving, out, r, times);
      dispatcher.add_root_done(done);
      if (done < r.end - r.begin) {
        source.stop();
        break;
      }
    }
    if (ctx.comm.size() > 1) dispatcher.finish();
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

  // chunk = "auto": rank 0 times its first tasks (they count as done) while serving the first requests, then picks
  // the smallest chunk worth kCostFactor requests' cost, and worth kServeFactor × (ranks - 1) of them, so that
  // serving many ranks cannot take more than a small share of rank 0; imbalance-bound above tasks / (20 ranks).
  // A request costs ~1 µs on one node's shared memory, more between nodes: the chunk follows the network.
  static void choose_chunk(const RunContext& ctx, RunOutput& out, ChunkSource& source, Dispatcher& dispatcher,
                           RankTiming& times) {
    const workloads::Layout& l = ctx.layout;
    const int ranks = ctx.comm.size();
    const double begin = timing::now();
    double computing = 0;
    std::int64_t probed = 0;
    const std::int64_t probe_cap = std::max<std::int64_t>(source.threads(), l.tasks / (10 * ranks));
    for (std::int64_t n = source.threads(); probed < probe_cap && timing::now() - begin < kProbeSeconds; n *= 2) {
      dispatcher.serve_waiting();  // between probes, not between tasks, so that the task cost is the compute alone
      const TaskRange r = source.take(std::min(n, probe_cap - probed));
      const double t = timing::now();
      const bool whole = r.begin < r.end && compute_into(ctx, out, r, times) == r.end - r.begin;
      computing += timing::now() - t;
      if (!whole) break;
      probed += r.end - r.begin;
    }
    dispatcher.serve_waiting();
    const double cost = computing / static_cast<double>(std::max<std::int64_t>(probed, 1));
    const double measured = dispatcher.request_cost();
    const double request = measured > 0 ? measured : kUnmeasuredRequest;
    const double work = request * std::max(kCostFactor, kServeFactor * (ranks - 1));
    const auto overhead_bound = static_cast<std::int64_t>(std::ceil(work / std::max(cost, 1e-9)));
    const std::int64_t balance_bound = l.tasks / (20 * ranks);
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
                             "tasks per thread per request; \"auto\" picks it from the measured cost of a task and "
                             "of a request",
                             config::kAutoChunk}},
          [](const config::Params& p) { return std::make_unique<SelfScheduling>(false, p.integer("chunk")); }};
}

StrategyEntry guided_entry() {
  return {"guided",
          "self-scheduling with shrinking chunks: ceil(remaining / (4 ranks)), at least `min_chunk`",
          {config::ParamSpec{"min_chunk", config::ParamType::kInteger, "smallest chunk, per thread", std::int64_t{1}, 1,
                             1e12}},
          [](const config::Params& p) { return std::make_unique<SelfScheduling>(true, p.integer("min_chunk")); }};
}

}  // namespace parbench::strategies
