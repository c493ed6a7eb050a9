#pragma once
// A workload is what is computed. It defines a fixed list of tasks (independent of the rank count), how to compute
// one task, how to reduce the task outputs in task order, and how to check the reduced result against an
// independent reference. Workloads never see MPI or HDF5: strategies move the buffers, writers store the Result.
//
// Data layout (the same on every rank, so strategies can move plain arrays of uint64 without serialization):
//   * the work is `items` natural units (elements, subintervals, darts jobs, fits, N values, integers),
//     cut into `tasks` contiguous item ranges (Layout::item_begin);
//   * every item may produce `item_words` 64-bit words of output (per-fit parameters, one prime per N, ...);
//   * every task produces `task_words` words (partial sums, hit counts, ...);
//   * items may carry `input_words` doubles of input that must travel (user spectra); generated inputs do not.
// Floating outputs are stored in the words with std::bit_cast, so every result moves bit for bit.
#include <bit>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "param/param.hpp"

namespace parbench::workloads {

using Word = std::uint64_t;
inline Word to_word(double v) { return std::bit_cast<Word>(v); }
inline double from_word(Word w) { return std::bit_cast<double>(w); }

struct Layout {
  std::int64_t items = 0;
  std::int64_t tasks = 0;
  std::int64_t item_words = 0;
  std::int64_t task_words = 0;
  std::int64_t input_words = 0;  // doubles per item that travel with the task; 0 when generated from the id

  // Tasks cover contiguous, balanced item ranges: task t holds items [item_begin(t), item_begin(t+1)).
  // floor(items * task / tasks) without overflow (tasks <= 1e9, so (items % tasks) * task fits in 64 bits).
  std::int64_t item_begin(std::int64_t task) const { return (items / tasks) * task + (items % tasks) * task / tasks; }
  std::int64_t item_count(std::int64_t task) const { return item_begin(task + 1) - item_begin(task); }
};

// One task's buffers. `inputs` points at the task's input rows (null when input_words == 0);
// `item_out` at its item rows (item_count × item_words); `task_out` at its task row (task_words).
struct TaskView {
  std::int64_t task;
  std::int64_t item_begin;
  std::int64_t item_end;
  const double* inputs;
  Word* item_out;
  Word* task_out;
};

// A reduced result: named scalars and arrays, as written to HDF5 (`result/<name>`) and shown by `info`.
using Scalar = std::variant<std::int64_t, double, std::string>;
struct Array {
  std::vector<std::int64_t> shape;  // e.g. {fits, 3}
  std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::int8_t>> data;
};
struct Result {
  std::vector<std::pair<std::string, Scalar>> scalars;
  std::vector<std::pair<std::string, Array>> arrays;
  std::string note;  // e.g. "3 of 1000 fits failed"; the run stays "ok" (tier-3 failures are counted, not fatal)
};

// Task outputs as whole-run arrays in task order (rank 0): item rows, task rows, and which tasks are done. A run
// that was stopped keeps the done tasks as its checkpoint; resuming copies them rather than recomputing them, and
// since outputs are deterministic the final result is the same bits.
struct TaskOutputs {
  std::vector<Word> item_out;
  std::vector<Word> task_out;
  std::vector<std::uint8_t> done;

  // Sized for every task of `layout`, none done.
  void allocate(const Layout& layout) {
    item_out.assign(static_cast<std::size_t>(layout.items * layout.item_words), 0);
    task_out.assign(static_cast<std::size_t>(layout.tasks * layout.task_words), 0);
    done.assign(static_cast<std::size_t>(layout.tasks), 0);
  }
  bool complete() const {
    for (std::uint8_t d : done)
      if (!d) return false;
    return true;
  }
};

struct Verification {
  bool ok = false;
  std::string detail;  // what the result was compared with, and how close it was
};

// Inputs that come from a user's file. Rank 0 loads them (load_inputs); the shape and `shared` data are broadcast
// to every rank (attach_inputs); `rows` (items × input_words) stay on rank 0 and travel with the tasks.
struct ExternalInputs {
  std::int64_t items = 0;
  std::int64_t input_words = 0;
  std::vector<double> shared;  // needed by every task (e.g. the x grid of the spectra)
  // rank 0 only; shared, not copied, by the workload instances that need them (gauss_fit's verify())
  std::shared_ptr<const std::vector<double>> rows;
};

class Workload {
 public:
  virtual ~Workload() = default;

  // Shape of the work. Same on every rank once inputs are attached.
  virtual Layout layout() const = 0;

  // Amount of work in the workload's natural unit (elements × iterations, darts, fits, ...), for weak scaling.
  virtual std::int64_t work_units() const = 0;

  // Computes one task. Called on any rank, from any thread, concurrently for different tasks; must be
  // deterministic: the same task gives the same bits wherever and whenever it runs.
  virtual void compute(const TaskView& task) const = 0;

  // Rank 0 only: combines all task outputs, in task order, into the result. Spans hold the whole run.
  virtual Result reduce(std::span<const Word> item_out, std::span<const Word> task_out) const = 0;

  // Rank 0 only: compares the result with an independent reference (closed form, table, or plain serial code).
  virtual Verification verify(const Result& result) const = 0;

  // Workloads that read a user's file override these two. load_inputs runs on rank 0 before any work starts and
  // throws UserError naming the file and dataset; attach_inputs runs on every rank with the broadcast shape.
  virtual std::optional<ExternalInputs> load_inputs() const { return std::nullopt; }
  virtual void attach_inputs(const ExternalInputs& /*inputs*/) {}
};

// Everything the registry knows about a workload: it describes itself (name, one line, parameters) and makes
// instances from validated parameters. `config_dir` resolves relative input paths.
struct WorkloadEntry {
  std::string name;
  std::string description;
  std::vector<param::ParamSpec> params;
  std::function<std::unique_ptr<Workload>(const param::Params&, const std::filesystem::path& config_dir)> make;
};

// The common `tasks` parameter: how many tasks the work is cut into (independent of the rank count).
// Without a default, a workload makes one task per item.
param::ParamSpec tasks_param(std::optional<std::int64_t> default_tasks);

}  // namespace parbench::workloads
