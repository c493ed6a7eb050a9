// The self-scheduling engine (dynamic, guided). Ranks take chunks of tasks from a counter on rank 0 until none
// remain. With several threads per rank a chunk counts per thread, as OpenMP's does: a request takes
// chunk × threads tasks, so that a chunk of 1 still keeps every thread busy.
// Rank 0 computes too, taking chunks from the same counter, and serves the other ranks between its own tasks: its
// main thread polls with MPI_Iprobe after every task (well under a microsecond when nothing is waiting). A separate
// dispatcher thread was tried first: on the same core its wake-ups made rank 0's own tasks up to 1.7× slower.
// Once rank 0 has no work left it keeps serving: it polls (yielding the core) for 50 µs after each message, then
// sleeps between polls, so it never busy-waits away a core.
// Each worker's first two chunks are known without asking: every rank replays the same counter (the first 2 × (ranks
// - 1) chunks go round-robin to the workers), so a run starts without a request round trip. From then on every
// result a worker returns (a PackedResults message) is also its next request, and each worker holds one chunk in
// hand while it computes the other, so the next chunk is usually there when the current one is done. Workers return
// chunks in the order they got them, so rank 0 knows which chunk a result answers without it travelling.
// The tail (no more tasks left than one chunk per rank) works differently, because a chunk held in hand there can
// leave another rank idle while it waits: (1) a worker still computing gets no new chunk, only "ask again" (its next
// result is the next request), so the last chunks go to ranks that would otherwise idle; (2) rank 0 takes its own
// next chunk before serving, so serving cannot leave it idle; (3) with few tasks (fewer than 4 chunks per rank) the
// first chunks are one per worker when 2 would exceed a fair share, and no rank takes more than an even share plus
// one chunk. Without these the tutorial's 4 primes on 2 ranks split 3 : 1 whenever the worker's core was faster.
#include "strategies/self_scheduling.hpp"

#include <sched.h>
#include <sys/prctl.h>

#include <algorithm>
#include <boost/mpi/nonblocking.hpp>
#include <chrono>
#include <cmath>
#include <deque>
#include <optional>
#include <thread>

#include "mpi/collectives.hpp"

namespace parbench::strategies {
namespace {

enum Tag : int { kAssign = 2, kInputs = 3, kResult = 4 };
constexpr int kDepth = 2;      // chunks each worker holds: one computing, one in hand or requested
constexpr int kFewChunks = 4;  // fewer chunks per rank than this: "few tasks", each rank capped near an even share
// chunk = "auto": a chunk's work should be >= kCostFactor requests' cost (one on rank 0, one on the worker: about 1 %
// overhead), and rank 0 should spend at most 1 / kServeFactor of its time serving the other ranks.
constexpr double kCostFactor = 200;
constexpr double kServeFactor = 20;
constexpr double kProbeSeconds = 2e-4;       // rank 0's timing of its own first tasks
constexpr double kUnmeasuredRequest = 5e-6;  // request cost assumed when no request arrived while probing

// The task counter on rank 0, handing out contiguous ranges and counting what each rank took (only rank 0's main
// thread uses it; every rank replays the first chunks).
class ChunkSource {
 public:
  ChunkSource(std::int64_t tasks, int ranks, int threads, const SelfScheduling& how)
      : tasks_(tasks),
        ranks_(ranks),
        threads_(threads),
        rule_(how.rule),
        chunk_(how.chunk),
        taken_(static_cast<std::size_t>(ranks), 0) {
    // With few tasks, no rank takes more than an even share plus one chunk. Otherwise which core is faster would
    // decide the split (and the tutorial's 4 primes on 2 ranks went 3 : 1); with many tasks self-scheduling follows
    // the ranks' speeds freely.
    const std::int64_t per_request = next_size();
    if (tasks < kFewChunks * ranks * per_request) cap_ = (tasks + ranks - 1) / ranks + per_request;
  }
  void set_chunk(std::int64_t per_thread) { chunk_ = per_thread; }
  std::int64_t chunk() const { return chunk_; }  // per thread
  int threads() const { return threads_; }

  // Tasks in the chunk take() would hand out next.
  std::int64_t next_size() const { return std::max<std::int64_t>(1, rule_(tasks_ - next_, ranks_, chunk_)) * threads_; }

  // The tail of the run: no more tasks left than one chunk per rank. Here the last chunks must go to ranks that would
  // otherwise idle, not wait in a busy rank's hand (see Dispatcher::reply).
  bool tail() const { return tasks_ - next_ <= ranks_ * next_size(); }

  // Every task handed out (or the run stopped).
  bool exhausted() const { return stopped_ || next_ == tasks_; }

  // The next chunk for `rank` by the rule, or exactly `size` tasks when given; empty once every task is out, after
  // stop(), or when the chunk would take the rank past its cap.
  TaskRange take(int rank, std::int64_t size = 0) {
    if (size <= 0) size = next_size();
    std::int64_t& taken = taken_[static_cast<std::size_t>(rank)];
    if (stopped_ || (cap_ > 0 && taken + size > cap_)) return {next_, next_};
    const TaskRange r{next_, std::min(tasks_, next_ + size)};
    next_ = r.end;
    taken += r.size();
    return r;
  }
  void stop() { stopped_ = true; }

 private:
  std::int64_t tasks_;
  int ranks_;
  int threads_;
  ChunkRule rule_;
  std::int64_t chunk_;
  std::int64_t next_ = 0;
  std::vector<std::int64_t> taken_;  // tasks each rank took
  std::int64_t cap_ = 0;             // most tasks one rank may take; 0: no cap
  bool stopped_ = false;
};

// The chunks handed out before any request: round i gives worker r (1 ≤ r < ranks) the next chunk of the counter,
// for kDepth rounds — one round only when tasks are few (fewer than kDepth chunks per rank), so that no worker starts
// with more than its share. Every rank computes the same list from its own copy of the counter.
std::vector<std::vector<TaskRange>> preassign(ChunkSource& source, int ranks, std::int64_t tasks) {
  std::vector<std::vector<TaskRange>> given(static_cast<std::size_t>(ranks));
  const int depth = tasks < kDepth * ranks * source.next_size() ? 1 : kDepth;
  for (int round = 0; round < depth; ++round)
    for (int r = 1; r < ranks; ++r) {
      const TaskRange range = source.take(r);
      if (range.size() > 0) given[static_cast<std::size_t>(r)].push_back(range);
    }
  return given;
}

// Rank 0's dispatcher: answers every request of the other ranks and files their results in task order.
class Dispatcher {
 public:
  Dispatcher(const RunContext& ctx, RunOutput& out, ChunkSource& source, RankTiming& times)
      : ctx_(ctx), out_(out), source_(source), times_(times), workers_(static_cast<std::size_t>(ctx.comm.size())) {
    timing::ScopedPhase distributing(times_.distribute_s);
    const std::vector<std::vector<TaskRange>> given = preassign(source_, ctx.comm.size(), ctx.layout.tasks);
    for (std::size_t r = 1; r < given.size(); ++r)
      for (const TaskRange& range : given[r]) hand_out(static_cast<int>(r), range);
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
    Worker& w = workers_[static_cast<std::size_t>(src)];
    const double begin = timing::now();
    {
      timing::ScopedPhase collecting(times_.collect_s);
      mpi::receive_probed(ctx_.comm, *status, buffer_);
      const Filed filed = file_results(ctx_.layout, {w.chunks.front()}, buffer_, out_.tasks);
      w.chunks.pop_front();
      w.retired = w.retired || filed.retired;
      workers_done_ += filed.done;
    }
    report_progress();
    {
      timing::ScopedPhase replying(times_.distribute_s);
      reply(src, w);
    }
    if (service_s_.size() < kServiceSamples) service_s_.push_back(timing::now() - begin);
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
    timing::ScopedPhase idling(times_.idle_s);
    double pause = 5e-6, mean_gap = 5e-4, last = timing::now();
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
    idling.stop();
    timing::ScopedPhase distributing(times_.distribute_s);
    boost::mpi::wait_all(input_sends_.begin(), input_sends_.end());
  }

 private:
  struct Worker {
    std::deque<TaskRange> chunks;  // handed out, result not back yet, in the order the worker computes them
    bool retired = false;          // stopped by a signal: gets no more work
  };

  void report_progress() {
    if (!ctx_.on_progress) return;
    const double t = timing::now();
    if (t - last_progress_ < 0.25) return;
    last_progress_ = t;
    ctx_.on_progress(workers_done_ + root_done_);
  }

  // Answers a request with the next chunk, or with an empty range: none left, or the tail rule. In the tail a
  // worker still computing a chunk (its queue is not empty) gets nothing now and asks again with that chunk's result,
  // so the last chunks go to ranks that would otherwise idle rather than wait in a busy rank's hand (prefetching
  // hides latency while many tasks remain; at the end it would only unbalance the run).
  void reply(int dest, Worker& w) {
    TaskRange r{0, 0};
    const bool busy = !w.chunks.empty();
    if (!w.retired && !ctx_.stop_requested() && !(busy && source_.tail())) r = source_.take(dest);
    const std::int64_t header[2] = {r.begin, r.end};
    ctx_.comm.send(dest, kAssign, header, 2);
    if (r.size() > 0) hand_out(dest, r);
  }

  // Records a chunk as the worker's and sends the input rows that must travel with it.
  void hand_out(int dest, TaskRange r) {
    workers_[static_cast<std::size_t>(dest)].chunks.push_back(r);
    const workloads::Layout& l = ctx_.layout;
    if (l.input_words > 0) {
      // Non-blocking: a large message waits for the worker to post its receive, which it does only after finishing
      // its current chunk; a blocking send would stall every other worker meanwhile. The rows stay valid (they are
      // rank 0's input array) until the sends complete at the end of the run.
      const double* first = ctx_.inputs->data() + l.item_begin(r.begin) * l.input_words;
      const std::int64_t n = (l.item_begin(r.end) - l.item_begin(r.begin)) * l.input_words;
      input_sends_.push_back(ctx_.comm.isend(dest, kInputs, first, mpi::count(n)));
    }
  }

  // Done when every task was handed out (or a stop was asked for) and every chunk came back.
  bool all_done() const {
    return (source_.exhausted() || ctx_.stop_requested()) &&
           std::all_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.chunks.empty(); });
  }

  const RunContext& ctx_;
  RunOutput& out_;
  ChunkSource& source_;
  RankTiming& times_;
  std::vector<Worker> workers_;
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
  const std::vector<TaskRange> given =
      preassign(source, ctx.comm.size(), l.tasks)[static_cast<std::size_t>(ctx.comm.rank())];
  std::deque<TaskRange> in_hand(given.begin(), given.end());
  int outstanding = 0;  // requests (returned results) not answered yet
  bool retired = false;
  std::vector<double> inputs;
  // Results go out with isend from two alternating buffers: a large result is sent by rendezvous, which completes
  // only when rank 0's dispatcher wakes up to receive it; waiting for that here would idle this rank.
  PackedResults results[2];
  int current = 0;
  std::optional<boost::mpi::request> in_flight;
  while (!in_hand.empty() || outstanding > 0) {
    if (in_hand.empty()) {
      std::int64_t header[2];
      {
        timing::ScopedPhase waiting(times.idle_s);
        ctx.comm.recv(0, kAssign, header, 2);
      }
      --outstanding;
      if (header[0] < header[1]) in_hand.push_back({header[0], header[1]});
      continue;
    }
    const TaskRange r = in_hand.front();
    in_hand.pop_front();
    if (l.input_words > 0) {
      timing::ScopedPhase receiving(times.distribute_s);
      inputs.resize(static_cast<std::size_t>((l.item_begin(r.end) - l.item_begin(r.begin)) * l.input_words));
      ctx.comm.recv(0, kInputs, inputs.data(), mpi::count(inputs));
    }
    PackedResults& packed = results[current];
    packed = PackedResults(l, {r});
    std::int64_t done = 0;
    if (!retired) {
      done = compute_ranges(ctx, packed.ranges(), inputs.empty() ? nullptr : inputs.data(), packed.item_rows(),
                            packed.task_rows(), times, out.trace);
      retired = done < r.size();
    }
    packed.seal(done, retired);
    timing::ScopedPhase sending(times.collect_s);
    if (in_flight) in_flight->wait();  // the other buffer's send, a whole chunk ago
    in_flight = ctx.comm.isend(0, kResult, packed.message().data(), mpi::count(packed.message()));
    current ^= 1;
    ++outstanding;
  }
  timing::ScopedPhase sending(times.collect_s);
  if (in_flight) in_flight->wait();
}

// Rank 0 computes a range straight into the whole-run arrays; returns the tasks finished.
std::int64_t compute_into(const RunContext& ctx, RunOutput& out, TaskRange r, RankTiming& times) {
  const workloads::Layout& l = ctx.layout;
  const double* inputs = l.input_words ? ctx.inputs->data() + l.item_begin(r.begin) * l.input_words : nullptr;
  const std::int64_t done =
      compute_ranges(ctx, {r}, inputs, out.tasks.item_out.data() + l.item_begin(r.begin) * l.item_words,
                     out.tasks.task_out.data() + r.begin * l.task_words, times, out.trace);
  std::fill_n(out.tasks.done.begin() + r.begin, done, std::uint8_t{1});
  return done;
}

// chunk = "auto": rank 0 times its first tasks (they count as done) while serving the first requests, then picks
// the smallest chunk worth kCostFactor requests' cost, and worth kServeFactor × (ranks - 1) of them, so that
// serving many ranks cannot take more than a small share of rank 0; imbalance-bound above tasks / (20 ranks).
// A request costs ~1 µs on one node's shared memory, more between nodes: the chunk follows the network.
void choose_chunk(const RunContext& ctx, RunOutput& out, ChunkSource& source, Dispatcher& dispatcher,
                  RankTiming& times) {
  const workloads::Layout& l = ctx.layout;
  const int ranks = ctx.comm.size();
  const double begin = timing::now();
  double computing = 0;
  std::int64_t probed = 0;
  const std::int64_t probe_cap = std::max<std::int64_t>(source.threads(), l.tasks / (10 * ranks));
  // At least one probe, even when rank 0 lost its core right after `begin` (oversubscribed runs).
  for (std::int64_t n = source.threads(); probed < probe_cap && (probed == 0 || timing::now() - begin < kProbeSeconds);
       n *= 2) {
    // Between probes, not between tasks, so that the task cost is the compute alone; not in the tail, where rank 0
    // takes its own work first.
    if (!source.tail()) dispatcher.serve_waiting();
    const TaskRange r = source.take(0, std::min(n, probe_cap - probed));
    const double t = timing::now();
    const bool whole = r.size() > 0 && compute_into(ctx, out, r, times) == r.size();
    computing += timing::now() - t;
    if (!whole) break;
    probed += r.size();
  }
  if (!source.tail()) dispatcher.serve_waiting();
  const double cost = computing / static_cast<double>(std::max<std::int64_t>(probed, 1));
  const double measured = dispatcher.request_cost();
  const double request = measured > 0 ? measured : kUnmeasuredRequest;
  const double work = request * std::max(kCostFactor, kServeFactor * (ranks - 1));
  const auto overhead_bound = static_cast<std::int64_t>(std::ceil(work / std::max(cost, 1e-9)));
  const std::int64_t balance_bound = l.tasks / (20 * ranks);
  const std::int64_t per_request = std::max<std::int64_t>(1, std::min(overhead_bound, balance_bound));
  source.set_chunk((per_request + source.threads() - 1) / source.threads());
}

}  // namespace

void execute_self_scheduled(const RunContext& ctx, RunOutput& out, RankTiming& times, const SelfScheduling& how) {
  const workloads::Layout& l = ctx.layout;
  ChunkSource source(l.tasks, ctx.comm.size(), ctx.team.size(), how);
  out.chunk_auto = how.auto_chunk;
  if (ctx.comm.rank() != 0) {
    run_worker(ctx, out, times, source);
    return;
  }
  out.tasks.allocate(l);
  Dispatcher dispatcher(ctx, out, source, times);
  RunContext serving = ctx;
  // Between its own tasks, rank 0's main thread answers the other ranks — except after the last task of its chunk in
  // the tail, where it takes its next chunk before serving (the loop below): serving first could hand out the last
  // tasks and leave rank 0 idle while the others still compute theirs.
  if (ctx.comm.size() > 1)
    serving.between_tasks = [&dispatcher, &source](bool last) {
      if (!(last && source.tail())) dispatcher.serve_waiting();
    };
  if (how.auto_chunk) choose_chunk(ctx, out, source, dispatcher, times);
  out.chunk = source.chunk();
  for (;;) {
    // Waiting requests first, so that the others never idle — but in the tail rank 0 takes its own chunk first and
    // serves after: idle workers then get what is left, busy ones are told to ask again (Dispatcher::reply).
    const bool tail = source.tail();
    if (!tail) dispatcher.serve_waiting();
    const TaskRange r = source.take(0);  // empty also when rank 0 has its share: the workers take the rest
    if (tail) dispatcher.serve_waiting();
    if (r.size() == 0) break;
    const std::int64_t done = compute_into(serving, out, r, times);
    dispatcher.add_root_done(done);
    if (done < r.size()) {
      source.stop();
      break;
    }
  }
  if (ctx.comm.size() > 1) dispatcher.finish();
}

}  // namespace parbench::strategies
